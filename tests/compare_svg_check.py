#!/usr/bin/env python3
"""Checks a bin/compare --diagram SVG (tests/test_compare.c runs it).

    compare_svg_check.py FILE.svg FILE.png

Reads every <text> (and each <tspan> line of one) as a box from its x, y,
font size, anchor and length, for the monospace font the SVG names (DejaVu
Sans Mono: every character advances 0.602 of the font size; the box runs
from 0.76 of the size above the baseline to 0.24 below), and every arrow
(a <line> with a marker) as a segment. Fails (exit 1, saying where) when two
text boxes overlap, a text crosses an arrow, a text leaves the picture, or
a call's text ends in "..." (cut); then renders the SVG to FILE.png with
rsvg-convert and checks that it ran, and that the PNG is a PNG of the SVG's
size. Prints "ok TEXTS ARROWS" when all holds.
"""
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'
ADVANCE, ASCENT, DESCENT = 0.602, 0.76, 0.24


def size_of(el, parents):
    while el is not None:
        if el.get('font-size'):
            return float(el.get('font-size'))
        el = parents.get(el)
    return 16.0


def main():
    svg, png = sys.argv[1], sys.argv[2]
    root = ET.parse(svg).getroot()
    assert root.tag == NS + 'svg', root.tag
    W, H = float(root.get('width')), float(root.get('height'))
    parents = {c: p for p in root.iter() for c in p}
    problems = []

    boxes = []   # (x0, y0, x1, y1, text, is_call)
    for t in root.iter(NS + 'text'):
        fs = size_of(t, parents)
        lines = [(s, float(s.get('x')), float(s.get('y'))) for s in t.iter(NS + 'tspan')]
        if not lines:
            lines = [(t, float(t.get('x')), float(t.get('y')))]
        call = any(True for _ in t.iter(NS + 'tspan'))
        for el, x, y in lines:
            text = el.text or ''
            w = len(text) * ADVANCE * fs
            if t.get('text-anchor') == 'middle':
                x -= w / 2
            elif t.get('text-anchor') == 'end':
                x -= w
            boxes.append((x, y - ASCENT * fs, x + w, y + DESCENT * fs, text, call))
            if call and text.rstrip().endswith('...'):
                problems.append('a call cut with "...": %r' % text)
            if x < 0 or x + w > W or y - ASCENT * fs < 0 or y + DESCENT * fs > H:
                problems.append('outside the %gx%g picture: %r at (%.1f, %.1f)' % (W, H, text, x, y))

    arrows = []
    for ln in root.iter(NS + 'line'):
        if not ln.get('marker-end'):
            continue
        x1, y1, x2, y2 = (float(ln.get(k)) for k in ('x1', 'y1', 'x2', 'y2'))
        arrows.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))

    for i, (a0, b0, a1, b1, ta, _) in enumerate(boxes):
        if not ta.strip():
            continue
        for (c0, d0, c1, d1, tb, _) in boxes[i + 1:]:
            if tb.strip() and a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1:
                problems.append('texts overlap: %r and %r' % (ta, tb))
        for (x0, y0, x1, y1) in arrows:
            # a horizontal arrow crosses the box when its row runs through it
            if b0 <= y1 and y0 <= b1 and a0 < x1 and x0 < a1:
                problems.append('text over an arrow at y=%.1f: %r' % (y0, ta))

    r = subprocess.run(['rsvg-convert', '-f', 'png', '-o', png, svg], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append('rsvg-convert exit %d: %s' % (r.returncode, r.stderr.strip()))
    else:
        data = open(png, 'rb').read()
        if len(data) < 100 or data[:8] != b'\x89PNG\r\n\x1a\n':
            problems.append('not a PNG (%d bytes)' % len(data))
        else:
            pw, ph = struct.unpack('>II', data[16:24])
            if (pw, ph) != (round(W), round(H)):
                problems.append('PNG %dx%d, SVG %gx%g' % (pw, ph, W, H))

    for p in problems:
        print(p)
    if problems:
        return 1
    print('ok', len(boxes), len(arrows))
    return 0


if __name__ == '__main__':
    sys.exit(main())
