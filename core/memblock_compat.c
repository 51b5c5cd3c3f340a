// SPDX-License-Identifier: MIT
/*
 * The current machine of include/linux/memblock.h: the one global pointer
 * in bootmm, kept here so the rest of the core stays free of globals. Only
 * the compatibility layer reads it.
 */
#include "linux/memblock.h"

static struct bm_machine *bm_compat_machine;

/**
 * bm_current_machine - the machine the kernel-named API acts on
 *
 * Return: the pointer last given to bm_set_current_machine(), NULL before.
 * Context: single-threaded use of the compatibility layer.
 */
struct bm_machine *bm_current_machine(void)
{
	return bm_compat_machine;
}

/**
 * bm_set_current_machine - bind the kernel-named API to a machine
 * @m: the machine, or NULL to unbind
 *
 * Context: single-threaded; not for the core's own use.
 */
void bm_set_current_machine(struct bm_machine *m)
{
	bm_compat_machine = m;
}
