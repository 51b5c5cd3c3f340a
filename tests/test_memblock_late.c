// SPDX-License-Identifier: MIT
/*
 * memblock after the buddy hand-off: a region array doubled then comes
 * from the page allocator (the kernel's kmalloc path), is not reserved in
 * memblock, and goes back to the buddy at memblock_discard.
 */
#include "check.h"
#include "synth.h"

static void test_double_after_handoff(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	unsigned long free0, free1;
	phys_addr_t arr;
	struct page *pg;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	m = synth_machine(&t, (phys_addr_t)1 << 30, &cfg);
	bm_memblock_reserve(m, (phys_addr_t)512 << 20, 2 << 20);
	bm_memblock_allow_resize(m);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	free0 = bm_nr_free_pages(m);
	/* Reservations are refused after the hand-off (misuse) ... */
	CHECK_EQ(bm_memblock_reserve(m, (phys_addr_t)600 << 20, 0x1000), -BM_EINVAL);
	/* ... but late releases still split reserved regions: flagging every
	 * other page of a 2 MiB reservation overflows the 128-entry array. */
	for (int i = 0; i < 200; i++)
		bm_memblock_setclr_flag(m, true, ((phys_addr_t)512 << 20) + (phys_addr_t)i * 0x2000,
					0x1000, 1, MEMBLOCK_BM_RELEASE);
	CHECK_EQ(bm_memblock_check(m), 0);
	CHECK_EQ(m->memblock.mb.reserved.max, 512);
	CHECK(m->memblock.reserved_in_slab);
	arr = bm_virt_to_phys(m, m->memblock.mb.reserved.regions);
	pg = bm_pfn_to_page(m, BM_PFN_DOWN(arr));
	CHECK(pg && pg->refcount == 1 && !(pg->flags & (PG_reserved | PG_buddy)));
	CHECK(!bm_memblock_is_region_reserved(m, arr, BM_PAGE_SIZE));
	free1 = bm_nr_free_pages(m);
	CHECK_EQ(free0 - free1, 4);	/* 512 regions x 24 bytes: one order-2 block */
	bm_set_phase(m, BM_PHASE_PAGE_ALLOC_INIT_LATE);
	bm_memblock_discard(m);
	CHECK_EQ(bm_nr_free_pages(m), free0);
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	tm_destroy(&t);
}

/* Doubling with nowhere to put the new array fails cleanly: -ENOMEM, the
 * state as it was (the page at 0 is never a valid answer). */
static void test_double_nowhere(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, (phys_addr_t)64 << 20, NULL);
	phys_addr_t total;

	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_allow_resize(m);
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		CHECK_EQ(bm_memblock_add(m, (phys_addr_t)(i + 1) * 0x2000, 0x1000), 0);
	total = m->memblock.mb.memory.total_size;
	CHECK_EQ(bm_memblock_add(m, (phys_addr_t)(INIT_MEMBLOCK_REGIONS + 1) * 0x2000, 0x1000),
		 -BM_ENOMEM);
	CHECK_EQ(m->memblock.mb.memory.cnt, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(m->memblock.mb.memory.total_size, total);
	CHECK_EQ(m->memblock.memory_array_phys, 0);
	CHECK_EQ(bm_memblock_check(m), 0);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_double_nowhere);
	RUN(test_double_after_handoff);
	return CHECK_DONE();
}
