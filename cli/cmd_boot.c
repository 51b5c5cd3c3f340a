// SPDX-License-Identifier: MIT
/*
 * bootmm boot: one boot of one machine, printed the way a kernel developer
 * reads a boot: the kernel's own log lines, the /proc reports asked for,
 * then a verdict naming every violation with its pfn range, phase, the
 * function that noticed it and the caller that caused it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void sink_write(struct bm_sink *s, const char *buf, size_t len)
{
	fwrite(buf, 1, len, s->ctx);
}

typedef void (*report_fn)(struct bm_machine *m, struct bm_sink *out);

static void memblock_memory(struct bm_machine *m, struct bm_sink *out)
{
	bm_memblock_debugfs_dump(m, &m->memblock.mb.memory, out);
}

static void memblock_reserved(struct bm_machine *m, struct bm_sink *out)
{
	bm_memblock_debugfs_dump(m, &m->memblock.mb.reserved, out);
}

static const struct {
	unsigned bit;
	const char *name;	/* JSON key */
	const char *title;	/* where the kernel shows it */
	report_fn fn;
} reports[] = {
	{ CLI_SHOW_MEMINFO, "meminfo", "/proc/meminfo", bm_report_meminfo },
	{ CLI_SHOW_ZONEINFO, "zoneinfo", "/proc/zoneinfo", bm_report_zoneinfo },
	{ CLI_SHOW_BUDDYINFO, "buddyinfo", "/proc/buddyinfo", bm_report_buddyinfo },
	{ CLI_SHOW_PAGETYPEINFO, "pagetypeinfo", "/proc/pagetypeinfo", bm_report_pagetypeinfo },
	{ CLI_SHOW_MEMBLOCK, "memblock_memory", "/sys/kernel/debug/memblock/memory",
	  memblock_memory },
	{ CLI_SHOW_MEMBLOCK, "memblock_reserved", "/sys/kernel/debug/memblock/reserved",
	  memblock_reserved },
};

/* The kernel has no memblock debugfs files once memblock is discarded. */
static bool memblock_gone(const struct bm_machine *m)
{
	return m->memblock.discarded && !m->memblock.keep;
}

/* One report into a malloc'ed string. */
static char *report_text(struct bm_machine *m, report_fn fn, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct bm_sink sink = { sink_write, NULL };

	if (!f)
		return NULL;
	sink.ctx = f;
	fn(m, &sink);
	fclose(f);
	return buf;
}

static void print_reports(struct bm_sim_run *run, unsigned show)
{
	struct bm_sink sink = { sink_write, stdout };

	for (size_t i = 0; i < BM_ARRAY_SIZE(reports); i++) {
		if (!(show & reports[i].bit))
			continue;
		printf("\n== %s ==\n", reports[i].title);
		if (reports[i].bit == CLI_SHOW_MEMBLOCK && memblock_gone(&run->m))
			printf("(none: memblock was discarded after boot, keep_memblock=off)\n");
		else
			reports[i].fn(&run->m, &sink);
	}
}

/*
 * Consecutive records of one kind, phase, function and caller over
 * touching or overlapping pfns (the core records some per page) are shown
 * as one.
 */
struct vgroup {
	const struct bm_violation *first;
	unsigned long long start, end;
	unsigned long records;
};

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The group starting at record @i; returns the index after it. */
static unsigned long next_group(const struct bm_machine *m, unsigned long i, struct vgroup *g)
{
	unsigned long n = BM_MIN(m->record->nr_recorded, (unsigned long)BM_MAX_RECORDED_VIOLATIONS);
	const struct bm_violation *v = &m->record->violations[i];

	*g = (struct vgroup){ v, v->pfn_start, v->pfn_end, 1 };
	for (i++; i < n; i++) {
		const struct bm_violation *w = &m->record->violations[i];

		if (w->kind != v->kind || w->phase != v->phase || !same_str(w->func, v->func) ||
		    !same_str(w->cause, v->cause) || w->pfn_start < g->start || w->pfn_start > g->end)
			break;
		g->end = BM_MAX(g->end, (unsigned long long)w->pfn_end);
		g->records++;
	}
	return i;
}

static void print_group(const struct vgroup *g)
{
	const struct bm_violation *v = g->first;
	unsigned long long s = g->start, e = g->end;

	printf("  %-17s", bm_violation_name(v->kind));
	if (e > s)
		printf(" pfn %#llx-%#llx [mem %#018llx-%#018llx] %llu page%s", s, e - 1,
		       s << BM_PAGE_SHIFT, (e << BM_PAGE_SHIFT) - 1, e - s, e - s == 1 ? "" : "s");
	printf("\n%20sat %s in %s, caller %s: %s", "", bm_phase_name(v->phase),
	       v->func ? v->func : "?", v->cause ? v->cause : "?", v->detail);
	if (g->records > 1)
		printf(" (first of %lu records)", g->records);
	printf("\n");
}

/*
 * The verdict: the result's violation counts (sim/verdict.c: the same
 * numbers --json and the exit status use), then the checker's records, a
 * record standing for a run of violations on consecutive pfns.
 */
static void print_verdict(const struct bm_sim_run *run)
{
	const struct bm_machine *m = &run->m;
	const struct bm_sim_result *r = &run->res;
	unsigned long groups = 0;

	printf("\n== verdict: policy %s, placement %s ==\n", bm_policy_name(r->policy),
	       bm_placement_name(r->placement));
	printf("released %lu pages, %lu reached the buddy allocator%s%s; MemTotal %llu kB, "
	       "MemFree %llu kB\n", r->released_pages, r->freed_pages,
	       r->usable_phase >= 0 ? " by " : "", r->usable_phase >= 0 ?
	       bm_phase_name((enum bm_phase)r->usable_phase) : "",
	       (unsigned long long)r->memtotal_kb, (unsigned long long)r->memfree_kb);
	if (r->alt_leaked_pages)
		printf("module SMP alternatives: %lu pages still allocated after smp_init "
		       "(seed 002: freed at SMP enable only with the fix)\n", r->alt_leaked_pages);
	if (bm_sim_clean(r)) {
		printf("clean: no violations\n");
		return;
	}
	for (unsigned long i = 0; i < m->record->nr_recorded && i < BM_MAX_RECORDED_VIOLATIONS; groups++) {
		struct vgroup g;

		i = next_group(m, i, &g);
	}
	printf("%lu violation%s (", r->violations, r->violations == 1 ? "" : "s");
	for (int k = 0, first = 1; k < BM_NR_VIOLATION_KINDS; k++) {
		if (!r->violation_counts[k])
			continue;
		printf("%s%s %lu", first ? "" : ", ", bm_violation_name((enum bm_violation_kind)k),
		       r->violation_counts[k]);
		first = 0;
	}
	printf("), %lu range%s:\n", groups, groups == 1 ? "" : "s");
	for (unsigned long i = 0; i < m->record->nr_recorded && i < BM_MAX_RECORDED_VIOLATIONS;) {
		struct vgroup g;

		i = next_group(m, i, &g);
		print_group(&g);
	}
	if (r->violations_unrecorded)
		printf("  and %lu violation%s after the checker's record (%d entries) filled up: "
		       "counted above, not listed\n", r->violations_unrecorded,
		       r->violations_unrecorded == 1 ? "" : "s", BM_MAX_RECORDED_VIOLATIONS);
}

/* Expectations of the scenario that apply to the policy booted; returns failures. */
static int check_expectations(const struct cli_machine *cm, const struct bm_sim_result *r,
			      struct json *j)
{
	int failed = 0;

	if (!cm->scn)
		return 0;
	if (j)
		json_begin_array(j, "expectations");
	for (unsigned i = 0; i < cm->scn->nr_expects; i++) {
		const struct bm_scn_expect *e = &cm->scn->expects[i];
		char what[96];
		bool ok;

		if (!(e->policies & (1u << r->policy)))
			continue;
		bm_scenario_expect_format(e, what, sizeof(what));
		ok = bm_scenario_expect_holds(e, r);
		failed += !ok;
		if (j) {
			json_begin_object(j, NULL);
			json_uint(j, "line", e->line);
			json_string(j, "expect", what);
			json_int(j, "actual", bm_result_value(r, e->key));
			json_bool(j, "ok", ok);
			json_end_object(j);
		} else {
			printf("expect %s %s (%s:%u): %s", bm_policy_name(r->policy), what,
			       cm->scn->file, e->line, ok ? "ok" : "FAILED");
			if (e->key == BM_RK_USABLE_PHASE)
				printf(" (actual %s)\n", cli_phase_str(r->usable_phase));
			else
				printf(" (actual %lld)\n", (long long)bm_result_value(r, e->key));
		}
	}
	if (j)
		json_end_array(j);
	return failed;
}

static void json_violations(struct json *j, const struct bm_machine *m,
			    const struct bm_sim_result *r)
{
	json_begin_object(j, "violation_counts");
	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		json_uint(j, bm_violation_name((enum bm_violation_kind)k), r->violation_counts[k]);
	json_end_object(j);
	json_uint(j, "violations_recorded", m->record->nr_recorded);
	json_uint(j, "violations_unrecorded", r->violations_unrecorded);
	json_begin_array(j, "violations");
	for (unsigned long i = 0; i < m->record->nr_recorded && i < BM_MAX_RECORDED_VIOLATIONS;) {
		const struct bm_violation *v;
		struct vgroup g;

		i = next_group(m, i, &g);
		v = g.first;
		json_begin_object(j, NULL);
		json_string(j, "kind", bm_violation_name(v->kind));
		json_uint(j, "pfn_start", g.start);
		json_uint(j, "pfn_end", g.end);
		json_uint(j, "records", g.records);
		json_string(j, "phase", bm_phase_name(v->phase));
		json_string(j, "function", v->func ? v->func : "");
		json_string(j, "cause", v->cause ? v->cause : "");
		json_string(j, "detail", v->detail);
		json_end_object(j);
	}
	json_end_array(j);
}

/*
 * The checker's own line for each violation ("bootmm: kind in func ...")
 * is left out of the kernel's log unless --show log asks for every line:
 * the verdict lists them coalesced, and one per page would bury the log.
 */
static bool kernel_line(const char *line, size_t n, unsigned show)
{
	return (show & CLI_SHOW_LOG) || n < 8 || memcmp(line, "bootmm: ", 8);
}

static void emit_log(struct json *j, const char *log, size_t len, unsigned show)
{
	size_t pos = 0;

	if (j)
		json_begin_array(j, "log");
	while (pos < len) {
		const char *nl = memchr(log + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (log + pos)) : len - pos;

		if (kernel_line(log + pos, n, show)) {
			if (j)
				json_stringn(j, NULL, log + pos, n);
			else
				printf("%.*s\n", (int)n, log + pos);
		}
		pos += n + 1;
	}
	if (j)
		json_end_array(j);
}

static void json_reports(struct json *j, struct bm_sim_run *run)
{
	json_begin_object(j, "reports");
	for (size_t i = 0; i < BM_ARRAY_SIZE(reports); i++) {
		size_t len = 0;
		char *text;

		if (reports[i].bit == CLI_SHOW_MEMBLOCK && memblock_gone(&run->m)) {
			json_null(j, reports[i].name);
			continue;
		}
		text = report_text(&run->m, reports[i].fn, &len);
		json_stringn(j, reports[i].name, text ? text : "", text ? len : 0);
		free(text);
	}
	json_end_object(j);
}

static void help(FILE *f)
{
	fputs("usage: bootmm boot INPUT... [--show LIST] [options]\n"
	      "\n"
	      "Boot one machine under one release policy. Prints the kernel's log lines\n"
	      "(Memory:, deferred init, Freeing ...), the reports asked for, and a verdict\n"
	      "listing every violation: kind, pfn range, phase, function, caller, detail.\n"
	      "\n"
	      "INPUT: a boot log or firmware dump (dmesg, serial log, /proc/iomem,\n"
	      "/sys/firmware/memmap, EFI map, device tree...), a scenario (.scn), or a log\n"
	      "plus a scenario without a machine line, applied on top of the log.\n"
	      "A scenario's expectations for the policy booted are checked and printed.\n"
	      "\n"
	      "  --show LIST        comma-separated: meminfo, zoneinfo, buddyinfo,\n"
	      "                     pagetypeinfo, memblock (debugfs memory/reserved), log\n"
	      "                     (every log line, memblock=debug traces included), all\n"
	      "\n"
	      "Exit status: 0 clean, 1 violations found or an expectation failed, 2 bad\n"
	      "input or usage.\n\n", f);
	cli_help_machine_options(f);
}

/**
 * cmd_boot - bootmm boot
 * @argc: arguments, argv[0] being "boot"
 * @argv: inputs and options
 *
 * Return: 0 clean, 1 violations or a failed expectation, 2 bad input or usage.
 */
int cmd_boot(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_machine cm;
	struct cli_facts facts;
	struct bm_sim_config base;
	struct bm_sim_run *run;
	struct progress pr;
	char *log = NULL;
	size_t log_len = 0;
	FILE *logf;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE | CLI_OPT_SHOW, &o), err = 0, failed;

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	bm_sim_config_default(&base);
	ret = cli_load(&o, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	logf = open_memstream(&log, &log_len);
	if (!logf) {
		cli_error(o.cmd, "out of memory");
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	progress_init(&pr);
	run = cli_boot(&cm.desc, &cm.cfg, logf, (o.show & CLI_SHOW_LOG) ? BM_LOG_DEBUG : BM_LOG_INFO,
		       &facts, &pr, &err);
	progress_done(&pr);
	fclose(logf);
	if (!run) {
		cli_error(o.cmd, "%s: the machine could not be booted: %s", cm.source,
			  bm_sim_last_failure());
		if (log_len)
			fputs(log, stderr);
		free(log);
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	if (o.json) {
		struct json j;

		json_document_begin(&j, stdout, "boot");
		cli_json_facts(&j, cm.source, &facts);
		cli_json_config(&j, &cm.cfg);
		cli_json_result(&j, "result", &run->res);
		json_violations(&j, &run->m, &run->res);
		emit_log(&j, log ? log : "", log_len, o.show);
		json_reports(&j, run);
		failed = check_expectations(&cm, &run->res, &j);
		json_document_end(&j);
	} else {
		emit_log(NULL, log ? log : "", log_len, o.show);
		print_reports(run, o.show);
		print_verdict(run);
		failed = check_expectations(&cm, &run->res, NULL);
	}
	ret = !bm_sim_clean(&run->res) || failed ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	free(log);
	bm_sim_run_free(run);
	cli_machine_free(&cm);
	return ret;
}
