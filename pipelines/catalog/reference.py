"""Reference tables in ``core``: areas, wijkteams, the signal catalogue, and the CBS structure figures."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame

Con = duckdb.DuckDBPyConnection


def reference_version(con: Con) -> str | None:
    """The version of the reference files mirrored in ``core`` (None before the first sync)."""
    got = con.execute("SELECT version FROM meta.reference").fetchall()
    return got[0][0] if got else None


def replace_reference(con: Con, version: str, wijkteams: pd.DataFrame, areas: pd.DataFrame,
                      catalogue: pd.DataFrame) -> None:
    """Replace areas, teams and catalogue by a new reference version (inside the caller's transaction)."""
    for table in ("core.areas", "core.wijkteams", "core.signal_catalogue", "meta.reference"):
        con.execute(f"DELETE FROM {table}")
    insert_frame(con, "core.wijkteams", wijkteams[["wijkteam", "name"]])
    insert_frame(con, "core.areas", areas)
    insert_frame(con, "core.signal_catalogue", catalogue)
    con.execute("INSERT INTO meta.reference VALUES (?, now()::TIMESTAMP)", [version])


def teams(con: Con) -> pd.DataFrame:
    """``wijkteam``, ``name`` of every team, by code."""
    return con.execute("SELECT wijkteam, name FROM core.wijkteams ORDER BY wijkteam").df()


def team_codes(con: Con) -> list[str]:
    return [r[0] for r in con.execute("SELECT wijkteam FROM core.wijkteams ORDER BY 1").fetchall()]


def signal_labels(con: Con, lang: str = "nl") -> dict:
    """Signal code -> its name in ``lang`` (the catalogue's label_nl / label_en)."""
    column = "label_en" if lang == "en" else "label_nl"
    return dict(con.execute(f"SELECT signal, {column} FROM core.signal_catalogue").fetchall())


def area_exists(con: Con, code: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM core.areas WHERE area_code = ?", [code]).fetchall()[0][0])


def area_name_and_team(con: Con, code: str) -> tuple[str, str] | None:
    got = con.execute("SELECT name, wijkteam FROM core.areas WHERE area_code = ?", [code]).fetchall()
    return got[0] if got else None


def area_municipality(con: Con, code: str) -> str | None:
    """The gemeente code of an area (None for an unknown one)."""
    got = con.execute("SELECT gemeente_code FROM core.areas WHERE area_code = ?", [code]).fetchall()
    return got[0][0] if got else None


def area_teams(con: Con) -> dict:
    """Area code -> its wijkteam."""
    return dict(con.execute("SELECT area_code, wijkteam FROM core.areas").fetchall())


def replace_area_stats(con: Con, stats: pd.DataFrame, years: list[int]) -> None:
    """Replace the given years of ``core.area_stats`` by ``stats`` (a new vintage of those years)."""
    for year in years:
        con.execute("DELETE FROM core.area_stats WHERE year = ?", [int(year)])
    insert_frame(con, "core.area_stats", stats)


def newest_area_stats_year(con: Con, source: str = "cbs-kwb") -> int | None:
    """The newest year of ``source``'s figures in ``core.area_stats`` (None when it holds none)."""
    return con.execute("SELECT max(year) FROM core.area_stats WHERE source = ?", [source]).fetchone()[0]


def added_buurten(con: Con) -> frozenset[str]:
    """The buurten a profile change added to a warehouse that already held counts (``meta.added_buurten``)."""
    return frozenset(c for (c,) in con.execute("SELECT area_code FROM meta.added_buurten").fetchall())


def profile_buurten(con: Con) -> set[str]:
    """The buurten of the profile the warehouse holds now (``core.areas``)."""
    return {c for (c,) in con.execute("SELECT area_code FROM core.areas WHERE level = 'buurt'").fetchall()}


def holds_counts(con: Con) -> bool:
    """Whether the warehouse holds any signal count."""
    return bool(con.execute("SELECT count(*) FROM (SELECT 1 FROM core.signal_counts LIMIT 1)").fetchall()[0][0])


def record_added_buurten(con: Con, codes: list[str]) -> None:
    """Keep ``codes`` as buurten a profile change added (``meta.added_buurten``; a code kept before stays as it was)."""
    con.executemany("INSERT INTO meta.added_buurten VALUES (?, now()::TIMESTAMP) ON CONFLICT DO NOTHING",
                    [[code] for code in codes])


def record_removed_buurten(con: Con, codes: list[str]) -> None:
    """Keep ``codes``, buurten of the profile the warehouse holds now that the next profile no longer has, with the
    wijk and municipality they are in (``meta.removed_buurten``; before the reference is replaced, inside the
    caller's transaction). A code removed again after it came back keeps its latest wijk and time."""
    con.execute("INSERT INTO meta.removed_buurten SELECT area_code, wijk_code, gemeente_code, now()::TIMESTAMP "
                "FROM core.areas WHERE level = 'buurt' AND list_contains(?, area_code) ON CONFLICT DO UPDATE SET "
                "wijk_code = excluded.wijk_code, gemeente_code = excluded.gemeente_code, removed_at = excluded.removed_at",
                [codes])


def split_buurten(con: Con, mapped: list[str]) -> pd.DataFrame:
    """``old_code``, ``removed_at``, ``part``, ``name``, ``wijkteam``, one row per part: the buurten a profile change
    removed (``meta.removed_buurten``) that are not back in the profile nor ``mapped`` (an old code of
    ``buurtcode_wijzigingen.csv``), with the buurten the same change added to their wijk (``meta.added_buurten``,
    recorded in the same transaction): a split, as far as the warehouse can tell, since the file cannot map one."""
    from pipelines.catalog.reports import has_table

    # a warehouse of an earlier version opened read-only (``wijkradar flags``) may lack them
    if not (has_table(con, "meta", "removed_buurten") and has_table(con, "meta", "added_buurten")):
        return pd.DataFrame(columns=["old_code", "removed_at", "part", "name", "wijkteam"])
    return con.execute(
        "SELECT r.area_code AS old_code, r.removed_at, a.area_code AS part, a.name, a.wijkteam "
        "FROM meta.removed_buurten r JOIN meta.added_buurten n ON n.added_at = r.removed_at "
        "JOIN core.areas a ON a.area_code = n.area_code AND a.level = 'buurt' AND a.wijk_code = r.wijk_code "
        "WHERE NOT list_contains(?, r.area_code) AND r.area_code NOT IN (SELECT area_code FROM core.areas) "
        "ORDER BY old_code, part", [list(mapped)]).df()


def split_progress(con: Con, parts: list[str]) -> pd.DataFrame:
    """``area_code``, ``period``, ``first_own`` (its first count), ``scored`` (the marts hold a score of it) per part
    of a split and period type it holds counts of: a part is judged once its series have enough periods of their
    own (``meta.added_buurten``, ``score.build_panel``)."""
    return con.execute(
        "SELECT c.area_code, c.period, min(c.period_start) AS first_own, "
        "bool_or(s.area_code IS NOT NULL) AS scored FROM core.signal_counts c "
        "LEFT JOIN (SELECT DISTINCT area_code, period FROM marts.series_scores) s USING (area_code, period) "
        "WHERE list_contains(?, c.area_code) GROUP BY ALL ORDER BY ALL", [list(parts)]).df()


def running_flags_before(con: Con, codes: list[str]) -> pd.DataFrame:
    """``area_code``, ``wijkteam``, ``domain``, ``level``, ``status``, ``since``, ``period``, ``run_period``: the flags
    of ``codes`` on the latest run that flagged anything before each code left the profile
    (``meta.removed_buurten``) and that had not ended there (not ``opgelost``): what a team last read of them."""
    return con.execute(
        "WITH gone AS (SELECT area_code, removed_at FROM meta.removed_buurten WHERE list_contains(?, area_code)), "
        "last AS (SELECT g.area_code, arg_max(r.run_id, r.finished_at) AS run_id FROM gone g "
        "JOIN meta.runs r ON r.finished_at <= g.removed_at "
        "WHERE r.run_id IN (SELECT run_id FROM marts.area_flags) GROUP BY ALL) "
        "SELECT f.area_code, f.wijkteam, f.domain, f.level, f.status, f.since, f.period, f.run_period "
        "FROM marts.area_flags f JOIN last USING (area_code, run_id) WHERE f.status <> 'opgelost' "
        "ORDER BY f.area_code, f.domain, f.period", [list(codes)]).df()
