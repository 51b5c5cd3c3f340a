#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build libfdt from source with the compiler and flags given, for the fuzz
# build: Debian's libfdt1 is an uninstrumented shared library, so libFuzzer
# saw none of the blob walking in it and fuzz_parse_fdt stalled at ~140
# edges. libfdt's sources are fetched at run time, never kept in the
# repository:
#   1. Debian's source package of device-tree-compiler (apt-get source; a
#      deb-src line for the release in use must be configured);
#   2. failing that (no deb-src line, or a mirror without sources), the copy
#      of libfdt in Debian's linux-source package (scripts/dtc/libfdt, which
#      the kernel imports verbatim from dtc).
#
# usage: tools/build-libfdt.sh OUTDIR
#   builds OUTDIR/lib/libfdt.a and OUTDIR/include/{libfdt,fdt,libfdt_env}.h
# Environment: CC (default clang), CFLAGS (default: the fuzz build's
# -fsanitize=fuzzer-no-link,address,undefined), LIBFDT_SRC (a directory
# holding libfdt's .c and .h files: skip the download).
set -euo pipefail

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cc=${CC:-clang}
cflags=${CFLAGS:--O1 -g -fPIC -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-coverage=trace-cmp -fno-omit-frame-pointer}

if [ -f "$out/lib/libfdt.a" ] && [ -f "$out/include/libfdt.h" ]; then
	exit 0
fi

work=$out/src
mkdir -p "$work"
src=${LIBFDT_SRC:-}

from_debian_source() {	# apt-get source device-tree-compiler
	local d
	(cd "$work" && apt-get source -qq device-tree-compiler >"$work/apt-source.log" 2>&1) || return 1
	d=$(find "$work" -maxdepth 3 -type d -name libfdt -path '*device-tree-compiler*' | head -1)
	[ -n "$d" ] && [ -f "$d/fdt_ro.c" ] || return 1
	src=$d
}

from_linux_source() {	# scripts/dtc/libfdt of Debian's linux-source-X.Y
	local pkg deb tarball
	pkg=$(apt-cache pkgnames linux-source- 2>/dev/null | grep -E '^linux-source-[0-9]+\.[0-9]+$' |
		sort -V | tail -1)
	[ -n "$pkg" ] || return 1
	(cd "$work" && apt-get download -qq "$pkg" >"$work/apt-download.log" 2>&1) || return 1
	deb=$(ls "$work"/"$pkg"_*.deb | head -1)
	dpkg-deb --fsys-tarfile "$deb" | (cd "$work" && tar -x --wildcards '*.tar.xz')
	tarball=$(find "$work/usr/src" -name 'linux-source-*.tar.xz' | head -1)
	(cd "$work" && tar -xJf "$tarball" --wildcards '*/scripts/dtc/libfdt/*')
	rm -rf "$work/usr" "$deb"
	src=$(find "$work" -type d -path '*/scripts/dtc/libfdt' | head -1)
	[ -n "$src" ] && [ -f "$src/fdt_ro.c" ]
}

if [ -z "$src" ]; then
	if from_debian_source; then
		echo "build-libfdt: libfdt from Debian's device-tree-compiler source package"
	elif from_linux_source; then
		echo "build-libfdt: libfdt from Debian's linux-source package (scripts/dtc/libfdt)"
	else
		echo "build-libfdt: could not get libfdt's sources (apt-get source device-tree-compiler" \
			"needs a deb-src line; apt-get download linux-source-X.Y failed too)" >&2
		exit 1
	fi
fi

mkdir -p "$out/lib" "$out/include" "$out/obj"
objs=()
for c in "$src"/fdt*.c; do
	o=$out/obj/$(basename "$c" .c).o
	# shellcheck disable=SC2086
	"$cc" $cflags -I"$src" -c "$c" -o "$o"
	objs+=("$o")
done
ar rcs "$out/lib/libfdt.a" "${objs[@]}"
cp "$src"/libfdt.h "$src"/fdt.h "$src"/libfdt_env.h "$out/include/"
echo "build-libfdt: $out/lib/libfdt.a (${#objs[@]} objects, $cc $cflags)"
