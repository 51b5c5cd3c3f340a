// SPDX-License-Identifier: MIT
/*
 * The EFI memory map as efi=debug prints it:
 *   efi: mem00: [Boot Code   |   |  |...|WB|WT|WC|UC] range=[0x..-0x..] (0MB)   (>= 5.10)
 *   efi: mem00: [Boot Code          |   |...|UC] range=[0x..-0x..] (0MB)      (19-char names)
 *   efi: mem15: type=10, attr=0xf, range=[0x..-0x..) (0MB)                    (3.x, exclusive)
 *   efi: mem41: [Reserved    |attr=0x070000000000000f] range=[..] (1MB)       (unknown bits)
 *   efi:   0x000040000000-0x000047dfcfff [Conventional|...]                   (arm64)
 *   efi: memattr:  0x..-0x.. [Runtime Code|RUN|...]                          (attributes table)
 * The same lines without "efi: " or timestamps make an EFI map file.
 */
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

static const char *const efi_names12[BM_EFI_NR_TYPES] = {
	"Reserved", "Loader Code", "Loader Data", "Boot Code", "Boot Data",
	"Runtime Code", "Runtime Data", "Conventional", "Unusable", "ACPI Reclaim",
	"ACPI Mem NVS", "MMIO", "MMIO Port", "PAL Code", "Persistent", "Unaccepted",
};

static const char *const efi_names19[BM_EFI_NR_TYPES] = {
	"Reserved", "Loader Code", "Loader Data", "Boot Code", "Boot Data",
	"Runtime Code", "Runtime Data", "Conventional Memory", "Unusable Memory",
	"ACPI Reclaim Memory", "ACPI Memory NVS", "Memory Mapped I/O",
	"MMIO Port Space", "PAL Code", "Persistent Memory", "Unaccepted Memory",
};

const char *bm_efi_type_name(uint32_t type)
{
	return type < BM_EFI_NR_TYPES ? efi_names12[type] : "unknown";
}

static const struct { const char *name; uint64_t bit; } efi_attrs[] = {
	{ "RUN", BM_EFI_RUNTIME }, { "MR", BM_EFI_MORE_RELIABLE }, { "CC", BM_EFI_CPU_CRYPTO },
	{ "SP", BM_EFI_SP }, { "NV", BM_EFI_NV }, { "XP", BM_EFI_XP }, { "RP", BM_EFI_RP },
	{ "WP", BM_EFI_WP }, { "RO", BM_EFI_RO }, { "UCE", BM_EFI_UCE }, { "WB", BM_EFI_WB },
	{ "WT", BM_EFI_WT }, { "WC", BM_EFI_WC }, { "UC", BM_EFI_UC }, { "HP", BM_EFI_HOT_PLUGGABLE },
};

static bool eqn(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static void trim(const char **s, size_t *n)
{
	while (*n && bm_isspace(**s)) {
		(*s)++;
		(*n)--;
	}
	*n = bm_rtrim(*s, *n);
}

/* "[Type|attr|...|UC]" at sc: fills type and attr */
static int typeattr(struct bm_parser *p, struct bm_sc *sc, uint32_t *type, uint64_t *attr)
{
	const char *close, *f, *q;
	size_t i, field = 0;

	if (bm_sc_expect(p, sc, "["))
		return -1;
	close = memchr(sc->p, ']', (size_t)(sc->e - sc->p));
	if (!close)
		return bm_fail(p, "truncated %s: no closing ']' after the type", sc->what);
	*attr = 0;
	for (f = sc->p; f <= close; f = q + 1, field++) {
		const char *s = f;
		size_t n;

		q = memchr(f, '|', (size_t)(close - f));
		if (!q)
			q = close;
		n = (size_t)(q - f);
		trim(&s, &n);
		if (field == 0) {
			uint64_t v = 0;

			for (i = 0; i < BM_EFI_NR_TYPES; i++)
				if (eqn(s, n, efi_names12[i]) || eqn(s, n, efi_names19[i]))
					break;
			if (i < BM_EFI_NR_TYPES) {
				*type = (uint32_t)i;
			} else if (n > 5 && !memcmp(s, "type=", 5)) {
				struct bm_sc t;

				bm_sc_init(&t, s + 5, n - 5, sc->what);
				if (bm_sc_dec(p, &t, &v))
					return -1;
				if (v > UINT32_MAX || !bm_sc_eol(&t))
					return bm_fail(p, "malformed EFI type \"%.*s\"", (int)n, s);
				*type = (uint32_t)v;
			} else {
				return bm_fail(p, "unknown EFI memory type \"%.*s\"",
					       (int)BM_MIN(n, (size_t)40), s);
			}
			continue;
		}
		if (!n)
			continue;
		if (n > 5 && !memcmp(s, "attr=", 5)) {
			struct bm_sc t;
			uint64_t v;

			bm_sc_init(&t, s + 5, n - 5, sc->what);
			if (bm_sc_hex(p, &t, 1, &v))
				return -1;
			if (!bm_sc_eol(&t))
				return bm_fail(p, "malformed EFI attribute \"%.*s\"", (int)n, s);
			*attr |= v;
			continue;
		}
		for (i = 0; i < BM_ARRAY_SIZE(efi_attrs); i++)
			if (eqn(s, n, efi_attrs[i].name))
				break;
		if (i == BM_ARRAY_SIZE(efi_attrs))
			return bm_fail(p, "unknown EFI attribute \"%.*s\"", (int)BM_MIN(n, (size_t)20), s);
		*attr |= efi_attrs[i].bit;
	}
	sc->p = close + 1;
	return 0;
}

static struct bm_efi_map *cur_map(struct bm_parser *p, enum bm_efi_map_kind kind, int index)
{
	long *cur = kind == BM_EFI_MAP_MEMATTR ? &p->efi_attr_cur : &p->efi_cur;
	struct bm_efi_map *m = *cur >= 0 ? &p->log->efi_maps[*cur] : NULL;
	bool brk = kind != BM_EFI_MAP_MEMATTR && p->efi_break;

	if (!m || brk || (index == 0 && m->n) || m->kind != kind) {
		m = BM_PUSH(p, p->log->efi_maps, p->log->n_efi_maps);
		if (!m)
			return NULL;
		m->kind = kind;
		m->line = (brk && p->efi_hdr_kind == (int)kind) ? p->efi_hdr_line : p->line;
		if (kind == BM_EFI_MAP_MEMATTR && p->efi_attr_hdr_line) {
			m->line = p->efi_attr_hdr_line;
			p->efi_attr_hdr_line = 0;
		}
		*cur = (long)p->log->n_efi_maps - 1;
		if (kind != BM_EFI_MAP_MEMATTR)
			p->efi_break = false;
	}
	return m;
}

static int add(struct bm_parser *p, enum bm_efi_map_kind kind, int index, uint32_t type,
	       uint64_t attr, phys_addr_t start, phys_addr_t end)
{
	struct bm_efi_map *m = cur_map(p, kind, index);
	struct bm_efi_entry *e;

	if (!m)
		return -1;
	e = BM_PUSH(p, m->entries, m->n);
	if (!e)
		return -1;
	e->type = type;
	e->attr = attr;
	e->start = start;
	e->end = end;
	e->index = index;
	e->line = p->line;
	return 1;
}

/* "range=[0x..-0x..]" or "...)" then " (NMB)" */
static int range_part(struct bm_parser *p, struct bm_sc *sc, phys_addr_t *start, phys_addr_t *end)
{
	uint64_t s, e, mb;

	bm_sc_ws(sc);
	if (bm_sc_expect(p, sc, "range=[") || bm_sc_hex(p, sc, 1, &s) ||
	    bm_sc_expect(p, sc, "-") || bm_sc_hex(p, sc, 1, &e))
		return -1;
	if (bm_sc_lit(sc, ")")) {
		if (e <= s)
			return bm_fail(p, "%s: %s 0x%llx-0x%llx", sc->what,
				       e == s ? "empty range" : "end < start",
				       (unsigned long long)s, (unsigned long long)e);
		e--;
	} else if (bm_sc_expect(p, sc, "]")) {
		return -1;
	}
	if (bm_check_range(p, sc->what, s, e, BM_PHYS_LIMIT))
		return -1;
	bm_sc_ws(sc);
	if (bm_sc_expect(p, sc, "(") || bm_sc_dec(p, sc, &mb) || bm_sc_expect(p, sc, "MB)"))
		return -1;
	*start = s;
	*end = e;
	return 0;
}

static enum bm_efi_map_kind kind_for(struct bm_parser *p, int index)
{
	if (p->efi_break)
		return (enum bm_efi_map_kind)p->efi_hdr_kind;
	if (p->efi_cur >= 0 && index != 0)
		return p->log->efi_maps[p->efi_cur].kind;
	return BM_EFI_MAP_BOOT;
}

static int efi_line(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_sc sc;
	const char *t = m;
	size_t tn = n, i;
	uint32_t type = 0;
	uint64_t attr = 0;
	phys_addr_t start, end;
	bool prefixed = false;

	if (bm_starts(t, tn, "efi: ")) {
		t += 5;
		tn -= 5;
		prefixed = true;
	}
	if (prefixed) {
		size_t l = bm_rtrim(t, tn);

		if (eqn(t, l, "EFI runtime memory map:") || eqn(t, l, "Processing EFI memory map:")) {
			p->efi_break = true;
			p->efi_hdr_kind = t[0] == 'E' ? BM_EFI_MAP_RUNTIME : BM_EFI_MAP_BOOT;
			p->efi_hdr_line = p->line;
			return 1;
		}
	}
	/* memNN: */
	if (bm_starts(t, tn, "mem") && tn > 4 && bm_isdigit(t[3])) {
		uint64_t idx;

		for (i = 3; i < tn && bm_isdigit(t[i]); i++)
			;
		if (i >= tn || t[i] != ':')
			return 0;
		bm_sc_init(&sc, t, tn, "EFI memory map entry");
		sc.p += 3;
		if (bm_sc_dec(p, &sc, &idx) || bm_sc_expect(p, &sc, ":"))
			return -1;
		if (idx > 1000000)
			return bm_fail(p, "EFI map index mem%llu is absurd", (unsigned long long)idx);
		bm_sc_ws(&sc);
		if (bm_sc_lit(&sc, "type=")) {
			uint64_t v;

			if (bm_sc_dec(p, &sc, &v) || bm_sc_expect(p, &sc, ", attr=") ||
			    bm_sc_hex(p, &sc, 1, &attr) || bm_sc_expect(p, &sc, ","))
				return -1;
			if (v > UINT32_MAX)
				return bm_fail(p, "EFI type %llu out of range", (unsigned long long)v);
			type = (uint32_t)v;
		} else if (typeattr(p, &sc, &type, &attr)) {
			return -1;
		}
		if (range_part(p, &sc, &start, &end))
			return -1;
		return add(p, kind_for(p, (int)idx), (int)idx, type, attr, start, end);
	}
	/* "memattr:  0x..-0x.. [..]" and arm64 "  0x..-0x.. [..]" */
	{
		enum bm_efi_map_kind kind = BM_EFI_MAP_BOOT;
		const char *r = t;
		size_t rn = tn;

		if (bm_starts(r, rn, "memattr:")) {
			r += 8;
			rn -= 8;
			kind = BM_EFI_MAP_MEMATTR;
			while (rn && bm_isspace(*r)) {
				r++;
				rn--;
			}
			if (!bm_starts(r, rn, "0x")) {
				if (bm_starts(r, rn, "Processing EFI Memory Attributes table")) {
					p->efi_attr_cur = -1;	/* a new table follows */
					p->efi_attr_hdr_line = p->line;
				}
				return prefixed ? 1 : 0;	/* memattr chatter */
			}
		} else {
			if (!prefixed || !rn || !bm_isspace(*r))
				return 0;
			while (rn && bm_isspace(*r)) {
				r++;
				rn--;
			}
			if (!bm_starts(r, rn, "0x"))
				return 0;
		}
		bm_sc_init(&sc, r, rn, kind == BM_EFI_MAP_MEMATTR ? "EFI memory attributes entry"
								 : "EFI memory map entry");
		if (bm_sc_hex_range(p, &sc, BM_PHYS_LIMIT, &start, &end))
			return -1;
		bm_sc_ws(&sc);
		if (typeattr(p, &sc, &type, &attr))
			return -1;
		if (kind == BM_EFI_MAP_BOOT)
			kind = kind_for(p, -1);
		return add(p, kind, -1, type, attr, start, end);
	}
}

int bm_efi_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = efi_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		if (bm_starts(m, n, "efi: ") && !bm_starts(m, n, "efi: mem") &&
		    !bm_starts(m, n, "efi:   0x"))
			p->n_kernel_items++;	/* a header: part of a log */
		else
			p->n_efi_lines++;
	}
	return rc;
}

struct ov { phys_addr_t start, end; uint32_t type; unsigned line; };

static int cmp_ov(const void *a, const void *b)
{
	const struct ov *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int bm_efi_finish(struct bm_parser *p)
{
	size_t i, j;

	for (i = 0; i < p->log->n_efi_maps; i++) {
		const struct bm_efi_map *m = &p->log->efi_maps[i];
		struct ov *ord;
		const struct ov *mx;

		if (m->n < 2)
			continue;
		ord = malloc(m->n * sizeof(*ord));
		if (!ord)
			return bm_fail(p, "out of memory");
		for (j = 0; j < m->n; j++) {
			ord[j].start = m->entries[j].start;
			ord[j].end = m->entries[j].end;
			ord[j].type = m->entries[j].type;
			ord[j].line = m->entries[j].line;
		}
		qsort(ord, m->n, sizeof(*ord), cmp_ov);
		mx = &ord[0];
		for (j = 1; j < m->n; j++) {
			const struct ov *a = mx;
			const struct ov *b = &ord[j];

			if (b->start <= a->end) {
				unsigned la = a->line, lb = b->line;

				bm_fail_line(p, la > lb ? la : lb,
						    "EFI map entry [0x%llx-0x%llx] %s overlaps "
						    "[0x%llx-0x%llx] %s of line %u",
						    (unsigned long long)(la > lb ? a : b)->start,
						    (unsigned long long)(la > lb ? a : b)->end,
						    bm_efi_type_name((la > lb ? a : b)->type),
						    (unsigned long long)(la > lb ? b : a)->start,
						    (unsigned long long)(la > lb ? b : a)->end,
						    bm_efi_type_name((la > lb ? b : a)->type),
						    la > lb ? lb : la);
				free(ord);
				return -1;
			}
			if (b->end > mx->end)
				mx = b;
		}
		free(ord);
	}
	return 0;
}
