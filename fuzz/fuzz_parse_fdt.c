// SPDX-License-Identifier: MIT
/* libFuzzer: device tree blobs through bm_fdt_parse_blob. */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	size_t i;

	if (bm_fdt_parse_blob("fuzz", data, size, &log, &err)) {
		fz_check_failed(&log, &err);
		return 0;
	}
	for (i = 0; i < log.n_dt_memory; i++)
		FZ_ASSERT(log.dt_memory[i].start <= log.dt_memory[i].end &&
			  log.dt_memory[i].end <= BM_PHYS_LIMIT);
	for (i = 0; i < log.n_dt_reserved; i++)
		FZ_ASSERT(!log.dt_reserved[i].has_reg ||
			  log.dt_reserved[i].start <= log.dt_reserved[i].end);
	bm_bootlog_free(&log);
	return 0;
}
