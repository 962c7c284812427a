"""The workbook of a list: ``Signalen`` (ranked list, feedback drop-down), ``Toelichting`` and a hidden ``Meta``.

Takes the selected, worded table, the flag keys in the same order and the run; it reads nothing itself.
Every text cell is neutralised and stored as text (``pipelines.xlsx.append_safe``); the same content
gives the same bytes (``save_stable``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import feedback, wording
from pipelines.lists.content import COLUMNS_NL, FEEDBACK, HOW_TO_READ, NOTHING_FLAGGED, RunInfo
from pipelines.safe_output import xml_safe
from pipelines.xlsx import append_safe, save_stable

WIDTHS = {"Rang": 6, "Status": 12, "Niveau": 10, "Domein": 11, "Buurtcode": 12, "Buurt": 26, "Periode": 10,
          "Sinds": 10, "Signalen": 22, "Toelichting": 90, "Terugkoppeling": 20, "Notitie": 40, "Sleutel": 30}


def write_xlsx(table: pd.DataFrame, path: Path, team_name: str, run: RunInfo, team: str = "",
               keys: list[str] = (), labels: dict | None = None) -> None:
    """The team's workbook: ``Signalen`` (list, drop-down ``Terugkoppeling``, ``Notitie``, hidden flag key
    ``Sleutel``), ``Toelichting``, and the very hidden, protected ``Meta`` that ``feedback.import_feedback`` checks.

    The drop-down is a literal list (``"opgepakt,naar jaarplan,..."``: five comma-free values), not a range.
    """
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
    header = [*COLUMNS_NL, feedback.VALUE_HEADER, feedback.NOTE_HEADER, feedback.KEY_HEADER]
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    if table.empty:
        ws.append(["", "", "", "", "", "", "", "", "", NOTHING_FLAGGED])
    for row, key in zip(table.itertuples(index=False), keys):
        append_safe(ws, [*row, None, None, key])
    for i, col in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = WIDTHS[col]
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(5, 4 + len(table))
    dv = DataValidation(type="list", formula1='"' + ",".join(FEEDBACK) + '"', allow_blank=True,
                        showInputMessage=True, showErrorMessage=True, errorStyle="stop",
                        promptTitle="Terugkoppeling", prompt=feedback.PROMPT,
                        errorTitle="Terugkoppeling", error=feedback.ERROR)
    ws.add_data_validation(dv)
    dv.add(f"K5:K{last}")
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(feedback.NOTE_MAX),
                          allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop",
                          promptTitle="Notitie", prompt=f"Korte toelichting, hooguit {feedback.NOTE_MAX} tekens, "
                          "zonder namen, adressen of telefoonnummers",
                          errorTitle="Notitie", error=f"Hooguit {feedback.NOTE_MAX} tekens")
    ws.add_data_validation(note)
    note.add(f"L5:L{last}")
    ws.column_dimensions["M"].hidden = True          # the flag key: a re-sorted sheet still maps back
    ws.freeze_panes = "A5"

    info = wb.create_sheet("Toelichting")
    info.column_dimensions["A"].width = 64
    info.column_dimensions["B"].width = 100
    for a, b in _toelichting_rows(run, team, labels or {}):
        append_safe(info, [a, b])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    meta = wb.create_sheet(feedback.META_SHEET)
    for a, b in feedback.meta_rows(team, run.run_id, run.run_period, keys):
        append_safe(meta, [a, b])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.properties.creator = "wijkradar"
    wb.properties.title = xml_safe(f"{team_name} {run.run_period}")
    save_stable(wb, path, run.stamp)


def _toelichting_rows(run: RunInfo, team: str, labels: dict) -> list[tuple[str, str]]:
    """The sheet ``Toelichting``: how to read the list, the run, its settings, the files and the feedback."""
    rows = [("Hoe lees ik deze lijst?", "")] + [("", line) for line in HOW_TO_READ] + [("", "")]
    rows += [("Run", run.run_id), ("Periode", run.run_period), ("Gemaakt op", run.stamp.strftime("%d-%m-%Y %H:%M")), ("", "")]
    rows += [("Instellingen", "")]
    rows += wording.setting_rows(run.settings)
    rows += [("", ""), ("Gegevens (geleverde bestanden)", "")]
    for r in run.loads.itertuples(index=False):
        loaded = pd.Timestamp(r.loaded_at).strftime("%d-%m-%Y %H:%M") if pd.notna(r.loaded_at) else ""
        rows.append((r.source, f"{r.file_name}, geladen {loaded}, perioden "
                               f"{wording.load_period_text(r.periods_from, r.source)} t/m "
                               f"{wording.load_period_text(r.periods_to, r.source)}"))
    rows += feedback.toelichting_rows(run.precision, team, wording.DOMAIN["nl"], labels)
    return rows
