"""The CSV of a list: ``;``-separated (a Dutch spreadsheet opens it as columns), every text cell neutralised and
every field with a line break, ``;`` or a quote quoted (``pipelines.csv_out``, records end in CRLF).

One writer for the team files of ``export`` and for ``wijkradar flags --format csv``. The section
*preventief in beeld* follows the flags as rows with the status ``preventief in beeld`` and the rank
``P1``, ``P2``, ... (they carry no flag key and are no flag to answer).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import csv_out, wording
from pipelines.lists.content import NOTHING_FLAGGED


def preventive_rows(preventive: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The section's rows in the columns of the list (Dutch): marked by status and a ``P`` rank."""
    rows = pd.DataFrame({c: [""] * len(preventive) for c in columns}, columns=columns)
    risk_col, drivers_col = wording.RISK_COLUMNS["nl"]
    rows["Rang"] = [f"P{r}" for r in preventive["Rang"]]
    rows["Status"] = wording.PREVENTIVE_STATUS["nl"]
    rows["Domein"] = preventive["Domein"].to_numpy()
    rows["Buurtcode"] = preventive["Buurtcode"].to_numpy()
    rows["Buurt"] = preventive["Buurt"].to_numpy()
    rows["Periode"] = preventive["Periode"].to_numpy()
    rows["Toelichting"] = [f"Geen signaal in dit domein; kans op escalatie in {span}: {kans}. Factoren: {why}."
                           for kans, span, why in zip(preventive["Kans op escalatie"], preventive["Periode"],
                                                      preventive["Risicofactoren"])]
    if risk_col in rows:
        rows[risk_col] = preventive["Kans op escalatie"].to_numpy()
        rows[drivers_col] = preventive["Risicofactoren"].to_numpy()
    return rows


def csv_text(table: pd.DataFrame, nothing: str | None = NOTHING_FLAGGED, preventive: pd.DataFrame | None = None,
             notes: tuple[str, ...] = ()) -> str:
    """``table`` as CSV text; an empty table keeps its columns and gets one row with the sentence ``nothing`` in
    Toelichting (unless None), as the workbook shows it: every team's CSV has the same columns.

    ``preventive``: the section *preventief in beeld* (``selection.preventive``), appended as marked rows.
    ``notes``: sentences on the run's periods that were not judged (``RunInfo.unjudged``), one row first with them
    in Toelichting, in place of the ``nothing`` row.
    """
    if preventive is not None and len(preventive):
        table = pd.concat([table, preventive_rows(preventive, list(table.columns))], ignore_index=True)
    if notes:
        note = pd.DataFrame([{c: (" ".join(notes) if c == "Toelichting" else "") for c in table.columns}],
                            columns=table.columns)
        table = pd.concat([note, table], ignore_index=True) if len(table) else note
    if table.empty and nothing is not None:
        table = pd.DataFrame([{c: (nothing if c == "Toelichting" else "") for c in table.columns}],
                             columns=table.columns)
    return csv_out.csv_text(table)


def write_csv(table: pd.DataFrame, path: Path, preventive: pd.DataFrame | None = None,
              notes: tuple[str, ...] = ()) -> None:
    """The team's CSV file (UTF-8 with a byte-order mark, so Excel reads the accents)."""
    csv_out.write_text(csv_text(table, preventive=preventive, notes=notes), path)
