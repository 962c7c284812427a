"""Delivery semantics: how a load changes the counts, so that no delivery loses or double-counts data.

- **Record sources** (resident reports) keep a ledger of report keys. A report seen again replaces its
  earlier version and is never counted twice; counts are derived from the ledger. Nothing is retracted
  unless a delivery is declared a full export of a window; then reports of that window absent from it are.
- **Aggregate sources** keep cells at their own grain (buurt, signal, part such as the creditor, period).
  A delivery replaces exactly the cells it holds, never a range between them.
- **Safety valve**: a load that lowers a source's total for any period by more than a set share, or
  removes a period, is held (nothing applied) until an analyst accepts it.
- **Quarantine state**: a quarantined row is open until a later load brings a valid row with the same
  key (resolved) or quarantines the same key again (superseded), or an analyst dismisses it.

All functions take an open connection inside the caller's transaction; nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.warehouse import insert_frame

RECORD_COLUMNS = ["report_key", "area_code", "signal", "period", "period_start"]
CELL_COLUMNS = ["area_code", "signal", "part", "period", "period_start", "count", "provisional"]
QUARANTINE_REF = r"[a-z][a-z-]*-[0-9a-f]{12}:\d+"


class LoadHeld(RuntimeError):
    """The safety valve stopped a load; nothing of it was applied."""


@dataclass(frozen=True)
class LoadSettings:
    """Ingest settings; defaults here, overridden per municipality in ``lijst_instellingen.csv``."""

    max_drop_share: float = 0.20      # hold a load that lowers a source's total for a period by more than this
    max_count_wijkteam: int = 1_000   # plausibility ceiling per buurt, signal and period
    max_count_schulden: int = 1_000   # per buurt, creditor type and month
    max_count_politie: int = 5_000    # per buurt, crime type and month

    def max_count(self, source: str) -> int | None:
        return getattr(self, f"max_count_{source}", None)

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


# -- records -------------------------------------------------------------------------------------

def apply_records(con: duckdb.DuckDBPyConnection, source: str, records: pd.DataFrame, load_id: str, seq: int,
                  window: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> int:
    """Upsert report versions into the ledger; with ``window`` retract absent reports of it. Returns retractions."""
    frame = records[RECORD_COLUMNS]
    if frame["report_key"].duplicated().any():
        frame = frame.drop_duplicates("report_key", keep="last")
    frame = frame.assign(source=source, load_id=load_id, load_seq=seq, retracted_by=pd.Series(
        None, index=frame.index, dtype="str"))
    con.register("_wr_records", pa.Table.from_pandas(frame, preserve_index=False))
    try:
        con.execute("DELETE FROM core.report_ledger l USING _wr_records r "
                    "WHERE l.source = r.source AND l.report_key = r.report_key")
        con.execute("INSERT INTO core.report_ledger SELECT source, report_key, area_code, signal, period, "
                    "period_start, load_id, load_seq, retracted_by FROM _wr_records")
        duplicated = con.execute("SELECT count(*) - count(DISTINCT report_key) FROM core.report_ledger "
                                 "WHERE source = ?", [source]).fetchall()[0][0]
        if duplicated:                      # never expected: the load is rolled back rather than double-counted
            raise RuntimeError(f"ledger of {source} would hold {duplicated} report key(s) twice; load rolled back")
        if window is None:
            return 0
        # a full export of the window: what it no longer holds is retracted (kept, marked)
        return con.execute(
            "UPDATE core.report_ledger SET retracted_by = ? WHERE source = ? AND retracted_by IS NULL "
            "AND period_start BETWEEN ? AND ? AND report_key NOT IN (SELECT report_key FROM _wr_records)",
            [load_id, source, window[0], window[1]]).fetchall()[0][0]
    finally:
        con.unregister("_wr_records")


# -- cells ---------------------------------------------------------------------------------------

def apply_cells(con: duckdb.DuckDBPyConnection, source: str, cells: pd.DataFrame, load_id: str, seq: int) -> None:
    """Replace exactly the cells this delivery holds."""
    frame = cells.copy()
    if "provisional" not in frame:
        frame["provisional"] = False
    frame = frame[CELL_COLUMNS].assign(source=source, load_id=load_id, load_seq=seq)
    con.register("_wr_cells", frame)
    try:
        con.execute("DELETE FROM core.source_cells c USING _wr_cells n WHERE c.source = n.source "
                    "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part "
                    "AND c.period = n.period AND c.period_start = n.period_start")
    finally:
        con.unregister("_wr_cells")
    insert_frame(con, "core.source_cells", frame[["source", *CELL_COLUMNS, "load_id", "load_seq"]])


def rebuild_counts(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """``core.signal_counts`` of one source, derived again from its ledger or cells."""
    con.execute("DELETE FROM core.signal_counts WHERE source = ?", [source])
    con.execute(
        "INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id, provisional) "
        "SELECT area_code, signal, period, period_start, count(*)::INTEGER, source, arg_max(load_id, load_seq), false "
        "FROM core.report_ledger WHERE source = ? AND retracted_by IS NULL GROUP BY ALL", [source])
    con.execute(
        "INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id, provisional) "
        "SELECT area_code, signal, period, period_start, sum(count)::INTEGER, source, arg_max(load_id, load_seq), "
        "bool_or(provisional) FROM core.source_cells WHERE source = ? GROUP BY area_code, signal, period, "
        "period_start, source", [source])


# -- safety valve --------------------------------------------------------------------------------

def totals(con: duckdb.DuckDBPyConnection, source: str) -> pd.DataFrame:
    return con.execute("SELECT period, period_start, sum(count)::BIGINT AS total FROM core.signal_counts "
                       "WHERE source = ? GROUP BY ALL", [source]).df()


def drops(before: pd.DataFrame, after: pd.DataFrame, max_share: float) -> list[str]:
    """Periods whose total falls by more than ``max_share`` (or vanishes), described for a person."""
    merged = before.merge(after, on=["period", "period_start"], how="left", suffixes=("_before", "_after"))
    merged["total_after"] = merged["total_after"].fillna(0)
    bad = merged[(merged["total_before"] > 0) & (merged["total_after"] < merged["total_before"] * (1 - max_share))]
    out = []
    for r in bad.sort_values("period_start").itertuples(index=False):
        label = pd.Timestamp(r.period_start).strftime("%G-W%V" if r.period == "week" else "%Y-%m")
        gone = " (removed)" if r.total_after == 0 else ""
        out.append(f"{label} {int(r.total_before)} -> {int(r.total_after)}{gone}")
    return out


def hold(con: duckdb.DuckDBPyConnection, digest: str, source: str, file_name: str, path: str, mode: str,
         reason: str) -> None:
    """Record a held load once (holding it again on a re-run changes nothing)."""
    con.execute("INSERT INTO meta.held_loads VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, NULL) "
                "ON CONFLICT (content_hash) DO NOTHING", [digest, source, file_name, path, mode, reason])


def accepted_drop(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.held_loads WHERE content_hash = ? AND accepted_at IS NOT NULL",
                            [digest]).fetchall()[0][0])


# -- quarantine states ---------------------------------------------------------------------------

def update_quarantine_states(con: duckdb.DuckDBPyConnection, source: str, load_id: str,
                             accepted_keys: pd.Series, quarantined_keys: pd.Series,
                             accepted_refs: pd.Series, quarantined_refs: pd.Series) -> None:
    """Earlier open rows: resolved by a valid row with their key (or a correction naming them), superseded
    by a new quarantined row with their key."""
    for keys, column, state in ((accepted_keys, "record_key", "resolved"), (quarantined_keys, "record_key", "superseded"),
                                (accepted_refs, "ref", "resolved"), (quarantined_refs, "ref", "superseded")):
        keys = pd.Series(keys, dtype=object).dropna().drop_duplicates()
        if keys.empty:
            continue
        con.register("_wr_keys", pd.DataFrame({"k": keys.astype(str).to_numpy()}))
        try:
            target = "q.record_key" if column == "record_key" else "q.load_id || ':' || q.row_number"
            con.execute(
                f"UPDATE quarantine.rows q SET state = ?, state_by = ?, state_at = now()::TIMESTAMP "
                f"FROM _wr_keys k WHERE q.source = ? AND q.state = 'open' AND q.load_id <> ? AND {target} = k.k",
                [state, load_id, source, load_id])
        finally:
            con.unregister("_wr_keys")
