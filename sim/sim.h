/* SPDX-License-Identifier: MIT */
/*
 * The simulator: a machine description (from a boot log, a firmware map or
 * a scenario) booted through the core under a configuration, with the
 * kernel's callers of the seeds placed on the timeline, and the checker's
 * verdict collected into one result.
 */
#ifndef BOOTMM_SIM_H
#define BOOTMM_SIM_H

#include <stdio.h>
#include "bootmm/machine.h"
#include "host/prim_host.h"

/*
 * The simulator's configuration: the kernel's (struct bm_config, whose
 * members it embeds, so cfg.release_policy and cfg.core both work) and
 * what only the simulator decides: where the callers that release early
 * memory run, and which kernel's era profile was applied.
 */
struct bm_sim_config {
	union {
		struct bm_config core;		/* what the core is given */
		struct { BM_CONFIG_MEMBERS };
	};
	int placement;			/* enum bm_placement of EFI boot services,
					 * .smp_locks and module alternatives */
	int placement_efi;		/* EFI boot services only; AUTO: as placement */
	int placement_alt;		/* module SMP alternatives; AUTO: as placement */
	/* The kernel whose era profile was applied (sim/era.c), "" for none. */
	char kernel[24];
};

/* The core's defaults (bm_config_default), every placement AUTO, no era. */
void bm_sim_config_default(struct bm_sim_config *cfg);

struct bm_sim_range {
	phys_addr_t base, size;
};

/* Where the kernel image's sections lie ([start, end) physical). */
struct bm_kernel_image {
	phys_addr_t text_start, text_end;
	phys_addr_t rodata_start, rodata_end;
	phys_addr_t data_start, data_end;
	phys_addr_t init_start, init_end;		/* __init_begin..__init_end */
	phys_addr_t smp_locks_start, smp_locks_end;	/* .smp_locks */
	phys_addr_t decrypted_start, decrypted_end;	/* unused .bss..decrypted */
	phys_addr_t bss_start, bss_end;
};

struct bm_machine_desc {
	char name[128];
	phys_addr_t phys_size;		/* bytes of simulated RAM to back */
	int nr_cpus;

	/*
	 * setup_arch: populate memblock (memory, nodes, reservations, early
	 * allocations) as the kernel did: by replaying a memblock=debug trace
	 * or through the x86 model. Called in BM_PHASE_SETUP_ARCH; may build
	 * the memory map itself (bm_sparse_init_at) when a trace made it.
	 * Returns 0 or a negative error.
	 */
	int (*setup_arch)(struct bm_machine *m, void *arg);
	void *setup_arg;

	struct bm_kernel_image kernel;
	struct bm_sim_range initrd;		/* size 0: none */
	struct bm_sim_range *efi_boot;		/* boot services ranges reserved */
	size_t n_efi_boot;
	bool efi_debug;				/* efi=debug keeps boot services */
	struct bm_sim_range *kho_scratch;	/* KHO boot when n_kho > 0 */
	size_t n_kho;
	unsigned nr_alt_modules;		/* modules with SMP alternatives (seed 002) */
	unsigned long alt_pages_per_module;
	/* More timeline work (scenario actions), run after the callers'. */
	const struct bm_action *extra_actions;
	unsigned nr_extra_actions;
};

/* sim/feasible.c: does the host have the memory to simulate a machine? */
uint64_t bm_sim_host_memory(const char **from);
uint64_t bm_sim_host_need(phys_addr_t phys_size);
bool bm_sim_feasible(const struct bm_machine_desc *d, char *why, size_t n);
void bm_sim_note_failure(const struct bm_machine *m, int ret);
const char *bm_sim_last_failure(void);

/* What the checker found in one boot: the JSON schema's per-policy fields. */
struct bm_sim_result {
	int policy;
	int placement;
	unsigned long leaked_pages;
	unsigned long uninit_reads;
	unsigned long double_inits;
	unsigned long memblock_mismatches;
	unsigned long migratetype_errors;
	unsigned long warns;
	unsigned long misuse;
	unsigned long invariant;
	uint64_t memtotal_kb;
	uint64_t memfree_kb;
	unsigned long released_pages;	/* pages owners gave back */
	unsigned long freed_pages;	/* of those, pages that reached the buddy */
	/* Phase at which the memory the seeds' callers release (up to
	 * arch_initcall) was all free; -1 if some never was. */
	int usable_phase;
	unsigned long alt_leaked_pages;	/* seed 002: module alternatives never freed */
	/* The verdict (bm_sim_verdict): what text, JSON and exit status report. */
	unsigned long violation_counts[BM_NR_VIOLATION_KINDS];
	unsigned long violations;	/* their sum: 0 is clean */
	unsigned long violations_unrecorded;	/* counted past the checker's record */
};

/* One finished boot: the machine stays inspectable for reports. */
struct bm_sim_run {
	struct bm_host host;
	struct bm_machine m;
	struct bm_violation_record record;	/* the checker's record of m */
	struct bm_sim_result res;
	char *log;		/* every log line, '\n'-separated */
	size_t log_len, log_cap;
	unsigned long alt_pfns[64];	/* seed 002 allocations still held */
	unsigned nr_alt;
};

/*
 * Boot @d with @cfg (NULL: defaults). Log lines at or below @level go to
 * @log_file (NULL: none); all are kept in run->log. Returns the run (free
 * with bm_sim_run_free), or NULL with *err set (negative error) if the
 * machine could not be set up.
 */
struct bm_sim_run *bm_sim_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			       FILE *log_file, int level, int *err);
void bm_sim_run_free(struct bm_sim_run *run);

/*
 * The boots of one comparison differ only in how reserved memory is
 * released, and nothing can be released before memblock_free_all
 * (release_range refuses it): up to the branch point, right after
 * mm_core_init's own work (memblock_free_all, preallocate_vmalloc_pages,
 * an early "Memory:" line), such boots are the same boot.
 */
struct bm_sim_branch {
	const struct bm_sim_config *cfgs;	/* cfgs[0] is booted to the branch point */
	unsigned int n;				/* at least 1 */
	/*
	 * Called once, at the branch point, with shared[k] true for every k
	 * whose own boot would have reached this very state (shared[0] is
	 * true). Returns the index this process goes on as: 0, or a k with
	 * shared[k] (e.g. in a child forked here). Anything else counts as 0.
	 */
	unsigned int (*split)(void *arg, const bool *shared, unsigned int n);
	void *arg;
	/*
	 * If not 0, cfg.walk_threads of the boot from the split on, whichever
	 * it goes on as: processes forked there share the CPUs. The walks'
	 * results do not depend on it.
	 */
	unsigned int walk_threads_after;
};

/**
 * bm_sim_boot_branched - boot br->cfgs[0], letting the boot become another
 * of br->cfgs at the branch point
 * @d: the machine
 * @br: the configurations and the split callback
 * @log_file: as bm_sim_boot
 * @level: as bm_sim_boot
 * @err: as bm_sim_boot
 *
 * Return: the finished run under the configuration split chose (its result
 * is what bm_sim_boot of that configuration returns), or NULL with *err.
 * Context: as bm_sim_boot; split runs inside the boot.
 */
struct bm_sim_run *bm_sim_boot_branched(const struct bm_machine_desc *d,
					const struct bm_sim_branch *br, FILE *log_file, int level,
					int *err);

/**
 * bm_sim_prefix_shared - do two configurations boot @d alike up to the
 * branch point?
 * @d: the machine
 * @a: one configuration
 * @b: another
 *
 * True when they differ at most in what only releases read (release
 * policies, placements, the era's name; KHO's fix unless the boot is a KHO
 * boot) and neither schedules a caller at or before mm_core_init.
 * Return: true if a boot of @a at its branch point is a boot of @b there.
 */
bool bm_sim_prefix_shared(const struct bm_machine_desc *d, const struct bm_sim_config *a,
			  const struct bm_sim_config *b);

/*
 * bm_sim_set_host_timings - let bm_sim_boot's machines read the host's
 * clock. Off by default: the clock stands still, so everything a boot
 * prints ("node 0 deferred pages initialised in 0ms") is the same on every
 * run and can be diffed. Context: set once, before booting (not thread safe).
 */
void bm_sim_set_host_timings(bool on);

/*
 * bm_sim_set_keep_ram - let each machine's simulated RAM, once the run is
 * freed, serve the next machine of the same size (bm_host.keep_phys): the
 * boots of one comparison then write memory already faulted in. Off by
 * default. Context: set once, before booting (not thread safe).
 */
void bm_sim_set_keep_ram(bool on);

/*
 * Boot @d under every policy; results[p] for policy p. @before (may be
 * NULL) is called with @arg and the policy before each boot (progress).
 * Returns 0 or the first boot's negative error.
 */
int bm_sim_compare(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
		   struct bm_sim_result results[BM_NR_POLICIES],
		   void (*before)(void *arg, int policy), void *arg);

/* verdict.c: the one definition of a violation and of a clean boot. */
void bm_sim_verdict(const struct bm_machine *m, struct bm_sim_result *r);
bool bm_sim_clean(const struct bm_sim_result *r);

/* Placement that applies under @cfg (resolves BM_PLACEMENT_AUTO). */
int bm_sim_placement(const struct bm_sim_config *cfg);

#endif /* BOOTMM_SIM_H */
