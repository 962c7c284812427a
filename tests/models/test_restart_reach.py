"""The restarts of ``benchmarks/restart_reach.py``: after an alarm, the evidence uses only the counts after it; and
its rule for the drift alone."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(_DIR))
_spec = importlib.util.spec_from_file_location("restart_reach", _DIR / "restart_reach.py")
rr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rr)


def _one_series():
    """Windows of 1 and 2 periods (parts reaching back 0 and 1): an alarm at t = 1 on its own week, and at t = 2 a
    window of 2 that owes its evidence to that week."""
    parts = np.array([[[0.0, -np.inf], [5.0, 1.0], [0.0, 10.0], [0.0, 0.5]]])
    return parts, np.array([0, 1]), "max"


def test_an_alarm_at_t_makes_the_window_at_t_plus_1_start_at_t_plus_1():
    parts, reach, how = _one_series()
    c, gamma, u = np.array([3.0]), np.array([0.0]), np.full((1, 4), 0.5)
    stat, alarm = rr.restarted(parts, reach, how, c, gamma, u)
    assert alarm[0].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert stat[0].tolist() == [0.0, 5.0, 0.0, 0.5]          # at t = 2 only the window of 1 week counts
    stat, alarm = rr.restarted(parts, reach, how, c, gamma, u, restart=False)
    assert alarm[0].tolist() == [0.0, 1.0, 1.0, 0.0] and stat[0, 2] == 10.0


def test_a_mixture_over_starts_restarts_with_the_later_starts_only():
    with np.errstate(divide="ignore"):
        parts = np.log(np.array([[[1.0, 0.0, 0.0], [8.0, 1.0, 0.0], [1.0, 1.0, 6.0]]]))
        stat, alarm = rr.restarted(parts, np.arange(3), "logsumexp", np.array([np.log(4)]), np.zeros(1),
                                   np.full((1, 3), 0.5))
    assert alarm[0].tolist() == [0.0, 1.0, 0.0]
    assert stat[0, 2] == pytest.approx(0.0)                  # log 1: the start at t = 2 alone, not log(1 + 1 + 6)


def test_ties_alarm_by_the_draw_and_the_restart_needs_draws():
    parts, reach, how = _one_series()
    _, alarm = rr.restarted(parts, reach, how, np.array([5.0]), np.array([0.5]), np.array([[0.9, 0.4, 0.9, 0.9]]))
    assert alarm[0, 1] == 1.0
    _, alarm = rr.restarted(parts, reach, how, np.array([5.0]), np.array([0.5]), None, restart=False)
    assert alarm[0].tolist() == [0.0, 0.5, 1.0, 0.0]          # expected alarms, as detection_reach.found reads them
    with pytest.raises(ValueError, match="uniform draws"):
        rr.restarted(parts, reach, how, np.array([5.0]), np.array([0.5]))


def test_the_parts_of_the_bayes_statistics_give_them_back():
    rng = np.random.default_rng(3)
    mu = np.full((3, 30), 4.0)
    y = rng.poisson(mu).astype(float)
    y[1, 12:16] += 8
    phi = np.full(mu.shape, 1.5)
    bayes = rr.bayes_parts(y, mu, phi)
    for name, whole in ((rr.BAYES_ANY, np.logaddexp.reduce([rr.bounds.outbreak_evidence(y, mu, phi, k)
                                                          for k in rr.SIZES]) - np.log(len(rr.SIZES))),):
        parts, reach, how = rr.rule_parts(name, y, mu, phi, bayes)
        assert np.allclose(rr.combine(parts, how), whole)
        assert parts.shape[-1] == len(reach) == 20 * len(rr.SIZES)
    drift = rr.bounds.drift_evidence(y, mu, phi)
    assert np.allclose(rr.combine(bayes["drift"][0], "logsumexp"), drift)


def test_the_drift_alone_is_the_drift_evidence_mixed_over_starts_and_restarts_to_later_starts():
    rng = np.random.default_rng(5)
    y = rng.poisson(4.0, size=(3, 40)).astype(float)
    mu, phi = np.full(y.shape, 4.0), np.full(y.shape, 1.5)
    parts, reach, how = rr.rule_parts(rr.BAYES_DRIFT, y, mu, phi)
    assert how == "logsumexp" and reach.tolist() == list(range(parts.shape[-1]))
    whole = rr.bounds.drift_evidence(y, mu, phi)
    assert np.allclose(np.nan_to_num(rr.combine(parts, how), nan=-np.inf), whole)
    y[:, 30:] *= 3                                         # a rise: alarms, and a restart forgets the parts before it
    rule = rr.rule_parts(rr.BAYES_DRIFT, y, mu, phi)
    kept, plain = rr.restarted(*rule, c=np.zeros(3), gamma=np.zeros(3), u=np.ones(y.shape))
    never, _ = rr.restarted(*rule, c=np.zeros(3), gamma=np.zeros(3), restart=False)
    assert plain[:, 30:].any(axis=1).all()
    assert (kept <= never + 1e-12).all() and (kept < never - 1e-9).any()
