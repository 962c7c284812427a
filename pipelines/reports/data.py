"""What the reports read: the run's frames from the warehouse gateway, on a read-only connection.

Notebooks and report commands open the file with :func:`open_warehouse` (read-only, so several
readers can run at once; never while a flow writes) and read everything through
:func:`read_report_data`, which reads through ``pipelines.catalog``.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipelines import catalog
from pipelines.catalog.reports import LISTED_COLUMNS, REVISED_COLUMNS
from pipelines.paths import REFERENCE_DIR, Home, resolve_home
from pipelines.reports.trends import with_parts
from pipelines.warehouse import connect

OUTLINES = REFERENCE_DIR / "buurtvlakken_gm0118_2024.json"
#: Columns of ``meta.flag_feedback`` the reports use; the table is optional (older warehouses lack it).
FEEDBACK_COLUMNS = ["area_code", "domain", "period_start", "wijkteam", "feedback", "run_id", "answered_on"]
SENT_COLUMNS = ["run_period", "wijkteam", "area_code", "domain", "period", "period_start"]


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
    #: per run (``run_period``), the team whose list held each flagged cell (marts.area_flags of every run): a
    #: flag belongs to the team it was sent to, whatever today's buurt_indeling says
    sent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SENT_COLUMNS))
    settings: dict = field(default_factory=dict)
    #: ``old_code, new_code``: the codes mapped to a buurt of the profile (what the sync moved, and the profile's
    #: ``buurtcode_wijzigingen.csv`` when read with a home): the open pages' record and a source's coverage read
    #: earlier divisions through them
    moves: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["old_code", "new_code"]))
    #: the flags a team was sent that a later list closed as ``herzien`` (``catalog.revised_flags``): the scores'
    #: lifecycle no longer holds them, the year plan and the review do
    revised: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REVISED_COLUMNS))
    #: every flag a written list sent, as listed (``catalog.listed_flags``): the year plan and the review keep an
    #: answered flag today's scores no longer hold (a correction lowered its week, a newer logic re-scored it)
    listed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LISTED_COLUMNS))

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


def read_feedback(con: duckdb.DuckDBPyConnection, lists_until=None) -> pd.DataFrame:
    """The wijkteams' answers that count, one per flag (``catalog.answers``: an answer on a newer list wins over
    one on an older list, whenever each was imported), with the answer in ``feedback``; an empty frame when the
    warehouse has no ``meta.flag_feedback`` yet.

    The same choice sets the list statuses, ``wijkradar feedback`` and the Toelichting's precision table, so the
    year plan cannot count an answer those have set aside. ``lists_until``: only answers on lists of periods ended
    by then (``catalog.answers``).
    """
    if not catalog.has_table(con, "meta", "flag_feedback"):
        return pd.DataFrame(columns=FEEDBACK_COLUMNS)
    fb = catalog.answers(con, lists_until=lists_until).rename(columns={"value": "feedback"})
    fb["period_start"] = pd.to_datetime(fb["period_start"], errors="coerce")
    return fb


def find_report_run(con: duckdb.DuckDBPyConnection, period: str | None = None, run_id: str | None = None) -> dict:
    """The run of ``period`` (default: the latest; ``run_id``: that run) as a dict; :class:`NoReportData` when there
    is none."""
    got = catalog.latest_run(con, period=period, run_id=run_id)
    if got is None and run_id is not None:
        raise NoReportData(f"no run {run_id}" + (f" of period {period}" if period else "") +
                           "; run `wijkradar report` again to report the current run")
    if got is None and period:
        from pipelines.flag import no_run_sentence

        raise NoReportData(no_run_sentence(period, catalog.run_periods(con)))
    if got is None:
        raise NoReportData("no run yet; run the weekly flow first (wijkradar run)")
    run_id, run_period, finished = got[:3]
    settings, _ = catalog.run_loads_and_settings(con, run_id)
    return {"run_id": run_id, "run_period": run_period, "finished_at": finished, "settings": settings}


def profile_changes(home: str | Path | Home | None) -> pd.DataFrame:
    """``old_code, new_code`` of the working folder's ``buurtcode_wijzigingen.csv`` (each old code to its buurt);
    empty when the profile cannot be read (the warehouse's record of what the sync moved still counts)."""
    from pipelines.reference import Reference, ReferenceError

    h = home if isinstance(home, Home) else resolve_home(home)
    try:
        changes = Reference.for_home(h).code_changes
    except (ReferenceError, OSError, ValueError, KeyError):
        return pd.DataFrame(columns=["old_code", "new_code"])
    return changes[["old_code", "new_code"]].reset_index(drop=True)


def read_report_data(con: duckdb.DuckDBPyConnection, period: str | None = None,
                     run_id: str | None = None, home: str | Path | Home | None = None) -> ReportData:
    """Read the frames of the run of ``period`` (default: the latest run; ``run_id``: that run); with ``home``, the
    codes its profile maps count beside those the sync moved (:attr:`ReportData.moves`)."""
    run = find_report_run(con, period, run_id)
    dated = lambda df, *cols: df.assign(**{c: pd.to_datetime(df[c]) for c in cols})  # noqa: E731
    frames = catalog.report_frames(con, run["run_id"])
    moves = frames["moves"]
    if home is not None:
        moves = pd.concat([moves, profile_changes(home)], ignore_index=True).drop_duplicates(ignore_index=True)
    return ReportData(
        areas=with_parts(frames["areas"], moves),
        catalogue=frames["catalogue"],
        wijkteams=frames["wijkteams"],
        counts=dated(frames["counts"], "period_start"),
        scores=dated(frames["scores"], "period_start"),
        evidence=dated(frames["evidence"], "period_start", "since"),
        flags=dated(frames["flags"], "period_start", "since"),
        run=run,
        feedback=read_feedback(con),
        sent=dated(frames["sent"], "period_start"),
        settings=run["settings"],
        moves=moves,
        revised=dated(frames["revised"], "period_start", "since"),
        listed=dated(frames["listed"], "period_start", "since"),
    )


def outline_paths(areas: pd.DataFrame) -> list[tuple[str, str, Path]]:
    """(code, name, outline file) of every municipality of the areas that has outlines: the copy in
    ``data/reference`` (Hoogeveen), else the national set of ``wijkradar init`` profiles
    (``data/national/buurtvlakken-svg-2024/<GM>.json``). A home of several municipalities gets a map each."""
    out = []
    for row in areas[areas["level"] == "gemeente"].sort_values("area_code").itertuples(index=False):
        gm = str(row.area_code)
        own = REFERENCE_DIR / f"buurtvlakken_{gm.lower()}_2024.json"
        national = REFERENCE_DIR.parent / "national" / "buurtvlakken-svg-2024" / f"{gm}.json"
        path = own if own.exists() else national
        if path.exists():
            out.append((gm, str(row.name), path))
    return out


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
