// SPDX-License-Identifier: MIT
/*
 * include/linux/memblock.h on a kernel-style host: one whose include path
 * has the kernel's <linux/mm.h>, <linux/cache.h>, <linux/sizes.h> and
 * <linux/numa.h> (here the stand-ins in tests/kernel-host/, which CMake
 * puts on this test's include path and builds with -Werror, so a
 * redefinition would fail the build). The host's constants must be the
 * ones in force, in either include order, and the kernel-named API must
 * work on a phys == virt machine, as tools/testing/memblock uses it.
 */
#include <linux/mm.h>		/* before: its pageblock_order macro is in force */
#include <linux/memblock.h>
#include <linux/sizes.h>	/* after: already included, no second definition */

#include "check.h"
#include "harness.h"

static void test_host_constants(void)
{
	CHECK_EQ(SMP_CACHE_BYTES, 32);
#ifdef TEST_HOST_SIZES
	CHECK_EQ(SZ_4K, 0x1000);
#else
	CHECK(!"the host's <linux/sizes.h> was not used");
#endif
	CHECK_EQ(MAX_NUMNODES, 16);
	/* the host's numa_valid_node(), on its 16 nodes, not bootmm's 64 */
	CHECK(numa_valid_node(15));
	CHECK(!numa_valid_node(16));
	CHECK(!numa_valid_node(NUMA_NO_NODE));
	/* the host's macro survives the header (bootmm's field is shielded) */
	CHECK_EQ(pageblock_order, 10);
	CHECK_EQ(PFN_DOWN(SZ_1M), 256);
}

static void test_kernel_names_simulated(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M + SZ_1M, NULL);

	bm_set_current_machine(m);
	memblock_add(SZ_1M, SZ_64M);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SMP_CACHE_BYTES), SZ_64M + SZ_1M - SZ_4K);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_EQ(memblock.reserved.regions[0].flags, MEMBLOCK_RSRV_KERN);
	bm_set_current_machine(NULL);
	tm_destroy(&t);
}

/* The suite's way, in the 6.12 era: malloc "physical memory" (aligned here,
 * so the figures are fixed), register its address, free by casting a
 * physical address to a pointer. */
static void test_kernel_names_identity(void)
{
	struct test_machine t;
	struct bm_config cfg;
	char *block = aligned_alloc(SZ_1M, SZ_16M);
	phys_addr_t base = (phys_addr_t)(uintptr_t)block;
	void *p;

	CHECK(block != NULL);
	bm_config_default(&cfg);
	cfg.memblock_alloc_rsrv_kern = false;
	bm_host_init(&t.host, stderr, BM_LOG_WARN - 10);
	CHECK_EQ(bm_machine_init_identity(&t.m, &t.host.prim, &cfg, 0, BM_PHYS_ADDR_MAX), 0);
	bm_set_current_machine(&t.m);
	memblock_add(base, SZ_16M);
	memblock_reserve(base + SZ_16M - SZ_4K, SZ_4K);
	p = memblock_alloc(SZ_4K, SMP_CACHE_BYTES);
	CHECK(p == block + SZ_16M - 2 * SZ_4K);
	/* 6.12: the allocation merged with the reservation it touches */
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_EQ(memblock.reserved.regions[0].size, 2 * SZ_4K);
	memblock_free((void *)(uintptr_t)(base + SZ_16M - SZ_4K), SZ_4K);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_EQ(memblock.reserved.regions[0].base, (phys_addr_t)(uintptr_t)p);
	memblock_free(p, SZ_4K);
	CHECK_EQ(memblock.reserved.cnt, 0);
	CHECK_EQ(tm_violations(&t.m, BM_V_MISUSE), 0);
	bm_set_current_machine(NULL);
	bm_machine_destroy(&t.m);
	free(block);
}

int main(void)
{
	RUN(test_host_constants);
	RUN(test_kernel_names_simulated);
	RUN(test_kernel_names_identity);
	return CHECK_DONE();
}
