// SPDX-License-Identifier: MIT
/*
 * Releasing reserved memory under every policy on a synthetic 2 GiB
 * machine: an unaligned 8 MiB range in the deferred part of the memory map
 * is released before SMP (the historical placement of EFI boot services).
 */
#include "check.h"
#include "synth.h"

static const phys_addr_t SIZE = (phys_addr_t)2 << 30;
/* Unaligned on both ends: its edge pages' buddies are free, uninitialised
 * pages of the same MAX_ORDER blocks. */
static const phys_addr_t REL_START = ((phys_addr_t)1 << 30) + 0x3000;
static const phys_addr_t REL_END = ((phys_addr_t)1 << 30) + 8 * SZ_1M - 0x5000;

struct outcome {
	unsigned long released, freed, leaked, uninit, dbl, warns, pending;
	unsigned long memtotal, nr_free;
	int usable;
};

static void release_action(struct bm_machine *m, void *arg)
{
	(void)arg;
	bm_free_reserved_area(m, REL_START, REL_END, -1, "test range");
}

/* Leave free_reserved_area_policy at auto (test_fra_auto_frees_at_once). */
static bool fra_auto;

static struct outcome boot_policy(int policy, int placement, bool deferred)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	struct outcome o = { 0 };
	struct bm_action act = { BM_PHASE_BEFORE_SMP, release_action, NULL, "efi_free_boot_services" };
	struct bm_release_rec *r;

	bm_config_default(&cfg);
	cfg.release_policy = policy;
	/*
	 * The policy's mechanics through one entry point: free_reserved_area
	 * given the policy itself (by default it frees at once beside
	 * skip-uninit and seed 001's options, as every kernel before v7.1:
	 * test_fra_auto_frees_at_once).
	 */
	cfg.free_reserved_area_policy = fra_auto ? BM_POLICY_AS_RELEASE : policy;
	cfg.deferred_struct_page_init = deferred;
	cfg.arch_keep_memblock = true;
	m = synth_machine(&t, SIZE, &cfg);
	bm_memblock_reserve(m, REL_START, REL_END - REL_START);
	if (placement == BM_PLACEMENT_FIXED)
		act.phase = BM_PHASE_ARCH_INITCALL;
	CHECK_EQ(bm_boot(m, &act, 1), 0);
	r = bm_release_rec(m, "test range");
	o.released = r->pages_released;
	o.freed = r->pages_freed;
	o.pending = r->pages_pending;
	o.usable = r->phase_usable;
	o.leaked = m->boot.leaked_pages;
	o.uninit = m->violation_count[BM_V_UNINIT_READ];
	o.dbl = m->mm.nr_double_inits;
	o.warns = m->violation_count[BM_V_WARN];
	o.memtotal = m->mm.totalram_pages;
	o.nr_free = bm_nr_free_pages(m);
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	CHECK_EQ(m->violation_count[BM_V_MISUSE], 0);
	tm_destroy(&t);
	return o;
}

static const unsigned long NPAGES = (unsigned long)(BM_PFN_DOWN(REL_END) - BM_PFN_UP(REL_START));

static void test_reference_without_deferral(void)
{
	struct outcome o = boot_policy(BM_POLICY_SKIP_UNINIT, BM_PLACEMENT_HISTORICAL, false);

	CHECK_EQ(o.released, NPAGES);
	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK_EQ(o.uninit, 0);
}

static void test_skip_uninit_leaks(void)
{
	struct outcome ref = boot_policy(BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL, false);
	struct outcome o = boot_policy(BM_POLICY_SKIP_UNINIT, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.released, NPAGES);
	CHECK_EQ(o.freed, 0);
	CHECK_EQ(o.leaked, NPAGES);
	CHECK_EQ(o.uninit, 0);
	CHECK_EQ(ref.nr_free - o.nr_free, NPAGES);
	CHECK_EQ(ref.memtotal - o.memtotal, NPAGES);
}

static void test_free_early_reads_uninit(void)
{
	struct outcome o = boot_policy(BM_POLICY_FREE_EARLY, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK(o.uninit > 0);
	CHECK_EQ(o.usable, BM_PHASE_BEFORE_SMP);
}

static void test_unreserve_double_inits(void)
{
	struct outcome o = boot_policy(BM_POLICY_UNRESERVE, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK_EQ(o.uninit, 0);
	CHECK_EQ(o.dbl, NPAGES);
	CHECK_EQ(o.usable, BM_PHASE_PAGE_ALLOC_INIT_LATE);
}

static void test_unreserve_flag_no_double_init(void)
{
	struct outcome o = boot_policy(BM_POLICY_UNRESERVE_FLAG, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK_EQ(o.uninit, 0);
	CHECK_EQ(o.dbl, 0);
}

static void test_discard_frees_late(void)
{
	struct outcome o = boot_policy(BM_POLICY_DISCARD, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK_EQ(o.uninit, 0);
	CHECK_EQ(o.dbl, 0);
	CHECK_EQ(o.usable, BM_PHASE_PAGE_ALLOC_INIT_LATE);
}

static void test_warn_policy(void)
{
	struct outcome early = boot_policy(BM_POLICY_WARN, BM_PLACEMENT_HISTORICAL, true);
	struct outcome moved = boot_policy(BM_POLICY_WARN, BM_PLACEMENT_FIXED, true);

	CHECK_EQ(early.warns, 1);
	CHECK_EQ(early.freed, 0);
	CHECK_EQ(early.leaked, NPAGES);
	CHECK_EQ(moved.warns, 0);
	CHECK_EQ(moved.freed, NPAGES);
	CHECK_EQ(moved.leaked, 0);
	CHECK_EQ(moved.uninit, 0);
	CHECK_EQ(moved.usable, BM_PHASE_ARCH_INITCALL);
}

static void test_safe(void)
{
	struct outcome ref = boot_policy(BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL, false);
	struct outcome o = boot_policy(BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL, true);

	CHECK_EQ(o.freed, NPAGES);
	CHECK_EQ(o.leaked, 0);
	CHECK_EQ(o.uninit, 0);
	CHECK_EQ(o.dbl, 0);
	CHECK_EQ(o.pending, 0);
	CHECK_EQ(o.nr_free, ref.nr_free);
	CHECK_EQ(o.memtotal, ref.memtotal);
}

/* Releasing a hole (no RAM behind its Reserved struct pages) is misuse:
 * nothing reaches the buddy, managed pages stay within present pages. */
static void test_release_hole_is_misuse(void)
{
	struct test_machine t;
	struct bm_machine *m = synth_machine(&t, SIZE, NULL);
	unsigned long free0;
	phys_addr_t hole = 1536 * SZ_1M;

	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	free0 = bm_nr_free_pages(m);
	bm_free_reserved_area(m, hole, hole + 4 * SZ_1M, -1, "hole");
	CHECK_EQ(m->violation_count[BM_V_MISUSE], 1024);
	CHECK_EQ(bm_nr_free_pages(m), free0);
	CHECK_EQ(bm_mm_check(m), 0);
	tm_destroy(&t);
}

/* Releasing the memory map's own memory is refused: no live struct page
 * reaches the buddy. */
static void test_release_memmap_is_misuse(void)
{
	struct test_machine t;
	struct bm_machine *m = synth_machine(&t, SIZE, NULL);
	unsigned long free0;
	phys_addr_t map;

	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	map = m->mm.sections[0].map_phys;
	free0 = bm_nr_free_pages(m);
	CHECK_EQ(bm_free_reserved_area(m, map, map + SZ_1M, -1, "memmap"), 0);
	CHECK_EQ(m->violation_count[BM_V_MISUSE], 1);
	CHECK_EQ(bm_nr_free_pages(m), free0);
	CHECK_EQ(bm_mm_check(m), 0);
	tm_destroy(&t);
}

/*
 * free_reserved_area in the era of each policy (auto): at once beside
 * memblock_free_late's skip-uninit and seed 001's proposals, which never
 * touched it; as the policy itself under v7.1's warn.
 */
static void test_fra_auto_frees_at_once(void)
{
	static const int at_once[] = { BM_POLICY_SKIP_UNINIT, BM_POLICY_UNRESERVE,
				       BM_POLICY_UNRESERVE_FLAG, BM_POLICY_DISCARD };
	struct outcome o;

	fra_auto = true;
	for (size_t i = 0; i < sizeof(at_once) / sizeof(at_once[0]); i++) {
		o = boot_policy(at_once[i], BM_PLACEMENT_HISTORICAL, true);
		CHECK_EQ(o.freed, NPAGES);
		CHECK_EQ(o.leaked, 0);
		CHECK_EQ(o.dbl, 0);
		CHECK(o.uninit > 0);	/* the hazard of seed 000, not a leak */
		CHECK_EQ(o.usable, BM_PHASE_BEFORE_SMP);
	}
	o = boot_policy(BM_POLICY_WARN, BM_PLACEMENT_HISTORICAL, true);
	CHECK(o.warns > 0);
	CHECK_EQ(o.freed, 0);
	fra_auto = false;
}

int main(void)
{
	RUN(test_reference_without_deferral);
	RUN(test_skip_uninit_leaks);
	RUN(test_free_early_reads_uninit);
	RUN(test_unreserve_double_inits);
	RUN(test_unreserve_flag_no_double_init);
	RUN(test_discard_frees_late);
	RUN(test_warn_policy);
	RUN(test_safe);
	RUN(test_fra_auto_frees_at_once);
	RUN(test_release_hole_is_misuse);
	RUN(test_release_memmap_is_misuse);
	return CHECK_DONE();
}
