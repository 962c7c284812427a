"""The ``wijkradar`` command: demo, run, ingest, flags, status.

Heavy imports (Prefect, Great Expectations) happen inside the commands that need them, so
``wijkradar --help`` and ``wijkradar status`` answer at once.
"""
from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import Optional

import typer
import typer.core
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.paths import NEEDS_A_FOLDER, REPO_ROOT, Home, HomeError, file_in_the_way, home_for_flows, resolve_home

class _Commands(typer.core.TyperGroup):
    """Every command's expected failures (``warehouse.expected_failure``: the warehouse busy, a full disk) end as
    one sentence and exit code 2, in this one place; so does any other error of the operating system
    (:func:`system_error`), whose text and traceback would quote a path that may hold a person's name."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from pipelines.warehouse import expected_failure

            sentence = expected_failure(exc) or (system_error(exc) if isinstance(exc, OSError) else None)
            if sentence is None:
                raise
            _fail(sentence)


def system_error(exc: OSError) -> str:
    """One sentence for an error of the operating system: the file named as far as its name holds no personal data
    (``privacy.shown_file_name``), the problem in the system's words, what to do; never the path as the error
    quotes it. pyarrow's error names no file but quotes its path in the text ("Failed to open local file '/home/Jan
    Jansen/...'"): the file is read from the quote, the problem from the error's number (red team 7a F6). A file
    written beside the one it stands for (``x.part``, ``.2026-W48.writing``) is named as that one, in its folder."""
    import errno

    from pipelines.privacy import shown_file_name

    code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    problem = f"{(os.strerror(exc.errno) if exc.errno else type(exc).__name__).lower()} ({code})"
    filename = os.fsdecode(exc.filename) if exc.filename is not None else None
    quoted = re.search(r"'((?:/|[A-Za-z]:[\\/]).*)'", str(exc.strerror or "")) if exc.errno else None
    if filename is None and quoted:
        filename = quoted.group(1)
    if filename is None:
        return (f"the command stopped on an error of the system: {problem}; check the files, folders and network "
                "it uses and run it again")
    path = Path(filename)

    def stands_for(name: str) -> str | None:
        beside = re.fullmatch(r"(.+)\.part|\.(.+)\.(?:writing|ready|old)", name)
        return (beside.group(1) or beside.group(2)) if beside else None

    # a part in a set being written (``.2026-W48.writing/x.html.part``) is ``2026-W48/x.html`` (red team 14b F3)
    if stands_for(path.name) is None:
        name = shown_file_name(path.name)
    else:
        folder = stands_for(path.parent.name) or path.parent.name
        name = f"{shown_file_name(folder)}/{shown_file_name(stands_for(path.name))}"
    fix = ("give the file a shorter name" if exc.errno == errno.ENAMETOOLONG
           # a snapshot or a backup mounted read-only: status, flags and explain read it as it is (warehouse.connect)
           else "the working folder is on a file system mounted read-only; copy it to a writable disk"
           if exc.errno == errno.EROFS else "check that it is there and may be read and written")
    return f"{name}: {problem}; {fix}, and run the command again"


def _usable_streams() -> None:
    """An output stream the process was started without (closed by a daemon wrapper or a scheduler: ``>&-``) writes
    nowhere instead of ending every command, the weekly run too, at its first line (red team 7a F4); one that cannot
    hold a character (``PYTHONIOENCODING=ascii``) shows it as ``?`` instead of ending the command in a
    UnicodeEncodeError at the first Dutch label ("Financiële zorgen", F5)."""
    import io

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
        elif name == "stdout" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, io.UnsupportedOperation):
                pass


_usable_streams()
app = typer.Typer(help="wijkradar: early-warning signals per neighbourhood, lists per wijkteam.",
                  no_args_is_help=True, add_completion=False, cls=_Commands)
console = Console(width=None if sys.stdout.isatty() else 150)
#: ``home``: the working folder of this command; ``needs_warehouse``: its path, for a command of NEEDS_WAREHOUSE
#: until it runs
_state: dict[str, Home | Path] = {}
#: Commands that read (or act on) what a working folder holds: on a folder without a warehouse they stop instead
#: of making a new, empty one that they then describe as if it were the analyst's ("nothing loaded yet").
NEEDS_WAREHOUSE = {"report", "status", "flags", "explain", "quarantine", "loads", "feedback", "inbox"}


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            console.print(f"wijkradar {version('wijkradar')}")
        except PackageNotFoundError:
            console.print("wijkradar (version unknown: the package is not installed; pip install -e .)")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Optional[Path] = typer.Option(None, "--home", help="Working folder (warehouse, inbox, exports). "
                                        "Default: $WIJKRADAR_HOME, else the repository's data/."),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the installed version and stop."),
) -> None:
    import os

    root = Path(home or os.environ.get("WIJKRADAR_HOME") or REPO_ROOT / "data").expanduser().resolve()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("wijkradar").setLevel(logging.INFO)
    _state.pop("home", None)
    _state.pop("needs_warehouse", None)
    if ctx.invoked_subcommand in NEEDS_WAREHOUSE:
        # a mistyped --home must not become a new working folder: checked when the command runs (_home), after
        # its options are read, so that `status --help` still shows the help
        _state["needs_warehouse"] = root
        return
    _open_home(root)


def _open_home(root: Path) -> Home:
    """The working folder at ``root``, made where missing; this folder's own Prefect home (unless PREFECT_HOME is
    set), and a Prefect server that a killed run of it left behind stopped."""
    from pipelines import prefect_env   # no prefect import: cheap, and must precede it

    try:
        _state["home"] = resolve_home(root)
    except HomeError as exc:
        _fail(str(exc))
    prefect_home = prefect_env.use_home(_state["home"].root)
    prefect_env.reap_orphan_servers(prefect_home)
    return _state["home"]


def _home() -> Home:
    if "home" in _state:
        return _state["home"]
    root = _state.pop("needs_warehouse", None)
    if root is None:
        return resolve_home(None)
    try:
        Home(root).ensure(make=False)           # a file in the way: that sentence first
    except HomeError as exc:
        _fail(str(exc))
    if not Home(root).warehouse.exists():
        _fail(f"no warehouse in {root}; give the working folder with --home (or WIJKRADAR_HOME), or run "
              "the weekly flow there first (wijkradar run; wijkradar demo for the demo)")
    return _open_home(root)


def _fail(message: str, code: int = 2) -> None:
    """Print one error sentence and exit; an argument typed on the command line that holds a personal value (a name,
    a BSN, an e-mail address or a path holding one: ``--team Gerrit_Brinkhuis``) is shown as ``[verwijderd: ...]``
    wherever the sentence echoes it (:func:`_without_typed_personal_values`).

    The last word of every command, so it must not fail itself: under a memory limit the scrubbing (red team 12c F4:
    a ``MemoryError`` in ``privacy.scrub_file_name``) or rich's rendering can, and then a fixed sentence stands in,
    plainly written: the message unscrubbed could echo a typed personal value."""
    try:
        shown = _without_typed_personal_values(message)
    except MemoryError:
        shown = UNSHOWN_SHORT_OF_MEMORY
    except Exception:  # noqa: BLE001 - a fault of the scrubber: the sentence it could not check is not shown
        shown = UNSHOWN
    try:
        console.print(f"[bold red]error:[/] {escape(shown)}")
    except Exception:  # noqa: BLE001 - MemoryError included: rich compiles its highlighter's patterns when printing
        sys.stdout.write(f"error: {shown}\n")
        sys.stdout.flush()
    raise typer.Exit(code)


#: what :func:`_fail` says when the error's sentence could not be checked for typed personal values: its own memory
#: ran short, or the check failed
UNSHOWN_SHORT_OF_MEMORY = ("the command stopped on an error and had too little memory to show it without the personal "
                           "values typed on its command line; give the process more memory (raise its limit: "
                           "`ulimit -v`, the container's or the scheduler's memory limit) and run the command again")
UNSHOWN = ("the command stopped on an error whose sentence could not be checked for the personal values typed on its "
           "command line, so it is not shown; run the command again and, when it says this again, tell whoever "
           "maintains wijkradar")


def _without_typed_personal_values(message: str) -> str:
    """``message`` with each value typed for the running command (its and its parents' parameters, and the home in
    ``WIJKRADAR_HOME``, which stands for ``--home``; a path also as resolved and by its name) that the privacy
    scrubber would change replaced by its scrubbed form, in any case (``--gemeente`` is echoed in capitals). Only
    what was typed: the rest of the sentence is wijkradar's own (area codes, periods, counts), which the scrubber
    could misread (``0118 2026-09`` as a phone number)."""
    try:
        from typer._click.globals import get_current_context     # typer 0.29 (pinned) runs on its own copy of click
    except ImportError:
        from click import get_current_context

    from pipelines import privacy

    typed: set[str] = set()
    paths: set[str] = set()
    given = [Path(os.environ["WIJKRADAR_HOME"])] if os.environ.get("WIJKRADAR_HOME") else []   # a worker's home
    ctx = get_current_context(silent=True)
    while ctx is not None:
        for value in ctx.params.values():
            given.extend(value if isinstance(value, (list, tuple)) else [value])
        ctx = ctx.parent
    for item in given:
        if isinstance(item, Path):
            paths |= {str(item), str(item.absolute()), item.name}
        elif isinstance(item, str):
            (paths if "/" in item or "\\" in item else typed).add(item)
    for value in sorted((v for v in typed | paths if v.strip()), key=len, reverse=True):
        # a path folder by folder (privacy.scrub_file_name): a login folder (/home/jjansen) is no name in one text
        shown = (privacy.scrub_file_name(value) if "/" in value or "\\" in value else
                 privacy.redaction("naam") if privacy.personal_folder(value) else privacy.scrub_text(value)
                 ) if value in paths else privacy.scrub_text(value)
        if shown != value:
            message = re.sub(re.escape(value), lambda _: shown, message, flags=re.IGNORECASE)
    return message


def _scrub_usage_errors() -> None:
    """Click's own usage errors ("No such command 'jan.jansen@ziggo.nl'", a value that is no number) echo what was
    typed: typer prints them through ``rich_utils.rich_format_error``, which now gets the message scrubbed."""
    from typer import rich_utils

    show = rich_utils.rich_format_error
    if getattr(show, "scrubs", False):
        return

    def scrubbed(error) -> None:
        from pipelines import privacy

        error.message = privacy.scrub_text(error.message)
        show(error)

    scrubbed.scrubs = True
    rich_utils.rich_format_error = scrubbed


def _today(text: Optional[str]):
    """``--today`` as a timestamp (None: really today), or a one-sentence refusal: a date jjjj-mm-dd from 2000
    to 2099, the years wijkradar's calendars and data cover."""
    from pipelines.wording import iso_day

    if text is None:
        return None
    day = iso_day(text)
    if day is None:
        _fail(f"--today {text[:40]!r} is not a date jjjj-mm-dd between 2000 and 2099; give one such as 2026-11-23 "
              "(a run lists the last week that ended before it) or leave --today out for today")
    return day


@app.command()
def init(
    gemeente: list[str] = typer.Option([], "--gemeente", help="Municipality code(s), e.g. GM0363; repeat for a region."),
    provincie: Optional[str] = typer.Option(None, "--provincie", help="All municipalities of a province, e.g. PV22."),
    force: bool = typer.Option(False, "--force", help="Write the profile anew over an existing one."),
) -> None:
    """Write the working folder's municipality profile (division, neighbours, default wijkteams, settings)."""
    from pipelines.profile import ProfileError, write_profile
    from pipelines.reference import Reference, ReferenceError

    home = _home()
    try:
        summary = write_profile(home.root, gemeente, provincie, force=force)
        Reference.for_home(home).areas                       # validated as every run will
    except (ProfileError, ReferenceError) as exc:
        _fail(str(exc))
    console.print(escape(summary.describe()))
    console.print(escape(f"next: put deliveries in {home.shown_root}/inbox and run `wijkradar --home {home.shown_root} "
                         f"run` (or `wijkradar --home {home.shown_root} demo` for a generated history)"))


@app.command()
def demo() -> None:
    """Generate the Hoogeveen demo inbox (5 years, seeded) and run the weekly pipeline on it."""
    import pandas as pd

    from pipelines.demo import DEMO_END, write_demo_inbox
    from pipelines.reference import Reference

    home = _home()
    console.print(f"[bold]wijkradar demo[/] in {escape(home.shown_root)}")
    files = write_demo_inbox(home, Reference.for_home(home))
    truth = (f"truth in {home.shown(files.truth)}" if files.truth else
             "no issues injected (the demo injects them only for Hoogeveen's buurten); the lists hold chance "
             f"findings and structural rises, see {home.shown(files.risk_truth)}")
    console.print(escape(f"demo inbox: {files.meldingen.name}, {files.wijkteam.name}; {truth}"))
    # the day after the generated history, whatever today is: the same lists in any year, none called old
    _run_weekly(home, today=str((DEMO_END + pd.Timedelta(days=1)).date()))


@app.command()
def run(
    today: Optional[str] = typer.Option(None, help="Treat this date (jjjj-mm-dd) as today; default: today."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Score on an existing Dask cluster, "
                                               "e.g. tcp://10.0.0.5:8786 (the warehouse stays on this machine)."),
    dask_workers: int = typer.Option(0, "--dask-workers", help="Score on a local Dask cluster of this many workers."),
) -> None:
    """Run the weekly flow on the inbox: ingest, validate, score, flag, export."""
    _run_weekly(_home(), today, dask_address, dask_workers)


def refusal_line(name: str, why: str) -> str:
    """A refusal of the weekly run with its file named once: the reason names its file already, as a refusal always
    does ("name: ..." or, for a returned list, "name (list of wijkteam ...): ..."), but without the `` (2)`` the run
    adds to a second file whose name scrubs alike (``flows._unique``)."""
    base = re.sub(r" \(\d+\)$", "", name)
    if why.startswith((f"{name}:", f"{name} (")):
        return why
    if why.startswith((f"{base}:", f"{base} (")):
        return f"{name}{why[len(base):]}"
    return f"{name}: {why}"


def _run_weekly(home: Home, today: Optional[str], dask_address: Optional[str] = None, dask_workers: int = 0) -> None:
    from pipelines.flows import weekly, weekly_result
    from pipelines.reference import Reference
    from pipelines.warehouse import WarehouseBusy, connect

    _today(today)                               # refused here, before Prefect starts, if it is no date
    Reference.for_home(home).check()            # the profile check, likewise (a ReferenceError: main's sentence)
    with connect(home.warehouse):               # busy: one sentence here, not a failed flow with its tracebacks
        pass
    flow_fn, fan_out = weekly, False
    if dask_address or dask_workers:
        from pipelines.flows import dask_task_runner

        flow_fn, fan_out = weekly.with_options(task_runner=dask_task_runner(dask_address, dask_workers)), True
        console.print(f"scoring on Dask: {dask_address or f'a local cluster of {dask_workers} workers'}")
    console.print("starting the weekly flow (Prefect; the first start of a local Prefect server takes ~20 s)")
    from pipelines.prefect_env import ServerNotStarted, start_server

    try:
        # on a port this process holds (no other working folder's server), out of the command's process group (a
        # Ctrl-C or SIGTERM to the group leaves the server to record the stop); one that cannot start: a sentence
        start_server()
    except ServerNotStarted as exc:
        _fail(str(exc))
    try:
        # the flow's state, not its result: a run a full disk stopped is a Failed run holding its result (flows.Stop)
        # the home is no parameter: Prefect's database keeps a flow run's parameters, and the folder may bear a name
        with home_for_flows(home.root):
            state = flow_fn(today=today, fan_out=fan_out, return_state=True)
        result = weekly_result(state)           # also of a run stopped half-way (a full disk): said below
    except WarehouseBusy as exc:
        _fail(str(exc))
    for ld in result.loads:
        console.print(("  = " if ld.skipped else "  + ") + escape(ld.describe()))
    if getattr(result, "loaded_before", None):
        from pipelines.flows import loaded_before_note

        console.print("  = " + escape(loaded_before_note(len(result.loaded_before))))
    for name, why in result.refused.items():
        console.print(f"  [red]! refused:[/] {escape(refusal_line(name, why))}")
    for name, why in result.held.items():
        console.print(f"  [yellow]! {escape(why)}[/]")
    for warning in result.warnings:
        console.print(f"  [yellow]! {escape(warning)}[/]")
    if result.stopped:              # a full disk half-way: what was done before is kept, said above
        _fail(result.stopped)
    if result.run is None:
        console.print(f"\n[yellow]no lists this run:[/] {escape(result.note)}")
        raise typer.Exit(1 if result.refused or result.held else 0)
    note = ""
    if result.run.reused:           # its lists owed by an export that failed: written now, which is news to send
        note = (" (no new input for its period since this run; its lists, not all written before, are written now)"
                if result.lists_owed and not result.export_failed else
                " (unchanged: no new input for its period since this run)")
    console.print(f"\nrun [bold]{result.run.run_id}[/]{note}: {result.run.n_series} series, "
                  f"{result.run.n_flags} areas on the lists")
    _print_flags(home, run_id=result.run.run_id)
    if result.export_failed:
        _fail(result.export_failed)
    console.print("\n[bold]Exports[/] (in the working folder)")
    for team, paths in result.exports.items():
        console.print(escape(f"  {team}: " + ", ".join(home.shown(p) for p in paths)))
    if result.refused or result.held:
        raise typer.Exit(1)


@app.command("ingest")
def ingest_cmd(
    file: Optional[str] = typer.Argument(None, help="The file to load; for politie: the service URL or an "
                                         "archived payload folder (default: $WIJKRADAR_POLITIE_URL or the "
                                         "dataderden.cbs.nl service)."),
    source: str = typer.Option(..., "--source", help="Source name: meldingen, wijkteam, schulden, politie or cbs-kwb."),
    today: Optional[str] = typer.Option(None, help="Treat this date as today (jjjj-mm-dd)."),
    gemeente: Optional[str] = typer.Option(None, help="Municipality code for network sources (default: the "
                                           "profile's municipality; give it when the profile has several)."),
    year: list[int] = typer.Option([], "--year", help="cbs-kwb: year(s) to fetch (default: the newest "
                                 "in CBS's catalogue)."),
    kwb_table: list[str] = typer.Option([], "--kwb-table", help="cbs-kwb: YEAR=ID, the table of a year CBS "
                                        "published after this release (e.g. 2024=85984NED)."),
    max_failed_share: float = typer.Option(0.5, help="Refuse the whole file when more than this share of rows fails."),
    mode: Optional[str] = typer.Option(None, help="delivery or correction (default: correction when the name "
                                       "contains 'correctie')."),
    full_window: Optional[str] = typer.Option(None, "--full-window", help="jjjj-mm-dd:jjjj-mm-dd: the file is a full "
                                              "export of this window; reports of it that are absent are retracted."),
    accept_drop: bool = typer.Option(False, "--accept-drop", help="Apply the load even when it lowers a period's "
                                     "total by more than max_drop_share."),
) -> None:
    """Load one file (or one service download) through ingest and validation (no scoring)."""
    from pipelines import reference
    from pipelines.delivery import LoadHeld
    from pipelines.ingest import NotYet, ingest_file
    from pipelines.sources import NETWORK_SOURCES, SOURCES
    from pipelines.sources.common import IngestError
    from pipelines.refusal import Refusal
    from pipelines.sources.odata import shown_url
    from pipelines.validate import ValidationRefused
    from pipelines.warehouse import WarehouseBusy, connect

    if source not in SOURCES:
        _fail(f"unknown source {source!r}; choose one of: {', '.join(sorted(SOURCES))}")
    home = _home()
    ref = reference.Reference.for_home(_home())
    try:
        if source in NETWORK_SOURCES and (file is None or file.startswith(("http://", "https://"))):
            module = SOURCES[source]
            if gemeente is None and len(ref.gemeenten) > 1:
                _fail(f"the profile holds {len(ref.gemeenten)} municipalities; give --gemeente (one of "
                      f"{', '.join(ref.gemeenten[:5])}, ...) or run the monthly-police / yearly-cbs flow for all")
            if gemeente is not None:
                try:
                    gemeente = ref.gemeente(gemeente)
                except reference.ReferenceError as exc:
                    _fail(str(exc))
            gemeente = gemeente or ref.gemeenten[0]
            url = (file or module.base_url()).rstrip("/")
            console.print(escape(f"fetching {source} for {gemeente} from {shown_url(url)}"))
            extra = {}
            if source == "cbs-kwb":
                extra = {"years": year or None, "tables": module.table_ids(kwb_table)}
            path = module.fetch(url, gemeente, ref, home.archive, **extra)
            console.print(f"payload archived in {escape(home.shown(path))}")
        else:
            if file is None or not Path(file).exists():
                _fail(f"{file} does not exist; give the path of the file to load")
            path = Path(file)
        with connect(home.warehouse) as con:
            reference.sync(con, ref)
            result = ingest_file(con, path, source, ref, home.archive, today=_today(today),
                                 docs_root=home.docs, max_failed_share=max_failed_share, mode=mode,
                                 window=full_window, accept_drop=accept_drop)
    except (IngestError, ValidationRefused, reference.ReferenceError, Refusal, WarehouseBusy, LoadHeld, NotYet) as exc:
        _fail(str(exc))         # wijkradar's own sentences: any other ValueError (pandas, DuckDB) is a fault (main)
    console.print(escape(result.describe()))
    if result.rows_quarantined:
        console.print(f"see the quarantined rows with: wijkradar quarantine --load {result.load_id}")


@app.command()
def flags(
    team: Optional[str] = typer.Option(None, "--team", help="Only this wijkteam."),
    period: Optional[str] = typer.Option(None, "--period", help="Run period, e.g. 2026-W47; default: latest run."),
    format: str = typer.Option("table", "--format", help="table | csv | xlsx | html"),
    lang: str = typer.Option("nl", "--lang", help="Language of the printed list (table, csv of one team): nl or en; "
                             "the files for the wijkteams are always Dutch."),
) -> None:
    """Print (or write) the flagged-area list of a run, per wijkteam."""
    if format not in ("table", "csv", "xlsx", "html"):
        _fail(f"unknown format {format!r}; choose table, csv, xlsx or html")
    period = _period(period)
    if lang not in ("nl", "en"):
        _fail(f"unknown language {lang!r}; choose nl or en")
    if format == "table":
        _print_flags(_home(), team=team, period=period, lang=lang)
        return
    from pipelines import catalog
    from pipelines import reference
    from pipelines.export import export_run
    from pipelines.export_folder import NotRecorded
    from pipelines.lists.csv_writer import csv_text
    from pipelines.lists.selection import run_teams, team_list
    from pipelines.runs import find_run, read_flags
    from pipelines.warehouse import connect

    home = _home()
    with connect(home.warehouse, only_reads=True) as con:
        reference.sync(con, reference.Reference.for_home(_home()))
        run = find_run(con, period=period)
        if run is None:
            _fail(_no_run(con, period))
        current = catalog.teams(con)
        flags_of_run = read_flags(con, run.run_id)
        # the teams of the run, as the files are written: a team renamed since keeps its list, a new one has none
        _check_team(team, run_teams(flags_of_run, catalog.area_risk(con, run.run_id), current,
                                    catalog.area_teams(con)), current)
        if format == "csv":
            table = (team_list(flags_of_run, team, catalog.signal_labels(con, lang), lang) if team
                     else flags_of_run)
            sys.stdout.write(csv_text(table, nothing=None))     # the writer of the team files
            return
        try:
            paths = export_run(con, home, run)
        except OSError as exc:
            from pipelines.flows import export_failure

            _fail(export_failure(exc, home.exports / run.run_period, "give the command again", shown=home.shown))
        except NotRecorded as exc:
            from pipelines.flows import not_recorded

            sentence = not_recorded(run, exc, then="give the command again")
            if sentence is None:
                raise
            _fail(sentence)
    for t, files in paths.items():
        if team is None or t == team:
            console.print(escape(home.shown(next(p for p in files if p.suffix == f".{format}"))))


def _print_flags(home: Home, run_id: str | None = None, team: str | None = None, period: str | None = None,
                 lang: str = "nl") -> None:
    from pipelines import catalog
    from pipelines import reference
    from pipelines.export import team_notes, unjudged_notes
    from pipelines.lists.selection import run_teams, team_list
    from pipelines.lists.table_writer import rich_table
    from pipelines.runs import find_run, read_flags
    from pipelines.warehouse import connect

    with connect(home.warehouse, only_reads=True) as con:
        reference.sync(con, reference.Reference.for_home(_home()))
        if run_id is None:      # an empty list is a list (a run without flags); only a missing run is refused
            run = find_run(con, period=period)
            run_id = None if run is None else run.run_id
            no_run = _no_run(con, period) if run is None else ""
        else:
            no_run = ""
        current = catalog.teams(con)
        flags = read_flags(con, run_id=run_id) if run_id is not None else None
        # the teams of the run, as its lists were sent: a team renamed or merged since keeps its flags
        teams = current if run_id is None else run_teams(flags, catalog.area_risk(con, run_id), current,
                                                         catalog.area_teams(con))
        labels = catalog.signal_labels(con, lang)
        # what the run could not judge, as its lists say it above their rows: an empty table alone read "geen
        # opvallende signalen" for a week too young or never delivered
        notes = {} if run_id is None else team_notes(con, unjudged_notes(con, run_id, catalog.run_period(con, run_id)),
                                                     lang, run_id)
    _check_team(team, teams, current)
    if no_run:
        _fail(no_run)
    for t, name in zip(teams["wijkteam"], teams["name"]):
        if team and t != team:
            continue
        for note in notes.get(t, ()):
            console.print(note, markup=False, highlight=False)
        console.print(rich_table(team_list(flags, t, labels, lang), f"{name} ({t})", lang))


def _check_team(team: str | None, teams, current) -> None:
    """Refuse ``team`` (``--team``) unless it is one of ``teams`` (the run's teams, ``selection.run_teams``);
    ``current``: today's teams, to say that a team made since had no list in that run."""
    if team is not None and team not in set(teams["wijkteam"]):
        if team in set(current["wijkteam"]):
            _fail(f"wijkteam {team!r} had no list in that run (the division changed since); choose one of the "
                  f"run's teams: {', '.join(teams['wijkteam'])}")
        _fail(f"unknown wijkteam {team!r}; choose one of: {', '.join(teams['wijkteam']) or 'none loaded yet'}")


def _period(label: str | None) -> str | None:
    """``--period`` as given, or a one-sentence refusal when it is not a week or a month."""
    import re

    if label is None:
        return None
    text = label.strip().upper()
    week, month = re.fullmatch(r"(\d{4})-W(\d{2})", text), re.fullmatch(r"(\d{4})-(\d{2})", text)
    ok = ((week and 1 <= int(week[2]) <= 53 and (int(week[2]) < 53 or _has_week_53(int(week[1]))))
          or (month and 1 <= int(month[2]) <= 12))
    if not ok:
        _fail(_not_a_period(label))
    return text


def _has_week_53(year: int) -> bool:
    import datetime

    return datetime.date(year, 12, 28).isocalendar()[1] == 53


def _not_a_period(label: str) -> str:
    """The refusal of ``label`` as ``--period``; a week 53 of a year of 52 ISO weeks names that year's last week (a
    2027-W53 after 2026-W53 was told only to be written as 2026-W47, as it was)."""
    import datetime
    import re

    week = re.fullmatch(r"(\d{4})-W(\d{2})", label.strip().upper())
    if week and int(week[2]) == 53 and 1 <= int(week[1]) <= 9998:
        year = int(week[1])
        last = datetime.date.fromisocalendar(year, 52, 1)
        return (f"{label!r} is not a week: {year} has 52 ISO weeks, the last is {year}-W52 "
                f"({last:%d-%m-%Y} to {last + datetime.timedelta(days=6):%d-%m-%Y}), and the week after it is "
                f"{year + 1}-W01; give a week as 2026-W47 or a month as 2026-10")
    return f"{label!r} is not a period; give a week as 2026-W47 or a month as 2026-10"


def _no_run(con, period: str | None) -> str:
    """One sentence for a list that does not exist: which periods do have a run, or how to make one."""
    from pipelines import catalog
    from pipelines.flag import no_run_sentence

    periods = catalog.run_periods(con)
    if period:
        return no_run_sentence(period, periods)
    return "no run yet; run the weekly flow first (wijkradar run)"


@app.command()
def explain(
    area_code: str = typer.Argument(..., help="Buurt code, e.g. BU01185005, 01185005, 1185005 or 0363TA05."),
    period: Optional[str] = typer.Option(None, "--period", help="2026-W47 or 2026-10; default: the latest run's periods."),
    lang: str = typer.Option("nl", "--lang", help="Language of the headings, domains and words: nl or en."),
) -> None:
    """One area's full evidence: every domain and every series, observed against expected."""
    import pandas as pd

    from models.calendar import parse_period_label, period_label
    from pipelines.catalog.reports import marts_run_period
    from pipelines.catalog.runs import seen_before
    from pipelines import catalog
    from pipelines import reference, wording
    from pipelines.flag import current_cells, run_period
    from pipelines.sources.common import resolve_area_codes
    from pipelines.warehouse import connect

    if lang not in wording.LANGS:
        _fail(f"unknown language {lang!r}; choose nl or en")
    typed = area_code.strip()
    # as the sources read a code: trimmed, upper-cased, completed with BU (and the leading zeros that a
    # spreadsheet dropped), codes of an earlier division mapped to the current one
    ref = reference.Reference.for_home(_home())
    code = resolve_area_codes(pd.Series([typed]), ref).iloc[0] or ""
    with connect(_home().warehouse, only_reads=True) as con:
        if not catalog.area_exists(con, code):
            # the example is a buurt of this home's profile: Hoogeveen's code told an Amsterdam analyst nothing
            like = ref.buurten["area_code"].min()
            _fail(f"{area_code} is not an area of the reference division; use a code like {like} or {like[2:]}")
        ev = catalog.area_evidence(con, code)
        series = catalog.area_series(con, code)
        name = catalog.area_name_and_team(con, code)
        listed = catalog.listed_months(con)
        # default: the run's period (the marts' run), not this buurt's latest score: a week its municipality did not
        # deliver would show an older week as the current one
        marts = marts_run_period(con)
        label = period or (marts[1] if marts and marts[1] else run_period(series)[0] if not series.empty else None)
        on_lists = catalog.listed_statuses(con, label, code) if label else None
        revised = catalog.revised_flags(con)
        young = code in catalog.added_buurten(con) and marts is not None
        counted = catalog.holds_counts(con, code)
        # the shared shifts the run judged its periods against (``models.shared``): the series' own figures stand here
        settings = catalog.run_loads_and_settings(con, marts[0])[0] if marts else {}
        shifts = (settings.get("shared_shifts") or {}).get(catalog.area_municipality(con, code) or "", [])
    if series.empty and young:
        from pipelines.export import OWN_PERIODS

        _fail(f"no scores for {code} yet: it is a buurt a later division added, and its series begin at its own first "
              f"counts, which are too few to judge; a series is scored once it has {OWN_PERIODS} weeks (or months) of its "
              "own: keep delivering its counts (wijkradar run) and explain it again then")
    if series.empty and marts is not None and marts[1]:
        from pipelines.export import OWN_PERIODS

        # a run there was: "run the weekly flow first" sent the analyst of a new municipality round in a circle
        _fail(f"no scores for {code} in the run of {marts[1]}: "
              + (f"its counts are still too few to judge (a series is scored once it has {OWN_PERIODS} weeks or "
                 "months of counts); keep delivering, or load the sources' earlier periods (wijkradar ingest)"
                 if counted else "no source delivered a count of it; check that the deliveries use its buurtcode"))
    if series.empty:
        _fail(f"no scores for {code} yet; run the weekly flow first (wijkradar run)")
    if period:
        try:
            kind, start = parse_period_label(period)
        except ValueError:
            _fail(_not_a_period(period))
    else:
        kind, start = parse_period_label(label)
    ev["period_start"] = pd.to_datetime(ev["period_start"])
    series["period_start"] = pd.to_datetime(series["period_start"])
    if period:                   # a period outside what the runs scored would show another one, or nothing
        held = series.loc[series["period"] == kind, "period_start"]
        if held.empty or not held.min() <= start <= held.max():
            span = (f"from {period_label(pd.Series([held.min()]), kind).iloc[0]} to "
                    f"{period_label(pd.Series([held.max()]), kind).iloc[0]}" if len(held) else "no such periods")
            _fail(f"{period} was not scored for {code}: the runs scored {span}; give a period in that span "
                  "(a run scores its last score_weeks weeks and score_months months)")
    # a monthly flag reads aanhoudend only where an earlier run's list held it, as on the lists
    ev_now = current_cells(ev, start, kind, seen_before(listed, start))
    as_listed = []
    if on_lists is not None and len(on_lists):
        # the level and status the team's list showed (its answers applied), not today's level beside the list's
        # status: after the police revised the month of a sent alarm that read "nazorg | nieuw" (red team 12a F2)
        shown = {(d, p): (lv, st) for d, p, lv, st in zip(on_lists["domain"], on_lists["period"], on_lists["level"],
                                                          on_lists["status"])}
        now = list(zip(ev_now["domain"], ev_now["period"], ev_now["level"], ev_now["status"], ev_now["period_start"]))
        for d, p, lv, st, when in now:
            if (d, p) in shown and shown[(d, p)][0] != (lv or ""):       # the evidence read otherwise since
                gone = revised[(revised["area_code"] == code) & (revised["domain"] == d) & (revised["period"] == p)
                               & (pd.to_datetime(revised["period_start"]) == pd.Timestamp(when))]
                as_listed.append((d, p, when, not lv, gone["revised_in"].iloc[0] if len(gone) else None))
        ev_now["level"] = [shown.get((d, p), (lv, st))[0] for d, p, lv, st, _ in now]
        ev_now["status"] = [shown.get((d, p), (lv, st))[1] for d, p, lv, st, _ in now]
    s_now = current_cells(series, start, kind)
    words = wording.EXPLAIN[lang]

    def num(x: float, fmt: str) -> str:
        text = "" if x != x else format(x, fmt)
        return text.replace(".", ",") if lang == "nl" else text

    console.print(f"[bold]{code} {escape(name[0])}[/] ({words['team']} {escape(str(name[1]))})")
    if not (s_now["period"] == kind).any():      # a hole in the scored span: a period never delivered here
        when = wording.period_text(start, kind, lang)
        console.print(f"{when} kon niet beoordeeld worden voor deze buurt: er zijn geen cijfers van die periode."
                      if lang == "nl" else f"{when} was not judged for this buurt: no counts of that period were "
                      "delivered.")
    t = Table(title=words["evidence"], title_justify="left")
    for col in words["evidence_cols"]:
        t.add_column(col)
    for r in ev_now.sort_values("domain").itertuples(index=False):
        since = r.since if r.since is not None and str(r.since) != "NaT" else None
        t.add_row(wording.domain_word(r.domain, lang), wording.period_text(r.period_start, r.period, lang),
                  num(r.p_domain, ".2g"), num(r.q, ".2g"), wording.level_word(r.level, r.status, lang),
                  wording.status_word(r.status, lang) or "", wording.period_text(since, r.period, lang))
    console.print(t)
    for d, p, when, no_rise, revised_in in as_listed:     # say plainly that the figures beside it are today's
        console.print(words["as_listed"].format(domain=wording.domain_word(d, lang), label=label,
                                                when=wording.period_text(when, p, lang))
                      + (words["no_rise"] if no_rise else "")
                      + (words["revised"].format(label=revised_in) if revised_in else "") + ".")
    t = Table(title=words["series"], title_justify="left")
    for col in words["series_cols"]:
        t.add_column(col, overflow="fold")
    # a shift of the run's own periods (an earlier period shown was judged by runs that are not kept)
    shifted = {(s["signal"], s["period"]): s for s in shifts} if not period or period == label else {}
    for r in s_now.sort_values(["domain", "pvalue"]).itertuples(index=False):
        shift = shifted.get((r.signal, r.period))
        note = wording.detector_note(r.reason, lang)
        if shift is not None:
            said = words["shared_note"].format(factor=num(shift["factor"], ".1f"),
                                               since=wording.period_text(shift["since"], shift["period"], lang))
            note = f"{said}; {note}" if note else said
        t.add_row(escape(r.label_nl if lang == "nl" else r.label_en), wording.domain_word(r.domain, lang),
                  wording.period_text(r.period_start, r.period, lang),
                  wording.count_text(r.count, getattr(r, "partial", False), lang, getattr(r, "provisional", False)),
                  "" if r.expected != r.expected else wording.number(r.expected, lang),
                  wording.format_bound(r.upper, lang), num(r.pvalue, ".2g"),
                  (words["shared"] if shift is not None else words["yes"]) if r.alarm else "", r.method, note)
    console.print(t)


#: Longest stored text a listing shows: warehouses of earlier versions may hold values of any length,
#: and a table wrapping one of millions of characters does not finish.
SHOWN_CHARS = 300


def _shown(text) -> str:
    """``text`` cut to ``SHOWN_CHARS`` with an ellipsis and the full length (for listings), its invisible
    and control characters written as escapes: a right-to-left override in a delivered cell must not
    reorder what the terminal shows."""
    import unicodedata

    from pipelines.safe_output import shortened

    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c
                   for c in shortened(text, SHOWN_CHARS))


quarantine_app = typer.Typer(help="Quarantined rows: list them (default) or export them for correction.",
                             no_args_is_help=False)
app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.callback(invoke_without_command=True)
def quarantine_list(ctx: typer.Context, load: Optional[str] = typer.Option(None, "--load", help="Only this load."),
                    state: str = typer.Option("open", "--state", help="open | resolved | superseded | dismissed | all"),
                    ) -> None:
    """List quarantined rows with their reasons (default: the open ones)."""
    if ctx.invoked_subcommand is not None:
        return
    from pipelines.quarantine import STATES, list_rows
    from pipelines.warehouse import connect

    if state != "all" and state not in STATES:
        _fail(f"unknown state {state!r}; choose one of {', '.join(STATES)} or all")
    with connect(_home().warehouse, only_reads=True) as con:
        rows = list_rows(con, load, state=None if state == "all" else state)
    if rows.empty:
        console.print(f"no {'' if state == 'all' else state + ' '}quarantined rows" + (f" for load {load}" if load else ""))
        return
    table = Table(title=f"Quarantine: {len(rows)} {'' if state == 'all' else state + ' '}rows", title_justify="left")
    for col in ["load", "file", "row", "state", "reason", "values"]:
        table.add_column(col, overflow="fold")
    for r in rows.itertuples(index=False):
        table.add_row(r.load_id, escape(_shown(r.file_name)), str(r.row_number), r.state, escape(_shown(r.reason)),
                      escape(_shown(r.raw_values)))
    console.print(table)


@quarantine_app.command("dismiss")
def quarantine_dismiss(
    load: str = typer.Argument(..., help="The load whose open rows need no correction."),
    row: list[int] = typer.Option([], "--row", help="Only these rows (as the original file numbers them)."),
) -> None:
    """Mark open quarantined rows as dismissed: they need no correction and leave the export."""
    from pipelines import catalog
    from pipelines.quarantine import dismiss
    from pipelines.refusal import Refusal
    from pipelines.warehouse import connect

    with connect(_home().warehouse) as con:
        if not catalog.load_exists(con, load):
            _fail(f"unknown load {load!r}; see the loads with: wijkradar status")
        try:
            n = dismiss(con, load, list(row) or None)
        except Refusal as exc:          # not any ValueError: DuckDB's or pandas' text is a fault's (main), not shown
            _fail(str(exc))
    console.print(f"{n} open row(s) of {load} dismissed")


@quarantine_app.command("export")
def quarantine_export(
    load: Optional[str] = typer.Option(None, "--load", help="Only this load."),
    folder: Optional[Path] = typer.Option(None, "--to", help="Folder for the files (default: <home>/reports)."),
) -> None:
    """Write quarantined rows to CSV files for correction; a corrected file loads normally."""
    from pipelines.quarantine import export_rows, not_exported
    from pipelines.warehouse import connect

    home = _home()
    with connect(home.warehouse) as con:
        paths = export_rows(con, folder or home.reports, load)
        fetched = not_exported(con, load)
    if not paths and not fetched:
        console.print("no open quarantined rows to export")
    for note in fetched:
        console.print(escape(note))
    for p in paths:
        console.print(escape(f"written {home.shown(p)}: fix the rows, then put the file in the inbox or run "
                             f"`wijkradar ingest --source {p.name.split('_')[0]} {home.shown(p)}`"))


loads_app = typer.Typer(help="Loads held by the safety valve: list them (default) or accept one.",
                        no_args_is_help=False)
app.add_typer(loads_app, name="loads")


@loads_app.callback(invoke_without_command=True)
def loads_list(ctx: typer.Context) -> None:
    """Loads held because they would lower a period's total or remove a period."""
    if ctx.invoked_subcommand is not None:
        return
    from pipelines import catalog
    from pipelines.warehouse import connect

    with connect(_home().warehouse, only_reads=True) as con:
        held = catalog.held_loads(con)
    if held.empty:
        console.print("no held loads")
        return
    for r in held.itertuples(index=False):
        console.print(f"[yellow]{r.content_hash[:12]}[/] {escape(r.file_name)} ({r.source}, held {str(r.held_at)[:19]}):"
                      f" {escape(r.reason)}")


@loads_app.command("accept")
def loads_accept(held: str = typer.Argument(..., help="The held load's id (the first 12 characters shown).")) -> None:
    """Accept a held load: it is applied now if its file is still there, else when it is delivered again."""

    from pipelines import catalog
    from pipelines import reference
    from pipelines.delivery import LoadHeld
    from pipelines.ingest import find_held_file, ingest_file
    from pipelines.sources.common import IngestError
    from pipelines.validate import ValidationRefused
    from pipelines.warehouse import connect, transaction

    home = _home()
    with connect(home.warehouse) as con:
        rows = catalog.find_held(con, held)
        if len(rows) != 1:
            _fail(f"no single held load starts with {held!r}; see them with: wijkradar loads")
        digest, source, place, mode = rows[0]
        path = find_held_file(place, digest)
        if path is None:
            with transaction(con):
                catalog.accept_held(con, digest)
            where = f"at {escape(home.shown(place))}" if place else "known"
            console.print(f"accepted; the held file is no longer {where}, so it "
                          "loads when it is delivered again (as it is: a load is known by its content)")
            return
        ref = reference.Reference.for_home(_home())
        reference.sync(con, ref)
        try:        # accepted with the load (or its next hold): a load stopped half-way stays listed as held
            result = ingest_file(con, path, source, ref, home.archive, docs_root=home.docs,
                                 mode=None if mode == "full-window" else mode, accepting=True)
        except (IngestError, ValidationRefused, LoadHeld) as exc:
            _fail(str(exc))
    console.print(escape(result.describe()))


inbox_app = typer.Typer(help="The inbox: remove the deliveries already loaded and the returned lists already "
                        "imported (their originals may hold personal data; the warehouse and archive/ keep what was "
                        "loaded from them).", no_args_is_help=True)
app.add_typer(inbox_app, name="inbox")


@inbox_app.command("clean")
def inbox_clean(dry_run: bool = typer.Option(False, "--dry-run", help="Only list the files it would remove.")) -> None:
    """Remove the inbox files a load already holds as they are (their rows in the warehouse, their archive complete)
    and the returned lists whose answers were imported as they lie: a weekly run skips them, and their originals may
    hold the personal data wijkradar never stores. A file not yet loaded or imported, changed since, held, with a
    manifest, refused or left for a later run stays, as do folders and links."""
    from pipelines.feedback import feedback_files, imported_as_it_lies
    from pipelines.flows import inbox_files, split_loaded_before
    from pipelines.warehouse import connect

    home = _home()
    if not home.inbox.is_dir():
        console.print("the inbox is empty: nothing to remove")
        return
    files, _ = inbox_files(home)
    answers = feedback_files(home.inbox)
    plain = [(path, source) for path, source in files if path.is_file() and not path.is_symlink()]
    rest, _ = split_loaded_before(home, plain)           # what a weekly run would skip as loaded before
    paths = [path for path, source in plain if (path, source) not in rest]
    with connect(home.warehouse) as con:
        paths += [path for path in answers if imported_as_it_lies(con, path)]     # returned lists, answers stored
    files = [*files, *answers]
    for path in paths:
        if not dry_run:
            path.unlink(missing_ok=True)
        console.print(escape(f"  {'would remove' if dry_run else 'removed'} {home.shown(path)}"))
    kept = len(files) - len(paths)
    console.print(f"{len(paths)} file(s) {'would be ' if dry_run else ''}removed, loaded before as they are"
                  + (f"; {kept} file(s) stay (not loaded yet, changed since, held, refused or a folder): "
                     "`wijkradar run` or `wijkradar status` says why" if kept else ""))


feedback_app = typer.Typer(help="The wijkteams' answers on their lists: how often a flag was right (default) "
                           "or import a returned list.", no_args_is_help=False)
app.add_typer(feedback_app, name="feedback")


@feedback_app.callback(invoke_without_command=True)
def feedback_report(ctx: typer.Context) -> None:
    """Per signal, wijkteam and domain: the share of answered flags that were not 'geen probleem'."""
    if ctx.invoked_subcommand is not None:
        return
    from pipelines.feedback import precision, read_answers
    from pipelines.warehouse import connect

    with connect(_home().warehouse, only_reads=True) as con:
        report = precision(read_answers(con))
    if report.empty:
        console.print("no answers yet: teams fill in Terugkoppeling on their list; import it with "
                      "`wijkradar feedback import FILE` or put it in the inbox as terugkoppeling_*.xlsx")
        return
    table = Table(title="Answered episodes (the latest answer of each) that were right (not 'geen probleem')",
                  title_justify="left")
    for col in ["per", "group", "answered", "right", "share"]:
        table.add_column(col)
    for r in report.itertuples(index=False):
        share = r.remark if r.remark else f"{r.precision:.0%}"
        table.add_row(r.by, escape(str(r.group)), str(r.answered), str(r.confirmed), share)
    console.print(table)


@feedback_app.command("import")
def feedback_import(
    file: Path = typer.Argument(..., help="A list returned by a wijkteam (XLSX) with Terugkoppeling filled in."),
    today: Optional[str] = typer.Option(None, help="Treat this date (jjjj-mm-dd) as the day of the answers."),
) -> None:
    """Check a returned list and store its answers; the next `wijkradar run` shows them in the statuses."""
    from pipelines import reference
    from pipelines.feedback import FeedbackRefused, import_feedback
    from pipelines.warehouse import WarehouseBusy, connect

    try:
        with connect(_home().warehouse) as con:
            reference.sync(con, reference.Reference.for_home(_home()))
            result = import_feedback(con, file, today=_today(today), again=True)   # asked for: compare its answers
    except (FeedbackRefused, WarehouseBusy) as exc:
        _fail(str(exc))
    for warning in result.warnings:
        console.print(f"[yellow]! {escape(warning)}[/]")
    console.print(escape(result.describe()))
    if not result.skipped:
        console.print("run `wijkradar run` to use the answers on the next lists")


@app.command()
def detect(
    input: Path = typer.Option(..., "--input", help="CSV with columns series, period_index (whole numbers from 1, "
                               "consecutive per series), count (+ optional id columns)."),
    output: Path = typer.Option(..., "--output", help="Where to write the alarms CSV."),
    method: str = typer.Option("auto", help="auto | noufaily | ears-c1 | ears-c2 | ears-c3 | cusum"),
    frequency: int = typer.Option(52, help="Periods per year: 52 (weekly) or 12 (monthly)."),
    eval_start: Optional[int] = typer.Option(None, "--eval-start", help="First period_index to report (default: first with enough history)."),
    alpha: Optional[float] = typer.Option(None, help="Level of the Noufaily upper bound (default 0.005)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Local processes that share the series "
                                          "(default: one per core, at most 2, from 2,000 series on)."),
) -> None:
    """Score any count file with a detector (no warehouse involved)."""
    from pipelines.detect import DetectInputError, detect_file

    try:
        done = detect_file(input, output, method=method, frequency=frequency, eval_start=eval_start, alpha=alpha,
                           workers=workers)
    except DetectInputError as exc:      # not any ValueError: NumPy's or pandas' text is a fault's (main), not shown
        _fail(str(exc))
    scored = done.series - done.too_short - done.too_early
    unscored = (f", {done.undelivered} periods not delivered (empty count) left unscored"
                if done.undelivered else "")
    console.print(f"{done.rows - done.undelivered} series-periods of {scored} series scored with {method}, "
                  f"{done.alarms} alarms{unscored}; written to {output}")
    for note in (done.left_out(method, eval_start), done.beyond_note()):
        if note:
            console.print(f"[yellow]! {escape(note)}[/]")


@app.command()
def risk(
    counts: Path = typer.Option(..., "--counts", help="CSV with area_code, period, count (periods as integers, "
                                "2025-W05 or 2025-03; consecutive per area)."),
    target_period: str = typer.Option(..., "--target-period", help="The period to predict, e.g. 2025."),
    output: Path = typer.Option(..., "--output", help="Where to write area_code, probability, rank, drivers."),
    features: Optional[Path] = typer.Option(None, "--features", help="CSV with area_code and numeric columns "
                                            "(empty cells allowed), e.g. CBS structure figures."),
    ratio: float = typer.Option(1.5, "--ratio", help="Escalation: count at least this times the mean of the up to "
                                "three periods before."),
    min_excess: float = typer.Option(10, "--min-excess", help="Escalation: and at least this many above that mean."),
    neighbours: Optional[Path] = typer.Option(None, "--neighbours", help="CSV with area_code, neighbour (optional)."),
    noun: str = typer.Option("meldingen", "--noun", help="Dutch word for the counts in the drivers, e.g. misdrijven."),
    model_out: Optional[Path] = typer.Option(None, "--model-out", help="Save the fitted model here (+ .json)."),
    model_in: Optional[Path] = typer.Option(None, "--model-in", help="Score with a saved model instead of training."),
) -> None:
    """Chance of an escalation per area in the target period, trained forward in time on every earlier period."""
    from pipelines.risk import RiskInputError, risk_file

    try:
        summary = risk_file(counts, features, target_period, output, ratio=ratio, min_excess=min_excess,
                            model_out=model_out, model_in=model_in, noun=noun, neighbours=neighbours)
    except RiskInputError as exc:
        _fail(str(exc))
    console.print(escape(summary.describe()))


@app.command()
def report(
    period: Optional[str] = typer.Option(None, "--period", help="Manager report of this run period, e.g. 2026-W47 "
                                         "(default: the latest run)."),
    jaarplan: Optional[int] = typer.Option(None, "--jaarplan", help="Year plan of one wijkteam for this year "
                                           "(with --team)."),
    team: Optional[str] = typer.Option(None, "--team", help="The wijkteam of --jaarplan."),
    open_pages: bool = typer.Option(False, "--open", help="Open pages for residents, one per wijk and dorp."),
    toon_signalen: Optional[bool] = typer.Option(None, "--toon-signalen/--geen-signalen",
                                                 help="Open pages: name buurten on a list now (setting "
                                                 "open_toon_signalen, default off)."),
) -> None:
    """Write self-contained HTML reports to <home>/reports/: the manager notebooks of a period (default),
    a wijkteam's year plan (--jaarplan 2026 --team de-weide) or the open pages for residents (--open)."""
    from dataclasses import replace

    from pipelines import reference
    from pipelines.export_folder import FolderBusy
    from pipelines.refusal import Refusal
    from pipelines.reports import build
    from pipelines.warehouse import WarehouseBusy, connect, expected_failure

    home = _home()
    period = _period(period)
    chosen = [o for o, given in (("--period", period is not None), ("--jaarplan", jaarplan is not None),
                                 ("--open", open_pages)) if given]
    if len(chosen) > 1:
        _fail(f"{' and '.join(chosen)} make different reports; give one of them per call")
    if toon_signalen is not None and not open_pages:
        _fail("--toon-signalen/--geen-signalen belong to --open: wijkradar report --open --toon-signalen")
    if team is not None and jaarplan is None:
        _fail(f"--team belongs to --jaarplan: wijkradar report --jaarplan 2026 --team {_team_codes(home)[0]}")
    if jaarplan is not None and team is None:
        teams = _team_codes(home)
        _fail(f"--jaarplan needs a wijkteam: wijkradar report --jaarplan {jaarplan} --team {teams[0]} "
              f"(this profile's teams: {', '.join(teams)})")
    try:
        if home.warehouse.exists():    # the profile as the other commands read it (an edited buurt_indeling.csv)
            with connect(home.warehouse) as con:
                reference.sync(con, reference.Reference.for_home(home))
        settings = build.read_settings(home)
        if toon_signalen is not None:
            settings = replace(settings, open_toon_signalen=toon_signalen)
        if jaarplan is not None:
            paths = [build.write_jaarplan(home, jaarplan, team)]
        elif open_pages:
            paths = build.write_open_pages(home, settings)
        else:
            console.print("running the report notebooks (a few seconds per notebook)")
            paths = build.write_period_report(home, period, settings)
    except build.NotebookFailed as exc:
        # a notebook's own error: nothing the analyst can change in the data or the command makes it pass
        _fail(f"{exc}; a fault of wijkradar's report notebooks, not of your data, and the earlier reports are as they "
              "were: send this sentence and the command you ran to whoever maintains wijkradar")
    except (build.NoReportData, reference.ReferenceError, Refusal, WarehouseBusy, FolderBusy) as exc:
        _fail(str(exc))         # wijkradar's own sentences: any other ValueError (pandas, DuckDB) is a fault (main)
    except (FileExistsError, NotADirectoryError) as exc:
        # a file where a folder of the reports belongs (reports/open, reports/jaarplan/2026): as the weekly run says it
        blocker = file_in_the_way(Path(os.fsdecode(exc.filename))) if exc.filename is not None else None
        if blocker is None:
            raise
        _fail(f"the report could not be written: {home.shown(blocker)} {NEEDS_A_FOLDER} and run the command again")
    except Exception as exc:
        # a report is written as a set and swapped in (the open pages all as parts before any replaces its page)
        sentence = expected_failure(exc, also_unchanged="the earlier reports")
        if sentence is None:
            raise
        _fail(sentence)
    for p in paths:
        console.print(escape(home.shown(p)))


def _team_codes(home) -> list[str]:
    """The profile's wijkteam codes (for an example in a message), or a placeholder without a profile."""
    from pipelines import reference

    try:
        codes = sorted(reference.Reference.for_home(home).wijkteams["wijkteam"])
    except Exception:                      # noqa: BLE001 - a message must not fail on a broken profile
        codes = []
    return codes or ["<wijkteam>"]


#: loads ``status`` lists by default, the newest: a weekly home has some fifty a year
STATUS_LOADS = 20


@app.command()
def status(shown_loads: int = typer.Option(STATUS_LOADS, "--loads", min=0,
                                           help="List the newest N loads (0: every load).")) -> None:
    """What is loaded: loads with reconciliation, quarantine reasons, the current run."""
    from pipelines import catalog
    from pipelines.clock import local_today
    from pipelines.sources.cbs_kwb import behind_note
    from pipelines.archive_check import status_notes
    from pipelines.export_folder import unwritten_lists
    from pipelines.warehouse import connect

    home = _home()
    with connect(home.warehouse, only_reads=True) as con:
        loads = catalog.loads(con)
        reasons = catalog.open_reasons(con)
        states = catalog.state_totals(con)
        held = catalog.held_count(con)
        last = catalog.last_run(con)
        version = catalog.schema_version(con)
        owed = unwritten_lists(con)
        kwb_year = catalog.newest_area_stats_year(con)
        out_of_step = status_notes(con, home.archive)       # a folder restored in parts
    console.print(f"warehouse {escape(home.shown_root)}/warehouse.duckdb (schema version {version})")
    if loads.empty:
        console.print("nothing loaded yet: put files in the inbox and run `wijkradar run`, or try `wijkradar demo`")
    else:
        table = Table(title="Loads (rows read = accepted + quarantined; retracted: earlier reports a full export "
                            "no longer holds)", title_justify="left")
        for col in ["load", "source", "file", "loaded at", "read", "accepted", "quarantined", "retracted"]:
            table.add_column(col)
        earlier = loads.iloc[:-shown_loads] if shown_loads and len(loads) > shown_loads else loads.iloc[:0]
        for r in loads.iloc[len(earlier):].itertuples(index=False):
            table.add_row(r.load_id, r.source, escape(r.file_name), str(r.loaded_at)[:19], str(r.rows_read),
                          str(r.rows_accepted), str(r.rows_quarantined), str(r.rows_retracted))
        console.print(table)
        if len(earlier):        # a home of years holds hundreds: their totals, and how to list them
            console.print(f"and {len(earlier)} earlier load(s) since {str(earlier['loaded_at'].iloc[0])[:10]}: "
                          f"{int(earlier['rows_read'].sum())} rows read = {int(earlier['rows_accepted'].sum())} "
                          f"accepted + {int(earlier['rows_quarantined'].sum())} quarantined, "
                          f"{int(earlier['rows_retracted'].sum())} retracted; `wijkradar status --loads 0` lists "
                          "every load")
    if states:
        counts = states
        console.print("quarantine: " + ", ".join(f"{counts.get(st, 0)} {st}" for st in
                                                  ("open", "resolved", "superseded", "dismissed")))
    if held:
        console.print(f"[yellow]{held} load(s) held by the safety valve[/]: see them with `wijkradar loads`")
    if not reasons.empty:
        table = Table(title="Quarantine: open rows per reason", title_justify="left")
        for col in ["load", "reason", "rows"]:
            table.add_column(col)
        for r in reasons.itertuples(index=False):
            table.add_row(r.load_id, escape(_shown(r.reason)), str(r.n))
        console.print(table)
    if last:
        r = last
        console.print(f"current run (of the latest period): {r[0]} at {str(r[2])[:19]}: {r[3]} series, {r[4]} scored "
                      f"periods, {r[5]} flags")
    else:
        console.print("no run yet: make one with `wijkradar run` once files are in the inbox")
    for sentence in [*owed, *out_of_step]:
        console.print(f"[yellow]![/] {escape(sentence)}")
    behind = behind_note(kwb_year, local_today())
    if behind:
        console.print(f"[yellow]![/] {escape(behind)}")


#: where a fault of wijkradar's (an unexpected exception) is written down, in the working folder
ERROR_LOGS = "logs"


def unexpected_error(exc: BaseException) -> str:
    """The sentence for a fault of wijkradar's own (an exception no command expects): where its details are and whom
    to send them, instead of a traceback. The details (:func:`error_report`) go to a file in ``logs/`` of the working
    folder (else in the system's temporary folder); the sentence names the error by its type and the line of
    wijkradar's code it came from, never by its text, which can quote a cell of a delivery (a name, an address)."""
    import tempfile
    import time

    report = error_report(exc)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    home = _state.get("home")
    root = home.root if isinstance(home, Home) else _state.get("needs_warehouse")
    folders = ([(Path(root) / ERROR_LOGS, True)] if root is not None and Path(root).is_dir() else []) + \
        [(Path(tempfile.gettempdir()), False)]
    where = None
    for folder, in_home in folders:
        try:
            folder.mkdir(exist_ok=True)
            path = folder / f"error-{stamp}-{os.getpid()}.log"
            path.write_text(report, encoding="utf-8")
        except OSError:
            continue
        where = f"{ERROR_LOGS}/{path.name} in the working folder" if in_home else _shown_path(path)
        break
    origin = _origin(exc)
    told = f"{type(exc).__name__}{f' at {origin}' if origin else ''}"
    if where is None:           # no folder could be written: the details on the screen, as the only copy
        sys.stderr.write(report)
        where = "the lines above (no file could be written)"
    return (f"wijkradar stopped on an unexpected error ({told}): a fault of wijkradar, not of your files or settings; "
            f"the details, without personal data, are in {where}: send that file and the command you ran to whoever "
            "maintains wijkradar, and run the command again once it is fixed")


def _shown_path(path: Path) -> str:
    from pipelines import privacy

    return privacy.shown_file_name(str(path))


def _code_file(filename: str) -> str:
    """A source file of a traceback as the report shows it: within the repository or a site-packages folder, else by
    its name only (an installation under a login folder, ``/home/jjansen/``, names its owner)."""
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except (ValueError, OSError):
        pass
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages"):])
    return path.name


def _origin(exc: BaseException) -> str | None:
    """``pipelines/x.py:90``: the last line of wijkradar's own code the error passed, for the sentence."""
    import traceback

    ours = [f for f in traceback.extract_tb(exc.__traceback__)
            if _code_file(f.filename).startswith(("pipelines/", "models/"))]
    return f"{_code_file(ours[-1].filename)}:{ours[-1].lineno}" if ours else None


def error_report(exc: BaseException) -> str:
    """The details of a fault for whoever maintains wijkradar: the version, the command (its words, values as the
    privacy scrubber leaves them) and each error of the chain by its type and frames (file, line, code), never by its
    text, which can quote a delivery's cell; the rule that messages and logs carry no personal value (README)."""
    import platform
    import time
    import traceback
    from importlib.metadata import PackageNotFoundError, version

    from pipelines import privacy

    try:
        release = version("wijkradar")
    except PackageNotFoundError:
        release = "unknown (not installed)"
    words = []
    for word in sys.argv[1:]:
        try:
            words.append(privacy.scrub_file_name(word) if "/" in word or "\\" in word else privacy.scrub_text(word))
        except Exception:  # noqa: BLE001 - a word the scrubber cannot check is left out, not written
            words.append("[not shown]")
    lines = [f"wijkradar {release}, Python {platform.python_version()}, {platform.system()}",
             f"at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC",
             f"command: wijkradar {' '.join(words)}", ""]
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    for i, error in enumerate(reversed(chain)):
        if i:
            lines.append("which led to:")
        lines.append(f"{type(error).__module__}.{type(error).__qualname__} (its text is not written: it can hold "
                     "personal data), at:")
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(f"  {_code_file(frame.filename)}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}")
    return "\n".join(lines) + "\n"


def main() -> None:
    import signal

    class Terminated(SystemExit):
        """SIGTERM/SIGHUP as an exception: the process unwinds and exits normally, so Prefect's
        atexit hook stops its temporary server (the default action would kill us and orphan it)."""

    def on_terminate(signum, frame):
        raise Terminated(128 + signum)

    def what_was_stopped() -> str:
        """A step's transaction was rolled back, unless the signal came after a load's commit, while it was archived."""
        ingest = sys.modules.get("pipelines.ingest")          # not imported: nothing was loaded
        stored = ingest.stored_not_archived() if ingest is not None else None
        if stored:
            return (f"the load was stored (load {stored}); only its archive was interrupted: the next run (for a file "
                    "in the inbox) or an ingest of the same file archives it again, without loading it twice")
        warehouse = sys.modules.get("pipelines.warehouse")
        if warehouse is not None and warehouse.commit_interrupted:
            return ("the step that was running was being stored as the signal came and may be stored; running the "
                    "command again is safe: a stored load or run is found and not done twice")
        return "the warehouse is unchanged for the step that was running; running the command again is safe"

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:   # nohup's SIG_IGN wins
            signal.signal(signum, on_terminate)
    _scrub_usage_errors()
    try:
        app()
    except Exception as exc:
        reference = sys.modules.get("pipelines.reference")     # not imported: not a profile error (--version)
        if reference is None or not isinstance(exc, reference.ReferenceError):
            console.print(f"[bold red]error:[/] {escape(unexpected_error(exc))}")
            sys.exit(1)
        console.print(f"[bold red]error:[/] {escape(str(exc))}")     # the profile check's one sentence
        sys.exit(2)
    except KeyboardInterrupt:
        console.print(f"interrupted; {what_was_stopped()}")
        sys.exit(130)
    except Terminated:
        console.print(f"stopped by a signal; {what_was_stopped()}")
        raise
    except SystemExit as exc:                   # typer turns Ctrl-C into a silent exit 130
        cause, seen = exc.__cause__ or exc.__context__, set()
        while cause is not None and not isinstance(cause, KeyboardInterrupt) and id(cause) not in seen:
            seen.add(id(cause))
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, KeyboardInterrupt):
            console.print(f"interrupted; {what_was_stopped()}")
        raise


if __name__ == "__main__":
    main()
