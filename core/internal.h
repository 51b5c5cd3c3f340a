/* SPDX-License-Identifier: MIT */
/*
 * Shared internals of the core library. Not installed; only the core sources include it.
 */
#ifndef BOOTMM_CORE_INTERNAL_H
#define BOOTMM_CORE_INTERNAL_H

#include "bootmm/machine.h"

/* Freestanding builds still need these four (GCC's freestanding contract);
 * the core calls them only through these names so a host can see them. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t bm_strlen(const char *s);
int bm_strcmp(const char *a, const char *b);

/*
 * BM_ASSERT - report a broken invariant naming the function and the values,
 * FreeBSD vm_phys.c style, then carry on as the kernel would (no abort: a
 * simulator must be able to show what happens next).
 */
#define BM_ASSERT(m, cond, fmt, ...)						\
	do {									\
		if (__builtin_expect(!(cond), 0))				\
			bm_violation((m), BM_V_INVARIANT, 0, 0, __func__,	\
				     "assertion '%s' failed: " fmt, #cond,	\
				     ##__VA_ARGS__);				\
	} while (0)

/* Report misuse of the API (bad argument, unreserved free, ...). */
#define bm_misuse(m, base, size, fmt, ...)					\
	bm_violation((m), BM_V_MISUSE, BM_PFN_DOWN(base),			\
		     BM_PFN_UP((base) + (size)), __func__, fmt, ##__VA_ARGS__)

/* Clamp @size so that base + size does not wrap (the kernel's memblock_cap_size). */
static inline phys_addr_t bm_cap_size(phys_addr_t base, phys_addr_t *size)
{
	return *size = BM_MIN(*size, BM_PHYS_ADDR_MAX - base);
}

static inline unsigned int bm_pageblock_order(const struct bm_machine *m)
{
	return m->cfg.pageblock_order;
}

static inline unsigned long bm_pageblock_nr_pages(const struct bm_machine *m)
{
	return 1ul << m->cfg.pageblock_order;
}

static inline unsigned int bm_max_order(const struct bm_machine *m)
{
	return m->cfg.max_page_order;
}

/* Zone free-list lock: a spinlock from compiler builtins (freestanding). */
static inline void bm_zone_lock(struct bm_zone *z)
{
	while (__atomic_exchange_n(&z->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&z->lock, __ATOMIC_RELAXED))
			;
}

static inline void bm_zone_unlock(struct bm_zone *z)
{
	__atomic_store_n(&z->lock, 0, __ATOMIC_RELEASE);
}

/*
 * Where a pageblock's migratetype is first set (kho.c decides MOVABLE or,
 * for KHO scratch with the seed-003 fix, CMA).
 */
enum bm_pb_init_site {
	BM_PB_INIT_EARLY,	/* memmap_init_range */
	BM_PB_INIT_DEFERRED,	/* deferred_init_pages */
	BM_PB_INIT_RESERVED,	/* reserve_bootmem_region of a deferred page */
};
void bm_init_pageblock_migratetype(struct bm_machine *m, bm_pfn_t pfn,
				   enum bm_pb_init_site site);
bool bm_is_kho_scratch(struct bm_machine *m, bm_pfn_t pfn);
void bm_kho_release_scratch(struct bm_machine *m);
void bm_reserve_bootmem_region(struct bm_machine *m, phys_addr_t start, phys_addr_t end,
			       int nid);

/*
 * deferred_grow_zone (deferred.c): initialise and free more of @zone's
 * deferred memory map so that an order-@order allocation can succeed.
 * Returns true if it made progress.
 */
bool bm_deferred_grow_zone(struct bm_machine *m, struct bm_zone *zone, unsigned int order);

/* Per-layer setup and teardown called by bm_machine_init/destroy. */
void bm_memblock_init_state(struct bm_machine *m);
int bm_mm_init_state(struct bm_machine *m);
void bm_mm_destroy_state(struct bm_machine *m);

#endif /* BOOTMM_CORE_INTERNAL_H */
