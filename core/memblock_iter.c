// SPDX-License-Identifier: MIT
/*
 * memblock: walking the regions (the kernel's __next_mem_range and friends)
 * and the point and range queries (memblock_is_memory, the sizes, ...).
 * Limits and trimming are in memblock_limit.c, the flag and node
 * attributes of ranges in memblock_attr.c.
 */
#include "internal.h"

#define IDX_END		UINT64_MAX

static uint64_t pack_idx(long idx_a, long idx_b)
{
	return (uint64_t)(uint32_t)idx_a | (uint64_t)idx_b << 32;
}

/*
 * The kernel's should_skip_region(). Only memblock.memory is filtered;
 * after memblock_discard() without ARCH_KEEP_MEMBLOCK the kernel's
 * memblock_memory pointer is NULL, so nothing is filtered any more.
 */
static bool should_skip(struct bm_machine *m, const struct memblock_type *type,
			const struct memblock_region *r, int nid, enum memblock_flags flags)
{
	const struct bm_memblock_state *s = &m->memblock;

	if (type != &s->mb.memory || (s->discarded && !s->keep))
		return false;
	if (bm_numa_valid_node(nid) && nid != r->nid)
		return true;
	if (s->movable_node && (r->flags & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !(r->flags & MEMBLOCK_MIRROR))
		return true;
	if (!(flags & MEMBLOCK_NOMAP) && (r->flags & MEMBLOCK_NOMAP))
		return true;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (r->flags & MEMBLOCK_DRIVER_MANAGED))
		return true;
	if ((flags & MEMBLOCK_KHO_SCRATCH) && !(r->flags & MEMBLOCK_KHO_SCRATCH))
		return true;
	return false;
}

static void put_range(phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid,
		      phys_addr_t start, phys_addr_t end, int nid)
{
	if (out_start)
		*out_start = start;
	if (out_end)
		*out_end = end;
	if (out_nid)
		*out_nid = nid;
}

static bool bad_types(struct bm_machine *m, uint64_t *idx, const char *func,
		      const struct memblock_type *type_a)
{
	if (type_a && type_a->regions)
		return false;
	m->memblock.misuse++;
	bm_violation(m, BM_V_MISUSE, 0, 0, func, "NULL memblock type to iterate");
	*idx = IDX_END;
	return true;
}

/**
 * bm_next_mem_range - step of for_each_mem_range / for_each_free_mem_range
 * @m: machine
 * @idx: cursor: idx_a (into @type_a) in the low 32 bits, idx_b (the gap
 *       before @type_b's region idx_b) in the high 32; 0 to start, UINT64_MAX
 *       when done
 * @nid: node filter, NUMA_NO_NODE (or MAX_NUMNODES) for all
 * @flags: MIRROR / KHO_SCRATCH: only such memory; NOMAP / DRIVER_MANAGED /
 *         HOTPLUG: also such memory
 * @type_a: the regions ranges are taken from
 * @type_b: the regions excluded, or NULL
 * @out_start: start of the next range, may be NULL
 * @out_end: its end (exclusive), may be NULL
 * @out_nid: its node, may be NULL
 *
 * Both arrays are sorted, so the cursors advance in lockstep and every
 * intersection of a region of @type_a with a gap of @type_b comes out once,
 * in address order; whichever of the two ends first advances.
 *
 * Context: any. A NULL @type_a is misuse and ends the walk.
 */
void bm_next_mem_range(struct bm_machine *m, uint64_t *idx, int nid,
		       enum memblock_flags flags, struct memblock_type *type_a,
		       struct memblock_type *type_b, phys_addr_t *out_start,
		       phys_addr_t *out_end, int *out_nid)
{
	long idx_a = (int)(uint32_t)(*idx & 0xffffffff);
	long idx_b = (int)(uint32_t)(*idx >> 32);

	if (bad_types(m, idx, __func__, type_a))
		return;
	for (; idx_a >= 0 && idx_a < (long)type_a->cnt; idx_a++) {
		const struct memblock_region *r = &type_a->regions[idx_a];
		phys_addr_t m_start = r->base;
		phys_addr_t m_end = r->base + r->size;

		if (should_skip(m, type_a, r, nid, flags))
			continue;
		if (!type_b) {
			put_range(out_start, out_end, out_nid, m_start, m_end, r->nid);
			*idx = pack_idx(idx_a + 1, idx_b);
			return;
		}
		for (; idx_b >= 0 && idx_b < (long)type_b->cnt + 1; idx_b++) {
			phys_addr_t r_start = idx_b ? type_b->regions[idx_b - 1].base +
						      type_b->regions[idx_b - 1].size : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ?
					    type_b->regions[idx_b].base : BM_PHYS_ADDR_MAX;

			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				put_range(out_start, out_end, out_nid, BM_MAX(m_start, r_start),
					  BM_MIN(m_end, r_end), r->nid);
				if (m_end <= r_end)
					idx_a++;
				else
					idx_b++;
				*idx = pack_idx(idx_a, idx_b);
				return;
			}
		}
	}
	*idx = IDX_END;
}

/**
 * bm_next_mem_range_rev - step of the reverse walks
 * @m: machine
 * @idx: cursor, packed as for bm_next_mem_range(); UINT64_MAX to start and
 *       when done
 * @nid: node filter
 * @flags: as for bm_next_mem_range()
 * @type_a: the regions ranges are taken from
 * @type_b: the regions excluded, or NULL
 * @out_start: start of the next range, may be NULL
 * @out_end: its end (exclusive), may be NULL
 * @out_nid: its node, may be NULL
 *
 * The same ranges as bm_next_mem_range(), highest first.
 *
 * Context: any. A NULL @type_a is misuse and ends the walk.
 */
void bm_next_mem_range_rev(struct bm_machine *m, uint64_t *idx, int nid,
			   enum memblock_flags flags, struct memblock_type *type_a,
			   struct memblock_type *type_b, phys_addr_t *out_start,
			   phys_addr_t *out_end, int *out_nid)
{
	long idx_a = (int)(uint32_t)(*idx & 0xffffffff);
	long idx_b = (int)(uint32_t)(*idx >> 32);

	if (bad_types(m, idx, __func__, type_a))
		return;
	if (*idx == IDX_END) {
		idx_a = (long)type_a->cnt - 1;
		idx_b = type_b ? (long)type_b->cnt : 0;
	}
	for (; idx_a >= 0 && idx_a < (long)type_a->cnt; idx_a--) {
		const struct memblock_region *r = &type_a->regions[idx_a];
		phys_addr_t m_start = r->base;
		phys_addr_t m_end = r->base + r->size;

		if (should_skip(m, type_a, r, nid, flags))
			continue;
		if (!type_b) {
			put_range(out_start, out_end, out_nid, m_start, m_end, r->nid);
			*idx = pack_idx(idx_a - 1, idx_b);
			return;
		}
		for (; idx_b >= 0 && idx_b <= (long)type_b->cnt; idx_b--) {
			phys_addr_t r_start = idx_b ? type_b->regions[idx_b - 1].base +
						      type_b->regions[idx_b - 1].size : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ?
					    type_b->regions[idx_b].base : BM_PHYS_ADDR_MAX;

			if (r_end <= m_start)
				break;
			if (m_end > r_start) {
				put_range(out_start, out_end, out_nid, BM_MAX(m_start, r_start),
					  BM_MIN(m_end, r_end), r->nid);
				if (m_start >= r_start)
					idx_a--;
				else
					idx_b--;
				*idx = pack_idx(idx_a, idx_b);
				return;
			}
		}
	}
	*idx = IDX_END;
}

/**
 * bm_next_mem_pfn_range - step of for_each_mem_pfn_range
 * @m: machine
 * @idx: cursor, -1 to start, -1 again when done
 * @nid: node filter; MAX_NUMNODES or NUMA_NO_NODE for all
 * @out_start_pfn: first whole pfn of the region, may be NULL
 * @out_end_pfn: one past its last whole pfn, may be NULL
 * @out_nid: its node, may be NULL
 *
 * Walks memblock.memory regions with at least one whole page, flags
 * ignored. Context: any.
 */
void bm_next_mem_pfn_range(struct bm_machine *m, int *idx, int nid,
			   unsigned long *out_start_pfn, unsigned long *out_end_pfn,
			   int *out_nid)
{
	struct memblock_type *type = &m->memblock.mb.memory;
	struct memblock_region *r = NULL;

	while (++*idx < (int)type->cnt) {
		r = &type->regions[*idx];
		if (BM_PFN_UP(r->base) >= BM_PFN_DOWN(r->base + r->size))
			continue;
		if (!bm_numa_valid_node(nid) || nid == r->nid)
			break;
	}
	if (*idx >= (int)type->cnt || !r) {
		*idx = -1;
		return;
	}
	if (out_start_pfn)
		*out_start_pfn = BM_PFN_UP(r->base);
	if (out_end_pfn)
		*out_end_pfn = BM_PFN_DOWN(r->base + r->size);
	if (out_nid)
		*out_nid = r->nid;
}

/* Binary search: index of the region containing @addr, or -1. */
static long search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long left = 0, right = type->cnt;

	do {
		unsigned long mid = (right + left) / 2;

		if (addr < type->regions[mid].base)
			right = mid;
		else if (addr >= type->regions[mid].base + type->regions[mid].size)
			left = mid + 1;
		else
			return (long)mid;
	} while (left < right);
	return -1;
}

/**
 * bm_memblock_is_reserved - is an address reserved
 * @m: machine
 * @addr: physical address
 *
 * Return: true if a reserved region contains @addr. Context: any.
 */
bool bm_memblock_is_reserved(struct bm_machine *m, phys_addr_t addr)
{
	return search(&m->memblock.mb.reserved, addr) != -1;
}

/**
 * bm_memblock_is_memory - is an address memory
 * @m: machine
 * @addr: physical address
 *
 * Return: true if a memory region contains @addr. Context: any.
 */
bool bm_memblock_is_memory(struct bm_machine *m, phys_addr_t addr)
{
	return search(&m->memblock.mb.memory, addr) != -1;
}

/**
 * bm_memblock_is_map_memory - is an address memory of the direct map
 * @m: machine
 * @addr: physical address
 *
 * Return: true if a memory region without NOMAP contains @addr.
 * Context: any.
 */
bool bm_memblock_is_map_memory(struct bm_machine *m, phys_addr_t addr)
{
	long i = search(&m->memblock.mb.memory, addr);

	return i != -1 && !(m->memblock.mb.memory.regions[i].flags & MEMBLOCK_NOMAP);
}

/**
 * bm_memblock_search_pfn_nid - the memory region holding a pfn
 * @m: machine
 * @pfn: page frame
 * @start_pfn: out: the region's first pfn (rounded down)
 * @end_pfn: out: one past its last pfn (rounded down)
 *
 * Return: the region's node (MAX_NUMNODES before numa init), or
 * NUMA_NO_NODE if @pfn is not memory. Context: any.
 */
int bm_memblock_search_pfn_nid(struct bm_machine *m, unsigned long pfn,
			       unsigned long *start_pfn, unsigned long *end_pfn)
{
	struct memblock_type *type = &m->memblock.mb.memory;
	long mid = search(type, BM_PFN_PHYS(pfn));

	if (mid == -1)
		return BM_NUMA_NO_NODE;
	*start_pfn = BM_PFN_DOWN(type->regions[mid].base);
	*end_pfn = BM_PFN_DOWN(type->regions[mid].base + type->regions[mid].size);
	return type->regions[mid].nid;
}

/**
 * bm_memblock_is_region_memory - is a range inside one memory region
 * @m: machine
 * @base: start
 * @size: size, capped so the range does not wrap
 *
 * Return: true if the region holding @base extends to the range's end.
 * Context: any.
 */
bool bm_memblock_is_region_memory(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	struct memblock_type *type = &m->memblock.mb.memory;
	long idx = search(type, base);
	phys_addr_t end = base + bm_cap_size(base, &size);

	if (idx == -1)
		return false;
	return type->regions[idx].base + type->regions[idx].size >= end;
}

/**
 * bm_memblock_is_region_reserved - does a range touch reserved memory
 * @m: machine
 * @base: start
 * @size: size
 *
 * Return: true if any reserved region intersects the range. Context: any.
 */
bool bm_memblock_is_region_reserved(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_overlaps_region(&m->memblock.mb.reserved, base, size);
}

/**
 * bm_memblock_start_of_DRAM - lowest memory address
 * @m: machine
 *
 * Return: base of the first memory region (0 with no memory).
 * Context: any.
 */
phys_addr_t bm_memblock_start_of_DRAM(struct bm_machine *m)
{
	return m->memblock.mb.memory.regions[0].base;
}

/**
 * bm_memblock_end_of_DRAM - one past the highest memory address
 * @m: machine
 *
 * Return: end of the last memory region. With no memory the kernel reads
 * before its array; bootmm reports the misuse and returns 0. Context: any.
 */
phys_addr_t bm_memblock_end_of_DRAM(struct bm_machine *m)
{
	struct memblock_type *type = &m->memblock.mb.memory;

	if (!type->cnt) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__, "no memory registered");
		return 0;
	}
	return type->regions[type->cnt - 1].base + type->regions[type->cnt - 1].size;
}

/**
 * bm_memblock_phys_mem_size - bytes of memory
 * @m: machine
 *
 * Return: memblock.memory.total_size. Context: any.
 */
phys_addr_t bm_memblock_phys_mem_size(struct bm_machine *m)
{
	return m->memblock.mb.memory.total_size;
}

/**
 * bm_memblock_reserved_size - bytes reserved
 * @m: machine
 *
 * Return: memblock.reserved.total_size. Context: any.
 */
phys_addr_t bm_memblock_reserved_size(struct bm_machine *m)
{
	return m->memblock.mb.reserved.total_size;
}

/**
 * bm_memblock_reserved_kern_size - bytes reserved for kernel use below a limit
 * @m: machine
 * @limit: count only below this address
 * @nid: only this node, or NUMA_NO_NODE for all
 *
 * Return: total size of RSRV_KERN reserved regions below @limit.
 * Context: any.
 */
phys_addr_t bm_memblock_reserved_kern_size(struct bm_machine *m, phys_addr_t limit, int nid)
{
	struct memblock_region *r;
	phys_addr_t total = 0;

	bm_for_each_reserved_mem_region(m, r) {
		phys_addr_t size = r->size;

		if (r->base > limit)
			break;
		if (r->base + r->size > limit)
			size = limit - r->base;
		if ((nid == r->nid || !bm_numa_valid_node(nid)) && (r->flags & MEMBLOCK_RSRV_KERN))
			total += size;
	}
	return total;
}

/**
 * bm_memblock_estimated_nr_free_pages - free pages as memblock sees them
 * @m: machine
 *
 * Return: (memory - reserved) in pages, wrapping as the kernel's unsigned
 * arithmetic does if more is reserved than registered. Context: any.
 */
unsigned long bm_memblock_estimated_nr_free_pages(struct bm_machine *m)
{
	return (unsigned long)BM_PFN_DOWN(bm_memblock_phys_mem_size(m) -
					  bm_memblock_reserved_size(m));
}
