"""Which flags go on which wijkteam's list, in what order, which chart points go with each row, and which
buurten the section *preventief in beeld* names.

Pure: frames in, frames out. The flags arrive ranked (``runs.read_flags``: level, status, score, then
area and domain); a list keeps that order and numbers it (``Rang``), in the words of ``pipelines.wording``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines import wording
from pipelines.lists.content import RiskInfo

#: How many series of one flag get a chart on the HTML page.
CHARTS_PER_FLAG = 2


def run_teams(flags: pd.DataFrame, risk_rows: pd.DataFrame | None, teams: pd.DataFrame,
              area_teams: dict[str, str] | None = None) -> pd.DataFrame:
    """``wijkteam``, ``name`` of the teams a run's lists are written for: the teams of the run, by code.

    The run's flags and risk rows carry the team that had each buurt at the run; a team renamed, merged or
    removed since keeps its list, and a team made since gets none (its buurten are on the old team's list).
    Names come from ``teams`` (the current division). A team gone from it is named as the one team that has all
    its buurten of the run today (``area_teams``: buurt -> its team today), as its answers and year plan follow
    its buurten: a team renamed to a new code reads its new name, not its old code; the code where its buurten
    went to several teams or none, or to a team with a list of the run of its own (a merge). A run without risk
    rows names no team without a flag, so the current teams are added then (a list of nothing is still sent),
    except a team a gone one was renamed to.
    """
    own = set(flags["wijkteam"].dropna()) if flags is not None and len(flags) else set()
    with_risk = risk_rows is not None and len(risk_rows)
    if with_risk:
        own |= set(risk_rows["wijkteam"].dropna())
    names = dict(zip(teams["wijkteam"], teams["name"]))
    followed = _renamed(_teams_today(own - set(names), [flags, risk_rows], area_teams or {}), own)
    # without risk rows the current teams are added, but not one a gone team of the run was renamed to: its buurten
    # are on the gone team's list, titled with its name
    codes = own if with_risk else own | (set(teams["wijkteam"]) - set(followed.values()))
    ordered = sorted(codes)
    return pd.DataFrame({"wijkteam": ordered, "name": [names.get(t, names.get(followed.get(t), t)) for t in ordered]})


def _teams_today(gone: set[str], frames: list[pd.DataFrame | None], area_teams: dict[str, str]) -> dict[str, str]:
    """Of each team code of ``gone``, the one team that has all its buurten of the run today (``frames``: the run's
    flags and risk rows, with ``wijkteam`` and ``area_code``), where there is one."""
    held: dict[str, set] = {}
    for frame in frames:
        if gone and frame is not None and len(frame) and "area_code" in frame:
            for team, area in zip(frame["wijkteam"], frame["area_code"]):
                if team in gone:
                    held.setdefault(team, set()).add(area_teams.get(area))
    return {team: next(iter(now)) for team, now in held.items() if len(now) == 1 and None not in now}


def _renamed(followed: dict[str, str], codes: set[str]) -> dict[str, str]:
    """Of ``followed`` (gone team -> the team that has its buurten today) the renamings: a team merged into one
    that has a list of the run itself keeps its code, or two of the run's lists would carry one title."""
    return {gone: now for gone, now in followed.items() if now not in codes}


def team_flags(flags: pd.DataFrame, team: str) -> pd.DataFrame:
    """The flags of one team's own buurten, in the order they came (the ranking)."""
    return flags[flags["wijkteam"] == team].reset_index(drop=True)


def team_list(flags: pd.DataFrame, team: str, labels: dict | None = None, lang: str = "nl",
              risk: RiskInfo | None = None) -> pd.DataFrame:
    """The list of one team (only its own buurten), ranked; Dutch, or English with ``lang="en"``.

    ``labels``: signal code -> its name in ``lang`` (``label_nl`` of the catalogue); codes stay codes without it.
    With ``risk`` every row gains the buurt's chance of an escalation in the flag's domain (``Risico``) and
    its drivers (``Risicofactoren``); ``onbekend`` where the run has no risk for it.
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
    if risk is not None:
        high = risk.setting("risk_min_probability", DEFAULT_HIGH)
        cells = risk.cells
        got = (cells.reindex(list(zip(own["area_code"], own["domain"]))) if cells is not None
               else pd.DataFrame({"probability": [None] * len(own), "drivers": [None] * len(own)}))
        values += [[wording.risk_text(p, high) for p in got["probability"]],
                   [d if isinstance(d, str) else "" for d in got["drivers"]]]
        columns = columns + wording.RISK_COLUMNS[lang]
    return pd.DataFrame(dict(zip(columns, values)), columns=columns)


#: Defaults of the section when a run recorded no setting (``pipelines.risk.RiskSettings``).
DEFAULT_HIGH, DEFAULT_TOP_SHARE, DEFAULT_PER_TEAM = 0.15, 0.15, 3


def preventive(risk: RiskInfo | None, flags: pd.DataFrame, team: str) -> pd.DataFrame:
    """The section *preventief in beeld* of one team: its buurten with a high chance of an escalation in a
    domain where no list of the run holds a flag of them, worded (:data:`wording.PREVENTIVE_COLUMNS`).

    ``flags``: the run's flags of every team (at least ``area_code``, ``domain``); a buurt and domain flagged on
    any list is never named here, also when the buurt's team in ``risk`` differs from its flag's team.

    High: a calibrated chance of at least ``risk_min_probability`` and a rank in the top
    ``risk_top_share`` of the municipality's buurten in that domain. One row per buurt (its highest
    chance), highest first, at most ``risk_per_team``. None without a risk (the section is then left out); the
    sentence of an empty section in ``attrs["none"]``.
    """
    if risk is None:
        return None
    columns = wording.PREVENTIVE_COLUMNS
    rows = risk.rows
    if rows.empty:
        return _with_none(pd.DataFrame(columns=columns), risk)
    high = risk.setting("risk_min_probability", DEFAULT_HIGH)
    share = risk.setting("risk_top_share", DEFAULT_TOP_SHARE)
    per_team = int(risk.setting("risk_per_team", DEFAULT_PER_TEAM))
    own = risk.by_team.get(team, rows.iloc[:0])
    top = np.maximum(1, np.ceil(share * risk.group_sizes)).reindex(own.index)
    mine = flags[flags["area_code"].isin(own["area_code"])]           # the flags of its own buurten, on any list
    flagged = set(zip(mine["area_code"], mine["domain"]))
    unflagged = np.array([(a, d) not in flagged for a, d in zip(own["area_code"], own["domain"])], dtype=bool)
    keep = own[(own["probability"] >= high) & (own["rank"] <= top) & unflagged]
    keep = (keep.sort_values(["probability", "area_code", "domain"], ascending=[False, True, True], kind="stable")
            .drop_duplicates("area_code").head(per_team))
    values = [
        range(1, len(keep) + 1),
        [wording.domain_word(d) for d in keep["domain"]],
        keep["area_code"],
        keep["name"],
        [wording.risk_text(p, high) for p in keep["probability"]],
        [wording.span_text(a, b) for a, b in zip(keep["period_from"], keep["period_to"])],
        keep["drivers"],
    ]
    return _with_none(pd.DataFrame(dict(zip(columns, values)), columns=columns).reset_index(drop=True), risk)


def _with_none(section: pd.DataFrame, risk: RiskInfo) -> pd.DataFrame:
    """``section`` with the sentence the writers show when it is empty in ``attrs["none"]``
    (:func:`wording.preventive_none`: a domain whose risk the run could not estimate is named, not "no buurt")."""
    section.attrs["none"] = wording.preventive_none(risk.models)
    return section


def chart_data(own: pd.DataFrame, series: pd.DataFrame, labels: dict) -> list[list[tuple[str, pd.DataFrame]]]:
    """Per flag of ``own`` (same order): up to two charts as (title, points up to the flag's period).

    The charts are the flag's elevated signals, or for a flag on the combined evidence the series its explanation
    names as adding most (not the domain's first series, which may have had no count at all).
    ``series``: ``area_code, domain, signal, period, period_start, count, expected, upper, alarm`` and ``pvalue``.
    """
    charts = []
    for f in own.itertuples(index=False):
        sig = [s for s in f.signals.split(", ") if s] or _named_for_chart(series, f)
        charts.append([
            (labels.get(s, s),
             series[(series["area_code"] == f.area_code) & (series["signal"] == s) & (series["period"] == f.period)
                    & (pd.to_datetime(series["period_start"]) <= pd.Timestamp(f.period_start))]
             .sort_values("period_start"))
            for s in sig[:CHARTS_PER_FLAG]])
    return charts


def _named_for_chart(series: pd.DataFrame, f) -> list[str]:
    """The charts of a flag that names no elevated signal: the series its explanation names after "het meest"
    (:func:`pipelines.explain.contributors`, on the same rule), else the domain's series with the most counts in
    the flag's period."""
    from pipelines.explain import contributors

    mine = series[(series["area_code"] == f.area_code) & (series["domain"] == f.domain) & (series["period"] == f.period)
                  & (pd.to_datetime(series["period_start"]) == pd.Timestamp(f.period_start))]
    if mine.empty:
        return []
    if "pvalue" in mine:
        named = contributors(mine.assign(elevated=False))["signal"].tolist()
        if named:
            return named
    order = np.lexsort((mine["signal"].to_numpy(), -mine["count"].to_numpy()))
    return [mine["signal"].iloc[order[0]]]
