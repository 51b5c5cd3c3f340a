/* SPDX-License-Identifier: MIT */
/*
 * The machine context: all state of one simulated boot. Nothing in the core
 * is global, so any number of machines can boot side by side; the caller
 * owns the storage (struct bm_machine is public so it can live anywhere).
 */
#ifndef BOOTMM_MACHINE_H
#define BOOTMM_MACHINE_H

#include <stdarg.h>
#include "types.h"
#include "prim.h"
#include "memblock.h"
#include "mm.h"
#include "boot.h"

/* Boot phases, in the order start_kernel goes through them (init/main.c). */
enum bm_phase {
	BM_PHASE_SETUP_ARCH,
	BM_PHASE_FREE_AREA_INIT,
	BM_PHASE_MM_CORE_INIT,		/* memblock_free_all */
	BM_PHASE_BEFORE_SMP,		/* alternative_instructions, efi_free_boot_services (old) */
	BM_PHASE_EARLY_INITCALL,	/* runs before smp_init */
	BM_PHASE_SMP_INIT,
	BM_PHASE_PAGE_ALLOC_INIT_LATE,	/* deferred struct page init */
	BM_PHASE_CORE_INITCALL,
	BM_PHASE_POSTCORE_INITCALL,
	BM_PHASE_ARCH_INITCALL,
	BM_PHASE_SUBSYS_INITCALL,
	BM_PHASE_FS_INITCALL,
	BM_PHASE_DEVICE_INITCALL,
	BM_PHASE_LATE_INITCALL,
	BM_PHASE_FREE_INITMEM,
	BM_PHASE_RUNNING,
	BM_NR_PHASES
};

const char *bm_phase_name(enum bm_phase phase);

/* What the checker records. */
enum bm_violation_kind {
	BM_V_UNINIT_READ,	/* a struct page read before it was initialised */
	BM_V_DOUBLE_INIT,	/* an initialised, live struct page initialised again */
	BM_V_LEAK,		/* memory released by its owner that never reached the buddy */
	BM_V_MEMBLOCK_MISMATCH,	/* memblock and the memory map disagree */
	BM_V_MIGRATETYPE,	/* a pageblock with the wrong migratetype */
	BM_V_MISUSE,		/* API misuse: bad range, unreserved free, ... */
	BM_V_INVARIANT,		/* a broken internal invariant */
	BM_V_WARN,		/* the kernel would WARN() here */
	BM_NR_VIOLATION_KINDS
};

const char *bm_violation_name(enum bm_violation_kind kind);

struct bm_violation {
	enum bm_violation_kind kind;
	enum bm_phase phase;
	bm_pfn_t pfn_start;		/* first pfn concerned */
	bm_pfn_t pfn_end;		/* one past the last */
	const char *func;		/* core function that noticed */
	const char *cause;		/* the call that led there (m->caller) */
	char detail[96];
};

#define BM_MAX_RECORDED_VIOLATIONS 256

/*
 * The checker's record: an optional observer the host attaches with
 * bm_machine_set_record(). Without one the core only counts violations
 * (bm_machine.violation_count) and logs the first of each kind; with one it
 * keeps the first BM_MAX_RECORDED_VIOLATIONS findings in full, merges a
 * finding continuing the last record into it, and logs each new record.
 * The host owns the storage; it must outlive the machine's use of it.
 */
struct bm_violation_record {
	struct bm_violation violations[BM_MAX_RECORDED_VIOLATIONS];
	unsigned long nr_recorded;
	unsigned long nr_unrecorded;	/* counted after the record filled up */
	int lock;			/* violations may come from deferred-init threads */
};

/*
 * Configuration of one boot: the kernel's Kconfig and command line, and the
 * behaviours of the kernel era the core implements. Nothing here is the
 * simulator's: where its callers release memory, which era it applied and
 * the like live in the simulator's own configuration (sim/sim.h), which
 * embeds these members through BM_CONFIG_MEMBERS so that one object can be
 * read both ways. An embedder uses struct bm_config and bm_config_default().
 */
#define BM_CONFIG_MEMBERS \
	unsigned int pageblock_order;	/* 9 on x86-64 */                               \
	unsigned int max_page_order;	/* MAX_PAGE_ORDER, 10 on x86-64 */              \
	bool deferred_struct_page_init;	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT */          \
	bool arch_keep_memblock;	/* CONFIG_ARCH_KEEP_MEMBLOCK */                 \
	bool memblock_debug;		/* memblock=debug: trace every call */          \
	bool movable_node;                                                              \
	/* At most this many host threads for deferred init: the core splits   \
	 * the work into section units and passes this to prim->parallel,      \
	 * which decides (a host may use fewer, or all of its CPUs). The      \
	 * result is one thread's (see @walk_threads). */                      \
	unsigned int threads;                                                           \
	int release_policy;		/* enum bm_release_policy (boot.h) */           \
	/* Zone boundaries in pfns: DMA below dma_pfn, DMA32 below dma32_pfn. */        \
	bm_pfn_t zone_dma_end_pfn;                                                      \
	bm_pfn_t zone_dma32_end_pfn;                                                    \
	bool kho;			/* a kexec-handover boot */                     \
	/* KHO scratch pageblocks: true, every struct page initialiser (deferred        \
	 * init included) sets them CMA, as since the fix to kho_release_scratch;       \
	 * false, kho_release_scratch sets them all CMA first and deferred init         \
	 * overwrites them MOVABLE, as before it. */                                    \
	bool kho_fixed;                                                                 \
	/*                                                                              \
	 * What free_reserved_area does while deferred pages remain: a policy,          \
	 * or BM_POLICY_AS_RELEASE (-1, auto): what it did in release_policy's          \
	 * era (free at once beside skip-uninit and the unreserve, unreserve-flag       \
	 * and discard proposals, as every kernel before v7.1; the same policy          \
	 * otherwise).                                                                  \
	 */                                                                             \
	int free_reserved_area_policy;                                                  \
	/* The kernel image, for the "Memory:" line (bytes). */                         \
	uint64_t kernel_code, kernel_rwdata, kernel_rodata, kernel_init, kernel_bss;    \
	/* x86 mem_init's preallocate_vmalloc_pages: page-table pages taken from        \
	 * the buddy right after memblock_free_all (65 with KASLR, 64 without). */      \
	unsigned int vmalloc_prealloc_pages;                                            \
	/* Print "Memory:" after deferred init (>= 6.11) instead of at mm_core_init. */ \
	bool memory_line_after_deferred;                                                \
	/*                                                                              \
	 * How memblock tags the reservations it makes for itself (allocations,         \
	 * doubled region arrays, memblock_reserve_kern). true (the default,            \
	 * Linux >= 6.16): MEMBLOCK_RSRV_KERN on the allocation's node, and             \
	 * plain memblock_reserve() on NUMA_NO_NODE, as since "memblock: add            \
	 * MEMBLOCK_RSRV_KERN flag" (KHO series, merged for v6.16). false               \
	 * (<= 6.15, e.g. 6.1 and 6.12): no flag and MAX_NUMNODES for every             \
	 * reservation, so allocations merge with neighbouring reservations.            \
	 * docs/KERNEL-SUITE.md has the sources.                                        \
	 */                                                                             \
	bool memblock_alloc_rsrv_kern;                                                  \
	/*                                                                              \
	 * Host threads for the simulation's own walks whose order cannot show          \
	 * (bm_sections_parallel: memmap_init without deferral, a reservation of        \
	 * many sections at mm_core_init; each runs in parallel only when nothing       \
	 * in its range can be reported), for bm_mm_check's pfn walk (each              \
	 * section's reports handed over in order), and with @threads the most          \
	 * of, for deferred init (sections free into lists of their own, spliced        \
	 * in order; a section that could report runs in its place in that              \
	 * order). 0: as @threads. This changes the simulation's wall time,             \
	 * never what it computes, reports, or the order of its free lists.             \
	 */                                                                             \
	unsigned int walk_threads;                                                      \
	/*                                                                              \
	 * Debugging: take the general, page-by-page code wherever a fast path          \
	 * would reach the same state in fewer passes (deferred init of a whole         \
	 * MAX_ORDER block, core/deferred_block.c; reserved pages a word of 64          \
	 * at a time, core/memblock_free_all.c). The state and reports must be          \
	 * the same either way; test_fast_paths compares them. false: the               \
	 * fast paths are taken where they apply.                                       \
	 */                                                                             \
	bool no_fast_paths;
	/* end of BM_CONFIG_MEMBERS */

struct bm_config {
	BM_CONFIG_MEMBERS
};

void bm_config_default(struct bm_config *cfg);

/* Output sink for reports: the core formats, the host writes. */
struct bm_sink {
	void (*write)(struct bm_sink *s, const char *buf, size_t len);
	void *ctx;
};

struct bm_machine {
	struct bm_config cfg;
	const struct bm_prim *prim;

	/*
	 * Physical memory. Simulated (bm_machine_init): phys address p lives
	 * at phys_base + p, for p < phys_size. Identity (phys == virt,
	 * bm_machine_init_identity): phys_base is NULL and p is the host
	 * address itself, for p in [phys_start, phys_start + phys_size).
	 */
	uint8_t *phys_base;
	phys_addr_t phys_size;
	bool phys_identity;
	phys_addr_t phys_start;

	enum bm_phase phase;
	unsigned int steps;		/* boot steps done, BM_STEP_* (core/phase.c) */
	bool dead;			/* torn down: every later call is refused */
	const char *caller;		/* who is calling now, for traces and violations */

	struct bm_memblock_state memblock;
	struct bm_mm mm;
	struct bm_boot_state boot;

	/* Every violation counted, by kind (atomically: deferred-init threads
	 * may report); read them once no thread is booting any more. */
	unsigned long violation_count[BM_NR_VIOLATION_KINDS];
	/* The checker's record, if the host attached one; NULL: counts only. */
	struct bm_violation_record *record;

	/* Optional observer of log lines, in addition to prim->log. */
	void (*log_hook)(struct bm_machine *m, int level, const char *line);
	void *user;
	/* Held around prim->log and log_hook: deferred-init threads report
	 * violations concurrently, and neither callback need be thread-safe. */
	int log_lock;
};

/**
 * bm_machine_init - prepare a machine context
 * @m: storage for the machine, owned by the caller
 * @prim: the host's platform contract
 * @cfg: configuration (copied); NULL for bm_config_default()
 * @phys_size: bytes of simulated physical address space to back (the end of
 *             the highest RAM range); may be 0 for a machine that only uses
 *             memblock's static arrays
 *
 * Return: 0, or -BM_ENOMEM if the host could not back the address space.
 */
int bm_machine_init(struct bm_machine *m, const struct bm_prim *prim,
		    const struct bm_config *cfg, phys_addr_t phys_size);
/**
 * bm_machine_init_identity - prepare a machine whose physical addresses are
 *                            host addresses (phys == virt)
 * @m: storage for the machine, owned by the caller
 * @prim: the host's platform contract (phys_map is not used)
 * @cfg: configuration (copied); NULL for bm_config_default()
 * @start: lowest host address that may be used as physical memory
 * @size: bytes from @start; BM_PHYS_ADDR_MAX - @start for "any address"
 *
 * For hosts that own the memory they register, as an identity-mapped
 * kernel does and as tools/testing/memblock does (it mallocs a block and
 * memblock_add()s its address): bootmm maps nothing and frees nothing; it
 * trusts that every range the caller registers with memblock is host
 * memory it may write (doubled region arrays, zeroed allocations).
 * Address 0 never converts to a pointer (it is NULL).
 *
 * Return: 0, -BM_EINVAL if @start + @size wraps, or -BM_ENOMEM.
 */
int bm_machine_init_identity(struct bm_machine *m, const struct bm_prim *prim,
			     const struct bm_config *cfg, phys_addr_t start,
			     phys_addr_t size);
/**
 * bm_machine_set_record - attach the checker's record to a machine
 * @m: machine, after bm_machine_init() or bm_machine_init_identity()
 * @rec: storage for the record, owned by the caller (emptied here); NULL
 *       detaches the record, after which violations are only counted
 *
 * Context: before the boot, or while no other thread reports on @m.
 */
void bm_machine_set_record(struct bm_machine *m, struct bm_violation_record *rec);
/* Release host resources of @m (the simulated RAM and shadows). */
void bm_machine_destroy(struct bm_machine *m);

/* Host pointer of physical address @phys, NULL if out of range (or 0 in
 * identity mode); bm_virt_to_phys() is its inverse. */
void *bm_phys_to_virt(struct bm_machine *m, phys_addr_t phys);
phys_addr_t bm_virt_to_phys(struct bm_machine *m, const void *virt);

void bm_set_phase(struct bm_machine *m, enum bm_phase phase);

/* Boot steps (m->steps): each runs once, in this order (core/phase.c). */
#define BM_STEP_FREE_AREA_INIT	(1u << 0)
#define BM_STEP_FREE_ALL	(1u << 1)	/* memblock_free_all */
#define BM_STEP_INIT_LATE	(1u << 2)	/* page_alloc_init_late */
#define BM_STEP_BOOT		(1u << 3)	/* bm_boot started */

/* Logging: the line is formatted by the core's own printf (fmt.c). */
void bm_log(struct bm_machine *m, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Count a violation and record it in m->record if attached; logged at
 * BM_LOG_ERR (WARN kinds at BM_LOG_WARN). */
void bm_violation(struct bm_machine *m, enum bm_violation_kind kind,
		  bm_pfn_t pfn_start, bm_pfn_t pfn_end, const char *func,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Freestanding formatting: %d %i %u %x %X %s %c %p %%, with l/ll/z, width,
 * '0' and '-' flags, and precision for %s. */
int bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bm_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bm_printf(struct bm_sink *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* BOOTMM_MACHINE_H */
