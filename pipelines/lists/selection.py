"""Which flags go on which wijkteam's list, in what order, and which chart points go with each row.

Pure: frames in, frames out. The flags arrive ranked (``runs.read_flags``: level, status, score, then
area and domain); a list keeps that order and numbers it (``Rang``), in the words of ``pipelines.wording``.
"""
from __future__ import annotations

import pandas as pd

from pipelines import wording

#: How many series of one flag get a chart on the HTML page.
CHARTS_PER_FLAG = 2


def team_flags(flags: pd.DataFrame, team: str) -> pd.DataFrame:
    """The flags of one team's own buurten, in the order they came (the ranking)."""
    return flags[flags["wijkteam"] == team].reset_index(drop=True)


def team_list(flags: pd.DataFrame, team: str, labels: dict | None = None, lang: str = "nl") -> pd.DataFrame:
    """The list of one team (only its own buurten), ranked; Dutch, or English with ``lang="en"``.

    ``labels``: signal code -> its name in ``lang`` (``label_nl`` of the catalogue); codes stay codes without it.
    """
    own = team_flags(flags, team)
    labels = labels or {}
    text = own["explanation_en"] if lang == "en" and "explanation_en" in own else own["explanation"]
    values = [
        range(1, len(own) + 1),
        [wording.status_word(s, lang) for s in own["status"]],
        [wording.level_word(lv, s, lang) for lv, s in zip(own["level"], own["status"])],
        [wording.domain_word(d, lang) for d in own["domain"]],
        own["area_code"],
        own["name"],
        [wording.period_text(s, p, lang) for s, p in zip(own["period_start"], own["period"])],
        [wording.period_text(s, p, lang) for s, p in zip(own["since"], own["period"])],
        [", ".join(labels.get(c, c) for c in str(sig).split(", ") if c) for sig in own["signals"].fillna("")],
        text,
    ]
    columns = wording.LIST_COLUMNS[lang]
    return pd.DataFrame(dict(zip(columns, values)), columns=columns)


def chart_data(own: pd.DataFrame, series: pd.DataFrame, labels: dict) -> list[list[tuple[str, pd.DataFrame]]]:
    """Per flag of ``own`` (same order): up to two charts as (title, points up to the flag's period).

    The charts are the flag's elevated signals, or the domain's first series when none is named.
    ``series``: ``area_code, domain, signal, period, period_start, count, expected, upper, alarm``.
    """
    charts = []
    for f in own.itertuples(index=False):
        sig = [s for s in f.signals.split(", ") if s] or list(
            series.loc[(series["area_code"] == f.area_code) & (series["domain"] == f.domain), "signal"].unique()[:1])
        charts.append([
            (labels.get(s, s),
             series[(series["area_code"] == f.area_code) & (series["signal"] == s) & (series["period"] == f.period)
                    & (pd.to_datetime(series["period_start"]) <= pd.Timestamp(f.period_start))]
             .sort_values("period_start"))
            for s in sig[:CHARTS_PER_FLAG]])
    return charts
