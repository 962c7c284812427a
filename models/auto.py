"""``auto``: the default detector of wijkradar, chosen per series and period by history and counts.

- Enough history for the seasonal baseline (b years + w periods): the Noufaily threshold for
  sudden rises together with the CUSUM for slow, persistent rises on the same baseline; an
  alarm of either counts, and the reason says which fired.
- Shorter history (at least 9 periods): EARS C2 (a 7-period baseline with a 2-period guard band,
  so a developing rise does not pull up its own baseline). C3 is not used by default: its
  three-period run sum keeps alarming after a single spike. For sparse series (recent mean below
  ``ears_min_mean`` counts per period) the baseline standard deviation is floored at 1, so a
  handful of counts after a run of zeros does not alarm.
- Less than that: not scored, with the reason.
"""
from __future__ import annotations

import numpy as np

from models.base import Detector
from models.cusum import CusumDetector
from models.ears import EarsDetector
from models.noufaily import MONTHLY_SETTINGS, NoufailyDetector
from models.panel import Matrix


class AutoDetector(Detector):
    """Noufaily + CUSUM where the history allows, EARS otherwise.

    Parameters
    ----------
    frequency : 52 (weekly) or 12 (monthly); monthly uses ``MONTHLY_SETTINGS`` for the baseline.
    alpha : level of the Noufaily upper bound (0.001: together with the CUSUM the false-alarm
        rate stays below 1 % of quiet weeks on the benchmark grid; Noufaily alone uses 0.005).
    cusum_shift, cusum_h : the CUSUM's target rise and threshold.
    ears_min_mean : below this mean count per period a short series is treated as sparse.
    """

    method = "auto"

    def __init__(self, frequency: int = 52, alpha: float = 0.001, cusum_shift: float = 1.5,
                 cusum_h: float = 5.0, ears_min_mean: float = 1.0):
        self.frequency = frequency
        self.alpha = alpha
        self.cusum_shift = cusum_shift
        self.cusum_h = cusum_h
        self.ears_min_mean = ears_min_mean

    def noufaily(self) -> NoufailyDetector:
        settings = MONTHLY_SETTINGS if self.frequency == 12 else {"frequency": self.frequency}
        return NoufailyDetector(**{**settings, "alpha": self.alpha})

    @property
    def history_needed(self) -> int:
        return EarsDetector("C2").history_needed

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        nouf = self.noufaily().fit()
        base, base_ev = nouf.score_matrix(m, eval_start)
        cus, _ = CusumDetector(self.cusum_shift, self.cusum_h, nouf).score_matrix(m, eval_start, (base, base_ev))
        out = {k: base[k].copy() for k in ("count", "expected", "upper", "score", "pvalue", "alarm", "reason")}
        out["method"] = np.where(base_ev, "noufaily+cusum", "").astype(object)
        out["pvalue"] = np.where(base_ev, np.fmin(base["pvalue"], cus["pvalue"]), np.nan)
        only_cusum = base_ev & cus["alarm"] & ~base["alarm"]
        out["alarm"] = base["alarm"] | (base_ev & cus["alarm"])
        reasons = out["reason"]
        for s, t in zip(*np.nonzero(base_ev & cus["alarm"])):
            note = f"cusum: sustained rise (sum {cus['cusum'][s, t]:.1f} > {self.cusum_h:g})"
            reasons[s, t] = note if only_cusum[s, t] or not reasons[s, t] else f"{reasons[s, t]}; {note}"

        c2, c2_ev = EarsDetector("C2").score_matrix(m, eval_start)
        c2_sparse, _ = EarsDetector("C2", min_sd=1.0).score_matrix(m, eval_start)
        short = c2_ev & ~base_ev
        if short.any():
            sparse = c2["expected"] < self.ears_min_mean
            need = nouf.history_needed
            for det_out, mask, level in ((c2, short & ~sparse, ""), (c2_sparse, short & sparse, "sparse counts; ")):
                for k in ("expected", "upper", "score", "pvalue", "alarm"):
                    out[k][mask] = det_out[k][mask]
                out["method"][mask] = "ears-c2"
                out["reason"][mask] = f"{level}history shorter than the {need + 1} periods noufaily needs"
        evaluated = base_ev | short
        return out, evaluated
