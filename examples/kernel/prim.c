// SPDX-License-Identifier: MIT
/*
 * The platform contract (include/bootmm/prim.h) of a kernel:
 *
 *  - phys_map: physical memory is already there; the core reaches it
 *    through the direct map boot.S built, so the "mapping" is PAGE_OFFSET.
 *    The core's memory map (struct pages) and memblock's doubled arrays
 *    are written into real RAM through it.
 *  - zalloc/free: the core's own bookkeeping (node array, section table,
 *    shadow bitmaps, the checker's maps) comes from a static arena in .bss,
 *    a stack: the core frees in the reverse order of allocation or keeps
 *    the memory for the machine's life.
 *  - log: the serial console; memblock=debug lines are not printed.
 *  - now_ns: the TSC, calibrated against the PIT.
 *  - parallel: the units spread over every CPU smp_init brought up
 *    (cfg.threads), or a loop on one CPU.
 */
#include "kernel.h"

#define ARENA_BYTES	(2u << 20)

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(64)));
static size_t arena_top, arena_max;
static uint64_t tsc_per_us = 1000;	/* until calibrated: 1 GHz */

/* The most the core's bookkeeping has used of the arena (reported at the end). */
size_t arena_peak(void)
{
	return arena_max;
}

static void *k_phys_map(void *ctx, uint64_t size)
{
	(void)ctx;
	if (size > DIRECT_MAP_BYTES)
		return NULL;
	return (void *)PAGE_OFFSET;
}

static void k_phys_unmap(void *ctx, void *base, uint64_t size)
{
	(void)ctx, (void)base, (void)size;
}

static void *k_zalloc(void *ctx, size_t size)
{
	size_t start = (arena_top + 63) & ~(size_t)63;
	void *p;

	(void)ctx;
	if (size > ARENA_BYTES - start)
		return NULL;
	p = arena + start;
	arena_top = start + size;
	if (arena_top > arena_max)
		arena_max = arena_top;
	/* A stack: what was freed above may be dirty. */
	memset(p, 0, size);
	return p;
}

static void k_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	/* Only the most recent allocation can be returned; anything else
	 * stays allocated (the core frees its long-lived state only at
	 * bm_machine_destroy, which this kernel never calls). */
	if (p && (uint8_t *)p + size == arena + arena_top)
		arena_top = (size_t)((uint8_t *)p - arena);
}

static void k_log(void *ctx, int level, const char *line)
{
	size_t n = 0;

	(void)ctx;
	if (level > BM_LOG_INFO)
		return;
	while (line[n])
		n++;
	serial_write(line, n);
	serial_write("\n", 1);
}

/**
 * tsc_calibrate - measure the TSC against 10 ms of PIT channel 2
 *
 * Context: boot, interrupts off. As the kernel's pit_calibrate_tsc: gate
 * channel 2 on with the speaker off, mode 0, wait for OUT to go high.
 */
void tsc_calibrate(void)
{
	const uint16_t latch = 11932;	/* 1193182 Hz / 100 */
	uint64_t t0, t1;
	unsigned long spins = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++spins < 100000000ul)
		;
	t1 = rdtsc();
	if (t1 > t0 + 10000)
		tsc_per_us = (t1 - t0) / 10000;
}

/* Busy-wait @us microseconds on the TSC. */
void udelay(unsigned long us)
{
	uint64_t end = rdtsc() + us * tsc_per_us;

	while (rdtsc() < end)
		__asm__ volatile("pause");
}

static uint64_t k_now_ns(void *ctx)
{
	(void)ctx;
	return rdtsc() * 1000 / tsc_per_us;
}

static void k_parallel(void *ctx, unsigned nthreads, bm_work_fn fn, void *arg,
		       unsigned long nr)
{
	(void)ctx;
	if (nthreads > 1) {
		smp_parallel(fn, arg, nr);
		return;
	}
	for (unsigned long i = 0; i < nr; i++)
		fn(arg, i);
}

const struct bm_prim kernel_prim = {
	.phys_map = k_phys_map,
	.phys_unmap = k_phys_unmap,
	.zalloc = k_zalloc,
	.free = k_free,
	.log = k_log,
	.now_ns = k_now_ns,
	.parallel = k_parallel,
};
