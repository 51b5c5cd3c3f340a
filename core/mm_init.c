// SPDX-License-Identifier: MIT
/*
 * Memory map state lifetime (filled in by the memory-map issue).
 */
#include "internal.h"

int bm_mm_init_state(struct bm_machine *m)
{
	(void)m;
	return 0;
}

void bm_mm_destroy_state(struct bm_machine *m)
{
	(void)m;
}
