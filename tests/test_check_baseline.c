// SPDX-License-Identifier: MIT
/*
 * bm_mm_check_baseline: a check after a baseline passes over only the
 * sections nothing changed, and still finds every failure a full walk
 * finds: a struct page written since (in this process or a forked one), a
 * memblock region changed over unwritten struct pages, deferred init run
 * since. Refusals change nothing. Uses the POSIX host's write tracking
 * (host/write_track.c: a holder process and /proc/self/pagemap).
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"
#include "core/internal.h"

#define MiB ((phys_addr_t)1 << 20)
#define GiB ((phys_addr_t)1 << 30)

/* 1 GiB, 8 sections, a few reservations; memblock kept (so memblock.reserved
 * is checked the same way before and after the baseline). */
static struct bm_machine *build(struct test_machine *t, bool deferred, unsigned int walk)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = deferred;
	cfg.walk_threads = walk;
	m = tm_init(t, GiB, &cfg);
	bm_memblock_add(m, 0x1000, 0x9e000);
	bm_memblock_add(m, 0x100000, GiB - 0x100000);
	bm_memblock_reserve(m, 0x1000000, 0x1800000);
	bm_memblock_reserve(m, 0x7000000, 0x1000);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	m->memblock.keep = true;
	return m;
}

/* A page inside a free block (a tail), in section @sec. */
static bm_pfn_t free_tail_in(struct bm_machine *m, unsigned long sec)
{
	for (bm_pfn_t p = (bm_pfn_t)sec * BM_PAGES_PER_SECTION + 1;
	     p < (bm_pfn_t)(sec + 1) * BM_PAGES_PER_SECTION; p++)
		if (bm_pfn_to_page(m, p)->flags & PG_bm_tail_free)
			return p;
	CHECK(!"no free tail page in the section");
	return 0;
}

static bool reported_at(struct bm_machine *m, bm_pfn_t pfn, const char *text)
{
	for (unsigned long i = 0; i < m->record->nr_recorded; i++) {
		const struct bm_violation *v = &m->record->violations[i];

		if (v->pfn_start <= pfn && pfn < v->pfn_end && strstr(v->detail, text))
			return true;
	}
	return false;
}

static int check_fresh(struct bm_machine *m)
{
	m->record->nr_recorded = 0;
	return bm_mm_check(m);
}

static void test_refusals(void)
{
	struct test_machine t;
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	m = tm_init(&t, GiB, &cfg);
	bm_memblock_add(m, 0x100000, GiB - 0x100000);
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	CHECK_EQ(bm_free_area_init(m), 0);
	CHECK_EQ(m->violation_count[BM_V_MISUSE], 0);
	CHECK_EQ(bm_mm_check_baseline(m), -BM_EINVAL);	/* before the hand-off */
	CHECK(m->mm.check_base == NULL);
	CHECK_EQ(m->violation_count[BM_V_MISUSE], 1);
	bm_memblock_free_all(m);
	t.host.prim.track_start = NULL;			/* a host without tracking */
	CHECK_EQ(bm_mm_check_baseline(m), -BM_EOPNOTSUPP);
	CHECK(m->mm.check_base == NULL);
	CHECK_EQ(check_fresh(m), 0);
	CHECK_EQ(m->mm.check_sections_reused, 0);
	CHECK_EQ(m->mm.check_sections_walked, m->mm.nr_sections);
	tm_destroy(&t);
}

/*
 * In this process, on one and on two walk threads: nothing written, every
 * section taken from the baseline; a struct page written, its section
 * walked and the failure found; a reservation added over free memory
 * without touching a struct page, found through memblock.
 */
static void test_reuse_and_changes(void)
{
	for (unsigned int walk = 1; walk <= 2; walk++) {
		struct test_machine t;
		struct bm_machine *m = build(&t, false, walk);
		unsigned long nr = m->mm.nr_sections;
		bm_pfn_t p5, p6;
		int32_t ref;

		CHECK_EQ(nr, 8);
		CHECK_EQ(check_fresh(m), 0);
		CHECK_EQ(bm_mm_check_baseline(m), 0);
		CHECK(m->mm.check_base != NULL);
		CHECK_EQ(check_fresh(m), 0);
		CHECK_EQ(m->mm.check_sections_reused, nr);
		CHECK_EQ(m->mm.check_sections_walked, 0);

		p5 = free_tail_in(m, 5);
		ref = bm_pfn_to_page(m, p5)->refcount;
		bm_pfn_to_page(m, p5)->refcount = 5;
		CHECK_EQ(check_fresh(m), 1);
		CHECK(reported_at(m, p5, "free pages with refcount 5"));
		CHECK_EQ(m->mm.check_sections_reused, nr - 1);
		bm_pfn_to_page(m, p5)->refcount = ref;
		CHECK_EQ(check_fresh(m), 0);

		p6 = free_tail_in(m, 6);
		/* Past the hand-off the API refuses this: a bug's reservation. */
		CHECK_EQ(bm_memblock_add_range(m, &m->memblock.mb.reserved, BM_PFN_PHYS(p6),
					       BM_PAGE_SIZE, BM_NUMA_NO_NODE, MEMBLOCK_NONE), 0);
		CHECK_EQ(check_fresh(m), 1);
		CHECK(reported_at(m, p6, "in memblock.reserved are free in the buddy"));
		CHECK_EQ(m->mm.check_sections_reused, nr - 2);
		bm_mm_check_baseline_drop(m);
		CHECK(m->mm.check_base == NULL);
		CHECK_EQ(check_fresh(m), 1);
		CHECK_EQ(m->mm.check_sections_reused, 0);
		tm_destroy(&t);
	}
}

/*
 * A process forked after the baseline (a comparison's row): its own write
 * is found, the parent's later write is not its own and does not show in
 * it, and the parent finds its own write, not the child's.
 */
static void test_forked(void)
{
	struct test_machine t;
	struct bm_machine *m = build(&t, false, 2);
	unsigned long nr = m->mm.nr_sections;
	bm_pfn_t p3 = free_tail_in(m, 3), p4 = free_tail_in(m, 4);
	int go[2], status = -1;
	pid_t pid;
	char c = 0;

	CHECK_EQ(bm_mm_check_baseline(m), 0);
	CHECK_EQ(pipe(go), 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		bool ok;

		/* Wait until the parent has written its page. */
		ok = read(go[0], &c, 1) == 1;
		bm_pfn_to_page(m, p3)->refcount = 7;
		ok = ok && check_fresh(m) == 1 && reported_at(m, p3, "refcount 7") &&
		     m->mm.check_sections_reused == nr - 1;
		_exit(ok ? 0 : 1);
	}
	bm_pfn_to_page(m, p4)->refcount = 9;
	CHECK_EQ(write(go[1], &c, 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(check_fresh(m), 1);
	CHECK(reported_at(m, p4, "refcount 9"));
	CHECK(!reported_at(m, p3, "refcount"));
	CHECK_EQ(m->mm.check_sections_reused, nr - 1);
	close(go[0]);
	close(go[1]);
	tm_destroy(&t);
}

/* Deferred init after the baseline rewrites the deferred sections: the
 * machine-wide state differs, so everything is walked again. */
static void test_deferred_after(void)
{
	struct test_machine t;
	struct bm_machine *m = build(&t, true, 2);

	CHECK(m->mm.nodes[0].deferred_pending);
	CHECK_EQ(bm_mm_check_baseline(m), 0);
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	CHECK_EQ(check_fresh(m), 0);
	CHECK_EQ(m->mm.check_sections_reused, 0);
	CHECK_EQ(m->mm.check_sections_walked, m->mm.nr_sections);
	tm_destroy(&t);
}

/* The holder's pid: this process's only child after the baseline. */
static pid_t holder_pid(void)
{
	char path[64];
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/*
 * Without its holder a page nobody else maps could be written in place and
 * still not read as exclusive: once the holder is gone every struct page
 * counts as written, and the check walks everything.
 */
static void test_holder_gone(void)
{
	struct test_machine t;
	struct bm_machine *m = build(&t, false, 1);
	pid_t h;

	CHECK_EQ(bm_mm_check_baseline(m), 0);
	CHECK_EQ(check_fresh(m), 0);
	CHECK_EQ(m->mm.check_sections_reused, m->mm.nr_sections);
	h = holder_pid();
	CHECK(h > 0);
	if (h > 0) {
		CHECK_EQ(kill(h, SIGKILL), 0);
		CHECK_EQ(waitpid(h, NULL, 0), h);
	}
	CHECK_EQ(check_fresh(m), 0);
	CHECK_EQ(m->mm.check_sections_reused, 0);
	CHECK_EQ(m->mm.check_sections_walked, m->mm.nr_sections);
	tm_destroy(&t);
}

/*
 * A fork after a write shares the writer's copy again, so the write would
 * read as not made: any fork once a tracked page is written makes both
 * sides walk everything. A second machine's baseline forks a holder too.
 */
static void test_fork_after_write(void)
{
	struct test_machine t, t2;
	struct bm_machine *m = build(&t, false, 1), *m2;
	bm_pfn_t p5;
	int status = -1;
	pid_t pid;

	CHECK_EQ(bm_mm_check_baseline(m), 0);
	p5 = free_tail_in(m, 5);
	bm_pfn_to_page(m, p5)->refcount = 5;
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		bool ok = check_fresh(m) == 1 && reported_at(m, p5, "refcount 5") &&
			  m->mm.check_sections_reused == 0;

		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(check_fresh(m), 1);
	CHECK(reported_at(m, p5, "refcount 5"));
	CHECK_EQ(m->mm.check_sections_reused, 0);
	tm_destroy(&t);

	/* The same through another machine's baseline (its holder's fork). */
	m = build(&t, false, 1);
	CHECK_EQ(bm_mm_check_baseline(m), 0);
	bm_pfn_to_page(m, p5)->refcount = 5;
	m2 = build(&t2, false, 1);
	CHECK_EQ(bm_mm_check_baseline(m2), 0);
	CHECK_EQ(check_fresh(m), 1);
	CHECK(reported_at(m, p5, "refcount 5"));
	CHECK_EQ(m->mm.check_sections_reused, 0);
	CHECK_EQ(check_fresh(m2), 0);
	CHECK_EQ(m2->mm.check_sections_reused, m2->mm.nr_sections);
	tm_destroy(&t2);
	tm_destroy(&t);
}

/* The shadow is an input too: a struct page marked uninitialised since,
 * its struct page untouched, is found. */
static void test_shadow_change(void)
{
	struct test_machine t;
	struct bm_machine *m = build(&t, false, 2);
	bm_pfn_t p2;

	CHECK_EQ(bm_mm_check_baseline(m), 0);
	p2 = free_tail_in(m, 2);
	m->mm.init_bitmap[p2 >> 6] &= ~((uint64_t)1 << (p2 & 63));
	CHECK(check_fresh(m) >= 1);
	CHECK(reported_at(m, p2, "not initialised"));
	CHECK_EQ(m->mm.check_sections_reused, m->mm.nr_sections - 1);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_refusals);
	RUN(test_reuse_and_changes);
	RUN(test_forked);
	RUN(test_deferred_after);
	RUN(test_holder_gone);
	RUN(test_fork_after_write);
	RUN(test_shadow_change);
	return CHECK_DONE();
}
