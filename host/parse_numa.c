// SPDX-License-Identifier: MIT
/*
 * NUMA and zone lines: ACPI SRAT memory affinity, NUMA merges, the fake
 * node of a non-NUMA machine, NODE_DATA, Initmem setup, "Early memory node
 * ranges", "Zone ranges:", movable zone starts and holes per zone.
 */
#include <string.h>

#include "host/bootlog_int.h"

static const char *const zone_names[] = { "DMA32", "DMA", "Normal", "HighMem", "Movable", "Device" };

static int node_num(struct bm_parser *p, struct bm_sc *sc, int *node)
{
	uint64_t v;

	if (bm_sc_dec(p, sc, &v))
		return -1;
	if (v >= 1 << 16)
		return bm_fail(p, "%s: node %llu out of range", sc->what, (unsigned long long)v);
	*node = (int)v;
	return 0;
}

static int push_node_range(struct bm_parser *p, struct bm_node_range **arr, size_t *n, int node,
			   phys_addr_t s, phys_addr_t e)
{
	struct bm_node_range *r = bm_vec_push(p, arr, n, sizeof(**arr));

	if (!r)
		return -1;
	r->node = node;
	r->start = s;
	r->end = e;
	r->line = p->line;
	return 1;
}

/* "[mem a-b]" (inclusive) or, as 2.6 printed, "a-b" with an exclusive end */
static int any_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t *s, phys_addr_t *e)
{
	if (bm_sc_peek(sc, "["))
		return bm_sc_mem_range(p, sc, BM_PHYS_LIMIT, s, e);
	if (bm_sc_hex(p, sc, 2, s) || bm_sc_expect(p, sc, "-") || bm_sc_hex(p, sc, 2, e))
		return -1;
	if (*e <= *s)
		return bm_fail(p, "%s: end 0x%llx <= start 0x%llx", sc->what,
			       (unsigned long long)*e, (unsigned long long)*s);
	(*e)--;
	return bm_check_range(p, sc->what, *s, *e, BM_PHYS_LIMIT);
}

static int srat(struct bm_parser *p, struct bm_sc *sc)
{
	struct bm_srat_mem s = { .line = p->line }, *e;
	uint64_t pxm;

	if (node_num(p, sc, &s.node) || bm_sc_expect(p, sc, " PXM ") || bm_sc_dec(p, sc, &pxm))
		return -1;
	if (pxm > UINT32_MAX)
		return bm_fail(p, "SRAT: PXM %llu out of range", (unsigned long long)pxm);
	s.pxm = (unsigned)pxm;
	bm_sc_ws(sc);
	if (any_range(p, sc, &s.start, &s.end))
		return -1;
	for (;;) {
		bm_sc_ws(sc);
		if (bm_sc_eol(sc))
			break;
		if (bm_sc_lit(sc, "hotplug"))
			s.hotplug = true;
		else if (bm_sc_lit(sc, "non-volatile"))
			s.nonvolatile = true;
		else
			return bm_sc_fail(p, sc, "hotplug or non-volatile");
	}
	e = BM_PUSH(p, p->log->srat, p->log->n_srat);
	if (!e)
		return -1;
	*e = s;
	return 1;
}

static int zone_line(struct bm_parser *p, const char *t, size_t tn)
{
	struct bm_zone_range z = { .line = p->line }, *e;
	struct bm_sc sc;
	size_t i, l = 0;

	for (i = 0; i < BM_ARRAY_SIZE(zone_names); i++) {
		l = strlen(zone_names[i]);
		if (bm_starts(t, tn, zone_names[i]) && tn > l && bm_isspace(t[l]))
			break;
	}
	if (i == BM_ARRAY_SIZE(zone_names))
		return 0;
	bm_sc_init(&sc, t, tn, "zone range");
	sc.p += l;
	bm_sc_ws(&sc);
	if (bm_sc_lit(&sc, "empty")) {
		z.empty = true;
	} else if (bm_sc_peek(&sc, "[mem ")) {
		if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &z.start, &z.end))
			return -1;
	} else {
		return 0;
	}
	bm_sc_ws(&sc);
	if (!bm_sc_eol(&sc))
		return bm_sc_fail(p, &sc, "end of line");
	memcpy(z.zone, zone_names[i], l + 1);
	e = BM_PUSH(p, p->log->zone_ranges, p->log->n_zone_ranges);
	if (!e)
		return -1;
	*e = z;
	return 1;
}

static int numa_line(struct bm_parser *p, const char *m, size_t n)
{
	struct bm_bootlog *log = p->log;
	struct bm_sc sc;
	const char *t = m;
	size_t tn = n;
	phys_addr_t s, e;
	int node;

	while (tn && bm_isspace(*t)) {
		t++;
		tn--;
	}
	bm_sc_init(&sc, t, tn, "NUMA line");
	if (bm_sc_lit(&sc, "ACPI: SRAT: Node ") || bm_sc_lit(&sc, "SRAT: Node ")) {
		sc.what = "SRAT memory affinity";
		return srat(p, &sc);
	}
	if (bm_sc_lit(&sc, "NUMA: Node ")) {
		struct bm_numa_merge mg = { .line = p->line }, *me;

		if (!bm_sc_eol(&sc) && !bm_isdigit(*sc.p))
			return 0;
		sc.what = "NUMA merge";
		if (node_num(p, &sc, &mg.node))
			return -1;
		bm_sc_ws(&sc);
		if (!bm_sc_peek(&sc, "[mem "))
			return 0;	/* other NUMA: chatter */
		if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &mg.a_start, &mg.a_end) ||
		    bm_sc_expect(p, &sc, " + ") ||
		    bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &mg.b_start, &mg.b_end) ||
		    bm_sc_expect(p, &sc, " -> ") ||
		    bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &mg.start, &mg.end))
			return -1;
		me = BM_PUSH(p, log->numa_merges, log->n_numa_merges);
		if (!me)
			return -1;
		*me = mg;
		return 1;
	}
	if (bm_starts(t, tn, "No NUMA configuration found")) {
		log->numa_none = true;
		log->numa_none_line = p->line;
		return 1;
	}
	if (bm_sc_lit(&sc, "Faking a node at ")) {
		sc.what = "fake node";
		if (any_range(p, &sc, &s, &e))
			return -1;
		log->has_fake_node = true;
		log->fake_node.start = s;
		log->fake_node.end = e;
		log->fake_node.line = p->line;
		return 1;
	}
	if (bm_sc_lit(&sc, "NODE_DATA(")) {
		sc.what = "NODE_DATA line";
		if (node_num(p, &sc, &node) || bm_sc_expect(p, &sc, ")"))
			return -1;
		bm_sc_ws(&sc);
		if (!bm_sc_lit(&sc, "allocated "))
			return 0;
		if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &s, &e))
			return -1;
		return push_node_range(p, &log->node_data, &log->n_node_data, node, s, e);
	}
	if (bm_sc_lit(&sc, "Initmem setup node ")) {
		sc.what = "Initmem setup line";
		if (node_num(p, &sc, &node))
			return -1;
		bm_sc_ws(&sc);
		/* 6.x: "Initmem setup node 2 as memoryless": a node without memory. */
		if (bm_sc_lit(&sc, "as memoryless"))
			return 1;
		if (any_range(p, &sc, &s, &e))
			return -1;
		return push_node_range(p, &log->initmem, &log->n_initmem, node, s, e);
	}
	if (bm_starts(t, tn, "Early memory node ranges") || bm_starts(t, tn, "Zone ranges:"))
		return 1;
	if (bm_starts(t, tn, "Movable zone start for each node")) {
		p->mode = BM_MODE_MOVABLE;
		p->mode_kept = true;
		return 1;
	}
	if (bm_sc_lit(&sc, "node ") && t != m) {
		bm_sc_ws(&sc);
		if (bm_sc_eol(&sc) || !bm_isdigit(*sc.p))
			return 0;
		sc.what = "node range";
		if (node_num(p, &sc, &node) || bm_sc_expect(p, &sc, ":"))
			return -1;
		bm_sc_ws(&sc);
		if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &s, &e))
			return -1;
		return push_node_range(p, &log->node_ranges, &log->n_node_ranges, node, s, e);
	}
	if (p->mode == BM_MODE_MOVABLE && t != m && bm_sc_lit(&sc, "Node ")) {
		struct bm_movable_start ms = { .line = p->line }, *me;

		sc.what = "movable zone start";
		if (node_num(p, &sc, &ms.node) || bm_sc_expect(p, &sc, ":"))
			return -1;
		bm_sc_ws(&sc);
		if (bm_sc_hex(p, &sc, 1, &ms.start))
			return -1;
		me = BM_PUSH(p, log->movable_start, log->n_movable_start);
		if (!me)
			return -1;
		*me = ms;
		p->mode_kept = true;
		return 1;
	}
	if (bm_sc_lit(&sc, "On node ")) {
		struct bm_unavail u = { .line = p->line }, *ue;
		const char *z;

		sc.what = "unavailable ranges line";
		if (node_num(p, &sc, &u.node))
			return -1;
		if (!bm_sc_lit(&sc, ", zone "))
			return 0;	/* "On node 0 totalpages: ..." */
		z = sc.p;
		while (!bm_sc_eol(&sc) && *sc.p != ':' && !bm_isspace(*sc.p))
			sc.p++;
		if (sc.p == z || sc.p - z >= (long)sizeof(u.zone))
			return bm_sc_fail(p, &sc, "a zone name");
		memcpy(u.zone, z, (size_t)(sc.p - z));
		if (bm_sc_expect(p, &sc, ": ") || bm_sc_dec(p, &sc, &u.pages))
			return -1;
		if (!bm_sc_lit(&sc, " pages in unavailable ranges"))
			return 0;
		ue = BM_PUSH(p, log->unavail, log->n_unavail);
		if (!ue)
			return -1;
		*ue = u;
		return 1;
	}
	if (t != m)
		return zone_line(p, t, tn);
	return 0;
}

int bm_numa_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = numa_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_kernel_items++;
	}
	return rc;
}
