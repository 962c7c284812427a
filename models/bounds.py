"""How well could any detector do? Upper bounds on the probability of detecting a simulated event.

A detector that raises a false alarm in at most ``far`` of quiet periods raises one somewhere in
a window of ``w`` periods with probability at most ``w * far`` (union bound). "Any alarm in the
window" is then a test of "no event" against "this event" at level ``w * far``, and by the
Neyman-Pearson lemma no test at that level is more powerful than the likelihood-ratio test that
knows the true in-control distribution and the event's exact extra cases. Its power, per event,
bounds the probability of detection of every detector with that false-alarm rate, whatever it
knows. Alongside it: the realisable ``known_baseline`` detector, a single-period negative-binomial
threshold on the *true* in-control mean at level ``far`` (what a perfect baseline fit would give).

Counts are independent negative binomials with variance ``phi`` times the mean, as in
:mod:`models.simulate`; outbreak cases add to them, drifts change their mean.

Between the two sits the detector that knows everything but *when*: :func:`outbreak_evidence` and
:func:`drift_evidence` give, per series and period, the likelihood ratio of "an event of exactly the
simulated kind started in one of the last ``horizon`` periods (each equally likely)" against "no
event", on a given baseline (the Shiryaev-Roberts statistic of change-point detection, with the
simulation's own event shapes). Thresholded, it is the Bayes rule for the current period.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from models.simulate import count_distribution, delay_density

POISSON_BELOW = 1.0 + 1e-6     # a dispersion this close to 1 is taken as Poisson


def _logpmf(y: np.ndarray, mean: np.ndarray, phi: float) -> np.ndarray:
    out = np.full(y.shape, -np.inf)
    ok = y >= 0
    out[ok] = count_distribution(np.broadcast_to(mean, y.shape)[ok], phi).logpmf(y[ok])
    return out


def event_bound(m0: np.ndarray, m1: np.ndarray, extra: np.ndarray, phi: float, far: float = 0.01,
                draws: int = 10_000, rng: np.random.Generator | None = None) -> dict:
    """Bounds for one event window.

    Parameters
    ----------
    m0 : in-control mean per period of the window.
    m1 : mean of the counts (without extra cases) under the event; equals ``m0`` for outbreaks.
    extra : the event's extra cases per period (zeros for drifts).
    phi : variance / mean of the counts (<= 1: Poisson).
    far : the detector's false-alarm rate per quiet period.

    Returns ``level`` (``len(window) * far``, capped at 1), ``bound`` (power of the most powerful
    test at that level, by Monte Carlo with ``draws`` draws under each hypothesis) and
    ``known_baseline`` (exact probability that a single-period threshold at level ``far`` on the
    true in-control distribution alarms somewhere in the window).
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    m0, m1, extra = (np.asarray(a, dtype=float) for a in (m0, m1, extra))
    w = len(m0)
    level = min(1.0, w * far)
    d0, d1 = count_distribution(m0, phi), count_distribution(m1, phi)
    # single-period threshold: alarm when count > q, q the smallest with P0(Y > q) <= far
    q = d0.isf(far)
    known = 1.0 - float(np.prod(d1.cdf(q - extra)))
    if level >= 1.0:
        return {"level": level, "bound": 1.0, "known_baseline": known}

    def log_lr(y):
        return (_logpmf(y - extra, m1, phi) - _logpmf(y, m0, phi)).sum(axis=1)

    y0 = d0.rvs(size=(draws, w), random_state=rng)
    y1 = d1.rvs(size=(draws, w), random_state=rng) + extra.astype(int)
    l0, l1 = log_lr(y0), log_lr(y1)
    c = np.sort(l0)[int(np.ceil((1.0 - level) * draws)) - 1]
    tol = 1e-9 * max(1.0, abs(c)) if np.isfinite(c) else 0.0
    with np.errstate(invalid="ignore"):                   # -inf minus -inf: a tie, caught by ==
        tie0 = (l0 == c) | (np.abs(l0 - c) <= tol)
        tie1 = (l1 == c) | (np.abs(l1 - c) <= tol)
    above0, above1 = (l0 > c) & ~tie0, (l1 > c) & ~tie1
    gamma = np.clip((level - above0.mean()) / tie0.mean(), 0.0, 1.0) if tie0.any() else 0.0
    bound = float(above1.mean() + gamma * tie1.mean())   # randomised at ties, as the lemma allows
    return {"level": level, "bound": bound, "known_baseline": known}


def detection_bounds(sim: pd.DataFrame, keys: list[str], far: float = 0.01, window: int | None = None,
                     draws: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """Per simulated event: its start, window length and the two bounds of :func:`event_bound`.

    ``sim`` is :func:`models.simulate.simulate` output with a ``phi`` column added. The window is
    the event's span (outbreaks: start to last extra case), or its first ``window`` periods when
    given (drifts: "detected within 8 weeks" is ``window=8``).
    """
    rng = np.random.default_rng(seed)
    rows = []
    ev = sim[sim["event"] > 0].sort_values([*keys, "event", "period_index"])
    for key, part in ev.groupby([*keys, "event"], sort=False):
        part = part.iloc[:window] if window else part
        res = event_bound(part["baseline"].to_numpy(), part["mean"].to_numpy(), part["outbreak"].to_numpy(),
                          float(part["phi"].iloc[0]), far, draws, rng)
        rows.append({**dict(zip([*keys, "event"], key)), "start": int(part["period_index"].iloc[0]),
                     "weeks": len(part), **res})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the detector that knows all but when

def count_logpmf(y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """log P(Y = y) for counts with mean ``mu`` and variance ``phi * mu`` (per cell; Poisson where phi ~ 1)."""
    y, mu, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, phi)))
    out = np.full(y.shape, -np.inf)                # a negative count is impossible
    pois = (phi < POISSON_BELOW) & (y >= 0)
    out[pois] = stats.poisson.logpmf(y[pois], mu[pois])
    nb = (phi >= POISSON_BELOW) & (y >= 0)
    size = mu[nb] / (phi[nb] - 1.0)
    out[nb] = (special.gammaln(y[nb] + size) - special.gammaln(size) - special.gammaln(y[nb] + 1.0)
               - size * np.log(phi[nb]) + y[nb] * np.log1p(-1.0 / phi[nb]))
    return out


def _mixture_over_starts(step, shape: tuple[int, int], horizon: int) -> np.ndarray:
    """log of (1 / horizon) x the sum over starts s in (t - horizon, t] of LR_s(t) x w_s(t), per (series, period t).

    ``step(j)`` gives two (series x period) arrays for a period read ``j`` periods after a start, indexed by
    that period: the log likelihood ratio it adds to LR_s, and log w_s(t), the chance given the data that the
    event still counts at that period (0 for always). Starts before the first column are not counted.
    """
    S, T = shape
    cum = np.zeros((S, T))                      # log LR of the periods since each start (column = start)
    out = np.full((S, T), -np.inf)
    for j in range(min(horizon, T)):
        r, log_w = step(j)
        cum[:, : T - j] += r[:, j:]
        cum[:, T - j:] = -np.inf
        out[:, j:] = np.logaddexp(out[:, j:], cum[:, : T - j] + log_w[:, j:])
    return out - np.log(horizon)


def _usable(y, mu, phi):
    """Counts, baseline and dispersion with the cells lacking any of them marked (and filled harmlessly)."""
    y, mu, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, phi)))
    ok = np.isfinite(y) & np.isfinite(mu) & np.isfinite(phi)
    return ok, np.where(ok, y, 0.0), np.where(ok, mu, 1.0), np.where(ok, phi, 1.0)


def outbreak_evidence(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, k, horizon: int = 20) -> np.ndarray:
    """log of the Bayes statistic for "an outbreak of size ``k`` is under way now" (series x period).

    The outbreak is :func:`models.simulate.simulate`'s: Poisson(k * sd) cases, sd = sqrt(phi * mu) at its
    start, each delayed by :func:`models.simulate.delay_density`; so the cases ``j`` periods after the start
    are Poisson(k * sd * p_j), independent of each other, added to the baseline's count. It is under way from
    its start to its last case (the span in which an alarm detects it). Per period t: the average over starts
    s in the last ``horizon`` periods of LR_s(t) x P(t in the span | start s, counts up to t), where LR_s is
    the likelihood ratio of the counts since s. Thresholded, it alarms where an outbreak under way is likeliest
    against the baseline. ``k`` is a number or one per series. A period without a baseline adds no evidence
    to the periods after it, and gets none itself (-inf).
    """
    ok, y, mu, phi = _usable(y, mu, phi)
    yi = y.astype(int)
    sd = np.broadcast_to(np.asarray(k, dtype=float).reshape(-1, 1), y.shape) * np.sqrt(phi * mu)
    dens = delay_density()
    later = np.append(dens[::-1].cumsum()[::-1], 0.0)    # later[j]: P(a case's delay >= j)
    xs = np.arange(int(yi.max()) + 1)
    log_x_factorial = special.gammaln(xs + 1.0)
    # log P0(y - x) for every x <= y: the baseline's part of the count when x of it are outbreak cases
    base = count_logpmf(yi[..., None] - xs, mu[..., None], phi[..., None])
    here = count_logpmf(y, mu, phi)
    T = y.shape[1]

    def step(j: int):
        size = np.zeros(y.shape)                 # k * sd of an outbreak that started j periods before each cell
        size[:, j:] = sd[:, : T - j]
        nu = size * (dens[j] if j < len(dens) else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nu = np.log(nu)[..., None]
            cases = np.where(xs == 0, 0.0, xs * log_nu) - nu[..., None] - log_x_factorial   # log Poisson(x; nu)
            with_cases = special.logsumexp(cases + base, axis=-1)
        r = np.where(ok, with_cases - here, 0.0)
        # out of the span: no case now (its posterior given this count) and none still to come
        none_now = -nu + here - with_cases
        none_later = -size * later[min(j + 1, len(dens))]
        log_w = np.log(-np.expm1(np.minimum(none_now + none_later, 0.0)))
        return r, np.where(ok, log_w, -np.inf)

    with np.errstate(divide="ignore"):
        return _mixture_over_starts(step, y.shape, horizon)


def drift_evidence(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, share: float = 0.5, weeks: int = 12,
                   horizon: int = 8) -> np.ndarray:
    """log of the Bayes statistic for "a drift started in the last ``horizon`` periods" (series x period).

    The drift is :func:`models.simulate.simulate`'s: the mean times 1 + share x min(1, (j + 1) / weeks), ``j``
    periods after its start. The average over starts of the likelihood ratio of the counts since the start;
    a period without a baseline as in :func:`outbreak_evidence`.
    """
    ok, y, mu, phi = _usable(y, mu, phi)
    here = count_logpmf(y, mu, phi)
    always = np.where(ok, 0.0, -np.inf)

    def step(j: int):
        up = 1.0 + share * min(1.0, (j + 1) / weeks)
        return np.where(ok, count_logpmf(y, mu * up, phi) - here, 0.0), always

    return _mixture_over_starts(step, y.shape, horizon)
