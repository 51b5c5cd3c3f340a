// SPDX-License-Identifier: MIT
/*
 * Names the command line and scenario files share: struct bm_sim_config keys
 * with their validation, placements, phases, migratetypes and the result
 * fields that "expect" lines and the JSON output name. One table each, so a
 * new field is added in one place and appears in --help, scenarios and JSON.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/scenario.h"
#include "sim/era.h"

const struct bm_config_key bm_config_keys[] = {
	{ "pageblock_order", BM_CK_UINT, "pageblock order, 0..max_page_order (9 on x86-64)" },
	{ "max_page_order", BM_CK_UINT, "MAX_PAGE_ORDER, 1..11 (10 on x86-64)" },
	{ "deferred", BM_CK_BOOL, "CONFIG_DEFERRED_STRUCT_PAGE_INIT" },
	{ "keep_memblock", BM_CK_BOOL, "CONFIG_ARCH_KEEP_MEMBLOCK (memblock kept after boot)" },
	{ "memblock_debug", BM_CK_BOOL, "memblock=debug: trace every memblock call" },
	{ "movable_node", BM_CK_BOOL, "movable_node on the command line" },
	{ "threads", BM_CK_UINT, "host threads for deferred init, 1..256" },
	{ "policy", BM_CK_ENUM, "release policy: safe, skip-uninit, free-early, unreserve, "
				"unreserve-flag, discard, warn" },
	{ "dma_end", BM_CK_ADDR, "end of ZONE_DMA in bytes (16M)" },
	{ "dma32_end", BM_CK_ADDR, "end of ZONE_DMA32 in bytes (4G)" },
	{ "kho", BM_CK_BOOL, "kexec handover boot (set by kho-scratch ranges)" },
	{ "kho_fixed", BM_CK_BOOL, "seed 003's KHO scratch CMA fix applied" },
	{ "placement", BM_CK_ENUM, "where the seeds' callers release: auto, historical, fixed, "
				   "initmem" },
	{ "placement_efi", BM_CK_ENUM, "EFI boot services only: auto (as placement), historical, "
				       "fixed" },
	{ "memory_line_after_deferred", BM_CK_BOOL, "print Memory: after deferred init (>= 6.11)" },
	{ "kernel", BM_CK_ENUM, "kernel version whose era profile to apply (6.1, 6.12.74, 7.1; "
				"docs/ERAS.md): sets the keys below it in this list and policy, "
				"placement*, kho_fixed, memory_line_after_deferred" },
	{ "placement_alt", BM_CK_ENUM, "seed 002's module alternatives only: auto (as placement), "
				       "historical (kept, < 4.15), fixed (freed at SMP)" },
	{ "free_reserved_area_policy", BM_CK_ENUM, "free_reserved_area's own policy: auto (what it "
						   "did in policy's era: free-early beside "
						   "skip-uninit), or a policy" },
	{ "memblock_alloc_rsrv_kern", BM_CK_BOOL, "allocations reserved RSRV_KERN with their node "
						  "(>= 6.16); off: no flag, MAX_NUMNODES" },
};
const unsigned bm_nr_config_keys = BM_ARRAY_SIZE(bm_config_keys);

static const char *const placement_names[] = {
	[BM_PLACEMENT_AUTO] = "auto",
	[BM_PLACEMENT_HISTORICAL] = "historical",
	[BM_PLACEMENT_FIXED] = "fixed",
	[BM_PLACEMENT_INITMEM] = "initmem",
};

/* Name of a placement ("historical"), NULL if out of range. */
const char *bm_placement_name(int placement)
{
	if (placement < 0 || placement >= (int)BM_ARRAY_SIZE(placement_names))
		return NULL;
	return placement_names[placement];
}

/* A placement by name, -1 if unknown. */
int bm_placement_from_name(const char *name)
{
	for (int i = 0; i < (int)BM_ARRAY_SIZE(placement_names); i++)
		if (!strcmp(name, placement_names[i]))
			return i;
	return -1;
}

/* A phase by its bm_phase_name(), -1 if unknown. */
int bm_phase_from_name(const char *name)
{
	for (int p = 0; p < BM_NR_PHASES; p++)
		if (!strcmp(name, bm_phase_name((enum bm_phase)p)))
			return p;
	return -1;
}

/* Accepts the kernel's pagetypeinfo spelling, any case, with or without
 * the MIGRATE_ prefix, because people paste both. */
int bm_migratetype_from_name(const char *name)
{
	static const char *const names[] = {
		[MIGRATE_UNMOVABLE] = "unmovable", [MIGRATE_MOVABLE] = "movable",
		[MIGRATE_RECLAIMABLE] = "reclaimable", [MIGRATE_HIGHATOMIC] = "highatomic",
		[MIGRATE_CMA] = "cma", [MIGRATE_ISOLATE] = "isolate",
	};

	if (!strncasecmp(name, "MIGRATE_", 8))
		name += 8;
	for (int i = 0; i < (int)BM_ARRAY_SIZE(names); i++)
		if (!strcasecmp(name, names[i]))
			return i;
	return -1;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "on", "true", "yes", "y" };
	static const char *const no[] = { "0", "off", "false", "no", "n" };

	for (size_t i = 0; i < BM_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/**
 * bm_parse_size - an unsigned number as scenarios and options write them
 * @v: decimal or 0x hex, optional K/M/G/T binary suffix (KiB/MB tolerated)
 * @out: the value
 *
 * Return: 0, or -1 for anything else (sign, junk, overflow).
 */
int bm_parse_size(const char *v, uint64_t *out)
{
	char *end;
	uint64_t n, mul = 1;

	if (!*v || *v == '-' || isspace((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || end == v)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': mul = 1ull << 10; end++; break;
	case 'M': mul = 1ull << 20; end++; break;
	case 'G': mul = 1ull << 30; end++; break;
	case 'T': mul = 1ull << 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')	/* tolerate "16MiB", "16MB" */
		end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
	if (*end || (n && mul > UINT64_MAX / n))
		return -1;
	*out = n * mul;
	return 0;
}

static int key_index(const char *key)
{
	for (unsigned i = 0; i < bm_nr_config_keys; i++)
		if (!strcmp(key, bm_config_keys[i].name))
			return (int)i;
	return -1;
}

static void list_keys(char *why, size_t len, const char *key)
{
	size_t n = (size_t)snprintf(why, len, "unknown config key '%s' (keys:", key);

	for (unsigned i = 0; i < bm_nr_config_keys && n < len; i++)
		n += (size_t)snprintf(why + n, len - n, " %s", bm_config_keys[i].name);
	if (n < len)
		snprintf(why + n, len - n, ")");
}

/**
 * bm_config_set - set one configuration key from text
 * @cfg: configuration, changed only on success
 * @key: a name of bm_config_keys[]
 * @value: its text (booleans on/off/1/0/true/false/yes/no; numbers decimal
 *         or 0x, addresses with K/M/G/T; policy and placement by name)
 * @why: reason on failure
 * @len: size of @why
 *
 * Values are checked one by one here; bm_config_check() checks the fields
 * against each other once every assignment is in, so that the order of
 * --config options does not matter.
 *
 * Return: 0, or -1 with @why set.
 */
int bm_config_set(struct bm_sim_config *cfg, const char *key, const char *value,
		  char *why, size_t len)
{
	int idx = key_index(key);
	struct bm_sim_config c = *cfg;
	uint64_t n = 0;
	bool b = false;

	if (idx < 0) {
		list_keys(why, len, key);
		return -1;
	}
	switch (bm_config_keys[idx].type) {
	case BM_CK_BOOL:
		if (parse_bool(value, &b)) {
			snprintf(why, len, "bad value '%s' for %s: expected on or off", value, key);
			return -1;
		}
		break;
	case BM_CK_UINT:
	case BM_CK_ADDR:
		if (bm_parse_size(value, &n)) {
			snprintf(why, len, "bad value '%s' for %s: expected a number", value, key);
			return -1;
		}
		break;
	case BM_CK_ENUM:
		break;
	}
	if (!strcmp(key, "pageblock_order")) {
		if (n >= BM_MAX_ORDER_LIMIT)
			goto range;
		c.pageblock_order = (unsigned)n;
	} else if (!strcmp(key, "max_page_order")) {
		if (n < 1 || n >= BM_MAX_ORDER_LIMIT)
			goto range;
		c.max_page_order = (unsigned)n;
	} else if (!strcmp(key, "deferred")) {
		c.deferred_struct_page_init = b;
	} else if (!strcmp(key, "keep_memblock")) {
		c.arch_keep_memblock = b;
	} else if (!strcmp(key, "memblock_debug")) {
		c.memblock_debug = b;
	} else if (!strcmp(key, "movable_node")) {
		c.movable_node = b;
	} else if (!strcmp(key, "threads")) {
		if (n < 1 || n > 256)
			goto range;
		c.threads = (unsigned)n;
	} else if (!strcmp(key, "policy")) {
		int p = bm_policy_from_name(value);

		if (p < 0) {
			snprintf(why, len, "unknown policy '%s' (policies: safe skip-uninit free-early "
				 "unreserve unreserve-flag discard warn)", value);
			return -1;
		}
		c.release_policy = p;
	} else if (!strcmp(key, "dma_end") || !strcmp(key, "dma32_end")) {
		if (n % BM_PAGE_SIZE || n > ((uint64_t)1 << 52)) {
			snprintf(why, len, "bad value '%s' for %s: expected a page-aligned address "
				 "below 4P", value, key);
			return -1;
		}
		if (key[3] == '_')
			c.zone_dma_end_pfn = BM_PFN_DOWN(n);
		else
			c.zone_dma32_end_pfn = BM_PFN_DOWN(n);
	} else if (!strcmp(key, "kho")) {
		c.kho = b;
	} else if (!strcmp(key, "kho_fixed")) {
		c.kho_fixed = b;
	} else if (!strcmp(key, "placement") || !strcmp(key, "placement_efi") ||
		   !strcmp(key, "placement_alt")) {
		int p = bm_placement_from_name(value);

		if (p < 0 || (p == BM_PLACEMENT_INITMEM && key[9])) {
			snprintf(why, len, "unknown placement '%s' for %s (auto historical fixed%s)",
				 value, key, key[9] ? "" : " initmem");
			return -1;
		}
		if (!strcmp(key, "placement_efi")) {
			c.placement_efi = p;
		} else if (key[9]) {
			c.placement_alt = p;
		} else {
			/* Every caller: an era's placement of one caller must not
			 * silently survive an explicit choice for all of them. */
			c.placement = p;
			c.placement_efi = p == BM_PLACEMENT_INITMEM ? BM_PLACEMENT_AUTO : p;
			c.placement_alt = BM_PLACEMENT_AUTO;
		}
	} else if (!strcmp(key, "memory_line_after_deferred")) {
		c.memory_line_after_deferred = b;
	} else if (!strcmp(key, "kernel")) {
		struct bm_era e;

		if (!strcmp(value, "none")) {
			c.kernel[0] = '\0';	/* forget the name; the keys stay as they are */
		} else {
			if (bm_era_parse(value, &e, why, len))
				return -1;
			bm_era_apply(&e, &c);
		}
	} else if (!strcmp(key, "free_reserved_area_policy")) {
		bool is_auto = !strcmp(value, "auto");
		int p = is_auto ? BM_POLICY_AS_RELEASE : bm_policy_from_name(value);

		if (!is_auto && p < 0) {
			snprintf(why, len, "unknown policy '%s' for %s (auto safe skip-uninit "
				 "free-early unreserve unreserve-flag discard warn)", value, key);
			return -1;
		}
		c.free_reserved_area_policy = p;
	} else if (!strcmp(key, "memblock_alloc_rsrv_kern")) {
		c.memblock_alloc_rsrv_kern = b;
	}
	*cfg = c;
	return 0;
range:
	snprintf(why, len, "value %s out of range for %s: %s", value, key, bm_config_keys[idx].help);
	return -1;
}

/**
 * bm_config_assign - bm_config_set() of a "KEY=VALUE" string
 * @cfg: configuration
 * @assignment: "KEY=VALUE"
 * @why: reason on failure
 * @len: size of @why
 *
 * Return: 0 or -1.
 */
int bm_config_assign(struct bm_sim_config *cfg, const char *assignment, char *why, size_t len)
{
	const char *eq = strchr(assignment, '=');
	char key[64];

	if (!eq || eq == assignment || !eq[1]) {
		snprintf(why, len, "expected KEY=VALUE, got '%s'", assignment);
		return -1;
	}
	if ((size_t)(eq - assignment) >= sizeof(key)) {
		snprintf(why, len, "config key too long in '%.40s...'", assignment);
		return -1;
	}
	memcpy(key, assignment, (size_t)(eq - assignment));
	key[eq - assignment] = '\0';
	return bm_config_set(cfg, key, eq + 1, why, len);
}

/**
 * bm_config_check - rules between configuration keys
 * @cfg: configuration
 * @why: reason on failure
 * @len: size of @why
 *
 * Checked once all assignments are in, so their order does not matter.
 * Return: 0, or -1 with @why set.
 */
int bm_config_check(const struct bm_sim_config *cfg, char *why, size_t len)
{
	if (cfg->pageblock_order > cfg->max_page_order) {
		snprintf(why, len, "pageblock_order %u is above max_page_order %u",
			 cfg->pageblock_order, cfg->max_page_order);
		return -1;
	}
	if (cfg->zone_dma_end_pfn > cfg->zone_dma32_end_pfn) {
		snprintf(why, len, "dma_end %#llx is above dma32_end %#llx",
			 (unsigned long long)BM_PFN_PHYS(cfg->zone_dma_end_pfn),
			 (unsigned long long)BM_PFN_PHYS(cfg->zone_dma32_end_pfn));
		return -1;
	}
	return 0;
}

/**
 * bm_config_get - canonical text of one key
 * @cfg: configuration
 * @idx: index into bm_config_keys[]
 * @buf: output
 * @len: size of @buf
 *
 * The text reads back through bm_config_set(): "on"/"off", decimal, 0x
 * addresses, names.
 */
void bm_config_get(const struct bm_sim_config *cfg, unsigned idx, char *buf, size_t len)
{
	const char *k = idx < bm_nr_config_keys ? bm_config_keys[idx].name : "";
	const char *s = NULL;
	bool b = false;
	int bool_key = 1;

	if (!strcmp(k, "deferred"))
		b = cfg->deferred_struct_page_init;
	else if (!strcmp(k, "keep_memblock"))
		b = cfg->arch_keep_memblock;
	else if (!strcmp(k, "memblock_debug"))
		b = cfg->memblock_debug;
	else if (!strcmp(k, "movable_node"))
		b = cfg->movable_node;
	else if (!strcmp(k, "kho"))
		b = cfg->kho;
	else if (!strcmp(k, "kho_fixed"))
		b = cfg->kho_fixed;
	else if (!strcmp(k, "memory_line_after_deferred"))
		b = cfg->memory_line_after_deferred;
	else if (!strcmp(k, "memblock_alloc_rsrv_kern"))
		b = cfg->memblock_alloc_rsrv_kern;
	else
		bool_key = 0;
	if (bool_key) {
		snprintf(buf, len, "%s", b ? "on" : "off");
		return;
	}
	if (!strcmp(k, "pageblock_order"))
		snprintf(buf, len, "%u", cfg->pageblock_order);
	else if (!strcmp(k, "max_page_order"))
		snprintf(buf, len, "%u", cfg->max_page_order);
	else if (!strcmp(k, "threads"))
		snprintf(buf, len, "%u", cfg->threads);
	else if (!strcmp(k, "dma_end"))
		snprintf(buf, len, "%#llx", (unsigned long long)BM_PFN_PHYS(cfg->zone_dma_end_pfn));
	else if (!strcmp(k, "dma32_end"))
		snprintf(buf, len, "%#llx", (unsigned long long)BM_PFN_PHYS(cfg->zone_dma32_end_pfn));
	else if (!strcmp(k, "policy"))
		s = bm_policy_name(cfg->release_policy);
	else if (!strcmp(k, "placement"))
		s = bm_placement_name(cfg->placement);
	else if (!strcmp(k, "placement_efi"))
		s = bm_placement_name(cfg->placement_efi);
	else if (!strcmp(k, "placement_alt"))
		s = bm_placement_name(cfg->placement_alt);
	else if (!strcmp(k, "kernel"))
		s = cfg->kernel[0] ? cfg->kernel : "none";
	else if (!strcmp(k, "free_reserved_area_policy"))
		s = cfg->free_reserved_area_policy < 0 ? "auto" :
			bm_policy_name(cfg->free_reserved_area_policy);
	else
		snprintf(buf, len, "?");
	if (s)
		snprintf(buf, len, "%s", s);
}

/* ------------------------------------------------------------ result keys */

static const char *const result_keys[BM_NR_RESULT_KEYS] = {
	[BM_RK_LEAKED_PAGES] = "leaked_pages",
	[BM_RK_UNINIT_READS] = "uninit_reads",
	[BM_RK_DOUBLE_INITS] = "double_inits",
	[BM_RK_MEMBLOCK_MISMATCHES] = "memblock_mismatches",
	[BM_RK_MIGRATETYPE_ERRORS] = "migratetype_errors",
	[BM_RK_WARNS] = "warns",
	[BM_RK_MISUSE] = "misuse",
	[BM_RK_INVARIANT] = "invariant",
	[BM_RK_MEMTOTAL_KB] = "memtotal_kb",
	[BM_RK_MEMFREE_KB] = "memfree_kb",
	[BM_RK_RELEASED_PAGES] = "released_pages",
	[BM_RK_FREED_PAGES] = "freed_pages",
	[BM_RK_USABLE_PHASE] = "usable_phase",
	[BM_RK_ALT_LEAKED_PAGES] = "alt_leaked_pages",
};

/* Name of a result field ("leaked_pages"), as expect lines and JSON spell it. */
const char *bm_result_key_name(int key)
{
	return key >= 0 && key < BM_NR_RESULT_KEYS ? result_keys[key] : "?";
}

/* A result field by name, -1 if unknown. */
int bm_result_key_from_name(const char *name)
{
	for (int k = 0; k < BM_NR_RESULT_KEYS; k++)
		if (!strcmp(name, result_keys[k]))
			return k;
	return -1;
}

/**
 * bm_result_value - one field of a result, by key
 * @r: result
 * @key: enum bm_result_key
 *
 * Return: the value; usable_phase is the phase number, -1 for never.
 */
int64_t bm_result_value(const struct bm_sim_result *r, int key)
{
	switch (key) {
	case BM_RK_LEAKED_PAGES: return (int64_t)r->leaked_pages;
	case BM_RK_UNINIT_READS: return (int64_t)r->uninit_reads;
	case BM_RK_DOUBLE_INITS: return (int64_t)r->double_inits;
	case BM_RK_MEMBLOCK_MISMATCHES: return (int64_t)r->memblock_mismatches;
	case BM_RK_MIGRATETYPE_ERRORS: return (int64_t)r->migratetype_errors;
	case BM_RK_WARNS: return (int64_t)r->warns;
	case BM_RK_MISUSE: return (int64_t)r->misuse;
	case BM_RK_INVARIANT: return (int64_t)r->invariant;
	case BM_RK_MEMTOTAL_KB: return (int64_t)r->memtotal_kb;
	case BM_RK_MEMFREE_KB: return (int64_t)r->memfree_kb;
	case BM_RK_RELEASED_PAGES: return (int64_t)r->released_pages;
	case BM_RK_FREED_PAGES: return (int64_t)r->freed_pages;
	case BM_RK_USABLE_PHASE: return r->usable_phase;
	case BM_RK_ALT_LEAKED_PAGES: return (int64_t)r->alt_leaked_pages;
	default: return 0;
	}
}
