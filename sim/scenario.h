/* SPDX-License-Identifier: MIT */
/*
 * Scenario files (docs/SCENARIO.md): a small line-oriented description of a
 * machine (from a boot log or inline memory), its reservations, a timeline
 * of extra release/allocation actions and the outcomes expected under each
 * release policy. `bootmm boot X.scn` boots one; `bootmm fuzz` writes one
 * for every bug it finds; tests/test_examples.c asserts their expectations.
 *
 * Also here, because scenarios and the command line share them: parsing and
 * printing of struct bm_sim_config keys ("config KEY=VALUE", "--config").
 */
#ifndef BOOTMM_SIM_SCENARIO_H
#define BOOTMM_SIM_SCENARIO_H

#include <stdio.h>
#include "sim/sim.h"
#include "host/bootlog.h"

/* ------------------------------------------------------------ config keys */

enum bm_config_key_type {
	BM_CK_BOOL,
	BM_CK_UINT,
	BM_CK_ADDR,	/* given and shown in bytes, stored as a pfn */
	BM_CK_ENUM,	/* policy or placement name */
};

struct bm_config_key {
	const char *name;
	enum bm_config_key_type type;
	const char *help;
};

extern const struct bm_config_key bm_config_keys[];
extern const unsigned bm_nr_config_keys;

/*
 * Set one key of @cfg from text. Return 0, or -1 with a one-line reason in
 * @why (unknown key naming the valid ones, or a bad value naming the
 * accepted ones); @cfg is unchanged on error.
 */
int bm_config_set(struct bm_sim_config *cfg, const char *key, const char *value,
		  char *why, size_t len);
/* "KEY=VALUE" form of bm_config_set. */
int bm_config_assign(struct bm_sim_config *cfg, const char *assignment, char *why, size_t len);
/* Cross-field checks (pageblock_order <= max_page_order, dma_end <= dma32_end). */
int bm_config_check(const struct bm_sim_config *cfg, char *why, size_t len);
/* Canonical text of key @idx (as bm_config_set accepts it). */
void bm_config_get(const struct bm_sim_config *cfg, unsigned idx, char *buf, size_t len);
/* Name of a placement, or -1 / NULL when unknown. */
const char *bm_placement_name(int placement);
int bm_placement_from_name(const char *name);
/* Unsigned number: decimal or 0x hex, optional K/M/G/T suffix. 0 or -1. */
int bm_parse_size(const char *text, uint64_t *out);
/* Phase by name ("before_smp"), -1 if unknown. */
int bm_phase_from_name(const char *name);
/* Migratetype by name ("Unmovable", "movable", "MIGRATE_CMA"), -1 if unknown. */
int bm_migratetype_from_name(const char *name);

/* ---------------------------------------------------------- result keys */

/* Fields of struct bm_sim_result that "expect" lines (and JSON) name. */
enum bm_result_key {
	BM_RK_LEAKED_PAGES, BM_RK_UNINIT_READS, BM_RK_DOUBLE_INITS,
	BM_RK_MEMBLOCK_MISMATCHES, BM_RK_MIGRATETYPE_ERRORS, BM_RK_WARNS,
	BM_RK_MISUSE, BM_RK_INVARIANT, BM_RK_MEMTOTAL_KB, BM_RK_MEMFREE_KB,
	BM_RK_RELEASED_PAGES, BM_RK_FREED_PAGES, BM_RK_USABLE_PHASE,
	BM_RK_ALT_LEAKED_PAGES,
	BM_NR_RESULT_KEYS
};

const char *bm_result_key_name(int key);
int bm_result_key_from_name(const char *name);
/* Value of @key in @r (usable_phase: the phase number, -1 for never). */
int64_t bm_result_value(const struct bm_sim_result *r, int key);

/* ------------------------------------------------------------- scenario */

#define BM_SCN_MAX_RANGES	256
#define BM_SCN_MAX_ACTIONS	128
#define BM_SCN_MAX_EXPECTS	64
#define BM_SCN_MAX_SETTINGS	32
#define BM_SCN_NAME		40

enum bm_scn_range_kind {
	BM_SCN_MEMORY,		/* memory BASE-END node N [hotplug|mirror|nomap] */
	BM_SCN_RESERVE,		/* reserve BASE-END NAME */
	BM_SCN_EFI_BOOT,	/* efi-boot BASE-END */
	BM_SCN_KHO,		/* kho-scratch BASE-END */
};

struct bm_scn_range {
	enum bm_scn_range_kind kind;
	phys_addr_t base, size;
	int nid;			/* memory only */
	unsigned flags;			/* memory only: MEMBLOCK_HOTPLUG|MIRROR|NOMAP */
	char name[BM_SCN_NAME];		/* reserve only */
	unsigned line;
};

enum bm_scn_op {
	BM_SCN_RELEASE,		/* at PHASE release BASE-END NAME [api=...] */
	BM_SCN_ALLOCATE,	/* at PHASE allocate ORDER MT [node N] [count C] */
};

struct bm_scn_action {
	int phase;			/* enum bm_phase */
	enum bm_scn_op op;
	phys_addr_t base, size;		/* release */
	int api;			/* release: enum bm_release_api */
	char name[BM_SCN_NAME];		/* release: owner */
	unsigned order;			/* allocate */
	int mt, nid;			/* allocate */
	unsigned count;			/* allocate */
	unsigned line;
};

enum bm_scn_cmp { BM_CMP_EQ, BM_CMP_NE, BM_CMP_LT, BM_CMP_LE, BM_CMP_GT, BM_CMP_GE };

struct bm_scn_expect {
	unsigned policies;		/* bit p: applies under policy p */
	int key;			/* enum bm_result_key */
	enum bm_scn_cmp cmp;
	int64_t value;
	unsigned line;
};

struct bm_scn_setting {
	char key[32];
	char value[64];
	unsigned line;
};

struct bm_scenario {
	char file[256];			/* as given, for messages */
	char name[128];
	char machine[512];		/* resolved path of "machine", "" if inline */
	unsigned machine_line;
	struct bm_scn_range ranges[BM_SCN_MAX_RANGES];
	unsigned nr_ranges;
	bool has_kernel;
	struct bm_kernel_image kernel;
	struct bm_sim_range initrd;
	bool efi_debug;
	int nr_cpus;			/* 0: from the machine, else 1 */
	unsigned alt_modules;
	unsigned long alt_pages;
	struct bm_scn_setting settings[BM_SCN_MAX_SETTINGS];
	unsigned nr_settings;
	struct bm_scn_action actions[BM_SCN_MAX_ACTIONS];
	unsigned nr_actions;
	struct bm_scn_expect expects[BM_SCN_MAX_EXPECTS];
	unsigned nr_expects;
};

/*
 * Parse scenario text. @name is used in messages and to resolve "machine"
 * paths (relative to its directory). Return 0, or -1 with @err filled as
 * "FILE:LINE: what is wrong"; @s is then unusable.
 */
int bm_scenario_parse_buf(const char *name, const char *buf, size_t len,
			  struct bm_scenario *s, struct bm_parse_error *err);
int bm_scenario_parse_file(const char *path, struct bm_scenario *s, struct bm_parse_error *err);
/* Does @path look like a scenario (".scn" suffix)? */
bool bm_scenario_is_file(const char *path);

/* Apply the scenario's "config" lines to @cfg. Return 0 or -1 with @err. */
int bm_scenario_apply_config(const struct bm_scenario *s, struct bm_sim_config *cfg,
			     struct bm_parse_error *err);

/*
 * Build a bootable machine description. @cfg_in: configuration before the
 * scenario's own "config" lines (NULL: defaults); @cfg_out receives it
 * with the machine's log-derived settings and the scenario's lines applied.
 * The description owns copies of everything it needs (free with
 * bm_scenario_desc_free). Return 0, or -1 with @err.
 */
int bm_scenario_build(const struct bm_scenario *s, const struct bm_sim_config *cfg_in,
		      struct bm_machine_desc *d, struct bm_sim_config *cfg_out,
		      struct bm_parse_error *err);
void bm_scenario_desc_free(struct bm_machine_desc *d);

/* Does @r satisfy @e? */
bool bm_scenario_expect_holds(const struct bm_scn_expect *e, const struct bm_sim_result *r);
/* "leaked_pages>0" form of an expectation (without the policies). */
void bm_scenario_expect_format(const struct bm_scn_expect *e, char *buf, size_t len);

/* Write @s as scenario text that bm_scenario_parse_file reads back. */
int bm_scenario_write(const struct bm_scenario *s, FILE *f);

#endif /* BOOTMM_SIM_SCENARIO_H */
