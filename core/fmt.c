// SPDX-License-Identifier: MIT
/*
 * A small printf for the freestanding core: enough for the kernel's log
 * formats (%#llx, %016llx, %-8s, %lu, ...), nothing more.
 */
#include "internal.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;	/* characters the full output needs */
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct fmt_out *o, const char *s, int width, int prec, bool left)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (prec < 0 || n < prec))
		n++;
	if (!left)
		for (int i = n; i < width; i++)
			put(o, ' ');
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		for (int i = n; i < width; i++)
			put(o, ' ');
}

static void put_num(struct fmt_out *o, uint64_t v, bool neg, unsigned base, bool upper,
		    int width, bool zero, bool left, bool alt)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, total;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	total = n + (neg ? 1 : 0) + (alt ? 2 : 0);
	if (!left && !zero)
		for (int i = total; i < width; i++)
			put(o, ' ');
	if (neg)
		put(o, '-');
	if (alt) {
		put(o, '0');
		put(o, upper ? 'X' : 'x');
	}
	if (!left && zero)
		for (int i = total; i < width; i++)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (int i = total; i < width; i++)
			put(o, ' ');
}

/**
 * bm_vsnprintf - format into a buffer
 * @buf: destination, always NUL-terminated when @size > 0
 * @size: bytes available in @buf
 * @fmt: format: flags '-' '0' '#', width, '.prec' (strings), length h hh l ll z,
 *       conversions d i u x X s c p %
 * @ap: arguments
 *
 * Return: the length the full output needs, as C's vsnprintf.
 */
int bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		int width = 0, prec = -1, lng = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 2;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			put_num(&o, u, s < 0, 10, false, width, zero, left, false);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_num(&o, u, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width,
				zero, left, alt && *fmt != 'u');
			break;
		case 'p':
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, false,
				width, zero, left, true);
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int bm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/**
 * bm_printf - format to a sink
 * @s: the sink; lines longer than 512 bytes are cut
 * @fmt: as bm_vsnprintf
 */
void bm_printf(struct bm_sink *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	s->write(s, line, (size_t)n);
}
