// SPDX-License-Identifier: MIT
/*
 * memblock allocation: placement top-down and bottom-up, alignment,
 * windows and current_limit, the first-page rule, node and MIRROR
 * fallbacks, RSRV_KERN, zeroing, KHO scratch confinement, the free-range
 * iterators and their filters, traces, and a replay of the real kernels'
 * memblock=debug logs in tests/data/logs (every allocation must land where
 * the kernel put it).
 */
#include "check.h"
#include "harness.h"

#define SZ_4K	0x1000ULL
#define SZ_8K	0x2000ULL
#define SZ_64K	0x10000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_4M	0x400000ULL
#define SZ_8M	0x800000ULL
#define SZ_16M	0x1000000ULL
#define SZ_32M	0x2000000ULL
#define SZ_64M	0x4000000ULL
#define SZ_128M	0x8000000ULL
#define SZ_256M	0x10000000ULL
#define SZ_1G	0x40000000ULL

#define RSV(m)	((m)->memblock.mb.reserved)
#define OK(m)	CHECK_EQ(bm_memblock_check(m), 0)

static char lines[64][200];
static int nlines;

static void capture(struct bm_machine *m, int level, const char *line)
{
	(void)m;
	if (level <= BM_LOG_DEBUG && nlines < (int)BM_ARRAY_SIZE(lines))
		snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static phys_addr_t pa(struct bm_machine *m, void *p)
{
	return p ? bm_virt_to_phys(m, p) : 0;
}

static const struct memblock_region *rsv_at(struct bm_machine *m, phys_addr_t addr)
{
	for (unsigned long i = 0; i < RSV(m).cnt; i++)
		if (RSV(m).regions[i].base <= addr &&
		    addr < RSV(m).regions[i].base + RSV(m).regions[i].size)
			return &RSV(m).regions[i];
	return NULL;
}

static void test_top_down_and_bottom_up(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_256M, NULL);
	const struct memblock_region *r;

	bm_memblock_add(m, SZ_1M, SZ_256M - SZ_1M);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_256M - SZ_4K);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_256M - SZ_8K);
	OK(m);
	/* both are RSRV_KERN on no node: one merged region */
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_RSRV_KERN);
	CHECK_EQ(RSV(m).regions[0].nid, BM_NUMA_NO_NODE);
	/* candidate = round_down(end - size, align) */
	CHECK_EQ(pa(m, bm_memblock_alloc(m, 100, BM_SMP_CACHE_BYTES)), SZ_256M - SZ_8K - 128);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_2M), SZ_256M - SZ_2M);
	OK(m);
	/* a plain reserve next to an allocation stays separate */
	bm_memblock_reserve(m, SZ_256M - SZ_2M - SZ_4K, SZ_4K);
	OK(m);
	r = rsv_at(m, SZ_256M - SZ_2M - SZ_4K);
	CHECK(r && r->flags == MEMBLOCK_NONE && r->size == SZ_4K);

	bm_memblock_set_bottom_up(m, true);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_1M);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_64K), SZ_1M + SZ_64K);
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_4K, SZ_4K, SZ_16M, SZ_32M), SZ_16M);
	OK(m);
	tm_destroy(&t);
}

static void test_first_page_and_failure(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_1M, NULL);

	bm_memblock_add(m, 0, SZ_8K);
	bm_memblock_set_bottom_up(m, true);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_4K);
	bm_memblock_set_bottom_up(m, false);
	/* only the first page is left: it is never handed out */
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), 0);
	CHECK(bm_memblock_alloc(m, 16, 16) == NULL);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).total_size, SZ_4K);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	tm_destroy(&t);
}

static void test_windows_and_limit(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_128M, NULL);

	bm_memblock_add(m, SZ_1M, SZ_128M - SZ_1M);
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_4K, SZ_4K, SZ_2M, SZ_4M), SZ_4M - SZ_4K);
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_4K, SZ_4K, SZ_64M, SZ_1G), SZ_128M - SZ_4K);
	/* no room in the window: no fallback for the phys API */
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_4K, SZ_4K, SZ_256M, SZ_1G), 0);

	bm_memblock_set_current_limit(m, SZ_8M);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_8M - SZ_4K);
	CHECK_EQ(pa(m, bm_memblock_alloc(m, SZ_4K, SZ_4K)), SZ_8M - SZ_8K);
	/* ANYWHERE ignores the limit; alloc_try_nid caps max_addr at it */
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE),
		 SZ_128M - SZ_8K);
	CHECK_EQ(pa(m, bm_memblock_alloc_try_nid(m, SZ_4K, SZ_4K, 0, SZ_64M, BM_NUMA_NO_NODE)),
		 SZ_8M - 3 * SZ_4K);
	/* min_addr above everything: memblock_alloc_internal retries from 0 */
	CHECK_EQ(pa(m, bm_memblock_alloc_from(m, SZ_4K, SZ_4K, SZ_16M)), SZ_8M - 4 * SZ_4K);
	bm_memblock_set_current_limit(m, MEMBLOCK_ALLOC_ANYWHERE);
	CHECK_EQ(pa(m, bm_memblock_alloc_from(m, SZ_4K, SZ_4K, SZ_256M)), SZ_128M - 3 * SZ_4K);
	OK(m);
	tm_destroy(&t);
}

static void test_alloc_low(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 8 * SZ_1G, NULL);

	bm_memblock_add(m, SZ_1M, 3 * SZ_1G);
	bm_memblock_add(m, 4 * SZ_1G, 4 * SZ_1G);
	CHECK_EQ(pa(m, bm_memblock_alloc_low(m, SZ_4K, SZ_4K)), 3 * SZ_1G + SZ_1M - SZ_4K);
	CHECK_EQ(pa(m, bm_memblock_alloc(m, SZ_4K, SZ_4K)), 8 * SZ_1G - SZ_4K);
	OK(m);
	tm_destroy(&t);
}

static void test_nid_fallback(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_128M, NULL);

	bm_memblock_add_node(m, SZ_1M, SZ_64M - SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, SZ_64M, SZ_64M, 1, MEMBLOCK_NONE);
	CHECK_EQ(pa(m, bm_memblock_alloc_node(m, SZ_4K, SZ_4K, 0)), SZ_64M - SZ_4K);
	CHECK_EQ(rsv_at(m, SZ_64M - SZ_4K)->nid, 0);
	CHECK_EQ(bm_memblock_phys_alloc_try_nid(m, SZ_4K, SZ_4K, 1), SZ_128M - SZ_4K);
	CHECK_EQ(rsv_at(m, SZ_128M - SZ_4K)->nid, 1);
	/* node 1 full: try_nid falls back to any node, reserved on no node */
	bm_memblock_reserve(m, SZ_64M, SZ_64M - SZ_4K);
	CHECK_EQ(pa(m, bm_memblock_alloc_node(m, SZ_4K, SZ_4K, 1)), SZ_64M - SZ_8K);
	CHECK_EQ(rsv_at(m, SZ_64M - SZ_8K)->nid, BM_NUMA_NO_NODE);
	/* ... exact_nid does not */
	CHECK(bm_memblock_alloc_exact_nid_raw(m, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1)
	      == NULL);
	CHECK_EQ(pa(m, bm_memblock_alloc_exact_nid_raw(m, SZ_4K, SZ_4K, 0,
						       MEMBLOCK_ALLOC_ACCESSIBLE, 0)),
		 SZ_64M - 3 * SZ_4K);
	/* MAX_NUMNODES is no node: any memory, the reservation records it */
	CHECK_EQ(bm_memblock_phys_alloc_try_nid(m, SZ_4K, SZ_4K, BM_MAX_NUMNODES),
		 SZ_64M - 4 * SZ_4K);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	tm_destroy(&t);
}

static void test_mirror_fallback(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M, NULL);

	m->log_hook = capture;
	nlines = 0;
	bm_memblock_add(m, SZ_1M, SZ_64M - SZ_1M);
	m->memblock.mirrored_kernelcore = true;
	bm_memblock_mark_mirror(m, SZ_4M, SZ_4M);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_8M - SZ_4K);
	CHECK_EQ(nlines, 0);
	/* too big for the mirror: the kernel warns and drops MIRROR */
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_8M, SZ_4K), SZ_64M - SZ_8M);
	CHECK_EQ(nlines, 1);
	CHECK_STR(lines[0], "Could not allocate 0x0000000000800000 bytes of mirrored memory");
	OK(m);
	tm_destroy(&t);
}

static void test_zeroing(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_16M, NULL);
	unsigned char *p, *q, *top = bm_phys_to_virt(m, SZ_16M - SZ_8K);
	int zero = 1, kept = 1;

	bm_memblock_add(m, SZ_1M, SZ_16M - SZ_1M);
	memset(top, 0xbb, SZ_4K);
	memset(top + SZ_4K, 0xaa, SZ_4K);
	p = bm_memblock_alloc(m, SZ_4K, SZ_4K);
	q = bm_memblock_alloc_raw(m, SZ_4K, SZ_4K);
	CHECK(p == top + SZ_4K);
	CHECK(q == top);
	for (unsigned i = 0; p && q && i < SZ_4K; i++) {
		zero &= p[i] == 0;
		kept &= q[i] == 0xbb;
	}
	CHECK(zero);
	CHECK(kept);
	/* memblock_free takes the pointer back */
	bm_memblock_free(m, p, SZ_4K);
	bm_memblock_free(m, NULL, SZ_4K);
	OK(m);
	CHECK_EQ(RSV(m).total_size, SZ_4K);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	tm_destroy(&t);
}

static void test_kho_scratch(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.kho = true;
	m = tm_init(&t, SZ_64M, &cfg);
	bm_memblock_add(m, SZ_1M, SZ_64M - SZ_1M);
	bm_memblock_mark_kho_scratch(m, SZ_16M, SZ_16M);
	CHECK_EQ(bm_memblock_choose_flags(m), MEMBLOCK_KHO_SCRATCH);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_32M - SZ_4K);
	bm_set_phase(m, BM_PHASE_FREE_AREA_INIT);
	CHECK_EQ(pa(m, bm_memblock_alloc(m, SZ_4K, SZ_4K)), SZ_32M - SZ_8K);
	/* scratch cannot hold it: no fallback to other memory */
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_16M, SZ_4K), 0);
	/* memblock_free_all clears scratch-only */
	bm_set_phase(m, BM_PHASE_MM_CORE_INIT);
	CHECK_EQ(bm_memblock_choose_flags(m), MEMBLOCK_NONE);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_64M - SZ_4K);
	OK(m);
	tm_destroy(&t);
}

static void test_align_zero_and_late(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_16M, NULL);

	bm_memblock_add(m, SZ_1M, SZ_16M - SZ_1M);
	CHECK_EQ(bm_memblock_phys_alloc(m, 100, 0), SZ_16M - 128);
	CHECK_EQ(tm_violations(m, BM_V_WARN), 1);
	bm_set_phase(m, BM_PHASE_RUNNING);
	CHECK(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K) != 0);
	CHECK_EQ(tm_violations(m, BM_V_WARN), 2);
	OK(m);
	tm_destroy(&t);
}

static void test_iterators(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	phys_addr_t s, e, got[8][2];
	uint64_t i;
	int nid, n, pidx;
	unsigned long sp, ep;

	bm_config_default(&cfg);
	cfg.movable_node = true;
	m = tm_init(&t, 0, &cfg);
	bm_memblock_add_node(m, SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);		/* [1M,2M) */
	bm_memblock_add_node(m, SZ_4M, SZ_4M, 0, MEMBLOCK_NONE);		/* [4M,8M) */
	bm_memblock_add_node(m, SZ_16M, SZ_1M, 1, MEMBLOCK_NONE);		/* [16M,17M) */
	bm_memblock_add_node(m, SZ_32M, SZ_1M, 1, MEMBLOCK_HOTPLUG);
	bm_memblock_add_node(m, SZ_64M, SZ_1M, 1, MEMBLOCK_NOMAP);
	bm_memblock_add_node(m, SZ_128M, SZ_1M, 1, MEMBLOCK_DRIVER_MANAGED);
	bm_memblock_add_node(m, SZ_256M, 0x800, 1, MEMBLOCK_NONE);		/* < a page */
	bm_memblock_reserve(m, SZ_1M, SZ_4K);
	bm_memblock_reserve(m, SZ_4M + SZ_1M, SZ_1M);
	OK(m);

	n = 0;
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid) {
		if (n < 8) {
			got[n][0] = s;
			got[n][1] = e;
		}
		n++;
	}
	/* HOTPLUG (movable_node), NOMAP and DRIVER_MANAGED are skipped */
	CHECK_EQ(n, 5);
	CHECK_EQ(got[0][0], SZ_1M + SZ_4K);
	CHECK_EQ(got[1][0], SZ_4M);
	CHECK_EQ(got[1][1], SZ_4M + SZ_1M);
	CHECK_EQ(got[2][0], SZ_4M + SZ_2M);
	CHECK_EQ(got[3][0], SZ_16M);
	CHECK_EQ(got[4][0], SZ_256M);

	/* reverse: the same ranges, highest first; the cursor packs idx_b high */
	n = 0;
	bm_for_each_free_mem_range_reverse(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) {
		if (n == 0)
			CHECK_EQ(s, SZ_256M);
		if (n == 2) {
			CHECK_EQ(s, SZ_4M + SZ_2M);
			CHECK_EQ(i >> 32, 1);	/* region [4M,8M) starts below the gap */
			CHECK_EQ(i & 0xffffffff, 1);
		}
		n++;
	}
	CHECK_EQ(n, 5);

	n = 0;
	bm_for_each_free_mem_range(m, i, 1, MEMBLOCK_NONE, &s, &e, &nid) {
		CHECK_EQ(nid, 1);
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	bm_for_each_free_mem_range(m, i, 1, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP |
				   MEMBLOCK_DRIVER_MANAGED, &s, &e, NULL)
		n++;
	CHECK_EQ(n, 5);
	/* all memory, no exclusion */
	n = 0;
	bm_for_each_mem_range(m, i, &s, &e)
		n++;
	CHECK_EQ(n, 6);	/* all but NOMAP, as for_each_mem_range's flags ask */

	/* asking for MIRROR or KHO_SCRATCH keeps only such memory */
	m->memblock.mirrored_kernelcore = true;
	bm_memblock_mark_mirror(m, SZ_16M, SZ_4K);
	bm_memblock_mark_kho_scratch(m, SZ_4M, SZ_8K);
	n = 0;
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_MIRROR, &s, &e, NULL) {
		CHECK_EQ(s, SZ_16M);
		CHECK_EQ(e, SZ_16M + SZ_4K);
		n++;
	}
	CHECK_EQ(n, 1);
	n = 0;
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_KHO_SCRATCH, &s, &e, NULL)
		n++;
	CHECK_EQ(n, 1);

	/* pfn ranges: whole pages only, node filter, MAX_NUMNODES for all */
	n = 0;
	bm_for_each_mem_pfn_range(m, pidx, BM_MAX_NUMNODES, &sp, &ep, &nid)
		n++;
	CHECK_EQ(n, 8);	/* all regions but the one smaller than a page */
	n = 0;
	bm_for_each_mem_pfn_range(m, pidx, 0, &sp, &ep, &nid) {
		if (n == 0) {
			CHECK_EQ(sp, BM_PFN_DOWN(SZ_1M));
			CHECK_EQ(ep, BM_PFN_DOWN(SZ_2M));
		}
		n++;
	}
	CHECK_EQ(n, 3);	/* [4M,8M) was split by the scratch mark */

	/* reserved regions are never filtered */
	n = 0;
	bm_for_each_mem_range_in(m, i, &RSV(m), NULL, 1, MEMBLOCK_MIRROR, &s, &e, NULL)
		n++;
	CHECK_EQ(n, 2);
	OK(m);
	tm_destroy(&t);
}

static void test_traces(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.memblock_debug = true;
	m = tm_init(&t, SZ_1G, &cfg);
	m->log_hook = capture;
	/* bios-1G-trace.log, right after its MEMBLOCK configuration dump */
	bm_memblock_reserve(m, 0, 0x10000);
	bm_memblock_reserve(m, 0x9f000, 0x61000);
	bm_memblock_reserve(m, 0x26c00000, 0x2811000);
	bm_memblock_reserve(m, 0x3fed4000, 0xfc000);
	bm_memblock_add(m, 0x1000, 0x9e000);
	bm_memblock_add(m, 0x100000, 0x3fedf000);
	nlines = 0;
	m->caller = "reserve_real_mode+0x50/0x89";
	CHECK_EQ(bm_memblock_phys_alloc_range(m, 28672, 0x1000, 0, 0x100000), 0x98000);
	CHECK_STR(lines[0], "memblock_phys_alloc_range: 28672 bytes align=0x1000 "
		  "from=0x0000000000000000 max_addr=0x0000000000100000 reserve_real_mode+0x50/0x89");
	CHECK_STR(lines[1], "memblock_reserve: [0x0000000000098000-0x000000000009efff] "
		  "memblock_alloc_range_nid");
	CHECK_STR(m->caller, "reserve_real_mode+0x50/0x89");
	m->caller = "setup_arch+0x7d6/0xd40";
	bm_memblock_reserve(m, 0, 0x100000);
	m->caller = "init_mem_mapping+0x1ee/0x30e";
	CHECK_EQ(bm_memblock_phys_alloc_range(m, SZ_2M, SZ_2M, 0x100000, 0x3ffdf000), 0x3fc00000);
	m->caller = "sparse_init+0x9f/0x200";
	nlines = 0;
	CHECK(bm_memblock_alloc(m, 16384, 0x40) != NULL);
	CHECK_STR(lines[0], "memblock_alloc_try_nid: 16384 bytes align=0x40 nid=-1 "
		  "from=0x0000000000000000 max_addr=0x0000000000000000 sparse_init+0x9f/0x200");
	CHECK(strncmp(lines[1], "memblock_reserve: [0x", 21) == 0);
	bm_memblock_alloc_try_nid_raw(m, 4096, 4096, SZ_16M, 0, 0);
	bm_memblock_alloc_exact_nid_raw(m, SZ_16M, SZ_2M, SZ_16M, 0, 0);
	CHECK(strncmp(lines[2], "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 "
		      "from=0x0000000001000000 max_addr=0x0000000000000000 ", 105) == 0);
	CHECK(strncmp(lines[4], "memblock_alloc_exact_nid_raw: 16777216 bytes align=0x200000 "
		      "nid=0 from=", 71) == 0);
	OK(m);
	tm_destroy(&t);
}


/*
 * Replay of a real memblock=debug log: start from its first MEMBLOCK
 * configuration dump, apply every traced add/reserve/free, run every traced
 * allocation and require the kernel's own reserve line to name the same
 * range. Later dumps give the NUMA nodes (set_node is not traced) and are
 * compared with bootmm's state as address sets (6.1 kernels did not flag
 * allocations RSRV_KERN, so their reserved regions merge further).
 */
struct replay {
	struct test_machine t;
	struct bm_machine *m;
	phys_addr_t mem[64][3], rsv[512][3];
	int nmem, nrsv, dumps, allocs, matched;
	bool in_dump, pending;
	phys_addr_t want_base, want_size, dump_mem_size, dump_rsv_size;
};

/* Message text of a serial log line: no CR, no escapes, no timestamp. */
static const char *message(char *line)
{
	char *r = line, *w = line, *p;

	for (; *r; r++) {
		if (*r == '\x1b') {
			while (*r && !((*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z')))
				r++;
			if (!*r)
				break;
			continue;
		}
		if (*r != '\r' && *r != '\n')
			*w++ = *r;
	}
	*w = '\0';
	p = strstr(line, "] ");
	return line[0] == '[' && p ? p + 2 : NULL;
}

static phys_addr_t coalesce(phys_addr_t (*r)[3], int n, phys_addr_t (*out)[2])
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (k && out[k - 1][1] == r[i][0])
			out[k - 1][1] = r[i][0] + r[i][1];
		else {
			out[k][0] = r[i][0];
			out[k][1] = r[i][0] + r[i][1];
			k++;
		}
	}
	return (phys_addr_t)k;
}

static void replay_end_dump(struct replay *rp)
{
	static phys_addr_t a[512][2], b[512][2], cur[512][3];
	struct bm_machine *m = rp->m;
	phys_addr_t na, nb;
	int i;

	rp->in_dump = false;
	if (rp->dumps++ == 0) {
		phys_addr_t end = rp->mem[rp->nmem - 1][0] + rp->mem[rp->nmem - 1][1];

		rp->m = m = tm_init(&rp->t, end, NULL);
		for (i = 0; i < rp->nmem; i++)
			bm_memblock_add_node(m, rp->mem[i][0], rp->mem[i][1], (int)rp->mem[i][2],
					     MEMBLOCK_NONE);
		for (i = 0; i < rp->nrsv; i++)
			bm_memblock_reserve(m, rp->rsv[i][0], rp->rsv[i][1]);
		bm_memblock_allow_resize(m);
		/* the dump's memory size keeps what trim cut (bios-1G: 0xc00) */
		m->memblock.memory_size_stale = rp->dump_mem_size - bm_memblock_phys_mem_size(m);
		m->memblock.mb.memory.total_size = rp->dump_mem_size;
	} else {
		for (i = 0; i < rp->nmem; i++)
			if ((int)rp->mem[i][2] != BM_MAX_NUMNODES)
				bm_memblock_set_node(m, rp->mem[i][0], rp->mem[i][1], false,
						     (int)rp->mem[i][2]);
		for (i = 0; i < rp->nrsv; i++)
			if ((int)rp->rsv[i][2] != BM_MAX_NUMNODES)
				bm_memblock_set_node(m, rp->rsv[i][0], rp->rsv[i][1], true,
						     (int)rp->rsv[i][2]);
	}
	OK(m);
	CHECK_EQ(bm_memblock_phys_mem_size(m), rp->dump_mem_size);
	CHECK_EQ(bm_memblock_reserved_size(m), rp->dump_rsv_size);
	for (i = 0; i < (int)RSV(m).cnt && i < 512; i++) {
		cur[i][0] = RSV(m).regions[i].base;
		cur[i][1] = RSV(m).regions[i].size;
	}
	na = coalesce(rp->rsv, rp->nrsv, a);
	nb = coalesce(cur, i, b);
	CHECK_EQ(na, nb);
	CHECK(na == nb && !memcmp(a, b, sizeof(a[0]) * na));
	CHECK_EQ(m->memblock.mb.memory.cnt, (unsigned long)rp->nmem);
	rp->nmem = rp->nrsv = 0;
}

static void replay_line(struct replay *rp, const char *msg)
{
	unsigned long long a, b, c, d;
	int nid, k;
	struct bm_machine *m = rp->m;

	if (rp->in_dump) {
		if (sscanf(msg, " memory size = %llx reserved size = %llx", &a, &b) == 2) {
			rp->dump_mem_size = a;
			rp->dump_rsv_size = b;
			return;
		}
		if (strncmp(msg, " memory[", 8) == 0 || strncmp(msg, " reserved[", 10) == 0) {
			bool is_mem = msg[1] == 'm';
			phys_addr_t (*r)[3] = is_mem ? &rp->mem[rp->nmem] : &rp->rsv[rp->nrsv];
			const char *on = strstr(msg, " on node ");

			sscanf(strchr(msg, '\t'), "\t[%llx-%llx], %llx", &a, &b, &c);
			(*r)[0] = a;
			(*r)[1] = c;
			(*r)[2] = on ? (phys_addr_t)atoi(on + 9) : BM_MAX_NUMNODES;
			if (is_mem)
				rp->nmem++;
			else
				rp->nrsv++;
			return;
		}
		if (strstr(msg, ".cnt  = "))
			return;
		replay_end_dump(rp);
		m = rp->m;
	}
	if (strcmp(msg, "MEMBLOCK configuration:") == 0) {
		rp->in_dump = true;
		return;
	}
	if (!rp->dumps)
		return;
	if (rp->pending) {
		rp->pending = false;
		k = sscanf(msg, "memblock_reserve: [%llx-%llx]", &a, &b);
		CHECK_EQ(k, 2);
		if (k == 2 && a == rp->want_base && b - a + 1 == rp->want_size)
			rp->matched++;
		else
			fprintf(stderr, "replay: kernel put it at %#llx, bootmm at %#llx (%s)\n",
				a, (unsigned long long)rp->want_base, msg);
		return;
	}
	if (sscanf(msg, "memblock_reserve: [%llx-%llx]", &a, &b) == 2) {
		bm_memblock_reserve(m, a, b - a + 1);
	} else if (sscanf(msg, "memblock_phys_free: [%llx-%llx]", &a, &b) == 2) {
		bm_memblock_phys_free(m, a, b - a + 1);
	} else if (sscanf(msg, "memblock_add: [%llx-%llx]", &a, &b) == 2) {
		bm_memblock_add(m, a, b - a + 1);
	} else if (sscanf(msg, "memblock_phys_alloc_range: %llu bytes align=%llx from=%llx "
			  "max_addr=%llx", &a, &b, &c, &d) == 4) {
		rp->want_base = bm_memblock_phys_alloc_range(m, a, b, c, d);
		rp->want_size = a;
		rp->pending = true;
		rp->allocs++;
	} else if (sscanf(msg, "memblock_alloc_%*[a-z_]: %llu bytes align=%llx nid=%d from=%llx "
			  "max_addr=%llx", &a, &b, &nid, &c, &d) == 5) {
		void *p = strncmp(msg, "memblock_alloc_exact_nid_raw", 28) == 0 ?
			bm_memblock_alloc_exact_nid_raw(m, a, b, c, d, nid) :
			  strncmp(msg, "memblock_alloc_try_nid_raw", 26) == 0 ?
			bm_memblock_alloc_try_nid_raw(m, a, b, c, d, nid) :
			bm_memblock_alloc_try_nid(m, a, b, c, d, nid);

		rp->want_base = p ? bm_virt_to_phys(m, p) : 0;
		rp->want_size = a;
		rp->pending = true;
		rp->allocs++;
	}
	OK(m);
}

static void replay_file(const char *name, int min_allocs)
{
	static struct replay rp;
	char path[512], line[1024];
	const char *msg;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", BOOTMM_DATA_DIR, name);
	f = fopen(path, "r");
	CHECK(f != NULL);	/* the repository carries every log it names */
	if (!f)
		return;
	memset(&rp, 0, sizeof(rp));
	while (fgets(line, sizeof(line), f))
		if ((msg = message(line)))
			replay_line(&rp, msg);
	fclose(f);
	CHECK(rp.dumps >= 2);
	CHECK(rp.allocs >= min_allocs);
	CHECK_EQ(rp.matched, rp.allocs);
	printf("     %s: %d dumps, %d/%d allocations where the kernel put them\n", name,
	       rp.dumps, rp.matched, rp.allocs);
	if (rp.m) {
		CHECK_EQ(tm_violations(rp.m, BM_V_INVARIANT), 0);
		tm_destroy(&rp.t);
	}
}

static void test_replay_bios_1g(void)
{
	replay_file("bios-1G-trace.log", 10);
}

static void test_replay_efi_512m(void)
{
	replay_file("efi-512M-trace.log", 10);
}

static void test_replay_efi_numa2_4g(void)
{
	replay_file("efi-numa2-4G-trace.log", 10);
}

int test_replay_main(void)
{
	RUN(test_replay_bios_1g);
	RUN(test_replay_efi_512m);
	RUN(test_replay_efi_numa2_4g);
	return 0;
}

int main(void)
{
	RUN(test_top_down_and_bottom_up);
	RUN(test_first_page_and_failure);
	RUN(test_windows_and_limit);
	RUN(test_alloc_low);
	RUN(test_nid_fallback);
	RUN(test_mirror_fallback);
	RUN(test_zeroing);
	RUN(test_kho_scratch);
	RUN(test_align_zero_and_late);
	RUN(test_iterators);
	RUN(test_traces);
	test_replay_main();
	return CHECK_DONE();
}
