// SPDX-License-Identifier: MIT
/*
 * COM1 at 0x3f8, polled: the kernel's console (QEMU -nographic puts it on
 * standard output). Lines are formatted by the core's own bm_vsnprintf.
 */
#include "kernel.h"

#define COM1	0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

static void putc_raw(char c)
{
	/* Wait for the transmit holding register; bounded so a missing UART
	 * cannot hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putc_raw(s[i]);
}

/**
 * kprintf - print a formatted line fragment on the console
 * @fmt: bm_vsnprintf format; output longer than 320 bytes is cut
 *
 * Context: any; not reentrant (one CPU, no interrupts).
 */
void kprintf(const char *fmt, ...)
{
	char buf[320];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	serial_write(buf, (size_t)n);
}

static void sink_write(struct bm_sink *s, const char *buf, size_t len)
{
	(void)s;
	serial_write(buf, len);
}

struct bm_sink serial_sink = { .write = sink_write };
