#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build Linux's own mm/memblock.c (Debian's linux-source-6.12) as the peer
# bench_memblock_kernel measures bootmm against, and print the path of the
# shared object on stdout (progress goes to stderr).
#
#   tools/kernel-memblock-peer.sh [WORKDIR]
#
# WORKDIR (default ./build-ksuite, shared with tools/kernel-memblock-suite.sh)
# caches the package and the unpacked tree; nothing from the kernel is
# copied into the repository. The object is built from:
#   - the kernel's mm/memblock.c, compiled against the userspace shims of
#     tools/testing/memblock (its linux/ and mm.h stand-ins, phys == virt),
#     in the suite's NUMA configuration (CONFIG_NUMA, 16 nodes) as an
#     x86-64 kernel has it;
#   - the suite's mmzone.c, lib/slab.c and tools/lib/slab.c stand-ins
#     (slab_is_available() is false: arrays double from memblock);
#   - bench/kernel_memblock_peer.c, the kpeer_* entry points.
# Every symbol is hidden but kpeer_*, and the object is linked -Bsymbolic:
# the kernel's memblock_* and bootmm's Linux-named API never meet in the
# benchmark's process (it dlopen()s the object).
#
# Flags: -O3 -DNDEBUG, as the benchmark's own Release build; KPEER_CFLAGS
# overrides them.
#
# Exit status: 0 built (path printed); 1 a build failed; 77 the package
# cannot be had (the benchmark then skips the comparison).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/build-ksuite}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cflags=${KPEER_CFLAGS:--O3 -DNDEBUG}

say() { printf '%s\n' "$*" >&2; }
die() { say "kernel-memblock-peer: $*"; exit 1; }

. "$repo/tools/linux-source.sh"
linux_source_unpack || { say "   (needed for the kernel peer of bench_memblock_kernel)"; exit 77; }
suite=$src/tools/testing/memblock
[ -f "$suite/mmzone.c" ] || die "no tools/testing/memblock in $tarball"

out=$work/peer
so=$out/kmemblock_peer.so
# The suite's link set (its Makefile's DEP_OFILES, cmdline.c aside: nothing
# here parses a command line) and the driver.
inputs=("$src/mm/memblock.c" "$suite/lib/slab.c" "$suite/mmzone.c" "$src/tools/lib/slab.c"
	"$repo/bench/kernel_memblock_peer.c")
# Up to date: newer than every input and this script.
if [ -f "$so" ]; then
	fresh=1
	for f in "${inputs[@]}" "$0" "$repo/tools/linux-source.sh"; do
		[ "$f" -nt "$so" ] && fresh=0
	done
	if [ $fresh = 1 ]; then
		printf '%s\n' "$so"
		exit 0
	fi
fi

rm -rf "$out"
mkdir -p "$out/inc/linux" "$out/inc/asm" "$out/obj"
# What the suite's Makefile links in (its "include" step), linked here so
# its tree stays untouched; memblock.c is linked into $out so that its
# "internal.h" is the suite's stand-in (found through -I"$suite").
ln -s "$src/include/linux/memblock.h" "$out/inc/linux/memblock.h"
ln -s "$src/tools/arch/x86/include/asm/asm.h" "$out/inc/asm/asm.h"
ln -s "$src/tools/arch/x86/include/asm/cmpxchg.h" "$out/inc/asm/cmpxchg.h"
ln -s "$src/mm/memblock.c" "$out/memblock.c"
objs=()
for f in "$out/memblock.c" "${inputs[@]:1}"; do
	o=$out/obj/${#objs[@]}_$(basename "$f" .c).o
	# shellcheck disable=SC2086
	gcc $cflags -fPIC -fvisibility=hidden -w -I"$out/inc" -I"$suite" -I"$src/tools/include" \
		-DCONFIG_PHYS_ADDR_T_64BIT -DCONFIG_NUMA -DCONFIG_NODES_SHIFT=4 \
		-c "$f" -o "$o" 2>>"$out/build.log" ||
		{ cat "$out/build.log" >&2; die "cannot compile $f"; }
	objs+=("$o")
done
gcc -shared -Wl,-Bsymbolic -Wl,-z,defs -o "$so.tmp" "${objs[@]}" 2>>"$out/build.log" ||
	{ cat "$out/build.log" >&2; die "cannot link the peer"; }
# Nothing but the kpeer_* interface may be visible.
extra=$(nm -D --defined-only "$so.tmp" | awk '{ print $3 }' | grep -v '^kpeer_' || true)
[ -z "$extra" ] || die "the peer exports more than kpeer_*: $extra"
mv "$so.tmp" "$so"
say "== built Linux's mm/memblock.c ($pkg) as $so"
printf '%s\n' "$so"
