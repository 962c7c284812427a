"""Explanations in words for a flag: which signals, observed against expected, since when, where else.

Dutch for the wijkteams, English on request. Pure frames in, text out.
"""
from __future__ import annotations

import pandas as pd

from models.calendar import period_label

UNIT = {"nl": {"week": ("week", "weken"), "month": ("maand", "maanden")},
        "en": {"week": ("week", "weeks"), "month": ("month", "months")}}


def _num(x: float, lang: str) -> str:
    text = f"{x:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


SINGULAR = {"meldingen": "melding", "signalen": "signaal", "misdrijven": "misdrijf"}


def elevated_runs(series: pd.DataFrame, elevated_p: float, min_count: int = 1) -> pd.DataFrame:
    """For each series cell: is it elevated, and for how many periods in a row up to here."""
    s = series.sort_values(["area_code", "signal", "period", "period_start"]).reset_index(drop=True)
    el = (s["pvalue"].fillna(1.0) <= elevated_p) & (s["count"] >= min_count)
    key = s["area_code"] + "|" + s["signal"] + "|" + s["period"]
    brk = (~el) | (key != key.shift())
    s["elevated"] = el
    s["in_a_row"] = el.astype(int).groupby(brk.cumsum()).cumsum()
    return s


def explain(flag, cells: pd.DataFrame, neighbours: pd.DataFrame, names: dict, lang: str = "nl",
            teams: dict | None = None) -> tuple[str, list[str]]:
    """Text for one flag (a row with area_code, domain, period, period_start, status, since, last_seen).

    ``cells``: :func:`elevated_runs` output joined with the catalogue (label_nl/label_en, unit_nl, domain).
    Returns the text and the elevated signals.
    """
    here = cells[(cells["area_code"] == flag.area_code) & (cells["domain"] == flag.domain)
                 & (cells["period"] == flag.period) & (cells["period_start"] == flag.period_start)]
    up = here[here["elevated"]].sort_values("pvalue")
    one, many = UNIT[lang][flag.period]
    parts = []
    for r in up.itertuples(index=False):
        label = r.label_nl if lang == "nl" else r.label_en
        unit = (SINGULAR.get(r.unit_nl, r.unit_nl) if int(r.count) == 1 else r.unit_nl) if lang == "nl" else "counts"
        if lang == "nl":
            text = (f"{label}: {int(r.count)} {unit}, verwacht {_num(r.expected, lang)} (bovengrens {int(r.upper)})")
            text += f", {int(r.in_a_row)}e {one} op rij" if r.in_a_row > 1 else f", nieuw deze {one}"
            if "cusum" in (r.reason or ""):
                text += f", geleidelijke stijging over meerdere {many}"
        else:
            text = f"{label}: {int(r.count)} {unit}, expected {_num(r.expected, lang)} (upper bound {int(r.upper)})"
            text += f", {int(r.in_a_row)} {many} in a row" if r.in_a_row > 1 else f", new this {one}"
            if "cusum" in (r.reason or ""):
                text += f", a gradual rise over several {many}"
        parts.append(text)
    since = period_label(pd.Series([flag.since]), flag.period).iloc[0]
    if not parts:
        last = period_label(pd.Series([flag.last_seen]), flag.period).iloc[0] if pd.notna(flag.last_seen) else since
        if flag.status == "opgelost":
            parts.append("weer op het verwachte niveau" if lang == "nl" else "back to the expected level")
        else:
            parts.append(f"deze {one} niet verhoogd, laatst op de lijst in {last}" if lang == "nl"
                         else f"not elevated this {one}, last listed in {last}")
    text = "; ".join(parts) + (f". Sinds {since}." if lang == "nl" else f". Since {since}.")
    signals = list(up["signal"])
    if signals:
        nb = neighbours.loc[neighbours["area_code"] == flag.area_code, "neighbour"]
        also = cells[cells["area_code"].isin(nb) & cells["signal"].isin(signals) & cells["elevated"]
                     & (cells["period_start"] == flag.period_start)]
        if len(also):
            # a team's list names only its own buurten; neighbours of other teams are counted, not named
            team = getattr(flag, "wijkteam", None)
            areas = set(also["area_code"])
            own = sorted({names.get(a, a) for a in areas if teams is None or teams.get(a) == team})
            other = len([a for a in areas if teams is not None and teams.get(a) != team])
            if own:
                text += (f" Ook verhoogd in de buurbuurt(en): {', '.join(own)}." if lang == "nl"
                         else f" Also elevated next door: {', '.join(own)}.")
            if other:
                text += (f" Ook verhoogd in {other} aangrenzende buurt(en) van een ander wijkteam." if lang == "nl"
                         else f" Also elevated in {other} adjacent buurt(en) of another wijkteam.")
    return text, signals
