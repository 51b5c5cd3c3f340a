// SPDX-License-Identifier: MIT
/*
 * KHO scratch (seed 003): in a kexec-handover boot every memblock
 * allocation comes from scratch regions; after boot their pageblocks must be
 * MIGRATE_CMA so only movable data lands there. Before the fix,
 * kho_release_scratch set CMA and deferred init or reserved-page init then
 * wrote MOVABLE over it; with the fix those initialisers recognise scratch.
 */
#include "internal.h"

/**
 * bm_is_kho_scratch - is @pfn inside a MEMBLOCK_KHO_SCRATCH memory region?
 * @m: machine
 * @pfn: page frame
 *
 * Return: true if so (memblock_is_kho_scratch_memory).
 */
bool bm_is_kho_scratch(struct bm_machine *m, bm_pfn_t pfn)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;
	phys_addr_t addr = BM_PFN_PHYS(pfn);
	unsigned long lo = 0, hi = mem->cnt;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct memblock_region *r = &mem->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr >= r->base + r->size)
			lo = mid + 1;
		else
			return (r->flags & MEMBLOCK_KHO_SCRATCH) != 0;
	}
	return false;
}

/**
 * bm_init_pageblock_migratetype - first migratetype of a pageblock
 * @m: machine
 * @pfn: pageblock-aligned pfn whose struct page was just initialised
 * @site: which initialiser
 *
 * MOVABLE, as every initialiser of the kernel sets; with the KHO scratch fix
 * (cfg.kho_fixed) deferred and reserved-page init set CMA inside KHO
 * scratch. Context: any phase, deferred-init threads included (one byte
 * per pageblock, owned by the thread initialising that section).
 */
void bm_init_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn,
				   enum bm_pb_init_site site)
{
	bm_set_pageblock_migratetype(m, pfn, bm_pageblock_init_mt(m, pfn, site));
}

/**
 * bm_pageblock_init_mt - the type bm_init_pageblock_migratetype() would set
 * @m: machine
 * @pfn: pageblock-aligned pfn
 * @site: which initialiser
 *
 * Return: MIGRATE_MOVABLE or MIGRATE_CMA; nothing is changed.
 * Context: any.
 */
int bm_pageblock_init_mt(struct bm_machine *m, bm_pfn_t pfn, enum bm_pb_init_site site)
{
	if (m->cfg.kho && m->cfg.kho_fixed && site != BM_PB_INIT_EARLY &&
	    bm_is_kho_scratch(m, pfn))
		return MIGRATE_CMA;
	return MIGRATE_MOVABLE;
}

/*
 * The pre-fix memmap_init_kho_scratch_pages: initialise the struct pages of
 * all scratch memory, deferred part included, so that CMA can be set on
 * them now. Deferred and reserved-page init later initialise them again.
 */
static void init_scratch_pages_prefix(struct bm_machine *m)
{
	phys_addr_t start, end;
	uint64_t i;
	int nid;

	bm_for_each_mem_range_in(m, i, &m->memblock.mb.memory, NULL, BM_NUMA_NO_NODE,
				 MEMBLOCK_KHO_SCRATCH, &start, &end, &nid) {
		bm_pfn_t epfn = BM_MIN(BM_PFN_DOWN(end), bm_memmap_end_pfn(m));

		for (bm_pfn_t pfn = BM_PFN_UP(start); pfn < epfn; pfn++) {
			/* init_deferred_page(pfn, early_pfn_to_nid(pfn)): the
			 * memory's node and its zone, not the section's. */
			int pnid = bm_early_pfn_to_nid(m, pfn);
			struct bm_zone *z = bm_node_pfn_zone(m, pnid, pfn);

			if (!bm_pfn_deferred(m, pfn) || !z)
				continue;
			bm_init_single_page(m, pfn, z->type, pnid, "memmap_init_kho_scratch_pages");
			if (BM_IS_ALIGNED(pfn, (bm_pfn_t)bm_pageblock_nr_pages(m)))
				bm_set_pageblock_migratetype(m, pfn, MIGRATE_MOVABLE);
		}
	}
}

/**
 * bm_kho_release_scratch - mark KHO scratch pageblocks CMA
 * @m: machine in a KHO boot (cfg.kho), at mm_core_init before memblock_free_all
 *
 * Without the fix (cfg.kho_fixed false) every scratch struct page is
 * initialised first and every scratch pageblock set CMA, so deferred and
 * reserved-page init overwrite them later. With the fix only pageblocks
 * below the node's first_deferred_pfn are set here; the initialisers set
 * the rest. Context: mm_core_init.
 */
void bm_kho_release_scratch(struct bm_machine *m)
{
	unsigned long nr_pb = bm_pageblock_nr_pages(m);
	phys_addr_t start, end;
	uint64_t i;
	int nid;

	if (!m->cfg.kho)
		return;
	if (!m->cfg.kho_fixed && m->cfg.deferred_struct_page_init)
		init_scratch_pages_prefix(m);
	bm_for_each_mem_range_in(m, i, &m->memblock.mb.memory, NULL, BM_NUMA_NO_NODE,
				 MEMBLOCK_KHO_SCRATCH, &start, &end, &nid) {
		bm_pfn_t spfn = BM_ALIGN_DOWN(BM_PFN_DOWN(start), (bm_pfn_t)nr_pb);
		bm_pfn_t epfn = BM_MIN(BM_ALIGN_UP(BM_PFN_UP(end), (bm_pfn_t)nr_pb),
				       bm_memmap_end_pfn(m));

		if (m->cfg.kho_fixed) {
			/* Only pages already initialised: below the frontier of
			 * the memory region's node (NODE_DATA(nid)). */
			if (nid >= 0 && nid < m->mm.nr_node_ids)
				epfn = BM_MIN(epfn, m->mm.nodes[nid].first_deferred_pfn);
		}
		for (bm_pfn_t pfn = spfn; pfn < epfn; pfn += nr_pb)
			bm_set_pageblock_migratetype(m, pfn, MIGRATE_CMA);
	}
}
