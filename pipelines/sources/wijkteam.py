"""Signals logged by the wijkteams: counts per buurt x month (or ISO week) x signal type.

Delivered as an Excel workbook (first sheet) or CSV with the columns buurtcode, maand (or week),
signaal and aantal. The signal type may be the catalogue code or its Dutch label.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.sources.common import (map_columns, normalise_area_code, normalise_header, read_table,
                                      refuse_personal_columns)
from pipelines.validate import Check, gx_expectations

NAME = "wijkteam"
EXTENSIONS = {"xlsx", "csv", "txt"}
RAW_COLUMNS = ["area_code", "period", "signal", "count"]

ALIASES = {
    "area_code": ("buurtcode", "buurt code", "cbs buurtcode", "area code"),
    "period": ("maand", "periode", "week", "month", "period"),
    "signal": ("signaal", "signaaltype", "type signaal", "soort signaal", "signal"),
    "count": ("aantal", "aantal signalen", "count"),
}

MONTHS_NL = {"jan": 1, "feb": 2, "mrt": 3, "maa": 3, "apr": 4, "mei": 5, "jun": 6, "jul": 7, "aug": 8,
             "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12}


def read(path: Path) -> pd.DataFrame:
    frame = map_columns(refuse_personal_columns(read_table(path), path), ALIASES, path)
    frame.insert(0, "row_number", range(1, len(frame) + 1))
    return frame[["row_number", *RAW_COLUMNS]]


def parse_period(text: str) -> tuple[str | None, pd.Timestamp | None]:
    """``2026-10``, ``2026-10-01``, ``01-10-2026``, ``okt 2026``, ``oktober 2026`` -> month; ``2026-W43`` -> week."""
    t = str(text).strip().lower()
    m = re.fullmatch(r"(\d{4})-?w(\d{1,2})", t)
    if m:
        try:
            return "week", pd.Timestamp.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None, None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[t ]00:00(?::00)?)?", t)
    if m and (m.group(3) is None or int(m.group(3)) == 1) and 1 <= int(m.group(2)) <= 12:
        return "month", pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)
    m = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", t)
    if m and int(m.group(1)) == 1 and 1 <= int(m.group(2)) <= 12:
        return "month", pd.Timestamp(int(m.group(3)), int(m.group(2)), 1)
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", t)
    if m and m.group(1)[:3] in MONTHS_NL:
        return "month", pd.Timestamp(int(m.group(2)), MONTHS_NL[m.group(1)[:3]], 1)
    return None, None


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    cat = ref.catalogue[ref.catalogue["source"] == NAME]
    lookup = {normalise_header(s): s for s in cat["signal"]}
    lookup.update({normalise_header(label): s for label, s in zip(cat["label_nl"], cat["signal"])})
    freq = dict(zip(cat["signal"], cat["frequency"]))
    parsed = [parse_period(v) for v in raw["period"]]
    kind = pd.Series([p[0] for p in parsed], index=raw.index, dtype=object)
    start = pd.to_datetime(pd.Series([p[1] for p in parsed], index=raw.index))
    signal = raw["signal"].map(normalise_header).map(lookup)
    count = pd.to_numeric(raw["count"].str.strip().str.replace(",", ".", regex=False), errors="coerce")
    expected_kind = signal.map(freq)
    return pd.DataFrame(
        {
            "row_number": raw["row_number"],
            "area_code": normalise_area_code(raw["area_code"]).replace("", None),
            "signal": signal,
            "period": kind,
            "period_start": start,
            "period_matches": np.where(signal.isna() | kind.isna(), True, kind == expected_kind),
            "count": count,
            "count_fraction": count % 1,
        }
    )


def checks(ref, today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="area_code"), "buurtcode is empty"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="area_code", value_set=sorted(ref.buurten["area_code"])),
              "buurtcode is not a buurt of the 2024 division"),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="signal"),
              "signaal is not a wijkteam signal of the catalogue (signalen.csv)"),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="period_start"),
              "maand is empty or not a period (use jjjj-mm, or jjjj-Www for weeks)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="period_start", max_value=today.normalize()),
              "the period lies in the future"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="period_matches", value_set=[True]),
              "period type (week/month) differs from the signal's frequency in the catalogue"),
        Check(gxe.ExpectColumnValuesToNotBeNull(column="count"), "aantal is empty or not a number"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="count", min_value=0), "aantal is negative"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="count_fraction", value_set=[0.0]),
              "aantal is not a whole number"),
        Check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "signal", "period_start"]),
              "the same buurt, signal and period occur more than once"),
    ]


def to_counts(accepted: pd.DataFrame) -> pd.DataFrame:
    out = accepted[["area_code", "signal", "period", "period_start", "count"]].copy()
    out["count"] = out["count"].astype("int64")
    return out
