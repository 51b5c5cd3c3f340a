// SPDX-License-Identifier: MIT
/*
 * bench_memblock: the cost of memblock operations as the region arrays grow
 * to 128, 1,000, 10,000 and 100,000 regions (memblock_allow_resize() first,
 * so the arrays double; the machine has 2 GiB of simulated RAM for the
 * doubled arrays and the reserved pattern).
 *
 * Layout, per size N (a fresh machine each):
 *  - memory: RAM [1 MiB, 2 GiB), current_limit 2 GiB; N more memory
 *    regions of 4 KiB every 16 KiB from 4 GiB (metadata only);
 *  - reserved: N regions of 4 KiB every 16 KiB from 64 MiB.
 *
 * Figures, in ns per operation:
 *  - build: registering the N regions in ascending order (appends) and in
 *    descending order (every insert at the front: the array moves);
 *  - with N regions present, K operations at random positions (gaps between
 *    the N regions, so nothing merges): reserve then phys_free,
 *    memblock_phys_alloc (top-down, unconstrained: lands at the top of free
 *    memory) then free, and memblock_phys_alloc_range in a random window
 *    among the regions (the top-down walk passes every free range above the
 *    window) then free, all with memory a single region; then, with N
 *    memory regions too, add then remove of memory.
 *
 * Growth per 10x regions is normalised: 1.0 = constant cost per operation,
 * 10.0 = cost proportional to the number of regions (quadratic overall,
 * as the kernel's arrays are).
 *
 * Usage: bench_memblock [N ...]   (default: 128 1000 10000 100000)
 */
#include "bench.h"

#define MB_STRIDE	((phys_addr_t)16 << 10)
#define MB_RSV_BASE	((phys_addr_t)64 << 20)
#define MB_MEM_BASE	((phys_addr_t)4 << 30)
#define MB_RAM		((phys_addr_t)2 << 30)
#define MB_MAX_N	110000ul

enum mb_op {
	MB_BUILD_ASC,		/* memblock_reserve, ascending */
	MB_BUILD_DESC,		/* memblock_reserve, descending */
	MB_ADD,
	MB_REMOVE,
	MB_RESERVE,
	MB_PHYS_FREE,
	MB_ALLOC,
	MB_ALLOC_FREE,
	MB_ALLOC_RANGE,
	MB_ALLOC_RANGE_FREE,
	MB_NR_OPS
};

static const char *const mb_op_names[MB_NR_OPS] = {
	[MB_BUILD_ASC] = "build, ascending (reserve)",
	[MB_BUILD_DESC] = "build, descending (reserve)",
	[MB_ADD] = "memblock_add",
	[MB_REMOVE] = "memblock_remove",
	[MB_RESERVE] = "memblock_reserve",
	[MB_PHYS_FREE] = "memblock_phys_free",
	[MB_ALLOC] = "memblock_phys_alloc (top)",
	[MB_ALLOC_FREE] = "  its memblock_phys_free",
	[MB_ALLOC_RANGE] = "memblock_phys_alloc_range (window)",
	[MB_ALLOC_RANGE_FREE] = "  its memblock_phys_free",
};

struct memblock_result {
	unsigned long n;		/* regions */
	unsigned long k;		/* operations per batch */
	double ns[MB_NR_OPS];		/* per operation, median of batches */
	unsigned long failures;		/* operations that returned an error */
	unsigned long violations;
	unsigned long mem_cnt, rsv_cnt;	/* array sizes reached */
};

struct mb_ctx {
	struct bench_machine *b;
	unsigned long n, k;
	unsigned long *pick;		/* k distinct gap indices */
	phys_addr_t *addr;		/* k allocated addresses */
	unsigned long failures;
};

static struct bench_machine *mb_machine(void)
{
	struct bench_machine *b = calloc(1, sizeof(*b));
	struct bm_machine *m;

	if (!b)
		return NULL;
	bm_host_init(&b->host, NULL, 0);
	if (bm_machine_init(&b->m, &b->host.prim, NULL, MB_RAM)) {
		free(b);
		return NULL;
	}
	bm_machine_set_record(&b->m, &b->record);
	m = &b->m;
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, BENCH_MiB, MB_RAM - BENCH_MiB);
	bm_memblock_reserve(m, 0, BENCH_MiB);
	bm_memblock_set_current_limit(m, MB_RAM);
	bm_memblock_allow_resize(m);
	b->ram = b->end = MB_RAM;
	return b;
}

/* Pick k distinct indices out of n (partial Fisher-Yates, fixed seed). */
static void mb_pick(unsigned long *pick, unsigned long n, unsigned long k, uint64_t seed)
{
	unsigned long *all = malloc(n * sizeof(*all));

	for (unsigned long i = 0; i < n; i++)
		all[i] = i;
	for (unsigned long i = 0; i < k; i++) {
		unsigned long j = i + (unsigned long)(bench_rand(&seed) % (n - i));
		unsigned long t = all[i];

		all[i] = all[j];
		all[j] = t;
		pick[i] = all[i];
	}
	free(all);
}

/* Time one batch of @c->k operations of kind @op. Returns ns per op. */
static double mb_batch(struct mb_ctx *c, enum mb_op op)
{
	struct bm_machine *m = &c->b->m;
	uint64_t t0 = bench_now_ns();

	for (unsigned long i = 0; i < c->k; i++) {
		phys_addr_t gap_mem = MB_MEM_BASE + c->pick[i] * MB_STRIDE + MB_STRIDE / 2;
		phys_addr_t gap_rsv = MB_RSV_BASE + c->pick[i] * MB_STRIDE + MB_STRIDE / 2;
		phys_addr_t win = MB_RSV_BASE + c->pick[i] * MB_STRIDE;
		int ret = 0;

		switch (op) {
		case MB_ADD:
			ret = bm_memblock_add(m, gap_mem, 4096);
			break;
		case MB_REMOVE:
			ret = bm_memblock_remove(m, gap_mem, 4096);
			break;
		case MB_RESERVE:
			ret = bm_memblock_reserve(m, gap_rsv, 4096);
			break;
		case MB_PHYS_FREE:
			ret = bm_memblock_phys_free(m, gap_rsv, 4096);
			break;
		case MB_ALLOC:
			c->addr[i] = bm_memblock_phys_alloc(m, 4096, 4096);
			ret = c->addr[i] ? 0 : -1;
			break;
		case MB_ALLOC_RANGE:
			c->addr[i] = bm_memblock_phys_alloc_range(m, 4096, 4096, win, win + MB_STRIDE);
			ret = c->addr[i] ? 0 : -1;
			break;
		case MB_ALLOC_FREE:
		case MB_ALLOC_RANGE_FREE:
			ret = c->addr[i] ? bm_memblock_phys_free(m, c->addr[i], 4096) : -1;
			break;
		default:
			break;
		}
		c->failures += ret != 0;
	}
	return (double)(bench_now_ns() - t0) / (double)c->k;
}

/* Register n regions of 4 KiB every MB_STRIDE from @base. Returns ns per op. */
static double mb_build(struct bm_machine *m, bool reserved, phys_addr_t base, unsigned long n,
		       bool descending, unsigned long *failures)
{
	uint64_t t0 = bench_now_ns();

	for (unsigned long j = 0; j < n; j++) {
		unsigned long i = descending ? n - 1 - j : j;
		phys_addr_t a = base + i * MB_STRIDE;

		*failures += (reserved ? bm_memblock_reserve(m, a, 4096) :
			      bm_memblock_add(m, a, 4096)) != 0;
	}
	return (double)(bench_now_ns() - t0) / (double)n;
}

/*
 * Measure every operation at @n regions, @reps batches of up to @kmax
 * operations each. Return: 0, or -1 if a machine could not be built.
 */
static int memblock_measure(unsigned long n, unsigned long kmax, int reps,
			    struct memblock_result *r)
{
	static const enum mb_op pairs[][2] = {
		{ MB_ADD, MB_REMOVE },
		{ MB_RESERVE, MB_PHYS_FREE },
		{ MB_ALLOC, MB_ALLOC_FREE },
		{ MB_ALLOC_RANGE, MB_ALLOC_RANGE_FREE },
	};
	double t[MB_NR_OPS][32];
	struct mb_ctx c = { 0 };
	struct bm_machine *m;

	memset(r, 0, sizeof(*r));
	if (n < 2 || n > MB_MAX_N)
		return -1;
	if (reps > 32)
		reps = 32;
	r->n = n;
	r->k = c.k = BM_MIN(n, kmax);
	c.n = n;
	c.pick = calloc(c.k, sizeof(*c.pick));
	c.addr = calloc(c.k, sizeof(*c.addr));
	if (!c.pick || !c.addr)
		goto fail;

	/* Descending build on a machine of its own: the worst case. */
	c.b = mb_machine();
	if (!c.b)
		goto fail;
	r->ns[MB_BUILD_DESC] = mb_build(&c.b->m, true, MB_RSV_BASE, n, true, &c.failures);
	r->violations += bench_violations(&c.b->m);
	bench_machine_free(c.b);

	c.b = mb_machine();
	if (!c.b)
		goto fail;
	m = &c.b->m;
	r->ns[MB_BUILD_ASC] = mb_build(m, true, MB_RSV_BASE, n, false, &c.failures);
	/*
	 * Reserved-side operations first, while memory is one region: an
	 * allocation walks every free range from the top of memory down, so N
	 * memory regions above current_limit would make every one of them O(N)
	 * (that walk is what the window allocation shows on its own).
	 */
	for (unsigned p = 1; p < BM_ARRAY_SIZE(pairs); p++) {
		for (int i = 0; i < reps; i++) {
			mb_pick(c.pick, n, c.k, 0x9e3779b97f4a7c15ull + (uint64_t)i);
			t[pairs[p][0]][i] = mb_batch(&c, pairs[p][0]);
			t[pairs[p][1]][i] = mb_batch(&c, pairs[p][1]);
		}
	}
	mb_build(m, false, MB_MEM_BASE, n, false, &c.failures);
	r->mem_cnt = m->memblock.mb.memory.cnt;
	r->rsv_cnt = m->memblock.mb.reserved.cnt;
	for (int i = 0; i < reps; i++) {
		mb_pick(c.pick, n, c.k, 0x9e3779b97f4a7c15ull + (uint64_t)i);
		t[MB_ADD][i] = mb_batch(&c, MB_ADD);
		t[MB_REMOVE][i] = mb_batch(&c, MB_REMOVE);
	}
	for (unsigned p = 0; p < BM_ARRAY_SIZE(pairs); p++)
		for (int j = 0; j < 2; j++)
			r->ns[pairs[p][j]] = bench_median(t[pairs[p][j]], reps);
	/* Back where it started: the pattern, nothing else. */
	if (m->memblock.mb.reserved.cnt != r->rsv_cnt || m->memblock.mb.memory.cnt != r->mem_cnt)
		c.failures++;
	r->violations += bench_violations(m) + (unsigned long)bm_memblock_check(m);
	bench_report_violations(m, "bench_memblock");
	bench_machine_free(c.b);
	r->failures = c.failures;
	free(c.pick);
	free(c.addr);
	return 0;
fail:
	free(c.pick);
	free(c.addr);
	return -1;
}

#ifndef BENCH_NO_MAIN
int main(int argc, char **argv)
{
	static const unsigned long def_n[] = { 128, 1000, 10000, 100000 };
	struct memblock_result res[16];
	int nn = argc > 1 ? BM_MIN(argc - 1, 16) : (int)BM_ARRAY_SIZE(def_n);
	int reps = bench_runs(5), rc = 0;

	bench_banner("bench_memblock", "memblock operations vs number of regions");
	for (int i = 0; i < nn; i++) {
		unsigned long n = argc > 1 ? strtoul(argv[i + 1], NULL, 0) : def_n[i];

		if (memblock_measure(n, n >= 100000 ? 200 : 1000, reps, &res[i])) {
			fprintf(stderr, "bench_memblock: cannot measure at %lu regions\n", n);
			return 1;
		}
		if (res[i].failures || res[i].violations)
			rc = 1;
	}
	printf("   ns per operation; operations at N regions: %d batches of min(N, 1000) (200 at 100,000), median\n",
	       reps);
	printf("   %-36s", "regions N");
	for (int i = 0; i < nn; i++)
		printf(" %10lu", res[i].n);
	printf("   growth per 10x regions\n");
	for (int op = 0; op < MB_NR_OPS; op++) {
		printf("   %-36s", mb_op_names[op]);
		for (int i = 0; i < nn; i++)
			printf(" %10.1f", res[i].ns[op]);
		printf("  ");
		for (int i = 1; i < nn; i++)
			printf(" %5.2f", bench_growth_per_10x(res[i - 1].ns[op], res[i - 1].n,
							     res[i].ns[op], res[i].n));
		printf("\n");
	}
	printf("   %-36s", "memory / reserved regions");
	for (int i = 0; i < nn; i++)
		printf(" %5lu/%-5lu", res[i].mem_cnt, res[i].rsv_cnt);
	printf("\n");
	printf("   %-36s", "build total, ascending (ms)");
	for (int i = 0; i < nn; i++)
		printf(" %10.2f", res[i].ns[MB_BUILD_ASC] * res[i].n / 1e6);
	printf("\n   %-36s", "build total, descending (ms)");
	for (int i = 0; i < nn; i++)
		printf(" %10.2f", res[i].ns[MB_BUILD_DESC] * res[i].n / 1e6);
	printf("\n");
	for (int i = 0; i < nn; i++)
		if (res[i].failures || res[i].violations)
			printf("   WARNING: N=%lu: %lu failed operations, %lu violations\n", res[i].n,
			       res[i].failures, res[i].violations);
	return rc;
}
#endif
