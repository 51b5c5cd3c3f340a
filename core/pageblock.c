// SPDX-License-Identifier: MIT
/*
 * Pageblock migratetypes: one byte per pageblock (2^pageblock_order pages)
 * of [0, max_pfn), the kernel's pageblock_flags reduced to the migratetype
 * bits. The bytes are host instrumentation allocated by bm_sparse_init.
 *
 * Bytes are read and written with relaxed atomics: deferred-init threads
 * set the migratetype of their own pageblocks while other threads free into
 * the same zone and, at order >= pageblock_order, read a buddy's pageblock.
 * They never touch the same byte (workers own whole sections), but the
 * accesses must not be data races in the C sense.
 *
 * Also here: everything that changes which type owns a pageblock holding
 * free pages: moving a pageblock's free blocks to another type's lists
 * (move_freepages_block) and the allocator's fallback and stealing
 * (__rmqueue_fallback, steal_suitable_fallback), which claims pageblocks.
 */
#include "internal.h"

static const char *const migratetype_names[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "Unmovable",
	[MIGRATE_MOVABLE] = "Movable",
	[MIGRATE_RECLAIMABLE] = "Reclaimable",
	[MIGRATE_HIGHATOMIC] = "HighAtomic",
	[MIGRATE_CMA] = "CMA",
	[MIGRATE_ISOLATE] = "Isolate",
};

/* Number of pageblock bytes bm_sparse_init allocated: whole sections. */
static bm_pfn_t pageblock_limit_pfn(const struct bm_machine *m)
{
	return (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION;
}

/**
 * bm_migratetype_name - the name /proc/pagetypeinfo prints for @mt
 * @mt: a migratetype (enum bm_migratetype)
 *
 * Return: "Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA" or
 * "Isolate"; "?" for a value outside the enum.
 * Context: any.
 */
const char *bm_migratetype_name(int mt)
{
	if (mt < 0 || mt >= MIGRATE_TYPES)
		return "?";
	return migratetype_names[mt];
}

/**
 * bm_get_pageblock_migratetype - migratetype of the pageblock holding @pfn
 * @m: machine
 * @pfn: any page frame of the pageblock
 *
 * Before bm_sparse_init allocates the table, or for a pfn beyond it, every
 * pageblock reads as MIGRATE_MOVABLE: that is what memmap_init gives a
 * pageblock by default, so callers see a sane type rather than garbage.
 *
 * Return: the migratetype (enum bm_migratetype).
 * Context: any; lock-free.
 */
int bm_get_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn)
{
	if (!m->mm.pageblock_mt || pfn >= pageblock_limit_pfn(m))
		return MIGRATE_MOVABLE;
	return __atomic_load_n(&m->mm.pageblock_mt[pfn >> bm_pageblock_order(m)],
			       __ATOMIC_RELAXED);
}

/**
 * bm_set_pageblock_migratetype - set the migratetype of @pfn's pageblock
 * @m: machine
 * @pfn: any page frame of the pageblock
 * @mt: new migratetype (enum bm_migratetype)
 *
 * Only the type byte changes: free pages already on the free lists stay on
 * the lists they are on. Callers that need them moved (stealing, claiming a
 * block) move them under the zone lock, as the kernel's move_freepages_block
 * does. A missing table, a pfn beyond it or an unknown @mt is recorded as
 * BM_V_MISUSE and nothing is written.
 *
 * Context: any; callers changing a pageblock that holds free pages hold the
 * zone lock.
 */
void bm_set_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn, int mt)
{
	if (mt < 0 || mt >= MIGRATE_TYPES) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__,
			     "unknown migratetype %d", mt);
		return;
	}
	if (!m->mm.pageblock_mt || pfn >= pageblock_limit_pfn(m)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__,
			     "no pageblock table for pfn %#llx (setting %s)",
			     (unsigned long long)pfn, bm_migratetype_name(mt));
		return;
	}
	__atomic_store_n(&m->mm.pageblock_mt[pfn >> bm_pageblock_order(m)],
			 (uint8_t)mt, __ATOMIC_RELAXED);
}

/**
 * bm_change_pageblock_range - set every pageblock a block covers
 * @m: machine
 * @pfn: first pfn of the block
 * @order: block order (below pageblock_order: the one pageblock holding it)
 * @mt: new migratetype
 *
 * The kernel's change_pageblock_range. Free pages are not moved.
 * Context: zone lock held when the block holds free pages.
 */
void bm_change_pageblock_range(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt)
{
	unsigned long nr_pb = bm_pageblock_nr_pages(m);
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << order);

	for (bm_pfn_t p = BM_ALIGN_DOWN(pfn, (bm_pfn_t)nr_pb); p < end; p += nr_pb)
		bm_set_pageblock_migratetype(m, p, mt);
}

static bool zone_spans(const struct bm_zone *z, bm_pfn_t pfn)
{
	return pfn >= z->zone_start_pfn && pfn < z->zone_start_pfn + z->spanned_pages;
}

/**
 * bm_prep_move_freepages_block - may @pfn's pageblock be moved, how free is it?
 * @m: machine
 * @zone: zone the caller holds the lock of
 * @pfn: any pfn of the pageblock
 * @start_pfn: set to the pageblock's first pfn
 * @nr_free: set to the number of free pages in the pageblock
 *
 * The kernel's prep_move_freepages_block. Allocated pages are never
 * counted as movable: bootmm has no LRU or movable_ops pages at boot
 * (PageLRU and __PageMovable are false). Like the kernel it reads every
 * struct page of the block; an uninitialised one is reported once per walk.
 *
 * Return: false if the pageblock straddles the zone's boundary.
 * Context: @zone's lock held.
 */
bool bm_prep_move_freepages_block(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
				  bm_pfn_t *start_pfn, unsigned long *nr_free)
{
	unsigned long nr_pb = bm_pageblock_nr_pages(m);
	bm_pfn_t start = BM_ALIGN_DOWN(pfn, (bm_pfn_t)nr_pb), end = start + nr_pb;
	bool reported = false;

	if (!zone_spans(zone, start) || !zone_spans(zone, end - 1))
		return false;
	*start_pfn = start;
	*nr_free = 0;
	for (bm_pfn_t p = start; p < end;) {
		struct page *page = bm_pfn_to_page(m, p);

		if (!page) {
			p++;
			continue;
		}
		if (!reported && !bm_page_initialised(m, p)) {
			bm_page_read(m, p, "prep_move_freepages_block");
			reported = true;
		}
		if ((page->flags & PG_buddy) && page->order < BM_MAX_ORDER_LIMIT) {
			*nr_free += 1ul << page->order;
			p += (bm_pfn_t)1 << page->order;
			continue;
		}
		p++;
	}
	return true;
}

/**
 * bm_move_freepages_block_locked - retype a pageblock with its free pages
 * @m: machine
 * @zone: the pageblock's zone
 * @start: first pfn of the pageblock
 * @old_mt: the pageblock's current type (the lists its free blocks are on)
 * @new_mt: new type
 *
 * The kernel's __move_freepages_block: every free block in the pageblock
 * moves to the @new_mt list of its order, then the pageblock is retyped.
 * Free blocks here are smaller than a pageblock (a larger one would hold
 * the whole pageblock; bm_move_freepages_block splits those first).
 *
 * Return: pages moved. Context: @zone's lock held.
 */
unsigned long bm_move_freepages_block_locked(struct bm_machine *m, struct bm_zone *zone,
					     bm_pfn_t start, int old_mt, int new_mt)
{
	bm_pfn_t end = start + bm_pageblock_nr_pages(m);
	unsigned long moved = 0;

	for (bm_pfn_t p = start; p < end;) {
		unsigned int o;

		if (!bm_page_is_buddy(m, p)) {
			p++;
			continue;
		}
		o = bm_pfn_to_page(m, p)->order;
		bm_buddy_del_free(m, zone, p, o, old_mt);
		bm_buddy_add_free(m, zone, p, o, new_mt, false);
		p += (bm_pfn_t)1 << o;
		moved += 1ul << o;
	}
	bm_set_pageblock_migratetype(m, start, new_mt);
	return moved;
}

/**
 * bm_move_freepages_block - retype @pfn's pageblock, free pages included
 * @m: machine after free_area_init
 * @pfn: any pfn of the pageblock
 * @mt: new migratetype
 *
 * For code that changes a pageblock's type after its memory reached the
 * buddy (isolation, CMA activation): a pageblock inside a larger free block
 * is split out first, as move_freepages_block_isolate does (the block is
 * taken off its list and freed again in pageblock pieces, each with its own
 * type, the retyped piece included), otherwise its free blocks move lists.
 * A pageblock that is not inside one zone is recorded as BM_V_MISUSE.
 *
 * Return: free pages now on the @mt lists because of the change.
 * Context: takes the zone lock.
 */
unsigned long bm_move_freepages_block(struct bm_machine *m, bm_pfn_t pfn, int mt)
{
	unsigned long nr_pb = bm_pageblock_nr_pages(m), moved = 0, nr_free;
	bm_pfn_t start = BM_ALIGN_DOWN(pfn, (bm_pfn_t)nr_pb), s;
	struct bm_zone *zone = bm_pfn_zone(m, start);
	int old_mt;

	if (mt < 0 || mt >= MIGRATE_TYPES || !zone || !zone_spans(zone, start + nr_pb - 1)) {
		bm_violation(m, BM_V_MISUSE, start, start + nr_pb, __func__,
			     "pageblock %#llx cannot become %s: not inside one zone",
			     (unsigned long long)start, bm_migratetype_name(mt));
		return 0;
	}
	bm_zone_lock(zone);
	old_mt = bm_get_pageblock_migratetype(m, start);
	if (old_mt == mt)
		goto out;
	for (unsigned int o = bm_pageblock_order(m) + 1; o <= bm_max_order(m); o++) {
		bm_pfn_t head = BM_ALIGN_DOWN(start, (bm_pfn_t)1 << o);

		if (bm_page_is_buddy(m, head) && bm_pfn_to_page(m, head)->order == o &&
		    zone_spans(zone, head)) {
			bm_buddy_del_free(m, zone, head, o, bm_get_pageblock_migratetype(m, head));
			bm_set_pageblock_migratetype(m, start, mt);
			bm_split_large_buddy(m, zone, head, o, BM_FPI_NONE);
			moved = nr_pb;
			goto out;
		}
	}
	if (bm_prep_move_freepages_block(m, zone, start, &s, &nr_free))
		moved = bm_move_freepages_block_locked(m, zone, start, old_mt, mt);
out:
	bm_zone_unlock(zone);
	return moved;
}

/* --- stealing: pageblocks changing hands (Linux v6.12 semantics) --------- */

/* The kernel's fallbacks[] table: where each type looks when its lists are empty. */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/* can_steal_fallback(): may a fallback at @order claim the whole pageblock? */
static bool can_steal_fallback(struct bm_machine *m, unsigned int order, int start_mt)
{
	if (order >= bm_pageblock_order(m))
		return true;
	return order >= bm_pageblock_order(m) / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

/* find_suitable_fallback(): the first fallback type with a block at @order. */
static int find_suitable_fallback(struct bm_machine *m, const struct bm_free_area *area,
				  unsigned int order, int start_mt, bool *can_steal)
{
	*can_steal = false;
	for (unsigned int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[start_mt][i];

		if (area->head[fmt] == BM_LIST_END)
			continue;
		*can_steal = can_steal_fallback(m, order, start_mt);
		return fmt;
	}
	return -1;
}

/*
 * steal_suitable_fallback(): take the block at @pfn (order @cur, on a
 * fallback list) for a @start_mt request of @order. A block of at least a
 * pageblock is claimed whole: its pageblocks become @start_mt. A smaller
 * one claims its pageblock if allowed (@whole_block) and at least half of
 * it is free or compatible: all its free pages move to @start_mt and the
 * request is served from the @start_mt lists. Otherwise only the block is
 * taken, the remainder staying on the fallback type's lists. Pageblocks of
 * HIGHATOMIC, CMA or ISOLATE are never claimed.
 */
static bm_pfn_t steal_suitable_fallback(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
					unsigned int cur, unsigned int order, int start_mt,
					bool whole_block)
{
	int block_mt = bm_get_pageblock_migratetype(m, pfn);
	unsigned int pb_order = bm_pageblock_order(m);
	unsigned long nr_free, alike;
	bm_pfn_t start;

	if (block_mt == MIGRATE_HIGHATOMIC || block_mt == MIGRATE_CMA ||
	    block_mt == MIGRATE_ISOLATE)
		goto single_page;
	if (cur >= pb_order) {
		bm_buddy_del_free(m, zone, pfn, cur, block_mt);
		bm_change_pageblock_range(m, pfn, cur, start_mt);
		bm_buddy_expand(m, zone, pfn, order, cur, start_mt);
		return pfn;
	}
	if (!whole_block || !bm_prep_move_freepages_block(m, zone, pfn, &start, &nr_free))
		goto single_page;
	/* No page counts as movable (bm_prep_move_freepages_block): a movable request has no alike
	 * pages; a non-movable one in a MOVABLE block counts every used page. */
	if (start_mt == MIGRATE_MOVABLE || block_mt != MIGRATE_MOVABLE)
		alike = 0;
	else
		alike = bm_pageblock_nr_pages(m) - nr_free;
	if (nr_free + alike >= (1ul << (pb_order - 1))) {
		bm_move_freepages_block_locked(m, zone, start, block_mt, start_mt);
		return bm_rmqueue_smallest(m, zone, order, start_mt);
	}
single_page:
	bm_buddy_del_free(m, zone, pfn, cur, block_mt);
	bm_buddy_expand(m, zone, pfn, order, cur, block_mt);
	return pfn;
}

/**
 * bm_rmqueue_fallback - __rmqueue_fallback: serve a request from another type
 * @m: machine
 * @zone: zone whose lock is held
 * @order: requested order
 * @start_mt: requested migratetype (UNMOVABLE, MOVABLE or RECLAIMABLE)
 * @alloc_flags: BM_ALLOC_NOFRAGMENT or 0
 *
 * Looks for the largest block of a fallback type (fallbacks[] order), to
 * steal as much of one pageblock as possible; a movable request that may
 * not claim the block takes the smallest fitting one instead. Under
 * BM_ALLOC_NOFRAGMENT only blocks of at least a pageblock are taken.
 *
 * Return: head pfn of an order-@order block off the lists, or BM_NO_PFN.
 * Context: @zone's lock held.
 */
bm_pfn_t bm_rmqueue_fallback(struct bm_machine *m, struct bm_zone *zone, unsigned int order,
			     int start_mt, unsigned int alloc_flags)
{
	unsigned int min_order = order, cur;
	bool can_steal = false;
	int fmt = -1;

	if (order < bm_pageblock_order(m) && (alloc_flags & BM_ALLOC_NOFRAGMENT))
		min_order = bm_pageblock_order(m);
	for (cur = bm_max_order(m) + 1; cur-- > min_order;) {
		fmt = find_suitable_fallback(m, &zone->free_area[cur], cur, start_mt, &can_steal);
		if (fmt < 0)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && cur > order)
			goto find_smallest;
		goto do_steal;
	}
	return BM_NO_PFN;

find_smallest:
	for (cur = order; cur <= bm_max_order(m); cur++) {
		fmt = find_suitable_fallback(m, &zone->free_area[cur], cur, start_mt, &can_steal);
		if (fmt >= 0)
			break;
	}
do_steal:
	return steal_suitable_fallback(m, zone, zone->free_area[cur].head[fmt], cur, order,
				       start_mt, can_steal);
}
