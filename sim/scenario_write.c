// SPDX-License-Identifier: MIT
/*
 * Writing scenarios back as text: what `bootmm fuzz` saves, and what the
 * minimiser round-trips every candidate through, so that a written file is
 * always one bm_scenario_parse_file() reads back to the same scenario.
 */
#include <stdio.h>

#include "sim/scenario.h"

/**
 * bm_scenario_expect_format - an expectation as it is written
 * @e: expectation
 * @buf: output, "leaked_pages>0" form (policies not included)
 * @len: size of @buf
 */
void bm_scenario_expect_format(const struct bm_scn_expect *e, char *buf, size_t len)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };

	if (e->key == BM_RK_USABLE_PHASE)
		snprintf(buf, len, "%s%s%s", bm_result_key_name(e->key), ops[e->cmp],
			 e->value < 0 ? "never" : bm_phase_name((enum bm_phase)e->value));
	else
		snprintf(buf, len, "%s%s%lld", bm_result_key_name(e->key), ops[e->cmp],
			 (long long)e->value);
}

static void write_range(FILE *f, phys_addr_t base, phys_addr_t size)
{
	fprintf(f, "%#llx-%#llx", (unsigned long long)base, (unsigned long long)(base + size - 1));
}

static void write_policies(FILE *f, unsigned mask)
{
	bool first = true;

	if (mask == (1u << BM_NR_POLICIES) - 1) {
		fputs("all", f);
		return;
	}
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		if (!(mask & (1u << p)))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", bm_policy_name(p));
		first = false;
	}
}

/**
 * bm_scenario_write - write a scenario that parses back to the same content
 * @s: scenario
 * @f: output
 *
 * Return: 0, or -1 on a write error.
 */
int bm_scenario_write(const struct bm_scenario *s, FILE *f)
{
	static const char *const kinds[] = { "memory", "reserve", "efi-boot", "kho-scratch" };
	const struct bm_kernel_image *k = &s->kernel;

	if (s->name[0])
		fprintf(f, "name %s\n", s->name);
	if (s->machine[0])
		fprintf(f, "machine %s\n", s->machine);
	for (unsigned i = 0; i < s->nr_ranges; i++) {
		const struct bm_scn_range *r = &s->ranges[i];

		fprintf(f, "%s ", kinds[r->kind]);
		write_range(f, r->base, r->size);
		if (r->kind == BM_SCN_MEMORY) {
			fprintf(f, " node %d", r->nid);
			if (r->flags & MEMBLOCK_HOTPLUG)
				fputs(" hotplug", f);
			if (r->flags & MEMBLOCK_MIRROR)
				fputs(" mirror", f);
			if (r->flags & MEMBLOCK_NOMAP)
				fputs(" nomap", f);
		} else if (r->kind == BM_SCN_RESERVE) {
			fprintf(f, " %s", r->name);
		}
		fputc('\n', f);
	}
	if (s->has_kernel) {
		const struct { const char *n; phys_addr_t a, b; } sec[] = {
			{ "text", k->text_start, k->text_end },
			{ "rodata", k->rodata_start, k->rodata_end },
			{ "data", k->data_start, k->data_end },
			{ "init", k->init_start, k->init_end },
			{ "smp_locks", k->smp_locks_start, k->smp_locks_end },
			{ "decrypted", k->decrypted_start, k->decrypted_end },
			{ "bss", k->bss_start, k->bss_end },
		};

		fputs("kernel", f);
		for (size_t i = 0; i < BM_ARRAY_SIZE(sec); i++) {
			if (sec[i].b <= sec[i].a)
				continue;
			fprintf(f, " %s=", sec[i].n);
			write_range(f, sec[i].a, sec[i].b - sec[i].a);
		}
		fputc('\n', f);
	}
	if (s->initrd.size) {
		fputs("initrd ", f);
		write_range(f, s->initrd.base, s->initrd.size);
		fputc('\n', f);
	}
	if (s->efi_debug)
		fputs("efi-debug\n", f);
	if (s->nr_cpus)
		fprintf(f, "cpus %d\n", s->nr_cpus);
	if (s->alt_modules)
		fprintf(f, "module-alternatives %u %lu\n", s->alt_modules, s->alt_pages);
	for (unsigned i = 0; i < s->nr_settings; i++)
		fprintf(f, "config %s=%s\n", s->settings[i].key, s->settings[i].value);
	for (unsigned i = 0; i < s->nr_actions; i++) {
		const struct bm_scn_action *a = &s->actions[i];

		fprintf(f, "at %s ", bm_phase_name((enum bm_phase)a->phase));
		if (a->op == BM_SCN_RELEASE) {
			fputs("release ", f);
			write_range(f, a->base, a->size);
			fprintf(f, " %s api=%s\n", a->name, a->api == BM_API_MEMBLOCK_FREE_LATE ?
				"memblock_free_late" : "free_reserved_area");
		} else {
			fprintf(f, "allocate %u %s node %d count %u\n", a->order,
				bm_migratetype_name(a->mt), a->nid, a->count);
		}
	}
	for (unsigned i = 0; i < s->nr_expects; i++) {
		char buf[96];

		bm_scenario_expect_format(&s->expects[i], buf, sizeof(buf));
		fputs("expect ", f);
		write_policies(f, s->expects[i].policies);
		fprintf(f, " %s\n", buf);
	}
	return ferror(f) ? -1 : 0;
}
