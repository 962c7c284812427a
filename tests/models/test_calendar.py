"""Calendar property tests: ISO weeks (incl. week 53), month ends, round trips."""
import numpy as np
import pandas as pd
import pytest

from models.calendar import index_to_start, parse_period_label, period_index, period_label, period_start


def test_week_start_is_the_iso_monday_for_every_day_of_ten_years():
    days = pd.Series(pd.date_range("2019-12-20", "2030-01-10", freq="D"))
    starts = period_start(days, "week")
    assert (starts.dt.day_of_week == 0).all()
    assert ((days - starts).dt.days.between(0, 6)).all()
    iso_days = days.dt.isocalendar()
    iso_starts = starts.dt.isocalendar()
    assert (iso_days["week"].to_numpy() == iso_starts["week"].to_numpy()).all()
    assert (iso_days["year"].to_numpy() == iso_starts["year"].to_numpy()).all()


def test_week_index_is_consecutive_across_years_with_53_weeks():
    starts = pd.Series(pd.date_range("2020-01-06", "2027-01-04", freq="7D"))
    idx = period_index(starts, "week")
    assert (np.diff(idx) == 1).all()
    labels = period_label(starts, "week")
    assert "2020-W53" in set(labels) and "2026-W53" in set(labels)
    assert (index_to_start(idx, "week").to_numpy() == starts.to_numpy()).all()


def test_month_index_round_trip_and_month_ends():
    days = pd.Series(pd.to_datetime(["2024-02-29", "2024-12-31", "2025-01-01", "2026-10-31", "2026-11-01"]))
    starts = period_start(days, "month")
    assert list(starts.dt.strftime("%Y-%m-%d")) == ["2024-02-01", "2024-12-01", "2025-01-01", "2026-10-01", "2026-11-01"]
    idx = period_index(starts, "month")
    assert idx[2] - idx[1] == 1
    assert (index_to_start(idx, "month").to_numpy() == starts.to_numpy()).all()


def test_period_index_refuses_starts_that_are_not_period_starts():
    with pytest.raises(ValueError, match="Mondays"):
        period_index(pd.Series(pd.to_datetime(["2026-11-25"])), "week")
    with pytest.raises(ValueError, match="first day"):
        period_index(pd.Series(pd.to_datetime(["2026-11-25"])), "month")


@pytest.mark.parametrize("label, period, start", [
    ("2026-W47", "week", "2026-11-16"), ("2020-W53", "week", "2020-12-28"), ("2026-10", "month", "2026-10-01"),
])
def test_labels_parse_back(label, period, start):
    got_period, got_start = parse_period_label(label)
    assert got_period == period and got_start == pd.Timestamp(start)
    assert period_label(pd.Series([got_start]), period).iloc[0] == label
