/* SPDX-License-Identifier: MIT */
/*
 * The POSIX host: simulated RAM from sparse anonymous mappings, pthreads for
 * parallel work, clock_gettime, and log lines to a FILE or a collector.
 */
#ifndef BOOTMM_HOST_PRIM_HOST_H
#define BOOTMM_HOST_PRIM_HOST_H

#include <stdbool.h>
#include <stdio.h>
#include "bootmm/prim.h"

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
};

/* Fill @h with the POSIX implementation; logs go to @log_file at <= @level. */
void bm_host_init(struct bm_host *h, FILE *log_file, int level);

#endif /* BOOTMM_HOST_PRIM_HOST_H */
