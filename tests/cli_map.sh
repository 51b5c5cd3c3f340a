#!/bin/bash
# SPDX-License-Identifier: MIT
# bootmm map: the SVG is well-formed, small (< 5000 elements) whatever the
# machine, compresses huge holes with a readable label, marks the deferred
# frontier and the problems, and renders to a non-blank picture in headless
# Chromium (when /usr/bin/chromium exists; CI installs it).
# usage: bash tests/cli_map.sh PATH-TO-BOOTMM SOURCE-DIR
. "$2/tests/lib_cli.sh"

# svg_ok NAME FILE: well-formed XML with fewer than 5000 elements
svg_ok() {
	if python3 - "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
n = sum(1 for _ in root.iter())
print(f"    {n} elements")
sys.exit(0 if root.tag.endswith("svg") and 0 < n < 5000 else 1)
PY
	then ok "$1"; else ko "$1"; fi
}
has() {
	if grep -qE -- "$2" "$3"; then ok "$1"; else ko "$1: no /$2/ in $3"; fi
}

LOG=$SRC/examples/efi-512M-trace.log
cat >"$T/sparse.scn" <<'SCN'
name 8 GiB in two nodes 1 TiB apart
memory 0x1000-0x9ffff node 0
memory 0x100000-0xbfffffff node 0
memory 0x100000000-0x13fffffff node 0
memory 0x10000000000-0x100ffffffff node 1
reserve 0-0xfffff real-mode
kernel text=0x1000000-0x1dfffff rodata=0x2000000-0x27fffff data=0x2800000-0x2bfffff init=0x2c00000-0x2e7ffff smp_locks=0x2e80000-0x2e88fff bss=0x2e89000-0x2ffffff
efi-boot 0x40000000-0x47ffffff
SCN
cat >"$T/six.scn" <<'SCN'
name 6 GiB laptop
memory 0x1000-0x9ffff node 0
memory 0x100000-0xbfffffff node 0
memory 0x100000000-0x1bfffffff node 0
reserve 0-0xfffff real-mode
efi-boot 0x140000000-0x147ffffff
SCN

run "map of the example log (skip-uninit: leaks)" 1 "$BM" map "$LOG" --svg "$T/log.svg" \
	--policy skip-uninit --placement historical --config placement_efi=auto
svg_ok "example log svg" "$T/log.svg"
has "frontier drawn" "first_deferred_pfn 0x10000" "$T/log.svg"
has "leaks drawn" "<title>leak pfn" "$T/log.svg"
has "legend" ">legend<" "$T/log.svg"
has "lanes" ">pageblocks<" "$T/log.svg"
run "map of a machine spanning 1 TiB" 0 "$BM" map "$T/sparse.scn" --svg "$T/sparse.svg"
svg_ok "1 TiB span svg" "$T/sparse.svg"
has "1 TiB hole compressed and labelled" "// 1019 GiB<" "$T/sparse.svg"
has "both nodes" "node 1 first_deferred_pfn" "$T/sparse.svg"
run "map of a 6 GiB machine" 0 "$BM" map "$T/six.scn" --svg "$T/six.svg"
svg_ok "6 GiB svg" "$T/six.svg"
has "PCI hole labelled" "// 1 GiB<" "$T/six.svg"
run "map to stdout" 0 "$BM" map "$T/six.scn" --svg -
has "svg on stdout" "^<svg " "$T/out"

if [ -x /usr/bin/chromium ]; then
	for f in log sparse; do
		prof=$(mktemp -d)
		( cd "$T" && timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
			--disable-quic --no-first-run --disable-background-networking \
			--disable-component-update --disable-sync --user-data-dir="$prof" \
			--screenshot="$T/$f.png" --window-size=1400,900 "$T/$f.svg" ) >/dev/null 2>&1
		rm -rf "$prof"
		if python3 - "$T/$f.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), f"unexpected PNG format {depth}/{ctype}"
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, inked = bytearray(stride), set(), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 3 == 0:
        for x in range(0, stride, bpp * 3):
            px = bytes(line[x:x + 3])
            colours.add(px)
            inked += px != b"\xff\xff\xff"
    prev = line
print(f"    {len(colours)} colours, {inked} inked samples")
sys.exit(0 if len(colours) >= 8 and inked > 2000 else 1)
PY
		then ok "chromium renders $f.svg (not blank)"; else ko "chromium render of $f.svg blank or missing"; fi
	done
else
	echo "skipped: /usr/bin/chromium not found (CI: apt-get install chromium fonts-dejavu-core)"
	ok "chromium check skipped"
fi

finish
