#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run every benchmark of a build directory (`make bench` calls
# `./tools/run-benchmarks.sh build-bench`), then the struct page benchmarks
# again in a build with the sanitizer checks compiled in (<build>-checks),
# so the cost of the checks is measured in the same session.
#
# usage: tools/run-benchmarks.sh [build-dir]        (default: build-bench)
#
# Environment:
#   BENCH_RUNS=N          repetitions per figure (each benchmark has a default)
#   BENCH_QUICK=1         small sizes only (a smoke run, about 20 s)
#   BENCH_SKIP_CHECKS=1   do not build and run the checks-on variant
#   BOOTMM_EXT_BUDDY=path spaskalev/buddy_alloc's buddy_alloc.h: bench_buddy
#                         compiles it at run time and compares (default:
#                         ../shared/peers/buddy_alloc/buddy_alloc.h beside
#                         the repository; skipped with a message if absent)
#
# The output is also written to <build-dir>/bench-results.txt. Exit status
# is non-zero if any benchmark failed or reported violations.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
case $build in /*) ;; *) build=$root/$build ;; esac
checks_build=${BENCH_CHECKS_BUILD:-$build-checks}
jobs=$(nproc 2>/dev/null || echo 2)
results=$build/bench-results.txt
status=0

# Arguments of each benchmark (sizes); BENCH_QUICK shrinks them.
bench_args() {
	if [ -n "${BENCH_QUICK:-}" ]; then
		case $1 in
		bench_memmap) echo 4 ;;
		bench_deferred) echo 8 ;;
		bench_boot) echo 4 16 ;;
		bench_memblock) echo 128 1000 10000 ;;
		bench_memblock_kernel) echo 128 1000 10000 ;;
		bench_buddy) echo 2 ;;
		bench_scale) echo sweep 4 16 ;;
		esac
	fi
}

# Configure (once) and build only the benchmarks and what they link; the
# build log is kept in the build directory and shown only on failure.
configure() {	# dir checks
	local targets=() src
	for src in "$root"/bench/bench_*.c; do
		[ -f "$src" ] && targets+=("$(basename "$src" .c)")
	done
	if [ ! -f "$1/CMakeCache.txt" ]; then
		cmake -S "$root" -B "$1" -DCMAKE_BUILD_TYPE=Release -DBOOTMM_BENCH=ON \
			-DBOOTMM_CHECKS="$2" >"$1.configure.log" 2>&1 || { cat "$1.configure.log"; return 1; }
		rm -f "$1.configure.log"
	fi
	mkdir -p "$1"
	if ! cmake --build "$1" -j"$jobs" --target "${targets[@]}" >"$1/bench-build.log" 2>&1; then
		tail -40 "$1/bench-build.log"
		return 1
	fi
}

run_one() {	# binary [args...]
	local bin=$1 name
	shift
	name=$(basename "$bin")
	echo
	echo "\$ ${bin#"$root"/} $*"
	"$bin" "$@"
	local rc=$?
	if [ $rc != 0 ]; then
		echo "!! $name failed (exit $rc)"
		status=1
	fi
}

main() {
	echo "bootmm benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm)"
	echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

	configure "$build" OFF || { echo "!! cannot build $build"; return 1; }
	# The struct page benchmarks first, bench_boot last: tearing down a
	# 1 TiB machine leaves the host kernel busy for a while afterwards.
	local found=0 order=() b
	for b in bench_memmap bench_deferred bench_buddy bench_memblock; do
		[ -x "$build/$b" ] && order+=("$build/$b")
	done
	for bin in "$build"/bench_*; do
		case " ${order[*]} " in *" $bin "*) continue ;; esac
		case $bin in *_ext | */bench_boot | */bench_scale) continue ;; esac
		[ -f "$bin" ] && [ -x "$bin" ] && order+=("$bin")
	done
	[ -x "$build/bench_boot" ] && order+=("$build/bench_boot")
	# The scale sweep last of all: its boots reach the host's limits.
	[ -x "$build/bench_scale" ] && order+=("$build/bench_scale")
	for bin in "${order[@]}"; do
		found=1
		# shellcheck disable=SC2046
		run_one "$bin" $(bench_args "$(basename "$bin")")
	done
	if [ $found = 0 ]; then
		echo "!! no bench_* binaries in $build (configure with -DBOOTMM_BENCH=ON)"
		return 1
	fi

	if [ -z "${BENCH_SKIP_CHECKS:-}" ]; then
		echo
		echo "# the same struct page benchmarks with the sanitizer checks compiled in ($(basename "$checks_build"))"
		if configure "$checks_build" ON; then
			for b in bench_memmap bench_deferred bench_buddy; do
				args=$(bench_args $b)
				[ $b = bench_deferred ] && [ -z "$args" ] && args=16
				# shellcheck disable=SC2086
				[ -x "$checks_build/$b" ] && run_one "$checks_build/$b" $args
			done
		else
			echo "!! cannot build $checks_build"
			status=1
		fi
	fi
	return $status
}

mkdir -p "$build"
main 2>&1 | tee "$results"
rc=${PIPESTATUS[0]}
echo
echo "results: ${results#"$root"/}"
exit "$rc"
