#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plot bench_scale's sweep (BENCH_SCALE_TSV) as an SVG: wall time per boot
against the physical limit (struct page bytes / memset bandwidth, measured
in the same run), and peak RSS and page faults per boot, against the memory
simulated. Sizes the host could not hold are marked as refused, sizes over
the benchmark's budget as skipped.

usage: tools/scale-svg.py RESULTS.tsv OUT.svg [TITLE [NOTE]]
Standard library only.
"""
import math
import sys

W, H = 980, 560
PW, PH = 380, 300          # one panel's plot area
PANELS = [(70, 60), (570, 60)]


def read(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            c = line.rstrip('\n').split('\t')
            num = lambda s: float(s) if s else None
            rows.append({'gib': float(c[0]), 'wall': num(c[1]), 'limit': num(c[2]),
                         'first': num(c[3]), 'rss': num(c[4]), 'minflt': num(c[5]),
                         'status': c[7] if len(c) > 7 else 'ok',
                         'again': num(c[8]) if len(c) > 8 else None,
                         'user': num(c[9]) if len(c) > 9 else None,
                         'sys': num(c[10]) if len(c) > 10 else None})
    return rows


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


class Panel:
    def __init__(self, x0, y0, xs, ylo, yhi):
        self.x0, self.y0 = x0, y0
        self.xlo, self.xhi = math.log2(min(xs)), math.log2(max(xs))
        if self.xhi == self.xlo:
            self.xhi += 1
        self.ylo = math.floor(math.log10(ylo))
        self.yhi = math.ceil(math.log10(yhi))
        if self.yhi == self.ylo:
            self.yhi += 1

    def x(self, gib):
        return self.x0 + (math.log2(gib) - self.xlo) / (self.xhi - self.xlo) * PW

    def y(self, v):
        return self.y0 + PH - (math.log10(v) - self.ylo) / (self.yhi - self.ylo) * PH

    def axes(self, out, xs, ylabel, title):
        out.append(f'<rect x="{self.x0}" y="{self.y0}" width="{PW}" height="{PH}" '
                   'fill="none" stroke="#444"/>')
        out.append(f'<text x="{self.x0 + PW / 2}" y="{self.y0 - 12}" text-anchor="middle" '
                   f'font-weight="bold">{esc(title)}</text>')
        for g in xs:
            x = self.x(g)
            lab = f'{g / 1024:g}T' if g >= 1024 else f'{g:g}G'
            out.append(f'<line x1="{x:.1f}" y1="{self.y0}" x2="{x:.1f}" y2="{self.y0 + PH}" '
                       'stroke="#ddd"/>')
            out.append(f'<text x="{x:.1f}" y="{self.y0 + PH + 16}" text-anchor="middle" '
                       f'font-size="11">{lab}</text>')
        for e in range(self.ylo, self.yhi + 1):
            y = self.y(10 ** e)
            lab = f'{10 ** e:g}'
            out.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x0 + PW}" y2="{y:.1f}" '
                       'stroke="#ddd"/>')
            out.append(f'<text x="{self.x0 - 6}" y="{y + 4:.1f}" text-anchor="end" '
                       f'font-size="11">{lab}</text>')
        out.append(f'<text x="{self.x0 - 48}" y="{self.y0 + PH / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {self.x0 - 48} {self.y0 + PH / 2})">{esc(ylabel)}</text>')
        out.append(f'<text x="{self.x0 + PW / 2}" y="{self.y0 + PH + 34}" '
                   'text-anchor="middle">memory simulated (bytes of RAM)</text>')

    def series(self, out, pts, color, dash=None, marker=True):
        pts = [(g, v) for g, v in pts if v and v > 0]
        if not pts:
            return
        d = ' '.join(f'{self.x(g):.1f},{self.y(v):.1f}' for g, v in pts)
        extra = f' stroke-dasharray="{dash}"' if dash else ''
        out.append(f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"{extra}/>')
        if marker:
            for g, v in pts:
                out.append(f'<circle cx="{self.x(g):.1f}" cy="{self.y(v):.1f}" r="3.5" '
                           f'fill="{color}"/>')

    def legend(self, out, items):
        for i, (label, color, dash) in enumerate(items):
            y = self.y0 + PH + 58 + i * 16
            extra = f' stroke-dasharray="{dash}"' if dash else ''
            out.append(f'<line x1="{self.x0 + 10}" y1="{y - 4}" x2="{self.x0 + 34}" y2="{y - 4}" '
                       f'stroke="{color}" stroke-width="2"{extra}/>')
            out.append(f'<text x="{self.x0 + 40}" y="{y}" font-size="11">{esc(label)}</text>')

    def marks(self, out, rows):
        for r in rows:
            if r['status'] == 'ok':
                continue
            x = self.x(r['gib'])
            out.append(f'<line x1="{x:.1f}" y1="{self.y0}" x2="{x:.1f}" y2="{self.y0 + PH}" '
                       'stroke="#c33" stroke-dasharray="3,3"/>')
            out.append(f'<text x="{x - 4:.1f}" y="{self.y0 + PH - 8}" font-size="10" fill="#c33" '
                       f'transform="rotate(-90 {x - 4:.1f} {self.y0 + PH - 8})">'
                       f'{esc(r["status"])}</text>')


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: scale-svg.py RESULTS.tsv OUT.svg [TITLE [NOTE]]')
    rows = read(sys.argv[1])
    title = sys.argv[3] if len(sys.argv) > 3 else 'bootmm: one deferred boot against the memory simulated'
    note = sys.argv[4] if len(sys.argv) > 4 else ''
    if not rows:
        sys.exit(f'{sys.argv[1]}: no rows')
    xs = [r['gib'] for r in rows]
    ok = [r for r in rows if r['status'] == 'ok']
    times = [v for r in rows for v in (r['wall'], r['again'], r['limit'], r['user'], r['sys'],
                                       r['limit'] and 5 * r['limit']) if v]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           'font-family="DejaVu Sans, sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="15">{esc(title)}</text>']
    p = Panel(*PANELS[0], xs, min(times), max(times))
    p.axes(out, xs, 'seconds per boot', 'wall time vs the physical limit')
    p.series(out, [(r['gib'], r['wall']) for r in ok], '#1f5fbf')
    p.series(out, [(r['gib'], r['again']) for r in ok], '#5fa8e8', '5,3')
    p.series(out, [(r['gib'], r['user']) for r in ok], '#999', '2,3')
    p.series(out, [(r['gib'], r['sys']) for r in ok], '#d9534f', '2,3')
    p.series(out, [(r['gib'], r['limit']) for r in rows], '#2a2', marker=False)
    p.series(out, [(r['gib'], r['limit'] and 5 * r['limit']) for r in rows], '#2a2', '6,4', False)
    p.marks(out, rows)
    p.legend(out, [('wall time (backing + bm_boot), first', '#1f5fbf', None),
                   ('the same boot again at once (warm host memory)', '#5fa8e8', '5,3'),
                   ('limit: struct pages / memset bandwidth', '#2a2', None),
                   ('5x the limit', '#2a2', '6,4')]
             + ([('CPU in bootmm itself (user time, first run)', '#999', '2,3'),
                 ('CPU in the host kernel: page faults (system time)', '#d9534f', '2,3')]
                if any(r['user'] for r in ok) else []))
    vals = [v for r in ok for v in (r['rss'], r['minflt']) if v]
    if vals:
        q = Panel(*PANELS[1], xs, min(vals), max(vals))
        q.axes(out, xs, 'MiB / faults', 'peak RSS and page faults per boot')
        q.series(out, [(r['gib'], r['rss']) for r in ok], '#b5651d')
        q.series(out, [(r['gib'], r['minflt']) for r in ok], '#7a3fb0', '4,3')
        q.marks(out, rows)
        q.legend(out, [('peak RSS, MiB', '#b5651d', None),
                       ('minor page faults', '#7a3fb0', '4,3')])
    if note:
        out.append(f'<text x="{W / 2}" y="{H - 10}" text-anchor="middle" font-size="11" '
                   f'fill="#555">{esc(note)}</text>')
    out.append('</svg>')
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
