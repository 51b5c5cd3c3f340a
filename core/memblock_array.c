// SPDX-License-Identifier: MIT
/*
 * memblock: a type's region array, kept as a window.
 *
 * The kernel keeps a type's regions at the start of its array, walks from
 * index 0 to find where a range goes, and moves the whole tail on every
 * insertion and removal: at 100,000 regions each operation costs a walk
 * and a move of up to 2.4 MB. bootmm keeps regions[i], cnt, max and
 * total_size exactly as the kernel has them, but
 *  - finds the place by binary search (the ends first: registrations and
 *    frees in ascending or descending order hit them every time);
 *  - holds a doubled array's regions as a window [regions, regions + cnt)
 *    anywhere inside its max entries, and moves whichever side of the
 *    window is shorter: an insertion or removal at either end moves
 *    nothing, one in the middle half of what the kernel moves at most.
 *    When that side has no room left the window is centred first (one
 *    move of the window; the room on either side is then half the slack).
 * A static array (the 128 entries a boot starts with) keeps its window at
 * its first entry, as the kernel does: code that holds a pointer into it
 * across calls (the kernel's own test suite does) sees what it would see
 * in the kernel. Index-based readers, which is every reader in the kernel
 * and in bootmm, cannot tell the difference for doubled arrays either.
 */
#include "internal.h"

#define RGN_BYTES	sizeof(struct memblock_region)

static inline phys_addr_t rgn_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

/**
 * bm_memblock_search - the first region of a type ending above an address
 * @type: the type
 * @base: the address
 *
 * Regions are sorted and disjoint, so their ends ascend too.
 *
 * Return: the index, type->cnt if every region ends at or below @base.
 * Context: any.
 */
unsigned long bm_memblock_search(const struct memblock_type *type, phys_addr_t base)
{
	const struct memblock_region *r = type->regions;
	unsigned long lo = 0, n = type->cnt;

	if (!n || rgn_end(&r[n - 1]) <= base)
		return n;
	if (rgn_end(&r[0]) > base)
		return 0;
	/* The last region: frees in descending order. */
	if (rgn_end(&r[n - 2]) <= base)
		return n - 1;
	/* The answer is in [lo, lo + n]; no branch on the data inside. */
	while (n > 1) {
		unsigned long half = n / 2;

		lo = rgn_end(&r[lo + half - 1]) <= base ? lo + half : lo;
		n -= half;
	}
	return lo + (rgn_end(&r[lo]) <= base);
}

/* Centre the window of a movable array: half the slack on either side. */
static void centre(struct memblock_type *type, struct memblock_region *buf)
{
	struct memblock_region *to = buf + (type->max - type->cnt) / 2;

	memmove(to, type->regions, type->cnt * RGN_BYTES);
	type->regions = to;
}

/**
 * bm_memblock_open_slot - make room for one region at an index
 * @m: machine
 * @type: the type, with cnt < max
 * @idx: index the new region will have, <= cnt
 *
 * Regions at and above @idx keep their order and move up one index;
 * type->cnt grows by one. The caller fills the slot and accounts for it.
 *
 * Return: &type->regions[idx]. Context: setup.
 */
struct memblock_region *bm_memblock_open_slot(struct bm_machine *m, struct memblock_type *type,
					      unsigned long idx)
{
	bool movable;
	struct memblock_region *buf = bm_memblock_array(m, type, &movable);
	unsigned long cnt = type->cnt;

	if (movable) {
		bool front = idx < cnt - idx;
		unsigned long off = (unsigned long)(type->regions - buf);

		if (front ? off == 0 : off + cnt == type->max) {
			centre(type, buf);
			off = (unsigned long)(type->regions - buf);
		}
		/* With one free entry, centring leaves it at the end. */
		if (front && off) {
			memmove(type->regions - 1, type->regions, idx * RGN_BYTES);
			type->regions--;
			type->cnt++;
			return &type->regions[idx];
		}
	}
	memmove(&type->regions[idx + 1], &type->regions[idx], (cnt - idx) * RGN_BYTES);
	type->cnt++;
	return &type->regions[idx];
}

/**
 * bm_memblock_close_slot - drop the region at an index
 * @m: machine
 * @type: the type, cnt >= 1
 * @idx: index, < cnt
 *
 * Regions above @idx move down one index; type->cnt drops by one. An
 * emptied movable array's window is centred, so that the next registrations
 * find room on both sides. The caller accounts for the size and writes the
 * empty marker. Context: setup.
 */
void bm_memblock_close_slot(struct bm_machine *m, struct memblock_type *type, unsigned long idx)
{
	bool movable;
	struct memblock_region *buf = bm_memblock_array(m, type, &movable);
	unsigned long cnt = type->cnt;

	if (movable && idx < cnt - 1 - idx) {
		memmove(type->regions + 1, type->regions, idx * RGN_BYTES);
		type->regions++;
	} else {
		memmove(&type->regions[idx], &type->regions[idx + 1],
			(cnt - 1 - idx) * RGN_BYTES);
	}
	type->cnt--;
	if (movable && !type->cnt)
		type->regions = buf + type->max / 2;
}

/**
 * bm_memblock_array_move - put a type's window into a new, larger array
 * @type: the type; type->max is still the old capacity
 * @to: the new array
 * @new_max: its capacity, > type->cnt
 *
 * The window is centred in @to and every other entry zeroed (the kernel
 * copies its array to the start of the new one and zeroes the rest); the
 * caller sets type->max and frees the old array.
 * Context: double_array().
 */
void bm_memblock_array_move(struct memblock_type *type, struct memblock_region *to,
			    unsigned long new_max)
{
	unsigned long cnt = type->cnt, off = (new_max - cnt) / 2;

	memset(to, 0, off * RGN_BYTES);
	memcpy(to + off, type->regions, cnt * RGN_BYTES);
	memset(to + off + cnt, 0, (new_max - off - cnt) * RGN_BYTES);
	/* An empty type's marker, regions[0], comes along zeroed. */
	if (!cnt)
		to[off].nid = BM_MAX_NUMNODES;
	type->regions = to + off;
}
