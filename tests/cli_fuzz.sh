#!/bin/bash
# SPDX-License-Identifier: MIT
# bootmm fuzz finds each seed bug class under the historical policies, writes
# a minimised scenario that bootmm boot reproduces, is deterministic for a
# seed, and finds nothing under safe (a short run here; see docs/CLI.md for
# the 60 s figures).
# usage: bash tests/cli_fuzz.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"
SAFE_SECONDS=${BOOTMM_FUZZ_SAFE_SECONDS:-5}


# find NAME KIND EXPECT-KEY ARGS...: fuzz until KIND, then reproduce it
find_class() {
	local name=$1 kind=$2 key=$3 f="$T/$1.scn"
	shift 3
	run "fuzz finds $name" 1 "$BM" fuzz --seed 1 --seconds 60 --stop-on "$kind" --out "$f" "$@"
	has "$name: reported" "^found $kind after [0-9]+ cases"
	has "$name: cases per second" "cases in [0-9.]+ s, [0-9]+ cases/s"
	[ -s "$f" ] && ok "$name: scenario written" || ko "$name: no scenario"
	run "$name: bootmm boot reproduces it" 1 "$BM" boot "$f"
	has "$name: expectation holds" "^expect [a-z-]+ $key>0 .*: ok"
}

find_class leak leak leaked_pages --policy skip-uninit
find_class uninit-read uninit_read uninit_reads --policy free-early
find_class kho-cma migratetype migratetype_errors --config kho_fixed=off
find_class double-init double_init double_inits --policy unreserve

# Violations found during deferred init: the default (one thread) prints the
# same text every run; with two threads (reported from both at once) the
# boot neither crashes nor loses the finding. Both were broken when the
# default became every CPU: the host's line collector was not thread-safe.
"$BM" boot "$T/kho-cma.scn" >"$T/d1" 2>&1
"$BM" boot "$T/kho-cma.scn" >"$T/d2" 2>&1
cmp -s "$T/d1" "$T/d2" && ok "kho-cma: two default runs print the same" || ko "kho-cma: two default runs differ"
for i in 1 2 3 4 5 6; do
	run "kho-cma: --threads 2 run $i" 1 "$BM" boot --threads 2 "$T/kho-cma.scn"
	has "kho-cma: --threads 2 run $i finds it" "^expect [a-z-]+ migratetype_errors>0 .*: ok"
done

# Deterministic: the same seed and budget give the same case and file.
"$BM" fuzz --seed 42 --policy skip-uninit --stop-on leak --max-execs 50 --out "$T/a.scn" >/dev/null 2>&1
"$BM" fuzz --seed 42 --policy skip-uninit --stop-on leak --max-execs 50 --out "$T/b.scn" >/dev/null 2>&1
if [ -s "$T/a.scn" ] && cmp -s <(grep -v '^#' "$T/a.scn") <(grep -v '^#' "$T/b.scn"); then
	ok "same seed, same scenario"
else ko "same seed, same scenario"; fi

# safe: nothing, whatever the machine and timeline.
run "safe finds nothing in ${SAFE_SECONDS}s" 0 "$BM" fuzz --seed 7 --seconds "$SAFE_SECONDS" --out "$T/safe.scn"
has "safe: nothing found" "^nothing found"
[ ! -e "$T/safe.scn" ] && ok "safe: no scenario written" || ko "safe: scenario written"
run "safe with kho and keep_memblock finds nothing" 0 "$BM" fuzz --seed 8 --seconds 2 \
	--config keep_memblock=on --out "$T/safe2.scn"

finish
