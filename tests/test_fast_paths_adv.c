// SPDX-License-Identifier: MIT
/*
 * The core's fast paths (deferred init of a whole MAX_ORDER block in one
 * pass, reserved pages a word of 64 at a time) against the general path on
 * machines built to stress their preconditions: nodes sharing sections and
 * blocks, memory and reservations of no node or another node, NOMAP and
 * RSRV_NOINIT regions, ZONE_MOVABLE, zone boundaries inside blocks, sections
 * without a memory map, every release policy, deferred_grow_zone, KHO
 * scratch and unusual orders. Each scenario boots twice, with and without
 * cfg.no_fast_paths, and both must leave the same bytes and reports.
 */
#include <string.h>

#include "check.h"
#include "harness.h"
#include "machine_diff.h"
#include "core/internal.h"

#define MB ((phys_addr_t)1 << 20)
static const phys_addr_t SIZE = (phys_addr_t)1 << 30;

struct scenario {
	const char *name;
	unsigned int threads, walk_threads;
	unsigned int pageblock_order, max_page_order;
	bool no_defer, kho, kho_fixed, movable_node;
	int policy;			/* release_policy + 1; 0: the default */
	bm_pfn_t dma_end, dma32_end;	/* 0: the default */
	/* stage 0: memblock built; 1: after free_area_init; 2: before init_late */
	void (*hook)(struct bm_machine *m, int stage);
};

static struct bm_machine *boot(struct test_machine *t, const struct scenario *s, bool no_fast)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.threads = s->threads ? s->threads : 1;
	cfg.walk_threads = s->walk_threads;
	cfg.no_fast_paths = no_fast;
	if (s->pageblock_order)
		cfg.pageblock_order = s->pageblock_order;
	if (s->max_page_order)
		cfg.max_page_order = s->max_page_order;
	cfg.deferred_struct_page_init = !s->no_defer;
	cfg.kho = s->kho;
	cfg.kho_fixed = s->kho_fixed;
	cfg.movable_node = s->movable_node;
	if (s->policy)
		cfg.release_policy = s->policy - 1;
	if (s->dma_end)
		cfg.zone_dma_end_pfn = s->dma_end;
	if (s->dma32_end)
		cfg.zone_dma32_end_pfn = s->dma32_end;
	m = tm_init(t, SIZE, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, 0x1000, 0x9f000);
	bm_memblock_add(m, MB, SIZE - MB);
	bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
	bm_memblock_reserve(m, 0, MB);
	bm_memblock_reserve(m, 16 * MB, 32 * MB);
	bm_memblock_set_current_limit(m, SIZE);
	/* Partial blocks in the deferred range, as test_fast_paths. */
	bm_memblock_reserve(m, 700 * MB + 0x3000, 5 * MB + 0x1000);
	if (s->hook)
		s->hook(m, 0);
	CHECK_EQ(bm_free_area_init(m), 0);
	if (s->hook)
		s->hook(m, 1);
	bm_memblock_free_all(m);
	/* It turns the deferred_pages key on: releases before init_late take
	 * each policy's deferred-range path (see test_robustness's
	 * test_release_before_init_late_without_boot). */
	CHECK_EQ(m->boot.deferred_pages_key, cfg.deferred_struct_page_init);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	if (s->hook)
		s->hook(m, 2);
	bm_page_alloc_init_late(m);
	return m;
}

static void run(const struct scenario *s)
{
	struct test_machine tf, ts;
	struct bm_machine *fast = boot(&tf, s, false);
	struct bm_machine *slow = boot(&ts, s, true);
	unsigned long d;

	d = machines_diff(fast, &tf, slow, &ts);
	fprintf(stderr, "%-28s %4lu blocks in one pass, %3lu reports, %lu differences\n", s->name,
		fast->mm.deferred_blocks_one_pass, tf.record.nr_recorded, d);
	CHECK_EQ(d, 0);
	CHECK_EQ(slow->mm.deferred_blocks_one_pass, 0);
	/* The comparison means something only if the fast path ran. */
	if (!s->no_defer && s->policy != BM_POLICY_UNRESERVE_FLAG + 1)
		CHECK(fast->mm.deferred_blocks_one_pass > 0);
	tm_destroy(&tf);
	tm_destroy(&ts);
}

/* --- hooks ------------------------------------------------------------------ */

static void two_nodes_mid_block(struct bm_machine *m, int stage)
{
	if (stage == 0)	/* node 1 from 2 MiB into a block, inside a section */
		bm_memblock_set_node(m, 600 * MB + 2 * MB, SIZE, false, 1);
}

static void two_nodes_block_aligned(struct bm_machine *m, int stage)
{
	if (stage == 0)	/* node 1 from a block boundary inside a section */
		bm_memblock_set_node(m, 604 * MB, SIZE, false, 1);
}

static void interleaved_nodes(struct bm_machine *m, int stage)
{
	if (stage == 0) {	/* node 0 spans node 1's memory */
		bm_memblock_set_node(m, 400 * MB + 2 * MB, 200 * MB, false, 1);
	}
}

static void no_node_memory(struct bm_machine *m, int stage)
{
	/* free_area_init refuses memory of no node: retagged after it. */
	if (stage == 1) {
		bm_memblock_set_node(m, 800 * MB, 8 * MB, false, BM_NUMA_NO_NODE);
		bm_memblock_set_node(m, 900 * MB + 0x3000, 0x40000, false, BM_NUMA_NO_NODE);
		bm_memblock_set_node(m, 40 * MB, 8 * MB, false, BM_NUMA_NO_NODE);
		bm_memblock_set_node(m, 44 * MB + 0x3000, 0x40000, false, 3);
		bm_memblock_set_node(m, 200 * MB, 64 * MB, false, 5);
	}
}

static void other_node_reservations(struct bm_machine *m, int stage)
{
	if (stage == 0) {
		bm_memblock_set_node(m, 604 * MB, SIZE, false, 1);
		/* In node 0's memory, tagged node 1, and of no node. */
		bm_memblock_reserve_nid(m, 300 * MB + 0x3000, MB, 1, MEMBLOCK_NONE);
		bm_memblock_reserve_nid(m, 320 * MB, 4 * MB, 1, MEMBLOCK_NONE);
		bm_memblock_reserve_nid(m, 800 * MB, 4 * MB, 0, MEMBLOCK_NONE);
		bm_memblock_reserve_nid(m, 810 * MB + 0x1000, 3 * MB, BM_NUMA_NO_NODE,
					MEMBLOCK_NONE);
		/* Across the node boundary. */
		bm_memblock_reserve_nid(m, 602 * MB, 4 * MB, 0, MEMBLOCK_NONE);
	}
}

static void nomap(struct bm_machine *m, int stage)
{
	if (stage == 0) {
		bm_memblock_mark_nomap(m, 400 * MB, 4 * MB);
		bm_memblock_mark_nomap(m, 500 * MB + 0x1000, 0x2000);
		bm_memblock_mark_nomap(m, 60 * MB, 4 * MB);	/* the early part */
	}
}

static void noinit(struct bm_machine *m, int stage)
{
	if (stage == 0) {
		bm_memblock_reserve(m, 400 * MB, 8 * MB);
		bm_memblock_reserved_mark_noinit(m, 400 * MB, 8 * MB);
		bm_memblock_reserve(m, 60 * MB, 4 * MB);
		bm_memblock_reserved_mark_noinit(m, 60 * MB, 4 * MB);
	}
}

static void hotplug(struct bm_machine *m, int stage)
{
	if (stage == 0)
		bm_memblock_mark_hotplug(m, 700 * MB + 0x5000, 200 * MB);
}

static void no_memmap_sections(struct bm_machine *m, int stage)
{
	if (stage == 0) {	/* two whole sections without memory, a ragged end */
		bm_memblock_remove(m, 256 * MB, 256 * MB);
		bm_memblock_remove(m, SIZE - 3 * MB + 0x1000, 3 * MB - 0x1000);
	}
}

static void releases(struct bm_machine *m, int stage)
{
	if (stage == 0) {
		bm_memblock_reserve(m, 800 * MB, 12 * MB);
		bm_memblock_reserve(m, 830 * MB + 0x3000, 4 * MB);
		bm_memblock_reserve(m, 50 * MB, 4 * MB);	/* early part */
		bm_memblock_reserve(m, 400 * MB, 8 * MB);
		bm_memblock_reserved_mark_noinit(m, 400 * MB, 8 * MB);
	}
	if (stage == 2) {
		bm_free_reserved_area(m, 800 * MB, 812 * MB, -1, "adv");
		bm_memblock_free_late(m, 830 * MB + 0x3000, 4 * MB, "adv late");
		bm_free_reserved_area(m, 50 * MB, 54 * MB, -1, "adv early");
		bm_free_reserved_area(m, 400 * MB, 408 * MB, -1, "adv noinit");
	}
}

static void grow(struct bm_machine *m, int stage)
{
	if (stage == 2) {	/* more than the early part: deferred_grow_zone */
		bm_pfn_t before = m->mm.nodes[0].first_deferred_pfn;

		for (int i = 0; i < 80; i++)
			bm_alloc_pages(m, 0, bm_max_order(m), BM_ZONE_NORMAL, MIGRATE_MOVABLE);
		CHECK(m->mm.nodes[0].first_deferred_pfn > before);
	}
}

static void grow_two_nodes(struct bm_machine *m, int stage)
{
	two_nodes_mid_block(m, stage);
	if (stage == 2) {
		bm_pfn_t before = m->mm.nodes[1].first_deferred_pfn;

		for (int i = 0; i < 80; i++)
			bm_alloc_pages(m, 1, bm_max_order(m), BM_ZONE_NORMAL, MIGRATE_MOVABLE);
		CHECK(m->mm.nodes[1].first_deferred_pfn > before);
	}
}

static void kho_scratch(struct bm_machine *m, int stage)
{
	if (stage == 0) {
		CHECK_EQ(bm_memblock_mark_kho_scratch(m, 602 * MB, 62 * MB), 0);
		CHECK_EQ(bm_memblock_mark_kho_scratch(m, 100 * MB, 10 * MB), 0);
	}
}

static void double_init(struct bm_machine *m, int stage)
{
	if (stage == 1) {	/* pages initialised before their initialiser */
		bm_init_single_page(m, BM_PFN_DOWN(900 * MB) + 3, BM_ZONE_DMA32, 0, "adv");
		bm_init_single_page(m, BM_PFN_DOWN(100 * MB) + 3, BM_ZONE_DMA32, 0, "adv");
		bm_init_single_page(m, BM_PFN_DOWN(16 * MB) + 64, BM_ZONE_DMA32, 0, "adv");
	}
}

static void test_scenarios(void)
{
	static const struct scenario ss[] = {
		{ .name = "two nodes, mid block", .hook = two_nodes_mid_block },
		{ .name = "two nodes, mid block 2t", .threads = 2, .hook = two_nodes_mid_block },
		{ .name = "two nodes, block aligned", .threads = 2, .hook = two_nodes_block_aligned },
		{ .name = "interleaved nodes", .threads = 2, .hook = interleaved_nodes },
		{ .name = "no-node memory", .hook = no_node_memory },
		{ .name = "no-node memory 2t", .threads = 2, .hook = no_node_memory },
		{ .name = "other-node reservations", .threads = 2, .hook = other_node_reservations },
		{ .name = "other-node rsv, no defer", .no_defer = true,
		  .hook = other_node_reservations },
		{ .name = "nomap", .threads = 2, .hook = nomap },
		{ .name = "nomap, no defer", .no_defer = true, .hook = nomap },
		{ .name = "noinit", .threads = 2, .hook = noinit },
		{ .name = "noinit, no defer", .no_defer = true, .hook = noinit },
		{ .name = "movable_node", .movable_node = true, .hook = hotplug },
		{ .name = "movable_node 2t", .threads = 2, .movable_node = true, .hook = hotplug },
		{ .name = "normal from mid block", .dma32_end = BM_PFN_DOWN(600 * MB) + 3 },
		{ .name = "normal mid block 2t", .threads = 2, .dma32_end = BM_PFN_DOWN(600 * MB) + 3 },
		{ .name = "normal mid, dma mid", .dma_end = 0x1003,
		  .dma32_end = BM_PFN_DOWN(130 * MB) + 0x201 },
		{ .name = "normal mid, no defer", .no_defer = true,
		  .dma32_end = BM_PFN_DOWN(600 * MB) + 3 },
		{ .name = "no memmap sections", .threads = 2, .hook = no_memmap_sections },
		{ .name = "grow zone", .hook = grow },
		{ .name = "grow zone, two nodes", .hook = grow_two_nodes },
		{ .name = "kho fixed", .threads = 2, .kho = true, .kho_fixed = true, .hook = kho_scratch },
		{ .name = "kho unfixed", .threads = 2, .kho = true, .hook = kho_scratch },
		{ .name = "double init", .threads = 2, .hook = double_init },
		{ .name = "double init, no defer", .no_defer = true, .hook = double_init },
		{ .name = "orders 6/6", .pageblock_order = 6, .max_page_order = 6 },
		{ .name = "orders 3/6", .pageblock_order = 3, .max_page_order = 6, .threads = 2 },
		{ .name = "orders 9/11", .pageblock_order = 9, .max_page_order = 11, .threads = 2 },
		{ .name = "orders 11/11 kho", .pageblock_order = 11, .max_page_order = 11,
		  .kho = true, .kho_fixed = true, .hook = kho_scratch },
		{ .name = "orders 10/9 kho", .pageblock_order = 10, .max_page_order = 9,
		  .kho = true, .kho_fixed = true, .hook = kho_scratch },
		{ .name = "threads 3, walk 4", .threads = 3, .walk_threads = 4, .hook = nomap },
	};

	for (unsigned int i = 0; i < BM_ARRAY_SIZE(ss); i++)
		run(&ss[i]);
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		struct scenario s = { .name = bm_policy_name(p), .policy = p + 1, .hook = releases };

		run(&s);
		s.threads = 2;
		run(&s);
		s.no_defer = true;
		run(&s);
	}
}

int main(void)
{
	RUN(test_scenarios);
	return CHECK_DONE();
}
