// SPDX-License-Identifier: MIT
/*
 * bench_buddy: allocate/free throughput of the buddy allocator on a booted
 * machine (8 GiB, deferred init done), for three workloads recorded as
 * compact traces (one 32-bit event per operation, as jemalloc's
 * test/stress/pa replays a recorded sequence):
 *
 *  - order0: rounds of 32768 order-0 allocations, then their frees in a
 *    random order;
 *  - mixed: a random walk around a live set of 20000 blocks, orders 0-10
 *    weighted towards small ones, UNMOVABLE/MOVABLE/RECLAIMABLE;
 *  - boot: a synthetic boot: early unmovable slab/page-table allocations
 *    that stay, driver buffers up to order 10, an initramfs unpacked into
 *    order-0 page cache and freed again, then user-space churn with THP
 *    sized blocks; everything is freed at the end so replays repeat.
 *
 * The same traces are replayed, in the same run, against a trivial
 * allocator (a bump pointer with one LIFO free list per order: no
 * splitting, no merging, no migratetypes): the baseline the ratios are
 * given against. They are also replayed against spaskalev/buddy_alloc (the
 * peer of issue 13) when its header is found at run time: $BOOTMM_EXT_BUDDY,
 * else ../shared/peers/buddy_alloc/buddy_alloc.h beside the repository.
 * bench_buddy then compiles peer_buddy_alloc.c against it into a shared
 * object (with $CC, default cc; -O3 -DNDEBUG like this Release build) and
 * loads it; the header is never copied into the project. Without it the
 * line says it was skipped and why.
 *
 * Fairness: the peer manages an arena of exactly as many 4 KiB pages as
 * bootmm's zones have free (same size, page-sized leaves), replays the
 * same events in the same order, interleaved with bootmm's replays in one
 * process, and its loop is compiled with the header so its calls inline.
 *
 * Usage: bench_buddy [GiB of RAM, default 8]
 * Environment: BENCH_RUNS, BOOTMM_EXT_BUDDY, BENCH_BUDDY_ONLY=order0|mixed|boot
 */
#include "bench.h"
#include "bench_buddy_trace.h"

/* The peer, loaded by main() when found (peer_buddy_alloc.c). */
struct peer;
struct peer_api {
	struct peer *(*create)(uint64_t npages);
	void (*destroy)(struct peer *x);
	unsigned long (*replay)(struct peer *x, const uint32_t *ev, size_t n, uint32_t *slots);
};
static const struct peer_api *buddy_peer;

struct bench_trace {
	const char *name;
	uint32_t *ev;
	size_t n, cap;
	uint32_t nslots;		/* slots ever used */
	/* generator state */
	uint32_t *free_slots;		/* recycled slot ids */
	size_t nfree_slots;
	uint32_t *live;			/* live slots, for random frees */
	uint8_t *live_order;		/* order of each slot */
	size_t nlive;
	size_t *live_pos;		/* slot -> index in live[] */
	unsigned long live_pages, peak_pages;
	uint64_t rng;
};

static void trace_push(struct bench_trace *t, uint32_t e)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1 << 16;
		t->ev = realloc(t->ev, t->cap * sizeof(*t->ev));
		if (!t->ev) {
			fprintf(stderr, "bench_buddy: out of memory\n");
			exit(2);
		}
	}
	t->ev[t->n++] = e;
}

#define TRACE_MAX_SLOTS (1u << 22)

static void trace_init(struct bench_trace *t, const char *name, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->rng = seed;
	t->free_slots = malloc(TRACE_MAX_SLOTS * sizeof(uint32_t));
	t->live = malloc(TRACE_MAX_SLOTS * sizeof(uint32_t));
	t->live_order = malloc(TRACE_MAX_SLOTS);
	t->live_pos = malloc(TRACE_MAX_SLOTS * sizeof(size_t));
	if (!t->free_slots || !t->live || !t->live_order || !t->live_pos) {
		fprintf(stderr, "bench_buddy: out of memory\n");
		exit(2);
	}
}

/* Drop the generator state, keep the events. */
static void trace_seal(struct bench_trace *t)
{
	free(t->free_slots);
	free(t->live);
	free(t->live_order);
	free(t->live_pos);
	t->free_slots = t->live = NULL;
	t->live_order = NULL;
	t->live_pos = NULL;
}

static void trace_free(struct bench_trace *t)
{
	trace_seal(t);
	free(t->ev);
	t->ev = NULL;
}

static void trace_alloc(struct bench_trace *t, unsigned order, int mt)
{
	uint32_t s = t->nfree_slots ? t->free_slots[--t->nfree_slots] : t->nslots++;

	if (s >= TRACE_MAX_SLOTS) {
		fprintf(stderr, "bench_buddy: trace too large\n");
		exit(2);
	}
	trace_push(t, EV_MAKE(1, order, mt, s));
	t->live_pos[s] = t->nlive;
	t->live[t->nlive++] = s;
	t->live_order[s] = (uint8_t)order;
	t->live_pages += 1ul << order;
	t->peak_pages = BM_MAX(t->peak_pages, t->live_pages);
}

/* Free the live block at index @i of live[] (swap-remove). */
static void trace_free_at(struct bench_trace *t, size_t i)
{
	uint32_t s = t->live[i];

	trace_push(t, EV_MAKE(0, t->live_order[s], 0, s));
	t->live_pages -= 1ul << t->live_order[s];
	t->live[i] = t->live[--t->nlive];
	t->live_pos[t->live[i]] = i;
	t->free_slots[t->nfree_slots++] = s;
}

static void trace_free_random(struct bench_trace *t)
{
	if (t->nlive)
		trace_free_at(t, (size_t)(bench_rand(&t->rng) % t->nlive));
}

/* Free every live block, in a random order. */
static void trace_free_all(struct bench_trace *t)
{
	while (t->nlive)
		trace_free_random(t);
}

/* An order from cumulative per-mille cum[0..10] (cum[10] == 1000). */
static unsigned trace_pick_order(struct bench_trace *t, const unsigned short *cum)
{
	unsigned x = (unsigned)(bench_rand(&t->rng) % 1000), o = 0;

	while (o < 10 && x >= cum[o])
		o++;
	return o;
}

static int trace_pick_mt(struct bench_trace *t, unsigned unmovable_pct, unsigned reclaim_pct)
{
	unsigned x = (unsigned)(bench_rand(&t->rng) % 100);

	if (x < unmovable_pct)
		return MIGRATE_UNMOVABLE;
	if (x < unmovable_pct + reclaim_pct)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_MOVABLE;
}

/* order0: @rounds rounds of @batch allocations, then frees in random order. */
static void trace_make_order0(struct bench_trace *t, unsigned rounds, unsigned batch)
{
	trace_init(t, "order0", 1);
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < batch; i++)
			trace_alloc(t, 0, MIGRATE_MOVABLE);
		trace_free_all(t);
	}
	trace_seal(t);
}

/* mixed: @events around a live set of @live blocks. */
static void trace_make_mixed(struct bench_trace *t, unsigned long events, unsigned live)
{
	/* per mille: 0:600 1:120 2:100 3:100 4:20 5:15 6:10 7:10 8:5 9:15 10:5 */
	static const unsigned short cum[11] = { 600, 720, 820, 920, 940, 955, 965, 975, 980, 995, 1000 };

	trace_init(t, "mixed", 2);
	while (t->n < events) {
		if (t->nlive < live / 2 || (t->nlive < live && (bench_rand(&t->rng) & 1)))
			trace_alloc(t, trace_pick_order(t, cum), trace_pick_mt(t, 25, 5));
		else
			trace_free_random(t);
	}
	trace_free_all(t);
	trace_seal(t);
}

/*
 * boot: a boot's allocations, scaled by @scale (1 = about 1.4 M events,
 * peak about 750,000 pages, 2.9 GiB, live).
 */
static void trace_make_boot(struct bench_trace *t, double scale)
{
	/* per mille: slab 0:700 1-3:100 each; user 0:900 1:40 2:30 3:20 9 (THP):10 */
	static const unsigned short slab[11] = { 700, 800, 900, 1000, 1000, 1000, 1000, 1000,
						 1000, 1000, 1000 };
	static const unsigned short user[11] = { 900, 940, 970, 990, 990, 990, 990, 990, 990,
						 1000, 1000 };
	unsigned long n;
	size_t keep;

	trace_init(t, "boot", 3);
	/* Early boot: slab, page tables, per-cpu; one in ten freed again soon. */
	n = (unsigned long)(60000 * scale);
	for (unsigned long i = 0; i < n; i++) {
		trace_alloc(t, trace_pick_order(t, slab), trace_pick_mt(t, 85, 15));
		if (bench_rand(&t->rng) % 10 == 0)
			trace_free_at(t, t->nlive - 1 - (size_t)(bench_rand(&t->rng) % BM_MIN(t->nlive, 64)));
	}
	/* Drivers: DMA buffers and pools of order 4 to 10, half of them freed. */
	keep = t->nlive;
	n = (unsigned long)(400 * scale);
	for (unsigned long i = 0; i < n; i++)
		trace_alloc(t, 4 + (unsigned)(bench_rand(&t->rng) % 7), MIGRATE_UNMOVABLE);
	while (t->nlive > keep + n / 2)
		trace_free_at(t, keep + (size_t)(bench_rand(&t->rng) % (t->nlive - keep)));
	/* initramfs: order-0 page cache, with slab alongside; freed afterwards. */
	keep = t->nlive;
	n = (unsigned long)(80000 * scale);
	for (unsigned long i = 0; i < n; i++) {
		trace_alloc(t, 0, MIGRATE_MOVABLE);
		if (i % 8 == 0)
			trace_alloc(t, trace_pick_order(t, slab), MIGRATE_RECLAIMABLE);
	}
	while (t->nlive > keep)
		trace_free_at(t, keep + (size_t)(bench_rand(&t->rng) % (t->nlive - keep)));
	/* User space: churn around a growing live set, THP sized blocks too. */
	n = (unsigned long)(1000000 * scale);
	for (unsigned long i = 0; i < n; i++) {
		size_t target = keep + 60000 * scale * (double)i / (double)n;

		if (t->nlive < target || (bench_rand(&t->rng) % 100) < 45)
			trace_alloc(t, trace_pick_order(t, user), trace_pick_mt(t, 8, 4));
		else
			trace_free_random(t);
	}
	/* Everything goes back (process exit, caches dropped): replays repeat. */
	trace_free_all(t);
	trace_seal(t);
}

/* --- replays ------------------------------------------------------------------ */

struct replay_stats {
	unsigned long failed;		/* allocations that failed */
};

/* Replay @t against bootmm's buddy allocator. Returns ns. */
static uint64_t replay_bootmm(struct bm_machine *m, const struct bench_trace *t, uint32_t *slots,
			      struct replay_stats *st)
{
	uint64_t t0 = bench_now_ns();
	unsigned long failed = 0;	/* a local, as in the peer's loop */

	for (size_t i = 0; i < t->n; i++) {
		uint32_t e = t->ev[i];

		if (e & EV_ALLOC) {
			bm_pfn_t pfn = bm_alloc_pages(m, BM_NUMA_NO_NODE, EV_ORDER(e), BM_ZONE_NORMAL,
						      (int)EV_MT(e));

			slots[EV_SLOT(e)] = pfn == BM_NO_PFN ? BUDDY_NO_SLOT : (uint32_t)pfn;
			failed += pfn == BM_NO_PFN;
		} else if (slots[EV_SLOT(e)] != BUDDY_NO_SLOT) {
			bm_free_pages(m, slots[EV_SLOT(e)], EV_ORDER(e));
		}
	}
	t0 = bench_now_ns() - t0;
	st->failed += failed;
	return t0;
}

/*
 * The baseline: a bump pointer over @npages with one LIFO free list per
 * order. No splitting or merging: a freed block is reused only for the
 * same order.
 */
struct trivial_alloc {
	uint32_t *stack[BM_MAX_ORDER_LIMIT];
	size_t depth[BM_MAX_ORDER_LIMIT], cap[BM_MAX_ORDER_LIMIT];
	uint64_t bump, npages;
};

static void trivial_init(struct trivial_alloc *a, uint64_t npages)
{
	memset(a, 0, sizeof(*a));
	a->npages = npages;
}

static void trivial_destroy(struct trivial_alloc *a)
{
	for (int o = 0; o < BM_MAX_ORDER_LIMIT; o++)
		free(a->stack[o]);
}

static inline uint32_t trivial_alloc_pages(struct trivial_alloc *a, unsigned order)
{
	uint64_t p;

	if (a->depth[order])
		return a->stack[order][--a->depth[order]];
	p = BM_ALIGN_UP(a->bump, (uint64_t)1 << order);
	if (p + ((uint64_t)1 << order) > a->npages)
		return BUDDY_NO_SLOT;
	a->bump = p + ((uint64_t)1 << order);
	return (uint32_t)p;
}

static inline void trivial_free_pages(struct trivial_alloc *a, uint32_t pfn, unsigned order)
{
	if (a->depth[order] == a->cap[order]) {
		a->cap[order] = a->cap[order] ? a->cap[order] * 2 : 1024;
		a->stack[order] = realloc(a->stack[order], a->cap[order] * sizeof(uint32_t));
		if (!a->stack[order]) {
			fprintf(stderr, "bench_buddy: out of memory\n");
			exit(2);
		}
	}
	a->stack[order][a->depth[order]++] = pfn;
}

static uint64_t replay_trivial(struct trivial_alloc *a, const struct bench_trace *t,
			       uint32_t *slots, struct replay_stats *st)
{
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < t->n; i++) {
		uint32_t e = t->ev[i];

		if (e & EV_ALLOC) {
			uint32_t pfn = trivial_alloc_pages(a, EV_ORDER(e));

			slots[EV_SLOT(e)] = pfn;
			st->failed += pfn == BUDDY_NO_SLOT;
		} else if (slots[EV_SLOT(e)] != BUDDY_NO_SLOT) {
			trivial_free_pages(a, slots[EV_SLOT(e)], EV_ORDER(e));
		}
	}
	return bench_now_ns() - t0;
}

/* Replay @t against the peer. Returns ns. */
static uint64_t replay_peer(struct peer *x, const struct bench_trace *t, uint32_t *slots,
			    struct replay_stats *st)
{
	uint64_t t0 = bench_now_ns();

	st->failed += buddy_peer->replay(x, t->ev, t->n, slots);
	return bench_now_ns() - t0;
}

#define BUDDY_MAX_RUNS 32

struct buddy_result {
	const char *name;
	size_t events;
	unsigned long peak_pages;
	double bootmm_ns, trivial_ns, ext_ns;	/* medians per replay */
	double bootmm_spread;
	double bootmm_ops, trivial_ops, ext_ops;	/* ops/s */
	double ext_ratio;			/* median of per-replay throughput ratios */
	unsigned long failed;			/* bootmm allocation failures */
	unsigned long leaked;			/* free pages not back after a replay */
	bool have_ext;
};

/*
 * Replay @t @runs times against each allocator, interleaved. @m is a
 * booted machine; it must end every replay with as many free pages as it
 * started with.
 */
static void buddy_measure_trace(struct bm_machine *m, const struct bench_trace *t, int runs,
				struct buddy_result *r)
{
	uint32_t *slots = malloc((size_t)BM_MAX(t->nslots, 1) * sizeof(uint32_t));
	double tb[BUDDY_MAX_RUNS], tt[BUDDY_MAX_RUNS], te[BUDDY_MAX_RUNS];
	unsigned long free0 = bm_nr_free_pages(m);
	struct replay_stats st = { 0 };
	struct trivial_alloc triv;
	struct peer *ext = buddy_peer ? buddy_peer->create(free0) : NULL;

	if (!slots) {
		fprintf(stderr, "bench_buddy: out of memory\n");
		exit(2);
	}
	memset(r, 0, sizeof(*r));
	r->name = t->name;
	r->events = t->n;
	r->peak_pages = t->peak_pages;
	if (runs > BUDDY_MAX_RUNS)
		runs = BUDDY_MAX_RUNS;
	trivial_init(&triv, free0);
	for (int i = 0; i < runs; i++) {
		struct replay_stats ts = { 0 };

		tb[i] = (double)replay_bootmm(m, t, slots, &st);
		if (bm_nr_free_pages(m) != free0)
			r->leaked += free0 - bm_nr_free_pages(m);
		tt[i] = (double)replay_trivial(&triv, t, slots, &ts);
		te[i] = ext ? (double)replay_peer(ext, t, slots, &ts) : 0;
	}
	r->failed = st.failed;
	if (ext) {
		double q[BUDDY_MAX_RUNS];

		/* Each bootmm replay against the peer replay that follows it:
		 * robust to load that drifts over the run. */
		for (int i = 0; i < runs; i++)
			q[i] = te[i] / tb[i];
		r->ext_ratio = bench_median(q, runs);
	}
	r->bootmm_ns = bench_median(tb, runs);
	r->bootmm_spread = bench_spread_pct(tb, runs);
	r->trivial_ns = bench_median(tt, runs);
	r->ext_ns = bench_median(te, runs);
	r->bootmm_ops = t->n / r->bootmm_ns * 1e9;
	r->trivial_ops = t->n / r->trivial_ns * 1e9;
	r->have_ext = ext != NULL;
	r->ext_ops = ext ? t->n / r->ext_ns * 1e9 : 0;
	if (ext)
		buddy_peer->destroy(ext);
	trivial_destroy(&triv);
	free(slots);
}

/* A booted machine of @gib GiB, deferred init done. NULL on failure. */
static struct bench_machine *buddy_machine(double gib)
{
	struct bm_config cfg;
	struct bench_machine *b;

	bm_config_default(&cfg);
	cfg.threads = bench_nproc();
	b = bench_machine_create((phys_addr_t)(gib * BENCH_GiB), &cfg, 1);
	if (b && bm_boot(&b->m, NULL, 0)) {
		bench_machine_free(b);
		return NULL;
	}
	return b;
}

#ifndef BENCH_NO_MAIN
#include <dlfcn.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* The repository: bench/.. of this file as it was compiled (CMake passes
 * absolute paths). */
static void repo_dir(char *buf, size_t len)	/* len >= PATH_MAX */
{
	const char *slash = strrchr(__FILE__, '/');
	int n = slash ? (int)(slash - __FILE__) : 1;

	char raw[2048];

	snprintf(raw, sizeof(raw), "%.*s/..", n, slash ? __FILE__ : ".");
	if (!realpath(raw, buf) || strlen(buf) >= len)
		snprintf(buf, len, "%s", raw);
}

/* Run @argv, its output to stderr; true if it exited 0. */
static bool run_quiet(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		dup2(2, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

/*
 * Find spaskalev/buddy_alloc's header ($BOOTMM_EXT_BUDDY, else
 * ../shared/peers/buddy_alloc/buddy_alloc.h beside the repository),
 * compile peer_buddy_alloc.c against it into a temporary shared object and
 * load it. Prints what it found or why the peer is skipped. Returns NULL
 * if skipped.
 */
static const struct peer_api *peer_load(void)
{
	static struct peer_api api;
	const char *env = getenv("BOOTMM_EXT_BUDDY"), *cc = getenv("CC");
	char repo[PATH_MAX], header[PATH_MAX + 64], glue[PATH_MAX + 64], def[PATH_MAX + 96], dir[] = "/tmp/bench_buddy_peer.XXXXXX";
	char so[64];
	void *dl;

	repo_dir(repo, sizeof(repo));
	if (env && *env)
		snprintf(header, sizeof(header), "%s", env);
	else
		snprintf(header, sizeof(header), "%s/../shared/peers/buddy_alloc/buddy_alloc.h", repo);
	snprintf(glue, sizeof(glue), "%s/bench/peer_buddy_alloc.c", repo);
	if (access(header, R_OK)) {
		printf("   buddy_alloc peer: skipped (no %s%s)\n", header,
		       env && *env ? ", from BOOTMM_EXT_BUDDY" :
		       "; set BOOTMM_EXT_BUDDY to spaskalev/buddy_alloc's buddy_alloc.h");
		return NULL;
	}
	if (access(glue, R_OK) || !mkdtemp(dir)) {
		printf("   buddy_alloc peer: skipped (cannot read %s or make a temporary directory)\n",
		       glue);
		return NULL;
	}
	snprintf(so, sizeof(so), "%s/peer.so", dir);
	snprintf(def, sizeof(def), "-DPEER_HEADER=\"%s\"", header);
	{
		char *argv[] = { (char *)(cc && *cc ? cc : "cc"), "-O3", "-DNDEBUG", "-fPIC", "-shared",
				 "-w", def, glue, "-o", so, NULL };

		dl = run_quiet(argv) ? dlopen(so, RTLD_NOW | RTLD_LOCAL) : NULL;
	}
	unlink(so);
	rmdir(dir);
	if (dl) {
		*(void **)&api.create = dlsym(dl, "peer_create");
		*(void **)&api.destroy = dlsym(dl, "peer_destroy");
		*(void **)&api.replay = dlsym(dl, "peer_replay");
	}
	if (!dl || !api.create || !api.destroy || !api.replay) {
		printf("   buddy_alloc peer: skipped (cannot build or load %s against %s)\n", glue,
		       header);
		return NULL;
	}
	printf("   buddy_alloc peer: %s (0BSD), compiled now with %s -O3 -DNDEBUG -fPIC\n", header,
	       cc && *cc ? cc : "cc");
	return &api;
}

static void buddy_print(const struct buddy_result *r)
{
	char label[64];

	printf("   workload %s: %zu events, peak %lu pages live\n", r->name, r->events, r->peak_pages);
	snprintf(label, sizeof(label), "  bootmm buddy");
	bench_figure(label, r->bootmm_ops / 1e6, "M ops/s");
	bench_figure("    per operation", r->bootmm_ns / r->events, "ns");
	bench_figure("    run-to-run spread", r->bootmm_spread, "%");
	bench_figure("  trivial bump/free-list (baseline)", r->trivial_ops / 1e6, "M ops/s");
	bench_ratio("  bootmm throughput / baseline", r->bootmm_ops / r->trivial_ops, "baseline");
	if (r->have_ext) {
		bench_figure("  spaskalev/buddy_alloc, same events", r->ext_ops / 1e6,
			     "M ops/s");
		bench_ratio("  bootmm throughput / buddy_alloc", r->ext_ratio, "buddy_alloc");
	}
	if (r->failed || r->leaked)
		printf("   WARNING: %lu failed allocations, %lu pages not returned\n", r->failed,
		       r->leaked);
}

int main(int argc, char **argv)
{
	double gib = argc > 1 ? atof(argv[1]) : 8;
	int runs = bench_runs(5), rc = 0;
	struct bench_trace tr[3];
	double vs_peer[3] = { 0 };	/* bootmm / buddy_alloc, 0 if not measured */
	struct bench_machine *b;

	bench_banner("bench_buddy", "buddy allocator throughput and boot-trace replay");
	b = gib >= 1 ? buddy_machine(gib) : NULL;
	if (!b) {
		fprintf(stderr, "bench_buddy: cannot boot a %.0f GiB machine\n", gib);
		return 1;
	}
	printf("   machine: %.0f GiB RAM booted, %lu free pages; allocations from ZONE_NORMAL down; median of %d replays\n",
	       gib, bm_nr_free_pages(&b->m), runs);
	buddy_peer = peer_load();
	trace_make_order0(&tr[0], 16, 32768);
	trace_make_mixed(&tr[1], 1000000, 20000);
	/* The boot trace peaks at ~750,000 pages live at scale 1 (8 GiB). */
	trace_make_boot(&tr[2], BM_MIN(1.0, bm_nr_free_pages(&b->m) / 2e6));
	for (int i = 0; i < 3; i++) {
		const char *only = getenv("BENCH_BUDDY_ONLY");	/* one workload, for profiles */
		struct buddy_result r;

		if (only && strcmp(only, tr[i].name)) {
			trace_free(&tr[i]);
			continue;
		}
		buddy_measure_trace(&b->m, &tr[i], runs, &r);
		buddy_print(&r);
		vs_peer[i] = r.have_ext ? r.ext_ratio : 0;
		if (r.failed || r.leaked)
			rc = 1;
		trace_free(&tr[i]);
	}
	/* Issue 13: at least 4x buddy_alloc's throughput, order 0 and mixed. */
	if (vs_peer[0] > 0 && vs_peer[1] > 0)
		printf("   target: buddy >= 4x buddy_alloc: order0 %.2fx, mixed %.2fx: %s\n",
		       vs_peer[0], vs_peer[1],
		       vs_peer[0] >= 4 && vs_peer[1] >= 4 ? "met" : "NOT met");
	if (bench_violations(&b->m)) {
		bench_report_violations(&b->m, "bench_buddy");
		rc = 1;
	}
	bench_figure("peak RSS", bench_peak_rss_kb() / 1024.0, "MiB");
	bench_machine_free(b);
	return rc;
}
#endif
