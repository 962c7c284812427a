"""``auto``: the default detector of wijkradar, chosen per series and period by history and counts.

- Enough history for the seasonal baseline (b years + w periods): the Noufaily threshold for
  sudden rises together with the CUSUM for slow, persistent rises on the same baseline; an
  alarm of either counts, and the reason says which fired. The baseline reaches back
  ``long_b`` = 5 years where a series has them (more history, better detection at the same
  false-alarm rate), else 3 years.
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
from models.panel import Matrix, evaluable


class AutoDetector(Detector):
    """Noufaily + CUSUM where the history allows, EARS otherwise.

    Parameters
    ----------
    frequency : 52 (weekly) or 12 (monthly); monthly uses ``MONTHLY_SETTINGS`` for the baseline.
    alpha : level of the Noufaily upper bound (0.001: together with the CUSUM the false-alarm
        rate stays below 1 % of quiet weeks on the benchmark grid; Noufaily alone uses 0.005).
    cusum_shift, cusum_h : the CUSUM's target rise and threshold (h = 4 was chosen on a tuning
        simulation with another seed than the benchmark's: the lowest threshold that keeps the
        false-alarm rate below 1 %; it detects more and earlier than h = 5, see
        ``benchmarks/results/detection_quality.md``).
    ears_min_mean : below this mean count per period a short series is treated as sparse.
    long_b : years of baseline where the history allows (weekly only; 0 disables).
    """

    method = "auto"

    def __init__(self, frequency: int = 52, alpha: float = 0.001, cusum_shift: float = 1.5,
                 cusum_h: float = 4.0, ears_min_mean: float = 1.0, long_b: int = 5):
        self.long_b = long_b
        self.frequency = frequency
        self.alpha = alpha
        self.cusum_shift = cusum_shift
        self.cusum_h = cusum_h
        self.ears_min_mean = ears_min_mean

    def noufaily(self, b: int | None = None) -> NoufailyDetector:
        settings = MONTHLY_SETTINGS if self.frequency == 12 else {"frequency": self.frequency}
        return NoufailyDetector(**{**settings, "alpha": self.alpha, **({"b": b} if b else {})})

    @property
    def history_needed(self) -> int:
        return EarsDetector("C2").history_needed

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        nouf = self.noufaily().fit()
        long = self.noufaily(self.long_b).fit() if self.long_b and self.frequency == 52 else None
        long_cells = evaluable(m, long.history_needed, eval_start) if long is not None else None
        if long_cells is not None and long_cells.any():
            out, base_ev = long.score_matrix(m, eval_start)      # updated in place below (memory)
            short_out, short_ev = nouf.score_matrix(m, eval_start, cells=~long_cells)
            for k in ("expected", "upper", "score", "pvalue", "phi", "alarm", "reason"):
                out[k][short_ev] = short_out[k][short_ev]
            base_ev = base_ev | short_ev
            del short_out
        else:
            out, base_ev = nouf.score_matrix(m, eval_start)      # updated in place below (memory)
        cus, _ = CusumDetector(self.cusum_shift, self.cusum_h, nouf).score_matrix(m, eval_start, (out, base_ev))
        only_cusum = base_ev & cus["alarm"] & ~out["alarm"]
        # pvalue stays the baseline's upper-tail probability of this count (the contract's meaning);
        # the CUSUM adds alarms for slow rises, with its statistic in the reason
        out["alarm"] |= base_ev & cus["alarm"]
        out["method"] = np.where(base_ev, "noufaily+cusum", "").astype(object)
        reasons = out["reason"]
        for s, t in zip(*np.nonzero(base_ev & cus["alarm"])):
            note = f"cusum: sustained rise (sum {cus['cusum'][s, t]:.1f} > {self.cusum_h:g})"
            reasons[s, t] = note if only_cusum[s, t] or not reasons[s, t] else f"{reasons[s, t]}; {note}"
        del cus

        ears = EarsDetector("C2")
        short = evaluable(m, ears.history_needed, eval_start) & ~base_ev
        if short.any():
            # EARS only on the columns that need it (series with too little history for the seasonal baseline)
            cols = np.flatnonzero(short.any(axis=0))
            lo = max(0, cols.min() - ears.history_needed)
            sub = Matrix(m.keys, m.first_index + lo, m.counts[:, lo: cols.max() + 1])
            c2, _ = ears.score_matrix(sub)
            c2_sparse, _ = EarsDetector("C2", min_sd=1.0).score_matrix(sub)
            part = short[:, lo: cols.max() + 1]
            sparse = c2["expected"] < self.ears_min_mean
            need = nouf.history_needed
            for det_out, mask, level in ((c2, part & ~sparse, ""), (c2_sparse, part & sparse, "sparse counts; ")):
                for k in ("expected", "upper", "score", "pvalue", "alarm"):
                    out[k][:, lo: cols.max() + 1][mask] = det_out[k][mask]
                out["method"][:, lo: cols.max() + 1][mask] = "ears-c2"
                out["reason"][:, lo: cols.max() + 1][mask] = f"{level}history shorter than the {need + 1} periods noufaily needs"
        return out, base_ev | short

