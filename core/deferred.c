// SPDX-License-Identifier: MIT
/*
 * Deferred struct page init (CONFIG_DEFERRED_STRUCT_PAGE_INIT): after SMP
 * bring-up, page_alloc_init_late initialises and frees the memory map the
 * early boot skipped, per node, in section-sized units spread over host
 * threads (the kernel's padata jobs), each into free lists of its own
 * spliced in unit order (bm_sections_apart), so the result is one
 * thread's; deferred_grow_zone does the same on demand when an allocation
 * fails first.
 *
 * Within a unit, memory is handled one MAX_ORDER block at a time: every
 * free page of the block is initialised before any is freed, because
 * freeing reads the buddies' struct pages (deferred_init_maxorder).
 */
#include "internal.h"

/* A piece of a free range inside one MAX_ORDER block, in pfns. */
struct pfn_range {
	bm_pfn_t start, end;
};

/* Free pieces of one MAX_ORDER block: at most one per two pages. */
#define MAX_BLOCK_PIECES (1u << (BM_MAX_ORDER_LIMIT - 1))

/* The MAX_ORDER block being gathered: initialise all of it, then free it. */
struct block_batch {
	struct bm_machine *m;
	struct bm_zone *zone;
	struct bm_zone *lists;		/* private free lists, NULL: the zone's */
	bm_pfn_t block;			/* its first pfn, BM_NO_PFN when empty */
	unsigned int n;
	unsigned long nr_init;
	struct pfn_range piece[MAX_BLOCK_PIECES];
};

struct deferred_job {
	struct bm_machine *m;
	struct bm_zone *zone;
	bm_pfn_t start;		/* section aligned */
	bm_pfn_t end;
	unsigned long nr_units;
	unsigned long *pages;	/* per unit: pages initialised, NULL if unused */
};

/* unreserve-flag (seed 001 option 2): memory whose memmap is already live. */
static bool memmap_flagged(struct bm_machine *m, bm_pfn_t pfn)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;
	phys_addr_t addr = BM_PFN_PHYS(pfn);

	for (unsigned long i = 0; i < mem->cnt; i++) {
		const struct memblock_region *r = &mem->regions[i];

		if (addr >= r->base && addr < r->base + r->size)
			return (r->flags & MEMBLOCK_BM_MEMMAP_INIT) != 0;
	}
	return false;
}

/* __free_pages_core into the zone, or into a unit's private lists. */
static void free_core(struct bm_machine *m, struct bm_zone *lists, bm_pfn_t pfn,
		      unsigned int order)
{
	if (lists)
		bm_free_pages_core_private(m, lists, pfn, order);
	else
		bm_free_pages_core(m, pfn, order);
}

/* deferred_free_pages: a whole aligned block at once, else page by page. */
static void deferred_free_pages(struct bm_machine *m, struct bm_zone *lists, bm_pfn_t pfn,
				bm_pfn_t end)
{
	unsigned int max_order = bm_max_order(m);
	bm_pfn_t nr = end - pfn, mo = (bm_pfn_t)1 << max_order;
	unsigned long pb = bm_pageblock_nr_pages(m);

	if (nr == mo && BM_IS_ALIGNED(pfn, mo)) {
		for (bm_pfn_t p = pfn; p < end; p += pb)
			bm_init_pageblock_migratetype(m, p, BM_PB_INIT_DEFERRED);
		free_core(m, lists, pfn, max_order);
		return;
	}
	for (; pfn < end; pfn++) {
		if (BM_IS_ALIGNED(pfn, (bm_pfn_t)pb))
			bm_init_pageblock_migratetype(m, pfn, BM_PB_INIT_DEFERRED);
		free_core(m, lists, pfn, 0);
	}
}

/* Initialise every free page of the gathered block, then free them. */
static void flush_block(struct block_batch *bb)
{
	struct bm_machine *m = bb->m;
	bool flag_policy = m->cfg.release_policy == BM_POLICY_UNRESERVE_FLAG;
	bm_pfn_t mo = (bm_pfn_t)1 << bm_max_order(m);

	/* A whole free block, the common case: in one pass when nothing in it
	 * can be reported (deferred_block.c). Not under the unreserve-flag
	 * proposal, whose own page-by-page loop below skips flagged pages:
	 * a proposal under study keeps its code as written. */
	if (bb->n == 1 && !flag_policy && bb->piece[0].start == bb->block &&
	    bb->piece[0].end == bb->block + mo &&
	    bm_deferred_init_free_block(m, bb->zone, bb->lists, bb->block)) {
		bb->nr_init += (unsigned long)mo;
		bb->n = 0;
		bb->block = BM_NO_PFN;
		return;
	}
	for (unsigned int i = 0; i < bb->n; i++) {
		struct pfn_range *r = &bb->piece[i];

		if (!flag_policy) {
			bm_init_pages_range(m, r->start, r->end, bb->zone->type, bb->zone->nid,
					    "deferred_init_pages");
			bb->nr_init += (unsigned long)(r->end - r->start);
			continue;
		}
		for (bm_pfn_t p = r->start; p < r->end; p++) {
			if (bm_page_initialised(m, p) && memmap_flagged(m, p))
				continue;
			bm_init_single_page(m, p, bb->zone->type, bb->zone->nid,
					    "deferred_init_pages");
			bb->nr_init++;
		}
	}
	for (unsigned int i = 0; i < bb->n; i++)
		deferred_free_pages(m, bb->lists, bb->piece[i].start, bb->piece[i].end);
	bb->n = 0;
	bb->block = BM_NO_PFN;
}

/* Queue [s, e), all inside one MAX_ORDER block; a new block flushes the last. */
static void queue_piece(struct block_batch *bb, bm_pfn_t s, bm_pfn_t e, bm_pfn_t block)
{
	if (bb->block != block && bb->n)
		flush_block(bb);
	bb->block = block;
	bb->piece[bb->n++] = (struct pfn_range){ s, e };
}

/*
 * deferred_init_memmap_chunk for one unit [spfn, epfn): the free ranges
 * (memory minus reserved, NOMAP excluded) of the zone's node, streamed in
 * address order and cut at MAX_ORDER boundaries; each block is initialised
 * whole before any of it is freed. memblock is only read, so units run
 * concurrently. Blocks go to @lists (private, see bm_sections_apart)
 * or, if NULL, to the zone. Returns pages initialised.
 */
static unsigned long deferred_init_unit(struct bm_machine *m, struct bm_zone *zone,
					bm_pfn_t spfn, bm_pfn_t epfn, struct bm_zone *lists)
{
	struct block_batch *bb;
	bm_pfn_t mo = (bm_pfn_t)1 << bm_max_order(m);
	phys_addr_t start, end;
	unsigned long nr;
	uint64_t i;

	bb = m->prim->zalloc(m->prim->ctx, sizeof(*bb));
	if (!bb) {
		bm_violation(m, BM_V_INVARIANT, spfn, epfn, __func__, "no host memory for a batch");
		return 0;
	}
	bb->m = m;
	bb->zone = zone;
	bb->lists = lists;
	bb->block = BM_NO_PFN;
	bm_for_each_free_mem_range(m, i, zone->nid, MEMBLOCK_NONE, &start, &end, NULL) {
		bm_pfn_t s = BM_MAX(BM_PFN_UP(start), spfn), e = BM_MIN(BM_PFN_DOWN(end), epfn);

		if (BM_PFN_UP(start) >= epfn)
			break;
		while (s < e) {
			bm_pfn_t block = BM_ALIGN_DOWN(s, mo), piece_end = BM_MIN(e, block + mo);

			queue_piece(bb, s, piece_end, block);
			s = piece_end;
		}
	}
	if (bb->n)
		flush_block(bb);
	nr = bb->nr_init;
	m->prim->free(m->prim->ctx, bb, sizeof(*bb));
	return nr;
}

static void deferred_work(void *arg, unsigned long idx)
{
	struct deferred_job *job = arg;
	bm_pfn_t s = job->start + (bm_pfn_t)idx * BM_PAGES_PER_SECTION;
	bm_pfn_t e = BM_MIN(s + BM_PAGES_PER_SECTION, job->end);
	unsigned long n = deferred_init_unit(job->m, job->zone, s, e, NULL);

	if (job->pages)
		job->pages[idx] = n;
}

static struct bm_zone *deferred_zone(struct bm_node *node)
{
	for (int t = BM_NR_ZONES - 1; t >= 0; t--)
		if (node->zones[t].spanned_pages)
			return &node->zones[t];
	return NULL;
}

/* --- deferred init whose order cannot show -------------------------------- */

/* Every pfn of [@a, @b) (inside one section) initialised and not free. */
static bool unit_gap_settled(struct bm_machine *m, bm_pfn_t a, bm_pfn_t b)
{
	const uint64_t *w = m->mm.init_bitmap;
	const struct page *map;

	if (a >= b)
		return true;
	map = m->mm.sections[a / BM_PAGES_PER_SECTION].map;
	if (!map)
		return true;	/* nothing there to read or write */
	for (bm_pfn_t p = a; p < b; p++) {
		const struct page *page = map + p % BM_PAGES_PER_SECTION;
		uint32_t bad = 0;

		if (!(p & 63) && p + 64 <= b && w[p >> 6] == ~0ull) {
			for (unsigned int i = 0; i < 64; i++)
				bad |= page[i].flags;
			if (bad & (PG_buddy | PG_bm_tail_free))
				return false;
			p += 63;
			continue;
		}
		if (!((w[p >> 6] >> (p & 63)) & 1) || (page->flags & (PG_buddy | PG_bm_tail_free)))
			return false;
	}
	return true;
}

/*
 * Can the unit [@spfn, @epfn) of @zone be initialised into private lists?
 * Only if it cannot report (each report must come in the serial walk's
 * order) and its blocks can merge only with each other: the pages its free
 * ranges cover are all uninitialised (no double init), and every other pfn
 * of it is initialised (a buddy read there is no uninitialised read) and
 * not free (no merge with a block on the zone's lists). A MAX_ORDER block
 * lies inside the section, so no buddy lies outside it.
 */
static bool unit_quiet(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t spfn, bm_pfn_t epfn)
{
	phys_addr_t start, end;
	bm_pfn_t p = spfn;
	uint64_t i;

	bm_for_each_free_mem_range(m, i, zone->nid, MEMBLOCK_NONE, &start, &end, NULL) {
		bm_pfn_t s = BM_MAX(BM_PFN_UP(start), spfn), e = BM_MIN(BM_PFN_DOWN(end), epfn);

		if (BM_PFN_UP(start) >= epfn)
			break;
		if (s >= e)
			continue;
		if (!unit_gap_settled(m, p, s) || !bm_range_uninitialised(m, s, e))
			return false;
		p = e;
	}
	return unit_gap_settled(m, p, epfn);
}

/* bm_sections_apart's hooks for deferred init of one zone. */
static struct bm_zone *deferred_apart(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, void *arg)
{
	struct bm_zone *zone = arg;

	return unit_quiet(m, zone, s, e) ? zone : NULL;
}

static void deferred_unit_work(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e,
			       struct bm_zone *lists, void *arg)
{
	deferred_init_unit(m, arg, s, e, lists);
}

static const struct bm_apart_ops deferred_ops = { deferred_apart, deferred_unit_work };

/*
 * deferred_init_memmap for one node: all of [first_deferred_pfn, zone end).
 * With two or more threads (cfg.threads or cfg.walk_threads) the units run
 * apart (bm_sections_apart): the serial result on every thread count. Only
 * without host memory for that do cfg.threads threads share the zone's
 * lists under its lock (the order of its free lists then varies).
 */
static void deferred_init_node(struct bm_machine *m, int nid)
{
	struct bm_node *node = &m->mm.nodes[nid];
	struct bm_zone *zone = deferred_zone(node);
	struct deferred_job job = { .m = m, .zone = zone };
	uint64_t t0 = m->prim->now_ns(m->prim->ctx);
	unsigned int threads = m->cfg.threads ? m->cfg.threads : 1;
	unsigned int wthreads = BM_MAX(threads, m->cfg.walk_threads);

	if (node->first_deferred_pfn == BM_NO_PFN || !zone)
		return;
	job.start = node->first_deferred_pfn;
	job.end = zone->zone_start_pfn + zone->spanned_pages;
	node->first_deferred_pfn = BM_NO_PFN;
	if (job.start < job.end &&
	    (wthreads < 2 || !bm_sections_apart(m, job.start, job.end, wthreads, &deferred_ops, zone,
						 &node->deferred_private_units))) {
		job.nr_units = (unsigned long)((job.end - job.start + BM_PAGES_PER_SECTION - 1) /
					       BM_PAGES_PER_SECTION);
		m->prim->parallel(m->prim->ctx, threads, deferred_work, &job, job.nr_units);
	}
	node->deferred_pending = false;
	node->deferred_ms = (unsigned long)((m->prim->now_ns(m->prim->ctx) - t0) / 1000000);
	bm_log(m, BM_LOG_INFO, "node %d deferred pages initialised in %lums", nid,
	       node->deferred_ms);
}

static void free_discarded_arrays(struct bm_machine *m)
{
	struct bm_memblock_state *s = &m->memblock;

	for (unsigned int i = 0; i < s->nr_discard_free; i++)
		bm_memblock_free_late(m, s->discard_free[i].base, s->discard_free[i].size,
				      "memblock arrays");
	s->nr_discard_free = 0;
}

/**
 * bm_page_alloc_init_late - complete the memory map and release what waited
 * @m: machine after memblock_free_all
 *
 * Runs deferred init on every node with deferred pages (on the larger of
 * cfg.threads and cfg.walk_threads host threads, one thread's result),
 * logs "node N deferred pages initialised in Mms", completes releases
 * that waited for it, turns the deferred_pages key off, frees what
 * the discard policy held back and discards memblock (unless kept).
 * Refused (one BM_V_MISUSE, nothing changed) before memblock_free_all, a
 * second time, or on a destroyed machine.
 * Context: page_alloc_init_late; moves the machine to that phase.
 */
void bm_page_alloc_init_late(struct bm_machine *m)
{
	int nid;

	if (!bm_step_begin(m, BM_STEP_INIT_LATE))
		return;
	bm_set_phase(m, BM_PHASE_PAGE_ALLOC_INIT_LATE);
	bm_for_each_online_node(m, nid)
		deferred_init_node(m, nid);
	bm_release_settle(m, false);
	m->boot.deferred_pages_key = false;
	m->mm.deferred_done = true;
	bm_release_settle(m, true);
	bm_memblock_discard(m);
	free_discarded_arrays(m);
	bm_step_done(m, BM_STEP_INIT_LATE);
}

/**
 * bm_deferred_grow_zone - initialise more of a zone's memory map on demand
 * @m: machine
 * @zone: the zone an allocation failed in
 * @order: the order it wanted
 *
 * Initialises and frees whole sections from the node's first_deferred_pfn
 * until at least ALIGN(2^order, PAGES_PER_SECTION) pages are done, then
 * moves first_deferred_pfn to the section boundary reached.
 * Return: true if any memory was added. Context: single-threaded
 * allocation path, before page_alloc_init_late.
 */
bool bm_deferred_grow_zone(struct bm_machine *m, struct bm_zone *zone, unsigned int order)
{
	struct bm_node *node = &m->mm.nodes[zone->nid];
	unsigned long needed = (unsigned long)BM_ALIGN_UP((bm_pfn_t)1 << order, BM_PAGES_PER_SECTION);
	unsigned long done = 0;
	bm_pfn_t pfn = node->first_deferred_pfn, end;

	if (pfn == BM_NO_PFN || zone != deferred_zone(node))
		return false;
	end = zone->zone_start_pfn + zone->spanned_pages;
	while (pfn < end && done < needed) {
		bm_pfn_t e = BM_MIN(pfn + BM_PAGES_PER_SECTION, end);

		done += deferred_init_unit(m, zone, pfn, e, NULL);
		pfn = e;
	}
	/* As the kernel: the frontier moves to the end; init_late finds nothing. */
	node->first_deferred_pfn = pfn;
	bm_release_settle(m, false);
	return done > 0;
}
