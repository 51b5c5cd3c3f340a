// SPDX-License-Identifier: MIT
/*
 * libFuzzer: sequences of library API operations decoded from the input,
 * on a fresh simulated machine per input:
 *
 *   setup_arch   memblock add/add_node/remove/reserve/phys_free/alloc, flag
 *                marking, set_node, bottom-up, limits, allow_resize, trims;
 *   boot         sparse_init + free_area_init, memblock_free_all,
 *                page_alloc_init_late (each once, in that order);
 *   running      alloc/free of pages of mixed orders, migratetypes, zones
 *                and nodes; free_reserved_area / memblock_free_late of
 *                reserved ranges; memblock reserve/alloc/free late;
 *   misuse       frees of pfns nobody owns, bad orders and ranges, Reserved
 *                page frees, operations out of their phase.
 *
 * With header bit 0x20 of the third byte, memblock_free_all is followed by
 * bm_mm_check_baseline(), and the last check, taken from the baseline,
 * must find exactly what a walk of every pfn finds. With header bit 0x40
 * of the third byte the input runs a second time with cfg.no_fast_paths,
 * and both runs must leave every struct page, shadow word, pageblock type,
 * zone and violation count alike.
 *
 * After every operation bm_memblock_check() runs (cheap: one pass over the
 * regions) and the library's own assertions are watched; the full
 * bm_mm_check() (every pfn) runs after every boot step, every
 * FZ_FULL_CHECK_EVERY operations and at the end. A memblock check failure
 * or any new BM_V_INVARIANT violation aborts, so libFuzzer reports the
 * input. (Checking every pfn of a 1 GiB machine after every operation kept
 * the harness at 20-29 executions per second.) Misuse is expected to be reported (BM_V_MISUSE, BM_V_WARN,
 * BM_V_MEMBLOCK_MISMATCH, ...) and never to crash.
 *
 * Not generated, because no allocator can detect them and the kernel's
 * would corrupt itself too: freeing a live block with another order than
 * it was allocated with, or freeing a pfn inside somebody's live block
 * (the fuzzer keeps a table of the blocks it holds and never does either).
 * The FREE_EARLY release policy (115d9d77bb0f) is not fuzzed either: it
 * reproduces the kernel's list corruption on purpose.
 *
 * Input layout: a 4-byte header (machine size, config bits, policy, preset
 * layout, zone boundaries), then one opcode byte per operation followed by
 * its operands, little-endian; a short input reads as zeros. The seeds in
 * fuzz/corpus/fuzz_api/ are such sequences (FUZZ_API_TRACE=1 prints one
 * line per operation when a file is passed to the binary; FUZZ_API_FULL=1
 * runs the full check after every operation, to find the one at fault;
 * with FUZZ_API_TRACE=1 the memblock operations' operands and the machine's
 * log lines are printed too, and FUZZ_API_MBDEBUG=1 turns memblock=debug on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootmm/machine.h"
#include "host/prim_host.h"

#define MiB ((phys_addr_t)1 << 20)
#define FZ_MAX_OPS	128
#define FZ_MAX_LIVE	256
#define FZ_MAX_MBA	64
#define FZ_FULL_CHECK_EVERY 16

enum fz_op {
	/* setup_arch */
	OP_ADD, OP_ADD_NODE, OP_REMOVE, OP_RESERVE, OP_PHYS_FREE, OP_MB_ALLOC, OP_MB_FREE,
	OP_MARK, OP_SET_NODE, OP_POLICY_KNOB, OP_ALLOW_RESIZE, OP_TRIM,
	/* boot steps */
	OP_FREE_AREA_INIT, OP_FREE_ALL, OP_INIT_LATE,
	/* running */
	OP_ALLOC_PAGES, OP_FREE_PAGES, OP_FREE_RESERVED_AREA, OP_FREE_LATE,
	OP_MISUSE_FREE, OP_FREE_RESERVED_PAGE, OP_PHASE,
	/* many regions at once: array doubling */
	OP_MANY,
	OP_NR
};

/* FUZZ_API_TRACE=1: one line per operation on stderr (to read a seed). */
static int fz_trace = -1;
/* FUZZ_API_FULL=1: bm_mm_check after every operation. */
static int fz_full = -1;

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct fz_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint64_t b = in->n ? (in->n--, *in->p++) : 0;

		v |= b << (8 * i);
	}
	return v;
}

struct fz_live {
	bm_pfn_t pfn;
	unsigned int order;
};

struct fz_state {
	struct bm_host host;
	struct bm_machine m;
	struct bm_violation_record record;	/* the checker's record of m */
	phys_addr_t ram;		/* backed bytes */
	phys_addr_t span;		/* addresses generated mostly below this */
	int stage;			/* 0 setup, 1 memmap, 2 buddy, 3 deferred done */
	struct fz_live live[FZ_MAX_LIVE];
	unsigned int nlive;
	struct { phys_addr_t base, size; } mba[FZ_MAX_MBA];	/* memblock allocations */
	unsigned int nmba;
	unsigned long inv;		/* BM_V_INVARIANT count seen so far */
	unsigned int op_index;
	int last_op;
	bool baseline;			/* header: a check baseline after free_all */
	char inv_lines[4][200];		/* the last invariant reports, for fz_fail */
	unsigned int nr_inv_lines;
};

/*
 * Machine sizes: small, so that checking every pfn after every operation
 * stays cheap. Deferral needs more than a section past the start of the
 * highest zone (above 256 MiB with the x86 zones); the header can also
 * lower the DMA32 boundary to 64 MiB so that small machines have a Normal
 * zone, optionally off MAX_ORDER alignment.
 */
static const phys_addr_t fz_sizes[8] = {
	48 * MiB, 128 * MiB, 320 * MiB, 576 * MiB, 320 * MiB, 448 * MiB, 192 * MiB,
	96 * MiB,
};

static const char *const fz_names[4] = {
	"EFI boot services", "SMP alternatives", "initrd", "unused kernel image (initmem)",
};

/* An address: page aligned, byte granular, MiB aligned, or any 64-bit value. */
static phys_addr_t fz_addr(struct fz_in *in, const struct fz_state *s)
{
	unsigned mode = (unsigned)take(in, 1) & 7;
	uint64_t v = take(in, 4);

	switch (mode) {
	case 0: case 1: case 2:
		return (v % (s->span >> 12)) << 12;
	case 3: case 4:
		return v % s->span;
	case 5:
		return (v % (s->span >> 20)) << 20;
	case 6:
		return s->ram - (v % 64) * 4096;	/* near the top of RAM */
	default:
		return v << 32 | take(in, 4);
	}
}

static phys_addr_t fz_size(struct fz_in *in, const struct fz_state *s)
{
	unsigned mode = (unsigned)take(in, 1) & 7;
	uint64_t v = take(in, 4);

	switch (mode) {
	case 0: case 1: case 2:
		return ((v & 0x3fff) + 1) << 12;	/* up to 64 MiB of pages */
	case 3:
		return v % 8192;			/* bytes, 0 included */
	case 4: case 5:
		return ((v % (s->span >> 20)) + 1) << 20;
	case 6:
		return 0;
	default:
		return v << 32 | take(in, 4);
	}
}

static int fz_nid(struct fz_in *in)
{
	static const int special[4] = { BM_NUMA_NO_NODE, BM_MAX_NUMNODES, -7, 1000 };
	unsigned v = (unsigned)take(in, 1);

	return v < 240 ? (int)(v % 4) : special[v % 4];
}

/* Keep the last invariant reports: the violation record holds only the first 256. */
static void fz_log_hook(struct bm_machine *m, int level, const char *line)
{
	struct fz_state *s = m->user;

	if (fz_trace > 0)
		fprintf(stderr, "  log %d: %s\n", level, line);
	if (level <= BM_LOG_ERR && strstr(line, "bootmm: invariant")) {
		snprintf(s->inv_lines[s->nr_inv_lines % 4], sizeof(s->inv_lines[0]), "%s", line);
		s->nr_inv_lines++;
	}
}

static void fz_fail(struct fz_state *s, const char *what)
{
	struct bm_machine *m = &s->m;
	unsigned int n = s->nr_inv_lines < 4 ? s->nr_inv_lines : 4;

	fprintf(stderr, "fuzz_api: %s after operation %u (opcode %d), stage %d, phase %s\n", what,
		s->op_index, s->last_op, s->stage, bm_phase_name(m->phase));
	for (unsigned int i = s->nr_inv_lines - n; i < s->nr_inv_lines; i++)
		fprintf(stderr, "  %s\n", s->inv_lines[i % 4]);
	if (fz_trace) {
		const struct memblock_type *t = &m->memblock.mb.memory;

		for (unsigned long i = 0; i < t->cnt && i < 64; i++)
			fprintf(stderr, "  memory[%lu] %#llx+%#llx nid %d flags %#x\n", i,
				(unsigned long long)t->regions[i].base,
				(unsigned long long)t->regions[i].size, t->regions[i].nid,
				(unsigned)t->regions[i].flags);
		for (int nid = 0; m->mm.nodes && nid < m->mm.nr_node_ids; nid++)
			for (int z = 0; z < BM_NR_ZONES; z++)
				if (m->mm.nodes[nid].zones[z].spanned_pages)
					fprintf(stderr, "  node %d zone %d [%#llx+%#lx) present %lu deferred from %#llx\n",
						nid, z,
						(unsigned long long)m->mm.nodes[nid].zones[z].zone_start_pfn,
						m->mm.nodes[nid].zones[z].spanned_pages,
						m->mm.nodes[nid].zones[z].present_pages,
						(unsigned long long)m->mm.nodes[nid].first_deferred_pfn);
	}
	abort();
}

/* After every operation: memblock's check and no new broken invariant;
 * with @full also the memory map's check of every pfn. */
static void fz_check(struct fz_state *s, bool full)
{
	if (bm_memblock_check(&s->m))
		fz_fail(s, "bm_memblock_check failed");
	if (full)
		bm_mm_check(&s->m);
	if (s->m.violation_count[BM_V_INVARIANT] != s->inv)
		fz_fail(s, "invariant violation");
}

/* Is [pfn, pfn + 2^order) clear of every block the fuzzer holds? */
static bool fz_unowned(const struct fz_state *s, bm_pfn_t pfn, unsigned int order)
{
	bm_pfn_t end = pfn + ((bm_pfn_t)1 << (order < 16 ? order : 0));

	for (unsigned int i = 0; i < s->nlive; i++) {
		bm_pfn_t ls = s->live[i].pfn, le = ls + ((bm_pfn_t)1 << s->live[i].order);

		if (pfn < le && ls < end)
			return false;
	}
	return true;
}

static void fz_setup_preset(struct fz_state *s)
{
	struct bm_machine *m = &s->m;
	phys_addr_t top = s->ram > 3072 * MiB ? 3072 * MiB : s->ram;

	bm_memblock_add(m, 0x1000, 0x9f000);
	bm_memblock_add(m, MiB, top - MiB);
	if (s->ram > 4096 * MiB)
		bm_memblock_add(m, 4096 * MiB, s->ram - 4096 * MiB);
	bm_memblock_reserve(m, 0, MiB);
	bm_memblock_reserve(m, 16 * MiB, 16 * MiB);		/* kernel image */
	if (s->ram >= 256 * MiB)
		bm_memblock_reserve(m, s->ram - 40 * MiB, 8 * MiB);	/* initrd, boot data */
	bm_memblock_set_current_limit(m, s->ram);
}

static void fz_mark(struct fz_in *in, struct fz_state *s, bool ok)
{
	struct bm_machine *m = &s->m;
	unsigned what = (unsigned)take(in, 1) % 11;
	phys_addr_t base = fz_addr(in, s), size = fz_size(in, s);
	int set = (int)(take(in, 1) & 1);
	enum memblock_flags flag = (enum memblock_flags)(1u << (take(in, 1) % 7));

	if (!ok)
		return;
	switch (what) {
	case 0: bm_memblock_mark_hotplug(m, base, size); break;
	case 1: bm_memblock_clear_hotplug(m, base, size); break;
	case 2: bm_memblock_mark_mirror(m, base, size); break;
	case 3: bm_memblock_mark_nomap(m, base, size); break;
	case 4: bm_memblock_clear_nomap(m, base, size); break;
	case 5: bm_memblock_mark_driver_managed(m, base, size); break;
	case 6: bm_memblock_reserved_mark_noinit(m, base, size); break;
	case 7: bm_memblock_mark_kho_scratch(m, base, size); break;
	case 8: bm_memblock_clear_kho_scratch(m, base, size); break;
	default:
		bm_memblock_setclr_flag(m, what & 1, base, size, set, flag);
		break;
	}
}

static void fz_mb_alloc(struct fz_in *in, struct fz_state *s, bool ok)
{
	struct bm_machine *m = &s->m;
	unsigned how = (unsigned)take(in, 1) % 6;
	phys_addr_t size = fz_size(in, s) & 0x3ffffff;	/* up to 64 MiB */
	phys_addr_t align = (phys_addr_t)1 << (take(in, 1) % 24);
	phys_addr_t lo = 0, hi = 0, got = 0;
	int nid = fz_nid(in);
	void *p = NULL;

	phys_addr_t bad_align = take(in, 2);

	if (take(in, 1) % 8 == 0)
		align = bad_align;	/* 0 and non powers of two: misuse */
	lo = fz_addr(in, s);
	hi = fz_addr(in, s);
	if (take(in, 1) & 1)
		hi = MEMBLOCK_ALLOC_ACCESSIBLE;
	if (!ok)
		return;
	switch (how) {
	case 0: got = bm_memblock_phys_alloc(m, size, align); break;
	case 1: p = bm_memblock_alloc(m, size, align); break;
	case 2: p = bm_memblock_alloc_node(m, size, align, nid); break;
	case 3: got = bm_memblock_phys_alloc_range(m, size, align, lo, hi); break;
	case 4: p = bm_memblock_alloc_try_nid_raw(m, size, align, lo, hi, nid); break;
	default: p = bm_memblock_alloc_exact_nid_raw(m, size, align, lo, hi, nid); break;
	}
	if (p)
		got = bm_virt_to_phys(m, p);
	if ((p || got) && s->nmba < FZ_MAX_MBA) {
		s->mba[s->nmba].base = got;
		s->mba[s->nmba].size = size;
		s->nmba++;
	}
}

static void fz_mb_free(struct fz_in *in, struct fz_state *s)
{
	unsigned int sel = (unsigned int)take(in, 1), how = (unsigned int)take(in, 1), i;

	if (!s->nmba)
		return;
	i = sel % s->nmba;
	if (how & 1)
		bm_memblock_phys_free(&s->m, s->mba[i].base, s->mba[i].size);
	else
		bm_memblock_free(&s->m, bm_phys_to_virt(&s->m, s->mba[i].base),
				 (size_t)s->mba[i].size);
	s->mba[i] = s->mba[--s->nmba];
}

static void fz_knob(struct fz_in *in, struct fz_state *s)
{
	struct bm_machine *m = &s->m;
	unsigned what = (unsigned)take(in, 1) % 4;
	bool on = take(in, 1) & 1;
	phys_addr_t limit = fz_addr(in, s);

	switch (what) {
	case 0: bm_memblock_set_bottom_up(m, on); break;
	case 1: bm_memblock_set_current_limit(m, limit); break;
	case 2: bm_memblock_set_current_limit(m, MEMBLOCK_ALLOC_ANYWHERE); break;
	default: m->memblock.mirrored_kernelcore = on; break;
	}
}

static void fz_trim(struct fz_in *in, struct fz_state *s, bool ok)
{
	struct bm_machine *m = &s->m;
	unsigned what = (unsigned)take(in, 1) % 4;
	phys_addr_t align = (phys_addr_t)1 << (take(in, 1) % 30);
	phys_addr_t a = fz_addr(in, s), size = fz_size(in, s);

	if (!ok)
		return;
	switch (what) {
	case 0: bm_memblock_trim_memory(m, align); break;
	case 1: bm_memblock_enforce_memory_limit(m, a); break;
	case 2: bm_memblock_cap_memory_range(m, a, size); break;
	default: bm_memblock_mem_limit_remove_map(m, a); break;
	}
}

static void fz_alloc_pages(struct fz_in *in, struct fz_state *s, bool ok)
{
	unsigned int order = (unsigned int)take(in, 1) % 12;	/* 11: misuse */
	int mt = (int)(take(in, 1) % 4);			/* 3: misuse */
	int zone = (int)(take(in, 1) % 5);			/* 4: misuse */
	int nid = fz_nid(in);
	bm_pfn_t pfn;

	if (!ok)
		return;
	pfn = bm_alloc_pages(&s->m, nid, order, (enum bm_zone_type)zone, mt);
	if (pfn == BM_NO_PFN)
		return;
	if (s->nlive == FZ_MAX_LIVE) {
		bm_free_pages(&s->m, pfn, order);
		return;
	}
	s->live[s->nlive].pfn = pfn;
	s->live[s->nlive].order = order;
	s->nlive++;
}

static void fz_free_pages(struct fz_in *in, struct fz_state *s)
{
	unsigned int sel = (unsigned int)take(in, 2), i;

	if (!s->nlive)
		return;
	i = sel % s->nlive;
	bm_free_pages(&s->m, s->live[i].pfn, s->live[i].order);
	s->live[i] = s->live[--s->nlive];
}

/* A reserved range, or part of one, back to the buddy allocator. */
static void fz_release(struct fz_in *in, struct fz_state *s, bool late, bool ok)
{
	struct bm_machine *m = &s->m;
	const struct memblock_type *rsv = &m->memblock.mb.reserved;
	const char *name = fz_names[take(in, 1) % 4];
	unsigned sel = (unsigned)take(in, 1), idx = (unsigned)take(in, 2);
	uint64_t off_in = take(in, 4);
	bool whole = take(in, 1) & 1;
	phys_addr_t pages = take(in, 2) + 1;
	phys_addr_t any = fz_addr(in, s), any_size = fz_size(in, s);
	int poison = take(in, 1) & 1 ? -1 : 0xcc;
	phys_addr_t start, end;

	if (!ok)
		return;
	if (sel % 8 == 0 || !rsv->cnt) {
		start = any;				/* anything: misuse */
		end = start + any_size;
	} else {
		const struct memblock_region *r = &rsv->regions[idx % rsv->cnt];
		phys_addr_t off = r->size ? (off_in % r->size) & ~(phys_addr_t)0xfff : 0;
		phys_addr_t len = whole ? r->size - off : pages << 12;

		start = r->base + off;
		end = start + BM_MIN(len, r->size - off);
	}
	if (fz_trace)
		fprintf(stderr, "  %s [%#llx-%#llx) %s\n", late ? "memblock_free_late" : "free_reserved_area",
			(unsigned long long)start, (unsigned long long)end, name);
	m->caller = name;
	if (late)
		bm_memblock_free_late(m, start, end - start, name);
	else
		bm_free_reserved_area(m, start, end, poison, name);
	m->caller = "fuzz_api";
}

/* Frees nobody may make: pfns outside every held block. */
static void fz_misuse_free(struct fz_in *in, struct fz_state *s, bool reserved_page, bool ok)
{
	bm_pfn_t limit = s->m.mm.max_pfn + 1024;
	bm_pfn_t pfn = take(in, 4) % (limit ? limit : 1);
	unsigned int order = (unsigned int)take(in, 1) % 12;
	uint64_t raw = take(in, 8);

	if (take(in, 1) % 16 == 0)
		pfn = raw;
	if (!ok || !fz_unowned(s, pfn, reserved_page ? 0 : order))
		return;
	if (reserved_page)
		bm_free_reserved_page(&s->m, pfn);
	else
		bm_free_pages(&s->m, pfn, order);
}

/* Up to 255 disjoint reservations (or memory ranges) at a stride: doubling. */
static void fz_many(struct fz_in *in, struct fz_state *s)
{
	bool mem = take(in, 1) & 1;
	unsigned n = (unsigned)take(in, 1);
	phys_addr_t base = fz_addr(in, s);
	phys_addr_t stride = ((take(in, 1) & 15) + 2) << 12;

	for (unsigned i = 0; i < n; i++) {
		if (mem && s->stage == 0)
			bm_memblock_add(&s->m, base + i * stride, 4096);
		else if (!mem)
			bm_memblock_reserve(&s->m, base + i * stride, 4096);
	}
}

/*
 * A boot step out of its order (twice, or before the one it needs) is
 * still called: the core must refuse it with one BM_V_MISUSE and change
 * nothing, which the checks after the operation then confirm.
 */
static void fz_step_refused(struct fz_state *s, void (*step)(struct bm_machine *m))
{
	unsigned long before = s->m.violation_count[BM_V_MISUSE];
	unsigned int steps = s->m.steps;

	step(&s->m);
	if (s->m.violation_count[BM_V_MISUSE] == before || s->m.steps != steps)
		fz_fail(s, "an out-of-order boot step was not refused");
}

static void fz_free_area_init(struct bm_machine *m)
{
	bm_free_area_init(m);
}

static void fz_boot_step(struct fz_state *s, int op)
{
	struct bm_machine *m = &s->m;

	switch (op) {
	case OP_FREE_AREA_INIT:
		if (s->stage == 0)
			s->stage = bm_free_area_init(m) ? 9 : 1;	/* 9: no memory map */
		else if (s->stage != 9)
			fz_step_refused(s, fz_free_area_init);
		break;
	case OP_FREE_ALL:
		if (s->stage == 1) {
			bm_memblock_free_all(m);
			s->stage = 2;
			/* Later full checks trust it where nothing changed;
			 * the end compares them with a walk of everything. */
			if (s->baseline) {
				int err = bm_mm_check_baseline(m);

				/* Past a hand-off that happened, refused only by a
				 * host without write tracking (or memory). */
				if (err && m->mm.buddy_ready && err != -BM_EOPNOTSUPP &&
				    err != -BM_ENOMEM)
					fz_fail(s, "bm_mm_check_baseline refused after memblock_free_all");
			}
		} else {
			fz_step_refused(s, bm_memblock_free_all);
		}
		break;
	case OP_INIT_LATE:
		if (s->stage == 2) {
			bm_set_phase(m, BM_PHASE_SMP_INIT);
			bm_page_alloc_init_late(m);
			bm_set_phase(m, BM_PHASE_ARCH_INITCALL);
			s->stage = 3;
		} else {
			fz_step_refused(s, bm_page_alloc_init_late);
		}
		break;
	default:
		break;
	}
}

/* After teardown every call is refused, nothing dereferenced. */
static void fz_after_destroy(struct fz_state *s)
{
	struct bm_machine *m = &s->m;
	unsigned long before = m->violation_count[BM_V_MISUSE];

	bm_free_pages(m, 0x100, 0);
	bm_free_reserved_area(m, MiB, 2 * MiB, 0, "initrd");
	bm_memblock_add(m, 0, 64 * MiB);
	bm_memblock_reserve(m, 0, MiB);
	bm_memblock_phys_free(m, 0, MiB);
	if (bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE) != BM_NO_PFN)
		fz_fail(s, "allocation from a destroyed machine");
	if (!bm_boot(m, NULL, 0))
		fz_fail(s, "a destroyed machine booted");
	if (bm_page_read(m, 0x100, "fuzz_api"))
		fz_fail(s, "a struct page read from a destroyed machine");
	if (m->violation_count[BM_V_MISUSE] < before + 7)
		fz_fail(s, "a call on a destroyed machine was not refused");
}

/*
 * Operands are decoded whether or not the operation is allowed at this
 * stage, so that an input keeps its meaning when an operation is skipped.
 */
static void fz_op(struct fz_in *in, struct fz_state *s, int op)
{
	struct bm_machine *m = &s->m;
	bool setup = s->stage == 0, running = s->stage == 2 || s->stage == 3;
	bool mapped = s->stage >= 1 && s->stage != 9;
	phys_addr_t base, size;
	unsigned a, b;

	switch (op) {
	case OP_ADD:
	case OP_REMOVE:
	case OP_RESERVE:
	case OP_PHYS_FREE:
		base = fz_addr(in, s);
		size = fz_size(in, s);
		if (fz_trace > 0)
			fprintf(stderr, "  op %d [%#llx +%#llx)\n", op,
				(unsigned long long)base, (unsigned long long)size);
		if (op == OP_ADD && setup)
			bm_memblock_add(m, base, size);
		else if (op == OP_REMOVE && setup)
			bm_memblock_remove(m, base, size);
		else if (op == OP_RESERVE)
			bm_memblock_reserve(m, base, size);
		else if (op == OP_PHYS_FREE)
			bm_memblock_phys_free(m, base, size);
		break;
	case OP_ADD_NODE:
	case OP_SET_NODE:
		base = fz_addr(in, s);
		size = fz_size(in, s);
		a = (unsigned)take(in, 1);
		b = (unsigned)fz_nid(in);
		if (setup && op == OP_ADD_NODE)
			bm_memblock_add_node(m, base, size, (int)b, (enum memblock_flags)(a & 0x7f));
		else if (setup)
			bm_memblock_set_node(m, base, size, a & 1, (int)b);
		break;
	case OP_MB_ALLOC:
		fz_mb_alloc(in, s, s->stage != 9);
		break;
	case OP_MB_FREE:
		fz_mb_free(in, s);
		break;
	case OP_MARK:
		fz_mark(in, s, setup);
		break;
	case OP_POLICY_KNOB:
		fz_knob(in, s);
		break;
	case OP_ALLOW_RESIZE:
		bm_memblock_allow_resize(m);
		break;
	case OP_TRIM:
		fz_trim(in, s, setup);
		break;
	case OP_FREE_AREA_INIT:
	case OP_FREE_ALL:
	case OP_INIT_LATE:
		fz_boot_step(s, op);
		break;
	case OP_ALLOC_PAGES:
		fz_alloc_pages(in, s, running);
		break;
	case OP_FREE_PAGES:
		fz_free_pages(in, s);
		break;
	case OP_FREE_RESERVED_AREA:
	case OP_FREE_LATE:
		fz_release(in, s, op == OP_FREE_LATE, running);
		break;
	case OP_MISUSE_FREE:
	case OP_FREE_RESERVED_PAGE:
		fz_misuse_free(in, s, op == OP_FREE_RESERVED_PAGE, mapped);
		break;
	case OP_PHASE:
		/* Where the callers run: before SMP, or an initcall level after. */
		a = (unsigned)take(in, 1);
		if (running)
			bm_set_phase(m, s->stage == 2 ? BM_PHASE_BEFORE_SMP :
				     (enum bm_phase)(BM_PHASE_CORE_INITCALL + a % 7));
		break;
	case OP_MANY:
		fz_many(in, s);
		break;
	default:
		break;
	}
}

static unsigned long fz_violations(const struct bm_machine *m)
{
	unsigned long n = 0;

	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		n += m->violation_count[k];
	return n;
}


/*
 * FNV-1a over what a fast path and the general path must leave alike: every
 * struct page's bytes, the shadow, the pageblock types, every zone (lists,
 * counters) and the violation counts.
 */
static uint64_t fz_digest(struct bm_machine *m)
{
	uint64_t h = 1469598103934665603ull;
	bm_pfn_t end = (bm_pfn_t)m->mm.nr_sections * BM_PAGES_PER_SECTION;
	int nid;

#define FZ_MIX(p, n) do {							\
		const unsigned char *b_ = (const unsigned char *)(p);		\
		for (size_t i_ = 0; i_ < (size_t)(n); i_++)			\
			h = (h ^ b_[i_]) * 1099511628211ull;			\
	} while (0)
	for (bm_pfn_t pfn = 0; pfn < end; pfn++) {
		const struct page *p = bm_pfn_to_page(m, pfn);

		if (p)
			FZ_MIX(p, sizeof(*p));
	}
	if (m->mm.init_bitmap)
		FZ_MIX(m->mm.init_bitmap, end / 8);
	if (m->mm.pageblock_mt)
		FZ_MIX(m->mm.pageblock_mt, end >> m->cfg.pageblock_order);
	if (m->mm.nodes)
		bm_for_each_online_node(m, nid)
			FZ_MIX(m->mm.nodes[nid].zones, sizeof(m->mm.nodes[nid].zones));
	FZ_MIX(m->violation_count, sizeof(m->violation_count));
#undef FZ_MIX
	return h;
}

/*
 * One input on a fresh machine; with @no_fast the core's fast paths are off
 * (cfg.no_fast_paths). Return: 0, or -1 if the input made no machine. The
 * digest of the final state goes to *@digest.
 */
static int fz_run(const uint8_t *data, size_t size, bool no_fast, uint64_t *digest)
{
	struct fz_in in = { data, size };
	struct fz_state *s = calloc(1, sizeof(*s));
	struct bm_config cfg;
	unsigned hdr0, hdr1, hdr2;

	if (!s)
		return -1;
	if (fz_trace < 0)
		fz_trace = getenv("FUZZ_API_TRACE") != NULL;
	if (fz_full < 0)
		fz_full = getenv("FUZZ_API_FULL") != NULL;
	hdr0 = (unsigned)take(&in, 1);
	hdr1 = (unsigned)take(&in, 1);
	hdr2 = (unsigned)take(&in, 2);
	bm_config_default(&cfg);
	s->ram = fz_sizes[hdr0 & 7];
	s->span = s->ram + s->ram / 4;
	cfg.deferred_struct_page_init = !(hdr0 & 0x08);
	cfg.threads = hdr0 & 0x10 ? 2 : 1;
	cfg.arch_keep_memblock = hdr0 & 0x20;
	cfg.kho = hdr0 & 0x40;
	cfg.memblock_debug = (hdr0 & 0x80) || getenv("FUZZ_API_MBDEBUG");
	cfg.release_policy = (int)(hdr1 % BM_NR_POLICIES);
	if (cfg.release_policy == BM_POLICY_FREE_EARLY)
		cfg.release_policy = BM_POLICY_SAFE;
	cfg.kho_fixed = !(hdr1 & 0x80);
	cfg.movable_node = hdr1 & 0x40;
	if (hdr2 & 4)
		cfg.zone_dma32_end_pfn = BM_PFN_DOWN(64 * MiB + (hdr2 & 8 ? MiB : 0));
	if (hdr2 & 16)
		cfg.zone_dma_end_pfn = 0;
	s->baseline = hdr2 & 32;
	cfg.no_fast_paths = no_fast;
	bm_host_init(&s->host, NULL, 0);
	if (bm_machine_init(&s->m, &s->host.prim, &cfg, s->ram)) {
		free(s);
		return -1;
	}
	bm_machine_set_record(&s->m, &s->record);
	s->m.caller = "fuzz_api";
	s->m.user = s;
	s->m.log_hook = fz_log_hook;
	bm_set_phase(&s->m, BM_PHASE_SETUP_ARCH);
	if (!(hdr2 & 1))
		fz_setup_preset(s);
	if (hdr2 & 2)
		bm_memblock_allow_resize(&s->m);
	s->last_op = -1;
	fz_check(s, true);
	for (s->op_index = 0; in.n && s->op_index < FZ_MAX_OPS; s->op_index++) {
		int stage = s->stage;

		s->last_op = (int)(take(&in, 1) % OP_NR);
		fz_op(&in, s, s->last_op);
		fz_check(s, fz_full || s->stage != stage || s->op_index % FZ_FULL_CHECK_EVERY == 0);
		if (fz_trace)
			fprintf(stderr, "op %3u: %-2d stage %d phase %-16s live %3u free %lu violations %lu\n",
				s->op_index, s->last_op, s->stage, bm_phase_name(s->m.phase), s->nlive,
				bm_nr_free_pages(&s->m), fz_violations(&s->m));
	}
	/* Give back what is held: the state must still check clean. */
	while (s->nlive) {
		s->nlive--;
		bm_free_pages(&s->m, s->live[s->nlive].pfn, s->live[s->nlive].order);
	}
	s->last_op = OP_NR;
	fz_check(s, true);
	if (s->m.mm.check_base) {
		/* A check from the baseline must find what a full walk finds. */
		int from_base = bm_mm_check(&s->m), full;

		bm_mm_check_baseline_drop(&s->m);
		full = bm_mm_check(&s->m);
		if (from_base != full)
			fz_fail(s, "a check from the baseline disagrees with a full walk");
	}
	*digest = fz_digest(&s->m);
	bm_machine_destroy(&s->m);
	fz_after_destroy(s);
	bm_machine_destroy(&s->m);
	free(s);
	return 0;
}

/*
 * With header bit 0x40 of the third byte the input runs twice, the second
 * time without the core's fast paths, and both must end in the same state.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t fast, general;

	if (fz_run(data, size, false, &fast) || size < 3 || !(data[2] & 0x40))
		return 0;
	if (!fz_run(data, size, true, &general) && fast != general) {
		fprintf(stderr, "fuzz_api: the fast paths and the general path end in different states\n");
		abort();
	}
	return 0;
}
