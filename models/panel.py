"""The one data contract every detector speaks.

In: a *panel*, one row per series x period with the series key columns, an integer
``period_index`` (consecutive within a series) and a non-negative whole ``count``, or NA (an empty
count) for a period that was not delivered: missing in the matrix, as the pipeline's undelivered periods
are, so it is left out of every baseline and not scored.
Out: the same key columns and ``period_index`` plus :data:`RESULT_COLUMNS` for every
evaluated period. Any detector can replace any other (the idea of the R package
``surveillance``'s ``sts`` object).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

RESULT_COLUMNS = ["count", "expected", "upper", "score", "pvalue", "alarm", "method", "reason"]


class PanelError(ValueError):
    """Raised when a panel breaks the contract; the message names the rows and the fix."""


#: The largest count of one series in one period. A buurt, or even the largest municipality, never has
#: a billion reports in a week or month (the Netherlands has 18 million people); anything above is a
#: wrong column or a sum gone wrong, and counts far above it no longer fit the int64 results (2**63 is
#: about 9.2e18) nor leave the expected values of neighbouring periods meaningful.
MAX_COUNT = 1_000_000_000
#: The most periods one panel may span (first to last period_index over all series): 10,000 weeks is
#: about 190 years, 10,000 months over 800. Every series is laid out on the panel's whole period range,
#: so series far apart in period_index would otherwise make a matrix of the whole gap between them.
MAX_PERIODS = 10_000
#: The most series x period cells one panel is laid out in (float64: 4 GB for the counts alone; each
#: detector keeps a few matrices of the same shape). A million weekly series of seven years is 364 million.
MAX_CELLS = 500_000_000


def _rows(mask: np.ndarray, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(i + 1) for i in idx[:limit])
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    return f"data row(s) {shown}{more}"


def check_panel(panel: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Refuse a panel with missing columns, bad counts, duplicate keys or gaps.

    An NA count is a period not delivered (NaN in :func:`to_matrix`), not a bad count: 0 means no reports,
    which is something else. A missing row is still a gap: exports often leave out the periods without
    reports, so a missing row cannot be read as either, and the message asks for the one that is meant.

    Returns each row's series number (the series in sorted key order), for :func:`to_matrix`.
    """
    missing = [c for c in [*keys, "period_index", "count"] if c not in panel.columns]
    if missing:
        raise PanelError(f"panel is missing column(s) {missing}; expected {keys + ['period_index', 'count']}")
    if len(panel) == 0:
        raise PanelError(f"the panel has no rows (the columns {keys + ['period_index', 'count']} are there, with no "
                         "series in them): give at least one series with its counts per period")
    counts = pd.to_numeric(panel["count"], errors="coerce").to_numpy(dtype="float64")
    undelivered = panel["count"].isna().to_numpy()
    bad = ~undelivered & (~np.isfinite(counts) | (counts < 0) | (np.floor(counts) != counts))
    if bad.any():
        raise PanelError(f"counts must be whole numbers >= 0 (or empty for a period not delivered): {_rows(bad)} are not")
    big = counts > MAX_COUNT
    if big.any():
        raise PanelError(f"counts must be at most {MAX_COUNT:,} per series and period: {_rows(big)} are above; "
                         "check that the count column holds counts per period and not sums or codes")
    # fast check on one sort; the row-naming messages below run only when something is wrong
    codes = panel.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
    t = pd.to_numeric(panel["period_index"], errors="coerce").to_numpy(dtype="float64")
    exact = panel["period_index"].to_numpy() if pd.api.types.is_integer_dtype(panel["period_index"]) else t
    _check_span(exact, int(codes.max()) + 1 if len(codes) else 0)    # before the order checks: float64 t is exact to 2**53
    same = codes[1:] == codes[:-1]
    in_order = bool((np.diff(codes) >= 0).all() and (np.diff(t)[same] == 1).all())   # a file sorted by series and period
    if not in_order:
        order = np.lexsort((t, codes))
        same = codes[order][1:] == codes[order][:-1]
        in_order = not (same & (np.diff(t[order]) != 1)).any()
    if in_order:
        return codes
    dup = panel.duplicated([*keys, "period_index"], keep=False).to_numpy()
    if dup.any():
        raise PanelError(f"duplicate series/period keys in {_rows(dup)}; keep one row per series and period")
    g = panel.groupby(keys, sort=False, dropna=False)["period_index"]
    span = g.transform("max") - g.transform("min") + 1
    size = g.transform("size")
    gaps = (span != size).to_numpy()
    if gaps.any():
        raise PanelError(
            f"period_index has gaps in the series of {_rows(gaps)}; give every period of a series a row: count 0 "
            "where there were no reports, an empty count where the period was not delivered (it is then left out of "
            "the baselines and not scored; a 0 would be read as a quiet period)"
        )
    raise PanelError("period_index must be whole numbers, consecutive within each series")


def _check_span(t: np.ndarray, n_series: int) -> None:
    """Refuse a panel whose (series x period) layout would be too large: see :data:`MAX_PERIODS`, :data:`MAX_CELLS`."""
    finite = np.isfinite(t)
    if not finite.any():        # no period at all (the other checks name what is wrong with it)
        return
    if not finite.all():
        t = np.where(finite, t, np.nan)
    lo, hi = int(np.nanmin(t)), int(np.nanmax(t))
    span = hi - lo + 1
    if span > MAX_PERIODS:
        first, last = int(np.nanargmin(t)) + 1, int(np.nanargmax(t)) + 1
        raise PanelError(
            f"period_index spans {span:,} periods (from data row {first} to data row {last}), more than the "
            f"{MAX_PERIODS:,} one run lays out; renumber period_index from 1 or score each period range in a separate run")
    if n_series * span > MAX_CELLS:
        raise PanelError(
            f"{n_series:,} series over {span:,} periods is more than the {MAX_CELLS:,} series-periods one run lays out; "
            "split the series over several runs (or renumber period_index if the series lie far apart in time)")


@dataclass(frozen=True)
class Matrix:
    """A panel laid out as a dense (series x period) matrix on one shared period grid."""

    keys: pd.DataFrame          # one row per series, the key columns
    first_index: int            # period_index of column 0
    counts: np.ndarray          # float64 (S, T); NaN where a series has no data

    @property
    def n_periods(self) -> int:
        return self.counts.shape[1]


def to_matrix(panel: pd.DataFrame, keys: list[str], codes: np.ndarray | None = None) -> Matrix:
    """Lay a checked panel out as a (series x period) matrix; periods outside a series are NaN.

    ``codes``: the rows' series numbers as :func:`check_panel` returns them (computed when not given).
    """
    if codes is None:
        codes = panel.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)          # each series' first row
    key_frame = panel[keys].iloc[first]
    t = panel["period_index"].to_numpy(dtype="int64")
    t0 = int(t.min())
    _check_span(t, len(key_frame))
    y = np.full((len(key_frame), int(t.max()) - t0 + 1), np.nan)
    y[codes, t - t0] = pd.to_numeric(panel["count"], errors="coerce").to_numpy(dtype="float64")   # NA: not delivered
    return Matrix(keys=key_frame.reset_index(drop=True), first_index=t0, counts=y)


def from_matrix(m: Matrix, columns: dict[str, np.ndarray], evaluated: np.ndarray) -> pd.DataFrame:
    """Turn per-cell result matrices back into the long result shape, for cells where ``evaluated``."""
    s_idx, t_idx = np.nonzero(evaluated)
    out = m.keys.iloc[s_idx].reset_index(drop=True)
    out["period_index"] = t_idx + m.first_index
    for name, values in columns.items():
        out[name] = values[s_idx, t_idx]
    return out


def running_sums(a: np.ndarray) -> np.ndarray:
    """Cumulative sums along the periods with a leading zero column: a window (lo, hi] sums to c[hi] - c[lo]."""
    return np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=1)], axis=1)


def evaluable(m: Matrix, history: int, eval_start: int | None = None) -> np.ndarray:
    """Cells whose own period is observed in a series that began at least ``history`` periods before
    (and with period_index >= eval_start).

    A series is observed from its first period on, except for periods its source never delivered (NaN inside
    the series). Those are the detectors' to judge: each decides how much of its window it needs observed
    (``models.noufaily``: half of every seasonal level; ``models.short``: 7 of its last periods). Without such
    periods this is the cells whose whole window [t - history, t] is observed.
    """
    finite = np.isfinite(m.counts)
    S, T = finite.shape
    first = np.where(finite.any(axis=1), finite.argmax(axis=1), T)
    ok = finite & (np.arange(T)[None, :] - first[:, None] >= history)
    if eval_start is not None:
        ok[:, : max(0, eval_start - m.first_index)] = False
    return ok
