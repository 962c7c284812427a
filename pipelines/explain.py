"""Explanations in words for a flag: which signals, observed against expected, since when, where else.

Dutch for the wijkteams, English on request. Pure frames in, text out. Words, periods and the
bound come from :mod:`pipelines.wording`, so every output says the same thing the same way.
"""
from __future__ import annotations

import pandas as pd

from pipelines.wording import format_bound, number, period_text, unit_word

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


#: One series' phrase in the explanation, per language.
SERIES_WORDS = {
    "nl": {"count": "{label}: {n} {unit}, verwacht {expected}", "bound": " (bovengrens {bound})",
           "in_a_row": ", {n}e {one} op rij", "new": ", nieuw deze {one}",
           "gradual": ", geleidelijke stijging over meerdere {many}"},
    "en": {"count": "{label}: {n} {unit}, expected {expected}", "bound": " (upper bound {bound})",
           "in_a_row": ", {n} {many} in a row", "new": ", new this {one}",
           "gradual": ", a gradual rise over several {many}"},
}


#: A listing from the pooled counts (``models.pooled``) where no single series is elevated, per language.
POOLED_WORDS = {
    "nl": {"pooled signals": "de signalen van dit domein samen boven verwachting (over de laatste {many})",
           "pooled neighbours": "samen met de buurbuurten boven verwachting (over de laatste {many})"},
    "en": {"pooled signals": "the signals of this domain together above expected (over the last {many})",
           "pooled neighbours": "together with the adjacent buurten above expected (over the last {many})"},
}


def explain(flag, cells: pd.DataFrame, neighbours: pd.DataFrame, names: dict, lang: str = "nl",
            teams: dict | None = None) -> tuple[str, list[str]]:
    """Text for one flag (a row with area_code, domain, period, period_start, status, since, last_seen).

    ``cells``: :func:`elevated_runs` output joined with the catalogue (label_nl/label_en, unit_nl, domain).
    Returns the text and the elevated signals.
    """
    here = cells[(cells["area_code"] == flag.area_code) & (cells["domain"] == flag.domain)
                 & (cells["period"] == flag.period) & (cells["period_start"] == flag.period_start)]
    up = here[here["elevated"]].sort_values("pvalue")
    one, many = unit_word(flag.period, False, lang), unit_word(flag.period, True, lang)
    # a flag without a level is on the list for follow-up only: never "op rij" or "nieuw" then
    listed_now = bool(getattr(flag, "level", "alarm") or "")
    parts = []
    for r in up.itertuples(index=False):
        label = r.label_nl if lang == "nl" else r.label_en
        unit = (SINGULAR.get(r.unit_nl, r.unit_nl) if int(r.count) == 1 else r.unit_nl) if lang == "nl" else "counts"
        bound = format_bound(r.upper, lang)
        words = SERIES_WORDS[lang]
        text = words["count"].format(label=label, n=int(r.count), unit=unit, expected=number(r.expected, lang))
        text += words["bound"].format(bound=bound) if bound else ""
        if listed_now:
            text += (words["in_a_row"].format(n=int(r.in_a_row), one=one, many=many) if r.in_a_row > 1
                     else words["new"].format(one=one))
            if "cusum" in (r.reason or ""):
                text += words["gradual"].format(many=many)
        parts.append(text)
    look = getattr(flag, "look", "")
    if listed_now and not parts and look in POOLED_WORDS[lang]:
        parts = [POOLED_WORDS[lang][look].format(many=many)]     # no series stands out on its own
    since = period_text(flag.since, flag.period, lang)
    last = period_text(flag.last_seen, flag.period, lang) if pd.notna(flag.last_seen) else since
    if flag.status == "opgelost" and not parts:
        parts = ["weer op het verwachte niveau" if lang == "nl" else "back to the expected level"]
    elif not listed_now:
        head = (f"deze {one} niet meer verhoogd, laatst op de lijst in {last}" if lang == "nl"
                else f"no longer elevated this {one}, last listed in {last}")
        if parts:
            head += "; nog boven verwachting: " if lang == "nl" else "; still above expected: "
            parts = [head + "; ".join(parts)]
        else:
            parts = [head]
    text = "; ".join(parts)
    text = text[:1].upper() + text[1:]
    text += f". Sinds {since}." if lang == "nl" else f". Since {since}."
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
