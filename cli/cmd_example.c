// SPDX-License-Identifier: MIT
/*
 * bootmm with no arguments: the built-in example. A real 512 MiB EFI boot
 * (Debian 6.1 under QEMU/OVMF, memblock=debug, embedded at build time)
 * booted as its own kernel and under every kernel era (bootmm compare's
 * table), so that a newcomer sees the seeds'
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
	const struct cli_compare_row *own = cli_compare_find(c, BM_ROW_OWN);
	const struct cli_compare_row *pre = cli_compare_find(c, BM_ROW_PREFIX);
	const struct cli_compare_row *rc = cli_compare_find(c, BM_ROW_RC);
	const struct cli_compare_row *v71 = cli_compare_find(c, BM_ROW_WARN);
	const struct cli_compare_row *safe = cli_compare_find(c, BM_ROW_SAFE);

	printf("\n");
	printf("own: %s, the kernel that printed the log: %lu pages leaked.\n",
	       own->kernel[0] ? own->kernel : "unknown", own->res.leaked_pages);
	printf("pre-fix (%s: memblock_free_late before SMP) leaks %.1f MiB: EFI boot services\n"
	       "  above first_deferred_pfn are skipped and never freed (seed 004); .smp_locks\n"
	       "  goes through free_reserved_area, which frees at once.\n", pre->kernel,
	       mib((uint64_t)pre->res.leaked_pages << BM_PAGE_SHIFT));
	printf("6.2-rc (115d9d77bb0f, reverted) frees them at once: %lu reads of\n"
	       "  uninitialised buddy struct pages in __free_one_page (seed 001).\n",
	       rc->res.uninit_reads);
	printf("v7.1 moves the callers to arch_initcall and WARNs if anyone frees early: %lu WARNs.\n",
	       v71->res.warns);
	printf("bootmm (safe) leaks %lu pages and reads no garbage with no caller moved: it\n"
	       "  frees what is initialised now and the rest as deferred init reaches it.\n",
	       safe->res.leaked_pages);
}

static void print_footer(const struct bm_sim_config *cfg)
{
	printf("\nconfig: keep_memblock=%s%s\n", cfg->arch_keep_memblock ? "on" : "off",
	       cfg->arch_keep_memblock ? " (memblock/memmap disagreement observable, as on TDX "
					 "hosts and arm64)" : "");
	printf("  the same table as bootmm compare on this log (docs/ERAS.md has each era's rules)\n");
	printf("next: bootmm compare LOG | bootmm replay LOG | bootmm boot --kernel V LOG | "
	       "bootmm --help\n");
}

static void help(FILE *f)
{
	cli_usage(f);
	fputs("\nWith no command, boot the built-in example (a real 512 MiB EFI machine's\n"
	      "boot log) as its own kernel and under every kernel era, as bootmm compare\n"
	      "does, and explain the table.\n\n"
	      "  -V, --version      print the version and exit\n\n", f);
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
	struct bm_sim_config base;
	int ret = cli_parse(argc, argv, CLI_OPT_MACHINE | CLI_OPT_TOP, &o);

	if (ret)
		return ret;
	if (o.help) {
		help(stdout);
		return 0;
	}
	if (o.version) {
		printf("bootmm %s\n", BOOTMM_VERSION);
		return 0;
	}
	if (o.nr_inputs) {
		cli_error(NULL, "unknown command '%s' (see bootmm --help)", o.inputs[0]);
		return CLI_EXIT_USAGE;
	}
	bm_sim_config_default(&base);
	base.arch_keep_memblock = true;
	ret = cli_load_buf(&o, bm_embedded_example_name, (const char *)bm_embedded_example,
			   bm_embedded_example_len, &base, &cm);
	if (ret) {
		cli_machine_free(&cm);
		return ret;
	}
	if (cli_compare_run(&cm, &o, &c)) {
		cli_error(NULL, "the built-in example could not be booted: %s", bm_sim_last_failure());
		cli_machine_free(&cm);
		return CLI_EXIT_USAGE;
	}
	if (o.json) {
		cli_compare_json("example", cm.source, &c, BM_POLICY_SAFE);
	} else {
		print_header(&cm, &c);
		cli_compare_print_kernel(&cm, stdout);
		cli_compare_print_table(&c, stdout);
		print_explanation(&c);
		print_footer(&c.cfg);
	}
	ret = bm_sim_clean(&cli_compare_find(&c, BM_ROW_SAFE)->res) ? CLI_EXIT_CLEAN :
	      CLI_EXIT_FOUND;
	cli_machine_free(&cm);
	return ret;
}
