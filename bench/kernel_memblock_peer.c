// SPDX-License-Identifier: MIT
/*
 * The driver bench_memblock_kernel uses to call Linux's own mm/memblock.c.
 *
 * Not built by CMake: tools/kernel-memblock-peer.sh compiles this file
 * together with the kernel's memblock.c and the userspace shims of
 * tools/testing/memblock (linux/ and mm.h stand-ins, from Debian's
 * linux-source package, never copied into this repository) into one shared
 * object. Every symbol of it is hidden except the kpeer_* functions below,
 * and it is linked -Bsymbolic, so the kernel's memblock_add() & co. never
 * meet bootmm's Linux-named API in the benchmark's process.
 *
 * The kernel's memblock is one global; kpeer_reset() puts it back on its
 * static arrays, empty, as a fresh boot has it (the arrays a previous run
 * doubled lived in the benchmark's arena and are simply forgotten).
 */
#include <string.h>

struct seq_file;	/* named in a prototype of the kernel's memblock.h */
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>

#define KPEER_API __attribute__((visibility("default")))

/* Bumped when the kpeer_* interface changes; the benchmark checks it. */
#define KPEER_ABI	1

/* The suite's tests/common.c defines it; movable_node is off here. */
bool movable_node_enabled;

static struct memblock_region *static_memory, *static_reserved;
static unsigned long static_memory_max, static_reserved_max;

/**
 * kpeer_abi - the interface version and the layout the peer was built with
 * @region_size: out: sizeof(struct memblock_region) in the kernel build
 * @max_numnodes: out: the kernel build's MAX_NUMNODES
 *
 * Return: KPEER_ABI. Context: any.
 */
KPEER_API int kpeer_abi(unsigned long *region_size, int *max_numnodes)
{
	*region_size = sizeof(struct memblock_region);
	*max_numnodes = MAX_NUMNODES;
	return KPEER_ABI;
}

/**
 * kpeer_reset - an empty memblock on its static arrays, resizing allowed
 *
 * The first call records where the static arrays are (memblock.c keeps
 * them static); later calls point the types back at them, zeroed, as a
 * fresh boot finds them. Context: the benchmark's thread.
 */
KPEER_API void kpeer_reset(void)
{
	struct memblock_type *t[2] = { &memblock.memory, &memblock.reserved };
	struct memblock_region *init[2];
	unsigned long init_max[2];

	if (!static_memory) {
		static_memory = memblock.memory.regions;
		static_memory_max = memblock.memory.max;
		static_reserved = memblock.reserved.regions;
		static_reserved_max = memblock.reserved.max;
	}
	init[0] = static_memory;
	init[1] = static_reserved;
	init_max[0] = static_memory_max;
	init_max[1] = static_reserved_max;
	for (int i = 0; i < 2; i++) {
		memset(init[i], 0, init_max[i] * sizeof(struct memblock_region));
		t[i]->regions = init[i];
		t[i]->cnt = 0;
		t[i]->max = init_max[i];
		t[i]->total_size = 0;
	}
	memblock.bottom_up = false;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	memblock_allow_resize();
}

/** kpeer_add - memblock_add(). Return: its result. */
KPEER_API int kpeer_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add(base, size);
}

/** kpeer_reserve - memblock_reserve(). Return: its result. */
KPEER_API int kpeer_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_reserve(base, size);
}

/** kpeer_phys_free - memblock_phys_free(). Return: its result. */
KPEER_API int kpeer_phys_free(phys_addr_t base, phys_addr_t size)
{
	return memblock_phys_free(base, size);
}

/**
 * kpeer_type - the state of memory (@reserved 0) or reserved (1)
 * @reserved: which type
 * @cnt: out: regions
 * @max: out: array capacity
 * @total_size: out: bytes
 *
 * Return: the regions array. Context: any.
 */
KPEER_API const void *kpeer_type(int reserved, unsigned long *cnt, unsigned long *max,
				 phys_addr_t *total_size)
{
	struct memblock_type *t = reserved ? &memblock.reserved : &memblock.memory;

	*cnt = t->cnt;
	*max = t->max;
	*total_size = t->total_size;
	return t->regions;
}

/**
 * kpeer_region - one region of a type, field by field
 * @reserved: which type
 * @i: index, < cnt
 * @base: out
 * @size: out
 * @flags: out
 * @nid: out: memblock_get_region_node()
 */
KPEER_API void kpeer_region(int reserved, unsigned long i, phys_addr_t *base,
			    phys_addr_t *size, unsigned int *flags, int *nid)
{
	struct memblock_type *t = reserved ? &memblock.reserved : &memblock.memory;
	struct memblock_region *r = &t->regions[i];

	*base = r->base;
	*size = r->size;
	*flags = r->flags;
	*nid = memblock_get_region_node(r);
}
