// SPDX-License-Identifier: MIT
/*
 * Sections worked on apart: a walk that frees blocks (deferred init,
 * memblock_free_all) done a section per host thread with the serial walk's
 * memory map, free lists and reports.
 *
 * Each free of those walks is FPI_TO_TAIL and a block merges only inside
 * its MAX_ORDER block, which lies inside one section. So when nothing of a
 * section was free before, the zone's lists after sections 0..n-1 are the
 * lists before them followed by each section's own, in section order: a
 * section that can run apart frees into lists of its own (a zone-shaped
 * holder, bm_buddy_private_init), spliced in section order afterwards
 * (bm_buddy_splice). A section that might report (reports must come in the
 * serial walk's order) or meet a block already free runs in its place in
 * that order, on the calling thread, into the zone.
 */
#include "internal.h"

/* Sections per parallel call: their private lists live until spliced. */
#define APART_WINDOW	64u

struct apart_job {
	struct bm_machine *m;
	const struct bm_apart_ops *ops;
	void *arg;
	bm_pfn_t start;			/* the window's first pfn */
	bm_pfn_t end;			/* the range's end */
	struct bm_zone *lists;		/* per section of the window */
	struct bm_zone **zone;		/* per section: its zone if it ran apart */
};

static void apart_work(void *arg, unsigned long idx)
{
	const struct apart_job *j = arg;
	bm_pfn_t s = j->start + (bm_pfn_t)idx * BM_PAGES_PER_SECTION;
	bm_pfn_t e = BM_MIN(BM_ALIGN_DOWN(s, BM_PAGES_PER_SECTION) + BM_PAGES_PER_SECTION, j->end);
	struct bm_zone *zone = j->ops->apart(j->m, s, e, j->arg);

	j->zone[idx] = zone;
	if (!zone)
		return;
	bm_buddy_private_init(&j->lists[idx], zone);
	j->ops->work(j->m, s, e, &j->lists[idx], j->arg);
}

/**
 * bm_sections_apart - a freeing walk, a section per host thread, with the
 *                     serial walk's result
 * @m: machine
 * @start: first pfn, section aligned
 * @end: one past the last
 * @threads: host threads (prim->parallel)
 * @ops: apart() says whether a section [s, e) can run apart, and into
 *       which zone all its blocks go (NULL: in its place); work() does a
 *       section, into the given lists, or the zones' own when NULL
 * @arg: for @ops
 * @nr_apart: if not NULL, incremented per section done apart
 *
 * Sections are taken APART_WINDOW at a time; each window's apart ones are
 * spliced, and the others done in place, in section order.
 * Return: false, nothing done, if there was no host memory for the lists.
 * Context: no other user of the range's sections or of the zones' lists.
 */
bool bm_sections_apart(struct bm_machine *m, bm_pfn_t start, bm_pfn_t end, unsigned int threads,
		       const struct bm_apart_ops *ops, void *arg, unsigned long *nr_apart)
{
	struct apart_job job = { .m = m, .ops = ops, .arg = arg, .end = end };
	size_t lsz = APART_WINDOW * sizeof(*job.lists), zsz = APART_WINDOW * sizeof(*job.zone);

	job.lists = m->prim->zalloc(m->prim->ctx, lsz);
	job.zone = m->prim->zalloc(m->prim->ctx, zsz);
	if (!job.lists || !job.zone) {
		if (job.lists)
			m->prim->free(m->prim->ctx, job.lists, lsz);
		if (job.zone)
			m->prim->free(m->prim->ctx, job.zone, zsz);
		return false;
	}
	for (job.start = start; job.start < end;
	     job.start += (bm_pfn_t)APART_WINDOW * BM_PAGES_PER_SECTION) {
		unsigned long n = (unsigned long)BM_MIN((end - job.start + BM_PAGES_PER_SECTION - 1) /
							BM_PAGES_PER_SECTION, APART_WINDOW);

		m->prim->parallel(m->prim->ctx, threads, apart_work, &job, n);
		for (unsigned long i = 0; i < n; i++) {
			bm_pfn_t s = job.start + (bm_pfn_t)i * BM_PAGES_PER_SECTION;

			if (job.zone[i]) {
				bm_buddy_splice(m, job.zone[i], &job.lists[i]);
				if (nr_apart)
					(*nr_apart)++;
			} else {
				ops->work(m, s, BM_MIN(s + BM_PAGES_PER_SECTION, end), NULL, arg);
			}
		}
	}
	m->prim->free(m->prim->ctx, job.lists, lsz);
	m->prim->free(m->prim->ctx, job.zone, zsz);
	return true;
}
