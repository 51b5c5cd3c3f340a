// SPDX-License-Identifier: MIT
/*
 * Releasing reserved memory after the memblock hand-off: free_reserved_area
 * and memblock_free_late, under each behaviour the kernel has had (BRIEF 5)
 * and bootmm's own "safe" one.
 *
 * The hazard every policy answers differently: while deferred struct page
 * init is pending, a released page may lie where the memory map is not yet
 * initialised, and freeing it makes __free_one_page read its buddies'
 * struct pages, which may be garbage (seed 001). The kernel's answers were
 * to skip such pages (leaking them, seed 004), to free anyway (corruption),
 * to hand them to deferred init (seed 001's options), or to refuse and move
 * the callers (v7.1). "safe" frees what is safe now and the rest the moment
 * deferred init completes its MAX_ORDER block.
 */
#include "internal.h"

static const char *const policy_names[BM_NR_POLICIES] = {
	[BM_POLICY_SAFE] = "safe",
	[BM_POLICY_SKIP_UNINIT] = "skip-uninit",
	[BM_POLICY_FREE_EARLY] = "free-early",
	[BM_POLICY_UNRESERVE] = "unreserve",
	[BM_POLICY_UNRESERVE_FLAG] = "unreserve-flag",
	[BM_POLICY_DISCARD] = "discard",
	[BM_POLICY_WARN] = "warn",
};

const char *bm_policy_name(int policy)
{
	return (unsigned)policy < BM_NR_POLICIES ? policy_names[policy] : "?";
}

int bm_policy_from_name(const char *name)
{
	for (int p = 0; p < BM_NR_POLICIES; p++)
		if (!bm_strcmp(name, policy_names[p]))
			return p;
	return -1;
}

/**
 * bm_release_rec - the release record of an owner
 * @m: machine
 * @name: owner ("EFI boot services", "SMP alternatives", "initrd", ...)
 *
 * Return: the record, created on first use; NULL if the table is full.
 */
struct bm_release_rec *bm_release_rec(struct bm_machine *m, const char *name)
{
	struct bm_boot_state *b = &m->boot;

	if (!name)
		name = "unnamed";
	for (unsigned int i = 0; i < b->nr_rel; i++)
		if (!bm_strcmp(b->rel[i].name, name))
			return &b->rel[i];
	if (b->nr_rel == BM_MAX_RELEASE_RECS)
		return NULL;
	b->rel[b->nr_rel].name = name;
	b->rel[b->nr_rel].phase_usable = -1;
	return &b->rel[b->nr_rel++];
}

/**
 * bm_release_leaked_pages - pages released by their owners that never
 * reached the buddy allocator (so far)
 * @m: machine
 *
 * Return: the sum over every record of released - freed pages.
 */
unsigned long bm_release_leaked_pages(struct bm_machine *m)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < m->boot.nr_rel; i++)
		n += m->boot.rel[i].pages_released - m->boot.rel[i].pages_freed;
	return n;
}

/* Deferred init has not finished: the kernel's deferred_pages static key. */
static bool deferred_pages_pending(struct bm_machine *m)
{
	return m->boot.deferred_pages_key;
}

/* Every struct page __free_one_page could read for @pfn is initialised. */
bool bm_maxorder_block_initialised(struct bm_machine *m, bm_pfn_t pfn)
{
	bm_pfn_t nr = (bm_pfn_t)1 << bm_max_order(m);
	bm_pfn_t base = BM_ALIGN_DOWN(pfn, nr);

	if (!bm_pfn_valid(m, base))
		return false;
	if (nr >= 64) {
		for (bm_pfn_t w = base / 64; w < (base + nr) / 64; w++)
			if (m->mm.init_bitmap[w] != ~0ull)
				return false;
		return true;
	}
	for (bm_pfn_t p = base; p < base + nr; p++)
		if (!bm_page_initialised(m, p))
			return false;
	return true;
}

static void note_freed(struct bm_machine *m, struct bm_release_rec *rec, unsigned long n)
{
	if (!rec || !n)
		return;
	rec->pages_freed += n;
	rec->phase_usable = m->phase;
}

/* KHO: memory given back inside scratch is scratch again (CMA), as
 * Mike Rapoport proposed for free_reserved_area in seed 003. */
static void scratch_to_cma(struct bm_machine *m, bm_pfn_t pfn)
{
	if (m->cfg.kho && bm_is_kho_scratch(m, pfn))
		bm_set_pageblock_migratetype(m, pfn, MIGRATE_CMA);
}

/*
 * Free one reserved page now. free_reserved_area's path is
 * free_reserved_page (managed and totalram counted); memblock_free_late's
 * is __free_pages_core (managed only; its caller counted totalram).
 */
static bool free_page_now(struct bm_machine *m, bm_pfn_t pfn, enum bm_release_api api)
{
	struct page *page = bm_pfn_to_page(m, pfn);

	if (!page) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__,
			     "released pfn %#llx has no memory map", (unsigned long long)pfn);
		return false;
	}
	/*
	 * A hole's struct page is Reserved too, but there is no RAM behind it.
	 * The page must lie in one memory region: the kernel counts a region's
	 * pages from PFN_UP(base) to PFN_DOWN(end), so a page only partly
	 * memory is a hole's (not present, never managed).
	 */
	if (!bm_memblock_is_region_memory(m, BM_PFN_PHYS(pfn), BM_PAGE_SIZE)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__,
			     "released pfn %#llx is not memory", (unsigned long long)pfn);
		return false;
	}
	if (!bm_page_initialised(m, pfn) || !(page->flags & PG_reserved)) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, __func__,
			     "released pfn %#llx is not a reserved page (flags %#x)",
			     (unsigned long long)pfn, page->flags);
		return false;
	}
	if (m->cfg.release_policy == BM_POLICY_SAFE)
		scratch_to_cma(m, pfn);
	if (api == BM_API_MEMBLOCK_FREE_LATE)
		bm_free_pages_core(m, pfn, 0);
	else
		bm_free_reserved_page(m, pfn);
	return true;
}

static void add_pending(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
			struct bm_release_rec *rec, enum bm_release_api api,
			unsigned long npending)
{
	struct bm_boot_state *b = &m->boot;
	uint16_t ri = rec ? (uint16_t)(rec - b->rel) : 0;
	struct bm_pending *last = b->nr_pending ? &b->pending[b->nr_pending - 1] : NULL;

	if (rec)
		rec->pages_pending += npending;
	if (last && last->base + last->size == BM_PFN_PHYS(spfn) && last->rec == ri &&
	    last->api == api) {
		last->size += BM_PFN_PHYS(epfn - spfn);
		last->npending += npending;
		return;
	}
	if (b->nr_pending == BM_MAX_PENDING) {
		bm_violation(m, BM_V_INVARIANT, spfn, epfn, __func__,
			     "pending-release table full (%d entries): range leaks", BM_MAX_PENDING);
		return;
	}
	b->pending[b->nr_pending++] = (struct bm_pending){
		.base = BM_PFN_PHYS(spfn), .size = BM_PFN_PHYS(epfn - spfn),
		.rec = ri, .api = (uint8_t)api, .npending = npending,
	};
}

static void add_leak(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
		     struct bm_release_rec *rec)
{
	struct bm_boot_state *b = &m->boot;
	uint16_t ri = rec ? (uint16_t)(rec - b->rel) : 0;

	if (spfn >= epfn)
		return;
	if (b->nr_leaks && b->leaks[b->nr_leaks - 1].epfn == spfn &&
	    b->leaks[b->nr_leaks - 1].rec == ri) {
		b->leaks[b->nr_leaks - 1].epfn = epfn;
		return;
	}
	if (b->nr_leaks < BM_MAX_LEAKS)
		b->leaks[b->nr_leaks++] = (struct bm_leak){ spfn, epfn, ri };
	else
		b->leaks_dropped += (unsigned long)(epfn - spfn);
}

/* Free [spfn, epfn) now, page by page; returns pages freed. */
static unsigned long free_run_now(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				  enum bm_release_api api)
{
	unsigned long n = 0;

	for (bm_pfn_t pfn = spfn; pfn < epfn; pfn++)
		n += free_page_now(m, pfn, api);
	return n;
}

/* Keep memblock.reserved in step with the memory map (v7.1 with
 * ARCH_KEEP_MEMBLOCK; always for "safe"), while memblock exists. */
static void unreserve(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn)
{
	if (!m->memblock.discarded || m->memblock.keep)
		bm_memblock_unreserve(m, BM_PFN_PHYS(spfn), BM_PFN_PHYS(epfn - spfn));
}

/*
 * Split [spfn, epfn) into runs that are, or are not, in the deferred part
 * of the memory map, and hand each run to @fn.
 */
static void for_each_deferred_run(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				  void (*fn)(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e,
					     bool deferred, void *arg),
				  void *arg)
{
	while (spfn < epfn) {
		bool d = bm_pfn_deferred(m, spfn);
		bm_pfn_t e = bm_pfn_deferred_run_end(m, spfn, epfn);

		fn(m, spfn, e, d, arg);
		spfn = e;
	}
}

struct release_ctx {
	struct bm_release_rec *rec;
	enum bm_release_api api;
	int policy;			/* the entry point's (api_policy) */
	unsigned long freed;
};

/*
 * The policy of an entry point. free_reserved_area_policy auto: what
 * free_reserved_area did in the era of release_policy. memblock_free_late's
 * skipping (until v7.1) and seed 001's three proposals for it never touched
 * free_reserved_area, which freed at once (free_reserved_page); 6.2-rc,
 * v7.1 and bootmm's safe treat both entry points alike.
 */
static int api_policy(const struct bm_machine *m, enum bm_release_api api)
{
	int p = m->cfg.release_policy, f = m->cfg.free_reserved_area_policy;

	if (api != BM_API_FREE_RESERVED_AREA)
		return p;
	if (f >= 0 && f < BM_NR_POLICIES)
		return f;
	switch (p) {
	case BM_POLICY_SKIP_UNINIT:
	case BM_POLICY_UNRESERVE:
	case BM_POLICY_UNRESERVE_FLAG:
	case BM_POLICY_DISCARD:
		return BM_POLICY_FREE_EARLY;
	default:
		return p;
	}
}

static void run_skip_uninit(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, bool deferred,
			    void *arg)
{
	struct release_ctx *c = arg;

	if (deferred)
		add_leak(m, s, e, c->rec);
	else
		c->freed += free_run_now(m, s, e, c->api);
}

static void run_unreserve(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, bool deferred,
			  void *arg)
{
	struct release_ctx *c = arg;

	if (!deferred) {
		c->freed += free_run_now(m, s, e, c->api);
		return;
	}
	/* Deferred init will see a free range: initialise and free it. */
	bm_memblock_unreserve(m, BM_PFN_PHYS(s), BM_PFN_PHYS(e - s));
	if (c->policy == BM_POLICY_UNRESERVE_FLAG)
		bm_memblock_setclr_flag(m, false, BM_PFN_PHYS(s), BM_PFN_PHYS(e - s), 1,
					MEMBLOCK_BM_MEMMAP_INIT);
	add_pending(m, s, e, c->rec, c->api, (unsigned long)(e - s));
}

static void run_safe(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, bool deferred, void *arg)
{
	struct release_ctx *c = arg;
	unsigned long now = 0;

	if (!deferred) {
		c->freed += free_run_now(m, s, e, c->api);
		unreserve(m, s, e);
		return;
	}
	/*
	 * Blocks whose whole MAX_ORDER neighbourhood is initialised can be
	 * freed now; the range stays in memblock.reserved, flagged, so that
	 * deferred init neither initialises nor frees it a second time.
	 */
	for (bm_pfn_t pfn = s; pfn < e; pfn++) {
		if (bm_maxorder_block_initialised(m, pfn))
			now += free_page_now(m, pfn, c->api);
	}
	c->freed += now;
	bm_memblock_setclr_flag(m, true, BM_PFN_PHYS(s), BM_PFN_PHYS(e - s), 1,
				MEMBLOCK_BM_RELEASE);
	add_pending(m, s, e, c->rec, c->api, (unsigned long)(e - s) - now);
}

static unsigned long release_range(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
				   enum bm_release_api api, const char *name)
{
	bm_pfn_t spfn = BM_PFN_UP(start), epfn = BM_PFN_DOWN(end);
	struct release_ctx c = { bm_release_rec(m, name), api, api_policy(m, api), 0 };
	unsigned long n;

	if (!bm_machine_alive(m, __func__))
		return 0;
	if (end < start) {
		bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(end), BM_PFN_UP(start), __func__,
			     "%s: start %#llx is above end %#llx: refused", name ? name : "release",
			     (unsigned long long)start, (unsigned long long)end);
		return 0;
	}
	if (spfn >= epfn)
		return 0;
	n = (unsigned long)(epfn - spfn);
	if (!m->mm.buddy_ready) {
		bm_violation(m, BM_V_MISUSE, spfn, epfn, __func__,
			     "%s released before memblock_free_all: use memblock_phys_free",
			     name ? name : "memory");
		return 0;
	}
	if (epfn > m->mm.max_pfn) {
		bm_violation(m, BM_V_MISUSE, spfn, epfn, __func__,
			     "%s: [%#llx-%#llx) reaches past the end of memory (pfn %#llx): refused",
			     name ? name : "release", (unsigned long long)start,
			     (unsigned long long)end, (unsigned long long)m->mm.max_pfn);
		return 0;
	}
	if (bm_range_holds_memmap(m, BM_PFN_PHYS(spfn), BM_PFN_PHYS(epfn))) {
		bm_violation(m, BM_V_MISUSE, spfn, epfn, __func__,
			     "%s: the range holds the memory map itself: refused",
			     name ? name : "release");
		return 0;
	}
	if (c.rec) {
		c.rec->pages_released += n;
		c.rec->phase_released = m->phase;
	}
	/* memblock_free_late counted every page in totalram, freed or not. */
	if (api == BM_API_MEMBLOCK_FREE_LATE)
		m->mm.totalram_pages += n;

	switch (deferred_pages_pending(m) ? c.policy : BM_POLICY_FREE_EARLY) {
	case BM_POLICY_SKIP_UNINIT:
		for_each_deferred_run(m, spfn, epfn, run_skip_uninit, &c);
		break;
	case BM_POLICY_UNRESERVE:
	case BM_POLICY_UNRESERVE_FLAG:
		for_each_deferred_run(m, spfn, epfn, run_unreserve, &c);
		break;
	case BM_POLICY_DISCARD:
		bm_memblock_setclr_flag(m, true, BM_PFN_PHYS(spfn), BM_PFN_PHYS(n), 1,
					MEMBLOCK_BM_RELEASE);
		add_pending(m, spfn, epfn, c.rec, api, n);
		break;
	case BM_POLICY_WARN:
		m->boot.warns++;
		bm_violation(m, BM_V_WARN, spfn, epfn, __func__,
			     "%s freed while deferred pages remain: nothing freed",
			     name ? name : "memory");
		add_leak(m, spfn, epfn, c.rec);
		break;
	case BM_POLICY_SAFE:
		for_each_deferred_run(m, spfn, epfn, run_safe, &c);
		break;
	case BM_POLICY_FREE_EARLY:
	default:
		/* Also every policy once deferred init is done. */
		c.freed += free_run_now(m, spfn, epfn, api);
		if (c.policy == BM_POLICY_SAFE || (c.policy == BM_POLICY_WARN && m->memblock.keep))
			unreserve(m, spfn, epfn);
		break;
	}
	note_freed(m, c.rec, c.freed);
	return n;
}

/**
 * bm_free_reserved_area - the kernel's free_reserved_area under the policy
 * @m: machine after memblock_free_all
 * @start: first byte (rounded up to a page)
 * @end: one past the last byte (rounded down)
 * @poison: ignored (bootmm does not model page contents)
 * @name: owner; if non-NULL the kernel's "Freeing %s memory: %ldK" is logged
 *
 * Return: pages released, whether the policy frees them now, later or never.
 * Context: any phase after mm_core_init.
 */
unsigned long bm_free_reserved_area(struct bm_machine *m, phys_addr_t start,
				    phys_addr_t end, int poison, const char *name)
{
	unsigned long n;

	(void)poison;
	n = release_range(m, start, end, BM_API_FREE_RESERVED_AREA, name);
	if (name && n)
		bm_log(m, BM_LOG_INFO, "Freeing %s memory: %luK", name, n << (BM_PAGE_SHIFT - 10));
	return n;
}

/**
 * bm_free_reserved_range - free_reserved_area without its "Freeing" line
 * @m: machine after memblock_free_all
 * @start: first byte (rounded up to a page)
 * @end: one past the last byte (rounded down)
 * @owner: the release record to account the pages to
 *
 * For callers that free many ranges and log one total (EFI boot services).
 * Return: pages released. Context: any phase after mm_core_init.
 */
unsigned long bm_free_reserved_range(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
				     const char *owner)
{
	return release_range(m, start, end, BM_API_FREE_RESERVED_AREA, owner);
}

/**
 * bm_memblock_free_late - the kernel's memblock_free_late under the policy
 * @m: machine after memblock_free_all
 * @base: first byte
 * @size: bytes
 * @name: owner, for the release record
 *
 * Counts every whole page in totalram whatever becomes of it, as the
 * kernel's did. Context: any phase after mm_core_init.
 */
void bm_memblock_free_late(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			   const char *name)
{
	if (size && base + size < base) {
		bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(base), BM_NO_PFN, __func__,
			     "%s: [%#llx+%#llx] wraps past the end of the address space: refused",
			     name ? name : "memblock_free_late", (unsigned long long)base,
			     (unsigned long long)size);
		return;
	}
	if (m->cfg.memblock_debug)
		bm_log(m, BM_LOG_DEBUG, "memblock_free_late: [%#018llx-%#018llx] %s",
		       (unsigned long long)base, (unsigned long long)(base + size - 1),
		       m->caller ? m->caller : "?");
	release_range(m, base, base + size, BM_API_MEMBLOCK_FREE_LATE, name);
}

static bool range_deferred(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn)
{
	for (bm_pfn_t p = spfn; p < epfn; p = bm_pfn_deferred_run_end(m, p, epfn))
		if (bm_pfn_deferred(m, p))
			return true;
	return false;
}

/*
 * Complete one pending release whose memory map is now initialised;
 * returns false if it must keep waiting.
 */
static bool settle_one(struct bm_machine *m, struct bm_pending *p, bool discard_time)
{
	bm_pfn_t spfn = BM_PFN_DOWN(p->base), epfn = spfn + BM_PFN_DOWN(p->size);
	struct bm_release_rec *rec = &m->boot.rel[p->rec];
	unsigned long freed = 0;
	int policy = api_policy(m, (enum bm_release_api)p->api);

	if (policy == BM_POLICY_DISCARD ? !discard_time : range_deferred(m, spfn, epfn))
		return false;
	switch (policy) {
	case BM_POLICY_SAFE:
	case BM_POLICY_DISCARD:
		for (bm_pfn_t pfn = spfn; pfn < epfn; pfn++) {
			struct page *pg = bm_pfn_to_page(m, pfn);

			if (pg && (pg->flags & PG_reserved))
				freed += free_page_now(m, pfn, (enum bm_release_api)p->api);
		}
		if (!m->memblock.discarded || m->memblock.keep)
			bm_memblock_unreserve(m, p->base, p->size);
		break;
	default:	/* unreserve: deferred init freed them as free memory */
		for (bm_pfn_t pfn = spfn; pfn < epfn; pfn++) {
			struct page *pg = bm_pfn_to_page(m, pfn);

			freed += pg && bm_page_initialised(m, pfn) && !(pg->flags & PG_reserved);
		}
		if (p->api == BM_API_FREE_RESERVED_AREA)
			m->mm.totalram_pages += freed;
		if (policy == BM_POLICY_UNRESERVE_FLAG)
			bm_memblock_setclr_flag(m, false, p->base, p->size, 0,
						MEMBLOCK_BM_MEMMAP_INIT);
		break;
	}
	if (freed < p->npending)
		add_leak(m, spfn, epfn, rec);
	rec->pages_pending -= p->npending;
	note_freed(m, rec, BM_MIN(freed, p->npending));
	return true;
}

/**
 * bm_release_settle - complete pending releases the memory map now covers
 * @m: machine
 * @discard_time: memblock_discard is running (the discard policy frees then)
 *
 * Context: single-threaded: after each node's deferred init, after
 * deferred_grow_zone, and at memblock_discard.
 */
void bm_release_settle(struct bm_machine *m, bool discard_time)
{
	struct bm_boot_state *b = &m->boot;
	unsigned int keep = 0;

	for (unsigned int i = 0; i < b->nr_pending; i++) {
		struct bm_pending p = b->pending[i];

		if (!settle_one(m, &p, discard_time))
			b->pending[keep++] = p;
	}
	b->nr_pending = keep;
}

/**
 * bm_release_finish - account what never reached the buddy allocator
 * @m: machine at the end of boot
 *
 * Every release still pending and every range a policy skipped is a leak:
 * one BM_V_LEAK violation per range whose pages are still reserved.
 */
void bm_release_finish(struct bm_machine *m)
{
	struct bm_boot_state *b = &m->boot;

	for (unsigned int i = 0; i < b->nr_pending; i++)
		add_leak(m, BM_PFN_DOWN(b->pending[i].base),
			 BM_PFN_DOWN(b->pending[i].base + b->pending[i].size), &b->rel[b->pending[i].rec]);
	b->nr_pending = 0;
	b->leaked_pages = 0;
	for (unsigned int i = 0; i < b->nr_leaks; i++) {
		struct bm_leak *l = &b->leaks[i];
		bm_pfn_t run = BM_NO_PFN;

		for (bm_pfn_t pfn = l->spfn; pfn <= l->epfn; pfn++) {
			struct page *pg = pfn < l->epfn ? bm_pfn_to_page(m, pfn) : NULL;
			bool leaked = pg && (pg->flags & PG_reserved);

			if (leaked && run == BM_NO_PFN)
				run = pfn;
			if (!leaked && run != BM_NO_PFN) {
				b->leaked_pages += (unsigned long)(pfn - run);
				bm_violation(m, BM_V_LEAK, run, pfn, __func__,
					     "%s: %lluK released but never freed (policy %s)",
					     b->rel[l->rec].name,
					     (unsigned long long)(pfn - run) << (BM_PAGE_SHIFT - 10),
					     bm_policy_name(m->cfg.release_policy));
				run = BM_NO_PFN;
			}
		}
	}
	b->leaked_pages += b->leaks_dropped;
}
