// SPDX-License-Identifier: MIT
/*
 * /sys/firmware/memmap: the firmware map as the kernel first saw it, in
 * three shapes: the directory (N/start, N/end, N/type), a
 * `grep -r . /sys/firmware/memmap` dump ("/sys/firmware/memmap/0/start:0x0")
 * and the =====FWMEMMAP section of the initramfs dump ("0x0 0x9ffff System RAM").
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"


#define FW_START	1u
#define FW_END		2u
#define FW_TYPE		4u
#define FW_MAX_INDEX	65536

static struct bm_fwmemmap_entry *push(struct bm_parser *p)
{
	struct bm_fwmemmap_entry *e = BM_PUSH(p, p->log->fwmemmap, p->log->n_fwmemmap);

	if (e) {
		e->index = -1;
		e->line = p->line;
	}
	return e;
}

static int set_type(struct bm_parser *p, struct bm_fwmemmap_entry *e, const char *s, size_t n)
{
	e->type = bm_intern(p, s, n);
	if (!e->type)
		return -1;
	e->e820_type = bm_fw_type_to_e820(e->type);
	return 0;
}

/* "0x0 0x9ffff System RAM" */
static int section_form(struct bm_parser *p, const char *m, size_t n, bool strict)
{
	struct bm_fwmemmap_entry tmp = { .index = -1, .line = p->line }, *e;
	struct bm_sc sc;
	const char *name;
	size_t nl;
	char buf[64];

	bm_sc_init(&sc, m, n, "firmware memmap line");
	if (bm_sc_hex(p, &sc, 1, &tmp.start) || bm_sc_expect(p, &sc, " ") ||
	    bm_sc_hex(p, &sc, 1, &tmp.end))
		return -1;
	if (bm_check_range(p, sc.what, tmp.start, tmp.end, BM_PHYS_LIMIT))
		return -1;
	if (bm_sc_eol(&sc) || !bm_isspace(*sc.p))
		return bm_sc_fail(p, &sc, " TYPE");
	bm_sc_ws(&sc);
	name = sc.p;
	nl = bm_rtrim(name, (size_t)(sc.e - name));
	if (!nl)
		return bm_sc_fail(p, &sc, "a type");
	if (!strict) {
		snprintf(buf, sizeof(buf), "%.*s", (int)BM_MIN(nl, sizeof(buf) - 1), name);
		if (nl >= sizeof(buf) || !bm_fw_type_to_e820(buf))
			return 0;
	}
	e = push(p);
	if (!e)
		return -1;
	*e = tmp;
	return set_type(p, e, name, nl) ? -1 : 1;
}

static struct bm_fw_slot *slot(struct bm_parser *p, uint64_t idx)
{
	if (idx >= p->fw_slots_n) {
		size_t n = p->fw_slots_n ? p->fw_slots_n : 16, i;
		struct bm_fw_slot *s;

		while (n <= idx)
			n *= 2;
		s = realloc(p->fw_slots, n * sizeof(*s));
		if (!s) {
			bm_fail(p, "out of memory");
			return NULL;
		}
		for (i = p->fw_slots_n; i < n; i++) {
			s[i].entry = -1;
			s[i].have = 0;
		}
		p->fw_slots = s;
		p->fw_slots_n = n;
	}
	return &p->fw_slots[idx];
}

/* "/sys/firmware/memmap/0/start:0x0" (prefix before N/ free) */
static int grep_form(struct bm_parser *p, const char *m, size_t n)
{
	static const char *const fields[] = { "start:", "end:", "type:" };
	const char *q, *slash = NULL, *colon = memchr(m, ':', n);
	struct bm_fw_slot *s;
	struct bm_fwmemmap_entry *e;
	struct bm_sc sc;
	uint64_t idx = 0;
	size_t f;

	if (!colon)
		return 0;
	/* the field name is after the last '/' before the colon */
	for (q = m; q < colon; q++)
		if (*q == '/')
			slash = q;
	if (!slash)
		return 0;
	for (f = 0; f < 3; f++)
		if (bm_starts(slash + 1, (size_t)(m + n - slash - 1), fields[f]) &&
		    slash + 1 + strlen(fields[f]) - 1 == colon)
			break;
	if (f == 3)
		return 0;
	/* the directory number before it */
	q = slash;
	while (q > m && bm_isdigit(q[-1]))
		q--;
	if (q == slash || (q > m && q[-1] != '/'))
		return 0;
	if (q > m) {
		size_t pl = (size_t)(q - m);

		if (!(pl == 2 && !memcmp(m, "./", 2)) &&
		    !(pl >= 7 && !memcmp(q - 7, "memmap/", 7)))
			return 0;
	}
	for (; q < slash; q++) {
		idx = idx * 10 + (uint64_t)(*q - '0');
		if (idx >= FW_MAX_INDEX)
			return bm_fail(p, "firmware memmap index too large");
	}
	s = slot(p, idx);
	if (!s)
		return -1;
	if (s->entry < 0) {
		e = push(p);
		if (!e)
			return -1;
		e->index = (int)idx;
		s->entry = (long)p->log->n_fwmemmap - 1;
	}
	e = &p->log->fwmemmap[s->entry];
	if (s->have & (1u << f))
		return bm_fail(p, "firmware memmap %llu: %.*s given twice", (unsigned long long)idx,
			       (int)strlen(fields[f]) - 1, fields[f]);
	s->have |= 1u << f;
	bm_sc_init(&sc, colon + 1, (size_t)(m + n - colon - 1), "firmware memmap line");
	if (f == 2) {
		size_t tl = bm_rtrim(sc.p, (size_t)(sc.e - sc.p));

		if (!tl)
			return bm_sc_fail(p, &sc, "a type");
		return set_type(p, e, sc.p, tl) ? -1 : 1;
	}
	if (bm_sc_hex(p, &sc, 1, f == 0 ? &e->start : &e->end))
		return -1;
	bm_sc_ws(&sc);
	if (!bm_sc_eol(&sc))
		return bm_sc_fail(p, &sc, "end of line");
	return 1;
}

static int fw_line(struct bm_parser *p, const char *m, size_t n)
{
	bool strict = p->sec == BM_SEC_FWMEMMAP && !p->kernel_line;
	int rc;

	if (p->kernel_line && !strict)
		return 0;
	n = bm_rtrim(m, n);
	if (bm_starts(m, n, "0x"))
		return section_form(p, m, n, strict);
	rc = grep_form(p, m, n);
	return rc;
}

int bm_fwmemmap_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc = fw_line(p, m, n);

	if (rc > 0) {
		p->recognised++;
		p->n_fw_lines++;
	}
	return rc;
}

static int cmp_fw(const void *a, const void *b)
{
	const struct bm_fwmemmap_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int bm_fwmemmap_finish(struct bm_parser *p)
{
	struct bm_bootlog *log = p->log;
	size_t i;

	for (i = 0; i < p->fw_slots_n; i++) {
		const struct bm_fw_slot *s = &p->fw_slots[i];
		const struct bm_fwmemmap_entry *e;

		if (s->entry < 0)
			continue;
		e = &log->fwmemmap[s->entry];
		if (s->have != (FW_START | FW_END | FW_TYPE))
			return bm_fail_line(p, e->line, "firmware memmap entry %zu lacks its %s", i,
					    !(s->have & FW_START) ? "start" :
					    !(s->have & FW_END) ? "end" : "type");
		p->line = e->line;
		if (bm_check_range(p, "firmware memmap entry", e->start, e->end, BM_PHYS_LIMIT))
			return -1;
	}
	if (log->n_fwmemmap > 1)
		qsort(log->fwmemmap, log->n_fwmemmap, sizeof(*log->fwmemmap), cmp_fw);
	for (i = 1; i < log->n_fwmemmap; i++) {
		const struct bm_fwmemmap_entry *a = &log->fwmemmap[i - 1], *b = &log->fwmemmap[i];

		if (b->start <= a->end && b->e820_type != a->e820_type)
			return bm_fail_line(p, b->line > a->line ? b->line : a->line,
					    "firmware memmap entries 0x%llx-0x%llx %s and "
					    "0x%llx-0x%llx %s overlap (lines %u and %u)",
					    (unsigned long long)a->start, (unsigned long long)a->end,
					    a->type, (unsigned long long)b->start,
					    (unsigned long long)b->end, b->type, a->line, b->line);
	}
	return 0;
}

int bm_fwmemmap_to_e820(const struct bm_bootlog *log, bool merge, struct bm_e820_table *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->kind = BM_E820_TABLE_FILE;
	for (i = 0; i < log->n_fwmemmap; i++) {
		const struct bm_fwmemmap_entry *e = &log->fwmemmap[i];
		struct bm_e820_entry *x;

		if (!e->e820_type)
			continue;
		x = bm_vec_push_raw(&out->entries, &out->n, sizeof(*out->entries));
		if (!x) {
			free(out->entries);
			memset(out, 0, sizeof(*out));
			return -1;
		}
		x->start = e->start;
		x->end = e->end;
		x->type = e->e820_type;
		x->line = e->line;
	}
	if (out->n)
		out->line = out->entries[0].line;
	return bm_e820_normalize(out, merge);
}

/* ----------------------------------------------------------- directory */

static int read_small(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

static int parse_hex_str(const char *s, uint64_t *v)
{
	char *end;

	if (strncmp(s, "0x", 2))
		return -1;
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	if (errno || end == s + 2 || *end)
		return -1;
	return 0;
}

int bm_fwmemmap_parse_dir(const char *dir, struct bm_bootlog *log, struct bm_parse_error *err)
{
	struct bm_parser P, *p = &P;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	bm_parser_begin(p, dir, log, err);
	d = opendir(dir);
	if (!d) {
		rc = bm_fail_line(p, 0, "cannot open directory: %s", strerror(errno));
		return bm_parser_end(p, rc);
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096], sv[64], ev[64], tv[256];
		struct bm_fwmemmap_entry *e;
		const char *c;
		long idx = 0;

		for (c = de->d_name; *c && bm_isdigit(*c) && idx < FW_MAX_INDEX; c++)
			idx = idx * 10 + (*c - '0');
		if (*c || c == de->d_name)
			continue;
		snprintf(path, sizeof(path), "%s/%s/start", dir, de->d_name);
		if (read_small(path, sv, sizeof(sv))) {
			rc = bm_fail_line(p, 0, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		snprintf(path, sizeof(path), "%s/%s/end", dir, de->d_name);
		if (read_small(path, ev, sizeof(ev))) {
			rc = bm_fail_line(p, 0, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		snprintf(path, sizeof(path), "%s/%s/type", dir, de->d_name);
		if (read_small(path, tv, sizeof(tv))) {
			rc = bm_fail_line(p, 0, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		e = push(p);
		if (!e) {
			rc = -1;
			break;
		}
		e->line = 0;
		e->index = (int)idx;
		if (parse_hex_str(sv, &e->start) || parse_hex_str(ev, &e->end)) {
			rc = bm_fail_line(p, 0, "%s/%s: malformed start or end (\"%s\", \"%s\")", dir,
					  de->d_name, sv, ev);
			break;
		}
		if (bm_check_range(p, de->d_name, e->start, e->end, BM_PHYS_LIMIT) ||
		    set_type(p, e, tv, strlen(tv))) {
			rc = -1;
			break;
		}
		p->recognised++;
	}
	closedir(d);
	if (!rc && !log->n_fwmemmap)
		rc = bm_fail_line(p, 0, "no N/start, N/end, N/type entries: not a firmware memmap");
	if (!rc && bm_fwmemmap_finish(p))
		rc = -1;
	if (!rc) {
		log->format = BM_FMT_FWMEMMAP_DIR;
		log->n_recognised = p->recognised;
	}
	return bm_parser_end(p, rc);
}
