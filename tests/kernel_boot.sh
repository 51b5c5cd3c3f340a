#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The example kernel (examples/kernel) under QEMU, compared with the
# simulator on the same firmware map.
# usage: kernel_boot.sh BOOTMM SOURCE-DIR KERNEL-ELF
#
# For each memory size the kernel boots on q35 (TCG) with bootmm's core as
# its memory manager; its serial output is captured and checked twice:
#
#  1. the e820 map it printed ("BIOS-e820:" lines, nothing else) through
#     `bootmm boot` and the x86 model. What follows from the map and the
#     configuration alone must agree: zone ranges, node ranges, the
#     unavailable-range lines, the Memory: line's total, every zone's
#     spanned and present pages, memblock.memory. What depends on the image
#     and setup_arch's reservations does not (the model reserves what a 6.1
#     distribution kernel does; this kernel is 2 MiB and reserves only
#     itself and the first MiB): available, reserved, managed, free.
#  2. the machine the kernel printed as a scenario ("bootmm-scn:" lines:
#     memblock.memory, the first MiB, the image's sections, the
#     configuration) through `bootmm boot`: the same machine, so every line
#     of the boot log (the deferred-init time aside) and every report
#     (meminfo, zoneinfo, buddyinfo, pagetypeinfo, memblock) must be equal.
#
# Plus the kernel's own verdict (stress, bm_mm_check, bm_memblock_check:
# PASS and isa-debug-exit status 33), the CPUs it brought up (1G boots with
# -smp 2; which CPU ran which deferred-init unit is up to the scheduler and
# only printed), and its refusal of RAM beyond its 16 GiB direct map (FAIL
# line, status 35).
. "$2/tests/lib_cli.sh"
KERNEL=$3
QEMU=${QEMU:-qemu-system-x86_64}
if [ ! -f "$KERNEL" ]; then
	ko "no kernel image $KERNEL (build it: cmake --build BUILD --target bootmm_kernel)"
	finish
	exit 1
fi

boot() {	# boot MEM CPUS OUT: the serial output, \r stripped; returns QEMU's status
	local rc=0
	timeout 120 "$QEMU" -M q35 -accel tcg -nographic -no-reboot -m "$1" -smp "$2" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$KERNEL" \
		</dev/null >"$3.raw" 2>&1 || rc=$?
	tr -d '\r' <"$3.raw" >"$3"
	return "$rc"
}

# The log from "Zone ranges:" up to the first report, with the deferred-init
# time (a wall-clock figure) blanked and the kernel's own lines (CPUs) out.
log_lines() {
	sed -n '/^Zone ranges:/,/^$/p' "$1" | sed '/^$/d; /^==/d; /^bootmm-kernel:/d; /^smp: /d' |
		sed -E 's/initialised in [0-9]+ms/initialised in Nms/'
}

# section FILE TITLE: the lines of report "== TITLE ==" up to the next blank line.
section() {
	awk -v t="== $2 ==" '$0 == t { on = 1; next } on && /^$/ { exit } on' "$1"
}

same() {	# same NAME FILE-A FILE-B
	if [ ! -s "$2" ]; then ko "$1: nothing to compare"; return; fi
	if cmp -s "$2" "$3"; then ok "$1"; else
		ko "$1"; diff "$2" "$3" | head -20 | sed 's/^/    /'; fi
}

# 256 MiB on one CPU; 1 GiB on two, deferred init spread over both.
for mem in 256M 1G; do
	K=$T/kernel-$mem
	cpus=1
	[ "$mem" = 1G ] && cpus=2
	rc=0
	boot "$mem" "$cpus" "$K" || rc=$?
	if [ "$rc" -eq 33 ]; then ok "$mem: kernel exits PASS (status 33)"; else
		ko "$mem: kernel exit status $rc, want 33"; tail -20 "$K" | sed 's/^/    /'; continue; fi
	cp "$K" "$T/out"
	has "$mem: PASS line" '^bootmm-kernel: PASS$'
	has "$mem: whole-machine checks clean" '^bootmm-kernel: check: bm_mm_check 0, bm_memblock_check 0, violations 0;'
	has "$mem: stress freed all it allocated" 'corrupted blocks; free pages ([0-9]+) before, \1 after$'
	has "$mem: $cpus CPU(s) online" "^smp: Brought up 1 node, $cpus CPUs?\$"
	has "$mem: initmem released" '^Freeing unused kernel image \(initmem\) memory: [1-9][0-9]*K$'

	# 1. The e820 map alone, through the x86 model.
	grep -E '^(BIOS-provided physical RAM map:|BIOS-e820: )' "$K" >"$T/e820-$mem.txt"
	has "$mem: e820 map printed" '^BIOS-e820: \[mem 0x0000000000100000-' 
	run "$mem: bootmm boot of the e820 map" 0 "$BM" boot "$T/e820-$mem.txt" \
		--config keep_memblock=on --show zoneinfo,memblock
	cp "$T/out" "$T/model-$mem"
	log_lines "$K" | sed '/^Memory:/,$d' >"$T/a"
	log_lines "$T/model-$mem" | sed '/^Memory:/,$d' >"$T/b"
	same "$mem: model: zone ranges, node ranges, unavailable ranges" "$T/a" "$T/b"
	sed -nE 's|^Memory: [0-9]+K/([0-9]+)K available.*|\1|p' "$K" >"$T/a"
	sed -nE 's|^Memory: [0-9]+K/([0-9]+)K available.*|\1|p' "$T/model-$mem" >"$T/b"
	same "$mem: model: Memory: total ($(cat "$T/a")K)" "$T/a" "$T/b"
	section "$K" /proc/zoneinfo | grep -E '^Node|spanned|present' >"$T/a"
	section "$T/model-$mem" /proc/zoneinfo | grep -E '^Node|spanned|present' >"$T/b"
	same "$mem: model: zones' spanned and present pages" "$T/a" "$T/b"
	section "$K" /sys/kernel/debug/memblock/memory >"$T/a"
	section "$T/model-$mem" /sys/kernel/debug/memblock/memory >"$T/b"
	same "$mem: model: memblock.memory" "$T/a" "$T/b"

	# 2. The kernel's own machine, as a scenario.
	sed -n 's/^bootmm-scn: //p' "$K" >"$T/machine-$mem.scn"
	run "$mem: bootmm boot of the kernel's scenario (clean verdict)" 0 "$BM" boot \
		"$T/machine-$mem.scn" --show all
	cp "$T/out" "$T/scn-$mem"
	log_lines "$K" >"$T/a"
	log_lines "$T/scn-$mem" >"$T/b"
	same "$mem: scenario: boot log, Memory: line and Freeing lines" "$T/a" "$T/b"
	for r in /proc/meminfo /proc/zoneinfo /proc/buddyinfo /proc/pagetypeinfo \
		 /sys/kernel/debug/memblock/memory; do
		section "$K" "$r" >"$T/a"
		section "$T/scn-$mem" "$r" >"$T/b"
		same "$mem: scenario: $r" "$T/a" "$T/b"
	done
	# Reserved regions: the same ranges and flags. Their node may differ:
	# the kernel's dummy_numa_init puts every reservation made before it on
	# node 0 (memblock_set_node on memblock.reserved), a scenario's
	# "reserve" line has no node.
	section "$K" /sys/kernel/debug/memblock/reserved | awk '{ print $1, $2, $4 }' >"$T/a"
	section "$T/scn-$mem" /sys/kernel/debug/memblock/reserved | awk '{ print $1, $2, $4 }' >"$T/b"
	same "$mem: scenario: /sys/kernel/debug/memblock/reserved (ranges, flags)" "$T/a" "$T/b"
	if [ "$mem" = 1G ]; then
		cp "$K" "$T/out"
		has "$mem: deferred struct page init ran" '^node 0 deferred pages initialised in [0-9]+ms$'
	fi
done

# Refusal: RAM above the 16 GiB the kernel maps (q35 puts 18 GiB above 4G).
# QEMU reserves the guest's RAM up front; a host that cannot (little memory,
# strict overcommit) skips this boot and says so.
K=$T/kernel-20G
rc=0
boot 20G 1 "$K" || rc=$?
if grep -q "cannot set up guest memory" "$K"; then
	echo "skip 20G: this host cannot give QEMU 20 GiB of guest memory"
else
	if [ "$rc" -eq 35 ]; then ok "20G: refused, kernel exits FAIL (status 35)"; else
		ko "20G: exit status $rc, want 35"; tail -5 "$K" | sed 's/^/    /'; fi
	cp "$K" "$T/out"
	has "20G: names the end of RAM and the limit" '^bootmm-kernel: RAM ends at 0x[0-9a-f]+; this kernel maps 16 GiB$'
	has "20G: FAIL line" '^bootmm-kernel: FAIL \(setup_arch\)$'
fi
finish
