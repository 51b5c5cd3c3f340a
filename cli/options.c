// SPDX-License-Identifier: MIT
/*
 * Command-line options of every subcommand. A small parser of its own
 * rather than getopt_long so that every mistake gets one clear message
 * naming the subcommand and the option, and exit status 2.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/**
 * cli_error - print "bootmm CMD: message" on stderr
 * @cmd: subcommand, or NULL
 * @fmt: printf format of the message
 */
void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bootmm%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct {
	const char *name;
	unsigned bit;
} show_names[] = {
	{ "meminfo", CLI_SHOW_MEMINFO }, { "zoneinfo", CLI_SHOW_ZONEINFO },
	{ "buddyinfo", CLI_SHOW_BUDDYINFO }, { "pagetypeinfo", CLI_SHOW_PAGETYPEINFO },
	{ "memblock", CLI_SHOW_MEMBLOCK }, { "log", CLI_SHOW_LOG },
};

static int parse_show(struct cli_opts *o, const char *v)
{
	char buf[256], *save = NULL;

	if (strlen(v) >= sizeof(buf)) {
		cli_error(o->cmd, "--show list too long");
		return CLI_EXIT_USAGE;
	}
	strcpy(buf, v);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (!strcmp(t, "all")) {
			o->show |= CLI_SHOW_MEMINFO | CLI_SHOW_ZONEINFO | CLI_SHOW_BUDDYINFO |
				   CLI_SHOW_PAGETYPEINFO | CLI_SHOW_MEMBLOCK;
			continue;
		}
		for (i = 0; i < BM_ARRAY_SIZE(show_names); i++)
			if (!strcmp(t, show_names[i].name))
				break;
		if (i == BM_ARRAY_SIZE(show_names)) {
			cli_error(o->cmd, "unknown report '%s' for --show (meminfo, zoneinfo, "
				  "buddyinfo, pagetypeinfo, memblock, log, all)", t);
			return CLI_EXIT_USAGE;
		}
		o->show |= show_names[i].bit;
	}
	return 0;
}

static int parse_stop_on(struct cli_opts *o, const char *v)
{
	char buf[256], *save = NULL;

	if (strlen(v) >= sizeof(buf)) {
		cli_error(o->cmd, "--stop-on list too long");
		return CLI_EXIT_USAGE;
	}
	strcpy(buf, v);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < BM_NR_VIOLATION_KINDS; k++)
			if (!strcmp(t, bm_violation_name((enum bm_violation_kind)k)))
				break;
		if (k == BM_NR_VIOLATION_KINDS) {
			cli_error(o->cmd, "unknown violation kind '%s' for --stop-on (uninit_read, "
				  "double_init, leak, memblock_mismatch, migratetype, misuse, "
				  "invariant, warn)", t);
			return CLI_EXIT_USAGE;
		}
		o->stop_on |= 1u << k;
	}
	return 0;
}

static int parse_number(struct cli_opts *o, const char *opt, const char *v, double lo,
			double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || *out < lo || *out > hi) {
		cli_error(o->cmd, "bad value '%s' for %s: expected a number from %g to %g", v,
			  opt, lo, hi);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int parse_u64(struct cli_opts *o, const char *opt, const char *v, unsigned long long *out)
{
	uint64_t n;

	if (bm_parse_size(v, &n)) {
		cli_error(o->cmd, "bad value '%s' for %s: expected a whole number", v, opt);
		return CLI_EXIT_USAGE;
	}
	*out = n;
	return 0;
}

/* An option's value: "--opt=value" or the next argument. */
static const char *take_value(struct cli_opts *o, const char *arg, const char *name,
			      int argc, char **argv, int *i)
{
	size_t n = strlen(name);

	if (arg[n] == '=')
		return arg + n + 1;
	if (*i + 1 >= argc) {
		cli_error(o->cmd, "option %s needs a value (see bootmm %s%s--help)", name,
			  o->cmd ? o->cmd : "", o->cmd ? " " : "");
		return NULL;
	}
	return argv[++*i];
}

static bool is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/**
 * cli_parse - parse a subcommand's arguments
 * @argc: count, argv[0] being the subcommand
 * @argv: arguments
 * @accept: CLI_OPT_* groups this subcommand takes
 * @o: filled in (defaults first)
 *
 * Every subcommand takes --help and --json; the rest depends on @accept.
 * Options may come before or after the inputs; "--" ends options.
 *
 * Return: 0, or CLI_EXIT_USAGE after printing what is wrong.
 */
int cli_parse(int argc, char **argv, unsigned accept, struct cli_opts *o)
{
	bool dashdash = false;

	memset(o, 0, sizeof(*o));
	o->cmd = argc > 0 ? argv[0] : NULL;
	o->policy = -1;
	o->deferred = -1;
	o->placement = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		double d;
		int ret = 0;

		if (dashdash || a[0] != '-' || !a[1]) {
			if (o->nr_inputs == CLI_MAX_INPUTS) {
				cli_error(o->cmd, "too many inputs (at most %d)", CLI_MAX_INPUTS);
				return CLI_EXIT_USAGE;
			}
			o->inputs[o->nr_inputs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--diff") && o->cmd && !strcmp(o->cmd, "replay")) {
			o->diff = true;
		} else if ((accept & CLI_OPT_MACHINE) && !strcmp(a, "--host-timings")) {
			o->host_timings = true;
		} else if ((accept & (CLI_OPT_MACHINE | CLI_OPT_FUZZ)) && is_opt(a, "--policy")) {
			if (!(v = take_value(o, a, "--policy", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			o->policy = bm_policy_from_name(v);
			if (o->policy < 0) {
				cli_error(o->cmd, "unknown policy '%s' (safe, skip-uninit, free-early, "
					  "unreserve, unreserve-flag, discard, warn)", v);
				return CLI_EXIT_USAGE;
			}
		} else if ((accept & CLI_OPT_MACHINE) && is_opt(a, "--deferred")) {
			if (!(v = take_value(o, a, "--deferred", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			if (strcmp(v, "on") && strcmp(v, "off")) {
				cli_error(o->cmd, "bad value '%s' for --deferred: on or off", v);
				return CLI_EXIT_USAGE;
			}
			o->deferred = !strcmp(v, "on");
		} else if ((accept & CLI_OPT_MACHINE) && is_opt(a, "--threads")) {
			if (!(v = take_value(o, a, "--threads", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_number(o, "--threads", v, 1, 256, &d);
			if (!ret && d != (unsigned)d) {
				cli_error(o->cmd, "bad value '%s' for --threads: a whole number", v);
				return CLI_EXIT_USAGE;
			}
			o->threads = (unsigned)d;
		} else if ((accept & CLI_OPT_MACHINE) && is_opt(a, "--placement")) {
			if (!(v = take_value(o, a, "--placement", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			o->placement = bm_placement_from_name(v);
			if (o->placement < 0) {
				cli_error(o->cmd, "unknown placement '%s' (historical, fixed, initmem, "
					  "auto)", v);
				return CLI_EXIT_USAGE;
			}
		} else if ((accept & (CLI_OPT_MACHINE | CLI_OPT_FUZZ)) && is_opt(a, "--config")) {
			if (!(v = take_value(o, a, "--config", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			if (o->nr_config == CLI_MAX_CONFIG) {
				cli_error(o->cmd, "too many --config options");
				return CLI_EXIT_USAGE;
			}
			o->config[o->nr_config++] = v;
		} else if ((accept & CLI_OPT_SHOW) && is_opt(a, "--show")) {
			if (!(v = take_value(o, a, "--show", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_show(o, v);
		} else if ((accept & CLI_OPT_FUZZ) && is_opt(a, "--seconds")) {
			if (!(v = take_value(o, a, "--seconds", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_number(o, "--seconds", v, 0.01, 86400 * 7, &o->seconds);
		} else if ((accept & CLI_OPT_FUZZ) && is_opt(a, "--seed")) {
			if (!(v = take_value(o, a, "--seed", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_u64(o, "--seed", v, &o->seed);
			o->seed_set = true;
		} else if ((accept & CLI_OPT_FUZZ) && is_opt(a, "--out")) {
			if (!(v = take_value(o, a, "--out", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			o->out = v;
		} else if ((accept & CLI_OPT_FUZZ) && is_opt(a, "--stop-on")) {
			if (!(v = take_value(o, a, "--stop-on", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_stop_on(o, v);
		} else if ((accept & CLI_OPT_FUZZ) && is_opt(a, "--max-execs")) {
			unsigned long long n = 0;

			if (!(v = take_value(o, a, "--max-execs", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			ret = parse_u64(o, "--max-execs", v, &n);
			o->max_execs = (unsigned long)n;
		} else if ((accept & CLI_OPT_SVG) && is_opt(a, "--svg")) {
			if (!(v = take_value(o, a, "--svg", argc, argv, &i)))
				return CLI_EXIT_USAGE;
			o->svg = v;
		} else {
			cli_error(o->cmd, "unknown option '%s' (see bootmm %s%s--help)", a,
				  o->cmd ? o->cmd : "", o->cmd ? " " : "");
			return CLI_EXIT_USAGE;
		}
		if (ret)
			return ret;
	}
	/* Simulated time unless asked: output must diff the same every run. */
	bm_sim_set_host_timings(o->host_timings);
	return 0;
}

/**
 * cli_apply_config - the command line's configuration, on top of @cfg
 * @o: parsed options
 * @cfg: configuration so far (defaults, then the machine's own)
 *
 * The dedicated options first, then --config in the order given, then the
 * cross-field check, so "--config pageblock_order=10 --config
 * max_page_order=11" works in either order.
 *
 * Return: 0, or CLI_EXIT_USAGE after printing what is wrong.
 */
int cli_apply_config(const struct cli_opts *o, struct bm_config *cfg)
{
	char why[512];

	if (o->policy >= 0)
		cfg->release_policy = o->policy;
	if (o->deferred >= 0)
		cfg->deferred_struct_page_init = o->deferred;
	if (o->threads)
		cfg->threads = o->threads;
	if (o->placement >= 0)
		cfg->placement = o->placement;
	for (unsigned i = 0; i < o->nr_config; i++) {
		if (bm_config_assign(cfg, o->config[i], why, sizeof(why))) {
			cli_error(o->cmd, "--config %s: %s", o->config[i], why);
			return CLI_EXIT_USAGE;
		}
	}
	if (bm_config_check(cfg, why, sizeof(why))) {
		cli_error(o->cmd, "bad configuration: %s", why);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/**
 * cli_help_machine_options - the machine options' part of --help
 * @f: output
 *
 * Shared by every command that boots a machine, and generated from
 * bm_config_keys[] so that a new key shows up here by itself.
 */
void cli_help_machine_options(FILE *f)
{
	fputs("Machine options:\n"
	      "  --policy P         release policy: safe (default), skip-uninit, free-early,\n"
	      "                     unreserve, unreserve-flag, discard, warn\n"
	      "  --deferred on|off  CONFIG_DEFERRED_STRUCT_PAGE_INIT\n"
	      "  --threads N        host threads for deferred struct page init\n"
	      "  --host-timings     print host wall-clock times (\"deferred pages initialised\n"
	      "                     in Nms\"); default: simulated time, 0ms, the same every run\n"
	      "  --placement P      where the seeds' callers release memory: historical\n"
	      "                     (before SMP), fixed (arch_initcall), initmem, auto\n"
	      "  --config KEY=VALUE any configuration key (repeatable):\n", f);
	for (unsigned i = 0; i < bm_nr_config_keys; i++)
		fprintf(f, "      %-27s %s\n", bm_config_keys[i].name, bm_config_keys[i].help);
	fputs("  --json             machine-readable output (docs/JSON.md)\n"
	      "  --help             this text\n", f);
}
