// SPDX-License-Identifier: MIT
/*
 * bm_mm_check: verify, after the fact, every invariant of the memory map,
 * the zones, the free lists, the pageblocks and their agreement with
 * memblock. The allocator checks a few things as it goes; this is the
 * independent audit a test or the simulator runs between phases, so it
 * recomputes what it can from first principles (zone sizes from
 * memblock.memory, free blocks from the lists) instead of trusting the
 * structures it audits.
 *
 * Every pfn of [0, max_pfn) is in one state:
 *   no memmap      its section has no memory map (pfn_valid false);
 *   uninitialised  allowed at or above the node's first_deferred_pfn while
 *                  deferred init is pending, and for good there in memory
 *                  reserved RSRV_NOINIT alone or DRIVER_MANAGED;
 *   hole           not memory: initialised and PG_reserved;
 *   reserved       PG_reserved;
 *   free           inside exactly one listed buddy block: the head PG_buddy,
 *                  the rest PG_bm_tail_free, every page refcount 0;
 *   allocated      no flag, refcount > 0 (0 for the tail pages of a block
 *                  allocated whole, whose head is an aligned ancestor).
 *
 * Speed (16M pfns well under a second): the pfn space is cut into segments
 * over which memblock attributes, node, zone and the deferred frontier are
 * constant, so the per-pfn work is one look at the struct page and two bits
 * of the scratch bitmaps (host instrumentation memory, like the shadow);
 * uninitialised runs are skipped a shadow word (64 pfns) at a time, and
 * words of free tail pages (most of a booted machine) are checked 64 struct
 * pages per loop without a branch per page.
 * Consecutive pfns failing the same way make one report naming the range:
 * a 1 GiB problem is one line, not 262144.
 */

#include "mm_check.h"

static const char *const mt_upper[MIGRATE_TYPES] = {
	"UNMOVABLE", "MOVABLE", "RECLAIMABLE", "HIGHATOMIC", "CMA", "ISOLATE",
};

static const char *mt_name_upper(uint64_t mt)
{
	return mt < MIGRATE_TYPES ? mt_upper[mt] : "INVALID";
}

static bool bits_set_range(uint64_t *map, bm_pfn_t s, bm_pfn_t e)
{
	bool overlap = false;

	while (s < e) {
		unsigned int lo = (unsigned int)(s & 63);
		unsigned int n = (unsigned int)BM_MIN((bm_pfn_t)(64 - lo), e - s);
		uint64_t mask = (n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1)) << lo;

		overlap |= (map[s >> 6] & mask) != 0;
		map[s >> 6] |= mask;
		s += n;
	}
	return overlap;
}

/* One direct report (not coalesced). */
__attribute__((format(printf, 5, 6)))
static void ck_report(struct ck *c, enum bm_violation_kind kind, bm_pfn_t s, bm_pfn_t e,
		      const char *fmt, ...)
{
	char buf[sizeof(((struct bm_violation *)0)->detail)];
	va_list ap;

	c->failures++;
	if (c->silent)
		return;
	va_start(ap, fmt);
	bm_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bm_violation(c->m, kind, s, e, CK_FUNC, "%s", buf);
}

/* Report a finished run, with the text of its kind. */
static void ck_flush(struct ck *c, enum ck_code code)
{
	struct ck_run *r = &c->run[code];
	bm_pfn_t s = r->start, e = r->end;
	unsigned long n = (unsigned long)(e - s);
	unsigned long long a = r->a, b = r->b;
	const char *nomap = a ? " or NOMAP" : "";

	if (!r->open)
		return;
	r->open = false;
#define R(kind, ...) ck_report(c, BM_V_##kind, s, e, __VA_ARGS__)
	switch (code) {
	case CK_UNINIT:
		R(INVARIANT, "%lu struct pages never initialised (first_deferred_pfn %#llx)", n, a);
		break;
	case CK_FLAGS:
		R(INVARIANT, "%lu pages with conflicting flags (first: %#llx)", n, a);
		break;
	case CK_STRAY:
		R(INVARIANT, "%lu pages marked free (first: %s) in no listed free block", n,
		  a & PG_buddy ? "PG_buddy" : "PG_bm_tail_free");
		break;
	case CK_FREE_MARK:
		R(INVARIANT, "%lu pages of listed free blocks lack PG_%s (flags %#llx)", n,
		  r->key ? "buddy" : "bm_tail_free", a);
		break;
	case CK_FREE_REF:
		R(INVARIANT, "%lu free pages with refcount %d, not 0", n, (int32_t)a);
		break;
	case CK_FREE_UNINIT:
		R(INVARIANT, "%lu pages of listed free blocks are not initialised", n);
		break;
	case CK_NEG_REF:
		R(INVARIANT, "%lu pages with negative refcount %d", n, (int32_t)a);
		break;
	case CK_LOST:
		R(INVARIANT, "%lu pages refcount 0, not free, in no allocated block", n);
		break;
	case CK_LINKS:
		R(INVARIANT, "struct pages link zone %s node %llu; span says %s node %llu",
		  bm_zone_name((enum bm_zone_type)(a >> 8)), a & 0xff,
		  bm_zone_name((enum bm_zone_type)(b >> 8)), b & 0xff);
		break;
	case CK_UNMERGED:
		R(INVARIANT, "free buddies %#llx and %#llx of order %llu not merged",
		  (unsigned long long)s, a, b);
		break;
	case CK_NO_MEMMAP:
		R(MEMBLOCK_MISMATCH, "%lu pages of memblock.memory have no memory map", n);
		break;
	case CK_HOLE_UNRSV:
		R(MEMBLOCK_MISMATCH, "%lu hole pages (not memory) not PG_reserved (flags %#llx)", n,
		  a);
		break;
	case CK_HOLE_FREE:
		R(MEMBLOCK_MISMATCH, "%lu hole pages (not memory) are free in the buddy", n);
		break;
	case CK_RSV_FREE:
		R(MEMBLOCK_MISMATCH, "%lu pages in memblock.reserved%s are free in the buddy", n,
		  nomap);
		break;
	case CK_RSV_UNMARKED:
		R(MEMBLOCK_MISMATCH,
		  "%lu pages in memblock.reserved%s not PG_reserved (refcount %d)", n, nomap,
		  (int32_t)b);
		break;
	case CK_RSV_UNINIT:
		R(MEMBLOCK_MISMATCH, "%lu pages in memblock.reserved, struct page not initialised", n);
		break;
	case CK_PG_RSV:
		R(MEMBLOCK_MISMATCH, "%lu PG_reserved pages of memory not in memblock.reserved", n);
		break;
	case CK_MT_BAD:
		R(MIGRATETYPE, "pageblock migratetype %llu is not valid (< %d)", a, MIGRATE_TYPES);
		break;
	case CK_KHO:
		R(MIGRATETYPE, "KHO scratch pageblock %#llx is %s, not CMA (%lu pages)",
		  (unsigned long long)s, mt_name_upper(r->key), n);
		break;
	case CK_KHO_RSV:
		R(MIGRATETYPE, "reserved pageblock-aligned page in scratch not yet CMA (%s)",
		  mt_name_upper(r->key));
		break;
	default:
		break;
	}
#undef R
}

/* bm_mm_check_fail into a section's buffer: the same runs, kept. */
static void ck_buffer(struct ck_buf *buf, enum ck_code code, bm_pfn_t pfn, bm_pfn_t n,
		      uint64_t key, uint64_t a, uint64_t b)
{
	int o = buf->open[code];

	if (o >= 0 && buf->e[o].end == pfn && buf->e[o].key == key) {
		buf->e[o].end = pfn + n;
		return;
	}
	if (buf->n == CK_BUF_RUNS) {
		buf->overflow = true;
		return;
	}
	buf->open[code] = (int)buf->n;
	buf->e[buf->n++] = (struct ck_entry){ code, pfn, pfn + n, key, a, b };
}

void bm_mm_check_fail(struct ck *c, enum ck_code code, bm_pfn_t pfn, bm_pfn_t n, uint64_t key,
		      uint64_t a, uint64_t b)
{
	struct ck_run *r = &c->run[code];

	if (c->buf) {
		ck_buffer(c->buf, code, pfn, n, key, a, b);
		return;
	}
	if (r->open && r->end == pfn && r->key == key) {
		r->end = pfn + n;
		return;
	}
	ck_flush(c, code);
	*r = (struct ck_run){ .open = true, .start = pfn, .end = pfn + n, .key = key,
			      .a = a, .b = b };
}

/* --- zone and node geometry against memblock.memory ------------------------- */

/* The x86-64 zone limits [lo, hi), from the configuration (BRIEF 3). */
static void zone_bounds(struct bm_machine *m, int t, bm_pfn_t *lo, bm_pfn_t *hi)
{
	bm_pfn_t dma = m->cfg.zone_dma_end_pfn;
	bm_pfn_t dma32 = BM_MAX(m->cfg.zone_dma_end_pfn, m->cfg.zone_dma32_end_pfn);

	*lo = *hi = 0;	/* Movable: see zone_movable_pfn in check_zone_geometry */
	if (t == BM_ZONE_DMA)
		*hi = dma;
	else if (t == BM_ZONE_DMA32)
		*lo = dma, *hi = dma32;
	else if (t == BM_ZONE_NORMAL)
		*lo = dma32, *hi = BM_NO_PFN;
}

/* Whole pages of memory of @nid in [lo, hi), and the node's span. */
static unsigned long mem_pages(struct bm_machine *m, int nid, bm_pfn_t lo, bm_pfn_t hi,
			       bm_pfn_t *nlo, bm_pfn_t *nhi)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;
	unsigned long n = 0;

	*nlo = BM_NO_PFN;
	*nhi = 0;
	for (unsigned long i = 0; i < mem->cnt; i++) {
		const struct memblock_region *r = &mem->regions[i];
		bm_pfn_t s = BM_PFN_UP(r->base), e = BM_PFN_DOWN(rgn_end(r));

		if (rgn_nid(r->nid) != nid || s >= e)
			continue;
		*nlo = BM_MIN(*nlo, s);
		*nhi = BM_MAX(*nhi, e);
		s = BM_MAX(s, lo);
		e = BM_MIN(e, hi);
		if (s < e)
			n += (unsigned long)(e - s);
	}
	return n;
}

static void check_zone_geometry(struct ck *c, int nid)
{
	struct bm_machine *m = c->m;
	struct bm_node *node = &m->mm.nodes[nid];
	bm_pfn_t nlo, nhi, lo, hi;
	unsigned long present = mem_pages(m, nid, 0, BM_NO_PFN, &nlo, &nhi);
	unsigned long nspan = nlo < nhi ? (unsigned long)(nhi - nlo) : 0;

	if (!node->online) {
		if (present)
			ck_report(c, BM_V_MEMBLOCK_MISMATCH, nlo, nhi,
				  "node %d has %lu pages of memory but is offline", nid, present);
		return;
	}
	if (node->node_spanned_pages != nspan || (nspan && node->node_start_pfn != nlo) ||
	    node->node_present_pages != present)
		ck_report(c, BM_V_MEMBLOCK_MISMATCH, nlo, nhi,
			  "node %d start %#llx spanned %lu present %lu; memblock: %#llx %lu %lu",
			  nid, (unsigned long long)node->node_start_pfn, node->node_spanned_pages,
			  node->node_present_pages, (unsigned long long)nlo, nspan, present);
	for (int t = 0; t < BM_NR_ZONES; t++) {
		const struct bm_zone *z = &node->zones[t];
		unsigned long span = 0, pres = 0;
		bm_pfn_t a, b, dummy_lo, dummy_hi;

		zone_bounds(m, t, &lo, &hi);
		/* ZONE_MOVABLE (movable_node) takes the node from its start up:
		 * where it starts is the node's record, hotplug flags are gone. */
		if (node->zone_movable_pfn) {
			if (t == BM_ZONE_MOVABLE)
				lo = node->zone_movable_pfn, hi = BM_NO_PFN;
			else if (lo < node->zone_movable_pfn && hi > node->zone_movable_pfn)
				hi = node->zone_movable_pfn;
			else if (lo >= node->zone_movable_pfn)
				lo = hi;
		}
		a = BM_MAX(lo, nlo);
		b = BM_MIN(hi, nhi);
		if (a < b) {
			span = (unsigned long)(b - a);
			pres = mem_pages(m, nid, a, b, &dummy_lo, &dummy_hi);
		}
		if (z->spanned_pages != span || (span && z->zone_start_pfn != a) ||
		    z->present_pages != pres)
			ck_report(c, BM_V_MEMBLOCK_MISMATCH, a, a < b ? b : a,
				  "node %d %s: start %#llx spanned %lu present %lu; memblock %#llx %lu %lu",
				  nid, bm_zone_name((enum bm_zone_type)t),
				  (unsigned long long)z->zone_start_pfn, z->spanned_pages,
				  z->present_pages, (unsigned long long)(span ? a : 0), span, pres);
		/* managed: what went through __free_pages_core / free_reserved_page. */
		if (m->mm.buddy_ready &&
		    (z->managed_pages > z->present_pages || z->managed_pages < z->nr_free_pages))
			ck_report(c, BM_V_INVARIANT, z->zone_start_pfn,
				  z->zone_start_pfn + z->spanned_pages,
				  "node %d %s: managed %lu outside [free %lu, present %lu]", nid,
				  bm_zone_name((enum bm_zone_type)t), z->managed_pages,
				  z->nr_free_pages, z->present_pages);
	}
}

/* --- free lists -------------------------------------------------------------- */

/* Problems of one list, reported once per list with a count and the first. */
enum { LF_OVERLAP, LF_ORDER, LF_MT, LF_PREV, LF_NR };
static const char *const lf_text[LF_NR] = {
	"blocks overlap other free blocks", "heads record another order",
	"heads record another list", "blocks with a wrong lru_prev",
};

struct list_faults {
	unsigned long n[LF_NR];
	bm_pfn_t first[LF_NR];
};

static void note_fault(struct list_faults *f, int what, bm_pfn_t pfn)
{
	if (!f->n[what]++)
		f->first[what] = pfn;
}

/*
 * Walk one list by hand (the encoding is internal.h's): every entry a
 * naturally aligned block inside the zone, not on another list; heads
 * record the list's order and type; lru_prev links consistent, the first
 * block's pointing at the last. Marks heads and
 * block pages in the bitmaps. Returns blocks walked; *@complete is false if
 * the walk had to stop (the count then proves nothing).
 */
/*
 * A list is pointer chasing, a cache (and TLB) miss per block on a large
 * machine. Boot frees in address order to the tail, so the next blocks
 * tend to follow at the stride of the last two: their struct pages are
 * asked for that far ahead (a wrong guess costs a wasted prefetch only).
 */
#define LIST_PREFETCH	8
static inline void prefetch_ahead(struct bm_machine *m, uint32_t cur, uint32_t prev)
{
	bm_pfn_t next = (bm_pfn_t)cur + LIST_PREFETCH * ((bm_pfn_t)cur - prev);
	const struct bm_section *sec;

	if (prev == BM_LIST_END || next >= (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION)
		return;
	sec = &m->mm.sections[next / BM_PAGES_PER_SECTION];
	if (sec->map)
		__builtin_prefetch(sec->map + next % BM_PAGES_PER_SECTION);
}

static unsigned long walk_list(struct ck *c, const struct bm_zone *z, unsigned int o, int mt,
			       unsigned long *pages, bool *complete)
{
	struct bm_machine *m = c->m;
	const struct bm_free_area *fa = &z->free_area[o];
	bm_pfn_t zs = z->zone_start_pfn, ze = zs + z->spanned_pages, nr = (bm_pfn_t)1 << o;
	uint32_t first = fa->head[mt], cur = first, prev = BM_LIST_END;
	unsigned long n = 0, limit = (unsigned long)(z->spanned_pages >> o) + 1;
	struct list_faults f = { 0 };
	const char *why = NULL;

	*complete = true;
	while (cur != BM_LIST_END) {
		bm_pfn_t p = cur;
		struct page *page;

		/* Links that cannot be followed end the walk. */
		if (n >= limit)
			why = "more blocks than the zone holds (cycle?)";
		else if (p < zs || p + nr > ze || !bm_pfn_valid(m, p))
			why = "block outside the zone";
		else if (!BM_IS_ALIGNED(p, nr))
			why = "block not naturally aligned";
		else if (bit_test(c->listed, p))
			why = "block already on a free list";
		if (why)
			break;
		page = bm_pfn_to_page(m, p);
		bit_set(c->listed, p);
		if (bits_set_range(c->freemap, p, p + nr))
			note_fault(&f, LF_OVERLAP, p);
		/* An uninitialised head is the pfn walk's to report (with its
		 * range); its content is garbage, so only its link is used. */
		if (bm_page_initialised(m, p)) {
			if (page->order != o)
				note_fault(&f, LF_ORDER, p);
			if (bm_buddy_list_mt(page) != mt)
				note_fault(&f, LF_MT, p);
			if (p != first && page->lru_prev != prev)
				note_fault(&f, LF_PREV, p);
		}
		n++;
		prev = cur;
		cur = page->lru_next;
		prefetch_ahead(m, cur, prev);
	}
#define LIST_FMT "node %d %s order %u %s list: "
#define LIST_ARGS z->nid, bm_zone_name(z->type), o, bm_migratetype_name(mt)
	if (why) {
		*complete = false;
		ck_report(c, BM_V_INVARIANT, cur, (bm_pfn_t)cur + nr, LIST_FMT "%s", LIST_ARGS,
			  why);
	} else if (first != BM_LIST_END && bm_pfn_to_page(m, first)->lru_prev != prev) {
		ck_report(c, BM_V_INVARIANT, first, first + nr,
			  LIST_FMT "first lru_prev %#x, last is %#x", LIST_ARGS,
			  bm_pfn_to_page(m, first)->lru_prev, prev);
	}
	for (int i = 0; i < LF_NR; i++)
		if (f.n[i])
			ck_report(c, BM_V_INVARIANT, f.first[i], f.first[i] + nr, LIST_FMT "%lu %s",
				  LIST_ARGS, f.n[i], lf_text[i]);
	if (*complete && n != fa->nr_free[mt])
		ck_report(c, BM_V_INVARIANT, first == BM_LIST_END ? zs : first,
			  first == BM_LIST_END ? zs : first + nr,
			  LIST_FMT "nr_free %lu but %lu blocks listed", LIST_ARGS, fa->nr_free[mt],
			  n);
#undef LIST_FMT
#undef LIST_ARGS
	*pages += n << o;
	return n;
}

static void check_zone_lists(struct ck *c, const struct bm_zone *z)
{
	struct bm_machine *m = c->m;
	unsigned long pages = 0;
	bool all = true;

	/* An empty zone's lists were never set up: only its counters mean anything. */
	if (!z->spanned_pages) {
		unsigned long nr = 0;

		for (unsigned int o = 0; o < BM_MAX_ORDER_LIMIT; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				nr += z->free_area[o].nr_free[mt];
		if (nr || z->nr_free_pages || z->nr_free_cma_pages)
			ck_report(c, BM_V_INVARIANT, 0, 0,
				  "node %d empty zone %s counts %lu free pages", z->nid,
				  bm_zone_name(z->type),
				  z->nr_free_pages + z->nr_free_cma_pages + nr);
		return;
	}
	for (unsigned int o = 0; o < BM_MAX_ORDER_LIMIT; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			const struct bm_free_area *fa = &z->free_area[o];
			bool complete;

			if (o > bm_max_order(m)) {
				if (fa->head[mt] != BM_LIST_END || fa->nr_free[mt]) {
					ck_report(c, BM_V_INVARIANT, z->zone_start_pfn,
						  z->zone_start_pfn,
						  "node %d %s order %u > MAX_PAGE_ORDER has blocks",
						  z->nid, bm_zone_name(z->type), o);
					all = false;
				}
				continue;
			}
			walk_list(c, z, o, mt, &pages, &complete);
			all &= complete;
		}
	}
	if (all && pages != z->nr_free_pages)
		ck_report(c, BM_V_INVARIANT, z->zone_start_pfn,
			  z->zone_start_pfn + z->spanned_pages,
			  "node %d %s nr_free_pages %lu but the lists hold %lu", z->nid,
			  bm_zone_name(z->type), z->nr_free_pages, pages);
	if (all) {
		/* NR_FREE_CMA_PAGES, which the allocator's CMA balance reads */
		unsigned long cma = 0;

		for (unsigned int o = 0; o <= bm_max_order(m); o++)
			cma += z->free_area[o].nr_free[MIGRATE_CMA] << o;
		if (cma != z->nr_free_cma_pages)
			ck_report(c, BM_V_INVARIANT, z->zone_start_pfn,
				  z->zone_start_pfn + z->spanned_pages,
				  "node %d %s nr_free_cma_pages %lu but the CMA lists hold %lu",
				  z->nid, bm_zone_name(z->type), z->nr_free_cma_pages, cma);
	}
}

/* --- pageblocks ------------------------------------------------------------ */

static void check_pageblocks(struct ck *c)
{
	struct bm_machine *m = c->m;
	unsigned int pbo = bm_pageblock_order(m);
	bm_pfn_t pb = bm_pageblock_nr_pages(m);
	const struct memblock_type *mem = &m->memblock.mb.memory;

	for (bm_pfn_t p = 0; p < c->max_pfn; p += pb) {
		uint8_t mt = m->mm.pageblock_mt[p >> pbo];

		if (mt >= MIGRATE_TYPES)
			bm_mm_check_fail(c, CK_MT_BAD, p, pb, mt, mt, 0);
	}
	/* KHO (seed 003): after the hand-off, scratch is CMA wherever the
	 * struct page that carries the pageblock's type is initialised. */
	if (!m->cfg.kho || !m->mm.buddy_ready)
		return;
	for (unsigned long i = 0; i < mem->cnt; i++) {
		const struct memblock_region *r = &mem->regions[i];
		bm_pfn_t s = BM_ALIGN_UP(BM_PFN_UP(r->base), pb);
		bm_pfn_t e = BM_ALIGN_DOWN(BM_PFN_DOWN(rgn_end(r)), pb);

		if (!(r->flags & MEMBLOCK_KHO_SCRATCH))
			continue;
		for (bm_pfn_t p = s; p < e; p += pb) {
			int mt;

			if (p >= c->max_pfn || !bm_page_initialised(m, p))
				continue;
			mt = bm_get_pageblock_migratetype(m, p);
			if (mt == MIGRATE_CMA)
				continue;
			if (bm_pfn_to_page(m, p)->flags & PG_reserved)
				bm_mm_check_fail(c, CK_KHO_RSV, p, pb, (uint64_t)mt, 0, 0);
			else
				bm_mm_check_fail(c, CK_KHO, p, pb, (uint64_t)mt, 0, 0);
		}
	}
}

/* The listed and freemap bitmaps from every zone's free lists, checking them. */
void bm_mm_check_lists(struct ck *c)
{
	int nid;

	bm_for_each_online_node(c->m, nid)
		for (int t = 0; t < BM_NR_ZONES; t++)
			check_zone_lists(c, &c->m->mm.nodes[nid].zones[t]);
}

/* Everything the pfn walk reads that is neither per pfn nor per section. */
void bm_mm_check_global(const struct ck *c, struct ck_global *g)
{
	const struct bm_machine *m = c->m;

	memset(g, 0, sizeof(*g));	/* padding too: compared whole */
	g->max_pfn = c->max_pfn;
	g->nr_sections = m->mm.nr_sections;
	g->nr_node_ids = m->mm.nr_node_ids;
	g->max_order = bm_max_order(m);
	g->pageblock_order = bm_pageblock_order(m);
	g->rsv_check = c->rsv_check;
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++) {
		const struct bm_node *n = &m->mm.nodes[nid];

		g->node[nid].online = n->online;
		g->node[nid].deferred_pending = n->deferred_pending;
		g->node[nid].first_deferred_pfn = n->first_deferred_pfn;
		g->node[nid].boot_deferred_pfn = n->boot_deferred_pfn;
		for (int t = 0; t < BM_NR_ZONES; t++) {
			g->node[nid].zone[t].nid = n->zones[t].nid;
			g->node[nid].zone[t].type = (int)n->zones[t].type;
			g->node[nid].zone[t].start = n->zones[t].zone_start_pfn;
			g->node[nid].zone[t].spanned = n->zones[t].spanned_pages;
		}
	}
}

/**
 * bm_mm_check - audit the memory map, zones, free lists and pageblocks
 * @m: machine, in any phase
 *
 * Checks, as far as the phase allows (nothing before sparse_init, no pfn
 * states before free_area_init, memblock.reserved agreement only after the
 * hand-off and while memblock is kept or not yet discarded):
 *  - node and zone start/spanned/present recomputed from memblock.memory;
 *    managed within [free, present];
 *  - every free list: entries aligned, inside the zone, initialised, on one
 *    list only, heads recording the list's order and type, consistent
 *    lru_prev links, nr_free per order and type, zone nr_free_pages;
 *  - every pfn in exactly one state (see the top of this file), zone and
 *    node links of memory pages, free buddies that should have merged;
 *  - memblock agreement: holes Reserved; pages touched by memblock.reserved
 *    (not BM_RELEASE, not RSRV_NOINIT) or NOMAP initialised and PG_reserved
 *    (free or allocated there means memblock.reserved went stale; BM_RELEASE
 *    ranges are pending releases and may be either);
 *    PG_reserved memory inside memblock.reserved or NOMAP (or, while
 *    deferred init is pending, in the deferred range);
 *  - pageblock migratetypes valid; in a KHO boot, scratch pageblocks CMA.
 * Each failure is one bm_violation (BM_V_INVARIANT, BM_V_MEMBLOCK_MISMATCH
 * or BM_V_MIGRATETYPE) naming a pfn range; consecutive pfns failing the
 * same way are one failure.
 *
 * Return: the number of failures reported.
 * Context: a quiescent machine (no concurrent frees or deferred init);
 * takes no lock. Linear in pfns; host memory for two bitmaps of max_pfn bits.
 * The pfn walk runs a section per host thread (cfg.walk_threads, 0: as
 * cfg.threads), each section's reports handed over in order: the reports
 * are one thread's.
 */
int bm_mm_check(struct bm_machine *m)
{
	struct ck c = { .m = m };
	bool zones_ready;
	int nid;

	if (!m->mm.memmap_ready || !m->mm.nodes)
		return 0;
	ck_size(&c);
	zones_ready = m->mm.nr_node_ids > 0 && m->phase >= BM_PHASE_FREE_AREA_INIT;
	if (!zones_ready) {
		check_pageblocks(&c);
		for (int i = 0; i < CK_NR; i++)
		ck_flush(&c, (enum ck_code)i);
		return c.failures;
	}
	for (nid = 0; nid < BM_MAX_NUMNODES; nid++)
		check_zone_geometry(&c, nid);
	c.rsv_check = m->mm.buddy_ready && (!m->memblock.discarded || m->memblock.keep);
	c.listed = m->prim->zalloc(m->prim->ctx, c.map_bytes);
	c.freemap = m->prim->zalloc(m->prim->ctx, c.map_bytes);
	m->mm.check_sections_walked = m->mm.check_sections_reused = 0;
	if (c.listed && c.freemap) {
		unsigned long reused = 0;
		uint8_t *skip;

		bm_mm_check_lists(&c);
		/* Sections a baseline saw clean and nothing has changed since. */
		skip = bm_mm_check_base_plan(&c, &reused);
		c.skip = skip;
		bm_mm_check_walk_pfns(&c);
		c.skip = NULL;
		if (skip)
			m->prim->free(m->prim->ctx, skip, m->mm.nr_sections);
		m->mm.check_sections_reused = reused;
		m->mm.check_sections_walked = m->mm.nr_sections - reused;
	} else {
		bm_log(m, BM_LOG_ERR, "bm_mm_check: no host memory for %zu-byte bitmaps: "
		       "free lists and pfn states not checked", c.map_bytes);
	}
	check_pageblocks(&c);
	for (int i = 0; i < CK_NR; i++)
		ck_flush(&c, (enum ck_code)i);
	if (c.listed)
		m->prim->free(m->prim->ctx, c.listed, c.map_bytes);
	if (c.freemap)
		m->prim->free(m->prim->ctx, c.freemap, c.map_bytes);
	return c.failures;
}
