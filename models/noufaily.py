"""The improved Farrington method (Noufaily et al. 2013), vectorised over every series and period.

Each evaluated period t of each series gets its own quasi-Poisson GLM fitted on that series'
own history before t, exactly as R ``surveillance::farringtonFlexible`` does with the
Noufaily settings; but because every (series, t) shares the same design matrix, all fits run
as one batched iteratively-reweighted least squares, with no Python loop per series.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.special import _ufuncs as scu
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
        self.moments_design_ = _moments_design(self.levels_, self.offsets_.astype(float))
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
        G, t, ref, H = self.levels_, self.offsets_.astype(float), self.reference_level_, self.moments_design_
        n, n_levels = G.shape
        mu0 = np.full(len(y), np.nan)
        phi = np.full(len(y), np.nan)
        ok = np.zeros(len(y), dtype=bool)
        keep = np.zeros(len(y), dtype=bool)
        if self.trend:
            mu0, phi, slope, var_slope, ok = _in_blocks(
                _quasi_poisson, y, G, t, ref, True, self.reweight, self.weights_threshold, self.max_iter,
                r_compatible=self.r_compatible_trend_test, H=H)
            df = n - n_levels - 1
            pval = 2 * special.stdtr(df, -np.abs(slope) / np.sqrt(np.maximum(var_slope, 1e-300)))  # t.sf
            keep = ok & (pval < self.trend_pvalue) & (mu0 <= y.max(axis=1)) & (self.b >= 3)
        redo = ~keep
        if redo.any():
            m2, p2, _, _, ok2 = _in_blocks(
                _quasi_poisson, y[redo], G, t, ref, False, self.reweight, self.weights_threshold, self.max_iter, H=H)
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
    q = 1 - alpha
    if nb.any():
        size = mu[nb] / (phi[nb] - 1)
        prob = 1 / phi[nb]
        upper[nb] = _quantile(lambda k, i: scu._nbinom_cdf(k, size[i], prob[i]), q, *_nb_guess(q, size, prob),
                              lambda i: stats.nbinom.ppf(q, size[i], prob[i]))
        pval[nb] = stats.nbinom.sf(count[nb] - 1, size, prob)
    if (~nb).any():
        lam = mu[~nb]
        z = special.ndtri(q)
        guess = lam + np.sqrt(lam) * (z + (z * z - 1) / (6 * np.sqrt(lam))) - 0.5    # Cornish-Fisher
        upper[~nb] = _quantile(lambda k, i: special.pdtr(k, lam[i]), q, guess, np.isfinite(lam),
                               lambda i: stats.poisson.ppf(q, lam[i]))
        pval[~nb] = stats.poisson.sf(count[~nb] - 1, lam)
    return upper, pval


def _nb_guess(q, size, prob):
    """A Cornish-Fisher guess of the negative-binomial q-quantile, and where the parameters are usable."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = size * (1 - prob) / prob
        z = special.ndtri(q)
        skew = (2 - prob) / np.sqrt(size * (1 - prob))
        guess = mean + np.sqrt(mean / prob) * (z + (z * z - 1) * skew / 6) - 0.5
    return guess, np.isfinite(size) & np.isfinite(prob) & (size > 0) & (prob > 0) & (prob < 1)


def _quantile(cdf, q: float, guess: np.ndarray, valid: np.ndarray, scipy_ppf) -> np.ndarray:
    """The smallest whole k >= 0 with ``cdf(k, rows) >= q``: scipy's ``ppf`` of a discrete law.

    scipy inverts the cdf with a root search per value (about 4 us each); from a close guess, two
    cdf evaluations usually settle it (a bracket widened by doubling, then halved), with the same
    cdf and so the same answer. Values with parameters outside ``valid``, or whose search does not
    settle, get ``scipy_ppf(rows)``.
    """
    k = np.full(len(guess), np.nan)
    rows = np.flatnonzero(valid & np.isfinite(guess)) if 0 < q < 1 else np.array([], dtype=int)
    start = np.maximum(np.floor(guess[rows]), 0.0)
    above = cdf(start, rows) >= q
    # the bracket (lo, hi]: cdf(lo) < q <= cdf(hi), with cdf(-1) = 0
    lo, hi = np.where(above, start - 1, start), np.where(above, start, start + 1)
    width = np.ones(len(rows))
    todo = np.flatnonzero(above & (lo >= 0))
    while todo.size:                                     # widen downwards
        bad = todo[cdf(lo[todo], rows[todo]) >= q]
        hi[bad], width[bad] = lo[bad], 2 * width[bad]
        lo[bad] = np.maximum(lo[bad] - width[bad], -1.0)
        todo = bad[lo[bad] >= 0]
    todo = np.flatnonzero(~above)
    while todo.size:                                     # widen upwards
        bad = todo[~(cdf(hi[todo], rows[todo]) >= q)]
        lo[bad], width[bad] = hi[bad], 2 * width[bad]
        hi[bad] += width[bad]
        todo = bad[width[bad] < 2.0**52]
    todo = np.flatnonzero((hi - lo > 1) & (width < 2.0**52))
    while todo.size:                                     # halve
        mid = np.floor((lo[todo] + hi[todo]) / 2)
        up = cdf(mid, rows[todo]) >= q
        hi[todo[up]], lo[todo[~up]] = mid[up], mid[~up]
        todo = todo[hi[todo] - lo[todo] > 1]
    k[rows] = hi
    rest = np.ones(len(k), dtype=bool)
    rest[rows[width < 2.0**52]] = False
    if rest.any():
        k[rest] = scipy_ppf(np.flatnonzero(rest))
    return k


_MU_FLOOR = np.exp(-20.0)

#: Fits are solved this many rows at a time, so their (rows x baseline periods) arrays stay in a
#: core's cache: a chunk of 20,000 fits over a 5-year baseline makes 38 MB arrays, and every pass
#: over them then runs at memory speed (five times slower on two cores sharing the memory bus).
_FIT_BLOCK = 256


def _in_blocks(fit, y, *args, block=_FIT_BLOCK, **kwargs):
    """``fit(rows, *args, **kwargs)`` on blocks of rows of ``y``, its outputs joined again."""
    parts = [fit(y[lo: lo + block], *args, **kwargs) for lo in range(0, len(y), block)]
    return tuple(np.concatenate(out) for out in zip(*parts))


class _Fit(NamedTuple):
    """A batch of Poisson GLM fits: B rows, L seasonal levels, n baseline periods."""

    level: np.ndarray    # exp(level effect) (B, L)
    slope: np.ndarray    # (B,); 0 without trend
    mu: np.ndarray       # fitted means (B, n)
    sw: np.ndarray       # per level, sum of prior * mu (B, L)
    swt: np.ndarray      # per level, sum of prior * mu * t (B, L); None without trend
    info: np.ndarray     # the slope's Fisher information (B,); inf without trend
    ok: np.ndarray       # converged (B,)


def _moments_design(G: np.ndarray, t: np.ndarray) -> np.ndarray:
    """[G | G t | G t^2]: one product with it sums w, w t and w t^2 within every level."""
    return np.hstack([G, G * t[:, None], G * (t * t)[:, None]])


def _growth(slope: np.ndarray, t: np.ndarray) -> np.ndarray:
    """exp(slope * t) per row, the exponent clipped to +-20 (a no-op unless some |slope * t| > 20)."""
    x = np.multiply.outer(slope, t)
    if slope.size and np.abs(slope).max() * np.abs(t).max() > 20.0:
        np.clip(x, -20.0, 20.0, out=x)
    return np.exp(x, out=x)


def _level_moments(sums: np.ndarray, wy: np.ndarray, L: int):
    """Closed-form levels given the slope, and the slope's information, from ``E @ _moments_design``."""
    A, At, At2 = sums[:, :L], sums[:, L: 2 * L], sums[:, 2 * L:]
    level = np.maximum(wy / A, _MU_FLOOR)
    sw, swt = level * A, level * At
    info = (level * At2).sum(axis=1) - (swt * swt / sw).sum(axis=1)
    return level, sw, swt, info


def _fit(y, G, t, H, prior, with_trend, max_iter=50, tol=1e-9) -> _Fit:
    """Weighted Poisson GLM log(mu) = level + slope * t for every row of ``y``; ``prior=None`` is all ones.

    With one-hot seasonal levels the level effects have a closed form given the slope
    (exp(level) = sum(w y) / sum(w exp(slope t)) within the level), so only the slope needs
    Newton steps on its profile likelihood; without trend the fit is the closed form itself.
    Every quantity a Newton step needs is a per-level sum of w exp(slope t) times 1, t or t^2,
    so a step costs one exponential and one product with ``H`` (``_moments_design``).
    """
    B, n = y.shape
    L = G.shape[1]
    wy = (y if prior is None else prior * y) @ (np.column_stack([G, t]) if with_trend else G)
    if not with_trend:
        level = np.maximum(wy / (G.sum(axis=0) if prior is None else prior @ G), _MU_FLOOR)
        mu = level @ G.T
        return _Fit(level, np.zeros(B), mu, (mu if prior is None else prior * mu) @ G, None,
                    np.full(B, np.inf), np.ones(B, dtype=bool))
    wy, wyt = wy[:, :L], wy[:, L]
    slope = np.zeros(B)
    ok = np.zeros(B, dtype=bool)
    active = np.arange(B)
    for _ in range(max_iter):
        rows = slice(None) if active.size == B else active
        E = _growth(slope[rows], t)
        if prior is not None:
            E *= prior[rows]
        _, _, swt, info = _level_moments(E @ H, wy[rows], L)
        step = (wyt[rows] - swt.sum(axis=1)) / np.maximum(info, 1e-300)
        slope[rows] += step
        done = np.abs(step) < tol
        ok[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    growth = _growth(slope, t)
    level, sw, swt, info = _level_moments((growth if prior is None else prior * growth) @ H, wy, L)
    mu = (level @ G.T) * growth
    return _Fit(level, slope, mu, sw, swt, info, ok)


def _poisson_fit(y, G, t, prior, with_trend, max_iter=50, tol=1e-9):
    """Weighted Poisson GLM log(mu) = level + slope * t, for every row of ``y`` at once (see ``_fit``).

    Returns exp(level) per level (B, L), the slope (B,), fitted means (B, n), the slope's
    unscaled variance (B,) and a convergence flag (B,).
    """
    f = _fit(y, G, t, _moments_design(G, t), prior, with_trend, max_iter, tol)
    return f.level, f.slope, f.mu, 1.0 / np.maximum(f.info, 1e-300), f.ok


def _hat_values(f: _Fit, prior, H, with_trend):
    """Diagonal of the GLM hat matrix for the level(+slope) design, without forming it.

    h = w mu (1 / sw + (t - tbar)^2 / info) within each level; expanded in powers of t, the
    bracket is one product of per-level coefficients with ``H``.
    """
    W = f.mu if prior is None else prior * f.mu
    inv_sw = 1.0 / f.sw
    if not with_trend:
        L = inv_sw.shape[1]
        return W * (inv_sw @ H[:, :L].T)
    inv_info = 1.0 / np.maximum(f.info, 1e-300)[:, None]
    tbar = f.swt / f.sw
    coef = np.hstack([inv_sw + tbar * tbar * inv_info, -2.0 * tbar * inv_info,
                      np.broadcast_to(inv_info, tbar.shape)])
    return W * (coef @ H.T)


def _quasi_poisson(y, G, t, ref, with_trend, reweight, threshold, max_iter, r_compatible=False, H=None):
    """Quasi-Poisson fit with Anscombe-residual reweighting (farringtonFlexible's glm step).

    Returns the prediction at offset 0 for the reference level, the dispersion (>= 1), the
    slope, its variance (dispersion-scaled) and a convergence flag.
    """
    B, n = y.shape
    p = G.shape[1] + (1 if with_trend else 0)
    H = _moments_design(G, t) if H is None else H
    prior = None
    f = _fit(y, G, t, H, prior, with_trend, max_iter)
    ok = f.ok
    phi = _pearson(y, f.mu, prior, n, p)
    if reweight:
        h = _hat_values(f, prior, H, with_trend)
        # only counts above their fit can have an Anscombe residual above a positive threshold
        cells = np.flatnonzero(y > f.mu) if threshold > 0 else np.arange(y.size)
        yc, mc, hc = y.ravel()[cells], f.mu.ravel()[cells], h.ravel()[cells]
        s = 1.5 * (np.power(yc, 2 / 3) * np.power(mc, -1 / 6) - np.sqrt(mc))
        s = s / np.sqrt(np.maximum(phi, 1.0)[cells // n] * np.clip(1 - hc, 1e-8, None))
        omega = np.ones(y.size)
        omega[cells] = np.where(s > threshold, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
        omega = omega.reshape(B, n)
        prior = omega * (n / omega.sum(axis=1, keepdims=True))
        f = _fit(y, G, t, H, prior, with_trend, max_iter)
        ok = ok & f.ok
        phi = _pearson(y, f.mu, prior, n, p)
    # the trend's t-test uses the estimated dispersion as glm's summary does; thresholds use max(phi, 1)
    phi_test = phi
    if reweight and r_compatible:
        phi_test = (prior * (y - f.mu) ** 2 / f.mu**2).sum(axis=1) / max(n - p, 1)
    var_u = 1.0 / np.maximum(f.info, 1e-300)
    return f.level[:, ref], np.maximum(phi, 1.0), f.slope, phi_test * var_u, ok


def _pearson(y, mu, prior, n, p):
    """Quasi-Poisson dispersion: weighted Pearson chi-square over residual degrees of freedom."""
    r = y - mu
    np.square(r, out=r)
    if prior is not None:
        r *= prior
    r /= mu
    return r.sum(axis=1) / max(n - p, 1)
