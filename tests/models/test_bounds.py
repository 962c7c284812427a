"""The detection ceilings: exact at the edges, and never below a realisable detector."""
import numpy as np
import pytest

from models.bounds import detection_bounds, event_bound
from models.simulate import grid, simulate


def test_no_event_has_power_equal_to_its_level():
    m0 = np.full(3, 20.0)
    res = event_bound(m0, m0, np.zeros(3), phi=1.5, far=0.01, draws=40_000, rng=np.random.default_rng(1))
    assert res["level"] == pytest.approx(0.03)
    assert res["bound"] == pytest.approx(0.03, abs=0.005)
    # a single-week threshold alarms somewhere in 3 quiet weeks with probability 1 - P(no week over)
    assert res["known_baseline"] <= 1 - 0.99 ** 3 + 1e-12


def test_huge_outbreak_is_always_found():
    m0 = np.full(2, 5.0)
    res = event_bound(m0, m0, np.array([60, 40]), phi=3.0, far=0.01, draws=5_000, rng=np.random.default_rng(2))
    assert res["bound"] == pytest.approx(1.0, abs=1e-3)
    assert res["known_baseline"] == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("phi", [1.0, 1.5, 3.0])
def test_ceiling_is_at_least_the_true_baseline_threshold(phi):
    """The threshold on the true baseline is itself a test at the window's level, so it cannot beat the ceiling."""
    rng = np.random.default_rng(3)
    m0 = np.array([4.0, 4.5, 5.0])
    for extra in ([3, 2, 0], [6, 1, 1], [1, 0, 0]):
        res = event_bound(m0, m0, np.array(extra), phi=phi, far=0.01, draws=20_000, rng=rng)
        assert res["bound"] >= res["known_baseline"] - 0.01
        assert 0.0 <= res["known_baseline"] <= 1.0


def test_drift_ceiling_rises_with_the_baseline_level():
    scen = grid(levels=(0.0, 3.0), trend=(0.0,), season=(False,), phi=(1.5,), k=(0,)).assign(
        drift_share=0.5, drift_weeks=12)
    sim = simulate(scen, replicates=20, years=2, seed=5)
    sim["phi"] = sim["scenario"].map(scen.set_index("scenario")["phi"])
    out = detection_bounds(sim, ["scenario", "replicate"], far=0.01, window=8, draws=4_000)
    assert len(out) == 40 and (out["weeks"] == 8).all() and np.allclose(out["level"], 0.08)
    low, high = out.groupby("scenario")["bound"].mean().to_numpy()
    assert low < 0.5 < high     # a +50 % drift on 1 count a week is hard to see, on 20 a week it is not
