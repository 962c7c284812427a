"""``wijkradar detect``: any count file through any detector, CSV in, CSV out, no warehouse.

Input columns: ``series``, ``period_index`` (1-based, consecutive per series), ``count``; any
other column is an extra id (such as ``replicate``) and part of the series key. Bad input ends
with a message naming the rows, and nothing is written.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from models.detectors import make_detector
from models.panel import PanelError, check_panel


class DetectInputError(ValueError):
    """The count file cannot be scored; nothing was written."""


OUTPUT_TAIL = ["period_index", "count", "expected", "upper", "score", "pvalue", "alarm", "method", "reason"]


def detect_file(input: Path, output: Path, method: str = "auto", frequency: int = 52,
                eval_start: int | None = None, alpha: float | None = None) -> tuple[int, int]:
    if not Path(input).is_file():
        raise DetectInputError(f"{input} does not exist; give the path of a CSV with series, period_index, count")
    try:
        panel = pd.read_csv(input, dtype={"series": str})
    except Exception as exc:
        raise DetectInputError(f"{input}: cannot be read as CSV ({exc}); save it as comma-separated text") from exc
    missing = [c for c in ("series", "period_index", "count") if c not in panel.columns]
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
    detector = make_detector(method, frequency, alpha)
    result = detector.score(panel, keys, eval_start=eval_start)
    result["count"] = result["count"].astype("int64")
    result = result[[*keys, *OUTPUT_TAIL]].sort_values([*keys, "period_index"], kind="stable")
    tmp = Path(output).with_suffix(Path(output).suffix + ".part")
    result.to_csv(tmp, index=False)
    os.replace(tmp, output)        # all or nothing: a crash never leaves half a file
    return len(result), int(result["alarm"].sum())
