// SPDX-License-Identifier: MIT
/*
 * "bootmm replay --diff": the kernel's early-memory lines against bootmm's,
 * as a unified diff (diff -u's format, 3 lines of context), so the first
 * disagreement is visible at a glance. The lines are few (tens to a few
 * hundred), so a plain longest-common-subsequence table does.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CONTEXT 3
/* a * b cells of the table; far above any boot log's line count squared */
#define MAX_CELLS ((size_t)1 << 26)

struct op {
	char kind;		/* ' ', '-', '+' */
	size_t a, b;		/* line indices (the kernel's, bootmm's) */
};

static void hunk(FILE *out, char *const *a, char *const *b, const struct op *ops, size_t s,
		 size_t e)
{
	size_t a0 = 0, b0 = 0, na = 0, nb = 0;
	bool seta = false, setb = false;

	for (size_t i = s; i < e; i++) {
		if (ops[i].kind != '+') {
			if (!seta)
				a0 = ops[i].a, seta = true;
			na++;
		}
		if (ops[i].kind != '-') {
			if (!setb)
				b0 = ops[i].b, setb = true;
			nb++;
		}
	}
	/* diff -u: an empty side is "start,0" with start the line before */
	fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? a0 + 1 : (s < e ? ops[s].a : 0), na,
		nb ? b0 + 1 : (s < e ? ops[s].b : 0), nb);
	for (size_t i = s; i < e; i++)
		fprintf(out, "%c%s\n", ops[i].kind, ops[i].kind == '+' ? b[ops[i].b] : a[ops[i].a]);
}

/**
 * cli_unified_diff - print @a against @b as a unified diff
 * @out: output
 * @name_a: label of the "---" side
 * @a: lines
 * @na: count
 * @name_b: label of the "+++" side
 * @b: lines
 * @nb: count
 *
 * Return: 0 identical, 1 different, -1 out of memory or too many lines.
 */
int cli_unified_diff(FILE *out, const char *name_a, char *const *a, size_t na,
		     const char *name_b, char *const *b, size_t nb)
{
	size_t cells = (na + 1) * (nb + 1), n = 0, i = 0, j = 0, k;
	unsigned *len;
	struct op *ops;
	bool differ = false;

	if (na && cells / na < nb + 1)
		return -1;
	if (cells > MAX_CELLS)
		return -1;
	len = calloc(cells, sizeof(*len));
	ops = malloc((na + nb + 1) * sizeof(*ops));
	if (!len || !ops) {
		free(len);
		free(ops);
		return -1;
	}
	/* len[i][j]: LCS of a[i..] and b[j..] */
	for (size_t x = na + 1; x-- > 0;)
		for (size_t y = nb + 1; y-- > 0;) {
			unsigned *c = &len[x * (nb + 1) + y];

			if (x == na || y == nb)
				*c = 0;
			else if (!strcmp(a[x], b[y]))
				*c = len[(x + 1) * (nb + 1) + y + 1] + 1;
			else
				*c = BM_MAX(len[(x + 1) * (nb + 1) + y], len[x * (nb + 1) + y + 1]);
		}
	while (i < na || j < nb) {
		if (i < na && j < nb && !strcmp(a[i], b[j])) {
			ops[n++] = (struct op){ ' ', i++, j++ };
		} else if (i < na && (j == nb || len[(i + 1) * (nb + 1) + j] >= len[i * (nb + 1) + j + 1])) {
			/* removals first, as diff -u prints them */
			ops[n++] = (struct op){ '-', i++, j };
			differ = true;
		} else {
			ops[n++] = (struct op){ '+', i, j++ };
			differ = true;
		}
	}
	free(len);
	if (!differ) {
		free(ops);
		return 0;
	}
	fprintf(out, "--- %s\n+++ %s\n", name_a, name_b);
	/* hunks: changes with CONTEXT lines around, merged when close */
	for (k = 0; k < n;) {
		size_t s, e, last;

		while (k < n && ops[k].kind == ' ')
			k++;
		if (k == n)
			break;
		s = k > CONTEXT ? k - CONTEXT : 0;
		last = k;
		for (e = k; e < n; e++) {
			if (ops[e].kind != ' ')
				last = e;
			else if (e - last > 2 * CONTEXT)
				break;
		}
		e = BM_MIN(last + 1 + CONTEXT, n);
		hunk(out, a, b, ops, s, e);
		k = e;
	}
	free(ops);
	return 1;
}
