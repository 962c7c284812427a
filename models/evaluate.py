"""Detection quality: false alarms, sensitivity, probability of detection, timeliness.

Works on any detector's output joined with the simulator's truth (``event`` > 0 marks the span
of an outbreak or drift). Definitions:
- false-alarm rate: share of evaluated periods outside every event span that alarm;
- sensitivity: share of evaluated periods with extra cases (``outbreak`` > 0) that alarm;
- probability of detection (POD): share of events with at least one alarm inside their span;
- timeliness: median number of periods from an event's start to its first alarm (detected events);
- POD at a fixed false-alarm rate: alarms redefined as ``pvalue <= c`` with ``c`` chosen so the
  false-alarm rate equals the target; compares methods at equal false alarms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _events(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    ev = frame[frame["event"] > 0]
    return ev.groupby([*keys, "event"], sort=False).agg(
        start=("period_index", "min"),
        detected=("alarm", "any"),
        first_alarm=("period_index", lambda s: s[ev.loc[s.index, "alarm"]].min() if ev.loc[s.index, "alarm"].any() else np.nan),
    ).reset_index()


def evaluate(results: pd.DataFrame, truth: pd.DataFrame, keys: list[str], by: list[str] | None = None) -> pd.DataFrame:
    """Quality metrics per group ``by`` (or overall); ``results`` need ``alarm`` per key and period."""
    frame = results.merge(truth[[*keys, "period_index", "outbreak", "event"]], on=[*keys, "period_index"])
    groups = frame.groupby(by, sort=True) if by else [((), frame)]
    rows = []
    for name, part in groups:
        quiet = part["event"] == 0
        ev = _events(part, keys)
        row = dict(zip(by or [], name if isinstance(name, tuple) else (name,)))
        row.update(
            periods=len(part),
            far=part.loc[quiet, "alarm"].mean(),
            sensitivity=part.loc[part["outbreak"] > 0, "alarm"].mean(),
            events=len(ev),
            pod=ev["detected"].mean() if len(ev) else np.nan,
            timeliness=(ev["first_alarm"] - ev["start"]).median() if ev["detected"].any() else np.nan,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def pvalue_threshold(results: pd.DataFrame, truth: pd.DataFrame, keys: list[str], far: float) -> float:
    """The p-value cut-off at which the false-alarm rate over quiet periods equals ``far``."""
    frame = results.merge(truth[[*keys, "period_index", "event"]], on=[*keys, "period_index"])
    quiet = np.sort(frame.loc[frame["event"] == 0, "pvalue"].fillna(1.0).to_numpy())
    k = int(np.floor(far * len(quiet) + 1e-9))
    if k == 0:
        return float(np.nextafter(quiet[0], -np.inf))   # just below the smallest: no false alarm
    return float(quiet[k - 1])


def pod_at_far(results: pd.DataFrame, truth: pd.DataFrame, keys: list[str], far: float,
               by: list[str] | None = None) -> pd.DataFrame:
    """Metrics with alarms redefined as ``pvalue <= c``, ``c`` set for false-alarm rate ``far``."""
    c = pvalue_threshold(results, truth, keys, far)
    relabelled = results.assign(alarm=results["pvalue"].fillna(1.0) <= c)
    out = evaluate(relabelled, truth, keys, by)
    out["pvalue_cutoff"] = c
    return out


def weeks_since_event(event: np.ndarray) -> np.ndarray:
    """Per cell of a (series x periods) ``event`` matrix, the periods since the last cell of an event span
    (0 inside a span, at least 10**6 before any): the quiet weeks just after an outbreak, where its
    evidence lingers, are those with a small positive value."""
    event = np.atleast_2d(event)
    idx = np.where(event > 0, np.arange(event.shape[1])[None, :], -10**6)
    return np.arange(event.shape[1])[None, :] - np.maximum.accumulate(idx, axis=1)
