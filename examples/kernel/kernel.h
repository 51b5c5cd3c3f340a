/* SPDX-License-Identifier: MIT */
/*
 * The example kernel: a minimal x86-64 kernel whose physical memory manager
 * is bootmm's freestanding core. Shared declarations.
 */
#ifndef EXAMPLE_KERNEL_H
#define EXAMPLE_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootmm/machine.h"

/* The direct map boot.S builds: physical address p is at PAGE_OFFSET + p. */
#define PAGE_OFFSET		0xffff888000000000ull
#define DIRECT_MAP_BYTES	(16ull << 30)	/* MAP_GIB in boot.S */

/* Code and data used only until free_initmem (released there). */
#define __init		__attribute__((section(".init.text"), noinline))
#define __initdata	__attribute__((section(".init.data")))

/* Linker symbols of the image (kernel.ld). */
extern char _text[], _etext[], __start_rodata[], __end_rodata[];
extern char _sdata[], _edata[], __init_begin[], __init_end[];
extern char __bss_start[], __bss_end[], _end[];

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* lib.c: the four functions freestanding C needs (core/internal.h). */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* serial.c: COM1, 115200 8N1, polled. */
void serial_init(void);
void serial_write(const char *s, size_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A bm_sink that writes to the serial port (core reports). */
extern struct bm_sink serial_sink;

/* prim.c: the platform contract (include/bootmm/prim.h). */
extern const struct bm_prim kernel_prim;
void tsc_calibrate(void);
void udelay(unsigned long us);

/* smp.c: application processors. */
unsigned int smp_init(void);
void smp_park(void);
void smp_parallel(bm_work_fn fn, void *arg, unsigned long nr);
/* Bytes of the host arena (zalloc) used at most. */
size_t arena_peak(void);

/* setup.c (init): firmware map -> memblock, the x86 way. */
int setup_arch(struct bm_machine *m, const struct bm_config *cfg, uint32_t start_info_phys);
/* The image's reservations and layout, for the scenario lines. */
void print_scenario(struct bm_machine *m);

/* main.c */
void poweroff(int pass) __attribute__((noreturn));

#endif /* EXAMPLE_KERNEL_H */
