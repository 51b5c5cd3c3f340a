// SPDX-License-Identifier: MIT
/*
 * memblock: cutting memory down (the kernel's memblock_enforce_memory_limit
 * for mem=, memblock_cap_memory_range for crash kernels and the like,
 * memblock_mem_limit_remove_map) and memblock_trim_memory.
 */
#include "internal.h"

/*
 * Translate a mem= size into the address where memory reaches it;
 * BM_PHYS_ADDR_MAX when there is nothing to cut (no limit, or less memory).
 */
static phys_addr_t find_max_addr(struct bm_machine *m, phys_addr_t limit)
{
	struct memblock_region *r;

	if (!limit)
		return BM_PHYS_ADDR_MAX;
	bm_for_each_mem_region(m, r) {
		if (limit <= r->size)
			return r->base + limit;
		limit -= r->size;
	}
	return BM_PHYS_ADDR_MAX;
}

/* One past the last byte of memory, 0 if there is none. */
static phys_addr_t memory_end(struct bm_machine *m)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;

	return mem->cnt ? mem->regions[mem->cnt - 1].base + mem->regions[mem->cnt - 1].size : 0;
}

/*
 * The first memory region (not NOMAP) that lies partly outside [@base,
 * @end), the ones cap_memory_range would cut; NULL if none.
 */
static const struct memblock_region *first_outside(struct bm_machine *m, phys_addr_t base,
						   phys_addr_t end)
{
	struct memblock_region *r;

	bm_for_each_mem_region(m, r)
		if (!(r->flags & MEMBLOCK_NOMAP) && (r->base < base || r->base + r->size > end))
			return r;
	return NULL;
}

/**
 * bm_memblock_enforce_memory_limit - mem=: keep only @limit bytes of memory
 * @m: machine
 * @limit: bytes; 0 means no limit
 *
 * Memory and reservations above the address where @limit bytes are
 * reached are removed; nothing happens if there is less memory.
 * Context: setup, before sparse_init: after it, a limit that would
 * remove memory is refused as misuse and changes nothing.
 */
void bm_memblock_enforce_memory_limit(struct bm_machine *m, phys_addr_t limit)
{
	phys_addr_t max_addr = find_max_addr(m, limit);

	if (max_addr == BM_PHYS_ADDR_MAX)
		return;
	/* Memory above max_addr would go from under the memory map and the
	 * zones: refused once sparse_init sized them (bm_memblock_memory_mapped;
	 * nothing is refused that changes none). */
	if (bm_memblock_memory_mapped(m, "memblock_enforce_memory_limit", max_addr,
				      memory_end(m) > max_addr ? memory_end(m) - max_addr : 0))
		return;
	if (bm_memblock_frees_own_array(m, max_addr, BM_PHYS_ADDR_MAX - max_addr))
		return;
	bm_memblock_remove_range(m, &m->memblock.mb.memory, max_addr, BM_PHYS_ADDR_MAX);
	bm_memblock_remove_range(m, &m->memblock.mb.reserved, max_addr, BM_PHYS_ADDR_MAX);
}

/**
 * bm_memblock_cap_memory_range - keep only memory inside a range
 * @m: machine
 * @base: start of the range kept
 * @size: its size; 0 is a no-op
 *
 * Memory outside the range goes except NOMAP regions; reservations
 * outside it go too. Warns and does nothing if no memory is registered.
 * Context: setup (crash kernels, mem= with remove_map), before
 * sparse_init: after it, a range that would cut memory is refused as
 * misuse and changes nothing.
 */
void bm_memblock_cap_memory_range(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	struct memblock_type *mem = &m->memblock.mb.memory;
	struct memblock_type *rsv = &m->memblock.mb.reserved;
	const struct memblock_region *r;
	int start_rgn, end_rgn, i;

	if (!size)
		return;
	if (!mem->total_size) {
		bm_log(m, BM_LOG_WARN, "memblock_cap_memory_range: No memory registered yet");
		return;
	}
	bm_cap_size(base, &size);
	/* Memory cut away would go from under the memory map and the zones:
	 * refused once sparse_init sized them (bm_memblock_memory_mapped;
	 * nothing is refused that changes none). */
	r = first_outside(m, base, base + size);
	if (r && bm_memblock_memory_mapped(m, "memblock_cap_memory_range", r->base, r->size))
		return;
	if ((base && bm_memblock_frees_own_array(m, 0, base)) ||
	    bm_memblock_frees_own_array(m, base + size, BM_PHYS_ADDR_MAX - (base + size)))
		return;
	/*
	 * Isolation doubles a full array away from the range it isolates:
	 * for memory that is outside the range kept, and a reserved array
	 * doubled while [0, base) is cut lands outside it too. Either new
	 * array's reservation would then go with the rest: the same misuse
	 * as above, found before anything changes.
	 */
	if (m->memblock.can_resize &&
	    (mem->cnt + 2 > mem->max || rsv->cnt + 2 > rsv->max)) {
		m->memblock.misuse++;
		bm_misuse(m, base, size, "memblock_cap_memory_range [%#llx-%#llx] would double "
			  "memblock's %s array outside the range it keeps and unreserve it",
			  (unsigned long long)base, (unsigned long long)(base + size - 1),
			  mem->cnt + 2 > mem->max ? "memory" : "reserved");
		return;
	}
	if (bm_memblock_isolate_range(m, mem, base, size, &start_rgn, &end_rgn))
		return;
	for (i = (int)mem->cnt - 1; i >= end_rgn; i--)
		if (!(mem->regions[i].flags & MEMBLOCK_NOMAP))
			bm_memblock_remove_region(m, mem, (unsigned long)i);
	for (i = start_rgn - 1; i >= 0; i--)
		if (!(mem->regions[i].flags & MEMBLOCK_NOMAP))
			bm_memblock_remove_region(m, mem, (unsigned long)i);
	/*
	 * Isolation split regions at base and base + size; where both halves
	 * stayed (NOMAP ones are kept outside the range) they are neighbours
	 * with the same nid and flags again: merge them, or memblock is no
	 * longer minimal (the kernel leaves them split; nothing there checks).
	 */
	if (mem->cnt)
		bm_memblock_merge_regions(m, mem, 0, mem->cnt);
	bm_memblock_remove_range(m, &m->memblock.mb.reserved, 0, base);
	bm_memblock_remove_range(m, &m->memblock.mb.reserved, base + size, BM_PHYS_ADDR_MAX);
}

/**
 * bm_memblock_mem_limit_remove_map - mem= for architectures that unmap the rest
 * @m: machine
 * @limit: bytes; 0 means no limit
 *
 * Like bm_memblock_enforce_memory_limit() but through
 * bm_memblock_cap_memory_range(), so NOMAP memory above stays.
 * Context: setup.
 */
void bm_memblock_mem_limit_remove_map(struct bm_machine *m, phys_addr_t limit)
{
	phys_addr_t max_addr = find_max_addr(m, limit);

	if (max_addr == BM_PHYS_ADDR_MAX)
		return;
	bm_memblock_cap_memory_range(m, 0, max_addr);
}

/* The kernel's rounding of a region's ends in memblock_trim_memory. */
static inline phys_addr_t trim_start(phys_addr_t start, phys_addr_t align)
{
	return ((start - 1) | (align - 1)) + 1;
}

static inline phys_addr_t trim_end(phys_addr_t end, phys_addr_t align)
{
	return end & ~(align - 1);
}

/**
 * bm_memblock_trim_memory - shrink memory regions to an alignment
 * @m: machine
 * @align: a power of two; anything else is reported as misuse and then
 *         applied with the kernel's arithmetic (align 0 removes everything)
 *
 * Each region is rounded inwards; regions that vanish are removed.
 * memory.total_size keeps the trimmed edges, exactly as in the kernel
 * (recorded in memory_size_stale). Context: setup, before sparse_init:
 * after it, a trim that would change memory is refused as misuse and
 * changes nothing.
 */
void bm_memblock_trim_memory(struct bm_machine *m, phys_addr_t align)
{
	struct memblock_type *mem = &m->memblock.mb.memory;
	unsigned long i = 0;

	if (!align || (align & (align - 1))) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "align %#llx is not a power of two", (unsigned long long)align);
	}
	/* Edges trimmed away would go from under the memory map and the
	 * zones: refused once sparse_init sized them (bm_memblock_memory_mapped;
	 * nothing is refused that changes none). */
	for (i = 0; i < mem->cnt; i++) {
		const struct memblock_region *r = &mem->regions[i];

		if (trim_start(r->base, align) != r->base ||
		    trim_end(r->base + r->size, align) != r->base + r->size) {
			if (bm_memblock_memory_mapped(m, "memblock_trim_memory", r->base, r->size))
				return;
			break;
		}
	}
	i = 0;
	while (i < mem->cnt) {
		struct memblock_region *r = &mem->regions[i];
		phys_addr_t orig_start = r->base, orig_end = r->base + r->size;
		phys_addr_t start = trim_start(orig_start, align);
		phys_addr_t end = trim_end(orig_end, align);

		if (start == orig_start && end == orig_end) {
			i++;
			continue;
		}
		/* Rounding a base within @align of the top up wraps to 0: such a
		 * region holds no aligned block (the kernel would corrupt the array). */
		if (start < end && start >= orig_start) {
			/* The kernel leaves total_size as it was: so does bootmm. */
			m->memblock.memory_size_stale += r->size - (end - start);
			r->base = start;
			r->size = end - start;
			i++;
		} else {
			bm_memblock_remove_region(m, mem, i);
		}
	}
}
