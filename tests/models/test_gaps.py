"""Periods a source never delivered (NaN inside a series): skipped by the detectors, not fatal.

A missing week once left the next 9-10 weeks of every series unscored and the seasonal baseline out of reach for
years (every later week on the moving baseline). Now each detector judges how much of its window it needs: the
Noufaily baseline half of every seasonal level, the moving baseline 7 of its last periods; the CUSUM keeps its
state over a missing period and a scan window sums the observed periods of its span.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.auto import AutoDetector
from models.noufaily import NoufailyDetector, _poisson_fit
from models.panel import Matrix, evaluable, to_matrix
from models.scan import ScanDetector
from models.simulate import grid, simulate

KEYS = ["scenario", "replicate"]


@pytest.fixture(scope="module")
def null_panel() -> pd.DataFrame:
    """Quiet weekly series of the benchmark grid (levels 1 to 20 a week, trend, season, dispersion), 7 years."""
    return simulate(grid(k=(0,)), replicates=12, years=7, seed=11)[[*KEYS, "period_index", "count"]]


def _score(panel: pd.DataFrame, first: int, missing: range) -> pd.DataFrame:
    kept = panel[~panel["period_index"].isin(missing)].sort_values([*KEYS, "period_index"], ignore_index=True)
    res = AutoDetector().score_layout(to_matrix(kept, KEYS), eval_start=first)
    return res[res["period_index"] >= first]


@pytest.mark.parametrize("weeks", [1, 22], ids=["one week", "five months"])
def test_the_weeks_after_a_gap_are_scored_as_usual_and_alarm_no_more_than_without_it(null_panel, weeks):
    T = int(null_panel["period_index"].max())
    gap = range(T - 69 - weeks, T - 69)                 # 70 weeks after the gap
    after = T - 69
    plain = _score(null_panel, after, range(0))
    gapped = _score(null_panel, after, gap)
    n_cells = null_panel.groupby(KEYS).ngroups * 70
    assert len(plain) == len(gapped) == n_cells         # none of the weeks after it left unscored
    assert (gapped["method"] == "noufaily+cusum").all()    # nor read on the moving baseline
    assert gapped["expected"].notna().all()
    rate, rate_gap = plain["alarm"].mean(), gapped["alarm"].mean()
    assert 0.002 < rate < 0.012
    assert rate_gap <= rate * 1.15 + 0.0005, (rate, rate_gap)
    soon = gapped["period_index"] < after + 10           # the first ten weeks: once all unscored
    assert gapped.loc[soon, "alarm"].mean() <= plain.loc[plain["period_index"] < after + 10, "alarm"].mean() * 1.3 + 0.001


def test_a_gap_of_a_year_alarms_no_more_than_no_gap(null_panel):
    """The long baseline that lost a year reads the calibration of the 3-year one (its reference values are
    no more): without that the weeks after a 57-week gap alarmed in 0.93 % of quiet weeks, against 0.69 %."""
    T = int(null_panel["period_index"].max())
    after = T - 69
    plain = _score(null_panel, after, range(0))
    gapped = _score(null_panel, after, range(after - 57, after))
    assert (gapped["method"] == "noufaily+cusum").all()
    assert gapped["alarm"].mean() <= plain["alarm"].mean() * 1.15 + 0.0005


def test_after_a_long_gap_a_series_is_scored_once_9_periods_are_delivered_again():
    """Three years missing take more than half of every seasonal level's periods: no seasonal baseline, and the
    moving baseline needs 7 delivered periods before its guard of 2."""
    rng = np.random.default_rng(5)
    T = 9 * 52
    t = np.arange(1, T + 1)
    counts = rng.poisson(6.0 * (1 + 0.3 * np.sin(2 * np.pi * t / 52)))
    back = T - 30                                       # the first period delivered after the gap
    keep = (t < back - 156) | (t >= back)
    panel = pd.DataFrame({"series": "a", "period_index": t[keep], "count": counts[keep]})
    res = AutoDetector().score_layout(to_matrix(panel, ["series"]), eval_start=back - 200)
    after = res[res["period_index"] >= back]
    assert after["period_index"].min() == back + 9       # the 10th delivered period, 9 before it
    assert (after["method"] == "moving+cusum").all()
    assert after["reason"].str.contains("delivered").all()
    before = res[res["period_index"] < back - 156]
    assert (before["method"] == "noufaily+cusum").all() and len(before) > 0


def test_evaluable_is_the_whole_window_without_gaps_and_the_own_period_with_them():
    y = np.array([[np.nan, 1, 2, 3, 4, 5, 6], [1, 2, np.nan, 4, 5, 6, 7]], dtype=float)
    m = Matrix(pd.DataFrame({"s": ["a", "b"]}), 1, y)
    got = evaluable(m, 2)
    assert got[0].tolist() == [False, False, False, True, True, True, True]
    assert got[1].tolist() == [False, False, False, True, True, True, True]   # the gap's own period is not


def test_a_missing_period_is_left_out_of_the_noufaily_fit():
    """Without trend and reweighting the baseline is the weighted Poisson GLM with weight 0 at the missing
    periods, and the dispersion its Pearson statistic over the delivered periods' degrees of freedom."""
    rng = np.random.default_rng(3)
    det = NoufailyDetector(trend=False, reweight=False).fit()
    T = det.history_needed + 5
    y = rng.poisson(8.0, size=T).astype(float)
    t = T - 1
    gone = t + det.offsets_[[3, 40, 41, 100]]
    y[gone] = np.nan
    out, ev = det.score_matrix(Matrix(pd.DataFrame({"s": ["a"]}), 1, y[None, :]))
    assert ev[0, t]
    window = y[t + det.offsets_]
    seen = np.isfinite(window)
    level, _, mu, _, ok = _poisson_fit(np.nan_to_num(window)[None, :], det.levels_, det.offsets_.astype(float),
                                       seen.astype(float)[None, :], False)
    assert ok[0]
    assert out["expected"][0, t] == pytest.approx(level[0, det.reference_level_], rel=1e-9)
    pearson = (((window - mu[0]) ** 2 / mu[0])[seen]).sum() / (seen.sum() - det.levels_.shape[1])
    assert out["phi"][0, t] == pytest.approx(max(pearson, 1.0), rel=1e-9)


def test_a_level_with_less_than_half_its_periods_delivered_has_no_baseline():
    det = NoufailyDetector().fit()
    T = det.history_needed + 1
    y = np.full(T, 5.0)
    ref = det.offsets_[det.level_of_ == det.reference_level_]
    y[T - 1 + ref[: len(ref) // 2 + 1]] = np.nan       # the reference windows, just over half
    _, ev = det.score_matrix(Matrix(pd.DataFrame({"s": ["a"]}), 1, y[None, :]))
    assert not ev[0, T - 1]
    y[T - 1 + ref[0]] = 5.0                              # exactly half missing: still fitted
    _, ev = det.score_matrix(Matrix(pd.DataFrame({"s": ["a"]}), 1, y[None, :]))
    assert ev[0, T - 1]


def test_the_cusum_keeps_its_state_over_a_missing_period_and_windows_sum_the_observed_ones():
    y = np.array([[3.0, 9, 9, np.nan, 9, 3]])
    mu = np.full(y.shape, 4.0)
    base = {"expected": mu.copy(), "phi": np.full(y.shape, 1.0)}
    ev = np.isfinite(y)
    scan = ScanDetector(alpha=0.0)                       # no alarm, so nothing restarts
    out, _ = scan.score_matrix(Matrix(pd.DataFrame({"s": ["a"]}), 1, y), baseline_out=(base, ev))
    dense = y[:, ev[0]]
    ref, _ = scan.score_matrix(Matrix(pd.DataFrame({"s": ["a"]}), 1, dense),
                               baseline_out=({k: v[:, ev[0]] for k, v in base.items()}, ev[:, ev[0]]))
    assert out["cusum"][0, 4] == ref["cusum"][0, 3] > 0  # as if the missing week were not there
    assert np.isnan(out["cusum"][0, 3])
    # at period 4 the windows of 2 to 4 reach over the gap: the strongest window sums 9 + 9 + 9, not a break
    assert out["raw"][0, 4] <= ref["raw"][0, 3] * (1 + 1e-12)
