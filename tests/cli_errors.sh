#!/bin/bash
# SPDX-License-Identifier: MIT
# Every bad input is exit 2 with a message naming the file, the line and what
# is wrong, and never a crash: missing files, binary junk, truncated and
# empty inputs, bad scenarios, unknown commands and options, bad --config.
# usage: bash tests/cli_errors.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

# bad NAME STDERR-PATTERN CMD...: exit 2, the pattern on stderr, nothing on stdout
bad() {
	local name=$1 pat=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		ko "$name: exit $rc, want 2"; head -3 "$T/err" | sed 's/^/    /'
	elif ! grep -qE -- "$pat" "$T/err"; then
		ko "$name: no /$pat/ in stderr"; head -3 "$T/err" | sed 's/^/    /'
	else ok "$name"; fi
}

LOG=$SRC/examples/efi-512M-trace.log
head -c 4096 /dev/urandom >"$T/junk.log"
printf '\x7fELF\x02\x01\x01\0\0\0' >"$T/elf.scn"
: >"$T/empty.log"
head -c 20000 "$LOG" >"$T/truncated.log"
printf 'memory 0x1000-0x9ffff node 0\nmemory 0x100000-0x3fffffff\nat before_smp relaese 0x1000-0x1fff x\n' >"$T/typo.scn"
printf 'memory 0x1000-0x9ffff node 0\nkernel text=0x100000-0x2fffff data=0x200000-0x3fffff\n' >"$T/overlap.scn"
printf 'memory 0x1000-0x9ffff node 0\nmemory 0x100000-' >"$T/cut.scn"
printf 'machine nowhere.log\n' >"$T/nomachine.scn"
printf 'reserve 0x1000-0x1fff x\n' >"$T/nothing.scn"
printf 'memory 0x100000-0x3fffffff\nconfig pageblock_order=11\n' >"$T/cfg.scn"

for c in boot compare map; do
	extra=""; [ "$c" = map ] && extra="--svg $T/x.svg"
	bad "$c missing file" "/nonexistent/x.log: cannot open" "$BM" $c $extra /nonexistent/x.log
	bad "$c binary junk" "junk.log(:[0-9]+)?: .*(binary|not)" "$BM" $c $extra "$T/junk.log"
	bad "$c empty input" "empty.log: empty input" "$BM" $c $extra "$T/empty.log"
	bad "$c no input" "no input" "$BM" $c $extra
done
bad "replay missing file" "cannot open" "$BM" replay /nonexistent/x.log
bad "replay binary junk" "junk.log" "$BM" replay "$T/junk.log"
bad "replay of a scenario" "is a scenario" "$BM" replay "$SRC/examples/001-free-late-deferred.scn"
bad "replay two logs" "exactly one" "$BM" replay "$LOG" "$LOG"
bad "truncated log: trace cut during setup_arch" "truncated.log:[0-9]+: the memblock=debug trace ends before" \
	"$BM" boot "$T/truncated.log"
bad "scenario typo names line 3" "typo.scn:3: unknown action 'relaese'" "$BM" boot "$T/typo.scn"
bad "scenario overlap names line 2" "overlap.scn:2: kernel sections text and data overlap" \
	"$BM" boot "$T/overlap.scn"
bad "scenario cut mid-range" "cut.scn:2: bad range '0x100000-'" "$BM" boot "$T/cut.scn"
bad "scenario binary" "elf.scn:1: not a scenario file: control byte 0x7f" "$BM" boot "$T/elf.scn"
bad "scenario machine missing" "nowhere.log: cannot open" "$BM" boot "$T/nomachine.scn"
bad "scenario without machine" "nothing.scn: no machine" "$BM" boot "$T/nothing.scn"
bad "scenario config crossing" "pageblock_order 11 is above max_page_order 10" "$BM" boot "$T/cfg.scn"
bad "two logs" "two boot logs" "$BM" boot "$LOG" "$LOG"
bad "two scenarios" "two scenarios" "$BM" boot "$T/typo.scn" "$T/typo.scn"
bad "log plus scenario with its own machine" "describes its own machine" \
	"$BM" boot "$LOG" "$SRC/examples/001-free-late-deferred.scn"

bad "unknown command" "unknown command 'frobnicate'" "$BM" frobnicate
bad "unknown option (example)" "unknown option '--frob'" "$BM" --frob
# One line naming the option once, the program once (not "bootmm ./bootmm"),
# and where help is; nothing on stdout.
# once NAME STDERR-LINE CMD...: exit 2, stderr is exactly that one line
once() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then ko "$name: exit $rc, want 2"
	elif [ "$(cat "$T/err")" != "$want" ] || [ -s "$T/out" ]; then
		ko "$name: stderr '$(head -3 "$T/err")', want '$want'"
	else ok "$name"; fi
}
once "unknown short option (example)" "bootmm: unknown option '-x' (see bootmm --help)" "$BM" -x
once "unknown long option (example)" "bootmm: unknown option '--frob' (see bootmm --help)" \
	"$BM" --json --frob
once "-V is the top level's only" "bootmm boot: unknown option '-V' (see bootmm boot --help)" \
	"$BM" boot -V "$LOG"
once "an option of another command" "bootmm compare: unknown option '--svg' (see bootmm compare --help)" \
	"$BM" compare --svg x.svg "$LOG"
once "a value for a flag" "bootmm boot: option --json takes no value (see bootmm boot --help)" \
	"$BM" boot --json=yes "$LOG"
once "ambiguous abbreviation" "bootmm fuzz: unknown option '--s' (see bootmm fuzz --help)" \
	"$BM" fuzz --s 1
once "missing value, last argument" "bootmm map: option --svg needs a value (see bootmm map --help)" \
	"$BM" map "$LOG" --svg
once "unknown command" "bootmm: unknown command 'frobnicate' (see bootmm --help)" "$BM" frobnicate
for c in boot compare replay fuzz map; do
	bad "$c unknown option" "bootmm $c: unknown option '--frob'" "$BM" $c --frob
done
bad "option without value" "option --policy needs a value" "$BM" boot "$LOG" --policy
bad "bad policy" "unknown policy 'yolo'" "$BM" boot --policy yolo "$LOG"
bad "bad --deferred" "bad value 'maybe' for --deferred" "$BM" boot --deferred maybe "$LOG"
bad "bad --threads" "bad value '0' for --threads" "$BM" boot --threads 0 "$LOG"
bad "bad --placement" "unknown placement 'later'" "$BM" boot --placement later "$LOG"
bad "bad --show" "unknown report 'slabinfo'" "$BM" boot --show meminfo,slabinfo "$LOG"
bad "bad --config key" "unknown config key 'colour'" "$BM" boot --config colour=blue "$LOG"
bad "bad --config value" "bad value 'maybe' for deferred" "$BM" boot --config deferred=maybe "$LOG"
bad "bad --config form" "expected KEY=VALUE" "$BM" compare --config deferred "$LOG"
bad "bad --config range" "out of range for max_page_order" "$BM" compare --config max_page_order=12 "$LOG"
bad "bad --config address" "page-aligned" "$BM" compare --config dma_end=0x1001 "$LOG"
bad "bad --config before input is read" "unknown config key" "$BM" boot --config x=1 /nonexistent
bad "map without --svg" "--svg FILE is required" "$BM" map "$LOG"
bad "map unwritable svg" "cannot write /nonexistent/dir/x.svg" "$BM" map "$LOG" --svg /nonexistent/dir/x.svg
bad "fuzz bad --seconds" "bad value 'soon' for --seconds" "$BM" fuzz --seconds soon
bad "fuzz bad --stop-on" "unknown violation kind 'oops'" "$BM" fuzz --stop-on leak,oops
bad "fuzz bad --seed" "bad value 'x' for --seed" "$BM" fuzz --seed x
bad "fuzz takes no input" "unexpected argument" "$BM" fuzz "$LOG"
bad "fuzz bad --config" "unknown config key" "$BM" fuzz --config nope=1

finish
