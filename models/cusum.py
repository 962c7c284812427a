"""A cumulative-sum detector for slow, persistent rises, on top of the Noufaily baseline.

Each period adds the quasi-likelihood ratio of "the mean is ``shift`` times the baseline"
against "the mean is the baseline" (Poisson log-likelihood ratio divided by the dispersion);
the sum is floored at zero and an alarm is raised when it passes ``h``, after which it resets.
The baseline (expected count and dispersion) comes from :class:`NoufailyDetector`, which leaves
the most recent 26 weeks out, so a drift does not pull up its own baseline.
References: Page (1954) Biometrika 41:100-115; Lucas (1985) Technometrics 27:129-144;
Hoehle & Paul (2008) CSDA 52:4357-4368 (count-data CUSUMs in ``surveillance``).
"""
from __future__ import annotations

import numpy as np

from models.base import Detector
from models.noufaily import NoufailyDetector
from models.panel import Matrix


def cusum_llr(count, expected, phi, shift: float):
    """One period's quasi-likelihood ratio of "mean = shift x expected" against "mean = expected"."""
    return (count * np.log(shift) - (shift - 1.0) * expected) / phi


class CusumDetector(Detector):
    """Poisson/quasi-Poisson likelihood-ratio CUSUM with reset after an alarm.

    Parameters
    ----------
    shift : the multiplicative rise the chart is tuned to detect (1.5 = +50 %).
    h : decision threshold on the cumulative log-likelihood ratio.
    baseline : the detector that supplies expected counts and dispersion (default: Noufaily
        with its defaults; pass ``NoufailyDetector(**MONTHLY_SETTINGS)`` for monthly data).

    Output: ``expected`` is the baseline, ``upper`` the count that would make the sum pass ``h``
    this period, ``score`` = (count - expected) / (upper - expected), ``pvalue`` = exp(-S) (Wald's
    bound on the in-control chance of a sum this high), ``alarm`` = S > h.
    """

    method = "cusum"

    def __init__(self, shift: float = 1.5, h: float = 5.0, baseline: NoufailyDetector | None = None):
        self.shift = shift
        self.h = h
        self.baseline = baseline

    def _baseline(self) -> NoufailyDetector:
        return self.baseline if self.baseline is not None else NoufailyDetector()

    @property
    def history_needed(self) -> int:
        return self._baseline().history_needed

    def score_matrix(self, m: Matrix, eval_start: int | None = None, baseline_out=None):
        companion = baseline_out is not None   # called by auto on its own baseline: return only the chart
        if baseline_out is None:
            baseline_out = self._baseline().fit().score_matrix(m, eval_start)
        base, evaluated = baseline_out
        y = m.counts
        mu, phi = base["expected"], base["phi"]
        S, T = y.shape
        log_k = np.log(self.shift)
        cum = np.zeros(S)
        stat = np.full((S, T), np.nan)
        upper = np.full((S, T), np.nan)
        alarm = np.zeros((S, T), dtype=bool)
        for t in range(T):                       # a loop over periods, vectorised over all series
            ev = evaluated[:, t] & np.isfinite(mu[:, t])
            if not ev.any():
                continue
            llr = cusum_llr(y[ev, t], mu[ev, t], phi[ev, t], self.shift)
            prev = cum[ev]
            upper[ev, t] = ((self.h - prev) * phi[ev, t] + (self.shift - 1.0) * mu[ev, t]) / log_k
            now = np.maximum(0.0, prev + llr)
            fired = now > self.h
            stat[ev, t] = now
            alarm[np.flatnonzero(ev)[fired], t] = True
            cum[ev] = np.where(fired, 0.0, now)  # reset after an alarm
        out = {"alarm": alarm, "cusum": stat, "pvalue": np.exp(-np.nan_to_num(stat, nan=0.0)), "upper": upper}
        if not companion:              # as a detector of its own it fills the whole contract
            out.update({
                "count": y, "expected": mu, "score": (y - mu) / np.maximum(upper - mu, 0.5),
                "method": np.full((S, T), self.method, dtype=object),
                "reason": np.full((S, T), "", dtype=object),
            })
        return out, evaluated & np.isfinite(mu)
