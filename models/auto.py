"""``auto``: the default detector of wijkradar, chosen per series and period by history and counts.

- Enough history for the seasonal baseline (b years + w periods): on the Noufaily baseline, a
  scan over the windows of 1 to 4 periods ending now (sudden rises and outbreaks spread over a
  few weeks) together with the CUSUM (slow, persistent rises), judged by one calibrated p-value
  (``models.scan``); the reason says which rule fired. The baseline reaches back ``long_b`` = 5
  years where a series has them (more history, better detection at the same false-alarm rate),
  else 3 years.
- Shorter history (at least 9 periods): the same scan and CUSUM on a moving baseline (the mean and
  dispersion of the last 7 to 26 periods before a 2-period guard band, so a developing rise does not
  pull up its own baseline), with a p-value calibrated for that baseline (``models.short``). EARS C2,
  used here before, alarmed in 2 to 3 % of quiet weeks.
- Less than that: not scored, with the reason.
"""
from __future__ import annotations

import numpy as np

from models.base import Detector
from models.holidays import holiday_weeks, without_holidays
from models.noufaily import MONTHLY_SETTINGS, NoufailyDetector
from models.panel import Matrix, evaluable
from models.scan import ScanDetector, raw_at
from models.short import MovingScanDetector


class AutoDetector(Detector):
    """Noufaily baseline with scan + CUSUM where the history allows, the same on a moving baseline otherwise.

    Parameters
    ----------
    frequency : 52 (weekly) or 12 (monthly); monthly uses ``MONTHLY_SETTINGS`` for the baseline.
    alpha : level of the calibrated p-value that alarms (0.0075: at most 1 % false alarms in every
        group of the benchmark grid, tuned on a simulation with another seed than the benchmark's;
        see ``benchmarks/results/detection_quality.md`` and ``detection_reach.md``).
    windows : window lengths of the scan (periods ending at the evaluated one).
    cusum_shift : the CUSUM's target rise (1.3 = +30 %).
    long_b : years of baseline where the history allows (weekly only; 0 disables).
    holidays : weekly series whose ``period_index`` is the calendar's (``models.calendar``, as in the
        pipeline): the weeks of Christmas Day and New Year's Day are kept out of the reference windows of
        the other weeks (:func:`models.holidays.without_holidays`), so a holiday dip does not pull down the
        baseline of the weeks around it. The holiday weeks themselves are judged on the history as it is.

    ``pvalue`` is the probability, under the fitted baseline, of evidence at least as strong by
    any rule (single period, window, CUSUM), calibrated on simulated quiet series; an alarm is
    ``pvalue <= alpha`` with at least 5 counts in the last 4 periods.
    """

    method = "auto"

    def __init__(self, frequency: int = 52, alpha: float = 0.0075, windows: tuple[int, ...] = (1, 2, 3, 4),
                 cusum_shift: float = 1.3, long_b: int = 5, holidays: bool = False):
        self.holidays = holidays
        self.long_b = long_b
        self.frequency = frequency
        self.alpha = alpha
        self.windows = windows
        self.cusum_shift = cusum_shift

    def noufaily(self, b: int | None = None) -> NoufailyDetector:
        """The baseline of the scan: Noufaily's settings, keeping a significant trend even where it predicts above
        every baseline count (``cap_trend=False``: on steadily growing series the cap made baselines a third low)."""
        settings = MONTHLY_SETTINGS if self.frequency == 12 else {"frequency": self.frequency}
        return NoufailyDetector(**{**settings, **({"b": b} if b else {}), "cap_trend": False})

    @property
    def history_needed(self) -> int:
        return MovingScanDetector().history_needed

    @staticmethod
    def _baseline(m: Matrix, start, nouf: NoufailyDetector, long: NoufailyDetector | None, cells=None):
        """(Noufaily columns, evaluated, years): ``long``'s baseline where a series has its years, else ``nouf``'s."""
        mask = np.ones(m.counts.shape, dtype=bool) if cells is None else cells
        long_cells = evaluable(m, long.history_needed, start) & mask if long is not None else None
        years = np.full(m.counts.shape, nouf.b)
        if long_cells is None or not long_cells.any():
            out, base_ev = nouf.score_matrix(m, start, cells=cells, bounds=False)
            return out, base_ev, years
        out, base_ev = long.score_matrix(m, start, cells=cells, bounds=False)     # updated in place below (memory)
        years[base_ev] = long.b
        if (evaluable(m, nouf.history_needed, start) & mask & ~long_cells).any():
            short_out, short_ev = nouf.score_matrix(m, start, cells=mask & ~long_cells, bounds=False)
            for k in ("expected", "phi", "reason"):
                out[k][short_ev] = short_out[k][short_ev]
            base_ev = base_ev | short_ev
        return out, base_ev, years

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        scan = ScanDetector(self.windows, self.alpha, self.cusum_shift)
        # the windows need the baseline of the periods just before the first reported one
        start = None if eval_start is None else eval_start - scan.warmup
        nouf = self.noufaily().fit()
        long = self.noufaily(self.long_b).fit() if self.long_b and self.frequency == 52 else None
        out, base_ev, years = self._baseline(m, start, nouf, long)
        if self.holidays and self.frequency == 52:
            holiday, near = holiday_weeks(m.first_index, m.n_periods, nouf.w)
            redo = base_ev & near[None, :]
            if redo.any():
                # the weeks around the holidays again, on a history whose holiday weeks read as their neighbours
                filled = Matrix(m.keys, m.first_index, without_holidays(m.counts, holiday))
                again, ev, _ = self._baseline(filled, start, nouf, long, cells=redo)
                for k in ("expected", "phi"):
                    out[k][ev & redo] = again[k][ev & redo]
                del again
        res, base_ev = scan.score_matrix(m, start, (out, base_ev), years=years, report_start=eval_start)
        for k in ("pvalue", "alarm", "upper"):
            out[k] = res[k]
        out["score"] = (m.counts - out["expected"]) / np.maximum(out["upper"] - out["expected"], 0.5)
        out["method"] = np.full(base_ev.shape, "", dtype=object)
        out["method"][base_ev] = "noufaily+cusum"
        out["phi"][~base_ev] = np.nan             # short-history cells below are not pooled: no dispersion
        reasons = out["reason"]      # without its own bound the baseline notes only fits that did not converge
        few = base_ev & (res["pvalue"] <= self.alpha) & ~res["alarm"]
        too_few = f"fewer than {scan.min_cases} counts in the last {scan.min_cases_window} periods"
        above = m.counts > out["upper"]          # the evidence may be a window or the CUSUM, not this period's count
        reasons[few & above] = f"above the bound but {too_few}"
        reasons[few & ~above] = f"above expectation over the last periods but {too_few}"
        for s, t in zip(*np.nonzero(base_ev & res["alarm"])):
            L = res["window"][s, t]
            if L == 0:
                h = -np.log(raw_at(self.alpha, out["expected"][s, t, None], out["phi"][s, t, None], int(years[s, t]))[0])
                reasons[s, t] = f"cusum: sustained rise (sum {res['cusum'][s, t]:.1f} > {h:.1f})"
            elif L > 1:
                lo = t - L + 1
                reasons[s, t] = (f"window: rise over {L} periods ({int(np.nansum(m.counts[s, lo: t + 1]))} counts, "
                                 f"{np.nansum(out['expected'][s, lo: t + 1]):.1f} expected)")
        del res

        moving = MovingScanDetector(self.alpha, self.windows, self.cusum_shift, scan.min_cases, scan.min_cases_window)
        short = evaluable(m, moving.history_needed, eval_start) & ~base_ev
        if short.any():
            # the moving baseline only on the columns that need it (series too young for the seasonal baseline)
            cols = np.flatnonzero(short.any(axis=0))
            lo = max(0, cols.min() - moving.history_needed - moving.most - scan.warmup)
            sub = Matrix(m.keys, m.first_index + lo, m.counts[:, lo: cols.max() + 1])
            got, _ = moving.score_matrix(sub)
            part = short[:, lo: cols.max() + 1]
            need = nouf.history_needed
            for k in ("expected", "upper", "score", "pvalue", "alarm", "method"):   # no phi: not pooled (models.evidence)
                out[k][:, lo: cols.max() + 1][part] = got[k][part]
            young = f"history shorter than the {need + 1} periods noufaily needs"
            reasons = np.full(part.shape, young, dtype=object)
            reasons[part & got["alarm"] & (got["window"] > 1)] = "window: rise over several periods; " + young
            reasons[part & got["alarm"] & (got["window"] == 0)] = "cusum: sustained rise; " + young
            out["reason"][:, lo: cols.max() + 1][part] = reasons[part]
        return out, base_ev | short

