// SPDX-License-Identifier: MIT
/*
 * The memory reports a booted kernel offers, in its exact formats, so that
 * bootmm's output can be compared line by line with a real machine's:
 * /proc/meminfo, /proc/zoneinfo, /proc/buddyinfo, /proc/pagetypeinfo and
 * the "Memory: ..." line of mem_init_print_info.
 *
 * Only what bootmm models is printed: watermarks, vmstat counters, per-cpu
 * page sets and the other meminfo fields have no counterpart here, and a
 * line with an invented value would be worse than no line. Every line that
 * is printed is byte-for-byte the kernel's (checked against the dumps in
 * the data/ logs).
 *
 * The reports read the free lists without taking zone locks: they are
 * snapshots for a quiescent machine, as the tests and the command use them.
 */
#include "internal.h"

/* seq_file cap of pagetypeinfo: the kernel stops counting a list here. */
#define FREE_COUNT_CAP	100000ul

/* Page counts to kB, the kernel's K() / "<< (PAGE_SHIFT - 10)". */
static inline unsigned long pages_to_kb(unsigned long pages)
{
	return pages << (BM_PAGE_SHIFT - 10);
}

/* populated_zone(): the kernel looks at present pages only. */
static inline bool zone_populated(const struct bm_zone *z)
{
	return z->present_pages != 0;
}

/* Pages on the @mt lists of @z, every order. */
static unsigned long zone_free_of_type(struct bm_machine *m, const struct bm_zone *z, int mt)
{
	unsigned long n = 0;

	if (!z->spanned_pages)	/* an empty zone's lists were never set up */
		return 0;
	for (unsigned int o = 0; o <= bm_max_order(m); o++)
		n += z->free_area[o].nr_free[mt] << o;
	return n;
}

/*
 * NR_FREE_PAGES of a zone. The kernel leaves isolated pages out of the
 * counter; bootmm's zone->nr_free_pages includes them (internal.h), so they
 * are taken off here to print what the kernel would.
 */
static unsigned long zone_nr_free(struct bm_machine *m, const struct bm_zone *z)
{
	if (!z->spanned_pages)
		return 0;
	return z->nr_free_pages - zone_free_of_type(m, z, MIGRATE_ISOLATE);
}

/* nr_free_pages(): every zone of every online node. */
static unsigned long global_nr_free(struct bm_machine *m)
{
	unsigned long n = 0;
	int nid;

	if (!m->mm.nodes)
		return 0;
	bm_for_each_online_node(m, nid)
		for (int t = 0; t < BM_NR_ZONES; t++)
			n += zone_nr_free(m, &m->mm.nodes[nid].zones[t]);
	return n;
}

/* NR_FREE_CMA_PAGES: free pages on the CMA lists. */
static unsigned long global_nr_free_cma(struct bm_machine *m)
{
	unsigned long n = 0;
	int nid;

	if (!m->mm.nodes)
		return 0;
	bm_for_each_online_node(m, nid)
		for (int t = 0; t < BM_NR_ZONES; t++)
			n += zone_free_of_type(m, &m->mm.nodes[nid].zones[t], MIGRATE_CMA);
	return n;
}

/*
 * Does this "kernel" have CONFIG_CMA? The Debian cloud kernel of the
 * reference logs does not, and its reports have no CMA column; bootmm
 * shows CMA as soon as the machine uses it: a KHO boot, CMA pageblocks,
 * or CMA pages counted.
 */
static bool cma_configured(struct bm_machine *m)
{
	bm_pfn_t span = (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION;
	unsigned long nr_pb = (unsigned long)(span >> bm_pageblock_order(m));

	if (m->cfg.kho || m->mm.totalcma_pages || global_nr_free_cma(m))
		return true;
	if (!m->mm.pageblock_mt)
		return false;
	for (unsigned long i = 0; i < nr_pb; i++)
		if (m->mm.pageblock_mt[i] == MIGRATE_CMA)
			return true;
	return false;
}

/* Is migratetype @mt a row/column of pagetypeinfo on this machine? */
static bool mt_shown(int mt, bool cma)
{
	return mt != MIGRATE_CMA || cma;
}

/**
 * bm_report_meminfo - the modelled lines of /proc/meminfo
 * @m: machine after memblock_free_all
 * @out: where the text goes
 *
 * MemTotal is totalram_pages, MemFree the free pages of every zone (the
 * kernel's NR_FREE_PAGES, isolated pages excluded), with the kernel's
 * "%-16s%8lu kB" layout ("MemTotal:         474636 kB"). CmaTotal and
 * CmaFree follow when the machine uses CMA (see cma_configured()).
 * Context: a quiescent machine (no concurrent frees); any phase.
 */
void bm_report_meminfo(struct bm_machine *m, struct bm_sink *out)
{
	bm_printf(out, "%-16s%8lu kB\n", "MemTotal:", pages_to_kb(m->mm.totalram_pages));
	bm_printf(out, "%-16s%8lu kB\n", "MemFree:", pages_to_kb(global_nr_free(m)));
	if (cma_configured(m)) {
		bm_printf(out, "%-16s%8lu kB\n", "CmaTotal:", pages_to_kb(m->mm.totalcma_pages));
		bm_printf(out, "%-16s%8lu kB\n", "CmaFree:", pages_to_kb(global_nr_free_cma(m)));
	}
}

/* One zone of /proc/zoneinfo, @name being the kernel's zone name. */
static void zoneinfo_zone(struct bm_machine *m, struct bm_sink *out, int nid, const char *name,
			  const struct bm_zone *z)
{
	bm_printf(out, "Node %d, zone %8s\n", nid, name);
	bm_printf(out, "  pages free     %lu\n", z ? zone_nr_free(m, z) : 0ul);
	bm_printf(out, "        spanned  %lu\n", z ? z->spanned_pages : 0ul);
	bm_printf(out, "        present  %lu\n", z ? z->present_pages : 0ul);
	bm_printf(out, "        managed  %lu\n", z ? z->managed_pages : 0ul);
	bm_printf(out, "        cma      %lu\n", z ? z->cma_pages : 0ul);
	/* The kernel stops here for an unpopulated zone: no start_pfn. */
	if (z && zone_populated(z))
		bm_printf(out, "  start_pfn:           %llu\n",
			  (unsigned long long)z->zone_start_pfn);
}

/**
 * bm_report_zoneinfo - the modelled lines of /proc/zoneinfo
 * @m: machine after free_area_init
 * @out: where the text goes
 *
 * Every zone of every online node, empty ones included, in the kernel's
 * order and spacing: "Node 0, zone      DMA", "  pages free", "        spanned",
 * "present", "managed", "cma", and "  start_pfn:" for populated zones.
 * ZONE_DEVICE (configured in distribution kernels, never populated at boot)
 * is printed empty after Movable, as the kernel does.
 * Context: a quiescent machine; any phase after free_area_init.
 */
void bm_report_zoneinfo(struct bm_machine *m, struct bm_sink *out)
{
	int nid;

	if (!m->mm.nodes)
		return;
	bm_for_each_online_node(m, nid) {
		for (int t = 0; t < BM_NR_ZONES; t++)
			zoneinfo_zone(m, out, nid, bm_zone_name((enum bm_zone_type)t),
				      &m->mm.nodes[nid].zones[t]);
		zoneinfo_zone(m, out, nid, "Device", NULL);
	}
}

/**
 * bm_report_buddyinfo - /proc/buddyinfo
 * @m: machine after free_area_init
 * @out: where the text goes
 *
 * One line per populated zone: "Node 0, zone      DMA" then the number of
 * free blocks of each order 0..MAX_PAGE_ORDER, every migratetype together,
 * each as "%6lu " (so the line ends with a space, as the kernel's does).
 * Context: a quiescent machine.
 */
void bm_report_buddyinfo(struct bm_machine *m, struct bm_sink *out)
{
	int nid;

	if (!m->mm.nodes)
		return;
	bm_for_each_online_node(m, nid) {
		for (int t = 0; t < BM_NR_ZONES; t++) {
			const struct bm_zone *z = &m->mm.nodes[nid].zones[t];

			if (!zone_populated(z) || !z->spanned_pages)
				continue;
			bm_printf(out, "Node %d, zone %8s ", nid, bm_zone_name(z->type));
			for (unsigned int o = 0; o <= bm_max_order(m); o++) {
				unsigned long n = 0;

				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					n += z->free_area[o].nr_free[mt];
				bm_printf(out, "%6lu ", n);
			}
			bm_printf(out, "\n");
		}
	}
}

/*
 * Does the struct page of @pfn belong to @z? The kernel compares
 * page_zone(); for a struct page not yet initialised (deferred) bootmm
 * trusts the zone span instead of reading garbage.
 */
static bool pfn_in_zone(struct bm_machine *m, bm_pfn_t pfn, const struct bm_zone *z)
{
	const struct page *page;

	if (!bm_page_initialised(m, pfn))
		return true;
	page = bm_pfn_to_page(m, pfn);
	return bm_page_zonenum(page) == z->type && bm_page_nid(page) == z->nid;
}

/* pagetypeinfo's "Number of blocks type" row of one zone. */
static void blockcount_row(struct bm_machine *m, struct bm_sink *out, const struct bm_zone *z,
			   bool cma)
{
	unsigned long count[MIGRATE_TYPES] = { 0 };
	bm_pfn_t end = z->zone_start_pfn + z->spanned_pages;

	/* As the kernel: pageblock steps from zone_start_pfn, aligned or not. */
	for (bm_pfn_t pfn = z->zone_start_pfn; pfn < end; pfn += bm_pageblock_nr_pages(m)) {
		int mt;

		if (!bm_pfn_valid(m, pfn) || !pfn_in_zone(m, pfn, z))
			continue;
		mt = bm_get_pageblock_migratetype(m, pfn);
		if (mt >= 0 && mt < MIGRATE_TYPES)
			count[mt]++;
	}
	bm_printf(out, "Node %d, zone %8s ", z->nid, bm_zone_name(z->type));
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (mt_shown(mt, cma))
			bm_printf(out, "%12lu ", count[mt]);
	bm_printf(out, "\n");
}

/* The free-count table of one node. */
static void pagetypeinfo_free(struct bm_machine *m, struct bm_sink *out, const struct bm_node *node,
			      bool cma)
{
	bm_printf(out, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned int o = 0; o <= bm_max_order(m); o++)
		bm_printf(out, "%6u ", o);
	bm_printf(out, "\n");
	for (int t = 0; t < BM_NR_ZONES; t++) {
		const struct bm_zone *z = &node->zones[t];

		if (!zone_populated(z) || !z->spanned_pages)
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			if (!mt_shown(mt, cma))
				continue;
			bm_printf(out, "Node %4d, zone %8s, type %12s ", node->nid,
				  bm_zone_name(z->type), bm_migratetype_name(mt));
			for (unsigned int o = 0; o <= bm_max_order(m); o++) {
				unsigned long n = z->free_area[o].nr_free[mt];

				/* The kernel stops counting at the cap and says so. */
				if (n >= FREE_COUNT_CAP)
					bm_printf(out, ">%6lu ", FREE_COUNT_CAP);
				else
					bm_printf(out, "%6lu ", n);
			}
			bm_printf(out, "\n");
		}
	}
}

/**
 * bm_report_pagetypeinfo - /proc/pagetypeinfo
 * @m: machine after free_area_init
 * @out: where the text goes
 *
 * Per node with memory, as the kernel's seq_file does: "Page block order",
 * "Pages per block", a blank line, the free block counts per zone,
 * migratetype and order (capped at ">100000" as the kernel caps its list
 * walk), a blank line, then "Number of blocks type" counting each zone's
 * pageblocks by migratetype (pageblock steps from zone_start_pfn, valid
 * pfns whose struct page is in the zone). Columns: Unmovable, Movable,
 * Reclaimable, HighAtomic, CMA when the machine uses it, Isolate.
 * Context: a quiescent machine.
 */
void bm_report_pagetypeinfo(struct bm_machine *m, struct bm_sink *out)
{
	bool cma = cma_configured(m);
	int nid;

	if (!m->mm.nodes)
		return;
	bm_for_each_online_node(m, nid) {
		const struct bm_node *node = &m->mm.nodes[nid];

		if (!node->node_present_pages)	/* !node_state(N_MEMORY) */
			continue;
		bm_printf(out, "Page block order: %u\n", bm_pageblock_order(m));
		bm_printf(out, "Pages per block:  %lu\n", bm_pageblock_nr_pages(m));
		bm_printf(out, "\n");
		pagetypeinfo_free(m, out, node, cma);
		bm_printf(out, "\n%-23s", "Number of blocks type ");
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (mt_shown(mt, cma))
				bm_printf(out, "%12s ", bm_migratetype_name(mt));
		bm_printf(out, "\n");
		for (int t = 0; t < BM_NR_ZONES; t++) {
			const struct bm_zone *z = &node->zones[t];

			if (zone_populated(z) && z->spanned_pages)
				blockcount_row(m, out, z, cma);
		}
	}
}

/**
 * bm_mem_init_print_info - log the kernel's "Memory: ..." line
 * @m: machine after memblock_free_all
 *
 * "Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata,
 * %luK init, %luK bss, %luK reserved, %luK cma-reserved)": available is
 * nr_free_pages(), the total is get_num_physpages() (present pages of every
 * online node), the kernel image sizes come from cfg.kernel_* (bytes), and
 * reserved is physpages - totalram_pages - totalcma_pages, computed in
 * unsigned arithmetic as the kernel does (an impossible accounting shows as
 * a huge number rather than being hidden).
 * Context: mm_core_init (6.1) or after deferred init (>= 6.11).
 */
void bm_mem_init_print_info(struct bm_machine *m)
{
	unsigned long physpages = 0;
	int nid;

	if (m->mm.nodes)
		bm_for_each_online_node(m, nid)
			physpages += m->mm.nodes[nid].node_present_pages;
	bm_log(m, BM_LOG_INFO,
	       "Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, "
	       "%luK init, %luK bss, %luK reserved, %luK cma-reserved)",
	       pages_to_kb(global_nr_free(m)), pages_to_kb(physpages),
	       (unsigned long)(m->cfg.kernel_code >> 10),
	       (unsigned long)(m->cfg.kernel_rwdata >> 10),
	       (unsigned long)(m->cfg.kernel_rodata >> 10),
	       (unsigned long)(m->cfg.kernel_init >> 10),
	       (unsigned long)(m->cfg.kernel_bss >> 10),
	       pages_to_kb(physpages - m->mm.totalram_pages - m->mm.totalcma_pages),
	       pages_to_kb(m->mm.totalcma_pages));
}
