/* SPDX-License-Identifier: MIT */
/* Stand-in for a kernel-style host's <linux/sizes.h> (tests only), spelt
 * differently from bootmm's fallbacks: any second definition would warn. */
#ifndef TEST_HOST_LINUX_SIZES_H
#define TEST_HOST_LINUX_SIZES_H

#define TEST_HOST_SIZES		1
#define SZ_1			0x00000001
#define SZ_4K			0x00001000
#define SZ_1M			0x00100000
#define SZ_16M			0x01000000
#define SZ_64M			0x04000000
#define SZ_4G			(0x100000000ULL)

#endif
