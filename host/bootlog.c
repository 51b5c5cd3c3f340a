// SPDX-License-Identifier: MIT
/*
 * bm_bootlog: the driver of the parsers. Splits the input into lines,
 * normalises each (parse_line.c), follows the "=====NAME" sections of the
 * initramfs dump, and hands each line to the format handlers, which decide
 * by content whether it is theirs. Unrelated kernel messages are ignored;
 * a line that is recognisably ours but wrong stops the parse with
 * FILE:LINE: message and an empty log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/bootlog_int.h"

static void free_cmdline(struct bm_cmdline *c)
{
	free(c->params);
	free(c->memmap);
}

static void free_dump(struct bm_mb_dump *d)
{
	free(d->memory);
	free(d->reserved);
}

void bm_bootlog_free(struct bm_bootlog *log)
{
	size_t i;

	if (!log)
		return;
	free_cmdline(&log->cmdline);
	free_cmdline(&log->kernel_cmdline);
	for (i = 0; i < log->n_e820_tables; i++)
		free(log->e820_tables[i].entries);
	free(log->e820_tables);
	free(log->e820_edits);
	free(log->last_pfn);
	free(log->ram_buffers);
	for (i = 0; i < log->n_efi_maps; i++)
		free(log->efi_maps[i].entries);
	free(log->efi_maps);
	free(log->srat);
	free(log->numa_merges);
	free(log->node_data);
	free(log->initmem);
	free(log->node_ranges);
	free(log->zone_ranges);
	free(log->movable_start);
	free(log->unavail);
	free(log->freeing);
	free(log->sized);
	free(log->deferred);
	free(log->events);
	for (i = 0; i < log->n_dumps; i++)
		free_dump(&log->dumps[i]);
	free(log->dumps);
	if (log->debugfs_memblock) {
		free_dump(log->debugfs_memblock);
		free(log->debugfs_memblock);
	}
	free(log->meminfo);
	free(log->zoneinfo);
	free(log->buddyinfo);
	free(log->pagetype_free);
	free(log->pagetype_blocks);
	free(log->iomem);
	free(log->fwmemmap);
	free(log->dt_memory);
	free(log->dt_reserved);
	free(log->dt_memreserve);
	free(log->early.hashes);
	free(log->early.acpi_tables);
	bm_bootlog_priv_free(log->priv);
	memset(log, 0, sizeof(*log));
}

int bm_parser_begin(struct bm_parser *p, const char *name, struct bm_bootlog *log,
		    struct bm_parse_error *err)
{
	memset(p, 0, sizeof(*p));
	memset(log, 0, sizeof(*log));
	if (err)
		memset(err, 0, sizeof(*err));
	p->log = log;
	p->err = err;
	p->name = name ? name : "(input)";
	p->e820_cur = -1;
	p->efi_cur = -1;
	p->efi_attr_cur = -1;
	p->dump_cur = -1;
	p->last_alloc = -1;
	p->zi_cur = -1;
	log->pageblock_order = -1;
	log->pages_per_block = -1;
	snprintf(log->name, sizeof(log->name), "%s", p->name);
	return 0;
}

/* Convenience pointers, once the arrays no longer move. */
static void set_pointers(struct bm_bootlog *log)
{
	size_t i;

	log->e820 = NULL;
	log->e820_setup_data = NULL;
	for (i = 0; i < log->n_e820_tables; i++) {
		const struct bm_e820_table *t = &log->e820_tables[i];

		if (t->kind == BM_E820_TABLE_FIRMWARE && !log->e820)
			log->e820 = t;
		if (t->kind == BM_E820_TABLE_SETUP_DATA && !log->e820_setup_data)
			log->e820_setup_data = t;
	}
	log->efi = NULL;
	log->efi_runtime = NULL;
	for (i = 0; i < log->n_efi_maps; i++) {
		const struct bm_efi_map *m = &log->efi_maps[i];

		if (m->kind == BM_EFI_MAP_BOOT && !log->efi)
			log->efi = m;
		if (m->kind == BM_EFI_MAP_RUNTIME && !log->efi_runtime)
			log->efi_runtime = m;
	}
}

int bm_parser_end(struct bm_parser *p, int rc)
{
	free(p->fw_slots);
	p->fw_slots = NULL;
	if (rc) {
		bm_bootlog_free(p->log);
		return -1;
	}
	set_pointers(p->log);
	return 0;
}

static enum bm_section section_of(const char *m, size_t n)
{
	static const struct { const char *name; enum bm_section sec; } tab[] = {
		{ "MEMINFO", BM_SEC_MEMINFO }, { "ZONEINFO", BM_SEC_ZONEINFO },
		{ "BUDDYINFO", BM_SEC_BUDDYINFO }, { "PAGETYPEINFO", BM_SEC_PAGETYPEINFO },
		{ "MEMBLOCK_MEMORY", BM_SEC_MB_MEMORY },
		{ "MEMBLOCK_RESERVED", BM_SEC_MB_RESERVED },
		{ "IOMEM", BM_SEC_IOMEM }, { "FWMEMMAP", BM_SEC_FWMEMMAP },
		{ "END", BM_SEC_NONE },
	};
	size_t i;

	n = bm_rtrim(m, n);
	for (i = 0; i < BM_ARRAY_SIZE(tab); i++)
		if (strlen(tab[i].name) == n && !memcmp(m, tab[i].name, n))
			return tab[i].sec;
	return BM_SEC_OTHER;
}

static int section_line(struct bm_parser *p, const char *m, size_t n)
{
	int rc;

	if (bm_rtrim(m, n) == 0)
		return 1;
	switch (p->sec) {
	case BM_SEC_MEMINFO:
	case BM_SEC_ZONEINFO:
	case BM_SEC_BUDDYINFO:
	case BM_SEC_PAGETYPEINFO:
		rc = bm_procfs_line(p, m, n);
		break;
	case BM_SEC_MB_MEMORY:
		rc = bm_debugfs_mb_line(p, m, n, 0);
		break;
	case BM_SEC_MB_RESERVED:
		rc = bm_debugfs_mb_line(p, m, n, 1);
		break;
	case BM_SEC_IOMEM:
		rc = bm_iomem_line(p, m, n);
		break;
	case BM_SEC_FWMEMMAP:
		rc = bm_fwmemmap_line(p, m, n);
		break;
	default:
		return 1;
	}
	if (rc == 0)
		return bm_fail(p, "unexpected line in the =====%s section: \"%.*s\"",
			       p->sec == BM_SEC_MEMINFO ? "MEMINFO" :
			       p->sec == BM_SEC_ZONEINFO ? "ZONEINFO" :
			       p->sec == BM_SEC_BUDDYINFO ? "BUDDYINFO" :
			       p->sec == BM_SEC_PAGETYPEINFO ? "PAGETYPEINFO" :
			       p->sec == BM_SEC_IOMEM ? "IOMEM" :
			       p->sec == BM_SEC_FWMEMMAP ? "FWMEMMAP" : "MEMBLOCK",
			       (int)BM_MIN(n, (size_t)60), m);
	return rc;
}

static int dispatch(struct bm_parser *p, const char *m, size_t n)
{
	int (*const handlers[])(struct bm_parser *, const char *, size_t) = {
		bm_procfs_line,		/* first: its implicit modes own their lines */
		bm_e820_line, bm_efi_line, bm_trace_line, bm_numa_line,
		bm_early_line, bm_kmsg_line, bm_iomem_line, bm_fwmemmap_line,
	};
	size_t i;

	for (i = 0; i < BM_ARRAY_SIZE(handlers); i++) {
		int rc = handlers[i](p, m, n);

		if (rc)
			return rc;
	}
	return 0;
}

static int handle_line(struct bm_parser *p, const char *m, size_t n, bool kernel)
{
	enum bm_mode before = p->mode;
	int rc;

	p->kernel_line = kernel;
	p->mode_kept = false;
	if (!kernel && n >= 5 && !memcmp(m, "=====", 5)) {
		p->sec = section_of(m + 5, n - 5);
		rc = 1;
		p->iomem_depth = 0;
	} else if (p->sec != BM_SEC_NONE && !kernel) {
		rc = p->sec == BM_SEC_OTHER ? 1 : section_line(p, m, n);
	} else {
		rc = dispatch(p, m, n);
	}
	if (rc < 0)
		return -1;
	/* A handler that entered another mode (an implicit /proc dump) ends an
	 * open MEMBLOCK dump: it is checked as complete like any other end. */
	if (before == BM_MODE_MBDUMP && p->mode != BM_MODE_MBDUMP && bm_trace_dump_close(p))
		return -1;
	if (!p->mode_kept && p->mode != BM_MODE_NONE) {
		enum bm_mode old = p->mode;

		p->mode = BM_MODE_NONE;
		if (old == BM_MODE_MBDUMP && bm_trace_dump_close(p))
			return -1;
	}
	return 0;
}

static unsigned line_of(const char *buf, size_t off)
{
	unsigned l = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n')
			l++;
	return l;
}

static void detect_format(struct bm_parser *p)
{
	struct bm_bootlog *log = p->log;
	unsigned best = 0;

	if (p->n_kernel_items) {
		log->format = BM_FMT_KERNEL_LOG;
		return;
	}
	log->format = BM_FMT_UNKNOWN;
	if (p->n_efi_lines > best) {
		best = p->n_efi_lines;
		log->format = BM_FMT_EFI_MAP;
	}
	if (p->n_iomem_lines > best) {
		best = p->n_iomem_lines;
		log->format = BM_FMT_IOMEM;
	}
	if (p->n_fw_lines > best) {
		best = p->n_fw_lines;
		log->format = BM_FMT_FWMEMMAP;
	}
	if (p->n_procfs_lines > best) {
		best = p->n_procfs_lines;
		log->format = BM_FMT_PROCFS;
	}
	if (p->n_debugfs_lines > best)
		log->format = BM_FMT_MEMBLOCK_DEBUGFS;
}

int bm_parse_text(const char *name, const char *buf, size_t len, unsigned first_line,
		  struct bm_bootlog *log, struct bm_parse_error *err)
{
	struct bm_parser P, *p = &P;
	size_t off, pos = 0, cap = 0;
	char *nb = NULL;
	unsigned idx = 0;
	int rc = 0;

	bm_parser_begin(p, name, log, err);
	if (!buf || len == 0) {
		rc = bm_fail_line(p, 0, "empty input: no recognisable content");
		goto out;
	}
	off = bm_binary_offset(buf, len);
	if (off < len) {
		rc = bm_fail_line(p, first_line + line_of(buf, off) - 1,
				  "binary data (byte 0x%02x at offset %zu): not a text log",
				  (unsigned char)buf[off], off);
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *msg;
		bool kernel;
		size_t n;

		if (ll + 1 > cap) {
			char *t;

			cap = ll + 1 > 256 ? ll + 1 : 256;
			t = realloc(nb, cap);
			if (!t) {
				rc = bm_fail(p, "out of memory");
				goto out;
			}
			nb = t;
		}
		p->line = first_line + idx;
		n = bm_normalize_line(buf + pos, ll, nb, &msg, &kernel);
		if (handle_line(p, msg, n, kernel)) {
			rc = -1;
			goto out;
		}
		idx++;
		pos += ll + 1;
	}
	log->n_lines = idx;
	p->line = first_line + (idx ? idx - 1 : 0);
	p->mode_kept = false;
	if (p->mode == BM_MODE_MBDUMP && bm_trace_dump_close(p)) {
		rc = -1;
		goto out;
	}
	p->mode = BM_MODE_NONE;
	if (bm_e820_finish(p) || bm_efi_finish(p) || bm_trace_finish(p) || bm_fwmemmap_finish(p)) {
		rc = -1;
		goto out;
	}
	log->n_recognised = p->recognised;
	if (!p->recognised) {
		rc = bm_fail_line(p, 0, "no recognisable content in %u line%s", idx,
				  idx == 1 ? "" : "s");
		goto out;
	}
	detect_format(p);
out:
	free(nb);
	return bm_parser_end(p, rc);
}

static void close_stream(FILE *f)
{
	if (f != stdin)
		fclose(f);
}

/*
 * Read all of @f (named @path in errors) into a NUL-terminated buffer;
 * refuse more than BM_INPUT_MAX (a device or pipe never ending included)
 * with an error. Closes @f unless it is stdin.
 */
int bm_read_stream(FILE *f, const char *path, char **buf, size_t *len,
		   struct bm_parse_error *err)
{
	char *b = NULL;
	size_t n = 0, cap = 0;

	*buf = NULL;
	*len = 0;
	for (;;) {
		size_t r;

		if (cap - n < 65536) {
			char *t;

			if (n > BM_INPUT_MAX) {
				free(b);
				close_stream(f);
				bm_set_error(err, path, 0, "input too large: more than %zu MiB "
					     "(bootmm reads at most %zu MiB of one input)",
					     BM_INPUT_MAX >> 20, BM_INPUT_MAX >> 20);
				return -1;
			}
			cap = cap ? cap * 2 : 65536;
			t = realloc(b, cap + 1);
			if (!t) {
				free(b);
				close_stream(f);
				bm_set_error(err, path, 0, "out of memory");
				return -1;
			}
			b = t;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(b);
		close_stream(f);
		bm_set_error(err, path, 0, "cannot read: %s", strerror(e ? e : EIO));
		return -1;
	}
	close_stream(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* Read all of @path (bm_read_stream). */
int bm_read_file(const char *path, char **buf, size_t *len, struct bm_parse_error *err)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		*buf = NULL;
		*len = 0;
		bm_set_error(err, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	return bm_read_stream(f, path, buf, len, err);
}

static bool is_fdt(const char *buf, size_t len)
{
	return len >= 4 && (unsigned char)buf[0] == 0xd0 && (unsigned char)buf[1] == 0x0d &&
	       (unsigned char)buf[2] == 0xfe && (unsigned char)buf[3] == 0xed;
}

int bm_bootlog_parse_buf(const char *name, const char *buf, size_t len,
			 struct bm_bootlog *log, struct bm_parse_error *err)
{
	if (buf && is_fdt(buf, len))
		return bm_fdt_parse_blob(name, buf, len, log, err);
	return bm_parse_text(name, buf, len, 1, log, err);
}

int bm_bootlog_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	memset(log, 0, sizeof(*log));
	if (err)
		memset(err, 0, sizeof(*err));
	if (!path) {
		bm_set_error(err, "(null)", 0, "no path");
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return bm_fwmemmap_parse_dir(path, log, err);
	if (bm_read_file(path, &buf, &len, err))
		return -1;
	rc = bm_bootlog_parse_buf(path, buf, len, log, err);
	free(buf);
	return rc;
}

static int parse_only(const char *name, const char *buf, size_t len, struct bm_bootlog *log,
		      struct bm_parse_error *err, enum bm_input_format want, const char *what)
{
	if (bm_parse_text(name, buf, len, 1, log, err))
		return -1;
	if (log->format != want) {
		bm_bootlog_free(log);
		bm_set_error(err, name, 0, "not %s (found other content)", what);
		return -1;
	}
	return 0;
}

int bm_iomem_parse_buf(const char *name, const char *buf, size_t len,
		       struct bm_bootlog *log, struct bm_parse_error *err)
{
	return parse_only(name, buf, len, log, err, BM_FMT_IOMEM, "a /proc/iomem dump");
}

int bm_efi_map_parse_file(const char *path, struct bm_bootlog *log, struct bm_parse_error *err)
{
	char *buf;
	size_t len;
	int rc;

	memset(log, 0, sizeof(*log));
	if (bm_read_file(path, &buf, &len, err))
		return -1;
	rc = parse_only(path, buf, len, log, err, BM_FMT_EFI_MAP, "an EFI memory map");
	free(buf);
	return rc;
}

/* ------------------------------------------------------------- queries */

const struct bm_cmdline *bm_bootlog_cmdline(const struct bm_bootlog *log)
{
	if (log->cmdline.text)
		return &log->cmdline;
	if (log->kernel_cmdline.text)
		return &log->kernel_cmdline;
	return NULL;
}

bool bm_meminfo_get(const struct bm_bootlog *log, const char *key, uint64_t *value)
{
	size_t i;

	for (i = 0; i < log->n_meminfo; i++) {
		if (!strcmp(log->meminfo[i].key, key)) {
			if (value)
				*value = log->meminfo[i].value;
			return true;
		}
	}
	return false;
}

const struct bm_zoneinfo *bm_zoneinfo_find(const struct bm_bootlog *log, int node, const char *zone)
{
	size_t i;

	for (i = 0; i < log->n_zoneinfo; i++)
		if (log->zoneinfo[i].node == node && !strcmp(log->zoneinfo[i].zone, zone))
			return &log->zoneinfo[i];
	return NULL;
}

uint64_t bm_efi_map_bytes(const struct bm_efi_map *map, uint32_t type)
{
	uint64_t sum = 0;
	size_t i;

	if (!map)
		return 0;
	for (i = 0; i < map->n; i++)
		if (map->entries[i].type == type)
			sum += map->entries[i].end - map->entries[i].start + 1;
	return sum;
}
