// SPDX-License-Identifier: MIT
/*
 * The example kernel's start_kernel: bootmm's core is its physical memory
 * manager. setup_arch hands the firmware map to memblock; bm_boot runs the
 * kernel's memory milestones (free_area_init with deferred struct page
 * init, memblock_free_all, smp_init, where this kernel starts its other
 * CPUs, page_alloc_init_late on all of them, the initcall levels,
 * free_initmem, where this kernel releases its own __init memory through
 * the safe release path); then the buddy allocator serves a stress loop
 * whose blocks are really written and read back through the direct map,
 * the whole machine is checked, and the machine powers off with PASS or
 * FAIL (isa-debug-exit status, else ACPI S5 on q35).
 */
#include "kernel.h"

#define STRESS_OPS	4000
#define MAX_LIVE	256

/* The machine lives in .bss (65 KB): nothing to allocate it from yet. */
static struct bm_machine machine;

struct block {
	bm_pfn_t pfn;
	unsigned int order;
};

static struct block live[MAX_LIVE];
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: a fixed seed, so every boot does the same operations. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t *page_word(bm_pfn_t pfn)
{
	return (uint64_t *)(uintptr_t)(PAGE_OFFSET + ((uint64_t)pfn << BM_PAGE_SHIFT));
}

/* The owner's mark in every page of a block: its pfn, inverted. */
static void fill(const struct block *b)
{
	for (bm_pfn_t p = b->pfn; p < b->pfn + (1ul << b->order); p++)
		*page_word(p) = ~(uint64_t)p;
}

static bool intact(const struct block *b)
{
	for (bm_pfn_t p = b->pfn; p < b->pfn + (1ul << b->order); p++)
		if (*page_word(p) != ~(uint64_t)p)
			return false;
	return true;
}

/*
 * free_initmem: this kernel's own __init_begin..__init_end (boot.S's entry
 * and page-table setup, setup_arch, the e820 tables) back to the buddy
 * through free_reserved_area, under the release policy (safe: correct at
 * any phase, deferred pages or not).
 */
static void free_initmem(struct bm_machine *m, void *arg)
{
	(void)arg;
	bm_free_reserved_area(m, (phys_addr_t)(uintptr_t)__init_begin,
			      (phys_addr_t)(uintptr_t)__init_end, -1,
			      "unused kernel image (initmem)");
}

/*
 * smp_init: the application processors come up and deferred struct page
 * init (page_alloc_init_late, the next phase) runs on all of them.
 */
static void bring_up_cpus(struct bm_machine *m, void *arg)
{
	unsigned int cpus = smp_init();

	(void)arg;
	m->cfg.threads = cpus;
	kprintf("smp: Brought up 1 node, %u CPU%s\n", cpus, cpus == 1 ? "" : "s");
}

/* After deferred init nothing runs in parallel any more. */
static void park_cpus(struct bm_machine *m, void *arg)
{
	(void)m, (void)arg;
	smp_park();
}

/*
 * Random allocations and frees: orders 0..MAX_PAGE_ORDER (small ones more
 * often), all three migratetypes, each block marked in every page and
 * checked when freed. Returns the number of corrupted blocks.
 */
static unsigned long stress(struct bm_machine *m, unsigned long *allocs, unsigned long *fails)
{
	unsigned int nlive = 0;
	unsigned long bad = 0;

	for (int op = 0; op < STRESS_OPS; op++) {
		uint64_t r = rnd();

		if (nlive && (nlive == MAX_LIVE || (r & 3) == 0 || ((r & 3) == 1 && nlive > 64))) {
			unsigned int i = (unsigned int)((r >> 8) % nlive);

			if (!intact(&live[i]))
				bad++;
			bm_free_pages(m, live[i].pfn, live[i].order);
			live[i] = live[--nlive];
		} else {
			unsigned int order = (unsigned int)((r >> 8) % (m->cfg.max_page_order + 1));
			int mt = (int)((r >> 16) % 3);	/* unmovable, movable, reclaimable */
			bm_pfn_t pfn;

			if ((r >> 24) & 1)
				order /= 2;
			pfn = bm_alloc_pages(m, BM_NUMA_NO_NODE, order, BM_ZONE_NORMAL, mt);
			if (pfn == BM_NO_PFN) {
				(*fails)++;
				continue;
			}
			(*allocs)++;
			live[nlive] = (struct block){ pfn, order };
			fill(&live[nlive++]);
		}
	}
	while (nlive) {
		if (!intact(&live[nlive - 1]))
			bad++;
		nlive--;
		bm_free_pages(m, live[nlive].pfn, live[nlive].order);
	}
	return bad;
}

static void memblock_memory(struct bm_machine *m, struct bm_sink *out)
{
	bm_memblock_debugfs_dump(m, &m->memblock.mb.memory, out);
}

static void memblock_reserved(struct bm_machine *m, struct bm_sink *out)
{
	bm_memblock_debugfs_dump(m, &m->memblock.mb.reserved, out);
}

/*
 * The core's reports under the titles `bootmm boot --show` gives them, so
 * the test compares the two outputs section by section.
 */
static void print_reports(struct bm_machine *m)
{
	static const struct {
		const char *title;
		void (*fn)(struct bm_machine *m, struct bm_sink *out);
	} reports[] = {
		{ "/proc/meminfo", bm_report_meminfo },
		{ "/proc/zoneinfo", bm_report_zoneinfo },
		{ "/proc/buddyinfo", bm_report_buddyinfo },
		{ "/proc/pagetypeinfo", bm_report_pagetypeinfo },
		{ "/sys/kernel/debug/memblock/memory", memblock_memory },
		{ "/sys/kernel/debug/memblock/reserved", memblock_reserved },
	};

	for (size_t i = 0; i < BM_ARRAY_SIZE(reports); i++) {
		kprintf("\n== %s ==\n", reports[i].title);
		reports[i].fn(m, &serial_sink);
	}
	kprintf("\n");
}

/**
 * poweroff - end the run with a verdict QEMU can report
 * @pass: true for PASS
 *
 * Context: any; does not return.
 */
void poweroff(int pass)
{
	/* isa-debug-exit (iobase 0xf4): QEMU exits with (value << 1) | 1. */
	outb(0xf4, pass ? 0x10 : 0x11);
	/* q35 ICH9 PM1a_CNT (PMBASE 0x600 as SeaBIOS sets it): SLP_EN, S5. */
	outw(0x604, 0x2000);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static unsigned long violations(const struct bm_machine *m)
{
	unsigned long n = 0;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		n += m->violation_count[k];
	return n;
}

/**
 * kmain - the kernel after boot.S: boot the memory manager, use it, check it
 * @start_info: physical address of the PVH start_info (%ebx at entry)
 *
 * Context: long mode, one CPU, interrupts off; does not return.
 */
void kmain(uint32_t start_info);
void kmain(uint32_t start_info)
{
	struct bm_machine *m = &machine;
	struct bm_config cfg;
	const struct bm_action actions[] = {
		{ BM_PHASE_SMP_INIT, bring_up_cpus, NULL, "smp_init" },
		{ BM_PHASE_CORE_INITCALL, park_cpus, NULL, "park_cpus" },
		{ BM_PHASE_FREE_INITMEM, free_initmem, NULL, "free_initmem" },
	};
	unsigned long free_before, free_after, allocs = 0, fails = 0, bad;
	int mm_failures, mb_failures;
	bool pass;

	serial_init();
	kprintf("\nbootmm-kernel: bootmm's core as a physical memory manager, x86-64, PVH boot\n");
	tsc_calibrate();

	/* An x86-64 distribution kernel's configuration, this image's sizes,
	 * memblock kept (CONFIG_ARCH_KEEP_MEMBLOCK) so it can be checked and
	 * shown after boot, no vmalloc page-table preallocation (this kernel
	 * has no vmalloc area). */
	bm_config_default(&cfg);
	cfg.arch_keep_memblock = true;
	cfg.kernel_code = (uint64_t)(_etext - _text);
	cfg.kernel_rodata = (uint64_t)(__end_rodata - __start_rodata);
	cfg.kernel_rwdata = (uint64_t)(_edata - _sdata);
	cfg.kernel_init = (uint64_t)(__init_end - __init_begin);
	cfg.kernel_bss = (uint64_t)(__bss_end - __bss_start);
	cfg.vmalloc_prealloc_pages = 0;

	if (setup_arch(m, &cfg, start_info)) {
		kprintf("bootmm-kernel: FAIL (setup_arch)\n");
		poweroff(0);
	}
	print_scenario(m);
	if (bm_boot(m, actions, BM_ARRAY_SIZE(actions))) {
		kprintf("bootmm-kernel: FAIL (free_area_init could not build the memory map)\n");
		poweroff(0);
	}
	/* From here on __init memory belongs to the buddy allocator. */

	print_reports(m);

	free_before = bm_nr_free_pages(m);
	bad = stress(m, &allocs, &fails);
	free_after = bm_nr_free_pages(m);
	mm_failures = bm_mm_check(m);
	mb_failures = bm_memblock_check(m);
	kprintf("bootmm-kernel: stress: %d ops, %lu allocations (%lu failed), %lu corrupted blocks; "
		"free pages %lu before, %lu after\n",
		STRESS_OPS, allocs, fails, bad, free_before, free_after);
	kprintf("bootmm-kernel: check: bm_mm_check %d, bm_memblock_check %d, violations %lu; "
		"host arena %zu KiB peak\n",
		mm_failures, mb_failures, violations(m), arena_peak() >> 10);
	pass = !bad && free_before == free_after && !mm_failures && !mb_failures &&
	       !violations(m) && allocs;
	kprintf("bootmm-kernel: %s\n", pass ? "PASS" : "FAIL");
	poweroff(pass);
}
