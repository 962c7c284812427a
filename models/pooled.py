"""Pooled counts: a rise spread thinly over several series, found in the strongest subset of a group.

Two groups of series are looked at per area and period: the area's series of one domain, and per
signal the area with its neighbours. Their counts over the windows of 1..4 periods ending now are
tested against the sum of the series' baselines with the negative-binomial tail of ``models.scan``
(moment matched: the sum's mean is the sum of the expected counts, its variance the sum of
``phi x expected``). Spread over k series a rise of d standard deviations each adds up to about
d x sqrt(k) standard deviations of their sum, where each series' own p-value sees only d; summing
the quiet rest of the group as well dilutes it (a rise in a buurt and two of its six neighbours,
in two of a domain's five signals). So each look is a linear-time subset scan (``models.subset_scan``,
Neill 2012): per window the group's series are ordered by count / expected and the sums of the top
k are tested, k = 2..n for the domain (one series is the single-series look), and per signal the
buurt itself with its top k = 1..n neighbours. The raw statistic is the smallest tail over the windows
and k; tails at or above 0.05 are recorded as 1 (no evidence).

Three guards keep the sums honest off the demo's data. Each signal's dispersion is measured over all its
buurten (sum (count - expected)^2 / sum expected over the two years before the windows) and a series'
variance in the sums is at least that times its expected count. A group's summed baselines are scaled up by its own
observed / expected counts over the 26 weeks (6 months) before the windows (``level_factor``): baselines
trailing a trend (+23 %/yr) are each 7 to 9 % low, which no single series shows but a sum of many does.
And a buurt is credited with its neighbours' sum only when its own window is evidence itself (its tail
at most ``OWN_TAIL``), without neighbours that are strong signals on their own (``STRONG_TAIL``): one
buurt's rise put its quiet neighbours, of other teams too, on the lists as ``alarm``.

The raw statistic is mapped to the chance of one at least as small in a quiet municipality, per
(expected, dispersion) bin of the whole group (table ``models/data/pooled_calibration.csv``, made
by ``benchmarks/pooled_calibration.py`` with the bins and curves of ``models.scan``): this pays
for the four windows and the choice of k, and for the baselines' estimation error, which does not
average out in a sum and which the choice of the top k seeks out (a series whose baseline came out
low ranks first). A baseline of almost nothing is therefore taken as ``LEAST_EXPECTED`` (0.05 a
period): sparse series whose fit puts them at 1e-5 made a quiet domain's raw statistic fall below
1e-4 in 2.5 % of its periods. The quiet municipalities of the table have the demo's dispersion and
variance 2, 3, 5 and 8 times the mean, in turn; the bins read each signal's dispersion measured over all
its buurten (see above), not the baselines' (which stays near 1 for sparse series whatever their
clustering). On 20 quiet municipalities per scale apart from the table's (x1, x4, x16, the dispersions
in turn; ``pooled_calibration.py --check 20``) the calibrated p-values fall at or below 0.01 0.85 to 1.00
times as often as 0.01 weekly (where the lists use them), 0.85 to 1.19 times at 0.002 and 0.94 to 1.84
times at 0.0005; per dispersion at x1 weekly, 0.6 times at 0.01 at the demo's, 0.9 at 5x and 1.3 at 8x
(2.2 at 0.002). Monthly, with a fifth of the cells, 0.73 to 1.19 times at 0.01 but 0.85 to 3.2 times at
0.002 and up to 9 times at 0.0005, the excess from the sparse (x1) municipalities at variance 5 and 8
times the mean: not solved.
References: Neill (2012) JRSS B 74:337-360 (fast subset scan); Kulldorff (2001) JRSS A 164:61-72
(scan statistics over windows and neighbourhoods).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from models.panel import running_sums
from models.scan import (LEAST_EXPECTED, LOG_GRID, SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES, bin_of, edges_of, nb_tail,
                         read_curves)
from models.subset_scan import padded, subset_tails

CALIBRATION = Path(__file__).resolve().parent / "data" / "pooled_calibration.csv"
LOOKS = ("domain", "neighbours")
#: periods before the windows over which a group's counts are set against its baselines (the level correction):
#: half a year, long enough that a group of a few counts a week has some 50 of them, short enough that it is the
#: baselines' present bias (a trend that the 3-year baselines trail); it ends where the longest window starts, so
#: a rise is not measured against itself
REFERENCE = {"week": 26, "month": 6}
#: expected counts added to both sums of the reference span: a group with few counts there is corrected little
REFERENCE_PRIOR = 10.0
#: the largest correction: 3-year baselines trail even a steep trend (+30 % a year) by about a tenth; a group whose
#: half year is further above its baselines has risen in its own right (the demo's structural rises, 1.7 to 2.4
#: times for months), and a correction to its level would hide that rise from the lists while it lasts
MAX_LEVEL_FACTOR = 1.15
#: a buurt is credited with its neighbours' counts only when its own window is at least this far in its tail
#: (P(own count or more) at most this): a count above a sparse expectation (1 in 4 weeks against 0.5) is not
OWN_TAIL = 0.25
#: a neighbour whose own window is this far in its tail is a strong single-series signal: it lists by itself and
#: is left out of the other buurten's neighbour sums (its rise listed its quiet neighbours, of other teams too)
STRONG_TAIL = 1e-3
#: the (expected, dispersion) bins of the calibration: the scan's, to a dispersion of 7 and more (clustered reports)
EDGES = (SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES)
#: periods before the windows over which each signal's dispersion is measured over all its buurten (two years), and
#: the expected counts it needs there (fewer: the baselines' own dispersion alone)
DISPERSION_SPAN = {"week": 104, "month": 24}
MIN_EXPECTED = 30.0


@lru_cache(maxsize=1)
def _table(path: str = str(CALIBRATION)) -> dict[tuple[str, str], np.ndarray]:
    """The calibration curves per look and period type."""
    return read_curves(path, ["look", "period"])


def _calibrated(raw: np.ndarray, expected: np.ndarray, phi: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """Null tail of the raw statistic in its (expected, phi) bin, read at the next grid point up.

    The pooled sums of sparse series take few values, so the null distribution has atoms; reading
    the curve at the grid point at or above ``raw`` (not interpolating) keeps the p-value at or above
    the tail at the atom. Below the table's range the tail falls in proportion to the raw statistic.
    """
    flat = bin_of(expected, phi, edges_of(curves))
    curves = curves.reshape(-1, len(LOG_GRID))
    x = np.log10(np.maximum(raw, 1e-300))
    up = np.searchsorted(LOG_GRID, x - 1e-9).clip(0, len(LOG_GRID) - 1)
    v = curves[flat, up]
    low = x < LOG_GRID[0]
    v[low] = curves[flat[low], 0] + (x[low] - LOG_GRID[0])
    return 10 ** np.minimum(v, 0.0)


def _dense(part: pd.DataFrame, least_expected: float = 0.0):
    """Series keys, period starts and (series x period) arrays of one period type (expected counts at
    least ``least_expected``)."""
    area_id, areas = pd.factorize(part["area_code"], sort=True)     # sorted: the order of the rows does not matter
    signal_id, signals = pd.factorize(part["signal"], sort=True)
    series, sid = np.unique(area_id * len(signals) + signal_id, return_inverse=True)
    starts, tid = np.unique(part["period_start"].to_numpy(), return_inverse=True)
    shape = (len(series), len(starts))
    mu = part["expected"].to_numpy(dtype=float)
    phi = part["phi"].to_numpy(dtype=float)
    ok = np.isfinite(mu) & np.isfinite(phi) & (mu >= 0)
    mu = np.where(ok, np.maximum(mu, least_expected), mu)
    out = {}
    for name, values in (("y", part["count"].to_numpy(dtype=float)), ("mu", mu), ("var", mu * phi),
                         ("ok", np.ones(len(part)))):
        a = np.zeros(shape)
        a[sid[ok], tid[ok]] = values[ok]
        out[name] = a
    frame = pd.DataFrame({"area_code": np.asarray(areas, dtype=object)[series // len(signals)],
                          "signal": np.asarray(signals, dtype=object)[series % len(signals)]})
    return frame, starts, out


def level_factor(y_ref: np.ndarray, mu_ref: np.ndarray, prior: float = REFERENCE_PRIOR) -> np.ndarray:
    """A group's correction of its summed baselines: its observed / expected counts over the reference span, each
    sum with ``prior`` expected counts added (a group with few counts there is corrected little); only upwards.

    Baselines that trail a trend (3-year baselines of a signal growing 23 % a year) are each 7 to 9 % low, which no
    single series shows but a sum of many does: quiet groups then read small tails in a few times their share of
    periods. A baseline that came out high is not corrected (that only costs the look some power), nor one more
    than :data:`MAX_LEVEL_FACTOR` low (a rise of the group, not a trend the baselines trail).
    """
    return np.clip((y_ref + prior) / (mu_ref + prior), 1.0, MAX_LEVEL_FACTOR)


def group_tails(part: pd.DataFrame, neighbours: pd.DataFrame, windows: tuple[int, ...] = (1, 2, 3, 4),
                min_count: int = 3, least_expected: float = LEAST_EXPECTED, reference: int = REFERENCE["week"],
                own_tail: float = OWN_TAIL, strong_tail: float = STRONG_TAIL,
                dispersion_span: int = DISPERSION_SPAN["week"]) -> dict:
    """Raw statistics of both looks for one period type (see :func:`pooled_pvalues`).

    Each group's summed baselines are scaled by :func:`level_factor` over the ``reference`` periods before the
    longest window. In the neighbour look a buurt's own window must be at most ``own_tail`` in its tail, and
    a neighbour whose own window is below ``strong_tail`` is left out of the sums.

    Returns a dict with ``starts`` (the periods), per look its group keys (``domain_keys``: area and
    domain; ``neighbours_keys``: area and signal), ``<look>_raw`` (smallest tail over the windows and
    the subsets of the linear-time subset scan, groups x periods) and ``<look>_expected``,
    ``<look>_phi`` (the whole group's one-period baseline, for the bins).
    """
    keys, starts, a = _dense(part, least_expected)
    S, T = a["y"].shape
    pairs = part[["signal", "domain"]].drop_duplicates("signal")
    keys["domain"] = keys["signal"].map(pd.Series(pairs["domain"].to_numpy(dtype=object), index=pairs["signal"].to_numpy(dtype=object)))
    dom_id, dom_keys = pd.MultiIndex.from_arrays([keys["area_code"], keys["domain"]]).factorize()
    to_domain = sparse.csr_matrix((np.ones(S), (dom_id, np.arange(S))), shape=(len(dom_keys), S))
    dom_members = padded(dom_id, np.arange(S), len(dom_keys))
    # each series with the same signal's series of the area's neighbours (and itself)
    series = keys[["area_code", "signal"]].assign(row=np.arange(S))
    pairs = series.merge(neighbours, on="area_code").merge(
        series.rename(columns={"area_code": "neighbour", "row": "other"}), on=["neighbour", "signal"])
    rows = np.concatenate([np.arange(S), pairs["row"].to_numpy()])
    cols = np.concatenate([np.arange(S), pairs["other"].to_numpy()])
    with_nb = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(S, S))
    nb_members = padded(pairs["row"].to_numpy(), pairs["other"].to_numpy(), S)
    has_nb = np.bincount(pairs["row"].to_numpy(), minlength=S) > 0
    cum = {k: running_sums(a[k]) for k in ("y", "mu", "ok")}
    out = {"starts": starts, "domain_keys": dom_keys, "neighbours_keys": keys[["area_code", "signal", "domain"]]}
    raw_d, raw_n = np.ones((len(dom_keys), T)), np.ones((S, T))
    hi = np.arange(1, T + 1)
    # the reference span: the ``reference`` periods before the longest window
    ref_hi = np.clip(hi - max(windows), 0, None)
    ref_lo = np.clip(ref_hi - reference, 0, None)
    ref = {k: cum[k][:, ref_hi] - cum[k][:, ref_lo] for k in ("y", "mu")}
    f_d = level_factor(np.asarray(to_domain @ ref["y"]), np.asarray(to_domain @ ref["mu"]))
    f_n = level_factor(np.asarray(with_nb @ ref["y"]), np.asarray(with_nb @ ref["mu"]))
    f_series = f_d[dom_id]          # each series is in one domain group: its baseline scaled by that group's factor
    # each signal's dispersion over all its buurten, sum (count - expected)^2 / sum expected over the
    # ``dispersion_span`` periods before the windows: the baselines' own of a sparse series stays near 1 whatever its
    # clustering, and at variance 5-8x the mean quiet groups read the curves of calm ones (2 to 4 times their level);
    # a group's own span is too short, and the mean of Pearson's terms is carried by the sparse series (one count
    # against the floor of 0.05 is a term of 18)
    disp_lo = np.clip(ref_hi - dispersion_span, 0, None)
    sig_id = pd.factorize(keys["signal"], sort=True)[0]
    to_signal = sparse.csr_matrix((np.ones(S), (sig_id, np.arange(S))), shape=(sig_id.max(initial=-1) + 1, S))
    full = (a["ok"] > 0.5) & (a["mu"] > 0)
    sq, ex = running_sums(np.where(full, (a["y"] - a["mu"]) ** 2, 0.0)), running_sums(np.where(full, a["mu"], 0.0))
    q_sig = np.asarray(to_signal @ (sq[:, ref_hi] - sq[:, disp_lo]))
    mu_sig = np.asarray(to_signal @ (ex[:, ref_hi] - ex[:, disp_lo]))
    phi_s = np.maximum(np.where(mu_sig >= MIN_EXPECTED, q_sig / np.maximum(mu_sig, 1e-12), 1.0), 1.0)[sig_id]
    signal_phi = {"domain": np.asarray(to_domain @ (a["mu"] * phi_s)) / np.maximum(np.asarray(to_domain @ a["mu"]), 1e-12),
                  "neighbours": phi_s}
    # the sums' variances too: a series' variance at least its signal's dispersion times its expected count
    cum["var"] = running_sums(np.maximum(a["var"], a["mu"] * phi_s))
    for w in windows:
        lo = np.clip(hi - w, 0, None)
        s = {k: v[:, hi] - v[:, lo] for k, v in cum.items()}
        # a window needs a baseline in each of its periods, for every series of the group
        gap = (s["ok"] < w - 0.5).astype(float)
        full_d = np.asarray(to_domain @ gap) < 0.5
        full_n = np.asarray(with_nb @ gap) < 0.5
        # the domain: subsets of two or more of its series (one is the single-series look)
        raw_d = np.minimum(raw_d, subset_tails(s["y"], s["mu"] * f_series, s["var"] * f_series, dom_members, None, 2,
                                               min_count, full_d))
        # the buurt's own window must be evidence itself (its tail at most ``own_tail`` against its corrected
        # baseline), and a neighbour that is a strong signal on its own does not carry the others' sums
        # (tails only where they decide: a buurt's own where the rest of the rule holds, a neighbour's where a buurt
        # of it is tested; most cells of a country are neither, and the tails were a third of the look)
        phi = np.maximum(s["var"] / np.maximum(s["mu"], 1e-12), 1.0)
        own_up = full_n & has_nb[:, None] & (s["y"] > s["mu"] * f_n)
        own_up[own_up] = nb_tail(s["y"][own_up], (s["mu"] * f_n)[own_up], phi[own_up]) <= own_tail
        tested = np.asarray(with_nb.T @ own_up.astype(float)) > 0.5
        strong = np.zeros(tested.shape, dtype=bool)
        strong[tested] = nb_tail(s["y"][tested], s["mu"][tested], phi[tested]) < strong_tail
        raw_n = np.minimum(raw_n, subset_tails(s["y"], s["mu"], s["var"], nb_members, np.arange(S), 1, min_count,
                                               own_up, scale=f_n, skip=strong))
        if w == 1:
            for look, m in (("domain", to_domain), ("neighbours", with_nb)):
                mu, var = np.asarray(m @ s["mu"]), np.asarray(m @ s["var"])
                out[f"{look}_expected"] = mu
                out[f"{look}_phi"] = np.maximum(var / np.maximum(mu, 1e-12), signal_phi[look])
    out["domain_raw"], out["neighbours_raw"] = raw_d, raw_n
    out["dom_id"], out["has_nb"] = dom_id, has_nb
    out["domain_factor"], out["neighbours_factor"] = f_d, f_n
    return out


def pooled_pvalues(series: pd.DataFrame, neighbours: pd.DataFrame, windows: tuple[int, ...] = (1, 2, 3, 4),
                   min_count: int = 3, table: dict | None = None) -> pd.DataFrame:
    """Calibrated p-values of the pooled counts per area, domain, period type and period.

    Parameters
    ----------
    series : one row per series and period: ``area_code, signal, domain, period, period_start, count,
        expected, phi`` (``phi``: the baseline's dispersion, variance / mean; NaN where the detector has
        none, e.g. a short series on its moving baseline: a group with such a cell in a window does not use that window).
    neighbours : ``area_code, neighbour`` (both directions).
    windows : window lengths (periods ending at the evaluated one).
    min_count : a subset's window sum with fewer counts gives no evidence.
    table : calibration curves per look (default: ``models/data/pooled_calibration.csv``).

    Returns
    -------
    ``area_code, domain, period, period_start`` with ``p_pool_domain`` (the strongest two or more of
    the area's series of the domain), ``p_pool_nb`` (per signal the area with its strongest
    neighbours, counted where the area's own window is evidence itself, its tail at most ``OWN_TAIL``,
    without neighbours that are strong signals on their own; the best signal, Bonferroni over the
    domain's signals with neighbours) and ``nb_signal`` (that best signal; None where no signal's
    neighbour sum is evidence). Under the null each is at most uniform, as far as the simulated quiet
    municipalities of the calibration represent the data (the demo's signals at three population
    scales, 3-year baselines; longer baselines are estimated better and should give conservative
    p-values, which is not measured).
    """
    table = _table() if table is None else table
    cols = ["area_code", "domain", "period", "period_start", "p_pool_domain", "p_pool_nb", "nb_signal"]
    parts = []
    for period, part in series.groupby("period", sort=False):
        g = group_tails(part, neighbours, windows, min_count, reference=REFERENCE.get(period, REFERENCE["week"]),
                        dispersion_span=DISPERSION_SPAN.get(period, DISPERSION_SPAN["week"]))
        p = {}
        for look in LOOKS:
            raw = g[f"{look}_raw"]
            p[look] = np.ones(raw.shape)
            m = raw < 1
            p[look][m] = _calibrated(raw[m], g[f"{look}_expected"][m], g[f"{look}_phi"][m], table[(look, period)])
        dom_keys, T = g["domain_keys"], len(g["starts"])
        # per domain group the signal whose neighbour sum is strongest (the first in the signals' order on a tie)
        members = padded(g["dom_id"], np.arange(len(g["dom_id"])), len(dom_keys))
        by_member = np.where((members >= 0)[:, :, None], p["neighbours"][members.clip(0)], np.inf)
        won = by_member.argmin(axis=1)
        best = np.take_along_axis(by_member, won[:, None, :], axis=1)[:, 0, :]
        signal = g["neighbours_keys"]["signal"].to_numpy(dtype=object)[np.take_along_axis(members, won, axis=1)]
        m_nb = np.bincount(g["dom_id"], weights=g["has_nb"].astype(float), minlength=len(dom_keys))
        parts.append(pd.DataFrame({
            "area_code": np.repeat(dom_keys.get_level_values(0).to_numpy(), T),
            "domain": np.repeat(dom_keys.get_level_values(1).to_numpy(), T),
            "period": period, "period_start": np.tile(g["starts"], len(dom_keys)),
            "p_pool_domain": p["domain"].ravel(),
            "p_pool_nb": np.minimum(1.0, best * np.maximum(m_nb, 1)[:, None]).ravel(),
            "nb_signal": np.where(best < 1.0, signal, None).ravel()}))
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    # typed as the input even when no group has a window (a young warehouse): merged on period_start
    return out.astype({"period_start": series["period_start"].dtype, "p_pool_domain": float, "p_pool_nb": float,
                       "nb_signal": object})
