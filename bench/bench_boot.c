// SPDX-License-Identifier: MIT
/*
 * bench_boot: whole boots (bm_boot, setup_arch to running) of simulated
 * machines from 4 GiB to 1 TiB, each in its own forked process so that its
 * peak RSS is its own (wait4's rusage). For every size, with deferred
 * struct page init on (cfg.threads = host CPUs, or BENCH_THREADS) and off:
 *
 *  - setup: backing the address space and populating memblock;
 *  - first allocation: from bm_boot's start to the end of mm_core_init
 *    (memblock_free_all), where bm_alloc_pages first works (an order-0
 *    allocation is made and freed there to prove it); of which "area" is
 *    sparse_init + free_area_init, the rest memblock_free_all;
 *  - deferred: page_alloc_init_late;
 *  - boot: bm_boot's start to running.
 *
 * Same-run baselines: the smallest machine (per-GiB growth, and how flat
 * the time to the first allocation stays with deferral) and the
 * non-deferred boot of the same size.
 *
 * Usage: bench_boot [GiB of RAM ...]   (default: 4 64 256 1024)
 * Environment: BENCH_RUNS; BENCH_THREADS, deferred init's host threads
 * (default: every online CPU).
 */
#include <sys/wait.h>

#include "bench.h"

struct boot_result {
	double gib;
	bool deferred;
	bool ok;			/* booted, first allocation succeeded */
	double setup_ms, first_alloc_ms, deferred_ms, boot_ms;
	double area_ms;			/* of first_alloc_ms: sparse_init + free_area_init */
	long maxrss_kb;			/* of the process that booted it */
	unsigned long violations;
	unsigned long nr_free;		/* free pages once running */
	unsigned long totalram;
};

struct boot_marks {
	uint64_t area, first_alloc, smp, late;
	bool alloc_ok;
};

/* End of mm_core_init: note the time, then prove the allocator works. */
static void boot_act_first_alloc(struct bm_machine *m, void *arg)
{
	struct boot_marks *k = arg;
	bm_pfn_t pfn;

	k->first_alloc = bench_now_ns();
	pfn = bm_alloc_pages(m, BM_NUMA_NO_NODE, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE);
	k->alloc_ok = pfn != BM_NO_PFN;
	if (k->alloc_ok)
		bm_free_pages(m, pfn, 0);
}

static void boot_act_area(struct bm_machine *m, void *arg)
{
	((struct boot_marks *)arg)->area = bench_now_ns();
}

static void boot_act_smp(struct bm_machine *m, void *arg)
{
	((struct boot_marks *)arg)->smp = bench_now_ns();
}

static void boot_act_late(struct bm_machine *m, void *arg)
{
	((struct boot_marks *)arg)->late = bench_now_ns();
}

/* Boot one machine in this process. Return: 0, or -1 if it could not be built. */
static int boot_run(double gib, bool deferred, unsigned threads, struct boot_result *r)
{
	struct boot_marks k = { 0 };
	const struct bm_action acts[] = {
		{ BM_PHASE_FREE_AREA_INIT, boot_act_area, &k, "bench_mark" },
		{ BM_PHASE_MM_CORE_INIT, boot_act_first_alloc, &k, "bench_first_alloc" },
		{ BM_PHASE_SMP_INIT, boot_act_smp, &k, "bench_mark" },
		{ BM_PHASE_PAGE_ALLOC_INIT_LATE, boot_act_late, &k, "bench_mark" },
	};
	struct bm_config cfg;
	struct bench_machine *b;
	uint64_t t0, t1, t2;
	int ret;

	memset(r, 0, sizeof(*r));
	r->gib = gib;
	r->deferred = deferred;
	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = deferred;
	cfg.threads = threads;
	t0 = bench_now_ns();
	b = bench_machine_create((phys_addr_t)(gib * BENCH_GiB), &cfg, 1);
	if (!b)
		return -1;
	t1 = bench_now_ns();
	ret = bm_boot(&b->m, acts, BM_ARRAY_SIZE(acts));
	t2 = bench_now_ns();
	r->ok = !ret && k.alloc_ok && b->m.phase == BM_PHASE_RUNNING;
	r->setup_ms = (t1 - t0) / 1e6;
	r->boot_ms = (t2 - t1) / 1e6;
	r->first_alloc_ms = k.first_alloc ? (k.first_alloc - t1) / 1e6 : 0;
	r->area_ms = k.area ? (k.area - t1) / 1e6 : 0;
	r->deferred_ms = k.late && k.smp ? (k.late - k.smp) / 1e6 : 0;
	r->violations = bench_violations(&b->m);
	r->nr_free = bm_nr_free_pages(&b->m);
	r->totalram = b->m.mm.totalram_pages;
	r->maxrss_kb = bench_peak_rss_kb();
	bench_report_violations(&b->m, "bench_boot");
	bench_machine_free(b);
	return 0;
}

/*
 * Boot one machine in a child process; its peak RSS comes from wait4, and
 * the child's whole resource usage goes to @ru_out when it is not NULL.
 * Return: 0, or -1 if the child failed.
 */
BENCH_FN int boot_run_forked(double gib, bool deferred, unsigned threads, struct boot_result *r,
			     struct rusage *ru_out)
{
	struct rusage ru;
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		struct boot_result cr;
		int ret = boot_run(gib, deferred, threads, &cr);

		close(fd[0]);
		if (!ret && write(fd[1], &cr, sizeof(cr)) != (ssize_t)sizeof(cr))
			ret = -1;
		_exit(ret ? 1 : 0);
	}
	close(fd[1]);
	n = read(fd[0], r, sizeof(*r));
	close(fd[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    n != (ssize_t)sizeof(*r))
		return -1;
	r->maxrss_kb = ru.ru_maxrss;
	if (ru_out)
		*ru_out = ru;
	return 0;
}

/* Median over @runs forked boots (by boot time); RSS is the largest seen. */
BENCH_FN int boot_measure(double gib, bool deferred, unsigned threads, int runs,
			struct boot_result *out)
{
	struct boot_result rs[16];
	double t[16];
	long rss = 0;

	if (runs > 16)
		runs = 16;
	for (int i = 0; i < runs; i++) {
		if (boot_run_forked(gib, deferred, threads, &rs[i], NULL))
			return -1;
		t[i] = rs[i].boot_ms;
		rss = BM_MAX(rss, rs[i].maxrss_kb);
	}
	bench_median(t, runs);
	for (int i = 0; i < runs; i++) {
		if (rs[i].boot_ms == t[runs / 2]) {
			*out = rs[i];
			break;
		}
	}
	out->maxrss_kb = rss;
	return 0;
}

#ifndef BENCH_NO_MAIN
int main(int argc, char **argv)
{
	static const double def_sizes[] = { 4, 64, 256, 1024 };
	int nsizes = argc > 1 ? argc - 1 : (int)BM_ARRAY_SIZE(def_sizes);
	/* BENCH_THREADS: deferred init's threads (default: every online CPU). */
	unsigned threads = getenv("BENCH_THREADS") && atoi(getenv("BENCH_THREADS")) > 0 ?
			   (unsigned)atoi(getenv("BENCH_THREADS")) : bench_nproc();
	struct boot_result base[2] = { 0 }, r[2];
	int rc = 0;

	bench_banner("bench_boot", "whole boots, deferred struct page init on and off");
	printf("   threads for deferred init: %u; each boot in its own process; boots of <= 64 GiB: median of %d\n",
	       threads, bench_runs(3));
	printf("   %8s %5s %9s %8s %11s %10s %10s %10s %9s %8s\n", "RAM", "defer", "setup ms",
	       "area ms", "1st alloc", "deferred", "boot ms", "total ms", "RSS MiB", "MiB/GiB");
	for (int i = 0; i < nsizes; i++) {
		double gib = argc > 1 ? atof(argv[i + 1]) : def_sizes[i];
		int runs = gib <= 64 ? bench_runs(3) : 1;

		for (int d = 1; d >= 0; d--) {
			if (gib < 1 || boot_measure(gib, d, threads, runs, &r[d])) {
				fprintf(stderr, "bench_boot: %.0f GiB boot failed\n", gib);
				return 1;
			}
			printf("   %5.0f GiB %5s %9.1f %8.1f %11.1f %10.1f %10.1f %10.1f %9.1f %8.2f%s\n",
			       gib, d ? "on" : "off", r[d].setup_ms, r[d].area_ms, r[d].first_alloc_ms,
			       r[d].deferred_ms, r[d].boot_ms, r[d].setup_ms + r[d].boot_ms,
			       r[d].maxrss_kb / 1024.0, r[d].maxrss_kb / 1024.0 / gib,
			       r[d].ok && !r[d].violations ? "" : "  FAILED/violations");
			if (!r[d].ok || r[d].violations)
				rc = 1;
		}
		if (i == 0) {
			base[0] = r[0];
			base[1] = r[1];
		}
		printf("   %14s deferral: first allocation %.2fx sooner, boot %.2fx %s; vs %.0f GiB: first alloc %.2fx, boot %.2fx for %.0fx the RAM\n",
		       "", r[0].first_alloc_ms / r[1].first_alloc_ms,
		       r[0].boot_ms > r[1].boot_ms ? r[0].boot_ms / r[1].boot_ms : r[1].boot_ms / r[0].boot_ms,
		       r[0].boot_ms > r[1].boot_ms ? "faster" : "slower", base[1].gib,
		       r[1].first_alloc_ms / base[1].first_alloc_ms, r[1].boot_ms / base[1].boot_ms,
		       gib / base[1].gib);
		if (gib == 64)
			printf("   %14s target: 64 GiB deferred boot under 0.5 s: %s (%.0f ms, %.2fx the "
			       "non-deferred boot of this run)\n", "",
			       r[1].boot_ms + r[1].setup_ms < 500 ? "met" : "NOT met",
			       r[1].boot_ms + r[1].setup_ms,
			       (r[1].boot_ms + r[1].setup_ms) / (r[0].boot_ms + r[0].setup_ms));
	}
	return rc;
}
#endif
