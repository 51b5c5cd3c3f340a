// SPDX-License-Identifier: MIT
/*
 * The kernel's callers that release reserved memory, placed on the boot
 * timeline where each kernel era put them: EFI boot services (seed 004),
 * .smp_locks (seed 000), initrd, initmem and the image gaps, and the
 * per-module SMP alternatives bookkeeping (seed 002).
 */
#include "sim/sim_int.h"

#define SZ_1M ((phys_addr_t)1 << 20)

int bm_sim_placement(const struct bm_sim_config *cfg)
{
	if (cfg->placement != BM_PLACEMENT_AUTO)
		return cfg->placement;
	return cfg->release_policy == BM_POLICY_WARN ? BM_PLACEMENT_FIXED : BM_PLACEMENT_HISTORICAL;
}

/* EFI's own placement, when a kernel moved it alone (6.1.192 backport). */
static int sim_efi_placement(const struct bm_sim_config *cfg)
{
	int p;

	if (cfg->placement_efi != BM_PLACEMENT_AUTO)
		return cfg->placement_efi;
	p = bm_sim_placement(cfg);
	return p == BM_PLACEMENT_INITMEM ? BM_PLACEMENT_HISTORICAL : p;
}

/*
 * efi_free_boot_services: every boot-services range this kernel reserved,
 * minus what lies below 1 MiB (the BIOS may clobber it, kdump needs it).
 * Old kernels used memblock_free_late before SMP; 2026 kernels record the
 * ranges and free them with free_reserved_area in an arch_initcall.
 */
static void efi_free_boot_services(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;
	const struct bm_machine_desc *d = c->desc;
	bool late_api = sim_efi_placement(&c->cfg) == BM_PLACEMENT_HISTORICAL;
	unsigned long pages = 0;

	for (size_t i = 0; i < d->n_efi_boot; i++) {
		phys_addr_t start = d->efi_boot[i].base, end = start + d->efi_boot[i].size;

		if (end <= SZ_1M)
			continue;
		if (start < SZ_1M)
			start = SZ_1M;
		if (late_api) {
			bm_memblock_free_late(m, start, end - start, "EFI boot services");
			pages += (unsigned long)(BM_PFN_DOWN(end) - BM_PFN_UP(start));
		} else {
			pages += bm_free_reserved_range(m, start, end, "EFI boot services");
		}
	}
	/* Only the 2026 code logs the total; it appears in the oracle logs. */
	if (!late_api && pages)
		bm_log(m, BM_LOG_INFO, "efi: Freeing EFI boot services memory: %luK",
		       pages << (BM_PAGE_SHIFT - 10));
}

/* alternative_instructions / free_smp_locks: free_init_pages("SMP alternatives"). */
static void free_smp_locks(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;
	const struct bm_kernel_image *k = &c->desc->kernel;

	if (k->smp_locks_end > k->smp_locks_start)
		bm_free_reserved_area(m, k->smp_locks_start, k->smp_locks_end, -1,
				      "SMP alternatives");
}

/* populate_rootfs -> free_initrd_mem. */
static void free_initrd(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;
	const struct bm_sim_range *r = &c->desc->initrd;

	if (r->size)
		bm_free_reserved_area(m, r->base, BM_ALIGN_UP(r->base + r->size, BM_PAGE_SIZE), -1,
				      "initrd");
}

/*
 * free_initmem (unused decrypted memory, then __init_begin..__init_end, which
 * also holds .smp_locks under Peter Zijlstra's placement) and
 * mark_rodata_ro's two gaps.
 */
static void free_initmem(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;
	const struct bm_kernel_image *k = &c->desc->kernel;
	phys_addr_t init_end = k->init_end;

	if (k->decrypted_end > k->decrypted_start)
		bm_free_reserved_area(m, k->decrypted_start, k->decrypted_end, -1,
				      "unused decrypted");
	if (bm_sim_placement(&c->cfg) == BM_PLACEMENT_INITMEM &&
	    k->smp_locks_start == k->init_end)
		init_end = k->smp_locks_end;
	if (init_end > k->init_start)
		bm_free_reserved_area(m, k->init_start, init_end, -1,
				      "unused kernel image (initmem)");
	if (k->rodata_start > BM_ALIGN_UP(k->text_end, BM_PAGE_SIZE))
		bm_free_reserved_area(m, BM_ALIGN_UP(k->text_end, BM_PAGE_SIZE), k->rodata_start, -1,
				      "unused kernel image (text/rodata gap)");
	if (k->data_start > BM_ALIGN_UP(k->rodata_end, BM_PAGE_SIZE))
		bm_free_reserved_area(m, BM_ALIGN_UP(k->rodata_end, BM_PAGE_SIZE), k->data_start, -1,
				      "unused kernel image (rodata/data gap)");
}

/*
 * Seed 002: each module patched for SMP keeps a small bookkeeping record
 * of its lock prefixes. Loaded after the buddy is up; useless once SMP is
 * on. Before the fix they stayed until module unload (never, at boot).
 */
static void load_alt_modules(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;
	const struct bm_machine_desc *d = c->desc;

	for (unsigned i = 0; i < d->nr_alt_modules && c->run->nr_alt < BM_ARRAY_SIZE(c->run->alt_pfns); i++) {
		unsigned long order = 0;

		while ((1ul << order) < d->alt_pages_per_module)
			order++;
		bm_pfn_t pfn = bm_alloc_pages(m, 0, (unsigned)order, BM_ZONE_NORMAL, MIGRATE_UNMOVABLE);
		if (pfn != BM_NO_PFN)
			c->run->alt_pfns[c->run->nr_alt++] = (unsigned long)(pfn << 8 | order);
	}
}

static void alternatives_enable_smp(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;

	int p = c->cfg.placement_alt != BM_PLACEMENT_AUTO ? c->cfg.placement_alt :
		bm_sim_placement(&c->cfg);

	/* Before v4.15 the records stayed until module unload. */
	if (p == BM_PLACEMENT_HISTORICAL)
		return;
	for (unsigned i = 0; i < c->run->nr_alt; i++)
		bm_free_pages(m, c->run->alt_pfns[i] >> 8, (unsigned)(c->run->alt_pfns[i] & 0xff));
	c->run->nr_alt = 0;
}

/*
 * At the end of boot, each module's record still allocated is a leak of
 * its caller (the kernel frees them only at module unload): a violation
 * like any other, so the verdict counts it (verdict.c).
 */
static void alt_modules_kept(struct bm_machine *m, void *arg)
{
	struct sim_ctx *c = arg;

	for (unsigned i = 0; i < c->run->nr_alt; i++) {
		bm_pfn_t pfn = c->run->alt_pfns[i] >> 8;
		unsigned order = (unsigned)(c->run->alt_pfns[i] & 0xff);

		bm_violation(m, BM_V_LEAK, pfn, pfn + (1ul << order), "alternatives_enable_smp",
			     "module SMP alternatives: %luK kept after smp_init (freed at SMP "
			     "enable only with the fix)", (1ul << order) << (BM_PAGE_SHIFT - 10));
	}
}

/**
 * sim_callers - the timeline of the seeds' callers for one boot
 * @c: boot context (description, run, configuration)
 * @a: room for SIM_MAX_ACTIONS actions
 *
 * Return: the number of actions written.
 */
unsigned int sim_callers(struct sim_ctx *c, struct bm_action *a)
{
	const struct bm_machine_desc *d = c->desc;
	int placement = bm_sim_placement(&c->cfg);
	int early = placement == BM_PLACEMENT_HISTORICAL ? BM_PHASE_BEFORE_SMP : BM_PHASE_ARCH_INITCALL;
	int efi_phase = sim_efi_placement(&c->cfg) == BM_PLACEMENT_HISTORICAL ?
			BM_PHASE_BEFORE_SMP : BM_PHASE_ARCH_INITCALL;
	unsigned int n = 0;

	if (d->nr_alt_modules) {
		a[n++] = (struct bm_action){ BM_PHASE_BEFORE_SMP, load_alt_modules, c, "load_module" };
		a[n++] = (struct bm_action){ BM_PHASE_SMP_INIT, alternatives_enable_smp, c,
					     "alternatives_enable_smp" };
		a[n++] = (struct bm_action){ BM_PHASE_RUNNING, alt_modules_kept, c,
					     "alternatives_smp_module_add" };
	}
	if (placement != BM_PLACEMENT_INITMEM)
		a[n++] = (struct bm_action){ early, free_smp_locks, c, "alternative_instructions" };
	if (d->n_efi_boot && !d->efi_debug)
		a[n++] = (struct bm_action){ efi_phase, efi_free_boot_services, c,
					     "efi_free_boot_services" };
	a[n++] = (struct bm_action){ BM_PHASE_FS_INITCALL, free_initrd, c, "populate_rootfs" };
	a[n++] = (struct bm_action){ BM_PHASE_FREE_INITMEM, free_initmem, c, "free_initmem" };
	return n;
}
