// SPDX-License-Identifier: MIT
/*
 * One simulated boot of a machine description, and the same machine under
 * every release policy.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

static void collect_line(void *arg, int level, const char *line)
{
	struct bm_sim_run *run = arg;
	size_t n = strlen(line);

	(void)level;
	if (run->log_len + n + 2 > run->log_cap) {
		size_t cap = run->log_cap ? run->log_cap * 2 : 16384;
		char *p;

		while (cap < run->log_len + n + 2)
			cap *= 2;
		p = realloc(run->log, cap);
		if (!p)
			return;
		run->log = p;
		run->log_cap = cap;
	}
	memcpy(run->log + run->log_len, line, n);
	run->log_len += n;
	run->log[run->log_len++] = '\n';
	run->log[run->log_len] = '\0';
}

/*
 * When the memory the seeds' callers release (EFI boot services,
 * .smp_locks: before SMP or in arch_initcall) became usable: the phase its
 * last page reached the buddy, or -1 ("never") if any of it leaked.
 * initrd and initmem go later, when every policy frees at once.
 */
static int early_usable_phase(const struct bm_machine *m)
{
	int phase = -1;

	for (unsigned int i = 0; i < m->boot.nr_rel; i++) {
		const struct bm_release_rec *r = &m->boot.rel[i];

		if (r->phase_released > BM_PHASE_ARCH_INITCALL || !r->pages_released)
			continue;
		if (r->pages_freed < r->pages_released)
			return -1;
		if (r->phase_usable > phase)
			phase = r->phase_usable;
	}
	return phase;
}

static void fill_result(struct bm_sim_run *run, const struct bm_sim_config *cfg)
{
	struct bm_machine *m = &run->m;
	struct bm_sim_result *r = &run->res;
	unsigned long alt = 0;

	bm_mm_check(m);
	r->policy = m->cfg.release_policy;
	r->placement = bm_sim_placement(cfg);
	r->leaked_pages = m->boot.leaked_pages;
	r->uninit_reads = m->violation_count[BM_V_UNINIT_READ];
	r->double_inits = m->mm.nr_double_inits;
	r->memblock_mismatches = m->violation_count[BM_V_MEMBLOCK_MISMATCH];
	r->migratetype_errors = m->violation_count[BM_V_MIGRATETYPE];
	r->warns = m->violation_count[BM_V_WARN];
	r->misuse = m->violation_count[BM_V_MISUSE];
	r->invariant = m->violation_count[BM_V_INVARIANT];
	r->memtotal_kb = (uint64_t)m->mm.totalram_pages << (BM_PAGE_SHIFT - 10);
	r->memfree_kb = (uint64_t)bm_nr_free_pages(m) << (BM_PAGE_SHIFT - 10);
	for (unsigned int i = 0; i < m->boot.nr_rel; i++) {
		r->released_pages += m->boot.rel[i].pages_released;
		r->freed_pages += m->boot.rel[i].pages_freed;
	}
	r->usable_phase = early_usable_phase(m);
	for (unsigned int i = 0; i < run->nr_alt; i++)
		alt += 1ul << (run->alt_pfns[i] & 0xff);
	r->alt_leaked_pages = alt;
	bm_sim_verdict(m, r);
}

static bool sim_host_timings;
static bool sim_keep_ram;

void bm_sim_set_keep_ram(bool on)
{
	sim_keep_ram = on;
}

void bm_sim_set_host_timings(bool on)
{
	sim_host_timings = on;
}

/**
 * bm_sim_config_default - the simulator's default configuration
 * @cfg: filled in: the core's defaults (bm_config_default), every caller's
 *       placement BM_PLACEMENT_AUTO, no kernel era applied
 */
void bm_sim_config_default(struct bm_sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	bm_config_default(&cfg->core);
	cfg->placement = BM_PLACEMENT_AUTO;
	cfg->placement_efi = BM_PLACEMENT_AUTO;
	cfg->placement_alt = BM_PLACEMENT_AUTO;
}

/**
 * sim_boot - bm_sim_boot, optionally branching at mm_core_init
 * @d: the machine
 * @cfg: configuration, NULL for defaults (the branch's cfgs[0] when @br)
 * @br: the configurations that may share this boot's prefix (NULL: none)
 * @log_file: where log lines at or below @level go (NULL: nowhere)
 * @level: BM_LOG_* threshold for @log_file
 * @err: set to a negative error when NULL is returned
 *
 * Return: the finished run, with the checker's result filled in: under
 * whichever configuration of @br this process continued as.
 */
struct bm_sim_run *sim_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			    const struct bm_sim_branch *br, FILE *log_file, int level, int *err)
{
	struct bm_sim_run *run = calloc(1, sizeof(*run));
	/* One more slot for the branch point; unused slots have no fn (skipped). */
	unsigned int cap = SIM_MAX_ACTIONS + d->nr_extra_actions + 1;
	struct bm_action actions[cap];
	struct sim_ctx ctx = { .desc = d, .run = run };
	struct sim_branch_point bp = { .ctx = &ctx, .br = br, .actions = actions, .cap = cap };
	unsigned int nr = 0;
	int ret;

	if (!run) {
		*err = -BM_ENOMEM;
		return NULL;
	}
	if (br)
		cfg = &br->cfgs[0];
	if (cfg)
		ctx.cfg = *cfg;
	else
		bm_sim_config_default(&ctx.cfg);
	if (d->n_kho)
		ctx.cfg.kho = true;
	bm_host_init(&run->host, log_file, level);
	run->host.no_clock = !sim_host_timings;
	run->host.keep_phys = sim_keep_ram;
	run->host.collect = collect_line;
	run->host.collect_arg = run;
	ret = bm_machine_init(&run->m, &run->host.prim, &ctx.cfg.core, d->phys_size);
	if (ret)
		goto fail;
	bm_machine_set_record(&run->m, &run->record);
	bm_set_phase(&run->m, BM_PHASE_SETUP_ARCH);
	if (d->setup_arch) {
		run->m.caller = "setup_arch";
		ret = d->setup_arch(&run->m, d->setup_arg);
		if (ret)
			goto fail_machine;
	}
	memset(actions, 0, sizeof(actions));
	if (br)
		actions[nr++] = sim_branch_action(&bp);
	sim_timeline(&ctx, actions + nr);
	nr = cap;
	ret = bm_boot(&run->m, actions, nr);
	if (ret)
		goto fail_machine;
	fill_result(run, &ctx.cfg);
	return run;

fail_machine:
	bm_sim_note_failure(&run->m, ret);
	bm_machine_destroy(&run->m);
	goto out;
fail:
	bm_sim_note_failure(NULL, ret);
out:
	free(run->log);
	free(run);
	*err = ret ? ret : -BM_EINVAL;
	return NULL;
}

/**
 * sim_timeline - a boot's actions: the seeds' callers, then the description's
 * @c: boot context (description, run, configuration)
 * @a: room for SIM_MAX_ACTIONS + c->desc->nr_extra_actions actions
 *
 * Return: the number of actions written.
 */
unsigned int sim_timeline(struct sim_ctx *c, struct bm_action *a)
{
	unsigned int nr = sim_callers(c, a);

	for (unsigned int i = 0; i < c->desc->nr_extra_actions; i++)
		a[nr++] = c->desc->extra_actions[i];
	return nr;
}

/**
 * bm_sim_boot - boot a described machine under a configuration
 * @d: the machine
 * @cfg: configuration, NULL for defaults
 * @log_file: where log lines at or below @level go (NULL: nowhere)
 * @level: BM_LOG_* threshold for @log_file
 * @err: set to a negative error when NULL is returned
 *
 * Return: the finished run, with the checker's result filled in.
 */
struct bm_sim_run *bm_sim_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			       FILE *log_file, int level, int *err)
{
	return sim_boot(d, cfg, NULL, log_file, level, err);
}

void bm_sim_run_free(struct bm_sim_run *run)
{
	if (!run)
		return;
	bm_machine_destroy(&run->m);
	free(run->log);
	free(run);
}

/**
 * bm_sim_compare - the same machine under every release policy
 * @d: the machine
 * @cfg: configuration (its release_policy is overridden), NULL for defaults
 * @results: filled per policy
 * @before: called before each boot with @arg and the policy (NULL: none)
 * @arg: for @before
 *
 * Return: 0, or the first failed boot's negative error.
 */
int bm_sim_compare(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
		   struct bm_sim_result results[BM_NR_POLICIES],
		   void (*before)(void *arg, int policy), void *arg)
{
	struct bm_sim_config c;

	if (cfg)
		c = *cfg;
	else
		bm_sim_config_default(&c);
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		struct bm_sim_run *run;
		int err = 0;

		if (before)
			before(arg, p);
		c.release_policy = p;
		run = bm_sim_boot(d, &c, NULL, 0, &err);
		if (!run)
			return err ? err : -BM_EINVAL;
		results[p] = run->res;
		bm_sim_run_free(run);
	}
	return 0;
}
