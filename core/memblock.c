// SPDX-License-Identifier: MIT
/*
 * memblock: region arrays, add/remove/reserve, merge and split.
 */
#include "internal.h"

void bm_memblock_init_state(struct bm_machine *m)
{
	struct bm_memblock_state *s = &m->memblock;

	s->mb.memory.regions = s->memory_init;
	s->mb.memory.max = INIT_MEMBLOCK_REGIONS;
	s->mb.memory.name = "memory";
	s->mb.reserved.regions = s->reserved_init;
	s->mb.reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS;
	s->mb.reserved.name = "reserved";
	s->mb.bottom_up = false;
	s->mb.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	s->keep = m->cfg.arch_keep_memblock;
	s->movable_node = m->cfg.movable_node;
}
