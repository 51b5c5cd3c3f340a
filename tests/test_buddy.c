// SPDX-License-Identifier: MIT
/*
 * The buddy allocator, case by case: merging, zone and pageblock-type
 * barriers, splitting, fallback and stealing, CMA, the deliberate read of
 * an uninitialised buddy, misuse, and concurrent frees.
 *
 * Most tests boot a small machine whose memory is all Reserved (memblock
 * reserves everything before the hand-off), then release exactly the pages
 * the test is about, so the free lists hold nothing else.
 */
#include "check.h"
#include "harness.h"
#include "core/internal.h"
#include "bootmm/boot.h"

#define MiB ((phys_addr_t)1 << 20)
#define GiB ((phys_addr_t)1 << 30)

static struct bm_config test_cfg(void)
{
	struct bm_config cfg;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	return cfg;
}

/* Reserve every free range (gaps only: overlapping a region of another
 * nid is a memblock WARN). Ranges are collected first: reserving changes
 * what the iterator walks. */
static void reserve_free(struct bm_machine *m)
{
	phys_addr_t start, end, s[256], e[256];
	unsigned int n = 0;
	uint64_t i;

	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL)
		if (n < 256) {
			s[n] = start;
			e[n++] = end;
		}
	for (unsigned int k = 0; k < n; k++)
		bm_memblock_reserve(m, s[k], e[k] - s[k]);
}

/* Boot to the hand-off; with @reserve_all nothing reaches the buddy. */
static struct bm_machine *boot(struct test_machine *t, phys_addr_t size,
			       const struct bm_config *cfg, bool reserve_all)
{
	struct bm_machine *m = tm_init(t, size, cfg);

	bm_memblock_add(m, 0, size);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	CHECK_EQ(bm_free_area_init(m), 0);
	if (reserve_all)
		reserve_free(m);
	bm_memblock_free_all(m);
	return m;
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

static struct bm_zone *zone_of(struct bm_machine *m, bm_pfn_t pfn)
{
	return bm_pfn_zone(m, pfn);
}

/* Is there a free block (@pfn, @order) on list @mt? */
static bool free_block(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt)
{
	struct page *p = bm_pfn_to_page(m, pfn);

	if (!p || !(p->flags & PG_buddy) || p->order != order || bm_buddy_list_mt(p) != mt)
		return false;
	for (unsigned long i = 1; i < (1ul << order); i++)
		if (!(p[i].flags & PG_bm_tail_free))
			return false;
	return true;
}

static unsigned long nr_blocks(struct bm_zone *z, unsigned int order, int mt)
{
	return z->free_area[order].nr_free[mt];
}

/* Release [start, end) page by page, as free_reserved_area does. */
static void release(struct bm_machine *m, bm_pfn_t start, bm_pfn_t end)
{
	for (bm_pfn_t p = start; p < end; p++)
		bm_free_reserved_page(m, p);
}

/* Hand a whole block to the buddy (typed first), as memblock_free_all would. */
static void give(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt)
{
	for (bm_pfn_t p = pfn; p < pfn + (1ul << order); p += 512)
		bm_set_pageblock_migratetype(m, p, mt);
	bm_free_pages_core(m, pfn, order);
}

static unsigned long violations(struct bm_machine *m)
{
	unsigned long n = 0;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		n += m->violation_count[k];
	return n;
}

static void test_names(void)
{
	CHECK_STR(bm_migratetype_name(MIGRATE_UNMOVABLE), "Unmovable");
	CHECK_STR(bm_migratetype_name(MIGRATE_MOVABLE), "Movable");
	CHECK_STR(bm_migratetype_name(MIGRATE_RECLAIMABLE), "Reclaimable");
	CHECK_STR(bm_migratetype_name(MIGRATE_HIGHATOMIC), "HighAtomic");
	CHECK_STR(bm_migratetype_name(MIGRATE_CMA), "CMA");
	CHECK_STR(bm_migratetype_name(MIGRATE_ISOLATE), "Isolate");
	CHECK_STR(bm_migratetype_name(MIGRATE_TYPES), "?");
}

/* The hand-off itself: free memory in maximal blocks, put at the tail. */
static void test_boot_handoff(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, false);
	struct bm_zone *dma = &m->mm.nodes[0].zones[BM_ZONE_DMA];
	struct bm_zone *dma32 = &m->mm.nodes[0].zones[BM_ZONE_DMA32];

	CHECK(m->mm.buddy_ready);
	CHECK(bm_nr_free_pages(m) > 0);
	CHECK_EQ(bm_nr_free_pages(m), dma->nr_free_pages + dma32->nr_free_pages);
	CHECK_EQ(dma->managed_pages + dma32->managed_pages, bm_nr_free_pages(m));
	CHECK_EQ(bm_zone_for_each_free_block(m, dma, NULL, NULL) > 0, 1);
	CHECK(bm_zone_for_each_free_block(m, dma32, NULL, NULL) > 0);
	/* 16 MiB to 32 MiB is free on this machine: four order-10 blocks, the
	 * lowest first because __free_pages_core adds at the tail. */
	CHECK(free_block(m, 0x1000, 10, MIGRATE_MOVABLE));
	CHECK(nr_blocks(dma32, 10, MIGRATE_MOVABLE) >= 4);
	CHECK_EQ(dma32->free_area[10].head[MIGRATE_MOVABLE], 0x1000);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

static void test_merge_single(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3000);
	unsigned long ram = m->mm.totalram_pages, managed = z->managed_pages;

	CHECK_EQ(bm_nr_free_pages(m), 0);
	bm_free_reserved_page(m, 0x3001);
	CHECK(free_block(m, 0x3001, 0, MIGRATE_MOVABLE));
	bm_free_reserved_page(m, 0x3000);
	CHECK(free_block(m, 0x3000, 1, MIGRATE_MOVABLE));
	CHECK(!(bm_pfn_to_page(m, 0x3001)->flags & PG_buddy));
	CHECK_EQ(nr_blocks(z, 0, MIGRATE_MOVABLE), 0);
	CHECK_EQ(nr_blocks(z, 1, MIGRATE_MOVABLE), 1);
	CHECK_EQ(z->nr_free_pages, 2);
	CHECK_EQ(m->mm.totalram_pages, ram + 2);
	CHECK_EQ(z->managed_pages, managed + 2);
	/* Its order-1 buddy is Reserved: no further merge. */
	bm_free_reserved_page(m, 0x3003);
	CHECK(free_block(m, 0x3003, 0, MIGRATE_MOVABLE));
	bm_free_reserved_page(m, 0x3002);
	CHECK(free_block(m, 0x3000, 2, MIGRATE_MOVABLE));
	CHECK_EQ(bm_pfn_free_block(m, 0x3002, NULL), 0x3000);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* A MAX_ORDER-aligned range freed page by page, in a scrambled order. */
static void test_full_max_order_block(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3400);

	for (unsigned long i = 0; i < 1024; i++)
		bm_free_reserved_page(m, 0x3400 + ((i * 389) & 1023));
	CHECK(free_block(m, 0x3400, 10, MIGRATE_MOVABLE));
	CHECK_EQ(z->nr_free_pages, 1024);
	for (unsigned int o = 0; o < 10; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			CHECK_EQ(nr_blocks(z, o, mt), 0);
	CHECK_EQ(bm_zone_for_each_free_block(m, z, NULL, NULL), 1);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* DMA ends at 17 MiB (pfn 0x1100), inside an order-10 block. */
static void test_zone_boundary(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m;
	struct bm_zone *dma, *dma32;

	cfg.zone_dma_end_pfn = 0x1100;
	m = boot(t, 64 * MiB, &cfg, true);
	dma = &m->mm.nodes[0].zones[BM_ZONE_DMA];
	dma32 = &m->mm.nodes[0].zones[BM_ZONE_DMA32];
	CHECK_EQ(zone_of(m, 0x10ff), dma);
	CHECK_EQ(zone_of(m, 0x1100), dma32);
	release(m, 0x1000, 0x1400);
	CHECK(free_block(m, 0x1000, 8, MIGRATE_MOVABLE));
	CHECK(free_block(m, 0x1100, 8, MIGRATE_MOVABLE));
	CHECK(free_block(m, 0x1200, 9, MIGRATE_MOVABLE));
	CHECK_EQ(dma->nr_free_pages, 0x100);
	CHECK_EQ(dma32->nr_free_pages, 0x300);
	CHECK_EQ(bm_zone_for_each_free_block(m, dma, NULL, NULL), 1);
	CHECK_EQ(bm_zone_for_each_free_block(m, dma32, NULL, NULL), 2);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* At order >= pageblock_order, CMA, ISOLATE (and HIGHATOMIC) keep apart. */
static void check_no_merge(int special)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3400);

	give(m, 0x3400, 9, special);
	give(m, 0x3600, 9, MIGRATE_MOVABLE);
	CHECK(free_block(m, 0x3400, 9, special));
	CHECK(free_block(m, 0x3600, 9, MIGRATE_MOVABLE));
	CHECK_EQ(nr_blocks(z, 10, MIGRATE_MOVABLE) + nr_blocks(z, 10, special), 0);
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3400), special);
	/* Two of the special type do merge. */
	give(m, 0x3800, 9, special);
	give(m, 0x3a00, 9, special);
	CHECK(free_block(m, 0x3800, 10, special));
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

static void test_cma_isolate_no_merge(void)
{
	check_no_merge(MIGRATE_CMA);
	check_no_merge(MIGRATE_ISOLATE);
	check_no_merge(MIGRATE_HIGHATOMIC);
}

/* Mergeable types do merge at pageblock order; the buddy takes our type. */
static void test_mergeable_types_merge(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);

	give(m, 0x3600, 9, MIGRATE_UNMOVABLE);
	give(m, 0x3400, 9, MIGRATE_MOVABLE);
	CHECK(free_block(m, 0x3400, 10, MIGRATE_MOVABLE));
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3600), MIGRATE_MOVABLE);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* A block over two pageblocks of different types is freed per pageblock. */
static void test_split_large_buddy(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);

	bm_set_pageblock_migratetype(m, 0x3400, MIGRATE_MOVABLE);
	bm_set_pageblock_migratetype(m, 0x3600, MIGRATE_CMA);
	bm_free_pages_core(m, 0x3400, 10);
	CHECK(free_block(m, 0x3400, 9, MIGRATE_MOVABLE));
	CHECK(free_block(m, 0x3600, 9, MIGRATE_CMA));
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

static void test_expand(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3400);
	bm_pfn_t pfn;

	give(m, 0x3400, 10, MIGRATE_MOVABLE);
	pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3400);
	CHECK_EQ(bm_pfn_to_page(m, pfn)->refcount, 1);
	CHECK(!(bm_pfn_to_page(m, pfn)->flags & (PG_buddy | PG_bm_tail_free)));
	for (unsigned int o = 0; o < 10; o++)
		CHECK(free_block(m, 0x3400 + (1ul << o), o, MIGRATE_MOVABLE));
	CHECK_EQ(z->nr_free_pages, 1023);
	/* An order-3 request splits the order-3 block, not a bigger one. */
	pfn = bm_alloc_pages(m, 0, 3, BM_ZONE_NORMAL, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3408);
	for (unsigned int i = 1; i < 8; i++)
		CHECK_EQ(bm_pfn_to_page(m, pfn + i)->flags & (PG_buddy | PG_bm_tail_free), 0);
	/* Freeing both brings the order-10 block back. */
	bm_free_pages(m, 0x3408, 3);
	bm_free_pages(m, 0x3400, 0);
	CHECK(free_block(m, 0x3400, 10, MIGRATE_MOVABLE));
	CHECK_EQ(z->nr_free_pages, 1024);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/*
 * Fallback order: with its own lists empty and one whole pageblock of each
 * fallback type free, a request takes the first type of fallbacks[] and
 * claims that pageblock (order >= pageblock_order); with only the second
 * type free, that one.
 */
static void check_fallback(int start, int first, int second)
{
	for (int only_second = 0; only_second < 2; only_second++) {
		struct test_machine *t = new_tm();
		struct bm_config cfg = test_cfg();
		struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
		bm_pfn_t pfn;

		if (!only_second)
			give(m, 0x3000, 9, first);
		give(m, 0x3400, 9, second);
		give(m, 0x3800, 9, MIGRATE_CMA);	/* never for non-movable */
		pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, start);
		if (only_second) {
			CHECK_EQ(pfn, 0x3400);
			CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3400), start);
		} else {
			CHECK_EQ(pfn, 0x3000);
			CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3000), start);
			CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3400), second);
		}
		/* The remainder of the claimed block is on @start's lists. */
		CHECK(free_block(m, pfn + 256, 8, start));
		CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3800), MIGRATE_CMA);
		CHECK_EQ(violations(m), 0);
		free_tm(t);
	}
}

static void test_fallback_order(void)
{
	check_fallback(MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE);
	check_fallback(MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_MOVABLE);
	/* Movable would go to CMA first: keep the CMA block out of it. */
	{
		struct test_machine *t = new_tm();
		struct bm_config cfg = test_cfg();
		struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);

		give(m, 0x3000, 9, MIGRATE_UNMOVABLE);
		give(m, 0x3400, 9, MIGRATE_RECLAIMABLE);
		CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE), 0x3400);
		CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3400), MIGRATE_MOVABLE);
		CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3000), MIGRATE_UNMOVABLE);
		CHECK_EQ(bm_alloc_pages(m, 0, 9, BM_ZONE_DMA32, MIGRATE_MOVABLE), 0x3000);
		CHECK_EQ(violations(m), 0);
		free_tm(t);
	}
}

/* Small fallback blocks: a movable request steals the smallest fitting
 * block and leaves the pageblock alone; an unmovable one claims a MOVABLE
 * pageblock it mostly uses, and only steals from a RECLAIMABLE one. */
static void test_steal_small(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3000);

	bm_set_pageblock_migratetype(m, 0x3000, MIGRATE_RECLAIMABLE);
	bm_free_pages_core(m, 0x3008, 3);	/* order 3 < pageblock_order / 2 */
	bm_free_pages_core(m, 0x3002, 1);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE), 0x3002);
	CHECK(free_block(m, 0x3003, 0, MIGRATE_RECLAIMABLE));
	CHECK(free_block(m, 0x3008, 3, MIGRATE_RECLAIMABLE));
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3000), MIGRATE_RECLAIMABLE);

	/* Unmovable from a RECLAIMABLE block with 9 free pages: steal only. */
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_UNMOVABLE), 0x3008);
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3000), MIGRATE_RECLAIMABLE);
	CHECK(free_block(m, 0x3009, 0, MIGRATE_RECLAIMABLE));

	/* Unmovable from a MOVABLE block: every used page counts as alike.
	 * The largest fallback block wins (order 4, MOVABLE, over the order-2
	 * RECLAIMABLE one), its pageblock is claimed, and the request is then
	 * served smallest-first from the claimed free pages. */
	bm_set_pageblock_migratetype(m, 0x3200, MIGRATE_MOVABLE);
	bm_free_pages_core(m, 0x3204, 2);
	bm_free_pages_core(m, 0x3210, 4);
	CHECK_EQ(bm_alloc_pages(m, 0, 1, BM_ZONE_DMA32, MIGRATE_UNMOVABLE), 0x3204);
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3200), MIGRATE_UNMOVABLE);
	CHECK(free_block(m, 0x3206, 1, MIGRATE_UNMOVABLE));
	CHECK(free_block(m, 0x3210, 4, MIGRATE_UNMOVABLE));
	CHECK(free_block(m, 0x300c, 2, MIGRATE_RECLAIMABLE));
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3000), MIGRATE_RECLAIMABLE);
	CHECK_EQ(z->nr_free_pages, 1 + 1 + 2 + 4 + 2 + 16);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

static void test_cma_movable_only(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	bm_pfn_t pfn;

	give(m, 0x3400, 9, MIGRATE_CMA);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_UNMOVABLE), BM_NO_PFN);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_RECLAIMABLE), BM_NO_PFN);
	pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3400);
	CHECK_EQ(bm_get_pageblock_migratetype(m, 0x3400), MIGRATE_CMA);
	CHECK(free_block(m, 0x3401, 0, MIGRATE_CMA));
	/* CMA holds more than half the free memory: movable prefers it even
	 * with a movable page free; with more movable memory, it does not. */
	give(m, 0x2000, 0, MIGRATE_MOVABLE);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE), 0x3401);
	give(m, 0x2400, 10, MIGRATE_MOVABLE);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE), 0x2000);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/*
 * The seed-001 read: with deferred struct page init, a Reserved page at
 * first_deferred_pfn has an initialised struct page, its buddy does not.
 * Freeing it reads the buddy's struct page: caught, naming the buddy.
 */
static void test_uninit_buddy_read(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg;
	struct bm_machine *m;
	bm_pfn_t fdp;
	bool named = false;

	bm_config_default(&cfg);	/* deferred init on */
	m = tm_init(t, 512 * MiB, &cfg);
	bm_memblock_add(m, 0, 512 * MiB);
	CHECK_EQ(bm_free_area_init(m), 0);
	fdp = m->mm.nodes[0].first_deferred_pfn;
	CHECK_EQ(fdp, 0x10000);
	bm_memblock_reserve(m, BM_PFN_PHYS(fdp), BM_PAGE_SIZE);
	bm_memblock_free_all(m);
	CHECK(bm_page_initialised(m, fdp));
	CHECK(!bm_page_initialised(m, fdp + 1));
	CHECK_EQ(tm_violations(m, BM_V_UNINIT_READ), 0);

	bm_set_phase(m, BM_PHASE_BEFORE_SMP);
	m->caller = "test_release";
	bm_free_reserved_page(m, fdp);
	CHECK(tm_violations(m, BM_V_UNINIT_READ) > 0);
	for (unsigned long i = 0; i < m->record->nr_recorded; i++) {
		const struct bm_violation *v = &m->record->violations[i];

		if (v->kind != BM_V_UNINIT_READ)
			continue;
		/* The first one is the buddy, read by __free_one_page. */
		CHECK_EQ(v->pfn_start, fdp + 1);
		CHECK_STR(v->func, "__free_one_page");
		CHECK_STR(v->cause, "test_release");
		CHECK_EQ(v->phase, BM_PHASE_BEFORE_SMP);
		named = true;
		break;
	}
	CHECK(named);
	/* Garbage that is not PageBuddy does not merge: an order-0 block. */
	CHECK(free_block(m, fdp, 0, MIGRATE_MOVABLE));
	free_tm(t);
}

/*
 * The same early release one page further: fdp + 1 is not pageblock-aligned,
 * so its pageblock has no type yet (0, UNMOVABLE, as the kernel's zeroed
 * pageblock bitmap) and the page goes to the UNMOVABLE list. Deferred init
 * then types the pageblock MOVABLE and frees fdp next to it: the merge takes
 * the page off a list other than the one __free_one_page believes, the
 * kernel's "page type is 0, passed migratetype is 1" VM_WARN. bootmm
 * records it and unlinks from the right list; the state stays consistent.
 */
static void test_early_free_then_deferred_init(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg;
	struct bm_machine *m;
	struct bm_zone *z;
	bm_pfn_t fdp;

	bm_config_default(&cfg);
	m = tm_init(t, 512 * MiB, &cfg);
	bm_memblock_add(m, 0, 512 * MiB);
	CHECK_EQ(bm_free_area_init(m), 0);
	fdp = m->mm.nodes[0].first_deferred_pfn;
	bm_memblock_reserve(m, BM_PFN_PHYS(fdp + 1), BM_PAGE_SIZE);
	bm_memblock_free_all(m);
	z = zone_of(m, fdp);
	bm_free_reserved_page(m, fdp + 1);
	CHECK_EQ(tm_violations(m, BM_V_UNINIT_READ), 2);	/* fdp, then fdp + 2 */
	CHECK(free_block(m, fdp + 1, 0, MIGRATE_UNMOVABLE));
	CHECK_EQ(tm_violations(m, BM_V_MIGRATETYPE), 0);

	bm_page_alloc_init_late(m);
	CHECK(m->mm.deferred_done);
	CHECK_EQ(tm_violations(m, BM_V_MIGRATETYPE), 1);
	CHECK_EQ(bm_get_pageblock_migratetype(m, fdp), MIGRATE_MOVABLE);
	CHECK_EQ(bm_pfn_free_block(m, fdp + 1, NULL), fdp);
	CHECK(free_block(m, fdp, 10, MIGRATE_MOVABLE));
	CHECK_EQ(nr_blocks(z, 0, MIGRATE_UNMOVABLE), 0);
	CHECK(bm_zone_for_each_free_block(m, z, NULL, NULL) > 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	free_tm(t);
}

static void test_misuse(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	bm_pfn_t pfn;

	give(m, 0x3400, 2, MIGRATE_MOVABLE);
	/* Double free, free of a free page, free of a non-Reserved page. */
	bm_free_pages(m, 0x3400, 2);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 1);
	bm_free_reserved_page(m, 0x3401);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	bm_free_pages_core(m, 0x3400, 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 3);
	/* Misaligned and too large. */
	bm_free_pages(m, 0x3401, 1);
	bm_free_one_page(m, 0x3400, 11, MIGRATE_MOVABLE);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 5);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_CMA), BM_NO_PFN);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 6);
	/* Free of a Reserved page via free_pages, and a refcount at 0. */
	bm_free_pages(m, 0x3f00, 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 7);
	pfn = bm_alloc_pages(m, 0, 2, BM_ZONE_DMA32, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3400);
	bm_free_pages(m, pfn, 2);
	CHECK(free_block(m, 0x3400, 2, MIGRATE_MOVABLE));
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	free_tm(t);
}

/* __free_pages with a reference left frees all but the head page. */
static void test_free_pages_extra_ref(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	bm_pfn_t pfn;

	give(m, 0x3400, 2, MIGRATE_MOVABLE);
	pfn = bm_alloc_pages(m, 0, 2, BM_ZONE_DMA32, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3400);
	bm_pfn_to_page(m, pfn)->refcount++;
	bm_free_pages(m, pfn, 2);
	CHECK(free_block(m, 0x3402, 1, MIGRATE_MOVABLE));
	CHECK(free_block(m, 0x3401, 0, MIGRATE_MOVABLE));
	CHECK_EQ(bm_pfn_to_page(m, pfn)->refcount, 1);
	bm_free_pages(m, pfn, 0);
	CHECK(free_block(m, 0x3400, 2, MIGRATE_MOVABLE));
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/*
 * bm_free_pages takes the zone lock before it has read the block's struct
 * page (the zone found from the pfn) and makes its checks under the lock.
 * Every way out of that path must leave the lock free and the lists
 * unchanged, and the general path must then check and record as before:
 * a page linked to a zone that does not span it, a page with a reference
 * left, and the last reference.
 */
static void test_free_pages_lock_first(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_violation *v;
	struct page *page;
	unsigned long before;
	uint32_t flags;
	bm_pfn_t pfn;

	give(m, 0x3400, 2, MIGRATE_MOVABLE);
	pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_DMA32, MIGRATE_MOVABLE);
	CHECK_EQ(pfn, 0x3400);
	before = bm_nr_free_pages(m);
	page = bm_pfn_to_page(m, pfn);
	flags = page->flags;

	/* Linked to ZONE_DMA, which ends at 16 MiB: refused, nothing freed. */
	page->flags = (flags & ~PG_ZONE_MASK) | ((uint32_t)BM_ZONE_DMA << PG_ZONE_SHIFT);
	bm_free_pages(m, pfn, 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 1);
	CHECK(t->record.nr_recorded >= 1);
	v = &t->record.violations[t->record.nr_recorded - 1];
	CHECK(strstr(v->detail, "is not inside its zone") != NULL);
	CHECK_EQ(v->pfn_start, pfn);
	/* bm_nr_free_pages takes every zone lock: it would spin on one left held. */
	CHECK_EQ(bm_nr_free_pages(m), before);
	CHECK_EQ(page->refcount, 1);
	page->flags = flags;

	/* A reference left: the general path drops it and frees nothing. */
	page->refcount = 2;
	bm_free_pages(m, pfn, 0);
	CHECK_EQ(page->refcount, 1);
	CHECK_EQ(bm_nr_free_pages(m), before);
	CHECK(!(page->flags & PG_buddy));

	/* The last reference: freed, merged back with its buddies. */
	bm_free_pages(m, pfn, 0);
	CHECK_EQ(bm_nr_free_pages(m), before + 1);
	CHECK(free_block(m, 0x3400, 2, MIGRATE_MOVABLE));
	/* A second free of it: a double free, refused under the lock too. */
	bm_free_pages(m, pfn, 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	CHECK_EQ(bm_nr_free_pages(m), before + 1);
	CHECK(free_block(m, 0x3400, 2, MIGRATE_MOVABLE));
	CHECK_EQ(violations(m), 2);
	free_tm(t);
}

/* Isolating a pageblock inside a free order-10 block splits it out. */
static void test_move_freepages_block(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x3400);

	give(m, 0x3400, 10, MIGRATE_MOVABLE);
	CHECK_EQ(bm_move_freepages_block(m, 0x3600, MIGRATE_ISOLATE), 512);
	CHECK(free_block(m, 0x3400, 9, MIGRATE_MOVABLE));
	CHECK(free_block(m, 0x3600, 9, MIGRATE_ISOLATE));
	CHECK_EQ(z->nr_free_pages, 1024);
	/* Back to MOVABLE: the free pages move and the block merges again? No:
	 * move only relinks; merging happens on the next free. */
	CHECK_EQ(bm_move_freepages_block(m, 0x3600, MIGRATE_MOVABLE), 512);
	CHECK(free_block(m, 0x3600, 9, MIGRATE_MOVABLE));
	/* Small blocks of a pageblock move lists with it. */
	bm_free_pages_core(m, 0x3000, 0);
	bm_free_pages_core(m, 0x3004, 2);
	CHECK_EQ(bm_move_freepages_block(m, 0x3000, MIGRATE_UNMOVABLE), 5);
	CHECK(free_block(m, 0x3004, 2, MIGRATE_UNMOVABLE));
	CHECK(free_block(m, 0x3000, 0, MIGRATE_UNMOVABLE));
	CHECK_EQ(bm_zone_for_each_free_block(m, z, NULL, NULL), 4);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/*
 * A Normal preferred zone does not fragment itself (ALLOC_NOFRAGMENT):
 * with only small MOVABLE blocks in Normal and UNMOVABLE memory in DMA32,
 * an unmovable request goes to DMA32; with nothing there, Normal is used.
 */
static void test_nofragment(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 4 * GiB + 256 * MiB, &cfg, true);
	bm_pfn_t normal = BM_PFN_DOWN(4 * GiB), pfn;

	CHECK_EQ(zone_of(m, normal)->type, BM_ZONE_NORMAL);
	give(m, normal + 4, 2, MIGRATE_MOVABLE);
	give(m, 0x3000, 1, MIGRATE_UNMOVABLE);
	pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE);
	CHECK_EQ(pfn, 0x3000);
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE), 0x3001);
	pfn = bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE);
	CHECK_EQ(pfn, normal + 4);
	/* A DMA32 request never sees Normal. */
	CHECK_EQ(bm_alloc_pages(m, 0, 3, BM_ZONE_DMA32, MIGRATE_MOVABLE), BM_NO_PFN);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* Zonelist across nodes: the local node first, then the nearest. */
static void test_zonelist_nodes(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = tm_init(t, 384 * MiB, &cfg);

	bm_memblock_add_node(m, 0, 128 * MiB, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 128 * MiB, 128 * MiB, 1, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 256 * MiB, 128 * MiB, 2, MEMBLOCK_NONE);
	CHECK_EQ(bm_free_area_init(m), 0);
	reserve_free(m);
	bm_memblock_free_all(m);
	CHECK_EQ(m->mm.nr_node_ids, 3);
	give(m, BM_PFN_DOWN(8 * MiB), 0, MIGRATE_MOVABLE);	/* node 0, DMA */
	give(m, BM_PFN_DOWN(300 * MiB), 0, MIGRATE_MOVABLE);	/* node 2 */
	give(m, BM_PFN_DOWN(200 * MiB), 0, MIGRATE_MOVABLE);	/* node 1 */
	/* Node 1's request: its own page, then node 0 (tie with 2: lower nid). */
	CHECK_EQ(bm_alloc_pages(m, 1, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_PFN_DOWN(200 * MiB));
	CHECK_EQ(bm_alloc_pages(m, 1, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_PFN_DOWN(8 * MiB));
	CHECK_EQ(bm_alloc_pages(m, 1, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_PFN_DOWN(300 * MiB));
	CHECK_EQ(bm_alloc_pages(m, 1, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_NO_PFN);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

/* Concurrent frees into one zone from host threads (run under TSan). */
struct par_arg {
	struct bm_machine *m;
	bm_pfn_t base;
};

static void par_free(void *arg, unsigned long idx)
{
	struct par_arg *a = arg;

	/* Unit idx frees every 16th page starting at idx: lots of merging
	 * with pages other threads free. */
	for (bm_pfn_t p = a->base + idx; p < a->base + 4096; p += 16)
		bm_free_pages_core(a->m, p, 0);
}

static void test_parallel_free(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg = test_cfg();
	struct bm_machine *m = boot(t, 64 * MiB, &cfg, true);
	struct bm_zone *z = zone_of(m, 0x2000);
	struct par_arg a = { m, 0x2000 };
	unsigned long managed = z->managed_pages;

	m->prim->parallel(m->prim->ctx, 4, par_free, &a, 16);
	for (bm_pfn_t p = 0x2000; p < 0x3000; p += 1024)
		CHECK(free_block(m, p, 10, MIGRATE_MOVABLE));
	CHECK_EQ(z->nr_free_pages, 4096);
	CHECK_EQ(z->managed_pages, managed + 4096);
	CHECK_EQ(bm_zone_for_each_free_block(m, z, NULL, NULL), 4);
	CHECK_EQ(violations(m), 0);
	free_tm(t);
}

int main(void)
{
	RUN(test_names);
	RUN(test_boot_handoff);
	RUN(test_merge_single);
	RUN(test_full_max_order_block);
	RUN(test_zone_boundary);
	RUN(test_cma_isolate_no_merge);
	RUN(test_mergeable_types_merge);
	RUN(test_split_large_buddy);
	RUN(test_expand);
	RUN(test_fallback_order);
	RUN(test_steal_small);
	RUN(test_cma_movable_only);
	RUN(test_uninit_buddy_read);
	RUN(test_early_free_then_deferred_init);
	RUN(test_misuse);
	RUN(test_free_pages_extra_ref);
	RUN(test_free_pages_lock_first);
	RUN(test_move_freepages_block);
	RUN(test_nofragment);
	RUN(test_zonelist_nodes);
	RUN(test_parallel_free);
	return CHECK_DONE();
}
