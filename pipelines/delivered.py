"""Periods a source never delivered: the period ranges per source, and the runs of periods a municipality's
source holds no count of where its usual counts make that implausible (missing, not zeros); and the weeks a
delivery covers without holding a report of them (its name's week, its declared window), which are delivered.

One rule for the scoring (``pipelines.score``: such periods are left out of every series) and the reports'
year comparisons (``pipelines.reports.trends``); numpy and pandas only, so a report reads it without loading the
detectors.
"""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from models.calendar import period_index

#: a run of periods in which a municipality's source holds no count at all is read as never delivered (missing, not
#: zeros) when the source's mean count per period there times the run's length reaches this: a Poisson source
#: expecting 10 counts over the run is empty in it with a chance of 5e-5. A sparse source's quiet periods stay zeros.
MISSING_EXPECTED = 10.0


#: An ISO week in a file's name, as wijkradar writes weeks: 2026-W48 (also 2026W48, 2026_w48, 2026-week48). A bare
#: "2026_47" is no week: it may be a month or a day.
_NAMED_WEEK = re.compile(r"(?<![0-9])(20[0-9]{2})[-_. ]?(?:w|wk|week)[-_. ]?([0-9]{1,2})(?![0-9])", re.I)


def named_week(name: str) -> pd.Timestamp | None:
    """The Monday of the ISO week a delivery's file name gives (``meldingen_export_2026-W48.csv``: 2026-11-23); None
    when the name gives no week, gives two different weeks (a range, which says nothing of the weeks between) or one
    that does not exist (2025-W53)."""
    weeks = set(_NAMED_WEEK.findall(name))
    if len(weeks) != 1:
        return None
    year, week = (int(x) for x in weeks.pop())
    try:
        return pd.Timestamp(date.fromisocalendar(year, week, 1))
    except ValueError:
        return None


def last_whole_week(first: pd.Timestamp, last: pd.Timestamp) -> pd.Timestamp | None:
    """The Monday of the newest ISO week lying wholly inside the days ``first`` to ``last`` (a declared window);
    None when no whole week does."""
    last = pd.Timestamp(last).normalize()
    monday = last - pd.Timedelta(days=(last.weekday() + 1) % 7 + 6)     # the newest Sunday up to ``last``, minus 6
    return monday if monday >= pd.Timestamp(first).normalize() else None


def with_delivered_weeks(ranges: pd.DataFrame, delivered: dict[str, pd.Timestamp]) -> pd.DataFrame:
    """``ranges`` (``catalog.count_ranges``) with each weekly source's last week moved to the newest week its
    deliveries cover (``delivered``: per source the Monday of that week, ``catalog.delivered_weeks``) when that is
    later: a week of a municipality without a single report was delivered all the same, and is a quiet week (zeros),
    not one still to come. Only a source with counts is extended (a week covered before its first count is no
    history of it)."""
    if not delivered or ranges.empty:
        return ranges
    out = ranges.copy()
    for i, r in out.iterrows():
        week = delivered.get(r["source"])
        if r["period"] == "week" and week is not None and pd.Timestamp(week) > pd.Timestamp(r["last"]):
            out.at[i, "last"] = pd.Timestamp(week)
    return out


def grids(counts: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """The period-index range of every (period type, source): every buurt's series spans its source's range."""
    ranges = counts.groupby(["period", "source"], observed=True)["period_start"].agg(first="min", last="max")
    return grid_of(ranges.reset_index())


def grid_of(ranges: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """:func:`grids` from ``catalog.count_ranges`` (``period, source, first, last``), without reading the counts."""
    out = {}
    for r in ranges.itertuples(index=False):
        idx = np.asarray(period_index(pd.Series(pd.to_datetime([r.first, r.last])), r.period))
        out[(r.period, r.source)] = (int(idx[0]), int(idx[1]))
    return out


#: A source's first periods with counts are stray, and begin no history, when fewer than this many of them lie
#: before a gap of :data:`STRAY_GAP` periods or more that holds no count although the source's counts after it make
#: that implausible (:data:`MISSING_EXPECTED`): two reports typed with 2019 for 2025 made every series of the source
#: begin in 2019, with years never delivered after it, and moved every expectation. As many as a series needs to be
#: judged (``export.OWN_PERIODS``).
STRAY_PERIODS = 10
#: a year of periods: a gap the Noufaily baseline's years cannot bridge as one history
STRAY_GAP = {"week": 52, "month": 12}


def stray_starts(sub: pd.DataFrame, period: str, grid: dict[tuple[str, str], tuple[int, int]]) -> dict[str, int]:
    """Per source of the counts ``sub`` (one municipality's, with ``period_index``) whose first periods with counts
    are stray (:data:`STRAY_PERIODS`), the period index its history begins at: the first with a count after the
    last such gap. The stray counts stay in the warehouse; the scoring reads the source from there."""
    out = {}
    gap_needed = STRAY_GAP.get(period, 52)
    for source, part in sub.groupby("source", observed=True):
        lo, hi = grid[(period, source)]
        t = part["period_index"].to_numpy(dtype=np.int64)
        inside = (t >= lo) & (t <= hi)
        seen, at = np.unique(t[inside], return_inverse=True)
        if len(seen) < 2:
            continue
        per = np.bincount(at, weights=part["count"].to_numpy(dtype=float)[inside])
        begin = 0
        for g in np.flatnonzero(np.diff(seen) > gap_needed):       # the gap lies between seen[g] and seen[g + 1]
            if g + 1 - begin >= STRAY_PERIODS:
                break
            rate = per[g + 1:].sum() / (hi - seen[g + 1] + 1)      # the source's usual count after the gap
            if rate * (seen[g + 1] - seen[g] - 1) >= MISSING_EXPECTED:
                begin = g + 1
        if begin:
            out[str(source)] = int(seen[begin])
    return out


def undelivered(sub: pd.DataFrame, period: str, grid: dict[tuple[str, str], tuple[int, int]],
                starts: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Per source, the period indices (of one period type) the counts ``sub`` (one municipality's, with
    ``period_index``) hold no count of at all although the source delivered before them: runs of such periods
    whose expected count (the source's mean per period from its first delivery there, times the run's length)
    reaches :data:`MISSING_EXPECTED`. Up to the end of the source's grid, so a municipality that has not delivered
    the latest periods yet has them missing too. ``starts``: per source where its history begins
    (:func:`stray_starts`), when not at its first count."""
    out = {}
    for source, part in sub.groupby("source", observed=True):
        lo, hi = grid[(period, source)]
        t = part["period_index"].to_numpy(dtype=np.int64)
        first = max(lo, int(t.min()), (starts or {}).get(source, lo))
        if first > hi:
            continue
        seen = np.zeros(hi - first + 1, dtype=bool)
        inside = (t >= first) & (t <= hi)
        seen[t[inside] - first] = True
        rate = float(part.loc[inside, "count"].sum()) / len(seen)
        empty = np.flatnonzero(~seen)
        if not len(empty):
            continue
        runs = np.split(empty, np.flatnonzero(np.diff(empty) > 1) + 1)
        gone = [r for r in runs if rate * len(r) >= MISSING_EXPECTED]
        if gone:
            out[source] = np.concatenate(gone) + first
    return out
