// SPDX-License-Identifier: MIT
/*
 * Property test: random sequences of add/remove/reserve/phys_free and
 * allocations (fixed seeds) against a plain model: two sorted lists of
 * disjoint, coalesced byte intervals. After every step memblock must pass
 * bm_memblock_check(), cover exactly the model's addresses with the model's
 * total sizes, have placed every allocation where the model's own search
 * of (memory - reserved) says, and have reported exactly the expected
 * misuse (frees of unreserved bytes; resizes refused before
 * memblock_allow_resize()).
 */
#include "check.h"
#include "harness.h"

#define SPACE		0x4000000ULL	/* 64 MiB of simulated RAM */
#define NR_SEEDS	200
#define NR_OPS		300
#define MAXIV		1024

struct ivset {
	int n;
	phys_addr_t s[MAXIV], e[MAXIV];
};

static void iv_sub(struct ivset *v, phys_addr_t s, phys_addr_t e)
{
	struct ivset out;

	out.n = 0;
	for (int i = 0; i < v->n; i++) {
		if (v->e[i] <= s || v->s[i] >= e) {
			out.s[out.n] = v->s[i];
			out.e[out.n++] = v->e[i];
			continue;
		}
		if (v->s[i] < s) {
			out.s[out.n] = v->s[i];
			out.e[out.n++] = s;
		}
		if (v->e[i] > e) {
			out.s[out.n] = e;
			out.e[out.n++] = v->e[i];
		}
	}
	*v = out;
}

static void iv_add(struct ivset *v, phys_addr_t s, phys_addr_t e)
{
	int i, j;

	if (s >= e)
		return;
	/* absorb everything touching [s, e), then insert in order */
	iv_sub(v, s, e);
	for (i = 0; i < v->n; i++) {
		if (v->e[i] == s)
			s = v->s[i];
		if (v->s[i] == e)
			e = v->e[i];
	}
	iv_sub(v, s, e);
	for (i = 0; i < v->n && v->s[i] < s; i++)
		;
	for (j = v->n; j > i; j--) {
		v->s[j] = v->s[j - 1];
		v->e[j] = v->e[j - 1];
	}
	v->s[i] = s;
	v->e[i] = e;
	v->n++;
}

static phys_addr_t iv_covered(const struct ivset *v, phys_addr_t s, phys_addr_t e)
{
	phys_addr_t sum = 0;

	for (int i = 0; i < v->n; i++)
		if (v->e[i] > s && v->s[i] < e)
			sum += BM_MIN(v->e[i], e) - BM_MAX(v->s[i], s);
	return sum;
}

static phys_addr_t iv_total(const struct ivset *v)
{
	return iv_covered(v, 0, BM_PHYS_ADDR_MAX);
}

static bool iv_same_as(const struct ivset *v, const struct memblock_type *t)
{
	static struct ivset got;

	got.n = 0;
	for (unsigned long i = 0; i < t->cnt; i++) {
		phys_addr_t s = t->regions[i].base, e = s + t->regions[i].size;

		if (got.n && got.e[got.n - 1] == s) {
			got.e[got.n - 1] = e;
		} else {
			got.s[got.n] = s;
			got.e[got.n++] = e;
		}
	}
	if (got.n != v->n)
		return false;
	for (int i = 0; i < v->n; i++)
		if (got.s[i] != v->s[i] || got.e[i] != v->e[i])
			return false;
	return true;
}

struct model {
	struct ivset mem, rsv;
	bool bottom_up;
	phys_addr_t limit;
};

static phys_addr_t clampv(phys_addr_t x, phys_addr_t lo, phys_addr_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* The model's own search of memory minus reserved. */
static phys_addr_t model_find(const struct model *md, phys_addr_t size, phys_addr_t align,
			      phys_addr_t start, phys_addr_t end)
{
	static struct ivset free;

	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = md->limit;
	start = BM_MAX(start, BM_PAGE_SIZE);
	end = BM_MAX(start, end);
	free = md->mem;
	for (int i = 0; i < md->rsv.n; i++)
		iv_sub(&free, md->rsv.s[i], md->rsv.e[i]);
	for (int k = 0; k < free.n; k++) {
		int i = md->bottom_up ? k : free.n - 1 - k;
		phys_addr_t ts = clampv(free.s[i], start, end), te = clampv(free.e[i], start, end);
		phys_addr_t cand;

		if (md->bottom_up) {
			cand = (ts + align - 1) / align * align;
			if (cand < te && te - cand >= size)
				return cand;
		} else if (te >= size) {
			cand = (te - size) / align * align;
			if (cand >= ts)
				return cand;
		}
	}
	return 0;
}

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static phys_addr_t rnd_below(phys_addr_t n)
{
	return n ? rnd() % n : 0;
}

static phys_addr_t gran(void)
{
	unsigned r = (unsigned)rnd_below(10);

	return r < 7 ? BM_PAGE_SIZE : r < 9 ? 64 : 1;
}

/* Where the doubled arrays are, to see them move during a step. */
struct arrays {
	struct memblock_region *mem_regions, *rsv_regions;
	unsigned long mem_max, rsv_max;
	phys_addr_t mem_phys, rsv_phys;
};

static void arrays_of(struct bm_machine *m, struct arrays *a)
{
	a->mem_regions = m->memblock.mb.memory.regions;
	a->rsv_regions = m->memblock.mb.reserved.regions;
	a->mem_max = m->memblock.mb.memory.max;
	a->rsv_max = m->memblock.mb.reserved.max;
	a->mem_phys = m->memblock.memory_array_phys;
	a->rsv_phys = m->memblock.reserved_array_phys;
}

static phys_addr_t array_bytes(unsigned long max)
{
	return BM_ALIGN_UP(max * sizeof(struct memblock_region), BM_PAGE_SIZE);
}

/* A doubling frees the old array (unless static) and reserves the new one. */
static void model_arrays(struct bm_machine *m, struct model *md, const struct arrays *b)
{
	struct arrays a;

	arrays_of(m, &a);
	/* A doubling changes max (regions alone move in a doubled array). */
	if (a.mem_max != b->mem_max || a.mem_phys != b->mem_phys) {
		if (b->mem_regions != m->memblock.memory_init)
			iv_sub(&md->rsv, b->mem_phys, b->mem_phys + array_bytes(b->mem_max));
		iv_add(&md->rsv, a.mem_phys, a.mem_phys + array_bytes(a.mem_max));
	}
	if (a.rsv_max != b->rsv_max || a.rsv_phys != b->rsv_phys) {
		if (b->rsv_regions != m->memblock.reserved_init)
			iv_sub(&md->rsv, b->rsv_phys, b->rsv_phys + array_bytes(b->rsv_max));
		iv_add(&md->rsv, a.rsv_phys, a.rsv_phys + array_bytes(a.rsv_max));
	}
}

static bool touches_array(struct bm_machine *m, phys_addr_t s, phys_addr_t e)
{
	struct arrays a;

	arrays_of(m, &a);
	if (a.mem_regions != m->memblock.memory_init && s < a.mem_phys + array_bytes(a.mem_max) &&
	    e > a.mem_phys)
		return true;
	return a.rsv_regions != m->memblock.reserved_init &&
	       s < a.rsv_phys + array_bytes(a.rsv_max) && e > a.rsv_phys;
}

struct stats {
	unsigned long ops, allocs, placed, failed, doublings, refused, misuse;
};

static int run_seed(uint64_t seed, struct stats *st)
{
	static struct model md;
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, SPACE, NULL);
	bool resize = seed % 8 != 0;
	int bad = 0;

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	memset(&md, 0, sizeof(md));
	md.limit = MEMBLOCK_ALLOC_ANYWHERE;
	if (resize)
		bm_memblock_allow_resize(m);

	for (int op = 0; op < NR_OPS && !bad; op++) {
		unsigned kind = (unsigned)rnd_below(100);
		phys_addr_t g = gran(), s = rnd_below(SPACE / g) * g;
		/* big additions, small holes and reservations: many regions */
		phys_addr_t size = (1 + rnd_below(kind < 22 ? 2048 : 24)) * g;
		phys_addr_t e = BM_MIN(s + size, SPACE), want = 0, got = 0;
		unsigned long misuse0 = tm_violations(m, BM_V_MISUSE), expect_misuse = 0;
		struct arrays before;
		bool is_alloc = false;
		int ret = 0;

		arrays_of(m, &before);
		size = e - s;
		if (kind < 22) {
			ret = bm_memblock_add(m, s, size);
			if (!ret)
				iv_add(&md.mem, s, e);
		} else if (kind < 30) {
			ret = bm_memblock_remove(m, s, size);
			if (!ret)
				iv_sub(&md.mem, s, e);
		} else if (kind < 50) {
			ret = bm_memblock_reserve(m, s, size);
			if (!ret)
				iv_add(&md.rsv, s, e);
		} else if (kind < 67) {
			/* never free memblock's own arrays: that corrupts memblock */
			if (touches_array(m, s, e))
				continue;
			expect_misuse = iv_covered(&md.rsv, s, e) != size;
			/* a new reserved array could land in the unreserved part */
			if (expect_misuse && m->memblock.mb.reserved.cnt + 2 > m->memblock.mb.reserved.max)
				continue;
			ret = bm_memblock_phys_free(m, s, size);
			if (!ret)
				iv_sub(&md.rsv, s, e);
		} else if (kind < 96) {
			phys_addr_t asz = (1 + rnd_below(16)) * (rnd_below(2) ? 64 : BM_PAGE_SIZE);
			phys_addr_t align = (phys_addr_t)1 << (6 + rnd_below(16));
			phys_addr_t lo = rnd_below(3) ? 0 : rnd_below(SPACE);
			phys_addr_t hi = rnd_below(3) ? MEMBLOCK_ALLOC_ACCESSIBLE :
					 lo + rnd_below(SPACE);
			void *p;

			is_alloc = true;
			st->allocs++;
			s = 0;
			size = asz;
			if (kind < 80) {
				want = model_find(&md, asz, align, lo, hi);
				got = bm_memblock_phys_alloc_range(m, asz, align, lo, hi);
			} else {
				phys_addr_t cap = BM_MIN(hi, md.limit);

				want = model_find(&md, asz, align, lo, cap);
				if (!want && lo)
					want = model_find(&md, asz, align, 0, cap);
				p = kind < 90 ? bm_memblock_alloc_try_nid(m, asz, align, lo, hi,
									  BM_NUMA_NO_NODE) :
						bm_memblock_alloc_try_nid_raw(m, asz, align, lo, hi,
									      BM_NUMA_NO_NODE);
				got = p ? bm_virt_to_phys(m, p) : 0;
			}
			if (got) {
				s = got;
				iv_add(&md.rsv, got, got + asz);
			}
		} else if (kind < 98) {
			md.bottom_up = !md.bottom_up;
			bm_memblock_set_bottom_up(m, md.bottom_up);
		} else {
			md.limit = rnd_below(2) ? MEMBLOCK_ALLOC_ANYWHERE :
				   SPACE / 4 + rnd_below(SPACE);
			bm_memblock_set_current_limit(m, md.limit);
		}
		model_arrays(m, &md, &before);
		st->ops++;
		if (m->memblock.mb.memory.max != before.mem_max ||
		    m->memblock.mb.reserved.max != before.rsv_max)
			st->doublings++;

		/*
		 * A step may fail only because an array could not grow: refused
		 * before allow_resize (reported as misuse), or no room for it.
		 * An allocation then returns nothing although the model found space.
		 */
		if (ret || (is_alloc && want && !got)) {
			unsigned long delta = tm_violations(m, BM_V_MISUSE) - misuse0;

			st->refused++;
			if (ret && ret != -BM_ENOMEM)
				bad++;
			/* one "cannot resize" per attempt (an allocation may retry) */
			if (!resize && delta >= expect_misuse + 1)
				expect_misuse = delta;
		} else if (is_alloc) {
			if (got != want) {
				fprintf(stderr, "seed %llu op %d: alloc %#llx want %#llx\n",
					(unsigned long long)seed, op, (unsigned long long)got,
					(unsigned long long)want);
				bad++;
			}
			st->placed += got != 0;
			st->failed += got == 0;
		}
		if (tm_violations(m, BM_V_MISUSE) - misuse0 != expect_misuse) {
			fprintf(stderr, "seed %llu op %d kind %u: misuse %lu, expected %lu\n",
				(unsigned long long)seed, op, kind,
				tm_violations(m, BM_V_MISUSE) - misuse0, expect_misuse);
			bad++;
		}
		st->misuse += expect_misuse;
		if (bm_memblock_check(m) || tm_violations(m, BM_V_INVARIANT) ||
		    !iv_same_as(&md.mem, &m->memblock.mb.memory) ||
		    !iv_same_as(&md.rsv, &m->memblock.mb.reserved) ||
		    iv_total(&md.mem) != m->memblock.mb.memory.total_size ||
		    iv_total(&md.rsv) != m->memblock.mb.reserved.total_size) {
			fprintf(stderr, "seed %llu op %d kind %u [%#llx +%#llx]: state differs "
				"(mem %lu/%d rsv %lu/%d)\n", (unsigned long long)seed, op, kind,
				(unsigned long long)s, (unsigned long long)size,
				m->memblock.mb.memory.cnt, md.mem.n,
				m->memblock.mb.reserved.cnt, md.rsv.n);
			bad++;
		}
	}
	tm_destroy(&t);
	return bad;
}

static void test_random_sequences(void)
{
	struct stats st = { 0 };
	int failing = 0;

	for (uint64_t seed = 1; seed <= NR_SEEDS; seed++)
		if (run_seed(seed, &st) && ++failing >= 5)
			break;
	CHECK_EQ(failing, 0);
	printf("     %lu steps, %lu allocations (%lu placed, %lu nowhere to go), "
	       "%lu array doublings, %lu refused steps, %lu misuse reports\n",
	       st.ops, st.allocs, st.placed, st.failed, st.doublings, st.refused, st.misuse);
	/* the sequences must actually reach the interesting states */
	CHECK(st.placed > 1000);
	CHECK(st.failed > 10);
	CHECK(st.doublings > 10);
	CHECK(st.refused > 10);
	CHECK(st.misuse > 100);
}

int main(void)
{
	RUN(test_random_sequences);
	return CHECK_DONE();
}
