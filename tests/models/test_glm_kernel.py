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
