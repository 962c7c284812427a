"""Compiled inner loop of the Noufaily baseline: one quasi-Poisson fit per (series, period), with numba.

Every evaluated cell of every series needs its own GLM (a seasonal level per block, an optional
linear trend) on the ``n`` baseline periods before it, refitted once after down-weighting past
outbreaks. Done with numpy, each Newton step made (cells x n) temporaries and the time went to
memory traffic; here one cell is fitted at a time in a few small buffers, and a Newton step costs a
few operations per seasonal level instead of per period:

- the levels have a closed form given the slope (exp(level) = sum(w y) / sum(w exp(slope t)) within
  the level), so only the slope takes Newton steps on its profile likelihood;
- the baseline periods are consecutive and fall into runs of one level (the +-w windows and the
  blocks between them) that repeat every year, so the sums of exp(slope t) times 1, t and t^2 over
  a level are geometric sums in exp(slope) and exp(slope * frequency);
- the weights after down-weighting past outbreaks are one constant except at the few down-weighted
  periods, which enter as corrections;
- without trend the means are one per level, and the Pearson statistic comes from per-level sums.

One departure from R, for counts R's examples never hold: a down-weighted period that alone outweighs all the
others in the dispersion (a count of 1,000,000 in a series of 3 a week) is bounded there, judged again on the
bounded dispersion, and the fit keeps no trend (``_bounded_dispersion``); R's answers are unchanged elsewhere.

Where some |slope * t| exceeds 20 the exponent is clipped per period, as before, and the sums are
taken period by period. On the detection benchmark's panel the baselines equal those of the former
numpy implementation to 1e-14; the tests compare the fit with scikit-learn's Poisson GLM and the
detector with frozen outputs and with R.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

MU_FLOOR = math.exp(-20.0)
#: Newton on the slope stops after a step smaller than this: convergence is quadratic, so the slope is
#: then within about 1e-10 (relative differences of the baselines up to 4e-9 against stopping at 1e-9,
#: one Newton step less per fit, 6 % of the fits' time)
SLOPE_TOL = 1e-6
#: reassociation lets the compiler vectorise the sums; no other IEEE shortcuts (inf and NaN stay meaningful)
FAST = {"reassoc", "contract"}


class Arrays(NamedTuple):
    """The design as the compiled fit reads it (see :class:`Design`)."""

    t: np.ndarray            # baseline offsets, consecutive
    level_of: np.ndarray     # seasonal level of each offset
    n_levels: int
    count: np.ndarray        # offsets per level
    run_start: np.ndarray    # runs of one level: first offset, length; each offset's run and place in it
    run_len: np.ndarray
    run_level: np.ndarray    # each run's level
    run_of: np.ndarray
    pos: np.ndarray
    maxlen: int              # longest run
    g_start: np.ndarray      # groups of runs (see Design): first start, step, number of runs, run length
    g_step: np.ndarray
    g_count: np.ndarray
    g_len: np.ndarray
    g_ptr: np.ndarray        # the groups of level k are g_ptr[k] .. g_ptr[k + 1]


class Workspace(NamedTuple):
    """Scratch buffers of one thread: per level, per run length, per run and per period."""

    level: np.ndarray
    sw: np.ndarray
    swt: np.ndarray
    wy: np.ndarray
    At2: np.ndarray
    pw: np.ndarray
    Q: np.ndarray
    P: np.ndarray
    work: np.ndarray
    cut: np.ndarray


class Design:
    """The seasonal design of the baseline, in the shapes the compiled fit reads."""

    def __init__(self, offsets: np.ndarray, level_of: np.ndarray, n_levels: int):
        self.t = np.asarray(offsets, dtype=np.float64)
        if len(self.t) > 1 and not np.all(np.diff(self.t) == 1):
            raise ValueError("baseline offsets must be consecutive")
        self.level_of = np.asarray(level_of, dtype=np.int64)
        self.n_levels = int(n_levels)
        self.count = np.bincount(self.level_of, minlength=n_levels).astype(np.float64)
        change = np.flatnonzero(np.diff(self.level_of)) + 1
        self.run_start = np.concatenate([[0], change]).astype(np.int64)
        self.run_len = np.diff(np.concatenate([self.run_start, [len(self.t)]])).astype(np.int64)
        self.run_level = self.level_of[self.run_start]
        self.run_of = np.repeat(np.arange(len(self.run_start)), self.run_len).astype(np.int64)
        self.pos = (np.arange(len(self.t)) - self.run_start[self.run_of]).astype(np.int64)
        # runs of one level and length that repeat at a fixed step (the same weeks in earlier years)
        # form a group, whose sums are geometric in exp(slope * step); the groups level by level
        groups = []
        for level in range(n_levels):
            for m in np.unique(self.run_len[self.run_level == level]):
                starts = self.t[self.run_start[(self.run_level == level) & (self.run_len == m)]]
                steps = np.diff(starts)
                if len(starts) > 1 and np.all(steps == steps[0]):
                    groups.append((starts[0], steps[0], len(starts), m, level))
                else:
                    groups += [(a, 0.0, 1, m, level) for a in starts]
        self.g_start = np.array([g[0] for g in groups], dtype=np.float64)
        self.g_step = np.array([g[1] for g in groups], dtype=np.float64)
        self.g_count = np.array([g[2] for g in groups], dtype=np.int64)
        self.g_len = np.array([g[3] for g in groups], dtype=np.int64)
        self.g_ptr = np.searchsorted(np.array([g[4] for g in groups]), np.arange(n_levels + 1)).astype(np.int64)

    def arrays(self) -> Arrays:
        return Arrays(self.t, self.level_of, self.n_levels, self.count, self.run_start, self.run_len,
                      self.run_level.astype(np.int64), self.run_of, self.pos, int(self.run_len.max()), self.g_start,
                      self.g_step, self.g_count, self.g_len, self.g_ptr)


@njit(cache=True, nogil=True, fastmath=FAST)
def _clipped(slope, t):
    return abs(slope) * max(abs(t[0]), abs(t[t.shape[0] - 1])) > 20.0


@njit(cache=True, nogil=True, fastmath=FAST)
def _powers(slope, t, run_start, run_len, maxlen, pw, Q):
    """pw[k] = exp(slope k) for k <= maxlen; Q[r] = exp(slope * t at the start of run r)."""
    e = math.exp(slope)
    pw[0] = 1.0
    for k in range(1, maxlen + 1):
        pw[k] = pw[k - 1] * e
    for r in range(run_start.shape[0]):
        if r % 16 == 0:                       # an exact exp now and then, so rounding never builds up
            Q[r] = math.exp(slope * t[run_start[r]])
        else:
            Q[r] = Q[r - 1] * pw[run_len[r - 1]]


@njit(cache=True, nogil=True, fastmath=FAST)
def _growth(slope, t, run_start, run_len, maxlen, pw, Q, run_of, pos, out):
    """exp(slope * t) for every baseline period, the exponent clipped to +-20."""
    n = t.shape[0]
    if _clipped(slope, t):
        for i in range(n):
            out[i] = math.exp(min(max(slope * t[i], -20.0), 20.0))
        return
    _powers(slope, t, run_start, run_len, maxlen, pw, Q)
    for i in range(n):
        out[i] = Q[run_of[i]] * pw[pos[i]]


@njit(cache=True, nogil=True, fastmath=FAST)
def _moments(slope, t, level_of, L, maxlen, g_start, g_step, g_count, g_len, g_ptr,
             out_idx, out_d, n_out, c, pw, P, A, At, At2, work):
    """Per level: sums of w exp(slope t) times 1, t and t^2 with weights w = c (1 + d at the outliers)."""
    for k in range(L):
        A[k] = 0.0
        At[k] = 0.0
        At2[k] = 0.0
    n = t.shape[0]
    if _clipped(slope, t):
        for i in range(n):
            work[i] = 1.0
        for j in range(n_out):
            work[out_idx[j]] += out_d[j]
        for i in range(n):
            w = c * work[i] * math.exp(min(max(slope * t[i], -20.0), 20.0))
            k = level_of[i]
            A[k] += w
            At[k] += w * t[i]
            At2[k] += w * t[i] * t[i]
        return
    e = math.exp(slope)
    pw[0] = 1.0
    for k in range(1, maxlen + 1):
        pw[k] = pw[k - 1] * e
    # P[m] = sum_{k<m} pw[k] * (1, k, k^2), the sums over a run of length m that starts at 0
    P[0, 0] = 0.0
    P[1, 0] = 0.0
    P[2, 0] = 0.0
    for k in range(maxlen):
        P[0, k + 1] = P[0, k] + pw[k]
        P[1, k + 1] = P[1, k] + k * pw[k]
        P[2, k + 1] = P[2, k] + k * k * pw[k]
    # a group: J runs of length m starting at a, a + D, ...; with G_r = sum_j j^r exp(slope D j), its sums of
    # exp(slope t) (1, t, t^2) are exp(slope a) times P0 G0, (a P0 + P1) G0 + D P0 G1 and
    # (a^2 P0 + 2 a P1 + P2) G0 + 2 D (a P0 + P1) G1 + D^2 P0 G2
    for k in range(L):
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        for g in range(g_ptr[k], g_ptr[k + 1]):
            m = g_len[g]
            a = g_start[g]
            D = g_step[g]
            p0, p1, p2 = P[0, m], P[1, m], P[2, m]
            G0, G1, G2 = 1.0, 0.0, 0.0
            if g_count[g] > 1:
                z = math.exp(slope * D)
                zj = z
                for j in range(1, g_count[g]):
                    G0 += zj
                    G1 += j * zj
                    G2 += j * j * zj
                    zj *= z
            q = math.exp(slope * a)
            u1 = a * p0 + p1
            s0 += q * p0 * G0
            s1 += q * (u1 * G0 + D * p0 * G1)
            s2 += q * ((a * a * p0 + 2.0 * a * p1 + p2) * G0 + 2.0 * D * u1 * G1 + D * D * p0 * G2)
        A[k] = s0
        At[k] = s1
        At2[k] = s2
    for j in range(n_out):
        i = out_idx[j]
        e = out_d[j] * math.exp(slope * t[i])
        k = level_of[i]
        A[k] += e
        At[k] += e * t[i]
        At2[k] += e * t[i] * t[i]
    for k in range(L):
        A[k] *= c
        At[k] *= c
        At2[k] *= c


@njit(cache=True, nogil=True, fastmath=FAST)
def _profile(wy, L, A, At, At2, level, sw, swt):
    """Closed-form levels given the slope; returns the slope's information and sum(w mu t)."""
    info = 0.0
    corr = 0.0
    sum_swt = 0.0
    for k in range(L):
        lv = max(wy[k] / A[k], MU_FLOOR)
        level[k] = lv
        a, at = lv * A[k], lv * At[k]
        info += lv * At2[k]
        corr += at * at / a
        sum_swt += at
        sw[k] = a
        swt[k] = at
    return info - corr, sum_swt


@njit(cache=True, nogil=True, fastmath=FAST)
def fit_row(y, Sy, Syt, design, out_idx, out_d, n_out, c, with_trend, max_iter, tol, ws, slope0):
    """Weighted Poisson GLM log(mu) = level + slope * t; weights c (1 + d at the outliers).

    ``Sy``/``Syt`` are the unweighted sums of y per level and of y t; Newton starts at ``slope0``. Fills
    ``ws.level``, ``ws.sw``, ``ws.swt`` and ``ws.wy``; returns (slope, the slope's Fisher information, converged).
    """
    t, level_of, L, count, maxlen = design.t, design.level_of, design.n_levels, design.count, design.maxlen
    g_start, g_step, g_count, g_len, g_ptr = design.g_start, design.g_step, design.g_count, design.g_len, design.g_ptr
    level, sw, swt, wy, At2, pw, P, work = ws.level, ws.sw, ws.swt, ws.wy, ws.At2, ws.pw, ws.P, ws.work
    wyt = Syt
    for k in range(L):
        wy[k] = Sy[k]
    for j in range(n_out):
        i = out_idx[j]
        v = out_d[j] * y[i]
        wy[level_of[i]] += v
        wyt += v * t[i]
    for k in range(L):
        wy[k] *= c
    wyt *= c
    if not with_trend:
        for k in range(L):
            sw[k] = count[k]
        for j in range(n_out):
            sw[level_of[out_idx[j]]] += out_d[j]
        for k in range(L):
            level[k] = max(wy[k] / (c * sw[k]), MU_FLOOR)
            sw[k] = level[k] * c * sw[k]
            swt[k] = 0.0
        return 0.0, np.inf, True
    slope = slope0
    ok = False
    for _ in range(max_iter):
        _moments(slope, t, level_of, L, maxlen, g_start, g_step, g_count, g_len, g_ptr,
                 out_idx, out_d, n_out, c, pw, P, sw, swt, At2, work)
        info, sum_swt = _profile(wy, L, sw, swt, At2, level, sw, swt)
        step = (wyt - sum_swt) / max(info, 1e-300)
        slope += step
        if abs(step) < tol:
            ok = True
            break
    _moments(slope, t, level_of, L, maxlen, g_start, g_step, g_count, g_len, g_ptr,
             out_idx, out_d, n_out, c, pw, P, sw, swt, At2, work)
    info, _ = _profile(wy, L, sw, swt, At2, level, sw, swt)
    return slope, info, ok


@njit(cache=True, nogil=True, fastmath=FAST)
def _fitted(slope, design, ws, mu):
    """The fitted means of every baseline period."""
    t, level_of, maxlen = design.t, design.level_of, design.maxlen
    level, pw, Q = ws.level, ws.pw, ws.Q
    _growth(slope, t, design.run_start, design.run_len, maxlen, pw, Q, design.run_of, design.pos, mu)
    for i in range(t.shape[0]):
        mu[i] *= level[level_of[i]]


@njit(cache=True, nogil=True, fastmath=FAST)
def _chi2(y, Sy, Syy, design, ws, slope, with_trend, mu, out_idx, out_d, n_out, c):
    """Weighted Pearson chi-square of the fit, sum of c (1 + d) (y - mu)^2 / mu; fills ``mu`` with a trend.

    Without trend the means are one per level, so the sum comes from the per-level sums of y and y^2.
    """
    t, level_of, L, count = design.t, design.level_of, design.n_levels, design.count
    level = ws.level
    total = 0.0
    if with_trend:
        if _clipped(slope, t):
            _fitted(slope, design, ws, mu)
            for i in range(t.shape[0]):
                r = y[i] - mu[i]
                total += r * r / mu[i]
        else:
            # the fitted means and the statistic in one pass, run by run: exp(slope t) is the run's start
            # value times a power, and the run has one level (the same products as _fitted)
            pw, Q = ws.pw, ws.Q
            _powers(slope, t, design.run_start, design.run_len, design.maxlen, pw, Q)
            for run in range(design.run_start.shape[0]):
                first, q, lv = design.run_start[run], Q[run], level[design.run_level[run]]
                for j in range(design.run_len[run]):
                    i = first + j
                    m = q * pw[j]
                    m *= lv
                    mu[i] = m
                    r = y[i] - m
                    total += r * r / m
        for j in range(n_out):
            i = out_idx[j]
            r = y[i] - mu[i]
            total += out_d[j] * r * r / mu[i]
    else:
        for k in range(L):
            total += Syy[k] / level[k] - 2.0 * Sy[k] + level[k] * count[k]
        for j in range(n_out):
            i = out_idx[j]
            r = y[i] - level[level_of[i]]
            total += out_d[j] * r * r / level[level_of[i]]
    return c * total


@njit(cache=True, nogil=True, fastmath=FAST)
def _downweight(y, design, ws, mu, with_trend, scale, info, threshold, out_idx, out_d, n_miss, gone):
    """farringtonFlexible's down-weighting of past outbreaks against the current fit (``mu`` its means with a
    trend, ``ws`` its levels and sums): weight s^-2 where the Anscombe residual s exceeds ``threshold`` at
    dispersion ``scale``. Fills ``out_idx``/``out_d`` after the ``n_miss`` missing periods (weight 0, kept first;
    ``gone`` marks them); returns (their number, the weights' normalising constant c)."""
    t, level_of, L = design.t, design.level_of, design.n_levels
    level, sw, swt, cut = ws.level, ws.sw, ws.swt, ws.cut
    n = t.shape[0] - n_miss               # the observed periods
    n_out = n_miss
    inv_info = 1.0 / max(info, 1e-300)
    thr2 = threshold * threshold * scale
    total = float(n)
    # the Anscombe residual is at most the Pearson one above the fit: the powers are computed only
    # where even the Pearson residual exceeds the threshold
    if not with_trend:
        for k in range(L):
            h = level[k] / sw[k]
            cut[k] = level[k] + math.sqrt(thr2 * max(1.0 - h, 1e-8) * level[k]) if threshold > 0 else -np.inf
    for i in range(t.shape[0]):
        k = level_of[i]
        if n_miss > 0 and gone[i]:
            continue
        if with_trend:
            m = mu[i]
            if not (y[i] > m or threshold <= 0):
                continue
            dt = t[i] - swt[k] / sw[k]
            one_h = max(1.0 - m * (1.0 / sw[k] + dt * dt * inv_info), 1e-8)
            r = y[i] - m
            if threshold > 0 and r * r <= thr2 * one_h * m:
                continue
        else:
            if not y[i] > cut[k]:
                continue
            m = level[k]
            one_h = max(1.0 - m / sw[k], 1e-8)
        s = 1.5 * (y[i] ** (2.0 / 3.0) * m ** (-1.0 / 6.0) - math.sqrt(m))
        s = s / math.sqrt(scale * one_h)
        if s > threshold:
            omega = 1.0 / max(s, 1e-12) ** 2
            out_idx[n_out] = i
            out_d[n_out] = omega - 1.0
            n_out += 1
            total += omega - 1.0
    return n_out, n / total


@njit(cache=True, nogil=True, fastmath=FAST)
def _bounded_dispersion(total, y, mu, level, level_of, with_trend, out_idx, out_d, n_out, c, threshold, n, p):
    """The weighted Pearson statistic ``total``, and whether a down-weighted period counted for more than all the
    other periods together (their chi-square, at least their degrees of freedom); then every down-weighted period
    counts at most as a period at the threshold of the others' dispersion (threshold^2 times it).

    The Anscombe weight s^-2 does not bound a period's share: its weighted contribution grows as
    (y / mu)^(2/3) times the first fit's dispersion, which the period itself inflated. One count of 1,000,000 in a
    series of 3 a week made the dispersion 84,000 and the negative binomial put nearly all its mass at 0, so every
    later week with a count read as an outbreak. An outbreak down-weighted as farringtonFlexible means it
    contributes a few times the dispersion, far below the bound, and is counted as before (as in R).
    """
    if n_out == 0 or threshold <= 0:
        return total, False
    mine = 0.0
    for j in range(n_out):
        i = out_idx[j]
        m = mu[i] if with_trend else level[level_of[i]]
        r = y[i] - m
        mine += c * (1.0 + out_d[j]) * r * r / m
    rest = total - mine
    df_rest = float(max(n - n_out - p, 1))
    hit = False
    for j in range(n_out):
        i = out_idx[j]
        m = mu[i] if with_trend else level[level_of[i]]
        r = y[i] - m
        hit = hit or c * (1.0 + out_d[j]) * r * r / m > max(rest, df_rest)
    if not hit:
        return total, False
    # then every down-weighted period counts as one at the threshold of the others' dispersion, at most
    bound = threshold * threshold * max(rest / df_rest, 1.0)
    capped = 0.0
    for j in range(n_out):
        i = out_idx[j]
        m = mu[i] if with_trend else level[level_of[i]]
        r = y[i] - m
        capped += min(c * (1.0 + out_d[j]) * r * r / m, bound)
    return rest + capped, True


@njit(cache=True, nogil=True, fastmath=FAST)
def quasi_poisson_row(y, Sy, Syy, Syt, design, ref, with_trend, reweight, threshold, max_iter, r_compatible,
                      ws, mu, out_idx, out_d, n_miss, gone):
    """farringtonFlexible's glm step on one row: fit, down-weight outbreaks by Anscombe residual, refit.

    Returns (prediction at offset 0 for the reference level, dispersion >= 1, slope, the slope's
    dispersion-scaled variance, converged, whether a period was so far out that the dispersion had to be bounded:
    see :func:`_bounded_dispersion`). The refit's Newton steps start at the first fit's slope.

    Periods never delivered (``gone``, 0 in ``y``) are the first ``n_miss`` entries of ``out_idx`` with weight 0
    (``out_d`` -1): left out of the fits, the dispersion and its degrees of freedom, as R's glm leaves out NA.
    """
    t, level_of, L = design.t, design.level_of, design.n_levels
    level = ws.level
    n = t.shape[0]
    p = L + (1 if with_trend else 0)
    df = max(n - n_miss - p, 1)
    # no down-weighted periods yet (weights c (1 + d) all one but the missing periods'); computed, not constants,
    # so that numba compiles the fits once for both calls instead of once per literal value
    n_out = n_miss
    c = n / n
    extreme = n_miss < 0
    slope, info, ok = fit_row(y, Sy, Syt, design, out_idx, out_d, n_out, c, with_trend, max_iter, SLOPE_TOL, ws, c - c)
    phi = _chi2(y, Sy, Syy, design, ws, slope, with_trend, mu, out_idx, out_d, n_out, c) / df
    if reweight:
        n_out, c = _downweight(y, design, ws, mu, with_trend, max(phi, 1.0), info, threshold, out_idx, out_d,
                               n_miss, gone)
        slope, info, ok2 = fit_row(y, Sy, Syt, design, out_idx, out_d, n_out, c, with_trend, max_iter, SLOPE_TOL, ws,
                                   slope)
        ok = ok and ok2
        total = _chi2(y, Sy, Syy, design, ws, slope, with_trend, mu, out_idx, out_d, n_out, c)
        bounded, extreme = _bounded_dispersion(total, y, mu, level, level_of, with_trend, out_idx, out_d, n_out, c,
                                               threshold, n, p)
        if extreme:
            # a period so far out that it inflated the dispersion its own weight was judged by (and so kept a
            # large weight, pulling the levels and the slope): judged again on the bounded dispersion and this
            # fit, as an outbreak of that size would be in a series without it. Never the case in R's examples.
            n_out, c = _downweight(y, design, ws, mu, with_trend, max(bounded / df, 1.0), info, threshold, out_idx,
                                   out_d, n_miss, gone)
            slope, info, ok2 = fit_row(y, Sy, Syt, design, out_idx, out_d, n_out, c, with_trend, max_iter, SLOPE_TOL,
                                       ws, slope)
            ok = ok and ok2
            total = _chi2(y, Sy, Syy, design, ws, slope, with_trend, mu, out_idx, out_d, n_out, c)
            bounded, _ = _bounded_dispersion(total, y, mu, level, level_of, with_trend, out_idx, out_d, n_out, c,
                                             threshold, n, p)
        phi = bounded / df
    phi_test = phi
    if reweight and r_compatible:
        _fitted(slope, design, ws, mu)
        total = 0.0
        for i in range(n):
            r = y[i] - mu[i]
            total += r * r / (mu[i] * mu[i])
        for j in range(n_out):
            i = out_idx[j]
            r = y[i] - mu[i]
            total += out_d[j] * r * r / (mu[i] * mu[i])
        phi_test = c * total / df
    return level[ref], max(phi, 1.0), slope, phi_test / max(info, 1e-300), ok, extreme, n_out, c


@njit(cache=True, nogil=True, fastmath=FAST)
def _tail_start(n, k, n_miss, gone):
    """(first period, delivered periods) of the last ``k`` delivered baseline periods; fewer where the baseline
    holds fewer."""
    if n_miss == 0:
        return max(n - k, 0), min(k, n)
    lo = n
    seen = 0
    while lo > 0 and seen < k:
        lo -= 1
        if not gone[lo]:
            seen += 1
    return lo, seen


@njit(cache=True, nogil=True, fastmath=FAST)
def _tail_sums(y, mu, level, level_of, lo, out_idx, out_d, n_out, c, n_miss, gone):
    """Weighted sums over the baseline periods from ``lo`` on: (counts, fitted means ``mu``, seasonal levels)."""
    n = y.shape[0]
    Y = 0.0
    E = 0.0
    S = 0.0
    for i in range(lo, n):
        if n_miss > 0 and gone[i]:
            continue
        Y += y[i]
        E += mu[i]
        S += level[level_of[i]]
    for j in range(n_miss, n_out):            # the down-weighted periods (the missing ones come first)
        i = out_idx[j]
        if i >= lo:
            Y += out_d[j] * y[i]
            E += out_d[j] * mu[i]
            S += out_d[j] * level[level_of[i]]
    return c * Y, c * E, c * S


@njit(cache=True, nogil=True, fastmath=FAST)
def _level_of_tail(y, level, level_of, ref, lo, seen, out_idx, out_d, n_out, c, m0, scale, n_miss, gone):
    """The prediction ``m0`` moved to the level of the baseline periods from ``lo`` on (``scale`` times it), and
    their dispersion around it: the fit's dispersion holds its misfit of them. Returns (prediction, dispersion)."""
    n = y.shape[0]
    m0 *= scale
    k = m0 / max(level[ref], MU_FLOOR)
    total = 0.0
    for i in range(lo, n):
        if n_miss > 0 and gone[i]:
            continue
        m = max(level[level_of[i]] * k, MU_FLOOR)
        total += (y[i] - m) ** 2 / m
    for j in range(n_miss, n_out):
        i = out_idx[j]
        if i >= lo:
            m = max(level[level_of[i]] * k, MU_FLOOR)
            total += out_d[j] * (y[i] - m) ** 2 / m
    return m0, max(c * total / max(seen - 1, 1), 1.0)


@njit(cache=True, nogil=True, fastmath=FAST)
def recent_level(y, mu, level, level_of, ref, out_idx, out_d, n_out, c, phi, m0, recent, above, below, z_above,
                 z_below, z_fit, n_miss, gone, fit_phi_floor=False):
    """The prediction ``m0`` and dispersion ``phi`` of a fit, or the level of its last baseline periods and their
    dispersion around it where the fit does not reach them. Returns (prediction, dispersion, moved).

    Two rules, in turn. (1) The last ``recent`` periods: where the prediction is more than ``above`` times their
    level, or below it by more than a factor ``below`` (their counts against what the prediction would give them,
    at the fit's seasonal shape and weights, beyond ``z_above`` or ``z_below`` quasi-Poisson standard errors).
    (2) Downward only: where the last 1 to 4 times ``recent`` periods hold fewer counts than the fit's own means
    of them (``mu``, with its trend) by more than ``z_fit`` standard errors, and their level is below the
    prediction, that level is the prediction (of the tail that misses the fit most).

    A log-linear trend fitted across a step in level (5 a week, then 15) extrapolates the step forward (25 to 31
    a week two years on), and a fit without trend mixes the old level in (10); both stand far from the last half
    year. A steady trend stays within ``above`` of it: +23 % a year rises 17 % from the middle of the last half
    year of the reference to the evaluated period. A prediction below the recent level can only miss outbreaks
    where it moves (the baseline rises), so ``below`` (and its ``z_below``) may be the tighter: a step down fitted
    as a falling trend predicts a sixth below the new level and alarmed in 2 % of quiet weeks.

    Rule (1) tells a step from a trend by the distance alone, so its 3 standard errors of 26 weeks hold it back on
    sparse series: at 2 a week (dispersion 1.5) the prediction had to be about twice the level before it moved,
    and two years after a step from 6 to 2 the baseline stayed at 2.6 and a x2.5 rise was found half as often as
    in a series always at 2. Rule (2) tells them apart by the fit itself: a trend fitted across a step down
    passes through the middle of it and lies above every period since, while a real trend (or a constant level)
    fits its own last periods however sparse they are, and a year or two of them weigh as much evidence as the
    five years of the fit hold against it.

    Periods never delivered (``gone``) count for nothing: the level is that of the last delivered periods of the
    baseline (a half year missing just before the excluded periods moves them back; where the whole baseline
    holds fewer than half of ``recent``, there is no recent level and the fit stands).
    """
    n = y.shape[0]
    lo, seen = _tail_start(n, recent, n_miss, gone)
    if 2 * seen < recent:
        return m0, phi, False
    Y, _, S = _tail_sums(y, mu, level, level_of, lo, out_idx, out_d, n_out, c, n_miss, gone)
    S *= m0 / max(level[ref], MU_FLOOR)
    lo_level, hi_level = S / above, S * below
    if Y < lo_level - z_above * math.sqrt(phi * lo_level) or Y > hi_level + z_below * math.sqrt(phi * hi_level):
        m0, tail_phi = _level_of_tail(y, level, level_of, ref, lo, seen, out_idx, out_d, n_out, c, m0,
                                      max(Y, 0.5) / S, n_miss, gone)
        return m0, max(tail_phi, phi) if fit_phi_floor else tail_phi, True
    best, best_lo, best_seen, best_scale = z_fit, -1, 0, 1.0
    for k in range(1, 5):
        lo, seen = _tail_start(n, k * recent, n_miss, gone)
        if seen < k * recent:
            break
        Y, E, S = _tail_sums(y, mu, level, level_of, lo, out_idx, out_d, n_out, c, n_miss, gone)
        S *= m0 / max(level[ref], MU_FLOOR)
        z = (E - Y) / math.sqrt(phi * max(E, MU_FLOOR))
        if z > best and Y < S:
            best, best_lo, best_seen, best_scale = z, lo, seen, max(Y, 0.5) / S
    if best_lo < 0:
        return m0, phi, False
    m0, phi = _level_of_tail(y, level, level_of, ref, best_lo, best_seen, out_idx, out_d, n_out, c, m0, best_scale,
                             n_miss, gone)
    return m0, phi, True


@njit(cache=True, nogil=True, fastmath=FAST)
def fails_excluded(Y, row, col, ex_level, level, slope, phi, z, scale=1.0):
    """Whether a kept trend (or a prediction moved up to the recent level: ``scale`` times the fit's) predicts the
    periods the baseline leaves out clearly too high.

    The baseline leaves out the periods just before the evaluated one (``past_periods_excluded``), so that a rise
    under way does not raise its own threshold. That also hides the end of a rise: a monthly baseline of three
    years with a rise of most of a year in its last one fits a trend through it, and the trend goes on predicting
    the rise a year after the counts came back (expected 40 to 51 a month against counts of 10 to 22). The
    excluded periods are the trend's held-out test: where they (those delivered) hold fewer counts than the trend
    fit predicts for them (its seasonal levels and slope) by more than ``z`` quasi-Poisson standard errors, the
    trend fails it; so does a prediction the recent-level rule moved up to the last half year of the reference (the
    rise's months) where the months since show the rise has ended. Only rises of the prediction are judged, never
    the fit's own level: periods read low for another reason (an outage, a buurt left out of a delivery and read as
    a lower bound of 0) can at most send the baseline back to the fit without trend, and counts above the
    prediction (a rise under way) never move it.
    """
    n = ex_level.shape[0]
    Yx = 0.0
    E = 0.0
    for k in range(n):
        lev = ex_level[k]
        v = Y[row, col - n + k]
        if lev < 0 or v != v:                      # no such level in the fit, or never delivered
            continue
        Yx += v
        E += level[lev] * math.exp(-slope * (n - k)) * scale
    return E > 0.0 and Yx < E and (E - Yx) > z * math.sqrt(phi * max(E, MU_FLOOR))


def workspace(design: Design) -> Workspace:
    """Scratch buffers for one thread's fits."""
    L, n, R, maxlen = design.n_levels, len(design.t), len(design.run_start), int(design.run_len.max())
    return Workspace(np.empty(L), np.empty(L), np.empty(L), np.empty(L), np.empty(L), np.empty(maxlen + 1),
                     np.empty(R), np.empty((3, maxlen + 1)), np.empty(n), np.empty(L))


@njit(cache=True, nogil=True, fastmath=FAST)
def baseline_cells(Y, si, ti, offsets, design, ws, ref, trend, keep_t, trend_ok, reweight, threshold, max_iter,
                   r_compatible, mu0, phi, ok, cap, recent, above, below, z_above, z_below, z_fit, moved, covered,
                   ex_level, z_ex, fit_phi_floor):
    """The Noufaily baseline of every cell (si[j], ti[j]) of the count matrix ``Y``.

    With ``trend``, a trend is kept where it converged, its t statistic exceeds ``keep_t`` (the
    two-sided test at the detector's trend p-value), it does not predict above ``cap`` times the
    largest baseline count (``inf``: no such rule), ``trend_ok`` (enough years) and no period was so far out
    that the dispersion had to be bounded; elsewhere the fit is redone without trend. With ``recent`` > 0 the
    prediction is then the level of the last ``recent`` baseline periods where the fit does not reach it (see
    :func:`recent_level`; ``moved`` marks those cells). With ``ex_level`` (the seasonal level of each excluded
    period, offsets ``-len(ex_level)`` .. -1; -1 where the fit has no such level) a trend is kept only where it
    also predicts the excluded periods (see :func:`fails_excluded`; empty: never checked).

    Periods never delivered (NaN in ``Y``) are left out of the fits (weight 0, as R's glm leaves out NA). A cell
    is fitted only where every seasonal level keeps at least half of its baseline periods (a missing week takes
    one period from a few levels; a season's worth missing takes a level's whole year): elsewhere ``covered`` is
    False and the cell has no baseline.
    """
    t, level_of, L = design.t, design.level_of, design.n_levels
    n = t.shape[0]
    y = np.empty(n)
    mu = np.empty(n)
    out_idx = np.empty(n, dtype=np.int64)
    out_d = np.empty(n)
    Sy = np.empty(L)
    Syy = np.empty(L)
    gone = np.zeros(n, dtype=np.bool_)
    lost = np.zeros(L)
    count = design.count
    for j in range(si.shape[0]):
        row, col = si[j], ti[j]
        top = 0.0
        Syt = 0.0
        for k in range(L):
            Sy[k] = 0.0
            Syy[k] = 0.0
        n_miss = 0
        for i in range(n):
            v = Y[row, col + offsets[i]]
            if v != v:                        # never delivered: weight 0 (the first n_miss corrections)
                v = 0.0
                if n_miss == 0:
                    for k in range(L):
                        lost[k] = 0.0
                    for k in range(n):
                        gone[k] = False
                gone[i] = True
                lost[level_of[i]] += 1.0
                out_idx[n_miss] = i
                out_d[n_miss] = -1.0
                n_miss += 1
            y[i] = v
            top = max(top, v)
            Sy[level_of[i]] += v
            Syy[level_of[i]] += v * v
            Syt += v * t[i]
        covered[j] = True
        if n_miss > 0:
            for k in range(L):
                if 2.0 * lost[k] > count[k]:
                    covered[j] = False
            if not covered[j]:
                mu0[j], phi[j], ok[j], moved[j] = np.nan, np.nan, False, False
                continue
        keep = False
        kept_slope = 0.0
        if trend:
            m0, ph, slope, var, conv, extreme, n_out, c = quasi_poisson_row(
                y, Sy, Syy, Syt, design, ref, trend, reweight, threshold, max_iter, r_compatible, ws, mu, out_idx,
                out_d, n_miss, gone)
            # a fit that had to bound its dispersion for one far-out period (a count of 1,000,000 in a series of 3)
            # may have bent its slope to reach it: no evidence of a trend
            keep = (conv and trend_ok and not extreme and m0 <= cap * top
                    and abs(slope) > keep_t * math.sqrt(max(var, 1e-300)))
            if keep and ex_level.shape[0] > 0:
                keep = not fails_excluded(Y, row, col, ex_level, ws.level, slope, ph, z_ex)
            if keep:
                kept_slope = slope
                mu0[j], phi[j], ok[j] = m0, ph, conv
                if recent > 0:
                    _fitted(slope, design, ws, mu)
        if not keep:
            # ``keep`` is False here: a variable rather than a constant, so numba compiles one version
            m0, ph, _, _, conv, _, n_out, c = quasi_poisson_row(y, Sy, Syy, Syt, design, ref, keep, reweight, threshold,
                                                                max_iter, keep, ws, mu, out_idx, out_d, n_miss, gone)
            mu0[j], phi[j], ok[j] = m0, ph, conv
            if recent > 0:
                for i in range(n):
                    mu[i] = ws.level[level_of[i]]
        moved[j] = False
        if recent > 0 and ok[j]:
            # ws.level, the weights and the means ``mu`` are the kept fit's (the trend fit's, or the refit without)
            fit_mu0, fit_phi = mu0[j], phi[j]
            mu0[j], phi[j], moved[j] = recent_level(y, mu, ws.level, level_of, ref, out_idx, out_d, n_out, c, phi[j],
                                                    mu0[j], recent, above, below, z_above, z_below, z_fit, n_miss,
                                                    gone, fit_phi_floor)
            # a rise to the reference's last half year that the months since contradict is not made (a step up
            # fitted as an overshooting trend fails the excluded months too, and its new level is right)
            if (moved[j] and mu0[j] > fit_mu0 and ex_level.shape[0] > 0
                    and fails_excluded(Y, row, col, ex_level, ws.level, kept_slope, fit_phi, z_ex, mu0[j] / fit_mu0)):
                mu0[j], phi[j], moved[j] = fit_mu0, fit_phi, False
