"""Quarantined rows: list them with their reasons, export them for correction.

The export writes one file per load, named ``<source>_correctie_<load>.csv`` with the source's own
Dutch headers plus a ``Reden`` column. Fix the rows, drop the file in the inbox (or
``wijkradar ingest`` it): it loads as a correction, added to the counts instead of replacing
the periods it covers.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.sources import SOURCES


def list_rows(con: duckdb.DuckDBPyConnection, load_id: str | None = None) -> pd.DataFrame:
    return con.execute(
        "SELECT q.load_id, q.source, l.file_name, q.row_number, q.reason, q.raw_values "
        "FROM quarantine.rows q JOIN meta.loads l USING (load_id) "
        "WHERE ? IS NULL OR q.load_id = ? ORDER BY l.loaded_at, q.load_id, q.row_number",
        [load_id, load_id],
    ).df()


def export_rows(con: duckdb.DuckDBPyConnection, folder: Path, load_id: str | None = None) -> list[Path]:
    rows = list_rows(con, load_id)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (load, source), part in rows.groupby(["load_id", "source"], sort=False):
        headers = SOURCES[source].HEADERS_NL
        values = pd.DataFrame([json.loads(v) for v in part["raw_values"]])
        out = pd.DataFrame({dutch: values.get(col, "") for col, dutch in headers.items()})
        out["Rij in origineel"] = part["row_number"].to_numpy()
        out["Reden"] = part["reason"].to_numpy()
        path = folder / f"{source}_correctie_{load}.csv"
        out.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
        written.append(path)
    return written
