"""False alarms around Christmas: ``auto`` with and without the holiday weeks kept out of other weeks' references.

Quiet daily Poisson counts (2019-01-07 to 2027-01-10, seed 3), times ``dip`` from 24 December to 1 January,
summed per ISO week on the calendar's period index; the last 61 weeks evaluated. Per dip and daily level: the
false-alarm rate over all weeks and in the worst week, and the mean over weeks 49-51 and 2-4 (the weeks whose
reference windows hold the holiday weeks).

Usage: .venv/bin/python benchmarks/holiday_dip.py [--series 2000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import markdown_table, publish  # noqa: E402
from models.auto import AutoDetector  # noqa: E402
from models.calendar import period_index  # noqa: E402


def series(n: int, level: float, dip: float, seed: int = 3) -> tuple[pd.DataFrame, pd.Series]:
    days = pd.date_range("2019-01-07", "2027-01-10")
    holiday = ((days.month == 12) & (days.day >= 24)) | ((days.month == 1) & (days.day == 1))
    daily = np.random.default_rng(seed).poisson(np.where(holiday, dip * level, level), (n, len(days)))
    weeks = (days - days[0]).days // 7
    weekly = np.add.reduceat(daily, np.flatnonzero(np.r_[True, np.diff(weeks) > 0]), axis=1)
    starts = pd.Series(days[0] + pd.to_timedelta(np.arange(weekly.shape[1]) * 7, unit="D"))
    idx = period_index(starts, "week")
    frame = pd.DataFrame({"s": np.repeat(np.arange(n), len(idx)), "period_index": np.tile(idx, n),
                          "count": weekly.ravel()})
    return frame, pd.Series(starts.dt.isocalendar()["week"].to_numpy(), index=idx)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=2000)
    args = ap.parse_args()
    clock = time.monotonic()
    rows = []
    for level in (1.0, 4.0):
        for dip in (1.0, 0.6, 0.2):
            frame, week = series(args.series, level, dip)
            for holidays in (False, True):
                r = AutoDetector(holidays=holidays).score(frame, ["s"], eval_start=int(week.index[-1]) - 60)
                per_week = r.groupby("period_index")["alarm"].mean()
                around = per_week[week.loc[per_week.index].isin([49, 50, 51, 2, 3, 4]).to_numpy()]
                rows.append({"a day": level, "dip": dip, "holiday weeks kept out": holidays, "far": r["alarm"].mean(),
                             "far, weeks 49-51 and 2-4": around.mean(), "far, worst week": per_week.max()})
    text = "\n".join(["# False alarms around Christmas", "", __doc__.split("\n\n")[1].replace("\n", " "), "",
                      markdown_table(pd.DataFrame(rows), "{:.4f}"), "", f"Run time: {time.monotonic() - clock:.0f} s."])
    publish("holiday_dip", text)


if __name__ == "__main__":
    main()
