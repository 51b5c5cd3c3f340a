// SPDX-License-Identifier: MIT
/*
 * The kernel messages about early memory that bootmm prints too, in the
 * kernel's own formats, with every prefix (timestamps, syslog, journal)
 * stripped: what "bootmm replay --diff" lines up against bootmm's log.
 */
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

static const char *const kept[] = {
	"Zone ranges:", "Movable zone start for each node", "Early memory node ranges",
	"Initmem setup node ", "On node ", "Memory: ", "Freeing ",
};

/* The indented entries of the Zone ranges / node ranges blocks. */
static bool block_entry(const char *m, size_t n)
{
	static const char *const zones[] = { "DMA ", "DMA32 ", "Normal ", "HighMem ", "Movable ",
					     "Device " };
	size_t i = 0;

	while (i < n && m[i] == ' ')
		i++;
	if (i < 2 || i == n)
		return false;
	if (bm_starts(m + i, n - i, "node ") && memchr(m + i, '[', n - i))
		return true;
	/* "  DMA      [mem ..]" / "  Device   empty", not 4.x's "  DMA zone:
	 * 64 pages used for memmap" (bootmm does not print those) */
	for (size_t z = 0; z < BM_ARRAY_SIZE(zones); z++)
		if (bm_starts(m + i, n - i, zones[z]) &&
		    (memchr(m + i, '[', n - i) || bm_starts(m + n - 5, 5, "empty")))
			return true;
	return false;
}

static bool wanted(const char *m, size_t n)
{
	for (size_t i = 0; i < BM_ARRAY_SIZE(kept); i++)
		if (bm_starts(m, n, kept[i]))
			return !bm_starts(m, n, "On node ") || memchr(m, ',', n);
	if (bm_starts(m, n, "node ") && n > 5 && bm_isdigit(m[5]))
		return true;	/* "node 0 deferred pages initialised in 29ms" */
	return block_entry(m, n);
}

/*
 * "node 0 deferred pages initialised in 29ms": the time is the host's
 * (the kernel's boot, or bootmm's simulated 0ms), not a memory fact; shown
 * as "*ms" so that it never makes a difference.
 */
static void mask_time(char *s)
{
	char *in = strstr(s, " initialised in "), *d, *e;

	if (!in || strncmp(s, "node ", 5))
		return;
	d = in + 16;
	for (e = d; *e >= '0' && *e <= '9'; e++)
		;
	if (e == d || strcmp(e, "ms"))
		return;
	*d = '*';
	memmove(d + 1, e, strlen(e) + 1);
}

/**
 * bm_memory_messages - the early-memory kernel messages of a log
 * @buf: the log's text (dmesg, journalctl -k, syslog, serial console)
 * @len: its length
 * @nlines: set to the number of lines returned
 *
 * Keeps Zone ranges, Movable zone start, Early memory node ranges and
 * their entries, Initmem setup, "On node N, zone Z: .. unavailable
 * ranges", Memory:, "node N deferred pages initialised in *ms" (the time
 * masked) and Freeing lines, trailing blanks removed.
 *
 * Return: a malloc'ed array of malloc'ed strings (free each and the
 * array), NULL when out of memory (*nlines 0). Context: any.
 */
char **bm_memory_messages(const char *buf, size_t len, size_t *nlines)
{
	char **v = NULL, *tmp = NULL;
	size_t n = 0, cap = 0, tcap = 0;
	const char *p = buf, *e = buf + len;

	*nlines = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *msg;
		size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p), ml;
		bool kernel;

		if (l + 1 > tcap) {
			char *t = realloc(tmp, l + 1);

			if (!t)
				goto oom;
			tmp = t;
			tcap = l + 1;
		}
		ml = bm_normalize_line(p, l, tmp, &msg, &kernel);
		while (ml && (msg[ml - 1] == ' ' || msg[ml - 1] == '\r' || msg[ml - 1] == '\t'))
			ml--;
		p = nl ? nl + 1 : e;
		if (!wanted(msg, ml))
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv)
				goto oom;
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[n] = malloc(ml + 1);
		if (!v[n])
			goto oom;
		memcpy(v[n], msg, ml);
		v[n][ml] = '\0';
		mask_time(v[n++]);
	}
	free(tmp);
	*nlines = n;
	return v ? v : calloc(1, sizeof(*v));
oom:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	free(tmp);
	return NULL;
}
