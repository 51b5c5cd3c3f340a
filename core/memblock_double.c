// SPDX-License-Identifier: MIT
/*
 * memblock_double_array(): growing a type's region array, from memblock
 * itself before the buddy hand-off and from the page allocator (the
 * kernel's kmalloc) after it.
 */
#include "internal.h"

#define RGN_BYTES	sizeof(struct memblock_region)

/* The order of the smallest buddy block holding @bytes. */
static unsigned int bytes_order(phys_addr_t bytes)
{
	unsigned int order = 0;

	while ((BM_PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* kmalloc stand-in for arrays doubled after the buddy hand-off. */
static phys_addr_t slab_alloc_array(struct bm_machine *m, phys_addr_t bytes)
{
	bm_pfn_t pfn = bm_alloc_pages(m, BM_NUMA_NO_NODE, bytes_order(bytes), BM_ZONE_NORMAL,
				      MIGRATE_UNMOVABLE);

	return pfn == BM_NO_PFN ? 0 : BM_PFN_PHYS(pfn);
}

void bm_memblock_slab_free(struct bm_machine *m, phys_addr_t phys, phys_addr_t bytes)
{
	bm_free_pages(m, BM_PFN_DOWN(phys), bytes_order(bytes));
}

/*
 * Top-down search of [lo, hi) that also avoids the ranges from array_avoid
 * @i on: the part above a range is tried first, as a top-down search would
 * find it first. Recursion depth is bounded by BM_MEMBLOCK_AVOID_MAX. A
 * window too small for @bytes is empty: passed on, a window ending at 1
 * would be the kernel's MEMBLOCK_ALLOC_NOLEAKTRACE, i.e. all of memory.
 */
static phys_addr_t find_avoiding(struct bm_machine *m, phys_addr_t lo, phys_addr_t hi,
				 phys_addr_t bytes, unsigned int i)
{
	const struct bm_memblock_state *s = &m->memblock;
	phys_addr_t pbase, pend, addr = 0;

	if (lo >= hi || hi - lo < bytes)
		return 0;
	if (i >= s->nr_array_avoid)
		return bm_memblock_find_in_range(m, lo, hi, bytes, BM_PAGE_SIZE);
	pbase = s->array_avoid[i].base;
	pend = pbase + s->array_avoid[i].size;
	if (pend <= lo || pbase >= hi)
		return find_avoiding(m, lo, hi, bytes, i + 1);
	if (pend < hi)
		addr = find_avoiding(m, pend, hi, bytes, i + 1);
	if (!addr && pbase > lo)
		addr = find_avoiding(m, lo, pbase, bytes, i + 1);
	return addr;
}

static phys_addr_t find_array_room(struct bm_machine *m, phys_addr_t lo, phys_addr_t hi,
				   phys_addr_t bytes)
{
	/*
	 * The kernel's end of 0 or 1 (MEMBLOCK_ALLOC_ACCESSIBLE, _NOLEAKTRACE)
	 * means current_limit: memblock_double_array's second window, [0,
	 * new_area_start), is all of memory when the range starts at 0 or 1.
	 */
	if (hi <= MEMBLOCK_ALLOC_NOLEAKTRACE)
		hi = m->memblock.mb.current_limit;
	return find_avoiding(m, lo, hi, bytes, 0);
}

/**
 * bm_memblock_avoid_push - keep doubled arrays out of a range for a while
 * @m: machine
 * @base: start
 * @size: size (capped so it does not wrap)
 *
 * Return: true if pushed (pop it with bm_memblock_avoid_pop()), false if
 * the nesting is deeper than BM_MEMBLOCK_AVOID_MAX (nothing to pop).
 * Context: setup, before the buddy hand-off.
 */
bool bm_memblock_avoid_push(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	struct bm_memblock_state *s = &m->memblock;

	if (s->nr_array_avoid >= BM_MEMBLOCK_AVOID_MAX)
		return false;
	bm_cap_size(base, &size);
	s->array_avoid[s->nr_array_avoid].base = base;
	s->array_avoid[s->nr_array_avoid].size = size;
	s->nr_array_avoid++;
	return true;
}

void bm_memblock_avoid_pop(struct bm_machine *m)
{
	m->memblock.nr_array_avoid--;
}

/*
 * Double @type's array. The new one comes from memblock itself, avoiding
 * [@new_area_start, +@new_area_size) when it is the reserved array that
 * grows (that range is about to be reserved and may not be yet), is page
 * aligned so memblock_discard() can free whole pages, and is reserved.
 */
int bm_memblock_double_array(struct bm_machine *m, struct memblock_type *type,
			     phys_addr_t new_area_start, phys_addr_t new_area_size)
{
	struct bm_memblock_state *s = &m->memblock;
	bool is_reserved = type == &s->mb.reserved;
	phys_addr_t *array_phys = is_reserved ? &s->reserved_array_phys :
						&s->memory_array_phys;
	bool *in_slab = is_reserved ? &s->reserved_in_slab : &s->memory_in_slab;
	struct memblock_region **array_virt = is_reserved ? &s->reserved_array : &s->memory_array;
	bool movable;
	phys_addr_t old_size, new_size, old_alloc, new_alloc, addr, old_phys;
	struct memblock_region *new_array, *old_array, *old_regions, *old_virt;
	unsigned long old_max;
	bool old_static;
	enum memblock_flags flags;
	const char *saved;
	int nid;

	/*
	 * The kernel panics here: resizing before the reserved ranges are all
	 * known could put the array on top of one. Refuse, with no change.
	 */
	if (!s->can_resize) {
		s->misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "cannot resize %s array", type->name);
		return -1;
	}

	old_size = type->max * RGN_BYTES;
	new_size = old_size << 1;
	old_alloc = BM_ALIGN_UP(old_size, BM_PAGE_SIZE);
	new_alloc = BM_ALIGN_UP(new_size, BM_PAGE_SIZE);

	if (m->mm.buddy_ready) {
		/*
		 * slab_is_available(): the kernel kmallocs the new array. Pages
		 * from the buddy, not memblock: memblock's free ranges are the
		 * buddy's memory now.
		 */
		addr = slab_alloc_array(m, new_alloc);
	} else {
		if (!is_reserved)
			new_area_start = new_area_size = 0;
		addr = find_array_room(m, new_area_start + new_area_size,
				       s->mb.current_limit, new_alloc);
		if (!addr && new_area_size)
			addr = find_array_room(m, 0, BM_MIN(new_area_start, s->mb.current_limit),
					       new_alloc);
	}
	if (!addr) {
		bm_log(m, BM_LOG_ERR,
		       "memblock: Failed to double %s array from %ld to %ld entries !",
		       type->name, (long)type->max, (long)type->max * 2);
		return -1;
	}
	new_array = bm_phys_to_virt(m, addr);
	if (!new_array || !bm_phys_to_virt(m, addr + new_alloc - 1)) {
		s->misuse++;
		bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(addr), BM_PFN_UP(addr + new_alloc),
			     __func__, "no simulated RAM for the %s array at %#llx",
			     type->name, (unsigned long long)addr);
		return -1;
	}
	if (m->cfg.memblock_debug)
		bm_log(m, BM_LOG_DEBUG, "memblock: %s is doubled to %ld at [0x%016llx-0x%016llx]",
		       type->name, (long)type->max * 2, (unsigned long long)addr,
		       (unsigned long long)(addr + new_size - 1));

	/*
	 * Move first: it may be the reserved array itself that is full. The
	 * window goes to the middle of the new array (memblock_array.c).
	 */
	old_array = bm_memblock_array(m, type, &movable);
	old_regions = type->regions;
	old_max = type->max;
	old_virt = *array_virt;
	old_static = bm_memblock_is_static_array(m, old_array);
	bm_memblock_array_move(type, new_array, type->max << 1);
	old_phys = *array_phys;
	type->max <<= 1;
	*array_phys = addr;
	*array_virt = new_array;

	saved = m->caller;
	if (*in_slab) {
		bm_memblock_slab_free(m, old_phys, old_alloc);
	} else if (!old_static) {
		/*
		 * The kernel frees the old array before it reserves the new
		 * one. Freeing can split a reserved region and double the
		 * reserved array, whose search would then see the new array
		 * as free and put the reserved array on top of it. bootmm
		 * keeps the kernel's order (and its trace) but makes that
		 * nested search step around the new array.
		 */
		bool pushed = !m->mm.buddy_ready && bm_memblock_avoid_push(m, addr, new_alloc);

		m->caller = "memblock_free";
		bm_memblock_trace_range(m, "memblock_phys_free", old_phys, old_alloc);
		bm_memblock_remove_range(m, &s->mb.reserved, old_phys, old_alloc);
		if (pushed)
			bm_memblock_avoid_pop(m);
	}
	*in_slab = m->mm.buddy_ready;
	if (*in_slab) {
		m->caller = saved;
		return 0;
	}
	m->caller = "memblock_double_array";
	bm_memblock_trace_range(m, "memblock_reserve", addr, new_alloc);
	nid = BM_NUMA_NO_NODE;
	bm_memblock_kern_tag(m, &nid, &flags);
	if (bm_memblock_add_range(m, &s->mb.reserved, addr, new_alloc, nid, flags)) {
		/*
		 * The kernel BUG()s: the reserved array is full and could not
		 * grow (only the memory array's reservation can get here). An
		 * unreserved array would soon be handed out again, so go back
		 * to the old one, still intact, if it is static or can be
		 * reserved again, and fail the caller's operation unchanged.
		 */
		if (old_static || !bm_memblock_add_range(m, &s->mb.reserved, old_phys, old_alloc,
							 nid, flags)) {
			type->regions = old_regions;
			type->max = old_max;
			*array_phys = old_phys;
			*array_virt = old_virt;
			bm_log(m, BM_LOG_ERR, "memblock: cannot reserve the doubled %s array: "
			       "kept the old one", type->name);
			m->caller = saved;
			return -1;
		}
		bm_violation(m, BM_V_INVARIANT, BM_PFN_DOWN(addr), BM_PFN_UP(addr + new_alloc),
			     __func__, "BUG: cannot reserve the new %s array", type->name);
	}
	m->caller = saved;
	return 0;
}
