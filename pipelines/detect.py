"""``wijkradar detect``: any count file through any detector, CSV in, CSV out, no warehouse.

Input columns: ``series``, ``period_index`` (1-based, consecutive per series), ``count``; any
other column is an extra id (such as ``replicate``) and part of the series key; comma-, semicolon-
or tab-separated, sniffed from the header line as ingest does. An empty (or NA) count is a period that was
not delivered: left out of the baselines as the pipeline leaves its undelivered periods out, never an alarm,
and its row says so. Bad input ends with a message
naming the rows, and nothing is written; so does an id column that holds personal data (the results
repeat every id, and an id cannot be redacted without losing what it identifies).
"""
from __future__ import annotations

import itertools
import re
import shutil
import threading
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from models.panel import RESULT_COLUMNS, Matrix, PanelError, check_panel, from_matrix, to_matrix
from pipelines.atomic import replacing
from pipelines.parallel import forked_pool, workers_for
from pipelines.privacy import personal_ids
from pipelines.safe_output import neutralise, neutralise_frame
from pipelines.textfiles import delimiter


class DetectInputError(ValueError):
    """The count file cannot be scored; nothing was written."""


REQUIRED = ("series", "period_index", "count")
#: The longest header line read: a count file has a handful of id columns, so a first line without a line
#: break in its first megabyte is not a header (and a reader would hold all of it, and every field of it, in memory).
MAX_HEADER_BYTES = 1 << 20
#: The most columns a count file may have: series, period_index, count and a few extra ids in practice.
MAX_COLUMNS = 1_000
OUTPUT_TAIL = ["period_index", "count", "expected", "upper", "score", "pvalue", "alarm", "method", "reason"]
#: the reason of a period whose count is empty: not delivered, not a quiet period (0 reports)
NOT_DELIVERED = "not delivered (empty count): not scored, left out of the baselines"
#: added to the reason of a period whose baseline lies beyond the range auto's p-value is calibrated on
BEYOND_CALIBRATION = ("beyond the calibrated range (expected at most 300 a period, variance at most about 10 times "
                      "the mean): false-alarm rate not checked")


class Detected(NamedTuple):
    """What one ``detect`` run scored: rows written and alarms, and the series it could not score."""

    rows: int
    alarms: int
    series: int            # series in the input
    too_short: int         # series with fewer periods than the method needs (``periods_needed``)
    too_early: int         # series long enough, but with no period from ``eval_start`` on
    periods_needed: int    # periods of history before the first scored period, plus that period
    undelivered: int = 0   # rows written for periods not delivered (empty count), unscored
    beyond: int = 0        # scored series with a period beyond the calibrated range (auto)

    def left_out(self, method: str, eval_start: int | None) -> str:
        """The series left out and why, in a sentence ('' when none was)."""
        parts = []
        if self.too_short:
            parts.append(f"{self.too_short} {'has' if self.too_short == 1 else 'have'} fewer than the {self.periods_needed} delivered "
                         f"periods (with a count, not empty) {method} needs (the scored period and "
                         f"{self.periods_needed - 1} before it)")
        if self.too_early:
            parts.append(f"{self.too_early} {'ends' if self.too_early == 1 else 'end'} before --eval-start {eval_start}")
        if not parts:
            return ""
        return f"{self.too_short + self.too_early} of {self.series} series left out (no row in the output): " + \
            "; ".join(parts)

    def beyond_note(self) -> str:
        """The series beyond the calibrated range, in a sentence ('' when none is)."""
        if not self.beyond:
            return ""
        scored = self.series - self.too_short - self.too_early
        return (f"{self.beyond} of {scored} series have periods beyond the range auto's p-value is calibrated on "
                "(expected at most 300 a period, variance at most about 10 times the mean); there false alarms "
                "may exceed 1 % (busy series with bursts: 1.2-1.7 % on simulated quiet ones); their rows say so in "
                "reason")


def detect_file(input: Path, output: Path, method: str = "auto", frequency: int = 52,
                eval_start: int | None = None, alpha: float | None = None,
                workers: int | None = None) -> Detected:
    """Score every series of ``input`` and write the results; returns what was scored and left out (:class:`Detected`).

    A file in which no series has a period to score (all too short for ``method``, or ending before
    ``eval_start``) is refused with the reason, and nothing is written.

    ``workers``: processes that score parts of the series (default: one per core, at most 2, for
    panels of at least ``PARALLEL_FROM`` series; this process is one of them); every series is scored
    on its own, so the output is the same whatever the split.
    """
    if not Path(input).is_file():
        raise DetectInputError(f"{input} does not exist; give the path of a CSV with series, period_index, count")
    workers = workers_for(workers)
    # the detectors load (imports, compiled code) while this thread reads and checks the file
    failed: list[BaseException] = []
    loading = threading.Thread(target=_ready, args=(failed,), name="load-detectors", daemon=True)
    loading.start()
    try:
        with replacing(Path(output)) as tmp:        # all or nothing: a crash never leaves half a file
            m, ends = _read(Path(input))
            loading.join()
            if failed:
                raise failed[0]
            unscored = _unscored(input, m, method, frequency, alpha, eval_start)
            rows, alarms, undelivered, beyond = _score(m, ends, (method, frequency, alpha, eval_start), tmp, workers)
    except BaseException:
        # a refused file: the detectors' loading ends before the call does, so no thread of this call runs on
        # beside whatever the caller does next (in the test suite a loading thread left running crashed a worker)
        loading.join(timeout=60)
        raise
    return Detected(rows, alarms, len(m.keys), *unscored, undelivered, beyond)


def _unscored(input: Path, m: Matrix, method: str, frequency: int, alpha: float | None,
              eval_start: int | None) -> tuple[int, int, int]:
    """(series too short for ``method``, series ending before ``eval_start``, periods the method needs); refuses a
    file in which no series has a period to score."""
    from models.detectors import SettingError, make_detector

    try:
        need = make_detector(method, frequency, alpha).history_needed + 1
    except SettingError as exc:
        raise DetectInputError(str(exc)) from exc
    observed = np.isfinite(m.counts)
    length = observed.sum(axis=1)
    last = m.first_index + m.counts.shape[1] - 1 - np.argmax(observed[:, ::-1], axis=1)
    short = length < need
    early = ~short & (last < (eval_start if eval_start is not None else -np.inf))
    if (short | early).all():
        longest = int(length.max())
        why = (f"every series ends before --eval-start {eval_start}; give an earlier --eval-start"
               if not short.any() else
               f"{method} needs {need} delivered periods of a series (the scored period and {need - 1} before it) "
               f"and the longest series has {longest}"
               + ("; give the series more periods" if method == "auto" else
                  f"; --method auto scores series from {make_detector('auto', frequency).history_needed + 1} periods on")
               + (f"; {int(early.sum())} series end before --eval-start {eval_start}" if early.any() else ""))
        raise DetectInputError(f"{input}: no series has a period to score: {why}. Nothing was written")
    return int(short.sum()), int(early.sum()), need


def _read(input: Path) -> tuple[Matrix, np.ndarray]:
    """The checked count file as a (series x period) matrix, and each series' last period_index (a row with an
    empty count is a period not delivered, NaN in the matrix as a period after a series' end is); a clear message
    for anything wrong.

    Arrow's multi-threaded reader first; a file it cannot read is read again by pandas' own parser,
    whose rules (and messages) are the ones ingest uses.
    """
    try:
        sep, hint = delimiter(Path(input), REQUIRED)
        if _header(input, hint).count(sep.encode()) + 1 > MAX_COLUMNS:
            raise DetectInputError(f"{input}: the header has more than {MAX_COLUMNS:,} columns; give series, "
                                   "period_index, count and at most a few id columns")
        options = {"sep": sep, "skiprows": 1 if hint else 0, "dtype": {"series": str}}
        try:
            panel = pd.read_csv(input, engine="pyarrow", **options)
            if not all(_plain(panel[c]) for c in panel.columns):
                raise TypeError("Arrow read a column as dates or times, pandas' parser would not")
        except (ValueError, TypeError, KeyError, NotImplementedError, OSError) as exc:    # Arrow's errors derive from these
            if "straddles two block boundaries" in str(exc):      # a row longer than Arrow's block (1 MB): pandas would hold it field by field
                raise DetectInputError(f"{input}: a line is longer than {MAX_HEADER_BYTES // 2**20} MB; give one row "
                                       "per series and period, with series, period_index, count and a few id columns") from exc
            panel = pd.read_csv(input, **options)
    except DetectInputError:
        raise
    except Exception as exc:
        raise DetectInputError(f"{input}: cannot be read as CSV ({exc}); save it as comma- or "
                               "semicolon-separated text") from exc
    missing = [c for c in REQUIRED if c not in panel.columns]
    if missing:
        raise DetectInputError(f"{input}: missing column(s) {missing}; the file needs series, period_index, count")
    if not isinstance(panel.index, pd.RangeIndex):       # pandas' reading of one field too many per row
        raise DetectInputError(f"{input}: every data row has more fields than the header (a delimiter at the end "
                               "of each line?); remove the extra field or give it a column name")
    if panel.empty:
        raise DetectInputError(f"{input}: has a header but no data rows; give one row per series and period")
    keys = [c for c in panel.columns if c not in ("period_index", "count")]
    if len({neutralise(c) for c in panel.columns}) < len(panel.columns):    # "=a" is written as "'=a"
        raise DetectInputError(f"{input}: two column names differ only by a leading apostrophe before a formula sign; "
                               "rename one of them")
    idx = panel["period_index"]
    if not pd.api.types.is_integer_dtype(idx):           # whole numbers already, when read as integers
        idx = pd.to_numeric(idx, errors="coerce")
    bad = (idx < 1) if pd.api.types.is_integer_dtype(idx) else (idx.isna() | (idx < 1) | (idx % 1 != 0) | (idx >= 2**63))
    if bad.any():
        rows = ", ".join(str(i + 1) for i in bad[bad].index[:5])
        raise DetectInputError(f"{input}: period_index must be a whole number >= 1 (below 2**63); data row(s) {rows} are "
                               "not: fix those rows and run again")
    panel["period_index"] = idx.astype("int64")
    try:
        codes = check_panel(panel, keys)
        m = to_matrix(panel, keys, codes)
    except PanelError as exc:
        raise DetectInputError(f"{input}: {exc}") from exc
    _refuse_direction_marks(input, panel, keys)
    # one value per series (the ids are written back out), read as written and as a spreadsheet shows it
    found = personal_ids(m.keys, keys)
    shown = None if found else _as_shown(m.keys, keys)
    if shown is not None:
        found = personal_ids(shown, keys)
    if found:
        col, kind, rows = found
        where = f"data row(s) {_data_rows(panel, keys, m.keys.iloc[rows])}" if len(rows) else "its header"
        raise DetectInputError(
            f"{input}: column {col} looks like personal data ({kind}, {where}); the results repeat every id, "
            "so give series ids that identify no person (such as CBS buurt codes) and run again")
    ends = np.full(len(m.keys), np.iinfo(np.int64).min)
    np.maximum.at(ends, codes, panel["period_index"].to_numpy(dtype="int64"))
    return m, ends


#: Unicode's direction controls (embeddings, overrides, isolates, marks): invisible, they make a viewer show the text
#: around them in another order, so ``\u202e87654321-60`` is written as such and shows as 06-12345678
DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def _refuse_direction_marks(input: Path, panel: pd.DataFrame, keys: list[str]) -> None:
    """DetectInputError naming the first id column (header or data rows) that holds a direction control."""
    for col in keys:
        if DIRECTION_MARKS.search(str(col)):
            where = "its header"
        else:
            values = panel[col]
            if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
                continue
            hit = values.astype("string").str.contains(DIRECTION_MARKS, regex=True).fillna(False).to_numpy(dtype=bool)
            if not hit.any():
                continue
            rows = np.flatnonzero(hit)
            where = "data row(s) " + ", ".join(str(i + 1) for i in rows[:5]) + (
                f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
        raise DetectInputError(
            f"{input}: column {col} holds an invisible direction control character ({where}), which makes a viewer "
            "show an id in another order than it is written; remove these characters from the ids (no id needs "
            "them) and run again")


def _as_shown(ids: pd.DataFrame, keys: list[str]) -> pd.DataFrame | None:
    """The ids as a spreadsheet shows them once the results are in a workbook: OOXML escapes (``_x0040_``) decoded;
    None when no id holds one."""
    from pipelines.sources.common import ooxml_text

    escaped = [c for c in keys if (pd.api.types.is_object_dtype(ids[c]) or pd.api.types.is_string_dtype(ids[c]))
               and ids[c].astype("string").str.contains("_x", regex=False).fillna(False).any()]
    if not escaped:
        return None
    return ids.assign(**{c: ids[c].map(lambda v: ooxml_text(v) if isinstance(v, str) else v) for c in escaped})


def _data_rows(panel: pd.DataFrame, keys: list[str], ids: pd.DataFrame) -> str:
    """The first data rows (1-based, as the file lists them) holding one of the series ``ids``, and how many more."""
    held = pd.MultiIndex.from_frame(panel[keys]).isin(pd.MultiIndex.from_frame(ids[keys]))
    rows = np.flatnonzero(held)
    return ", ".join(str(i + 1) for i in rows[:5]) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")


def _header(input: Path, hint: bool) -> bytes:
    """The header line (the second line after Excel's ``sep=`` hint); refused, before any reader holds it in
    memory, when it has no line break in its first :data:`MAX_HEADER_BYTES`."""
    with open(input, "rb") as fh:
        head = fh.read(2 * MAX_HEADER_BYTES + 2)
    lines = re.split(rb"\r\n|\r|\n", head, maxsplit=2)
    line = lines[min(int(hint), len(lines) - 1)]
    if len(line) > MAX_HEADER_BYTES:
        raise DetectInputError(f"{input}: the header line has no line break in its first {MAX_HEADER_BYTES // 2**20} MB; "
                               "give a header line series,period_index,count and one row per line")
    return line


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
    out.columns = [neutralise(c) for c in out.columns]      # an id column's name is as much from the file as its ids
    table = pa.Table.from_pandas(out, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed", include_header=header))


#: Panels with fewer series are scored in this process alone (a second process costs a fraction of a second).
PARALLEL_FROM = 2_000


def _plain(column: pd.Series) -> bool:
    """A column as pandas' own parser also reads it: numbers, booleans or text (not dates or times)."""
    if pd.api.types.is_object_dtype(column.dtype):
        return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")
    return pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)


def _ready(failed: list[BaseException]) -> None:
    """Load the detectors and their compiled code (score one quiet series of six years); an error is
    kept in ``failed`` for the reading thread to raise."""
    try:
        from models.detectors import make_detector

        quiet = Matrix(pd.DataFrame({"series": ["warm-up"]}), 1, np.zeros((1, 6 * 52)))
        make_detector("auto").score_layout(quiet, eval_start=6 * 52 - 3)
    except BaseException as exc:          # noqa: BLE001 (handed to the caller)
        failed.append(exc)


def _score_part(part: Matrix, ends: np.ndarray, how: tuple, path: Path, header: bool) -> tuple[int, int, int, int]:
    """Score the series of ``part`` with the detector ``how`` = (method, frequency, alpha, eval_start),
    write their rows (series in key order, each by period) to ``path``; returns (rows, alarms, rows of periods
    not delivered, series with a period beyond the calibrated range).

    A period not delivered (empty count, up to the series' last row ``ends``) gets a row where a delivered one
    would have been scored: no count, no score, no alarm, the reason :data:`NOT_DELIVERED`. ``auto`` marks the
    periods whose baseline lies beyond its calibration (:func:`models.scan.beyond_calibration`) in the reason.
    """
    # imported here, so a process that only reads and joins never loads the detectors
    from models.detectors import make_detector
    from models.scan import beyond_calibration

    method, frequency, alpha, eval_start = how
    detector = make_detector(method, frequency, alpha).fit()
    cols, evaluated = detector.score_matrix(part, eval_start)
    gone = _not_delivered(part, ends, detector.history_needed, eval_start) & evaluated.any(axis=1)[:, None]
    if gone.any():                 # in place: a panel's result matrices are as large as its counts
        for k in ("count", "expected", "upper", "score", "pvalue"):
            cols[k][gone] = np.nan
        cols["alarm"][gone] = False
        cols["method"][gone] = ""
        cols["reason"][gone] = NOT_DELIVERED
    beyond = np.zeros(gone.shape, dtype=bool)
    if method == "auto":
        beyond = evaluated & ~gone & beyond_calibration(cols["expected"], cols.get("phi"))
        reasons = cols["reason"][beyond]
        cols["reason"][beyond] = np.where(reasons == "", BEYOND_CALIBRATION, reasons + "; " + BEYOND_CALIBRATION)
    result = from_matrix(part, {k: cols[k] for k in RESULT_COLUMNS}, evaluated | gone)
    result["count"] = result["count"].astype("Int64")          # empty where the period was not delivered
    keys = list(part.keys.columns)
    result = result[[*keys, *OUTPUT_TAIL]]
    write_results(result, path, keys, header)
    return len(result), int(result["alarm"].sum()), int(gone.sum()), int(beyond.any(axis=1).sum())


def _not_delivered(m: Matrix, ends: np.ndarray, history: int, eval_start: int | None) -> np.ndarray:
    """Cells of a period not delivered (NaN up to the series' last row) that would have been scored: at least
    ``history`` periods after the series' first delivered one, from ``eval_start`` on."""
    finite = np.isfinite(m.counts)
    T = finite.shape[1]
    first = np.where(finite.any(axis=1), finite.argmax(axis=1), T)
    t = np.arange(T)[None, :]
    out = ~finite & (t - first[:, None] >= history) & (t + m.first_index <= ends[:, None])
    if eval_start is not None:
        out[:, : max(0, eval_start - m.first_index)] = False
    return out


def _score(m: Matrix, ends: np.ndarray, how: tuple, output: Path, workers: int) -> tuple[int, int, int, int]:
    """Score every series and write the results file, in parts when it pays.

    The series (sorted by key) are cut into ``workers`` contiguous blocks: this process scores the
    first while forked copies of it (the detectors already loaded) score the others; each writes its
    block of the file and the blocks are joined as bytes, so no results travel back and the file is
    the same whatever the split.
    """
    n = len(m.keys)
    if workers <= 1 or n < PARALLEL_FROM:
        return _score_part(m, ends, how, output, True)
    cuts = [n * w // workers for w in range(workers + 1)]
    parts = [Matrix(m.keys.iloc[a:b].reset_index(drop=True), m.first_index, m.counts[a:b])
             for a, b in itertools.pairwise(cuts)]
    paths = [output.with_suffix(output.suffix + f".{w}") for w in range(workers)]
    try:
        with forked_pool(workers - 1) as others:
            rest = [others.submit(_score_part, parts[w], ends[cuts[w]: cuts[w + 1]], how, paths[w], False)
                    for w in range(1, workers)]
            done = [_score_part(parts[0], ends[cuts[0]: cuts[1]], how, paths[0], True)] + [f.result() for f in rest]
        with open(output, "wb") as out:
            for path in paths:
                with open(path, "rb") as part:
                    shutil.copyfileobj(part, out, 2**24)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    return tuple(sum(d[i] for d in done) for i in range(4))
