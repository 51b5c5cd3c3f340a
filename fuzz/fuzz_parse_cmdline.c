// SPDX-License-Identifier: MIT
/* libFuzzer: kernel command lines (mem=, memmap= lists, quoting). */
#include "fuzz_parse_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	char *buf;
	size_t i, n = 0;

	buf = malloc(size + 16);
	if (!buf)
		return 0;
	memcpy(buf, "Command line: ", 14);
	for (i = 0; i < size; i++)
		if (data[i] != '\n')
			buf[14 + n++] = (char)data[i];
	buf[14 + n] = '\n';
	if (bm_bootlog_parse_buf("fuzz", buf, 15 + n, &log, &err)) {
		fz_check_failed(&log, &err);
	} else {
		/* No cmdline when the text itself reads as another line (a
		 * pasted "[ts] Linux version ..."): content decides. */
		for (i = 0; i < log.cmdline.n_params; i++)
			FZ_ASSERT(log.cmdline.params[i].name != NULL);
		for (i = 0; i < log.cmdline.n_memmap; i++) {
			const struct bm_memmap_opt *o = &log.cmdline.memmap[i];

			if (o->kind != BM_MEMMAP_EXACTMAP && o->kind != BM_MEMMAP_LIMIT && o->size)
				FZ_ASSERT(o->start + o->size - 1 >= o->start);
		}
		bm_bootlog_free(&log);
	}
	free(buf);
	return 0;
}
