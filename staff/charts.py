"""Charts as SVG strings, drawn on the server: no JavaScript library, no CDN.

Small pure functions: data in, one `<svg>` element out, ready to put inline in a page. Every piece
of text (titles, axis and tick labels, legend names, tooltips) goes through `esc`, which drops the
characters XML does not allow and escapes `& < > " '`: labels can be user text (a channel name,
a category). Each chart has `role="img"`, an `aria-label` (its title), a `<title>` and a `<desc>`
(`aria-describedby`), axis labels and a legend; the page puts the same numbers in a table under
it for screen readers. Colours have at least 3:1 contrast on white (WCAG 1.4.11) and the pairs
used together are told apart with colour blindness (blue / orange, green / purple, gold / dark
red); stacked segments are separated by a white line. Styling is by presentation attributes,
not `style=`, so the Content-Security-Policy (style-src 'self') does not block it.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

Values = Sequence[Optional[float]]  # None: a gap (no data)

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 46, 86
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TEXT = "#1b1b1b"
GRID = "#d9d9d9"
AXIS = "#595959"
# At least 3:1 on white each; the first few are distinguishable with the common colour blindnesses.
PALETTE = ("#0072b2", "#c0570c", "#1b7837", "#762a83", "#5a5a5a", "#c2185b", "#01665e", "#8c510a")
COLOURS: Dict[str, str] = {
    "Check-in": "#b8860b",
    "Crisis": "#a40000",
    "Change talk": "#1b7837",
    "Sustain talk": "#762a83",
    "Offered": "#0072b2",
    "Accepted": "#c0570c",
}
LEGEND_MAX = 40  # characters of a legend name; the table has the whole name

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def esc(value: Any) -> str:
    """Text safe inside an XML / HTML element or a quoted attribute."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def number(value: Optional[float], percent: bool = False) -> str:
    """A value as shown: integers without decimals, shares with one and a % sign; None as "no data"."""
    if value is None:
        return "no data"
    if percent:
        return f"{value:.1f}%"
    return f"{int(value)}" if float(value).is_integer() else f"{value:.1f}"


def nice_scale(top: float, ticks: int = 5) -> Tuple[float, float]:
    """(axis maximum, tick step): round numbers (1, 2, 5 x 10^k) covering `top`."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if top >= 1 and step < 1:
        step = 1.0
    return step * math.ceil(top / step - 1e-9), step


def colours(names: Sequence[str]) -> List[str]:
    """A colour for each series: its fixed one if it has one, else the palette in order."""
    out, free = [], [c for c in PALETTE]
    for name in names:
        fixed = COLOURS.get(name)
        if fixed:
            out.append(fixed)
            if fixed in free:
                free.remove(fixed)
        else:
            out.append(free.pop(0) if free else PALETTE[len(out) % len(PALETTE)])
    return out


def _open(key: str, title: str, description: str) -> List[str]:
    k = esc(key)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{esc(title)}" '
        f'aria-describedby="{k}-desc" font-family="{esc(FONT)}" font-size="12" fill="{TEXT}">',
        f'<title id="{k}-title">{esc(title)}</title>',
        f'<desc id="{k}-desc">{esc(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]


def _legend(names: Sequence[str], fills: Sequence[str], line: bool = False) -> List[str]:
    parts, x, y = ['<g class="legend">'], float(LEFT), 16.0
    for name, colour in zip(names, fills, strict=True):
        label = _clip(name, LEGEND_MAX)
        width = 22 + 7 * len(label) + 18
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 18
        if line:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 16:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="3"/><circle cx="{x + 8:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
            )
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="14" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22:.1f}" y="{y + 4:.1f}">{esc(label)}</text>')
        x += width
    parts.append("</g>")
    return parts


def _axes(labels: Sequence[str], top: float, step: float, x_label: str, y_label: str, percent: bool) -> List[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    parts = ['<g class="axes">']
    ticks = int(round(top / step)) if step else 0
    for i in range(ticks + 1):
        value = step * i
        y = base - plot_h * value / top
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(number(value, percent))}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="{AXIS}"/>')
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{AXIS}"/>')
    n = max(len(labels), 1)
    band = plot_w / n
    every = max(1, math.ceil(18 / band))  # a rotated label needs about 18 px
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + band * (i + 0.5)
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="{AXIS}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{base + 14}" text-anchor="end" font-size="11" '
            f'transform="rotate(-45 {x:.1f} {base + 14})">{esc(_clip(label, 24))}</text>'
        )
    parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">{esc(x_label)}</text>')
    cy = TOP + plot_h / 2
    parts.append(
        f'<text x="14" y="{cy:.1f}" text-anchor="middle" transform="rotate(-90 14 {cy:.1f})">{esc(y_label)}</text>'
    )
    parts.append("</g>")
    return parts


def _no_data(parts: List[str]) -> None:
    parts.append(
        f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" y="{TOP + (HEIGHT - TOP - BOTTOM) / 2:.1f}" '
        f'text-anchor="middle" fill="{AXIS}">No data in this period</text>'
    )


def bar_chart(
    key: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Tuple[str, Values]],
    x_label: str,
    y_label: str,
    stacked: bool = True,
    percent: bool = False,
) -> str:
    """Bars per label: the series stacked on each other, or side by side (`stacked=False`)."""
    names = [name for name, _ in series]
    fills = colours(names)
    if stacked:
        highest = max((sum(values[i] or 0 for _, values in series) for i in range(len(labels))), default=0.0)
    else:
        highest = max((v or 0 for _, values in series for v in values), default=0.0)
    if percent:
        highest = min(highest, 100.0)
    top, step = nice_scale(highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    band = plot_w / max(len(labels), 1)
    gap = min(band * 0.2, 6.0)
    parts = _open(key, title, description) + _axes(labels, top, step, x_label, y_label, percent)
    parts.append('<g class="bars">')
    for i, label in enumerate(labels):
        x0 = LEFT + band * i + gap / 2
        inner = band - gap
        below = 0.0
        for j, (name, values) in enumerate(series):
            value = float(values[i] or 0)
            if value <= 0:
                continue
            h = plot_h * value / top
            if stacked:
                x, w, y = x0, inner, base - plot_h * (below + value) / top
                below += value
            else:
                w = inner / max(len(series), 1)
                x, y = x0 + w * j, base - h
            stroke = ' stroke="#ffffff" stroke-width="1"' if stacked else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h:.1f}" fill="{fills[j]}"{stroke}>'
                f"<title>{esc(label)} · {esc(name)}: {esc(number(value, percent))}</title></rect>"
            )
    parts.append("</g>")
    if highest <= 0:
        _no_data(parts)
    parts += _legend(names, fills)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    key: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Tuple[str, Values]],
    x_label: str,
    y_label: str,
    percent: bool = False,
) -> str:
    """One line per series, a dot at each label."""
    names = [name for name, _ in series]
    fills = colours(names)
    highest = max((v or 0 for _, values in series for v in values), default=0.0)
    if percent:
        highest = min(highest, 100.0)
    top, step = nice_scale(highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    band = plot_w / max(len(labels), 1)
    radius = 3.5 if band >= 8 else 2.0
    parts = _open(key, title, description) + _axes(labels, top, step, x_label, y_label, percent)
    parts.append('<g class="lines">')
    for j, (name, values) in enumerate(series):
        run: List[Tuple[float, float]] = []  # a line is drawn through runs of values; None breaks it
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            if value is None:
                parts += _polyline(run, fills[j])
                run = []
                continue
            x, y = LEFT + band * (i + 0.5), base - plot_h * min(float(value), top) / top
            run.append((x, y))
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fills[j]}">'
                f"<title>{esc(label)} · {esc(name)}: {esc(number(value, percent))}</title></circle>"
            )
        parts += _polyline(run, fills[j])
    parts.append("</g>")
    if highest <= 0:
        _no_data(parts)
    parts += _legend(names, fills, line=True)
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: Sequence[Tuple[float, float]], colour: str) -> List[str]:
    if len(points) < 2:
        return []
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>']


def render(chart: Any) -> str:
    """The SVG of a `staff.stats.Chart` (anything with its attributes)."""
    series = [(s.name, s.values) for s in chart.series]
    common: Dict[str, Any] = dict(x_label=chart.x_label, y_label=chart.y_label, percent=chart.percent)
    if chart.kind == "line":
        return line_chart(chart.key, chart.title, chart.description, chart.labels, series, **common)
    return bar_chart(
        chart.key, chart.title, chart.description, chart.labels, series, stacked=chart.kind != "grouped", **common
    )
