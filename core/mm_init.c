// SPDX-License-Identifier: MIT
/*
 * Lifetime of the memory-map state: host tables are allocated when the
 * machine is made (nodes) or at sparse_init (sections, shadow, pageblocks)
 * and given back when it is destroyed.
 */
#include "internal.h"

int bm_mm_init_state(struct bm_machine *m)
{
	struct bm_mm *mm = &m->mm;

	mm->nodes = m->prim->zalloc(m->prim->ctx, BM_MAX_NUMNODES * sizeof(*mm->nodes));
	if (!mm->nodes)
		return -BM_ENOMEM;
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++) {
		mm->nodes[nid].nid = nid;
		mm->nodes[nid].first_deferred_pfn = BM_NO_PFN;
		mm->nodes[nid].boot_deferred_pfn = BM_NO_PFN;
	}
	return 0;
}

void bm_mm_destroy_state(struct bm_machine *m)
{
	struct bm_mm *mm = &m->mm;
	bm_pfn_t span = (bm_pfn_t)mm->nr_sections * BM_PAGES_PER_SECTION;
	void *ctx = m->prim ? m->prim->ctx : NULL;

	if (!m->prim)
		return;
	bm_mm_check_baseline_drop(m);
	m->prim->free(ctx, mm->nodes, BM_MAX_NUMNODES * sizeof(*mm->nodes));
	m->prim->free(ctx, mm->sections, mm->nr_sections * sizeof(*mm->sections));
	m->prim->free(ctx, mm->init_bitmap, (size_t)(span / 8));
	m->prim->free(ctx, mm->pageblock_mt, (size_t)(span >> bm_pageblock_order(m)));
	mm->nodes = NULL;
	mm->sections = NULL;
	mm->init_bitmap = NULL;
	mm->pageblock_mt = NULL;
}
