# SPDX-License-Identifier: MIT
# Shared by the tests/cli_*.sh scripts (sourced, not run): their arguments,
# a scratch directory, pass/fail counting and the closing count line.
# usage, in a test: . "$2/tests/lib_cli.sh"   (arguments: BOOTMM SOURCE-DIR)
BM=$1 SRC=$2
pass=0 fail=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# run NAME WANT-EXIT CMD...: run it, keep stdout/stderr in $T/out, $T/err
run() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		ko "$name: exit $rc, want $want"; head -5 "$T/out" "$T/err" | sed 's/^/    /'; fi
}

# has NAME PATTERN [out|err]: the last run printed PATTERN
has() {
	if grep -qE -- "$2" "$T/${3:-out}"; then ok "$1"; else
		ko "$1: no /$2/ in std${3:-out}"; head -5 "$T/${3:-out}" | sed 's/^/    /'; fi
}

# finish: the closing count line CTest's log shows, and the exit status.
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
