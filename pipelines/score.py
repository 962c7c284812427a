"""Score: build count series (buurt x signal x period) from core and score them.

Every buurt of a municipality gets a series for every signal that has data there, from the first period that
signal has any count in the municipality to the end of its source's period grid (a period without any report is a
zero). A series does not reach back before that: a municipality that joined the home later, or a category that
began mid-history, is a young series, not a step from zero. A run of periods in which the municipality's source
delivered nothing at all, where its counts make that implausible, is missing (left out of every baseline, named in
a warning), not zeros. Each frequency is scored by its own detector settings; the settings used are returned so the
run can record them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from models.calendar import index_to_start, period_index, period_label
from models.base import Detector
from models.detectors import make_detector
from models.panel import to_matrix
from pipelines.delivered import MISSING_EXPECTED, grid_of, grids, stray_starts, undelivered  # noqa: F401 - score's own names

log = logging.getLogger("wijkradar.score")


class NothingToScore(RuntimeError):
    """No lists can be made yet (no counts, or no period with counts has ended): one sentence saying what
    to do, an outcome of the run and not a failure of the code."""

KEYS = ["area_code", "signal"]
#: the columns of ``marts.series_scores``; the scores also carry ``phi`` (the baseline's dispersion, NaN without
#: one) for the pooled evidence of the flag stage, which the mart does not keep
SCORE_COLUMNS = ["area_code", "signal", "period", "period_start", "count", "expected", "upper", "score", "pvalue",
                 "alarm", "method", "reason", "partial"]


def detectors() -> dict[str, Detector]:
    """The detector per period type: ``auto`` (Noufaily + CUSUM, a moving baseline for short series)."""
    # the pipeline's weeks are the calendar's: the Christmas and New Year weeks stay out of other weeks' references
    # (so are the weeks of the spring holidays that move with Easter, and Koningsdag: models.moving_holidays)
    return {"week": make_detector("auto", 52).set_params(holidays=True, moving_holidays=True),
            "month": make_detector("auto", 12)}


@dataclass(frozen=True)
class ScoreSettings:
    """How far back a run scores; defaults here, overridden per municipality in ``lijst_instellingen.csv``.

    Every run fits each evaluated period's baseline on the full history before it, but evaluates only the
    last ``score_weeks`` weeks and ``score_months`` months (the lists, their charts, the lifecycle and a
    year of review need no more), so a national warehouse scores in minutes. Earlier periods keep the
    scores of the run that evaluated them in no table: ``marts.series_scores`` is the run's window.
    """

    score_weeks: int = 104
    score_months: int = 24

    def window(self, period: str) -> int:
        return self.score_weeks if period == "week" else self.score_months

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


@dataclass(frozen=True)
class Scored:
    scores: pd.DataFrame          # marts.series_scores rows (SCORE_COLUMNS) and ``phi``
    n_series: int
    n_too_short: int
    settings: dict


def build_panel(counts: pd.DataFrame, buurten: list[str], period: str,
                grid: dict[tuple[str, str], tuple[int, int]] | None = None,
                young: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The panel of one period type: every buurt x signal from the signal's first count in ``counts`` (give one
    municipality's) to the end of its source's period range, zero where a buurt has no count; periods its source
    never delivered (:func:`undelivered`) have no row, so a series may have gaps (lay it out with
    :func:`models.panel.to_matrix`: they read as missing); they are kept in ``panel.attrs["undelivered"]``.

    ``grid``: the ranges per (period, source) of the whole warehouse (default: those of ``counts``). ``young``:
    buurten a later division added (``catalog.added_buurten``): their series begin at the buurt's own first count
    in the source, not at the signal's first in the municipality (years of zeros from before the buurt existed).
    """
    sub = counts[counts["period"] == period]
    if sub.empty:
        return pd.DataFrame(columns=[*KEYS, "period_index", "count"])
    grid = grid or grids(counts)
    sub = sub.assign(period_index=period_index(sub["period_start"], period))
    sub = sub[sub["source"].isin([source for source in sub["source"].unique() if (period, source) in grid])]
    starts = stray_starts(sub, period, grid)
    gone = undelivered(sub, period, grid, starts)
    mine = young.intersection(buurten)
    begins = (sub[sub["area_code"].isin(mine)].groupby(["source", "area_code"], observed=True)["period_index"].min()
              if mine else None)
    frames = []
    for (source, signal), part in sub.groupby(["source", "signal"], observed=True):
        lo, hi = grid[(period, source)]
        first = max(lo, int(part["period_index"].min()), starts.get(source, lo))
        if first > hi:
            continue
        periods = np.arange(first, hi + 1)
        if source in gone:
            periods = periods[~np.isin(periods, gone[source])]
        full = pd.MultiIndex.from_product([buurten, [signal], periods], names=[*KEYS, "period_index"])
        got = part.set_index([*KEYS, "period_index"])["count"]
        frame = got.reindex(full, fill_value=0).reset_index()
        if mine:                     # a young buurt's series from its own first count in the source (none: no series)
            first_own = frame["area_code"].map(begins.xs(source, level="source") if source in
                                               begins.index.get_level_values("source") else {})
            frame = frame[~frame["area_code"].isin(mine) | (frame["period_index"] >= first_own)]
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*KEYS, "period_index", "count"])
    panel = pd.concat(frames, ignore_index=True)
    panel["count"] = panel["count"].astype("int64")
    panel.attrs["undelivered"] = gone                 # source -> the period indices left out (for the warning)
    panel.attrs["stray"] = _stray(sub, starts)        # source -> its stray counts before its history (the warning)
    return panel


def _stray(sub: pd.DataFrame, starts: dict[str, int]) -> dict[str, tuple[int, int, int, int]]:
    """Per source of ``starts`` (:func:`delivered.stray_starts`): the first and last period index of its stray
    counts, their total, and where its history begins."""
    out = {}
    for source, start in starts.items():
        before = sub[(sub["source"] == source) & (sub["period_index"] < start)]
        out[source] = (int(before["period_index"].min()), int(before["period_index"].max()),
                       int(before["count"].sum()), start)
    return out


def undelivered_note(missing: dict[tuple[str, str], set]) -> str | None:
    """One sentence naming the periods never delivered (``missing``: (source, municipality) -> period labels)."""
    if not missing:
        return None
    parts = []
    for (source, group), labels in sorted(missing.items()):
        labels = sorted(labels)
        shown = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
        parts.append(f"{source}{f' of {group}' if group else ''}: {shown}")
    return ("no counts at all were delivered for " + "; ".join(parts) + "; these periods are left out of the "
            "baselines and not scored, not read as zeros: deliver them again (wijkradar ingest) if they exist")


@dataclass(frozen=True)
class Block:
    """One unit of scoring work: the panel of one period type for a group of buurten (:func:`build_panel`)."""

    period: str
    group: str
    panel: pd.DataFrame
    eval_start: int | None = None          # first period index evaluated (None: every period with history)
    missing: tuple[tuple[str, str], ...] = ()   # (source, period label) its source never delivered (not scored)
    #: (source, first and last period label of its stray counts, their total, the label its history begins at)
    stray: tuple[tuple[str, str, str, int, str], ...] = ()


def groups_of(buurten: list[str], group_of: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Buurten per group (municipality), groups in code order."""
    groups: dict[str, list[str]] = {}
    for b in buurten:
        groups.setdefault((group_of or {}).get(b, ""), []).append(b)
    return dict(sorted(groups.items()))


def blocks(counts: pd.DataFrame, buurten: list[str], group_of: dict[str, str] | None = None,
           settings: ScoreSettings | None = None, grid: dict | None = None,
           young: frozenset[str] = frozenset()) -> list[Block]:
    """The scoring work, one block per period type and municipality (``group_of``: buurt -> group).

    Every runner scores the same blocks, so a Dask cluster and the default runner give the same numbers.
    """
    settings = settings or ScoreSettings()
    grid = grid or grids(counts)
    out = []
    groups = groups_of(buurten, group_of)
    for group, members in groups.items():
        part = counts[counts["area_code"].isin(members)] if len(groups) > 1 else counts
        for period in detectors():
            panel = build_panel(part, members, period, grid, young)
            if panel.empty:
                continue
            sub = part[part["period"] == period]
            missing = tuple((source, label) for source, idx in panel.attrs.get("undelivered", {}).items()
                            for label in period_label(index_to_start(idx, period), period))
            stray = tuple((source, *(period_label(index_to_start(np.array([a, b]), period), period)), total,
                           period_label(index_to_start(np.array([start]), period), period)[0])
                          for source, (a, b, total, start) in panel.attrs.get("stray", {}).items())
            last = max(grid[(period, source)][1] for source in sub["source"].unique() if (period, source) in grid)
            out.append(Block(period, group, panel, int(last) - settings.window(period) + 1, missing, stray))
    return out


def strays_of(work: list[Block]) -> set[tuple]:
    """(source, municipality, first and last label, total, history start) of the stray counts over ``work``."""
    return {(source, block.group, a, b, total, start) for block in work for source, a, b, total, start in block.stray}


def stray_note(strays: set[tuple]) -> str | None:
    """One sentence naming the counts that lie stray before their source's history (``strays``: :func:`strays_of`;
    :func:`delivered.stray_starts`) and where the series begin instead."""
    parts = sorted(strays)
    if not parts:
        return None
    said = "; ".join(f"{source}{f' of {group}' if group else ''}: {total} counted in {a}{'' if a == b else f' to {b}'}, "
                     f"its history begins at {start}" for source, group, a, b, total, start in parts)
    return ("counts lie long before the rest of their source's history, with no delivery between: " + said
            + "; they stay in the warehouse but begin no series, so the baselines start after the gap. Check their "
            "dates in the delivery (a typed year?); if the periods between exist, deliver them (wijkradar ingest)")


def missing_of(work: list[Block]) -> dict[tuple[str, str], set]:
    """(source, municipality) -> the labels of the periods it never delivered, over ``work``."""
    out: dict[tuple[str, str], set] = {}
    for block in work:
        for source, label in block.missing:
            out.setdefault((source, block.group), set()).add(label)
    return out


def score_block(block: Block) -> pd.DataFrame:
    """Scores of one block (pure: runs anywhere, for instance on a Dask worker)."""
    detector = detectors()[block.period]
    # laid out directly: a period its source never delivered has no row and is missing (NaN) in the matrix, left
    # out of every baseline (the panel contract's check would refuse the gap; build_panel made the counts)
    panel = block.panel.sort_values([*KEYS, "period_index"], kind="stable", ignore_index=True)
    res = detector.score_layout(to_matrix(panel, KEYS), eval_start=block.eval_start, extra=("phi",))
    res["period"] = block.period
    res["period_start"] = index_to_start(res["period_index"], block.period).dt.date.to_numpy()
    return res


def combine(work: list[Block], results: list[pd.DataFrame]) -> Scored:
    """The blocks' scores as one table, with the counts of series and the detector settings."""
    parts, n_series, n_short, settings = [], 0, 0, {}
    for block, res in zip(work, results):
        detector = detectors()[block.period]
        settings[block.period] = {"method": detector.method, **detector.get_params()}
        series = block.panel.groupby(KEYS).ngroups
        scored = res.groupby(KEYS).ngroups if len(res) else 0
        n_series += series
        n_short += series - scored
        parts.append(res)
    if n_short:
        needed = min(detectors()[block.period].history_needed for block in work) + 1
        log.warning("%d series have too little history to be scored yet (a series is scored from its %dth week or "
                    "month of counts; nothing is missing: they are scored as their history grows, or load the "
                    "sources' earlier periods with wijkradar ingest)", n_short, needed)
    if not parts:
        raise NothingToScore("there are no signal counts in the warehouse yet; load files first (wijkradar ingest or run)")
    scores = pd.concat(parts, ignore_index=True)
    short = (scores["method"] != "noufaily+cusum").groupby([scores[k] for k in KEYS]).last().sum() if len(scores) else 0
    if short:
        log.info("%d series are scored on a moving baseline until they have enough history for the seasonal one", short)
    scores["count"] = scores["count"].astype("int64")
    scores = scores.sort_values(["period", *KEYS, "period_index"], kind="stable").reset_index(drop=True)
    if "phi" not in scores:
        scores["phi"] = np.nan
    note = beyond_note(scores)
    if note:
        log.warning("%s", note)
    scores["partial"] = False                 # the run marks the lower bounds it read (mark_partial)
    return Scored(scores[[*SCORE_COLUMNS, "phi"]], n_series, n_short, settings)


def beyond_note(scores: pd.DataFrame) -> str | None:
    """One sentence naming how many series are scored beyond the range the p-value is calibrated on
    (:func:`models.scan.beyond_calibration`) in their latest period, as ``wijkradar detect`` marks them; None when
    none is. Counts per buurt of a whole city or country (police totals loaded as one buurt) would be."""
    from models.scan import CALIBRATED_MOST_EXPECTED, beyond_calibration

    if scores.empty:
        return None
    latest = scores.groupby([*KEYS, "period"], observed=True, sort=False).tail(1)
    beyond = beyond_calibration(latest["expected"].to_numpy(dtype=float), latest["phi"].to_numpy(dtype=float))
    if not beyond.any():
        return None
    busy = latest[beyond]
    named = ", ".join(f"{a}/{s}" for a, s in zip(busy["area_code"].head(3), busy["signal"].head(3)))
    return (f"{int(beyond.sum())} of {len(latest)} series are scored beyond the range the p-value is calibrated on "
            f"(expected above {CALIBRATED_MOST_EXPECTED:g} a period, or variance above about 10 times the mean): "
            "their false alarms may exceed 1 % (counts of a whole city or the country under one buurt code would be "
            f"this busy); check that their source delivers counts per buurt ({named}"
            f"{', ...' if len(busy) > 3 else ''}), and read their flags with this in mind")


def mark_partial(scores: pd.DataFrame, partial: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with ``partial`` true where the count is a lower bound: ``partial`` (``catalog.partial_totals``)
    holds its buurt, signal, period and period start (a part of the total is unknown)."""
    return _mark(scores, partial, "partial")


def mark_provisional(scores: pd.DataFrame, provisional: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with ``provisional`` true where the count is a provisional figure of its source
    (``catalog.provisional_counts``): the explanations say so beside it. Not stored with the scores: the list's
    text carries it, and ``wijkradar explain`` reads it from the counts."""
    return _mark(scores, provisional, "provisional")


def _mark(scores: pd.DataFrame, cells: pd.DataFrame, column: str) -> pd.DataFrame:
    """``scores`` with ``column`` true on the rows whose buurt, signal, period and period start are among ``cells``."""
    keys = [*KEYS, "period", "period_start"]
    if cells.empty:
        return scores.assign(**{column: False})
    at = pd.MultiIndex.from_frame(cells[keys].assign(period_start=pd.to_datetime(cells["period_start"])))
    here = pd.MultiIndex.from_frame(scores[keys].assign(period_start=pd.to_datetime(scores["period_start"])))
    return scores.assign(**{column: here.isin(at)})


def score_counts(counts: pd.DataFrame, buurten: list[str], group_of: dict[str, str] | None = None,
                 mapper=None, settings: ScoreSettings | None = None) -> Scored:
    """Score every series; ``mapper`` (default: in this process, one block after another) runs the blocks."""
    work = blocks(counts, buurten, group_of, settings)
    for note in (stray_note(strays_of(work)), undelivered_note(missing_of(work))):
        if note:
            log.warning("%s", note)
    results = mapper(score_block, work) if mapper is not None else [score_block(b) for b in work]
    return combine(work, results)
