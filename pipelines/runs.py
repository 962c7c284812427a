"""One scoring run: score every series, flag the run's period, record the run - all in one transaction.

A run is identified by what it saw (the loads and the teams' answers), the settings and the reference
version. Running again on the same inputs finds the recorded run and writes nothing, so re-running any
flow on the same input changes no table.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines import catalog, wording
from pipelines.clock import local_today
from pipelines.feedback import feedback_digest, read_answers
from pipelines.flag import FLAG_COLUMNS, STATUS_ORDER
from pipelines.parallel import process_pool, workers_for
from pipelines.reference import Reference
from pipelines.warehouse import transaction

log = logging.getLogger("wijkradar.runs")
EVIDENCE_COLUMNS = ["area_code", "domain", "period", "period_start", "p_domain", "q", "score", "level", "status",
                    "since"]

#: Bump when scoring or flagging logic changes in a way that changes results for the same inputs.
LOGIC_VERSION = "22"


@dataclass(frozen=True)
class Run:
    run_id: str
    run_period: str
    finished_at: datetime
    reused: bool
    n_series: int
    n_scored: int
    n_flags: int
    #: what the run says about its inputs (the periods a source never delivered: left out, not zeros)
    notes: tuple[str, ...] = ()


def run_key(con: duckdb.DuckDBPyConnection, ref: Reference,
            run_period: str | None = None) -> tuple[str, list[str], dict]:
    loads = sorted(catalog.loads(con)["load_id"].tolist())
    from pipelines.score import detectors        # the models (scipy, scikit-learn) only when a run is keyed

    settings = {p: {"method": d.method, **d.get_params()} for p, d in detectors().items()}
    settings["budget"] = ref.budget.as_dict()
    settings["score"] = asdict(ref.score_settings)
    settings["reference_version"] = ref.version
    settings["logic_version"] = LOGIC_VERSION
    answers = feedback_digest(con)
    if answers is not None:                 # new answers on the lists: the next run re-flags
        settings["feedback_version"] = answers
    if run_period is not None:              # the same loads a week later: the week they left open is complete now
        settings["run_period"] = run_period
    blob = json.dumps({"loads": loads, "settings": settings}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest(), loads, settings


def run_scope(con: duckdb.DuckDBPyConnection, settings: dict, today: pd.Timestamp) -> str:
    """What a run reads for its own periods: the counts of the weeks and months that had ended by ``today`` (as
    :func:`complete_periods` scores them), the structural figures' loads (CBS KWB, which the risk reads) and the
    settings (the run's period, the answers' digest and the reference version among them).

    Loads of later periods leave it as it is: an earlier week run again after a later delivery finds its run,
    unless that delivery changed a count of the week's history (late rows, a correction, a full window)."""
    from models.calendar import period_start
    from pipelines.sources import SOURCES

    when = pd.Series([today])
    counts = catalog.counts_digest(con, period_start(when, "week")[0].date(), period_start(when, "month")[0].date())
    all_loads = catalog.loads(con)
    structural = sorted(all_loads.loc[all_loads["source"].map(
        lambda s: hasattr(SOURCES.get(s), "write_core")), "load_id"])
    blob = json.dumps({"counts": counts, "structural": structural, "settings": settings}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def find_run(con: duckdb.DuckDBPyConnection, run_key: str | None = None, period: str | None = None,
             scope_key: str | None = None) -> Run | None:
    """A recorded run: the one with ``run_key``, else the latest of ``period`` (with ``scope_key``: that read the
    same for its periods, :func:`run_scope`), else the latest; None if there is none."""
    r = catalog.latest_run(con, run_key=run_key, period=period, scope_key=scope_key)
    return None if r is None else Run(r[0], r[1], r[2], True, r[3], r[4], r[5])


def delivered_ranges(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``catalog.count_ranges`` with each weekly source's last week the newest week its deliveries cover, with
    reports or without (``delivered.with_delivered_weeks``): the run's week is the newest week delivered, so a week
    in which nobody in a small municipality reported anything gets its own list instead of an older week's."""
    from pipelines.catalog.windows import delivered_weeks
    from pipelines.delivered import with_delivered_weeks

    return with_delivered_weeks(catalog.count_ranges(con), delivered_weeks(con))


def complete_periods(grid: dict[tuple[str, str], tuple[int, int]], today: pd.Timestamp) -> dict:
    """``grid`` without the periods that have not ended by ``today``: the week and the month holding it.

    Counts of a week that has begun (five reports of Monday) are stored, but scored only once the week is
    over: read as a whole week they look like a collapse of every signal, and the run's week would move
    to it."""
    from models.calendar import period_index, period_start

    out = {}
    for (period, source), (lo, hi) in grid.items():
        current = int(period_index(period_start(pd.Series([today]), period), period)[0])
        if min(hi, current - 1) >= lo:
            out[(period, source)] = (lo, min(hi, current - 1))
    return out


def score_and_flag(con: duckdb.DuckDBPyConnection, ref: Reference, mapper=None, batch: int = 8,
                   workers: int | None = None, today: pd.Timestamp | None = None,
                   only_run: str | None = None) -> Run | None:
    """Score every series and flag the run's period, or return the identical earlier run.

    The marts' series scores and area evidence are those of one run (``meta.marts_run``): the identical earlier
    run whose scores another run has replaced since is scored again (scoring is deterministic), its flags kept.
    ``only_run``: only find that run again (re-scoring its marts when needed); None when the inputs now make
    another run.

    Streams per municipality: each one is scored, flagged (its own false-discovery budget) and written before
    the next, so memory holds a few municipalities at a time, all inside one transaction (all or nothing).
    Scoring runs elsewhere while this process flags and writes: ``mapper(fn, blocks)`` (e.g. Dask through the
    flow's task runner), else a pool of ``workers`` local processes (default: one per core, at most 2) when
    there are several municipalities. The warehouse stays the single writer and the results are the same.
    Only periods that have ended by ``today`` (default: now) are scored (:func:`complete_periods`).
    """
    from pipelines import flag, score

    today = pd.Timestamp(today if today is not None else local_today()).normalize()
    from pipelines.ingest import run_pending_upgrades     # an older warehouse's one-time upgrades

    run_pending_upgrades(con, ref, today)
    ranges = delivered_ranges(con)
    if ranges.empty:
        raise score.NothingToScore("there are no signal counts in the warehouse yet; load files first "
                           "(wijkradar ingest or run)")
    grid = complete_periods(score.grid_of(ranges), today)
    if not grid:
        raise score.NothingToScore(f"no week or month with counts has ended before {today.date()}; the lists are made "
                           "once the first one is complete (run again next week)")
    label, run_start = flag.run_period_of(grid)
    key, loads, settings = run_key(con, ref, label)
    scope = run_scope(con, settings, today)
    found = find_run(con, run_key=key) or find_run(con, scope_key=scope, period=label)
    if found is not None and catalog.marts_run(con) == found.run_id:
        return found
    if only_run is not None and (found is None or found.run_id != only_run):
        return None
    started = catalog.recorded_now(con, whole_seconds=True)
    run_id = found.run_id if found is not None else f"{label}-{key[:8]}"
    group_of = dict(zip(ref.buurten["area_code"], ref.buurten["gemeente_code"]))
    groups = score.groups_of(ref.buurten["area_code"].tolist(), group_of)
    counts_of = _counts_by_group(catalog.read_counts_table(con), group_of, list(groups))
    names = [g for g in groups if g in counts_of]
    answers = read_answers(con)
    listed = catalog.listed_months(con, before=run_start)   # a monthly flag is aanhoudend once a list held it
    revised = catalog.redelivered_months(con, run_start)     # its month delivered again since: "herzien" if gone
    episodes = catalog.listed_episodes(con, run_start)       # the "Sinds" the lists showed: an episode keeps it
    partial = catalog.partial_totals(con)                    # counts read as a lower bound: "minstens"
    provisional = catalog.provisional_counts(con)            # the police's latest months: "(voorlopig cijfer)"
    young = catalog.added_buurten(con)                       # buurten of a later division: series from their start

    missing: dict = {}
    strays: set = set()

    def work_of(g: str) -> list:
        work = [replace(b, group=g) for b in score.blocks(counts_of.pop(g)(), groups[g], None, ref.score_settings,
                                                          grid, young)]
        for key, labels in score.missing_of(work).items():
            missing.setdefault(key, set()).update(labels)
        strays.update(score.strays_of(work))
        return work

    totals = {"series": 0, "scored": 0, "flags": 0}
    scales: dict[str, float] = {}
    shifts: dict[str, list[dict]] = {}
    clock, done = time.monotonic(), 0
    with _scorer(mapper, workers if len(names) > 1 else 0) as run_blocks, transaction(con):
        catalog.clear_run_marts(con, run_id)
        size = batch if mapper is not None else 1
        for chunk, work, results in _pipelined([names[i:i + size] for i in range(0, len(names), size)],
                                               work_of, run_blocks):
            for g in chunk:
                mine = [(b, r) for b, r in zip(work, results) if b.group == g]
                if not mine:
                    continue
                scored = score.combine([b for b, _ in mine], [r for _, r in mine])
                if len(names) == 1:          # a sign of life in the longest step (Amsterdam: 50 s without one)
                    log.info("scored %d series in %.0f s; flagging them", scored.n_series, time.monotonic() - clock)
                scored = replace(scored, scores=score.mark_provisional(score.mark_partial(scored.scores, partial),
                                                                       provisional))
                evidence, flags = flag.flag_run(scored.scores, ref, ref.budget, feedback=answers,
                                               run=(label, run_start), listed_before=listed,
                                               revised=revised, listed_episodes=episodes)
                catalog.append_run_marts(con, scored.scores[score.SCORE_COLUMNS], evidence[EVIDENCE_COLUMNS],
                                         None if found is not None else
                                         flags.assign(run_id=run_id)[["run_id", *FLAG_COLUMNS]])
                shared = evidence.attrs.get("shared_shifts")
                if shared:                        # said once per municipality: the log and the lists
                    shifts[g] = [_shift_record(r) for r in shared]
                    log.warning("%s", wording.shared_shift_text(shifts[g], "en", g))
                # the factors the run set the levels to, per team (``Budget.chance_entries``)
                scales.update({str(t): float(v) for t, v in evidence["level_scale"].groupby(
                    evidence["area_code"].map(ref.teams)).first().items()})
                totals["series"] += scored.n_series
                totals["scored"] += len(scored.scores)
                totals["flags"] += len(flags)
            done += len(chunk)
            if len(names) > 1 and (time.monotonic() - clock > 30 or done == len(names)):
                log.info("scored and flagged %d of %d municipalities (%d series, %d flags so far)",
                         done, len(names), totals["series"], totals["flags"])
                clock = time.monotonic()
        if not totals["series"]:
            raise score.NothingToScore("there are no signal counts for the profile's buurten; load files first "
                               "(wijkradar ingest or run)")
        for note in (score.stray_note(strays), score.undelivered_note(missing)):
            if note:                      # once per run, for every municipality and source together
                log.warning("%s", note)
        if found is not None:             # scored again (deterministic): its flags and its row are stored
            log.info("run %s found again; its series scores and area evidence, replaced since by another run's, "
                     "were scored again", run_id)
            return found
        if scales and ref.budget.chance_entries > 0 and all(v == 1.0 for v in scales.values()):
            log.info("the lists' levels are as given: setting them on the teams' scored past (chance_entries) takes a "
                     "year of scored weeks before the last 4 (the history is shorter, or score_weeks %d)",
                     ref.score_settings.score_weeks)
        elif scales and ref.budget.chance_entries > 0:
            factors = np.array(list(scales.values()))
            log.info("the lists' levels were set on each team's scored past to %g entries a week: %s",
                     ref.budget.chance_entries,
                     ", ".join(f"{t} x{v:g}" for t, v in sorted(scales.items())) if len(scales) <= 12 else
                     f"x{factors.min():g} to x{factors.max():g} the given levels over {len(scales)} teams "
                     f"(median x{np.median(factors):g})")
        settings = {**settings, "level_scale": scales}     # what the run found, after its key: a factor per team
        if shifts:                        # and per municipality the signals risen in most of its buurten at once
            settings["shared_shifts"] = shifts
        finished = max(catalog.recorded_now(con, whole_seconds=True), started)
        catalog.record_run(con, dict(run_id=run_id, run_key=key, started_at=started, finished_at=finished,
                                     run_period=label, loads=json.dumps(loads),
                                     settings=json.dumps(settings, sort_keys=True), n_series=totals["series"],
                                     n_scored=totals["scored"], n_flags=totals["flags"], today=today.date(),
                                     scope_key=scope))
        catalog.lists_started(con, label, run_id)     # its lists are owed until the export has written them all
    return Run(run_id, label, finished, False, totals["series"], totals["scored"], totals["flags"],
               (note,) if note else ())


def restore_current_marts(con: duckdb.DuckDBPyConnection, ref: Reference, mapper=None,
                          workers: int | None = None) -> str | None:
    """Give the marts back to the current run (:func:`find_run`: of the latest period) after a run of an earlier
    period replaced its series scores and area evidence: they are scored again, as that run scored them.
    Returns a sentence when that cannot be done (the warehouse changed since that run), else None."""
    current = find_run(con)
    if current is None or catalog.marts_run(con) in (None, current.run_id):
        return None
    from pipelines.score import NothingToScore

    today = catalog.run_today(con, current.run_id)
    try:
        again = None if today is None else score_and_flag(con, ref, mapper=mapper, workers=workers,
                                                         today=pd.Timestamp(today), only_run=current.run_id)
    except NothingToScore:
        again = None
    if again is not None and again.run_id == current.run_id:
        return None
    why = "made before wijkradar kept the day a run took as today" if today is None else "whose inputs changed since"
    return (f"explain and the reports now show the scores of this run, not of run {current.run_id} (the latest "
            f"period), {why}; run `wijkradar run` for the current week to score it anew")


def _shift_record(row: dict) -> dict:
    """A shared shift of the run's period (``flag.run_shifts``) as the run's settings record it (JSON)."""
    return {"signal": str(row["signal"]), "label_nl": str(row["label_nl"]), "label_en": str(row["label_en"]),
            "period": str(row["period"]), "factor": round(float(row["factor"]), 2),
            "since": pd.Timestamp(row["since"]).date().isoformat()}


def _counts_by_group(table: pa.Table, group_of: dict[str, str], names: list[str]) -> dict:
    """Group -> a function giving that group's counts as a DataFrame; the counts stay one compact Arrow table
    until a group's turn (counts of areas outside the profile are left out, as they have no series)."""
    area = table.column("area_code").combine_chunks()
    index = {g: i for i, g in enumerate(names)}
    value_group = np.array([index.get(group_of.get(v), -1) for v in area.dictionary.to_pylist()], dtype=np.int64)
    gid = value_group[area.indices.to_numpy(zero_copy_only=False)] if len(area) else np.empty(0, dtype=np.int64)
    order = np.argsort(gid, kind="stable")
    ordered = gid[order]
    out = {}
    for g, i in index.items():
        lo, hi = np.searchsorted(ordered, i, "left"), np.searchsorted(ordered, i, "right")
        if hi > lo:
            out[g] = lambda rows=order[lo:hi]: _plain(table.take(pa.array(rows)))
    return out


def _plain(part: pa.Table) -> pd.DataFrame:
    frame = part.to_pandas(date_as_object=False)
    for name in ("area_code", "signal", "period", "source"):
        frame[name] = frame[name].astype(str)
    return frame


@contextmanager
def _scorer(mapper, workers: int | None):
    """``run_blocks(blocks) -> () -> results``: starts scoring the blocks now, hands the results over later."""
    from pipelines import score

    if mapper is not None:
        yield lambda work: (lambda: mapper(score.score_block, work))
        return
    workers = workers_for(workers)
    if workers <= 1:
        yield lambda work: (lambda: [score.score_block(b) for b in work])
        return
    with process_pool(workers) as pool:
        def run_blocks(work):
            futures = [pool.submit(score.score_block, b) for b in work]
            return lambda: [f.result() for f in futures]
        yield run_blocks


def _pipelined(chunks: list[list[str]], work_of, run_blocks):
    """(chunk, blocks, results) per chunk, in order; the next chunk is scoring while the caller handles one."""
    pending = None
    for chunk in chunks:
        work = [b for g in chunk for b in work_of(g)]
        started = (chunk, work, run_blocks(work))
        if pending is not None:
            yield pending[0], pending[1], pending[2]()
        pending = started
    if pending is not None:
        yield pending[0], pending[1], pending[2]()


def read_flags(con: duckdb.DuckDBPyConnection, run_id: str | None = None, team: str | None = None,
               period: str | None = None) -> pd.DataFrame:
    """Flags of one run (default: the latest run, or the latest run of ``period``), joined with names."""
    if run_id is None:
        run = find_run(con, period=period)
        if run is None:
            return pd.DataFrame()
        run_id = run.run_id
    return catalog.read_flags(con, run_id, team, STATUS_ORDER)
