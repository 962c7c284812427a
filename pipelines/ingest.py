"""Ingest: one file -> cell-length and privacy guards, raw rows, GX validation, quarantine, core, one transaction.

A file already loaded (same content hash) is skipped. Only the columns a source uses are read;
over-long cells and personal values in them are replaced by a marker and their rows quarantined. How a
load changes the counts (ledger of reports, cells of aggregates, the safety valve, quarantine states) is
in ``pipelines/delivery.py``. Rows read = rows accepted + rows quarantined, recorded in ``meta.loads``
(and enforced by a CHECK constraint). After the transaction commits, ``archive/<source>/<hash>/``
keeps what audit needs: the file's name, size and hash and the stored (stripped) rows as Parquet.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import catalog
from pipelines.clock import local_today
from pipelines import delivery as delivery_mod
from pipelines.catalog.counts import (ledger_holders, newer_holders, recent_values, replace_corrections,
                                      warehouse_file, whole_cells_held)
from pipelines.catalog.loads import accepted_waivers, held_window
from pipelines.catalog.windows import load_window, record_named_week, record_window
from pipelines.delivery import LoadHeld
from pipelines.faults import fault_point as _fault_point   # a module name, so a test can patch it here
from pipelines.reference import Reference
from pipelines.refusal import Refusal
from pipelines.sources import SOURCES, merges
from pipelines.sources.common import IngestError, NoDataRows, PrivacyError, row_shape_failures, split_reasons
from pipelines.sources.rows import foreign_reasons
from pipelines.validate import run_suite
from pipelines.warehouse import transaction
from pipelines.wording import iso_day

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
    rows_retracted: int = 0
    corrections_not_applied: int = 0    # quarantined: the row they correct is no longer open
    fixes_replaced: int = 0             # cells or reports an earlier correction of the same rows wrote elsewhere
    window_not_applied: str = ""        # skipped: the full-export window asked for, unlike the one loaded with
    window_applied: str = ""            # loaded as a full export: "the full-export window jjjj-mm-dd:jjjj-mm-dd"
    time_note: str = ""                 # loaded: why the file's modification time was not taken as it was
    missing_note: str = ""              # loaded: the buurten a period was delivered without (``left_out_note``)
    no_reports: str = ""                # loaded without rows: the period it delivers as without reports
    definitive_note: str = ""           # loaded: the provisional months it made definitive (``definitive_note``)
    left_out: pd.DataFrame | None = field(default=None, repr=False, compare=False)   # those cells

    def describe(self) -> str:
        if self.skipped and self.window_not_applied:
            return (f"{self.file_name}: already loaded as {self.load_id}, skipped; {self.window_not_applied} is not "
                    "applied, as a window cannot be given to a file already loaded: ask the supplier for a fresh "
                    "full export and load that with the window")
        if self.skipped:
            return f"{self.file_name}: already loaded as {self.load_id}, skipped"
        retracted = f", {self.rows_retracted} earlier reports retracted" if self.rows_retracted else ""
        if self.fixes_replaced:
            retracted += (f", {self.fixes_replaced} cell(s) or report(s) an earlier correction of the same rows "
                          "wrote elsewhere taken back")
        stale = (f" ({self.corrections_not_applied} correcting a row no longer open, not applied)"
                 if self.corrections_not_applied else "")
        window = f", as {self.window_applied}" if self.window_applied else ""
        window += f", read as {self.no_reports} without reports" if self.no_reports else ""
        note = f"; {self.definitive_note}" if self.definitive_note else ""
        note += "".join(f"; warning: {n}" for n in (self.time_note, self.missing_note) if n)
        return (f"{self.file_name}: {self.rows_read} rows read, {self.rows_accepted} accepted, "
                f"{self.rows_quarantined} quarantined{stale}{retracted}{window} (load {self.load_id}){note}")


#: The load this process has committed and is still archiving, else None: a signal or Ctrl-C in that phase stops a
#: load that is stored, not one that was rolled back, and the CLI says so (``pipelines.cli.main``).
_stored_not_archived: str | None = None


def stored_not_archived() -> str | None:
    """The id of the load that was committed but whose archive was interrupted (by a signal or Ctrl-C), else None."""
    return _stored_not_archived


def _mark_stored(load_id: str | None) -> None:
    global _stored_not_archived
    _stored_not_archived = load_id


@contextlib.contextmanager
def _archiving(load_id: str):
    """The phase after a load's commit: an interruption leaves the load marked for the CLI's message; the phase's
    end, or any other error (the archive's own failures are warnings), clears the mark."""
    _mark_stored(load_id)
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        _mark_stored(None)
        raise
    _mark_stored(None)


def content_hash(path: Path) -> str:
    """SHA-256 of a file, or of every file (name and bytes) of a payload folder; links are never followed."""
    from pipelines.privacy import shown_file_name   # a supplier names files and folders after people

    if path.is_symlink():
        raise IngestError(f"{shown_file_name(path.name)}: is a symbolic link; wijkradar does not follow links, copy the file itself "
                          "into the inbox")
    h = hashlib.sha256()
    if path.is_dir():
        links = [p for p in path.rglob("*") if p.is_symlink()]
        if links:
            raise IngestError(f"{shown_file_name(path.name)}: holds a symbolic link "
                              f"({shown_file_name(links[0].relative_to(path).as_posix())}); wijkradar does not follow "
                              "links, copy the files themselves into the folder")
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Delivery:
    """How a file is meant: ``delivery`` (the default), ``correction`` (rows fixed after quarantine), or a
    full export of a window (``window``: reports of it that are absent from the file are retracted)."""

    mode: str = "delivery"
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None
    declared_by: str = ""               # of a window: ``--full-window`` or the manifest's name

    def window_text(self) -> str:
        return "no full-export window" if self.window is None else \
            f"the full-export window {self.window[0]:%Y-%m-%d}:{self.window[1]:%Y-%m-%d}"

    @classmethod
    def for_file(cls, path: Path, mode: str | None = None, window: str | None = None,
                 today: pd.Timestamp | None = None, later_rows: str = "quarantine", source: str | None = None,
                 kind: str | None = None) -> "Delivery":
        """From the options, else a manifest beside the file (``<file>.manifest.json``), else the name.

        A window ending after ``today`` (the day of the load) is refused: no export holds reports not yet made,
        and such a window would retract reports delivered later and silence the source's lateness warning. With
        ``later_rows="leave"`` (a run given an earlier day) a window ending after ``today`` but not after the real
        day leaves the file for a later run (:class:`NotYet`), as a file of later reports is left.

        A window is only for a source of reports (``kind`` ``records``, given with ``source``): a count source's
        delivery replaces exactly the cells it holds, so a window would retract nothing. A correction holds only the
        fixed rows, so it is never a full export: a window given to one is refused, naming both."""
        from pipelines.privacy import shown_file_name

        manifest = path.with_name(path.name + ".manifest.json")
        from_manifest = window is None and _exists_as_file(manifest)
        given = shown_file_name(manifest.name) if from_manifest else "--full-window"
        if from_manifest:
            try:
                spec = json.loads(manifest.read_text(encoding="utf-8"))
                window = f"{spec['volledig_van']}:{spec['volledig_tot']}"
            except (ValueError, KeyError, TypeError) as exc:
                raise IngestError(f"{manifest.name}: not a manifest wijkradar reads; write "
                                  '{"volledig_van": "jjjj-mm-dd", "volledig_tot": "jjjj-mm-dd"}') from exc
        by_name = mode is None and "correctie" in path.name.lower()
        mode = mode or ("correction" if by_name else "delivery")
        if mode == "replace":                      # the name of earlier versions
            mode = "delivery"
        if mode not in ("delivery", "correction"):
            raise Refusal(f"unknown load mode {mode!r}; use delivery or correction")
        if window is None:
            return cls(mode)
        # a message names the part that is wrong, never its value: a manifest is typed by hand and may hold anything
        names = ("volledig_van", "volledig_tot") if from_manifest else ("its first day", "its last day")
        where = f"{given}:" if from_manifest else "full-export window (--full-window):"
        drop = "remove the manifest" if from_manifest else "leave out --full-window"
        if source is not None and kind != "records":
            empty = (" and deliver 0 for a cell that became empty" if kind == "cells" else "")
            raise IngestError(f"{where} {source} delivers counts, and a load replaces exactly the cells it holds, so a "
                              f"full-export window (for reports only) would take nothing back; {drop}{empty}")
        if mode == "correction":
            named = "its name holds 'correctie'" if by_name else "--mode correction"
            raise IngestError(f"{where} a correction ({named}) holds only the fixed rows, so as a full export it would "
                              f"retract every other report of the window; {drop} to load it as a correction, or load "
                              "a full export of the window as a delivery")
        parts = str(window).split(":")
        if len(parts) != 2:
            raise IngestError(f"{where} not 'jjjj-mm-dd:jjjj-mm-dd'; give the first and last day the delivery covers "
                              "completely")
        days = [iso_day(part) for part in parts]        # 07-12-2026 is refused, never read as 12 July
        for day, name in zip(days, names):
            if day is None:
                raise IngestError(f"{where} {name} is not a date jjjj-mm-dd (such as 2026-12-07); give the first and "
                                  "last day the delivery covers completely")
        first, last = days
        if last < first:
            raise IngestError(f"{where} {names[1]} lies before {names[0]}, so the window ends before it starts; swap "
                              "the two days (the first day the delivery covers completely, then the last)")
        if today is not None and last.normalize() > pd.Timestamp(today).normalize():
            if later_rows == "leave" and last.normalize() <= local_today():
                raise NotYet(f"{where} {names[1]} lies after {pd.Timestamp(today):%Y-%m-%d}, the day this run was "
                             "given (--today); the file is left in the inbox and loads with a run of a later day (or "
                             "without --today)")
            raise IngestError(f"{where} {names[1]} lies after the day of the load ({pd.Timestamp(today):%Y-%m-%d}); "
                              "write as the last day the export covers completely, at the latest "
                              f"{pd.Timestamp(today):%Y-%m-%d}")
        return cls("full-window", (first, last), given)


def _exists_as_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name too long for the file system (a manifest beside a file of 250 bytes'
    name) cannot exist, so is none."""
    import errno

    try:
        return path.is_file()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return False
        raise


#: Longest cell wijkradar keeps. Free text is dropped on read or redacted, so the columns kept hold codes,
#: dates, numbers and category names: none is longer than about 100 characters (a report number at most
#: 64). A cell ten times that is not such a value but pasted text or lines joined by a stray quote mark;
#: keeping it would let one cell of any size into the raw tables, quarantine, archive and every listing.
MAX_CELL_CHARS = 1_000


def _cell_length_guard(raw: pd.DataFrame, module) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace every cell longer than ``MAX_CELL_CHARS`` in the columns read by a marker that keeps only its
    length; returns the cleaned rows and one failure per such row."""
    headers = getattr(module, "HEADERS_NL", {})
    reasons = None
    for col in (c for c in module.RAW_COLUMNS if c in raw.columns):
        lengths = _text_lengths(raw[col])
        if lengths is None:
            continue
        hit = lengths.gt(MAX_CELL_CHARS).fillna(False).to_numpy(dtype=bool)
        if not hit.any():
            continue
        if reasons is None:                       # a file without long cells is not copied
            raw, reasons = raw.copy(), pd.Series("", index=raw.index, dtype=object)
        sizes = lengths[hit].astype("int64")
        values = raw[col].copy()
        values[hit] = [f"[verwijderd: cel van {n:,} tekens]".replace(",", ".") for n in sizes]
        raw[col] = values
        reasons[hit] = reasons[hit] + [
            f"; a cell of {n:,} characters in {headers.get(col, col)} (the limit is {MAX_CELL_CHARS:,}) was not "
            "kept; split or shorten the cell (a stray quote mark can join lines into one cell), then deliver "
            "the file again" for n in sizes]
    if reasons is None:
        return raw, pd.DataFrame({"row_number": pd.Series(dtype="int64"), "expectation": pd.Series(dtype=object),
                                  "reason": pd.Series(dtype=object)})
    bad = reasons != ""
    failures = pd.DataFrame({"row_number": raw.loc[bad, "row_number"].astype("int64").to_numpy(),
                             "expectation": "cell_length_guard", "reason": reasons[bad].str.slice(2).to_numpy()})
    return raw, failures


def _text_lengths(column: pd.Series) -> pd.Series | None:
    """Characters per cell of a text column (missing and non-text cells: NaN); None for numbers and dates."""
    if not (pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column)):
        return None
    try:
        return column.str.len()
    except AttributeError:                        # an object column holding no text at all
        return column.map(lambda v: len(v) if isinstance(v, str) else float("nan"))


#: A file with fewer report numbers than this is judged with the source's earlier numbers (see _privacy_guard).
JUDGE_ALONE_FROM = 50
#: A value a service download had removed before it was archived (``odata.screened``), read back from the archive.
_REMOVED = r"^\[verwijderd: ([a-z-]{2,20})\]$"


def _privacy_guard(raw: pd.DataFrame, module, file_name: str, secret: bytes | None = None,
                   history: pd.Series | None = None, held=frozenset(),
                   numbers: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Redact personal values in the columns read; returns the redacted rows and one failure per such row.

    A column whose values are mostly personal refuses the file: it is the wrong column or the wrong file.
    In the source's column of report numbers (``ID_COLUMN``), a number shaped as the column's others whose
    nine digits in a row read as a BSN or a mobile number (``privacy.report_numbers``) is a report number: it
    is kept as its pseudonym under the warehouse's ``secret`` and the row counts (about one such number in
    seven would otherwise be quarantined, and the counts with it). The column's shape is judged on the file
    together with ``history`` (the source's earlier numbers as stored), so one late report is judged as it
    would be in a weekly export; a file of ``JUDGE_ALONE_FROM`` numbers or more must also pass on its own
    (a file of personal numbers is not let through by a history of report numbers). A pseudonym the warehouse
    holds (``held``: report numbers as read, :func:`_held_pseudonyms`) is its own, as a correction file exported from
    the quarantine holds it: never judged (its hex digits read as an address one time in fifteen). ``numbers``: the
    report numbers as read (:func:`_number_as_read`), when the caller has them.
    """
    from pipelines import privacy

    columns = [c for c in module.RAW_COLUMNS if c in raw.columns]
    found = privacy.scan_frame(raw, columns)
    for col, split in privacy.split_items(raw, columns).items():     # an item cut over two cells: both are removed
        found[col] = found[col].where(found[col].notna(), split)
    for col, shape in getattr(module, "NOT_ADDRESSES", {}).items():     # a code of the source's own notation
        if col in found:
            values = raw[col].astype(str)
            own = shape(values).to_numpy(dtype=bool) if callable(shape) else privacy.regex_mask(values, shape, full=True)
            coded = own & found[col].eq("adres").to_numpy()
            found[col] = found[col].where(~coded, None)
    if not module.EXTENSIONS:                       # a value the fetch removed before archiving (odata.screened)
        for col in columns:
            removed = raw[col].astype(str).str.extract(_REMOVED, expand=False)
            found[col] = found[col].where(found[col].notna(), removed.where(removed.notna(), None))
    headers = getattr(module, "HEADERS_NL", {})
    raw = raw.copy()
    reasons = pd.Series("", index=raw.index, dtype=object)
    for col in columns:
        kinds = found[col]
        if col == getattr(module, "ID_COLUMN", None) and secret is not None:
            # judged and pseudonymised as the ledger reads the number, so every spelling of one number is one key
            numbers = _number_as_read(raw[col], module) if numbers is None else numbers
            # read as written (most files: "SIG-1" is read as "SIG-1"), the column was judged already
            same = bool((numbers.astype(str) == raw[col].astype(str)).all())
            judged = found[col] if same else privacy.scan_values(numbers)
            kinds = judged.where(judged.notna(), kinds)
            ours = numbers.isin(held) if held else pd.Series(False, index=numbers.index)
            kinds = kinds.where(~ours, None)
            if kinds.notna().any():
                ids = _report_numbers(numbers, kinds, None if history is None else _number_as_read(history, module))
                ids = ids & ~ours
                raw.loc[ids, col] = numbers[ids].map(lambda v: privacy.pseudonym(v, secret))
                kinds = kinds.where(~ids, None)
        hit = kinds.notna()
        if not hit.any():
            continue
        filled = int(raw[col].astype(str).str.strip().ne("").sum())
        header = headers.get(col, col)
        if hit.sum() > 0.5 * max(filled, 1) and hit.sum() > 1:
            raise PrivacyError(
                f"{file_name}: refused, column {header} holds personal data ({', '.join(sorted(set(kinds.dropna())))}) "
                f"in {int(hit.sum())} of {filled} rows; wijkradar stores no personal data, so export the file again "
                f"with {header} holding only what it should")
        raw.loc[hit, col] = kinds[hit].map(privacy.redaction)
        reasons[hit] = reasons[hit] + "; " + ("holds personal data (" + kinds[hit] + f") in {header}; "
                                              "the value was removed")
    bad = reasons != ""
    failures = pd.DataFrame({"row_number": raw.loc[bad, "row_number"].astype("int64").to_numpy(),
                             "expectation": "privacy_guard", "reason": reasons[bad].str.slice(2).to_numpy()})
    return raw, failures


def _held_pseudonyms(con: duckdb.DuckDBPyConnection, module, source: str, numbers: pd.Series) -> frozenset:
    """The report numbers as read (:func:`_number_as_read`) shaped as a pseudonym that the warehouse holds as a
    report's key (in the ledger, the quarantine or the corrections' writes)."""
    from pipelines import privacy

    shaped = numbers[privacy.pseudonym_shaped(numbers)]
    if shaped.empty:
        return frozenset()
    keys = module.number_keys(shaped)
    return frozenset(shaped[keys.isin(catalog.held_report_keys(con, source, keys))])


def _number_as_read(values: pd.Series, module) -> pd.Series:
    """Report numbers as the ledger reads them (``module.number_text``: ``0012345672``, ``12345672`` and
    ``12345672.0`` are one number), a number of eight digits with the leading 0 a spreadsheet dropped from nine
    (as the privacy scanner reads a spreadsheet's number): the text a report number is judged and pseudonymised
    by. Empty cells stay as they are."""
    from pipelines import privacy

    text = module.number_text(values.where(values.astype(str).str.strip().ne(""), None))
    eight = privacy.regex_mask(text, r"[1-9][0-9]{7}", full=True)
    text = text.copy()
    text[eight] = "0" + text[eight]
    return text.where(text.notna(), values)


def _report_numbers(values: pd.Series, kinds: pd.Series, history: pd.Series | None) -> pd.Series:
    """``privacy.report_numbers`` of a file's column judged with the source's earlier numbers (``history``)."""
    from pipelines import privacy

    alone = privacy.report_numbers(values, kinds)
    if history is None or history.empty:
        return alone
    both = pd.concat([values.astype(object), history.astype(object)], ignore_index=True)
    both_kinds = pd.concat([kinds.astype(object), pd.Series(None, index=history.index, dtype=object)],
                           ignore_index=True)
    judged = pd.Series(privacy.report_numbers(both, both_kinds).to_numpy()[:len(values)], index=values.index)
    filled = values.astype(str).str.strip().ne("") & values.notna()
    return judged & alone if filled.sum() >= JUDGE_ALONE_FROM else judged


def _rekey_pseudonymised(con: duckdb.DuckDBPyConnection, source: str, module, as_written: pd.Series,
                         stored: pd.Series) -> None:
    """A report stored under its plain number whose number this file pseudonymises (an eight-digit number a
    spreadsheet made of a nine-digit one, judged as written before report numbers were judged as the ledger reads
    them) is re-keyed to its pseudonym, so it is replaced, not counted twice, and its plain number goes."""
    changed = stored.ne(as_written) & stored.astype(str).str.startswith("p-")
    if changed.any():
        catalog.rekey_reports(con, source, module.number_keys(as_written[changed]),
                              module.number_keys(stored[changed]))


def _merge_failures(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if b.empty:
        return a
    both = pd.concat([b, a], ignore_index=True)
    return (both.groupby("row_number", as_index=False, sort=True)
            .agg(expectation=("expectation", "first"), reason=("reason", "; ".join)))


def _shown_name(path: Path, source: str, archive_dir: Path) -> str:
    """The name a load is known by: a service download wijkradar archived itself (``archive/<source>/<digest>/``,
    ``odata.archive_payload``) as ``<source> download <digest>``, a name wijkradar made; any other file by its own
    name as far as it holds no personal data (a digest may hold seven digits in a row, which a sender's file
    name may not)."""
    try:
        own = path.is_dir() and path.resolve().parent == (Path(archive_dir) / source).resolve()
    except OSError:
        own = False
    if own and re.fullmatch(r"[0-9a-f]{16}", path.name):
        return f"{source} download {path.name}"
    from pipelines import privacy

    return privacy.shown_file_name(path.name)[:200]      # as the run's lines print it


def held_place(path: Path) -> str:
    """Where a held file may be found again, as far as the path holds no personal data.

    The whole path when no part of it is personal; else its folder, where ``wijkradar loads accept``
    looks the file up by its content; else nothing (it is applied when delivered again). A name such
    as ``wijkteam_<a person>_<a phone number>.csv`` is thus never stored, in whatever folder.
    """
    from pipelines import privacy

    full = path.resolve()
    for place in (full, full.parent):
        text = str(place)
        if text.isprintable() and privacy.scrub_file_name(text) == text:
            return text
    return ""


def find_held_file(place: str, digest: str) -> Path | None:
    """The held file of content hash ``digest`` at ``place`` (its path, or the folder it was held in)."""
    where = Path(place) if place else None
    if where is None or not where.exists():
        return None
    inside = sorted(e for e in where.iterdir() if not e.is_symlink()) if where.is_dir() else []
    return next((p for p in [*inside, where] if content_hash_or_none(p) == digest), None)


def content_hash_or_none(path: Path) -> str | None:
    """:func:`content_hash`, or None for what cannot be hashed (a link, a file gone meanwhile)."""
    try:
        return content_hash(path)
    except (IngestError, OSError):
        return None


def backfill_unknown_cells(con: duckdb.DuckDBPyConnection, ref: Reference, today: pd.Timestamp | None = None) -> int:
    """Once, in a warehouse made before unknown cells were kept (migration 017 marks it pending): mark the cells its
    quarantined rows hold without a usable count, as a load now does, and rebuild those sources' counts, so a sum
    over parts with a suppressed part is no longer stored as an undercount. Returns how many cells were marked."""
    if not catalog.upgrade_pending(con, "unknown_cells"):
        return 0
    today = pd.Timestamp(today if today is not None else local_today()).normalize()
    marked = 0
    with transaction(con):
        for source, module in SOURCES.items():
            if getattr(module, "KIND", None) != "cells" or not hasattr(module, "to_cells"):
                continue
            held = catalog.held_row_loads(con, source)
            if held.empty:
                continue
            rows = catalog.raw_rows(con, getattr(module, "RAW_TABLE", source), sorted(set(held["load_id"])))
            rows = rows.merge(held, on=["load_id", "row_number"])
            if rows.empty:
                continue
            rows = rows.astype({c: object for c in module.RAW_COLUMNS if c in rows}).fillna(
                {c: "" for c in module.RAW_COLUMNS if c in rows})
            for (load_id, seq), part in rows.groupby(["load_id", "load_seq"]):    # in load order, as loaded
                typed = module.typed(part.reset_index(drop=True), ref)
                cells = delivery_mod.unknown_cells(module, typed, today, ref.load_settings.first_day(),
                                                   ref.buurten["area_code"])
                marked += catalog.mark_unknown_cells(con, source, cells, load_id, int(seq))
            catalog.rebuild_counts(con, source)
        catalog.upgrade_done(con, "unknown_cells")
    if marked:
        log.info("upgrade: %d cell(s) of quarantined rows without a usable count are now unknown; their sums over "
                 "parts are no longer stored", marked)
    return marked


def _pseudonymised(stored: pd.Series, module, secret: bytes) -> pd.Series:
    """Of report numbers as stored, the pseudonym of each that reads as a personal number (judged and pseudonymised
    as a load does, :func:`_number_as_read`), by the values' index; the others are absent. A stored pseudonym is the
    warehouse's own: never judged again."""
    from pipelines import privacy

    stored = stored.dropna()
    numbers = _number_as_read(stored, module)
    plain = privacy.scan_values(numbers).notna() & ~privacy.pseudonym_shaped(numbers)
    return numbers[plain].map(lambda v: privacy.pseudonym(v, secret))


def _stored_numbers(con: duckdb.DuckDBPyConnection):
    """Per source keyed by report numbers (``ID_COLUMN``): ``source, module, raw table, column`` and every number the
    warehouse keeps of it (:func:`catalog.stored_report_numbers`), for the upgrades that re-key them."""
    for source, module in SOURCES.items():
        column = getattr(module, "ID_COLUMN", None)
        if column is not None:
            table = getattr(module, "RAW_TABLE", source)
            yield source, module, table, column, catalog.stored_report_numbers(con, source, table, column)


def backfill_report_pseudonyms(con: duckdb.DuckDBPyConnection, archive_dir: Path | None = None) -> int:
    """Once, in a warehouse made before report numbers were judged and pseudonymised as the ledger reads them
    (migration 018 marks it pending): every report number it stores in plain that reads as a personal number (a BSN,
    also as the eight digits a spreadsheet kept of one) is kept as its pseudonym, as a load now keeps it: in the
    ledger (a plain copy of a report also held under its pseudonym is dropped, as a delivery drops it), the
    quarantined rows, the corrections' writes and the raw rows; the counts of the sources touched are rebuilt. A
    report that is never delivered again thus loses its plain number too. Then, after that commit, the archive's
    stored rows (``archive_dir``, default the ``archive/`` beside the warehouse) get the same pseudonyms
    (:func:`_pseudonymise_archives`); the step stays pending until they have, so a run stopped half-way is finished
    by the next. Returns how many numbers the warehouse held in plain."""
    if not catalog.upgrade_pending(con, "report_pseudonyms"):
        return 0
    secret = catalog.warehouse_secret(con)
    if secret is None:                        # never after migrate(), which writes the secret
        return 0
    found = {}
    with transaction(con):
        for source, module, table, column, stored in _stored_numbers(con):
            pseudonyms = _pseudonymised(stored, module, secret[0])
            if pseudonyms.empty:
                continue
            plain = stored[pseudonyms.index]
            catalog.rekey_reports(con, source, module.number_keys(plain), module.number_keys(pseudonyms))
            catalog.replace_raw_numbers(con, source, table, column, plain, pseudonyms)
            catalog.rebuild_counts(con, source)
            found[source] = int(_number_as_read(plain, module).nunique())
    for source, n in found.items():
        log.info("upgrade: %d report number(s) of %s that read as a personal number were stored in plain; they are "
                 "now kept as their pseudonym", n, source)
    archive_dir = archive_dir if archive_dir is not None else _archive_beside(con)
    if archive_dir is not None:
        try:
            _pseudonymise_archives(archive_dir, secret[0])
        except (OSError, ValueError) as exc:   # files cannot roll back: the next load or run finishes them
            log.warning("upgrade: the archive's stored rows could not all be given their report numbers' pseudonyms "
                        "(%s); the next load or run tries again", getattr(exc, "strerror", None) or type(exc).__name__)
            return sum(found.values())
    catalog.upgrade_done(con, "report_pseudonyms")
    return sum(found.values())


def _archive_beside(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The ``archive/`` of the working folder whose warehouse ``con`` holds; None for a warehouse in memory."""
    from pipelines.paths import Home

    path = warehouse_file(con)
    return Home(Path(path).parent).archive if path else None       # the working folder's layout, not a copy of it


def _pseudonymise_archives(archive_dir: Path, secret: bytes) -> dict[str, tuple[int, int]]:
    """In every archived ``rows.parquet`` of a source with report numbers, each number that reads as a personal
    number is replaced by its pseudonym (:func:`_pseudonymised`, as the warehouse keeps it); the other values, rows
    and columns stay as written. A file is written beside itself and renamed into place, so a stop leaves it whole,
    old or new; a file that holds no such number is not written. Returns per source (files, numbers) changed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    done = {}
    for source, module in SOURCES.items():
        column = getattr(module, "ID_COLUMN", None)
        if column is None or not (archive_dir / source).is_dir():
            continue
        files, numbers = 0, set()
        for rows in sorted((archive_dir / source).glob("*/rows.parquet")):
            for stale in rows.parent.glob(f"{rows.name}.part-*"):        # left by a stopped upgrade
                stale.unlink(missing_ok=True)
            table = pq.read_table(rows)
            if column not in table.column_names:
                continue
            values = table.column(column).to_pandas().astype(object)
            pseudonyms = _pseudonymised(values, module, secret)
            if pseudonyms.empty:
                continue
            values[pseudonyms.index] = pseudonyms
            at = table.column_names.index(column)
            table = table.set_column(at, table.schema.field(at), pa.array(values, type=table.schema.field(at).type))
            part = rows.with_name(f"{rows.name}.part-{os.getpid()}")
            try:
                pq.write_table(table, part)
                os.replace(part, rows)
            finally:
                part.unlink(missing_ok=True)
            files += 1
            numbers.update(pseudonyms)
        if files:
            log.info("upgrade: %d report number(s) of %s that read as a personal number were archived in plain in %d "
                     "file(s); the archive now keeps their pseudonym", len(numbers), source, files)
            done[source] = (files, len(numbers))
    return done


def rekey_grouped_numbers(con: duckdb.DuckDBPyConnection) -> int:
    """Once, in a warehouse made before report numbers written with thousands dots were read as the number
    (migration 028 marks it pending): a report stored under ``id:1.001`` is stored under ``id:1001``, as a load now
    keys it; where the warehouse also holds it under ``id:1001`` (delivered again without the dots, counted twice)
    the copy under the old key is dropped (:func:`catalog.rekey_reports`), and the source's counts are rebuilt.
    Returns how many such numbers the warehouse held."""
    if not catalog.upgrade_pending(con, "grouped_report_numbers"):
        return 0
    found = {}
    with transaction(con):
        for source, module, _, _, stored in _stored_numbers(con):
            stored = stored.dropna().astype(str)
            grouped = stored[stored.str.fullmatch(module.GROUPED_NUMBER)].reset_index(drop=True)
            if grouped.empty:
                continue
            catalog.rekey_reports(con, source, "id:" + grouped, module.number_keys(grouped))
            catalog.rebuild_counts(con, source)
            found[source] = len(grouped)
        catalog.upgrade_done(con, "grouped_report_numbers")
    for source, n in found.items():
        log.info("upgrade: %d report number(s) of %s written with thousands dots (1.001) are now the number they write "
                 "(1001): a report delivered in both ways counts once", n, source)
    return sum(found.values())


def run_pending_upgrades(con: duckdb.DuckDBPyConnection, ref: Reference, today: pd.Timestamp | None = None,
                         archive_dir: Path | None = None) -> None:
    """The one-time upgrades an older warehouse still waits for (``meta.pending_upgrades``); nothing when none.
    Report numbers are re-keyed before they are judged as personal numbers (re-keyed, ``12.345.678`` reads as one)."""
    backfill_unknown_cells(con, ref, today)
    rekey_grouped_numbers(con)
    backfill_report_pseudonyms(con, archive_dir)


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, source: str, ref: Reference,
                archive_dir: Path, today: pd.Timestamp | None = None, **options) -> LoadResult:
    """Load one file of ``source``; refusals raise IngestError / ValidationRefused / LoadHeld in one sentence.

    Options: see :func:`_ingest_file`. A refusal's message passes the privacy scrubber, so no personal
    value (in a file name, a header row taken for data, a cell) reaches a terminal, a log or Prefect; a hold's
    holds only what wijkradar wrote (periods, totals, file names as the load list shows them).
    """
    from pipelines.validate import ValidationRefused

    try:
        run_pending_upgrades(con, ref, today, archive_dir)    # an older warehouse's one-time upgrades
        return _ingest_file(con, path, source, ref, archive_dir, today, **options)
    except (IngestError, ValidationRefused, LoadHeld, NotYet) as exc:
        shown = _shown_name(Path(path), source, archive_dir)
        message = " ".join(str(exc).split())
        # a hold is wijkradar's own sentence (periods, totals, shown file names, load ids): the scrubber read a
        # period and its total ("2024-02 125") as a BSN and hid the drop an analyst is asked to accept
        if not isinstance(exc, LoadHeld):
            message = _scrubbed_message(message, [shown, *getattr(exc, "file_names", ())])
        if not message.startswith(shown):       # every refusal names its file: a weekly run loads many
            message = f"{shown}: {message}"
        if message == str(exc):
            raise
        clean = type(exc)(message)
        raise clean from None


def _scrubbed_message(text: str, names: list[str]) -> str:
    """``text`` through the privacy scrubber, the file names of ``names`` (shown by the file-name rule,
    ``privacy.shown_file_name``, as ``meta.loads`` keeps them) left as they are: the free-text scrubber would read
    an ordinary name (``wijkteam_levering_1000.csv``) as an address, and the message would spell the file otherwise
    than the load list does. The names stand in the text as marks while it is read, so a personal value around
    them is found as before."""
    from pipelines import privacy

    names = sorted({n for n in names if n}, key=len, reverse=True)
    marks = {name: "\u2983" * (i + 1) + "\u2984" * (i + 1) for i, name in enumerate(names)}
    for name, mark in marks.items():
        text = re.sub(r"(?<![\w.])" + re.escape(name) + r"(?![\w])", mark, text)
    text = privacy.scrub_text(text)
    for name, mark in sorted(marks.items(), key=lambda m: -len(m[1])):     # the longest mark holds the others
        text = text.replace(mark, name)
    return text


def _ingest_file(con: duckdb.DuckDBPyConnection, path: Path, source: str, ref: Reference,
                 archive_dir: Path, today: pd.Timestamp | None = None,
                 max_failed_share: float = 0.5, mode: str | None = None,
                 docs_root: Path | None = None, window: str | None = None,
                 accept_drop: bool = False, timings: dict | None = None, later_rows: str = "quarantine",
                 accepting: bool = False) -> LoadResult:
    """Load one file of ``source``; raises IngestError / ValidationRefused / LoadHeld with a clear message.

    ``later_rows``: what a report or period dated after ``today`` makes of the file: ``quarantine`` (its rows are
    quarantined as in the future: a mistyped date) or ``leave`` (:class:`NotYet`, nothing loaded: a run given an
    earlier day with ``--today`` cannot judge a file made after it, and would quarantine its later reports for good).

    ``mode``: ``delivery`` (default) or ``correction`` (default when the name contains "correctie");
    ``window`` ``jjjj-mm-dd:jjjj-mm-dd`` declares the file a full export of that window (also from a
    manifest beside the file). ``accept_drop`` lets a load through the safety valve (a drop only: an older file
    is still held). ``accepting``: an analyst accepts what the file is held for now (``wijkradar loads accept``);
    the acceptance is committed with the load, or with its next hold, never alone, so a load stopped half-way
    leaves the file listed as held. ``timings``, when given, receives the seconds per stage (read, cell length,
    privacy, typed, validate, load, archive).
    """
    clock = _Clock(timings)
    if source not in SOURCES:
        raise Refusal(f"unknown source {source!r}; choose one of {sorted(SOURCES)}")
    module = SOURCES[source]
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise FileNotFoundError(f"{path} does not exist; give the path of the file to load")
    file_name = _shown_name(path, source, archive_dir)
    today = local_today() if today is None else pd.Timestamp(today)
    digest = content_hash(path)
    delivery = Delivery.for_file(path, mode, window or held_window(con, digest), today, later_rows, source,
                                 getattr(module, "KIND", None))
    known = catalog.load_by_hash(con, digest)
    if known is not None:
        _archive_again_if_missing(con, archive_dir, digest, path, known)
        loaded_with = load_window(con, known)
        if delivery.window is None or delivery.window == loaded_with:
            return LoadResult(known, source, file_name, skipped=True)
        # the window would have to be measured against what came since (an older file's retractions are held)
        loaded = Delivery("full-window", loaded_with) if loaded_with else Delivery()
        return LoadResult(known, source, file_name, skipped=True, window_not_applied=(
            f"it was loaded with {loaded.window_text()}; {delivery.window_text()} ({delivery.declared_by})"))
    load_id = f"{source}-{digest[:12]}"

    week = _named_week(path, module, delivery, today)
    content = digest
    try:
        raw = module.read(path)
        no_reports = ""
    except NoDataRows as empty:
        raw, no_reports = _without_reports(empty, week, delivery, today, later_rows, file_name, module)
        _refuse_implausibly_empty(con, empty, source, today)
        # every export without reports is the same bytes (its header): a delivery of one is known by its period too,
        # or the second quiet week would be skipped as the first one already loaded
        digest = hashlib.sha256(f"{digest}:{no_reports}".encode()).hexdigest()
        known = catalog.load_by_hash(con, digest)
        if known is not None:
            return LoadResult(known, source, file_name, skipped=True)
        load_id = f"{source}-{digest[:12]}"
    if content_hash(path) != content:              # hashed and read in two passes: the rows must be of that hash
        raise NotYet(f"{file_name}: still being written (it changed while wijkradar read it); nothing loaded: the next "
                     "run, or ingest once the copy is complete, loads it")
    clock("read")
    raw, failures_length = _cell_length_guard(raw, module)
    failures_length = _merge_failures(failures_length, row_shape_failures(raw))    # records that do not fit the header
    clock("cell length")
    # every source, fetched ones too: a service URL is whatever the analyst configured (a mirror, a proxy) and a
    # payload folder anyone's copy, so "open data is not personal" is a hope, not a guarantee
    secret = catalog.warehouse_secret(con)
    id_column = getattr(module, "ID_COLUMN", None)
    history = (recent_values(con, getattr(module, "RAW_TABLE", source), source, id_column)
               if id_column else None)
    as_written = raw[id_column] if id_column in raw and secret else None       # the report numbers before the guard
    numbers = _number_as_read(raw[id_column], module) if id_column in raw else None
    held = _held_pseudonyms(con, module, source, numbers) if numbers is not None else frozenset()
    raw, failures_privacy = _privacy_guard(raw, module, file_name, secret[0] if secret else None, history, held,
                                           numbers)
    clock("privacy")
    frame = module.typed(raw, ref)
    clock("typed")
    if later_rows == "leave":
        _leave_if_later(frame, today, file_name)
    guarded = pd.concat([failures_length, failures_privacy], ignore_index=True)
    if no_reports:                                 # a period without reports: no row to validate
        failures = pd.DataFrame(columns=["row_number", "expectation", "reason"])
    else:
        verdict = run_suite(source, frame, module.checks(ref, today), max_failed_share=max_failed_share,
                            docs_root=docs_root, extra_failed=guarded, run_name=load_id,
                            rephrase=lambda failed: _split_reasons(con, frame, failed, ref, module))
        failures = verdict.failures
        failures = _merge_failures(_merge_failures(failures, failures_privacy), failures_length)
    is_accepted = ~frame["row_number"].isin(failures["row_number"]).to_numpy()
    clock("validate")

    raw_columns = [c for c in module.RAW_COLUMNS if c in raw.columns]
    raw_rows = raw[["row_number", *raw_columns]].assign(load_id=load_id)
    if getattr(module, "KIND", None) == "records":
        keys = module.row_keys(raw, frame, _corrected_files(con, module, raw, ref))
    elif hasattr(module, "row_keys"):
        keys = module.row_keys(raw, frame)
    else:
        keys = pd.Series(None, index=raw.index)
    refs = (raw["quarantine_ref"].astype(str).str.strip() if "quarantine_ref" in raw
            else pd.Series("", index=raw.index))
    refs = refs.where(refs.str.fullmatch(delivery_mod.QUARANTINE_REF), None)
    if getattr(module, "KIND", None) == "records":
        keys = _corrections_of_other_reports(con, source, frame, keys, refs)
    not_applied = _corrections_not_applied(con, source, module, frame, keys, refs, is_accepted)
    if len(not_applied):
        failures = _merge_failures(pd.DataFrame({
            "row_number": frame.loc[not_applied.index, "row_number"].astype("int64").to_numpy(),
            "expectation": "correction_of_a_row_no_longer_open", "reason": not_applied["reason"].to_numpy()}),
            failures)
        is_accepted = ~frame["row_number"].isin(failures["row_number"]).to_numpy()
    # cells the file holds without a usable count (quarantined rows of an aggregate source): unknown, below
    unknown = _unknown_cells(module, frame[~is_accepted & ~raw.index.isin(not_applied.index)], today, ref)
    doubled = _merged_parts_doubled(con, source, module, frame[is_accepted], unknown, ref)
    if len(doubled):
        failures = _merge_failures(pd.DataFrame({
            "row_number": frame.loc[doubled.index, "row_number"].astype("int64").to_numpy(),
            "expectation": "old_code_of_a_merged_buurt_held_whole", "reason": doubled.to_numpy()}), failures)
        is_accepted = ~frame["row_number"].isin(failures["row_number"]).to_numpy()
    accepted = frame[is_accepted]
    still_open = ~is_accepted & ~raw.index.isin(not_applied.index)
    # a part of a buurt held whole changes nothing, with or without a usable count (as an accepted row's part)
    unknown_doubled = _merged_unknown_doubled(con, source, module, accepted, unknown, ref)
    if len(unknown_doubled):
        failures = _merge_failures(failures, pd.DataFrame({
            "row_number": frame.loc[unknown_doubled.index, "row_number"].astype("int64").to_numpy(),
            "expectation": "old_code_of_a_merged_buurt_held_whole", "reason": unknown_doubled.to_numpy()}))
        unknown = unknown.drop(index=unknown_doubled.index)
    if getattr(module, "KIND", None) == "cells" and not hasattr(module, "write_core"):
        # a row whose period cannot be read leaves the totals it may belong to unknown; a part of a buurt held whole
        # changes nothing here either
        undated = delivery_mod.undated_cells(module, frame, still_open, today, ref.load_settings.first_day(),
                                             ref.buurten["area_code"])
        if len(undated):               # judged beside the file's other unknown cells, by an index of their own
            first = int(frame.index.max()) + 1
            undated.index = range(first, first + len(undated))
            doubled = _merged_unknown_doubled(con, source, module, accepted, pd.concat([unknown, undated]), ref)
            unknown = pd.concat([unknown, undated.drop(index=doubled.index[doubled.index.isin(undated.index)])])
    closed = not_applied.assign(row_number=frame.loc[not_applied.index, "row_number"].astype("int64").to_numpy())
    quarantined = raw_rows.merge(failures, on="row_number").merge(
        closed[["row_number", "state", "state_by"]], on="row_number", how="left")
    q_keys = keys[~is_accepted]
    quarantine_rows = pd.DataFrame(
        {
            "load_id": load_id,
            "source": source,
            "row_number": quarantined["row_number"].astype("int64"),
            "reason": quarantined["reason"],
            "expectation": quarantined["expectation"],
            "raw_values": [json.dumps(dict(zip(raw_columns, vals)), ensure_ascii=False)
                           for vals in quarantined[raw_columns].astype(str).itertuples(index=False, name=None)],
            "record_key": q_keys.to_numpy(),
            "state": quarantined["state"].fillna("open").to_numpy(),
            "state_by": quarantined["state_by"].to_numpy(),
            "state_at": pd.Series(pd.Timestamp.now(), index=quarantined.index).where(quarantined["state_by"].notna()),
        }
    )
    settings = ref.load_settings
    modified, time_note = _modified_at(path, source)
    retracted = replaced = 0
    # what an analyst accepted of this file's holds (and accepts now: written only with the load or its next hold)
    waived = accepted_waivers(con, digest) if accepting else catalog.waivers(con, digest)
    try:
        with transaction(con):
            seq = catalog.next_load_seq(con)
            before = catalog.source_totals(con, source) if not hasattr(module, "write_core") else None
            raw_table = getattr(module, "RAW_TABLE", source)
            catalog.write_raw_rows(con, raw_table, raw_rows[["load_id", "row_number", *raw_columns]])
            catalog.write_quarantine_rows(con, quarantine_rows)
            clock("load: raw and quarantine rows")
            _fault_point("ingest-mid-transaction")
            if as_written is not None:
                _rekey_pseudonymised(con, source, module, as_written, raw[id_column])
            periods_from, periods_to, kinds, missing_note, left_out = None, None, (None, None), "", None
            definitive = ""
            if hasattr(module, "write_core"):          # sources that feed other core tables than counts
                periods_from, periods_to = module.write_core(con, accepted, load_id)
                if hasattr(module, "behind_note"):     # cbs-kwb: figures of years ago say so on the load line
                    missing_note = module.behind_note(catalog.newest_area_stats_year(con, source),
                                                      today if today is not None else local_today())
            else:
                fixes = refs[is_accepted].notna().to_numpy()
                rows = (module.to_records(accepted, keys[is_accepted]) if module.KIND == "records"
                        else module.to_cells(accepted))
                if "cell_code" in accepted:             # old codes of merged buurten (sources.merges)
                    rows = rows.assign(covers_whole=merges.covers_whole(rows, ref))
                covers = _municipalities(frame, ref) if delivery.window else None
                if delivery.mode != "correction" and modified is not None:      # --accept-drop waives a drop only
                    newer = newer_holders(con, source, rows, modified, delivery.window,
                                          present=keys[~is_accepted], municipalities=covers)
                    newer = newer[~newer["load_id"].isin(waived.get("older") or [])]
                    if len(newer):
                        raise _Held([], _older_message(file_name, modified, newer),
                                    {"older": sorted(newer["load_id"])}, names=tuple(newer["file_name"].iloc[:1]))
                fix_refs = refs[is_accepted][fixes].to_numpy()
                if module.KIND == "records":
                    records = rows
                    retracted = catalog.apply_records(
                        con, source, records, load_id, seq, delivery.window, present=keys[~is_accepted],
                        municipalities=covers, modified_at=modified)
                    starts = records["period_start"]
                    written = records.loc[fixes, ["report_key"]].assign(ref=fix_refs)
                else:
                    cells = rows
                    definitive = definitive_note(source, catalog.made_definitive(con, source, cells))
                    catalog.apply_cells(con, source, cells, load_id, seq, modified_at=modified)
                    catalog.mark_unknown_cells(con, source, unknown, load_id, seq)
                    # a period delivered without some buurten (or parts) every earlier delivery held: not zeros
                    left_out = catalog.mark_undelivered(con, source, load_id, seq)
                    missing_note = "; ".join(n for n in (left_out_note(source, left_out), stale_provisional_note(
                        source, catalog.stale_provisional(con, source, load_id))) if n)
                    starts = cells["period_start"]
                    # a merged buurt's cell carries the index of its first row (sources.merges): the fixes by row
                    by_row = pd.Series(fix_refs, index=accepted.index[fixes])
                    written = cells[cells.index.isin(by_row.index)]
                    written = written.assign(ref=by_row.loc[written.index].to_numpy()).reset_index(drop=True)
                replaced = replace_corrections(con, source, written, load_id, seq)
                clock("load: ledger or cells")
                catalog.rebuild_counts(con, source)
                clock("load: counts rebuilt")
                if len(starts):
                    periods_from, periods_to = pd.Timestamp(starts.min()), pd.Timestamp(starts.max())
                    if "period" in rows:          # a source of weeks and months: which the first and last are
                        kinds = (rows.loc[starts.idxmin(), "period"], rows.loc[starts.idxmax(), "period"])
                lowered = delivery_mod.drops(before, catalog.source_totals(con, source), settings.max_drop_share)
                if lowered and not accept_drop and not _drop_waived(waived, lowered):
                    raise _Held(lowered, held_for={"drop": lowered}, accepted=waived.get("drop"))
            delivery_mod.update_quarantine_states(
                con, source, load_id, accepted_keys=keys[is_accepted], quarantined_keys=keys[still_open],
                accepted_refs=refs[is_accepted], quarantined_refs=refs[still_open])
            catalog.record_load(con, load_id, source, file_name, digest, len(raw), int(len(accepted)),
                                len(quarantine_rows), periods_from, periods_to, seq, delivery.mode,
                                int(retracted + (replaced if getattr(module, "KIND", None) == "records" else 0)),
                                modified, kinds)
            record_window(con, load_id, delivery.window)
            record_named_week(con, load_id, week if _ended(week, today) else None)
            if accepting:
                catalog.accept_held(con, digest)
            catalog.release_hold(con, digest)
    except _Held as held:
        shown = "; ".join(held.periods[:6]) + (f"; and {len(held.periods) - 6} more" if len(held.periods) > 6 else "")
        message = held.message or (
            f"{file_name}: held, nothing applied: this load would lower the {source} totals by more than "
            f"{settings.max_drop_share:.0%} ({shown})")
        if held.accepted:
            message += (f" (the drop accepted earlier, {'; '.join(held.accepted[:6])}, was measured against the "
                        "warehouse as it was then)")
        message += f"; if that is right, accept it with `wijkradar loads accept {digest[:12]}`"
        if "older" not in (held.held_for or {}):        # --accept-drop waives a drop, never an older file's hold
            message += " (or ingest it with --accept-drop)"
        with transaction(con):
            if accepting:                                 # what the analyst accepted stays accepted
                catalog.accept_held(con, digest)
            catalog.hold(con, digest, source, file_name, held_place(path), delivery.mode, message, delivery.window,
                         held.held_for)
        raise LoadHeld(message, held.names) from None
    except (KeyboardInterrupt, SystemExit):
        if _committed(con, load_id):          # the signal came as COMMIT ended: the load is stored
            _mark_stored(load_id)
        raise
    with _archiving(load_id):
        clock("load: valve, states, commit")
        _archive(archive_dir, source, digest, path, file_name, load_id, raw_rows, sha256=content)
        clock("archive")
    return LoadResult(load_id, source, file_name, False, len(raw), int(len(accepted)), len(quarantine_rows),
                      int(retracted), len(not_applied), int(replaced),
                      window_applied=delivery.window_text() if delivery.window is not None else "",
                      time_note=time_note, missing_note=missing_note, left_out=left_out, no_reports=no_reports,
                      definitive_note=definitive)


def _periods_and_buurten(cells: pd.DataFrame, most: int = 6, signals: bool = False) -> str:
    """``cells`` (``area_code, period, period_start`` and ``signal``) as "2026-10: 2 buurt(en) (BU..., BU...)" per
    period, at most ``most`` of each; ``signals``: each period's signals named after its buurten."""
    parts = []
    for (period, start), part in cells.groupby(["period", "period_start"], sort=True):
        codes = sorted(part["area_code"].unique())
        shown = ", ".join(codes[:most]) + (f" and {len(codes) - most} more" if len(codes) > most else "")
        label = pd.Timestamp(start).strftime("%G-W%V" if period == "week" else "%Y-%m")
        named = sorted(part["signal"].unique()) if signals else []
        parts.append(f"{label}: {len(codes)} buurt(en) ({shown})" + (
            f" of {', '.join(named[:most])}" + (f" and {len(named) - most} more" if len(named) > most else "")
            if named else ""))
    if len(parts) > most:
        parts = [*parts[:most], f"and {len(parts) - most} more periods"]
    return "; ".join(parts)


def left_out_note(source: str, left_out: pd.DataFrame, most: int = 6) -> str:
    """One sentence naming the buurten a delivery left out of periods every earlier delivery held them in
    (``catalog.undelivered_cells``), and their signals (a signal left out entirely is named, not only its buurten);
    empty when none."""
    if left_out.empty:
        return ""
    return (f"{source}: no rows for {_periods_and_buurten(left_out, most, signals=True)}, although the period before "
            "held a row for every buurt the source delivers (zeros too), so their counts read as unknown "
            "(\"minstens\"), not as 0, until a delivery brings them: deliver those rows")


def definitive_note(source: str, periods: pd.DataFrame, most: int = 6) -> str:
    """One sentence naming the periods whose provisional counts a delivery made definitive
    (``catalog.made_definitive``) and how much that moved them; empty when none. A flag sent on a provisional month
    may not hold on the definitive figures, so the line says which months changed and by how much."""
    if periods.empty:
        return ""
    parts = [f"{pd.Timestamp(r.period_start).strftime('%G-W%V' if r.period == 'week' else '%Y-%m')} "
             f"({r.changed} of {r.cells} cells changed, total {r.before} -> {r.after})"
             for r in periods.itertuples(index=False)]
    shown = ", ".join(parts[:most]) + (f" and {len(parts) - most} more" if len(parts) > most else "")
    return f"{source}: provisional figures made definitive: {shown}"


def stale_provisional_note(source: str, cells: pd.DataFrame, most: int = 6) -> str:
    """One sentence naming the buurten whose provisional count of an earlier delivery stands in a period this delivery
    made definitive (``catalog.stale_provisional``); empty when none."""
    if cells.empty:
        return ""
    return (f"{source}: this delivery's figures of {_periods_and_buurten(cells, most)} are definitive but hold no rows "
            "of those buurten, whose provisional figures of an earlier delivery stand: ask the source whether they "
            "were left out or are 0, and deliver them")


def _split_reasons(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, failures: pd.DataFrame, ref: Reference,
                   module) -> pd.DataFrame:
    """``failures`` with the rows under the old code of a buurt the profile split (``catalog.split_buurten``) given
    the reason that says so and what to do (``common.split_reasons``), not "not a buurt of the division"; and the
    rows under a code of another municipality, a wijk or a municipality given one that says so
    (``rows.foreign_reasons``)."""
    if failures.empty:
        return failures
    found = catalog.split_buurten(con, list(ref.code_changes["old_code"]), ref.declared_splits)
    splits = {old: list(part["part"]) if part["paired"].all() else None
              for old, part in found.groupby("old_code", sort=True)}
    kind = "records" if getattr(module, "KIND", None) == "records" else "counts"
    return foreign_reasons(split_reasons(failures, frame, splits, kind), frame, ref.gemeenten)


def _corrections_not_applied(con: duckdb.DuckDBPyConnection, source: str, module, frame: pd.DataFrame,
                             keys: pd.Series, refs: pd.Series, is_accepted) -> pd.DataFrame:
    """The rows of a correction whose quarantined row is no longer open (see
    ``delivery.corrections_not_applied``); empty for a delivery."""
    kind = getattr(module, "KIND", None)
    if refs.isna().all() or kind not in ("cells", "records"):
        return pd.DataFrame({"reason": pd.Series(dtype=object), "state": pd.Series(dtype=object),
                             "state_by": pd.Series(dtype=object)})
    states = catalog.ref_states(con, source, refs)
    valid = is_accepted & refs.notna().to_numpy()
    writers = pd.DataFrame({"load_id": pd.Series(dtype=object), "mode": pd.Series(dtype=object),
                            "load_seq": pd.Series(dtype="float64")})
    if valid.any() and states["state"].eq("resolved").any():
        writers = (catalog.record_writers(con, source, keys[valid]) if kind == "records"
                   else catalog.cell_writers(con, source, module.to_cells(frame[valid])))
    return delivery_mod.corrections_not_applied(refs, states, writers)


def _unknown_cells(module, rows: pd.DataFrame, today: pd.Timestamp, ref: Reference) -> pd.DataFrame:
    """The cells quarantined ``rows`` of an aggregate source hold without a usable count (``delivery.unknown_cells``),
    by the rows' index; none for another source."""
    keys = catalog.CELL_KEYS
    if getattr(module, "KIND", None) != "cells" or hasattr(module, "write_core"):
        return pd.DataFrame(columns=keys)
    return delivery_mod.unknown_cells(module, rows, today, ref.load_settings.first_day(), ref.buurten["area_code"])


def _merged_parts_doubled(con: duckdb.DuckDBPyConnection, source: str, module, accepted: pd.DataFrame,
                          unknown: pd.DataFrame, ref: Reference) -> pd.Series:
    """Reasons, by index, for the ``accepted`` rows under an old code of a merged buurt whose buurt the same file (a
    row under its current code, with a count or without one: ``unknown``) or the warehouse holds whole (under its
    current code) for that signal and period (``sources.merges``)."""
    if getattr(module, "KIND", None) != "cells" or "cell_code" not in accepted or accepted.empty:
        return pd.Series(dtype=object)
    wholes = unknown[~unknown["part"].astype(str).str.contains(merges.AT, regex=False)].assign(count=0)
    # only rows under an old code can conflict, with the cells of their own buurt: not a copy of every row as cells
    parts = accepted["cell_code"].ne(accepted["area_code"]) & accepted["cell_code"].notna()
    near = accepted[accepted["area_code"].isin(accepted.loc[parts, "area_code"])]
    if near.empty:
        return pd.Series(dtype=object)
    return _merge_conflicts(con, source, module.to_cells(near)[wholes.columns], wholes, ref)


def _merged_unknown_doubled(con: duckdb.DuckDBPyConnection, source: str, module, accepted: pd.DataFrame,
                            unknown: pd.DataFrame, ref: Reference) -> pd.Series:
    """Reasons, by index, for the cells held without a usable count (``unknown``, by the quarantined rows' index,
    ``delivery.unknown_cells``) under an old code of a merged buurt whose buurt the same file (an accepted row,
    ``accepted``, or another unknown cell) or the warehouse holds whole for that signal and period: the merge rule
    of accepted rows (``sources.merges.conflicts``), so such a part neither counts nor marks the buurt's total."""
    if unknown.empty or "cell_code" not in accepted:
        return pd.Series(dtype=object)
    theirs = unknown.assign(count=0)
    near = accepted[accepted["area_code"].isin(unknown["area_code"])]       # the unknown cells' own buurten
    ours = module.to_cells(near)[theirs.columns] if len(near) else theirs.iloc[:0]
    return _merge_conflicts(con, source, theirs, ours, ref)


def _merge_conflicts(con: duckdb.DuckDBPyConnection, source: str, cells: pd.DataFrame, beside: pd.DataFrame,
                     ref: Reference) -> pd.Series:
    """``sources.merges.conflicts`` of ``cells`` (by their index) read together with the file's other cells
    ``beside`` (given an index range of their own below 0, so the reasons keep ``cells``' index)."""
    beside = beside.set_axis(range(-len(beside), 0))
    # only a merged buurt's own cells meet: those of buurten with a part among the cells judged (a few, if any)
    parts = cells.loc[cells["part"].astype(str).str.contains(merges.AT, regex=False), "area_code"]
    if parts.empty:
        return pd.Series(dtype=object)
    both = pd.concat([cells[cells["area_code"].isin(parts)], beside[beside["area_code"].isin(parts)]])
    reasons = merges.conflicts(both, whole_cells_held(con, source, both), ref)
    return reasons[reasons.index.isin(cells.index)]


def _municipalities(frame: pd.DataFrame, ref: Reference) -> list[str] | None:
    """The municipalities a full export covers: those whose buurten occur in the file; None (all) in the home
    of one municipality."""
    areas = ref.areas
    if areas["gemeente_code"].nunique() <= 1:
        return None
    of = areas.set_index("area_code")["gemeente_code"]
    return sorted(set(frame["area_code"].dropna().map(of).dropna()))


def _corrections_of_other_reports(con: duckdb.DuckDBPyConnection, source: str, frame: pd.DataFrame,
                                  keys: pd.Series, refs: pd.Series) -> pd.Series:
    """A corrected report without a number whose content key belongs to a report of another delivery (one
    that is not the file it corrects: same time, category and buurt, ranked in another file) is keyed by
    the row it corrects (``q:<load>:<row>``), so it is added instead of replacing that report."""
    numberless = refs.notna() & frame["melding_id"].isna() & keys.astype(str).str.match(r"[hr]:")
    if not numberless.any():
        return keys
    holders = ledger_holders(con, source, keys[numberless])
    corrected_load = refs[holders.index].str.rsplit(":", n=1).str[0]
    other = holders["load_id"].ne(corrected_load) & holders["mode"].ne("correction")
    keys = keys.copy()
    keys[other[other].index] = "q:" + refs[other[other].index]
    return keys


def _corrected_files(con: duckdb.DuckDBPyConnection, module, raw: pd.DataFrame, ref: Reference) -> pd.DataFrame | None:
    """The rows of the earlier loads a correction fixes (typed, with their ``quarantine_ref``), so a corrected
    report without a number is keyed as it would have been in its own file; None for a delivery."""
    if "quarantine_ref" not in raw:
        return None
    refs = raw["quarantine_ref"].astype(str).str.strip()
    loads = sorted({r.rsplit(":", 1)[0] for r in refs[refs.str.fullmatch(delivery_mod.QUARANTINE_REF)]})
    if not loads:
        return None
    rows = catalog.raw_rows(con, getattr(module, "RAW_TABLE", module.NAME), loads)
    if rows.empty:
        return None
    rows = rows.astype({c: object for c in module.RAW_COLUMNS}).fillna({c: "" for c in module.RAW_COLUMNS})
    # each file typed on its own, as it was loaded: the order of day and month is a file's (``common.read_dates``)
    typed = pd.concat([module.typed(part, ref) for _, part in rows.groupby("load_id", sort=False)]).loc[rows.index]
    return typed.assign(quarantine_ref=(rows["load_id"] + ":" + rows["row_number"].astype(str)).to_numpy())


class _Clock:
    """Seconds per stage into ``timings`` (when given)."""

    def __init__(self, timings: dict | None):
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


class NotYet(Exception):
    """A file left for a later run: one holding reports or periods after the day the load was given (``--today``),
    or one still being written (it changed while it was read)."""


def _named_week(path: Path, module, delivery: "Delivery", today: pd.Timestamp) -> pd.Timestamp | None:
    """The Monday of the week a weekly export of reports names in its file (``meldingen_export_2026-W48.csv``,
    ``delivered.named_week``); None for a correction (it holds only fixed rows), a source of counts (whose cells say
    what they hold, zeros included) or a name without one week."""
    from pipelines.delivered import named_week

    if getattr(module, "KIND", None) != "records" or getattr(module, "PERIOD", None) != "week" \
            or delivery.mode == "correction":
        return None
    return named_week(path.name)


def _ended(week: pd.Timestamp | None, today: pd.Timestamp) -> bool:
    """Whether the week starting ``week`` had ended by ``today`` (the day of the load): only then can an export of it
    be whole, and only then is the week recorded as delivered (``meta.loads.named_week``)."""
    return week is not None and week + pd.Timedelta(days=6) < pd.Timestamp(today).normalize()


def _without_reports(empty: NoDataRows, week: pd.Timestamp | None, delivery: "Delivery", today: pd.Timestamp,
                     later_rows: str, file_name: str, module) -> tuple[pd.DataFrame, str]:
    """A file of reports with a header and no rows: the empty rows and the period they deliver as without reports
    when the delivery says which (its declared window, or its name's week once that week has ended), so a small
    municipality's quiet week is delivered as one. Refused where no period can be known: then an empty file is more
    likely the wrong sheet or period than a municipality where nobody reported anything."""
    from models.calendar import period_label

    if delivery.window is not None:
        return empty.frame, f"{delivery.window[0]:%Y-%m-%d}:{delivery.window[1]:%Y-%m-%d}"
    if getattr(module, "KIND", None) != "records" or delivery.mode == "correction":
        raise empty
    if week is None:
        raise NoDataRows(f"{empty}; an export of a week without reports is read as such when its name gives the week "
                         f"({module.NAME}_export_2026-W48.csv) or a manifest declares its window", empty.frame)
    label = period_label(pd.Series([week]), "week").iloc[0]
    if _ended(week, today):
        return empty.frame, label
    if later_rows == "leave" and _ended(week, local_today()):
        raise NotYet(f"{file_name}: the week its name gives, {label}, has not ended on {today:%Y-%m-%d}, the day this "
                     "run was given (--today); the file is left in the inbox and loads with a run of a later day (or "
                     "without --today)")
    raise IngestError(f"{file_name}: the file holds no data rows below its header, and the week its name gives "
                      f"({label}) has not ended on {today:%Y-%m-%d}, the day of the load: an export of a week without "
                      "reports says so once the week is over; deliver it then")


#: weeks before the load whose counts say how many reports a week the source brings
PLAUSIBLE_WEEKS = 8


def _refuse_implausibly_empty(con, empty: NoDataRows, source: str, today: pd.Timestamp) -> None:
    """Refuse an export without reports where the source brought about ``delivered.MISSING_EXPECTED`` (10) or more a
    week in the :data:`PLAUSIBLE_WEEKS` weeks before the load: there a week without any is the wrong sheet or period,
    not a quiet week (Hoogeveen brings about 90; one empty export named after a week made that week the run's, read
    it as never delivered, and took every weekly flag off the lists: red team 11a F1). The scores read such a week as
    never delivered by the same figure."""
    from pipelines.delivered import MISSING_EXPECTED

    totals = catalog.source_totals(con, source)
    weekly = totals[totals["period"] == "week"]
    starts = pd.to_datetime(weekly["period_start"])
    recent = weekly[(starts < today.normalize()) & (starts >= today.normalize() - pd.Timedelta(weeks=PLAUSIBLE_WEEKS))]
    per_week = recent["total"].sum() / PLAUSIBLE_WEEKS
    if per_week >= MISSING_EXPECTED:
        raise NoDataRows(f"{empty}: {source} brought about {per_week:,.0f} reports a week in the {PLAUSIBLE_WEEKS} "
                         "weeks before, so this is no week without reports", empty.frame)


def _leave_if_later(frame: pd.DataFrame, today: pd.Timestamp, file_name: str) -> None:
    """:class:`NotYet` when a row of ``frame`` (typed) is dated after ``today``: its date (``created``) or its
    period (``period_start``)."""
    for column in ("created", "period_start"):
        if column in frame:
            dated = pd.to_datetime(frame[column], errors="coerce").dt.normalize()
            later = int((dated > today.normalize()).sum())
            if later:
                raise NotYet(f"{file_name}: {later} row(s) are dated after {today:%Y-%m-%d}, the day this run was "
                             "given (--today); the file is left in the inbox and loads with a run of a later day "
                             "(or without --today)")


class _Held(Exception):
    """A load stopped: the periods it lowers or a message, what it is held for (``catalog.hold``) and the drop an
    analyst accepted earlier, if any."""

    def __init__(self, periods: list[str], message: str | None = None, held_for: dict | None = None,
                 accepted: list[str] | None = None, names: tuple[str, ...] = ()):
        super().__init__("held")
        self.periods, self.message, self.held_for, self.accepted = periods, message, held_for, accepted
        self.names = names          # the other loads' file names the message gives


def _drop_waived(waived: dict, lowered: list[str]) -> bool:
    """Whether an analyst accepted this very drop: the periods and sizes as measured now, or (a hold from before
    schema version 12) any drop."""
    if "drop" not in waived:
        return False
    return waived["drop"] is None or set(lowered) <= set(waived["drop"])


def file_time_ns(path: Path) -> int | None:
    """When a delivery was last modified, in nanoseconds since the epoch (an instant, free of time zones): a payload
    folder's newest file; None for a folder without files. The inbox orders its files by this time and the
    older-file check compares it, so a file loaded first in a run is never held as newer than the next."""
    if path.is_dir():
        times = [f.stat().st_mtime_ns for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
        return max(times) if times else None
    return path.stat().st_mtime_ns


def _modified_at(path: Path, source: str, now: pd.Timestamp | None = None) -> tuple[pd.Timestamp | None, str]:
    """When a delivered file was last modified (:func:`file_time_ns`) in UTC, naive as ``meta.loads.file_modified_at``
    keeps it (local time would move an hour on the night clocks go back, and with the process's TZ); None for fetched
    sources, whose payloads are always new. A time after ``now`` (the time of the load, UTC) is taken as ``now``, with a
    note for the load's line: a wrong clock would otherwise hold every later delivery of its cells until that date."""
    from pipelines.sources import NETWORK_SOURCES

    if source in NETWORK_SOURCES:
        return None, ""
    ns = file_time_ns(path)
    if ns is None:
        return None, ""
    modified = pd.Timestamp(ns, unit="ns")
    now = pd.Timestamp.now(tz="UTC").tz_localize(None) if now is None else now
    if modified <= now:
        return modified, ""
    return now, (f"the file's modification time ({_local(modified):%Y-%m-%d %H:%M}) lies in the future (a wrong "
                 f"clock?); it is recorded as the time of the load ({_local(now):%Y-%m-%d %H:%M}), so newer deliveries "
                 "are not held as older than it")


def _local(utc) -> pd.Timestamp:
    """A time kept in UTC (naive), as the analyst's clock shows it: the older-file check's messages."""
    return pd.Timestamp(pd.Timestamp(utc).tz_localize("UTC").to_pydatetime(warn=False).astimezone())


def _older_message(file_name: str, modified: pd.Timestamp, newer: pd.DataFrame) -> str:
    """Why a file older than the loads holding its cells or reports is held, naming the newest of them."""
    top = newer.iloc[0]
    return (f"{file_name}: held, nothing applied: the file is older ({_local(modified):%Y-%m-%d %H:%M}) than "
            f"{top['file_name']} ({_local(top['file_modified_at']):%Y-%m-%d %H:%M}, load {top['load_id']}), "
            f"whose values it would overwrite or take back in {int(newer['n'].sum())} cell(s) or report(s) (an old "
            "export found late would undo newer figures)")


def _archive(archive_dir: Path, source: str, digest: str, path: Path | None, file_name: str, load_id: str,
             raw_rows: pd.DataFrame, sha256: str | None = None) -> None:
    """What audit and reproduction need, without personal data: the file's name, size and hash (``sha256``, when the
    load's ``digest`` is not the file's own: an export without reports is known by its period too), and the
    stored (stripped, redacted) rows as Parquet. Written after the load committed, into a folder beside
    the archive that is renamed into place when complete, so a kill leaves no half archive behind it. Without the
    file (``path`` None: an archive lost and written again from the warehouse's rows) its size is not known."""
    folder = archive_dir / source / digest[:12]
    if path is not None and _archived_elsewhere(archive_dir, source, path):
        return
    part = folder.with_name(f"{folder.name}.part-{os.getpid()}")
    try:
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        rows = raw_rows.drop(columns=["load_id"])
        rows.attrs = {}         # a source's reading aids (KWB's topic tables): pandas would write them as JSON
        rows.to_parquet(part / "rows.parquet", index=False)
        _fault_point("ingest-archive")
        size = None if path is None else \
            sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) \
            if path.is_dir() else path.stat().st_size
        (part / "manifest.json").write_text(json.dumps({
            "load_id": load_id, "source": source, "file_name": file_name, "sha256": sha256 or digest, "bytes": size,
            "rows": len(raw_rows), "archived_at": pd.Timestamp.now().isoformat(timespec="seconds"),
            "note": "the original file is not kept: only the rows wijkradar read, without personal data",
        }, indent=2, ensure_ascii=False), encoding="utf-8")
        if folder.exists():                       # an incomplete archive of an earlier, killed run
            shutil.rmtree(folder)
        part.rename(folder)
    except Exception as exc:                      # the load is committed; a missing archive is not fatal
        log.warning("load %s was stored, but its archive could not be written (%s); check %s, then ingest the "
                    "same file again to archive it (it is not loaded twice)", load_id,
                    exc.strerror if isinstance(exc, OSError) else type(exc).__name__, folder)
    finally:
        shutil.rmtree(part, ignore_errors=True)


def _committed(con: duckdb.DuckDBPyConnection, load_id: str) -> bool:
    """Whether ``load_id`` is in the warehouse; False when the warehouse cannot tell (an interrupted connection)."""
    try:
        return catalog.load_exists(con, load_id)
    except duckdb.Error:
        return False


def _archived_elsewhere(archive_dir: Path, source: str, path: Path) -> bool:
    """A fetched payload is archived by its source, as fetched, before it is parsed."""
    return (archive_dir / source) in path.resolve().parents


def archive_folder_complete(folder: Path) -> bool:
    """Whether a load's archive folder holds both its parts (a killed run or a lost ``archive/`` leaves it without)."""
    return all((Path(folder) / name).is_file() for name in ("rows.parquet", "manifest.json"))


def _archive_complete(archive_dir: Path, source: str, digest: str, path: Path | None) -> bool:
    return ((path is not None and _archived_elsewhere(archive_dir, source, path))
            or archive_folder_complete(archive_dir / source / digest[:12]))


def loaded_as_is(con: duckdb.DuckDBPyConnection, path: Path, source: str, archive_dir: Path) -> LoadResult | None:
    """The skipped result :func:`ingest_file` would give ``path`` without doing anything else, or None.

    That is a file whose content a load of the warehouse holds, whose archive is complete, with no window to compare
    (no manifest beside it, none held for it). A weekly run finds these in one pass instead of a task each: an inbox
    that is never emptied holds every delivery of the years (red team: 184 files, 15 s of each weekly run). Any other
    file (a manifest, an archive to write again, a symbolic link, a header-only export) is left to ``ingest_file``.
    """
    path = Path(path)
    if path.is_symlink() or not path.exists() or path.with_name(path.name + ".manifest.json").exists():
        return None
    try:
        digest = content_hash(path)
    except (OSError, IngestError):
        return None
    known = catalog.load_by_hash(con, digest)
    if known is None or held_window(con, digest) is not None or not _archive_complete(archive_dir, catalog.loads_of(
            con, [known])["source"].iloc[0], digest, path):
        return None
    return LoadResult(known, source, _shown_name(path, source, archive_dir), skipped=True)


def _archive_again_if_missing(con: duckdb.DuckDBPyConnection, archive_dir: Path, digest: str, path: Path,
                              load_id: str) -> None:
    """A load already in the warehouse whose archive is missing or incomplete (the run was killed between
    the commit and the archive) is archived again from the rows the warehouse stores for it."""
    [(source, file_name)] = catalog.loads_of(con, [load_id])[["source", "file_name"]].itertuples(index=False)
    folder = archive_dir / source / digest[:12]
    if _archive_complete(archive_dir, source, digest, path):
        return
    for stale in folder.parent.glob(f"{folder.name}.part-*"):      # left by the killed run
        shutil.rmtree(stale, ignore_errors=True)
    module = SOURCES[source]
    rows = catalog.raw_rows(con, getattr(module, "RAW_TABLE", module.NAME), [load_id])
    rows = rows[["load_id", "row_number", *(c for c in module.RAW_COLUMNS if c in rows.columns)]]
    with _archiving(load_id):
        _archive(archive_dir, source, digest, path, file_name, load_id, rows.astype({"row_number": "int64"}))
    log.warning("load %s was in the warehouse without a complete archive; archived it again from the stored rows",
                load_id)
