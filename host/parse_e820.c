// SPDX-License-Identifier: MIT
/*
 * The e820 tables a kernel prints, in every era's format:
 *   BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable      (3.5 .. 6.x)
 *   BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)            (pre-3.5, exclusive end)
 *   BIOS-e820: [mem 0x..-0x..]  System RAM / device reserved, [gap ..] (v7.0)
 * with their headers, the extended (setup_data), user-defined and modified
 * tables, the "e820: update/remove" edits, last_pfn and RAM buffers.
 */
#include <stdio.h>
#include <string.h>

#include "host/bootlog_int.h"

const char *bm_e820_type_name(uint32_t type)
{
	switch (type) {
	case BM_E820_RAM: return "usable";
	case BM_E820_RESERVED: return "reserved";
	case BM_E820_ACPI: return "ACPI data";
	case BM_E820_NVS: return "ACPI NVS";
	case BM_E820_UNUSABLE: return "unusable";
	case BM_E820_PMEM: return "persistent (type 7)";
	case BM_E820_PRAM: return "persistent (type 12)";
	case BM_E820_RESERVED_KERN: return "reserved kern";
	case BM_E820_SOFT_RESERVED: return "soft reserved";
	default: return "unknown";
	}
}

static bool eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

/* "type N", "persistent (type N)", "persistent RAM (type N)" */
static uint32_t type_number(const char *s, size_t len, const char *pre, const char *post)
{
	size_t pl = strlen(pre), ql = strlen(post), i;
	uint64_t v = 0;

	if (len <= pl + ql || memcmp(s, pre, pl) || memcmp(s + len - ql, post, ql))
		return 0;
	for (i = pl; i < len - ql; i++) {
		if (!bm_isdigit(s[i]))
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

uint32_t bm_e820_type_parse(const char *s, size_t len)
{
	uint32_t t;

	while (len && bm_isspace(*s)) {
		s++;
		len--;
	}
	len = bm_rtrim(s, len);
	if (eq(s, len, "usable") || eq(s, len, "System RAM"))
		return BM_E820_RAM;
	if (eq(s, len, "reserved") || eq(s, len, "device reserved"))
		return BM_E820_RESERVED;
	if (eq(s, len, "ACPI data"))
		return BM_E820_ACPI;
	if (eq(s, len, "ACPI NVS"))
		return BM_E820_NVS;
	if (eq(s, len, "unusable"))
		return BM_E820_UNUSABLE;
	if (eq(s, len, "soft reserved"))
		return BM_E820_SOFT_RESERVED;
	if (eq(s, len, "reserved kern"))
		return BM_E820_RESERVED_KERN;
	if ((t = type_number(s, len, "persistent (type ", ")")) != 0)
		return t;
	if ((t = type_number(s, len, "persistent RAM (type ", ")")) != 0)
		return t;
	if ((t = type_number(s, len, "type ", "")) != 0)
		return t;
	return 0;
}

static bool is_v7_name(const char *s, size_t len)
{
	len = bm_rtrim(s, len);
	return eq(s, len, "System RAM") || eq(s, len, "device reserved");
}

static int new_table(struct bm_parser *p, enum bm_e820_table_kind kind, enum bm_e820_format fmt)
{
	struct bm_e820_table *t = BM_PUSH(p, p->log->e820_tables, p->log->n_e820_tables);

	if (!t)
		return -1;
	t->kind = kind;
	t->format = fmt;
	t->line = (p->e820_break && p->e820_hdr_kind == (int)kind) ? p->e820_hdr_line : p->line;
	p->e820_break = false;
	p->e820_cur = (long)p->log->n_e820_tables - 1;
	p->e820_maxend_idx = 0;
	return 0;
}

static int add_entry(struct bm_parser *p, enum bm_e820_table_kind kind, enum bm_e820_format fmt,
		     phys_addr_t start, phys_addr_t end, uint32_t type)
{
	struct bm_e820_table *t = p->e820_cur >= 0 ? &p->log->e820_tables[p->e820_cur] : NULL;
	struct bm_e820_entry *e;
	bool old = fmt == BM_E820_FMT_OLD;

	if (!t || p->e820_break || t->kind != kind || (t->format == BM_E820_FMT_OLD) != old ||
	    (t->n && start <= t->entries[t->n - 1].start)) {
		if (new_table(p, kind, fmt))
			return -1;
		t = &p->log->e820_tables[p->e820_cur];
	} else {
		const struct bm_e820_entry *m = &t->entries[p->e820_maxend_idx];

		if (start <= m->end && m->type != type)
			return bm_fail(p, "e820 entry [mem 0x%016llx-0x%016llx] %s overlaps "
				       "[mem 0x%016llx-0x%016llx] %s of line %u",
				       (unsigned long long)start, (unsigned long long)end,
				       bm_e820_type_name(type), (unsigned long long)m->start,
				       (unsigned long long)m->end, bm_e820_type_name(m->type), m->line);
	}
	if (fmt == BM_E820_FMT_V7)
		t->format = BM_E820_FMT_V7;
	e = BM_PUSH(p, t->entries, t->n);
	if (!e)
		return -1;
	e->start = start;
	e->end = end;
	e->type = type;
	e->line = p->line;
	if (t->n == 1 || end > t->entries[p->e820_maxend_idx].end)
		p->e820_maxend_idx = t->n - 1;
	return 0;
}

/* Type text after "]": optional v7 size ("640 KB"), then the name. */
static int parse_type_text(struct bm_parser *p, struct bm_sc *sc, uint32_t *type, bool *v7)
{
	const char *save;
	size_t len;

	bm_sc_ws(sc);
	save = sc->p;
	if (!bm_sc_eol(sc) && bm_isdigit(*sc->p)) {
		static const char *const units[] = {
			"bytes", "KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB", "B",
		};
		size_t i;

		while (!bm_sc_eol(sc) && (bm_isdigit(*sc->p) || *sc->p == '.'))
			sc->p++;
		bm_sc_ws(sc);
		for (i = 0; i < BM_ARRAY_SIZE(units); i++)
			if (bm_sc_lit(sc, units[i]))
				break;
		if (i == BM_ARRAY_SIZE(units) || (!bm_sc_eol(sc) && !bm_isspace(*sc->p)))
			sc->p = save;		/* not a size after all */
		else
			*v7 = true;
		bm_sc_ws(sc);
	}
	len = bm_rtrim(sc->p, (size_t)(sc->e - sc->p));
	if (!len)
		return bm_sc_fail(p, sc, "a memory type");
	*type = bm_e820_type_parse(sc->p, len);
	if (!*type)
		return bm_fail(p, "unknown e820 type \"%.*s\"", (int)BM_MIN(len, (size_t)40), sc->p);
	if (is_v7_name(sc->p, len))
		*v7 = true;
	sc->p = sc->e;
	return 0;
}

/* Old form "0000000000000000 - 000000000009fc00 (usable)": exclusive end. */
static int old_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t limit,
		     phys_addr_t *start, phys_addr_t *end)
{
	uint64_t s, e;

	if (bm_sc_hex(p, sc, 2, &s) || bm_sc_expect(p, sc, " - ") || bm_sc_hex(p, sc, 2, &e))
		return -1;
	if (bm_sc_eol(sc))
		return bm_sc_fail(p, sc, NULL);
	if (e == s)
		return bm_fail(p, "%s: empty range at 0x%llx", sc->what, (unsigned long long)s);
	if (e < s)
		return bm_fail(p, "%s: end 0x%llx < start 0x%llx", sc->what,
			       (unsigned long long)e, (unsigned long long)s);
	*start = s;
	*end = e - 1;
	return bm_check_range(p, sc->what, *start, *end, limit);
}

static int old_type(struct bm_parser *p, struct bm_sc *sc, uint32_t *type)
{
	const char *close;

	bm_sc_ws(sc);
	if (bm_sc_expect(p, sc, "("))
		return -1;
	close = memchr(sc->p, ')', (size_t)(sc->e - sc->p));
	if (!close)
		return bm_sc_fail(p, sc, NULL);
	/* "(type 12)" is printed with the parentheses as its name */
	*type = bm_e820_type_parse(sc->p, (size_t)(close - sc->p));
	if (!*type)
		return bm_fail(p, "unknown e820 type \"%.*s\"", (int)(close - sc->p), sc->p);
	sc->p = close + 1;
	return 0;
}

static int entry_line(struct bm_parser *p, struct bm_sc *sc, enum bm_e820_table_kind kind)
{
	phys_addr_t start, end;
	uint32_t type = 0;
	bool v7 = false;

	bm_sc_ws(sc);
	if (bm_sc_peek(sc, "[gap ")) {
		sc->p += 5;
		if (bm_sc_hex_range(p, sc, BM_PHYS_ADDR_MAX, &start, &end) ||
		    bm_sc_expect(p, sc, "]"))
			return -1;
		if (p->e820_cur >= 0)
			p->log->e820_tables[p->e820_cur].format = BM_E820_FMT_V7;
		return 1;
	}
	if (bm_sc_peek(sc, "[")) {
		if (bm_sc_mem_range(p, sc, BM_PHYS_LIMIT, &start, &end) ||
		    parse_type_text(p, sc, &type, &v7))
			return -1;
		if (add_entry(p, kind, v7 ? BM_E820_FMT_V7 : BM_E820_FMT_MEM, start, end, type))
			return -1;
		return 1;
	}
	if (old_range(p, sc, BM_PHYS_LIMIT, &start, &end) || old_type(p, sc, &type))
		return -1;
	if (add_entry(p, kind, BM_E820_FMT_OLD, start, end, type))
		return -1;
	return 1;
}

static bool looks_old_entry(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && bm_isxdigit(s[i]))
		i++;
	return i >= 8 && i + 3 <= len && !memcmp(s + i, " - ", 3);
}

static int edit_line(struct bm_parser *p, struct bm_sc *sc, enum bm_e820_edit_op op, bool old)
{
	struct bm_e820_edit ed = { .op = op, .line = p->line };
	struct bm_e820_edit *e;

	if (old) {
		uint32_t t;

		if (old_range(p, sc, BM_PHYS_ADDR_MAX, &ed.start, &ed.end))
			return -1;
		bm_sc_ws(sc);
		if (!bm_sc_eol(sc)) {
			if (old_type(p, sc, &t))
				return -1;
			ed.has_old_type = true;
			ed.old_type = t;
		}
		if (op == BM_E820_UPDATE) {
			bm_sc_ws(sc);
			if (bm_sc_expect(p, sc, "==>"))
				return -1;
			if (old_type(p, sc, &t))
				return -1;
			ed.new_type = t;
		}
	} else {
		const char *arrow;

		if (bm_sc_mem_range(p, sc, BM_PHYS_ADDR_MAX, &ed.start, &ed.end))
			return -1;
		bm_sc_ws(sc);
		arrow = NULL;
		if (op == BM_E820_UPDATE) {
			const char *q;

			for (q = sc->p; q + 3 <= sc->e; q++)
				if (!memcmp(q, "==>", 3)) {
					arrow = q;
					break;
				}
			if (!arrow)
				return bm_sc_fail(p, sc, "\"TYPE ==> TYPE\"");
			ed.old_type = bm_e820_type_parse(sc->p, (size_t)(arrow - sc->p));
			ed.new_type = bm_e820_type_parse(arrow + 3, (size_t)(sc->e - arrow - 3));
			if (!ed.old_type || !ed.new_type)
				return bm_fail(p, "unknown e820 type in update \"%.*s\"",
					       (int)BM_MIN((size_t)(sc->e - sc->p), (size_t)60), sc->p);
			ed.has_old_type = true;
		} else if (!bm_sc_eol(sc)) {
			size_t len = bm_rtrim(sc->p, (size_t)(sc->e - sc->p));

			if (len) {
				ed.old_type = bm_e820_type_parse(sc->p, len);
				if (!ed.old_type)
					return bm_fail(p, "unknown e820 type \"%.*s\"",
						       (int)BM_MIN(len, (size_t)40), sc->p);
				ed.has_old_type = true;
			}
		}
	}
	e = BM_PUSH(p, p->log->e820_edits, p->log->n_e820_edits);
	if (!e)
		return -1;
	*e = ed;
	return 1;
}

static int header(struct bm_parser *p, const char *t, size_t n)
{
	static const struct { const char *text; enum bm_e820_table_kind kind; } hdr[] = {
		{ "BIOS-provided physical RAM map:", BM_E820_TABLE_FIRMWARE },
		{ "user-defined physical RAM map:", BM_E820_TABLE_USER },
		{ "modified physical RAM map:", BM_E820_TABLE_MODIFIED },
		{ "extended physical RAM map:", BM_E820_TABLE_SETUP_DATA },
	};
	size_t i;

	if (bm_starts(t, n, "e820: ")) {
		t += 6;
		n -= 6;
	}
	n = bm_rtrim(t, n);
	for (i = 0; i < BM_ARRAY_SIZE(hdr); i++) {
		if (eq(t, n, hdr[i].text)) {
			p->e820_break = true;
			p->e820_hdr_kind = (int)hdr[i].kind;
			p->e820_hdr_line = p->line;
			return 1;
		}
	}
	return 0;
}

static int e820_line(struct bm_parser *p, const char *m, size_t n)
{
	static const struct { const char *prefix; enum bm_e820_table_kind kind; bool strict; } pre[] = {
		{ "BIOS-e820:", BM_E820_TABLE_FIRMWARE, true },
		{ "reserve setup_data:", BM_E820_TABLE_SETUP_DATA, true },
		{ "Xen:", BM_E820_TABLE_FIRMWARE, false },
		{ "user:", BM_E820_TABLE_USER, false },
		{ "modified:", BM_E820_TABLE_MODIFIED, false },
	};
	struct bm_sc sc;
	const char *t = m;
	size_t i, tn = n;
	int rc;

	while (tn && bm_isspace(*t)) {
		t++;
		tn--;
	}
	if (!tn)
		return 0;
	for (i = 0; i < BM_ARRAY_SIZE(pre); i++) {
		size_t pl = strlen(pre[i].prefix);

		if (!bm_starts(t, tn, pre[i].prefix))
			continue;
		if (!pre[i].strict) {
			const char *r = t + pl;
			size_t rn = tn - pl;

			while (rn && bm_isspace(*r)) {
				r++;
				rn--;
			}
			if (!bm_starts(r, rn, "[mem ") && !looks_old_entry(r, rn))
				return 0;
		}
		bm_sc_init(&sc, t, tn, "e820 entry");
		sc.p += pl;
		return entry_line(p, &sc, pre[i].kind);
	}
	if ((rc = header(p, t, tn)) != 0)
		return rc;
	if (bm_starts(t, tn, "e820: update [mem") || bm_starts(t, tn, "e820: remove [mem")) {
		bm_sc_init(&sc, t, tn, "e820 edit");
		sc.p += 13;
		return edit_line(p, &sc, t[6] == 'u' ? BM_E820_UPDATE : BM_E820_REMOVE, false);
	}
	if (bm_starts(t, tn, "e820 update range: ") || bm_starts(t, tn, "e820 remove range: ")) {
		bm_sc_init(&sc, t, tn, "e820 edit");
		sc.p += 19;
		return edit_line(p, &sc, t[5] == 'u' ? BM_E820_UPDATE : BM_E820_REMOVE, true);
	}
	if (bm_starts(t, tn, "e820: last_pfn = ") || bm_starts(t, tn, "last_pfn = ")) {
		struct bm_last_pfn lp = { .line = p->line }, *e;

		bm_sc_init(&sc, t, tn, "last_pfn line");
		sc.p += t[0] == 'e' ? 17 : 11;
		if (bm_sc_hex(p, &sc, 1, &lp.last_pfn) || bm_sc_expect(p, &sc, " max_arch_pfn = ") ||
		    bm_sc_hex(p, &sc, 1, &lp.max_arch_pfn))
			return -1;
		e = BM_PUSH(p, p->log->last_pfn, p->log->n_last_pfn);
		if (!e)
			return -1;
		*e = lp;
		return 1;
	}
	if (bm_starts(t, tn, "e820: reserve RAM buffer ")) {
		struct bm_range r = { .line = p->line }, *e;

		bm_sc_init(&sc, t, tn, "e820 RAM buffer");
		sc.p += 25;
		if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &r.start, &r.end))
			return -1;
		e = BM_PUSH(p, p->log->ram_buffers, p->log->n_ram_buffers);
		if (!e)
			return -1;
		*e = r;
		return 1;
	}
	return 0;
}

int bm_e820_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = e820_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_kernel_items++;
	}
	return rc;
}

int bm_e820_finish(struct bm_parser *p)
{
	return 0;
}
