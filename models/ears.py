"""EARS C1, C2 and C3 (CDC Early Aberration Reporting System) for series with short history.

C1 compares a period with the mean and standard deviation of the 7 periods just before it; C2
does the same with a 2-period guard band (periods t-9 .. t-3); C3 sums the positive excesses of
C2 over 1 for the current and two previous periods. Needs 7 (C1) or 9 (C2, C3) earlier periods.
Reference: Hutwagner et al. (2003) J Urban Health 80(2 Suppl 1):i89-96; Fricker et al. (2008)
Stat Med 27:3407-3429.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from models.base import Detector
from models.panel import Matrix


class EarsDetector(Detector):
    """EARS C1/C2/C3.

    Parameters
    ----------
    variant : "C1", "C2" or "C3".
    baseline : periods in the moving baseline (7).
    threshold : alarm when the statistic exceeds it (3 for C1/C2, 2 for C3, as in EARS).
    min_sd : floor on the baseline standard deviation, so a rise from a run of zeros does not
        divide by zero (a rise of ``threshold * min_sd`` counts above an all-zero baseline alarms).

    ``pvalue`` is the normal upper tail of the C1/C2 statistic (an approximation: counts are
    not normal); for C3 it is the normal tail of the current period's C2 excess.
    """

    def __init__(self, variant: str = "C1", baseline: int = 7, threshold: float | None = None, min_sd: float = 0.5):
        self.variant = variant
        self.baseline = baseline
        self.threshold = threshold
        self.min_sd = min_sd

    @property
    def method(self) -> str:
        return f"ears-{self.variant.lower()}"

    @property
    def lag(self) -> int:
        return 0 if self.variant.upper() == "C1" else 2

    @property
    def history_needed(self) -> int:
        return self.baseline + self.lag + (2 if self.variant.upper() == "C3" else 0)

    def _threshold(self) -> float:
        if self.threshold is not None:
            return self.threshold
        return 2.0 if self.variant.upper() == "C3" else 3.0

    def statistic(self, y: np.ndarray):
        """Moving mean, sd and the C statistic of every cell (NaN where history is short)."""
        S, T = y.shape
        k, lag = self.baseline, self.lag
        mean = np.full((S, T), np.nan)
        sd = np.full((S, T), np.nan)
        if T > k + lag:
            windows = np.lib.stride_tricks.sliding_window_view(y, k, axis=1)   # (S, T-k+1, k)
            # baseline of period t is y[t-lag-k .. t-lag-1] = window starting at t-lag-k
            first = k + lag
            w = windows[:, first - lag - k: T - lag - k]
            mean[:, first:] = w.mean(axis=2)
            sd[:, first:] = np.maximum(w.std(axis=2, ddof=1), self.min_sd)
        return mean, sd, (y - mean) / sd

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        y = m.counts
        S, T = y.shape
        mean, sd, c = self.statistic(y)
        thr = self._threshold()
        if self.variant.upper() == "C3":
            excess = np.maximum(c - 1.0, 0.0)
            prev = np.full((S, T), np.nan)
            prev[:, 2:] = excess[:, 1:-1] + excess[:, :-2]
            stat = excess + prev
            upper = mean + sd * (1.0 + np.maximum(thr - prev, 0.0))
        else:
            stat = c
            upper = mean + thr * sd
        evaluated = np.isfinite(stat) & np.isfinite(y)
        if eval_start is not None:
            evaluated[:, : max(0, eval_start - m.first_index)] = False
        alarm = evaluated & (stat > thr)
        score = (y - mean) / np.maximum(upper - mean, 0.5)
        out = {
            "count": y, "expected": mean, "upper": upper, "score": score,
            "pvalue": stats.norm.sf(c), "alarm": alarm,
            "method": np.full((S, T), self.method, dtype=object),
            "reason": np.full((S, T), "", dtype=object),
        }
        return out, evaluated
