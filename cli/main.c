// SPDX-License-Identifier: MIT
/*
 * bootmm: simulate Linux's boot-time physical memory pipeline and the bugs
 * in its hand-offs. This file only dispatches to the subcommands.
 */
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "boot", cmd_boot, "one boot: kernel log lines, reports, every violation" },
	{ "compare", cmd_compare, "the same machine under every release policy" },
	{ "replay", cmd_replay, "replay a real boot log and compare with what the kernel printed" },
	{ "fuzz", cmd_fuzz, "random machines and release timelines until a violation" },
	{ "map", cmd_map, "an SVG picture of physical memory after boot" },
};

/**
 * cli_usage - the top-level usage: synopsis and every subcommand
 * @f: output
 *
 * Printed by `bootmm --help`, `bootmm help` and after an unknown command.
 */
void cli_usage(FILE *f)
{
	fputs("usage: bootmm [--json] [options]   the built-in example (512 MiB EFI machine)\n"
	      "       bootmm COMMAND [options] INPUT...\n"
	      "       bootmm help [COMMAND] | bootmm -V|--version\n\ncommands:\n", f);
	for (size_t i = 0; i < BM_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
	fputs("  help      this list, or a command's --help\n"
	      "\nEvery command takes --help (-h) and --json. Exit status: 0 clean, 1 violations\n"
	      "found (or replay mismatches), 2 bad input or usage. docs/CLI.md and bootmm(1)\n"
	      "have the details.\n", f);
}

int main(int argc, char **argv)
{
	/* No command (options only): the built-in example, -V and --help. */
	if (argc < 2 || argv[1][0] == '-')
		return cmd_example(argc, argv);
	if (!strcmp(argv[1], "help")) {
		if (argc > 2) {
			for (size_t i = 0; i < BM_ARRAY_SIZE(commands); i++) {
				if (!strcmp(argv[2], commands[i].name)) {
					char *args[] = { argv[2], (char *)"--help", NULL };

					return commands[i].fn(2, args);
				}
			}
		}
		cli_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < BM_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error(NULL, "unknown command '%s' (see bootmm --help)", argv[1]);
	return CLI_EXIT_USAGE;
}
