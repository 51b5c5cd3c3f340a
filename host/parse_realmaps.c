// SPDX-License-Identifier: MIT
/*
 * shared/data/real-maps.txt: many machines' maps, each block headed by
 * "### name | source | kernel". Split into per-machine logs, each parsed
 * like any log with the line numbers of the whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

void bm_realmaps_free(struct bm_realmaps *rm)
{
	if (!rm)
		return;
	free(rm->maps);
	free(rm->storage);
	memset(rm, 0, sizeof(*rm));
}

static char *trimmed(char *s, char *e)
{
	while (s < e && bm_isspace(*s))
		s++;
	while (e > s && bm_isspace(e[-1]))
		e--;
	*e = '\0';
	return s;
}

int bm_realmaps_split(const char *name, const char *buf, size_t len,
		      struct bm_realmaps *out, struct bm_parse_error *err)
{
	char *st, *line;
	size_t pos = 0;
	unsigned ln = 0;
	struct bm_realmap *cur = NULL;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	snprintf(out->file, sizeof(out->file), "%s", name ? name : "(input)");
	if (!buf || !len) {
		bm_set_error(err, out->file, 0, "empty input: no ### blocks");
		return -1;
	}
	if (bm_binary_offset(buf, len) < len) {
		bm_set_error(err, out->file, 0, "binary data: not a real-maps file");
		return -1;
	}
	st = malloc(len + 1);
	if (!st) {
		bm_set_error(err, out->file, 0, "out of memory");
		return -1;
	}
	memcpy(st, buf, len);
	st[len] = '\0';
	out->storage = st;
	while (pos < len) {
		char *nl = memchr(st + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (st + pos)) : len - pos;

		line = st + pos;
		ln++;
		if (ll >= 3 && !memcmp(line, "###", 3)) {
			char *f1, *f2, *end = line + ll;
			struct bm_realmap *m;

			if (cur)
				cur->len = (size_t)(line - cur->text);
			f1 = memchr(line, '|', ll);
			f2 = f1 ? memchr(f1 + 1, '|', (size_t)(end - f1 - 1)) : NULL;
			if (!f2) {
				bm_set_error(err, out->file, ln,
					     "malformed block header: expected '### name | source | kernel'");
				bm_realmaps_free(out);
				return -1;
			}
			m = bm_vec_push_raw(&out->maps, &out->n, sizeof(*out->maps));
			if (!m) {
				bm_set_error(err, out->file, ln, "out of memory");
				bm_realmaps_free(out);
				return -1;
			}
			m->name = trimmed(line + 3, f1);
			m->source = trimmed(f1 + 1, f2);
			m->kernel = trimmed(f2 + 1, end);
			m->header_line = ln;
			if (!*m->name) {
				bm_set_error(err, out->file, ln, "block header without a name");
				bm_realmaps_free(out);
				return -1;
			}
			m->text = nl ? nl + 1 : st + len;
			cur = m;
		} else if (!cur) {
			size_t t = bm_rtrim(line, ll);

			if (t && line[0] != '#') {
				bm_set_error(err, out->file, ln,
					     "content before the first '### name | source | kernel' header");
				bm_realmaps_free(out);
				return -1;
			}
		}
		pos += ll + 1;
	}
	if (cur)
		cur->len = (size_t)(st + len - cur->text);
	if (!out->n) {
		bm_set_error(err, out->file, 0, "no '### name | source | kernel' blocks");
		bm_realmaps_free(out);
		return -1;
	}
	return 0;
}

int bm_realmaps_load(const char *path, struct bm_realmaps *out, struct bm_parse_error *err)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (bm_read_file(path, &buf, &len, err))
		return -1;
	rc = bm_realmaps_split(path, buf, len, out, err);
	free(buf);
	return rc;
}

int bm_realmap_parse(const struct bm_realmaps *rm, size_t i, struct bm_bootlog *log,
		     struct bm_parse_error *err)
{
	const struct bm_realmap *m;
	int rc;

	memset(log, 0, sizeof(*log));
	if (!rm || i >= rm->n) {
		bm_set_error(err, rm ? rm->file : "(null)", 0, "no block %zu", i);
		return -1;
	}
	m = &rm->maps[i];
	rc = bm_parse_text(rm->file, m->text, m->len, m->header_line + 1, log, err);
	if (!rc)
		snprintf(log->name, sizeof(log->name), "%s", m->name);
	return rc;
}
