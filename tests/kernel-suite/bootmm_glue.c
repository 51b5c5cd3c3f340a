// SPDX-License-Identifier: MIT
/*
 * What tools/kernel-memblock-suite.sh links in place of the kernel's
 * mm/memblock.c when it builds tools/testing/memblock against bootmm: one
 * machine, set up before the suite's main() runs, whose physical addresses
 * are host addresses (the suite mallocs its "physical memory" and
 * memblock_add()s the pointer), in the era the suite was written for.
 *
 * Nothing else: the suite's own files are compiled unchanged against
 * include/linux/memblock.h and bootmm's core.
 *
 * BOOTMM_SUITE_RSRV_KERN (0 or 1, default 0): cfg.memblock_alloc_rsrv_kern.
 * Linux 6.12's suite expects 0 (allocations reserved with no flag on
 * MAX_NUMNODES, as before v6.16).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bootmm/machine.h"
#include "host/prim_host.h"

/* From include/linux/memblock.h; not included here to keep the kernel
 * host's headers (and their macros) out of this file. */
void bm_set_current_machine(struct bm_machine *m);

#ifndef BOOTMM_SUITE_RSRV_KERN
#define BOOTMM_SUITE_RSRV_KERN 0
#endif

static struct bm_host glue_host;
static struct bm_machine glue_machine;

__attribute__((constructor)) static void bootmm_suite_machine(void)
{
	struct bm_config cfg;

	bm_config_default(&cfg);
	cfg.memblock_alloc_rsrv_kern = BOOTMM_SUITE_RSRV_KERN;
	/* Misuse reports and WARNs go to stderr; the suite's output stays its own. */
	bm_host_init(&glue_host, stderr, BM_LOG_WARN);
	/*
	 * Any host address is physical memory: the suite's basic tests pass
	 * made-up addresses (memblock_free((void *)SZ_2K, ...)) that are
	 * only recorded, never dereferenced, as in the kernel.
	 */
	if (bm_machine_init_identity(&glue_machine, &glue_host.prim, &cfg, 0,
				     BM_PHYS_ADDR_MAX)) {
		fprintf(stderr, "bootmm glue: cannot set up the machine\n");
		exit(2);
	}
	bm_set_current_machine(&glue_machine);
}
