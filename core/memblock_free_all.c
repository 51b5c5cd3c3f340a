// SPDX-License-Identifier: MIT
/*
 * The hand-off from memblock to the buddy allocator (mm_core_init ->
 * memblock_free_all): reserved ranges get initialised, Reserved struct pages;
 * free ranges below each node's first deferred pfn go to the buddy.
 */
#include "internal.h"

/*
 * The node whose frontier and zones decide for @pfn: @nid, its memory's
 * (the kernel's callers pass early_pfn_to_nid or the memory region's
 * node), when that is a valid online node, else the section's. They
 * differ where two nodes share a section.
 */
static int memory_node(struct bm_machine *m, bm_pfn_t pfn, int nid)
{
	if (nid >= 0 && nid < BM_MAX_NUMNODES && m->mm.nodes[nid].online)
		return nid;
	return bm_pfn_nid(m, pfn);
}

/* early_page_uninitialised(@pfn) on @pfn's memory's node. */
static bool deferred_on(struct bm_machine *m, bm_pfn_t pfn, int nid)
{
	return bm_node_deferred(m, pfn, memory_node(m, pfn, nid));
}

/*
 * init_reserved_page: a reserved page in the deferred part of the memory
 * map has no struct page yet; initialise it now, as the kernel does for
 * every deferred pfn it visits (a page some earlier code initialised is
 * initialised again, which the checker reports). The kernel also visits a
 * page once per reserved region touching it (sub-page allocations share
 * pages) and hole pages initialised Reserved by free_area_init: those are
 * re-initialised to the state they already have, so bootmm skips any page
 * already initialised and Reserved rather than report noise.
 */
static void init_reserved_page(struct bm_machine *m, bm_pfn_t pfn, int nid)
{
	struct bm_zone *z;

	if (!deferred_on(m, pfn, nid))
		return;
	if (bm_page_initialised(m, pfn) && (bm_pfn_to_page(m, pfn)->flags & PG_reserved))
		return;
	/* The lowest zone of the memory's node spanning @pfn, as the kernel's. */
	z = bm_node_pfn_zone(m, memory_node(m, pfn, nid), pfn);
	if (!z)
		return;
	bm_init_single_page(m, pfn, z->type, z->nid, "init_reserved_page");
	if (BM_IS_ALIGNED(pfn, (bm_pfn_t)bm_pageblock_nr_pages(m)))
		bm_init_pageblock_migratetype(m, pfn, BM_PB_INIT_RESERVED);
}

/*
 * Can init_reserved_page treat the @n pfns from @pfn (inside one section)
 * all alike? Every one deferred and uninitialised (the caller saw their
 * shadow words at 0, so no report is possible), all in one zone of their
 * memory's node @nid with no other zone's span among them. Return: that
 * zone, or NULL.
 */
static struct bm_zone *reserve_run_zone(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t n, int nid)
{
	bm_pfn_t last = pfn + n - 1;

	/* Deferred from @pfn on if @pfn and @last are: one node's frontier. */
	if (!deferred_on(m, pfn, nid) || !deferred_on(m, last, nid))
		return NULL;
	return bm_node_only_zone(m, memory_node(m, pfn, nid), pfn, last + 1);
}

/*
 * Up to @n pfns from @pfn (both multiples of 64, inside one section) in
 * words of 64, when reserve_run_zone says the per-pfn walk would treat them
 * all alike: the same state is reached, word by word, by a range
 * initialisation, the pageblocks' types, and PG_reserved on each. The run
 * stops at the first word with an initialised page; the checks are made
 * once for it (a section of the memory map's own reservation is 32768
 * pfns), else for its first word alone. The struct pages are written a word
 * at a time, so each is still in cache when it is marked.
 * Return: the number of pfns done (0, 64 or more).
 */
static bm_pfn_t reserve_words(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t n, int nid)
{
	bm_pfn_t pb = (bm_pfn_t)bm_pageblock_nr_pages(m), k = 0;
	struct bm_zone *z;
	struct page *page;

	while (k < n && !m->mm.init_bitmap[(pfn + k) >> 6])
		k += 64;
	if (!k)
		return 0;
	z = reserve_run_zone(m, pfn, k, nid);
	if (!z && k > 64) {
		k = 64;
		z = reserve_run_zone(m, pfn, k, nid);
	}
	if (!z)
		return 0;
	page = bm_pfn_to_page(m, pfn);
	for (bm_pfn_t w = pfn; w < pfn + k; w += 64, page += 64) {
		bm_init_pages_range(m, w, w + 64, z->type, z->nid, "init_reserved_page");
		for (bm_pfn_t p = BM_ALIGN_UP(w, pb); p <= w + 63; p += pb)
			bm_init_pageblock_migratetype(m, p, BM_PB_INIT_RESERVED);
		for (unsigned int i = 0; i < 64; i++) {
			page[i].lru_next = page[i].lru_prev = BM_LIST_END;
			page[i].flags |= PG_reserved;
		}
	}
	return k;
}

/*
 * Up to @n pfns from @pfn (both multiples of 64, inside one section and one
 * memory region) in words of 64 whose struct pages are all initialised
 * already and none deferred on @nid (the node reserve_pfns picked for them:
 * the memory region's, else the reservation's, else the section's): pages
 * before the node's frontier, which memmap_init did (every pfn without
 * deferral). init_reserved_page leaves each alone, so the per-pfn walk
 * would only link it to no list and mark it Reserved. The same, a word at
 * a time, without looking each pfn up.
 * Return: the number of pfns done (a multiple of 64, maybe 0).
 */
static bm_pfn_t reserve_words_initialised(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t n,
					  int nid)
{
	struct page *page = bm_pfn_to_page(m, pfn);
	bm_pfn_t k = 0;

	for (; k < n && m->mm.init_bitmap[(pfn + k) >> 6] == ~0ull; k += 64) {
		/* One node's frontier: the word's last pfn decides for all 64. */
		if (deferred_on(m, pfn + k + 63, nid))
			break;
		for (unsigned int i = 0; i < 64; i++) {
			page[k + i].lru_next = page[k + i].lru_prev = BM_LIST_END;
			page[k + i].flags |= PG_reserved;
		}
	}
	return k;
}

/* The walk of bm_reserve_bootmem_region over [@spfn, @epfn). */
static void reserve_pfns(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn, void *arg)
{
	int nid = *(const int *)arg;
	unsigned long rs = 1, re = 0;	/* the memory region last looked up */
	int rnid = BM_NUMA_NO_NODE;

	for (bm_pfn_t pfn = spfn; pfn < epfn; pfn++) {
		struct page *page;
		int pnid;

		if (!bm_pfn_valid(m, pfn)) {
			/* A section without a memory map: skip all of it. */
			pfn = BM_ALIGN_UP(pfn + 1, BM_PAGES_PER_SECTION) - 1;
			continue;
		}
		/*
		 * The node of the memory (early_pfn_to_nid), as memmap_init
		 * linked it: x86's NUMA init resets reserved regions to
		 * NUMA_NO_NODE for this, and a reservation tagged with another
		 * node (allocated before the nodes were known) must not link
		 * its pages to that node. Then @nid, then the section's.
		 */
		if (pfn < rs || pfn >= re)
			rnid = bm_memblock_search_pfn_nid(m, (unsigned long)pfn, &rs, &re);
		pnid = rnid >= 0 && rnid < BM_MAX_NUMNODES ? rnid :
		       nid >= 0 && nid < BM_MAX_NUMNODES ? nid : bm_pfn_nid(m, pfn);
		if (rnid == BM_NUMA_NO_NODE)
			rs = 1, re = 0;
		/* Whole words inside the memory region just looked up (so
		 * every pfn of them has the same node) and this section: as
		 * many at once as it can. */
		if (!m->cfg.no_fast_paths && !(pfn & 63) && pfn + 64 <= epfn && rnid >= 0 &&
		    pfn + 64 <= re) {
			bm_pfn_t lim = BM_MIN(BM_MIN(epfn, (bm_pfn_t)re),
					      BM_ALIGN_DOWN(pfn, BM_PAGES_PER_SECTION) +
					      BM_PAGES_PER_SECTION);
			bm_pfn_t n = BM_ALIGN_DOWN(lim - pfn, 64);
			bm_pfn_t done = reserve_words(m, pfn, n, pnid);

			if (!done)
				done = reserve_words_initialised(m, pfn, n, pnid);

			if (done) {
				pfn += done - 1;
				continue;
			}
		}
		init_reserved_page(m, pfn, pnid);
		page = bm_pfn_to_page(m, pfn);
		if (!bm_page_initialised(m, pfn))
			continue;	/* outside every zone: nothing to mark */
		page->lru_next = page->lru_prev = BM_LIST_END;
		page->flags |= PG_reserved;
	}
}

/**
 * bm_reserve_bootmem_region - initialise and mark Reserved a physical range
 * @m: machine after free_area_init
 * @start: first byte
 * @end: one past the last byte (rounded out to whole pages)
 * @nid: node of the range, used only where memory's own node is unknown
 *
 * Only pfns with a memory map are visited, so the walk is bounded by the
 * memory that exists, not by the range (a reservation may reach 2^64).
 * Context: mm_core_init (memmap_init_reserved_pages), and late for ranges
 * reserved after the hand-off.
 */
void bm_reserve_bootmem_region(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
			       int nid)
{
	/* PFN_UP without the wrap of end + PAGE_SIZE - 1 near 2^64. */
	bm_pfn_t epfn = BM_MIN(BM_PFN_DOWN(end) + !!(end & (BM_PAGE_SIZE - 1)),
			       bm_memmap_end_pfn(m));

	if (end < start)
		return;
	/* A large reservation (the memory map itself: 1/64 of memory) is
	 * walked a section per host thread when no report can come of it. */
	if (!bm_sections_parallel(m, BM_PFN_DOWN(start), epfn, reserve_pfns, &nid))
		reserve_pfns(m, BM_PFN_DOWN(start), epfn, &nid);
}

static void memmap_init_reserved_pages(struct bm_machine *m)
{
	struct memblock_region *r;

	bm_for_each_reserved_mem_region(m, r) {
		if (r->flags & MEMBLOCK_RSRV_NOINIT)
			continue;
		bm_reserve_bootmem_region(m, r->base, r->base + r->size, r->nid);
	}
	/* NOMAP memory is never freed: its struct pages are Reserved too. */
	bm_for_each_mem_region(m, r) {
		if (r->flags & MEMBLOCK_NOMAP)
			bm_reserve_bootmem_region(m, r->base, r->base + r->size, r->nid);
	}
}

/*
 * __free_pages_memory of a range of memory of node @nid: the largest
 * naturally aligned blocks that fit, each skipped if it starts in the
 * deferred range (memblock_free_pages). Into @lists (bm_sections_apart) if
 * not NULL. Blocks never cross a section boundary, so a range cut there is
 * freed in the very same blocks.
 */
static void free_pages_memory(struct bm_machine *m, struct bm_zone *lists, bm_pfn_t start,
			      bm_pfn_t end, int nid)
{
	unsigned int max_order = bm_max_order(m);

	while (start < end) {
		unsigned int order = 0;

		/* __ffs(start), capped: a loop, not __builtin_ctzll, which needs
		 * libgcc on targets without a count-zeros instruction. */
		while (order < max_order && !(start & ((bm_pfn_t)1 << order)))
			order++;
		while (start + ((bm_pfn_t)1 << order) > end)
			order--;
		/* memblock_free_pages asks on early_pfn_to_nid's node. */
		if (deferred_on(m, start, nid))
			;
		else if (lists)
			bm_free_pages_core_private(m, lists, start, order);
		else
			bm_free_pages_core(m, start, order);
		start += (bm_pfn_t)1 << order;
	}
}

/* memblock_free_all's free ranges, in pfns, in address order. */
struct free_range {
	bm_pfn_t start, end;
	int nid;		/* its memory region's */
};
struct free_ranges {
	struct free_range *r;
	unsigned long n;
};

/* bm_sections_apart's work: the free ranges' part inside [@s, @e). */
static void free_section(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, struct bm_zone *lists,
			 void *arg)
{
	const struct free_ranges *fr = arg;
	unsigned long lo = 0, hi = fr->n;

	while (lo < hi) {		/* the first range ending past @s */
		unsigned long mid = lo + (hi - lo) / 2;

		if (fr->r[mid].end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < fr->n && fr->r[lo].start < e; lo++)
		free_pages_memory(m, lists, BM_MAX(fr->r[lo].start, s), BM_MIN(fr->r[lo].end, e),
				  fr->r[lo].nid);
}

/*
 * Can the section [@s, @e) free apart? Its every struct page initialised
 * (no read of an uninitialised buddy; nothing can be free before this
 * hand-off), none of it deferred, one zone of its node spanning all of it
 * and no other zone overlapping it, and all its memory of that node (then
 * memmap_init linked every page of it to that zone). Return: the zone.
 */
static struct bm_zone *free_section_apart(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e,
					  void *arg)
{
	const struct bm_section *sec = &m->mm.sections[s / BM_PAGES_PER_SECTION];
	const struct memblock_type *mem = &m->memblock.mb.memory;
	const uint64_t *w = m->mm.init_bitmap;
	struct bm_node *node;
	struct bm_zone *z;
	unsigned long i;

	(void)arg;
	if (!sec->map || !sec->present || sec->nid < 0 || sec->nid >= BM_MAX_NUMNODES ||
	    (s | e) & 63)
		return NULL;
	node = &m->mm.nodes[sec->nid];
	if (!node->online || (node->first_deferred_pfn != BM_NO_PFN && e > node->first_deferred_pfn))
		return NULL;
	z = bm_node_only_zone(m, sec->nid, s, e);
	if (!z)
		return NULL;
	for (i = bm_memblock_search(mem, BM_PFN_PHYS(s));
	     i < mem->cnt && BM_PFN_DOWN(mem->regions[i].base) < e; i++) {
		int rn = mem->regions[i].nid;

		if ((rn >= 0 && rn < BM_MAX_NUMNODES ? rn : 0) != z->nid)
			return NULL;
	}
	for (bm_pfn_t p = s; p < e; p += 64)
		if (w[p >> 6] != ~0ull)
			return NULL;
	return z;
}

static const struct bm_apart_ops free_all_ops = { free_section_apart, free_section };

/*
 * Where memblock_free_all has blocks to free: below the end of every
 * node's early part (its first deferred pfn, or its end), section aligned.
 * From there on every block is deferred, so nothing is done there.
 */
static bm_pfn_t free_all_end(struct bm_machine *m)
{
	bm_pfn_t end = 0;
	int nid;

	bm_for_each_online_node(m, nid) {
		const struct bm_node *n = &m->mm.nodes[nid];
		bm_pfn_t e = n->first_deferred_pfn != BM_NO_PFN ? n->first_deferred_pfn :
			     n->node_start_pfn + n->node_spanned_pages;

		end = BM_MAX(end, e);
	}
	return BM_MIN(BM_ALIGN_UP(end, BM_PAGES_PER_SECTION), bm_memmap_end_pfn(m));
}

/*
 * The free ranges to the buddy a section per walk thread (bm_sections_apart),
 * with the serial walk's free lists; *@count gets the pages of the free
 * ranges. Return: false if it did not run (one thread, no host memory):
 * the caller walks serially.
 */
static bool free_ranges_apart(struct bm_machine *m, unsigned long *count)
{
	unsigned int threads = m->cfg.walk_threads ? m->cfg.walk_threads : m->cfg.threads;
	unsigned long cap = m->memblock.mb.memory.cnt + m->memblock.mb.reserved.cnt + 1;
	struct free_ranges fr = { NULL, 0 };
	unsigned long pages = 0;
	phys_addr_t start, end;
	bool done = true;
	uint64_t i;
	int nid;

	if (threads < 2 || !m->prim->parallel)
		return false;
	fr.r = m->prim->zalloc(m->prim->ctx, cap * sizeof(*fr.r));
	if (!fr.r)
		return false;
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, &nid) {
		bm_pfn_t s = BM_PFN_UP(start), e = BM_PFN_DOWN(end);

		if (s >= e)
			continue;
		if (fr.n == cap) {	/* cannot happen: the ranges lie between regions */
			done = false;
			break;
		}
		fr.r[fr.n++] = (struct free_range){ s, e, nid };
		pages += (unsigned long)(e - s);
	}
	if (done)
		done = bm_sections_apart(m, 0, free_all_end(m), threads, &free_all_ops, &fr, NULL);
	m->prim->free(m->prim->ctx, fr.r, cap * sizeof(*fr.r));
	if (done)
		*count = pages;
	return done;
}

static void reset_managed_pages(struct bm_machine *m)
{
	int nid;

	bm_for_each_online_node(m, nid)
		for (int t = 0; t < BM_NR_ZONES; t++)
			m->mm.nodes[nid].zones[t].managed_pages = 0;
}

/**
 * bm_memblock_free_all - release memblock's free memory to the buddy allocator
 * @m: machine after free_area_init
 *
 * Initialises and marks Reserved every reserved range (RSRV_NOINIT
 * skipped, NOMAP memory included), then frees every free range
 * (memory minus reserved, NOMAP excluded) in the largest aligned orders,
 * skipping blocks at or above the node's first deferred pfn. totalram
 * counts every free page, deferred ones included, as the kernel's does.
 * Refused (one BM_V_MISUSE, nothing changed) before free_area_init, a
 * second time, or on a destroyed machine (core/phase.c).
 * Context: mm_core_init; moves the machine to that phase.
 */
void bm_memblock_free_all(struct bm_machine *m)
{
	phys_addr_t start, end;
	unsigned long count = 0;
	uint64_t i;
	int nid;

	if (!bm_step_begin(m, BM_STEP_FREE_ALL))
		return;
	bm_set_phase(m, BM_PHASE_MM_CORE_INIT);
	/* Hotpluggable memory is just memory from here on (it sits in
	 * ZONE_MOVABLE already), and the free-range walks must see it. */
	bm_memblock_clear_hotplug(m, 0, BM_PHYS_ADDR_MAX);
	bm_kho_release_scratch(m);
	reset_managed_pages(m);
	memmap_init_reserved_pages(m);
	if (!free_ranges_apart(m, &count)) {
		bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end,
					   &nid) {
			bm_pfn_t s = BM_PFN_UP(start), e = BM_PFN_DOWN(end);

			if (s >= e)
				continue;
			free_pages_memory(m, NULL, s, e, nid);
			count += (unsigned long)(e - s);
		}
	}
	m->mm.totalram_pages += count;
	m->mm.buddy_ready = true;
	/*
	 * The kernel's deferred_pages static key is on from boot until
	 * page_alloc_init_late turns it off; bootmm asks it only of releases,
	 * which reach the buddy from here on. Set here, not by bm_boot alone:
	 * a host driving the steps itself and releasing before
	 * bm_page_alloc_init_late would otherwise free uninitialised
	 * deferred pages as if deferred init were done.
	 */
	m->boot.deferred_pages_key = m->cfg.deferred_struct_page_init;
	bm_step_done(m, BM_STEP_FREE_ALL);
}
