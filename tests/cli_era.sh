#!/bin/bash
# SPDX-License-Identifier: MIT
# Kernel eras on the command line (docs/ERAS.md): --kernel and its
# refusals, replay of both real 6.12 logs with full agreement (the pre-fix
# one with the pages it really lost), compare's era rows, explicit options
# that no era silently overrides, and one answer from `bootmm`, `compare`
# and their JSON.
# usage: bash tests/cli_era.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

D=$SRC/tests/data/logs
PRE=$D/k612pre-efi-512M-trace.log
FIX=$D/k612-efi-512M-trace.log
LOG=$SRC/examples/efi-512M-trace.log

# Refusals: exit 2, the option named, nothing booted.
run "--kernel with a bad version" 2 "$BM" compare --kernel 6.x "$LOG"
has "--kernel names the problem" "--kernel: bad kernel version '6.x'" err
run "--kernel without a value" 2 "$BM" replay "$LOG" --kernel
has "--kernel needs a value" "option --kernel needs a value" err
run "--config kernel= bad" 2 "$BM" boot --config kernel=seven "$LOG"
has "--config kernel names the key" "kernel=seven: bad kernel version" err
run "--kernel is not a fuzz option" 2 "$BM" fuzz --kernel 6.1 --seconds 1

# Replay: every supported era agrees with the kernel that printed the log.
run "replay 6.12.74 (pre-fix)" 0 "$BM" replay "$PRE"
has "replay 6.12.74: no mismatch" "^oracle: [0-9]+ match, 1 tolerated, 0 mismatch"
has "replay 6.12.74: zone managed with the leak" "^zoneinfo 0 DMA32 managed +104959 +104959 +ok"
has "replay 6.12.74: MemTotal counts the skipped pages" "^MemTotal +469360 kB +469360 kB +ok"
has "replay 6.12.74: Memory: available is an estimate" "^Memory: available +421672K +<= [0-9]+K +~ok +estimate"
run "replay 6.12.118 (fixed)" 0 "$BM" replay "$FIX"
has "replay 6.12.118: no mismatch" "^oracle: [0-9]+ match, 1 tolerated, 0 mismatch"
has "replay 6.12.118: Memory: reserved" "^Memory: reserved +104216K +104216K +ok"
for f in k612pre-efi-1G-trace k612-efi-1G-trace; do
	run "replay $f (made at 1G)" 0 "$BM" replay "$D/$f.log"
	has "replay $f: no mismatch" "^oracle: [0-9]+ match, 1 tolerated, 0 mismatch"
done
run "compare of the 1G pre-fix log" 1 "$BM" compare --policy skip-uninit "$D/k612pre-efi-1G-trace.log"
has "1G pre-fix row: the real leak (MemTotal/4 - managed)" "^pre-fix +6\.12\.74 +skip-uninit +9035 "
for f in efi-512M-trace bios-1G-trace efi-numa2-4G-trace efi-512M-map; do
	run "replay $f (6.1.192)" 0 "$BM" replay "$D/$f.log"
	has "replay $f: no mismatch" "^oracle: [0-9]+ match, [0-9]+ tolerated, 0 mismatch"
done

# compare: the log's own kernel, then each era.
run "compare 6.12.74" 1 "$BM" compare --policy skip-uninit "$PRE"
has "compare names the kernel" "^kernel: 6\.12\.74 \(Debian version"
has "compare says what the trace shows" "memblock_free_late before SMP \(trace\)"
has "own row: the real leak" "^own +6\.12\.74 +skip-uninit +8783 "
has "pre-fix row: the real leak" "^pre-fix +6\.12\.74 +skip-uninit +8783 "
has "fixed row: 6.12.85 leaks nothing" "^fixed +6\.12\.85 +skip-uninit +0 "
has "v7.1 row" "^v7\.1 +7\.1 +warn +0 "
run "compare 6.12.118 as 6.12.74" 0 "$BM" compare --kernel 6.12.74 "$FIX"
has "--kernel is the own row" "^own +6\.12\.74 +skip-uninit +[1-9][0-9]* "
has "--kernel is said to be given" "^kernel: 6\.12\.74 \(given\)"

# Explicit options win over the log's era (here: 6.1.192 has the EFI fix).
run "compare --placement historical" 0 "$BM" compare --placement historical "$LOG"
has "--placement moves EFI too" "^own +6\.1\.192 +skip-uninit +9414 "
has "--placement applies to v7.1's row" "^v7\.1 +7\.1 +warn +[1-9][0-9]* .*\(WARN\)"
run "compare --config placement_efi=historical" 0 "$BM" compare --config placement_efi=historical "$LOG"
has "placement_efi alone" "^own +6\.1\.192 +skip-uninit +9414 "
run "compare --config free_reserved_area_policy=skip-uninit" 1 "$BM" compare \
	--config free_reserved_area_policy=skip-uninit "$LOG"
has "free_reserved_area skipping leaks .smp_locks" "^pre-fix +6\.1\.169 +skip-uninit +9423 "
has "in every row, bootmm's too" "^bootmm +- +safe +9 "

# A scenario names its kernel with config kernel=.
cat >"$T/k.scn" <<SCN
name era of a scenario
machine $LOG
config kernel=6.1.150
SCN
run "compare a scenario with config kernel=" 1 "$BM" compare --policy skip-uninit "$T/k.scn"
has "scenario's kernel is the own row" "^own +6\.1\.150 +skip-uninit +9414 "

cat >"$T/bad.scn" <<SCN
name a kernel that is no version
machine $LOG
config kernel=7
SCN
run "scenario with config kernel=7" 2 "$BM" boot "$T/bad.scn"
has "its error names file, line and value" "bad.scn:3: .*bad kernel version '7'" err

# One answer: bootmm, compare on the same log, and their JSON.
run "bootmm" 0 "$BM"
ROW='^(own|pre-fix|6\.2-rc|fixed|v7\.1|bootmm|seed001-opt[123]) +(-|[0-9][0-9.rc-]*) +[a-z-]+ +[0-9]'
grep -E "$ROW" "$T/out" >"$T/example.rows"
run "compare of the example's log" 0 "$BM" compare "$LOG"
grep -E "$ROW" "$T/out" >"$T/compare.rows"
if [ -s "$T/example.rows" ] && cmp -s "$T/example.rows" "$T/compare.rows"; then
	ok "bootmm and compare print the same rows"
else ko "bootmm and compare differ"; diff "$T/example.rows" "$T/compare.rows" | head -5; fi
"$BM" --json >"$T/e.json" 2>/dev/null
"$BM" compare --json "$LOG" >"$T/c.json" 2>/dev/null
if command -v python3 >/dev/null; then
	if python3 - "$T/e.json" "$T/c.json" "$T/compare.rows" <<'PY'
import json, sys
e, c = (json.load(open(f)) for f in sys.argv[1:3])
rows = [l.split() for l in open(sys.argv[3])]
assert e["policies"] == c["policies"], "example and compare JSON rows differ"
for r, t in zip(c["policies"], rows):
    assert r["era"] == t[0] and (r["kernel"] or "-") == t[1] and r["policy"] == t[2], (r, t)
    assert r["leaked_pages"] == int(t[3]), (r, t)
PY
	then ok "JSON rows equal the table's"; else ko "JSON rows differ from the table"; fi
fi

finish
