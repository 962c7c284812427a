"""The oracle thresholds of ``benchmarks/detection_reach.py``: exactly the asked false-alarm rate, ties included."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "detection_reach.py"
_spec = importlib.util.spec_from_file_location("detection_reach", _PATH)
reach = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reach)


def test_a_discrete_statistic_alarms_at_exactly_the_rate_through_its_ties():
    quiet = np.array([0.0] * 90 + [1.0] * 7 + [2.0] * 3)      # a cut-off gives 3 % (> 1) or 10 % (>= 1), never 5 %
    c, gamma = reach.oracle_threshold(quiet, far=0.05)
    assert c == 1.0 and gamma == pytest.approx(2 / 7)
    every = np.ones((1, len(quiet)), dtype=bool)
    assert reach.alarm_rate(quiet[None, :], every, np.array([c]), np.array([gamma])) == pytest.approx(0.05)


def test_a_continuous_statistic_with_a_fractional_count_and_missing_values():
    rng = np.random.default_rng(0)
    quiet = np.concatenate([rng.normal(size=245), [np.nan] * 5])   # 1 % of 250 = 2.5 cells; NaN is no evidence
    c, gamma = reach.oracle_threshold(quiet)
    assert c == np.sort(quiet[:245])[-3] and gamma == pytest.approx(0.5)
    every = np.ones((1, len(quiet)), dtype=bool)
    assert reach.alarm_rate(quiet[None, :], every, np.array([c]), np.array([gamma])) == pytest.approx(0.01)


def test_an_event_is_found_for_sure_above_the_threshold_and_by_chance_on_its_ties():
    stat = np.array([[0.0, 1.0, 0.0, 0.0],      # one tie in the span
                     [0.0, 1.0, 1.0, 0.0],      # two ties
                     [0.0, 2.0, 1.0, 0.0],      # above
                     [1.0, 0.0, 0.0, 2.0]])     # tie and above, both outside the span
    span = np.array([[False, True, True, False]] * 4)
    p = reach.found(stat, span, np.full(4, 1.0), np.full(4, 0.25))
    assert p == pytest.approx([0.25, 1 - 0.75 ** 2, 1.0, 0.0])


def test_the_baseline_of_the_true_form_is_the_poisson_glm_of_every_series():
    from sklearn.linear_model import PoissonRegressor

    from models.simulate import baseline_mean, grid, negative_binomial

    scen = grid(levels=(0.0, 3.0), trend=(0.002,), season=(True,), phi=(1.5,), k=(0,))
    rng = np.random.default_rng(4)
    truth = np.vstack([baseline_mean(s, 364) for _, s in scen.iterrows()])
    y = negative_binomial(rng, truth, 1.5)
    mu, phi = reach.form_baseline(y, 1, 313)
    t = np.arange(1, 365)
    w = 2 * np.pi * t / 52
    X = np.column_stack([t / 100, np.cos(w), np.sin(w), np.cos(2 * w), np.sin(2 * w)])
    for i in range(len(y)):
        glm = PoissonRegressor(alpha=0.0, max_iter=3000, tol=1e-12).fit(X[:312], y[i, :312])
        assert mu[i] == pytest.approx(glm.predict(X), rel=1e-6)
    assert np.abs(np.log(mu / truth)).mean() < 0.1      # close to the truth it was drawn from
    assert phi.shape == y.shape and (phi >= 1.0).all() and phi[1, 0] == pytest.approx(1.5, abs=0.3)


def test_the_pooled_baseline_is_one_poisson_glm_per_group_with_an_own_level_per_series():
    """Slope and harmonics shared by a group's series, each series its own intercept: the Poisson GLM with a
    dummy per series (sklearn's solver as the independent reference); groups are fitted apart."""
    from sklearn.linear_model import PoissonRegressor

    from models.simulate import baseline_mean, grid, negative_binomial

    scen = grid(levels=(0.0, 1.6), trend=(0.002,), season=(True,), phi=(1.5,), k=(0,))
    rng = np.random.default_rng(5)
    truth = np.vstack([baseline_mean(s, 364) * f for _, s in scen.iterrows() for f in (0.7, 1.0, 1.4)])
    y = negative_binomial(rng, truth, 1.5)
    group = np.repeat([0, 1], 3)
    mu, phi = reach.pooled_form_baseline(y, group, 1, 313)
    t = np.arange(1, 365)
    w = 2 * np.pi * t / 52
    X = np.column_stack([t / 100, np.cos(w), np.sin(w), np.cos(2 * w), np.sin(2 * w)])
    for g in (0, 1):
        rows = np.flatnonzero(group == g)
        design = np.vstack([np.column_stack([np.eye(3)[np.full(312, j)], X[:312]]) for j in range(3)])
        glm = PoissonRegressor(alpha=0.0, fit_intercept=False, max_iter=5000, tol=1e-12).fit(
            design, y[rows, :312].ravel())
        for j, i in enumerate(rows):
            full = np.column_stack([np.eye(3)[np.full(364, j)], X])
            assert mu[i] == pytest.approx(glm.predict(full), rel=1e-5)
    assert phi.shape == y.shape and (phi >= 1.0).all()
    own, _ = reach.shape_baseline(y, truth, 1, 313)
    assert own[:, :312].sum(axis=1) == pytest.approx(y[:, :312].sum(axis=1))     # the true shape at its own level
    assert own[:, 312:] / own[:, :1] == pytest.approx(truth[:, 312:] / truth[:, :1])
