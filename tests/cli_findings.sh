#!/bin/bash
# SPDX-License-Identifier: MIT
# The robustness campaign's reproducers (tests/data/findings, issue 12)
# through every command: each is now a clear error (exit 2, naming the file
# and what is wrong) or a normal result, never a crash, a hang or a wrong
# answer. Every command runs under timeout: a hang fails the test instead of
# stalling it.
# usage: bash tests/cli_findings.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

F=$SRC/tests/data/findings
# Host memory fixed for the feasibility refusals: the same on any host.
export BOOTMM_HOST_MEMORY=16G

# tbad NAME STDERR-PATTERN CMD...: exit 2 within 60 s, the pattern on stderr
tbad() {
	local name=$1 pat=$2 rc
	shift 2
	timeout 60 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		ko "$name: exit $rc, want 2"; head -3 "$T/err" | sed 's/^/    /'
	elif ! grep -qE -- "$pat" "$T/err"; then
		ko "$name: no /$pat/ in stderr"; head -3 "$T/err" | sed 's/^/    /'
	elif grep -qE "ERROR: AddressSanitizer|runtime error" "$T/err"; then
		ko "$name: sanitizer report"; grep -m3 -E "ERROR|runtime error" "$T/err"
	else ok "$name"; fi
}

# tok NAME WANT CMD...: exit WANT within 60 s (a hang is exit 124)
tok() {
	local name=$1 want=$2 rc
	shift 2
	timeout 60 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && ! grep -qE "ERROR: AddressSanitizer|runtime error" "$T/err"
	then ok "$name"; else
		ko "$name: exit $rc, want $want"; head -3 "$T/err" | sed 's/^/    /'; fi
}

for c in boot compare map; do
	extra=""; [ "$c" = map ] && extra="--svg $T/x.svg"
	# DTB strings without their NUL: an error naming node and property.
	tbad "$c devtype without NUL" "crafted-fdt-devtype-noNUL.dtb: /x: property device_type \(6 bytes\) is not a NUL-terminated string" \
		"$BM" $c $extra "$F/crafted-fdt-devtype-noNUL.dtb"
	# (its structure block is misaligned too, which is refused first)
	tbad "$c status without NUL" "crafted-fdt-status-noNUL.dtb: corrupt device tree blob: structure block at 0x3f .* not aligned" \
		"$BM" $c $extra "$F/crafted-fdt-status-noNUL.dtb"
	tbad "$c status without NUL mid-blob" "property status \(4 bytes\) is not a NUL-terminated" \
		"$BM" $c $extra "$SRC/tests/data/parse_fdt_status_nonul.dtb"
	# Machines this host cannot simulate: how much it would need, and has.
	for s in scn-8tib.scn scn-16tib.scn e820-4PiB-usable.log; do
		tbad "$c $s refused" "$s: cannot simulate this machine here: .* needs about .* of host memory.* this host has 16 GiB \(BOOTMM_HOST_MEMORY\)" \
			"$BM" $c $extra "$F/$s"
	done
	# A one-page machine: the reason, not an error number.
	tbad "$c one-page machine says why" "scn-1page.scn: the machine could not be booted: .*no room for the 2 MiB memory map" \
		"$BM" $c $extra "$F/scn-1page.scn"
	# A log cut during the boot: what is missing.
	tbad "$c truncated log" "trunc-24145.log:[0-9]+: the log ends before free_initmem" \
		"$BM" $c $extra "$F/trunc-24145.log"
	# Inputs are capped: /dev/zero is refused, not read until memory runs out.
	tbad "$c /dev/zero refused" "/dev/zero: input too large: more than 64 MiB" \
		"$BM" $c $extra /dev/zero
done

# The same log cut anywhere: an error naming the line, or (cut inside the
# trailing dumps) a clean boot; never a verdict with bogus violations.
L=$SRC/tests/data/logs/efi-512M-trace.log
size=$(stat -c %s "$L")
for pct in 5 15 25 35 45 55 65 75 85 90 93 96 98 99; do
	head -c $((size * pct / 100)) "$L" >"$T/cut.log"
	timeout 60 "$BM" boot "$T/cut.log" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qE "cut.log:[0-9]+: " "$T/err"; then ok "log cut at $pct%: error naming the line"
	elif [ "$rc" -eq 0 ]; then ok "log cut at $pct%: clean"
	else ko "log cut at $pct%: exit $rc"; head -3 "$T/err" "$T/out" | sed 's/^/    /'; fi
done

# Huge reservations: the walks stop at the memory that exists (they hung).
for c in boot compare; do
	tok "$c hugeres.log finishes" 0 "$BM" $c "$F/hugeres.log"
	tok "$c scn-huge-reserve.scn finishes" 0 "$BM" $c "$F/scn-huge-reserve.scn"
done
# (map's exit status is its verdict, 0 or 1 by the kernel era's policy)
timeout 60 "$BM" map --svg "$T/h.svg" "$F/hugeres.log" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -le 1 ] && ok "map hugeres.log finishes" || ko "map hugeres.log finishes: exit $rc"
[ -s "$T/h.svg" ] && ok "map hugeres.log wrote the picture" || ko "map hugeres.log wrote nothing"
timeout 60 "$BM" map --svg "$T/h2.svg" "$F/scn-huge-reserve.scn" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -le 1 ] && ok "map scn-huge-reserve.scn finishes" || ko "map scn-huge-reserve.scn finishes: exit $rc"
tok "replay hugeres.log finishes" 1 "$BM" replay "$F/hugeres.log"
tok "boot hugeres.log --json" 0 "$BM" boot --json "$F/hugeres.log"
has "hugeres.log is clean" '"violations": *0|"total": *0|misuse": *0' "out"

# The feasibility figures follow the host memory given.
BOOTMM_HOST_MEMORY=16M tbad "a 512 MiB machine on a 16 MiB host" \
	"efi-512M-trace.log: cannot simulate .* needs about [0-9.]+ MiB of host memory.* this host has 16 MiB" \
	"$BM" boot "$SRC/examples/efi-512M-trace.log"
BOOTMM_HOST_MEMORY=64G tbad "16 TiB on a 64 GiB host" "needs about 96 GiB .* this host has 64 GiB" \
	"$BM" boot "$F/scn-16tib.scn"
BOOTMM_HOST_MEMORY=junk tok "an unreadable BOOTMM_HOST_MEMORY is ignored" 0 \
	"$BM" boot "$SRC/examples/efi-512M-trace.log"

# Duplicate config keys in a scenario: both lines named.
printf 'memory 0x100000-0x3fffffff\nconfig threads=2\nconfig threads=4\n' >"$T/dup.scn"
tbad "duplicate config key" "dup.scn:3: config key 'threads' set again \(first set on line 2\)" \
	"$BM" boot "$T/dup.scn"

# Found by this project's own 10-minute fuzz runs of the log parsers: a
# crashkernel line without " - " failed with an empty message.
for c in boot replay compare; do
	tbad "$c: crashkernel line without ' - ' is named" \
		'bootlog-crashkernel-no-dash.log:5: malformed crashkernel line' \
		"$BM" $c "$F/fuzz/bootlog-crashkernel-no-dash.log"
done

# Found by the last 10-minute fuzz_parse_bootlog run: a MEMBLOCK dump that a
# /proc dump ended early was accepted with fewer regions than memory.cnt.
tbad "a MEMBLOCK dump cut by a zoneinfo dump is named" \
	'bootlog-mbdump-ended-by-zoneinfo.log:18: MEMBLOCK configuration lists 0 memory regions but memory.cnt = 6' \
	"$BM" replay "$F/fuzz/bootlog-mbdump-ended-by-zoneinfo.log"

# Hand-made (session 4): more e820 RAM entries than memblock's 128 static
# regions. x86's e820__memblock_setup allows resizing before it adds them,
# so the arrays double and the machine boots (it was refused once the core
# stopped ignoring a failed node assignment).
e820() { printf '[    0.000000] BIOS-e820: [mem 0x%016x-0x%016x] usable\n' "$1" "$2"; }
{
	e820 0 0x9ffff
	e820 0x100000 0x3fffffff
	for i in $(seq 1 200); do
		e820 $((0x100000000 + i * 0x200000)) $((0x100000000 + i * 0x200000 + 0xfff))
	done
} >"$T/many-e820.log"
for c in boot compare; do
	tok "$c: 202 e820 RAM entries boot (memblock doubles)" 0 "$BM" $c "$T/many-e820.log"
done
# SRAT leaving over 1 MiB of RAM without a node: the kernel rejects the NUMA
# configuration (memblock_validate_numa_coverage) and fakes node 0.
{
	e820 0 0x9ffff
	e820 0x100000 0x3fffffff
	echo '[    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x00000000-0x1fffffff]'
} >"$T/srat-half.log"
tok "SRAT covering half of RAM: dummy node 0" 0 "$BM" boot --json "$T/srat-half.log"
has "SRAT covering half of RAM: one node" '"nodes": 1,' "out"
has "SRAT covering half of RAM: all of it node 0" 'node   0: \[mem 0x0000000000100000-0x000000003fffffff\]' "out"
# Under 1 MiB uncovered the kernel would go on with memory of no node, which
# memmap_init cannot place: refused, naming the range.
{
	e820 0 0x9ffff
	e820 0x100000 0x3fffffff
	echo '[    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x00000000-0x1fffffff]'
	echo '[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x20000000-0x3ff7ffff]'
} >"$T/srat-gap.log"
tbad "SRAT leaving 512 KiB without a node" 'memory \[0x3ff80000-0x3fffffff\] has no node' \
	"$BM" boot "$T/srat-gap.log"

finish
