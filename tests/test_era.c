// SPDX-License-Identifier: MIT
/*
 * Kernel eras (sim/era.c, docs/ERAS.md): version parsing and its refusals,
 * detection from real logs (the Debian version string, not the compiler's),
 * every profile rule at the versions where it changes, the log's own
 * evidence, and the real kernels as oracles: both 6.12 logs replay with
 * full agreement, the pre-fix one including the pages it really lost
 * (MemTotal/4 - sum of zone managed), and each compare row's era boots the
 * same machine the way that era did.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sim/desc.h"
#include "sim/era.h"
#include "sim/scenario.h"

#ifndef BOOTMM_DATA_DIR
#define BOOTMM_DATA_DIR "tests/data/logs"
#endif

static void test_parse(void)
{
	static const struct { const char *in, *text; int major, minor, patch; bool rc; } ok[] = {
		{ "6.1", "6.1", 6, 1, -1, false },
		{ "6.1.192", "6.1.192", 6, 1, 192, false },
		{ "6.12.74", "6.12.74", 6, 12, 74, false },
		{ "6.12.118", "6.12.118", 6, 12, 118, false },
		{ "7.1", "7.1", 7, 1, -1, false },
		{ "6.2-rc5", "6.2-rc", 6, 2, -1, true },
		{ "4.14.336", "4.14.336", 4, 14, 336, false },
	};
	static const char *const bad[] = {
		"", "6", "six", "6.", "6.12.74x", "1.0", "6.12.74+deb12", "100.1", "6.1.1234567",
	};
	struct bm_era e;
	char why[160];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_EQ(bm_era_parse(ok[i].in, &e, why, sizeof(why)), 0);
		CHECK_STR(e.text, ok[i].text);
		CHECK_EQ(e.major, ok[i].major);
		CHECK_EQ(e.minor, ok[i].minor);
		CHECK_EQ(e.patch, ok[i].patch);
		CHECK_EQ(e.rc, ok[i].rc);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CHECK_EQ(bm_era_parse(bad[i], &e, why, sizeof(why)), -1);
		CHECK(strstr(why, "bad kernel version") != NULL);
	}
	/* An -rc sorts before its release, a bare branch as its .0. */
	CHECK(bm_era_parse("6.2-rc3", &e, why, sizeof(why)) == 0 && bm_era_cmp(&e, 6, 2, 0) < 0);
	CHECK(bm_era_parse("6.12", &e, why, sizeof(why)) == 0 && bm_era_cmp(&e, 6, 12, 0) == 0);
}

static int parse_log(const char *file, struct bm_bootlog *log)
{
	char path[512], buf[600];
	struct bm_parse_error err;

	snprintf(path, sizeof(path), "%s/%s", BOOTMM_DATA_DIR, file);
	if (bm_bootlog_parse_file(path, log, &err)) {
		fprintf(stderr, "%s\n", bm_parse_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static void test_detect(void)
{
	static const struct { const char *file, *text; enum bm_era_source src; } logs[] = {
		{ "k612pre-efi-512M-trace.log", "6.12.74", BM_ERA_DEBIAN },
		{ "k612-efi-512M-trace.log", "6.12.118", BM_ERA_DEBIAN },
		/* "Debian 12.2.0-14" (gcc) comes first on that line: not the kernel */
		{ "efi-512M-trace.log", "6.1.192", BM_ERA_DEBIAN },
		{ "bios-1G-trace.log", "6.1.192", BM_ERA_DEBIAN },
	};
	static const char bare[] = "[    0.000000] Linux version 6.12.74+deb12-cloud-amd64 (x@y) "
				   "(gcc 12) #1 SMP PREEMPT_DYNAMIC\n";
	static const char none[] = "[    0.000000] BIOS-e820: [mem 0x0000000000000000-"
				   "0x000000000009ffff] usable\n";
	struct bm_parse_error err;
	struct bm_bootlog log;
	struct bm_era e;

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		if (parse_log(logs[i].file, &log)) {
			CHECK(0);
			continue;
		}
		CHECK_EQ(bm_era_from_log(&log, &e), logs[i].src);
		CHECK_STR(e.text, logs[i].text);
		bm_bootlog_free(&log);
	}
	CHECK_EQ(bm_bootlog_parse_buf("bare", bare, sizeof(bare) - 1, &log, &err), 0);
	CHECK_EQ(bm_era_from_log(&log, &e), BM_ERA_UNAME);
	CHECK_STR(e.text, "6.12.74");
	bm_bootlog_free(&log);
	CHECK_EQ(bm_bootlog_parse_buf("none", none, sizeof(none) - 1, &log, &err), 0);
	CHECK_EQ(bm_era_from_log(&log, &e), BM_ERA_NONE);
	bm_bootlog_free(&log);
}

static void profile(const char *v, struct bm_sim_config *cfg)
{
	char why[160];

	bm_sim_config_default(cfg);
	CHECK_EQ(bm_config_set(cfg, "kernel", v, why, sizeof(why)), 0);
	CHECK_STR(cfg->kernel, v);
}

/* Each rule at the versions where it changes (docs/ERAS.md). */
static void test_profiles(void)
{
	struct bm_sim_config c;
	struct bm_era e;
	char why[160];

	/* seed 004: EFI boot services, per stable branch */
	profile("6.1.169", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_HISTORICAL);
	CHECK_EQ(c.release_policy, BM_POLICY_SKIP_UNINIT);
	profile("6.1.170", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_FIXED);
	profile("6.12.84", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_HISTORICAL);
	profile("6.12.85", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_FIXED);
	CHECK_EQ(c.release_policy, BM_POLICY_SKIP_UNINIT);	/* the API did not change */
	profile("6.6.100", &c);		/* a branch whose backport bootmm does not know */
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_HISTORICAL);
	profile("7.0", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_FIXED);
	CHECK_EQ(c.placement, BM_PLACEMENT_HISTORICAL);	/* .smp_locks moved in v7.1 */
	/* memblock_free_late: 6.2-rc released everything; v7.1 WARNs */
	profile("6.2-rc", &c);
	CHECK_EQ(c.release_policy, BM_POLICY_FREE_EARLY);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_HISTORICAL);
	profile("6.2", &c);
	CHECK_EQ(c.release_policy, BM_POLICY_SKIP_UNINIT);	/* reverted before the release */
	profile("7.1", &c);
	CHECK_EQ(c.release_policy, BM_POLICY_WARN);
	CHECK_EQ(c.free_reserved_area_policy, BM_POLICY_AS_RELEASE);
	CHECK_EQ(c.placement, BM_PLACEMENT_FIXED);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_FIXED);
	CHECK(c.kho_fixed);
	profile("7.0", &c);
	CHECK(!c.kho_fixed);
	/* seed 002: per-module alternatives freed at SMP since v4.15 */
	profile("4.14", &c);
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_HISTORICAL);
	profile("4.15", &c);
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_FIXED);
	/* what the kernel prints, and memblock's reservations */
	profile("6.10", &c);
	CHECK(!c.memory_line_after_deferred);
	profile("6.11", &c);
	CHECK(c.memory_line_after_deferred);
	profile("6.12.74", &c);
	CHECK(!c.memblock_alloc_rsrv_kern);
	profile("6.16", &c);
	CHECK(c.memblock_alloc_rsrv_kern);
	CHECK(bm_era_parse("5.10", &e, why, sizeof(why)) == 0 && !bm_era_prints_unavailable(&e));
	CHECK(bm_era_parse("5.11", &e, why, sizeof(why)) == 0 && bm_era_prints_unavailable(&e));
	/* A bad value changes nothing. */
	profile("6.1", &c);
	CHECK_EQ(bm_config_set(&c, "kernel", "6.x", why, sizeof(why)), -1);
	CHECK_STR(c.kernel, "6.1");
}

/* An explicit key after the profile wins; "placement" sets every caller. */
static void test_overrides(void)
{
	struct bm_sim_config c;
	char why[160];

	profile("6.12.118", &c);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_FIXED);
	CHECK_EQ(bm_config_set(&c, "placement", "historical", why, sizeof(why)), 0);
	CHECK_EQ(c.placement_efi, BM_PLACEMENT_HISTORICAL);
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_AUTO);
	CHECK_EQ(bm_config_set(&c, "free_reserved_area_policy", "skip-uninit", why, sizeof(why)), 0);
	CHECK_EQ(c.free_reserved_area_policy, BM_POLICY_SKIP_UNINIT);
	CHECK_EQ(bm_config_set(&c, "free_reserved_area_policy", "nope", why, sizeof(why)), -1);
	CHECK_EQ(c.free_reserved_area_policy, BM_POLICY_SKIP_UNINIT);
	CHECK_EQ(bm_config_set(&c, "placement_alt", "initmem", why, sizeof(why)), -1);
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_AUTO);
	CHECK_EQ(bm_config_set(&c, "placement_alt", "fixed", why, sizeof(why)), 0);
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_FIXED);
	CHECK_EQ(bm_config_set(&c, "kernel", "none", why, sizeof(why)), 0);
	CHECK_STR(c.kernel, "");
	CHECK_EQ(c.placement_alt, BM_PLACEMENT_FIXED);	/* forgetting the name keeps the keys */
	CHECK_EQ(bm_config_set(&c, "free_reserved_area_policy", "auto", why, sizeof(why)), 0);
	CHECK_EQ(c.free_reserved_area_policy, BM_POLICY_AS_RELEASE);
}

struct booted {
	struct bm_bootlog log;
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
};

static int load(const char *file, struct booted *b)
{
	struct bm_parse_error err;

	memset(b, 0, sizeof(*b));
	if (parse_log(file, &b->log))
		return -1;
	if (bm_desc_from_log(&b->log, NULL, &b->d, &b->cfg, &err)) {
		fprintf(stderr, "%s: %s\n", err.file, err.msg);
		bm_bootlog_free(&b->log);
		return -1;
	}
	return 0;
}

static void unload(struct booted *b)
{
	bm_desc_free(&b->d);
	bm_bootlog_free(&b->log);
}

/* Pages a kernel really lost: MemTotal/4 - sum of zone managed. */
static uint64_t real_leak(const struct bm_bootlog *log)
{
	uint64_t memtotal = 0, managed = 0;

	CHECK(bm_meminfo_get(log, "MemTotal", &memtotal));
	for (size_t i = 0; i < log->n_zoneinfo; i++)
		if (log->zoneinfo[i].managed > 0)
			managed += (uint64_t)log->zoneinfo[i].managed;
	return memtotal / 4 - managed;
}

/* Both 6.12 logs agree row by row, the pre-fix one with its real leak. */
static void test_replay_612(void)
{
	static const struct { const char *file; const char *kernel; uint64_t leak; } logs[] = {
		{ "k612pre-efi-512M-trace.log", "6.12.74", 8783 },
		{ "k612-efi-512M-trace.log", "6.12.118", 0 },
		/* made for issue 10 at a size bootmm was not developed against */
		{ "k612pre-efi-1G-trace.log", "6.12.74", 9035 },
		{ "k612-efi-1G-trace.log", "6.12.118", 0 },
	};

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct bm_oracle_table t = { 0 };
		const struct bm_oracle_row *r;
		struct bm_sim_run *run;
		struct booted b;
		int err = 0;

		if (load(logs[i].file, &b)) {
			CHECK(0);
			continue;
		}
		CHECK_STR(b.cfg.kernel, logs[i].kernel);
		CHECK(b.cfg.memory_line_after_deferred);
		CHECK(!b.cfg.memblock_alloc_rsrv_kern);
		run = bm_sim_boot(&b.d, &b.cfg, NULL, 0, &err);
		CHECK(run != NULL);
		if (!run) {
			unload(&b);
			continue;
		}
		CHECK_EQ(real_leak(&b.log), logs[i].leak);
		CHECK_EQ(run->res.leaked_pages, logs[i].leak);
		CHECK_EQ(bm_oracle_compare(&b.log, run, bm_desc_replay_stats(&b.d), &t), 0);
		CHECK_EQ(t.n_mismatch, 0);
		if (t.n_mismatch)
			bm_oracle_print(&t, stderr);
		/* memblock_free_late counted its skipped pages in totalram */
		r = bm_oracle_find(&t, "MemTotal");
		CHECK(r && r->verdict == BM_ORACLE_MATCH);
		r = bm_oracle_find(&t, "Memory: reserved");
		CHECK(r && r->verdict == BM_ORACLE_MATCH);
		/* the 6.12 moment: an estimate, said so, with its bound */
		r = bm_oracle_find(&t, "Memory: available");
		CHECK(r && r->verdict == BM_ORACLE_TOLERATED);
		CHECK(r && strstr(r->note, "estimate") && !strncmp(r->bootmm, "<= ", 3));
		bm_oracle_table_free(&t);
		bm_sim_run_free(run);
		unload(&b);
	}
}

static struct bm_sim_run *boot_row(const struct booted *b, int row, char *kernel, size_t len)
{
	struct bm_sim_config cfg;
	int err = 0;

	bm_era_row_config(row, &b->cfg, &cfg, kernel, len);
	return bm_sim_boot(&b->d, &cfg, NULL, 0, &err);
}

/* Each compare row boots the same machine the way its era did. */
static void test_rows(void)
{
	static const struct { const char *file, *own, *prefix, *fixed; uint64_t leak; } logs[] = {
		{ "k612pre-efi-512M-trace.log", "6.12.74", "6.12.74", "6.12.85", 8783 },
		{ "efi-512M-trace.log", "6.1.192", "6.1.169", "6.1.192", 9414 },
	};

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct bm_sim_run *run[BM_NR_ROWS];
		char kernel[BM_NR_ROWS][24];
		struct bm_release_rec *smp;
		struct booted b;

		if (load(logs[i].file, &b)) {
			CHECK(0);
			continue;
		}
		for (int row = 0; row < BM_NR_ROWS; row++) {
			run[row] = boot_row(&b, row, kernel[row], sizeof(kernel[row]));
			CHECK(run[row] != NULL);
		}
		for (int row = 0; row < BM_NR_ROWS; row++)
			if (!run[row])
				goto out;
		CHECK_STR(kernel[BM_ROW_OWN], logs[i].own);
		CHECK_STR(kernel[BM_ROW_PREFIX], logs[i].prefix);
		CHECK_STR(kernel[BM_ROW_FIXED], logs[i].fixed);
		CHECK_STR(kernel[BM_ROW_WARN], "7.1");
		CHECK_STR(kernel[BM_ROW_SAFE], "");
		/* pre-fix: the EFI leak; .smp_locks freed at once by free_reserved_area */
		CHECK_EQ(run[BM_ROW_PREFIX]->res.policy, BM_POLICY_SKIP_UNINIT);
		CHECK_EQ(run[BM_ROW_PREFIX]->res.leaked_pages, logs[i].leak);
		smp = bm_release_rec(&run[BM_ROW_PREFIX]->m, "SMP alternatives");
		CHECK(smp && smp->pages_released > 0 && smp->pages_freed == smp->pages_released);
		/* memblock_free_late's skipped pages are in MemTotal, not MemFree */
		CHECK_EQ(run[BM_ROW_PREFIX]->res.memtotal_kb, run[BM_ROW_SAFE]->res.memtotal_kb);
		CHECK_EQ(run[BM_ROW_PREFIX]->res.memfree_kb + logs[i].leak * 4,
			 run[BM_ROW_SAFE]->res.memfree_kb);
		/* 6.2-rc: no leak, garbage reads; fixed and v7.1: clean of leaks */
		CHECK_EQ(run[BM_ROW_RC]->res.policy, BM_POLICY_FREE_EARLY);
		CHECK_EQ(run[BM_ROW_RC]->res.leaked_pages, 0);
		CHECK(run[BM_ROW_RC]->res.uninit_reads > 0);
		CHECK_EQ(run[BM_ROW_FIXED]->res.leaked_pages, 0);
		CHECK_EQ(run[BM_ROW_FIXED]->res.usable_phase, BM_PHASE_ARCH_INITCALL);
		CHECK_EQ(run[BM_ROW_WARN]->res.policy, BM_POLICY_WARN);
		CHECK_EQ(run[BM_ROW_WARN]->res.leaked_pages, 0);
		CHECK_EQ(run[BM_ROW_WARN]->res.warns, 0);
		CHECK_EQ(run[BM_ROW_SAFE]->res.policy, BM_POLICY_SAFE);
		CHECK_EQ(run[BM_ROW_SAFE]->res.leaked_pages, 0);
		CHECK_EQ(run[BM_ROW_SAFE]->res.uninit_reads, 0);
		CHECK_EQ(run[BM_ROW_OPT1]->res.double_inits, logs[i].leak);
		CHECK_EQ(run[BM_ROW_OPT2]->res.leaked_pages, 0);
		CHECK_EQ(run[BM_ROW_OPT3]->res.leaked_pages, 0);
		/* the own row is the log's kernel: 6.12.74 leaks, 6.1.192 does not */
		CHECK_EQ(run[BM_ROW_OWN]->res.leaked_pages,
			 !strcmp(logs[i].own, "6.12.74") ? logs[i].leak : 0);
out:
		for (int row = 0; row < BM_NR_ROWS; row++)
			bm_sim_run_free(run[row]);
		unload(&b);
	}
}

/*
 * The log's trace decides over the version table, and an explicit kernel
 * in the configuration given to bm_desc_from_log (a scenario's config
 * kernel=) is kept as given.
 */
static void test_evidence(void)
{
	struct bm_parse_error err;
	struct bm_sim_config in, out;
	struct booted b;
	char note[256];

	if (load("k612pre-efi-512M-trace.log", &b)) {
		CHECK(0);
		return;
	}
	profile("7.1", &out);
	bm_era_apply_evidence(&b.log, &out, note, sizeof(note));
	CHECK_EQ(out.placement_efi, BM_PLACEMENT_HISTORICAL);
	CHECK(strstr(note, "memblock_free_late") != NULL);
	CHECK(strstr(note, "Memory: printed after deferred init") != NULL);
	bm_desc_free(&b.d);
	profile("6.12.118", &in);
	CHECK_EQ(bm_desc_from_log(&b.log, &in, &b.d, &out, &err), 0);
	CHECK_STR(out.kernel, "6.12.118");
	CHECK_EQ(out.placement_efi, BM_PLACEMENT_FIXED);
	unload(&b);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_detect);
	RUN(test_profiles);
	RUN(test_overrides);
	RUN(test_replay_612);
	RUN(test_rows);
	RUN(test_evidence);
	return CHECK_DONE();
}
