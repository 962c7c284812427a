"""Police-registered crime per buurt per month (Politie table 47022NED on the CBS 'dataderden' catalog).

Fetched over OData v3 for one municipality at a time (the ODataApi endpoint refuses more than
10,000 rows): TypedDataSet filtered to its buurten, the mapped crime types and monthly periods,
plus the Perioden code list (provisional status) and DataProperties (what an empty cell means).
Every payload is archived before parsing; an archived folder can be ingested again offline.
Yearly ``JJ00`` and quarterly ``KWnn`` rows are never added to monthly ones: if the service sends them they are
quarantined, each with one reason saying what it is. A month marked provisional (``Voorlopig``) is stored as
provisional; the definitive figures later replace it as a new vintage.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.parse
from pathlib import Path

import pandas as pd

from pipelines.sources import merges
from pipelines.sources.common import IngestError, _cell_text, area_checks, plain_cells, resolve_area_codes
from pipelines.sources.counts import count_checks, past_check
from pipelines.sources.odata import (PROPERTY_KEY, TOTAL, archive_payload, fetch_pages, read_entity, refuse_absent_topics,
                                     screened_table)
from pipelines.sources.rows import cell_keys, checked_counts, plausible_check
from pipelines.validate import Check, gx_expectations

log = logging.getLogger("wijkradar.fetch")

NAME = "politie"
EXTENSIONS: set[str] = set()          # not an inbox source: fetched from the service
TABLE = "47022NED"
DEFAULT_BASE_URL = "https://dataderden.cbs.nl/ODataApi/OData"
RAW_COLUMNS = ["area_code", "period", "crime_type", "value", "status"]
#: Counts per cell: a delivery replaces exactly the cells (buurt, crime type, month) it holds.
KIND = "cells"
HEADERS_NL = {"area_code": "WijkenEnBuurten", "period": "Perioden", "crime_type": "SoortMisdrijf", "value": "Aantal"}
#: Codes of the table's own notation that read as an address to the privacy scan, and are none: a period
#: ``2024MM01`` is a postcode and a house number (2024 MM, 01) by its shape (``ingest._privacy_guard``).
NOT_ADDRESSES = {"period": r"\d{4}(?:MM|JJ|KW)\d{2}"}
MEASURE = "GeregistreerdeMisdrijven"
#: Keys every row of an entity set must hold as text (checked when fetched and when read from the archive).
REQUIRED = {"Perioden": ("Key",), "DataProperties": ("Type",)}


def base_url() -> str:
    return os.environ.get("WIJKRADAR_POLITIE_URL", DEFAULT_BASE_URL).rstrip("/")


#: the ODataApi refuses a query of more than 10,000 rows ("query returns more than 10000 records"); a query is split
#: where the municipality's buurten times crime types times months would pass this, which leaves room for buurten the
#: reference does not know (a later division)
ROWS_AIMED = 8_000


def query_url(base: str, gemeente: str, crime_types: list[str], year: str | None = None) -> str:
    """The TypedDataSet query of ``gemeente``'s buurten, ``crime_types`` and monthly periods (of ``year`` only)."""
    if not re.fullmatch(r"GM\d{4}", gemeente):                  # "GM" would filter on every buurt in the country
        raise IngestError(f"{gemeente[:20]!r} is not a municipality code (GM and four digits); give one such as GM0118")
    types = " or ".join(f"SoortMisdrijf eq '{t:<6}'" for t in crime_types)
    flt = (f"startswith(WijkenEnBuurten,'BU{gemeente[2:]}') and ({types}) and substring(Perioden,4,2) eq 'MM'")
    if year is not None:
        flt += f" and Perioden ge '{year}MM01' and Perioden le '{year}MM12'"
    return f"{base}/{TABLE}/TypedDataSet?$format=json&$filter={urllib.parse.quote(flt)}"


def query_urls(base: str, gemeente: str, crime_types: list[str], months: list[str], buurten: int) -> list[str]:
    """The queries of the municipality's figures, each within the ODataApi's 10,000 rows: one query where
    ``buurten`` x types x ``months`` (the table's monthly period codes) stay within :data:`ROWS_AIMED`, else one per
    year, and per year and crime type where a year would pass it. The table reaches back to 2012, so one query of a
    municipality of 50 buurten and 4 types asks about 34,000 rows, which the real service refuses (a test server
    serving 2024 on never did)."""
    per_month = max(buurten, 1) * len(crime_types)
    if not months or per_month * len(months) <= ROWS_AIMED:
        return [query_url(base, gemeente, crime_types)]
    urls = []
    for year in sorted({m[:4] for m in months}):
        in_year = sum(m.startswith(year) for m in months)
        urls += ([query_url(base, gemeente, crime_types, year)] if per_month * in_year <= ROWS_AIMED
                 else [query_url(base, gemeente, [t], year) for t in crime_types])
    return urls


def monthly_codes(pages: list[bytes]) -> list[str]:
    """The monthly period codes (``2024MM01``) of the Perioden code list's pages (none where a page is no list)."""
    codes = []
    for page in pages:
        try:
            rows = json.loads(page).get("value", [])
        except (ValueError, AttributeError):
            return []
        codes += [str(r.get("Key", "")).strip() for r in rows if isinstance(r, dict)]
    return sorted(c for c in codes if re.fullmatch(r"\d{4}MM\d{2}", c))


def fetch(base: str, gemeente: str, ref, archive_dir: Path, **kw) -> Path:
    """Download the municipality's monthly figures and metadata; returns the archived payload folder. The period code
    list comes first: it says how many months the figures span, and so how the query is split (:func:`query_urls`)."""
    types = sorted(ref.politie_types["soort_misdrijf"].unique())
    perioden = fetch_pages(f"{base}/{TABLE}/Perioden?$format=json", require=REQUIRED["Perioden"], **kw)
    buurten = int(ref.buurten["area_code"].str.startswith(f"BU{gemeente[2:]}").sum()) if gemeente[2:] else 0
    urls = query_urls(base, gemeente, types, monthly_codes(perioden), buurten)
    if len(urls) > 1:
        log.info("%s download of %s: %d queries (by year, or year and crime type), each within the service's 10,000 "
                 "rows", NAME, gemeente, len(urls))
    # the hour a table may take (``odata.TOTAL``, or ``total`` as given) is the table's, over all its queries: split
    # per year, each query had its own, up to 15 hours for Hoogeveen on a slow service (red team 11a F4)
    ends = time.monotonic() + kw.pop("total", TOTAL)

    def rest(url: str) -> list[bytes]:
        return fetch_pages(url, total=max(ends - time.monotonic(), 0.001), **kw)

    pages = {
        "TypedDataSet": [page for url in urls for page in rest(url)],
        "Perioden": perioden,
        "DataProperties": fetch_pages(f"{base}/{TABLE}/DataProperties?$format=json", require=REQUIRED["DataProperties"],
                                      **kw),
    }
    period = NOT_ADDRESSES["period"]
    pages, note = screened_table(pages, "DataProperties", "TypedDataSet", {"Perioden": {"Key", "Status"}}, {
        ("DataProperties", "Key"): PROPERTY_KEY, ("TypedDataSet", "Perioden"): period, ("Perioden", "Key"): period})
    if note:
        log.warning("%s download of %s, before it was archived: %s", NAME, gemeente, note)
    return archive_payload(pages, archive_dir / NAME)


def read(path: Path) -> pd.DataFrame:
    if not Path(path).is_dir():
        raise IngestError(f"{path}: give the URL of the service or an archived payload folder of {TABLE}")
    props = read_entity(path, "DataProperties", REQUIRED["DataProperties"])
    topic = [r for r in props if r["Type"] == "Topic" and str(r.get("Key")).startswith(MEASURE)]
    if not topic:
        raise IngestError(f"{path}: DataProperties has no {MEASURE}_* topic, so this is not table {TABLE}; give the "
                          f"URL of the police service or an archived payload folder of {TABLE}")
    key, default = topic[0]["Key"], topic[0].get("Default")
    status = {r["Key"].strip(): str(r.get("Status") or "") for r in read_entity(path, "Perioden", REQUIRED["Perioden"])}
    rows = read_entity(path, "TypedDataSet")
    refuse_absent_topics(rows, [key], str(path), TABLE)
    frame = pd.DataFrame({
        "area_code": [str(r.get("WijkenEnBuurten", "")) for r in rows],
        "period": plain_cells(pd.Series([str(r.get("Perioden", "")) for r in rows], dtype=object)).str.strip(),
        "crime_type": plain_cells(pd.Series([str(r.get("SoortMisdrijf", "")) for r in rows], dtype=object)).str.strip(),
        "value": [_value_text(r.get(key)) for r in rows],
    })
    frame["status"] = frame["period"].map(status).fillna("")
    frame.attrs["default"] = default
    frame.insert(0, "row_number", range(1, len(frame) + 1))
    return frame


def _value_text(value) -> str:
    """A JSON value as the text the count parser reads as that value: a JSON number ``1.234`` is a decimal (as a
    number cell of a workbook is), never the Dutch thousands notation of ``1234``; so it is quarantined as not whole."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _cell_text(value)
    return str(value)


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    mapping = dict(zip(ref.politie_types["soort_misdrijf"], ref.politie_types["signal"]))
    period = raw["period"]
    monthly = period.str.fullmatch(r"\d{4}MM(0[1-9]|1[0-2])")
    kind = period.str.extract(r"^\d{4}(MM|JJ|KW)\d{2}$", expand=False).fillna("")
    start = pd.to_datetime(period.where(monthly).str.replace("MM", "-", regex=False) + "-01", errors="coerce")
    value = raw["value"].replace("", None)
    if raw.attrs.get("default", "Zero") == "Zero":
        value = value.fillna("0")            # the topic's Default says an empty cell means zero
    count, plausible = checked_counts(value.fillna(""), ref.load_settings.max_count(NAME))
    area = resolve_area_codes(raw["area_code"], ref)
    return pd.DataFrame({
        "row_number": raw["row_number"],
        "area_code": area,
        "cell_code": merges.cell_codes(raw["area_code"], area, ref),
        "crime_type": raw["crime_type"],
        "signal": raw["crime_type"].map(mapping),
        "period_not_year": kind.ne("JJ"),
        "period_not_quarter": kind.ne("KW"),
        "period_is_month": monthly | kind.isin(["JJ", "KW"]),     # a year or quarter gets its own reason only
        "period_start": start,
        "provisional": raw["status"].str.lower().str.contains("voorlopig"),
        "count": count,
        "count_fraction": count % 1,
        "count_plausible": plausible,
    })


def checks(ref, today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        *area_checks(ref),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_not_year", value_set=[True]),
              "not a monthly period (yearly JJ00 rows are never added to monthly rows)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_not_quarter", value_set=[True]),
              "not a monthly period (quarterly KW rows are never added to monthly rows)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_is_month", value_set=[True]),
              "not a monthly period (Perioden is not of the form jjjjMMmm)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="period_start", max_value=today.normalize()),
              "the period lies in the future"),
        past_check(ref),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="signal"), "crime type is not mapped in politie_soorten.csv"),
        *count_checks(),
        plausible_check(ref, NAME, "buurt, crime type and month"),
        Check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["cell_code", "crime_type", "period_start"],
                                                    ignore_row_if="any_value_is_missing"),
              "the same buurt, crime type and month occur more than once"),
    ]


def row_keys(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.Series:
    """The cell each row describes (for quarantine states)."""
    return cell_keys(typed, raw, ["cell_code", "crime_type", "period_start"], ["area_code", "crime_type", "period"])


def to_cells(accepted: pd.DataFrame) -> pd.DataFrame:
    """One cell per buurt, crime type and month; a signal is the sum of its crime types. An old code of a
    merged buurt is a part of it (``'1.1.1@BU01180500'``, :mod:`merges`), added to the buurt's other old codes."""
    out = accepted[["area_code", "signal", "period_start", "count", "provisional"]].assign(
        period="month", part=merges.parts(accepted["crime_type"], accepted))
    out["count"] = out["count"].astype("int64")
    return out
