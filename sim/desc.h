/* SPDX-License-Identifier: MIT */
/*
 * Machine descriptions from real boot logs, and the real kernel as an
 * oracle (docs/REPLAY.md).
 *
 *  - bm_desc_from_log() turns any parsed log into a struct bm_machine_desc
 *    whose setup_arch either replays the kernel's own memblock=debug trace
 *    through bootmm's memblock (comparing every allocation's placement with
 *    the kernel's) or, without a trace, runs the x86 model: e820 ->
 *    memblock, NUMA nodes, and the reservations and early allocations a
 *    6.1 x86-64 kernel makes.
 *  - bm_oracle_compare() lines a finished bm_sim_boot() run up against
 *    everything the kernel printed about memory, row by row.
 */
#ifndef BOOTMM_SIM_DESC_H
#define BOOTMM_SIM_DESC_H

#include <stdio.h>

#include "sim/sim.h"
#include "host/bootlog.h"

/* ------------------------------------------------------------ descriptions */

/* bm_desc_from_log_opts() flags. */
#define BM_DESC_IGNORE_TRACE	0x1	/* use the x86 model even if a trace is there */

/* One allocation the kernel made, placed again by bootmm. */
struct bm_alloc_cmp {
	unsigned idx;			/* 0-based among compared allocations */
	unsigned line;			/* log line of the allocation (or its reserve) */
	const char *fn;			/* memblock_alloc_try_nid, ... (log-owned) */
	const char *caller;		/* the kernel's caller (log-owned) */
	uint64_t size, align;
	int nid;
	phys_addr_t from, max_addr;
	phys_addr_t kernel_addr;	/* where the kernel put it */
	phys_addr_t bootmm_addr;	/* where bootmm put it (0: failed) */
	bool match;
};

/* An inferred kernel call applied where the trace is silent. */
struct bm_inferred_call {
	size_t event_index;		/* applied before trace event @event_index */
	char what[96];			/* "memblock_set_current_limit(0x100000)" */
};

#define BM_MAX_INFERRED	16

/*
 * What setup_arch did: filled by the replay (trace) or the x86 model, reset
 * at every boot of the description. For the model, allocations are those
 * of the model, compared with the trace's when the log has one that was
 * ignored (BM_DESC_IGNORE_TRACE), else kernel_addr is 0 and match false.
 */
struct bm_replay_stats {
	bool replayed;			/* true: trace replay; false: x86 model */
	int dump_used;			/* index of the MEMBLOCK dump started from, -1 */
	size_t events_total;		/* trace events in the log */
	size_t events_replayed;		/* events applied (from the dump to Memory:) */
	size_t events_after_memory;	/* events after the Memory: line, not replayed */
	size_t n_allocs, n_match;	/* allocations compared, placed identically */
	size_t n_uncompared;		/* allocator reserves replayed as reserves */
	size_t n_free_late;		/* memblock_free_late lines left to their caller */
	struct bm_alloc_cmp *allocs;	/* n_allocs entries (malloc'ed) */
	size_t cap_allocs;
	struct bm_inferred_call inferred[BM_MAX_INFERRED];
	unsigned n_inferred;
	/* State checks against later MEMBLOCK dumps (memory regions with their
	 * nodes, and the bytes reserved): dumps checked and dumps that agreed. */
	unsigned dumps_checked, dumps_matched;
	char dump_note[160];		/* first disagreement, "" if none */
	phys_addr_t node_memmap[BM_MAX_NUMNODES];	/* 0: none */
	/* Each node's first_deferred_pfn as free_area_init set it (deferred init
	 * clears it later); BM_NO_PFN: nothing deferred or no such node. */
	bm_pfn_t first_deferred_pfn[BM_MAX_NUMNODES];
	int error;			/* 0, or the first negative error */
	char error_msg[160];
};

/**
 * bm_desc_from_log - build a machine description from a parsed boot log
 * @log: the parsed log; it must outlive @d (the description points into it)
 * @cfg_in: base configuration (NULL: bm_sim_config_default()); its release policy
 *          and thread count are kept
 * @d: filled; release with bm_desc_free()
 * @cfg_out: the configuration the logged kernel had (deferred struct page
 *           init, 6.1 "Memory:" timing, image sizes from the Memory: line,
 *           placements of the EFI and .smp_locks callers as the log shows them)
 * @err: on failure, the file and the reason
 *
 * Return: 0, or -1 with @err filled (no firmware map, unusable trace, ...).
 */
int bm_desc_from_log(const struct bm_bootlog *log, const struct bm_sim_config *cfg_in,
		     struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
		     struct bm_parse_error *err);
/* The same with BM_DESC_* @flags. */
int bm_desc_from_log_opts(const struct bm_bootlog *log, const struct bm_sim_config *cfg_in,
			  unsigned flags, struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
			  struct bm_parse_error *err);
/* Release what bm_desc_from_log() allocated; @d is zeroed. */
void bm_desc_free(struct bm_machine_desc *d);
/* The replay/model record of the last boot of @d (NULL if @d is not from a log). */
const struct bm_replay_stats *bm_desc_replay_stats(const struct bm_machine_desc *d);

/* ------------------------------------------------------------------ oracle */

enum bm_oracle_verdict {
	BM_ORACLE_MATCH,	/* equal */
	BM_ORACLE_TOLERATED,	/* differs exactly by a documented unmodelled kernel action */
	BM_ORACLE_MISMATCH,
	BM_ORACLE_INFO,		/* reported, not required (buddyinfo, bootmm-only facts,
				 * rows this kernel does not print) */
	BM_ORACLE_UNPREDICTABLE,	/* cannot be predicted from this log: the note
					 * names the line that would be needed */
};

struct bm_oracle_row {
	char item[64];
	char kernel[96];
	char bootmm[96];
	enum bm_oracle_verdict verdict;
	char note[192];
};

struct bm_oracle_table {
	struct bm_oracle_row *rows;
	size_t n, cap;
	size_t n_match, n_tolerated, n_mismatch, n_info, n_unpredictable;
};

/**
 * bm_oracle_compare - compare a simulated boot with the kernel's log
 * @log: the kernel's log
 * @run: a finished bm_sim_boot() of a description made from @log
 * @rs: the description's replay record (bm_desc_replay_stats()), may be NULL
 * @t: rows appended (zero it first; free with bm_oracle_table_free())
 *
 * Rows: allocation placements (a summary and each mismatch), Zone ranges,
 * Early memory node ranges, "pages in unavailable ranges", first deferred
 * pfns, the Memory: line's available/total/reserved, every Freeing line
 * bootmm models, MemTotal, zoneinfo spanned/present/managed per zone and
 * buddyinfo (information only).
 *
 * Return: 0 if every compared row matches (or is tolerated), 1 if any
 * mismatches (the CLI's exit status), -1 if @run's log could not be read.
 */
int bm_oracle_compare(const struct bm_bootlog *log, const struct bm_sim_run *run,
		      const struct bm_replay_stats *rs, struct bm_oracle_table *t);
/* The table as aligned text, with a closing summary line. */
void bm_oracle_print(const struct bm_oracle_table *t, FILE *out);
void bm_oracle_table_free(struct bm_oracle_table *t);
/* First row whose item starts with @prefix, or NULL. */
const struct bm_oracle_row *bm_oracle_find(const struct bm_oracle_table *t, const char *prefix);

#endif /* BOOTMM_SIM_DESC_H */
