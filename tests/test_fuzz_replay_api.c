// SPDX-License-Identifier: MIT
/*
 * fuzz_api's seed corpus, the campaign's reproducers among them (free-list
 * corruption after memblock_phys_free past the hand-off, bm_free_pages
 * before memblock_free_all, huge reservations, mem_limit_remove_map), run
 * through the harness without libFuzzer: any invariant violation, refusal
 * not made, or crash fails this test.
 */
#include "../fuzz/fuzz_api.c"
#include "fuzz_replay.h"

int main(void)
{
	unsigned n = replay_dir(BOOTMM_SOURCE_DIR "/fuzz/corpus/fuzz_api");

	n += replay_dir(BOOTMM_SOURCE_DIR "/tests/data/findings/api-F2-misuse-free-before-buddy");
	n += replay_dir(BOOTMM_SOURCE_DIR "/tests/data/findings/api-F3-reserve-loop-timeouts");
	n += replay_dir(BOOTMM_SOURCE_DIR "/tests/data/findings/api-F4-trim-breaks-memblock");
	printf("%u passed, 0 failed\n", n);
	return n >= 40 ? 0 : 1;
}
