#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install bootmm into a staging prefix and build tests/consumer against it
# twice, as a user of the package would: with pkg-config (bootmm,
# bootmm-host) and with find_package(bootmm). Each consumer must boot its
# machine and print the same figures; the installed tree must hold the
# public headers only (no host/, sim/ or cli/ internals).
# usage: tools/check-install.sh [BUILD-DIR]   (default: build, configured)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage

fail() { echo "check-install: $*" >&2; exit 1; }

cmake --build "$build" -j2 --target bootmm bootmm_core bootmm_core_shared bootmm_host \
	bootmm_host_shared >/dev/null
cmake --install "$build" --prefix "$stage" >/dev/null

# Only the public API is installed.
for h in boot host machine memblock mm prim types version; do
	[ -f "$stage/include/bootmm/$h.h" ] || fail "include/bootmm/$h.h not installed"
done
[ -f "$stage/include/bootmm/compat/linux/memblock.h" ] || fail "compat header not installed"
extra=$(cd "$stage/include" && find . -name '*.h' | grep -Ev '^\./bootmm/([a-z]+\.h|compat/linux/memblock\.h)$' || true)
[ -z "$extra" ] || fail "headers outside the public API installed: $extra"
[ -x "$stage/bin/bootmm" ] || fail "bin/bootmm not installed"
[ -f "$stage/share/man/man1/bootmm.1" ] || fail "man page not installed"
libdir=$(dirname "$(find "$stage" -name 'libbootmm.so' | head -1)")
[ -n "$libdir" ] || fail "libbootmm.so not installed"
want_ver=$("$stage/bin/bootmm" --version | awk '{print $2}')
soname=$(objdump -p "$libdir/libbootmm.so" | awk '/SONAME/ {print $2}')
case $soname in libbootmm.so.0*) ;; *) fail "unexpected soname '$soname'";; esac
echo "installed: bootmm $want_ver, $soname, $(cd "$stage" && find . -type f | wc -l) files"

# Every public header compiles on its own (self-contained), as C11.
for h in "$stage"/include/bootmm/*.h; do
	echo "#include <bootmm/$(basename "$h")>" | gcc -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror \
		-I"$stage/include" -x c -c -o /dev/null - || fail "$(basename "$h") is not self-contained"
done

# run LABEL BINARY: boots, prints the version and a clean checker.
check_run() {
	local out
	out=$(LD_LIBRARY_PATH=$libdir "$2") || fail "$1: exit $?"
	grep -q "^bootmm $want_ver " <<<"$out" || fail "$1: version is not $want_ver: $out"
	grep -q "^Memory: [0-9]*K/[0-9]*K available" <<<"$out" || fail "$1: no Memory: line"
	grep -Eq "^consumer: [0-9]+ pages free, order-3 block at pfn 0x[0-9a-f]+, [0-9]+ free after$" \
		<<<"$out" || fail "$1: no allocation: $out"
	grep -q "checker: clean$" <<<"$out" || fail "$1: checker not clean"
	grep "^consumer:" <<<"$out" >"$work/$1.figures"
	echo "$1: $(tail -1 "$work/$1.figures")"
}

# pkg-config
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion bootmm)" = "$want_ver" ] || fail "pkg-config version"
# Kernel-style code finds <linux/memblock.h> through compat_includedir.
# shellcheck disable=SC2046
echo '#include <linux/memblock.h>' | gcc -std=c11 -Wall -Werror $(pkg-config --cflags bootmm) \
	-I"$(pkg-config --variable=compat_includedir bootmm)" -x c -c -o /dev/null - ||
	fail "linux/memblock.h does not compile from compat_includedir"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror "$top/tests/consumer/main.c" -o "$work/pc_core" \
	$(pkg-config --cflags --libs bootmm)
check_run pc_core "$work/pc_core"
objdump -p "$work/pc_core" | grep -q "NEEDED *$soname\$" || fail "pc_core is not linked to $soname"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror -DCONSUMER_HOST "$top/tests/consumer/main.c" \
	-o "$work/pc_host" $(pkg-config --cflags --libs bootmm-host)
check_run pc_host "$work/pc_host"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror "$top/tests/consumer/main.c" -o "$work/pc_static" \
	$(pkg-config --cflags bootmm) "$libdir/libbootmm.a"
check_run pc_static "$work/pc_static"

# find_package
cmake -S "$top/tests/consumer" -B "$work/cm" -DCMAKE_PREFIX_PATH="$stage" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Wno-unused-parameter -Werror" >/dev/null
cmake --build "$work/cm" -j2 >/dev/null
for t in consumer_core consumer_static consumer_host; do
	check_run "$t" "$work/cm/$t"
done
# The same library, the same machine: the same figures every way.
for f in "$work"/*.figures; do
	cmp -s "$f" "$work/pc_core.figures" || fail "$(basename "$f" .figures) differs from pc_core"
done
echo "check-install: ok"
