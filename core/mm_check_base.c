// SPDX-License-Identifier: MIT
/*
 * bm_mm_check's baseline: a check that can trust an earlier one for what has
 * not changed since.
 *
 * The pfn walk's verdict on a section depends only on the section's own
 * struct pages, its words of the shadow and of the check's two free-list
 * bitmaps, its pageblocks, the memblock regions over it, its entry of the
 * section table, and a few machine-wide values (zone spans, nodes' deferred
 * frontiers, whether memblock.reserved is still checked: struct ck_global).
 * A baseline walks every section once and keeps, for each, whether it had a
 * failure, with copies of all those inputs. A later check walks a section
 * again unless it was clean then and every input is the same now: the
 * bitmaps and the tables compared a word per 64 pages, the struct pages
 * vouched for by the host's write tracking (bm_prim.track_written), which
 * answers "not written" only when it is sure. A section passed over has no
 * failure, as it had none then, so the reports are those of a full walk.
 *
 * This is what makes a comparison's rows cheap: each row's boot forks from
 * one shared boot (sim/branch.c) and changes a few sections of a memory map
 * of gigabytes; each row's check then reads those, not the whole map.
 */
#include "mm_check.h"

static void base_free(struct bm_machine *m, struct bm_check_base *b)
{
	void *ctx = m->prim->ctx;

	m->prim->free(ctx, b->clean, m->mm.nr_sections);
	m->prim->free(ctx, b->init, b->map_bytes);
	m->prim->free(ctx, b->listed, b->map_bytes);
	m->prim->free(ctx, b->freemap, b->map_bytes);
	m->prim->free(ctx, b->pb, b->pb_bytes);
	m->prim->free(ctx, b->sections, m->mm.nr_sections * sizeof(*b->sections));
	m->prim->free(ctx, b->mem.regions, b->mem.cnt * sizeof(struct memblock_region));
	m->prim->free(ctx, b->rsv.regions, b->rsv.cnt * sizeof(struct memblock_region));
	m->prim->free(ctx, b, sizeof(*b));
}

/* A copy of @n bytes of @src in host memory, or NULL (also for @n == 0). */
static void *dup_bytes(struct bm_machine *m, const void *src, size_t n)
{
	void *p = n ? m->prim->zalloc(m->prim->ctx, n) : NULL;

	if (p)
		memcpy(p, src, n);
	return p;
}

static bool dup_type(struct bm_machine *m, struct memblock_type *to,
		     const struct memblock_type *from)
{
	*to = (struct memblock_type){ .cnt = from->cnt, .max = from->cnt, .name = from->name };
	to->regions = dup_bytes(m, from->regions, from->cnt * sizeof(struct memblock_region));
	return to->regions || !from->cnt;
}

/*
 * The sections' struct pages as runs of host memory (a node's memory map is
 * one buffer): into @r if not NULL. Return: the number of runs.
 */
static unsigned int map_runs(const struct bm_machine *m, struct bm_track_range *r)
{
	const size_t bytes = BM_PAGES_PER_SECTION * sizeof(struct page);
	const char *end = NULL;
	unsigned int n = 0;

	for (unsigned long sec = 0; sec < m->mm.nr_sections; sec++) {
		const char *map = (const char *)m->mm.sections[sec].map;

		if (!map)
			continue;
		if (n && map == end) {
			if (r)
				r[n - 1].size += bytes;
		} else {
			if (r)
				r[n] = (struct bm_track_range){ map, bytes };
			n++;
		}
		end = map + bytes;
	}
	return n;
}

/**
 * bm_mm_check_baseline - walk the memory map once for later checks to trust
 * @m: machine after memblock_free_all
 *
 * Takes the state a bm_mm_check() would see now, section by section, and
 * starts the host's write tracking (bm_prim.track_start), so that a later
 * bm_mm_check() of @m, or of a process forked from this one after this
 * call, walks only the sections that changed. Nothing is reported: the
 * baseline records which sections had no failure, and only those are ever
 * passed over. memblock.reserved is taken as a check after
 * memblock_discard() reads it (kept only with ARCH_KEEP_MEMBLOCK); a check
 * that reads it otherwise walks everything. The memory map must not be
 * written between this call and the forks that are to use it.
 *
 * Return: 0; -BM_EOPNOTSUPP if the host has no write tracking, -BM_EINVAL
 * before memblock_free_all (recorded as BM_V_MISUSE), -BM_ENOMEM (no
 * baseline then, and an earlier one dropped).
 * Context: setup, one thread; replaces an earlier baseline (a call refused
 * as misuse, or for want of tracking, leaves it; one that fails for want
 * of memory or because the host could not start has dropped it).
 */
int bm_mm_check_baseline(struct bm_machine *m)
{
	const struct bm_prim *p = m->prim;
	struct ck c = { .m = m, .silent = true };
	struct bm_check_base *b;
	struct bm_track_range *r;
	unsigned int nr;
	int err;
	bool ok;

	if (!m->mm.memmap_ready || !m->mm.nodes || !m->mm.buddy_ready ||
	    !m->mm.nr_sections || m->mm.nr_node_ids <= 0) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "a check baseline before memblock_free_all: refused");
		return -BM_EINVAL;
	}
	if (!p->track_start || !p->track_written || !p->track_stop)
		return -BM_EOPNOTSUPP;
	bm_mm_check_baseline_drop(m);
	b = p->zalloc(p->ctx, sizeof(*b));
	if (!b)
		return -BM_ENOMEM;
	ck_size(&c);
	c.rsv_check = m->memblock.keep;
	b->map_bytes = c.map_bytes;
	b->pb_bytes = (size_t)(ck_span(m) >> bm_pageblock_order(m));
	/* The check's own bitmaps become the baseline's copies. */
	c.listed = b->listed = p->zalloc(p->ctx, c.map_bytes);
	c.freemap = b->freemap = p->zalloc(p->ctx, c.map_bytes);
	b->clean = p->zalloc(p->ctx, m->mm.nr_sections);
	b->init = dup_bytes(m, m->mm.init_bitmap, c.map_bytes);
	b->pb = dup_bytes(m, m->mm.pageblock_mt, b->pb_bytes);
	b->sections = dup_bytes(m, m->mm.sections, m->mm.nr_sections * sizeof(*b->sections));
	ok = dup_type(m, &b->mem, &m->memblock.mb.memory) &
	     dup_type(m, &b->rsv, &m->memblock.mb.reserved);
	if (!ok || !c.listed || !c.freemap || !b->clean || !b->init || !b->pb || !b->sections) {
		base_free(m, b);
		return -BM_ENOMEM;
	}
	bm_mm_check_lists(&c);
	bm_mm_check_walk_clean(&c, b->clean);
	bm_mm_check_global(&c, &b->g);
	/* The host memory of the struct pages, a run per adjacent maps. */
	nr = map_runs(m, NULL);
	r = nr ? p->zalloc(p->ctx, nr * sizeof(*r)) : NULL;
	if (!r) {
		base_free(m, b);
		return nr ? -BM_ENOMEM : -BM_EINVAL;
	}
	map_runs(m, r);
	err = p->track_start(p->ctx, r, nr);
	p->free(p->ctx, r, nr * sizeof(*r));
	if (err) {
		base_free(m, b);
		return -BM_EOPNOTSUPP;
	}
	b->tracking = true;
	m->mm.check_base = b;
	return 0;
}

/**
 * bm_mm_check_baseline_drop - forget the baseline, stop the write tracking
 * @m: machine
 *
 * Context: setup; a no-op without a baseline.
 */
void bm_mm_check_baseline_drop(struct bm_machine *m)
{
	struct bm_check_base *b = m->mm.check_base;

	if (!b)
		return;
	m->mm.check_base = NULL;
	if (b->tracking)
		m->prim->track_stop(m->prim->ctx);
	base_free(m, b);
}

/* Are the regions of @a and @b touching pages [@s, @e) (one page wider) equal? */
static bool regions_same(const struct memblock_type *a, const struct memblock_type *b,
			 bm_pfn_t s, bm_pfn_t e)
{
	phys_addr_t lo = s ? BM_PFN_PHYS(s - 1) : 0, hi = BM_PFN_PHYS(e + 1);
	unsigned long i = bm_memblock_search(a, lo), j = bm_memblock_search(b, lo);

	for (;; i++, j++) {
		bool ina = i < a->cnt && a->regions[i].base < hi;
		bool inb = j < b->cnt && b->regions[j].base < hi;

		if (ina != inb)
			return false;
		if (!ina)
			return true;
		if (memcmp(&a->regions[i], &b->regions[j], sizeof(a->regions[i])))
			return false;
	}
}

/* Is every input of section @sec (below max_pfn) what the baseline saw? */
static bool section_same(const struct ck *c, const struct bm_check_base *b, unsigned long sec)
{
	const struct bm_machine *m = c->m;
	bm_pfn_t s = (bm_pfn_t)sec * BM_PAGES_PER_SECTION, e = s + BM_PAGES_PER_SECTION;
	size_t w = (size_t)(s >> 6), nw = BM_PAGES_PER_SECTION / 64;
	size_t pb = (size_t)(s >> bm_pageblock_order(m));
	size_t npb = (size_t)(BM_PAGES_PER_SECTION >> bm_pageblock_order(m));

	if (memcmp(&m->mm.sections[sec], &b->sections[sec], sizeof(b->sections[sec])) ||
	    memcmp(&m->mm.init_bitmap[w], &b->init[w], nw * 8) ||
	    memcmp(&c->listed[w], &b->listed[w], nw * 8) ||
	    memcmp(&c->freemap[w], &b->freemap[w], nw * 8) ||
	    memcmp(&m->mm.pageblock_mt[pb], &b->pb[pb], npb ? npb : 1))
		return false;
	return regions_same(&m->memblock.mb.memory, &b->mem, s, e) &&
	       regions_same(&m->memblock.mb.reserved, &b->rsv, s, e);
}

/*
 * Which sections the check @c may pass over: clean at the baseline, every
 * input the same, and the host sure their struct pages were not written.
 * Return: a byte per section (host memory, nr_sections bytes), or NULL if
 * the machine has no baseline or its machine-wide inputs changed (a node's
 * deferred init ran, memblock.reserved is read differently, ...).
 */
uint8_t *bm_mm_check_base_plan(struct ck *c, unsigned long *reused)
{
	struct bm_machine *m = c->m;
	const struct bm_check_base *b = m->mm.check_base;
	struct ck_global g;
	uint8_t *skip;
	unsigned long units;
	bool fresh = true;

	*reused = 0;
	if (!b || !b->tracking)
		return NULL;
	bm_mm_check_global(c, &g);
	if (memcmp(&g, &b->g, sizeof(g)))
		return NULL;
	skip = m->prim->zalloc(m->prim->ctx, m->mm.nr_sections);
	if (!skip)
		return NULL;
	units = (unsigned long)((c->max_pfn + BM_PAGES_PER_SECTION - 1) / BM_PAGES_PER_SECTION);
	for (unsigned long sec = 0; sec < units; sec++) {
		const struct page *map = m->mm.sections[sec].map;

		if (!b->clean[sec] || !section_same(c, b, sec))
			continue;
		/* Last, as it may cost the host a system call. */
		if (map) {
			bool written = m->prim->track_written(m->prim->ctx, map,
							      BM_PAGES_PER_SECTION * sizeof(*map),
							      fresh);

			fresh = false;
			if (written)
				continue;
		}
		skip[sec] = 1;
		(*reused)++;
	}
	return skip;
}
