/* SPDX-License-Identifier: MIT */
/*
 * Memory map (one struct page per page frame), nodes, zones, pageblocks and
 * the buddy allocator, with the state Linux's boot path relies on.
 *
 * Where things live, as in the kernel:
 *  - the memory map is allocated from memblock per node (sparse_init) and
 *    lives in simulated RAM; the kernel's 64 bytes per page are reserved
 *    there, of which bootmm's compact struct page uses the first 24;
 *  - pageblock migratetypes and the "struct page initialised" shadow bitmap
 *    are host instrumentation (prim->zalloc), like KASAN's shadow.
 */
#ifndef BOOTMM_MM_H
#define BOOTMM_MM_H

#include "types.h"

struct bm_machine;
struct bm_check_base;
struct bm_sink;

enum bm_zone_type {
	BM_ZONE_DMA,
	BM_ZONE_DMA32,
	BM_ZONE_NORMAL,
	BM_ZONE_MOVABLE,
	BM_NR_ZONES
};

/* The kernel's order (include/linux/mmzone.h). */
enum bm_migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

/* Bound of the per-order arrays; cfg.max_page_order must be below it. */
#define BM_MAX_ORDER_LIMIT	12
#define BM_NO_PFN		((bm_pfn_t)~0ull)
#define BM_LIST_END		0xffffffffu	/* free-list link sentinel */

/* struct page flags (bootmm's compact layout). */
#define PG_reserved		(1u << 0)
#define PG_buddy		(1u << 1)	/* head of a free buddy block (PageBuddy) */
#define PG_bm_tail_free		(1u << 2)	/* inside a free block, not its head */
#define PG_bm_scratch		(1u << 3)	/* KHO scratch memory */
#define PG_ZONE_SHIFT		24
#define PG_ZONE_MASK		(0x7u << PG_ZONE_SHIFT)
#define PG_NODE_SHIFT		16
#define PG_NODE_MASK		(0x3fu << PG_NODE_SHIFT)

/*
 * Compact struct page: 24 bytes (the kernel's is 64). Free-list links are
 * pfns (32 bits: machines up to 16 TiB), BM_LIST_END terminates.
 */
struct page {
	uint32_t flags;
	int32_t refcount;	/* _refcount */
	int32_t mapcount;	/* _mapcount, -1 when unmapped */
	uint32_t order;		/* buddy order of a free block (page->private) */
	uint32_t lru_next;
	uint32_t lru_prev;
};

struct bm_free_area {
	uint32_t head[MIGRATE_TYPES];
	unsigned long nr_free[MIGRATE_TYPES];	/* blocks of this order and type */
};

struct bm_zone {
	int nid;
	enum bm_zone_type type;
	bm_pfn_t zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;	/* atomic: deferred init runs in parallel */
	unsigned long nr_free_pages;	/* under lock */
	unsigned long nr_free_cma_pages;	/* NR_FREE_CMA_PAGES: the MIGRATE_CMA lists' pages */
	unsigned long cma_pages;
	struct bm_free_area free_area[BM_MAX_ORDER_LIMIT];
	int lock;			/* spinlock for the free lists */
};

struct bm_node {
	int nid;
	bool online;
	bm_pfn_t node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	bm_pfn_t first_deferred_pfn;	/* BM_NO_PFN if nothing deferred */
	bool deferred_pending;		/* deferred init not yet run for this node */
	/* first_deferred_pfn as free_area_init set it, kept after deferred
	 * init: memmap_init left [this, the zone's end) to deferred init,
	 * which initialises free memory only (BM_NO_PFN: nothing deferred). */
	bm_pfn_t boot_deferred_pfn;
	/* sections of deferred init done on host threads into lists of their
	 * own, spliced in order (the rest ran in their place on the caller) */
	unsigned long deferred_private_units;
	unsigned long deferred_ms;
	phys_addr_t pgdat_phys;		/* NODE_DATA, set by the arch model (0: unknown) */
	bm_pfn_t zone_movable_pfn;	/* start of ZONE_MOVABLE (movable_node), 0: none */	/* "node N deferred pages initialised in Mms" */
	struct bm_zone zones[BM_NR_ZONES];
};

struct bm_section {
	struct page *map;	/* first struct page of the section, NULL if absent */
	phys_addr_t map_phys;	/* where the kernel's 64-byte memmap of it lives */
	int16_t nid;
	bool present;
};

struct bm_mm {
	bm_pfn_t max_pfn;		/* one past the highest pfn of memory */
	int nr_node_ids;		/* highest nid + 1 */
	struct bm_node *nodes;		/* BM_MAX_NUMNODES entries, host memory */
	struct bm_section *sections;	/* max_pfn / PAGES_PER_SECTION entries */
	unsigned long nr_sections;
	uint8_t *pageblock_mt;		/* one byte per pageblock of [0, max_pfn) */
	uint64_t *init_bitmap;		/* shadow: bit set = struct page initialised */
	unsigned long totalram_pages;
	unsigned long totalcma_pages;
	bool memmap_ready;		/* sparse_init done */
	bool buddy_ready;		/* memblock_free_all done */
	bool deferred_done;		/* page_alloc_init_late done on every node */
	/* Checker counters. */
	unsigned long nr_double_inits;
	unsigned long nr_uninit_reads;
	struct bm_check_base *check_base;	/* bm_mm_check_baseline()'s, or NULL */
	unsigned long check_sections_walked;	/* by the last bm_mm_check */
	unsigned long check_sections_reused;	/* taken from the baseline by it */
	/* MAX_ORDER blocks deferred init did in one pass (deferred_block.c). */
	unsigned long deferred_blocks_one_pass;
};

/* --- memory map (memmap.c) ------------------------------------------------ */
/* Is there a memory map for @pfn (pfn_valid)? */
bool bm_pfn_valid(struct bm_machine *m, bm_pfn_t pfn);
/* The struct page of @pfn, unchecked (NULL if no memmap there). */
struct page *bm_pfn_to_page(struct bm_machine *m, bm_pfn_t pfn);
bm_pfn_t bm_page_to_pfn(struct bm_machine *m, const struct page *page);
/* Has @pfn's struct page been initialised? */
bool bm_page_initialised(struct bm_machine *m, bm_pfn_t pfn);
/*
 * Checked read: the struct page of @pfn for a reader that is about to look
 * at its content. Reading one that was never initialised is recorded as
 * BM_V_UNINIT_READ naming @pfn, @func, the phase and m->caller, and the
 * page is returned anyway, as the kernel would read garbage.
 */
struct page *bm_page_read(struct bm_machine *m, bm_pfn_t pfn, const char *func);
/* __init_single_page: zero, zone/node links, refcount 1, mapcount -1.
 * Initialising a live page again is recorded as BM_V_DOUBLE_INIT unless
 * @allow_reinit (the unreserve policy counts, rather than reports, them). */
void bm_init_single_page(struct bm_machine *m, bm_pfn_t pfn, enum bm_zone_type zone,
			 int nid, const char *func);
/* bm_init_single_page over [spfn, epfn), a section and a shadow word at a time. */
void bm_init_pages_range(struct bm_machine *m, bm_pfn_t spfn, bm_pfn_t epfn,
			 enum bm_zone_type zone, int nid, const char *func);
/* sparse_init: allocate the memory map of every present section from memblock.
 * Memory of no node gets node 0 when no region has one (dummy_numa_init);
 * otherwise, or if that memblock_set_node fails, memory without a node is
 * refused (BM_V_MISUSE, -BM_EINVAL or the set_node error, nothing changed). */
int bm_sparse_init(struct bm_machine *m);
/* The same with each node's memory map already reserved at node_memmap[nid]
 * (a replayed trace made the allocations); NULL allocates as above. */
int bm_sparse_init_at(struct bm_machine *m, const phys_addr_t *node_memmap);
enum bm_zone_type bm_page_zonenum(const struct page *page);
int bm_page_nid(const struct page *page);

/* --- nodes and zones (zone.c) ---------------------------------------------- */
/*
 * free_area_init: size nodes and zones from memblock.memory (x86-64 zone
 * boundaries from m->cfg), compute first_deferred_pfn per node, initialise
 * the early part of the memory map (every lower zone, one section of the
 * highest zone, holes) and log the kernel's "Zone ranges:", "Early memory
 * node ranges" and "On node N, zone Z: K pages in unavailable ranges".
 */
int bm_free_area_init(struct bm_machine *m);
struct bm_zone *bm_pfn_zone(struct bm_machine *m, bm_pfn_t pfn);
const char *bm_zone_name(enum bm_zone_type type);
const char *bm_migratetype_name(int mt);
int bm_pfn_nid(struct bm_machine *m, bm_pfn_t pfn);
int bm_early_pfn_to_nid(struct bm_machine *m, bm_pfn_t pfn);
/* Is @pfn at or above its memory's node's first deferred pfn (memmap not yet there)? */
bool bm_pfn_deferred(struct bm_machine *m, bm_pfn_t pfn);
bm_pfn_t bm_pfn_deferred_run_end(struct bm_machine *m, bm_pfn_t pfn, bm_pfn_t epfn);
#define bm_for_each_online_node(m, nid)						\
	for (nid = 0; nid < (m)->mm.nr_node_ids; nid++)				\
		if ((m)->mm.nodes[nid].online)

/* --- pageblocks (pageblock.c) --------------------------------------------- */
int bm_get_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn);
void bm_set_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn, int mt);

/* --- buddy allocator (buddy.c) --------------------------------------------- */
/*
 * __free_one_page: put a block of 2^order pages starting at @pfn (aligned)
 * on the free lists of its zone, merging with free buddies as the kernel
 * does (never across a zone; CMA and ISOLATE pageblocks do not merge with
 * other types at order >= pageblock_order). Buddy struct pages are read
 * through bm_page_read, so reading an uninitialised buddy is caught.
 */
void bm_free_one_page(struct bm_machine *m, bm_pfn_t pfn, unsigned int order, int mt);
/* __free_pages_core: memblock hand-off of an initialised, reserved-or-fresh
 * block: clear Reserved, refcount 0, count managed pages, free. */
void bm_free_pages_core(struct bm_machine *m, bm_pfn_t pfn, unsigned int order);
/* __free_pages: drop a reference; free at zero. */
void bm_free_pages(struct bm_machine *m, bm_pfn_t pfn, unsigned int order);
/*
 * alloc_pages: a block of 2^@order pages of @mt from the zones of @nid at or
 * below @highest_zone (falling back to other nodes if @nid has none), with
 * the kernel's fallback and stealing; refcount 1 on the head. If it fails
 * while deferred pages remain, deferred_grow_zone is tried (deferred.c).
 * Returns the pfn or BM_NO_PFN.
 */
bm_pfn_t bm_alloc_pages(struct bm_machine *m, int nid, unsigned int order,
			enum bm_zone_type highest_zone, int mt);
/* free_reserved_page: a Reserved page, initialised, back to the buddy. */
void bm_free_reserved_page(struct bm_machine *m, bm_pfn_t pfn);
unsigned long bm_nr_free_pages(struct bm_machine *m);

/* --- memblock hand-off (memblock_free_all.c) ------------------------------- */
/*
 * memblock_free_all: memmap_init_reserved_pages (initialise and mark Reserved
 * every reserved range, NOMAP as reserved, RSRV_NOINIT skipped), then hand
 * every free range below each node's first_deferred_pfn to the buddy in the
 * largest aligned orders; totalram counts every free page (deferred too, as
 * the kernel's memblock_free_all does).
 */
void bm_memblock_free_all(struct bm_machine *m);

/* --- whole-machine check and reports (mm_check.c, mm_report.c) ------------- */
/* Verify every invariant of memmap, zones, free lists and memblock agreement.
 * Returns the number of failures (each recorded as a violation). */
int bm_mm_check(struct bm_machine *m);
/* A baseline later checks may trust for what has not changed since
 * (mm_check_base.c); 0, or a negative error (nothing taken). */
int bm_mm_check_baseline(struct bm_machine *m);
void bm_mm_check_baseline_drop(struct bm_machine *m);
void bm_report_meminfo(struct bm_machine *m, struct bm_sink *out);
void bm_report_zoneinfo(struct bm_machine *m, struct bm_sink *out);
void bm_report_buddyinfo(struct bm_machine *m, struct bm_sink *out);
void bm_report_pagetypeinfo(struct bm_machine *m, struct bm_sink *out);
/* The "Memory: XK/YK available (...)" line (mem_init_print_info). */
void bm_mem_init_print_info(struct bm_machine *m);

#endif /* BOOTMM_MM_H */
