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
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.simulate import count_distribution


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
