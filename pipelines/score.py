"""Score: build zero-filled count series (buurt x signal x period) from core and score them.

Every buurt gets a series for every signal that has data, on that source's period grid (a
period without any report is a zero). Each frequency is scored by its own detector settings;
the settings used are returned so the run can record them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.calendar import index_to_start, period_index
from models.base import Detector
from models.detectors import make_detector

log = logging.getLogger("wijkradar.score")

KEYS = ["area_code", "signal"]


def detectors() -> dict[str, Detector]:
    """The detector per period type: ``auto`` (Noufaily + CUSUM, EARS for short series)."""
    return {"week": make_detector("auto", 52), "month": make_detector("auto", 12)}


@dataclass(frozen=True)
class Scored:
    scores: pd.DataFrame          # marts.series_scores rows
    n_series: int
    n_too_short: int
    settings: dict


def build_panel(counts: pd.DataFrame, buurten: list[str], period: str) -> pd.DataFrame:
    """Zero-filled panel for one period type: every buurt x signal over the source's period range."""
    sub = counts[counts["period"] == period]
    if sub.empty:
        return pd.DataFrame(columns=[*KEYS, "period_index", "count"])
    sub = sub.assign(period_index=period_index(sub["period_start"], period))
    frames = []
    for (source, signal), part in sub.groupby(["source", "signal"]):
        src = sub[sub["source"] == source]
        grid = np.arange(src["period_index"].min(), src["period_index"].max() + 1)
        full = pd.MultiIndex.from_product([buurten, [signal], grid], names=[*KEYS, "period_index"])
        got = part.set_index([*KEYS, "period_index"])["count"]
        frames.append(got.reindex(full, fill_value=0).reset_index())
    panel = pd.concat(frames, ignore_index=True)
    panel["count"] = panel["count"].astype("int64")
    return panel


@dataclass(frozen=True)
class Block:
    """One unit of scoring work: the zero-filled panel of one period type for a group of buurten."""

    period: str
    group: str
    panel: pd.DataFrame


def blocks(counts: pd.DataFrame, buurten: list[str], group_of: dict[str, str] | None = None) -> list[Block]:
    """The scoring work, one block per period type and municipality (``group_of``: buurt -> group).

    Every runner scores the same blocks, so a Dask cluster and the default runner give the same numbers.
    """
    group_of = group_of or {}
    groups: dict[str, list[str]] = {}
    for b in buurten:
        groups.setdefault(group_of.get(b, ""), []).append(b)
    out = []
    for period in detectors():
        panel = build_panel(counts, buurten, period)
        if panel.empty:
            continue
        for group, members in sorted(groups.items()):
            part = panel[panel["area_code"].isin(members)] if len(groups) > 1 else panel
            if len(part):
                out.append(Block(period, group, part.reset_index(drop=True)))
    return out


def score_block(block: Block) -> pd.DataFrame:
    """Scores of one block (pure: runs anywhere, for instance on a Dask worker)."""
    detector = detectors()[block.period]
    res = detector.score(block.panel, KEYS)
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
        log.warning("%d series have too little history to be scored yet", n_short)
    if not parts:
        raise RuntimeError("there are no signal counts in the warehouse yet; load files first (wijkradar ingest or run)")
    scores = pd.concat(parts, ignore_index=True)
    short = (scores["method"] != "noufaily+cusum").groupby([scores[k] for k in KEYS]).last().sum() if len(scores) else 0
    if short:
        log.info("%d series are scored with EARS until they have enough history for the seasonal baseline", short)
    scores["count"] = scores["count"].astype("int64")
    scores = scores.sort_values(["period", *KEYS, "period_index"], kind="stable").reset_index(drop=True)
    cols = ["area_code", "signal", "period", "period_start", "count", "expected", "upper", "score",
            "pvalue", "alarm", "method", "reason"]
    return Scored(scores[cols], n_series, n_short, settings)


def score_counts(counts: pd.DataFrame, buurten: list[str], group_of: dict[str, str] | None = None,
                 mapper=None) -> Scored:
    """Score every series; ``mapper`` (default: in this process, one block after another) runs the blocks."""
    work = blocks(counts, buurten, group_of)
    results = mapper(score_block, work) if mapper is not None else [score_block(b) for b in work]
    return combine(work, results)
