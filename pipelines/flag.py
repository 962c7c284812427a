"""Flag: from series scores to the flagged-area list of a run, per area and domain.

Area evidence, false-discovery control and the lifecycle come from ``models.evidence``; this
module picks the run's period, joins the wijkteams and writes the explanations. The run's period
is the latest ISO week delivered (with counts, or covered by a delivery without reports: ``runs.delivered_ranges``)
that has ended (``runs.complete_periods``); a list holds that week's flags
only, and of the monthly signals the latest month complete by the week's end, if it is recent
(:data:`RECENT_MONTHS`). A run's week (or month) that was not scored is not judged: its list holds no older
week's flags and says so (:func:`unjudged`). A team's answer on an
earlier list (``pipelines.feedback``) turns ``nieuw`` / ``aanhoudend`` into ``in behandeling``, ``in jaarplan``
or ``bekend`` for ``feedback_quiet_weeks``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.calendar import parse_period_label, period_label
from pipelines.explain import explanations, runs_of
from pipelines.feedback import apply_feedback

STATUS_ORDER = {"nieuw": 0, "verergerend": 1, "aanhoudend": 2, "in behandeling": 3, "bekend": 4, "in jaarplan": 5,
                "opgelost": 6, "herzien": 7}
LEVEL_ORDER = {"alarm": 0, "aandacht": 1, "": 2}
FLAG_COLUMNS = ["run_period", "wijkteam", "area_code", "domain", "period", "period_start", "level", "status", "score",
                "q", "since", "last_seen", "peak", "signals", "explanation", "explanation_en"]


def run_period(scores: pd.DataFrame) -> tuple[str, pd.Timestamp]:
    weekly = scores[scores["period"] == "week"]
    base = weekly if not weekly.empty else scores
    start = pd.Timestamp(base["period_start"].max())
    period = "week" if not weekly.empty else "month"
    return period_label(pd.Series([start]), period).iloc[0], start


def run_period_of(grid: dict[tuple[str, str], tuple[int, int]]) -> tuple[str, pd.Timestamp]:
    """The run's period from the warehouse's period ranges (``score.grids``): as :func:`run_period` of the scores."""
    from models.calendar import index_to_start

    weekly = [hi for (period, _), (_, hi) in grid.items() if period == "week"]
    period = "week" if weekly else "month"
    last = max(weekly) if weekly else max(hi for (_, hi) in grid.values())
    start = pd.Timestamp(index_to_start(pd.Series([last]), period).iloc[0])
    return period_label(pd.Series([start]), period).iloc[0], start


#: A weekly list shows the monthly flags of the latest month complete by the week's end when that month is one of
#: the ``RECENT_MONTHS`` latest months complete by then (a month's counts come in during the month after it); an
#: older month (a monthly source that stopped, a history that jumps years) is not the run's and is left off.
RECENT_MONTHS = 2


def period_end(start: pd.Timestamp, period: str) -> pd.Timestamp:
    """The last day of the period starting at ``start``: the Sunday of a week, the last day of a month."""
    return pd.Timestamp(start) + (pd.Timedelta(days=6) if period == "week" else pd.offsets.MonthEnd(0))


def no_run_sentence(period: str, periods: list[str]) -> str:
    """One sentence for a period without a run (``flags``, ``explain``, ``report``): the periods that have one, and the
    command that makes the period's own run: ``wijkradar run --today`` the day after it ends (run 2026-W40: 2026-10-05;
    a plain ``wijkradar run`` makes the current week's)."""
    kind, start = parse_period_label(period)
    make = (f"make the run of {period} with `wijkradar run --today "
            f"{(period_end(start, kind) + pd.Timedelta(days=1)).date().isoformat()}`")
    if not periods:
        return f"no run yet (so none for period {period}); {make}"
    return (f"no run for period {period}; runs exist for {', '.join(periods[:8])}"
            + (" and earlier" if len(periods) > 8 else "") + f" (give one of these with --period), or {make}")


def recent_months(run_start: pd.Timestamp, period: str = "week") -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month start a list of the run's period may show monthly flags of (:data:`RECENT_MONTHS`):
    a run of a month shows that month only; a run of a week the ``RECENT_MONTHS`` latest months complete by the
    week's end (run 2026-W49, ending 6 December: November and October 2026)."""
    if period == "month":
        return pd.Timestamp(run_start), pd.Timestamp(run_start)
    after = period_end(run_start, period) + pd.Timedelta(days=1)
    latest = pd.Timestamp(after.year, after.month, 1) - pd.DateOffset(months=1)
    return latest - pd.DateOffset(months=RECENT_MONTHS - 1), latest


def current_from(run_period: str) -> dict[str, pd.Timestamp]:
    """Per period type the first period start that is one of the run's own (``run_period``, its label), as
    :func:`current_cells` picks them: the run's week (a monthly run: any week ending in its month) and the earliest
    month of :func:`recent_months`. A period starting before it is history to that run."""
    from models.calendar import parse_period_label

    kind, run_start = parse_period_label(run_period)
    run_start = pd.Timestamp(run_start)
    return {"week": run_start - pd.Timedelta(days=6) if kind == "month" else run_start,
            "month": recent_months(run_start, kind)[0]}


def current_cells(frame: pd.DataFrame, run_start: pd.Timestamp, period: str = "week",
                  listed_before: pd.DataFrame | None = None) -> pd.DataFrame:
    """The run's period of every period type: its week, and the latest month complete by the week's end
    if it is recent (:func:`recent_months`); ``period``: the run's own type (a run of monthly counts only is
    the month starting at ``run_start``, without weeks). A period the frame does not hold (not scored) gives no
    rows: an earlier week's cells are never the run's (:func:`unjudged` says what was not judged). With a ``domain``
    column each domain has its own latest month: the police a month behind the wijkteams (September beside October)
    are the run's September, not left off the lists because another domain's October is in
    (:func:`unjudged_domains` says which domain has no recent month).

    A monthly flag stays on the weekly lists until the next month is in; once a list has held it, it reads
    ``aanhoudend`` instead of ``nieuw`` (the team has seen it already). ``listed_before``: the monthly flags
    (``area_code``, ``domain``, ``period_start``) of earlier runs' lists; without it (reports, explain) a month
    counts as seen when it ended a week or more before the run's end.
    """
    run_start = pd.Timestamp(run_start)
    run_end = period_end(run_start, period)
    first, last = recent_months(run_start, period)
    parts = []
    by = ["period", "domain"] if "domain" in frame else ["period"]
    for key, part in frame.groupby(by):
        kind = key[0]
        starts = pd.to_datetime(part["period_start"])
        if kind == "month":
            eligible = part[(starts >= first) & (starts <= last)]
        elif kind == "week":
            eligible = part[starts == run_start] if period == "week" else part.iloc[0:0]
        else:
            eligible = part[starts <= run_start]
        if len(eligible):
            now = eligible[eligible["period_start"] == eligible["period_start"].max()].copy()
            if kind == "month" and "status" in now:
                if listed_before is None:
                    shown_before = (pd.to_datetime(now["period_start"]) + pd.offsets.MonthEnd(0)
                                    <= run_end - pd.Timedelta(days=7))
                else:                           # only a list that held the flag has shown it to the team
                    keys = ["area_code", "domain", "period_start"]
                    seen = listed_before[keys].assign(period_start=lambda f: pd.to_datetime(f["period_start"]))
                    shown_before = pd.Series(pd.MultiIndex.from_frame(now[keys].assign(
                        period_start=pd.to_datetime(now["period_start"]))).isin(
                        pd.MultiIndex.from_frame(seen)), index=now.index)
                now.loc[shown_before & (now["status"] == "nieuw"), "status"] = "aanhoudend"
            parts.append(now)
    return pd.concat(parts) if parts else frame.iloc[0:0]


def unjudged(scored: pd.DataFrame, run_start: pd.Timestamp, period: str = "week") -> list[tuple[str, pd.Timestamp]]:
    """The run's own periods that were not judged: (kind, start) of the run's week (or month) when ``scored``
    (``period``, ``period_start`` of the scores or evidence) holds no cell of it, and for a weekly run the
    monthly part when the scores hold months but none of :func:`recent_months` (then the latest of those)."""
    kinds = dict(tuple(scored.groupby("period")["period_start"])) if len(scored) else {}
    run_start = pd.Timestamp(run_start)
    out = []
    own = pd.to_datetime(kinds.get(period, pd.Series(dtype="datetime64[ns]")))
    if not (own == run_start).any():
        out.append((period, run_start))
    if period == "week" and "month" in kinds:
        first, last = recent_months(run_start, period)
        months = pd.to_datetime(kinds["month"])
        if not ((months >= first) & (months <= last)).any():
            out.append(("month", last))
    return out


def unjudged_domains(scored: pd.DataFrame, run_start: pd.Timestamp, period: str = "week"
                     ) -> list[tuple[str, str, pd.Timestamp]]:
    """(domain, kind, latest) of every domain that holds no cell of the run's own periods of a kind (its week, a
    recent month: :func:`current_cells`) while another domain of that kind does (else :func:`unjudged` says it for
    the kind): a domain whose sources stopped or are late (the police up to June, the wijkteams up to October);
    ``latest`` its newest scored period of the kind up to the run's end. ``scored``: ``domain``, ``period``,
    ``period_start`` of the scores or evidence."""
    if scored.empty or "domain" not in scored:
        return []
    s = scored.assign(period_start=pd.to_datetime(scored["period_start"]))
    current = current_cells(s[["domain", "period", "period_start"]].drop_duplicates(), run_start, period)
    judged = set(zip(current["domain"], current["period"]))
    kinds = {kind for _, kind in judged}
    end = period_end(pd.Timestamp(run_start), period)
    out = []
    for (domain, kind), part in s.groupby(["domain", "period"]):
        if kind in kinds and (domain, kind) not in judged:
            held = part.loc[part["period_start"] <= end, "period_start"]
            if len(held):
                out.append((str(domain), str(kind), pd.Timestamp(held.max())))
    return out


def gaps_before(scored: pd.DataFrame, run_start: pd.Timestamp, period: str = "week",
                resolve_after: dict[str, int] | None = None) -> list[tuple[str, str, list[pd.Timestamp]]]:
    """(domain, kind, missing) of every domain judged in the run's own period of a kind (:func:`current_cells`)
    whose previous scored period lies more than twice ``resolve_after`` periods (per kind; default the lifecycle's
    3 weeks, 1 month) before it: an episode listed before such a gap ended there without being resolved
    (``models.evidence.lifecycle``: whether it did is not known), so the first list after it says why the team's
    flags are gone. ``missing``: the periods in between. ``scored``: ``domain``, ``period``, ``period_start``."""
    from models.evidence import Budget

    if scored.empty or "domain" not in scored:
        return []
    limit = {"week": Budget.resolve_after_weeks, "month": Budget.resolve_after_months, **(resolve_after or {})}
    s = scored[["domain", "period", "period_start"]].drop_duplicates()
    s = s.assign(period_start=pd.to_datetime(s["period_start"]))
    out = []
    for r in current_cells(s, run_start, period).drop_duplicates(["domain", "period"]).itertuples(index=False):
        earlier = s.loc[(s["domain"] == r.domain) & (s["period"] == r.period) & (s["period_start"] < r.period_start),
                        "period_start"]
        if earlier.empty or r.period not in limit:
            continue
        freq = "7D" if r.period == "week" else "MS"
        missing = list(pd.date_range(earlier.max(), r.period_start, freq=freq))[1:-1]
        if len(missing) + 1 > 2 * int(limit[r.period]):
            out.append((str(r.domain), str(r.period), missing))
    return out


def gap_periods(delivered, run_start: pd.Timestamp, kind: str = "week") -> list[pd.Timestamp]:
    """The weeks (months) up to the run's own (itself included when it was not delivered) that a source never
    delivered (``delivered``: the period starts it holds counts of), back to the last one it did: why the run's period
    was not scored; empty when it delivered the run's period and the one before, or nothing before it (not known)."""
    run_start = pd.Timestamp(run_start)
    held = pd.to_datetime(pd.Series(list(delivered), dtype=object))
    before = held[held < run_start]
    if before.empty:
        return []
    step = pd.Timedelta(days=7) if kind == "week" else pd.DateOffset(months=1)
    last = run_start if not (held == run_start).any() else run_start - step
    return list(pd.date_range(before.max() + step, last, freq="7D" if kind == "week" else "MS"))


SHIFT_COLUMNS = ["signal", "label_nl", "label_en", "period", "period_start", "factor", "since"]


def run_shifts(shifts: pd.DataFrame | None, run_start: pd.Timestamp, period: str = "week",
               catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shared shifts (``models.shared``) of the run's periods, as :func:`current_cells` picks them: per signal
    its factor over the window ending in the run's week (or latest recent month) and the start of the shift, with
    the signal's Dutch and English names from ``catalogue``. What the lists say once per municipality."""
    if shifts is None or shifts.empty:
        return pd.DataFrame(columns=SHIFT_COLUMNS)
    now = current_cells(shifts.assign(period_start=pd.to_datetime(shifts["period_start"])), run_start, period)
    if catalogue is not None:
        now = now.merge(catalogue[["signal", "label_nl", "label_en"]], on="signal", how="left")
    for name in ("label_nl", "label_en"):
        now[name] = now[name].fillna(now["signal"]) if name in now else now["signal"]
    return now.sort_values(["period", "signal"])[SHIFT_COLUMNS].reset_index(drop=True)


def _cells_near(cells: pd.DataFrame, neighbours: pd.DataFrame, areas) -> callable:
    """A function of an area of ``areas`` giving the rows of ``cells`` of the area and its neighbours, in ``cells``'
    order: all an explanation reads (its own buurt's series, its neighbours' elevated ones), so each flag's text is
    made from a few rows, not the municipality's (``neighbours`` may be the country's: only ``areas``' are read)."""
    codes = cells["area_code"].to_numpy(dtype=object)
    rows = pd.Series(np.arange(len(cells))).groupby(codes, sort=False).agg(list).to_dict() if len(cells) else {}
    mine = neighbours[neighbours["area_code"].isin(set(areas))]
    around: dict = {}
    for area, other in zip(mine["area_code"].to_numpy(dtype=object), mine["neighbour"].to_numpy(dtype=object)):
        around.setdefault(area, []).append(other)

    def near(area: str) -> pd.DataFrame:
        picked = [r for a in (area, *around.get(area, ())) for r in rows.get(a, ())]
        return cells.iloc[np.sort(np.asarray(picked, dtype=np.int64))]
    return near


def _partly_unknown(evidence: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame) -> pd.Series | None:
    """By ``evidence``'s index: whether a series of the row's domain has a count read as a lower bound there
    (``scores``' ``partial``, ``score.mark_partial``); None when no score is."""
    if "partial" not in scores or not scores["partial"].any():
        return None
    part = scores.loc[scores["partial"].astype(bool), ["area_code", "signal", "period", "period_start"]]
    part = part.merge(catalogue[["signal", "domain"]], on="signal")
    keys = ["area_code", "domain", "period", "period_start"]
    marked = pd.MultiIndex.from_frame(part[keys].drop_duplicates())
    return pd.Series(pd.MultiIndex.from_frame(evidence[keys]).isin(marked), index=evidence.index)


def close_revised(now: pd.DataFrame, revised: pd.DataFrame | None) -> pd.DataFrame:
    """``now`` (:func:`current_cells`) with the monthly flags an earlier list held whose month's counts were delivered
    again since (``revised``: ``catalog.redelivered_months``) and that no longer hold marked ``herzien``: the earlier
    listing's ``since`` and ``last_seen``, no level (follow-up), and ``revised_sources``, ``revised_provisional``,
    ``revised_level`` and ``revised_signals`` for the text. Without this a police revision of a provisional month took
    the team's alarm off its next list without a word (red team 12a F2)."""
    if revised is None or revised.empty or now.empty:
        return now
    r = revised.assign(period_start=pd.to_datetime(revised["period_start"]), period="month").rename(columns={
        "since": "_since", "level": "revised_level", "signals": "revised_signals", "sources": "revised_sources",
        "provisional": "revised_provisional"})
    out = now.assign(_start=pd.to_datetime(now["period_start"])).merge(
        r.rename(columns={"period_start": "_start"}), on=["area_code", "domain", "period", "_start"], how="left")
    closed = out["revised_sources"].notna() & (out["status"] == "") & (out["period"] == "month")
    out.loc[closed, "status"] = "herzien"
    out.loc[closed, "level"] = ""
    out.loc[closed, "since"] = pd.to_datetime(out.loc[closed, "_since"])
    out.loc[closed, "last_seen"] = pd.to_datetime(out.loc[closed, "_since"])
    out.index = now.index
    return out.drop(columns=["_start", "_since"])


def keep_listed_since(now: pd.DataFrame, listed: pd.DataFrame | None) -> pd.DataFrame:
    """``now`` (:func:`current_cells`) with the "Sinds" an earlier list showed for the episode each flag continues:
    ``listed`` (``catalog.listed_episodes``) holds per buurt, domain and period type the row its latest earlier list
    held; a flag whose own episode (from its ``since``) takes in that row's period, the row still open there (not
    ``opgelost`` or ``herzien``), keeps that row's ``since``.

    Each run sets the levels of every past period anew (the factors on them are set on the run's own past), so the
    period an episode starts at by this run's levels can differ from the one the lists showed: with the runs of
    2027-W49 and W50 skipped, Wolfsbos fysiek read "Sinds 2027-W48" on the W51 list and "Sinds 2027-W49" on the W52
    one (red team 12a). The team knows the episode by the "Sinds" it was sent, and its answers count per episode by
    it (``feedback.EPISODE``); an episode that starts after the earlier row's period is a new one and keeps its own.
    """
    if listed is None or listed.empty or now.empty:
        return now
    keys = ["area_code", "domain", "period"]
    prior = listed[~listed["status"].isin(["opgelost", "herzien"])].rename(
        columns={"period_start": "_listed_start", "since": "_listed_since"})[[*keys, "_listed_start", "_listed_since"]]
    out = now.merge(prior.assign(_listed_start=pd.to_datetime(prior["_listed_start"]),
                                 _listed_since=pd.to_datetime(prior["_listed_since"])), on=keys, how="left")
    out.index = now.index
    since, start = pd.to_datetime(out["since"]), pd.to_datetime(out["period_start"])
    same = ((out["status"] != "") & since.notna() & out["_listed_since"].notna()
            & (out["_listed_start"] >= since) & (out["_listed_start"] <= start))
    out.loc[same, "since"] = out.loc[same, "_listed_since"].astype(since.dtype)
    return out.drop(columns=["_listed_start", "_listed_since"])


def flag_run(scores: pd.DataFrame, ref, budget=None, feedback: pd.DataFrame | None = None,
             run: tuple[str, pd.Timestamp] | None = None,
             listed_before: pd.DataFrame | None = None,
             revised: pd.DataFrame | None = None,
             listed_episodes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evidence for every period (``marts.area_evidence``) and the flags of the run's period.

    ``feedback``: the teams' latest answers (``feedback.read_answers``); they set the list status of the
    flags (``feedback.apply_feedback``), the evidence keeps the statistical lifecycle. ``listed_before``: the
    monthly flags earlier runs' lists held (:func:`current_cells`). ``revised``: those whose counts a later
    delivery brought again (:func:`close_revised`). ``listed_episodes``: the row each buurt, domain and period type
    had on the latest earlier list (``catalog.listed_episodes``), whose "Sinds" an episode keeps (:func:`keep_listed_since`).
    """
    scores = scores.assign(period_start=pd.to_datetime(scores["period_start"]))
    from models.evidence import Budget, evidence_budget_series, lifecycle   # scipy: only when flagging, not reading lists

    # the budget with the factors its levels were set to on the past (``Budget.chance_entries``): they explain the lists
    evidence, budget, series, shifts = evidence_budget_series(scores, ref.catalogue, ref.neighbours,
                                                      Budget() if budget is None else budget, ref.teams)
    evidence = lifecycle(evidence, budget, unknown=_partly_unknown(evidence, scores, ref.catalogue))
    # ``run``: the run's (label, start), the same for every municipality of a region (default: from ``scores``)
    label, start = run if run is not None else run_period(scores)
    shared = run_shifts(shifts, start, parse_period_label(label)[0], ref.catalogue)
    now = close_revised(current_cells(evidence, start, parse_period_label(label)[0], listed_before), revised)
    now = keep_listed_since(now, listed_episodes)
    flags = now[now["status"] != ""].merge(ref.areas[["area_code", "name", "wijkteam"]], on="area_code")
    flags = apply_feedback(flags, feedback, budget.feedback_quiet_weeks, set(ref.wijkteams["wijkteam"]))
    # "verhoogd" by the evidence's own rule and p-values (corrected for the domain's series), not the raw p-value
    cells = runs_of(series, budget).merge(
        ref.catalogue[["signal", "label_nl", "label_en", "unit_nl"]], on="signal")
    cells = cells[cells["period_start"].isin(flags["period_start"])]     # an explanation reads its own period only
    names, teams = ref.area_names, ref.area_teams
    near = _cells_near(cells, ref.neighbours, flags["area_code"])
    nl, en, signals = [], [], []
    around = ref.neighbours[ref.neighbours["area_code"].isin(set(flags["area_code"]))]
    for f in flags.itertuples(index=False):
        both = explanations(f, near(f.area_code), around, names, teams)
        nl.append(both["nl"][0])
        en.append(both["en"][0])
        signals.append(", ".join(both["nl"][1]))
    flags = flags.assign(run_period=label, explanation=nl, explanation_en=en, signals=signals)
    flags = flags.assign(_l=flags["level"].map(LEVEL_ORDER), _s=flags["status"].map(STATUS_ORDER))
    flags = flags.sort_values(["wijkteam", "_l", "_s", "score", "area_code", "domain"],
                              ascending=[True, True, True, False, True, True]).drop(columns=["_l", "_s"])
    # the municipality's shared shifts of the run's periods, said once (``runs``: the log and the lists' notes)
    evidence.attrs["shared_shifts"] = tuple(shared.to_dict("records"))
    return evidence, flags[FLAG_COLUMNS + ["name"]].reset_index(drop=True)
