/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the bootlog parsers (host/parse_*.c): the parser
 * state, a line scanner with precise errors, dynamic arrays and the string
 * arena. Not part of the public API.
 */
#ifndef BOOTMM_HOST_BOOTLOG_INT_H
#define BOOTMM_HOST_BOOTLOG_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/bootlog.h"

#if defined(__GNUC__)
#define BM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BM_PRINTF(a, b)
#endif

/* The "=====NAME" sections of the initramfs dump. */
enum bm_section {
	BM_SEC_NONE, BM_SEC_MEMINFO, BM_SEC_ZONEINFO, BM_SEC_BUDDYINFO,
	BM_SEC_PAGETYPEINFO, BM_SEC_MB_MEMORY, BM_SEC_MB_RESERVED,
	BM_SEC_IOMEM, BM_SEC_FWMEMMAP, BM_SEC_OTHER,
};

/* Implicit modes started by a recognisable header line. */
enum bm_mode {
	BM_MODE_NONE, BM_MODE_MEMINFO, BM_MODE_ZONEINFO, BM_MODE_BLOCKS,
	BM_MODE_ZONE_RANGES, BM_MODE_MOVABLE, BM_MODE_MBDUMP,
};

struct bm_parser {
	struct bm_bootlog *log;
	struct bm_parse_error *err;
	const char *name;
	unsigned line;			/* current line number */
	bool kernel_line;		/* current line had a kernel prefix */

	enum bm_section sec;
	enum bm_mode mode;
	bool mode_kept;			/* set by the handler that keeps @mode */

	/* e820 */
	long e820_cur;			/* current table index, -1 none */
	bool e820_break;		/* a header asks for a new table */
	int e820_hdr_kind;
	unsigned e820_hdr_line;
	size_t e820_maxend_idx;		/* entry with the highest end so far */

	/* EFI */
	long efi_cur;
	bool efi_break;
	int efi_hdr_kind;
	unsigned efi_hdr_line;
	long efi_attr_cur;
	unsigned efi_attr_hdr_line;	/* "memattr: Processing ..." seen */

	/* memblock */
	long dump_cur;			/* dump receiving region lines */
	int dump_list;			/* 0 memory, 1 reserved, 2 other */
	long last_alloc;		/* last event if it is an unpaired alloc */

	/* zoneinfo */
	long zi_cur;

	/* iomem nesting: index of the last entry at each depth */
	long iomem_stack[64];
	unsigned iomem_indent[64];
	unsigned iomem_depth;		/* entries in the stack */

	/* fwmemmap grep dump: directory index -> entry, fields seen */
	struct bm_fw_slot { long entry; unsigned have; } *fw_slots;
	size_t fw_slots_n;

	/* counters */
	unsigned recognised;
	unsigned n_efi_lines, n_iomem_lines, n_fw_lines, n_procfs_lines, n_kernel_items;
	unsigned n_debugfs_lines;
};

/* The line scanner: strict parsing once a line is known to be ours. */
struct bm_sc {
	const char *s, *p, *e;
	const char *what;		/* "e820 entry", "memblock event", ... */
};

static inline void bm_sc_init(struct bm_sc *sc, const char *s, size_t len, const char *what)
{
	sc->s = sc->p = s;
	sc->e = s + len;
	sc->what = what;
}

static inline bool bm_sc_eol(const struct bm_sc *sc) { return sc->p >= sc->e; }
void bm_sc_ws(struct bm_sc *sc);
bool bm_sc_lit(struct bm_sc *sc, const char *lit);	/* match and advance */
bool bm_sc_peek(const struct bm_sc *sc, const char *lit);
/* Error at the scanner: "truncated WHAT" at end of line, else
 * "malformed WHAT: expected EXP at column N". Returns -1. */
int bm_sc_fail(struct bm_parser *p, const struct bm_sc *sc, const char *expected);
int bm_sc_expect(struct bm_parser *p, struct bm_sc *sc, const char *lit);
/* Numbers: hex (with "0x" if @prefix is 1, without if 0, optional if 2),
 * decimal; errors on missing digits and values past 64 bits. */
int bm_sc_hex(struct bm_parser *p, struct bm_sc *sc, int prefix, uint64_t *v);
int bm_sc_dec(struct bm_parser *p, struct bm_sc *sc, uint64_t *v);
int bm_sc_sdec(struct bm_parser *p, struct bm_sc *sc, int64_t *v);
/* "[mem 0x..-0x..]" with inclusive end; @limit: highest allowed address. */
int bm_sc_mem_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t limit,
		    phys_addr_t *start, phys_addr_t *end);
/* "0x..-0x.." (prefix 0x required) inclusive */
int bm_sc_hex_range(struct bm_parser *p, struct bm_sc *sc, phys_addr_t limit,
		    phys_addr_t *start, phys_addr_t *end);
/* Check an inclusive range; @excl_end: the input's end was exclusive. */
int bm_check_range(struct bm_parser *p, const char *what, phys_addr_t start,
		   phys_addr_t end, phys_addr_t limit);
/* Size suffix K/M/G/T/P/E (memparse). */
int bm_memparse(const char *s, const char **endp, uint64_t *v);

/* Errors */
int bm_fail(struct bm_parser *p, const char *fmt, ...) BM_PRINTF(2, 3);
int bm_fail_line(struct bm_parser *p, unsigned line, const char *fmt, ...) BM_PRINTF(3, 4);
void bm_set_error(struct bm_parse_error *err, const char *file, unsigned line,
		  const char *fmt, ...) BM_PRINTF(4, 5);

/* Dynamic arrays: push one zeroed element; NULL (and error set) on OOM. */
void *bm_vec_push(struct bm_parser *p, void *arrp, size_t *n, size_t elsize);
#define BM_PUSH(p, arr, n) ((__typeof__(arr))bm_vec_push((p), &(arr), &(n), sizeof(*(arr))))
void *bm_vec_push_raw(void *arrp, size_t *n, size_t elsize);

/* Strings owned by the log. */
const char *bm_strdup_log(struct bm_parser *p, const char *s, size_t len);
const char *bm_intern(struct bm_parser *p, const char *s, size_t len);

/* Line normalisation (parse_line.c). @out needs len + 1 bytes. Returns the
 * message length; *msg points into @out. *kernel: a kernel prefix
 * (timestamp, syslog level, journal, dmesg -T) was found. */
size_t bm_normalize_line(const char *in, size_t len, char *out, const char **msg, bool *kernel);
/* Index of the first byte making @buf binary (NUL or, when more than 1 in
 * 10 bytes are control or invalid UTF-8 bytes, the first of those);
 * @len if text. */
size_t bm_binary_offset(const char *buf, size_t len);

/* Per-format line handlers: 1 consumed, 0 not ours, -1 error. */
int bm_e820_line(struct bm_parser *p, const char *m, size_t len);
int bm_efi_line(struct bm_parser *p, const char *m, size_t len);
int bm_trace_line(struct bm_parser *p, const char *m, size_t len);
int bm_numa_line(struct bm_parser *p, const char *m, size_t len);
int bm_kmsg_line(struct bm_parser *p, const char *m, size_t len);
int bm_early_line(struct bm_parser *p, const char *m, size_t len);
int bm_cmdline_parse(struct bm_parser *p, struct bm_cmdline *cl, const char *text, size_t len);
int bm_procfs_line(struct bm_parser *p, const char *m, size_t len);
int bm_iomem_line(struct bm_parser *p, const char *m, size_t len);
int bm_fwmemmap_line(struct bm_parser *p, const char *m, size_t len);
int bm_debugfs_mb_line(struct bm_parser *p, const char *m, size_t len, int which);

/* End-of-input checks of each module: -1 on error. */
int bm_e820_finish(struct bm_parser *p);
int bm_efi_finish(struct bm_parser *p);
int bm_trace_finish(struct bm_parser *p);
int bm_trace_dump_close(struct bm_parser *p);
int bm_fwmemmap_finish(struct bm_parser *p);

/* Core: parse text with line numbers starting at @first_line. */
int bm_parse_text(const char *name, const char *buf, size_t len, unsigned first_line,
		  struct bm_bootlog *log, struct bm_parse_error *err);
/* Set up / tear down a parser and its log (used by the dtb and sysfs
 * readers, which do not go through bm_parse_text). */
int bm_parser_begin(struct bm_parser *p, const char *name, struct bm_bootlog *log,
		    struct bm_parse_error *err);
int bm_parser_end(struct bm_parser *p, int rc);
void bm_bootlog_priv_free(struct bm_bootlog_priv *pv);

/* Sort a table by start; with @merge join touching entries of one type. */
int bm_e820_normalize(struct bm_e820_table *t, bool merge);

/* Small string helpers */
static inline bool bm_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool bm_isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool bm_isxdigit(int c)
{
	return bm_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline bool bm_isspace(int c) { return c == ' ' || c == '\t'; }
bool bm_starts(const char *m, size_t len, const char *lit);
/* Trim trailing spaces: new length. */
size_t bm_rtrim(const char *s, size_t len);
/* e820 type from its printed name ("usable", "System RAM", "type 12" ...);
 * 0 if unknown. */
uint32_t bm_e820_type_parse(const char *s, size_t len);

#endif /* BOOTMM_HOST_BOOTLOG_INT_H */
