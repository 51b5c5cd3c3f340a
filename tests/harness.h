/* SPDX-License-Identifier: MIT */
/*
 * Test machines: a host plus a machine context, with violations counted so
 * a test can assert on them.
 */
#ifndef BOOTMM_TESTS_HARNESS_H
#define BOOTMM_TESTS_HARNESS_H

#include "bootmm/machine.h"
#include "host/prim_host.h"

struct test_machine {
	struct bm_host host;
	struct bm_machine m;
	struct bm_violation_record record;	/* attached by tm_init */
};

/* Boot-less machine backed by @phys_size bytes; logs go to stderr only at
 * error level (set BOOTMM_TEST_VERBOSE=1 for everything). */
static inline struct bm_machine *tm_init(struct test_machine *t, phys_addr_t phys_size,
					 const struct bm_config *cfg)
{
	int verbose = getenv("BOOTMM_TEST_VERBOSE") != NULL;

	bm_host_init(&t->host, stderr, verbose ? BM_LOG_DEBUG : BM_LOG_WARN - 10);
	if (bm_machine_init(&t->m, &t->host.prim, cfg, phys_size)) {
		fprintf(stderr, "tm_init: cannot back %llu bytes\n",
			(unsigned long long)phys_size);
		exit(2);
	}
	bm_machine_set_record(&t->m, &t->record);
	return &t->m;
}

static inline void tm_destroy(struct test_machine *t)
{
	bm_machine_destroy(&t->m);
}

static inline unsigned long tm_violations(struct bm_machine *m, enum bm_violation_kind k)
{
	return m->violation_count[k];
}

#endif /* BOOTMM_TESTS_HARNESS_H */
