"""The Christmas and New Year weeks stay out of the reference of the weeks around them (models.holidays): a
holiday dip no longer pulls down those weeks' baseline and makes them alarm (red team: 2.4-5.5 % false alarms
in weeks 49-51 on daily counts of 4 with a dip to 0.2 times)."""
import numpy as np
import pandas as pd

from models.auto import AutoDetector
from models.calendar import period_index
from models.holidays import holiday_weeks, without_holidays


def _index(day: str) -> int:
    return int(period_index(pd.Series([pd.Timestamp(day)]), "week")[0])


def test_the_weeks_of_christmas_day_and_new_years_day_are_holidays_also_in_a_year_of_53_weeks():
    first = _index("2026-11-30")                        # 2026-W49 .. 2027-W05
    holiday, near = holiday_weeks(first, 10, 3)
    starts = pd.date_range("2026-11-30", periods=10, freq="7D")
    assert list(starts[holiday].strftime("%Y-%m-%d")) == ["2026-12-21", "2026-12-28"]    # W52 and W53
    assert near[starts.get_loc(pd.Timestamp("2026-11-30"))] and near[starts.get_loc(pd.Timestamp("2027-01-04"))]
    assert not (holiday & near).any()
    mid, mid_near = holiday_weeks(_index("2026-06-01"), 4, 3)
    assert not mid.any() and not mid_near.any()


def test_a_run_of_holiday_weeks_reads_as_the_mean_of_the_weeks_around_it():
    counts = np.array([[10, 10, 10, 2, 1, 13, 13, 13.0], [np.nan, np.nan, np.nan, 2, 1, 4, 4, 4]])
    holiday = np.array([False, False, False, True, True, False, False, False])
    out = without_holidays(counts, holiday)
    assert out[0].tolist() == [10, 10, 10, 12, 12, 13, 13, 13] and out[1, 3:5].tolist() == [4, 4]
    assert np.isnan(out[1, :3]).all() and counts[0, 3] == 2                 # the input is left as it was


def _dipped(n: int = 300, level: float = 4.0, dip: float = 0.2) -> pd.DataFrame:
    days = pd.date_range("2019-01-07", "2027-01-10")
    holiday = ((days.month == 12) & (days.day >= 24)) | ((days.month == 1) & (days.day == 1))
    daily = np.random.default_rng(3).poisson(np.where(holiday, dip * level, level), (n, len(days)))
    weekly = np.add.reduceat(daily, np.arange(0, len(days), 7), axis=1)
    idx = period_index(pd.Series(days[::7]), "week")
    return pd.DataFrame({"s": np.repeat(np.arange(n), len(idx)), "period_index": np.tile(idx, n),
                         "count": weekly.ravel()})


def test_a_christmas_dip_no_longer_makes_the_weeks_before_it_alarm():
    frame = _dipped()
    weeks = [_index(d) for d in ("2025-12-01", "2025-12-08", "2025-12-15", "2026-11-30", "2026-12-07", "2026-12-14")]
    rates = {}
    for holidays in (False, True):
        r = AutoDetector(holidays=holidays).score(frame, ["s"], eval_start=_index("2025-11-03"))
        rates[holidays] = r.loc[r["period_index"].isin(weeks), "alarm"].mean()
    # a third of the rate at most: 18 of these 1,800 weeks is 1 % (sampling sd 0.23 %); the rate itself is measured
    # on 12,000 such weeks by benchmarks/holiday_dip.py (0.75 % with the rule, 2.7 % without)
    assert rates[False] > 0.025 and rates[True] <= rates[False] / 3


def test_without_a_dip_the_holiday_rule_changes_little():
    frame = _dipped(n=200, dip=1.0)
    got = [AutoDetector(holidays=h).score(frame, ["s"], eval_start=_index("2025-11-03")) for h in (False, True)]
    assert abs(got[0]["alarm"].mean() - got[1]["alarm"].mean()) < 0.002
    far_from = got[0]["period_index"].between(_index("2026-03-02"), _index("2026-10-26"))
    pd.testing.assert_frame_equal(got[0][far_from], got[1][far_from])      # weeks far from the holidays: the same
