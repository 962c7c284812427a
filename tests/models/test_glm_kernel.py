"""The compiled Noufaily fit: one far-out count cannot blow up the dispersion (the rest is tested through
``test_noufaily.py``: an independent solver, frozen outputs and R)."""
import numpy as np
import pandas as pd
import pytest

from models.noufaily import NoufailyDetector
from models.panel import to_matrix


@pytest.mark.parametrize("b", [3, 5])
def test_one_far_out_count_leaves_the_dispersion_of_a_poisson_series_near_one(b):
    """A count of 1,000,000 in a Poisson(3) series inflated the first fit's dispersion, which its own Anscombe
    residual was judged by: it kept a large weight and the dispersion came out at 84,000 (or a slope bent to
    reach it). Now it counts in the dispersion at most as a period at the threshold, is judged again on that,
    and no trend is kept on such a fit."""
    rng = np.random.default_rng(707)
    S, T = 10, 7 * 52
    y = rng.poisson(3, (S, T))
    y[:, T - 120] = 1_000_000          # in the baseline of every evaluated week, 3 years or 5
    panel = pd.DataFrame({"s": np.repeat(np.arange(S), T), "period_index": np.tile(np.arange(1, T + 1), S),
                          "count": y.ravel()})
    m = NoufailyDetector(b=b).fit()
    out, ev = m.score_matrix(to_matrix(panel, ["s"]), T - 51, bounds=False)
    assert ev.sum() == S * 52
    assert np.nanmax(out["phi"][ev]) < 3
    assert np.nanmin(out["expected"][ev]) > 1.5 and np.nanmax(out["expected"][ev]) < 6


def test_the_level_of_the_last_half_year_replaces_a_prediction_far_from_it():
    """With ``recent_ratio`` a prediction far above (a trend fitted across a step, extrapolated) or below the
    counts of the last half year of the reference becomes their level, with their dispersion; without it (R's
    rule, plain ``noufaily``) the baseline is unchanged, and a steady series is left alone."""
    rng = np.random.default_rng(3)
    S, T = 20, 300
    y = rng.poisson(np.where(np.arange(T) >= 150, 15.0, 5.0), (S, T))
    panel = pd.DataFrame({"s": np.repeat(np.arange(S), T), "period_index": np.tile(np.arange(1, T + 1), S),
                          "count": y.ravel()})
    m = to_matrix(panel, ["s"])
    kw = dict(cap_trend=1.5)
    plain, ev = NoufailyDetector(**kw).score_matrix(m, 230, bounds=False)
    moved, _ = NoufailyDetector(**kw, recent_ratio=(1.25, 1.05)).score_matrix(m, 230, bounds=False)
    assert np.median(plain["expected"][ev]) > 22                      # the step extrapolated
    assert 13 < np.median(moved["expected"][ev]) < 17.5
    assert np.median(moved["phi"][ev]) < 1.4 < np.median(plain["phi"][ev])
    steady = pd.DataFrame({"s": np.repeat(np.arange(S), T), "period_index": np.tile(np.arange(1, T + 1), S),
                           "count": rng.poisson(10.0, (S, T)).ravel()})
    ms = to_matrix(steady, ["s"])
    a, ev = NoufailyDetector(**kw).score_matrix(ms, 230, bounds=False)
    b, _ = NoufailyDetector(**kw, recent_ratio=(1.25, 1.05)).score_matrix(ms, 230, bounds=False)
    assert np.mean(a["expected"][ev] != b["expected"][ev]) < 0.01
