"""Stored data of buurt codes the profile no longer holds, moved to the buurt they are mapped to.

When ``buurtcode_wijzigingen.csv`` maps a code that the warehouse already holds (a buurt renumbered or merged in a
new CBS division), its counts, report ledger, flags and answers move to the buurt (``pipelines.reference.sync``);
the rules for the cells of a merge are in ``pipelines.sources.merges``. All writes run inside the caller's
transaction.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame, registered

Con = duckdb.DuckDBPyConnection

#: The tables of cells a delivery holds, kept per part and per old code of a merge (``sources.merges``).
CELL_TABLES = ("core.source_cells", "core.unknown_cells")
#: Tables whose rows move to the buurt as they are; on a clash with the buurt's own row, the row ordered first
#: by the given SQL stays (a merged buurt's strongest flag, the renumbered buurt's own figures).
MOVED_TABLES = {
    "marts.area_flags": (("run_id", "area_code", "domain", "period"), "score DESC"),
    "marts.area_risk": (("run_id", "area_code", "domain"), "probability DESC"),
}
#: Tables of figures that cannot be added up for a merge (scores, rates, population): moved for a renumbered
#: buurt only; the next run scores the merged buurt again (marts), the next CBS figures describe it (area_stats).
RENUMBERED_ONLY = {
    "core.area_stats": ("area_code", "year", "indicator"),
    "marts.series_scores": ("area_code", "signal", "period", "period_start"),
    "marts.area_evidence": ("area_code", "domain", "period", "period_start"),
}
#: Tables without a key on the area code: every row moves.
UPDATED_TABLES = ("core.report_ledger", "meta.flag_feedback")
#: Tables of what a team's lists held and what it answered: a row moves only to a buurt of the same team today. An
#: old code merged into another team's buurt keeps its flags and answers under the old code (the list as sent; no
#: longer on any team's re-read list), so no team's list shows a buurt that is not its own, nor a flag it never had.
TEAM_TABLES = ("marts.area_flags", "marts.area_risk", "meta.flag_feedback")
SAME_TEAM = ("(t.wijkteam IS NOT DISTINCT FROM (SELECT a.wijkteam FROM core.areas a WHERE a.area_code = m.new_code) "
             # a team no longer in the profile was renamed or merged: its flags go with its buurten (as its answers do)
             "OR t.wijkteam NOT IN (SELECT w.wijkteam FROM core.wijkteams w))")
#: Tables whose counts are derived from the ledger and the cells (``counts.rebuild_counts``).
COUNT_TABLES = ("core.signal_counts", "core.report_ledger", *CELL_TABLES)


def stored_codes(con: Con, codes: list[str], counts_only: bool = False) -> list[str]:
    """Which of ``codes`` any table of counts, flags or answers holds (``counts_only``: of counts)."""
    if not codes:
        return []
    tables = [*COUNT_TABLES, "core.correction_writes"]
    if not counts_only:
        tables += [*MOVED_TABLES, *RENUMBERED_ONLY, "meta.flag_feedback"]
    union = " UNION ".join(f"SELECT DISTINCT area_code FROM {t}" for t in tables)
    frame = pd.DataFrame({"code": list(codes)})
    with registered(con, "_wr_codes", frame):
        got = con.execute(f"SELECT code FROM _wr_codes WHERE code IN ({union}) ORDER BY 1").fetchall()
    return [r[0] for r in got]


def cells_of(con: Con, table: str, codes: list[str]) -> pd.DataFrame:
    """The rows of a cell table under ``codes``."""
    frame = pd.DataFrame({"code": list(codes)})
    with registered(con, "_wr_codes", frame):
        return con.execute(f"SELECT * FROM {table} WHERE area_code IN (SELECT code FROM _wr_codes)").df()


def replace_cells(con: Con, table: str, codes: list[str], cells: pd.DataFrame) -> None:
    """The rows of a cell table under ``codes`` replaced by ``cells``."""
    frame = pd.DataFrame({"code": list(codes)})
    with registered(con, "_wr_codes", frame):
        con.execute(f"DELETE FROM {table} WHERE area_code IN (SELECT code FROM _wr_codes)")
    cursor = con.execute(f"SELECT * FROM {table} LIMIT 0")
    columns = [r[0] for r in cursor.description]
    cursor.fetchall()
    insert_frame(con, table, cells[columns])


def sources_of(con: Con, codes: list[str]) -> list[str]:
    """The sources whose counts, ledger or cells hold ``codes`` (their counts are rebuilt after a move)."""
    union = " UNION ".join(f"SELECT DISTINCT source, area_code FROM {t}" for t in COUNT_TABLES)
    frame = pd.DataFrame({"code": list(codes)})
    with registered(con, "_wr_codes", frame):
        got = con.execute(f"SELECT DISTINCT source FROM ({union}) WHERE area_code IN (SELECT code FROM _wr_codes) "
                          "ORDER BY 1").fetchall()
    return [r[0] for r in got]


def move_rows(con: Con, moves: pd.DataFrame) -> dict[str, int]:
    """Rows of the old codes of ``moves`` (``old_code``, ``new_code``, ``part_code``, ``merged``) in every table but the cell tables
    moved to their buurt (see the tables above); returns how many rows moved per table."""
    moved: dict[str, int] = {}
    with registered(con, "_wr_moves", moves[["old_code", "new_code", "part_code", "merged"]]):
        for table in UPDATED_TABLES:
            same_team = f" AND {SAME_TEAM}" if table in TEAM_TABLES else ""
            moved[table] = _count(con.execute(
                f"UPDATE {table} t SET area_code = m.new_code FROM _wr_moves m WHERE t.area_code = m.old_code"
                f"{same_team}"))
        # a correction's cell: a part of the merged buurt per old code, as the cell itself
        moved["core.correction_writes"] = _count(con.execute(
            "UPDATE core.correction_writes t SET area_code = m.new_code, part = CASE WHEN m.merged AND t.part IS NOT "
            "NULL AND NOT contains(t.part, '@') THEN t.part || '@' || m.part_code ELSE t.part END "
            "FROM _wr_moves m WHERE t.area_code = m.old_code"))
        # a quarantined row of a renumbered buurt's cell is resolved by the buurt's cell (its key: c|<code>|...);
        # an old code of a merge stays the row's cell code
        con.execute("UPDATE quarantine.rows q SET record_key = 'c|' || m.new_code || '|' || "
                    "substr(q.record_key, length(m.old_code) + 4) FROM _wr_moves m WHERE NOT m.merged "
                    "AND starts_with(q.record_key, 'c|' || m.old_code || '|')")
        for table, (keys, order) in MOVED_TABLES.items():
            moved[table] = _move(con, table, keys, order, SAME_TEAM)
        for table, keys in RENUMBERED_ONLY.items():
            moved[table] = _move(con, table, keys, "0", "NOT m.merged")
            con.execute(f"DELETE FROM {table} t USING _wr_moves m WHERE t.area_code = m.old_code")
    return {t: n for t, n in moved.items() if n}


def _move(con: Con, table: str, keys: tuple[str, ...], order: str, only: str) -> int:
    """Rows of ``table`` under an old code (``_wr_moves``; with ``only``: of those moves) under the new code, where
    the new code holds no row of the same key; of several old codes' rows of one key, the first by ``order``."""
    where = f"AND {only}" if only else ""
    on = " AND ".join(f"e.{k} = n.{k}" for k in keys)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _wr_moved AS SELECT t.* REPLACE (m.new_code AS area_code), "
                f"t.area_code AS _old FROM {table} t JOIN _wr_moves m ON t.area_code = m.old_code {where}")
    try:
        con.execute(f"DELETE FROM {table} t USING _wr_moves m WHERE t.area_code = m.old_code {where}")
        return _count(con.execute(
            f"INSERT INTO {table} SELECT * EXCLUDE (_rank, _old) FROM (SELECT n.*, row_number() OVER (PARTITION BY "
            f"{', '.join(keys)} ORDER BY {order}, _old) AS _rank FROM _wr_moved n WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} e WHERE {on})) WHERE _rank = 1"))
    finally:
        con.execute("DROP TABLE IF EXISTS _wr_moved")


def _count(cursor) -> int:
    got = cursor.fetchall()
    return int(got[0][0]) if got else 0


def moves_made(con: Con, since=None) -> pd.DataFrame:
    """``old_code``, ``new_code``, ``part_code``, ``merged``: what syncs moved (``meta.code_moves``), oldest first;
    with ``since`` (local time, as runs keep theirs) only the moves made at or after it."""
    return con.execute("SELECT old_code, new_code, part_code, merged FROM meta.code_moves WHERE ? IS NULL OR "
                       "moved_at >= ? ORDER BY moved_at, old_code", [since, since]).df()


def record_moves(con: Con, moves: pd.DataFrame) -> None:
    """Record the moves of ``moves`` (``old_code``, ``new_code``, ``part_code``, ``merged``) as made now; a code's
    first move stays its record (a later mapping may only continue it, ``reference._refuse_contradicted_moves``, and
    an old code that keeps flags of another team is moved again by every sync: its record does not change)."""
    from datetime import datetime

    with registered(con, "_wr_made", moves[["old_code", "new_code", "part_code", "merged"]]):
        # the runs' clock (local, as meta.runs.finished_at): a list tells the moves made after its run by it
        con.execute("INSERT INTO meta.code_moves SELECT old_code, new_code, part_code, merged, ? FROM _wr_made "
                    "ON CONFLICT DO NOTHING", [datetime.now()])


def unplaced_counts(con: Con) -> pd.DataFrame:
    """``area_code``, ``source``, ``series``, ``first``, ``last``: stored counts under a code that is no area of
    the profile (never scored, on no list)."""
    return con.execute(
        "SELECT area_code, source, count(DISTINCT signal)::INTEGER AS series, min(period_start) AS first, "
        "max(period_start) AS last FROM core.signal_counts WHERE area_code NOT IN (SELECT area_code FROM core.areas) "
        "GROUP BY ALL ORDER BY ALL").df()
