// SPDX-License-Identifier: MIT
/*
 * Regression tests for what the robustness campaign found (issue 12): each
 * misuse of the library is refused with one BM_V_MISUSE violation and
 * changes nothing; per-page walks stop at the memory that exists; teardown
 * leaves a dead machine that refuses every call. The fuzz_api inputs that
 * found these replay in test_fuzz_replay_api; these tests state the rules.
 */
#include "check.h"
#include "harness.h"
#include "core/internal.h"
#include "bootmm/boot.h"

#define MiB ((phys_addr_t)1 << 20)

/* A 320 MiB machine with deferred init, the image reserved, set up. */
static struct bm_machine *setup(struct test_machine *t)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB);	/* a Normal zone, deferred */
	m = tm_init(t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, MiB, 319 * MiB);
	bm_memblock_reserve(m, 16 * MiB, 16 * MiB);
	bm_memblock_reserve(m, 280 * MiB, 8 * MiB);
	return m;
}

static unsigned long misuse(struct bm_machine *m)
{
	return tm_violations(m, BM_V_MISUSE);
}

static bool last_says(struct bm_machine *m, const char *what)
{
	return m->record->nr_recorded && strstr(m->record->violations[m->record->nr_recorded - 1].detail, what);
}

/* api-F2: a page freed before memblock_free_all would be handed off again. */
static void test_free_before_buddy(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	struct page before;
	unsigned long n = misuse(m);

	CHECK_EQ(bm_free_area_init(m), 0);
	before = *bm_pfn_to_page(m, 0x2000);
	bm_free_pages(m, 0x2000, 0);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "before memblock_free_all"));
	CHECK(!memcmp(bm_pfn_to_page(m, 0x2000), &before, sizeof(before)));
	CHECK_EQ(bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_NO_PFN);
	CHECK_EQ(misuse(m), n + 2);
	bm_free_reserved_page(m, 0x1000 * 4);
	CHECK_EQ(misuse(m), n + 3);
	bm_memblock_free_all(m);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/* Boot steps twice or out of order: refused, the state they built intact. */
static void test_steps_out_of_order(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	unsigned long n = misuse(m), free_pages;

	bm_memblock_free_all(m);		/* before free_area_init */
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "memblock_free_all before free_area_init"));
	CHECK(!m->mm.buddy_ready);
	bm_page_alloc_init_late(m);		/* before memblock_free_all */
	CHECK_EQ(misuse(m), n + 2);
	CHECK(last_says(m, "page_alloc_init_late before memblock_free_all"));
	CHECK(!m->mm.deferred_done);

	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK_EQ(bm_free_area_init(m), -BM_EINVAL);	/* would initialise every page again */
	CHECK_EQ(misuse(m), n + 3);
	CHECK(last_says(m, "free_area_init called twice"));
	CHECK_EQ(m->mm.nr_double_inits, 0);

	bm_memblock_free_all(m);
	free_pages = bm_nr_free_pages(m);
	CHECK(free_pages > 0);
	bm_memblock_free_all(m);		/* would free every free page twice */
	CHECK_EQ(misuse(m), n + 4);
	CHECK(last_says(m, "memblock_free_all called twice"));
	CHECK_EQ(bm_nr_free_pages(m), free_pages);

	bm_page_alloc_init_late(m);
	CHECK(m->mm.deferred_done);
	free_pages = bm_nr_free_pages(m);
	bm_page_alloc_init_late(m);
	CHECK_EQ(misuse(m), n + 5);
	CHECK_EQ(bm_nr_free_pages(m), free_pages);
	CHECK_EQ(m->mm.nr_double_inits, 0);

	/* A second bm_boot, even with the phase set back. */
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	CHECK_EQ(bm_boot(m, NULL, 0), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 6);
	CHECK_EQ(bm_nr_free_pages(m), free_pages);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/*
 * Found by fuzz_api: the deferred part of the memory map was never handed
 * to the allocator, so a free there has no owner and is refused.
 */
static void test_free_in_deferred_part(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	bm_pfn_t pfn;
	unsigned long n, free_pages;

	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	pfn = m->mm.nodes[0].first_deferred_pfn;
	CHECK(pfn != BM_NO_PFN);
	n = misuse(m);
	free_pages = bm_nr_free_pages(m);
	bm_free_pages(m, pfn + 8, 3);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "deferred memory map"));
	CHECK_EQ(bm_nr_free_pages(m), free_pages);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/* Teardown marks the machine dead: calls are refused, nothing dereferenced. */
static void test_use_after_destroy(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	unsigned long n;

	CHECK_EQ(bm_boot(m, NULL, 0), 0);
	bm_machine_destroy(m);
	CHECK(m->dead);
	n = misuse(m);
	CHECK_EQ(bm_free_reserved_area(m, 16 * MiB, 17 * MiB, 0, "initrd"), 0);
	CHECK(bm_page_read(m, 0x2000, "test") == NULL);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	CHECK_EQ(bm_boot(m, NULL, 0), -BM_EINVAL);
	bm_free_pages(m, 0x2000, 0);
	CHECK_EQ(bm_alloc_pages(m, BM_NUMA_NO_NODE, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE),
		 BM_NO_PFN);
	CHECK_EQ(bm_memblock_add(m, 0, 64 * MiB), -BM_EINVAL);
	CHECK_EQ(bm_memblock_phys_free(m, 16 * MiB, MiB), -BM_EINVAL);
	CHECK_EQ(bm_free_area_init(m), -BM_EINVAL);
	bm_memblock_free_all(m);
	bm_page_alloc_init_late(m);
	CHECK_EQ(misuse(m), n + 9);
	CHECK(last_says(m, "destroyed machine"));
	bm_machine_destroy(m);			/* twice: harmless */
}

/*
 * fuzz_api-crash-a355ef: memblock_phys_free after the hand-off unreserved
 * a range whose release was pending, so deferred init initialised and
 * freed pages already on a free list. It is refused now, memblock intact.
 */
static void test_phys_free_after_handoff(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	phys_addr_t rsv;
	unsigned long n;

	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	bm_memblock_free_late(m, 280 * MiB, 8 * MiB, "EFI boot services");
	rsv = m->memblock.mb.reserved.total_size;
	n = misuse(m);
	CHECK_EQ(bm_memblock_phys_free(m, 280 * MiB, 8 * MiB), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "after the buddy hand-off"));
	CHECK_EQ(m->memblock.mb.reserved.total_size, rsv);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_memblock_check(m), 0);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(m->mm.nr_double_inits, 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/*
 * A host driving the boot steps itself (not bm_boot) and releasing
 * deferred memory between memblock_free_all and page_alloc_init_late, as
 * the kernel's early releasers do: memblock_free_all turns the
 * deferred_pages key on, so the release waits for deferred init. It was
 * only turned on by bm_boot: this release then freed uninitialised
 * struct pages (uninitialised reads), unreserved them, and deferred init
 * initialised and freed them again, crashing in list_link (found by
 * review; an unaligned range crashed, an aligned one double-initialised).
 */
static void test_release_before_init_late_without_boot(void)
{
	static const phys_addr_t at[] = { 0x33e03000, 0x34000000 };

	for (unsigned int i = 0; i < BM_ARRAY_SIZE(at); i++) {
		struct test_machine t;
		struct bm_config cfg;
		struct bm_machine *m;

		bm_config_default(&cfg);
		m = tm_init(&t, (phys_addr_t)1 << 30, &cfg);
		bm_set_phase(m, BM_PHASE_SETUP_ARCH);
		bm_memblock_add(m, MiB, ((phys_addr_t)1 << 30) - MiB);
		bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
		bm_memblock_reserve(m, 16 * MiB, 32 * MiB);
		bm_memblock_reserve(m, at[i], 4 * MiB);
		CHECK_EQ(bm_free_area_init(m), 0);
		CHECK(bm_pfn_deferred(m, BM_PFN_DOWN(at[i])));
		bm_memblock_free_all(m);
		CHECK(m->boot.deferred_pages_key);
		bm_set_phase(m, BM_PHASE_SMP_INIT);
		bm_memblock_free_late(m, at[i], 4 * MiB, "EFI boot services");
		bm_page_alloc_init_late(m);
		CHECK(!m->boot.deferred_pages_key);
		CHECK_EQ(tm_violations(m, BM_V_UNINIT_READ), 0);
		CHECK_EQ(m->mm.nr_double_inits, 0);
		CHECK_EQ(bm_mm_check(m), 0);
		CHECK_EQ(bm_release_leaked_pages(m), 0);
		/* The release reached the buddy (no page leaked, above). */
		CHECK(!(bm_pfn_to_page(m, BM_PFN_DOWN(at[i]) + 1)->flags & PG_reserved));
		tm_destroy(&t);
	}
}

/* hugeres.log / api-F3: a reservation to 2^52 walks only pages that exist. */
static void test_huge_reservation_bounded(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);

	bm_memblock_reserve(m, 0x100000000ull, 0xfffffffffffffull - 0x100000000ull + 1);
	bm_memblock_reserve(m, 300 * MiB, ~(phys_addr_t)0 - 300 * MiB);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);	/* hung, walking 2^40 pfns, before the fix */
	CHECK(m->mm.buddy_ready);
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(300 * MiB))->flags & PG_reserved);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/* api-F4: the split around the limit is merged again where both halves stay. */
static void test_mem_limit_remove_map_merges(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 320 * MiB, NULL);

	bm_memblock_add(m, MiB, 255 * MiB);
	bm_memblock_mark_nomap(m, 64 * MiB, 128 * MiB);
	CHECK_EQ(m->memblock.mb.memory.cnt, 3);
	bm_memblock_mem_limit_remove_map(m, 100 * MiB);	/* the cut falls in the NOMAP region */
	CHECK_EQ(bm_memblock_check(m), 0);
	CHECK_EQ(m->memblock.mb.memory.cnt, 2);
	CHECK_EQ(m->memblock.mb.memory.regions[1].base, 64 * MiB);
	CHECK_EQ(m->memblock.mb.memory.regions[1].size, 128 * MiB);
	tm_destroy(&t);
}

/* Arguments the kernel would BUG or WARN on: refused, nothing changed. */
static void test_bad_arguments_refused(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	struct memblock_type before = m->memblock.mb.memory;
	unsigned long n = misuse(m), free_pages;

	CHECK_EQ(bm_memblock_setclr_flag(m, false, MiB, MiB, 1, (enum memblock_flags)0x80), -BM_EINVAL);
	CHECK_EQ(bm_memblock_setclr_flag(m, false, MiB, MiB, 0, (enum memblock_flags)0x10001), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 2);
	CHECK(last_says(m, "unknown flag bits"));
	CHECK_EQ(m->memblock.mb.memory.cnt, before.cnt);
	CHECK_EQ(bm_memblock_find_in_range_node(m, 4096, 5, 0, 64 * MiB, BM_NUMA_NO_NODE,
						MEMBLOCK_NONE), 0);
	CHECK_EQ(misuse(m), n + 3);

	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	free_pages = bm_nr_free_pages(m);
	CHECK_EQ(bm_alloc_pages(m, BM_MAX_NUMNODES, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_NO_PFN);
	CHECK_EQ(bm_alloc_pages(m, -7, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE), BM_NO_PFN);
	CHECK_EQ(misuse(m), n + 5);
	CHECK(last_says(m, "node -7"));
	CHECK_EQ(bm_nr_free_pages(m), free_pages);
	CHECK(bm_alloc_pages(m, BM_NUMA_NO_NODE, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE) != BM_NO_PFN);

	CHECK_EQ(bm_free_reserved_area(m, 20 * MiB, 18 * MiB, 0, "initrd"), 0);
	CHECK_EQ(misuse(m), n + 6);
	CHECK(last_says(m, "above end"));
	bm_memblock_free_late(m, 20 * MiB, ~(phys_addr_t)0 - 4 * MiB, "initrd");
	CHECK_EQ(misuse(m), n + 7);
	CHECK(last_says(m, "wraps"));
	CHECK_EQ(bm_nr_free_pages(m), free_pages - 1);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/*
 * Found by fuzz_api (fuzz/corpus/fuzz_api/found-set-node-fails-*):
 * memory left without a node (memblock_set_node failed on a full array
 * that may not resize yet) was sized into node 0's zones but skipped by
 * deferred init's walk of node 0's free ranges, so part of the memory map
 * was never initialised. Memory without a node is now refused before
 * free_area_init changes anything.
 */
static void test_memory_without_node_refused(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	struct memblock_type *mem;
	unsigned long n, cnt;

	bm_config_default(&cfg);
	cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB);
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	mem = &m->memblock.mb.memory;
	bm_memblock_add(m, 64 * MiB, 256 * MiB);
	for (phys_addr_t a = MiB; mem->cnt < mem->max; a += 2 * BM_PAGE_SIZE)
		bm_memblock_add(m, a, BM_PAGE_SIZE);
	n = misuse(m);
	cnt = mem->cnt;

	/* Full and not resizable: dummy_numa_init's memblock_set_node fails. */
	CHECK_EQ(bm_free_area_init(m), -BM_ENOMEM);
	CHECK(misuse(m) > n);
	CHECK(last_says(m, "could not give memory node 0"));
	CHECK(!m->mm.memmap_ready);
	CHECK_EQ(mem->cnt, cnt);
	CHECK_EQ(mem->regions[0].nid, BM_MAX_NUMNODES);

	/* Once the array may double, the same call succeeds, all node 0. */
	bm_memblock_allow_resize(m);
	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK(mem->max > cnt);
	for (unsigned long i = 0; i < mem->cnt; i++)
		CHECK_EQ(mem->regions[i].nid, 0);
	tm_destroy(&t);

	/* Nodes given to part of memory only: the rest is refused, not node 0. */
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, MiB, 159 * MiB);
	bm_memblock_add(m, 160 * MiB, 160 * MiB);
	CHECK_EQ(bm_memblock_set_node(m, MiB, 159 * MiB, false, 1), 0);
	n = misuse(m);
	CHECK_EQ(bm_free_area_init(m), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "has no node"));
	CHECK(!m->mm.memmap_ready);
	CHECK_EQ(mem->regions[0].nid, 1);
	CHECK_EQ(bm_memblock_set_node(m, 160 * MiB, 160 * MiB, false, 0), 0);
	CHECK_EQ(bm_free_area_init(m), 0);
	tm_destroy(&t);

	/*
	 * Memory without a node after sparse_init: memblock_add and
	 * set_node refuse it from then on (test_memory_fixed_after_sparse_init),
	 * the kernel-internal add_range does not; free_area_init does.
	 */
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, MiB, 255 * MiB);
	CHECK_EQ(bm_sparse_init(m), 0);
	CHECK_EQ(bm_memblock_add_range(m, &m->memblock.mb.memory, 256 * MiB, 64 * MiB,
				       BM_MAX_NUMNODES, MEMBLOCK_NONE), 0);
	n = misuse(m);
	CHECK_EQ(bm_free_area_init(m), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "has no node"));
	CHECK_EQ(m->mm.nodes[0].node_spanned_pages, 0);
	tm_destroy(&t);
}

/*
 * free_area_init sizes nodes, zones and present pages from memory and
 * initialises the memory map over it: memory added, removed or re-noded
 * after it would be freed without being present, or skipped by deferred
 * init. Refused from then on, not only after the hand-off.
 */
static void test_memory_fixed_after_free_area_init(void)
{
	struct test_machine t;
	struct bm_machine *m = setup(&t);
	struct memblock_type *mem = &m->memblock.mb.memory;
	unsigned long n, cnt;
	phys_addr_t total;

	CHECK_EQ(bm_free_area_init(m), 0);
	n = misuse(m);
	cnt = mem->cnt;
	total = mem->total_size;
	CHECK_EQ(bm_memblock_add(m, 330 * MiB, MiB), -BM_EINVAL);
	CHECK(last_says(m, "after free_area_init"));
	CHECK_EQ(bm_memblock_remove(m, 100 * MiB, MiB), -BM_EINVAL);
	CHECK_EQ(bm_memblock_add_node(m, 330 * MiB, MiB, 0, MEMBLOCK_NONE), -BM_EINVAL);
	CHECK_EQ(bm_memblock_set_node(m, MiB, MiB, false, 1), -BM_EINVAL);
	CHECK_EQ(bm_memblock_mark_hotplug(m, 100 * MiB, MiB), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 5);
	CHECK_EQ(mem->cnt, cnt);
	CHECK_EQ(mem->total_size, total);
	CHECK_EQ(mem->regions[0].nid, 0);
	/* Reserved regions still get their node (memmap_init_reserved_pages). */
	CHECK_EQ(bm_memblock_set_node(m, 16 * MiB, 16 * MiB, true, 0), 0);
	CHECK_EQ(misuse(m), n + 5);
	bm_memblock_free_all(m);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/*
 * sparse_init sizes the memory map from memory (the sections it marks
 * present): memory added after it in a section without a memory map was
 * spanned by zones with no struct pages for it (every later walk reported
 * "no memory map"), and a section left without memory kept a memory map
 * nothing initialised (bm_mm_check: an invariant), and memory re-noded
 * was judged deferred by its section's old node (struct pages never
 * initialised, read uninitialised by the buddy). Adding, removing and
 * re-noding memory is refused from sparse_init on; flags still change
 * until free_area_init.
 */
static void test_memory_fixed_after_sparse_init(void)
{
	for (int what = 0; what < 6; what++) {
		struct test_machine t;
		struct bm_config cfg;
		struct bm_machine *m;
		struct memblock_type *mem;
		struct memblock_region before;
		unsigned long n, cnt;
		phys_addr_t total;
		int ret = 0;

		bm_config_default(&cfg);
		cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB);
		m = tm_init(&t, 640 * MiB, &cfg);
		bm_set_phase(m, BM_PHASE_SETUP_ARCH);
		mem = &m->memblock.mb.memory;
		/* Sections 0 and 1; all five for the re-noding. */
		bm_memblock_add_node(m, MiB, (what == 5 ? 639 : 199) * MiB, 0, MEMBLOCK_NONE);
		bm_memblock_reserve(m, 16 * MiB, 16 * MiB);
		CHECK_EQ(bm_sparse_init(m), 0);
		n = misuse(m);
		cnt = mem->cnt;
		total = mem->total_size;
		before = mem->regions[0];
		switch (what) {
		case 0:	/* section 2 has no memory map */
			ret = bm_memblock_add_node(m, 256 * MiB, 64 * MiB, 0, MEMBLOCK_NONE);
			CHECK(last_says(m, "memblock_add_node"));
			break;
		case 1:
			ret = bm_memblock_add(m, 256 * MiB, 64 * MiB);
			CHECK(last_says(m, "memblock_add"));
			break;
		case 2:	/* section 1 left without memory */
			ret = bm_memblock_remove(m, 50 * MiB, 150 * MiB);
			CHECK(last_says(m, "memblock_remove"));
			break;
		case 3:
			bm_memblock_enforce_memory_limit(m, 50 * MiB);
			CHECK(last_says(m, "memblock_enforce_memory_limit"));
			break;
		case 4:
			bm_memblock_cap_memory_range(m, 0, 50 * MiB);
			CHECK(last_says(m, "memblock_cap_memory_range"));
			break;
		default: /* their sections stay node 0's: deferral judged by node 0 */
			ret = bm_memblock_set_node(m, 384 * MiB, 256 * MiB, false, 1);
			CHECK(last_says(m, "memblock_set_node"));
			break;
		}
		CHECK(last_says(m, "after sparse_init"));
		CHECK(what == 3 || what == 4 || ret == -BM_EINVAL);
		CHECK_EQ(misuse(m), n + 1);
		CHECK_EQ(mem->cnt, cnt);
		CHECK_EQ(mem->total_size, total);
		CHECK(!memcmp(&mem->regions[0], &before, sizeof(before)));
		/* Flags may still change: the memory map does not depend on
		 * them (free_area_init seals those). */
		CHECK_EQ(bm_memblock_mark_hotplug(m, 100 * MiB, MiB), 0);
		CHECK_EQ(bm_memblock_clear_hotplug(m, 100 * MiB, MiB), 0);
		CHECK_EQ(misuse(m), n + 1);
		CHECK_EQ(bm_free_area_init(m), 0);
		bm_memblock_free_all(m);
		bm_page_alloc_init_late(m);
		CHECK_EQ(bm_mm_check(m), 0);
		CHECK_EQ(misuse(m), n + 1);
		CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
		tm_destroy(&t);
	}
}

/*
 * The other ways memory shrinks (mem= and crash kernels' limits, trimming
 * to an alignment) are setup's too: after free_area_init they left pages
 * present in the zones but no longer memory, their deferred struct pages
 * never initialised (bm_mm_check: an invariant). Refused like
 * memblock_remove when they would change memory; allowed when they would
 * not (a limit above the memory there is, memory already aligned).
 */
static void test_memory_limits_fixed_after_free_area_init(void)
{
	for (int what = 0; what < 4; what++) {
		for (int handed_off = 0; handed_off < 2; handed_off++) {
			struct test_machine t;
			struct bm_machine *m = setup(&t);
			struct memblock_type *mem = &m->memblock.mb.memory;
			struct memblock_region before;
			unsigned long n, cnt;
			phys_addr_t total;

			CHECK_EQ(bm_free_area_init(m), 0);
			if (handed_off)
				bm_memblock_free_all(m);
			n = misuse(m);
			cnt = mem->cnt;
			total = mem->total_size;
			before = mem->regions[0];
			/* No-ops first: nothing to refuse. */
			bm_memblock_enforce_memory_limit(m, 400 * MiB);
			bm_memblock_cap_memory_range(m, 0, 400 * MiB);
			bm_memblock_mem_limit_remove_map(m, 400 * MiB);
			bm_memblock_trim_memory(m, MiB);
			CHECK_EQ(misuse(m), n);
			switch (what) {
			case 0:
				bm_memblock_enforce_memory_limit(m, 100 * MiB);
				CHECK(last_says(m, "memblock_enforce_memory_limit"));
				break;
			case 1:
				bm_memblock_cap_memory_range(m, 0, 100 * MiB);
				CHECK(last_says(m, "memblock_cap_memory_range"));
				break;
			case 2:
				bm_memblock_mem_limit_remove_map(m, 100 * MiB);
				CHECK(last_says(m, "memblock_cap_memory_range"));
				break;
			default:
				bm_memblock_trim_memory(m, 64 * MiB);
				CHECK(last_says(m, "memblock_trim_memory"));
				break;
			}
			CHECK(last_says(m, handed_off ? "after the buddy hand-off" :
					"after free_area_init"));
			CHECK_EQ(misuse(m), n + 1);
			CHECK_EQ(mem->cnt, cnt);
			CHECK_EQ(mem->total_size, total);
			CHECK(!memcmp(&mem->regions[0], &before, sizeof(before)));
			if (!handed_off)
				bm_memblock_free_all(m);
			bm_page_alloc_init_late(m);
			CHECK_EQ(bm_mm_check(m), 0);
			CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
			tm_destroy(&t);
		}
	}
}

/*
 * Found by fuzz_api (fuzz/corpus/fuzz_api/found-clear-hotplug-partial-page):
 * two memory regions differing only in HOTPLUG met inside a page, counted
 * absent by free_area_init; memblock_free_all clears HOTPLUG, the regions
 * merge and the page was freed (managed > present). Refused until memory
 * is trimmed to pages, as x86 does.
 */
static void test_regions_meeting_inside_a_page_refused(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	unsigned long n;

	bm_config_default(&cfg);
	cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB);
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_allow_resize(m);
	bm_memblock_add(m, MiB, 100 * MiB + 0x800);
	bm_memblock_add_node(m, 101 * MiB + 0x800, 219 * MiB - 0x800, BM_MAX_NUMNODES,
			     MEMBLOCK_HOTPLUG);
	bm_memblock_reserve(m, 16 * MiB, 16 * MiB);
	n = misuse(m);
	CHECK_EQ(bm_free_area_init(m), -BM_EINVAL);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "inside a page"));
	CHECK(!m->mm.memmap_ready);
	CHECK_EQ(m->memblock.mb.memory.cnt, 2);
	/* Trimmed to whole pages (e820__memblock_setup), the boot is clean. */
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	tm_destroy(&t);
}

/*
 * free_reserved_page of a hole: its struct page is Reserved
 * (init_unavailable_range) but no RAM is behind it. Found by fuzz_api
 * (fuzz/corpus/fuzz_api/found-free-reserved-page-hole): it reached the
 * buddy, managed > present. Refused, nothing changed; a Reserved page of
 * memory is still freed.
 */
static void test_free_reserved_page_of_a_hole_refused(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	const bm_pfn_t hole = BM_PFN_DOWN(150 * MiB), rsv = BM_PFN_DOWN(200 * MiB);
	unsigned long n, free0, total0;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB);
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, MiB, 127 * MiB);
	bm_memblock_add(m, 192 * MiB, 128 * MiB);	/* a hole at [128, 192) MiB */
	bm_memblock_reserve(m, 16 * MiB, 16 * MiB);
	bm_memblock_reserve(m, BM_PFN_PHYS(rsv), BM_PAGE_SIZE);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	CHECK(bm_page_initialised(m, hole));
	CHECK(bm_pfn_to_page(m, hole)->flags & PG_reserved);
	n = misuse(m);
	free0 = bm_nr_free_pages(m);
	total0 = m->mm.totalram_pages;
	bm_free_reserved_page(m, hole);
	CHECK_EQ(misuse(m), n + 1);
	CHECK(last_says(m, "not memory"));
	CHECK_EQ(bm_nr_free_pages(m), free0);
	CHECK_EQ(m->mm.totalram_pages, total0);
	CHECK(bm_pfn_to_page(m, hole)->flags & PG_reserved);
	CHECK_EQ(bm_mm_check(m), 0);
	/* A Reserved page of memory is still freed (memblock not in step
	 * with it then: that is the caller's to keep, not checked here). */
	bm_free_reserved_page(m, rsv);
	CHECK_EQ(misuse(m), n + 1);
	CHECK_EQ(bm_nr_free_pages(m), free0 + 1);
	CHECK_EQ(m->mm.totalram_pages, total0 + 1);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	CHECK_EQ(tm_violations(m, BM_V_MEMBLOCK_MISMATCH), 0);
	tm_destroy(&t);
}

/*
 * Found by fuzz_api (fuzz/corpus/fuzz_api/found-free-from-1-doubles-inside):
 * a memblock_phys_free from address 1 over all of memory, with the reserved
 * array full enough that splitting region 0 doubles it. The kernel's second
 * window for the new array, [0, new_area_start), ends at 1, which its
 * memblock_find_in_range reads as MEMBLOCK_ALLOC_NOLEAKTRACE, all of memory:
 * the array went inside the range and the free unreserved it. bootmm reads
 * the end as the kernel does and keeps the array out of the range, so
 * there is no room: the free fails, nothing changed, the array reserved.
 */
static void test_free_from_1_keeps_array_reserved(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	struct memblock_region before[128];
	unsigned long cnt, n;

	bm_config_default(&cfg);
	m = tm_init(&t, 320 * MiB, &cfg);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, 0, 320 * MiB);
	bm_memblock_reserve(m, 0, MiB);
	for (int i = 0; i < 126; i++)
		bm_memblock_reserve(m, 64 * MiB + (phys_addr_t)i * 2 * BM_PAGE_SIZE, BM_PAGE_SIZE);
	bm_memblock_allow_resize(m);
	cnt = m->memblock.mb.reserved.cnt;
	CHECK_EQ(cnt, 127);
	memcpy(before, m->memblock.mb.reserved.regions, cnt * sizeof(before[0]));
	n = misuse(m);
	CHECK(bm_memblock_phys_free(m, 1, 320 * MiB) != 0);
	CHECK_EQ(misuse(m), n + 1);	/* not all of it was reserved */
	CHECK_EQ(m->memblock.mb.reserved.cnt, cnt);
	CHECK(!memcmp(before, m->memblock.mb.reserved.regions, cnt * sizeof(before[0])));
	CHECK_EQ(bm_memblock_check(m), 0);
	/* With room left above the range, the array goes there. */
	CHECK_EQ(bm_memblock_phys_free(m, 1, 300 * MiB), 0);
	CHECK(m->memblock.reserved_array_phys >= 300 * MiB + 1);
	CHECK_EQ(bm_memblock_check(m), 0);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_free_before_buddy);
	RUN(test_steps_out_of_order);
	RUN(test_free_in_deferred_part);
	RUN(test_use_after_destroy);
	RUN(test_phys_free_after_handoff);
	RUN(test_release_before_init_late_without_boot);
	RUN(test_huge_reservation_bounded);
	RUN(test_mem_limit_remove_map_merges);
	RUN(test_bad_arguments_refused);
	RUN(test_memory_without_node_refused);
	RUN(test_memory_fixed_after_free_area_init);
	RUN(test_memory_limits_fixed_after_free_area_init);
	RUN(test_memory_fixed_after_sparse_init);
	RUN(test_regions_meeting_inside_a_page_refused);
	RUN(test_free_reserved_page_of_a_hole_refused);
	RUN(test_free_from_1_keeps_array_reserved);
	return CHECK_DONE();
}
