"""``wijkradar detect``: any count file through any detector, CSV in, CSV out, no warehouse.

Input columns: ``series``, ``period_index`` (1-based, consecutive per series), ``count``; any
other column is an extra id (such as ``replicate``) and part of the series key; comma-, semicolon-
or tab-separated, sniffed from the header line as ingest does. Bad input ends with a message
naming the rows, and nothing is written.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from models.detectors import make_detector
from models.panel import PanelError, check_panel
from pipelines.parallel import process_pool, workers_for
from pipelines.textfiles import delimiter


class DetectInputError(ValueError):
    """The count file cannot be scored; nothing was written."""


REQUIRED = ("series", "period_index", "count")
OUTPUT_TAIL = ["period_index", "count", "expected", "upper", "score", "pvalue", "alarm", "method", "reason"]


def detect_file(input: Path, output: Path, method: str = "auto", frequency: int = 52,
                eval_start: int | None = None, alpha: float | None = None,
                workers: int | None = None) -> tuple[int, int]:
    """Score every series of ``input`` and write the results; returns (rows written, alarms).

    ``workers``: local processes that score parts of the series (default: one per core, at most 2, for
    panels of at least ``PARALLEL_FROM`` series); every series is scored on its own, so the output is the
    same whatever the split.
    """
    if not Path(input).is_file():
        raise DetectInputError(f"{input} does not exist; give the path of a CSV with series, period_index, count")
    try:
        sep, hint = delimiter(Path(input), REQUIRED)
        panel = pd.read_csv(input, sep=sep, skiprows=1 if hint else 0, dtype={"series": str})
    except Exception as exc:
        raise DetectInputError(f"{input}: cannot be read as CSV ({exc}); save it as comma- or "
                               "semicolon-separated text") from exc
    missing = [c for c in REQUIRED if c not in panel.columns]
    if missing:
        raise DetectInputError(f"{input}: missing column(s) {missing}; the file needs series, period_index, count")
    keys = [c for c in panel.columns if c not in ("period_index", "count")]
    idx = pd.to_numeric(panel["period_index"], errors="coerce")
    bad = idx.isna() | (idx < 1) | (idx % 1 != 0)
    if bad.any():
        rows = ", ".join(str(i + 1) for i in bad[bad].index[:5])
        raise DetectInputError(f"{input}: period_index must be a whole number >= 1; data row(s) {rows} are not")
    panel["period_index"] = idx.astype("int64")
    try:
        check_panel(panel, keys)
    except PanelError as exc:
        raise DetectInputError(f"{input}: {exc}") from exc
    panel["count"] = panel["count"].astype("int64")
    result = _score(panel, keys, method, frequency, alpha, eval_start, workers)
    result["count"] = result["count"].astype("int64")
    result = result[[*keys, *OUTPUT_TAIL]].sort_values([*keys, "period_index"], kind="stable")
    tmp = Path(output).with_suffix(Path(output).suffix + ".part")
    result.to_csv(tmp, index=False)
    os.replace(tmp, output)        # all or nothing: a crash never leaves half a file
    return len(result), int(result["alarm"].sum())


#: Panels with fewer series are scored in this process (starting a worker costs about two seconds).
PARALLEL_FROM = 2_000


def _score_part(part: pd.DataFrame, keys: list[str], method: str, frequency: int, alpha: float | None,
                eval_start: int | None) -> pd.DataFrame:
    return make_detector(method, frequency, alpha).score(part, keys, eval_start=eval_start)


def _score(panel: pd.DataFrame, keys: list[str], method: str, frequency: int, alpha: float | None,
           eval_start: int | None, workers: int | None) -> pd.DataFrame:
    """The detector's results for every series, in parts on local worker processes when it pays."""
    series = panel.groupby(keys, sort=False).ngroup()
    n = int(series.max()) + 1 if len(series) else 0
    workers = workers_for(workers)
    if workers <= 1 or n < PARALLEL_FROM:
        return _score_part(panel, keys, method, frequency, alpha, eval_start)
    parts = [panel[(series % workers == w).to_numpy()] for w in range(workers)]
    with process_pool(workers) as pool:
        results = list(pool.map(_score_part, parts, *([x] * workers for x in (keys, method, frequency, alpha,
                                                                                eval_start))))
    return pd.concat(results, ignore_index=True)
