"""Multi-week evidence on the Noufaily baseline: a scan over the windows of 1..w periods ending now,
together with the CUSUM for slow rises, judged by one p-value calibrated on simulated null series.

An outbreak of k standard deviations spread over three weeks is invisible week by week and
visible in the sum; the scan tests each window's sum against the baseline's negative binomial
(the sum of independent NB counts with a common dispersion is NB again), the CUSUM accumulates
small excesses. The smallest tail probability of the two is mapped to the chance of evidence at
least as strong on a quiet series (table ``models/data/scan_calibration.csv``, made by
``benchmarks/scan_calibration.py``), so the multiplicity over windows and rules is accounted for.
The quiet series of the table expect from 0.005 to 300 counts a period at variance 1 to 10 times the mean,
weekly (b = 5 and 3 years) and monthly (b = 3): a cell reads the curves of its frequency and b. A baseline is
taken to be at least ``LEAST_EXPECTED`` a period: on the quiet buurt-signals of 60 simulated demo municipalities
(half of them expecting at most 0.1 a week) p-values then fall at or below 0.01, 0.001 and 1e-4 at most
0.9, 0.3 and 0.2 times as often as the level, where a count after quiet years made p at or below 1e-4
in 250 times as many weeks as 1e-4 before (``benchmarks/pvalue_honesty.py``).
References: Kulldorff (2001) JRSS A 164:61-72 (scan statistics); Siegmund & Venkatraman (1995)
Ann Stat 23:255-271 (GLR for a change of unknown start); Page (1954) Biometrika 41:100-115.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from models.base import Detector
from models.noufaily import NoufailyDetector, nb_quantile
from models.panel import Matrix
from models.scan_kernel import calibrated, scan_rows

CALIBRATION = Path(__file__).resolve().parent / "data" / "scan_calibration.csv"
#: a series's expected count per period is taken to be at least this in the scan's tails and CUSUM (and in the
#: pooled counts, ``models.pooled``). A buurt's signal that had no count in the years of its baseline is fitted
#: at about 2e-9 a period; one count then made a raw tail of 1e-9 and two of 1e-18, far below anything the
#: calibration sees, and quiet sparse series of the demo read p below 3e-4 in 4 % of their weeks. Nobody can
#: tell a series expecting one count in 20 periods from one expecting less, so that is the floor.
LEAST_EXPECTED = 0.05
#: expected-count and dispersion bins of the pooled counts' calibration table (``models.pooled``; left edges, the
#: first bin starts at the floor)
EXPECTED_EDGES = np.array([0, 0.15, 0.5, 1, 2, 3.5, 6, 10, 18, 35, 70])
PHI_EDGES = np.array([0, 1.05, 1.4, 1.9, 2.6, 3.6])
#: the bins of the scan's and the short history's tables reach further: levels of a few hundred a period and
#: dispersions to 10 (clustered reports). With one top bin from 70 and from 3.6, series expecting 150 a week at
#: variance 3x the mean, or 0.5 a week at 8x, read curves of calmer series and alarmed in 1.2 to 2.3 % of quiet weeks
SCAN_EXPECTED_EDGES = np.array([0, 0.15, 0.5, 1, 2, 3.5, 6, 10, 18, 35, 70, 140, 280])
SCAN_PHI_EDGES = np.array([0, 1.05, 1.4, 1.9, 2.6, 3.6, 5.0, 7.0])
#: the range the calibration simulates (``benchmarks/scan_calibration.py`` and ``short_calibration.py``): quiet
#: series expecting up to 300 a period, at variances up to 10 times the mean. A baseline's dispersion is an estimate:
#: series simulated at 10 read at most 13.8 in 99 % of their weeks, hence 15 for the dispersion. Beyond, the
#: p-value's false-alarm rate is unchecked: negative binomial series (size 5) of 150 to 3000 a week alarmed in
#: 1.25-1.74 % of quiet weeks, quiet series of 1000 a week at variance 10 to 30 times the mean in 1.05-1.28 %;
#: Poisson series of 500 and more in at most 0.04 % (red team 7b F6). At 3 to 55 a week variances up to 30 times
#: the mean stayed at 0.91 % at most, but the bound keeps to what was simulated
CALIBRATED_MOST_EXPECTED = 300.0
CALIBRATED_MOST_PHI = 15.0


def beyond_calibration(expected: np.ndarray, phi: np.ndarray | None) -> np.ndarray:
    """Cells whose baseline lies beyond the range the p-value is calibrated on: an expected count above
    :data:`CALIBRATED_MOST_EXPECTED` or a dispersion above :data:`CALIBRATED_MOST_PHI` (``phi`` NaN or None:
    not known, as for the moving baseline, whose dispersion is capped at the calibration's 10)."""
    with np.errstate(invalid="ignore"):
        out = np.asarray(expected, dtype=float) > CALIBRATED_MOST_EXPECTED
        if phi is not None:
            out = out | (np.asarray(phi, dtype=float) > CALIBRATED_MOST_PHI)
    return out


#: log10 of the raw statistic where the tables (the scan's and the pooled counts') hold the calibrated tail: down
#: to 1e-16, as quiet groups whose baselines came out a little low reach 1e-10, and extrapolating in proportion
#: below the table made their p-values far too small
LOG_GRID = np.linspace(-16, 0, 129)


def nb_tail(count, mean, phi) -> np.ndarray:
    """P(X >= count) for X negative binomial with this mean and variance ``phi * mean`` (Poisson at phi = 1)."""
    count, mean, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (count, mean, phi)))
    out = np.ones(count.shape)
    pos = count > 0.5
    nb = pos & (phi > 1 + 1e-9)
    po = pos & ~nb
    out[nb] = special.betainc(count[nb], np.maximum(mean[nb], 1e-12) / (phi[nb] - 1), 1 - 1 / phi[nb])
    out[po] = special.gammainc(count[po], np.maximum(mean[po], 1e-12))
    return out


def edges_of(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (expected, phi) bin edges a table of curves was made on, told by its shape."""
    for edges in ((SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES), (EXPECTED_EDGES, PHI_EDGES)):
        if curves.shape[0] == len(edges[0]) and curves.shape[1] == len(edges[1]):
            return edges
    raise ValueError(f"calibration curves of shape {curves.shape} match no bins of models.scan; "
                     f"re-make the table with its benchmarks/*_calibration.py")


def read_curves(path: str | Path, by: str | list[str]) -> dict:
    """Calibration curves as stored by :func:`curves_frame`, per value of ``by``: array (expected bin, phi bin, LOG_GRID)."""
    frame = pd.read_csv(path, comment="#")
    shape = (frame["expected_bin"].max() + 1, frame["phi_bin"].max() + 1, len(LOG_GRID))
    out = {}
    for key, part in frame.groupby(by):
        part = part.sort_values(["expected_bin", "phi_bin"])
        out[key] = part[[f"t{i}" for i in range(len(LOG_GRID))]].to_numpy().reshape(shape)
    return out


@lru_cache(maxsize=1)
def _table(path: str = str(CALIBRATION)) -> dict[tuple[int, int], np.ndarray]:
    """The calibration curves per (periods a year, baseline length b); a table without a frequency is weekly."""
    frame_has_frequency = "frequency" in pd.read_csv(path, comment="#", nrows=0).columns
    if not frame_has_frequency:
        return {(52, int(b)): curves for b, curves in read_curves(path, "b").items()}
    return {(int(f), int(b)): curves for (f, b), curves in read_curves(path, ["frequency", "b"]).items()}


def bin_of(expected: np.ndarray, phi: np.ndarray, edges: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The (expected, phi) bin of each cell as one index into the curves reshaped to (bins, LOG_GRID).

    ``edges``: the (expected, phi) left edges of the table read (default the pooled counts' ``EXPECTED_EDGES``,
    ``PHI_EDGES``; :func:`edges_of` tells a table's)."""
    e_edges, p_edges = (EXPECTED_EDGES, PHI_EDGES) if edges is None else edges
    return ((np.searchsorted(e_edges, expected, side="right") - 1).clip(0) * len(p_edges)
            + (np.searchsorted(p_edges, phi, side="right") - 1).clip(0))


def _curves(b: int, table: dict | None = None, frequency: int = 52) -> np.ndarray:
    """The curves for baseline length ``b`` of series with ``frequency`` periods a year (the nearest tabulated b
    of that frequency). A table keyed by b alone (the short history's, a test's) is read as it is: monthly
    series read weekly curves there only because no other exists."""
    table = table if table is not None else _table()
    keys = list(table)
    if keys and isinstance(keys[0], tuple):
        same = [k for k in keys if k[0] == frequency] or keys
        return table[min(same, key=lambda k: (abs(k[0] - frequency), abs(k[1] - b)))]
    return table[min(keys, key=lambda k: abs(k - b))]


def calibrate(raw: np.ndarray, expected: np.ndarray, phi: np.ndarray, b: int, table=None,
              frequency: int = 52) -> np.ndarray:
    """Null tail probability of the raw statistic (smallest window or CUSUM tail) in its (expected, phi) bin.

    Below the table's range the tail falls in proportion to the raw statistic. The compiled reading of
    ``models.scan_kernel``, the same the scan uses period by period.
    """
    raw = np.asarray(raw, dtype=float)
    curves = _curves(b, table, frequency)
    flat = np.broadcast_to(bin_of(expected, phi, edges_of(curves)), raw.shape).ravel().astype(np.int64)
    out = np.empty(raw.size)
    calibrated(raw.ravel(), flat, np.ascontiguousarray(curves.reshape(-1, len(LOG_GRID))), LOG_GRID, out)
    return out.reshape(raw.shape)


def raw_at(level: float, expected: np.ndarray, phi: np.ndarray, b: int, table=None,
           frequency: int = 52) -> np.ndarray:
    """The raw statistic whose calibrated tail equals ``level`` (inverse of :func:`calibrate`)."""
    curves = _curves(b, table, frequency)
    flat = bin_of(expected, phi, edges_of(curves))
    curves = curves.reshape(-1, len(LOG_GRID))
    out = np.empty(np.shape(expected))
    for f in np.unique(flat):
        c = np.maximum.accumulate(curves[f] + 1e-12 * np.arange(len(LOG_GRID)))   # strictly increasing
        x = np.interp(np.log10(level), c, LOG_GRID) if np.log10(level) >= c[0] else LOG_GRID[0] + np.log10(level) - c[0]
        out[flat == f] = 10 ** x
    return out


class ScanDetector(Detector):
    """Window scan + CUSUM on the Noufaily baseline, alarm when the calibrated p-value <= ``alpha``.

    Parameters
    ----------
    windows : lengths (periods) of the windows ending at the evaluated period; 1 is the
        single-period test of Noufaily.
    alpha : level of the calibrated p-value (0.0075: at most 1 % false alarms in every group of
        the benchmark grid, tuned on another seed; the calibration does not see the baseline's
        estimation error, so the realised rate is somewhat above ``alpha``).
    cusum_shift : the rise the CUSUM is tuned to (1.3 = +30 %); its tail enters as exp(-S).
    min_cases, min_cases_window : no alarm unless this many counts fell in the last periods.
    baseline : the Noufaily detector for standalone use (auto passes its own baseline).
    frequency : periods a year of the series (52 weekly, 12 monthly): the calibration is read for it, as a
        monthly baseline (``MONTHLY_SETTINGS``) holds fewer and other periods than a weekly one of the same b.
        Monthly series of 2 a month at variance 8x the mean read weekly curves before and alarmed in 1.9 % of
        quiet months. A standalone baseline's frequency wins.

    After an alarm the evidence restarts: the CUSUM resets to 0 and no window reaches back over
    the alarmed period, so the cases of a found outbreak do not alarm again in the quiet weeks
    after it (tested against taking only the alarmed period out: more false alarms, less POD).

    Output: the contract, with ``pvalue`` the calibrated probability under the fitted baseline of
    evidence at least this strong by any of the rules; ``upper`` the count that would alarm this
    period on its own (single window); ``window`` the length of the strongest window (0: CUSUM).
    A period never delivered (NaN) is skipped: the CUSUM keeps its state over it, a window sums the observed
    periods of its span; a window needs a baseline in each of them.
    """

    method = "scan"

    def __init__(self, windows: tuple[int, ...] = (1, 2, 3, 4), alpha: float = 0.0075, cusum_shift: float = 1.3,
                 min_cases: int = 5, min_cases_window: int = 4, baseline: NoufailyDetector | None = None,
                 frequency: int = 52):
        self.windows = windows
        self.alpha = alpha
        self.cusum_shift = cusum_shift
        self.min_cases = min_cases
        self.min_cases_window = min_cases_window
        self.baseline = baseline
        self.frequency = frequency

    @property
    def warmup(self) -> int:
        """Periods before the first reported one that the windows need a baseline for."""
        return max(self.windows) - 1

    @property
    def history_needed(self) -> int:
        return (self.baseline or NoufailyDetector()).history_needed

    def score_matrix(self, m: Matrix, eval_start: int | None = None, baseline_out=None, years=None,
                     report_start: int | None = None, table=None):
        """``baseline_out`` = (Noufaily columns, evaluated) from ``eval_start`` on; ``years`` the baseline's
        b per cell (or one int); only periods from ``report_start`` on are returned as evaluated."""
        companion = baseline_out is not None
        base_det = self.baseline or NoufailyDetector()
        if baseline_out is None:
            start = None if eval_start is None else eval_start - self.warmup
            baseline_out = base_det.fit().score_matrix(m, start, bounds=False)
            report_start = eval_start
        base, evaluated = baseline_out
        years = base_det.b if years is None else years
        frequency = self.baseline.frequency if self.baseline is not None else self.frequency
        y, mu, phi = m.counts, base["expected"], base["phi"]
        S, T = y.shape
        valid = evaluated & np.isfinite(mu)
        mu = np.maximum(mu, LEAST_EXPECTED)          # nan stays nan (no baseline)
        wins = np.asarray(self.windows)
        # the loop starts where the first window or count rule reaches back to (column c0)
        cols = np.flatnonzero(valid.any(axis=0))
        c0 = max(0, int(cols[0]) + 1 - max(int(wins.max()), self.min_cases_window)) if cols.size else T
        b_cell = np.broadcast_to(years, (S, T))
        out = {k: np.full((S, T), np.nan) for k in ("pvalue", "cusum", "raw")}
        out["alarm"] = np.zeros((S, T), dtype=bool)
        out["window"] = np.zeros((S, T), dtype=np.int64)
        lengths = np.unique(b_cell[valid]) if valid.any() else np.array([base_det.b])
        tables = [_curves(int(b), table, frequency) for b in lengths]
        curves = np.stack([c.reshape(-1, len(LOG_GRID)) for c in tables])
        b_index = np.searchsorted(lengths, b_cell).clip(0, len(lengths) - 1).astype(np.int64)
        flat = np.where(valid, bin_of(np.nan_to_num(mu), np.nan_to_num(phi), edges_of(tables[0])), 0).astype(np.int64)
        scan_rows(np.ascontiguousarray(y, dtype=float), np.ascontiguousarray(mu, dtype=float),
                  np.ascontiguousarray(phi, dtype=float), np.ascontiguousarray(valid), b_index, flat, curves,
                  LOG_GRID, wins.astype(np.int64), c0,
                  float(np.log(self.cusum_shift)), float(self.cusum_shift), float(self.alpha), float(self.min_cases),
                  int(self.min_cases_window), out["pvalue"], out["cusum"], out["raw"], out["alarm"], out["window"])
        reported = evaluated.copy()          # a baseline that did not converge is reported, without a p-value
        if report_start is not None:
            reported[:, : max(0, report_start - m.first_index)] = False
        upper = np.full((S, T), np.nan)
        for b in np.unique(b_cell[valid]) if self.alpha > 0 else ():
            cells = valid & (b_cell == b)
            # the largest count whose single-period tail is above the level: counts above it alarm
            upper[cells] = nb_quantile(mu[cells], phi[cells], raw_at(self.alpha, mu[cells], phi[cells], int(b), table,
                                                                           frequency),
                                       upper_tail=True)
        out["upper"] = upper
        if not companion:              # as a detector of its own it fills the whole contract
            out.update({"count": y, "expected": mu, "score": (y - mu) / np.maximum(upper - mu, 0.5),
                        "method": np.full((S, T), self.method, dtype=object),
                        "reason": np.full((S, T), "", dtype=object)})
        return out, reported


def build_curves(raw: np.ndarray, expected: np.ndarray, phi: np.ndarray, min_cells: int = 2000,
                 min_hits: int = 10, edges: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """log10 null tail of the raw statistic on LOG_GRID per (expected, phi) bin, from quiet simulated cells.

    Where fewer than ``min_hits`` cells lie below a grid point the tail is extrapolated in
    proportion to the statistic; a bin with fewer than ``min_cells`` cells borrows the nearest
    filled bin (phi first, then expected). ``edges``: the bins (default the pooled counts', see :func:`bin_of`).
    """
    e_edges, p_edges = (EXPECTED_EDGES, PHI_EDGES) if edges is None else edges
    ok = np.isfinite(raw)
    raw, expected, phi = raw[ok], expected[ok], phi[ok]
    flat = bin_of(expected, phi, (e_edges, p_edges))
    ie, ip = flat // len(p_edges), flat % len(p_edges)
    curves = np.full((len(e_edges), len(p_edges), len(LOG_GRID)), np.nan)
    for a in range(curves.shape[0]):
        for b in range(curves.shape[1]):
            r = np.sort(raw[(ie == a) & (ip == b)])
            if len(r) < min_cells:
                continue
            hits = np.searchsorted(r, 10 ** LOG_GRID, side="right")
            tail = hits / len(r)
            j = np.flatnonzero(hits >= min_hits)[0]
            tail[:j] = tail[j] * 10 ** (LOG_GRID[:j] - LOG_GRID[j])
            curves[a, b] = np.log10(np.maximum(tail, 1e-300))
    filled = [(a, b) for a in range(curves.shape[0]) for b in range(curves.shape[1]) if np.isfinite(curves[a, b, 0])]
    for a in range(curves.shape[0]):
        for b in range(curves.shape[1]):
            if not np.isfinite(curves[a, b, 0]):
                a2, b2 = min(filled, key=lambda f: abs(f[1] - b) + 10 * abs(f[0] - a))
                curves[a, b] = curves[a2, b2]
    return curves


def write_curves(path: Path, tables: dict, what: str, made_by: str, by: tuple[str, ...] = ("b",)) -> None:
    """Store calibration curves (:func:`curves_frame`) with a header line saying what they are and how made."""
    path.parent.mkdir(exist_ok=True)
    header = (f"# {what}: log10 P(raw statistic <= 10^x) on quiet simulated series, x = "
              f"linspace({LOG_GRID[0]:g}, {LOG_GRID[-1]:g}, {len(LOG_GRID)}) in columns t0..; {made_by}\n")
    path.write_text(header + curves_frame(tables, by).to_csv(index=False), encoding="utf-8")
    print(f"wrote {path}")


def curves_frame(tables: dict, by: tuple[str, ...] = ("b",)) -> pd.DataFrame:
    """The calibration table as stored: one row per key (``by``: baseline length b, or (frequency, b)) and
    (expected, phi) bin."""
    rows = []
    for key, curves in sorted(tables.items()):
        e_edges, p_edges = edges_of(curves)
        named = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        for a, e0 in enumerate(e_edges):
            for c, p0 in enumerate(p_edges):
                rows.append({**named, "expected_bin": a, "phi_bin": c, "expected_from": e0, "phi_from": p0,
                             **{f"t{i}": round(float(v), 4) for i, v in enumerate(curves[a, c])}})
    return pd.DataFrame(rows)
