// SPDX-License-Identifier: MIT
/*
 * bootmm fuzz: random machines and release timelines under one policy
 * (sim/fuzz.c) until a violation; the minimised case is written as a
 * scenario that `bootmm boot FILE.scn` reproduces.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sim/fuzz.h"

static void show_progress(void *arg, const struct bm_fuzz_status *st)
{
	struct progress *p = arg;

	progress_update(p, "fuzz: %s, %lu cases in %.0fs (%.0f/s)", st->stage, st->execs,
			st->elapsed, st->elapsed > 0 ? (double)st->execs / st->elapsed : 0);
}

/* The result field that counts each violation kind. */
static const struct { int kind, key; } kind_keys[] = {
	{ BM_V_UNINIT_READ, BM_RK_UNINIT_READS }, { BM_V_DOUBLE_INIT, BM_RK_DOUBLE_INITS },
	{ BM_V_LEAK, BM_RK_LEAKED_PAGES }, { BM_V_MEMBLOCK_MISMATCH, BM_RK_MEMBLOCK_MISMATCHES },
	{ BM_V_MIGRATETYPE, BM_RK_MIGRATETYPE_ERRORS }, { BM_V_INVARIANT, BM_RK_INVARIANT },
	{ BM_V_MISUSE, BM_RK_MISUSE }, { BM_V_WARN, BM_RK_WARNS },
};

static int write_case(const struct cli_opts *o, const struct bm_fuzz_config *fc,
		      const struct bm_fuzz_report *rep)
{
	const char *name = bm_violation_name((enum bm_violation_kind)rep->kind);
	FILE *f = fopen(o->out, "w");
	struct bm_scenario s = *rep->minimised;
	int key = -1;

	if (!f) {
		cli_error(o->cmd, "cannot write %s: %s", o->out, strerror(errno));
		return -1;
	}
	/* The outcome the case exists for, so that tests can assert it. */
	for (size_t i = 0; i < BM_ARRAY_SIZE(kind_keys); i++)
		if (kind_keys[i].kind == rep->kind)
			key = kind_keys[i].key;
	if (key >= 0 && s.nr_expects < BM_SCN_MAX_EXPECTS)
		s.expects[s.nr_expects++] = (struct bm_scn_expect){
			1u << fc->policy, key, BM_CMP_GT, 0, 0 };
	snprintf(s.name, sizeof(s.name), "fuzz: %s under %s (seed %llu, case %lu)", name,
		 bm_policy_name(fc->policy), (unsigned long long)fc->seed, rep->found_exec);
	fprintf(f, "# Found by: bootmm fuzz --policy %s --seed %llu", bm_policy_name(fc->policy),
		(unsigned long long)fc->seed);
	for (unsigned i = 0; i < fc->nr_settings; i++)
		fprintf(f, " --config %s", fc->settings[i]);
	fprintf(f, "\n# after %lu cases (%.2f s); minimised from %u to %u lines in %lu boots.\n"
		"# Reproduce: bootmm boot %s\n", rep->found_exec, rep->found_after,
		rep->items_before, rep->items_after, rep->minimise_boots, o->out);
	if (bm_scenario_write(&s, f) || fclose(f)) {
		cli_error(o->cmd, "cannot write %s", o->out);
		return -1;
	}
	return 0;
}

static void help(FILE *f)
{
	fputs("usage: bootmm fuzz [--seconds N] [--policy P] [--seed S] [--out FILE] [options]\n"
	      "\n"
	      "Boot random machines (holes, 1-8 NUMA nodes, KASLR-placed kernels, EFI\n"
	      "boot-services layouts, KHO scratch) with random release timelines (which\n"
	      "owner releases reserved memory, at which phase, through which API) under\n"
	      "one release policy, until a violation. The failing case is minimised\n"
	      "(greedy removal of ranges and actions while the same violation persists)\n"
	      "and written as a scenario that bootmm boot reproduces.\n"
	      "\n"
	      "  --seconds N        time budget (default 10)\n"
	      "  --policy P         release policy under test (default safe)\n"
	      "  --seed S           run seed (default: from the clock; printed)\n"
	      "  --out FILE         where to write the minimised scenario\n"
	      "                     (default bootmm-fuzz-SEED.scn)\n"
	      "  --stop-on KINDS    violation kinds to stop on, comma-separated (default:\n"
	      "                     uninit_read,double_init,leak,memblock_mismatch,\n"
	      "                     migratetype,invariant; also misuse, warn)\n"
	      "  --max-execs N      stop after N cases\n"
	      "  --config KEY=VALUE fixed configuration for every case (e.g. kho_fixed=off)\n"
	      "  --json             machine-readable summary (docs/JSON.md)\n"
	      "\n"
	      "Exit status: 0 nothing found, 1 a violation found (scenario written),\n"
	      "2 bad usage.\n", f);
}

/**
 * cmd_fuzz - bootmm fuzz
 * @argc: arguments, argv[0] being "fuzz"
 * @argv: options
 *
 * Return: 0 nothing found, 1 a case found and written, 2 usage.
 */
int cmd_fuzz(int argc, char **argv)
{
	struct cli_opts o;
	struct bm_fuzz_config fc = { 0 };
	struct bm_fuzz_report rep;
	struct bm_sim_config scratch;
	struct progress pr;
	char out[64];
	int ret = cli_parse(argc, argv, CLI_OPT_FUZZ, &o);

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	if (o.nr_inputs) {
		cli_error(o.cmd, "unexpected argument '%s' (fuzz makes its own machines)", o.inputs[0]);
		return CLI_EXIT_USAGE;
	}
	/* Validate --config now, so a typo is a usage error, not a fuzz case. */
	bm_sim_config_default(&scratch);
	ret = cli_apply_config(&o, &scratch);
	if (ret)
		return ret;
	fc.seed = o.seed_set ? o.seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fc.policy = o.policy >= 0 ? o.policy : BM_POLICY_SAFE;
	fc.settings = o.config;
	fc.nr_settings = o.nr_config;
	fc.stop_kinds = o.stop_on;
	fc.seconds = o.seconds > 0 ? o.seconds : (o.max_execs ? 0 : 10);
	fc.max_execs = o.max_execs;
	progress_init(&pr);
	fc.progress = show_progress;
	fc.progress_arg = &pr;
	if (!o.out) {
		snprintf(out, sizeof(out), "bootmm-fuzz-%llu.scn", (unsigned long long)fc.seed);
		o.out = out;
	}
	ret = bm_fuzz_run(&fc, &rep);
	progress_done(&pr);
	if (ret) {
		cli_error(o.cmd, "out of memory");
		return CLI_EXIT_USAGE;
	}
	if (rep.found && write_case(&o, &fc, &rep)) {
		bm_fuzz_report_free(&rep);
		return CLI_EXIT_USAGE;
	}
	if (o.json) {
		struct json j;

		json_document_begin(&j, stdout, "fuzz");
		json_string(&j, "policy", bm_policy_name(fc.policy));
		json_uint(&j, "seed", fc.seed);
		json_uint(&j, "executions", rep.execs);
		json_double(&j, "seconds", rep.elapsed);
		json_double(&j, "execs_per_second", rep.execs_per_sec);
		json_uint(&j, "boot_errors", rep.boot_errors);
		json_begin_object(&j, "cases_with");
		for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
			json_uint(&j, bm_violation_name((enum bm_violation_kind)k), rep.kinds_seen[k]);
		json_end_object(&j);
		if (rep.found) {
			json_begin_object(&j, "found");
			json_string(&j, "kind", bm_violation_name((enum bm_violation_kind)rep.kind));
			json_uint(&j, "case", rep.found_exec);
			json_double(&j, "after_seconds", rep.found_after);
			json_uint(&j, "case_seed", rep.case_seed);
			json_uint(&j, "lines_before", rep.items_before);
			json_uint(&j, "lines_after", rep.items_after);
			json_uint(&j, "minimise_boots", rep.minimise_boots);
			json_string(&j, "scenario", o.out);
			cli_json_result(&j, "result", &rep.result);
			json_end_object(&j);
		} else {
			json_null(&j, "found");
		}
		json_document_end(&j);
	} else {
		printf("fuzz: policy %s, seed %llu: %lu cases in %.1f s, %.0f cases/s",
		       bm_policy_name(fc.policy), (unsigned long long)fc.seed, rep.execs, rep.elapsed,
		       rep.execs_per_sec);
		if (rep.boot_errors)
			printf(" (%lu machines did not boot)", rep.boot_errors);
		printf("\n");
		if (rep.found)
			printf("found %s after %lu cases (%.2f s); minimised from %u to %u lines "
			       "(%lu boots, %.1f s)\nwrote %s: reproduce with bootmm boot %s\n",
			       bm_violation_name((enum bm_violation_kind)rep.kind), rep.found_exec,
			       rep.found_after, rep.items_before, rep.items_after, rep.minimise_boots,
			       rep.minimise_seconds, o.out, o.out);
		else
			printf("nothing found\n");
	}
	ret = rep.found ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	bm_fuzz_report_free(&rep);
	return ret;
}
