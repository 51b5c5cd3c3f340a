// SPDX-License-Identifier: MIT
/*
 * POSIX implementation of the platform contract (include/bootmm/prim.h).
 */
#define _GNU_SOURCE
#include "host/prim_host.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static void *host_phys_map(void *ctx, uint64_t size)
{
	struct bm_host *h = ctx;
	/* NORESERVE: a 1 TiB machine costs only the pages it touches. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	h->phys_maps++;
	return p;
}

static void host_phys_unmap(void *ctx, void *base, uint64_t size)
{
	struct bm_host *h = ctx;

	munmap(base, size);
	h->phys_maps--;
}

static void *host_zalloc(void *ctx, size_t size)
{
	(void)ctx;
	if (size >= (1u << 20)) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	return calloc(1, size);
}

static void host_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	if (!p)
		return;
	if (size >= (1u << 20))
		munmap(p, size);
	else
		free(p);
}

static void host_log(void *ctx, int level, const char *line)
{
	struct bm_host *h = ctx;

	if (h->collect)
		h->collect(h->collect_arg, level, line);
	if (h->log_file && level <= h->log_level)
		fprintf(h->log_file, "%s\n", line);
}

static uint64_t host_now_ns(void *ctx)
{
	struct bm_host *h = ctx;
	struct timespec ts;

	if (h && h->no_clock)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct par_job {
	bm_work_fn fn;
	void *arg;
	unsigned long nr;
	unsigned long next;	/* atomically claimed unit index */
};

static void *par_worker(void *p)
{
	struct par_job *job = p;
	unsigned long i;

	while ((i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) < job->nr)
		job->fn(job->arg, i);
	return NULL;
}

static void host_parallel(void *ctx, unsigned nthreads, bm_work_fn fn, void *arg,
			  unsigned long nr)
{
	struct par_job job = { fn, arg, nr, 0 };
	pthread_t tid[64];
	unsigned started = 0;

	(void)ctx;
	if (nthreads > 64)
		nthreads = 64;
	/* The calling thread is worker 0; start the others. */
	for (unsigned t = 1; t < nthreads && t < nr; t++)
		if (pthread_create(&tid[started], NULL, par_worker, &job) == 0)
			started++;
	par_worker(&job);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
}

void bm_host_init(struct bm_host *h, FILE *log_file, int level)
{
	memset(h, 0, sizeof(*h));
	h->prim.ctx = h;
	h->prim.phys_map = host_phys_map;
	h->prim.phys_unmap = host_phys_unmap;
	h->prim.zalloc = host_zalloc;
	h->prim.free = host_free;
	h->prim.log = host_log;
	h->prim.now_ns = host_now_ns;
	h->prim.parallel = host_parallel;
	h->log_file = log_file;
	h->log_level = level;
}
