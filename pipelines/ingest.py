"""Ingest: one file -> raw rows, Great Expectations validation, quarantine, core counts, in one transaction.

A file already loaded (same content hash) is skipped. The file is archived unchanged under
``archive/<source>/`` before anything is written. Rows read = rows accepted + rows quarantined,
recorded in ``meta.loads`` (and enforced by a CHECK constraint). A new file for periods that are
already loaded replaces those periods of that source (a new vintage); the earlier raw rows stay.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.reference import Reference
from pipelines.sources import SOURCES
from pipelines.validate import run_suite
from pipelines.warehouse import insert_frame, transaction

log = logging.getLogger("wijkradar.ingest")


@dataclass(frozen=True)
class LoadResult:
    load_id: str
    source: str
    file_name: str
    skipped: bool
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0

    def describe(self) -> str:
        if self.skipped:
            return f"{self.file_name}: already loaded as {self.load_id}, skipped"
        return (f"{self.file_name}: {self.rows_read} rows read, {self.rows_accepted} accepted, "
                f"{self.rows_quarantined} quarantined (load {self.load_id})")


def _fault_point(name: str) -> None:
    """Fault injection for the crash tests: pause here when ``WIJKRADAR_FAULT_PAUSE`` names this point."""
    if os.environ.get("WIJKRADAR_FAULT_PAUSE") == name:
        print(f"fault point {name} reached", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("WIJKRADAR_FAULT_SECONDS", "60")))


KEY = ["area_code", "signal", "period", "period_start"]
COLUMNS = [*KEY, "count", "source", "load_id"]


def _columns(counts: pd.DataFrame) -> list[str]:
    return COLUMNS + (["provisional"] if "provisional" in counts.columns else [])


def _replace_periods(con: duckdb.DuckDBPyConnection, source: str, counts: pd.DataFrame) -> None:
    """A delivery replaces everything this source had for the periods it covers (a new vintage)."""
    for period, part in counts.groupby("period"):
        con.execute(
            "DELETE FROM core.signal_counts WHERE source = ? AND period = ? AND period_start BETWEEN ? AND ?",
            [source, period, part["period_start"].min(), part["period_start"].max()],
        )
    insert_frame(con, "core.signal_counts", counts[_columns(counts)])


def _apply_correction(con: duckdb.DuckDBPyConnection, source: str, counts: pd.DataFrame, additive: bool) -> None:
    """Corrected rows: added to existing counts (record sources) or replacing the same keys only."""
    if counts.empty:
        return
    con.register("_wijkradar_new", counts[COLUMNS])
    try:
        if additive:
            merged = con.execute(
                "SELECT n.area_code, n.signal, n.period, n.period_start, n.count + coalesce(c.count, 0) AS count, "
                "n.source, n.load_id FROM _wijkradar_new n LEFT JOIN core.signal_counts c "
                "USING (area_code, signal, period, period_start)"
            ).df()
        else:
            merged = counts[_columns(counts)]
        con.execute(
            "DELETE FROM core.signal_counts c USING _wijkradar_new n WHERE c.area_code = n.area_code "
            "AND c.signal = n.signal AND c.period = n.period AND c.period_start = n.period_start"
        )
    finally:
        con.unregister("_wijkradar_new")
    insert_frame(con, "core.signal_counts", merged)


def _write_core(con: duckdb.DuckDBPyConnection, module, accepted: pd.DataFrame, load_id: str, mode: str):
    """Accepted rows into core; returns the first and last period the load covers."""
    if hasattr(module, "write_core"):             # sources that feed other core tables than counts
        return module.write_core(con, accepted, load_id)
    counts = module.to_counts(accepted).assign(source=module.NAME, load_id=load_id)
    if mode == "replace":
        _replace_periods(con, module.NAME, counts)
    else:
        _apply_correction(con, module.NAME, counts, additive=module.ADDITIVE)
    if counts.empty:
        return None, None
    return counts["period_start"].min(), counts["period_start"].max()


def content_hash(path: Path) -> str:
    """SHA-256 of a file, or of every file (name and bytes) of an archived payload folder."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, source: str, ref: Reference,
                archive_dir: Path, today: pd.Timestamp | None = None,
                max_failed_share: float = 0.5, mode: str | None = None,
                docs_root: Path | None = None) -> LoadResult:
    """Load one file of ``source``; raises IngestError / ValidationRefused with a clear message.

    ``mode`` ``replace`` (a delivery: its periods replace what this source had for them) or
    ``correction`` (rows fixed after quarantine: added to the counts, or replacing only the same
    keys for sources whose rows are counts per key). Default: ``correction`` when the file name
    contains "correctie", else ``replace``.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; choose one of {sorted(SOURCES)}")
    module = SOURCES[source]
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; give the path of the file to load")
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    mode = mode or ("correction" if "correctie" in path.name.lower() else "replace")
    if mode not in ("replace", "correction"):
        raise ValueError(f"unknown load mode {mode!r}; use replace or correction")
    digest = content_hash(path)
    known = con.execute("SELECT load_id FROM meta.loads WHERE content_hash = ?", [digest]).fetchall()
    if known:
        return LoadResult(known[0][0], source, path.name, skipped=True)
    load_id = f"{source}-{digest[:12]}"

    raw = module.read(path)
    frame = module.typed(raw, ref)
    verdict = run_suite(source, frame, module.checks(ref, today), max_failed_share=max_failed_share,
                        docs_root=docs_root)
    accepted = frame[verdict.accepted.to_numpy()]

    target = archive_dir / source / f"{digest[:12]}__{path.name}"
    already_archived = path.is_dir() and (archive_dir / source) in path.resolve().parents
    if not target.exists() and not already_archived:
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)

    raw_rows = raw.assign(load_id=load_id)
    quarantined = raw.merge(verdict.failures, on="row_number")
    quarantine_rows = pd.DataFrame(
        {
            "load_id": load_id,
            "source": source,
            "row_number": quarantined["row_number"].astype("int64"),
            "reason": quarantined["reason"],
            "expectation": quarantined["expectation"],
            "raw_values": [json.dumps({c: r[c] for c in module.RAW_COLUMNS}, ensure_ascii=False)
                           for _, r in quarantined.iterrows()],
        }
    )
    with transaction(con):
        raw_table = getattr(module, "RAW_TABLE", source)
        insert_frame(con, f"raw.{raw_table}", raw_rows[["load_id", "row_number", *module.RAW_COLUMNS]])
        insert_frame(con, "quarantine.rows", quarantine_rows)
        _fault_point("ingest-mid-transaction")
        periods_from, periods_to = _write_core(con, module, accepted, load_id, mode)
        con.execute(
            "INSERT INTO meta.loads VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)",
            [load_id, source, path.name, digest, len(raw), int(len(accepted)), len(quarantine_rows),
             periods_from, periods_to],
        )
    return LoadResult(load_id, source, path.name, False, len(raw), int(len(accepted)), len(quarantine_rows))
