"""Reading helpers shared by every file source: tables from CSV/XLSX, header aliases, privacy guard."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd


class IngestError(ValueError):
    """A file cannot be loaded; the message names the file, the problem and the fix."""


class PrivacyError(IngestError):
    """A file carries a column that identifies people; it is refused whole."""


# Headers that identify people. Matched on the normalised header (see ``normalise_header``).
PERSONAL_HEADERS = {
    "naam", "voornaam", "achternaam", "name", "first name", "last name", "bsn", "burgerservicenummer",
    "email", "e mail", "emailadres", "e mailadres", "telefoon", "telefoonnummer", "phone", "mobiel",
    "adres", "straat", "straatnaam", "huisnummer", "house number", "address", "postcode huisnummer",
    "geboortedatum", "date of birth", "melder", "naam melder",
}


def normalise_header(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a column header."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_table(path: Path, sheet: str | int = 0) -> pd.DataFrame:
    """Every cell as text, from a CSV (delimiter sniffed, UTF-8 or Windows-1252) or an XLSX sheet."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=sheet, dtype=object)
            frame = frame.map(_cell_text)
        elif suffix in (".csv", ".txt"):
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            try:
                dialect = csv.Sniffer().sniff(text[:20_000], delimiters=";,\t")
                sep = dialect.delimiter
            except csv.Error:
                sep = ";" if text.count(";") > text.count(",") else ","
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        else:
            raise IngestError(f"{path.name}: files of type '{suffix}' are not supported; deliver CSV or XLSX")
    except IngestError:
        raise
    except Exception as exc:  # a damaged file gets one sentence, not a traceback
        raise IngestError(f"{path.name}: the file cannot be read ({type(exc).__name__}: {exc}); "
                          "open it in a spreadsheet program, save it again as CSV or XLSX and retry") from exc
    frame = frame.loc[:, [not str(c).startswith("Unnamed") or frame[c].astype(str).str.strip().ne("").any()
                          for c in frame.columns]]
    frame = frame.fillna("").astype(str)
    empty = frame.apply(lambda col: col.str.strip() == "").all(axis=1)
    return frame.loc[~empty].reset_index(drop=True)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def refuse_personal_columns(frame: pd.DataFrame, path: Path, allowed_drop: set[str] = frozenset()) -> pd.DataFrame:
    """Refuse a file with a column that identifies people, unless the layout carries it by design.

    ``allowed_drop`` lists normalised headers that a known export layout carries by design; such
    columns are dropped here, before anything is stored.
    """
    found = []
    keep = []
    for col in frame.columns:
        norm = normalise_header(col)
        if norm in allowed_drop:
            continue
        if norm in PERSONAL_HEADERS:
            found.append(str(col))
        keep.append(col)
    if found:
        raise PrivacyError(
            f"{path.name}: refused, column(s) {found} identify people and may not enter wijkradar. "
            "Export the file again without them (wijkradar needs only area, period, category and count)."
        )
    return frame[keep]


def map_columns(frame: pd.DataFrame, aliases: dict[str, tuple[str, ...]], path: Path,
                optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rename columns to canonical names through their alias lists; refuse when a required one is missing."""
    by_norm = {normalise_header(c): c for c in frame.columns}
    rename, missing = {}, []
    for canonical, names in aliases.items():
        hit = next((by_norm[normalise_header(n)] for n in (canonical, *names) if normalise_header(n) in by_norm), None)
        if hit is None:
            if canonical not in optional:
                missing.append(f"{canonical} (one of: {', '.join(names)})")
        else:
            rename[hit] = canonical
    if missing:
        raise IngestError(
            f"{path.name}: required column(s) missing: {'; '.join(missing)}. "
            f"Found columns: {list(frame.columns)}. Rename the column or add it, then load the file again."
        )
    out = frame[list(rename)].rename(columns=rename)
    for col in optional:
        if col not in out.columns:
            out[col] = ""
    return out


def parse_dates(values: pd.Series) -> pd.Series:
    """Dutch (dd-mm-jjjj) and ISO dates, with or without time; unparseable -> NaT."""
    v = values.astype(str).str.strip()
    iso = pd.to_datetime(v.where(v.str.match(r"^\d{4}-\d{1,2}-\d{1,2}")), errors="coerce", format="ISO8601")
    dutch = pd.to_datetime(v.where(v.str.match(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")).str.slice(0, 10)
                           .str.replace(r"[/.]", "-", regex=True), errors="coerce", format="%d-%m-%Y")
    return iso.fillna(dutch).dt.tz_localize(None) if getattr(iso.dt, "tz", None) else iso.fillna(dutch)


def normalise_area_code(values: pd.Series) -> pd.Series:
    """Trim and upper-case area codes (``bu01185000 `` -> ``BU01185000``)."""
    return values.astype(str).str.strip().str.upper().str.replace(" ", "", regex=False)
