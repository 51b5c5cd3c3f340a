// SPDX-License-Identifier: MIT
/*
 * The buddy allocator: free lists, freeing with merging (__free_one_page),
 * allocation with splitting, CMA balancing, fallback and stealing, and the
 * memblock hand-off entry (__free_pages_core). Semantics follow Linux v6.12
 * mm/page_alloc.c; the free-list encoding is described in internal.h.
 *
 * What is left out, on purpose: per-cpu page lists (every allocation and
 * free goes straight to the zone's lists, as rmqueue_buddy and
 * free_one_page do), watermarks and reclaim, page shuffling
 * (page_alloc.shuffle is off by default), the highatomic reserve, and
 * compaction capture. None of them changes which struct pages the boot path
 * reads, which is what bootmm checks.
 */
#include "internal.h"


/*
 * bm_pfn_to_page, inlined: every list step and buddy test goes through it,
 * and the core is built position-independent, so a call to the exported
 * function is never inlined across (or even within) files. NULL without a
 * memory map, as there.
 */
static inline struct page *pg(struct bm_machine *m, bm_pfn_t pfn)
{
	struct page *map;

	if (pfn >= (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION)
		return NULL;
	map = m->mm.sections[pfn / BM_PAGES_PER_SECTION].map;
	return map ? map + pfn % BM_PAGES_PER_SECTION : NULL;
}

/*
 * The struct page of a block linked on a free list (or about to be): the
 * allocator put it there, so it has a memory map and no test is needed.
 * The checker (bm_zone_for_each_free_block, bm_mm_check) is what vets
 * links that might be corrupt, before anything follows them.
 */
static inline struct page *lpg(struct bm_machine *m, uint32_t pfn)
{
	return m->mm.sections[pfn / BM_PAGES_PER_SECTION].map + pfn % BM_PAGES_PER_SECTION;
}

/*
 * bm_page_read of @page (the struct page of @pfn), with the sanitizer's
 * shadow test inlined: only a read it must record goes out of line, to
 * bm_page_read itself, so what is recorded is unchanged. Without checks
 * there is nothing to test, as in bm_page_read.
 */
static inline struct page *page_read(struct bm_machine *m, struct page *page, bm_pfn_t pfn,
				     const char *func)
{
#if BOOTMM_CHECKS
	if (__builtin_expect(!((m->mm.init_bitmap[pfn >> 6] >> (pfn & 63)) & 1), 0))
		return bm_page_read(m, pfn, func);
#else
	(void)m;
	(void)pfn;
	(void)func;
#endif
	return page;
}

/* bm_get_pageblock_migratetype, inlined for the free path (same rule). */
static inline int pb_mt(struct bm_machine *m, bm_pfn_t pfn)
{
	if (!m->mm.pageblock_mt || pfn >= (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION)
		return MIGRATE_MOVABLE;
	return __atomic_load_n(&m->mm.pageblock_mt[pfn >> bm_pageblock_order(m)],
			       __ATOMIC_RELAXED);
}

/* bm_buddy_usable's test, inlined; the refusal (and its record) stays there. */
static inline bool buddy_usable(struct bm_machine *m, const char *func, bm_pfn_t pfn)
{
	if (__builtin_expect(!m->dead && m->mm.buddy_ready, 1))
		return true;
	return bm_buddy_usable(m, func, pfn);
}

/* bm_pfn_deferred (early_page_uninitialised), inlined. */
static inline bool pfn_deferred(struct bm_machine *m, bm_pfn_t pfn);
/*
 * Is any page of the block at @pfn (order at most max_order) deferred? The
 * block lies in one section, so on one node, and its last page is deferred
 * if any is: one lookup for both ends.
 */
static inline bool pfn_deferred_block(struct bm_machine *m, bm_pfn_t pfn, unsigned int order)
{
	return pfn_deferred(m, pfn | (((bm_pfn_t)1 << order) - 1));
}

static inline bool pfn_deferred(struct bm_machine *m, bm_pfn_t pfn)
{
	const struct bm_section *sec;

	if (pfn >= (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION)
		return false;
	sec = &m->mm.sections[pfn / BM_PAGES_PER_SECTION];
	return sec->present && sec->nid >= 0 && pfn >= m->mm.nodes[sec->nid].first_deferred_pfn;
}

/* The block sizes bootmm supports keep a block inside one section, so the
 * struct pages of a block are contiguous in the memory map. */
_Static_assert(((bm_pfn_t)1 << (BM_MAX_ORDER_LIMIT - 1)) <= BM_PAGES_PER_SECTION,
	       "a buddy block must not span two sections");

static inline bool zone_spans(const struct bm_zone *z, bm_pfn_t pfn)
{
	return pfn - z->zone_start_pfn < z->spanned_pages;	/* one unsigned compare */
}

/* page_zone(): the zone a struct page's flags link it to, NULL if garbage. */
static inline struct bm_zone *page_zone(struct bm_machine *m, const struct page *page)
{
	/* bm_page_nid and bm_page_zonenum, inlined */
	unsigned int nid = (page->flags & PG_NODE_MASK) >> PG_NODE_SHIFT;
	unsigned int zt = (page->flags & PG_ZONE_MASK) >> PG_ZONE_SHIFT;

	if (!m->mm.nodes || nid >= BM_MAX_NUMNODES || zt >= BM_NR_ZONES)
		return NULL;
	return &m->mm.nodes[nid].zones[zt];
}

/* The kernel's page_zone_id(): node and zone bits together. */
static inline uint32_t zone_id(const struct page *page)
{
	return page->flags & (PG_ZONE_MASK | PG_NODE_MASK);
}

/* migratetype_is_mergeable(): only the per-cpu types merge across types. */
static inline bool mt_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/*
 * page_is_buddy(): is @buddy the free head of an order-@order block in the
 * zone @zid? A head whose list record is garbage is not trusted. The flags
 * are loaded atomically: the candidate may be a page another thread is
 * preparing for its own free in __free_pages_core, outside the zone lock
 * (it is not free yet, so the answer is no either way).
 */
static inline bool is_buddy_of(const struct page *buddy, unsigned int order, uint32_t zid)
{
	uint32_t flags = __atomic_load_n(&buddy->flags, __ATOMIC_RELAXED);

	return (flags & PG_buddy) && buddy->order == order &&
	       (flags & (PG_ZONE_MASK | PG_NODE_MASK)) == zid && bm_buddy_list_mt(buddy) >= 0;
}

/* --- free lists ------------------------------------------------------------ */

static inline void list_link(struct bm_machine *m, struct bm_free_area *area, int mt,
		      bm_pfn_t pfn, struct page *page, bool to_tail)
{
	uint32_t first = area->head[mt];
	struct page *fp;

	if (first == BM_LIST_END) {
		page->lru_next = BM_LIST_END;
		page->lru_prev = (uint32_t)pfn;	/* alone: first and last */
		area->head[mt] = (uint32_t)pfn;
		return;
	}
	fp = lpg(m, first);
	if (to_tail) {
		lpg(m, fp->lru_prev)->lru_next = (uint32_t)pfn;
		page->lru_prev = fp->lru_prev;
		page->lru_next = BM_LIST_END;
		fp->lru_prev = (uint32_t)pfn;
	} else {
		page->lru_next = first;
		page->lru_prev = fp->lru_prev;	/* the last block */
		fp->lru_prev = (uint32_t)pfn;
		area->head[mt] = (uint32_t)pfn;
	}
}

static inline void list_unlink(struct bm_machine *m, struct bm_free_area *area, int mt,
			bm_pfn_t pfn, struct page *page)
{
	uint32_t next = page->lru_next, prev = page->lru_prev;

	if (area->head[mt] == pfn) {
		area->head[mt] = next;
		if (next != BM_LIST_END)
			lpg(m, next)->lru_prev = prev;	/* prev was the last */
	} else {
		lpg(m, prev)->lru_next = next;
		/* the next block's back link, or the first block's link to the last */
		lpg(m, next != BM_LIST_END ? next : area->head[mt])->lru_prev = prev;
	}
	page->lru_next = page->lru_prev = BM_LIST_END;
}

/*
 * The list operations below come in two forms: a static inline one the hot
 * paths use with the struct page already in hand, and the exported one
 * (internal.h) that pageblock.c calls. Same effect.
 */
static inline void add_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			    struct page *page, unsigned int order, int mt, bool to_tail)
{
	page->flags = (page->flags | PG_buddy) & ~PG_bm_tail_free;
	page->order = order;
	page->mapcount = BM_BUDDY_MAPCOUNT(mt);
	list_link(m, &zone->free_area[order], mt, pfn, page, to_tail);
	zone->free_area[order].nr_free[mt]++;
	zone->nr_free_pages += 1ul << order;
	if (mt == MIGRATE_CMA)
		zone->nr_free_cma_pages += 1ul << order;
}

/* __add_to_free_list; documented in internal.h. Context: zone lock held. */
void bm_buddy_add_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       unsigned int order, int mt, bool to_tail)
{
	add_free(m, zone, pfn, pg(m, pfn), order, mt, to_tail);
}

/* del_free once the head is known to be a free head on list @list_mt (>= 0). */
static inline void unlink_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			       struct page *page, unsigned int order, int mt, int list_mt)
{
	if (list_mt != mt)
		bm_violation(m, BM_V_MIGRATETYPE, pfn, pfn + (1ul << order), "__del_page_from_free_list",
			     "page type is %s, passed migratetype is %s",
			     bm_migratetype_name(list_mt), bm_migratetype_name(mt));
	list_unlink(m, &zone->free_area[order], list_mt, pfn, page);
	zone->free_area[order].nr_free[list_mt]--;
	zone->nr_free_pages -= 1ul << order;
	if (list_mt == MIGRATE_CMA)
		zone->nr_free_cma_pages -= 1ul << order;
	page->flags &= ~PG_buddy;
	page->order = 0;
	page->mapcount = -1;
}

static inline void del_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			    struct page *page, unsigned int order, int mt)
{
	int list_mt = bm_buddy_list_mt(page);

	BM_ASSERT(m, (page->flags & PG_buddy) && page->order == order && list_mt >= 0,
		  "pfn %#llx flags %#x order %u/%u mapcount %d", (unsigned long long)pfn,
		  page->flags, page->order, order, page->mapcount);
	if (list_mt < 0)
		return;	/* not on any list: unlinking would corrupt one */
	unlink_free(m, zone, pfn, page, order, mt, list_mt);
}

/* __del_page_from_free_list; documented in internal.h. Context: zone lock held. */
void bm_buddy_del_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       unsigned int order, int mt)
{
	del_free(m, zone, pfn, pg(m, pfn), order, mt);
}

/* Documented in internal.h. Context: any; never records an uninitialised read. */
bool bm_page_is_buddy(struct bm_machine *m, bm_pfn_t pfn)
{
	return bm_page_initialised(m, pfn) && (pg(m, pfn)->flags & PG_buddy);
}

/* Documented in internal.h: the lowest aligned head at or below @pfn whose
 * order reaches @pfn. Context: any; zone lock for a stable answer. */
bm_pfn_t bm_pfn_free_block(struct bm_machine *m, bm_pfn_t pfn, unsigned int *order)
{
	for (unsigned int o = 0; o <= bm_max_order(m); o++) {
		bm_pfn_t head = pfn & ~(((bm_pfn_t)1 << o) - 1);

		if (bm_page_is_buddy(m, head) && pg(m, head)->order >= o) {
			if (order)
				*order = pg(m, head)->order;
			return head;
		}
	}
	return BM_NO_PFN;
}

static long walk_broken(struct bm_machine *m, struct bm_zone *z, unsigned int o, int mt,
			bm_pfn_t pfn, const char *what)
{
	bm_violation(m, BM_V_INVARIANT, pfn, pfn + 1, "bm_zone_for_each_free_block",
		     "node %d zone %s order %u %s list: %s", z->nid, bm_zone_name(z->type), o,
		     bm_migratetype_name(mt), what);
	return -1;
}

/* Documented in internal.h. Context: zone lock held or zone quiescent. */
long bm_zone_for_each_free_block(struct bm_machine *m, struct bm_zone *zone,
				 bm_free_block_fn fn, void *arg)
{
	long visited = 0;

	if (!zone->spanned_pages)
		return 0;
	for (unsigned int o = 0; o <= bm_max_order(m); o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			const struct bm_free_area *area = &zone->free_area[o];
			uint32_t first = area->head[mt], prev = BM_LIST_END, cur = first;
			unsigned long n = 0;

			while (cur != BM_LIST_END) {
				struct page *page = bm_pfn_valid(m, cur) ? pg(m, cur) : NULL;

				if (!page)
					return walk_broken(m, zone, o, mt, cur, "link to a pfn without memmap");
				if (++n > area->nr_free[mt])
					return walk_broken(m, zone, o, mt, cur, "longer than its nr_free");
				if (prev != BM_LIST_END && page->lru_prev != prev)
					return walk_broken(m, zone, o, mt, cur, "lru_prev mismatch");
				visited++;
				if (fn && !fn(m, zone, cur, o, mt, arg))
					return visited;
				prev = cur;
				cur = page->lru_next;
			}
			if (n != area->nr_free[mt])
				return walk_broken(m, zone, o, mt, first, "shorter than its nr_free");
			if (first != BM_LIST_END && pg(m, first)->lru_prev != prev)
				return walk_broken(m, zone, o, mt, first, "first lru_prev is not the last");
		}
	}
	return visited;
}

/* --- freeing ---------------------------------------------------------------- */

/*
 * buddy_merge_likely(): if the block one order up would be free once this
 * one's buddy is freed, put this block at the tail so it is less likely to
 * be allocated before that merge happens. Like the kernel it reads the
 * struct page of the higher buddy without knowing it is initialised.
 */
static inline bool buddy_merge_likely(struct bm_machine *m, struct bm_zone *zone,
				      struct page *page, bm_pfn_t pfn, bm_pfn_t buddy_pfn,
				      unsigned int order, uint32_t zid)
{
	bm_pfn_t higher, higher_buddy;
	struct page *hb;

	if (order + 1 >= bm_max_order(m) || buddy_pfn == BM_NO_PFN)
		return false;
	higher = buddy_pfn & pfn;
	higher_buddy = higher ^ ((bm_pfn_t)1 << (order + 1));
	if (!zone_spans(zone, higher_buddy))
		return false;
	/* order + 2 <= max_order: the block of both lies in one section. */
	hb = page + (higher_buddy - pfn);
	return is_buddy_of(page_read(m, hb, higher_buddy, "buddy_merge_likely"), order + 1, zid);
}

static inline void free_one_page_locked(struct bm_machine *m, struct bm_zone *zone,
					bm_pfn_t pfn, struct page *page, unsigned int order,
					int mt, unsigned int fpi)
{
	uint32_t zid = zone_id(page);
	unsigned int max_order = bm_max_order(m), pb_order = bm_pageblock_order(m);
	bm_pfn_t buddy_pfn = BM_NO_PFN;
	bool to_tail;

	if (order)
		for (unsigned long i = 1; i < (1ul << order); i++)
			page[i].flags |= PG_bm_tail_free;

	while (order < max_order) {
		int buddy_mt = mt;
		struct page *buddy;

		buddy_pfn = pfn ^ ((bm_pfn_t)1 << order);
		if (!zone_spans(zone, buddy_pfn))
			break;
		/*
		 * Below max_order the block of both buddies lies in one section
		 * (the static assertion above): the buddy's struct page is
		 * next to @page in the same map, valid as @pfn's is.
		 */
		buddy = page_read(m, page + (buddy_pfn - pfn), buddy_pfn, "__free_one_page");
		if (!is_buddy_of(buddy, order, zid))
			break;
		if (order >= pb_order) {
			buddy_mt = pb_mt(m, buddy_pfn);
			if (mt != buddy_mt && (!mt_mergeable(mt) || !mt_mergeable(buddy_mt)))
				break;
		}
		/* is_buddy_of vetted the head: unlink without asserting it again */
		unlink_free(m, zone, buddy_pfn, buddy, order, buddy_mt, bm_buddy_list_mt(buddy));
		if (buddy_mt != mt)
			bm_change_pageblock_range(m, buddy_pfn, order, mt);
		/* The upper of the two heads becomes a tail of the merged block. */
		if (buddy_pfn > pfn) {
			buddy->flags |= PG_bm_tail_free;
		} else {
			page->flags |= PG_bm_tail_free;
			page = buddy;
		}
		pfn &= buddy_pfn;
		order++;
	}

	if (fpi & BM_FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(m, zone, page, pfn, buddy_pfn, order, zid);
	page->refcount = 0;
	add_free(m, zone, pfn, page, order, mt, to_tail);
}

/**
 * bm_free_one_page_locked - __free_one_page with the zone lock held
 * @m: machine
 * @zone: zone of the block
 * @pfn: head of the block, aligned, initialised, not free
 * @order: block order
 * @mt: the block's pageblock migratetype
 * @fpi: BM_FPI_NONE or BM_FPI_TO_TAIL
 *
 * Marks the block free, merges it with free buddies while the buddy is in
 * the zone, has a memory map, and is a free head of the same order and zone;
 * at order >= pageblock_order a non-mergeable type (HIGHATOMIC, CMA,
 * ISOLATE) on either side with different types stops the merge, and a
 * mergeable buddy of another type is retyped to @mt (all its pageblocks, so
 * the block-covers-one-type invariant holds). The buddy's struct page is read
 * through bm_page_read: an uninitialised buddy is recorded, as the read the
 * kernel does there is the bug. The merged block goes to the head of its
 * list, or the tail with BM_FPI_TO_TAIL or when buddy_merge_likely().
 *
 * Context: @zone's lock held.
 */
void bm_free_one_page_locked(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			     unsigned int order, int mt, unsigned int fpi)
{
	free_one_page_locked(m, zone, pfn, pg(m, pfn), order, mt, fpi);
}

static inline void split_large_buddy(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
				     unsigned int order, unsigned int fpi)
{
	unsigned int piece = BM_MIN(order, bm_pageblock_order(m));
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << order);
	struct page *page = pg(m, pfn);

	if (order <= piece) {	/* the usual case: one piece */
		free_one_page_locked(m, zone, pfn, page, order, pb_mt(m, pfn), fpi);
		return;
	}
	/* Pieces of a block within max_order are in one section: contiguous. */
	for (; pfn < end; pfn += (bm_pfn_t)1 << piece, page += (bm_pfn_t)1 << piece)
		free_one_page_locked(m, zone, pfn, page, piece, pb_mt(m, pfn), fpi);
}

/**
 * bm_split_large_buddy - free a block in pieces of at most a pageblock
 * @m: machine
 * @zone: zone of the block
 * @pfn: head, aligned
 * @order: block order (any up to max_order)
 * @fpi: BM_FPI_* flags
 *
 * The kernel's split_large_buddy: each piece is freed with its own
 * pageblock's migratetype, so a block spanning a CMA and a MOVABLE
 * pageblock ends on the right lists (pieces of one type merge back).
 * Context: @zone's lock held.
 */
void bm_split_large_buddy(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			  unsigned int order, unsigned int fpi)
{
	split_large_buddy(m, zone, pfn, order, fpi);
}

/*
 * Validate the block a free entry point was given and find its zone.
 * @head is the struct page, already read through bm_page_read by the
 * caller. Records BM_V_MISUSE and returns NULL if the block is not a
 * freeable block of one zone.
 */
static inline struct bm_zone *free_block_zone(struct bm_machine *m, bm_pfn_t pfn,
					      unsigned int order, const char *func)
{
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << (order <= bm_max_order(m) ? order : 0));
	struct bm_zone *zone;
	struct page *head = order <= bm_max_order(m) ? pg(m, pfn) : NULL;

	if (!head || !BM_IS_ALIGNED(pfn, (bm_pfn_t)1 << order)) {
		bm_violation(m, BM_V_MISUSE, pfn, end, func,
			     "bad block: pfn %#llx order %u (max order %u)",
			     (unsigned long long)pfn, order, bm_max_order(m));
		return NULL;
	}
	head = page_read(m, head, pfn, func);
	zone = page_zone(m, head);
	if (!zone || !zone_spans(zone, pfn) || !zone_spans(zone, end - 1)) {
		bm_violation(m, BM_V_MISUSE, pfn, end, func,
			     "block pfn %#llx order %u is not inside its zone (flags %#x)",
			     (unsigned long long)pfn, order, head->flags);
		return NULL;
	}
	if (head->flags & (PG_buddy | PG_bm_tail_free)) {
		bm_violation(m, BM_V_MISUSE, pfn, end, func,
			     "pfn %#llx is already free (double free)", (unsigned long long)pfn);
		return NULL;
	}
	return zone;
}

/* free_one_page(): take the lock, free in pageblock pieces. */
static inline void free_one_page(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			  unsigned int order, unsigned int fpi)
{
	bm_zone_lock(zone);
	split_large_buddy(m, zone, pfn, order, fpi);
	bm_zone_unlock(zone);
}

/**
 * bm_free_one_page - __free_one_page for callers without the zone lock
 * @m: machine
 * @pfn: head of the block: aligned, initialised, allocated or fresh
 * @order: block order, at most max_order
 * @mt: migratetype of the list (callers pass the pageblock's)
 *
 * See bm_free_one_page_locked(); a block of order above pageblock_order is
 * freed as one block with @mt (use bm_free_pages_core or bm_free_pages for
 * the kernel's split by pageblock). A bad block or @mt is recorded as
 * BM_V_MISUSE and nothing is freed.
 * Context: takes the zone lock; any phase after free_area_init.
 */
void bm_free_one_page(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt)
{
	struct bm_zone *zone = free_block_zone(m, pfn, order, "__free_one_page");

	if (!zone)
		return;
	if (mt < 0 || mt >= MIGRATE_TYPES) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__, "bad migratetype %d", mt);
		return;
	}
	bm_zone_lock(zone);
	bm_free_one_page_locked(m, zone, pfn, order, mt, BM_FPI_NONE);
	bm_zone_unlock(zone);
}

/**
 * bm_free_pages_core - the memblock and deferred-init hand-off of a block
 * @m: machine
 * @pfn: head of the block; every struct page of it initialised
 * @order: block order
 *
 * The kernel's __free_pages_core: clear PG_reserved and set refcount 0 on
 * every page, add 2^@order to the zone's managed_pages, then free with
 * FPI_TO_TAIL in pageblock pieces (each with its pageblock's migratetype).
 * totalram is the caller's to count. Only the head is read through
 * bm_page_read (one report per block, not per page). A block with a page
 * already free is recorded as BM_V_MISUSE and left alone. A block across a
 * zone boundary is freed as its two halves, recursively: x86 zone
 * boundaries are MAX_ORDER-aligned so the kernel never meets one, but
 * bootmm's configurable boundaries may cut a block memblock_free_all makes.
 *
 * Context: takes the zone lock; safe from deferred-init threads.
 */
void bm_free_pages_core(struct bm_machine *m, bm_pfn_t pfn, unsigned int order)
{
	struct bm_zone *zone;
	unsigned long nr = 1ul << order;
	struct page *page;

	if (order && order <= bm_max_order(m) && BM_IS_ALIGNED(pfn, (bm_pfn_t)nr) &&
	    bm_pfn_zone(m, pfn) != bm_pfn_zone(m, pfn + nr - 1)) {
		bm_free_pages_core(m, pfn, order - 1);
		bm_free_pages_core(m, pfn + nr / 2, order - 1);
		return;
	}
	zone = free_block_zone(m, pfn, order, "__free_pages_core");
	if (!zone)
		return;
	page = pg(m, pfn);
	for (unsigned long i = 1; i < nr; i++) {
		if (page[i].flags & (PG_buddy | PG_bm_tail_free)) {
			bm_violation(m, BM_V_MISUSE, pfn + i, pfn + i + 1, "__free_pages_core",
				     "pfn %#llx of the block is already free",
				     (unsigned long long)(pfn + i));
			return;
		}
	}
	/*
	 * Outside the zone lock, as in the kernel: a thread freeing next door
	 * may read these flags as a buddy candidate, so they are stored
	 * atomically. Only this thread writes them until the block is linked,
	 * so a relaxed load and store suffice: no locked read-modify-write per
	 * page (that was 41 % of a 1 TiB boot), none at all for deferred pages,
	 * which are never Reserved.
	 */
	for (unsigned long i = 0; i < nr; i++) {
		uint32_t f = __atomic_load_n(&page[i].flags, __ATOMIC_RELAXED);

		if (f & PG_reserved)
			__atomic_store_n(&page[i].flags, f & ~PG_reserved, __ATOMIC_RELAXED);
		page[i].refcount = 0;
	}
	__atomic_fetch_add(&zone->managed_pages, nr, __ATOMIC_RELAXED);
	free_one_page(m, zone, pfn, order, BM_FPI_TO_TAIL);
}

/**
 * bm_free_pages - drop a reference to an allocated block (__free_pages)
 * @m: machine
 * @pfn: head of the block
 * @order: the order it was allocated with
 *
 * At refcount zero the block is freed (split by pageblock, like
 * __free_pages_ok). If a reference remains the kernel frees everything but
 * the head page (the speculative-reference case of __free_pages on a
 * non-compound block): bootmm does too. Freeing a free, Reserved or
 * zero-refcount page is recorded as BM_V_MISUSE and ignored.
 * Context: takes the zone lock.
 */
static inline void put_pages(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			     unsigned int order);

void bm_free_pages(struct bm_machine *m, bm_pfn_t pfn, unsigned int order)
{
	struct bm_zone *zone;

	if (!buddy_usable(m, "__free_pages", pfn))
		return;
	/*
	 * The deferred part of the memory map was never handed to the
	 * allocator, so nothing there can have been allocated: a struct page
	 * initialised early there (the pre-fix KHO scratch init) has refcount
	 * 1 but no owner, and freeing it would put it on a free list that
	 * deferred init then initialises over (found by fuzz_api).
	 */
	if (order <= bm_max_order(m) ? pfn_deferred_block(m, pfn, order) :
	    (pfn_deferred(m, pfn) ||
	     (order < 32 && pfn_deferred(m, pfn + ((bm_pfn_t)1 << order) - 1)))) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "__free_pages",
			     "pfn %#llx is in the deferred memory map: never allocated",
			     (unsigned long long)pfn);
		return;
	}
	zone = free_block_zone(m, pfn, order, "__free_pages");
	if (!zone)
		return;
	put_pages(m, zone, pfn, order);
}

/* __free_pages' own checks and the put; free_reserved_page comes here too
 * (its page may lie in the deferred part: the policies decide that). */
static inline void put_pages(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			     unsigned int order)
{
	struct page *page = pg(m, pfn);

	if (page->flags & PG_reserved) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "__free_pages",
			     "pfn %#llx is Reserved (free_reserved_page releases those)",
			     (unsigned long long)pfn);
		return;
	}
	if (__atomic_load_n(&page->refcount, __ATOMIC_RELAXED) <= 0) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "__free_pages",
			     "pfn %#llx refcount is already %d", (unsigned long long)pfn,
			     page->refcount);
		return;
	}
	/*
	 * put_page_testzero. The kernel decrements atomically because of
	 * speculative references (get_page_unless_zero); bootmm takes none,
	 * so a page at refcount 1 is the caller's alone and needs no locked
	 * read-modify-write (a tenth of an order-0 free).
	 */
	if (__atomic_load_n(&page->refcount, __ATOMIC_RELAXED) == 1) {
		__atomic_store_n(&page->refcount, 0, __ATOMIC_RELAXED);
		free_one_page(m, zone, pfn, order, BM_FPI_NONE);
		return;
	}
	if (__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		free_one_page(m, zone, pfn, order, BM_FPI_NONE);
		return;
	}
	while (order-- > 0)
		free_one_page(m, zone, pfn + ((bm_pfn_t)1 << order), order, BM_FPI_NONE);
}

/**
 * bm_free_reserved_page - give one Reserved page to the buddy allocator
 * @m: machine
 * @pfn: the page
 *
 * The kernel's free_reserved_page: clear PG_reserved, refcount 1, put it
 * (freeing it at order 0 with its pageblock's migratetype), then
 * adjust_managed_page_count(+1): zone managed_pages and totalram_pages.
 * A page whose struct page is not initialised, or that is not Reserved, is
 * recorded as BM_V_MISUSE and left alone. The free itself reads the buddy's
 * struct page: freeing next to uninitialised memory is reported there.
 * Context: takes the zone lock; any phase after memblock_free_all.
 */
void bm_free_reserved_page(struct bm_machine *m, bm_pfn_t pfn)
{
	struct bm_zone *zone;
	struct page *page;

	if (!bm_buddy_usable(m, "free_reserved_page", pfn))
		return;
	if (!bm_page_initialised(m, pfn)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "free_reserved_page",
			     "struct page of pfn %#llx is not initialised",
			     (unsigned long long)pfn);
		return;
	}
	page = pg(m, pfn);
	if (!(page->flags & PG_reserved)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "free_reserved_page",
			     "pfn %#llx is not Reserved (flags %#x)", (unsigned long long)pfn,
			     page->flags);
		return;
	}
	zone = page_zone(m, page);
	if (!zone || !zone_spans(zone, pfn)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "free_reserved_page",
			     "pfn %#llx is outside its zone", (unsigned long long)pfn);
		return;
	}
	page->flags &= ~PG_reserved;
	page->refcount = 1;
	put_pages(m, zone, pfn, 0);
	__atomic_fetch_add(&zone->managed_pages, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->mm.totalram_pages, 1, __ATOMIC_RELAXED);
}

/**
 * bm_nr_free_pages - pages on every free list of every zone
 * @m: machine
 *
 * Return: the sum of zone->nr_free_pages (isolated pages included, unlike
 * the kernel's NR_FREE_PAGES).
 * Context: takes each zone lock in turn.
 */
unsigned long bm_nr_free_pages(struct bm_machine *m)
{
	unsigned long sum = 0;
	int nid;

	if (!m->mm.nodes)
		return 0;
	bm_for_each_online_node(m, nid) {
		for (int t = 0; t < BM_NR_ZONES; t++) {
			struct bm_zone *z = &m->mm.nodes[nid].zones[t];

			if (!z->spanned_pages)
				continue;
			bm_zone_lock(z);
			sum += z->nr_free_pages;
			bm_zone_unlock(z);
		}
	}
	return sum;
}

/* --- allocation ------------------------------------------------------------- */

/* expand(): the upper halves of a split block go back, largest first, to
 * the head of the @mt lists of decreasing orders. Context: zone lock held. */
static inline void expand(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			  struct page *page, unsigned int low, unsigned int high, int mt)
{
	/* A block below max_order lies in one section: its pages are contiguous. */
	while (high > low) {
		high--;
		add_free(m, zone, pfn + ((bm_pfn_t)1 << high), page + ((bm_pfn_t)1 << high), high,
			 mt, false);
	}
}

void bm_buddy_expand(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		     unsigned int low, unsigned int high, int mt)
{
	expand(m, zone, pfn, pg(m, pfn), low, high, mt);
}

static inline bm_pfn_t rmqueue_smallest(struct bm_machine *m, struct bm_zone *zone,
					unsigned int order, int mt)
{
	for (unsigned int o = order; o <= bm_max_order(m); o++) {
		uint32_t head = zone->free_area[o].head[mt];

		if (head != BM_LIST_END) {
			struct page *page = lpg(m, head);

			del_free(m, zone, head, page, o, mt);
			expand(m, zone, head, page, order, o, mt);
			return head;
		}
	}
	return BM_NO_PFN;
}

/* __rmqueue_smallest(): the first block of the smallest order that has one.
 * Context: zone lock held. */
bm_pfn_t bm_rmqueue_smallest(struct bm_machine *m, struct bm_zone *zone,
			     unsigned int order, int mt)
{
	return rmqueue_smallest(m, zone, order, mt);
}

/* Free pages of one type in @zone (zone_page_state of NR_FREE_CMA_PAGES etc.). */
static unsigned long zone_free_of_type(struct bm_machine *m, const struct bm_zone *zone, int mt)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o <= bm_max_order(m); o++)
		n += zone->free_area[o].nr_free[mt] << o;
	return n;
}

/* __rmqueue(): own type, CMA for movable requests, then fallback. */
static inline bm_pfn_t rmqueue(struct bm_machine *m, struct bm_zone *zone, unsigned int order,
			int mt, unsigned int alloc_flags)
{
	bm_pfn_t pfn;

	/* Balance movable allocations between CMA and the rest once more than
	 * half of the zone's free memory is CMA (NR_FREE_PAGES excludes ISOLATE). */
	if (alloc_flags & BM_ALLOC_CMA) {
		unsigned long cma = zone->nr_free_cma_pages;	/* NR_FREE_CMA_PAGES */

		/* No free CMA (the common case): nothing to balance, no count. */
		if (cma && cma > (zone->nr_free_pages -
				  zone_free_of_type(m, zone, MIGRATE_ISOLATE)) / 2) {
			pfn = rmqueue_smallest(m, zone, order, MIGRATE_CMA);
			if (pfn != BM_NO_PFN)
				return pfn;
		}
	}
	pfn = rmqueue_smallest(m, zone, order, mt);
	if (pfn == BM_NO_PFN && (alloc_flags & BM_ALLOC_CMA))
		pfn = rmqueue_smallest(m, zone, order, MIGRATE_CMA);
	if (pfn == BM_NO_PFN)
		pfn = bm_rmqueue_fallback(m, zone, order, mt, alloc_flags);
	return pfn;
}

/* prep_new_page(): allocated state: head refcount 1, no free marks. */
static inline void prep_new_page(struct bm_machine *m, bm_pfn_t pfn, unsigned int order)
{
	struct page *page = lpg(m, (uint32_t)pfn);	/* it was on a list */

	for (unsigned long i = 1; order && i < (1ul << order); i++) {
		BM_ASSERT(m, page[i].flags & PG_bm_tail_free, "pfn %#llx flags %#x",
			  (unsigned long long)(pfn + i), page[i].flags);
		page[i].flags &= ~PG_bm_tail_free;
	}
	page->flags &= ~(PG_buddy | PG_bm_tail_free);
	page->order = 0;
	page->refcount = 1;
}

static bool zone_populated(const struct bm_zone *z)
{
	return z->spanned_pages && z->present_pages;
}

/*
 * The zonelist of @nid (build_zonelists, node order): @nid's zones from
 * @highest down to DMA, then each other online node's by increasing
 * distance, bootmm's distance being |nid - other|, ties to the lower nid.
 */
static int build_zonelist(struct bm_machine *m, int nid, enum bm_zone_type highest,
			  struct bm_zone **zl)
{
	int n = 0;

	for (int d = 0; d < m->mm.nr_node_ids; d++) {
		int cand[2] = { nid - d, d ? nid + d : -1 };

		for (int c = 0; c < 2; c++) {
			struct bm_node *node;

			if (cand[c] < 0 || cand[c] >= m->mm.nr_node_ids)
				continue;
			node = &m->mm.nodes[cand[c]];
			if (!node->online)
				continue;
			for (int t = (int)highest; t >= 0; t--)
				if (zone_populated(&node->zones[t]))
					zl[n++] = &node->zones[t];
		}
	}
	return n;
}

/* zl[0] of build_zonelist, without building the rest; NULL if empty. */
static inline struct bm_zone *first_zone(struct bm_machine *m, int nid,
					 enum bm_zone_type highest, struct bm_zone **zl)
{
	struct bm_node *node = &m->mm.nodes[nid];

	if (node->online)
		for (int t = (int)highest; t >= 0; t--)
			if (zone_populated(&node->zones[t]))
				return &node->zones[t];
	return build_zonelist(m, nid, highest, zl) ? zl[0] : NULL;
}

static bool deferred_pages_enabled(struct bm_machine *m)
{
	return m->cfg.deferred_struct_page_init && !m->mm.deferred_done;
}

/* alloc_flags_nofragment(): a Normal preferred zone avoids fragmenting
 * itself before DMA32 has been tried (UMA, or DMA32 populated here). */
static unsigned int alloc_flags_nofragment(struct bm_machine *m, const struct bm_zone *pref)
{
	int online = 0, nid;

	if (pref->type != BM_ZONE_NORMAL)
		return 0;
	bm_for_each_online_node(m, nid)
		online++;
	if (online > 1 && !zone_populated(&m->mm.nodes[pref->nid].zones[BM_ZONE_DMA32]))
		return 0;
	return BM_ALLOC_NOFRAGMENT;
}

/**
 * bm_alloc_pages - allocate 2^@order pages (__alloc_pages, fast path)
 * @m: machine
 * @nid: preferred node; BM_NUMA_NO_NODE or an offline node means the first
 *       online node; negative (other than NUMA_NO_NODE) or >= MAX_NUMNODES is
 *       refused as misuse (the kernel's VM_BUG_ON)
 * @order: at most max_order
 * @highest_zone: highest zone type allowed (gfp_zone)
 * @mt: MIGRATE_UNMOVABLE, MIGRATE_MOVABLE or MIGRATE_RECLAIMABLE
 *      (gfp_migratetype can give nothing else)
 *
 * get_page_from_freelist over the zonelist (see build_zonelist): per zone,
 * __rmqueue; if it fails while deferred struct page init is pending the zone
 * is grown with bm_deferred_grow_zone and tried again, as the kernel does.
 * When the preferred zone is Normal the first pass is BM_ALLOC_NOFRAGMENT
 * (stops at a remote node, steals only whole pageblocks); a second pass
 * without it follows. Watermarks and reclaim are not modelled.
 *
 * Return: head pfn of the block (refcount 1), or BM_NO_PFN.
 * Context: takes zone locks; any phase after memblock_free_all.
 */
bm_pfn_t bm_alloc_pages(struct bm_machine *m, int nid, unsigned int order,
			enum bm_zone_type highest_zone, int mt)
{
	struct bm_zone *zl[BM_MAX_NUMNODES * BM_NR_ZONES];
	unsigned int alloc_flags;
	bool built = false;
	int n;

	if (order > bm_max_order(m) || mt < 0 || mt >= MIGRATE_PCPTYPES ||
	    (unsigned int)highest_zone >= BM_NR_ZONES) {
		bm_violation(m, BM_V_MISUSE, 0, 0, "__alloc_pages",
			     "bad request: order %u zone %d migratetype %d", order,
			     (int)highest_zone, mt);
		return BM_NO_PFN;
	}
	if (!buddy_usable(m, "__alloc_pages", 0))
		return BM_NO_PFN;
	/*
	 * __alloc_pages_node: VM_BUG_ON(nid < 0 || nid >= MAX_NUMNODES);
	 * NUMA_NO_NODE means the local node. A nid in range but offline (the
	 * kernel's VM_WARN_ON) falls back to the first online node.
	 */
	if (nid != BM_NUMA_NO_NODE && (nid < 0 || nid >= BM_MAX_NUMNODES)) {
		bm_violation(m, BM_V_MISUSE, 0, 0, "__alloc_pages",
			     "bad request: node %d (MAX_NUMNODES %d)", nid, BM_MAX_NUMNODES);
		return BM_NO_PFN;
	}
	if (!m->mm.nodes)
		return BM_NO_PFN;
	if (nid < 0 && m->mm.nr_node_ids > 0 && m->mm.nodes[0].online)
		nid = 0;	/* the first online node, found at once */
	if (nid < 0 || nid >= m->mm.nr_node_ids || !m->mm.nodes[nid].online) {
		int first = -1, i;

		bm_for_each_online_node(m, i)
			if (first < 0)
				first = i;
		if (first < 0)
			return BM_NO_PFN;
		nid = first;
	}
	/*
	 * Only the first zone of the zonelist is needed when it has the
	 * block, as it nearly always does: the rest is built when the walk
	 * gets past it.
	 */
	zl[0] = first_zone(m, nid, highest_zone, zl);
	if (!zl[0])
		return BM_NO_PFN;
	n = 1;
	alloc_flags = (mt == MIGRATE_MOVABLE ? BM_ALLOC_CMA : 0) | alloc_flags_nofragment(m, zl[0]);
retry:
	for (int i = 0; i < n; i++) {
		struct bm_zone *z = zl[i];

		if ((alloc_flags & BM_ALLOC_NOFRAGMENT) && z->nid != zl[0]->nid) {
			alloc_flags &= ~BM_ALLOC_NOFRAGMENT;	/* fragment locally first */
			goto retry;
		}
		for (;;) {
			bm_pfn_t pfn;

			bm_zone_lock(z);
			pfn = rmqueue(m, z, order, mt, alloc_flags);
			if (pfn != BM_NO_PFN)
				prep_new_page(m, pfn, order);
			bm_zone_unlock(z);
			if (pfn != BM_NO_PFN)
				return pfn;
			if (!deferred_pages_enabled(m) || !bm_deferred_grow_zone(m, z, order))
				break;
		}
		if (!built) {
			n = build_zonelist(m, nid, highest_zone, zl);
			built = true;
		}
	}
	if (alloc_flags & BM_ALLOC_NOFRAGMENT) {
		alloc_flags &= ~BM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return BM_NO_PFN;
}
