// SPDX-License-Identifier: MIT
/*
 * The scenario fuzzer behind `bootmm fuzz`.
 *
 * Cases are scenarios (sim/scenario.h), not raw bytes: every case is a
 * plausible x86-64 machine and boot, so whatever the checker finds is a
 * property of the release policy under test, and a finding minimises to a
 * few readable lines. Each case is generated from its own seed (derived
 * from the run's seed and the case index), so a finding is reproducible
 * from two numbers as well as from the .scn file.
 *
 * Layout rules, so that the generator never builds a machine the kernel
 * could not boot: node boundaries are section aligned (a section has one
 * node), the first MiB is reserved as on x86, owned ranges (kernel image,
 * initrd, EFI boot services, firmware reservations) never overlap one
 * another, and a KHO boot has scratch on every node big enough for the
 * memory map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/fuzz.h"
#include "sim/sim.h"

#define SZ_4K	((phys_addr_t)4096)
#define SZ_1M	((phys_addr_t)1 << 20)
#define SZ_2M	((phys_addr_t)2 << 20)
#define SECTION	((phys_addr_t)1 << BM_SECTION_SHIFT)
#define GEN_MAX_OWNED	64

/* splitmix64: tiny, good enough, and the same on every platform. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct gen {
	uint64_t st;
	struct bm_scenario *s;
	struct { phys_addr_t base, end; } owned[GEN_MAX_OWNED];
	unsigned nr_owned;
};

/* Uniform in [lo, hi]. */
static uint64_t between(struct gen *g, uint64_t lo, uint64_t hi)
{
	return hi <= lo ? lo : lo + mix(&g->st) % (hi - lo + 1);
}

static bool chance(struct gen *g, unsigned percent)
{
	return mix(&g->st) % 100 < percent;
}

/* Sizes spread over orders of magnitude: 4K..max, aligned to @align. */
static phys_addr_t log_size(struct gen *g, phys_addr_t min, phys_addr_t max, phys_addr_t align)
{
	unsigned lo = 63 - (unsigned)__builtin_clzll(min), hi = 63 - (unsigned)__builtin_clzll(max);
	phys_addr_t sz = (phys_addr_t)1 << between(g, lo, hi);

	sz += between(g, 0, sz) & ~(align - 1);
	return BM_MAX(min, BM_MIN(max, BM_ALIGN_DOWN(sz, align)));
}

static bool is_owned(const struct gen *g, phys_addr_t base, phys_addr_t end)
{
	for (unsigned i = 0; i < g->nr_owned; i++)
		if (base < g->owned[i].end && g->owned[i].base < end)
			return true;
	return false;
}

/*
 * A free, @align-aligned place for @size bytes inside one memory range
 * (nid -1: any node), recorded as owned. Returns 0 when none was found.
 */
static phys_addr_t place(struct gen *g, phys_addr_t size, phys_addr_t align, int nid)
{
	const struct bm_scenario *s = g->s;

	if (g->nr_owned == GEN_MAX_OWNED)
		return 0;
	for (int tries = 0; tries < 32; tries++) {
		const struct bm_scn_range *r = &s->ranges[between(g, 0, s->nr_ranges - 1)];
		phys_addr_t lo, hi, base;

		if (r->kind != BM_SCN_MEMORY || (nid >= 0 && r->nid != nid))
			continue;
		lo = BM_ALIGN_UP(BM_MAX(r->base, SZ_1M), align);
		hi = r->base + r->size;
		if (lo + size > hi)
			continue;
		base = lo + BM_ALIGN_DOWN(between(g, 0, hi - size - lo), align);
		if (is_owned(g, base, base + size))
			continue;
		g->owned[g->nr_owned].base = base;
		g->owned[g->nr_owned++].end = base + size;
		return base;
	}
	return 0;
}

static struct bm_scn_range *add_range(struct gen *g, enum bm_scn_range_kind kind, phys_addr_t base,
				      phys_addr_t size, int nid, const char *name)
{
	struct bm_scn_range *r;

	if (g->s->nr_ranges == BM_SCN_MAX_RANGES || !size)
		return NULL;
	r = &g->s->ranges[g->s->nr_ranges++];
	memset(r, 0, sizeof(*r));
	*r = (struct bm_scn_range){ .kind = kind, .base = base, .size = size, .nid = nid };
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	return r;
}

/* Memory: nodes on section boundaries, holes inside and between them. */
static void gen_memory(struct gen *g, int nodes)
{
	phys_addr_t addr = 0, budget = (phys_addr_t)between(g, 4, 24) * SECTION;

	add_range(g, BM_SCN_MEMORY, 0x1000, 0x9f000, 0, NULL);
	for (int nid = 0; nid < nodes; nid++) {
		phys_addr_t sections = between(g, 2, BM_MAX(2, budget / SECTION / (nodes - nid)));
		phys_addr_t start = nid ? addr : SZ_1M, end;
		int pieces = (int)between(g, 1, 4);

		if (nid && chance(g, 15))	/* a hole between nodes, now and then huge */
			start += chance(g, 30) ? between(g, 8, 512) * SECTION :
						 between(g, 1, 4) * SECTION;
		end = BM_ALIGN_DOWN(start, SECTION) + sections * SECTION;
		budget -= BM_MIN(budget, sections * SECTION);
		/* Memory of node n in [start, end), cut by pieces - 1 holes. */
		for (int p = 0; p < pieces && start < end; p++) {
			phys_addr_t piece_end = p == pieces - 1 ? end :
				BM_ALIGN_DOWN(start + between(g, SZ_2M, (end - start) / 2), SZ_4K);
			phys_addr_t hole;

			if (piece_end <= start)
				continue;
			add_range(g, BM_SCN_MEMORY, start, piece_end - start, nid, NULL);
			hole = chance(g, 50) ? log_size(g, SZ_4K, 64 * SZ_1M, SZ_4K) : 0;
			start = piece_end + hole;
		}
		addr = end;
	}
}

/* A KASLR-placed image: text, rodata, data, init, .smp_locks after
 * __init_end (as x86's vmlinux.lds has it), bss. */
static void gen_kernel(struct gen *g)
{
	struct bm_kernel_image *k = &g->s->kernel;
	phys_addr_t size = between(g, 8, 24) * SZ_2M, base = place(g, size, SZ_2M, -1), p;

	if (!base)
		return;
	memset(k, 0, sizeof(*k));
	k->text_start = base;
	k->text_end = base + BM_ALIGN_DOWN(size * 2 / 5, SZ_4K) - between(g, 0, 16) * SZ_4K;
	k->rodata_start = BM_ALIGN_UP(k->text_end, SZ_2M);
	k->rodata_end = k->rodata_start + BM_ALIGN_DOWN(size / 5, SZ_4K);
	k->data_start = BM_ALIGN_UP(k->rodata_end, SZ_2M);
	k->data_end = k->data_start + BM_ALIGN_DOWN(size / 10, SZ_4K);
	k->init_start = k->data_end;
	k->init_end = k->init_start + BM_ALIGN_DOWN(size / 10, SZ_4K);
	k->smp_locks_start = k->init_end;
	k->smp_locks_end = k->smp_locks_start + between(g, 1, 16) * SZ_4K;
	p = k->smp_locks_end;
	k->bss_start = p;
	k->bss_end = base + size;
	if (k->bss_end <= k->bss_start)
		k->bss_end = k->bss_start = 0;
	g->s->has_kernel = true;
}

/* One scratch range per node, big enough for the node's memory map. */
static void gen_kho(struct gen *g, int nodes)
{
	for (int nid = 0; nid < nodes; nid++) {
		const struct bm_scn_range *big = NULL;
		phys_addr_t size, base;

		for (unsigned i = 0; i < g->s->nr_ranges; i++) {
			const struct bm_scn_range *r = &g->s->ranges[i];

			if (r->kind == BM_SCN_MEMORY && r->nid == nid && (!big || r->size > big->size))
				big = r;
		}
		if (!big)
			continue;
		size = BM_ALIGN_UP(BM_MAX(64 * SZ_1M, big->size / 4), SZ_2M);
		if (size > big->size / 2)
			size = BM_ALIGN_DOWN(big->size / 2, SZ_2M);
		if (size < 16 * SZ_1M)
			continue;
		base = BM_ALIGN_UP(BM_MAX(big->base, SZ_1M), SZ_2M);
		if (base + size > big->base + big->size)
			continue;
		base += BM_ALIGN_DOWN(between(g, 0, big->base + big->size - size - base), SZ_2M);
		/* Scratch is free memory handed over for the new kernel's own
		 * allocations: nothing else of this boot may sit in it. */
		if (is_owned(g, base, base + size) || g->nr_owned == GEN_MAX_OWNED)
			continue;
		g->owned[g->nr_owned].base = base;
		g->owned[g->nr_owned++].end = base + size;
		add_range(g, BM_SCN_KHO, base, size, nid, NULL);
	}
}

static const int release_phases[] = {
	BM_PHASE_MM_CORE_INIT, BM_PHASE_BEFORE_SMP, BM_PHASE_EARLY_INITCALL, BM_PHASE_SMP_INIT,
	BM_PHASE_PAGE_ALLOC_INIT_LATE, BM_PHASE_CORE_INITCALL, BM_PHASE_ARCH_INITCALL,
	BM_PHASE_SUBSYS_INITCALL, BM_PHASE_DEVICE_INITCALL, BM_PHASE_LATE_INITCALL,
	BM_PHASE_FREE_INITMEM, BM_PHASE_RUNNING,
};

static int random_phase(struct gen *g)
{
	/* Half before deferred init is done, where the hand-offs are fragile. */
	if (chance(g, 50))
		return release_phases[between(g, 0, 3)];
	return release_phases[between(g, 0, BM_ARRAY_SIZE(release_phases) - 1)];
}

static void add_setting(struct bm_scenario *s, const char *key, const char *value)
{
	struct bm_scn_setting *st;

	if (s->nr_settings == BM_SCN_MAX_SETTINGS)
		return;
	st = &s->settings[s->nr_settings++];
	memset(st, 0, sizeof(*st));
	snprintf(st->key, sizeof(st->key), "%s", key);
	snprintf(st->value, sizeof(st->value), "%s", value);
}

static void gen_timeline(struct gen *g, int nodes)
{
	struct bm_scenario *s = g->s;
	unsigned nres = (unsigned)between(g, 0, 8);

	for (unsigned i = 0; i < nres; i++) {
		char name[16];
		phys_addr_t size = log_size(g, SZ_4K, 32 * SZ_1M, SZ_4K), base = place(g, size, SZ_4K, -1);
		struct bm_scn_action *a;

		if (!base)
			continue;
		snprintf(name, sizeof(name), "fw%u", i);
		add_range(g, BM_SCN_RESERVE, base, size, 0, name);
		if (!chance(g, 70) || s->nr_actions == BM_SCN_MAX_ACTIONS)
			continue;
		a = &s->actions[s->nr_actions++];
		memset(a, 0, sizeof(*a));
		a->phase = random_phase(g);
		a->op = BM_SCN_RELEASE;
		a->base = base;
		a->size = size;
		a->api = chance(g, 50) ? BM_API_MEMBLOCK_FREE_LATE : BM_API_FREE_RESERVED_AREA;
		snprintf(a->name, sizeof(a->name), "%s", name);
	}
	for (unsigned i = 0, n = chance(g, 30) ? (unsigned)between(g, 1, 3) : 0; i < n; i++) {
		struct bm_scn_action *a;

		if (s->nr_actions == BM_SCN_MAX_ACTIONS)
			break;
		a = &s->actions[s->nr_actions++];
		memset(a, 0, sizeof(*a));
		a->phase = random_phase(g);
		a->op = BM_SCN_ALLOCATE;
		a->order = (unsigned)between(g, 0, 10);
		a->mt = (int)between(g, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE);
		a->nid = (int)between(g, 0, (uint64_t)nodes - 1);
		a->count = (unsigned)between(g, 1, 64);
	}
}

/**
 * bm_fuzz_generate - one random case
 * @case_seed: the case's seed
 * @fc: run configuration (policy, the command line's settings)
 * @s: filled with a valid scenario
 */
void bm_fuzz_generate(uint64_t case_seed, const struct bm_fuzz_config *fc, struct bm_scenario *s)
{
	static const char *const placements[] = { "auto", "historical", "historical", "fixed",
						   "initmem" };
	struct gen g = { .st = case_seed, .s = s };
	unsigned r = (unsigned)between(&g, 0, 99);
	int nodes = r < 45 ? 1 : r < 70 ? 2 : r < 85 ? (int)between(&g, 3, 4) : (int)between(&g, 5, 8);

	memset(s, 0, sizeof(*s));
	snprintf(s->file, sizeof(s->file), "fuzz-%016llx.scn", (unsigned long long)case_seed);
	snprintf(s->name, sizeof(s->name), "fuzz case %#llx", (unsigned long long)case_seed);
	gen_memory(&g, nodes);
	add_range(&g, BM_SCN_RESERVE, 0, SZ_1M, 0, "real-mode");
	g.owned[g.nr_owned].base = 0;
	g.owned[g.nr_owned++].end = SZ_1M;
	if (chance(&g, 20))
		gen_kho(&g, nodes);
	if (chance(&g, 90))
		gen_kernel(&g);
	if (chance(&g, 50)) {
		phys_addr_t size = log_size(&g, SZ_1M, 64 * SZ_1M, SZ_4K), base = place(&g, size, SZ_4K, -1);

		if (base)
			s->initrd = (struct bm_sim_range){ base, size };
	}
	if (chance(&g, 70)) {
		for (unsigned i = 0, n = (unsigned)between(&g, 1, 10); i < n; i++) {
			phys_addr_t size = log_size(&g, SZ_4K, 96 * SZ_1M, SZ_4K);
			phys_addr_t base = place(&g, size, SZ_4K, -1);

			if (base)
				add_range(&g, BM_SCN_EFI_BOOT, base, size, 0, NULL);
		}
	}
	if (chance(&g, 25)) {
		s->alt_modules = (unsigned)between(&g, 1, 8);
		s->alt_pages = (unsigned long)between(&g, 1, 4);
	}
	gen_timeline(&g, nodes);
	s->nr_cpus = (int)between(&g, 1, 8);
	add_setting(s, "keep_memblock", chance(&g, 50) ? "on" : "off");
	add_setting(s, "placement", placements[between(&g, 0, BM_ARRAY_SIZE(placements) - 1)]);
	if (chance(&g, 20))
		add_setting(s, "memory_line_after_deferred", "on");
	if (chance(&g, 5))
		add_setting(s, "deferred", "off");
	for (unsigned i = 0; i < fc->nr_settings; i++) {
		const char *eq = strchr(fc->settings[i], '=');
		char key[32];

		if (!eq || (size_t)(eq - fc->settings[i]) >= sizeof(key))
			continue;
		memcpy(key, fc->settings[i], (size_t)(eq - fc->settings[i]));
		key[eq - fc->settings[i]] = '\0';
		add_setting(s, key, eq + 1);
	}
	add_setting(s, "policy", bm_policy_name(fc->policy));
}

/**
 * bm_fuzz_kind - the violation to report for a result
 * @r: result of a boot
 * @kinds: bit per enum bm_violation_kind of interest
 *
 * Return: the most specific kind present (a read of garbage outranks the
 * leak it may come with), or -1.
 */
int bm_fuzz_kind(const struct bm_sim_result *r, unsigned kinds)
{
	static const struct { int kind; int key; } order[] = {
		{ BM_V_UNINIT_READ, BM_RK_UNINIT_READS },
		{ BM_V_DOUBLE_INIT, BM_RK_DOUBLE_INITS },
		{ BM_V_MIGRATETYPE, BM_RK_MIGRATETYPE_ERRORS },
		{ BM_V_MEMBLOCK_MISMATCH, BM_RK_MEMBLOCK_MISMATCHES },
		{ BM_V_LEAK, BM_RK_LEAKED_PAGES },
		{ BM_V_INVARIANT, BM_RK_INVARIANT },
		{ BM_V_MISUSE, BM_RK_MISUSE },
		{ BM_V_WARN, BM_RK_WARNS },
	};

	for (size_t i = 0; i < BM_ARRAY_SIZE(order); i++)
		if ((kinds & (1u << order[i].kind)) && bm_result_value(r, order[i].key) > 0)
			return order[i].kind;
	return -1;
}

/* Boot one scenario; false if it could not be built or booted. */
static bool boot_case(const struct bm_scenario *s, struct bm_sim_result *res)
{
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_parse_error err;
	struct bm_sim_run *run;
	int e = 0;

	if (bm_scenario_build(s, NULL, &d, &cfg, &err))
		return false;
	run = bm_sim_boot(&d, &cfg, NULL, 0, &e);
	bm_scenario_desc_free(&d);
	if (!run)
		return false;
	*res = run->res;
	bm_sim_run_free(run);
	return true;
}

/* Write and read back: the candidate must be a file `bootmm boot` accepts. */
static bool roundtrip(const struct bm_scenario *s, struct bm_scenario *out)
{
	struct bm_parse_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok;

	if (!f)
		return false;
	ok = !bm_scenario_write(s, f);
	fclose(f);
	ok = ok && !bm_scenario_parse_buf(s->file, buf, len, out, &err);
	free(buf);
	return ok;
}

struct minimiser {
	const struct bm_fuzz_config *fc;
	int kind;
	unsigned long misuse;		/* the original's: a candidate may not add misuse */
	unsigned long boots;
	struct bm_scenario *cand, *parsed;
	struct bm_sim_result res;
};

static bool still_fails(struct minimiser *mz)
{
	struct bm_sim_result r;

	mz->boots++;
	if (!roundtrip(mz->cand, mz->parsed) || !boot_case(mz->parsed, &r))
		return false;
	if (!(bm_result_value(&r, BM_RK_MISUSE) <= (int64_t)mz->misuse &&
	      bm_fuzz_kind(&r, 1u << mz->kind) == mz->kind))
		return false;
	mz->res = r;
	return true;
}

static unsigned scenario_items(const struct bm_scenario *s)
{
	return s->nr_ranges + s->nr_actions + s->nr_settings + s->has_kernel + !!s->initrd.size +
	       !!s->alt_modules;
}

static bool removable_setting(const struct bm_fuzz_config *fc, const struct bm_scn_setting *st)
{
	if (!strcmp(st->key, "policy"))
		return false;
	for (unsigned i = 0; i < fc->nr_settings; i++)
		if (!strncmp(fc->settings[i], st->key, strlen(st->key)) &&
		    fc->settings[i][strlen(st->key)] == '=')
			return false;
	return true;
}

/* Try @s without one item; keep the removal if the violation persists. */
#define TRY_WITHOUT(mz, s, edit)						\
	do {									\
		*(mz)->cand = *(s);						\
		edit;								\
		if (still_fails(mz)) {						\
			*(s) = *(mz)->cand;					\
			changed = true;						\
		}								\
	} while (0)

/* Greedy: drop actions, ranges, settings, the image... while the same kind persists. */
static void minimise(struct minimiser *mz, struct bm_scenario *s)
{
	bool changed = true;

	for (int pass = 0; changed && pass < 8 && mz->boots < 3000; pass++) {
		changed = false;
		for (unsigned i = s->nr_actions; i-- > 0;)
			TRY_WITHOUT(mz, s, {
				memmove(&mz->cand->actions[i], &mz->cand->actions[i + 1],
					(mz->cand->nr_actions - i - 1) * sizeof(mz->cand->actions[0]));
				mz->cand->nr_actions--;
			});
		for (unsigned i = s->nr_ranges; i-- > 0;)
			TRY_WITHOUT(mz, s, {
				memmove(&mz->cand->ranges[i], &mz->cand->ranges[i + 1],
					(mz->cand->nr_ranges - i - 1) * sizeof(mz->cand->ranges[0]));
				mz->cand->nr_ranges--;
			});
		for (unsigned i = s->nr_settings; i-- > 0;) {
			if (!removable_setting(mz->fc, &s->settings[i]))
				continue;
			TRY_WITHOUT(mz, s, {
				memmove(&mz->cand->settings[i], &mz->cand->settings[i + 1],
					(mz->cand->nr_settings - i - 1) * sizeof(mz->cand->settings[0]));
				mz->cand->nr_settings--;
			});
		}
		if (s->has_kernel)
			TRY_WITHOUT(mz, s, mz->cand->has_kernel = false);
		if (s->has_kernel && s->kernel.smp_locks_end)
			TRY_WITHOUT(mz, s, mz->cand->kernel.smp_locks_start =
					   mz->cand->kernel.smp_locks_end = 0);
		if (s->initrd.size)
			TRY_WITHOUT(mz, s, mz->cand->initrd.size = 0);
		if (s->alt_modules)
			TRY_WITHOUT(mz, s, mz->cand->alt_modules = 0);
		if (s->nr_cpus)
			TRY_WITHOUT(mz, s, mz->cand->nr_cpus = 0);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const struct bm_fuzz_config *fc, struct bm_fuzz_report *rep, double start,
		   const char *stage)
{
	struct bm_fuzz_status st = { rep->execs, rep->boot_errors, now_s() - start, stage };

	if (fc->progress)
		fc->progress(fc->progress_arg, &st);
}

/**
 * bm_fuzz_run - fuzz until a violation of the chosen kinds, or the budget ends
 * @fc: configuration
 * @rep: filled in; free with bm_fuzz_report_free()
 *
 * Return: 0 (whether or not something was found), or -BM_ENOMEM.
 */
int bm_fuzz_run(const struct bm_fuzz_config *fc, struct bm_fuzz_report *rep)
{
	unsigned kinds = fc->stop_kinds ? fc->stop_kinds : BM_FUZZ_DEFAULT_KINDS;
	struct bm_scenario *s = malloc(sizeof(*s));
	double start = now_s(), last = 0;
	uint64_t seeds = fc->seed;

	memset(rep, 0, sizeof(*rep));
	rep->kind = -1;
	if (!s)
		return -BM_ENOMEM;
	for (;;) {
		double t = now_s() - start;
		uint64_t case_seed = mix(&seeds);
		struct bm_sim_result r;
		int kind;

		if ((fc->seconds > 0 && t >= fc->seconds) ||
		    (fc->max_execs && rep->execs >= fc->max_execs))
			break;
		if (t - last >= 0.2) {
			last = t;
			report(fc, rep, start, "fuzzing");
		}
		bm_fuzz_generate(case_seed, fc, s);
		rep->execs++;
		if (!boot_case(s, &r)) {
			/* A generator bug or a core limit: keep the case to look at. */
			if (!rep->boot_errors++)
				rep->boot_error_seed = case_seed;
			if (getenv("BOOTMM_FUZZ_DEBUG"))
				bm_scenario_write(s, stderr);
			continue;
		}
		for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
			rep->kinds_seen[k] += bm_fuzz_kind(&r, 1u << k) == k;
		kind = bm_fuzz_kind(&r, kinds);
		if (kind < 0)
			continue;
		rep->found = true;
		rep->kind = kind;
		rep->found_exec = rep->execs;
		rep->found_after = now_s() - start;
		rep->case_seed = case_seed;
		rep->result = r;
		break;
	}
	rep->elapsed = now_s() - start;
	rep->execs_per_sec = rep->elapsed > 0 ? (double)rep->execs / rep->elapsed : 0;
	if (rep->found) {
		struct minimiser mz = { .fc = fc, .kind = rep->kind, .misuse = rep->result.misuse };
		double t0 = now_s();

		mz.cand = malloc(sizeof(*mz.cand));
		mz.parsed = malloc(sizeof(*mz.parsed));
		if (!mz.cand || !mz.parsed) {
			free(mz.cand);
			free(mz.parsed);
			free(s);
			return -BM_ENOMEM;
		}
		report(fc, rep, start, "minimising");
		rep->items_before = scenario_items(s);
		mz.res = rep->result;
		minimise(&mz, s);
		rep->items_after = scenario_items(s);
		rep->minimise_boots = mz.boots;
		rep->minimise_seconds = now_s() - t0;
		rep->result = mz.res;
		rep->minimised = s;
		free(mz.cand);
		free(mz.parsed);
		return 0;
	}
	free(s);
	return 0;
}

/* Release the minimised scenario a report holds. */
void bm_fuzz_report_free(struct bm_fuzz_report *rep)
{
	free(rep->minimised);
	rep->minimised = NULL;
}
