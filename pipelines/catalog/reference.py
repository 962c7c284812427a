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


def source_domains(con: Con) -> dict[str, set[str]]:
    """Per source the domains of its signals (``core.signal_catalogue``)."""
    out: dict[str, set[str]] = {}
    for source, domain in con.execute("SELECT DISTINCT source, domain FROM core.signal_catalogue "
                                      "WHERE source IS NOT NULL").fetchall():
        out.setdefault(source, set()).add(domain)
    return out


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


def holds_counts(con: Con, area_code: str | None = None) -> bool:
    """Whether the warehouse holds any signal count (of ``area_code`` when given)."""
    where, args = ("WHERE area_code = ?", [area_code]) if area_code is not None else ("", [])
    return bool(con.execute(f"SELECT count(*) FROM (SELECT 1 FROM core.signal_counts {where} LIMIT 1)",
                            args).fetchall()[0][0])


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


#: The columns of :func:`split_buurten`.
SPLIT_COLUMNS = ["old_code", "removed_at", "wijk_code", "wijk_name", "part", "name", "wijkteam", "paired"]


def split_buurten(con: Con, mapped: list[str], declared: pd.DataFrame | None = None) -> pd.DataFrame:
    """``old_code``, ``removed_at``, ``wijk_code``, ``wijk_name``, ``part``, ``name``, ``wijkteam``, ``paired``, one
    row per part: the buurten a profile change removed (``meta.removed_buurten``) that are not back in the profile nor
    ``mapped`` (an old code of ``buurtcode_wijzigingen.csv``), with the buurten that replace them.

    ``declared`` (``old_code``, ``part``: the lines of kind ``splitsing``) names a split's parts. Without it the
    warehouse pairs a removed buurt with the buurten the same change added to its wijk (``meta.added_buurten``,
    recorded in the same transaction) only where that change removed no other undeclared buurt of the wijk: two
    buurten of one wijk split at once gave each the other's parts too, and each team's list named the other team's
    buurt and its flag (red team 13a F1), nor where a split of the wijk in that change is declared: the buurten left
    over are what the declarations do not name, a forgotten part among them (red team 13b F2). Where it did,
    ``paired`` is False and ``part`` is each buurt added to the wijk that no declaration names (a candidate, never to
    be named as the old buurt's part)."""
    from pipelines.catalog.reports import has_table

    # a warehouse of an earlier version opened read-only (``wijkradar flags``) may lack them
    if not (has_table(con, "meta", "removed_buurten") and has_table(con, "meta", "added_buurten")):
        return pd.DataFrame(columns=SPLIT_COLUMNS)
    declared = declared if declared is not None else pd.DataFrame(columns=["old_code", "part"])
    gone = con.execute(
        "SELECT r.area_code AS old_code, r.removed_at, r.wijk_code, w.name AS wijk_name FROM meta.removed_buurten r "
        "LEFT JOIN core.areas w ON w.area_code = r.wijk_code WHERE NOT list_contains(?, r.area_code) "
        "AND r.area_code NOT IN (SELECT area_code FROM core.areas)", [list(mapped)]).df()
    added = con.execute(
        "SELECT n.added_at AS removed_at, a.wijk_code, a.area_code AS part, a.name, a.wijkteam "
        "FROM meta.added_buurten n JOIN core.areas a ON a.area_code = n.area_code AND a.level = 'buurt'").df()
    parts = con.execute("SELECT area_code AS part, name, wijkteam FROM core.areas WHERE level = 'buurt' "
                        "AND list_contains(?, area_code)", [sorted(set(declared["part"]))]).df()
    said = declared[["old_code", "part"]].merge(parts, on="part").merge(gone, on="old_code", how="left")
    said = said.assign(paired=True)
    undeclared = gone[~gone["old_code"].isin(declared["old_code"])]
    found = undeclared.merge(added[~added["part"].isin(declared["part"])], on=["removed_at", "wijk_code"])
    alone = undeclared.groupby(["removed_at", "wijk_code"], dropna=False)["old_code"].transform("nunique")
    # once a split of the wijk in that change is declared, what is left over is no pairing: a declaration that
    # forgets a part leaves it among the leftovers, and Zuid's second part was given to Venesluis, both teams reading
    # false statements about their buurten (red team 13b F2)
    declared_in = gone[gone["old_code"].isin(declared["old_code"])][["removed_at", "wijk_code"]]
    declared_in = set(declared_in.itertuples(index=False, name=None))
    alone = (alone == 1) & ~pd.Series([key in declared_in for key in zip(undeclared["removed_at"],
                                                                          undeclared["wijk_code"])],
                                      index=undeclared.index, dtype=bool)
    found = found.assign(paired=found["old_code"].map(dict(zip(undeclared["old_code"], alone))).astype(bool))
    frames = [f for f in (said[SPLIT_COLUMNS], found[SPLIT_COLUMNS]) if len(f)]
    if not frames:
        return pd.DataFrame(columns=SPLIT_COLUMNS)
    return pd.concat(frames).sort_values(["old_code", "part"]).reset_index(drop=True)


def teams_before(con: Con, codes: list[str]) -> dict[str, str]:
    """Old code -> the team that followed it on the latest run before it left the profile (``meta.removed_buurten``):
    the team of its risk rows or flags there (``marts.area_risk``, ``marts.area_flags``). A code no run before its
    removal scored is left out."""
    return dict(con.execute(
        "WITH gone AS (SELECT area_code, removed_at FROM meta.removed_buurten WHERE list_contains(?, area_code)), "
        "seen AS (SELECT run_id, area_code, wijkteam FROM marts.area_risk UNION ALL "
        "SELECT run_id, area_code, wijkteam FROM marts.area_flags) "
        "SELECT s.area_code, arg_max(s.wijkteam, r.finished_at) FROM seen s JOIN meta.runs r USING (run_id) "
        "JOIN gone g ON g.area_code = s.area_code AND r.finished_at <= g.removed_at "
        "WHERE s.wijkteam IS NOT NULL GROUP BY 1", [list(codes)]).fetchall())


def recorded_split_parts(con: Con, codes: list[str]) -> pd.DataFrame:
    """``old_code``, ``part``, ``cells`` (the old code's cells in ``core.signal_counts``): of ``codes``, those the
    warehouse recorded as split (``meta.removed_buurten``) with the buurten the same profile change added to their
    wijk (``meta.added_buurten``), where it added two or more: a later one-line mapping of such a code would move
    the whole buurt's past onto one part (red team 13a F2)."""
    return con.execute(
        "WITH found AS (SELECT r.area_code AS old_code, n.area_code AS part FROM meta.removed_buurten r "
        "JOIN meta.added_buurten n ON n.added_at = r.removed_at "
        "JOIN core.areas a ON a.area_code = n.area_code AND a.level = 'buurt' AND a.wijk_code = r.wijk_code "
        "WHERE list_contains(?, r.area_code)), "
        "cells AS (SELECT area_code AS old_code, count(*) AS cells FROM core.signal_counts "
        "WHERE list_contains(?, area_code) GROUP BY ALL) "
        "SELECT f.old_code, f.part, coalesce(c.cells, 0) AS cells FROM found f LEFT JOIN cells c USING (old_code) "
        "QUALIFY count(*) OVER (PARTITION BY f.old_code) >= 2 ORDER BY ALL", [list(codes), list(codes)]).df()


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
