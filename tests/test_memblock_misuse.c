// SPDX-License-Identifier: MIT
/*
 * memblock misuse: every way to hold the API wrong is recorded as a
 * violation of the right kind, with the kernel's resulting state (or none,
 * where the kernel would panic), and never crashes. Also: the checker
 * catches each kind of corrupted state.
 */
#include "check.h"
#include "harness.h"

#define SZ_1K	0x400ULL
#define SZ_4K	0x1000ULL
#define SZ_8K	0x2000ULL
#define SZ_1M	0x100000ULL
#define SZ_16M	0x1000000ULL
#define SZ_64M	0x4000000ULL

#define MEM(m)	((m)->memblock.mb.memory)
#define RSV(m)	((m)->memblock.mb.reserved)
#define OK(m)	CHECK_EQ(bm_memblock_check(m), 0)

static const struct bm_violation *last(struct bm_machine *m)
{
	return m->record->nr_recorded ? &m->record->violations[m->record->nr_recorded - 1] : NULL;
}

static bool last_is(struct bm_machine *m, enum bm_violation_kind kind, const char *text)
{
	const struct bm_violation *v = last(m);

	return v && v->kind == kind && strstr(v->detail, text);
}

/* Some violation of kind INVARIANT recorded from index @from on names @text. */
static bool recorded_since(struct bm_machine *m, unsigned long from, const char *text)
{
	for (unsigned long i = from; i < m->record->nr_recorded; i++)
		if (m->record->violations[i].kind == BM_V_INVARIANT && strstr(m->record->violations[i].detail, text))
			return true;
	return false;
}

static void test_free_unreserved(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add(m, SZ_1M, SZ_16M);
	m->caller = "efi_free_boot_services";
	CHECK_EQ(bm_memblock_phys_free(m, SZ_1M, SZ_4K), 0);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 1);
	CHECK(last_is(m, BM_V_MISUSE, "free [0x100000-0x100fff]: 0x0 of 0x1000 bytes reserved"));
	CHECK_STR(last(m)->cause, "efi_free_boot_services");
	CHECK_EQ(last(m)->pfn_start, BM_PFN_DOWN(SZ_1M));
	CHECK_EQ(last(m)->pfn_end, BM_PFN_DOWN(SZ_1M) + 1);
	CHECK_EQ(RSV(m).cnt, 0);

	/* partly reserved: the kernel still drops the reserved part */
	bm_memblock_reserve(m, SZ_1M, SZ_4K);
	CHECK_EQ(bm_memblock_phys_free(m, SZ_1M - SZ_4K, 3 * SZ_4K), 0);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	CHECK(last_is(m, BM_V_MISUSE, "0x1000 of 0x3000 bytes reserved"));
	CHECK_EQ(RSV(m).cnt, 0);

	/* exactly reserved, or a zero size: fine */
	bm_memblock_reserve(m, SZ_1M, SZ_8K);
	bm_memblock_phys_free(m, SZ_1M, SZ_8K);
	bm_memblock_phys_free(m, SZ_16M, 0);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	CHECK_EQ(m->memblock.misuse, 2);

	/* a pointer that is not in simulated RAM */
	bm_memblock_free(m, &t, 16);
	CHECK(last_is(m, BM_V_MISUSE, "not in the machine's physical memory"));
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 3);
	tm_destroy(&t);
}

static void test_wrapping_ranges(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);
	phys_addr_t top = BM_PHYS_ADDR_MAX - SZ_1M;

	/* reserve: capped as in the kernel, and reported */
	CHECK_EQ(bm_memblock_reserve(m, top, SZ_16M), 0);
	OK(m);
	CHECK_EQ(RSV(m).regions[0].size, SZ_1M);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 1);
	CHECK(last_is(m, BM_V_MISUSE, "wraps past the top"));
	/* free: same */
	CHECK_EQ(bm_memblock_phys_free(m, top + SZ_4K, BM_PHYS_ADDR_MAX), 0);
	OK(m);
	CHECK_EQ(RSV(m).regions[0].size, SZ_4K);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	/* memory ranges are capped silently, as the kernel's own tests expect */
	bm_memblock_add(m, top, SZ_16M);
	bm_memblock_remove(m, top + SZ_8K, SZ_16M);
	bm_memblock_mark_hotplug(m, top, BM_PHYS_ADDR_MAX);
	OK(m);
	CHECK_EQ(MEM(m).regions[0].size, SZ_8K);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 2);
	CHECK(bm_memblock_is_region_memory(m, top, BM_PHYS_ADDR_MAX) == false);
	CHECK(bm_memblock_is_region_reserved(m, top, BM_PHYS_ADDR_MAX));
	tm_destroy(&t);
}

struct snapshot {
	struct memblock_region mem[INIT_MEMBLOCK_REGIONS], rsv[INIT_MEMBLOCK_REGIONS];
	struct memblock_type tmem, trsv;
};

static void snap(struct bm_machine *m, struct snapshot *s)
{
	memcpy(s->mem, MEM(m).regions, sizeof(s->mem));
	memcpy(s->rsv, RSV(m).regions, sizeof(s->rsv));
	s->tmem = MEM(m);
	s->trsv = RSV(m);
}

static bool same(struct bm_machine *m, const struct snapshot *s)
{
	return !memcmp(s->mem, MEM(m).regions, sizeof(s->mem)) &&
	       !memcmp(s->rsv, RSV(m).regions, sizeof(s->rsv)) &&
	       !memcmp(&s->tmem, &MEM(m), sizeof(s->tmem)) &&
	       !memcmp(&s->trsv, &RSV(m), sizeof(s->trsv));
}

static void test_resize_before_allowed(void)
{
	static struct snapshot s;
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M, NULL);
	int i;

	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_add(m, SZ_1M + (phys_addr_t)i * SZ_8K, SZ_4K);
	OK(m);
	CHECK_EQ(MEM(m).cnt, INIT_MEMBLOCK_REGIONS);
	snap(m, &s);
	/* the kernel panics: bootmm refuses with no state change */
	CHECK_EQ(bm_memblock_add(m, SZ_16M, SZ_4K), -BM_ENOMEM);
	CHECK(same(m, &s));
	CHECK(last_is(m, BM_V_MISUSE, "cannot resize memory array"));
	/* splitting needs room for two more regions: same refusal */
	CHECK_EQ(bm_memblock_remove(m, SZ_1M + SZ_1K * 1, SZ_1K), -BM_ENOMEM);
	CHECK_EQ(bm_memblock_mark_hotplug(m, SZ_1M, SZ_4K), -BM_ENOMEM);
	CHECK_EQ(bm_memblock_set_node(m, SZ_1M, SZ_4K, false, 0), -BM_ENOMEM);
	CHECK(same(m, &s));
	/* covering what is already there needs no room */
	CHECK_EQ(bm_memblock_add(m, SZ_1M, SZ_4K), 0);
	CHECK(same(m, &s));
	OK(m);

	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_reserve(m, SZ_1M + (phys_addr_t)i * SZ_8K, SZ_4K);
	snap(m, &s);
	CHECK_EQ(bm_memblock_reserve(m, SZ_1M + SZ_4K, SZ_1K), -BM_ENOMEM);
	CHECK(last_is(m, BM_V_MISUSE, "cannot resize reserved array"));
	tm_destroy(&t);

	/* an allocation finds space but cannot reserve it: NULL, no change */
	m = tm_init(&t, SZ_64M, NULL);
	bm_memblock_add(m, SZ_1M, SZ_16M);
	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_reserve(m, SZ_1M + (phys_addr_t)i * SZ_8K, SZ_4K);
	snap(m, &s);
	CHECK(bm_memblock_alloc(m, SZ_4K, SZ_4K) == NULL);
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), 0);
	CHECK(same(m, &s));
	CHECK(last_is(m, BM_V_MISUSE, "cannot resize reserved array"));
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	OK(m);
	tm_destroy(&t);
}

static void test_bad_arguments(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_16M, NULL);
	phys_addr_t s = 0, e = 0;
	uint64_t idx = 0;
	struct bm_sink sink = { NULL, NULL };

	/* end_of_DRAM of nothing: the kernel reads regions[-1] */
	CHECK_EQ(bm_memblock_end_of_DRAM(m), 0);
	CHECK(last_is(m, BM_V_MISUSE, "no memory registered"));

	bm_memblock_add(m, SZ_1M, SZ_16M - SZ_1M);
	/* align 0: the kernel's dump_stack, then SMP_CACHE_BYTES */
	CHECK_EQ(bm_memblock_phys_alloc(m, 10, 0), SZ_16M - 64);
	CHECK_EQ(tm_violations(m, BM_V_WARN), 1);
	CHECK(last_is(m, BM_V_WARN, "align 0"));
	/* align not a power of two: refused, nothing reserved */
	{
		phys_addr_t before = RSV(m).total_size;

		CHECK_EQ(bm_memblock_phys_alloc(m, 10, 48), 0);
		CHECK(last_is(m, BM_V_MISUSE, "not a power of two"));
		CHECK_EQ(RSV(m).total_size, before);
		CHECK_EQ(bm_memblock_find_in_range_node(m, SZ_4K, 5, 0, SZ_16M,
							BM_NUMA_NO_NODE, MEMBLOCK_NONE), 0);
		CHECK(last_is(m, BM_V_MISUSE, "not a power of two"));
	}
	/* node ids out of range */
	CHECK_EQ(bm_memblock_add_node(m, SZ_16M, SZ_1M, 1000, MEMBLOCK_NONE), -BM_EINVAL);
	CHECK(last_is(m, BM_V_MISUSE, "nid 1000 out of range"));
	CHECK_EQ(bm_memblock_set_node(m, SZ_1M, SZ_1M, false, -5), -BM_EINVAL);
	CHECK_EQ(bm_memblock_reserve_nid(m, SZ_1M, SZ_1M, 65, MEMBLOCK_NONE), -BM_EINVAL);
	CHECK(bm_memblock_phys_alloc_try_nid(m, SZ_4K, SZ_4K, 99) != 0);
	CHECK(last_is(m, BM_V_MISUSE, "nid 99 out of range"));
	/* NULL types and sinks */
	CHECK(!bm_memblock_overlaps_region(NULL, 0, SZ_1M));
	bm_next_mem_range(m, &idx, BM_NUMA_NO_NODE, MEMBLOCK_NONE, NULL, NULL, &s, &e, NULL);
	CHECK_EQ(idx, UINT64_MAX);
	idx = UINT64_MAX;
	bm_next_mem_range_rev(m, &idx, BM_NUMA_NO_NODE, MEMBLOCK_NONE, NULL, NULL, &s, &e, NULL);
	CHECK_EQ(idx, UINT64_MAX);
	bm_memblock_debugfs_dump(m, NULL, &sink);
	bm_memblock_dump(m, NULL);
	/* trim with a bad alignment: reported, then the kernel's arithmetic */
	bm_memblock_trim_memory(m, 3 * SZ_4K);
	CHECK(last_is(m, BM_V_MISUSE, "not a power of two"));
	bm_memblock_trim_memory(m, 0);
	CHECK_EQ(MEM(m).cnt, 0);
	OK(m);
	CHECK_EQ(tm_violations(m, BM_V_INVARIANT), 0);
	CHECK_EQ(tm_violations(m, BM_V_MISUSE), 13);
	tm_destroy(&t);
}

static void test_unbacked_allocation(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_16M, NULL);

	/* memory the machine does not back: virtual allocations cannot work */
	bm_memblock_add(m, SZ_1M, SZ_64M);
	CHECK(bm_memblock_alloc(m, SZ_4K, SZ_4K) == NULL);
	CHECK(last_is(m, BM_V_MISUSE, "not in simulated RAM"));
	CHECK_EQ(RSV(m).cnt, 0);
	/* physical ones do */
	CHECK_EQ(bm_memblock_phys_alloc(m, SZ_4K, SZ_4K), SZ_64M + SZ_1M - SZ_4K);
	/* and doubling into unbacked memory is refused without a change */
	bm_memblock_allow_resize(m);
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_add(m, SZ_64M * 2 + (phys_addr_t)i * SZ_8K, SZ_4K);
	CHECK(MEM(m).regions == m->memblock.memory_init);
	CHECK(last_is(m, BM_V_MISUSE, "no simulated RAM for the memory array"));
	OK(m);
	tm_destroy(&t);
}

static void test_checker_catches_corruption(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SZ_64M, NULL);
	struct memblock_region *r = MEM(m).regions, saved[3];
	unsigned long before;

	bm_memblock_add(m, SZ_1M, SZ_1M);
	bm_memblock_add(m, 4 * SZ_1M, SZ_1M);
	bm_memblock_add_node(m, 8 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	OK(m);
	memcpy(saved, r, sizeof(saved));
#define CORRUPT(stmt, text)							\
	do {									\
		before = m->record->nr_recorded;					\
		stmt;								\
		CHECK(bm_memblock_check(m) > 0);				\
		CHECK(recorded_since(m, before, text));				\
		memcpy(r, saved, sizeof(saved));				\
		MEM(m).cnt = 3;							\
		MEM(m).total_size = 3 * SZ_1M;					\
		OK(m);								\
	} while (0)
	CORRUPT(r[1].base = 0, "below previous end");
	CORRUPT(r[1].size = 5 * SZ_1M, "below previous end");
	CORRUPT((r[1].base = 2 * SZ_1M, r[1].nid = BM_MAX_NUMNODES), "not merged");
	CORRUPT(MEM(m).total_size += 1, "total_size");
	CORRUPT((r[2].size = 0, MEM(m).total_size -= SZ_1M), "zero size");
	CORRUPT(r[2].base = BM_PHYS_ADDR_MAX - 10, "wraps");
	CORRUPT(r[2].nid = 70, "nid 70");
	CORRUPT(MEM(m).cnt = MEM(m).max + 1, "cnt 129 > max 128");
	CORRUPT((MEM(m).cnt = 0, MEM(m).total_size = 0), "empty type");
#undef CORRUPT

	/* a doubled array that is no longer reserved */
	bm_memblock_allow_resize(m);
	for (int i = 0; i <= INIT_MEMBLOCK_REGIONS; i++)
		bm_memblock_reserve(m, 16 * SZ_1M + (phys_addr_t)i * SZ_8K, SZ_4K);
	OK(m);
	/* Through the API it is refused as misuse, state unchanged ... */
	CHECK_EQ(bm_memblock_phys_free(m, m->memblock.reserved_array_phys, SZ_4K), -BM_EINVAL);
	CHECK(last_is(m, BM_V_MISUSE, "would unreserve memblock's reserved array"));
	OK(m);
	/* ... so corrupt it underneath the API. */
	bm_memblock_remove_range(m, &m->memblock.mb.reserved, m->memblock.reserved_array_phys, SZ_4K);
	CHECK(bm_memblock_check(m) > 0);
	CHECK(last_is(m, BM_V_INVARIANT, "reserved only 0x1000"));
	tm_destroy(&t);
}

/* A region within @align of the top of the address space: rounding its
 * base up wraps to 0. It holds no aligned block, so trim drops it. */
static void test_trim_at_the_top(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_memblock_add(m, 0x100000, 0x100000);
	bm_memblock_add(m, BM_PHYS_ADDR_MAX - 0x800, 0x400);
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
	CHECK_EQ(bm_memblock_check(m), 0);
	CHECK_EQ(m->memblock.mb.memory.cnt, 1);
	CHECK_EQ(m->memblock.mb.memory.regions[0].base, 0x100000);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_trim_at_the_top);
	RUN(test_free_unreserved);
	RUN(test_wrapping_ranges);
	RUN(test_resize_before_allowed);
	RUN(test_bad_arguments);
	RUN(test_unbacked_allocation);
	RUN(test_checker_catches_corruption);
	return CHECK_DONE();
}
