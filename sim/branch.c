// SPDX-License-Identifier: MIT
/*
 * The branch point of a boot: where boots that differ only in how they
 * release reserved memory are still one and the same boot, so that a
 * comparison can do that common prefix once (the caller forks there).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

/* The configuration a boot of @d really runs with (sim_boot's KHO rule). */
static void effective(const struct bm_machine_desc *d, const struct bm_sim_config *in,
		      struct bm_sim_config *out)
{
	*out = *in;
	if (d->n_kho)
		out->kho = true;
}

/* Does @cfg schedule any caller at or before the branch point? */
static bool early_callers(const struct bm_machine_desc *d, const struct bm_sim_config *cfg)
{
	struct bm_action a[SIM_MAX_ACTIONS];
	struct sim_ctx c = { .desc = d, .cfg = *cfg };
	unsigned int nr = sim_callers(&c, a);

	for (unsigned int i = 0; i < nr; i++)
		if (a[i].phase <= BM_PHASE_MM_CORE_INIT)
			return true;
	return false;
}

bool bm_sim_prefix_shared(const struct bm_machine_desc *d, const struct bm_sim_config *a,
			  const struct bm_sim_config *b)
{
	struct bm_sim_config x, y;
	struct bm_config core;

	effective(d, a, &x);
	effective(d, b, &y);
	/*
	 * Everything the core reads before the branch must be equal: compare
	 * the whole core configuration (a member added later is compared
	 * too) with the members only releases read taken from @a. kho_fixed
	 * is read by pageblock init from free_area_init on, but only in a KHO
	 * boot. The simulator's own members (placements, era name) only
	 * place the callers, checked below.
	 */
	memcpy(&core, &y.core, sizeof(core));
	core.release_policy = x.release_policy;
	core.free_reserved_area_policy = x.free_reserved_area_policy;
	if (!x.kho)
		core.kho_fixed = x.kho_fixed;
	if (memcmp(&core, &x.core, sizeof(core)))
		return false;
	return !early_callers(d, &x) && !early_callers(d, &y);
}

/*
 * Before the boots part: one walk of the memory map as it is now
 * (bm_mm_check_baseline), which every boot's final check trusts for the
 * sections it did not change, so that each row's check reads what its own
 * releases wrote, not the whole map again. Only if some boot will be forked
 * here and no node's deferred init is pending (it would rewrite every
 * deferred section, leaving the baseline nothing to vouch for).
 * BOOTMM_CHECK_BASELINE=0 turns it off (the output is the same).
 */
static void baseline_for_forks(struct bm_machine *m, const bool *shared, unsigned int n)
{
	const char *env = getenv("BOOTMM_CHECK_BASELINE");
	bool forks = false;
	int nid;

	for (unsigned int i = 1; i < n; i++)
		forks |= shared[i];
	if (!forks || (env && !strcmp(env, "0")))
		return;
	bm_for_each_online_node(m, nid)
		if (m->mm.nodes[nid].deferred_pending)
			return;
	bm_mm_check_baseline(m);	/* without it each check walks everything */
}

/*
 * The first action of mm_core_init (after memblock_free_all and the rest
 * of the phase's own work, before any other action of the phase): ask the
 * caller which boot to go on as, and become it: its configuration for the
 * core and for the callers, and its timeline for the phases to come.
 */
static void branch_point(struct bm_machine *m, void *arg)
{
	struct sim_branch_point *bp = arg;
	const struct bm_sim_branch *br = bp->br;
	const struct bm_machine_desc *d = bp->ctx->desc;
	bool shared[br->n];
	unsigned int k;

	shared[0] = true;
	for (unsigned int i = 1; i < br->n; i++)
		shared[i] = bm_sim_prefix_shared(d, &br->cfgs[0], &br->cfgs[i]);
	baseline_for_forks(m, shared, br->n);
	k = br->split(br->arg, shared, br->n);
	if (k && k < br->n && shared[k]) {
		effective(d, &br->cfgs[k], &bp->ctx->cfg);
		m->cfg = bp->ctx->cfg.core;
	}
	if (br->walk_threads_after)
		m->cfg.walk_threads = bp->ctx->cfg.core.walk_threads = br->walk_threads_after;
	if (!k || k >= br->n || !shared[k])
		return;
	/* Slot 0 is this action: the core's walk goes on from slot 1. */
	memset(bp->actions + 1, 0, (bp->cap - 1) * sizeof(*bp->actions));
	sim_timeline(bp->ctx, bp->actions + 1);
}

/**
 * sim_branch_action - the branch point as an action of a boot's timeline
 * @bp: the boot's branch state (lives as long as the boot)
 *
 * Return: the action, to be put first in the timeline.
 */
struct bm_action sim_branch_action(struct sim_branch_point *bp)
{
	return (struct bm_action){ BM_PHASE_MM_CORE_INIT, branch_point, bp, "bootmm_branch" };
}

struct bm_sim_run *bm_sim_boot_branched(const struct bm_machine_desc *d,
					const struct bm_sim_branch *br, FILE *log_file, int level,
					int *err)
{
	if (!br || !br->n || !br->cfgs || !br->split) {
		*err = -BM_EINVAL;
		return NULL;
	}
	return sim_boot(d, NULL, br, log_file, level, err);
}
