#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build every libFuzzer harness (fuzz/fuzz_*.c) with clang,
# -fsanitize=fuzzer,address,undefined (CMake -DBOOTMM_FUZZ=ON into
# build-fuzz, libfdt built from source by tools/build-libfdt.sh), then run
# each for SECONDS seconds starting from its seed corpus fuzz/corpus/<harness>/.
# New inputs go to build-fuzz/corpus/<harness>/, never into the repository;
# crashes, leaks and timeouts to FUZZ_FINDINGS (default build-fuzz/artifacts/).
# Without -seed in FUZZ_ARGS libFuzzer draws a random seed (make fuzz); CI
# passes -seed=1 so that a red smoke means the change, not luck.
#
# usage: tools/fuzz-smoke.sh [SECONDS]      (default 10; CI runs 10)
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_ONLY=<harness> to run
# one, FUZZ_JOBS (parallel harnesses, default 1), FUZZ_ARGS (extra libFuzzer
# options), FUZZ_FINDINGS (where findings go). Exit status: non-zero if a
# harness did not build, crashed, or found a leak or a timeout.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-10}
build=${FUZZ_BUILD:-$root/build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac
jobs=$(nproc 2>/dev/null || echo 2)

case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
if ! command -v clang >/dev/null; then
	echo "fuzz-smoke: clang is needed (apt-get install clang)" >&2
	exit 2
fi

harnesses=()
for src in "$root"/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "${FUZZ_ONLY:-}" ] && [ "$name" != "$FUZZ_ONLY" ] && continue
	harnesses+=("$name")
done
if [ ${#harnesses[@]} = 0 ]; then
	echo "fuzz-smoke: no harness in fuzz/" >&2
	exit 2
fi

# libfdt from source, instrumented like the rest (tools/build-libfdt.sh):
# the system's shared libfdt is invisible to libFuzzer. Without its sources
# (no network) fall back to the system's, and say so.
libfdt_dir=
if [ ! -f "$build/CMakeCache.txt" ]; then
	mkdir -p "$build"
	if "$root/tools/build-libfdt.sh" "$build/libfdt" >"$build/libfdt.log" 2>&1; then
		libfdt_dir=$build/libfdt
	else
		tail -3 "$build/libfdt.log" >&2
		echo "fuzz-smoke: using the system's uninstrumented libfdt" >&2
	fi
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
	# fuzzer-no-link: the libraries get coverage instrumentation too, so
	# libFuzzer is guided by the code under test, not just the harness.
	# Without trace-cmp: comparison tracing in the checkers' per-pfn loops
	# made executions 5x slower for little guidance.
	CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -fno-sanitize-coverage=trace-cmp" \
		-DBOOTMM_FUZZ=ON -DBOOTMM_SANITIZE=address,undefined \
		"-DBOOTMM_LIBFDT_DIR=$libfdt_dir" >/dev/null || exit 1
fi
# Re-run the glob so harnesses added since the last configure are built.
cmake "$build" >/dev/null || exit 1
if ! cmake --build "$build" -j"$jobs" --target "${harnesses[@]}" >"$build/fuzz-build.log" 2>&1; then
	tail -40 "$build/fuzz-build.log"
	echo "fuzz-smoke: build failed (log: $build/fuzz-build.log)" >&2
	exit 1
fi

findings=${FUZZ_FINDINGS:-$build/artifacts}
case $findings in /*) ;; *) findings=$root/$findings ;; esac
mkdir -p "$findings"
failed=()
run_one() {	# name
	local name=$1 seeds=$root/fuzz/corpus/$1 work=$build/corpus/$1 log=$build/$1.log rc
	local dirs=("$work")

	local before
	before=$(find "$findings" -maxdepth 1 -name "$name-*" 2>/dev/null | wc -l)
	mkdir -p "$work"
	if [ -d "$seeds" ]; then
		dirs+=("$seeds")
	else
		echo "fuzz-smoke: $name has no seed corpus ($seeds)"
	fi
	# shellcheck disable=SC2086
	"$build/$name" -max_total_time="$secs" -timeout=60 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$findings/$name-" \
		${FUZZ_ARGS:-} "${dirs[@]}" >"$log" 2>&1
	rc=$?
	# -fork with -ignore_crashes exits 0 after findings: count them.
	if [ $rc = 0 ] && [ "$(find "$findings" -maxdepth 1 -name "$name-*" | wc -l)" != "$before" ]; then
		rc=1
	fi
	if [ $rc = 0 ]; then
		printf '%-28s ok   %s\n' "$name" \
			"$(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$') runs, $(grep -aEo 'cov: [0-9]+' "$log" | tail -1), $(grep -aEo 'exec/s: [0-9]+' "$log" | tail -1), $(grep -aEo 'Seed: [0-9]+' "$log" | head -1)"
	else
		printf '%-28s FAIL (exit %d), log %s\n' "$name" "$rc" "$log"
		grep -aE 'ERROR|SUMMARY|fuzz_api:|invariant|Test unit written' "$log" | head -20
	fi
	return $rc
}

par=${FUZZ_JOBS:-1}
pids=()
names=()
for name in "${harnesses[@]}"; do
	if [ "$par" -le 1 ]; then
		run_one "$name" || failed+=("$name")
		continue
	fi
	run_one "$name" &
	pids+=($!)
	names+=("$name")
	if [ ${#pids[@]} -ge "$par" ]; then
		wait "${pids[0]}" || failed+=("${names[0]}")
		pids=("${pids[@]:1}")
		names=("${names[@]:1}")
	fi
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || failed+=("${names[$i]}")
done

if [ ${#failed[@]} != 0 ]; then
	echo "fuzz-smoke: failed: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz-smoke: ${#harnesses[@]} harnesses, ${secs}s each: no crash"
