/* SPDX-License-Identifier: MIT */
/*
 * The platform contract: everything the freestanding core needs from its
 * host, and nothing more. The core never calls libc; a host (host/prim_host.c
 * for a Linux process, or a kernel, or a test double) fills one of these.
 */
#ifndef BOOTMM_PRIM_H
#define BOOTMM_PRIM_H

#include "types.h"

enum bm_log_level {
	BM_LOG_ERR = 3,		/* misuse of the API, broken invariants */
	BM_LOG_WARN = 4,	/* the kernel's WARN() */
	BM_LOG_INFO = 6,	/* the kernel's pr_info: "Memory: ...", "Freeing ..." */
	BM_LOG_DEBUG = 7,	/* memblock=debug trace lines */
};

/*
 * What the core is about to do with a range of simulated RAM
 * (bm_prim.phys_hint). A hint changes only the host's cost, never what the
 * memory reads: every page still reads as zero until written.
 */
enum bm_phys_hint {
	/*
	 * The range will be written densely, every byte of it, soon (the
	 * compact struct page array of a memory map): back it with large
	 * pages, whose one fault per 2 MiB costs less than 512 faults of
	 * 4 KiB, and which cost no more memory here since all of it is
	 * touched anyway.
	 */
	BM_PHYS_DENSE = 1,
};

/* Host memory whose writes the host tracks (bm_prim.track_start). */
struct bm_track_range {
	const void *addr;
	uint64_t size;
};

/* One unit of parallel work; @idx is the unit's index in [0, nr). */
typedef void (*bm_work_fn)(void *arg, unsigned long idx);

struct bm_prim {
	void *ctx;

	/*
	 * Back @size bytes of simulated physical memory. Pages must read as
	 * zero until written and should cost the host nothing until touched
	 * (a 1 TiB machine is simulated on a 24 GiB host). Returns NULL on
	 * failure.
	 */
	void *(*phys_map)(void *ctx, uint64_t size);
	void (*phys_unmap)(void *ctx, void *base, uint64_t size);

	/* Zeroed host memory for instrumentation (shadow bitmaps). */
	void *(*zalloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *p, size_t size);

	/* One finished line, without the newline. */
	void (*log)(void *ctx, int level, const char *line);

	/* Monotonic nanoseconds, for "deferred pages initialised in Mms". */
	uint64_t (*now_ns)(void *ctx);

	/*
	 * Run fn(arg, i) for every i in [0, nr) on up to @nthreads host
	 * threads and return when all are done. Units are independent; the
	 * host may run them in any order. A host without threads may run them
	 * in a loop.
	 */
	void (*parallel)(void *ctx, unsigned nthreads, bm_work_fn fn, void *arg,
			 unsigned long nr);

	/*
	 * Optional (NULL: ignored). The core tells the host how it is about
	 * to use [@addr, @addr + @size) of memory phys_map returned (enum
	 * bm_phys_hint). The host may ignore it; it must not change what the
	 * memory holds.
	 */
	void (*phys_hint)(void *ctx, void *addr, uint64_t size, int hint);

	/*
	 * Optional (NULL: the core writes the zeros). Make [@addr, @addr +
	 * @size) of memory phys_map returned read as zero, as memset would
	 * (memblock_alloc's zeroing): a host whose untouched memory already
	 * reads zero can drop the pages instead of writing, so zeroed
	 * allocations nobody writes cost no host memory.
	 */
	void (*phys_zero)(void *ctx, void *addr, uint64_t size);

	/*
	 * Optional, all three or none (NULL: bm_mm_check_baseline() is
	 * refused and every check reads every struct page). Write tracking
	 * for the checker's baseline:
	 *
	 * track_start - from now on, tell which host memory of the @n
	 *	@ranges (every range later calls ask about lies in one) this
	 *	process, or a process forked from it later, writes. Return 0,
	 *	or a negative error if the host cannot.
	 * track_written - may [@addr, @addr + @size) have been written (by
	 *	the calling process) since track_start? False only when it
	 *	certainly was not: when unsure, true. Called from one thread,
	 *	@fresh on the first call of a series: the host may keep what it
	 *	learnt for the later calls of the series, between which nothing
	 *	is written.
	 * track_stop - end the tracking started by this process.
	 */
	int (*track_start)(void *ctx, const struct bm_track_range *ranges, unsigned int n);
	bool (*track_written)(void *ctx, const void *addr, uint64_t size, bool fresh);
	void (*track_stop)(void *ctx);
};

#endif /* BOOTMM_PRIM_H */
