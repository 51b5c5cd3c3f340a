/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator's free lists, as static inline code shared by
 * buddy.c (freeing) and buddy_alloc.c (allocation): page lookups, the
 * buddy test, linking and unlinking blocks (the encoding is described in
 * internal.h), expand() and __rmqueue_smallest(). Inline because the core
 * is built position-independent: calls to exported functions are never
 * inlined, and these run several times per allocation or free. The
 * exported forms (bm_buddy_add_free, ...) wrap them for pageblock.c.
 * Include only from core/buddy*.c.
 */
#ifndef BOOTMM_CORE_BUDDY_LISTS_H
#define BOOTMM_CORE_BUDDY_LISTS_H

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
	static const struct page not_free = { .order = ~0u };	/* mapcount 0: on no list */
	uint32_t flags = __atomic_load_n(&buddy->flags, __ATOMIC_RELAXED);
	/*
	 * The order and list record are read only from a page that is
	 * PG_buddy, as before (that flag is set under the zone lock, after
	 * any initialisation), but the page is selected rather than
	 * branched to, and the tests are combined without short-circuits:
	 * whether a random free merges is a coin toss, and this way it
	 * costs one mispredicted branch, not up to three.
	 */
	const struct page *head = (flags & PG_buddy) ? buddy : &not_free;

	return (head->order == order) & ((flags & (PG_ZONE_MASK | PG_NODE_MASK)) == zid) &
	       ((uint32_t)-128 - (uint32_t)head->mapcount < MIGRATE_TYPES);	/* bm_buddy_list_mt >= 0 */
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

/* __rmqueue_smallest(), with the block's struct page stored in *@pagep. */
static inline bm_pfn_t rmqueue_smallest_page(struct bm_machine *m, struct bm_zone *zone,
					     unsigned int order, int mt, struct page **pagep)
{
	for (unsigned int o = order; o <= bm_max_order(m); o++) {
		uint32_t head = zone->free_area[o].head[mt];

		if (head != BM_LIST_END) {
			struct page *page = lpg(m, head);

			del_free(m, zone, head, page, o, mt);
			expand(m, zone, head, page, order, o, mt);
			*pagep = page;
			return head;
		}
	}
	return BM_NO_PFN;
}

static inline bm_pfn_t rmqueue_smallest(struct bm_machine *m, struct bm_zone *zone,
					unsigned int order, int mt)
{
	struct page *page;

	return rmqueue_smallest_page(m, zone, order, mt, &page);
}

#endif /* BOOTMM_CORE_BUDDY_LISTS_H */
