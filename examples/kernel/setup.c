// SPDX-License-Identifier: MIT
/*
 * setup_arch of the example kernel: the firmware's e820 map from the PVH
 * start_info, edited and handed to memblock the way x86-64 Linux does it
 * (e820__update_table, trim_bios_range, e820__memblock_setup,
 * dummy_numa_init), and the reservations this kernel needs: its image and
 * the first MiB (x86 reserves all of it in setup_arch: BIOS data, EBDA,
 * real-mode trampoline). Runs once, so all of it is __init.
 */
#include "kernel.h"

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_ACPI		3
#define E820_NVS		4
#define E820_UNUSABLE		5
#define E820_PMEM		7
#define E820_PRAM		12
#define E820_RESERVED_KERN	128
#define E820_SOFT_RESERVED	0xefffffffu
#define E820_MAX		128

#define PVH_MAGIC		0x336ec578u
#define SZ_1M			((phys_addr_t)1 << 20)

/* The PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h). */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;		/* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

struct e820_entry {
	phys_addr_t start, end;		/* end exclusive */
	uint32_t type;
};

struct e820_table {
	unsigned int n;
	struct e820_entry v[E820_MAX];
};

static struct e820_table e820 __initdata;
static phys_addr_t scratch_pts[2 * E820_MAX] __initdata;
static struct e820_table scratch __initdata;

static __init void *phys(uint64_t p)
{
	return (void *)(uintptr_t)(PAGE_OFFSET + p);
}

static __init const char *type_name(uint32_t type, char *buf, size_t len)
{
	switch (type) {
	case E820_RAM: return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI data";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	case E820_PMEM: case E820_PRAM:
		bm_snprintf(buf, len, "persistent (type %u)", type);
		return buf;
	case E820_SOFT_RESERVED: return "soft reserved";
	default:
		bm_snprintf(buf, len, "type %u", type);
		return buf;
	}
}

/* e820__print_table: the kernel's "BIOS-e820: [mem ...] usable" lines. */
static __init void print_table(const char *who)
{
	char buf[32];

	for (unsigned int i = 0; i < e820.n; i++)
		kprintf("%s: [mem 0x%016llx-0x%016llx] %s\n", who,
			(unsigned long long)e820.v[i].start,
			(unsigned long long)e820.v[i].end - 1,
			type_name(e820.v[i].type, buf, sizeof(buf)));
}

static __init void push(struct e820_table *t, phys_addr_t s, phys_addr_t e, uint32_t type)
{
	if (s < e && t->n < E820_MAX)
		t->v[t->n++] = (struct e820_entry){ s, e, type };
}

/*
 * e820__update_table: where entries overlap, the highest type wins;
 * touching entries of one type merge; empty entries go.
 */
static __init void sanitize(void)
{
	unsigned int np = 0;

	for (unsigned int i = 0; i < e820.n; i++) {
		scratch_pts[np++] = e820.v[i].start;
		scratch_pts[np++] = e820.v[i].end;
	}
	for (unsigned int i = 1; i < np; i++)
		for (unsigned int j = i; j > 0 && scratch_pts[j - 1] > scratch_pts[j]; j--) {
			phys_addr_t t = scratch_pts[j];

			scratch_pts[j] = scratch_pts[j - 1];
			scratch_pts[j - 1] = t;
		}
	scratch.n = 0;
	for (unsigned int i = 0; i + 1 < np; i++) {
		phys_addr_t a = scratch_pts[i], b = scratch_pts[i + 1];
		uint32_t type = 0;

		if (a == b)
			continue;
		for (unsigned int k = 0; k < e820.n; k++)
			if (e820.v[k].start <= a && e820.v[k].end >= b && e820.v[k].type > type)
				type = e820.v[k].type;
		if (!type)
			continue;
		if (scratch.n && scratch.v[scratch.n - 1].end == a &&
		    scratch.v[scratch.n - 1].type == type)
			scratch.v[scratch.n - 1].end = b;
		else
			push(&scratch, a, b, type);
	}
	e820 = scratch;
}

/* e820__range_update / e820__range_remove (new_type 0) of @old entries. */
static __init void range_update(phys_addr_t s, phys_addr_t e, uint32_t old, uint32_t new_type)
{
	unsigned int n = e820.n;

	for (unsigned int i = 0; i < n; i++) {
		struct e820_entry x = e820.v[i];
		phys_addr_t a = BM_MAX(x.start, s), b = BM_MIN(x.end, e);

		if (a >= b || x.type != old)
			continue;
		e820.v[i].end = a;
		if (new_type)
			push(&e820, a, b, new_type);
		push(&e820, b, x.end, x.type);
	}
	sanitize();
}

/**
 * firmware_map - read the e820 map the firmware left in the PVH start_info
 * @start_info_phys: %ebx at entry
 *
 * Prints it as the kernel does ("BIOS-provided physical RAM map:"), applies
 * trim_bios_range (page 0 reserved, 640K-1M not RAM) with the kernel's
 * "e820: update/remove" lines.
 * Return: the end of the highest RAM entry (page aligned down), 0 if the
 * boot information is unusable.
 */
static __init phys_addr_t firmware_map(uint32_t start_info_phys)
{
	const struct hvm_start_info *si = phys(start_info_phys);
	const struct hvm_memmap_table_entry *mm;
	phys_addr_t ram_end = 0;

	if (si->magic != PVH_MAGIC || si->version < 1 || !si->memmap_entries) {
		kprintf("bootmm-kernel: no PVH memory map (magic %#x version %u entries %u)\n",
			si->magic, si->version, si->memmap_entries);
		return 0;
	}
	mm = phys(si->memmap_paddr);
	for (unsigned int i = 0; i < si->memmap_entries && i < E820_MAX; i++)
		push(&e820, mm[i].addr, mm[i].addr + mm[i].size, mm[i].type);
	sanitize();
	kprintf("BIOS-provided physical RAM map:\n");
	print_table("BIOS-e820");
	/* trim_bios_range: the BIOS owns page 0 and 640K-1M is never RAM. */
	kprintf("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved\n");
	range_update(0, BM_PAGE_SIZE, E820_RAM, E820_RESERVED);
	kprintf("e820: remove [mem 0x000a0000-0x000fffff] usable\n");
	range_update(0xa0000, SZ_1M, E820_RAM, 0);
	for (unsigned int i = 0; i < e820.n; i++)
		if (e820.v[i].type == E820_RAM)
			ram_end = BM_MAX(ram_end, BM_ALIGN_DOWN(e820.v[i].end, BM_PAGE_SIZE));
	kprintf("last_pfn = %#llx max_arch_pfn = 0x400000000\n",
		(unsigned long long)BM_PFN_DOWN(ram_end));
	return ram_end;
}

/*
 * Fill @base..@end minus the reserved [0, 1M) and the image with garbage.
 * QEMU hands the guest zeroed RAM, real firmware does not: the memory
 * manager must not rely on what its memory held before it wrote it (the
 * simulator's phys_map reads as zero), so this kernel makes sure it cannot.
 */
static __init void poison(phys_addr_t base, phys_addr_t end, phys_addr_t img, phys_addr_t img_end)
{
	const phys_addr_t cuts[][2] = { { 0, SZ_1M }, { img, img_end } };

	for (unsigned int i = 0; i <= BM_ARRAY_SIZE(cuts) && base < end; i++) {
		phys_addr_t stop = i < BM_ARRAY_SIZE(cuts) ? BM_MIN(end, cuts[i][0]) : end;

		if (stop > base)
			memset(phys(base), 0xa5, (size_t)(stop - base));
		if (i < BM_ARRAY_SIZE(cuts))
			base = BM_MAX(base, cuts[i][1]);
	}
}

/**
 * setup_arch - the machine's memblock, from the firmware map
 * @m: storage for the machine, initialised here with phys_size = the end
 *     of RAM (the direct map backs it all)
 * @cfg: the kernel's configuration
 * @start_info_phys: the PVH start_info
 *
 * Return: 0, or -1 if there is no usable map or RAM beyond the direct map.
 * Context: boot, before the memory manager; __init.
 */
__init int setup_arch(struct bm_machine *m, const struct bm_config *cfg,
		      uint32_t start_info_phys)
{
	phys_addr_t ram_end = firmware_map(start_info_phys);
	phys_addr_t image = (phys_addr_t)(uintptr_t)_text;
	phys_addr_t image_end = BM_ALIGN_UP((phys_addr_t)(uintptr_t)_end, BM_PAGE_SIZE);

	if (!ram_end || ram_end > DIRECT_MAP_BYTES) {
		kprintf("bootmm-kernel: RAM ends at %#llx; this kernel maps %llu GiB\n",
			(unsigned long long)ram_end, DIRECT_MAP_BYTES >> 30);
		return -1;
	}
	if (bm_machine_init(m, &kernel_prim, cfg, ram_end))
		return -1;
	bm_set_phase(m, BM_PHASE_SETUP_ARCH);
	/* early_reserve_memory: the image, _text.._end. */
	m->caller = "early_reserve_memory";
	bm_memblock_reserve(m, image, image_end - image);
	/* e820__memblock_setup: exact RAM ranges, then page-trimmed. */
	m->caller = "e820__memblock_setup";
	for (unsigned int i = 0; i < e820.n; i++) {
		const struct e820_entry *e = &e820.v[i];

		if (e->type == E820_SOFT_RESERVED)
			bm_memblock_reserve(m, e->start, e->end - e->start);
		if (e->type == E820_RAM || e->type == E820_RESERVED_KERN)
			bm_memblock_add(m, e->start, e->end - e->start);
	}
	bm_memblock_trim_memory(m, BM_PAGE_SIZE);
	for (unsigned long i = 0; i < m->memblock.mb.memory.cnt; i++) {
		const struct memblock_region *r = &m->memblock.mb.memory.regions[i];

		poison(r->base, r->base + r->size, image, image_end);
	}
	/* setup_arch: the whole first MiB stays the firmware's. */
	m->caller = "setup_arch";
	bm_memblock_reserve(m, 0, SZ_1M);
	/* Everything up to the end of RAM is in the direct map. */
	bm_memblock_set_current_limit(m, ram_end);
	bm_memblock_allow_resize(m);
	/* dummy_numa_init: one node over [0, max_pfn). */
	m->caller = "numa_init";
	bm_memblock_set_node(m, 0, ram_end, false, 0);
	bm_memblock_set_node(m, 0, ram_end, true, 0);
	m->caller = "setup_arch";
	return 0;
}

/**
 * print_scenario - the machine as a bootmm scenario, one "bootmm-scn:" line each
 * @m: machine after setup_arch
 *
 * memory lines from memblock.memory, reserve lines for the first MiB and
 * the image's sections, the configuration: what `bootmm boot` needs to boot
 * the very same machine (tests/kernel_boot.sh extracts them).
 */
__init void print_scenario(struct bm_machine *m)
{
	const struct memblock_type *mem = &m->memblock.mb.memory;
#define PA(sym) ((unsigned long long)(uintptr_t)(sym))

	kprintf("bootmm-scn: name bootmm example kernel, QEMU q35 PVH\n");
	for (unsigned long i = 0; i < mem->cnt; i++)
		kprintf("bootmm-scn: memory 0x%llx-0x%llx node %d\n",
			(unsigned long long)mem->regions[i].base,
			(unsigned long long)(mem->regions[i].base + mem->regions[i].size - 1),
			mem->regions[i].nid);
	kprintf("bootmm-scn: reserve 0x0-0xfffff first-MiB\n");
	kprintf("bootmm-scn: kernel text=0x%llx-0x%llx rodata=0x%llx-0x%llx data=0x%llx-0x%llx "
		"init=0x%llx-0x%llx bss=0x%llx-0x%llx\n",
		PA(_text), PA(_etext) - 1, PA(__start_rodata), PA(__end_rodata) - 1,
		PA(_sdata), PA(_edata) - 1, PA(__init_begin), PA(__init_end) - 1,
		PA(__bss_start), PA(__bss_end) - 1);
	kprintf("bootmm-scn: config deferred=%s keep_memblock=%s policy=%s pageblock_order=%u "
		"max_page_order=%u\n",
		m->cfg.deferred_struct_page_init ? "on" : "off",
		m->cfg.arch_keep_memblock ? "on" : "off", bm_policy_name(m->cfg.release_policy),
		m->cfg.pageblock_order, m->cfg.max_page_order);
#undef PA
}
