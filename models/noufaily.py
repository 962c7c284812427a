"""The improved Farrington method (Noufaily et al. 2013), vectorised over every series and period.

Each evaluated period t of each series gets its own quasi-Poisson GLM fitted on that series'
own history before t, exactly as R ``surveillance::farringtonFlexible`` does with the
Noufaily settings. Every (series, t) shares the same seasonal design, so the fits need no
Python loop: they run in a compiled loop (``models.glm_kernel``, numba) where a Newton step
costs a few operations per seasonal level, on threads that share the cells.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.special import _ufuncs as scu

from models.base import Detector
from models.glm_kernel import Design, baseline_cells, fit_row, workspace
from models.glm_kernel import _fitted as fitted_means
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
    trend, trend_pvalue : keep a linear trend only when significant and (with ``cap_trend``) when it
        does not predict above the largest baseline count.
    cap_trend : drop a significant trend that predicts above every baseline count (``True``: Farrington
        et al. 1996, R's farringtonFlexible), above ``cap_trend`` times the largest baseline count (a
        number), or never (``False``). On a series that grows steadily (+23 % a year) the prediction is
        above the earlier years' counts by nature, so R's rule drops the trend and the baseline falls to
        the mean of the years b: a third too low, false alarms week after week. Without any rule a
        trend fitted to a series that rose from nothing extrapolates without limit (hundreds of counts
        a week on a series of 5). ``auto`` uses a cap of 1.5 (``AutoDetector.trend_cap``).
    recent_ratio : (above, below): where the prediction is more than ``above`` times the level of the last half
        year of the baseline, or below it by more than a factor ``below`` (beyond ``RECENT_Z`` quasi-Poisson
        standard errors of its counts), that level is the prediction instead, with their dispersion around it
        (``None``: never, as R). A trend fitted across a step in level (5 a week, then 15) extrapolates the step
        forward (25 to 31 a week two years on), and a fit without trend mixes the old level in; a steady trend
        of +23 % a year stays within 1.17. ``auto`` uses (1.25, 1.05) (``models.glm_kernel.recent_level``).
    recent_fit_phi_floor : where ``recent_ratio`` moves the prediction to the level of the last half year, keep at
        least the fit's dispersion (the half year's own dispersion is that of only 6 periods on a monthly series:
        bounds too narrow by chance gave 2.9 % false alarms after a step x3 in the worst group).
    excluded_z : a significant trend is kept only where it also predicts the ``past_periods_excluded`` periods:
        where they (those delivered) hold fewer counts than the trend fit predicts for them by more than
        ``excluded_z`` quasi-Poisson standard errors, the fit without trend is used
        (``models.glm_kernel.fails_excluded``). A rise of most of a year in the last of three monthly baseline years
        tilts the trend, which then predicts the rise a year after it ended. Only the trend is judged: months read
        low for another reason (an outage, a lower bound of 0) never take the baseline below the fit without trend,
        and counts above the trend (a rise under way) never move it. ``None``: never, as R.
    min_cases, min_cases_window : no alarm unless at least ``min_cases`` counts fell in the
        last ``min_cases_window`` periods (farringtonFlexible's ``limit54``).
    r_compatible_trend_test : reproduce R surveillance's trend test exactly. After reweighting,
        farringtonFlexible stores the outbreak weights in the glm's working-weight slot, so
        ``summary.glm`` estimates the dispersion as sum(w (y - mu)^2 / mu^2) / df instead of the
        Pearson statistic. Off by default (the Pearson statistic is the textbook test); on for
        like-for-like comparisons with R.
    chunk_size : (series, period) fits handed to a thread at once.
    n_jobs : threads working on chunks at once (-1: one per core).

    Assumptions: counts are whole numbers >= 0 on a period grid; a period is evaluated only when it is
    observed, the series has ``b * frequency + w`` earlier periods, and at least half of each seasonal level's
    baseline periods were delivered. Periods never delivered (NaN inside a series) are left out of the fit, its
    dispersion and degrees of freedom, as R's ``glm`` leaves out NA (so a window holds fewer reference values).

    Output columns: the panel contract (``models.panel.RESULT_COLUMNS``), method ``noufaily``.

    References: Farrington et al. (1996) JRSS A 159:547-563; Noufaily et al. (2013) Stat Med
    32:1206-1222; Salmon, Schumacher & Hoehle (2016) J Stat Softw 70(10).
    """

    method = "noufaily"
    #: standard errors beyond the ``recent_ratio`` band before the last half year's level replaces a prediction above
    #: it (which lowers the baseline: a false alarm where the trend was real) and one below it (which raises it)
    RECENT_Z = (3.0, 1.5)
    #: standard errors by which the last 1 to 4 half years of the baseline must fall short of the fit's own means of
    #: them before their level replaces a prediction above it (the downward rule that sparse series reach too)
    RECENT_FIT_Z = 3.0

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
        cap_trend: bool | float = True,
        recent_ratio: tuple[float, float] | None = None,
        excluded_z: float | None = None,
        recent_fit_phi_floor: bool = False,
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
        self.cap_trend = cap_trend
        self.recent_ratio = recent_ratio
        self.excluded_z = excluded_z
        self.recent_fit_phi_floor = recent_fit_phi_floor
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
        # one seasonal level per baseline period; the current window's level predicts the evaluated period
        self.level_of_ = np.searchsorted(present, levels[used]).astype(np.int64)
        self.levels_ = (levels[used][:, None] == present[None, :]).astype(float)
        self.reference_level_ = int(np.flatnonzero(present == self.no_periods)[0])
        self.design_ = Design(self.offsets_, self.level_of_, len(present))
        # the seasonal level of each excluded period -ppe .. -1 (-1: a level the fit does not have)
        excluded = levels[(offsets < 0) & ~used]
        at = np.searchsorted(present, excluded)
        known = (at < len(present)) & (present[np.minimum(at, len(present) - 1)] == excluded)
        self.excluded_level_ = (np.where(known, at, -1).astype(np.int64) if self.excluded_z is not None
                                else np.empty(0, dtype=np.int64))
        # the trend is kept when its two-sided t-test has p < trend_pvalue, i.e. |t| above this
        self.keep_t_ = float(-special.stdtrit(len(self.offsets_) - len(present) - 1, self.trend_pvalue / 2))
        return self

    def score_matrix(self, m: Matrix, eval_start: int | None = None, cells: np.ndarray | None = None,
                     bounds: bool = True):
        """Score a (series x period) matrix; returns result matrices and the evaluated mask.

        ``cells`` optionally limits the evaluation to a boolean (series x period) mask; ``bounds=False``
        fills only ``expected``, ``phi`` and the convergence reason (for a companion that sets its own
        bound and p-value, such as the scan of ``auto``).
        """
        if not hasattr(self, "levels_"):
            self.fit()
        y = m.counts
        S, T = y.shape
        window_ok = evaluable(m, self.history_needed, eval_start)
        if cells is not None:
            window_ok &= cells
        s_idx, t_idx = np.nonzero(window_ok)

        out = {k: np.full((S, T), np.nan) for k in ("expected", "phi", *(("upper", "score", "pvalue") if bounds else ()))}
        out["reason"] = np.full((S, T), "", dtype=object)
        if bounds:
            out["alarm"] = np.zeros((S, T), dtype=bool)
            out["method"] = np.full((S, T), self.method, dtype=object)
        out["count"] = y                     # already NaN outside each series; not copied (memory)

        chunks = [(s_idx[lo: lo + self.chunk_size], t_idx[lo: lo + self.chunk_size])
                  for lo in range(0, len(s_idx), self.chunk_size)]
        n_jobs = min(self.n_jobs if self.n_jobs > 0 else (os.cpu_count() or 1), max(len(chunks), 1))
        if n_jobs > 1:
            # the compiled fits release the GIL
            with ThreadPoolExecutor(n_jobs) as pool:
                results = list(pool.map(lambda c: self._score_chunk(y, *c, bounds), chunks))
        else:
            results = [self._score_chunk(y, *c, bounds) for c in chunks]
        for (si, ti), res in zip(chunks, results):
            covered = res.pop("covered")
            for name, values in res.items():
                out[name][si, ti] = values
            window_ok[si[~covered], ti[~covered]] = False       # too little of the baseline was delivered
        return out, window_ok

    # ------------------------------------------------------------------ internals
    def _score_chunk(self, y: np.ndarray, si: np.ndarray, ti: np.ndarray, bounds: bool = True) -> dict[str, np.ndarray]:
        mu0, phi, ok, covered = self._fit_predict(y, si, ti)
        reason = np.full(len(si), "", dtype=object)
        reason[~ok & covered] = "baseline GLM did not converge"
        out = {"phi": np.where(ok, phi, np.nan), "expected": np.where(ok, mu0, np.nan), "reason": reason,
               "covered": covered}
        if not bounds:
            return out
        cur = y[si, ti]
        upper, pval = nb_upper_and_pvalue(mu0, phi, cur, self.alpha)
        # a period never delivered among the last ones counts 0
        recent = np.nansum(y[si[:, None], ti[:, None] - np.arange(self.min_cases_window)[None, :]], axis=1)
        enough = recent >= self.min_cases
        above = (cur > upper) & (cur > 0) & ok
        reason[above & ~enough & ok] = (
            f"above the bound but fewer than {self.min_cases} counts in the last "
            f"{self.min_cases_window} periods"
        )
        return {
            **out,
            "upper": np.where(ok, upper, np.nan),
            "pvalue": np.where(ok, pval, np.nan),
            "score": np.where(ok, (cur - mu0) / np.maximum(upper - mu0, 0.5), np.nan),
            "alarm": above & enough,
        }

    def _fit_predict(self, y: np.ndarray, si: np.ndarray, ti: np.ndarray):
        """The baseline at every cell (si, ti) of ``y``: prediction at offset 0, dispersion, converged, and
        whether enough of its baseline was delivered (see ``glm_kernel.baseline_cells``).

        The trend model is fitted first and dropped where it is not warranted (see ``glm_kernel``).
        """
        mu0, phi = np.empty(len(si)), np.empty(len(si))
        ok, moved, covered = (np.empty(len(si), dtype=bool) for _ in range(3))
        recent = self.frequency // 2 if self.recent_ratio else 0
        baseline_cells(np.ascontiguousarray(y, dtype=float), si.astype(np.int64), ti.astype(np.int64),
                       self.offsets_.astype(np.int64), self.design_.arrays(), workspace(self.design_),
                       self.reference_level_, self.trend, self.keep_t_, self.b >= 3, self.reweight,
                       self.weights_threshold, self.max_iter, self.r_compatible_trend_test, mu0, phi, ok,
                       _trend_cap(self.cap_trend), recent, *map(float, self.recent_ratio or (1.0, 1.0)),
                       *self.RECENT_Z, self.RECENT_FIT_Z, moved, covered, self.excluded_level_,
                       float(self.excluded_z or 0.0), self.recent_fit_phi_floor)
        return mu0, phi, ok, covered


def _trend_cap(cap_trend: bool | float) -> float:
    """The kernel's cap on a kept trend's prediction, in multiples of the largest baseline count."""
    if cap_trend is True or cap_trend is False:
        return 1.0 if cap_trend else math.inf
    cap = float(cap_trend)
    if not cap > 0:
        raise ValueError(f"cap_trend must be True, False or a number > 0 (times the largest baseline count), not {cap_trend!r}")
    return cap


def nb_upper_and_pvalue(mu: np.ndarray, phi: np.ndarray, count: np.ndarray, alpha: float):
    """Negative-binomial (quasi-Poisson variance phi*mu) upper quantile and P(X >= count).

    Where phi == 1 the Poisson distribution is used (the "nbPlugin" threshold of Noufaily).
    """
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    phi = np.asarray(phi, dtype=float)
    count = np.asarray(count, dtype=float)
    upper = nb_quantile(mu, phi, np.full(mu.shape, 1 - alpha))
    nb = phi > 1 + 1e-9
    pval = np.empty_like(mu)
    if nb.any():
        pval[nb] = stats.nbinom.sf(count[nb] - 1, mu[nb] / (phi[nb] - 1), 1 / phi[nb])
    if (~nb).any():
        pval[~nb] = stats.poisson.sf(count[~nb] - 1, mu[~nb])
    return upper, pval


def nb_quantile(mu: np.ndarray, phi: np.ndarray, q: np.ndarray, upper_tail: bool = False) -> np.ndarray:
    """The q-quantile of the negative binomial with mean ``mu`` and variance ``phi * mu`` (Poisson at phi = 1).

    ``upper_tail``: ``q`` is an upper-tail probability instead, and the result is scipy's ``isf``:
    the smallest k with P(X > k) <= q, decided on the upper tail itself (no 1 - q rounding).
    Same answers as scipy's ``ppf``/``isf`` (tested), several times faster: see ``_smallest``.
    """
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    phi, q = np.asarray(phi, dtype=float), np.asarray(q, dtype=float)
    out = np.empty_like(mu)
    nb = phi > 1 + 1e-9
    z = special.ndtri(1 - q if upper_tail else q)
    if nb.any():
        size, prob, qq = mu[nb] / (phi[nb] - 1), 1 / phi[nb], q[nb]
        if upper_tail:
            def at_or_above(k, i):
                return scu._nbinom_sf(k, size[i], prob[i]) <= qq[i]
            scipy_rule = stats.nbinom.isf
        else:
            def at_or_above(k, i):
                return scu._nbinom_cdf(k, size[i], prob[i]) >= qq[i]
            scipy_rule = stats.nbinom.ppf
        guess, valid = _nb_guess(z[nb], size, prob)
        out[nb] = _smallest(at_or_above, guess, valid & (qq > 0) & (qq < 1),
                            lambda i: scipy_rule(qq[i], size[i], prob[i]))
    if (~nb).any():
        lam, qq, zz = mu[~nb], q[~nb], z[~nb]
        if upper_tail:
            def at_or_above(k, i):
                return special.pdtrc(k, lam[i]) <= qq[i]
            scipy_rule = stats.poisson.isf
        else:
            def at_or_above(k, i):
                return special.pdtr(k, lam[i]) >= qq[i]
            scipy_rule = stats.poisson.ppf
        guess = lam + np.sqrt(lam) * (zz + (zz * zz - 1) / (6 * np.sqrt(lam))) - 0.5    # Cornish-Fisher
        out[~nb] = _smallest(at_or_above, guess, np.isfinite(lam) & (qq > 0) & (qq < 1),
                             lambda i: scipy_rule(qq[i], lam[i]))
    return out


def _nb_guess(z, size, prob):
    """A Cornish-Fisher guess of the negative-binomial quantile at normal deviate ``z``, and where the
    parameters are usable."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = size * (1 - prob) / prob
        skew = (2 - prob) / np.sqrt(size * (1 - prob))
        guess = mean + np.sqrt(mean / prob) * (z + (z * z - 1) * skew / 6) - 0.5
    return guess, np.isfinite(size) & np.isfinite(prob) & (size > 0) & (prob > 0) & (prob < 1)


def _smallest(at_or_above, guess: np.ndarray, valid: np.ndarray, scipy_rule) -> np.ndarray:
    """The smallest whole k >= 0 with ``at_or_above(k, rows)``, a condition that holds from some k on.

    scipy inverts a discrete law with a root search per value (about 4 us each); from a close guess, two
    evaluations of the same cdf usually settle it (a bracket widened by doubling, then halved), with
    the same answer. Values with parameters outside ``valid``, or whose search does not settle, get
    ``scipy_rule(rows)``.
    """
    k = np.full(len(guess), np.nan)
    rows = np.flatnonzero(valid & np.isfinite(guess))
    start = np.maximum(np.floor(guess[rows]), 0.0)
    above = at_or_above(start, rows)
    # the bracket (lo, hi]: the condition fails at lo and holds at hi (it fails at -1)
    lo, hi = np.where(above, start - 1, start), np.where(above, start, start + 1)
    width = np.ones(len(rows))
    todo = np.flatnonzero(above & (lo >= 0))
    while todo.size:                                     # widen downwards
        bad = todo[at_or_above(lo[todo], rows[todo])]
        hi[bad], width[bad] = lo[bad], 2 * width[bad]
        lo[bad] = np.maximum(lo[bad] - width[bad], -1.0)
        todo = bad[lo[bad] >= 0]
    todo = np.flatnonzero(~above)
    while todo.size:                                     # widen upwards
        bad = todo[~at_or_above(hi[todo], rows[todo])]
        lo[bad], width[bad] = hi[bad], 2 * width[bad]
        hi[bad] += width[bad]
        todo = bad[width[bad] < 2.0**52]
    todo = np.flatnonzero((hi - lo > 1) & (width < 2.0**52))
    while todo.size:                                     # halve
        mid = np.floor((lo[todo] + hi[todo]) / 2)
        up = at_or_above(mid, rows[todo])
        hi[todo[up]], lo[todo[~up]] = mid[up], mid[~up]
        todo = todo[hi[todo] - lo[todo] > 1]
    k[rows] = hi
    rest = np.ones(len(k), dtype=bool)
    rest[rows[width < 2.0**52]] = False
    if rest.any():
        k[rest] = scipy_rule(np.flatnonzero(rest))
    return k


def _poisson_fit(y, G, t, prior, with_trend, max_iter=50, tol=1e-9):
    """Weighted Poisson GLM log(mu) = level + slope * t on every row of ``y`` (one-hot seasonal ``G``).

    Returns exp(level) per level (B, L), the slope (B,), fitted means (B, n), the slope's unscaled
    variance (B,) and a convergence flag (B,): the compiled fit of ``glm_kernel``, row by row, with
    every weight entered as a correction (the detector passes only its down-weighted periods).
    """
    B, n = y.shape
    design = Design(t, G.argmax(axis=1), G.shape[1])
    arrays, ws = design.arrays(), workspace(design)
    prior = np.ones((B, n)) if prior is None else np.asarray(prior, dtype=float)
    level, mu = np.empty((B, design.n_levels)), np.empty((B, n))
    slope, var = np.empty(B), np.empty(B)
    ok = np.empty(B, dtype=bool)
    every = np.arange(n, dtype=np.int64)
    for i in range(B):
        row = np.asarray(y[i], dtype=float)
        Sy = np.bincount(design.level_of, weights=row, minlength=design.n_levels)
        slope[i], info, ok[i] = fit_row(row, Sy, float(row @ design.t), arrays, every, prior[i] - 1.0, n, 1.0,
                                        with_trend, max_iter, tol, ws, 0.0)
        fitted_means(slope[i], arrays, ws, mu[i])
        level[i] = ws.level
        var[i] = 1.0 / max(info, 1e-300)
    return level, slope, mu, var, ok
