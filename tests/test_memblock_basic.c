// SPDX-License-Identifier: MIT
/*
 * memblock registration: add/remove/reserve/free, merging and splitting,
 * flags and nodes, trimming and memory limits, queries, array doubling,
 * discard, and the memblock=debug / debugfs output formats. Every step is
 * followed by bm_memblock_check().
 */
#include "check.h"
#include "harness.h"

#define SZ_4K	0x1000ULL
#define SZ_8K	0x2000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_16M	0x1000000ULL
#define SZ_64M	0x4000000ULL
#define SZ_1G	0x40000000ULL

#define MEM(m)	((m)->memblock.mb.memory)
#define RSV(m)	((m)->memblock.mb.reserved)
#define OK(m)	CHECK_EQ(bm_memblock_check(m), 0)
#define CHECK_RGN(r, b, s)							\
	do {									\
		CHECK_EQ((r).base, (b));					\
		CHECK_EQ((r).size, (s));					\
	} while (0)

/* memblock=debug lines, captured through the machine's log hook. */
static char lines[400][200];
static int nlines;

static void capture(struct bm_machine *m, int level, const char *line)
{
	(void)m;
	if (level == BM_LOG_DEBUG && nlines < (int)BM_ARRAY_SIZE(lines))
		snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static struct bm_machine *debug_machine(struct test_machine *t, phys_addr_t size)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.memblock_debug = true;
	m = tm_init(t, size, &cfg);
	m->log_hook = capture;
	nlines = 0;
	return m;
}

static void test_init_state(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	CHECK_EQ(MEM(m).cnt, 0);
	CHECK_EQ(RSV(m).cnt, 0);
	CHECK_EQ(MEM(m).max, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(RSV(m).max, INIT_MEMBLOCK_RESERVED_REGIONS);
	CHECK_STR(MEM(m).name, "memory");
	CHECK_STR(RSV(m).name, "reserved");
	CHECK_EQ(MEM(m).regions[0].nid, BM_MAX_NUMNODES);
	CHECK(!m->memblock.mb.bottom_up);
	CHECK_EQ(m->memblock.mb.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
	OK(m);
	tm_destroy(&t);
}

static void test_add_merge_rules(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	/* disjoint, then the gap between them: one region */
	CHECK_EQ(bm_memblock_add(m, SZ_1G, SZ_8K), 0);
	CHECK_EQ(bm_memblock_add(m, SZ_1G + 2 * SZ_8K, SZ_8K), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	CHECK_EQ(bm_memblock_add(m, SZ_1G + SZ_8K, SZ_8K), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	CHECK_RGN(MEM(m).regions[0], SZ_1G, 3 * SZ_8K);
	CHECK_EQ(MEM(m).regions[0].nid, BM_MAX_NUMNODES);
	/* overlapping at the bottom and the top, within, twice, zero */
	bm_memblock_add(m, SZ_1G - SZ_4K, SZ_8K);
	bm_memblock_add(m, SZ_1G + 2 * SZ_8K, SZ_1M);
	bm_memblock_add(m, SZ_1G + SZ_4K, SZ_4K);
	bm_memblock_add(m, SZ_1G + SZ_4K, SZ_4K);
	CHECK_EQ(bm_memblock_add(m, 5 * SZ_1G, 0), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	CHECK_RGN(MEM(m).regions[0], SZ_1G - SZ_4K, SZ_4K + 2 * SZ_8K + SZ_1M);
	CHECK_EQ(MEM(m).total_size, SZ_4K + 2 * SZ_8K + SZ_1M);
	tm_destroy(&t);

	/* touching but different node or flags: no merge */
	m = tm_init(&t, 0, NULL);
	bm_memblock_add_node(m, SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 2 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 3 * SZ_1M, SZ_1M, 1, MEMBLOCK_HOTPLUG);
	bm_memblock_add_node(m, 4 * SZ_1M, SZ_1M, 1, MEMBLOCK_HOTPLUG);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 3);
	CHECK_EQ(MEM(m).regions[1].nid, 1);
	CHECK_EQ(MEM(m).regions[2].flags, MEMBLOCK_HOTPLUG);
	CHECK_RGN(MEM(m).regions[2], 3 * SZ_1M, 2 * SZ_1M);
	tm_destroy(&t);

	/* only uncovered parts are inserted: the old region keeps its node */
	m = tm_init(&t, 0, NULL);
	bm_memblock_add_node(m, 2 * SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, SZ_1M, 3 * SZ_1M, 0, MEMBLOCK_NONE);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	CHECK_EQ(bm_memblock_add_node(m, 0, 6 * SZ_1M, 2, MEMBLOCK_NONE), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 3);
	CHECK_RGN(MEM(m).regions[0], 0, SZ_1M);
	CHECK_EQ(MEM(m).regions[0].nid, 2);
	CHECK_RGN(MEM(m).regions[1], SZ_1M, 3 * SZ_1M);
	CHECK_EQ(MEM(m).regions[1].nid, 0);
	CHECK_EQ(MEM(m).regions[2].nid, 2);
	/* the kernel WARNs when a lower part of another node is inserted */
	CHECK_EQ(tm_violations(m, BM_V_WARN), 1);
	CHECK_EQ(MEM(m).total_size, 6 * SZ_1M);
	tm_destroy(&t);
}

static void test_add_near_max(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add(m, BM_PHYS_ADDR_MAX - SZ_1M, SZ_2M);
	OK(m);
	CHECK_RGN(MEM(m).regions[0], BM_PHYS_ADDR_MAX - SZ_1M, SZ_1M);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	tm_destroy(&t);
}

static void test_reserve(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_reserve(m, 2 * SZ_1G, 128 * SZ_1M);
	OK(m);
	CHECK_RGN(RSV(m).regions[0], 2 * SZ_1G, 128 * SZ_1M);
	CHECK_EQ(RSV(m).regions[0].nid, BM_NUMA_NO_NODE);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_NONE);
	/* kernel reservations do not merge with plain ones */
	bm_memblock_reserve_kern(m, 2 * SZ_1G + 128 * SZ_1M, SZ_1M);
	OK(m);
	CHECK_EQ(RSV(m).cnt, 2);
	CHECK_EQ(RSV(m).regions[1].flags, MEMBLOCK_RSRV_KERN);
	/* a plain reserve over both only fills the gaps around them */
	bm_memblock_reserve(m, 2 * SZ_1G - SZ_1M, 130 * SZ_1M + SZ_1M);
	OK(m);
	CHECK_EQ(RSV(m).cnt, 3);
	CHECK_RGN(RSV(m).regions[0], 2 * SZ_1G - SZ_1M, 129 * SZ_1M);
	CHECK_RGN(RSV(m).regions[1], 2 * SZ_1G + 128 * SZ_1M, SZ_1M);
	CHECK_RGN(RSV(m).regions[2], 2 * SZ_1G + 129 * SZ_1M, SZ_1M);
	CHECK_EQ(RSV(m).total_size, 131 * SZ_1M);
	CHECK_EQ(bm_memblock_reserved_size(m), 131 * SZ_1M);
	tm_destroy(&t);
}

static void test_remove_and_free(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add_node(m, SZ_16M, SZ_16M, 3, MEMBLOCK_HOTPLUG);
	/* absent: nothing changes */
	CHECK_EQ(bm_memblock_remove(m, SZ_1G, SZ_1M), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	/* within: split, both halves keep nid and flags */
	CHECK_EQ(bm_memblock_remove(m, SZ_16M + SZ_4K, SZ_1M), 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	CHECK_RGN(MEM(m).regions[0], SZ_16M, SZ_4K);
	CHECK_RGN(MEM(m).regions[1], SZ_16M + SZ_4K + SZ_1M, SZ_16M - SZ_4K - SZ_1M);
	CHECK_EQ(MEM(m).regions[1].nid, 3);
	CHECK_EQ(MEM(m).regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(MEM(m).total_size, SZ_16M - SZ_1M);
	/* overlapping both ends */
	bm_memblock_remove(m, 0, SZ_16M + SZ_1M);
	bm_memblock_remove(m, 2 * SZ_16M - SZ_1M, SZ_1G);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	CHECK_RGN(MEM(m).regions[0], SZ_16M + SZ_4K + SZ_1M, SZ_16M - SZ_4K - 2 * SZ_1M);
	/* the last region: back to the empty marker */
	bm_memblock_remove(m, 0, SZ_1G);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 0);
	CHECK_EQ(MEM(m).total_size, 0);
	CHECK_EQ(MEM(m).regions[0].size, 0);
	CHECK_EQ(MEM(m).regions[0].nid, BM_MAX_NUMNODES);

	/* phys_free mirrors remove on memblock.reserved */
	bm_memblock_reserve(m, SZ_16M, SZ_16M);
	bm_memblock_reserve(m, 3 * SZ_16M, SZ_16M);
	CHECK_EQ(bm_memblock_phys_free(m, SZ_16M + SZ_1M, SZ_1M), 0);
	OK(m);
	CHECK_EQ(RSV(m).cnt, 3);
	CHECK_EQ(RSV(m).total_size, 2 * SZ_16M - SZ_1M);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	bm_memblock_phys_free(m, SZ_16M, SZ_1M);
	bm_memblock_phys_free(m, SZ_16M + 2 * SZ_1M, SZ_16M - 2 * SZ_1M);
	bm_memblock_phys_free(m, 3 * SZ_16M, SZ_16M);
	OK(m);
	CHECK_EQ(RSV(m).cnt, 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	tm_destroy(&t);
}

static void test_flags(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add(m, SZ_16M, SZ_16M);
	bm_memblock_mark_hotplug(m, SZ_16M + SZ_1M, SZ_1M);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 3);
	CHECK_EQ(MEM(m).regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_RGN(MEM(m).regions[1], SZ_16M + SZ_1M, SZ_1M);
	bm_memblock_clear_hotplug(m, 0, BM_PHYS_ADDR_MAX);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);

	bm_memblock_mark_nomap(m, SZ_16M, SZ_4K);
	OK(m);
	CHECK(!bm_memblock_is_map_memory(m, SZ_16M));
	CHECK(bm_memblock_is_memory(m, SZ_16M));
	CHECK(bm_memblock_is_map_memory(m, SZ_16M + SZ_4K));
	bm_memblock_clear_nomap(m, SZ_16M, SZ_4K);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);

	/* MIRROR needs kernelcore=mirror, as in the kernel */
	bm_memblock_mark_mirror(m, SZ_16M, SZ_1M);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 1);
	CHECK(!bm_memblock_has_mirror(m));
	m->memblock.mirrored_kernelcore = true;
	bm_memblock_mark_mirror(m, SZ_16M, SZ_1M);
	OK(m);
	CHECK(bm_memblock_has_mirror(m));
	CHECK_EQ(MEM(m).regions[0].flags, MEMBLOCK_MIRROR);
	CHECK_EQ(bm_memblock_choose_flags(m), MEMBLOCK_MIRROR);

	bm_memblock_mark_driver_managed(m, 2 * SZ_16M - SZ_1M, SZ_1M);
	bm_memblock_mark_kho_scratch(m, SZ_16M + SZ_2M, SZ_2M);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 5);
	CHECK_EQ(MEM(m).regions[2].flags, MEMBLOCK_KHO_SCRATCH);
	CHECK_EQ(MEM(m).regions[4].flags, MEMBLOCK_DRIVER_MANAGED);
	bm_memblock_clear_kho_scratch(m, 0, SZ_1G);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 3);

	/* flags on reserved; a range spanning a hole only touches regions */
	bm_memblock_reserve(m, SZ_16M, SZ_4K);
	bm_memblock_reserve(m, SZ_16M + SZ_8K, SZ_4K);
	bm_memblock_reserved_mark_noinit(m, SZ_16M, 3 * SZ_4K);
	OK(m);
	CHECK_EQ(RSV(m).cnt, 2);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_RSRV_NOINIT);
	CHECK_EQ(RSV(m).regions[1].flags, MEMBLOCK_RSRV_NOINIT);
	CHECK_EQ(RSV(m).total_size, SZ_8K);
	bm_memblock_setclr_flag(m, true, SZ_16M, SZ_4K, 0, MEMBLOCK_RSRV_NOINIT);
	OK(m);
	CHECK_EQ(RSV(m).regions[0].flags, MEMBLOCK_NONE);
	tm_destroy(&t);
}

static void test_set_node(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);
	unsigned long spfn = 0, epfn = 0;

	bm_memblock_add(m, 0, 4 * SZ_1G);
	CHECK_EQ(bm_memblock_search_pfn_nid(m, 5, &spfn, &epfn), BM_MAX_NUMNODES);
	bm_memblock_set_node(m, 0, SZ_2M * 1024, false, 0);
	bm_memblock_set_node(m, 2 * SZ_1G, 2 * SZ_1G, false, 1);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	CHECK_EQ(MEM(m).regions[0].nid, 0);
	CHECK_EQ(MEM(m).regions[1].nid, 1);
	CHECK_EQ(bm_memblock_search_pfn_nid(m, BM_PFN_DOWN(3 * SZ_1G), &spfn, &epfn), 1);
	CHECK_EQ(spfn, BM_PFN_DOWN(2 * SZ_1G));
	CHECK_EQ(epfn, BM_PFN_DOWN(4 * SZ_1G));
	/* a middle piece to another node splits, setting it back merges */
	bm_memblock_set_node(m, SZ_1G, SZ_16M, false, 2);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 4);
	bm_memblock_set_node(m, SZ_1G, SZ_16M, false, 0);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	/* reserved regions get nodes too (memmap_init_reserved_pages) */
	bm_memblock_reserve(m, SZ_1G, SZ_1M);
	bm_memblock_set_node(m, 0, 2 * SZ_1G, true, 0);
	OK(m);
	CHECK_EQ(RSV(m).regions[0].nid, 0);
	CHECK_EQ(bm_memblock_search_pfn_nid(m, BM_PFN_DOWN(5 * SZ_1G), &spfn, &epfn),
		 BM_NUMA_NO_NODE);
	tm_destroy(&t);
}

static void test_trim_like_bios_log(void)
{
	struct test_machine t;
	struct bm_machine *m = debug_machine(&t, 0);
	static const char *const want[] = {
		"MEMBLOCK configuration:",
		" memory size = 0x000000003ff7dc00 reserved size = 0x000000000297e000",
		" memory.cnt  = 0x2",
		" memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0",
		" memory[0x1]\t[0x0000000000100000-0x000000003ffdefff], 0x000000003fedf000 bytes flags: 0x0",
		" reserved.cnt  = 0x4",
		" reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0",
		" reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0",
		" reserved[0x2]\t[0x0000000026c00000-0x0000000029410fff], 0x0000000002811000 bytes flags: 0x0",
		" reserved[0x3]\t[0x000000003fed4000-0x000000003ffcffff], 0x00000000000fc000 bytes flags: 0x0",
	};
	int i, first;

	/* bios-1G-trace.log: e820__memblock_setup, trim to pages, dump */
	bm_memblock_reserve(m, 0, 0x10000);
	bm_memblock_reserve(m, 0x9f000, 0x61000);
	bm_memblock_reserve(m, 0x26c00000, 0x2811000);
	bm_memblock_reserve(m, 0x3fed4000, 0xfc000);
	m->caller = "e820__memblock_setup+0x65/0x7d";
	nlines = 0;
	bm_memblock_add(m, 0x1000, 0x9fc00 - 0x1000);
	bm_memblock_add(m, 0x100000, 0x3ffdf000 - 0x100000);
	CHECK_STR(lines[0], "memblock_add: [0x0000000000001000-0x000000000009fbff] "
		  "e820__memblock_setup+0x65/0x7d");
	CHECK_STR(lines[1], "memblock_add: [0x0000000000100000-0x000000003ffdefff] "
		  "e820__memblock_setup+0x65/0x7d");
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
	OK(m);
	/* the kernel keeps the trimmed 0xc00 bytes in total_size */
	CHECK_EQ(bm_memblock_phys_mem_size(m), 0x3ff7dc00);
	CHECK_EQ(m->memblock.memory_size_stale, 0xc00);
	first = nlines;
	bm_memblock_dump_all(m);
	CHECK_EQ(nlines - first, (int)BM_ARRAY_SIZE(want));
	for (i = 0; i < (int)BM_ARRAY_SIZE(want) && first + i < nlines; i++)
		CHECK_STR(lines[first + i], want[i]);
	/* a region too small for the alignment goes, with its bytes */
	bm_memblock_add(m, 0x50000000, 0x800);
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	CHECK_EQ(bm_memblock_phys_mem_size(m), 0x3ff7dc00);
	/* emptying memory and adding again resets the kernel's stale count */
	bm_memblock_remove(m, 0, BM_PHYS_ADDR_MAX);
	CHECK_EQ(tm_violations(m, BM_V_WARN), 1);
	bm_memblock_add(m, SZ_1M, SZ_1M);
	OK(m);
	CHECK_EQ(bm_memblock_phys_mem_size(m), SZ_1M);
	tm_destroy(&t);
}

static void test_limits(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add(m, SZ_1M, SZ_16M);
	bm_memblock_add(m, SZ_64M, SZ_64M);
	bm_memblock_reserve(m, SZ_64M + SZ_16M, SZ_1M);
	bm_memblock_reserve(m, SZ_64M + 32 * SZ_1M, SZ_1M);
	bm_memblock_enforce_memory_limit(m, 0);
	bm_memblock_enforce_memory_limit(m, SZ_1G);
	OK(m);
	CHECK_EQ(bm_memblock_phys_mem_size(m), SZ_16M + SZ_64M);
	/* 16M in the first region, 24M more in the second */
	bm_memblock_enforce_memory_limit(m, SZ_16M + 24 * SZ_1M);
	OK(m);
	CHECK_EQ(bm_memblock_end_of_DRAM(m), SZ_64M + 24 * SZ_1M);
	CHECK_EQ(bm_memblock_phys_mem_size(m), SZ_16M + 24 * SZ_1M);
	CHECK_EQ(RSV(m).cnt, 1);
	tm_destroy(&t);

	/* cap_memory_range keeps NOMAP memory outside the range */
	m = tm_init(&t, 0, NULL);
	bm_memblock_cap_memory_range(m, 0, SZ_1M);
	CHECK_EQ(MEM(m).cnt, 0);
	bm_memblock_add(m, SZ_1M, SZ_16M);
	bm_memblock_add(m, SZ_64M, SZ_64M);
	bm_memblock_mark_nomap(m, SZ_64M, SZ_1M);
	bm_memblock_reserve(m, SZ_1M, SZ_1M);
	bm_memblock_reserve(m, 4 * SZ_1M, SZ_1M);
	bm_memblock_cap_memory_range(m, 3 * SZ_1M, SZ_4K * 256 * 4);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 2);
	CHECK_RGN(MEM(m).regions[0], 3 * SZ_1M, 4 * SZ_1M);
	CHECK_RGN(MEM(m).regions[1], SZ_64M, SZ_1M);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_RGN(RSV(m).regions[0], 4 * SZ_1M, SZ_1M);
	tm_destroy(&t);

	m = tm_init(&t, 0, NULL);
	bm_memblock_add(m, SZ_1M, SZ_16M);
	bm_memblock_add(m, SZ_64M, SZ_64M);
	bm_memblock_mark_nomap(m, 2 * SZ_64M - SZ_1M, SZ_1M);
	bm_memblock_mem_limit_remove_map(m, SZ_16M + SZ_1M);
	OK(m);
	CHECK_EQ(MEM(m).cnt, 3);
	CHECK_RGN(MEM(m).regions[1], SZ_64M, SZ_1M);
	CHECK_RGN(MEM(m).regions[2], 2 * SZ_64M - SZ_1M, SZ_1M);
	tm_destroy(&t);
}

static void test_queries(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	CHECK_EQ(bm_memblock_start_of_DRAM(m), 0);
	bm_memblock_add(m, SZ_1M, SZ_16M);
	bm_memblock_add(m, SZ_64M, SZ_64M);
	bm_memblock_reserve(m, SZ_2M, SZ_1M);
	bm_memblock_reserve_kern(m, SZ_64M, SZ_2M);
	bm_memblock_reserve_kern(m, SZ_64M + SZ_16M, SZ_2M);
	OK(m);
	CHECK_EQ(bm_memblock_start_of_DRAM(m), SZ_1M);
	CHECK_EQ(bm_memblock_end_of_DRAM(m), 2 * SZ_64M);
	CHECK(bm_memblock_is_memory(m, SZ_1M));
	CHECK(!bm_memblock_is_memory(m, SZ_1M + SZ_16M));
	CHECK(bm_memblock_is_region_memory(m, SZ_1M, SZ_16M));
	CHECK(!bm_memblock_is_region_memory(m, SZ_1M, SZ_16M + 1));
	CHECK(!bm_memblock_is_region_memory(m, 0, SZ_4K));
	CHECK(bm_memblock_is_reserved(m, SZ_2M));
	CHECK(!bm_memblock_is_reserved(m, 3 * SZ_1M));
	CHECK(bm_memblock_is_region_reserved(m, SZ_1M, SZ_1M + 1));
	CHECK(!bm_memblock_is_region_reserved(m, SZ_1M, SZ_1M));
	CHECK(bm_memblock_overlaps_region(&MEM(m), 0, BM_PHYS_ADDR_MAX));
	CHECK(!bm_memblock_overlaps_region(&MEM(m), SZ_1G, SZ_1G));
	CHECK(bm_memblock_addrs_overlap(0, 2, 1, 1));
	CHECK(!bm_memblock_addrs_overlap(0, 1, 1, 1));
	CHECK_EQ(bm_memblock_reserved_kern_size(m, BM_PHYS_ADDR_MAX, BM_NUMA_NO_NODE), 2 * SZ_2M);
	CHECK_EQ(bm_memblock_reserved_kern_size(m, SZ_64M + SZ_1M, BM_NUMA_NO_NODE), SZ_1M);
	CHECK_EQ(bm_memblock_reserved_kern_size(m, BM_PHYS_ADDR_MAX, 0), 0);
	CHECK_EQ(bm_memblock_estimated_nr_free_pages(m),
		 BM_PFN_DOWN(SZ_16M + SZ_64M - SZ_1M - 2 * SZ_2M));
	tm_destroy(&t);
}

/* Regions of @size every 2 * @size from @base: none of them merge. */
static void add_disjoint(struct bm_machine *m, bool reserve, phys_addr_t base,
			 phys_addr_t size, int n)
{
	for (int i = 0; i < n; i++) {
		phys_addr_t b = base + (phys_addr_t)i * 2 * size;

		CHECK_EQ(reserve ? bm_memblock_reserve(m, b, size) : bm_memblock_add(m, b, size), 0);
		OK(m);
	}
}

/*
 * A doubled array is where memblock recorded it, and the type's cnt regions
 * are a window inside its max entries (core/memblock_array.c).
 */
static bool window_in_array(struct bm_machine *m, const struct memblock_type *type,
			    const struct memblock_region *array, phys_addr_t phys)
{
	return array == bm_phys_to_virt(m, phys) && type->regions >= array &&
	       type->regions + type->cnt <= array + type->max;
}

static bool range_reserved_kern(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	for (unsigned long i = 0; i < RSV(m).cnt; i++) {
		struct memblock_region *r = &RSV(m).regions[i];

		if (r->base <= base && base + size <= r->base + r->size)
			return r->flags == MEMBLOCK_RSRV_KERN;
	}
	return false;
}

static void test_double_arrays(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M, NULL);
	phys_addr_t first;

	bm_memblock_add(m, SZ_1M, SZ_1M);
	bm_memblock_allow_resize(m);
	add_disjoint(m, false, SZ_16M, SZ_4K, 127);
	CHECK_EQ(MEM(m).cnt, 128);
	CHECK(MEM(m).regions == m->memblock.memory_init);
	/* the 129th region doubles; 256 * 24 bytes need two pages, top-down
	 * in the only free range that can hold them */
	add_disjoint(m, false, SZ_16M + 127 * SZ_8K, SZ_4K, 1);
	CHECK_EQ(MEM(m).cnt, 129);
	CHECK_EQ(MEM(m).max, 256);
	first = m->memblock.memory_array_phys;
	CHECK_EQ(first, 2 * SZ_1M - SZ_8K);
	CHECK(window_in_array(m, &MEM(m), m->memblock.memory_array, first));
	CHECK(range_reserved_kern(m, first, SZ_8K));
	CHECK_EQ(MEM(m).regions[0].base, SZ_1M);
	CHECK_EQ(MEM(m).regions[128].base, SZ_16M + 127 * SZ_8K);
	/* again: the 8K array is freed once the 12K one is reserved */
	add_disjoint(m, false, SZ_16M + 128 * SZ_8K, SZ_4K, 128);
	CHECK_EQ(MEM(m).max, 512);
	CHECK_EQ(m->memblock.memory_array_phys, first - 3 * SZ_4K);
	CHECK_EQ(RSV(m).cnt, 1);
	CHECK_RGN(RSV(m).regions[0], first - 3 * SZ_4K, 3 * SZ_4K);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);

	/* reserved doubles from itself and reserves its own new array */
	add_disjoint(m, true, 2 * SZ_16M, SZ_4K, 128);
	CHECK_EQ(RSV(m).max, 256);
	CHECK(range_reserved_kern(m, m->memblock.reserved_array_phys, SZ_8K));
	CHECK(window_in_array(m, &RSV(m), m->memblock.reserved_array,
			      m->memblock.reserved_array_phys));
	OK(m);

	/* memblock_discard hands both arrays over, leaving memblock alone */
	bm_memblock_discard(m);
	CHECK(m->memblock.discarded);
	CHECK_EQ(m->memblock.nr_discard_free, 2);
	CHECK_EQ(m->memblock.discard_free[0].base, m->memblock.reserved_array_phys);
	CHECK_EQ(m->memblock.discard_free[0].size, SZ_8K);
	CHECK_EQ(m->memblock.discard_free[1].base, m->memblock.memory_array_phys);
	CHECK_EQ(m->memblock.discard_free[1].size, 3 * SZ_4K);
	OK(m);
	tm_destroy(&t);

	/* with ARCH_KEEP_MEMBLOCK nothing is handed over */
	m = tm_init(&t, SZ_64M, NULL);
	m->memblock.keep = true;
	bm_memblock_add(m, SZ_1M, SZ_1M);
	bm_memblock_allow_resize(m);
	add_disjoint(m, false, SZ_16M, SZ_4K, 128);
	bm_memblock_discard(m);
	CHECK_EQ(m->memblock.nr_discard_free, 0);
	tm_destroy(&t);
}

/*
 * The region arrays as windows (core/memblock_array.c): a static array's
 * regions never move from its first entry; a doubled array's do, so that
 * registrations and frees at either end move nothing, while every index
 * reads what the kernel's array would hold. bm_memblock_check() refuses a
 * window outside its array.
 */
static void test_array_windows(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M, NULL);
	const phys_addr_t top = 2 * SZ_16M;
	struct memblock_region *saved;
	unsigned long first;
	int i;

	bm_memblock_add(m, SZ_1M, SZ_1M);
	bm_memblock_allow_resize(m);
	/* descending: every registration at index 0 of the static array */
	for (i = 1; i <= 100; i++) {
		CHECK_EQ(bm_memblock_reserve(m, top - (phys_addr_t)i * SZ_8K, SZ_4K), 0);
		CHECK(RSV(m).regions == m->memblock.reserved_init);
		CHECK_EQ(RSV(m).regions[0].base, top - (phys_addr_t)i * SZ_8K);
	}
	OK(m);
	/* on to 700 regions: the array doubles twice (128, 256, 512, 1024) */
	for (; i <= 700; i++)
		CHECK_EQ(bm_memblock_reserve(m, top - (phys_addr_t)i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(RSV(m).max, 1024);
	CHECK(window_in_array(m, &RSV(m), m->memblock.reserved_array,
			      m->memblock.reserved_array_phys));
	/* the window grew downwards: it no longer starts the array */
	CHECK(RSV(m).regions > m->memblock.reserved_array);
	OK(m);
	/* index 0 is the array's own reservation (below 2M), then the pattern */
	first = 1;
	CHECK_EQ(RSV(m).cnt, 701);
	CHECK_EQ(RSV(m).regions[0].base, m->memblock.reserved_array_phys);
	for (i = 0; i < 700; i++)
		CHECK_RGN(RSV(m).regions[first + (unsigned long)i], top - 700 * SZ_8K +
			  (phys_addr_t)i * SZ_8K, SZ_4K);
	/* frees in ascending order: removals just above index 0 */
	for (i = 0; i < 350; i++)
		CHECK_EQ(bm_memblock_phys_free(m, top - 700 * SZ_8K + (phys_addr_t)i * SZ_8K,
					       SZ_4K), 0);
	CHECK_EQ(RSV(m).cnt, 351);
	CHECK_RGN(RSV(m).regions[1], top - 350 * SZ_8K, SZ_4K);
	OK(m);
	/* random inserts in the gaps, then an ascending build past the end */
	for (i = 348; i >= 0; i -= 7)
		CHECK_EQ(bm_memblock_reserve(m, top - 350 * SZ_8K + (phys_addr_t)i * SZ_8K + SZ_4K,
					     SZ_4K), 0);
	/* each filled gap merged its two neighbours into one region */
	CHECK_EQ(RSV(m).cnt, 351 - 50);
	for (i = 0; i < 400; i++)
		CHECK_EQ(bm_memblock_reserve(m, top + (phys_addr_t)i * SZ_8K, SZ_4K), 0);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 0);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);

	/* a window outside its array is an invariant failure */
	saved = RSV(m).regions;
	RSV(m).regions = m->memblock.reserved_array + RSV(m).max - RSV(m).cnt + 1;
	CHECK(bm_memblock_check(m) > 0);
	RSV(m).regions = saved;
	/* so is a static array's regions anywhere but at its start */
	saved = MEM(m).regions;
	MEM(m).regions = m->memblock.memory_init + 1;
	CHECK(bm_memblock_check(m) > 0);
	MEM(m).regions = saved;
	OK(m);
	tm_destroy(&t);
}

static void test_trace_lines(void)
{
	struct test_machine t;
	struct bm_machine *m = debug_machine(&t, 0);

	m->caller = "efi_reserve_boot_services+0x7d/0xcf";
	bm_memblock_reserve(m, 0x87000, 0x1000);
	m->caller = "numa_init";
	bm_memblock_add_node(m, 0x100000000ULL, 0x80000000ULL, 1, MEMBLOCK_HOTPLUG);
	bm_memblock_remove(m, 0x100000000ULL, 0x1000);
	m->caller = "init_mem_mapping+0x22e/0x30e";
	bm_memblock_reserve(m, 0x3fc00000, 0x200000);
	bm_memblock_phys_free(m, 0x3fc00000, 0x200000);
	OK(m);
	CHECK_EQ(nlines, 5);
	CHECK_STR(lines[0], "memblock_reserve: [0x0000000000087000-0x0000000000087fff] "
		  "efi_reserve_boot_services+0x7d/0xcf");
	CHECK_STR(lines[1], "memblock_add_node: [0x0000000100000000-0x000000017fffffff] "
		  "nid=1 flags=1 numa_init");
	CHECK_STR(lines[2], "memblock_remove: [0x0000000100000000-0x0000000100000fff] numa_init");
	CHECK_STR(lines[4], "memblock_phys_free: [0x000000003fc00000-0x000000003fdfffff] "
		  "init_mem_mapping+0x22e/0x30e");
	/* without memblock=debug nothing is printed */
	m->cfg.memblock_debug = false;
	bm_memblock_add(m, 0, SZ_1M);
	bm_memblock_dump_all(m);
	CHECK_EQ(nlines, 5);
	tm_destroy(&t);
}

struct strbuf {
	struct bm_sink sink;
	char buf[2048];
	size_t len;
};

static void sb_write(struct bm_sink *s, const char *buf, size_t len)
{
	struct strbuf *sb = (struct strbuf *)s;

	if (sb->len + len < sizeof(sb->buf)) {
		memcpy(sb->buf + sb->len, buf, len);
		sb->len += len;
		sb->buf[sb->len] = '\0';
	}
}

static void test_debugfs_and_dump(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);
	struct strbuf sb = { { sb_write, NULL }, "", 0 };

	bm_memblock_add_node(m, 0x1000, 0x9f000, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 0x100000, 0x1000000, 1, MEMBLOCK_NONE);
	bm_memblock_mark_nomap(m, 0x200000, 0x1000);
	bm_memblock_reserve(m, 0, 0x10000);
	bm_memblock_reserve_nid(m, 0x10000, 0x1000, 0,
				MEMBLOCK_RSRV_KERN | MEMBLOCK_RSRV_NOINIT);
	bm_memblock_reserve_nid(m, 0x20000, 0x1000, 0, MEMBLOCK_BM_RELEASE);
	OK(m);
	bm_memblock_debugfs_dump(m, &MEM(m), &sb.sink);
	CHECK_STR(sb.buf,
		  "   0: 0x0000000000001000..0x000000000009ffff    0 NONE\n"
		  "   1: 0x0000000000100000..0x00000000001fffff    1 NONE\n"
		  "   2: 0x0000000000200000..0x0000000000200fff    1 NOMAP\n"
		  "   3: 0x0000000000201000..0x00000000010fffff    1 NONE\n");
	sb.len = 0;
	sb.buf[0] = '\0';
	bm_memblock_debugfs_dump(m, &RSV(m), &sb.sink);
	CHECK_STR(sb.buf,
		  "   0: 0x0000000000000000..0x000000000000ffff    x NONE\n"
		  "   1: 0x0000000000010000..0x0000000000010fff    0 RSV_NIT\n"
		  "   2: 0x0000000000020000..0x0000000000020fff    0 UNKNOWN\n");
	sb.len = 0;
	sb.buf[0] = '\0';
	bm_memblock_dump(m, &sb.sink);
	CHECK(strstr(sb.buf, " memory[0x2]\t[0x0000000000200000-0x0000000000200fff], "
		     "0x0000000000001000 bytes on node 1 flags: 0x4\n") != NULL);
	CHECK(strstr(sb.buf, " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], "
		     "0x0000000000010000 bytes flags: 0x0\n") != NULL);
	CHECK(strstr(sb.buf, " reserved.cnt  = 0x3\n") != NULL);
	tm_destroy(&t);
}

static void test_knobs(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_set_bottom_up(m, true);
	CHECK(bm_memblock_bottom_up(m));
	bm_memblock_set_bottom_up(m, false);
	CHECK(!bm_memblock_bottom_up(m));
	bm_memblock_set_current_limit(m, SZ_1G);
	CHECK_EQ(bm_memblock_get_current_limit(m), SZ_1G);
	CHECK(!m->memblock.can_resize);
	bm_memblock_allow_resize(m);
	CHECK(m->memblock.can_resize);
	CHECK_EQ(bm_memblock_choose_flags(m), MEMBLOCK_NONE);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_init_state);
	RUN(test_add_merge_rules);
	RUN(test_add_near_max);
	RUN(test_reserve);
	RUN(test_remove_and_free);
	RUN(test_flags);
	RUN(test_set_node);
	RUN(test_trim_like_bios_log);
	RUN(test_limits);
	RUN(test_queries);
	RUN(test_double_arrays);
	RUN(test_array_windows);
	RUN(test_trace_lines);
	RUN(test_debugfs_and_dump);
	RUN(test_knobs);
	return CHECK_DONE();
}
