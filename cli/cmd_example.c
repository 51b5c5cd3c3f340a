// SPDX-License-Identifier: MIT
/*
 * bootmm with no arguments: the built-in example. A real 512 MiB EFI boot
 * (Debian 6.1 under QEMU/OVMF, memblock=debug, embedded at build time)
 * booted under every release policy, so that a newcomer sees the seeds'
 * bugs and the fix on one screen, in well under a second.
 */
#include <string.h>

#include "cli/cli.h"

static double mib(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void print_header(const struct cli_machine *cm, const struct cli_compare *c)
{
	const struct cli_facts *f = &c->facts;

	printf("bootmm: the built-in example, %s\n", cm->source);
	printf("  a real boot log: Debian 6.1 cloud kernel, QEMU q35 + OVMF, memblock=debug\n");
	/* The VM was given 512 MiB; firmware keeps some: show both. */
	printf("  machine: %.0f MiB EFI VM, %.1f MiB of RAM in memblock, %d node%s",
	       mib(BM_ALIGN_UP(f->memory_bytes, (uint64_t)64 << 20)), mib(f->memory_bytes),
	       f->nr_nodes, f->nr_nodes == 1 ? "" : "s");
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++)
		if (f->first_deferred[nid] != BM_NO_PFN)
			printf("\n  node %d first_deferred_pfn %#llx (%.0f MiB)", nid,
			       (unsigned long long)f->first_deferred[nid],
			       mib(BM_PFN_PHYS(f->first_deferred[nid])));
	printf("\n  EFI boot services: %.1f MiB reserved at setup_arch, %.1f MiB of it above "
	       "first_deferred_pfn\n\n", mib(f->efi_boot_bytes), mib(f->efi_boot_deferred_bytes));
}

static void print_explanation(const struct cli_compare *c)
{
	const struct bm_sim_result *skip = &c->res[BM_POLICY_SKIP_UNINIT];
	const struct bm_sim_result *early = &c->res[BM_POLICY_FREE_EARLY];
	const struct bm_sim_result *safe = &c->res[BM_POLICY_SAFE];

	printf("\n");
	printf("skip-uninit (the kernel until 2026) leaks %.1f MiB: EFI boot services above\n"
	       "  first_deferred_pfn are released before deferred init and skipped (seed 004).\n",
	       mib((uint64_t)skip->leaked_pages << BM_PAGE_SHIFT));
	printf("free-early (115d9d77bb0f, reverted) frees them at once: %lu reads of\n"
	       "  uninitialised buddy struct pages in __free_one_page (seed 001).\n",
	       early->uninit_reads);
	printf("safe (bootmm) leaks %lu pages and reads no garbage: it frees what is\n"
	       "  initialised now and the rest as deferred init reaches it.\n",
	       safe->leaked_pages);
}

static void print_footer(const struct bm_config *cfg)
{
	printf("\nconfig: keep_memblock=%s%s\n", cfg->arch_keep_memblock ? "on" : "off",
	       cfg->arch_keep_memblock ? " (memblock/memmap disagreement observable, as on TDX "
					 "hosts and arm64)" : "");
	if (cfg->placement == BM_PLACEMENT_AUTO && cfg->placement_efi == BM_PLACEMENT_AUTO)
		printf("  placement auto: EFI boot services and .smp_locks freed before SMP as the\n"
		       "  kernel did until 2026, in arch_initcall for warn (v7.1); the logged 6.1.192\n"
		       "  kernel has the EFI move backported (see bootmm replay).\n");
	else
		printf("  placement %s, EFI boot services %s\n", bm_placement_name(cfg->placement),
		       bm_placement_name(cfg->placement_efi));
	printf("next: bootmm compare LOG | bootmm boot --policy P LOG | bootmm --help\n");
}

static void help(FILE *f)
{
	fputs("usage: bootmm [--json] [--config KEY=VALUE...]\n"
	      "       bootmm COMMAND [options]   (bootmm help for the commands)\n"
	      "\n"
	      "With no command, boot the built-in example (a real 512 MiB EFI machine's\n"
	      "boot log) under every release policy and explain the table.\n\n", f);
	cli_help_machine_options(f);
}

/**
 * cmd_example - the built-in example
 * @argc: arguments, argv[0] is the program
 * @argv: only --json, --help and machine options are accepted
 *
 * Return: 0 when bootmm's safe policy is clean (the example exists to show
 * the other policies' bugs, which are not failures of this run), 1 if safe
 * shows a violation, 2 on usage errors.
 */
int cmd_example(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_machine cm;
	struct cli_compare c;
	struct bm_config base;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE, &o);

	o.cmd = NULL;
	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	if (o.nr_inputs) {
		cli_error(NULL, "unknown command '%s' (try bootmm help)", o.inputs[0]);
		return CLI_EXIT_USAGE;
	}
	bm_config_default(&base);
	base.arch_keep_memblock = true;
	ret = cli_load_buf(&o, bm_embedded_example_name, (const char *)bm_embedded_example,
			   bm_embedded_example_len, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	/*
	 * The logged kernel (6.1.192) has the 2026 EFI fix backported, which
	 * hides seed 004. Show each policy with the callers where that
	 * policy's kernels had them (auto), unless the command line says.
	 */
	cm.cfg.placement = BM_PLACEMENT_AUTO;
	cm.cfg.placement_efi = BM_PLACEMENT_AUTO;
	ret = cli_apply_config(&o, &cm.cfg);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	if (cli_compare_run(&cm, &c)) {
		cli_error(NULL, "the built-in example could not be booted: %s", bm_sim_last_failure());
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	if (o.json) {
		cli_compare_json("example", cm.source, &c, BM_POLICY_SAFE);
	} else {
		print_header(&cm, &c);
		cli_compare_print_table(&c, stdout);
		print_explanation(&c);
		print_footer(&c.cfg);
	}
	ret = cli_result_dirty(&c.res[BM_POLICY_SAFE]) ? CLI_EXIT_FOUND : CLI_EXIT_CLEAN;
	cli_machine_free(&cm);
	return ret;
}
