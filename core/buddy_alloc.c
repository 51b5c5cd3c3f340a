// SPDX-License-Identifier: MIT
/*
 * The buddy allocator's allocation side (Linux v6.12 mm/page_alloc.c):
 * get_page_from_freelist over the zonelist, __rmqueue with its CMA balance,
 * prep_new_page, and the exported expand/__rmqueue_smallest wrappers that
 * pageblock.c's fallback uses. Freeing is in buddy.c; the list code in
 * buddy_lists.h.
 */
#include "buddy_lists.h"

/* --- allocation ------------------------------------------------------------- */

/* expand(): see buddy_lists.h. Context: zone lock held. */
void bm_buddy_expand(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		     unsigned int low, unsigned int high, int mt)
{
	expand(m, zone, pfn, pg(m, pfn), low, high, mt);
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

/* __rmqueue(): own type, CMA for movable requests, then fallback. The
 * block's struct page is stored in *@pagep. */
static inline bm_pfn_t rmqueue(struct bm_machine *m, struct bm_zone *zone, unsigned int order,
			       int mt, unsigned int alloc_flags, struct page **pagep)
{
	bm_pfn_t pfn;

	/* Balance movable allocations between CMA and the rest once more than
	 * half of the zone's free memory is CMA (NR_FREE_PAGES excludes ISOLATE). */
	if (alloc_flags & BM_ALLOC_CMA) {
		unsigned long cma = zone->nr_free_cma_pages;	/* NR_FREE_CMA_PAGES */

		/* No free CMA (the common case): nothing to balance, no count. */
		if (cma && cma > (zone->nr_free_pages -
				  zone_free_of_type(m, zone, MIGRATE_ISOLATE)) / 2) {
			pfn = rmqueue_smallest_page(m, zone, order, MIGRATE_CMA, pagep);
			if (pfn != BM_NO_PFN)
				return pfn;
		}
	}
	pfn = rmqueue_smallest_page(m, zone, order, mt, pagep);
	if (pfn == BM_NO_PFN && (alloc_flags & BM_ALLOC_CMA))
		pfn = rmqueue_smallest_page(m, zone, order, MIGRATE_CMA, pagep);
	if (pfn == BM_NO_PFN) {
		pfn = bm_rmqueue_fallback(m, zone, order, mt, alloc_flags);
		if (pfn != BM_NO_PFN)
			*pagep = lpg(m, (uint32_t)pfn);	/* it was on a list */
	}
	return pfn;
}

/* prep_new_page(): allocated state: head refcount 1, no free marks. */
static inline void prep_new_page(struct bm_machine *m, bm_pfn_t pfn, struct page *page,
				 unsigned int order)
{
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

/* zl[0] of build_zonelist when @nid's own zones have none: built whole. */
static __attribute__((noinline)) struct bm_zone *first_zone_remote(struct bm_machine *m, int nid,
								   enum bm_zone_type highest)
{
	struct bm_zone *zl[BM_MAX_NUMNODES * BM_NR_ZONES];

	return build_zonelist(m, nid, highest, zl) ? zl[0] : NULL;
}

/* zl[0] of build_zonelist, without building the rest; NULL if empty. */
static inline struct bm_zone *first_zone(struct bm_machine *m, int nid, enum bm_zone_type highest)
{
	struct bm_node *node = &m->mm.nodes[nid];

	if (node->online)
		for (int t = (int)highest; t >= 0; t--)
			if (zone_populated(&node->zones[t]))
				return &node->zones[t];
	return first_zone_remote(m, nid, highest);
}

static bool deferred_pages_enabled(struct bm_machine *m)
{
	return m->cfg.deferred_struct_page_init && !m->mm.deferred_done;
}

/* One __rmqueue attempt on @z under its lock; the block prepared. */
static inline bm_pfn_t rmqueue_locked(struct bm_machine *m, struct bm_zone *z, unsigned int order,
				      int mt, unsigned int alloc_flags)
{
	struct page *page;
	bm_pfn_t pfn;

	bm_zone_lock(z);
	pfn = rmqueue(m, z, order, mt, alloc_flags, &page);
	if (pfn != BM_NO_PFN)
		prep_new_page(m, pfn, page, order);
	bm_zone_unlock(z);
	return pfn;
}

/*
 * The rest of get_page_from_freelist once the first attempt at @first
 * (zl[0]) with @alloc_flags has failed: deferred growth of that zone, the
 * other zones of the zonelist, built now, and the pass without
 * BM_ALLOC_NOFRAGMENT. Out of line, so the common case that the first zone
 * has the block carries none of it.
 */
static __attribute__((noinline)) bm_pfn_t alloc_pages_slow(struct bm_machine *m, int nid,
							   unsigned int order,
							   enum bm_zone_type highest_zone, int mt,
							   struct bm_zone *first,
							   unsigned int alloc_flags)
{
	struct bm_zone *zl[BM_MAX_NUMNODES * BM_NR_ZONES];
	bool built = false, tried = true;	/* zl[0]'s first attempt: the caller's */
	int n = 1;

	zl[0] = first;
retry:
	for (int i = 0; i < n; i++) {
		struct bm_zone *z = zl[i];

		if ((alloc_flags & BM_ALLOC_NOFRAGMENT) && z->nid != zl[0]->nid) {
			alloc_flags &= ~BM_ALLOC_NOFRAGMENT;	/* fragment locally first */
			goto retry;
		}
		for (;;) {
			if (!tried) {
				bm_pfn_t pfn = rmqueue_locked(m, z, order, mt, alloc_flags);

				if (pfn != BM_NO_PFN)
					return pfn;
			}
			tried = false;
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

/* alloc_flags_nofragment(): a Normal preferred zone avoids fragmenting
 * itself before DMA32 has been tried (UMA, or DMA32 populated here). */
static unsigned int alloc_flags_nofragment(struct bm_machine *m, const struct bm_zone *pref)
{
	int online = 0, nid;

	if (pref->type != BM_ZONE_NORMAL)
		return 0;
	/* Nodes are counted only when the answer depends on it. */
	if (zone_populated(&m->mm.nodes[pref->nid].zones[BM_ZONE_DMA32]))
		return BM_ALLOC_NOFRAGMENT;
	bm_for_each_online_node(m, nid)
		online++;
	return online > 1 ? 0 : BM_ALLOC_NOFRAGMENT;
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
	struct bm_zone *pref;	/* zl[0], the preferred zone */
	unsigned int alloc_flags;
	bm_pfn_t pfn;

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
	 * gets past it (alloc_pages_slow).
	 */
	pref = first_zone(m, nid, highest_zone);
	if (!pref)
		return BM_NO_PFN;
	alloc_flags = (mt == MIGRATE_MOVABLE ? BM_ALLOC_CMA : 0) | alloc_flags_nofragment(m, pref);
	pfn = rmqueue_locked(m, pref, order, mt, alloc_flags);
	if (pfn != BM_NO_PFN)
		return pfn;
	return alloc_pages_slow(m, nid, order, highest_zone, mt, pref, alloc_flags);
}
