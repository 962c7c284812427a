"""False alarms around the spring holidays: ``auto`` (the pipeline's Christmas rule on) with and without the rule of
``models.moving_holidays``.

Weekly counts 2019-01-07 to 2033-12-26 (seed 11), 200 series per level; 2026-2033 evaluated. Each week of a holiday
loses ``dip`` of its reports (binomial), made the week after where a catch-up is simulated. "working day": the weeks
of Goede Vrijdag, Paasmaandag, Koningsdag on a working day, Hemelvaartsdag and Tweede Pinksterdag, ``dip`` per such
day; "sunday": the weeks of Easter Sunday, Koningsdag (any weekday), Hemelvaartsdag and Pinksterzondag (the red
team's first design). "none": no holiday effect, a season of +-50 % and a dispersion of 1.5. The false-alarm rate
per week relative to the nearest holiday week before it (0: the holiday week, 1: the week after, -1: the week
before; "other": further than 2 before or 3 after), over all levels, and at the highest level.

Usage: .venv/bin/python benchmarks/moving_holidays.py [--series 200]
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

FIRST, LAST, EVALUATED = "2019-01-07", "2033-12-26", "2026-01-05"


def _monday(day: pd.Timestamp) -> int:
    return int(period_index(pd.Series([day - pd.Timedelta(days=day.day_of_week)]), "week")[0])


def holiday_weeks(kind: str) -> pd.Series:
    """Per week index: how many holidays of ``kind`` fall in it."""
    days = []
    for year in range(2019, 2034):
        easter = pd.Timestamp(year, 1, 1) + pd.offsets.Easter()
        king = pd.Timestamp(year, 4, 27)
        king = king - pd.Timedelta(days=1) if king.day_of_week == 6 else king
        if kind == "working day":
            days += [easter + pd.Timedelta(days=d) for d in (-2, 1, 39, 50)] + ([king] if king.day_of_week < 5 else [])
        else:
            days += [easter, king, easter + pd.Timedelta(days=39), easter + pd.Timedelta(days=49)]
    return pd.Series([_monday(d) for d in days]).value_counts()


def series(n: int, levels: list[float], kind: str, dip: float, catch_up: bool, season: float = 0.0,
           dispersion: float = 1.0, seed: int = 11) -> tuple[pd.DataFrame, pd.Series]:
    starts = pd.Series(pd.date_range(FIRST, LAST, freq="7D"))
    idx = period_index(starts, "week")
    rng = np.random.default_rng(seed)
    level = np.repeat(levels, n)
    mu = level[:, None] * np.exp(season * np.sin(2 * np.pi * (starts.dt.day_of_year.to_numpy() - 80) / 365.25))
    y = rng.poisson(mu) if dispersion == 1 else rng.negative_binomial(mu / (dispersion - 1), 1 / dispersion)
    weeks = holiday_weeks(kind if kind != "none" else "working day")
    moved = np.zeros_like(y)
    if kind != "none":
        for t, k in weeks.items():
            moved[:, t - idx[0]] = rng.binomial(y[:, t - idx[0]], min(dip * k if kind == "working day" else dip, 0.9))
    y = y - moved + (np.roll(moved, 1, axis=1) if catch_up else 0)
    rel = pd.Series(99, index=idx)
    for t in sorted(weeks.index):
        for k in (-2, -1, 0, 1, 2, 3):
            if t + k in rel.index and (rel[t + k] == 99 or abs(k) < abs(rel[t + k])):
                rel[t + k] = k
    frame = pd.DataFrame({"s": np.repeat(np.arange(len(level)), len(idx)), "period_index": np.tile(idx, len(level)),
                          "count": y.ravel()})
    return frame, rel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=200)
    args = ap.parse_args()
    clock = time.monotonic()
    rows = []
    # highest levels 40 and 15 a week
    # 0.2 a holiday day: a working day's share of the week's reports, made up the week after (or never); 0.5: the
    # red team's first, heavy design
    cases = [("working day", 0.2, True, [2.0, 5.0, 15.0, 40.0], 0.0, 1.0),
             ("working day", 0.2, False, [2.0, 5.0, 15.0, 40.0], 0.0, 1.0),
             ("working day", 0.5, True, [2.0, 5.0, 15.0, 40.0], 0.0, 1.0),
             ("sunday", 0.5, True, [2.0, 5.0, 15.0, 40.0], 0.0, 1.0),
             ("working day", 0.5, False, [2.0, 5.0, 15.0, 40.0], 0.0, 1.0),
             ("none", 0.0, False, [0.5, 2.0, 5.0, 15.0], 0.5, 1.5)]
    for kind, dip, catch_up, levels, season, dispersion in cases:
        frame, rel = series(args.series, levels, kind, dip, catch_up, season, dispersion)
        for moving in (False, True):
            r = AutoDetector(holidays=True, moving_holidays=moving).score(frame, ["s"],
                                                                          eval_start=_monday(pd.Timestamp(EVALUATED)))
            r["rel"] = rel.loc[r["period_index"]].to_numpy()
            top = r["s"] >= args.series * (len(levels) - 1)
            row = {"holidays": kind, "dip": dip, "catch-up": catch_up, "rule": moving}
            for k, name in ((-1, "-1"), (0, "0"), (1, "+1"), (2, "+2"), (99, "other")):
                row[name] = r.loc[r["rel"] == k, "alarm"].mean()
            row["+1, highest level"] = r.loc[(r["rel"] == 1) & top, "alarm"].mean()
            rows.append(row)
    text = "\n".join(["# False alarms around the spring holidays", "", __doc__.split("\n\n")[1].replace("\n", " "), "",
                      markdown_table(pd.DataFrame(rows), "{:.4f}"), "", f"Run time: {time.monotonic() - clock:.0f} s."])
    publish("moving_holidays", text)


if __name__ == "__main__":
    main()
