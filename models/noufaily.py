"""The improved Farrington method (Noufaily et al. 2013), vectorised over every series and period.

Each evaluated period t of each series gets its own quasi-Poisson GLM fitted on that series'
own history before t, exactly as R ``surveillance::farringtonFlexible`` does with the
Noufaily settings; but because every (series, t) shares the same design matrix, all fits run
as one batched iteratively-reweighted least squares, with no Python loop per series.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from models.base import Detector
from models.panel import Matrix, evaluable

#: Defaults for monthly series: a 10-level season does not fit in 3 x 12 months of history.
MONTHLY_SETTINGS = {"frequency": 12, "w": 1, "no_periods": 4, "past_periods_excluded": 6}


def seasonal_blocks(frequency: int, b: int, w: int, no_periods: int) -> np.ndarray:
    """Season level of each offset -(b*frequency + w) .. 0 relative to the evaluated period.

    Level ``no_periods`` marks the windows of +-w periods around the same period in earlier
    years (and the current window); the stretch between two windows is cut into
    ``no_periods - 1`` blocks of near-equal length, the first blocks taking the remainder
    (the ``blocks`` construction of farringtonFlexible).
    """
    span = b * frequency + w
    levels = np.zeros(span + 1, dtype=int)  # position i <-> offset i - span
    gap = frequency - 2 * w - 1
    if no_periods > 1 and gap < no_periods - 1:
        raise ValueError(
            f"no_periods={no_periods} is too many for frequency={frequency} and w={w}: "
            f"only {gap} periods lie between two reference windows"
        )
    for year in range(b + 1):
        ref = span - year * frequency
        levels[max(ref - w, 0): min(ref + w, span) + 1] = no_periods
        if year == 0 or no_periods == 1:
            continue
        sizes = np.full(no_periods - 1, gap // (no_periods - 1))
        sizes[: gap % (no_periods - 1)] += 1
        start = ref + w + 1
        for level, size in enumerate(sizes, start=1):
            levels[start: start + size] = level
            start += size
    return levels


class NoufailyDetector(Detector):
    """Prospective outbreak detection with the improved Farrington method.

    Parameters (defaults are the Noufaily et al. 2013 settings for weekly data, b=3 years):
    frequency : periods per year (52 weekly, 12 monthly; see ``MONTHLY_SETTINGS``).
    b : years of history used as baseline.
    w : half-width of the window around the same period in earlier years.
    no_periods : levels of the seasonal factor (1 = windows only, original Farrington).
    past_periods_excluded : most recent periods left out of the baseline, so an emerging
        rise does not raise its own threshold.
    alpha : one-sided level of the upper bound (negative-binomial quantile, "nbPlugin").
    reweight, weights_threshold : down-weight past outbreaks whose Anscombe residual exceeds
        the threshold (weight s^-2).
    trend, trend_pvalue : keep a linear trend only when significant and when it does not
        predict above the largest baseline count.
    min_cases, min_cases_window : no alarm unless at least ``min_cases`` counts fell in the
        last ``min_cases_window`` periods (farringtonFlexible's ``limit54``).
    r_compatible_trend_test : reproduce R surveillance's trend test exactly. After reweighting,
        farringtonFlexible stores the outbreak weights in the glm's working-weight slot, so
        ``summary.glm`` estimates the dispersion as sum(w (y - mu)^2 / mu^2) / df instead of the
        Pearson statistic. Off by default (the Pearson statistic is the textbook test); on for
        like-for-like comparisons with R.
    chunk_size : (series, period) fits solved together; bounds peak memory.
    n_jobs : threads working on chunks at once (-1: one per core).

    Assumptions: counts are whole numbers >= 0 on a gap-free period grid; a period is evaluated
    only when the series has ``b * frequency + w`` earlier periods.

    Output columns: the panel contract (``models.panel.RESULT_COLUMNS``), method ``noufaily``.

    References: Farrington et al. (1996) JRSS A 159:547-563; Noufaily et al. (2013) Stat Med
    32:1206-1222; Salmon, Schumacher & Hoehle (2016) J Stat Softw 70(10).
    """

    method = "noufaily"

    def __init__(
        self,
        frequency: int = 52,
        b: int = 3,
        w: int = 3,
        no_periods: int = 10,
        past_periods_excluded: int = 26,
        alpha: float = 0.005,
        reweight: bool = True,
        weights_threshold: float = 2.58,
        trend: bool = True,
        trend_pvalue: float = 0.05,
        min_cases: int = 5,
        min_cases_window: int = 4,
        r_compatible_trend_test: bool = False,
        max_iter: int = 50,
        chunk_size: int = 20_000,
        n_jobs: int = -1,
    ):
        self.frequency = frequency
        self.b = b
        self.w = w
        self.no_periods = no_periods
        self.past_periods_excluded = past_periods_excluded
        self.alpha = alpha
        self.reweight = reweight
        self.weights_threshold = weights_threshold
        self.trend = trend
        self.trend_pvalue = trend_pvalue
        self.min_cases = min_cases
        self.min_cases_window = min_cases_window
        self.r_compatible_trend_test = r_compatible_trend_test
        self.max_iter = max_iter
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ public API
    @property
    def history_needed(self) -> int:
        """Periods of history a series needs before its first evaluated period."""
        return self.b * self.frequency + self.w

    def fit(self, panel: pd.DataFrame | None = None, y=None):
        """Check the settings and build the shared design; the method has no global state."""
        if self.past_periods_excluded >= self.history_needed:
            raise ValueError("past_periods_excluded leaves no baseline; lower it or raise b")
        levels = seasonal_blocks(self.frequency, self.b, self.w, self.no_periods)
        offsets = np.arange(-self.history_needed, 1)
        used = offsets < -self.past_periods_excluded
        self.offsets_ = offsets[used]
        present = np.unique(levels[used])
        # one column per seasonal level; the current window's level predicts the evaluated period
        self.levels_ = (levels[used][:, None] == present[None, :]).astype(float)
        self.reference_level_ = int(np.flatnonzero(present == self.no_periods)[0])
        return self

    def score_matrix(self, m: Matrix, eval_start: int | None = None, cells: np.ndarray | None = None):
        """Score a (series x period) matrix; returns result matrices and the evaluated mask.

        ``cells`` optionally limits the evaluation to a boolean (series x period) mask.
        """
        if not hasattr(self, "levels_"):
            self.fit()
        y = m.counts
        S, T = y.shape
        window_ok = evaluable(m, self.history_needed, eval_start)
        if cells is not None:
            window_ok &= cells
        s_idx, t_idx = np.nonzero(window_ok)

        out = {k: np.full((S, T), np.nan) for k in ("expected", "upper", "score", "pvalue", "phi")}
        out["alarm"] = np.zeros((S, T), dtype=bool)
        out["method"] = np.full((S, T), self.method, dtype=object)
        out["reason"] = np.full((S, T), "", dtype=object)
        out["count"] = y                     # already NaN outside each series; not copied (memory)

        chunks = [(s_idx[lo: lo + self.chunk_size], t_idx[lo: lo + self.chunk_size])
                  for lo in range(0, len(s_idx), self.chunk_size)]
        n_jobs = min(self.n_jobs if self.n_jobs > 0 else (os.cpu_count() or 1), max(len(chunks), 1))
        if n_jobs > 1:
            # numpy releases the GIL; one BLAS thread per worker avoids oversubscribing the cores
            with threadpool_limits(limits=1), ThreadPoolExecutor(n_jobs) as pool:
                results = list(pool.map(lambda c: self._score_chunk(y, *c), chunks))
        else:
            results = [self._score_chunk(y, *c) for c in chunks]
        for (si, ti), res in zip(chunks, results):
            for name, values in res.items():
                out[name][si, ti] = values
        return out, window_ok

    # ------------------------------------------------------------------ internals
    def _score_chunk(self, y: np.ndarray, si: np.ndarray, ti: np.ndarray) -> dict[str, np.ndarray]:
        base = y[si[:, None], ti[:, None] + self.offsets_[None, :]]
        mu0, phi, ok = self._fit_predict(base)
        cur = y[si, ti]
        upper, pval = nb_upper_and_pvalue(mu0, phi, cur, self.alpha)
        recent = y[si[:, None], ti[:, None] - np.arange(self.min_cases_window)[None, :]].sum(axis=1)
        enough = recent >= self.min_cases
        above = (cur > upper) & (cur > 0) & ok
        reason = np.full(len(si), "", dtype=object)
        reason[above & ~enough] = (
            f"above the bound but fewer than {self.min_cases} counts in the last "
            f"{self.min_cases_window} periods"
        )
        reason[~ok] = "baseline GLM did not converge"
        return {
            "phi": np.where(ok, phi, np.nan),
            "expected": np.where(ok, mu0, np.nan),
            "upper": np.where(ok, upper, np.nan),
            "pvalue": np.where(ok, pval, np.nan),
            "score": np.where(ok, (cur - mu0) / np.maximum(upper - mu0, 0.5), np.nan),
            "alarm": above & enough,
            "reason": reason,
        }

    def _fit_predict(self, y: np.ndarray):
        """Fit the trend model, drop the trend where it is not warranted, predict at offset 0."""
        G, t, ref = self.levels_, self.offsets_.astype(float), self.reference_level_
        n, n_levels = G.shape
        mu0 = np.full(len(y), np.nan)
        phi = np.full(len(y), np.nan)
        ok = np.zeros(len(y), dtype=bool)
        keep = np.zeros(len(y), dtype=bool)
        if self.trend:
            mu0, phi, slope, var_slope, ok = _quasi_poisson(
                y, G, t, ref, True, self.reweight, self.weights_threshold, self.max_iter,
                r_compatible=self.r_compatible_trend_test)
            df = n - n_levels - 1
            pval = 2 * stats.t.sf(np.abs(slope) / np.sqrt(np.maximum(var_slope, 1e-300)), df=df)
            keep = ok & (pval < self.trend_pvalue) & (mu0 <= y.max(axis=1)) & (self.b >= 3)
        redo = ~keep
        if redo.any():
            m2, p2, _, _, ok2 = _quasi_poisson(
                y[redo], G, t, ref, False, self.reweight, self.weights_threshold, self.max_iter)
            mu0[redo], phi[redo], ok[redo] = m2, p2, ok2
        return mu0, phi, ok


def nb_upper_and_pvalue(mu: np.ndarray, phi: np.ndarray, count: np.ndarray, alpha: float):
    """Negative-binomial (quasi-Poisson variance phi*mu) upper quantile and P(X >= count).

    Where phi == 1 the Poisson distribution is used (the "nbPlugin" threshold of Noufaily).
    """
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    phi = np.asarray(phi, dtype=float)
    count = np.asarray(count, dtype=float)
    nb = phi > 1 + 1e-9
    upper = np.empty_like(mu)
    pval = np.empty_like(mu)
    if nb.any():
        size = mu[nb] / (phi[nb] - 1)
        prob = 1 / phi[nb]
        upper[nb] = stats.nbinom.ppf(1 - alpha, size, prob)
        pval[nb] = stats.nbinom.sf(count[nb] - 1, size, prob)
    if (~nb).any():
        upper[~nb] = stats.poisson.ppf(1 - alpha, mu[~nb])
        pval[~nb] = stats.poisson.sf(count[~nb] - 1, mu[~nb])
    return upper, pval


_MU_FLOOR = np.exp(-20.0)


def _poisson_fit(y, G, t, prior, with_trend, max_iter=50, tol=1e-9):
    """Weighted Poisson GLM log(mu) = level + slope * t, for every row of ``y`` at once.

    With one-hot seasonal levels the level effects have a closed form given the slope
    (exp(level) = sum(w y) / sum(w exp(slope t)) within the level), so only the slope needs
    Newton steps on its profile likelihood; without trend the fit is the closed form itself.
    Returns exp(level) per level (B, L), the slope (B,), fitted means (B, n), the slope's
    unscaled variance (B,) and a convergence flag (B,).
    """
    B, n = y.shape
    wy = (prior * y) @ G
    slope = np.zeros(B)
    info = np.full(B, np.inf)
    ok = np.ones(B, dtype=bool)
    if not with_trend:
        level = np.maximum(wy / (prior @ G), _MU_FLOOR)
        return level, slope, level @ G.T, info, ok
    t2 = t * t
    active = np.arange(B)
    ok[:] = False
    level = np.empty_like(wy)
    for _ in range(max_iter):
        pa, ya, wya = prior[active], y[active], wy[active]
        growth = np.exp(np.clip(slope[active, None] * t[None, :], -20.0, 20.0))
        lev = np.maximum(wya / ((pa * growth) @ G), _MU_FLOOR)
        mu = (lev @ G.T) * growth
        W = pa * mu
        sw, swt = W @ G, (W * t) @ G
        inf_a = W @ t2 - (swt * swt / sw).sum(axis=1)
        score = (pa * (ya - mu)) @ t
        step = score / np.maximum(inf_a, 1e-300)
        slope[active] += step
        level[active], info[active] = lev, inf_a
        done = np.abs(step) < tol
        ok[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    growth = np.exp(np.clip(slope[:, None] * t[None, :], -20.0, 20.0))
    level = np.maximum(wy / ((prior * growth) @ G), _MU_FLOOR)
    mu = (level @ G.T) * growth
    W = prior * mu
    sw, swt = W @ G, (W * t) @ G
    info = W @ t2 - (swt * swt / sw).sum(axis=1)
    return level, slope, mu, 1.0 / np.maximum(info, 1e-300), ok


def _hat_values(prior, mu, G, t, with_trend):
    """Diagonal of the GLM hat matrix for the level(+slope) design, without forming it."""
    W = prior * mu
    sw = W @ G
    h = W * ((1.0 / sw) @ G.T)
    if with_trend:
        swt = (W * t) @ G
        tbar = (swt / sw) @ G.T
        info = W @ (t * t) - (swt * swt / sw).sum(axis=1)
        h += W * (t[None, :] - tbar) ** 2 / np.maximum(info, 1e-300)[:, None]
    return h


def _quasi_poisson(y, G, t, ref, with_trend, reweight, threshold, max_iter, r_compatible=False):
    """Quasi-Poisson fit with Anscombe-residual reweighting (farringtonFlexible's glm step).

    Returns the prediction at offset 0 for the reference level, the dispersion (>= 1), the
    slope, its variance (dispersion-scaled) and a convergence flag.
    """
    B, n = y.shape
    p = G.shape[1] + (1 if with_trend else 0)
    prior = np.ones_like(y)
    level, slope, mu, var_u, ok = _poisson_fit(y, G, t, prior, with_trend, max_iter)
    phi = _pearson(y, mu, prior, n, p)
    if reweight:
        h = _hat_values(prior, mu, G, t, with_trend)
        s = 1.5 * (np.power(y, 2 / 3) * np.power(mu, -1 / 6) - np.sqrt(mu))
        s = s / np.sqrt(np.maximum(phi, 1.0)[:, None] * np.clip(1 - h, 1e-8, None))
        omega = np.where(s > threshold, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
        prior = omega * (n / omega.sum(axis=1, keepdims=True))
        level, slope, mu, var_u, ok2 = _poisson_fit(y, G, t, prior, with_trend, max_iter)
        ok = ok & ok2
        phi = _pearson(y, mu, prior, n, p)
    # the trend's t-test uses the estimated dispersion as glm's summary does; thresholds use max(phi, 1)
    phi_test = phi
    if reweight and r_compatible:
        phi_test = (prior * (y - mu) ** 2 / mu**2).sum(axis=1) / max(n - p, 1)
    return level[:, ref], np.maximum(phi, 1.0), slope, phi_test * var_u, ok


def _pearson(y, mu, prior, n, p):
    """Quasi-Poisson dispersion: weighted Pearson chi-square over residual degrees of freedom."""
    return (prior * (y - mu) ** 2 / mu).sum(axis=1) / max(n - p, 1)
