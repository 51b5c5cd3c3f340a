// SPDX-License-Identifier: MIT
/*
 * From a parsed scenario to a bootable machine description: its setup_arch
 * (memblock populated and reserved as the scenario says, on top of a boot
 * log's machine when it names one) and its timeline actions.
 *
 * The description must stay valid for as many boots as the caller wants
 * (compare boots it under every policy, fuzz minimisation hundreds of
 * times), so everything it points to lives in one heap block owned by it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/desc.h"
#include "sim/scenario.h"

struct scn_machine {
	struct bm_scenario s;
	bool has_base;
	struct bm_machine_desc base;	/* the log's machine, when "machine" is given */
	struct bm_bootlog log;		/* kept: the base description may point into it */
	struct bm_action actions[BM_SCN_MAX_ACTIONS];
	struct bm_sim_range *efi, *kho;
};

__attribute__((format(printf, 4, 5)))
static int build_fail(struct bm_parse_error *err, const char *file, unsigned line,
		      const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The image the kernel reserves: _text.._end, whatever sections were given. */
static void kernel_extent(const struct bm_kernel_image *k, phys_addr_t *start, phys_addr_t *end)
{
	const phys_addr_t sec[][2] = {
		{ k->text_start, k->text_end }, { k->rodata_start, k->rodata_end },
		{ k->data_start, k->data_end }, { k->init_start, k->init_end },
		{ k->smp_locks_start, k->smp_locks_end },
		{ k->decrypted_start, k->decrypted_end }, { k->bss_start, k->bss_end },
	};

	*start = BM_PHYS_ADDR_MAX;
	*end = 0;
	for (size_t i = 0; i < BM_ARRAY_SIZE(sec); i++) {
		if (sec[i][1] <= sec[i][0])
			continue;
		*start = BM_MIN(*start, sec[i][0]);
		*end = BM_MAX(*end, sec[i][1]);
	}
}

/*
 * setup_arch of a scenario machine: the log's own setup_arch first (when
 * the scenario names one), else the memory lines; KHO scratch is marked
 * right after memory is added so that every later allocation (memmap
 * included) is confined to it, as in a kexec-handover boot; then the
 * reservations the kernel makes: image, initrd, EFI boot services, others.
 */
static int scn_setup_arch(struct bm_machine *m, void *arg)
{
	struct scn_machine *sm = arg;
	const struct bm_scenario *s = &sm->s;
	phys_addr_t ks, ke;
	int ret = 0;

	if (sm->has_base && sm->base.setup_arch) {
		ret = sm->base.setup_arch(m, sm->base.setup_arg);
		if (ret)
			return ret;
	}
	/* x86's e820__memblock_setup allows resizing before it adds memory. */
	if (!sm->has_base)
		bm_memblock_allow_resize(m);
	for (unsigned i = 0; i < s->nr_ranges; i++) {
		const struct bm_scn_range *r = &s->ranges[i];

		if (r->kind != BM_SCN_MEMORY)
			continue;
		ret |= bm_memblock_add_node(m, r->base, r->size, r->nid,
					    (enum memblock_flags)(r->flags & MEMBLOCK_HOTPLUG));
		if (r->flags & MEMBLOCK_MIRROR)
			ret |= bm_memblock_mark_mirror(m, r->base, r->size);
		if (r->flags & MEMBLOCK_NOMAP)
			ret |= bm_memblock_mark_nomap(m, r->base, r->size);
	}
	for (unsigned i = 0; i < s->nr_ranges; i++)
		if (s->ranges[i].kind == BM_SCN_KHO)
			ret |= bm_memblock_mark_kho_scratch(m, s->ranges[i].base, s->ranges[i].size);
	if (!sm->has_base)
		bm_memblock_set_current_limit(m, m->phys_size);
	if (s->has_kernel) {
		kernel_extent(&s->kernel, &ks, &ke);
		ret |= bm_memblock_reserve(m, ks, BM_ALIGN_UP(ke, BM_PAGE_SIZE) - ks);
	}
	if (s->initrd.size)
		ret |= bm_memblock_reserve(m, s->initrd.base, s->initrd.size);
	for (unsigned i = 0; i < s->nr_ranges; i++) {
		const struct bm_scn_range *r = &s->ranges[i];

		if (r->kind == BM_SCN_EFI_BOOT || r->kind == BM_SCN_RESERVE)
			ret |= bm_memblock_reserve(m, r->base, r->size);
	}
	return ret ? -BM_EINVAL : 0;
}

/* "at PHASE release": the caller gives the range back with the chosen API. */
static void scn_release(struct bm_machine *m, void *arg)
{
	const struct bm_scn_action *a = arg;

	if (a->api == BM_API_MEMBLOCK_FREE_LATE)
		bm_memblock_free_late(m, a->base, a->size, a->name);
	else
		bm_free_reserved_area(m, a->base, a->base + a->size, -1, a->name);
}

/* "at PHASE allocate": ordinary buddy allocations, kept for the whole boot. */
static void scn_allocate(struct bm_machine *m, void *arg)
{
	const struct bm_scn_action *a = arg;
	int nid = a->nid < m->mm.nr_node_ids && m->mm.nodes[a->nid].online ? a->nid : 0;

	for (unsigned i = 0; i < a->count; i++)
		if (bm_alloc_pages(m, nid, a->order, BM_ZONE_NORMAL, a->mt) == BM_NO_PFN)
			break;
}

static struct bm_sim_range *collect(const struct bm_scenario *s, enum bm_scn_range_kind kind,
				    const struct bm_sim_range *extra, size_t n_extra, size_t *n)
{
	struct bm_sim_range *v = calloc(s->nr_ranges + n_extra + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < n_extra; i++)
		v[(*n)++] = extra[i];
	for (unsigned i = 0; i < s->nr_ranges; i++)
		if (s->ranges[i].kind == kind)
			v[(*n)++] = (struct bm_sim_range){ s->ranges[i].base, s->ranges[i].size };
	return v;
}

static int load_machine(struct scn_machine *sm, struct bm_sim_config *cfg, struct bm_parse_error *err)
{
	struct bm_sim_config out = *cfg;

	if (bm_bootlog_parse_file(sm->s.machine, &sm->log, err))
		return -1;
	if (bm_desc_from_log(&sm->log, cfg, &sm->base, &out, err)) {
		bm_bootlog_free(&sm->log);
		return -1;
	}
	sm->has_base = true;
	*cfg = out;
	return 0;
}

/**
 * bm_scenario_build - a bootable machine description from a scenario
 * @s: parsed scenario
 * @cfg_in: configuration before the scenario's "config" lines (NULL: defaults)
 * @d: filled in; free with bm_scenario_desc_free()
 * @cfg_out: @cfg_in, then what the machine's log implies, then "config" lines
 * @err: what went wrong (the machine's log, a config rule)
 *
 * Return: 0 or -1.
 */
int bm_scenario_build(const struct bm_scenario *s, const struct bm_sim_config *cfg_in,
		      struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
		      struct bm_parse_error *err)
{
	struct scn_machine *sm = calloc(1, sizeof(*sm));
	struct bm_sim_config cfg;
	phys_addr_t top = 0;
	char why[256];

	memset(d, 0, sizeof(*d));
	memset(err, 0, sizeof(*err));
	if (!sm)
		return build_fail(err, s->file, 0, "out of memory");
	sm->s = *s;
	for (unsigned i = 0; i < s->nr_ranges; i++)
		top = BM_MAX(top, s->ranges[i].kind == BM_SCN_MEMORY ? s->ranges[i].base +
			     s->ranges[i].size : 0);
	if (!s->machine[0] && !top) {
		free(sm);
		return build_fail(err, s->file, 0, "no machine: give 'machine LOGFILE' or 'memory "
				  "BASE-END' lines (or a boot log next to the scenario)");
	}
	if (cfg_in)
		cfg = *cfg_in;
	else
		bm_sim_config_default(&cfg);
	if (s->machine[0] && load_machine(sm, &cfg, err)) {
		free(sm);
		return -1;
	}
	if (bm_scenario_apply_config(s, &cfg, err))
		goto fail;
	if (bm_config_check(&cfg, why, sizeof(why))) {
		build_fail(err, s->file, 0, "%s", why);
		goto fail;
	}
	if (sm->has_base)
		*d = sm->base;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)sizeof(d->name) - 1,
		 s->name[0] ? s->name : s->file);
	if (!sm->has_base)
		d->phys_size = BM_ALIGN_UP(top, BM_PAGE_SIZE);
	if (s->nr_cpus)
		d->nr_cpus = s->nr_cpus;
	else if (!d->nr_cpus)
		d->nr_cpus = 1;
	d->setup_arch = scn_setup_arch;
	d->setup_arg = sm;
	if (s->has_kernel) {
		phys_addr_t ks, ke;
		const struct bm_kernel_image *k = &s->kernel;

		d->kernel = *k;
		kernel_extent(k, &ks, &ke);
		if (!sm->has_base && ke > d->phys_size) {
			build_fail(err, s->file, 0, "kernel image ends at %#llx, beyond memory",
				   (unsigned long long)ke);
			goto fail;
		}
		cfg.kernel_code = k->text_end - k->text_start;
		cfg.kernel_rodata = k->rodata_end - k->rodata_start;
		cfg.kernel_rwdata = k->data_end - k->data_start;
		cfg.kernel_init = k->init_end - k->init_start;
		cfg.kernel_bss = k->bss_end - k->bss_start;
	}
	if (s->initrd.size)
		d->initrd = s->initrd;
	sm->efi = collect(s, BM_SCN_EFI_BOOT, sm->has_base ? sm->base.efi_boot : NULL,
			  sm->has_base ? sm->base.n_efi_boot : 0, &d->n_efi_boot);
	sm->kho = collect(s, BM_SCN_KHO, sm->has_base ? sm->base.kho_scratch : NULL,
			  sm->has_base ? sm->base.n_kho : 0, &d->n_kho);
	if (!sm->efi || !sm->kho) {
		build_fail(err, s->file, 0, "out of memory");
		goto fail;
	}
	d->efi_boot = sm->efi;
	d->kho_scratch = sm->kho;
	if (d->n_kho)
		cfg.kho = true;
	d->efi_debug = d->efi_debug || s->efi_debug;
	if (s->alt_modules) {
		d->nr_alt_modules = s->alt_modules;
		d->alt_pages_per_module = s->alt_pages;
	}
	for (unsigned i = 0; i < s->nr_actions; i++) {
		const struct bm_scn_action *a = &sm->s.actions[i];

		sm->actions[i] = (struct bm_action){
			.phase = a->phase,
			.fn = a->op == BM_SCN_RELEASE ? scn_release : scn_allocate,
			.arg = (void *)a,
			.name = a->op == BM_SCN_RELEASE ? a->name : "scenario_allocate",
		};
	}
	d->extra_actions = sm->actions;
	d->nr_extra_actions = s->nr_actions;
	if (cfg_out)
		*cfg_out = cfg;
	return 0;
fail:
	d->setup_arg = sm;
	d->setup_arch = scn_setup_arch;
	bm_scenario_desc_free(d);
	return -1;
}

/**
 * bm_scenario_desc_free - release what bm_scenario_build() allocated
 * @d: the description (zeroed afterwards)
 */
void bm_scenario_desc_free(struct bm_machine_desc *d)
{
	struct scn_machine *sm;

	if (!d || d->setup_arch != scn_setup_arch) {
		return;
	}
	sm = d->setup_arg;
	if (sm) {
		if (sm->has_base) {
			bm_desc_free(&sm->base);
			bm_bootlog_free(&sm->log);
		}
		free(sm->efi);
		free(sm->kho);
		free(sm);
	}
	memset(d, 0, sizeof(*d));
}
