"""The detection ceilings: exact at the edges, and never below a realisable detector."""
import numpy as np
import pytest
from scipy import stats

from models.bounds import count_logpmf, detection_bounds, drift_evidence, event_bound, outbreak_evidence
from models.simulate import count_distribution, delay_density, grid, negative_binomial, simulate


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


# --------------------------------------------------------------------------- the detector that knows all but when

def test_count_logpmf_is_scipys_negative_binomial_and_poisson():
    y = np.array([0.0, 1.0, 4.0, 17.0, 60.0])
    mu = np.array([0.3, 2.0, 4.0, 11.0, 40.0])
    for phi in (1.0, 1.5, 3.0):
        want = count_distribution(mu, phi).logpmf(y)
        assert count_logpmf(y, mu, np.full(5, phi)) == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert count_logpmf(np.array([-1.0]), np.array([2.0]), np.array([1.5]))[0] == -np.inf


def _outbreak_by_hand(y, mu, phi, k, horizon):
    """outbreak_evidence for one series and its last period, straight from the model, start by start."""
    dens = delay_density()

    def later(d):
        return dens[d:].sum() if d < len(dens) else 0.0

    t = len(y) - 1
    total = 0.0
    for s in range(max(0, t - horizon + 1), t + 1):
        size = k * np.sqrt(phi * mu[s])
        lr, p_none_now = 1.0, None
        for u in range(s, t + 1):
            nu = size * dens[u - s]
            x = np.arange(int(y[u]) + 1)
            p1 = float((stats.poisson.pmf(x, nu) * count_distribution(mu[u], phi).pmf(y[u] - x)).sum())
            p0 = float(count_distribution(mu[u], phi).pmf(y[u]))
            lr *= p1 / p0
            p_none_now = np.exp(-nu) * p0 / p1
        total += lr * (1.0 - p_none_now * np.exp(-size * later(t - s + 1)))
    return np.log(total / horizon)


@pytest.mark.parametrize("phi", [1.0, 2.5])
def test_outbreak_evidence_is_the_model_start_by_start(phi):
    mu = np.array([3.0, 3.5, 4.0, 2.0, 5.0, 4.5])
    y = np.array([2.0, 9.0, 7.0, 3.0, 4.0, 6.0])
    got = outbreak_evidence(y[None, :], mu[None, :], np.array([[phi]]), 2.0, horizon=4)
    for t in range(2, len(y)):
        assert got[0, t] == pytest.approx(_outbreak_by_hand(y[: t + 1], mu, phi, 2.0, 4), rel=1e-9)


def test_outbreak_evidence_under_no_outbreak_averages_the_chance_of_being_in_a_span():
    """E0[LR x P(in span | data)] = P(in span) under the outbreak: its mean without outbreaks is known exactly."""
    rng = np.random.default_rng(9)
    mu, phi, k, horizon = 4.0, 1.5, 2.0, 6
    y = negative_binomial(rng, np.full((40_000, 8), mu), phi).astype(float)
    got = np.exp(outbreak_evidence(y, np.full(y.shape, mu), np.full(y.shape, phi), k, horizon=horizon))
    dens = delay_density()
    size = k * np.sqrt(phi * mu)
    want = np.mean([1.0 - np.exp(-size * dens[d:].sum()) for d in range(horizon)])
    assert got[:, -1].mean() == pytest.approx(want, rel=0.03)


def test_drift_evidence_is_a_likelihood_ratio_with_mean_one_without_a_drift():
    rng = np.random.default_rng(10)
    y = negative_binomial(rng, np.full((40_000, 10), 6.0), 2.0).astype(float)
    got = np.exp(drift_evidence(y, np.full(y.shape, 6.0), np.full(y.shape, 2.0), horizon=8))
    assert got[:, -1].mean() == pytest.approx(1.0, rel=0.03)
    assert got[:, 3].mean() == pytest.approx(4 / 8, rel=0.03)      # only 4 of the 8 starts fit before column 3


def test_the_statistics_rise_on_their_event_and_ignore_missing_baselines():
    mu = np.full((1, 12), 5.0)
    quiet = np.full((1, 12), 5.0)
    burst = quiet.copy()
    burst[0, 8:10] = [14.0, 11.0]
    phi = np.full((1, 12), 1.5)
    assert outbreak_evidence(burst, mu, phi, 3.0)[0, 9] > outbreak_evidence(quiet, mu, phi, 3.0)[0, 9] + 3
    ramp = np.round(mu * (1 + 0.5 * np.clip(np.arange(12) / 6, 0, 1)))
    assert drift_evidence(ramp, mu, phi)[0, -1] > drift_evidence(quiet, mu, phi)[0, -1] + 1
    gap = mu.copy()
    gap[0, 9] = np.nan
    for evidence in (outbreak_evidence(burst, gap, phi, 3.0), drift_evidence(burst, gap, phi)):
        assert evidence[0, 9] == -np.inf and np.isfinite(np.delete(evidence, 9)).all()   # no evidence there only
