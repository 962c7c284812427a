"""Write the reports: execute the manager notebooks for a period, the year plan of a team, the open pages.

Inputs: the working folder's warehouse (read-only) and ``notebooks/*.py`` (jupytext percent format).
Outputs under ``<home>/reports/``: ``<period>/{01-trends,02-flags-review,03-map,index}.html``,
``jaarplan/<year>/<team>.html`` and ``open/<wijk>-<wijkcode>.html`` + ``open/index.html``; every page is
self-contained (inline CSS and SVG, images as ``data:`` URIs) and opens offline.
Settings (``ReportSettings``) have their defaults here; ``<home>/rapport_instellingen.csv`` overrides them.
"""
from __future__ import annotations

import contextlib
import csv
import logging
import re
import time
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from pipelines import catalog
from pipelines.clock import local_now
from pipelines.atomic import replacing, write_text
from pipelines.export_folder import one_writer, recover, write_set
from pipelines.faults import fault_point
from pipelines.paths import REPO_ROOT, Home
from pipelines.reports import jaarplan, openpages, published
from pipelines.reports.data import NoReportData, find_report_run, open_warehouse, read_report_data
from pipelines.reports.period import check_marts, period_end, read_period_data, within
from pipelines.reports.render import NotebookFailed, notebook_page, page
from pipelines.refusal import Refusal
from pipelines.safe_output import escape_html as esc
from pipelines.safe_output import safe_filename

log = logging.getLogger("wijkradar.reports")

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = {"01-trends": "Trends per wijk en domein", "02-flags-review": "Terugblik op de signaleringen",
             "03-map": "Kaart van de signalen"}


@dataclass(frozen=True)
class ReportSettings:
    """Report settings; override in ``<home>/rapport_instellingen.csv`` (columns ``setting,value``)."""

    open_toon_signalen: bool = False     # open pages name buurten that are on a list now (no numbers)
    open_drempel: int = 5                # counts below this are shown as <drempel on open pages
    notebook_timeout: int = 600          # seconds per notebook cell


def read_settings(home: Home) -> ReportSettings:
    path = home.root / "rapport_instellingen.csv"
    if not path.exists():
        return ReportSettings()
    known = {f.name: f for f in fields(ReportSettings)}
    values = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name, value = (row.get("setting") or "").strip(), (row.get("value") or "").strip()
            if name not in known:
                raise Refusal(f"{path.name} in the working folder has an unknown setting {name!r}; correct the "
                              f"name (known: {', '.join(known)}) or delete the line, and run the command again")
            default = getattr(ReportSettings(), name)
            if isinstance(default, bool):
                values[name] = value.lower() in ("1", "true", "ja", "yes", "aan")
            else:
                try:
                    values[name] = type(default)(value)
                except ValueError as exc:
                    raise Refusal(f"{path.name} in the working folder: {name} = {value!r} is not a whole "
                                  f"number; give one (the default is {default}) and run the command again") from exc
    drempel = values.get("open_drempel", ReportSettings().open_drempel)
    if drempel < ReportSettings().open_drempel or drempel % openpages.ROUND_TO:
        # counts are rounded to 5: below 5 a count under it printed as 0 (a 2 as "0"), and one build at 4 beside
        # one at 5 told a count of exactly 4 ("5" and "<5"); a threshold off the grid printed counts under it
        raise Refusal(f"{path.name} in the working folder: open_drempel = {drempel} is not allowed: the open "
                      f"pages hide counts below at least {ReportSettings().open_drempel} and round the rest to "
                      f"{openpages.ROUND_TO}, so the threshold "
                      f"must be {ReportSettings().open_drempel} or a higher multiple of {openpages.ROUND_TO}: "
                      "correct it and run the command again")
    return ReportSettings(**values)


def _stamp() -> str:
    return local_now().strftime("%d-%m-%Y %H:%M")           # Amsterdam time, the readers' clocks


# --- manager notebooks -------------------------------------------------------------------------

def load_notebook(name: str, params: dict):
    """The paired notebook ``notebooks/<name>.py`` with a papermill-style ``injected-parameters`` cell
    after its ``parameters`` cell."""
    import jupytext
    import nbformat

    nb = jupytext.read(NOTEBOOK_DIR / f"{name}.py")
    at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if at is None:
        raise NotebookFailed(f"notebooks/{name}.py has no cell tagged 'parameters'")
    source = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    return nb


def execute_notebooks(params: dict, names: list[str] | None = None, timeout: int = 600) -> dict:
    """Execute notebooks with ``params``, each in its own fresh python3 kernel, all at once (the kernels
    mostly wait on imports and the warehouse); returns the executed notebooks by name.

    Kernels talk over local sockets in a temporary folder (IPC), not over TCP.
    """
    import asyncio
    import tempfile

    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    names = list(names or NOTEBOOKS)
    notebooks = {name: load_notebook(name, params) for name in names}

    async def run_all(sockets: str):
        managers = [AsyncKernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k{i}")
                    for i in range(len(notebooks))]
        clients = [NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                                  resources={"metadata": {"path": str(REPO_ROOT)}})
                   for km, nb in zip(managers, notebooks.values())]
        try:
            return await asyncio.gather(*(c.async_execute(cleanup_kc=True) for c in clients), return_exceptions=True)
        finally:        # a kernel we hand to the client is ours to stop
            for km in managers:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)

    with tempfile.TemporaryDirectory(prefix="wijkradar-kernels-") as sockets:
        results = asyncio.run(run_all(sockets))
    for name, result in zip(notebooks, results):
        if isinstance(result, CellExecutionError):
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(result)).strip()     # the kernel's colours: raw escapes
            last = text.splitlines()[-1] if text else type(result).__name__
            raise NotebookFailed(f"notebooks/{name}.py failed: {last}") from result
        if isinstance(result, BaseException):
            raise result
    return notebooks


def _nav(current: str = "") -> str:
    links = ['<a href="index.html">Overzicht</a>'] + [
        f'<a href="{n}.html" aria-current="page"><b>{esc(t)}</b></a>' if n == current else f'<a href="{n}.html">{esc(t)}</a>'
        for n, t in NOTEBOOKS.items()]
    return f"<nav aria-label=\"Pagina's van het rapport\">{''.join(links)}</nav>"


def write_period_report(home: Home, period: str | None = None, settings: ReportSettings | None = None) -> list[Path]:
    """Execute the three manager notebooks for the run of ``period`` and write their pages and an index.

    The pages are replaced as a set, as a period's lists are (``export_folder.write_set``): ``reports/<period>/``
    holds one run's whole report, never the trends of one run beside the flags review of another (red team 7a F7).
    Raises :class:`NoReportData` when there is no run for the period.
    """
    settings = settings or read_settings(home)
    with one_writer(home.reports):       # a set another report is writing is not left by a killed one (red team 14b F1)
        recover(home.reports, what="report pages", by="report")    # what a report killed half-way left, first
    with open_warehouse(home) as con:                  # closed again before the kernels open it
        run = find_report_run(con, period)
        check_marts(con, run)                          # refused here in one sentence, not in a kernel
    folder = home.reports / safe_filename(run["run_period"])
    # the run itself, not only its period: a run of the period finishing while the notebooks execute gave two pages
    # its figures under the index's and their own headers' run (red team 10b F7)
    params = {"home": str(home.root), "period": run["run_period"], "run_id": run["run_id"]}
    executed = execute_notebooks(params, timeout=settings.notebook_timeout)

    def write(into: Path) -> None:
        for name, title in NOTEBOOKS.items():
            write_text(into / f"{name}.html", notebook_page(executed[name], title, f"Periode {run['run_period']} · "
                                                             f"run {run['run_id']}", _nav(name), name))
            fault_point("report-mid-set")       # the crash tests' point: some pages written, not all
        items = "".join(f'<li><a href="{n}.html">{esc(t)}</a></li>' for n, t in NOTEBOOKS.items())
        write_text(into / "index.html", page(
            f"wijkradar rapport {run['run_period']}",
            f"<ul>{items}</ul><p class='small'>Run {esc(run['run_id'])}, gemaakt op {esc(_stamp())}. "
            "De pagina's werken zonder internet.</p>", "Voor managers en analisten"))

    with one_writer(home.reports):
        write_set(folder, write, by="report")
    return [folder / "index.html", *(folder / f"{name}.html" for name in NOTEBOOKS)]


# --- year plan of one wijkteam -------------------------------------------------------------------

def run_years(periods: list[str]) -> list[int]:
    """The years of the runs' periods (a week in its ISO year, a month in its calendar year, as the reports count
    them)."""
    from models.calendar import parse_period_label
    from pipelines.reports.trends import report_year

    return sorted({report_year(start, kind) for kind, start in map(parse_period_label, periods)})


def _newest_run(periods: list[str]) -> str:
    """', the newest of 2026-W53 (28-12-2026 to 03-01-2027, a week of 2026)' where the newest run's week ends in
    the next calendar year: run in January, it is no run of that year ('' otherwise)."""
    from models.calendar import parse_period_label
    from pipelines.reports.trends import report_year

    kind, start = max(map(parse_period_label, periods), key=lambda ks: ks[1])
    end = start + pd.Timedelta(days=6)
    if kind != "week" or end.year == report_year(start):
        return ""
    label = next(p for p in periods if parse_period_label(p) == (kind, start))
    return f", the newest of {label} ({start:%d-%m-%Y} to {end:%d-%m-%Y}, a week of {report_year(start)})"


def _first_run_of(year: int, periods: list[str]) -> str:
    """What makes the first run of ``year``: its first week (its first month where every run is of a month),
    delivered and over: 'make the first run of 2027, of 2027-W01 (04-01-2027 to 10-01-2027), with wijkradar run
    once that week is delivered, from 11-01-2027' (it said 'run the weekly flow in 2027 first' to an analyst who had
    run it on 4 January 2027, for 2026-W53)."""
    from models.calendar import parse_period_label

    if any(parse_period_label(p)[0] == "week" for p in periods):
        start = pd.Timestamp.fromisocalendar(year, 1, 1)
        end, label, unit = start + pd.Timedelta(days=6), f"{year}-W01", "week"
    else:
        start = pd.Timestamp(year, 1, 1)
        end, label, unit = pd.Timestamp(year, 1, 31), f"{year}-01", "month"
    return (f"make the first run of {year}, of {label} ({start:%d-%m-%Y} to {end:%d-%m-%Y}), with wijkradar run "
            f"once that {unit} is delivered, from {end + pd.Timedelta(days=1):%d-%m-%Y}")


def _first_count_year(counts: pd.DataFrame) -> int | None:
    """The first year (ISO year of a week, calendar year of a month) holding a count, None without counts."""
    from pipelines.reports.trends import report_year

    if counts.empty:
        return None
    firsts = counts.groupby("period")["period_start"].min()
    return min(report_year(pd.Timestamp(start), kind) for kind, start in firsts.items())


def write_jaarplan(home: Home, year: int, team: str) -> Path:
    """The Dutch year-plan page of ``team`` for ``year`` (only the team's buurten)."""
    with open_warehouse(home) as con:
        data = read_period_data(con)
        periods = catalog.run_periods(con)
        years = run_years(periods)
    if int(year) > years[-1]:
        raise NoReportData(f"no run in {int(year)} or later: the runs are of {', '.join(map(str, years))}"
                           f"{_newest_run(periods)}; give one of those years, or {_first_run_of(int(year), periods)}")
    first = _first_count_year(data.counts)
    if first is None or int(year) < first:
        held = f"the counts begin in {first}" if first is not None else "the warehouse holds no counts"
        raise NoReportData(f"no counts in {int(year)}: {held}; give a year from {first or years[0]} to {years[-1]}")
    teams = dict(zip(data.wijkteams["wijkteam"], data.wijkteams["name"]))
    if team not in teams:
        raise NoReportData(f"unknown wijkteam {team!r}; choose one of: {', '.join(teams)}")
    dev = jaarplan.development(data.scores, data.areas, data.catalogue, team, year, data.counts)
    monthly = jaarplan.monthly_development(data.scores, data.areas, data.catalogue, team, year)
    # a team renamed or merged since: what its lists held and its answers are the plan of the team of its buurten
    sent, revised, answers, flags, listed = (jaarplan.teams_of_today(f, data.areas) for f in
                                             (data.sent, data.revised, data.feedback, data.flags, data.listed))
    flags_year = jaarplan.year_flags(data.evidence, data.areas, answers, team, year, sent, revised, data.catalogue,
                                     data.run["run_period"], listed)
    own = flags[flags["wijkteam"] == team]
    explanations = dict(zip(zip(own["area_code"], own["domain"]), own["explanation"]))
    covered = jaarplan.scored([data.scores, data.evidence], data.run["run_period"], data.counts, data.catalogue)
    end = period_end(data.run["run_period"])
    notes = " ".join(filter(None, [
        jaarplan.absent_domains(dev, data.counts, data.catalogue, data.areas, team, year, end),
        jaarplan.delivered_until(dev, data.scores, data.catalogue, data.areas, team, year, end, covered)]))
    html = jaarplan.jaarplan_page(team, teams[team], year, dev, monthly, flags_year, explanations,
                                  not data.feedback.empty, _stamp(), covered, notes)
    folder = home.reports / "jaarplan" / str(int(year))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_filename(team)}.html"
    with one_writer(home.reports):     # two at once wrote one .part file (red team 14b F1)
        write_text(path, html)    # whole or not at all: a full disk cut the page mid-chart in place (red team 7a F8)
    return path


# --- open pages for residents --------------------------------------------------------------------

def open_pages(data, settings: ReportSettings, printed: pd.DataFrame | None = None) -> dict[str, str]:
    """File name -> HTML of every open page (pure once the data are read); ``printed``: the record of earlier
    builds (:func:`open_build`)."""
    return open_build(data, settings, printed)[0]


def open_build(data, settings: ReportSettings, printed: pd.DataFrame | None = None
               ) -> tuple[dict[str, str], pd.DataFrame]:
    """The open pages and the record of what they print, given ``printed``, what earlier builds printed
    (:func:`published.across_builds`: a year printed before under another division of wijken shows only what was
    printed then)."""
    from pipelines.reports.trends import wijk_table

    run = getattr(data, "run", None)
    # the weeks that had ended by the run's: a week just begun would make its year look complete
    counts = data.counts if run is None else within(data.counts, period_end(run["run_period"]))
    rates = openpages.disclose(openpages.yearly_rates(counts, data.areas, data.catalogue), settings.open_drempel)
    rates, record = published.across_builds(rates, data.areas, printed, getattr(data, "moves", None))
    left = openpages.uncovered(counts, data.areas, data.catalogue)
    held = data.catalogue[data.catalogue["signal"].isin(counts["signal"].unique())]   # what the pages can speak of
    wijken = wijk_table(data.areas)
    made = _stamp()
    pages = {"index.html": openpages.index_page(wijken, made, openpages.gemeente_names(data.areas))}
    clock = time.monotonic()
    for i, (_, w) in enumerate(wijken.iterrows()):
        if time.monotonic() - clock > 10:        # a big city's hundred wijken take a while on a busy machine
            log.info("open pages: %d of %d wijken written", i, len(wijken))
            clock = time.monotonic()
        sentences = (openpages.flag_sentences(data.flags, w["wijk_code"], data.areas, data.counts, data.catalogue,
                                              settings.open_drempel)
                     if settings.open_toon_signalen else None)
        pages[openpages.page_name(w["wijk_code"], w["wijk"])] = openpages.wijk_page(
            w, rates, held, settings.open_drempel, sentences, made, left)
    return pages, record


#: What the open pages printed, per municipality, domain, year and area, kept beside (not in) the published folder.
#: Parquet, not CSV: the texts are read back exactly as printed (a spreadsheet-safe CSV would change ``-`` to ``'-``).
PRINTED_RECORD = "open_gepubliceerd.parquet"


def read_printed(home: Home) -> pd.DataFrame:
    """The record of what earlier builds of the open pages printed (empty before the first)."""
    path = home.reports / PRINTED_RECORD
    if not path.exists():
        return published.empty_record()
    record = pd.read_parquet(path)
    missing = set(published.RECORD_COLUMNS) - set(record.columns)
    if missing:
        raise Refusal(f"{home.shown(path)} lacks the column(s) {', '.join(sorted(missing))}: it is the record of what the open "
                      "pages printed before; restore it from a backup of the home, do not delete it (without it a "
                      "new division of wijken could be read against the pages published before)")
    return record[published.RECORD_COLUMNS]


def write_open_pages(home: Home, settings: ReportSettings | None = None) -> list[Path]:
    settings = settings or read_settings(home)
    with open_warehouse(home) as con:
        data = read_report_data(con, home=home)
    with one_writer(home.reports):      # one build's record and pages at a time (red team 14b F1)
        pages, record = open_build(data, settings, read_printed(home))
        # the record before the pages: a build stopped in between leaves a record of pages not yet published (later
        # builds are held to figures nobody read), never published pages the record does not know (red team 6b)
        with replacing(home.reports / PRINTED_RECORD) as part:
            record.to_parquet(part, index=False)
        return replace_open_pages(home.reports / "open", pages)


OPEN_PAGE_MARK = "Gemaakt door wijkradar op"


def replace_open_pages(folder: Path, pages: dict[str, str]) -> list[Path]:
    """Write ``pages`` into ``folder`` and remove the open pages of an earlier call that are not among them
    (a page under an older name, or of a wijk no longer shown, must not stay published); other files stay.

    Every page is written (as its ``.part``) before any replaces its own: a build that cannot write them all (a full
    disk) leaves the earlier build's pages, not a new index beside the pages before (red team 14b F2); the parts a
    killed build left are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with contextlib.ExitStack() as pages_in_place:     # on leaving, each part replaces its page; on an error, removed
        for name, html in pages.items():
            path = folder / name
            pages_in_place.enter_context(replacing(path)).write_text(html, encoding="utf-8")
            written.append(path)
    # a page's part is one a killed build left (one build at a time writes here): not to stay in a published folder
    for old in sorted([*folder.glob("*.html"), *folder.glob("*.html.part")]):
        if old.name not in pages and OPEN_PAGE_MARK in old.read_text(encoding="utf-8", errors="replace"):
            old.unlink()
    return written


def report_link_markdown(home: Home, period: str) -> str | None:
    """Markdown linking the period's report folder, or None when no report was written for it."""
    index = home.reports / safe_filename(period) / "index.html"
    if not index.exists():
        return None
    pages = sorted(p.name for p in index.parent.glob("*.html"))
    # named relative to the working folder, and linked only when its path holds no personal value: Prefect keeps the
    # artifact in its database, and the folder may be named after its owner (red team 10a F3)
    linked = home.shown_root == str(home.root)

    def link(text: str, target: Path) -> str:
        return f"[{text}]({target.as_uri()})" if linked else text

    return (f"Rapport voor periode {period}: {link(home.shown(index.parent), index)}\n\n"
            + "\n".join(f"- {link(p, index.parent / p)}" for p in pages))

