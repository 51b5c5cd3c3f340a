// SPDX-License-Identifier: MIT
/*
 * bootmm map: boot a machine and draw its physical memory as SVG
 * (cli/svg.c). keep_memblock is on by default so that memblock.reserved
 * can still be drawn after boot, as compare does.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"

static void help(FILE *f)
{
	fputs("usage: bootmm map INPUT... --svg FILE [options]\n"
	      "\n"
	      "Boot one machine and draw its physical memory after boot: memblock memory\n"
	      "and reserved regions, zones, pageblock migratetypes, free blocks by order,\n"
	      "leaked and violating ranges, and each node's first_deferred_pfn. Large holes\n"
	      "are drawn at a fixed width with their size, so small and huge machines are\n"
	      "both legible; pages are aggregated into 2-pixel columns (a few thousand SVG\n"
	      "elements at most). --svg - writes to standard output.\n"
	      "keep_memblock is on unless --config says otherwise.\n"
	      "\n"
	      "Exit status: 0 clean, 1 violations found, 2 bad input or usage.\n\n", f);
	cli_help_machine_options(f);
}

/**
 * cmd_map - bootmm map
 * @argc: arguments, argv[0] being "map"
 * @argv: inputs, --svg FILE and options
 *
 * Return: 0 clean, 1 violations (the picture shows them), 2 bad input or usage.
 */
int cmd_map(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_machine cm;
	struct cli_facts facts;
	struct bm_sim_config base;
	struct bm_sim_run *run;
	struct svg_stats st = { 0 };
	struct progress pr;
	char title[768];
	FILE *f;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE | CLI_OPT_SVG, &o), err = 0;

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	if (!o.svg) {
		cli_error(o.cmd, "--svg FILE is required (see bootmm map --help)");
		return CLI_EXIT_USAGE;
	}
	bm_sim_config_default(&base);
	base.arch_keep_memblock = true;
	ret = cli_load(&o, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	progress_init(&pr);
	run = cli_boot(&cm.desc, &cm.cfg, NULL, 0, &facts, &pr, &err);
	progress_done(&pr);
	if (!run) {
		cli_error(o.cmd, "%s: the machine could not be booted: %s", cm.source,
			  bm_sim_last_failure());
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	f = strcmp(o.svg, "-") ? fopen(o.svg, "w") : stdout;
	if (!f) {
		cli_error(o.cmd, "cannot write %s: %s", o.svg, strerror(errno));
		bm_sim_run_free(run);
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	snprintf(title, sizeof(title), "%.300s: policy %s, MemTotal %llu kB, MemFree %llu kB, "
		 "leaked %lu pages", cm.source, bm_policy_name(run->res.policy),
		 (unsigned long long)run->res.memtotal_kb, (unsigned long long)run->res.memfree_kb,
		 run->res.leaked_pages);
	ret = svg_render(run, &facts, title, f, &st);
	if (f != stdout && fclose(f))
		ret = -1;
	if (ret) {
		cli_error(o.cmd, "%s: could not draw the machine into %s", cm.source, o.svg);
		ret = CLI_EXIT_USAGE;
	} else {
		if (o.json) {
			struct json j;

			json_document_begin(&j, f == stdout ? stderr : stdout, "map");
			json_string(&j, "svg", o.svg);
			json_uint(&j, "elements", st.elements);
			json_uint(&j, "width", st.width);
			json_uint(&j, "height", st.height);
			cli_json_facts(&j, cm.source, &facts);
			cli_json_result(&j, "result", &run->res);
			json_document_end(&j);
		} else if (f != stdout) {
			printf("%s: %u SVG elements, %ux%u\n", o.svg, st.elements, st.width, st.height);
		}
		ret = bm_sim_clean(&run->res) ? CLI_EXIT_CLEAN : CLI_EXIT_FOUND;
	}
	bm_sim_run_free(run);
	cli_machine_free(&cm);
	return ret;
}
