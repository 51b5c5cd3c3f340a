/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the benchmarks: a monotonic clock, the median of N
 * runs, peak and current RSS, a banner describing the machine, ratio
 * printing against a baseline measured in the same run, and a synthetic
 * x86-64 machine of any size.
 *
 * Every benchmark prints its figures AND their ratio to a baseline that the
 * same process measured moments before or after (memset, a trivial
 * allocator, the one-thread run, ...): on a noisy two-core machine the
 * ratio holds when the absolute figures do not.
 *
 * The workload of each benchmark is a set of static functions in its
 * bench_*.c, above a main() guarded by BENCH_NO_MAIN, so that
 * tests/test_bench_smoke.c can include the files and run tiny instances.
 */
#ifndef BOOTMM_BENCH_H
#define BOOTMM_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bootmm/machine.h"
#include "host/prim_host.h"

/* Helpers every benchmark includes, not all of which each one uses. */
#define BENCH_FN static __attribute__((unused))

#define BENCH_MiB ((phys_addr_t)1 << 20)
#define BENCH_GiB ((phys_addr_t)1 << 30)

BENCH_FN uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Median of @n values (@v is left sorted). */
BENCH_FN double bench_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Spread of @n sorted values: (max - min) / median, in percent. */
BENCH_FN double bench_spread_pct(const double *sorted, int n)
{
	double med = n & 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;

	if (n <= 1 || med <= 0)
		return 0;
	return 100.0 * (sorted[n - 1] - sorted[0]) / med;
}

/* Peak resident set of this process so far, KiB (getrusage). */
BENCH_FN long bench_peak_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return ru.ru_maxrss;
}

/* Current resident set, KiB (/proc/self/statm). */
BENCH_FN long bench_rss_kb(void)
{
	long pages = -1, resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Repetitions: $BENCH_RUNS, else @def. */
BENCH_FN int bench_runs(int def)
{
	const char *s = getenv("BENCH_RUNS");
	int n = s ? atoi(s) : 0;

	return n > 0 ? (n > 99 ? 99 : n) : def;
}

BENCH_FN unsigned bench_nproc(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

BENCH_FN bool bench_checks_compiled(void)
{
#if defined(BOOTMM_CHECKS) && BOOTMM_CHECKS
	return true;
#else
	return false;
#endif
}

/* Describe the host and the build once at the top of each benchmark. */
BENCH_FN void bench_banner(const char *name, const char *what)
{
	char model[128] = "unknown", line[256];
	double load[3] = { 0, 0, 0 };
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			snprintf(model, sizeof(model), "%s", c + 2);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	printf("== %s: %s\n", name, what);
	printf("   host: %u CPUs (%s), load %.2f %.2f %.2f; checks %s; %s\n", bench_nproc(),
	       model, load[0], load[1], load[2],
	       bench_checks_compiled() ? "ON (BOOTMM_CHECKS=1)" : "off",
#ifdef NDEBUG
	       "optimised build (NDEBUG)"
#else
	       "build without NDEBUG"
#endif
	);
}

/* One figure: label, value, unit. */
BENCH_FN void bench_figure(const char *label, double value, const char *unit)
{
	printf("   %-46s %14.2f %s\n", label, value, unit);
}

/* A ratio against the same-run baseline, with the target if there is one. */
BENCH_FN void bench_ratio(const char *label, double ratio, const char *against)
{
	printf("   %-46s %14.3f x %s\n", label, ratio, against);
}

/*
 * Geometric growth of a per-operation cost over a size step, normalised
 * to a 10x step: 1.0 = constant cost per op (linear total), 10.0 = cost
 * proportional to size (quadratic total).
 */
BENCH_FN double bench_growth_per_10x(double cost_lo, double n_lo, double cost_hi, double n_hi)
{
	if (cost_lo <= 0 || n_lo <= 0 || n_hi <= n_lo)
		return 0;
	return pow(cost_hi / cost_lo, 1.0 / log10(n_hi / n_lo));
}

/* xorshift64*: reproducible pseudo-random workloads. */
BENCH_FN uint64_t bench_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* --- a synthetic x86-64 machine ------------------------------------------- */

/*
 * Owner of one simulated machine: host, machine context, and its layout.
 * Allocated on the heap (it carries the checker's violation record).
 */
struct bench_machine {
	struct bm_host host;
	struct bm_machine m;
	struct bm_violation_record record;	/* attached to m */
	phys_addr_t ram;	/* bytes of RAM */
	phys_addr_t end;	/* end of the highest RAM range */
};

/*
 * Populate memblock like a PC's setup_arch: RAM at [4K, 640K), [1M, 3G)
 * and, for machines over 3 GiB, the rest from 4 GiB up (the PCI hole
 * between); [0, 1M), a 32 MiB kernel image at 16 MiB and a 32 MiB initrd
 * at 1 GiB reserved; above 4 GiB the RAM split evenly between @nodes
 * nodes, 1 GiB aligned (node 0 keeps the low memory). memblock may resize
 * afterwards.
 */
BENCH_FN void bench_populate_memblock(struct bm_machine *m, phys_addr_t ram, int nodes,
				      phys_addr_t *end_out)
{
	phys_addr_t low_end = ram > 3 * BENCH_GiB ? 3 * BENCH_GiB : ram;
	phys_addr_t end = low_end;

	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	m->caller = "e820__memblock_setup";
	bm_memblock_add(m, 0x1000, 0x9f000);
	bm_memblock_add(m, BENCH_MiB, low_end - BENCH_MiB);
	if (ram > 3 * BENCH_GiB) {
		end = 4 * BENCH_GiB + (ram - 3 * BENCH_GiB);
		bm_memblock_add(m, 4 * BENCH_GiB, end - 4 * BENCH_GiB);
	}
	bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
	if (nodes > 1 && end > 4 * BENCH_GiB) {
		phys_addr_t per = BM_ALIGN_UP((end - 4 * BENCH_GiB) / (phys_addr_t)nodes, BENCH_GiB);
		phys_addr_t base = 4 * BENCH_GiB + per;

		for (int nid = 1; nid < nodes && base < end; nid++, base += per)
			bm_memblock_set_node(m, base, BM_MIN(per, end - base), false, nid);
	}
	m->caller = "setup_arch";
	bm_memblock_reserve(m, 0, BENCH_MiB);
	bm_memblock_reserve(m, 16 * BENCH_MiB, 32 * BENCH_MiB);
	if (ram >= 2 * BENCH_GiB)
		bm_memblock_reserve(m, BENCH_GiB, 32 * BENCH_MiB);
	bm_memblock_set_current_limit(m, end);
	bm_memblock_allow_resize(m);
	m->caller = "bootmm";
	*end_out = end;
}

/*
 * A machine with @ram bytes of RAM in setup_arch, memblock populated.
 * Log lines are dropped. Returns NULL if the host cannot back it.
 */
BENCH_FN struct bench_machine *bench_machine_create(phys_addr_t ram, const struct bm_config *cfg,
						   int nodes)
{
	struct bench_machine *b = calloc(1, sizeof(*b));
	phys_addr_t end = ram > 3 * BENCH_GiB ? ram + BENCH_GiB : ram;

	if (!b)
		return NULL;
	bm_host_init(&b->host, NULL, 0);
	if (bm_machine_init(&b->m, &b->host.prim, cfg, end)) {
		free(b);
		return NULL;
	}
	bm_machine_set_record(&b->m, &b->record);
	b->ram = ram;
	bench_populate_memblock(&b->m, ram, nodes, &b->end);
	return b;
}

BENCH_FN void bench_machine_free(struct bench_machine *b)
{
	if (!b)
		return;
	bm_machine_destroy(&b->m);
	free(b);
}

/* Violations of every kind recorded on @m (a sane run has none). */
BENCH_FN unsigned long bench_violations(const struct bm_machine *m)
{
	unsigned long n = 0;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		n += m->violation_count[k];
	return n;
}

/* Print the first recorded violations of @m, if any. */
BENCH_FN void bench_report_violations(const struct bm_machine *m, const char *where)
{
	unsigned long n = bench_violations(m);

	if (!n)
		return;
	fprintf(stderr, "%s: %lu violations recorded\n", where, n);
	for (unsigned long i = 0; m->record && i < m->record->nr_recorded && i < 5; i++)
		fprintf(stderr, "  %s in %s: %s\n", bm_violation_name(m->record->violations[i].kind),
			m->record->violations[i].func, m->record->violations[i].detail);
}

/* The deferred range of node @nid after free_area_init: [*spfn, *epfn). */
BENCH_FN bool bench_deferred_range(struct bm_machine *m, int nid, bm_pfn_t *spfn, bm_pfn_t *epfn)
{
	struct bm_node *node = &m->mm.nodes[nid];
	bm_pfn_t end = node->node_start_pfn + node->node_spanned_pages;

	if (node->first_deferred_pfn == BM_NO_PFN || node->first_deferred_pfn >= end)
		return false;
	*spfn = node->first_deferred_pfn;
	*epfn = end;
	return true;
}

/*
 * Write (memset) the struct pages of [@spfn, @epfn), section by section:
 * the bandwidth baseline of struct page initialisation, and the way to
 * fault the host pages of the memory map in before timing (the kernel's
 * vmemmap is mapped when sparse_init returns). Returns bytes written.
 */
BENCH_FN uint64_t bench_memset_memmap(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn, int c)
{
	uint64_t bytes = 0;

	while (spfn < epfn) {
		bm_pfn_t sec_end = BM_ALIGN_DOWN(spfn, BM_PAGES_PER_SECTION) + BM_PAGES_PER_SECTION;
		bm_pfn_t e = BM_MIN(sec_end, epfn);
		struct page *p = bm_pfn_to_page(m, spfn);

		if (p) {
			memset(p, c, (size_t)(e - spfn) * sizeof(struct page));
			bytes += (e - spfn) * sizeof(struct page);
		}
		spfn = e;
	}
	return bytes;
}

/* Keep the compiler from dropping a result. */
BENCH_FN void bench_consume(uint64_t v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}

#endif /* BOOTMM_BENCH_H */
