"""The HTML page of a list: self-contained (inline CSS and SVG charts), every interpolated value escaped.

Takes the selected, worded table, each row's raw level (a CSS class) and the chart points per row, and
optionally the section *preventief in beeld*; it reads nothing itself. The same writer serves ``export``
and ``wijkradar flags --format html``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.atomic import write_text
from pipelines.lists.charts import LEGEND, sparkline, sparkline_table
from pipelines.lists.content import NOTHING_FLAGGED, RunInfo
from pipelines.safe_output import escape_html
from pipelines.wording import (PREVENTIVE_INTRO, PREVENTIVE_NONE, PREVENTIVE_STATUS, PREVENTIVE_TITLE,
                               RISK_COLUMNS)

CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:1.5rem;color:#1f2d3d;max-width:70rem}
h1{font-size:1.375rem;margin-bottom:4px}h2{font-size:1.15rem}h3{font-size:1.05rem}.sub{color:#5a6b7d;margin-top:0}
.card{border:1px solid #d6dee6;border-radius:8px;padding:12px 16px;margin:14px 0;display:flex;flex-wrap:wrap;gap:18px}
.card .txt{flex:1 1 16rem}.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:.75rem;
margin-right:6px;color:#fff}
.alarm{background:#c0392b}.aandacht{background:#a84300}.none{background:#5a6b7d}
.st{background:#34495e}.dom{background:#1f5f8b}
.empty{padding:16px;background:#eef6ee;border-radius:8px}
.legend{font-size:.8rem;color:#5a6b7d}svg{background:#fbfcfd;border:1px solid #eef1f4;max-width:100%;height:auto}
svg.key{background:none;border:0;vertical-align:middle}
.risk{font-size:.85rem;color:#34495e}.prev{background:#1e7b45}
.preventief{border-left:4px solid #27ae60}
.unjudged{padding:16px;background:#fdecea;border-radius:8px;font-weight:600}
.tabel{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.8rem;margin:4px 0}
th,td{border:1px solid #d6dee6;padding:2px 6px;text-align:left}caption{text-align:left;font-weight:600}
details{font-size:.85rem;margin:2px 0 8px}
"""


def preventive_section(preventive: pd.DataFrame | None) -> str:
    """The section *preventief in beeld*: a heading, what it means and one card per buurt (no charts)."""
    if preventive is None:
        return ""
    esc = escape_html
    cards = [
        f'<div class="card preventief"><div class="txt"><div><span class="badge prev">{esc(PREVENTIVE_STATUS["nl"])}'
        f'</span><span class="badge dom">{esc(row[1])}</span></div>'
        f'<h3>P{esc(row[0])}. {esc(row[3])} <small>({esc(row[2])})</small></h3>'
        f'<p>Kans op escalatie in {esc(row[5])}: <b>{esc(row[4])}</b>. Factoren: {esc(row[6])}.</p></div></div>'
        for row in preventive.itertuples(index=False, name=None)]
    body = "".join(cards) if cards else f'<p class="empty">{esc(preventive.attrs.get("none", PREVENTIVE_NONE))}</p>'
    return (f'<h2 id="preventief">{esc(PREVENTIVE_TITLE)}</h2><p class="legend">{esc(PREVENTIVE_INTRO)}</p>{body}')


def html_page(table: pd.DataFrame, levels, charts, team_name: str, run: RunInfo,
              preventive: pd.DataFrame | None = None) -> str:
    """The page: one card per row of ``table`` (Dutch columns), then the section *preventief in beeld*.

    ``levels``: the flag level per row (``alarm``, ``aandacht`` or other); ``charts``: per row a list of
    (title, points) as ``selection.chart_data`` gives them; ``preventive``: ``selection.preventive`` (None:
    no section). A table with the risk columns shows each row's risk under its explanation.
    """
    esc = escape_html      # every interpolated value, text and attribute alike
    risk_col, drivers_col = RISK_COLUMNS["nl"]
    with_risk = risk_col in table.columns
    cards = []
    for (_, row), level, row_charts in zip(table.iterrows(), levels, charts):
        ids = [f"cijfers-{row['Rang']}-{k + 1}" for k in range(len(row_charts))]     # stable: rank and chart
        svg = "".join(sparkline(points, title, ident) + sparkline_table(points, title, ident)
                      for (title, points), ident in zip(row_charts, ids))
        level = level if level in ("alarm", "aandacht") else "none"     # a CSS class of ours
        risk = ""
        if with_risk:
            why = f" Factoren: {row[drivers_col]}." if row[drivers_col] else ""
            risk = f'<p class="risk">Kans op escalatie de komende maanden: {esc(row[risk_col])}.{esc(why)}</p>'
        cards.append(
            f'<div class="card"><div class="txt"><div><span class="badge {esc(level)}">{esc(row["Niveau"])}</span>'
            f'<span class="badge st">{esc(row["Status"])}</span><span class="badge dom">{esc(row["Domein"])}</span></div>'
            f'<h3>{esc(row["Rang"])}. {esc(row["Buurt"])} <small>({esc(row["Buurtcode"])})</small></h3>'
            f'<p>{esc(row["Toelichting"])}</p>{risk}</div><div>{svg}</div></div>')
    # a run's period that was not judged is said first; it is also the sentence of a page without rows
    notes = f'<p class="unjudged">{esc(" ".join(run.notes))}</p>' if run.notes else ""
    body = (f"<h2>Signalen van {esc(run.run_period)}</h2>" + notes
            + ("".join(cards) if cards else "" if notes else f'<p class="empty">{esc(NOTHING_FLAGGED)}</p>'))
    body += preventive_section(preventive)
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(team_name)} {esc(run.run_period)}</title>"
            f"<style>{CSS}</style></head><body><main><h1>{esc(team_name)}</h1>"
            f'<p class="sub">Opvallende signalen, periode {esc(run.run_period)} &middot; run {esc(run.run_id)}</p>'
            f'<p class="legend">{LEGEND}</p>{body}'
            f'<p class="legend">Gemaakt door wijkradar op {esc(run.stamp.strftime("%d-%m-%Y %H:%M"))}.</p></main></body></html>')


def write_html(table: pd.DataFrame, levels, charts, team_name: str, run: RunInfo, path: Path,
               preventive: pd.DataFrame | None = None) -> None:
    """The team's HTML file (UTF-8), whole or not at all."""
    write_text(path, html_page(table, levels, charts, team_name, run, preventive))
