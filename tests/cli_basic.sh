#!/bin/bash
# SPDX-License-Identifier: MIT
# The bootmm command's everyday use: the built-in example,
# --help of every command, boot/compare/replay on the shared example log and
# the scenarios in examples/, exit statuses 0/1.
# usage: bash tests/cli_basic.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"


# The built-in example: every era, the machine, the explanation.
# How fast it is belongs to bench/, not to a test.
run "example exits 0 (safe is clean)" 0 "$BM"
# One row per era: ERA KERNEL POLICY LEAKED ...
ROWS="pre-fix:skip-uninit 6.2-rc:free-early fixed:skip-uninit v7.1:warn bootmm:safe
seed001-opt1:unreserve seed001-opt2:unreserve-flag seed001-opt3:discard"
has "example row own" "^own +6\.1\.192 +skip-uninit +0 "
for r in $ROWS; do
	has "example row ${r%%:*}" "^${r%%:*} +[^ ]+ +${r#*:} +[0-9]+ "
done
has "example names first_deferred_pfn" "first_deferred_pfn 0x10000"
has "example names EFI boot services" "EFI boot services: [0-9.]+ MiB"
has "example explains seed 004" "seed 004"
has "example explains seed 001" "seed 001"
has "example footer keep_memblock" "keep_memblock=on"
has "pre-fix leaks in the example (.smp_locks not)" "^pre-fix +6\.1\.169 +skip-uninit +9414 "
has "6.2-rc reads garbage in the example" "^6\.2-rc +6\.2-rc +free-early +0 +0\.0 +[1-9]"
has "example names its kernel" "^kernel: 6\.1\.192 \(Debian"

# Help and version: the version is include/bootmm/version.h's.
ver=$(sed -n 's/^#define BOOTMM_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
	"$SRC/include/bootmm/version.h" | paste -sd.)
for v in --version -V "--json --version"; do
	# shellcheck disable=SC2086
	run "$v" 0 "$BM" $v
	has "$v prints version.h's $ver" "^bootmm ${ver//./\\.}\$"
	[ "$(wc -l <"$T/out")" -eq 1 ] && [ ! -s "$T/err" ] && ok "$v: one line, nothing else" ||
		ko "$v: more than the version line"
done
grep -q "^\.TH BOOTMM 1 .*\"bootmm $ver\"" "$SRC/docs/bootmm.1" && ok "man page names $ver" ||
	ko "docs/bootmm.1's .TH line does not name $ver (include/bootmm/version.h)"
for h in help --help -h; do
	run "$h" 0 "$BM" $h
	for c in boot compare replay fuzz map help; do
		has "$h lists $c" "^  $c +[a-z]"
	done
	has "$h mentions --version" "--version"
done
for c in boot compare replay fuzz map; do
	run "$c --help" 0 "$BM" "$c" --help
	has "$c --help has usage" "^usage: bootmm $c"
	run "help $c" 0 "$BM" help "$c"
done

LOG=$SRC/examples/efi-512M-trace.log
EX=$SRC/examples

# boot: kernel lines, reports, verdict, expectations.
run "boot 001 safe is clean" 0 "$BM" boot "$EX/001-free-late-deferred.scn"
has "boot prints Memory:" "^Memory: [0-9]+K/[0-9]+K available"
has "boot prints deferred init" "^node 0 deferred pages initialised in [0-9]+ms"
has "boot prints Freeing" "^Freeing unused kernel image \(initmem\) memory: [0-9]+K"
has "boot verdict clean" "^clean: no violations"
has "boot checks expectations" "^expect safe leaked_pages=0 .*: ok"
run "boot 001 skip-uninit finds the leak" 1 "$BM" boot --policy skip-uninit "$EX/001-free-late-deferred.scn"
has "verdict names the leak" "^  leak +pfn 0x3001f-0x3021e .* 512 pages"
has "verdict names phase and caller" "at running in .*firmware-table"
run "boot 001 free-early reads garbage" 1 "$BM" boot --policy free-early "$EX/001-free-late-deferred.scn"
has "uninit read recorded" "^  uninit_read +pfn 0x"
has "uninit read at before_smp" "at before_smp in .*firmware-table"
run "boot --show memblock without keep_memblock" 0 "$BM" boot --show memblock "$EX/001-free-late-deferred.scn"
has "memblock discarded" "none: memblock was discarded"
run "boot --show all" 0 "$BM" boot --show all --config keep_memblock=on "$EX/001-free-late-deferred.scn"
has "meminfo" "^MemTotal: +[0-9]+ kB"
has "zoneinfo" "^Node 0, zone +DMA32"
has "buddyinfo" "^Node 0, zone +DMA32 "
has "pagetypeinfo" "Free pages count per migrate type"
has "memblock debugfs dump" "^ +0: 0x0000000000001000\.\.0x000000000009ffff"
run "boot --show log keeps checker lines" 1 "$BM" boot --show log --policy free-early "$EX/001-free-late-deferred.scn"
has "checker line in full log" "^bootmm: uninit_read"
run "boot a log" 0 "$BM" boot --config deferred=off "$LOG"
run "boot log with overrides scenario" 1 "$BM" boot --policy skip-uninit "$LOG" "$EX/../tests/data/cli-overlay.scn"
has "overlay scenario released its range" "overlay-fw: [0-9]+K released but never freed"
run "boot --deferred off --threads 2" 0 "$BM" boot --deferred off --threads 2 "$EX/001-free-late-deferred.scn"
# Without --threads the walks whose order cannot show (memmap_init without
# deferral, large reservations, deferred init, the check) use every online
# CPU: what is printed is the one-thread boot's, in text and JSON, with
# violations too (deferred init's among them); four threads asked for give
# it as well (JSON's config then says 4).
for args in "--deferred off" "--deferred off --json" "--deferred off --policy free-early" \
	    "--deferred off --policy free-early --json" "--deferred on --json" \
	    "--deferred on --policy free-early" "--deferred on --policy free-early --json" \
	    "--deferred on --policy unreserve-flag --json"; do
	# shellcheck disable=SC2086
	"$BM" boot $args --threads 1 "$EX/001-free-late-deferred.scn" >"$T/w1" 2>&1
	for t in "" "--threads 4"; do
		# shellcheck disable=SC2086
		"$BM" boot $args $t "$EX/001-free-late-deferred.scn" >"$T/wn" 2>&1
		# JSON's "config" names the deferred-init threads asked for.
		cmp -s <(grep -v '"threads":' "$T/w1") <(grep -v '"threads":' "$T/wn") && ok "boot $args ${t:-(default threads)}: as one thread" ||
			ko "boot $args ${t:-(default threads)}: differs from --threads 1"
	done
done
grep -q 'uninit_read' "$T/w1" && ok "free-early boot reports (walk threads compared with violations)" ||
	ko "free-early boot without deferral reported nothing: the comparison proves little"
# A real 6.12 kernel's log (deferred init, the seed-004 leak): the replay
# is one thread's on every thread count.
K612=$SRC/tests/data/logs/k612pre-efi-1G-trace.log
"$BM" replay --json --threads 1 "$K612" >"$T/r1" 2>&1
for t in "" "--threads 4"; do
	# shellcheck disable=SC2086
	"$BM" replay --json $t "$K612" >"$T/rn" 2>&1
	cmp -s <(grep -v '"threads":' "$T/r1") <(grep -v '"threads":' "$T/rn") && ok "replay 6.12 ${t:-(default threads)}: as one thread" ||
		ko "replay 6.12 ${t:-(default threads)}: differs from --threads 1"
done

# compare and replay.
run "compare 001 (safe clean)" 0 "$BM" compare "$EX/001-free-late-deferred.scn"
has "compare row own" "^own +- +safe +0 "
for r in $ROWS; do
	has "compare row ${r%%:*}" "^${r%%:*} +[^ ]+ +${r#*:} +[0-9]+ "
done
run "compare --policy skip-uninit decides exit" 1 "$BM" compare --policy skip-uninit "$EX/001-free-late-deferred.scn"
run "replay of the example log" 0 "$BM" replay "$LOG"
has "replay table" "^oracle: [0-9]+ match"

finish
