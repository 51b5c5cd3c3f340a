/* SPDX-License-Identifier: MIT */
/*
 * Two machines booted alike but for cfg.no_fast_paths, compared: every
 * struct page's bytes, the shadow, the pageblock types, every zone (free
 * lists, counters), the checker's counters and each recorded report in
 * order. For tests/test_fast_paths*.c.
 */
#ifndef BOOTMM_TESTS_MACHINE_DIFF_H
#define BOOTMM_TESTS_MACHINE_DIFF_H

#include <string.h>

#include "check.h"
#include "harness.h"
#include "core/internal.h"

/* Return: the number of differences found (each printed, the first pages'
 * in full); counters and reports that differ also fail a CHECK. */
static inline unsigned long machines_diff(struct bm_machine *a, struct test_machine *ta,
					  struct bm_machine *b, struct test_machine *tb)
{
	unsigned long diffs = 0;
	bm_pfn_t end = bm_memmap_end_pfn(a);

	CHECK_EQ(a->mm.max_pfn, b->mm.max_pfn);
	CHECK_EQ(a->mm.nr_sections, b->mm.nr_sections);
	for (bm_pfn_t pfn = 0; pfn < end; pfn++) {
		const struct page *pa = bm_pfn_to_page(a, pfn), *pb = bm_pfn_to_page(b, pfn);

		if (!pa != !pb || (pa && memcmp(pa, pb, sizeof(*pa)))) {
			if (diffs++ < 4)
				fprintf(stderr, "  pfn %#llx: flags %#x/%#x ref %d/%d order %u/%u\n",
					(unsigned long long)pfn, pa ? pa->flags : 0, pb ? pb->flags : 0,
					pa ? pa->refcount : 0, pb ? pb->refcount : 0,
					pa ? pa->order : 0, pb ? pb->order : 0);
		}
	}
	if (memcmp(a->mm.init_bitmap, b->mm.init_bitmap, (size_t)(end / 8))) {
		diffs++;
		fprintf(stderr, "  shadow differs\n");
	}
	if (memcmp(a->mm.pageblock_mt, b->mm.pageblock_mt,
		   (size_t)(end >> a->cfg.pageblock_order))) {
		diffs++;
		fprintf(stderr, "  pageblock types differ\n");
	}
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++)
		for (int z = 0; z < BM_NR_ZONES; z++)
			if (memcmp(&a->mm.nodes[nid].zones[z], &b->mm.nodes[nid].zones[z],
				   sizeof(struct bm_zone))) {
				diffs++;
				fprintf(stderr, "  node %d zone %d differs\n", nid, z);
			}
	CHECK_EQ(a->mm.totalram_pages, b->mm.totalram_pages);
	CHECK_EQ(a->mm.nr_double_inits, b->mm.nr_double_inits);
	CHECK_EQ(a->mm.nr_uninit_reads, b->mm.nr_uninit_reads);
	CHECK(!memcmp(a->violation_count, b->violation_count, sizeof(a->violation_count)));
	CHECK_EQ(ta->record.nr_recorded, tb->record.nr_recorded);
	for (unsigned long i = 0; i < ta->record.nr_recorded && i < tb->record.nr_recorded; i++) {
		const struct bm_violation *va = &ta->record.violations[i];
		const struct bm_violation *vb = &tb->record.violations[i];

		if (va->kind != vb->kind || va->pfn_start != vb->pfn_start ||
		    va->pfn_end != vb->pfn_end || strcmp(va->detail, vb->detail)) {
			diffs++;
			fprintf(stderr, "  report %lu: %s / %s\n", i, va->detail, vb->detail);
		}
	}
	return diffs;
}

#endif /* BOOTMM_TESTS_MACHINE_DIFF_H */
