"""Resident reports about the public space (meldingen openbare ruimte), one row per report.

Read from a municipal CSV/XLSX export with Dutch headers (semicolon CSV is the norm), a flattened
Signalen export, or the Signalen data-warehouse dump (``signalen_dwh``: folder or zip); each
report's category is mapped to a catalogue signal through ``data/reference/meldingen_categorieen.csv``
and reports are counted per buurt x signal x ISO week. Only the fields the counts need are kept:
no free text, no addresses.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from models.calendar import period_start
from pipelines import privacy
from pipelines.privacy import regex_mask
from pipelines.sources.common import (area_checks, map_columns, normalise_header, read_dates, read_table,
                                      other_sheets_checked, refuse_no_rows, refuse_personal_columns, resolve_area_codes,
                                      with_quarantine_ref)
from pipelines.sources.signalen_dwh import is_dwh_export, read_dwh
from pipelines.sources.rows import normalised
from pipelines.validate import Check, gx_expectations

NAME = "meldingen"
EXTENSIONS = {"csv", "txt", "xlsx", "zip"}
PERIOD = "week"
RAW_COLUMNS = ["melding_id", "created", "hoofdcategorie", "subcategorie", "area_code"]
#: The column of report numbers (``ingest._privacy_guard`` keeps one that reads as a personal number as a pseudonym).
ID_COLUMN = "melding_id"
#: One row per report: kept in a ledger by report key (Meldingnummer), never counted twice.
KIND = "records"
#: A report number wijkradar keeps: letters, digits and - . / _, with at least one digit (a word or a name such as
#: "jan_de_vries" numbers no report) and not a number in E-notation ("1.47258364E8" is how a spreadsheet shows a long
#: number, perhaps a BSN); anything else is quarantined.
REPORT_NUMBER = r"(?=[^0-9]*[0-9])(?![0-9]*(?:[.,][0-9]+)?[Ee][+-]?[0-9]+$)[A-Za-z0-9][A-Za-z0-9._/-]{0,63}"
#: :data:`REPORT_NUMBER` in three parts RE2 runs (it runs no lookahead): its shape, a digit, not E-notation
_NUMBER_SHAPE, _NUMBER_DIGIT, _E_NOTATION = (r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}", r"[0-9]",
                                             r"[0-9]*(?:[.,][0-9]+)?[Ee][+-]?[0-9]+")
#: Headers of the quarantine export, so a corrected export loads as this source again.
HEADERS_NL = {"melding_id": "Meldingnummer", "created": "Datum melding", "hoofdcategorie": "Hoofdcategorie",
              "subcategorie": "Subcategorie", "area_code": "Buurtcode"}

#: Accepted header names per canonical column (matched case-, accent- and punctuation-insensitively).
ALIASES = {
    "melding_id": ("meldingnummer", "melding id", "id", "signal id", "nummer"),
    "created": ("datum melding", "melddatum", "datum", "created at", "aangemaakt op"),
    "hoofdcategorie": ("hoofdcategorie", "main", "main category", "categorie"),
    "subcategorie": ("subcategorie", "sub", "sub category"),
    "area_code": ("buurtcode", "buurt code", "cbs buurtcode", "area code"),
}
#: Other spellings of the report number, read only when no alias of ``melding_id`` is in the file: a report (or
#: signal, case) word and a number word, glued or apart, either order ("Meldingsnummer", "Meldingnr.", "Nummer
#: melding", a header wrapped over two lines "Melding\nnummer", "Signaal-ID", "Zaaknummer"). Without its number a
#: report is known by its content only, and two reports alike in day, category and buurt would count once.
NUMBER_HEADERS = tuple(dict.fromkeys(
    spelled for report in ("melding", "meldings", "signaal", "signaals", "zaak", "zaaks", "registratie")
    for number in ("nummer", "nr", "no", "id", "kenmerk")
    for spelled in (f"{report}{number}", f"{report} {number}", f"{number} {report}")))

#: Columns the Signalen layout carries by design; dropped on read, never stored: free text, the
#: address and the exact location (a point can identify a house; the buurt code is all we keep).
DROP_ON_READ = {normalise_header(c) for c in (
    "text", "text extra", "omschrijving", "toelichting", "adres", "address", "address text", "address street",
    "address number", "address postalcode", "address city", "huisnummer", "postcode",
    "lat", "lng", "lon", "latitude", "longitude", "x", "y", "geometrie", "geometry", "coordinaten")}


def read(path: Path) -> pd.DataFrame:
    """Raw text rows; ``row_number`` is the row a person sees (Excel row, or the text line the record starts on)."""
    if is_dwh_export(path):                       # Signalen data-warehouse dump (folder or zip)
        frame = read_dwh(path)
    else:
        book = other_sheets_checked(read_table(path, ALIASES, optional=("melding_id",)), path)
        table = refuse_personal_columns(book.data.frame, path, allowed_drop=DROP_ON_READ)
        frame = with_quarantine_ref(map_columns(table, ALIASES, path, optional=("melding_id",),
                                                fallback={"melding_id": NUMBER_HEADERS}), table)
    return refuse_no_rows(frame[["row_number", *RAW_COLUMNS, *(["quarantine_ref"] if "quarantine_ref" in frame else [])]],
                          path)


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    cats = ref.categories.assign(
        _key=lambda c: c["hoofdcategorie"].map(normalise_header) + "|" + c["subcategorie"].map(normalise_header)
    ).set_index("_key")["signal"]
    key = normalised(raw["hoofdcategorie"]) + "|" + normalised(raw["subcategorie"])
    created, order_ambiguous = read_dates(raw["created"])
    number = raw["melding_id"].astype(str).str.normalize("NFKC").str.strip()     # full-width digits are digits
    valid_number = number.eq("") | pd.Series(is_report_number(number), index=number.index)
    melding_id = number.where(valid_number & number.ne(""), None)
    fixes = (raw["quarantine_ref"].astype(str).str.strip() if "quarantine_ref" in raw
             else pd.Series("", index=raw.index))
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "melding_id": melding_id,
            "melding_id_repeated": melding_id.notna() & number_text(melding_id).duplicated(keep=False),
            "melding_id_valid": valid_number,
            "quarantine_ref_repeated": fixes.ne("") & fixes.duplicated(keep=False),
            "category_key": key,
            "area_code": resolve_area_codes(raw["area_code"], ref),
            "created": created,
            "created_order_ambiguous": order_ambiguous,
            "signal": key.map(cats),
            "period_start": period_start(created, PERIOD),
        }
    )


#: Why a date that reads as two dates (``03/11/2026``) is quarantined when its column holds dates of both orders
#: (``common.read_dates``).
DATE_ORDER_AMBIGUOUS = ("the order of day and month in datum melding is ambiguous in this column: it holds dates "
                        "written month-first (a second number over 12) and dates written day-first (a first number "
                        "over 12) or too few month-first ones to read the column so, and this date reads both ways; "
                        "export the dates as yyyy-mm-dd (jjjj-mm-dd) and deliver the file again")


#: Why two rows of a file with one number are both quarantined (the ledger keys a number upper-cased).
REPEATED_NUMBER = ("meldingnummer occurs more than once (upper and lower case count as the same number, and so "
                   "do 0001001, 1001, 1001.0 and 1.001)")


def is_report_number(values: pd.Series) -> np.ndarray:
    """Per value: whether it is a report number (:data:`REPORT_NUMBER`), read by RE2 where Python's ``re`` would give
    the same answer (:func:`privacy.regex_mask`): the pattern's lookaheads made it Python's, value by value."""
    return (regex_mask(values, _NUMBER_SHAPE, full=True) & regex_mask(values, _NUMBER_DIGIT)
            & ~regex_mask(values, _E_NOTATION, full=True))


#: A whole number a spreadsheet wrote with thousands dots (``1.001``, ``1.234.567``, ``1.000.000``): a report number
#: is never a fraction, so these dots group thousands. Not ``1.000`` (:data:`ZERO_DECIMALS`), read as 1 with three
#: decimals since migration 010, as ``1001.000`` is 1001: which was meant cannot be told.
GROUPED_NUMBER = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
#: digits and a spreadsheet's decimals of zeros (``1001.0``): the digits
ZERO_DECIMALS = r"[0-9]+(?:\.0+)?"


def number_keys(number: pd.Series) -> pd.Series:
    """The ledger key of each report number: ``id:`` and the number upper-cased (``x-500`` is ``X-500``); a
    number of digits only is one number however a spreadsheet wrote it: without a trailing ``.0``, without
    leading zeros and without thousands dots (``0001001``, ``1001``, ``1001.0`` and ``1.001`` are ``id:1001``;
    :data:`GROUPED_NUMBER`)."""
    return ("id:" + number_text(number)).astype(object)


def number_text(number: pd.Series) -> pd.Series:
    """Each report number as one text however it was written (see :func:`number_keys`; full-width digits are
    digits, spaces around it do not count); missing numbers stay missing."""
    text = number.astype(object).where(number.notna(), None)
    # plain ASCII (all of an ordinary export) by pyarrow at once: NFKC leaves it as it is, strip and upper are ASCII's
    fast = privacy.plain_mask(number) if isinstance(number.dtype, pd.StringDtype) else np.zeros(len(number), bool)
    if fast.any():
        text[fast] = number[fast].astype("string[pyarrow]").str.strip(" \t").str.upper().astype(object)
    rest = ~fast & text.notna().to_numpy()
    if rest.any():
        text[rest] = text[rest].str.normalize("NFKC").str.strip().str.upper()
    zeros = regex_mask(text, ZERO_DECIMALS, full=True)
    grouped = regex_mask(text, GROUPED_NUMBER, full=True) & ~zeros
    digits = zeros | grouped
    plain = text[digits].astype("string[pyarrow]")
    plain = plain.where(grouped[digits], plain.str.replace(r"\.0+$", "", regex=True)).str.replace(".", "").str.lstrip("0")
    return text.where(~digits, plain.replace("", "0").astype(object))


def checks(ref, today: pd.Timestamp) -> list[Check]:
    from great_expectations.expectations.row_conditions import Column

    gxe = gx_expectations()
    return [
        *area_checks(ref),
        Check(gxe.ExpectColumnValuesToBeInSet(column="created_order_ambiguous", value_set=[False]),
              DATE_ORDER_AMBIGUOUS),
        # such a date is a date: its row has that reason only, not "not a date" too (a GX condition: == is no test)
        Check(gxe.ExpectColumnValuesToNotBeNull(column="created",
                                                row_condition=Column("created_order_ambiguous") == False),  # noqa: E712
              "datum melding is empty or not a date (use dd-mm-jjjj or jjjj-mm-dd)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="created", max_value=today.normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)),
              "datum melding lies in the future"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="created", min_value=ref.load_settings.first_day()),
              f"datum melding lies before {ref.load_settings.min_year} (min_year in lijst_instellingen.csv)"),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="signal"),
              "category (hoofd/sub) is not mapped in meldingen_categorieen.csv"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="melding_id_valid", value_set=[True]),
              "meldingnummer is not a report number (letters, digits and - . / _ only, at least one digit, "
              "no E-notation)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="melding_id_repeated", value_set=[False]),
              REPEATED_NUMBER),
        Check(gxe.ExpectColumnValuesToBeInSet(column="quarantine_ref_repeated", value_set=[False]),
              "the correction fixes the same quarantined row (Quarantaineregel) more than once; keep one row"),
    ]


def row_keys(raw: pd.DataFrame, typed: pd.DataFrame, originals: pd.DataFrame | None = None) -> pd.Series:
    """The report each row is: ``id:<Meldingnummer>``, else ``h:<date time|category|buurt>#<n>``, the n-th
    identical report of the delivery (``r:<hash of the text>#<n>`` when date or buurt is no value).

    A correction row without a number is the report it would have been had it been valid: its content
    key, ranked among the identical reports of the file it corrects (``originals``: that file's rows,
    typed, with their ``quarantine_ref``). So another quarantined copy of the report, corrected too, or
    the supplier's fixed re-delivery, replaces it instead of adding it. A correction of a row wijkradar
    does not hold (loaded before its delivery) is ranked within the correction file.
    """
    number = typed["melding_id"]
    keys = number_keys(number)
    rest = number.isna()
    if not rest.any():
        return keys
    raw, typed = raw[rest.to_numpy()], typed[rest]
    ref = raw["quarantine_ref"] if "quarantine_ref" in raw else pd.Series("", index=raw.index)
    ref = pd.Series(ref.astype(str).str.strip().to_numpy(), index=typed.index)
    content = _content_keys(typed, raw)
    if originals is not None and len(originals):
        ranked = _ranks_in_original(content, ref, originals)
    else:
        ranked = pd.Series(None, index=content.index, dtype=object)
    alone = ranked.isna()
    within = content[alone]
    ranked[alone] = within + "#" + within.groupby(within).cumcount().astype(str)
    keys[rest] = ranked.to_numpy()
    return keys


def _content_keys(typed: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.Series:
    """``h:<date time|category|buurt>`` per row (no rank); without ``raw``, None where date or buurt is missing."""
    valid = typed["created"].notna() & typed["area_code"].notna()
    content = ("h:" + typed["created"].dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object) + "|"
               + typed["category_key"].astype(object) + "|" + typed["area_code"].astype(object))
    if not valid.all():
        content = content.astype(object).where(valid, None)
        if raw is not None:
            text = raw.loc[~valid.to_numpy(), RAW_COLUMNS[1:]].astype(str).agg("|".join, axis=1)
            content[~valid] = "r:" + text.map(lambda v: hashlib.sha1(v.encode()).hexdigest()[:16]).to_numpy()
    return content


def _ranks_in_original(content: pd.Series, ref: pd.Series, originals: pd.DataFrame) -> pd.Series:
    """``content#<n>`` for correction rows whose original row is in ``originals``: the rank the corrected
    report has among the identical reports of that file (its other rows as delivered); None for the rest."""
    own = _content_keys(originals).where(originals["melding_id"].isna(), None)
    file = pd.DataFrame({"ref": originals["quarantine_ref"].to_numpy(), "content": own.to_numpy()})
    file = file.drop_duplicates("ref").set_index("ref")
    fixes = ref.isin(file.index) & content.str.startswith("h:")
    file.loc[ref[fixes].to_numpy(), "content"] = content[fixes].to_numpy()
    place = file.index.to_series().str.rsplit(":", n=1, expand=True)
    file["load"], file["row"] = place[0].to_numpy(), place[1].astype("int64").to_numpy()
    file = file.sort_values(["load", "row"])
    file["rank"] = file.groupby(["load", "content"]).cumcount()
    out = pd.Series(None, index=content.index, dtype=object)
    out[fixes] = content[fixes] + "#" + ref[fixes].map(file["rank"]).astype(str)
    return out


def to_records(accepted: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """One ledger row per accepted report."""
    return pd.DataFrame({"report_key": keys.astype("str").to_numpy(), "area_code": accepted["area_code"].astype("str"),
                         "signal": accepted["signal"].astype("str"), "period": PERIOD,
                         "period_start": accepted["period_start"],
                         "report_date": accepted["created"].dt.normalize()}).reset_index(drop=True)
