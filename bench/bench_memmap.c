// SPDX-License-Identifier: MIT
/*
 * bench_memmap: struct pages initialised per second by bm_init_single_page
 * (the kernel's __init_single_page), against memset of the same bytes of
 * struct page in the same run: the bandwidth a single thread can possibly
 * reach writing the memory map.
 *
 * The machine is built like a PC (bench.h) and taken through sparse_init
 * and free_area_init; the deferred part of its memory map, still
 * uninitialised, is the range timed. Its host pages are faulted in first,
 * as the kernel's vmemmap is mapped before it is written. Each run clears
 * the range's bits in the "initialised" shadow (untimed) so that no run
 * counts as a double initialisation.
 *
 * Then, once, the real deferred init of the same range (initialise AND
 * free to the buddy allocator, one thread) for comparison.
 *
 * Usage: bench_memmap [GiB of RAM, default 16]
 */
#include "bench.h"

struct memmap_result {
	unsigned long pages;		/* struct pages per run */
	double memset_ns, init_ns;	/* medians */
	double memset_spread, init_spread;	/* % */
	double memset_mbps, init_mbps;	/* MB/s of struct page written */
	double init_pps;		/* pages per second */
	double pct;			/* init bandwidth as % of memset's */
	double deferred_ns;		/* bm_page_alloc_init_late, one thread */
	unsigned long deferred_pages;	/* pages it freed */
	unsigned long violations;
};

/* Clear the shadow bits of a section-aligned range (untimed bookkeeping). */
static void memmap_clear_shadow(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn)
{
	memset(&m->mm.init_bitmap[spfn / 64], 0, (size_t)((epfn - spfn) / 8));
}

static uint64_t memmap_init_range(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				  enum bm_zone_type zt, int nid)
{
	uint64_t t0 = bench_now_ns();

	/* What memmap_init_range and deferred init call since the range
	 * initialiser landed (a section and a shadow word at a time). */
	bm_init_pages_range(m, spfn, epfn, zt, nid, "bench_memmap");
	return bench_now_ns() - t0;
}

/*
 * Measure on a machine of @ram bytes, @runs interleaved runs of memset
 * and of bm_init_single_page. Return: 0, or -1 if the machine could not be
 * built or has no deferred range.
 */
static int memmap_measure(phys_addr_t ram, int runs, struct memmap_result *r)
{
	struct bm_config cfg;
	struct bench_machine *b;
	struct bm_machine *m;
	double ms[100], mi[100];
	bm_pfn_t spfn, epfn;
	enum bm_zone_type zt;
	uint64_t t0, free0;

	memset(r, 0, sizeof(*r));
	if (runs > 100)
		runs = 100;
	bm_config_default(&cfg);
	cfg.threads = 1;
	b = bench_machine_create(ram, &cfg, 1);
	if (!b)
		return -1;
	m = &b->m;
	if (bm_sparse_init(m) || bm_free_area_init(m) || !bench_deferred_range(m, 0, &spfn, &epfn)) {
		bench_machine_free(b);
		return -1;
	}
	/* Whole sections only, so the shadow clears are word-aligned. */
	epfn = BM_ALIGN_DOWN(epfn, BM_PAGES_PER_SECTION);
	zt = bm_pfn_zone(m, spfn)->type;
	r->pages = (unsigned long)(epfn - spfn);

	/* Fault the memory map in and warm up both loops. */
	bench_memset_memmap(m, spfn, epfn, 0xa5);
	memmap_init_range(m, spfn, epfn, zt, 0);
	memmap_clear_shadow(m, spfn, epfn);

	for (int i = 0; i < runs; i++) {
		t0 = bench_now_ns();
		bench_memset_memmap(m, spfn, epfn, 0);
		ms[i] = (double)(bench_now_ns() - t0);
		mi[i] = (double)memmap_init_range(m, spfn, epfn, zt, 0);
		memmap_clear_shadow(m, spfn, epfn);
	}
	r->memset_ns = bench_median(ms, runs);
	r->memset_spread = bench_spread_pct(ms, runs);
	r->init_ns = bench_median(mi, runs);
	r->init_spread = bench_spread_pct(mi, runs);
	r->memset_mbps = r->pages * sizeof(struct page) / r->memset_ns * 1e3;
	r->init_mbps = r->pages * sizeof(struct page) / r->init_ns * 1e3;
	r->init_pps = r->pages / r->init_ns * 1e9;
	r->pct = 100.0 * r->memset_ns / r->init_ns;

	/* The real thing, once: reserved pages first, then deferred init + free. */
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	free0 = bm_nr_free_pages(m);
	t0 = bench_now_ns();
	bm_page_alloc_init_late(m);
	r->deferred_ns = (double)(bench_now_ns() - t0);
	r->deferred_pages = bm_nr_free_pages(m) - free0;
	r->violations = bench_violations(m);
	bench_report_violations(m, "bench_memmap");
	bench_machine_free(b);
	return 0;
}

#ifndef BENCH_NO_MAIN
int main(int argc, char **argv)
{
	double gib = argc > 1 ? atof(argv[1]) : 16;
	int runs = bench_runs(7);
	struct memmap_result r;

	bench_banner("bench_memmap", "struct page initialisation vs memset (one thread)");
	if (gib < 1 || memmap_measure((phys_addr_t)(gib * BENCH_GiB), runs, &r)) {
		fprintf(stderr, "bench_memmap: cannot build a %.0f GiB machine\n", gib);
		return 1;
	}
	printf("   machine: %.0f GiB RAM, deferred range %lu pages (%.0f MiB of %zu-byte struct page), median of %d\n",
	       gib, r.pages, r.pages * sizeof(struct page) / 1048576.0, sizeof(struct page), runs);
	bench_figure("memset of the struct pages", r.memset_ns / 1e6, "ms");
	bench_figure("  bandwidth (baseline)", r.memset_mbps, "MB/s");
	bench_figure("  run-to-run spread", r.memset_spread, "%");
	bench_figure("bm_init_pages_range over the range", r.init_ns / 1e6, "ms");
	bench_figure("  bandwidth", r.init_mbps, "MB/s");
	bench_figure("  rate", r.init_pps / 1e6, "M pages/s");
	bench_figure("  per page", r.init_ns / r.pages, "ns");
	bench_figure("  run-to-run spread", r.init_spread, "%");
	bench_ratio("init bandwidth / memset bandwidth", r.pct / 100, "memset");
	printf("   %-46s %13.1f %% of memset (target >= 70 %%: %s)\n", "per thread", r.pct,
	       r.pct >= 70 ? "met" : "NOT met");
	bench_figure("deferred init + free, 1 thread (once)", r.deferred_ns / 1e6, "ms");
	bench_figure("  rate", r.deferred_pages / r.deferred_ns * 1e3, "M pages/s");
	bench_ratio("  cost / bm_init_pages_range alone",
		    (r.deferred_ns / r.deferred_pages) / (r.init_ns / r.pages), "init");
	bench_figure("peak RSS", bench_peak_rss_kb() / 1024.0, "MiB");
	if (r.violations)
		printf("   WARNING: %lu violations recorded\n", r.violations);
	return r.violations ? 1 : 0;
}
#endif
