/* SPDX-License-Identifier: MIT */
/*
 * The POSIX host (libbootmm_host): a ready struct bm_prim for a Linux or
 * other POSIX process: simulated RAM from sparse anonymous mappings,
 * pthreads for parallel work, clock_gettime, and log lines to a FILE or a
 * collector. A kernel embedding the core writes its own bm_prim instead
 * (include/bootmm/prim.h says what each member must do).
 */
#ifndef BOOTMM_HOST_H
#define BOOTMM_HOST_H

#include <stdio.h>
#include "prim.h"

struct bm_host {
	struct bm_prim prim;
	FILE *log_file;		/* NULL: drop log lines */
	int log_level;		/* print lines at or below this level */
	/* Optional collector of every line (level, text). */
	void (*collect)(void *arg, int level, const char *line);
	void *collect_arg;
	unsigned long phys_maps;	/* live simulated-RAM mappings (leak check) */
	/* The clock stands still (now_ns() is 0): simulated time, so output
	 * ("deferred pages initialised in 0ms") is the same on every run. */
	bool no_clock;
	/* Keep the simulated RAM when its machine is destroyed, for the next
	 * machine of the same size in this process (bm_host_release_kept):
	 * the boots of one comparison reuse memory already faulted in. */
	bool keep_phys;
	/* Write tracking for bm_mm_check_baseline (host/write_track.c). */
	struct bm_host_track *track;
};

/**
 * bm_host_init - fill @h with the POSIX implementation of struct bm_prim
 * @h: storage, owned by the caller; pass &h->prim to bm_machine_init()
 * @log_file: where log lines go (NULL: nowhere)
 * @level: print lines at or below this BM_LOG_* level
 *
 * Context: any thread; @h must outlive every machine using &h->prim.
 */
void bm_host_init(struct bm_host *h, FILE *log_file, int level);
/* bm_host_init's write tracking (host/write_track.c): fork and pagemap. */
void bm_host_track_install(struct bm_host *h);

/**
 * bm_host_release_kept - unmap the simulated RAM a keep_phys host kept
 *
 * Context: any thread, once no machine of a keep_phys host is being set up.
 */
void bm_host_release_kept(void);

#endif /* BOOTMM_HOST_H */
