"""The year plan of one wijkteam: per buurt and domain the year against expected, the year's flags and
what the team did with them, and what is still open - the input for the team's jaarplan.

Pure: frames in, frames or HTML out; every frame is cut to the team's own buurten first (and the flags to those
the team's lists held), so nothing of another team's buurten can reach the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.feedback import FALSE_ALARM, judgements
from pipelines.flag import RECENT_MONTHS, current_from
from pipelines.reference import DOMAIN_NL
from pipelines.wording import began_text, counted, period_text, unit_word
from pipelines.reports.render import data_table, page
from pipelines.reports.review import RECOGNISED, episodes
from pipelines.reports.svg import Line, figures_table, line_chart
from pipelines.reports.trends import (_year_periods, buurt_table, observed_vs_expected, period_end, period_year,
                                      year_bounds)
from pipelines.safe_output import escape_html as esc

MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


#: The state of a flag still listed when its source stopped delivering (:func:`review.unjudged_after`)
UNJUDGED = "niet beoordeeld"
#: The state of a flag a list sent that today's scores no longer hold (``review.episodes``' ``rejudged``)
REJUDGED = "herberekend"
#: The state of a flag of a buurt that moved to another team while it ran (:func:`handed_over`)
HANDED_OVER = "overgedragen"


def teams_of_today(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows with ``wijkteam`` and ``area_code``: flags sent, answers) with a team that is no longer in the
    profile (renamed or merged since) replaced by the team that has the buurt today, as its answers follow its buurten
    on the lists (``feedback``) and its flags a renumbered buurt (``catalog.rekey``); rows of today's teams stay
    with the team they were sent to. Without it, the flags a renamed team's lists held were in no year plan: the
    old code is no team to ask for, the new one had none of them."""
    if frame is None or frame.empty or "wijkteam" not in frame:
        return frame
    today = buurt_table(areas).drop_duplicates("area_code").set_index("area_code")["wijkteam"]
    gone = frame["wijkteam"].notna() & ~frame["wijkteam"].isin(set(today))
    if not gone.any():
        return frame
    out = frame.copy()
    out.loc[gone, "wijkteam"] = out.loc[gone, "area_code"].map(today)
    return out


def team_buurten(areas: pd.DataFrame, team: str) -> pd.DataFrame:
    b = buurt_table(areas)
    return b[b["wijkteam"] == team].reset_index(drop=True)


def development(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, team: str, year: int,
                counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per buurt and domain of the team: observed, expected and their ratio over ``year``'s scored periods.

    With ``counts`` also ``observed_year``, the whole year's count: the scores hold only the run's score window
    (the last ``score_weeks`` weeks and ``score_months`` months), so an earlier year is scored in part or not at
    all, and a buurt and domain with counts but no scores that year gets a row without expected and ratio.
    ``provisional`` (of the scored part) and ``provisional_year`` (of the whole year): the domain's year holds a
    provisional figure of its source, the police's latest months (per domain, as
    :func:`~pipelines.reports.trends.provisional_years`).
    """
    own = team_buurten(areas, team)
    in_year = period_year(scores["period_start"], scores["period"]).to_numpy() == year     # weeks by ISO year
    s = scores[scores["area_code"].isin(own["area_code"]).to_numpy() & in_year]
    oe = observed_vs_expected(s, areas, catalogue, by=("area_code", "domain"))
    oe = oe[oe["year"] == year]
    if counts is not None:
        c = counts[counts["area_code"].isin(own["area_code"])]
        c = c[period_year(c["period_start"], c["period"]).to_numpy() == year].merge(catalogue[["signal", "domain"]],
                                                                                   on="signal")
        c = c.assign(partial=c["partial"].astype(bool) if "partial" in c else False)
        whole = c.groupby(["area_code", "domain"], as_index=False).agg(observed_year=("count", "sum"),
                                                                       partial_year=("partial", "any"))
        unsure = set(c.loc[c["provisional"].eq(True), "domain"]) if "provisional" in c else set()
        # the team's buurten without counts that year: the scored part as it is (an outer merge of two empty frames
        # of Arrow strings fails in pyarrow)
        oe = (whole.merge(oe, on=["area_code", "domain"], how="outer") if len(whole) else
              oe.assign(observed_year=0.0, partial_year=False)).assign(year=year)
        oe["observed_year"] = oe["observed_year"].fillna(0)     # no stored counts: the scored periods were all 0
        # a total with an unknown part (a suppressed <5 cell) counted as its known parts: the year is "minstens"
        oe["partial_year"] = oe["partial_year"].astype("boolean").fillna(False).astype(bool)
        oe["provisional_year"] = oe["domain"].isin(unsure)
    if "partial" in oe:                                       # the scored part holds a lower bound
        oe["partial"] = oe["partial"].astype("boolean").fillna(False).astype(bool)
    return oe.merge(own[["area_code", "name", "kind"]], on="area_code").sort_values(["name", "domain"]) \
        .reset_index(drop=True)


def absent_domains(dev: pd.DataFrame, counts: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.DataFrame,
                   team: str, year: int, end: pd.Timestamp) -> str:
    """The Dutch sentence under the table of the year on the team's domains with counts before ``year`` but none in
    it ('' when none): a monthly domain in the first weeks of January, with no month of ``year`` ended by ``end``
    (the end of the run's period), or one not delivered yet. The plan of 2027 made on the 2027-W01 run showed fysiek
    only, sociaal left out without a word (the manager report said why)."""
    if counts is None or counts.empty:
        return ""
    own = team_buurten(areas, team)
    c = counts[counts["area_code"].isin(own["area_code"])].merge(catalogue[["signal", "domain"]], on="signal")
    c = c[period_year(c["period_start"], c["period"]).to_numpy() < year]
    absent = [d for d in DOMAIN_NL if d in set(c["domain"]) and not (dev["domain"] == d).any()]
    if not absent:
        return ""
    said = []
    for domain in absent:
        kinds = sorted(set(c.loc[c["domain"] == domain, "period"]), reverse=True)        # weeks first
        firsts = [period_end(pd.Series([year_bounds(year, k)[0]]), pd.Series([k])).iloc[0] for k in kinds]
        unended = all(first > end for first in firsts)
        still = end <= max(year_bounds(year, k)[1] for k in kinds)          # the year is not over yet
        reason = (f"nog geen {' of '.join(unit_word(k) for k in kinds)} van {year} afgelopen" if unended else
                  f"van {year} zijn {'nog ' if still else ''}geen cijfers geleverd")
        label = DOMAIN_NL.get(domain, domain)
        said.append(f"{label[:1].upper()}{label[1:]} staat hier {'nog ' if still else ''}niet in: {reason}.")
    return " ".join(said)


def delivered_until(dev: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.DataFrame,
                    team: str, year: int, end: pd.Timestamp, covered: Scored | None = None) -> str:
    """The Dutch sentence under the table of the year on the team's domains whose sources delivered ``year`` only up
    to an earlier period than the last one ended by ``end`` (the end of the run's period; '' when none), judged by
    the run's ``scores`` over the municipality's buurten (a week delivered without reports is scored, as zeros): the
    plan of 2026 made on the run of 2026-W53, the wijkteams' December not in yet, gave eleven months of sociaal as
    'Waargenomen aantallen van het jaar' without a word. A period type whose scores stopped in ``year``
    (``covered.stopped``, a source that stopped delivering) has its own sentence (:func:`_coverage`)."""
    if scores is None or scores.empty or dev.empty:
        return ""
    own = team_buurten(areas, team)
    towns = set(areas.loc[areas["area_code"].isin(own["area_code"]), "gemeente_code"])
    buurten = areas.loc[areas["gemeente_code"].isin(towns), "area_code"]
    s = scores[scores["area_code"].isin(buurten)].merge(catalogue[["signal", "domain"]], on="signal")
    s = s.assign(period_start=pd.to_datetime(s["period_start"]))
    s = s[(period_year(s["period_start"], s["period"]).to_numpy() == year) & s["domain"].isin(set(dev["domain"]))]
    stopped = {} if covered is None else covered.stopped
    parts = []
    for (domain, kind), starts in s.groupby(["domain", "period"])["period_start"]:
        first, last = year_bounds(year, kind)
        if kind in stopped and first <= stopped[kind] <= last:
            continue
        due = _year_periods(year, kind, end, year)         # the year's periods ended by ``end``, as 01-trends reads them
        until = starts.max()
        if len(due) and until < due.max():
            parts.append((domain, kind, until))
    if not parts:
        return ""
    order = list(DOMAIN_NL)
    parts.sort(key=lambda p: (order.index(p[0]) if p[0] in order else len(order), p[1] != "week"))
    said = ", ".join(f"{DOMAIN_NL.get(d, d)} tot en met {period_text(until, kind)}" for d, kind, until in parts)
    one = len({d for d, _, _ in parts}) == 1
    return (f"Van {year} zijn nog niet alle cijfers geleverd: {said}. Waargenomen en verwacht van "
            f"{'dat domein tellen' if one else 'die domeinen tellen'} daarom tot en met die periode; de rest van "
            f"{year} telt mee zodra het geleverd is.")


@dataclass(frozen=True)
class Scored:
    """What the run's scores cover, in every one of its frames (its scores, its evidence), per period type: the
    ``first`` and ``last`` period scored (the run scores only its window, ``score_weeks`` weeks and ``score_months``
    months, so an earlier year's expectations and flags can be partial or absent; a history can stop), and the
    ``years`` with any period scored (a year between two of them may have none: a source silent for a year)."""
    first: dict[str, pd.Timestamp]
    last: dict[str, pd.Timestamp]
    years: set[int]
    #: per period type its last period scored where that is before the run's own (:func:`stopped_before`)
    stopped: dict[str, pd.Timestamp] = field(default_factory=dict)
    #: per period type the first period the warehouse's counts hold (where the history begins)
    counts_from: dict[str, pd.Timestamp] = field(default_factory=dict)
    #: per period type whose scores begin late (or not at all) because the history is still too short, not because
    #: of the run's window: source -> (its first period, the first period a series of it can be judged,
    #: ``export.judged_from``) (:func:`too_young`)
    young: dict[str, dict[str, tuple[pd.Timestamp, pd.Timestamp]]] = field(default_factory=dict)
    #: per domain that no period type can judge yet: period type -> its sources as in ``young``
    young_domains: dict[str, dict[str, dict]] = field(default_factory=dict)


def stopped_before(last: dict[str, pd.Timestamp], run_period: str | None) -> dict[str, pd.Timestamp]:
    """The period types of ``last`` (the last period scored of each) whose scores stop before the run's own periods
    (its week, the earliest month its lists show, as :func:`review.unjudged_after`): a source stopped delivering."""
    from pipelines.flag import current_from

    if run_period is None:
        return {}
    current = current_from(run_period)
    return {k: end for k, end in last.items() if k in current and end < current[k]}


def with_source(counts: pd.DataFrame | None, catalogue: pd.DataFrame | None) -> pd.DataFrame | None:
    """``counts`` with each signal's ``source`` (of the ``catalogue`` where the counts do not hold it); None
    without either."""
    if counts is None or "source" in counts:
        return counts
    if catalogue is None or "source" not in catalogue:
        return None
    return counts.merge(catalogue[["signal", "source"]], on="signal", how="inner")


def source_history(counts: pd.DataFrame | None) -> dict[str, dict[str, tuple[pd.Timestamp, pd.Timestamp]]]:
    """Per period type of the warehouse's ``counts`` (with ``source``: :func:`with_source`) each source's first
    period and the first period a series of it can be judged (``export.judged_from``: a series is scored from its
    ``OWN_PERIODS``-th)."""
    from pipelines.export import judged_from

    if counts is None or counts.empty or "source" not in counts:
        return {}
    counts = counts[counts["period"].isin(["week", "month"])]             # the period types a run scores
    began = pd.to_datetime(counts["period_start"]).groupby([counts["period"], counts["source"]]).min()
    return {str(kind): {str(source): (a, judged_from(a, kind)) for (k, source), a in began.items() if k == kind}
            for kind in sorted(set(began.index.get_level_values(0)))}


def too_young(history: dict, first: dict[str, pd.Timestamp], judged_by: dict[str, pd.Timestamp]) -> dict:
    """:attr:`Scored.young` of the sources' ``history`` (:func:`source_history`) and the ``first`` period scored of
    each type: a type is young where its scores begin at the first period its earliest source can be judged (the
    run's window would cut them later), or where it has none and none can be judged by ``judged_by`` (the run's own
    period of the type). Its sources are those not judged before its first score."""
    out = {}
    for kind, sources in history.items():
        earliest = min(b for _, b in sources.values())
        if kind in first and first[kind] <= earliest:
            out[kind] = {s: y for s, y in sources.items() if y[1] >= first[kind]}
        elif kind not in first and (kind not in judged_by or earliest > judged_by[kind]):
            out[kind] = dict(sources)
    return out


def young_domains(history: dict, counts: pd.DataFrame | None, catalogue: pd.DataFrame | None,
                  judged_by: dict[str, pd.Timestamp]) -> dict[str, dict]:
    """:attr:`Scored.young_domains`: the domains none of whose counted sources can be judged by ``judged_by`` (the
    run's own period of each type; all of them without it), each domain's signals by ``catalogue``: police begun
    in August beside years of wijkteam months is a domain without expectations while its period type has them."""
    if not history or catalogue is None or catalogue.empty:
        return {}
    pairs = counts[["signal", "period", "source"]].drop_duplicates().merge(catalogue[["signal", "domain"]], on="signal")
    out: dict[str, dict] = {}
    for domain, part in pairs.groupby("domain"):
        held = sorted(set(zip(part["period"], part["source"])))
        if all(kind not in judged_by or history[kind][source][1] > judged_by[kind] for kind, source in held):
            out[str(domain)] = {kind: {s: history[kind][s] for k, s in held if k == kind} for kind, _ in held}
    return out


def scored(frames: list[pd.DataFrame], run_period: str | None = None, counts: pd.DataFrame | None = None,
           catalogue: pd.DataFrame | None = None) -> Scored:
    """:class:`Scored` of ``frames`` (the run's scores and evidence); with the run's label ``run_period`` where a
    period type's scores stopped before it, with ``counts`` (the warehouse's) where the history begins and where it
    is still too short to judge, and with the ``catalogue`` which domains cannot be judged yet at all."""
    first: dict[str, pd.Timestamp] = {}
    last: dict[str, pd.Timestamp] = {}
    years: set[int] | None = None
    for frame in frames:
        for kind, part in frame.groupby("period"):
            starts = pd.to_datetime(part["period_start"])
            first[kind] = max(starts.min(), first.get(kind, starts.min()))
            last[kind] = min(starts.max(), last.get(kind, starts.max()))
        got = set(period_year(pd.to_datetime(frame["period_start"]), frame["period"]).tolist()) if len(frame) else set()
        years = got if years is None else years & got
    began = ({} if counts is None or counts.empty else
             pd.to_datetime(counts["period_start"]).groupby(counts["period"]).min().to_dict())
    counts = with_source(counts, catalogue)
    history = source_history(counts)
    judged_by = current_from(run_period) if run_period else last     # without the run: its last period scored
    return Scored(first, last, years or set(), stopped_before(last, run_period), began,
                  too_young(history, first, judged_by), young_domains(history, counts, catalogue, judged_by))


def _coverage(covered: Scored | None, year: int) -> tuple[str, bool]:
    """A Dutch sentence on the part of ``year`` the run's scores cover ('' when all of it or up to the run), and
    whether they cover none of it (scores that end before the year begins, or none in it); where a period type's
    scores stop in ``year`` before the run's period (a source stopped delivering), a sentence on that too."""
    if covered is None:
        return "", False
    text, unscored = _covered_part(covered, year)
    stops = [f"de {'weeksignalen' if kind == 'week' else 'maandsignalen'} na {period_text(end, kind)}"
             for kind, end in sorted(covered.stopped.items(), reverse=True)
             if year_bounds(year, kind)[0] <= end <= year_bounds(year, kind)[1]]
    if stops and not unscored:
        text = " ".join(filter(None, [text, (
            f"Let op: de laatste run heeft {' en '.join(stops)} niet meer gescoord: daarna zijn geen cijfers "
            "geleverd. Verwacht, verhouding, de grafieken en de signaleringen lopen daarom tot daar; een signalering "
            "die toen nog op de lijst stond is niet meer beoordeeld.")]))
    return text, unscored


def _whole_year(covered: Scored, year: int) -> str:
    """'de kolom Waargenomen telt het hele jaar', or where the counts begin in ``year`` (``covered.counts_from``:
    the warehouse's first delivered period of each type) from when it counts."""
    late = {kind: start for kind, start in covered.counts_from.items() if start > year_bounds(year, kind)[0]
            and start <= year_bounds(year, kind)[1]}
    if not late:
        return "de kolom Waargenomen telt het hele jaar"
    return ("de kolom Waargenomen telt het jaar vanaf het begin van de geleverde cijfers ("
            + " en ".join(f"{'weken' if kind == 'week' else 'maanden'} vanaf {period_text(start, kind)}"
                          for kind, start in sorted(late.items(), reverse=True)) + ")")


def _covered_part(covered: Scored, year: int) -> tuple[str, bool]:
    """:func:`_coverage` without the stopped scores."""
    first, last, years = covered.first, covered.last, covered.years
    ended = {kind: end for kind, end in last.items() if end < year_bounds(year, kind)[0]}
    if first and set(ended) >= set(first):
        return (f"Let op: de scores van de laatste run lopen tot en met "
                f"{' en '.join(period_text(end, kind) for kind, end in sorted(ended.items(), reverse=True))}. "
                f"Voor {year} zijn er daarom geen verwachtingen en signaleringen; {_whole_year(covered, year)}."), True
    late = {kind: start for kind, start in first.items() if start > year_bounds(year, kind)[0]}
    # a type without any score whose history is still too short, with counts by the year's end: judged from when
    waiting = {kind: min(b for _, b in young.values()) for kind, young in covered.young.items()
               if kind not in first and min(a for a, _ in young.values()) <= year_bounds(year, kind)[1]}
    parts, young_parts = [], []
    for kind, start in sorted(late.items(), reverse=True):            # weeks first
        noun = "weeksignalen" if kind == "week" else "maandsignalen"
        (young_parts if kind in covered.young else parts).append(
            f"de {noun} niet (ze beginnen bij {period_text(start, kind)})"
            if start > year_bounds(year, kind)[1] else f"de {noun} pas vanaf {period_text(start, kind)}")
    for kind, since in sorted(waiting.items(), reverse=True):
        young_parts.append(f"de {'weeksignalen' if kind == 'week' else 'maandsignalen'} nog niet (pas vanaf "
                           f"{period_text(since, kind)})")
    if not parts and not young_parts and first and year not in years:
        return (f"Let op: de run heeft geen enkele periode van {year} gescoord: van dat jaar zijn geen cijfers "
                f"geleverd. Voor {year} zijn er daarom geen verwachtingen en signaleringen; "
                f"{_whole_year(covered, year)}."), True
    if not parts and not young_parts:
        return "", False
    if young_parts:
        kinds = {*waiting, *(kind for kind in late if kind in covered.young)}
        intro = f"Let op: van {year} dekken de scores van de laatste run {_young_reason(covered, kinds, parts, young_parts)}"
    else:
        intro = (f"Let op: van {year} dekken de scores van de laatste run (die alleen de laatste weken en maanden "
                 f"berekent) {' en '.join(parts)}.")
    if all(start > year_bounds(year, kind)[1] for kind, start in first.items()):
        # unscored where the window left the year out; a history too short to judge any of it has no flags at all
        return (f"{intro} Voor {year} zijn er daarom geen verwachtingen en signaleringen; "
                f"{_whole_year(covered, year)}."), bool(parts)
    return (f"{intro} Verwacht, verhouding, de grafieken en de signaleringen gaan daarom alleen over dat deel van "
            f"{year}; {_whole_year(covered, year)}."), False


def _young_reason(covered: Scored, kinds: set[str], parts: list[str], young_parts: list[str]) -> str:
    """What the scores cover of a year where the period types ``kinds`` begin late for too short a history
    (``young_parts``; ``parts``: those the run's window cut), and why, as the lists say it (``wording.began_text``)."""
    from pipelines.export import OWN_PERIODS

    window = f"{' en '.join(parts)} (de run berekent alleen de laatste weken en maanden)" if parts else ""
    said = " en ".join(filter(None, [window, *young_parts]))
    young = {kind: covered.young[kind] for kind in sorted(kinds, reverse=True)}     # weeks first
    began = " en ".join(began_text(sources, kind) for kind, sources in young.items())
    units = " of ".join(unit_word(kind) for kind in young)
    return (f"{said}. De geschiedenis is daarvoor nog te kort: {began}, en een buurt wordt beoordeeld vanaf de "
            f"{OWN_PERIODS}e {units} met cijfers.")


def monthly_development(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, team: str,
                        year: int) -> pd.DataFrame:
    """The team's buurten together, per domain and month of ``year``: observed and expected, and ``provisional``
    where a count of the month is a provisional figure of its source (the police's latest months)."""
    own = team_buurten(areas, team)
    s = scores[scores["area_code"].isin(own["area_code"]) & scores["expected"].notna()]
    s = s.assign(period_start=pd.to_datetime(s["period_start"]))
    s = s[period_year(s["period_start"], s["period"]).to_numpy() == year].merge(catalogue[["signal", "domain"]],
                                                                               on="signal")
    # a week in the month of its Thursday, as it counts in the year of its Thursday (ISO)
    s["month"] = (s["period_start"] + pd.to_timedelta((s["period"] == "week") * 3, unit="D")).dt.month
    s = s.assign(provisional=s["provisional"].fillna(False).astype(bool) if "provisional" in s else False)
    return s.groupby(["domain", "month"], as_index=False).agg(observed=("count", "sum"), expected=("expected", "sum"),
                                                              provisional=("provisional", "any"))


def year_flags(evidence: pd.DataFrame, areas: pd.DataFrame, feedback: pd.DataFrame, team: str, year: int,
               sent: pd.DataFrame | None = None, revised: pd.DataFrame | None = None,
               catalogue: pd.DataFrame | None = None, run_period: str | None = None,
               listed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The team's episodes active in ``year`` with the team's answer on the episode's latest answered flag (empty
    when none), and whether it ``runs_on`` from an earlier year.

    An episode is a flag of the year it began in (a week's ISO year, a month's calendar year): one still active
    after New Year is shown in the next year's plan too, as running on (``runs_on`` with ``from_year``), but
    :func:`jaarplan_page` counts it, and its answer, only in the year it began, so that year plans add up
    (red team 12a F3: an episode of 22-12-2025 and its answer counted in both 2025 and 2026).

    The team's episodes are those its lists held (``sent``, see :func:`review.episodes`), so a buurt moved to
    another team keeps its flags and answers in the plan of the team that had it, as they stood on its lists and
    never as still open there (:func:`handed_over`); without ``sent`` (or for
    weeks before the first run) the team's buurten of today. ``feedback``: the answers that count, one per flag
    (``reports.data.read_feedback``); which of two lists' answers to one flag counts is decided there, not here.

    A flag the team was sent whose month a later list closed as ``herzien`` (``revised``: ``ReportData.revised``,
    the police revised a provisional month) is a flag of its year too: the team was asked to look at it and may
    have acted and answered; its ``state`` is ``herzien`` and ``revised_by`` names who revised the counts (the
    sources of the signals it was sent for, by ``catalogue``), so that the page says so (red team 12a F2).

    Columns: ``area_code, name, domain, period, since, last_listed, resolved, level, weeks_to_resolved, revised,
    revised_signals, revised_by, unjudged_after, feedback, state, from_year, runs_on`` (``state``: ``opgelost``,
    ``open``, ``herzien``, ``overgedragen`` (its buurt moved to another team while it ran: :func:`handed_over`) or
    ``niet beoordeeld``: still listed when its source stopped delivering before the run's
    period ``run_period``, :func:`review.unjudged_after`; ``from_year``: the year the episode began; ``runs_on``: it began before ``year``). The episodes of
    the year come first, those running on after.
    """
    ep = episodes(evidence, areas, sent, revised, run_period, listed)
    ep = handed_over(ep[ep["wijkteam"] == team], areas, team, sent, listed)
    # a week in its ISO year, as every report counts it (29-12-2025 begins 2026-W01), a month in its calendar year
    bounds = ep["period"].map(lambda kind: year_bounds(year, kind))
    start, end = bounds.str[0], bounds.str[1]
    # an open episode counts in a year its lists held it: a week up to its last listed week, a month while it was
    # among the recent months a weekly list shows (flag.RECENT_MONTHS); an episode open only because no later
    # period was scored (a history that stops in 2026) is no flag of 2027
    shown_until = ep["last_listed"].where(ep["period"] != "month",
                                          ep["last_listed"] + pd.DateOffset(months=RECENT_MONTHS)
                                          + pd.offsets.MonthEnd(0) - pd.Timedelta(days=1))
    # resolved on the year's first day (the first quiet week is 2026-W01): its activity was all in the year before
    ep = ep[(ep["since"] <= end) & ((ep["resolved"] > start) | (ep["resolved"].isna() & (shown_until >= start)))]
    ep = ep.copy()
    ep["feedback"] = ""
    if not feedback.empty and len(ep):
        fb = feedback[feedback["area_code"].isin(ep["area_code"]) & feedback["feedback"].notna()]
        if "wijkteam" in fb:            # the team's own answers, not those of the team that had the buurt before
            fb = fb[fb["wijkteam"].isna() | (fb["wijkteam"] == team)]
        fb = judgements(fb)             # one answer per episode as the lists showed it, as `wijkradar feedback` counts
        # an episode still open when the next one of its buurt and domain began ends there: an answer is of one
        # episode, not of every open one before it
        nxt = ep.sort_values("since").groupby(["area_code", "domain", "period"])["since"].shift(-1)
        for i, e in ep.iterrows():
            mine = fb[(fb["area_code"] == e["area_code"]) & (fb["domain"] == e["domain"])]
            dated = mine["period_start"]
            within = (dated >= e["since"]) & ((dated <= e["resolved"]) if pd.notna(e["resolved"]) else
                                              (dated < nxt[i]) if pd.notna(nxt[i]) else True)
            mine = mine[dated.isna() | within]
            if len(mine):
                ep.at[i, "feedback"] = str(mine.sort_values("period_start", kind="stable").iloc[-1]["feedback"])
    ep["state"] = (ep["resolved"].notna().map({True: "opgelost", False: "open"}).where(ep["revised"].isna(), "herzien")
                   .where(ep["unjudged_after"].isna(), UNJUDGED).where(ep["rejudged"].isna(), REJUDGED)
                   .where(~ep["handed_over"], HANDED_OVER))
    ep["revised_by"] = ep["revised_signals"].map(lambda signals: _sources_of(signals, catalogue))
    ep["from_year"] = period_year(ep["since"], ep["period"]).to_numpy() if len(ep) else pd.Series(dtype="int64")
    ep["runs_on"] = ep["from_year"] < year
    return (ep.drop(columns=["wijkteam", "kind", "peak", "handed_over"]).sort_values("runs_on", kind="stable")
            .reset_index(drop=True))


def handed_over(ep: pd.DataFrame, areas: pd.DataFrame, team: str, sent: pd.DataFrame | None,
                listed: pd.DataFrame | None) -> pd.DataFrame:
    """``ep`` (the episodes of ``team``'s lists, :func:`review.episodes`) with ``handed_over`` True for an episode of
    a buurt that is another team's today which had not ended on ``team``'s lists: it stays in the plan as the team's
    record of what it was sent and answered, but as it stood on its own lists (the level it was sent, its last
    period there; no resolution or level of the weeks after, which another team's lists showed) and never as a
    point still open for it. Its buurt's team today has it on its own list and in its own plan (red team round 39:
    de-weide's plan listed Kinholt under 'Wat staat nog open' after Kinholt moved to zuid-oost, beside zuid-oost's).
    A flag closed as herzien or herberekend stays as it was sent."""
    ep = ep.assign(handed_over=False)
    if ep.empty:
        return ep
    today = buurt_table(areas).drop_duplicates("area_code").set_index("area_code")["wijkteam"]
    away = ep["area_code"].map(today).ne(team) & ep["revised"].isna() & ep["rejudged"].isna()
    if not away.any():
        return ep
    own_sent = (sent[sent["wijkteam"] == team].assign(period_start=lambda f: pd.to_datetime(f["period_start"]))
                if sent is not None and len(sent) else None)
    own_listed = (listed[listed["wijkteam"] == team].assign(period_start=lambda f: pd.to_datetime(f["period_start"]))
                  if listed is not None and len(listed) else None)
    ep = ep.copy()
    for i in ep.index[away]:
        e = ep.loc[i]
        end = e["resolved"] if pd.notna(e["resolved"]) else e["last_listed"]

        def within(frame):
            return frame[(frame["area_code"] == e["area_code"]) & (frame["domain"] == e["domain"])
                         & (frame["period"] == e["period"]) & (frame["period_start"] >= e["since"])
                         & (frame["period_start"] <= end)]
        held = within(own_sent) if own_sent is not None else ep.loc[[i], ["last_listed"]].rename(
            columns={"last_listed": "period_start"})
        until = held["period_start"].max() if len(held) else e["last_listed"]
        if pd.notna(e["resolved"]) and e["resolved"] <= until:
            continue                                  # it ended while the team's lists held it
        shown = within(own_listed) if own_listed is not None else None
        ep.loc[i, ["handed_over", "resolved", "weeks_to_resolved"]] = [True, pd.NaT, float("nan")]
        ep.loc[i, "last_listed"] = min(until, e["last_listed"])
        if shown is not None and len(shown):
            ep.loc[i, "level"] = "alarm" if (shown["level"] == "alarm").any() else "aandacht"
    return ep


def _sources_of(signals: str, catalogue: pd.DataFrame | None) -> str:
    """The sources of ``signals`` (comma-separated codes) by the catalogue, comma-separated; '' when none is known."""
    if not signals or catalogue is None or "source" not in catalogue:
        return ""
    source = dict(zip(catalogue["signal"], catalogue["source"]))
    return ", ".join(dict.fromkeys(str(source[s]) for s in str(signals).split(", ") if s in source))


def _state(flag) -> str:
    """The Stand of a flag: ``open``, ``opgelost (date)``, for a flag closed as ``herzien`` which month's counts
    who revised ("herzien: cijfers van oktober 2026 door de politie bijgesteld"), for one whose scores stopped
    after it was listed since when ("niet meer beoordeeld: geen cijfers na 2026-W22")."""
    if flag.state == "opgelost":
        return f"opgelost ({_date(flag.resolved)})"
    if flag.state == UNJUDGED:
        return f"niet meer beoordeeld: geen cijfers na {period_text(flag.unjudged_after, flag.period)}"
    if flag.state == HANDED_OVER:
        return "overgedragen: de buurt hoort nu bij een ander wijkteam"
    if flag.state == REJUDGED:
        return (f"herberekend: de scores van nu tonen in {period_text(flag.rejudged, flag.period)} geen verhoging "
                "meer (cijfers gecorrigeerd of opnieuw berekend)")
    if flag.state == "herzien":
        from pipelines.explain import SOURCE_WHO

        who = ", ".join(SOURCE_WHO["nl"].get(s, s) for s in str(getattr(flag, "revised_by", "") or "").split(", ") if s)
        return (f"herzien: cijfers van {period_text(flag.revised, flag.period)} "
                f"{'door ' + who + ' ' if who else ''}bijgesteld")
    return str(flag.state)


#: Under a table where a count is a lower bound (marked with the sign)
PARTIAL_NOTE = ("&ge;: minstens zoveel. Een deel van dit aantal is niet bekend (de leverancier heeft een klein aantal, "
                "minder dan 5, afgeschermd, of een rij staat in quarantaine); geteld zijn de bekende delen.")


def _at_least(v) -> str:
    """A table cell of a count that is a lower bound (:data:`PARTIAL_NOTE` explains the sign)."""
    return f'<td class="num" title="minstens {int(v)}">&ge; {int(v)}</td>'


#: Under the table of the year when a count holds a month the police may still correct
PROVISIONAL_TABLE_NOTE = ("(voorlopig): het jaar telt een voorlopig cijfer van de politie (de laatste maanden); dat "
                          "kan nog veranderen.")


def _count_cell(v, low: bool, unsure: bool) -> str:
    """A table cell of a year's count: ``&ge;`` when a lower bound, `` (voorlopig)`` when it holds a provisional
    police month (:data:`PROVISIONAL_TABLE_NOTE` explains it)."""
    cell = _at_least(v) if low else f'<td class="num">{int(v)}</td>'
    return cell.replace("</td>", " (voorlopig)</td>") if unsure else cell


#: The Verwacht cell of a domain that cannot be judged yet (:func:`young_domain_note` says why)
NOT_YET = "nog niet"


def young_domain_note(waiting: dict[str, dict]) -> str:
    """The note under the table of the year on the domains of ``waiting`` (:attr:`Scored.young_domains`) whose
    rows have no expectation yet: their history is too short, from when they are judged, in the lists' words."""
    from pipelines.export import OWN_PERIODS

    said = []
    for domain, kinds in sorted(waiting.items(), key=lambda item: list(DOMAIN_NL).index(item[0])
                                if item[0] in DOMAIN_NL else len(DOMAIN_NL)):
        kind, since = min(((k, min(b for _, b in sources.values())) for k, sources in kinds.items()),
                          key=lambda ks: ks[1])
        began = " en ".join(began_text(sources, k) for k, sources in kinds.items())
        said.append(f"{DOMAIN_NL.get(domain, domain)} wordt beoordeeld vanaf {period_text(since, kind)} ({began})")
    return (f"{NOT_YET}: nog geen verwachting en verhouding, want de geschiedenis is nog te kort: "
            f"{'; '.join(said)}. Een buurt wordt beoordeeld vanaf de {OWN_PERIODS}e "
            f"{' of '.join(sorted({unit_word(k) for kinds in waiting.values() for k in kinds}, reverse=True))} "
            "met cijfers.")


def _date(v) -> str:
    return "" if pd.isna(v) else pd.Timestamp(v).strftime("%d-%m-%Y")


def _num(v) -> str:
    return "-" if pd.isna(v) else f"{v:.0f}"


def _runs_on(flag, year: int) -> str:
    """', loopt door uit 2025' after the date of an episode that began before ``year`` (counted in that year)."""
    return f", loopt door uit {int(flag.from_year)}" if bool(getattr(flag, "runs_on", False)) else ""


def _ratio_cell(r) -> str:
    if pd.isna(r):
        return '<td class="num">-</td>'
    cls = "hoger" if r > 1.2 else "lager" if r < 0.8 else ""
    return f'<td class="num {cls}">{r:.2f}'.replace(".", ",") + "</td>"


def jaarplan_page(team: str, team_name: str, year: int, dev: pd.DataFrame, monthly: pd.DataFrame,
                  flags_year: pd.DataFrame, explanations: dict[tuple[str, str], str], has_feedback: bool,
                  made: str, covered: Scored | None = None, notes: str = "") -> str:
    """The year-plan page (Dutch) of one team. ``covered``: :func:`scored`, so that a year the run's scores cover in
    part says so, and one they do not cover says that instead of 'no flags'; ``notes``: the sentences under the table
    of the year on domains not (all) delivered yet (:func:`absent_domains`, :func:`delivered_until`)."""
    coverage, unscored = _coverage(covered, year)
    runs_on = (flags_year["runs_on"] if "runs_on" in flags_year else
               pd.Series(False, index=flags_year.index)).astype(bool)
    # an episode counts, with its answer, in the year it began only: added up, the year plans count it once
    own, earlier = flags_year[~runs_on], flags_year[runs_on]
    n_open = int((own["state"] == "open").sum())
    # a flag closed as herzien was sent and counts as a flag of its year, neither resolved nor open; so does one
    # still listed when its source stopped delivering (not known whether it ended)
    n_revised = int((own["state"] == "herzien").sum())
    n_unjudged = int((own["state"] == UNJUDGED).sum())
    n_rejudged = int((own["state"] == REJUDGED).sum())
    n_handed = int((own["state"] == HANDED_OVER).sum())
    revised = (f", {n_revised} herzien (cijfers later door de bron bijgesteld)" if n_revised else "") + (
        f", {n_unjudged} niet meer beoordeeld (daarna geen cijfers geleverd)" if n_unjudged else "") + (
        f", {n_rejudged} herberekend (de scores van nu tonen geen verhoging meer)" if n_rejudged else "") + (
        f", {n_handed} overgedragen aan een ander wijkteam (de buurt hoort daar nu bij)" if n_handed else "")
    n_fb = int((own["feedback"] != "").sum())
    recognised = int(own["feedback"].isin(RECOGNISED).sum())
    # per signalering its latest answer: the unit of `wijkradar feedback` and the Toelichting (feedback.judgements),
    # whose "terecht" is the answers less 'geen probleem' and 'meer info nodig'
    n_false = int((own["feedback"] == FALSE_ALARM).sum())
    from_years = sorted({int(y) for y in earlier["from_year"]}) if len(earlier) else []
    running_on = (f" Daarnaast {'loopt' if len(earlier) == 1 else 'lopen'} "
                  f"{counted(len(earlier), 'signalering', 'signaleringen')} door uit "
                  f"{' en '.join(map(str, from_years))}; die {'telt' if len(earlier) == 1 else 'tellen'} mee in het "
                  f"jaarplan van {' en '.join(map(str, from_years))}, niet hier." if len(earlier) else "")
    summary = ((f"<p>De signaleringen van {year} zijn niet bekend: de run heeft dat jaar niet gescoord." if unscored and
                own.empty else
                f"<p>{counted(len(own), 'signalering', 'signaleringen')} in {year}: "
                f"{len(own) - n_open - n_revised - n_unjudged - n_rejudged - n_handed} opgelost, {n_open} nog open"
                f"{revised}.")
               + (f" Terugkoppeling gegeven op {n_fb}; daarvan {recognised} herkend en {n_false} 'geen probleem'."
                  if has_feedback else
                  " Er is nog geen terugkoppeling vastgelegd (kolom Terugkoppeling in de lijsten).") + running_on + "</p>"
               + (f"<p><b>{esc(coverage)}</b></p>" if coverage else ""))
    charts, figures = [], []
    for domain, label in DOMAIN_NL.items():
        m = monthly[monthly["domain"] == domain].set_index("month").reindex(range(1, 13))
        if m["observed"].notna().any():
            open_dots = tuple(m["provisional"].eq(True)) if "provisional" in m else ()
            lines = [Line("waargenomen", [None if pd.isna(v) else float(v) for v in m["observed"]],
                          provisional=open_dots),
                     Line("verwacht", [None if pd.isna(v) else float(v) for v in m["expected"]], "#7f8c8d", dashed=True)]
            title = f"{label}: alle buurten van het team, {year}"
            charts.append(line_chart(MONTHS, lines, title, "aantal", width=360, described_by=f"cijfers-{domain}"))
            figures.append(figures_table(MONTHS, lines, title, f"cijfers-{domain}", "Maand"))
    # the whole year's count; where the scores cover part of it, the scored part beside it (the ratio's own)
    whole = dev["observed_year"] if "observed_year" in dev else dev["observed"]
    partial = dev["partial_year"] if "partial_year" in dev else pd.Series(False, index=dev.index)
    unsure = dev.get("provisional_year", dev.get("provisional", pd.Series(False, index=dev.index))).eq(True)
    split = bool((whole != dev["observed"].fillna(-1)).any())
    # a domain none of whose sources can be judged yet: its rows say so, and the note under the table why
    waiting = {} if covered is None else {d: y for d, y in covered.young_domains.items()
                                          if (dev["expected"].isna() & (dev["domain"] == d)).any()}
    rows = "".join(
        f"<tr><td>{esc(r.name)}</td><td>{esc(DOMAIN_NL.get(r.domain, r.domain))}</td>{_count_cell(w, low, u)}"
        + ((_at_least(r.observed) if bool(getattr(r, "partial", False)) else f'<td class="num">{_num(r.observed)}</td>')
           if split else "")
        + (f'<td class="num">{NOT_YET}</td>' if pd.isna(r.expected) and r.domain in waiting else
           f'<td class="num">{_num(r.expected)}</td>') + f"{_ratio_cell(r.ratio)}</tr>"
        for r, w, low, u in zip(dev.itertuples(index=False), whole, partial, unsure))
    dev_table = (data_table(["Buurt", "Domein", "Waargenomen"] + (["waarvan gescoord"] if split else [])
                            + ["Verwacht", "Verhouding"], [rows], f"Waargenomen tegen verwacht per buurt en domein, {year}")
                 if rows else f"<p>Nog geen scores voor {year}.</p>")
    if rows and (partial.any() or ("partial" in dev and dev["partial"].any())):
        dev_table += (f"<p class='small'>{PARTIAL_NOTE}</p>")
    if rows and unsure.any():
        dev_table += f"<p class='small'>{PROVISIONAL_TABLE_NOTE}</p>"
    if rows and waiting:
        dev_table += f"<p class='small'>{esc(young_domain_note(waiting))}</p>"
    if notes:
        dev_table += f"<p class='small'>{esc(notes)}</p>"
    fl_rows = "".join(
        f"<tr><td>{esc(f.name)}</td><td>{esc(DOMAIN_NL.get(f.domain, f.domain))}</td><td>{esc(f.level)}</td>"
        f"<td>{_date(f.since)}{_runs_on(f, year)}</td>"
        f"<td>{esc(_state(f))}</td><td>{esc(f.feedback or '-')}</td></tr>" for f in flags_year.itertuples(index=False))
    fl_table = (data_table(["Buurt", "Domein", "Niveau", "Sinds", "Stand", "Terugkoppeling"], [fl_rows],
                           f"Signaleringen van {year}") if fl_rows else
                f"<p>Geen signaleringen in {year}{' (niet bekend: de run heeft dat jaar niet gescoord)' if unscored else ''}.</p>")
    # a flag whose scores stopped is open to the team all the same: nothing says it ended, and it was not answered
    still = flags_year[flags_year["state"].isin(["open", UNJUDGED])]
    open_items = "".join(
        f"<li><b>{esc(f.name)}, {esc(DOMAIN_NL.get(f.domain, f.domain))}</b> (sinds {_date(f.since)}{_runs_on(f, year)}"
        f"{', terugkoppeling: ' + esc(f.feedback) if f.feedback else ', nog geen terugkoppeling'}"
        f"{'; ' + esc(_state(f)) if f.state == UNJUDGED else ''})"
        + (f"<br><span class='small'>{esc(explanations[(f.area_code, f.domain)])}</span>"
           if (f.area_code, f.domain) in explanations else "") + "</li>"
        for f in still.itertuples(index=False))
    body = (
        f"<h2>Samenvatting</h2>{summary}"
        "<h2>Ontwikkeling per buurt en domein</h2><p>Waargenomen aantallen van het jaar tegen wat op grond van de eigen "
        "geschiedenis van elke buurt te verwachten was (seizoen en trend meegenomen). Verhouding boven 1,2 is rood, "
        f"onder 0,8 blauw.</p><div class='grafieken'>{''.join(charts)}</div>{''.join(figures)}{dev_table}"
        f"<h2>Signaleringen van {year} en wat ermee gedaan is</h2>{fl_table}"
        "<h2>Wat staat nog open: input voor het jaarplan</h2>"
        + (f"<ul>{open_items}</ul>" if open_items else "<p>Niets staat meer open.</p>")
        + f'<p class="small">Alleen de buurten van {esc(team_name)}. Gemaakt door wijkradar op {esc(made)}.</p>')
    return page(f"Jaarplan {year}: {team_name}", body, f"Wijkteam {team}: ontwikkeling, signaleringen en open punten")
