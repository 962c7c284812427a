"""The spring holidays that move with Easter (Pasen, Hemelvaart, Pinksteren) and Koningsdag: the weeks of each and
the weeks just after them get their own expected level, as the Christmas weeks do (``models.holidays``).

Reports not made over a long weekend are often made in the days after it: a dip in the week of the holiday and a
rise in the week after. Easter moves between ISO weeks 12 and 17, so the same week of earlier years mostly held no
holiday. On weekly counts whose holiday weeks lost a working day's share of their reports per holiday day (a fifth),
made up the week after, ``auto`` alarmed in 2.1 % of the weeks after a holiday (4.2 % at 40 a week; at half the
week's reports per holiday day 7.6 % and 18 %); elsewhere 0.2 to 0.5 % (red team 14a). :func:`moving_holidays` gives
``with_holidays`` its calendar: those weeks' baseline is fitted on the history without holidays, times the effect
each of them had against the weeks around it in earlier years, learnt per series and per week of each holiday
(``GROUPS``; which weekdays miss reports, and the weekday of Koningsdag, differ). Now 0.7 % (0.3 %; at the heavy
dip 0.6 % and 0.5 %). The weeks
around the holidays keep their baseline (``with_holidays(near=False)``): ~9 stand-ins a year, means of a few weeks,
made the weeks around them alarm in 0.9 to 1.4 % on seasonal series without any holiday effect (0.4 to 0.5 %
before), so a dip without a catch-up still pulls their baseline down (1.9 to 2.2 % false alarms there at a dip of
half a day's reports). Only for weekly series on the calendar's period index (``models.calendar.period_index``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.calendar import index_to_start, period_index

#: the weeks whose effect is learnt apart: per holiday, the day that sets its week and the weeks from it. Pasen:
#: the week of Goede Vrijdag and Easter Sunday, that of Paasmaandag, and the week after (the reports of the long
#: weekend); Koningsdag (27 April, 26 April where the 27th is a Sunday) and the week after, apart on a working day
#: and on a Saturday (a day off missed, or only the festivities and their litter);
#: Hemelvaartsdag, the week after it (Pinksterzondag, 10 days later), that of Tweede Pinksterdag and the week after.
#: A week of two groups (Koningsdag in a week of Pasen or Hemelvaart, some years) expects both effects; a group
#: that stood in no earlier week of its own is not learnt (``holiday_level(apart=True)``)
GROUPS = (("pasen", 0), ("pasen", 1), ("pasen", 2), ("hemelvaart", 0), ("hemelvaart", 1), ("hemelvaart", 2),
          ("hemelvaart", 3), ("koningsdag", 0), ("koningsdag", 1), ("koningsdag op zaterdag", 0),
          ("koningsdag op zaterdag", 1))
#: years of earlier holidays a baseline reads (``AutoDetector(long_b=5)``; the 3-year baseline reads fewer)
YEARS = 5


def holiday_dates(years) -> pd.DataFrame:
    """``holiday`` and ``day`` (the day that sets its week) of the spring holidays of ``years`` (:data:`GROUPS`).
    Bevrijdingsdag (5 May) is a day off only every fifth year for
    most employers and is left out."""
    rows = []
    for year in years:
        easter = pd.Timestamp(year, 1, 1) + pd.offsets.Easter()
        rows += [("pasen", easter), ("hemelvaart", easter + pd.Timedelta(days=39))]
        king = pd.Timestamp(year, 4, 27)
        king = king - pd.Timedelta(days=1) if king.day_of_week == 6 else king
        rows.append(("koningsdag op zaterdag" if king.day_of_week == 5 else "koningsdag", king))
    return pd.DataFrame(rows, columns=["holiday", "day"])


def moving_holidays(first_index: int, n_periods: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of a weekly matrix starting at ``first_index``: (holiday, near, days). ``days`` (period x
    group of :data:`GROUPS`) is 7 in the weeks of each group (``models.holidays.holiday_level`` reads days / 7:
    the effect is one of the whole week); ``holiday`` is a week of any group, and ``near`` another week whose
    reference windows (``w`` weeks either side of the same week in the ``YEARS`` earlier years, one more for
    years of 53 weeks) reach such a week, or that lies within ``w`` + 1 weeks of one."""
    starts = index_to_start(np.arange(first_index, first_index + n_periods), "week")
    dates = holiday_dates(range(starts.iloc[0].year - 1, starts.iloc[-1].year + 2))
    monday = dates["day"] - pd.to_timedelta(dates["day"].dt.day_of_week, unit="D")
    col = period_index(monday, "week") - first_index
    days = np.zeros((n_periods, len(GROUPS)))
    for g, (name, after) in enumerate(GROUPS):
        at = col[(dates["holiday"] == name).to_numpy()] + after
        days[at[(at >= 0) & (at < n_periods)], g] = 7.0
    holiday = days.any(axis=1)
    reach = np.zeros(n_periods, dtype=bool)
    cols = np.flatnonzero(holiday)
    for shift in [52 * k + j for k in range(YEARS + 1) for j in range(-w - 1, w + 2)]:
        at = cols + shift                    # t whose window in an earlier year (t - 52 k, +- w + 1) holds one
        reach[at[(at >= 0) & (at < n_periods)]] = True
    return holiday, reach & ~holiday, days
