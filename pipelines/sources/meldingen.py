"""Resident reports about the public space (meldingen openbare ruimte), one row per report.

Read from a municipal CSV/XLSX export with Dutch headers (semicolon CSV is the norm), a flattened
Signalen export, or the Signalen data-warehouse dump (``signalen_dwh``: folder or zip); each
report's category is mapped to a catalogue signal through ``data/reference/meldingen_categorieen.csv``
and reports are counted per buurt x signal x ISO week. Only the fields the counts need are kept:
no free text, no addresses.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from models.calendar import period_start
from pipelines.sources.common import (area_checks, map_columns, normalise_header, parse_dates, read_table,
                                      refuse_personal_columns, resolve_area_codes)
from pipelines.sources.signalen_dwh import is_dwh_export, read_dwh
from pipelines.validate import Check, gx_expectations

NAME = "meldingen"
EXTENSIONS = {"csv", "txt", "xlsx", "zip"}
PERIOD = "week"
RAW_COLUMNS = ["melding_id", "created", "hoofdcategorie", "subcategorie", "area_code"]
#: Corrections add to the counts (rows are single records or parts of a sum) or replace per key.
ADDITIVE = True
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
    if is_dwh_export(path):                       # Signalen data-warehouse dump (folder or zip)
        frame = read_dwh(path)
    else:
        frame = refuse_personal_columns(read_table(path), path, allowed_drop=DROP_ON_READ)
        frame = map_columns(frame, ALIASES, path, optional=("melding_id",))
    frame.insert(0, "row_number", range(1, len(frame) + 1))
    return frame[["row_number", *RAW_COLUMNS]]


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    cats = ref.categories.assign(
        _key=lambda c: c["hoofdcategorie"].map(normalise_header) + "|" + c["subcategorie"].map(normalise_header)
    ).set_index("_key")["signal"]
    key = raw["hoofdcategorie"].map(normalise_header) + "|" + raw["subcategorie"].map(normalise_header)
    created = parse_dates(raw["created"])
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "melding_id": raw["melding_id"].str.strip().replace("", None),
            "area_code": resolve_area_codes(raw["area_code"], ref),
            "created": created,
            "signal": key.map(cats),
            "period_start": period_start(created, PERIOD),
        }
    )


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
        Check(gxe.ExpectColumnValuesToBeUnique(column="melding_id"), "meldingnummer occurs more than once"),
    ]


def to_counts(accepted: pd.DataFrame) -> pd.DataFrame:
    counts = (
        accepted.groupby(["area_code", "signal", "period_start"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
    )
    counts.insert(2, "period", PERIOD)
    return counts
