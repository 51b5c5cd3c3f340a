// SPDX-License-Identifier: MIT
/*
 * The benchmarks' workloads, run tiny: each must complete and produce sane
 * numbers (positive times, counts that add up, no violation, nothing
 * leaked). No timing is asserted: this runs on loaded CI machines and
 * under sanitizers. The benchmarks themselves are in bench/ and run with
 * `make bench` (docs/PERFORMANCE.md).
 */
#define _GNU_SOURCE
#define BENCH_NO_MAIN
#include "../bench/bench_memmap.c"
#include "../bench/bench_deferred.c"
#include "../bench/bench_boot.c"
#include "../bench/bench_memblock.c"
#include "../bench/bench_buddy.c"
#include "../bench/bench_memblock_kernel.c"

#include "check.h"

static bool sane(double x)
{
	return isfinite(x) && x > 0;
}

static void test_helpers(void)
{
	double v[] = { 5, 1, 4, 2, 3 };
	uint64_t s = 42, a = bench_rand(&s), b = bench_rand(&s);

	CHECK(bench_median(v, 5) == 3);
	CHECK(v[0] == 1 && v[4] == 5);
	CHECK(bench_spread_pct(v, 5) > 133 && bench_spread_pct(v, 5) < 134);
	CHECK(a != b);
	CHECK(bench_peak_rss_kb() > 0);
	CHECK(bench_rss_kb() > 0);
	CHECK(fabs(bench_growth_per_10x(1, 100, 10, 1000) - 10) < 1e-9);
	CHECK(fabs(bench_growth_per_10x(5, 100, 5, 10000) - 1) < 1e-9);
	CHECK(bench_now_ns() > 0);
}

static void test_machine_layout(void)
{
	struct bench_machine *b = bench_machine_create(8 * BENCH_GiB, NULL, 2);

	CHECK(b != NULL);
	if (!b)
		return;
	/* 3 GiB below the hole, 5 GiB above 4 GiB, minus the 4K page and 384K of ISA hole. */
	CHECK_EQ(bm_memblock_phys_mem_size(&b->m), 8 * BENCH_GiB - 0x1000 - 0x60000);
	CHECK_EQ(b->end, 9 * BENCH_GiB);
	CHECK_EQ(bm_memblock_check(&b->m), 0);
	CHECK_EQ(bm_boot(&b->m, NULL, 0), 0);
	CHECK(b->m.mm.nodes[1].online);
	CHECK_EQ(bench_violations(&b->m), 0);
	bench_machine_free(b);
}

static void test_memmap_workload(void)
{
	struct memmap_result r;

	CHECK_EQ(memmap_measure(BENCH_GiB, 2, &r), 0);
	CHECK(r.pages >= BM_PAGES_PER_SECTION);
	CHECK(sane(r.memset_ns) && sane(r.init_ns) && sane(r.pct));
	CHECK(sane(r.deferred_ns));
	/* Deferred init freed at least the range the loop initialised. */
	CHECK(r.deferred_pages >= r.pages / 2);
	CHECK_EQ(r.violations, 0);
}

static void test_deferred_workload(void)
{
	struct deferred_result r;

	CHECK_EQ(deferred_measure(2 * BENCH_GiB, 1, &r), 0);
	CHECK(r.pages > 100000);
	CHECK(sane(r.ns[1]) && sane(r.ns[2]) && sane(r.speedup));
	CHECK(sane(r.memset_ns[1]) && sane(r.memset_ns[2]));
	CHECK_EQ(r.violations, 0);
}

static void test_boot_workload(void)
{
	struct boot_result on, off;

	CHECK_EQ(boot_run_forked(2, true, 2, &on, NULL), 0);
	CHECK_EQ(boot_run_forked(2, false, 1, &off, NULL), 0);
	CHECK(on.ok && off.ok);
	CHECK_EQ(on.violations, 0);
	CHECK_EQ(off.violations, 0);
	CHECK(sane(on.first_alloc_ms) && on.first_alloc_ms <= on.boot_ms);
	CHECK(sane(on.area_ms) && on.area_ms <= on.first_alloc_ms);
	CHECK(sane(on.deferred_ms));
	CHECK(on.maxrss_kb > 0 && off.maxrss_kb > 0);
	/* Deferral changes when memory arrives, not how much. */
	CHECK_EQ(on.totalram, off.totalram);
	CHECK_EQ(on.nr_free, off.nr_free);
}

static void test_memblock_workload(void)
{
	struct memblock_result r;

	CHECK_EQ(memblock_measure(300, 40, 2, &r), 0);
	CHECK_EQ(r.failures, 0);
	CHECK_EQ(r.violations, 0);
	CHECK_EQ(r.mem_cnt, 301);	/* the RAM and the pattern */
	/* [0, 1M), the pattern, the doubled arrays (adjacent ones merge) */
	CHECK(r.rsv_cnt >= 302 && r.rsv_cnt <= 303);
	for (int op = 0; op < MB_NR_OPS; op++)
		CHECK(sane(r.ns[op]));
}

/*
 * bench_memblock_kernel's plans and bootmm's side of it (the kernel peer
 * needs Debian's linux-source package: the benchmark itself runs it).
 */
static void test_memblock_kernel_workload(void)
{
	static unsigned long base[300], rsv[100], fre[100];
	static unsigned char seen[2 * 400 + 2];
	struct mk_result r;

	for (int o = 0; o < MK_NR_ORDERS; o++) {
		unsigned long n = 300, k = 100, b = n - k;

		memset(seen, 0, sizeof(seen));
		mk_plan((enum mk_order)o, n, k, 7, base, rsv, fre);
		/* base and reservations: n distinct slots */
		for (unsigned long i = 0; i < b; i++)
			CHECK(base[i] < sizeof(seen) && !seen[base[i]]++);
		for (unsigned long i = 0; i < k; i++)
			CHECK(rsv[i] < sizeof(seen) && !seen[rsv[i]]++);
		/* frees: k distinct slots among them */
		for (unsigned long i = 0; i < k; i++)
			CHECK(fre[i] < sizeof(seen) && seen[fre[i]]++ == 1);
		/* the order the figure is named after */
		for (unsigned long i = 1; i < k && o != MK_RANDOM; i++) {
			CHECK(o == MK_ASC ? rsv[i] > rsv[i - 1] : rsv[i] < rsv[i - 1]);
			CHECK(o == MK_ASC ? fre[i] > fre[i - 1] : fre[i] < fre[i - 1]);
		}
		if (o == MK_ASC)
			CHECK(rsv[0] > base[0] && fre[0] == base[b - 1]);
		if (o == MK_DESC)
			CHECK(rsv[0] < base[b - 1] && fre[0] == base[0]);
	}
	CHECK_EQ(mk_setup(), 0);
	CHECK_EQ(mk_measure(300, 100, 2, false, &r), 0);
	CHECK_EQ(r.k, 100);
	CHECK_EQ(r.failures, 0);
	CHECK_EQ(r.mismatches, 0);
	CHECK_EQ(r.violations, 0);
	for (int o = 0; o < MK_NR_ORDERS; o++)
		for (int ph = 0; ph < MK_NR_PHASES; ph++)
			CHECK(sane(r.ns[o][ph][MK_BOOTMM]));
	/* 100 regions from empty: the static array only, no base */
	CHECK_EQ(mk_measure(100, 1000, 1, false, &r), 0);
	CHECK_EQ(r.k, 100);
	CHECK_EQ(r.failures + r.violations, 0);
	CHECK_EQ(mk_measure(0, 1000, 1, false, &r), -1);
	if (mk_m_live)
		bm_machine_destroy(&mk_m);
}

static void test_buddy_workload(void)
{
	struct bench_machine *b = buddy_machine(1);
	struct bench_trace tr[3];
	unsigned long free0;

	CHECK(b != NULL);
	if (!b)
		return;
	free0 = bm_nr_free_pages(&b->m);
	trace_make_order0(&tr[0], 2, 1024);
	trace_make_mixed(&tr[1], 20000, 500);
	trace_make_boot(&tr[2], 0.02);
	for (int i = 0; i < 3; i++) {
		struct buddy_result r;
		unsigned long allocs = 0, frees = 0;

		for (size_t e = 0; e < tr[i].n; e++)
			(tr[i].ev[e] & EV_ALLOC) ? allocs++ : frees++;
		CHECK(allocs > 0);
		CHECK_EQ(allocs, frees);	/* every trace ends with nothing live */
		buddy_measure_trace(&b->m, &tr[i], 1, &r);
		CHECK_EQ(r.failed, 0);
		CHECK_EQ(r.leaked, 0);
		CHECK(sane(r.bootmm_ops) && sane(r.trivial_ops));
		trace_free(&tr[i]);
	}
	CHECK_EQ(bm_nr_free_pages(&b->m), free0);
	CHECK_EQ(bench_violations(&b->m), 0);
	CHECK_EQ(bm_mm_check(&b->m), 0);
	bench_machine_free(b);
}

int main(void)
{
	RUN(test_helpers);
	RUN(test_machine_layout);
	RUN(test_memmap_workload);
	RUN(test_deferred_workload);
	RUN(test_boot_workload);
	RUN(test_memblock_workload);
	RUN(test_memblock_kernel_workload);
	RUN(test_buddy_workload);
	return CHECK_DONE();
}
