"""Compiled inner loop of the window scan + CUSUM (``models.scan``), with numba.

One series at a time, period by period: the windows' negative-binomial tails, the CUSUM, the
calibrated p-value and the restart after an alarm. Done with numpy the loop ran over periods and
made (series x windows) temporaries for every period; here each cell costs its few tails and a
table lookup. The tails call the same Boost routines as ``scipy.special.betainc`` and ``gammainc``
(through ``scipy.special.cython_special``), the calibration reads the curves as ``np.interp`` does.
"""
from __future__ import annotations

import math

import llvmlite.binding as llvm
from numba import njit, types
from numba.extending import get_cython_function_address

# scipy's compiled betainc and gammainc (double arguments, then Cython's "skip dispatch" flag), linked by
# name so that numba can cache the functions that call them
llvm.add_symbol("wijkradar_betainc", get_cython_function_address("scipy.special.cython_special", "__pyx_fuse_0betainc"))
llvm.add_symbol("wijkradar_gammainc", get_cython_function_address("scipy.special.cython_special", "gammainc"))
_betainc = types.ExternalFunction("wijkradar_betainc", types.float64(types.float64, types.float64, types.float64,
                                                                      types.int32))
_gammainc = types.ExternalFunction("wijkradar_gammainc", types.float64(types.float64, types.float64, types.int32))


@njit(cache=True, nogil=True)
def nb_tail_one(count, mean, phi):
    """P(X >= count), X negative binomial with this mean and variance ``phi * mean`` (Poisson at phi = 1)."""
    if not count > 0.5:
        return 1.0
    if phi > 1 + 1e-9:
        return _betainc(count, max(mean, 1e-12) / (phi - 1), 1 - 1 / phi, 0)
    return _gammainc(count, max(mean, 1e-12), 0)


@njit(cache=True, nogil=True)
def calibrated_one(raw, curve, grid):
    """The curve's null tail at ``raw`` (log10 grid, linear in log10 between points as np.interp; below the
    grid in proportion to the statistic)."""
    x = math.log10(max(raw, 1e-300))
    n = grid.shape[0]
    if x < grid[0]:
        v = curve[0] + (x - grid[0])
    elif x >= grid[n - 1]:
        v = curve[n - 1]
    else:
        lo, hi = 0, n - 1                     # grid[lo] <= x < grid[hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if grid[mid] <= x:
                lo = mid
            else:
                hi = mid
        slope = (curve[lo + 1] - curve[lo]) / (grid[lo + 1] - grid[lo])
        v = slope * (x - grid[lo]) + curve[lo]
    return 10.0 ** min(v, 0.0)


@njit(cache=True, nogil=True)
def calibrated(raw, flat, curves, grid, out):
    """:func:`calibrated_one` of every cell, ``flat`` its row of ``curves`` (the (expected, phi) bin)."""
    for j in range(raw.shape[0]):
        out[j] = calibrated_one(raw[j], curves[flat[j]], grid)


@njit(cache=True, nogil=True)
def scan_rows(y, mu, phi, valid, b_index, flat, curves, grid, wins, c0, log_shift, shift,
              alpha, min_cases, min_window, pvalue, cusum, raw_out, alarm, window):
    """Window scan + CUSUM of every row of ``y`` from column ``c0`` on, filling the output matrices.

    ``curves``: (baseline lengths, expected bins x phi bins, grid) calibration curves; ``b_index`` and
    ``flat`` (``models.scan.bin_of``) each cell's baseline length and bin in them. A window needs a baseline in each
    of its observed periods (``valid``), and after an alarm the evidence restarts (CUSUM 0, no window reaching back
    over the alarmed period). A period never delivered (NaN in ``y``) is skipped, not a break: the CUSUM keeps its
    state over it and a window spanning it sums the observed periods of its span.
    """
    S, T = y.shape
    W = wins.shape[0]
    for s in range(S):
        cum = 0.0
        begin = T                             # first column of the windows' current run (T: none)
        gap = -1                              # the last missing period inside the run
        for t in range(c0, T):
            if not valid[s, t]:
                if begin <= t and y[s, t] != y[s, t]:
                    gap = t
                else:
                    begin = T
                continue
            if begin > t:
                begin = t
            f = phi[s, t]
            scan = 2.0
            best = 0
            for k in range(W):
                w = wins[k]
                if t + 1 - w < begin:
                    tail = 1.0
                else:
                    yy = 0.0
                    mm = 0.0
                    if t + 1 - w > gap:
                        for j in range(t + 1 - w, t + 1):
                            yy += y[s, j]
                            mm += mu[s, j]
                    else:
                        for j in range(t + 1 - w, t + 1):
                            if valid[s, j]:
                                yy += y[s, j]
                                mm += mu[s, j]
                    tail = nb_tail_one(yy, mm, f)
                if tail < scan:
                    scan = tail
                    best = k
            cum = max(0.0, cum + (y[s, t] * log_shift - (shift - 1.0) * mu[s, t]) / f)
            chart = math.exp(-cum)
            raw = min(scan, chart)
            p = calibrated_one(raw, curves[b_index[s, t], flat[s, t]], grid)
            recent = 0.0
            for j in range(max(c0, t + 1 - min_window), t + 1):
                if y[s, j] == y[s, j]:        # a period before the series starts counts 0
                    recent += y[s, j]
            pvalue[s, t] = p
            cusum[s, t] = cum
            raw_out[s, t] = raw
            window[s, t] = 0 if chart < scan else wins[best]
            if p <= alpha and recent >= min_cases:
                alarm[s, t] = True
                cum = 0.0
                begin = t + 1
