// SPDX-License-Identifier: MIT
/*
 * The x86 model: setup_arch of a 6.1 x86-64 kernel rebuilt from the
 * firmware map alone (no memblock=debug trace).
 *
 *  - the e820 table as the kernel edits it before e820__memblock_setup
 *    (setup_data, mem=/memmap=, trim_bios_range, MTRR trimming), and the
 *    edits made afterwards (efi_arch_mem_reserve) that memblock only sees
 *    as reservations;
 *  - early_reserve_memory (kernel image and brk, the first 64K, initrd,
 *    setup_data, the BIOS region below 1M), e820__memblock_setup (exact
 *    ranges, then memblock_trim_memory(PAGE_SIZE)), efi_reserve_boot_services,
 *    the real-mode trampoline, the whole first 1M, init_mem_mapping,
 *    NUMA nodes from SRAT (or one fake node) and NODE_DATA;
 *  - then sparse_init (the core's) and the allocations up to mm_init
 *    (x86_reserve.c).
 * Each assumption is in docs/REPLAY.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/desc_int.h"
#include "sim/era.h"

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_PRAM		12
#define E820_RESERVED_KERN	128
#define E820_SOFT_RESERVED	0xefffffffu

/* brk used by the Debian 6.1 kernel (reserve_brk: 0x11000 in every data/ log). */
#define BRK_BYTES		((phys_addr_t)0x11000)
/* BIOS data area start when the map does not show the EBDA (QEMU: 636K). */
#define BIOS_START_DEFAULT	((phys_addr_t)0x9f000)
/* real_mode_size_needed() of that kernel: 28672 bytes in every data/ log. */
#define REAL_MODE_PAGES		7
/* roundup(sizeof(pg_data_t), PAGE_SIZE) of that kernel (NODE_DATA lines). */
#define PGDAT_BYTES		((phys_addr_t)0x2b000)

static bool is_ram(uint32_t t)
{
	return t == E820_RAM || t == E820_RESERVED_KERN;
}

static __attribute__((unused)) int cmp_xr(const void *a, const void *b)
{
	const struct xr *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * e820__update_table: where entries overlap the highest type wins; touching
 * entries of one type merge; empty entries vanish.
 */
static int e820_sanitize(struct xr_list *t)
{
	struct xr_list out = { 0 };
	phys_addr_t *pts;
	size_t np = 0;

	if (!t->n)
		return 0;
	pts = malloc(2 * t->n * sizeof(*pts));
	if (!pts)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].start >= t->v[i].end)
			continue;
		pts[np++] = t->v[i].start;
		pts[np++] = t->v[i].end;
	}
	for (size_t i = 1; i < np; i++)	/* insertion sort: tables are small */
		for (size_t j = i; j > 0 && pts[j - 1] > pts[j]; j--) {
			phys_addr_t tmp = pts[j];

			pts[j] = pts[j - 1];
			pts[j - 1] = tmp;
		}
	for (size_t i = 0; i + 1 < np; i++) {
		phys_addr_t a = pts[i], b = pts[i + 1];
		uint32_t type = 0;
		bool any = false;

		if (a == b)
			continue;
		for (size_t k = 0; k < t->n; k++)
			if (t->v[k].start <= a && t->v[k].end >= b && t->v[k].start < t->v[k].end) {
				if (!any || t->v[k].type > type)
					type = t->v[k].type;
				any = true;
			}
		if (!any)
			continue;
		if (out.n && out.v[out.n - 1].end == a && out.v[out.n - 1].type == type)
			out.v[out.n - 1].end = b;
		else if (xr_push(&out, a, b, type))
			goto oom;
	}
	free(pts);
	free(t->v);
	*t = out;
	return 0;
oom:
	free(pts);
	xr_free(&out);
	return -1;
}

/* Set [s, e) of every entry of @old (any type if @any) to @new. */
static int e820_update(struct xr_list *t, phys_addr_t s, phys_addr_t e, uint32_t old,
		       bool any, uint32_t new)
{
	size_t n = t->n;

	for (size_t i = 0; i < n; i++) {
		struct xr x = t->v[i];
		phys_addr_t a = BM_MAX(x.start, s), b = BM_MIN(x.end, e);

		if (a >= b || (!any && x.type != old))
			continue;
		t->v[i].end = a;	/* head keeps its type */
		if (xr_push(t, a, b, new) || (b < x.end && xr_push(t, b, x.end, x.type)))
			return -1;
	}
	return e820_sanitize(t);
}

static int e820_remove(struct xr_list *t, phys_addr_t s, phys_addr_t e, uint32_t old, bool check)
{
	size_t n = t->n;

	for (size_t i = 0; i < n; i++) {
		struct xr x = t->v[i];
		phys_addr_t a = BM_MAX(x.start, s), b = BM_MIN(x.end, e);

		if (a >= b || (check && x.type != old))
			continue;
		t->v[i].end = a;
		if (b < x.end && xr_push(t, b, x.end, x.type))
			return -1;
	}
	return e820_sanitize(t);
}

static int e820_add(struct xr_list *t, phys_addr_t s, phys_addr_t e, uint32_t type)
{
	return xr_push(t, s, e, type) ? -1 : e820_sanitize(t);
}

static int from_table(const struct bm_e820_table *tb, struct xr_list *out)
{
	for (size_t i = 0; i < tb->n; i++)
		if (xr_push(out, tb->entries[i].start, tb->entries[i].end + 1, tb->entries[i].type))
			return -1;
	return e820_sanitize(out);
}

/* The EFI stub's e820 from the EFI memory map (setup_e820). */
static uint32_t efi_to_e820(uint32_t type)
{
	switch (type) {
	case BM_EFI_LOADER_CODE: case BM_EFI_LOADER_DATA: case BM_EFI_BOOT_CODE:
	case BM_EFI_BOOT_DATA: case BM_EFI_CONVENTIONAL:
		return E820_RAM;
	case BM_EFI_ACPI_RECLAIM:
		return 3;
	case BM_EFI_ACPI_NVS:
		return 4;
	case BM_EFI_UNUSABLE:
		return 5;
	case BM_EFI_PERSISTENT:
		return 7;
	default:
		return E820_RESERVED;
	}
}

int x86_firmware_e820(const struct bm_bootlog *log, struct xr_list *out)
{
	const struct bm_e820_table *tb = log->e820;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < log->n_e820_tables; i++)
		if (log->e820_tables[i].kind == BM_E820_TABLE_USER && log->e820_tables[i].n)
			tb = &log->e820_tables[i];
	if (!tb || !tb->n)
		for (size_t i = 0; i < log->n_e820_tables && (!tb || !tb->n); i++)
			tb = &log->e820_tables[i];
	if (tb && tb->n)
		return from_table(tb, out);
	if (log->efi && log->efi->n) {
		for (size_t i = 0; i < log->efi->n; i++) {
			const struct bm_efi_entry *e = &log->efi->entries[i];

			if (xr_push(out, e->start, e->end + 1, efi_to_e820(e->type)))
				return -1;
		}
		return e820_sanitize(out);
	}
	/* /sys/firmware/memmap is the firmware's e820 as the kernel got it
	 * (firmware_map_add_early); /proc/iomem's firmware entries are the
	 * kernel's final e820 table (e820__reserve_resources). */
	if (log->n_fwmemmap || log->n_iomem) {
		struct bm_e820_table t = { 0 };
		int rc = log->n_fwmemmap ? bm_fwmemmap_to_e820(log, true, &t) :
			 bm_iomem_to_e820(log, true, &t);

		if (!rc && t.n) {
			rc = from_table(&t, out);
			free(t.entries);
			return rc;
		}
		free(t.entries);
	}
	if (log->n_dumps) {
		const struct bm_mb_dump *d = &log->dumps[0];

		for (size_t i = 0; i < d->n_memory; i++)
			if (d->memory[i].size &&
			    xr_push(out, d->memory[i].base, d->memory[i].end + 1, E820_RAM))
				return -1;
		return e820_sanitize(out);
	}
	return -1;
}

static unsigned base_line(const struct bm_bootlog *log)
{
	for (size_t i = 0; i < log->n_e820_tables; i++)
		if (log->e820_tables[i].kind == BM_E820_TABLE_USER && log->e820_tables[i].n)
			return log->e820_tables[i].line;
	return 0;
}

/*
 * Is edit @i made before e820__memblock_setup? Edits before the last
 * "last_pfn" line are (setup_data, mem=, trim_bios_range, MTRR trimming:
 * max_pfn is recomputed and printed again after a trim); later ones are
 * efi_arch_mem_reserve's. Without a last_pfn line, trim_bios_range's
 * removal of 640K-1M closes the early edits.
 */
static bool edit_early(const struct bm_bootlog *log, size_t i)
{
	unsigned line = log->e820_edits[i].line, close = 0;

	if (log->n_last_pfn)
		return line < log->last_pfn[log->n_last_pfn - 1].line;
	for (size_t k = 0; k < log->n_e820_edits; k++) {
		const struct bm_e820_edit *e = &log->e820_edits[k];

		if (e->op == BM_E820_REMOVE && e->start == 0xa0000 && e->end == 0xfffff)
			close = e->line;
	}
	return close ? line <= close : true;
}

static int apply_edit(struct xr_list *t, const struct bm_e820_edit *e)
{
	phys_addr_t s = e->start, end = e->end == BM_PHYS_ADDR_MAX ? e->end : e->end + 1;
	uint32_t nt = e->new_type;

	if (e->op == BM_E820_REMOVE)
		return e820_remove(t, s, end, e->old_type, e->has_old_type);
	/* 6.1 prints E820_TYPE_RESERVED_KERN as "usable": "usable ==> usable"
	 * is e820__reserve_setup_data's RAM -> RESERVED_KERN. */
	if (e->has_old_type && e->old_type == E820_RAM && nt == E820_RAM)
		nt = E820_RESERVED_KERN;
	return e820_update(t, s, end, e->old_type, !e->has_old_type, nt);
}

/* parse_memopt / parse_memmap_one on the table (docs: honoured options). */
static int apply_cmdline(struct xr_list *t, const struct bm_cmdline *cl)
{
	if (!cl)
		return 0;
	for (size_t i = 0; i < cl->n_memmap; i++) {
		const struct bm_memmap_opt *o = &cl->memmap[i];
		phys_addr_t s = o->start, e = o->start + o->size;
		int rc = 0;

		switch (o->kind) {
		case BM_MEMMAP_EXACTMAP:
			t->n = 0;
			break;
		case BM_MEMMAP_LIMIT:
			rc = e820_remove(t, o->size, BM_PHYS_ADDR_MAX, E820_RAM, true);
			break;
		case BM_MEMMAP_USABLE:
			rc = e820_add(t, s, e, E820_RAM);
			break;
		case BM_MEMMAP_ACPI:
			rc = e820_add(t, s, e, 3);
			break;
		case BM_MEMMAP_RESERVED:
			rc = e820_add(t, s, e, E820_RESERVED);
			break;
		case BM_MEMMAP_PRAM:
			rc = e820_add(t, s, e, E820_PRAM);
			break;
		case BM_MEMMAP_RETYPE:
			rc = e820_update(t, s, e, (uint32_t)o->old_type, o->old_type < 0,
					 (uint32_t)o->new_type);
			break;
		}
		if (rc)
			return rc;
	}
	if (cl->has_mem)
		return e820_remove(t, cl->mem, BM_PHYS_ADDR_MAX, E820_RAM, true);
	return 0;
}

static size_t count_nosave(const struct xr_list *t, phys_addr_t ram_end)
{
	phys_addr_t last = 0;
	bm_pfn_t prev_end = BM_NO_PFN;
	size_t n = 0;

	/* e820__register_nosave_regions (with the 2025 fix, in 6.1.13x+):
	 * the gaps between RAM entries, and above the last up to max_pfn;
	 * register_nosave_region merges a range that starts where the
	 * previous one ended. */
	for (size_t i = 0; i <= t->n; i++) {
		bm_pfn_t a, b;

		if (i < t->n) {
			if (!is_ram(t->v[i].type))
				continue;
			if (last >= t->v[i].start) {
				last = t->v[i].end;
				continue;
			}
			a = BM_PFN_DOWN(last);
			b = BM_PFN_UP(t->v[i].start);
			last = t->v[i].end;
		} else {
			a = BM_PFN_DOWN(last);
			b = BM_PFN_DOWN(ram_end);
		}
		if (a >= b)
			continue;
		if (prev_end != a)
			n++;
		prev_end = b;
	}
	return n;
}

static int early_reservations(const struct bm_bootlog *log, const struct bm_kernel_image *k,
			      struct x86_input *x, const struct xr_list *base)
{
	phys_addr_t bios = BIOS_START_DEFAULT;

	x->image_start = k->text_start;
	x->image_end = BM_ALIGN_UP(k->bss_end, BM_PAGE_SIZE) + BRK_BYTES;
	if (xr_push(&x->early, x->image_start, x->image_end, 0) || xr_push(&x->early, 0, SZ_64K, 0))
		return -1;
	/* reserve_bios_regions: from the EBDA (where the first RAM entry stops
	 * short of 640K) or the BIOS's base memory size, up to 1M. */
	for (size_t i = 0; i < base->n; i++)
		if (is_ram(base->v[i].type) && base->v[i].start < 0xa0000) {
			if (base->v[i].end < 0xa0000)
				bios = BM_MIN(bios, BM_ALIGN_DOWN(base->v[i].end, BM_PAGE_SIZE));
			break;
		}
	if (xr_push(&x->early, bios, SZ_1M, 0))
		return -1;
	if (log->has_ramdisk &&
	    xr_push(&x->early, log->ramdisk.start, BM_ALIGN_UP(log->ramdisk.end + 1, BM_PAGE_SIZE), 0))
		return -1;
	/* EFI's own tables, reserved by efi_memblock_x86_reserve_range and
	 * efi_memattr_init: only a trace shows where they are. */
	for (size_t i = 0; i < log->n_events; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		if (ev->op == BM_MB_RESERVE && ev->caller &&
		    (!strcmp(ev->caller, "efi_memblock_x86_reserve_range") ||
		     !strcmp(ev->caller, "efi_memattr_init")) &&
		    xr_push(&x->early, ev->start, ev->end + 1, 0))
			return -1;
	}
	/* memblock_x86_reserve_range_setup_data: the ranges setup_data turned
	 * into RESERVED_KERN ("usable ==> usable"). */
	for (size_t i = 0; i < log->n_e820_edits; i++) {
		const struct bm_e820_edit *e = &log->e820_edits[i];
		bool dup = false;

		if (e->op != BM_E820_UPDATE || !e->has_old_type || e->old_type != E820_RAM ||
		    e->new_type != E820_RAM)
			continue;
		for (size_t j = 0; j < x->early.n; j++)
			dup |= x->early.v[j].start == e->start && x->early.v[j].end == e->end + 1;
		if (!dup && xr_push(&x->early, e->start, e->end + 1, 0))
			return -1;
	}
	return 0;
}

static bool overlaps_list(const struct xr_list *l, phys_addr_t s, phys_addr_t e)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].start < e && l->v[i].end > s)
			return true;
	return false;
}

/* efi_reserve_boot_services from the EFI map: Boot Code/Data not marked
 * runtime, skipped when something already reserved a part of it. */
static int efi_boot_from_map(const struct bm_bootlog *log, struct x86_input *x)
{
	if (!log->efi)
		return 0;
	for (size_t i = 0; i < log->efi->n; i++) {
		const struct bm_efi_entry *e = &log->efi->entries[i];

		if ((e->type != BM_EFI_BOOT_CODE && e->type != BM_EFI_BOOT_DATA) ||
		    (e->attr & BM_EFI_RUNTIME))
			continue;
		if (overlaps_list(&x->early, e->start, e->end + 1))
			continue;
		if (xr_push(&x->efi_resv, e->start, e->end + 1, 0))
			return -1;
	}
	return 0;
}

/* The entry of @l overlapping [s, e) that ends highest, or NULL. */
static const struct xr *highest_overlap(const struct xr_list *l, phys_addr_t s, phys_addr_t e)
{
	const struct xr *hi = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].start < e && l->v[i].end > s && (!hi || l->v[i].end > hi->end))
			hi = &l->v[i];
	return hi;
}

/*
 * No EFI map, but the kernel printed what efi_free_boot_services released
 * ("efi: Freeing EFI boot services memory: NK", the arch_initcall of the
 * 2026 fix: v7.0, 6.1.170, 6.12.85): efi_reserve_boot_services had
 * reserved that much (plus parts below 1M, reserved anyway since 5.13, and
 * runtime-marked parts, which the firmware's map keeps reserved too). The
 * size is the line's; the place is not printed: taken top-down from the
 * usable RAM below 4 GiB, where the firmware allocates, clear of the early
 * reservations. Only zone counts before the release depend on the place.
 */
static int efi_boot_from_freeing(const struct bm_bootlog *log, struct x86_input *x)
{
	phys_addr_t left = 0, top = SZ_4G;

	if (log->efi || !log->early.uefi_line)
		return 0;
	for (size_t i = 0; i < log->n_freeing; i++)
		if (log->freeing[i].what && !strcmp(log->freeing[i].what, "EFI boot services"))
			left = BM_ALIGN_UP((phys_addr_t)log->freeing[i].kb << 10, BM_PAGE_SIZE);
	while (left) {
		phys_addr_t best = 0, s = 0, e;
		size_t at = x->e820.n;
		const struct xr *r;

		/* the highest usable range below @top */
		for (size_t i = 0; i < x->e820.n; i++) {
			r = &x->e820.v[i];
			e = BM_ALIGN_DOWN(BM_MIN(r->end, top), BM_PAGE_SIZE);
			if (r->type != 1 || e <= best ||
			    BM_MAX(BM_ALIGN_UP(r->start, BM_PAGE_SIZE), SZ_1M) >= e)
				continue;
			best = e;
			at = i;
		}
		if (at == x->e820.n)
			break;
		e = best;
		s = BM_MAX(BM_ALIGN_UP(x->e820.v[at].start, BM_PAGE_SIZE), SZ_1M);
		if (e - s > left)
			s = e - left;
		top = s;
		/* only above the highest early reservation inside [s, e) */
		r = highest_overlap(&x->early, s, e);
		if (r) {
			top = BM_ALIGN_DOWN(r->start, BM_PAGE_SIZE);
			s = BM_ALIGN_UP(r->end, BM_PAGE_SIZE);
		}
		if (s >= e)
			continue;
		if (xr_push(&x->efi_resv, s, e, 0))
			return -1;
		left -= e - s;
	}
	return 0;
}

/**
 * x86_input_from_log - everything the x86 model needs from the log
 * @log: parsed log
 * @k: the kernel image (already derived)
 * @x: filled; release with x86_input_free()
 * @err: filled on failure
 *
 * Return: 0, or -1 (no usable firmware map, out of memory).
 */
int x86_input_from_log(const struct bm_bootlog *log, const struct bm_kernel_image *k,
		       struct x86_input *x, struct bm_parse_error *err)
{
	const struct bm_cmdline *cl = bm_bootlog_cmdline(log);
	struct xr_list late = { 0 };
	unsigned bl = base_line(log);
	bool user = bl != 0;
	uint64_t nodes = 0;

	memset(x, 0, sizeof(*x));
	if (x86_firmware_e820(log, &x->e820))
		goto bad;
	if (early_reservations(log, k, x, &x->e820))
		goto oom;
	if (!user && apply_cmdline(&x->e820, cl))
		goto oom;
	for (size_t i = 0; i < log->n_e820_edits; i++)
		if (log->e820_edits[i].line > bl && edit_early(log, i) &&
		    apply_edit(&x->e820, &log->e820_edits[i]))
			goto oom;
	/* trim_bios_range, whether or not the log shows it. */
	if (e820_update(&x->e820, 0, BM_PAGE_SIZE, E820_RAM, false, E820_RESERVED) ||
	    e820_remove(&x->e820, 0xa0000, SZ_1M, E820_RAM, true))
		goto oom;
	for (size_t i = 0; i < x->e820.n; i++)
		if (xr_push(&late, x->e820.v[i].start, x->e820.v[i].end, x->e820.v[i].type))
			goto oom;
	for (size_t i = 0; i < log->n_e820_edits; i++) {
		const struct bm_e820_edit *e = &log->e820_edits[i];

		if (e->line <= bl || edit_early(log, i) ||
		    (log->memory.present && e->line > log->memory.line))
			continue;
		if (apply_edit(&late, e))
			goto oom;
		if (e->op == BM_E820_UPDATE && e->has_old_type && e->old_type == E820_RAM &&
		    e->new_type == E820_RESERVED && xr_push(&x->post_resv, e->start, e->end + 1, 0))
			goto oom;
	}
	for (size_t i = 0; i < x->e820.n; i++)
		if (x->e820.v[i].type == E820_RAM)
			x->ram_end = BM_MAX(x->ram_end, BM_ALIGN_DOWN(x->e820.v[i].end, BM_PAGE_SIZE));
	x->possible_end = x->ram_end;
	for (size_t i = 0; i < log->n_srat; i++) {
		/* acpi_numa_memory_affinity_init raises max_possible_pfn. */
		x->possible_end = BM_MAX(x->possible_end, BM_ALIGN_UP(log->srat[i].end + 1, BM_PAGE_SIZE));
		if (log->srat[i].node >= 0 && log->srat[i].node < 64)
			x->srat_nodes |= 1ull << log->srat[i].node;
	}
	x->n_e820_late = late.n;
	x->n_firmware = log->e820 ? log->e820->n : x->e820.n;
	x->n_nosave = count_nosave(&late, x->ram_end);
	xr_free(&late);
	if (efi_boot_from_map(log, x) || efi_boot_from_freeing(log, x))
		goto oom;
	x->n_blk = numa_blocks_from_log(log, x->ram_end, &x->e820, x->blk,
					BM_ARRAY_SIZE(x->blk), &x->numa_fake);
	for (unsigned i = 0; i < x->n_blk; i++)
		nodes |= 1ull << (x->blk[i].nid & 63);
	x->hashdist = __builtin_popcountll(nodes) > 1;
	/* nr_cpu_ids of "setup_percpu:" (possible CPUs: every one gets a
	 * percpu unit), else the 2 CPUs of the QEMU logs. */
	x->nr_cpus = log->early.cpu_line ? (int)log->early.nr_cpu_ids : 2;
	x->cmdline_len = cl && cl->text ? strlen(cl->text) : 0;
	x->movable_node = cl && cl->movable_node;
	x->real_mode_pages = REAL_MODE_PAGES;
	return 0;
oom:
	xr_free(&late);
	x86_input_free(x);
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", log->name);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	return -1;
bad:
	x86_input_free(x);
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", log->name);
		snprintf(err->msg, sizeof(err->msg), "no usable firmware memory map in the log");
	}
	return -1;
}

void x86_input_free(struct x86_input *x)
{
	xr_free(&x->e820);
	xr_free(&x->early);
	xr_free(&x->efi_resv);
	xr_free(&x->post_resv);
}

/*
 * e820__memblock_setup: resizing allowed first (EFI may pass more than the
 * 128 entries of the static arrays, so the kernel allows it here, since
 * 3.x as memblock_x86_fill), then exact RAM ranges, soft-reserved
 * reserved, trim.
 */
static void e820_memblock_setup(struct bm_machine *m, const struct x86_input *x)
{
	m->caller = "e820__memblock_setup";
	bm_memblock_allow_resize(m);
	for (size_t i = 0; i < x->e820.n; i++) {
		const struct xr *e = &x->e820.v[i];

		if (e->type == E820_SOFT_RESERVED)
			bm_memblock_reserve(m, e->start, e->end - e->start);
		if (is_ram(e->type))
			bm_memblock_add(m, e->start, e->end - e->start);
	}
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
}

/*
 * init_mem_mapping: the direct map's page tables come from the brk pool,
 * except for the range that holds the brk itself and once the pool runs
 * out; on QEMU without 1G pages a machine with RAM above 4G took two pages
 * from the top 512M (alloc_low_pages). Modelled as exactly that.
 */
static void init_mem_mapping(struct bm_machine *m, struct desc_ctx *c)
{
	const struct x86_input *x = &c->x;
	phys_addr_t lo = x->ram_end > ((phys_addr_t)512 << 20) ? x->ram_end - ((phys_addr_t)512 << 20) : 0;

	if (x->ram_end <= SZ_4G)
		return;
	for (int i = 0; i < 2; i++) {
		phys_addr_t got;

		m->caller = "alloc_low_pages";
		got = bm_memblock_phys_alloc_range(m, BM_PAGE_SIZE, BM_PAGE_SIZE, lo, x->ram_end);
		x86_record_alloc(m, c, "memblock_phys_alloc_range", "alloc_low_pages", BM_PAGE_SIZE,
				 BM_PAGE_SIZE, BM_NUMA_NO_NODE, lo, x->ram_end, got);
	}
}

/* roundup(sizeof(pg_data_t), PAGE_SIZE): the size of the log's
 * "NODE_DATA(nid) allocated [mem ..]" range, else the Debian 6.1 build's. */
static phys_addr_t pgdat_bytes(const struct bm_bootlog *log, int nid)
{
	for (size_t i = 0; i < log->n_node_data; i++) {
		const struct bm_node_range *r = &log->node_data[i];

		if (r->node == nid && r->end > r->start && r->end - r->start < SZ_1M)
			return BM_ALIGN_UP(r->end - r->start + 1, BM_PAGE_SIZE);
	}
	return PGDAT_BYTES;
}

/*
 * Reservations the log states with their place: every ACPI table
 * (acpi_reserve_initial_tables, 5.14+, "ACPI: Reserving FACP table memory
 * at [mem ..]") and the crash kernel (reserve_crashkernel, after
 * initmem_init, "Reserving 512MB of memory at 1040MB for crashkernel" or
 * from 6.2 "crashkernel reserved: 0x.. - 0x.."). Both are memblock_reserve
 * of that range.
 */
static void x86_log_reservations(struct bm_machine *m, struct desc_ctx *c)
{
	const struct bm_early *ef = &c->log->early;

	m->caller = "acpi_reserve_initial_tables";
	for (size_t i = 0; i < ef->n_acpi_tables; i++)
		bm_memblock_reserve(m, ef->acpi_tables[i].start,
				    ef->acpi_tables[i].end - ef->acpi_tables[i].start + 1);
	m->caller = "reserve_crashkernel";
	for (size_t i = 0; i < ef->n_crash; i++)
		bm_memblock_reserve(m, ef->crash[i].start, ef->crash[i].end - ef->crash[i].start + 1);
}

/**
 * bm_x86_setup_arch - setup_arch of a description made from a firmware map
 * @m: machine in setup_arch
 * @arg: the description's context
 *
 * Return: 0, or the negative error of sparse_init.
 */
int bm_x86_setup_arch(struct bm_machine *m, void *arg)
{
	struct desc_ctx *c = arg;
	struct x86_input *x = &c->x;
	const char *saved = m->caller;
	phys_addr_t got;
	uint64_t done = 0;
	int ret;

	desc_reset_stats(&c->st, c->log->n_events);
	c->trace_cursor = 0;
	m->caller = "early_reserve_memory";
	for (size_t i = 0; i < x->early.n; i++)
		bm_memblock_reserve(m, x->early.v[i].start, x->early.v[i].end - x->early.v[i].start);
	bm_memblock_set_current_limit(m, SZ_1M);
	if (x->movable_node)
		bm_memblock_set_bottom_up(m, true);
	e820_memblock_setup(m, x);
	m->caller = "efi_reserve_boot_services";
	for (size_t i = 0; i < x->efi_resv.n; i++)
		bm_memblock_reserve(m, x->efi_resv.v[i].start,
				    x->efi_resv.v[i].end - x->efi_resv.v[i].start);
	m->caller = "efi_arch_mem_reserve";
	for (size_t i = 0; i < x->post_resv.n; i++)
		bm_memblock_reserve(m, x->post_resv.v[i].start,
				    x->post_resv.v[i].end - x->post_resv.v[i].start);
	m->caller = "reserve_real_mode";
	got = bm_memblock_phys_alloc_range(m, x->real_mode_pages * BM_PAGE_SIZE, BM_PAGE_SIZE, 0, SZ_1M);
	x86_record_alloc(m, c, "memblock_phys_alloc_range", "reserve_real_mode",
			 x->real_mode_pages * BM_PAGE_SIZE, BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, SZ_1M, got);
	/* The whole first 1M from 5.13 ("x86/setup: Always reserve the first
	 * 1M of RAM"); before, trim_low_memory_range's first 64K (reserved
	 * above with the BIOS region and the trampoline) is all. */
	m->caller = "setup_arch";
	if (bm_era_log_at_least(c->log, 5, 13, true))
		bm_memblock_reserve(m, 0, SZ_1M);
	init_mem_mapping(m, c);
	bm_memblock_set_current_limit(m, x->ram_end);
	x86_apply_numa(m, c, 0);
	/* numa_register_memblks: alloc_node_data for every node with memory. */
	for (unsigned i = 0; i < x->n_blk; i++) {
		int nid = x->blk[i].nid;

		if (!bm_numa_valid_node(nid) || (done & (1ull << nid)))
			continue;
		done |= 1ull << nid;
	}
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++) {
		phys_addr_t size = pgdat_bytes(c->log, nid);

		if (!(done & (1ull << nid)))
			continue;
		m->caller = "alloc_node_data";
		got = bm_memblock_phys_alloc_try_nid(m, size, BM_SMP_CACHE_BYTES, nid);
		x86_record_alloc(m, c, "memblock_phys_alloc_try_nid", "alloc_node_data", size,
				 BM_SMP_CACHE_BYTES, nid, 0, 0, got);
		m->mm.nodes[nid].pgdat_phys = got;
	}
	x86_log_reservations(m, c);
	m->caller = "sparse_init";
	ret = bm_sparse_init(m);
	if (ret) {
		c->st.error = ret;
		snprintf(c->st.error_msg, sizeof(c->st.error_msg), "sparse_init failed (%d)", ret);
		m->caller = saved;
		return ret;
	}
	x86_late_allocs(m, c);
	m->caller = saved;
	return 0;
}
