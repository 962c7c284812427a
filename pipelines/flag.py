"""Flag: turn series scores into the flagged-area list of a run, with status and a Dutch explanation.

The run's period is the latest ISO week with scores; monthly signals contribute their latest
month that started on or before that week. A series is on the list while its episode is active:
it alarms now, or it alarmed within the last ``hold_periods`` periods and is still elevated
(upper-tail p-value below ``elevated_pvalue``). A flag is ``nieuw`` in the first period of its
episode and ``aanhoudend`` after that; ``since`` is the start of the episode.
"""
from __future__ import annotations

import pandas as pd

from models.calendar import period_label
from pipelines.reference import DOMAIN_NL

UNIT_WORD = {"week": "week", "month": "maand"}

#: Visible defaults of the list rules; recorded with every run.
FLAG_SETTINGS = {"hold_periods": 3, "elevated_pvalue": 0.05}


def run_period(scores: pd.DataFrame) -> tuple[str, pd.Timestamp]:
    weekly = scores[scores["period"] == "week"]
    base = weekly if not weekly.empty else scores
    start = pd.Timestamp(base["period_start"].max())
    period = "week" if not weekly.empty else "month"
    return period_label(pd.Series([start]), period).iloc[0], start


def _nl_number(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def episodes(scores: pd.DataFrame, hold_periods: int = 3, elevated_pvalue: float = 0.05) -> pd.DataFrame:
    """Mark each scored cell active or not and give its episode's start and length so far."""
    s = scores.sort_values(["area_code", "signal", "period", "period_start"]).reset_index(drop=True)
    s["period_start"] = pd.to_datetime(s["period_start"])
    series = s["area_code"] + "|" + s["signal"] + "|" + s["period"]
    pos = s.groupby(series).cumcount()
    last_alarm = pos.where(s["alarm"]).groupby(series).ffill()
    elevated = s["pvalue"].fillna(1.0) < elevated_pvalue
    s["active"] = s["alarm"] | (elevated & ((pos - last_alarm) <= hold_periods))
    starts = s["active"] & ~(s["active"].groupby(series).shift(fill_value=False))
    episode = starts.cumsum().where(s["active"])
    s["run_length"] = s["active"].astype(int).groupby(episode).cumsum().where(s["active"], 0)
    s["since"] = s["period_start"].where(s["active"]).groupby(episode).transform("min")
    return s


def flag_areas(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame,
               hold_periods: int = FLAG_SETTINGS["hold_periods"],
               elevated_pvalue: float = FLAG_SETTINGS["elevated_pvalue"]) -> pd.DataFrame:
    """The flags of the run's period, ranked by score within each wijkteam."""
    label, run_start = run_period(scores)
    s = episodes(scores, hold_periods, elevated_pvalue)

    current = []
    for period, part in s.groupby("period"):
        eligible = part[part["period_start"] <= run_start]
        if eligible.empty:
            continue
        current.append(eligible[eligible["period_start"] == eligible["period_start"].max()])
    now = pd.concat(current) if current else s.iloc[0:0]
    flags = now[now["active"]].copy()
    if flags.empty:
        return _empty(label)
    flags = flags.merge(catalogue[["signal", "domain", "label_nl", "unit_nl"]], on="signal")
    flags = flags.merge(areas[["area_code", "name", "wijkteam"]], on="area_code")
    flags["status"] = flags["run_length"].map(lambda n: "nieuw" if n == 1 else "aanhoudend")
    flags["explanation"] = [
        _explain(r) for r in flags.itertuples(index=False)
    ]
    flags["run_period"] = label
    flags = flags.sort_values(["wijkteam", "score", "area_code", "signal"], ascending=[True, False, True, True])
    flags["expected"] = flags["expected"].astype(float)
    flags["upper"] = flags["upper"].astype(float)
    return flags[["run_period", "wijkteam", "area_code", "name", "signal", "domain", "label_nl", "period",
                  "period_start", "count", "expected", "upper", "score", "status", "since", "explanation"]
                 ].reset_index(drop=True)


def _explain(r) -> str:
    unit = UNIT_WORD[r.period]
    text = (f"{r.label_nl}: {int(r.count)} {r.unit_nl}, verwacht {_nl_number(r.expected)} "
            f"(bovengrens {int(r.upper)})")
    if not r.alarm:
        text += ", nog verhoogd"
    elif "cusum" in (r.reason or ""):
        text += f", geleidelijke stijging over meerdere {'weken' if r.period == 'week' else 'maanden'}"
    if r.run_length > 1:
        since = period_label(pd.Series([r.since]), r.period).iloc[0]
        text += f"; {int(r.run_length)}e {unit} op rij, sinds {since}"
    else:
        text += f"; nieuw deze {unit}"
    return text


def _empty(label: str) -> pd.DataFrame:
    return pd.DataFrame(columns=["run_period", "wijkteam", "area_code", "name", "signal", "domain", "label_nl",
                                 "period", "period_start", "count", "expected", "upper", "score", "status",
                                 "since", "explanation"]).assign(run_period=label)


def domain_nl(domain: str) -> str:
    return DOMAIN_NL.get(domain, domain)
