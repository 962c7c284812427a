"""Structural risk: the CBS figures it reads (``core.area_stats``) and what it writes (``marts.area_risk``,
``meta.risk_runs``); one write per scoring run, inside the caller's transaction."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame

Con = duckdb.DuckDBPyConnection
RISK_COLUMNS = ["run_id", "area_code", "domain", "period_from", "period_to", "horizon_months", "probability", "rank",
                "history", "drivers", "model", "trained_on", "base_rate", "wijkteam"]


def latest_area_stats(con: Con, up_to_year: int | None = None) -> pd.DataFrame:
    """``area_code, indicator, year, value``: per area and indicator the latest year with a value, of the years up
    to ``up_to_year`` where given (a run of 2025 does not learn from the figures of 2026)."""
    return con.execute(
        "SELECT area_code, indicator, year, value FROM core.area_stats WHERE value IS NOT NULL "
        "AND (CAST(? AS INTEGER) IS NULL OR year <= ?) "
        "QUALIFY row_number() OVER (PARTITION BY area_code, indicator ORDER BY year DESC) = 1 "
        "ORDER BY area_code, indicator", [up_to_year, up_to_year]).df()


def risk_exists(con: Con, run_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.risk_runs WHERE run_id = ?", [run_id]).fetchall()[0][0])


def write_risk(con: Con, run_id: str, rows: pd.DataFrame, settings: dict, features: str, models: dict) -> None:
    """A run's risk rows and its ``meta.risk_runs`` row (written last)."""
    insert_frame(con, "marts.area_risk", rows[RISK_COLUMNS])
    con.execute("INSERT INTO meta.risk_runs VALUES (?, now()::TIMESTAMP, ?, ?, ?)",
                [run_id, json.dumps(settings, sort_keys=True), features, json.dumps(models, sort_keys=True)])


def area_risk(con: Con, run_id: str) -> pd.DataFrame:
    """The risk rows of a run with the area's name, team and municipality (empty when the run has none).

    The team is the one the run had (``marts.area_risk.wijkteam``), not the buurt's team today: a buurt moved
    to another team since stays with the team whose list of that run held it, so the run's lists agree."""
    return con.execute(
        "SELECT r.* EXCLUDE (wijkteam), a.name, coalesce(r.wijkteam, a.wijkteam) AS wijkteam, a.gemeente_code "
        "FROM marts.area_risk r JOIN core.areas a USING (area_code) "
        "WHERE r.run_id = ? ORDER BY r.domain, a.gemeente_code, r.rank", [run_id]).df()


def risk_run(con: Con, run_id: str) -> dict | None:
    """``settings``, ``features``, ``models`` of a run's risk (None when the run has none)."""
    got = con.execute("SELECT settings, features, models FROM meta.risk_runs WHERE run_id = ?", [run_id]).fetchall()
    if not got:
        return None
    return {"settings": json.loads(got[0][0]), "features": got[0][1], "models": json.loads(got[0][2])}
