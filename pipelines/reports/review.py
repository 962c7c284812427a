"""Flag review: how the lists behaved over time, per wijkteam and domain.

Pure: from ``marts.area_evidence`` (the whole history of levels and lifecycle statuses),
``marts.series_scores``, the wijkteams' feedback (``meta.flag_feedback``, optional) and, for the
demo, the injected truth. An *episode* is one run of a buurt x domain on the lists, from ``nieuw``
to ``opgelost``; a *listed entry* is a line on a team's weekly list (status nieuw, aanhoudend or
verergerend in the run's week, monthly domains included as the weekly lists show them).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.flag import current_cells
from pipelines.reference import DOMAIN_NL
from pipelines.reports.trends import buurt_table

LISTED = ("nieuw", "aanhoudend", "verergerend")
#: The columns of :func:`episodes` and their types, so that an empty result (a warehouse without any flag yet) has
#: them too: dates that compare and add as dates, not the object columns of a frame built from names alone.
EPISODE_COLUMNS = {"area_code": "str", "name": "str", "wijkteam": "str", "kind": "str", "domain": "str",
                   "period": "str", "since": "datetime64[us]", "last_listed": "datetime64[us]",
                   "resolved": "datetime64[us]", "level": "str", "peak": "float64", "weeks_to_resolved": "float64",
                   "revised": "datetime64[us]", "revised_signals": "str", "unjudged_after": "datetime64[us]",
                   "rejudged": "datetime64[us]"}
#: Feedback values (``meta.flag_feedback.value``; also the older drop-down of the lists) that say the team
#: recognised the signal, or that there was nothing; 'meer info nodig' gives no verdict.
RECOGNISED = ("opgepakt", "naar jaarplan", "al bekend", "herkend, actie nodig", "herkend, al bekend")
#: Dutch headers of :func:`feedback_shares` beside the feedback values (which are Dutch already).
FEEDBACK_HEADERS = {"wijkteam": "wijkteam", "n": "beantwoorde signaleringen"}


def episodes(evidence: pd.DataFrame, areas: pd.DataFrame, sent: pd.DataFrame | None = None,
             revised: pd.DataFrame | None = None, run_period: str | None = None,
             listed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per episode and team: ``area_code, name, wijkteam, kind, domain, period, since, last_listed,
    resolved, level, peak, weeks_to_resolved, revised, revised_signals, unjudged_after, rejudged`` (``resolved`` NaT
    while it is still open).

    ``rejudged`` (with ``listed``: ``ReportData.listed``, every flag a written list sent): a listing a team was sent
    that no episode of today's scores overlaps (a correction lowered its week, a newer logic re-scored the history)
    is an episode all the same, as it was sent and may have been answered: its last listed period, neither resolved
    nor open (NaT for every other episode).

    ``unjudged_after`` (with ``run_period``, the run's label): for an episode that did not end yet is not on the run's
    lists (its scores stopped while it was listed: :func:`unjudged_after`), its last listed period; NaT otherwise.

    The team is the one whose list held the episode (``sent``: ``ReportData.sent``), so moving a buurt to another
    team in buurt_indeling.csv does not hand its history over; an episode on the lists of two teams (moved while
    it ran) is a row of each. An episode no list held (weeks before the first run) goes by today's division.

    ``revised`` (``ReportData.revised``): the flags a team was sent that a later list closed as ``herzien``. The
    evidence is the scores' lifecycle on today's counts, in which a month the police revised never rose, so such a
    flag is no episode there; it is one here all the same, as it was sent (``revised``: its month, ``resolved``
    NaT: the revision closed it, nothing was resolved; ``revised_signals``: what its rows named). A revised month an
    episode of the evidence still covers (a rise of the months around it) adds nothing. A revised flag is the
    episode of the evidence with its identity as the lists showed it (team, buurt, domain, period kind, ``since``)
    even where the revision cut its month off that episode's end: that episode is then marked revised, not counted
    again beside it (red team 13b F1).
    """
    ev = evidence[evidence["status"].isin([*LISTED, "opgelost"]) & evidence["since"].notna()].copy()
    cols = list(EPISODE_COLUMNS)
    out = pd.DataFrame({c: pd.Series(dtype=t) for c, t in EPISODE_COLUMNS.items()})
    if not ev.empty:                                 # else no flag yet (a new municipality's first weeks)
        out = _held_episodes(ev, areas, sent)
    out, gone = _revised_episodes(revised, out, areas)
    if len(gone):
        out = pd.concat([out, gone], ignore_index=True) if len(out) else gone
    unheld = _unheld_listings(listed, out, revised, areas)
    if len(unheld):
        out = pd.concat([out, unheld], ignore_index=True) if len(out) else unheld
    if out.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in EPISODE_COLUMNS.items()})
    if "rejudged" not in out:
        out["rejudged"] = pd.NaT
    out["rejudged"] = out["rejudged"].astype("datetime64[us]")
    out["unjudged_after"] = unjudged_after(out, run_period)
    return out[cols].sort_values(["wijkteam", "since", "area_code", "domain"]).reset_index(drop=True)


def unjudged_after(episodes_: pd.DataFrame, run_period: str | None) -> pd.Series:
    """Per episode (rows of :func:`episodes`) its last listed period where it was neither resolved nor revised and
    that period is not one of the run's own (:func:`pipelines.flag.current_cells`: the run's week, a recent month):
    its scores stopped while it was listed (a source that stopped delivering half-way the year, a gap the lifecycle
    ends episodes at), so it did not end, nor is it on the lists of the run; NaT otherwise, and for every episode
    without the run (``run_period`` None)."""
    from pipelines.flag import current_from

    out = pd.Series(pd.NaT, index=episodes_.index, dtype="datetime64[us]")
    if run_period is None or episodes_.empty:
        return out
    current = current_from(run_period)
    last = episodes_["last_listed"].astype("datetime64[us]")
    before_run = last < episodes_["period"].map(current).astype("datetime64[us]")
    rejudged = episodes_["rejudged"].notna() if "rejudged" in episodes_ else pd.Series(False, index=episodes_.index)
    stopped = episodes_["resolved"].isna() & episodes_["revised"].isna() & ~rejudged & before_run
    return out.where(~stopped, last)


def unjudged_sentence(episodes_: pd.DataFrame) -> str:
    """The Dutch sentence under the review's table on the episodes :func:`unjudged_after` marks ('' when none): how
    many, per domain where its scores stopped, and what to do."""
    from pipelines.wording import counted, period_text

    stopped = episodes_[episodes_["unjudged_after"].notna()] if "unjudged_after" in episodes_ else episodes_.iloc[0:0]
    if stopped.empty:
        return ""
    where = stopped.drop_duplicates(["domain", "period", "unjudged_after"]).sort_values(["domain", "unjudged_after"])
    parts = [f"{DOMAIN_NL.get(r.domain, r.domain)} na {period_text(r.unjudged_after, r.period)}"
             for r in where.itertuples(index=False)]
    verb = "stond" if len(stopped) == 1 else "stonden"
    return (f"{counted(len(stopped), 'signalering', 'signaleringen')} {verb} nog op de lijst toen de scores van hun "
            f"domein ophielden ({', '.join(parts)}): daarna zijn geen cijfers geleverd, dus is niet te zeggen of ze "
            "voorbij zijn. Lever de ontbrekende weken of maanden (wijkradar ingest) en run opnieuw.")


def _held_episodes(ev: pd.DataFrame, areas: pd.DataFrame, sent: pd.DataFrame | None) -> pd.DataFrame:
    """The episodes of the evidence's lifecycle (``ev``: its listed and resolved rows), by the team that held them."""
    ev["period_start"] = pd.to_datetime(ev["period_start"])
    ev["since"] = pd.to_datetime(ev["since"])
    listed = ev[ev["status"].isin(LISTED)]
    keys = ["area_code", "domain", "period", "since"]
    out = listed.groupby(keys, as_index=False).agg(
        last_listed=("period_start", "max"), peak=("score", "max"),
        level=("level", lambda s: "alarm" if (s == "alarm").any() else "aandacht"))
    resolved = ev[ev["status"] == "opgelost"].groupby(keys)["period_start"].min().rename("resolved")
    out = out.merge(resolved, left_on=keys, right_index=True, how="left")
    out["weeks_to_resolved"] = (out["resolved"] - out["since"]).dt.days / 7
    out = out.assign(revised=pd.NaT, revised_signals="")
    out = out.merge(buurt_table(areas)[["area_code", "name", "wijkteam", "kind"]], on="area_code")
    if sent is not None and not sent.empty:
        out = _to_sent_teams(out, sent)
    return out


def _revised_episodes(revised: pd.DataFrame | None, held: pd.DataFrame, areas: pd.DataFrame
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``held`` with the episodes whose last sent month a flag of ``revised`` took away marked revised, and the rows of
    :func:`episodes` for the sent flags of ``revised`` that no episode of ``held`` is or covers."""
    if revised is None or revised.empty:
        return held, pd.DataFrame(columns=list(EPISODE_COLUMNS))
    r = revised.assign(period_start=pd.to_datetime(revised["period_start"]), since=pd.to_datetime(revised["since"]))
    held = held.reset_index(drop=True)
    if len(held):
        r["since"] = r["since"].astype(held["since"].dtype)
    # the flag's episode by its identity as the lists showed it, not by its month: a revision of an episode's last
    # month cuts that month off (August-October sent with October, October revised: today's episode is
    # August-September, resolved in October), so no held range covers it and the one flag counted twice
    ident = ["wijkteam", "area_code", "domain", "period", "since"]
    m = r.reset_index().merge(held[ident].reset_index(), on=ident, how="inner", suffixes=("", "_held"))
    own = m["index"].unique()
    cut = m[m["period_start"] > held.loc[m["index_held"], "last_listed"].to_numpy()]
    if len(cut):
        # the episode's latest revised month beyond what the evidence holds: the list showed the episode up to it,
        # and the revision, not a quiet month, ended it (neither resolved nor open, as a revised flag of its own)
        last = cut.sort_values("period_start").groupby("index_held").last()
        held = held.copy()
        at = last.index
        held.loc[at, "last_listed"] = last["period_start"].to_numpy()
        held.loc[at, "revised"] = last["period_start"].to_numpy()
        held.loc[at, "revised_signals"] = last["signals"].fillna("").to_numpy()
        held.loc[at, "resolved"] = pd.NaT
        held.loc[at, "weeks_to_resolved"] = float("nan")
    r = r.drop(index=own)
    keys = ["area_code", "domain", "period"]
    m = r.reset_index().merge(held[[*keys, "since", "last_listed"]], on=keys, how="inner", suffixes=("", "_held"))
    covered = m.loc[(m["since_held"] <= m["period_start"]) & (m["period_start"] <= m["last_listed"]), "index"]
    r = r.drop(index=covered.unique())
    return held, _sent_episodes(r, areas, r["period_start"], revised=r["period_start"],
                                revised_signals=r["signals"].fillna(""))


def _unheld_listings(listed: pd.DataFrame | None, held: pd.DataFrame, revised: pd.DataFrame | None,
                     areas: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`episodes` for the listings of ``listed`` (a team's rows with one Sinds) that no episode of
    ``held`` (today's, and the revised ones) overlaps; a flag of ``revised`` is left to :func:`_revised_episodes`."""
    if listed is None or listed.empty:
        return pd.DataFrame(columns=list(EPISODE_COLUMNS))
    keys = ["area_code", "domain", "period", "period_start"]
    lst = listed.assign(period_start=pd.to_datetime(listed["period_start"]), since=pd.to_datetime(listed["since"]))
    if revised is not None and len(revised):
        gone = pd.MultiIndex.from_frame(revised[keys].assign(period_start=pd.to_datetime(revised["period_start"])))
        lst = lst[~pd.MultiIndex.from_frame(lst[keys]).isin(gone)]
    ident = ["wijkteam", "area_code", "domain", "period", "since"]
    spans = lst.groupby(ident, as_index=False).agg(last_listed=("period_start", "max"),
                                                   level=("level", lambda s: "alarm" if (s == "alarm").any()
                                                          else "aandacht"))
    if spans.empty:
        return pd.DataFrame(columns=list(EPISODE_COLUMNS))
    if len(held):
        h = held[["wijkteam", "area_code", "domain", "period", "since", "last_listed"]]
        m = spans.reset_index().merge(h.astype({"since": "datetime64[us]", "last_listed": "datetime64[us]"}),
                                      on=["wijkteam", "area_code", "domain", "period"], suffixes=("", "_held"))
        overlap = (m["since_held"] <= m["last_listed"]) & (m["last_listed_held"] >= m["since"])
        spans = spans.drop(index=m.loc[overlap, "index"].unique())
    return _sent_episodes(spans, areas, spans["last_listed"], revised=pd.NaT, revised_signals="",
                          rejudged=spans["last_listed"])


def _sent_episodes(sent: pd.DataFrame, areas: pd.DataFrame, last_listed: pd.Series, **state) -> pd.DataFrame:
    """Rows of :func:`episodes` for flags as the lists sent them (``wijkteam, area_code, domain, period, since,
    level``), which today's scores do not hold: never resolved, no peak; ``state`` the columns saying why."""
    names = buurt_table(areas).set_index("area_code")
    return pd.DataFrame({
        "area_code": sent["area_code"], "name": sent["area_code"].map(names["name"]).fillna(sent["area_code"]),
        "wijkteam": sent["wijkteam"], "kind": sent["area_code"].map(names["kind"]), "domain": sent["domain"],
        "period": sent["period"], "since": sent["since"], "last_listed": last_listed, "resolved": pd.NaT,
        "level": sent["level"], "peak": float("nan"), "weeks_to_resolved": float("nan"), **state}).reset_index(drop=True)


def _to_sent_teams(episodes_: pd.DataFrame, sent: pd.DataFrame) -> pd.DataFrame:
    """``episodes_`` with the team(s) whose lists held a cell of the episode, in place of today's team."""
    cells = sent[["wijkteam", "area_code", "domain", "period", "period_start"]].drop_duplicates()
    m = episodes_.drop(columns="wijkteam").reset_index().merge(cells, on=["area_code", "domain", "period"])
    m = m[(pd.to_datetime(m["period_start"]) >= m["since"]) & (pd.to_datetime(m["period_start"]) <= m["last_listed"])]
    teams = m[["index", "wijkteam"]].drop_duplicates()
    held = episodes_.drop(columns="wijkteam").loc[teams["index"]].assign(wijkteam=teams["wijkteam"].to_numpy())
    return pd.concat([held, episodes_[~episodes_.index.isin(teams["index"])]], ignore_index=True)


def sent_teams_per_week(sent: pd.DataFrame | None) -> pd.DataFrame:
    """Per weekly run's week (``week``, its Monday): the team whose list held each (buurt, domain)."""
    from models.calendar import parse_period_label

    cols = ["week", "area_code", "domain", "wijkteam"]
    if sent is None or sent.empty:
        return pd.DataFrame(columns=cols)
    runs = {label: parse_period_label(label) for label in sent["run_period"].dropna().unique()}
    weekly = {label: start for label, (kind, start) in runs.items() if kind == "week"}
    s = sent[sent["run_period"].isin(list(weekly))]
    return s.assign(week=s["run_period"].map(weekly))[cols].drop_duplicates(["week", "area_code", "domain"])


def new_flags_over_time(episodes_: pd.DataFrame, freq: str = "MS") -> pd.DataFrame:
    """Number of new episodes per wijkteam, domain and month (``freq``): ``wijkteam, domain, month, new``."""
    if episodes_.empty:
        return pd.DataFrame(columns=["wijkteam", "domain", "month", "new"])
    e = episodes_.assign(month=pd.to_datetime(episodes_["since"]).dt.to_period("M").dt.start_time)
    return e.groupby(["wijkteam", "domain", "month"], as_index=False).size().rename(columns={"size": "new"})


def time_to_resolution(episodes_: pd.DataFrame, by: tuple[str, ...] = ("wijkteam", "domain")) -> pd.DataFrame:
    """Per group: episodes, how many are resolved, the median and maximum weeks from ``nieuw`` to
    ``opgelost``, and how many are still open; where some were closed as ``herzien`` (their month revised by its
    source, :func:`episodes`) also ``revised``, and where some were still listed when their scoring stopped
    (``unjudged_after``: no counts since) also ``unjudged``, and where today's scores no longer hold a flag that was
    sent (``rejudged``) also ``rejudged``: neither resolved nor open."""
    if episodes_.empty:
        return pd.DataFrame(columns=[*by, "episodes", "resolved", "open", "median_weeks", "max_weeks"])
    none = pd.Series(False, index=episodes_.index)
    revised = episodes_["revised"].notna() if "revised" in episodes_ else none
    unjudged = episodes_["unjudged_after"].notna() if "unjudged_after" in episodes_ else none
    rejudged = episodes_["rejudged"].notna() if "rejudged" in episodes_ else none
    g = episodes_.assign(_revised=revised, _unjudged=unjudged, _rejudged=rejudged).groupby(list(by))
    out = g.agg(episodes=("since", "size"), resolved=("resolved", "count"), revised=("_revised", "sum"),
                unjudged=("_unjudged", "sum"), rejudged=("_rejudged", "sum"),
                median_weeks=("weeks_to_resolved", "median"), max_weeks=("weeks_to_resolved", "max")).reset_index()
    out["open"] = out["episodes"] - out["resolved"] - out["revised"] - out["unjudged"] - out["rejudged"]
    # the columns only where a source revised a flag, stopped delivering under one, or today's scores lost one
    shown = [c for c, any_ in (("revised", revised.any()), ("unjudged", unjudged.any()),
                               ("rejudged", rejudged.any())) if any_]
    return out[[*by, "episodes", "resolved", *shown, "open", "median_weeks", "max_weeks"]]


def feedback_shares(feedback: pd.DataFrame, by: str = "wijkteam") -> pd.DataFrame:
    """Share of every feedback value per team (rows add up to 1) and ``n``, the team's answered episodes (one
    judgement each, the latest: :func:`pipelines.feedback.judgements`, the unit of the precision and the year plan);
    empty when there is no feedback yet. :data:`FEEDBACK_HEADERS` names the columns for a manager."""
    from pipelines.feedback import judgements

    fb = feedback[feedback["feedback"].notna() & (feedback["feedback"].astype(str).str.strip() != "")] \
        if "feedback" in feedback else feedback.iloc[0:0]
    if fb.empty or by not in fb:
        return pd.DataFrame(columns=[by])
    fb = judgements(fb)
    table = pd.crosstab(fb[by].fillna("-"), fb["feedback"].astype(str).str.strip(), normalize="index")
    table.columns.name = None               # else printed as a header row of its own ("feedback")
    table["n"] = fb.groupby(by).size()
    return table.reset_index()


def episode_signals(evidence: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame,
                    elevated_p: float = 0.05) -> pd.DataFrame:
    """The signals behind every listed cell: ``area_code, domain, period, since, signal``.

    A signal is behind a cell when its series alarmed there or its p-value times the number of the
    domain's signals is at most ``elevated_p`` (the lists' own "elevated" rule); otherwise the
    domain's strongest signal of that cell.
    """
    listed = evidence[evidence["status"].isin(LISTED)][["area_code", "domain", "period", "period_start", "since"]]
    s = scores.merge(catalogue[["signal", "domain"]], on="signal")
    s = s.merge(listed.assign(period_start=pd.to_datetime(listed["period_start"])),
                on=["area_code", "domain", "period", "period_start"])
    if s.empty:
        return pd.DataFrame(columns=["area_code", "domain", "period", "since", "signal"])
    n = s.groupby(["area_code", "domain", "period", "period_start"])["signal"].transform("nunique")
    p = s["pvalue"].astype(float).fillna(1.0)
    s["behind"] = s["alarm"].astype(bool) | (p * n <= elevated_p)
    strongest = p.groupby([s["area_code"], s["domain"], s["period"], s["period_start"]]).transform("min") == p
    cell_has = s.groupby(["area_code", "domain", "period", "period_start"])["behind"].transform("any")
    chosen = s[s["behind"] | (~cell_has & strongest)]
    return chosen[["area_code", "domain", "period", "since", "signal"]].drop_duplicates().reset_index(drop=True)


def judge_by_truth(episodes_: pd.DataFrame, truth: pd.DataFrame, catalogue: pd.DataFrame,
                   slack_weeks: int = 8) -> pd.DataFrame:
    """Episodes judged against a known truth (the demo's injected issues): correct when an injected
    issue of the same buurt and domain ran during the episode (give or take ``slack_weeks``)."""
    t = truth.merge(catalogue[["signal", "domain"]], on="signal")
    t = t.groupby(["area_code", "domain"], as_index=False).agg(t_from=("period_start", "min"), t_to=("period_start", "max"))
    m = episodes_.merge(t, on=["area_code", "domain"], how="left")
    until = m["resolved"].fillna(m["last_listed"]) + pd.Timedelta(weeks=slack_weeks)
    hit = m["t_from"].notna() & (m["t_from"] <= until) & (m["t_to"] >= m["since"] - pd.Timedelta(weeks=slack_weeks))
    return m.drop(columns=["t_from", "t_to"]).assign(correct=hit.to_numpy())


def precision_per_signal(judged: pd.DataFrame, signals: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per signal: judged episodes it was behind, how many were right, and the precision (right / judged), with the
    minimum of the answers' precision (:data:`pipelines.feedback.MIN_ANSWERS`): below it no precision but ``remark``
    "nog te weinig antwoorden", as the page and the lists say."""
    from pipelines.feedback import MIN_ANSWERS, TOO_FEW

    cols = ["signal", "label_nl", "domain", "judged", "correct", "precision", "remark"]
    if judged.empty or signals.empty:
        return pd.DataFrame(columns=cols)
    keys = ["area_code", "domain", "period", "since"]
    m = judged[[*keys, "correct"]].merge(signals, on=keys).drop_duplicates([*keys, "signal"])
    out = m.groupby("signal", as_index=False).agg(judged=("correct", "size"), correct=("correct", "sum"))
    enough = out["judged"] >= MIN_ANSWERS
    out["precision"] = (out["correct"] / out["judged"]).where(enough)
    out["remark"] = np.where(enough, "", TOO_FEW)
    out = out.merge(catalogue[["signal", "label_nl", "domain"]], on="signal")
    return out[cols].sort_values(["domain", "signal"]).reset_index(drop=True)


def precision_from_answers(feedback: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per signal, from the teams' answers: answered episodes it was behind, how many were right, the precision; the
    same figures as ``wijkradar feedback`` and the lists' Toelichting (:func:`pipelines.feedback.precision`: one
    judgement per episode, grouped by the signals its rows showed, a flag without its own signals under what listed
    it), with the same minimum: below it no precision but ``remark`` "nog te weinig antwoorden"."""
    from pipelines.feedback import GROUP_NL, precision

    cols = ["signal", "label_nl", "domain", "judged", "correct", "precision", "remark"]
    if feedback.empty:
        return pd.DataFrame(columns=cols)
    per = precision(feedback.rename(columns={"feedback": "value"}))
    per = per[per["by"] == "signal"].rename(columns={"group": "signal", "answered": "judged", "confirmed": "correct"})
    out = per.merge(catalogue[["signal", "label_nl", "domain"]], on="signal", how="left")
    out["label_nl"] = out["label_nl"].fillna(out["signal"].map(GROUP_NL))
    out["domain"] = out["domain"].fillna("")
    return out[cols].sort_values(["domain", "signal"]).reset_index(drop=True)


def listed_per_team_week(evidence: pd.DataFrame, areas: pd.DataFrame, weeks: list[pd.Timestamp],
                         known: set[tuple[str, str]] | None = None, sent: pd.DataFrame | None = None) -> pd.DataFrame:
    """Entries on each team's weekly list: ``wijkteam, week, listed, chance``; a cell counts for the team whose
    list of that week held it (``sent``), in a week without a run for its team by today's division.

    ``chance`` leaves out the (buurt, domain) pairs in ``known`` (true issues, e.g. the demo's injected
    ones); where the truth is unknown it equals ``listed``: the false-alarm budget in practice is then
    simply the number of entries a team gets per week.
    """
    today = buurt_table(areas).set_index("area_code")["wijkteam"]
    held = sent_teams_per_week(sent)
    all_teams = sorted(set(today.dropna()) | set(held["wijkteam"].dropna()))
    ev = evidence.assign(period_start=pd.to_datetime(evidence["period_start"]))
    rows = []
    for week in weeks:
        now = current_cells(ev, pd.Timestamp(week))
        now = now[now["status"].isin(LISTED) & now["area_code"].isin(today.index)]
        # the team whose list of that week held the cell; weeks without a run go by today's division
        sent_now = held.loc[held["week"] == pd.Timestamp(week), ["area_code", "domain", "wijkteam"]]
        now = now.merge(sent_now, on=["area_code", "domain"], how="left")
        now["wijkteam"] = now["wijkteam"].fillna(now["area_code"].map(today))
        pairs = list(zip(now["area_code"], now["domain"]))
        is_known = np.array([p in (known or set()) for p in pairs], dtype=bool)
        for team in all_teams:
            mine = (now["wijkteam"] == team).to_numpy()
            rows.append({"wijkteam": team, "week": pd.Timestamp(week), "listed": int(mine.sum()),
                         "chance": int((mine & ~is_known).sum())})
    return pd.DataFrame(rows, columns=["wijkteam", "week", "listed", "chance"])


def last_weeks(evidence: pd.DataFrame, run_start: pd.Timestamp, n: int = 52) -> list[pd.Timestamp]:
    """The last ``n`` weekly periods up to the run's week that have evidence."""
    weekly = pd.to_datetime(evidence.loc[evidence["period"] == "week", "period_start"])
    return sorted(w for w in weekly.unique() if w <= run_start)[-n:]


def budget_summary(listed: pd.DataFrame) -> pd.DataFrame:
    """Per team the mean entries per week (all, and without known causes) over the weeks given."""
    if listed.empty:
        return pd.DataFrame(columns=["wijkteam", "weeks", "listed_per_week", "chance_per_week"])
    return listed.groupby("wijkteam", as_index=False).agg(weeks=("week", "nunique"), listed_per_week=("listed", "mean"),
                                                          chance_per_week=("chance", "mean"))


def truth_pairs(truth: pd.DataFrame | None, catalogue: pd.DataFrame) -> set[tuple[str, str]]:
    """The (buurt, domain) pairs of a known truth; empty when the truth is unknown."""
    if truth is None or truth.empty:
        return set()
    t = truth.merge(catalogue[["signal", "domain"]], on="signal")
    return set(zip(t["area_code"], t["domain"]))


def in_dutch(table: pd.DataFrame) -> pd.DataFrame:
    """A table as a manager reads it: domains by their Dutch name (fysiek, sociaal, veiligheid) and no internal
    signal codes (the Dutch label stands beside them)."""
    out = table.drop(columns=[c for c in ("signal",) if c in table and "label_nl" in table])
    if "domain" in out:
        out = out.assign(domain=out["domain"].map(lambda d: DOMAIN_NL.get(d, d)))
    return out
