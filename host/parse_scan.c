// SPDX-License-Identifier: MIT
/*
 * The parsers' toolbox: a strict line scanner whose errors say where a line
 * is cut or wrong, range checks, errors, dynamic arrays and the string
 * arena of a log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

/* -------------------------------------------------------------- errors */

void bm_set_error(struct bm_parse_error *err, const char *file, unsigned line,
		  const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "(input)");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static int vfail(struct bm_parser *p, unsigned line, const char *fmt, va_list ap)
{
	if (p->err) {
		snprintf(p->err->file, sizeof(p->err->file), "%s", p->name ? p->name : "(input)");
		p->err->line = line;
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	}
	return -1;
}

int bm_fail(struct bm_parser *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(p, p->line, fmt, ap);
	va_end(ap);
	return rc;
}

int bm_fail_line(struct bm_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(p, line, fmt, ap);
	va_end(ap);
	return rc;
}

const char *bm_parse_error_format(const struct bm_parse_error *err, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!err)
		snprintf(buf, len, "(no error)");
	else if (err->line)
		snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	return buf;
}

/* ------------------------------------------------------------- scanner */

void bm_sc_ws(struct bm_sc *sc)
{
	while (sc->p < sc->e && bm_isspace(*sc->p))
		sc->p++;
}

bool bm_sc_peek(const struct bm_sc *sc, const char *lit)
{
	size_t l = strlen(lit);

	return (size_t)(sc->e - sc->p) >= l && !memcmp(sc->p, lit, l);
}

bool bm_sc_lit(struct bm_sc *sc, const char *lit)
{
	if (!bm_sc_peek(sc, lit))
		return false;
	sc->p += strlen(lit);
	return true;
}

int bm_sc_fail(struct bm_parser *p, const struct bm_sc *sc, const char *expected)
{
	/* A line that ends where more was due, or that ends in a prefix of
	 * what was due, was cut. */
	size_t rest = (size_t)(sc->e - sc->p);

	if (rest == 0 || (expected && rest < strlen(expected) &&
			  !memcmp(sc->p, expected, rest)))
		return bm_fail(p, "truncated %s (line ends after \"%.*s\")", sc->what,
			       (int)BM_MIN((size_t)(sc->e - sc->s), (size_t)60),
			       sc->e - BM_MIN((size_t)(sc->e - sc->s), (size_t)60));
	return bm_fail(p, "malformed %s: expected %s at column %u, found \"%.*s\"",
		       sc->what, expected ? expected : "more", (unsigned)(sc->p - sc->s) + 1,
		       (int)BM_MIN(rest, (size_t)20), sc->p);
}

int bm_sc_expect(struct bm_parser *p, struct bm_sc *sc, const char *lit)
{
	char q[64];

	if (bm_sc_lit(sc, lit))
		return 0;
	snprintf(q, sizeof(q), "\"%s\"", lit);
	if (bm_sc_eol(sc) || ((size_t)(sc->e - sc->p) < strlen(lit) &&
			      !memcmp(sc->p, lit, (size_t)(sc->e - sc->p))))
		return bm_sc_fail(p, sc, NULL);
	return bm_sc_fail(p, sc, q);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bm_sc_hex(struct bm_parser *p, struct bm_sc *sc, int prefix, uint64_t *v)
{
	uint64_t x = 0;
	const char *start;
	bool big = false;

	if (prefix == 1) {
		if (bm_sc_eol(sc) || (sc->e - sc->p == 1 && *sc->p == '0'))
			return bm_sc_fail(p, sc, NULL);
		if (!bm_sc_lit(sc, "0x") && !bm_sc_lit(sc, "0X"))
			return bm_sc_fail(p, sc, "a hex number (0x...)");
	} else if (prefix == 2) {
		if (!bm_sc_lit(sc, "0x"))
			bm_sc_lit(sc, "0X");
	}
	start = sc->p;
	while (sc->p < sc->e && hexval(*sc->p) >= 0) {
		if (x >> 60)
			big = true;
		x = (x << 4) | (uint64_t)hexval(*sc->p);
		sc->p++;
	}
	if (sc->p == start)
		return bm_sc_fail(p, sc, "a hex number");
	if (sc->p < sc->e && ((*sc->p >= 'g' && *sc->p <= 'z') || (*sc->p >= 'G' && *sc->p <= 'Z')) &&
	    *sc->p != 'x')
		return bm_fail(p, "malformed number \"%.*s\" in %s", (int)(sc->p - start + 1), start,
			       sc->what);
	if (big)
		return bm_fail(p, "number 0x%.*s in %s does not fit in 64 bits",
			       (int)BM_MIN((size_t)(sc->p - start), (size_t)40), start, sc->what);
	*v = x;
	return 0;
}

int bm_sc_dec(struct bm_parser *p, struct bm_sc *sc, uint64_t *v)
{
	uint64_t x = 0;
	const char *start = sc->p;

	while (sc->p < sc->e && bm_isdigit(*sc->p)) {
		unsigned d = (unsigned)(*sc->p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return bm_fail(p, "number in %s does not fit in 64 bits", sc->what);
		x = x * 10 + d;
		sc->p++;
	}
	if (sc->p == start)
		return bm_sc_fail(p, sc, "a number");
	if (sc->p < sc->e && ((*sc->p >= 'a' && *sc->p <= 'd') || *sc->p == 'f' ||
			      (*sc->p >= 'A' && *sc->p <= 'D') || *sc->p == 'F' || *sc->p == 'x'))
		return bm_fail(p, "malformed number \"%.*s\" in %s", (int)(sc->p - start + 1), start,
			       sc->what);
	*v = x;
	return 0;
}

int bm_sc_sdec(struct bm_parser *p, struct bm_sc *sc, int64_t *v)
{
	bool neg = bm_sc_lit(sc, "-");
	uint64_t x;

	if (bm_sc_dec(p, sc, &x))
		return -1;
	if (x > (uint64_t)INT64_MAX)
		return bm_fail(p, "number in %s out of range", sc->what);
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

int bm_check_range(struct bm_parser *p, const char *what, phys_addr_t start,
		   phys_addr_t end, phys_addr_t limit)
{
	if (end < start)
		return bm_fail(p, "%s: end 0x%llx < start 0x%llx", what,
			       (unsigned long long)end, (unsigned long long)start);
	if (end > limit)
		return bm_fail(p, "%s: [0x%llx-0x%llx] is beyond the 52-bit physical address space",
			       what, (unsigned long long)start, (unsigned long long)end);
	return 0;
}

int bm_sc_hex_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t limit,
		    phys_addr_t *start, phys_addr_t *end)
{
	if (bm_sc_hex(p, sc, 1, start) || bm_sc_expect(p, sc, "-") || bm_sc_hex(p, sc, 1, end))
		return -1;
	/* every format has more after a range: a line ending here was cut */
	if (bm_sc_eol(sc))
		return bm_sc_fail(p, sc, NULL);
	return bm_check_range(p, sc->what, *start, *end, limit);
}

int bm_sc_mem_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t limit,
		    phys_addr_t *start, phys_addr_t *end)
{
	if (bm_sc_expect(p, sc, "[mem "))
		return -1;
	if (bm_sc_hex_range(p, sc, limit, start, end))
		return -1;
	return bm_sc_expect(p, sc, "]");
}

int bm_memparse(const char *s, const char **endp, uint64_t *v)
{
	uint64_t x = 0;
	const char *q = s;
	int shift = 0;

	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && bm_isxdigit(q[2])) {
		q += 2;
		while (bm_isxdigit(*q)) {
			if (x >> 60)
				return -1;
			x = (x << 4) | (uint64_t)hexval(*q++);
		}
	} else {
		if (!bm_isdigit(*q))
			return -1;
		while (bm_isdigit(*q)) {
			unsigned d = (unsigned)(*q - '0');

			if (x > (UINT64_MAX - d) / 10)
				return -1;
			x = x * 10 + d;
			q++;
		}
	}
	switch (*q) {
	case 'E': case 'e': shift = 60; q++; break;
	case 'P': case 'p': shift = 50; q++; break;
	case 'T': case 't': shift = 40; q++; break;
	case 'G': case 'g': shift = 30; q++; break;
	case 'M': case 'm': shift = 20; q++; break;
	case 'K': case 'k': shift = 10; q++; break;
	default: break;
	}
	if (shift && x > (UINT64_MAX >> shift))
		return -1;
	*v = x << shift;
	if (endp)
		*endp = q;
	return 0;
}

/* ----------------------------------------------------- arrays, strings */

void *bm_vec_push_raw(void *arrp, size_t *n, size_t elsize)
{
	char **arr = (char **)arrp;
	size_t cnt = *n;

	/* capacity: 8, 16, 32...: grow when the count reaches a power of two */
	if (cnt == 0 || (cnt >= 8 && (cnt & (cnt - 1)) == 0)) {
		size_t cap = cnt ? cnt * 2 : 8;
		char *nv;

		if (cap > SIZE_MAX / elsize)
			return NULL;
		nv = realloc(*arr, cap * elsize);
		if (!nv)
			return NULL;
		*arr = nv;
	}
	memset(*arr + cnt * elsize, 0, elsize);
	(*n)++;
	return *arr + cnt * elsize;
}

void *bm_vec_push(struct bm_parser *p, void *arrp, size_t *n, size_t elsize)
{
	void *e = bm_vec_push_raw(arrp, n, elsize);

	if (!e)
		bm_fail(p, "out of memory");
	return e;
}

struct bm_arena_chunk {
	struct bm_arena_chunk *next;
	size_t used, size;
	char data[];
};

struct bm_bootlog_priv {
	struct bm_arena_chunk *chunks;
	const char **intern;		/* open-addressing set */
	size_t intern_cap, intern_n;
};

static char *arena_alloc(struct bm_parser *p, size_t n)
{
	struct bm_bootlog *log = p->log;
	struct bm_arena_chunk *c;

	if (!log->priv) {
		log->priv = calloc(1, sizeof(*log->priv));
		if (!log->priv)
			return NULL;
	}
	c = log->priv->chunks;
	if (!c || c->size - c->used < n) {
		size_t sz = n > 16384 ? n : 16384;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = log->priv->chunks;
		log->priv->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

const char *bm_strdup_log(struct bm_parser *p, const char *s, size_t len)
{
	char *d = arena_alloc(p, len + 1);

	if (!d) {
		bm_fail(p, "out of memory");
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static size_t hash_str(const char *s, size_t len)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

const char *bm_intern(struct bm_parser *p, const char *s, size_t len)
{
	struct bm_bootlog_priv *pv;
	size_t i;
	const char *d;

	if (!p->log->priv && !arena_alloc(p, 0)) {
		bm_fail(p, "out of memory");
		return NULL;
	}
	pv = p->log->priv;
	if (pv->intern_n * 2 >= pv->intern_cap) {
		size_t cap = pv->intern_cap ? pv->intern_cap * 2 : 256, j;
		const char **t = calloc(cap, sizeof(*t));

		if (!t) {
			bm_fail(p, "out of memory");
			return NULL;
		}
		for (j = 0; j < pv->intern_cap; j++) {
			if (!pv->intern[j])
				continue;
			i = hash_str(pv->intern[j], strlen(pv->intern[j])) & (cap - 1);
			while (t[i])
				i = (i + 1) & (cap - 1);
			t[i] = pv->intern[j];
		}
		free(pv->intern);
		pv->intern = t;
		pv->intern_cap = cap;
	}
	i = hash_str(s, len) & (pv->intern_cap - 1);
	while (pv->intern[i]) {
		if (strlen(pv->intern[i]) == len && !memcmp(pv->intern[i], s, len))
			return pv->intern[i];
		i = (i + 1) & (pv->intern_cap - 1);
	}
	d = bm_strdup_log(p, s, len);
	if (!d)
		return NULL;
	pv->intern[i] = d;
	pv->intern_n++;
	return d;
}

void bm_bootlog_priv_free(struct bm_bootlog_priv *pv)
{
	struct bm_arena_chunk *c, *n;

	if (!pv)
		return;
	for (c = pv->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	free(pv->intern);
	free(pv);
}

/* ------------------------------------------------------------- strings */

bool bm_starts(const char *m, size_t len, const char *lit)
{
	size_t l = strlen(lit);

	return len >= l && !memcmp(m, lit, l);
}

size_t bm_rtrim(const char *s, size_t len)
{
	while (len && bm_isspace(s[len - 1]))
		len--;
	return len;
}
