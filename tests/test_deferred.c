// SPDX-License-Identifier: MIT
/*
 * Deferred struct page init: the kernel's early/deferred split, identical
 * final state for any thread count (and equal to a boot without deferral),
 * and on-demand growth.
 */
#include "check.h"
#include "synth.h"
#include "core/internal.h"

static const phys_addr_t SIZE = (phys_addr_t)2 << 30;

/* The synthetic machine with deferral and threads set, @rsv bytes reserved
 * from 640 MiB (0: none), booted to running. */
static struct bm_machine *boot_synth(struct test_machine *t, bool deferred, unsigned threads,
				     phys_addr_t rsv)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = deferred;
	cfg.threads = threads;
	m = synth_machine(t, SIZE, &cfg);
	if (rsv)
		bm_memblock_reserve(m, 640 * SZ_1M, rsv);
	CHECK_EQ(bm_boot(m, NULL, 0), 0);
	return m;
}

/* Boot to running; returns the state hash and the free page count. */
static uint64_t boot_hash(bool deferred, unsigned threads, unsigned long *nr_free,
			  unsigned long *memtotal)
{
	struct test_machine t;
	struct bm_machine *m = boot_synth(&t, deferred, threads, 0);
	uint64_t h;

	CHECK_EQ(m->phase, BM_PHASE_RUNNING);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	h = synth_state_hash(m);
	*nr_free = bm_nr_free_pages(m);
	*memtotal = m->mm.totalram_pages;
	tm_destroy(&t);
	return h;
}

static void test_thread_counts_identical(void)
{
	unsigned long f0, f1, f2, f8, t0, t1, t2, t8;
	uint64_t h0 = boot_hash(false, 1, &f0, &t0);
	uint64_t h1 = boot_hash(true, 1, &f1, &t1);
	uint64_t h2 = boot_hash(true, 2, &f2, &t2);
	uint64_t h8 = boot_hash(true, 8, &f8, &t8);

	CHECK_EQ(h1, h2);
	CHECK_EQ(h1, h8);
	/* Deferral changes when, not what: the same final memory map. */
	CHECK_EQ(h0, h1);
	CHECK_EQ(f0, f1);
	CHECK_EQ(f1, f8);
	CHECK_EQ(t0, t1);
	CHECK(f1 > 400000);	/* ~2 GiB less 4 MiB hole, 1 MiB, kernel, memmap */
}

/* Boot with a reservation of five sections above the early-initialised
 * part (in the deferred range when deferral is on). */
static uint64_t boot_hash_big_rsv(bool deferred, unsigned threads, unsigned long *nr_free)
{
	struct test_machine t;
	struct bm_machine *m = boot_synth(&t, deferred, threads, 640 * SZ_1M);
	uint64_t h;

	CHECK_EQ(m->phase, BM_PHASE_RUNNING);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	CHECK_EQ(m->violation_count[BM_V_MEMBLOCK_MISMATCH], 0);
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(1000 * SZ_1M))->flags & PG_reserved);
	h = synth_state_hash(m);
	*nr_free = bm_nr_free_pages(m);
	tm_destroy(&t);
	return h;
}

/*
 * Ranges of many sections go a section per host thread when nothing can
 * be reported (memmap_init without deferral; at memblock_free_all, a
 * reservation of many sections in the deferred range): the same memory
 * map as one thread.
 */
static void test_parallel_ranges_identical(void)
{
	unsigned long f[4];
	uint64_t off1 = boot_hash_big_rsv(false, 1, &f[0]);
	uint64_t off4 = boot_hash_big_rsv(false, 4, &f[1]);
	uint64_t on1 = boot_hash_big_rsv(true, 1, &f[2]);
	uint64_t on4 = boot_hash_big_rsv(true, 4, &f[3]);

	CHECK_EQ(off1, off4);
	CHECK_EQ(on1, on4);
	CHECK_EQ(off1, on1);
	CHECK_EQ(f[0], f[3]);
	{
		unsigned long plain, total;

		boot_hash(false, 1, &plain, &total);
		/* The 640 MiB stayed reserved. */
		CHECK_EQ(f[0] + BM_PFN_DOWN(640 * SZ_1M), plain);
	}
}

static void test_first_deferred_pfn(void)
{
	struct test_machine t;
	struct bm_machine *m = synth_machine(&t, SIZE, NULL);
	struct bm_node *n;

	CHECK_EQ(bm_free_area_init(m), 0);
	n = &m->mm.nodes[0];
	/* DMA32 starts at pfn 4096; 32769 pages later is 0x9001 -> next section. */
	CHECK_EQ(n->first_deferred_pfn, 0x10000);
	CHECK(bm_page_initialised(m, 0xffff));
	CHECK(!bm_page_initialised(m, 0x10000));
	/* The 4 MiB hole at 1.5 GiB is in the deferred range but initialised. */
	CHECK(bm_page_initialised(m, BM_PFN_DOWN(1536 * SZ_1M)));
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(1536 * SZ_1M))->flags & PG_reserved);
	CHECK_EQ(n->zones[BM_ZONE_DMA].spanned_pages, 4095);
	CHECK_EQ(n->zones[BM_ZONE_DMA].present_pages, 0x9f + (4096 - 256));
	CHECK_EQ(n->zones[BM_ZONE_DMA32].zone_start_pfn, 4096);
	tm_destroy(&t);
}

static void test_deferred_grow_zone(void)
{
	struct test_machine t;
	struct bm_machine *m = synth_machine(&t, SIZE, NULL);
	unsigned long got = 0;
	bm_pfn_t fd0;

	bm_free_area_init(m);
	bm_memblock_free_all(m);
	CHECK(m->boot.deferred_pages_key);	/* on until page_alloc_init_late */
	fd0 = m->mm.nodes[0].first_deferred_pfn;
	/* Ask for more order-10 blocks than the early part holds. */
	for (int i = 0; i < 200; i++)
		got += bm_alloc_pages(m, 0, 10, BM_ZONE_DMA32, MIGRATE_MOVABLE) != BM_NO_PFN;
	CHECK_EQ(got, 200);
	CHECK(m->mm.nodes[0].first_deferred_pfn > fd0);
	CHECK(m->mm.nodes[0].first_deferred_pfn % BM_PAGES_PER_SECTION == 0);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
	for (bm_pfn_t pfn = 0x10000; pfn < BM_PFN_DOWN(SIZE); pfn += 4096)
		CHECK(bm_page_initialised(m, pfn));
	tm_destroy(&t);
}

/*
 * memmap_init_reserved_pages initialises a reservation's uninitialised
 * deferred words a run at a time. A page initialised before the hand-off
 * (and not Reserved) stops the run at its word: the per-pfn walk then
 * initialises it again and reports that once, as the kernel's walk would
 * do it, and the run goes on after that word. Every page of the
 * reservation ends initialised and Reserved.
 */
static void test_reserved_run_stops(void)
{
	struct test_machine t;
	struct bm_machine *m = synth_machine(&t, SIZE, NULL);
	bm_pfn_t s = BM_PFN_DOWN(640 * SZ_1M), e = BM_PFN_DOWN(896 * SZ_1M);
	bm_pfn_t mid = s + BM_PAGES_PER_SECTION + 1005;
	unsigned long bad = 0;

	bm_memblock_reserve(m, 640 * SZ_1M, 256 * SZ_1M);	/* two whole sections */
	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK(m->mm.nodes[0].first_deferred_pfn <= s);
	CHECK(!bm_page_initialised(m, s));
	CHECK(!bm_page_initialised(m, mid));
	bm_init_single_page(m, mid, BM_ZONE_DMA32, 0, "test");
	bm_memblock_free_all(m);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 1);
	CHECK(t.record.nr_recorded >= 1);
	CHECK_EQ(t.record.violations[t.record.nr_recorded - 1].pfn_start, mid);
	for (bm_pfn_t pfn = s; pfn < e; pfn++)
		bad += !bm_page_initialised(m, pfn) ||
		       !(bm_pfn_to_page(m, pfn)->flags & PG_reserved);
	CHECK_EQ(bad, 0);
	/* The pages just outside it are deferred still. */
	CHECK(!bm_page_initialised(m, s - 1));
	CHECK(!bm_page_initialised(m, e));
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	tm_destroy(&t);
}

/* The host's parallel, counting the calls and the threads asked for. */
static void (*host_parallel_fn)(void *, unsigned, bm_work_fn, void *, unsigned long);
static unsigned long parallel_calls, parallel_max_threads;

static void counting_parallel(void *ctx, unsigned nthreads, bm_work_fn fn, void *arg,
			      unsigned long nr)
{
	parallel_calls++;
	if (nthreads > parallel_max_threads)
		parallel_max_threads = nthreads;
	host_parallel_fn(ctx, nthreads, fn, arg, nr);
}

/* A boot without deferral, @threads for deferred init, @walk for the walks. */
static uint64_t boot_walks(unsigned threads, unsigned walk, unsigned long *calls,
			   unsigned long *nr_free)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	uint64_t h;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	cfg.threads = threads;
	cfg.walk_threads = walk;
	m = synth_machine(&t, SIZE, &cfg);
	host_parallel_fn = t.host.prim.parallel;
	t.host.prim.parallel = counting_parallel;
	parallel_calls = parallel_max_threads = 0;
	bm_memblock_reserve(m, 640 * SZ_1M, 640 * SZ_1M);
	CHECK_EQ(bm_boot(m, NULL, 0), 0);
	CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
	h = synth_state_hash(m);
	*calls = parallel_calls;
	*nr_free = bm_nr_free_pages(m);
	tm_destroy(&t);
	return h;
}

/*
 * cfg.walk_threads alone runs the walks whose order cannot show
 * (memmap_init without deferral, the 640 MiB reservation at mm_core_init)
 * on that many threads, deferred init keeping cfg.threads; 0 means
 * cfg.threads. The memory map is the serial walk's either way.
 */
static void test_walk_threads(void)
{
	unsigned long c_serial, c_walk, c_as, f_serial, f_walk, f_as;
	uint64_t serial = boot_walks(1, 0, &c_serial, &f_serial);
	uint64_t walk = boot_walks(1, 4, &c_walk, &f_walk);
	unsigned long max_walk = parallel_max_threads;
	uint64_t as = boot_walks(4, 0, &c_as, &f_as);

	CHECK_EQ(c_serial, 0);		/* one thread: never asked */
	CHECK(c_walk >= 2);		/* memmap_init and the reservation */
	CHECK_EQ(max_walk, 4);
	CHECK_EQ(c_as, c_walk);		/* 0: as cfg.threads */
	CHECK_EQ(walk, serial);
	CHECK_EQ(as, serial);
	CHECK_EQ(f_walk, f_serial);
	CHECK_EQ(f_as, f_serial);
}

/* FNV-1a over every free list in order: which blocks, in which order. */
static uint64_t lists_hash(struct bm_machine *m)
{
	uint64_t h = 1469598103934665603ull;
	int nid;

	bm_for_each_online_node(m, nid)
		for (int t = 0; t < BM_NR_ZONES; t++)
			for (unsigned int o = 0; o < BM_MAX_ORDER_LIMIT; o++)
				for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
					uint32_t p = m->mm.nodes[nid].zones[t].free_area[o].head[mt];

					for (; p != BM_LIST_END; p = bm_pfn_to_page(m, p)->lru_next)
						h = (h ^ p) * 1099511628211ull;
					h = (h ^ 0xff) * 1099511628211ull;
				}
	return h;
}

struct private_boot {
	uint64_t state, lists;
	unsigned long calls, nr_free, managed, reports, private_units;
	struct bm_violation rep[4];	/* the first reports */
};

/*
 * Deferred init with @threads and @walk threads: a 2 GiB machine, with
 * @noisy a deferred free page initialised early (deferred init
 * initialises it again: a report) and a reservation marked RSRV_NOINIT in
 * another section (merging a free block reads the struct page of its
 * buddy there, uninitialised: a report, as the kernel reads it).
 */
static void boot_private(unsigned threads, unsigned walk, bool noisy, struct private_boot *r)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	int nid;

	bm_config_default(&cfg);
	cfg.threads = threads;
	cfg.walk_threads = walk;
	m = synth_machine(&t, SIZE, &cfg);
	if (noisy) {
		bm_memblock_reserve(m, 1100 * SZ_1M, 2 * SZ_1M);
		bm_memblock_reserved_mark_noinit(m, 1100 * SZ_1M, 2 * SZ_1M);
	}
	CHECK_EQ(bm_free_area_init(m), 0);
	if (noisy)
		bm_init_single_page(m, BM_PFN_DOWN(900 * SZ_1M) + 3, BM_ZONE_DMA32, 0, "test");
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	host_parallel_fn = t.host.prim.parallel;
	t.host.prim.parallel = counting_parallel;
	parallel_calls = 0;
	t.record.nr_recorded = 0;
	bm_page_alloc_init_late(m);
	r->calls = parallel_calls;
	r->private_units = m->mm.nodes[0].deferred_private_units;
	r->reports = t.record.nr_recorded;
	for (unsigned long i = 0; i < r->reports && i < 4; i++)
		r->rep[i] = t.record.violations[i];
	r->state = synth_state_hash(m);
	r->lists = lists_hash(m);
	r->nr_free = bm_nr_free_pages(m);
	r->managed = 0;
	bm_for_each_online_node(m, nid)
		for (int z = 0; z < BM_NR_ZONES; z++)
			r->managed += m->mm.nodes[nid].zones[z].managed_pages;
	CHECK_EQ(bm_mm_check(m), 0);
	tm_destroy(&t);
}

/*
 * Deferred init on several threads gives the serial walk's free lists, in
 * their order, not only its memory map: each section frees into lists of
 * its own, spliced in section order. A section that could report (a page
 * initialised twice) or read an uninitialised buddy (RSRV_NOINIT pages)
 * runs in its place on the calling thread: the same reports, in order.
 */
static void test_private_lists_identical(void)
{
	struct private_boot one, four, walk4, n1, n4;

	boot_private(1, 0, false, &one);
	boot_private(4, 0, false, &four);
	boot_private(1, 4, false, &walk4);
	CHECK_EQ(one.calls, 1);		/* the serial walk through parallel() */
	CHECK(four.calls >= 1 && walk4.calls == four.calls);
	/* 2 GiB less the first 256 MiB: 14 sections, all on threads. */
	CHECK_EQ(one.private_units, 0);
	CHECK_EQ(four.private_units, 14);
	CHECK_EQ(walk4.private_units, 14);
	CHECK_EQ(one.reports, 0);
	CHECK_EQ(four.reports, 0);
	CHECK_EQ(four.state, one.state);
	CHECK_EQ(walk4.state, one.state);
	CHECK_EQ(four.lists, one.lists);
	CHECK_EQ(walk4.lists, one.lists);
	CHECK_EQ(four.nr_free, one.nr_free);
	CHECK_EQ(four.managed, one.managed);

	boot_private(1, 0, true, &n1);
	boot_private(4, 0, true, &n4);
	CHECK_EQ(n1.reports, 2);
	CHECK_EQ(n4.reports, n1.reports);
	CHECK_EQ(n1.rep[0].kind, BM_V_DOUBLE_INIT);
	CHECK_EQ(n1.rep[0].pfn_start, BM_PFN_DOWN(900 * SZ_1M) + 3);
	CHECK_EQ(n1.rep[1].kind, BM_V_UNINIT_READ);
	CHECK_EQ(n1.rep[1].pfn_start, BM_PFN_DOWN(1100 * SZ_1M));
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(n4.rep[i].kind, n1.rep[i].kind);
		CHECK_EQ(n4.rep[i].pfn_start, n1.rep[i].pfn_start);
		CHECK(!strcmp(n4.rep[i].detail, n1.rep[i].detail));
	}
	CHECK_EQ(n4.state, n1.state);
	CHECK_EQ(n4.lists, n1.lists);
	CHECK_EQ(n4.nr_free, n1.nr_free);
	CHECK(n1.lists != one.lists);
	CHECK_EQ(n4.private_units, 12);	/* the two with a report ran in place */
}

/*
 * memblock_free_all's frees, a section per walk thread (bm_sections_apart):
 * without deferral, the same memory map and free lists, in order, as one
 * thread, around reservations of every kind (a RSRV_NOINIT one is
 * initialised by memmap_init here, nothing being deferred); the first
 * section (two zones) frees in its place.
 */
static void test_free_all_apart_identical(void)
{
	uint64_t state[2], lists[2];
	unsigned long calls[2], nr_free[2];

	for (int k = 0; k < 2; k++) {
		struct test_machine t;
		struct bm_config cfg;
		struct bm_machine *m;

		bm_config_default(&cfg);
		cfg.deferred_struct_page_init = false;
		cfg.walk_threads = k ? 4 : 1;
		m = synth_machine(&t, SIZE, &cfg);
		bm_memblock_reserve(m, 1100 * SZ_1M, 2 * SZ_1M);
		bm_memblock_reserved_mark_noinit(m, 1100 * SZ_1M, 2 * SZ_1M);
		bm_memblock_reserve(m, 900 * SZ_1M + 5 * 4096, 3 * 4096);
		CHECK_EQ(bm_free_area_init(m), 0);
		host_parallel_fn = t.host.prim.parallel;
		t.host.prim.parallel = counting_parallel;
		parallel_calls = 0;
		t.record.nr_recorded = 0;
		bm_memblock_free_all(m);
		calls[k] = parallel_calls;
		state[k] = synth_state_hash(m);
		lists[k] = lists_hash(m);
		nr_free[k] = bm_nr_free_pages(m);
		CHECK_EQ(t.record.nr_recorded, 0);
		CHECK_EQ(bm_mm_check(m), 0);
		tm_destroy(&t);
	}
	CHECK_EQ(calls[0], 0);
	CHECK(calls[1] >= 1);
	CHECK_EQ(state[1], state[0]);
	CHECK_EQ(lists[1], lists[0]);
	CHECK_EQ(nr_free[1], nr_free[0]);
}

/*
 * 8 GiB on two nodes that share the section at 5 GiB: node 1's memory starts
 * it (80 MiB), node 0's follows to 6 GiB; node 0 also holds [1 MiB, 5 GiB),
 * node 1 [6 GiB, 8 GiB). A "kernel" reserved at 16-48 MiB. In setup_arch,
 * for the caller's own reservations and marks.
 */
static struct bm_machine *two_nodes_one_section(struct test_machine *t, const struct bm_config *cfg)
{
	const phys_addr_t G = (phys_addr_t)1 << 30;
	struct bm_machine *m = tm_init(t, 8 * G, cfg);

	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add_node(m, SZ_1M, 5 * G - SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 5 * G, 80 * SZ_1M, 1, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 5 * G + 80 * SZ_1M, G - 80 * SZ_1M, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 6 * G, 2 * G, 1, MEMBLOCK_NONE);
	bm_memblock_reserve(m, 16 * SZ_1M, 32 * SZ_1M);
	return m;
}

/*
 * Two nodes in one section: node 1's memory starts the section at 5 GiB,
 * node 0's follows at 5 GiB + 80 MiB. memblock_free_pages asks whether a
 * page is deferred on its memory's node (early_pfn_to_nid), not the
 * section's: node 0's pages there are above node 0's frontier and wait for
 * its deferred init, though node 1's frontier lies above them. Before,
 * memblock_free_all freed them uninitialised (an uninitialised read and a
 * block "not inside its zone").
 */
static void test_free_all_node_of_the_memory(void)
{
	const phys_addr_t G = (phys_addr_t)1 << 30;
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	bm_pfn_t p0 = BM_PFN_DOWN(5 * G + 80 * SZ_1M);

	for (unsigned int walk = 1; walk <= 2; walk++) {
		bm_config_default(&cfg);
		cfg.walk_threads = walk;
		m = two_nodes_one_section(&t, &cfg);
		bm_memblock_reserve(m, 5 * G + 96 * SZ_1M, 64 * 1024);
		CHECK_EQ(bm_free_area_init(m), 0);
		CHECK(m->mm.nodes[0].first_deferred_pfn <= p0);
		CHECK(m->mm.nodes[1].first_deferred_pfn > p0);
		CHECK_EQ(bm_pfn_nid(m, p0), 1);
		bm_memblock_free_all(m);
		CHECK(!bm_page_initialised(m, p0));
		/* A reservation there: initialised and Reserved at the hand-off. */
		CHECK(bm_page_initialised(m, BM_PFN_DOWN(5 * G + 96 * SZ_1M)));
		CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(5 * G + 96 * SZ_1M))->flags & PG_reserved);
		CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
		CHECK_EQ(m->violation_count[BM_V_MISUSE], 0);
		bm_set_phase(m, BM_PHASE_SMP_INIT);
		bm_page_alloc_init_late(m);
		CHECK(bm_page_initialised(m, p0));
		CHECK(bm_pfn_to_page(m, p0)->flags & (PG_buddy | PG_bm_tail_free));
		CHECK_EQ(bm_mm_check(m), 0);
		CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
		CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
		tm_destroy(&t);
	}
}

/*
 * The same two nodes in one section, a release: memblock_free_late of
 * node 0's memory there, before deferred init. Whether it waits for
 * deferred init is asked of its memory's node (memblock_free_pages passes
 * early_pfn_to_nid), whose frontier lies below it, not of the section's:
 * "safe" holds the range Reserved until deferred init has initialised its
 * neighbours. Before, the section's node said "not deferred" and the range
 * was freed at once, its buddies' uninitialised struct pages read.
 */
static void test_release_node_of_the_memory(void)
{
	const phys_addr_t G = (phys_addr_t)1 << 30;
	const phys_addr_t base = 5 * G + 100 * SZ_1M;
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;
	bm_pfn_t p = BM_PFN_DOWN(base);

	bm_config_default(&cfg);
	CHECK_EQ(cfg.release_policy, BM_POLICY_SAFE);
	m = two_nodes_one_section(&t, &cfg);
	bm_memblock_reserve(m, base, SZ_1M);
	bm_memblock_reserve(m, 5 * G + 72 * SZ_1M, 18 * SZ_1M);	/* across the nodes */
	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK_EQ(bm_pfn_nid(m, p), 1);
	CHECK_EQ(bm_early_pfn_to_nid(m, p), 0);
	CHECK(bm_pfn_deferred(m, p));
	CHECK(bm_node_pfn_zone(m, BM_MAX_NUMNODES, p) == NULL);	/* memblock's "no node" */
	CHECK(bm_node_pfn_zone(m, BM_NUMA_NO_NODE, p) == NULL);
	CHECK(!bm_pfn_deferred(m, BM_PFN_DOWN(5 * G)));	/* node 1's memory */
	CHECK_EQ(bm_pfn_deferred_run_end(m, BM_PFN_DOWN(5 * G), p), BM_PFN_DOWN(5 * G + 80 * SZ_1M));
	{
		/* A frontier off a section boundary (deferred_grow_zone moves it
		 * to its zone's end): runs end exactly there too. */
		bm_pfn_t fd = m->mm.nodes[0].first_deferred_pfn, off = fd + 1000;

		m->mm.nodes[0].first_deferred_pfn = off;
		CHECK(!bm_pfn_deferred(m, off - 1));
		CHECK(bm_pfn_deferred(m, off));
		CHECK_EQ(bm_pfn_deferred_run_end(m, off - 10, off + 10), off);
		CHECK_EQ(bm_pfn_deferred_run_end(m, off, off + 10), off + 10);
		m->mm.nodes[0].first_deferred_pfn = fd;
	}
	bm_memblock_free_all(m);
	bm_set_phase(m, BM_PHASE_BEFORE_SMP);
	bm_memblock_free_late(m, base, SZ_1M, "EFI boot services");
	CHECK(bm_pfn_to_page(m, p)->flags & PG_reserved);
	/*
	 * Node 1's part now; of node 0's part in the same section, the
	 * MAX_ORDER blocks reserved whole (so initialised) now too, and the
	 * block [88, 92) MiB, half of it uninitialised, after deferred init.
	 */
	bm_memblock_free_late(m, 5 * G + 72 * SZ_1M, 18 * SZ_1M, "initrd");
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(5 * G + 72 * SZ_1M))->flags &
	      (PG_buddy | PG_bm_tail_free));
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(5 * G + 80 * SZ_1M))->flags &
	      (PG_buddy | PG_bm_tail_free));
	CHECK(bm_pfn_to_page(m, BM_PFN_DOWN(5 * G + 88 * SZ_1M))->flags & PG_reserved);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	CHECK(bm_pfn_to_page(m, p)->flags & (PG_buddy | PG_bm_tail_free));
	CHECK_EQ(bm_mm_check(m), 0);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
	CHECK_EQ(m->violation_count[BM_V_DOUBLE_INIT], 0);
	tm_destroy(&t);
}

/*
 * KHO scratch in node 0's memory of node 1's section (the layout above):
 * kho_release_scratch reads the frontier of the memory region's node
 * (NODE_DATA(nid), seed 003's fix), the pre-fix scratch init initialises
 * on the memory's node (init_deferred_page(pfn, nid)). Node 0's frontier
 * lies below the scratch: the fixed release leaves its pageblocks to
 * deferred init (not CMA yet at the hand-off), the pre-fix init
 * initialises its struct pages at once, and deferred init again (the
 * double init the fix removed). With the section's node, whose frontier
 * lies above, the fixed release set CMA on uninitialised pageblocks and
 * the pre-fix init skipped them. (KHO boots allocate only from scratch
 * until the hand-off, so the scratch also holds the memory map.)
 */
static void test_kho_node_of_the_memory(void)
{
	const phys_addr_t G = (phys_addr_t)1 << 30;
	const phys_addr_t base = 5 * G + 96 * SZ_1M;
	bm_pfn_t p = BM_PFN_DOWN(base);

	for (int fixed = 0; fixed <= 1; fixed++) {
		struct test_machine t;
		struct bm_config cfg;
		struct bm_machine *m;

		bm_config_default(&cfg);
		cfg.kho = true;
		cfg.kho_fixed = fixed;
		m = two_nodes_one_section(&t, &cfg);
		CHECK_EQ(bm_memblock_mark_kho_scratch(m, base, 512 * SZ_1M), 0);
		CHECK_EQ(bm_free_area_init(m), 0);
		CHECK(bm_pfn_deferred(m, p));
		bm_memblock_free_all(m);
		if (fixed) {
			CHECK(bm_get_pageblock_migratetype(m, p) != MIGRATE_CMA);
			CHECK(!bm_page_initialised(m, p));
		} else {
			CHECK(bm_page_initialised(m, p));
			CHECK_EQ(bm_page_nid(bm_pfn_to_page(m, p)), 0);	/* the memory's node */
		}
		bm_set_phase(m, BM_PHASE_SMP_INIT);
		bm_page_alloc_init_late(m);
		if (fixed)
			CHECK_EQ(m->mm.nr_double_inits, 0);
		else
			CHECK(m->mm.nr_double_inits > 0);
		if (fixed)
			CHECK_EQ(bm_get_pageblock_migratetype(m, p), MIGRATE_CMA);
		CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 0);
		tm_destroy(&t);
	}
}

int main(void)
{
	RUN(test_first_deferred_pfn);
	RUN(test_thread_counts_identical);
	RUN(test_parallel_ranges_identical);
	RUN(test_walk_threads);
	RUN(test_private_lists_identical);
	RUN(test_free_all_apart_identical);
	RUN(test_free_all_node_of_the_memory);
	RUN(test_release_node_of_the_memory);
	RUN(test_kho_node_of_the_memory);
	RUN(test_deferred_grow_zone);
	RUN(test_reserved_run_stops);
	return CHECK_DONE();
}
