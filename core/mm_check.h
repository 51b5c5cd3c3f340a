/* SPDX-License-Identifier: MIT */
/*
 * bm_mm_check's state, shared by its two files: mm_check.c (geometry, free
 * lists, pageblocks, reports) and mm_check_walk.c (the pfn walk).
 */
#ifndef BOOTMM_CORE_MM_CHECK_H
#define BOOTMM_CORE_MM_CHECK_H

#include "internal.h"


#define CK_FUNC "bm_mm_check"

/* Failure kinds found by walking pfns, each coalesced into runs. */
enum ck_code {
	CK_UNINIT,		/* uninitialised below first_deferred_pfn */
	CK_FLAGS,		/* PG_reserved/PG_buddy/PG_bm_tail_free together */
	CK_STRAY,		/* PG_buddy or PG_bm_tail_free, in no listed block */
	CK_FREE_MARK,		/* page of a listed block without its free mark */
	CK_FREE_REF,		/* free page with refcount != 0 */
	CK_FREE_UNINIT,		/* listed block over uninitialised struct pages */
	CK_NEG_REF,		/* negative refcount */
	CK_LOST,		/* refcount 0, no flag, in no allocated block */
	CK_LINKS,		/* zone/node bits disagree with span and section */
	CK_UNMERGED,		/* two free buddies that should have merged */
	CK_NO_MEMMAP,		/* memory without a memory map */
	CK_HOLE_UNRSV,		/* hole not PG_reserved */
	CK_HOLE_FREE,		/* hole inside a free block */
	CK_RSV_FREE,		/* memblock.reserved / NOMAP page free in the buddy */
	CK_RSV_UNMARKED,	/* same, allocated or fresh: not PG_reserved */
	CK_RSV_UNINIT,		/* memblock.reserved page never initialised */
	CK_PG_RSV,		/* PG_reserved memory outside memblock.reserved */
	CK_MT_BAD,		/* invalid migratetype value */
	CK_KHO,			/* KHO scratch pageblock not CMA */
	CK_KHO_RSV,		/* same, its aligned page reserved (seed 003) */
	CK_NR
};

struct ck_run {
	bool open;
	bm_pfn_t start, end;
	uint64_t key;		/* runs extend only while the key is the same */
	uint64_t a, b;		/* sample values of the first pfn, for the text */
};

/* A section's failures, as runs, while the walk runs in parallel. */
#define CK_BUF_RUNS	32
struct ck_entry {
	enum ck_code code;
	bm_pfn_t start, end;
	uint64_t key, a, b;
};
struct ck_buf {
	unsigned int n;
	bool overflow;			/* more runs than e[] holds */
	int open[CK_NR];		/* each code's run still extendable, -1 if none */
	struct ck_entry e[CK_BUF_RUNS];
};

struct ck {
	struct bm_machine *m;
	int failures;
	bool silent;		/* a baseline's walk: count failures, report none */
	const uint8_t *skip;	/* per section: taken from the baseline, or NULL */
	bm_pfn_t max_pfn;
	uint64_t *listed;	/* bit per pfn: head of a listed free block */
	uint64_t *freemap;	/* bit per pfn: inside a listed free block */
	size_t map_bytes;
	bool rsv_check;		/* memblock.reserved still describes the map */
	struct ck_buf *buf;	/* if set, failures go there (parallel walk) */
	unsigned long mem_i, rsv_i;	/* segment cursors into memblock */
	struct ck_run run[CK_NR];
};

/* Attributes constant over [pfn, end). */
struct seg {
	bm_pfn_t end;
	int nid;		/* section's node, -1 if none */
	bool valid;		/* the section has a memory map */
	bool memory;		/* a whole page of a memblock.memory region */
	bool nomap;
	bool driver_managed;	/* hot-added memory's flag: boot leaves it to its driver */
	bool may_rsv;		/* touched by any memblock.reserved region */
	bool must_rsv;		/* touched by one neither BM_RELEASE nor RSRV_NOINIT */
	bool deferred;		/* >= first_deferred_pfn, deferred init pending */
	bool noinit;		/* touched by a RSRV_NOINIT region */
	bool left_deferred;	/* >= boot_deferred_pfn: memmap_init left it */
	const struct bm_zone *zone;	/* the node's zone spanning it */
};

/* The pfns the memory map's sections span: the bitmaps' size in bits. */
static inline bm_pfn_t ck_span(const struct bm_machine *m)
{
	return (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION;
}

/* What a check walks and the size of each of its per-pfn bitmaps. */
static inline void ck_size(struct ck *c)
{
	c->max_pfn = BM_MIN(c->m->mm.max_pfn, ck_span(c->m));
	c->map_bytes = (size_t)(ck_span(c->m) / 8);
}

static inline bool bit_test(const uint64_t *map, bm_pfn_t pfn)
{
	return (map[pfn >> 6] >> (pfn & 63)) & 1;
}

static inline void bit_set(uint64_t *map, bm_pfn_t pfn)
{
	map[pfn >> 6] |= (uint64_t)1 << (pfn & 63);
}

/* Set bits [s, e), word at a time; true if any was already set. */
static inline phys_addr_t rgn_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static inline int rgn_nid(int nid)
{
	return (nid < 0 || nid >= BM_MAX_NUMNODES) ? 0 : nid;
}

/*
 * Record a failure of @code over [pfn, pfn + n), extending its run if it
 * continues the last one with the same key (mm_check.c).
 */
void bm_mm_check_fail(struct ck *c, enum ck_code code, bm_pfn_t pfn, bm_pfn_t n, uint64_t key,
		      uint64_t a, uint64_t b);
/* Every pfn of [0, c->max_pfn) in its state (mm_check_walk.c). */
void bm_mm_check_walk_pfns(struct ck *c);
/* Walk every section on its own; @clean[s] = 1 if section s has no failure. */
void bm_mm_check_walk_clean(struct ck *c, uint8_t *clean);

/*
 * What the check depends on beyond the struct pages and the per-pfn
 * bitmaps: equal in a baseline and a later check, or nothing is reused.
 */
struct ck_global {
	bm_pfn_t max_pfn;
	unsigned long nr_sections;
	int nr_node_ids;
	unsigned int max_order, pageblock_order;
	bool rsv_check;
	struct {
		bool online, deferred_pending;
		bm_pfn_t first_deferred_pfn, boot_deferred_pfn;
		struct {
			int nid, type;
			bm_pfn_t start;
			unsigned long spanned;
		} zone[BM_NR_ZONES];
	} node[BM_MAX_NUMNODES];
};

/* A baseline (mm_check_base.c): the state a check saw, section by section. */
struct bm_check_base {
	struct ck_global g;
	uint8_t *clean;			/* per section: no failure at the baseline */
	size_t map_bytes;		/* of each bitmap below */
	uint64_t *init, *listed, *freemap;
	size_t pb_bytes;
	uint8_t *pb;			/* pageblock migratetypes */
	struct bm_section *sections;
	struct memblock_type mem, rsv;	/* copies: regions and cnt */
	bool tracking;			/* prim->track_start succeeded */
};

/* The check's own bitmaps from the free lists (mm_check.c); silent: no reports. */
void bm_mm_check_lists(struct ck *c);
/* c->skip for a check against the machine's baseline; NULL if none applies. */
uint8_t *bm_mm_check_base_plan(struct ck *c, unsigned long *reused);
void bm_mm_check_global(const struct ck *c, struct ck_global *g);

#endif /* BOOTMM_CORE_MM_CHECK_H */
