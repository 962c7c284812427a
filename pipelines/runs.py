"""One scoring run: score every series, flag the run's period, record the run - all in one transaction.

A run is identified by what it saw (the loads and the teams' answers), the settings and the reference
version. Running again on the same inputs finds the recorded run and writes nothing, so re-running any
flow on the same input changes no table.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from pipelines import catalog
from pipelines.feedback import feedback_digest, read_answers
from pipelines.flag import FLAG_COLUMNS, STATUS_ORDER, run_period
from pipelines.reference import Reference
from pipelines.warehouse import transaction

#: Bump when scoring or flagging logic changes in a way that changes results for the same inputs.
LOGIC_VERSION = "2"


@dataclass(frozen=True)
class Run:
    run_id: str
    run_period: str
    finished_at: datetime
    reused: bool
    n_series: int
    n_scored: int
    n_flags: int


def run_key(con: duckdb.DuckDBPyConnection, ref: Reference) -> tuple[str, list[str], dict]:
    loads = sorted(catalog.loads(con)["load_id"].tolist())
    from pipelines.score import detectors        # the models (scipy, scikit-learn) only when a run is keyed

    settings = {p: {"method": d.method, **d.get_params()} for p, d in detectors().items()}
    settings["budget"] = ref.budget.as_dict()
    settings["reference_version"] = ref.version
    settings["logic_version"] = LOGIC_VERSION
    answers = feedback_digest(con)
    if answers is not None:                 # new answers on the lists: the next run re-flags
        settings["feedback_version"] = answers
    blob = json.dumps({"loads": loads, "settings": settings}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest(), loads, settings


def find_run(con: duckdb.DuckDBPyConnection, run_key: str | None = None, period: str | None = None) -> Run | None:
    """A recorded run: the one with ``run_key``, else the latest (of ``period``); None if there is none."""
    r = catalog.latest_run(con, run_key=run_key, period=period)
    return None if r is None else Run(r[0], r[1], r[2], True, r[3], r[4], r[5])


def score_and_flag(con: duckdb.DuckDBPyConnection, ref: Reference, mapper=None) -> Run:
    """Score every series and flag the run's period, or return the identical earlier run.

    ``mapper(fn, blocks)`` runs the scoring blocks (one per period type and municipality) elsewhere,
    e.g. on a Dask cluster; the warehouse stays the single writer and the results are the same.
    """
    key, loads, settings = run_key(con, ref)
    found = find_run(con, run_key=key)
    if found is not None:
        return found
    started = datetime.now().replace(microsecond=0)
    buurten = ref.buurten["area_code"].tolist()
    group_of = dict(zip(ref.buurten["area_code"], ref.buurten["gemeente_code"]))
    from pipelines import flag, score

    scored = score.score_counts(catalog.read_counts(con), buurten, group_of, mapper)
    label, _ = run_period(scored.scores)
    run_id = f"{label}-{key[:8]}"
    evidence, flags = flag.flag_run(scored.scores, ref, ref.budget, feedback=read_answers(con))
    flags_rows = flags.assign(run_id=run_id)[["run_id", *FLAG_COLUMNS]]
    evidence_rows = evidence[["area_code", "domain", "period", "period_start", "p_domain", "q", "score", "level",
                              "status", "since"]]
    finished = datetime.now().replace(microsecond=0)
    run = dict(run_id=run_id, run_key=key, started_at=started, finished_at=finished, run_period=label,
               loads=json.dumps(loads), settings=json.dumps(settings, sort_keys=True), n_series=scored.n_series,
               n_scored=len(scored.scores), n_flags=len(flags))
    with transaction(con):
        catalog.write_run(con, run, scored.scores, evidence_rows, flags_rows)
    return Run(run_id, label, finished, False, scored.n_series, len(scored.scores), len(flags))


def read_flags(con: duckdb.DuckDBPyConnection, run_id: str | None = None, team: str | None = None,
               period: str | None = None) -> pd.DataFrame:
    """Flags of one run (default: the latest run, or the latest run of ``period``), joined with names."""
    if run_id is None:
        run = find_run(con, period=period)
        if run is None:
            return pd.DataFrame()
        run_id = run.run_id
    return catalog.read_flags(con, run_id, team, STATUS_ORDER)
