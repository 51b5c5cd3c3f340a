// SPDX-License-Identifier: MIT
/*
 * Line normalisation: what a kernel message looks like once the capture
 * around it is gone. Removes CR, terminal escape sequences and other
 * control characters, then the prefixes various tools put before a
 * message: syslog levels (<6>), dmesg -x facility:level, journalctl and
 * syslog "Mon DD HH:MM:SS host kernel:", ISO dates, dmesg -T dates, printk
 * timestamps and printk caller ids ([    T0], [  C1]).
 */
#include <string.h>

#include "host/bootlog_int.h"

static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Copy @in to @out without CR, escape sequences and control characters
 * (TAB is kept). Returns the length. */
static size_t strip_controls(const char *in, size_t len, char *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		if (c == 0x1b) {		/* ESC */
			i++;
			if (i >= len)
				break;
			c = (unsigned char)in[i];
			if (c == '[') {		/* CSI: params, intermediates, final */
				i++;
				while (i < len && (unsigned char)in[i] >= 0x20 &&
				       (unsigned char)in[i] <= 0x3f)
					i++;
				while (i < len && (unsigned char)in[i] >= 0x20 &&
				       (unsigned char)in[i] <= 0x2f)
					i++;
				if (i < len && (unsigned char)in[i] >= 0x40 &&
				    (unsigned char)in[i] <= 0x7e)
					i++;
			} else if (c == ']' || c == 'P' || c == '_' || c == '^') {
				/* OSC/DCS/APC/PM: up to BEL or ESC \ */
				i++;
				while (i < len) {
					if (in[i] == 0x07) {
						i++;
						break;
					}
					if (in[i] == 0x1b && i + 1 < len && in[i + 1] == '\\') {
						i += 2;
						break;
					}
					i++;
				}
			} else {
				/* ESC intermediates* final (ESC c, ESC ( B, ESC =) */
				while (i < len && (unsigned char)in[i] >= 0x20 &&
				       (unsigned char)in[i] <= 0x2f)
					i++;
				if (i < len && (unsigned char)in[i] >= 0x30 &&
				    (unsigned char)in[i] <= 0x7e)
					i++;
			}
			continue;
		}
		if (c == '\t' || c >= 0x20) {
			if (c != 0x7f)
				out[o++] = (char)c;
		}
		i++;
	}
	out[o] = '\0';
	return o;
}

static size_t digits(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && bm_isdigit(s[j]))
		j++;
	return j - i;
}

/* "HH:MM:SS" (+ optional .frac) at @i: end index or 0 */
static size_t match_hms(const char *s, size_t len, size_t i)
{
	if (i + 8 > len)
		return 0;
	if (!bm_isdigit(s[i]) || !bm_isdigit(s[i + 1]) || s[i + 2] != ':' ||
	    !bm_isdigit(s[i + 3]) || !bm_isdigit(s[i + 4]) || s[i + 5] != ':' ||
	    !bm_isdigit(s[i + 6]) || !bm_isdigit(s[i + 7]))
		return 0;
	i += 8;
	if (i < len && (s[i] == '.' || s[i] == ',') && i + 1 < len && bm_isdigit(s[i + 1]))
		i += 1 + digits(s, len, i + 1);
	return i;
}

/* "[ 1234.567890]" at @i: index after ']' or 0; @need6: exactly 6 decimals. */
static size_t match_ts(const char *s, size_t len, size_t i, bool need6)
{
	size_t n;

	if (i >= len || s[i] != '[')
		return 0;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	n = digits(s, len, i);
	if (!n)
		return 0;
	i += n;
	if (i >= len || s[i] != '.')
		return 0;
	i++;
	n = digits(s, len, i);
	if (!n || (need6 && n != 6))
		return 0;
	i += n;
	if (i >= len || s[i] != ']')
		return 0;
	return i + 1;
}

/* printk caller id "[    T0]" / "[  C1]" at @i */
static size_t match_caller(const char *s, size_t len, size_t i)
{
	size_t n;

	if (i >= len || s[i] != '[')
		return 0;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	i++;
	n = digits(s, len, i);
	if (!n)
		return 0;
	i += n;
	if (i >= len || s[i] != ']')
		return 0;
	return i + 1;
}

/* dmesg -T "[Sat Nov 21 22:29:49 2026]" */
static size_t match_ctime(const char *s, size_t len, size_t i)
{
	if (i + 26 > len || s[i] != '[')
		return 0;
	i++;
	if (!is_alpha(s[i]) || !is_alpha(s[i + 1]) || !is_alpha(s[i + 2]) || s[i + 3] != ' ')
		return 0;
	i += 4;
	if (!is_alpha(s[i]) || !is_alpha(s[i + 1]) || !is_alpha(s[i + 2]) || s[i + 3] != ' ')
		return 0;
	i += 4;
	if (!(s[i] == ' ' || bm_isdigit(s[i])) || !bm_isdigit(s[i + 1]) || s[i + 2] != ' ')
		return 0;
	i += 3;
	i = match_hms(s, len, i);
	if (!i || i >= len || s[i] != ' ')
		return 0;
	i++;
	if (digits(s, len, i) != 4)
		return 0;
	i += 4;
	if (i >= len || s[i] != ']')
		return 0;
	return i + 1;
}

/* ISO "2025-11-04T21:29:37[.,frac][+01:00|+0100|Z]" */
static size_t match_iso(const char *s, size_t len, size_t i)
{
	if (i + 19 > len)
		return 0;
	if (digits(s, len, i) != 4 || s[i + 4] != '-' || digits(s, len, i + 5) != 2 ||
	    s[i + 7] != '-' || digits(s, len, i + 8) != 2 || (s[i + 10] != 'T' && s[i + 10] != ' '))
		return 0;
	i = match_hms(s, len, i + 11);
	if (!i)
		return 0;
	if (i < len && s[i] == 'Z')
		i++;
	else if (i < len && (s[i] == '+' || s[i] == '-')) {
		size_t n = digits(s, len, i + 1);

		if (n == 2 && i + 3 < len && s[i + 3] == ':' && digits(s, len, i + 4) == 2)
			i += 6;
		else if (n == 4 || n == 2)
			i += 1 + n;
		else
			return 0;
	}
	return i;
}

/* "host kernel: " after a syslog/journal date at @i (after the space) */
static size_t match_host_kernel(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && s[j] != ' ')
		j++;
	if (j == i || j >= len)
		return 0;
	j++;
	if (j + 7 <= len && !memcmp(s + j, "kernel:", 7)) {
		j += 7;
		if (j < len && s[j] == ' ')
			j++;
		return j;
	}
	return 0;
}

/* "Nov 21 22:29:49 host kernel: " / "Nov  4 ..." */
static size_t match_syslog(const char *s, size_t len, size_t i)
{
	if (i + 16 > len)
		return 0;
	if (!is_alpha(s[i]) || !is_alpha(s[i + 1]) || !is_alpha(s[i + 2]) || s[i + 3] != ' ')
		return 0;
	i += 4;
	if (!(s[i] == ' ' || bm_isdigit(s[i])) || !bm_isdigit(s[i + 1]) || s[i + 2] != ' ')
		return 0;
	i = match_hms(s, len, i + 3);
	if (!i || i >= len || s[i] != ' ')
		return 0;
	return match_host_kernel(s, len, i + 1);
}

/* dmesg -x "kern  :info  : " */
static size_t match_facility(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && s[j] >= 'a' && s[j] <= 'z')
		j++;
	if (j == i || j - i > 8)
		return 0;
	while (j < len && s[j] == ' ')
		j++;
	if (j >= len || s[j] != ':')
		return 0;
	j++;
	i = j;
	while (j < len && s[j] >= 'a' && s[j] <= 'z')
		j++;
	if (j == i || j - i > 8)
		return 0;
	while (j < len && s[j] == ' ')
		j++;
	if (j + 1 >= len || s[j] != ':' || s[j + 1] != ' ')
		return 0;
	return j + 2;
}

size_t bm_normalize_line(const char *in, size_t len, char *out, const char **msg, bool *kernel)
{
	size_t n = strip_controls(in, len, out);
	size_t i = 0, k;
	bool any = false, again = true;
	int rounds = 0;

	while (again && rounds++ < 8) {
		again = false;
		/* syslog level "<6>" */
		if (i < n && out[i] == '<') {
			size_t d = digits(out, n, i + 1);

			if (d >= 1 && d <= 3 && i + 1 + d < n && out[i + 1 + d] == '>') {
				i += d + 2;
				any = again = true;
				continue;
			}
		}
		if ((k = match_syslog(out, n, i)) != 0) {
			i = k;
			any = again = true;
			continue;
		}
		if ((k = match_iso(out, n, i)) != 0) {
			size_t h;

			if (k < n && out[k] == ' ' && (h = match_host_kernel(out, n, k + 1)) != 0)
				k = h;
			else if (k < n && out[k] == ' ')
				k++;
			i = k;
			any = again = true;
			continue;
		}
		if ((k = match_ctime(out, n, i)) != 0) {
			i = k;
			if (i < n && out[i] == ' ')
				i++;
			any = again = true;
			continue;
		}
		if ((k = match_facility(out, n, i)) != 0) {
			i = k;
			any = again = true;
			continue;
		}
		if ((k = match_ts(out, n, i, false)) != 0 || (k = match_caller(out, n, i)) != 0) {
			i = k;
			if ((k = match_caller(out, n, i)) != 0 ||
			    (i < n && out[i] == ' ' && (k = match_caller(out, n, i + 1)) != 0))
				i = k;
			if (i < n && out[i] == ' ')
				i++;
			any = true;
			break;
		}
	}
	if (!any) {
		/* A timestamp after junk (serial noise, a console reset). */
		size_t j;

		for (j = 1; j + 3 < n; j++) {
			if (out[j] == '[' && (k = match_ts(out, n, j, true)) != 0) {
				i = k;
				if ((k = match_caller(out, n, i)) != 0)
					i = k;
				if (i < n && out[i] == ' ')
					i++;
				any = true;
				break;
			}
		}
	}
	*kernel = any;
	*msg = out + i;
	return n - i;
}

/* Length of a valid UTF-8 sequence at @s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (need > len)
		return 0;
	for (i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

size_t bm_binary_offset(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, bad = 0, first = len;
	void *nul = memchr(buf, 0, len);

	if (nul)
		return (size_t)((const char *)nul - buf);
	while (i < len) {
		unsigned char c = s[i];
		size_t l;

		if (c >= 0x80) {
			l = utf8_len(s + i, len - i);
			if (!l) {
				if (first == len)
					first = i;
				bad++;
				i++;
			} else {
				i += l;
			}
			continue;
		}
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b &&
		     c != 0x07 && c != 0x08) || c == 0x7f) {
			if (first == len)
				first = i;
			bad++;
		}
		i++;
	}
	if (bad && bad * 10 > len)
		return first;
	return len;
}
