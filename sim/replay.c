// SPDX-License-Identifier: MIT
/*
 * Replay of a memblock=debug trace through bootmm's memblock.
 *
 * The trace starts too late to see the earliest reservations, so the
 * replay starts from the first "MEMBLOCK configuration:" dump (printed at
 * the end of e820__memblock_setup), then applies every traced call in
 * order up to the "Memory:" line. Each allocation is made again by
 * bootmm's allocator with the arguments the kernel printed and its
 * address compared with the one the kernel chose (the memblock_reserve
 * printed right after it). Calls the kernel makes without tracing them
 * are inferred from arch/x86 and applied where they happen: see
 * docs/REPLAY.md for the list.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/desc_int.h"

#define ISA_END_ADDRESS		SZ_1M

void stats_add_alloc(struct bm_replay_stats *st, const struct bm_alloc_cmp *cmp)
{
	if (st->n_allocs == st->cap_allocs) {
		size_t cap = st->cap_allocs ? st->cap_allocs * 2 : 64;
		struct bm_alloc_cmp *v = realloc(st->allocs, cap * sizeof(*v));

		if (!v) {
			st->error = -BM_ENOMEM;
			return;
		}
		st->allocs = v;
		st->cap_allocs = cap;
	}
	st->allocs[st->n_allocs] = *cmp;
	st->allocs[st->n_allocs].idx = (unsigned)st->n_allocs;
	st->n_allocs++;
	st->n_match += cmp->match;
}

void stats_infer(struct bm_replay_stats *st, size_t event_index, const char *what)
{
	if (st->n_inferred >= BM_MAX_INFERRED)
		return;
	st->inferred[st->n_inferred].event_index = event_index;
	snprintf(st->inferred[st->n_inferred].what, sizeof(st->inferred[0].what), "%s", what);
	st->n_inferred++;
}

static bool ram_overlaps(const struct xr_list *ram, phys_addr_t s, phys_addr_t e)
{
	for (size_t i = 0; i < ram->n; i++)
		if ((ram->v[i].type == 1 || ram->v[i].type == 128) && ram->v[i].start < e &&
		    ram->v[i].end > s)
			return true;
	return false;
}

/*
 * RAM of @ram below @ram_end, in whole pages, that no block covers: what
 * the kernel counts after memblock_set_node of the blocks (pages of
 * regions left without a node).
 */
static uint64_t uncovered_ram_bytes(const struct xr_list *ram, phys_addr_t ram_end,
				    const struct numa_blk *blk, unsigned n)
{
	uint64_t lost = 0;

	for (size_t i = 0; i < ram->n; i++) {
		phys_addr_t a = BM_ALIGN_UP(ram->v[i].start, BM_PAGE_SIZE);
		phys_addr_t b = BM_ALIGN_DOWN(BM_MIN(ram->v[i].end, ram_end), BM_PAGE_SIZE);

		if (!(ram->v[i].type == 1 || ram->v[i].type == 128))
			continue;
		/* Walk [a, b) forward: jump over any block holding the cursor,
		 * else count up to the next block start. n is small. */
		while (a < b) {
			phys_addr_t next = b;
			bool covered = false;

			for (unsigned k = 0; k < n; k++) {
				if (blk[k].start <= a && blk[k].end > a) {
					a = BM_MIN(b, BM_ALIGN_UP(blk[k].end, BM_PAGE_SIZE));
					covered = true;
					break;
				}
				if (blk[k].start > a && blk[k].start < next)
					next = blk[k].start;
			}
			if (covered)
				continue;
			next = BM_MIN(b, BM_ALIGN_UP(next, BM_PAGE_SIZE));
			lost += next - a;
			a = next;
		}
	}
	return lost;
}

/*
 * numa_init(): numa_meminfo from SRAT (acpi_numa_memory_affinity_init),
 * cleaned up as numa_cleanup_meminfo does: blocks clipped to
 * [0, PFN_PHYS(max_pfn)), blocks without memory dropped, blocks of one node
 * merged when no other node's block lies between them. Without SRAT (or
 * numa=off), or with SRAT leaving over 1 MiB of RAM without a node,
 * dummy_numa_init's single node 0 over [0, max_pfn).
 */
unsigned numa_blocks_from_log(const struct bm_bootlog *log, phys_addr_t ram_end,
			      const struct xr_list *ram, struct numa_blk *blk, unsigned max,
			      bool *fake)
{
	const struct bm_cmdline *cl = bm_bootlog_cmdline(log);
	unsigned n = 0;
	bool merged;

	*fake = true;
	if (log->n_srat && !(cl && cl->numa_off)) {
		for (size_t i = 0; i < log->n_srat && n < max; i++) {
			const struct bm_srat_mem *s = &log->srat[i];
			phys_addr_t a = s->start, b = BM_MIN(s->end + 1, ram_end);

			if (a >= b || !ram_overlaps(ram, a, b))
				continue;
			blk[n++] = (struct numa_blk){ a, b, s->node, s->hotplug };
		}
		*fake = n == 0;
	}
	/*
	 * numa_register_meminfo refuses blocks that leave more than 1 MiB of
	 * RAM without a node (memblock_validate_numa_coverage, "NUMA: no nodes
	 * coverage for .."; before v6.8 numa_meminfo_cover_memory, "NUMA:
	 * nodes only cover .."), and numa_init falls back to dummy_numa_init.
	 */
	if (!*fake && uncovered_ram_bytes(ram, ram_end, blk, n) > SZ_1M)
		*fake = true;
	if (*fake) {
		blk[0] = (struct numa_blk){ 0, ram_end, 0, false };
		return 1;
	}
	do {
		merged = false;
		for (unsigned i = 0; i < n && !merged; i++) {
			for (unsigned j = i + 1; j < n && !merged; j++) {
				phys_addr_t s = BM_MIN(blk[i].start, blk[j].start);
				phys_addr_t e = BM_MAX(blk[i].end, blk[j].end);
				unsigned k;

				if (blk[i].nid != blk[j].nid)
					continue;
				for (k = 0; k < n; k++)
					if (blk[k].nid != blk[i].nid && s < blk[k].end && e > blk[k].start)
						break;
				if (k < n)
					continue;
				blk[i].start = s;
				blk[i].end = e;
				blk[i].hotplug = blk[i].hotplug && blk[j].hotplug;
				blk[j] = blk[--n];
				merged = true;
			}
		}
	} while (merged);
	return n;
}

/*
 * x86 numa_init() + numa_register_memblks(): every memory and reserved
 * region gets its node from the blocks (memblock_set_node on both
 * types), SRAT-hotpluggable memory is marked HOTPLUG unless the node holds
 * kernel reservations (numa_clear_kernel_node_hotplug), and allocation
 * goes back to top-down.
 */
void x86_apply_numa(struct bm_machine *m, struct desc_ctx *c, size_t ev_index)
{
	struct x86_input *x = &c->x;
	char what[96];
	uint64_t kernel_nodes = 0;

	for (unsigned i = 0; i < x->n_blk; i++) {
		const struct numa_blk *b = &x->blk[i];

		if (b->hotplug)
			bm_memblock_mark_hotplug(m, b->start, b->end - b->start);
	}
	for (unsigned i = 0; i < x->n_blk; i++) {
		const struct numa_blk *b = &x->blk[i];

		bm_memblock_set_node(m, b->start, b->end - b->start, false, b->nid);
		bm_memblock_set_node(m, b->start, b->end - b->start, true, b->nid);
	}
	for (unsigned long r = 0; r < m->memblock.mb.reserved.cnt; r++) {
		int nid = m->memblock.mb.reserved.regions[r].nid;

		if (bm_numa_valid_node(nid))
			kernel_nodes |= 1ull << nid;
	}
	for (unsigned i = 0; i < x->n_blk; i++) {
		const struct numa_blk *b = &x->blk[i];

		if (kernel_nodes & (1ull << b->nid))
			bm_memblock_clear_hotplug(m, b->start, b->end - b->start);
	}
	bm_memblock_set_bottom_up(m, false);
	snprintf(what, sizeof(what), "numa_init: memblock_set_node x%u (%s), bottom_up=false",
		 x->n_blk, x->numa_fake ? "dummy node 0" : "SRAT");
	stats_infer(&c->st, ev_index, what);
}

static bool caller_is(const struct bm_mb_event *ev, const char *name)
{
	return ev->caller && !strcmp(ev->caller, name);
}

static bool fn_is(const struct bm_mb_event *ev, const char *name)
{
	return ev->fn && !strcmp(ev->fn, name);
}

/* init_mem_mapping's own memblock calls (the probe and alloc_low_pages). */
static bool mem_mapping_event(const struct bm_mb_event *ev)
{
	if (ev->op == BM_MB_RESERVE && ev->alloc_internal && ev->paired >= 0)
		return true;	/* the result of the allocation before it */
	return caller_is(ev, "init_mem_mapping") || caller_is(ev, "alloc_low_pages") ||
	       caller_is(ev, "memory_map_top_down") || caller_is(ev, "memory_map_bottom_up") ||
	       caller_is(ev, "reserve_real_mode") || caller_is(ev, "setup_arch") ||
	       caller_is(ev, "efi_reserve_boot_services");
}

static phys_addr_t to_phys(struct bm_machine *m, void *p)
{
	return p ? bm_virt_to_phys(m, p) : 0;
}

/* Make the allocation @ev describes, the way its printed function does. */
static phys_addr_t do_alloc(struct bm_machine *m, const struct bm_mb_event *ev, int nid,
			    bool *known)
{
	phys_addr_t size = ev->size, align = ev->align;

	*known = true;
	if (fn_is(ev, "memblock_alloc_exact_nid_raw"))
		return to_phys(m, bm_memblock_alloc_exact_nid_raw(m, size, align, ev->from,
								  ev->max_addr, nid));
	if (fn_is(ev, "memblock_alloc_try_nid_raw") || fn_is(ev, "memblock_virt_alloc_try_nid_raw"))
		return to_phys(m, bm_memblock_alloc_try_nid_raw(m, size, align, ev->from,
								ev->max_addr, nid));
	if (fn_is(ev, "memblock_phys_alloc_range"))
		return bm_memblock_phys_alloc_range(m, size, align, ev->from, ev->max_addr);
	if (fn_is(ev, "memblock_phys_alloc_try_nid"))
		return bm_memblock_phys_alloc_try_nid(m, size, align, nid);
	if (fn_is(ev, "memblock_alloc_range_nid"))
		return bm_memblock_alloc_range_nid(m, size, align, ev->from, ev->max_addr, nid,
						   false);
	*known = fn_is(ev, "memblock_alloc_try_nid") || fn_is(ev, "memblock_alloc_from") ||
		 fn_is(ev, "memblock_alloc_internal") || fn_is(ev, "memblock_virt_alloc_try_nid") ||
		 fn_is(ev, "memblock_virt_alloc_try_nid_nopanic") ||
		 fn_is(ev, "memblock_alloc_try_nid_nopanic");
	return to_phys(m, bm_memblock_alloc_try_nid(m, size, align, ev->from, ev->max_addr, nid));
}

/*
 * Record the comparison; on a mismatch put the allocation where the kernel
 * did, so every later allocation starts from the kernel's state and is
 * judged on its own.
 */
static void settle(struct bm_machine *m, struct desc_ctx *c, const struct bm_mb_event *ev,
		   const char *fn, uint64_t size, uint64_t align, int nid, phys_addr_t kaddr,
		   phys_addr_t got)
{
	struct bm_alloc_cmp cmp = {
		.line = ev->line, .fn = fn, .caller = ev->caller, .size = size, .align = align,
		.nid = nid, .from = ev->from, .max_addr = ev->max_addr,
		.kernel_addr = kaddr, .bootmm_addr = got, .match = got == kaddr,
	};

	stats_add_alloc(&c->st, &cmp);
	if (cmp.match)
		return;
	if (got)
		bm_memblock_phys_free(m, got, size);
	if (kaddr)
		bm_memblock_reserve_kern(m, kaddr, size);
}

static const struct bm_node_range *node_data_at(const struct bm_bootlog *log, phys_addr_t s)
{
	for (size_t i = 0; i < log->n_node_data; i++)
		if (log->node_data[i].start == s)
			return &log->node_data[i];
	return NULL;
}

static void replay_alloc(struct bm_machine *m, struct desc_ctx *c, const struct bm_mb_event *ev)
{
	int nid = ev->has_nid ? ev->nid : BM_NUMA_NO_NODE;
	phys_addr_t kaddr = ev->paired >= 0 ? ev->addr : 0;
	bool known;
	phys_addr_t got = do_alloc(m, ev, nid, &known);

	settle(m, c, ev, ev->fn, ev->size, ev->align, nid, kaddr, got);
	if (fn_is(ev, "memblock_alloc_exact_nid_raw") && caller_is(ev, "sparse_init_nid") &&
	    bm_numa_valid_node(nid))
		c->st.node_memmap[nid] = kaddr ? kaddr : got;
}

/*
 * A reserve made by memblock_alloc_range_nid with no allocation line before
 * it: memblock_phys_alloc_try_nid, which prints nothing. On x86 its caller
 * is alloc_node_data (size roundup(sizeof(pg_data_t), PAGE_SIZE), align
 * SMP_CACHE_BYTES, the node), recognised by the "NODE_DATA(N) allocated"
 * line naming the same range. Any other such reserve is replayed as a
 * plain reserve and not compared.
 */
static void replay_silent_alloc(struct bm_machine *m, struct desc_ctx *c,
				const struct bm_mb_event *ev)
{
	const struct bm_node_range *nd = node_data_at(c->log, ev->start);
	phys_addr_t size = ev->end - ev->start + 1;
	phys_addr_t got;

	if (!nd || !bm_numa_valid_node(nd->node)) {
		bm_memblock_reserve_kern(m, ev->start, size);
		c->st.n_uncompared++;
		return;
	}
	m->caller = "alloc_node_data";
	got = bm_memblock_phys_alloc_try_nid(m, size, BM_SMP_CACHE_BYTES, nd->node);
	settle(m, c, ev, "memblock_phys_alloc_try_nid", size, BM_SMP_CACHE_BYTES, nd->node,
	       ev->start, got);
	m->mm.nodes[nd->node].pgdat_phys = ev->start;
}

static void replay_flag(struct bm_machine *m, const struct bm_mb_event *ev)
{
	phys_addr_t base = ev->start, size = ev->end - ev->start + 1;
	bool set = ev->op == BM_MB_MARK;
	const char *f = ev->fn + (set ? 14 : 15);

	if (!strcmp(f, "hotplug"))
		bm_memblock_setclr_flag(m, false, base, size, set, MEMBLOCK_HOTPLUG);
	else if (!strcmp(f, "mirror"))
		bm_memblock_setclr_flag(m, false, base, size, set, MEMBLOCK_MIRROR);
	else if (!strcmp(f, "nomap"))
		bm_memblock_setclr_flag(m, false, base, size, set, MEMBLOCK_NOMAP);
	else if (!strcmp(f, "driver_managed"))
		bm_memblock_setclr_flag(m, false, base, size, set, MEMBLOCK_DRIVER_MANAGED);
	else if (!strcmp(f, "kho_scratch"))
		bm_memblock_setclr_flag(m, false, base, size, set, MEMBLOCK_KHO_SCRATCH);
}

static void replay_event(struct bm_machine *m, struct desc_ctx *c, const struct bm_mb_event *ev)
{
	phys_addr_t size = ev->end - ev->start + 1;

	m->caller = ev->caller ? ev->caller : "trace";
	switch (ev->op) {
	case BM_MB_ADD:
		bm_memblock_add(m, ev->start, size);
		break;
	case BM_MB_ADD_NODE:
		bm_memblock_add_node(m, ev->start, size, ev->nid, (enum memblock_flags)ev->flags);
		break;
	case BM_MB_REMOVE:
		bm_memblock_remove(m, ev->start, size);
		break;
	case BM_MB_RESERVE:
		if (!ev->alloc_internal)
			bm_memblock_reserve(m, ev->start, size);
		else if (ev->paired < 0)
			replay_silent_alloc(m, c, ev);
		/* else: the result of the allocation already replayed */
		break;
	case BM_MB_PHYS_FREE:
	case BM_MB_FREE:
		bm_memblock_phys_free(m, ev->start, size);
		break;
	case BM_MB_FREE_LATE:
		/*
		 * Not a memblock call of setup_arch: memblock_free_late runs
		 * after memblock_free_all, from its caller on the timeline
		 * (efi_free_boot_services before SMP in pre-2026 kernels,
		 * sim/callers.c), which releases the range with that era's
		 * rules. Replaying it here would free it twice.
		 */
		c->st.n_free_late++;
		break;
	case BM_MB_MARK:
	case BM_MB_CLEAR:
		replay_flag(m, ev);
		break;
	case BM_MB_ALLOC:
		replay_alloc(m, c, ev);
		break;
	case BM_MB_RANGE_OTHER:
		break;
	}
}

/* Bytes of [s, e) covered by @type's regions (regions sorted, disjoint). */
static phys_addr_t covered(const struct memblock_type *type, phys_addr_t s, phys_addr_t e)
{
	phys_addr_t n = 0;

	for (unsigned long i = 0; i < type->cnt; i++) {
		phys_addr_t a = BM_MAX(s, type->regions[i].base);
		phys_addr_t b = BM_MIN(e, type->regions[i].base + type->regions[i].size);

		if (a < b)
			n += b - a;
	}
	return n;
}

/*
 * Compare bootmm's memblock with a later dump of the kernel's: memory
 * regions (range and node) and the reserved bytes (bootmm tags allocator
 * reserves RSRV_KERN and keeps their node, as current kernels do, so
 * region boundaries may differ from 6.1's; the bytes may not).
 */
static void check_dump(struct bm_machine *m, struct desc_ctx *c, const struct bm_mb_dump *d)
{
	const struct memblock_type *mem = &m->memblock.mb.memory, *rsv = &m->memblock.mb.reserved;
	phys_addr_t kres = 0, in = 0;
	char *note = c->st.dump_note;
	bool ok = true;

	c->st.dumps_checked++;
	if (mem->cnt != d->n_memory) {
		ok = false;
		if (!note[0])
			snprintf(note, sizeof(c->st.dump_note), "dump line %u: memory.cnt %zu, bootmm %lu",
				 d->line, d->n_memory, mem->cnt);
	}
	for (size_t i = 0; ok && i < d->n_memory; i++) {
		const struct bm_mb_region *r = &d->memory[i];
		const struct memblock_region *b = &mem->regions[i];
		int bnid = bm_numa_valid_node(b->nid) ? b->nid : -1;

		if (b->base != r->base || b->size != r->size || (r->nid >= 0 && bnid != r->nid)) {
			ok = false;
			snprintf(note, sizeof(c->st.dump_note),
				 "dump line %u: memory[%zu] [%#llx+%#llx] node %d, bootmm [%#llx+%#llx] node %d",
				 r->line, i, (unsigned long long)r->base, (unsigned long long)r->size,
				 r->nid, (unsigned long long)b->base, (unsigned long long)b->size, bnid);
		}
	}
	for (size_t i = 0; i < d->n_reserved; i++) {
		const struct bm_mb_region *r = &d->reserved[i];

		if (!r->size)
			continue;
		kres += r->size;
		in += covered(rsv, r->base, r->base + r->size);
	}
	if (ok && (in != kres || rsv->total_size != kres)) {
		ok = false;
		snprintf(note, sizeof(c->st.dump_note),
			 "dump line %u: kernel reserves %#llx bytes, bootmm %#llx (%#llx of them shared)",
			 d->line, (unsigned long long)kres, (unsigned long long)rsv->total_size,
			 (unsigned long long)in);
	}
	c->st.dumps_matched += ok;
}

/* Index of the first NODE_DATA reserve (numa_init runs right before it). */
static size_t numa_point(const struct bm_bootlog *log, size_t from, size_t end)
{
	for (size_t i = from; i < end; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		if (ev->op == BM_MB_RESERVE && ev->alloc_internal && ev->paired < 0 &&
		    node_data_at(log, ev->start))
			return i;
		if (caller_is(ev, "sparse_init") || caller_is(ev, "sparse_init_nid"))
			return i;
	}
	for (size_t k = 1; k < log->n_dumps; k++)
		if (log->dumps[k].event_index > from)
			return log->dumps[k].event_index;
	return end;
}

static void load_dump(struct bm_machine *m, const struct bm_mb_dump *d)
{
	for (size_t i = 0; i < d->n_memory; i++) {
		const struct bm_mb_region *r = &d->memory[i];

		if (!r->size)
			continue;
		if (r->nid >= 0 || r->flags)
			bm_memblock_add_node(m, r->base, r->size, r->nid >= 0 ? r->nid : BM_MAX_NUMNODES,
					     (enum memblock_flags)r->flags);
		else
			bm_memblock_add(m, r->base, r->size);
	}
	for (size_t i = 0; i < d->n_reserved; i++) {
		const struct bm_mb_region *r = &d->reserved[i];

		if (r->size)
			bm_memblock_reserve_nid(m, r->base, r->size,
						r->nid >= 0 ? r->nid : BM_NUMA_NO_NODE,
						(enum memblock_flags)r->flags);
	}
}

/**
 * bm_replay_setup_arch - setup_arch of a description made from a trace
 * @m: machine in setup_arch
 * @arg: the description's context
 *
 * Return: 0, or the negative error of the memory map build.
 */
int bm_replay_setup_arch(struct bm_machine *m, void *arg)
{
	struct desc_ctx *c = arg;
	const struct bm_bootlog *log = c->log;
	const struct bm_mb_dump *d0 = &log->dumps[0];
	size_t end = log->n_events, numa_at, limit_at = SIZE_MAX;
	unsigned next_dump = 1;
	bool numa_done = false, limit_done = false, seen_mapping = false;
	const char *saved = m->caller;
	char what[96];
	int ret;

	desc_reset_stats(&c->st, log->n_events);
	c->st.replayed = true;
	c->st.dump_used = 0;
	if (log->memory.present)
		for (size_t i = d0->event_index; i < log->n_events; i++)
			if (log->events[i].line > log->memory.line) {
				end = i;
				break;
			}
	c->st.events_after_memory = log->n_events - end;

	/* The dump is e820__memblock_setup's, which first allows resizing. */
	bm_memblock_allow_resize(m);
	load_dump(m, d0);
	/* setup_arch: memblock_set_current_limit(ISA_END_ADDRESS) right before
	 * e820__memblock_setup, whose dump we start from. */
	bm_memblock_set_current_limit(m, ISA_END_ADDRESS);
	stats_infer(&c->st, d0->event_index, "memblock_set_current_limit(ISA_END_ADDRESS)");
	if (c->x.movable_node) {
		bm_memblock_set_bottom_up(m, true);
		stats_infer(&c->st, d0->event_index, "memblock_set_bottom_up(true) (movable_node)");
	}
	numa_at = numa_point(log, d0->event_index, end);

	for (size_t i = d0->event_index; i < end; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		/* After init_mem_mapping: memblock_set_current_limit(get_max_mapped()). */
		if (!limit_done && seen_mapping && !mem_mapping_event(ev)) {
			bm_memblock_set_current_limit(m, c->x.ram_end);
			snprintf(what, sizeof(what), "memblock_set_current_limit(%#llx) (max_pfn_mapped)",
				 (unsigned long long)c->x.ram_end);
			stats_infer(&c->st, i, what);
			limit_done = true;
			limit_at = i;
		}
		if (caller_is(ev, "init_mem_mapping") || caller_is(ev, "alloc_low_pages"))
			seen_mapping = true;
		if (!numa_done && i == numa_at) {
			x86_apply_numa(m, c, i);
			numa_done = true;
		}
		while (next_dump < log->n_dumps && log->dumps[next_dump].event_index <= i) {
			check_dump(m, c, &log->dumps[next_dump]);
			next_dump++;
		}
		replay_event(m, c, ev);
		c->st.events_replayed++;
	}
	if (!limit_done) {
		bm_memblock_set_current_limit(m, c->x.ram_end);
		stats_infer(&c->st, end, "memblock_set_current_limit(max_pfn_mapped)");
	}
	if (!numa_done)
		x86_apply_numa(m, c, end);
	while (next_dump < log->n_dumps && log->dumps[next_dump].event_index <= end &&
	       (!log->memory.present || log->dumps[next_dump].line < log->memory.line)) {
		check_dump(m, c, &log->dumps[next_dump]);
		next_dump++;
	}
	(void)limit_at;
	for (size_t i = 0; i < log->n_node_data; i++)
		if (bm_numa_valid_node(log->node_data[i].node))
			m->mm.nodes[log->node_data[i].node].pgdat_phys = log->node_data[i].start;

	m->caller = "sparse_init";
	ret = bm_sparse_init_at(m, c->st.node_memmap);
	m->caller = saved;
	if (ret && !c->st.error) {
		c->st.error = ret;
		snprintf(c->st.error_msg, sizeof(c->st.error_msg),
			 "sparse_init with the traced memory maps failed (%d)", ret);
	}
	return ret;
}
