"""Quarantined rows: list them with their reasons and states, export the open ones for correction, dismiss.

A row is ``open`` until a later load brings a valid row with the same key (``resolved``), a later
load quarantines the same key again (``superseded``: the newer row is the one to fix), or an
analyst dismisses it (``dismissed``). The export writes the open rows of each load to
``<source>_correctie_<load>.csv`` with the source's own Dutch headers, the row number as the
original file shows it, a ``Quarantaineregel`` that ties each row to its quarantined original, and
the ``Reden`` in Dutch (``pipelines.wording.reason_text``; the warehouse and the analysts' CLI keep the
sources' English reasons). Fix the rows and drop the file in the inbox: it loads as a correction, and loading it
twice changes nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import catalog, csv_out
from pipelines.wording import reason_text
from pipelines.sources import SOURCES

STATES = ("open", "resolved", "superseded", "dismissed")


def list_rows(con: duckdb.DuckDBPyConnection, load_id: str | None = None, state: str | None = "open") -> pd.DataFrame:
    """Quarantined rows (default: the open ones), oldest load first."""
    if state is not None and state not in STATES:
        raise ValueError(f"unknown state {state!r}; choose one of {', '.join(STATES)}")
    return catalog.quarantine_rows(con, load_id, state)


state_counts = catalog.state_counts


def dismiss(con: duckdb.DuckDBPyConnection, load_id: str, rows: list[int] | None = None) -> int:
    """Mark open rows of a load dismissed (the analyst decided they need no correction); returns how many.

    A row number that the load did not quarantine is refused (``ValueError``, naming it): nothing is dismissed."""
    from pipelines.warehouse import transaction

    if rows:
        known = set(list_rows(con, load_id, state=None)["row_number"].astype(int))
        unknown = sorted(set(rows) - known)
        if unknown:
            raise ValueError(f"row(s) {', '.join(map(str, unknown))} of load {load_id} are not quarantined, so "
                             f"nothing was dismissed; see its rows with: wijkradar quarantine --load {load_id} "
                             "--state all")
    with transaction(con):
        return catalog.dismiss_rows(con, load_id, rows)


def export_rows(con: duckdb.DuckDBPyConnection, folder: Path, load_id: str | None = None) -> list[Path]:
    """One correction file per load with its open rows, written by ``csv_out`` (cells that a spreadsheet would
    run neutralised, fields with a line break, ``;`` or a quote quoted)."""
    rows = list_rows(con, load_id, state="open")
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
