"""Period arithmetic shared by every detector: ISO weeks and calendar months as integer indices.

A period is identified by its first day (Monday of the ISO week, first of the month). Integer
indices make consecutive periods consecutive integers, so "one year back" is a subtraction.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: Periods per year used for the seasonal reference windows of the detectors.
PERIODS_PER_YEAR = {"week": 52, "month": 12}

_EPOCH_MONDAY = pd.Timestamp("1970-01-05")  # the first Monday after the Unix epoch


def period_start(dates: pd.Series | pd.DatetimeIndex, period: str) -> pd.Series:
    """Return the first day of the ISO week or calendar month that contains each date."""
    d = pd.to_datetime(pd.Series(dates)).dt.normalize()
    if period == "week":
        return d - pd.to_timedelta(d.dt.day_of_week, unit="D")
    if period == "month":
        return d.dt.to_period("M").dt.start_time
    raise ValueError(f"unknown period {period!r}: use 'week' or 'month'")


def period_index(starts: pd.Series, period: str) -> np.ndarray:
    """Consecutive integer index of period starts (weeks since 1970-01-05, months since 1970-01)."""
    s = pd.to_datetime(pd.Series(starts))
    if period == "week":
        days = (s - _EPOCH_MONDAY).dt.days.to_numpy()
        if np.any(days % 7):
            raise ValueError("week period starts must be Mondays")
        return days // 7
    if period == "month":
        if np.any(s.dt.day.to_numpy() != 1):
            raise ValueError("month period starts must be the first day of a month")
        return (s.dt.year.to_numpy() - 1970) * 12 + s.dt.month.to_numpy() - 1
    raise ValueError(f"unknown period {period!r}: use 'week' or 'month'")


def index_to_start(index: np.ndarray | pd.Series, period: str) -> pd.Series:
    """Inverse of :func:`period_index`."""
    idx = np.asarray(index, dtype="int64")
    if period == "week":
        return pd.Series(_EPOCH_MONDAY + pd.to_timedelta(idx * 7, unit="D"))
    if period == "month":
        years, months = np.divmod(idx, 12)
        return pd.Series(pd.to_datetime({"year": years + 1970, "month": months + 1, "day": 1}))
    raise ValueError(f"unknown period {period!r}: use 'week' or 'month'")


def period_label(starts: pd.Series, period: str) -> pd.Series:
    """Human label: ``2026-W47`` for ISO weeks, ``2026-10`` for months."""
    s = pd.to_datetime(pd.Series(starts))
    if period == "week":
        iso = s.dt.isocalendar()
        return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    if period == "month":
        return s.dt.strftime("%Y-%m")
    raise ValueError(f"unknown period {period!r}: use 'week' or 'month'")


def parse_period_label(label: str) -> tuple[str, pd.Timestamp]:
    """Parse ``2026-W47`` or ``2026-10`` into (period, first day)."""
    label = label.strip()
    if "-W" in label.upper():
        year, week = label.upper().split("-W")
        return "week", pd.Timestamp.fromisocalendar(int(year), int(week), 1)
    year, month = label.split("-")
    return "month", pd.Timestamp(year=int(year), month=int(month), day=1)
