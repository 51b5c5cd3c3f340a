/* SPDX-License-Identifier: MIT */
/* Stand-in for a kernel-style host's <linux/pfn.h> (tests only). */
#ifndef TEST_HOST_LINUX_PFN_H
#define TEST_HOST_LINUX_PFN_H

#include <linux/mm.h>

#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))

#endif
