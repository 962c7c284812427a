"""The figures of one run's period: a report of a week shows that week's figures, never a later or an earlier one's.

The marts hold the series scores and area evidence of one run (``meta.marts_run``), normally the current one.
A report of an earlier period cuts every history at the end of its period; a report whose run's scores are not in
the marts and cannot be cut from a later run's is refused in one sentence (:func:`check_marts`).
"""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from pipelines.catalog.reports import marts_run_period
from pipelines.reports.data import NoReportData, ReportData, read_feedback, read_report_data


def period_end(run_period: str) -> pd.Timestamp:
    """The last day of a run's period: the Sunday of a week, the last day of a month."""
    from models.calendar import parse_period_label
    from pipelines.flag import period_end as end_of

    kind, start = parse_period_label(run_period)
    return end_of(start, kind)


def check_marts(con: duckdb.DuckDBPyConnection, run: dict) -> None:
    """Refuse (:class:`NoReportData`) when the marts hold the scores of another run that is not of a later period:
    the report would show that run's weeks under this run's period."""
    got = marts_run_period(con)
    if got is None or got[0] == run["run_id"]:
        return
    marts_id, marts_period = got
    if marts_period is not None and period_end(marts_period) > period_end(run["run_period"]):
        return                          # a later run's scores, cut at this period's end by cut_at_period
    of = f"of {marts_period} (run {marts_id})" if marts_period else f"of run {marts_id}"
    raise NoReportData(f"the scores in the warehouse are {of}, not of the run of {run['run_period']} "
                       f"({run['run_id']}), so the report would show other weeks under {run['run_period']}; run "
                       "`wijkradar run` for the current week again (it scores the current run anew), then make the "
                       "report")


def within(frame: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of periods that ended by ``end`` (a week by its Sunday, a month by its last day); rows without a
    ``period`` column by their ``period_start``."""
    if frame.empty or "period_start" not in frame:
        return frame
    starts = pd.to_datetime(frame["period_start"])
    if "period" not in frame:
        return frame[~(starts > end)]
    ends = starts.where(frame["period"] != "week", starts + pd.Timedelta(days=6))
    ends = ends.where(frame["period"] != "month", starts + pd.offsets.MonthEnd(0))
    return frame[~(ends > end)]


def cut_at_period(data: ReportData) -> ReportData:
    """``data`` as its run's period saw it: counts, scores, evidence, feedback and lists of later periods left
    out."""
    end = period_end(data.run["run_period"])
    return replace(data, counts=within(data.counts, end), scores=within(data.scores, end),
                   evidence=within(data.evidence, end), feedback=within(data.feedback, end),
                   sent=within(data.sent, end), revised=revised_by(data.revised, end),
                   listed=within(data.listed, end))


def revised_by(revised: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``ReportData.revised`` whose revision a list of a period ended by ``end`` said: a report of the
    week the team was sent the flag shows it as it was, not as closed by a later list."""
    if revised.empty:
        return revised
    return revised[[period_end(p) <= end for p in revised["revised_in"]]]


def read_period_data(con: duckdb.DuckDBPyConnection, period: str | None = None,
                     run_id: str | None = None, home=None) -> ReportData:
    """The frames of the run of ``period`` (default: the latest run; ``run_id``: that run, as ``report --period`` names
    it to each notebook, so a run of the period finishing while the notebooks execute does not give some pages its
    figures under the others' run), cut at the end of its period; refused when the warehouse's scores are of another
    run that cannot be cut to it (:func:`check_marts`); with ``home``, the codes its profile maps count too
    (:func:`read_report_data`)."""
    data = read_report_data(con, period, run_id, home)
    check_marts(con, data.run)
    # the answers as the run's period saw them: those on its lists and earlier ones (a later list's answer to a
    # monthly flag has the flag's month, which a cut on the flag's period lets through)
    data = replace(data, feedback=read_feedback(con, lists_until=period_end(data.run["run_period"]).date()))
    return cut_at_period(data)


def marts_note(con: duckdb.DuckDBPyConnection, run: dict) -> str:
    """A Dutch line for the page when the scores are a later run's, cut at this run's period; else ''."""
    got = marts_run_period(con)
    if got is None or got[0] == run["run_id"]:
        return ""
    return (f"Scores en bewijs zoals berekend in run {got[0]} ({got[1]}), tot en met periode {run['run_period']}; "
            "latere weken tellen niet mee.")
