// SPDX-License-Identifier: MIT
/* libFuzzer: real-maps.txt splitting, then every block parsed as a log. */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_realmaps rm;
	struct bm_parse_error err;
	size_t i;

	if (bm_realmaps_split("fuzz", (const char *)data, size, &rm, &err))
		return 0;
	for (i = 0; i < rm.n; i++) {
		struct bm_bootlog log;

		FZ_ASSERT(rm.maps[i].text >= rm.storage);
		if (bm_realmap_parse(&rm, i, &log, &err)) {
			fz_check_failed(&log, &err);
			FZ_ASSERT(err.line == 0 || err.line > rm.maps[i].header_line);
			continue;
		}
		fz_check_log(&log);
		bm_bootlog_free(&log);
	}
	bm_realmaps_free(&rm);
	return 0;
}
