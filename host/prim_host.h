/* SPDX-License-Identifier: MIT */
/*
 * The POSIX host's interface is public (installed): include/bootmm/host.h.
 * This name stays for the tree's own layers.
 */
#ifndef BOOTMM_HOST_PRIM_HOST_H
#define BOOTMM_HOST_PRIM_HOST_H

#include "bootmm/host.h"

#endif /* BOOTMM_HOST_PRIM_HOST_H */
