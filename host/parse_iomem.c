// SPDX-License-Identifier: MIT
/*
 * /proc/iomem: "00100000-007fffff : System RAM", nested by indentation,
 * kept as a flat list with depth and parent; and the firmware map it
 * shows, as an e820-like table.
 */
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

uint32_t bm_fw_type_to_e820(const char *name)
{
	static const struct { const char *name; uint32_t type; } tab[] = {
		{ "System RAM", BM_E820_RAM }, { "Reserved", BM_E820_RESERVED },
		{ "reserved", BM_E820_RESERVED }, { "ACPI Tables", BM_E820_ACPI },
		{ "ACPI Non-volatile Storage", BM_E820_NVS },
		{ "Unusable memory", BM_E820_UNUSABLE },
		{ "Persistent Memory (legacy)", BM_E820_PRAM },
		{ "Persistent Memory", BM_E820_PMEM }, { "Soft Reserved", BM_E820_SOFT_RESERVED },
	};
	size_t i;

	if (!name)
		return 0;
	for (i = 0; i < BM_ARRAY_SIZE(tab); i++)
		if (!strcmp(name, tab[i].name))
			return tab[i].type;
	return 0;
}

static int iomem_line(struct bm_parser *p, const char *m, size_t n)
{
	bool strict = p->sec == BM_SEC_IOMEM && !p->kernel_line;
	struct bm_iomem_entry en = { .line = p->line, .parent = -1 }, *e;
	struct bm_sc sc;
	unsigned indent = 0;
	const char *q, *name;
	size_t nl;

	if (p->kernel_line && !strict)
		return 0;
	while (indent < n && m[indent] == ' ')
		indent++;
	q = m + indent;
	/* shape check: hex-hex : name */
	{
		const char *r = q;

		while (r < m + n && bm_isxdigit(*r))
			r++;
		if (r == q || r >= m + n || *r != '-') {
			if (strict)
				return 0;
			return 0;
		}
		r++;
		while (r < m + n && bm_isxdigit(*r))
			r++;
		if (!bm_starts(r, (size_t)(m + n - r), " : ")) {
			if (!strict)
				return 0;
		}
	}
	bm_sc_init(&sc, q, (size_t)(m + n - q), "/proc/iomem line");
	if (bm_sc_hex(p, &sc, 0, &en.start) || bm_sc_expect(p, &sc, "-") ||
	    bm_sc_hex(p, &sc, 0, &en.end))
		return -1;
	if (bm_sc_expect(p, &sc, " : "))
		return -1;
	if (bm_check_range(p, sc.what, en.start, en.end, BM_PHYS_LIMIT))
		return -1;
	name = sc.p;
	nl = bm_rtrim(name, (size_t)(sc.e - name));
	if (!nl)
		return bm_sc_fail(p, &sc, "a resource name");
	if (indent / 2 >= BM_ARRAY_SIZE(p->iomem_stack))
		return bm_fail(p, "/proc/iomem nesting deeper than %zu levels",
			       BM_ARRAY_SIZE(p->iomem_stack));
	while (p->iomem_depth && p->iomem_indent[p->iomem_depth - 1] >= indent)
		p->iomem_depth--;
	if (p->iomem_depth) {
		const struct bm_iomem_entry *par = &p->log->iomem[p->iomem_stack[p->iomem_depth - 1]];

		if (en.start < par->start || en.end > par->end)
			return bm_fail(p, "/proc/iomem entry %llx-%llx is not inside its parent "
				       "%llx-%llx of line %u", (unsigned long long)en.start,
				       (unsigned long long)en.end, (unsigned long long)par->start,
				       (unsigned long long)par->end, par->line);
		en.parent = p->iomem_stack[p->iomem_depth - 1];
	} else if (indent) {
		return bm_fail(p, "/proc/iomem entry indented without a parent");
	}
	en.depth = p->iomem_depth;
	en.name = bm_intern(p, name, nl);
	if (!en.name)
		return -1;
	e = BM_PUSH(p, p->log->iomem, p->log->n_iomem);
	if (!e)
		return -1;
	*e = en;
	p->iomem_stack[p->iomem_depth] = (long)p->log->n_iomem - 1;
	p->iomem_indent[p->iomem_depth] = indent;
	p->iomem_depth++;
	return 1;
}

int bm_iomem_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = iomem_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_iomem_lines++;
	}
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct bm_e820_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort @t by start and, if @merge, join touching entries of one type. */
int bm_e820_normalize(struct bm_e820_table *t, bool merge)
{
	size_t i, o = 0;

	if (!t->n)
		return 0;
	qsort(t->entries, t->n, sizeof(*t->entries), cmp_entry);
	if (!merge)
		return 0;
	for (i = 1; i < t->n; i++) {
		struct bm_e820_entry *last = &t->entries[o];

		if (t->entries[i].type == last->type && last->end != BM_PHYS_ADDR_MAX &&
		    t->entries[i].start <= last->end + 1) {
			if (t->entries[i].end > last->end)
				last->end = t->entries[i].end;
		} else {
			t->entries[++o] = t->entries[i];
		}
	}
	t->n = o + 1;
	return 0;
}

int bm_iomem_to_e820(const struct bm_bootlog *log, bool merge, struct bm_e820_table *out)
{
	bool *covered;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->kind = BM_E820_TABLE_FILE;
	if (!log->n_iomem)
		return 0;
	covered = calloc(log->n_iomem, sizeof(*covered));
	if (!covered)
		return -1;
	for (i = 0; i < log->n_iomem; i++) {
		const struct bm_iomem_entry *e = &log->iomem[i];
		uint32_t type = bm_fw_type_to_e820(e->name);
		bool up = e->parent >= 0 && (size_t)e->parent < i && covered[e->parent];
		struct bm_e820_entry *x;

		covered[i] = up;
		if (up || !type)
			continue;
		covered[i] = true;
		x = bm_vec_push_raw(&out->entries, &out->n, sizeof(*out->entries));
		if (!x) {
			free(covered);
			free(out->entries);
			memset(out, 0, sizeof(*out));
			return -1;
		}
		x->start = e->start;
		x->end = e->end;
		x->type = type;
		x->line = e->line;
	}
	free(covered);
	if (out->n)
		out->line = out->entries[0].line;
	return bm_e820_normalize(out, merge);
}
