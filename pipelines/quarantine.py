"""Quarantined rows: list them with their reasons and states, export the open ones for correction, dismiss.

A row is ``open`` until a later load brings a valid row with the same key (``resolved``), a later
load quarantines the same key again (``superseded``: the newer row is the one to fix), or an
analyst dismisses it (``dismissed``). The export writes the open rows of each load to
``<source>_correctie_<load>.csv`` with the source's own Dutch headers, the row number as the
original file shows it, a ``Quarantaineregel`` that ties each row to its quarantined original, and
the ``Reden`` in Dutch (``pipelines.wording.reason_text``; the warehouse and the analysts' CLI keep the
sources' English reasons). Fix the rows and drop the file in the inbox: it loads as a correction, and loading it
twice changes nothing. Fetched sources (police, CBS) get no such file: their figures are the service's, replaced
by the next download, so a hand-corrected one has no place to load; the export says what does (:func:`not_exported`).
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import catalog, csv_out
from pipelines.refusal import Refusal
from pipelines.wording import reason_text
from pipelines.sources import SOURCES

STATES = ("open", "resolved", "superseded", "dismissed")


def list_rows(con: duckdb.DuckDBPyConnection, load_id: str | None = None, state: str | None = "open") -> pd.DataFrame:
    """Quarantined rows (default: the open ones), oldest load first."""
    if state is not None and state not in STATES:
        raise Refusal(f"unknown state {state!r}; choose one of {', '.join(STATES)}")
    return catalog.quarantine_rows(con, load_id, state)


state_counts = catalog.state_counts


def dismiss(con: duckdb.DuckDBPyConnection, load_id: str, rows: list[int] | None = None) -> int:
    """Mark open rows of a load dismissed (the analyst decided they need no correction); returns how many.

    A row number that the load did not quarantine is refused (:class:`Refusal`, naming it): nothing is dismissed."""
    from pipelines.warehouse import transaction

    if rows:
        known = set(list_rows(con, load_id, state=None)["row_number"].astype(int))
        unknown = sorted(set(rows) - known)
        if unknown:
            raise Refusal(f"row(s) {', '.join(map(str, unknown))} of load {load_id} are not quarantined, so "
                          f"nothing was dismissed; see its rows with: wijkradar quarantine --load {load_id} "
                          "--state all")
    with transaction(con):
        return catalog.dismiss_rows(con, load_id, rows)


def export_rows(con: duckdb.DuckDBPyConnection, folder: Path, load_id: str | None = None) -> list[Path]:
    """One correction file per load with its open rows, written by ``csv_out`` (cells that a spreadsheet would
    run neutralised, fields with a line break, ``;`` or a quote quoted)."""
    rows = list_rows(con, load_id, state="open")
    rows = rows[~rows["source"].map(fetched).astype(bool)]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (load, source), part in rows.groupby(["load_id", "source"], sort=False):
        headers = SOURCES[source].HEADERS_NL
        values = pd.DataFrame([json.loads(v) for v in part["raw_values"]])
        out = pd.DataFrame({dutch: values.get(col, pd.Series("", index=values.index)).to_numpy()
                            for col, dutch in headers.items()})
        out["Rij in origineel"] = part["row_number"].to_numpy()
        out["Quarantaineregel"] = (part["load_id"] + ":" + part["row_number"].astype(str)).to_numpy()
        out["Reden"] = [reason_text(r, "nl") for r in part["reason"]]
        path = folder / f"{source}_correctie_{load}.csv"
        csv_out.write_csv(out, path)
        written.append(path)
    return written


def fetched(source: str) -> bool:
    """A source wijkradar downloads (police, CBS) rather than one delivered as files."""
    return not SOURCES[source].EXTENSIONS


def not_exported(con: duckdb.DuckDBPyConnection, load_id: str | None = None) -> list[str]:
    """Per load of a fetched source with open rows, a sentence saying why they are not exported and what closes them.

    Such a figure is the service's: a hand-typed one would be no police or CBS figure, and its cell is replaced by
    the next download anyway; a new download resolves each row the service now sends valid (the same cell), and
    the analyst dismisses the rest (a row that names no cell, such as one whose value was removed as personal)."""
    rows = list_rows(con, load_id, state="open")
    rows = rows[rows["source"].map(fetched).astype(bool)]
    out = []
    for (load, source), part in rows.groupby(["load_id", "source"], sort=False):
        year = " (with --year for an earlier year)" if source == "cbs-kwb" else ""
        out.append(f"{load}: {len(part)} open row(s) not exported: {source} figures are fetched from the service, "
                   "not delivered, so a corrected file cannot be loaded; a new download (`wijkradar ingest --source "
                   f"{source}`{year}) resolves each row the service now sends valid, and `wijkradar quarantine dismiss "
                   f"{load}` closes the rest")
    return out
