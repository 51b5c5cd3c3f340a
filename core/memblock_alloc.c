// SPDX-License-Identifier: MIT
/*
 * memblock allocation: finding free space (memory minus reserved) top-down
 * or bottom-up, the node and MIRROR fallbacks, reserving the result with
 * RSRV_KERN, and handing out pointers into the simulated RAM. Also the
 * allocation policy knobs and memblock_discard().
 */
#include "internal.h"

/* The kernel's round_up/round_down, exact even for a bad @a. */
static phys_addr_t k_round_up(phys_addr_t x, phys_addr_t a)
{
	return ((x - 1) | (a - 1)) + 1;
}

static phys_addr_t k_round_down(phys_addr_t x, phys_addr_t a)
{
	return x & ~(a - 1);
}

static phys_addr_t k_clamp(phys_addr_t x, phys_addr_t lo, phys_addr_t hi)
{
	return BM_MIN(BM_MAX(x, lo), hi);
}

static phys_addr_t find_bottom_up(struct bm_machine *m, phys_addr_t start,
				  phys_addr_t end, phys_addr_t size,
				  phys_addr_t align, int nid,
				  enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	uint64_t i;

	bm_for_each_free_mem_range(m, i, nid, flags, &this_start, &this_end, NULL) {
		this_start = k_clamp(this_start, start, end);
		this_end = k_clamp(this_end, start, end);
		cand = k_round_up(this_start, align);
		/* Rounding up a start near the top wraps to 0 (a bug the kernel
		 * shares in theory): that is no candidate. */
		if (cand < this_start)
			continue;
		if (cand < this_end && this_end - cand >= size)
			return cand;
	}
	return 0;
}

static phys_addr_t find_top_down(struct bm_machine *m, phys_addr_t start,
				 phys_addr_t end, phys_addr_t size,
				 phys_addr_t align, int nid,
				 enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	uint64_t i;

	bm_for_each_free_mem_range_reverse(m, i, nid, flags, &this_start, &this_end, NULL) {
		this_start = k_clamp(this_start, start, end);
		this_end = k_clamp(this_end, start, end);
		if (this_end < size)
			continue;
		cand = k_round_down(this_end - size, align);
		if (cand >= this_start)
			return cand;
	}
	return 0;
}

/**
 * bm_memblock_find_in_range_node - find free space, reserving nothing
 * @m: machine
 * @size: bytes wanted
 * @align: alignment, a power of two
 * @start: lowest acceptable address (raised to PAGE_SIZE: the first page is
 *         never handed out)
 * @end: one past the highest; MEMBLOCK_ALLOC_ACCESSIBLE (or NOLEAKTRACE)
 *       means memblock.current_limit
 * @nid: node, or NUMA_NO_NODE for any
 * @flags: MIRROR / KHO_SCRATCH / NOMAP / ... as the free-range iterator reads them
 *
 * Top-down (highest fit, round_down(end - size, align)) unless bottom-up
 * was set. An @align that is 0 or not a power of two is refused as misuse:
 * round_down/round_up with it would hand out misaligned or wrong ranges.
 *
 * Return: the address, 0 if nothing fits or the call is refused.
 * Context: setup.
 */
phys_addr_t bm_memblock_find_in_range_node(struct bm_machine *m, phys_addr_t size,
					   phys_addr_t align, phys_addr_t start,
					   phys_addr_t end, int nid,
					   enum memblock_flags flags)
{
	if (!align || (align & (align - 1))) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, "memblock_find_in_range_node",
			     "align %#llx is not a power of two: refused", (unsigned long long)align);
		return 0;
	}
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = m->memblock.mb.current_limit;
	start = BM_MAX(start, BM_PAGE_SIZE);
	end = BM_MAX(start, end);
	if (m->memblock.mb.bottom_up)
		return find_bottom_up(m, start, end, size, align, nid, flags);
	return find_top_down(m, start, end, size, align, nid, flags);
}

static void warn_no_mirror(struct bm_machine *m, phys_addr_t size)
{
	bm_log(m, BM_LOG_WARN, "Could not allocate 0x%016llx bytes of mirrored memory",
	       (unsigned long long)size);
}

/**
 * bm_memblock_find_in_range - find free space on any node
 * @m: machine
 * @start: lowest acceptable address
 * @end: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 * @size: bytes wanted
 * @align: alignment
 *
 * Uses the boot's flags (bm_memblock_choose_flags()); if mirrored memory
 * cannot hold it, warns as the kernel does and retries without MIRROR.
 *
 * Return: the address, 0 if nothing fits. Context: setup.
 */
phys_addr_t bm_memblock_find_in_range(struct bm_machine *m, phys_addr_t start,
				      phys_addr_t end, phys_addr_t size,
				      phys_addr_t align)
{
	enum memblock_flags flags = bm_memblock_choose_flags(m);
	phys_addr_t ret;

again:
	ret = bm_memblock_find_in_range_node(m, size, align, start, end,
					     BM_NUMA_NO_NODE, flags);
	if (!ret && (flags & MEMBLOCK_MIRROR)) {
		warn_no_mirror(m, size);
		flags &= ~MEMBLOCK_MIRROR;
		goto again;
	}
	return ret;
}

/* Reserve an allocation's result, traced as the kernel's caller names it. */
static int reserve_found(struct bm_machine *m, phys_addr_t found, phys_addr_t size,
			 int nid)
{
	const char *saved = m->caller;
	int ret;

	m->caller = "memblock_alloc_range_nid";
	ret = bm_memblock_reserve_alloc(m, found, size, nid);
	m->caller = saved;
	return ret;
}

/**
 * bm_memblock_alloc_range_nid - allocate and reserve physical memory
 * @m: machine
 * @size: bytes
 * @align: alignment; 0 warns (the kernel dumps the stack) and uses
 *         SMP_CACHE_BYTES; not a power of two is refused as misuse
 * @start: lowest acceptable address
 * @end: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 * @nid: preferred node, or NUMA_NO_NODE
 * @exact_nid: do not fall back to other nodes
 *
 * Tries @nid, then any node unless @exact_nid, then, if the boot asked
 * for mirrored memory, the same without MIRROR (with the kernel's
 * warning). The result is reserved with MEMBLOCK_RSRV_KERN, on @nid the
 * first time and on no node in the fallback, as the kernel does since
 * v6.16; with cfg.memblock_alloc_rsrv_kern false, with no flag on
 * MAX_NUMNODES, as 6.15 and older kernels do.
 * In a KHO boot before memblock_free_all only scratch memory is used.
 *
 * Return: the physical address, 0 on failure. Context: setup; after slab
 * is up the kernel would use kzalloc: bootmm warns and still uses memblock,
 * and after the buddy hand-off it refuses (misuse: the memory is the
 * page allocator's).
 */
phys_addr_t bm_memblock_alloc_range_nid(struct bm_machine *m, phys_addr_t size,
					phys_addr_t align, phys_addr_t start,
					phys_addr_t end, int nid, bool exact_nid)
{
	enum memblock_flags flags = bm_memblock_choose_flags(m);
	phys_addr_t found;

	/* The free ranges are the buddy allocator's now: refuse, as misuse. */
	if (m->mm.buddy_ready) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "memblock allocation of %#llx bytes after the buddy hand-off",
			     (unsigned long long)size);
		return 0;
	}
	if (m->phase > BM_PHASE_MM_CORE_INIT)
		bm_violation(m, BM_V_WARN, 0, 0, __func__,
			     "memblock allocation of %#llx bytes after slab is up",
			     (unsigned long long)size);
	if (nid < BM_NUMA_NO_NODE || nid > BM_MAX_NUMNODES) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "nid %d out of range, using NUMA_NO_NODE", nid);
		nid = BM_NUMA_NO_NODE;
	}
	if (!align) {
		bm_violation(m, BM_V_WARN, 0, 0, __func__,
			     "align 0 for %#llx bytes, using SMP_CACHE_BYTES",
			     (unsigned long long)size);
		align = BM_SMP_CACHE_BYTES;
	} else if (align & (align - 1)) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__,
			     "align %#llx is not a power of two: refused", (unsigned long long)align);
		return 0;
	}

again:
	found = bm_memblock_find_in_range_node(m, size, align, start, end, nid, flags);
	if (found && !reserve_found(m, found, size, nid))
		return found;

	if (bm_numa_valid_node(nid) && !exact_nid) {
		found = bm_memblock_find_in_range_node(m, size, align, start, end,
						       BM_NUMA_NO_NODE, flags);
		if (found && !reserve_found(m, found, size, BM_NUMA_NO_NODE))
			return found;
	}

	if (flags & MEMBLOCK_MIRROR) {
		flags &= ~MEMBLOCK_MIRROR;
		warn_no_mirror(m, size);
		goto again;
	}
	return 0;
}

/**
 * bm_memblock_phys_alloc_range - allocate physical memory inside a window
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @start: lowest acceptable address
 * @end: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 *
 * Return: the physical address, 0 on failure. Context: setup; traced as
 * memblock_phys_alloc_range.
 */
phys_addr_t bm_memblock_phys_alloc_range(struct bm_machine *m, phys_addr_t size,
					 phys_addr_t align, phys_addr_t start,
					 phys_addr_t end)
{
	if (m->cfg.memblock_debug)
		bm_log(m, BM_LOG_DEBUG,
		       "memblock_phys_alloc_range: %llu bytes align=0x%llx from=0x%016llx max_addr=0x%016llx %s",
		       (unsigned long long)size, (unsigned long long)align,
		       (unsigned long long)start, (unsigned long long)end,
		       m->caller ? m->caller : "?");
	return bm_memblock_alloc_range_nid(m, size, align, start, end, BM_NUMA_NO_NODE, false);
}

/**
 * bm_memblock_phys_alloc_try_nid - allocate physical memory, preferring a node
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @nid: preferred node, or NUMA_NO_NODE
 *
 * Return: the physical address, 0 on failure. Context: setup; not traced
 * (the kernel does not either).
 */
phys_addr_t bm_memblock_phys_alloc_try_nid(struct bm_machine *m, phys_addr_t size,
					   phys_addr_t align, int nid)
{
	return bm_memblock_alloc_range_nid(m, size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE,
					   nid, false);
}

/**
 * bm_memblock_phys_alloc - allocate physical memory below current_limit
 * @m: machine
 * @size: bytes
 * @align: alignment
 *
 * Return: the physical address, 0 on failure. Context: setup; traced as
 * memblock_phys_alloc_range.
 */
phys_addr_t bm_memblock_phys_alloc(struct bm_machine *m, phys_addr_t size,
				   phys_addr_t align)
{
	return bm_memblock_phys_alloc_range(m, size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}

/*
 * memblock_alloc_internal(): cap @max_addr at current_limit, and if the
 * range above @min_addr cannot hold it, try again from 0. The result must
 * lie in simulated RAM; if the machine does not back it the reservation is
 * undone and the misuse reported (the kernel would hand out a pointer
 * into nothing).
 */
static void *alloc_internal(struct bm_machine *m, phys_addr_t size, phys_addr_t align,
			    phys_addr_t min_addr, phys_addr_t max_addr, int nid,
			    bool exact_nid)
{
	phys_addr_t alloc;
	void *p;

	if (max_addr > m->memblock.mb.current_limit)
		max_addr = m->memblock.mb.current_limit;
	alloc = bm_memblock_alloc_range_nid(m, size, align, min_addr, max_addr, nid, exact_nid);
	if (!alloc && min_addr)
		alloc = bm_memblock_alloc_range_nid(m, size, align, 0, max_addr, nid, exact_nid);
	if (!alloc)
		return NULL;

	p = bm_phys_to_virt(m, alloc);
	if (!p || (size && !bm_phys_to_virt(m, alloc + size - 1))) {
		m->memblock.misuse++;
		bm_misuse(m, alloc, size, "allocation [%#llx +%#llx] is not in simulated RAM",
			  (unsigned long long)alloc, (unsigned long long)size);
		bm_memblock_remove_range(m, &m->memblock.mb.reserved, alloc, size);
		return NULL;
	}
	return p;
}

static void trace_alloc(struct bm_machine *m, const char *fn, phys_addr_t size,
			phys_addr_t align, int nid, phys_addr_t min_addr,
			phys_addr_t max_addr)
{
	if (!m->cfg.memblock_debug)
		return;
	bm_log(m, BM_LOG_DEBUG,
	       "%s: %llu bytes align=0x%llx nid=%d from=0x%016llx max_addr=0x%016llx %s",
	       fn, (unsigned long long)size, (unsigned long long)align, nid,
	       (unsigned long long)min_addr, (unsigned long long)max_addr,
	       m->caller ? m->caller : "?");
}

/**
 * bm_memblock_alloc_exact_nid_raw - allocate on exactly one node, not zeroed
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @min_addr: preferred lowest address (dropped if nothing fits above it)
 * @max_addr: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 * @nid: the node (NUMA_NO_NODE: any)
 *
 * Return: pointer into simulated RAM, NULL on failure. Context: setup;
 * traced as memblock_alloc_exact_nid_raw.
 */
void *bm_memblock_alloc_exact_nid_raw(struct bm_machine *m, phys_addr_t size,
				      phys_addr_t align, phys_addr_t min_addr,
				      phys_addr_t max_addr, int nid)
{
	trace_alloc(m, "memblock_alloc_exact_nid_raw", size, align, nid, min_addr, max_addr);
	return alloc_internal(m, size, align, min_addr, max_addr, nid, true);
}

/**
 * bm_memblock_alloc_try_nid_raw - allocate preferring a node, not zeroed
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @min_addr: preferred lowest address (dropped if nothing fits above it)
 * @max_addr: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 * @nid: preferred node, or NUMA_NO_NODE
 *
 * Return: pointer into simulated RAM, NULL on failure. Context: setup;
 * traced as memblock_alloc_try_nid_raw.
 */
void *bm_memblock_alloc_try_nid_raw(struct bm_machine *m, phys_addr_t size,
				    phys_addr_t align, phys_addr_t min_addr,
				    phys_addr_t max_addr, int nid)
{
	trace_alloc(m, "memblock_alloc_try_nid_raw", size, align, nid, min_addr, max_addr);
	return alloc_internal(m, size, align, min_addr, max_addr, nid, false);
}

/**
 * bm_memblock_alloc_try_nid - allocate zeroed memory preferring a node
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @min_addr: preferred lowest address (dropped if nothing fits above it)
 * @max_addr: one past the highest, or MEMBLOCK_ALLOC_ACCESSIBLE
 * @nid: preferred node, or NUMA_NO_NODE
 *
 * Return: pointer into simulated RAM, zeroed, NULL on failure.
 * Context: setup; traced as memblock_alloc_try_nid.
 */
void *bm_memblock_alloc_try_nid(struct bm_machine *m, phys_addr_t size,
				phys_addr_t align, phys_addr_t min_addr,
				phys_addr_t max_addr, int nid)
{
	void *p;

	trace_alloc(m, "memblock_alloc_try_nid", size, align, nid, min_addr, max_addr);
	p = alloc_internal(m, size, align, min_addr, max_addr, nid, false);
	if (p)
		bm_phys_zero(m, p, size);
	return p;
}

/**
 * bm_memblock_alloc - allocate zeroed memory anywhere below current_limit
 * @m: machine
 * @size: bytes
 * @align: alignment
 *
 * Return: pointer, NULL on failure. Context: setup; traced as
 * memblock_alloc_try_nid (memblock_alloc is an inline in the kernel).
 */
void *bm_memblock_alloc(struct bm_machine *m, phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc_try_nid(m, size, align, MEMBLOCK_LOW_LIMIT,
					 MEMBLOCK_ALLOC_ACCESSIBLE, BM_NUMA_NO_NODE);
}

/**
 * bm_memblock_alloc_raw - allocate memory anywhere, not zeroed
 * @m: machine
 * @size: bytes
 * @align: alignment
 *
 * Return: pointer, NULL on failure. Context: setup.
 */
void *bm_memblock_alloc_raw(struct bm_machine *m, phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc_try_nid_raw(m, size, align, MEMBLOCK_LOW_LIMIT,
					     MEMBLOCK_ALLOC_ACCESSIBLE, BM_NUMA_NO_NODE);
}

/**
 * bm_memblock_alloc_from - allocate zeroed memory, preferably above an address
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @min_addr: preferred lowest address
 *
 * Return: pointer, NULL on failure. Context: setup.
 */
void *bm_memblock_alloc_from(struct bm_machine *m, phys_addr_t size,
			     phys_addr_t align, phys_addr_t min_addr)
{
	return bm_memblock_alloc_try_nid(m, size, align, min_addr,
					 MEMBLOCK_ALLOC_ACCESSIBLE, BM_NUMA_NO_NODE);
}

/**
 * bm_memblock_alloc_low - allocate zeroed memory below 4 GiB
 * @m: machine
 * @size: bytes
 * @align: alignment
 *
 * Return: pointer, NULL on failure. Context: setup.
 */
void *bm_memblock_alloc_low(struct bm_machine *m, phys_addr_t size, phys_addr_t align)
{
	return bm_memblock_alloc_try_nid(m, size, align, MEMBLOCK_LOW_LIMIT,
					 BM_ARCH_LOW_ADDRESS_LIMIT, BM_NUMA_NO_NODE);
}

/**
 * bm_memblock_alloc_node - allocate zeroed memory preferring a node
 * @m: machine
 * @size: bytes
 * @align: alignment
 * @nid: preferred node
 *
 * Return: pointer, NULL on failure. Context: setup.
 */
void *bm_memblock_alloc_node(struct bm_machine *m, phys_addr_t size,
			     phys_addr_t align, int nid)
{
	return bm_memblock_alloc_try_nid(m, size, align, MEMBLOCK_LOW_LIMIT,
					 MEMBLOCK_ALLOC_ACCESSIBLE, nid);
}

/**
 * bm_memblock_allow_resize - arrays may double from now on
 * @m: machine
 *
 * Context: setup, once reservations are known.
 */
void bm_memblock_allow_resize(struct bm_machine *m)
{
	m->memblock.can_resize = true;
}

/**
 * bm_memblock_bottom_up - allocation direction
 * @m: machine
 *
 * Return: true if bottom-up. Context: any.
 */
bool bm_memblock_bottom_up(struct bm_machine *m)
{
	return m->memblock.mb.bottom_up;
}

/**
 * bm_memblock_set_bottom_up - set allocation direction
 * @m: machine
 * @enable: bottom-up if true
 *
 * Context: setup.
 */
void bm_memblock_set_bottom_up(struct bm_machine *m, bool enable)
{
	m->memblock.mb.bottom_up = enable;
}

/**
 * bm_memblock_set_current_limit - cap MEMBLOCK_ALLOC_ACCESSIBLE
 * @m: machine
 * @limit: physical address
 *
 * Context: setup.
 */
void bm_memblock_set_current_limit(struct bm_machine *m, phys_addr_t limit)
{
	m->memblock.mb.current_limit = limit;
}

/**
 * bm_memblock_get_current_limit - the allocation limit
 * @m: machine
 *
 * Return: memblock.current_limit. Context: any.
 */
phys_addr_t bm_memblock_get_current_limit(struct bm_machine *m)
{
	return m->memblock.mb.current_limit;
}

/**
 * bm_memblock_has_mirror - was any memory marked MIRROR
 * @m: machine
 *
 * Return: system_has_some_mirror. Context: any.
 */
bool bm_memblock_has_mirror(struct bm_machine *m)
{
	return m->memblock.has_some_mirror;
}

/**
 * bm_memblock_choose_flags - flags every allocation starts with
 * @m: machine
 *
 * Return: MEMBLOCK_KHO_SCRATCH during a KHO boot until memblock_free_all
 * (phase <= free_area_init), else MEMBLOCK_MIRROR if some memory is
 * mirrored, else MEMBLOCK_NONE. Context: any.
 */
enum memblock_flags bm_memblock_choose_flags(struct bm_machine *m)
{
	if (m->cfg.kho && m->phase <= BM_PHASE_FREE_AREA_INIT)
		return MEMBLOCK_KHO_SCRATCH;
	return m->memblock.has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

/**
 * bm_memblock_discard - release doubled arrays at the end of boot
 * @m: machine
 *
 * Without ARCH_KEEP_MEMBLOCK the kernel frees non-static arrays with
 * memblock_free_late() (straight to the buddy, memblock.reserved untouched)
 * and stops honouring node and flag filters on memory iteration (its
 * memblock_memory pointer is cleared). bootmm records the arrays in
 * discard_free[] for the memory-map layer. With keep, nothing changes but
 * the discarded mark.
 *
 * Context: page_alloc_init_late.
 */
/*
 * A doubled array goes back with kfree if it came from the slab, else with
 * memblock_free_late (left to the memory-map layer through discard_free[]).
 */
static void discard_array(struct bm_machine *m, struct memblock_type *type,
			  struct memblock_region *static_array, phys_addr_t phys, bool in_slab)
{
	struct bm_memblock_state *s = &m->memblock;
	phys_addr_t size = BM_ALIGN_UP(sizeof(struct memblock_region) * type->max, BM_PAGE_SIZE);

	if (type->regions == static_array)
		return;
	if (in_slab) {
		bm_memblock_slab_free(m, phys, size);
		return;
	}
	s->discard_free[s->nr_discard_free].base = phys;
	s->discard_free[s->nr_discard_free++].size = size;
}

void bm_memblock_discard(struct bm_machine *m)
{
	struct bm_memblock_state *s = &m->memblock;

	s->discarded = true;
	if (s->keep)
		return;
	s->nr_discard_free = 0;
	discard_array(m, &s->mb.reserved, s->reserved_init, s->reserved_array_phys,
		      s->reserved_in_slab);
	discard_array(m, &s->mb.memory, s->memory_init, s->memory_array_phys,
		      s->memory_in_slab);
}
