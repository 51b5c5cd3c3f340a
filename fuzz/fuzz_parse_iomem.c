// SPDX-License-Identifier: MIT
/* libFuzzer: /proc/iomem dumps through bm_iomem_parse_buf and the e820 view. */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_bootlog log;
	struct bm_parse_error err;

	if (bm_iomem_parse_buf("fuzz", (const char *)data, size, &log, &err)) {
		fz_check_failed(&log, &err);
		return 0;
	}
	FZ_ASSERT(log.format == BM_FMT_IOMEM && log.n_iomem > 0);
	fz_check_log(&log);
	bm_bootlog_free(&log);
	return 0;
}
