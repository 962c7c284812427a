"""Explanations in words for a flag: which signals, observed against expected, since when, where else.

Dutch for the wijkteams, English on request. Pure frames in, text out. Words, periods and the
bound come from :mod:`pipelines.wording`, so every output says the same thing the same way.
"""
from __future__ import annotations

import pandas as pd

from pipelines.wording import count_text, format_bound, number, period_text, unit_word

SINGULAR = {"meldingen": "melding", "signalen": "signaal", "misdrijven": "misdrijf"}
#: After the unit of a count that is a provisional figure of its source (``core.signal_counts.provisional``)
PROVISIONAL = {"nl": " (voorlopig cijfer)", "en": " (provisional figure)"}


def elevated_runs(scores: pd.DataFrame, domains: pd.DataFrame, budget, teams: pd.Series | None = None) -> pd.DataFrame:
    """For each series cell: is it elevated, and for how many periods in a row up to here.

    Elevated by the rule of the list's own evidence (``models.evidence``; the Toelichting's ``elevated_p``):
    the series' evidence p-value (``series_pvalues``: a detector alarm counts as ``alarm_p``, fewer than
    ``min_count`` counts as none) times the number of series of its buurt and domain that period is at or
    below ``elevated_p``. The raw p-value would call one of five quiet series "verhoogd" one period in 20.
    A weekly series that lists its buurt by its own detector (``series_alarm``) is elevated too, whatever the
    number of series: the list's evidence lists the buurt for it alone (at the levels of the buurt's team:
    ``teams``, the wijkteam of each area, with the budget's ``team_scales``).
    Adds ``domain``, ``p_series`` (the corrected p-value), ``series_alarm``, ``elevated`` and ``in_a_row``.
    """
    from models.evidence import series_pvalues     # scipy: only when flagging, not for reading lists

    return runs_of(series_pvalues(scores, domains, budget, teams), budget)


def runs_of(series: pd.DataFrame, budget) -> pd.DataFrame:
    """:func:`elevated_runs` from the series p-values at ``budget``'s levels (``models.evidence.series_pvalues``, as
    ``evidence_budget_series`` hands them on)."""
    from models.evidence import CELL

    p_series = (series["p"] * series.groupby(CELL, sort=False)["p"].transform("size")).clip(upper=1.0)
    s = series.assign(p_series=p_series).sort_values(["area_code", "signal", "period", "period_start"]).reset_index(drop=True)
    el = (s["p_series"] <= budget.elevated_p) | ((s["series_alarm"] > 0) & (s["period"] == "week"))
    key = s["area_code"] + "|" + s["signal"] + "|" + s["period"]
    brk = (~el) | (key != key.shift())
    s["elevated"] = el
    s["in_a_row"] = el.astype(int).groupby(brk.cumsum()).cumsum()
    return s.drop(columns=["p", "log_t", "is_elevated"])


def episode_periods(flag) -> int | None:
    """Periods from the flag's episode start (``since``) to its period, both counted; None without a start."""
    since = getattr(flag, "since", None)
    if since is None or pd.isna(since):
        return None
    since, now = pd.Timestamp(since), pd.Timestamp(flag.period_start)
    if flag.period == "month":
        return (now.year - since.year) * 12 + now.month - since.month + 1
    return (now - since).days // 7 + 1


#: One series' phrase in the explanation, per language.
SERIES_WORDS = {
    "nl": {"count": "{label}: {n} {unit}, verwacht {expected}", "bound": " (bovengrens {bound})",
           "in_a_row": ", {n}e {one} op rij", "new": ", nieuw deze {one}", "now": ", verhoogd deze {one}",
           "window": ", boven verwachting opgeteld over de laatste {many}",
           "gradual": ", geleidelijke stijging over meerdere {many}"},
    "en": {"count": "{label}: {n} {unit}, expected {expected}", "bound": " (upper bound {bound})",
           "in_a_row": ", {n} {many} in a row", "new": ", new this {one}", "now": ", elevated this {one}",
           "window": ", above expected summed over the last {many}",
           "gradual": ", a gradual rise over several {many}"},
}

#: The series that add most to a listing on the combined evidence, none of them elevated on its own.
CONTRIBUTOR_WORDS = {
    "nl": {"combined": "de signalen van dit domein samen boven verwachting", "most": "; het meest: ",
           "item": "{label} {n} {unit} (verwacht {expected}{bound})", "bound": ", bovengrens {bound}"},
    "en": {"combined": "the signals of this domain together above expected", "most": "; most: ",
           "item": "{label} {n} {unit} (expected {expected}{bound})", "bound": ", upper bound {bound}"},
}
#: at most this many contributing series are named
CONTRIBUTORS = 3
#: Neighbours of other teams a buurt needs before its list says one of them is elevated too (one would be named).
MIN_OTHER_NEIGHBOURS = 2


#: A listing from the pooled counts (``models.pooled``) where no single series is elevated, per language.
POOLED_WORDS = {
    "nl": {"pooled signals": "de signalen van dit domein samen boven verwachting (over de laatste {many})",
           "pooled neighbours": "samen met de buurbuurten boven verwachting (over de laatste {many})"},
    "en": {"pooled signals": "the signals of this domain together above expected (over the last {many})",
           "pooled neighbours": "together with the adjacent buurten above expected (over the last {many})"},
}


#: A listing on one signal's sum over the buurt and its neighbours (``nb_signal`` of ``models.pooled``), per language.
CARRIED_WORDS = {
    "nl": "{label} samen met de buurbuurten boven verwachting (over de laatste {many}), vooral door de buurbuurten; "
          "hier deze {one} {n} {unit} (verwacht {expected})",
    "en": "{label} together with the adjacent buurten above expected (over the last {many}), carried mostly by the "
          "adjacent buurten; here this {one} {n} {unit} (expected {expected})",
}


def explain(flag, cells: pd.DataFrame, neighbours: pd.DataFrame, names: dict, lang: str = "nl",
            teams: dict | None = None) -> tuple[str, list[str]]:
    """Text for one flag (a row with area_code, domain, period, period_start, status, since, last_seen).

    ``cells``: :func:`elevated_runs` output joined with the catalogue (label_nl/label_en, unit_nl, domain).
    Returns the text and the elevated signals (a flag listed on the combined evidence names the series that add
    most in its text, as such, never as the rise; the list's charts show those, ``lists.selection.chart_data``).
    """
    return explanations(flag, cells, neighbours, names, teams, (lang,))[lang]


def explanations(flag, cells: pd.DataFrame, neighbours: pd.DataFrame, names: dict, teams: dict | None = None,
                 langs: tuple[str, ...] = ("nl", "en")) -> dict[str, tuple[str, list[str]]]:
    """:func:`explain` in each of ``langs``. The rows a text reads are picked once, in plain Python over ``cells``
    (a flag's buurt and its neighbours: a few dozen rows), and only the words differ per language: a list holds
    both texts of every flag, and picking them with pandas took most of a national run's explanations."""
    rows = list(cells.itertuples(index=False))
    here = [r for r in rows if r.area_code == flag.area_code and r.domain == flag.domain and r.period == flag.period
            and r.period_start == flag.period_start]
    up = sorted((r for r in here if r.elevated), key=_by_pvalue)
    # a flag without a level is on the list for follow-up only: never "op rij" or "nieuw" then
    listed_now = bool(getattr(flag, "level", "alarm") or "")
    look = getattr(flag, "look", "")
    carried, most = [], []
    if listed_now and not up:
        nb_signal = getattr(flag, "nb_signal", None)
        if look == "pooled neighbours" and isinstance(nb_signal, str):
            carried = [r for r in here if r.signal == nb_signal][:1]
        if not carried:
            most = _contributing(here)
    named = [r.signal for r in (up or carried or most)]
    around = []
    if named:
        nb = set(neighbours["neighbour"].to_numpy(dtype=object)[
            neighbours["area_code"].to_numpy(dtype=object) == flag.area_code])
        areas = {r.area_code for r in rows if r.area_code in nb and r.signal in named and r.elevated
                 and r.period_start == flag.period_start}
        if areas:
            # a team's list names only its own buurten; of other teams' neighbours it says only that one or more
            # is elevated too, and only where the buurt has several: a count, or the only one, would name it
            team = getattr(flag, "wijkteam", None)
            own = sorted({names.get(a, a) for a in areas if teams is None or teams.get(a) == team})
            other = any(teams is not None and teams.get(a) != team for a in areas)
            several = teams is not None and sum(teams.get(a) != team for a in nb) >= MIN_OTHER_NEIGHBOURS
            around = [own, other and several]
    signals = [r.signal for r in up]
    if getattr(flag, "status", "") == "herzien":
        earlier = str(getattr(flag, "revised_signals", "") or "").split(", ")
        shown = sorted((r for r in here if r.signal in earlier), key=lambda r: r.signal)
        return {lang: (_revised_text(flag, shown, lang), signals) for lang in langs}
    return {lang: (_text(flag, up, carried, most, around, listed_now, look, lang), signals) for lang in langs}


#: Who delivered a source's counts, as a revised flag names them (:func:`_revised_text`)
SOURCE_WHO = {"nl": {"politie": "de politie", "wijkteam": "de wijkteams", "schulden": "de schuldhulpverlening",
                     "meldingen": "het meldingensysteem"},
              "en": {"politie": "the police", "wijkteam": "the wijkteams", "schulden": "the debt counselling service",
                     "meldingen": "the reports system"}}
REVISED_WORDS = {
    "nl": {"head": "Herzien: de cijfers van {when} zijn opnieuw geleverd door {who}{state} en tonen hier geen "
                   "verhoging meer; eerder op de lijst als {level}", "now": ". Nu: ", "final": " (nu definitief)",
           "still": " (nog voorlopig)", "since": ". Sinds {since}."},
    "en": {"head": "Revised: the counts of {when} were delivered again by {who}{state} and show no rise here any more; "
                   "listed earlier as {level}", "now": ". Now: ", "final": " (now definitive)",
           "still": " (still provisional)", "since": ". Since {since}."},
}


def _revised_text(flag, rows: list, lang: str) -> str:
    """The text of a flag an earlier list held whose month's counts were delivered again and no longer hold it
    (``flag.close_revised``): who delivered them again, whether the police's figures are definitive now, the level
    the team was sent and the counts of the signals it was sent for as they read now."""
    from pipelines.wording import level_word

    words = REVISED_WORDS[lang]
    sources = [s for s in str(getattr(flag, "revised_sources", "") or "").split(", ") if s]
    who = ", ".join(SOURCE_WHO[lang].get(s, s) for s in sources)
    provisional = getattr(flag, "revised_provisional", False)
    state = ("" if "politie" not in sources else
             words["still"] if bool(provisional) and not pd.isna(provisional) else words["final"])
    text = words["head"].format(when=period_text(flag.period_start, flag.period, lang), who=who, state=state,
                                level=level_word(str(getattr(flag, "revised_level", "") or ""), "nazorg", lang))
    if rows:
        text += words["now"] + "; ".join(_series_count(r, lang) for r in rows)
    return text + words["since"].format(since=period_text(flag.since, flag.period, lang))


def _text(flag, up: list, carried: list, most: list, around: list, listed_now: bool, look: str, lang: str) -> str:
    """The words of :func:`explanations` in ``lang``, from the rows it picked."""
    one, many = unit_word(flag.period, False, lang), unit_word(flag.period, True, lang)
    # "op rij" counts the periods of this episode only, so it never reaches back before "Sinds"
    episode = episode_periods(flag)
    words = SERIES_WORDS[lang]
    parts = []
    for r in up:
        text = _series_count(r, lang)
        gradual = "cusum" in (getattr(r, "reason", "") or "")
        if listed_now:
            run = int(r.in_a_row) if episode is None else min(int(r.in_a_row), episode)
            # "nieuw" only on the flag's first list: a month on its second weekly list is aanhoudend (listed before)
            first = episode in (None, 1) and getattr(flag, "status", "nieuw") in ("nieuw", "", None)
            text += (words["in_a_row"].format(n=run, one=one, many=many) if run > 1
                     else words["new"].format(one=one) if first else words["now"].format(one=one))
            if gradual:
                text += words["gradual"].format(many=many)
        if not (gradual and listed_now) and not _above_bound(r):
            text += words["window"].format(many=many)      # elevated on its window's sum, not on this period's count
        parts.append(text)
    if listed_now and not parts:
        # listed on the combined evidence (pooled counts, or a series' own detector): no series stands out on
        # its own, so none is called the rise; the series that add most are named as what they are
        if carried:
            # the neighbours' sum of one signal listed the buurt: that signal is named, not the buurt's other series
            parts = [_carried(carried[0], lang, one, many)]
        else:
            words = CONTRIBUTOR_WORDS[lang]
            head = POOLED_WORDS[lang][look].format(many=many) if look in POOLED_WORDS[lang] else words["combined"]
            if most:
                head += words["most"] + ", ".join(_contributor(r, lang) for r in most)
            parts = [head]
    since = period_text(flag.since, flag.period, lang)
    last = period_text(flag.last_seen, flag.period, lang) if pd.notna(flag.last_seen) else since
    if flag.status == "opgelost" and not parts:
        parts = ["weer op het verwachte niveau" if lang == "nl" else "back to the expected level"]
    elif not listed_now:
        # last_seen is the last period the area-domain was elevated; it may have stayed on the lists after that
        head = (f"deze {one} niet meer verhoogd, laatst verhoogd in {last}" if lang == "nl"
                else f"no longer elevated this {one}, last elevated in {last}")
        if parts:
            head += "; nog boven verwachting: " if lang == "nl" else "; still above expected: "
            parts = [head + "; ".join(parts)]
        else:
            parts = [head]
    text = "; ".join(parts)
    text = text[:1].upper() + text[1:]
    text += f". Sinds {since}." if lang == "nl" else f". Since {since}."
    if around:
        own, others = around
        if own:
            text += (f" Ook verhoogd in de {'buurbuurt' if len(own) == 1 else 'buurbuurten'}: {', '.join(own)}."
                     if lang == "nl" else f" Also elevated next door: {', '.join(own)}.")
        if others:
            text += (" Ook verhoogd in een of meer aangrenzende buurten van een ander wijkteam." if lang == "nl"
                     else " Also elevated in one or more adjacent buurten of another wijkteam.")
    return text


def _by_pvalue(r) -> tuple:
    """Sort key: the p-value, a missing one last (as pandas sorts)."""
    return (pd.isna(r.pvalue), 0.0 if pd.isna(r.pvalue) else r.pvalue)


def _adds(r) -> bool:
    """Whether a series adds to its buurt-domain's combined evidence this period: not elevated on its own, and above
    its expected count (below it, it adds nothing, whatever its window's p-value: named after "het meest" it read
    as "0 signalen (verwacht 0,0)")."""
    return not r.elevated and pd.notna(r.expected) and r.count > r.expected


def _contributing(rows: list) -> list:
    """:func:`contributors` of rows as :func:`explanations` holds them."""
    return sorted((r for r in rows if _adds(r)), key=lambda r: (*_by_pvalue(r), r.signal))[:CONTRIBUTORS]


def contributors(here: pd.DataFrame) -> pd.DataFrame:
    """The series of a buurt-domain-period that add most to its combined evidence (:func:`_adds`), strongest
    (smallest p-value) first."""
    return pd.DataFrame(_contributing(list(here.itertuples(index=False))), columns=here.columns)


def _unit(r, lang: str) -> str:
    if lang != "nl":
        return "counts"
    return SINGULAR.get(r.unit_nl, r.unit_nl) if int(r.count) == 1 else r.unit_nl


def _count(r, lang: str) -> str:
    return count_text(r.count, getattr(r, "partial", False), lang)


def _unit_said(r, lang: str) -> str:
    """The unit after a count, and "(voorlopig cijfer)" where the count is a provisional figure of its source (the
    police's latest months, revised a month later: a flag on it may not hold, red team 12a F2)."""
    return _unit(r, lang) + (PROVISIONAL[lang] if _provisional(r) else "")


def _provisional(r) -> bool:
    value = getattr(r, "provisional", False)
    return bool(value) and not pd.isna(value)


def _above_bound(r) -> bool:
    """Is the count above its upper bound (larger than it; no bound: nothing to be under)."""
    return pd.isna(r.upper) or r.count > r.upper


def _expected(r, lang: str) -> str:
    """The expected count a series' p-value judged its count against: at least ``models.scan.LEAST_EXPECTED``
    (0.05 a period, "0,1"), as the scan takes it. A baseline of almost nothing (a buurt's signal without a count in
    its baseline years, 2e-9) read "verwacht 0,0" next to a p-value that took one count in 20 periods, and told
    the team what it counted was unheard of there."""
    from models.scan import LEAST_EXPECTED       # scipy: only when flagging, not for reading lists

    return number(r.expected if pd.isna(r.expected) else max(r.expected, LEAST_EXPECTED), lang)


def _series_count(r, lang: str) -> str:
    label = r.label_nl if lang == "nl" else r.label_en
    words = SERIES_WORDS[lang]
    text = words["count"].format(label=label, n=_count(r, lang), unit=_unit_said(r, lang), expected=_expected(r, lang))
    bound = format_bound(r.upper, lang)
    return text + (words["bound"].format(bound=bound) if bound else "")


def _carried(r, lang: str, one: str, many: str) -> str:
    return CARRIED_WORDS[lang].format(label=r.label_nl if lang == "nl" else r.label_en, many=many, one=one,
                                      n=_count(r, lang), unit=_unit_said(r, lang), expected=_expected(r, lang))


def _contributor(r, lang: str) -> str:
    words = CONTRIBUTOR_WORDS[lang]
    bound = format_bound(r.upper, lang)
    return words["item"].format(label=r.label_nl if lang == "nl" else r.label_en, n=_count(r, lang),
                                unit=_unit_said(r, lang),
                                expected=_expected(r, lang), bound=words["bound"].format(bound=bound) if bound else "")
