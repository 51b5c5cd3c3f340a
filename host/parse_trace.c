// SPDX-License-Identifier: MIT
/*
 * memblock=debug: the kernel's trace of memblock calls, in order,
 *   memblock_reserve: [0x..-0x..] caller+0x7d/0xcf
 *   memblock_add_node: [0x..-0x..] nid=0 flags=0x0 caller+..
 *   memblock_alloc_try_nid: 16384 bytes align=0x40 nid=-1 from=0x0 max_addr=0x0 caller+..
 * each allocation paired with the memblock_reserve printed right after it
 * (where it landed); and every "MEMBLOCK configuration:" dump, placed in
 * the event sequence so a replay can start from it. Also the debugfs
 * memblock files of the initramfs dump (=====MEMBLOCK_MEMORY/RESERVED).
 */
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

static const struct { const char *name; enum bm_mb_op op; } range_ops[] = {
	{ "memblock_add", BM_MB_ADD }, { "memblock_add_node", BM_MB_ADD_NODE },
	{ "memblock_remove", BM_MB_REMOVE }, { "memblock_reserve", BM_MB_RESERVE },
	{ "memblock_reserve_kern", BM_MB_RESERVE }, { "memblock_phys_free", BM_MB_PHYS_FREE },
	{ "memblock_free", BM_MB_FREE }, { "memblock_free_late", BM_MB_FREE_LATE },
};

static const char *const alloc_names[] = {
	"memblock_alloc_try_nid", "memblock_alloc_try_nid_raw", "memblock_alloc_exact_nid_raw",
	"memblock_phys_alloc_range", "memblock_phys_alloc_try_nid", "memblock_alloc_from",
	"memblock_alloc_range_nid", "memblock_alloc_internal", "memblock_virt_alloc_try_nid",
	"memblock_virt_alloc_try_nid_raw", "memblock_virt_alloc_try_nid_nopanic",
	"memblock_alloc_try_nid_nopanic",
};

static bool eqn(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* "func+0x7d/0xcf" -> "func"; NULL if empty */
static int caller(struct bm_parser *p, struct bm_sc *sc, const char **out)
{
	const char *s, *q;
	size_t n;

	bm_sc_ws(sc);
	s = sc->p;
	n = bm_rtrim(s, (size_t)(sc->e - s));
	sc->p = sc->e;
	*out = NULL;
	if (!n)
		return 0;
	q = memchr(s, '+', n);
	if (q)
		n = (size_t)(q - s);
	q = memchr(s, ' ', n);
	if (q)
		n = (size_t)(q - s);
	*out = bm_intern(p, s, n);
	return *out ? 0 : -1;
}

static int range_event(struct bm_parser *p, struct bm_sc *sc, const char *fn, size_t fnlen)
{
	struct bm_mb_event ev = { .line = p->line, .nid = BM_NUMA_NO_NODE, .paired = -1 };
	struct bm_mb_event *e;
	enum bm_mb_op op = BM_MB_RANGE_OTHER;
	phys_addr_t limit = BM_PHYS_ADDR_MAX;
	size_t i;

	for (i = 0; i < BM_ARRAY_SIZE(range_ops); i++)
		if (eqn(fn, fnlen, range_ops[i].name))
			op = range_ops[i].op;
	if (op == BM_MB_RANGE_OTHER && fnlen > 14 && !memcmp(fn, "memblock_mark_", 14))
		op = BM_MB_MARK;
	if (op == BM_MB_RANGE_OTHER && fnlen > 15 && !memcmp(fn, "memblock_clear_", 15))
		op = BM_MB_CLEAR;
	if (op == BM_MB_ADD || op == BM_MB_ADD_NODE)
		limit = BM_PHYS_LIMIT;
	ev.op = op;
	ev.fn = bm_intern(p, fn, fnlen);
	if (!ev.fn)
		return -1;
	if (bm_sc_expect(p, sc, "[") || bm_sc_hex_range(p, sc, limit, &ev.start, &ev.end) ||
	    bm_sc_expect(p, sc, "]"))
		return -1;
	for (;;) {
		bm_sc_ws(sc);
		if (bm_sc_lit(sc, "nid=")) {
			int64_t v;

			if (bm_sc_sdec(p, sc, &v))
				return -1;
			if (v < -1 || v >= 1 << 16)
				return bm_fail(p, "memblock event: nid %lld out of range", (long long)v);
			ev.nid = (int)v;
		} else if (bm_sc_lit(sc, "flags=") || bm_sc_lit(sc, "flags ")) {
			if (bm_sc_hex(p, sc, 2, &ev.flags))
				return -1;
		} else {
			break;
		}
	}
	if (caller(p, sc, &ev.caller))
		return -1;
	if (op == BM_MB_RESERVE && ev.caller && !strncmp(ev.caller, "memblock_", 9))
		ev.alloc_internal = true;
	e = BM_PUSH(p, p->log->events, p->log->n_events);
	if (!e)
		return -1;
	*e = ev;
	if (op == BM_MB_RESERVE && ev.alloc_internal && p->last_alloc >= 0) {
		struct bm_mb_event *a = &p->log->events[p->last_alloc];

		if (a->size == ev.end - ev.start + 1) {
			a->paired = (long)p->log->n_events - 1;
			a->addr = ev.start;
			e->paired = p->last_alloc;
		}
	}
	p->last_alloc = -1;
	return 1;
}

static int alloc_event(struct bm_parser *p, struct bm_sc *sc, const char *fn, size_t fnlen)
{
	struct bm_mb_event ev = { .op = BM_MB_ALLOC, .line = p->line, .nid = BM_NUMA_NO_NODE,
				  .paired = -1 };
	struct bm_mb_event *e;

	ev.fn = bm_intern(p, fn, fnlen);
	if (!ev.fn)
		return -1;
	if (bm_sc_dec(p, sc, &ev.size) || bm_sc_expect(p, sc, " bytes"))
		return -1;
	if (ev.size > BM_PHYS_LIMIT + 1)
		return bm_fail(p, "memblock allocation of %llu bytes is absurd (> 2^52)",
			       (unsigned long long)ev.size);
	for (;;) {
		bm_sc_ws(sc);
		if (bm_sc_lit(sc, "align=")) {
			if (bm_sc_hex(p, sc, 2, &ev.align))
				return -1;
		} else if (bm_sc_lit(sc, "nid=")) {
			int64_t v;

			if (bm_sc_sdec(p, sc, &v))
				return -1;
			if (v < -1 || v >= 1 << 16)
				return bm_fail(p, "memblock allocation: nid %lld out of range",
					       (long long)v);
			ev.nid = (int)v;
			ev.has_nid = true;
		} else if (bm_sc_lit(sc, "from=") || bm_sc_lit(sc, "min_addr=")) {
			if (bm_sc_hex(p, sc, 2, &ev.from))
				return -1;
		} else if (bm_sc_lit(sc, "max_addr=")) {
			if (bm_sc_hex(p, sc, 2, &ev.max_addr))
				return -1;
		} else {
			break;
		}
	}
	if (caller(p, sc, &ev.caller))
		return -1;
	e = BM_PUSH(p, p->log->events, p->log->n_events);
	if (!e)
		return -1;
	*e = ev;
	p->last_alloc = (long)p->log->n_events - 1;
	return 1;
}

static struct bm_mb_dump *cur_dump(struct bm_parser *p)
{
	if (p->mode != BM_MODE_MBDUMP || p->dump_cur < 0)
		return NULL;
	return &p->log->dumps[p->dump_cur];
}

/* " memory[0x0]\t[0x..-0x..], 0x.. bytes on node 0 flags: 0x0" */
static int dump_region(struct bm_parser *p, struct bm_sc *sc, struct bm_mb_dump *d, int list)
{
	struct bm_mb_region r = { .line = p->line, .nid = BM_NUMA_NO_NODE };
	struct bm_mb_region *e;
	uint64_t idx;

	if (bm_sc_hex(p, sc, 2, &idx) || bm_sc_expect(p, sc, "]"))
		return -1;
	bm_sc_ws(sc);
	if (bm_sc_expect(p, sc, "[") || bm_sc_hex(p, sc, 1, &r.base) || bm_sc_expect(p, sc, "-") ||
	    bm_sc_hex(p, sc, 1, &r.end) || bm_sc_expect(p, sc, "],"))
		return -1;
	bm_sc_ws(sc);
	if (bm_sc_hex(p, sc, 1, &r.size) || bm_sc_expect(p, sc, " bytes"))
		return -1;
	if (r.size == 0) {
		r.end = r.base;		/* the placeholder of an empty type */
	} else {
		if (bm_check_range(p, sc->what, r.base, r.end, BM_PHYS_ADDR_MAX))
			return -1;
		if (r.end - r.base + 1 != r.size)
			return bm_fail(p, "memblock region [0x%llx-0x%llx] printed with size 0x%llx",
				       (unsigned long long)r.base, (unsigned long long)r.end,
				       (unsigned long long)r.size);
	}
	bm_sc_ws(sc);
	if (bm_sc_lit(sc, "on node ")) {
		int64_t v;

		if (bm_sc_sdec(p, sc, &v))
			return -1;
		if (v < 0 || v >= 1 << 16)
			return bm_fail(p, "memblock region: node %lld out of range", (long long)v);
		r.nid = (int)v;
		bm_sc_ws(sc);
	}
	if (bm_sc_lit(sc, "flags:")) {
		bm_sc_ws(sc);
		if (bm_sc_hex(p, sc, 1, &r.flags))
			return -1;
	}
	bm_sc_ws(sc);
	if (!bm_sc_eol(sc))
		return bm_sc_fail(p, sc, "end of line");
	if (list == 2)
		return 1;		/* physmem: not kept */
	e = list ? BM_PUSH(p, d->reserved, d->n_reserved) : BM_PUSH(p, d->memory, d->n_memory);
	if (!e)
		return -1;
	*e = r;
	return 1;
}

static int dump_line(struct bm_parser *p, const char *m, size_t n)
{
	static const char *const lists[] = { "memory", "reserved", "physmem" };
	struct bm_mb_dump *d;
	struct bm_sc sc;
	const char *t = m;
	size_t tn = n, l;
	int i;

	if (!tn || !bm_isspace(*t))
		return 0;
	while (tn && bm_isspace(*t)) {
		t++;
		tn--;
	}
	for (i = 0; i < 3; i++) {
		l = strlen(lists[i]);
		if (bm_starts(t, tn, lists[i]) && tn > l && (t[l] == '[' || t[l] == '.' ||
							     (i == 0 && t[l] == ' ')))
			break;
	}
	if (i == 3)
		return 0;
	d = cur_dump(p);
	bm_sc_init(&sc, t, tn, "MEMBLOCK configuration line");
	if (i == 0 && bm_sc_lit(&sc, "memory size = ")) {
		if (!d)
			return bm_fail(p, "memblock dump line outside a MEMBLOCK configuration dump");
		if (bm_sc_hex(p, &sc, 1, &d->memory_size) || bm_sc_expect(p, &sc, " reserved size = ") ||
		    bm_sc_hex(p, &sc, 1, &d->reserved_size))
			return -1;
		p->mode_kept = true;
		return 1;
	}
	sc.p += l;
	if (t[l] == '.') {
		uint64_t cnt;

		if (bm_sc_expect(p, &sc, ".cnt"))
			return -1;
		bm_sc_ws(&sc);
		if (bm_sc_expect(p, &sc, "=") || (bm_sc_ws(&sc), bm_sc_hex(p, &sc, 1, &cnt)))
			return -1;
		if (!d)
			return bm_fail(p, "memblock dump line outside a MEMBLOCK configuration dump");
		if (cnt > 1u << 24)
			return bm_fail(p, "memblock %s.cnt 0x%llx is absurd", lists[i],
				       (unsigned long long)cnt);
		if (i == 0)
			d->memory_cnt = cnt;
		else if (i == 1)
			d->reserved_cnt = cnt;
		p->dump_list = i;
		p->mode_kept = true;
		return 1;
	}
	if (t[l] != '[')
		return 0;
	sc.p++;
	if (!d)
		return bm_fail(p, "memblock region line outside a MEMBLOCK configuration dump");
	p->mode_kept = true;
	return dump_region(p, &sc, d, i);
}

int bm_trace_dump_close(struct bm_parser *p)
{
	const struct bm_mb_dump *d;

	if (p->dump_cur < 0)
		return 0;
	d = &p->log->dumps[p->dump_cur];
	p->dump_cur = -1;
	if (d->n_memory != d->memory_cnt)
		return bm_fail_line(p, d->line, "MEMBLOCK configuration lists %zu memory regions "
				    "but memory.cnt = %zu (truncated dump?)", d->n_memory,
				    d->memory_cnt);
	if (d->n_reserved != d->reserved_cnt)
		return bm_fail_line(p, d->line, "MEMBLOCK configuration lists %zu reserved regions "
				    "but reserved.cnt = %zu (truncated dump?)", d->n_reserved,
				    d->reserved_cnt);
	return 0;
}

static int trace_line(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_sc sc;
	size_t i, fl;
	bool known = false;

	if (bm_starts(m, n, "MEMBLOCK configuration:")) {
		struct bm_mb_dump *d;

		if (p->mode == BM_MODE_MBDUMP && bm_trace_dump_close(p))
			return -1;
		d = BM_PUSH(p, p->log->dumps, p->log->n_dumps);
		if (!d)
			return -1;
		d->line = p->line;
		d->event_index = p->log->n_events;
		p->dump_cur = (long)p->log->n_dumps - 1;
		p->dump_list = 0;
		p->mode = BM_MODE_MBDUMP;
		p->mode_kept = true;
		p->last_alloc = -1;
		return 1;
	}
	if (!bm_starts(m, n, "memblock_"))
		return dump_line(p, m, n);
	for (fl = 9; fl < n && ((m[fl] >= 'a' && m[fl] <= 'z') || m[fl] == '_' ||
				(m[fl] >= '0' && m[fl] <= '9')); fl++)
		;
	for (i = 0; i < BM_ARRAY_SIZE(range_ops) && !known; i++)
		known = eqn(m, fl, range_ops[i].name);
	for (i = 0; i < BM_ARRAY_SIZE(alloc_names) && !known; i++)
		known = eqn(m, fl, alloc_names[i]);
	bm_sc_init(&sc, m, n, "memblock event");
	sc.p += fl;
	if (!bm_sc_lit(&sc, ": ")) {
		if (known && (bm_sc_eol(&sc) || bm_sc_peek(&sc, ":")))
			return bm_sc_fail(p, &sc, ": ");
		return 0;
	}
	if (bm_sc_peek(&sc, "["))
		return range_event(p, &sc, m, fl);
	if (!bm_sc_eol(&sc) && bm_isdigit(*sc.p)) {
		const char *q = sc.p;

		while (q < sc.e && bm_isdigit(*q))
			q++;
		if (known || bm_starts(q, (size_t)(sc.e - q), " bytes"))
			return alloc_event(p, &sc, m, fl);
		return 0;
	}
	if (known)
		return bm_sc_fail(p, &sc, "'[' or a size");
	return 0;
}

int bm_trace_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = trace_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_kernel_items++;
	}
	return rc;
}

int bm_trace_finish(struct bm_parser *p)
{
	return 0;
}

/* debugfs: "   0: 0x0000000000001000..0x000000000009efff    0 NONE" */
int bm_debugfs_mb_line(struct bm_parser *p, const char *m, size_t n, int which)
{
	static const struct { const char *name; uint64_t bit; } flags[] = {
		{ "NONE", 0 }, { "HOTPLUG", 0x1 }, { "MIRROR", 0x2 }, { "NOMAP", 0x4 },
		{ "DRV_MNG", 0x8 }, { "RSV_NIT", 0x10 }, { "RSV_KERN", 0x20 }, { "KHO_SCR", 0x40 },
	};
	struct bm_mb_region r = { .line = p->line, .nid = BM_NUMA_NO_NODE };
	struct bm_mb_dump *d = p->log->debugfs_memblock;
	struct bm_mb_region *e;
	struct bm_sc sc;
	uint64_t idx;

	bm_sc_init(&sc, m, n, "debugfs memblock line");
	bm_sc_ws(&sc);
	if (bm_sc_dec(p, &sc, &idx) || bm_sc_expect(p, &sc, ":"))
		return -1;
	bm_sc_ws(&sc);
	if (bm_sc_hex(p, &sc, 1, &r.base) || bm_sc_expect(p, &sc, "..") ||
	    bm_sc_hex(p, &sc, 1, &r.end))
		return -1;
	if (bm_check_range(p, sc.what, r.base, r.end, BM_PHYS_ADDR_MAX))
		return -1;
	r.size = r.end - r.base + 1;
	bm_sc_ws(&sc);
	if (bm_sc_lit(&sc, "x")) {
		/* no node */
	} else if (!bm_sc_eol(&sc) && (bm_isdigit(*sc.p) || *sc.p == '-')) {
		int64_t v;

		if (bm_sc_sdec(p, &sc, &v))
			return -1;
		if (v >= 0 && v < 1 << 16)
			r.nid = (int)v;
	}
	while (bm_sc_ws(&sc), !bm_sc_eol(&sc)) {
		size_t i, l = 0;

		while (sc.p + l < sc.e && !bm_isspace(sc.p[l]) && sc.p[l] != '|')
			l++;
		for (i = 0; i < BM_ARRAY_SIZE(flags); i++)
			if (eqn(sc.p, l, flags[i].name))
				break;
		if (i == BM_ARRAY_SIZE(flags))
			return bm_fail(p, "unknown memblock flag \"%.*s\"", (int)BM_MIN(l, (size_t)20),
				       sc.p);
		r.flags |= flags[i].bit;
		sc.p += l;
		if (bm_sc_lit(&sc, "|"))
			continue;
	}
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return bm_fail(p, "out of memory");
		d->line = p->line;
		p->log->debugfs_memblock = d;
	}
	e = which ? BM_PUSH(p, d->reserved, d->n_reserved) : BM_PUSH(p, d->memory, d->n_memory);
	if (!e)
		return -1;
	*e = r;
	if (which) {
		d->reserved_cnt = d->n_reserved;
		d->reserved_size += r.size;
	} else {
		d->memory_cnt = d->n_memory;
		d->memory_size += r.size;
	}
	p->recognised++;
	p->n_debugfs_lines++;
	return 1;
}
