/* SPDX-License-Identifier: MIT */
/*
 * memblock: the boot-time region allocator, with Linux's data model and
 * semantics (mm/memblock.c). Every function takes the machine it acts on;
 * include/linux/memblock.h binds the kernel's names to a current machine.
 */
#ifndef BOOTMM_MEMBLOCK_H
#define BOOTMM_MEMBLOCK_H

#include "types.h"

struct bm_machine;

/* Flag values are the kernel's (include/linux/memblock.h). */
enum memblock_flags {
	MEMBLOCK_NONE		= 0x0,
	MEMBLOCK_HOTPLUG	= 0x1,
	MEMBLOCK_MIRROR		= 0x2,
	MEMBLOCK_NOMAP		= 0x4,
	MEMBLOCK_DRIVER_MANAGED	= 0x8,
	MEMBLOCK_RSRV_NOINIT	= 0x10,
	MEMBLOCK_RSRV_KERN	= 0x20,
	MEMBLOCK_KHO_SCRATCH	= 0x40,
	/* bootmm only: reserved range released late, to be freed by deferred
	 * init or memblock_discard (the "discard" policy: a proposal to
	 * free late releases at memblock_discard). */
	MEMBLOCK_BM_RELEASE	= 0x1000,
	/* bootmm only: memmap of this memory range is already initialised
	 * (the "unreserve-flag" policy: a proposal
	 * to flag released memory whose struct pages are initialised). */
	MEMBLOCK_BM_MEMMAP_INIT	= 0x2000,
};

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
	int nid;
};

struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	char *name;
};

struct memblock {
	bool bottom_up;
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};

#define INIT_MEMBLOCK_REGIONS		128
#define INIT_MEMBLOCK_RESERVED_REGIONS	INIT_MEMBLOCK_REGIONS
#define MEMBLOCK_ALLOC_ANYWHERE		(~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ACCESSIBLE	0
#define MEMBLOCK_ALLOC_NOLEAKTRACE	1
#define MEMBLOCK_LOW_LIMIT		0

/* Per-machine memblock state beyond the kernel's struct memblock. */
/* Nesting depth of the ranges a doubled array avoids: a free from reserved,
 * the memory array's doubling, the reserved array's doubling inside it and
 * that one's free of its old array. */
#define BM_MEMBLOCK_AVOID_MAX	4

struct bm_memblock_state {
	struct memblock mb;
	struct memblock_region memory_init[INIT_MEMBLOCK_REGIONS];
	struct memblock_region reserved_init[INIT_MEMBLOCK_RESERVED_REGIONS];
	bool can_resize;		/* memblock_allow_resize() was called */
	bool discarded;			/* memblock_discard() ran */
	bool keep;			/* CONFIG_ARCH_KEEP_MEMBLOCK */
	bool movable_node;		/* movable_node on the command line */
	/* kernelcore=mirror on the command line: memblock_mark_mirror() is a
	 * no-op without it, as in the kernel. */
	bool mirrored_kernelcore;
	phys_addr_t memory_array_phys;	/* where doubled arrays live, 0 if static */
	phys_addr_t reserved_array_phys;
	/*
	 * The doubled arrays' storage (NULL while static). A type's regions
	 * are a window [regions, regions + cnt) inside the max entries of its
	 * doubled array, not necessarily at its start: an insertion or removal
	 * moves whichever side of the window is smaller (the kernel always
	 * moves the tail), so one at either end costs nothing. regions[i],
	 * cnt, max and total_size mean exactly what they mean in the kernel; a
	 * static array's window always starts at its first entry (the kernel's
	 * test suite keeps pointers into it across calls).
	 */
	struct memblock_region *memory_array, *reserved_array;
	/* Doubled after the buddy hand-off: the kernel kmallocs those, and
	 * kfrees rather than memblock-frees them (memblock_*_in_slab). */
	bool memory_in_slab, reserved_in_slab;
	/*
	 * Ranges a doubled reserved array must not be put in, innermost last:
	 * a doubled array between its move and its memblock_reserve(), and a
	 * range being freed from reserved (the array would be freed with it).
	 * The kernel has both hazards; see memblock_double.c.
	 */
	struct { phys_addr_t base, size; } array_avoid[BM_MEMBLOCK_AVOID_MAX];
	unsigned int nr_array_avoid;
	unsigned long misuse;		/* API misuse reports so far */
	/* system_has_some_mirror: a range was marked MIRROR (memblock_has_mirror()). */
	bool has_some_mirror;
	/*
	 * Doubled arrays memblock_discard() released. The kernel hands them to
	 * the buddy allocator with memblock_free_late() and leaves
	 * memblock.reserved alone; bootmm records them here for the memory-map
	 * layer to free.
	 */
	struct { phys_addr_t base, size; } discard_free[2];
	unsigned int nr_discard_free;
	/*
	 * Bytes memblock_trim_memory() cut off memory regions without lowering
	 * memory.total_size: the kernel does not either (bios-1G-trace.log
	 * prints "memory size = 0x...3ff7dc00" for regions summing to
	 * 0x3ff7d000). bm_memblock_check() allows exactly this difference.
	 */
	phys_addr_t memory_size_stale;
};

/* The kernel's numa_valid_node(): MAX_NUMNODES and NUMA_NO_NODE mean "none". */
static inline bool bm_numa_valid_node(int nid)
{
	return nid >= 0 && nid < BM_MAX_NUMNODES;
}

/* ARCH_LOW_ADDRESS_LIMIT of x86-64, used by memblock_alloc_low(). */
#define BM_ARCH_LOW_ADDRESS_LIMIT	0xffffffffULL

/* --- registration --------------------------------------------------- */
int bm_memblock_add(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_add_node(struct bm_machine *m, phys_addr_t base,
			 phys_addr_t size, int nid, enum memblock_flags flags);
int bm_memblock_remove(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_reserve(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_reserve_kern(struct bm_machine *m, phys_addr_t base,
			     phys_addr_t size);
int bm_memblock_phys_free(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
void bm_memblock_free(struct bm_machine *m, void *ptr, size_t size);

int bm_memblock_mark_hotplug(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_clear_hotplug(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_mark_mirror(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_mark_nomap(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_clear_nomap(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_mark_driver_managed(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_reserved_mark_noinit(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_mark_kho_scratch(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
int bm_memblock_clear_kho_scratch(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
/* Set or clear any flag on memory (@reserved false) or reserved regions. */
int bm_memblock_setclr_flag(struct bm_machine *m, bool reserved, phys_addr_t base,
			    phys_addr_t size, int set, enum memblock_flags flag);
int bm_memblock_set_node(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			 bool reserved, int nid);
/*
 * memblock's reservation of its own allocation at [base, base + size) for
 * node @nid, tagged as the machine's era does (cfg.memblock_alloc_rsrv_kern).
 */
int bm_memblock_reserve_alloc(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			      int nid);
/* __memblock_reserve(): reserve with an explicit node and flags. */
int bm_memblock_reserve_nid(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			    int nid, enum memblock_flags flags);

void bm_memblock_trim_memory(struct bm_machine *m, phys_addr_t align);
void bm_memblock_enforce_memory_limit(struct bm_machine *m, phys_addr_t limit);
void bm_memblock_cap_memory_range(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
void bm_memblock_mem_limit_remove_map(struct bm_machine *m, phys_addr_t limit);

/* --- queries ---------------------------------------------------------- */
bool bm_memblock_overlaps_region(const struct memblock_type *type,
				 phys_addr_t base, phys_addr_t size);
bool bm_memblock_is_region_memory(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
bool bm_memblock_is_region_reserved(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
bool bm_memblock_is_memory(struct bm_machine *m, phys_addr_t addr);
bool bm_memblock_is_map_memory(struct bm_machine *m, phys_addr_t addr);
bool bm_memblock_is_reserved(struct bm_machine *m, phys_addr_t addr);
bool bm_memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1,
			       phys_addr_t base2, phys_addr_t size2);
phys_addr_t bm_memblock_reserved_kern_size(struct bm_machine *m, phys_addr_t limit, int nid);
int bm_memblock_search_pfn_nid(struct bm_machine *m, unsigned long pfn,
			       unsigned long *start_pfn, unsigned long *end_pfn);
phys_addr_t bm_memblock_start_of_DRAM(struct bm_machine *m);
phys_addr_t bm_memblock_end_of_DRAM(struct bm_machine *m);
phys_addr_t bm_memblock_phys_mem_size(struct bm_machine *m);
phys_addr_t bm_memblock_reserved_size(struct bm_machine *m);
unsigned long bm_memblock_estimated_nr_free_pages(struct bm_machine *m);
bool bm_memblock_bottom_up(struct bm_machine *m);
void bm_memblock_set_bottom_up(struct bm_machine *m, bool enable);
void bm_memblock_set_current_limit(struct bm_machine *m, phys_addr_t limit);
phys_addr_t bm_memblock_get_current_limit(struct bm_machine *m);
void bm_memblock_allow_resize(struct bm_machine *m);
bool bm_memblock_has_mirror(struct bm_machine *m);

/* --- allocation -------------------------------------------------------- */
phys_addr_t bm_memblock_find_in_range_node(struct bm_machine *m, phys_addr_t size,
					   phys_addr_t align, phys_addr_t start,
					   phys_addr_t end, int nid,
					   enum memblock_flags flags);
phys_addr_t bm_memblock_alloc_range_nid(struct bm_machine *m, phys_addr_t size,
					phys_addr_t align, phys_addr_t start,
					phys_addr_t end, int nid, bool exact_nid);
phys_addr_t bm_memblock_phys_alloc_range(struct bm_machine *m, phys_addr_t size,
					 phys_addr_t align, phys_addr_t start,
					 phys_addr_t end);
phys_addr_t bm_memblock_phys_alloc_try_nid(struct bm_machine *m, phys_addr_t size,
					   phys_addr_t align, int nid);
phys_addr_t bm_memblock_phys_alloc(struct bm_machine *m, phys_addr_t size,
				   phys_addr_t align);
void *bm_memblock_alloc_exact_nid_raw(struct bm_machine *m, phys_addr_t size,
				      phys_addr_t align, phys_addr_t min_addr,
				      phys_addr_t max_addr, int nid);
void *bm_memblock_alloc_try_nid_raw(struct bm_machine *m, phys_addr_t size,
				    phys_addr_t align, phys_addr_t min_addr,
				    phys_addr_t max_addr, int nid);
void *bm_memblock_alloc_try_nid(struct bm_machine *m, phys_addr_t size,
				phys_addr_t align, phys_addr_t min_addr,
				phys_addr_t max_addr, int nid);
void *bm_memblock_alloc(struct bm_machine *m, phys_addr_t size, phys_addr_t align);
void *bm_memblock_alloc_raw(struct bm_machine *m, phys_addr_t size, phys_addr_t align);
void *bm_memblock_alloc_from(struct bm_machine *m, phys_addr_t size,
			     phys_addr_t align, phys_addr_t min_addr);
void *bm_memblock_alloc_low(struct bm_machine *m, phys_addr_t size, phys_addr_t align);
void *bm_memblock_alloc_node(struct bm_machine *m, phys_addr_t size,
			     phys_addr_t align, int nid);

/* memblock_find_in_range(): any node, the boot's flags, MIRROR dropped on failure. */
phys_addr_t bm_memblock_find_in_range(struct bm_machine *m, phys_addr_t start,
				      phys_addr_t end, phys_addr_t size,
				      phys_addr_t align);
/* choose_memblock_flags(): KHO_SCRATCH in an early KHO boot, else MIRROR if any. */
enum memblock_flags bm_memblock_choose_flags(struct bm_machine *m);

/* --- kernel-internal primitives, for layers that model kernel code --------- */
int bm_memblock_add_range(struct bm_machine *m, struct memblock_type *type,
			  phys_addr_t base, phys_addr_t size, int nid,
			  enum memblock_flags flags);
int bm_memblock_remove_range(struct bm_machine *m, struct memblock_type *type,
			     phys_addr_t base, phys_addr_t size);
int bm_memblock_isolate_range(struct bm_machine *m, struct memblock_type *type,
			      phys_addr_t base, phys_addr_t size, int *start_rgn,
			      int *end_rgn);
void bm_memblock_remove_region(struct bm_machine *m, struct memblock_type *type,
			       unsigned long r);
void bm_memblock_merge_regions(struct bm_machine *m, struct memblock_type *type,
			       unsigned long start_rgn, unsigned long end_rgn);
/* One memblock=debug line "@what: [base-end] caller", if memblock_debug is on. */
void bm_memblock_trace_range(struct bm_machine *m, const char *what,
			     phys_addr_t base, phys_addr_t size);

/* --- late life ------------------------------------------------------- */
void bm_memblock_discard(struct bm_machine *m);

/* --- iteration -------------------------------------------------------- */
/*
 * __next_mem_range: intersections of @type_a with the gaps of @type_b (or
 * @type_a alone if @type_b is NULL), as the kernel's iterator produces them,
 * honouring @nid and @flags (MIRROR, KHO_SCRATCH, NOMAP and HOTPLUG rules).
 * @idx is the kernel's packed u64 cursor: start it at 0, it is ULLONG_MAX at
 * the end.
 */
void bm_next_mem_range(struct bm_machine *m, uint64_t *idx, int nid,
		       enum memblock_flags flags, struct memblock_type *type_a,
		       struct memblock_type *type_b, phys_addr_t *out_start,
		       phys_addr_t *out_end, int *out_nid);
void bm_next_mem_range_rev(struct bm_machine *m, uint64_t *idx, int nid,
			   enum memblock_flags flags, struct memblock_type *type_a,
			   struct memblock_type *type_b, phys_addr_t *out_start,
			   phys_addr_t *out_end, int *out_nid);
void bm_next_mem_pfn_range(struct bm_machine *m, int *idx, int nid,
			   unsigned long *out_start_pfn, unsigned long *out_end_pfn,
			   int *out_nid);

#define bm_for_each_mem_range_in(m, i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = 0, bm_next_mem_range(m, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (uint64_t)UINT64_MAX;						\
	     bm_next_mem_range(m, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

#define bm_for_each_mem_range_rev_in(m, i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = (uint64_t)UINT64_MAX,					\
	     bm_next_mem_range_rev(m, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (uint64_t)UINT64_MAX;						\
	     bm_next_mem_range_rev(m, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

/* Every memory range (memblock.memory), any node. */
#define bm_for_each_mem_range(m, i, p_start, p_end)				\
	bm_for_each_mem_range_in(m, i, &(m)->memblock.mb.memory, NULL,		\
				 BM_NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, \
				 p_start, p_end, NULL)

/* Free ranges: memory minus reserved, on @nid, honouring @flags. */
#define bm_for_each_free_mem_range(m, i, nid, flags, p_start, p_end, p_nid)	\
	bm_for_each_mem_range_in(m, i, &(m)->memblock.mb.memory,		\
				 &(m)->memblock.mb.reserved, nid, flags,	\
				 p_start, p_end, p_nid)

#define bm_for_each_free_mem_range_reverse(m, i, nid, flags, p_start, p_end, p_nid) \
	bm_for_each_mem_range_rev_in(m, i, &(m)->memblock.mb.memory,		\
				     &(m)->memblock.mb.reserved, nid, flags,	\
				     p_start, p_end, p_nid)

#define bm_for_each_reserved_mem_region(m, rgn)					\
	for (rgn = (m)->memblock.mb.reserved.regions;				\
	     rgn < (m)->memblock.mb.reserved.regions + (m)->memblock.mb.reserved.cnt; \
	     rgn++)

#define bm_for_each_mem_region(m, rgn)						\
	for (rgn = (m)->memblock.mb.memory.regions;				\
	     rgn < (m)->memblock.mb.memory.regions + (m)->memblock.mb.memory.cnt; \
	     rgn++)

#define bm_for_each_mem_pfn_range(m, i, nid, p_start, p_end, p_nid)		\
	for (i = -1, bm_next_mem_pfn_range(m, &i, nid, p_start, p_end, p_nid);	\
	     i >= 0; bm_next_mem_pfn_range(m, &i, nid, p_start, p_end, p_nid))

/* --- checking and reporting -------------------------------------------- */
struct bm_sink;
/*
 * Verify every memblock invariant: each type sorted, non-overlapping,
 * neighbours that could merge are merged, total_size equals the sum, cnt
 * within max (cnt >= 1 only if regions exist), sizes non-zero, no region
 * wraps; a static array's regions at its start, a doubled array's window
 * of cnt entries inside its max entries. Returns the number of failures;
 * each is logged at BM_LOG_ERR naming the type, index and values.
 */
int bm_memblock_check(struct bm_machine *m);
/* /sys/kernel/debug/memblock/{memory,reserved} format. */
void bm_memblock_debugfs_dump(struct bm_machine *m, const struct memblock_type *type,
			      struct bm_sink *out);
/* The "MEMBLOCK configuration:" dump memblock=debug prints (only if memblock_debug). */
void bm_memblock_dump_all(struct bm_machine *m);
/* The same dump, unconditionally, one line per write to @out. */
void bm_memblock_dump(struct bm_machine *m, struct bm_sink *out);

#endif /* BOOTMM_MEMBLOCK_H */
