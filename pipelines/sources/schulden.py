"""Payment-arrears early signals (vroegsignalering schulden): counts per buurt x month x creditor type.

Delivered by the municipality's debt-help process as an aggregated table (CSV or XLSX) with the
columns buurtcode, maand, schuldeiser (huur, energie, water, zorgverzekering) and aantal. The
signals themselves are personal data and never enter wijkradar; small cells suppressed by the
supplier (``.``, ``<5``, ``*``, ``≤5``, ``x``) are quarantined, because the month's total for that buurt is then
unknown. Counts are summed over creditor types into the catalogue signal ``betalingsachterstand``; a buurt and
month with a suppressed or otherwise quarantined creditor cell gets no total (``delivery.unknown_cells``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.sources.common import area_checks, resolve_area_codes
from pipelines.sources.rows import cell_keys, checked_counts, normalised, plausible_check
from pipelines.sources.counts import (ambiguous_check, count_checks, counts_ambiguous, counts_merged, is_period,
                                      merged_check, parse_periods, period_checks, read_count_table)
from pipelines.sources import merges
from pipelines.validate import Check, gx_expectations

NAME = "schulden"
EXTENSIONS = {"csv", "txt", "xlsx"}
SIGNAL = "betalingsachterstand"
RAW_COLUMNS = ["area_code", "period", "creditor", "count"]
#: a period such as 2026MM10 reads as a postcode and a house number to the privacy scan (``ingest._privacy_guard``)
NOT_ADDRESSES = {"period": is_period}
#: Counts per cell: a delivery replaces exactly the cells (buurt, creditor type, month) it holds.
KIND = "cells"
#: Headers of the quarantine export, so a corrected export loads as this source again.
HEADERS_NL = {"area_code": "Buurtcode", "period": "Maand", "creditor": "Schuldeiser", "count": "Aantal"}

ALIASES = {
    "area_code": ("buurtcode", "buurt code", "cbs buurtcode", "area code"),
    "period": ("maand", "periode", "month", "period"),
    "creditor": ("schuldeiser", "soort schuldeiser", "type schuldeiser", "vaste lasten partner", "creditor"),
    "count": ("aantal", "aantal signalen", "count"),
}
#: Creditor types of the Wet gemeentelijke schuldhulpverlening, with the spellings seen in exports.
CREDITORS = {
    "huur": "huur", "huurachterstand": "huur", "verhuurder": "huur", "woningcorporatie": "huur",
    "energie": "energie", "energieleverancier": "energie",
    "water": "water", "drinkwater": "water", "drinkwaterbedrijf": "water",
    "zorgverzekering": "zorgverzekering", "zorgverzekeraar": "zorgverzekering", "zvw": "zorgverzekering",
}
#: How suppliers write a suppressed small cell: ``.``, ``x``, ``*``, ``-``, ``geheim``, or a bound such as ``<5``,
#: ``< 5``, ``<=5`` or ``≤5`` (spaces and letter case aside).
SUPPRESSED = r"[.x*-]|geheim|(?:<=?|≤)\d+"


def suppressed(values: pd.Series) -> pd.Series:
    """Whether each ``aantal`` is a small cell suppressed by the supplier."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.lower().str.replace(r"\s+", "", regex=True)
    return text.str.fullmatch(SUPPRESSED)


def read(path: Path) -> pd.DataFrame:
    return read_count_table(path, ALIASES, RAW_COLUMNS)


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    kind, start = parse_periods(raw["period"])
    area = resolve_area_codes(raw["area_code"], ref)
    count, plausible = checked_counts(raw["count"], ref.load_settings.max_count(NAME))
    hidden = suppressed(raw["count"])
    count = count.where(~hidden, 0)          # a suppressed cell is quarantined as that alone, not also as no number
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "area_code": area,
            "cell_code": merges.cell_codes(raw["area_code"], area, ref),
            "creditor": normalised(raw["creditor"]).map(CREDITORS),
            "period": kind,
            "period_start": start,
            "period_is_month": kind.eq("month") | kind.isna(),
            "suppressed": hidden,
            "count": count,
            "count_fraction": count % 1,
            "count_plausible": plausible,
            "count_ambiguous": counts_ambiguous(raw["count"]),
            "count_merged": counts_merged(raw),
        }
    )


def checks(ref, today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        *area_checks(ref),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="creditor"),
              "schuldeiser is not one of huur, energie, water, zorgverzekering"),
        *period_checks(today, ref),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_is_month", value_set=[True]),
              "arrears signals are monthly; give the month (jjjj-mm)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="suppressed", value_set=[False]),
              "aantal is suppressed by the supplier (small cell); the month's total for this buurt is unknown"),
        *count_checks(),
        ambiguous_check(),
        merged_check(),
        plausible_check(ref, NAME, "buurt, creditor type and month"),
        Check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["cell_code", "creditor", "period_start"],
                                                    ignore_row_if="any_value_is_missing"),
              "the same buurt, creditor and month occur more than once"),
    ]


def row_keys(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.Series:
    """The cell each row describes (for quarantine states)."""
    return cell_keys(typed, raw, ["cell_code", "creditor", "period_start"], ["area_code", "creditor", "period"])


def to_cells(accepted: pd.DataFrame) -> pd.DataFrame:
    """One cell per row: buurt, creditor type and month (an old code of a merged buurt adds ``@<code>`` to the
    creditor, :mod:`merges`); the signal is their sum (summed in the warehouse)."""
    out = accepted[["area_code", "period_start", "count"]].assign(
        signal=SIGNAL, period="month", part=merges.parts(accepted["creditor"], accepted))
    out["count"] = out["count"].astype("int64")
    return out
