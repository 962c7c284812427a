"""Simulated count series with known outbreaks and drifts (the design of Noufaily et al. 2013).

Baselines are negative binomial with mean exp(theta + beta*t + seasonal harmonics) and variance
``phi`` times the mean. An outbreak starting at week t0 adds Poisson(k * sd(t0)) cases, spread
over the following weeks by a discretised log-normal(0, 0.5) delay, as in R ``surveillance``'s
``sts_creation``. A drift multiplies the mean by a factor rising linearly to ``1 + share`` over
``weeks`` periods and staying there. Seeded; the truth comes with every period.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

SCENARIO_COLUMNS = ["theta", "beta", "gamma1", "gamma2", "gamma3", "gamma4", "phi", "k",
                    "drift_share", "drift_weeks"]


def delay_density(dmax: int = 20, sigma: float = 0.5) -> np.ndarray:
    """P(delay = d) for d = 0..dmax-1 weeks after the start (log-normal(0, sigma) in weeks, discretised)."""
    edges = stats.lognorm.cdf(np.arange(dmax + 1), s=sigma, scale=1.0)
    dens = np.diff(edges)
    return dens / dens.sum()


def baseline_mean(scenario: pd.Series, n_periods: int, frequency: int = 52) -> np.ndarray:
    t = np.arange(1, n_periods + 1)
    w = 2 * np.pi * t / frequency
    season = (scenario["gamma1"] * np.cos(w) + scenario["gamma2"] * np.sin(w)
              + scenario["gamma3"] * np.cos(2 * w) + scenario["gamma4"] * np.sin(2 * w))
    return np.exp(scenario["theta"] + scenario["beta"] * t + season)


def grid(levels=(0.0, 1.6, 3.0), trend=(0.0, 0.002), season=(False, True), phi=(1.5, 3.0),
         k=(1, 2, 3, 5)) -> pd.DataFrame:
    """The evaluation grid: baseline level x trend x seasonality x overdispersion x outbreak size."""
    rows = []
    for theta, beta, seas, ph, kk in itertools.product(levels, trend, season, phi, k):
        g = (0.4, 0.5, 0.2, 0.2) if seas else (0.0, 0.0, 0.0, 0.0)
        rows.append(dict(theta=theta, beta=beta, gamma1=g[0], gamma2=g[1], gamma3=g[2], gamma4=g[3],
                         phi=ph, k=kk, drift_share=0.0, drift_weeks=0))
    out = pd.DataFrame(rows)
    out.insert(0, "scenario", np.arange(1, len(out) + 1))
    return out


def simulate(scenarios: pd.DataFrame, replicates: int = 10, years: int = 7, frequency: int = 52,
             outbreaks_last_year: int = 2, seed: int = 2013) -> pd.DataFrame:
    """One series per scenario x replicate; outbreaks (k > 0) and drifts fall in the last year.

    Returns one row per series and period: ``scenario, replicate, period_index, count``,
    ``baseline`` (the in-control mean), ``mean`` (the mean of the counts without outbreak cases:
    the baseline, times the drift where there is one), ``outbreak`` (extra cases this period) and
    ``event`` (0, or the id of the outbreak or drift whose span covers the period: from its start
    to its last extra case, or to the end for drifts).
    """
    rng = np.random.default_rng(seed)
    T = years * frequency
    dens = delay_density()
    frames = []
    for sc in scenarios.itertuples(index=False):
        s = pd.Series(sc._asdict())
        mu = baseline_mean(s, T, frequency)
        for rep in range(replicates):
            level = mu.copy()
            event = np.zeros(T, dtype=int)
            if s.get("drift_share", 0) and s.get("drift_weeks", 0):
                start = T - frequency + int(rng.integers(0, frequency // 4))
                ramp = np.clip((np.arange(T) - start + 1) / s["drift_weeks"], 0, 1)
                level = mu * (1 + s["drift_share"] * ramp)
                event[start:] = 1
            y = negative_binomial(rng, level, s["phi"])
            extra = np.zeros(T, dtype=int)
            if s.get("k", 0) > 0 and outbreaks_last_year > 0:
                slots = np.array_split(np.arange(T - frequency, T - len(dens) // 2), outbreaks_last_year)
                for i, slot in enumerate(slots, start=1):
                    t0 = int(rng.choice(slot))
                    n = rng.poisson(s["k"] * np.sqrt(s["phi"] * mu[t0]))
                    if n == 0:
                        continue
                    delays = rng.choice(len(dens), size=n, p=dens)
                    cases = np.bincount(delays, minlength=len(dens))
                    span = np.arange(t0, min(t0 + len(dens), T))
                    extra[span] += cases[: len(span)]
                    last = t0 + int(np.flatnonzero(cases).max())
                    event[t0: min(last, T - 1) + 1] = i
            frames.append(pd.DataFrame({
                "scenario": sc.scenario, "replicate": rep + 1, "period_index": np.arange(1, T + 1),
                "count": y + extra, "baseline": mu, "mean": level, "outbreak": extra, "event": event,
            }))
    return pd.concat(frames, ignore_index=True)


def negative_binomial(rng: np.random.Generator, mu: np.ndarray, phi: float) -> np.ndarray:
    """Counts with mean ``mu`` and variance ``phi * mu`` (Poisson where ``phi`` <= 1)."""
    if phi <= 1.0:
        return rng.poisson(mu)
    zero = np.asarray(mu) <= 0                     # an area without inhabitants: always 0
    draws = rng.negative_binomial(np.where(zero, 1e-12, mu) / (phi - 1.0), 1.0 / phi)
    return np.where(zero, 0, draws) if zero.any() else draws


def count_distribution(mu: np.ndarray, phi: float):
    """The scipy distribution :func:`negative_binomial` draws from."""
    if phi <= 1.0:
        return stats.poisson(mu)
    return stats.nbinom(mu / (phi - 1.0), 1.0 / phi)
