// SPDX-License-Identifier: MIT
/*
 * memblock: the invariant checker and the two dumps real kernels print
 * (memblock=debug's "MEMBLOCK configuration:" and debugfs).
 */
#include "internal.h"

#define RGN_BYTES	sizeof(struct memblock_region)

static int fail(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
		const char *name, unsigned long idx, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int fail(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
		const char *name, unsigned long idx, const char *fmt, ...)
{
	char what[72];
	va_list ap;

	va_start(ap, fmt);
	bm_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	bm_violation(m, BM_V_INVARIANT, BM_PFN_DOWN(base),
		     BM_PFN_UP(base + BM_MIN(size, BM_PHYS_ADDR_MAX - base)),
		     "bm_memblock_check", "%s[%lu]: %s", name ? name : "?", idx, what);
	return 1;
}

static int check_type(struct bm_machine *m, const struct memblock_type *type,
		      phys_addr_t stale)
{
	const char *name = type->name;
	phys_addr_t sum = 0;
	unsigned long i, cnt;
	int bad = 0;

	if (!type->regions || !type->max)
		return fail(m, 0, 0, name, 0, "no array (max %lu)", type->max);
	if (type->cnt > type->max)
		return fail(m, 0, 0, name, type->cnt, "cnt %lu > max %lu", type->cnt, type->max);
	cnt = type->cnt;
	if (!cnt && type->regions[0].size)
		bad += fail(m, type->regions[0].base, type->regions[0].size, name, 0,
			    "empty type but size %#llx",
			    (unsigned long long)type->regions[0].size);

	for (i = 0; i < cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		const struct memblock_region *p = i ? r - 1 : NULL;
		unsigned long long base = r->base, size = r->size;

		if (!size)
			bad += fail(m, base, 0, name, i, "zero size at %#llx", base);
		if (r->size > BM_PHYS_ADDR_MAX - r->base)
			bad += fail(m, base, size, name, i, "[%#llx +%#llx] wraps", base, size);
		if (r->nid < BM_NUMA_NO_NODE || r->nid > BM_MAX_NUMNODES)
			bad += fail(m, base, size, name, i, "nid %d at %#llx", r->nid, base);
		sum += r->size;
		if (!p)
			continue;
		if (p->base + p->size > r->base)
			bad += fail(m, base, size, name, i, "%#llx below previous end %#llx",
				    base, (unsigned long long)(p->base + p->size));
		else if (p->base + p->size == r->base && p->nid == r->nid &&
			 p->flags == r->flags)
			bad += fail(m, base, size, name, i,
				    "%#llx not merged with previous (nid %d flags %#x)",
				    base, r->nid, (unsigned)r->flags);
	}
	if (sum + stale != type->total_size)
		bad += fail(m, 0, 0, name, cnt, "total_size %#llx != sum %#llx + trimmed %#llx",
			    (unsigned long long)type->total_size, (unsigned long long)sum,
			    (unsigned long long)stale);
	return bad;
}

/*
 * A static array's window starts at its first entry. A doubled array must
 * live in simulated RAM where memblock recorded it, hold the window of cnt
 * regions inside its max entries (memblock_array.c), and be reserved
 * (unless it came from the slab, i.e. the buddy allocator, after the
 * hand-off).
 */
static int check_array(struct bm_machine *m, const struct memblock_type *type,
		       const struct memblock_region *static_array, phys_addr_t phys,
		       const struct memblock_region *virt, bool in_slab)
{
	struct memblock_type *rsv = &m->memblock.mb.reserved;
	const struct memblock_region *buf;
	phys_addr_t size, covered = 0;
	unsigned long i;

	if (type->regions == static_array || !type->regions)
		return 0;
	size = BM_ALIGN_UP(type->max * RGN_BYTES, BM_PAGE_SIZE);
	buf = bm_phys_to_virt(m, phys);
	if (!buf || buf != virt)
		return fail(m, phys, size, type->name, 0,
			    "array at %#llx is not the one memblock keeps",
			    (unsigned long long)phys);
	if (type->regions < buf || type->regions >= buf + type->max ||
	    type->cnt > type->max - (unsigned long)(type->regions - buf))
		return fail(m, phys, size, type->name, 0,
			    "regions [%ld, +%lu) outside the array's %lu entries",
			    (long)(type->regions - buf), type->cnt, type->max);
	if (m->memblock.discarded || in_slab)
		return 0;
	for (i = 0; i < rsv->cnt; i++) {
		phys_addr_t b = rsv->regions[i].base, e = b + rsv->regions[i].size;

		if (e > phys && b < phys + size)
			covered += BM_MIN(e, phys + size) - BM_MAX(b, phys);
	}
	if (covered != size)
		return fail(m, phys, size, type->name, 0,
			    "array [%#llx +%#llx] reserved only %#llx",
			    (unsigned long long)phys, (unsigned long long)size,
			    (unsigned long long)covered);
	return 0;
}

/**
 * bm_memblock_check - verify every memblock invariant
 * @m: machine
 *
 * Each type: array present, cnt <= max, an empty type has a zeroed
 * regions[0], no zero-sized or wrapping region, nid in
 * NUMA_NO_NODE..MAX_NUMNODES, regions sorted and disjoint, touching
 * neighbours with equal nid and flags merged, total_size equal to the sum
 * (plus what memblock_trim_memory() left in memory's, as the kernel does).
 * A static array's regions start at its first entry; a doubled array must
 * be the one memblock recorded, hold the cnt regions inside its max
 * entries and, until discard, be reserved.
 *
 * Return: the number of failures; each is recorded as BM_V_INVARIANT
 * naming the type, the index and the values. Context: any.
 */
int bm_memblock_check(struct bm_machine *m)
{
	struct bm_memblock_state *s = &m->memblock;
	int bad;

	bad = check_type(m, &s->mb.memory, s->memory_size_stale);
	bad += check_type(m, &s->mb.reserved, 0);
	if (!bad) {
		bad += check_array(m, &s->mb.memory, s->memory_init, s->memory_array_phys,
				   s->memory_array, s->memory_in_slab);
		bad += check_array(m, &s->mb.reserved, s->reserved_init, s->reserved_array_phys,
				   s->reserved_array, s->reserved_in_slab);
	}
	return bad;
}

/* Where the dump lines go: the log (memblock=debug) or a sink. */
struct dump_out {
	struct bm_machine *m;
	struct bm_sink *sink;
};

static void emit(struct dump_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct dump_out *o, const char *fmt, ...)
{
	char line[192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (o->sink) {
		if (n >= (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 2;
		line[n] = '\n';
		o->sink->write(o->sink, line, (size_t)n + 1);
	} else {
		bm_log(o->m, BM_LOG_DEBUG, "%s", line);
	}
}

static void dump_type(struct dump_out *o, const struct memblock_type *type)
{
	unsigned long i;

	emit(o, " %s.cnt  = 0x%lx", type->name, type->cnt);
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		char nid_buf[32] = "";

		if (bm_numa_valid_node(r->nid))
			bm_snprintf(nid_buf, sizeof(nid_buf), " on node %d", r->nid);
		emit(o, " %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes%s flags: 0x%x",
		     type->name, i, (unsigned long long)r->base,
		     (unsigned long long)(r->base + r->size - 1),
		     (unsigned long long)r->size, nid_buf, (unsigned)r->flags);
	}
}

static void dump_config(struct dump_out *o)
{
	struct memblock *mb = &o->m->memblock.mb;

	emit(o, "MEMBLOCK configuration:");
	emit(o, " memory size = 0x%016llx reserved size = 0x%016llx",
	     (unsigned long long)mb->memory.total_size,
	     (unsigned long long)mb->reserved.total_size);
	dump_type(o, &mb->memory);
	dump_type(o, &mb->reserved);
}

/**
 * bm_memblock_dump_all - memblock=debug's configuration dump
 * @m: machine
 *
 * Prints, at BM_LOG_DEBUG and only when m->cfg.memblock_debug is set, the
 * kernel's "MEMBLOCK configuration:" block: sizes, then per type the count
 * and each region (" on node N" only for a valid node). Context: any.
 */
void bm_memblock_dump_all(struct bm_machine *m)
{
	struct dump_out o = { m, NULL };

	if (m->cfg.memblock_debug)
		dump_config(&o);
}

/**
 * bm_memblock_dump - the configuration dump, to a sink
 * @m: machine
 * @out: receives one write per line, each ending in a newline
 *
 * Context: any; independent of memblock_debug.
 */
void bm_memblock_dump(struct bm_machine *m, struct bm_sink *out)
{
	struct dump_out o = { m, out };

	if (!out) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__, "NULL sink");
		return;
	}
	dump_config(&o);
}

static const char *const flagname[] = {
	"HOTPLUG", "MIRROR", "NOMAP", "DRV_MNG", "RSV_NIT", "RSV_KERN", "KHO_SCRATCH",
};

/**
 * bm_memblock_debugfs_dump - /sys/kernel/debug/memblock/{memory,reserved}
 * @m: machine
 * @type: &m->memblock.mb.memory or .reserved
 * @out: receives one write per line, each ending in a newline
 *
 * The kernel's memblock_debug_show(): "%4d: base..end " (end inclusive),
 * the node in "%4d " or "   x " for none, then the name of the lowest set
 * flag the kernel knows, "UNKNOWN" if only others are set, or "NONE".
 * Context: any.
 */
void bm_memblock_debugfs_dump(struct bm_machine *m, const struct memblock_type *type,
			      struct bm_sink *out)
{
	struct dump_out o = { m, out };
	unsigned long i;

	if (!type || !type->regions || !out) {
		m->memblock.misuse++;
		bm_violation(m, BM_V_MISUSE, 0, 0, __func__, "NULL type or sink");
		return;
	}
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		const char *flag = "NONE";
		char node[8];
		unsigned j;

		if (bm_numa_valid_node(r->nid))
			bm_snprintf(node, sizeof(node), "%4d", r->nid);
		else
			bm_snprintf(node, sizeof(node), "%4s", "x");	/* the kernel's %4c */
		if (r->flags) {
			flag = "UNKNOWN";
			for (j = 0; j < BM_ARRAY_SIZE(flagname); j++) {
				if (r->flags & (1u << j)) {
					flag = flagname[j];
					break;
				}
			}
		}
		emit(&o, "%4d: 0x%016llx..0x%016llx %s %s", (int)i,
		     (unsigned long long)r->base,
		     (unsigned long long)(r->base + r->size - 1), node, flag);
	}
}
