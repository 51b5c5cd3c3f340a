# shellcheck shell=bash disable=SC2034,SC2154
# SPDX-License-Identifier: MIT
# Sourced by tools/kernel-memblock-suite.sh and tools/kernel-memblock-peer.sh:
# Debian's linux-source-6.12 (the installed /usr/src tarball, else the .deb
# fetched with apt-get download into $work/deb), unpacked once into
# $work/src (only tools/, mm/memblock.c and two headers). Nothing from the
# kernel is copied into the repository.
#
# In: $work (an absolute directory), say(), die(). Out: $pkg, $tarball,
# $src (the unpacked tree). Returns 77 if apt cannot provide the package.
pkg=linux-source-6.12

linux_source_unpack() {
	local stamp

	tarball=/usr/src/$pkg.tar.xz
	if [ ! -f "$tarball" ]; then
		tarball=$work/deb/usr/src/$pkg.tar.xz
		if [ ! -f "$tarball" ]; then
			mkdir -p "$work/deb"
			# apt-get download needs no root and no dpkg lock; refresh the
			# lists once if the package is unknown.
			if ! (cd "$work/deb" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
				if [ "$(id -u)" = 0 ]; then
					apt-get update -qq >/dev/null 2>&1 || true
				fi
				if ! (cd "$work/deb" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
					say "SKIP: apt cannot provide $pkg"
					return 77
				fi
			fi
			dpkg-deb -x "$work"/deb/"$pkg"_*.deb "$work/deb" ||
				die "cannot unpack the $pkg package"
		fi
	fi

	src=$work/src/$pkg
	stamp=$work/src/.unpacked-$(stat -c %s-%Y "$tarball")
	if [ ! -f "$stamp" ]; then
		rm -rf "$work/src"
		mkdir -p "$work/src"
		say "== unpacking $pkg's memblock sources from $tarball"
		tar -xJf "$tarball" -C "$work/src" \
			$pkg/tools $pkg/mm/memblock.c \
			$pkg/include/linux/memblock.h $pkg/include/linux/gfp_types.h \
			|| die "cannot unpack $tarball"
		touch "$stamp"
	fi
	return 0
}
