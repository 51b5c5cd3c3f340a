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
 *                  deferred init is pending;
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
#include "internal.h"

#define CK_FUNC "bm_mm_check"

/* Failure kinds found by walking pfns, each coalesced into runs. */
enum ck_code {
	CK_UNINIT,		/* uninitialised below first_deferred_pfn */
	CK_FLAGS,		/* PG_reserved/PG_buddy/PG_bm_tail_free together */
	CK_STRAY,		/* PG_buddy or PG_bm_tail_free, in no listed block */
	CK_FREE_MARK,		/* page of a listed block without its free mark */
	CK_FREE_REF,		/* free page with refcount != 0 */
	CK_FREE_UNINIT,		/* listed block over uninitialised struct pages */
	CK_NEG_REF,		/* negative refcount */
	CK_LOST,		/* refcount 0, no flag, in no allocated block */
	CK_LINKS,		/* zone/node bits disagree with span and section */
	CK_UNMERGED,		/* two free buddies that should have merged */
	CK_NO_MEMMAP,		/* memory without a memory map */
	CK_HOLE_UNRSV,		/* hole not PG_reserved */
	CK_HOLE_FREE,		/* hole inside a free block */
	CK_RSV_FREE,		/* memblock.reserved / NOMAP page free in the buddy */
	CK_RSV_UNMARKED,	/* same, allocated or fresh: not PG_reserved */
	CK_RSV_UNINIT,		/* memblock.reserved page never initialised */
	CK_PG_RSV,		/* PG_reserved memory outside memblock.reserved */
	CK_MT_BAD,		/* invalid migratetype value */
	CK_KHO,			/* KHO scratch pageblock not CMA */
	CK_KHO_RSV,		/* same, its aligned page reserved (seed 003) */
	CK_NR
};

struct ck_run {
	bool open;
	bm_pfn_t start, end;
	uint64_t key;		/* runs extend only while the key is the same */
	uint64_t a, b;		/* sample values of the first pfn, for the text */
};

struct ck {
	struct bm_machine *m;
	int failures;
	bm_pfn_t max_pfn;
	uint64_t *listed;	/* bit per pfn: head of a listed free block */
	uint64_t *freemap;	/* bit per pfn: inside a listed free block */
	size_t map_bytes;
	bool rsv_check;		/* memblock.reserved still describes the map */
	unsigned long mem_i, rsv_i;	/* segment cursors into memblock */
	struct ck_run run[CK_NR];
};

/* Attributes constant over [pfn, end). */
struct seg {
	bm_pfn_t end;
	int nid;		/* section's node, -1 if none */
	bool valid;		/* the section has a memory map */
	bool memory;		/* a whole page of a memblock.memory region */
	bool nomap;
	bool driver_managed;	/* hot-added memory's flag: boot leaves it to its driver */
	bool may_rsv;		/* touched by any memblock.reserved region */
	bool must_rsv;		/* touched by one neither BM_RELEASE nor RSRV_NOINIT */
	bool deferred;		/* >= first_deferred_pfn, deferred init pending */
	const struct bm_zone *zone;	/* the node's zone spanning it */
};

static const char *const mt_upper[MIGRATE_TYPES] = {
	"UNMOVABLE", "MOVABLE", "RECLAIMABLE", "HIGHATOMIC", "CMA", "ISOLATE",
};

static const char *mt_name_upper(uint64_t mt)
{
	return mt < MIGRATE_TYPES ? mt_upper[mt] : "INVALID";
}

static inline bool bit_test(const uint64_t *map, bm_pfn_t pfn)
{
	return (map[pfn >> 6] >> (pfn & 63)) & 1;
}

static inline void bit_set(uint64_t *map, bm_pfn_t pfn)
{
	map[pfn >> 6] |= (uint64_t)1 << (pfn & 63);
}

/* Set bits [s, e), word at a time; true if any was already set. */
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

static inline phys_addr_t rgn_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static inline int rgn_nid(int nid)
{
	return (nid < 0 || nid >= BM_MAX_NUMNODES) ? 0 : nid;
}

/* One direct report (not coalesced). */
__attribute__((format(printf, 5, 6)))
static void ck_report(struct ck *c, enum bm_violation_kind kind, bm_pfn_t s, bm_pfn_t e,
		      const char *fmt, ...)
{
	char buf[sizeof(((struct bm_violation *)0)->detail)];
	va_list ap;

	va_start(ap, fmt);
	bm_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->failures++;
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

/* Record a failure of @code over [pfn, pfn + n), extending its run if it
 * continues the last one with the same key. */
static void ck_fail(struct ck *c, enum ck_code code, bm_pfn_t pfn, bm_pfn_t n, uint64_t key,
		    uint64_t a, uint64_t b)
{
	struct ck_run *r = &c->run[code];

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

/* --- the pfn walk ---------------------------------------------------------- */

/* Does a zone of @node span @p? */
static bool node_spans(const struct bm_node *node, bm_pfn_t p)
{
	for (int t = 0; t < BM_NR_ZONES; t++) {
		const struct bm_zone *z = &node->zones[t];

		if (z->spanned_pages && z->zone_start_pfn <= p &&
		    p < z->zone_start_pfn + z->spanned_pages)
			return true;
	}
	return false;
}

/* The segment starting at @p: every attribute holds until seg->end. */
static void seg_at(struct ck *c, bm_pfn_t p, struct seg *sg)
{
	struct bm_machine *m = c->m;
	const struct memblock_type *mem = &m->memblock.mb.memory;
	const struct memblock_type *rsv = &m->memblock.mb.reserved;
	const struct bm_section *sec = &m->mm.sections[p / BM_PAGES_PER_SECTION];
	bm_pfn_t end = BM_MIN(BM_ALIGN_UP(p + 1, BM_PAGES_PER_SECTION), c->max_pfn);

	*sg = (struct seg){ .nid = sec->present ? sec->nid : -1, .valid = sec->map != NULL };
	/* Memory: whole pages of each region; regions are sorted and disjoint. */
	while (c->mem_i < mem->cnt && BM_PFN_DOWN(rgn_end(&mem->regions[c->mem_i])) <= p)
		c->mem_i++;
	if (c->mem_i < mem->cnt) {
		const struct memblock_region *r = &mem->regions[c->mem_i];

		if (BM_PFN_UP(r->base) <= p) {
			sg->memory = true;
			sg->nomap = (r->flags & MEMBLOCK_NOMAP) != 0;
			sg->driver_managed = (r->flags & MEMBLOCK_DRIVER_MANAGED) != 0;
			/* Memory of two nodes may share a section (its memory map
			 * has one node): memmap_init links each page to the node
			 * of its memblock region (a region of no node to node 0),
			 * so that is what must match. */
			int rn = r->nid >= 0 && r->nid < BM_MAX_NUMNODES ? r->nid : 0;

			if (rn < m->mm.nr_node_ids && m->mm.nodes[rn].online &&
			    node_spans(&m->mm.nodes[rn], p))
				sg->nid = rn;
			end = BM_MIN(end, BM_PFN_DOWN(rgn_end(r)));
		} else {
			end = BM_MIN(end, BM_PFN_UP(r->base));
		}
	}
	/* Reserved: any page a region touches; two regions may share a page. */
	while (c->rsv_i < rsv->cnt && BM_PFN_UP(rgn_end(&rsv->regions[c->rsv_i])) <= p)
		c->rsv_i++;
	for (unsigned long j = c->rsv_i; j < rsv->cnt; j++) {
		const struct memblock_region *r = &rsv->regions[j];

		if (BM_PFN_DOWN(r->base) > p) {
			end = BM_MIN(end, BM_PFN_DOWN(r->base));
			break;
		}
		sg->may_rsv = true;
		if (!(r->flags & (MEMBLOCK_BM_RELEASE | MEMBLOCK_RSRV_NOINIT)))
			sg->must_rsv = true;
		end = BM_MIN(end, BM_PFN_UP(rgn_end(r)));
	}
	if (sg->nid >= 0 && sg->nid < m->mm.nr_node_ids && m->mm.nodes[sg->nid].online) {
		const struct bm_node *node = &m->mm.nodes[sg->nid];

		for (int t = 0; t < BM_NR_ZONES; t++) {
			const struct bm_zone *z = &node->zones[t];
			bm_pfn_t zs = z->zone_start_pfn, ze = zs + z->spanned_pages;

			if (!z->spanned_pages)
				continue;
			if (zs <= p && p < ze) {
				sg->zone = z;
				end = BM_MIN(end, ze);
			} else if (zs > p) {
				end = BM_MIN(end, zs);
			}
		}
		if (node->deferred_pending && node->first_deferred_pfn != BM_NO_PFN) {
			if (p >= node->first_deferred_pfn)
				sg->deferred = true;
			else
				end = BM_MIN(end, node->first_deferred_pfn);
		}
	}
	sg->end = BM_MAX(end, p + 1);
}

/* @n pfns from @p whose struct pages are not initialised. */
static void check_uninit(struct ck *c, const struct seg *sg, bm_pfn_t p, bm_pfn_t n)
{
	bool in_free = n == 64 ? c->freemap[p >> 6] != 0 : bit_test(c->freemap, p);

	/* Deferred init walks free memory only, which driver-managed memory
	 * never is (should_skip_region): above the frontier the kernel leaves
	 * its struct pages to the driver that onlines it. */
	if (!sg->deferred && !sg->driver_managed)
		ck_fail(c, CK_UNINIT, p, n, 0,
			sg->nid >= 0 ? c->m->mm.nodes[sg->nid].first_deferred_pfn : BM_NO_PFN, 0);
	if (in_free)
		ck_fail(c, CK_FREE_UNINIT, p, n, 0, 0, 0);
	if (c->rsv_check && sg->must_rsv && sg->memory)
		ck_fail(c, CK_RSV_UNINIT, p, n, 0, 0, 0);
}

/*
 * A page with no flag and refcount 0 is the tail of a block allocated
 * whole (only the head holds the reference); its head is an aligned
 * ancestor with no flag and a reference.
 */
static bool in_allocated_block(struct ck *c, bm_pfn_t p)
{
	for (unsigned int o = 1; o <= bm_max_order(c->m); o++) {
		bm_pfn_t h = p & ~(((bm_pfn_t)1 << o) - 1);
		const struct page *hp;

		if (h == p || !bm_page_initialised(c->m, h))
			continue;
		hp = bm_pfn_to_page(c->m, h);
		/* A negative head refcount is reported on the head alone. */
		if (!(hp->flags & (PG_reserved | PG_buddy | PG_bm_tail_free)) && hp->refcount != 0)
			return true;
	}
	return false;
}

/*
 * Unmerged free buddies: @p is an initialised listed head. Only a buddy
 * that is itself an initialised listed head counts, so deferred init still
 * pending never makes a struct page of garbage look mergeable.
 */
static void check_merge(struct ck *c, const struct seg *sg, bm_pfn_t p, const struct page *page)
{
	struct bm_machine *m = c->m;
	unsigned int o = page->order;
	bm_pfn_t b, nr;
	const struct page *bp;

	if (o >= bm_max_order(m) || !sg->zone)
		return;
	nr = (bm_pfn_t)1 << o;
	b = p ^ nr;
	if (b < p || b + nr > sg->zone->zone_start_pfn + sg->zone->spanned_pages ||
	    b >= c->max_pfn || !bit_test(c->listed, b) || !bm_page_initialised(m, b))
		return;
	bp = bm_pfn_to_page(m, b);
	if (!(bp->flags & PG_buddy) || bp->order != o)
		return;
	/*
	 * page_is_buddy() compares page_zone_id(), zone and node: where
	 * nodes interleave, a zone's span holds pages of another node, and
	 * those never merge with its own.
	 */
	if ((bp->flags ^ page->flags) & (PG_ZONE_MASK | PG_NODE_MASK))
		return;
	if (o >= bm_pageblock_order(m)) {
		int ma = bm_get_pageblock_migratetype(m, p);
		int mb = bm_get_pageblock_migratetype(m, b);

		/* CMA, ISOLATE (and HIGHATOMIC) keep to themselves from here up. */
		if (ma != mb && (ma >= MIGRATE_PCPTYPES || mb >= MIGRATE_PCPTYPES))
			return;
	}
	ck_fail(c, CK_UNMERGED, p, 2 * nr, 0, b, o);
}

static void check_page(struct ck *c, const struct seg *sg, bm_pfn_t p)
{
	struct bm_machine *m = c->m;
	const struct page *page = bm_pfn_to_page(m, p);
	uint32_t f = page->flags;
	bool rsv = f & PG_reserved, bud = f & PG_buddy, tail = f & PG_bm_tail_free;
	bool in_free = bit_test(c->freemap, p);

	if (rsv + bud + tail > 1) {
		ck_fail(c, CK_FLAGS, p, 1, 0, f, 0);
		return;
	}
	/* The page's own state. */
	if (in_free) {
		bool head = bit_test(c->listed, p);

		if (head ? !bud : !tail)
			ck_fail(c, CK_FREE_MARK, p, 1, head, f, 0);
		if (page->refcount != 0)
			ck_fail(c, CK_FREE_REF, p, 1, 0, (uint32_t)page->refcount, 0);
		if (head && bud)
			check_merge(c, sg, p, page);
	} else if (bud || tail) {
		/* Heads and tails together: a list cut short loses whole
		 * ranges, which then read as one report per range. */
		ck_fail(c, CK_STRAY, p, 1, 0, f, 0);
	} else if (!rsv && page->refcount < 0) {
		ck_fail(c, CK_NEG_REF, p, 1, 0, (uint32_t)page->refcount, 0);
	} else if (!rsv && page->refcount == 0 && !in_allocated_block(c, p)) {
		ck_fail(c, CK_LOST, p, 1, 0, 0, 0);
	}
	/* Agreement with memblock. */
	if (!sg->memory) {
		if (in_free)
			ck_fail(c, CK_HOLE_FREE, p, 1, 0, 0, 0);
		else if (!rsv)
			ck_fail(c, CK_HOLE_UNRSV, p, 1, 0, f, 0);
	} else if (c->rsv_check) {
		if ((sg->must_rsv || sg->nomap) && !rsv)
			ck_fail(c, in_free ? CK_RSV_FREE : CK_RSV_UNMARKED, p, 1, 0, sg->nomap,
				(uint32_t)page->refcount);
		/* Deferred-range exemption: a release handed to deferred init
		 * (seed 001 option 1) leaves memblock.reserved first. */
		else if (rsv && !sg->may_rsv && !sg->nomap && !sg->deferred)
			ck_fail(c, CK_PG_RSV, p, 1, 0, 0, 0);
	}
	/* Holes take the zone of the memory after them (memmap_init): only
	 * memory pages must match their span. */
	if (sg->memory && sg->zone &&
	    (bm_page_zonenum(page) != sg->zone->type || bm_page_nid(page) != sg->nid))
		ck_fail(c, CK_LINKS, p, 1, (uint64_t)(f & (PG_ZONE_MASK | PG_NODE_MASK)),
			((uint64_t)bm_page_zonenum(page) << 8) | (unsigned)bm_page_nid(page),
			((uint64_t)sg->zone->type << 8) | (unsigned)sg->nid);
}

/*
 * The zone and node bits a memory page of @sg must carry, or 0 if the
 * segment has no such page (no zone or node) or its bits cannot hold them
 * (then the links check fails, page by page).
 */
static uint32_t seg_links(const struct seg *sg)
{
	uint32_t want;

	if (!sg->memory || !sg->zone || sg->nid < 0)
		return 0;
	want = ((uint32_t)sg->zone->type << PG_ZONE_SHIFT) | ((uint32_t)sg->nid << PG_NODE_SHIFT);
	if ((want & ~(PG_ZONE_MASK | PG_NODE_MASK)) ||
	    ((want & PG_NODE_MASK) >> PG_NODE_SHIFT) != (uint32_t)sg->nid ||
	    ((want & PG_ZONE_MASK) >> PG_ZONE_SHIFT) != (uint32_t)sg->zone->type)
		return 0;
	return want | PG_reserved;	/* never 0 for a valid answer */
}

/*
 * The common case a word (64 pfns) at a time: the tail pages of one listed
 * free block in memory of the segment's zone, from pfn q + @first on (the
 * pages before it checked by the caller: a block's head). Every
 * check_page() rule then holds exactly when each struct page's flags are
 * PG_bm_tail_free plus the segment's zone and node and its refcount is 0,
 * so 64 pages pass with one load of each and no branch per page; any other
 * word (another head, a page in another state, a failure) goes through
 * check_page() pfn by pfn, in the same order, making the same reports.
 */
static bool word_free_tails_ok(struct ck *c, const struct seg *sg, bm_pfn_t q,
			       unsigned int first)
{
	const struct page *page;
	uint32_t want = seg_links(sg), bad = 0;

	if (!want || (c->rsv_check && (sg->must_rsv || sg->nomap)) ||
	    c->freemap[q >> 6] != ~0ull || (c->listed[q >> 6] >> first))
		return false;
	want = (want & ~PG_reserved) | PG_bm_tail_free;
	/* 64 aligned pfns lie in one section. */
	page = bm_pfn_to_page(c->m, q);
	for (unsigned int i = first; i < 64; i++)
		bad |= (page[i].flags ^ want) | (uint32_t)page[i].refcount;
	return !bad;
}

/*
 * The other common word: 64 reserved memory pages (the memory map itself,
 * the kernel, firmware) in no free block. check_page() then asks only that
 * each be PG_reserved without PG_buddy or PG_bm_tail_free, carry the
 * segment's zone and node, and (memblock agreement) lie where a
 * reservation, NOMAP or the deferred range allows PG_reserved: the
 * refcount and the other flags are not looked at. Same rules, one load per
 * page; any other word goes pfn by pfn.
 */
static bool word_reserved_ok(struct ck *c, const struct seg *sg, bm_pfn_t q)
{
	const uint32_t mask = PG_reserved | PG_buddy | PG_bm_tail_free | PG_ZONE_MASK |
			      PG_NODE_MASK;
	const struct page *page;
	uint32_t want = seg_links(sg), bad = 0;

	if (!want || c->freemap[q >> 6] ||
	    (c->rsv_check && !sg->may_rsv && !sg->nomap && !sg->deferred))
		return false;
	page = bm_pfn_to_page(c->m, q);
	for (unsigned int i = 0; i < 64; i++)
		bad |= (page[i].flags & mask) ^ want;
	return !bad;
}

static void walk_pfns(struct ck *c)
{
	struct bm_machine *m = c->m;
	const uint64_t *init = m->mm.init_bitmap;
	struct seg sg;

	for (bm_pfn_t p = 0; p < c->max_pfn; p = sg.end) {
		seg_at(c, p, &sg);
		if (!sg.valid) {
			if (sg.memory)
				ck_fail(c, CK_NO_MEMMAP, p, sg.end - p, 0, 0, 0);
			continue;
		}
		for (bm_pfn_t q = p; q < sg.end;) {
			if (!(q & 63) && q + 64 <= sg.end && init[q >> 6] == 0) {
				check_uninit(c, &sg, q, 64);
				q += 64;
			} else if (!(q & 63) && q + 64 <= sg.end && init[q >> 6] == ~0ull &&
				   (word_free_tails_ok(c, &sg, q, 0) ||
				    word_reserved_ok(c, &sg, q))) {
				q += 64;
			} else if (!(q & 63) && q + 64 <= sg.end && init[q >> 6] == ~0ull &&
				   c->listed[q >> 6] == 1 && c->freemap[q >> 6] == ~0ull) {
				/* A block's head, then (most often) its tails. */
				check_page(c, &sg, q);
				q += word_free_tails_ok(c, &sg, q, 1) ? 64 : 1;
			} else if (!bit_test(init, q)) {
				check_uninit(c, &sg, q++, 1);
			} else {
				check_page(c, &sg, q++);
			}
		}
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
			ck_fail(c, CK_MT_BAD, p, pb, mt, mt, 0);
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
				ck_fail(c, CK_KHO_RSV, p, pb, (uint64_t)mt, 0, 0);
			else
				ck_fail(c, CK_KHO, p, pb, (uint64_t)mt, 0, 0);
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
 */
int bm_mm_check(struct bm_machine *m)
{
	struct ck c = { .m = m };
	bool zones_ready;
	int nid;

	if (!m->mm.memmap_ready || !m->mm.nodes)
		return 0;
	c.max_pfn = BM_MIN(m->mm.max_pfn, (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION);
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
	c.map_bytes = (size_t)(((bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION) / 8);
	c.listed = m->prim->zalloc(m->prim->ctx, c.map_bytes);
	c.freemap = m->prim->zalloc(m->prim->ctx, c.map_bytes);
	if (c.listed && c.freemap) {
		bm_for_each_online_node(m, nid)
			for (int t = 0; t < BM_NR_ZONES; t++)
				check_zone_lists(&c, &m->mm.nodes[nid].zones[t]);
		walk_pfns(&c);
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
