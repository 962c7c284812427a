"""``auto``: the default detector of wijkradar, chosen per series and period by history and counts.

- Enough history for the seasonal baseline (b years + w periods): on the Noufaily baseline, a
  scan over the windows of 1 to 4 periods ending now (sudden rises and outbreaks spread over a
  few weeks) together with the CUSUM (slow, persistent rises), judged by one calibrated p-value
  (``models.scan``); the reason says which rule fired. The baseline reaches back ``long_b`` = 5
  years where a series has them (more history, better detection at the same false-alarm rate),
  else 3 years; also 3 where the 5 years mix an older, lower level in (``_level_changed``).
- Shorter history (at least 9 periods): the same scan and CUSUM on a moving baseline (the mean and
  dispersion of the last 7 to 26 periods before a 2-period guard band, so a developing rise does not
  pull up its own baseline), with a p-value calibrated for that baseline (``models.short``). EARS C2,
  used here before, alarmed in 2 to 3 % of quiet weeks.
- Less than that: not scored, with the reason.

A period never delivered (NaN inside a series) is skipped, not fatal: each baseline judges how much of its window
it needs (Noufaily: half of every seasonal level, ``models.glm_kernel.baseline_cells``; the moving baseline: 7 of its
last periods), the CUSUM keeps its state over the period and a window sums the delivered periods of its span. A long
baseline that lost a year's worth of periods reads the 3-year calibration (``_years_delivered``).
"""
from __future__ import annotations

import numpy as np

from models.base import Detector
from models.holidays import with_holidays
from models.moving_holidays import moving_holidays
from models.noufaily import MONTHLY_SETTINGS, NoufailyDetector
from models.panel import Matrix, evaluable, running_sums
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
    long_b : years of baseline where the history allows (weekly only; 0 disables). Where the long baseline's
        last year stands apart from its earlier years and the 3-year prediction is clearly above the long one (a
        lasting rise a year or two back, which the long baseline averages with the old level), the 3-year
        baseline is used: a +50 % shift two years back alarmed in 1.3 % of quiet weeks, now 0.8 %.
    trend_cap : a significant trend of the baseline is kept unless it predicts above ``trend_cap`` times the
        largest baseline count (``NoufailyDetector(cap_trend=...)``). R's cap of 1 made the baselines of steadily
        growing series (+23 % a year) a third low; no cap let a trend fitted to a series that rose from nothing
        predict 871 a week on a series of 5. Such growing series reach at most 1.22 times their largest count
        (99.9 % below 1.14) on the benchmark's off-grid draw, so 1.5 leaves them alone.
    recent_ratio : (above, below): where the baseline's prediction (with its kept trend, or without one) is more
        than ``above`` times the level of the last half year of its reference, or below that level by more than a
        factor ``below``, beyond the noise of those 26 weeks (6 months), that level is the prediction, with its
        dispersion around it (``NoufailyDetector(recent_ratio=...)``; on monthly series at least the fit's
        dispersion, as 6 months give too noisy a one). A step from 5 to 15 a week was fitted as a trend and
        extrapolated to 23-31 a week, hiding a doubling of the new level; a +23 % a year trend rises 17 % over that
        distance and is left alone. Monthly series after a step to a third alarmed in 2.0 % of quiet months (6.4 % in
        the worst group), now 0.5 % (1.1 %; ``benchmarks/results/monthly_baseline.md``). ``None``: off.
    excluded_z : monthly only: a significant trend is kept only where the 6 months the baseline leaves out do not
        fall short of what it predicts for them by more than ``excluded_z`` standard errors
        (``NoufailyDetector(excluded_z=...)``). A rise of most of a year in the last of the three baseline years
        tilted the fitted trend, which went on predicting it after it ended (the demo's Zuid eenzaamheid: expected
        40 to 51 a month in early 2026 against counts of 10 to 22), hiding a new rise for a year; see
        ``benchmarks/results/monthly_baseline.md``. ``None``: off.
    holidays : weekly series whose ``period_index`` is the calendar's (``models.calendar``, as in the
        pipeline): the weeks of Christmas Day and New Year's Day are kept out of the reference windows of
        the other weeks (:func:`models.holidays.without_holidays`), so a holiday dip does not pull down the
        baseline of the weeks around it. The holiday weeks themselves get the effect their holidays had in
        earlier years relative to the weeks around them (:func:`models.holidays.with_holidays`): a peak of
        fireworks litter that returns every jaarwisseling, or a dip, is their expected level, not an outbreak.
    moving_holidays : with ``holidays``, the weeks of the spring holidays (Pasen, Koningsdag, Hemelvaart,
        Pinksteren) and the weeks just after them get the effect those weeks had in earlier years
        (:mod:`models.moving_holidays`; the weeks around them keep their baseline): holiday weeks that lost a
        working day's share of their reports per holiday day, made up the week after, made 2.1 % of the weeks
        after a holiday alarm, now 0.7 % (half the week's reports per holiday day: 7.6 %, now 0.6 %).

    ``pvalue`` is the probability, under the fitted baseline, of evidence at least as strong by
    any rule (single period, window, CUSUM), calibrated on simulated quiet series; an alarm is
    ``pvalue <= alpha`` with at least 5 counts in the last 4 periods, and more counts than expected in
    at least one window of 1 to 4 periods ending at the period.
    """

    method = "auto"

    def __init__(self, frequency: int = 52, alpha: float = 0.0075, windows: tuple[int, ...] = (1, 2, 3, 4),
                 cusum_shift: float = 1.3, long_b: int = 5, holidays: bool = False, trend_cap: float = 1.5,
                 recent_ratio: tuple[float, float] | None = (1.25, 1.05), excluded_z: float | None = 3.0,
                 moving_holidays: bool = False):
        self.holidays = holidays
        self.moving_holidays = moving_holidays
        self.trend_cap = trend_cap
        self.recent_ratio = recent_ratio
        self.excluded_z = excluded_z
        self.long_b = long_b
        self.frequency = frequency
        self.alpha = alpha
        self.windows = windows
        self.cusum_shift = cusum_shift

    def noufaily(self, b: int | None = None) -> NoufailyDetector:
        """The baseline of the scan: Noufaily's settings, keeping a significant trend up to ``trend_cap`` times the
        largest baseline count (R's cap of 1 made the baselines of steadily growing series a third low)."""
        settings = MONTHLY_SETTINGS if self.frequency == 12 else {"frequency": self.frequency}
        monthly = self.frequency == 12
        return NoufailyDetector(**{**settings, **({"b": b} if b else {}), "cap_trend": self.trend_cap,
                                   "recent_ratio": self.recent_ratio, "recent_fit_phi_floor": monthly,
                                   "excluded_z": self.excluded_z if monthly else None})

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
        shifted = base_ev & AutoDetector._level_changed(m, out["phi"], nouf, long)
        if shifted.any():
            # the long baseline may mix an older level in: the 3-year baseline where its prediction is clearly
            # above the long one (see _differs)
            again, ev = nouf.score_matrix(m, start, cells=shifted, bounds=False)
            mine = ev & AutoDetector._differs(again, out, nouf)
            for k in ("expected", "phi", "reason"):
                out[k][mine] = again[k][mine]
            years[mine] = nouf.b
            del again
        # the 3-year baseline where the long one is out of reach: too few years, or too few of them delivered
        if (evaluable(m, nouf.history_needed, start) & mask & ~base_ev).any():
            short_out, short_ev = nouf.score_matrix(m, start, cells=mask & ~base_ev, bounds=False)
            for k in ("expected", "phi", "reason"):
                out[k][short_ev] = short_out[k][short_ev]
            base_ev = base_ev | short_ev
        return out, base_ev, years

    @staticmethod
    def _years_delivered(m: Matrix, years: np.ndarray, long: NoufailyDetector, nouf: NoufailyDetector) -> None:
        """Long baselines that lost a year's worth of periods or more to periods never delivered read the
        calibration of ``nouf``'s years (in place): they hold no more reference values than that, and their
        estimation error is its, not the long baseline's."""
        seen = running_sums(np.isfinite(m.counts))
        t = np.arange(m.counts.shape[1])
        lo, hi = t - long.history_needed, t - long.past_periods_excluded
        ok = lo >= 0
        lost = np.zeros(m.counts.shape, dtype=bool)
        lost[:, ok] = (hi[ok] - lo[ok]) - (seen[:, hi[ok]] - seen[:, lo[ok]]) >= long.frequency
        years[lost & (years == long.b)] = nouf.b

    #: |z| of the mean count of the baseline's last year against its earlier years above which the long and the
    #: 3-year baselines are compared (a steady series exceeds it in about 3 of 1,000 cells, by the normal tail)
    LEVEL_CHANGE_Z = 3.0
    #: ... and the 3-year baseline is used where its prediction is above the long one by more than this many
    #: standard errors of a mean of its reference windows (sqrt(phi mu / n))
    LEVEL_CHANGE_SE = 3.5

    @staticmethod
    def _level_changed(m: Matrix, phi: np.ndarray, nouf: NoufailyDetector, long: NoufailyDetector) -> np.ndarray:
        """Cells whose long baseline's last year (the periods before the excluded ones) differs in mean count
        from its earlier years by more than ``LEVEL_CHANGE_Z`` quasi-Poisson standard errors: a level change the
        long baseline mixes with the old level, or a steady trend (which the long fit's trend may follow well;
        :meth:`_differs` decides)."""
        y = np.nan_to_num(m.counts)
        c = running_sums(y)
        t = np.arange(y.shape[1])
        e = -long.past_periods_excluded                     # last year: offsets b .. e - 1; earlier: a .. b - 1
        a, b = -long.history_needed, e - long.frequency
        ok = t + a >= 0
        tt = t[ok]
        n_old, n_new, told = b - a, e - b, True
        if np.isnan(m.counts).any():
            # means of the delivered periods (a period never delivered is no zero; NaN outside a series does
            # not matter, those cells have no long baseline); a year mostly never delivered tells no level
            seen = running_sums(np.isfinite(m.counts))
            n_old = np.maximum(seen[:, tt + b] - seen[:, tt + a], 1)
            n_new = np.maximum(seen[:, tt + e] - seen[:, tt + b], 1)
            told = (2 * n_old >= b - a) & (2 * n_new >= e - b)
        old = (c[:, tt + b] - c[:, tt + a]) / n_old
        new = (c[:, tt + e] - c[:, tt + b]) / n_new
        pooled = (old * n_old + new * n_new) / (n_old + n_new)
        se = np.sqrt(np.maximum(np.nan_to_num(phi[:, ok], nan=1.0), 1.0) * np.maximum(pooled, 1e-9)
                     * (1 / n_old + 1 / n_new))
        out = np.zeros(y.shape, dtype=bool)
        out[:, ok] = (np.abs(new - old) > AutoDetector.LEVEL_CHANGE_Z * se) & told
        return out

    @staticmethod
    def _differs(short: dict, long: dict, nouf: NoufailyDetector) -> np.ndarray:
        """Where the 3-year baseline's prediction is above the long one by more than ``LEVEL_CHANGE_SE`` standard
        errors of a mean of its reference windows (``b`` windows of ``2 w + 1`` periods): the long baseline mixes
        a lower old level in, and would alarm on the new one. One-sided: where the long baseline is the higher, it
        alarms less, and taking the other wherever they differ raised the false alarms on the grid (the lower of
        two noisy baselines)."""
        n = nouf.b * (2 * nouf.w + 1)
        with np.errstate(invalid="ignore"):
            se = np.sqrt(np.maximum(short["phi"], 1.0) * short["expected"] / n)
            return short["expected"] - long["expected"] > AutoDetector.LEVEL_CHANGE_SE * se

    def score_matrix(self, m: Matrix, eval_start: int | None = None):
        scan = ScanDetector(self.windows, self.alpha, self.cusum_shift, frequency=self.frequency)
        # the windows need the baseline of the periods just before the first reported one
        start = None if eval_start is None else eval_start - scan.warmup
        nouf = self.noufaily().fit()
        long = self.noufaily(self.long_b).fit() if self.long_b and self.frequency == 52 else None
        out, base_ev, years = self._baseline(m, start, nouf, long)
        if self.holidays and self.frequency == 52:
            # the weeks near and at the holidays on a history without them, the holiday weeks then with their
            # own effect of earlier years (a recurring peak or dip is their expected level, not an outbreak)
            def refit(filled: Matrix, cells: np.ndarray):
                return self._baseline(filled, start, nouf, long, cells)[:2]

            gap = min(d.past_periods_excluded for d in (nouf, long) if d is not None)
            with_holidays(m, out, base_ev, nouf.w, refit, gap=gap)
            if self.moving_holidays:
                with_holidays(m, out, base_ev, nouf.w, refit, gap=gap, calendar=moving_holidays, apart=True, near=False)
        if long is not None and np.isnan(m.counts).any():
            self._years_delivered(m, years, long, nouf)
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
                h = -np.log(raw_at(self.alpha, out["expected"][s, t, None], out["phi"][s, t, None], int(years[s, t]),
                                  frequency=self.frequency)[0])
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
            got, delivered = moving.score_matrix(sub)
            part = short[:, lo: cols.max() + 1]          # a view: narrowed in place
            part &= delivered             # at least ``least`` of its last periods delivered (models.short)
            need = nouf.history_needed
            for k in ("expected", "upper", "score", "pvalue", "alarm", "method"):   # no phi: not pooled (models.evidence)
                out[k][:, lo: cols.max() + 1][part] = got[k][part]
            why = np.full(part.shape, f"history shorter than the {need + 1} periods noufaily needs", dtype=object)
            if np.isnan(m.counts).any():
                # an old series whose seasonal baseline lost too much to periods never delivered
                seen = np.isfinite(m.counts)
                first = np.where(seen.any(axis=1), seen.argmax(axis=1), seen.shape[1])
                old = np.arange(lo, cols.max() + 1)[None, :] - first[:, None] >= need
                why[old] = f"too few of the {need + 1} periods noufaily needs were delivered"
            reasons = why.copy()
            rise = part & got["alarm"]
            reasons[rise & (got["window"] > 1)] = "window: rise over several periods; " + why[rise & (got["window"] > 1)]
            reasons[rise & (got["window"] == 0)] = "cusum: sustained rise; " + why[rise & (got["window"] == 0)]
            out["reason"][:, lo: cols.max() + 1][part] = reasons[part]
        evaluated = base_ev | short
        self._no_alarm_without_excess(m, out, evaluated)
        return out, evaluated

    def _no_alarm_without_excess(self, m: Matrix, out: dict, evaluated: np.ndarray) -> None:
        """No alarm where no window of the scan (1 to 4 periods ending now) holds more counts than expected.

        The p-value judges counts against the fitted baseline's whole distribution; where that distribution is
        wrong (a dispersion inflated by a far-out count put nearly all its mass at 0) even a count below the
        expected one looked unlikely. Evidence of a rise has more counts than expected somewhere.
        """
        alarm = out["alarm"] & evaluated
        if not alarm.any():
            return
        counts = running_sums(np.nan_to_num(m.counts))
        expected = running_sums(np.nan_to_num(out["expected"]))
        excess = np.zeros(alarm.shape, dtype=bool)
        for L in self.windows:
            excess[:, L - 1:] |= (counts[:, L:] - counts[:, :-L]) > (expected[:, L:] - expected[:, :-L])
        drop = alarm & ~excess
        out["alarm"][drop] = False
        out["reason"][drop] = (f"p-value at most {self.alpha} but no window of {min(self.windows)} to "
                               f"{max(self.windows)} periods above its expected count")

