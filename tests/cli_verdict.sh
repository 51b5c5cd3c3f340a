#!/bin/bash
# SPDX-License-Identifier: MIT
# One verdict (sim/verdict.c) behind every output: for every machine in
# examples/ and every policy, the text of `bootmm boot` ("N violations (...)"
# or "clean"), its --json (result.violations, result.clean, the per-kind
# counts), compare's row for that policy (text and JSON: the first row after
# `own` with that policy, docs/ERAS.md) and the exit statuses all agree.
# Boots use keep_memblock=on, as compare does, and the kernel era of that
# row (--kernel), so both commands judge the same boot.
# usage: bash tests/cli_verdict.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

if ! command -v python3 >/dev/null; then
	echo "skipped: no python3"; echo "0 passed, 0 failed"; exit 0
fi
policies="safe skip-uninit free-early unreserve unreserve-flag discard warn"

# Run everything first, keeping outputs and exit statuses; one python3 then
# checks them all (python's start-up would dominate the run otherwise).
n=0
for ex in "$SRC"/examples/*.scn "$SRC"/examples/*.log; do
	d=$T/$n
	mkdir "$d"
	basename "$ex" >"$d/name"
	"$BM" compare --json "$ex" >"$d/compare.json" 2>/dev/null; echo $? >"$d/compare.json.rc"
	"$BM" compare "$ex" >"$d/compare.txt" 2>/dev/null; echo $? >"$d/compare.txt.rc"
	for p in $policies; do
		# the era of compare's row for this policy (none for bootmm's safe)
		k=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))
r=[r for r in d['policies'] if r['era'] != 'own' and r['policy'] == sys.argv[2]][0]
print('--kernel=' + r['kernel'] if r['kernel'] else '')" "$d/compare.json" "$p" 2>/dev/null)
		# shellcheck disable=SC2086
		"$BM" boot --config keep_memblock=on $k --policy "$p" "$ex" >"$d/$p.txt" 2>/dev/null
		echo $? >"$d/$p.txt.rc"
		# shellcheck disable=SC2086
		"$BM" boot --config keep_memblock=on $k --json --policy "$p" "$ex" >"$d/$p.json" 2>/dev/null
		echo $? >"$d/$p.json.rc"
	done
	n=$((n + 1))
done
"$BM" --json >"$T/example.json" 2>/dev/null; echo $? >"$T/example.json.rc"

python3 - "$T" "$n" $policies >"$T/results" <<'PY' || ko "the checking script failed"
import json, re, sys
top, n, policies = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def rd(p): return open(p).read()
def rc(p): return int(rd(p + ".rc"))
def text_total(t):
    if re.search(r"^clean: no violations$", t, re.M): return 0
    m = re.search(r"^(\d+) violations? \(.*\), \d+ ranges?:$", t, re.M)
    return int(m.group(1)) if m else None
for i in range(n):
    d = f"{top}/{i}"; name = rd(d + "/name").strip()
    cj = json.loads(rd(d + "/compare.json")); ct = rd(d + "/compare.txt")
    rows = cj["policies"]
    def row_of(p): return next(i for i, r in enumerate(rows) if r["era"] != "own" and r["policy"] == p)
    safe = rows[row_of("safe")]
    safe_bad = safe["violations"] > 0
    print(("ok  " if rc(d + "/compare.json") == rc(d + "/compare.txt") == int(safe_bad) else "FAIL"),
          f"{name}: compare exits {rc(d + '/compare.txt')} (text and JSON), safe has "
          f"{safe['violations']} violations")
    for p in policies:
        k = row_of(p); era = rows[k]["era"]
        t = rd(f"{d}/{p}.txt"); j = json.loads(rd(f"{d}/{p}.json")); r = j["result"]
        nv = r["violations"]
        failed = sum(1 for e in j.get("expectations", []) if not e["ok"])
        want = 1 if nv or failed else 0
        row = re.search(rf"^{re.escape(era)} +\S+ +{re.escape(p)} +(?:\S+ +){{6}}(\d+) ", ct, re.M)
        facts = {
            "text": text_total(t), "kinds": sum(j["violation_counts"].values()),
            "compare": cj["policies"][k]["violations"], "row": int(row.group(1)) if row else None,
        }
        good = (all(v == nv for v in facts.values()) and r["clean"] == (nv == 0)
                and cj["policies"][k]["clean"] == (nv == 0)
                and rc(f"{d}/{p}.txt") == want and rc(f"{d}/{p}.json") == want)
        print("ok  " if good else "FAIL", f"{name} {p}: {nv} violations, clean {r['clean']}, "
              f"exit {rc(d + '/' + p + '.txt')}" + ("" if good else f" but {facts}"))
ex = json.loads(rd(top + "/example.json"))
nv = next(r for r in ex["policies"] if r["era"] == "bootmm")["violations"]
print("ok  " if rc(top + "/example.json") == int(nv > 0) else "FAIL",
      f"example: exit {rc(top + '/example.json')}, safe has {nv} violations")
PY
while read -r st msg; do
	if [ "$st" = ok ]; then ok "$msg"; else ko "$msg"; fi
done <"$T/results"
[ "$pass" -gt 0 ] || ko "no results"
finish
