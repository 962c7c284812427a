"""The improved Farrington method (Noufaily et al. 2013), vectorised over every series and period.

Each evaluated period t of each series gets its own quasi-Poisson GLM fitted on that series'
own history before t, exactly as R ``surveillance::farringtonFlexible`` does with the
Noufaily settings; but because every (series, t) shares the same design matrix, all fits run
as one batched iteratively-reweighted least squares, with no Python loop per series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from models.panel import Matrix, check_panel, from_matrix, to_matrix

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


class NoufailyDetector(BaseEstimator):
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
    chunk_size : (series, period) fits solved together; bounds peak memory.

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
        max_iter: int = 50,
        chunk_size: int = 50_000,
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
        self.max_iter = max_iter
        self.chunk_size = chunk_size

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
        self.design_trend_ = self._design(offsets[used], levels[used], with_trend=True)
        self.design_flat_ = self._design(offsets[used], levels[used], with_trend=False)
        return self

    def score(self, panel: pd.DataFrame, keys: list[str], eval_start: int | None = None) -> pd.DataFrame:
        """Evaluate every period with enough history (and ``period_index >= eval_start``)."""
        check_panel(panel, keys)
        self.fit()
        m = to_matrix(panel, keys)
        cols, evaluated = self.score_matrix(m, eval_start)
        return from_matrix(m, cols, evaluated)

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        """Score a (series x period) matrix; returns result matrices and the evaluated mask."""
        if not hasattr(self, "design_trend_"):
            self.fit()
        y = m.counts
        S, T = y.shape
        need = self.history_needed
        finite = np.isfinite(y)
        # a cell is evaluable when the whole window [t - need, t] is observed
        csum = np.concatenate([np.zeros((S, 1)), np.cumsum(finite, axis=1)], axis=1)
        window_ok = np.zeros((S, T), dtype=bool)
        if T > need:
            window_ok[:, need:] = (csum[:, need + 1:] - csum[:, : T - need]) == need + 1
        if eval_start is not None:
            window_ok[:, : max(0, eval_start - m.first_index)] = False
        s_idx, t_idx = np.nonzero(window_ok)

        out = {k: np.full((S, T), np.nan) for k in ("count", "expected", "upper", "score", "pvalue")}
        out["alarm"] = np.zeros((S, T), dtype=bool)
        out["method"] = np.full((S, T), self.method, dtype=object)
        out["reason"] = np.full((S, T), "", dtype=object)
        out["count"] = np.where(finite, y, np.nan)

        for lo in range(0, len(s_idx), self.chunk_size):
            si, ti = s_idx[lo: lo + self.chunk_size], t_idx[lo: lo + self.chunk_size]
            base = y[si[:, None], ti[:, None] + self.offsets_[None, :]]
            mu0, phi, ok = self._fit_predict(base)
            cur = y[si, ti]
            upper, pval = nb_upper_and_pvalue(mu0, phi, cur, self.alpha)
            recent = y[si[:, None], ti[:, None] - np.arange(self.min_cases_window)[None, :]].sum(axis=1)
            enough = recent >= self.min_cases
            above = (cur > upper) & (cur > 0) & ok
            out["expected"][si, ti] = np.where(ok, mu0, np.nan)
            out["upper"][si, ti] = np.where(ok, upper, np.nan)
            out["pvalue"][si, ti] = np.where(ok, pval, np.nan)
            out["score"][si, ti] = np.where(ok, (cur - mu0) / np.maximum(upper - mu0, 0.5), np.nan)
            out["alarm"][si, ti] = above & enough
            reason = np.full(len(si), "", dtype=object)
            reason[above & ~enough] = (
                f"above the bound but fewer than {self.min_cases} counts in the last "
                f"{self.min_cases_window} periods"
            )
            reason[~ok] = "baseline GLM did not converge"
            out["reason"][si, ti] = reason
        return out, window_ok

    # ------------------------------------------------------------------ internals
    def _design(self, offsets: np.ndarray, levels: np.ndarray, with_trend: bool) -> np.ndarray:
        cols = [np.ones(len(offsets))]
        if with_trend:
            cols.append(offsets.astype(float))
        # the level of the current window is the reference, so exp(intercept) is the prediction
        for level in range(1, self.no_periods):
            dummy = (levels == level).astype(float)
            if dummy.any():
                cols.append(dummy)
        return np.column_stack(cols)

    def _fit_predict(self, y: np.ndarray):
        """Fit the trend model, drop the trend where it is not warranted, predict at offset 0."""
        if self.trend:
            beta, phi, cov, ok = _quasi_poisson(y, self.design_trend_, self.reweight, self.weights_threshold, self.max_iter)
            n, p = self.design_trend_.shape
            se = np.sqrt(np.maximum(phi * cov[:, 1, 1], 1e-300))
            pval = 2 * stats.t.sf(np.abs(beta[:, 1] / se), df=n - p)
            mu0 = np.exp(beta[:, 0])
            keep = ok & (pval < self.trend_pvalue) & (mu0 <= y.max(axis=1)) & (self.b >= 3)
        else:
            keep = np.zeros(len(y), dtype=bool)
            mu0 = np.full(len(y), np.nan)
            phi = np.full(len(y), np.nan)
            ok = np.zeros(len(y), dtype=bool)
        redo = ~keep
        if redo.any():
            b2, phi2, _, ok2 = _quasi_poisson(y[redo], self.design_flat_, self.reweight, self.weights_threshold, self.max_iter)
            mu0[redo] = np.exp(b2[:, 0])
            phi[redo] = phi2
            ok[redo] = ok2
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


def _irls(y, X, prior, beta0=None, max_iter=50, tol=1e-8):
    """Batched Poisson IRLS with log link for rows of ``y`` sharing the design ``X``."""
    B, n = y.shape
    p = X.shape[1]
    XX = np.einsum("ip,iq->ipq", X, X).reshape(n, p * p)
    if beta0 is None:
        eta = np.log(y + 0.5)
    else:
        eta = beta0 @ X.T
    mu = np.exp(eta)
    beta = np.zeros((B, p)) if beta0 is None else beta0.copy()
    dev = np.full(B, np.inf)
    active = np.arange(B)
    converged = np.zeros(B, dtype=bool)
    ridge = 1e-10 * np.eye(p)
    for _ in range(max_iter):
        ya, pa, mua, etaa = y[active], prior[active], mu[active], eta[active]
        wgt = pa * mua
        z = etaa + (ya - mua) / mua
        A = (wgt @ XX).reshape(-1, p, p) + ridge
        rhs = (wgt * z) @ X
        b_new = np.linalg.solve(A, rhs[..., None])[..., 0]
        eta_new = np.clip(b_new @ X.T, -20.0, 20.0)
        mu_new = np.exp(eta_new)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(ya > 0, ya * np.log(ya / mu_new), 0.0) - (ya - mu_new)
        dev_new = 2 * (pa * term).sum(axis=1)
        done = np.abs(dev_new - dev[active]) / (np.abs(dev_new) + 0.1) < tol
        beta[active], eta[active], mu[active], dev[active] = b_new, eta_new, mu_new, dev_new
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return beta, mu, converged


def _quasi_poisson(y, X, reweight, threshold, max_iter):
    """Quasi-Poisson fit with optional Anscombe-residual reweighting; returns beta, phi, cov, ok."""
    B, n = y.shape
    p = X.shape[1]
    prior = np.ones_like(y)
    beta, mu, ok = _irls(y, X, prior, max_iter=max_iter)
    phi = _dispersion(y, mu, prior, n, p)
    if reweight:
        cov = _unscaled_cov(X, prior * mu)
        h = prior * mu * _quad_rows(X, cov)
        s = 1.5 * (np.power(y, 2 / 3) * np.power(mu, -1 / 6) - np.sqrt(mu))
        s = s / np.sqrt(phi[:, None] * np.clip(1 - h, 1e-8, None))
        omega = np.where(s > threshold, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
        prior = omega * (n / omega.sum(axis=1, keepdims=True))
        beta, mu, ok2 = _irls(y, X, prior, beta0=beta, max_iter=max_iter)
        ok = ok & ok2
        phi = _dispersion(y, mu, prior, n, p)
    cov = _unscaled_cov(X, prior * mu)
    return beta, phi, cov, ok


def _dispersion(y, mu, prior, n, p):
    pearson = (prior * (y - mu) ** 2 / mu).sum(axis=1) / max(n - p, 1)
    return np.maximum(pearson, 1.0)


def _unscaled_cov(X, wgt):
    n, p = X.shape
    XX = np.einsum("ip,iq->ipq", X, X).reshape(n, p * p)
    A = (wgt @ XX).reshape(-1, p, p) + 1e-10 * np.eye(p)
    return np.linalg.inv(A)


def _quad_rows(X, cov):
    """x_i' C_b x_i for every row i of X and every batch member b -> (B, n)."""
    n, p = X.shape
    XX = np.einsum("ip,iq->ipq", X, X).reshape(n, p * p)
    return cov.reshape(len(cov), p * p) @ XX.T
