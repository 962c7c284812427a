"""Inline SVG trend charts for the HTML list: counts against expected and upper bound, no internet needed.

Drawn from the chart points the caller hands in (``selection.chart_data``); every text is escaped.
"""
from __future__ import annotations

import pandas as pd

from pipelines import wording
from pipelines.safe_output import escape_html

RED, INK, GREY = "#c0392b", "#2c3e50", "#7f8c8d"
#: axis text (5.3:1 on the chart's background, WCAG 1.4.3) and the upper bound's edge (4.8:1, 1.4.11)
AXIS, BOUND = "#5a6b7d", "#a0620a"


def _ticks(top: float) -> list[int]:
    """Three to five whole-count ticks from 0 up to ``top`` (steps 1, 2, 5, 10, 20, 25, 50, ...)."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 4:
            return list(range(0, int(top) + 1, step))
    step = 10 ** len(str(int(top // 4)))
    return list(range(0, int(top) + 1, step))


def _triangle(cx: float, cy: float, r: float = 3.6) -> str:
    return f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy + r * 0.8:.1f} {cx - r:.1f},{cy + r * 0.8:.1f}"


def sparkline(points: pd.DataFrame, title: str, table_id: str = "") -> str:
    """An inline SVG: counts (line and markers) against expected (dashed) and upper bound (shaded, its edge dotted),
    with a y-axis.

    A count above the bound is a filled red dot; an alarm of the CUSUM (a slow, sustained rise, which
    can fire while the count is inside the band) is an open red triangle; other counts are small dots.
    Accessible (WCAG 1.1.1, 1.4.1, 1.4.11): named by what it shows, pointing to the table of its figures
    (``table_id``, :func:`sparkline_table`); the three lines differ by dash pattern as well as colour.
    """
    w, h, left, right, top_pad, bottom = 340, 120, 30, 12, 20, 18
    pts = points.tail(26).reset_index(drop=True)
    if pts.empty:
        return ""
    top = max(pts["count"].max(), pts["upper"].max(skipna=True) if pts["upper"].notna().any() else 0, 1) * 1.15
    x = lambda i: left + i * (w - left - right) / max(len(pts) - 1, 1)  # noqa: E731
    y = lambda v: h - bottom - v / top * (h - top_pad - bottom)  # noqa: E731
    axis = "".join(
        f'<polyline class="raster" points="{left:.1f},{y(t):.1f} {w - right:.1f},{y(t):.1f}" fill="none" '
        f'stroke="#e3e8ee"/><text x="{left - 4}" y="{y(t) + 3:.1f}" font-size="9" fill="{AXIS}" text-anchor="end">'
        f"{t}</text>" for t in _ticks(top))
    upper = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["upper"].fillna(0)))
    band = f"{x(0):.1f},{y(0):.1f} {upper} {x(len(pts) - 1):.1f},{y(0):.1f}"
    exp = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["expected"].fillna(0)))
    cnt = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["count"]))
    above, sustained = _marks(pts)
    marks = []
    for i, (v, up, slow) in enumerate(zip(pts["count"], above, sustained)):
        if up:
            marks.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.2" fill="{RED}"/>')
        elif slow:
            marks.append(f'<polygon points="{_triangle(x(i), y(v))}" fill="#ffffff" stroke="{RED}" stroke-width="1.4"/>')
        else:
            marks.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="1.8" fill="{INK}"/>')
    first = wording.period_text(pts["period_start"].iloc[0], pts["period"].iloc[0])
    last = wording.period_text(pts["period_start"].iloc[-1], pts["period"].iloc[-1])
    name = f"{title}: aantal per periode tegen verwachting en bovengrens, {first} tot en met {last}"
    described = f' aria-describedby="{escape_html(table_id)}"' if table_id else ""
    return (f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{escape_html(name)}"'
            f'{described}><text x="{left}" y="13" font-size="11" fill="#34495e">{escape_html(title)}</text>{axis}'
            f'<polygon aria-hidden="true" points="{band}" fill="#fdebd0" fill-opacity="0.8"/>'
            f'<polyline points="{upper}" fill="none" stroke="{BOUND}" stroke-width="1.2" stroke-dasharray="1.5,2"/>'
            f'<polyline points="{exp}" fill="none" stroke="{GREY}" stroke-dasharray="4,3"/>'
            f'<polyline points="{cnt}" fill="none" stroke="{INK}" stroke-width="1.5"/>{"".join(marks)}'
            f'<text x="{left}" y="{h - 4}" font-size="10" fill="{AXIS}">{escape_html(first)}</text>'
            f'<text x="{w - right}" y="{h - 4}" font-size="10" fill="{AXIS}" text-anchor="end">{escape_html(last)}</text>'
            "</svg>")


def _marks(pts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per period: the count above the upper bound (red dot), and a CUSUM alarm inside the band (open triangle)."""
    above = (pts["count"] > pts["upper"]).fillna(False).astype(bool)
    return above, pts["alarm"].fillna(False).astype(bool) & ~above


def sparkline_table(points: pd.DataFrame, title: str, table_id: str) -> str:
    """The figures of a :func:`sparkline` as a table, folded under a summary: its text alternative (WCAG 1.1.1)."""
    pts = points.tail(26).reset_index(drop=True)
    if pts.empty:
        return ""
    above, sustained = _marks(pts)
    num = lambda v, d: "-" if pd.isna(v) else f"{v:.{d}f}".replace(".", ",")  # noqa: E731
    rows = "".join(
        f"<tr><td>{escape_html(wording.period_text(r.period_start, r.period))}</td><td>{num(r.count, 0)}</td>"
        f"<td>{num(r.expected, 1)}</td><td>{num(r.upper, 0)}</td>"
        f"<td>{'boven de bovengrens' if up else 'geleidelijke stijging (CUSUM)' if slow else ''}</td></tr>"
        for r, up, slow in zip(pts.itertuples(index=False), above, sustained))
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Periode", "Aantal", "Verwachting", "Bovengrens", "Alarm"))
    return (f"<details><summary>Cijfers van de grafiek {escape_html(title)}</summary><div class=\"tabel\">"
            f'<table id="{escape_html(table_id)}"><caption>{escape_html(title)}: aantal per periode</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div></details>")


#: The chart legend: the two red markers mean different things, so each is drawn next to its meaning.
LEGEND = (
    'Grafieken: aantal per periode (doorgetrokken lijn), verwachting (streepjeslijn) en bovengrens (gekleurd vlak, '
    'de rand fijn gestippeld), laatste 26 perioden; links het aantal. De cijfers staan ook in een tabel onder elke '
    'grafiek. '
    f'<svg class="key" width="10" height="10" aria-hidden="true"><circle cx="5" cy="5" r="4" fill="{RED}"/></svg> '
    'rode stip = aantal boven de bovengrens; '
    f'<svg class="key" width="10" height="10" aria-hidden="true"><polygon points="{_triangle(5, 5.5, 4)}" '
    f'fill="#ffffff" stroke="{RED}"/></svg> open driehoek = alarm voor een geleidelijke stijging (CUSUM), dat ook binnen het vlak kan vallen.'
)
