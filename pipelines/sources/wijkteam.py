"""Signals logged by the wijkteams: counts per buurt x month (or ISO week) x signal type.

Delivered as an Excel workbook (first sheet) or CSV with the columns buurtcode, maand (or week),
signaal and aantal. The signal type may be the catalogue code or its Dutch label.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.sources.common import area_checks, normalise_header, resolve_area_codes
from pipelines.sources.rows import cell_keys, checked_counts, normalised, plausible_check
from pipelines.sources.counts import (ambiguous_check, count_checks, counts_ambiguous, counts_merged, is_period,
                                      merged_check, parse_periods, period_checks, read_count_table)
from pipelines.sources import merges
from pipelines.validate import Check, gx_expectations

NAME = "wijkteam"
EXTENSIONS = {"xlsx", "csv", "txt"}
RAW_COLUMNS = ["area_code", "period", "signal", "count"]
#: a period such as 2026MM10 reads as a postcode and a house number to the privacy scan (``ingest._privacy_guard``)
NOT_ADDRESSES = {"period": is_period}
#: Counts per cell: a delivery replaces exactly the cells (buurt, signal, period) it holds.
KIND = "cells"
#: Headers of the quarantine export, so a corrected export loads as this source again.
HEADERS_NL = {"area_code": "Buurtcode", "period": "Maand", "signal": "Signaal", "count": "Aantal"}

ALIASES = {
    "area_code": ("buurtcode", "buurt code", "cbs buurtcode", "area code"),
    "period": ("maand", "periode", "week", "month", "period"),
    "signal": ("signaal", "signaaltype", "type signaal", "soort signaal", "signal"),
    "count": ("aantal", "aantal signalen", "count"),
}


def read(path: Path) -> pd.DataFrame:
    return read_count_table(path, ALIASES, RAW_COLUMNS)


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    cat = ref.catalogue[ref.catalogue["source"] == NAME]
    lookup = {normalise_header(s): s for s in cat["signal"]}
    lookup.update({normalise_header(label): s for label, s in zip(cat["label_nl"], cat["signal"])})
    freq = dict(zip(cat["signal"], cat["frequency"]))
    kind, start = parse_periods(raw["period"])
    area = resolve_area_codes(raw["area_code"], ref)
    signal = normalised(raw["signal"]).map(lookup)
    count, plausible = checked_counts(raw["count"], ref.load_settings.max_count(NAME))
    expected_kind = signal.map(freq)
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "area_code": area,
            "cell_code": merges.cell_codes(raw["area_code"], area, ref),
            "signal": signal,
            "period": kind,
            "period_start": start,
            "period_matches": np.where(signal.isna() | kind.isna(), True, kind == expected_kind),
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
        Check(gxe.ExpectColumnValuesToNotBeNull(column="signal"),
              "signaal is not a wijkteam signal of the catalogue (signalen.csv)"),
        *period_checks(today, ref),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_matches", value_set=[True]),
              "period type (week/month) differs from the signal's frequency in the catalogue"),
        *count_checks(),
        ambiguous_check(),
        merged_check(),
        plausible_check(ref, NAME, "buurt, signal and period"),
        Check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["cell_code", "signal", "period_start"],
                                                    ignore_row_if="any_value_is_missing"),
              "the same buurt, signal and period occur more than once"),
    ]


def row_keys(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.Series:
    """The cell each row describes (for quarantine states)."""
    return cell_keys(typed, raw, ["cell_code", "signal", "period_start"], ["area_code", "signal", "period"])


def to_cells(accepted: pd.DataFrame) -> pd.DataFrame:
    """One cell per row: buurt, signal and period; an old code of a merged buurt is a part of it (:mod:`merges`)."""
    out = accepted[["area_code", "signal", "period", "period_start", "count"]].assign(
        part=merges.parts("", accepted))
    out["count"] = out["count"].astype("int64")
    return out
