"""The Signalen data-warehouse export: ``signals.csv``, ``locations.csv``, ``categories.csv`` (and
``statuses.csv``) in one folder or zip, joined into one row per report for the ``meldingen`` source.

Only the columns the counts need are kept: the report's text, the reporter and the address are split
off and dropped as each record is read, also from a record of the wrong width (quarantined, see :func:`_fitted`). The location becomes the CBS buurt code from ``area_code`` (or
``buurt_code``); a report located by coordinates only keeps an empty buurt code and is quarantined
with that reason, because wijkradar has no exact boundaries to place a point.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipelines.sources.common import (MAX_HEADER_CHARS, ROW_SHAPE, IngestError, _column_names, decode_text,
                                      refuse_stray_quote)
from pipelines import privacy
from pipelines.sources.safe_archive import _member, check_zip, passed_over, read_member, safe_files

FILES = {
    "signals": ["id", "created_at", "location_id", "category_assignment_id"],
    "locations": ["id", "buurt_code", "area_code"],
    "categories": ["id", "main", "sub"],
}


#: the files of a Signalen data-warehouse export (``signals/apps/reporting/csv/datawarehouse``): wijkradar reads
#: the first three, the others belong to a full export and are passed over
EXPORT_FILES = frozenset({"signals.csv", "locations.csv", "categories.csv", "statuses.csv", "reporters.csv", "sla.csv",
                          "kto_feedback.csv", "directing_departments.csv", "signals_assigned_user.csv",
                          "routing_departments.csv"})
#: endings of a file that can hold reports (a table, or an archive of tables): beside an export it is a delivery of its
#: own that would not be read (a meldingen_nalevering.csv, a second month's export zipped inside the first)
_ARCHIVES = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar")
_TABLES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".json", ".xml")


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def _file_name(name: str) -> str:
    """The file name of a folder entry or zip member, lower-cased and without its folders (``/`` or ``\\``):
    exports name their files ``signals.csv``, ``SIGNALS.CSV`` or ``export/Signals.csv`` alike."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def is_dwh_export(path: Path) -> bool:
    """A folder or zip holding ``signals.csv`` (in any case, in any sub-folder); an unsafe folder or zip is refused
    (IngestError) here."""
    path = Path(path)
    if path.is_dir():
        return any(_file_name(f.name) == "signals.csv" for f in safe_files(path))
    if path.is_file() and path.suffix.lower() == ".zip" and _is_zip(path):
        check_zip(path)
        with zipfile.ZipFile(path) as z:
            return any(_file_name(n) == "signals.csv" for n in z.namelist())
    return False


def _refuse_other_files(path: Path) -> None:
    """IngestError naming the first file of the folder or zip beside the export that can hold reports: an archive, or a
    table that is no file of :data:`EXPORT_FILES`. Only the export's own files are read, so its reports would be lost
    without a word. macOS resource forks (``__MACOSX/``, ``._signals.csv``), hidden and lock files are passed over."""
    if path.is_dir():
        entries = [(f.relative_to(path).as_posix(), lambda f=f: repr(privacy.shown_file_name(
            f.relative_to(path).as_posix()[:200]))) for f in safe_files(path)]
    else:
        with zipfile.ZipFile(path) as z:
            entries = [(i.filename, lambda i=i: _member(i)) for i in z.infolist() if not i.is_dir()]
    what = "folder" if path.is_dir() else "zip"
    for name, shown in entries:
        file = name.replace("\\", "/").lower().rsplit("/", 1)[-1]
        if passed_over(name) or file in EXPORT_FILES:
            continue
        if file.endswith(_ARCHIVES):
            raise IngestError(f"{path.name}: the {what} holds the archive {shown()} beside the Signalen export, and "
                              "the reports in it would not be read; unpack it and deliver each export as a "
                              f"{what} of its own")
        if file.endswith(_TABLES):
            raise IngestError(f"{path.name}: the {what} holds {shown()} beside the Signalen export, which is not one "
                              "of the export's files (signals.csv, locations.csv, categories.csv, ...), so its "
                              "reports would not be read; deliver it as a file of its own, or export the Signalen "
                              "data again without it")


def _open(path: Path, name: str) -> pd.DataFrame:
    wanted = FILES[name]
    raw = None
    if path.is_dir():
        found = [f for f in safe_files(path) if _file_name(f.name) == f"{name}.csv"]
        _one_export(path, name, len(found))
        if found:
            raw = found[0].read_bytes()
    else:
        check_zip(path)
        with zipfile.ZipFile(path) as z:
            members = [i for i in z.infolist() if _file_name(i.filename) == f"{name}.csv" and not i.is_dir()]
            _one_export(path, name, len(members))
            if members:
                raw = read_member(z, members[0], path=path)
    if raw is None:
        raise IngestError(f"{path.name}: the Signalen export has no {name}.csv; export signals, locations and "
                          "categories together")
    _refuse_long_header(f"{path.name}, {name}.csv", raw)
    refuse_stray_quote(f"{path.name}, {name}.csv", raw, ",")
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:   # Windows-1252 (or lines of it), read as the other text readers read it
        raw = decode_text(f"{path.name}, {name}.csv", raw).encode("utf-8")
    header, blank_end, records = _records(f"{path.name}: {name}.csv", raw)
    missing = [c for c in wanted if c not in header and not (name == "locations" and c in ("buurt_code", "area_code"))]
    if missing or (name == "locations" and not {"buurt_code", "area_code"} & set(header)):
        raise IngestError(f"{path.name}: {name}.csv lacks column(s) {', '.join(missing or ['buurt_code or area_code'])}; "
                          "this is not the Signalen data-warehouse layout: export signals, locations and categories "
                          "again from the Signalen data warehouse, with their column names unchanged, and deliver them")
    repeats = {c: [h for h in header if h == c or re.fullmatch(re.escape(c) + r"\.\d+", h)] for c in wanted}
    used = [h for c in wanted for h in repeats[c]]
    frame, shapes = _fitted(f"{name}.csv", header, used, records, blank_end, whole_id=name == "signals")
    if shapes and name != "signals":   # a location or category of the wrong width cannot be placed on a report
        raise IngestError(f"{path.name}: {shapes[min(shapes)]}")
    for column, found in repeats.items():
        if len(found) > 1:
            _agree(frame, found, f"{path.name}: {name}.csv has the column {column} {len(found)} times")
    frame = frame[[c for c in wanted if c in header]]
    frame.attrs[ROW_SHAPE] = shapes
    return frame


def _records(label: str, raw: bytes) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """The column names of a member's header (a repeated name as pandas names it: ``id``, ``id.1``; empty cells at its
    end left out, they name no column), how many empty cells were left out at its end, and its records, one by one, as
    (line the record starts on, cells); blank lines are passed over (``raw``: UTF-8). Every cell is split off here,
    :func:`_fitted` keeps only the columns wanted."""
    # decoded as it is read (a StringIO of the whole text would hold four bytes a character)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""))
    previous = 0

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal previous
        try:
            for cells in reader:
                start, previous = previous + 1, reader.line_num
                if len(cells) > 1 or "".join(cells).strip():
                    yield start, cells
        except csv.Error as exc:
            raise IngestError(f"{label} cannot be split into columns near line {previous + 1}; export the Signalen "
                              "data again") from exc
    rows = records()
    first = next(rows, None)
    if first is None:
        raise IngestError(f"{label} is empty (no header line); export the Signalen data again")
    header = first[1]
    blank_end = 0
    while header and not header[-1].strip():
        header.pop()
        blank_end += 1
    return _column_names([c if c.strip() else "" for c in header], len(header)), blank_end, rows


#: a Signalen id as the export writes it: the database's integer key (``SIA-`` is only put before it on screen)
_WHOLE = re.compile(r"\s*(0|[1-9][0-9]*)\s*")


def _fitted(member: str, header: list[str], used: list[str], records: Iterator[tuple[int, list[str]]],
            blank_end: int = 0, whole_id: bool = False) -> tuple[pd.DataFrame, dict[int, str]]:
    """The ``used`` columns of a member's records (all text), and per record that cannot be read as one its
    ``row_number`` (row in a spreadsheet, header = 1) and why, naming its line.

    A record must split into exactly the header's fields. Empty fields after them are read as none: as many as the
    header has empty cells at its end (``,,`` as Excel writes it), and one more when every record ends with the
    delimiter (``101,...,1,``). Of a record of another width only the cells that can be no part of a column wijkradar
    does not read are kept (a record with more cells: those left of the first such column, e.g. ``id``; cells shift
    only to the right), all others are left empty: the free text a delimiter split is never stored, also not in
    quarantine, and the record is quarantined rather than read shifted into another buurt or signal.

    A line break inside a field without quotes cuts a record in two (or more): the first part is too short, and the
    next may have the header's width by chance (a comma later in the text) with free text where its id belongs. So the
    records after a too-short one are its continuation, never records of their own, until together they hold the
    header's fields (the fields either side of a line break are one): each is a row of its own with every cell empty,
    naming the line it continues (rows read = accepted + quarantined; a report that truly follows a too-short record
    is quarantined with it). With ``whole_id`` (``signals.csv``, whose ``id`` is an integer) a record whose ``id`` is
    no whole number is no report as exported either (the rest of a record cut after a delimiter in its free text), and
    does not begin a cut record: quarantined with every cell empty. Only the used cells of a record are held, never
    its free text."""
    width = len(header)
    at = [header.index(c) for c in used]
    kept = [all(h in used for h in header[:i + 1]) for i in at]   # left of every column not read
    id_at = used.index("id") if whole_id and "id" in used else None
    lines, widths, cells_kept, empty_ends = [], [], [], []
    trailing = True                       # every record ends with an empty field after the header's (and its empty end)
    for line, cells in records:
        n = len(cells)
        trailing = trailing and n > width + blank_end and cells[-1] == ""
        lines.append(line)
        widths.append(n)
        cells_kept.append([cells[i] if i < n else "" for i in at])
        empty_end = 0                     # empty fields at the record's end after the header's
        while empty_end < n - width and not cells[n - 1 - empty_end].strip():
            empty_end += 1
        empty_ends.append(empty_end)
    extra = blank_end + (trailing and bool(lines))     # empty fields after the header's that are read as none
    shapes: dict[int, str] = {}
    cut, have = None, 0                   # the line a cut record begins on while its parts follow, its fields so far
    for row, (line, n, cells, empty_end) in enumerate(zip(lines, widths, cells_kept, empty_ends), start=2):
        fits = width <= n <= width + extra and empty_end == n - width
        whole = id_at is None or bool(_WHOLE.fullmatch(cells[id_at]))
        if cut is not None:
            shapes[row] = (f"{member} line {line} continues the record on line {cut}, which a line break inside a "
                           "field without quotes cut, so it is no record of its own; export the Signalen data again")
            cells[:] = [""] * len(cells)
            have += n - 1
            cut = cut if have < width else None
            continue
        if n < width and whole:
            cut, have = line, n
        if not fits:
            shapes[row] = (f"{member} line {line} has {n - min(extra, empty_end)} fields where its header has "
                           f"{width} columns (a delimiter or a line break inside a field without quotes), so its fields "
                           "would be read shifted into other columns; export the Signalen data again")
            cells[:] = [cell if n > width and left and whole else "" for cell, left in zip(cells, kept)]
        elif not whole:
            shapes[row] = (f"{member} line {line} has an id that is no whole number (a Signalen report's id is one), "
                           "the sign of a line break or a delimiter inside a field without quotes, so it is not read "
                           "as a report; export the Signalen data again")
            cells[:] = [""] * len(cells)
    if shapes:
        logging.getLogger("wijkradar.ingest").warning(
            "%s: %d record(s) cannot be read as records of the header's %d columns (the first on row %d); they are "
            "quarantined with what to fix: see them with `wijkradar quarantine`",
            member, len(shapes), width, min(shapes))
    frame = pd.DataFrame(cells_kept, columns=used, dtype=object) if cells_kept else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in used})
    return frame, shapes


def _refuse_long_header(label: str, raw: bytes) -> None:
    """The header line of a member longer than ``MAX_HEADER_CHARS`` is refused before it is split."""
    ends = [p for p in (raw.find(b"\n", 0, MAX_HEADER_CHARS + 1), raw.find(b"\r", 0, MAX_HEADER_CHARS + 1)) if p >= 0]
    if not ends and len(raw) > MAX_HEADER_CHARS:
        raise IngestError(f"{label}: the header line holds more than {MAX_HEADER_CHARS:,} characters without a line "
                          "break; this is not the Signalen data-warehouse layout: export the Signalen data again")


def _one_export(path: Path, name: str, n: int) -> None:
    """Two ``signals.csv`` (months in sub-folders, or one name twice) are two exports: reading only one would lose the
    other's reports silently, and joining them could join one export's signals to the other's locations."""
    if n > 1:
        what = "folder" if path.is_dir() else "zip"
        raise IngestError(f"{path.name}: the {what} holds {n} files named {name}.csv, so it holds more than one "
                          f"Signalen export; deliver one export per {what} (each with its signals, locations and "
                          "categories)")


def _agree(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    """Repeated columns (pandas reads a second ``id`` as ``id.1``) must agree in every row; else which is meant
    cannot be told, and the export is refused."""
    first = frame[columns[0]].str.strip()
    differs = sum(int(frame[c].str.strip().ne(first).sum()) for c in columns[1:])
    if differs:
        raise IngestError(f"{what} and they differ in {differs:,} row(s); wijkradar cannot tell which is meant: keep "
                          f"one column {columns[0]} and export the Signalen data again")


def buurt_codes(locations: pd.DataFrame) -> pd.Series:
    """The buurt code of each location from ``area_code``, ``buurt_code`` or both (either column may be missing):
    an ``area_code`` that is a buurt code (``BU...``), else a ``buurt_code`` that is filled, else ``area_code``
    as it is (an empty one stays empty and its reports are quarantined for it)."""
    empty = pd.Series("", index=locations.index, dtype=object)
    area = locations["area_code"].fillna("") if "area_code" in locations else empty
    buurt = locations["buurt_code"].fillna("") if "buurt_code" in locations else empty
    return area.where(area.str.strip().str.upper().str.startswith("BU") | buurt.str.strip().eq(""), buurt)


def read_dwh(path: Path) -> pd.DataFrame:
    """One row per signal with the canonical meldingen columns (all text).

    ``row_number`` is the row of the signal in ``signals.csv`` as a spreadsheet shows it (header = 1). A record of
    ``signals.csv`` that does not split into exactly its header's fields is told in ``attrs[ROW_SHAPE]`` (row number:
    why, naming its line), so ingest quarantines it (``row_shape_failures``); in another member it refuses the export.
    """
    path = Path(path)
    if not path.is_dir():
        check_zip(path)
    _refuse_other_files(path)
    signals, locations, categories = (_open(path, n) for n in ("signals", "locations", "categories"))
    loc = locations.assign(code=buurt_codes(locations))
    out = (signals.merge(loc[["id", "code"]].rename(columns={"id": "location_id"}), on="location_id", how="left")
           .merge(categories.rename(columns={"id": "category_assignment_id"}), on="category_assignment_id", how="left"))
    if len(out) != len(signals):
        raise IngestError(f"{path.name}: locations.csv or categories.csv has duplicate ids; export again")
    frame = pd.DataFrame({
        "row_number": pd.array(range(2, len(out) + 2), dtype="int64"),
        "melding_id": out["id"], "created": out["created_at"], "hoofdcategorie": out["main"].fillna(""),
        "subcategorie": out["sub"].fillna(""), "area_code": out["code"].fillna(""),
    })
    frame.attrs[ROW_SHAPE] = signals.attrs[ROW_SHAPE]   # quarantined as rows of the wrong width (ingest)
    return frame
