// SPDX-License-Identifier: MIT
/*
 * The boot timeline: start_kernel's memory milestones in order, with work
 * scheduled at any phase. The phase is recorded with every violation, so a
 * report says not just what went wrong but when.
 */
#include "internal.h"

static void run_actions(struct bm_machine *m, int phase, const struct bm_action *a,
			unsigned int nr)
{
	const char *saved = m->caller;

	for (unsigned int i = 0; i < nr; i++) {
		if (a[i].phase != phase || !a[i].fn)
			continue;
		m->caller = a[i].name ? a[i].name : "action";
		a[i].fn(m, a[i].arg);
	}
	m->caller = saved;
}

/*
 * x86 mem_init: one page-table page per PGD entry of the vmalloc area,
 * allocated before the "Memory:" line, so its "available" figure is lower.
 */
static void preallocate_vmalloc_pages(struct bm_machine *m)
{
	const char *saved = m->caller;

	m->caller = "preallocate_vmalloc_pages";
	for (unsigned int i = 0; i < m->cfg.vmalloc_prealloc_pages; i++)
		if (bm_alloc_pages(m, BM_NUMA_NO_NODE, 0, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE) ==
		    BM_NO_PFN)
			break;
	m->caller = saved;
}

/* Enter @phase, do the kernel's own work of it, then the scheduled work. */
static void enter(struct bm_machine *m, int phase, const struct bm_action *a, unsigned int nr)
{
	bm_set_phase(m, (enum bm_phase)phase);
	/* The kernel's own work of the phase is what any finding is "via". */
	m->caller = bm_phase_name((enum bm_phase)phase);
	switch (phase) {
	case BM_PHASE_MM_CORE_INIT:
		bm_memblock_free_all(m);	/* turns the deferred_pages key on */
		preallocate_vmalloc_pages(m);
		if (!m->cfg.memory_line_after_deferred)
			bm_mem_init_print_info(m);
		break;
	case BM_PHASE_PAGE_ALLOC_INIT_LATE:
		bm_page_alloc_init_late(m);
		if (m->cfg.memory_line_after_deferred)
			bm_mem_init_print_info(m);
		break;
	case BM_PHASE_RUNNING:
		bm_release_finish(m);
		break;
	default:
		break;
	}
	run_actions(m, phase, a, nr);
}

/**
 * bm_boot - boot a machine from setup_arch to running
 * @m: machine whose memblock holds the firmware map and setup_arch's
 *     reservations
 * @actions: work to run at given phases (after that phase's kernel work)
 * @nr: number of actions
 *
 * Return: 0, or a negative error if the memory map could not be built
 * (nothing after free_area_init runs then); -BM_EINVAL, with a
 * BM_V_MISUSE violation and nothing changed, if any boot step already ran
 * (a second bm_boot) or the machine was destroyed.
 * Context: the machine must be in setup_arch; it ends in running.
 */
int bm_boot(struct bm_machine *m, const struct bm_action *actions, unsigned int nr)
{
	int ret;

	if (!bm_machine_alive(m, __func__))
		return -BM_EINVAL;
	/* Any boot step already done (a second bm_boot, even with the phase
	 * set back) would run again over the state it built. */
	if (m->phase != BM_PHASE_SETUP_ARCH || m->steps) {
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "boot started in phase %s with steps %#x done: refused",
			     bm_phase_name(m->phase), m->steps);
		return -BM_EINVAL;
	}
	bm_step_done(m, BM_STEP_BOOT);
	run_actions(m, BM_PHASE_SETUP_ARCH, actions, nr);
	m->caller = "free_area_init";
	ret = bm_free_area_init(m);
	if (ret)
		return ret;
	if (!(m->steps & BM_STEP_FREE_AREA_INIT))
		return -BM_EINVAL;	/* an action ran it: refused and recorded */
	run_actions(m, BM_PHASE_FREE_AREA_INIT, actions, nr);
	for (int phase = BM_PHASE_MM_CORE_INIT; phase < BM_NR_PHASES; phase++)
		enter(m, phase, actions, nr);
	return 0;
}
