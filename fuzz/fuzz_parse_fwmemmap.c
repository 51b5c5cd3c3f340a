// SPDX-License-Identifier: MIT
/* libFuzzer: firmware memmap dumps (grep -r form and FWMEMMAP section form). */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	char *buf;

	/* also as the strict =====FWMEMMAP section */
	buf = malloc(size + 14);
	if (!buf)
		return 0;
	memcpy(buf, "=====FWMEMMAP\n", 14);
	memcpy(buf + 14, data, size);
	if (bm_bootlog_parse_buf("fuzz", buf, size + 14, &log, &err))
		fz_check_failed(&log, &err);
	else {
		fz_check_log(&log);
		bm_bootlog_free(&log);
	}
	free(buf);
	if (bm_bootlog_parse_buf("fuzz", (const char *)data, size, &log, &err)) {
		fz_check_failed(&log, &err);
		return 0;
	}
	fz_check_log(&log);
	bm_bootlog_free(&log);
	return 0;
}
