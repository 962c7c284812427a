"""Pooled counts: a rise spread thinly over several series, tested on the sum of their counts.

Two groups of series are pooled per area and period: the area's series of one domain, and per
signal the area with its neighbours. The group's counts over the windows of 1..4 periods ending
now are tested against the sum of the series' baselines with the negative-binomial tail of
``models.scan`` (moment matched: the sum's mean is the sum of the expected counts, its variance the
sum of ``phi x expected``). Spread over k series a rise of d standard deviations each adds up to
about d x sqrt(k) standard deviations of the sum, where each series' own p-value sees only d.

The smallest window tail is mapped to the chance of one at least as small in a quiet municipality
(table ``models/data/pooled_calibration.csv``, made by ``benchmarks/pooled_calibration.py`` with
the bins and curves of ``models.scan``): this accounts for the four windows and for the baselines'
estimation error, which does not average out in a sum (a mean a few per cent low in each series is
a few per cent low in the sum, whose noise is relatively smaller). Uncalibrated, the smallest tail
falls at or below 0.01 about five times as often as 0.01 in a quiet municipality; calibrated, on 20
quiet municipalities apart from the table's, 0.98 to 1.07 times at 0.01 (where the lists use it),
1.1 to 1.4 times at 0.002 and 1.7 to 2.9 times at 0.0005, below the table's resolution (so an
``alarm`` from a pooled look is less certain than its p-value says; the listing is not).
References: Kulldorff (2001) JRSS A 164:61-72 (scan statistics over windows and neighbourhoods).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from models.panel import running_sums
from models.scan import LOG_GRID, bin_of, nb_tail, read_curves

CALIBRATION = Path(__file__).resolve().parent / "data" / "pooled_calibration.csv"
LOOKS = ("domain", "neighbours")


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
    flat = bin_of(expected, phi)
    curves = curves.reshape(-1, len(LOG_GRID))
    x = np.log10(np.maximum(raw, 1e-300))
    up = np.searchsorted(LOG_GRID, x - 1e-9).clip(0, len(LOG_GRID) - 1)
    v = curves[flat, up]
    low = x < LOG_GRID[0]
    v[low] = curves[flat[low], 0] + (x[low] - LOG_GRID[0])
    return 10 ** np.minimum(v, 0.0)


def _dense(part: pd.DataFrame):
    """Series keys, period starts and (series x period) arrays of one period type."""
    area_id, areas = pd.factorize(part["area_code"])
    signal_id, signals = pd.factorize(part["signal"])
    series, sid = np.unique(area_id * len(signals) + signal_id, return_inverse=True)
    starts, tid = np.unique(part["period_start"].to_numpy(), return_inverse=True)
    shape = (len(series), len(starts))
    mu = part["expected"].to_numpy(dtype=float)
    phi = part["phi"].to_numpy(dtype=float)
    ok = np.isfinite(mu) & np.isfinite(phi) & (mu >= 0)
    out = {}
    for name, values in (("y", part["count"].to_numpy(dtype=float)), ("mu", mu), ("var", mu * phi),
                         ("ok", np.ones(len(part)))):
        a = np.zeros(shape)
        a[sid[ok], tid[ok]] = values[ok]
        out[name] = a
    frame = pd.DataFrame({"area_code": np.asarray(areas, dtype=object)[series // len(signals)],
                          "signal": np.asarray(signals, dtype=object)[series % len(signals)]})
    return frame, starts, out


def _tail(y, mu, var, min_count: int, where) -> np.ndarray:
    """Negative-binomial tail of a group's window sum where ``where``, the sum reaches ``min_count`` and
    exceeds its expected count (a tail that cannot be small is not computed); 1 elsewhere."""
    out = np.ones(y.shape)
    m = where & (mu > 0) & (y >= min_count) & (y > mu)
    out[m] = nb_tail(y[m], mu[m], np.maximum(var[m] / mu[m], 1.0))
    return out


def group_tails(part: pd.DataFrame, neighbours: pd.DataFrame, windows: tuple[int, ...] = (1, 2, 3, 4),
                min_count: int = 3) -> dict:
    """Raw tails of both looks for one period type (see :func:`pooled_pvalues`).

    Returns a dict with ``starts`` (the periods), per look its group keys (``domain_keys``: area and
    domain; ``neighbours_keys``: area and signal), ``<look>_raw`` (smallest window tail, groups x
    periods) and ``<look>_expected``, ``<look>_phi`` (the group's one-period baseline, for the bins).
    """
    keys, starts, a = _dense(part)
    S, T = a["y"].shape
    pairs = part[["signal", "domain"]].drop_duplicates("signal")
    keys["domain"] = keys["signal"].map(pd.Series(pairs["domain"].to_numpy(dtype=object), index=pairs["signal"].to_numpy(dtype=object)))
    dom_id, dom_keys = pd.MultiIndex.from_arrays([keys["area_code"], keys["domain"]]).factorize()
    to_domain = sparse.csr_matrix((np.ones(S), (dom_id, np.arange(S))), shape=(len(dom_keys), S))
    # each series with the same signal's series of the area's neighbours (and itself)
    series = keys[["area_code", "signal"]].assign(row=np.arange(S))
    pairs = series.merge(neighbours, on="area_code").merge(
        series.rename(columns={"area_code": "neighbour", "row": "other"}), on=["neighbour", "signal"])
    rows = np.concatenate([np.arange(S), pairs["row"].to_numpy()])
    cols = np.concatenate([np.arange(S), pairs["other"].to_numpy()])
    with_nb = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(S, S))
    has_nb = np.bincount(pairs["row"].to_numpy(), minlength=S) > 0
    # window sums from cumulative sums; the groups' sums are linear, so they are taken once, on the cumulatives
    cum = {k: running_sums(a[k]) for k in ("y", "mu", "var", "ok")}
    cum_d = {k: np.asarray(to_domain @ v) for k, v in cum.items() if k != "ok"}
    cum_n = {k: np.asarray(with_nb @ v) for k, v in cum.items() if k != "ok"}
    out = {"starts": starts, "domain_keys": dom_keys, "neighbours_keys": keys[["area_code", "signal", "domain"]]}
    raw_d, raw_n = np.ones((len(dom_keys), T)), np.ones((S, T))
    hi = np.arange(1, T + 1)
    for w in windows:
        lo = np.clip(hi - w, 0, None)
        # a window needs a baseline in each of its periods, for every series of the group
        full = (cum["ok"][:, hi] - cum["ok"][:, lo]) >= w - 0.5
        full_d = np.asarray(to_domain @ (~full).astype(float)) < 0.5
        full_n = np.asarray(with_nb @ (~full).astype(float)) < 0.5
        d = {k: v[:, hi] - v[:, lo] for k, v in cum_d.items()}
        n = {k: v[:, hi] - v[:, lo] for k, v in cum_n.items()}
        raw_d = np.minimum(raw_d, _tail(d["y"], d["mu"], d["var"], min_count, full_d))
        # the area itself above its expected count in the window: a rise that includes this buurt
        own_up = full_n & has_nb[:, None] & ((cum["y"][:, hi] - cum["y"][:, lo]) > (cum["mu"][:, hi] - cum["mu"][:, lo]))
        raw_n = np.minimum(raw_n, _tail(n["y"], n["mu"], n["var"], min_count, own_up))
        if w == 1:
            for look, g in (("domain", d), ("neighbours", n)):
                out[f"{look}_expected"] = g["mu"]
                out[f"{look}_phi"] = np.maximum(g["var"] / np.maximum(g["mu"], 1e-12), 1.0)
    out["domain_raw"], out["neighbours_raw"] = raw_d, raw_n
    out["dom_id"], out["has_nb"] = dom_id, has_nb
    return out


def pooled_pvalues(series: pd.DataFrame, neighbours: pd.DataFrame, windows: tuple[int, ...] = (1, 2, 3, 4),
                   min_count: int = 3, table: dict | None = None) -> pd.DataFrame:
    """Calibrated p-values of the pooled counts per area, domain, period type and period.

    Parameters
    ----------
    series : one row per series and period: ``area_code, signal, domain, period, period_start, count,
        expected, phi`` (``phi``: the baseline's dispersion, variance / mean; NaN where the detector has
        none, e.g. EARS: a group with such a cell in a window does not use that window).
    neighbours : ``area_code, neighbour`` (both directions).
    windows : window lengths (periods ending at the evaluated one).
    min_count : a group's window with fewer counts gives no evidence.
    table : calibration curves per look (default: ``models/data/pooled_calibration.csv``).

    Returns
    -------
    ``area_code, domain, period, period_start`` with ``p_pool_domain`` (the area's series of the
    domain summed) and ``p_pool_nb`` (per signal the area and its neighbours summed, counted where
    the area's own window is above its expected count; the best signal, Bonferroni over the domain's
    signals with neighbours). Under the null each is at most uniform, as far as the simulated quiet
    municipalities of the calibration represent the data (the demo's signals at three population
    scales, 3-year baselines; longer baselines are estimated better and should give conservative
    p-values, which is not measured).
    """
    table = _table() if table is None else table
    cols = ["area_code", "domain", "period", "period_start", "p_pool_domain", "p_pool_nb"]
    parts = []
    for period, part in series.groupby("period", sort=False):
        g = group_tails(part, neighbours, windows, min_count)
        p = {}
        for look in LOOKS:
            raw = g[f"{look}_raw"]
            p[look] = np.ones(raw.shape)
            m = raw < 1
            p[look][m] = _calibrated(raw[m], g[f"{look}_expected"][m], g[f"{look}_phi"][m], table[(look, period)])
        dom_keys, T = g["domain_keys"], len(g["starts"])
        best = np.ones((len(dom_keys), T))
        np.minimum.at(best, g["dom_id"], p["neighbours"])
        m_nb = np.bincount(g["dom_id"], weights=g["has_nb"].astype(float), minlength=len(dom_keys))
        parts.append(pd.DataFrame({
            "area_code": np.repeat(dom_keys.get_level_values(0).to_numpy(), T),
            "domain": np.repeat(dom_keys.get_level_values(1).to_numpy(), T),
            "period": period, "period_start": np.tile(g["starts"], len(dom_keys)),
            "p_pool_domain": p["domain"].ravel(),
            "p_pool_nb": np.minimum(1.0, best * np.maximum(m_nb, 1)[:, None]).ravel()}))
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
