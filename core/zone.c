// SPDX-License-Identifier: MIT
/*
 * Nodes and zones: free_area_init. Sizes every node and zone from
 * memblock.memory, decides how much of the memory map is initialised early
 * (defer_init), and initialises that early part, holes included.
 */
#include "internal.h"

static const char *const zone_names[BM_NR_ZONES] = {
	[BM_ZONE_DMA] = "DMA",
	[BM_ZONE_DMA32] = "DMA32",
	[BM_ZONE_NORMAL] = "Normal",
	[BM_ZONE_MOVABLE] = "Movable",
};

const char *bm_zone_name(enum bm_zone_type type)
{
	return (unsigned)type < BM_NR_ZONES ? zone_names[type] : "?";
}

/*
 * The node of a memory region. free_area_init refuses memory without a
 * node (bm_memory_nodes_check), so a nid out of range here is a broken
 * invariant: reported, and clamped to node 0 so that no array is indexed
 * with it.
 */
static int region_nid(struct bm_machine *m, int nid)
{
	bool ok = nid >= 0 && nid < BM_MAX_NUMNODES;

	BM_ASSERT(m, ok, "memory region of nid %d reached the zones", nid);
	return ok ? nid : 0;
}

/* Architectural zone limits in pfns: [lo, hi) of each zone type. */
static void zone_limits(struct bm_machine *m, enum bm_zone_type t, bm_pfn_t *lo, bm_pfn_t *hi)
{
	bm_pfn_t dma = m->cfg.zone_dma_end_pfn, dma32 = m->cfg.zone_dma32_end_pfn;

	switch (t) {
	case BM_ZONE_DMA:
		*lo = 0;
		*hi = dma;
		break;
	case BM_ZONE_DMA32:
		*lo = dma;
		*hi = BM_MAX(dma, dma32);
		break;
	case BM_ZONE_NORMAL:
		*lo = BM_MAX(dma, dma32);
		*hi = BM_NO_PFN;
		break;
	default:
		*lo = *hi = 0;	/* ZONE_MOVABLE only with kernelcore=/movablecore= */
		break;
	}
}

int bm_pfn_nid(struct bm_machine *m, bm_pfn_t pfn)
{
	if (pfn < m->mm.nr_sections * BM_PAGES_PER_SECTION &&
	    m->mm.sections[pfn / BM_PAGES_PER_SECTION].present)
		return m->mm.sections[pfn / BM_PAGES_PER_SECTION].nid;
	return BM_NUMA_NO_NODE;
}

/**
 * bm_pfn_zone - the zone whose span holds @pfn
 * @m: machine after free_area_init
 * @pfn: page frame
 *
 * Return: the zone, or NULL for a pfn outside every zone span.
 * Context: any phase after free_area_init.
 */
struct bm_zone *bm_pfn_zone(struct bm_machine *m, bm_pfn_t pfn)
{
	return bm_node_pfn_zone(m, bm_pfn_nid(m, pfn), pfn);
}

/**
 * bm_node_pfn_zone - the lowest zone of node @nid whose span holds @pfn
 * @m: machine after free_area_init
 * @nid: node (one below 0 or from MAX_NUMNODES up, memblock's "no node",
 *       has no zone)
 * @pfn: page frame
 *
 * Return: the zone, or NULL. Context: any phase after free_area_init.
 */
struct bm_zone *bm_node_pfn_zone(struct bm_machine *m, int nid, bm_pfn_t pfn)
{
	if (nid < 0 || nid >= BM_MAX_NUMNODES)	/* no node (NUMA_NO_NODE, MAX_NUMNODES) */
		return NULL;
	for (int t = 0; t < BM_NR_ZONES; t++) {
		struct bm_zone *z = &m->mm.nodes[nid].zones[t];

		if (z->spanned_pages && pfn >= z->zone_start_pfn &&
		    pfn < z->zone_start_pfn + z->spanned_pages)
			return z;
	}
	return NULL;
}

/**
 * bm_node_only_zone - the zone of node @nid spanning all of [@s, @e), if no
 *                     other zone of the node overlaps it
 * @m: machine after free_area_init
 * @nid: node
 * @s: first pfn
 * @e: one past the last, above @s
 *
 * Return: the zone, or NULL. Context: any phase after free_area_init.
 */
struct bm_zone *bm_node_only_zone(struct bm_machine *m, int nid, bm_pfn_t s, bm_pfn_t e)
{
	struct bm_zone *z = NULL;

	if (nid < 0 || nid >= BM_MAX_NUMNODES)
		return NULL;
	for (int t = 0; t < BM_NR_ZONES; t++) {
		struct bm_zone *o = &m->mm.nodes[nid].zones[t];
		bm_pfn_t zs = o->zone_start_pfn, ze = zs + o->spanned_pages;

		if (!o->spanned_pages || ze <= s || zs >= e)
			continue;
		if (z || zs > s || ze < e)
			return NULL;
		z = o;
	}
	return z;
}

/* The first online node (first_online_node), or -1 if none is. */
static int first_online(const struct bm_machine *m)
{
	for (int nid = 0; nid < m->mm.nr_node_ids; nid++)
		if (m->mm.nodes[nid].online)
			return nid;
	return -1;
}

/*
 * early_pfn_to_nid(@pfn): the nid of the memblock.memory region holding
 * @pfn, as the region carries it, else the first online node; *@next: the
 * first pfn after @pfn where the answer may change (the region's end, or
 * the next region's start).
 */
static int early_nid(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t *next)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;
	unsigned long i = bm_memblock_search(mem, BM_PFN_PHYS(pfn));
	const struct memblock_region *r = i < mem->cnt ? &mem->regions[i] : NULL;

	if (!r) {
		*next = BM_NO_PFN;
		return first_online(m);
	}
	if (r->base > BM_PFN_PHYS(pfn)) {
		*next = BM_PFN_UP(r->base);
		return first_online(m);
	}
	*next = BM_PFN_UP(r->base + r->size);
	return r->nid;
}

/**
 * bm_early_pfn_to_nid - the node of @pfn's memory
 * @m: machine after free_area_init
 * @pfn: page frame
 *
 * The kernel's early_pfn_to_nid: the node the memblock.memory region
 * holding @pfn carries, which is not always the section's (two nodes may
 * share a section), else (a hole) the first online node.
 *
 * Return: that nid as memblock has it (NUMA_NO_NODE or MAX_NUMNODES for a
 * region of no node), -1 if no node is online.
 * Context: any phase after free_area_init.
 */
int bm_early_pfn_to_nid(struct bm_machine *m, bm_pfn_t pfn)
{
	bm_pfn_t next;

	return early_nid(m, pfn, &next);
}

/**
 * bm_node_deferred - the kernel's early_page_uninitialised(@pfn, @nid)
 * @m: machine after free_area_init
 * @pfn: page frame
 * @nid: the node whose frontier decides
 *
 * Return: true if @nid is an online node and @pfn lies at or above its
 * first_deferred_pfn; false for an offline node or no node.
 * Context: any phase after free_area_init.
 */
bool bm_node_deferred(const struct bm_machine *m, bm_pfn_t pfn, int nid)
{
	return nid >= 0 && nid < m->mm.nr_node_ids && m->mm.nodes[nid].online &&
	       pfn >= m->mm.nodes[nid].first_deferred_pfn;
}

/**
 * bm_pfn_deferred - is @pfn's struct page left to deferred init?
 * @m: machine after free_area_init
 * @pfn: page frame
 *
 * Return: true if @pfn is at or above the first_deferred_pfn of the node
 * bm_early_pfn_to_nid() gives, when that node is online: the kernel's
 * early_page_uninitialised(pfn, early_pfn_to_nid(pfn)), as
 * memblock_free_pages asks it.
 * Context: any phase after free_area_init.
 */
bool bm_pfn_deferred(struct bm_machine *m, bm_pfn_t pfn)
{
	return bm_node_deferred(m, pfn, bm_early_pfn_to_nid(m, pfn));
}

/**
 * bm_pfn_deferred_run_end - where bm_pfn_deferred()'s answer for @pfn ends
 * @m: machine after free_area_init
 * @pfn: page frame
 * @epfn: the end of the caller's range, above @pfn
 *
 * Return: the first pfn in (@pfn, @epfn) whose answer differs from
 * @pfn's, else @epfn. The answer changes only where the node changes (a
 * memory region's boundary) or at that node's frontier.
 * Context: any phase after free_area_init.
 */
bm_pfn_t bm_pfn_deferred_run_end(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t epfn)
{
	bool d = bm_pfn_deferred(m, pfn);
	bm_pfn_t e = pfn;

	while (e < epfn) {
		bm_pfn_t next, lim;
		int nid = early_nid(m, e, &next);

		lim = BM_MIN(next, epfn);
		if (nid >= 0 && nid < m->mm.nr_node_ids) {
			bm_pfn_t f = m->mm.nodes[nid].first_deferred_pfn;

			if (f > e && f < lim)
				lim = f;
		}
		e = lim;	/* next and f lie above e: this ends */
		if (e < epfn && bm_pfn_deferred(m, e) != d)
			break;
	}
	return e;
}

/* Pages of memblock.memory of @nid in [lo, hi) (absent_pages_in_range's complement). */
static unsigned long memory_pages_in(struct bm_machine *m, int nid, bm_pfn_t lo, bm_pfn_t hi)
{
	unsigned long s, e, n = 0;
	int i, rnid;

	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &rnid) {
		bm_pfn_t a = BM_MAX((bm_pfn_t)s, lo), b = BM_MIN((bm_pfn_t)e, hi);

		if (region_nid(m, rnid) == nid && a < b)
			n += (unsigned long)(b - a);
	}
	return n;
}

/*
 * find_zone_movable_pfns_for_nodes, movable_node flavour: a node's
 * ZONE_MOVABLE starts at its lowest hotpluggable memory, rounded up to
 * MAX_ORDER; 0 when there is none (or it starts past the node's end).
 */
static bm_pfn_t zone_movable_pfn(struct bm_machine *m, int nid)
{
	bm_pfn_t start = 0, mo = (bm_pfn_t)1 << bm_max_order(m);
	struct bm_node *node = &m->mm.nodes[nid];
	struct memblock_region *r;

	if (!m->cfg.movable_node)
		return 0;
	bm_for_each_mem_region(m, r) {
		if (!(r->flags & MEMBLOCK_HOTPLUG) || region_nid(m, r->nid) != nid)
			continue;
		if (!start || BM_PFN_DOWN(r->base) < start)
			start = BM_PFN_DOWN(r->base);
	}
	start = BM_ALIGN_UP(start, mo);
	return start >= node->node_start_pfn + node->node_spanned_pages ? 0 : start;
}

/* adjust_zone_range_for_zone_movable: ZONE_MOVABLE takes the node's top. */
static void adjust_for_movable(bm_pfn_t movable, int t, bm_pfn_t nend, bm_pfn_t *lo, bm_pfn_t *hi)
{
	if (!movable)
		return;
	if (t == BM_ZONE_MOVABLE) {
		*lo = movable;
		*hi = nend;
	} else if (*lo < movable && *hi > movable) {
		*hi = movable;
	} else if (*lo >= movable) {
		*lo = *hi;
	}
}

static void size_nodes_and_zones(struct bm_machine *m)
{
	struct bm_mm *mm = &m->mm;
	unsigned long s, e;
	int i, nid;

	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &nid) {
		struct bm_node *node = &mm->nodes[region_nid(m, nid)];
		bm_pfn_t end = node->node_start_pfn + node->node_spanned_pages;

		if (!node->online) {
			node->online = true;
			node->node_start_pfn = s;
			end = s;
		}
		node->node_spanned_pages = BM_MAX(end, (bm_pfn_t)e) - node->node_start_pfn;
		mm->nr_node_ids = BM_MAX(mm->nr_node_ids, region_nid(m, nid) + 1);
	}
	bm_for_each_online_node(m, nid) {
		struct bm_node *node = &mm->nodes[nid];
		bm_pfn_t nstart = node->node_start_pfn;
		bm_pfn_t nend = nstart + node->node_spanned_pages;
		bm_pfn_t movable = zone_movable_pfn(m, nid);

		node->node_present_pages = 0;
		node->zone_movable_pfn = movable;
		for (int t = 0; t < BM_NR_ZONES; t++) {
			struct bm_zone *z = &node->zones[t];
			bm_pfn_t lo, hi;

			z->nid = nid;
			z->type = (enum bm_zone_type)t;
			/* Empty lists even for empty zones: walkers need no special case. */
			for (unsigned o = 0; o < BM_MAX_ORDER_LIMIT; o++)
				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					z->free_area[o].head[mt] = BM_LIST_END;
			zone_limits(m, (enum bm_zone_type)t, &lo, &hi);
			adjust_for_movable(movable, t, nend, &lo, &hi);
			lo = BM_MAX(lo, nstart);
			hi = BM_MIN(hi, nend);
			if (lo >= hi) {
				z->zone_start_pfn = 0;
				z->spanned_pages = z->present_pages = 0;
				continue;
			}
			z->zone_start_pfn = lo;
			z->spanned_pages = (unsigned long)(hi - lo);
			z->present_pages = memory_pages_in(m, nid, lo, hi);
			node->node_present_pages += z->present_pages;
		}
	}
}

static int highest_populated_zone(struct bm_node *node)
{
	for (int t = BM_NR_ZONES - 1; t >= 0; t--)
		if (node->zones[t].present_pages)
			return t;
	return -1;
}

/*
 * defer_init(): in the highest zone of a node, the kernel initialises the
 * first PAGES_PER_SECTION pages of memory, then stops at the next
 * section-aligned pfn it visits; that pfn is first_deferred_pfn. Lower
 * zones are always fully initialised (address-constrained allocations).
 */
static void compute_first_deferred(struct bm_machine *m, int nid)
{
	struct bm_node *node = &m->mm.nodes[nid];
	int top = highest_populated_zone(node);
	unsigned long s, e, visited = 0;
	bm_pfn_t zlo, zhi;
	int i, rnid;

	node->first_deferred_pfn = node->boot_deferred_pfn = BM_NO_PFN;
	if (!m->cfg.deferred_struct_page_init || top < 0)
		return;
	zlo = node->zones[top].zone_start_pfn;
	zhi = zlo + node->zones[top].spanned_pages;
	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &rnid) {
		bm_pfn_t a = BM_MAX((bm_pfn_t)s, zlo), b = BM_MIN((bm_pfn_t)e, zhi), cand;

		if (region_nid(m, rnid) != nid || a >= b)
			continue;
		/* The (PAGES_PER_SECTION + 1)-th page visited, or this range's start. */
		if (visited + (b - a) <= BM_PAGES_PER_SECTION) {
			visited += (unsigned long)(b - a);
			continue;
		}
		cand = visited > BM_PAGES_PER_SECTION ? a : a + (BM_PAGES_PER_SECTION - visited);
		visited = BM_PAGES_PER_SECTION + 1;
		cand = BM_ALIGN_UP(cand, BM_PAGES_PER_SECTION);
		if (cand < b) {
			node->first_deferred_pfn = node->boot_deferred_pfn = cand;
			node->deferred_pending = true;
			return;
		}
	}
}

/* init_unavailable_range: struct pages of holes are initialised and Reserved. */
static void init_unavailable_range(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				   enum bm_zone_type zone, int nid)
{
	unsigned long pgcnt = 0;
	unsigned long nr_pb = bm_pageblock_nr_pages(m);

	for (bm_pfn_t pfn = spfn; pfn < epfn; pfn++) {
		if (!bm_pfn_valid(m, BM_ALIGN_DOWN(pfn, (bm_pfn_t)nr_pb))) {
			pfn = BM_ALIGN_DOWN(pfn, (bm_pfn_t)nr_pb) + nr_pb - 1;
			continue;
		}
		bm_init_single_page(m, pfn, zone, nid, "init_unavailable_range");
		bm_pfn_to_page(m, pfn)->flags |= PG_reserved;
		pgcnt++;
	}
	if (pgcnt)
		bm_log(m, BM_LOG_INFO, "On node %d, zone %s: %lu pages in unavailable ranges",
		       nid, bm_zone_name(zone), pgcnt);
}

/* memmap_init_range, MEMINIT_EARLY: stops at the node's first deferred pfn. */
static void memmap_init_range(struct bm_machine *m, bm_pfn_t start, bm_pfn_t end,
			      enum bm_zone_type zone, int nid)
{
	bm_pfn_t stop = BM_MIN(end, m->mm.nodes[nid].first_deferred_pfn);

	bm_pfn_t pb = (bm_pfn_t)bm_pageblock_nr_pages(m);

	if (start >= stop)
		return;
	bm_init_pages_range_parallel(m, start, stop, zone, nid, "memmap_init_range");
	for (bm_pfn_t pfn = BM_ALIGN_UP(start, pb); pfn < stop; pfn += pb)
		bm_init_pageblock_migratetype(m, pfn, BM_PB_INIT_EARLY);
}

/* memmap_init: every memory range, zone by zone, holes in between. */
static void memmap_init(struct bm_machine *m)
{
	unsigned long s, e;
	bm_pfn_t hole_pfn = 0, end_pfn = 0;
	enum bm_zone_type zone_id = BM_ZONE_DMA;
	int i, rnid, nid = 0;

	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &rnid) {
		struct bm_node *node;

		nid = region_nid(m, rnid);
		node = &m->mm.nodes[nid];
		end_pfn = e;
		for (int t = 0; t < BM_NR_ZONES; t++) {
			struct bm_zone *z = &node->zones[t];
			bm_pfn_t zs = z->zone_start_pfn, ze = zs + z->spanned_pages;
			bm_pfn_t a = BM_MIN(BM_MAX((bm_pfn_t)s, zs), ze);
			bm_pfn_t b = BM_MIN(BM_MAX((bm_pfn_t)e, zs), ze);

			if (!z->present_pages)
				continue;
			zone_id = (enum bm_zone_type)t;
			if (a >= b)
				continue;
			memmap_init_range(m, a, b, (enum bm_zone_type)t, nid);
			if (hole_pfn < a)
				init_unavailable_range(m, hole_pfn, a, (enum bm_zone_type)t, nid);
			hole_pfn = b;
		}
	}
	/* The hole up to the end of the last section goes to the last zone seen. */
	end_pfn = BM_ALIGN_UP(end_pfn, BM_PAGES_PER_SECTION);
	if (hole_pfn < end_pfn)
		init_unavailable_range(m, hole_pfn, end_pfn, zone_id, nid);
}

static void log_zone_ranges(struct bm_machine *m)
{
	bm_pfn_t min_pfn = BM_NO_PFN, max_pfn = 0;
	unsigned long s, e;
	int i, nid;

	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &nid) {
		min_pfn = BM_MIN(min_pfn, (bm_pfn_t)s);
		max_pfn = BM_MAX(max_pfn, (bm_pfn_t)e);
	}
	bm_log(m, BM_LOG_INFO, "Zone ranges:");
	for (int t = 0; t < BM_ZONE_MOVABLE; t++) {
		bm_pfn_t lo, hi;

		zone_limits(m, (enum bm_zone_type)t, &lo, &hi);
		lo = BM_MAX(lo, min_pfn);
		hi = BM_MIN(hi, max_pfn);
		if (lo >= hi)
			bm_log(m, BM_LOG_INFO, "  %-8s empty", bm_zone_name((enum bm_zone_type)t));
		else
			bm_log(m, BM_LOG_INFO, "  %-8s [mem %#018llx-%#018llx]",
			       bm_zone_name((enum bm_zone_type)t),
			       (unsigned long long)BM_PFN_PHYS(lo),
			       (unsigned long long)BM_PFN_PHYS(hi) - 1);
	}
	bm_log(m, BM_LOG_INFO, "  %-8s empty", "Device");
	bm_log(m, BM_LOG_INFO, "Movable zone start for each node");
	bm_for_each_online_node(m, nid)
		if (m->mm.nodes[nid].zone_movable_pfn)
			bm_log(m, BM_LOG_INFO, "  Node %d: %#018llx", nid,
			       (unsigned long long)BM_PFN_PHYS(m->mm.nodes[nid].zone_movable_pfn));
	bm_log(m, BM_LOG_INFO, "Early memory node ranges");
	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &s, &e, &nid)
		bm_log(m, BM_LOG_INFO, "  node %3d: [mem %#018llx-%#018llx]", region_nid(m, nid),
		       (unsigned long long)BM_PFN_PHYS(s), (unsigned long long)BM_PFN_PHYS(e) - 1);
	bm_for_each_online_node(m, nid) {
		struct bm_node *node = &m->mm.nodes[nid];

		bm_log(m, BM_LOG_INFO, "Initmem setup node %d [mem %#018llx-%#018llx]", nid,
		       (unsigned long long)BM_PFN_PHYS(node->node_start_pfn),
		       (unsigned long long)BM_PFN_PHYS(node->node_start_pfn +
						       node->node_spanned_pages) - 1);
	}
}

/**
 * bm_free_area_init - size nodes and zones, initialise the early memory map
 * @m: machine whose memblock.memory holds every RAM range (with nids)
 *
 * Builds the memory map first if sparse_init has not run. Node and zone
 * spans come from memblock.memory (present = pages of memory, spanned
 * includes holes); first_deferred_pfn follows defer_init(); the early part
 * of the memory map and every hole inside present sections are initialised
 * (holes as Reserved). Logs the kernel's "Zone ranges:", "Early memory node
 * ranges", "Initmem setup node" and "pages in unavailable ranges" lines.
 *
 * Return: 0, a negative error from sparse_init, or -BM_EINVAL if refused
 * (a second call, a destroyed machine, memory without a node, or memory
 * regions meeting inside a page: one BM_V_MISUSE, nothing changed).
 * Context: setup_arch (x86 zone_sizes_init); moves the machine to the
 * free_area_init phase.
 */
int bm_free_area_init(struct bm_machine *m)
{
	int nid, ret;

	if (!bm_step_begin(m, BM_STEP_FREE_AREA_INIT))
		return -BM_EINVAL;
	if (!bm_memory_boundaries_check(m, __func__))
		return -BM_EINVAL;
	if (!m->mm.memmap_ready) {
		ret = bm_sparse_init(m);
		if (ret)
			return ret;
	} else if (!bm_memory_nodes_check(m, __func__)) {
		return -BM_EINVAL;
	}
	bm_set_phase(m, BM_PHASE_FREE_AREA_INIT);
	size_nodes_and_zones(m);
	bm_for_each_online_node(m, nid)
		compute_first_deferred(m, nid);
	log_zone_ranges(m);
	memmap_init(m);
	bm_step_done(m, BM_STEP_FREE_AREA_INIT);
	return 0;
}
