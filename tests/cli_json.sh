#!/bin/bash
# SPDX-License-Identifier: MIT
# --json of every command validates against the schema in docs/JSON.md
# (tools/validate-json.py, standard library only), and carries the numbers
# the text output shows.
# usage: bash tests/cli_json.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

# valid NAME WANT-EXIT CMD...: the command's stdout is a valid document
valid() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/doc.json" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		ko "$name: exit $rc, want $want"; head -3 "$T/err" | sed 's/^/    /'; return
	fi
	if python3 "$SRC/tools/validate-json.py" "$SRC/docs/JSON.md" "$T/doc.json" >"$T/v" 2>&1; then
		ok "$name"
	else
		ko "$name: schema"; head -5 "$T/v" | sed 's/^/    /'
	fi
}
# field NAME PYTHON-EXPR: the expression over the last document (d) is true
field() {
	if python3 -c "import json,sys; d=json.load(open('$T/doc.json')); sys.exit(0 if ($2) else 1)"; then
		ok "$1"; else ko "$1: $2"; fi
}

if ! command -v python3 >/dev/null; then
	echo "skipped: no python3"; echo "0 passed, 0 failed"; exit 0
fi
LOG=$SRC/examples/efi-512M-trace.log
EX=$SRC/examples

# The validator itself rejects what it should.
echo '{"schema_version": 2, "command": "boot"}' >"$T/bad.json"
if python3 "$SRC/tools/validate-json.py" "$SRC/docs/JSON.md" "$T/bad.json" >/dev/null 2>&1; then
	ko "validator rejects an incomplete document"; else ok "validator rejects an incomplete document"; fi

valid "example --json" 0 "$BM" --json
field "example: 9 era rows" "[r['era'] for r in d['policies']] == ['own','pre-fix','6.2-rc','fixed','v7.1','bootmm','seed001-opt1','seed001-opt2','seed001-opt3']"
field "example: rows keep their policy" "[r['policy'] for r in d['policies']] == ['skip-uninit','skip-uninit','free-early','skip-uninit','warn','safe','unreserve','unreserve-flag','discard']"
field "example: own kernel" "d['policies'][0]['kernel'] == '6.1.192' and d['config']['kernel'] == '6.1.192'"
field "example: pre-fix leaks the EFI pages, not .smp_locks" "d['policies'][1]['leaked_pages'] == 9414 and d['policies'][1]['kernel'] == '6.1.169'"
field "example: 6.2-rc reads garbage" "d['policies'][2]['uninit_reads'] > 0"
field "example: verdict row" "d['verdict_policy'] == 'safe' and d['verdict_era'] == 'bootmm'"
field "example: first_deferred_pfn" "d['machine']['first_deferred_pfn'][0]['pfn'] == 0x10000"
field "example: keep_memblock on" "d['config']['keep_memblock'] is True"
valid "compare --json" 0 "$BM" compare --json "$EX/001-free-late-deferred.scn"
field "compare: eras in order" "[r['era'] for r in d['policies']] == ['own','pre-fix','6.2-rc','fixed','v7.1','bootmm','seed001-opt1','seed001-opt2','seed001-opt3']"
field "compare: no kernel for a scenario" "d['policies'][0]['kernel'] is None and d['config']['kernel'] == 'none'"
field "compare: skip-uninit leaked 512" "d['policies'][1]['leaked_pages'] == 512"
valid "boot --json (clean)" 0 "$BM" boot --json "$EX/001-free-late-deferred.scn"
field "boot: expectations all ok" "d['expectations'] and all(e['ok'] for e in d['expectations'])"
field "boot: log has Memory:" "any(l.startswith('Memory: ') for l in d['log'])"
field "boot: reports" "d['reports']['meminfo'].startswith('MemTotal:')"
valid "boot --json (violations)" 1 "$BM" boot --json --policy skip-uninit "$EX/001-free-late-deferred.scn"
field "boot: the leak range" "any(v['kind']=='leak' and v['pfn_start']==0x3001f and v['pfn_end']==0x3021f for v in d['violations'])"
field "boot: counts" "d['violation_counts']['leak'] >= 1 and d['result']['clean'] is False"
valid "boot --json of a log" 1 "$BM" boot --json --policy free-early --placement historical --config placement_efi=auto "$LOG"
field "boot: uninit reads of the EFI release" "d['result']['uninit_reads'] > 0"
valid "replay --json" 0 "$BM" replay --json "$LOG"
field "replay: rows" "len(d['rows']) > 10 and d['totals']['mismatch'] == 0"
valid "fuzz --json (nothing found)" 0 "$BM" fuzz --json --seconds 1 --seed 3 --out "$T/f.scn"
field "fuzz: executions" "d['executions'] > 0 and d['found'] is None"
valid "fuzz --json (found)" 1 "$BM" fuzz --json --policy skip-uninit --stop-on leak --seed 1 --seconds 30 --out "$T/f.scn"
field "fuzz: found a leak" "d['found']['kind'] == 'leak' and d['found']['result']['leaked_pages'] > 0"
valid "map --json" 0 "$BM" map --json "$EX/001-free-late-deferred.scn" --svg "$T/m.svg"
field "map: elements" "0 < d['elements'] < 5000"

finish
