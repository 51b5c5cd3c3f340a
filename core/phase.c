// SPDX-License-Identifier: MIT
/*
 * The boot-step state machine: start_kernel runs free_area_init,
 * memblock_free_all (mm_core_init) and page_alloc_init_late once each, in
 * that order, and nothing runs on a machine after its teardown. The kernel
 * gets this order from its code; a library caller can get it wrong, and
 * each wrong order corrupts state quietly (memblock_free_all twice frees
 * every free page twice, free_area_init twice initialises every struct
 * page again, a page freed before the buddy exists is freed again by the
 * hand-off). So the steps are recorded here, and an entry point called out
 * of order, twice, or after bm_machine_destroy is refused with one
 * BM_V_MISUSE violation before it changes anything.
 *
 * The step record (m->steps) is separate from m->phase on purpose: the
 * phase says which initcall level is running, and callers may set it (the
 * fuzzer and the simulator do); a step, once done, stays done.
 */
#include "internal.h"

static const char *const step_names[] = {
	[0] = "free_area_init",
	[1] = "memblock_free_all",
	[2] = "page_alloc_init_late",
	[3] = "bm_boot",
};

static const char *step_name(unsigned int step)
{
	for (unsigned int i = 0; i < sizeof(step_names) / sizeof(step_names[0]); i++)
		if (step == 1u << i)
			return step_names[i];
	return "?";
}

/* The step each step needs before it (0: none). */
static unsigned int step_needs(unsigned int step)
{
	switch (step) {
	case BM_STEP_FREE_ALL:
		return BM_STEP_FREE_AREA_INIT;
	case BM_STEP_INIT_LATE:
		return BM_STEP_FREE_ALL;
	default:
		return 0;
	}
}

/**
 * bm_machine_alive - refuse a call on a destroyed machine
 * @m: machine
 * @func: the entry point called (named in the violation)
 *
 * Return: true if @m may be used; false (one BM_V_MISUSE recorded in @m's
 * own record, which teardown keeps) after bm_machine_destroy.
 * Context: any entry point, before it touches any state.
 */
bool bm_machine_alive(struct bm_machine *m, const char *func)
{
	if (!m->dead)
		return true;
	bm_violation(m, BM_V_MISUSE, 0, 0, func, "%s on a destroyed machine: refused", func);
	return false;
}

/**
 * bm_step_begin - may a boot step run now?
 * @m: machine
 * @step: BM_STEP_*
 *
 * Return: true if @step has not run yet, the step it needs has, and the
 * machine is alive; otherwise false with a BM_V_MISUSE violation naming
 * what is wrong, and the caller must return without changing anything.
 * Context: the entry of each boot step.
 */
bool bm_step_begin(struct bm_machine *m, unsigned int step)
{
	unsigned int need = step_needs(step);

	if (!bm_machine_alive(m, step_name(step)))
		return false;
	if (m->steps & step) {
		bm_violation(m, BM_V_MISUSE, 0, 0, step_name(step),
			     "%s called twice: refused", step_name(step));
		return false;
	}
	if (need && !(m->steps & need)) {
		bm_violation(m, BM_V_MISUSE, 0, 0, step_name(step),
			     "%s before %s: refused", step_name(step), step_name(need));
		return false;
	}
	return true;
}

/**
 * bm_step_done - record that a boot step has run
 * @m: machine
 * @step: BM_STEP_*
 *
 * Context: the end of a successful boot step.
 */
void bm_step_done(struct bm_machine *m, unsigned int step)
{
	m->steps |= step;
}

/**
 * bm_buddy_usable - refuse a page allocator call before the allocator exists
 * @m: machine
 * @func: the entry point called
 * @pfn: the pfn concerned, for the violation (0 if none)
 *
 * The buddy allocator owns free memory from memblock_free_all on; a page
 * freed or allocated before that would be handed off (freed) a second
 * time, or taken from lists that do not exist yet.
 * Return: true if the page allocator may be used; false with a
 * BM_V_MISUSE violation. Context: page allocator entry points.
 */
bool bm_buddy_usable(struct bm_machine *m, const char *func, bm_pfn_t pfn)
{
	if (!bm_machine_alive(m, func))
		return false;
	if (m->mm.buddy_ready)
		return true;
	bm_violation(m, BM_V_MISUSE, pfn, pfn + 1, func,
		     "%s before memblock_free_all: the buddy allocator does not own memory yet",
		     func);
	return false;
}
