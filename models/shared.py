"""Shared shifts: a signal that rises in most buurten of a municipality at once is judged once, not in every buurt.

A new reporting app, a campaign or a new category mapping moves a whole source: every buurt's counts of a signal
double from one week on, and each buurt's baseline takes the step in only once it is in its past (about a year). Each
buurt then reads as a rise of its own: the red team's doubled meldingen put 41 of 48 buurten on the lists, 2 to 2.8
weekly entries per team a week for 31 weeks, and buurten "opgelost" while their counts stayed doubled. The lists are
about local deviations. So per signal and period the municipality's counts over the windows of 1, 2 and 4 periods
ending there are set against the sum of its buurten's baselines; a shift is *found* when, in one of them, it is

* honest: the total's negative-binomial tail (variance the sum of each baseline's fitted ``phi x expected``) is at
  most ``ALPHA`` (shared among the windows);
* material: the total is at least ``LEAST_FACTOR`` times the summed baselines (beyond the few per cent a trend the
  baselines trail accounts for, which ``models.pooled`` corrects up to 1.15 in its sums); and
* broad: the rest of the municipality, without the buurten furthest above their baselines (a ``TRIM`` share of the
  counted ones, half, at least ``LEAST_TRIM``), is itself at most ``REST_ALPHA`` in its tail and ``REST_FACTOR`` above its
  baselines; and of the buurten expecting at least ``LEAST_EXPECTED_WINDOW`` counts in four periods (at least
  ``LEAST_AREAS`` of them) at least ``BROAD`` are above their baselines. A rise in a few (neighbouring) buurten, or
  in the town's half of a municipality, moves the total, not the rest: it stays a local rise.

A shift found lasts while the total stays above the baselines at the looser ``STAY_ALPHA`` and ``STAY_FACTOR`` (a
source that doubled stays doubled), against the current baselines or against those of the same period a year before:
the buurten's baselines take a lasting shift in one by one, each by its own step rule, and against them the total's
factor falls while many buurten still read the shift whole.

While a signal is shifted, each buurt's baseline of the periods of the window is scaled: to the factor of the *other*
buurten (leave-one-out: a buurt's own outbreak does not raise its own expectation) in that period, against the
baselines of a year before, times the buurt's baseline of a year before (at least its own baseline: a buurt that took
the shift in already is not scaled again); a period's factor is drawn to the window's by ``PRIOR`` expected counts. Only
a buurt rising beyond the shared shift then lists. The series' p-values of those cells are made again against the
scaled baselines (the windows of 1 to 4 periods, read on the scan's calibration; never below the detector's own) and
the pooled looks read the scaled baselines. The shift itself is said once, per signal, on the lists
(``pipelines.export``) and in the run's log.

Assumptions: ``frame`` holds one municipality (``pipelines.flag.flag_run`` flags one at a time) and, for the baselines
of a year before, a year of scored periods (else the current baselines stand in); only upward shifts (a source that
halves costs the buurten detection, no false entries); series without a fitted dispersion (the moving baseline of a
young series) count in neither sum and are not rescaled. Vectorised over signals, buurten and periods (numpy arrays
of one municipality): no loop per series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.noufaily import nb_quantile
from models.scan import LEAST_EXPECTED, calibrate, nb_tail, raw_at

#: periods the shared shift is read over, per period type (the buurten's scan windows reach back 4 weeks)
WINDOW = {"week": 4, "month": 2}
#: a shift is found where the total's tail under the summed baselines (with their fitted dispersions) is at most
#: ``ALPHA`` and the total at least ``LEAST_FACTOR`` times them (baselines trailing a +30 %/yr trend are about 10 %
#: low; ``models.pooled`` corrects its sums up to 1.15)
ALPHA = 1e-3
LEAST_FACTOR = 1.2
#: broad: the rest of the municipality carries it too, without the ``TRIM`` share of the counted buurten (at least
#: ``LEAST_TRIM``) whose counts are furthest above their baselines: its tail at most ``REST_ALPHA``, its factor at
#: least ``REST_FACTOR``; and at least ``BROAD`` of the counted buurten (those expecting ``LEAST_EXPECTED_WINDOW``
#: counts in the window, at least ``LEAST_AREAS`` of them) above their baselines (quiet: about half, fewer for
#: sparse series, whose median lies below the mean). A rise in a few neighbouring buurten moves the total, not the rest;
#: nor does a rise in the town's half of the municipality: without the half furthest above, the villages' rest reads
#: its own baselines (red team 8a: a fifth trimmed called the town's 23 of 48 buurten a change of the source, on the
#: villages' lists too). A source that changed moves the lower half as well
TRIM, LEAST_TRIM = 0.5, 3
REST_ALPHA, REST_FACTOR = 1e-3, 1.1
LEAST_EXPECTED_WINDOW = 1.0
LEAST_AREAS = 5
BROAD = 0.5
#: a shift once found lasts while the total stays above the baselines at these looser levels: a source that doubled
#: stays doubled, and a week of chance below the strict levels put every buurt back on the lists
STAY_ALPHA, STAY_FACTOR = 0.05, 1.1
#: expected counts at the window's factor added to each period's own in its factor (a period of few counts reads the
#: window's)
PRIOR = 5.0
#: periods back to the same period a year before
YEAR = {"week": 52, "month": 12}
#: the scan's calibration of the baselines of 3 years (``models.noufaily`` default b): the most uncertain baselines
#: (and a calibration that includes the CUSUM, so a p-value of the windows alone read on it is conservative)
CALIBRATION_YEARS = 3
WINDOWS = (1, 2, 3, 4)
#: the windows a shift is found over (``ALPHA`` shared among them: Bonferroni); the last is the one it is followed over
FOUND_WINDOWS = {"week": (1, 2, 4), "month": (1, 2)}


def _dense(frame: pd.DataFrame):
    """(signal, area, period) arrays of one period type: counts, baselines (0 where none), variances and the cell of
    each row (-1 for none)."""
    sig_id, signals = pd.factorize(frame["signal"], sort=True)
    area_id, areas = pd.factorize(frame["area_code"], sort=True)
    t_id, starts = pd.factorize(frame["period_start"], sort=True)
    shape = (len(signals), len(areas), len(starts))
    mu = frame["expected"].to_numpy(dtype=float)
    phi = frame["phi"].to_numpy(dtype=float) if "phi" in frame else np.full(len(frame), np.nan)
    ok = np.isfinite(mu) & np.isfinite(phi) & (mu >= 0)
    y, m, v, has = (np.zeros(shape) for _ in range(4))
    idx = (sig_id[ok], area_id[ok], t_id[ok])
    y[idx] = frame["count"].to_numpy(dtype=float)[ok]
    m[idx] = np.maximum(mu[ok], LEAST_EXPECTED)
    v[idx] = m[idx] * np.maximum(phi[ok], 1.0)
    has[idx] = 1.0
    return signals, starts, (sig_id, area_id, t_id, ok), y, m, v, has


def _window(a: np.ndarray, w: int) -> np.ndarray:
    """Sums over the ``w`` periods ending at each period, along the last axis."""
    c = np.concatenate([np.zeros(a.shape[:-1] + (1,)), np.cumsum(a, axis=-1)], axis=-1)
    hi = np.arange(1, a.shape[-1] + 1)
    return c[..., hi] - c[..., np.clip(hi - w, 0, None)]


def _looks(y: np.ndarray, m: np.ndarray, v: np.ndarray, k: int, looks: int) -> dict:
    """Per signal and period, over the window of ``k`` periods ending there: whether a shift is found (the total, its
    rest without the buurten furthest above their baselines, and its breadth; see the module), with the total's tail
    and factor, the share of the counted buurten above their baselines, their number and the rest's factor; ``looks``:
    the windows ``ALPHA`` is shared among."""
    Y, M, V = (_window(a, k) for a in (y, m, v))             # signal x area x period
    total_y, total_m, total_v = Y.sum(1), M.sum(1), V.sum(1)
    tail = nb_tail(total_y, total_m, np.maximum(total_v / np.maximum(total_m, 1e-12), 1.0))
    factor = total_y / np.maximum(total_m, 1e-12)
    counted = M >= LEAST_EXPECTED_WINDOW * k / 4
    n_counted = counted.sum(1)
    share = (counted & (Y > M)).sum(1) / np.maximum(n_counted, 1)
    # the rest: without the buurten furthest above their baselines
    trim = np.maximum(LEAST_TRIM, np.ceil(TRIM * n_counted)).astype(np.int64)
    order = np.argsort(-(Y - M), axis=1, kind="stable")          # descending excess over the buurten
    top = np.arange(Y.shape[1])[None, :, None] < trim[:, None, :]
    removed = np.take_along_axis(top, np.argsort(order, axis=1), axis=1)      # back in the buurten's order
    rest_y = np.where(removed, 0.0, Y).sum(1)
    rest_m, rest_v = np.where(removed, 0.0, M).sum(1), np.where(removed, 0.0, V).sum(1)
    rest_tail = nb_tail(rest_y, rest_m, np.maximum(rest_v / np.maximum(rest_m, 1e-12), 1.0))
    rest_factor = rest_y / np.maximum(rest_m, 1e-12)
    found = ((tail <= ALPHA / looks) & (factor >= LEAST_FACTOR) & (rest_tail <= REST_ALPHA)
             & (rest_factor >= REST_FACTOR) & (n_counted >= LEAST_AREAS) & (share >= BROAD))
    return {"found": found, "tail": tail, "factor": factor, "share": share, "areas": n_counted, "rest": rest_factor}


def _scaled_upper(upper: np.ndarray, mu: np.ndarray, phi: np.ndarray, scaled: np.ndarray, alpha: float,
                  period: str) -> np.ndarray:
    """``upper`` where a cell is not ``scaled``; else the largest count whose single-period tail under the scaled
    baseline ``mu`` (dispersion ``phi``) is above ``alpha`` on the scan's calibration of :data:`CALIBRATION_YEARS`, as
    ``models.scan`` sets a detector's bound, and at least ``upper``."""
    out = upper.copy()
    if scaled.any():
        frequency = 52 if period == "week" else 12
        at = raw_at(alpha, mu[scaled], phi[scaled], CALIBRATION_YEARS, frequency=frequency)
        bound = nb_quantile(mu[scaled], phi[scaled], at, upper_tail=True)
        out[scaled] = np.where(np.isfinite(upper[scaled]), np.fmax(bound, upper[scaled]), upper[scaled])
    return out


def shared_shifts(frame: pd.DataFrame, alpha: float = 0.0075) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shared shifts of one municipality, and its series frame with the buurten judged beyond them.

    Parameters
    ----------
    frame : ``models.evidence.series_frame`` of one municipality: ``area_code, signal, period, period_start, count,
        expected, phi, p0, own_alarm`` per series and period.
    alpha : the detectors' own level (``auto``'s): a rescaled cell keeps its detector's alarm only at or below it.

    Returns
    -------
    ``shifts``: per signal, period type and period where the shift is shared: ``factor`` (the municipality's counts
    / summed baselines over the window), ``period_factor`` (the period's own against the baselines of a year before,
    drawn to the window's), ``pvalue``
    (the total's tail), ``share`` (of the buurten counted, those above their baselines), ``areas`` (counted), and
    ``since`` (the first period of the run of periods it belongs to), ``rest_factor`` (without the buurten furthest
    above). ``frame`` with ``expected`` times each
    cell's leave-one-out factor, ``p0`` made again where a window of the cell reads a scaled baseline (never below
    the detector's own) and ``own_alarm`` kept only where that p-value is at most ``alpha``; ``shared_factor``, the
    cell's factor (1 where none).
    """
    cols = ["signal", "period", "period_start", "factor", "period_factor", "pvalue", "rest_factor", "share", "areas",
            "since"]
    out, shifts = frame.assign(shared_factor=1.0), []
    for period, part in frame.groupby("period", sort=False):
        w = WINDOW.get(period, WINDOW["week"])
        signals, starts, (sig_id, area_id, t_id, ok), y, m, v, has = _dense(part)
        # found over windows of 1, 2 and 4 periods (a step reads whole in its first week), followed over ``w``
        found = np.zeros(y.shape[::2], dtype=bool)
        windows = FOUND_WINDOWS.get(period, FOUND_WINDOWS["week"])
        for k in windows:                           # the last is ``w``: its figures are the ones reported
            stats = _looks(y, m, v, k, len(windows))
            found |= stats["found"]
        tail, factor, share, n_counted, rest_factor = (stats[c] for c in ("tail", "factor", "share", "areas", "rest"))
        Y, M, V = (_window(a, w) for a in (y, m, v))             # signal x area x period
        total_v, total_m = V.sum(1), M.sum(1)
        # the buurten's baselines take a lasting shift in one by one (each series' step rule, ``models.glm_kernel``):
        # against them the total's factor falls while many buurten still read it whole. So a shift is followed, and
        # each buurt scaled, against the baselines of the same period a year before (``YEAR``; the current ones
        # where the scores do not reach back that far): from before a shift younger than a year, in season
        lag = YEAR.get(period, YEAR["week"])
        ref = np.concatenate([m[..., :lag], m[..., :-lag]], axis=-1) if m.shape[-1] > lag else m.copy()
        had = np.concatenate([np.zeros_like(has[..., :lag]), has[..., :-lag]], axis=-1) if m.shape[-1] > lag else has
        ref = np.where(had > 0.5, ref, m)
        ref_y, ref_m = Y.sum(1), _window(ref, w).sum(1)
        ref_tail = nb_tail(ref_y, ref_m, np.maximum(total_v / np.maximum(total_m, 1e-12), 1.0))
        ref_factor = ref_y / np.maximum(ref_m, 1e-12)
        stays = ((tail <= STAY_ALPHA) & (factor >= STAY_FACTOR) | (ref_tail <= STAY_ALPHA) & (ref_factor >= STAY_FACTOR)
                 | found)
        # shifted: a period of a run of ``stays`` periods in which one was ``found`` (at it or before it)
        t_index = np.arange(found.shape[1])[None, :]
        last_found = np.maximum.accumulate(np.where(found, t_index, -1), axis=1)
        last_gone = np.maximum.accumulate(np.where(stays, -1, t_index), axis=1)
        shifted = stays & (last_found > last_gone)
        if not shifted.any():
            continue
        # the periods of a shifted window are scaled (a step is found some weeks after it: its first weeks are in
        # the window); each by its own factor of the other buurten, drawn to the window's by ``PRIOR`` expected counts
        active = _window(shifted[:, ::-1].astype(float), w)[:, ::-1] > 0
        tot_y1, tot_r1 = y.sum(1, keepdims=True), ref.sum(1, keepdims=True)
        drawn = PRIOR * np.maximum(ref_factor, 1.0)[:, None, :]        # to the window's factor
        shared = (tot_y1 - y + drawn) / (tot_r1 - ref + PRIOR)        # the other buurten's, against last year's
        loo = (shared * ref / np.maximum(m, 1e-12)).clip(1.0)           # a buurt that took it in already: about 1
        loo = np.where(active[:, None, :], loo, 1.0)
        own = ((tot_y1[:, 0, :] + drawn[:, 0, :]) / (tot_r1[:, 0, :] + PRIOR)).clip(1.0)
        # the rows' cells: scaled baselines, and the windows' p-values made again where a window reads one
        rows = np.flatnonzero(ok)
        cell = (sig_id[ok], area_id[ok], t_id[ok])
        f_cell = loo[cell]
        idx = part.index[rows]
        out.loc[idx, "shared_factor"] = f_cell
        out.loc[idx, "expected"] = part["expected"].to_numpy(dtype=float)[rows] * f_cell
        scaled = m * loo
        phi_cell = v / np.maximum(m, 1e-12)
        if "upper" in part:
            # the bound printed beside the scaled baseline is the scaled baseline's (its single-period count that
            # would alarm, on the calibration the p-values below are read on), never below the detector's own: a
            # row read "42, verwacht 20,8 (bovengrens 33)", the bound of the baseline of 10.95 (red team 10c F4)
            out.loc[idx, "upper"] = _scaled_upper(part["upper"].to_numpy(dtype=float)[rows], scaled[cell],
                                                  phi_cell[cell], f_cell > 1.0, alpha, period)
        touched = _window((loo > 1.0).astype(float), max(WINDOWS)) > 0
        raw = np.ones(y.shape)
        for k in WINDOWS:
            yk, mk, vk = _window(y, k), _window(scaled, k), _window(v * loo, k)
            win_ok = _window(has, k) >= k - 0.5
            t = np.ones(y.shape)
            t[touched & win_ok] = nb_tail(yk[touched & win_ok], mk[touched & win_ok],
                                          np.maximum(vk / np.maximum(mk, 1e-12), 1.0)[touched & win_ok])
            raw = np.minimum(raw, t)
        p_new = calibrate(raw[cell], scaled[cell], phi_cell[cell], CALIBRATION_YEARS,
                          frequency=52 if period == "week" else 12)
        again = touched[cell]
        p_old = part["p0"].to_numpy(dtype=float)[rows]
        p = np.where(again, np.maximum(p_old, p_new), p_old)
        out.loc[idx, "p0"] = p
        if "own_alarm" in part:
            out.loc[idx, "own_alarm"] = part["own_alarm"].to_numpy(dtype=bool)[rows] & (~again | (p <= alpha))
        s_i, t_i = np.nonzero(shifted)
        # the first period of each run of shifted periods: one after the last period before it that was not
        run_start = last_gone + 1
        shifts.append(pd.DataFrame({
            "signal": np.asarray(signals, dtype=object)[s_i], "period": period,
            "period_start": np.asarray(starts)[t_i], "factor": factor[s_i, t_i], "period_factor": own[s_i, t_i],
            "pvalue": tail[s_i, t_i], "rest_factor": rest_factor[s_i, t_i], "share": share[s_i, t_i],
            "areas": n_counted[s_i, t_i],
            "since": np.asarray(starts)[run_start[s_i, t_i]]}))
    found = pd.concat(shifts, ignore_index=True)[cols] if shifts else pd.DataFrame(columns=cols)
    return found, out
