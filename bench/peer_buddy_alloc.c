// SPDX-License-Identifier: MIT
/*
 * Glue between bench_buddy and spaskalev/buddy_alloc (0BSD), compiled by
 * bench_buddy at run time into a shared object against the header it finds
 * (BOOTMM_EXT_BUDDY, or ../shared/peers/buddy_alloc/buddy_alloc.h beside
 * the repository), so the peer's code is never part of this project.
 *
 * The whole replay loop lives here, next to the header's static functions,
 * so the compiler inlines the peer into its loop exactly as bench_buddy's
 * own loop calls bootmm: one call per replay crosses the shared object
 * boundary, none per operation. Same flags as the Release benchmarks
 * (-O3 -DNDEBUG), built with -fPIC as the bootmm core is.
 *
 * Build: cc -O3 -DNDEBUG -fPIC -shared -w \
 *        -DPEER_HEADER='"/path/buddy_alloc.h"' peer_buddy_alloc.c -o peer.so
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Page-sized leaves: the tree of an 8 GiB arena stays a few MiB. */
#define BUDDY_ALLOC_ALIGN 4096
#define BUDDY_ALLOC_IMPLEMENTATION
#include PEER_HEADER

#include "bench_buddy_trace.h"

struct peer {
	struct buddy *buddy;
	unsigned char *meta, *arena;
	size_t meta_size, arena_size;
};

/* An allocator over @npages pages of an arena that is mapped, never touched. */
struct peer *peer_create(uint64_t npages)
{
	struct peer *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->arena_size = (size_t)npages * 4096;
	x->arena = mmap(NULL, x->arena_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (x->arena == MAP_FAILED) {
		free(x);
		return NULL;
	}
	x->meta_size = buddy_sizeof(x->arena_size);
	x->meta = aligned_alloc(64, (x->meta_size + 63) & ~(size_t)63);
	x->buddy = x->meta ? buddy_init(x->meta, x->arena, x->arena_size) : NULL;
	if (!x->buddy) {
		free(x->meta);
		munmap(x->arena, x->arena_size);
		free(x);
		return NULL;
	}
	return x;
}

void peer_destroy(struct peer *x)
{
	free(x->meta);
	munmap(x->arena, x->arena_size);
	free(x);
}

/* Replay @n events; a failed allocation leaves BUDDY_NO_SLOT. Returns failures. */
unsigned long peer_replay(struct peer *x, const uint32_t *ev, size_t n, uint32_t *slots)
{
	unsigned long failed = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t e = ev[i];

		if (e & EV_ALLOC) {
			unsigned char *p = buddy_malloc(x->buddy, (size_t)4096 << EV_ORDER(e));

			slots[EV_SLOT(e)] = p ? (uint32_t)((size_t)(p - x->arena) / 4096) : BUDDY_NO_SLOT;
			failed += !p;
		} else if (slots[EV_SLOT(e)] != BUDDY_NO_SLOT) {
			buddy_free(x->buddy, x->arena + (size_t)slots[EV_SLOT(e)] * 4096);
		}
	}
	return failed;
}
