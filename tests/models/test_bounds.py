"""The detection ceilings: exact at the edges, and never below a realisable detector."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models.bounds import (causal_bound, causal_bounds, count_logpmf, detection_bounds, drift_evidence, event_bound,
                           outbreak_evidence)
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


def _drifts(replicates: int) -> pd.DataFrame:
    """Simulated drifts (+50 % over 12 weeks) on a baseline of 1 and of e^3 a week, with their dispersion."""
    scen = grid(levels=(0.0, 3.0), trend=(0.0,), season=(False,), phi=(1.5,), k=(0,)).assign(
        drift_share=0.5, drift_weeks=12)
    sim = simulate(scen, replicates=replicates, years=2, seed=5)
    return sim.assign(phi=sim["scenario"].map(scen.set_index("scenario")["phi"]))


def test_drift_ceiling_rises_with_the_baseline_level():
    sim = _drifts(20)
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


# --------------------------------------------------------------------------- the detector that decides week by week

def _ramp(m0, weeks):
    return m0 * (1 + 0.5 * np.minimum(1.0, (np.arange(weeks) + 1) / 12))


@pytest.mark.parametrize("mean, phi", [(5.0, 1.5), (20.0, 3.0), (1.0, 1.0)])
def test_causal_bound_of_one_week_is_the_neyman_pearson_power(mean, phi):
    """With one week there is nothing to decide in time: the bound is the most powerful test at level far."""
    m0 = np.array([[mean]])
    got = causal_bound(m0, 1.8 * m0, np.array([phi]), far=0.01)["bound"]
    union = event_bound(m0[0], 1.8 * m0[0], np.zeros(1), phi, far=0.01, draws=100_000, rng=np.random.default_rng(4))
    assert got == pytest.approx(union["bound"], abs=4 * np.sqrt(got * (1 - got) / 100_000) + 1e-4)
    d0, d1 = count_distribution(mean, phi), count_distribution(1.8 * mean, phi)     # and exactly
    q = d0.isf(0.01)
    assert got == pytest.approx(d1.sf(q) + (0.01 - d0.sf(q)) / d0.pmf(q) * d1.pmf(q), rel=1e-9)


@pytest.mark.parametrize("mean, phi", [(1.0, 1.5), (5.0, 1.5), (20.0, 3.0)])
def test_causal_bound_lies_between_the_true_baseline_threshold_and_the_union_ceiling(mean, phi):
    """The single-week threshold on the true baseline is a stopping rule meeting every week's constraint, so
    it cannot beat the bound; looking at all 8 weeks at once at level 8 % can only do better than it."""
    rng = np.random.default_rng(5)
    for m0, m1, extra in ((np.full(8, mean), _ramp(np.full(8, mean), 8), np.zeros(8)),
                          (np.full(4, mean), np.full(4, mean), np.array([2, 3, 1, 1]) * max(1, int(mean ** 0.5)))):
        got = causal_bound(m0[None, :], m1[None, :], np.array([phi]), far=0.01, extra=extra[None, :])["bound"]
        union = event_bound(m0, m1, extra, phi, far=0.01, draws=40_000, rng=rng)
        assert union["known_baseline"] <= got + 1e-9
        assert got <= union["bound"] + 3 * np.sqrt(union["bound"] * (1 - union["bound"]) / 40_000)
        if union["bound"] < 0.99:
            assert got < union["bound"] - 0.01          # deciding week by week costs power


def _two_week_programme(p0, p1, reward0, reward1, far):
    """The best randomised stopping rule on two weeks, as a linear programme over its stopping chances:
    p(y0) at week 0, q(y0, y1) at week 1 with q <= 1 - p, null chance of stopping <= far in each week."""
    from scipy.optimize import linprog
    n = len(p0[0])
    c = -np.concatenate([reward0, (p1[0][:, None] * reward1[None, :]).ravel()])
    a_ub = [np.concatenate([p0[0], np.zeros(n * n)]), np.concatenate([np.zeros(n), np.outer(p0[0], p0[1]).ravel()])]
    pair = np.zeros((n * n, n + n * n))
    pair[np.arange(n * n), np.repeat(np.arange(n), n)] = 1.0
    pair[np.arange(n * n), n + np.arange(n * n)] = 1.0
    res = linprog(c, A_ub=np.vstack([a_ub, pair]), b_ub=np.concatenate([[far, far], np.ones(n * n)]),
                  bounds=(0, 1), method="highs")
    return -res.fun


def test_causal_bound_is_the_best_stopping_rule_on_two_poisson_weeks():
    ys = np.arange(40)
    m0, m1 = np.array([3.0, 2.5]), np.array([4.5, 5.0])
    p0 = [stats.poisson.pmf(ys, m) for m in m0]
    p1 = [stats.poisson.pmf(ys, m) for m in m1]
    best = _two_week_programme(p0, p1, p1[0], p1[1], far=0.02)
    got = causal_bound(m0[None, :], m1[None, :], np.array([1.0]), far=0.02)
    assert best - 1e-9 <= got["bound"] <= best + 2e-3          # an upper bound, and close
    assert causal_bound(m0[None, :], m1[None, :], np.array([1.0]), far=0.02, step=0.02)["bound"] <= got["bound"] + 1e-9
    for step, reach in ((0.5, 1.0), (0.3, 3.0)):          # a coarse, narrow grid is looser, never below
        coarse = causal_bound(m0[None, :], m1[None, :], np.array([1.0]), far=0.02, step=step, reach=reach,
                              search_step=step)["bound"]
        assert best - 1e-9 <= coarse


def test_causal_bound_with_unknown_cases_is_the_best_rule_for_alarming_within_the_span():
    """Poisson cases on a Poisson baseline: P1 is Poisson(m + nu). An alarm counts while cases are still to come."""
    ys = np.arange(40)
    m0, nu, total = np.array([3.0, 2.5]), np.array([2.0, 1.5]), 4.0     # 0.5 expected cases after the window
    p0 = [stats.poisson.pmf(ys, m) for m in m0]
    p1 = [stats.poisson.pmf(ys, m) for m in m0 + nu]
    any_case = -np.expm1(-total)
    reward0 = (p1[0] - np.exp(-total) * p0[0]) / any_case
    reward1 = (p1[1] - np.exp(-(total - nu[0])) * p0[1]) / any_case
    best = _two_week_programme(p0, p1, reward0, reward1, far=0.02)
    got = causal_bound(m0[None, :], m0[None, :], np.array([1.0]), far=0.02, cases=nu[None, :],
                       cases_total=np.array([total]))
    assert best - 1e-9 <= got["bound"] <= best + 2e-3
    # all cases in week 0: an alarm in week 1 finds nothing, so the bound is the week-0 test's, for the span
    last = causal_bound(m0[None, :], m0[None, :], np.array([1.0]), far=0.02, cases=np.array([[2.0, 0.0]]))["bound"]
    q = stats.poisson.isf(0.02, 3.0)
    at_q = (0.02 - stats.poisson.sf(q, 3.0)) / stats.poisson.pmf(q, 3.0)      # randomised at the threshold
    power = stats.poisson.sf(q, 5.0) + at_q * stats.poisson.pmf(q, 5.0)
    assert last == pytest.approx((power - np.exp(-2.0) * 0.02) / -np.expm1(-2.0), rel=1e-6)


def test_causal_bounds_on_simulated_drifts_sit_below_the_union_ceiling():
    sim = _drifts(4)
    union = detection_bounds(sim, ["scenario", "replicate"], far=0.01, window=8, draws=4_000)
    out, res = causal_bounds(sim, ["scenario", "replicate"], far=0.01, window=8, step=0.1, search_step=0.4,
                             restarts=1)                 # a coarser grid: a looser bound, still an upper one
    assert len(out) == 8 and (out["weeks"] == 8).all() and len(res["lam"]) == 8
    assert res["bound"] == pytest.approx(out["causal"].mean())
    assert union["known_baseline"].mean() <= res["bound"] < union["bound"].mean()
