"""Parsing and checks shared by the sources that deliver counts (wijkteam, schulden).

Periods: ``2026-10``, ``2026-10-01``, ``01-10-2026``, ``okt 2026``, ``oktober 2026``, an Excel
date or Excel serial day number on the 1st of a month -> month; ``2026-W43`` -> ISO week.
Counts: whole numbers, Dutch thousands separators (``1.234``) accepted.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipelines.sources.common import map_columns, read_table, refuse_personal_columns
from pipelines.validate import Check, gx_expectations

MONTHS_NL = {"jan": 1, "feb": 2, "mrt": 3, "maa": 3, "apr": 4, "mei": 5, "jun": 6, "jul": 7, "aug": 8,
             "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def excel_serial(text: str) -> pd.Timestamp | None:
    """An Excel serial day number (e.g. ``45566``) as a date, or None."""
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        n = int(float(text))
        if 20_000 <= n <= 80_000:
            return EXCEL_EPOCH + pd.Timedelta(days=n)
    return None


def parse_period(text: str) -> tuple[str | None, pd.Timestamp | None]:
    t = str(text).strip().lower()
    serial = excel_serial(t)
    if serial is not None:
        return ("month", serial) if serial.day == 1 else (None, None)
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


def parse_periods(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = [parse_period(v) for v in values]
    kind = pd.Series([p[0] for p in parsed], index=values.index, dtype=object)
    start = pd.to_datetime(pd.Series([p[1] for p in parsed], index=values.index))
    return kind, start


def parse_counts(values: pd.Series) -> pd.Series:
    """Numbers as written by people: ``12``, ``1.234`` (thousands), ``2,5`` (decimal comma); else NaN."""
    v = values.astype(str).str.strip().str.replace(" ", "", regex=False)
    thousands = v.str.fullmatch(r"\d{1,3}(\.\d{3})+")
    v = v.where(~thousands, v.str.replace(".", "", regex=False))
    return pd.to_numeric(v.str.replace(",", ".", regex=False), errors="coerce")


def read_count_table(path: Path, aliases: dict, raw_columns: list[str]) -> pd.DataFrame:
    """A count table as text rows: personal columns refused, columns renamed through ``aliases``."""
    frame = map_columns(refuse_personal_columns(read_table(path), path), aliases, path)
    frame.insert(0, "row_number", range(1, len(frame) + 1))
    return frame[["row_number", *raw_columns]]


def count_checks() -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="count"), "aantal is empty or not a number"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="count", min_value=0), "aantal is negative"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="count_fraction", value_set=[0.0]),
              "aantal is not a whole number"),
    ]


def period_checks(today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="period_start"),
              "maand is empty or not a period (use jjjj-mm, or jjjj-Www for weeks)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="period_start", max_value=today.normalize()),
              "the period lies in the future"),
    ]
