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
            if b"\x00" in raw[:8192]:
                raise IngestError(f"{path.name}: this is a binary file, not CSV text; export the data again as CSV "
                                  "(semicolon- or comma-separated) or XLSX")
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
    found += [str(c) for c in keep if c not in found and _identifies_people(frame[c])]
    if found:
        raise PrivacyError(
            f"{path.name}: refused, column(s) {found} identify people and may not enter wijkradar. "
            "Export the file again without them (wijkradar needs only area, period, category and count)."
        )
    return frame[keep]


EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(\+31|0031|0)[\s-]?[1-9](?:[\s-]?\d){8}")
STREET_NUMBER = re.compile(r"[A-Za-z][A-Za-z .'-]*(straat|weg|laan|plein|dijk|kade|singel|pad|hof|gracht|steeg|dreef|park)\s+\d+", re.IGNORECASE)


def is_bsn(value: str) -> bool:
    """The BSN '11-test': 9 digits, sum of digit * (9..2) minus the last digit divisible by 11."""
    digits = re.sub(r"\D", "", value)
    if len(digits) != 9 or len(value.strip()) > 11 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _identifies_people(values: pd.Series) -> bool:
    """A column whose values are e-mail addresses, phone numbers, BSNs or street + house number."""
    v = values.astype(str).str.strip()
    v = v[v != ""]
    if v.empty:
        return False
    sample = v.head(5000)
    if sample.str.contains(EMAIL).any() or sample.str.fullmatch(PHONE.pattern).any():
        return True
    if sample.str.fullmatch(STREET_NUMBER.pattern + r"\s*[a-zA-Z]?(\s*-?\s*\w+)?", case=False).mean() > 0.5:
        return True
    nine = sample.str.fullmatch(r"\d{9}|\d{4}\.\d{2}\.\d{3}")
    # random 9-digit ids pass the 11-test about 1 in 11 times; a BSN column passes (nearly) always
    return bool(nine.mean() > 0.5 and sample[nine].map(is_bsn).mean() > 0.9)


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
    serial = pd.to_numeric(v.where(v.str.fullmatch(r"\d{5}(\.\d+)?")), errors="coerce")
    serial = serial.where(serial.between(20_000, 80_000))
    excel = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial.fillna(0).astype("int64"), unit="D")
    excel = excel.where(serial.notna())
    if getattr(iso.dt, "tz", None):
        iso = iso.dt.tz_localize(None)
    return iso.fillna(dutch).fillna(excel)


def normalise_area_code(values: pd.Series) -> pd.Series:
    """Trim, upper-case and complete area codes: ``bu01185000 `` and ``01185000`` -> ``BU01185000``."""
    v = values.astype(str).str.strip().str.upper().str.replace(" ", "", regex=False)
    return v.where(~v.str.fullmatch(r"\d{8}"), "BU" + v)


def resolve_area_codes(values: pd.Series, ref) -> pd.Series:
    """Normalised codes, with codes of earlier CBS divisions mapped through ``buurtcode_wijzigingen.csv``.

    Empty codes become None; unknown codes stay as they are, so validation quarantines them.
    """
    codes = normalise_area_code(values)
    changes = dict(zip(ref.code_changes["old_code"], ref.code_changes["new_code"]))
    return codes.replace(changes).replace("", None)


def area_checks(ref) -> list:
    from pipelines.validate import Check, gx_expectations

    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="area_code"),
              "buurtcode is empty (a location given only as coordinates is not placed in a buurt)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="area_code", value_set=sorted(ref.buurten["area_code"])),
              "area not in division 2024: buurtcode is not a buurt of the 2024 division "
              "(and not mapped in buurtcode_wijzigingen.csv)"),
    ]
