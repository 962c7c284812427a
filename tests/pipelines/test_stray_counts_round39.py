"""Counts lying long before the rest of their source's history (a report typed with 2019 for 2025): they stay in the
warehouse but begin no series. Two such reports made every meldingen series begin in 2019, with years never
delivered after it, and moved every expectation and list of the municipality; the run asked for 142 weeks to be
delivered again."""
import logging

import numpy as np
import pandas as pd

from pipelines.runs import read_flags
from pipelines.delivered import STRAY_PERIODS, stray_starts, undelivered
from pipelines.runs import score_and_flag
from pipelines.paths import resolve_home
from pipelines.warehouse import connect
from tests.conftest import demo_run_copy, demo_signal_counts, fill_counts

def counts(source: str, indices, per_period: float) -> pd.DataFrame:
    idx = np.asarray(list(indices))
    return pd.DataFrame({"source": source, "period_index": idx, "count": np.full(len(idx), per_period)})


def test_a_few_periods_before_a_year_without_counts_begin_no_history():
    grid = {("week", "m"): (10, 460)}
    usual = counts("m", range(200, 461), 5)
    stray = pd.concat([counts("m", [10, 11], 1), usual])
    assert stray_starts(stray, "week", grid) == {"m": 200}
    # the weeks between are then no undelivered periods of the history; counted from the first count they were
    assert 100 in undelivered(stray, "week", grid)["m"]
    assert "m" not in undelivered(stray, "week", grid, stray_starts(stray, "week", grid))


def test_a_history_before_the_gap_a_sparse_source_or_a_short_gap_stays_one_history():
    grid = {("week", "m"): (10, 460)}
    usual = counts("m", range(200, 461), 5)
    long_before = pd.concat([counts("m", range(10, 10 + STRAY_PERIODS), 5), usual])
    assert stray_starts(long_before, "week", grid) == {}                # years of it: a history that stopped
    sparse = counts("m", [10, 11, *range(200, 461, 40)], 1)             # a count a season: an empty year is quiet
    assert stray_starts(sparse, "week", grid) == {}
    short_gap = pd.concat([counts("m", [150, 151], 1), usual])           # 48 weeks: within a year
    assert stray_starts(short_gap, "week", grid) == {}
    monthly = pd.concat([counts("p", [0], 3), counts("p", range(20, 80), 30)])
    assert stray_starts(monthly, "month", {("month", "p"): (0, 79)}) == {"p": 20}


def test_two_reports_typed_years_early_change_no_expectation_and_are_named(tmp_path, ref, caplog):
    _, run = demo_run_copy(tmp_path, ref)
    with connect(demo_run_copy(tmp_path / "demo", ref)[0].warehouse) as con:
        before = read_flags(con, run.run_id)
    counts = demo_signal_counts(ref)
    counts = counts[counts["count"] > 0]
    # two meldingen of a week of 2019 beside a history from 2021-W48, as a delivery typed with the wrong year
    first = counts[(counts["source"] == "meldingen") & (counts["period"] == "week")].drop_duplicates(["area_code"]).head(2)
    stray = first.assign(period_start=pd.Timestamp("2019-03-04"), count=1)
    caplog.set_level(logging.WARNING)
    home = resolve_home(tmp_path / "stray")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, pd.concat([stray, counts], ignore_index=True))
        again = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        after = read_flags(con, again.run_id)
        kept = con.execute("SELECT sum(count) FROM core.signal_counts WHERE period_start < DATE '2020-01-01'").fetchone()
    assert kept == (2,)                                                   # nothing is lost
    cols = ["wijkteam", "area_code", "domain", "level", "status", "score", "explanation"]
    pd.testing.assert_frame_equal(before[cols].sort_values(cols[:3], ignore_index=True),
                                  after[cols].sort_values(cols[:3], ignore_index=True))
    said = " ".join(caplog.messages)
    assert "meldingen of GM0118: 2 counted in 2019-W10, its history begins at 2021-W48" in said
    assert "Check their dates in the delivery" in said
    assert "no counts at all were delivered for meldingen" not in said   # not 142 weeks to deliver again
