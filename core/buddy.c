// SPDX-License-Identifier: MIT
/*
 * The buddy allocator: freeing with merging (__free_one_page), the
 * memblock hand-off entry (__free_pages_core), the free-list walk and the
 * exported list operations. Allocation is in buddy_alloc.c, the inline
 * list code both use in buddy_lists.h. Semantics follow Linux v6.12
 * mm/page_alloc.c; the free-list encoding is described in internal.h.
 *
 * What is left out, on purpose: per-cpu page lists (every allocation and
 * free goes straight to the zone's lists, as rmqueue_buddy and
 * free_one_page do), watermarks and reclaim, page shuffling
 * (page_alloc.shuffle is off by default), the highatomic reserve, and
 * compaction capture. None of them changes which struct pages the boot path
 * reads, which is what bootmm checks.
 */
#include "buddy_lists.h"

/* __add_to_free_list; documented in internal.h. Context: zone lock held. */
void bm_buddy_add_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       unsigned int order, int mt, bool to_tail)
{
	add_free(m, zone, pfn, pg(m, pfn), order, mt, to_tail);
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
 * The struct page of @to, in the same map as @page (of @pfn). @to may lie
 * below @pfn: the unsigned difference is taken as a signed offset (GCC and
 * Clang define the conversion as modulo), since adding a wrapped unsigned
 * offset to a pointer is undefined even where it happens to work.
 */
static inline struct page *page_at_offset(struct page *page, bm_pfn_t pfn, bm_pfn_t to)
{
	return page + (long)(to - pfn);	/* a signed offset: no wrap, no branch */
}

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
	hb = page_at_offset(page, pfn, higher_buddy);
	return is_buddy_of(page_read(m, hb, higher_buddy, "buddy_merge_likely"), order + 1, zid);
}

/* Always inlined into free_pages_fast (the order-0 free), which it dominates. */
static inline __attribute__((always_inline))
void free_one_page_hot(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       struct page *page, unsigned int order, int mt, unsigned int fpi)
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
		buddy = page_read(m, page_at_offset(page, pfn, buddy_pfn), buddy_pfn,
				  "__free_one_page");
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
		/*
		 * The upper of the two heads becomes a tail of the merged block,
		 * the lower is its head: found by arithmetic, not a branch, since
		 * which side the buddy lies on is a coin toss in a random free.
		 */
		page = page_at_offset(page, pfn, pfn & buddy_pfn);
		page[(bm_pfn_t)1 << order].flags |= PG_bm_tail_free;
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

/* The same, left for the compiler to inline or not at its other callers. */
static inline void free_one_page_locked(struct bm_machine *m, struct bm_zone *zone,
					bm_pfn_t pfn, struct page *page, unsigned int order,
					int mt, unsigned int fpi)
{
	free_one_page_hot(m, zone, pfn, page, order, mt, fpi);
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
				     struct page *page, unsigned int order, unsigned int fpi)
{
	unsigned int piece = BM_MIN(order, bm_pageblock_order(m));
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << order);

	if (order <= piece) {	/* the usual case: one piece */
		free_one_page_locked(m, zone, pfn, page, order, pb_mt(m, pfn), fpi);
		return;
	}
	/* Several pieces: a large block, rare outside boot; not inlined here. */
	for (; pfn < end; pfn += (bm_pfn_t)1 << piece)
		bm_free_one_page_locked(m, zone, pfn, piece, pb_mt(m, pfn), fpi);
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
	split_large_buddy(m, zone, pfn, pg(m, pfn), order, fpi);
}

/*
 * Validate the block a free entry point was given and find its zone. The
 * head's struct page is read through bm_page_read here and stored in
 * *@headp (when not NULL) for the caller. Records BM_V_MISUSE and returns
 * NULL if the block is not a freeable block of one zone.
 */
static inline struct bm_zone *free_block_zone(struct bm_machine *m, bm_pfn_t pfn,
					      unsigned int order, const char *func,
					      struct page **headp)
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
	if (headp)
		*headp = head;
	return zone;
}

/* free_one_page(): take the lock, free in pageblock pieces. */
static inline void free_one_page(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
				 struct page *page, unsigned int order, unsigned int fpi)
{
	bm_zone_lock(zone);
	split_large_buddy(m, zone, pfn, page, order, fpi);
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
	struct bm_zone *zone = free_block_zone(m, pfn, order, "__free_one_page", NULL);

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

/*
 * __free_pages_core up to the free itself: vet the block, clear PG_reserved
 * and the refcounts. Return: the block's zone, NULL if refused (recorded).
 */
static inline struct bm_zone *pages_core_prepare(struct bm_machine *m, bm_pfn_t pfn,
						 unsigned int order, struct page **headp)
{
	struct bm_zone *zone;
	unsigned long nr = 1ul << order;
	struct page *page;

	zone = free_block_zone(m, pfn, order, "__free_pages_core", &page);
	if (!zone)
		return NULL;
	for (unsigned long i = 1; i < nr; i++) {
		if (page[i].flags & (PG_buddy | PG_bm_tail_free)) {
			bm_violation(m, BM_V_MISUSE, pfn + i, pfn + i + 1, "__free_pages_core",
				     "pfn %#llx of the block is already free",
				     (unsigned long long)(pfn + i));
			return NULL;
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
	*headp = page;
	return zone;
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
	zone = pages_core_prepare(m, pfn, order, &page);
	if (!zone)
		return;
	__atomic_fetch_add(&zone->managed_pages, nr, __ATOMIC_RELAXED);
	free_one_page(m, zone, pfn, page, order, BM_FPI_TO_TAIL);
}

/**
 * bm_buddy_private_init - empty free lists standing in for a zone
 * @lists: what to set up
 * @zone: the zone whose blocks will be freed into @lists
 *
 * For a unit of deferred init whose blocks merge only among themselves
 * (bm_free_pages_core_private, then bm_buddy_splice in unit order).
 * Context: any.
 */
void bm_buddy_private_init(struct bm_zone *lists, const struct bm_zone *zone)
{
	*lists = (struct bm_zone){ .nid = zone->nid, .type = zone->type,
				   .zone_start_pfn = zone->zone_start_pfn,
				   .spanned_pages = zone->spanned_pages };
	for (unsigned int o = 0; o < BM_MAX_ORDER_LIMIT; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			lists->free_area[o].head[t] = BM_LIST_END;
}

/**
 * bm_free_pages_core_private - __free_pages_core into private free lists
 * @m: machine
 * @lists: from bm_buddy_private_init() for the block's zone
 * @pfn: head of the block, inside one zone; every struct page initialised
 * @order: block order
 *
 * bm_free_pages_core() with @lists for the zone's lists and counters, and
 * no lock: the caller guarantees every buddy the block can merge with was
 * freed into @lists too (a section of deferred init, which no earlier free
 * reached). Refusals are recorded as there.
 * Context: only this thread uses @lists.
 */
void bm_free_pages_core_private(struct bm_machine *m, struct bm_zone *lists, bm_pfn_t pfn,
				unsigned int order)
{
	struct page *page;
	struct bm_zone *zone = pages_core_prepare(m, pfn, order, &page);

	if (!zone)
		return;
	BM_ASSERT(m, zone->nid == lists->nid && zone->type == lists->type,
		  "pfn %#llx: zone %d/%d, lists of %d/%d", (unsigned long long)pfn,
		  zone->nid, (int)zone->type, lists->nid, (int)lists->type);
	lists->managed_pages += 1ul << order;
	split_large_buddy(m, lists, pfn, page, order, BM_FPI_TO_TAIL);
}

/**
 * bm_buddy_splice - append private free lists to their zone's
 * @m: machine
 * @zone: the zone
 * @lists: from bm_free_pages_core_private(); left empty
 *
 * Each list of @lists goes after the zone's list of the same order and
 * type, and the counters are added: with every free FPI_TO_TAIL, freeing
 * units one after another into the zone gives these very lists when each
 * unit's are spliced in the same order.
 * Context: takes the zone lock.
 */
void bm_buddy_splice(struct bm_machine *m, struct bm_zone *zone, struct bm_zone *lists)
{
	bm_zone_lock(zone);
	for (unsigned int o = 0; o < BM_MAX_ORDER_LIMIT; o++) {
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			uint32_t first = lists->free_area[o].head[t], head = zone->free_area[o].head[t];

			if (first == BM_LIST_END)
				continue;
			if (head == BM_LIST_END) {
				zone->free_area[o].head[t] = first;
			} else {
				struct page *hp = lpg(m, head), *fp = lpg(m, first);
				uint32_t last = hp->lru_prev, last_new = fp->lru_prev;

				lpg(m, last)->lru_next = first;
				fp->lru_prev = last;
				hp->lru_prev = last_new;
			}
			zone->free_area[o].nr_free[t] += lists->free_area[o].nr_free[t];
			lists->free_area[o].head[t] = BM_LIST_END;
			lists->free_area[o].nr_free[t] = 0;
		}
	}
	zone->nr_free_pages += lists->nr_free_pages;
	zone->nr_free_cma_pages += lists->nr_free_cma_pages;
	__atomic_fetch_add(&zone->managed_pages, lists->managed_pages, __ATOMIC_RELAXED);
	lists->nr_free_pages = lists->nr_free_cma_pages = lists->managed_pages = 0;
	bm_zone_unlock(zone);
}

/*
 * The zone whose span holds @pfn on its section's node, the highest type
 * first; NULL if none. Only a guess at page_zone() (ZONE_MOVABLE's span
 * may overlap another zone's): free_pages_fast checks it against the
 * struct page's own links before it trusts it. Where spans overlap, a
 * page of the lower zone costs one more lock round trip than before.
 */
static inline struct bm_zone *zone_guess(struct bm_machine *m, int nid, bm_pfn_t pfn)
{
	if (nid < 0 || nid >= BM_MAX_NUMNODES || !m->mm.nodes)
		return NULL;
	for (int t = BM_NR_ZONES - 1; t >= 0; t--) {
		struct bm_zone *z = &m->mm.nodes[nid].zones[t];

		if (zone_spans(z, pfn))
			return z;
	}
	return NULL;
}

/*
 * bm_free_pages' common case, a block at refcount 1 that passes every
 * check, done with the zone lock taken before the block's struct page has
 * arrived. The lock is a locked instruction, which waits for every load
 * before it: taken after the read of the (cold) struct page, as the
 * general path must, it adds its own latency to the miss's. Here the
 * struct page is only prefetched, the zone is found from the pfn, and the
 * checks run under the lock, on the page now in cache. (The buddies are
 * not prefetched: GCC had silently deleted a prefetch_buddies() of four
 * orders as a const call, and made live it measured no faster, for 28
 * more instructions per free: 2026-12-07, docs/PERFORMANCE.md.)
 * Anything else (a check that fails, an uninitialised struct page, a zone
 * guessed wrong, a refcount above 1) unlocks having changed nothing and
 * returns false: the general path then does and records everything as
 * before. Return: true if the block was freed.
 */
static inline bool free_pages_fast(struct bm_machine *m, const struct bm_section *sec,
				   bm_pfn_t pfn, unsigned int order)
{
	struct bm_zone *zone;
	struct page *page;
	uint32_t flags;

	if (!sec->map || !BM_IS_ALIGNED(pfn, (bm_pfn_t)1 << order))
		return false;
	page = sec->map + pfn % BM_PAGES_PER_SECTION;	/* pg(), the section in hand */
	__builtin_prefetch(page, 1, 3);
	zone = zone_guess(m, sec->nid, pfn);
	if (!zone || !zone_spans(zone, pfn + ((bm_pfn_t)1 << order) - 1))
		return false;
	bm_zone_lock(zone);
#if BOOTMM_CHECKS
	/* page_read's test, without its record: the general path makes it. */
	if (!((m->mm.init_bitmap[pfn >> 6] >> (pfn & 63)) & 1))
		goto general;
#endif
	flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	/*
	 * page_zone(page) == zone, as the node and zone bits of the flags:
	 * @zone is a real zone, so bits that name none differ from its own.
	 */
	if ((flags & (PG_NODE_MASK | PG_ZONE_MASK)) != bm_page_links(zone->type, zone->nid) ||
	    (flags & (PG_buddy | PG_bm_tail_free | PG_reserved)) ||
	    __atomic_load_n(&page->refcount, __ATOMIC_RELAXED) != 1)
		goto general;
	__atomic_store_n(&page->refcount, 0, __ATOMIC_RELAXED);	/* put_page_testzero */
	if (order <= bm_pageblock_order(m))	/* split_large_buddy's one piece, inlined */
		free_one_page_hot(m, zone, pfn, page, order, pb_mt(m, pfn), BM_FPI_NONE);
	else
		split_large_buddy(m, zone, pfn, page, order, BM_FPI_NONE);
	bm_zone_unlock(zone);
	return true;
general:
	bm_zone_unlock(zone);
	return false;
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
			     struct page *page, unsigned int order);
static void free_pages_general(struct bm_machine *m, bm_pfn_t pfn, unsigned int order);

void bm_free_pages(struct bm_machine *m, bm_pfn_t pfn, unsigned int order)
{
	if (!buddy_usable(m, "__free_pages", pfn))
		return;
	/*
	 * The deferred part of the memory map was never handed to the
	 * allocator, so nothing there can have been allocated: a struct page
	 * initialised early there (the pre-fix KHO scratch init) has refcount
	 * 1 but no owner, and freeing it would put it on a free list that
	 * deferred init then initialises over (found by fuzz_api).
	 */
	if (order <= bm_max_order(m)) {
		/*
		 * The block lies in one section (the static assertion in
		 * buddy_lists.h), misaligned or not: one lookup serves
		 * pfn_deferred_block, pg() and the zone guess.
		 */
		if (pfn < (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION) {
			const struct bm_section *sec = &m->mm.sections[pfn / BM_PAGES_PER_SECTION];

			if (sec->present && sec->nid >= 0 &&
			    (pfn | (((bm_pfn_t)1 << order) - 1)) >=
			    m->mm.nodes[sec->nid].first_deferred_pfn)
				goto deferred;
			if (free_pages_fast(m, sec, pfn, order))
				return;
		}
	} else if (pfn_deferred(m, pfn) ||
		   (order < 32 && pfn_deferred(m, pfn + ((bm_pfn_t)1 << order) - 1))) {
		goto deferred;
	}
	free_pages_general(m, pfn, order);
	return;
deferred:
	bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "__free_pages",
		     "pfn %#llx is in the deferred memory map: never allocated",
		     (unsigned long long)pfn);
}

/*
 * bm_free_pages' general path: every check made and recorded, then the
 * put. Out of line, so that the common case (free_pages_fast) is not
 * compiled around a second copy of the freeing code.
 */
static __attribute__((noinline)) void free_pages_general(struct bm_machine *m, bm_pfn_t pfn,
							 unsigned int order)
{
	struct page *page;
	struct bm_zone *zone = free_block_zone(m, pfn, order, "__free_pages", &page);

	if (zone)
		put_pages(m, zone, pfn, page, order);
}

/* __free_pages' own checks and the put; free_reserved_page comes here too
 * (its page may lie in the deferred part: the policies decide that). */
static inline void put_pages(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			     struct page *page, unsigned int order)
{
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
		free_one_page(m, zone, pfn, page, order, BM_FPI_NONE);
		return;
	}
	if (__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		free_one_page(m, zone, pfn, page, order, BM_FPI_NONE);
		return;
	}
	while (order-- > 0)
		free_one_page(m, zone, pfn + ((bm_pfn_t)1 << order), page + ((bm_pfn_t)1 << order),
			      order, BM_FPI_NONE);
}

/**
 * bm_free_reserved_page - give one Reserved page to the buddy allocator
 * @m: machine
 * @pfn: the page
 *
 * The kernel's free_reserved_page: clear PG_reserved, refcount 1, put it
 * (freeing it at order 0 with its pageblock's migratetype), then
 * adjust_managed_page_count(+1): zone managed_pages and totalram_pages.
 * A page whose struct page is not initialised, that is not memory (a
 * hole's Reserved struct page), or that is not Reserved, is recorded as
 * BM_V_MISUSE and left alone. The free itself reads the buddy's
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
	/*
	 * A hole's struct page is Reserved too (init_unavailable_range), but
	 * no RAM is behind it: freeing it would hand the buddy a page that
	 * is not present (managed > present). The page must lie in one
	 * memory region, as release_range asks of its pages (found by
	 * fuzz_api).
	 */
	if (!bm_memblock_is_region_memory(m, BM_PFN_PHYS(pfn), BM_PAGE_SIZE)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, "free_reserved_page",
			     "pfn %#llx is not memory (a hole's struct page)",
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
	put_pages(m, zone, pfn, page, 0);
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
