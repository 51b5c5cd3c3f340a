// SPDX-License-Identifier: MIT
/*
 * Kernel era profiles (sim/era.h): one function per question "what did
 * kernel X do here?", each answer tied to the commit, release or
 * distribution changelog that changed it (docs/ERAS.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/era.h"
#include "bootmm/boot.h"

/* Sort key: an -rc below its .0, a bare "6.12" as 6.12.0. */
static long era_key(int major, int minor, int patch, bool rc)
{
	return ((long)major << 32) | ((long)minor << 20) | (rc ? 0 : (patch < 0 ? 0 : patch) + 1);
}

int bm_era_cmp(const struct bm_era *e, int major, int minor, int patch)
{
	long a = era_key(e->major, e->minor, e->patch, e->rc);
	long b = era_key(major, minor, patch, false);

	return a < b ? -1 : a > b;
}

static bool ge(const struct bm_era *e, int major, int minor)
{
	return bm_era_cmp(e, major, minor, 0) >= 0;
}

bool bm_era_log_at_least(const struct bm_bootlog *log, int major, int minor, bool unknown)
{
	struct bm_era e;

	if (bm_era_from_log(log, &e) == BM_ERA_NONE)
		return unknown;
	return ge(&e, major, minor);
}

static bool branch(const struct bm_era *e, int major, int minor)
{
	return e->major == major && e->minor == minor && !e->rc;
}

static void era_text(struct bm_era *e)
{
	if (e->rc)
		snprintf(e->text, sizeof(e->text), "%d.%d-rc", e->major, e->minor);
	else if (e->patch < 0)
		snprintf(e->text, sizeof(e->text), "%d.%d", e->major, e->minor);
	else
		snprintf(e->text, sizeof(e->text), "%d.%d.%d", e->major, e->minor, e->patch);
}

/* Digits at *p (at most 5, no sign); -1 if none. */
static int number(const char **p)
{
	int n = 0, d = 0;

	while (isdigit((unsigned char)**p) && d < 6) {
		n = n * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	return d && d < 6 ? n : -1;
}

/*
 * MAJOR.MINOR[.PATCH][-rcN] at @p; *end is where it stopped. Return 0 or
 * -1. Versions before 2.6 and after 99 are nobody's kernel.
 */
static int scan_version(const char *p, struct bm_era *e, const char **end)
{
	struct bm_era v = { .patch = -1 };

	v.major = number(&p);
	if (v.major < 2 || v.major > 99 || *p != '.')
		return -1;
	p++;
	v.minor = number(&p);
	if (v.minor < 0)
		return -1;
	if (*p == '.' && isdigit((unsigned char)p[1])) {
		p++;
		v.patch = number(&p);
		if (v.patch < 0)
			return -1;
	}
	if (!strncmp(p, "-rc", 3)) {
		p += 3;
		while (isdigit((unsigned char)*p))
			p++;
		v.rc = true;
		v.patch = -1;
	}
	era_text(&v);
	*e = v;
	*end = p;
	return 0;
}

int bm_era_parse(const char *text, struct bm_era *e, char *why, size_t len)
{
	const char *end;
	struct bm_era v;

	if (!text || scan_version(text, &v, &end) || *end) {
		snprintf(why, len, "bad kernel version '%s': expected MAJOR.MINOR[.PATCH][-rcN], "
			 "e.g. 6.1, 6.1.192, 6.12.74, 6.2-rc5, 7.1", text ? text : "");
		return -1;
	}
	*e = v;
	return 0;
}

enum bm_era_source bm_era_from_log(const struct bm_bootlog *log, struct bm_era *e)
{
	const char *b = log->version_banner, *end;
	struct bm_era u, d;
	bool have_u;

	memset(e, 0, sizeof(*e));
	have_u = log->version && !scan_version(log->version, &u, &end);
	/*
	 * Debian's release string ("6.1.0-56-cloud-amd64") keeps the branch's
	 * ABI name, not its version; the package version follows "Debian "
	 * in the build string, after the compiler's own ("Debian 12.2.0-14"):
	 * the one of the release's branch.
	 */
	for (const char *p = b ? strstr(b, "Debian ") : NULL; p; p = strstr(p + 1, "Debian ")) {
		if (scan_version(p + 7, &d, &end) || d.patch < 0)
			continue;
		if (have_u && (d.major != u.major || d.minor != u.minor))
			continue;
		*e = d;
		return BM_ERA_DEBIAN;
	}
	if (have_u) {
		*e = u;
		return BM_ERA_UNAME;
	}
	memset(e, 0, sizeof(*e));
	return BM_ERA_NONE;
}

const char *bm_era_source_name(enum bm_era_source s)
{
	switch (s) {
	case BM_ERA_DEBIAN: return "Debian version in the Linux version line";
	case BM_ERA_UNAME: return "release in the Linux version line";
	default: return "not in the log";
	}
}

/*
 * The 2026 EFI fix (seed 004: boot services freed by free_reserved_area
 * in an arch_initcall): mainline a4b0bf6a40f3 (v7.0), stable 6.1.170 and
 * 6.12.85 (Debian changelogs, CVE-2026-23352). Other stable branches are
 * not known to bootmm: treated as before the fix.
 */
bool bm_era_efi_fixed(const struct bm_era *e)
{
	if (branch(e, 6, 1))
		return e->patch >= 170;
	if (branch(e, 6, 12))
		return e->patch >= 85;
	return ge(e, 7, 0);
}

/* init_unavailable_range()'s pr_info (v5.11; 5.10 stable has it too, which a
 * log shows by printing it): older kernels print no such line. */
bool bm_era_prints_unavailable(const struct bm_era *e)
{
	return ge(e, 5, 11);
}

/* The release story only: entry points and where the seeds' callers run. */
static void apply_release(const struct bm_era *e, struct bm_sim_config *cfg)
{
	bool v71 = ge(e, 7, 1);

	/*
	 * memblock_free_late while deferred pages remain: skips them (leak)
	 * in every release; v6.2-rc's 115d9d77bb0f released them all (reverted
	 * by 647037adcad0 before v6.2); v7.1 removed it: the unified
	 * free_reserved_area WARNs and frees nothing.
	 */
	if (e->rc && e->major == 6 && e->minor == 2)
		cfg->release_policy = BM_POLICY_FREE_EARLY;
	else
		cfg->release_policy = v71 ? BM_POLICY_WARN : BM_POLICY_SKIP_UNINIT;
	/* free_reserved_area: at once (free_reserved_page) before v7.1, WARN
	 * in v7.1: what "auto" derives from release_policy (core/release.c). */
	cfg->free_reserved_area_policy = BM_POLICY_AS_RELEASE;
	cfg->placement_efi = bm_era_efi_fixed(e) ? BM_PLACEMENT_FIXED : BM_PLACEMENT_HISTORICAL;
	/* .smp_locks: alternative_instructions() before SMP; v7.1 arch_initcall. */
	cfg->placement = v71 ? BM_PLACEMENT_FIXED : BM_PLACEMENT_HISTORICAL;
	/* Seed 002: module SMP alternatives freed at SMP enable since v4.15. */
	cfg->placement_alt = ge(e, 4, 15) ? BM_PLACEMENT_FIXED : BM_PLACEMENT_HISTORICAL;
	/* Seed 003's KHO scratch fix (March 2026) is in v7.1. */
	cfg->kho_fixed = v71;
}

void bm_era_apply(const struct bm_era *e, struct bm_sim_config *cfg)
{
	apply_release(e, cfg);
	/* "Memory:" printed from page_alloc_init_late, after deferred init (v6.11). */
	cfg->memory_line_after_deferred = ge(e, 6, 11);
	/* MEMBLOCK_RSRV_KERN and the node of allocations: the KHO work of v6.16. */
	cfg->memblock_alloc_rsrv_kern = ge(e, 6, 16);
	snprintf(cfg->kernel, sizeof(cfg->kernel), "%s", e->text);
}

static size_t note_add(char *note, size_t len, size_t n, const char *what)
{
	if (!note || n >= len)
		return n;
	return n + (size_t)snprintf(note + n, len - n, "%s%s", n ? "; " : "", what);
}

void bm_era_apply_evidence(const struct bm_bootlog *log, struct bm_sim_config *cfg, char *note,
			   size_t len)
{
	unsigned deferred_line = log->n_deferred ? log->deferred[0].line : 0;
	size_t n = 0;

	if (note && len)
		note[0] = '\0';
	for (size_t i = 0; i < log->n_events; i++) {
		const struct bm_mb_event *ev = &log->events[i];

		if (ev->op == BM_MB_FREE_LATE && ev->caller &&
		    !strcmp(ev->caller, "efi_free_boot_services")) {
			cfg->placement_efi = BM_PLACEMENT_HISTORICAL;
			n = note_add(note, len, n, "EFI boot services: memblock_free_late before SMP "
				     "(trace)");
			break;
		}
	}
	for (size_t i = 0; i < log->n_freeing; i++) {
		const struct bm_freeing *f = &log->freeing[i];

		if (!f->what)
			continue;
		if (!strcmp(f->what, "EFI boot services")) {
			cfg->placement_efi = BM_PLACEMENT_FIXED;
			n = note_add(note, len, n, "EFI boot services: arch_initcall (its Freeing line)");
		} else if (!strcmp(f->what, "SMP alternatives") && deferred_line) {
			cfg->placement = f->line < deferred_line ? BM_PLACEMENT_HISTORICAL :
				BM_PLACEMENT_FIXED;
			n = note_add(note, len, n, f->line < deferred_line ?
				     ".smp_locks freed before deferred init" :
				     ".smp_locks freed after deferred init");
		}
	}
	if (log->memory.present && deferred_line) {
		cfg->memory_line_after_deferred = log->memory.line > deferred_line;
		n = note_add(note, len, n, cfg->memory_line_after_deferred ?
			     "Memory: printed after deferred init" :
			     "Memory: printed at mm_core_init");
	}
}

/* ---------------------------------------------------------- compare rows */

static const char *const row_names[BM_NR_ROWS] = {
	[BM_ROW_OWN] = "own", [BM_ROW_PREFIX] = "pre-fix", [BM_ROW_RC] = "6.2-rc",
	[BM_ROW_FIXED] = "fixed", [BM_ROW_WARN] = "v7.1", [BM_ROW_SAFE] = "bootmm",
	[BM_ROW_OPT1] = "seed001-opt1", [BM_ROW_OPT2] = "seed001-opt2",
	[BM_ROW_OPT3] = "seed001-opt3",
};

const char *bm_era_row_name(int row)
{
	return row >= 0 && row < BM_NR_ROWS ? row_names[row] : "?";
}

static void set_era(struct bm_era *e, int major, int minor, int patch, bool rc)
{
	memset(e, 0, sizeof(*e));
	e->major = major;
	e->minor = minor;
	e->patch = patch;
	e->rc = rc;
	era_text(e);
}

/* The branch of @own just before (fixed=false) or at (true) the EFI fix. */
static void fix_point(const struct bm_era *own, bool known, bool fixed, struct bm_era *e)
{
	if (known && branch(own, 6, 1))
		set_era(e, 6, 1, fixed ? 170 : 169, false);
	else if (known && branch(own, 6, 12))
		set_era(e, 6, 12, fixed ? 85 : 84, false);
	else if (known && ge(own, 7, 0))
		set_era(e, fixed ? 7 : 6, fixed ? 0 : 19, -1, false);
	else
		set_era(e, 6, 12, fixed ? 85 : 84, false);
}

void bm_era_row_config(int row, const struct bm_sim_config *own, struct bm_sim_config *cfg,
		       char *kernel, size_t len)
{
	struct bm_era o, e;
	bool known = own->kernel[0] && !bm_era_parse(own->kernel, &o, kernel, len);

	*cfg = *own;
	snprintf(kernel, len, "%s", own->kernel);
	switch (row) {
	case BM_ROW_OWN:
		return;
	case BM_ROW_SAFE:
		cfg->release_policy = BM_POLICY_SAFE;
		cfg->free_reserved_area_policy = BM_POLICY_AS_RELEASE;
		cfg->placement = BM_PLACEMENT_HISTORICAL;	/* no caller moved */
		cfg->placement_efi = BM_PLACEMENT_HISTORICAL;
		cfg->placement_alt = BM_PLACEMENT_HISTORICAL;
		cfg->kho_fixed = true;
		snprintf(kernel, len, "%s", "");
		return;
	case BM_ROW_RC:
		set_era(&e, 6, 2, -1, true);
		break;
	case BM_ROW_WARN:
		set_era(&e, 7, 1, -1, false);
		break;
	case BM_ROW_FIXED:
		if (known && bm_era_efi_fixed(&o) && !ge(&o, 7, 1))
			e = o;
		else
			fix_point(&o, known, true, &e);
		break;
	default:	/* pre-fix and seed 001's proposals on it */
		if (known && !bm_era_efi_fixed(&o) && !ge(&o, 7, 1) && !o.rc)
			e = o;
		else
			fix_point(&o, known, false, &e);
		break;
	}
	apply_release(&e, cfg);
	snprintf(kernel, len, "%s", e.text);
	if (row == BM_ROW_OPT1)
		cfg->release_policy = BM_POLICY_UNRESERVE;
	else if (row == BM_ROW_OPT2)
		cfg->release_policy = BM_POLICY_UNRESERVE_FLAG;
	else if (row == BM_ROW_OPT3)
		cfg->release_policy = BM_POLICY_DISCARD;
}
