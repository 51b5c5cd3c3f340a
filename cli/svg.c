// SPDX-License-Identifier: MIT
/*
 * An SVG picture of physical memory after boot (bootmm map).
 *
 * The address axis runs left to right. Memory is drawn to scale; every hole
 * large enough to dominate the picture is drawn at a fixed small width with
 * its size written in it, so a 6 GiB laptop and a 1 TiB server both fill the
 * width legibly. Pages are never drawn one by one (a 1 TiB machine has 268M
 * of them): the axis is cut into 2-pixel columns, each lane classifies every
 * column (dominant node, zone, migratetype, free order, reserved share) and
 * consecutive columns that look the same become one rectangle, which keeps
 * the file to a few thousand elements whatever the machine.
 *
 * Lanes, top to bottom: memblock.memory (by node), memblock.reserved, zones,
 * pageblock migratetypes, free memory by buddy order, problems (leaked and
 * violating ranges, at least 3 pixels wide so a single page shows). Each
 * node's first_deferred_pfn at boot is a dashed line across every lane.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define SVG_W		1400
#define PLOT_X		150		/* lane titles on the left */
#define PLOT_W		1200
#define COL_W		2		/* pixels per column */
#define HOLE_W		72		/* a compressed hole */
#define LANE_H		30
#define LANE_GAP	10
#define TOP		70
#define MAX_SEGS	128
#define NODE_COLOURS	8

enum lane { L_MEMORY, L_RESERVED, L_ZONE, L_MT, L_FREE, L_PROBLEMS, NR_LANES };

static const char *const lane_titles[NR_LANES] = {
	"memblock.memory", "memblock.reserved", "zones", "pageblocks", "free (buddy)", "problems",
};
static const char *const node_colours[NODE_COLOURS] = {
	"#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#bab0ac",
};
static const char *const zone_colours[BM_NR_ZONES] = { "#c6dbef", "#6baed6", "#2171b5",
						       "#08306b" };
static const char *const mt_colours[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "#d95f02", [MIGRATE_MOVABLE] = "#1b9e77",
	[MIGRATE_RECLAIMABLE] = "#7570b3", [MIGRATE_HIGHATOMIC] = "#e7298a",
	[MIGRATE_CMA] = "#66a61e", [MIGRATE_ISOLATE] = "#666666",
};
/* Free memory: light for small orders, dark for MAX_ORDER blocks. */
static const char *const order_colours[BM_MAX_ORDER_LIMIT] = {
	"#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e",
	"#3e4989", "#482878", "#440154", "#2a0030", "#100010",
};
static const char *const problem_colours[BM_NR_VIOLATION_KINDS] = {
	[BM_V_UNINIT_READ] = "#ff00ff", [BM_V_DOUBLE_INIT] = "#8c564b", [BM_V_LEAK] = "#d62728",
	[BM_V_MEMBLOCK_MISMATCH] = "#ff7f0e", [BM_V_MIGRATETYPE] = "#9467bd",
	[BM_V_MISUSE] = "#000000", [BM_V_INVARIANT] = "#000000", [BM_V_WARN] = "#bcbd22",
};

struct seg {
	bm_pfn_t start, end;
	bool hole;		/* compressed */
	int x, w;
	int col0, ncol;		/* linear segments: their columns */
};

struct col {
	bm_pfn_t start, end;
	uint64_t node[NODE_COLOURS];
	uint64_t mem, rsv;
	uint64_t zone[BM_NR_ZONES];
	uint64_t mt[MIGRATE_TYPES];
	uint64_t free[BM_MAX_ORDER_LIMIT];
};

struct map {
	struct bm_machine *m;
	struct seg seg[MAX_SEGS];
	int nseg;
	struct col *col;
	int ncol;
	FILE *f;
	unsigned elements;
};

/*
 * A size or address for a label: in the largest unit that shows it exactly
 * with at most one decimal ("1025 GiB", not "1.0 TiB", so that neighbouring
 * ticks never print the same text).
 */
static void human(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

	for (int u = 5; u >= 0; u--) {
		uint64_t one = 1ull << (10 * u);

		if (bytes < one && u)
			continue;
		if (bytes % one == 0) {
			snprintf(buf, len, "%llu %s", (unsigned long long)(bytes / one), unit[u]);
			return;
		}
		if ((bytes * 10) % one == 0 && bytes < (UINT64_MAX / 10)) {
			snprintf(buf, len, "%.1f %s", (double)bytes / (double)one, unit[u]);
			return;
		}
	}
	snprintf(buf, len, "%llu B", (unsigned long long)bytes);
}

/*
 * Segments of the axis: to scale, except holes bigger than an eighth of
 * the memory (and at least 64 MiB), which get HOLE_W pixels each.
 */
static int layout(struct map *mp)
{
	struct bm_machine *m = mp->m;
	const struct memblock_type *mem = &m->memblock.mb.memory;
	bm_pfn_t total = 0, cur = 0, end = m->mm.max_pfn, linear = 0;
	int holes = 0, x = PLOT_X, col = 0;

	for (unsigned long i = 0; i < mem->cnt; i++)
		total += BM_PFN_DOWN(mem->regions[i].size);
	if (!total || !end)
		return -1;
	for (unsigned long i = 0; i <= mem->cnt && mp->nseg < MAX_SEGS - 2; i++) {
		bm_pfn_t s = i < mem->cnt ? BM_PFN_DOWN(mem->regions[i].base) : end;
		bm_pfn_t gap = s > cur ? s - cur : 0;

		if (gap > BM_MAX(total / 8, BM_PFN_DOWN((phys_addr_t)64 << 20))) {
			mp->seg[mp->nseg++] = (struct seg){ .start = cur, .end = s, .hole = true };
			holes++;
		} else if (s > cur) {
			mp->seg[mp->nseg++] = (struct seg){ .start = cur, .end = s };
		}
		if (i < mem->cnt) {
			bm_pfn_t e = BM_PFN_UP(mem->regions[i].base + mem->regions[i].size);

			if (e > s && mp->nseg && !mp->seg[mp->nseg - 1].hole &&
			    mp->seg[mp->nseg - 1].end == s)
				mp->seg[mp->nseg - 1].end = e;	/* extend the linear run */
			else if (e > s)
				mp->seg[mp->nseg++] = (struct seg){ .start = s, .end = e };
			cur = BM_MAX(cur, e);
		}
	}
	for (int i = 0; i < mp->nseg; i++)
		if (!mp->seg[i].hole)
			linear += mp->seg[i].end - mp->seg[i].start;
	mp->ncol = (PLOT_W - holes * HOLE_W) / COL_W;
	mp->col = calloc((size_t)mp->ncol + MAX_SEGS, sizeof(*mp->col));
	if (!mp->col)
		return -1;
	for (int i = 0; i < mp->nseg; i++) {
		struct seg *sg = &mp->seg[i];

		sg->x = x;
		if (sg->hole) {
			sg->w = HOLE_W;
		} else {
			/* At least one column, so a tiny range stays visible. */
			int n = (int)((double)(sg->end - sg->start) * mp->ncol / (double)linear + 0.5);

			sg->ncol = BM_MAX(1, n);
			sg->col0 = col;
			sg->w = sg->ncol * COL_W;
			for (int c = 0; c < sg->ncol; c++) {
				mp->col[col + c].start = sg->start + (sg->end - sg->start) * (bm_pfn_t)c /
							  (bm_pfn_t)sg->ncol;
				mp->col[col + c].end = sg->start + (sg->end - sg->start) *
							(bm_pfn_t)(c + 1) / (bm_pfn_t)sg->ncol;
			}
			col += sg->ncol;
		}
		x += sg->w;
	}
	mp->ncol = col;
	return 0;
}

/* Column holding @pfn, or -1 (in a compressed hole or off the axis). */
static int col_of(const struct map *mp, bm_pfn_t pfn)
{
	int lo = 0, hi = mp->ncol;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (pfn < mp->col[mid].start)
			hi = mid;
		else if (pfn >= mp->col[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

/* x of @pfn on the axis (compressed holes: proportionally inside them). */
static double x_of(const struct map *mp, bm_pfn_t pfn)
{
	for (int i = 0; i < mp->nseg; i++) {
		const struct seg *s = &mp->seg[i];

		if (pfn >= s->start && pfn < s->end)
			return s->x + (double)s->w * (double)(pfn - s->start) /
				      (double)(s->end - s->start);
	}
	return PLOT_X + PLOT_W;
}

/* Add [s, e) to a per-column counter selected by @pick. */
static void add_range(struct map *mp, bm_pfn_t s, bm_pfn_t e,
		      uint64_t *(*pick)(struct col *c, int arg), int arg)
{
	int c = col_of(mp, s);

	if (c < 0) {	/* starts in a hole: find the first column after */
		for (c = 0; c < mp->ncol && mp->col[c].end <= s; c++)
			;
	}
	for (; c < mp->ncol && mp->col[c].start < e; c++) {
		bm_pfn_t a = BM_MAX(s, mp->col[c].start), b = BM_MIN(e, mp->col[c].end);

		if (b > a)
			*pick(&mp->col[c], arg) += b - a;
	}
}

static uint64_t *pick_node(struct col *c, int nid) { return &c->node[nid % NODE_COLOURS]; }
static uint64_t *pick_mem(struct col *c, int arg) { (void)arg; return &c->mem; }
static uint64_t *pick_rsv(struct col *c, int arg) { (void)arg; return &c->rsv; }
static uint64_t *pick_zone(struct col *c, int z) { return &c->zone[z]; }
static uint64_t *pick_free(struct col *c, int o) { return &c->free[o]; }
static uint64_t *pick_mt(struct col *c, int mt) { return &c->mt[mt]; }

static void gather(struct map *mp)
{
	struct bm_machine *m = mp->m;
	const struct memblock_region *r;
	unsigned pb_order = m->cfg.pageblock_order;
	int nid;

	bm_for_each_mem_region(m, r) {
		bm_pfn_t s = BM_PFN_UP(r->base), e = BM_PFN_DOWN(r->base + r->size);

		add_range(mp, s, e, pick_node, r->nid < 0 ? 0 : r->nid);
		add_range(mp, s, e, pick_mem, 0);
		/* Pageblock migratetypes, weighted by the pages of each in memory. */
		for (bm_pfn_t pb = BM_ALIGN_DOWN(s, (bm_pfn_t)1 << pb_order); pb < e;
		     pb += (bm_pfn_t)1 << pb_order) {
			int mt = bm_get_pageblock_migratetype(m, pb);

			if (mt >= 0 && mt < MIGRATE_TYPES)
				add_range(mp, BM_MAX(pb, s), BM_MIN(e, pb + ((bm_pfn_t)1 << pb_order)),
					  pick_mt, mt);
		}
	}
	if (!m->memblock.discarded || m->memblock.keep)
		bm_for_each_reserved_mem_region(m, r)
			add_range(mp, BM_PFN_DOWN(r->base), BM_PFN_UP(r->base + r->size), pick_rsv, 0);
	bm_for_each_online_node(m, nid) {
		for (int z = 0; z < BM_NR_ZONES; z++) {
			struct bm_zone *zone = &m->mm.nodes[nid].zones[z];

			if (!zone->spanned_pages)
				continue;
			add_range(mp, zone->zone_start_pfn, zone->zone_start_pfn + zone->spanned_pages,
				  pick_zone, z);
			/* Free blocks, from the lists (bounded by their counts). */
			for (unsigned o = 0; o <= m->cfg.max_page_order && o < BM_MAX_ORDER_LIMIT; o++) {
				for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
					uint32_t pfn = zone->free_area[o].head[mt];
					unsigned long n = zone->free_area[o].nr_free[mt];

					while (pfn != BM_LIST_END && pfn < m->mm.max_pfn && n--) {
						struct page *pg = bm_pfn_to_page(m, pfn);

						add_range(mp, pfn, pfn + (1ull << o), pick_free, (int)o);
						if (!pg)
							break;
						pfn = pg->lru_next;
					}
				}
			}
		}
	}
}

static int argmax(const uint64_t *v, int n)
{
	int best = -1;
	uint64_t bv = 0;

	for (int i = 0; i < n; i++)
		if (v[i] > bv) {
			bv = v[i];
			best = i;
		}
	return best;
}

/* Share of a column, in quarters (so neighbouring columns compare equal). */
static int quarter(uint64_t part, const struct col *c)
{
	uint64_t len = c->end - c->start;

	if (!part || !len)
		return 0;
	return BM_MAX(1, (int)((part * 4 + len / 2) / len));
}

/* A column's look in @lane: colour index and opacity level; -1: nothing. */
static void classify(const struct col *c, enum lane lane, int *colour, int *level)
{
	uint64_t free = 0;

	*colour = -1;
	*level = 4;
	switch (lane) {
	case L_MEMORY:
		*colour = argmax(c->node, NODE_COLOURS);
		*level = quarter(c->mem, c);
		break;
	case L_RESERVED:
		*level = quarter(c->rsv, c);
		*colour = *level ? 0 : -1;
		break;
	case L_ZONE:
		*colour = argmax(c->zone, BM_NR_ZONES);
		break;
	case L_MT:
		*colour = argmax(c->mt, MIGRATE_TYPES);
		break;
	case L_FREE:
		for (int o = 0; o < BM_MAX_ORDER_LIMIT; o++)
			free += c->free[o];
		*colour = argmax(c->free, BM_MAX_ORDER_LIMIT);
		*level = quarter(free, c);
		break;
	default:
		break;
	}
	if (*level == 0)
		*colour = -1;
}

static const char *lane_colour(enum lane lane, int colour)
{
	switch (lane) {
	case L_MEMORY: return node_colours[colour];
	case L_RESERVED: return "#444444";
	case L_ZONE: return zone_colours[colour];
	case L_MT: return mt_colours[colour];
	case L_FREE: return order_colours[colour];
	default: return "#000000";
	}
}

static int lane_y(enum lane lane)
{
	return TOP + (int)lane * (LANE_H + LANE_GAP);
}

/* One lane: runs of equal columns become one rectangle. */
static void draw_lane(struct map *mp, enum lane lane)
{
	int y = lane_y(lane);

	fprintf(mp->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"t\">%s</text>\n",
		PLOT_X - 8, y + LANE_H / 2 + 4, lane_titles[lane]);
	mp->elements++;
	for (int i = 0; i < mp->nseg; i++) {
		const struct seg *sg = &mp->seg[i];
		int c = sg->col0;

		if (sg->hole)
			continue;
		while (c < sg->col0 + sg->ncol) {
			int colour, level, c2 = c + 1;

			classify(&mp->col[c], lane, &colour, &level);
			for (; c2 < sg->col0 + sg->ncol; c2++) {
				int k, l;

				classify(&mp->col[c2], lane, &k, &l);
				if (k != colour || l != level)
					break;
			}
			if (colour >= 0) {
				fprintf(mp->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					"fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
					sg->x + (c - sg->col0) * COL_W, y, (c2 - c) * COL_W, LANE_H,
					lane_colour(lane, colour), 0.25 + 0.1875 * level);
				mp->elements++;
			}
			c = c2;
		}
	}
}

static void draw_holes(struct map *mp)
{
	int y0 = lane_y(0), y1 = lane_y(NR_LANES - 1) + LANE_H;

	for (int i = 0; i < mp->nseg; i++) {
		const struct seg *sg = &mp->seg[i];
		char size[32];

		if (!sg->hole)
			continue;
		human(size, sizeof(size), BM_PFN_PHYS(sg->end - sg->start));
		fprintf(mp->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#hatch)\" "
			"stroke=\"#999\"/>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			"class=\"s\">// %s</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			"class=\"s\">hole</text>\n", sg->x + 2, y0, sg->w - 4, y1 - y0,
			sg->x + sg->w / 2, (y0 + y1) / 2 - 4, size, sg->x + sg->w / 2,
			(y0 + y1) / 2 + 10);
		mp->elements += 3;
	}
}

static void draw_problems(struct map *mp, const struct bm_machine *m, unsigned *kinds)
{
	int y = lane_y(L_PROBLEMS);

	*kinds = 0;
	for (unsigned long i = 0; i < m->record->nr_recorded && i < BM_MAX_RECORDED_VIOLATIONS; i++) {
		const struct bm_violation *v = &m->record->violations[i];
		double x0, x1;

		if (v->pfn_end <= v->pfn_start)
			continue;
		x0 = x_of(mp, v->pfn_start);
		x1 = BM_MAX(x0 + 3, x_of(mp, v->pfn_end - 1) + 1);
		fprintf(mp->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
			"<title>%s pfn %#llx-%#llx</title></rect>\n", x0,
			y + (int)v->kind % 3 * (LANE_H / 3), x1 - x0, LANE_H / 3,
			problem_colours[v->kind], bm_violation_name(v->kind),
			(unsigned long long)v->pfn_start, (unsigned long long)v->pfn_end - 1);
		mp->elements++;
		*kinds |= 1u << v->kind;
	}
}

static void draw_frontier(struct map *mp, const struct cli_facts *facts)
{
	int y0 = lane_y(0) - 6, y1 = lane_y(NR_LANES - 1) + LANE_H + 4;

	for (int nid = 0, row = 0; nid < BM_MAX_NUMNODES; nid++) {
		double x;

		if (facts->first_deferred[nid] == BM_NO_PFN)
			continue;
		x = x_of(mp, facts->first_deferred[nid]);
		fprintf(mp->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
			"stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n<text x=\"%.1f\" y=\"%d\" "
			"class=\"s\">node %d first_deferred_pfn %#llx</text>\n", x, y0, x, y1, x + 3,
			y0 - 2 - (row % 2) * 12, nid, (unsigned long long)facts->first_deferred[nid]);
		mp->elements += 2;
		row++;
	}
}

struct ticks {
	int x[256];
	int n;
};

/* A label at @x unless one is within @gap pixels. */
static void tick(struct map *mp, struct ticks *t, int x, int y, bm_pfn_t pfn, int gap)
{
	char label[32];

	if (x > PLOT_X + PLOT_W + 1 || t->n == (int)BM_ARRAY_SIZE(t->x))
		return;
	for (int i = 0; i < t->n; i++)
		if (abs(t->x[i] - x) < gap)
			return;
	t->x[t->n++] = x;
	human(label, sizeof(label), BM_PFN_PHYS(pfn));
	fprintf(mp->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"s\">%s</text>\n", x,
		y - 16, x, y - 10, x, y + 2, pfn ? label : "0");
	mp->elements += 2;
}

/*
 * Address labels: first where each segment starts (after a compressed
 * hole the address jumps, so those matter most), then at round addresses
 * inside the segments drawn to scale, 80 pixels from any other label.
 */
static void draw_axis(struct map *mp)
{
	int y = lane_y(NR_LANES - 1) + LANE_H + 18;
	bm_pfn_t linear = 0, step = 1;
	struct ticks t = { .n = 0 };

	for (int i = 0; i < mp->nseg; i++)
		if (!mp->seg[i].hole)
			linear += mp->seg[i].end - mp->seg[i].start;
	while (step < linear / 8)	/* a power of two: 8 to 16 ticks over the axis */
		step <<= 1;
	for (int i = 0; i < mp->nseg; i++)
		tick(mp, &t, mp->seg[i].x, y, mp->seg[i].start, 60);
	for (int i = 0; i < mp->nseg; i++) {
		const struct seg *sg = &mp->seg[i];

		if (sg->hole)
			continue;
		for (bm_pfn_t p = BM_ALIGN_UP(sg->start + 1, step); p < sg->end; p += step)
			tick(mp, &t, (int)(x_of(mp, p) + 0.5), y, p, 80);
	}
}

static int legend_item(struct map *mp, int x, int y, const char *colour, const char *label)
{
	fprintf(mp->f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		"<text x=\"%d\" y=\"%d\" class=\"s\">%s</text>\n", x, y, colour, x + 16, y + 10, label);
	mp->elements += 2;
	return x + 24 + (int)strlen(label) * 7;
}

static int draw_legend(struct map *mp, int y, unsigned kinds)
{
	struct bm_machine *m = mp->m;
	char buf[32];
	int x, nid;

	fprintf(mp->f, "<text x=\"%d\" y=\"%d\" class=\"t\">legend</text>\n", 20, y + 10);
	x = PLOT_X;
	bm_for_each_online_node(m, nid) {
		if (nid >= NODE_COLOURS)
			break;
		snprintf(buf, sizeof(buf), "node %d", nid);
		x = legend_item(mp, x, y, node_colours[nid], buf);
	}
	x = legend_item(mp, x, y, "#444444", "reserved");
	for (int z = 0; z < BM_NR_ZONES; z++)
		x = legend_item(mp, x, y, zone_colours[z], bm_zone_name((enum bm_zone_type)z));
	y += 20;
	x = PLOT_X;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		x = legend_item(mp, x, y, mt_colours[mt], bm_migratetype_name(mt));
	y += 20;
	x = PLOT_X;
	for (unsigned o = 0; o <= m->cfg.max_page_order && o < BM_MAX_ORDER_LIMIT; o++) {
		snprintf(buf, sizeof(buf), "order %u", o);
		x = legend_item(mp, x, y, order_colours[o], buf);
	}
	y += 20;
	x = PLOT_X;
	for (int k = 0; k < BM_NR_VIOLATION_KINDS; k++)
		if (kinds & (1u << k))
			x = legend_item(mp, x, y, problem_colours[k],
					bm_violation_name((enum bm_violation_kind)k));
	if (!kinds)
		x = legend_item(mp, x, y, "#ffffff", "no problems");
	fprintf(mp->f, "<text x=\"%d\" y=\"%d\" class=\"s\">opacity: share of the column "
		"(memory, reserved, free); dashed: first_deferred_pfn at boot</text>\n", x + 10,
		y + 10);
	mp->elements++;
	return y + 30;
}

/**
 * svg_render - draw a finished boot
 * @run: the boot (its machine is read, not changed)
 * @facts: what the probe recorded (first_deferred_pfn)
 * @title: first line of the picture
 * @f: output
 * @st: element count and size of the picture
 *
 * Return: 0, or -1 if the machine has no memory to draw.
 */
int svg_render(struct bm_sim_run *run, const struct cli_facts *facts, const char *title,
	       FILE *f, struct svg_stats *st)
{
	struct map mp = { .m = &run->m, .f = f };
	unsigned kinds;
	int height;

	if (layout(&mp)) {
		free(mp.col);
		return -1;
	}
	gather(&mp);
	height = lane_y(NR_LANES - 1) + LANE_H + 40 + 4 * 20 + 30;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
		"<style>.t{font-size:13px;fill:#222}.s{font-size:11px;fill:#222}"
		".h{font-size:16px;font-weight:bold;fill:#111}</style>\n"
		"<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/>"
		"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#ccc\" stroke-width=\"3\"/>"
		"</pattern></defs>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		SVG_W, height, SVG_W, height);
	fputs("<text x=\"20\" y=\"26\" class=\"h\">", f);
	for (const char *p = title; *p; p++) {
		if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '&')
			fputs("&amp;", f);
		else
			fputc(*p, f);
	}
	fputs("</text>\n", f);
	mp.elements = 4;
	for (int l = 0; l < L_PROBLEMS; l++)
		draw_lane(&mp, (enum lane)l);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"t\">%s</text>\n",
		PLOT_X - 8, lane_y(L_PROBLEMS) + LANE_H / 2 + 4, lane_titles[L_PROBLEMS]);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#ddd\"/>\n", PLOT_X, lane_y(L_PROBLEMS), PLOT_W, LANE_H);
	mp.elements += 2;
	draw_problems(&mp, &run->m, &kinds);
	draw_holes(&mp);
	draw_frontier(&mp, facts);
	draw_axis(&mp);
	draw_legend(&mp, lane_y(NR_LANES - 1) + LANE_H + 40, kinds);
	fputs("</svg>\n", f);
	free(mp.col);
	if (st) {
		st->elements = mp.elements;
		st->width = SVG_W;
		st->height = (unsigned)height;
	}
	return ferror(f) ? -1 : 0;
}
