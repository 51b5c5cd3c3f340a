// SPDX-License-Identifier: MIT
/*
 * One boot for the command: bm_sim_boot plus a probe on the timeline that
 * records what the output describes but the finished machine no longer
 * shows (each node's first_deferred_pfn is reset once deferred init runs),
 * and the progress of long boots.
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
struct bm_sim_run *cli_boot(const struct bm_machine_desc *d, const struct bm_config *cfg,
			    FILE *log_file, int level, struct cli_facts *facts,
			    struct progress *progress, int *err)
{
	struct cli_facts scratch;
	struct probe_arg pa = { facts ? facts : &scratch, d, progress };
	struct bm_machine_desc dd = *d;
	unsigned int n = d->nr_extra_actions;
	struct bm_action *acts = calloc(n + 1 + BM_NR_PHASES, sizeof(*acts));
	struct bm_sim_run *run;

	if (!acts) {
		*err = -BM_ENOMEM;
		return NULL;
	}
	memset(pa.facts, 0, sizeof(*pa.facts));
	for (int i = 0; i < BM_MAX_NUMNODES; i++)
		pa.facts->first_deferred[i] = BM_NO_PFN;
	if (n)
		memcpy(acts, d->extra_actions, n * sizeof(*acts));
	acts[n++] = (struct bm_action){
		BM_PHASE_FREE_AREA_INIT, probe_free_area_init, &pa, "bootmm_probe"
	};
	for (int ph = BM_PHASE_FREE_AREA_INIT; progress && ph < BM_NR_PHASES; ph++)
		acts[n++] = (struct bm_action){ ph, probe_phase, &pa, "bootmm_progress" };
	dd.extra_actions = acts;
	dd.nr_extra_actions = n;
	*err = 0;
	run = bm_sim_boot(&dd, cfg, log_file, level, err);
	free(acts);
	return run;
}

/**
 * cli_result_dirty - does a result show any violation?
 * @r: result of one boot
 *
 * Return: true for leaks, garbage reads, double inits, memblock mismatches,
 * wrong migratetypes, WARNs, misuse, broken invariants or module
 * alternatives kept after boot (seed 002): what makes exit status 1.
 */
bool cli_result_dirty(const struct bm_sim_result *r)
{
	return r->leaked_pages || r->uninit_reads || r->double_inits || r->memblock_mismatches ||
	       r->migratetype_errors || r->warns || r->misuse || r->invariant ||
	       r->alt_leaked_pages;
}

/* A phase for output: its name, or "never" for -1 (nothing became usable). */
const char *cli_phase_str(int phase)
{
	return phase < 0 ? "never" : bm_phase_name((enum bm_phase)phase);
}
