// SPDX-License-Identifier: MIT
/*
 * Deferred struct page init (CONFIG_DEFERRED_STRUCT_PAGE_INIT).
 */
#include "internal.h"

bool bm_deferred_grow_zone(struct bm_machine *m, struct bm_zone *zone, unsigned int order)
{
	(void)m;
	(void)zone;
	(void)order;
	return false;
}
