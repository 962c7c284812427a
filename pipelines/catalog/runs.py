"""Scoring runs (``meta.runs``) and the marts they write: series scores, area evidence, area flags."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame, registered

Con = duckdb.DuckDBPyConnection
RUN_COLUMNS = "run_id, run_period, finished_at, n_series, n_scored, n_flags"
RUN_ROW = ("run_id", "run_key", "started_at", "finished_at", "run_period", "loads", "settings", "n_series",
           "n_scored", "n_flags", "today", "scope_key")
LEVEL_RANK = "CASE f.level WHEN 'alarm' THEN 0 WHEN 'aandacht' THEN 1 ELSE 2 END"


#: The last day of a run's period (``2026-W47``: Sunday 2026-11-22; ``2026-10``: 2026-10-31), in SQL: the latest
#: run is the one of the latest period, then the one that finished last.
_JAN4 = "make_date(left(run_period, 4)::INTEGER, 1, 4)"          # always in ISO week 1
PERIOD_END = ("CASE WHEN run_period LIKE '%-W%' THEN "
              f"{_JAN4} - (isodow({_JAN4}) - 1)::INTEGER + (right(run_period, 2)::INTEGER * 7 - 1) "
              "ELSE last_day(make_date(left(run_period, 4)::INTEGER, right(run_period, 2)::INTEGER, 1)) END")
# finished_at is kept to the second: two runs of one second are told apart by insertion order (meta.runs is
# append-only), not by run_id, which is a hash
LATEST = f"ORDER BY {PERIOD_END} DESC, finished_at DESC, rowid DESC LIMIT 1"


#: a clock behind the warehouse's latest recorded time by at most this much went back (the night the clocks go back
#: repeats an hour; a time server's correction): the times recorded go on from the latest instead. Further behind, the
#: clock was wrong before (a machine's date set years ahead once), and the times follow the clock again
CLOCK_BACK_LIMIT = timedelta(hours=2)


def recorded_now(con: Con, whole_seconds: bool = False) -> datetime:
    """The process's local time for a run or an answer to record, never at or before the latest such time the warehouse
    holds (within :data:`CLOCK_BACK_LIMIT`): runs are current and answers win by these times, and the hour the clocks go
    back made a team's corrected answer, imported thirty minutes after the first, read 02:10 against 02:40 and lose
    (red team 10b F4)."""
    now = datetime.now()
    now = now.replace(microsecond=0) if whole_seconds else now
    latest = con.execute("SELECT greatest(max(started_at), max(finished_at), (SELECT max(imported_at) FROM "
                         "meta.flag_feedback)) FROM meta.runs").fetchall()[0][0]
    if latest is not None and now <= latest <= now + CLOCK_BACK_LIMIT:
        now = latest + (timedelta(seconds=1) if whole_seconds else timedelta(microseconds=1))
        now = now.replace(microsecond=0) if whole_seconds else now
    return now


def latest_run(con: Con, run_key: str | None = None, period: str | None = None,
               scope_key: str | None = None, run_id: str | None = None) -> tuple | None:
    """(run_id, run_period, finished_at, n_series, n_scored, n_flags) of the run with ``run_key``, else the
    latest (of ``period``; with ``scope_key``, only if that latest one has it: a run a later one of its period
    replaced is not taken up again): of the latest period, then the last finished; None if there is none. With
    ``run_id``: that run (of ``period``, when given)."""
    where, args = "", []
    if run_id is not None:
        where, args = ("WHERE run_id = ?", [run_id]) if period is None else \
            ("WHERE run_id = ? AND run_period = ?", [run_id, period])
    elif run_key is not None:
        where, args = "WHERE run_key = ?", [run_key]
    elif period is not None and scope_key is not None:
        got = con.execute(f"SELECT {RUN_COLUMNS}, scope_key FROM meta.runs WHERE run_period = ? {LATEST}",
                          [period]).fetchall()
        return got[0][:-1] if got and got[0][-1] == scope_key else None
    elif period is not None:
        where, args = "WHERE run_period = ?", [period]
    got = con.execute(f"SELECT {RUN_COLUMNS} FROM meta.runs {where} {LATEST}", args).fetchall()
    return got[0] if got else None


def last_run(con: Con) -> tuple | None:
    """The current run (for ``status``): of the latest period, then the last finished."""
    return latest_run(con)


def marts_run(con: Con) -> str | None:
    """The run whose series scores and area evidence the marts hold."""
    got = con.execute("SELECT run_id FROM meta.marts_run").fetchall()
    return got[0][0] if got else None


def run_today(con: Con, run_id: str):
    """The day a run took as today (None for runs made before schema version 13)."""
    got = con.execute("SELECT today FROM meta.runs WHERE run_id = ?", [run_id]).fetchall()
    return got[0][0] if got else None


def run_exists(con: Con, run_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.runs WHERE run_id = ?", [run_id]).fetchall()[0][0])


def run_finished_at(con: Con, run_id: str) -> datetime | None:
    rows = con.execute("SELECT finished_at FROM meta.runs WHERE run_id = ?", [run_id]).fetchall()
    return rows[0][0] if rows else None


def run_periods(con: Con) -> list[str]:
    """Periods with a run, latest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT run_period FROM meta.runs ORDER BY 1 DESC").fetchall()]


def run_period(con: Con, run_id: str) -> str:
    """The period of run ``run_id``."""
    return con.execute("SELECT run_period FROM meta.runs WHERE run_id = ?", [run_id]).fetchall()[0][0]


def run_loads_and_settings(con: Con, run_id: str) -> tuple[dict, list[str]]:
    """The settings a run recorded and the load ids it saw."""
    settings, load_ids = con.execute("SELECT settings, loads FROM meta.runs WHERE run_id = ?",
                                     [run_id]).fetchall()[0]
    return json.loads(settings), json.loads(load_ids)


def clear_run_marts(con: Con, run_id: str) -> None:
    """Empty the series scores and area evidence before run ``run_id`` writes its own (inside its transaction)."""
    con.execute("DELETE FROM marts.series_scores")
    con.execute("DELETE FROM marts.area_evidence")
    con.execute("DELETE FROM meta.marts_run")
    con.execute("INSERT INTO meta.marts_run VALUES (?)", [run_id])


def append_run_marts(con: Con, scores: pd.DataFrame, evidence: pd.DataFrame, flags: pd.DataFrame | None) -> None:
    """One block of a run (a municipality): its series scores, area evidence and flags (None: a run scored again,
    whose flags are stored)."""
    insert_frame(con, "marts.series_scores", scores)
    insert_frame(con, "marts.area_evidence", evidence)
    if flags is not None:
        insert_frame(con, "marts.area_flags", flags)


def record_run(con: Con, run: dict) -> None:
    """The run's row in ``meta.runs`` (``run``: its columns by name), written last, in the same transaction."""
    con.execute(f"INSERT INTO meta.runs ({', '.join(RUN_ROW)}) VALUES ({', '.join('?' * len(RUN_ROW))})",
                [run[c] for c in RUN_ROW])


def lists_started(con: Con, run_period: str, run_id: str) -> None:
    """``meta.lists``: the period's lists are (to be) those of ``run_id``, not yet all written. Kept as it is when
    it already records that run's lists as written: the folder holds them whole until a new set replaces it, so a
    re-run on the same input changes nothing. Called in a new run's transaction and before an export."""
    con.execute("INSERT INTO meta.lists VALUES (?, ?, NULL) ON CONFLICT (run_period) DO UPDATE "
                "SET run_id = excluded.run_id, written_at = NULL "
                "WHERE meta.lists.run_id <> excluded.run_id OR meta.lists.written_at IS NULL", [run_period, run_id])


def lists_written(con: Con, run_period: str, run_id: str) -> None:
    """``meta.lists``: every list of ``run_id`` is in ``exports/<run_period>/`` (the set was swapped in whole)."""
    con.execute("UPDATE meta.lists SET written_at = ? WHERE run_period = ? AND run_id = ? AND written_at IS NULL",
                [datetime.now().replace(microsecond=0), run_period, run_id])


def unwritten_lists(con: Con) -> list[tuple[str, str]]:
    """``(run_period, run_id)`` of the periods whose run's lists were not all written, latest period first."""
    return [tuple(r) for r in con.execute(
        "SELECT run_period, run_id FROM meta.lists WHERE written_at IS NULL ORDER BY run_period DESC").fetchall()]


def read_flags(con: Con, run_id: str, team: str | None = None, status_order: dict | None = None) -> pd.DataFrame:
    """Flags of one run with the area names, in list order: team, level, status (``status_order``), score."""
    status_order = status_order or {}
    status_rank = " ".join(f"WHEN '{s}' THEN {i}" for s, i in status_order.items())
    # without an order no status term (a bare 0 in ORDER BY is a column position DuckDB refuses)
    status_case = f"CASE f.status {status_rank} ELSE {len(status_order)} END, " if status_order else ""
    return con.execute(
        f"""
        SELECT f.*, a.name
        FROM marts.area_flags f
        JOIN core.areas a USING (area_code)
        WHERE f.run_id = ? AND (? IS NULL OR f.wijkteam = ?)
        ORDER BY f.wijkteam, {LEVEL_RANK}, {status_case}f.score DESC, f.area_code, f.domain
        """,
        [run_id, team, team],
    ).df()


def listed_statuses(con: Con, run_period: str, code: str) -> pd.DataFrame:
    """``domain, period, period_start, level, status`` of ``code``'s flags on the lists of the latest run of
    ``run_period`` (the level and status a team read there, its answers applied); empty without such a run."""
    return con.execute(
        "SELECT domain, period, period_start, level, status FROM marts.area_flags WHERE area_code = ? AND run_id = "
        f"(SELECT run_id FROM meta.runs WHERE run_period = ? {LATEST})", [code, run_period]).df()


def listed_months(con: Con, before: pd.Timestamp | None = None) -> pd.DataFrame:
    """``run_period``, ``area_code``, ``domain``, ``period_start``: the monthly flags every run's lists held (with
    ``before``: the runs of a period starting before it, the lists a team had seen by then)."""
    listed = con.execute("SELECT DISTINCT r.run_period, f.area_code, f.domain, f.period_start FROM marts.area_flags f "
                         "JOIN meta.runs r USING (run_id) WHERE f.period = 'month'").df()
    return listed if before is None else seen_before(listed, before)


def listed_episodes(con: Con, before: pd.Timestamp) -> pd.DataFrame:
    """``area_code, domain, period, period_start, since, status``: per buurt, domain and period type the row the latest
    list of a run of a period starting before ``before`` held (the latest run of that period), as it was sent: where
    an episode stood on the lists, and the "Sinds" the team knows it by."""
    from models.calendar import parse_period_label

    columns = ["area_code", "domain", "period", "period_start", "since", "status"]
    listed = con.execute("SELECT f.area_code, f.domain, f.period, f.period_start, f.since, f.status, r.run_period, "
                         "r.finished_at FROM marts.area_flags f JOIN meta.runs r USING (run_id)").df()
    if listed.empty:
        return pd.DataFrame(columns=columns)
    listed = listed.assign(_start=listed["run_period"].map(lambda p: parse_period_label(p)[1]))
    listed = listed[(listed["_start"] < pd.Timestamp(before)).astype(bool)]
    return (listed.sort_values(["_start", "finished_at"], kind="stable")
            .groupby(["area_code", "domain", "period"]).tail(1)[columns].reset_index(drop=True))


def redelivered_months(con: Con, before: pd.Timestamp) -> pd.DataFrame:
    """The monthly flags lists of runs of a period starting before ``before`` held whose month's counts of the flag's
    buurt and domain a later delivery brought again: a count held by a load the latest run that listed the flag did
    not read (the police revise their provisional months a month later). ``area_code, domain, period_start, since,
    level, signals`` (of that latest listing), ``sources`` (those of the counts delivered again, comma-separated) and
    ``provisional`` (whether one of them is still provisional). A flag of these that no longer holds is closed on the
    next list as ``herzien``, not dropped without a word (red team 12a F2)."""
    listed = con.execute(
        "SELECT f.area_code, f.domain, f.period_start, r.run_period, r.started_at, f.since, f.level, f.signals, "
        "r.loads FROM marts.area_flags f JOIN meta.runs r USING (run_id) "
        "WHERE f.period = 'month' AND f.status <> 'herzien'").df()      # a herzien row is no listing of the rise
    listed = seen_before(listed, before)
    columns = ["area_code", "domain", "period_start", "since", "level", "signals", "sources", "provisional"]
    if listed.empty:
        return pd.DataFrame(columns=columns)
    keys = ["area_code", "domain", "period_start"]
    listed = listed.sort_values("started_at")
    latest = listed.groupby(keys).tail(1).drop(columns=["level", "signals"])
    # the level the team was sent (the highest) and the signals of its latest listing that named some
    level = listed.groupby(keys)["level"].agg(lambda v: "alarm" if (v == "alarm").any() else
                                              "aandacht" if (v == "aandacht").any() else "").rename("level")
    signals = listed[listed["signals"].fillna("") != ""].groupby(keys)["signals"].last()
    latest = latest.merge(level, left_on=keys, right_index=True, how="left").merge(
        signals, left_on=keys, right_index=True, how="left")
    with registered(con, "_listed", latest.drop(columns=["run_period", "started_at"])):
        return con.execute(
            "SELECT l.area_code, l.domain, l.period_start, any_value(l.since) AS since, any_value(l.level) AS level, "
            "any_value(l.signals) AS signals, string_agg(DISTINCT c.source, ', ' ORDER BY c.source) AS sources, "
            "bool_or(c.provisional) AS provisional FROM _listed l "
            "JOIN core.signal_catalogue k ON k.domain = l.domain "
            "JOIN core.signal_counts c ON c.area_code = l.area_code AND c.signal = k.signal AND c.period = 'month' "
            "AND c.period_start = l.period_start "
            "JOIN meta.loads d ON d.load_id = c.load_id "      # a load, not counts written straight into core
            "WHERE NOT list_contains(from_json(l.loads, '[\"VARCHAR\"]'), c.load_id) GROUP BY ALL ORDER BY ALL"
        ).df()[columns]


def seen_before(listed: pd.DataFrame, before: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``listed`` (a frame with ``run_period``: :func:`listed_months`, :func:`redelivered_months`) of runs
    whose period starts before ``before``."""
    from models.calendar import parse_period_label

    if listed.empty:
        return listed
    return listed[listed["run_period"].map(lambda p: parse_period_label(p)[1] < before).astype(bool)]


def flag_cells(con: Con, run_id: str, team: str) -> pd.DataFrame:
    """The (area, domain, period) cells a team's list of a run holds."""
    return con.execute("SELECT area_code, domain, period, period_start FROM marts.area_flags "
                       "WHERE run_id = ? AND wijkteam = ?", [run_id, team]).df()


def run_area_teams(con: Con, run_id: str) -> dict[str, set[str]]:
    """Per buurt on a run's lists, the wijkteam(s) whose list held it."""
    out: dict[str, set[str]] = {}
    for area, team in con.execute("SELECT DISTINCT area_code, wijkteam FROM marts.area_flags WHERE run_id = ?",
                                  [run_id]).fetchall():
        out.setdefault(area, set()).add(team)
    return out


def area_evidence(con: Con, code: str) -> pd.DataFrame:
    return con.execute("SELECT * FROM marts.area_evidence WHERE area_code = ?", [code]).df()


def area_series(con: Con, code: str) -> pd.DataFrame:
    """One area's series scores with the signal's labels and domain, and ``provisional`` where the count is a
    provisional figure of its source (``core.signal_counts.provisional``: the police's latest months)."""
    return con.execute("SELECT s.*, c.label_nl, c.label_en, c.domain, coalesce(k.provisional, false) AS provisional "
                       "FROM marts.series_scores s JOIN core.signal_catalogue c USING (signal) "
                       "LEFT JOIN (SELECT area_code, signal, period, period_start, bool_or(provisional) AS provisional "
                       "FROM core.signal_counts WHERE area_code = $1 AND provisional GROUP BY ALL) k "
                       "USING (area_code, signal, period, period_start) WHERE area_code = $1", [code]).df()


def scores_with_domain(con: Con, flagged_in: str | None = None) -> pd.DataFrame:
    """Series scores with their signal's domain (the lists' charts): every series, or with ``flagged_in`` a
    run id only those of the areas that run flagged (a national warehouse holds millions of rows)."""
    where, args = ("WHERE s.area_code IN (SELECT area_code FROM marts.area_flags WHERE run_id = ?)", [flagged_in]) \
        if flagged_in is not None else ("", [])
    return con.execute("SELECT s.*, c.domain FROM marts.series_scores s JOIN core.signal_catalogue c USING (signal) "
                       f"{where}", args).df()


def latest_partial_areas(con: Con, run_id: str) -> pd.DataFrame:
    """``wijkteam, name, area_code, period, period_start`` of every buurt with a count read as a lower bound in the
    marts' latest week or month (``marts.series_scores.partial``), with the team whose list of run ``run_id`` had it
    (its risk rows or flags there; a buurt the run held no row of: its team as the profile has it now), as the run's
    lists keep the teams of the run."""
    return con.execute(
        "WITH latest AS (SELECT period, max(period_start) AS period_start FROM marts.series_scores GROUP BY ALL), "
        "held AS (SELECT area_code, min(wijkteam) AS wijkteam FROM (SELECT area_code, wijkteam FROM marts.area_risk "
        "WHERE run_id = $run UNION ALL SELECT area_code, wijkteam FROM marts.area_flags WHERE run_id = $run) "
        "WHERE wijkteam IS NOT NULL GROUP BY 1) "
        "SELECT DISTINCT coalesce(h.wijkteam, a.wijkteam) AS wijkteam, a.name, s.area_code, s.period, s.period_start "
        "FROM marts.series_scores s JOIN latest USING (period, period_start) JOIN core.areas a USING (area_code) "
        "LEFT JOIN held h USING (area_code) "
        "WHERE s.partial AND coalesce(h.wijkteam, a.wijkteam) IS NOT NULL ORDER BY ALL", {"run": run_id}).df()
