/* SPDX-License-Identifier: MIT */
/* Stand-in for a kernel-style host's <linux/cache.h> (tests only): a cache
 * line of 32 bytes, as the kernel's tools/include has, not bootmm's 64. */
#ifndef TEST_HOST_LINUX_CACHE_H
#define TEST_HOST_LINUX_CACHE_H

#define L1_CACHE_BYTES		32
#define SMP_CACHE_BYTES		L1_CACHE_BYTES

#endif
