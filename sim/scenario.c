// SPDX-License-Identifier: MIT
/*
 * Scenario files: parsing, expectations and writing (docs/SCENARIO.md).
 *
 * The format is line-oriented so that a fuzzer-minimised reproducer can be
 * read, diffed and edited by hand: one directive per line, '#' comments,
 * ranges inclusive as the kernel prints them ("[mem 0x100000-0x1fffffff]").
 * Parsing fills a fresh struct and reports the first problem as
 * "FILE:LINE: what is wrong"; a caller that gets an error discards the
 * struct, so nothing is ever half-applied.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#define SCN_MAX_LINE	1024
#define SCN_MAX_TOKENS	24
/* 2^32 pfns: struct page links are 32-bit (16 TiB). */
#define SCN_PHYS_MAX	((phys_addr_t)1 << 44)

struct scn_parser {
	struct bm_scenario *s;
	struct bm_parse_error *err;
	unsigned line;
	char *tok[SCN_MAX_TOKENS];
	int ntok;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct scn_parser *p, const char *fmt, ...)
{
	va_list ap;

	snprintf(p->err->file, sizeof(p->err->file), "%s", p->s->file);
	p->err->line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Is @path a scenario? By its ".scn" suffix, as the command decides. */
bool bm_scenario_is_file(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".scn");
}

/* "A-B" (inclusive, as the kernel prints) or "A+SIZE". */
static int parse_range(struct scn_parser *p, const char *text, phys_addr_t *base,
		       phys_addr_t *size)
{
	char buf[128];
	char *sep;
	uint64_t a, b;
	bool plus;

	if (strlen(text) >= sizeof(buf))
		return fail(p, "range '%.40s...' too long", text);
	strcpy(buf, text);
	sep = strchr(buf + 1, '+');
	plus = sep != NULL;
	if (!sep)
		sep = strchr(buf + 1, '-');
	if (!sep)
		return fail(p, "bad range '%s': expected BASE-END (inclusive) or BASE+SIZE", text);
	*sep = '\0';
	if (bm_parse_size(buf, &a) || bm_parse_size(sep + 1, &b))
		return fail(p, "bad range '%s': expected BASE-END (inclusive) or BASE+SIZE", text);
	if (plus) {
		if (!b || b > SCN_PHYS_MAX || a > SCN_PHYS_MAX - b)
			return fail(p, "bad range '%s': empty or beyond 16 TiB", text);
		b = a + b - 1;
	}
	if (b < a)
		return fail(p, "bad range '%s': end below base", text);
	if (b >= SCN_PHYS_MAX)
		return fail(p, "range '%s' beyond 16 TiB (bootmm's struct page limit)", text);
	*base = a;
	*size = b - a + 1;
	return 0;
}

static int parse_uint(struct scn_parser *p, const char *what, const char *text,
		      uint64_t max, uint64_t *out)
{
	if (bm_parse_size(text, out) || *out > max)
		return fail(p, "bad %s '%s': expected a number up to %llu", what, text,
			    (unsigned long long)max);
	return 0;
}

static int copy_name(struct scn_parser *p, char *dst, const char *src)
{
	if (strlen(src) >= BM_SCN_NAME)
		return fail(p, "name '%.20s...' too long (at most %d characters)", src,
			    BM_SCN_NAME - 1);
	strcpy(dst, src);
	return 0;
}

static struct bm_scn_range *new_range(struct scn_parser *p, enum bm_scn_range_kind kind)
{
	struct bm_scn_range *r;

	if (p->s->nr_ranges == BM_SCN_MAX_RANGES) {
		fail(p, "too many ranges (at most %d)", BM_SCN_MAX_RANGES);
		return NULL;
	}
	r = &p->s->ranges[p->s->nr_ranges++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = p->line;
	return r;
}

/* memory BASE-END [node N] [hotplug] [mirror] [nomap] */
static int do_memory(struct scn_parser *p)
{
	struct bm_scn_range *r;
	uint64_t nid = 0;

	if (p->ntok < 2)
		return fail(p, "usage: memory BASE-END [node N] [hotplug|mirror|nomap]");
	r = new_range(p, BM_SCN_MEMORY);
	if (!r || parse_range(p, p->tok[1], &r->base, &r->size))
		return -1;
	for (int i = 2; i < p->ntok; i++) {
		if (!strcmp(p->tok[i], "node") && i + 1 < p->ntok) {
			if (parse_uint(p, "node", p->tok[++i], BM_MAX_NUMNODES - 1, &nid))
				return -1;
		} else if (!strcmp(p->tok[i], "hotplug")) {
			r->flags |= MEMBLOCK_HOTPLUG;
		} else if (!strcmp(p->tok[i], "mirror")) {
			r->flags |= MEMBLOCK_MIRROR;
		} else if (!strcmp(p->tok[i], "nomap")) {
			r->flags |= MEMBLOCK_NOMAP;
		} else {
			return fail(p, "unexpected '%s' after memory range (node N, hotplug, mirror, "
				    "nomap)", p->tok[i]);
		}
	}
	r->nid = (int)nid;
	return 0;
}

static int do_simple_range(struct scn_parser *p, enum bm_scn_range_kind kind, const char *usage)
{
	struct bm_scn_range *r;

	if (p->ntok < 2 || p->ntok > 3 || (kind != BM_SCN_RESERVE && p->ntok != 2))
		return fail(p, "usage: %s", usage);
	r = new_range(p, kind);
	if (!r || parse_range(p, p->tok[1], &r->base, &r->size))
		return -1;
	return copy_name(p, r->name, p->ntok == 3 ? p->tok[2] : "reserved");
}

/* kernel text=A-B rodata=... data=... init=... smp_locks=... bss=... [decrypted=...] */
static int do_kernel(struct scn_parser *p)
{
	static const char *const names[] = { "text", "rodata", "data", "init", "smp_locks",
					     "decrypted", "bss" };
	struct bm_kernel_image *k = &p->s->kernel;
	phys_addr_t *fields[][2] = {
		{ &k->text_start, &k->text_end }, { &k->rodata_start, &k->rodata_end },
		{ &k->data_start, &k->data_end }, { &k->init_start, &k->init_end },
		{ &k->smp_locks_start, &k->smp_locks_end },
		{ &k->decrypted_start, &k->decrypted_end }, { &k->bss_start, &k->bss_end },
	};

	if (p->s->has_kernel)
		return fail(p, "second 'kernel' line");
	memset(k, 0, sizeof(*k));
	for (int i = 1; i < p->ntok; i++) {
		char *eq = strchr(p->tok[i], '=');
		size_t f;
		phys_addr_t base, size;

		for (f = 0; f < BM_ARRAY_SIZE(names); f++)
			if (eq && strlen(names[f]) == (size_t)(eq - p->tok[i]) &&
			    !strncmp(p->tok[i], names[f], (size_t)(eq - p->tok[i])))
				break;
		if (f == BM_ARRAY_SIZE(names))
			return fail(p, "bad kernel section '%s' (text= rodata= data= init= "
				    "smp_locks= decrypted= bss=, each BASE-END)", p->tok[i]);
		if (*fields[f][1])
			return fail(p, "kernel section %s given twice", names[f]);
		if (parse_range(p, eq + 1, &base, &size))
			return -1;
		*fields[f][0] = base;
		*fields[f][1] = base + size;
	}
	if (!k->text_end)
		return fail(p, "kernel needs at least text=BASE-END");
	for (size_t a = 0; a < BM_ARRAY_SIZE(names); a++)
		for (size_t b = a + 1; b < BM_ARRAY_SIZE(names); b++)
			if (*fields[a][1] && *fields[b][1] && *fields[a][0] < *fields[b][1] &&
			    *fields[b][0] < *fields[a][1])
				return fail(p, "kernel sections %s and %s overlap", names[a],
					    names[b]);
	p->s->has_kernel = true;
	return 0;
}

/* at PHASE release BASE-END NAME [api=...] | at PHASE allocate ORDER MT [node N] [count C] */
static int do_at(struct scn_parser *p)
{
	struct bm_scn_action *a;
	int phase;
	uint64_t v;

	if (p->ntok < 3)
		return fail(p, "usage: at PHASE release BASE-END NAME [api=free_reserved_area|"
			    "memblock_free_late] | at PHASE allocate ORDER MIGRATETYPE [node N] "
			    "[count C]");
	phase = bm_phase_from_name(p->tok[1]);
	if (phase < 0)
		return fail(p, "unknown phase '%s' (mm_core_init before_smp early_initcall "
			    "smp_init page_alloc_init_late core_initcall ... free_initmem running)",
			    p->tok[1]);
	if (phase < BM_PHASE_MM_CORE_INIT)
		return fail(p, "phase %s is before the buddy allocator exists (mm_core_init): "
			    "describe early reservations with 'reserve'", p->tok[1]);
	if (p->s->nr_actions == BM_SCN_MAX_ACTIONS)
		return fail(p, "too many actions (at most %d)", BM_SCN_MAX_ACTIONS);
	a = &p->s->actions[p->s->nr_actions];
	memset(a, 0, sizeof(*a));
	a->phase = phase;
	a->line = p->line;
	a->nid = 0;
	a->count = 1;
	if (!strcmp(p->tok[2], "release")) {
		a->op = BM_SCN_RELEASE;
		a->api = BM_API_FREE_RESERVED_AREA;
		if (p->ntok < 5 || p->ntok > 6)
			return fail(p, "usage: at PHASE release BASE-END NAME [api=free_reserved_area"
				    "|memblock_free_late]");
		if (parse_range(p, p->tok[3], &a->base, &a->size) ||
		    copy_name(p, a->name, p->tok[4]))
			return -1;
		if (p->ntok == 6) {
			if (!strcmp(p->tok[5], "api=free_reserved_area"))
				a->api = BM_API_FREE_RESERVED_AREA;
			else if (!strcmp(p->tok[5], "api=memblock_free_late"))
				a->api = BM_API_MEMBLOCK_FREE_LATE;
			else
				return fail(p, "bad '%s': expected api=free_reserved_area or "
					    "api=memblock_free_late", p->tok[5]);
		}
	} else if (!strcmp(p->tok[2], "allocate")) {
		a->op = BM_SCN_ALLOCATE;
		if (p->ntok < 5)
			return fail(p, "usage: at PHASE allocate ORDER MIGRATETYPE [node N] [count C]");
		if (parse_uint(p, "order", p->tok[3], BM_MAX_ORDER_LIMIT - 1, &v))
			return -1;
		a->order = (unsigned)v;
		a->mt = bm_migratetype_from_name(p->tok[4]);
		if (a->mt < 0 || a->mt >= MIGRATE_PCPTYPES)
			return fail(p, "bad migratetype '%s' (Unmovable, Movable, Reclaimable)",
				    p->tok[4]);
		for (int i = 5; i < p->ntok; i++) {
			if (i + 1 >= p->ntok)
				return fail(p, "'%s' needs a value", p->tok[i]);
			if (!strcmp(p->tok[i], "node")) {
				if (parse_uint(p, "node", p->tok[++i], BM_MAX_NUMNODES - 1, &v))
					return -1;
				a->nid = (int)v;
			} else if (!strcmp(p->tok[i], "count")) {
				if (parse_uint(p, "count", p->tok[++i], 1u << 20, &v))
					return -1;
				a->count = (unsigned)v;
			} else {
				return fail(p, "unexpected '%s' (node N, count C)", p->tok[i]);
			}
		}
	} else {
		return fail(p, "unknown action '%s' (release, allocate)", p->tok[2]);
	}
	p->s->nr_actions++;
	return 0;
}

/* Split "leaked_pages>=10" into key, comparison and value. */
static int do_expect_term(struct scn_parser *p, unsigned policies, const char *term)
{
	struct bm_scn_expect *e;
	size_t klen = strcspn(term, "=!<>");
	const char *op = term + klen, *val;
	char key[40];

	if (!*op || klen == 0 || klen >= sizeof(key))
		return fail(p, "bad expectation '%s': expected KEY=VALUE (or != < <= > >=)", term);
	if (p->s->nr_expects == BM_SCN_MAX_EXPECTS)
		return fail(p, "too many expectations (at most %d)", BM_SCN_MAX_EXPECTS);
	e = &p->s->expects[p->s->nr_expects];
	memcpy(key, term, klen);
	key[klen] = '\0';
	e->key = bm_result_key_from_name(key);
	if (e->key < 0)
		return fail(p, "unknown result '%s' (leaked_pages uninit_reads double_inits "
			    "memblock_mismatches migratetype_errors warns misuse invariant "
			    "memtotal_kb memfree_kb released_pages freed_pages usable_phase "
			    "alt_leaked_pages)", key);
	if (!strncmp(op, "==", 2) || !strncmp(op, "!=", 2) || !strncmp(op, "<=", 2) ||
	    !strncmp(op, ">=", 2)) {
		e->cmp = op[0] == '=' ? BM_CMP_EQ : op[0] == '!' ? BM_CMP_NE :
			 op[0] == '<' ? BM_CMP_LE : BM_CMP_GE;
		val = op + 2;
	} else {
		e->cmp = op[0] == '=' ? BM_CMP_EQ : op[0] == '<' ? BM_CMP_LT : op[0] == '>' ?
			 BM_CMP_GT : BM_CMP_NE;
		if (op[0] == '!')
			return fail(p, "bad comparison in '%s'", term);
		val = op + 1;
	}
	if (e->key == BM_RK_USABLE_PHASE) {
		int ph = !strcmp(val, "never") ? -1 : bm_phase_from_name(val);

		if (ph < 0 && strcmp(val, "never"))
			return fail(p, "bad usable_phase '%s': a phase name or never", val);
		e->value = ph;
	} else {
		uint64_t v;

		if (bm_parse_size(val, &v) || v > INT64_MAX)
			return fail(p, "bad value '%s' in '%s': expected a number", val, term);
		e->value = (int64_t)v;
	}
	e->policies = policies;
	e->line = p->line;
	p->s->nr_expects++;
	return 0;
}

/* expect POLICY[,POLICY...]|all KEY<op>VALUE ... */
static int do_expect(struct scn_parser *p)
{
	unsigned policies = 0;
	char buf[256], *save = NULL;

	if (p->ntok < 3)
		return fail(p, "usage: expect POLICY[,POLICY...]|all KEY=VALUE ...");
	if (strlen(p->tok[1]) >= sizeof(buf))
		return fail(p, "policy list too long");
	strcpy(buf, p->tok[1]);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int pol = bm_policy_from_name(t);

		if (!strcmp(t, "all") || !strcmp(t, "*"))
			policies |= (1u << BM_NR_POLICIES) - 1;
		else if (pol < 0)
			return fail(p, "unknown policy '%s' in expect (safe skip-uninit free-early "
				    "unreserve unreserve-flag discard warn, or all)", t);
		else
			policies |= 1u << pol;
	}
	for (int i = 2; i < p->ntok; i++)
		if (do_expect_term(p, policies, p->tok[i]))
			return -1;
	return 0;
}

static int do_config(struct scn_parser *p)
{
	char why[512];
	struct bm_sim_config scratch;

	if (p->ntok < 2)
		return fail(p, "usage: config KEY=VALUE ...");
	bm_sim_config_default(&scratch);
	for (int i = 1; i < p->ntok; i++) {
		struct bm_scn_setting *st;
		char *eq = strchr(p->tok[i], '=');

		/* Validate now so the error names this line. */
		if (bm_config_assign(&scratch, p->tok[i], why, sizeof(why)))
			return fail(p, "%s", why);
		if (p->s->nr_settings == BM_SCN_MAX_SETTINGS)
			return fail(p, "too many config settings (at most %d)", BM_SCN_MAX_SETTINGS);
		st = &p->s->settings[p->s->nr_settings++];
		if ((size_t)(eq - p->tok[i]) >= sizeof(st->key) || strlen(eq + 1) >= sizeof(st->value))
			return fail(p, "config setting '%.40s' too long", p->tok[i]);
		memcpy(st->key, p->tok[i], (size_t)(eq - p->tok[i]));
		st->key[eq - p->tok[i]] = '\0';
		strcpy(st->value, eq + 1);
		st->line = p->line;
		/* A key set twice: which one was meant? Last-wins would hide it. */
		for (unsigned j = 0; j + 1 < p->s->nr_settings; j++) {
			const struct bm_scn_setting *o = &p->s->settings[j];

			if (!strcmp(o->key, st->key)) {
				unsigned first = o->line;

				p->s->nr_settings--;
				return fail(p, "config key '%s' set again (first set on line %u)",
					    st->key, first);
			}
		}
	}
	return 0;
}

static int do_machine(struct scn_parser *p)
{
	const char *slash = strrchr(p->s->file, '/');
	char path[1024], *abs;
	int n;

	if (p->ntok != 2)
		return fail(p, "usage: machine LOGFILE (path relative to the scenario file)");
	if (p->s->machine[0])
		return fail(p, "second 'machine' line");
	if (p->tok[1][0] == '/' || !slash)
		n = snprintf(path, sizeof(path), "%s", p->tok[1]);
	else
		n = snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - p->s->file), p->s->file,
			     p->tok[1]);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(p, "machine path too long");
	/* Absolute, so that a scenario written elsewhere (fuzz --out) still finds it. */
	abs = realpath(path, NULL);
	n = snprintf(p->s->machine, sizeof(p->s->machine), "%s", abs ? abs : path);
	free(abs);
	if (n < 0 || (size_t)n >= sizeof(p->s->machine))
		return fail(p, "machine path too long");
	p->s->machine_line = p->line;
	return 0;
}

static int do_line(struct scn_parser *p)
{
	struct bm_scenario *s = p->s;
	const char *d = p->tok[0];
	uint64_t v, w;

	if (!strcmp(d, "name")) {
		/* The rest of the line, re-joined. */
		s->name[0] = '\0';
		for (int i = 1; i < p->ntok; i++) {
			size_t n = strlen(s->name);

			snprintf(s->name + n, sizeof(s->name) - n, "%s%s", i > 1 ? " " : "", p->tok[i]);
		}
		return 0;
	}
	if (!strcmp(d, "machine"))
		return do_machine(p);
	if (!strcmp(d, "memory"))
		return do_memory(p);
	if (!strcmp(d, "reserve"))
		return do_simple_range(p, BM_SCN_RESERVE, "reserve BASE-END [NAME]");
	if (!strcmp(d, "efi-boot"))
		return do_simple_range(p, BM_SCN_EFI_BOOT, "efi-boot BASE-END");
	if (!strcmp(d, "kho-scratch"))
		return do_simple_range(p, BM_SCN_KHO, "kho-scratch BASE-END");
	if (!strcmp(d, "kernel"))
		return do_kernel(p);
	if (!strcmp(d, "initrd")) {
		if (p->ntok != 2)
			return fail(p, "usage: initrd BASE-END");
		if (s->initrd.size)
			return fail(p, "second 'initrd' line");
		return parse_range(p, p->tok[1], &s->initrd.base, &s->initrd.size);
	}
	if (!strcmp(d, "efi-debug")) {
		if (p->ntok != 1)
			return fail(p, "usage: efi-debug");
		s->efi_debug = true;
		return 0;
	}
	if (!strcmp(d, "cpus")) {
		if (p->ntok != 2)
			return fail(p, "usage: cpus N");
		if (parse_uint(p, "cpus", p->tok[1], 4096, &v))
			return -1;
		if (!v)
			return fail(p, "cpus must be at least 1");
		s->nr_cpus = (int)v;
		return 0;
	}
	if (!strcmp(d, "module-alternatives")) {
		if (p->ntok != 3)
			return fail(p, "usage: module-alternatives N PAGES");
		if (parse_uint(p, "module count", p->tok[1], 64, &v) ||
		    parse_uint(p, "pages per module", p->tok[2], 1024, &w))
			return -1;
		if (!w && v)
			return fail(p, "pages per module must be at least 1");
		s->alt_modules = (unsigned)v;
		s->alt_pages = (unsigned long)w;
		return 0;
	}
	if (!strcmp(d, "config"))
		return do_config(p);
	if (!strcmp(d, "at"))
		return do_at(p);
	if (!strcmp(d, "expect"))
		return do_expect(p);
	return fail(p, "unknown directive '%.40s' (name machine memory reserve kernel initrd "
		    "efi-boot efi-debug kho-scratch cpus module-alternatives config at expect)", d);
}

static bool ranges_overlap(const struct bm_scn_range *a, const struct bm_scn_range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

static bool inside_memory(const struct bm_scenario *s, phys_addr_t base, phys_addr_t size)
{
	/* Memory lines may touch: walk forward through adjacent ones. */
	for (bool moved = true; moved && size;) {
		moved = false;
		for (unsigned i = 0; i < s->nr_ranges; i++) {
			const struct bm_scn_range *r = &s->ranges[i];

			if (r->kind != BM_SCN_MEMORY || base < r->base || base >= r->base + r->size)
				continue;
			if (base + size <= r->base + r->size)
				return true;
			size -= r->base + r->size - base;
			base = r->base + r->size;
			moved = true;
		}
	}
	return !size;
}

/* Whole-file rules, each reported at the line that breaks them. */
static int check_scenario(struct scn_parser *p)
{
	struct bm_scenario *s = p->s;
	bool has_memory = false;

	for (unsigned i = 0; i < s->nr_ranges; i++) {
		const struct bm_scn_range *r = &s->ranges[i];

		p->line = r->line;
		if (r->kind != BM_SCN_MEMORY)
			continue;
		has_memory = true;
		if (s->machine[0])
			return fail(p, "'memory' cannot be combined with 'machine' (line %u): the "
				    "machine's memory comes from its log", s->machine_line);
		for (unsigned j = 0; j < i; j++)
			if (s->ranges[j].kind == BM_SCN_MEMORY && ranges_overlap(r, &s->ranges[j]))
				return fail(p, "memory range overlaps the one on line %u",
					    s->ranges[j].line);
	}
	/* No machine at all is allowed here: the command line may supply the
	 * log (bootmm boot LOG overrides.scn); bm_scenario_build() insists. */
	if (!has_memory)
		return 0;
	for (unsigned i = 0; i < s->nr_ranges; i++) {
		const struct bm_scn_range *r = &s->ranges[i];

		p->line = r->line;
		if ((r->kind == BM_SCN_KHO || r->kind == BM_SCN_EFI_BOOT) &&
		    !inside_memory(s, r->base, r->size))
			return fail(p, "%s range is not inside memory",
				    r->kind == BM_SCN_KHO ? "kho-scratch" : "efi-boot");
	}
	return 0;
}

/**
 * bm_scenario_parse_buf - parse scenario text
 * @name: file name for messages; "machine" paths are relative to its directory
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @s: filled in
 * @err: the first problem, as FILE:LINE: what
 *
 * Return: 0, or -1 (then @s must not be used).
 */
int bm_scenario_parse_buf(const char *name, const char *buf, size_t len,
			  struct bm_scenario *s, struct bm_parse_error *err)
{
	struct scn_parser p = { .s = s, .err = err };
	char line[SCN_MAX_LINE + 2];
	size_t pos = 0;

	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	snprintf(s->file, sizeof(s->file), "%s", name);
	while (pos < len) {
		size_t end = pos, n;
		char *hash, *save = NULL;

		while (end < len && buf[end] != '\n')
			end++;
		n = end - pos;
		p.line++;
		if (n > SCN_MAX_LINE)
			return fail(&p, "line longer than %d characters", SCN_MAX_LINE);
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos = end + 1;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];

			if (c == '\r' && i == n - 1)
				line[i] = '\0';
			else if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(&p, "not a scenario file: control byte 0x%02x in column "
					    "%zu", c, i + 1);
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		p.ntok = 0;
		for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			if (p.ntok == SCN_MAX_TOKENS)
				return fail(&p, "too many words (at most %d)", SCN_MAX_TOKENS);
			p.tok[p.ntok++] = t;
		}
		if (p.ntok && do_line(&p))
			return -1;
	}
	return check_scenario(&p);
}

/**
 * bm_scenario_parse_file - bm_scenario_parse_buf() of a file
 * @path: the file ("machine" paths are relative to its directory)
 * @s: filled in
 * @err: the first problem, or why the file could not be read
 *
 * Return: 0 or -1.
 */
int bm_scenario_parse_file(const char *path, struct bm_scenario *s, struct bm_parse_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int ret;

	memset(err, 0, sizeof(*err));
	if (!f) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > ((size_t)64 << 20)) {
				free(buf);
				fclose(f);
				snprintf(err->file, sizeof(err->file), "%s", path);
				snprintf(err->msg, sizeof(err->msg), "too large for a scenario (> 64 MiB)");
				return -1;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err->file, sizeof(err->file), "%s", path);
				snprintf(err->msg, sizeof(err->msg), "out of memory");
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "read error: %s", strerror(errno));
		return -1;
	}
	fclose(f);
	ret = bm_scenario_parse_buf(path, buf ? buf : "", len, s, err);
	free(buf);
	return ret;
}

/**
 * bm_scenario_apply_config - apply the scenario's "config" lines
 * @s: scenario
 * @cfg: configuration to change
 * @err: the first bad line
 *
 * Return: 0 or -1 (values were checked at parse time; this fails only on
 * the cross-field rules of bm_config_check()).
 */
int bm_scenario_apply_config(const struct bm_scenario *s, struct bm_sim_config *cfg,
			     struct bm_parse_error *err)
{
	char why[512];

	for (unsigned i = 0; i < s->nr_settings; i++) {
		if (bm_config_set(cfg, s->settings[i].key, s->settings[i].value, why, sizeof(why))) {
			snprintf(err->file, sizeof(err->file), "%s", s->file);
			err->line = s->settings[i].line;
			snprintf(err->msg, sizeof(err->msg), "%.*s", (int)sizeof(err->msg) - 1, why);
			return -1;
		}
	}
	return 0;
}

/**
 * bm_scenario_expect_holds - does a result meet an expectation?
 * @e: expectation (its policies are not looked at)
 * @r: result of a boot
 *
 * Return: true if the field compares as the expectation says.
 */
bool bm_scenario_expect_holds(const struct bm_scn_expect *e, const struct bm_sim_result *r)
{
	int64_t v = bm_result_value(r, e->key);

	switch (e->cmp) {
	case BM_CMP_EQ: return v == e->value;
	case BM_CMP_NE: return v != e->value;
	case BM_CMP_LT: return v < e->value;
	case BM_CMP_LE: return v <= e->value;
	case BM_CMP_GT: return v > e->value;
	case BM_CMP_GE: return v >= e->value;
	}
	return false;
}
