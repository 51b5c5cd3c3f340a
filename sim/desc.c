// SPDX-License-Identifier: MIT
/*
 * bm_desc_from_log: a machine description from any parsed boot log. What
 * the kernel printed decides everything it can: the firmware map, the
 * kernel image's place (/proc/iomem), initrd, EFI boot services, NUMA, the
 * command line and the configuration the kernel ran with. setup_arch is
 * the trace replay (replay.c) when the log has a memblock=debug trace, the
 * x86 model (x86_model.c) otherwise. docs/REPLAY.md has the assumptions.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/desc_int.h"
#include "sim/era.h"

/* Defaults when the log does not show the kernel image (CONFIG_PHYSICAL_START,
 * no KASLR, Debian 12's 6.1 cloud kernel sizes). */
#define DEF_PHYSICAL_START	((phys_addr_t)16 << 20)
#define DEF_CODE_KB		14343
#define DEF_RODATA_KB		8348
#define DEF_RWDATA_KB		2327
#define DEF_INIT_KB		2612
#define DEF_BSS_KB		5436
/* _edata .. __init_begin: BUG table, ORC tables and the vvar page of that
 * kernel (0x1821b000 - 0x17e46000 in efi-512M-trace.log). */
#define DEF_DATA_INIT_GAP	((phys_addr_t)0x3d5000)
/* vmlinux.lds.S: the vvar page, page aligned, right before __init_begin. */
#define VVAR_BYTES		BM_PAGE_SIZE
/* .data_nosave between .smp_locks and .bss: one page with CONFIG_HIBERNATION
 * (kernel/power/hibernate.c's in_suspend is __nosavedata). */
#define NOSAVE_BYTES		BM_PAGE_SIZE

int xr_push(struct xr_list *l, phys_addr_t start, phys_addr_t end, uint32_t type)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct xr *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct xr){ start, end, type };
	return 0;
}

void xr_free(struct xr_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void set_err(struct bm_parse_error *err, const struct bm_bootlog *log,
		    const char *msg)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", log->name[0] ? log->name : "(input)");
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static const struct bm_freeing *find_freeing(const struct bm_bootlog *log, const char *what)
{
	for (size_t i = 0; i < log->n_freeing; i++)
		if (log->freeing[i].what && !strcmp(log->freeing[i].what, what))
			return &log->freeing[i];
	return NULL;
}

static const struct bm_iomem_entry *find_iomem(const struct bm_bootlog *log, const char *name)
{
	for (size_t i = 0; i < log->n_iomem; i++)
		if (log->iomem[i].name && !strcmp(log->iomem[i].name, name))
			return &log->iomem[i];
	return NULL;
}

static uint64_t kb_or(int64_t v, uint64_t def)
{
	return v >= 0 ? (uint64_t)v : def;
}

/* Does the log say where the kernel image lies and how its parts are sized? */
static bool kernel_image_known(const struct bm_bootlog *log)
{
	if (find_iomem(log, "Kernel code") && find_iomem(log, "Kernel rodata") &&
	    find_iomem(log, "Kernel data") && find_iomem(log, "Kernel bss"))
		return true;
	for (size_t i = 0; i < log->n_freeing; i++)
		if (log->freeing[i].what && !strncmp(log->freeing[i].what, "unused kernel", 13))
			return true;
	return false;
}

/* Does the Linux version line name Ubuntu (its compiler string does)? */
static bool ubuntu_build(const struct bm_bootlog *log)
{
	const char *b = log->version_banner;

	for (; b && *b; b++)
		if ((b[0] | 0x20) == 'u' && !strncmp(b + 1, "buntu", 5))
			return true;
	return false;
}

/*
 * The bytes between the vvar page's end and __init_begin that no line
 * prints: the rest of what vmlinux.lds.S puts after _edata, the BUG table
 * (__bug_table) and, with CONFIG_UNWINDER_ORC, the ORC tables
 * (.orc_unwind_ip, .orc_unwind, .orc_lookup). @size_min is _text .. __bss_stop
 * without them. Two rules fix the image's end modulo 2 MiB (_text is
 * 2 MiB aligned: CONFIG_PHYSICAL_ALIGN, which KASLR keeps):
 *
 *  - a "Freeing unused decrypted memory" line (AMD_MEM_ENCRYPT, 4.19+):
 *    .bss ends with BSS_DECRYPTED, whose ". = ALIGN(PMD_SIZE)" makes
 *    __bss_stop, the end of the image's reservation, 2 MiB aligned;
 *  - a "BRK [..] PGTABLE" line (4.x, early 5.x): the first page
 *    early_alloc_pgt_buf took from .brk, which starts at __bss_stop; before
 *    it only dmi_alloc (one page when the log has a DMI: line) used brk.
 *
 * Whole 2 MiB steps are not printed: the ORC tables' size. Builds with the
 * frame-pointer unwinder (Ubuntu's; the three Ubuntu captures' residues are
 * 80-114K, a BUG table and no more) take the smallest tail; others take the
 * one nearest the traced Debian 6.1 build's tail scaled by the kernel code
 * size, since ORC has entries throughout .text. docs/X86-MODEL.md has the
 * figures. Without either line the tail is that estimate itself.
 */
static phys_addr_t image_tail(const struct bm_bootlog *log, uint64_t code_b,
			      phys_addr_t size_min, bool decrypted)
{
	const phys_addr_t mask = SZ_2M - 1;
	phys_addr_t target = 0, want, t;

	if (!ubuntu_build(log))
		target = BM_ALIGN_UP((DEF_DATA_INIT_GAP - VVAR_BYTES) * (phys_addr_t)code_b /
				     ((phys_addr_t)DEF_CODE_KB << 10), BM_PAGE_SIZE);
	if (decrypted)
		want = 0;
	else if (log->early.brk_line)
		want = (log->early.brk_first - (log->early.dmi_line ? BM_PAGE_SIZE : 0)) & mask;
	else
		return target;
	t = (want - size_min) & mask;
	while (t + SZ_1M < target)
		t += SZ_2M;
	return t;
}

/*
 * The kernel image. /proc/iomem gives code, rodata, data and bss; the x86
 * vmlinux.lds layout puts, between the end of data and __bss_start:
 * (BUG/ORC tables, vvar) __init_begin .. __init_end, .smp_locks (page
 * aligned), .data_nosave (one page), then .bss, whose last 2 MiB-aligned
 * piece is .bss..decrypted. Sizes of init, .smp_locks and the unused
 * decrypted part come from the Freeing lines (or the Memory: line).
 */
static void kernel_image(const struct bm_bootlog *log, struct bm_kernel_image *k)
{
	const struct bm_iomem_entry *code = find_iomem(log, "Kernel code");
	const struct bm_iomem_entry *ro = find_iomem(log, "Kernel rodata");
	const struct bm_iomem_entry *data = find_iomem(log, "Kernel data");
	const struct bm_iomem_entry *bss = find_iomem(log, "Kernel bss");
	const struct bm_memory_line *ml = &log->memory;
	const struct bm_freeing *f;
	uint64_t init_b, smp_b = 0, dec_b = 0;

	f = find_freeing(log, "unused kernel image (initmem)");
	init_b = f ? f->kb << 10 : (kb_or(ml->present ? ml->init_kb : -1, DEF_INIT_KB) << 10);
	f = find_freeing(log, "SMP alternatives");
	if (f)
		smp_b = f->kb << 10;
	f = find_freeing(log, "unused decrypted");
	if (f)
		dec_b = f->kb << 10;

	memset(k, 0, sizeof(*k));
	if (code && ro && data && bss) {
		k->text_start = code->start;
		k->text_end = code->end + 1;
		k->rodata_start = ro->start;
		k->rodata_end = ro->end + 1;
		k->data_start = data->start;
		k->data_end = data->end + 1;
		k->bss_start = bss->start;
		k->bss_end = bss->end + 1;
	} else {
		uint64_t code_b = kb_or(ml->present ? ml->kernel_code_kb : -1, DEF_CODE_KB) << 10;
		uint64_t ro_b = kb_or(ml->present ? ml->rodata_kb : -1, DEF_RODATA_KB) << 10;
		uint64_t rw_b = kb_or(ml->present ? ml->rwdata_kb : -1, DEF_RWDATA_KB) << 10;
		uint64_t bss_b = kb_or(ml->present ? ml->bss_kb : -1, DEF_BSS_KB) << 10;
		phys_addr_t p;

		k->text_start = DEF_PHYSICAL_START;
		/* "kernel code" is (_etext - _stext) >> 10, truncated, and _etext
		 * is not page aligned (vmlinux.lds: ". = ALIGN(PAGE_SIZE)" comes
		 * after it): the smallest size the line allows is one byte more. */
		k->text_end = k->text_start + code_b + 1;
		k->rodata_start = BM_ALIGN_UP(k->text_end, SZ_2M);
		k->rodata_end = k->rodata_start + ro_b;
		k->data_start = BM_ALIGN_UP(k->rodata_end, SZ_2M);
		k->data_end = k->data_start + rw_b;
		p = BM_ALIGN_UP(k->data_end, BM_PAGE_SIZE) + VVAR_BYTES;
		p += BM_ALIGN_UP(init_b, BM_PAGE_SIZE) + BM_ALIGN_UP(smp_b, BM_PAGE_SIZE) + NOSAVE_BYTES;
		bss_b = BM_ALIGN_UP(bss_b, BM_PAGE_SIZE);
		if (ml->present)
			p += image_tail(log, code_b, p + bss_b - k->text_start, dec_b != 0);
		else
			p += DEF_DATA_INIT_GAP - VVAR_BYTES;
		k->bss_start = p;
		k->bss_end = p + bss_b;
	}
	/* Work back from __bss_start. */
	k->smp_locks_end = k->bss_start - NOSAVE_BYTES;
	k->smp_locks_start = k->smp_locks_end - BM_ALIGN_UP(smp_b, BM_PAGE_SIZE);
	k->init_end = k->smp_locks_start;
	k->init_start = k->init_end - BM_ALIGN_UP(init_b, BM_PAGE_SIZE);
	if (k->init_start < BM_ALIGN_UP(k->data_end, BM_PAGE_SIZE) || k->bss_start < NOSAVE_BYTES) {
		/* Not the expected layout: init right after data, no nosave page. */
		k->init_start = BM_ALIGN_UP(k->data_end, BM_PAGE_SIZE);
		k->init_end = k->init_start + BM_ALIGN_UP(init_b, BM_PAGE_SIZE);
		k->smp_locks_start = k->init_end;
		k->smp_locks_end = k->smp_locks_start + BM_ALIGN_UP(smp_b, BM_PAGE_SIZE);
	}
	if (!smp_b)
		k->smp_locks_start = k->smp_locks_end = k->init_end;
	if (dec_b && dec_b <= k->bss_end - k->bss_start) {
		k->decrypted_end = k->bss_end;
		k->decrypted_start = k->bss_end - dec_b;
	}
}

/* Highest end of RAM any map of the log knows, rounded up to a section. */
static phys_addr_t phys_size_of(const struct bm_bootlog *log, const struct xr_list *ram)
{
	phys_addr_t end = 0;

	for (size_t i = 0; i < ram->n; i++)
		if (ram->v[i].type == 1 || ram->v[i].type == 128)
			end = BM_MAX(end, ram->v[i].end);
	for (size_t i = 0; i < log->n_dumps; i++)
		for (size_t j = 0; j < log->dumps[i].n_memory; j++)
			if (log->dumps[i].memory[j].size)
				end = BM_MAX(end, log->dumps[i].memory[j].end + 1);
	for (size_t i = 0; i < log->n_node_ranges; i++)
		end = BM_MAX(end, log->node_ranges[i].end + 1);
	return BM_ALIGN_UP(end, (phys_addr_t)1 << BM_SECTION_SHIFT);
}

/* Is [s, e) entirely RAM in the e820 table? (e820__mapped_all) */
static bool all_ram(const struct xr_list *e820, phys_addr_t s, phys_addr_t e)
{
	for (size_t i = 0; i < e820->n && s < e; i++) {
		const struct xr *x = &e820->v[i];

		if ((x->type != 1 && x->type != 128) || x->end <= s || x->start > s)
			continue;
		s = x->end;
		i = (size_t)-1;	/* entries are sorted but may be split: rescan */
	}
	return s >= e;
}

/*
 * EFI boot services the kernel will free: efi_reserve_boot_services
 * reserves each Boot Code/Data range nobody reserved yet, and frees it
 * later only if it is all RAM and clear of the kernel image
 * (can_free_region). From a trace: its reserves; else the EFI map.
 */
static int efi_ranges(struct desc_ctx *c, const struct bm_kernel_image *k)
{
	const struct bm_bootlog *log = c->log;
	struct x86_input *x = &c->x;
	size_t n = 0;

	c->efi_boot = calloc(x->efi_resv.n + 1, sizeof(*c->efi_boot));
	if (!c->efi_boot)
		return -1;
	for (size_t i = 0; i < x->efi_resv.n; i++) {
		phys_addr_t s = x->efi_resv.v[i].start, e = x->efi_resv.v[i].end;

		if (s < x->image_end && e > x->image_start)
			continue;
		if (!all_ram(&x->e820, s, e))
			continue;
		c->efi_boot[n++] = (struct bm_sim_range){ s, e - s };
	}
	c->n_efi_boot = n;
	(void)log;
	(void)k;
	return 0;
}

/* Trace reserves of efi_reserve_boot_services replace the map's guess. */
static int efi_from_trace(struct desc_ctx *c)
{
	const struct bm_bootlog *log = c->log;

	c->x.efi_resv.n = 0;
	for (size_t i = 0; i < log->n_events; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		if (ev->op == BM_MB_RESERVE && ev->caller &&
		    !strcmp(ev->caller, "efi_reserve_boot_services") &&
		    xr_push(&c->x.efi_resv, ev->start, ev->end + 1, 0))
			return -1;
	}
	return 0;
}

/*
 * The configuration the logged kernel ran with: its era's profile
 * (sim/era.c, from the Linux version line), then what the log's own lines
 * show (trace content, the order of Freeing and Memory: lines), then the
 * machine's facts (deferred init, the image sizes, the command line). An
 * explicit kernel in @cfg_in (a scenario's "config kernel=") is kept.
 */
static void config_of(const struct bm_bootlog *log, const struct bm_sim_config *cfg_in,
		      struct bm_sim_config *cfg)
{
	const struct bm_cmdline *cl = bm_bootlog_cmdline(log);
	const struct bm_memory_line *ml = &log->memory;
	struct bm_era era;
	bool known = false;

	if (cfg_in)
		*cfg = *cfg_in;
	else
		bm_sim_config_default(cfg);
	if (!cfg->kernel[0] && bm_era_from_log(log, &era) != BM_ERA_NONE) {
		bm_era_apply(&era, cfg);
		known = true;
	}
	if (!cfg_in || !cfg_in->kernel[0])
		bm_era_apply_evidence(log, cfg, NULL, 0);
	/* Deferred struct page init: on (the Debian kernels of data/ print
	 * "deferred pages initialised"), unless the Memory: line printed at
	 * mm_core_init shows nothing held back: available = total - reserved,
	 * give or take the 65 vmalloc PUD pages (the real-maps.txt kernels). */
	cfg->deferred_struct_page_init = true;
	if (ml->present && !log->n_deferred && ml->reserved_kb >= 0 &&
	    !(known && cfg->memory_line_after_deferred) &&
	    ml->available_kb + (uint64_t)ml->reserved_kb + 65 * 4 >= ml->total_kb)
		cfg->deferred_struct_page_init = false;
	if (ml->present) {
		cfg->kernel_code = (uint64_t)kb_or(ml->kernel_code_kb, 0) << 10;
		cfg->kernel_rwdata = (uint64_t)kb_or(ml->rwdata_kb, 0) << 10;
		cfg->kernel_rodata = (uint64_t)kb_or(ml->rodata_kb, 0) << 10;
		cfg->kernel_init = (uint64_t)kb_or(ml->init_kb, 0) << 10;
		cfg->kernel_bss = (uint64_t)kb_or(ml->bss_kb, 0) << 10;
	}
	/* x86-64 mem_init preallocates the vmalloc area's PUD pages: 64 PGD
	 * entries, one more when KASLR moves its start off a PGD boundary. */
	cfg->vmalloc_prealloc_pages = cl && cl->nokaslr ? 64 : 65;
	if (cl) {
		cfg->memblock_debug = cl->memblock_debug;
		cfg->movable_node = cl->movable_node;
		cfg->kho = cl->kho;
	}
}

void desc_reset_stats(struct bm_replay_stats *st, size_t events_total)
{
	struct bm_alloc_cmp *keep = st->allocs;
	size_t cap = st->cap_allocs;

	memset(st, 0, sizeof(*st));
	st->allocs = keep;
	st->cap_allocs = cap;
	st->dump_used = -1;
	st->events_total = events_total;
	for (int nid = 0; nid < BM_MAX_NUMNODES; nid++)
		st->first_deferred_pfn[nid] = BM_NO_PFN;
}

/* free_area_init has run: keep each node's first_deferred_pfn for the oracle. */
static void record_deferred(struct bm_machine *m, void *arg)
{
	struct desc_ctx *c = arg;

	for (int nid = 0; nid < m->mm.nr_node_ids && nid < BM_MAX_NUMNODES; nid++)
		if (m->mm.nodes[nid].online)
			c->st.first_deferred_pfn[nid] = m->mm.nodes[nid].first_deferred_pfn;
}

static bool has_firmware_map(const struct bm_bootlog *log)
{
	if (log->e820 || log->efi || log->n_dumps || log->n_fwmemmap)
		return true;
	/* /proc/iomem: a map when it has RAM ("System RAM"), not only the
	 * kernel image lines of a log's own iomem section */
	for (size_t i = 0; i < log->n_iomem; i++)
		if (log->iomem[i].name && !strcmp(log->iomem[i].name, "System RAM"))
			return true;
	for (size_t i = 0; i < log->n_e820_tables; i++)
		if (log->e820_tables[i].n)
			return true;
	return false;
}

int bm_desc_from_log_opts(const struct bm_bootlog *log, const struct bm_sim_config *cfg_in,
			  unsigned flags, struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
			  struct bm_parse_error *err)
{
	struct bm_sim_config cfg;
	struct desc_ctx *c;
	const char *base;

	memset(d, 0, sizeof(*d));
	if (!log) {
		if (err)
			memset(err, 0, sizeof(*err));
		return -1;
	}
	if (!has_firmware_map(log)) {
		set_err(err, log, "no firmware memory map in the log (no BIOS-e820 table, "
			"EFI memory map, MEMBLOCK configuration dump, /proc/iomem or "
			"/sys/firmware/memmap): nothing to boot");
		return -1;
	}
	/*
	 * A trace that stops before the "Memory:" line is a log cut during
	 * setup_arch: replaying it would boot a machine whose memory map and
	 * reservations were never made. Say so rather than boot garbage.
	 */
	if (log->n_dumps > 0 && log->n_events > 0 && !(flags & BM_DESC_IGNORE_TRACE) &&
	    !log->memory.present) {
		set_err(err, log, "the memblock=debug trace ends before the \"Memory:\" line: "
			"the log is truncated during setup_arch (nothing to replay past it)");
		if (err)
			err->line = log->n_lines;
		return -1;
	}
	/*
	 * A trace cut before free_initmem ("Freeing unused kernel ...") with
	 * no /proc/iomem "Kernel code/rodata/data/bss" lines has lost the
	 * kernel image's layout (init, .smp_locks and the gaps are sized by
	 * those Freeing lines), while its replayed reservations put the image
	 * where it really was: a default layout then disagrees with them and
	 * every release becomes a bogus finding. Refuse. (Without a trace the
	 * x86 model reserves the image at the default layout itself, and a
	 * map-only excerpt boots consistently.)
	 */
	if (log->n_dumps > 0 && log->n_events > 0 && !(flags & BM_DESC_IGNORE_TRACE) &&
	    !kernel_image_known(log)) {
		set_err(err, log, "the log ends before free_initmem (no \"Freeing unused kernel "
			"image\" line) and has no /proc/iomem Kernel code/rodata/data/bss lines: the "
			"kernel image's layout is missing (a truncated log?); give the whole log");
		if (err)
			err->line = log->n_lines;
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		set_err(err, log, "out of memory");
		return -1;
	}
	c->log = log;
	c->flags = flags;
	c->use_trace = log->n_dumps > 0 && log->n_events > 0 && !(flags & BM_DESC_IGNORE_TRACE);
	c->st.dump_used = -1;
	base = strrchr(log->name, '/');
	snprintf(d->name, sizeof(d->name), "%.127s", base ? base + 1 : log->name);
	kernel_image(log, &d->kernel);
	if (x86_input_from_log(log, &d->kernel, &c->x, err))
		goto fail;
	/* Without an EFI map (efi=debug off), the trace's efi_reserve_boot_services
	 * lines are the only record of the boot services ranges: the model uses
	 * them too when it ignores the rest of the trace. */
	if ((c->use_trace || !log->efi || !log->efi->n) && log->n_events && efi_from_trace(c))
		goto oom;
	if (efi_ranges(c, &d->kernel))
		goto oom;
	d->efi_boot = c->efi_boot;
	d->n_efi_boot = c->n_efi_boot;
	d->phys_size = phys_size_of(log, &c->x.e820);
	d->nr_cpus = c->x.nr_cpus;
	if (log->has_ramdisk)
		d->initrd = (struct bm_sim_range){ log->ramdisk.start,
						   log->ramdisk.end + 1 - log->ramdisk.start };
	d->efi_debug = bm_bootlog_cmdline(log) && bm_bootlog_cmdline(log)->efi_debug;
	d->setup_arch = c->use_trace ? bm_replay_setup_arch : bm_x86_setup_arch;
	d->setup_arg = c;
	c->record = (struct bm_action){ BM_PHASE_FREE_AREA_INIT, record_deferred, c,
					"bootmm_oracle_record" };
	d->extra_actions = &c->record;
	d->nr_extra_actions = 1;
	config_of(log, cfg_in, &cfg);
	if (cfg_out)
		*cfg_out = cfg;
	return 0;
oom:
	set_err(err, log, "out of memory");
fail:
	x86_input_free(&c->x);
	free(c->efi_boot);
	free(c);
	memset(d, 0, sizeof(*d));
	return -1;
}

int bm_desc_from_log(const struct bm_bootlog *log, const struct bm_sim_config *cfg_in,
		     struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
		     struct bm_parse_error *err)
{
	return bm_desc_from_log_opts(log, cfg_in, 0, d, cfg_out, err);
}

static bool is_ours(const struct bm_machine_desc *d)
{
	return d && d->setup_arg &&
	       (d->setup_arch == bm_replay_setup_arch || d->setup_arch == bm_x86_setup_arch);
}

void bm_desc_free(struct bm_machine_desc *d)
{
	struct desc_ctx *c;

	if (!is_ours(d))
		return;
	c = d->setup_arg;
	x86_input_free(&c->x);
	free(c->efi_boot);
	free(c->st.allocs);
	free(c);
	memset(d, 0, sizeof(*d));
}

const struct bm_replay_stats *bm_desc_replay_stats(const struct bm_machine_desc *d)
{
	if (!is_ours(d))
		return NULL;
	return &((struct desc_ctx *)d->setup_arg)->st;
}
