"""Access to the DuckDB warehouse: connections that wait when busy, migrations, transactions.

DuckDB allows one writing process per file. A second writer waits up to ``wait_seconds`` and
then fails with :class:`WarehouseBusy`, never corrupting anything. Migrations are the numbered
SQL files in ``pipelines/sql/``; each runs once, in its own transaction, and is recorded in
``meta.schema_version``.
"""
from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

SQL_DIR = Path(__file__).resolve().parent / "sql"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse."""


def expected_failure(exc: BaseException) -> str | None:
    """The sentence for a failure that is not a fault of wijkradar: the warehouse held by another process
    (:class:`WarehouseBusy`), a full disk or a file that could not be written; None for anything else."""
    import errno

    if isinstance(exc, WarehouseBusy):
        return str(exc)
    text = str(exc)
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1))
    if full or (isinstance(exc, duckdb.IOException) and any(
            w in text.lower() for w in ("write", "space", "too large", "disk"))):
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else text.rsplit(": ", 1)[-1].strip()
        return (f"the disk is full or a file could not be written ({reason[:80]}); free space and run the command "
                "again: the step that failed changed nothing in the warehouse")
    return None


@contextmanager
def connect(path: Path, read_only: bool = False, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating and migrating it when writable); wait while another process holds it.

    The wait defaults to ``$WIJKRADAR_BUSY_WAIT`` seconds (60).
    """
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("WIJKRADAR_BUSY_WAIT", "60"))
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (process {holder.group(1)})" if holder else ""
                raise WarehouseBusy(
                    f"warehouse busy: {path} is in use by another wijkradar process{who}. "
                    "Wait for that run to finish and try again."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: commit when the block ends, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:                      # e.g. a full disk: the first error is the one to report
            pass
        raise
    con.execute("COMMIT")


def migrations() -> list[tuple[int, str, Path]]:
    found = []
    for p in sorted(SQL_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_(.+)\.sql$", p.name)
        if m:
            found.append((int(m.group(1)), m.group(2), p))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.schema_version "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return con.execute("SELECT coalesce(max(version), 0) FROM meta.schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration the warehouse has not recorded, in order; return the schema version (the highest).

    By the set of recorded versions, not by the highest one: a migration that landed after a higher-numbered one
    (two branches merged in another order) is still applied to a warehouse that already had the higher one."""
    current = schema_version(con)
    done = {v for (v,) in con.execute("SELECT version FROM meta.schema_version").fetchall()}
    for version, name, path in migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO meta.schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, name]
            )
        current = max(current, version)
    _ensure_secret(con)
    return current


def _ensure_secret(con: duckdb.DuckDBPyConnection) -> None:
    """Write the warehouse's secret (``meta.warehouse_secret``: signs the teams' lists, keys pseudonyms) once."""
    import secrets
    from datetime import datetime

    # fetchall, not fetchone: a result left unfinished makes the next con.sql() on this connection refuse to run
    if con.execute("SELECT count(*) FROM meta.warehouse_secret").fetchall()[0][0] == 0:
        # the runs' clock, to the second as a run's finished_at: a run finishing in the second the secret is
        # made counts as made after it (its lists carry the keyed check)
        made = datetime.now().replace(microsecond=0)
        with transaction(con):
            con.execute("INSERT INTO meta.warehouse_secret SELECT ?, ? WHERE NOT EXISTS "
                        "(SELECT 1 FROM meta.warehouse_secret)", [secrets.token_hex(32), made])


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[str]:
    """``frame`` visible to SQL as ``name`` for the block (through Arrow), unregistered afterwards."""
    plain = frame.copy(deep=False)
    plain.attrs = {}                              # source metadata is not table content
    con.register(name, pa.Table.from_pandas(plain, preserve_index=False))
    try:
        yield name
    except BaseException:
        try:
            con.unregister(name)
        except duckdb.Error:                      # an aborted transaction refuses it; the first error is the cause
            pass
        raise
    con.unregister(name)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a DataFrame by column name; returns the number of rows written."""
    if frame.empty:
        return 0
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    # through Arrow: DuckDB reads Arrow columns without a Python object per value (10x faster on text)
    with registered(con, "_wijkradar_insert", frame):
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _wijkradar_insert")
    return len(frame)


def table_digest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash of every table (for idempotency checks)."""
    out = {}
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' ORDER BY 1, 2"
    ).fetchall()
    for schema, name in tables:
        (n, h), = con.execute(              # fetchall: no result left open on the caller's connection
            f'SELECT count(*), coalesce(sum(hash(t::VARCHAR)), 0)::VARCHAR FROM "{schema}"."{name}" t'
        ).fetchall()
        out[f"{schema}.{name}"] = (n, h)
    return out
