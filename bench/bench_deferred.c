// SPDX-License-Identifier: MIT
/*
 * bench_deferred: scaling of deferred struct page init (page_alloc_init_late:
 * initialise and free the deferred memory map in section-sized units) with
 * 1 and 2 host threads (cfg.threads), on the same machine rebuilt for every
 * run. Runs alternate between thread counts so that a burst of noise from
 * other processes hits both; the one-thread run is the baseline.
 *
 * The memory map's host pages are faulted in before timing (the kernel's
 * vmemmap is populated by sparse_init), so the figures are the work of
 * initialising and freeing, not of the host's page-fault handler.
 *
 * Same-run baseline for the machine's own scaling: a memset of the same
 * struct pages split into the same section units over the same threads
 * (prim->parallel). On an idle two-core host it scales ~2x; when other
 * processes hold a core it does not, and neither can deferred init: the
 * "efficiency vs memset scaling" line corrects for that.
 *
 * Usage: bench_deferred [GiB of RAM ...]   (default: 16 64)
 */
#include "bench.h"

#define DEFERRED_MAX_RUNS 32

struct deferred_result {
	unsigned long pages;		/* pages freed by deferred init */
	double ns[3];			/* median, index = threads (1, 2) */
	double spread[3];		/* % */
	double speedup;			/* ns[1] / ns[2] */
	double efficiency;		/* speedup / 2 */
	double memset_ns[3];		/* parallel memset of the same struct pages */
	double memset_speedup;		/* the host's scaling in this run */
	unsigned long violations;
	int node_ms[3];			/* the kernel's "deferred pages initialised in Mms" */
};

struct memset_job {
	struct bm_machine *m;
	bm_pfn_t spfn, epfn;
};

static void deferred_memset_unit(void *arg, unsigned long idx)
{
	struct memset_job *j = arg;
	bm_pfn_t s = j->spfn + (bm_pfn_t)idx * BM_PAGES_PER_SECTION;

	bench_memset_memmap(j->m, s, BM_MIN(s + BM_PAGES_PER_SECTION, j->epfn), 0x5a);
}

/*
 * One boot up to page_alloc_init_late and its timing with @threads.
 * Return: nanoseconds, or -1 if the machine could not be built.
 */
static double deferred_one(phys_addr_t ram, unsigned threads, unsigned long *pages,
			   unsigned long *violations, int *node_ms, double *memset_ns)
{
	struct memset_job job;
	struct bm_config cfg;
	struct bench_machine *b;
	struct bm_machine *m;
	bm_pfn_t spfn, epfn;
	unsigned long free0;
	uint64_t t0, t;

	bm_config_default(&cfg);
	cfg.threads = threads;
	b = bench_machine_create(ram, &cfg, 1);
	if (!b)
		return -1;
	m = &b->m;
	if (bm_sparse_init(m) || bm_free_area_init(m) || !bench_deferred_range(m, 0, &spfn, &epfn)) {
		bench_machine_free(b);
		return -1;
	}
	/* Fault the deferred memory map in while it is still garbage. */
	bench_memset_memmap(m, spfn, epfn, 0xa5);
	job = (struct memset_job){ m, spfn, epfn };
	t0 = bench_now_ns();
	m->prim->parallel(m->prim->ctx, threads, deferred_memset_unit, &job,
			  (unsigned long)((epfn - spfn + BM_PAGES_PER_SECTION - 1) / BM_PAGES_PER_SECTION));
	*memset_ns = (double)(bench_now_ns() - t0);
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	free0 = bm_nr_free_pages(m);
	t0 = bench_now_ns();
	bm_page_alloc_init_late(m);
	t = bench_now_ns() - t0;
	*pages = bm_nr_free_pages(m) - free0;
	*violations += bench_violations(m);
	*node_ms = (int)m->mm.nodes[0].deferred_ms;
	bench_report_violations(m, "bench_deferred");
	bench_machine_free(b);
	return (double)t;
}

/* Return: 0, or -1 if the machine could not be built. */
static int deferred_measure(phys_addr_t ram, int runs, struct deferred_result *r)
{
	double t[3][DEFERRED_MAX_RUNS], ms[3][DEFERRED_MAX_RUNS];

	memset(r, 0, sizeof(*r));
	if (runs > DEFERRED_MAX_RUNS)
		runs = DEFERRED_MAX_RUNS;
	for (int i = 0; i < runs; i++) {
		for (unsigned th = 1; th <= 2; th++) {
			t[th][i] = deferred_one(ram, th, &r->pages, &r->violations, &r->node_ms[th],
						&ms[th][i]);
			if (t[th][i] < 0)
				return -1;
		}
	}
	for (unsigned th = 1; th <= 2; th++) {
		r->ns[th] = bench_median(t[th], runs);
		r->spread[th] = bench_spread_pct(t[th], runs);
		r->memset_ns[th] = bench_median(ms[th], runs);
	}
	r->memset_speedup = r->memset_ns[1] / r->memset_ns[2];
	r->speedup = r->ns[1] / r->ns[2];
	r->efficiency = r->speedup / 2;
	return 0;
}

#ifndef BENCH_NO_MAIN
int main(int argc, char **argv)
{
	static const double def_sizes[] = { 16, 64 };
	int runs = bench_runs(5), rc = 0;
	int nsizes = argc > 1 ? argc - 1 : 2;

	bench_banner("bench_deferred", "deferred struct page init, 1 vs 2 threads");
	for (int i = 0; i < nsizes; i++) {
		double gib = argc > 1 ? atof(argv[i + 1]) : def_sizes[i];
		struct deferred_result r;

		if (gib < 1 || deferred_measure((phys_addr_t)(gib * BENCH_GiB), runs, &r)) {
			fprintf(stderr, "bench_deferred: cannot build a %.0f GiB machine\n", gib);
			return 1;
		}
		printf("   machine: %.0f GiB RAM, one node, %lu deferred pages, median of %d\n",
		       gib, r.pages, runs);
		for (unsigned th = 1; th <= 2; th++) {
			char label[64];

			snprintf(label, sizeof(label), "%u thread%s", th, th > 1 ? "s" : "");
			bench_figure(label, r.ns[th] / 1e6, "ms");
			bench_figure("  rate", r.pages / r.ns[th] * 1e3, "M pages/s");
			bench_figure("  per page", r.ns[th] / r.pages, "ns");
			bench_figure("  run-to-run spread", r.spread[th], "%");
		}
		bench_ratio("speedup 2 threads", r.speedup, "1 thread");
		bench_figure("parallel efficiency", 100 * r.efficiency, "%");
		bench_figure("baseline: memset of the struct pages, 1 thread", r.memset_ns[1] / 1e6, "ms");
		bench_figure("baseline: same, 2 threads", r.memset_ns[2] / 1e6, "ms");
		bench_ratio("host scaling now (memset 2 threads)", r.memset_speedup, "1 thread");
		bench_figure("deferred speedup / host memset speedup", 100 * r.speedup / r.memset_speedup, "%");
		if (r.violations) {
			printf("   WARNING: %lu violations recorded\n", r.violations);
			rc = 1;
		}
	}
	bench_figure("peak RSS", bench_peak_rss_kb() / 1024.0, "MiB");
	return rc;
}
#endif
