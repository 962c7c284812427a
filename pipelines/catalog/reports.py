"""What the managers' reports and the residents' pages read: the marts of one run with their reference."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.catalog.answers import PERIOD_END
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
    partial = "s.partial" if has_column(con, "marts", "series_scores", "partial") else "false"
    provisional, join = provisional_sql(con)
    return dict(
        areas=former_buurten(con, con.execute("SELECT * FROM core.areas ORDER BY area_code").df()),
        catalogue=con.execute("SELECT signal, domain, label_nl, unit_nl, source, frequency FROM core.signal_catalogue "
                              "ORDER BY signal").df(),
        wijkteams=con.execute("SELECT wijkteam, name FROM core.wijkteams ORDER BY wijkteam").df(),
        # a total with an unknown part (a suppressed <5 cell) as its lower bound, ``partial`` saying so
        counts=con.execute(report_counts(con)).df(),
        scores=con.execute("SELECT s.area_code, s.signal, s.period, s.period_start, s.count, s.expected, s.upper, "
                           f"s.pvalue, s.alarm, s.method, {partial} AS partial, {provisional} "
                           f"FROM marts.series_scores s{join}").df(),
        evidence=con.execute("SELECT * FROM marts.area_evidence").df(),
        flags=con.execute("SELECT f.*, a.name FROM marts.area_flags f JOIN core.areas a USING (area_code) "
                          "WHERE run_id = ?", [run_id]).df(),
        sent=con.execute("SELECT DISTINCT run_period, wijkteam, area_code, domain, period, period_start "
                         "FROM marts.area_flags").df(),
        moves=moved_codes(con),
        revised=revised_flags(con),
        listed=listed_flags(con),
    )


#: The columns of :func:`revised_flags`, also of its empty frame (a warehouse without written lists)
REVISED_COLUMNS = ["wijkteam", "area_code", "domain", "period", "period_start", "since", "level", "signals",
                   "revised_in"]


#: The columns of :func:`listed_flags`
LISTED_COLUMNS = ["wijkteam", "area_code", "domain", "period", "period_start", "since", "level"]


def listed_flags(con: Con) -> pd.DataFrame:
    """Every flag a team was sent on a written list (``meta.lists``) as it was listed: ``wijkteam, area_code, domain,
    period, period_start, since`` (the Sinds the list showed) and ``level`` (the highest it was sent with). The
    scores' lifecycle is today's: a week whose counts a correction lowered, or a history scored by a newer logic,
    may no longer hold a flag the team was sent and answered; the year plan and the review read it here."""
    if not has_table(con, "meta", "lists"):
        return pd.DataFrame(columns=LISTED_COLUMNS)
    return con.execute(
        "WITH written AS (SELECT run_id FROM meta.lists WHERE written_at IS NOT NULL) "
        "SELECT l.wijkteam, l.area_code, l.domain, l.period, l.period_start, min(l.since) AS since, "
        "  CASE WHEN bool_or(l.level = 'alarm') THEN 'alarm' ELSE 'aandacht' END AS level "
        "FROM marts.area_flags l JOIN written USING (run_id) "
        "WHERE l.status IN ('nieuw', 'aanhoudend', 'verergerend') AND l.level <> '' AND l.since IS NOT NULL "
        "GROUP BY l.wijkteam, l.area_code, l.domain, l.period, l.period_start ORDER BY ALL").df()[LISTED_COLUMNS]


def revised_flags(con: Con) -> pd.DataFrame:
    """The flags a team was sent whose month a later list closed as ``herzien`` (its counts delivered again without
    the rise: the police revised a provisional month), from the flags that were sent: ``marts.area_flags`` of the
    runs whose lists were written (``meta.lists``). One row per team that was sent the flag: ``wijkteam, area_code,
    domain, period, period_start`` (the flag's month), ``since``, ``level`` (the highest it was sent with),
    ``signals`` (the elevated signals its rows named, comma-separated) and ``revised_in`` (the period of the first
    written list that closed it). The scores' lifecycle no longer holds such a flag (the revised month never rose),
    so the year plan and the review read it here (red team 12a F2)."""
    if not has_table(con, "meta", "lists"):
        return pd.DataFrame(columns=REVISED_COLUMNS)
    return con.execute(
        "WITH written AS (SELECT run_id FROM meta.lists WHERE written_at IS NOT NULL), "
        "closed AS (SELECT f.area_code, f.domain, f.period, f.period_start, "
        f"  arg_min(f.run_period, {PERIOD_END}) AS revised_in FROM marts.area_flags f JOIN written USING (run_id) "
        "  JOIN meta.runs r USING (run_id) WHERE f.status = 'herzien' GROUP BY ALL) "
        "SELECT l.wijkteam, l.area_code, l.domain, l.period, l.period_start, min(l.since) AS since, "
        "  CASE WHEN bool_or(l.level = 'alarm') THEN 'alarm' ELSE 'aandacht' END AS level, "
        "  coalesce(string_agg(DISTINCT nullif(l.signals, ''), ', ' ORDER BY nullif(l.signals, '')), '') AS signals, "
        "  any_value(c.revised_in) AS revised_in "
        "FROM marts.area_flags l JOIN written USING (run_id) JOIN closed c USING (area_code, domain, period, period_start) "
        "WHERE l.status <> 'herzien' AND l.level <> '' "
        "GROUP BY l.wijkteam, l.area_code, l.domain, l.period, l.period_start ORDER BY ALL").df()[REVISED_COLUMNS]


def provisional_sql(con: Con) -> tuple[str, str]:
    """The column ``provisional`` of the rows aliased ``s`` and the join it needs: whether the count is a provisional
    figure of its source (``core.signal_counts.provisional``, the police's latest months), in the one query, never
    cell by cell. A warehouse of a version without the column joins nothing (every count definitive)."""
    if not has_column(con, "core", "signal_counts", "provisional"):
        return "false AS provisional", ""
    return ("coalesce(k.provisional, false) AS provisional",
            " LEFT JOIN (SELECT area_code, signal, period, period_start, true AS provisional FROM core.signal_counts "
            "WHERE provisional GROUP BY ALL) k ON k.area_code = s.area_code AND k.signal = s.signal "
            "AND k.period = s.period AND k.period_start = s.period_start")


def report_counts(con: Con) -> str:
    """The SQL of the counts the reports read: ``area_code, signal, period, period_start, count, partial`` (a total
    with an unknown part, a suppressed <5 cell, as its lower bound, ``partial`` saying so), ``provisional`` (a
    provisional figure of its source, :func:`provisional_sql`), where a code that is no
    area of the profile any more (:func:`former_buurten`) leaves out its count of every signal and period that a
    buurt added in its place holds: a buurt added to the wijk it was in (``meta.added_buurten``) when or after it
    left the profile (``meta.removed_buurten``). A supplier that re-delivers a split buurt's history under its parts
    (the police re-keys its download to the latest division) holds those months twice, under the old code and the
    parts (red team round 6a, F2: Wijk 50's social year 2.175 for 2.025); a month only the old code holds stays."""
    provisional, join = provisional_sql(con)
    counts = (f"SELECT s.area_code, s.signal, s.period, s.period_start, s.count, s.partial, {provisional} "
              f"FROM ({COUNTS_AND_BOUNDS}) s{join}"
              if has_table(con, "core", "unknown_cells") else
              "SELECT area_code, signal, period, period_start, count, false AS partial, "
              f"{'provisional' if has_column(con, 'core', 'signal_counts', 'provisional') else 'false AS provisional'} "
              "FROM core.signal_counts")
    if not has_table(con, "meta", "added_buurten"):
        return counts
    recorded = has_table(con, "meta", "removed_buurten")
    wijk = ("coalesce(a.wijk_code, r.wijk_code)", "LEFT JOIN meta.removed_buurten r ON r.area_code = b.area_code"
            ) if recorded else ("a.wijk_code", "")
    return (f"WITH c AS ({counts}), former AS ({former_codes(con)}), "
            # the buurten added in a former code's place (a part removed again later too, by its recorded wijk)
            "parts AS (SELECT f.area_code AS former, b.area_code AS part FROM former f JOIN meta.added_buurten b "
            "ON b.area_code <> f.area_code AND (f.removed_at IS NULL OR b.added_at >= f.removed_at) "
            f"LEFT JOIN core.areas a ON a.area_code = b.area_code {wijk[1]} WHERE {wijk[0]} = f.wijk_code), "
            "held AS (SELECT DISTINCT p.former AS area_code, c.signal, c.period, c.period_start "
            "FROM parts p JOIN c ON c.area_code = p.part) "
            "SELECT c.area_code, c.signal, c.period, c.period_start, c.count, c.partial, c.provisional "
            "FROM c ANTI JOIN held USING (area_code, signal, period, period_start)")


def former_codes(con: Con) -> str:
    """The SQL of ``area_code, wijk_code, removed_at`` of every code the warehouse holds counts of that is no area of
    the profile: the wijk it was in when a profile change removed it (``meta.removed_buurten``), else, for a code
    removed before the warehouse recorded that (schema 24), the wijk its CBS code names (``BU01185005`` ->
    ``WK011850``), with ``removed_at`` null. A wijk the profile no longer has (a herindeling renumbers every wijk)
    is followed to its successor: the wijk of the profile that most of its other buurten were moved to by the sync
    (``meta.code_moves``), so a split buurt's past stays in its wijk and municipality under their new codes (red
    team 12b F2: Wijk 50's years lost Zuid's 400 reports a year)."""
    unplaced = ("SELECT DISTINCT area_code FROM core.signal_counts "
                "WHERE area_code NOT IN (SELECT area_code FROM core.areas)")
    named = "CASE WHEN u.area_code LIKE 'BU%' AND length(u.area_code) = 10 THEN 'WK' || substr(u.area_code, 3, 6) END"
    if not has_table(con, "meta", "removed_buurten"):
        return f"SELECT u.area_code, {named} AS wijk_code, NULL::TIMESTAMP AS removed_at FROM ({unplaced}) u"
    if not has_table(con, "meta", "code_moves"):
        return (f"SELECT u.area_code, coalesce(r.wijk_code, {named}) AS wijk_code, r.removed_at FROM ({unplaced}) u "
                "LEFT JOIN meta.removed_buurten r USING (area_code)")
    successor = ("SELECT old, first(new ORDER BY n DESC, new) AS new FROM (SELECT r.wijk_code AS old, "
                 "a.wijk_code AS new, count(*) AS n FROM meta.removed_buurten r JOIN meta.code_moves m "
                 "ON m.old_code = r.area_code JOIN core.areas a ON a.area_code = m.new_code AND a.level = 'buurt' "
                 "WHERE r.wijk_code NOT IN (SELECT area_code FROM core.areas) GROUP BY ALL) GROUP BY old")
    return (f"SELECT u.area_code, coalesce(s.new, r.wijk_code, {named}) AS wijk_code, r.removed_at FROM ({unplaced}) u "
            f"LEFT JOIN meta.removed_buurten r USING (area_code) LEFT JOIN ({successor}) s ON s.old = r.wijk_code")


def moved_codes(con: Con) -> pd.DataFrame:
    """``old_code``, ``new_code`` of every code the profile sync moved to its buurt (``meta.code_moves``; empty in a
    warehouse without that record): what the open pages' record of earlier builds is read through."""
    if not has_table(con, "meta", "code_moves"):
        return pd.DataFrame({"old_code": pd.Series(dtype=object), "new_code": pd.Series(dtype=object)})
    return con.execute("SELECT old_code, new_code FROM meta.code_moves ORDER BY old_code").df()


def former_buurten(con: Con, areas: pd.DataFrame) -> pd.DataFrame:
    """``areas`` with a row for each code the warehouse holds counts of that is no area of the profile any more (a
    buurt split in a later division: its past cannot be mapped to its parts) and whose wijk (:func:`former_codes`:
    the wijk it was in when the profile removed it, else the one its CBS code names) is a wijk of the profile: a
    buurt of that wijk without inhabitants or team, named ``<code> (vervallen)``. So a wijk's and a municipality's
    figures in the reports keep the past of a buurt split inside the wijk (red team round 5a, F2: a split Zuid left
    Wijk 50's years 22 % short); its counts stay on no list and are never scored, and those its parts hold too are
    left out (:func:`report_counts`). A code whose wijk the profile does not hold stays out (the sync warns)."""
    former = con.execute(f"SELECT area_code, wijk_code FROM ({former_codes(con)}) ORDER BY area_code").fetchall()
    wijken = set(areas.loc[areas["level"] == "wijk", "area_code"])
    first = areas[areas["level"] == "buurt"].drop_duplicates("wijk_code").set_index("wijk_code")
    rows = [first.loc[wijk].to_dict() | {"area_code": code, "wijk_code": wijk, "name": f"{code} (vervallen)",
                                         "wijkteam": None, "population": 0}
            for code, wijk in former if wijk in wijken and wijk in first.index]
    if not rows:
        return areas
    return pd.concat([areas, pd.DataFrame(rows)], ignore_index=True).sort_values("area_code", ignore_index=True)


def scored_periods(con: Con) -> pd.DataFrame:
    """``gemeente_code``, ``domain``, ``period``, ``period_start`` of every period the marts' area evidence holds per
    municipality and domain (what the marts run scored there)."""
    return con.execute("SELECT DISTINCT coalesce(a.gemeente_code, '') AS gemeente_code, e.domain, e.period, "
                       "e.period_start "
                       "FROM marts.area_evidence e LEFT JOIN core.areas a USING (area_code) ORDER BY ALL").df()


def team_municipalities(con: Con) -> pd.DataFrame:
    """``wijkteam``, ``gemeente_code`` of every team's buurten (a team of a region may hold buurten of several)."""
    return con.execute("SELECT DISTINCT wijkteam, gemeente_code FROM core.areas WHERE level = 'buurt' AND wijkteam IS "
                       "NOT NULL ORDER BY ALL").df()


def run_team_municipalities(con: Con, run_id: str) -> pd.DataFrame:
    """``wijkteam``, ``gemeente_code`` of the teams of run ``run_id`` as its flags and risk rows carry them (a team
    renamed or merged since keeps its list of that run), by their buurten's municipality."""
    return con.execute(
        "SELECT DISTINCT h.wijkteam, a.gemeente_code FROM (SELECT wijkteam, area_code FROM marts.area_flags "
        "WHERE run_id = $run UNION SELECT wijkteam, area_code FROM marts.area_risk WHERE run_id = $run) h "
        "JOIN core.areas a USING (area_code) WHERE h.wijkteam IS NOT NULL ORDER BY ALL", {"run": run_id}).df()


def marts_run_period(con: Con) -> tuple[str, str | None] | None:
    """(run_id, run_period) of the run whose series scores and area evidence the marts hold (``meta.marts_run``);
    None when the warehouse does not say."""
    if not has_table(con, "meta", "marts_run"):
        return None
    got = con.execute("SELECT m.run_id, r.run_period FROM meta.marts_run m LEFT JOIN meta.runs r USING (run_id) "
                      "LIMIT 1").fetchall()
    return (got[0][0], got[0][1]) if got else None
