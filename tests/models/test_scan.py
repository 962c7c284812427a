"""The scan finds outbreaks spread over weeks, its p-value is calibrated, and evidence restarts after an alarm."""
import numpy as np
import pandas as pd
from scipy import stats

from models.auto import AutoDetector
from models.panel import to_matrix
from models.scan import ScanDetector, calibrate, nb_tail


def panel(n=150, T=60, mean=10.0, phi=1.5, seed=5):
    rng = np.random.default_rng(seed)
    y = rng.negative_binomial(mean / (phi - 1), 1 / phi, size=(n, T))
    return y


def known_baseline(y, mean=10.0, phi=1.5):
    """The baseline the scan runs on, here the true one: expected and dispersion for every cell."""
    ones = np.ones(y.shape)
    return {"expected": mean * ones, "phi": phi * ones}, np.ones(y.shape, dtype=bool)


def frame(y):
    S, T = y.shape
    return pd.DataFrame({"s": np.repeat(np.arange(S), T), "period_index": np.tile(np.arange(1, T + 1), S), "count": y.ravel()})


def test_nb_tail_is_the_upper_tail_of_the_negative_binomial_and_poisson():
    y = np.array([0, 1, 5, 12, 30])
    assert np.allclose(nb_tail(y, 8.0, 2.0), stats.nbinom.sf(y - 1, 8.0 / 1.0, 0.5))
    assert np.allclose(nb_tail(y, 8.0, 1.0), stats.poisson.sf(y - 1, 8.0))


def test_an_outbreak_spread_over_three_weeks_is_found_more_often_by_the_windows():
    y = panel()
    y[:, 50:53] += np.random.default_rng(1).poisson(5, size=(len(y), 3))   # about 3.4 sd in the sum, ~1.9 a week
    m = to_matrix(frame(y), ["s"])
    found = {}
    for windows in ((1,), (1, 2, 3, 4)):
        res, _ = ScanDetector(windows=windows).score_matrix(m, None, known_baseline(y), years=5)
        found[windows] = res["alarm"][:, 50:54].any(axis=1).mean()
    assert found[(1, 2, 3, 4)] > found[(1,)] + 0.1


def test_the_pvalue_is_calibrated_on_quiet_series_and_alarms_are_pvalue_below_alpha():
    y = panel(n=400, seed=9)
    m = to_matrix(frame(y), ["s"])
    det = ScanDetector()
    res, _ = det.score_matrix(m, None, known_baseline(y), years=5)
    p = res["pvalue"][:, 12:]
    assert 0.03 < (p <= 0.05).mean() < 0.07
    assert 0.003 < (p <= det.alpha).mean() < 0.015
    recent = np.lib.stride_tricks.sliding_window_view(y, 4, axis=1).sum(axis=2)[:, 9:]
    assert (res["alarm"][:, 12:] == ((p <= det.alpha) & (recent >= 5))).all()


def test_calibration_is_monotone_and_falls_with_the_raw_statistic_below_the_table():
    raw = np.logspace(-24, 0, 50)                                  # the table reaches down to 1e-16
    p = calibrate(raw, np.full(50, 10.0), np.full(50, 1.5), 5)
    assert (np.diff(p) >= 0).all() and p[-1] <= 1.0
    assert np.isclose(p[0] / p[1], raw[0] / raw[1])


def test_evidence_restarts_after_an_alarm_so_a_found_outbreak_does_not_alarm_afterwards():
    y = panel(n=100, seed=3)
    y[:, 40:42] += 40                                             # a large two-week outbreak
    res, _ = ScanDetector().score_matrix(to_matrix(frame(y), ["s"]), None, known_baseline(y), years=5)
    assert res["alarm"][:, 40:42].any(axis=1).all()
    assert res["alarm"][:, 42:46].mean() < 0.02                   # windows no longer reach back into it


def test_auto_reports_only_from_eval_start_and_explains_window_alarms():
    y = panel(n=3, T=230, mean=6.0, seed=4)
    y[0, 220:223] += 9
    res = AutoDetector().score(frame(y), ["s"], eval_start=215)
    assert res["period_index"].min() == 215
    assert res.loc[res["alarm"], "reason"].str.len().gt(0).any()
    assert res["pvalue"].between(0, 1).all()


def test_the_compiled_tail_and_calibration_give_the_same_numbers_as_scipy_and_numpy():
    from models.scan import LOG_GRID, _curves, bin_of
    from models.scan_kernel import calibrated_one, nb_tail_one

    rng = np.random.default_rng(12)
    count = rng.integers(0, 80, 3000).astype(float)
    mean = rng.uniform(1e-9, 60.0, 3000)
    phi = rng.choice([1.0, 1.0 + 1e-10, 1.2, 2.0, 4.5], 3000)
    compiled = np.array([nb_tail_one(c, m, f) for c, m, f in zip(count, mean, phi)])
    assert np.array_equal(compiled, nb_tail(count, mean, phi))            # the same Boost routines, bit for bit
    raw = 10 ** rng.uniform(-12, 0, 3000)
    curves = _curves(5).reshape(-1, len(LOG_GRID))
    flat = bin_of(mean, phi)
    compiled = np.array([calibrated_one(r, curves[f], LOG_GRID) for r, f in zip(raw, flat)])
    x = np.log10(raw)                      # numpy's reading: linear in log10 between the grid points
    v = np.array([np.interp(xi, LOG_GRID, curves[f]) for xi, f in zip(x, flat)])
    v = np.where(x < LOG_GRID[0], curves[flat, 0] + (x - LOG_GRID[0]), v)
    assert np.allclose(compiled, 10 ** np.minimum(v, 0.0), rtol=1e-12, atol=0)
    assert np.array_equal(calibrate(raw, mean, phi, 5), compiled)


def test_a_sparse_series_fitted_near_zero_gets_an_honest_pvalue_and_a_real_rise_still_shows():
    # a small buurt's signal: a count or two a year. After quiet baseline years the fit is about 2e-9 a week,
    # and one count made p about 1e-9; the scan now takes at least LEAST_EXPECTED a week
    rng = np.random.default_rng(12)
    y = rng.poisson(0.02, size=(300, 7 * 52))
    y[0, -1] = 6                                                   # six reports in one week
    res = AutoDetector().score(frame(y), ["s"], eval_start=6 * 52 + 1)
    quiet = res[res["s"] > 0]
    assert quiet["expected"].min() < 1e-6                          # the fit itself does go to almost nothing
    for level in (0.01, 0.001, 1e-4):
        assert (quiet["pvalue"] <= level).mean() <= 2 * level
    assert res.loc[(res["s"] == 0) & (res["period_index"] == 7 * 52), "pvalue"].item() < 1e-3
