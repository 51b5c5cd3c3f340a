// SPDX-License-Identifier: MIT
/*
 * The real kernel as the oracle: every log in shared/data boots through
 * bootmm from its own description (trace replay where it has a
 * memblock=debug trace, the x86 model otherwise) and must agree with what
 * the kernel printed: every allocation placed where the kernel placed it,
 * the Memory: line, zone and node ranges, unavailable pages, the Freeing
 * lines, MemTotal and zoneinfo.
 *
 * Known gap, asserted exactly rather than hidden: the kernel's
 * preallocate_vmalloc_pages (x86 mem_init, after memblock_free_all and
 * before the Memory: line) takes 65 pages that bootmm does not model, so
 * "Memory: available" is bootmm's minus 260K ("tolerated" row).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sim/desc.h"

#ifndef BOOTMM_DATA_DIR
#define BOOTMM_DATA_DIR "tests/data/logs"
#endif

struct expect {
	const char *file;
	bool trace;
	size_t allocs;			/* allocations the trace holds before Memory: */
	uint64_t avail_kb, total_kb, reserved_kb;
	uint64_t memtotal_kb;
	uint64_t efi_freed_kb;		/* 0: no EFI Freeing line (efi=debug, BIOS) */
};

static const struct expect logs[] = {
	{ "efi-512M-trace.log", true, 62, 247604, 517652, 102584, 474636, 49944 },
	{ "bios-1G-trace.log", true, 51, 260860, 1048052, 61300, 996376, 0 },
	{ "efi-numa2-4G-trace.log", true, 72, 378676, 4187668, 225648, 4021588, 49944 },
	{ "efi-512M-map.log", false, 0, 231220, 517652, 102584, 424692, 0 },
};

/* vmalloc PUD pages the kernel takes before printing "Memory:" (65 with KASLR). */

struct booted {
	struct bm_bootlog log;
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_sim_run *run;
	struct bm_oracle_table t;
	const struct bm_replay_stats *rs;
	int cmp;
};

static int boot_log(const char *file, unsigned flags, struct booted *b)
{
	char path[512];
	struct bm_parse_error err;
	int e = 0;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), "%s/%s", BOOTMM_DATA_DIR, file);
	if (bm_bootlog_parse_file(path, &b->log, &err)) {
		char buf[600];

		fprintf(stderr, "%s\n", bm_parse_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	if (bm_desc_from_log_opts(&b->log, NULL, flags, &b->d, &b->cfg, &err)) {
		fprintf(stderr, "%s: %s\n", err.file, err.msg);
		bm_bootlog_free(&b->log);
		return -1;
	}
	b->run = bm_sim_boot(&b->d, &b->cfg, NULL, 0, &e);
	if (!b->run) {
		fprintf(stderr, "%s: boot failed (%d)\n", file, e);
		bm_desc_free(&b->d);
		bm_bootlog_free(&b->log);
		return -1;
	}
	b->rs = bm_desc_replay_stats(&b->d);
	b->cmp = bm_oracle_compare(&b->log, b->run, b->rs, &b->t);
	return 0;
}

static void unboot(struct booted *b)
{
	bm_oracle_table_free(&b->t);
	bm_sim_run_free(b->run);
	bm_desc_free(&b->d);
	bm_bootlog_free(&b->log);
}

/* Allocations of the trace from the first dump to the Memory: line, counted
 * independently of the replay: allocation lines plus NODE_DATA reserves. */
static size_t trace_allocs(const struct bm_bootlog *log)
{
	size_t n = 0;

	if (!log->n_dumps)
		return 0;
	for (size_t i = log->dumps[0].event_index; i < log->n_events; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		if (log->memory.present && ev->line > log->memory.line)
			break;
		if (ev->op == BM_MB_ALLOC)
			n++;
		else if (ev->op == BM_MB_RESERVE && ev->alloc_internal && ev->paired < 0)
			for (size_t k = 0; k < log->n_node_data; k++)
				n += log->node_data[k].start == ev->start;
	}
	return n;
}

static void check_row(const struct bm_oracle_table *t, const char *item, const char *kernel,
		      const char *bootmm, enum bm_oracle_verdict v)
{
	const struct bm_oracle_row *r = bm_oracle_find(t, item);

	CHECK(r != NULL);
	if (!r)
		return;
	if (kernel)
		CHECK_STR(r->kernel, kernel);
	if (bootmm)
		CHECK_STR(r->bootmm, bootmm);
	CHECK_EQ(r->verdict, v);
}

static void kb(char *buf, size_t n, uint64_t v, const char *unit)
{
	snprintf(buf, n, "%llu%s", (unsigned long long)v, unit);
}

static void one_log(const struct expect *x)
{
	struct booted b;
	char k[64];

	if (boot_log(x->file, 0, &b)) {
		CHECK(!"log boots");
		return;
	}
	CHECK(b.rs != NULL);
	CHECK_EQ(b.rs->replayed, x->trace);
	CHECK_EQ(b.rs->error, 0);
	if (x->trace) {
		CHECK_EQ(b.rs->n_allocs, x->allocs);
		CHECK_EQ(b.rs->n_allocs, trace_allocs(&b.log));
		CHECK_EQ(b.rs->n_match, b.rs->n_allocs);
		CHECK_EQ(b.rs->n_uncompared, 0);
		CHECK(b.rs->dumps_checked >= 1);
		CHECK_EQ(b.rs->dumps_matched, b.rs->dumps_checked);
		CHECK(b.rs->n_inferred >= 3);
	}
	printf("     %s: %zu/%zu allocations placed identically\n", x->file, b.rs->n_match,
	       b.rs->n_allocs);
	/* The Memory: line. */
	kb(k, sizeof(k), x->total_kb, "K");
	check_row(&b.t, "Memory: total", k, k, BM_ORACLE_MATCH);
	kb(k, sizeof(k), x->reserved_kb, "K");
	check_row(&b.t, "Memory: reserved", k, k, BM_ORACLE_MATCH);
	kb(k, sizeof(k), x->avail_kb, "K");
	/* preallocate_vmalloc_pages is modelled: the free figure is exact. */
	check_row(&b.t, "Memory: available", k, k, BM_ORACLE_MATCH);
	if (x->memtotal_kb) {
		kb(k, sizeof(k), x->memtotal_kb, " kB");
		check_row(&b.t, "MemTotal", k, k, BM_ORACLE_MATCH);
	}
	if (x->efi_freed_kb) {
		kb(k, sizeof(k), x->efi_freed_kb, "K");
		check_row(&b.t, "Freeing EFI boot services", k, k, BM_ORACLE_MATCH);
	}
	/* Node ranges, zone ranges, unavailable pages, zoneinfo: all rows. */
	CHECK(bm_oracle_find(&b.t, "node range #0") != NULL);
	CHECK(bm_oracle_find(&b.t, "Zone ranges DMA32") != NULL);
	CHECK(bm_oracle_find(&b.t, "zoneinfo 0 DMA32 managed") != NULL);
	CHECK_EQ(b.t.n_mismatch, 0);
	CHECK_EQ(b.t.n_tolerated, 0);
	CHECK_EQ(b.cmp, 0);
	if (b.t.n_mismatch)
		bm_oracle_print(&b.t, stderr);
	unboot(&b);
}

static void test_efi_512m_trace(void) { one_log(&logs[0]); }
static void test_bios_1g_trace(void) { one_log(&logs[1]); }
static void test_efi_numa2_4g_trace(void) { one_log(&logs[2]); }
static void test_efi_512m_map(void) { one_log(&logs[3]); }

/* The same description booted twice gives the same record (reset per boot). */
static void test_reboot_same_record(void)
{
	struct booted b;
	struct bm_sim_run *again;
	size_t n;
	int e = 0;

	if (boot_log("efi-512M-trace.log", 0, &b)) {
		CHECK(!"log boots");
		return;
	}
	n = b.rs->n_allocs;
	again = bm_sim_boot(&b.d, &b.cfg, NULL, 0, &e);
	CHECK(again != NULL);
	CHECK_EQ(b.rs->n_allocs, n);
	CHECK_EQ(b.rs->n_match, n);
	if (again)
		CHECK_EQ(again->res.memtotal_kb, b.run->res.memtotal_kb);
	bm_sim_run_free(again);
	unboot(&b);
}

/* The image layout derived from /proc/iomem and the Freeing lines. */
static void test_kernel_image(void)
{
	struct booted b;
	const struct bm_kernel_image *k;

	if (boot_log("efi-512M-trace.log", 0, &b)) {
		CHECK(!"log boots");
		return;
	}
	k = &b.d.kernel;
	CHECK_EQ(k->text_start, 0x16200000);
	CHECK_EQ(k->bss_end, 0x18a00000);
	CHECK_EQ(k->init_end - k->init_start, 2612 << 10);
	CHECK_EQ(k->smp_locks_end - k->smp_locks_start, 36 << 10);
	CHECK_EQ(k->smp_locks_start, k->init_end);
	CHECK(k->init_start >= k->data_end);
	CHECK_EQ(k->decrypted_end, k->bss_end);
	CHECK_EQ(k->decrypted_end - k->decrypted_start, 2036 << 10);
	CHECK_EQ(b.d.initrd.base, 0x1d4a7000);
	CHECK_EQ(b.d.initrd.size, 1008 << 10);
	CHECK(b.d.n_efi_boot > 90);
	CHECK_EQ(b.cfg.deferred_struct_page_init, true);
	CHECK_EQ(b.cfg.memory_line_after_deferred, false);
	CHECK_EQ(b.cfg.placement_efi, BM_PLACEMENT_FIXED);
	CHECK_EQ(b.cfg.placement, BM_PLACEMENT_HISTORICAL);
	CHECK_EQ(b.cfg.kernel_init, 2612 << 10);
	CHECK_EQ(b.d.phys_size, 0x20000000);
	unboot(&b);
}

/* A log without any firmware map: a clear error naming the file. */
static void test_no_firmware_map(void)
{
	static const char text[] =
		"[    0.000000] Linux version 6.1.0-56-cloud-amd64 (x) #1 SMP\n"
		"[    0.075837] Memory: 247604K/517652K available (14343K kernel code, 2327K rwdata, "
		"8348K rodata, 2612K init, 5436K bss, 102584K reserved, 0K cma-reserved)\n";
	struct bm_bootlog log;
	struct bm_machine_desc d;
	struct bm_parse_error err;
	struct bm_sim_config cfg;

	if (bm_bootlog_parse_buf("no-map.log", text, sizeof(text) - 1, &log, &err)) {
		CHECK(!"parses");
		return;
	}
	CHECK_EQ(bm_desc_from_log(&log, NULL, &d, &cfg, &err), -1);
	CHECK(strstr(err.file, "no-map.log") != NULL);
	CHECK(strstr(err.msg, "no firmware memory map") != NULL);
	CHECK(d.setup_arch == NULL);
	bm_desc_free(&d);
	bm_bootlog_free(&log);
}

/* The oracle table prints one row per item and a closing summary. */
static void test_oracle_print(void)
{
	struct booted b;
	char buf[65536];
	FILE *f;

	if (boot_log("bios-1G-trace.log", 0, &b)) {
		CHECK(!"log boots");
		return;
	}
	f = fmemopen(buf, sizeof(buf), "w");
	bm_oracle_print(&b.t, f);
	fclose(f);
	CHECK(strstr(buf, "allocations (trace replay)") != NULL);
	CHECK(strstr(buf, "oracle: ") != NULL);
	CHECK(strstr(buf, " 0 mismatch") != NULL);
	unboot(&b);
}

int main(void)
{
	RUN(test_efi_512m_trace);
	RUN(test_bios_1g_trace);
	RUN(test_efi_numa2_4g_trace);
	RUN(test_efi_512m_map);
	RUN(test_reboot_same_record);
	RUN(test_kernel_image);
	RUN(test_no_firmware_map);
	RUN(test_oracle_print);
	return CHECK_DONE();
}
