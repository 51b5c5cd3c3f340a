// SPDX-License-Identifier: MIT
/*
 * Boots for the command: bm_sim_boot (one policy) or bm_sim_compare (every
 * policy) of the machine with a probe on its timeline that records what the
 * output describes but the finished machine no longer shows (each node's
 * first_deferred_pfn is reset once deferred init runs), and the progress of
 * long boots.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct probe_arg {
	struct cli_facts *facts;
	const struct bm_machine_desc *desc;
	struct progress *progress;
};

/* After each phase's work: a long boot (a 1 TiB machine takes seconds of
 * deferred init) shows where it is. */
static void probe_phase(struct bm_machine *m, void *arg)
{
	struct probe_arg *pa = arg;

	progress_update(pa->progress, "booting %.60s: %s done", pa->desc->name,
			bm_phase_name(m->phase));
}

/* Runs at free_area_init, after the kernel's own work of that phase. */
static void probe_free_area_init(struct bm_machine *m, void *arg)
{
	struct probe_arg *pa = arg;
	struct cli_facts *f = pa->facts;
	int nid;

	for (int i = 0; i < BM_MAX_NUMNODES; i++)
		f->first_deferred[i] = BM_NO_PFN;
	f->nr_nodes = 0;
	bm_for_each_online_node(m, nid) {
		f->first_deferred[nid] = m->mm.nodes[nid].first_deferred_pfn;
		f->nr_nodes++;
	}
	f->memory_bytes = bm_memblock_phys_mem_size(m);
	f->efi_boot_bytes = 0;
	f->efi_boot_deferred_bytes = 0;
	for (size_t i = 0; i < pa->desc->n_efi_boot; i++) {
		const struct bm_sim_range *r = &pa->desc->efi_boot[i];
		bm_pfn_t s = BM_PFN_UP(r->base), e = BM_PFN_DOWN(r->base + r->size);

		f->efi_boot_bytes += r->size;
		for (bm_pfn_t pfn = s; pfn < e; pfn++)
			if (bm_pfn_deferred(m, pfn))
				f->efi_boot_deferred_bytes += BM_PAGE_SIZE;
	}
}

/* The machine with the probe's (and the progress's) actions appended. */
struct probed {
	struct probe_arg pa;
	struct cli_facts scratch;
	struct bm_machine_desc desc;
	struct bm_action *acts;
};

static int probe_attach(struct probed *p, const struct bm_machine_desc *d,
			struct cli_facts *facts, struct progress *progress)
{
	unsigned int n = d->nr_extra_actions;

	p->pa = (struct probe_arg){ facts ? facts : &p->scratch, d, progress };
	p->desc = *d;
	p->acts = calloc(n + 1 + BM_NR_PHASES, sizeof(*p->acts));
	if (!p->acts)
		return -BM_ENOMEM;
	memset(p->pa.facts, 0, sizeof(*p->pa.facts));
	for (int i = 0; i < BM_MAX_NUMNODES; i++)
		p->pa.facts->first_deferred[i] = BM_NO_PFN;
	if (n)
		memcpy(p->acts, d->extra_actions, n * sizeof(*p->acts));
	p->acts[n++] = (struct bm_action){
		BM_PHASE_FREE_AREA_INIT, probe_free_area_init, &p->pa, "bootmm_probe"
	};
	for (int ph = BM_PHASE_FREE_AREA_INIT; progress && ph < BM_NR_PHASES; ph++)
		p->acts[n++] = (struct bm_action){ ph, probe_phase, &p->pa, "bootmm_progress" };
	p->desc.extra_actions = p->acts;
	p->desc.nr_extra_actions = n;
	return 0;
}

/**
 * cli_boot - boot a description for the command
 * @d: the machine
 * @cfg: configuration
 * @log_file: where log lines at or below @level go (NULL: none)
 * @level: BM_LOG_* threshold
 * @facts: filled with what the probe saw (may be NULL)
 * @progress: indicator to update after each phase (NULL: none)
 * @err: negative error when NULL is returned
 *
 * Return: the finished run (bm_sim_run_free), or NULL.
 */
struct bm_sim_run *cli_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			    FILE *log_file, int level, struct cli_facts *facts,
			    struct progress *progress, int *err)
{
	struct probed p;
	struct bm_sim_run *run;

	*err = probe_attach(&p, d, facts, progress);
	if (*err)
		return NULL;
	run = bm_sim_boot(&p.desc, cfg, log_file, level, err);
	free(p.acts);
	return run;
}

/**
 * cli_boot_branched - cli_boot of a branched boot (bm_sim_boot_branched)
 * @d: the machine
 * @br: the configurations (br->cfgs[0] is booted) and the split callback
 * @facts: filled with what the probe saw (may be NULL)
 * @err: negative error when NULL is returned
 *
 * Return: the finished run under the configuration the split chose, or NULL.
 */
struct bm_sim_run *cli_boot_branched(const struct bm_machine_desc *d,
				     const struct bm_sim_branch *br, struct cli_facts *facts,
				     int *err)
{
	struct probed p;
	struct bm_sim_run *run;

	*err = probe_attach(&p, d, facts, NULL);
	if (*err)
		return NULL;
	run = bm_sim_boot_branched(&p.desc, br, NULL, 0, err);
	free(p.acts);
	return run;
}

static void policy_progress(void *arg, int policy)
{
	progress_update(arg, "booting under %s (%d/%d)", bm_policy_name(policy), policy + 1,
			BM_NR_POLICIES);
}

/**
 * cli_boot_policies - the machine under every release policy (bm_sim_compare)
 * @d: the machine
 * @cfg: configuration; its policy is replaced per boot
 * @res: results per policy
 * @facts: what the probe saw at free_area_init (the same under every policy:
 *         nothing is released before it)
 *
 * Return: 0, or a negative error if a boot could not be set up.
 */
int cli_boot_policies(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
		      struct bm_sim_result res[BM_NR_POLICIES], struct cli_facts *facts)
{
	struct progress pr;
	struct probed p;
	int ret = probe_attach(&p, d, facts, NULL);

	if (ret)
		return ret;
	progress_init(&pr);
	ret = bm_sim_compare(&p.desc, cfg, res, policy_progress, &pr);
	progress_done(&pr);
	free(p.acts);
	return ret;
}

/* A phase for output: its name, or "never" for -1 (nothing became usable). */
const char *cli_phase_str(int phase)
{
	return phase < 0 ? "never" : bm_phase_name((enum bm_phase)phase);
}
