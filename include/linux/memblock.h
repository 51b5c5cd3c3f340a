/* SPDX-License-Identifier: MIT */
/*
 * Linux's memblock API under its own names, bound to one "current" machine,
 * so code written against include/linux/memblock.h (and tests in the style
 * of tools/testing/memblock) compiles against bootmm unchanged:
 *
 *	bm_set_current_machine(m);
 *	memblock_add(SZ_1G, SZ_4M);
 *	ASSERT_EQ(memblock.memory.regions[0].base, SZ_1G);
 *
 * `memblock` is a macro for the current machine's struct memblock, so after
 * including this header the token `memblock` always means that: do not use
 * bootmm's m->memblock fields or its bm_for_each_* macros in the same file
 * (write the kernel's names instead).
 */
#ifndef BOOTMM_LINUX_MEMBLOCK_H
#define BOOTMM_LINUX_MEMBLOCK_H

/*
 * bootmm's own headers first, shielded from macros a kernel-style host may
 * already have defined with the names of bootmm's fields (the kernel's
 * <linux/mmzone.h> defines pageblock_order, a struct bm_config member).
 */
#pragma push_macro("pageblock_order")
#undef pageblock_order
#include "bootmm/machine.h"
#pragma pop_macro("pageblock_order")

/*
 * A kernel-style host (the kernel's own tools/include, as used by
 * tools/testing/memblock) provides the kernel's constants: include its
 * headers, as the kernel's memblock.h does (it includes <linux/mm.h>), so
 * its values are the ones in force (its SMP_CACHE_BYTES, SZ_*, MAX_NUMNODES,
 * numa_valid_node()). What no host provides gets bootmm's fallback, each
 * guarded so that it never redefines a host's definition. A plain C host
 * has none of these headers (the system's <linux/...> are uapi headers,
 * which do not include them).
 */
#if defined(__has_include)
#if __has_include(<linux/mm.h>) && __has_include(<linux/pfn.h>)
#include <linux/mm.h>
#include <linux/pfn.h>
#endif
#if __has_include(<linux/cache.h>)
#include <linux/cache.h>
#endif
#if __has_include(<linux/sizes.h>)
#include <linux/sizes.h>
#endif
#if __has_include(<linux/numa.h>)
#include <linux/numa.h>
#define BM_HOST_HAS_NUMA_H 1
#endif
#endif

/*
 * bootmm's core keeps node ids up to BM_MAX_NUMNODES; a host with more
 * nodes could pass ids the core would refuse.
 */
#ifdef MAX_NUMNODES
_Static_assert(MAX_NUMNODES <= BM_MAX_NUMNODES, "MAX_NUMNODES above bootmm's BM_MAX_NUMNODES");
#endif

/*
 * The one global of bootmm: the machine the kernel names act on. It exists
 * only for this compatibility layer (core/memblock_compat.c); the core
 * itself never reads it. Not thread-safe: set it once per test or tool.
 */
struct bm_machine *bm_current_machine(void);
void bm_set_current_machine(struct bm_machine *m);

typedef uint64_t u64;
typedef uint32_t u32;

#ifndef PAGE_SHIFT
#define PAGE_SHIFT		BM_PAGE_SHIFT
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE		BM_PAGE_SIZE
#endif
#ifndef PAGE_MASK
#define PAGE_MASK		BM_PAGE_MASK
#endif
#ifndef PAGE_ALIGN
#define PAGE_ALIGN(x)		BM_ALIGN_UP((phys_addr_t)(x), BM_PAGE_SIZE)
#endif
#ifndef PHYS_ADDR_MAX
#define PHYS_ADDR_MAX		BM_PHYS_ADDR_MAX
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE		BM_NUMA_NO_NODE
#endif
#ifndef MAX_NUMNODES
#define MAX_NUMNODES		BM_MAX_NUMNODES
#endif
#ifndef SMP_CACHE_BYTES
#define SMP_CACHE_BYTES		BM_SMP_CACHE_BYTES
#endif
#ifndef ULLONG_MAX
#define ULLONG_MAX		(~0ULL)
#endif
#ifndef ARCH_LOW_ADDRESS_LIMIT
#define ARCH_LOW_ADDRESS_LIMIT	BM_ARCH_LOW_ADDRESS_LIMIT
#endif
#ifndef PFN_UP
#define PFN_UP(x)		BM_PFN_UP(x)
#endif
#ifndef PFN_DOWN
#define PFN_DOWN(x)		BM_PFN_DOWN(x)
#endif
#ifndef PFN_PHYS
#define PFN_PHYS(x)		BM_PFN_PHYS(x)
#endif
#ifndef PHYS_PFN
#define PHYS_PFN(x)		((unsigned long)BM_PFN_DOWN(x))
#endif

/* <linux/sizes.h>'s values, for hosts without it. */
#ifndef SZ_1
#define SZ_1			0x00000001ULL
#define SZ_2			0x00000002ULL
#define SZ_4			0x00000004ULL
#define SZ_8			0x00000008ULL
#define SZ_16			0x00000010ULL
#define SZ_32			0x00000020ULL
#define SZ_64			0x00000040ULL
#define SZ_128			0x00000080ULL
#define SZ_256			0x00000100ULL
#define SZ_512			0x00000200ULL
#define SZ_1K			0x00000400ULL
#define SZ_2K			0x00000800ULL
#define SZ_4K			0x00001000ULL
#define SZ_8K			0x00002000ULL
#define SZ_16K			0x00004000ULL
#define SZ_32K			0x00008000ULL
#define SZ_64K			0x00010000ULL
#define SZ_128K			0x00020000ULL
#define SZ_256K			0x00040000ULL
#define SZ_512K			0x00080000ULL
#define SZ_1M			0x00100000ULL
#define SZ_2M			0x00200000ULL
#define SZ_4M			0x00400000ULL
#define SZ_8M			0x00800000ULL
#define SZ_16M			0x01000000ULL
#define SZ_32M			0x02000000ULL
#define SZ_64M			0x04000000ULL
#define SZ_128M			0x08000000ULL
#define SZ_256M			0x10000000ULL
#define SZ_512M			0x20000000ULL
#define SZ_1G			0x40000000ULL
#define SZ_2G			0x80000000ULL
#define SZ_4G			0x100000000ULL
#define SZ_8G			0x200000000ULL
#define SZ_16G			0x400000000ULL
#define SZ_32G			0x800000000ULL
#define SZ_64G			0x1000000000ULL
#endif

/* The kernel's `struct memblock memblock`, of the current machine. */
#define memblock		(bm_current_machine()->memblock.mb)

#define __BM_CUR		bm_current_machine()

/* A host with the kernel's <linux/numa.h> provides its own (6.12's does),
 * on its MAX_NUMNODES. */
#ifndef BM_HOST_HAS_NUMA_H
static inline bool numa_valid_node(int nid)
{
	return bm_numa_valid_node(nid);
}
#endif

/* --- registration ------------------------------------------------------- */
static inline int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_add(__BM_CUR, base, size);
}

static inline int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid,
				    enum memblock_flags flags)
{
	return bm_memblock_add_node(__BM_CUR, base, size, nid, flags);
}

static inline int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_remove(__BM_CUR, base, size);
}

static inline int __memblock_reserve(phys_addr_t base, phys_addr_t size, int nid,
				     enum memblock_flags flags)
{
	return bm_memblock_reserve_nid(__BM_CUR, base, size, nid, flags);
}

static inline int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_reserve(__BM_CUR, base, size);
}

static inline int memblock_reserve_kern(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_reserve_kern(__BM_CUR, base, size);
}

static inline int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_phys_free(__BM_CUR, base, size);
}

/* @ptr is a pointer as memblock_alloc() returns: into the simulated RAM, or
 * on a phys == virt machine (bm_machine_init_identity) the physical address
 * itself, as the kernel's suite passes it. */
static inline void memblock_free(void *ptr, size_t size)
{
	bm_memblock_free(__BM_CUR, ptr, size);
}

static inline int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_mark_hotplug(__BM_CUR, base, size);
}

static inline int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_clear_hotplug(__BM_CUR, base, size);
}

static inline int memblock_mark_mirror(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_mark_mirror(__BM_CUR, base, size);
}

static inline int memblock_mark_nomap(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_mark_nomap(__BM_CUR, base, size);
}

static inline int memblock_clear_nomap(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_clear_nomap(__BM_CUR, base, size);
}

static inline int memblock_mark_driver_managed(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_mark_driver_managed(__BM_CUR, base, size);
}

static inline int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_reserved_mark_noinit(__BM_CUR, base, size);
}

static inline int memblock_mark_kho_scratch(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_mark_kho_scratch(__BM_CUR, base, size);
}

static inline int memblock_clear_kho_scratch(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_clear_kho_scratch(__BM_CUR, base, size);
}

/* Only memblock.memory and memblock.reserved exist in bootmm. */
static inline int memblock_set_node(phys_addr_t base, phys_addr_t size,
				    struct memblock_type *type, int nid)
{
	return bm_memblock_set_node(__BM_CUR, base, size, type == &memblock.reserved, nid);
}

static inline void memblock_trim_memory(phys_addr_t align)
{
	bm_memblock_trim_memory(__BM_CUR, align);
}

static inline void memblock_enforce_memory_limit(phys_addr_t limit)
{
	bm_memblock_enforce_memory_limit(__BM_CUR, limit);
}

static inline void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size)
{
	bm_memblock_cap_memory_range(__BM_CUR, base, size);
}

static inline void memblock_mem_limit_remove_map(phys_addr_t limit)
{
	bm_memblock_mem_limit_remove_map(__BM_CUR, limit);
}

static inline void memblock_allow_resize(void)
{
	bm_memblock_allow_resize(__BM_CUR);
}

static inline void memblock_discard(void)
{
	bm_memblock_discard(__BM_CUR);
}

static inline void memblock_dump_all(void)
{
	bm_memblock_dump_all(__BM_CUR);
}

/* --- queries ------------------------------------------------------------ */
static inline unsigned long memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1,
						   phys_addr_t base2, phys_addr_t size2)
{
	return bm_memblock_addrs_overlap(base1, size1, base2, size2);
}

static inline bool memblock_overlaps_region(struct memblock_type *type,
					    phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_overlaps_region(type, base, size);
}

static inline bool memblock_is_memory(phys_addr_t addr)
{
	return bm_memblock_is_memory(__BM_CUR, addr);
}

static inline bool memblock_is_map_memory(phys_addr_t addr)
{
	return bm_memblock_is_map_memory(__BM_CUR, addr);
}

static inline bool memblock_is_reserved(phys_addr_t addr)
{
	return bm_memblock_is_reserved(__BM_CUR, addr);
}

static inline bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_is_region_memory(__BM_CUR, base, size);
}

static inline bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_is_region_reserved(__BM_CUR, base, size);
}

static inline int memblock_search_pfn_nid(unsigned long pfn, unsigned long *start_pfn,
					  unsigned long *end_pfn)
{
	return bm_memblock_search_pfn_nid(__BM_CUR, pfn, start_pfn, end_pfn);
}

static inline phys_addr_t memblock_start_of_DRAM(void)
{
	return bm_memblock_start_of_DRAM(__BM_CUR);
}

static inline phys_addr_t memblock_end_of_DRAM(void)
{
	return bm_memblock_end_of_DRAM(__BM_CUR);
}

static inline phys_addr_t memblock_phys_mem_size(void)
{
	return bm_memblock_phys_mem_size(__BM_CUR);
}

static inline phys_addr_t memblock_reserved_size(void)
{
	return bm_memblock_reserved_size(__BM_CUR);
}

static inline phys_addr_t memblock_reserved_kern_size(phys_addr_t limit, int nid)
{
	return bm_memblock_reserved_kern_size(__BM_CUR, limit, nid);
}

static inline unsigned long memblock_estimated_nr_free_pages(void)
{
	return bm_memblock_estimated_nr_free_pages(__BM_CUR);
}

static inline bool memblock_bottom_up(void)
{
	return bm_memblock_bottom_up(__BM_CUR);
}

static inline void memblock_set_bottom_up(bool enable)
{
	bm_memblock_set_bottom_up(__BM_CUR, enable);
}

static inline void memblock_set_current_limit(phys_addr_t limit)
{
	bm_memblock_set_current_limit(__BM_CUR, limit);
}

static inline phys_addr_t memblock_get_current_limit(void)
{
	return bm_memblock_get_current_limit(__BM_CUR);
}

static inline bool memblock_has_mirror(void)
{
	return bm_memblock_has_mirror(__BM_CUR);
}

/* --- allocation ---------------------------------------------------------- */
static inline phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align,
						   phys_addr_t start, phys_addr_t end,
						   int nid, bool exact_nid)
{
	return bm_memblock_alloc_range_nid(__BM_CUR, size, align, start, end, nid, exact_nid);
}

static inline phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
						    phys_addr_t start, phys_addr_t end)
{
	return bm_memblock_phys_alloc_range(__BM_CUR, size, align, start, end);
}

static inline phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align,
						      int nid)
{
	return bm_memblock_phys_alloc_try_nid(__BM_CUR, size, align, nid);
}

static inline phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_phys_alloc(__BM_CUR, size, align);
}

static inline void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align,
						 phys_addr_t min_addr, phys_addr_t max_addr,
						 int nid)
{
	return bm_memblock_alloc_exact_nid_raw(__BM_CUR, size, align, min_addr, max_addr, nid);
}

static inline void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align,
					       phys_addr_t min_addr, phys_addr_t max_addr,
					       int nid)
{
	return bm_memblock_alloc_try_nid_raw(__BM_CUR, size, align, min_addr, max_addr, nid);
}

static inline void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
					   phys_addr_t min_addr, phys_addr_t max_addr, int nid)
{
	return bm_memblock_alloc_try_nid(__BM_CUR, size, align, min_addr, max_addr, nid);
}

static inline void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc(__BM_CUR, size, align);
}

static inline void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc_raw(__BM_CUR, size, align);
}

static inline void *memblock_alloc_from(phys_addr_t size, phys_addr_t align,
					phys_addr_t min_addr)
{
	return bm_memblock_alloc_from(__BM_CUR, size, align, min_addr);
}

static inline void *memblock_alloc_low(phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc_low(__BM_CUR, size, align);
}

static inline void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid)
{
	return bm_memblock_alloc_node(__BM_CUR, size, align, nid);
}

/* --- regions and iteration ------------------------------------------------ */
static inline bool memblock_is_hotpluggable(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_HOTPLUG;
}

static inline bool memblock_is_mirror(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_MIRROR;
}

static inline bool memblock_is_nomap(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_NOMAP;
}

static inline bool memblock_is_reserved_noinit(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_RSRV_NOINIT;
}

static inline bool memblock_is_driver_managed(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_DRIVER_MANAGED;
}

static inline bool memblock_is_kho_scratch(struct memblock_region *m)
{
	return m->flags & MEMBLOCK_KHO_SCRATCH;
}

static inline void memblock_set_region_node(struct memblock_region *r, int nid)
{
	r->nid = nid;
}

static inline int memblock_get_region_node(const struct memblock_region *r)
{
	return r->nid;
}

static inline unsigned long memblock_region_memory_base_pfn(const struct memblock_region *reg)
{
	return (unsigned long)PFN_UP(reg->base);
}

static inline unsigned long memblock_region_memory_end_pfn(const struct memblock_region *reg)
{
	return (unsigned long)PFN_DOWN(reg->base + reg->size);
}

static inline unsigned long memblock_region_reserved_base_pfn(const struct memblock_region *reg)
{
	return (unsigned long)PFN_DOWN(reg->base);
}

static inline unsigned long memblock_region_reserved_end_pfn(const struct memblock_region *reg)
{
	return (unsigned long)PFN_UP(reg->base + reg->size);
}

static inline void __next_mem_range(u64 *idx, int nid, enum memblock_flags flags,
				    struct memblock_type *type_a,
				    struct memblock_type *type_b, phys_addr_t *out_start,
				    phys_addr_t *out_end, int *out_nid)
{
	bm_next_mem_range(__BM_CUR, idx, nid, flags, type_a, type_b, out_start, out_end,
			  out_nid);
}

static inline void __next_mem_range_rev(u64 *idx, int nid, enum memblock_flags flags,
					struct memblock_type *type_a,
					struct memblock_type *type_b, phys_addr_t *out_start,
					phys_addr_t *out_end, int *out_nid)
{
	bm_next_mem_range_rev(__BM_CUR, idx, nid, flags, type_a, type_b, out_start, out_end,
			      out_nid);
}

static inline void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
					unsigned long *out_end_pfn, int *out_nid)
{
	bm_next_mem_pfn_range(__BM_CUR, idx, nid, out_start_pfn, out_end_pfn, out_nid);
}

#define __for_each_mem_range(i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = 0, __next_mem_range(&i, nid, flags, type_a, type_b,		\
				     p_start, p_end, p_nid);			\
	     i != (u64)ULLONG_MAX;						\
	     __next_mem_range(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

#define __for_each_mem_range_rev(i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = (u64)ULLONG_MAX,						\
	     __next_mem_range_rev(&i, nid, flags, type_a, type_b,		\
				  p_start, p_end, p_nid);			\
	     i != (u64)ULLONG_MAX;						\
	     __next_mem_range_rev(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

#define for_each_mem_range(i, p_start, p_end)					\
	__for_each_mem_range(i, &memblock.memory, NULL, NUMA_NO_NODE,		\
			     MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,	\
			     p_start, p_end, NULL)

#define for_each_mem_range_rev(i, p_start, p_end)				\
	__for_each_mem_range_rev(i, &memblock.memory, NULL, NUMA_NO_NODE,	\
				 MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,	\
				 p_start, p_end, NULL)

#define for_each_reserved_mem_range(i, p_start, p_end)				\
	__for_each_mem_range(i, &memblock.reserved, NULL, NUMA_NO_NODE,	\
			     MEMBLOCK_NONE, p_start, p_end, NULL)

#define for_each_free_mem_range(i, nid, flags, p_start, p_end, p_nid)		\
	__for_each_mem_range(i, &memblock.memory, &memblock.reserved,		\
			     nid, flags, p_start, p_end, p_nid)

#define for_each_free_mem_range_reverse(i, nid, flags, p_start, p_end, p_nid)	\
	__for_each_mem_range_rev(i, &memblock.memory, &memblock.reserved,	\
				 nid, flags, p_start, p_end, p_nid)

#define for_each_mem_pfn_range(i, nid, p_start, p_end, p_nid)			\
	for (i = -1, __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid);	\
	     i >= 0; __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid))

#define for_each_mem_region(region)						\
	for (region = memblock.memory.regions;					\
	     region < (memblock.memory.regions + memblock.memory.cnt);		\
	     region++)

#define for_each_reserved_mem_region(region)					\
	for (region = memblock.reserved.regions;				\
	     region < (memblock.reserved.regions + memblock.reserved.cnt);	\
	     region++)

#endif /* BOOTMM_LINUX_MEMBLOCK_H */
