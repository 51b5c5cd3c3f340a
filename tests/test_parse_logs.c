// SPDX-License-Identifier: MIT
/*
 * The parsers on the real serial logs of shared/data: exact figures the
 * kernel printed, checked one by one.
 */
#include "check.h"
#include "host/bootlog.h"

#define DATA BOOTMM_DATA_DIR "/"

static int parse(const char *path, struct bm_bootlog *log)
{
	struct bm_parse_error err;
	char buf[600];

	if (bm_bootlog_parse_file(path, log, &err)) {
		fprintf(stderr, "%s\n", bm_parse_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static size_t count_caller(const struct bm_bootlog *log, enum bm_mb_op op, const char *caller)
{
	size_t i, n = 0;

	for (i = 0; i < log->n_events; i++)
		if (log->events[i].op == op && log->events[i].caller &&
		    !strcmp(log->events[i].caller, caller))
			n++;
	return n;
}

static const struct bm_freeing *find_freeing(const struct bm_bootlog *log, const char *what)
{
	size_t i;

	for (i = 0; i < log->n_freeing; i++)
		if (!strcmp(log->freeing[i].what, what))
			return &log->freeing[i];
	return NULL;
}

static void test_efi_512m_trace(void)
{
	struct bm_bootlog log;
	const struct bm_freeing *f;
	const struct bm_zoneinfo *z;
	const struct bm_mb_event *a = NULL, *r;
	uint64_t v;
	size_t i;

	if (parse(DATA "efi-512M-trace.log", &log)) {
		CHECK(0);
		return;
	}
	CHECK_EQ(log.format, BM_FMT_KERNEL_LOG);
	CHECK_STR(log.version, "6.1.0-56-cloud-amd64");
	CHECK_EQ(log.version_line, 2);
	/* e820 */
	CHECK(log.e820 != NULL);
	CHECK_EQ(log.e820->n, 16);
	CHECK_EQ(log.e820->line, 4);
	CHECK_EQ(log.e820->format, BM_E820_FMT_MEM);
	CHECK_EQ(log.e820->entries[0].start, 0);
	CHECK_EQ(log.e820->entries[0].end, 0x9ffff);
	CHECK_EQ(log.e820->entries[0].type, BM_E820_RAM);
	CHECK_EQ(log.e820->entries[0].line, 5);
	CHECK_EQ(log.e820->entries[6].type, BM_E820_RESERVED);
	CHECK_EQ(log.e820->entries[9].type, BM_E820_ACPI);
	CHECK_EQ(log.e820->entries[10].type, BM_E820_NVS);
	CHECK_EQ(log.e820->entries[15].start, 0xffc00000);
	CHECK_EQ(log.e820->entries[15].end, 0xffffffff);
	CHECK(log.e820_setup_data != NULL);
	CHECK_EQ(log.e820_setup_data->n, 20);
	CHECK_EQ(log.e820_setup_data->entries[6].start, 0x1d469018);
	CHECK_EQ(log.e820_setup_data->entries[6].end, 0x1d4a6057);
	CHECK_EQ(log.n_e820_edits, 6);
	CHECK_EQ(log.e820_edits[4].op, BM_E820_UPDATE);
	CHECK_EQ(log.e820_edits[4].start, 0);
	CHECK_EQ(log.e820_edits[4].end, 0xfff);
	CHECK_EQ(log.e820_edits[4].old_type, BM_E820_RAM);
	CHECK_EQ(log.e820_edits[4].new_type, BM_E820_RESERVED);
	CHECK_EQ(log.e820_edits[5].op, BM_E820_REMOVE);
	CHECK_EQ(log.e820_edits[5].start, 0xa0000);
	CHECK_EQ(log.e820_edits[5].end, 0xfffff);
	CHECK_EQ(log.n_last_pfn, 1);
	CHECK_EQ(log.last_pfn[0].last_pfn, 0x1feec);
	CHECK_EQ(log.last_pfn[0].max_arch_pfn, 0x400000000ULL);
	CHECK_EQ(log.n_ram_buffers, 7);
	/* command line */
	CHECK_STR(log.cmdline.text, "console=ttyS0 panic=-1 loglevel=8 ignore_loglevel memblock=debug initrd=initrd");
	CHECK(log.cmdline.memblock_debug);
	CHECK(!log.cmdline.efi_debug);
	CHECK_STR(log.cmdline.initrd, "initrd");
	CHECK_EQ(log.kernel_cmdline.line, 420);
	/* NUMA and zones */
	CHECK(log.numa_none);
	CHECK(log.has_fake_node);
	CHECK_EQ(log.fake_node.end, 0x1feebfff);
	CHECK_EQ(log.n_node_data, 1);
	CHECK_EQ(log.node_data[0].start, 0x1fe46000);
	CHECK_EQ(log.n_node_ranges, 6);
	CHECK_EQ(log.node_ranges[3].start, 0x900000);
	CHECK_EQ(log.node_ranges[3].end, 0x1ea89fff);
	CHECK_EQ(log.n_zone_ranges, 4);
	CHECK_STR(log.zone_ranges[1].zone, "DMA32");
	CHECK_EQ(log.zone_ranges[1].end, 0x1feebfff);
	CHECK(log.zone_ranges[2].empty);
	CHECK_EQ(log.n_initmem, 1);
	CHECK_EQ(log.n_unavail, 7);
	CHECK_EQ(log.unavail[5].pages, 786);
	CHECK_STR(log.unavail[5].zone, "DMA32");
	/* summaries */
	CHECK(log.memory.present);
	CHECK_EQ(log.memory.line, 434);
	CHECK_EQ(log.memory.available_kb, 247604);
	CHECK_EQ(log.memory.total_kb, 517652);
	CHECK_EQ(log.memory.kernel_code_kb, 14343);
	CHECK_EQ(log.memory.rwdata_kb, 2327);
	CHECK_EQ(log.memory.rodata_kb, 8348);
	CHECK_EQ(log.memory.init_kb, 2612);
	CHECK_EQ(log.memory.bss_kb, 5436);
	CHECK_EQ(log.memory.reserved_kb, 102584);
	CHECK_EQ(log.memory.cma_reserved_kb, 0);
	CHECK_EQ(log.memory.highmem_kb, -1);
	CHECK_EQ(log.n_deferred, 1);
	CHECK_EQ(log.deferred[0].node, 0);
	CHECK_EQ(log.deferred[0].ms, 8);
	f = find_freeing(&log, "EFI boot services");
	CHECK(f && f->kb == 49944 && f->line == 513);
	f = find_freeing(&log, "SMP alternatives");
	CHECK(f && f->kb == 36 && f->line == 463);
	f = find_freeing(&log, "unused kernel image (initmem)");
	CHECK(f && f->kb == 2612);
	CHECK_EQ(log.n_freeing, 7);
	CHECK(log.has_ramdisk);
	CHECK_EQ(log.ramdisk.start, 0x1d4a7000);
	CHECK_EQ(log.ramdisk.end, 0x1d5a2fff);
	CHECK_EQ(log.total_pages, 125423);
	CHECK_EQ(log.zonelists, 1);
	CHECK_EQ(log.percpu_pages, 61);
	/* memblock trace */
	CHECK_EQ(count_caller(&log, BM_MB_RESERVE, "efi_reserve_boot_services"), 100);
	CHECK_EQ(count_caller(&log, BM_MB_ADD, "e820__memblock_setup"), 10);
	CHECK_EQ(log.n_dumps, 2);
	CHECK_EQ(log.dumps[0].line, 72);
	CHECK_EQ(log.dumps[0].event_index, 13);
	CHECK_EQ(log.dumps[0].memory_size, 0x1f985000);
	CHECK_EQ(log.dumps[0].reserved_size, 0x29c68b0);
	CHECK_EQ(log.dumps[0].n_memory, 6);
	CHECK_EQ(log.dumps[0].n_reserved, 8);
	CHECK_EQ(log.dumps[0].memory[0].base, 0x1000);
	CHECK_EQ(log.dumps[0].memory[0].nid, -1);
	CHECK_EQ(log.dumps[0].reserved[2].base, 0x16200000);
	CHECK_EQ(log.dumps[0].reserved[2].size, 0x2811000);
	CHECK_EQ(log.dumps[1].n_reserved, 22);
	CHECK_EQ(log.dumps[1].memory[5].nid, 0);
	CHECK_EQ(log.dumps[1].reserved[0x14].nid, -1);
	for (i = 0; i < log.n_events; i++)
		if (log.events[i].op == BM_MB_ALLOC && log.events[i].size == 8388608 &&
		    !strcmp(log.events[i].fn, "memblock_alloc_exact_nid_raw"))
			a = &log.events[i];
	CHECK(a != NULL);
	if (a) {
		CHECK_EQ(a->align, 0x200000);
		CHECK_EQ(a->nid, 0);
		CHECK_EQ(a->from, 0x1000000);
		CHECK_EQ(a->max_addr, 0);
		CHECK_STR(a->caller, "sparse_init_nid");
		CHECK_EQ(a->line, 266);
		CHECK(a->paired >= 0);
		CHECK_EQ(a->addr, 0x1cc00000);
		if (a->paired >= 0) {
			r = &log.events[a->paired];
			CHECK_EQ(r->op, BM_MB_RESERVE);
			CHECK_EQ(r->start, 0x1cc00000);
			CHECK_EQ(r->end, 0x1d3fffff);
			CHECK(r->alloc_internal);
			CHECK_EQ(r->line, 267);
			CHECK_STR(r->caller, "memblock_alloc_range_nid");
		}
	}
	/* first event: memblock_reserve by efi_memblock_x86_reserve_range */
	CHECK_EQ(log.events[0].op, BM_MB_RESERVE);
	CHECK_EQ(log.events[0].start, 0x1f771040);
	CHECK_STR(log.events[0].caller, "efi_memblock_x86_reserve_range");
	/* the NODE_DATA reserve has no traced allocation before it */
	for (i = 0; i < log.n_events; i++)
		if (log.events[i].op == BM_MB_RESERVE && log.events[i].start == 0x1fe46000) {
			CHECK(log.events[i].alloc_internal);
			CHECK_EQ(log.events[i].paired, -1);
		}
	/* initramfs dumps */
	CHECK(bm_meminfo_get(&log, "MemTotal", &v));
	CHECK_EQ(v, 474636);
	CHECK(bm_meminfo_get(&log, "DirectMap2M", &v));
	CHECK_EQ(v, 487424);
	CHECK(bm_meminfo_get(&log, "HugePages_Total", &v));
	CHECK_EQ(log.n_meminfo, 50);
	z = bm_zoneinfo_find(&log, 0, "DMA");
	CHECK(z != NULL);
	if (z) {
		CHECK_EQ(z->spanned, 4095);
		CHECK_EQ(z->present, 3757);
		CHECK_EQ(z->managed, 3598);
		CHECK_EQ(z->start_pfn, 1);
	}
	z = bm_zoneinfo_find(&log, 0, "DMA32");
	CHECK(z && z->managed == 115061 && z->start_pfn == 4096);
	z = bm_zoneinfo_find(&log, 0, "Normal");
	CHECK(z && z->spanned == 0 && z->start_pfn == -1);
	CHECK_EQ(log.n_zoneinfo, 5);
	CHECK_EQ(log.n_buddyinfo, 2);
	CHECK_EQ(log.buddyinfo[1].n_orders, 11);
	CHECK_EQ(log.buddyinfo[1].count[10], 101);
	CHECK_EQ(log.pageblock_order, 9);
	CHECK_EQ(log.pages_per_block, 512);
	CHECK_EQ(log.n_pagetype_free, 10);
	CHECK_STR(log.pagetype_free[6].type, "Movable");
	CHECK_EQ(log.pagetype_free[6].count[10], 96);
	CHECK_EQ(log.n_block_types, 5);
	CHECK_STR(log.block_types[4], "Isolate");
	CHECK_EQ(log.n_pagetype_blocks, 2);
	CHECK_EQ(log.pagetype_blocks[1].count[1], 198);
	CHECK(log.debugfs_memblock == NULL);
	CHECK_EQ(log.n_iomem, 44);
	CHECK_STR(log.iomem[9].name, "Kernel code");
	CHECK_EQ(log.iomem[9].start, 0x16200000);
	CHECK_EQ(log.iomem[9].depth, 1);
	CHECK_EQ(log.iomem[9].parent, 8);
	CHECK_EQ(log.n_fwmemmap, 16);
	CHECK_EQ(log.fwmemmap[0].start, 0);
	CHECK_EQ(log.fwmemmap[15].start, 0xffc00000);
	/* iomem and fwmemmap agree with the firmware e820 (after the edits) */
	{
		struct bm_e820_table io, fw;

		CHECK(!bm_iomem_to_e820(&log, true, &io));
		CHECK(!bm_fwmemmap_to_e820(&log, false, &fw));
		CHECK_EQ(fw.n, 16);
		for (i = 0; i < fw.n && i < log.e820->n; i++) {
			CHECK_EQ(fw.entries[i].start, log.e820->entries[i].start);
			CHECK_EQ(fw.entries[i].end, log.e820->entries[i].end);
			CHECK_EQ(fw.entries[i].type, log.e820->entries[i].type);
		}
		/* iomem: 0-0xfff reserved, then the e820 with the ISA hole removed */
		CHECK(io.n >= 10);
		CHECK_EQ(io.entries[0].end, 0xfff);
		CHECK_EQ(io.entries[0].type, BM_E820_RESERVED);
		CHECK_EQ(io.entries[1].start, 0x1000);
		CHECK_EQ(io.entries[1].type, BM_E820_RAM);
		for (i = 0; i < io.n; i++)
			if (io.entries[i].start == 0xb0000000)
				CHECK_EQ(io.entries[i].type, BM_E820_RESERVED);
		free(io.entries);
		free(fw.entries);
	}
	bm_bootlog_free(&log);
	CHECK(log.events == NULL && log.n_events == 0);
}

static void test_efi_512m_map(void)
{
	struct bm_bootlog log;
	const struct bm_efi_entry *e;
	uint64_t v;

	if (parse(DATA "efi-512M-map.log", &log)) {
		CHECK(0);
		return;
	}
	CHECK(log.cmdline.efi_debug);
	CHECK_EQ(log.n_events, 0);
	CHECK(log.efi != NULL);
	CHECK(log.efi_runtime != NULL);
	if (!log.efi || !log.efi_runtime) {
		bm_bootlog_free(&log);
		return;
	}
	CHECK_EQ(log.n_efi_maps, 3);
	CHECK_EQ(log.efi->n, 128);
	CHECK_EQ(log.efi->line, 50);
	e = &log.efi->entries[0];
	CHECK_EQ(e->type, BM_EFI_BOOT_CODE);
	CHECK_EQ(e->index, 0);
	CHECK_EQ(e->start, 0);
	CHECK_EQ(e->end, 0xfff);
	CHECK_EQ(e->attr, BM_EFI_WB | BM_EFI_WT | BM_EFI_WC | BM_EFI_UC);
	CHECK_EQ(e->line, 50);
	e = &log.efi->entries[127];
	CHECK_EQ(e->type, BM_EFI_MMIO);
	CHECK_EQ(e->index, 127);
	CHECK_EQ(e->start, 0xffc00000);
	CHECK_EQ(e->end, 0xffffffff);
	CHECK_EQ(e->attr, BM_EFI_RUNTIME | BM_EFI_UC);
	CHECK_EQ(log.efi->entries[5].type, BM_EFI_ACPI_NVS);
	CHECK_EQ(log.efi->entries[126].type, BM_EFI_RESERVED);
	CHECK_EQ(bm_efi_map_bytes(log.efi, BM_EFI_BOOT_CODE), 0x465000);
	CHECK_EQ(bm_efi_map_bytes(log.efi, BM_EFI_BOOT_DATA), 0x2c64000);
	CHECK_EQ(bm_efi_map_bytes(log.efi, BM_EFI_CONVENTIONAL), 0x185ab000);
	CHECK_EQ(bm_efi_map_bytes(log.efi, BM_EFI_LOADER_CODE), 0x41cc000);
	CHECK_EQ(bm_efi_map_bytes(log.efi, BM_EFI_RUNTIME_DATA), 0x286000);
	/* the runtime map efi=debug keeps: boot services included, reversed */
	CHECK_EQ(log.efi_runtime->n, 107);
	CHECK_EQ(log.efi_runtime->line, 293);
	CHECK_EQ(log.efi_runtime->entries[0].type, BM_EFI_MMIO);
	CHECK_EQ(log.efi_runtime->entries[106].start, 0);
	CHECK_EQ(log.efi_runtime->entries[106].attr & BM_EFI_RUNTIME, BM_EFI_RUNTIME);
	CHECK_EQ(log.efi_maps[2].kind, BM_EFI_MAP_MEMATTR);
	CHECK_EQ(log.efi_maps[2].n, 22);
	CHECK_EQ(log.efi_maps[2].entries[0].attr, BM_EFI_RUNTIME | BM_EFI_XP);
	CHECK_EQ(log.efi_maps[2].entries[0].start, 0x1ea8a000);
	CHECK_EQ(log.efi_maps[2].line, 401);
	/* efi=debug keeps boot services: MemTotal lower by what the trace boot freed */
	CHECK(bm_meminfo_get(&log, "MemTotal", &v));
	CHECK_EQ(v, 424692);
	CHECK_EQ(474636 - v, 49944);
	CHECK_EQ(log.memory.available_kb, 231220);
	bm_bootlog_free(&log);
}

static void test_bios_1g(void)
{
	struct bm_bootlog log;
	const struct bm_zoneinfo *z;
	size_t i, allocs = 0, paired = 0;

	if (parse(DATA "bios-1G-trace.log", &log)) {
		CHECK(0);
		return;
	}
	/* the first line carries junk before the timestamp */
	CHECK_STR(log.version, "6.1.0-56-cloud-amd64");
	CHECK_EQ(log.version_line, 9);
	CHECK(log.e820 && log.e820->n == 9);
	if (log.e820) {
		CHECK_EQ(log.e820->entries[0].end, 0x9fbff);
		CHECK_EQ(log.e820->entries[8].start, 0xfd00000000ULL);
		CHECK_EQ(log.e820->entries[8].end, 0xffffffffffULL);
	}
	CHECK(log.e820_setup_data == NULL);
	CHECK_EQ(log.n_efi_maps, 0);
	CHECK_EQ(log.memory.available_kb, 260860);
	CHECK_EQ(log.memory.total_kb, 1048052);
	CHECK_EQ(log.memory.reserved_kb, 61300);
	CHECK_EQ(log.deferred[0].ms, 16);
	CHECK_EQ(log.n_dumps, 2);
	CHECK_EQ(log.dumps[0].n_memory, 2);
	CHECK_EQ(log.dumps[1].n_reserved, 5);
	for (i = 0; i < log.n_events; i++) {
		if (log.events[i].op != BM_MB_ALLOC)
			continue;
		allocs++;
		if (log.events[i].paired >= 0)
			paired++;
	}
	CHECK_EQ(allocs, 50);
	CHECK_EQ(paired, allocs);
	z = bm_zoneinfo_find(&log, 0, "DMA32");
	CHECK(z && z->spanned == 258015 && z->present == 258015 && z->managed == 245254);
	CHECK_EQ(log.n_fwmemmap, 9);
	CHECK_EQ(log.n_iomem, 35);
	bm_bootlog_free(&log);
}

static void test_numa2(void)
{
	struct bm_bootlog log;
	const struct bm_zoneinfo *z;

	if (parse(DATA "efi-numa2-4G-trace.log", &log)) {
		CHECK(0);
		return;
	}
	CHECK(!log.numa_none);
	CHECK_EQ(log.n_srat, 3);
	CHECK_EQ(log.srat[0].node, 0);
	CHECK_EQ(log.srat[0].end, 0x9ffff);
	CHECK_EQ(log.srat[1].start, 0x100000);
	CHECK_EQ(log.srat[1].end, 0x7fffffff);
	CHECK_EQ(log.srat[2].node, 1);
	CHECK_EQ(log.srat[2].pxm, 1);
	CHECK_EQ(log.srat[2].start, 0x100000000ULL);
	CHECK_EQ(log.srat[2].end, 0x17fffffffULL);
	CHECK(!log.srat[2].hotplug);
	CHECK_EQ(log.n_numa_merges, 1);
	CHECK_EQ(log.numa_merges[0].end, 0x7fffffff);
	CHECK_EQ(log.n_node_data, 2);
	CHECK_EQ(log.n_initmem, 2);
	CHECK_EQ(log.initmem[1].node, 1);
	CHECK_EQ(log.n_node_ranges, 7);
	CHECK_EQ(log.node_ranges[6].node, 1);
	CHECK_EQ(log.dumps[1].memory[6].nid, 1);
	CHECK_EQ(log.n_deferred, 2);
	CHECK_EQ(log.deferred[1].node, 1);
	CHECK_EQ(log.deferred[1].ms, 64);
	CHECK_EQ(log.zonelists, 2);
	CHECK_EQ(log.memory.total_kb, 4187668);
	CHECK_EQ(log.n_last_pfn, 2);
	z = bm_zoneinfo_find(&log, 1, "Normal");
	CHECK(z && z->spanned == 524288);
	CHECK_EQ(log.n_buddyinfo, 3);
	CHECK_EQ(log.buddyinfo[2].node, 1);
	bm_bootlog_free(&log);
}

int main(void)
{
	RUN(test_efi_512m_trace);
	RUN(test_efi_512m_map);
	RUN(test_bios_1g);
	RUN(test_numa2);
	return CHECK_DONE();
}
