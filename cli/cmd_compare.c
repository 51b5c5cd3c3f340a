// SPDX-License-Identifier: MIT
/*
 * bootmm compare: one machine under every release policy, one row each,
 * and the pieces of that table (and of its JSON) the other commands share.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The policy each era row stands for under --policy (JSON compatibility). */
static const int policy_row[BM_NR_POLICIES] = {
	[BM_POLICY_SAFE] = BM_ROW_SAFE, [BM_POLICY_SKIP_UNINIT] = BM_ROW_PREFIX,
	[BM_POLICY_FREE_EARLY] = BM_ROW_RC, [BM_POLICY_UNRESERVE] = BM_ROW_OPT1,
	[BM_POLICY_UNRESERVE_FLAG] = BM_ROW_OPT2, [BM_POLICY_DISCARD] = BM_ROW_OPT3,
	[BM_POLICY_WARN] = BM_ROW_WARN,
};

/*
 * A scenario's config lines are explicit too: they win over a row's era as
 * over the log's (all but kernel=, which names the own row's era).
 */
static int reapply_scenario(const struct cli_machine *cm, struct bm_sim_config *cfg)
{
	char why[256];

	if (!cm->scn)
		return 0;
	for (unsigned i = 0; i < cm->scn->nr_settings; i++) {
		const struct bm_scn_setting *st = &cm->scn->settings[i];

		if (strcmp(st->key, "kernel") &&
		    bm_config_set(cfg, st->key, st->value, why, sizeof(why)))
			return -1;	/* accepted when the scenario was built */
	}
	return 0;
}

/**
 * cli_compare_run - boot @cm as its own kernel, then under every era
 * @cm: loaded machine (its configuration: the log's era, then the command line)
 * @o: the command line, applied again (after a scenario's config lines) over
 *     each row's era so that an explicit option is never overridden by a
 *     profile (not --policy, which only picks the verdict row, nor --kernel,
 *     which is the own row's)
 * @c: one row per era (sim/era.h), with the facts of the first boot
 *
 * Return: 0, or a negative error if a boot could not be set up.
 */
int cli_compare_run(const struct cli_machine *cm, const struct cli_opts *o,
		    struct cli_compare *c)
{
	struct bm_sim_config cfgs[BM_NR_ROWS];
	struct cli_opts again = *o;
	const char *serial = getenv("BOOTMM_COMPARE_SERIAL");
	struct progress pr;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->cfg = cm->cfg;
	again.policy = -1;
	again.kernel = NULL;
	for (int row = 0; row < BM_NR_ROWS; row++) {
		struct cli_compare_row *r = &c->rows[row];

		r->row = row;
		bm_era_row_config(row, &cm->cfg, &cfgs[row], r->kernel, sizeof(r->kernel));
		if (row != BM_ROW_OWN && (reapply_scenario(cm, &cfgs[row]) ||
					  cli_apply_config(&again, &cfgs[row])))
			return -BM_EINVAL;
	}
	progress_init(&pr);
	if (serial && *serial && strcmp(serial, "0")) {
		/* Every row its own boot from the start, one after the other:
		 * what the shared path must match. */
		for (int row = 0; row < BM_NR_ROWS && !ret; row++) {
			struct bm_sim_run *run;
			int err = 0;

			progress_update(&pr, "booting as %s (%d/%d)", bm_era_row_name(row),
					row + 1, BM_NR_ROWS);
			run = cli_boot(&cm->desc, &cfgs[row], NULL, 0, row ? NULL : &c->facts,
				       NULL, &err);
			if (!run) {
				ret = err ? err : -BM_EINVAL;
				break;
			}
			c->rows[row].res = run->res;
			bm_sim_run_free(run);
		}
	} else {
		ret = cli_compare_shared(cm, cfgs, c, &pr);
	}
	progress_done(&pr);
	if (!ret)
		c->n = BM_NR_ROWS;
	return ret;
}

const struct cli_compare_row *cli_compare_find(const struct cli_compare *c, int row)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->rows[i].row == row)
			return &c->rows[i];
	return NULL;
}

const struct cli_compare_row *cli_compare_verdict_row(const struct cli_compare *c, int policy)
{
	if (policy < 0 || policy >= BM_NR_POLICIES)
		policy = BM_POLICY_SAFE;
	return cli_compare_find(c, policy_row[policy]);
}

static double mib(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

/**
 * cli_compare_print_table - the per-policy table, one row per policy
 * @c: results
 * @f: output
 */
/**
 * cli_compare_json - the per-policy comparison as a JSON document
 * @command: "compare" or "example"
 * @source: the input's name
 * @c: the comparison
 * @verdict_policy: the policy whose verdict sets the exit status
 */
void cli_compare_json(const char *command, const char *source, const struct cli_compare *c,
		      int verdict_policy)
{
	struct json j;

	json_document_begin(&j, stdout, command);
	cli_json_facts(&j, source, &c->facts);
	cli_json_config(&j, &c->cfg);
	json_begin_array(&j, "policies");
	for (unsigned i = 0; i < c->n; i++)
		cli_json_row(&j, &c->rows[i]);
	json_end_array(&j);
	json_string(&j, "verdict_policy", bm_policy_name(verdict_policy));
	json_string(&j, "verdict_era", bm_era_row_name(cli_compare_verdict_row(c, verdict_policy)->row));
	json_document_end(&j);
}

void cli_compare_print_table(const struct cli_compare *c, FILE *f)
{
	fprintf(f, "%-13s %-9s %-14s %8s %7s %6s %6s %8s %5s %10s %9s %9s  %s\n", "era",
		"kernel", "policy", "leaked", "", "uninit", "double", "memblock", "wrong",
		"violations", "MemTotal", "MemFree", "released memory");
	fprintf(f, "%-13s %-9s %-14s %8s %7s %6s %6s %8s %5s %10s %9s %9s  %s\n", "", "", "",
		"pages", "MiB", "reads", "inits", "mismatch", "mt", "(all)", "kB", "kB",
		"usable at");
	for (unsigned i = 0; i < c->n; i++) {
		const struct bm_sim_result *r = &c->rows[i].res;

		fprintf(f, "%-13s %-9s %-14s %8lu %7.1f %6lu %6lu %8lu %5lu %10lu %9llu %9llu  %s%s\n",
			bm_era_row_name(c->rows[i].row), c->rows[i].kernel[0] ? c->rows[i].kernel : "-",
			bm_policy_name(r->policy), r->leaked_pages,
			mib((uint64_t)r->leaked_pages << BM_PAGE_SHIFT), r->uninit_reads,
			r->double_inits, r->memblock_mismatches, r->migratetype_errors, r->violations,
			(unsigned long long)r->memtotal_kb, (unsigned long long)r->memfree_kb,
			cli_phase_str(r->usable_phase), r->warns ? " (WARN)" : "");
	}
}

/**
 * cli_json_result - the per-policy result object of docs/JSON.md
 * @j: writer
 * @key: member name, or NULL inside an array
 * @r: the result
 */
static void json_result_fields(struct json *j, const struct bm_sim_result *r);

void cli_json_result(struct json *j, const char *key, const struct bm_sim_result *r)
{
	json_begin_object(j, key);
	json_result_fields(j, r);
	json_end_object(j);
}

/**
 * cli_json_row - one compare row: the result object with the era it stands for
 * @j: writer
 * @row: the row
 */
void cli_json_row(struct json *j, const struct cli_compare_row *row)
{
	json_begin_object(j, NULL);
	json_string(j, "era", bm_era_row_name(row->row));
	if (row->kernel[0])
		json_string(j, "kernel", row->kernel);
	else
		json_null(j, "kernel");
	json_result_fields(j, &row->res);
	json_end_object(j);
}

static void json_result_fields(struct json *j, const struct bm_sim_result *r)
{
	json_string(j, "policy", bm_policy_name(r->policy));
	json_string(j, "placement", bm_placement_name(r->placement));
	json_uint(j, "leaked_pages", r->leaked_pages);
	json_uint(j, "leaked_kb", (unsigned long long)r->leaked_pages << (BM_PAGE_SHIFT - 10));
	json_uint(j, "uninit_reads", r->uninit_reads);
	json_uint(j, "double_inits", r->double_inits);
	json_uint(j, "memblock_mismatches", r->memblock_mismatches);
	json_uint(j, "migratetype_errors", r->migratetype_errors);
	json_uint(j, "warns", r->warns);
	json_uint(j, "misuse", r->misuse);
	json_uint(j, "invariant", r->invariant);
	json_uint(j, "memtotal_kb", r->memtotal_kb);
	json_uint(j, "memfree_kb", r->memfree_kb);
	json_uint(j, "released_pages", r->released_pages);
	json_uint(j, "freed_pages", r->freed_pages);
	if (r->usable_phase < 0)
		json_null(j, "usable_phase");
	else
		json_string(j, "usable_phase", bm_phase_name((enum bm_phase)r->usable_phase));
	json_uint(j, "alt_leaked_pages", r->alt_leaked_pages);
	json_uint(j, "violations", r->violations);
	json_bool(j, "clean", bm_sim_clean(r));
}

/**
 * cli_json_config - the "config" object: every key with its typed value
 * @j: writer
 * @cfg: configuration
 */
void cli_json_config(struct json *j, const struct bm_sim_config *cfg)
{
	char buf[64];

	json_begin_object(j, "config");
	for (unsigned i = 0; i < bm_nr_config_keys; i++) {
		const struct bm_config_key *k = &bm_config_keys[i];

		bm_config_get(cfg, i, buf, sizeof(buf));
		switch (k->type) {
		case BM_CK_BOOL:
			json_bool(j, k->name, !strcmp(buf, "on"));
			break;
		case BM_CK_UINT:
		case BM_CK_ADDR:
			json_uint(j, k->name, strtoull(buf, NULL, 0));
			break;
		case BM_CK_ENUM:
			json_string(j, k->name, buf);
			break;
		}
	}
	json_end_object(j);
}

/**
 * cli_json_facts - the "machine" object of docs/JSON.md
 * @j: writer
 * @source: the input's name
 * @f: what the probe recorded at boot
 */
void cli_json_facts(struct json *j, const char *source, const struct cli_facts *f)
{
	json_begin_object(j, "machine");
	json_string(j, "source", source);
	json_uint(j, "memory_bytes", f->memory_bytes);
	json_int(j, "nodes", f->nr_nodes);
	json_begin_array(j, "first_deferred_pfn");
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++) {
		if (f->first_deferred[nid] == BM_NO_PFN)
			continue;
		json_begin_object(j, NULL);
		json_int(j, "node", nid);
		json_uint(j, "pfn", f->first_deferred[nid]);
		json_end_object(j);
	}
	json_end_array(j);
	json_uint(j, "efi_boot_services_bytes", f->efi_boot_bytes);
	json_uint(j, "efi_boot_services_deferred_bytes", f->efi_boot_deferred_bytes);
	json_end_object(j);
}

/* The policy whose result decides compare's exit status. */
static int verdict_policy(const struct cli_opts *o)
{
	return o->policy >= 0 ? o->policy : BM_POLICY_SAFE;
}

/**
 * cli_compare_print_kernel - which kernel the "own" row is, and how bootmm knows
 * @cm: the machine
 * @f: output
 */
void cli_compare_print_kernel(const struct cli_machine *cm, FILE *f)
{
	struct bm_era e;
	enum bm_era_source src = cm->log ? bm_era_from_log(cm->log, &e) : BM_ERA_NONE;
	char note[256];

	if (!cm->cfg.kernel[0]) {
		fprintf(f, "kernel: unknown (%s): bootmm's defaults; --kernel VERSION chooses one\n",
			cm->log ? "no Linux version line" : "a scenario without config kernel=");
	} else if (src != BM_ERA_NONE && !strcmp(e.text, cm->cfg.kernel)) {
		fprintf(f, "kernel: %s (%s)\n", cm->cfg.kernel, bm_era_source_name(src));
	} else {
		fprintf(f, "kernel: %s (given)\n", cm->cfg.kernel);
	}
	if (cm->log) {
		struct bm_sim_config scratch = cm->cfg;

		bm_era_apply_evidence(cm->log, &scratch, note, sizeof(note));
		if (note[0])
			fprintf(f, "  the log shows: %s\n", note);
	}
}

static void help(FILE *f)
{
	fputs("usage: bootmm compare INPUT... [options]\n"
	      "\n"
	      "Boot one machine as the kernel that printed the log (or --kernel), then as\n"
	      "each kernel era the seeds discuss (pre-fix skip-uninit, 6.2-rc\n"
	      "always-release, the 2026 fix, v7.1's WARN), bootmm's safe policy and seed\n"
	      "001's three proposals, and print one row each (docs/ERAS.md): pages\n"
	      "leaked, uninitialised struct page reads, double inits, memblock/memmap\n"
	      "disagreements, wrong migratetypes, MemTotal, MemFree and the boot phase at\n"
	      "which released memory became usable.\n"
	      "\n"
	      "INPUT: a boot log or firmware dump, a scenario (.scn), or a log plus a\n"
	      "scenario without a machine of its own (docs/CLI.md).\n"
	      "keep_memblock is on unless --config says otherwise (so memblock/memmap\n"
	      "disagreements are observable, as on TDX hosts and arm64).\n"
	      "\n"
	      "Exit status: 0 if the policy given by --policy (default safe) is clean,\n"
	      "1 if it shows violations, 2 on bad input or usage.\n\n", f);
	cli_help_machine_options(f);
}

/**
 * cmd_compare - bootmm compare
 * @argc: arguments, argv[0] being "compare"
 * @argv: inputs and options
 *
 * Return: the exit status (0 the verdict policy is clean, 1 not, 2 usage).
 */
int cmd_compare(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_machine cm;
	struct cli_compare c;
	struct bm_sim_config base;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE, &o);

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	bm_sim_config_default(&base);
	base.arch_keep_memblock = true;
	ret = cli_load(&o, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	ret = cli_compare_run(&cm, &o, &c);
	if (ret) {
		cli_error(o.cmd, "%s: the machine could not be booted: %s", cm.source,
			  bm_sim_last_failure());
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	if (o.json) {
		cli_compare_json("compare", cm.source, &c, verdict_policy(&o));
	} else {
		printf("%s: %.1f MiB of memory, %d node%s\n", cm.source, mib(c.facts.memory_bytes),
		       c.facts.nr_nodes, c.facts.nr_nodes == 1 ? "" : "s");
		cli_compare_print_kernel(&cm, stdout);
		cli_compare_print_table(&c, stdout);
	}
	ret = bm_sim_clean(&cli_compare_verdict_row(&c, verdict_policy(&o))->res) ?
	      CLI_EXIT_CLEAN : CLI_EXIT_FOUND;
	cli_machine_free(&cm);
	return ret;
}
