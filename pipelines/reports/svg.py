"""Small inline SVG charts for pages that must stay light and self-contained (open pages, year plan).

Pure: numbers in, SVG text out; every label escaped; no script and no external reference.
A missing value (None/NaN, e.g. a suppressed count) leaves a gap in the line; a provisional value (the police's
latest months, ``core.signal_counts.provisional``) is an open dot reached by a dashed segment, with
:data:`PROVISIONAL_NOTE` under the chart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pipelines.reports.render import data_table
from pipelines.safe_output import escape_html as esc


@dataclass(frozen=True)
class Line:
    name: str
    values: list[float | None]
    colour: str = "#2c7fb8"
    dashed: bool = False
    #: per value, whether it holds a provisional figure of its source (drawn as an open dot)
    provisional: tuple[bool, ...] | list[bool] = ()

    def is_provisional(self, i: int) -> bool:
        return i < len(self.provisional) and bool(self.provisional[i])


#: Under a chart with an open dot: the police publish their latest months as provisional and revise them later
PROVISIONAL_NOTE = "Open punt: voorlopig cijfer van de politie; kan nog veranderen."


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def line_chart(labels: list[str], lines: list[Line], title: str, unit: str = "", width: int = 420,
               height: int = 200, described_by: str = "") -> str:
    """A line chart with dots, a zero-based y axis, x labels and a legend under it; an open dot and
    :data:`PROVISIONAL_NOTE` under the legend where a value is provisional (:attr:`Line.provisional`).

    Accessible (WCAG 1.1.1, 1.4.1, 1.4.11): named by ``title``, its lines and labels (``role="img"``), pointing to the table of its figures
    with ``described_by`` (the table's id), lines told apart by their dash pattern as well as their colour (give
    every line a colour of at least 3:1 against white), the grid only decoration (``class="raster"``)."""
    pad_l, pad_r, pad_t, pad_b = 44, 12, 26, 46
    marked = any(ln.is_provisional(i) and not _missing(v) for ln in lines for i, v in enumerate(ln.values))
    base, height = height, height + (16 if marked else 0)      # the note gets a line of its own under the legend
    vals = [v for ln in lines for v in ln.values if not _missing(v)]
    top = max(vals + [1.0]) * 1.15
    n = max(len(labels), 1)
    x = lambda i: pad_l + (i + 0.5) * (width - pad_l - pad_r) / n  # noqa: E731
    y = lambda v: base - pad_b - v / top * (base - pad_t - pad_b)  # noqa: E731
    described = f' aria-describedby="{esc(described_by)}"' if described_by else ""
    span = f", {labels[0]} tot en met {labels[-1]}" if len(labels) > 1 else ""
    name = f"{title} ({' en '.join(ln.name for ln in lines)}{span})" if lines else title
    out = [f'<svg class="grafiek" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{esc(name)}"{described}><text x="{pad_l}" y="16" font-size="13" font-weight="600" fill="#1f2d3d">'
           f"{esc(title)}</text>"]
    for k in range(5):
        v = top / 1.15 * k / 4
        out.append(f'<line class="raster" x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   'stroke="#e3e8ee"/>'
                   f'<text x="{pad_l - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end" fill="#5a6b7d">'
                   f"{_fmt(v)}</text>")
    for i, lab in enumerate(labels):
        out.append(f'<text x="{x(i):.1f}" y="{base - pad_b + 14}" font-size="10" text-anchor="middle" '
                   f'fill="#5a6b7d">{esc(lab)}</text>')
    for ln in lines:
        seg: list[str] = []
        segments = []                                   # (points, dashed)
        dots = []
        for i, v in enumerate(ln.values):
            if _missing(v):
                if seg:
                    segments.append((seg, ln.dashed))
                seg = []
                continue
            point = f"{x(i):.1f},{y(v):.1f}"
            if ln.is_provisional(i) and seg:            # the way to a provisional value is dashed: not yet certain
                segments.append((seg, ln.dashed))
                segments.append(([seg[-1], point], True))
                seg = []
            seg.append(point)
            fill = "#ffffff" if ln.is_provisional(i) else esc(ln.colour)
            ring = f' stroke="{esc(ln.colour)}" stroke-width="1.5"' if ln.is_provisional(i) else ""
            mark = " (voorlopig)" if ln.is_provisional(i) else ""
            dots.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{fill}"{ring}>'
                        f"<title>{esc(ln.name)} {esc(labels[i])}: {_fmt(v)} {esc(unit)}{mark}</title></circle>")
        if seg:
            segments.append((seg, ln.dashed))
        opened = any(ln.is_provisional(i) for i in range(len(ln.values)))
        if not opened:
            out.extend(dots)
        for s, dashed in segments:
            if opened and len(s) < 2:
                continue                                # a lone dot needs no line (its dot is drawn)
            style = ' stroke-dasharray="5,4"' if dashed else ""
            out.append(f'<polyline points="{" ".join(s)}" fill="none" stroke="{esc(ln.colour)}" stroke-width="2"{style}/>')
        if opened:
            out.extend(dots)                            # over the line, so an open dot stays open
    lx = pad_l
    for ln in lines:
        dash = ' stroke-dasharray="5,4"' if ln.dashed else ""
        out.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{base - 12}" y2="{base - 12}" stroke="{esc(ln.colour)}" '
                   f'stroke-width="2"{dash}/><text x="{lx + 22}" y="{base - 8}" font-size="11" fill="#1f2d3d">'
                   f"{esc(ln.name)}</text>")
        lx += 30 + 7 * len(ln.name)
    if marked:
        out.append(f'<circle cx="{pad_l + 9}" cy="{height - 9}" r="3" fill="#ffffff" stroke="#5a6b7d" '
                   f'stroke-width="1.5"/><text x="{pad_l + 22}" y="{height - 5}" font-size="10" fill="#5a6b7d">'
                   f"{esc(PROVISIONAL_NOTE)}</text>")
    out.append("</svg>")
    return "".join(out)


def _fmt(v: float) -> str:
    """Dutch number format: decimal comma, one decimal below 10."""
    text = "0" if v == 0 else f"{v:.1f}" if abs(v) < 10 else f"{v:.0f}"
    return text.replace(".", ",")


def figures_table(labels: list[str], lines: list[Line], caption: str, table_id: str, first: str = "") -> str:
    """The figures of a :func:`line_chart` as a table (one row per label, one column per line; a provisional value
    ``(voorlopig)``), folded under ``Cijfers van de grafiek`` so the page stays short: the chart's text alternative
    (WCAG 1.1.1), which the chart points to with ``described_by=table_id``."""
    rows = [f"<tr><td>{esc(lab)}</td>" + "".join(
        f'<td class="num">{"-" if i >= len(ln.values) or _missing(ln.values[i]) else _fmt(ln.values[i])}'
        f'{" (voorlopig)" if ln.is_provisional(i) else ""}</td>' for ln in lines) + "</tr>"
            for i, lab in enumerate(labels)]
    head = [esc(first)] + [esc(ln.name) for ln in lines]
    return (f"<details><summary>Cijfers van de grafiek {esc(caption)}</summary>"
            f"{data_table(head, rows, caption, table_id)}</details>")
