// SPDX-License-Identifier: MIT
/*
 * One test per seed thread (the five kernel threads the project started from): each bug reproduced under
 * the kernel behaviour of its time, with exact figures, and gone under
 * "warn" (v7.1 with the callers moved) and "safe" (no caller moved).
 *
 * 004 and 001 run on the real 512 MiB EFI machine of
 * tests/data/logs/efi-512M-trace.log (its memblock=debug trace replayed);
 * 000, 002 and 003 need layouts that machine does not have, so they use
 * synthetic machines built here.
 */
#include "check.h"
#include "synth.h"
#include "sim/desc.h"

#define LOG BOOTMM_DATA_DIR "/efi-512M-trace.log"
#define SZ_1G ((phys_addr_t)1 << 30)

static struct bm_bootlog log512;
static struct bm_machine_desc desc512;
static struct bm_sim_config cfg512;

/*
 * Independent of the simulator: boot-services pages efi_free_boot_services
 * gives back (above 1 MiB), and those at or above first_deferred_pfn,
 * straight from the kernel's own efi_reserve_boot_services trace lines.
 */
static void efi_pages_from_log(bm_pfn_t first_deferred, unsigned long *all,
			       unsigned long *deferred)
{
	*all = *deferred = 0;
	for (size_t i = 0; i < log512.n_events; i++) {
		const struct bm_mb_event *ev = &log512.events[i];
		phys_addr_t s = ev->start, e = ev->end + 1;
		bm_pfn_t sp, ep;

		if (ev->op != BM_MB_RESERVE || strcmp(ev->caller, "efi_reserve_boot_services"))
			continue;
		if (e <= SZ_1M)
			continue;
		s = s < SZ_1M ? SZ_1M : s;
		sp = BM_PFN_UP(s);
		ep = BM_PFN_DOWN(e);
		*all += (unsigned long)(ep - sp);
		if (ep > first_deferred)
			*deferred += (unsigned long)(ep - (sp > first_deferred ? sp : first_deferred));
	}
}

static struct bm_sim_run *boot512(int policy, int placement_efi)
{
	struct bm_sim_config cfg = cfg512;
	struct bm_sim_run *run;
	int err = 0;

	cfg.release_policy = policy;
	cfg.placement_efi = placement_efi;
	cfg.placement = BM_PLACEMENT_AUTO;
	cfg.arch_keep_memblock = true;
	run = bm_sim_boot(&desc512, &cfg, NULL, 0, &err);
	CHECK(run != NULL);
	return run;
}

/* Seed 004: EFI boot services leak on a 512 MiB machine. */
static void test_seed004_efi_leak(void)
{
	unsigned long all, deferred;
	struct bm_sim_run *old, *warn, *safe;
	struct bm_release_rec *r;

	old = boot512(BM_POLICY_SKIP_UNINIT, BM_PLACEMENT_HISTORICAL);
	if (!old)
		return;
	CHECK_EQ(old->m.mm.nodes[0].first_deferred_pfn, BM_NO_PFN);	/* done by then */
	efi_pages_from_log(0x10000, &all, &deferred);
	CHECK_EQ(all, 12486);		/* 49944K: "efi: Freeing EFI boot services memory" */
	CHECK_EQ(deferred, 9414);	/* 37656K at or above pfn 0x10000 */
	r = bm_release_rec(&old->m, "EFI boot services");
	CHECK_EQ(r->pages_released, all);
	CHECK_EQ(r->pages_freed, all - deferred);
	CHECK_EQ(r->pages_released - r->pages_freed, deferred);
	/*
	 * .smp_locks (9 pages, also above the frontier) goes through
	 * free_reserved_area, which freed at once in that era: not a leak.
	 */
	r = bm_release_rec(&old->m, "SMP alternatives");
	CHECK(r != NULL);
	if (r) {
		CHECK_EQ(r->pages_released, 9);
		CHECK_EQ(r->pages_freed, 9);
	}
	CHECK_EQ(old->res.leaked_pages, deferred);
	CHECK_EQ(old->res.uninit_reads, 0);
	/* Every leaked range is at or above first_deferred_pfn, before SMP. */
	for (unsigned long i = 0; i < old->m.record->nr_recorded; i++) {
		const struct bm_violation *v = &old->m.record->violations[i];

		if (v->kind != BM_V_LEAK)
			continue;
		CHECK(v->pfn_start >= 0x10000);
	}

	warn = boot512(BM_POLICY_WARN, BM_PLACEMENT_AUTO);
	safe = boot512(BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL);
	if (warn && safe) {
		CHECK_EQ(warn->res.leaked_pages, 0);
		CHECK_EQ(warn->res.warns, 0);
		CHECK_EQ(bm_release_rec(&warn->m, "EFI boot services")->pages_freed, all);
		CHECK_EQ(safe->res.leaked_pages, 0);
		CHECK_EQ(safe->res.uninit_reads, 0);
		CHECK_EQ(safe->res.double_inits, 0);
		CHECK_EQ(safe->res.memblock_mismatches, 0);
		CHECK_EQ(bm_release_rec(&safe->m, "EFI boot services")->pages_freed, all);
		/* Same machine, same free memory whichever fix: nothing lost. */
		CHECK_EQ(safe->res.memfree_kb, warn->res.memfree_kb);
		CHECK_EQ(old->res.memfree_kb + deferred * 4, safe->res.memfree_kb);
		printf("     seed 004: skip-uninit leaks %lu pages (%luK) of %lu released; "
		       "warn and safe leak 0\n", deferred, deferred * 4, all);
	}
	bm_sim_run_free(old);
	bm_sim_run_free(warn);
	bm_sim_run_free(safe);
}

/* Seed 001: 115d9d77bb0f frees straight to the buddy and reads uninitialised buddies. */
static void test_seed001_free_early(void)
{
	struct bm_sim_run *early = boot512(BM_POLICY_FREE_EARLY, BM_PLACEMENT_HISTORICAL);
	struct bm_sim_run *safe = boot512(BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL);
	unsigned long seen = 0;

	if (!early || !safe)
		goto out;
	CHECK(early->res.uninit_reads > 0);
	CHECK_EQ(early->res.leaked_pages, 0);
	for (unsigned long i = 0; i < early->m.record->nr_recorded; i++) {
		const struct bm_violation *v = &early->m.record->violations[i];

		if (v->kind != BM_V_UNINIT_READ)
			continue;
		seen++;
		CHECK_EQ(v->phase, BM_PHASE_BEFORE_SMP);
		CHECK_STR(v->cause, "efi_free_boot_services");
		CHECK(v->pfn_start >= 0x10000);
		CHECK(!bm_memblock_is_region_reserved(&early->m, BM_PFN_PHYS(v->pfn_start),
						      BM_PAGE_SIZE));
	}
	CHECK(seen > 0);
	CHECK_EQ(safe->res.uninit_reads, 0);
	printf("     seed 001: free-early reads %lu uninitialised struct pages; safe 0\n",
	       early->res.uninit_reads);
out:
	bm_sim_run_free(early);
	bm_sim_run_free(safe);
}

/*
 * Seed 000 on the oracle machine: .smp_locks sits at the end of the
 * KASLR-placed image (0x16200000..), above first_deferred_pfn, but its
 * MAX_ORDER block lies wholly inside the reserved image, whose struct pages
 * are initialised: freeing it before SMP reads no uninitialised buddy there.
 */
static void test_seed000_oracle_layout(void)
{
	struct bm_sim_run *early = boot512(BM_POLICY_FREE_EARLY, BM_PLACEMENT_FIXED);
	struct bm_release_rec *r;

	if (!early)
		return;
	CHECK(BM_PFN_DOWN(desc512.kernel.smp_locks_start) >= 0x10000);
	r = bm_release_rec(&early->m, "SMP alternatives");
	CHECK_EQ(r->pages_released, 9);		/* "Freeing SMP alternatives memory: 36K" */
	CHECK_EQ(r->phase_released, BM_PHASE_BEFORE_SMP);
	CHECK_EQ(early->res.uninit_reads, 0);
	bm_sim_run_free(early);
}

/* --- synthetic machines ----------------------------------------------------- */

struct synth_layout {
	phys_addr_t size;
	phys_addr_t image_start, image_end;	/* reserved kernel image */
	phys_addr_t kho_start, kho_end;		/* KHO scratch, 0: none */
	phys_addr_t kho_rsv;			/* a reserved page in scratch */
};

static int synth_setup(struct bm_machine *m, void *arg)
{
	const struct synth_layout *l = arg;

	bm_memblock_add(m, 0x1000, 0x9f000);
	bm_memblock_add(m, SZ_1M, l->size - SZ_1M);
	bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
	if (l->kho_end)
		bm_memblock_mark_kho_scratch(m, l->kho_start, l->kho_end - l->kho_start);
	bm_memblock_reserve(m, 0, SZ_1M);
	bm_memblock_reserve(m, l->image_start, l->image_end - l->image_start);
	if (l->kho_rsv)
		bm_memblock_reserve(m, l->kho_rsv, BM_PAGE_SIZE);
	bm_memblock_set_current_limit(m, l->size);
	return 0;
}

static void synth_desc(struct bm_machine_desc *d, struct synth_layout *l)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "synthetic");
	d->phys_size = l->size;
	d->nr_cpus = 2;
	d->setup_arch = synth_setup;
	d->setup_arg = l;
}

static struct bm_sim_run *synth_boot(const struct bm_machine_desc *d, int policy, int placement,
				     bool kho_fixed)
{
	struct bm_sim_config cfg;
	struct bm_sim_run *run;
	int err = 0;

	bm_sim_config_default(&cfg);
	cfg.release_policy = policy;
	cfg.placement = placement;
	cfg.kho_fixed = kho_fixed;
	run = bm_sim_boot(d, &cfg, NULL, 0, &err);
	CHECK(run != NULL);
	return run;
}

/*
 * Seed 000: an image in the deferred range whose reservation ends right
 * after .smp_locks (no .bss behind it, 48 KiB past a 4 MiB boundary).
 * Freeing .smp_locks before SMP merges its pages up to order 2, whose
 * buddy is the first page past the image: free memory whose struct page
 * deferred init has not reached. (In the oracle machine's layout .bss
 * follows, and the hazard stays latent: test_seed000_oracle_layout.)
 */
static void test_seed000_smp_locks(void)
{
	struct synth_layout l = { .size = 2 * SZ_1G };
	struct bm_machine_desc d;
	struct bm_sim_run *old, *warn, *safe, *initmem;

	l.image_start = SZ_1G;
	l.image_end = SZ_1G + 40 * SZ_1M + 0xc000;
	synth_desc(&d, &l);
	d.kernel.text_start = l.image_start;
	d.kernel.text_end = l.image_start + 16 * SZ_1M;
	d.kernel.init_start = l.image_start + 38 * SZ_1M;
	d.kernel.init_end = l.image_start + 40 * SZ_1M + 0x3000;
	d.kernel.smp_locks_start = d.kernel.init_end;
	d.kernel.smp_locks_end = d.kernel.init_end + 9 * BM_PAGE_SIZE;
	d.kernel.bss_start = d.kernel.bss_end = l.image_end;
	CHECK_EQ(d.kernel.smp_locks_end, l.image_end);

	old = synth_boot(&d, BM_POLICY_FREE_EARLY, BM_PLACEMENT_HISTORICAL, true);
	warn = synth_boot(&d, BM_POLICY_WARN, BM_PLACEMENT_AUTO, true);
	safe = synth_boot(&d, BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL, true);
	initmem = synth_boot(&d, BM_POLICY_SKIP_UNINIT, BM_PLACEMENT_INITMEM, true);
	if (old && warn && safe && initmem) {
		struct bm_release_rec *r = bm_release_rec(&old->m, "SMP alternatives");

		CHECK_EQ(r->pages_released, 9);
		CHECK_EQ(r->phase_released, BM_PHASE_BEFORE_SMP);
		/* The buddy, then the higher buddy buddy_merge_likely peeks at. */
		CHECK_EQ(old->res.uninit_reads, 2);
		CHECK_EQ(old->m.record->violations[0].kind, BM_V_UNINIT_READ);
		CHECK_EQ(old->m.record->violations[0].pfn_start, BM_PFN_DOWN(l.image_end));
		CHECK_STR(old->m.record->violations[0].cause, "alternative_instructions");
		CHECK_EQ(warn->res.uninit_reads, 0);
		CHECK_EQ(warn->res.leaked_pages, 0);
		CHECK_EQ(bm_release_rec(&warn->m, "SMP alternatives")->phase_released,
			 BM_PHASE_ARCH_INITCALL);
		CHECK_EQ(safe->res.uninit_reads, 0);
		CHECK_EQ(safe->res.leaked_pages, 0);
		CHECK_EQ(bm_release_rec(&safe->m, "SMP alternatives")->pages_freed, 9);
		/* Peter Zijlstra's placement: freed with initmem, after deferred init. */
		CHECK_EQ(initmem->res.uninit_reads, 0);
		CHECK_EQ(initmem->res.leaked_pages, 0);
		CHECK_EQ(bm_release_rec(&initmem->m, "SMP alternatives")->pages_released, 0);
	}
	bm_sim_run_free(old);
	bm_sim_run_free(warn);
	bm_sim_run_free(safe);
	bm_sim_run_free(initmem);
}

/* Seed 002: per-module SMP alternatives records outlive SMP bring-up. */
static void test_seed002_module_alternatives(void)
{
	struct synth_layout l = { .size = 2 * SZ_1G, .image_start = 16 * SZ_1M,
				  .image_end = 48 * SZ_1M };
	struct bm_machine_desc d;
	struct bm_sim_run *old, *fixed;

	synth_desc(&d, &l);
	d.nr_alt_modules = 12;
	d.alt_pages_per_module = 2;
	old = synth_boot(&d, BM_POLICY_SAFE, BM_PLACEMENT_HISTORICAL, true);
	fixed = synth_boot(&d, BM_POLICY_SAFE, BM_PLACEMENT_FIXED, true);
	if (old && fixed) {
		CHECK_EQ(old->res.alt_leaked_pages, 24);
		CHECK_EQ(fixed->res.alt_leaked_pages, 0);
		CHECK_EQ(fixed->res.memfree_kb - old->res.memfree_kb, 24 * 4);
	}
	bm_sim_run_free(old);
	bm_sim_run_free(fixed);
}

/*
 * Seed 003: KHO scratch [1 GiB, 1 GiB + 64 MiB) in the deferred range, one
 * reserved page on a pageblock boundary inside it. Before the fix, deferred
 * init and reserved-page init write MOVABLE over the CMA that
 * kho_release_scratch set, and initialise scratch struct pages twice.
 */
static void test_seed003_kho_scratch(void)
{
	struct synth_layout l = { .size = 2 * SZ_1G, .image_start = 16 * SZ_1M,
				  .image_end = 48 * SZ_1M, .kho_start = SZ_1G,
				  .kho_end = SZ_1G + 64 * SZ_1M,
				  .kho_rsv = SZ_1G + 8 * SZ_1M };
	struct bm_machine_desc d;
	struct bm_sim_run *old, *fixed;
	static struct bm_sim_range scratch;

	synth_desc(&d, &l);
	scratch.base = l.kho_start;
	scratch.size = l.kho_end - l.kho_start;
	d.kho_scratch = &scratch;
	d.n_kho = 1;
	old = synth_boot(&d, BM_POLICY_SAFE, BM_PLACEMENT_AUTO, false);
	fixed = synth_boot(&d, BM_POLICY_SAFE, BM_PLACEMENT_AUTO, true);
	if (old && fixed) {
		unsigned long pageblocks = (unsigned long)((l.kho_end - l.kho_start) >> 21);
		unsigned long plain = 0, reserved = 0;

		/* Every scratch pageblock is MOVABLE again, reported in ranges:
		 * those whose aligned page is free apart from those whose aligned
		 * page is reserved (the case raised in the thread). */
		for (unsigned long i = 0; i < old->m.record->nr_recorded; i++) {
			const struct bm_violation *v = &old->m.record->violations[i];
			unsigned long n = (unsigned long)(v->pfn_end - v->pfn_start) >> 9;

			if (v->kind != BM_V_MIGRATETYPE)
				continue;
			if (strstr(v->detail, "reserved pageblock-aligned page"))
				reserved += n;
			else
				plain += n;
		}
		CHECK(reserved >= 1);	/* at least the page reserved at 1 GiB + 8 MiB */
		CHECK(plain >= 1);
		CHECK_EQ(plain + reserved, pageblocks);
		CHECK(old->res.migratetype_errors >= 2);
		/* memmap_init_kho_scratch_pages, then deferred/reserved init again. */
		CHECK_EQ(old->res.double_inits, (unsigned long)((l.kho_end - l.kho_start) >> 12));
		CHECK_EQ(fixed->res.migratetype_errors, 0);
		CHECK_EQ(fixed->res.double_inits, 0);
		for (bm_pfn_t pfn = BM_PFN_DOWN(l.kho_start); pfn < BM_PFN_DOWN(l.kho_end); pfn += 512)
			CHECK_EQ(bm_get_pageblock_migratetype(&fixed->m, pfn), MIGRATE_CMA);
	}
	bm_sim_run_free(old);
	bm_sim_run_free(fixed);
}

int main(void)
{
	struct bm_parse_error err;

	if (bm_bootlog_parse_file(LOG, &log512, &err) ||
	    bm_desc_from_log(&log512, NULL, &desc512, &cfg512, &err)) {
		char msg[600];

		fprintf(stderr, "%s\n", bm_parse_error_format(&err, msg, sizeof(msg)));
		return 1;
	}
	RUN(test_seed004_efi_leak);
	RUN(test_seed001_free_early);
	RUN(test_seed000_oracle_layout);
	RUN(test_seed000_smp_locks);
	RUN(test_seed002_module_alternatives);
	RUN(test_seed003_kho_scratch);
	bm_desc_free(&desc512);
	bm_bootlog_free(&log512);
	return CHECK_DONE();
}
