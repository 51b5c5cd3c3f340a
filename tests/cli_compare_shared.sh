#!/bin/bash
# SPDX-License-Identifier: MIT
# compare's shared boots (cli/compare_fork.c, sim/branch.c): the rows'
# common prefix booted once and forked at the branch point must print
# exactly what every row booted on its own prints (BOOTMM_COMPARE_SERIAL=1):
# text, JSON and exit status, one child at a time or several, on logs with
# and without deferred init, scenarios, a KHO boot whose rows share in two
# groups (kho_fixed is read before the branch), options reapplied over the
# rows, rows whose configuration is an earlier row's (that row's result),
# and a child that dies (its row booted again by the parent).
# usage: bash tests/cli_compare_shared.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

D=$SRC/tests/data/logs
EX=$SRC/examples
unset BOOTMM_COMPARE_SERIAL BOOTMM_COMPARE_JOBS BOOTMM_COMPARE_DEBUG BOOTMM_COMPARE_TEST_FAIL

# same NAME ENV... -- ARGS...: `compare ARGS` serially and shared (with ENV),
# stdout and exit status byte for byte; stderr of the shared run kept.
same() {
	local name=$1 rc1 rc2
	local -a env=()
	shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	BOOTMM_COMPARE_SERIAL=1 "$BM" compare "$@" >"$T/serial" 2>"$T/serial.err"
	rc1=$?
	env "${env[@]}" BOOTMM_COMPARE_DEBUG=1 "$BM" compare "$@" >"$T/shared" 2>"$T/err"
	rc2=$?
	if [ "$rc1" -ne "$rc2" ]; then
		ko "$name: exit $rc2 shared, $rc1 serial"; head -3 "$T/err" | sed 's/^/    /'
	elif ! cmp -s "$T/serial" "$T/shared"; then
		ko "$name: output differs"; diff "$T/serial" "$T/shared" | head -6 | sed 's/^/    /'
	elif [ "$rc1" -eq 2 ]; then
		ko "$name: both refused (exit 2)"; head -3 "$T/serial.err" | sed 's/^/    /'
	else
		ok "$name (exit $rc1)"
	fi
}

# shares NAME N: in the last shared run N rows went on from another row's
# boot or took an earlier row's result (the same configuration).
shares() {
	local n
	n=$(grep -cE "goes on from the boot of row|is row [^ ]+'s configuration" "$T/err")
	if [ "$n" -eq "$2" ]; then ok "$1"; else ko "$1: $n rows shared, want $2"; fi
}

for f in efi-512M-trace bios-1G-trace efi-numa2-4G-trace efi-512M-map k612pre-efi-1G-trace \
	 k612-efi-512M-trace; do
	same "$f: one child at a time" BOOTMM_COMPARE_JOBS=1 -- "$D/$f.log"
	shares "$f: every era row from the own row's boot" 8
	same "$f: three at a time, JSON" BOOTMM_COMPARE_JOBS=3 -- --json "$D/$f.log"
done
# 6.1.192 has the EFI fix (6.1.170): its fixed row is its own kernel, one
# boot; 6.12.74 has not: its pre-fix row is.
same "6.1.192: fixed row" BOOTMM_COMPARE_JOBS=1 -- "$D/efi-512M-trace.log"
has "6.1.192: the fixed row is the own row's boot" "row fixed is row own's configuration" err
same "6.12.74: pre-fix row" BOOTMM_COMPARE_JOBS=1 -- "$D/k612pre-efi-512M-trace.log"
has "6.12.74: the pre-fix row is the own row's boot" "row pre-fix is row own's configuration" err
if grep -q "row 6.2-rc is row" "$T/err"; then ko "6.12.74: 6.2-rc taken for another row"
else ok "6.12.74: a row of another policy is booted"; fi

# The pre-fix 6.12 log leaks (exit 1 under skip-uninit); --policy picks the verdict.
same "6.12.74 log, --policy skip-uninit" BOOTMM_COMPARE_JOBS=2 -- --policy skip-uninit \
	"$D/k612pre-efi-512M-trace.log"
same "options reapplied over every row" BOOTMM_COMPARE_JOBS=2 -- --threads 2 \
	--config deferred=off --kernel 6.1.100 "$D/efi-512M-trace.log"
same "a row's release policy from --config" BOOTMM_COMPARE_JOBS=2 -- \
	--config policy=warn --config placement=initmem "$D/efi-512M-trace.log"
# Without deferred init the rows' checks trust a baseline taken at the
# branch (bm_mm_check_baseline): each walks the sections its own boot
# changed. The same output as the serial path, with or without it.
R=$D/real-dmesg/0CD2974406.txt
same "5.4 server log (no deferral), baseline" BOOTMM_COMPARE_JOBS=2 -- --json "$R"
if grep -qE "took [1-9][0-9]* from the baseline" "$T/err"; then
	ok "the rows' checks took sections from the baseline"
else
	ko "no row's check took a section from the baseline"; grep finished "$T/err" | head -2
fi
same "5.4 server log, no baseline" BOOTMM_COMPARE_JOBS=2 BOOTMM_CHECK_BASELINE=0 -- "$R"
if grep -q "took 0 from the baseline" "$T/err" && ! grep -qE "took [1-9]" "$T/err"; then
	ok "BOOTMM_CHECK_BASELINE=0: every section walked"
else
	ko "BOOTMM_CHECK_BASELINE=0 still took sections from a baseline"
fi
same "deferral off, reports in every row" BOOTMM_COMPARE_JOBS=1 -- --config deferred=off \
	"$D/k612pre-efi-512M-trace.log"
if grep -qE "took [1-9][0-9]* from the baseline" "$T/err"; then
	ok "deferral off: the rows took sections from a baseline"
else
	ko "deferral off: no row took a section from a baseline"
fi

for s in "$EX"/00[0-4]-*.scn; do
	same "scenario $(basename "$s")" BOOTMM_COMPARE_JOBS=2 -- "$s"
done

# A KHO boot whose scenario does not fix kho_fixed: the fixed eras (v7.1,
# bootmm's) and the older ones differ before the branch (pageblock init
# reads it), so each group shares its own prefix.
grep -v '^config kho_fixed' "$EX/003-kho-scratch-cma.scn" >"$T/kho.scn"
same "KHO scenario, two groups" BOOTMM_COMPARE_JOBS=1 -- "$T/kho.scn"
has "KHO: v7.1 from the own row (both fixed)" "row v7.1 goes on from the boot of row own" err
has "KHO: 6.2-rc from the pre-fix row (neither)" "row 6.2-rc goes on from the boot of row pre-fix" err
if grep -q "row pre-fix goes on\|row 6.2-rc goes on from the boot of row own" "$T/err"; then
	ko "KHO: a pre-fix row from the own row's boot"
else
	ok "KHO: no row shares a prefix it does not have"
fi
shares "KHO: 7 of 8 rows forked (pre-fix leads its group)" 7

# A child that dies: its row is booted again, the output does not change.
same "a failed child's row booted again" BOOTMM_COMPARE_JOBS=2 BOOTMM_COMPARE_TEST_FAIL=6.2-rc \
	-- "$D/efi-512M-trace.log"
has "the failure is noticed" "the child of row 6.2-rc failed; booting it again" err

# Bad input is refused the same way on both paths.
printf 'garbage\n' >"$T/bad.log"
BOOTMM_COMPARE_SERIAL=1 "$BM" compare "$T/bad.log" >"$T/serial" 2>"$T/serial.err"
rc1=$?
"$BM" compare "$T/bad.log" >"$T/shared" 2>"$T/err"
rc2=$?
if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] && cmp -s "$T/serial.err" "$T/err"; then
	ok "bad input: exit 2 and the same message on both paths"
else
	ko "bad input: exit $rc2 shared, $rc1 serial"
fi
finish
