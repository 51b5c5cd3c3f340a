// SPDX-License-Identifier: MIT
/*
 * The verdict of one boot, defined once: the text of `bootmm boot`, the
 * tables of compare and the example, every --json document and every exit
 * status read it from the result, so they cannot disagree.
 *
 * A violation is one finding the checker counted (bm_violation): a leaked
 * release, one struct page read or initialised before or again, one
 * memblock/memmap disagreement, one pageblock with the wrong migratetype, a
 * misuse, a broken invariant, a WARN, or a module's SMP alternatives kept
 * after boot (the simulator records those as leaks). A boot is clean when
 * there is none. Counts are of findings, not of the records the checker
 * keeps: one record stands for a run of findings on consecutive pfns.
 */
#include "sim/sim_int.h"

/**
 * bm_sim_verdict - fill in a result's violation counts from a finished boot
 * @m: the machine after bm_boot() and bm_mm_check()
 * @r: result whose violation_counts, violations and violations_unrecorded
 *     are set
 *
 * Struct pages initialised twice are counted by the core whether or not the
 * sanitizer's records are compiled in (BOOTMM_CHECKS): the larger of the two
 * counts is taken, so a build without checks still judges them.
 * Context: the machine must not be booting any more (no deferred-init threads).
 */
void bm_sim_verdict(const struct bm_machine *m, struct bm_sim_result *r)
{
	r->violations = 0;
	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++) {
		r->violation_counts[k] = m->violation_count[k];
		if (k == BM_V_DOUBLE_INIT && m->mm.nr_double_inits > r->violation_counts[k])
			r->violation_counts[k] = m->mm.nr_double_inits;
		r->violations += r->violation_counts[k];
	}
	/* Without a record attached, no finding was kept in full. */
	r->violations_unrecorded = m->record ? m->record->nr_unrecorded : r->violations;
}

/**
 * bm_sim_clean - is a boot free of violations?
 * @r: result of bm_sim_boot() or bm_sim_compare()
 *
 * Return: true when no violation of any kind was counted: what exit status
 * 0 and the JSON member "clean" mean.
 */
bool bm_sim_clean(const struct bm_sim_result *r)
{
	return r->violations == 0;
}
