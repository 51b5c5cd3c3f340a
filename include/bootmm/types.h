/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every layer of bootmm. Freestanding: only the
 * compiler's own headers are used, so the core builds with -ffreestanding.
 */
#ifndef BOOTMM_TYPES_H
#define BOOTMM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;
typedef uint64_t bm_pfn_t;

#define BM_PAGE_SHIFT		12
#define BM_PAGE_SIZE		((phys_addr_t)1 << BM_PAGE_SHIFT)
#define BM_PAGE_MASK		(~(BM_PAGE_SIZE - 1))
#define BM_PHYS_ADDR_MAX	(~(phys_addr_t)0)

/* Section size of x86-64 SPARSEMEM: 128 MiB, 32768 pages. */
#define BM_SECTION_SHIFT	27
#define BM_PAGES_PER_SECTION	((bm_pfn_t)1 << (BM_SECTION_SHIFT - BM_PAGE_SHIFT))

/* Bytes the kernel spends on one struct page on x86-64. */
#define BM_KERNEL_STRUCT_PAGE	64

#define BM_NUMA_NO_NODE		(-1)
#define BM_MAX_NUMNODES		64
#define BM_SMP_CACHE_BYTES	64

/* Error numbers: the kernel's values, returned negated as the kernel does. */
#define BM_ENOENT	2
#define BM_ENOMEM	12
#define BM_EBUSY	16
#define BM_EEXIST	17
#define BM_EINVAL	22
#define BM_ERANGE	34
#define BM_EOPNOTSUPP	95

#define BM_ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define BM_ALIGN_UP(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define BM_IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BM_PFN_UP(x)		(((x) + BM_PAGE_SIZE - 1) >> BM_PAGE_SHIFT)
#define BM_PFN_DOWN(x)		((x) >> BM_PAGE_SHIFT)
#define BM_PFN_PHYS(x)		((phys_addr_t)(x) << BM_PAGE_SHIFT)
#define BM_MIN(a, b)		((a) < (b) ? (a) : (b))
#define BM_MAX(a, b)		((a) > (b) ? (a) : (b))
#define BM_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* BOOTMM_TYPES_H */
