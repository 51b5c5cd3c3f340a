// SPDX-License-Identifier: MIT
/*
 * /proc/meminfo, /proc/zoneinfo, /proc/buddyinfo and /proc/pagetypeinfo,
 * either as the =====MEMINFO/ZONEINFO/BUDDYINFO/PAGETYPEINFO sections of
 * the initramfs dump (strict: every line must parse) or standalone, found
 * by content ("MemTotal:", "Node 0, zone DMA", "Page block order:").
 */
#include <string.h>

#include "host/bootlog_int.h"

static bool in_section(struct bm_parser *p, enum bm_section s)
{
	return p->sec == s && !p->kernel_line;
}

/* "Node N, zone NAME" at sc; @type: also ", type NAME" */
static int node_zone(struct bm_parser *p, struct bm_sc *sc, int *node, char *zone, char *type)
{
	uint64_t v;
	const char *z;

	if (!bm_sc_lit(sc, "Node"))
		return 0;
	bm_sc_ws(sc);
	if (bm_sc_eol(sc) || !bm_isdigit(*sc->p))
		return 0;
	if (bm_sc_dec(p, sc, &v))
		return -1;
	if (v >= 1 << 16)
		return bm_fail(p, "%s: node %llu out of range", sc->what, (unsigned long long)v);
	*node = (int)v;
	if (!bm_sc_lit(sc, ","))
		return 0;
	bm_sc_ws(sc);
	if (!bm_sc_lit(sc, "zone"))
		return 0;
	bm_sc_ws(sc);
	z = sc->p;
	while (!bm_sc_eol(sc) && !bm_isspace(*sc->p) && *sc->p != ',')
		sc->p++;
	if (sc->p == z || sc->p - z >= 16)
		return bm_sc_fail(p, sc, "a zone name");
	memcpy(zone, z, (size_t)(sc->p - z));
	zone[sc->p - z] = '\0';
	if (type) {
		type[0] = '\0';
		if (bm_sc_lit(sc, ",")) {
			bm_sc_ws(sc);
			if (!bm_sc_lit(sc, "type"))
				return bm_sc_fail(p, sc, "type");
			bm_sc_ws(sc);
			z = sc->p;
			while (!bm_sc_eol(sc) && !bm_isspace(*sc->p))
				sc->p++;
			if (sc->p == z || sc->p - z >= 16)
				return bm_sc_fail(p, sc, "a migrate type");
			memcpy(type, z, (size_t)(sc->p - z));
			type[sc->p - z] = '\0';
		}
	}
	return 1;
}

/* Whitespace-separated counts to end of line. */
static int counts(struct bm_parser *p, struct bm_sc *sc, uint64_t *out, unsigned max, unsigned *n)
{
	*n = 0;
	for (;;) {
		bm_sc_ws(sc);
		if (bm_sc_eol(sc))
			return 0;
		if (*n >= max)
			return bm_fail(p, "%s: more than %u columns", sc->what, max);
		if (bm_sc_dec(p, sc, &out[*n]))
			return -1;
		if (!bm_sc_eol(sc) && !bm_isspace(*sc->p))
			return bm_sc_fail(p, sc, "a number");
		(*n)++;
	}
}

static int meminfo_line(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_sc sc;
	const char *k = m;
	struct bm_kv *kv;
	uint64_t v;
	size_t i = 0;

	while (i < n && (bm_isxdigit(m[i]) || (m[i] >= 'A' && m[i] <= 'Z') ||
			 (m[i] >= 'a' && m[i] <= 'z') || bm_isdigit(m[i]) || m[i] == '_' ||
			 m[i] == '(' || m[i] == ')'))
		i++;
	if (!i || i >= n || m[i] != ':')
		return 0;
	bm_sc_init(&sc, m, n, "meminfo line");
	sc.p += i + 1;
	bm_sc_ws(&sc);
	if (bm_sc_eol(&sc) || !bm_isdigit(*sc.p))
		return 0;
	if (bm_sc_dec(p, &sc, &v))
		return -1;
	bm_sc_ws(&sc);
	bm_sc_lit(&sc, "kB");
	bm_sc_ws(&sc);
	if (!bm_sc_eol(&sc))
		return 0;
	kv = BM_PUSH(p, p->log->meminfo, p->log->n_meminfo);
	if (!kv)
		return -1;
	kv->key = bm_strdup_log(p, k, i);
	if (!kv->key)
		return -1;
	kv->value = v;
	kv->line = p->line;
	return 1;
}

static int zoneinfo_field(struct bm_parser *p, const char *m, size_t n)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "pages free", offsetof(struct bm_zoneinfo, free) },
		{ "min", offsetof(struct bm_zoneinfo, min) },
		{ "low", offsetof(struct bm_zoneinfo, low) },
		{ "high", offsetof(struct bm_zoneinfo, high) },
		{ "spanned", offsetof(struct bm_zoneinfo, spanned) },
		{ "present", offsetof(struct bm_zoneinfo, present) },
		{ "managed", offsetof(struct bm_zoneinfo, managed) },
		{ "cma", offsetof(struct bm_zoneinfo, cma) },
		{ "start_pfn:", offsetof(struct bm_zoneinfo, start_pfn) },
	};
	struct bm_zoneinfo *z = p->zi_cur >= 0 ? &p->log->zoneinfo[p->zi_cur] : NULL;
	struct bm_sc sc;
	size_t i;

	bm_sc_init(&sc, m, n, "zoneinfo line");
	bm_sc_ws(&sc);
	for (i = 0; i < BM_ARRAY_SIZE(keys); i++) {
		const char *save = sc.p;
		uint64_t v;

		if (!bm_sc_lit(&sc, keys[i].key))
			continue;
		if (bm_sc_eol(&sc) || !bm_isspace(*sc.p)) {
			sc.p = save;
			continue;
		}
		bm_sc_ws(&sc);
		if (bm_sc_dec(p, &sc, &v))
			return -1;
		bm_sc_ws(&sc);
		if (!bm_sc_eol(&sc))
			return bm_sc_fail(p, &sc, "end of line");
		if (!z)
			return bm_fail(p, "zoneinfo field before any \"Node N, zone NAME\" line");
		*(int64_t *)((char *)z + keys[i].off) = (int64_t)v;
		return 1;
	}
	return 1;		/* other statistics: not kept */
}

static int zone_header(struct bm_parser *p, const char *m, size_t n, int *is)
{
	struct bm_zoneinfo zi = { .line = p->line, .free = -1, .min = -1, .low = -1, .high = -1,
				  .spanned = -1, .present = -1, .managed = -1, .cma = -1,
				  .start_pfn = -1 }, *z;
	struct bm_sc sc;
	int rc;

	*is = 0;
	bm_sc_init(&sc, m, n, "zoneinfo line");
	rc = node_zone(p, &sc, &zi.node, zi.zone, NULL);
	if (rc <= 0)
		return rc;
	bm_sc_ws(&sc);
	if (!bm_sc_eol(&sc))
		return 0;
	z = BM_PUSH(p, p->log->zoneinfo, p->log->n_zoneinfo);
	if (!z)
		return -1;
	*z = zi;
	p->zi_cur = (long)p->log->n_zoneinfo - 1;
	*is = 1;
	return 1;
}

static int free_row(struct bm_parser *p, const char *m, size_t n, bool pagetype)
{
	struct bm_free_row r = { .line = p->line }, *e;
	struct bm_sc sc;
	int rc;

	bm_sc_init(&sc, m, n, pagetype ? "pagetypeinfo line" : "buddyinfo line");
	rc = node_zone(p, &sc, &r.node, r.zone, r.type);
	if (rc <= 0)
		return rc;
	if (pagetype != (r.type[0] != '\0'))
		return 0;
	if (counts(p, &sc, r.count, BM_MAX_ORDERS, &r.n_orders))
		return -1;
	if (!r.n_orders)
		return 0;
	e = pagetype ? BM_PUSH(p, p->log->pagetype_free, p->log->n_pagetype_free)
		     : BM_PUSH(p, p->log->buddyinfo, p->log->n_buddyinfo);
	if (!e)
		return -1;
	*e = r;
	return 1;
}

static int blocks_row(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_block_row r = { .line = p->line }, *e;
	struct bm_sc sc;
	int rc;

	bm_sc_init(&sc, m, n, "pagetypeinfo blocks line");
	rc = node_zone(p, &sc, &r.node, r.zone, NULL);
	if (rc <= 0)
		return rc;
	if (counts(p, &sc, r.count, 8, &r.n))
		return -1;
	if (!r.n)
		return 0;
	e = BM_PUSH(p, p->log->pagetype_blocks, p->log->n_pagetype_blocks);
	if (!e)
		return -1;
	*e = r;
	return 1;
}

static int blocks_header(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_sc sc;

	bm_sc_init(&sc, m, n, "pagetypeinfo header");
	sc.p += strlen("Number of blocks type");
	p->log->n_block_types = 0;
	for (;;) {
		const char *w;

		bm_sc_ws(&sc);
		if (bm_sc_eol(&sc))
			break;
		w = sc.p;
		while (!bm_sc_eol(&sc) && !bm_isspace(*sc.p))
			sc.p++;
		if (p->log->n_block_types >= 8 || sc.p - w >= 16)
			return bm_fail(p, "pagetypeinfo: too many or too long block types");
		memcpy(p->log->block_types[p->log->n_block_types], w, (size_t)(sc.p - w));
		p->log->block_types[p->log->n_block_types][sc.p - w] = '\0';
		p->log->n_block_types++;
	}
	return 1;
}

static int procfs_line(struct bm_parser *p, const char *m, size_t n)
{
	bool sec_mi = in_section(p, BM_SEC_MEMINFO), sec_zi = in_section(p, BM_SEC_ZONEINFO);
	bool sec_bi = in_section(p, BM_SEC_BUDDYINFO), sec_pt = in_section(p, BM_SEC_PAGETYPEINFO);
	bool any_sec = sec_mi || sec_zi || sec_bi || sec_pt;
	struct bm_sc sc;
	int rc, is;

	if (!any_sec && p->kernel_line)
		return 0;
	n = bm_rtrim(m, n);
	if (!n)
		return any_sec ? 1 : 0;

	if (sec_mi || (!any_sec && (p->mode == BM_MODE_MEMINFO || bm_starts(m, n, "MemTotal:")))) {
		rc = meminfo_line(p, m, n);
		if (rc > 0) {
			p->mode = BM_MODE_MEMINFO;
			p->mode_kept = true;
		}
		if (rc || sec_mi)
			return rc;
	}
	if (sec_zi || (!any_sec && !(p->mode == BM_MODE_BLOCKS))) {
		rc = zone_header(p, m, n, &is);
		if (rc < 0)
			return -1;
		if (is) {
			p->mode = BM_MODE_ZONEINFO;
			p->mode_kept = true;
			return 1;
		}
		if ((sec_zi || p->mode == BM_MODE_ZONEINFO) && bm_isspace(m[0])) {
			p->mode = BM_MODE_ZONEINFO;
			p->mode_kept = true;
			return zoneinfo_field(p, m, n);
		}
		if (sec_zi)
			return 0;
	}
	if (sec_bi || (!any_sec && p->mode != BM_MODE_BLOCKS)) {
		rc = free_row(p, m, n, false);
		if (rc || sec_bi)
			return rc;
	}
	/* pagetypeinfo */
	bm_sc_init(&sc, m, n, "pagetypeinfo line");
	if (bm_sc_lit(&sc, "Page block order:") || bm_sc_lit(&sc, "Pages per block:")) {
		uint64_t v;
		bool order = m[5] == 'b';

		bm_sc_ws(&sc);
		if (bm_sc_dec(p, &sc, &v))
			return -1;
		if (v > 64 && order)
			return bm_fail(p, "pagetypeinfo: page block order %llu is absurd",
				       (unsigned long long)v);
		if (v > (1u << 30))
			return bm_fail(p, "pagetypeinfo: pages per block %llu is absurd",
				       (unsigned long long)v);
		if (order)
			p->log->pageblock_order = (int)v;
		else
			p->log->pages_per_block = (int)v;
		return 1;
	}
	if (bm_starts(m, n, "Free pages count per migrate type at order"))
		return 1;
	if (bm_starts(m, n, "Number of blocks type")) {
		p->zi_cur = -1;
		p->mode = BM_MODE_BLOCKS;
		p->mode_kept = true;
		return blocks_header(p, m, n);
	}
	if (bm_starts(m, n, "Number of mixed blocks")) {
		p->mode = BM_MODE_BLOCKS;
		p->mode_kept = true;
		p->zi_cur = -2;		/* rows follow: not kept */
		return 1;
	}
	if (p->mode == BM_MODE_BLOCKS) {
		if (p->zi_cur == -2) {
			struct bm_free_row tmp;
			struct bm_sc s2;

			bm_sc_init(&s2, m, n, "pagetypeinfo line");
			rc = node_zone(p, &s2, &tmp.node, tmp.zone, NULL);
			if (rc > 0)
				p->mode_kept = true;
			return rc;
		}
		rc = blocks_row(p, m, n);
		if (rc > 0)
			p->mode_kept = true;
		return rc;
	}
	rc = free_row(p, m, n, true);
	return rc;
}

int bm_procfs_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = procfs_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_procfs_lines++;
	}
	return rc;
}
