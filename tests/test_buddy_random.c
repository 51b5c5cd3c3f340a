// SPDX-License-Identifier: MIT
/*
 * The buddy allocator under random load, with fixed seeds:
 *  - any set of freed pages ends as the canonical maximal decomposition
 *    (computed here independently of buddy.c);
 *  - random allocate/free sequences keep every page accounted for, checked
 *    after every step by a walker written here, not the one in buddy.c;
 *  - concurrent allocate/free from host threads leaves a consistent state.
 */
#include "check.h"
#include "harness.h"
#include "core/internal.h"

#define MiB ((phys_addr_t)1 << 20)
#define MACHINE (64 * MiB)
#define NR_PFNS ((bm_pfn_t)(MACHINE >> BM_PAGE_SHIFT))
#define PB_PAGES 512

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned long rnd_below(unsigned long n)
{
	return n ? (unsigned long)(rnd() % n) : 0;
}

static struct test_machine *new_tm(void)
{
	struct test_machine *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	return t;
}

static void free_tm(struct test_machine *t)
{
	tm_destroy(t);
	free(t);
}

static unsigned long violations(struct bm_machine *m)
{
	unsigned long n = 0;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		n += m->violation_count[k];
	return n;
}

/* --- the independent walker --------------------------------------------- */

struct state {
	uint8_t free[NR_PFNS];		/* 1: inside a free block (from the lists) */
	uint8_t alloc[NR_PFNS];		/* 1: inside a block the test allocated */
	uint8_t alloc_order[NR_PFNS];	/* order, at the allocated head */
	uint8_t alloc_head[NR_PFNS];
	uint8_t is_cma[NR_PFNS / PB_PAGES];	/* pageblocks typed CMA at boot */
	uint8_t hole[NR_PFNS];		/* not memblock.memory (cached at boot) */
	bm_pfn_t blk_pfn[NR_PFNS];	/* free blocks found: (pfn, order) */
	uint8_t blk_order[NR_PFNS];
	unsigned long nr_blk;
};

static int fails;

#define EXPECT(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			if (fails++ < 10) {					\
				fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
				fprintf(stderr, __VA_ARGS__);			\
				fputc('\n', stderr);				\
			}							\
			check_failed_in_test++;					\
		}								\
	} while (0)

/* Walk one zone's lists by hand, following the encoding in internal.h. */
static unsigned long walk_zone(struct bm_machine *m, struct bm_zone *z, struct state *s)
{
	unsigned long pages = 0;
	bm_pfn_t zs = z->zone_start_pfn, ze = zs + z->spanned_pages;

	for (unsigned int o = 0; o <= m->cfg.max_page_order; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			uint32_t first = z->free_area[o].head[mt], cur = first, prev = BM_LIST_END;
			unsigned long n = 0;

			while (cur != BM_LIST_END) {
				struct page *p;

				EXPECT(cur >= zs && cur + (1ul << o) <= ze && !(cur & ((1ul << o) - 1)),
				       "block %#x order %u outside zone or misaligned", cur, o);
				if (!(cur >= zs && cur + (1ul << o) <= ze) || ++n > 100000)
					return pages;
				p = bm_pfn_to_page(m, cur);
				EXPECT(p->flags & PG_buddy, "list entry %#x is not PageBuddy", cur);
				EXPECT(p->order == o, "entry %#x order %u on list %u", cur, p->order, o);
				EXPECT(bm_buddy_list_mt(p) == mt, "entry %#x list record", cur);
				EXPECT(p->refcount == 0, "free head %#x refcount %d", cur, p->refcount);
				EXPECT(prev == BM_LIST_END || p->lru_prev == prev, "lru_prev of %#x", cur);
				for (bm_pfn_t q = cur; q < cur + (1ul << o); q += PB_PAGES)
					EXPECT(bm_get_pageblock_migratetype(m, q) == mt,
					       "block %#x on %s list in a %s pageblock", cur,
					       bm_migratetype_name(mt),
					       bm_migratetype_name(bm_get_pageblock_migratetype(m, q)));
				for (unsigned long i = 0; i < (1ul << o); i++) {
					EXPECT(!s->free[cur + i], "pfn %#lx in two free blocks",
					       (unsigned long)(cur + i));
					s->free[cur + i] = 1;
					if (i)
						EXPECT((p[i].flags & (PG_buddy | PG_bm_tail_free)) ==
						       PG_bm_tail_free, "tail %#lx flags %#x",
						       (unsigned long)(cur + i), p[i].flags);
				}
				s->blk_pfn[s->nr_blk] = cur;
				s->blk_order[s->nr_blk++] = (uint8_t)o;
				pages += 1ul << o;
				prev = cur;
				cur = p->lru_next;
			}
			EXPECT(n == z->free_area[o].nr_free[mt], "order %u %s: %lu blocks, nr_free %lu",
			       o, bm_migratetype_name(mt), n, z->free_area[o].nr_free[mt]);
			if (first != BM_LIST_END)
				EXPECT(bm_pfn_to_page(m, first)->lru_prev == prev,
				       "first lru_prev is not the last");
		}
	}
	return pages;
}

/*
 * Everything: per zone, free + allocated + reserved + holes == spanned,
 * nr_free_pages == the lists, managed == free + allocated, no page in two
 * states, no stray free marks, CMA pageblocks still CMA.
 */
static void check_all(struct bm_machine *m, struct state *s)
{
	unsigned long total_managed = 0;
	int nid;

	memset(s->free, 0, sizeof(s->free));
	s->nr_blk = 0;
	bm_for_each_online_node(m, nid) {
		for (int t = 0; t < BM_NR_ZONES; t++) {
			struct bm_zone *z = &m->mm.nodes[nid].zones[t];
			unsigned long nfree, nalloc = 0, nres = 0, nhole = 0, nfree_seen = 0;

			if (!z->spanned_pages)
				continue;
			nfree = walk_zone(m, z, s);
			EXPECT(nfree == z->nr_free_pages, "zone %s: lists %lu, nr_free_pages %lu",
			       bm_zone_name(z->type), nfree, z->nr_free_pages);
			for (bm_pfn_t p = z->zone_start_pfn; p < z->zone_start_pfn + z->spanned_pages; p++) {
				struct page *pg = bm_pfn_to_page(m, p);
				bool hole = s->hole[p];

				if (s->free[p]) {
					nfree_seen++;
					EXPECT(!s->alloc[p] && !hole && !(pg->flags & PG_reserved),
					       "free pfn %#lx also allocated/hole/reserved", (unsigned long)p);
					continue;
				}
				EXPECT(!(pg->flags & (PG_buddy | PG_bm_tail_free)),
				       "pfn %#lx has free marks but is on no list", (unsigned long)p);
				if (hole) {
					nhole++;
					EXPECT(pg->flags & PG_reserved, "hole %#lx not Reserved", (unsigned long)p);
				} else if (s->alloc[p]) {
					nalloc++;
					EXPECT(!(pg->flags & PG_reserved), "allocated %#lx Reserved", (unsigned long)p);
					if (s->alloc_head[p])
						EXPECT(pg->refcount == 1, "allocated head %#lx refcount %d",
						       (unsigned long)p, pg->refcount);
				} else {
					nres++;
					EXPECT(pg->flags & PG_reserved, "pfn %#lx in no state (flags %#x)",
					       (unsigned long)p, pg->flags);
				}
			}
			EXPECT(nfree_seen == nfree, "free pages seen %lu, walked %lu", nfree_seen, nfree);
			EXPECT(nfree + nalloc + nres + nhole == z->spanned_pages,
			       "zone %s: %lu + %lu + %lu + %lu != %lu", bm_zone_name(z->type),
			       nfree, nalloc, nres, nhole, z->spanned_pages);
			EXPECT(z->managed_pages == nfree + nalloc, "zone %s managed %lu != %lu + %lu",
			       bm_zone_name(z->type), z->managed_pages, nfree, nalloc);
			total_managed += z->managed_pages;
		}
	}
	EXPECT(total_managed == m->mm.totalram_pages, "managed %lu totalram %lu", total_managed,
	       m->mm.totalram_pages);
	for (unsigned long b = 0; b < NR_PFNS / PB_PAGES; b++)
		EXPECT(!s->is_cma[b] || bm_get_pageblock_migratetype(m, b * PB_PAGES) == MIGRATE_CMA,
		       "CMA pageblock %#lx retyped", b * PB_PAGES);
}

/* --- machines --------------------------------------------------------------- */

/*
 * 64 MiB, DMA ending at 0x1100 (inside an order-10 block, so zone barriers
 * are exercised). Pageblocks whose bit is set in @cma_mask (one bit per
 * 8 pageblocks, cycled) become CMA before the hand-off. With @reserve_all,
 * nothing is free after it; the free ranges are returned in @lo/@hi (the
 * largest one).
 */
static struct bm_machine *boot(struct test_machine *t, struct state *s, uint64_t cma_seed,
			       bool reserve_all, bm_pfn_t *lo, bm_pfn_t *hi)
{
	struct bm_config cfg;
	struct bm_machine *m;
	phys_addr_t start, end, rs[64], re[64];
	unsigned int n = 0;
	uint64_t i;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	cfg.zone_dma_end_pfn = 0x1100;
	m = tm_init(t, MACHINE, &cfg);
	bm_memblock_add(m, 0, MACHINE);
	CHECK_EQ(bm_free_area_init(m), 0);
	memset(s->is_cma, 0, sizeof(s->is_cma));
	for (unsigned long b = 0; cma_seed && b < NR_PFNS / PB_PAGES; b++) {
		if ((cma_seed >> (b % 61)) & 1 && (b * PB_PAGES) >= 0x1200) {
			bm_set_pageblock_migratetype(m, b * PB_PAGES, MIGRATE_CMA);
			s->is_cma[b] = 1;
		}
	}
	*lo = *hi = 0;
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		if (n < 64) {
			rs[n] = start;
			re[n++] = end;
		}
		if (BM_PFN_DOWN(end) - BM_PFN_UP(start) > *hi - *lo) {
			*lo = BM_PFN_UP(start);
			*hi = BM_PFN_DOWN(end);
		}
	}
	if (reserve_all)
		for (unsigned int k = 0; k < n; k++)
			bm_memblock_reserve(m, rs[k], re[k] - rs[k]);
	bm_memblock_free_all(m);
	memset(s->alloc, 0, sizeof(s->alloc));
	memset(s->alloc_head, 0, sizeof(s->alloc_head));
	for (bm_pfn_t p = 0; p < NR_PFNS; p++)
		s->hole[p] = !bm_memblock_is_memory(m, BM_PFN_PHYS(p));
	return m;
}

/* --- canonical decomposition ------------------------------------------------ */

static bool same_zone(struct bm_machine *m, bm_pfn_t a, bm_pfn_t b)
{
	return bm_pfn_zone(m, a) == bm_pfn_zone(m, b);
}

/* Could [pfn, pfn + 2^o) be one free block? Entirely freed, one zone, and
 * above a pageblock all of one type (MOVABLE and CMA never merge). */
static bool canonical_ok(struct bm_machine *m, const uint8_t *want, bm_pfn_t pfn, unsigned int o)
{
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << o);

	if (end > NR_PFNS || !same_zone(m, pfn, end - 1))
		return false;
	for (bm_pfn_t p = pfn; p < end; p++)
		if (!want[p])
			return false;
	for (bm_pfn_t p = pfn; p < end; p += PB_PAGES)
		if (bm_get_pageblock_migratetype(m, p) != bm_get_pageblock_migratetype(m, pfn))
			return false;
	return true;
}

static void check_canonical(struct bm_machine *m, struct state *s, const uint8_t *want)
{
	unsigned long k = 0;

	/* Blocks found by the walker, sorted by pfn, against the greedy cut. */
	for (unsigned long i = 1; i < s->nr_blk; i++) {
		bm_pfn_t p = s->blk_pfn[i];
		uint8_t o = s->blk_order[i];
		unsigned long j = i;

		for (; j > 0 && s->blk_pfn[j - 1] > p; j--) {
			s->blk_pfn[j] = s->blk_pfn[j - 1];
			s->blk_order[j] = s->blk_order[j - 1];
		}
		s->blk_pfn[j] = p;
		s->blk_order[j] = o;
	}
	for (bm_pfn_t pfn = 0; pfn < NR_PFNS;) {
		unsigned int o = m->cfg.max_page_order + 1;

		if (!want[pfn]) {
			pfn++;
			continue;
		}
		while (o-- > 0)
			if (!(pfn & (((bm_pfn_t)1 << o) - 1)) && canonical_ok(m, want, pfn, o))
				break;
		EXPECT(k < s->nr_blk && s->blk_pfn[k] == pfn && s->blk_order[k] == o,
		       "canonical block %#lx order %u, buddy has %#lx order %u", (unsigned long)pfn,
		       o, k < s->nr_blk ? (unsigned long)s->blk_pfn[k] : 0ul,
		       k < s->nr_blk ? s->blk_order[k] : 0u);
		k++;
		pfn += (bm_pfn_t)1 << o;
	}
	EXPECT(k == s->nr_blk, "%lu canonical blocks, %lu free blocks", k, s->nr_blk);
}

static void test_canonical_decomposition(void)
{
	static struct state s;
	static uint8_t want[NR_PFNS];
	static bm_pfn_t order_of_free[NR_PFNS];

	fails = 0;

	for (uint64_t seed = 1; seed <= 24; seed++) {
		struct test_machine *t = new_tm();
		struct bm_machine *m;
		bm_pfn_t lo, hi, n = 0;

		rng_state = seed * 0x9e3779b97f4a7c15ull;
		m = boot(t, &s, seed % 3 ? rnd() : 0, true, &lo, &hi);
		CHECK(hi - lo > 4096);
		memset(want, 0, sizeof(want));
		/* Random ranges, some page-sized, some huge. */
		for (unsigned int r = 0, nr = 1 + (unsigned)rnd_below(40); r < nr; r++) {
			bm_pfn_t len = rnd_below(4) ? 1 + rnd_below(64) : 1 + rnd_below(3000);
			bm_pfn_t a = lo + rnd_below(hi - lo);

			for (bm_pfn_t p = a; p < a + len && p < hi; p++)
				want[p] = 1;
		}
		for (bm_pfn_t p = 0; p < NR_PFNS; p++)
			if (want[p])
				order_of_free[n++] = p;
		/* Free in a random order: pages one by one, or (when the whole
		 * aligned block is wanted and untouched) a block at once. */
		for (bm_pfn_t i = n; i > 1; i--) {
			bm_pfn_t j = rnd_below(i), tmp = order_of_free[i - 1];

			order_of_free[i - 1] = order_of_free[j];
			order_of_free[j] = tmp;
		}
		for (bm_pfn_t i = 0; i < n; i++) {
			bm_pfn_t p = order_of_free[i];
			unsigned int o = (unsigned int)rnd_below(11);
			bm_pfn_t b = p & ~(((bm_pfn_t)1 << o) - 1);
			bool whole = o && same_zone(m, b, b + ((bm_pfn_t)1 << o) - 1);

			if (bm_pfn_to_page(m, p)->flags & (PG_buddy | PG_bm_tail_free))
				continue;	/* freed as part of a block */
			for (bm_pfn_t q = b; whole && q < b + ((bm_pfn_t)1 << o); q++)
				whole = q < NR_PFNS && want[q] &&
					(bm_pfn_to_page(m, q)->flags & PG_reserved);
			if (whole) {
				m->mm.totalram_pages += (bm_pfn_t)1 << o;	/* memblock's share */
				bm_free_pages_core(m, b, o);
			} else {
				bm_free_reserved_page(m, p);
			}
		}
		check_all(m, &s);
		check_canonical(m, &s, want);
		if (getenv("BOOTMM_TEST_VERBOSE"))
			printf("seed %llu: %lu pages freed as %lu blocks\n", (unsigned long long)seed,
			       (unsigned long)n, s.nr_blk);
		CHECK_EQ(violations(m), 0);
		free_tm(t);
	}
}

/* --- random allocate/free ---------------------------------------------------- */

static unsigned long nr_alloc_failed;

static void do_alloc(struct bm_machine *m, struct state *s, bm_pfn_t *live, unsigned long *nr_live)
{
	unsigned int order = rnd_below(4) ? (unsigned int)rnd_below(4) : (unsigned int)rnd_below(11);
	int mt = (int)rnd_below(MIGRATE_PCPTYPES);
	enum bm_zone_type zt = rnd_below(8) ? BM_ZONE_NORMAL : BM_ZONE_DMA;
	bm_pfn_t pfn = bm_alloc_pages(m, 0, order, zt, mt);

	if (pfn == BM_NO_PFN) {
		nr_alloc_failed++;
		return;
	}
	EXPECT(!(pfn & ((1ul << order) - 1)), "allocated %#lx order %u misaligned",
	       (unsigned long)pfn, order);
	EXPECT(zt != BM_ZONE_DMA || pfn + (1ul << order) <= 0x1100, "DMA request got %#lx",
	       (unsigned long)pfn);
	for (bm_pfn_t p = pfn; p < pfn + (1ul << order); p++) {
		EXPECT(!s->alloc[p], "pfn %#lx allocated twice", (unsigned long)p);
		s->alloc[p] = 1;
		if (mt != MIGRATE_MOVABLE)
			EXPECT(!s->is_cma[p / PB_PAGES], "%s request got CMA pfn %#lx",
			       bm_migratetype_name(mt), (unsigned long)p);
	}
	s->alloc_head[pfn] = 1;
	s->alloc_order[pfn] = (uint8_t)order;
	live[(*nr_live)++] = pfn;
}

static void do_free(struct bm_machine *m, struct state *s, bm_pfn_t *live, unsigned long *nr_live)
{
	unsigned long i = rnd_below(*nr_live);
	bm_pfn_t pfn = live[i];
	unsigned int order = s->alloc_order[pfn];

	live[i] = live[--*nr_live];
	for (bm_pfn_t p = pfn; p < pfn + (1ul << order); p++)
		s->alloc[p] = 0;
	s->alloc_head[pfn] = 0;
	bm_free_pages(m, pfn, order);
}

static void test_random_alloc_free(void)
{
	static struct state s;
	static bm_pfn_t live[NR_PFNS];

	fails = 0;

	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct test_machine *t = new_tm();
		struct bm_machine *m;
		unsigned long nr_live = 0;
		bm_pfn_t lo, hi, rsv_next;

		rng_state = seed * 0x2545f4914f6cdd1dull + 7;
		m = boot(t, &s, seed & 1 ? rnd() : 0, false, &lo, &hi);
		/* A window of still-Reserved pages to release as we go. */
		rsv_next = 0x3e00;
		check_all(m, &s);
		for (int step = 0; step < 1500 && !fails; step++) {
			unsigned long r = rnd_below(100);

			/* Fill until allocations fail (fallback, stealing, CMA
			 * balance, exhaustion), then mostly drain. */
			if (r < (step < 900 ? 80u : 35u))
				do_alloc(m, &s, live, &nr_live);
			else if (r < 98 && nr_live)
				do_free(m, &s, live, &nr_live);
			else if (rsv_next < NR_PFNS &&
				 (bm_pfn_to_page(m, rsv_next)->flags & PG_reserved) &&
				 bm_memblock_is_memory(m, BM_PFN_PHYS(rsv_next)))
				bm_free_reserved_page(m, rsv_next++);
			else
				rsv_next++;
			check_all(m, &s);
		}
		if (getenv("BOOTMM_TEST_VERBOSE")) {
			unsigned long retyped = 0;

			for (bm_pfn_t p = 0; p < NR_PFNS; p += PB_PAGES)
				retyped += bm_get_pageblock_migratetype(m, p) != MIGRATE_MOVABLE &&
					   !s.is_cma[p / PB_PAGES];
			printf("seed %llu: %lu live, %lu free, %lu pageblocks not MOVABLE/CMA, "
			       "%lu failed allocations\n", (unsigned long long)seed, nr_live,
			       bm_nr_free_pages(m), retyped, nr_alloc_failed);
			nr_alloc_failed = 0;
		}
		/* Free everything: the zone goes back to the boot decomposition
		 * plus the released pages; no violation on the way. */
		while (nr_live)
			do_free(m, &s, live, &nr_live);
		check_all(m, &s);
		CHECK_EQ(violations(m), 0);
		free_tm(t);
	}
}

/* --- threads ------------------------------------------------------------------ */

struct worker {
	struct bm_machine *m;
	uint64_t seed;
};

static void worker_fn(void *arg, unsigned long idx)
{
	struct worker *w = arg;
	uint64_t st = w->seed + idx * 0x9e3779b97f4a7c15ull;
	bm_pfn_t live[64];
	unsigned int order[64], n = 0;

	for (int op = 0; op < 2000; op++) {
		st ^= st >> 12;
		st ^= st << 25;
		st ^= st >> 27;
		uint64_t r = st * 0x2545f4914f6cdd1dull;

		if ((r & 1) && n < 64) {
			unsigned int o = (unsigned int)((r >> 8) % 4);
			bm_pfn_t pfn = bm_alloc_pages(w->m, 0, o, BM_ZONE_NORMAL,
						      (int)((r >> 16) % MIGRATE_PCPTYPES));

			if (pfn != BM_NO_PFN) {
				live[n] = pfn;
				order[n++] = o;
			}
		} else if (n) {
			unsigned int i = (unsigned int)((r >> 24) % n);

			bm_free_pages(w->m, live[i], order[i]);
			live[i] = live[--n];
			order[i] = order[n];
		}
	}
	while (n--)
		bm_free_pages(w->m, live[n], order[n]);
}

static void test_parallel_alloc_free(void)
{
	static struct state s;
	struct test_machine *t = new_tm();
	bm_pfn_t lo, hi;
	struct bm_machine *m = boot(t, &s, 0x5555, false, &lo, &hi);
	unsigned long before = bm_nr_free_pages(m);
	struct worker w = { m, 42 };

	fails = 0;

	m->prim->parallel(m->prim->ctx, 4, worker_fn, &w, 8);
	check_all(m, &s);
	CHECK_EQ(bm_nr_free_pages(m), before);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

int main(void)
{
	RUN(test_canonical_decomposition);
	RUN(test_random_alloc_free);
	RUN(test_parallel_alloc_free);
	return CHECK_DONE();
}
