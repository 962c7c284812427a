"""What the managers' reports and the residents' pages read: the marts of one run with their reference."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.catalog.counts import COUNTS_AND_BOUNDS

Con = duckdb.DuckDBPyConnection


def has_table(con: Con, schema: str, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [schema, name]).fetchall()[0][0])


def has_column(con: Con, schema: str, table: str, column: str) -> bool:
    """Whether the warehouse (maybe of an earlier version, opened read-only) has the column."""
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                            "AND column_name = ?", [schema, table, column]).fetchall()[0][0])


def report_frames(con: Con, run_id: str) -> dict[str, pd.DataFrame]:
    """Areas, catalogue, teams, counts, scores, evidence, the run's flags (with area names) and which team's list
    every run sent each flagged cell to (``sent``)."""
    return dict(
        areas=former_buurten(con, con.execute("SELECT * FROM core.areas ORDER BY area_code").df()),
        catalogue=con.execute("SELECT signal, domain, label_nl, unit_nl, source, frequency FROM core.signal_catalogue "
                              "ORDER BY signal").df(),
        wijkteams=con.execute("SELECT wijkteam, name FROM core.wijkteams ORDER BY wijkteam").df(),
        # a total with an unknown part (a suppressed <5 cell) as its lower bound, ``partial`` saying so
        counts=con.execute("SELECT area_code, signal, period, period_start, count, partial FROM "
                           f"({COUNTS_AND_BOUNDS})" if has_table(con, "core", "unknown_cells") else
                           "SELECT area_code, signal, period, period_start, count, false AS partial "
                           "FROM core.signal_counts").df(),
        scores=con.execute("SELECT area_code, signal, period, period_start, count, expected, upper, pvalue, alarm, "
                           f"method, {'partial' if has_column(con, 'marts', 'series_scores', 'partial') else 'false'} "
                           "AS partial FROM marts.series_scores").df(),
        evidence=con.execute("SELECT * FROM marts.area_evidence").df(),
        flags=con.execute("SELECT f.*, a.name FROM marts.area_flags f JOIN core.areas a USING (area_code) "
                          "WHERE run_id = ?", [run_id]).df(),
        sent=con.execute("SELECT DISTINCT run_period, wijkteam, area_code, domain, period, period_start "
                         "FROM marts.area_flags").df(),
    )


def former_buurten(con: Con, areas: pd.DataFrame) -> pd.DataFrame:
    """``areas`` with a row for each code the warehouse holds counts of that is no area of the profile any more (a
    buurt split in a later division: its past cannot be mapped to its parts) and whose wijk, as its CBS code names it
    (``BU01185005`` -> ``WK011850``), is a wijk of the profile: a buurt of that wijk without inhabitants or team,
    named ``<code> (vervallen)``. So a wijk's and a municipality's figures in the reports keep the past of a buurt
    split inside the wijk (red team round 5a, F2: a split Zuid left Wijk 50's years 22 % short); its counts stay
    on no list and are never scored. A code whose wijk the profile does not hold stays out (the sync warns)."""
    from pipelines.catalog.rekey import unplaced_counts

    codes = sorted(set(unplaced_counts(con)["area_code"]))
    wijken = areas[areas["level"] == "wijk"].set_index("area_code")
    buurten = areas[areas["level"] == "buurt"]
    rows = []
    for code in codes:
        wijk = f"WK{code[2:8]}" if code.startswith("BU") and len(code) == 10 else None
        same = buurten[buurten["wijk_code"] == wijk]
        if wijk not in wijken.index or same.empty:
            continue
        rows.append(same.iloc[0].to_dict() | {"area_code": code, "name": f"{code} (vervallen)", "wijkteam": None,
                                             "population": 0})
    if not rows:
        return areas
    return pd.concat([areas, pd.DataFrame(rows)], ignore_index=True).sort_values("area_code", ignore_index=True)


def scored_periods(con: Con) -> pd.DataFrame:
    """``gemeente_code``, ``period``, ``period_start`` of every period the marts' area evidence holds per
    municipality (what the marts run scored there)."""
    return con.execute("SELECT DISTINCT coalesce(a.gemeente_code, '') AS gemeente_code, e.period, e.period_start "
                       "FROM marts.area_evidence e LEFT JOIN core.areas a USING (area_code) ORDER BY ALL").df()


def team_municipalities(con: Con) -> pd.DataFrame:
    """``wijkteam``, ``gemeente_code`` of every team's buurten (a team of a region may hold buurten of several)."""
    return con.execute("SELECT DISTINCT wijkteam, gemeente_code FROM core.areas WHERE level = 'buurt' AND wijkteam IS "
                       "NOT NULL ORDER BY ALL").df()


def marts_run_period(con: Con) -> tuple[str, str | None] | None:
    """(run_id, run_period) of the run whose series scores and area evidence the marts hold (``meta.marts_run``);
    None when the warehouse does not say."""
    if not has_table(con, "meta", "marts_run"):
        return None
    got = con.execute("SELECT m.run_id, r.run_period FROM meta.marts_run m LEFT JOIN meta.runs r USING (run_id) "
                      "LIMIT 1").fetchall()
    return (got[0][0], got[0][1]) if got else None
