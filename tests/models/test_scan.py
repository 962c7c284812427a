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
    from models.scan import LOG_GRID, _curves, bin_of, edges_of
    from models.scan_kernel import calibrated_one, nb_tail_one

    rng = np.random.default_rng(12)
    count = rng.integers(0, 80, 3000).astype(float)
    mean = rng.uniform(1e-9, 60.0, 3000)
    phi = rng.choice([1.0, 1.0 + 1e-10, 1.2, 2.0, 4.5], 3000)
    compiled = np.array([nb_tail_one(c, m, f) for c, m, f in zip(count, mean, phi)])
    assert np.array_equal(compiled, nb_tail(count, mean, phi))            # the same Boost routines, bit for bit
    raw = 10 ** rng.uniform(-12, 0, 3000)
    curves = _curves(5)
    flat = bin_of(mean, phi, edges_of(curves))
    curves = curves.reshape(-1, len(LOG_GRID))
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


def test_monthly_series_read_a_calibration_made_on_monthly_series():
    # clustered monthly counts (2 a month, variance 8x the mean) on the monthly seasonal baseline: read with the
    # weekly curves of the same b they alarmed in 1.9 % of quiet months; the table now holds monthly curves
    from models.noufaily import MONTHLY_SETTINGS, NoufailyDetector
    from models.scan import _curves, _table
    from models.simulate import negative_binomial

    assert (12, 3) in _table() and not np.array_equal(_curves(3, frequency=12), _curves(3, frequency=52))
    rng = np.random.default_rng(31)
    y = np.stack([negative_binomial(rng, np.full(7 * 12, 2.0), 8.0) for _ in range(600)])
    monthly = ScanDetector(baseline=NoufailyDetector(**MONTHLY_SETTINGS, cap_trend=False))
    res = monthly.fit().score(frame(y), ["s"], eval_start=6 * 12 + 1)
    assert monthly.frequency == 52 and len(res) == 600 * 12      # the baseline's frequency is the one read
    assert res["alarm"].mean() <= 0.0125                            # 1.9 % on the weekly curves
    assert res["pvalue"].between(0, 1).all()


def test_high_and_clustered_series_have_curves_of_their_own():
    # the weekly table stopped at 55 a week and dispersion 5: 150 a week at variance 3x and 0.5 a week at 8x read
    # the curves of calmer series (borrowed copies) and their p-values came too small
    from models.scan import SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES, _curves, bin_of, edges_of

    for frequency, b in ((52, 5), (52, 3), (12, 3)):
        curves = _curves(b, frequency=frequency)
        assert all(np.array_equal(e, s) for e, s in zip(edges_of(curves), (SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES)))
        flat = curves.reshape(len(SCAN_EXPECTED_EDGES) * len(SCAN_PHI_EDGES), -1)
        edges = (SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES)
        for mean, phi in ((150.0, 3.0), (300.0, 3.0), (0.5, 8.0), (1.0, 6.0)):
            f = int(bin_of(np.array([mean]), np.array([phi]), edges)[0])
            # simulated there or borrowed from a neighbour as far out, not from the old table's range
            old_range = [g for g in range(len(flat)) if g // len(SCAN_PHI_EDGES) < 10 and g % len(SCAN_PHI_EDGES) < 5]
            assert f not in old_range
            assert not [g for g in old_range if np.array_equal(flat[g], flat[f])], (frequency, b, mean, phi)
