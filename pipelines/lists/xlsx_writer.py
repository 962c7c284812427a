"""The workbook of a list: ``Signalen`` (ranked list, feedback drop-down), with the run's risk also
``Preventief in beeld``, then ``Toelichting`` and a hidden ``Meta``.

Takes the selected, worded table, the flag keys in the same order and the run; it reads nothing itself.
Every text cell is neutralised and stored as text (``pipelines.xlsx.append_safe``); the same content
gives the same bytes (``save_stable``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import feedback, wording
from pipelines.lists.content import (COLUMNS_NL, FEEDBACK, HOW_TO_READ, RISK_EXPLAINED, RiskInfo,
                                     RunInfo)
from pipelines.safe_output import xml_safe
from pipelines.xlsx import append_safe, save_stable

WIDTHS = {"Rang": 6, "Status": 12, "Niveau": 10, "Domein": 11, "Buurtcode": 12, "Buurt": 26, "Periode": 10,
          "Sinds": 10, "Signalen": 22, "Toelichting": 90, "Risico": 16, "Risicofactoren": 60, "Terugkoppeling": 20,
          "Notitie": 40, "Sleutel": 30}
PREVENTIVE_WIDTHS = {"Rang": 6, "Domein": 11, "Buurtcode": 12, "Buurt": 26, "Kans op escalatie": 18,
                     "Periode": 32, "Risicofactoren": 90}


#: How the risk is made, on the Toelichting sheet.
RISK_HOW = [
    RISK_EXPLAINED,
    "Per buurt en domein tellen we de signalen per periode van enkele maanden. Een escalatie is een periode met "
    "duidelijk meer signalen dan de perioden ervoor (zie de instellingen hieronder).",
    "Een model leert uit de eigen geschiedenis van de gemeente, steeds vooruit in de tijd, welke buurten daarna "
    "escaleerden: uit het verloop van de tellingen, de buurgebieden en de buurtkenmerken van het CBS. De kans is "
    "gekalibreerd: van de buurten met 20 % kans escaleert naar verwachting ongeveer een op de vijf.",
    "Risicofactoren zijn de kenmerken die de kans van de buurt het meest verhogen ten opzichte van een gewone buurt. "
    "Een buurt zonder eerdere tellingen krijgt een kans uit alleen de buurtkenmerken ('geen eerdere tellingen').",
]


def write_xlsx(table: pd.DataFrame, path: Path, team_name: str, run: RunInfo, team: str = "",
               keys: list[str] = (), labels: dict | None = None, preventive: pd.DataFrame | None = None,
               risk: RiskInfo | None = None) -> None:
    """The team's workbook: ``Signalen`` (list, drop-down ``Terugkoppeling``, ``Notitie``, hidden flag key
    ``Sleutel``), ``Toelichting``, and the very hidden, protected ``Meta`` that ``feedback.import_feedback`` checks.

    With ``preventive`` (``selection.preventive``) a sheet ``Preventief in beeld`` follows ``Signalen``; it
    holds no flag keys, so the feedback import and its checksum are those of the flags alone.
    The drop-down is a literal list (``"opgepakt,naar jaarplan,..."``: five comma-free values), not a range.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Signalen"
    append_safe(ws, [f"{team_name}: opvallende signalen, periode {run.run_period}"])
    ws["A1"].font = Font(bold=True, size=13)
    append_safe(ws, [f"Run {run.run_id}. Uitleg en instellingen: zie het blad Toelichting."])
    if run.notes:                   # the run's own period could not be judged, counts not all delivered: said above
        append_safe(ws, [" ".join(run.notes)])
        ws["A3"].font = Font(bold=True, color="C0392B")
    else:
        ws.append([])
    header = [*table.columns, feedback.VALUE_HEADER, feedback.NOTE_HEADER, feedback.KEY_HEADER]
    letter = {h: get_column_letter(i) for i, h in enumerate(header, start=1)}
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    if table.empty:
        ws.append([""] * COLUMNS_NL.index("Toelichting") + [run.nothing])
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
    dv.add(f"{letter[feedback.VALUE_HEADER]}5:{letter[feedback.VALUE_HEADER]}{last}")
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(feedback.NOTE_MAX),
                          allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop",
                          promptTitle="Notitie", prompt=f"Korte toelichting, hooguit {feedback.NOTE_MAX} tekens, "
                          "zonder namen, adressen of telefoonnummers",
                          errorTitle="Notitie", error=f"Hooguit {feedback.NOTE_MAX} tekens")
    ws.add_data_validation(note)
    note.add(f"{letter[feedback.NOTE_HEADER]}5:{letter[feedback.NOTE_HEADER]}{last}")
    ws.column_dimensions[letter[feedback.KEY_HEADER]].hidden = True   # the flag key: a re-sorted sheet still maps back
    ws.freeze_panes = "A5"
    if preventive is not None:
        _preventive_sheet(wb.create_sheet(wording.PREVENTIVE_TITLE), preventive, team_name, run)

    info = wb.create_sheet("Toelichting")
    info.column_dimensions["A"].width = 64
    info.column_dimensions["B"].width = 100
    for a, b in _toelichting_rows(run, team, labels or {}, risk):
        append_safe(info, [a, b])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    meta = wb.create_sheet(feedback.META_SHEET)
    for a, b in feedback.meta_rows(team, run.run_id, run.run_period, keys, run.list_key):
        append_safe(meta, [a, b])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.properties.creator = "wijkradar"
    wb.properties.title = xml_safe(f"{team_name} {run.run_period}")
    save_stable(wb, path, run.stamp)


def _preventive_sheet(ws, preventive: pd.DataFrame, team_name: str, run: RunInfo) -> None:
    """The sheet ``Preventief in beeld``: a title, what it means, and at most a few buurten with their drivers."""
    from openpyxl.styles import Alignment, Font, PatternFill

    append_safe(ws, [f"{team_name}: {wording.PREVENTIVE_TITLE.lower()}, periode {run.run_period}"])
    ws["A1"].font = Font(bold=True, size=13)
    append_safe(ws, [wording.PREVENTIVE_INTRO])
    ws.append([])
    ws.append(list(preventive.columns))
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFDA")
    if preventive.empty:
        append_safe(ws, ["", "", "", preventive.attrs.get("none", wording.PREVENTIVE_NONE)])
    for row in preventive.itertuples(index=False):
        append_safe(ws, list(row))
    for i, col in enumerate(preventive.columns, start=1):
        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = PREVENTIVE_WIDTHS.get(col, 20)
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A5"


def _toelichting_rows(run: RunInfo, team: str, labels: dict, risk: RiskInfo | None = None) -> list[tuple[str, str]]:
    """The sheet ``Toelichting``: how to read the list, the run, its settings, the files and the feedback."""
    rows = [("Hoe lees ik deze lijst?", "")] + [("", line) for line in HOW_TO_READ] + [("", "")]
    rows += [("Run", run.run_id), ("Periode", run.run_period), ("Gemaakt op", run.stamp.strftime("%d-%m-%Y %H:%M")), ("", "")]
    rows += [("Instellingen", "")]
    # the factor the run set this team's levels to, not the other teams'; the shared shifts stand above the rows
    own = {k: v for k, v in run.settings.items() if k not in ("level_scale", "shared_shifts")}
    if team in run.settings.get("level_scale", {}):
        own["level_scale"] = {team: run.settings["level_scale"][team]}
    rows += wording.setting_rows(own)
    if risk is not None:
        rows += [("", ""), ("Risico en preventief in beeld", "")]
        rows += [("", line) for line in RISK_HOW]
        rows += wording.setting_rows(risk.settings)
        if risk.features:
            rows.append(("Buurtkenmerken", risk.features))
        for domain, info in sorted((risk.models or {}).items()):
            what = (f"{info['model']}, geleerd van {info['trained_on']}" if "model" in info
                    else f"niet berekend: {info.get('skipped', '')}")
            rows.append((f"Model {wording.domain_word(domain)}", what))
    rows += [("", ""), ("Gegevens (geleverde bestanden)", "")]
    for r in run.loads.itertuples(index=False):
        loaded = pd.Timestamp(r.loaded_at).strftime("%d-%m-%Y %H:%M") if pd.notna(r.loaded_at) else ""
        first = wording.load_period_text(r.periods_from, r.source, kind=getattr(r, "periods_from_kind", None))
        last = wording.load_period_text(r.periods_to, r.source, kind=getattr(r, "periods_to_kind", None))
        rows.append((r.source, f"{r.file_name}, geladen {loaded}, perioden {first} t/m {last}"))
    rows += feedback.toelichting_rows(run.precision, team, wording.DOMAIN["nl"], labels)
    return rows
