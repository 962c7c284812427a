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

import pandas as pd

from models.calendar import period_start
from pipelines.sources.common import (area_checks, map_columns, normalise_header, parse_dates, read_table,
                                      other_sheets_checked, refuse_personal_columns, resolve_area_codes, with_quarantine_ref)
from pipelines.sources.signalen_dwh import is_dwh_export, read_dwh
from pipelines.delivery import QUARANTINE_REF
from pipelines.sources.rows import normalised
from pipelines.validate import Check, gx_expectations

NAME = "meldingen"
EXTENSIONS = {"csv", "txt", "xlsx", "zip"}
PERIOD = "week"
RAW_COLUMNS = ["melding_id", "created", "hoofdcategorie", "subcategorie", "area_code"]
#: One row per report: kept in a ledger by report key (Meldingnummer), never counted twice.
KIND = "records"
#: A report number wijkradar keeps: letters, digits and - . / _ (anything else is quarantined).
REPORT_NUMBER = r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}"
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
        frame = with_quarantine_ref(map_columns(table, ALIASES, path, optional=("melding_id",)), table)
    return frame[["row_number", *RAW_COLUMNS, *(["quarantine_ref"] if "quarantine_ref" in frame else [])]]


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    cats = ref.categories.assign(
        _key=lambda c: c["hoofdcategorie"].map(normalise_header) + "|" + c["subcategorie"].map(normalise_header)
    ).set_index("_key")["signal"]
    key = normalised(raw["hoofdcategorie"]) + "|" + normalised(raw["subcategorie"])
    created = parse_dates(raw["created"])
    number = raw["melding_id"].astype(str).str.strip()
    valid_number = number.eq("") | number.str.fullmatch(REPORT_NUMBER)
    melding_id = number.where(valid_number & number.ne(""), None)
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "melding_id": melding_id,
            "melding_id_repeated": melding_id.notna() & number_keys(melding_id).duplicated(keep=False),
            "melding_id_valid": valid_number,
            "category_key": key,
            "area_code": resolve_area_codes(raw["area_code"], ref),
            "created": created,
            "signal": key.map(cats),
            "period_start": period_start(created, PERIOD),
        }
    )


#: Why two rows of a file with one number are both quarantined (the ledger keys a number upper-cased).
REPEATED_NUMBER = "meldingnummer occurs more than once (upper and lower case count as the same number)"


def number_keys(number: pd.Series) -> pd.Series:
    """The ledger key of each report number: ``id:`` and the number upper-cased (``x-500`` is ``X-500``)."""
    return ("id:" + number.str.upper()).astype(object)


def checks(ref, today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        *area_checks(ref),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="created"),
              "datum melding is empty or not a date (use dd-mm-jjjj or jjjj-mm-dd)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="created", max_value=today.normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)),
              "datum melding lies in the future"),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="signal"),
              "category (hoofd/sub) is not mapped in meldingen_categorieen.csv"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="melding_id_valid", value_set=[True]),
              "meldingnummer is not a report number (letters, digits and - . / _ only)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="melding_id_repeated", value_set=[False]),
              REPEATED_NUMBER),
    ]


def row_keys(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.Series:
    """The report each row is: ``id:<Meldingnummer>``; a correction row without one ``q:<quarantined row>``;
    else ``h:<date time|category|buurt>#<n>`` (the n-th identical report of the delivery)."""
    number = typed["melding_id"]
    keys = number_keys(number)
    rest = number.isna()
    if not rest.any():
        return keys
    raw, typed = raw[rest.to_numpy()], typed[rest]
    ref = raw["quarantine_ref"] if "quarantine_ref" in raw else pd.Series("", index=raw.index)
    ref = ref.astype(str).str.strip()
    ref = ref.where(ref.str.fullmatch(QUARANTINE_REF), "")
    valid = typed["created"].notna() & typed["area_code"].notna()
    content = ("h:" + typed["created"].dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object) + "|"
               + typed["category_key"].astype(object) + "|" + typed["area_code"].astype(object))
    if not valid.all():
        text = raw.loc[~valid.to_numpy(), RAW_COLUMNS[1:]].astype(str).agg("|".join, axis=1)
        content[~valid] = "r:" + text.map(lambda v: hashlib.sha1(v.encode()).hexdigest()[:16]).to_numpy()
    content = content + "#" + content.groupby(content).cumcount().astype(str)
    keys[rest] = ("q:" + ref).where(ref != "", content).to_numpy()
    return keys


def to_records(accepted: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """One ledger row per accepted report."""
    return pd.DataFrame({"report_key": keys.astype("str").to_numpy(), "area_code": accepted["area_code"].astype("str"),
                         "signal": accepted["signal"].astype("str"), "period": PERIOD,
                         "period_start": accepted["period_start"]}).reset_index(drop=True)
