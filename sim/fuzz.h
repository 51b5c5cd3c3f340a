/* SPDX-License-Identifier: MIT */
/*
 * bootmm fuzz: random machines (holes, 1-8 NUMA nodes, KASLR-placed kernel
 * images, EFI boot-services layouts, KHO scratch) and random release
 * timelines (which owner gives memory back, at which phase, through which
 * API), each booted under one release policy until a violation; the
 * failing scenario is then minimised and can be written as a .scn file.
 */
#ifndef BOOTMM_SIM_FUZZ_H
#define BOOTMM_SIM_FUZZ_H

#include "sim/scenario.h"

struct bm_fuzz_status {
	unsigned long execs;
	unsigned long boot_errors;
	double elapsed;			/* seconds */
	const char *stage;		/* "fuzzing", "minimising" */
};

struct bm_fuzz_config {
	uint64_t seed;
	int policy;			/* enum bm_release_policy, for every case */
	/* KEY=VALUE settings every case carries (the command line's --config),
	 * applied after the random ones; validated by the caller. */
	const char *const *settings;
	unsigned nr_settings;
	unsigned stop_kinds;		/* bit per enum bm_violation_kind; 0: default set */
	double seconds;			/* stop after this long; 0: no limit */
	unsigned long max_execs;	/* stop after this many cases; 0: no limit */
	void (*progress)(void *arg, const struct bm_fuzz_status *st);
	void *progress_arg;
};

/* Kinds the fuzzer stops on by default (what the seeds are about). */
#define BM_FUZZ_DEFAULT_KINDS						\
	((1u << BM_V_UNINIT_READ) | (1u << BM_V_DOUBLE_INIT) | (1u << BM_V_LEAK) |	\
	 (1u << BM_V_MEMBLOCK_MISMATCH) | (1u << BM_V_MIGRATETYPE) | (1u << BM_V_INVARIANT))

struct bm_fuzz_report {
	unsigned long execs;
	unsigned long boot_errors;	/* cases whose machine could not boot */
	uint64_t boot_error_seed;	/* the first of them */
	double elapsed;			/* seconds, minimisation excluded */
	double execs_per_sec;
	unsigned long kinds_seen[BM_NR_VIOLATION_KINDS];	/* cases per kind */
	bool found;
	int kind;			/* enum bm_violation_kind found */
	unsigned long found_exec;	/* 1-based index of the failing case */
	double found_after;		/* seconds to find it */
	uint64_t case_seed;		/* regenerates the failing case */
	unsigned items_before, items_after;	/* scenario lines, before/after minimising */
	unsigned long minimise_boots;
	double minimise_seconds;
	struct bm_scenario *minimised;	/* malloc'ed, NULL if nothing found */
	struct bm_sim_result result;	/* the minimised scenario's boot */
};

/* Generate the case of @case_seed under @fc into @s. */
void bm_fuzz_generate(uint64_t case_seed, const struct bm_fuzz_config *fc, struct bm_scenario *s);
/* The kind of @r to report (first of @kinds present, by severity), or -1. */
int bm_fuzz_kind(const struct bm_sim_result *r, unsigned kinds);
/* Boot case after case until a violation, the time or the case budget ends.
 * Return 0, or a negative error (out of memory). */
int bm_fuzz_run(const struct bm_fuzz_config *fc, struct bm_fuzz_report *rep);
void bm_fuzz_report_free(struct bm_fuzz_report *rep);

#endif /* BOOTMM_SIM_FUZZ_H */
