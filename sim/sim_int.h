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

#endif /* BOOTMM_SIM_INT_H */
