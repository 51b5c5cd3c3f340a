// SPDX-License-Identifier: MIT
/*
 * bm_mm_check's pfn walk: every pfn of the memory map in exactly one state
 * (mm_check.c's top comment), segment by segment, a word (64 pfns) at a
 * time where the common states allow it.
 */
#include "mm_check.h"

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
		if (r->flags & MEMBLOCK_RSRV_NOINIT)
			sg->noinit = true;
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
		if (node->boot_deferred_pfn != BM_NO_PFN) {
			if (p >= node->boot_deferred_pfn)
				sg->left_deferred = true;
			else
				end = BM_MIN(end, node->boot_deferred_pfn);
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
	 * its struct pages to the driver that onlines it. Likewise a range
	 * reserved RSRV_NOINIT alone, which memmap_init_reserved_pages skips:
	 * past the boot frontier its owner initialises them (hugetlb's
	 * bootmem pages), below it memmap_init did. */
	bool owners = sg->noinit && !sg->must_rsv && sg->left_deferred;

	if (!sg->deferred && !sg->driver_managed && !owners)
		bm_mm_check_fail(c, CK_UNINIT, p, n, 0,
			sg->nid >= 0 ? c->m->mm.nodes[sg->nid].first_deferred_pfn : BM_NO_PFN, 0);
	if (in_free)
		bm_mm_check_fail(c, CK_FREE_UNINIT, p, n, 0, 0, 0);
	if (c->rsv_check && sg->must_rsv && sg->memory)
		bm_mm_check_fail(c, CK_RSV_UNINIT, p, n, 0, 0, 0);
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
	bm_mm_check_fail(c, CK_UNMERGED, p, 2 * nr, 0, b, o);
}

static void check_page(struct ck *c, const struct seg *sg, bm_pfn_t p)
{
	struct bm_machine *m = c->m;
	const struct page *page = bm_pfn_to_page(m, p);
	uint32_t f = page->flags;
	bool rsv = f & PG_reserved, bud = f & PG_buddy, tail = f & PG_bm_tail_free;
	bool in_free = bit_test(c->freemap, p);

	if (rsv + bud + tail > 1) {
		bm_mm_check_fail(c, CK_FLAGS, p, 1, 0, f, 0);
		return;
	}
	/* The page's own state. */
	if (in_free) {
		bool head = bit_test(c->listed, p);

		if (head ? !bud : !tail)
			bm_mm_check_fail(c, CK_FREE_MARK, p, 1, head, f, 0);
		if (page->refcount != 0)
			bm_mm_check_fail(c, CK_FREE_REF, p, 1, 0, (uint32_t)page->refcount, 0);
		if (head && bud)
			check_merge(c, sg, p, page);
	} else if (bud || tail) {
		/* Heads and tails together: a list cut short loses whole
		 * ranges, which then read as one report per range. */
		bm_mm_check_fail(c, CK_STRAY, p, 1, 0, f, 0);
	} else if (!rsv && page->refcount < 0) {
		bm_mm_check_fail(c, CK_NEG_REF, p, 1, 0, (uint32_t)page->refcount, 0);
	} else if (!rsv && page->refcount == 0 && !in_allocated_block(c, p)) {
		bm_mm_check_fail(c, CK_LOST, p, 1, 0, 0, 0);
	}
	/* Agreement with memblock. */
	if (!sg->memory) {
		if (in_free)
			bm_mm_check_fail(c, CK_HOLE_FREE, p, 1, 0, 0, 0);
		else if (!rsv)
			bm_mm_check_fail(c, CK_HOLE_UNRSV, p, 1, 0, f, 0);
	} else if (c->rsv_check) {
		if ((sg->must_rsv || sg->nomap) && !rsv)
			bm_mm_check_fail(c, in_free ? CK_RSV_FREE : CK_RSV_UNMARKED, p, 1, 0, sg->nomap,
				(uint32_t)page->refcount);
		/* Deferred-range exemption: a release handed to deferred init
		 * (seed 001 option 1) leaves memblock.reserved first. */
		else if (rsv && !sg->may_rsv && !sg->nomap && !sg->deferred)
			bm_mm_check_fail(c, CK_PG_RSV, p, 1, 0, 0, 0);
	}
	/* Holes take the zone of the memory after them (memmap_init): only
	 * memory pages must match their span. */
	if (sg->memory && sg->zone &&
	    (bm_page_zonenum(page) != sg->zone->type || bm_page_nid(page) != sg->nid))
		bm_mm_check_fail(c, CK_LINKS, p, 1, (uint64_t)(f & (PG_ZONE_MASK | PG_NODE_MASK)),
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
	want = bm_page_links(sg->zone->type, sg->nid);
	/* A node or zone too large for its bits would not read back. */
	if (((want & PG_NODE_MASK) >> PG_NODE_SHIFT) != (uint32_t)sg->nid ||
	    ((want & PG_ZONE_MASK) >> PG_ZONE_SHIFT) != (uint32_t)sg->zone->type)
		return 0;
	return want | PG_reserved;	/* never 0 for a valid answer */
}

/* A struct page's first eight bytes, read as one word, from its flags and refcount. */
static inline uint64_t lead_word(uint32_t flags, uint32_t refcount)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return ((uint64_t)flags << 32) | refcount;
#else
	return ((uint64_t)refcount << 32) | flags;
#endif
}

/*
 * Whether any of struct pages [@first, 64) of @page fails: its first eight
 * bytes (flags, then refcount: lead_word) masked with @mask differ from
 * @want. One 64-bit load per page, four accumulators, written out because
 * GCC's vectoriser, given plain loops over the 24-byte stride, assembled
 * its vectors through the stack and stalled on every store forward: a
 * third of a replay's CPU time (perf, 2026-12-07).
 */
static inline uint64_t words_bad(const struct page *page, unsigned int first, uint64_t mask,
				 uint64_t want)
{
	_Static_assert(__builtin_offsetof(struct page, flags) == 0 &&
		       __builtin_offsetof(struct page, refcount) == 4,
		       "flags and refcount lead struct page");
	const unsigned char *b = (const unsigned char *)page;
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, x;
	unsigned int i = first;

	for (; i < 64 && (i & 3); i++) {
		__builtin_memcpy(&x, b + i * sizeof(struct page), 8);
		a0 |= (x & mask) ^ want;
	}
	for (; i < 64; i += 4) {
		const unsigned char *p = b + i * sizeof(struct page);
		uint64_t x0, x1, x2, x3;

		__builtin_memcpy(&x0, p, 8);
		__builtin_memcpy(&x1, p + sizeof(struct page), 8);
		__builtin_memcpy(&x2, p + 2 * sizeof(struct page), 8);
		__builtin_memcpy(&x3, p + 3 * sizeof(struct page), 8);
		a0 |= (x0 & mask) ^ want;
		a1 |= (x1 & mask) ^ want;
		a2 |= (x2 & mask) ^ want;
		a3 |= (x3 & mask) ^ want;
	}
	return a0 | a1 | a2 | a3;
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
	uint32_t want = seg_links(sg);

	if (!want || (c->rsv_check && (sg->must_rsv || sg->nomap)) ||
	    c->freemap[q >> 6] != ~0ull || (c->listed[q >> 6] >> first))
		return false;
	want = (want & ~PG_reserved) | PG_bm_tail_free;
	/* 64 aligned pfns lie in one section. */
	page = bm_pfn_to_page(c->m, q);
	/* The refcount must be 0. */
	return !words_bad(page, first, ~0ull, lead_word(want, 0));
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
	uint32_t want = seg_links(sg);

	if (!want || c->freemap[q >> 6] ||
	    (c->rsv_check && !sg->may_rsv && !sg->nomap && !sg->deferred))
		return false;
	page = bm_pfn_to_page(c->m, q);
	return !words_bad(page, 0, lead_word(mask, 0), lead_word(want, 0));	/* refcount masked off */
}

/* Every pfn of [@from, @to): segments never cross a section, so a walk may
 * start at any section's first pfn with its cursors placed there. */
static void walk_range(struct ck *c, bm_pfn_t from, bm_pfn_t to)
{
	struct bm_machine *m = c->m;
	const uint64_t *init = m->mm.init_bitmap;
	struct seg sg;

	for (bm_pfn_t p = from; p < to; p = sg.end) {
		if (c->buf && c->buf->overflow)
			return;	/* the section is walked again, serially */
		seg_at(c, p, &sg);
		if (!sg.valid) {
			if (sg.memory)
				bm_mm_check_fail(c, CK_NO_MEMMAP, p, sg.end - p, 0, 0, 0);
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

/*
 * Where seg_at's cursors stand once the walk reaches @p: the first memory
 * region whose whole pages end past @p (PFN_DOWN(end) > p: end reaches
 * the next pfn), the first reserved one touching a page at or past @p
 * (PFN_UP(end) > p: end lies past @p's first byte).
 */
static void cursors_at(struct ck *c, bm_pfn_t p)
{
	c->mem_i = bm_memblock_search(&c->m->memblock.mb.memory, BM_PFN_PHYS(p + 1) - 1);
	c->rsv_i = bm_memblock_search(&c->m->memblock.mb.reserved, BM_PFN_PHYS(p));
}

/* Sections per parallel call: their buffered runs live until replayed. */
#define WALK_WINDOW	256u

struct walk_job {
	const struct ck *c;
	bm_pfn_t start;			/* the window's first pfn */
	struct ck_buf *bufs;		/* per section of the window */
};

/* One section into @buf, or nothing if the baseline vouches for it. */
static void walk_section_buffered(const struct ck *c0, bm_pfn_t s, struct ck_buf *buf)
{
	struct ck c = *c0;

	buf->n = 0;
	buf->overflow = false;
	for (int k = 0; k < CK_NR; k++)
		buf->open[k] = -1;
	if (c.skip && c.skip[s / BM_PAGES_PER_SECTION])
		return;
	c.buf = buf;
	cursors_at(&c, s);
	walk_range(&c, s, BM_MIN(s + BM_PAGES_PER_SECTION, c.max_pfn));
}

static void walk_unit(void *arg, unsigned long idx)
{
	const struct walk_job *j = arg;

	walk_section_buffered(j->c, j->start + (bm_pfn_t)idx * BM_PAGES_PER_SECTION,
			      &j->bufs[idx]);
}

/*
 * The serial walk from section-aligned @from to the end. Without a
 * baseline, one walk_range with its cursors carried along; with one, the
 * sections it vouches for are passed over and the cursors placed again
 * after each (a walk may start at any section, as walk_unit's do).
 */
static void walk_serial(struct ck *c, bm_pfn_t from)
{
	if (!c->skip) {
		cursors_at(c, from);
		walk_range(c, from, c->max_pfn);
		return;
	}
	for (bm_pfn_t s = from; s < c->max_pfn; s += BM_PAGES_PER_SECTION) {
		if (c->skip[s / BM_PAGES_PER_SECTION])
			continue;
		cursors_at(c, s);
		walk_range(c, s, BM_MIN(s + BM_PAGES_PER_SECTION, c->max_pfn));
	}
}

/*
 * The walk a section per host thread (cfg.walk_threads, 0: as threads),
 * each section's failures buffered as runs, then handed to the real check
 * in section order. Every rule is a function of the pfn's segment and
 * struct pages, and a run is extended only by the pfns right after it, so
 * the runs come out as the serial walk makes them, in the order it opens
 * them; coalescing across sections happens as they are handed over. A
 * section with more runs than its buffer holds is walked again, serially,
 * from its first pfn to the end.
 * Return: true if done, false if the caller must walk it all serially.
 */
static bool walk_parallel(struct ck *c)
{
	struct bm_machine *m = c->m;
	unsigned int threads = m->cfg.walk_threads ? m->cfg.walk_threads : m->cfg.threads;
	unsigned long units = (unsigned long)((c->max_pfn + BM_PAGES_PER_SECTION - 1) /
					      BM_PAGES_PER_SECTION);
	size_t bsz = WALK_WINDOW * sizeof(struct ck_buf);
	struct walk_job job = { c, 0, NULL };

	if (threads < 2 || !m->prim->parallel || units < 4)
		return false;
	job.bufs = m->prim->zalloc(m->prim->ctx, bsz);
	if (!job.bufs)
		return false;
	for (unsigned long w = 0; w < units; w += WALK_WINDOW) {
		unsigned long n = BM_MIN(units - w, (unsigned long)WALK_WINDOW);

		job.start = (bm_pfn_t)w * BM_PAGES_PER_SECTION;
		m->prim->parallel(m->prim->ctx, threads, walk_unit, &job, n);
		for (unsigned long i = 0; i < n; i++) {
			const struct ck_buf *b = &job.bufs[i];
			bm_pfn_t s = job.start + (bm_pfn_t)i * BM_PAGES_PER_SECTION;

			if (b->overflow) {
				walk_serial(c, s);
				m->prim->free(m->prim->ctx, job.bufs, bsz);
				return true;
			}
			for (unsigned int k = 0; k < b->n; k++) {
				const struct ck_entry *e = &b->e[k];

				bm_mm_check_fail(c, e->code, e->start, e->end - e->start, e->key,
						 e->a, e->b);
			}
		}
	}
	m->prim->free(m->prim->ctx, job.bufs, bsz);
	return true;
}

void bm_mm_check_walk_pfns(struct ck *c)
{
	if (!walk_parallel(c))
		walk_serial(c, 0);
}

struct clean_job {
	const struct ck *c;
	uint8_t *clean;
};

static void clean_unit(void *arg, unsigned long idx)
{
	const struct clean_job *j = arg;
	struct ck_buf buf;

	walk_section_buffered(j->c, (bm_pfn_t)idx * BM_PAGES_PER_SECTION, &buf);
	j->clean[idx] = !buf.n && !buf.overflow;
}

/*
 * A baseline's walk (mm_check_base.c): every section on its own, as the
 * parallel walk does, keeping only whether it had a failure; nothing is
 * reported. A section's result depends only on its own pfns (segments and
 * merge buddies never cross a section), so it stands for that section in
 * any later walk whose inputs for it are the same.
 */
void bm_mm_check_walk_clean(struct ck *c, uint8_t *clean)
{
	struct bm_machine *m = c->m;
	unsigned int threads = m->cfg.walk_threads ? m->cfg.walk_threads : m->cfg.threads;
	unsigned long units = (unsigned long)((c->max_pfn + BM_PAGES_PER_SECTION - 1) /
					      BM_PAGES_PER_SECTION);
	struct clean_job job = { c, clean };

	for (unsigned long i = units; i < m->mm.nr_sections; i++)
		clean[i] = 1;	/* past max_pfn: nothing to walk */
	if (threads > 1 && m->prim->parallel) {
		m->prim->parallel(m->prim->ctx, threads, clean_unit, &job, units);
		return;
	}
	for (unsigned long i = 0; i < units; i++)
		clean_unit(&job, i);
}
