/* SPDX-License-Identifier: MIT */
/*
 * Memory map, nodes, zones, pageblocks and the buddy allocator.
 * (Filled in by the memory-map issue; the machine embeds struct bm_mm.)
 */
#ifndef BOOTMM_MM_H
#define BOOTMM_MM_H

#include "types.h"

struct bm_mm {
	int placeholder;
};

#endif /* BOOTMM_MM_H */
