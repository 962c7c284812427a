"""Export: one flagged-area list per wijkteam, as CSV and XLSX, holding only that team's buurten.

Files go to ``exports/<run period>/<wijkteam>.csv|xlsx``. Column names and contents are Dutch;
a team with nothing flagged gets a list that says so. The same run gives identical files.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from models.calendar import period_label
from pipelines.reference import DOMAIN_NL
from pipelines.xlsx import save_stable

COLUMNS_NL = {
    "rank": "Rang",
    "status": "Status",
    "domain_nl": "Domein",
    "area_code": "Buurtcode",
    "name": "Buurt",
    "label_nl": "Signaal",
    "period_label": "Periode",
    "count": "Aantal",
    "expected": "Verwacht",
    "upper": "Bovengrens",
    "since_label": "Sinds",
    "explanation": "Toelichting",
}
NOTHING_FLAGGED = "Geen opvallende signalen in deze periode voor de buurten van dit wijkteam."


def team_list(flags: pd.DataFrame, team: str) -> pd.DataFrame:
    """The Dutch list of one team (only its own buurten), ranked."""
    own = flags[flags["wijkteam"] == team].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "rank": range(1, len(own) + 1),
            "status": own["status"],
            "domain_nl": own["domain"].map(DOMAIN_NL),
            "area_code": own["area_code"],
            "name": own["name"],
            "label_nl": own["label_nl"],
            "period_label": [period_label(pd.Series([s]), p).iloc[0] for s, p in zip(own["period_start"], own["period"])],
            "count": own["count"].astype(int),
            "expected": own["expected"].astype(float).round(1),
            "upper": own["upper"].astype(float).round(0).astype(int),
            "since_label": [period_label(pd.Series([s]), p).iloc[0] for s, p in zip(own["since"], own["period"])],
            "explanation": own["explanation"],
        }
    )
    return out.rename(columns=COLUMNS_NL)


def export_team_lists(flags: pd.DataFrame, teams: pd.DataFrame, exports_dir: Path, run_period: str,
                      run_id: str, stamp: datetime) -> dict[str, list[Path]]:
    """Write CSV and XLSX per team; returns the paths per team."""
    folder = exports_dir / run_period
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for team, team_name in zip(teams["wijkteam"], teams["name"]):
        table = team_list(flags, team)
        csv_path = folder / f"{team}.csv"
        xlsx_path = folder / f"{team}.xlsx"
        if table.empty:
            table_csv = pd.DataFrame({"Toelichting": [NOTHING_FLAGGED]})
        else:
            table_csv = table
        table_csv.to_csv(csv_path, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\n")
        _write_xlsx(table, xlsx_path, team_name, run_period, run_id, stamp)
        written[team] = [csv_path, xlsx_path]
    return written


def _write_xlsx(table: pd.DataFrame, path: Path, team_name: str, run_period: str, run_id: str,
                stamp: datetime) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Signalen"
    ws.append([f"{team_name}: opvallende signalen, periode {run_period}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Run {run_id}"])
    ws.append([])
    if table.empty:
        ws.append([NOTHING_FLAGGED])
    else:
        ws.append(list(table.columns))
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            ws.append(list(row))
        widths = {"Toelichting": 90, "Buurt": 28, "Signaal": 24}
        for i, col in enumerate(table.columns, start=1):
            letter = ws.cell(row=4, column=i).column_letter
            ws.column_dimensions[letter].width = widths.get(col, 12)
        for row in ws.iter_rows(min_row=5):
            row[-1].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A5"
    wb.properties.creator = "wijkradar"
    wb.properties.title = f"{team_name} {run_period}"
    save_stable(wb, path, stamp)
