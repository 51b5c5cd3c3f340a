// SPDX-License-Identifier: MIT
/*
 * The real kernel as an oracle: a finished simulated boot of a machine
 * description made from a log, compared row by row with what that kernel
 * printed. bootmm prints the kernel's own formats, so its log is parsed
 * with the same parser as the kernel's and the two are compared item by
 * item; the rest comes from the machine's state. A difference is
 * "tolerated" only when it is exactly the effect of a kernel action bootmm
 * does not model, named in the note (docs/REPLAY.md, "Tolerances").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/desc.h"
#include "sim/era.h"

/* preallocate_vmalloc_pages (x86 mem_init, after memblock_free_all and
 * before "Memory:"): one PUD page per PGD entry of the 32 TiB vmalloc
 * area, 64 entries, 65 when KASLR leaves its start off a 512 GiB boundary. */
#define VMALLOC_PREALLOC_MIN	64
#define VMALLOC_PREALLOC_MAX	65

static struct bm_oracle_row *row(struct bm_oracle_table *t, enum bm_oracle_verdict v,
				 const char *item)
{
	struct bm_oracle_row *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct bm_oracle_row *n = realloc(t->rows, cap * sizeof(*n));

		if (!n)
			return NULL;
		t->rows = n;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->item, sizeof(r->item), "%s", item);
	r->verdict = v;
	switch (v) {
	case BM_ORACLE_MATCH: t->n_match++; break;
	case BM_ORACLE_TOLERATED: t->n_tolerated++; break;
	case BM_ORACLE_MISMATCH: t->n_mismatch++; break;
	case BM_ORACLE_INFO: t->n_info++; break;
	case BM_ORACLE_UNPREDICTABLE: t->n_unpredictable++; break;
	}
	return r;
}

static void add(struct bm_oracle_table *t, enum bm_oracle_verdict v, const char *item,
		const char *kernel, const char *bootmm, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void add(struct bm_oracle_table *t, enum bm_oracle_verdict v, const char *item,
		const char *kernel, const char *bootmm, const char *fmt, ...)
{
	struct bm_oracle_row *r = row(t, v, item);
	va_list ap;

	if (!r)
		return;
	snprintf(r->kernel, sizeof(r->kernel), "%s", kernel);
	snprintf(r->bootmm, sizeof(r->bootmm), "%s", bootmm);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->note, sizeof(r->note), fmt, ap);
		va_end(ap);
	}
}

/* Equal numbers: a MATCH or MISMATCH row. */
static void add_num(struct bm_oracle_table *t, const char *item, uint64_t k, uint64_t b,
		    const char *unit)
{
	char ks[48], bs[48];

	snprintf(ks, sizeof(ks), "%llu%s", (unsigned long long)k, unit);
	snprintf(bs, sizeof(bs), "%llu%s", (unsigned long long)b, unit);
	add(t, k == b ? BM_ORACLE_MATCH : BM_ORACLE_MISMATCH, item, ks, bs,
	    k == b ? NULL : "differs by %lld%s", (long long)(b - k), unit);
}

static void fmt_range(char *buf, size_t n, phys_addr_t s, phys_addr_t e)
{
	snprintf(buf, n, "[mem %#018llx-%#018llx]", (unsigned long long)s, (unsigned long long)e);
}

static void allocations(struct bm_oracle_table *t, const struct bm_replay_stats *rs)
{
	char ks[96], bs[96], item[64];
	size_t shown = 0;

	if (!rs) {
		add(t, BM_ORACLE_INFO, "allocations", "-", "-", "no replay record");
		return;
	}
	if (!rs->n_allocs) {
		add(t, BM_ORACLE_INFO, "allocations", "-", "-",
		    rs->replayed ? "the trace holds no allocation before Memory:" :
		    "no trace: the x86 model's placements cannot be checked");
		return;
	}
	snprintf(ks, sizeof(ks), "%zu allocations", rs->n_allocs);
	snprintf(bs, sizeof(bs), "%zu placed identically", rs->n_match);
	add(t, rs->n_match == rs->n_allocs ? BM_ORACLE_MATCH : BM_ORACLE_MISMATCH,
	    rs->replayed ? "allocations (trace replay)" : "allocations (x86 model)", ks, bs,
	    "%s%zu allocator reserves not compared", rs->replayed ? "" : "model vs ignored trace; ",
	    rs->n_uncompared);
	for (size_t i = 0; i < rs->n_allocs; i++) {
		const struct bm_alloc_cmp *a = &rs->allocs[i];

		if (a->match)
			continue;
		if (shown++ >= 64) {
			add(t, BM_ORACLE_MISMATCH, "allocation ...", "-", "-",
			    "more mismatches not listed");
			break;
		}
		snprintf(item, sizeof(item), "allocation #%u %s", a->idx, a->caller ? a->caller : "?");
		snprintf(ks, sizeof(ks), "%#llx", (unsigned long long)a->kernel_addr);
		snprintf(bs, sizeof(bs), "%#llx", (unsigned long long)a->bootmm_addr);
		add(t, BM_ORACLE_MISMATCH, item, ks, bs, "line %u: %s %llu bytes align %#llx nid %d",
		    a->line, a->fn ? a->fn : "?", (unsigned long long)a->size,
		    (unsigned long long)a->align, a->nid);
	}
	if (rs->dumps_checked) {
		snprintf(ks, sizeof(ks), "%u dumps", rs->dumps_checked);
		snprintf(bs, sizeof(bs), "%u agree", rs->dumps_matched);
		add(t, rs->dumps_matched == rs->dumps_checked ? BM_ORACLE_MATCH : BM_ORACLE_MISMATCH,
		    "later MEMBLOCK dumps", ks, bs, "%s", rs->dump_note);
	}
}

static void zone_ranges(struct bm_oracle_table *t, const struct bm_bootlog *k,
			const struct bm_bootlog *b)
{
	char item[64], ks[96], bs[96];

	for (size_t i = 0; i < k->n_zone_ranges; i++) {
		const struct bm_zone_range *kz = &k->zone_ranges[i];
		const struct bm_zone_range *bz = NULL;

		for (size_t j = 0; j < b->n_zone_ranges && !bz; j++)
			if (!strcmp(b->zone_ranges[j].zone, kz->zone))
				bz = &b->zone_ranges[j];
		snprintf(item, sizeof(item), "Zone ranges %s", kz->zone);
		if (kz->empty)
			snprintf(ks, sizeof(ks), "empty");
		else
			fmt_range(ks, sizeof(ks), kz->start, kz->end);
		if (!bz)
			snprintf(bs, sizeof(bs), "(not printed)");
		else if (bz->empty)
			snprintf(bs, sizeof(bs), "empty");
		else
			fmt_range(bs, sizeof(bs), bz->start, bz->end);
		add(t, strcmp(ks, bs) ? BM_ORACLE_MISMATCH : BM_ORACLE_MATCH, item, ks, bs, NULL);
	}
}

static void node_ranges(struct bm_oracle_table *t, const struct bm_bootlog *k,
			const struct bm_bootlog *b)
{
	char item[64], ks[96], bs[96];
	size_t n = BM_MAX(k->n_node_ranges, b->n_node_ranges);

	for (size_t i = 0; i < n; i++) {
		const struct bm_node_range *kr = i < k->n_node_ranges ? &k->node_ranges[i] : NULL;
		const struct bm_node_range *br = i < b->n_node_ranges ? &b->node_ranges[i] : NULL;

		snprintf(item, sizeof(item), "node range #%zu", i);
		if (kr)
			snprintf(ks, sizeof(ks), "node %d: [mem %#llx-%#llx]", kr->node,
				 (unsigned long long)kr->start, (unsigned long long)kr->end);
		else
			snprintf(ks, sizeof(ks), "(none)");
		if (br)
			snprintf(bs, sizeof(bs), "node %d: [mem %#llx-%#llx]", br->node,
				 (unsigned long long)br->start, (unsigned long long)br->end);
		else
			snprintf(bs, sizeof(bs), "(none)");
		add(t, strcmp(ks, bs) ? BM_ORACLE_MISMATCH : BM_ORACLE_MATCH, item, ks, bs,
		    "Early memory node ranges");
	}
}

static void unavailable(struct bm_oracle_table *t, const struct bm_bootlog *k,
			const struct bm_bootlog *b)
{
	char item[64], ks[64], bs[64];
	size_t n = BM_MAX(k->n_unavail, b->n_unavail);
	struct bm_era era;
	bool known = bm_era_from_log(k, &era) != BM_ERA_NONE;

	/* A log with such lines is compared (5.10 stable has them backported);
	 * one without them is compared only if its kernel's era prints them. */
	if (!k->n_unavail && (!known || !bm_era_prints_unavailable(&era))) {
		for (size_t i = 0; i < b->n_unavail; i++) {
			const struct bm_unavail *bu = &b->unavail[i];

			snprintf(item, sizeof(item), "unavailable #%zu", i);
			snprintf(bs, sizeof(bs), "node %d %s: %llu pages", bu->node, bu->zone,
				 (unsigned long long)bu->pages);
			add(t, BM_ORACLE_INFO, item, "(not printed)", bs,
			    known ? "not printed by this kernel (init_unavailable_range's line is v5.11)" :
			    "not printed by this kernel (no such line in the log: before v5.11)");
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct bm_unavail *ku = i < k->n_unavail ? &k->unavail[i] : NULL;
		const struct bm_unavail *bu = i < b->n_unavail ? &b->unavail[i] : NULL;

		snprintf(item, sizeof(item), "unavailable #%zu", i);
		if (ku)
			snprintf(ks, sizeof(ks), "node %d %s: %llu pages", ku->node, ku->zone,
				 (unsigned long long)ku->pages);
		else
			snprintf(ks, sizeof(ks), "(none)");
		if (bu)
			snprintf(bs, sizeof(bs), "node %d %s: %llu pages", bu->node, bu->zone,
				 (unsigned long long)bu->pages);
		else
			snprintf(bs, sizeof(bs), "(none)");
		add(t, strcmp(ks, bs) ? BM_ORACLE_MISMATCH : BM_ORACLE_MATCH, item, ks, bs,
		    "pages in unavailable ranges");
	}
}

static void deferred(struct bm_oracle_table *t, const struct bm_bootlog *k,
		     const struct bm_sim_run *run, const struct bm_replay_stats *rs)
{
	const struct bm_machine *m = &run->m;
	char item[64], ks[64], bs[64];
	int nid;

	for (nid = 0; nid < m->mm.nr_node_ids; nid++) {
		const struct bm_node *node = &m->mm.nodes[nid];
		bool kdef = false;
		bm_pfn_t pfn;

		if (!node->online)
			continue;
		for (size_t i = 0; i < k->n_deferred; i++)
			kdef |= k->deferred[i].node == nid;
		snprintf(item, sizeof(item), "first_deferred_pfn node %d", nid);
		snprintf(ks, sizeof(ks), "%s", kdef ? "deferred init ran" : "no deferred line");
		pfn = rs ? rs->first_deferred_pfn[nid] : node->first_deferred_pfn;
		if (pfn == BM_NO_PFN)
			snprintf(bs, sizeof(bs), "none");
		else
			snprintf(bs, sizeof(bs), "%#llx", (unsigned long long)pfn);
		add(t, BM_ORACLE_INFO, item, ks, bs,
		    "not printed by the kernel; pages from it on are freed by deferred init, "
		    "not counted in Memory: available");
	}
}

/*
 * Buddy allocations the log prints with their size between kmem_cache_init
 * (the "SLUB:" line, right after memblock_free_all) and the "Memory:" line:
 * hash tables and ftrace's pages, each a whole number of pages.
 */
static uint64_t logged_allocs_kb(const struct bm_bootlog *k, unsigned *count)
{
	uint64_t kb = 0;

	*count = 0;
	if (!k->slab_line)
		return 0;
	for (size_t i = 0; i < k->n_sized; i++) {
		const struct bm_sized_alloc *a = &k->sized[i];

		if (a->line <= k->slab_line || a->line >= k->memory.line)
			continue;
		kb += BM_ALIGN_UP(a->bytes, BM_PAGE_SIZE) >> 10;
		(*count)++;
	}
	return kb;
}

/*
 * >= 6.11 prints "Memory:" after SMP bring-up and deferred init: its
 * "available" is nr_free_pages() then, after every allocation the kernel
 * made since memblock_free_all. bootmm subtracts those the log prints;
 * the rest (slab, the secondary CPUs' stacks and per-CPU data, page
 * tables) is printed nowhere, so bootmm's figure is an upper bound: the
 * row is an estimate, and a disagreement only if the kernel is above it.
 */
static void memory_available_late(struct bm_oracle_table *t, const struct bm_bootlog *k,
				  const struct bm_memory_line *km, const struct bm_memory_line *bm)
{
	unsigned n;
	uint64_t logged = logged_allocs_kb(k, &n);
	uint64_t bound = bm->available_kb > logged ? bm->available_kb - logged : 0;
	char ks[48], bs[48];

	snprintf(ks, sizeof(ks), "%lluK", (unsigned long long)km->available_kb);
	snprintf(bs, sizeof(bs), "<= %lluK", (unsigned long long)bound);
	if (km->available_kb > bound)
		add(t, BM_ORACLE_MISMATCH, "Memory: available", ks, bs,
		    "printed after deferred init: bootmm's upper bound (its free pages %lluK less "
		    "%lluK of %u sized allocations the log prints) is below the kernel's by %lluK",
		    (unsigned long long)bm->available_kb, (unsigned long long)logged, n,
		    (unsigned long long)(km->available_kb - bound));
	else
		add(t, km->available_kb == bound ? BM_ORACLE_MATCH : BM_ORACLE_TOLERATED,
		    "Memory: available", ks, bs,
		    "estimate: printed after SMP and deferred init; bootmm's free pages %lluK less "
		    "%lluK of %u allocations the log prints (hash tables, ftrace) bound it from "
		    "above; the kernel's further %lluK (slab, CPU stacks, page tables) is logged "
		    "nowhere", (unsigned long long)bm->available_kb, (unsigned long long)logged, n,
		    (unsigned long long)(bound - km->available_kb));
}

/* Relative bound for Memory: available/reserved without a trace, in
 * per mille of the kernel's figure (docs/X86-MODEL.md, "Tolerance"). */
#define MODEL_TOLERANCE_PERMILLE	10

/*
 * One of Memory: available / reserved of an x86-model boot (no trace):
 * within 1 % agrees, with the bound stated. With @lower_only (a UEFI boot
 * whose EFI memory map is not in the log), bootmm's figure leaves out the
 * EFI boot services regions, which only that map gives: the row cannot be
 * predicted, and bootmm's figure is only a bound (reserved: at least;
 * available: at most), which the kernel's must respect.
 */
static void model_row(struct bm_oracle_table *t, const char *item, int64_t k, int64_t b,
		      bool lower_only, bool reserved)
{
	int64_t bound = k * MODEL_TOLERANCE_PERMILLE / 1000, diff = b - k;
	char ks[48], bs[48];

	snprintf(ks, sizeof(ks), "%lldK", (long long)k);
	snprintf(bs, sizeof(bs), "%lldK", (long long)b);
	if (lower_only) {
		bool broken = reserved ? diff > bound : -diff > bound;

		if (broken)
			add(t, BM_ORACLE_MISMATCH, item, ks, bs,
			    "differs by %lldK: even without the EFI boot services (not in the log) "
			    "bootmm %s more than 1 %% (%lldK)", (long long)diff,
			    reserved ? "reserves" : "leaves free", (long long)bound);
		else
			add(t, BM_ORACLE_UNPREDICTABLE, item, ks, bs,
			    "no EFI map (efi=debug): EFI boot services size unknown; bootmm's "
			    "figure, without them, is %s bound, kept (by %lldK)",
			    reserved ? "a lower" : "an upper", (long long)-diff);
		return;
	}
	if (!diff)
		add(t, BM_ORACLE_MATCH, item, ks, bs, NULL);
	else
		add(t, -bound <= diff && diff <= bound ? BM_ORACLE_TOLERATED : BM_ORACLE_MISMATCH,
		    item, ks, bs, "differs by %lldK (%.2f %%); bound without a memblock=debug "
		    "trace: 1 %% = %lldK", (long long)diff, k ? 100.0 * (double)diff / (double)k : 0.0,
		    (long long)bound);
}

static const struct bm_freeing *find_free(const struct bm_bootlog *l, const char *what)
{
	for (size_t i = 0; i < l->n_freeing; i++)
		if (l->freeing[i].what && !strcmp(l->freeing[i].what, what))
			return &l->freeing[i];
	return NULL;
}

/*
 * A line the x86 model needs to predict Memory: reserved that this log
 * lacks (a capture that starts late or was filtered), or NULL. The
 * model's defaults (the Debian 6.1 build's) would stand in for it, which
 * is a guess, not a prediction.
 */
static const char *model_input_missing(const struct bm_bootlog *k)
{
	const struct bm_freeing *initrd = NULL;

	for (size_t i = 0; i < k->n_freeing; i++)
		if (k->freeing[i].what && !strcmp(k->freeing[i].what, "initrd"))
			initrd = &k->freeing[i];
	if (initrd && !k->has_ramdisk)
		return "no RAMDISK line: initrd size unknown";
	if (!k->early.cpu_line)
		return "no \"setup_percpu: .. nr_cpu_ids:N\" line: number of percpu units unknown";
	if (!k->early.pcpu_line)
		return "no \"percpu: Embedded N pages/cpu sS rR dD uU\" line: percpu size unknown";
	return NULL;
}

static void memory_line(struct bm_oracle_table *t, const struct bm_bootlog *k,
			const struct bm_bootlog *b, const struct bm_replay_stats *rs)
{
	const struct bm_memory_line *km = &k->memory, *bm = &b->memory;
	const char *missing;
	char ks[48], bs[48];
	int64_t diff;

	if (!km->present) {
		add(t, BM_ORACLE_INFO, "Memory: line", "(not printed)", bm->present ? "printed" : "-", NULL);
		return;
	}
	if (!bm->present) {
		add(t, BM_ORACLE_MISMATCH, "Memory: line", "printed", "(not printed)", NULL);
		return;
	}
	add_num(t, "Memory: total (present)", km->total_kb, bm->total_kb, "K");
	if (rs && !rs->replayed && (missing = model_input_missing(k)) != NULL) {
		snprintf(ks, sizeof(ks), "%lldK", (long long)km->reserved_kb);
		snprintf(bs, sizeof(bs), "%lldK", (long long)bm->reserved_kb);
		add(t, BM_ORACLE_UNPREDICTABLE, "Memory: reserved", ks, bs, "%s", missing);
		snprintf(ks, sizeof(ks), "%lluK", (unsigned long long)km->available_kb);
		snprintf(bs, sizeof(bs), "%lluK", (unsigned long long)bm->available_kb);
		add(t, BM_ORACLE_UNPREDICTABLE, "Memory: available", ks, bs, "%s", missing);
		return;
	}
	if (rs && !rs->replayed) {
		/* without the map, the boot services' size is known from the
		 * line efi_free_boot_services prints since the 2026 fix */
		bool no_map = k->early.uefi_line && !k->efi && !find_free(k, "EFI boot services");

		model_row(t, "Memory: available", (int64_t)km->available_kb,
			  (int64_t)bm->available_kb, no_map, false);
		if (km->reserved_kb >= 0 && bm->reserved_kb >= 0)
			model_row(t, "Memory: reserved", km->reserved_kb, bm->reserved_kb, no_map,
				  true);
		return;
	}
	if (k->n_deferred && km->line > k->deferred[0].line) {
		memory_available_late(t, k, km, bm);
		goto reserved;
	}
	diff = (int64_t)bm->available_kb - (int64_t)km->available_kb;
	snprintf(ks, sizeof(ks), "%lluK", (unsigned long long)km->available_kb);
	snprintf(bs, sizeof(bs), "%lluK", (unsigned long long)bm->available_kb);
	if (!diff)
		add(t, BM_ORACLE_MATCH, "Memory: available", ks, bs, NULL);
	else if (diff >= VMALLOC_PREALLOC_MIN * 4 && diff <= VMALLOC_PREALLOC_MAX * 4 && diff % 4 == 0)
		add(t, BM_ORACLE_TOLERATED, "Memory: available", ks, bs,
		    "kernel lower by %lld pages: preallocate_vmalloc_pages (x86 mem_init, after "
		    "memblock_free_all) takes one PUD page per PGD entry of the vmalloc area; "
		    "bootmm does not model it", (long long)diff / 4);
	else
		add(t, BM_ORACLE_MISMATCH, "Memory: available", ks, bs, "differs by %lldK",
		    (long long)diff);
reserved:
	if (km->reserved_kb >= 0 && bm->reserved_kb >= 0)
		add_num(t, "Memory: reserved", (uint64_t)km->reserved_kb, (uint64_t)bm->reserved_kb, "K");
}

/* The releases bootmm's callers make (sim/callers.c). */
static const char *const modelled_freeing[] = {
	"EFI boot services", "SMP alternatives", "initrd", "unused decrypted",
	"unused kernel image (initmem)", "unused kernel image (text/rodata gap)",
	"unused kernel image (rodata/data gap)",
};

static void freeing(struct bm_oracle_table *t, const struct bm_bootlog *k,
		    const struct bm_bootlog *b)
{
	char item[64], ks[32], bs[32];

	for (size_t i = 0; i < k->n_freeing; i++) {
		const struct bm_freeing *kf = &k->freeing[i];
		const struct bm_freeing *bf = find_free(b, kf->what);

		snprintf(item, sizeof(item), "Freeing %s", kf->what);
		snprintf(ks, sizeof(ks), "%lluK", (unsigned long long)kf->kb);
		if (!bf) {
			bool modelled = false;

			for (size_t m = 0; m < BM_ARRAY_SIZE(modelled_freeing); m++)
				modelled |= !strcmp(kf->what, modelled_freeing[m]);
			add(t, modelled ? BM_ORACLE_MISMATCH : BM_ORACLE_INFO, item, ks, "(not printed)",
			    modelled ? "bootmm did not free this" : "not modelled by bootmm");
			continue;
		}
		snprintf(bs, sizeof(bs), "%lluK", (unsigned long long)bf->kb);
		add(t, kf->kb == bf->kb ? BM_ORACLE_MATCH : BM_ORACLE_MISMATCH, item, ks, bs, NULL);
	}
}

static int zone_index(const char *name)
{
	for (int z = 0; z < BM_NR_ZONES; z++)
		if (!strcmp(name, bm_zone_name((enum bm_zone_type)z)))
			return z;
	return -1;
}

static void zoneinfo(struct bm_oracle_table *t, const struct bm_bootlog *k,
		     const struct bm_sim_run *run)
{
	const struct bm_machine *m = &run->m;
	char item[64];

	for (size_t i = 0; i < k->n_zoneinfo; i++) {
		const struct bm_zoneinfo *kz = &k->zoneinfo[i];
		int z = zone_index(kz->zone);
		const struct bm_zone *bz;
		static const struct bm_zone empty;

		if (z < 0 || kz->node < 0 || kz->node >= BM_MAX_NUMNODES)
			continue;	/* Device: bootmm has no ZONE_DEVICE */
		bz = kz->node < m->mm.nr_node_ids ? &m->mm.nodes[kz->node].zones[z] : &empty;
		if (kz->spanned >= 0) {
			snprintf(item, sizeof(item), "zoneinfo %d %s spanned", kz->node, kz->zone);
			add_num(t, item, (uint64_t)kz->spanned, bz->spanned_pages, "");
		}
		if (kz->present >= 0) {
			snprintf(item, sizeof(item), "zoneinfo %d %s present", kz->node, kz->zone);
			add_num(t, item, (uint64_t)kz->present, bz->present_pages, "");
		}
		if (kz->managed >= 0) {
			snprintf(item, sizeof(item), "zoneinfo %d %s managed", kz->node, kz->zone);
			add_num(t, item, (uint64_t)kz->managed, bz->managed_pages, "");
		}
	}
}

static void buddyinfo(struct bm_oracle_table *t, const struct bm_bootlog *k,
		      const struct bm_sim_run *run)
{
	const struct bm_machine *m = &run->m;
	char item[64], ks[96], bs[96];

	for (size_t i = 0; i < k->n_buddyinfo; i++) {
		const struct bm_free_row *r = &k->buddyinfo[i];
		int z = zone_index(r->zone);
		const struct bm_zone *bz;
		size_t kl = 0, bl = 0;
		bool same = true;

		if (z < 0 || r->node < 0 || r->node >= m->mm.nr_node_ids)
			continue;
		bz = &m->mm.nodes[r->node].zones[z];
		for (unsigned o = 0; o < r->n_orders && o < BM_MAX_ORDER_LIMIT; o++) {
			unsigned long n = 0;

			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				n += bz->free_area[o].nr_free[mt];
			same &= n == r->count[o];
			kl += (size_t)snprintf(ks + kl, sizeof(ks) - BM_MIN(kl, sizeof(ks)), "%llu ",
					       (unsigned long long)r->count[o]);
			bl += (size_t)snprintf(bs + bl, sizeof(bs) - BM_MIN(bl, sizeof(bs)), "%lu ", n);
			kl = BM_MIN(kl, sizeof(ks) - 1);
			bl = BM_MIN(bl, sizeof(bs) - 1);
		}
		snprintf(item, sizeof(item), "buddyinfo %d %s", r->node, r->zone);
		add(t, BM_ORACLE_INFO, item, ks, bs, same ? "identical" :
		    "reported only: the kernel ran userspace and allocated since boot");
	}
}

int bm_oracle_compare(const struct bm_bootlog *log, const struct bm_sim_run *run,
		      const struct bm_replay_stats *rs, struct bm_oracle_table *t)
{
	struct bm_bootlog sim;
	struct bm_parse_error perr;
	uint64_t memtotal;

	if (!log || !run || !t || !run->log)
		return -1;
	if (bm_bootlog_parse_buf("bootmm", run->log, run->log_len, &sim, &perr))
		return -1;
	allocations(t, rs);
	zone_ranges(t, log, &sim);
	node_ranges(t, log, &sim);
	unavailable(t, log, &sim);
	deferred(t, log, run, rs);
	memory_line(t, log, &sim, rs);
	freeing(t, log, &sim);
	if (bm_meminfo_get(log, "MemTotal", &memtotal))
		add_num(t, "MemTotal", memtotal, run->res.memtotal_kb, " kB");
	zoneinfo(t, log, run);
	buddyinfo(t, log, run);
	bm_bootlog_free(&sim);
	return t->n_mismatch ? 1 : 0;
}

static const char *verdict_word(enum bm_oracle_verdict v)
{
	switch (v) {
	case BM_ORACLE_MATCH: return "ok";
	case BM_ORACLE_TOLERATED: return "~ok";
	case BM_ORACLE_MISMATCH: return "DIFF";
	case BM_ORACLE_INFO: return "info";
	case BM_ORACLE_UNPREDICTABLE: return "n/a";
	}
	return "?";
}

void bm_oracle_print(const struct bm_oracle_table *t, FILE *out)
{
	int wi = 4, wk = 6, wb = 6;

	for (size_t i = 0; i < t->n; i++) {
		wi = BM_MAX(wi, (int)strlen(t->rows[i].item));
		wk = BM_MAX(wk, (int)strlen(t->rows[i].kernel));
		wb = BM_MAX(wb, (int)strlen(t->rows[i].bootmm));
	}
	fprintf(out, "%-*s  %-*s  %-*s  %-5s %s\n", wi, "item", wk, "kernel", wb, "bootmm",
		"", "note");
	for (size_t i = 0; i < t->n; i++) {
		const struct bm_oracle_row *r = &t->rows[i];

		fprintf(out, "%-*s  %-*s  %-*s  %-5s %s\n", wi, r->item, wk, r->kernel, wb, r->bootmm,
			verdict_word(r->verdict), r->note);
	}
	fprintf(out, "oracle: %zu match, %zu tolerated, %zu mismatch, %zu info, %zu unpredictable\n",
		t->n_match, t->n_tolerated, t->n_mismatch, t->n_info, t->n_unpredictable);
}

void bm_oracle_table_free(struct bm_oracle_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

const struct bm_oracle_row *bm_oracle_find(const struct bm_oracle_table *t, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->rows[i].item, prefix, n))
			return &t->rows[i];
	return NULL;
}
