"""Access to the DuckDB warehouse: connections that wait when busy, migrations, transactions.

DuckDB allows one writing process per file. A second writer waits up to ``wait_seconds`` and
then fails with :class:`WarehouseBusy`, never corrupting anything. A file that cannot be read as a warehouse (cut
off, damaged blocks, not a DuckDB file) fails with :class:`WarehouseDamaged`, in one sentence; too little memory
never does (:func:`short_of_memory`). Migrations are the numbered
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


class WarehouseDamaged(RuntimeError):
    """The warehouse file cannot be read: cut off, damaged, or not a DuckDB database (the sentence says what to do)."""

    def __init__(self, path: Path, problem: str):
        self.path = Path(path)
        super().__init__(
            f"the warehouse {self.path} cannot be read: it is damaged or not a wijkradar warehouse ({problem}). "
            f"Restore {self.path.name} from the backup of the working folder and run the command again; keep the "
            f"damaged file (rename it, e.g. to {self.path.name}.damaged) rather than deleting it; without a backup, "
            "with it moved aside the next `wijkradar run` starts a new, empty warehouse, into which the deliveries "
            "must be put in the inbox and loaded again"
        )


class Interrupted(KeyboardInterrupt):
    """A signal (Ctrl-C, SIGTERM) that arrived during a query: DuckDB reports it as ``RuntimeError('Query
    interrupted')``, which Prefect would log as a failed task with its traceback; it unwinds as the interrupt it was."""


#: set when a COMMIT reported the interrupt: DuckDB may have stored the transaction before it noticed the signal
commit_interrupted = False


def _interrupt(exc: BaseException) -> bool:
    return type(exc) is RuntimeError and str(exc) == "Query interrupted"


#: what DuckDB says of a database file it cannot read (lower case), and how the sentence names it
_DAMAGE = (
    ("not a valid duckdb database file", "it is not a DuckDB database file"),
    ("could not read enough bytes", "the file is shorter than its contents: cut off"),
    ("corrupt database file", "a block of the file does not match its checksum"),
    ("checksum", "a block of the file does not match its checksum"),
    ("failed to load metadata", "its table of contents cannot be read"),
    ("serialization error", "its table of contents cannot be read"),
)
#: a DuckDB file starts with three 4 KiB headers; its blocks follow
_HEADER_BYTES = 3 * 4096
#: per warehouse path, the file's (size, mtime) when this process last closed or checked it: a file no one else
#: changed since is not checked again (every task of a flow opens the warehouse anew)
_known: dict[Path, tuple[int, int]] = {}
#: per warehouse path, how many connections of this process are open (while one writes, the file is not checked)
_open: dict[Path, int] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def damage(exc: BaseException, path: Path | None = None) -> str | None:
    """What is wrong with the warehouse file when DuckDB's error ``exc`` says it cannot read it, else None.

    An error that names another file ("Could not read enough bytes from file x.parquet") is not the warehouse's;
    with ``path`` None any ``.duckdb`` file (and its ``.wal``) counts as the warehouse."""
    if not isinstance(exc, duckdb.Error) or short_of_memory(exc):    # a read that found no memory found no damage
        return None
    text = str(exc).lower()
    quoted = re.search(r'file "([^"]+)"', str(exc))
    if quoted:
        named = quoted.group(1).removesuffix(".wal")
        if (named != str(path) if path is not None else not named.endswith(".duckdb")):
            return None
    for marker, problem in _DAMAGE:
        if marker in text:
            return problem
    return None


def _truncated(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """The file ends before the last block its tables use: a cut-off copy, which DuckDB opens and reads until a
    query reaches the missing part. Metadata only (``pragma_storage_info``): milliseconds, also for gigabytes."""
    block_size = con.execute("SELECT block_size FROM pragma_database_size() "
                             "WHERE database_name = current_database()").fetchall()[0][0]
    names = ['"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'
             for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                              "WHERE database_name = current_database()").fetchall()]
    last = -1
    if names:                                   # one statement for all tables: a third of a query per table's time
        each = " UNION ALL ".join(["SELECT max(block_id) AS top FROM pragma_storage_info(?) WHERE block_id >= 0"]
                                  * len(names))
        (top,), = con.execute(f"SELECT max(top) FROM ({each})", names).fetchall()
        last = top if top is not None else -1
    return path.stat().st_size < _HEADER_BYTES + (last + 1) * block_size


#: what an error says (lower case) when the process could not get memory or a thread: DuckDB's allocation failure,
#: the system's ENOMEM, a thread the system would not start
_SHORT_OF_MEMORY = ("out of memory", "cannot allocate memory", "could not allocate", "failed to allocate",
                    "can't start new thread", "bad_alloc")


def short_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says the process ran out of memory (DuckDB's ``OutOfMemoryException``, Python's
    ``MemoryError``, ENOMEM, a thread that could not be started): a limit such as ``ulimit -v`` or a container's, not
    a fault of the warehouse, which such an error must never be called (red team 12c F4)."""
    import errno

    if isinstance(exc, (MemoryError, duckdb.OutOfMemoryException)):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    return isinstance(exc, (duckdb.Error, OSError, RuntimeError)) and any(
        w in str(exc).lower() for w in _SHORT_OF_MEMORY)


def system_failure(exc: BaseException) -> tuple[str, str] | None:
    """``(problem, remedy)`` for a failure of the system, not of wijkradar nor of the warehouse: a full disk, a file
    that could not be written, too little memory; None for anything else. The parts of :func:`expected_failure`'s
    sentence, for a step that says more of what it did (the lists in place, their record not: ``flows.export``)."""
    import errno

    if short_of_memory(exc):
        # the error's own words only when they are DuckDB's or the system's (a MemoryError says nothing)
        said = str(exc).strip().splitlines()
        reason = said[0][:100] if said and not isinstance(exc, MemoryError) else type(exc).__name__
        return (f"the command had too little memory ({reason}); the warehouse is not damaged",
                "give the process more memory (raise its limit: `ulimit -v`, the container's or the scheduler's "
                "memory limit; a run reserves far more address space than it keeps in use) or stop other programs")
    text = str(exc)
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1))
    # DuckDB reports a commit that could not write its log as a TransactionException, SQLite (Prefect's database)
    # as an OperationalError: the system's words are the same (red team 7a F1: a traceback instead of this sentence)
    said = any(w in text.lower() for w in ("no space left", "disk is full", "disk quota", "file too large"))
    if full or said or (isinstance(exc, duckdb.IOException) and any(
            w in text.lower() for w in ("write", "space", "too large", "disk"))):
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else text.rsplit(": ", 1)[-1].strip()
        return f"the disk is full or a file could not be written ({reason[:80]})", "free space"
    return None


def expected_failure(exc: BaseException, also_unchanged: str | None = None) -> str | None:
    """The sentence for a failure that is not a fault of wijkradar: the warehouse held by another process
    (:class:`WarehouseBusy`), a damaged warehouse file (:class:`WarehouseDamaged`), a full disk, a file that could
    not be written or too little memory (:func:`system_failure`); None for anything else. ``also_unchanged``: what
    else the failed step left as it was, for a command that writes outside the warehouse ("the earlier reports")."""
    if isinstance(exc, (WarehouseBusy, WarehouseDamaged)):
        return str(exc)
    failure = system_failure(exc)
    if failure is None:
        return None
    problem, remedy = failure
    unchanged = f", and {also_unchanged} are as they were" if also_unchanged else ""
    return (f"{problem}; {remedy} and run the command again: the step that failed changed nothing in the "
            f"warehouse{unchanged}")


@contextmanager
def connect(path: Path, read_only: bool = False, wait_seconds: float | None = None,
            only_reads: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating and migrating it when writable); wait while another process holds it.

    The wait defaults to ``$WIJKRADAR_BUSY_WAIT`` seconds (60). A file DuckDB cannot read as a database, when opened
    or later in the block, raises :class:`WarehouseDamaged`.

    A warehouse on a read-only file system (a snapshot, a backup or a share mounted read-only) raises the system's
    ``OSError`` (EROFS) naming the file, which commands turn into their one sentence without the path (DuckDB's
    error quotes it; red team 10b F3). A caller that ``only_reads`` (``status``, ``flags``, ``explain``, the
    listings) gets the file opened read-only there instead, when its schema needs no migration: a write in the block
    raises the same ``OSError``. Elsewhere such a caller opens it as usual, so that it migrates the file and waits
    for a writer as every command does.
    """
    path = Path(path)
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("WIJKRADAR_BUSY_WAIT", "60"))
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    # decided before opening: a WAL holds blocks the file does not have yet, a new file has nothing to check, and a
    # file as this process left it was whole
    stamp = _stamp(path)
    check_length = (stamp is not None and _known.get(path) != stamp and not _open.get(path)
                    and not Path(f"{path}.wal").exists())
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if _read_only_system(exc) and not read_only:
                if not only_reads:
                    raise _read_only_error(path) from exc
                read_only = True                  # a copy to look at: read it as it is (checked below)
                continue
            if "lock" not in str(exc).lower():
                _raise_if_unreadable(exc, path, opening=True)
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
        except duckdb.Error as exc:               # a checksum that does not match, a header DuckDB cannot parse
            _raise_if_unreadable(exc, path, opening=True)
            raise
    _open[path] = _open.get(path, 0) + 1
    whole = True
    try:
        if check_length:
            if _truncated(con, path):
                raise WarehouseDamaged(path, "the file is shorter than its contents: cut off")
        if not read_only:
            migrate(con)
        elif only_reads and pending_migrations(con):
            raise _read_only_error(path)          # a copy of an older version: its tables are not the ones read
        yield con
    except WarehouseDamaged:
        whole = False
        raise
    except duckdb.InvalidInputException as exc:
        if only_reads and "read-only mode" in str(exc):
            raise _read_only_error(path) from exc
        raise
    except duckdb.Error as exc:
        whole = damage(exc, path) is None
        _raise_if_unreadable(exc, path)
        raise
    except RuntimeError as exc:
        if _interrupt(exc):
            raise Interrupted() from exc
        raise
    finally:
        con.close()
        _open[path] -= 1
        if not _open[path]:
            del _open[path]
            if whole:                             # as this process leaves it: whole, and checkpointed by the close
                _known[path] = _stamp(path)
            else:
                _known.pop(path, None)


def _read_only_system(exc: duckdb.Error) -> bool:
    return "read-only file system" in str(exc).lower()


def _read_only_error(path: Path) -> OSError:
    import errno

    return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))


def _raise_if_unreadable(exc: duckdb.Error, path: Path, opening: bool = False) -> None:
    """Raise :class:`WarehouseDamaged` for an error that says the warehouse file cannot be read. When opening, any
    error but a failure of the system (a full disk, too little memory: :func:`system_failure`) or a denied
    permission is one (DuckDB tries an extension for a SQLite file, for one)."""
    problem = damage(exc, path)
    if problem is None and opening and expected_failure(exc) is None and not any(
            w in str(exc).lower() for w in ("permission denied", "no such file", "read-only file system")):
        problem = f"DuckDB cannot open it: {type(exc).__name__}"
    if problem is not None:
        raise WarehouseDamaged(path, problem) from exc


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
    try:
        con.execute("COMMIT")
    except RuntimeError as exc:
        if _interrupt(exc):
            global commit_interrupted
            commit_interrupted = True
            raise Interrupted() from exc
        raise


def migrations() -> list[tuple[int, str, Path]]:
    found = []
    for p in sorted(SQL_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_(.+)\.sql$", p.name)
        if m:
            found.append((int(m.group(1)), m.group(2), p))
    return found


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The versions of the migrations the warehouse has not recorded."""
    done = {v for (v,) in con.execute("SELECT version FROM meta.schema_version").fetchall()}
    return [version for version, _, _ in migrations() if version not in done]


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
