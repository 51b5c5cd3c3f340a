// SPDX-License-Identifier: MIT
/*
 * The x86 model (no memblock=debug trace): every machine of
 * shared/data/real-maps.txt must agree with its kernel's "Early memory
 * node ranges" and the total of its "Memory:" line; the shared serial logs,
 * booted with their trace ignored, must agree with everything their kernel
 * printed, and every allocation the model makes must land where the
 * kernel's landed. How close "available" and "reserved" come on the real
 * machines (whose kernels, configs and firmware reservations differ from
 * the modelled Debian 6.1) is printed, not asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sim/desc.h"

#ifndef BOOTMM_DATA_DIR
#define BOOTMM_DATA_DIR "tests/data/logs"
#endif

static int boot(const struct bm_bootlog *log, unsigned flags, struct bm_machine_desc *d,
		struct bm_sim_run **run, struct bm_oracle_table *t, const char *what)
{
	struct bm_parse_error err;
	struct bm_sim_config cfg;
	int e = 0;

	memset(t, 0, sizeof(*t));
	*run = NULL;
	if (bm_desc_from_log_opts(log, NULL, flags, d, &cfg, &err)) {
		fprintf(stderr, "%s: %s: %s\n", what, err.file, err.msg);
		return -1;
	}
	*run = bm_sim_boot(d, &cfg, NULL, 0, &e);
	if (!*run) {
		fprintf(stderr, "%s: boot failed (%d)\n", what, e);
		bm_desc_free(d);
		return -1;
	}
	return bm_oracle_compare(log, *run, bm_desc_replay_stats(d), t) < 0 ? -1 : 0;
}

static void verdicts(const struct bm_oracle_table *t, const char *prefix, size_t *n, size_t *bad)
{
	size_t len = strlen(prefix);

	*n = *bad = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (strncmp(t->rows[i].item, prefix, len))
			continue;
		(*n)++;
		*bad += t->rows[i].verdict == BM_ORACLE_MISMATCH;
	}
}

static void print_row(const struct bm_oracle_table *t, const char *name, const char *item)
{
	const struct bm_oracle_row *r = bm_oracle_find(t, item);

	if (r)
		printf("     %-28s %-18s kernel %-12s bootmm %-12s %s\n", name, item, r->kernel,
		       r->bootmm, r->verdict == BM_ORACLE_MISMATCH ? "(differs)" : "");
}

static void test_real_maps(void)
{
	char path[512];
	struct bm_realmaps rm;
	struct bm_parse_error err;
	unsigned machines = 0;

	snprintf(path, sizeof(path), "%s/real-maps.txt", BOOTMM_DATA_DIR);
	if (bm_realmaps_load(path, &rm, &err)) {
		CHECK(!"real-maps.txt loads");
		return;
	}
	for (size_t i = 0; i < rm.n; i++) {
		struct bm_bootlog log;
		struct bm_machine_desc d;
		struct bm_sim_run *run;
		struct bm_oracle_table t;
		size_t n, bad;

		if (bm_realmap_parse(&rm, i, &log, &err)) {
			CHECK(!"block parses");
			continue;
		}
		if (!log.n_node_ranges && !log.memory.present) {
			/* Nothing the kernel derived to compare with (map excerpts,
			 * format variants). */
			bm_bootlog_free(&log);
			continue;
		}
		machines++;
		if (boot(&log, 0, &d, &run, &t, rm.maps[i].name)) {
			CHECK(!"machine boots");
			bm_bootlog_free(&log);
			continue;
		}
		verdicts(&t, "node range", &n, &bad);
		CHECK_EQ(n, log.n_node_ranges);
		CHECK_EQ(bad, 0);
		if (log.memory.present) {
			const struct bm_oracle_row *r = bm_oracle_find(&t, "Memory: total");

			CHECK(r && r->verdict == BM_ORACLE_MATCH);
		}
		if (bad || (bm_oracle_find(&t, "Memory: total") &&
			    bm_oracle_find(&t, "Memory: total")->verdict != BM_ORACLE_MATCH))
			bm_oracle_print(&t, stderr);
		printf("     %s: %zu node ranges agree\n", rm.maps[i].name, n);
		print_row(&t, rm.maps[i].name, "Memory: total");
		print_row(&t, rm.maps[i].name, "Memory: available");
		print_row(&t, rm.maps[i].name, "Memory: reserved");
		bm_oracle_table_free(&t);
		bm_sim_run_free(run);
		bm_desc_free(&d);
		bm_bootlog_free(&log);
	}
	CHECK(machines >= 3);
	bm_realmaps_free(&rm);
}

/* A shared log booted through the model with its trace ignored. */
static void model_of(const char *file)
{
	char path[512];
	struct bm_bootlog log;
	struct bm_parse_error err;
	struct bm_machine_desc d;
	struct bm_sim_run *run;
	struct bm_oracle_table t;
	const struct bm_replay_stats *rs;

	snprintf(path, sizeof(path), "%s/%s", BOOTMM_DATA_DIR, file);
	if (bm_bootlog_parse_file(path, &log, &err)) {
		CHECK(!"log parses");
		return;
	}
	if (boot(&log, BM_DESC_IGNORE_TRACE, &d, &run, &t, file)) {
		CHECK(!"model boots");
		bm_bootlog_free(&log);
		return;
	}
	rs = bm_desc_replay_stats(&d);
	CHECK(rs && !rs->replayed);
	if (rs) {
		printf("     %s (trace ignored): model placed %zu/%zu allocations as the kernel did, "
		       "%zu not compared\n", file, rs->n_match, rs->n_allocs, rs->n_uncompared);
		CHECK(rs->n_allocs > 40);
		CHECK_EQ(rs->n_match, rs->n_allocs);
		CHECK_EQ(rs->n_uncompared, 0);
	}
	CHECK_EQ(t.n_mismatch, 0);
	if (t.n_mismatch)
		bm_oracle_print(&t, stderr);
	print_row(&t, file, "Memory: available");
	print_row(&t, file, "Memory: reserved");
	bm_oracle_table_free(&t);
	bm_sim_run_free(run);
	bm_desc_free(&d);
	bm_bootlog_free(&log);
}

static void test_model_efi_512m(void) { model_of("efi-512M-trace.log"); }
static void test_model_bios_1g(void) { model_of("bios-1G-trace.log"); }
static void test_model_numa2_4g(void) { model_of("efi-numa2-4G-trace.log"); }

/* Without any firmware map there is nothing to model: the error names the input. */
static void test_no_map(void)
{
	static const char text[] = "[    0.000000] Command line: console=ttyS0 mem=1G\n";
	struct bm_bootlog log;
	struct bm_parse_error err;
	struct bm_machine_desc d;

	if (bm_bootlog_parse_buf("cmdline-only.txt", text, sizeof(text) - 1, &log, &err)) {
		CHECK(!"parses");
		return;
	}
	CHECK_EQ(bm_desc_from_log_opts(&log, NULL, BM_DESC_IGNORE_TRACE, &d, NULL, &err), -1);
	CHECK(strstr(err.file, "cmdline-only.txt") != NULL);
	CHECK(strstr(err.msg, "firmware memory map") != NULL);
	bm_bootlog_free(&log);
}

/* mem= on the command line cuts RAM as the kernel's parse_memopt does. */
static void test_mem_limit(void)
{
	static const char text[] =
		"[    0.000000] Command line: console=ttyS0 mem=512M\n"
		"[    0.000000] BIOS-provided physical RAM map:\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003ffdefff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x000000003ffdf000-0x000000003fffffff] reserved\n";
	struct bm_bootlog log;
	struct bm_parse_error err;
	struct bm_machine_desc d;
	struct bm_sim_run *run;
	struct bm_oracle_table t;
	uint64_t present = 0;

	if (bm_bootlog_parse_buf("mem512.log", text, sizeof(text) - 1, &log, &err)) {
		CHECK(!"parses");
		return;
	}
	if (boot(&log, 0, &d, &run, &t, "mem512.log")) {
		CHECK(!"boots");
		bm_bootlog_free(&log);
		return;
	}
	for (int z = 0; z < BM_NR_ZONES; z++)
		present += run->m.mm.nodes[0].zones[z].present_pages;
	/* [0x1000, 0x9f000) + [0x100000, 0x20000000) */
	CHECK_EQ(present, 0x9e + (0x20000 - 0x100));
	bm_oracle_table_free(&t);
	bm_sim_run_free(run);
	bm_desc_free(&d);
	bm_bootlog_free(&log);
}

int main(void)
{
	RUN(test_real_maps);
	RUN(test_model_efi_512m);
	RUN(test_model_bios_1g);
	RUN(test_model_numa2_4g);
	RUN(test_no_map);
	RUN(test_mem_limit);
	return CHECK_DONE();
}
