/* SPDX-License-Identifier: MIT */
/*
 * Shared checks of the parse fuzzers: after a failed parse the log is
 * empty and the error names a line; after a success every range is sane.
 */
#ifndef BOOTMM_FUZZ_PARSE_COMMON_H
#define BOOTMM_FUZZ_PARSE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bootlog.h"

#define FZ_ASSERT(c)								\
	do {									\
		if (!(c)) {							\
			fprintf(stderr, "%s:%d: invariant %s failed\n", __FILE__,	\
				__LINE__, #c);					\
			abort();						\
		}								\
	} while (0)

static inline void fz_check_failed(const struct bm_bootlog *log, const struct bm_parse_error *err)
{
	static const struct bm_bootlog zero;
	char buf[600];

	FZ_ASSERT(!memcmp(log, &zero, sizeof(zero)));
	FZ_ASSERT(err->msg[0] != '\0');
	bm_parse_error_format(err, buf, sizeof(buf));
}

static inline void fz_check_log(const struct bm_bootlog *log)
{
	size_t i, j;

	for (i = 0; i < log->n_e820_tables; i++) {
		const struct bm_e820_table *t = &log->e820_tables[i];

		FZ_ASSERT(t->n > 0);
		for (j = 0; j < t->n; j++) {
			FZ_ASSERT(t->entries[j].start <= t->entries[j].end);
			FZ_ASSERT(t->entries[j].end <= BM_PHYS_LIMIT);
			FZ_ASSERT(t->entries[j].type != 0);
			if (j)
				FZ_ASSERT(t->entries[j].start > t->entries[j - 1].start);
		}
	}
	if (log->e820)
		FZ_ASSERT(log->e820->kind == BM_E820_TABLE_FIRMWARE);
	for (i = 0; i < log->n_efi_maps; i++)
		for (j = 0; j < log->efi_maps[i].n; j++)
			FZ_ASSERT(log->efi_maps[i].entries[j].start <= log->efi_maps[i].entries[j].end);
	for (i = 0; i < log->n_events; i++) {
		const struct bm_mb_event *e = &log->events[i];

		if (e->op != BM_MB_ALLOC)
			FZ_ASSERT(e->start <= e->end);
		if (e->paired >= 0) {
			FZ_ASSERT((size_t)e->paired < log->n_events);
			FZ_ASSERT(log->events[e->paired].paired == (long)i);
		}
	}
	for (i = 0; i < log->n_dumps; i++) {
		FZ_ASSERT(log->dumps[i].n_memory == log->dumps[i].memory_cnt);
		FZ_ASSERT(log->dumps[i].event_index <= log->n_events);
	}
	for (i = 0; i < log->n_iomem; i++) {
		FZ_ASSERT(log->iomem[i].start <= log->iomem[i].end);
		if (log->iomem[i].parent >= 0)
			FZ_ASSERT((size_t)log->iomem[i].parent < i);
	}
	for (i = 1; i < log->n_fwmemmap; i++)
		FZ_ASSERT(log->fwmemmap[i - 1].start <= log->fwmemmap[i].start);
	for (i = 0; i < log->n_freeing; i++)
		FZ_ASSERT(log->freeing[i].what != NULL);
	if (log->memory.present)
		FZ_ASSERT(log->memory.available_kb <= log->memory.total_kb);
	{
		struct bm_e820_table t;

		if (!bm_iomem_to_e820(log, true, &t)) {
			for (j = 1; j < t.n; j++)
				FZ_ASSERT(t.entries[j - 1].start <= t.entries[j].start);
			free(t.entries);
		}
		if (!bm_fwmemmap_to_e820(log, true, &t))
			free(t.entries);
	}
}

#endif
