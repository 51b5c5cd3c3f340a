// SPDX-License-Identifier: MIT
/*
 * Command-line options of every subcommand, parsed by getopt_long with its
 * own messages off: every mistake gets one line naming the subcommand and
 * the option, and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Every option of every subcommand, in one table: getopt_long is given the
 * rows a subcommand accepts, so an option of another subcommand is as
 * unknown as a typo. A new option is one row here and one case in
 * apply_option().
 */
enum {
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_JSON = 0x100,
	OPT_POLICY,
	OPT_DEFERRED,
	OPT_THREADS,
	OPT_PLACEMENT,
	OPT_KERNEL,
	OPT_CONFIG,
	OPT_SHOW,
	OPT_SECONDS,
	OPT_SEED,
	OPT_OUT,
	OPT_STOP_ON,
	OPT_MAX_EXECS,
	OPT_SVG,
	OPT_DIFF,
	OPT_HOST_TIMINGS,
};

static const struct cli_option {
	const char *name;
	int val;
	bool value;		/* takes a value: --name=V or --name V */
	unsigned groups;	/* CLI_OPT_* that accept it; 0: every command */
} options[] = {
	{ "help", OPT_HELP, false, 0 },
	{ "json", OPT_JSON, false, 0 },
	{ "version", OPT_VERSION, false, CLI_OPT_TOP },
	{ "policy", OPT_POLICY, true, CLI_OPT_MACHINE | CLI_OPT_FUZZ },
	{ "deferred", OPT_DEFERRED, true, CLI_OPT_MACHINE },
	{ "threads", OPT_THREADS, true, CLI_OPT_MACHINE },
	{ "placement", OPT_PLACEMENT, true, CLI_OPT_MACHINE },
	{ "kernel", OPT_KERNEL, true, CLI_OPT_MACHINE },
	{ "config", OPT_CONFIG, true, CLI_OPT_MACHINE | CLI_OPT_FUZZ },
	{ "show", OPT_SHOW, true, CLI_OPT_SHOW },
	{ "seconds", OPT_SECONDS, true, CLI_OPT_FUZZ },
	{ "seed", OPT_SEED, true, CLI_OPT_FUZZ },
	{ "out", OPT_OUT, true, CLI_OPT_FUZZ },
	{ "stop-on", OPT_STOP_ON, true, CLI_OPT_FUZZ },
	{ "max-execs", OPT_MAX_EXECS, true, CLI_OPT_FUZZ },
	{ "svg", OPT_SVG, true, CLI_OPT_SVG },
	{ "diff", OPT_DIFF, false, CLI_OPT_DIFF },
	{ "host-timings", OPT_HOST_TIMINGS, false, CLI_OPT_MACHINE },
};

/* "--name" of an option value, for messages. */
static const char *option_name(int val)
{
	for (size_t i = 0; i < BM_ARRAY_SIZE(options); i++)
		if (options[i].val == val)
			return options[i].name;
	return "?";
}

/* One option's value into @o. Return 0, or CLI_EXIT_USAGE after printing why. */
static int apply_option(struct cli_opts *o, int val, const char *v)
{
	unsigned long long n = 0;
	double d;
	int ret = 0;

	switch (val) {
	case OPT_HELP:
		o->help = true;
		break;
	case OPT_VERSION:
		o->version = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_POLICY:
		o->policy = bm_policy_from_name(v);
		if (o->policy < 0) {
			cli_error(o->cmd, "unknown policy '%s' (safe, skip-uninit, free-early, "
				  "unreserve, unreserve-flag, discard, warn)", v);
			return CLI_EXIT_USAGE;
		}
		break;
	case OPT_DEFERRED:
		if (strcmp(v, "on") && strcmp(v, "off")) {
			cli_error(o->cmd, "bad value '%s' for --deferred: on or off", v);
			return CLI_EXIT_USAGE;
		}
		o->deferred = !strcmp(v, "on");
		break;
	case OPT_THREADS:
		ret = parse_number(o, "--threads", v, 1, 256, &d);
		if (!ret && d != (unsigned)d) {
			cli_error(o->cmd, "bad value '%s' for --threads: a whole number", v);
			return CLI_EXIT_USAGE;
		}
		o->threads = ret ? 0 : (unsigned)d;
		break;
	case OPT_PLACEMENT:
		o->placement = bm_placement_from_name(v);
		if (o->placement < 0) {
			cli_error(o->cmd, "unknown placement '%s' (historical, fixed, initmem, "
				  "auto)", v);
			return CLI_EXIT_USAGE;
		}
		break;
	case OPT_KERNEL: {
		struct bm_era e;
		char why[160];

		if (bm_era_parse(v, &e, why, sizeof(why))) {
			cli_error(o->cmd, "--kernel: %s", why);
			return CLI_EXIT_USAGE;
		}
		o->kernel = v;
		break;
	}
	case OPT_CONFIG:
		if (o->nr_config == CLI_MAX_CONFIG) {
			cli_error(o->cmd, "too many --config options");
			return CLI_EXIT_USAGE;
		}
		o->config[o->nr_config++] = v;
		break;
	case OPT_SHOW:
		ret = parse_show(o, v);
		break;
	case OPT_SECONDS:
		ret = parse_number(o, "--seconds", v, 0.01, 86400 * 7, &o->seconds);
		break;
	case OPT_SEED:
		ret = parse_u64(o, "--seed", v, &o->seed);
		o->seed_set = true;
		break;
	case OPT_OUT:
		o->out = v;
		break;
	case OPT_STOP_ON:
		ret = parse_stop_on(o, v);
		break;
	case OPT_MAX_EXECS:
		ret = parse_u64(o, "--max-execs", v, &n);
		o->max_execs = (unsigned long)n;
		break;
	case OPT_SVG:
		o->svg = v;
		break;
	case OPT_DIFF:
		o->diff = true;
		break;
	case OPT_HOST_TIMINGS:
		o->host_timings = true;
		break;
	}
	return ret;
}

static int add_input(struct cli_opts *o, const char *a)
{
	if (o->nr_inputs == CLI_MAX_INPUTS) {
		cli_error(o->cmd, "too many inputs (at most %d)", CLI_MAX_INPUTS);
		return CLI_EXIT_USAGE;
	}
	o->inputs[o->nr_inputs++] = a;
	return 0;
}

/* A usage mistake: one line, ending with where the command's help is. */
static __attribute__((format(printf, 2, 3))) void usage_error(struct cli_opts *o,
							      const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_error(o->cmd, "%s (see bootmm %s%s--help)", msg, o->cmd ? o->cmd : "",
		  o->cmd ? " " : "");
}

/**
 * cli_parse - parse a subcommand's arguments with getopt_long
 * @argc: count, argv[0] being the subcommand (or the program, for the top level)
 * @argv: arguments
 * @accept: CLI_OPT_* groups this subcommand takes; CLI_OPT_TOP for the
 *          command with no name (messages then say "bootmm:")
 * @o: filled in (defaults first)
 *
 * Every subcommand takes --help (-h) and --json; the rest depends on
 * @accept. Options may come before or after the inputs, as --name=VALUE or
 * --name VALUE, abbreviated while unambiguous; "--" ends options.
 *
 * Return: 0, or CLI_EXIT_USAGE after printing one line saying what is wrong.
 * Context: not reentrant (getopt's state is global).
 */
int cli_parse(int argc, char **argv, unsigned accept, struct cli_opts *o)
{
	struct option longopts[BM_ARRAY_SIZE(options) + 1];
	char shortopts[8] = "-:h";
	size_t n = 0;
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->cmd = argc > 0 && !(accept & CLI_OPT_TOP) ? argv[0] : NULL;
	o->policy = -1;
	o->deferred = -1;
	o->placement = -1;
	for (size_t i = 0; i < BM_ARRAY_SIZE(options); i++) {
		if (options[i].groups && !(options[i].groups & accept))
			continue;
		longopts[n++] = (struct option){ options[i].name,
			options[i].value ? required_argument : no_argument, NULL, options[i].val };
	}
	longopts[n] = (struct option){ 0 };
	if (accept & CLI_OPT_TOP)
		strcat(shortopts, "V");
	/* "-": inputs come back in order as 1; ":": a missing value is ':'. */
	opterr = 0;
	optind = 0;		/* glibc: a full reset, for a second parse in one process */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 1) {
			ret = add_input(o, optarg);
		} else if (c == ':') {
			if (optopt >= OPT_JSON)
				usage_error(o, "option --%s needs a value", option_name(optopt));
			else
				usage_error(o, "option %s needs a value", argv[optind - 1]);
			ret = CLI_EXIT_USAGE;
		} else if (c == '?') {
			const char *a = argv[optind - 1];
			bool is_long = !strncmp(a, "--", 2);

			if (optopt && optopt < 0x100 && !is_long)
				usage_error(o, "unknown option '-%c'", optopt);
			else if (optopt)	/* --json=VALUE */
				usage_error(o, "option --%s takes no value", option_name(optopt));
			else		/* unknown, or an ambiguous abbreviation */
				usage_error(o, "unknown option '%s'", a);
			ret = CLI_EXIT_USAGE;
		} else {
			ret = apply_option(o, c, optarg);
		}
		if (ret)
			return ret;
	}
	/* After "--": every remaining argument is an input. */
	for (; optind < argc; optind++)
		if ((ret = add_input(o, argv[optind])))
			return ret;
	/* Simulated time unless asked: output must diff the same every run. */
	bm_sim_set_host_timings(o->host_timings);
	/* One process, boots one after the other (compare: the same machine
	 * under every era): each reuses the last one's simulated RAM. */
	bm_sim_set_keep_ram(true);
	/*
	 * cfg.threads stays 1 (bm_config_default) unless --threads or
	 * threads= asks; the walks whose order cannot show, deferred init
	 * and the check's pfn walk included, use every online CPU
	 * (cli_apply_config, cfg.walk_threads): what is printed is the
	 * one-thread boot's either way.
	 */
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
int cli_apply_config(const struct cli_opts *o, struct bm_sim_config *cfg)
{
	char why[512];

	/* --kernel is not here: cli_load applies it before the machine's own
	 * configuration (cli/input.c), so that a scenario's lines override it. */
	if (o->policy >= 0)
		cfg->release_policy = o->policy;
	if (o->deferred >= 0)
		cfg->deferred_struct_page_init = o->deferred;
	if (o->threads)
		cfg->threads = o->threads;
	/*
	 * The simulation's own walks (memmap_init without deferral, deferred
	 * init, bm_mm_check's pfn walk, ...) run in parallel only in ways that
	 * cannot change what is computed or reported: every online CPU,
	 * unless --threads says how many threads the command may use.
	 */
	if (o->threads) {
		cfg->walk_threads = o->threads;
	} else {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		cfg->walk_threads = cpus < 1 ? 1 : cpus > 256 ? 256 : (unsigned)cpus;
	}
	if (o->placement >= 0 &&
	    bm_config_set(cfg, "placement", bm_placement_name(o->placement), why, sizeof(why))) {
		cli_error(o->cmd, "--placement: %s", why);
		return CLI_EXIT_USAGE;
	}
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
	      "  --threads N        host threads for deferred struct page init, the large\n"
	      "                     struct page walks and the memory-map check (default:\n"
	      "                     every online CPU); the output is one thread's\n"
	      "  --host-timings     print host wall-clock times (\"deferred pages initialised\n"
	      "                     in Nms\"); default: simulated time, 0ms, the same every run\n"
	      "  --placement P      where the seeds' callers release memory: historical\n"
	      "                     (before SMP), fixed (arch_initcall), initmem, auto;\n"
	      "                     every caller, over the kernel's era\n"
	      "  --kernel VERSION   the kernel era to model (6.1, 6.1.192, 6.12.74, 7.1,\n"
	      "                     6.2-rc; docs/ERAS.md) instead of the log's own; the\n"
	      "                     other options still override its profile\n"
	      "  --config KEY=VALUE any configuration key (repeatable):\n", f);
	for (unsigned i = 0; i < bm_nr_config_keys; i++)
		fprintf(f, "      %-27s %s\n", bm_config_keys[i].name, bm_config_keys[i].help);
	fputs("  --json             machine-readable output (docs/JSON.md)\n"
	      "  --help             this text\n", f);
}
