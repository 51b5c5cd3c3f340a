// SPDX-License-Identifier: MIT
/*
 * The branch point (sim/branch.c): a boot of one configuration that goes
 * on, at mm_core_init, as another must end exactly as a boot of that other
 * from the start, under every release policy; configurations that differ
 * before the branch are not offered; a split's answer it may not take is
 * ignored; bad arguments are refused. No fork here: the process itself
 * goes on as the configuration the split names.
 */
#include "check.h"
#include "sim/scenario.h"

/* Seed 001's machine: a memblock_free_late of a deferred range before SMP. */
static const char scn_001[] =
	"memory 0x1000-0x9ffff node 0\n"
	"memory 0x100000-0x3fffffff node 0\n"
	"reserve 0-0xfffff real-mode\n"
	"kernel text=0x1000000-0x1dfffff rodata=0x2000000-0x27fffff data=0x2800000-0x2bfffff "
	"init=0x2c00000-0x2e7ffff smp_locks=0x2e80000-0x2e88fff bss=0x2e89000-0x2ffffff\n"
	"reserve 0x3001f000-0x3021efff firmware-table\n"
	"at before_smp release 0x3001f000-0x3021efff firmware-table api=memblock_free_late\n";

/* Seed 003's: KHO scratch, so kho_fixed is read from free_area_init on. */
static const char scn_kho[] =
	"memory 0x1000-0x9ffff node 0\n"
	"memory 0x100000-0x3fffffff node 0\n"
	"memory 0x40000000-0x7fffffff node 1\n"
	"reserve 0-0xfffff real-mode\n"
	"kho-scratch 0x8000000-0x17ffffff\n"
	"kho-scratch 0x60000000-0x67ffffff\n";

static struct bm_scenario scn;

static int build(const char *text, struct bm_machine_desc *d, struct bm_sim_config *cfg)
{
	struct bm_parse_error err;

	if (bm_scenario_parse_buf("test.scn", text, strlen(text), &scn, &err) ||
	    bm_scenario_build(&scn, NULL, d, cfg, &err)) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.msg);
		return -1;
	}
	return 0;
}

struct split_log {
	unsigned int answer;	/* what split returns */
	unsigned int calls;
	bool shared[4];
};

static unsigned int split(void *arg, const bool *shared, unsigned int n)
{
	struct split_log *l = arg;

	l->calls++;
	for (unsigned int i = 0; i < n && i < 4; i++)
		l->shared[i] = shared[i];
	return l->answer;
}

static bool same_result(const struct bm_sim_result *a, const struct bm_sim_result *b)
{
	bool same = a->policy == b->policy && a->placement == b->placement &&
		    a->leaked_pages == b->leaked_pages && a->uninit_reads == b->uninit_reads &&
		    a->double_inits == b->double_inits &&
		    a->memblock_mismatches == b->memblock_mismatches &&
		    a->migratetype_errors == b->migratetype_errors && a->warns == b->warns &&
		    a->misuse == b->misuse && a->invariant == b->invariant &&
		    a->memtotal_kb == b->memtotal_kb && a->memfree_kb == b->memfree_kb &&
		    a->released_pages == b->released_pages && a->freed_pages == b->freed_pages &&
		    a->usable_phase == b->usable_phase &&
		    a->alt_leaked_pages == b->alt_leaked_pages && a->violations == b->violations &&
		    a->violations_unrecorded == b->violations_unrecorded;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		same &= a->violation_counts[k] == b->violation_counts[k];
	return same;
}

/* Boot @cfgs[0] branched, split answering @answer; compare with a plain boot of @want. */
static void branched_is(const struct bm_machine_desc *d, const struct bm_sim_config *cfgs,
			unsigned int n, unsigned int answer, const struct bm_sim_config *want,
			struct split_log *log)
{
	struct bm_sim_branch br = { cfgs, n, split, log, 0 };
	struct bm_sim_run *a, *b;
	int e1 = 0, e2 = 0;

	memset(log, 0, sizeof(*log));
	log->answer = answer;
	a = bm_sim_boot_branched(d, &br, NULL, 0, &e1);
	b = bm_sim_boot(d, want, NULL, 0, &e2);
	CHECK(a && b);
	CHECK_EQ(log->calls, 1u);
	if (a && b && !same_result(&a->res, &b->res)) {
		fprintf(stderr, "  policy %s: branched %lu violations, %lu leaked; own boot %lu, %lu\n",
			bm_policy_name(want->release_policy), a->res.violations,
			a->res.leaked_pages, b->res.violations, b->res.leaked_pages);
		CHECK(false);
	}
	bm_sim_run_free(a);
	bm_sim_run_free(b);
}

static void test_every_policy(void)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg, cfgs[2];
	struct split_log log;
	bool differ = false;

	if (build(scn_001, &d, &cfg)) {
		CHECK(false);
		return;
	}
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		cfgs[0] = cfg;
		cfgs[0].release_policy = BM_POLICY_SAFE;
		cfgs[1] = cfg;
		cfgs[1].release_policy = p;
		cfgs[1].placement = p == BM_POLICY_WARN ? BM_PLACEMENT_FIXED :
				    BM_PLACEMENT_HISTORICAL;
		CHECK(bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[1]));
		branched_is(&d, cfgs, 2, 1, &cfgs[1], &log);
		CHECK(log.shared[0] && log.shared[1]);
		/* Staying the first is the first's boot. */
		branched_is(&d, cfgs, 2, 0, &cfgs[0], &log);
	}
	/* The policies do differ on this machine: the test can tell them apart. */
	for (int p = 1; p < BM_NR_POLICIES; p++) {
		struct bm_sim_run *a, *b;
		int e = 0;

		cfgs[0] = cfg;
		cfgs[1] = cfg;
		cfgs[1].release_policy = p;
		a = bm_sim_boot(&d, &cfgs[0], NULL, 0, &e);
		b = bm_sim_boot(&d, &cfgs[1], NULL, 0, &e);
		differ |= a && b && !same_result(&a->res, &b->res);
		bm_sim_run_free(a);
		bm_sim_run_free(b);
	}
	CHECK(differ);
	bm_scenario_desc_free(&d);
}

/* A configuration read before the branch is not offered, and an answer
 * the split may not give is ignored: the boot stays the first. */
static void test_not_shared(void)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg, cfgs[3];
	struct split_log log;

	if (build(scn_001, &d, &cfg)) {
		CHECK(false);
		return;
	}
	cfgs[0] = cfg;
	cfgs[1] = cfg;
	cfgs[1].deferred_struct_page_init = !cfg.deferred_struct_page_init;
	cfgs[1].release_policy = BM_POLICY_WARN;
	cfgs[2] = cfg;
	cfgs[2].memory_line_after_deferred = !cfg.memory_line_after_deferred;
	CHECK(!bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[1]));
	CHECK(!bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[2]));
	branched_is(&d, cfgs, 3, 1, &cfgs[0], &log);
	CHECK(log.shared[0] && !log.shared[1] && !log.shared[2]);
	branched_is(&d, cfgs, 3, 7, &cfgs[0], &log);
	/* Not a KHO boot: kho_fixed is read by nothing before the branch. */
	cfgs[1] = cfg;
	cfgs[1].kho_fixed = !cfg.kho_fixed;
	CHECK(bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[1]));
	bm_scenario_desc_free(&d);

	/* A KHO boot: kho_fixed sets pageblocks from free_area_init on. */
	if (build(scn_kho, &d, &cfg)) {
		CHECK(false);
		return;
	}
	cfgs[0] = cfg;
	cfgs[1] = cfg;
	cfgs[1].kho_fixed = !cfg.kho_fixed;
	cfgs[2] = cfg;
	cfgs[2].release_policy = BM_POLICY_DISCARD;
	CHECK(!bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[1]));
	CHECK(bm_sim_prefix_shared(&d, &cfgs[0], &cfgs[2]));
	branched_is(&d, cfgs, 3, 2, &cfgs[2], &log);
	CHECK(log.shared[0] && !log.shared[1] && log.shared[2]);
	bm_scenario_desc_free(&d);
}

/*
 * walk_threads_after: processes forked at the branch share the CPUs, so
 * each boot's walks take fewer threads from there on, the boot it goes on
 * as and the one that stays alike. The result is the plain boot's.
 */
static void test_walk_threads_after(void)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg, cfgs[2];
	struct split_log log;

	if (build(scn_001, &d, &cfg)) {
		CHECK(false);
		return;
	}
	cfg.core.walk_threads = 4;
	for (unsigned int answer = 0; answer < 2; answer++) {
		struct bm_sim_branch br = { cfgs, 2, split, &log, 1 };
		struct bm_sim_run *a, *b;
		int e1 = 0, e2 = 0;

		cfgs[0] = cfg;
		cfgs[1] = cfg;
		cfgs[1].release_policy = BM_POLICY_DISCARD;
		memset(&log, 0, sizeof(log));
		log.answer = answer;
		a = bm_sim_boot_branched(&d, &br, NULL, 0, &e1);
		b = bm_sim_boot(&d, &cfgs[answer], NULL, 0, &e2);
		CHECK(a && b);
		CHECK_EQ(log.calls, 1u);
		if (a && b) {
			CHECK_EQ(a->m.cfg.walk_threads, 1u);
			CHECK_EQ(b->m.cfg.walk_threads, 4u);
			CHECK(same_result(&a->res, &b->res));
		}
		bm_sim_run_free(a);
		bm_sim_run_free(b);
	}
	bm_scenario_desc_free(&d);
}

static void test_refusals(void)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct split_log log = { 0 };
	struct bm_sim_branch none = { &cfg, 0, split, &log, 0 };
	struct bm_sim_branch nosplit = { &cfg, 1, NULL, &log, 0 };
	struct bm_sim_branch nocfgs = { NULL, 1, split, &log, 0 };
	int e;

	if (build(scn_001, &d, &cfg)) {
		CHECK(false);
		return;
	}
	e = 0;
	CHECK(!bm_sim_boot_branched(&d, NULL, NULL, 0, &e));
	CHECK_EQ(e, -BM_EINVAL);
	e = 0;
	CHECK(!bm_sim_boot_branched(&d, &none, NULL, 0, &e));
	CHECK_EQ(e, -BM_EINVAL);
	e = 0;
	CHECK(!bm_sim_boot_branched(&d, &nosplit, NULL, 0, &e));
	CHECK_EQ(e, -BM_EINVAL);
	e = 0;
	CHECK(!bm_sim_boot_branched(&d, &nocfgs, NULL, 0, &e));
	CHECK_EQ(e, -BM_EINVAL);
	CHECK_EQ(log.calls, 0u);
	bm_scenario_desc_free(&d);
}

int main(void)
{
	RUN(test_every_policy);
	RUN(test_not_shared);
	RUN(test_refusals);
	RUN(test_walk_threads_after);
	return CHECK_DONE();
}
