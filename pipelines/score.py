"""Score: build zero-filled count series (buurt x signal x period) from core and score them.

Every buurt gets a series for every signal that has data, on that source's period grid (a
period without any report is a zero). Each frequency is scored by its own detector settings;
the settings used are returned so the run can record them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
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


def read_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT c.area_code, c.signal, c.period, c.period_start, c.count, c.source "
        "FROM core.signal_counts c"
    ).df()


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


def score_counts(counts: pd.DataFrame, buurten: list[str]) -> Scored:
    parts, n_series, n_short, settings = [], 0, 0, {}
    for period, detector in detectors().items():
        panel = build_panel(counts, buurten, period)
        if panel.empty:
            continue
        settings[period] = {"method": detector.method, **detector.get_params()}
        res = detector.score(panel, KEYS)
        series = panel.groupby(KEYS).ngroups
        scored = res.groupby(KEYS).ngroups if len(res) else 0
        n_series += series
        if scored < series:
            n_short += series - scored
            log.warning(
                "%d %sly series have less than %d periods of history and are not scored yet",
                series - scored, period, detector.history_needed + 1,
            )
        short = (res["method"] != "noufaily+cusum").groupby([res[k] for k in KEYS]).last().sum() if len(res) else 0
        if short:
            log.info("%d %sly series are scored with EARS until they have enough history for the seasonal "
                     "baseline", short, period)
        res["period"] = period
        res["period_start"] = index_to_start(res["period_index"], period).dt.date.to_numpy()
        parts.append(res)
    if not parts:
        raise RuntimeError("there are no signal counts in the warehouse yet; load files first (wijkradar ingest or run)")
    scores = pd.concat(parts, ignore_index=True)
    scores["count"] = scores["count"].astype("int64")
    cols = ["area_code", "signal", "period", "period_start", "count", "expected", "upper", "score",
            "pvalue", "alarm", "method", "reason"]
    return Scored(scores[cols], n_series, n_short, settings)
