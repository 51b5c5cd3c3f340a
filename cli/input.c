// SPDX-License-Identifier: MIT
/*
 * The command's inputs: one boot log (anything bm_bootlog_parse_file
 * accepts), one scenario (.scn), or a log plus a scenario without a machine
 * of its own, whose lines then apply on top of the log's machine.
 *
 * Why not merge several logs: two dumps of one machine (an e820 dump and
 * /proc/iomem) overlap in what they describe, and guessing which wins for
 * each range would silently change the machine. A scenario states the
 * changes explicitly, with line numbers in every error.
 *
 * Configuration layers, each overriding the one before: the command's base
 * (defaults, or keep_memblock for compare), the kernel's era (--kernel, or
 * the log's own and what the log shows about the kernel that printed it),
 * the scenario's "config" lines, the command line.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/desc.h"

/*
 * --kernel's profile goes in before the machine's own configuration, in
 * place of the log's era: the scenario's config lines and the other
 * options then override it, in that order, as they do the log's.
 */
static void with_kernel(const struct cli_opts *o, const struct bm_sim_config *base,
			struct bm_sim_config *out)
{
	char why[160];

	*out = *base;
	if (o->kernel && bm_config_set(out, "kernel", o->kernel, why, sizeof(why)))
		out->kernel[0] = '\0';	/* cli_parse checked it: cannot happen */
}

static int load_error(const struct cli_opts *o, const struct bm_parse_error *err)
{
	char buf[600];

	(void)o;
	fprintf(stderr, "%s\n", bm_parse_error_format(err, buf, sizeof(buf)));
	return CLI_EXIT_USAGE;
}

static int load_scenario(const struct cli_opts *o, const char *path, const char *log_path,
			 const struct bm_sim_config *base, struct cli_machine *cm)
{
	struct bm_parse_error err;
	bool has_memory = false;

	cm->scn = malloc(sizeof(*cm->scn));
	if (!cm->scn) {
		cli_error(o->cmd, "out of memory");
		return CLI_EXIT_USAGE;
	}
	if (bm_scenario_parse_file(path, cm->scn, &err))
		return load_error(o, &err);
	for (unsigned i = 0; i < cm->scn->nr_ranges; i++)
		has_memory |= cm->scn->ranges[i].kind == BM_SCN_MEMORY;
	if (log_path) {
		if (cm->scn->machine[0] || has_memory) {
			cli_error(o->cmd, "%s describes its own machine (%s); give either it or %s",
				  path, cm->scn->machine[0] ? "machine line" : "memory lines",
				  log_path);
			return CLI_EXIT_USAGE;
		}
		snprintf(cm->scn->machine, sizeof(cm->scn->machine), "%s", log_path);
	}
	if (bm_scenario_build(cm->scn, base, &cm->desc, &cm->cfg, &err))
		return load_error(o, &err);
	snprintf(cm->source, sizeof(cm->source), "%s", path);
	return 0;
}

static int load_log(const struct cli_opts *o, const char *name, const char *buf, size_t len,
		    const struct bm_sim_config *base, struct cli_machine *cm)
{
	struct bm_parse_error err;
	int ret;

	cm->log = calloc(1, sizeof(*cm->log));
	if (!cm->log) {
		cli_error(o->cmd, "out of memory");
		return CLI_EXIT_USAGE;
	}
	if (buf)
		ret = bm_bootlog_parse_buf(name, buf, len, cm->log, &err);
	else
		ret = bm_bootlog_parse_file(name, cm->log, &err);
	if (ret) {
		free(cm->log);
		cm->log = NULL;
		return load_error(o, &err);
	}
	if (bm_desc_from_log(cm->log, base, &cm->desc, &cm->cfg, &err)) {
		bm_bootlog_free(cm->log);
		free(cm->log);
		cm->log = NULL;
		return load_error(o, &err);
	}
	snprintf(cm->source, sizeof(cm->source), "%s", name);
	return 0;
}

/* Refuse, as bad input, a machine the host has not the memory to simulate. */
static int check_feasible(const struct cli_opts *o, struct cli_machine *cm)
{
	char why[300];

	if (bm_sim_feasible(&cm->desc, why, sizeof(why)))
		return 0;
	cli_error(o->cmd, "%s: %s", cm->source, why);
	return CLI_EXIT_USAGE;
}

/* "-": the log on standard input (sudo dmesg | bootmm replay -). */
static int load_stdin(const struct cli_opts *o, const struct bm_sim_config *base,
		      struct cli_machine *cm)
{
	struct bm_parse_error err;
	size_t len;
	char *buf;
	int ret;

	if (bm_read_stream(stdin, "(stdin)", &buf, &len, &err)) {
		cli_error(o->cmd, "standard input: %s", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (!len) {
		free(buf);
		cli_error(o->cmd, "standard input is empty: pipe a boot log in "
			  "(sudo dmesg | bootmm %s -)", o->cmd);
		return CLI_EXIT_USAGE;
	}
	ret = load_log(o, "(stdin)", buf, len, base, cm);
	/* kept: replay --diff reads the kernel's lines again */
	cm->stdin_text = buf;
	cm->stdin_len = len;
	return ret;
}

/**
 * cli_load - the machine the command's inputs describe
 * @o: parsed options (inputs and configuration options)
 * @base: configuration before the machine's and the command line's
 * @cm: filled in; release with cli_machine_free() whatever the result
 *
 * Return: 0, or CLI_EXIT_USAGE after printing "FILE:LINE: what is wrong".
 */
int cli_load(const struct cli_opts *o, const struct bm_sim_config *base, struct cli_machine *cm)
{
	const char *scn = NULL, *log = NULL;
	struct bm_sim_config scratch = *base;
	int ret;

	memset(cm, 0, sizeof(*cm));
	/* A bad --config is reported before any input is read. */
	ret = cli_apply_config(o, &scratch);
	if (ret)
		return ret;
	if (!o->nr_inputs) {
		cli_error(o->cmd, "no input: give a boot log, a firmware dump or a scenario (.scn) "
			  "(see bootmm %s --help; bootmm alone runs the built-in example)", o->cmd);
		return CLI_EXIT_USAGE;
	}
	for (unsigned i = 0; i < o->nr_inputs; i++) {
		const char **slot = bm_scenario_is_file(o->inputs[i]) ? &scn : &log;

		if (*slot) {
			cli_error(o->cmd, "two %s (%s and %s): give one boot log and/or one scenario; "
				  "a scenario without a machine line applies to the log",
				  slot == &scn ? "scenarios" : "boot logs", *slot, o->inputs[i]);
			return CLI_EXIT_USAGE;
		}
		*slot = o->inputs[i];
	}
	with_kernel(o, base, &scratch);
	if (scn)
		ret = load_scenario(o, scn, log, &scratch, cm);
	else if (!strcmp(log, "-"))
		ret = load_stdin(o, &scratch, cm);
	else
		ret = load_log(o, log, NULL, 0, &scratch, cm);
	if (ret || (ret = check_feasible(o, cm)))
		return ret;
	return cli_apply_config(o, &cm->cfg);
}

/**
 * cli_load_buf - cli_load() of a boot log held in memory
 * @o: options (configuration only; inputs are ignored)
 * @name: name for messages
 * @buf: the log text
 * @len: its length
 * @base: configuration before the machine's and the command line's
 * @cm: filled in; release with cli_machine_free()
 *
 * Return: 0 or CLI_EXIT_USAGE.
 */
int cli_load_buf(const struct cli_opts *o, const char *name, const char *buf, size_t len,
		 const struct bm_sim_config *base, struct cli_machine *cm)
{
	struct bm_sim_config k;
	int ret;

	memset(cm, 0, sizeof(*cm));
	with_kernel(o, base, &k);
	ret = load_log(o, name, buf, len, &k, cm);
	if (ret || (ret = check_feasible(o, cm)))
		return ret;
	return cli_apply_config(o, &cm->cfg);
}

/**
 * cli_machine_free - release what cli_load() or cli_load_buf() built
 * @cm: the machine (zeroed afterwards; safe on a failed load)
 */
void cli_machine_free(struct cli_machine *cm)
{
	if (cm->scn) {
		bm_scenario_desc_free(&cm->desc);
		free(cm->scn);
	} else if (cm->log) {
		bm_desc_free(&cm->desc);
	}
	if (cm->log) {
		bm_bootlog_free(cm->log);
		free(cm->log);
	}
	free(cm->stdin_text);
	memset(cm, 0, sizeof(*cm));
}
