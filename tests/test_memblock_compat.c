// SPDX-License-Identifier: MIT
/*
 * include/linux/memblock.h: code written against the kernel's names, in
 * the style of tools/testing/memblock (basic_api, alloc_api, alloc_nid_api
 * cases written anew for bootmm), reading memblock.memory.regions[i] the
 * way kernel code does. Memory comes from the simulated RAM instead of a
 * malloc'ed "dummy physical memory".
 */
#include "check.h"
#include "harness.h"
#include "linux/memblock.h"

#define ASSERT_EQ(a, b)		CHECK_EQ(a, b)
#define ASSERT_NE(a, b)		CHECK((a) != (b))
#define ASSERT_LE(a, b)		CHECK((a) <= (b))
#define PASS()			CHECK_EQ(bm_memblock_check(bm_current_machine()), 0)

/* The simulated "physical memory" tests allocate from. */
#define MEM_BASE		SZ_16M
#define MEM_SIZE		SZ_16M

struct region {
	phys_addr_t base;
	phys_addr_t size;
};

static struct test_machine tm;
static bool tm_live;

/* tools/testing/memblock's reset: a fresh machine each time. */
static void reset_memblock_regions(void)
{
	if (tm_live)
		tm_destroy(&tm);
	tm_init(&tm, SZ_64M, NULL);
	tm_live = true;
	bm_set_current_machine(&tm.m);
}

static void setup_memblock(void)
{
	reset_memblock_regions();
	memblock_add(MEM_BASE, MEM_SIZE);
}

static int memblock_initialization_check(void)
{
	reset_memblock_regions();
	ASSERT_NE(memblock.memory.regions, NULL);
	ASSERT_EQ(memblock.memory.cnt, 0);
	ASSERT_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	ASSERT_EQ(strcmp(memblock.memory.name, "memory"), 0);
	ASSERT_EQ(memblock.reserved.cnt, 0);
	ASSERT_EQ(strcmp(memblock.reserved.name, "reserved"), 0);
	ASSERT_EQ(memblock.bottom_up, false);
	ASSERT_EQ(memblock.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
	PASS();
	return 0;
}

/*
 *  |    +----+----+------------+          |
 *  |    |    |r2  |   r1       |          |
 *  +----+----+----+------------+----------+
 * r2 overlaps the bottom of r1: one region from r2.base.
 */
static int memblock_add_overlap_top_check(void)
{
	struct memblock_region *rgn;
	struct region r1 = { SZ_512M, SZ_1G }, r2 = { SZ_256M, SZ_512M };
	phys_addr_t total_size = (r1.base - r2.base) + r1.size;

	reset_memblock_regions();
	rgn = &memblock.memory.regions[0];
	memblock_add(r1.base, r1.size);
	memblock_add(r2.base, r2.size);

	ASSERT_EQ(rgn->base, r2.base);
	ASSERT_EQ(rgn->size, total_size);
	ASSERT_EQ(memblock.memory.cnt, 1);
	ASSERT_EQ(memblock.memory.total_size, total_size);
	PASS();
	return 0;
}

static int memblock_add_node_simple_check(void)
{
	struct memblock_region *rgn;
	struct region r = { SZ_1M, SZ_16M };

	reset_memblock_regions();
	rgn = &memblock.memory.regions[0];
	memblock_add_node(r.base, r.size, 1, MEMBLOCK_HOTPLUG);

	ASSERT_EQ(rgn->base, r.base);
	ASSERT_EQ(rgn->size, r.size);
	ASSERT_EQ(rgn->nid, 1);
	ASSERT_EQ(rgn->flags, MEMBLOCK_HOTPLUG);
	ASSERT_EQ(memblock.memory.cnt, 1);
	ASSERT_EQ(memblock.memory.total_size, r.size);
	PASS();
	return 0;
}

static int memblock_add_near_max_check(void)
{
	struct region r = { PHYS_ADDR_MAX - SZ_1M, SZ_2M };

	reset_memblock_regions();
	memblock_add(r.base, r.size);
	ASSERT_EQ(memblock.memory.regions[0].base, r.base);
	ASSERT_EQ(memblock.memory.regions[0].size, PHYS_ADDR_MAX - r.base);
	ASSERT_EQ(memblock.memory.cnt, 1);
	PASS();
	return 0;
}

/* The 129th region doubles memblock.memory from memblock itself. */
static int memblock_add_many_check(void)
{
	phys_addr_t base, size = SZ_64, gap = SZ_64;
	phys_addr_t new_size = PAGE_ALIGN(INIT_MEMBLOCK_REGIONS * 2 * sizeof(struct memblock_region));
	void *orig = NULL;
	int i;

	reset_memblock_regions();
	memblock_allow_resize();
	base = MEM_BASE;
	memblock_add(base, new_size);
	base += new_size + gap;
	orig = memblock.memory.regions;
	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++) {
		memblock_add(base, size);
		base += size + gap;
		ASSERT_EQ(memblock.memory.cnt, (unsigned long)i + 2);
		ASSERT_EQ(memblock.memory.total_size, new_size + (i + 1) * size);
	}
	ASSERT_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS * 2);
	ASSERT_NE((void *)memblock.memory.regions, orig);
	/* the only place the new array fits is the first region, reserved */
	ASSERT_EQ(memblock.reserved.cnt, 1);
	ASSERT_EQ(memblock.reserved.regions[0].base, MEM_BASE);
	ASSERT_EQ(memblock.reserved.total_size, new_size);
	ASSERT_EQ(memblock.reserved.regions[0].flags, MEMBLOCK_RSRV_KERN);
	/* and memblock_add still works on the new array */
	memblock_add(SZ_16K, SZ_16K);
	ASSERT_EQ(memblock.memory.regions[0].base, SZ_16K);
	ASSERT_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS + 2);
	PASS();
	return 0;
}

/*
 *  |    +--------+--------------------+
 *  |    |   r1   |        r2          |
 *  +----+--------+------+-------------+
 *                |  r3  |
 * r3 (freed) overlaps the end of r1 and the start of r2.
 */
static int memblock_free_overlap_two_check(void)
{
	struct region r1 = { SZ_16M, SZ_32M }, r2 = { SZ_64M, SZ_64M }, r3 = { SZ_32M, SZ_64M };

	reset_memblock_regions();
	memblock_reserve(r1.base, r1.size);
	memblock_reserve(r2.base, r2.size);
	memblock_phys_free(r3.base, r3.size);

	ASSERT_EQ(memblock.reserved.regions[0].base, r1.base);
	ASSERT_EQ(memblock.reserved.regions[0].size, r3.base - r1.base);
	ASSERT_EQ(memblock.reserved.regions[1].base, r3.base + r3.size);
	ASSERT_EQ(memblock.reserved.regions[1].size, r2.base + r2.size - r3.base - r3.size);
	ASSERT_EQ(memblock.reserved.cnt, 2);
	/* r3 covered [48M, 64M) that was not reserved: bootmm says so */
	ASSERT_EQ(tm_violations(bm_current_machine(), BM_V_MISUSE), 1);
	PASS();
	return 0;
}

static int memblock_remove_within_check(void)
{
	struct region r1 = { SZ_1M, SZ_32M }, r2 = { SZ_16M, SZ_1M };

	reset_memblock_regions();
	memblock_add(r1.base, r1.size);
	memblock_remove(r2.base, r2.size);
	ASSERT_EQ(memblock.memory.cnt, 2);
	ASSERT_EQ(memblock.memory.regions[0].size, r2.base - r1.base);
	ASSERT_EQ(memblock.memory.regions[1].base, r2.base + r2.size);
	ASSERT_EQ(memblock.memory.total_size, r1.size - r2.size);
	PASS();
	return 0;
}

static int memblock_trim_memory_unaligned_end_check(void)
{
	const phys_addr_t alignment = SMP_CACHE_BYTES;
	struct region r1 = { alignment, alignment * 2 }, r2 = { alignment * 4, alignment * 2 - SZ_2 };

	reset_memblock_regions();
	memblock_add(r1.base, r1.size);
	memblock_add(r2.base, r2.size);
	memblock_trim_memory(alignment);
	ASSERT_EQ(memblock.memory.regions[1].base, r2.base);
	ASSERT_EQ(memblock.memory.regions[1].size, r2.size - (alignment - SZ_2));
	ASSERT_EQ(memblock.memory.cnt, 2);
	PASS();
	return 0;
}

/* alloc_api: a simple top-down allocation lands at the end of memory. */
static int alloc_top_down_simple_check(void)
{
	struct memblock_region *rgn;
	phys_addr_t size = SZ_2;
	void *allocated_ptr;
	phys_addr_t expected_start;

	setup_memblock();
	rgn = &memblock.reserved.regions[0];
	expected_start = memblock_end_of_DRAM() - SMP_CACHE_BYTES;
	allocated_ptr = memblock_alloc(size, SMP_CACHE_BYTES);

	ASSERT_NE(allocated_ptr, NULL);
	ASSERT_EQ(bm_virt_to_phys(bm_current_machine(), allocated_ptr), expected_start);
	ASSERT_EQ(rgn->size, size);
	ASSERT_EQ(rgn->base, expected_start);
	ASSERT_EQ(rgn->flags, MEMBLOCK_RSRV_KERN);
	ASSERT_EQ(memblock.reserved.cnt, 1);
	ASSERT_EQ(memblock.reserved.total_size, size);
	PASS();
	return 0;
}

/* alloc_api: bottom-up skips a reservation at the start of memory. */
static int alloc_bottom_up_before_check(void)
{
	phys_addr_t r1_size = SZ_16, total_size = r1_size + SZ_2;

	setup_memblock();
	memblock_set_bottom_up(true);
	memblock_reserve(memblock_start_of_DRAM(), r1_size);
	ASSERT_NE(memblock_alloc(SZ_2, SMP_CACHE_BYTES), NULL);
	ASSERT_EQ(memblock.reserved.cnt, 2);
	ASSERT_EQ(memblock.reserved.regions[1].base, memblock_start_of_DRAM() + SMP_CACHE_BYTES);
	ASSERT_EQ(memblock.reserved.total_size, total_size);
	memblock_set_bottom_up(false);
	PASS();
	return 0;
}

/* alloc_nid_api: min_addr above the free space is dropped. */
static int alloc_try_nid_min_reserved_check(void)
{
	phys_addr_t size = SZ_128, min_addr;
	void *p;

	setup_memblock();
	min_addr = memblock_end_of_DRAM() - SZ_64;
	p = memblock_alloc_try_nid(size, SMP_CACHE_BYTES, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE,
				   NUMA_NO_NODE);
	ASSERT_NE(p, NULL);
	ASSERT_EQ(memblock.reserved.regions[0].base, memblock_end_of_DRAM() - size);
	PASS();
	return 0;
}

/* alloc_nid_api: a node's memory is used first, then any node. */
static int alloc_node_fallback_check(void)
{
	phys_addr_t s, e;
	int nid, n = 0;
	u64 i;

	reset_memblock_regions();
	memblock_add_node(MEM_BASE, SZ_8M, 0, MEMBLOCK_NONE);
	memblock_add_node(MEM_BASE + SZ_8M, SZ_8M, 1, MEMBLOCK_NONE);
	memblock_reserve(MEM_BASE + SZ_8M, SZ_8M - SZ_4K);
	ASSERT_NE(memblock_alloc_node(SZ_4K, SZ_4K, 1), NULL);
	ASSERT_EQ(memblock.reserved.regions[1].base, MEM_BASE + 2 * SZ_8M - SZ_4K);
	ASSERT_EQ(memblock_get_region_node(&memblock.reserved.regions[1]), 1);
	ASSERT_NE(memblock_alloc_node(SZ_4K, SZ_4K, 1), NULL);
	ASSERT_EQ(memblock.reserved.regions[0].base, MEM_BASE + SZ_8M - SZ_4K);
	ASSERT_EQ(memblock.reserved.regions[0].nid, NUMA_NO_NODE);
	ASSERT_EQ(memblock_alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1),
		  NULL);
	/*
	 * Node 1 is full. Like the kernel's, the iterator still yields the
	 * empty gap between two touching reserved regions that differ in
	 * flags ([32M-4K, 32M-4K) here); nothing non-empty is left.
	 */
	for_each_free_mem_range(i, 1, MEMBLOCK_NONE, &s, &e, &nid) {
		ASSERT_EQ(s, e);
		ASSERT_EQ(s, MEM_BASE + 2 * SZ_8M - SZ_4K);
		n++;
	}
	ASSERT_EQ(n, 1);
	PASS();
	return 0;
}

/* The iterators under their kernel names. */
static int iterators_check(void)
{
	struct memblock_region *reg;
	phys_addr_t s, e, free_bytes = 0, rev_first = 0;
	unsigned long spfn, epfn, pages = 0;
	int nid, i, n = 0;
	u64 j;

	setup_memblock();
	memblock_reserve(MEM_BASE, SZ_1M);
	memblock_reserve(MEM_BASE + SZ_8M, SZ_1M);
	for_each_free_mem_range(j, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
		free_bytes += e - s;
	ASSERT_EQ(free_bytes, MEM_SIZE - SZ_2M);
	for_each_free_mem_range_reverse(j, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) {
		if (!rev_first)
			rev_first = s;
		n++;
	}
	ASSERT_EQ(n, 2);
	ASSERT_EQ(rev_first, MEM_BASE + SZ_8M + SZ_1M);
	for_each_mem_pfn_range(i, MAX_NUMNODES, &spfn, &epfn, &nid)
		pages += epfn - spfn;
	ASSERT_EQ(pages, PFN_DOWN(MEM_SIZE));
	ASSERT_EQ(nid, MAX_NUMNODES);
	n = 0;
	for_each_reserved_mem_region(reg)
		n++;
	ASSERT_EQ(n, 2);
	n = 0;
	for_each_mem_range(j, &s, &e)
		n++;
	ASSERT_EQ(n, 1);
	memblock_set_node(MEM_BASE, MEM_SIZE, &memblock.memory, 0);
	memblock_set_node(MEM_BASE, MEM_SIZE, &memblock.reserved, 0);
	for_each_mem_region(reg)
		ASSERT_EQ(memblock_get_region_node(reg), 0);
	ASSERT_EQ(memblock.reserved.regions[1].nid, 0);
	ASSERT_EQ(memblock_phys_mem_size(), MEM_SIZE);
	ASSERT_EQ(memblock_reserved_size(), SZ_2M);
	ASSERT_EQ(memblock_is_region_reserved(MEM_BASE, SZ_4K), true);
	ASSERT_EQ(memblock_estimated_nr_free_pages(), PFN_DOWN(MEM_SIZE - SZ_2M));
	PASS();
	return 0;
}

static void test_basic_api(void)
{
	memblock_initialization_check();
	memblock_add_overlap_top_check();
	memblock_add_node_simple_check();
	memblock_add_near_max_check();
	memblock_add_many_check();
	memblock_free_overlap_two_check();
	memblock_remove_within_check();
	memblock_trim_memory_unaligned_end_check();
}

static void test_alloc_api(void)
{
	alloc_top_down_simple_check();
	alloc_bottom_up_before_check();
	alloc_try_nid_min_reserved_check();
	alloc_node_fallback_check();
}

static void test_iterators(void)
{
	iterators_check();
}

int main(void)
{
	RUN(test_basic_api);
	RUN(test_alloc_api);
	RUN(test_iterators);
	if (tm_live)
		tm_destroy(&tm);
	bm_set_current_machine(NULL);
	CHECK(bm_current_machine() == NULL);
	return CHECK_DONE();
}
