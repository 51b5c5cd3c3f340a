/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for a kernel-style host's <linux/mm.h> (bootmm's own text):
 * the page constants in the kernel's spelling, and through the kernel's
 * <linux/mmzone.h> a pageblock_order macro, the name of a bm_config member.
 * Used by tests/test_compat_kernel_host.c only.
 */
#ifndef TEST_HOST_LINUX_MM_H
#define TEST_HOST_LINUX_MM_H

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PHYS_ADDR_MAX		(~(phys_addr_t)0)
#define PAGE_ALIGN(x)		(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define pageblock_order		10

#endif
