/* SPDX-License-Identifier: MIT */
/*
 * bm_bootlog: one parsed representation of everything bootmm takes from a
 * kernel boot log or a firmware dump.
 *
 * Inputs (auto-detected from content, line by line; see docs/INPUTS.md):
 * dmesg / serial captures / journalctl / dmesg -T (any mix of prefixes),
 * the initramfs "=====SECTION" dumps, /proc/{meminfo,zoneinfo,buddyinfo,
 * pagetypeinfo,iomem}, /sys/firmware/memmap (directory or grep dump), EFI
 * memory map files, debugfs memblock files and device tree blobs.
 *
 * Every item carries the 1-based line number it came from (0 for items of
 * a device tree blob or a sysfs directory, which have no lines).
 * All ranges are INCLUSIVE [start, end], whatever the input printed (inputs
 * with exclusive ends are converted). Arrays are owned by the log and
 * released by bm_bootlog_free(); strings live in the log's own arena.
 *
 * On error every entry point returns -1, fills the bm_parse_error and
 * leaves the log empty (zeroed, nothing to free); on success 0.
 */
#ifndef BOOTMM_HOST_BOOTLOG_H
#define BOOTMM_HOST_BOOTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "bootmm/types.h"

/* Highest physical address a firmware table may describe: x86-64's 52-bit
 * physical address space. Edit records (e820 update/remove, memblock
 * remove, allocation limits) may go up to 2^64-1 as the kernel prints. */
/*
 * The largest input file bootmm reads (logs, dumps, blobs, scenarios). A
 * memblock=debug log of a large machine is a few MiB; past this cap the
 * input is refused rather than read until the host runs out of memory
 * (/dev/zero, a wrong file).
 */
#define BM_INPUT_MAX		((size_t)64 << 20)
#define BM_PHYS_LIMIT		((((phys_addr_t)1) << 52) - 1)

struct bm_parse_error {
	char file[256];
	unsigned line;		/* 1-based; 0: the whole input */
	char msg[256];
};

/* "FILE:LINE: what is wrong" ("FILE: what" when line is 0) into @buf. */
const char *bm_parse_error_format(const struct bm_parse_error *err, char *buf, size_t len);

/* ------------------------------------------------------------------ e820 */

/* The kernel's e820 type numbers. */
enum bm_e820_type {
	BM_E820_RAM		= 1,
	BM_E820_RESERVED	= 2,
	BM_E820_ACPI		= 3,
	BM_E820_NVS		= 4,
	BM_E820_UNUSABLE	= 5,
	BM_E820_PMEM		= 7,
	BM_E820_PRAM		= 12,
	BM_E820_RESERVED_KERN	= 128,
	BM_E820_SOFT_RESERVED	= 0xefffffff,
};

struct bm_e820_entry {
	phys_addr_t start, end;		/* inclusive */
	uint32_t type;			/* enum bm_e820_type or any raw value */
	unsigned line;
};

enum bm_e820_table_kind {
	BM_E820_TABLE_FIRMWARE,		/* BIOS-e820: (or Xen:) */
	BM_E820_TABLE_SETUP_DATA,	/* extended map: reserve setup_data: */
	BM_E820_TABLE_USER,		/* user-defined map (memmap=): user: */
	BM_E820_TABLE_MODIFIED,		/* modified: */
	BM_E820_TABLE_FILE,		/* fwmemmap/iomem converted tables */
};

enum bm_e820_format {
	BM_E820_FMT_MEM,	/* "[mem 0x..-0x..] usable" (3.5 .. 6.x) */
	BM_E820_FMT_OLD,	/* "0000000000000000 - 000000000009fc00 (usable)", exclusive */
	BM_E820_FMT_V7,		/* "[mem ..]  System RAM", "device reserved", [gap] */
};

/*
 * One printed table. A new table starts at a header line ("BIOS-provided
 * physical RAM map:", ...), at an entry of another prefix or format, or at
 * an entry whose start is not above the previous entry's start: the kernel
 * prints sanitized tables in ascending order, so a restart is a new table
 * (second boot, kexec, pasted excerpts). Inside one table, entries of
 * different types may not overlap (parse error naming both lines).
 */
struct bm_e820_table {
	enum bm_e820_table_kind kind;
	enum bm_e820_format format;
	unsigned line;			/* header line, else first entry */
	struct bm_e820_entry *entries;
	size_t n;
};

enum bm_e820_edit_op { BM_E820_UPDATE, BM_E820_REMOVE };

/* "e820: update [mem a-b] usable ==> reserved", "e820: remove [mem a-b] usable" */
struct bm_e820_edit {
	enum bm_e820_edit_op op;
	phys_addr_t start, end;		/* may reach 2^64-2 (mem= limit) */
	bool has_old_type;
	uint32_t old_type;
	uint32_t new_type;		/* update only */
	unsigned line;
};

struct bm_last_pfn {
	uint64_t last_pfn, max_arch_pfn;
	unsigned line;
};

struct bm_range {
	phys_addr_t start, end;
	unsigned line;
};

/* ------------------------------------------------------------------- EFI */

enum bm_efi_type {
	BM_EFI_RESERVED, BM_EFI_LOADER_CODE, BM_EFI_LOADER_DATA,
	BM_EFI_BOOT_CODE, BM_EFI_BOOT_DATA, BM_EFI_RUNTIME_CODE,
	BM_EFI_RUNTIME_DATA, BM_EFI_CONVENTIONAL, BM_EFI_UNUSABLE,
	BM_EFI_ACPI_RECLAIM, BM_EFI_ACPI_NVS, BM_EFI_MMIO, BM_EFI_MMIO_PORT,
	BM_EFI_PAL_CODE, BM_EFI_PERSISTENT, BM_EFI_UNACCEPTED,
	BM_EFI_NR_TYPES
};

/* UEFI attribute bits. */
#define BM_EFI_UC		0x1ULL
#define BM_EFI_WC		0x2ULL
#define BM_EFI_WT		0x4ULL
#define BM_EFI_WB		0x8ULL
#define BM_EFI_UCE		0x10ULL
#define BM_EFI_WP		0x1000ULL
#define BM_EFI_RP		0x2000ULL
#define BM_EFI_XP		0x4000ULL
#define BM_EFI_NV		0x8000ULL
#define BM_EFI_MORE_RELIABLE	0x10000ULL
#define BM_EFI_RO		0x20000ULL
#define BM_EFI_SP		0x40000ULL
#define BM_EFI_CPU_CRYPTO	0x80000ULL
#define BM_EFI_HOT_PLUGGABLE	0x100000ULL
#define BM_EFI_RUNTIME		0x8000000000000000ULL

struct bm_efi_entry {
	uint32_t type;			/* enum bm_efi_type, or raw "type=N" */
	uint64_t attr;
	phys_addr_t start, end;		/* inclusive */
	int index;			/* the NN of "memNN:", -1 if none */
	unsigned line;
};

enum bm_efi_map_kind {
	BM_EFI_MAP_BOOT,	/* the map efi=debug prints in setup_arch */
	BM_EFI_MAP_RUNTIME,	/* after "efi: EFI runtime memory map:" */
	BM_EFI_MAP_MEMATTR,	/* "efi: memattr:" lines (memory attributes table) */
};

/* A map restarts at its header or at index mem00. Entries may not overlap. */
struct bm_efi_map {
	enum bm_efi_map_kind kind;
	unsigned line;
	struct bm_efi_entry *entries;
	size_t n;
};

/* ------------------------------------------------------------------ NUMA */

struct bm_srat_mem {
	int node;
	unsigned pxm;
	phys_addr_t start, end;
	bool hotplug, nonvolatile;
	unsigned line;
};

/* "NUMA: Node 0 [mem a] + [mem b] -> [mem r]" */
struct bm_numa_merge {
	int node;
	phys_addr_t a_start, a_end, b_start, b_end, start, end;
	unsigned line;
};

/* node ranges, NODE_DATA(N) allocated, Initmem setup node N */
struct bm_node_range {
	int node;
	phys_addr_t start, end;
	unsigned line;
};

/* "  DMA      [mem ..]" / "  Normal   empty" after "Zone ranges:" */
struct bm_zone_range {
	char zone[16];
	bool empty;
	phys_addr_t start, end;
	unsigned line;
};

/* "Movable zone start for each node" + "  Node N: 0x.." */
struct bm_movable_start {
	int node;
	phys_addr_t start;
	unsigned line;
};

/* "On node N, zone Z: K pages in unavailable ranges" */
struct bm_unavail {
	int node;
	char zone[16];
	uint64_t pages;
	unsigned line;
};

/* --------------------------------------------------------- command line */

enum bm_memmap_kind {
	BM_MEMMAP_USABLE,	/* nn@ss */
	BM_MEMMAP_ACPI,		/* nn#ss */
	BM_MEMMAP_RESERVED,	/* nn$ss */
	BM_MEMMAP_PRAM,		/* nn!ss */
	BM_MEMMAP_RETYPE,	/* nn%ss-old+new */
	BM_MEMMAP_LIMIT,	/* nn alone: like mem=nn */
	BM_MEMMAP_EXACTMAP,	/* exactmap */
};

struct bm_memmap_opt {
	enum bm_memmap_kind kind;
	uint64_t size, start;
	int old_type, new_type;	/* RETYPE: -1 when not given */
};

struct bm_param {
	const char *name;
	const char *value;	/* NULL: no '=' */
};

struct bm_cmdline {
	const char *text;	/* NULL: not in the input */
	unsigned line;
	struct bm_param *params;
	size_t n_params;
	bool has_mem;
	uint64_t mem;			/* mem=nn[KMG] bytes */
	struct bm_memmap_opt *memmap;
	size_t n_memmap;
	bool memmap_exactmap;
	bool efi_debug, memblock_debug, movable_node, kho, numa_off, nokaslr;
	const char *initrd;		/* initrd= value */
	const char *kernelcore, *movablecore;
};

/* ------------------------------------------------------------ summaries */

/* "Memory: 247604K/517652K available (14343K kernel code, ...)";
 * a field the kernel did not print is -1. */
struct bm_memory_line {
	bool present;
	unsigned line;
	uint64_t available_kb, total_kb;
	int64_t kernel_code_kb, rwdata_kb, rodata_kb, init_kb, bss_kb;
	int64_t reserved_kb, cma_reserved_kb, highmem_kb, absent_kb, data_kb;
};

/* "Freeing <what> memory: NK" (also "efi: Freeing EFI boot services memory") */
/*
 * A buddy allocation the kernel prints with its size: "<what> hash table
 * entries: N (order: O, B bytes, linear)" and "ftrace: allocated N pages
 * with G groups". Before kmem_cache_init (the "SLUB:" line) hash tables
 * come from memblock; after it, from the buddy allocator.
 */
struct bm_sized_alloc {
	const char *what;
	uint64_t bytes;
	unsigned line;
};

struct bm_freeing {
	const char *what;		/* "SMP alternatives", "EFI boot services", ... */
	uint64_t kb;
	unsigned line;
};

/* "node N deferred pages initialised in Mms" (4.x: "node N initialised, P pages in Mms") */
struct bm_deferred {
	int node;
	unsigned ms;
	int64_t pages;			/* -1 when not printed */
	unsigned line;
};

/* ------------------------------------------------------- memblock trace */

enum bm_mb_op {
	BM_MB_ADD,		/* memblock_add */
	BM_MB_ADD_NODE,		/* memblock_add_node (nid, flags) */
	BM_MB_REMOVE,		/* memblock_remove */
	BM_MB_RESERVE,		/* memblock_reserve (and memblock_reserve_kern) */
	BM_MB_PHYS_FREE,	/* memblock_phys_free */
	BM_MB_FREE,		/* memblock_free (older name of the same) */
	BM_MB_FREE_LATE,	/* memblock_free_late */
	BM_MB_MARK,		/* memblock_mark_*: name says which flag */
	BM_MB_CLEAR,		/* memblock_clear_* */
	BM_MB_RANGE_OTHER,	/* another "memblock_xxx: [a-b] caller" line */
	BM_MB_ALLOC,		/* memblock_alloc_try_nid etc.: size, align... */
};

struct bm_mb_event {
	enum bm_mb_op op;
	const char *fn;			/* the printed function name */
	const char *caller;		/* caller function without +0x../0x.. */
	unsigned line;
	/* range ops */
	phys_addr_t start, end;
	int nid;			/* add_node, alloc: NUMA_NO_NODE (-1) if none */
	uint64_t flags;			/* add_node flags= */
	/* BM_MB_ALLOC */
	uint64_t size, align;
	bool has_nid;
	phys_addr_t from, max_addr;
	/* pairing: an alloc and the memblock_reserve (caller memblock_alloc_*
	 * internals) printed right after it, which shows the chosen address */
	long paired;			/* index of the other event, -1 if none */
	bool alloc_internal;		/* reserve made by the allocator itself */
	phys_addr_t addr;		/* ALLOC: chosen address if paired */
};

struct bm_mb_region {
	phys_addr_t base, end, size;
	int nid;			/* -1 when not printed */
	uint64_t flags;
	unsigned line;
};

/* One "MEMBLOCK configuration:" dump (or a debugfs memblock file). */
struct bm_mb_dump {
	unsigned line;
	size_t event_index;		/* trace events before this dump: replay
					 * from the dump, then events[event_index..] */
	uint64_t memory_size, reserved_size;
	struct bm_mb_region *memory, *reserved;
	size_t n_memory, n_reserved;
	size_t memory_cnt, reserved_cnt;	/* as printed by .cnt */
};

/* --------------------------------------------------------------- procfs */

#define BM_MAX_ORDERS	16

struct bm_kv {
	const char *key;
	uint64_t value;			/* kB for "kB" keys */
	unsigned line;
};

/* /proc/zoneinfo zone; a field absent from the input is -1. */
struct bm_zoneinfo {
	int node;
	char zone[16];
	int64_t free, min, low, high, spanned, present, managed, cma, start_pfn;
	unsigned line;
};

/* /proc/buddyinfo row or pagetypeinfo free row */
struct bm_free_row {
	int node;
	char zone[16];
	char type[16];			/* migratetype; "" for buddyinfo */
	unsigned n_orders;
	uint64_t count[BM_MAX_ORDERS];
	unsigned line;
};

/* pagetypeinfo "Number of blocks type" row */
struct bm_block_row {
	int node;
	char zone[16];
	unsigned n;
	uint64_t count[8];
	unsigned line;
};

/* ---------------------------------------------------------- iomem / fw */

struct bm_iomem_entry {
	phys_addr_t start, end;
	unsigned depth;			/* indentation level, 0 = top */
	long parent;			/* index, -1 for top level */
	const char *name;
	unsigned line;
};

struct bm_fwmemmap_entry {
	phys_addr_t start, end;
	const char *type;		/* "System RAM", "Reserved", ... */
	uint32_t e820_type;		/* mapped, 0 if unknown */
	int index;			/* directory number, -1 if not known */
	unsigned line;
};

/* ---------------------------------------------------------- device tree */

struct bm_dt_region {
	phys_addr_t start, end;		/* valid when has_reg */
	const char *node;		/* node path ("/memory@80000000"), or "/memreserve/" */
	bool has_reg;
	bool no_map, reusable;
	uint64_t size, align;		/* dynamic reserved-memory (size, no reg) */
};

/* --------------------------------------------------------------- the log */

enum bm_input_format {
	BM_FMT_UNKNOWN,
	BM_FMT_KERNEL_LOG,	/* dmesg / serial / journal: kernel messages */
	BM_FMT_EFI_MAP,		/* only EFI memory map lines */
	BM_FMT_IOMEM,
	BM_FMT_FWMEMMAP,	/* grep dump or FWMEMMAP lines */
	BM_FMT_FWMEMMAP_DIR,
	BM_FMT_PROCFS,		/* meminfo/zoneinfo/buddyinfo/pagetypeinfo only */
	BM_FMT_MEMBLOCK_DEBUGFS,
	BM_FMT_DTB,
};

/*
 * Early allocations a full dmesg states with their sizes
 * (host/parse_early.c; the x86 model uses them, docs/X86-MODEL.md).
 */
struct bm_hash_table {
	char name[40];			/* "Dentry cache", "Inode-cache", ... */
	uint64_t entries, bytes;
	bool vmalloc;			/* ", vmalloc" (not from memblock) */
	unsigned line;
};

struct bm_early {
	unsigned nr_cpu_ids, nr_node_ids;	/* "setup_percpu: NR_CPUS:.." */
	unsigned cpu_line;			/* 0: no setup_percpu line */
	uint64_t pcpu_static, pcpu_reserved, pcpu_dyn, pcpu_unit; /* s r d u */
	unsigned pcpu_line;			/* 0: no sizes on the percpu line */
	struct bm_hash_table *hashes;		/* every "hash table entries" line */
	size_t n_hashes;
	struct bm_range crash[2];		/* crashkernel (high/normal, low) */
	size_t n_crash;
	uint64_t swiotlb_bytes;			/* "software IO TLB .. (NMB)" */
	unsigned swiotlb_line;
	unsigned swiotlb_areas;			/* "software IO TLB: area num N." */
	struct bm_range *acpi_tables;		/* "ACPI: Reserving X table memory" */
	size_t n_acpi_tables;
	unsigned uefi_line;			/* "efi: EFI v2.70 by ..." (0: none) */
	unsigned slub_line;			/* "SLUB: HWalign=.." (kmem_cache_init) */
	uint64_t brk_first;			/* first "BRK [0x.., 0x..] PGTABLE" page */
	unsigned brk_line;			/* 0: no BRK line (printed to about 5.x) */
	unsigned dmi_line;			/* first "DMI: " line (dmi_scan_machine) */
};

struct bm_bootlog_priv;

struct bm_bootlog {
	char name[256];
	enum bm_input_format format;
	unsigned n_lines, n_recognised;

	/* kernel identity */
	const char *version;		/* "6.1.0-56-cloud-amd64" */
	const char *version_banner;	/* the rest of the Linux version line */
	unsigned version_line;
	struct bm_cmdline cmdline;		/* "Command line:" */
	struct bm_cmdline kernel_cmdline;	/* "Kernel command line:" */

	/* e820 */
	struct bm_e820_table *e820_tables;
	size_t n_e820_tables;
	const struct bm_e820_table *e820;		/* first firmware table or NULL */
	const struct bm_e820_table *e820_setup_data;	/* first extended map or NULL */
	struct bm_e820_edit *e820_edits;		/* in log order */
	size_t n_e820_edits;
	struct bm_last_pfn *last_pfn;
	size_t n_last_pfn;
	struct bm_range *ram_buffers;			/* "e820: reserve RAM buffer" */
	size_t n_ram_buffers;

	/* EFI */
	struct bm_efi_map *efi_maps;
	size_t n_efi_maps;
	const struct bm_efi_map *efi;			/* first boot map or NULL */
	const struct bm_efi_map *efi_runtime;		/* first runtime map or NULL */

	/* NUMA and zones */
	struct bm_srat_mem *srat;
	size_t n_srat;
	struct bm_numa_merge *numa_merges;
	size_t n_numa_merges;
	bool numa_none;				/* "No NUMA configuration found" */
	unsigned numa_none_line;
	bool has_fake_node;
	struct bm_range fake_node;		/* "Faking a node at [mem ..]" */
	struct bm_node_range *node_data;	/* NODE_DATA(N) allocated */
	size_t n_node_data;
	struct bm_node_range *initmem;		/* Initmem setup node N */
	size_t n_initmem;
	struct bm_node_range *node_ranges;	/* Early memory node ranges */
	size_t n_node_ranges;
	struct bm_zone_range *zone_ranges;
	size_t n_zone_ranges;
	struct bm_movable_start *movable_start;
	size_t n_movable_start;
	struct bm_unavail *unavail;
	size_t n_unavail;

	/* summaries */
	struct bm_memory_line memory;
	struct bm_freeing *freeing;
	size_t n_freeing;
	struct bm_deferred *deferred;
	size_t n_deferred;
	bool has_ramdisk;
	struct bm_range ramdisk;
	unsigned zonelists;			/* "Built N zonelists" */
	uint64_t total_pages;			/* "... Total pages: N" */
	unsigned zonelists_line;
	unsigned percpu_pages;			/* "percpu: Embedded N pages/cpu" */
	unsigned percpu_line;
	struct bm_sized_alloc *sized;	/* hash tables, ftrace pages */
	size_t n_sized;
	unsigned slab_line;		/* "SLUB: HWalign=...": kmem_cache_init ran */

	/* memblock=debug */
	struct bm_mb_event *events;
	size_t n_events;
	struct bm_mb_dump *dumps;
	size_t n_dumps;
	struct bm_mb_dump *debugfs_memblock;	/* MEMBLOCK_MEMORY/RESERVED files, or NULL */

	/* userspace dumps */
	struct bm_kv *meminfo;
	size_t n_meminfo;
	struct bm_zoneinfo *zoneinfo;
	size_t n_zoneinfo;
	struct bm_free_row *buddyinfo;
	size_t n_buddyinfo;
	int pageblock_order;			/* -1 if absent */
	int pages_per_block;
	struct bm_free_row *pagetype_free;
	size_t n_pagetype_free;
	char block_types[8][16];		/* "Number of blocks type" columns */
	unsigned n_block_types;
	struct bm_block_row *pagetype_blocks;
	size_t n_pagetype_blocks;
	struct bm_iomem_entry *iomem;
	size_t n_iomem;
	struct bm_fwmemmap_entry *fwmemmap;	/* sorted by start */
	size_t n_fwmemmap;

	/* device tree */
	struct bm_dt_region *dt_memory;
	size_t n_dt_memory;
	struct bm_dt_region *dt_reserved;	/* /reserved-memory children */
	size_t n_dt_reserved;
	struct bm_dt_region *dt_memreserve;	/* /memreserve/ entries */
	size_t n_dt_memreserve;

	struct bm_early early;

	struct bm_bootlog_priv *priv;
};

/* Parse any supported input (a directory is read as /sys/firmware/memmap,
 * a file starting with the FDT magic as a device tree blob). */
/*
 * Every input is read whole through these two: at most BM_INPUT_MAX bytes,
 * NUL-terminated, errors naming @path. bm_read_stream closes @f unless it
 * is stdin. Return 0, or -1 with @err set.
 */
int bm_read_file(const char *path, char **buf, size_t *len, struct bm_parse_error *err);
int bm_read_stream(FILE *f, const char *path, char **buf, size_t *len,
		   struct bm_parse_error *err);

int bm_bootlog_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err);
/* Parse text (or a DTB) held in memory; @name is used in errors. */
int bm_bootlog_parse_buf(const char *name, const char *buf, size_t len,
			 struct bm_bootlog *log, struct bm_parse_error *err);
void bm_bootlog_free(struct bm_bootlog *log);
/* The log's early-memory kernel messages bootmm prints too, prefixes
 * stripped (host/memory_lines.c; "bootmm replay --diff"). */
char **bm_memory_messages(const char *buf, size_t len, size_t *nlines);

/* Format-specific entry points: they accept only their own format and
 * fail ("no ... found") on anything else. */
int bm_iomem_parse_buf(const char *name, const char *buf, size_t len,
		       struct bm_bootlog *log, struct bm_parse_error *err);
int bm_efi_map_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err);
int bm_fwmemmap_parse_dir(const char *dir, struct bm_bootlog *log, struct bm_parse_error *err);
int bm_fdt_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err);
int bm_fdt_parse_blob(const char *name, const void *blob, size_t len,
		      struct bm_bootlog *log, struct bm_parse_error *err);
bool bm_fdt_supported(void);

/* Helpers */
const char *bm_e820_type_name(uint32_t type);		/* kernel's 6.1 spelling */
const char *bm_efi_type_name(uint32_t type);		/* 12-char names, trimmed */
uint32_t bm_fw_type_to_e820(const char *name);		/* "System RAM" -> 1; 0 unknown */
const struct bm_cmdline *bm_bootlog_cmdline(const struct bm_bootlog *log);
bool bm_meminfo_get(const struct bm_bootlog *log, const char *key, uint64_t *value);
const struct bm_zoneinfo *bm_zoneinfo_find(const struct bm_bootlog *log, int node, const char *zone);
/* Sum of the sizes of @map's entries of @type. */
uint64_t bm_efi_map_bytes(const struct bm_efi_map *map, uint32_t type);

/*
 * The firmware map /proc/iomem shows: the shallowest entries whose name is
 * a firmware type ("System RAM", "Reserved", "ACPI Tables", ...), looking
 * through containers such as "PCI Bus" or "PCI MMCONFIG". Adjacent entries
 * of one type are merged when @merge. @out is malloc'ed: free(out->entries).
 */
int bm_iomem_to_e820(const struct bm_bootlog *log, bool merge, struct bm_e820_table *out);
/* The same for /sys/firmware/memmap entries. */
int bm_fwmemmap_to_e820(const struct bm_bootlog *log, bool merge, struct bm_e820_table *out);

/* --------------------------------------------------------- real-maps.txt */

struct bm_realmap {
	const char *name, *source, *kernel;
	const char *text;		/* the block's lines, '\n'-separated */
	size_t len;
	unsigned header_line;		/* line of "### ..." in the file */
};

struct bm_realmaps {
	char file[256];
	struct bm_realmap *maps;
	size_t n;
	char *storage;
};

/* Split "### name | source | kernel" blocks; '#' lines before are comments. */
int bm_realmaps_split(const char *name, const char *buf, size_t len,
		      struct bm_realmaps *out, struct bm_parse_error *err);
int bm_realmaps_load(const char *path, struct bm_realmaps *out, struct bm_parse_error *err);
/* Parse block @i as a log; line numbers are those of the whole file. */
int bm_realmap_parse(const struct bm_realmaps *rm, size_t i, struct bm_bootlog *log,
		     struct bm_parse_error *err);
void bm_realmaps_free(struct bm_realmaps *rm);

#endif /* BOOTMM_HOST_BOOTLOG_H */
