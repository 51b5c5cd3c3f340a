// SPDX-License-Identifier: MIT
/*
 * memblock: the attributes of ranges: setting and clearing flags (HOTPLUG,
 * MIRROR, NOMAP, DRIVER_MANAGED, RSRV_NOINIT, KHO_SCRATCH) and the node
 * (memblock_set_node), each by isolating the range and merging after.
 */
#include "internal.h"

/**
 * bm_memblock_setclr_flag - set or clear a flag on a range
 * @m: machine
 * @reserved: act on memblock.reserved instead of memblock.memory
 * @base: start
 * @size: size; 0 is a no-op
 * @set: non-zero to set, zero to clear
 * @flag: the flag(s)
 *
 * Return: 0 or -BM_ENOMEM. Context: setup.
 */
int bm_memblock_setclr_flag(struct bm_machine *m, bool reserved, phys_addr_t base,
			    phys_addr_t size, int set, enum memblock_flags flag)
{
	/* Every flag enum memblock_flags defines; keep in step with it. */
	const unsigned int known = MEMBLOCK_HOTPLUG | MEMBLOCK_MIRROR | MEMBLOCK_NOMAP |
				   MEMBLOCK_DRIVER_MANAGED | MEMBLOCK_RSRV_NOINIT |
				   MEMBLOCK_RSRV_KERN | MEMBLOCK_KHO_SCRATCH |
				   MEMBLOCK_BM_RELEASE | MEMBLOCK_BM_MEMMAP_INIT;
	struct memblock_type *type = reserved ? &m->memblock.mb.reserved :
						&m->memblock.mb.memory;
	int i, ret, start_rgn, end_rgn;

	if (!flag || ((unsigned int)flag & ~known)) {
		m->memblock.misuse++;
		bm_misuse(m, base, 0, "memblock %s of flags %#x: %s: refused",
			  set ? "mark" : "clear", (unsigned int)flag,
			  flag ? "unknown flag bits" : "no flag");
		return -BM_EINVAL;
	}
	ret = bm_memblock_isolate_range(m, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++) {
		struct memblock_region *r = &type->regions[i];

		if (set)
			r->flags |= flag;
		else
			r->flags &= ~flag;
	}
	bm_memblock_merge_regions(m, type, (unsigned long)start_rgn, (unsigned long)end_rgn);
	return 0;
}

/* The public mark/clear calls on memory: refused once the buddy owns it. */
static int setclr_memory(struct bm_machine *m, const char *fn, phys_addr_t base,
			 phys_addr_t size, int set, enum memblock_flags flag)
{
	if (bm_memblock_memory_sealed(m, fn, base, size))
		return -BM_EINVAL;
	return bm_memblock_setclr_flag(m, false, base, size, set, flag);
}

/**
 * bm_memblock_mark_hotplug - flag memory HOTPLUG
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_mark_hotplug(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_mark_hotplug", base, size, 1, MEMBLOCK_HOTPLUG);
}

/**
 * bm_memblock_clear_hotplug - unflag HOTPLUG
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_clear_hotplug(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_setclr_flag(m, false, base, size, 0, MEMBLOCK_HOTPLUG);
}

/**
 * bm_memblock_mark_mirror - flag memory MIRROR
 * @m: machine
 * @base: start
 * @size: size
 *
 * A no-op unless m->memblock.mirrored_kernelcore (kernelcore=mirror), as in
 * the kernel; otherwise allocations prefer mirrored memory from now on.
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_mark_mirror(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	if (bm_memblock_memory_sealed(m, "memblock_mark_mirror", base, size))
		return -BM_EINVAL;
	if (!m->memblock.mirrored_kernelcore)
		return 0;
	m->memblock.has_some_mirror = true;
	return bm_memblock_setclr_flag(m, false, base, size, 1, MEMBLOCK_MIRROR);
}

/**
 * bm_memblock_mark_nomap - flag memory NOMAP
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_mark_nomap(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_mark_nomap", base, size, 1, MEMBLOCK_NOMAP);
}

/**
 * bm_memblock_clear_nomap - unflag NOMAP
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_clear_nomap(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_clear_nomap", base, size, 0, MEMBLOCK_NOMAP);
}

/**
 * bm_memblock_mark_driver_managed - flag memory DRIVER_MANAGED
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: any.
 */
int bm_memblock_mark_driver_managed(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_mark_driver_managed", base, size, 1, MEMBLOCK_DRIVER_MANAGED);
}

/**
 * bm_memblock_reserved_mark_noinit - flag reserved RSRV_NOINIT
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_reserved_mark_noinit(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return bm_memblock_setclr_flag(m, true, base, size, 1, MEMBLOCK_RSRV_NOINIT);
}

/**
 * bm_memblock_mark_kho_scratch - flag memory KHO_SCRATCH
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_mark_kho_scratch(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_mark_kho_scratch", base, size, 1, MEMBLOCK_KHO_SCRATCH);
}

/**
 * bm_memblock_clear_kho_scratch - unflag KHO_SCRATCH
 * @m: machine
 * @base: start of the range
 * @size: size of the range; 0 is a no-op
 *
 * Return: 0 or -errno. Context: setup.
 */
int bm_memblock_clear_kho_scratch(struct bm_machine *m, phys_addr_t base, phys_addr_t size)
{
	return setclr_memory(m, "memblock_clear_kho_scratch", base, size, 0, MEMBLOCK_KHO_SCRATCH);
}

/**
 * bm_memblock_set_node - assign a node to a range
 * @m: machine
 * @base: start
 * @size: size; 0 is a no-op
 * @reserved: act on memblock.reserved instead of memblock.memory
 * @nid: the node, NUMA_NO_NODE..MAX_NUMNODES
 *
 * Return: 0, -BM_ENOMEM, or -BM_EINVAL for a nid out of range or memory
 * re-noded after sparse_init (misuse). Context: setup (numa init,
 * memmap_init_reserved_pages).
 */
int bm_memblock_set_node(struct bm_machine *m, phys_addr_t base, phys_addr_t size,
			 bool reserved, int nid)
{
	/* Reserved regions get their node in memmap_init_reserved_pages. */
	if (!reserved && bm_memblock_memory_mapped(m, "memblock_set_node", base, size))
		return -BM_EINVAL;
	struct memblock_type *type = reserved ? &m->memblock.mb.reserved :
						&m->memblock.mb.memory;
	int i, ret, start_rgn, end_rgn;

	if (nid < BM_NUMA_NO_NODE || nid > BM_MAX_NUMNODES) {
		m->memblock.misuse++;
		bm_misuse(m, base, 0, "memblock_set_node: nid %d out of range", nid);
		return -BM_EINVAL;
	}
	ret = bm_memblock_isolate_range(m, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		type->regions[i].nid = nid;
	bm_memblock_merge_regions(m, type, (unsigned long)start_rgn, (unsigned long)end_rgn);
	return 0;
}
