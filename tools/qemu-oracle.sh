#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# qemu-oracle.sh: boot the real Debian 12 cloud kernel under QEMU and
# capture a serial log like those of ../shared/data (BRIEF section 8): the
# kernel's boot messages, then an initramfs that prints /proc/meminfo,
# zoneinfo, buddyinfo, pagetypeinfo, the debugfs memblock files and
# /proc/iomem between "=====SECTION" markers and powers off.
#
#   tools/qemu-oracle.sh [-m SIZE] [--numa N] [--efi|--bios] [--cmdline "..."]
#                        [--cpus N] [-o OUT.log] [--work DIR] [--no-fetch]
#                        [--kernel VERSION]
#
#   --kernel V    which Debian 12 cloud kernel (docs/ERAS.md):
#                 6.1 (default)  linux-image-cloud-amd64 (bookworm, or the
#                                newer 6.1 of bookworm-security)
#                 6.1.N          that 6.1 upload (apt-cache madison)
#                 6.12           linux-image-6.12-cloud-amd64 (bookworm-security)
#                 6.12.N         linux-image-6.12.N+deb12-cloud-amd64: from the
#                                machine's sources (6.12.118: bookworm-security)
#                                or else bookworm-backports (6.12.74, before
#                                the EFI fix), whose index the script fetches
#                                into --work with its own apt state
#   -m SIZE       guest memory (QEMU syntax: 512M, 4G); default 512M
#   --numa N      split memory evenly over N NUMA nodes, one CPU each
#   --efi         boot through OVMF (default); --bios: SeaBIOS
#   --cmdline S   extra kernel command line; memblock=debug is always added
#                 unless --no-trace is given (then efi=debug is a good idea)
#   -o FILE       where the log goes; default ./qemu-oracle-KERNEL-SIZE.log
#   --work DIR    where packages are fetched and unpacked; default
#                 ${XDG_CACHE_HOME:-$HOME/.cache}/bootmm-oracle
#   --no-fetch    never run apt-get: use what --work already holds
#
# Needs: apt-get (Debian), dpkg-deb, cpio, gzip, qemu-system-x86_64 (from the
# qemu-system-x86 package, fetched and unpacked if absent). Not part of the
# default test run; tests/test_qemu_oracle.c runs it when
# BOOTMM_QEMU_ORACLE=1. Exit: 0 log written, 1 boot failed, 2 usage or
# missing tools.
set -euo pipefail

mem=512M
numa=0
efi=1
cpus=2
extra=""
trace=1
out=""
work="${XDG_CACHE_HOME:-$HOME/.cache}/bootmm-oracle"
fetch=1
kver=6.1
timeout_s=${BOOTMM_QEMU_TIMEOUT:-300}

usage() { sed -n '4,38p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	-m) mem="$2"; shift 2 ;;
	--numa) numa="$2"; shift 2 ;;
	--cpus) cpus="$2"; shift 2 ;;
	--efi) efi=1; shift ;;
	--bios) efi=0; shift ;;
	--cmdline) extra="$2"; shift 2 ;;
	--no-trace) trace=0; shift ;;
	-o) out="$2"; shift 2 ;;
	--work) work="$2"; shift 2 ;;
	--no-fetch) fetch=0; shift ;;
	--kernel) kver="$2"; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "qemu-oracle: unknown option $1" >&2; usage 2 ;;
	esac
done
case "$kver" in
6.1|6.1.[0-9]*|6.12|6.12.[0-9]*) ;;
*) echo "qemu-oracle: --kernel $kver: Debian 12 has 6.1, 6.1.N, 6.12 or 6.12.N" >&2; exit 2 ;;
esac
[ -n "$out" ] || out="$PWD/qemu-oracle-$kver-$mem.log"
if [ "$numa" -gt 0 ] && [ "$cpus" -lt "$numa" ]; then
	cpus="$numa"
fi

die() { echo "qemu-oracle: $*" >&2; exit 2; }

mkdir -p "$work/debs" "$work/root"
cd "$work"

# apt with the machine's sources plus bookworm-backports, in a state of
# our own under --work (the machine's apt configuration is not touched).
bpo_apt() {
	mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
	if [ ! -e "$work/apt/sources.list" ]; then
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
			> "$work/apt/sources.list" || true
		echo "deb http://deb.debian.org/debian bookworm-backports main" \
			>> "$work/apt/sources.list"
	fi
	local opts=(-o "Dir::Etc::SourceList=$work/apt/sources.list"
		    -o "Dir::Etc::SourceParts=/etc/apt/sources.list.d"
		    -o "Dir::State::Lists=$work/apt/lists"
		    -o "Dir::Cache=$work/apt/cache")
	if [ ! -e "$work/apt/.updated" ]; then
		apt-get "${opts[@]}" update >/dev/null || die "apt-get update with bookworm-backports failed"
		touch "$work/apt/.updated"
	fi
	apt-get "${opts[@]}" "$@"
}

# Fetch a Debian package (into debs/) and unpack it under $2 (root/), once.
get() {
	local pkg="$1" dest="${2:-root}" deb
	deb=$(ls debs/"${pkg%%=*}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		[ "$fetch" = 1 ] || die "$pkg not in $work/debs and --no-fetch given"
		command -v apt-get >/dev/null || die "apt-get not found: fetch $pkg by hand into $work/debs"
		if ! (cd debs && apt-get download "$pkg" >/dev/null 2>&1); then
			# Not in the machine's sources: bookworm-backports (6.12.74).
			(cd debs && bpo_apt download "$pkg" >/dev/null) ||
				die "apt-get download $pkg failed (try: apt-get update)"
		fi
		deb=$(ls debs/"${pkg%%=*}"_*.deb | head -n1)
	fi
	mkdir -p "$dest"
	if [ ! -e "$dest/.unpacked-${pkg%%=*}" ]; then
		dpkg-deb -x "$deb" "$dest" || die "dpkg-deb -x $deb failed"
		touch "$dest/.unpacked-${pkg%%=*}"
	fi
}

command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
command -v cpio >/dev/null || die "cpio not found"

# The kernel, unpacked under kernel-VERSION/: a metapackage names the real
# one (6.1, 6.12), or the versioned package is fetched directly (6.12.N).
kroot="kernel-$kver"
if ! ls "$kroot"/boot/vmlinuz-* >/dev/null 2>&1; then
	[ "$fetch" = 1 ] || die "no kernel under $work/$kroot/boot and --no-fetch given"
	case "$kver" in
	6.12.*) get "linux-image-$kver+deb12-cloud-amd64" "$kroot" ;;
	*)
		meta=linux-image-cloud-amd64
		[ "$kver" = 6.12 ] && meta=linux-image-6.12-cloud-amd64
		if [ "${kver#6.1.}" != "$kver" ]; then
			v=$(apt-cache madison "$meta" | awk -v p="$kver-" 'index($3, p) == 1 {print $3; exit}')
			[ -n "$v" ] || die "no $meta upload of $kver in the machine's sources"
			meta="$meta=$v"
		fi
		rm -f debs/"${meta%%=*}"_*.deb
		get "$meta" "$kroot"
		dep=$(dpkg-deb -f debs/"${meta%%=*}"_*.deb Depends | tr ',' '\n' |
		      sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
		[ -n "$dep" ] || die "cannot tell which kernel $meta depends on"
		get "$dep" "$kroot"
		;;
	esac
fi
kernel=$(ls "$kroot"/boot/vmlinuz-* | head -n1)
get busybox-static
[ "$efi" = 1 ] && get ovmf

qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	get qemu-system-x86
	get qemu-system-data 2>/dev/null || true
	qemu="$work/root/usr/bin/qemu-system-x86_64"
	[ -x "$qemu" ] || die "qemu-system-x86_64 not found after unpacking qemu-system-x86"
	export LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# The initramfs: busybox and an /init that dumps what the oracle compares.
rd="$work/initrd.d"
rm -rf "$rd"
mkdir -p "$rd/bin" "$rd/proc" "$rd/sys" "$rd/dev"
cp root/bin/busybox "$rd/bin/busybox"
for a in sh cat mount poweroff echo sleep; do ln -sf busybox "$rd/bin/$a"; done
cat > "$rd/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t debugfs none /sys/kernel/debug 2>/dev/null
echo =====MEMINFO;          cat /proc/meminfo
echo =====ZONEINFO;         cat /proc/zoneinfo
echo =====BUDDYINFO;        cat /proc/buddyinfo
echo =====PAGETYPEINFO;     cat /proc/pagetypeinfo
echo =====MEMBLOCK_MEMORY;  cat /sys/kernel/debug/memblock/memory 2>/dev/null
echo =====MEMBLOCK_RESERVED; cat /sys/kernel/debug/memblock/reserved 2>/dev/null
echo =====IOMEM;            cat /proc/iomem
echo =====FWMEMMAP
for d in /sys/firmware/memmap/*; do
	[ -d "$d" ] && echo "$(cat $d/start) $(cat $d/end) $(cat $d/type)"
done
echo =====END
poweroff -f
EOF
chmod +x "$rd/init"
(cd "$rd" && find . | cpio -o -H newc 2>/dev/null | gzip -9) > "$work/initrd.img"

cmdline="console=ttyS0 panic=-1 loglevel=8 ignore_loglevel"
[ "$trace" = 1 ] && cmdline="$cmdline memblock=debug"
[ -n "$extra" ] && cmdline="$cmdline $extra"

args=(-machine q35 -m "$mem" -smp "$cpus" -nographic -no-reboot
      -kernel "$kernel" -initrd "$work/initrd.img" -append "$cmdline")
if [ "$efi" = 1 ]; then
	fw=$(ls root/usr/share/OVMF/OVMF_CODE*.fd 2>/dev/null | head -n1 || true)
	[ -n "$fw" ] || fw=$(ls /usr/share/OVMF/OVMF_CODE*.fd 2>/dev/null | head -n1 || true)
	[ -n "$fw" ] || die "no OVMF firmware (package ovmf)"
	args+=(-bios "$fw")
fi
if [ "$numa" -gt 0 ]; then
	# -m SIZE split evenly: QEMU wants sizes per memdev.
	total_mb=$(echo "$mem" | awk '/[Gg]$/{print $0*1024; next} /[Mm]$/{print $0+0; next} {print int($0/1048576)}')
	per=$((total_mb / numa))
	for ((n = 0; n < numa; n++)); do
		args+=(-object "memory-backend-ram,id=m$n,size=${per}M"
		       -numa "node,nodeid=$n,cpus=$n,memdev=m$n")
	done
fi
# TCG by default, as the shared logs were made ("QEMU Virtual CPU version
# 2.5+"); KVM only on request: nested KVM may fail on cmpxchg16b emulation.
accel=()
[ "${BOOTMM_QEMU_KVM:-0}" = 1 ] && [ -w /dev/kvm ] && accel=(-enable-kvm)

echo "qemu-oracle: $kernel, $mem, numa=$numa, efi=$efi: $cmdline" >&2
if ! timeout "$timeout_s" "$qemu" "${accel[@]}" "${args[@]}" > "$out" 2>&1 < /dev/null; then
	echo "qemu-oracle: QEMU failed or timed out; partial log in $out" >&2
	exit 1
fi
grep -q '^=====END' "$out" || { echo "qemu-oracle: no =====END in $out" >&2; exit 1; }
echo "qemu-oracle: wrote $out" >&2
