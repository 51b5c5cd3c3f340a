// SPDX-License-Identifier: MIT
/*
 * bootmm replay: boot a real kernel's log through bootmm (replaying its
 * memblock=debug trace when it has one, else the x86 model) and line the
 * result up against everything the kernel printed about memory, using the
 * oracle of sim/desc.h. The table is the oracle's; this file only adds
 * the replay summary, JSON and the exit status.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/desc.h"

static const char *verdict_name(enum bm_oracle_verdict v)
{
	switch (v) {
	case BM_ORACLE_MATCH: return "match";
	case BM_ORACLE_TOLERATED: return "tolerated";
	case BM_ORACLE_MISMATCH: return "mismatch";
	case BM_ORACLE_INFO: return "info";
	case BM_ORACLE_UNPREDICTABLE: return "unpredictable";
	}
	return "?";
}

static void print_summary(const struct bm_replay_stats *rs)
{
	if (!rs)
		return;
	if (rs->replayed)
		printf("replay: memblock=debug trace, %zu of %zu events replayed from %s; "
		       "%zu/%zu allocations placed where the kernel put them\n",
		       rs->events_replayed, rs->events_total,
		       rs->dump_used >= 0 ? "a MEMBLOCK dump" : "the start", rs->n_match,
		       rs->n_allocs);
	else
		printf("replay: no usable memblock=debug trace; the x86 model built the machine "
		       "(%zu allocations)\n", rs->n_allocs);
	if (rs->dumps_checked)
		printf("replay: %u/%u later MEMBLOCK dumps agree%s%s\n", rs->dumps_matched,
		       rs->dumps_checked, rs->dump_note[0] ? ": " : "", rs->dump_note);
	for (unsigned i = 0; i < rs->n_inferred; i++)
		printf("replay: inferred %s before event %zu\n", rs->inferred[i].what,
		       rs->inferred[i].event_index);
	if (rs->error)
		printf("replay: error %d: %s\n", rs->error, rs->error_msg);
	printf("\n");
}

static void json_summary(struct json *j, const struct bm_replay_stats *rs)
{
	if (!rs) {
		json_null(j, "replay");
		return;
	}
	json_begin_object(j, "replay");
	json_bool(j, "trace_replayed", rs->replayed);
	json_uint(j, "events_total", rs->events_total);
	json_uint(j, "events_replayed", rs->events_replayed);
	json_uint(j, "allocations", rs->n_allocs);
	json_uint(j, "allocations_matched", rs->n_match);
	json_uint(j, "dumps_checked", rs->dumps_checked);
	json_uint(j, "dumps_matched", rs->dumps_matched);
	json_string(j, "dump_note", rs->dump_note);
	json_int(j, "error", rs->error);
	json_end_object(j);
}

static void json_table(struct json *j, const struct bm_oracle_table *t)
{
	json_begin_array(j, "rows");
	for (size_t i = 0; i < t->n; i++) {
		const struct bm_oracle_row *r = &t->rows[i];

		json_begin_object(j, NULL);
		json_string(j, "item", r->item);
		json_string(j, "kernel", r->kernel);
		json_string(j, "bootmm", r->bootmm);
		json_string(j, "verdict", verdict_name(r->verdict));
		json_string(j, "note", r->note);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_object(j, "totals");
	json_uint(j, "match", t->n_match);
	json_uint(j, "tolerated", t->n_tolerated);
	json_uint(j, "mismatch", t->n_mismatch);
	json_uint(j, "info", t->n_info);
	json_uint(j, "unpredictable", t->n_unpredictable);
	json_end_object(j);
}

static void help(FILE *f)
{
	fputs("usage: bootmm replay LOG [options]\n"
	      "\n"
	      "Boot the machine of a real boot log (replaying its memblock=debug trace\n"
	      "when present) and compare, row by row, with what the kernel printed:\n"
	      "allocation placements, zone and node ranges, first deferred pfns, the\n"
	      "Memory: line, Freeing lines, MemTotal, zoneinfo, buddyinfo.\n"
	      "\n"
	      "LOG may be - for standard input (sudo dmesg | bootmm replay -), a dmesg\n"
	      "or journalctl -k capture with or without timestamps or syslog prefixes.\n"
	      "\n"
	      "Every row is one of: ok (agrees), ~ok (within its stated bound), DIFF\n"
	      "(disagrees), n/a (cannot be predicted from this log: the note names the\n"
	      "line that would be needed), info (not compared: e.g. not printed by this\n"
	      "kernel).\n"
	      "\n"
	      "  --diff             the kernel's early-memory lines against bootmm's as a\n"
	      "                     unified diff (kernel formats), instead of the table\n"
	      "\n"
	      "Exit status: 0 every predictable row agrees, 1 a disagreement, 2 bad\n"
	      "input or usage (also a log cut off before the lines replay needs).\n\n", f);
	cli_help_machine_options(f);
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * --diff: the kernel's early-memory lines against bootmm's, in the
 * kernel's formats. Exit status as without --diff (the oracle's verdicts
 * decide), 2 if the log cannot be read again.
 */
static int print_diff(const struct cli_opts *o, const struct cli_machine *cm,
		      const struct bm_sim_run *run)
{
	char *text = cm->stdin_text, **k, **b;
	size_t len = cm->stdin_len, nk, nb;
	struct bm_parse_error err;
	char label[600];
	int rc;

	if (!text && bm_read_file(cm->source, &text, &len, &err)) {
		cli_error(o->cmd, "%s: cannot read it again for --diff: %s", cm->source, err.msg);
		return -1;
	}
	k = bm_memory_messages(text, len, &nk);
	b = bm_memory_messages(run->log, run->log_len, &nb);
	if (text != cm->stdin_text)
		free(text);
	snprintf(label, sizeof(label), "%s (kernel)", cm->source);
	rc = k && b ? cli_unified_diff(stdout, label, k, nk, "bootmm", b, nb) : -1;
	free_lines(k, nk);
	free_lines(b, nb);
	if (rc < 0)
		cli_error(o->cmd, "%s: --diff: out of memory", cm->source);
	return rc < 0 ? -1 : 0;
}

/**
 * cmd_replay - bootmm replay
 * @argc: arguments, argv[0] being "replay"
 * @argv: one boot log and options
 *
 * Return: 0 every oracle row matches, 1 mismatches, 2 unreadable input or usage.
 */
int cmd_replay(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_machine cm;
	struct bm_sim_config base;
	struct bm_oracle_table t;
	struct bm_sim_run *run;
	struct progress pr;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE | CLI_OPT_DIFF, &o), err = 0, cmp;

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	if (o.nr_inputs != 1 || bm_scenario_is_file(o.inputs[0])) {
		cli_error(o.cmd, o.nr_inputs != 1 ? "expected exactly one boot log" :
			  "%s is a scenario; replay needs a kernel's boot log", o.inputs[0]);
		return CLI_EXIT_USAGE;
	}
	bm_sim_config_default(&base);
	ret = cli_load(&o, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	/* Nothing to compare against: a log cut off (or captured) before
	 * mem_init printed "Memory:", or a firmware dump (/proc/iomem). */
	if (cm.log && !cm.log->memory.present) {
		cli_error(o.cmd, "%s: no \"Memory:\" line (%u lines read): the log ends before "
			  "mem_init printed it, or is not a kernel log; replay compares with it "
			  "(capture the whole boot: sudo dmesg, journalctl -k -b; a firmware dump "
			  "boots with bootmm boot)", cm.source, cm.log->n_lines);
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	progress_init(&pr);
	run = cli_boot(&cm.desc, &cm.cfg, NULL, 0, NULL, &pr, &err);
	progress_done(&pr);
	if (!run) {
		cli_error(o.cmd, "%s: the machine could not be booted: %s", cm.source,
			  bm_sim_last_failure());
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	cmp = bm_oracle_compare(cm.log, run, bm_desc_replay_stats(&cm.desc), &t);
	if (cmp < 0) {
		cli_error(o.cmd, "%s: could not compare with the kernel's log", cm.source);
		ret = CLI_EXIT_USAGE;
	} else if (o.json) {
		struct json j;

		json_document_begin(&j, stdout, "replay");
		json_string(&j, "input", cm.source);
		cli_json_config(&j, &cm.cfg);
		json_summary(&j, bm_desc_replay_stats(&cm.desc));
		json_table(&j, &t);
		cli_json_result(&j, "result", &run->res);
		json_document_end(&j);
		ret = cmp ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	} else if (o.diff) {
		ret = print_diff(&o, &cm, run) ? CLI_EXIT_USAGE :
		      cmp ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	} else {
		printf("%s\n", cm.source);
		cli_compare_print_kernel(&cm, stdout);
		print_summary(bm_desc_replay_stats(&cm.desc));
		bm_oracle_print(&t, stdout);
		ret = cmp ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	}
	bm_oracle_table_free(&t);
	bm_sim_run_free(run);
	cli_machine_free(&cm);
	return ret;
}
