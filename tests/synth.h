/* SPDX-License-Identifier: MIT */
/*
 * A synthetic x86-64 machine for core tests: memory below 640K, from 1 MiB
 * to @size with a 4 MiB hole at 1.5 GiB (when it fits), the first MiB and a
 * 32 MiB kernel image at 16 MiB reserved, node 0.
 */
#ifndef BOOTMM_TESTS_SYNTH_H
#define BOOTMM_TESTS_SYNTH_H

#include "harness.h"

#define SZ_1M ((phys_addr_t)1 << 20)

static inline struct bm_machine *synth_machine(struct test_machine *t, phys_addr_t size,
					       const struct bm_config *cfg)
{
	struct bm_machine *m = tm_init(t, size, cfg);
	phys_addr_t hole = 1536 * SZ_1M;

	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	bm_memblock_add(m, 0x1000, 0x9f000);
	if (size > hole + 8 * SZ_1M) {
		bm_memblock_add(m, SZ_1M, hole - SZ_1M);
		bm_memblock_add(m, hole + 4 * SZ_1M, size - hole - 4 * SZ_1M);
	} else {
		bm_memblock_add(m, SZ_1M, size - SZ_1M);
	}
	bm_memblock_set_node(m, 0, BM_PHYS_ADDR_MAX, false, 0);
	bm_memblock_reserve(m, 0, SZ_1M);
	bm_memblock_reserve(m, 16 * SZ_1M, 32 * SZ_1M);
	bm_memblock_set_current_limit(m, size);
	return m;
}

/* FNV-1a over the observable state of every struct page and pageblock. */
static inline uint64_t synth_state_hash(struct bm_machine *m)
{
	uint64_t h = 1469598103934665603ull;

	for (bm_pfn_t pfn = 0; pfn < m->mm.max_pfn; pfn++) {
		struct page *p = bm_pfn_to_page(m, pfn);
		uint64_t v;

		if (!p)
			continue;
		v = bm_page_initialised(m, pfn) ?
		    ((uint64_t)p->flags << 32) ^ ((uint64_t)(uint32_t)p->refcount << 8) ^ p->order : 0xdead;
		h = (h ^ v) * 1099511628211ull;
		if (pfn % (1ul << m->cfg.pageblock_order) == 0)
			h = (h ^ (uint64_t)bm_get_pageblock_migratetype(m, pfn)) * 1099511628211ull;
	}
	return h;
}

#endif /* BOOTMM_TESTS_SYNTH_H */
