#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Issue 13's targets, each measured by its own benchmark in one go, then
# the benchmarks' own "target:" verdict lines gathered in one table. Each
# benchmark measures its baseline or peer in the same run (see
# docs/PERFORMANCE.md, "Scale" and "memblock against Linux's own
# mm/memblock.c"); this script only runs them and collects their verdicts.
#
# usage: tools/scale-targets.sh [build-dir]   (default: build-rel, a CMake
#        Release build with -DBOOTMM_BENCH=ON; built here if missing)
#
# Takes about five minutes on 2 CPUs. The full output of each benchmark is
# kept in <build-dir>/scale-targets.txt. Needs Debian's linux-source-6.12
# for the memblock peer and ../shared/peers/buddy_alloc (or
# $BOOTMM_EXT_BUDDY) for the buddy peer; without them those lines say
# what was skipped.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-rel}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/scale-targets.txt
log=$root/tests/data/logs/real-dmesg/A932ADA5C7.txt

if [ ! -x "$build/bench_scale" ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBOOTMM_BENCH=ON >/dev/null &&
		cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null || exit 2
fi

: >"$out"
status=0
run() {
	echo "== $*" >>"$out"
	(cd "$root" && "$@") >>"$out" 2>&1 || status=1
}
echo "$(date -u '+%F %T UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
run "$build/bench_scale" replay "$log"
run "$build/bench_scale" sweep 4 1024
BENCH_RUNS=3 run "$build/bench_boot" 4 64
run "$build/bench_memblock_kernel" 128 100000
run "$build/bench_buddy"
grep -hE '^ *target:' "$out" | sed 's/^ *target: */  /'
echo "(full output: $out)"
exit $status
