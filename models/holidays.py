"""The Christmas and New Year weeks: kept out of the seasonal baseline of the weeks around them, and given
a reference of their own, the same holiday weeks of earlier years.

Reports dip in the weeks of Christmas Day and New Year's Day (or peak: fireworks litter, vandalism at the
jaarwisseling). The Noufaily baseline of a week takes the same week +- w in earlier years as its reference,
so the reference of the weeks just before and after the holidays holds the holiday weeks: on daily counts of
4 a day with a dip to 0.2 times from 24 December to 1 January, ``auto`` alarmed in 2.4 to 5.5 % of quiet weeks
49 to 51 (elsewhere 0.2 to 0.6 %). Those weeks' baseline is fitted on the history of :func:`without_holidays`,
each run of holiday weeks read as the mean of the weeks around it (:func:`holiday_weeks`). The holiday weeks
themselves cannot take their level from a 7-week window either: it averaged a recurring peak away, and the
reweighting took earlier years' peaks for outbreaks, so a peak of twice the daily count alarmed in 5 % of the
Christmas and New Year weeks every year (three times: 20 %). Their expected count is the baseline of the same
history without holidays times the effect the holiday weeks of earlier years had against the weeks around them,
per holiday day of the week (:func:`holiday_level`, :func:`with_holidays`): a recurring peak or dip is the
expected level there; a series whose earlier holidays show none keeps its baseline. Every figure of a week
reads only the weeks before it, also where a run of holiday weeks and the weeks after it straddle that week. Only
for weekly series on the calendar's period index (``models.calendar.period_index``).
"""
from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from models.calendar import index_to_start
from models.panel import Matrix

#: weeks either side of a run of holiday weeks whose mean stands in for it
AROUND = 3
#: years of earlier holiday weeks from which a holiday week's effect is learnt
YEARS = 5
#: a series's holiday effect is used only where its likelihood-ratio test (Poisson, over the dispersion; one degree
#: of freedom per group of days learnt) rejects none at this level, in the spirit of Farrington's test of the trend:
#: a series without one keeps its baseline in the holiday weeks, and its power (an effect fitted to noise, with its
#: variance added, cost a +5 sd rise in the New Year week a third of its detection at 0.7 a day). The Wald (score)
#: statistic it replaced read one count where 0.2 was expected as a significant peak and left out the noise of the
#: weeks around a run, which stand in for its level: on quiet series of 0.2, 0.5, 5 and 10 a week it chose an effect
#: in 10.6, 9.0, 7.0 and 8.5 % of the holiday weeks; now 0.4, 3.7, 4.7 and 5.5 %
SIGNIFICANT = 0.05
#: a group's effect may be a dip only where its holiday days of the earlier years expected at least this many counts
#: without one (their runs' level ``b`` times the group's days, summed): none seen where 3 are expected happens in
#: 5 % of years (e**-3), so fewer can tell no dip from none. A sparse series (0.2 a week: about 1 expected on 24-30
#: December in five years, 0.3 on New Year's Eve and Day) whose few holiday days held no report got a dip to
#: ``FLOOR``, often through the other group's peak ("verwacht 0,0" where its Decembers held 0.14 a week; a twentieth
#: of a small level); such a group is fitted as a peak or not at all
LEAST_COUNTS = 3.0
#: the least a holiday week is expected at, as a share of its level without holidays (a dip to nothing)
FLOOR = 0.05
#: the holiday days, in two groups whose effects are learnt apart: 24 to 30 December, and New Year's Eve and Day
#: (fireworks); the week of Christmas Day holds 2 to 7 of them, depending on the weekday it falls on
HOLIDAY_DAYS = ((1224, 1225, 1226, 1227, 1228, 1229, 1230), (1231, 101))          # month * 100 + day


def holiday_days(first_index: int, n_periods: int) -> np.ndarray:
    """(period x group): the days of each group of ``HOLIDAY_DAYS`` that fall in each week of a weekly matrix
    starting at ``first_index``."""
    starts = index_to_start(np.arange(first_index, first_index + n_periods), "week")
    out = np.zeros((n_periods, len(HOLIDAY_DAYS)))
    for offset in range(7):
        day = starts + pd.Timedelta(days=offset)
        for g, group in enumerate(HOLIDAY_DAYS):
            out[:, g] += (day.dt.month * 100 + day.dt.day).isin(group).to_numpy()
    return out


def holiday_weeks(first_index: int, n_periods: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column of a weekly matrix starting at ``first_index``: is it the week of Christmas Day or New
    Year's Day, and is it another week within ``w + 1`` weeks of such a week (its reference windows, w weeks
    either side of the same week in earlier years, reach the holidays; one more for years of 53 weeks)."""
    starts = index_to_start(np.arange(first_index, first_index + n_periods), "week")
    ends = starts + pd.Timedelta(days=6)
    holiday = np.zeros(n_periods, dtype=bool)
    for month, day in ((12, 25), (1, 1)):
        for years in (starts.dt.year, ends.dt.year):
            date = pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": day}))
            holiday |= ((starts <= date) & (date <= ends)).to_numpy()
    # distance in weeks to the nearest holiday week of any year (the calendar repeats; 52 or 53 weeks a year)
    week = pd.Series(starts).dt.isocalendar()["week"].to_numpy().astype(int)
    last = pd.to_datetime(pd.DataFrame({"year": starts.dt.year, "month": 12, "day": 28})).dt.isocalendar()["week"]
    to_end = last.to_numpy().astype(int) - week          # weeks to the last week of the ISO year (Christmas: 0 or 1)
    near = ~holiday & ((to_end <= w + 2) | (week <= w + 2))
    return holiday, near


def _runs(holiday: np.ndarray) -> list[tuple[int, int]]:
    """The first and last column of each run of consecutive holiday columns."""
    cols = np.flatnonzero(holiday)
    if not cols.size:
        return []
    return [(int(r[0]), int(r[-1])) for r in np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)]


def _around(counts: np.ndarray, holiday: np.ndarray, around: int, before: int | None = None,
            read: np.ndarray | None = None) -> np.ndarray:
    """(series x period): at each holiday column the mean of the ``around`` non-holiday periods before and after
    its run, per series (NaN where there are none); NaN elsewhere. With ``before``, only periods before that
    column are read: the history as it stood when that column was evaluated. ``read`` (the shape of the result),
    if given, is set to the number of periods each mean holds (0 elsewhere)."""
    out = np.full(counts.shape, np.nan)
    end = counts.shape[1] if before is None else min(before, counts.shape[1])
    for a, b in _runs(holiday):
        side = [c for c in (*range(a - around, a), *range(b + 1, b + 1 + around)) if 0 <= c < end and not holiday[c]]
        if not side:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)        # a series with none of them: NaN
            out[:, a: b + 1] = np.nanmean(counts[:, side], axis=1)[:, None]
        if read is not None:
            read[:, a: b + 1] = np.isfinite(counts[:, side]).sum(axis=1)[:, None]
    return out


def _straddled(holiday: np.ndarray, around: int, gap: int = 0) -> np.ndarray:
    """Per column t: does a run of holiday columns that a baseline leaving out the ``gap`` periods before t reads
    take, with its ``around`` periods after it, periods at or after t? Only there does the history as it stood
    before t read the run differently from the whole history."""
    out = np.zeros(holiday.shape, dtype=bool)
    for a, b in _runs(holiday):
        out[a + 1 + gap: b + around + 1] = True
    return out


def without_holidays(counts: np.ndarray, holiday: np.ndarray, around: int = AROUND,
                     before: int | None = None) -> np.ndarray:
    """``counts`` (series x period) with each run of holiday columns replaced by the mean of the ``around``
    non-holiday periods before and after it, per series (left as it is where there are none); with ``before``,
    the mean of those before that column only (the history of the period evaluated there). Not rounded: a sparse
    series's mean of 0.2 a week read as 0 took the holiday weeks' share of its reference away (the weeks around
    the holidays expected 0.16 where 0.20 was the level)."""
    fill = _around(counts, holiday, around, before)
    return np.where(np.isfinite(fill) & np.isfinite(counts), fill, counts)


def holiday_level(counts: np.ndarray, days: np.ndarray, holiday: np.ndarray, expected: np.ndarray,
                  phi: np.ndarray, cells: np.ndarray, around: int = AROUND, years: int = YEARS,
                  significant: float = SIGNIFICANT, least: float = LEAST_COUNTS,
                  otherwise: tuple[np.ndarray, np.ndarray] | None = None,
                  apart: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The expected count and dispersion of the holiday weeks in ``cells``, from their baseline without holidays.

    ``expected`` and ``phi`` (series x period) hold, at ``cells``, the baseline fitted on the history without
    holidays: the level the week would have without them. It is multiplied by ``1 + g . x``, ``x`` the week's
    holiday days per group (``days`` / 7, :func:`holiday_days`) and ``g`` the effect per holiday day of each
    group, fitted per series on the ``holiday`` weeks of the ``years`` earlier years: their counts against the
    mean of the ``around`` weeks either side of their run, ``b``, as ``b (1 + g . x)`` by least squares weighted
    by ``1 / (b (1 + g . x))`` (Poisson; one step from ``1 / b``). A cell at t reads only periods before t: the
    earlier week of its own run counts against the weeks before the run alone, as it did when t was evaluated
    (a base that took in the weeks after the run changed the expected count of the New Year week once they
    arrived). ``b`` is itself a mean of a few weeks, so the weights take its noise in as well. The fit's own error
    enters the dispersion: variance ``phi * mu + b**2 * var(g . x)``.
    A group whose earlier holiday days expected fewer than ``least`` counts is fitted as a peak only (a dip there
    cannot be told from none: its effect is then 0). An effect whose likelihood-ratio test does not reject none
    at level ``significant``, or one that cannot be fitted, is not used: the cell keeps its baseline, or takes
    ``otherwise`` (expected, phi) where given. Other cells are returned as they are. With ``apart``, a group is
    learnt only where one of its earlier weeks holds no other group's days: the effect of a group that shared
    every week with another cannot be told from that one's (the spring holidays, whose weeks meet in some years).
    """
    expected, phi = expected.copy(), phi.copy()
    x = days / 7.0
    for t in np.flatnonzero(cells.any(axis=0)):
        earlier = np.flatnonzero(holiday[:t])
        earlier = earlier[earlier >= t - years * 53 - 1]
        rows = np.flatnonzero(cells[:, t])
        read = np.zeros((len(rows), counts.shape[1]))
        base = _around(counts[rows], holiday, around, before=t, read=read)
        c, b = counts[np.ix_(rows, earlier)], base[:, earlier]
        seen = np.isfinite(c) & np.isfinite(b)
        c, b = np.where(seen, c, 0.0), np.where(seen, b, 0.0)
        noise = 1 + 1 / np.maximum(read[:, earlier], 1)          # c - b holds the noise of b, a mean of that many
        xe = x[earlier]                                                        # (earlier, group)
        few = b @ xe < least                                                   # (series, group): no dip
        learnt = b @ xe > 0
        if apart:
            alone = (xe > 0) & ((xe > 0).sum(axis=1) == 1)[:, None]
            learnt &= alone.any(axis=0)[None, :]
        for _ in range(xe.shape[1]):
            g, _, inv, fit = _effects(c, b, xe, noise, learnt)
            dip = learnt & few & (g < 0)
            if not dip.any():
                break
            learnt &= ~dip
        g, _, inv, fit2 = _effects(c, b, xe, noise * np.maximum(1 + g @ xe.T, FLOOR), learnt)
        fit &= fit2 & ~(learnt & few & (g < 0)).any(axis=1)
        mu_e = b * np.maximum(1 + g @ xe.T, FLOOR)
        with np.errstate(divide="ignore", invalid="ignore"):
            # a run whose weeks around held nothing has no level to be a share of: it tells nothing
            dev = np.where(b > 0, np.where(c > 0, c * np.log(mu_e / b), 0.0) - (mu_e - b), 0.0) / noise
        lr = 2 * dev.sum(axis=1) / phi[rows, t]
        xt = x[t]
        effect = g @ xt
        var = phi[rows, t] * np.einsum("g,sgh,h->s", xt, inv, xt)
        df = learnt.sum(axis=1)
        with np.errstate(invalid="ignore"):
            critical = stats.chi2.isf(significant, df)                         # no group learnt: NaN, never used
        use = fit & (df > 0) & (lr >= critical) & (var > 0)
        level = expected[rows, t]
        mu = level * np.maximum(1 + effect, FLOOR)
        kept_e, kept_p = (expected, phi) if otherwise is None else otherwise
        expected[rows, t] = np.where(use, mu, kept_e[rows, t])
        phi[rows, t] = np.where(use, phi[rows, t] + level ** 2 * var / mu, kept_p[rows, t])
    return expected, phi


def _effects(c: np.ndarray, b: np.ndarray, x: np.ndarray, ratio: np.ndarray, learnt: np.ndarray):
    """Per series (rows of ``c``, ``b``, ``ratio``: earlier holiday weeks): the least-squares fit of ``c - b`` on
    ``b x`` weighted by ``1 / (b ratio)``, over the groups ``learnt`` (series x group; the others' effect is 0);
    returns the effects g (series x group), the information A and its inverse (series x group x group, 0 in the
    rows and columns of groups not learnt) and whether A could be inverted."""
    w = b / ratio
    both = learnt[:, :, None] & learnt[:, None, :]
    A = np.einsum("sj,jg,jh->sgh", w, x, x) * both
    A += np.eye(x.shape[1]) * ~learnt[:, :, None]                 # a group not learnt: g = 0, A's inverse stays
    r = np.einsum("sj,jg->sg", (c - b) / ratio, x) * learnt
    inv = np.zeros_like(A)
    if x.shape[1] == 2:
        det = A[:, 0, 0] * A[:, 1, 1] - A[:, 0, 1] * A[:, 1, 0]
        fit = det > 1e-9 * np.maximum(A[:, 0, 0] * A[:, 1, 1], 1e-300)
        inv[fit] = np.stack([np.stack([A[fit, 1, 1], -A[fit, 0, 1]], -1),
                             np.stack([-A[fit, 1, 0], A[fit, 0, 0]], -1)], -2) / det[fit, None, None]
    else:                   # more groups (the spring holidays): the same test on A scaled to a unit diagonal
        scale = np.sqrt(np.maximum(np.einsum("sgg->sg", A), 1e-300))
        fit = np.linalg.det(A / (scale[:, :, None] * scale[:, None, :])) > 1e-9
        inv[fit] = np.linalg.inv(A[fit])
    A, inv = A * both, inv * both
    return np.einsum("sgh,sh->sg", inv, r), A, inv, fit


def christmas(first_index: int, n_periods: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The calendar of :func:`with_holidays` for the Christmas and New Year weeks: (holiday, near, days) of
    :func:`holiday_weeks` and :func:`holiday_days`."""
    return (*holiday_weeks(first_index, n_periods, w), holiday_days(first_index, n_periods))


def with_holidays(m: Matrix, out: dict, evaluated: np.ndarray, w: int,
                  baseline: Callable[[Matrix, np.ndarray], tuple[dict, np.ndarray]], gap: int = 0,
                  calendar: Callable[[int, int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = christmas,
                  apart: bool = False, near: bool = True) -> None:
    """Set ``out``'s ``expected`` and ``phi`` (in place) of the weeks near and at the holidays of a weekly series.

    ``baseline(matrix, cells)`` fits the detector's baseline on ``matrix`` at ``cells`` and returns (columns,
    fitted); ``w`` is its reference half-width and ``gap`` the periods just before a cell it leaves out (Noufaily's
    ``past_periods_excluded``; 0 if unsure). The weeks whose reference windows reach the holidays, and the
    holiday weeks themselves, are fitted on the history without holidays; the holiday weeks then get their
    effect in earlier years, relative to the weeks around them (:func:`holiday_level`), and a holiday week
    without one keeps the baseline it had (on the whole history: on sparse series the history without holidays
    had fewer weeks to read, and expected nothing in 0.94 % of those weeks at 0.2 a week, 0.52 % without the rule).
    Each week reads only the history before it: in the later weeks of a run and the weeks just after it, the
    run's stand-in is the mean of the weeks around it that came before the week (one more fit per such week whose
    baseline reaches the run: none beyond a ``gap`` of ``AROUND`` weeks or more), so a week's expected count does
    not change when later weeks arrive. ``calendar(first_index, n_periods, w)`` gives the holiday weeks, the
    weeks near them and their days per group (:func:`christmas`; the spring holidays:
    ``models.moving_holidays.moving_holidays``, with ``apart``: see :func:`holiday_level`). Without ``near``
    only the holiday weeks change, the weeks near them keep their baseline: the stand-ins of the history without
    holidays, means of a few weeks, read as less dispersion and a flatter season where the holiday weeks are many
    (the spring's 9 or so a year raised the false alarms of the weeks around them on seasonal series without any
    holiday effect from 0.4-0.5 % to 0.9-1.4 %).
    """
    holiday, around, days = calendar(m.first_index, m.n_periods, w)
    redo = evaluated & ((around if near else False) | holiday)[None, :]
    if not redo.any():
        return
    straddled = _straddled(holiday, AROUND, gap)
    cut = redo & straddled[None, :]
    done = np.zeros(redo.shape, dtype=bool)
    kept = out["expected"].copy(), out["phi"].copy()
    for t, cells in [(None, redo & ~cut), *((t, cut & (np.arange(m.n_periods) == t)[None, :])
                                            for t in np.flatnonzero(cut.any(axis=0)))]:
        if not cells.any():
            continue
        again, fitted = baseline(Matrix(m.keys, m.first_index, without_holidays(m.counts, holiday, before=t)), cells)
        mine = fitted & cells
        for k in ("expected", "phi"):
            out[k][mine] = again[k][mine]
        done |= mine
        del again
    out["expected"], out["phi"] = holiday_level(m.counts, days, holiday,
                                                out["expected"], out["phi"], done & holiday[None, :],
                                                otherwise=kept, apart=apart)
