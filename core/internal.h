/* SPDX-License-Identifier: MIT */
/*
 * Shared internals of the core library. Not installed; only the core sources include it.
 */
#ifndef BOOTMM_CORE_INTERNAL_H
#define BOOTMM_CORE_INTERNAL_H

#include "bootmm/machine.h"

/* Freestanding builds still need these four (GCC's freestanding contract);
 * the core calls them only through these names so a host can see them. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

int bm_strcmp(const char *a, const char *b);

/*
 * BM_ASSERT - report a broken invariant naming the function and the values,
 * FreeBSD vm_phys.c style, then carry on as the kernel would (no abort: a
 * simulator must be able to show what happens next).
 */
#define BM_ASSERT(m, cond, fmt, ...)						\
	do {									\
		if (__builtin_expect(!(cond), 0))				\
			bm_violation((m), BM_V_INVARIANT, 0, 0, __func__,	\
				     "assertion '%s' failed: " fmt, #cond,	\
				     ##__VA_ARGS__);				\
	} while (0)

/* Report misuse of the API (bad argument, unreserved free, ...). */
#define bm_misuse(m, base, size, fmt, ...)					\
	bm_violation((m), BM_V_MISUSE, BM_PFN_DOWN(base),			\
		     BM_PFN_UP((base) + (size)), __func__, fmt, ##__VA_ARGS__)

/* Clamp @size so that base + size does not wrap (the kernel's memblock_cap_size). */
static inline phys_addr_t bm_cap_size(phys_addr_t base, phys_addr_t *size)
{
	return *size = BM_MIN(*size, BM_PHYS_ADDR_MAX - base);
}

static inline unsigned int bm_pageblock_order(const struct bm_machine *m)
{
	return m->cfg.pageblock_order;
}

static inline unsigned long bm_pageblock_nr_pages(const struct bm_machine *m)
{
	return 1ul << m->cfg.pageblock_order;
}

static inline unsigned int bm_max_order(const struct bm_machine *m)
{
	return m->cfg.max_page_order;
}

/* Zone free-list lock: a spinlock from compiler builtins (freestanding). */
static inline void bm_zone_lock(struct bm_zone *z)
{
	while (__atomic_exchange_n(&z->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&z->lock, __ATOMIC_RELAXED))
			;
}

static inline void bm_zone_unlock(struct bm_zone *z)
{
	__atomic_store_n(&z->lock, 0, __ATOMIC_RELEASE);
}

/*
 * Where a pageblock's migratetype is first set (kho.c decides MOVABLE or,
 * for KHO scratch with the seed-003 fix, CMA).
 */
enum bm_pb_init_site {
	BM_PB_INIT_EARLY,	/* memmap_init_range */
	BM_PB_INIT_DEFERRED,	/* deferred_init_pages */
	BM_PB_INIT_RESERVED,	/* reserve_bootmem_region of a deferred page */
};
void bm_init_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn,
				   enum bm_pb_init_site site);
int bm_pageblock_init_mt(struct bm_machine *m, bm_pfn_t pfn, enum bm_pb_init_site site);
bool bm_is_kho_scratch(struct bm_machine *m, bm_pfn_t pfn);
void bm_kho_release_scratch(struct bm_machine *m);
void bm_reserve_bootmem_region(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
			       int nid);

/*
 * deferred_grow_zone (deferred.c): initialise and free more of @zone's
 * deferred memory map so that an order-@order allocation can succeed.
 * Returns true if it made progress.
 */
bool bm_deferred_grow_zone(struct bm_machine *m, struct bm_zone *zone, unsigned int order);

int bm_memblock_unreserve(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
bool bm_memblock_frees_own_array(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
/*
 * memblock.memory is fixed once free_area_init has sized the nodes, zones
 * and present pages from it and initialised the memory map over it:
 * memory added, removed, re-noded or re-flagged after that would be freed
 * to the buddy without being present (managed > present), or skipped by
 * deferred init's walk of the node's free ranges (struct pages never
 * initialised), and after the hand-off would change memory under the
 * allocator (the kernel hot-adds memory through add_memory, not memblock).
 * Report @fn as misuse and tell the caller to refuse.
 */
/* Refuse a change of memory made too late: one misuse, naming @fn and @when. */
static inline bool bm_memblock_memory_refused(struct bm_machine *m, const char *fn,
					      phys_addr_t base, phys_addr_t size,
					      const char *when)
{
	m->memblock.misuse++;
	bm_violation(m, BM_V_MISUSE, BM_PFN_DOWN(base), BM_PFN_UP(base + size), fn,
		     "%s [%#llx-%#llx] after %s", fn,
		     (unsigned long long)base, (unsigned long long)(base + size - 1), when);
	return true;
}

static inline bool bm_memblock_memory_sealed(struct bm_machine *m, const char *fn,
					     phys_addr_t base, phys_addr_t size)
{
	if (!(m->steps & BM_STEP_FREE_AREA_INIT) || !size)
		return false;
	return bm_memblock_memory_refused(m, fn, base, size, m->mm.buddy_ready ?
					  "the buddy hand-off" :
					  "free_area_init sized the zones from memory");
}

/*
 * Which pages are memory, and on which node, is fixed earlier, once
 * sparse_init sized the memory map from it (the sections it marked
 * present, each with its struct pages and its node): memory added then in
 * a section without a memory map would be spanned by zones that have no
 * struct pages for it, a section left without memory keeps a memory map
 * nothing initialises, and memory re-noded is judged deferred or not by
 * its section's old node. So adding, removing and re-noding memory (not
 * its flags, which the memory map does not depend on) is misuse from
 * sparse_init on. Report @fn and tell the caller to refuse.
 */
static inline bool bm_memblock_memory_mapped(struct bm_machine *m, const char *fn,
					     phys_addr_t base, phys_addr_t size)
{
	if (!m->mm.memmap_ready || (m->steps & BM_STEP_FREE_AREA_INIT) || !size)
		return bm_memblock_memory_sealed(m, fn, base, size);
	return bm_memblock_memory_refused(m, fn, base, size,
					  "sparse_init sized the memory map from memory");
}

/* memblock_double.c: kfree of an array doubled after the buddy hand-off. */
void bm_memblock_slab_free(struct bm_machine *m, phys_addr_t phys, phys_addr_t bytes);
/* memblock_double.c: ranges doubled arrays keep out of, nested. */
bool bm_memblock_avoid_push(struct bm_machine *m, phys_addr_t base, phys_addr_t size);
void bm_memblock_avoid_pop(struct bm_machine *m);
/* memblock_double.c: memblock_double_array(); 0, or -1 with no change. */
int bm_memblock_double_array(struct bm_machine *m, struct memblock_type *type,
			     phys_addr_t new_area_start, phys_addr_t new_area_size);

/*
 * The node and flags of a reservation memblock makes for itself. Since
 * "memblock: add MEMBLOCK_RSRV_KERN flag" (v6.16) __memblock_reserve() tags
 * them RSRV_KERN on the requested node; before it memblock_reserve() put
 * every reservation on MAX_NUMNODES with no flag, so they merge.
 */
static inline void bm_memblock_kern_tag(const struct bm_machine *m, int *nid, enum memblock_flags *flags)
{
	if (m->cfg.memblock_alloc_rsrv_kern) {
		*flags = MEMBLOCK_RSRV_KERN;
	} else {
		*nid = BM_MAX_NUMNODES;
		*flags = MEMBLOCK_NONE;
	}
}

/* Is @r one of the static arrays a boot starts with (never freed)? */
static inline bool bm_memblock_is_static_array(struct bm_machine *m, const struct memblock_region *r)
{
	return r == m->memblock.memory_init || r == m->memblock.reserved_init;
}

/* machine.c: memset(p, 0, size) of simulated RAM, through the host's
 * phys_zero when it has one and the range is large. */
void bm_phys_zero(struct bm_machine *m, void *p, phys_addr_t size);

/* memblock_array.c: a type's regions as a window in its array. */
/*
 * The storage a type's window lives in, and whether the window may move
 * in it (*@movable: a doubled array of memory or reserved that regions
 * points into). A regions pointer set from outside (the kernel's test
 * suite puts a doubled type back on its static array) is taken as it is:
 * a storage of its own, window at its start. Inline: every insertion and
 * removal asks.
 */
static inline struct memblock_region *bm_memblock_array(struct bm_machine *m,
							const struct memblock_type *type,
							bool *movable)
{
	const struct bm_memblock_state *s = &m->memblock;
	struct memblock_region *buf = NULL;

	if (type == &s->mb.memory)
		buf = s->memory_array;
	else if (type == &s->mb.reserved)
		buf = s->reserved_array;
	*movable = buf && type->regions >= buf && type->regions < buf + type->max;
	return *movable ? buf : type->regions;
}
unsigned long bm_memblock_search(const struct memblock_type *type, phys_addr_t base);
struct memblock_region *bm_memblock_open_slot(struct bm_machine *m, struct memblock_type *type,
					      unsigned long idx);
void bm_memblock_close_slot(struct bm_machine *m, struct memblock_type *type, unsigned long idx);
void bm_memblock_array_move(struct memblock_type *type, struct memblock_region *to,
			    unsigned long new_max);

/* memmap.c */
bool bm_range_uninitialised(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn);

/* zone.c (kernel-doc there) */
struct bm_zone *bm_node_pfn_zone(struct bm_machine *m, int nid, bm_pfn_t pfn);
struct bm_zone *bm_node_only_zone(struct bm_machine *m, int nid, bm_pfn_t s, bm_pfn_t e);
bool bm_node_deferred(const struct bm_machine *m, bm_pfn_t pfn, int nid);
/* The node and zone bits a struct page of zone type @zone on node @nid
 * carries in its flags (the kernel's set_page_links). */
static inline uint32_t bm_page_links(unsigned int zone, int nid)
{
	return (((uint32_t)zone << PG_ZONE_SHIFT) & PG_ZONE_MASK) |
	       (((uint32_t)nid << PG_NODE_SHIFT) & PG_NODE_MASK);
}
bool bm_memory_nodes_check(struct bm_machine *m, const char *func);
bool bm_memory_boundaries_check(struct bm_machine *m, const char *func);
/* One past the last pfn that can have a memory map: every per-page walk of
 * a caller's range stops here, whatever the range says. */
static inline bm_pfn_t bm_memmap_end_pfn(const struct bm_machine *m)
{
	return (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION;
}
bool bm_range_holds_memmap(struct bm_machine *m, phys_addr_t start, phys_addr_t end);
void bm_init_pages_range_parallel(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
				  enum bm_zone_type zone, int nid, const char *func);
typedef void (*bm_range_fn)(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn, void *arg);
bool bm_sections_parallel(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
			  bm_range_fn fn, void *arg);

/* release.c */
bool bm_maxorder_block_initialised(struct bm_machine *m, bm_pfn_t pfn);
void bm_release_settle(struct bm_machine *m, bool discard_time);
void bm_release_finish(struct bm_machine *m);

/* phase.c: the boot-step state machine; each refusal is one BM_V_MISUSE. */
bool bm_machine_alive(struct bm_machine *m, const char *func);
bool bm_step_begin(struct bm_machine *m, unsigned int step);
void bm_step_done(struct bm_machine *m, unsigned int step);
bool bm_buddy_usable(struct bm_machine *m, const char *func, bm_pfn_t pfn);

/* Per-layer setup and teardown called by bm_machine_init/destroy. */
void bm_memblock_init_state(struct bm_machine *m);
int bm_mm_init_state(struct bm_machine *m);
void bm_mm_destroy_state(struct bm_machine *m);

/* buddy.c ------------------------------------------------------------------
 *
 * Free-list encoding. zone->free_area[order].head[mt] is the pfn of the first
 * free block of that order and type, BM_LIST_END if none. Blocks are chained
 * forward through page->lru_next (BM_LIST_END after the last). page->lru_prev
 * is the previous block's pfn, except in the FIRST block, whose lru_prev holds
 * the LAST block's pfn (itself if alone): the kernel's circular list without
 * its sentinel, so that adding at the tail (FPI_TO_TAIL, buddy_merge_likely)
 * is O(1). Walk with bm_zone_for_each_free_block rather than by hand.
 *
 * State of a free block of 2^order pages at pfn (aligned): the head has
 * PG_buddy, page->order == order, refcount 0; every other page has
 * PG_bm_tail_free. The block lies in one zone and sits on the list of its
 * pageblock's migratetype: for order < pageblock_order the head's pageblock,
 * for larger blocks every pageblock it covers has that type (buddy.c keeps it
 * so; code that changes the migratetype of a pageblock holding free pages
 * must use bm_move_freepages_block). nr_free[mt] counts the blocks of each
 * list; zone->nr_free_pages counts every page on every list, ISOLATE
 * included (the kernel's NR_FREE_PAGES leaves isolated pages out).
 * Only empty zones (spanned_pages == 0) may hold uninitialised heads.
 */

/*
 * A free head's page->mapcount records the list it is on, as the kernel's
 * page_type overlays _mapcount for PageBuddy pages: BM_BUDDY_MAPCOUNT(mt).
 * It is -1 again once the block leaves the list. This lets a block be
 * unlinked correctly even when a caller passes the wrong migratetype (a
 * pageblock retyped under free pages), which is reported, not fatal.
 */
#define BM_BUDDY_MAPCOUNT(mt)	(-128 - (int32_t)(mt))
static inline int bm_buddy_list_mt(const struct page *page)
{
	int mt = -128 - page->mapcount;

	return (mt >= 0 && mt < MIGRATE_TYPES) ? mt : -1;
}

/* Is @pfn the head of a free buddy block? Checker-safe: an uninitialised or
 * absent struct page is not read and answers false. Context: any. */
bool bm_page_is_buddy(struct bm_machine *m, bm_pfn_t pfn);

/* The head of the free block containing @pfn (its order in *@order), or
 * BM_NO_PFN if @pfn is not free. Checker-safe like bm_page_is_buddy. Callers
 * wanting a stable answer hold the zone lock. */
bm_pfn_t bm_pfn_free_block(struct bm_machine *m, bm_pfn_t pfn, unsigned int *order);

/*
 * Link the block at @pfn on @zone's list (@order, @mt), at the head or, with
 * @to_tail, at the tail; set PG_buddy and page->order on the head and clear
 * its PG_bm_tail_free; count it. The other pages of the block are not touched:
 * the caller has marked them PG_bm_tail_free. Context: zone lock held.
 */
void bm_buddy_add_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       unsigned int order, int mt, bool to_tail);
/*
 * Unlink the free block at @pfn from list (@order, @mt), clear PG_buddy and
 * page->order of its head, uncount it. The other pages keep PG_bm_tail_free
 * until the caller gives them a new state. @mt is the list the caller
 * believes the block is on; if the head's record says otherwise the mismatch
 * is recorded as BM_V_MIGRATETYPE (the kernel's VM_WARN in
 * __del_page_from_free_list) and the block leaves the list it is really on.
 * Context: zone lock held.
 */
void bm_buddy_del_free(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		       unsigned int order, int mt);

/*
 * Called for each free block; return false to stop the walk.
 */
typedef bool (*bm_free_block_fn)(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
				 unsigned int order, int mt, void *arg);
/*
 * Walk every free list of @zone, orders ascending, migratetypes ascending,
 * each list from its head. The walk itself checks the encoding: every link is
 * a valid pfn, lru_prev matches, the first block's lru_prev is the last one,
 * and no list is longer than its nr_free count (so a cycle ends the walk).
 * Return: the number of blocks visited, or -1 if a list is broken (recorded
 * as BM_V_INVARIANT naming the zone, order, type and pfn). An empty zone
 * (spanned_pages == 0) has nothing to walk. Context: zone lock held, or no
 * concurrent user of the zone.
 */
long bm_zone_for_each_free_block(struct bm_machine *m, struct bm_zone *zone,
				 bm_free_block_fn fn, void *arg);

/* __free_one_page with the zone lock held; FPI_* from below. */
#define BM_FPI_NONE	0u
#define BM_FPI_TO_TAIL	1u	/* the kernel's FPI_TO_TAIL: __free_pages_core */
void bm_free_one_page_locked(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			     unsigned int order, int mt, unsigned int fpi);
/* split_large_buddy: free a block of any order in pageblock-sized pieces,
 * each with its own pageblock's migratetype. Context: zone lock held. */
void bm_split_large_buddy(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
			  unsigned int order, unsigned int fpi);

/* A freeing walk a section per host thread (sections_apart.c). */
struct bm_apart_ops {
	struct bm_zone *(*apart)(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, void *arg);
	void (*work)(struct bm_machine *m, bm_pfn_t s, bm_pfn_t e, struct bm_zone *lists,
		     void *arg);
};
bool bm_sections_apart(struct bm_machine *m, bm_pfn_t start, bm_pfn_t end, unsigned int threads,
		       const struct bm_apart_ops *ops, void *arg, unsigned long *nr_apart);

/* Private free lists for bm_sections_apart (buddy.c; see the kernel-doc there). */
void bm_buddy_private_init(struct bm_zone *lists, const struct bm_zone *zone);
void bm_free_pages_core_private(struct bm_machine *m, struct bm_zone *lists, bm_pfn_t pfn,
				unsigned int order);
/* deferred_block.c (kernel-doc there) */
bool bm_deferred_init_free_block(struct bm_machine *m, struct bm_zone *zone,
				 struct bm_zone *lists, bm_pfn_t pfn);
void bm_buddy_splice(struct bm_machine *m, struct bm_zone *zone, struct bm_zone *lists);

/* pageblock.c: change @pfn's pageblock to @mt and move its free pages to the
 * @mt lists (move_freepages_block; a pageblock inside a larger free block is
 * split out first, as move_freepages_block_isolate does). Return: pages
 * moved. Context: takes the zone lock; the pageblock must lie in one zone. */
unsigned long bm_move_freepages_block(struct bm_machine *m, bm_pfn_t pfn, int mt);
/* pageblock.c, zone lock held: change_pageblock_range (every pageblock a
 * block covers), prep_move_freepages_block (pageblock inside @zone? its free
 * pages) and __move_freepages_block (its free blocks to @new_mt, then the
 * type). Kernel-doc in pageblock.c. */
void bm_change_pageblock_range(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt);
bool bm_prep_move_freepages_block(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
				  bm_pfn_t *start_pfn, unsigned long *nr_free);
unsigned long bm_move_freepages_block_locked(struct bm_machine *m, struct bm_zone *zone,
					     bm_pfn_t start, int old_mt, int new_mt);

/* Allocation, zone lock held (buddy.c): expand() puts the upper halves of a
 * block split from order @high down to @low on the @mt lists;
 * __rmqueue_smallest takes the first block of the smallest order >= @order
 * on list @mt (split to @order). pageblock.c: __rmqueue_fallback, with the
 * alloc flags below. Each returns the head pfn or BM_NO_PFN. */
#define BM_ALLOC_CMA		0x1u	/* movable request: CMA pageblocks allowed */
#define BM_ALLOC_NOFRAGMENT	0x2u	/* first pass: no stealing below pageblock_order */
void bm_buddy_expand(struct bm_machine *m, struct bm_zone *zone, bm_pfn_t pfn,
		     unsigned int low, unsigned int high, int mt);
bm_pfn_t bm_rmqueue_smallest(struct bm_machine *m, struct bm_zone *zone,
			     unsigned int order, int mt);
bm_pfn_t bm_rmqueue_fallback(struct bm_machine *m, struct bm_zone *zone, unsigned int order,
			     int start_mt, unsigned int alloc_flags);

#endif /* BOOTMM_CORE_INTERNAL_H */
