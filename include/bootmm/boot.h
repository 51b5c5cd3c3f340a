/* SPDX-License-Identifier: MIT */
/*
 * The boot timeline, deferred struct page init, and the release of reserved
 * memory under every policy the kernel has had or was proposed: memblock_free_late
 * and free_reserved_area while deferred struct pages remain.
 */
#ifndef BOOTMM_BOOT_H
#define BOOTMM_BOOT_H

#include "types.h"

struct bm_machine;

/* How releasing reserved memory behaves (config release_policy). */
enum bm_release_policy {
	/* bootmm: correct at every phase with no caller changes (default). */
	BM_POLICY_SAFE,
	/* The kernel until 2026: pages in the deferred range are skipped by
	 * memblock_free_late and never freed. */
	BM_POLICY_SKIP_UNINIT,
	/* 115d9d77bb0f: every page straight to the buddy, struct pages that
	 * deferred init then initialises again (the corruption it caused). */
	BM_POLICY_FREE_EARLY,
	/* Proposal 1: drop from memblock.reserved, deferred init frees
	 * (struct pages initialised twice). */
	BM_POLICY_UNRESERVE,
	/* Proposal 2: as proposal 1, memory flagged "memmap initialised". */
	BM_POLICY_UNRESERVE_FLAG,
	/* Proposal 3: flag the reserved range, free it at memblock_discard. */
	BM_POLICY_DISCARD,
	/* v7.1: WARN and free nothing while deferred pages remain; callers moved
	 * to arch_initcall. */
	BM_POLICY_WARN,
	BM_NR_POLICIES
};

/* free_reserved_area_policy auto: what free_reserved_area did in release_policy's era. */
#define BM_POLICY_AS_RELEASE	(-1)

const char *bm_policy_name(int policy);
/* Return: the policy, or -1 for an unknown name. */
int bm_policy_from_name(const char *name);

/* When the early releasers (EFI boot services, .smp_locks, module SMP
 * alternatives) free their memory; a simulator setting (sim/callers.c). */
enum bm_placement {
	BM_PLACEMENT_AUTO,	/* fixed for the warn policy, historical otherwise */
	BM_PLACEMENT_HISTORICAL,/* before SMP (EFI, .smp_locks) */
	BM_PLACEMENT_FIXED,	/* arch_initcall (2026) */
	BM_PLACEMENT_INITMEM,	/* .smp_locks inside __init_begin..__init_end (as Peter Zijlstra proposed) */
};

/* Which release entry point a caller used (some policies care). */
enum bm_release_api {
	BM_API_FREE_RESERVED_AREA,
	BM_API_MEMBLOCK_FREE_LATE,
};

/* One owner's release of reserved memory, aggregated by name. */
struct bm_release_rec {
	const char *name;		/* "EFI boot services", "SMP alternatives", ... */
	unsigned long pages_released;	/* pages the owner gave back */
	unsigned long pages_freed;	/* of those, pages that reached the buddy */
	unsigned long pages_pending;	/* waiting for deferred init / discard */
	int phase_released;		/* phase of the (last) release call */
	int phase_usable;		/* phase at which the last page became free, -1 none */
};

#define BM_MAX_RELEASE_RECS 32
#define BM_MAX_PENDING 512
#define BM_MAX_LEAKS 256

/* A released range whose pages reach the buddy later (policy dependent). */
struct bm_pending {
	phys_addr_t base, size;
	unsigned long npending;		/* pages of it not yet freed */
	uint16_t rec;			/* index into rel[] */
	uint8_t api;			/* enum bm_release_api */
};

/* A released range the policy will never free. */
struct bm_leak {
	bm_pfn_t spfn, epfn;
	uint16_t rec;
};

struct bm_boot_state {
	struct bm_release_rec rel[BM_MAX_RELEASE_RECS];
	unsigned int nr_rel;
	struct bm_pending pending[BM_MAX_PENDING];
	unsigned int nr_pending;
	struct bm_leak leaks[BM_MAX_LEAKS];
	unsigned int nr_leaks;
	unsigned long leaks_dropped;	/* pages of leaks past the table */
	unsigned long leaked_pages;	/* set by bm_release_finish */
	bool deferred_pages_key;	/* static key deferred_pages: on until init_late */
	unsigned long warns;		/* WARN()s taken by the warn policy */
};

/* --- deferred struct page init (deferred.c) -------------------------------- */
/*
 * page_alloc_init_late: for every node with deferred pages, initialise and
 * free them in section-sized units over cfg.threads host threads, log
 * "node N deferred pages initialised in Mms", then switch the deferred_pages
 * key off, complete pending releases and run memblock_discard.
 */
void bm_page_alloc_init_late(struct bm_machine *m);

/* --- releasing reserved memory (release.c) --------------------------------- */
/**
 * bm_free_reserved_area - give a reserved range back (the kernel's
 * free_reserved_area), under the machine's release policy
 * Return: pages released (whether freed now, later or never).
 */
unsigned long bm_free_reserved_area(struct bm_machine *m, phys_addr_t start,
				    phys_addr_t end, int poison, const char *name);
/* The same without the log line, accounted to @owner (callers logging a total). */
unsigned long bm_free_reserved_range(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
				     const char *owner);
/* memblock_free_late (older kernels): same, with that API's accounting. */
void bm_memblock_free_late(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			   const char *name);
/* The record of @name, created on first use (NULL when the table is full). */
struct bm_release_rec *bm_release_rec(struct bm_machine *m, const char *name);
/* Pages released but never freed, over every record (the leak). */
unsigned long bm_release_leaked_pages(struct bm_machine *m);

/* --- the boot timeline (boot.c) -------------------------------------------- */
/* Work scheduled at a phase; runs after the phase's own kernel work. */
struct bm_action {
	int phase;			/* enum bm_phase */
	void (*fn)(struct bm_machine *m, void *arg);
	void *arg;
	const char *name;		/* becomes m->caller while it runs */
};

/*
 * Boot @m from setup_arch (memblock populated and reserved by the caller)
 * to running: sparse_init and free_area_init, memblock_free_all and the
 * "Memory:" line, smp_init, page_alloc_init_late (deferred init), the
 * initcall levels and free_initmem, running each action at its phase in
 * the order given. Return: 0, or a negative error if the memory map could
 * not be built.
 */
int bm_boot(struct bm_machine *m, const struct bm_action *actions, unsigned int nr);

#endif /* BOOTMM_BOOT_H */
