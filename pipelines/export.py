"""Export: one flagged-area list per wijkteam as XLSX, CSV and a self-contained HTML page.

Files go to ``exports/<run period>/<wijkteam>.{xlsx,csv,html}`` and hold only that team's buurten.
Everything a wijkteam reads is Dutch. The workbook has the ranked list (sheet ``Signalen``, with
an empty ``Terugkoppeling`` column and a drop-down for the team's feedback) and a sheet
``Toelichting`` (how to read it, the settings used, the data vintage, the run id). The HTML page
needs no internet: inline CSS and inline SVG trend charts. The same run gives identical files.

Names, explanations and file names come from other people's files, so every CSV/XLSX cell goes
through ``safe_output.neutralise`` (no formulas: a dangerous text gets a leading apostrophe and an
XLSX text cell is always stored as text) and every value in the HTML page is escaped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from models.calendar import period_label
from pipelines.reference import DOMAIN_NL
from pipelines.safe_output import escape_html, neutralise_frame, safe_filename, xml_safe
from pipelines.xlsx import append_safe, save_stable

COLUMNS_NL = ["Rang", "Status", "Niveau", "Domein", "Buurtcode", "Buurt", "Periode", "Sinds", "Signalen", "Toelichting"]
FEEDBACK = ["herkend, actie nodig", "herkend, al bekend", "niet herkend", "meer informatie nodig"]
NOTHING_FLAGGED = "Geen opvallende signalen in deze periode voor de buurten van dit wijkteam."
HOW_TO_READ = [
    "Elke regel is een buurt met een opvallende ontwikkeling in één domein (fysiek, sociaal of veiligheid).",
    "Niveau 'alarm': duidelijk hoger dan wat op grond van de eigen geschiedenis van de buurt te verwachten is, "
    "ook na correctie voor het grote aantal reeksen dat we volgen. 'aandacht': minder sterk, maar al meerdere perioden.",
    "Status: 'nieuw' = deze periode voor het eerst; 'aanhoudend' = loopt al; 'verergerend' = sterker dan eerder "
    "in deze episode; 'opgelost' = weer op het verwachte niveau.",
    "Verwacht en bovengrens komen uit de eigen geschiedenis van elke buurt (seizoen en trend meegenomen).",
    "Vul in de kolom Terugkoppeling in of u het signaal herkent; dat helpt om de lijst beter te maken.",
]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    run_period: str
    stamp: datetime
    settings: dict
    loads: pd.DataFrame          # file_name, source, loaded_at, periods_from, periods_to


def _label(start, period) -> str:
    return "" if pd.isna(start) else period_label(pd.Series([start]), period).iloc[0]


def team_list(flags: pd.DataFrame, team: str) -> pd.DataFrame:
    """The Dutch list of one team (only its own buurten), ranked."""
    own = flags[flags["wijkteam"] == team].reset_index(drop=True)
    return pd.DataFrame({
        "Rang": range(1, len(own) + 1),
        "Status": own["status"],
        "Niveau": own["level"].replace("", "-"),
        "Domein": own["domain"].map(DOMAIN_NL),
        "Buurtcode": own["area_code"],
        "Buurt": own["name"],
        "Periode": [_label(s, p) for s, p in zip(own["period_start"], own["period"])],
        "Sinds": [_label(s, p) for s, p in zip(own["since"], own["period"])],
        "Signalen": own["signals"],
        "Toelichting": own["explanation"],
    }, columns=COLUMNS_NL)


def export_team_lists(flags: pd.DataFrame, teams: pd.DataFrame, exports_dir: Path, run: RunInfo,
                      series: pd.DataFrame, labels: dict) -> dict[str, list[Path]]:
    """Write XLSX, CSV and HTML per team; returns the paths per team."""
    folder = exports_dir / run.run_period
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for team, team_name in zip(teams["wijkteam"], teams["name"]):
        table = team_list(flags, team)
        stem = safe_filename(team)      # a team code from the wijkteam file must not leave the folder
        paths = [folder / f"{stem}.xlsx", folder / f"{stem}.csv", folder / f"{stem}.html"]
        _write_xlsx(table, paths[0], team_name, run)
        csv_table = neutralise_frame(table) if len(table) else pd.DataFrame({"Toelichting": [NOTHING_FLAGGED]})
        csv_table.to_csv(paths[1], sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
        own = flags[flags["wijkteam"] == team]
        paths[2].write_text(_html(table, own, team_name, run, series, labels), encoding="utf-8")
        written[team] = paths
    return written


def _write_xlsx(table: pd.DataFrame, path: Path, team_name: str, run: RunInfo) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Signalen"
    append_safe(ws, [f"{team_name}: opvallende signalen, periode {run.run_period}"])
    ws["A1"].font = Font(bold=True, size=13)
    append_safe(ws, [f"Run {run.run_id}. Uitleg en instellingen: zie het blad Toelichting."])
    ws.append([])
    header = [*COLUMNS_NL, "Terugkoppeling"]
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    if table.empty:
        ws.append(["", "", "", "", "", "", "", "", "", NOTHING_FLAGGED])
    for row in table.itertuples(index=False):
        append_safe(ws, [*row, None])
    widths = {"Rang": 6, "Status": 12, "Niveau": 10, "Domein": 11, "Buurtcode": 12, "Buurt": 26, "Periode": 10,
              "Sinds": 10, "Signalen": 22, "Toelichting": 90, "Terugkoppeling": 24}
    for i, col in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = widths[col]
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    dv = DataValidation(type="list", formula1='"' + ",".join(FEEDBACK) + '"', allow_blank=True,
                        promptTitle="Terugkoppeling", prompt="Herkent u dit signaal?")
    ws.add_data_validation(dv)
    dv.add(f"K5:K{max(5, 4 + len(table))}")
    ws.freeze_panes = "A5"

    info = wb.create_sheet("Toelichting")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 100
    rows = [("Hoe lees ik deze lijst?", "")] + [("", line) for line in HOW_TO_READ] + [("", "")]
    rows += [("Run", run.run_id), ("Periode", run.run_period), ("Gemaakt op", run.stamp.strftime("%d-%m-%Y %H:%M")), ("", "")]
    rows += [("Instellingen", "")]
    for key, value in _flatten(run.settings):
        rows.append((key, value))
    rows += [("", ""), ("Gegevens (vintage)", "")]
    for r in run.loads.itertuples(index=False):
        rows.append((r.source, f"{r.file_name}, geladen {str(r.loaded_at)[:16]}, perioden {r.periods_from} t/m {r.periods_to}"))
    for a, b in rows:
        append_safe(info, [a, b])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    wb.properties.creator = "wijkradar"
    wb.properties.title = xml_safe(f"{team_name} {run.run_period}")
    save_stable(wb, path, run.stamp)


def _flatten(settings: dict, prefix: str = ""):
    for key in sorted(settings):
        value = settings[key]
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", json.dumps(value) if not isinstance(value, str) else value


CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#1f2d3d;max-width:1100px}
h1{font-size:22px;margin-bottom:4px}.sub{color:#5a6b7d;margin-top:0}
.card{border:1px solid #d6dee6;border-radius:8px;padding:12px 16px;margin:14px 0;display:flex;gap:18px}
.card .txt{flex:1}.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;margin-right:6px;color:#fff}
.alarm{background:#c0392b}.aandacht{background:#e67e22}.none{background:#7f8c8d}
.st{background:#34495e}.dom{background:#2c7fb8}
.empty{padding:16px;background:#eef6ee;border-radius:8px}
.legend{font-size:12px;color:#5a6b7d}svg{background:#fbfcfd;border:1px solid #eef1f4}
"""


def _sparkline(points: pd.DataFrame, title: str) -> str:
    """An inline SVG: counts (line and dots) against expected (dashed) and upper bound (shaded)."""
    w, h, pad = 320, 110, 22
    pts = points.tail(26).reset_index(drop=True)
    if pts.empty:
        return ""
    top = max(pts["count"].max(), pts["upper"].max(skipna=True) if pts["upper"].notna().any() else 0, 1) * 1.15
    x = lambda i: pad + i * (w - 2 * pad) / max(len(pts) - 1, 1)  # noqa: E731
    y = lambda v: h - pad - v / top * (h - 2 * pad)  # noqa: E731
    upper = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["upper"].fillna(0)))
    band = f"{x(0):.1f},{y(0):.1f} {upper} {x(len(pts) - 1):.1f},{y(0):.1f}"
    exp = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["expected"].fillna(0)))
    cnt = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts["count"]))
    dots = "".join(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.6" fill="{"#c0392b" if a else "#2c3e50"}"/>'
                   for i, (v, a) in enumerate(zip(pts["count"], pts["alarm"])))
    return (f'<svg width="{w}" height="{h}" role="img" aria-label="{escape_html(title)}">'
            f'<text x="{pad}" y="14" font-size="11" fill="#34495e">{escape_html(title)}</text>'
            f'<polygon points="{band}" fill="#fdebd0"/>'
            f'<polyline points="{exp}" fill="none" stroke="#7f8c8d" stroke-dasharray="4,3"/>'
            f'<polyline points="{cnt}" fill="none" stroke="#2c3e50" stroke-width="1.5"/>{dots}'
            f'<text x="{pad}" y="{h - 5}" font-size="10" fill="#7f8c8d">{escape_html(_label(pts["period_start"].iloc[0], pts["period"].iloc[0]))}</text>'
            f'<text x="{w - pad}" y="{h - 5}" font-size="10" fill="#7f8c8d" text-anchor="end">{escape_html(_label(pts["period_start"].iloc[-1], pts["period"].iloc[-1]))}</text>'
            "</svg>")


def _html(table: pd.DataFrame, own: pd.DataFrame, team_name: str, run: RunInfo, series: pd.DataFrame,
          labels: dict) -> str:
    esc = escape_html      # every interpolated value, text and attribute alike
    cards = []
    for row, f in zip(table.itertuples(index=False), own.itertuples(index=False)):
        sig = [s for s in f.signals.split(", ") if s] or list(
            series.loc[(series["area_code"] == f.area_code) & (series["domain"] == f.domain), "signal"].unique()[:1])
        charts = "".join(
            _sparkline(series[(series["area_code"] == f.area_code) & (series["signal"] == s)
                              & (series["period"] == f.period)
                              & (pd.to_datetime(series["period_start"]) <= pd.Timestamp(f.period_start))]
                       .sort_values("period_start"), labels.get(s, s)) for s in sig[:2])
        level = f.level if f.level in ("alarm", "aandacht") else "none"     # a CSS class of ours
        cards.append(
            f'<div class="card"><div class="txt"><div><span class="badge {esc(level)}">{esc(row.Niveau)}</span>'
            f'<span class="badge st">{esc(row.Status)}</span><span class="badge dom">{esc(row.Domein)}</span></div>'
            f'<h3>{esc(row.Rang)}. {esc(row.Buurt)} <small>({esc(row.Buurtcode)})</small></h3>'
            f'<p>{esc(row.Toelichting)}</p></div><div>{charts}</div></div>')
    body = "".join(cards) if cards else f'<p class="empty">{esc(NOTHING_FLAGGED)}</p>'
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{esc(team_name)} {esc(run.run_period)}</title>'
            f"<style>{CSS}</style></head><body><h1>{esc(team_name)}</h1>"
            f'<p class="sub">Opvallende signalen, periode {esc(run.run_period)} &middot; run {esc(run.run_id)}</p>'
            f'<p class="legend">Grafieken: aantal per periode (lijn; rood = boven de grens), verwachting (stippellijn) '
            f"en bovengrens (gekleurd vlak), laatste 26 perioden.</p>{body}"
            f'<p class="legend">Gemaakt door wijkradar op {esc(run.stamp.strftime("%d-%m-%Y %H:%M"))}.</p></body></html>')


def export_run(con, home, run) -> dict[str, list[Path]]:
    """Gather what the lists need from the warehouse and write them (used by the flow and the CLI)."""
    from pipelines.runs import read_flags

    flags = read_flags(con, run.run_id)
    teams = con.execute("SELECT wijkteam, name FROM core.wijkteams ORDER BY wijkteam").df()
    settings, load_ids = con.execute("SELECT settings, loads FROM meta.runs WHERE run_id = ?", [run.run_id]).fetchone()
    loads = con.execute("SELECT source, file_name, loaded_at, periods_from, periods_to FROM meta.loads "
                        "WHERE list_contains(?::VARCHAR[], load_id) ORDER BY loaded_at", [json.loads(load_ids)]).df()
    series = con.execute("SELECT s.*, c.domain FROM marts.series_scores s JOIN core.signal_catalogue c USING (signal)").df()
    labels = dict(con.execute("SELECT signal, label_nl FROM core.signal_catalogue").fetchall())
    info = RunInfo(run.run_id, run.run_period, run.finished_at, json.loads(settings), loads)
    return export_team_lists(flags, teams, home.exports, info, series, labels)
