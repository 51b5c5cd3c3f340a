// SPDX-License-Identifier: MIT
/*
 * The memory map: one struct page per page frame, allocated from memblock
 * per node as SPARSEMEM does, and the sanitizer that knows which struct
 * pages have been initialised.
 *
 * Layout: sparse_init allocates, per node, one 2 MiB slot per present
 * 128 MiB section (the kernel's 64 bytes per page). bootmm's compact
 * struct pages (24 bytes) need only the first 3/8 of that block: they are
 * packed densely from its start, section after section, so the part that
 * is written is contiguous and can be backed by huge pages on the host
 * (BM_PHYS_DENSE) without paying host memory for the 5/8 never written.
 * Which 2 MiB slot stands for which section (map_phys, the kernel's
 * layout) is unchanged: that is what releases are checked against. A
 * section placed on its own (no node-local block) keeps its array at the
 * start of its slot. The shadow bitmap
 * (one bit per pfn, set once the struct page is initialised) is host
 * memory, like KASAN's shadow: the simulated kernel never sees it.
 */
#include "internal.h"

#define SECTION_MAP_SIZE	(BM_PAGES_PER_SECTION * BM_KERNEL_STRUCT_PAGE)	/* 2 MiB */
#define SECTION_DENSE_SIZE	(BM_PAGES_PER_SECTION * sizeof(struct page))	/* 768 KiB */
#define PMD_SIZE		((phys_addr_t)2 << 20)
#define MAX_DMA_PHYS		((phys_addr_t)16 << 20)	/* __pa(MAX_DMA_ADDRESS) */
/* mem_section_usage of a 6.x kernel: rcu_head, subsection map, pageblock bits. */
#define SECTION_USAGE_SIZE	56
#define SECTIONS_PER_ROOT	256	/* PAGE_SIZE / sizeof(struct mem_section) */
#define NR_SECTION_ROOTS_SIZE	16384	/* the mem_section root array */

static inline bool shadow_test(const uint64_t *bm, bm_pfn_t pfn)
{
	return (bm[pfn >> 6] >> (pfn & 63)) & 1;
}

bool bm_pfn_valid(struct bm_machine *m, bm_pfn_t pfn)
{
	if (pfn >= m->mm.nr_sections * BM_PAGES_PER_SECTION)
		return false;
	return m->mm.sections[pfn / BM_PAGES_PER_SECTION].map != NULL;
}

struct page *bm_pfn_to_page(struct bm_machine *m, bm_pfn_t pfn)
{
	if (!bm_pfn_valid(m, pfn))
		return NULL;
	return m->mm.sections[pfn / BM_PAGES_PER_SECTION].map + (pfn % BM_PAGES_PER_SECTION);
}

/**
 * bm_page_to_pfn - the pfn a struct page describes
 * @m: machine
 * @page: a struct page of @m's memory map
 *
 * Return: the pfn, or BM_NO_PFN if @page is not in the memory map.
 * Context: any; linear in sections.
 */
bm_pfn_t bm_page_to_pfn(struct bm_machine *m, const struct page *page)
{
	for (unsigned long s = 0; s < m->mm.nr_sections; s++) {
		const struct bm_section *sec = &m->mm.sections[s];

		if (sec->map && page >= sec->map && page < sec->map + BM_PAGES_PER_SECTION)
			return s * BM_PAGES_PER_SECTION + (bm_pfn_t)(page - sec->map);
	}
	return BM_NO_PFN;
}

bool bm_page_initialised(struct bm_machine *m, bm_pfn_t pfn)
{
	if (!bm_pfn_valid(m, pfn))
		return false;
	return shadow_test(m->mm.init_bitmap, pfn);
}

/**
 * bm_page_read - checked access to a struct page about to be read
 * @m: machine
 * @pfn: page frame
 * @func: the reader (its name goes into the violation)
 *
 * Return: the struct page, or NULL if there is no memory map at @pfn.
 * Context: any phase; safe from deferred-init threads. A read of a struct
 * page that was never initialised is recorded as BM_V_UNINIT_READ and the
 * page is returned anyway: the real kernel reads whatever is there.
 */
struct page *bm_page_read(struct bm_machine *m, bm_pfn_t pfn, const char *func)
{
	struct page *page = bm_pfn_to_page(m, pfn);

#if BOOTMM_CHECKS
	if (page && !shadow_test(m->mm.init_bitmap, pfn)) {
		__atomic_fetch_add(&m->mm.nr_uninit_reads, 1, __ATOMIC_RELAXED);
		bm_violation(m, BM_V_UNINIT_READ, pfn, pfn + 1, func,
			     "struct page of pfn %#llx read before it was initialised",
			     (unsigned long long)pfn);
	}
#else
	(void)func;
#endif
	return page;
}

/**
 * bm_init_single_page - the kernel's __init_single_page
 * @m: machine
 * @pfn: page frame, must have a memory map
 * @zone: zone the page belongs to
 * @nid: node
 * @func: initialiser, for the double-init report
 *
 * Zeroes the struct page, links zone and node, refcount 1, mapcount -1,
 * empty list links, and marks it initialised in the shadow. Initialising a
 * struct page that is already initialised is recorded as BM_V_DOUBLE_INIT:
 * whatever state it held (Reserved, a free block's links) is lost.
 * Context: any phase; callers on different sections may run concurrently.
 */
void bm_init_single_page(struct bm_machine *m, bm_pfn_t pfn, enum bm_zone_type zone,
			 int nid, const char *func)
{
	struct page *page = bm_pfn_to_page(m, pfn);
	uint64_t *word;

	if (!page) {
		bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, func,
			     "no memory map for pfn %#llx", (unsigned long long)pfn);
		return;
	}
	word = &m->mm.init_bitmap[pfn >> 6];
	if ((*word >> (pfn & 63)) & 1) {
		__atomic_fetch_add(&m->mm.nr_double_inits, 1, __ATOMIC_RELAXED);
#if BOOTMM_CHECKS
		bm_violation(m, BM_V_DOUBLE_INIT, pfn, pfn + 1, func,
			     "struct page of pfn %#llx initialised again (flags %#x refcount %d)",
			     (unsigned long long)pfn, page->flags, page->refcount);
#endif
	}
	page->flags = bm_page_links(zone, nid);
	page->refcount = 1;
	page->mapcount = -1;
	page->order = 0;
	page->lru_next = BM_LIST_END;
	page->lru_prev = BM_LIST_END;
	/* Workers own whole sections (512 words of the shadow): no sharing. */
	*word |= (uint64_t)1 << (pfn & 63);
}

/**
 * bm_init_pages_range - bm_init_single_page() over [@spfn, @epfn)
 * @m: machine
 * @spfn: first pfn
 * @epfn: one past the last
 * @zone: zone of every page
 * @nid: node of every page
 * @func: initialiser, for the reports
 *
 * The same result as bm_init_single_page() on each pfn, in one pass per
 * section: the section is looked up once, each struct page is stored from
 * a template, and the shadow is tested and set a 64-bit word (64 pages) at
 * a time rather than read-modify-written once per page.
 * Context: as bm_init_single_page(); concurrent callers own whole sections.
 */
void bm_init_pages_range(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
			 enum bm_zone_type zone, int nid, const char *func)
{
	const struct page tmpl = {
		.flags = bm_page_links(zone, nid),
		.refcount = 1,
		.mapcount = -1,
		.order = 0,
		.lru_next = BM_LIST_END,
		.lru_prev = BM_LIST_END,
	};

	while (spfn < epfn) {
		bm_pfn_t sec_end = BM_ALIGN_DOWN(spfn, BM_PAGES_PER_SECTION) + BM_PAGES_PER_SECTION;
		bm_pfn_t e = BM_MIN(epfn, sec_end);
		struct page *page = bm_pfn_to_page(m, spfn);

		if (!page) {
			bm_violation(m, BM_V_MISUSE, spfn, e, func,
				     "no memory map for pfn %#llx", (unsigned long long)spfn);
			spfn = e;
			continue;
		}
		while (spfn < e) {
			bm_pfn_t we = BM_MIN(e, BM_ALIGN_DOWN(spfn, 64) + 64);
			unsigned int lo = (unsigned int)(spfn & 63), n = (unsigned int)(we - spfn);
			uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << lo;
			uint64_t *word = &m->mm.init_bitmap[spfn >> 6];

			if (__builtin_expect(*word & mask, 0)) {
				for (unsigned int i = 0; i < n; i++) {
					if (!((*word >> (lo + i)) & 1))
						continue;
					__atomic_fetch_add(&m->mm.nr_double_inits, 1, __ATOMIC_RELAXED);
#if BOOTMM_CHECKS
					bm_violation(m, BM_V_DOUBLE_INIT, spfn + i, spfn + i + 1, func,
						     "struct page of pfn %#llx initialised again (flags %#x refcount %d)",
						     (unsigned long long)(spfn + i), page[i].flags,
						     page[i].refcount);
#endif
				}
			}
			for (unsigned int i = 0; i < n; i++)
				page[i] = tmpl;
			*word |= mask;
			page += n;
			spfn = we;
		}
	}
}

struct section_job {
	struct bm_machine *m;
	bm_pfn_t spfn, epfn;
	bm_range_fn fn;
	void *arg;
};

static void section_work(void *arg, unsigned long idx)
{
	const struct section_job *j = arg;
	bm_pfn_t s = BM_ALIGN_DOWN(j->spfn, BM_PAGES_PER_SECTION) + (bm_pfn_t)idx * BM_PAGES_PER_SECTION;

	j->fn(j->m, BM_MAX(s, j->spfn), BM_MIN(s + BM_PAGES_PER_SECTION, j->epfn), j->arg);
}

/*
 * bm_range_uninitialised: every section of [@spfn, @epfn) (not empty) has
 * a map and no struct page of it is initialised yet. Then it can be
 * initialised out of order: nothing of it can be reported (reports must
 * come in pfn order, as the serial walk makes them).
 */
bool bm_range_uninitialised(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn)
{
	const uint64_t *w = m->mm.init_bitmap;
	bm_pfn_t p = spfn;

	for (bm_pfn_t s = spfn / BM_PAGES_PER_SECTION; s <= (epfn - 1) / BM_PAGES_PER_SECTION; s++)
		if (!m->mm.sections[s].map)
			return false;
	for (; p < epfn && (p & 63); p++)
		if (shadow_test(w, p))
			return false;
	for (; p + 64 <= epfn; p += 64)
		if (w[p >> 6])
			return false;
	for (; p < epfn; p++)
		if (shadow_test(w, p))
			return false;
	return true;
}

/**
 * bm_sections_parallel - run @fn over [@spfn, @epfn) a section at a time on
 *                        the host's threads, if that cannot change the result
 * @m: machine
 * @spfn: first pfn
 * @epfn: one past the last
 * @fn: called with each section's part of the range; must touch only the
 *      struct pages, shadow words and pageblock bytes of that part
 * @arg: for @fn
 *
 * Only up to mm_core_init, on cfg.walk_threads host threads (0: as
 * cfg.threads) when there are two or more, the range spans at
 * least four sections, every section has a memory map and no struct page
 * of the range is initialised yet: then an initialiser cannot report
 * anything (no double init, no missing map), so the order of the work
 * cannot show.
 * Return: true if done; false if the caller must walk the range itself.
 * Context: no other user of the range's sections.
 */
bool bm_sections_parallel(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
			  bm_range_fn fn, void *arg)
{
	struct section_job job = { m, spfn, epfn, fn, arg };
	unsigned int threads = m->cfg.walk_threads ? m->cfg.walk_threads : m->cfg.threads;
	unsigned long units;

	/* Boot-time walks only (free_area_init, mm_core_init): later a host
	 * may have parked its CPUs (the example kernel does after deferred
	 * init), and late ranges are small. */
	if (spfn >= epfn || threads < 2 || !m->prim->parallel ||
	    m->phase > BM_PHASE_MM_CORE_INIT || epfn > bm_memmap_end_pfn(m))
		return false;
	units = (unsigned long)((epfn - 1) / BM_PAGES_PER_SECTION - spfn / BM_PAGES_PER_SECTION + 1);
	if (units < 4 || !bm_range_uninitialised(m, spfn, epfn))
		return false;
	m->prim->parallel(m->prim->ctx, threads, section_work, &job, units);
	return true;
}

struct init_args {
	enum bm_zone_type zone;
	int nid;
	const char *func;
};

static void init_part(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, void *arg)
{
	const struct init_args *a = arg;

	bm_init_pages_range(m, s, e, a->zone, a->nid, a->func);
}

/**
 * bm_init_pages_range_parallel - bm_init_pages_range() on the host's threads
 * @m: machine
 * @spfn: first pfn
 * @epfn: one past the last
 * @zone: zone of every page
 * @nid: node of every page
 * @func: initialiser, for the reports
 *
 * The same state as bm_init_pages_range(), a section per unit of work on up
 * to cfg.walk_threads host threads, when that cannot change what is reported
 * (no struct page of the range initialised yet, every section mapped);
 * otherwise the serial walk, whose reports come in pfn order. The kernel's
 * memmap_init is serial: only the simulation's wall time changes.
 * Context: no other user of the range's sections.
 */
void bm_init_pages_range_parallel(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				  enum bm_zone_type zone, int nid, const char *func)
{
	struct init_args a = { zone, nid, func };

	if (!bm_sections_parallel(m, spfn, epfn, init_part, &a))
		bm_init_pages_range(m, spfn, epfn, zone, nid, func);
}

/**
 * bm_range_holds_memmap - does [@start, @end) hold part of the memory map?
 * @m: machine
 * @start: first byte
 * @end: one past the last byte
 *
 * Return: true if it overlaps the 2 MiB block of any present section's
 * struct pages (releasing it would hand live struct pages to the buddy).
 * Context: any; linear in sections.
 */
bool bm_range_holds_memmap(struct bm_machine *m, phys_addr_t start, phys_addr_t end)
{
	for (unsigned long s = 0; s < m->mm.nr_sections; s++) {
		const struct bm_section *sec = &m->mm.sections[s];

		if (sec->map && start < sec->map_phys + SECTION_MAP_SIZE && sec->map_phys < end)
			return true;
	}
	return false;
}

/* Zone of a struct page, from its flags (page_zonenum). */
enum bm_zone_type bm_page_zonenum(const struct page *page)
{
	return (enum bm_zone_type)((page->flags & PG_ZONE_MASK) >> PG_ZONE_SHIFT);
}

int bm_page_nid(const struct page *page)
{
	return (int)((page->flags & PG_NODE_MASK) >> PG_NODE_SHIFT);
}

/* Allocate host-side tables sized by the end of memory. */
static int alloc_tables(struct bm_machine *m, bm_pfn_t max_pfn)
{
	struct bm_mm *mm = &m->mm;
	unsigned long nr = (unsigned long)((max_pfn + BM_PAGES_PER_SECTION - 1) / BM_PAGES_PER_SECTION);
	bm_pfn_t span = (bm_pfn_t)nr * BM_PAGES_PER_SECTION;

	mm->max_pfn = max_pfn;
	mm->nr_sections = nr;
	mm->sections = m->prim->zalloc(m->prim->ctx, nr * sizeof(*mm->sections));
	mm->init_bitmap = m->prim->zalloc(m->prim->ctx, (size_t)(span / 8));
	mm->pageblock_mt = m->prim->zalloc(m->prim->ctx, (size_t)(span >> bm_pageblock_order(m)));
	if (!mm->sections || !mm->init_bitmap || !mm->pageblock_mt)
		return -BM_ENOMEM;
	return 0;
}

/*
 * Page-table pages for the vmemmap of one node, as vmemmap_populate makes
 * them: a PUD page per new 512 GiB of vmemmap, a PMD page per new 1 GiB
 * (the PMD entries map the 2 MiB slots directly). One PUD page covers
 * the whole 16 TiB bootmm supports.
 */
struct vmemmap_tables {
	bool pud_done;
	uint64_t pmd_done[4];	/* 256 GiB of vmemmap / 1 GiB */
};

static void alloc_vmemmap_tables(struct bm_machine *m, int nid, struct vmemmap_tables *vt)
{
	for (unsigned long s = 0; s < m->mm.nr_sections; s++) {
		uint64_t va = (uint64_t)s * BM_PAGES_PER_SECTION * BM_KERNEL_STRUCT_PAGE;
		unsigned long pmd = (unsigned long)(va >> 30);

		if (!m->mm.sections[s].present || m->mm.sections[s].nid != nid)
			continue;
		m->caller = "vmemmap_alloc_block_zero";
		if (!vt->pud_done) {
			vt->pud_done = true;
			if (bm_memblock_alloc_try_nid_raw(m, BM_PAGE_SIZE, BM_PAGE_SIZE, MAX_DMA_PHYS,
							  MEMBLOCK_ALLOC_ACCESSIBLE, nid) == NULL)
				return;
		}
		if (!(vt->pmd_done[pmd / 64] & (1ull << (pmd % 64)))) {
			vt->pmd_done[pmd / 64] |= 1ull << (pmd % 64);
			bm_memblock_alloc_try_nid_raw(m, BM_PAGE_SIZE, BM_PAGE_SIZE, MAX_DMA_PHYS,
						      MEMBLOCK_ALLOC_ACCESSIBLE, nid);
		}
	}
}

/* mem_section_usage of the node's sections, placed near its pgdat. */
static void alloc_usemap(struct bm_machine *m, int nid, unsigned long nr_present)
{
	phys_addr_t goal = BM_ALIGN_DOWN(m->mm.nodes[nid].pgdat_phys,
					 (phys_addr_t)1 << BM_SECTION_SHIFT);
	phys_addr_t limit = goal + ((phys_addr_t)1 << BM_SECTION_SHIFT);
	void *p;

	m->caller = "sparse_init_nid";
	if (!m->mm.nodes[nid].pgdat_phys)
		goal = limit = 0;
	p = bm_memblock_alloc_try_nid(m, SECTION_USAGE_SIZE * nr_present, BM_SMP_CACHE_BYTES,
				      goal, limit, nid);
	if (!p && limit)
		bm_memblock_alloc_try_nid(m, SECTION_USAGE_SIZE * nr_present, BM_SMP_CACHE_BYTES,
					  goal, 0, nid);
}

/*
 * Memory the caller never gave a node belongs to node 0, as x86's
 * dummy_numa_init makes it (memblock_set_node over everything), but only
 * when no region has a node yet: a machine whose NUMA init ran keeps its
 * nodes. memblock_set_node can fail (the array full and not yet allowed to
 * resize: its isolation doubles first, whether or not it must split) and
 * then changes nothing; the kernel would go on with regions of node
 * MAX_NUMNODES, which memmap_init cannot place. Return: 0 or its error.
 */
static int assign_default_node(struct bm_machine *m)
{
	struct memblock_region *r;
	bool any_node = false, any_without = false;

	bm_for_each_mem_region(m, r) {
		if (r->nid >= 0 && r->nid < BM_MAX_NUMNODES)
			any_node = true;
		else
			any_without = true;
	}
	if (!any_without || any_node)
		return 0;
	return bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
}

/**
 * bm_memory_nodes_check - does every page of memory have a node?
 * @m: machine
 * @func: the boot step asking, named in the violation
 *
 * The memory map, the zones and deferred init's walk of free ranges by
 * node all need each region with a whole page to carry a node in
 * [0, MAX_NUMNODES): a region left at MAX_NUMNODES or NUMA_NO_NODE would
 * be sized into no zone, or into one whose deferred walk never visits it.
 * Return: true, or false after one BM_V_MISUSE naming the first such
 * region. Context: sparse_init and free_area_init, before they change
 * anything.
 */
bool bm_memory_nodes_check(struct bm_machine *m, const char *func)
{
	struct memblock_region *r;

	bm_for_each_mem_region(m, r) {
		if (BM_PFN_UP(r->base) >= BM_PFN_DOWN(r->base + r->size))
			continue;
		if (r->nid >= 0 && r->nid < BM_MAX_NUMNODES)
			continue;
		bm_violation(m, BM_V_MISUSE, BM_PFN_UP(r->base), BM_PFN_DOWN(r->base + r->size),
			     func, "memory [%#llx-%#llx] has no node (nid %d): memblock_set_node "
			     "did not cover it; refused", (unsigned long long)r->base,
			     (unsigned long long)(r->base + r->size - 1), r->nid);
		return false;
	}
	return true;
}

/**
 * bm_memory_boundaries_check - do adjacent memory regions meet on a page boundary?
 * @m: machine
 * @func: the boot step asking, named in the violation
 *
 * Two regions that touch inside a page (they differ in node or flags, or
 * they would be one) leave that page in neither: memmap_init and the
 * zones count it absent. memblock_free_all then clears HOTPLUG (and
 * kho_release_scratch KHO_SCRATCH) on all memory, which merges such
 * neighbours, and its walk of free ranges frees the page: managed pages
 * would exceed present ones. x86 trims memory to whole pages first
 * (memblock_trim_memory), so the kernel never meets it.
 * Return: true, or false after one BM_V_MISUSE naming the page.
 * Context: free_area_init, before it changes anything.
 */
bool bm_memory_boundaries_check(struct bm_machine *m, const char *func)
{
	struct memblock_type *mem = &m->memblock.mb.memory;

	for (unsigned long i = 1; i < mem->cnt; i++) {
		phys_addr_t b = mem->regions[i].base;

		if (mem->regions[i - 1].base + mem->regions[i - 1].size != b ||
		    BM_IS_ALIGNED(b, BM_PAGE_SIZE))
			continue;
		bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(b), BM_PFN_DOWN(b) + 1, func,
			     "memory regions meet at %#llx, inside a page: it would be counted "
			     "absent but freed once they merge; refused (trim memory to pages "
			     "first)", (unsigned long long)b);
		return false;
	}
	return true;
}

/**
 * bm_sparse_init_at - build the memory map, optionally at given addresses
 * @m: machine with memblock.memory populated (nids set or all node 0)
 * @node_memmap: per node, the physical address of an already reserved
 *               memory map (a replayed trace made the allocation), or NULL
 *               to make every allocation the kernel's sparse_init makes, in
 *               its order: the mem_section root array, one root page per 256
 *               sections, then per node the section usage maps (near the
 *               node's pgdat), the memory map (2 MiB per present section,
 *               2 MiB aligned, above 16 MiB, on the node only) and the
 *               vmemmap page tables.
 *
 * Return: 0, -BM_ENOMEM if memblock or the host cannot supply the memory,
 * -BM_EINVAL if there is no memory or it was called twice, -BM_ERANGE above
 * 16 TiB.
 * Context: setup_arch (paging_init), before free_area_init.
 */
int bm_sparse_init_at(struct bm_machine *m, const phys_addr_t *node_memmap)
{
	struct bm_mm *mm = &m->mm;
	unsigned long pfn_start, pfn_end;
	uint64_t roots_done[8] = { 0 };	/* 2^17 sections / 256 per root */
	struct vmemmap_tables vt = { 0 };
	const char *saved_caller = m->caller;
	bm_pfn_t max_pfn = 0;
	int i, nid, ret = 0;

	if (!bm_machine_alive(m, __func__))
		return -BM_EINVAL;
	if (mm->memmap_ready) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__, "sparse_init called twice");
		return -BM_EINVAL;
	}
	ret = assign_default_node(m);
	if (ret) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "memblock_set_node could not give memory node 0 (error %d): refused",
			     ret);
		return ret;
	}
	if (!bm_memory_nodes_check(m, __func__))
		return -BM_EINVAL;
	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &pfn_start, &pfn_end, &nid)
		max_pfn = BM_MAX(max_pfn, (bm_pfn_t)pfn_end);
	if (!max_pfn) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__, "no memory in memblock.memory");
		return -BM_EINVAL;
	}
	if (max_pfn > ((bm_pfn_t)1 << 32)) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "machine above 16 TiB is not supported (max_pfn %#llx)",
			     (unsigned long long)max_pfn);
		return -BM_ERANGE;
	}
	if (alloc_tables(m, max_pfn))
		return -BM_ENOMEM;

	if (!node_memmap) {
		m->caller = "sparse_init";
		bm_memblock_alloc_try_nid(m, NR_SECTION_ROOTS_SIZE, BM_SMP_CACHE_BYTES, 0,
					  MEMBLOCK_ALLOC_ACCESSIBLE, BM_NUMA_NO_NODE);
	}
	/* memory_present(): a section is present if any memory lies in it. */
	bm_for_each_mem_pfn_range(m, i, BM_MAX_NUMNODES, &pfn_start, &pfn_end, &nid) {
		/* bm_memory_nodes_check above gave every region a node. */
		bool nid_ok = nid >= 0 && nid < BM_MAX_NUMNODES;
		int snid = nid_ok ? nid : 0;

		BM_ASSERT(m, nid_ok, "memory region of nid %d reached memory_present", nid);

		for (bm_pfn_t s = pfn_start / BM_PAGES_PER_SECTION;
		     s <= (pfn_end - 1) / BM_PAGES_PER_SECTION; s++) {
			unsigned long root = (unsigned long)(s / SECTIONS_PER_ROOT);

			if (mm->sections[s].present)
				continue;
			mm->sections[s].present = true;
			mm->sections[s].nid = (int16_t)snid;
			if (node_memmap || (roots_done[root / 64] & (1ull << (root % 64))))
				continue;
			roots_done[root / 64] |= 1ull << (root % 64);
			m->caller = "sparse_index_alloc";
			bm_memblock_alloc_try_nid(m, BM_PAGE_SIZE, BM_SMP_CACHE_BYTES, 0,
						  MEMBLOCK_ALLOC_ACCESSIBLE, snid);
		}
	}

	for (nid = 0; nid < BM_MAX_NUMNODES; nid++) {
		unsigned long nr_present = 0, k = 0;
		phys_addr_t base;

		for (unsigned long s = 0; s < mm->nr_sections; s++)
			nr_present += mm->sections[s].present && mm->sections[s].nid == nid;
		if (!nr_present)
			continue;
		if (node_memmap) {
			base = node_memmap[nid];
		} else {
			void *p;

			alloc_usemap(m, nid, nr_present);
			m->caller = "sparse_init_nid";
			p = bm_memblock_alloc_exact_nid_raw(m, nr_present * SECTION_MAP_SIZE,
							    SECTION_MAP_SIZE, MAX_DMA_PHYS,
							    MEMBLOCK_ALLOC_ACCESSIBLE, nid);
			base = p ? bm_virt_to_phys(m, p) : 0;
		}
		for (unsigned long s = 0; s < mm->nr_sections; s++) {
			phys_addr_t at = base + k * SECTION_MAP_SIZE;

			if (!mm->sections[s].present || mm->sections[s].nid != nid)
				continue;
			/*
			 * No node-local buffer (e.g. all of the node hotpluggable
			 * under movable_node): vmemmap_populate takes each 2 MiB
			 * block wherever memblock has room, any node.
			 */
			if (!base) {
				void *p;

				m->caller = "vmemmap_alloc_block";
				p = bm_memblock_alloc_try_nid_raw(m, SECTION_MAP_SIZE, SECTION_MAP_SIZE,
								  MAX_DMA_PHYS,
								  MEMBLOCK_ALLOC_ACCESSIBLE, nid);
				at = p ? bm_virt_to_phys(m, p) : 0;
			}
			if (!at || !bm_phys_to_virt(m, at + SECTION_MAP_SIZE - 1)) {
				bm_violation(m, BM_V_MISUSE, s * BM_PAGES_PER_SECTION,
					     (s + 1) * BM_PAGES_PER_SECTION, __func__,
					     "node %d: no room for the 2 MiB memory map of "
					     "section %lu in the node's free memory", nid, s);
				ret = -BM_ENOMEM;
				break;
			}
			mm->sections[s].map_phys = at;
			mm->sections[s].map = bm_phys_to_virt(m, base ? base + k * SECTION_DENSE_SIZE : at);
			k++;
		}
		if (ret)
			break;
		if (base && m->prim->phys_hint)
			m->prim->phys_hint(m->prim->ctx, bm_phys_to_virt(m, base),
					   k * SECTION_DENSE_SIZE, BM_PHYS_DENSE);
		if (!node_memmap)
			alloc_vmemmap_tables(m, nid, &vt);
	}
	m->caller = saved_caller;
	if (ret)
		return ret;
	mm->memmap_ready = true;
	return 0;
}

/**
 * bm_sparse_init - build the memory map the way the kernel's sparse_init does
 * @m: machine
 *
 * Return: as bm_sparse_init_at().
 * Context: setup_arch.
 */
int bm_sparse_init(struct bm_machine *m)
{
	return bm_sparse_init_at(m, NULL);
}
