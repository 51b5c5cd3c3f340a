// SPDX-License-Identifier: MIT
/*
 * The core's fast paths reach the general path's state: a boot with
 * cfg.no_fast_paths and one without must leave the same bytes in every
 * struct page, the same shadow, pageblock types, zones (free lists,
 * counters) and reports. The fast paths compared here: deferred init of
 * whole MAX_ORDER blocks in one pass (core/deferred_block.c), and
 * reserved-page init a word of 64 pfns at a time, uninitialised or
 * initialised already (core/memblock_free_all.c); on machines where they
 * apply to most pages and must decline for some: a
 * block with a reservation in it, a page initialised before, KHO scratch
 * pageblocks (CMA) beside MOVABLE ones in one block, RSRV_NOINIT pages,
 * pageblocks as large as a block, blocks smaller than a shadow word.
 */
#include <string.h>

#include "check.h"
#include "machine_diff.h"
#include "synth.h"
#include "core/internal.h"

static const phys_addr_t SIZE = (phys_addr_t)2 << 30;

struct variant {
	const char *name;
	unsigned int threads;
	unsigned int pageblock_order, max_page_order;	/* 0: the default */
	bool kho;		/* KHO scratch over part of two blocks (fixed era) */
	bool noisy;		/* a page initialised twice, a RSRV_NOINIT reservation */
	bool none_fast;		/* no block can take the fast path */
	bool no_defer;		/* CONFIG_DEFERRED_STRUCT_PAGE_INIT off */
};

static struct bm_machine *boot_variant(struct test_machine *t, const struct variant *v,
				       bool no_fast)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.threads = v->threads;
	cfg.no_fast_paths = no_fast;
	if (v->pageblock_order)
		cfg.pageblock_order = v->pageblock_order;
	if (v->max_page_order)
		cfg.max_page_order = v->max_page_order;
	cfg.kho = cfg.kho_fixed = v->kho;
	cfg.deferred_struct_page_init = !v->no_defer;
	m = synth_machine(t, SIZE, &cfg);
	/* Reservations cutting blocks of the deferred range: partial blocks. */
	bm_memblock_reserve(m, 700 * SZ_1M + 0x3000, 5 * SZ_1M + 0x1000);
	bm_memblock_reserve(m, 1800 * SZ_1M + 0x200000, 0x1000);
	/* From 2 MiB into a 4 MiB block, 62 MiB: memblock allocates only
	 * from scratch in a KHO boot, the memory map (top down) included. */
	if (v->kho)
		CHECK_EQ(bm_memblock_mark_kho_scratch(m, 1202 * SZ_1M, 62 * SZ_1M), 0);
	if (v->noisy) {
		bm_memblock_reserve(m, 1100 * SZ_1M, 2 * SZ_1M);
		bm_memblock_reserved_mark_noinit(m, 1100 * SZ_1M, 2 * SZ_1M);
	}
	CHECK_EQ(bm_free_area_init(m), 0);
	if (v->noisy)
		bm_init_single_page(m, BM_PFN_DOWN(900 * SZ_1M) + 3, BM_ZONE_DMA32, 0, "test");
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	return m;
}

static void run_variant(const struct variant *v)
{
	struct test_machine tf, ts;
	struct bm_machine *fast = boot_variant(&tf, v, false);
	struct bm_machine *slow = boot_variant(&ts, v, true);

	fprintf(stderr, "%s: %lu blocks in one pass, %lu reports\n", v->name,
		fast->mm.deferred_blocks_one_pass, tf.record.nr_recorded);
	CHECK_EQ(fast->phase, BM_PHASE_PAGE_ALLOC_INIT_LATE);
	CHECK_EQ(slow->phase, BM_PHASE_PAGE_ALLOC_INIT_LATE);
	CHECK_EQ(slow->mm.deferred_blocks_one_pass, 0);
	if (v->none_fast)
		CHECK_EQ(fast->mm.deferred_blocks_one_pass, 0);
	else	/* 2 GiB less the early part: hundreds of 4 MiB blocks */
		CHECK(fast->mm.deferred_blocks_one_pass > 100);
	CHECK_EQ(machines_diff(fast, &tf, slow, &ts), 0);
	if (!v->noisy) {
		CHECK_EQ(tf.record.nr_recorded, 0);
		CHECK_EQ(bm_mm_check(fast), 0);
	} else {
		/* The double init; with deferral, the read of a NOINIT page. */
		CHECK(tf.record.nr_recorded >= (v->no_defer ? 1u : 2u));
	}
	tm_destroy(&tf);
	tm_destroy(&ts);
}

static void test_one_pass_equals_general(void)
{
	static const struct variant vs[] = {
		{ .name = "one thread", .threads = 1 },
		{ .name = "two threads", .threads = 2 },
		{ .name = "kho scratch", .threads = 2, .kho = true },
		{ .name = "noisy", .threads = 2, .noisy = true },
		{ .name = "noisy serial", .threads = 1, .noisy = true },
		{ .name = "pageblock = block", .threads = 2, .pageblock_order = 10 },
		{ .name = "blocks of 32 pages", .threads = 1, .pageblock_order = 5,
		  .max_page_order = 5, .none_fast = true },
		/* Reserved pages memmap_init initialised: marked a word at a time. */
		{ .name = "no deferral", .threads = 2, .no_defer = true, .none_fast = true },
		{ .name = "no deferral, noisy", .threads = 1, .no_defer = true, .noisy = true,
		  .none_fast = true },
	};

	for (unsigned int i = 0; i < BM_ARRAY_SIZE(vs); i++)
		run_variant(&vs[i]);
}

/* KHO scratch pageblocks are CMA after deferred init in the fixed era,
 * whichever path initialised them: the mixed blocks declined. */
static void test_kho_blocks_declined(void)
{
	static const struct variant v = { .name = "kho", .threads = 1, .kho = true };
	struct test_machine t;
	struct bm_machine *m = boot_variant(&t, &v, false);
	bm_pfn_t mixed = BM_PFN_DOWN(1200 * SZ_1M);	/* MOVABLE, then CMA */
	bm_pfn_t whole = BM_PFN_DOWN(1204 * SZ_1M);	/* CMA, both pageblocks */

	CHECK_EQ(bm_get_pageblock_migratetype(m, mixed), MIGRATE_MOVABLE);
	CHECK_EQ(bm_get_pageblock_migratetype(m, mixed + 512), MIGRATE_CMA);
	CHECK_EQ(bm_get_pageblock_migratetype(m, whole), MIGRATE_CMA);
	CHECK_EQ(bm_get_pageblock_migratetype(m, whole + 512), MIGRATE_CMA);
	/* The mixed block stays two order-9 blocks on two lists; the whole
	 * one is one CMA block of order 10. */
	CHECK(bm_pfn_to_page(m, mixed)->flags & PG_buddy);
	CHECK_EQ(bm_pfn_to_page(m, mixed)->order, 9);
	CHECK(bm_pfn_to_page(m, whole)->flags & PG_buddy);
	CHECK_EQ(bm_pfn_to_page(m, whole)->order, 10);
	CHECK_EQ(bm_buddy_list_mt(bm_pfn_to_page(m, whole)), MIGRATE_CMA);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_one_pass_equals_general);
	RUN(test_kho_blocks_declined);
	return CHECK_DONE();
}
