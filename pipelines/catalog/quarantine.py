"""Quarantined rows (``quarantine.rows``): written by ingest, read and dismissed by analysts."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame, registered

Con = duckdb.DuckDBPyConnection


def write_quarantine_rows(con: Con, rows: pd.DataFrame) -> int:
    return insert_frame(con, "quarantine.rows", rows)


def quarantine_rows(con: Con, load_id: str | None = None, state: str | None = "open") -> pd.DataFrame:
    """Quarantined rows (of one load, in one state), oldest load first."""
    return con.execute(
        "SELECT q.load_id, q.source, l.file_name, q.row_number, q.reason, q.raw_values, q.state, q.state_by "
        "FROM quarantine.rows q JOIN meta.loads l USING (load_id) "
        "WHERE (? IS NULL OR q.load_id = ?) AND (? IS NULL OR q.state = ?) "
        "ORDER BY l.loaded_at, l.load_seq, q.load_id, q.row_number",
        [load_id, load_id, state, state],
    ).df()


def state_counts(con: Con) -> pd.DataFrame:
    """Quarantined rows per source and state."""
    return con.execute("SELECT source, state, count(*) AS n FROM quarantine.rows GROUP BY ALL ORDER BY 1, 2").df()


def state_totals(con: Con) -> dict[str, int]:
    """Quarantined rows per state."""
    return dict(con.execute("SELECT state, count(*) FROM quarantine.rows GROUP BY 1").fetchall())


def open_reasons(con: Con) -> pd.DataFrame:
    """Open rows per load and reason, most frequent first."""
    return con.execute(
        "SELECT load_id, reason, count(*) AS n FROM quarantine.rows WHERE state = 'open' "
        "GROUP BY ALL ORDER BY load_id, n DESC"
    ).df()


def _open_count(con: Con, load_id: str) -> int:
    return con.execute("SELECT count(*) FROM quarantine.rows WHERE load_id = ? AND state = 'open'",
                       [load_id]).fetchall()[0][0]


def dismiss_rows(con: Con, load_id: str, rows: list[int] | None = None) -> int:
    """Mark open rows of a load (all, or the given row numbers) dismissed; returns how many."""
    before = _open_count(con, load_id)
    con.execute(
        "UPDATE quarantine.rows SET state = 'dismissed', state_by = 'analyst', state_at = now()::TIMESTAMP "
        "WHERE load_id = ? AND state = 'open' AND (? IS NULL OR list_contains(?::INTEGER[], row_number))",
        [load_id, None if not rows else 1, rows or []])
    return before - _open_count(con, load_id)


def update_states(con: Con, source: str, load_id: str, keys: pd.Series, column: str, state: str) -> None:
    """Open rows of earlier loads whose record key (``column='record_key'``) or ``load:row`` reference
    (``column='ref'``) is in ``keys`` get ``state``."""
    target = "q.record_key" if column == "record_key" else "q.load_id || ':' || q.row_number"
    # the open rows' keys first: few or none, where a file's keys are millions
    held = con.execute(f"SELECT DISTINCT {target} FROM quarantine.rows q WHERE q.source = ? AND q.state = 'open' "
                       "AND q.load_id <> ?", [source, load_id]).fetchnumpy()
    held = next(iter(held.values()))
    if not len(held):
        return
    keys = pd.Series(keys, dtype=object).dropna().astype(str)
    keys = keys[keys.isin(held)].drop_duplicates()
    if keys.empty:
        return
    with registered(con, "_wr_keys", pd.DataFrame({"k": keys.to_numpy()})):
        con.execute(
            f"UPDATE quarantine.rows q SET state = ?, state_by = ?, state_at = now()::TIMESTAMP "
            f"FROM _wr_keys k WHERE q.source = ? AND q.state = 'open' AND q.load_id <> ? AND {target} = k.k",
            [state, load_id, source, load_id])


def ref_states(con: Con, source: str, refs: pd.Series) -> pd.DataFrame:
    """``ref``, ``state``, ``state_by`` and the mode and sequence of that load (``by_mode``, ``by_seq``) of the
    quarantined rows named by ``load:row`` references; references to rows not held are absent."""
    refs = pd.Series(refs, dtype=object).dropna().drop_duplicates()
    with registered(con, "_wr_refs", pd.DataFrame({"ref": refs.astype(str).to_numpy()})):
        return con.execute(
            "SELECT r.ref, q.state, q.state_by, l.mode AS by_mode, l.load_seq AS by_seq "
            "FROM quarantine.rows q JOIN _wr_refs r ON q.load_id || ':' || q.row_number = r.ref "
            "LEFT JOIN meta.loads l ON l.load_id = q.state_by WHERE q.source = ?", [source]).df()
