// SPDX-License-Identifier: MIT
/*
 * Device tree blobs through libfdt: /memory (and memory@..., or any node
 * with device_type = "memory") reg ranges honouring #address-cells and
 * #size-cells, /reserved-memory children (reg, no-map, reusable, dynamic
 * size/alignment) and the /memreserve/ entries of the header.
 * Without libfdt at build time every entry point fails with a clear error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bootlog_int.h"

#ifdef BOOTMM_HAVE_LIBFDT
#include <libfdt.h>

bool bm_fdt_supported(void)
{
	return true;
}

static const char *node_path(struct bm_parser *p, const void *fdt, int node);

static int cells(const void *fdt, int node, const char *name, int def, int *out,
		 struct bm_parser *p)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (!v) {
		*out = def;
		return 0;
	}
	if (len != 4)
		return bm_fail(p, "%s: malformed property", name);
	*out = (int)fdt32_to_cpu(*v);
	if (*out < 0 || *out > 2)
		return bm_fail(p, "%s = %d is not supported (0..2)", name, *out);
	return 0;
}

/*
 * The one reader of string properties: a DTB property is a byte array, and
 * nothing guarantees the terminating NUL a string needs (a crafted or cut
 * blob has none). *@out is the string, NULL if @node has no such property;
 * a property without a NUL inside its length, or an unreadable one, is an
 * error naming the node and property. Compare values with prop_is only.
 */
static int prop_string(struct bm_parser *p, const void *fdt, int node, const char *name,
		       const char **out)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);

	*out = NULL;
	if (!v) {
		if (len == -FDT_ERR_NOTFOUND)
			return 0;
		return bm_fail(p, "%s: property %s unreadable: %s", node_path(p, fdt, node),
			       name, fdt_strerror(len));
	}
	if (len <= 0 || !memchr(v, '\0', (size_t)len))
		return bm_fail(p, "%s: property %s (%d bytes) is not a NUL-terminated string",
			       node_path(p, fdt, node), name, len);
	*out = v;
	return 0;
}

/* Is the string @s (from prop_string, may be NULL) equal to @want? */
static bool prop_is(const char *s, const char *want)
{
	return s && !strcmp(s, want);
}

static uint64_t read_cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(c[i]);
	return v;
}

static const char *node_path(struct bm_parser *p, const void *fdt, int node)
{
	char buf[512];

	if (fdt_get_path(fdt, node, buf, sizeof(buf)) < 0) {
		const char *n = fdt_get_name(fdt, node, NULL);

		snprintf(buf, sizeof(buf), "/%s", n ? n : "?");
	}
	return bm_strdup_log(p, buf, strlen(buf));
}

static int push_region(struct bm_parser *p, struct bm_dt_region **arr, size_t *n,
		       const struct bm_dt_region *r)
{
	struct bm_dt_region *e = bm_vec_push(p, arr, n, sizeof(**arr));

	if (!e)
		return -1;
	*e = *r;
	p->recognised++;
	return 0;
}

/* Every (address, size) pair of @node's reg. */
static int regs(struct bm_parser *p, const void *fdt, int node, int ac, int sc,
		struct bm_dt_region *tmpl, struct bm_dt_region **arr, size_t *n, int *count)
{
	int len, i, step = ac + sc;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	*count = 0;
	if (!reg)
		return 0;
	if (step == 0 || len % (step * 4))
		return bm_fail(p, "%s: reg length %d is not a multiple of %d cells", tmpl->node,
			       len, step);
	for (i = 0; i < len / 4; i += step) {
		struct bm_dt_region r = *tmpl;
		uint64_t base = read_cells(reg + i, ac), size = read_cells(reg + i + ac, sc);

		if (!size)
			continue;
		if (base + (size - 1) < base)
			return bm_fail(p, "%s: reg 0x%llx+0x%llx wraps past 2^64", tmpl->node,
				       (unsigned long long)base, (unsigned long long)size);
		r.start = base;
		r.end = base + size - 1;
		r.size = size;
		r.has_reg = true;
		if (bm_check_range(p, tmpl->node, r.start, r.end, BM_PHYS_LIMIT) ||
		    push_region(p, arr, n, &r))
			return -1;
		(*count)++;
	}
	return 0;
}

static int parse_fdt(struct bm_parser *p, const void *fdt, size_t len)
{
	struct bm_bootlog *log = p->log;
	int ac = 2, sc = 1, node, rc, i, nrsv;	/* set by cells(); gcc -O3 cannot tell */

	rc = fdt_check_header(fdt);
	if (rc)
		return bm_fail(p, "not a valid device tree blob: %s", fdt_strerror(rc));
	if (fdt_totalsize(fdt) > len)
		return bm_fail(p, "truncated device tree blob: header says %u bytes, file has %zu",
			       fdt_totalsize(fdt), len);
	/*
	 * The specification aligns the structure block to 4 bytes and the
	 * memory reservation block to 8; libfdt reads both through aligned
	 * types without checking (undefined behaviour, found by
	 * fuzz_parse_fdt under UBSan). A blob that breaks it is corrupt.
	 */
	if (fdt_off_dt_struct(fdt) % 4 || fdt_off_mem_rsvmap(fdt) % 8)
		return bm_fail(p, "corrupt device tree blob: structure block at %#x or memory "
			       "reservation block at %#x not aligned (4 and 8 bytes)",
			       fdt_off_dt_struct(fdt), fdt_off_mem_rsvmap(fdt));
	/* fdt_check_full() of libfdt 1.6.1 crashes on some corrupt blobs
	 * (found by fuzz_parse_fdt): rely on the bounds-checked accessors and
	 * their error codes instead. */
	if (cells(fdt, 0, "#address-cells", 2, &ac, p) || cells(fdt, 0, "#size-cells", 1, &sc, p))
		return -1;

	/* memory nodes: children of the root */
	fdt_for_each_subnode(node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, NULL);
		const char *dt;
		struct bm_dt_region t = { 0 };
		int cnt;

		if (!name)
			continue;
		if (prop_string(p, fdt, node, "device_type", &dt))
			return -1;
		if (strcmp(name, "memory") && strncmp(name, "memory@", 7) && !prop_is(dt, "memory"))
			continue;
		t.node = node_path(p, fdt, node);
		if (!t.node || regs(p, fdt, node, ac, sc, &t, &log->dt_memory, &log->n_dt_memory, &cnt))
			return -1;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return bm_fail(p, "corrupt device tree blob: %s", fdt_strerror(node));

	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int rac = 0, rsc = 0, child;

		if (cells(fdt, node, "#address-cells", ac, &rac, p) ||
		    cells(fdt, node, "#size-cells", sc, &rsc, p))
			return -1;
		fdt_for_each_subnode(child, fdt, node) {
			struct bm_dt_region t = { 0 };
			const char *status;
			const fdt32_t *v;
			int cnt, l;

			if (prop_string(p, fdt, child, "status", &status))
				return -1;
			/* No status means available (of_device_is_available). */
			if (status && !prop_is(status, "okay") && !prop_is(status, "ok"))
				continue;
			t.node = node_path(p, fdt, child);
			if (!t.node)
				return -1;
			t.no_map = fdt_getprop(fdt, child, "no-map", NULL) != NULL;
			t.reusable = fdt_getprop(fdt, child, "reusable", NULL) != NULL;
			if (regs(p, fdt, child, rac, rsc, &t, &log->dt_reserved, &log->n_dt_reserved,
				 &cnt))
				return -1;
			if (cnt)
				continue;
			/* dynamic: size (+ alignment), placed by the kernel */
			v = fdt_getprop(fdt, child, "size", &l);
			if (!v)
				continue;
			if (l != rsc * 4 || !rsc)
				return bm_fail(p, "%s: size has %d bytes, expected %d", t.node, l,
					       rsc * 4);
			t.size = read_cells(v, rsc);
			v = fdt_getprop(fdt, child, "alignment", &l);
			if (v) {
				if (l != rsc * 4)
					return bm_fail(p, "%s: malformed alignment", t.node);
				t.align = read_cells(v, rsc);
			}
			if (t.size > BM_PHYS_LIMIT + 1)
				return bm_fail(p, "%s: size 0x%llx is absurd", t.node,
					       (unsigned long long)t.size);
			if (push_region(p, &log->dt_reserved, &log->n_dt_reserved, &t))
				return -1;
		}
		if (child < 0 && child != -FDT_ERR_NOTFOUND)
			return bm_fail(p, "corrupt device tree blob: %s", fdt_strerror(child));
	} else if (node != -FDT_ERR_NOTFOUND) {
		return bm_fail(p, "corrupt device tree blob: %s", fdt_strerror(node));
	}

	nrsv = fdt_num_mem_rsv(fdt);
	if (nrsv < 0)
		return bm_fail(p, "corrupt /memreserve/ block: %s", fdt_strerror(nrsv));
	for (i = 0; i < nrsv; i++) {
		struct bm_dt_region r = { .node = "/memreserve/", .has_reg = true };
		uint64_t a, s;

		if (fdt_get_mem_rsv(fdt, i, &a, &s))
			return bm_fail(p, "corrupt /memreserve/ entry %d", i);
		if (!s)
			continue;
		if (a + (s - 1) < a)
			return bm_fail(p, "/memreserve/ 0x%llx+0x%llx wraps past 2^64",
				       (unsigned long long)a, (unsigned long long)s);
		r.start = a;
		r.end = a + s - 1;
		r.size = s;
		if (bm_check_range(p, "/memreserve/", r.start, r.end, BM_PHYS_LIMIT) ||
		    push_region(p, &log->dt_memreserve, &log->n_dt_memreserve, &r))
			return -1;
	}
	if (!log->n_dt_memory && !log->n_dt_reserved && !log->n_dt_memreserve)
		return bm_fail(p, "device tree has no memory, reserved-memory or /memreserve/");
	log->format = BM_FMT_DTB;
	log->n_recognised = p->recognised;
	return 0;
}

int bm_fdt_parse_blob(const char *name, const void *blob, size_t len,
		      struct bm_bootlog *log, struct bm_parse_error *err)
{
	struct bm_parser P, *p = &P;
	void *copy;
	int rc;

	bm_parser_begin(p, name, log, err);
	p->line = 0;
	if (!blob || len < 40)
		return bm_parser_end(p, bm_fail(p, "truncated device tree blob (%zu bytes)", len));
	/* libfdt wants 8-byte alignment */
	copy = malloc(len);
	if (!copy)
		return bm_parser_end(p, bm_fail(p, "out of memory"));
	memcpy(copy, blob, len);
	rc = parse_fdt(p, copy, len);
	free(copy);
	return bm_parser_end(p, rc);
}

#else /* !BOOTMM_HAVE_LIBFDT */

bool bm_fdt_supported(void)
{
	return false;
}

int bm_fdt_parse_blob(const char *name, const void *blob, size_t len,
		      struct bm_bootlog *log, struct bm_parse_error *err)
{
	memset(log, 0, sizeof(*log));
	bm_set_error(err, name, 0, "device tree support not built: libfdt was not found at "
		     "build time (install libfdt-dev and reconfigure)");
	return -1;
}

#endif

int bm_fdt_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err)
{
	char *buf;
	size_t len;
	int rc;

	memset(log, 0, sizeof(*log));
	if (bm_read_file(path, &buf, &len, err))
		return -1;
	rc = bm_fdt_parse_blob(path, buf, len, log, err);
	free(buf);
	return rc;
}
