"""Inline SVG trend charts for the HTML list: counts against expected and upper bound, no internet needed.

Drawn from the chart points the caller hands in (``selection.chart_data``); every text is escaped.
"""
from __future__ import annotations

import pandas as pd

from pipelines import wording
from pipelines.safe_output import escape_html

RED, INK, GREY = "#c0392b", "#2c3e50", "#7f8c8d"


def _ticks(top: float) -> list[int]:
    """Three to five whole-count ticks from 0 up to ``top`` (steps 1, 2, 5, 10, 20, 25, 50, ...)."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 4:
            return list(range(0, int(top) + 1, step))
    step = 10 ** len(str(int(top // 4)))
    return list(range(0, int(top) + 1, step))


def _triangle(cx: float, cy: float, r: float = 3.6) -> str:
    return f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy + r * 0.8:.1f} {cx - r:.1f},{cy + r * 0.8:.1f}"


def sparkline(points: pd.DataFrame, title: str) -> str:
    """An inline SVG: counts (line and markers) against expected (dashed) and upper bound (shaded), with a y-axis.

    A count above the bound is a filled red dot; an alarm of the CUSUM (a slow, sustained rise, which
    can fire while the count is inside the band) is an open red triangle; other counts are small dots.
    """
    w, h, left, right, top_pad, bottom = 340, 120, 30, 12, 20, 18
    pts = points.tail(26).reset_index(drop=True)
    if pts.empty:
        return ""
    top = max(pts["count"].max(), pts["upper"].max(skipna=True) if pts["upper"].notna().any() else 0, 1) * 1.15
    x = lambda i: left + i * (w - left - right) / max(len(pts) - 1, 1)  # noqa: E731
    y = lambda v: h - bottom - v / top * (h - top_pad - bottom)  # noqa: E731
    axis = "".join(
        f'<polyline points="{left:.1f},{y(t):.1f} {w - right:.1f},{y(t):.1f}" fill="none" stroke="#e3e8ee"/>'
        f'<text x="{left - 4}" y="{y(t) + 3:.1f}" font-size="9" fill="{GREY}" text-anchor="end">{t}</text>'
        for t in _ticks(top))
    upper = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["upper"].fillna(0)))
    band = f"{x(0):.1f},{y(0):.1f} {upper} {x(len(pts) - 1):.1f},{y(0):.1f}"
    exp = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["expected"].fillna(0)))
    cnt = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["count"]))
    above = (pts["count"] > pts["upper"]).fillna(False).astype(bool)
    sustained = pts["alarm"].fillna(False).astype(bool) & ~above
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
    return (f'<svg width="{w}" height="{h}" role="img" aria-label="{escape_html(title)}">'
            f'<text x="{left}" y="13" font-size="11" fill="#34495e">{escape_html(title)}</text>{axis}'
            f'<polygon points="{band}" fill="#fdebd0" fill-opacity="0.8"/>'
            f'<polyline points="{exp}" fill="none" stroke="{GREY}" stroke-dasharray="4,3"/>'
            f'<polyline points="{cnt}" fill="none" stroke="{INK}" stroke-width="1.5"/>{"".join(marks)}'
            f'<text x="{left}" y="{h - 4}" font-size="10" fill="{GREY}">{escape_html(first)}</text>'
            f'<text x="{w - right}" y="{h - 4}" font-size="10" fill="{GREY}" text-anchor="end">{escape_html(last)}</text>'
            "</svg>")


#: The chart legend: the two red markers mean different things, so each is drawn next to its meaning.
LEGEND = (
    'Grafieken: aantal per periode (lijn), verwachting (stippellijn) en bovengrens (gekleurd vlak), laatste 26 '
    'perioden; links het aantal. '
    f'<svg class="key" width="10" height="10"><circle cx="5" cy="5" r="4" fill="{RED}"/></svg> '
    'rode stip = aantal boven de bovengrens; '
    f'<svg class="key" width="10" height="10"><polygon points="{_triangle(5, 5.5, 4)}" fill="#ffffff" stroke="{RED}"/>'
    '</svg> open driehoek = alarm voor een geleidelijke stijging (CUSUM), dat ook binnen het vlak kan vallen.'
)
