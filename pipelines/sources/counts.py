"""Parsing and checks shared by the sources that deliver counts (wijkteam, schulden).

Periods: ``2026-10``, ``10-2026``, ``2026MM10``, ``202610``, ``okt 2026``, ``oktober 2026``, ``okt-26``
(Excel's mmm-jj), any date (``2026-10-01``, ``01-10-2026``, ``1 oktober 2026``, an Excel date or
serial day number) on the 1st of a month -> month; ``2026-W43``, ``2026 week 43``, ``week 43 2026``
-> ISO week. Anything else, or ambiguous, -> no period (quarantined).
Counts: whole numbers, Dutch thousands separators (``1.234``) accepted, and spaces or apostrophes between
real thousands groups (``1 234``, ``12 345``, ``1'234``); ``1 2`` or ``1'5`` is two numbers or a typo, not
a number (never the joined ``12``); ``inf``, ``NaN``, scientific
notation and values above ``MAX_COUNT`` are no count; ``0.125`` is a decimal, never thousands; ``1,000`` is
ambiguous (English thousands or Dutch decimals) and quarantined saying so.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.sources.common import (EXCEL_EPOCH, by_distinct, MONTH_NAMES, map_columns, parse_dates, read_table,
                                      MERGED_ROWS, other_sheets_checked, refuse_no_rows, refuse_personal_columns,
                                      with_merged_rows, with_quarantine_ref)
from pipelines.validate import Check, gx_expectations

#: Month abbreviations (kept for callers of the old name); full names are in ``MONTH_NAMES``.
MONTHS_NL = {k: v for k, v in MONTH_NAMES.items() if len(k) == 3}
#: The largest count wijkradar stores (a 32-bit integer); larger numbers are refused as implausible.
MAX_COUNT = 2**31 - 1
_MONTH = "(" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + ")"


def excel_serial(text: str) -> pd.Timestamp | None:
    """An Excel serial day number (e.g. ``45566``) as a date, or None."""
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        n = int(float(text))
        if 20_000 <= n <= 80_000:
            return EXCEL_EPOCH + pd.Timedelta(days=n)
    return None


def _month(year: int, month: int) -> pd.Timestamp | None:
    if 1 <= month <= 12 and 1900 <= year <= 2199:
        return pd.Timestamp(year, month, 1)
    return None


def _week(year: int, week: int) -> tuple[str | None, pd.Timestamp | None]:
    try:
        return "week", pd.Timestamp.fromisocalendar(year, week, 1)
    except ValueError:
        return None, None


def _period_text(t: str) -> tuple[str | None, pd.Timestamp | None] | None:
    """A period written as a period (not as a date); None: not such a text (try it as a date)."""
    m = re.fullmatch(r"(\d{4})\s*-?\s*(?:w|wk|week)\s*(\d{1,2})", t)
    if m:
        return _week(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(?:w|wk|week)\s*(\d{1,2})[\s,/-]+(\d{4})", t)
    if m:
        return _week(int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(\d{4})(?:[-/]|mm)(\d{1,2})", t) or re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{1,2})", t)
    if m:
        start = _month(int(m.group(1)), int(m.group(2)))
        return ("month", start) if start is not None else (None, None)
    m = re.fullmatch(r"(\d{1,2})[-/](\d{4})", t)
    if m:
        start = _month(int(m.group(2)), int(m.group(1)))
        return ("month", start) if start is not None else (None, None)
    m = re.fullmatch(r"(\d{6})", t)
    if m:   # jjjjmm or mmjjjj: only when exactly one reading is a month in 2000-2100
        readings = [s for s in (_month(int(t[:4]), int(t[4:])), _month(int(t[2:]), int(t[:2])))
                    if s is not None and 2000 <= s.year <= 2100]
        return ("month", readings[0]) if len(readings) == 1 else (None, None)
    m = re.fullmatch(_MONTH + r"\.?[\s-]*(\d{4})", t) or re.fullmatch(r"(\d{4})[\s-]+" + _MONTH + r"\.?", t)
    if m:
        name, year = (m.group(1), m.group(2)) if not m.group(1).isdigit() else (m.group(2), m.group(1))
        return "month", _month(int(year), MONTH_NAMES[name])
    m = re.fullmatch(_MONTH + r"\.?\s*[-'\u2019 ]\s*'?(\d{2})", t)
    if m:   # okt-26, okt '26: Excel's mmm-jj month format (a day without a year is no period)
        return "month", _month(2000 + int(m.group(2)), MONTH_NAMES[m.group(1)])
    return None


def is_period(values: pd.Series) -> pd.Series:
    """True where the text is a period this module reads (``2026MM10``, ``2026wk43``): the privacy scan reads those
    two as a postcode and a house number by their shape, and a period column's value that is a period is none."""
    return parse_periods(values)[0].notna()


def parse_period(text: str) -> tuple[str | None, pd.Timestamp | None]:
    kind, start = parse_periods(pd.Series([text]))
    return (kind.iloc[0], None if pd.isna(start.iloc[0]) else start.iloc[0])


def parse_periods(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(kind, first day) per value: ``month``/``week`` and the period start; (None, NaT) when no period."""
    values = pd.Series(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [str(u).replace("\u00a0", " ").strip().lower() for u in uniques]
    kinds: list[str | None] = [None] * len(texts)
    starts: list[pd.Timestamp | None] = [None] * len(texts)
    as_date = []
    for i, t in enumerate(texts):
        got = _period_text(t)
        if got is None:
            as_date.append(i)
        else:
            kinds[i], starts[i] = got
    if as_date:   # a date on the first of a month, at midnight, is that month
        dates = parse_dates(pd.Series([texts[i] for i in as_date], dtype=object))
        for i, d in zip(as_date, dates):
            if pd.notna(d) and d.day == 1 and d == d.normalize():
                kinds[i], starts[i] = "month", d
    kind_lookup = np.array([*kinds, None], dtype=object)
    start_lookup = np.array([*(np.datetime64(s, "us") if s is not None else np.datetime64("NaT", "us")
                               for s in starts), np.datetime64("NaT", "us")], dtype="datetime64[us]")
    kind = pd.Series(kind_lookup[codes], index=values.index, dtype=object)
    start = pd.Series(start_lookup[codes], index=values.index, dtype="datetime64[us]")
    return kind, start


_WHOLE = r"[+-]?\d+"
#: ``1.234``; never ``0.125`` (no one writes a leading zero group: that is a decimal point)
_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"
#: ``1,000``: a thousands comma in English, a decimal comma with three decimals in Dutch; which is meant is unknown
_AMBIGUOUS_COMMA = r"[+-]?[1-9]\d{0,2},\d{3}"
_DECIMAL_COMMA = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+"
_DECIMAL_POINT = r"[+-]?\d+\.\d+"
#: ``1.234.567``: two thousands groups or more, never a decimal point
_MANY_GROUPS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}"


#: ``1 234``, ``12 345 678``, ``1'234``: one space (also no-break or thin) or one apostrophe between groups of exactly
#: three digits, the same separator throughout (no backreference: pandas' str dtype matches with RE2)
_SPACED_GROUPS = r"[+-]?[1-9]\d{0,2}(?:(?: \d{3})+|(?:'\d{3})+)(?:[.,]\d+)?"


def _number_texts(values: pd.Series) -> pd.Series:
    """Each value as the text of a number: trimmed, the Unicode minus as ``-``, and the spaces or apostrophes
    between real thousands groups removed; any other space or apostrophe stays (the text is then no number)."""
    v = pd.Series(values).astype(object).where(pd.Series(values).notna(), "").astype(str)
    v = v.str.strip().str.replace("\u2212", "-", regex=False).str.replace(r"[\u00a0\u2009\u202f]", " ", regex=True)
    grouped = v.str.fullmatch(_SPACED_GROUPS).fillna(False).astype(bool)
    return v.where(~grouped, v.str.replace(r"[ ']", "", regex=True))


def _dot_is_decimal(v: pd.Series) -> tuple[bool, bool]:
    """Whether the column's number texts prove its dot a decimal point (``0.000``, ``3.00``, ``2.5``: no thousands
    group), and whether they prove it a thousands separator (``1.234.567``, ``1.234,5``, a decimal comma ``2,5``).
    ``1.000`` alone proves neither."""
    single = v.str.fullmatch(_THOUSANDS) & ~v.str.fullmatch(_MANY_GROUPS)
    point = bool((v.str.fullmatch(_DECIMAL_POINT) & ~single).any())
    thousands = bool((v.str.fullmatch(_MANY_GROUPS) |
                      (v.str.fullmatch(_DECIMAL_COMMA) & ~v.str.fullmatch(_AMBIGUOUS_COMMA))).any())
    return point, thousands


def _count_values(values: pd.Series) -> pd.Series:
    """The number each text means (float), NaN when it is no plain number; no upper limit yet.

    Read per column (its distinct values, :func:`common.by_distinct`): ``1.000`` is one thousand, unless the column
    writes its dot as a decimal point elsewhere (``0.000``, ``2.50``) and nowhere as a thousands separator: then it is
    1 (a column proving both keeps the thousands and :func:`counts_ambiguous` quarantines the value)."""
    v = _number_texts(values)
    out = pd.Series(np.nan, index=v.index, dtype="float64")
    whole = v.str.fullmatch(_WHOLE)
    out[whole] = pd.to_numeric(v[whole], errors="coerce")
    thousands = v.str.fullmatch(_THOUSANDS) & ~whole
    point, grouped = _dot_is_decimal(v)
    if point and not grouped:
        thousands = thousands & v.str.fullmatch(_MANY_GROUPS)
    out[thousands] = pd.to_numeric(v[thousands].str.replace(".", "", regex=False), errors="coerce")
    comma = v.str.fullmatch(_DECIMAL_COMMA)
    out[comma] = pd.to_numeric(v[comma].str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
                               errors="coerce")
    point = v.str.fullmatch(_DECIMAL_POINT) & ~thousands
    out[point] = pd.to_numeric(v[point], errors="coerce")
    return out.where(np.isfinite(out))


def parse_counts(values: pd.Series) -> pd.Series:
    """Numbers as written by people: ``12``, ``1.234`` (thousands), ``2,5`` (decimal comma); else NaN.

    ``inf``, ``NaN``, scientific notation (``1e20``, ``1E5``), text and values whose size exceeds
    ``MAX_COUNT`` are NaN, so the row is quarantined as "aantal is empty or not a number";
    ``counts_too_large`` tells which of them were numbers too large to be a count.
    """
    n = _count_values(values)
    return n.where(n.abs() <= MAX_COUNT)


def counts_too_large(values: pd.Series) -> pd.Series:
    """True where the text is a number (plain or scientific) larger than ``MAX_COUNT``."""
    n = _count_values(values)
    v = pd.Series(values).astype(object).where(pd.Series(values).notna(), "").astype(str).str.strip()
    sci = v.str.fullmatch(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
    n[sci] = pd.to_numeric(v[sci].str.replace(",", ".", regex=False), errors="coerce")
    return (n.abs() > MAX_COUNT).fillna(False).astype(bool)


def _ambiguous(values: pd.Series) -> pd.Series:
    v = _number_texts(values)
    comma = v.str.fullmatch(_AMBIGUOUS_COMMA).fillna(False).astype(bool)
    point, grouped = _dot_is_decimal(v)
    if not (point and grouped):
        return comma
    dot = (v.str.fullmatch(_THOUSANDS) & ~v.str.fullmatch(_MANY_GROUPS)).fillna(False).astype(bool)
    return comma | dot


def counts_ambiguous(values: pd.Series) -> pd.Series:
    """True where the text is a number with a comma followed by exactly three digits (``1,000``, ``2,500``), or with
    a dot so (``1.000``) in a column that writes its dot both as a decimal point and as a thousands separator."""
    return by_distinct(_ambiguous, values)


def ambiguous_check() -> Check:
    return Check(gx_expectations().ExpectColumnValuesToBeInSet(column="count_ambiguous", value_set=[False]),
                 AMBIGUOUS_REASON)


AMBIGUOUS_REASON = ("aantal is ambiguous: a comma followed by three digits (1,000) is a thousands separator in "
                    "English and a decimal comma in Dutch, and so is a dot (1.000) in a column that also writes 2.5 and "
                    "1.234.567; write the whole number without separators (1000)")


def read_count_table(path: Path, aliases: dict, raw_columns: list[str]) -> pd.DataFrame:
    """A count table as text rows: header found, personal columns handled, columns renamed through ``aliases``.

    ``row_number`` is the row a person sees in the file (Excel row, or text line where the record starts).
    """
    book = other_sheets_checked(read_table(path, aliases), path)
    frame = refuse_personal_columns(book.data.frame, path)
    mapped = with_merged_rows(with_quarantine_ref(map_columns(frame, aliases, path), frame), frame)
    extra = [c for c in ("quarantine_ref", MERGED_ROWS) if c in mapped]
    return refuse_no_rows(mapped[["row_number", *raw_columns, *extra]], path)


def counts_merged(raw: pd.DataFrame) -> pd.Series:
    """True where the row's count is one cell merged over several rows (``read_table`` tells which)."""
    if MERGED_ROWS not in raw:
        return pd.Series(False, index=raw.index, dtype=bool)
    return raw[MERGED_ROWS].fillna("").astype(str).ne("")


MERGED_REASON = ("aantal is one cell merged over several rows, so it is no count of this row alone; unmerge it and "
                 "give each row its own count")


def merged_check() -> Check:
    return Check(gx_expectations().ExpectColumnValuesToBeInSet(column="count_merged", value_set=[False]),
                 MERGED_REASON)


def count_checks() -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="count"), "aantal is empty or not a number"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="count", min_value=0), "aantal is negative"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="count_fraction", value_set=[0.0]),
              "aantal is not a whole number"),
    ]


def period_checks(today: pd.Timestamp, ref) -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="period_start"),
              "maand is empty or not a period (use jjjj-mm, or jjjj-Www for weeks)"),
        Check(gxe.ExpectColumnValuesToBeBetween(column="period_start", max_value=today.normalize()),
              "the period lies in the future"),
        past_check(ref),
    ]


def past_check(ref) -> Check:
    """A period before ``min_year`` is a typing error (``1900-01``), not history."""
    return Check(gx_expectations().ExpectColumnValuesToBeBetween(column="period_start",
                                                                 min_value=ref.load_settings.first_day()),
                 f"the period lies before {ref.load_settings.min_year} (min_year in lijst_instellingen.csv)")
