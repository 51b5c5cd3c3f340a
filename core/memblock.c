// SPDX-License-Identifier: MIT
/*
 * memblock: region arrays, add/remove/reserve, merge, split and resize.
 *
 * The semantics are Linux's mm/memblock.c (v6.x-v7.x): a type is a sorted
 * array of disjoint regions, kept minimal (touching neighbours with equal
 * nid and flags are merged); an empty type has cnt 0 and a zeroed
 * regions[0]. Arrays start static (128 entries) and double from memblock
 * itself once memblock_allow_resize() was called. Where the kernel would
 * crash or corrupt itself, bootmm reports the misuse and leaves the state
 * alone instead.
 */
#include "internal.h"

#define RGN_BYTES	sizeof(struct memblock_region)

/**
 * bm_memblock_init_state - empty memblock of a new machine
 * @m: machine, zeroed by bm_machine_init() and its cfg already set
 *
 * Both types start on their static 128-entry arrays with cnt 0 (current
 * kernels; older ones kept one zero-sized dummy entry), top-down, no
 * limit. Context: bm_machine_init() only.
 */
void bm_memblock_init_state(struct bm_machine *m)
{
	struct bm_memblock_state *s = &m->memblock;

	s->mb.memory.regions = s->memory_init;
	s->mb.memory.max = INIT_MEMBLOCK_REGIONS;
	s->mb.memory.name = "memory";
	s->mb.reserved.regions = s->reserved_init;
	s->mb.reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS;
	s->mb.reserved.name = "reserved";
	s->mb.bottom_up = false;
	s->mb.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	/* The kernel's empty marker: regions[0] zeroed with node MAX_NUMNODES. */
	s->memory_init[0].nid = BM_MAX_NUMNODES;
	s->reserved_init[0].nid = BM_MAX_NUMNODES;
	s->keep = m->cfg.arch_keep_memblock;
	s->movable_node = m->cfg.movable_node;
}

static const char *caller_of(struct bm_machine *m)
{
	return m->caller ? m->caller : "?";
}

/**
 * bm_memblock_trace_range - print one memblock=debug range line
 * @m: machine
 * @what: the kernel function name the line starts with
 * @base: start of the range
 * @size: its size (the end printed is inclusive, base + size - 1)
 *
 * Context: any; prints only when m->cfg.memblock_debug is set, at
 * BM_LOG_DEBUG, naming m->caller as the kernel names _RET_IP_.
 */
void bm_memblock_trace_range(struct bm_machine *m, const char *what,
			     phys_addr_t base, phys_addr_t size)
{
	if (!m->cfg.memblock_debug)
		return;
	bm_log(m, BM_LOG_DEBUG, "%s: [0x%016llx-0x%016llx] %s", what,
	       (unsigned long long)base, (unsigned long long)(base + size - 1),
	       caller_of(m));
}


static bool nid_in_range(int nid)
{
	return nid >= BM_NUMA_NO_NODE && nid <= BM_MAX_NUMNODES;
}


/**
 * bm_memblock_addrs_overlap - do two ranges intersect
 * @base1: start of the first range
 * @size1: its size
 * @base2: start of the second range
 * @size2: its size
 *
 * Return: true if [base1, base1 + size1) and [base2, base2 + size2) share
 * an address. Context: pure.
 */
bool bm_memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1,
			       phys_addr_t base2, phys_addr_t size2)
{
	return base1 < base2 + size2 && base2 < base1 + size1;
}

/**
 * bm_memblock_overlaps_region - does a range intersect any region of a type
 * @type: the type to search; NULL is treated as empty
 * @base: start of the range
 * @size: size, capped so the range does not wrap
 *
 * Return: true if some region of @type intersects the range. Context: any.
 */
bool bm_memblock_overlaps_region(const struct memblock_type *type,
				 phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	if (!type || !type->regions)
		return false;
	bm_cap_size(base, &size);
	for (i = 0; i < type->cnt; i++)
		if (bm_memblock_addrs_overlap(base, size, type->regions[i].base,
					      type->regions[i].size))
			return true;
	return false;
}

/**
 * bm_memblock_remove_region - drop one region from a type
 * @m: machine
 * @type: the type
 * @r: index of the region, < type->cnt
 *
 * Restores the empty marker when the last region goes, because
 * memblock_add_range() recognises an empty type by regions[0].size == 0.
 * Context: setup; no trace.
 */
void bm_memblock_remove_region(struct bm_machine *m, struct memblock_type *type,
			       unsigned long r)
{
	type->total_size -= type->regions[r].size;
	bm_memblock_close_slot(m, type, r);

	if (type->cnt == 0) {
		if (type->total_size != 0)
			bm_violation(m, BM_V_WARN, 0, 0, __func__,
				     "%s empty but total_size %#llx", type->name,
				     (unsigned long long)type->total_size);
		type->regions[0].base = 0;
		type->regions[0].size = 0;
		type->regions[0].flags = MEMBLOCK_NONE;
		type->regions[0].nid = BM_MAX_NUMNODES;
	}
}

/*
 * The first region ending above @base: a binary search (memblock_array.c),
 * instead of the kernel's walk from index 0 (which makes 100,000
 * registrations quadratic in compares).
 */
static inline unsigned long first_ending_above(const struct memblock_type *type,
						phys_addr_t base)
{
	const struct memblock_region *r = type->regions;
	unsigned long n = type->cnt;

	/* Both ends here, inline: ordered registrations and frees hit them. */
	if (!n || r[n - 1].base + r[n - 1].size <= base)
		return n;
	if (r[0].base + r[0].size > base)
		return 0;
	return bm_memblock_search(type, base);
}

/* Would the kernel's memblock_merge_regions() merge @a with the next, @b? */
static inline bool mergeable(const struct memblock_region *a, const struct memblock_region *b)
{
	return a->base + a->size == b->base && a->nid == b->nid && a->flags == b->flags;
}


/**
 * bm_memblock_merge_regions - merge compatible neighbours
 * @m: machine
 * @type: the type
 * @start_rgn: first region that changed
 * @end_rgn: one past the last region that changed
 *
 * Looks at regions [start_rgn - 1, end_rgn], the only ones a change in
 * [start_rgn, end_rgn) can have made mergeable. Context: setup.
 */
void bm_memblock_merge_regions(struct bm_machine *m, struct memblock_type *type,
			       unsigned long start_rgn, unsigned long end_rgn)
{
	unsigned long i = start_rgn ? start_rgn - 1 : 0;

	if (!type->cnt)
		return;
	end_rgn = BM_MIN(end_rgn, type->cnt - 1);
	while (i < end_rgn) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base || this->nid != next->nid ||
		    this->flags != next->flags) {
			if (this->base + this->size > next->base)
				bm_violation(m, BM_V_INVARIANT, BM_PFN_DOWN(next->base),
					     BM_PFN_UP(this->base + this->size), __func__,
					     "BUG: %s[%lu] overlaps the next region",
					     type->name, i);
			i++;
			continue;
		}
		this->size += next->size;
		bm_memblock_close_slot(m, type, i + 1);
		end_rgn--;
	}
}

/* Insert at @idx; the caller made sure there is room. */
static inline void insert_region(struct bm_machine *m, struct memblock_type *type,
			  unsigned long idx, phys_addr_t base, phys_addr_t size,
			  int nid, enum memblock_flags flags)
{
	struct memblock_region *rgn;
	bool movable;

	if (type->cnt >= type->max) {
		bm_violation(m, BM_V_INVARIANT, BM_PFN_DOWN(base), BM_PFN_UP(base + size),
			     __func__, "BUG: %s array full (%lu)", type->name, type->max);
		return;
	}
	bm_memblock_array(m, type, &movable);
	if (movable) {
		rgn = bm_memblock_open_slot(m, type, idx);
	} else {
		/* A static array: the kernel's move of the tail, inline. */
		rgn = &type->regions[idx];
		memmove(rgn + 1, rgn, (type->cnt - idx) * RGN_BYTES);
		type->cnt++;
	}
	rgn->base = base;
	rgn->size = size;
	rgn->flags = flags;
	rgn->nid = nid;
	type->total_size += size;
}

/**
 * bm_memblock_add_range - add [base, base + size) to a type
 * @m: machine
 * @type: memory or reserved
 * @base: start
 * @size: size, capped so the range does not wrap; 0 is a no-op
 * @nid: node of the new parts
 * @flags: flags of the new parts
 *
 * Only the parts no region covers yet are inserted (existing regions keep
 * their nid and flags), then the type is merged. The first pass counts the
 * new regions so the array can be doubled before anything changes.
 *
 * Return: 0, or -BM_ENOMEM if the array had to grow and could not (state
 * unchanged). Context: setup; no trace (the public callers trace).
 */
int bm_memblock_add_range(struct bm_machine *m, struct memblock_type *type,
			  phys_addr_t base, phys_addr_t size, int nid,
			  enum memblock_flags flags)
{
	bool insert = false, warned = false;
	phys_addr_t obase = base;
	phys_addr_t end = base + bm_cap_size(base, &size);
	unsigned long idx, nr_new, start_rgn = 0, end_rgn = 0;
	bool have_start = false;

	if (!bm_machine_alive(m, "memblock_add_range"))
		return -BM_EINVAL;

	if (!size)
		return 0;

	if (type->regions[0].size == 0) {
		if (type->cnt != 0 || type->total_size)
			bm_violation(m, BM_V_WARN, 0, 0, __func__,
				     "%s: empty marker with cnt %lu total %#llx", type->name,
				     type->cnt, (unsigned long long)type->total_size);
		type->regions[0].base = base;
		type->regions[0].size = size;
		type->regions[0].flags = flags;
		type->regions[0].nid = nid;
		type->total_size = size;
		type->cnt = 1;
		if (type == &m->memblock.mb.memory)
			m->memblock.memory_size_stale = 0;
		return 0;
	}

	/*
	 * The common case, a range touching no region: one new region, no
	 * warning, no counting pass (with room, the kernel's two passes come
	 * to the same insertion and merge).
	 */
	if (type->cnt < type->max) {
		idx = first_ending_above(type, base);
		if (idx == type->cnt || type->regions[idx].base >= end) {
			struct memblock_region *r;

			insert_region(m, type, idx, base, size, nid, flags);
			/* Only its neighbours can merge with it; usually neither does. */
			r = type->regions;
			if ((idx && mergeable(&r[idx - 1], &r[idx])) ||
			    (idx + 1 < type->cnt && mergeable(&r[idx], &r[idx + 1])))
				bm_memblock_merge_regions(m, type, idx, idx + 1);
			return 0;
		}
	}

	/* Worst case: the range spans every region, needing cnt + 1 slots. */
	if (type->cnt * 2 + 1 <= type->max)
		insert = true;
repeat:
	base = obase;
	nr_new = 0;
	for (idx = first_ending_above(type, base); idx < type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase > base) {
			/* The kernel's two WARN_ONs, once per call. */
			if (!warned && (nid != rgn->nid ||
					(flags != MEMBLOCK_NONE && flags != rgn->flags))) {
				warned = true;
				bm_violation(m, BM_V_WARN, BM_PFN_DOWN(rbase), BM_PFN_UP(rend),
					     __func__, "%s: adding nid %d flags %#x next to nid %d flags %#x",
					     type->name, nid, (unsigned)flags, rgn->nid,
					     (unsigned)rgn->flags);
			}
			nr_new++;
			if (insert) {
				if (!have_start) {
					have_start = true;
					start_rgn = idx;
				}
				end_rgn = idx + 1;
				insert_region(m, type, idx++, base, rbase - base, nid, flags);
			}
		}
		base = BM_MIN(rend, end);
	}
	if (base < end) {
		nr_new++;
		if (insert) {
			if (!have_start) {
				have_start = true;
				start_rgn = idx;
			}
			end_rgn = idx + 1;
			insert_region(m, type, idx, base, end - base, nid, flags);
		}
	}
	if (!nr_new)
		return 0;

	if (!insert) {
		while (type->cnt + nr_new > type->max)
			if (bm_memblock_double_array(m, type, obase, size) < 0)
				return -BM_ENOMEM;
		insert = true;
		goto repeat;
	}
	bm_memblock_merge_regions(m, type, start_rgn, end_rgn);
	return 0;
}

/**
 * bm_memblock_isolate_range - split regions at the ends of a range
 * @m: machine
 * @type: memory or reserved
 * @base: start of the range
 * @size: size, capped so the range does not wrap
 * @start_rgn: out: index of the first region inside the range
 * @end_rgn: out: one past the last region inside the range (0: none)
 *
 * Regions crossing a boundary are split in two, both halves keeping the
 * nid and flags, so that whole regions cover the range.
 *
 * Return: 0, or -BM_ENOMEM if the array had to grow and could not (state
 * unchanged). Context: setup.
 */
int bm_memblock_isolate_range(struct bm_machine *m, struct memblock_type *type,
			      phys_addr_t base, phys_addr_t size, int *start_rgn,
			      int *end_rgn)
{
	phys_addr_t end = base + bm_cap_size(base, &size);
	long idx;

	*start_rgn = *end_rgn = 0;
	if (!bm_machine_alive(m, "memblock_isolate_range"))
		return -BM_EINVAL;
	if (!size)
		return 0;

	/* At most two more regions. */
	while (type->cnt + 2 > type->max)
		if (bm_memblock_double_array(m, type, base, size) < 0)
			return -BM_ENOMEM;

	for (idx = (long)first_ending_above(type, base); idx < (long)type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase < base) {
			/* Crosses the start: split, the top half is looked at next. */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			insert_region(m, type, idx, rbase, base - rbase, rgn->nid, rgn->flags);
		} else if (rend > end) {
			/* Crosses the end: split and look at the bottom half again. */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			insert_region(m, type, idx--, rbase, end - rbase, rgn->nid, rgn->flags);
		} else {
			if (!*end_rgn)
				*start_rgn = (int)idx;
			*end_rgn = (int)idx + 1;
		}
	}
	return 0;
}

/**
 * bm_memblock_remove_range - take [base, base + size) out of a type
 * @m: machine
 * @type: memory or reserved
 * @base: start
 * @size: size, capped so the range does not wrap
 *
 * Return: 0 or -BM_ENOMEM (state unchanged). Context: setup; no trace.
 */
int bm_memblock_remove_range(struct bm_machine *m, struct memblock_type *type,
			     phys_addr_t base, phys_addr_t size)
{
	int start_rgn, end_rgn, i, ret;
	bool pushed = false;

	/*
	 * Splitting the ends of the range may double the array. The kernel's
	 * search for the new one can pick a place inside the very range: for
	 * reserved, its second window [0, base) is the whole accessible
	 * memory when base is 0; for memory it excludes nothing. The removal
	 * below then unreserves the new array, or leaves it outside memory
	 * (and memblock_enforce_memory_limit() next removes its reservation
	 * with the rest above the limit). bootmm keeps the new array out of
	 * the range.
	 */
	if (!m->mm.buddy_ready)
		pushed = bm_memblock_avoid_push(m, base, size);
	ret = bm_memblock_isolate_range(m, type, base, size, &start_rgn, &end_rgn);
	if (pushed)
		bm_memblock_avoid_pop(m);
	if (ret)
		return ret;
	for (i = end_rgn - 1; i >= start_rgn; i--)
		bm_memblock_remove_region(m, type, (unsigned long)i);
	return 0;
}

/**
 * bm_memblock_add_node - register memory of a node
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 * @nid: node, NUMA_NO_NODE..MAX_NUMNODES
 * @flags: flags of the new parts
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL for a nid out of range or after
 * sparse_init (misuse, reported). Context: setup; traced as
 * memblock_add_node.
 */
int bm_memblock_add_node(struct bm_machine *m, phys_addr_t base,
			 phys_addr_t size, int nid, enum memblock_flags flags)
{
	if (bm_memblock_memory_mapped(m, "memblock_add_node", base, size))
		return -BM_EINVAL;
	if (m->cfg.memblock_debug)
		bm_log(m, BM_LOG_DEBUG, "memblock_add_node: [0x%016llx-0x%016llx] nid=%d flags=%x %s",
		       (unsigned long long)base, (unsigned long long)(base + size - 1),
		       nid, (unsigned)flags, caller_of(m));
	if (!nid_in_range(nid)) {
		m->memblock.misuse++;
		bm_misuse(m, base, 0, "memblock_add_node: nid %d out of range", nid);
		return -BM_EINVAL;
	}
	return bm_memblock_add_range(m, &m->memblock.mb.memory, base, size, nid, flags);
}

/**
 * bm_memblock_add - register memory of no node yet
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 *
 * The new parts get nid MAX_NUMNODES, the kernel's "no node" of
 * memblock_add(), until memblock_set_node().
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL after sparse_init (misuse,
 * reported). Context: setup; traced as memblock_add.
 */
int bm_memblock_add(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	if (bm_memblock_memory_mapped(m, "memblock_add", base, size))
		return -BM_EINVAL;
	bm_memblock_trace_range(m, "memblock_add", base, size);
	return bm_memblock_add_range(m, &m->memblock.mb.memory, base, size,
				     BM_MAX_NUMNODES, MEMBLOCK_NONE);
}

/**
 * bm_memblock_remove - unregister memory
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL after sparse_init (misuse,
 * reported). Context: setup; traced as memblock_remove.
 */
int bm_memblock_remove(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	if (bm_memblock_memory_mapped(m, "memblock_remove", base, size))
		return -BM_EINVAL;
	bm_memblock_trace_range(m, "memblock_remove", base, size);
	return bm_memblock_remove_range(m, &m->memblock.mb.memory, base, size);
}

/* The kernel silently caps a wrapping range; for reserve/free it is a bug. */
static void check_wrap(struct bm_machine *m, const char *what, phys_addr_t base,
		       phys_addr_t size)
{
	if (size <= BM_PHYS_ADDR_MAX - base)
		return;
	m->memblock.misuse++;
	bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(base), BM_PFN_DOWN(BM_PHYS_ADDR_MAX),
		     what, "[%#llx +%#llx] wraps past the top; size capped",
		     (unsigned long long)base, (unsigned long long)size);
}

/* Bytes of [base, end) that some reserved region covers. */
static phys_addr_t reserved_bytes_in(struct memblock_type *type, phys_addr_t base,
				     phys_addr_t end)
{
	phys_addr_t sum = 0;
	unsigned long i;

	for (i = first_ending_above(type, base); i < type->cnt; i++) {
		phys_addr_t rb = type->regions[i].base;
		phys_addr_t re = rb + type->regions[i].size;

		if (rb >= end)
			break;
		if (re <= base)
			continue;
		sum += BM_MIN(re, end) - BM_MAX(rb, base);
	}
	return sum;
}

/**
 * bm_memblock_frees_own_array - would unreserving a range take memblock's
 * own doubled arrays with it?
 * @m: machine
 * @base: start of the range
 * @size: its size
 *
 * memblock's doubled arrays live in reserved memory; a free (or a memory
 * limit) that unreserved them would hand the region table to the next
 * allocation. The kernel trusts its callers; bootmm reports the call as
 * misuse (true) so the caller can refuse it whole.
 * Return: true if the range overlaps a doubled, memblock-allocated array.
 */
bool bm_memblock_frees_own_array(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	struct bm_memblock_state *s = &m->memblock;
	const struct memblock_type *types[2] = { &s->mb.memory, &s->mb.reserved };
	const phys_addr_t at[2] = { s->memory_array_phys, s->reserved_array_phys };
	const bool slab[2] = { s->memory_in_slab, s->reserved_in_slab };

	for (int i = 0; i < 2; i++) {
		phys_addr_t len = BM_ALIGN_UP(types[i]->max * RGN_BYTES, BM_PAGE_SIZE);

		if (bm_memblock_is_static_array(m, types[i]->regions) || slab[i] || s->discarded)
			continue;
		if (base < at[i] + len && at[i] < base + size) {
			s->misuse++;
			bm_misuse(m, base, size, "free [%#llx-%#llx] would unreserve memblock's %s array",
				  (unsigned long long)base, (unsigned long long)(base + size - 1),
				  types[i]->name);
			return true;
		}
	}
	return false;
}

/*
 * memblock_phys_free without the hand-off check, for the release paths
 * (release.c) that keep memblock.reserved in step with pages they free.
 */
int bm_memblock_unreserve(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	struct memblock_type *rsv = &m->memblock.mb.reserved;
	phys_addr_t covered;

	bm_memblock_trace_range(m, "memblock_phys_free", base, size);
	if (!size)
		return 0;
	check_wrap(m, "memblock_phys_free", base, size);
	bm_cap_size(base, &size);
	if (bm_memblock_frees_own_array(m, base, size))
		return -BM_EINVAL;
	/* Unreserved, the memory map's pages would be "free" to deferred init. */
	if (m->mm.memmap_ready && bm_range_holds_memmap(m, base, base + size)) {
		m->memblock.misuse++;
		bm_misuse(m, base, size, "free [%#llx-%#llx] would unreserve the memory map",
			  (unsigned long long)base, (unsigned long long)(base + size - 1));
		return -BM_EINVAL;
	}
	/*
	 * The common case, a free of exactly one reserved region, removes it
	 * without the isolation walk (which would find just that region and
	 * split nothing; it doubles a nearly full array first, so the short
	 * way is only taken where it would not).
	 */
	if (rsv->cnt + 2 <= rsv->max) {
		unsigned long idx = first_ending_above(rsv, base);

		if (idx < rsv->cnt && rsv->regions[idx].base == base &&
		    rsv->regions[idx].size == size) {
			bm_memblock_remove_region(m, rsv, idx);
			return 0;
		}
	}
	covered = reserved_bytes_in(rsv, base, base + size);
	if (covered != size) {
		m->memblock.misuse++;
		bm_misuse(m, base, size, "free [%#llx-%#llx]: %#llx of %#llx bytes reserved",
			  (unsigned long long)base, (unsigned long long)(base + size - 1),
			  (unsigned long long)covered, (unsigned long long)size);
	}
	return bm_memblock_remove_range(m, rsv, base, size);
}

/**
 * bm_memblock_phys_free - release a reservation
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 *
 * Removes [base, base + size) from memblock.reserved, like the kernel,
 * which does not hand anything to the buddy allocator. Freeing a range
 * that is not entirely reserved, or that wraps, is reported as misuse;
 * whatever part is reserved is still released. After memblock_free_all
 * the call is refused (BM_V_MISUSE, nothing changed): the pages belong to
 * the memory map now, Reserved, and unreserving them would let deferred
 * init initialise and free pages a release already freed (the list
 * corruption fuzz_api found); memblock_free_late is the call then.
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL if refused. Context: setup; traced
 * as memblock_phys_free.
 */
int bm_memblock_phys_free(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	if (!bm_machine_alive(m, "memblock_phys_free"))
		return -BM_EINVAL;
	if (size && m->mm.buddy_ready) {
		bm_memblock_trace_range(m, "memblock_phys_free", base, size);
		m->memblock.misuse++;
		bm_misuse(m, base, size < BM_PHYS_ADDR_MAX - base ? size : BM_PHYS_ADDR_MAX - base,
			  "memblock_phys_free [%#llx+%#llx] after the buddy hand-off "
			  "(memblock_free_late frees reserved memory then): refused",
			  (unsigned long long)base, (unsigned long long)size);
		return -BM_EINVAL;
	}
	return bm_memblock_unreserve(m, base, size);
}

/**
 * bm_memblock_free - release a reservation by its simulated virtual address
 * @m: machine
 * @ptr: pointer memblock_alloc*() returned; NULL is a no-op
 * @size: size
 *
 * A pointer outside the machine's physical memory is reported as misuse
 * and ignored.
 * Context: setup; traced as memblock_phys_free.
 */
void bm_memblock_free(struct bm_machine *m, void *ptr, size_t size)
{
	phys_addr_t phys;

	if (!ptr)
		return;
	/* Below the simulated RAM the difference wraps and is out of range. */
	phys = bm_virt_to_phys(m, ptr);
	if (bm_phys_to_virt(m, phys) != ptr) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "%p is not in the machine's physical memory", ptr);
		return;
	}
	bm_memblock_phys_free(m, phys, size);
}

/**
 * bm_memblock_reserve_nid - reserve with an explicit node and flags
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op; a wrapping range is capped and reported
 * @nid: node recorded on the new parts
 * @flags: flags of the new parts
 *
 * The kernel's __memblock_reserve(), traced as memblock_reserve (the
 * line format of the 6.1 logs bootmm replays).
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL for a nid out of range.
 * Context: setup.
 */
int bm_memblock_reserve_nid(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			    int nid, enum memblock_flags flags)
{
	bm_memblock_trace_range(m, "memblock_reserve", base, size);
	if (!nid_in_range(nid)) {
		m->memblock.misuse++;
		bm_misuse(m, base, 0, "memblock_reserve: nid %d out of range", nid);
		return -BM_EINVAL;
	}
	/*
	 * After memblock_free_all the free pages belong to the buddy allocator:
	 * a reservation would not take them out of it, and in the deferred
	 * range it would hide them from deferred init, their struct pages
	 * never initialised. Report the call and refuse it.
	 */
	if (size && m->mm.buddy_ready) {
		m->memblock.misuse++;
		bm_misuse(m, base, size, "memblock_reserve [%#llx-%#llx] after the buddy hand-off",
			  (unsigned long long)base, (unsigned long long)(base + size - 1));
		return -BM_EINVAL;
	}
	if (size)
		check_wrap(m, "memblock_reserve", base, size);
	return bm_memblock_add_range(m, &m->memblock.mb.reserved, base, size, nid, flags);
}

/**
 * bm_memblock_reserve - reserve a range for firmware, the image, ...
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 *
 * Return: 0 or -BM_ENOMEM. Context: setup; traced as memblock_reserve.
 */
int bm_memblock_reserve(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	/* Before v6.16 memblock_reserve() used MAX_NUMNODES (bm_memblock_kern_tag()). */
	return bm_memblock_reserve_nid(m, base, size,
				       m->cfg.memblock_alloc_rsrv_kern ? BM_NUMA_NO_NODE :
				       BM_MAX_NUMNODES, MEMBLOCK_NONE);
}

/**
 * bm_memblock_reserve_kern - reserve a range for kernel use (RSRV_KERN; no
 *                            flag before v6.16, see bm_memblock_reserve_alloc())
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 *
 * Return: 0 or -BM_ENOMEM. Context: setup; traced as memblock_reserve.
 */
int bm_memblock_reserve_kern(struct bm_machine *m, phys_addr_t base,
			     phys_addr_t size)
{
	return bm_memblock_reserve_alloc(m, base, size, BM_NUMA_NO_NODE);
}

/**
 * bm_memblock_reserve_alloc - reserve what memblock allocated for itself
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 * @nid: the node asked for (NUMA_NO_NODE for any)
 *
 * Tagged by the era (cfg.memblock_alloc_rsrv_kern): RSRV_KERN on @nid, or
 * no flag on MAX_NUMNODES as before v6.16.
 *
 * Return: 0, -BM_ENOMEM or -BM_EINVAL. Context: setup; traced as
 * memblock_reserve.
 */
int bm_memblock_reserve_alloc(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			      int nid)
{
	enum memblock_flags flags;

	bm_memblock_kern_tag(m, &nid, &flags);
	return bm_memblock_reserve_nid(m, base, size, nid, flags);
}
