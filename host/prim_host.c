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
#include <unistd.h>

#define HUGE_SIZE	((uint64_t)2 << 20)

/*
 * One simulated RAM kept after its machine is destroyed (bm_host.keep_phys),
 * for the next machine of the same size: the boots of one comparison then
 * write memory already faulted in rather than fault all of it again (first
 * touch costs ~30x a write to memory already mapped in a guest whose page
 * faults are expensive). Before reuse, every page resident in it is zeroed,
 * so the new machine still reads zero wherever it has not written.
 */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static void *kept_base;
static uint64_t kept_size;

#define ZERO_CHUNK	((uint64_t)1 << 30)

/* Zero what is resident in [@base, @base + @size): untouched pages already
 * read as zero. Falls back to dropping the pages if mincore cannot tell. */
static void zero_resident(char *base, uint64_t size)
{
	uint64_t psz = (uint64_t)sysconf(_SC_PAGESIZE);
	unsigned char *vec = malloc((size_t)(ZERO_CHUNK / psz));

	for (uint64_t off = 0; off < size; off += ZERO_CHUNK) {
		uint64_t len = size - off < ZERO_CHUNK ? size - off : ZERO_CHUNK;
		uint64_t np = (len + psz - 1) / psz;

		if (!vec || mincore(base + off, len, vec)) {
			madvise(base + off, len, MADV_DONTNEED);
			continue;
		}
		for (uint64_t i = 0; i < np;) {
			uint64_t j = i;

			if (!(vec[i] & 1)) {
				i++;
				continue;
			}
			while (j < np && (vec[j] & 1))
				j++;
			memset(base + off + i * psz, 0,
			       (size_t)((j * psz > len ? len : j * psz) - i * psz));
			i = j;
		}
	}
	free(vec);
}

static void *take_kept(uint64_t size)
{
	void *p = NULL;

	pthread_mutex_lock(&kept_lock);
	if (kept_base && kept_size == size) {
		p = kept_base;
		kept_base = NULL;
	}
	pthread_mutex_unlock(&kept_lock);
	if (p)
		zero_resident(p, size);
	return p;
}

/* Keep @base (NULL: nothing) for reuse instead of what was kept, unmapped. */
static void keep_instead(void *base, uint64_t size)
{
	void *old;
	uint64_t old_size;

	pthread_mutex_lock(&kept_lock);
	old = kept_base;
	old_size = kept_size;
	kept_base = base;
	kept_size = size;
	pthread_mutex_unlock(&kept_lock);
	if (old)
		munmap(old, old_size);
}

/**
 * bm_host_release_kept - unmap the simulated RAM kept for reuse, if any
 *
 * Context: any thread; no machine of the process uses it (it is kept only
 * after its machine was destroyed).
 */
void bm_host_release_kept(void)
{
	keep_instead(NULL, 0);
}


/*
 * The mapping is aligned to 2 MiB in the host's address space, so that
 * simulated physical addresses aligned to 2 MiB (a memory map's blocks)
 * are host-aligned too and can be backed by a huge page (phys_hint).
 */
static void *host_phys_map(void *ctx, uint64_t size)
{
	struct bm_host *h = ctx;
	uintptr_t a, head, tail;
	void *p = h->keep_phys ? take_kept(size) : NULL;

	if (p) {
		h->phys_maps++;
		return p;
	}
	/* NORESERVE: a 1 TiB machine costs only the pages it touches. */
	p = mmap(NULL, size + HUGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + HUGE_SIZE - 1) & ~(uintptr_t)(HUGE_SIZE - 1);
	head = a - (uintptr_t)p;
	tail = HUGE_SIZE - head;
	if (head)
		munmap(p, head);
	if (tail)
		munmap((void *)(a + size), tail);
	h->phys_maps++;
	return (void *)a;
}

static void host_phys_unmap(void *ctx, void *base, uint64_t size)
{
	struct bm_host *h = ctx;

	h->phys_maps--;
	if (h->keep_phys)
		keep_instead(base, size);
	else
		munmap(base, size);
}

/*
 * BM_PHYS_DENSE: transparent huge pages over the 2 MiB blocks inside the
 * range (the rest stays 4 KiB pages). Only where every byte is written:
 * elsewhere a huge page would cost 2 MiB of host memory for a few bytes.
 */
static void host_phys_hint(void *ctx, void *addr, uint64_t size, int hint)
{
	uintptr_t s = ((uintptr_t)addr + HUGE_SIZE - 1) & ~(uintptr_t)(HUGE_SIZE - 1);
	uintptr_t e = ((uintptr_t)addr + size) & ~(uintptr_t)(HUGE_SIZE - 1);

	(void)ctx;
#ifdef MADV_HUGEPAGE
	if (hint == BM_PHYS_DENSE && s < e)
		madvise((void *)s, e - s, MADV_HUGEPAGE);	/* advice: failure is harmless */
#else
	(void)hint;
	(void)s;
	(void)e;
#endif
}

/*
 * Zeroing simulated RAM: whole pages are dropped (a private anonymous page
 * reads zero again once dropped, and one never touched costs nothing),
 * the partial pages at either end are written.
 */
static void host_phys_zero(void *ctx, void *addr, uint64_t size)
{
	uintptr_t psz = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)addr, e = a + size;
	uintptr_t s = (a + psz - 1) & ~(psz - 1), t = e & ~(psz - 1);

	/* Dropped pages read as the shared zero page, which write tracking
	 * (write_track.c) would take for pages nobody wrote: write instead. */
	if (s >= t || ((struct bm_host *)ctx)->track ||
	    madvise((void *)s, t - s, MADV_DONTNEED)) {
		memset(addr, 0, size);
		return;
	}
	memset(addr, 0, s - a);
	memset((void *)t, 0, e - t);
}

static void *host_zalloc(void *ctx, size_t size)
{
	(void)ctx;
	if (size >= (1u << 20)) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		/* The large ones are the shadow and the checker's bitmaps, a
		 * bit per pfn, written wherever memory is: huge pages spare
		 * 4 KiB faults (advice: failure is harmless). */
#ifdef MADV_HUGEPAGE
		if (size >= HUGE_SIZE * 2)
			madvise(p, size, MADV_HUGEPAGE);
#endif
		return p;
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
	h->prim.phys_hint = host_phys_hint;
	h->prim.phys_zero = host_phys_zero;
	h->log_file = log_file;
	h->log_level = level;
	bm_host_track_install(h);
}
