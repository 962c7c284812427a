"""Loads in ``meta``: what was loaded, the load sequence, loads held by the safety valve, the schema."""
from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

Con = duckdb.DuckDBPyConnection


def load_by_hash(con: Con, digest: str) -> str | None:
    """The load id of a file with this content, if it was loaded before."""
    got = con.execute("SELECT load_id FROM meta.loads WHERE content_hash = ?", [digest]).fetchall()
    return got[0][0] if got else None


def load_exists(con: Con, load_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.loads WHERE load_id = ?", [load_id]).fetchall()[0][0])


def next_load_seq(con: Con) -> int:
    return con.execute("SELECT nextval('meta.load_seq')").fetchall()[0][0]


def record_load(con: Con, load_id: str, source: str, file_name: str, digest: str, rows_read: int,
                rows_accepted: int, rows_quarantined: int, periods_from, periods_to, seq: int, mode: str,
                rows_retracted: int, file_modified_at=None, period_kinds: tuple[str | None, str | None] = (None, None)
                ) -> None:
    """One row in ``meta.loads``; the reconciliation rows read = accepted + quarantined is a table constraint.
    ``period_kinds``: week or month of ``periods_from`` and ``periods_to`` (None: the source's one kind)."""
    con.execute(
        "INSERT INTO meta.loads (load_id, source, file_name, content_hash, loaded_at, rows_read, rows_accepted, "
        "rows_quarantined, periods_from, periods_to, load_seq, mode, rows_retracted, file_modified_at, "
        "periods_from_kind, periods_to_kind) VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, source, file_name, digest, rows_read, rows_accepted, rows_quarantined,
         periods_from, periods_to, seq, mode, rows_retracted, file_modified_at, *period_kinds],
    )


def loads(con: Con) -> pd.DataFrame:
    """Every load with its reconciliation, oldest first."""
    return con.execute(
        "SELECT load_id, source, file_name, loaded_at, rows_read, rows_accepted, rows_quarantined, "
        "coalesce(rows_retracted, 0) AS rows_retracted FROM meta.loads ORDER BY loaded_at"
    ).df()


def load_archives(con: Con) -> pd.DataFrame:
    """Every load's id, source, file name and content hash: what names its folder in ``archive/``."""
    return con.execute("SELECT load_id, source, file_name, content_hash FROM meta.loads ORDER BY loaded_at").df()


def loads_of(con: Con, load_ids: list[str]) -> pd.DataFrame:
    """The loads a run saw, with their files and period ranges."""
    return con.execute("SELECT source, file_name, loaded_at, periods_from, periods_to, periods_from_kind, "
                       "periods_to_kind FROM meta.loads "
                       "WHERE list_contains(?::VARCHAR[], load_id) ORDER BY loaded_at", [load_ids]).df()


# -- held loads ---------------------------------------------------------------------------------

def hold(con: Con, digest: str, source: str, file_name: str, path: str, mode: str, reason: str,
         window: tuple | None = None, held_for: dict | None = None) -> None:
    """Record a held load, with the window of a full export and what it is held for (``{"older": [load ids]}`` or
    ``{"drop": [periods]}``). Held again (a re-run), it keeps when it was first held and takes the reason it is held
    for now, so `wijkradar loads` says what the last ingest said. A load held again after an analyst accepted it
    waits again, for its new reason; what was accepted before stays accepted."""
    first, last = window or (None, None)
    what = json.dumps(held_for or {})
    con.execute("UPDATE meta.held_loads SET held_at = now()::TIMESTAMP, reason = ?, held_for = ?, accepted_at = NULL "
                "WHERE content_hash = ? AND accepted_at IS NOT NULL", [reason, what, digest])
    con.execute("INSERT INTO meta.held_loads (content_hash, source, file_name, path, mode, held_at, reason, "
                "accepted_at, window_first, window_last, held_for) "
                "VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, NULL, ?, ?, ?) "
                "ON CONFLICT (content_hash) DO UPDATE SET reason = excluded.reason, held_for = excluded.held_for",
                [digest, source, file_name, path, mode, reason, first, last, what])


def held_window(con: Con, digest: str) -> str | None:
    """The window (``jjjj-mm-dd:jjjj-mm-dd``) a file was held with as a full export, so that accepting it, or
    delivering it again, applies it as it was held; None for a file not held as one."""
    got = con.execute("SELECT window_first, window_last FROM meta.held_loads WHERE content_hash = ? "
                      "AND window_first IS NOT NULL", [digest]).fetchall()
    return f"{got[0][0]:%Y-%m-%d}:{got[0][1]:%Y-%m-%d}" if got else None


def waivers(con: Con, digest: str) -> dict:
    """What an analyst accepted of this file's holds: ``older`` (the newer loads it may overwrite) and ``drop``
    (the periods it may lower, as they were measured; None: any); empty when nothing was accepted."""
    got = con.execute("SELECT waived FROM meta.held_loads WHERE content_hash = ? AND waived IS NOT NULL",
                      [digest]).fetchall()
    return json.loads(got[0][0]) if got else {}


def release_hold(con: Con, digest: str) -> None:
    """A held file that has now loaded is no longer waiting."""
    con.execute("DELETE FROM meta.held_loads WHERE content_hash = ? AND accepted_at IS NULL", [digest])


def held_loads(con: Con) -> pd.DataFrame:
    """Loads waiting for an analyst, oldest first."""
    return con.execute("SELECT content_hash, source, file_name, held_at, reason FROM meta.held_loads "
                       "WHERE accepted_at IS NULL ORDER BY held_at").df()


def held_count(con: Con) -> int:
    return con.execute("SELECT count(*) FROM meta.held_loads WHERE accepted_at IS NULL").fetchall()[0][0]


def find_held(con: Con, prefix: str) -> list[tuple[str, str, str, str]]:
    """Waiting held loads whose id starts with ``prefix``: (content_hash, source, place, mode); the place is
    :func:`pipelines.ingest.held_place`: the file's path, its folder or empty."""
    return con.execute("SELECT content_hash, source, path, mode FROM meta.held_loads WHERE content_hash LIKE ? "
                       "AND accepted_at IS NULL", [prefix.strip().lower() + "%"]).fetchall()


def accepted_waivers(con: Con, digest: str) -> dict:
    """:func:`waivers` once an analyst accepts what the load is held for now (kept with what was accepted before);
    nothing is written: :func:`accept_held` records it."""
    got = con.execute("SELECT held_for, waived FROM meta.held_loads WHERE content_hash = ?", [digest]).fetchall()
    if not got:
        return {}
    now, before = json.loads(got[0][0] or "{}"), json.loads(got[0][1] or "{}")
    if "older" in now and "older" in before:        # every newer load accepted so far may be overwritten
        now["older"] = sorted(set(now["older"] or []) | set(before["older"] or []))
    return {**before, **now}


def accept_held(con: Con, digest: str) -> None:
    """An analyst accepts what the load is held for now (and keeps what was accepted of it before). Accepting a
    file that is there to load is written with its load (``ingest_file(..., accepting=True)``), so a load stopped
    half-way leaves it listed as held."""
    con.execute("UPDATE meta.held_loads SET accepted_at = now()::TIMESTAMP, waived = ? WHERE content_hash = ?",
                [json.dumps(accepted_waivers(con, digest)), digest])


# -- schema -------------------------------------------------------------------------------------

def schema_version(con: Con) -> int:
    return con.execute("SELECT max(version) FROM meta.schema_version").fetchall()[0][0]


def schema_columns(con: Con) -> list[tuple]:
    """(schema, table, column, type, nullable) of every column, in table order."""
    return con.execute(
        "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position").fetchall()


def warehouse_secret(con: Con) -> tuple[bytes, datetime] | None:
    """The warehouse's secret and when it was made (``meta.warehouse_secret``); None before migration 009."""
    from pipelines.catalog.reports import has_table

    rows = con.execute("SELECT secret, created_at FROM meta.warehouse_secret LIMIT 1").fetchall() \
        if has_table(con, "meta", "warehouse_secret") else []
    return (bytes.fromhex(rows[0][0]), rows[0][1]) if rows else None

