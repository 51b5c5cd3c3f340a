// SPDX-License-Identifier: MIT
/*
 * The POSIX host's simulated RAM: aligned for huge pages, the dense hint
 * changes nothing a machine can read, and RAM kept for reuse (keep_phys)
 * reads zero again when the next machine of the same size gets it.
 */
#include <stdint.h>

#include "check.h"
#include "synth.h"

#define SZ (64ull << 20)

static bool all_zero(const unsigned char *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_aligned_and_hint_keeps_contents(void)
{
	struct bm_host h;
	unsigned char *p;

	bm_host_init(&h, NULL, 0);
	p = h.prim.phys_map(h.prim.ctx, SZ);
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % (2u << 20), 0);
	CHECK(h.prim.phys_hint != NULL);
	p[100] = 1;
	p[5 << 20] = 2;
	/* A range that starts and ends off 2 MiB: only its whole blocks. */
	h.prim.phys_hint(h.prim.ctx, p + 4096, SZ - 8192, BM_PHYS_DENSE);
	CHECK_EQ(p[100], 1);
	CHECK_EQ(p[5 << 20], 2);
	CHECK_EQ(p[SZ - 1], 0);
	h.prim.phys_unmap(h.prim.ctx, p, SZ);
	CHECK_EQ(h.phys_maps, 0);
}

/* phys_zero is memset(0): partial pages at both ends written, whole pages
 * dropped (read zero again), nothing outside touched. */
static void test_phys_zero_is_memset(void)
{
	struct bm_host h;
	unsigned char *p;

	bm_host_init(&h, NULL, 0);
	p = h.prim.phys_map(h.prim.ctx, SZ);
	CHECK(p != NULL && h.prim.phys_zero != NULL);
	memset(p, 0xee, 1 << 20);
	h.prim.phys_zero(h.prim.ctx, p + 100, (1 << 20) - 300);
	CHECK_EQ(p[99], 0xee);
	CHECK(all_zero(p + 100, (1 << 20) - 300));
	CHECK_EQ(p[(1 << 20) - 200], 0xee);
	CHECK_EQ(p[(1 << 20) - 1], 0xee);
	/* Less than a page, inside one page. */
	h.prim.phys_zero(h.prim.ctx, p + (1 << 20) - 150, 50);
	CHECK(all_zero(p + (1 << 20) - 150, 50));
	CHECK_EQ(p[(1 << 20) - 151], 0xee);
	CHECK_EQ(p[(1 << 20) - 100], 0xee);
	h.prim.phys_unmap(h.prim.ctx, p, SZ);
}

static void test_kept_ram_reads_zero(void)
{
	struct bm_host a, b;
	unsigned char *p, *q, *r;

	bm_host_init(&a, NULL, 0);
	a.keep_phys = true;
	p = a.prim.phys_map(a.prim.ctx, SZ);
	CHECK(p != NULL);
	memset(p + 4096, 0xa5, 3 * 4096);
	p[SZ / 2 + 5] = 7;
	p[SZ - 1] = 1;
	a.prim.phys_hint(a.prim.ctx, p, 16 << 20, BM_PHYS_DENSE);
	memset(p, 0x5a, 16 << 20);
	a.prim.phys_unmap(a.prim.ctx, p, SZ);
	CHECK_EQ(a.phys_maps, 0);

	/* Another host of the process, the same size: the same memory, zero. */
	bm_host_init(&b, NULL, 0);
	b.keep_phys = true;
	q = b.prim.phys_map(b.prim.ctx, SZ);
	CHECK(q == p);
	CHECK_EQ(b.phys_maps, 1);
	CHECK(all_zero(q, SZ));
	q[12345] = 9;
	b.prim.phys_unmap(b.prim.ctx, q, SZ);

	/* Another size: a fresh mapping (the kept one is let go). */
	r = b.prim.phys_map(b.prim.ctx, 2 * SZ);
	CHECK(r != NULL);
	CHECK(all_zero(r, 2 * SZ));
	b.prim.phys_unmap(b.prim.ctx, r, 2 * SZ);
	bm_host_release_kept();
	bm_host_release_kept();		/* nothing kept: harmless */
	CHECK_EQ(b.phys_maps, 0);
}

/* A whole boot on reused RAM: the same memory map as on fresh RAM. */
static void test_boot_on_kept_ram_identical(void)
{
	struct test_machine t;
	struct bm_machine *m;
	uint64_t h[3];

	for (int i = 0; i < 3; i++) {
		m = synth_machine(&t, 1024 * SZ_1M, NULL);
		t.host.keep_phys = i > 0;
		CHECK_EQ(bm_boot(m, NULL, 0), 0);
		CHECK_EQ(m->violation_count[BM_V_INVARIANT], 0);
		h[i] = synth_state_hash(m);
		tm_destroy(&t);
	}
	CHECK_EQ(h[0], h[1]);
	CHECK_EQ(h[1], h[2]);
	bm_host_release_kept();
}

int main(void)
{
	RUN(test_aligned_and_hint_keeps_contents);
	RUN(test_phys_zero_is_memset);
	RUN(test_kept_ram_reads_zero);
	RUN(test_boot_on_kept_ram_identical);
	return CHECK_DONE();
}
