// SPDX-License-Identifier: MIT
/*
 * The x86 model's early allocations after sparse_init, up to mm_init:
 * what a 6.1 x86-64 kernel allocates from memblock between paging_init and
 * memblock_free_all, in its order, with sizes from the kernel's formulas
 * (the Debian 6.1 build's constants where a size is fixed by the build).
 * Every one is placed by bootmm's allocator; when the log has a trace that
 * the model ignored, each is compared with the kernel's placement.
 */
#include <stdio.h>
#include <string.h>

#include "sim/desc_int.h"
#include "sim/era.h"

/* percpu of the Debian 6.1 kernel: "percpu: Embedded 61 pages/cpu s212992
 * r8192 d28672". */
#define PCPU_STATIC	212992u
#define PCPU_RESERVED	8192u
#define PCPU_DYNAMIC	28672u
#define PCPU_ATOM	SZ_2M		/* PMD_SIZE on x86-64 */
#define PCPU_CHUNK_STRUCT 136u		/* sizeof(struct pcpu_chunk) */
#define PCPU_BLOCK_MD	32u		/* sizeof(struct pcpu_block_md) */
#define MAX_DMA_PHYS	((phys_addr_t)16 << 20)
#define IO_TLB_DEFAULT	((phys_addr_t)64 << 20)
#define IO_TLB_SLOT_BYTES 24u		/* sizeof(struct io_tlb_slot) */
#define IO_TLB_SHIFT	11
#define PGDAT_STRUCT	174208u		/* sizeof(pg_data_t) of the Debian 6.1 build */

static bool trace_alloc_like(const struct bm_bootlog *log, size_t i, const char *caller,
			     uint64_t size, phys_addr_t *kaddr, unsigned *line)
{
	const struct bm_mb_event *ev = &log->events[i];

	if (ev->op == BM_MB_ALLOC && ev->caller && !strcmp(ev->caller, caller) && ev->size == size) {
		*kaddr = ev->paired >= 0 ? ev->addr : 0;
		*line = ev->line;
		return true;
	}
	/* NODE_DATA: a silent memblock_phys_alloc_try_nid */
	if (!strcmp(caller, "alloc_node_data") && ev->op == BM_MB_RESERVE && ev->alloc_internal &&
	    ev->paired < 0 && ev->end - ev->start + 1 == size) {
		*kaddr = ev->start;
		*line = ev->line;
		return true;
	}
	return false;
}

/**
 * x86_record_alloc - note one allocation of the model
 * @m: machine
 * @c: description context
 * @fn: memblock function the kernel uses
 * @caller: the kernel's caller
 * @size: bytes
 * @align: alignment
 * @nid: node asked for
 * @from: lowest address asked for
 * @max: highest address asked for (0: accessible)
 * @got: where bootmm placed it (0: failed)
 *
 * With an ignored trace in the log, the kernel's next allocation by the
 * same caller and size is the reference; without one, nothing is compared.
 */
void x86_record_alloc(struct bm_machine *m, struct desc_ctx *c, const char *fn,
		      const char *caller, uint64_t size, uint64_t align, int nid,
		      phys_addr_t from, phys_addr_t max, phys_addr_t got)
{
	const struct bm_bootlog *log = c->log;
	struct bm_alloc_cmp cmp = {
		.fn = fn, .caller = caller, .size = size, .align = align, .nid = nid,
		.from = from, .max_addr = max, .bootmm_addr = got,
	};

	(void)m;
	for (size_t i = c->trace_cursor; i < log->n_events; i++) {
		phys_addr_t kaddr;
		unsigned line;

		if (!trace_alloc_like(log, i, caller, size, &kaddr, &line))
			continue;
		cmp.kernel_addr = kaddr;
		cmp.line = line;
		cmp.match = kaddr == got;
		c->trace_cursor = i + 1;
		stats_add_alloc(&c->st, &cmp);
		return;
	}
	c->st.n_uncompared++;
}

static phys_addr_t alloc(struct bm_machine *m, struct desc_ctx *c, const char *caller,
			 uint64_t size, uint64_t align, int nid, phys_addr_t from, phys_addr_t max)
{
	void *p;
	phys_addr_t got;

	m->caller = caller;
	p = bm_memblock_alloc_try_nid(m, size, align, from, max, nid);
	got = p ? bm_virt_to_phys(m, p) : 0;
	x86_record_alloc(m, c, "memblock_alloc_try_nid", caller, size, align, nid, from, max, got);
	return got;
}

static phys_addr_t small(struct bm_machine *m, struct desc_ctx *c, const char *caller, uint64_t size)
{
	return alloc(m, c, caller, size, BM_SMP_CACHE_BYTES, BM_NUMA_NO_NODE, 0, 0);
}

static unsigned fls64(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

static uint64_t bits_to_longs(uint64_t bits)
{
	return (bits + 63) / 64;
}

static uint64_t roundup_pow2(uint64_t x)
{
	return x <= 1 ? 1 : (uint64_t)1 << fls64(x - 1);
}

/* pcpu_alloc_first_chunk's four allocations for a region of @map bytes at
 * page-aligned @offset. */
static void pcpu_first_chunk(struct bm_machine *m, struct desc_ctx *c, uint64_t offset, uint64_t map)
{
	uint64_t start = offset & (BM_PAGE_SIZE - 1);
	uint64_t region = BM_ALIGN_UP(start + map, BM_PAGE_SIZE);
	uint64_t pages = region >> BM_PAGE_SHIFT, bits = region >> 2;

	small(m, c, "pcpu_alloc_first_chunk", PCPU_CHUNK_STRUCT + bits_to_longs(pages) * 8);
	small(m, c, "pcpu_alloc_first_chunk", bits_to_longs(bits) * 8);
	small(m, c, "pcpu_alloc_first_chunk", bits_to_longs(bits + 1) * 8);
	small(m, c, "pcpu_alloc_first_chunk", pages * PCPU_BLOCK_MD);
}

/*
 * setup_per_cpu_areas -> pcpu_embed_first_chunk: one group per node with
 * CPUs (CPUs spread over the nodes in order), units per allocation chosen
 * as pcpu_build_alloc_info does (largest divisor of the 2M atom wasting at
 * most a third of the CPUs' units), one atom-aligned chunk per group on
 * its node, the unused tail of every unit given back.
 */
static void percpu(struct bm_machine *m, struct desc_ctx *c, const int *node_of_group,
		   unsigned nr_groups)
{
	const struct bm_early *ef = &c->log->early;
	const unsigned ncpu = (unsigned)c->x.nr_cpus;
	/* The sizes the kernel printed ("s.. r.. d.. u.."), else the Debian 6.1
	 * build's: size_sum is page aligned (pcpu_build_alloc_info). */
	const uint64_t st = ef->pcpu_line ? ef->pcpu_static : PCPU_STATIC;
	const uint64_t rs = ef->pcpu_line ? ef->pcpu_reserved : PCPU_RESERVED;
	const uint64_t dy = ef->pcpu_line ? ef->pcpu_dyn : PCPU_DYNAMIC;
	const uint64_t size_sum = BM_ALIGN_UP(st + rs + dy, BM_PAGE_SIZE);
	unsigned group_cnt[BM_MAX_NUMNODES] = { 0 };
	unsigned upa, best_upa = 1, last_allocs = ~0u;
	uint64_t min_unit = BM_MAX(size_sum, (uint64_t)32768), unit;
	phys_addr_t ai, areas, base[BM_MAX_NUMNODES];

	for (unsigned cpu = 0; cpu < ncpu; cpu++)
		group_cnt[cpu % nr_groups]++;
	upa = (unsigned)(PCPU_ATOM / min_unit);
	for (; upa; upa--) {
		unsigned allocs = 0, wasted = 0;

		if (PCPU_ATOM % upa || ((PCPU_ATOM / upa) & (BM_PAGE_SIZE - 1)))
			continue;
		for (unsigned g = 0; g < nr_groups; g++) {
			unsigned a = (group_cnt[g] + upa - 1) / upa;

			allocs += a;
			wasted += a * upa - group_cnt[g];
		}
		if (wasted > ncpu / 3)
			continue;
		if (allocs > last_allocs)
			break;
		last_allocs = allocs;
		best_upa = upa;
	}
	unit = PCPU_ATOM / best_upa;
	if (ef->pcpu_line && ef->pcpu_unit >= size_sum) {
		/* The printed unit decides: units per atom follow from it. */
		unit = ef->pcpu_unit;
		best_upa = unit < PCPU_ATOM ? (unsigned)(PCPU_ATOM / unit) : 1;
	}
	ai = alloc(m, c, "pcpu_build_alloc_info", BM_PAGE_SIZE, BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, 0);
	areas = small(m, c, "pcpu_embed_first_chunk",
		      BM_ALIGN_UP(nr_groups * 8ull, BM_PAGE_SIZE));
	for (unsigned g = 0; g < nr_groups; g++) {
		unsigned units = ((group_cnt[g] + best_upa - 1) / best_upa) * best_upa;

		base[g] = alloc(m, c, "pcpu_fc_alloc", units * unit, PCPU_ATOM, node_of_group[g],
				MAX_DMA_PHYS, 0);
	}
	m->caller = "pcpu_embed_first_chunk";
	for (unsigned g = 0; g < nr_groups; g++) {
		unsigned units = ((group_cnt[g] + best_upa - 1) / best_upa) * best_upa;

		for (unsigned u = 0; base[g] && u < units; u++) {
			phys_addr_t ub = base[g] + u * unit;

			if (u < group_cnt[g])
				bm_memblock_phys_free(m, ub + size_sum, unit - size_sum);
			else
				bm_memblock_phys_free(m, ub, unit);
		}
	}
	small(m, c, "pcpu_setup_first_chunk", nr_groups * 8ull);
	small(m, c, "pcpu_setup_first_chunk", nr_groups * 8ull);
	small(m, c, "pcpu_setup_first_chunk", ncpu * 4ull);
	small(m, c, "pcpu_setup_first_chunk", ncpu * 8ull);
	/* pcpu_nr_slots: __pcpu_size_to_slot(unit) + 4 list heads */
	small(m, c, "pcpu_setup_first_chunk", ((uint64_t)fls64(unit) - 5 + 2 + 4) * 16);
	pcpu_first_chunk(m, c, st, rs);
	pcpu_first_chunk(m, c, st + rs, size_sum - st - rs);
	m->caller = "pcpu_embed_first_chunk";
	if (ai)
		bm_memblock_phys_free(m, ai, BM_PAGE_SIZE);
	if (areas)
		bm_memblock_phys_free(m, areas, BM_PAGE_SIZE);
}

/* Pages of memory below 16M, and of them free ones (memblock_find_dma_reserve). */
static unsigned long dma_reserve(struct bm_machine *m)
{
	unsigned long mem = 0, free = 0, s, e;
	phys_addr_t a, b;
	uint64_t i;
	int idx, nid;

	bm_for_each_mem_pfn_range(m, idx, BM_MAX_NUMNODES, &s, &e, &nid) {
		s = BM_MIN(s, (unsigned long)m->cfg.zone_dma_end_pfn);
		e = BM_MIN(e, (unsigned long)m->cfg.zone_dma_end_pfn);
		mem += e > s ? e - s : 0;
	}
	bm_for_each_free_mem_range(m, i, BM_NUMA_NO_NODE, MEMBLOCK_NONE, &a, &b, NULL) {
		bm_pfn_t ps = BM_MIN(BM_PFN_UP(a), m->cfg.zone_dma_end_pfn);
		bm_pfn_t pe = BM_MIN(BM_PFN_DOWN(b), m->cfg.zone_dma_end_pfn);

		free += pe > ps ? (unsigned long)(pe - ps) : 0;
	}
	return mem > free ? mem - free : 0;
}

/*
 * nr_kernel_pages as free_area_init_core counts it: per zone up to Normal,
 * present pages minus the memory map's pages (spanned or, if the zone has
 * big holes, present pages), minus dma_reserve in ZONE_DMA.
 */
static uint64_t nr_kernel_pages(struct bm_machine *m)
{
	const bm_pfn_t lim[3] = { m->cfg.zone_dma_end_pfn, m->cfg.zone_dma32_end_pfn, BM_NO_PFN };
	unsigned long dres = dma_reserve(m), s, e;
	uint64_t total = 0;
	int idx, nid;

	for (int node = 0; node < BM_MAX_NUMNODES; node++) {
		bm_pfn_t lo = 0;

		for (int z = 0; z < 3; z++) {
			bm_pfn_t zs = BM_NO_PFN, ze = 0;
			uint64_t present = 0, spanned, pages, memmap;

			bm_for_each_mem_pfn_range(m, idx, BM_MAX_NUMNODES, &s, &e, &nid) {
				bm_pfn_t a = BM_MAX((bm_pfn_t)s, lo), b = BM_MIN((bm_pfn_t)e, lim[z]);

				if ((bm_numa_valid_node(nid) ? nid : 0) != node || a >= b)
					continue;
				present += b - a;
				zs = BM_MIN(zs, a);
				ze = BM_MAX(ze, b);
			}
			lo = lim[z];
			if (!present)
				continue;
			spanned = ze - zs;
			pages = spanned > present + (present >> 4) ? present : spanned;
			memmap = BM_ALIGN_UP(pages * BM_KERNEL_STRUCT_PAGE, BM_PAGE_SIZE) >> BM_PAGE_SHIFT;
			present = present > memmap ? present - memmap : 0;
			if (z == 0 && present > dres)
				present -= dres;
			total += present;
		}
	}
	return total;
}

/* alloc_large_system_hash(HASH_EARLY) with 8-byte buckets at @scale. */
static uint64_t hash_bytes(uint64_t kpages, unsigned scale)
{
	uint64_t n = BM_ALIGN_UP(kpages, (uint64_t)256);

	for (uint64_t adapt = (uint64_t)64 << 18; adapt < n; adapt <<= 2)
		scale++;	/* ADAPT_SCALE: one more bit per 4x beyond 64 GiB */
	n = scale > BM_PAGE_SHIFT ? n >> (scale - BM_PAGE_SHIFT) : n << (BM_PAGE_SHIFT - scale);
	if (n * 8 < BM_PAGE_SIZE)
		n = BM_PAGE_SIZE / 8;
	return roundup_pow2(n) * 8;
}

/*
 * The hash tables alloc_large_system_hash took from memblock (HASH_EARLY,
 * not hashdist): every one the kernel printed, without ", vmalloc", before
 * mm_init / mm_core_init handed memory to the buddy allocator
 * (vfs_caches_init_early, and before 4.15 pidhash_init; the later ones,
 * vfs_caches_init's and the network's, use the buddy allocator or
 * vmalloc). The end of that stretch is the "SLUB: HWalign=" line
 * (kmem_cache_init, right after mem_init), else the Memory: line: from
 * 6.11 Memory: is printed after deferred init, later hash tables before
 * it. Returns false when the log printed no hash table at all: the sizes
 * are then the model's formula's.
 */
static bool hashes_from_log(struct bm_machine *m, struct desc_ctx *c)
{
	const struct bm_bootlog *log = c->log;
	const struct bm_early *ef = &log->early;
	unsigned end = ef->slub_line ? ef->slub_line : log->memory.line;

	if (!ef->n_hashes || !end)
		return false;
	for (size_t i = 0; i < ef->n_hashes; i++)
		if (ef->hashes[i].line < end && !ef->hashes[i].vmalloc)
			alloc(m, c, "alloc_large_system_hash", ef->hashes[i].bytes,
			      BM_SMP_CACHE_BYTES, BM_NUMA_NO_NODE, 0, 0);
	return true;
}

/*
 * swiotlb_init (mem_init -> pci_iommu_alloc): the bounce buffer, its size
 * printed by swiotlb_print_info (64 MB unless swiotlb=), and the slot
 * metadata: an int and a phys_addr_t per 2K slab before 5.12 (io_tlb_list,
 * io_tlb_orig_addr), a 24-byte struct io_tlb_slot since; one io_tlb_area
 * per area from 6.0 ("area num N").
 */
static void swiotlb(struct bm_machine *m, struct desc_ctx *c)
{
	const struct bm_early *ef = &c->log->early;
	uint64_t bytes = ef->swiotlb_line ? ef->swiotlb_bytes : IO_TLB_DEFAULT;
	uint64_t nslabs = bytes >> IO_TLB_SHIFT;

	alloc(m, c, "swiotlb_init_remap", bytes, BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0,
	      BM_ARCH_LOW_ADDRESS_LIMIT);
	if (!bm_era_log_at_least(c->log, 5, 12, true)) {
		alloc(m, c, "swiotlb_init_with_tbl", BM_ALIGN_UP(nslabs * 4, BM_PAGE_SIZE),
		      BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, 0);
		alloc(m, c, "swiotlb_init_with_tbl", BM_ALIGN_UP(nslabs * 8, BM_PAGE_SIZE),
		      BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, 0);
		return;
	}
	alloc(m, c, "swiotlb_init_remap", BM_ALIGN_UP(nslabs * IO_TLB_SLOT_BYTES, BM_PAGE_SIZE),
	      BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, 0);
	if (bm_era_log_at_least(c->log, 6, 0, true))
		small(m, c, "swiotlb_init_remap",
		      roundup_pow2(ef->swiotlb_areas ? ef->swiotlb_areas : (uint64_t)c->x.nr_cpus) * 16);
}

/**
 * x86_late_allocs - setup_arch after paging_init, setup_per_cpu_areas and
 * mm_init's allocations before memblock_free_all, as the model has them
 * @m: machine after sparse_init
 * @c: description context
 */
void x86_late_allocs(struct bm_machine *m, struct desc_ctx *c)
{
	const struct x86_input *x = &c->x;
	int node_of_group[BM_MAX_NUMNODES];
	unsigned nr_groups = 0, nr_nodes = 0;
	uint64_t seen = 0, kpages;

	for (unsigned i = 0; i < x->n_blk; i++) {
		int nid = x->blk[i].nid;

		if (!bm_numa_valid_node(nid) || (seen & (1ull << nid)))
			continue;
		seen |= 1ull << nid;
		nr_nodes++;
	}
	for (int nid = 0; nid < BM_MAX_NUMNODES && nr_groups < (unsigned)x->nr_cpus; nid++)
		if (seen & (1ull << nid))
			node_of_group[nr_groups++] = nid;
	if (!nr_groups)
		node_of_group[nr_groups++] = 0;
	kpages = nr_kernel_pages(m);

	/* free_area_init: a pgdat for every possible node without memory
	 * ("Initializing node N as memoryless"). */
	for (int nid = 0; nid < BM_MAX_NUMNODES && !x->numa_fake; nid++)
		if ((x->srat_nodes & (1ull << nid)) && !(seen & (1ull << nid)))
			small(m, c, "free_area_init", PGDAT_STRUCT);

	/* acpi_boot_init: the HPET resource name; one IOAPIC's resources. */
	small(m, c, "acpi_parse_hpet", 73);
	small(m, c, "io_apic_init_mappings", 75);
	/* e820__reserve_resources: a struct resource per e820 entry, then one
	 * firmware map entry per firmware e820 entry; nosave regions. */
	small(m, c, "e820__reserve_resources", 64ull * x->n_e820_late);
	for (size_t i = 0; i < x->n_firmware; i++)
		small(m, c, "firmware_map_add_early", 104);
	for (size_t i = 0; i < x->n_nosave; i++)
		small(m, c, "register_nosave_region", 32);
	/* setup_command_line: saved_command_line and static_command_line. */
	small(m, c, "start_kernel", x->cmdline_len + 1);
	small(m, c, "start_kernel", x->cmdline_len + 1);
	percpu(m, c, node_of_group, nr_groups);
	/* setup_cpu_local_masks (4) and one node_to_cpumask_map per node. */
	for (unsigned i = 0; i < 4 + BM_MAX(nr_nodes, 1u); i++)
		small(m, c, "alloc_bootmem_cpumask_var", 8);
	if (!hashes_from_log(m, c) && !x->hashdist) {
		alloc(m, c, "alloc_large_system_hash", hash_bytes(kpages, 13), BM_SMP_CACHE_BYTES,
		      BM_NUMA_NO_NODE, 0, 0);
		alloc(m, c, "alloc_large_system_hash", hash_bytes(kpages, 14), BM_SMP_CACHE_BYTES,
		      BM_NUMA_NO_NODE, 0, 0);
	}
	/* Fixmap/vsyscall page tables (spp_getpage). */
	for (int i = 0; i < 3; i++)
		alloc(m, c, "spp_getpage", BM_PAGE_SIZE, BM_PAGE_SIZE, BM_NUMA_NO_NODE, 0, 0);
	/* mem_init -> pci_iommu_alloc: swiotlb when max_possible_pfn is above
	 * 4G (RAM, or SRAT's hotpluggable / memoryless ranges). */
	if (x->possible_end > SZ_4G || c->log->early.swiotlb_line)
		swiotlb(m, c);
}
