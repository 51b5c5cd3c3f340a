/* SPDX-License-Identifier: MIT */
/*
 * Kernel eras: what changed, from one kernel to the next, in the behaviours
 * the seeds argue about, as one profile per kernel version (docs/ERAS.md
 * has every rule with its source). A profile sets the configuration keys
 * of those behaviours; anything the command line or a scenario sets
 * explicitly is applied after it and wins.
 *
 * The era of a boot log is read from the log: the "Linux version" line
 * (the Debian version string in it when there is one), else only what the
 * trace shows (memblock_free_late lines of efi_free_boot_services, the
 * 2026 "efi: Freeing EFI boot services memory" line, the order of the
 * "Freeing SMP alternatives" and "Memory:" lines against deferred init).
 */
#ifndef BOOTMM_SIM_ERA_H
#define BOOTMM_SIM_ERA_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim.h"
#include "host/bootlog.h"

struct bm_era {
	int major, minor;
	int patch;		/* -1: not given (the branch as first released) */
	bool rc;		/* a release candidate of major.minor (6.2-rc) */
	char text[24];		/* canonical: "6.12.74", "6.1", "6.2-rc" */
};

/* Where a log's era came from (bm_era_from_log). */
enum bm_era_source {
	BM_ERA_NONE,		/* nothing in the log: bootmm's defaults */
	BM_ERA_DEBIAN,		/* "Debian 6.12.74-2~bpo12+1" in the Linux version line */
	BM_ERA_UNAME,		/* the release of the Linux version line ("6.12.74+deb12-...") */
};

/**
 * bm_era_parse - a kernel version as --kernel and "config kernel=" take it
 * @text: MAJOR.MINOR[.PATCH][-rcN] ("6.1", "6.12.74", "7.1", "6.2-rc5")
 * @e: filled in on success
 * @why: reason on failure
 * @len: size of @why
 *
 * Return: 0, or -1 with @why set (and @e unchanged).
 */
int bm_era_parse(const char *text, struct bm_era *e, char *why, size_t len);

/**
 * bm_era_from_log - the kernel that printed @log
 * @log: parsed boot log
 * @e: filled in when the log names its kernel
 *
 * Return: where it came from; BM_ERA_NONE (and @e zeroed) if the log has no
 * usable "Linux version" line.
 */
enum bm_era_source bm_era_from_log(const struct bm_bootlog *log, struct bm_era *e);
const char *bm_era_source_name(enum bm_era_source s);

/**
 * bm_era_log_at_least - is the kernel that printed @log at least @major.@minor?
 * @log: parsed boot log
 * @major: kernel major version
 * @minor: kernel minor version
 * @unknown: the answer when the log names no kernel
 *
 * The one place a model asks a log's version (bm_era_from_log's reading:
 * the Debian version string before the release name).
 */
bool bm_era_log_at_least(const struct bm_bootlog *log, int major, int minor, bool unknown);

/**
 * bm_era_apply - set every era-dependent configuration key from @e's profile
 * @e: the kernel
 * @cfg: configuration; only the era's keys change (release policies of
 *       both entry points, the callers' placements, kho_fixed,
 *       memory_line_after_deferred, memblock_alloc_rsrv_kern, kernel)
 */
void bm_era_apply(const struct bm_era *e, struct bm_sim_config *cfg);

/**
 * bm_era_apply_evidence - what the log's own lines show about its kernel
 * @log: parsed boot log
 * @cfg: configuration, changed where the log shows the behaviour
 * @note: what was read (may be NULL)
 * @len: size of @note
 *
 * The trace content decides over the version table: memblock_free_late
 * lines from efi_free_boot_services (EFI freed before SMP), the 2026
 * "efi: Freeing EFI boot services memory" line (arch_initcall), where
 * "Freeing SMP alternatives" and "Memory:" sit against deferred init.
 */
void bm_era_apply_evidence(const struct bm_bootlog *log, struct bm_sim_config *cfg, char *note,
			   size_t len);

/* Behaviours a profile answers that are not configuration keys. */
/* Does this kernel print "On node N, zone Z: K pages in unavailable ranges"? */
bool bm_era_prints_unavailable(const struct bm_era *e);
/* Has this kernel the 2026 EFI fix (arch_initcall, free_reserved_area)? */
bool bm_era_efi_fixed(const struct bm_era *e);
/* Compare versions: <0, 0, >0 (an -rc sorts before its release). */
int bm_era_cmp(const struct bm_era *e, int major, int minor, int patch);

/* ---------------------------------------------------------- compare rows */

/* The eras bootmm compare shows for one machine, in this order. */
enum bm_era_row {
	BM_ROW_OWN,		/* the log's own kernel (or --kernel) */
	BM_ROW_PREFIX,		/* its branch before the 2026 EFI fix: skip-uninit */
	BM_ROW_RC,		/* v6.2-rc: memblock_free_late always releases */
	BM_ROW_FIXED,		/* its branch with the 2026 EFI fix */
	BM_ROW_WARN,		/* v7.1: unified entry points, WARN */
	BM_ROW_SAFE,		/* bootmm's own answer, no caller moved */
	BM_ROW_OPT1,		/* seed 001's three proposals (2023, not merged) */
	BM_ROW_OPT2,
	BM_ROW_OPT3,
	BM_NR_ROWS
};

/* "own", "pre-fix", "6.2-rc", "fixed", "v7.1", "bootmm", "seed001-opt1".. */
const char *bm_era_row_name(int row);

/**
 * bm_era_row_config - the configuration of one compare row
 * @row: enum bm_era_row
 * @own: the machine's configuration (its era applied, overrides not yet)
 * @cfg: receives @own with the row's era applied
 * @kernel: receives the version the row stands for ("" for bootmm's row)
 * @len: size of @kernel
 */
void bm_era_row_config(int row, const struct bm_sim_config *own, struct bm_sim_config *cfg,
		       char *kernel, size_t len);

#endif /* BOOTMM_SIM_ERA_H */
