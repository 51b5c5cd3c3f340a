// SPDX-License-Identifier: MIT
/*
 * Scenario files: parsing, every error with its line, writing back,
 * building and booting, configuration keys, and the fuzzer's cases (valid,
 * bootable, deterministic).
 */
#include "check.h"
#include "sim/fuzz.h"
#include "sim/scenario.h"

static struct bm_scenario scn, scn2;

static const char good[] =
	"# a comment\n"
	"name small machine\n"
	"memory 0x1000-0x9ffff node 0\n"
	"memory 0x100000+1023M node 0   # BASE+SIZE form\n"
	"reserve 0-0xfffff real-mode\n"
	"kernel text=0x1000000-0x1dfffff rodata=0x2000000-0x27fffff data=0x2800000-0x2bfffff "
	"init=0x2c00000-0x2e7ffff smp_locks=0x2e80000-0x2e88fff bss=0x2e89000-0x2ffffff\n"
	"initrd 0x4000000-0x40fffff\n"
	"efi-boot 0x8000000-0x80fffff\n"
	"reserve 0x3001f000-0x3021efff fw\r\n"
	"cpus 2\n"
	"module-alternatives 2 3\n"
	"config keep_memblock=on threads=1\n"
	"at before_smp release 0x3001f000-0x3021efff fw api=memblock_free_late\n"
	"at arch_initcall allocate 3 Unmovable node 0 count 4\n"
	"expect skip-uninit leaked_pages=512 uninit_reads=0\n"
	"expect free-early,unreserve uninit_reads>=0 usable_phase!=never\n"
	"expect all memtotal_kb>0\n";

static void test_parse_good(void)
{
	struct bm_parse_error err;

	CHECK_EQ(bm_scenario_parse_buf("t.scn", good, sizeof(good) - 1, &scn, &err), 0);
	CHECK_STR(scn.name, "small machine");
	CHECK_EQ(scn.nr_ranges, 5);
	CHECK_EQ(scn.ranges[1].base, 0x100000);
	CHECK_EQ(scn.ranges[1].size, 1023ull << 20);
	CHECK_STR(scn.ranges[4].name, "fw");
	CHECK(scn.has_kernel);
	CHECK_EQ(scn.kernel.smp_locks_end, 0x2e89000);
	CHECK_EQ(scn.initrd.size, 0x100000);
	CHECK_EQ(scn.nr_cpus, 2);
	CHECK_EQ(scn.alt_modules, 2);
	CHECK_EQ(scn.nr_settings, 2);
	CHECK_EQ(scn.nr_actions, 2);
	CHECK_EQ(scn.actions[0].phase, BM_PHASE_BEFORE_SMP);
	CHECK_EQ(scn.actions[0].api, BM_API_MEMBLOCK_FREE_LATE);
	CHECK_EQ(scn.actions[1].order, 3);
	CHECK_EQ(scn.actions[1].count, 4);
	CHECK_EQ(scn.nr_expects, 5);
	CHECK_EQ(scn.expects[0].policies, 1u << BM_POLICY_SKIP_UNINIT);
	CHECK_EQ(scn.expects[2].cmp, BM_CMP_GE);
	CHECK_EQ(scn.expects[3].value, -1);
	CHECK_EQ(scn.expects[4].policies, (1u << BM_NR_POLICIES) - 1);
}

struct bad_case {
	const char *text;
	unsigned line;
	const char *msg;	/* substring of the message */
};

static const struct bad_case bad[] = {
	{ "memory 0x1000-0xfffff\nfoo bar\n", 2, "unknown directive 'foo'" },
	{ "memory 0x2000-0x1000\n", 1, "end below base" },
	{ "memory 0x1000-\n", 1, "bad range" },
	{ "memory 0x1000-0xfffff\nmemory 0x8000-0x1ffff node 1\n", 2, "overlaps the one on line 1" },
	{ "memory 0x1000-0xfffff node 99\n", 1, "bad node" },
	{ "memory 0x1000-0xfffff\nat setup_arch release 0x1000-0x1fff x\n", 2, "before the buddy" },
	{ "memory 0x1000-0xfffff\nat teatime release 0x1000-0x1fff x\n", 2, "unknown phase" },
	{ "memory 0x1000-0xfffff\nat before_smp release 0x1000-0x1fff x api=kfree\n", 2, "api=" },
	{ "memory 0x1000-0xfffff\nat before_smp allocate 3 Sticky\n", 2, "bad migratetype" },
	{ "memory 0x1000-0xfffff\nexpect safe leaks=0\n", 2, "unknown result 'leaks'" },
	{ "memory 0x1000-0xfffff\nexpect sloppy leaked_pages=0\n", 2, "unknown policy 'sloppy'" },
	{ "memory 0x1000-0xfffff\nexpect safe leaked_pages=lots\n", 2, "bad value 'lots'" },
	{ "memory 0x1000-0xfffff\nconfig colour=blue\n", 2, "unknown config key 'colour'" },
	{ "memory 0x1000-0xfffff\nconfig deferred=maybe\n", 2, "expected on or off" },
	{ "memory 0x1000-0xfffff\nconfig pageblock_order=40\n", 2, "out of range" },
	{ "memory 0x1000-0xfffff\nconfig policy=yolo\n", 2, "unknown policy 'yolo'" },
	{ "memory 0x1000-0xfffff\nconfig threads\n", 2, "expected KEY=VALUE" },
	{ "memory 0x1000-0xfffff\n\x7f" "ELF\x02\x01\n", 2, "control byte" },
	{ "memory 0x1000-0xfffff\nreserve 0x1000-0x1fff a\0b\n", 2, "control byte 0x00" },
	{ "machine x.log\nmemory 0x1000-0xfffff\n", 2, "cannot be combined" },
	{ "memory 0x1000-0xffffff\nkernel text=0x100000-0x2fffff data=0x200000-0x3fffff\n", 2,
	  "overlap" },
	{ "memory 0x1000-0xffffff\nkernel rodata=0x100000-0x2fffff\n", 2, "at least text" },
	{ "memory 0x1000-0xffffff\nkho-scratch 0x1000000-0x1ffffff\n", 2, "not inside memory" },
	{ "memory 0x1000-0xffffff\nefi-boot 0xff0000-0x1000fff\n", 2, "not inside memory" },
	{ "memory 0x1000-0xffffffffffff\n", 1, "beyond 16 TiB" },
	{ "memory 0x1000-0xfffff\ncpus 0\n", 2, "at least 1" },
	{ "memory 0x1000-0xfffff\nmodule-alternatives 2\n", 2, "usage" },
};

static void test_parse_errors(void)
{
	for (size_t i = 0; i < BM_ARRAY_SIZE(bad); i++) {
		struct bm_parse_error err;
		size_t len = strlen(bad[i].text);
		char buf[600];

		/* Texts with an embedded NUL carry it on: find their real length. */
		if (strstr(bad[i].msg, "0x00"))
			len += 1 + strlen(bad[i].text + len + 1);
		if (bm_scenario_parse_buf("bad.scn", bad[i].text, len, &scn, &err) != -1) {
			fprintf(stderr, "case %zu parsed: %s\n", i, bad[i].text);
			check_failed_in_test++;
			continue;
		}
		bm_parse_error_format(&err, buf, sizeof(buf));
		if (err.line != bad[i].line || !strstr(err.msg, bad[i].msg) ||
		    strncmp(buf, "bad.scn:", 8)) {
			fprintf(stderr, "case %zu: got \"%s\" (line %u), want line %u with \"%s\"\n", i,
				buf, err.line, bad[i].line, bad[i].msg);
			check_failed_in_test++;
		}
	}
}

static void test_long_line_and_missing_file(void)
{
	struct bm_parse_error err;
	char *big = malloc(5000);

	memset(big, 'x', 4999);
	big[4999] = '\n';
	CHECK_EQ(bm_scenario_parse_buf("long.scn", big, 5000, &scn, &err), -1);
	CHECK_EQ(err.line, 1);
	CHECK(strstr(err.msg, "longer than") != NULL);
	free(big);
	CHECK_EQ(bm_scenario_parse_file("/nonexistent/x.scn", &scn, &err), -1);
	CHECK(strstr(err.msg, "cannot open") != NULL);
	CHECK_STR(err.file, "/nonexistent/x.scn");
}

/* Written text parses back to the same scenario (the same text again). */
static void test_write_roundtrip(void)
{
	struct bm_parse_error err;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	FILE *f;

	CHECK_EQ(bm_scenario_parse_buf("t.scn", good, sizeof(good) - 1, &scn, &err), 0);
	f = open_memstream(&a, &la);
	CHECK_EQ(bm_scenario_write(&scn, f), 0);
	fclose(f);
	CHECK_EQ(bm_scenario_parse_buf("t.scn", a, la, &scn2, &err), 0);
	f = open_memstream(&b, &lb);
	bm_scenario_write(&scn2, f);
	fclose(f);
	CHECK_EQ(la, lb);
	CHECK(la == lb && !memcmp(a, b, la));
	CHECK_EQ(scn2.nr_ranges, scn.nr_ranges);
	CHECK_EQ(scn2.nr_actions, scn.nr_actions);
	CHECK_EQ(scn2.nr_expects, scn.nr_expects);
	free(a);
	free(b);
}

static struct bm_sim_result boot(const struct bm_scenario *s, int policy)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_parse_error err;
	struct bm_sim_result r = { 0 };
	struct bm_sim_run *run;
	int e = 0;

	if (bm_scenario_build(s, NULL, &d, &cfg, &err)) {
		fprintf(stderr, "build: %s:%u: %s\n", err.file, err.line, err.msg);
		check_failed_in_test++;
		return r;
	}
	cfg.release_policy = policy;
	run = bm_sim_boot(&d, &cfg, NULL, 0, &e);
	CHECK(run != NULL);
	if (run) {
		r = run->res;
		bm_sim_run_free(run);
	}
	bm_scenario_desc_free(&d);
	return r;
}

static void test_build_and_boot(void)
{
	struct bm_parse_error err;
	struct bm_sim_result r;

	CHECK_EQ(bm_scenario_parse_buf("t.scn", good, sizeof(good) - 1, &scn, &err), 0);
	r = boot(&scn, BM_POLICY_SKIP_UNINIT);
	CHECK_EQ(r.leaked_pages, 512);
	CHECK_EQ(r.uninit_reads, 0);
	CHECK(bm_scenario_expect_holds(&scn.expects[0], &r));
	CHECK_EQ(r.alt_leaked_pages, 8);	/* 2 modules, 3 pages: order 2 each */
	r = boot(&scn, BM_POLICY_FREE_EARLY);
	CHECK(r.uninit_reads > 0);
	r = boot(&scn, BM_POLICY_SAFE);
	CHECK_EQ(r.leaked_pages, 0);
	CHECK_EQ(r.uninit_reads, 0);
	CHECK(r.memtotal_kb > 0);
}

static void test_build_errors(void)
{
	static const char nomachine[] = "reserve 0x1000-0x1fff x\n";
	static const char crossing[] = "memory 0x1000-0xfffff\nconfig pageblock_order=10 "
				       "max_page_order=9\n";
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_parse_error err;

	CHECK_EQ(bm_scenario_parse_buf("n.scn", nomachine, sizeof(nomachine) - 1, &scn, &err), 0);
	CHECK_EQ(bm_scenario_build(&scn, NULL, &d, &cfg, &err), -1);
	CHECK(strstr(err.msg, "no machine") != NULL);
	CHECK_EQ(bm_scenario_parse_buf("c.scn", crossing, sizeof(crossing) - 1, &scn, &err), 0);
	CHECK_EQ(bm_scenario_build(&scn, NULL, &d, &cfg, &err), -1);
	CHECK(strstr(err.msg, "pageblock_order 10 is above max_page_order 9") != NULL);
}

static void test_config_keys(void)
{
	struct bm_sim_config cfg, back;
	char why[512], buf[64];

	bm_sim_config_default(&cfg);
	CHECK_EQ(bm_config_assign(&cfg, "dma32_end=2G", why, sizeof(why)), 0);
	CHECK_EQ(cfg.zone_dma32_end_pfn, 0x80000);
	CHECK_EQ(bm_config_assign(&cfg, "policy=unreserve-flag", why, sizeof(why)), 0);
	CHECK_EQ(cfg.release_policy, BM_POLICY_UNRESERVE_FLAG);
	CHECK_EQ(bm_config_assign(&cfg, "placement_efi=initmem", why, sizeof(why)), -1);
	CHECK_EQ(bm_config_assign(&cfg, "dma_end=0x1001", why, sizeof(why)), -1);
	CHECK(strstr(why, "page-aligned") != NULL);
	CHECK_EQ(bm_config_assign(&cfg, "threads=0", why, sizeof(why)), -1);
	/* Every key's text reads back to the same value. */
	bm_sim_config_default(&back);
	for (unsigned i = 0; i < bm_nr_config_keys; i++) {
		bm_config_get(&cfg, i, buf, sizeof(buf));
		CHECK_EQ(bm_config_set(&back, bm_config_keys[i].name, buf, why, sizeof(why)), 0);
	}
	CHECK(!memcmp(&cfg, &back, sizeof(cfg)));
	cfg.zone_dma_end_pfn = cfg.zone_dma32_end_pfn + 1;
	CHECK_EQ(bm_config_check(&cfg, why, sizeof(why)), -1);
}

/* Fuzz cases are valid scenarios, boot, and depend only on their seed. */
static void test_fuzz_cases(void)
{
	struct bm_fuzz_config fc = { .seed = 7, .policy = BM_POLICY_SAFE };
	struct bm_parse_error err;

	for (uint64_t seed = 1; seed <= 40; seed++) {
		char *a = NULL, *b = NULL;
		size_t la = 0, lb = 0;
		FILE *f;
		struct bm_sim_result r;

		bm_fuzz_generate(seed * 0x9e3779b97f4a7c15ull, &fc, &scn);
		f = open_memstream(&a, &la);
		bm_scenario_write(&scn, f);
		fclose(f);
		if (bm_scenario_parse_buf("fuzz.scn", a, la, &scn2, &err)) {
			fprintf(stderr, "case %llu: %s:%u: %s\n%s", (unsigned long long)seed, err.file,
				err.line, err.msg, a);
			check_failed_in_test++;
		}
		bm_fuzz_generate(seed * 0x9e3779b97f4a7c15ull, &fc, &scn2);
		f = open_memstream(&b, &lb);
		bm_scenario_write(&scn2, f);
		fclose(f);
		CHECK(la == lb && !memcmp(a, b, la));
		r = boot(&scn, BM_POLICY_SAFE);
		CHECK_EQ(bm_fuzz_kind(&r, BM_FUZZ_DEFAULT_KINDS | (1u << BM_V_MISUSE)), -1);
		free(a);
		free(b);
	}
}

/* A short run under skip-uninit finds a leak and minimises it. */
static void test_fuzz_finds_leak(void)
{
	struct bm_fuzz_config fc = { .seed = 1, .policy = BM_POLICY_SKIP_UNINIT,
				     .max_execs = 200, .stop_kinds = 1u << BM_V_LEAK };
	struct bm_fuzz_report rep;
	struct bm_sim_result r;

	CHECK_EQ(bm_fuzz_run(&fc, &rep), 0);
	CHECK(rep.found);
	CHECK_EQ(rep.kind, BM_V_LEAK);
	CHECK(rep.items_after <= rep.items_before);
	if (rep.minimised) {
		r = boot(rep.minimised, BM_POLICY_SKIP_UNINIT);
		CHECK(r.leaked_pages > 0);
	}
	bm_fuzz_report_free(&rep);
}

int main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_errors);
	RUN(test_long_line_and_missing_file);
	RUN(test_write_roundtrip);
	RUN(test_build_and_boot);
	RUN(test_build_errors);
	RUN(test_config_keys);
	RUN(test_fuzz_cases);
	RUN(test_fuzz_finds_leak);
	return CHECK_DONE();
}
