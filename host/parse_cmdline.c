// SPDX-License-Identifier: MIT
/*
 * The kernel command line ("Command line:" / "Kernel command line:"): every
 * parameter kept as name/value, and the ones that shape the memory map
 * decoded: mem=, memmap= (nn@ss, nn#ss, nn$ss, nn!ss, nn%ss-old+new, nn,
 * exactmap; comma lists), efi=debug, memblock=debug, movable_node, kho,
 * numa=off, nokaslr, initrd=, kernelcore=, movablecore=.
 */
#include <string.h>

#include "host/bootlog_int.h"

static bool eqn(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* Does the comma list @v contain @word? */
static bool list_has(const char *v, const char *word)
{
	size_t wl = strlen(word);

	while (v && *v) {
		const char *c = strchr(v, ',');
		size_t l = c ? (size_t)(c - v) : strlen(v);

		if (l == wl && !memcmp(v, word, wl))
			return true;
		v = c ? c + 1 : NULL;
	}
	return false;
}

static int memmap_one(struct bm_parser *p, struct bm_cmdline *cl, const char *s, size_t len)
{
	struct bm_memmap_opt o = { .old_type = -1, .new_type = -1 }, *e;
	char buf[128];
	const char *q;
	uint64_t v;

	if (len >= sizeof(buf))
		return bm_fail(p, "command line: memmap= entry too long");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!strcmp(buf, "exactmap")) {
		cl->memmap_exactmap = true;
		o.kind = BM_MEMMAP_EXACTMAP;
		goto push;
	}
	if (bm_memparse(buf, &q, &o.size))
		return bm_fail(p, "command line: malformed memmap=%s", buf);
	if (*q == '\\')
		q++;
	switch (*q) {
	case '\0':
		o.kind = BM_MEMMAP_LIMIT;
		goto push;
	case '@': o.kind = BM_MEMMAP_USABLE; break;
	case '#': o.kind = BM_MEMMAP_ACPI; break;
	case '$': o.kind = BM_MEMMAP_RESERVED; break;
	case '!': o.kind = BM_MEMMAP_PRAM; break;
	case '%': o.kind = BM_MEMMAP_RETYPE; break;
	default:
		return bm_fail(p, "command line: malformed memmap=%s", buf);
	}
	if (bm_memparse(q + 1, &q, &o.start))
		return bm_fail(p, "command line: malformed memmap=%s", buf);
	if (o.kind == BM_MEMMAP_RETYPE) {
		if (*q == '-') {
			if (bm_memparse(q + 1, &q, &v) || v > INT32_MAX)
				return bm_fail(p, "command line: malformed memmap=%s", buf);
			o.old_type = (int)v;
		}
		if (*q == '+') {
			if (bm_memparse(q + 1, &q, &v) || v > INT32_MAX)
				return bm_fail(p, "command line: malformed memmap=%s", buf);
			o.new_type = (int)v;
		}
	}
	if (*q)
		return bm_fail(p, "command line: malformed memmap=%s", buf);
	if (o.size && o.start + o.size - 1 < o.start)
		return bm_fail(p, "command line: memmap=%s wraps past 2^64", buf);
	if (o.start > BM_PHYS_LIMIT || o.size > BM_PHYS_LIMIT + 1)
		return bm_fail(p, "command line: memmap=%s is beyond the 52-bit physical address space",
			       buf);
push:
	e = BM_PUSH(p, cl->memmap, cl->n_memmap);
	if (!e)
		return -1;
	*e = o;
	return 0;
}

static int param(struct bm_parser *p, struct bm_cmdline *cl, const char *name, size_t nl,
		 const char *val)
{
	struct bm_param *pp = BM_PUSH(p, cl->params, cl->n_params);

	if (!pp)
		return -1;
	pp->name = bm_strdup_log(p, name, nl);
	if (!pp->name)
		return -1;
	pp->value = val;
	if (eqn(name, nl, "mem") && val) {
		const char *q;
		uint64_t v;

		if (!strcmp(val, "nopentium"))
			return 0;
		if (bm_memparse(val, &q, &v) || *q)
			return bm_fail(p, "command line: malformed mem=%s", val);
		if (v > BM_PHYS_LIMIT + 1)
			return bm_fail(p, "command line: mem=%s is beyond the 52-bit physical address space",
				       val);
		cl->has_mem = true;
		cl->mem = v;
	} else if (eqn(name, nl, "memmap") && val) {
		const char *s = val;

		while (*s) {
			const char *c = strchr(s, ',');
			size_t l = c ? (size_t)(c - s) : strlen(s);

			if (l && memmap_one(p, cl, s, l))
				return -1;
			s += l + (c ? 1 : 0);
		}
	} else if (eqn(name, nl, "efi")) {
		if (list_has(val, "debug"))
			cl->efi_debug = true;
	} else if (eqn(name, nl, "memblock")) {
		if (val && !strcmp(val, "debug"))
			cl->memblock_debug = true;
	} else if (eqn(name, nl, "movable_node")) {
		cl->movable_node = true;
	} else if (eqn(name, nl, "kho")) {
		if (!val || !strcmp(val, "on") || !strcmp(val, "1") || !strcmp(val, "y") ||
		    !strcmp(val, "yes") || !strcmp(val, "true"))
			cl->kho = true;
	} else if (eqn(name, nl, "numa")) {
		if (val && !strcmp(val, "off"))
			cl->numa_off = true;
	} else if (eqn(name, nl, "nokaslr")) {
		cl->nokaslr = true;
	} else if (eqn(name, nl, "initrd")) {
		cl->initrd = val;
	} else if (eqn(name, nl, "kernelcore")) {
		cl->kernelcore = val;
	} else if (eqn(name, nl, "movablecore")) {
		cl->movablecore = val;
	}
	return 0;
}

int bm_cmdline_parse(struct bm_parser *p, struct bm_cmdline *cl, const char *text, size_t len)
{
	size_t i = 0;

	len = bm_rtrim(text, len);
	cl->text = bm_strdup_log(p, text, len);
	if (!cl->text)
		return -1;
	cl->line = p->line;
	while (i < len) {
		size_t s, eqpos = 0, e;
		bool inq = false;
		const char *val = NULL;

		while (i < len && bm_isspace(text[i]))
			i++;
		if (i >= len)
			break;
		s = i;
		while (i < len && (inq || !bm_isspace(text[i]))) {
			if (text[i] == '"')
				inq = !inq;
			else if (text[i] == '=' && !eqpos && !inq)
				eqpos = i;
			i++;
		}
		e = i;
		if (e - s == 2 && !memcmp(text + s, "--", 2))
			break;		/* the rest goes to init */
		if (eqpos) {
			size_t vs = eqpos + 1, ve = e;

			if (ve > vs && text[vs] == '"' && text[ve - 1] == '"' && ve - vs >= 2) {
				vs++;
				ve--;
			}
			val = bm_strdup_log(p, text + vs, ve - vs);
			if (!val)
				return -1;
		}
		if (param(p, cl, text + s, (eqpos ? eqpos : e) - s, val))
			return -1;
	}
	return 0;
}
