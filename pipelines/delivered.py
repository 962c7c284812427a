"""Periods a source never delivered: the period ranges per source, and the runs of periods a municipality's
source holds no count of where its usual counts make that implausible (missing, not zeros).

One rule for the scoring (``pipelines.score``: such periods are left out of every series) and the reports'
year comparisons (``pipelines.reports.trends``); numpy and pandas only, so a report reads it without loading the
detectors.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.calendar import period_index

#: a run of periods in which a municipality's source holds no count at all is read as never delivered (missing, not
#: zeros) when the source's mean count per period there times the run's length reaches this: a Poisson source
#: expecting 10 counts over the run is empty in it with a chance of 5e-5. A sparse source's quiet periods stay zeros.
MISSING_EXPECTED = 10.0


def grids(counts: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """The period-index range of every (period type, source): every buurt's series spans its source's range."""
    ranges = counts.groupby(["period", "source"], observed=True)["period_start"].agg(first="min", last="max")
    return grid_of(ranges.reset_index())


def grid_of(ranges: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """:func:`grids` from ``catalog.count_ranges`` (``period, source, first, last``), without reading the counts."""
    out = {}
    for r in ranges.itertuples(index=False):
        idx = np.asarray(period_index(pd.Series(pd.to_datetime([r.first, r.last])), r.period))
        out[(r.period, r.source)] = (int(idx[0]), int(idx[1]))
    return out


def undelivered(sub: pd.DataFrame, period: str, grid: dict[tuple[str, str], tuple[int, int]]) -> dict[str, np.ndarray]:
    """Per source, the period indices (of one period type) the counts ``sub`` (one municipality's, with
    ``period_index``) hold no count of at all although the source delivered before them: runs of such periods
    whose expected count (the source's mean per period from its first delivery there, times the run's length)
    reaches :data:`MISSING_EXPECTED`. Up to the end of the source's grid, so a municipality that has not delivered
    the latest periods yet has them missing too."""
    out = {}
    for source, part in sub.groupby("source", observed=True):
        lo, hi = grid[(period, source)]
        t = part["period_index"].to_numpy(dtype=np.int64)
        first = max(lo, int(t.min()))
        if first > hi:
            continue
        seen = np.zeros(hi - first + 1, dtype=bool)
        inside = (t >= first) & (t <= hi)
        seen[t[inside] - first] = True
        rate = float(part.loc[inside, "count"].sum()) / len(seen)
        empty = np.flatnonzero(~seen)
        if not len(empty):
            continue
        runs = np.split(empty, np.flatnonzero(np.diff(empty) > 1) + 1)
        gone = [r for r in runs if rate * len(r) >= MISSING_EXPECTED]
        if gone:
            out[source] = np.concatenate(gone) + first
    return out
