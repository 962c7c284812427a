"""Short history: the scan and CUSUM of :mod:`models.scan` on a moving baseline, with its own calibration.

A series too young for the seasonal Noufaily baseline (a new signal, a new buurt) is judged against the
mean of its own last ``most`` periods that end ``guard`` periods before the evaluated one (at least
``least`` of them), with the dispersion of those periods (variance over mean, at least 1). The windows of 1
to 4 periods and the CUSUM then work as on the long baseline, and their evidence is mapped to the chance of
evidence at least as strong on a quiet series of the same expected count, dispersion and baseline length
(table ``models/data/short_calibration.csv``, made by ``benchmarks/short_calibration.py`` on simulated quiet
series of 0.005 to 300 a week, dispersion 1 to 10, with and without trend, season and a strong season). So the
p-value is honest for short series too. A strong season stays this baseline's weak side: the moving mean lags
the seasonal rise, and the calibration can only pay for that with less power on every series of the same bin.

EARS C2 did this job before: its three-standard-deviation rule on a 7-period baseline alarmed in 2 to 3 %
of quiet weeks for series expecting 3 to 10 counts (its normal tail takes a mean and standard deviation
of 7 counts for the truth), and its p-value fell at or below 0.0075 in 4 to 5 % of them.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from models.base import Detector
from models.panel import Matrix
from models.scan import LEAST_EXPECTED, ScanDetector, read_curves

CALIBRATION = Path(__file__).resolve().parent / "data" / "short_calibration.csv"
#: baseline lengths (periods) the calibration holds curves for; a cell reads the nearest one
LENGTHS = (7, 9, 12, 16, 20, 26)
#: the dispersion of a moving baseline is taken to be at most this (a few periods can suggest far more); the
#: calibration simulates dispersions up to it
PHI_MOST = 10.0


def moving_baseline(y: np.ndarray, most: int = 26, guard: int = 2, least: int = 7):
    """Per cell the mean, dispersion and number of the observed periods ``t - guard - most .. t - guard - 1``.

    NaN (and n = 0) where fewer than ``least`` of them are observed or the cell itself is not. The mean is at
    least ``LEAST_EXPECTED``; the dispersion is the sample variance over the mean, between 1 and ``PHI_MOST``.
    """
    S, T = y.shape
    seen = np.isfinite(y)
    value = np.where(seen, y, 0.0)
    zero = np.zeros((S, 1))
    runs = [np.concatenate([zero, np.cumsum(a, axis=1)], axis=1) for a in (seen.astype(float), value, value ** 2)]
    hi = np.arange(T) - guard                    # exclusive end of the baseline of column t
    lo = np.maximum(hi - most, 0)
    n = np.zeros((S, T))
    total = np.zeros((S, T))
    squares = np.zeros((S, T))
    ok = hi > 0
    for out, run in zip((n, total, squares), runs):
        out[:, ok] = run[:, hi[ok]] - run[:, lo[ok]]
    usable = (n >= least) & seen
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        var = (squares - n * mean ** 2) / (n - 1)
        phi = np.where(mean > 0, var / mean, 1.0)
    expected = np.where(usable, np.maximum(mean, LEAST_EXPECTED), np.nan)
    phi = np.where(usable, np.clip(np.nan_to_num(phi, nan=1.0), 1.0, PHI_MOST), np.nan)
    return expected, phi, np.where(usable, n, 0).astype(np.int64)


@lru_cache(maxsize=1)
def _table(path: str = str(CALIBRATION)) -> dict[int, np.ndarray]:
    """The calibration curves per baseline length (periods)."""
    return {int(n): curves for n, curves in read_curves(path, "b").items()}


class MovingScanDetector(Detector):
    """Window scan + CUSUM on a moving baseline (see the module); alarm when the calibrated p-value <= ``alpha``.

    Parameters
    ----------
    alpha, windows, cusum_shift, min_cases, min_cases_window : as :class:`models.scan.ScanDetector`.
    most, guard, least : the moving baseline (:func:`moving_baseline`).
    """

    method = "moving+cusum"

    def __init__(self, alpha: float = 0.0075, windows: tuple[int, ...] = (1, 2, 3, 4), cusum_shift: float = 1.3,
                 min_cases: int = 5, min_cases_window: int = 4, most: int = 26, guard: int = 2, least: int = 7):
        self.alpha = alpha
        self.windows = windows
        self.cusum_shift = cusum_shift
        self.min_cases = min_cases
        self.min_cases_window = min_cases_window
        self.most = most
        self.guard = guard
        self.least = least

    @property
    def history_needed(self) -> int:
        return self.least + self.guard

    def scan(self, alpha: float | None = None) -> ScanDetector:
        return ScanDetector(self.windows, self.alpha if alpha is None else alpha, self.cusum_shift,
                            self.min_cases, self.min_cases_window)

    def baseline(self, m: Matrix, eval_start: int | None = None):
        """``({"expected", "phi"}, evaluated, length)``: the moving baseline, the cells it covers and the
        calibration length each cell reads."""
        expected, phi, n = moving_baseline(m.counts, self.most, self.guard, self.least)
        evaluated = np.isfinite(expected)
        if eval_start is not None:
            evaluated[:, : max(0, eval_start - m.first_index)] = False
        lengths = np.asarray(LENGTHS)
        length = lengths[np.abs(n[..., None] - lengths).argmin(axis=-1)]
        return {"expected": expected, "phi": phi}, evaluated, length

    def score_matrix(self, m: Matrix, eval_start: int | None = None, table=None, alpha: float | None = None):
        scan = self.scan(alpha)
        start = None if eval_start is None else eval_start - scan.warmup
        base, evaluated, length = self.baseline(m, start)
        res, reported = scan.score_matrix(m, start, (base, evaluated), years=length, report_start=eval_start,
                                          table=table if table is not None else _table())
        y, mu = m.counts, base["expected"]
        res.update({"count": y, "expected": mu, "phi": base["phi"],
                    "score": (y - mu) / np.maximum(res["upper"] - mu, 0.5),
                    "method": np.full(y.shape, self.method, dtype=object),
                    "reason": np.full(y.shape, "", dtype=object), "length": length})
        return res, reported
