/* SPDX-License-Identifier: MIT */
/* Internals shared by the simulator's files. */
#ifndef BOOTMM_SIM_INT_H
#define BOOTMM_SIM_INT_H

#include "sim/sim.h"

#define SIM_MAX_ACTIONS 16

struct sim_ctx {
	const struct bm_machine_desc *desc;
	struct bm_sim_run *run;
	struct bm_sim_config cfg;
};

unsigned int sim_callers(struct sim_ctx *c, struct bm_action *a);
unsigned int sim_timeline(struct sim_ctx *c, struct bm_action *a);

/* A boot's branch point (sim/branch.c): where it may become another boot. */
struct sim_branch_point {
	struct sim_ctx *ctx;
	const struct bm_sim_branch *br;
	struct bm_action *actions;	/* the boot's timeline, slot 0 the branch */
	unsigned int cap;		/* its slots */
};

struct bm_action sim_branch_action(struct sim_branch_point *bp);
struct bm_sim_run *sim_boot(const struct bm_machine_desc *d, const struct bm_sim_config *cfg,
			    const struct bm_sim_branch *br, FILE *log_file, int level, int *err);

#endif /* BOOTMM_SIM_INT_H */
