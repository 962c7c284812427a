"""The Christmas and New Year weeks, kept out of the seasonal baseline of the weeks around them.

Reports dip in the weeks of Christmas Day and New Year's Day. The Noufaily baseline of a week takes the
same week +- w in earlier years as its reference, so the reference of the weeks just before and after the
holidays holds the dip weeks, and their expected count comes out low: on daily counts of 4 a day with a dip
to 0.2 times from 24 December to 1 January, ``auto`` alarmed in 2.4 to 5.5 % of quiet weeks 49 to 51
(elsewhere 0.2 to 0.6 %). :func:`without_holidays` gives the history with each run of holiday weeks read as
the mean of the weeks around it, for the baseline of the weeks near the holidays
(:func:`holiday_weeks`); the holiday weeks themselves keep the history as it is, so their own expected
count still holds earlier years' dips. Only for weekly series on the calendar's period index
(``models.calendar.period_index``).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from models.calendar import index_to_start

#: weeks either side of a run of holiday weeks whose mean stands in for it
AROUND = 3


def holiday_weeks(first_index: int, n_periods: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column of a weekly matrix starting at ``first_index``: is it the week of Christmas Day or New
    Year's Day, and is it another week within ``w + 1`` weeks of such a week (its reference windows, w weeks
    either side of the same week in earlier years, reach the holidays; one more for years of 53 weeks)."""
    starts = index_to_start(np.arange(first_index, first_index + n_periods), "week")
    ends = starts + pd.Timedelta(days=6)
    holiday = np.zeros(n_periods, dtype=bool)
    for month, day in ((12, 25), (1, 1)):
        for years in (starts.dt.year, ends.dt.year):
            date = pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": day}))
            holiday |= ((starts <= date) & (date <= ends)).to_numpy()
    # distance in weeks to the nearest holiday week of any year (the calendar repeats; 52 or 53 weeks a year)
    week = pd.Series(starts).dt.isocalendar()["week"].to_numpy().astype(int)
    last = pd.to_datetime(pd.DataFrame({"year": starts.dt.year, "month": 12, "day": 28})).dt.isocalendar()["week"]
    to_end = last.to_numpy().astype(int) - week          # weeks to the last week of the ISO year (Christmas: 0 or 1)
    near = ~holiday & ((to_end <= w + 2) | (week <= w + 2))
    return holiday, near


def without_holidays(counts: np.ndarray, holiday: np.ndarray, around: int = AROUND) -> np.ndarray:
    """``counts`` (series x period) with each run of holiday columns replaced by the rounded mean of the
    ``around`` non-holiday periods before and after it, per series (left as it is where there are none)."""
    out = counts.copy()
    cols = np.flatnonzero(holiday)
    if not cols.size:
        return out
    runs = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)
    T = counts.shape[1]
    for run in runs:
        a, b = int(run[0]), int(run[-1])
        side = [c for c in (*range(a - around, a), *range(b + 1, b + 1 + around)) if 0 <= c < T and not holiday[c]]
        if not side:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)        # a series with none of them: NaN, left as it is
            fill = np.round(np.nanmean(counts[:, side], axis=1))
        seen = np.isfinite(fill)[:, None] & np.isfinite(counts[:, a: b + 1])
        out[:, a: b + 1] = np.where(seen, fill[:, None], counts[:, a: b + 1])
    return out
