// SPDX-License-Identifier: MIT
/*
 * Era rules of memblock (cfg.memblock_alloc_rsrv_kern) and machines whose
 * physical addresses are host addresses (bm_machine_init_identity).
 */
#include "check.h"
#include "harness.h"

#define SZ_4K	0x1000ULL
#define SZ_1M	0x100000ULL
#define SZ_16M	0x1000000ULL
#define SZ_64M	0x4000000ULL

#define RSV(m)	((m)->memblock.mb.reserved)
#define MEM(m)	((m)->memblock.mb.memory)
#define OK(m)	CHECK_EQ(bm_memblock_check(m), 0)

static struct bm_machine *era_machine(struct test_machine *t, bool rsrv_kern)
{
	struct bm_config cfg;

	bm_config_default(&cfg);
	cfg.memblock_alloc_rsrv_kern = rsrv_kern;
	return tm_init(t, SZ_64M, &cfg);
}

static void test_default_is_current(void)
{
	struct bm_config cfg;

	bm_config_default(&cfg);
	CHECK(cfg.memblock_alloc_rsrv_kern);
}

/* Since v6.16: an allocation is RSRV_KERN on its node and stays apart from
 * the plain reservation it touches. */
static void test_current_allocations_apart(void)
{
	struct test_machine t;
	struct bm_machine *m = era_machine(&t, true);
	phys_addr_t a;

	bm_memblock_add(m, SZ_1M, SZ_64M - SZ_1M);
	bm_memblock_reserve(m, SZ_64M - SZ_4K, SZ_4K);
	a = bm_memblock_phys_alloc(m, SZ_4K, SZ_4K);
	CHECK_EQ(a, SZ_64M - 2 * SZ_4K);
	CHECK_EQ(RSV(m).cnt, 2);
	CHECK_EQ(RSV(m).regions[0].base, a);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_RSRV_KERN);
	CHECK_EQ(RSV(m).regions[0].nid, BM_NUMA_NO_NODE);
	CHECK_EQ(RSV(m).regions[1].flags, MEMBLOCK_NONE);
	CHECK_EQ(RSV(m).regions[1].nid, BM_NUMA_NO_NODE);
	/* on a node: the node is kept */
	bm_memblock_set_node(m, SZ_1M, SZ_64M - SZ_1M, false, 1);
	a = bm_memblock_phys_alloc_try_nid(m, SZ_4K, SZ_4K, 1);
	CHECK_EQ(a, SZ_64M - 3 * SZ_4K);
	CHECK_EQ(RSV(m).cnt, 3);
	CHECK_EQ(RSV(m).regions[0].base, a);
	CHECK_EQ(RSV(m).regions[0].nid, 1);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_RSRV_KERN);
	CHECK(bm_memblock_reserved_kern_size(m, BM_PHYS_ADDR_MAX, BM_NUMA_NO_NODE) >= 2 * SZ_4K);
	OK(m);
	tm_destroy(&t);
}

/* Before v6.16 (6.12): no flag, MAX_NUMNODES, so everything that touches merges. */
static void test_612_allocations_merge(void)
{
	struct test_machine t;
	struct bm_machine *m = era_machine(&t, false);
	phys_addr_t a;

	bm_memblock_add(m, SZ_1M, SZ_64M - SZ_1M);
	bm_memblock_reserve(m, SZ_64M - SZ_4K, SZ_4K);
	CHECK_EQ(RSV(m).regions[0].nid, BM_MAX_NUMNODES);
	a = bm_memblock_phys_alloc(m, SZ_4K, SZ_4K);
	CHECK_EQ(a, SZ_64M - 2 * SZ_4K);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).regions[0].base, a);
	CHECK_EQ(RSV(m).regions[0].size, 2 * SZ_4K);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(RSV(m).regions[0].nid, BM_MAX_NUMNODES);
	/* a node-bound allocation is not recorded on its node either */
	bm_memblock_set_node(m, SZ_1M, SZ_64M - SZ_1M, false, 1);
	a = bm_memblock_phys_alloc_try_nid(m, SZ_4K, SZ_4K, 1);
	CHECK_EQ(a, SZ_64M - 3 * SZ_4K);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).regions[0].size, 3 * SZ_4K);
	CHECK_EQ(RSV(m).regions[0].nid, BM_MAX_NUMNODES);
	/* memblock_reserve_kern did not exist: a plain reservation */
	bm_memblock_reserve_kern(m, SZ_64M - 4 * SZ_4K, SZ_4K);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).regions[0].size, 4 * SZ_4K);
	CHECK_EQ(bm_memblock_reserved_kern_size(m, BM_PHYS_ADDR_MAX, BM_NUMA_NO_NODE), 0);
	OK(m);
	tm_destroy(&t);
}

/* The doubled region array is memblock's own reservation too. */
static void double_reserved(bool rsrv_kern)
{
	struct test_machine t;
	struct bm_machine *m = era_machine(&t, rsrv_kern);
	phys_addr_t arr;
	unsigned long i;
	bool found = false;

	bm_memblock_add(m, SZ_1M, SZ_64M - SZ_1M);
	bm_memblock_allow_resize(m);
	/* 129 separate reservations, 8 KiB apart, low in memory */
	for (i = 0; i <= INIT_MEMBLOCK_REGIONS; i++)
		CHECK_EQ(bm_memblock_reserve(m, SZ_1M + i * 2 * SZ_4K, SZ_4K), 0);
	CHECK_EQ(RSV(m).max, 2 * INIT_MEMBLOCK_REGIONS);
	arr = m->memblock.reserved_array_phys;
	CHECK(arr != 0);
	for (i = 0; i < RSV(m).cnt; i++) {
		const struct memblock_region *r = &RSV(m).regions[i];

		if (r->base != arr)
			continue;
		found = true;
		CHECK_EQ(r->flags, rsrv_kern ? MEMBLOCK_RSRV_KERN : MEMBLOCK_NONE);
		CHECK_EQ(r->nid, rsrv_kern ? BM_NUMA_NO_NODE : BM_MAX_NUMNODES);
	}
	CHECK(found);
	OK(m);
	tm_destroy(&t);
}

static void test_double_array_tag(void)
{
	double_reserved(true);
	double_reserved(false);
}

/* --- phys == virt --------------------------------------------------------- */

static void *host_block(size_t size, int fill)
{
	void *p = aligned_alloc(SZ_1M, size);

	if (!p) {
		fprintf(stderr, "out of host memory\n");
		exit(2);
	}
	memset(p, fill, size);
	return p;
}

static void test_identity_alloc_free(void)
{
	struct test_machine t;
	struct bm_machine *m;
	uint8_t *block = host_block(SZ_16M, 0xa5);
	phys_addr_t base = (phys_addr_t)(uintptr_t)block;
	uint8_t *p;
	int verbose = getenv("BOOTMM_TEST_VERBOSE") != NULL;

	bm_host_init(&t.host, stderr, verbose ? BM_LOG_DEBUG : BM_LOG_WARN - 10);
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, base, SZ_16M), 0);
	m = &t.m;
	CHECK(m->phys_base == NULL);
	/* the host's addresses are the physical ones */
	CHECK(bm_phys_to_virt(m, base) == block);
	CHECK_EQ(bm_virt_to_phys(m, block + 123), base + 123);
	CHECK(bm_phys_to_virt(m, base + SZ_16M - 1) == block + SZ_16M - 1);
	CHECK(bm_phys_to_virt(m, base + SZ_16M) == NULL);
	CHECK(bm_phys_to_virt(m, base - 1) == NULL);

	bm_memblock_add(m, base, SZ_16M);
	p = bm_memblock_alloc(m, SZ_4K, SZ_4K);
	CHECK(p != NULL);
	CHECK(p >= block && p + SZ_4K <= block + SZ_16M);
	CHECK_EQ(bm_virt_to_phys(m, p), (phys_addr_t)(uintptr_t)p);
	/* zeroed in the host's own memory */
	CHECK_EQ(p[0], 0);
	CHECK_EQ(p[SZ_4K - 1], 0);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(RSV(m).regions[0].base, (phys_addr_t)(uintptr_t)p);
	/* raw allocations are left as they were */
	p = bm_memblock_alloc_raw(m, SZ_4K, SZ_4K);
	CHECK(p != NULL);
	CHECK_EQ(p[0], 0xa5);
	/* memblock_free() of a pointer is a free of its physical address */
	bm_memblock_free(m, p, SZ_4K);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	OK(m);
	bm_machine_destroy(m);
	/* destroy leaves the host's memory alone: still ours to use and free */
	CHECK_EQ(block[0], 0xa5);
	free(block);
	CHECK_EQ(t.host.phys_maps, 0);
}

static void test_identity_refusals(void)
{
	struct test_machine t;
	struct bm_machine *m;
	uint8_t *block = host_block(SZ_1M, 0);
	phys_addr_t base = (phys_addr_t)(uintptr_t)block;
	uint8_t outside;

	bm_host_init(&t.host, stderr, BM_LOG_WARN - 10);
	/* a window that wraps, or is empty, is refused */
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, 2, BM_PHYS_ADDR_MAX),
		 -BM_EINVAL);
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, base, 0), -BM_EINVAL);
	/* the whole address space is fine; address 0 is never a pointer */
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, 0, BM_PHYS_ADDR_MAX), 0);
	CHECK(bm_phys_to_virt(&t.m, 0) == NULL);
	CHECK(bm_phys_to_virt(&t.m, base) == block);
	bm_machine_destroy(&t.m);

	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, base, SZ_1M), 0);
	m = &t.m;
	bm_memblock_add(m, base, SZ_1M);
	bm_memblock_reserve(m, base, SZ_4K);
	/* a pointer outside the window: misuse, nothing freed */
	bm_memblock_free(m, &outside, 1);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 1);
	CHECK_EQ(RSV(m).cnt, 1);
	/* memory registered past the window cannot be handed out as pointers */
	bm_memblock_remove(m, base, SZ_1M);
	bm_memblock_add(m, base + SZ_1M, SZ_1M);
	CHECK(bm_memblock_alloc(m, SZ_4K, SZ_4K) == NULL);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	CHECK_EQ(RSV(m).cnt, 1);
	OK(m);
	bm_machine_destroy(m);
	free(block);
}

/* Doubling writes the new array into the host's memory, where it is found again. */
static void test_identity_double_array(void)
{
	struct test_machine t;
	struct bm_machine *m;
	uint8_t *block = host_block(SZ_16M, 0);
	phys_addr_t base = (phys_addr_t)(uintptr_t)block;
	unsigned long i;

	bm_host_init(&t.host, stderr, BM_LOG_WARN - 10);
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, NULL, base, SZ_16M), 0);
	m = &t.m;
	/* half the block as one region, then 128 separate pages in the rest */
	bm_memblock_add(m, base, SZ_16M / 2);
	bm_memblock_allow_resize(m);
	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_add_node(m, base + SZ_16M / 2 + i * 2 * SZ_4K, SZ_4K, 0,
				     MEMBLOCK_HOTPLUG);
	CHECK_EQ(MEM(m).max, 2 * INIT_MEMBLOCK_REGIONS);
	CHECK((uint8_t *)MEM(m).regions >= block &&
	      (uint8_t *)MEM(m).regions < block + SZ_16M);
	/* phys == virt: the array is at its address, the regions a window in it */
	CHECK_EQ(m->memblock.memory_array_phys, (phys_addr_t)(uintptr_t)m->memblock.memory_array);
	CHECK(MEM(m).regions >= m->memblock.memory_array &&
	      MEM(m).regions + MEM(m).cnt <= m->memblock.memory_array + MEM(m).max);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	OK(m);
	bm_machine_destroy(m);
	free(block);
}

int main(void)
{
	RUN(test_default_is_current);
	RUN(test_current_allocations_apart);
	RUN(test_612_allocations_merge);
	RUN(test_double_array_tag);
	RUN(test_identity_alloc_free);
	RUN(test_identity_refusals);
	RUN(test_identity_double_array);
	return CHECK_DONE();
}
