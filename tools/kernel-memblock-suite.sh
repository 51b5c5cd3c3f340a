#!/usr/bin/env bash
# Run Linux's own memblock test suite (tools/testing/memblock of Debian's
# linux-source-6.12) against bootmm, and require every case that passes
# against the kernel's own mm/memblock.c to pass against bootmm.
#
#   tools/kernel-memblock-suite.sh [WORKDIR]
#
# WORKDIR (default ./build-ksuite) caches the package and the unpacked
# tree; nothing from the kernel is copied into the repository. For each
# configuration (default, NUMA=1) the script builds:
#   - the reference: the suite with its own Makefile, the kernel's memblock.c;
#   - bootmm: the suite's main.c and tests/*.c, unchanged, with the same
#     flags, against include/linux/memblock.h, bootmm's core and
#     tests/kernel-suite/bootmm_glue.c (the machine, phys == virt, 6.12 era).
# Both run with --verbose and are built with -DNDEBUG, so a failed ASSERT is
# reported ("not ok") and the run goes on to the next case.
#
# Exit status: 0 all reference cases pass against bootmm; 1 some do not (or
# a build or run failed); 77 the package cannot be had (apt has no
# linux-source-6.12): CI prints the reason and skips.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/build-ksuite}
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=${JOBS:-2}
# The era bootmm runs in: 0 is Linux 6.12's (the suite's own). 1 measures how
# far the current era (RSRV_KERN on allocations, v6.16+) is from 6.12's
# expectations; the run then fails, as it should.
rsrv_kern=${BOOTMM_SUITE_RSRV_KERN:-0}

say() { printf '%s\n' "$*"; }
die() { say "kernel-memblock-suite: $*" >&2; exit 1; }

# --- the source: the installed package, or the .deb fetched into $work -----
. "$repo/tools/linux-source.sh"
linux_source_unpack || { say "   (needed for Linux's memblock suite)"; exit 77; }
suite=$src/tools/testing/memblock
[ -f "$suite/main.c" ] || die "no tools/testing/memblock in $tarball"

# The suite's own flags (its Makefile): sanitizers, 64-bit phys_addr_t.
base_cflags="-I. -I../../include -Wall -O2 -fsanitize=address -fsanitize=undefined -D CONFIG_PHYS_ADDR_T_64BIT"
numa_cflags="-D CONFIG_NUMA -D CONFIG_NODES_SHIFT=4"

# --- counting: "ok N : a: b: passed" / "not ok N : a: b: failed" ------------
# A case is one "passed" line (test_pass_pop() ends every case); it failed if
# any "failed" line came since the previous case. Names repeat across the
# top-down/bottom-up and raw/zeroed runs, so each case is named with its
# occurrence number.
cases() {
	awk '
	/^not ok [0-9]+ : .*failed$/ { bad = 1; next }
	/^ok [0-9]+ : .*passed$/ {
		name = $0; sub(/^ok [0-9]+ : /, "", name); sub(/ ?passed$/, "", name)
		seen[name]++
		printf "%s %s#%d\n", bad ? "FAIL" : "PASS", name, seen[name]
		bad = 0
	}' "$1"
}

build_reference() {
	local cfg=$1 numa=$2 out=$3

	make -C "$suite" -s clean >/dev/null 2>&1 || true
	if ! CFLAGS=-DNDEBUG make -C "$suite" -s -j"$jobs" NUMA="$numa" main >"$out/ref-build.log" 2>&1; then
		cat "$out/ref-build.log" >&2
		die "the suite does not build against the kernel's memblock.c ($cfg)"
	fi
	mv "$suite/main" "$out/ref"
	make -C "$suite" -s clean >/dev/null 2>&1 || true
}

# bootmm's core, host layer and glue: our code, our flags (C11, warnings);
# the same objects serve both configurations.
core_objs=()
build_core() {
	local f o out=$work/core

	rm -rf "$out"
	mkdir -p "$out"
	for f in "$repo"/core/*.c "$repo"/host/prim_host.c "$repo"/host/write_track.c \
		 "$repo"/tests/kernel-suite/bootmm_glue.c; do
		o=$out/$(basename "$f" .c).o
		gcc -std=gnu11 -O2 -Wall -Wextra -fsanitize=address -fsanitize=undefined \
			-DBOOTMM_SUITE_RSRV_KERN="$rsrv_kern" \
			-I"$repo/include" -I"$repo" -c "$f" -o "$o" 2>>"$out/build.log" ||
			{ cat "$out/build.log" >&2; die "bootmm does not build ($f)"; }
		core_objs+=("$o")
	done
}

build_bootmm() {
	local cfg=$1 numa=$2 out=$3 cflags="$base_cflags -DNDEBUG"
	local f o objs=("${core_objs[@]}")

	[ "$numa" = 1 ] && cflags="$cflags $numa_cflags"
	mkdir -p "$out/obj" "$out/inc/asm"
	# The two x86 headers the suite's Makefile links into its asm/ (its
	# "include" step), linked here instead so the tree stays untouched.
	ln -sf "$src/tools/arch/x86/include/asm/asm.h" "$out/inc/asm/asm.h"
	ln -sf "$src/tools/arch/x86/include/asm/cmpxchg.h" "$out/inc/asm/cmpxchg.h"
	# The suite's files, unchanged, in its directory with its flags (-I.
	# -I../../include), bootmm's include/ giving <linux/memblock.h>.
	for f in $(cd "$suite" && echo main.c tests/*.c); do
		o=$out/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')
		(cd "$suite" && gcc $cflags -I"$repo/include" -I"$out/inc" -c "$f" -o "$o") \
			2>>"$out/bootmm-build.log" ||
			{ cat "$out/bootmm-build.log" >&2; die "the suite does not build against bootmm ($cfg: $f)"; }
		objs+=("$o")
	done
	gcc -fsanitize=address -fsanitize=undefined -o "$out/bootmm" "${objs[@]}" -lpthread \
		2>>"$out/bootmm-build.log" || { cat "$out/bootmm-build.log" >&2; die "link failed ($cfg)"; }
	# No shim may be needed: any warning building the suite is a clash.
	if grep -q 'warning:' "$out/bootmm-build.log"; then
		grep 'warning:' "$out/bootmm-build.log" | sort | uniq -c | sort -rn | head -20 >&2
		die "building the suite against bootmm warns ($cfg): see $out/bootmm-build.log"
	fi
}

build_core
status=0
for cfg in default numa; do
	numa=0
	[ "$cfg" = numa ] && numa=1
	out=$work/$cfg
	rm -rf "$out"
	mkdir -p "$out"
	say "== Linux 6.12 memblock suite, $cfg configuration (NUMA=$numa)"
	build_reference "$cfg" "$numa" "$out"
	build_bootmm "$cfg" "$numa" "$out"
	(cd "$suite" && "$out/ref" --verbose) >"$out/ref.out" 2>"$out/ref.err" ||
		say "   (the reference run exited with status $?)"
	cases "$out/ref.out" >"$out/ref.cases"
	bootmm_rc=0
	(cd "$suite" && "$out/bootmm" --verbose) >"$out/bootmm.out" 2>"$out/bootmm.err" ||
		bootmm_rc=$?
	cases "$out/bootmm.out" >"$out/bootmm.cases"

	ref_total=$(wc -l <"$out/ref.cases")
	ref_pass=$(grep -c '^PASS' "$out/ref.cases" || true)
	bm_pass=$(grep -c '^PASS' "$out/bootmm.cases" || true)
	say "   kernel mm/memblock.c: $ref_pass/$ref_total cases pass"
	say "   bootmm:               $bm_pass/$ref_total cases pass"
	[ "$ref_total" -gt 0 ] || die "the reference run reported no case ($out/ref.out)"
	missing=$(grep '^PASS' "$out/ref.cases" | sed 's/^PASS //' | sort |
		comm -23 - <(grep '^PASS' "$out/bootmm.cases" | sed 's/^PASS //' | sort))
	if [ -n "$missing" ]; then
		status=1
		say "   FAIL: $(printf '%s\n' "$missing" | wc -l) case(s) pass against the kernel but not against bootmm:"
		printf '%s\n' "$missing" | head -40 | sed 's/^/     /'
	fi
	if [ "$bootmm_rc" != 0 ]; then
		status=1
		say "   FAIL: the bootmm run exited with status $bootmm_rc; stderr:"
		head -20 "$out/bootmm.err" | sed 's/^/     /'
	elif [ -s "$out/bootmm.err" ]; then
		# The suite's edge cases (frees of unreserved ranges, ranges that
		# wrap) are accepted silently by the kernel; bootmm's checker
		# reports them, and the suite's results are unchanged.
		say "   bootmm's checker reported $(grep -c '^bootmm: ' "$out/bootmm.err") misuse(s) of the API (see $out/bootmm.err)"
	fi
done
[ "$status" = 0 ] && say "kernel memblock suite: every case the kernel passes passes against bootmm"
exit "$status"
