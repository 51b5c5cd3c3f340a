/* SPDX-License-Identifier: MIT */
/* Internals of machine descriptions from logs (desc.c, replay.c, x86_*.c). */
#ifndef BOOTMM_SIM_DESC_INT_H
#define BOOTMM_SIM_DESC_INT_H

#include "sim/desc.h"

#define SZ_64K		((phys_addr_t)64 << 10)
#define SZ_1M		((phys_addr_t)1 << 20)
#define SZ_2M		((phys_addr_t)2 << 20)
#define SZ_4G		((phys_addr_t)4 << 30)

/* A physical range [start, end) with a type (e820 type, node, ...). */
struct xr {
	phys_addr_t start, end;
	uint32_t type;
};

struct xr_list {
	struct xr *v;
	size_t n, cap;
};

int xr_push(struct xr_list *l, phys_addr_t start, phys_addr_t end, uint32_t type);
void xr_free(struct xr_list *l);

/* A NUMA memory block (numa_meminfo) after numa_cleanup_meminfo. */
struct numa_blk {
	phys_addr_t start, end;
	int nid;
	bool hotplug;
};

/*
 * Everything the x86 model takes from the log, computed once when the
 * description is made (pure data; setup_arch replays it into memblock).
 */
struct x86_input {
	struct xr_list e820;		/* e820_table at e820__memblock_setup */
	size_t n_e820_late;		/* e820_table entries at e820__reserve_resources */
	size_t n_firmware;		/* e820_table_firmware entries */
	size_t n_nosave;		/* e820__register_nosave_regions allocations */
	struct xr_list early;		/* early_reserve_memory() and friends */
	struct xr_list efi_resv;	/* efi_reserve_boot_services reserves */
	struct xr_list post_resv;	/* efi_arch_mem_reserve (after memblock setup) */
	struct numa_blk blk[BM_MAX_NUMNODES * 4];
	unsigned n_blk;
	bool numa_fake;			/* "No NUMA configuration found" / no SRAT */
	phys_addr_t ram_end;		/* PFN_PHYS(max_pfn) */
	phys_addr_t possible_end;	/* PFN_PHYS(max_possible_pfn): SRAT raises it */
	uint64_t srat_nodes;		/* nodes SRAT names, with memory or not */
	phys_addr_t image_start, image_end;	/* _text .. _end (brk included) */
	int nr_cpus;
	size_t cmdline_len;		/* strlen(boot_command_line) */
	bool movable_node, hashdist;
	unsigned real_mode_pages;
};

struct desc_ctx {
	const struct bm_bootlog *log;
	unsigned flags;
	bool use_trace;
	struct bm_replay_stats st;
	struct x86_input x;
	size_t trace_cursor;		/* model vs ignored trace: next event to match */
	struct bm_sim_range *efi_boot;	/* owned; d->efi_boot points here */
	struct bm_action record;	/* d->extra_actions: notes first_deferred_pfn */
	size_t n_efi_boot;
};

/* desc.c: reset the per-boot record (keeps the allocs buffer). */
void desc_reset_stats(struct bm_replay_stats *st, size_t events_total);

/* replay.c */
int bm_replay_setup_arch(struct bm_machine *m, void *arg);
/* Record one placement comparison (grows st->allocs). */
void stats_add_alloc(struct bm_replay_stats *st, const struct bm_alloc_cmp *c);
void stats_infer(struct bm_replay_stats *st, size_t event_index, const char *what);
/* NUMA blocks as the kernel's numa_init builds them from SRAT (or a fake node). */
unsigned numa_blocks_from_log(const struct bm_bootlog *log, phys_addr_t ram_end,
			      const struct xr_list *ram, struct numa_blk *blk, unsigned max,
			      bool *fake);

/* numa_init + numa_register_memblks on memblock (both setup_arch flavours). */
void x86_apply_numa(struct bm_machine *m, struct desc_ctx *c, size_t ev_index);

/* x86_model.c */
int x86_input_from_log(const struct bm_bootlog *log, const struct bm_kernel_image *k,
		       struct x86_input *x, struct bm_parse_error *err);
void x86_input_free(struct x86_input *x);
int bm_x86_setup_arch(struct bm_machine *m, void *arg);
/* The boot's firmware map as e820 (firmware table, else the EFI map); 0 or -1. */
int x86_firmware_e820(const struct bm_bootlog *log, struct xr_list *out);

/* x86_reserve.c: allocations after NODE_DATA (sparse_init to mm_init). */
void x86_late_allocs(struct bm_machine *m, struct desc_ctx *c);
/* Compare a model allocation with the ignored trace's next one of @caller. */
void x86_record_alloc(struct bm_machine *m, struct desc_ctx *c, const char *fn,
		      const char *caller, uint64_t size, uint64_t align, int nid,
		      phys_addr_t from, phys_addr_t max, phys_addr_t got);

#endif /* BOOTMM_SIM_DESC_INT_H */
