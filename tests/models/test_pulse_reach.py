"""The pulse likelihood ratio of ``benchmarks/pulse_reach.py``: its parts, reach and what they combine to."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(_DIR))
_spec = importlib.util.spec_from_file_location("pulse_reach", _DIR / "pulse_reach.py")
pr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pr)
from restart_reach import combine  # noqa: E402  (importable once pulse_reach put benchmarks/ on the path)


def _lr(y: int, mu: float, nu: float) -> float:
    """Poisson baseline mu with Poisson(nu) pulse cases added, against the baseline alone, by hand."""
    return stats.poisson.pmf(y, mu + nu) / stats.poisson.pmf(y, mu)


def test_a_two_week_pulse_is_the_even_mixture_of_its_likelihood_ratios():
    y = np.array([[3.0, 9.0, 8.0]])
    mu, phi = np.full(y.shape, 4.0), np.ones(y.shape)         # Poisson: cases + baseline is Poisson(mu + nu)
    parts, reach, how = pr.pulse_parts(y, mu, phi, (2,), (1, 3))
    assert how == "logsumexp" and reach.tolist() == [0, 1, 0, 1]    # (k 1: d 1, 2), (k 3: d 1, 2)
    sd = 2.0                                                  # sqrt(phi mu)
    want = np.mean([_lr(8, 4, k * sd / 2) for k in (1, 3)] + [_lr(9, 4, k * sd / 2) * _lr(8, 4, k * sd / 2)
                                                              for k in (1, 3)])
    assert np.exp(combine(parts, how))[0, 2] == pytest.approx(want, rel=1e-9)
    assert np.isneginf(parts[0, 0, reach == 1]).all()         # no pulse started before the first period


def test_the_overdispersed_baseline_is_convolved_with_the_cases():
    y, mu, phi = np.array([[6.0]]), np.array([[2.0]]), np.array([[3.0]])
    parts, _, _ = pr.pulse_parts(y, mu, phi, (1,), (2,))
    nu = 2 * np.sqrt(6.0)
    size = 2.0 / (3.0 - 1.0)                                  # negative binomial of mean 2, variance 3 x 2
    p0 = stats.nbinom(size, 1 / 3.0)
    want = sum(stats.poisson.pmf(x, nu) * p0.pmf(6 - x) for x in range(7)) / p0.pmf(6)
    assert np.exp(parts[0, 0, 0]) == pytest.approx(want, rel=1e-9)


def test_a_pulse_outweighs_quiet_weeks_and_a_cell_without_baseline_has_no_evidence():
    y = np.array([[4.0, 4.0, 4.0, 12.0, 11.0], [4.0, 4.0, 4.0, 4.0, 4.0]])
    mu, phi = np.full(y.shape, 4.0), np.full(y.shape, 1.5)
    mu[1, 2] = np.nan
    parts, reach, how = pr.pulse_parts(y, mu, phi, *pr.PULSES[pr.GENERIC])
    stat = combine(parts, how)
    assert stat[0, 4] > np.log(20) > stat[1, 4]
    assert np.isneginf(stat[1, 2]) and len(reach) == 10 * 5


def test_level_bins_group_series_by_their_fitted_level_and_dispersion_and_lend_thin_bins_their_neighbour():
    def layout(levels, phis):
        fitted = np.repeat(np.asarray(levels, dtype=float)[:, None], 5, axis=1)
        return {"series": np.zeros(len(levels)), "fitted": fitted,
                "fitted_phi": np.repeat(np.asarray(phis, dtype=float)[:, None], 5, axis=1)}

    n = pr.LEAST_IN_BIN
    tuning = layout([1.0] * n + [20.0] * n + [20.0] * n + [5.0], [1.5] * n + [1.5] * n + [4.0] * n + [1.5])
    holdout = layout([1.0, 20.0, 20.0, 3.0, 30.0], [1.5, 1.5, 4.0, 1.5, 2.5])
    (t, h), k = pr.level_bins([tuning, holdout])
    assert k == 3                                       # the bin of the one series at 5 a week is too thin
    assert len(set(t[:n])) == len(set(t[n: 2 * n])) == len(set(t[2 * n: 3 * n])) == 1
    assert len({t[0], t[n], t[2 * n]}) == 3
    assert h[:3].tolist() == [t[0], t[n], t[2 * n]]
    assert h[3] == t[0] and h[4] == t[n]                # nearest level bin, then nearest dispersion (2.5: below 3)
    (g,), one = pr.one_group([holdout])
    assert one == 1 and not g.any()
