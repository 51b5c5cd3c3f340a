// SPDX-License-Identifier: MIT
/*
 * A program built against an installed bootmm, as an embedder would write
 * it (tools/check-install.sh builds it with pkg-config and with
 * find_package). It brings up 256 MiB through the core's public API:
 * memblock from a firmware-style map, the memory map, the buddy allocator
 * with deferred struct page init, an allocation, and the checker; then
 * prints what tools/check-install.sh compares.
 *
 * Built with -DCONSUMER_HOST it uses libbootmm_host's POSIX platform;
 * otherwise it supplies its own struct bm_prim, which is what a kernel or
 * hypervisor embedding the core writes (calloc'd RAM, no threads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bootmm/machine.h>
#include <bootmm/version.h>
#ifdef CONSUMER_HOST
#include <bootmm/host.h>
#endif

#define MIB ((phys_addr_t)1 << 20)

#ifndef CONSUMER_HOST
static void *phys_map(void *ctx, uint64_t size)
{
	return calloc(1, (size_t)size);
}

static void phys_unmap(void *ctx, void *base, uint64_t size)
{
	free(base);
}

static void *zalloc(void *ctx, size_t size)
{
	return calloc(1, size);
}

static void host_free(void *ctx, void *p, size_t size)
{
	free(p);
}

static void log_line(void *ctx, int level, const char *line)
{
	if (level <= BM_LOG_INFO)
		printf("%s\n", line);
}

static uint64_t now_ns(void *ctx)
{
	return 0;
}

/* No threads here: the units one after the other, as prim.h allows. */
static void parallel(void *ctx, unsigned nthreads, bm_work_fn fn, void *arg, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		fn(arg, i);
}

/* phys_hint and phys_zero are optional: NULL (the core writes its zeros);
 * so is write tracking (track_start, track_written, track_stop: NULL, no
 * check baseline). */
static const struct bm_prim prim = {
	NULL, phys_map, phys_unmap, zalloc, host_free, log_line, now_ns, parallel, NULL, NULL,
	NULL, NULL, NULL,
};
#endif

int main(void)
{
	static struct bm_machine m;	/* large: not on the stack */
	static struct bm_violation_record record;	/* optional: the checker's record */
	const struct bm_prim *p;
	struct bm_config cfg;
	bm_pfn_t pfn;
	unsigned long before;
#ifdef CONSUMER_HOST
	static struct bm_host host;

	bm_host_init(&host, stdout, BM_LOG_INFO);
	p = &host.prim;
#else
	p = &prim;
#endif
	printf("bootmm %s (%d.%d.%d)\n", BOOTMM_VERSION, BOOTMM_VERSION_MAJOR,
	       BOOTMM_VERSION_MINOR, BOOTMM_VERSION_PATCH);
	bm_config_default(&cfg);
	if (bm_machine_init(&m, p, &cfg, 256 * MIB)) {
		fprintf(stderr, "consumer: cannot back 256 MiB\n");
		return 1;
	}
	bm_machine_set_record(&m, &record);
	/* setup_arch: the firmware's map and the kernel's own reservations. */
	bm_set_phase(&m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(&m, 0x1000, 0x9f000);
	bm_memblock_add(&m, MIB, 255 * MIB);
	bm_memblock_set_node(&m, 0, BM_PHYS_ADDR_MAX, false, 0);
	bm_memblock_reserve(&m, 0, MIB);
	bm_memblock_reserve(&m, 16 * MIB, 16 * MIB);
	if (bm_boot(&m, NULL, 0)) {
		fprintf(stderr, "consumer: boot failed\n");
		return 1;
	}
	before = bm_nr_free_pages(&m);
	pfn = bm_alloc_pages(&m, BM_NUMA_NO_NODE, 3, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE);
	printf("consumer: %lu pages free, order-3 block at pfn %#llx, %lu free after\n", before,
	       (unsigned long long)pfn, bm_nr_free_pages(&m));
	if (pfn != BM_NO_PFN)
		bm_free_pages(&m, pfn, 3);
	bm_mm_check(&m);
	printf("consumer: %lu free after freeing it, checker: %s\n", bm_nr_free_pages(&m),
	       record.nr_recorded ? "violations" : "clean");
	bm_machine_destroy(&m);
	return 0;
}
