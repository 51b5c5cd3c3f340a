// SPDX-License-Identifier: MIT
/*
 * A small streaming JSON writer. Output is pretty-printed (two spaces) so
 * that it diffs well, and always valid: strings are escaped byte by byte,
 * bytes that are not printable ASCII become \u00XX escapes (boot logs can
 * hold anything), non-finite numbers become null.
 */
#include <math.h>
#include <string.h>

#include "cli/cli.h"

#define JSON_SCHEMA_VERSION 2

/**
 * json_init - a writer on @f; the json_* calls then emit members (with a
 * key) inside objects and elements (key NULL) inside arrays
 * @j: writer
 * @f: output
 */
void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void indent(struct json *j)
{
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* Comma, newline and the key of the next member or element. */
static void member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->need_comma[j->depth] = true;
	if (key) {
		put_string(j->f, key, strlen(key));
		fputs(": ", j->f);
	}
}

static void open_nested(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < (int)BM_ARRAY_SIZE(j->need_comma))
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_nested(struct json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	fputc(c, j->f);
}

void json_begin_object(struct json *j, const char *key) { open_nested(j, key, '{'); }
void json_end_object(struct json *j) { close_nested(j, '}'); }
void json_begin_array(struct json *j, const char *key) { open_nested(j, key, '['); }
void json_end_array(struct json *j) { close_nested(j, ']'); }

void json_stringn(struct json *j, const char *key, const char *v, size_t len)
{
	member(j, key);
	put_string(j->f, v, len);
}

void json_string(struct json *j, const char *key, const char *v)
{
	if (!v) {
		json_null(j, key);
		return;
	}
	json_stringn(j, key, v, strlen(v));
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
	member(j, key);
	fprintf(j->f, "%llu", v);
}

void json_int(struct json *j, const char *key, long long v)
{
	member(j, key);
	fprintf(j->f, "%lld", v);
}

void json_double(struct json *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6g", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

/**
 * json_document_begin - open a bootmm JSON document
 * @j: writer
 * @f: output
 * @command: the subcommand ("boot", "compare", "example", ...)
 *
 * Every document starts with "schema_version" (docs/JSON.md: bumped only
 * when a field changes meaning or disappears; new fields do not bump it),
 * the tool's version and the command.
 */
void json_document_begin(struct json *j, FILE *f, const char *command)
{
	json_init(j, f);
	json_begin_object(j, NULL);
	json_int(j, "schema_version", JSON_SCHEMA_VERSION);
	json_string(j, "bootmm_version", BOOTMM_VERSION);
	json_string(j, "command", command);
}

/* Close the document opened by json_document_begin() and flush it. */
void json_document_end(struct json *j)
{
	json_end_object(j);
	fputc('\n', j->f);
	fflush(j->f);
}
