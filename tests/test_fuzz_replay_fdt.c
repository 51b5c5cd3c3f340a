// SPDX-License-Identifier: MIT
/*
 * fuzz_parse_fdt's seed corpus, the campaign's DTBs whose device_type and
 * status lack their NUL among them, through the harness without libFuzzer
 * (under ASan an over-read fails the test).
 */
#include "../fuzz/fuzz_parse_fdt.c"
#include "fuzz_replay.h"

int main(void)
{
	unsigned n = replay_dir(BOOTMM_SOURCE_DIR "/fuzz/corpus/fuzz_parse_fdt");

	printf("%u passed, 0 failed\n", n);
	return n >= 3 ? 0 : 1;
}
