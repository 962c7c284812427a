"""The short-history detector: its moving baseline and its calibration reach clustered, seasonal and high counts."""
import numpy as np

from models.panel import Matrix
from models.short import MovingScanDetector
from models.simulate import negative_binomial


def run(y, eval_from):
    res, reported = MovingScanDetector().score_matrix(Matrix(None, 1, y.astype(float)), eval_from)
    return res, reported


def test_young_clustered_series_keep_false_alarms_at_one_percent():
    # reports that come in bursts: 0.5 a week at variance 8x the mean. The calibration saw dispersion up to 3
    # and such series alarmed in 2.3 % of quiet weeks, p <= 0.001 twelve times as often as 0.001
    rng = np.random.default_rng(808)
    y = np.stack([negative_binomial(rng, np.full(104, 0.5), 8.0) for _ in range(800)])
    res, reported = run(y, 53)
    assert res["alarm"][reported].mean() <= 0.013               # 2.3 % before; the promise is 1 %: see the module
    assert (res["pvalue"][reported] <= 0.001).mean() <= 0.004


def test_young_high_count_series_are_not_blind():
    # 100 a week: the top bin of the calibration (70 and more) held only seasonal peaks of smaller series and asked
    # a raw tail of 1e-16 for p = 0.0075; a rise of 5 standard deviations a week for 3 weeks was found in 28 %
    rng = np.random.default_rng(909)
    y = rng.poisson(100.0, (300, 104)).astype(float)
    y[:, 94:97] = rng.poisson(150.0, (300, 3))
    res, reported = run(y, 53)
    assert res["alarm"][:, 94:97].any(axis=1).mean() >= 0.8
    quiet = reported.copy()
    quiet[:, 94:] = False
    assert res["alarm"][quiet].mean() <= 0.01
    assert (res["pvalue"][quiet] <= 0.01).mean() > 0.001           # the p-value is a p-value, not about 0
