/* SPDX-License-Identifier: MIT */
/*
 * bench_buddy's trace format, shared with the peer glue it compiles at run
 * time (peer_buddy_alloc.c). One 32-bit event per operation: bit 31 alloc,
 * bits 27-30 order, bits 25-26 migratetype, bits 0-24 slot.
 */
#ifndef BOOTMM_BENCH_BUDDY_TRACE_H
#define BOOTMM_BENCH_BUDDY_TRACE_H

#define EV_ALLOC		(1u << 31)
#define EV_ORDER(e)		(((e) >> 27) & 0xf)
#define EV_MT(e)		(((e) >> 25) & 0x3)
#define EV_SLOT(e)		((e) & 0x1ffffff)
#define EV_MAKE(a, o, mt, s)	(((a) ? EV_ALLOC : 0) | ((uint32_t)(o) << 27) | \
				 ((uint32_t)(mt) << 25) | (uint32_t)(s))
#define BUDDY_NO_SLOT		0xffffffffu

#endif
