"""Export: one flagged-area list per wijkteam as XLSX, CSV and a self-contained HTML page.

Files go to ``exports/<run period>/<wijkteam>.{xlsx,csv,html}`` and hold only that team's buurten; the folder is
replaced as a set (``export_folder``), and ``meta.lists`` records when a run's set was written whole.
This is the IO edge of the list stage: ``export_run`` reads the flags, teams, run settings, loaded
files, chart series and feedback from the warehouse once; ``export_team_lists`` picks each team's
rows (``pipelines.lists.selection``) and hands them to the one writer per format in ``pipelines.lists``
(the same writers as ``wijkradar flags --format``). With the run's risk (``marts.area_risk``) every flag
row gains its buurt's risk and each list a short section *preventief in beeld* (``selection.preventive``).
Everything a wijkteam reads is Dutch; every
CSV/XLSX cell is neutralised and every HTML value escaped (``safe_output``); the same run gives identical files.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import pandas as pd

from models.auto import AutoDetector
from pipelines import catalog, feedback
from pipelines.export_folder import recover, write_set
from pipelines.faults import fault_point
from pipelines.parallel import process_pool, workers_for
from pipelines.lists.content import COLUMNS_NL, FEEDBACK, HOW_TO_READ, NOTHING_FLAGGED, RiskInfo, RunInfo
from pipelines.lists.csv_writer import write_csv
from pipelines.lists.html_writer import write_html
from pipelines.lists.selection import chart_data, preventive, run_teams, team_flags, team_list
from pipelines.lists.xlsx_writer import write_xlsx
from pipelines.safe_output import safe_filename

__all__ = ["COLUMNS_NL", "FEEDBACK", "HOW_TO_READ", "NOTHING_FLAGGED", "RiskInfo", "RunInfo", "export_run",
           "export_team_lists", "team_list"]


log = logging.getLogger("wijkradar.export")

#: From this many teams on, the lists are written by local worker processes (a region or the whole country).
PARALLEL_TEAMS = 100


def export_team_lists(flags: pd.DataFrame, teams: pd.DataFrame, exports_dir: Path, run: RunInfo,
                      series: pd.DataFrame, labels: dict, risk: RiskInfo | None = None,
                      workers: int | None = None, written: Callable[[], None] | None = None) -> dict[str, list[Path]]:
    """Write XLSX, CSV and HTML per team; returns the paths per team. The set replaces the period's folder whole
    (``export_folder.write_set``); ``written()`` is called as soon as it is in place.

    ``teams``: the teams of the run (``selection.run_teams``), whose flags and buurten the lists hold;
    ``series``: the chart series (``marts.series_scores`` with the signal's domain), read once by the caller;
    ``risk``: the run's risk (None: lists without risk columns and without the section). From
    ``PARALLEL_TEAMS`` teams on, ``workers`` local processes (default: one per core, at most 2) write them; every
    team's files are the same whoever writes them.
    """
    recover(exports_dir)                  # what an export killed half-way left, before this one begins
    folder = exports_dir / run.run_period
    by_area = dict(tuple(series.groupby("area_code", sort=False)))    # one pass, not one scan per flag
    by_team = dict(tuple(flags.groupby("wijkteam", sort=False))) if len(flags) else {}
    jobs = []
    for team, team_name in zip(teams["wijkteam"], teams["name"]):
        own = by_team.get(team, flags.iloc[0:0])
        areas = [by_area[a] for a in own["area_code"].unique() if a in by_area]
        jobs.append((team, team_name, own, pd.concat(areas, ignore_index=True) if areas else series.iloc[0:0]))
    listed = flags[["area_code", "domain"]] if len(flags) else pd.DataFrame(columns=["area_code", "domain"])
    workers = workers_for(workers)

    def write(into: Path) -> dict[str, list[Path]]:
        if workers <= 1 or len(jobs) < PARALLEL_TEAMS:
            return _write_teams(jobs, into, run, labels, risk, listed)
        parts = [jobs[w::workers] for w in range(workers)]
        written = {}
        with process_pool(workers) as pool:
            for done in pool.map(_write_teams, parts, *([x] * workers for x in (into, run, labels, risk, listed))):
                written.update(done)
        return {team: written[team] for team, *_ in jobs}

    done = write_set(folder, write, written)    # the whole set, or the folder as it was
    return {team: [folder / p.name for p in paths] for team, paths in done.items()}


def _write_teams(jobs: list[tuple], folder: Path, run: RunInfo, labels: dict,
                 risk: RiskInfo | None, listed: pd.DataFrame) -> dict[str, list[Path]]:
    """The three files of each team in ``jobs`` (team, name, its flags, the chart series of its flagged areas);
    ``listed``: the buurt and domain of every flag of the run, which no team's *preventief in beeld* names."""
    written = {}
    for team, team_name, own, own_series in jobs:
        shown = run.for_team(team)          # the sentences on periods not judged of the team's own municipality
        own = team_flags(own, team)
        table = team_list(own, team, labels, risk=risk)
        section = preventive(risk, listed, team)       # the team's own buurten, flagged on no list of the run
        stem = safe_filename(team)      # a team code from the wijkteam file must not leave the folder
        paths = [folder / f"{stem}.xlsx", folder / f"{stem}.csv", folder / f"{stem}.html"]
        write_xlsx(table, paths[0], team_name, shown, team, feedback.flag_keys(own), labels,   # keys in table order
                   preventive=section, risk=risk)
        write_csv(table, paths[1], preventive=section, notes=shown.notes)
        write_html(table, own["level"], chart_data(own, own_series, labels), team_name, shown, paths[2], section)
        written[team] = paths
        fault_point("export-mid-set")     # the crash tests' point: some teams' lists written, not all
    return written


def export_run(con, home, run) -> dict[str, list[Path]]:
    """Gather what the lists need from the warehouse and write them (used by the flow and the CLI)."""
    from pipelines.reference import Reference
    from pipelines.runs import read_flags

    flags = read_flags(con, run.run_id)
    settings, load_ids = catalog.run_loads_and_settings(con, run.run_id)
    report = feedback.precision(feedback.read_answers(con, until=run.finished_at))
    key = catalog.warehouse_secret(con)
    series = catalog.scores_with_domain(con, flagged_in=run.run_id)   # charts are drawn for flagged areas only
    notes = unjudged_notes(con, run.run_id, run.run_period)
    for english in english_notes(notes):
        log.warning("%s", english)
    info = RunInfo(run.run_id, run.run_period, run.finished_at, settings, catalog.loads_of(con, load_ids), report,
                   list_key=key[0] if key else None, unjudged_teams=team_notes(con, notes, run_id=run.run_id),
                   partly_teams=partial_notes(con, run.run_id), shared_teams=shared_notes(con, settings),
                   split_teams=_split_notes_of(con, Reference.for_home(home)))
    recorded = catalog.risk_run(con, run.run_id)
    risk = None if recorded is None else RiskInfo(catalog.area_risk(con, run.run_id), **recorded)
    teams = run_teams(flags, None if risk is None else risk.rows, catalog.teams(con),     # as the run had them
                      catalog.area_teams(con))
    _warn_unknown_lists(con, home, run)
    catalog.lists_started(con, run.run_period, run.run_id)
    return export_team_lists(flags, teams, home.exports, info, series, catalog.signal_labels(con, "nl"), risk,
                             written=lambda: catalog.lists_written(con, run.run_period, run.run_id))


def listed_run(folder: Path) -> str | None:
    """The run whose lists ``folder`` holds, as the hidden Meta sheet of its first workbook names it; None when it
    holds no readable wijkradar workbook."""
    from openpyxl import load_workbook

    for path in sorted(folder.glob("*.xlsx")) if folder.is_dir() else []:
        try:
            book = load_workbook(path, read_only=True)
            try:
                rows = book[feedback.META_SHEET].iter_rows(values_only=True) \
                    if feedback.META_SHEET in book.sheetnames else []
                return next((str(r[1]) for r in rows if len(r) >= 2 and r[0] == "run" and r[1]), None)
            finally:
                book.close()
        except Exception:                        # a damaged or foreign workbook names no run: say nothing of it
            return None
    return None


def _warn_unknown_lists(con, home, run) -> None:
    """Lists about to be replaced that are of a run this warehouse does not hold: the warehouse was restored from a
    backup made before they were written (or the folder copied from another home). They may have been sent, and
    the teams' answers on them are refused until that run is made again, so the analyst is told before they go."""
    earlier = listed_run(home.exports / run.run_period)
    if earlier is None or earlier == run.run_id or catalog.run_exists(con, earlier):
        return
    log.warning("exports/%s/ held the lists of run %s, which this warehouse does not hold (it was restored from a "
                "backup made before that run, or the folder comes from another working folder); they are replaced "
                "by the lists of run %s. If those lists were sent, the teams' answers on them are refused: put the "
                "deliveries loaded since the backup back in the inbox, import the returned lists imported since "
                "then again (wijkradar feedback import) and run this period again to make run %s again, or send the "
                "teams the new lists", run.run_period, earlier, run.run_id, earlier)


def unjudged_notes(con, run_id: str, run_period: str) -> dict[str, list[tuple[str, str]]]:
    """Per municipality the (Dutch, English) sentences on the run's own periods that were not scored there
    (``flag.unjudged``; a domain whose sources stopped or are late while others were scored: ``flag.unjudged_domains``),
    with the weeks a weekly source never delivered there as the reason where that is known;
    none when the marts hold the scores of an earlier run than this one (what this run scored is not known then).
    In a region one municipality may have delivered the run's week and another not: each team reads its own."""
    from models.calendar import parse_period_label
    from pipelines import wording
    from pipelines.catalog.reports import marts_run_period, scored_periods, team_municipalities
    from pipelines.flag import gap_periods, gaps_before, period_end, recent_months, unjudged, unjudged_domains

    kind, start = parse_period_label(run_period)
    got = marts_run_period(con)
    if got is None or (got[0] != run_id and got[1] is None):
        return {}
    scored = scored_periods(con)
    scored["period_start"] = pd.to_datetime(scored["period_start"])
    if got[0] != run_id:        # a later run's scores tell only when they reach back over this run's period
        later_kind, later_start = parse_period_label(got[1])
        own = scored.loc[scored["period"] == kind, "period_start"]
        if period_end(later_start, later_kind) <= period_end(start, kind) or own.empty or own.min() > start:
            return {}
    municipalities = sorted(set(team_municipalities(con)["gemeente_code"].dropna()))
    budget = catalog.run_loads_and_settings(con, run_id)[0].get("budget", {})    # the run's own lifecycle window
    resolve_after = {kind: int(budget[f"resolve_after_{kind}s"]) for kind in ("week", "month")
                     if f"resolve_after_{kind}s" in budget}
    totals: dict[str, pd.DataFrame] = {}

    def held_of(gm: str, part: str) -> dict[str, pd.Series]:
        """Per source the period starts of kind ``part`` it holds counts of in ``gm``."""
        if not totals:
            totals.update({source: catalog.source_totals(con, source)
                           for source in sorted(set(catalog.count_ranges(con)["source"]))})
        out = {}
        for source, frame in totals.items():
            held = frame[(frame["gemeente_code"] == gm) & (frame["period"] == part)]
            if len(held):
                out[source] = pd.to_datetime(held["period_start"])
        return out

    def too_young(gm: str, part: str, when) -> dict:
        """The sources of ``gm`` whose history is too short to judge ``when``: source -> (first, judged from)."""
        firsts = {s: held.min() for s, held in held_of(gm, part).items() if held.min() <= pd.Timestamp(when)}
        return {s: (a, judged_from(a, part)) for s, a in firsts.items() if judged_from(a, part) > pd.Timestamp(when)}

    domains_of = catalog.source_domains(con)
    out: dict[str, list[tuple[str, str]]] = {}
    for gm in municipalities:
        mine = scored[scored["gemeente_code"] == gm]
        said = unjudged(mine, start, kind)
        if kind == "week" and not (mine["period"] == "month").any():
            # no month scored at all: a monthly source too young to judge (else the municipality has no months)
            when = recent_months(start, kind)[1]
            if too_young(gm, "month", when):
                said.append(("month", when))
        for part, when in said:
            missing, latest = {}, None
            if part == kind:                     # the run's own week (or month): the periods its sources skipped
                missing = {source: gap_periods(held, start, kind) for source, held in held_of(gm, kind).items()}
            elif part != kind:
                months = mine.loc[(mine["period"] == "month") & (mine["period_start"] <= when), "period_start"]
                latest = months.max() if len(months) else None
            young = too_young(gm, part, when) if latest is None else {}
            out.setdefault(gm, []).append(
                tuple(wording.unjudged_text(part, when, lang, missing, latest, kind, young, OWN_PERIODS)
                      for lang in ("nl", "en")))
        for domain, part, latest in unjudged_domains(mine, start, kind):   # one domain stopped or late, not all
            out.setdefault(gm, []).append(
                tuple(wording.unjudged_domain_text(domain, part, latest, lang) for lang in ("nl", "en")))
        for domain, part, young in _young_domains(mine, start, kind, lambda p, w: too_young(gm, p, w), domains_of):
            out.setdefault(gm, []).append(
                tuple(wording.young_domain_text(domain, part, young, OWN_PERIODS, lang) for lang in ("nl", "en")))
        for domain, part, missing in gaps_before(mine, start, kind, resolve_after):   # flags gone after a gap
            out.setdefault(gm, []).append(tuple(wording.gap_text(domain, part, missing, lang) for lang in ("nl", "en")))
    return out


def _young_domains(mine: pd.DataFrame, start: pd.Timestamp, kind: str, too_young, domains_of: dict[str, set[str]]
                   ) -> list[tuple[str, str, dict]]:
    """(domain, kind, young sources) of the domains a municipality's scores hold no cell of at all while another
    domain of that period type was judged in the run (``flag.current_cells``), whose sources are too young to judge
    (``too_young(kind, when)``: source -> (first, judged from)): police begun this summer beside judged wijkteam
    months. ``flag.unjudged_domains`` speaks of domains with a scored period only, ``flag.unjudged`` of whole period
    types."""
    from pipelines.flag import current_cells, recent_months

    if mine.empty:
        return []
    now = current_cells(mine.assign(period_start=pd.to_datetime(mine["period_start"])), start, kind)
    out = []
    for part in sorted(set(now["period"])):
        when = start if part == kind else recent_months(start, kind)[1]
        scored_domains = set(mine.loc[mine["period"] == part, "domain"])
        by_domain: dict[str, dict] = {}
        for source, young in too_young(part, when).items():
            for domain in domains_of.get(source, ()):
                if domain not in scored_domains:
                    by_domain.setdefault(domain, {})[source] = young
        out += [(domain, part, young) for domain, young in sorted(by_domain.items())]
    return out


def team_notes(con, notes: dict[str, list[tuple[str, str]]], lang: str = "nl",
               run_id: str | None = None) -> dict[str, tuple[str, ...]]:
    """Per team the Dutch (``lang`` en: English) sentences of :func:`unjudged_notes` of its municipalities; with
    ``run_id`` also per team of that run gone from the profile since (renamed or merged: its list of the run is still
    written, and lost the sentences above its rows)."""
    from pipelines.catalog.reports import run_team_municipalities, team_municipalities

    at = 0 if lang == "nl" else 1
    out: dict[str, tuple[str, ...]] = {}
    teams = team_municipalities(con)
    if run_id is not None:
        teams = pd.concat([teams, run_team_municipalities(con, run_id)]).drop_duplicates()
    for team, part in teams.groupby("wijkteam"):
        said = [pair[at] for gm in part["gemeente_code"] for pair in notes.get(gm, [])]
        out[team] = tuple(dict.fromkeys(said))
    return out


def partial_notes(con, run_id: str, most: int = 6) -> dict[str, tuple[str, ...]]:
    """Per team of run ``run_id`` one Dutch sentence naming its buurten whose counts of the marts' latest week or month
    are read as a lower bound (``marts.series_scores.partial``: a buurt left out of a delivery, a suppressed part): on
    the list a rise there is real, but a fall or a quiet period cannot be seen, so a buurt may be missing from it.

    None when the marts hold another run's scores (an earlier week's lists written again after a later run: its
    periods were not the marts'), and each buurt with the team that had it in the run: a buurt moved to another team
    since was named on that team's list of a run that was not its own (red team round 39)."""
    from pipelines import wording
    from pipelines.catalog.reports import marts_run_period

    got = marts_run_period(con)
    if got is None or got[0] != run_id:
        return {}
    rows = catalog.latest_partial_areas(con, run_id)
    out: dict[str, tuple[str, ...]] = {}
    for team, part in rows.groupby("wijkteam", sort=True):
        named = [f"{r.name} ({wording.period_text(r.period_start, r.period)})" for r in part.itertuples(index=False)]
        shown = ", ".join(named[:most]) + (f" en nog {len(named) - most}" if len(named) > most else "")
        out[str(team)] = (f"Niet alle tellingen zijn geleverd voor {shown}: wat de lijst daar toont is een ondergrens "
                          "(minstens); een stijging is echt, maar of het er weer rustig is, is niet te zien.",)
    return out


#: The periods of its own a buurt a later division added has when its series is first scored: its series begins at
#: its own first count (``score.build_panel``) and the detector scores a period once ``history_needed`` periods lie
#: before it (``models.short.moving_baseline``: the 10th), as ``wijkradar detect`` counts them. What a list says of
#: the parts of a split buurt, and ``wijkradar explain`` of a young buurt.
OWN_PERIODS = AutoDetector().history_needed + 1


def _split_notes_of(con, ref) -> dict[str, tuple[str, ...]]:
    """:func:`split_notes` of the profile ``ref``: its mapped old codes and its declared splits."""
    return split_notes(con, list(ref.code_changes["old_code"]), ref.declared_splits)


def split_notes(con, mapped: list[str], declared: pd.DataFrame | None = None) -> dict[str, tuple[str, ...]]:
    """Per team a Dutch sentence on each buurt it followed that the profile split (``catalog.split_buurten``) while its
    parts are not judged yet: the old buurt is judged no more and its running flag of the last list before the split
    ends here, said in words rather than left off (red team 12b, F4), and when the parts can be judged (their series
    begin at their own first counts: :data:`OWN_PERIODS` weeks or months of them). ``mapped``: the old codes of
    ``buurtcode_wijzigingen.csv`` (a renumbered or merged buurt is no split); ``declared``: its lines of kind
    ``splitsing`` (``old_code``, ``part``).

    A wijkteam's export holds only its own areas (red team 13a F1: two buurten of one wijk split at once, and each
    team read the other's buurt and flag). The old code is named to the team that followed it (the team of its risk
    rows or flags on the last run before the split; where no run scored it, the teams of its parts), a part only to
    its own team, a running flag only to the team whose list held it. A part whose old buurt another team followed
    is said to come from a split buurt of another team. Where the warehouse cannot tell which buurten replace the old
    one (several buurten of its wijk removed at once, none declared), the old team reads that it is split into new
    buurten of its wijk, naming none."""
    from pipelines import wording

    splits = catalog.split_buurten(con, mapped, declared)
    # a declared split of a code this warehouse's profile never held (an earlier division's) is no news to a team
    splits = splits[splits["removed_at"].notna()]
    if splits.empty:
        return {}
    progress = catalog.split_progress(con, sorted(set(splits["part"])))
    running = catalog.running_flags_before(con, sorted(set(splits["old_code"])))
    followed = catalog.teams_before(con, sorted(set(splits["old_code"])))
    out: dict[str, list[str]] = {}
    for old, parts in splits.groupby("old_code", sort=True):
        own = progress[progress["area_code"].isin(parts["part"])]
        if len(own) and own["scored"].all():
            continue                      # every part with counts is judged: they are ordinary buurten now
        paired = bool(parts["paired"].all())
        flags = running[running["area_code"] == old]
        owners = ({followed[old]} if old in followed else set(parts["wijkteam"].dropna()) if paired else set())
        owners |= set(flags["wijkteam"])
        if own.empty:
            judged = (f"De nieuwe buurten worden beoordeeld zodra ze {OWN_PERIODS} weken (of maanden) eigen "
                      "tellingen hebben; er zijn nog geen tellingen onder de nieuwe codes geleverd.")
        elif not paired:
            judged = f"De nieuwe buurten worden beoordeeld zodra ze {OWN_PERIODS} weken (of maanden) eigen tellingen hebben."
        else:
            waiting = own[~own["scored"]]
            firsts = waiting.groupby("period")["first_own"].min().sort_index(ascending=False)   # weeks first
            when = [f"{_judged_from(first, kind)} ({'weeksignalen' if kind == 'week' else 'maandsignalen'})"
                    for kind, first in firsts.items()]
            judged = (f"De nieuwe buurten worden beoordeeld zodra ze {OWN_PERIODS} weken (of maanden) eigen "
                      f"tellingen hebben: op zijn vroegst vanaf {wording.and_nl(when)}.")
        if paired:
            log.info("%s was split into %s: the lists of its teams say it is judged no more as one%s", old,
                     ", ".join(parts["part"]), f" and that its {len(flags)} running flag(s) ended" if len(flags) else "")
        else:
            log.warning("%s was split in a profile change that removed other buurten of %s too, so its parts are not "
                        "known: declare them in buurtcode_wijzigingen.csv (a line per part, kind splitsing)", old,
                        parts["wijk_code"].iloc[0])
        for team in sorted(owners | (set(parts["wijkteam"].dropna()) if paired else set())):
            mine = parts[parts["wijkteam"] == team] if paired else parts.iloc[:0]
            names = [f"{r.name} ({r.part})" for r in mine.itertuples(index=False)]
            if team not in owners:        # its part came from another team's buurt: that buurt is not named
                said = [f"{wording.and_nl(names)} {'is' if len(names) == 1 else 'zijn'} in de nieuwe buurtindeling "
                        "ontstaan uit de splitsing van een buurt van een ander wijkteam.", judged]
                out.setdefault(str(team), []).append(" ".join(said))
                continue
            if paired:
                # a team's list names only its own buurten: a part another team now follows is counted, not named
                others = len(parts) - len(mine)
                if others:
                    names.append(f"{others} buurt{'en' if others > 1 else ''} van een ander wijkteam")
                into = wording.and_nl(names)
            else:
                wijk = parts["wijk_name"].iloc[0]
                into = f"nieuwe buurten van {wijk if isinstance(wijk, str) and wijk else parts['wijk_code'].iloc[0]}"
            said = [f"Buurt {old} is in de nieuwe buurtindeling gesplitst in {into} en wordt niet meer als "
                    "één buurt beoordeeld."]
            mine_flags = flags[flags["wijkteam"] == team]
            if len(mine_flags):
                shown = [f"{f.level or 'nazorg'} {wording.DOMAIN['nl'].get(f.domain, f.domain)}, sinds "
                         f"{wording.period_text(f.since, f.period)}" for f in mine_flags.itertuples(index=False)]
                said.append(f"{'Het lopende signaal' if len(shown) == 1 else 'De lopende signalen'} van {old} "
                            f"({'; '.join(shown)}; laatst op de lijst van {mine_flags['run_period'].iloc[0]}) "
                            f"{'is' if len(shown) == 1 else 'zijn'} daarom beëindigd: buurt gesplitst.")
            said.append(judged)
            out.setdefault(str(team), []).append(" ".join(said))
    return {team: tuple(said) for team, said in out.items()}


def judged_from(first, kind: str) -> pd.Timestamp:
    """The start of the first week (month) a series whose own first count is of ``first`` can be scored
    (:data:`OWN_PERIODS`)."""
    step = pd.Timedelta(weeks=OWN_PERIODS - 1) if kind == "week" else pd.DateOffset(months=OWN_PERIODS - 1)
    return pd.Timestamp(first) + step


def _judged_from(first, kind: str) -> str:
    """:func:`judged_from` as a person reads it."""
    from pipelines import wording

    return wording.period_text(judged_from(first, kind), kind)


def shared_notes(con, settings: dict) -> dict[str, tuple[str, ...]]:
    """Per team one Dutch sentence on the signals its municipality's run found risen in most buurten at once
    (``models.shared``, recorded in the run's settings as ``shared_shifts``): its buurten are listed only where they
    rise beyond that, so the list says it once."""
    from pipelines import wording
    from pipelines.catalog.reports import team_municipalities

    found = settings.get("shared_shifts") or {}
    if not found:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for team, part in team_municipalities(con).groupby("wijkteam"):
        said = [wording.shared_shift_text(found[gm]) for gm in part["gemeente_code"] if found.get(gm)]
        if said:
            out[str(team)] = tuple(dict.fromkeys(said))
    return out


def english_notes(notes: dict[str, list[tuple[str, str]]]) -> list[str]:
    """The English sentences of :func:`unjudged_notes`, each after its municipality's code (a region's run judges
    each municipality apart)."""
    return [f"{gm}: {english}" for gm, said in sorted(notes.items()) for _, english in said]
