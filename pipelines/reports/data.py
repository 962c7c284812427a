"""The reports' one gateway to the warehouse: named reads on a read-only connection, frames out.

Notebooks and report commands open the file with :func:`open_warehouse` (read-only, so several
readers can run at once; never while a flow writes) and read everything through
:func:`read_report_data`. Nothing else in ``pipelines/reports`` knows the schema.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipelines.paths import REFERENCE_DIR, Home, resolve_home
from pipelines.warehouse import connect

OUTLINES = REFERENCE_DIR / "buurtvlakken_gm0118_2024.json"
#: Columns of ``meta.flag_feedback`` the reports use; the table is optional (older warehouses lack it).
FEEDBACK_COLUMNS = ["area_code", "domain", "period_start", "wijkteam", "feedback", "run_id", "answered_on"]


class NoReportData(LookupError):
    """The warehouse has nothing to report on (no file, no run, no such period); says what to do."""


@dataclass
class ReportData:
    """Everything the reports read, as frames (one period type per row, dates as Timestamps)."""

    areas: pd.DataFrame                  # core.areas (buurten, wijken, gemeente)
    catalogue: pd.DataFrame              # core.signal_catalogue
    wijkteams: pd.DataFrame              # core.wijkteams
    counts: pd.DataFrame                 # core.signal_counts
    scores: pd.DataFrame                 # marts.series_scores
    evidence: pd.DataFrame               # marts.area_evidence (history of the latest run)
    flags: pd.DataFrame                  # marts.area_flags of the run
    run: dict                            # meta.runs row of the run
    feedback: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FEEDBACK_COLUMNS))
    settings: dict = field(default_factory=dict)

    @property
    def run_start(self) -> pd.Timestamp:
        """First day of the run's period (its ISO week)."""
        from models.calendar import parse_period_label

        return parse_period_label(self.run["run_period"])[1]


@contextmanager
def open_warehouse(home: str | Path | Home | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The working folder's warehouse, read-only; a missing file is a :class:`NoReportData`."""
    h = home if isinstance(home, Home) else resolve_home(home)
    if not h.warehouse.exists():
        raise NoReportData(f"no warehouse at {h.warehouse}; run the weekly flow first (wijkradar run)")
    with connect(h.warehouse, read_only=True) as con:
        yield con


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [schema, name]).fetchone()[0])


def read_feedback(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Wijkteam feedback on flags (``meta.flag_feedback``), or an empty frame when the table is absent.

    The value column may be called ``feedback``, ``value``, ``terugkoppeling`` or ``waarde``.
    """
    if not _has_table(con, "meta", "flag_feedback"):
        return pd.DataFrame(columns=FEEDBACK_COLUMNS)
    fb = con.execute("SELECT * FROM meta.flag_feedback").df()
    for alt in ("value", "terugkoppeling", "waarde"):
        if "feedback" not in fb and alt in fb:
            fb = fb.rename(columns={alt: "feedback"})
    for col in FEEDBACK_COLUMNS:
        if col not in fb:
            fb[col] = None
    fb["period_start"] = pd.to_datetime(fb["period_start"], errors="coerce")
    return fb


def find_report_run(con: duckdb.DuckDBPyConnection, period: str | None = None) -> dict:
    """The run of ``period`` (default: the latest) as a dict; :class:`NoReportData` when there is none."""
    where, args = ("WHERE run_period = ?", [period]) if period else ("", [])
    got = con.execute(f"SELECT run_id, run_period, finished_at, settings FROM meta.runs {where} "
                      "ORDER BY finished_at DESC, run_id DESC LIMIT 1", args).fetchall()
    if not got:
        raise NoReportData(f"no run for period {period}; run the weekly flow for that week first (wijkradar run)"
                           if period else "no run yet; run the weekly flow first (wijkradar run)")
    run_id, run_period, finished, settings = got[0]
    return {"run_id": run_id, "run_period": run_period, "finished_at": finished, "settings": json.loads(settings)}


def read_report_data(con: duckdb.DuckDBPyConnection, period: str | None = None) -> ReportData:
    """Read the frames of the run of ``period`` (default: the latest run)."""
    run = find_report_run(con, period)
    dated = lambda df, *cols: df.assign(**{c: pd.to_datetime(df[c]) for c in cols})  # noqa: E731
    return ReportData(
        areas=con.execute("SELECT * FROM core.areas ORDER BY area_code").df(),
        catalogue=con.execute("SELECT signal, domain, label_nl, unit_nl, source, frequency FROM core.signal_catalogue "
                              "ORDER BY signal").df(),
        wijkteams=con.execute("SELECT wijkteam, name FROM core.wijkteams ORDER BY wijkteam").df(),
        counts=dated(con.execute("SELECT area_code, signal, period, period_start, count FROM core.signal_counts").df(),
                     "period_start"),
        scores=dated(con.execute("SELECT area_code, signal, period, period_start, count, expected, upper, pvalue, "
                                 "alarm, method FROM marts.series_scores").df(), "period_start"),
        evidence=dated(con.execute("SELECT * FROM marts.area_evidence").df(), "period_start", "since"),
        flags=dated(con.execute("SELECT f.*, a.name FROM marts.area_flags f JOIN core.areas a USING (area_code) "
                                "WHERE run_id = ?", [run["run_id"]]).df(), "period_start", "since"),
        run=run,
        feedback=read_feedback(con),
        settings=run["settings"],
    )


def outlines_path(areas: pd.DataFrame) -> Path:
    """The outline file of the areas' municipality: the copy in ``data/reference`` (Hoogeveen), else the
    national set of ``wijkradar init`` profiles (``data/national/buurtvlakken-svg-2024/<GM>.json``)."""
    gm = str(areas.loc[areas["level"] == "gemeente", "area_code"].iloc[0]) if (areas["level"] == "gemeente").any() else ""
    own = REFERENCE_DIR / f"buurtvlakken_{gm.lower()}_2024.json"
    national = REFERENCE_DIR.parent / "national" / "buurtvlakken-svg-2024" / f"{gm}.json"
    return own if own.exists() or not national.exists() else national


def read_outlines(path: Path = OUTLINES) -> tuple[pd.DataFrame, str]:
    """Buurt outlines (``area_code``, ``name``, SVG path ``d``) and the drawing's viewBox."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    feats = pd.DataFrame(doc["features"]).rename(columns={"code": "area_code", "naam": "name"})
    return feats[["area_code", "name", "d"]], doc["viewBox"]


def read_truth(home: str | Path | Home | None = None) -> pd.DataFrame | None:
    """The demo's injected issues (``reports/demo_truth.csv``) when this working folder holds the demo."""
    h = home if isinstance(home, Home) else resolve_home(home)
    path = h.reports / "demo_truth.csv"
    if not path.exists():
        return None
    truth = pd.read_csv(path)
    truth["period_start"] = pd.to_datetime(truth["period_start"])
    return truth
