"""The archive against the warehouse: a working folder restored in parts (the warehouse from one backup, `archive/`
from another, or either lost) leaves loads without an archive, or an archive of loads the warehouse no longer holds.

The weekly run checks both after its loads: a load without an archive is archived again from the rows the warehouse
stores (as a run killed after its commit is), and an archive of a load the warehouse lacks is named with its file,
since those counts are gone until the file is delivered again (the archive keeps no original file).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb

from pipelines import catalog
from pipelines.ingest import archive_folder_complete
from pipelines.sources import NETWORK_SOURCES, SOURCES

log = logging.getLogger("wijkradar.archive")

#: How many lost loads a sentence names one by one; the rest are counted.
NAMED = 5


def archive_missing(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[tuple[str, str, str, str]]:
    """(load id, source, file name, content hash) of every load of a delivered file whose archive folder is missing
    or incomplete. A fetched source's payload is archived as fetched, before it is parsed, and cannot be made again
    from its rows: its loads are left to the next download."""
    return [(load_id, source, file_name, digest)
            for load_id, source, file_name, digest in catalog.load_archives(con).itertuples(index=False, name=None)
            if source not in NETWORK_SOURCES and source in SOURCES
            and not archive_folder_complete(Path(archive_dir) / source / digest[:12])]


def archive_lost(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[str]:
    """Archive again, from the rows the warehouse stores, every load :func:`archive_missing` names; returns the load
    ids whose archive is complete now."""
    from pipelines.ingest import _archive, _archiving

    done = []
    for load_id, source, file_name, digest in archive_missing(con, archive_dir):
        module = SOURCES[source]
        rows = catalog.raw_rows(con, getattr(module, "RAW_TABLE", module.NAME), [load_id])
        rows = rows[["load_id", "row_number", *(c for c in module.RAW_COLUMNS if c in rows.columns)]]
        with _archiving(load_id):
            _archive(archive_dir, source, digest, None, file_name, load_id, rows.astype({"row_number": "int64"}))
        if archive_folder_complete(Path(archive_dir) / source / digest[:12]):
            done.append(load_id)
    return done


def archived_unknown(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[tuple[str, str]]:
    """(file name, load id) of every archived load the warehouse does not hold, oldest archive first: what a warehouse
    restored from a backup older than ``archive/`` lost."""
    known = set(catalog.load_archives(con)["load_id"])
    found = []
    for manifest in Path(archive_dir).glob("*/*/manifest.json"):
        try:
            about = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        load_id = about.get("load_id") if isinstance(about, dict) else None
        if isinstance(load_id, str) and load_id not in known:
            found.append((str(about.get("archived_at", "")), str(about.get("file_name", "?")), load_id))
    return [(name, load_id) for _, name, load_id in sorted(found)]


def archive_notes(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[str]:
    """The sentences of :func:`archive_lost` and :func:`archived_unknown`, none when the two agree."""
    notes = []
    lost = archive_lost(con, archive_dir)
    if lost:
        notes.append(f"archive/: {len(lost)} load(s) of the warehouse had no archive (archive/ was lost or restored "
                     f"from a backup older than the warehouse): {_named(lost)}; they were archived again from the "
                     "rows the warehouse stores (their file's size is not known); nothing to do")
    return notes + unknown_notes(con, archive_dir)


def unknown_notes(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[str]:
    """The sentence naming :func:`archived_unknown`'s loads, if any (it only reads: ``wijkradar status`` says it)."""
    unknown = archived_unknown(con, archive_dir)
    if not unknown:
        return []
    return [f"archive/ holds {len(unknown)} load(s) the warehouse does not hold: "
            f"{_named([f'{name} ({load_id})' for name, load_id in unknown])}; the warehouse was restored from a "
            "backup made before them, so their counts are missing: put those files in the inbox again and run "
            "`wijkradar run` (the archive keeps no original file)"]


def status_notes(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[str]:
    """What ``wijkradar status`` says of ``archive/`` against the warehouse, without writing anything."""
    missing = archive_missing(con, archive_dir)
    lost = [f"archive/: {len(missing)} load(s) of the warehouse have no archive (archive/ was lost or restored from "
            f"a backup older than the warehouse): {_named([m[0] for m in missing])}; the next `wijkradar run` "
            "archives them again from the rows the warehouse stores"] if missing else []
    return lost + unknown_notes(con, archive_dir)


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown if len(items) <= NAMED else f"{shown} and {len(items) - NAMED} more"
