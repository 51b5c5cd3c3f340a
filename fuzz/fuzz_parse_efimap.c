// SPDX-License-Identifier: MIT
/* libFuzzer: EFI memory map text (efi=debug lines or a map file). */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	size_t i, j;

	if (bm_bootlog_parse_buf("fuzz", (const char *)data, size, &log, &err)) {
		fz_check_failed(&log, &err);
		return 0;
	}
	fz_check_log(&log);
	for (i = 0; i < log.n_efi_maps; i++) {
		const struct bm_efi_map *m = &log.efi_maps[i];

		FZ_ASSERT(m->n > 0);
		for (j = 0; j < m->n; j++)
			FZ_ASSERT(m->entries[j].end <= BM_PHYS_LIMIT);
		(void)bm_efi_map_bytes(m, BM_EFI_CONVENTIONAL);
	}
	bm_bootlog_free(&log);
	return 0;
}
