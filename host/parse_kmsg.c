// SPDX-License-Identifier: MIT
/*
 * One-line kernel summaries: the version, the command lines, "Memory:
 * X/Y available (...)", every "Freeing <what> memory: NK", deferred init
 * per node, RAMDISK, zonelists / total pages and percpu.
 */
#include <string.h>

#include "host/bootlog_int.h"

static bool eqn(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static int kb(struct bm_parser *p, struct bm_sc *sc, uint64_t *v)
{
	if (bm_sc_dec(p, sc, v))
		return -1;
	if (!bm_sc_lit(sc, "K") && !bm_sc_lit(sc, "k"))
		return bm_sc_fail(p, sc, "K");
	return 0;
}

/* "Memory: 247604K/517652K available (14343K kernel code, ...)" */
static int memory_line(struct bm_parser *p, const char *t, size_t tn)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "kernel code", offsetof(struct bm_memory_line, kernel_code_kb) },
		{ "rwdata", offsetof(struct bm_memory_line, rwdata_kb) },
		{ "rodata", offsetof(struct bm_memory_line, rodata_kb) },
		{ "init", offsetof(struct bm_memory_line, init_kb) },
		{ "bss", offsetof(struct bm_memory_line, bss_kb) },
		{ "reserved", offsetof(struct bm_memory_line, reserved_kb) },
		{ "cma-reserved", offsetof(struct bm_memory_line, cma_reserved_kb) },
		{ "highmem", offsetof(struct bm_memory_line, highmem_kb) },
		{ "absent", offsetof(struct bm_memory_line, absent_kb) },
		{ "data", offsetof(struct bm_memory_line, data_kb) },
	};
	struct bm_memory_line ml = {
		.present = true, .line = p->line, .kernel_code_kb = -1, .rwdata_kb = -1,
		.rodata_kb = -1, .init_kb = -1, .bss_kb = -1, .reserved_kb = -1,
		.cma_reserved_kb = -1, .highmem_kb = -1, .absent_kb = -1, .data_kb = -1,
	};
	struct bm_sc sc;
	const char *q = t + 8;

	while (q < t + tn && bm_isdigit(*q))
		q++;
	if (q == t + 8 || q + 2 > t + tn || (q[0] != 'K' && q[0] != 'k') || q[1] != '/')
		return 0;		/* another "Memory:" format (ARM "512MB = ...") */
	bm_sc_init(&sc, t, tn, "Memory: line");
	sc.p += 8;
	if (kb(p, &sc, &ml.available_kb) || bm_sc_expect(p, &sc, "/") || kb(p, &sc, &ml.total_kb) ||
	    bm_sc_expect(p, &sc, " available"))
		return -1;
	if (ml.available_kb > ml.total_kb)
		return bm_fail(p, "Memory: available %lluK > total %lluK",
			       (unsigned long long)ml.available_kb, (unsigned long long)ml.total_kb);
	if (ml.total_kb > (BM_PHYS_LIMIT >> 10))
		return bm_fail(p, "Memory: total %lluK is beyond the 52-bit physical address space",
			       (unsigned long long)ml.total_kb);
	bm_sc_ws(&sc);
	if (bm_sc_lit(&sc, "(")) {
		for (;;) {
			uint64_t v;
			const char *name;
			size_t i, nl;

			bm_sc_ws(&sc);
			if (kb(p, &sc, &v) || bm_sc_expect(p, &sc, " "))
				return -1;
			name = sc.p;
			while (!bm_sc_eol(&sc) && *sc.p != ',' && *sc.p != ')')
				sc.p++;
			if (bm_sc_eol(&sc))
				return bm_sc_fail(p, &sc, ")");
			nl = bm_rtrim(name, (size_t)(sc.p - name));
			for (i = 0; i < BM_ARRAY_SIZE(fields); i++)
				if (eqn(name, nl, fields[i].name))
					*(int64_t *)((char *)&ml + fields[i].off) = (int64_t)v;
			if (bm_sc_lit(&sc, ")"))
				break;
			sc.p++;		/* ',' */
		}
	}
	if (!p->log->memory.present)
		p->log->memory = ml;
	return 1;
}

static int push_sized(struct bm_parser *p, const char *what, size_t wl, uint64_t bytes)
{
	struct bm_sized_alloc *a = BM_PUSH(p, p->log->sized, p->log->n_sized);

	if (!a)
		return -1;
	a->what = bm_strdup_log(p, what, wl);
	if (!a->what)
		return -1;
	a->bytes = bytes;
	a->line = p->line;
	return 1;
}

/*
 * "<what> hash table entries: N (order: O, B bytes, linear)" (also the
 * older "(order O, B bytes)") and "ftrace: allocated N pages with G
 * groups". A line that does not have that shape is not one of them (0).
 */
static int sized_alloc_line(struct bm_parser *p, const char *t, size_t tn)
{
	static const char ht[] = " hash table entries: ";
	const char *q, *e = t + tn;
	struct bm_sc sc;
	uint64_t n;

	bm_sc_init(&sc, t, tn, "ftrace line");
	if (bm_sc_lit(&sc, "ftrace: allocated ")) {
		if (bm_sc_eol(&sc) || !bm_isdigit(*sc.p) || bm_sc_dec(p, &sc, &n))
			return 0;
		if (!bm_sc_lit(&sc, " pages") || n > ((uint64_t)1 << 40))
			return 0;
		return push_sized(p, "ftrace", 6, n << 12);
	}
	for (q = t; q + sizeof(ht) - 1 <= e; q++)
		if (!memcmp(q, ht, sizeof(ht) - 1))
			break;
	if (q + sizeof(ht) - 1 > e || q == t)
		return 0;
	/* the byte count: the number right before " bytes" */
	for (const char *b = q; b + 6 <= e; b++) {
		const char *d = b;

		if (memcmp(b, " bytes", 6))
			continue;
		while (d > q && bm_isdigit(d[-1]))
			d--;
		if (d == b)
			return 0;
		bm_sc_init(&sc, d, (size_t)(b - d), "hash table line");
		if (bm_sc_dec(p, &sc, &n))
			return -1;
		return push_sized(p, t, (size_t)(q - t), n);
	}
	return 0;
}

/* "[tag: ]Freeing <what>[ memory]: NK" */
static int freeing_line(struct bm_parser *p, const char *t, size_t tn)
{
	const char *f = NULL, *colon = NULL, *q, *what;
	struct bm_freeing *fr;
	struct bm_sc sc;
	size_t wl;
	uint64_t v;

	if (bm_starts(t, tn, "Freeing ")) {
		f = t;
	} else {
		for (q = t; q < t + tn && !bm_isspace(*q); q++)
			if (*q == ':')
				break;
		if (q + 10 < t + tn && q[0] == ':' && q[1] == ' ' &&
		    bm_starts(q + 2, (size_t)(t + tn - q - 2), "Freeing "))
			f = q + 2;
	}
	if (!f)
		return 0;
	what = f + 8;
	for (q = what; q + 2 < t + tn; q++)
		if (q[0] == ':' && q[1] == ' ' && bm_isdigit(q[2]))
			colon = q;
	if (!colon)
		return 0;
	wl = (size_t)(colon - what);
	if (wl >= 7 && !memcmp(colon - 7, " memory", 7))
		wl -= 7;
	bm_sc_init(&sc, colon + 2, (size_t)(t + tn - colon - 2), "Freeing line");
	if (bm_sc_dec(p, &sc, &v))
		return -1;
	if (!bm_sc_lit(&sc, "K") && !bm_sc_lit(&sc, "k"))
		return 0;
	fr = BM_PUSH(p, p->log->freeing, p->log->n_freeing);
	if (!fr)
		return -1;
	fr->what = bm_strdup_log(p, what, wl);
	if (!fr->what)
		return -1;
	fr->kb = v;
	fr->line = p->line;
	return 1;
}

static int deferred_line(struct bm_parser *p, struct bm_sc *sc)
{
	struct bm_deferred d = { .line = p->line, .pages = -1 }, *e;
	uint64_t node, ms, pages;

	if (bm_sc_dec(p, sc, &node))
		return -1;
	if (bm_sc_lit(sc, " deferred pages initialised in ")) {
		if (bm_sc_dec(p, sc, &ms) || bm_sc_expect(p, sc, "ms"))
			return -1;
	} else if (bm_sc_lit(sc, " initialised, ")) {
		if (bm_sc_dec(p, sc, &pages) || bm_sc_expect(p, sc, " pages in ") ||
		    bm_sc_dec(p, sc, &ms) || bm_sc_expect(p, sc, "ms"))
			return -1;
		d.pages = (int64_t)pages;
	} else {
		return 0;
	}
	if (node >= 1 << 16 || ms > UINT32_MAX)
		return bm_fail(p, "deferred init line: value out of range");
	d.node = (int)node;
	d.ms = (unsigned)ms;
	e = BM_PUSH(p, p->log->deferred, p->log->n_deferred);
	if (!e)
		return -1;
	*e = d;
	return 1;
}

static int kmsg_line(struct bm_parser *p, const char *t, size_t tn)
{
	struct bm_bootlog *log = p->log;
	struct bm_sc sc;
	int rc;

	bm_sc_init(&sc, t, tn, "kernel line");
	if (bm_sc_lit(&sc, "Linux version ")) {
		const char *v = sc.p;

		while (!bm_sc_eol(&sc) && !bm_isspace(*sc.p))
			sc.p++;
		if (sc.p == v)
			return bm_sc_fail(p, &sc, "a version");
		if (!log->version) {
			log->version = bm_strdup_log(p, v, (size_t)(sc.p - v));
			/* The rest names the build: "... Debian 6.12.74-2~bpo12+1 (...)". */
			log->version_banner = bm_strdup_log(p, sc.p, (size_t)(sc.e - sc.p));
			if (!log->version || !log->version_banner)
				return -1;
			log->version_line = p->line;
		}
		return 1;
	}
	if (bm_sc_lit(&sc, "Command line: ") || bm_sc_lit(&sc, "Kernel command line: ")) {
		struct bm_cmdline *cl = t[0] == 'C' ? &log->cmdline : &log->kernel_cmdline;

		if (cl->text)
			return 1;
		return bm_cmdline_parse(p, cl, sc.p, (size_t)(sc.e - sc.p)) ? -1 : 1;
	}
	if (bm_starts(t, tn, "Memory: "))
		return memory_line(p, t, tn);
	if (bm_sc_lit(&sc, "node ") && !bm_sc_eol(&sc) && bm_isdigit(*sc.p))
		return deferred_line(p, &sc);
	sc.p = t;
	if (bm_sc_lit(&sc, "RAMDISK: ")) {
		struct bm_range r = { .line = p->line };

		sc.what = "RAMDISK line";
		if (bm_sc_peek(&sc, "[mem ")) {
			if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &r.start, &r.end))
				return -1;
		} else {
			const char *q = sc.p;
			uint64_t s, e;

			while (q < sc.e && bm_isxdigit(*q))
				q++;
			if (q == sc.p || !bm_starts(q, (size_t)(sc.e - q), " - "))
				return 0;
			if (bm_sc_hex(p, &sc, 0, &s) || bm_sc_expect(p, &sc, " - ") ||
			    bm_sc_hex(p, &sc, 0, &e))
				return -1;
			if (e <= s)
				return bm_fail(p, "RAMDISK: end 0x%llx <= start 0x%llx",
					       (unsigned long long)e, (unsigned long long)s);
			r.start = s;
			r.end = e - 1;
			if (bm_check_range(p, sc.what, r.start, r.end, BM_PHYS_LIMIT))
				return -1;
		}
		if (!log->has_ramdisk) {
			log->has_ramdisk = true;
			log->ramdisk = r;
		}
		return 1;
	}
	if (bm_sc_lit(&sc, "Built ") && !bm_sc_eol(&sc) && bm_isdigit(*sc.p)) {
		uint64_t nz, tp;
		const char *q;

		sc.what = "zonelists line";
		if (bm_sc_dec(p, &sc, &nz))
			return -1;
		if (!bm_sc_lit(&sc, " zonelists"))
			return 0;
		for (q = sc.p; q + 13 <= sc.e; q++)
			if (!memcmp(q, "Total pages: ", 13))
				break;
		if (q + 13 <= sc.e) {
			sc.p = q + 13;
			if (bm_sc_dec(p, &sc, &tp))
				return -1;
			log->total_pages = tp;
		}
		log->zonelists = (unsigned)BM_MIN(nz, (uint64_t)UINT32_MAX);
		log->zonelists_line = p->line;
		return 1;
	}
	sc.p = t;
	if (bm_sc_lit(&sc, "percpu: Embedded ") || bm_sc_lit(&sc, "PERCPU: Embedded ")) {
		uint64_t n;

		sc.what = "percpu line";
		if (bm_sc_dec(p, &sc, &n) || bm_sc_expect(p, &sc, " pages/cpu"))
			return -1;
		log->percpu_pages = (unsigned)BM_MIN(n, (uint64_t)UINT32_MAX);
		log->percpu_line = p->line;
		return 1;
	}
	if (bm_sc_lit(&sc, "SLUB: ") || bm_sc_lit(&sc, "SLAB: ")) {
		if (!log->slab_line)
			log->slab_line = p->line;
		return 1;
	}
	rc = sized_alloc_line(p, t, tn);
	if (rc)
		return rc;
	rc = freeing_line(p, t, tn);
	return rc;
}

int bm_kmsg_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = kmsg_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_kernel_items++;
	}
	return rc;
}
