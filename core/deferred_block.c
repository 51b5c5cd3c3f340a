// SPDX-License-Identifier: MIT
/*
 * Deferred init of a whole MAX_ORDER block of free memory in one pass.
 *
 * The kernel's deferred_init_maxorder initialises every struct page of the
 * block (__init_single_page: refcount 1, no flags but the links), then
 * __free_pages_core walks them again (refcount 0, PG_reserved cleared) and
 * frees the block in pageblock pieces, each with the type deferred init
 * just gave its pageblock, that merge back into one block of MAX_ORDER;
 * bootmm marks each tail PG_bm_tail_free on the way. For a block nobody
 * else can see (its section belongs to this deferred-init unit), with no
 * page initialised before and every pageblock of one type, what those
 * three passes leave is known in advance: each tail stored once in its
 * final state, the head linked once at MAX_ORDER. That is this file; the
 * general path (deferred.c, buddy.c) is what it must equal, byte for byte,
 * and m->cfg.no_fast_paths takes that path everywhere so tests can compare
 * (test_fast_paths, test_fast_paths_adv, fuzz_api). The three passes were
 * most of deferred init's CPU time.
 */
#include "buddy_lists.h"

/*
 * May [@pfn, @pfn + @nr) take the one-pass path? At least a shadow word
 * (64 pages), every struct page uninitialised (so nothing can be reported:
 * no double init, no free page to refuse), the block inside @zone with a
 * memory map and a pageblock table, and every pageblock of it given one
 * type by deferred init (the pieces then merge whatever that type is).
 * Return: that type, or -1.
 */
static int fresh_block_mt(struct bm_machine *m, const struct bm_zone *zone, bm_pfn_t pfn,
			  bm_pfn_t nr)
{
	const uint64_t *init = m->mm.init_bitmap;
	bm_pfn_t pb = (bm_pfn_t)bm_pageblock_nr_pages(m);
	int mt;

	if (m->cfg.no_fast_paths || nr < 64 || (pfn & 63) || !zone_spans(zone, pfn) ||
	    !zone_spans(zone, pfn + nr - 1) || !pg(m, pfn) || !m->mm.pageblock_mt)
		return -1;
	for (bm_pfn_t w = pfn >> 6; w < (pfn + nr) >> 6; w++)
		if (init[w])
			return -1;
	mt = bm_pageblock_init_mt(m, pfn, BM_PB_INIT_DEFERRED);
	for (bm_pfn_t p = BM_ALIGN_UP(pfn + 1, pb); p < pfn + nr; p += pb)
		if (bm_pageblock_init_mt(m, p, BM_PB_INIT_DEFERRED) != mt)
			return -1;
	return mt;
}

/**
 * bm_deferred_init_free_block - initialise and free a MAX_ORDER block at once
 * @m: machine
 * @zone: the block's zone (every struct page gets its links)
 * @lists: private lists from bm_buddy_private_init() for @zone, or NULL for
 *         the zone's own (then under its lock)
 * @pfn: first pfn, aligned to 2^max_order, in the deferred part of @zone
 *
 * The state deferred_init_pages() followed by __free_pages_core(pfn,
 * max_order) would leave, with deferred_free_pages' pageblock types, reached
 * in one pass: the pageblocks typed, tails PG_bm_tail_free with refcount 0,
 * the head a free block of max_order on the tail of its list (FPI_TO_TAIL),
 * the shadow set, managed and free counts raised.
 *
 * Return: true if done; false if the block does not qualify (some page
 * already initialised, pageblocks of different types, the block not inside
 * @zone, no memory map or pageblock table, blocks of fewer than 64 pages
 * (max_page_order below 6: the shadow is tested a word at a time), or
 * cfg.no_fast_paths): nothing was changed and the caller takes the
 * general path, which reports what there is to report.
 * Context: the caller owns the block's section (deferred init).
 */
bool bm_deferred_init_free_block(struct bm_machine *m, struct bm_zone *zone,
				 struct bm_zone *lists, bm_pfn_t pfn)
{
	unsigned int order = bm_max_order(m);
	bm_pfn_t nr = (bm_pfn_t)1 << order;
	const struct page tail = {
		.flags = bm_page_links(zone->type, zone->nid) | PG_bm_tail_free,
		.refcount = 0,
		.mapcount = -1,
		.order = 0,
		.lru_next = BM_LIST_END,
		.lru_prev = BM_LIST_END,
	};
	struct page *page;
	int mt = fresh_block_mt(m, zone, pfn, nr);

	if (mt < 0)
		return false;
	for (bm_pfn_t p = pfn; p < pfn + nr; p += (bm_pfn_t)bm_pageblock_nr_pages(m))
		bm_set_pageblock_migratetype(m, p, mt);
	page = pg(m, pfn);
	page[0] = tail;
	page[0].flags &= ~PG_bm_tail_free;
	for (bm_pfn_t i = 1; i < nr; i++)
		page[i] = tail;
	/* Workers own whole sections, so the shadow's words are this thread's. */
	for (bm_pfn_t w = pfn >> 6; w < (pfn + nr) >> 6; w++)
		m->mm.init_bitmap[w] = ~0ull;
	__atomic_fetch_add(&m->mm.deferred_blocks_one_pass, 1, __ATOMIC_RELAXED);
	if (lists) {
		lists->managed_pages += nr;
		add_free(m, lists, pfn, page, order, mt, true);
		return true;
	}
	__atomic_fetch_add(&zone->managed_pages, nr, __ATOMIC_RELAXED);
	bm_zone_lock(zone);
	add_free(m, zone, pfn, page, order, mt, true);
	bm_zone_unlock(zone);
	return true;
}
