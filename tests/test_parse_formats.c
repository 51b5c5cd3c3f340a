// SPDX-License-Identifier: MIT
/*
 * One test per accepted format, on small fixtures (tests/data/parse_*):
 * pre-3.5 e820, 4.x, v7.0, old EFI names, an EFI map file, dmesg -T,
 * journalctl, printk caller ids, /proc files, iomem, firmware memmap
 * (directory and grep dump) and device tree blobs.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host/bootlog.h"

#define FIX BOOTMM_SOURCE_DIR "/tests/data/"

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

static int parse_str(const char *text, struct bm_bootlog *log)
{
	struct bm_parse_error err;
	char buf[600];

	if (bm_bootlog_parse_buf("inline", text, strlen(text), log, &err)) {
		fprintf(stderr, "%s\n", bm_parse_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static void test_pre35(void)
{
	struct bm_bootlog log;

	if (parse(FIX "parse_pre35.log", &log)) {
		CHECK(0);
		return;
	}
	CHECK_STR(log.version, "2.6.32-5-amd64");
	CHECK(log.e820 && log.e820->n == 7);
	CHECK_EQ(log.e820->format, BM_E820_FMT_OLD);
	CHECK_EQ(log.e820->line, 5);
	CHECK_EQ(log.e820->entries[0].end, 0x9fbff);		/* exclusive 9fc00 */
	CHECK_EQ(log.e820->entries[1].start, 0x9fc00);
	CHECK_EQ(log.e820->entries[1].type, BM_E820_RESERVED);
	CHECK_EQ(log.e820->entries[4].type, BM_E820_ACPI);
	CHECK_EQ(log.e820->entries[6].end, 0x13fffffffULL);
	CHECK_EQ(log.n_e820_edits, 2);
	CHECK_EQ(log.e820_edits[0].end, 0xfff);
	CHECK_EQ(log.e820_edits[0].new_type, BM_E820_RESERVED);
	CHECK_EQ(log.e820_edits[1].op, BM_E820_REMOVE);
	CHECK_EQ(log.n_last_pfn, 2);
	CHECK_EQ(log.ramdisk.start, 0x37a3e000);
	CHECK_EQ(log.ramdisk.end, 0x37feefff);
	CHECK(log.has_fake_node && log.fake_node.end == 0x13fffffffULL);
	CHECK_EQ(log.n_srat, 2);
	CHECK_EQ(log.srat[0].end, 0x9ffff);
	CHECK_EQ(log.srat[1].start, 0x100000);
	CHECK_EQ(log.srat[1].end, 0xbfffffff);
	CHECK_EQ(log.n_initmem, 1);
	CHECK_EQ(log.initmem[0].end, 0x13fffffffULL);
	CHECK_EQ(log.memory.available_kb, 3976212);
	CHECK_EQ(log.memory.absent_kb, 1049032);
	CHECK_EQ(log.memory.data_kb, 1821);
	CHECK_EQ(log.memory.rwdata_kb, -1);
	CHECK_EQ(log.memory.cma_reserved_kb, -1);
	CHECK_EQ(log.n_freeing, 3);
	CHECK_STR(log.freeing[0].what, "SMP alternatives");
	CHECK_EQ(log.freeing[0].kb, 28);
	CHECK_STR(log.freeing[2].what, "unused kernel");
	CHECK_EQ(log.total_pages, 1032070);
	bm_bootlog_free(&log);
}

static void test_4x(void)
{
	struct bm_bootlog log;
	const struct bm_cmdline *cl;
	size_t i;

	if (parse(FIX "parse_4x.log", &log)) {
		CHECK(0);
		return;
	}
	CHECK(log.e820 && log.e820->n == 11);
	CHECK_EQ(log.e820->line, 3);
	CHECK_EQ(log.e820->entries[5].type, BM_E820_PRAM);
	CHECK_EQ(log.e820->entries[6].type, BM_E820_NVS);
	CHECK_EQ(log.e820->entries[7].type, BM_E820_UNUSABLE);
	CHECK_EQ(log.e820->entries[9].type, BM_E820_SOFT_RESERVED);
	CHECK_EQ(log.e820->entries[10].type, 20);
	CHECK_EQ(log.n_e820_tables, 2);
	CHECK_EQ(log.e820_tables[1].kind, BM_E820_TABLE_USER);
	CHECK_EQ(log.e820_tables[1].n, 2);
	CHECK_EQ(log.e820_tables[1].line, 19);
	CHECK_EQ(log.e820_edits[2].end, 0xfffffffffffffffeULL);	/* mem= limit */
	CHECK_EQ(log.last_pfn[0].last_pfn, 0x180000);
	/* command line */
	cl = bm_bootlog_cmdline(&log);
	CHECK(cl == &log.cmdline);
	CHECK(cl->has_mem && cl->mem == 6ULL << 30);
	CHECK(cl->memmap_exactmap);
	CHECK_EQ(cl->n_memmap, 7);
	CHECK_EQ(cl->memmap[0].kind, BM_MEMMAP_RESERVED);
	CHECK_EQ(cl->memmap[0].size, 64ULL << 20);
	CHECK_EQ(cl->memmap[0].start, 0x100000000ULL);
	CHECK_EQ(cl->memmap[1].kind, BM_MEMMAP_EXACTMAP);
	CHECK_EQ(cl->memmap[2].kind, BM_MEMMAP_USABLE);
	CHECK_EQ(cl->memmap[2].size, 640 << 10);
	CHECK_EQ(cl->memmap[2].start, 0);
	CHECK_EQ(cl->memmap[3].start, 1 << 20);
	CHECK_EQ(cl->memmap[4].kind, BM_MEMMAP_ACPI);
	CHECK_EQ(cl->memmap[5].kind, BM_MEMMAP_PRAM);
	CHECK_EQ(cl->memmap[6].kind, BM_MEMMAP_RETYPE);
	CHECK_EQ(cl->memmap[6].old_type, 12);
	CHECK_EQ(cl->memmap[6].new_type, 1);
	CHECK(cl->movable_node && cl->numa_off && cl->nokaslr && cl->efi_debug && cl->kho &&
	      cl->memblock_debug);
	CHECK_STR(cl->kernelcore, "mirror");
	CHECK_STR(cl->initrd, "/boot/initrd.img");
	for (i = 0; i < cl->n_params; i++)
		if (!strcmp(cl->params[i].name, "\"quoted"))
			CHECK(0);
	CHECK_STR(log.kernel_cmdline.text, "BOOT_IMAGE=/boot/vmlinuz-4.15.0-45-generic root=UUID=0b8c ro");
	/* NUMA */
	CHECK_EQ(log.n_srat, 2);
	CHECK(!log.srat[0].hotplug);
	CHECK(log.srat[1].hotplug);
	CHECK_EQ(log.n_numa_merges, 1);
	CHECK_EQ(log.numa_merges[0].b_start, 0x100000);
	CHECK_EQ(log.n_movable_start, 1);
	CHECK_EQ(log.movable_start[0].node, 1);
	CHECK_EQ(log.movable_start[0].start, 0x100000000ULL);
	CHECK_EQ(log.n_zone_ranges, 4);
	CHECK_EQ(log.zone_ranges[2].start, 0x100000000ULL);
	CHECK_EQ(log.n_node_ranges, 3);
	CHECK_EQ(log.n_initmem, 2);
	/* 4.x trace forms */
	CHECK_EQ(log.n_events, 6);
	CHECK_EQ(log.events[0].op, BM_MB_ALLOC);
	CHECK_STR(log.events[0].fn, "memblock_virt_alloc_try_nid");
	CHECK_EQ(log.events[0].paired, 1);
	CHECK_EQ(log.events[0].addr, 0x7ffd4000);
	CHECK_STR(log.events[1].caller, "memblock_virt_alloc_internal");
	CHECK_EQ(log.events[2].op, BM_MB_ADD_NODE);
	CHECK_EQ(log.events[2].nid, 1);
	CHECK_EQ(log.events[2].flags, 1);
	CHECK_EQ(log.events[3].op, BM_MB_MARK);
	CHECK_STR(log.events[3].fn, "memblock_mark_hotplug");
	CHECK_EQ(log.events[4].op, BM_MB_REMOVE);
	CHECK_EQ(log.events[4].end, 0xfffffffffffffffeULL);
	CHECK_EQ(log.events[5].op, BM_MB_FREE);
	/* summaries */
	CHECK_EQ(log.deferred[0].pages, 123456);
	CHECK_EQ(log.deferred[0].ms, 12);
	CHECK_EQ(log.percpu_pages, 46);
	CHECK_EQ(log.zonelists, 2);
	CHECK_STR(log.freeing[1].what, "unused kernel image");
	CHECK_EQ(log.freeing[1].kb, 1356);
	bm_bootlog_free(&log);
}

static void test_v7(void)
{
	struct bm_bootlog log;

	if (parse(FIX "parse_v7.log", &log)) {
		CHECK(0);
		return;
	}
	/* caller ids after the timestamps */
	CHECK_STR(log.version, "7.0.0-rc3");
	CHECK(log.cmdline.kho);
	CHECK(log.e820 && log.e820->n == 9);	/* gaps skipped */
	CHECK_EQ(log.e820->format, BM_E820_FMT_V7);
	CHECK_EQ(log.e820->entries[0].type, BM_E820_RAM);
	CHECK_EQ(log.e820->entries[1].type, BM_E820_RESERVED);
	CHECK_EQ(log.e820->entries[2].start, 0xf0000);
	CHECK_EQ(log.e820->entries[2].line, 7);
	CHECK_EQ(log.e820->entries[7].type, BM_E820_PMEM);
	CHECK_EQ(log.e820->entries[8].type, BM_E820_NVS);
	CHECK_EQ(log.e820_edits[0].old_type, BM_E820_RAM);
	CHECK_EQ(log.e820_edits[0].new_type, BM_E820_RESERVED);
	CHECK_EQ(log.events[2].op, BM_MB_MARK);
	CHECK_STR(log.events[2].fn, "memblock_mark_kho_scratch");
	CHECK_EQ(log.events[3].max_addr, 0xffffffffffffffffULL);
	CHECK_EQ(log.events[3].addr, 0x7fffb000);
	CHECK_EQ(log.n_freeing, 2);
	CHECK_EQ(log.freeing[1].line, 24);
	bm_bootlog_free(&log);
}

static void test_efi_old_names(void)
{
	struct bm_bootlog log;
	const struct bm_efi_map *m;

	if (parse(FIX "parse_efi_old.log", &log)) {
		CHECK(0);
		return;
	}
	m = log.efi;
	CHECK(m && m->n == 12);
	if (!m) {
		bm_bootlog_free(&log);
		return;
	}
	CHECK_EQ(m->entries[0].type, BM_EFI_BOOT_CODE);
	CHECK_EQ(m->entries[0].end, 0xfff);			/* ')' exclusive */
	CHECK_EQ(m->entries[1].type, BM_EFI_CONVENTIONAL);
	CHECK_EQ(m->entries[1].end, 0x9ffff);
	CHECK_EQ(m->entries[2].type, BM_EFI_RESERVED);
	CHECK_EQ(m->entries[2].attr, 0x070000000000000fULL);	/* |attr=0x..] */
	CHECK_EQ(m->entries[3].type, BM_EFI_BOOT_DATA);
	CHECK_EQ(m->entries[5].type, BM_EFI_ACPI_RECLAIM);
	CHECK_EQ(m->entries[6].type, BM_EFI_ACPI_NVS);
	CHECK_EQ(m->entries[7].attr, BM_EFI_RUNTIME | BM_EFI_XP | BM_EFI_WB | BM_EFI_WT |
				      BM_EFI_WC | BM_EFI_UC);
	CHECK_EQ(m->entries[8].type, BM_EFI_PERSISTENT);
	CHECK_EQ(m->entries[8].attr & BM_EFI_NV, BM_EFI_NV);
	CHECK_EQ(m->entries[9].type, BM_EFI_MMIO);
	CHECK_EQ(m->entries[10].type, BM_EFI_ACPI_NVS);		/* type=10 */
	CHECK_EQ(m->entries[10].attr, 0xf);
	CHECK_EQ(m->entries[10].end, 0x1209fff);
	CHECK_EQ(m->entries[11].type, BM_EFI_UNUSABLE);
	CHECK_EQ(bm_efi_map_bytes(m, BM_EFI_BOOT_DATA), 16 << 20);
	bm_bootlog_free(&log);
}

static void test_efi_map_file(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;

	CHECK(!bm_efi_map_parse_file(FIX "parse_efi_map.txt", &log, &err));
	CHECK_EQ(log.format, BM_FMT_EFI_MAP);
	CHECK(log.efi && log.efi->n == 6);
	if (log.efi) {
		CHECK_EQ(log.efi->entries[4].type, BM_EFI_UNACCEPTED);
		CHECK_EQ(log.efi->entries[5].attr,
			 BM_EFI_MORE_RELIABLE | BM_EFI_CPU_CRYPTO | BM_EFI_SP | BM_EFI_NV |
			 BM_EFI_XP | BM_EFI_RP | BM_EFI_WP | BM_EFI_RO | BM_EFI_UCE | BM_EFI_WB |
			 BM_EFI_WT | BM_EFI_WC | BM_EFI_UC);
		CHECK_EQ(log.efi->entries[5].line, 6);
	}
	bm_bootlog_free(&log);
	/* a kernel log is not an EFI map file */
	CHECK_EQ(bm_efi_map_parse_file(FIX "parse_v7.log", &log, &err), -1);
	CHECK_EQ(log.n_e820_tables, 0);
}

static void test_prefixes(void)
{
	static const char text[] =
		"Nov 21 22:29:49 host kernel: BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\r\n"
		"Nov  4 21:29:37 myhost kernel: [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable\n"
		"[Sat Nov 21 22:29:49 2026] BIOS-e820: [mem 0x0000000040000000-0x000000004000ffff] ACPI data\n"
		"[Tue Nov  4 21:29:37 2025] BIOS-e820: [mem 0x0000000040010000-0x000000004001ffff] ACPI NVS\n"
		"2025-11-04T21:29:37+0100 host kernel: BIOS-e820: [mem 0x0000000040020000-0x000000004002ffff] reserved\n"
		"2025-11-04T21:29:37,123456+01:00 BIOS-e820: [mem 0x0000000040030000-0x000000004003ffff] reserved\n"
		"kern  :info  : [    0.000000] BIOS-e820: [mem 0x0000000040040000-0x000000004004ffff] reserved\n"
		"<6>[    0.000000][    T0] BIOS-e820: [mem 0x0000000040050000-0x000000004005ffff] reserved\n"
		"[    0.000000] [  C1] BIOS-e820: [mem 0x0000000040060000-0x000000004006ffff] reserved\n"
		"\x1b[2J\x1b[01;01H\x1b[=3h[    0.000000] BIOS-e820: [mem 0x0000000040070000-0x000000004007ffff] unusable\x1b[0m\r\n"
		"serial junk \x1b" "c[    0.000000] BIOS-e820: [mem 0x0000000040080000-0x000000004008ffff] reserved\n";
	struct bm_bootlog log;
	size_t i;

	if (parse_str(text, &log)) {
		CHECK(0);
		return;
	}
	CHECK(log.e820 && log.e820->n == 11);
	CHECK_EQ(log.n_e820_tables, 1);
	if (log.e820) {
		for (i = 0; i < log.e820->n; i++)
			CHECK_EQ(log.e820->entries[i].line, i + 1);
		CHECK_EQ(log.e820->entries[1].end, 0x3fffffff);
		CHECK_EQ(log.e820->entries[2].type, BM_E820_ACPI);
		CHECK_EQ(log.e820->entries[9].type, BM_E820_UNUSABLE);
		CHECK_EQ(log.e820->entries[10].start, 0x40080000);
	}
	bm_bootlog_free(&log);
}

static void test_procfs_standalone(void)
{
	struct bm_bootlog log;
	const struct bm_zoneinfo *z;
	uint64_t v;

	if (!parse(FIX "parse_meminfo.txt", &log)) {
		CHECK_EQ(log.format, BM_FMT_PROCFS);
		CHECK_EQ(log.n_meminfo, 9);
		CHECK(bm_meminfo_get(&log, "MemTotal", &v) && v == 8040528);
		CHECK(bm_meminfo_get(&log, "DirectMap1G", &v) && v == 2097152);
		CHECK(bm_meminfo_get(&log, "HugePages_Total", &v) && v == 0);
		CHECK(!bm_meminfo_get(&log, "Nope", &v));
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse(FIX "parse_zoneinfo.txt", &log)) {
		CHECK_EQ(log.n_zoneinfo, 4);
		z = bm_zoneinfo_find(&log, 0, "DMA");
		CHECK(z && z->free == 3840 && z->min == 33 && z->low == 41 && z->high == 49 &&
		      z->spanned == 4095 && z->present == 3998 && z->managed == 3840 &&
		      z->cma == 0 && z->start_pfn == 1);
		z = bm_zoneinfo_find(&log, 0, "Normal");
		CHECK(z && z->managed == 1237906 && z->start_pfn == 1048576);
		z = bm_zoneinfo_find(&log, 0, "Movable");
		CHECK(z && z->spanned == 0 && z->start_pfn == -1);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse(FIX "parse_buddyinfo.txt", &log)) {
		CHECK_EQ(log.n_buddyinfo, 3);
		CHECK_STR(log.buddyinfo[2].zone, "Normal");
		CHECK_EQ(log.buddyinfo[2].n_orders, 11);
		CHECK_EQ(log.buddyinfo[2].count[0], 1223);
		CHECK_EQ(log.buddyinfo[2].count[10], 472);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse(FIX "parse_pagetypeinfo.txt", &log)) {
		CHECK_EQ(log.pageblock_order, 9);
		CHECK_EQ(log.pages_per_block, 512);
		CHECK_EQ(log.n_pagetype_free, 4);
		CHECK_STR(log.pagetype_free[3].zone, "DMA32");
		CHECK_STR(log.pagetype_free[3].type, "Movable");
		CHECK_EQ(log.pagetype_free[3].count[10], 708);
		CHECK_EQ(log.n_block_types, 6);
		CHECK_STR(log.block_types[4], "CMA");
		CHECK_EQ(log.n_pagetype_blocks, 2);
		CHECK_EQ(log.pagetype_blocks[1].n, 6);
		CHECK_EQ(log.pagetype_blocks[1].count[1], 2028);
		CHECK_EQ(log.n_buddyinfo, 0);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
}

/* 6.x prints memoryless nodes without a range. */
static void test_memoryless_node(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;

	CHECK(!bm_bootlog_parse_file(FIX "parse_memoryless.log", &log, &err));
	CHECK_EQ(log.n_initmem, 1);
	CHECK_EQ(log.initmem[0].node, 0);
	bm_bootlog_free(&log);
}

static void test_iomem(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	struct bm_e820_table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(FIX "parse_iomem.txt", "rb");

	CHECK(f != NULL);
	if (!f)
		return;
	buf = malloc(4096);
	len = fread(buf, 1, 4096, f);
	fclose(f);
	CHECK(!bm_iomem_parse_buf("iomem", buf, len, &log, &err));
	free(buf);
	CHECK_EQ(log.format, BM_FMT_IOMEM);
	CHECK_EQ(log.n_iomem, 28);
	CHECK_STR(log.iomem[12].name, "Crash kernel");
	CHECK_EQ(log.iomem[12].depth, 1);
	CHECK_EQ(log.iomem[12].parent, 7);
	CHECK_EQ(log.iomem[12].start, 0x2b000000);
	CHECK_STR(log.iomem[19].name, "pnp 00:01");
	CHECK_EQ(log.iomem[19].depth, 2);
	CHECK_EQ(log.iomem[19].line, 20);
	CHECK_EQ(log.iomem[19].parent, 18);
	CHECK(!bm_iomem_to_e820(&log, false, &t));
	/* Reserved 0-fff, RAM, Reserved, RAM, Reserved a0000, RAM 1M, ACPI, NVS,
	 * unusable, Reserved (in MMCONFIG), RAM 4G, PRAM, soft reserved, PMEM */
	CHECK_EQ(t.n, 14);
	CHECK_EQ(t.entries[4].start, 0xa0000);
	CHECK_EQ(t.entries[4].type, BM_E820_RESERVED);
	CHECK_EQ(t.entries[6].type, BM_E820_ACPI);
	CHECK_EQ(t.entries[7].type, BM_E820_NVS);
	CHECK_EQ(t.entries[8].type, BM_E820_UNUSABLE);
	CHECK_EQ(t.entries[9].start, 0xe0000000);
	CHECK_EQ(t.entries[9].type, BM_E820_RESERVED);
	CHECK_EQ(t.entries[11].type, BM_E820_PRAM);
	CHECK_EQ(t.entries[12].type, BM_E820_SOFT_RESERVED);
	CHECK_EQ(t.entries[13].type, BM_E820_PMEM);
	free(t.entries);
	bm_bootlog_free(&log);
	/* a log is not an iomem dump */
	CHECK_EQ(bm_iomem_parse_buf("x", "BIOS-e820: [mem 0x0-0xfff] usable\n", 34, &log, &err), -1);
}

static void test_fwmemmap_grep(void)
{
	struct bm_bootlog log;
	struct bm_e820_table t;

	if (parse(FIX "parse_fwmemmap_grep.txt", &log)) {
		CHECK(0);
		return;
	}
	CHECK_EQ(log.format, BM_FMT_FWMEMMAP);
	CHECK_EQ(log.n_fwmemmap, 6);
	CHECK_EQ(log.fwmemmap[0].index, 0);
	CHECK_EQ(log.fwmemmap[0].end, 0x9fbff);
	CHECK_STR(log.fwmemmap[4].type, "ACPI Tables");
	CHECK_EQ(log.fwmemmap[4].e820_type, BM_E820_ACPI);
	CHECK_EQ(log.fwmemmap[5].index, 10);
	CHECK_EQ(log.fwmemmap[5].start, 0x100000000ULL);
	CHECK(!bm_fwmemmap_to_e820(&log, true, &t));
	CHECK_EQ(t.n, 6);
	free(t.entries);
	bm_bootlog_free(&log);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_fwmemmap_dir(void)
{
	static const struct { const char *start, *end, *type; } ent[] = {
		{ "0x0\n", "0x9fbff\n", "System RAM\n" },
		{ "0x9fc00\n", "0x9ffff\n", "Reserved\n" },
		{ "0x100000\n", "0x7ffdffff\n", "System RAM\n" },
		{ "0x7ffe0000\n", "0x7fffffff\n", "Reserved\n" },
		{ "0x100000000\n", "0x17fffffff\n", "System RAM\n" },
		{ "0xfffc0000\n", "0xffffffff\n", "Reserved\n" },
		{ "0xb0000000\n", "0xbfffffff\n", "Reserved\n" },
		{ "0xfed1c000\n", "0xfed1ffff\n", "Reserved\n" },
		{ "0x0a0000\n", "0x0effff\n", "Unknown E820 type\n" },
		{ "0xf0000\n", "0xfffff\n", "Reserved\n" },
		{ "0x180000000\n", "0x1bfffffff\n", "Persistent Memory\n" },
	};
	char dir[] = "/tmp/bootmm_fwmemmapXXXXXX", path[256];
	struct bm_bootlog log;
	struct bm_parse_error err;
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < BM_ARRAY_SIZE(ent); i++) {
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/%zu/start", dir, i);
		write_file(path, ent[i].start);
		snprintf(path, sizeof(path), "%s/%zu/end", dir, i);
		write_file(path, ent[i].end);
		snprintf(path, sizeof(path), "%s/%zu/type", dir, i);
		write_file(path, ent[i].type);
	}
	if (bm_bootlog_parse_file(dir, &log, &err)) {
		char b[600];

		fprintf(stderr, "%s\n", bm_parse_error_format(&err, b, sizeof(b)));
		CHECK(0);
	} else {
		CHECK_EQ(log.format, BM_FMT_FWMEMMAP_DIR);
		CHECK_EQ(log.n_fwmemmap, 11);
		CHECK_EQ(log.fwmemmap[0].start, 0);
		CHECK_EQ(log.fwmemmap[2].start, 0xa0000);
		CHECK_EQ(log.fwmemmap[2].e820_type, 0);
		CHECK_EQ(log.fwmemmap[2].index, 8);
		CHECK_EQ(log.fwmemmap[10].e820_type, BM_E820_PMEM);
		CHECK_EQ(log.fwmemmap[10].index, 10);
		bm_bootlog_free(&log);
	}
	/* a missing field */
	snprintf(path, sizeof(path), "%s/3/end", dir);
	unlink(path);
	CHECK_EQ(bm_fwmemmap_parse_dir(dir, &log, &err), -1);
	CHECK(strstr(err.msg, "cannot read") != NULL);
	for (i = 0; i < BM_ARRAY_SIZE(ent); i++) {
		snprintf(path, sizeof(path), "%s/%zu/start", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%zu/end", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%zu/type", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		rmdir(path);
	}
	rmdir(dir);
}

static void check_board(const struct bm_bootlog *log)
{
	CHECK_EQ(log->format, BM_FMT_DTB);
	CHECK_EQ(log->n_dt_memory, 3);
	CHECK_STR(log->dt_memory[0].node, "/memory@40000000");
	CHECK_EQ(log->dt_memory[0].start, 0x40000000);
	CHECK_EQ(log->dt_memory[0].end, 0x7fffffff);
	CHECK_EQ(log->dt_memory[1].start, 0x880000000ULL);
	CHECK_EQ(log->dt_memory[1].end, 0x8ffffffffULL);
	CHECK_EQ(log->dt_memory[2].start, 0xc0000000);
	CHECK_EQ(log->n_dt_reserved, 3);		/* the disabled one skipped */
	CHECK_STR(log->dt_reserved[0].node, "/reserved-memory/secmon@41000000");
	CHECK(log->dt_reserved[0].no_map && !log->dt_reserved[0].reusable);
	CHECK_EQ(log->dt_reserved[0].end, 0x411fffff);
	CHECK(!log->dt_reserved[1].has_reg && log->dt_reserved[1].reusable);
	CHECK_EQ(log->dt_reserved[1].size, 0x4000000);
	CHECK_EQ(log->dt_reserved[1].align, 0x400000);
	CHECK(!log->dt_reserved[2].no_map);
	CHECK_EQ(log->dt_reserved[2].start, 0x7f000000);
	CHECK_EQ(log->n_dt_memreserve, 2);
	CHECK_EQ(log->dt_memreserve[0].start, 0x48000000);
	CHECK_EQ(log->dt_memreserve[0].end, 0x480fffff);
	CHECK_EQ(log->dt_memreserve[1].size, 0x1000);
}

static void test_dtb(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;

	if (!bm_fdt_supported()) {
		CHECK_EQ(bm_fdt_parse_file(FIX "parse_board.dtb", &log, &err), -1);
		CHECK(strstr(err.msg, "libfdt") != NULL);
		printf("     (libfdt missing: only the error path tested)\n");
		return;
	}
	if (!parse(FIX "parse_board.dtb", &log)) {
		check_board(&log);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse(FIX "parse_board32.dtb", &log)) {
		CHECK_EQ(log.n_dt_memory, 2);
		CHECK_EQ(log.dt_memory[1].start, 0xa0000000);
		CHECK_EQ(log.dt_memory[1].end, 0xa7ffffff);
		CHECK_EQ(log.n_dt_reserved, 1);
		CHECK(log.dt_reserved[0].no_map);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	/* the committed .dtb is what dtc makes of the .dts */
	if (system("command -v dtc >/dev/null 2>&1") == 0) {
		char out[] = "/tmp/bootmm_dtbXXXXXX", cmd[512];
		int fd = mkstemp(out);

		if (fd >= 0) {
			close(fd);
			snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", out,
				 FIX "parse_board.dts");
			CHECK_EQ(system(cmd), 0);
			if (!bm_fdt_parse_file(out, &log, &err)) {
				check_board(&log);
				bm_bootlog_free(&log);
			} else {
				CHECK(0);
			}
			unlink(out);
		}
	}
}

static void test_inline_variants(void)
{
	static const char text[] =
		"Memory: 2056172K/2096696K available (5957K kernel code, 562K rwdata, 2676K rodata, 760K init, 860K bss, 40524K reserved, 0K cma-reserved, 1187336K highmem)\n"
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff]  639 KB  System RAM\n"
		"BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] 1023 MB  System RAM\n"
		"Memory: 8G = 8G total\n"
		"efi: Freeing EFI boot services memory: 1234K\n"
		"x86/mm: Freeing unused kernel image (text/rodata gap) memory: 2040K\n"
		"memblock_free_late: [0x0000000001000000-0x0000000001ffffff] efi_free_boot_services+0x1/0x2\n"
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x1\n"
		" memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n"
		"=====MEMBLOCK_MEMORY\n"
		"   0: 0x0000000000001000..0x000000000009efff    0 NONE\n"
		"   1: 0x0000000000100000..0x000000003ffdefff    x HOTPLUG|MIRROR\n"
		"=====MEMBLOCK_RESERVED\n"
		"   0: 0x0000000000000000..0x00000000000fffff    0 NONE\n"
		"=====END\n";
	struct bm_bootlog log;

	if (parse_str(text, &log)) {
		CHECK(0);
		return;
	}
	CHECK_EQ(log.memory.highmem_kb, 1187336);
	CHECK_EQ(log.memory.line, 1);		/* the ARM "Memory: 8G" form is not ours */
	CHECK(log.e820 && log.e820->n == 2);
	CHECK_EQ(log.e820->format, BM_E820_FMT_V7);
	CHECK_EQ(log.e820->entries[1].end, 0x3fffffff);
	CHECK_EQ(log.n_freeing, 2);
	CHECK_STR(log.freeing[0].what, "EFI boot services");
	CHECK_STR(log.freeing[1].what, "unused kernel image (text/rodata gap)");
	CHECK_EQ(log.n_events, 1);
	CHECK_EQ(log.events[0].op, BM_MB_FREE_LATE);
	CHECK_EQ(log.n_dumps, 1);
	CHECK_EQ(log.dumps[0].n_memory, 1);
	CHECK_EQ(log.dumps[0].memory[0].size, 0);
	CHECK_EQ(log.dumps[0].event_index, 1);
	CHECK(log.debugfs_memblock != NULL);
	if (log.debugfs_memblock) {
		CHECK_EQ(log.debugfs_memblock->n_memory, 2);
		CHECK_EQ(log.debugfs_memblock->memory[1].nid, -1);
		CHECK_EQ(log.debugfs_memblock->memory[1].flags, 0x3);
		CHECK_EQ(log.debugfs_memblock->n_reserved, 1);
		CHECK_EQ(log.debugfs_memblock->reserved_size, 0x100000);
	}
	bm_bootlog_free(&log);
}

int main(void)
{
	RUN(test_inline_variants);
	RUN(test_pre35);
	RUN(test_4x);
	RUN(test_v7);
	RUN(test_efi_old_names);
	RUN(test_efi_map_file);
	RUN(test_prefixes);
	RUN(test_procfs_standalone);
	RUN(test_memoryless_node);
	RUN(test_iomem);
	RUN(test_fwmemmap_grep);
	RUN(test_fwmemmap_dir);
	RUN(test_dtb);
	return CHECK_DONE();
}
