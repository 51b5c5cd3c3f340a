/* SPDX-License-Identifier: MIT */
/*
 * The bootmm command: shared declarations of its subcommands (cmd_*.c),
 * option parsing (options.c), input loading (input.c), the compare table
 * (compare.c), the JSON writer (json.c), the SVG map (svg.c) and the
 * progress indicator (progress.c).
 *
 * Exit status everywhere: 0 clean, 1 violations (or replay mismatches,
 * failed expectations), 2 bad input or usage.
 */
#ifndef BOOTMM_CLI_H
#define BOOTMM_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/scenario.h"
#include "sim/era.h"

#include "bootmm/version.h"
#define CLI_EXIT_CLEAN		0
#define CLI_EXIT_FOUND		1
#define CLI_EXIT_USAGE		2
#define CLI_MAX_INPUTS		8
#define CLI_MAX_CONFIG		64

/* --show reports */
enum {
	CLI_SHOW_MEMINFO = 1 << 0,
	CLI_SHOW_ZONEINFO = 1 << 1,
	CLI_SHOW_BUDDYINFO = 1 << 2,
	CLI_SHOW_PAGETYPEINFO = 1 << 3,
	CLI_SHOW_MEMBLOCK = 1 << 4,
	CLI_SHOW_LOG = 1 << 5,		/* every log line, memblock=debug included */
};

/* Which options a subcommand takes (cli_parse's @accept). */
enum {
	CLI_OPT_MACHINE = 1 << 0,	/* --policy --deferred --threads --config --placement --kernel --host-timings */
	CLI_OPT_SHOW = 1 << 1,
	CLI_OPT_FUZZ = 1 << 2,		/* --seconds --seed --out --stop-on --max-execs */
	CLI_OPT_SVG = 1 << 3,
	CLI_OPT_TOP = 1 << 4,		/* no subcommand: -V/--version; "bootmm:" in messages */
	CLI_OPT_DIFF = 1 << 5,		/* replay --diff */
};

struct cli_opts {
	const char *cmd;		/* "boot", "compare", ... for messages */
	bool json, help, version;
	bool diff;			/* replay --diff: unified diff of the lines */
	bool host_timings;		/* --host-timings: wall-clock ms in the log */
	int policy;			/* -1: not given */
	int deferred;			/* -1: not given, else 0/1 */
	unsigned threads;		/* 0: not given */
	int placement;			/* -1: not given */
	const char *kernel;		/* --kernel VERSION, NULL: the log's own */
	const char *config[CLI_MAX_CONFIG];
	unsigned nr_config;
	unsigned show;
	const char *inputs[CLI_MAX_INPUTS];
	unsigned nr_inputs;
	/* fuzz */
	double seconds;
	unsigned long long seed;
	bool seed_set;
	const char *out;
	unsigned stop_on;		/* bit per enum bm_violation_kind, 0: default */
	unsigned long max_execs;	/* 0: no limit */
	/* map */
	const char *svg;
};

/* main.c: "usage: ..." and the subcommands, one line each (--help, help) */
void cli_usage(FILE *f);

/* diff.c: 0 identical, 1 different (diff printed), -1 no memory / too long */
int cli_unified_diff(FILE *out, const char *name_a, char *const *a, size_t na,
		     const char *name_b, char *const *b, size_t nb);

/* options.c */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse argv[1..] of a subcommand. Return 0, or CLI_EXIT_USAGE after printing why. */
int cli_parse(int argc, char **argv, unsigned accept, struct cli_opts *o);
/* Apply --policy/--deferred/--threads/--placement/--config to @cfg (in that
 * order: --config last). Return 0, or CLI_EXIT_USAGE after printing why. */
int cli_apply_config(const struct cli_opts *o, struct bm_sim_config *cfg);
/* The machine options' help text (shared by boot, compare, map). */
void cli_help_machine_options(FILE *f);

/* input.c: a machine to boot, from a log, a scenario, or both */
struct cli_machine {
	char source[512];		/* what to call it in output */
	struct bm_machine_desc desc;
	struct bm_sim_config cfg;		/* everything applied, command line last */
	struct bm_scenario *scn;	/* NULL unless a scenario was given */
	struct bm_bootlog *log;		/* NULL unless the machine is a plain log */
	char *stdin_text;		/* the text read from "-", else NULL */
	size_t stdin_len;
};
/*
 * Load the inputs into @cm with @base as the configuration before the
 * machine's own and the command line's. Return 0, or CLI_EXIT_USAGE after
 * printing "FILE:LINE: what is wrong".
 */
int cli_load(const struct cli_opts *o, const struct bm_sim_config *base, struct cli_machine *cm);
/* The same from text held in memory (the built-in example). */
int cli_load_buf(const struct cli_opts *o, const char *name, const char *buf, size_t len,
		 const struct bm_sim_config *base, struct cli_machine *cm);
void cli_machine_free(struct cli_machine *cm);

/* boot.c: one boot with the facts the output needs beyond bm_sim_result */
struct cli_facts {
	bm_pfn_t first_deferred[BM_MAX_NUMNODES];	/* at free_area_init, BM_NO_PFN none */
	int nr_nodes;
	uint64_t memory_bytes;				/* memblock.memory at boot */
	uint64_t efi_boot_bytes;			/* EFI boot services reserved */
	uint64_t efi_boot_deferred_bytes;		/* of it, above first_deferred_pfn */
};
struct progress;
struct bm_sim_run *cli_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			    FILE *log_file, int level, struct cli_facts *facts,
			    struct progress *progress, int *err);
/* cli_boot of br->cfgs[0] that may go on as another (bm_sim_boot_branched). */
struct bm_sim_run *cli_boot_branched(const struct bm_machine_desc *d,
				     const struct bm_sim_branch *br, struct cli_facts *facts,
				     int *err);
/* Every policy, through bm_sim_compare; @facts from the probe. */
int cli_boot_policies(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
		      struct bm_sim_result res[BM_NR_POLICIES], struct cli_facts *facts);
/* "never" or the phase name. */
const char *cli_phase_str(int phase);

/* compare.c: the machine under each era of sim/era.h, one row each */
struct cli_compare_row {
	int row;			/* enum bm_era_row */
	char kernel[24];		/* the version the row stands for, "" none */
	struct bm_sim_result res;
};
struct cli_compare {
	struct cli_compare_row rows[BM_NR_ROWS];
	unsigned n;
	struct cli_facts facts;
	struct bm_sim_config cfg;
};
int cli_compare_run(const struct cli_machine *cm, const struct cli_opts *o,
		    struct cli_compare *c);
/* compare_fork.c: the rows from shared boots (forks at the branch point). */
int cli_compare_shared(const struct cli_machine *cm, const struct bm_sim_config *cfgs,
		       struct cli_compare *c, struct progress *pr);
/* The row of @row (enum bm_era_row), NULL if absent. */
const struct cli_compare_row *cli_compare_find(const struct cli_compare *c, int row);
/* The row whose result decides the exit status for --policy @policy. */
const struct cli_compare_row *cli_compare_verdict_row(const struct cli_compare *c, int policy);
void cli_compare_print_table(const struct cli_compare *c, FILE *f);
/* The compare/example JSON document (docs/JSON.md) on stdout. */
void cli_compare_json(const char *command, const char *source, const struct cli_compare *c,
		      int verdict_policy);
struct json;
void cli_json_result(struct json *j, const char *key, const struct bm_sim_result *r);
void cli_json_row(struct json *j, const struct cli_compare_row *row);
void cli_compare_print_kernel(const struct cli_machine *cm, FILE *f);
void cli_json_config(struct json *j, const struct bm_sim_config *cfg);
void cli_json_facts(struct json *j, const char *source, const struct cli_facts *f);

/* json.c: a streaming writer, pretty-printed, always valid JSON */
struct json {
	FILE *f;
	int depth;
	bool need_comma[32];
};
void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *v);
void json_stringn(struct json *j, const char *key, const char *v, size_t len);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_int(struct json *j, const char *key, long long v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Open the top-level object with "schema_version" and "command". */
void json_document_begin(struct json *j, FILE *f, const char *command);
void json_document_end(struct json *j);

/* progress.c: stderr only, only on a terminal, only after a second */
struct progress {
	bool tty;
	bool shown;
	double start, last;
};
double cli_now(void);
void progress_init(struct progress *p);
void progress_update(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void progress_done(struct progress *p);

/* svg.c */
struct svg_stats {
	unsigned elements;
	unsigned width, height;
};
int svg_render(struct bm_sim_run *run, const struct cli_facts *facts, const char *title,
	       FILE *f, struct svg_stats *st);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_example(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_map(int argc, char **argv);

/* The built-in example, embedded at build time (cmake/embed.cmake). */
extern const unsigned char bm_embedded_example[];
extern const unsigned long bm_embedded_example_len;
extern const char bm_embedded_example_name[];

#endif /* BOOTMM_CLI_H */
