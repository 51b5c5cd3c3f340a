// SPDX-License-Identifier: MIT
/*
 * bootmm compare: one machine under every release policy, one row each,
 * and the pieces of that table (and of its JSON) the other commands share.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/**
 * cli_compare_run - boot @cm under every release policy
 * @cm: loaded machine; its configuration's policy is replaced per row
 * @c: results per policy, with the facts of the first (safe) boot
 *
 * Return: 0, or a negative error if a boot could not be set up.
 */
int cli_compare_run(const struct cli_machine *cm, struct cli_compare *c)
{
	struct progress pr;

	memset(c, 0, sizeof(*c));
	c->cfg = cm->cfg;
	progress_init(&pr);
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		struct bm_config cfg = cm->cfg;
		struct bm_sim_run *run;
		int err = 0;

		progress_update(&pr, "booting under %s (%d/%d)", bm_policy_name(p), p + 1,
				BM_NR_POLICIES);
		cfg.release_policy = p;
		run = cli_boot(&cm->desc, &cfg, NULL, 0, p ? NULL : &c->facts, NULL, &err);
		if (!run) {
			progress_done(&pr);
			return err ? err : -BM_EINVAL;
		}
		c->res[p] = run->res;
		bm_sim_run_free(run);
	}
	progress_done(&pr);
	return 0;
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
	for (int p = 0; p < BM_NR_POLICIES; p++)
		cli_json_result(&j, NULL, &c->res[p]);
	json_end_array(&j);
	json_string(&j, "verdict_policy", bm_policy_name(verdict_policy));
	json_document_end(&j);
}

void cli_compare_print_table(const struct cli_compare *c, FILE *f)
{
	fprintf(f, "%-15s %9s %8s %7s %7s %9s %6s %10s %10s  %s\n", "policy", "leaked", "",
		"uninit", "double", "memblock", "wrong", "MemTotal", "MemFree", "released memory");
	fprintf(f, "%-15s %9s %8s %7s %7s %9s %6s %10s %10s  %s\n", "", "pages", "MiB", "reads",
		"inits", "mismatch", "mt", "kB", "kB", "usable at");
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		const struct bm_sim_result *r = &c->res[p];

		fprintf(f, "%-15s %9lu %8.1f %7lu %7lu %9lu %6lu %10llu %10llu  %s%s\n",
			bm_policy_name(p), r->leaked_pages,
			mib((uint64_t)r->leaked_pages << BM_PAGE_SHIFT), r->uninit_reads,
			r->double_inits, r->memblock_mismatches, r->migratetype_errors,
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
void cli_json_result(struct json *j, const char *key, const struct bm_sim_result *r)
{
	json_begin_object(j, key);
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
	json_bool(j, "clean", !cli_result_dirty(r));
	json_end_object(j);
}

/**
 * cli_json_config - the "config" object: every key with its typed value
 * @j: writer
 * @cfg: configuration
 */
void cli_json_config(struct json *j, const struct bm_config *cfg)
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

static void help(FILE *f)
{
	fputs("usage: bootmm compare INPUT... [options]\n"
	      "\n"
	      "Boot one machine under every release policy and print one row each: pages\n"
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
	struct bm_config base;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE, &o);

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	bm_config_default(&base);
	base.arch_keep_memblock = true;
	ret = cli_load(&o, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	ret = cli_compare_run(&cm, &c);
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
		cli_compare_print_table(&c, stdout);
	}
	ret = cli_result_dirty(&c.res[verdict_policy(&o)]) ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	cli_machine_free(&cm);
	return ret;
}
