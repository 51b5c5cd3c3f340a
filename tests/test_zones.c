// SPDX-License-Identifier: MIT
/*
 * Nodes and zones: x86-64 boundaries, configurable ones, and ZONE_MOVABLE
 * for hotpluggable memory under movable_node.
 */
#include "check.h"
#include "synth.h"

#define SZ_1G ((phys_addr_t)1 << 30)

static struct bm_machine *two_nodes(struct test_machine *t, bool movable_node)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.movable_node = movable_node;
	m = tm_init(t, 6 * SZ_1G, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add_node(m, SZ_1M, 2 * SZ_1G - SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 4 * SZ_1G, 2 * SZ_1G, 1, MEMBLOCK_NONE);
	bm_memblock_mark_hotplug(m, 4 * SZ_1G, 2 * SZ_1G);
	bm_memblock_reserve(m, 0, SZ_1M);
	return m;
}

static void test_movable_node(void)
{
	struct test_machine t;
	struct bm_machine *m = two_nodes(&t, true);
	struct bm_node *n1;

	CHECK_EQ(bm_boot(m, NULL, 0), 0);
	n1 = &m->mm.nodes[1];
	CHECK_EQ(n1->zone_movable_pfn, BM_PFN_DOWN(4 * SZ_1G));
	CHECK_EQ(n1->zones[BM_ZONE_NORMAL].spanned_pages, 0);
	CHECK_EQ(n1->zones[BM_ZONE_MOVABLE].zone_start_pfn, BM_PFN_DOWN(4 * SZ_1G));
	CHECK_EQ(n1->zones[BM_ZONE_MOVABLE].present_pages, BM_PFN_DOWN(2 * SZ_1G));
	CHECK_EQ(m->mm.nodes[0].zones[BM_ZONE_MOVABLE].spanned_pages, 0);
	CHECK_EQ(m->mm.nodes[0].zones[BM_ZONE_DMA32].zone_start_pfn, 4096);
	/* The movable zone is the node's highest: the deferred one. */
	CHECK(bm_page_initialised(m, BM_PFN_DOWN(6 * SZ_1G) - 1));
	CHECK_EQ(bm_mm_check(m), 0);
	/* Kernel allocations never land there; movable ones may. */
	CHECK(bm_alloc_pages(m, 1, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE) < BM_PFN_DOWN(4 * SZ_1G));
	CHECK(bm_alloc_pages(m, 1, 0, BM_ZONE_MOVABLE, MIGRATE_MOVABLE) >= BM_PFN_DOWN(4 * SZ_1G));
	tm_destroy(&t);
}

static void test_without_movable_node(void)
{
	struct test_machine t;
	struct bm_machine *m = two_nodes(&t, false);

	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK_EQ(m->mm.nodes[1].zone_movable_pfn, 0);
	CHECK_EQ(m->mm.nodes[1].zones[BM_ZONE_NORMAL].present_pages, BM_PFN_DOWN(2 * SZ_1G));
	CHECK_EQ(m->mm.nodes[1].zones[BM_ZONE_MOVABLE].spanned_pages, 0);
	tm_destroy(&t);
}

/* Zone limits are configuration: a 32-bit-DMA-only architecture. */
static void test_configured_boundaries(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.zone_dma_end_pfn = 0;
	cfg.zone_dma32_end_pfn = BM_PFN_DOWN(SZ_1G);
	m = synth_machine(&t, 2 * SZ_1G, &cfg);
	CHECK_EQ(bm_boot(m, NULL, 0), 0);
	CHECK_EQ(m->mm.nodes[0].zones[BM_ZONE_DMA].spanned_pages, 0);
	CHECK_EQ(m->mm.nodes[0].zones[BM_ZONE_DMA32].zone_start_pfn, 1);
	CHECK_EQ(m->mm.nodes[0].zones[BM_ZONE_NORMAL].zone_start_pfn, BM_PFN_DOWN(SZ_1G));
	CHECK_EQ(bm_mm_check(m), 0);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_movable_node);
	RUN(test_without_movable_node);
	RUN(test_configured_boundaries);
	return CHECK_DONE();
}
