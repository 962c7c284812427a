"""``wijkradar detect``: any count file through any detector, CSV in, CSV out, no warehouse.

Input columns: ``series``, ``period_index`` (1-based, consecutive per series), ``count``; any
other column is an extra id (such as ``replicate``) and part of the series key; comma-, semicolon-
or tab-separated, sniffed from the header line as ingest does. Bad input ends with a message
naming the rows, and nothing is written.
"""
from __future__ import annotations

import os
import shutil
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from models.panel import Matrix, PanelError, check_panel, to_matrix
from pipelines.parallel import process_pool, workers_for
from pipelines.safe_output import neutralise_frame
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
    workers = workers_for(workers)
    pool = None
    if workers > 1 and Path(input).stat().st_size >= PARALLEL_BYTES:
        # a file this large usually holds enough series for the workers: start them now, so that they
        # load while this process reads and checks the file
        pool = process_pool(workers)
        for _ in range(workers):
            pool.submit(_ready)
    tmp = Path(output).with_suffix(Path(output).suffix + ".part")
    try:
        rows, alarms = _read_and_score(Path(input), tmp, method, frequency, eval_start, alpha, workers, pool)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    os.replace(tmp, output)        # all or nothing: a crash never leaves half a file
    return rows, alarms


def _read_and_score(input: Path, output: Path, method: str, frequency: int, eval_start: int | None,
                    alpha: float | None, workers: int, pool) -> tuple[int, int]:
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
        codes = check_panel(panel, keys)
    except PanelError as exc:
        raise DetectInputError(f"{input}: {exc}") from exc
    return _score(to_matrix(panel, keys, codes), (method, frequency, alpha, eval_start), output, workers, pool)


def write_results(result: pd.DataFrame, path: Path, keys: list[str], header: bool = True) -> None:
    """The results as CSV: Arrow's writer (six times faster than pandas' on large panels), texts quoted,
    numbers in their shortest exact form, ``alarm`` as True/False, and series ids from the input that a
    spreadsheet could take for a formula neutralised (decided once per distinct id)."""
    out = result.copy(deep=False)
    for key in keys:
        ids = out[key].drop_duplicates()
        safe = neutralise_frame(ids.to_frame(), header=False)[key]
        if not safe.equals(ids):
            out[key] = out[key].map(dict(zip(ids, safe)))
    out["alarm"] = np.where(result["alarm"].to_numpy(dtype=bool), "True", "False")
    table = pa.Table.from_pandas(out, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed", include_header=header))


#: Panels with fewer series are scored in this process (starting a worker costs about two seconds).
PARALLEL_FROM = 2_000
#: Files of this size start the workers before they are read (2,000 series of a year are about 1.5 MB).
PARALLEL_BYTES = 2_000_000


def _ready() -> None:
    """Load the detectors and their compiled code in a fresh worker: score one quiet series of six years."""
    from models.detectors import make_detector

    quiet = Matrix(pd.DataFrame({"series": ["warm-up"]}), 1, np.zeros((1, 6 * 52)))
    make_detector("auto").score_layout(quiet, eval_start=6 * 52 - 3)


def _score_part(part: Matrix, how: tuple, path: Path, header: bool) -> tuple[int, int]:
    """Score the series of ``part`` with the detector ``how`` = (method, frequency, alpha, eval_start),
    write their rows (series in key order, each by period) to ``path``; returns (rows, alarms)."""
    from models.detectors import make_detector    # here, so a process that only reads and joins never loads them

    method, frequency, alpha, eval_start = how
    result = make_detector(method, frequency, alpha).score_layout(part, eval_start=eval_start)
    result["count"] = result["count"].astype("int64")
    keys = list(part.keys.columns)
    result = result[[*keys, *OUTPUT_TAIL]]
    write_results(result, path, keys, header)
    return len(result), int(result["alarm"].sum())


def _score(m: Matrix, how: tuple, output: Path, workers: int, pool=None) -> tuple[int, int]:
    """Score every series and write the results file, in parts on local worker processes when it pays.

    Each worker takes a contiguous block of the matrix's series (sorted by key) and writes its block of
    the file; the blocks are joined as bytes, so no results travel back and the file is the same
    whatever the split.
    """
    n = len(m.keys)
    if workers <= 1 or n < PARALLEL_FROM:
        return _score_part(m, how, output, True)
    cuts = [n * w // workers for w in range(workers + 1)]
    parts = [Matrix(m.keys.iloc[a:b].reset_index(drop=True), m.first_index, m.counts[a:b])
             for a, b in zip(cuts, cuts[1:])]
    paths = [output.with_suffix(output.suffix + f".{w}") for w in range(workers)]
    try:
        with nullcontext(pool) if pool is not None else process_pool(workers) as running:
            done = list(running.map(_score_part, parts, [how] * workers, paths, [w == 0 for w in range(workers)]))
        with open(output, "wb") as out:
            for path in paths:
                with open(path, "rb") as part:
                    shutil.copyfileobj(part, out, 2**24)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    return sum(r for r, _ in done), sum(a for _, a in done)
