"""The weekly flow: ingest the inbox, validate, score every series, flag, score the risk, export per wijkteam.

Inputs: every file in ``<home>/inbox`` named after its source (``meldingen_*.csv``,
``wijkteam_*.xlsx``, ``schulden_*.csv``; ``*_correctie_*`` files load as corrections) and the teams'
returned lists (``terugkoppeling_*.xlsx``, imported before scoring; not a data source). Outputs:
``core``/``quarantine``/``marts`` tables, one list per wijkteam in ``<home>/exports/<period>/``, and
Prefect artifacts (a table per team, a summary, the load reconciliation). Also here: the
``monthly-police`` and ``yearly-cbs`` flows, which fetch over the network with retries.
Schedule: Mondays 06:00 Europe/Amsterdam (``prefect.yaml``); runs without a server in ephemeral mode.
"""
from __future__ import annotations

import functools
import hashlib
import html
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipelines.prefect_env import configure

configure()

import pandas as pd  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.context import FlowRunContext, TaskRunContext  # noqa: E402
from prefect.logging.handlers import APILogHandler  # noqa: E402
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402

from pipelines import catalog, reference, wording  # noqa: E402
from pipelines.clock import local_today  # noqa: E402
from pipelines.delivery import LoadHeld  # noqa: E402
from pipelines.export import export_run  # noqa: E402
from pipelines.feedback import (FeedbackRefused, FeedbackResult, feedback_files, import_feedback,  # noqa: E402
                                is_feedback_file)
from pipelines.ingest import LoadResult, NotYet, file_time_ns, ingest_file, loaded_as_is  # noqa: E402
from pipelines.paths import NEEDS_A_FOLDER, Home, file_in_the_way, nobody_chose_a_home, resolve_home  # noqa: E402
from pipelines.flag import STATUS_ORDER  # noqa: E402
from pipelines.runs import Run, read_flags, score_and_flag  # noqa: E402
from pipelines.score import NothingToScore  # noqa: E402
from pipelines.score import Block  # noqa: E402
from pipelines.sources import SOURCES, reads_folders, source_for_file  # noqa: E402
from pipelines.privacy import shown_file_name  # noqa: E402
from pipelines.sources.common import IngestError  # noqa: E402
from pipelines.validate import ValidationRefused  # noqa: E402
from pipelines.export_folder import NotRecorded  # noqa: E402
from pipelines.warehouse import connect, damage, expected_failure, system_failure  # noqa: E402
from pipelines.interrupted_runs import mark_interrupted_runs  # noqa: E402


@dataclass
class WeeklyResult:
    run: Run | None                 # None: nothing to score yet (``note`` says why)
    loads: list[LoadResult] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    exports: dict[str, list[Path]] = field(default_factory=dict)
    feedback: list[FeedbackResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note: str = ""
    export_failed: str = ""         # why the lists could not be written (the run's loads and scores are kept)
    stopped: str = ""               # why the run stopped half-way (a full disk): what it did is kept, the rest not done
    lists_owed: bool = False        # the run's lists were not recorded as written before this run's export
    loaded_before: list[LoadResult] = field(default_factory=list)   # inbox files a load already holds as they are


@dataclass(frozen=True)
class Stop:
    """A step stopped by a failure that is not wijkradar's (``warehouse.expected_failure``: a full disk, the warehouse
    busy or damaged): the sentence saying what to do. Returned, not raised, so Prefect records the outcome instead
    of a failed task with its traceback, and the run stops there (red team 7a F1: a full disk during a run printed
    three tracebacks, and every later file was refused as if it were damaged)."""

    sentence: str


def stops_on_system_failure(fn):
    """``fn``'s result, or a :class:`Stop` for a failure of the system it met; its sentence names the files of the
    working folder (``fn``'s first argument) as inside it (``warehouse.duckdb``), as the folder's path may bear its
    owner's name and Prefect keeps a run's sentence in its database (the busy warehouse's sentence held it)."""
    @functools.wraps(fn)
    def step(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            sentence = expected_failure(exc)
            if sentence is None:
                raise
            home = args[0] if args and isinstance(args[0], Home) else None
            return Stop(within(home, sentence) if home is not None else sentence)
    return step


def within(home: Home, sentence: str) -> str:
    """``sentence`` with each path inside ``home`` relative to it, as :meth:`Home.shown` shows one, and the folder
    itself as :attr:`Home.shown_root`."""
    root = str(home.root)
    return sentence.replace(root + os.sep, "").replace(root, home.shown_root)


def _unique(name: str, taken) -> str:
    """``name``, else ``name (2)``, ``(3)``, ...: two files whose names scrub alike ("meldingen_[verwijderd].csv")
    both keep their outcome."""
    n, unique = 1, name
    while unique in taken:
        n += 1
        unique = f"{name} ({n})"
    return unique


#: how an inbox entry that is no file (a named pipe, a socket, a device) is named among the entries left alone
NOT_A_FILE = "(a named pipe, socket or device, not a file)"
#: how a folder named after a source that reads no folders (``wijkteam_oktober/``) is named among them
A_FOLDER = "(a folder)"


def inbox_files(home: Home) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files in the inbox with their source, in load order, and the names of files no source recognises.

    Deliveries load before corrections, whatever their names, so a correction always applies after the
    delivery it corrects; within each group the oldest file (by modification time) loads first.
    Manifests (``*.manifest.json``) belong to the file they describe. An entry that is no file (a named pipe,
    a socket) is left alone and named with :data:`NOT_A_FILE`; a folder named after a source that reads no folders
    (an unpacked delivery) with :data:`A_FOLDER`; any other folder is not a delivery and goes unmentioned.
    """
    found, ignored = [], []
    for path in home.inbox.iterdir():
        if path.name.startswith((".", "~$")) or path.name.endswith(".manifest.json") or is_feedback_file(path.name):
            continue
        if not (path.is_file() or path.is_symlink() or path.is_dir()):   # never opened: reading a pipe would block
            ignored.append(f"{shown_file_name(path.name)} {NOT_A_FILE}")
            continue
        if path.is_dir() and not path.is_symlink():
            named = next((m for m in SOURCES.values() if m.EXTENSIONS and path.name.lower().startswith(m.NAME)), None)
            if named is None:                # a folder of old files or notes: not a delivery
                continue
            if not reads_folders(named):     # an unpacked wijkteam_ or schulden_ delivery: its files were never read
                ignored.append(f"{shown_file_name(path.name)} {A_FOLDER}")
                continue
        module = source_for_file(path.name) or (source_for_file(path.name + ".zip") if path.is_dir() else None)
        if module is None:
            ignored.append(shown_file_name(path.name))
        else:
            found.append((path, module.NAME))

    def order(item: tuple[Path, str]):
        path = item[0]
        correction = "correctie" in path.name.lower()
        try:            # the time the older-file check compares: a payload folder's newest file, not the folder's own
            modified = file_time_ns(path)
        except OSError:
            modified = None
        return (correction, path.lstat().st_mtime_ns if modified is None else modified, path.name)

    return sorted(found, key=order), ignored


#: seconds an inbox entry must stay unchanged before a run loads it (``$WIJKRADAR_INBOX_SETTLE``): a file still being
#: copied in would be read in part, recorded as a delivery, and loaded again as a new one once complete
INBOX_SETTLE_SECONDS = 10.0


def _stamp(path: Path) -> tuple | None:
    """Size, modification and change time of a file, or of every entry of a folder (links not followed); None when
    it is gone. The change time moves with every write, also of a copy that sets the old modification time at its
    end."""
    try:
        entries = [path, *sorted(path.rglob("*"))] if path.is_dir() and not path.is_symlink() else [path]
        return tuple((p.as_posix(), st.st_size, st.st_mtime_ns, st.st_ctime_ns) for p in entries for st in [p.lstat()])
    except OSError:
        return None


def still_written(paths: list[Path], settle: float | None = None) -> list[Path]:
    """The entries among ``paths`` that changed within the last ``settle`` seconds (default
    ``$WIJKRADAR_INBOX_SETTLE``, else :data:`INBOX_SETTLE_SECONDS`; 0 checks nothing).

    Entries last changed longer ago than that are taken as complete at once; otherwise the run waits until the
    newest change is ``settle`` seconds old (never longer than ``settle``) and names every entry that changed
    meanwhile: a copy still running. A copy that stalls for longer than ``settle`` cannot be told from a complete
    file; the ingest then still refuses a file that changes while it is read (``ingest.NotYet``).
    """
    if settle is None:
        settle = float(os.environ.get("WIJKRADAR_INBOX_SETTLE", INBOX_SETTLE_SECONDS))
    if settle <= 0 or not paths:
        return []
    stamps = {path: _stamp(path) for path in paths}
    newest = max((max(e[2], e[3]) for stamp in stamps.values() if stamp for e in stamp), default=0) / 1e9
    wait = min(newest + settle - time.time(), settle)
    if wait > 0:
        time.sleep(wait)
    return [path for path, stamp in stamps.items() if stamp is None or _stamp(path) != stamp]


@task
@stops_on_system_failure
def sync_reference(home: Home) -> bool | Stop:
    """Mirror data/reference/ into core when it changed (the run's first opening of the warehouse)."""
    with connect(home.warehouse) as con:
        return reference.sync(con, reference.Reference.for_home(home))


@dataclass(frozen=True)
class Outcome:
    """What became of one file: loaded (``load``), refused or held (``message``, one scrubbed sentence)."""

    load: LoadResult | None = None
    refused: str = ""
    held: str = ""
    left: str = ""         # left in the inbox for a later run (reports dated after the run's --today)
    stopped: str = ""      # not loaded, and the run stops: a failure of the system (a full disk), not of the file


def split_loaded_before(home: Home, files: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str]], list[LoadResult]]:
    """The inbox files still to ingest, and the skipped results of those a load already holds as they are
    (``ingest.loaded_as_is``), found with one connection instead of a task each."""
    if not files:
        return files, []
    rest, before = [], []
    with connect(home.warehouse) as con:
        for path, source in files:
            known = loaded_as_is(con, path, source, home.archive)
            if known is None:
                rest.append((path, source))
            else:
                before.append(known)
    return rest, before


def loaded_before_note(n: int) -> str:
    """One line for the inbox files loaded before (the weekly run names no such file one by one)."""
    return (f"{n} inbox file(s) were loaded before, as they are, and are skipped; `wijkradar inbox clean` removes "
            "them from the inbox (the warehouse and archive/ keep what was loaded from them; `wijkradar status` lists "
            "the loads)")


@task
def ingest(home: Home, path: Path, source: str, today: pd.Timestamp | None, later_rows: str = "quarantine") -> Outcome:
    """Load one inbox file through validation into the warehouse (a refusal is an outcome, not a crash).

    Whatever goes wrong with one file is that file's refusal: the run goes on with the other files. An error that
    is not one of wijkradar's own sentences is named by its type only (its text can quote the file's content or a
    member's name) and logged with its traceback for whoever maintains wijkradar.
    """
    with connect(home.warehouse) as con:
        try:
            return Outcome(load=ingest_file(con, path, source, reference.Reference.for_home(home), home.archive, today=today,
                                            docs_root=home.docs, later_rows=later_rows))
        except LoadHeld as exc:
            return Outcome(held=str(exc))
        except NotYet as exc:
            return Outcome(left=str(exc))
        except (IngestError, ValidationRefused) as exc:
            return Outcome(refused=str(exc))
        except reference.ReferenceError:
            raise                        # the profile's fault, not the file's: the run stops with its sentence
        except Exception as exc:  # noqa: BLE001 - one damaged file must not fail the weekly run
            if damage(exc, home.warehouse):
                raise                    # the warehouse, not the file: connect says so in one sentence
            if expected_failure(exc):    # a full disk: not this file's fault, and the next file would meet it too
                return Outcome(stopped=f"{shown_file_name(path.name)}: not loaded: {expected_failure(exc)}")
            failed = exc                 # logged below, once the error is no longer being handled (see there)
    return Outcome(refused=_unexpected_failure(
        path, failed, "wijkradar.ingest", "not loaded", "the file could not be read",
        "open it in the program that made it, save or export it again and put the new file in the inbox"))


def archive_out_of_step(home: Home) -> list[str]:
    """What ``archive/`` and the warehouse disagree on, once the run's files are loaded (``archive_check``): loads
    archived again from the warehouse's rows, and archived loads the warehouse lacks (restored from an older backup)."""
    from pipelines.archive_check import archive_notes

    with connect(home.warehouse) as con:
        return archive_notes(con, home.archive)


def still_left_out(home: Home, loads: list) -> list[str]:
    """Per source one sentence naming the cells the run's loads left out of a period (``LoadResult.left_out``) that
    are still unknown once every file of the run is loaded: one team's file leaves the others' buurten out of the
    month until their own files, later in the same run, bring them."""
    from pipelines.ingest import left_out_note

    left = [(load.source, load.left_out) for load in loads if load.left_out is not None and len(load.left_out)]
    if not left:
        return []
    out = []
    with connect(home.warehouse) as con:
        for source in sorted({source for source, _ in left}):
            cells = pd.concat([cells for s, cells in left if s == source], ignore_index=True)
            note = left_out_note(source, catalog.still_unknown(con, source, cells))
            if note:
                out.append(note)
    return out


@task
def import_answers(home: Home, path: Path, today: pd.Timestamp | None) -> tuple[FeedbackResult | None, str]:
    """Store a team's answers from a returned list (a refusal is an outcome: no result and one sentence).

    Whatever else goes wrong with one answers file is that file's refusal too, as :func:`ingest` does for a delivery:
    named by the error's type only (its text can quote the workbook) and logged with its traceback; the run goes on.
    """
    with connect(home.warehouse) as con:
        try:
            return import_feedback(con, path, today=today), ""
        except FeedbackRefused as exc:
            return None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one damaged answers file must not fail the weekly run
            if damage(exc, home.warehouse):
                raise                    # the warehouse, not the file
            failed = exc                 # logged below, once the error is no longer being handled
    return None, _unexpected_failure(
        path, failed, "wijkradar.feedback", "answers not imported",
        "the answers could not be read", "nothing of it was stored; send back the list as wijkradar exported "
        "it, with only Terugkoppeling and Notitie filled in")


def _unexpected_failure(path: Path, exc: BaseException, logger: str, not_done: str, unread: str, fix: str) -> str:
    """One file's sentence for an error that is not one of wijkradar's own: a full disk said as such, anything else
    named by its type only (its text can quote the file's content), logged with its frames for whoever maintains
    wijkradar.

    Called after the ``except`` block, not in it: a log handler that fails while an error is being handled (Prefect's
    API handler without a server, say) has logging print its own traceback chained to that error, whose message
    (a workbook's cell) would reach the console."""
    import logging
    import traceback

    from pipelines.warehouse import expected_failure

    name = shown_file_name(path.name)
    if expected_failure(exc):             # a full disk is not the file's fault
        return f"{name}: {not_done}: {expected_failure(exc)}"
    logging.getLogger(logger).error(      # the frames only: the message can hold personal data
        "%s could not be read (%s) at:\n%s", name, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    return f"{name}: {unread} ({type(exc).__name__}); {fix}"


@task
@stops_on_system_failure
def score(home: Home, today: pd.Timestamp | None = None) -> Run | str | Stop:
    """Score every series and flag the run's period (or find the identical earlier run); when there is
    nothing to score yet, the sentence saying why (an outcome, not a failed task with a traceback)."""
    with connect(home.warehouse) as con:
        try:
            return score_and_flag(con, reference.Reference.for_home(home), today=today)
        except NothingToScore as exc:
            return str(exc)


def dask_task_runner(address: str | None = None, workers: int = 2):
    """The task runner of a fanned-out run (``weekly(fan_out=True)``): the Dask cluster at ``address``, or a local
    cluster of ``workers`` single-threaded worker processes that the run starts and stops itself.

    The local cluster listens on 127.0.0.1 only, its dashboard too, on a port the system picks: Dask's default
    dashboard address (``:8787``) is every interface, and its pages (workers, their logs, call stacks, task names,
    the machine's memory) have no authentication, so anyone on the municipality's network could read them while
    a run lasted (red team 12c F3). On the machine itself the dashboard still shows a long run's progress (its
    address is in the run's log); a fixed port would move anyway when two runs start together."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "host": "127.0.0.1",
                                          "dashboard_address": "127.0.0.1:0"})


def _submit_blocks(fn, work: list[Block]) -> list[pd.DataFrame]:
    """Fan the scoring blocks out to the Dask cluster of the flow's task runner, as plain calls of ``fn``.

    Not as Prefect task runs: a task run on a worker needs a Prefect API, and the workers, which do not know the
    command's server, each started a temporary server of their own by Prefect's own start (a random port bound
    seconds later, the race ``prefect_env.start_server`` removed, on the folder's database; orphaned when the command
    is killed; red team 12c F2). A block is pure, frames in and frames out, so the worker needs no Prefect for it,
    returns the same frames, and a remote cluster's workers need not reach the command's server on 127.0.0.1."""
    context = FlowRunContext.get()
    client = getattr(context.task_runner, "client", None) if context is not None else None
    if client is None:                  # no Dask task runner (or no flow): the blocks are scored here, in order
        return [fn(block) for block in work]
    return client.gather(client.map(fn, work, pure=False))


@stops_on_system_failure
def score_fanned_out(home: Home, today: pd.Timestamp | None = None) -> Run | str | Stop:
    """Scoring with its blocks fanned out; called in the flow body, where the flow run's task runner is found."""
    with connect(home.warehouse) as con:
        try:
            return score_and_flag(con, reference.Reference.for_home(home), mapper=_submit_blocks, today=today)
        except NothingToScore as exc:
            return str(exc)


#: weeks between the end of a weekly source's newest delivered week and today after which the run warns
STALE_AFTER_WEEKS = 2
#: days after the end of the month that follows a monthly source's newest month before the run warns: a month's
#: counts come in during the next month, so a month is late only once the month after it has ended too
STALE_MONTH_GRACE_DAYS = 14


def _period_end(label: str) -> tuple[str, pd.Timestamp]:
    """The kind of a period label and its last day."""
    from models.calendar import parse_period_label
    from pipelines.reports.trends import period_end

    period, start = parse_period_label(label)
    return period, period_end(pd.Series([start]), pd.Series([period])).iloc[0]


def staleness(run_period: str, today: pd.Timestamp | None, covered_to: pd.Timestamp | None = None,
              source: str | None = None) -> str | None:
    """A warning when the newest period delivered (``run_period``, or a source's newest period: of its counts, or a
    week a delivery covers without reports; ``covered_to``: the last day a delivery declared it covers, when later)
    is late by the rhythm of its kind: a week two weeks after it ended, a month once the month after it has ended
    plus ``STALE_MONTH_GRACE_DAYS``. Judged by what the deliveries cover, not by the newest count: a small
    municipality's weeks without a report are no late delivery when their exports came."""
    period, end = _period_end(run_period)
    if covered_to is not None and pd.Timestamp(covered_to) > end:
        end = pd.Timestamp(covered_to)
    today = pd.Timestamp(today if today is not None else local_today()).normalize()
    weeks = (today - end - pd.Timedelta(days=1)).days // 7
    if period == "week" and weeks < STALE_AFTER_WEEKS:
        return None
    if period == "month" and today <= end + pd.offsets.MonthEnd(1) + pd.Timedelta(days=STALE_MONTH_GRACE_DAYS):
        return None
    whose, what = (f"{source}'s deliveries cover", f"check that {source}'s deliveries reach the inbox") if source \
        else ("delivered", "these are its lists; check that this week's deliveries reached the inbox")
    quiet = ""
    if source and period == "week" and getattr(SOURCES.get(source), "KIND", None) == "records":
        from models.calendar import period_label

        last = period_label(pd.Series([today - pd.Timedelta(days=7)]), "week").iloc[0]
        quiet = (f"; a week without reports is delivered as its export with the header row only, named after the "
                 f"week ({source}_export_{last}.csv), or by a full export whose window declares it")
    return (f"the newest complete {period} {whose} is {run_period}, which ended {weeks} weeks before today "
            f"({today.date()}): {what}{quiet}")


def delivery_warnings(ranges: pd.DataFrame, run_period: str, today: pd.Timestamp | None,
                      windows: dict[str, pd.Timestamp] | None = None) -> list[str]:
    """What the run says about the deliveries, judged per source by what it delivered (``ranges``:
    ``runs.delivered_ranges``; ``windows``: per source the last day its deliveries declare they cover): a source
    late by its own rhythm (:func:`staleness`), and monthly counts newer than the run's week, which these lists
    do not evaluate because a weekly source holds the run's week back."""
    from models.calendar import period_label

    today = pd.Timestamp(today if today is not None else local_today()).normalize()
    windows = windows or {}
    out, newest = [], {}
    for r in ranges.itertuples(index=False):
        start = pd.Timestamp(r.last)
        end = start + (pd.Timedelta(days=6) if r.period == "week" else pd.offsets.MonthEnd(0))
        if end >= today:                                  # the period holding today is not complete yet
            start = start - (pd.Timedelta(days=7) if r.period == "week" else pd.offsets.MonthBegin(1))
        label = period_label(pd.Series([start]), r.period).iloc[0]
        newest[(r.period, r.source)] = label
        warning = staleness(label, today, windows.get(r.source), r.source)
        if warning:
            out.append(warning)
    kind, run_end = _period_end(run_period)
    if kind == "week":
        later = {source: label for (period, source), label in newest.items()
                 if period == "month" and _period_end(label)[1] > run_end + pd.offsets.MonthEnd(0)}
        held = sorted(source for (period, source) in newest if period == "week")
        for source, label in sorted(later.items()):
            out.append(f"{source} has counts up to {label}, newer than this run's week {run_period}: these lists do "
                       f"not evaluate them, as the run's week is the newest complete week of {', '.join(held)}; "
                       f"deliver {', '.join(held)} up to last week and run again")
    return out


@task
@stops_on_system_failure
def score_risk(home: Home, run: Run):
    """Each buurt's chance of an escalation per domain in the coming months (skipped when the run has it)."""
    from pipelines.risk import risk_step

    with connect(home.warehouse) as con:
        return risk_step(con, reference.Reference.for_home(home), run)


@task
def export(home: Home, run: Run) -> dict[str, list[Path]] | str | Stop:
    """Write one XLSX, CSV and HTML list per wijkteam with only its own buurten; or the sentence saying why the
    lists' folder could not be written (the loads and scores are committed by then and stay); or, the lists in place
    but their record not (a full disk at its commit), a :class:`Stop` saying so."""
    with connect(home.warehouse) as con:
        try:
            return export_run(con, home, run)
        except OSError as exc:
            return export_failure(exc, home.exports / run.run_period, shown=home.shown)
        except NotRecorded as exc:
            sentence = not_recorded(run, exc)
            if sentence is None:
                raise                    # a fault of wijkradar's: its traceback, for whoever maintains it
            return Stop(sentence)


def not_recorded(run: Run, exc: NotRecorded, then: str = "run again (wijkradar run)") -> str | None:
    """One sentence for lists put in place whose record in ``meta.lists`` failed on a failure of the system
    (``warehouse.system_failure`` of ``exc``'s cause): they are the ones to send, and ``then`` (the next run) records
    them, writing the same lists again (red team 12c F1: "the step that failed changed nothing", the new lists in
    place). None when the cause is no failure of the system (a fault of wijkradar's, for the caller to raise)."""
    failure = system_failure(exc.__cause__)
    if failure is None:
        return None
    problem, remedy = failure
    return (f"the lists of {run.run_period} (run {run.run_id}) are in place in exports/{run.run_period}/, but the "
            f"warehouse could not record that they were written: {problem}; {remedy} and {then}: it writes the "
            "same lists again and records them")


#: What a weekly run whose lists could not be written still did, and how to get the lists.
KEPT = ("run again (wijkradar run): the loads and scores of this run are kept, so only the lists are written "
        "then")


def export_failure(exc: OSError, folder: Path, then: str = KEPT, shown: Callable[[Path], str] = str) -> str:
    """One sentence for lists that could not be written: the folder, what is in the way, what to do and ``then``
    (by default: that the run's loads and scores are kept; running again writes the lists of the same run).
    ``shown``: how a path is shown (``Home.shown``: relative to the working folder, whose absolute path often names
    its owner and would reach the log and Prefect's database)."""
    import errno

    where = Path(exc.filename) if exc.filename else folder
    if where.parent == folder.parent and where.name.startswith(f".{folder.name}."):    # the set written beside it
        where = folder.parent if isinstance(exc, PermissionError) else folder
    elif where.parent.parent == folder.parent and where.parent.name.startswith(f".{folder.name}."):  # a file of it
        where = folder
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        problem = f"{shown(file_in_the_way(where) or where)} {NEEDS_A_FOLDER}"
    elif isinstance(exc, PermissionError):
        problem = f"{shown(where)} may not be written (permission denied); give this user write access to it"
    elif exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        problem = f"the disk is full at {shown(where)}; free space"
    else:
        problem = f"{shown(where)} could not be written ({exc.strerror or type(exc).__name__}); make it writable"
    return f"the lists could not be written to {shown(folder)}: {problem} and {then}"


def _export_into(home: Home, result: WeeklyResult, logger) -> Stop | None:
    """The lists of the result's run, or the sentence why they could not be written (``export_failed``); then a
    warning for every other period whose lists an earlier run left unwritten (killed while writing them). A
    :class:`Stop` when the lists are in place but not recorded: the run stops there."""
    from pipelines.export_folder import unwritten_lists

    exports = export(home, result.run)
    if isinstance(exports, Stop):
        return exports
    if isinstance(exports, str):
        logger.error("%s", exports)
        result.export_failed = exports
    else:
        result.exports = exports
    with connect(home.warehouse) as con:
        owed = unwritten_lists(con, but=result.run.run_period)
    for warning in owed:
        logger.warning("%s", warning)
        result.warnings.append(warning)
    return None


#: what a flow run given no working folder says (a deployment's run on a worker started without WIJKRADAR_HOME): it
#: used to end Completed with "no signal counts in the warehouse yet", every Monday, without naming the folder it used
NO_HOME = ("no working folder given: this run reads and writes the repository's data/ folder, as its worker was "
           "started without WIJKRADAR_HOME; to run on the working folder, stop the worker and start it as "
           "WIJKRADAR_HOME=<working folder> prefect worker start --pool local-process")


def _working_folder(home: str | None, logger) -> Home:
    """The run's working folder (``paths.resolve_home``), said in the run's log when it is the repository's
    ``data/`` only because nobody chose one."""
    if nobody_chose_a_home(home):
        logger.warning("%s", NO_HOME)
    return resolve_home(home)


def _day(today: str | None) -> pd.Timestamp | None:
    """A flow's ``today`` parameter, typed as ``--today`` is (jjjj-mm-dd), or a one-sentence refusal before any
    work: 11-01-2027 is not read as 1 November."""
    if not today:
        return None
    day = wording.iso_day(today)
    if day is None:
        raise ValueError(f"today={str(today)[:40]!r} is not a date jjjj-mm-dd between 2000 and 2099; give one such "
                         "as 2026-11-23 (a run lists the last week that ended before it) or leave it out for today")
    return day


@flow(name="weekly-signals")
def weekly(home: str | None = None, today: str | None = None, fan_out: bool = False) -> WeeklyResult:
    """The weekly flow. ``fan_out``: score in blocks through the task runner (give the flow a
    ``DaskTaskRunner`` with ``weekly.with_options``); the lists are the same as without."""
    logger = get_run_logger()
    mark_interrupted_runs(logger)
    h = _working_folder(home, logger)
    now = _day(today)
    synced = sync_reference(h)
    if isinstance(synced, Stop):               # too little memory to open the warehouse, say: nothing done yet
        return _stopped(WeeklyResult(run=None), synced.sentence, logger)
    files, ignored = inbox_files(h)
    for name in ignored:
        if name.endswith(NOT_A_FILE):
            logger.warning("inbox entry %s is left alone; put the delivered file itself in the inbox", name)
            continue
        if name.endswith(A_FOLDER):
            logger.warning("inbox folder %s is left alone: wijkradar reads this source's files one by one, not a "
                           "folder (nor a zip) of them; put each file of it in the inbox itself, named after the "
                           "source as the folder is", name)
            continue
        logger.warning("inbox file %s matches no source and is left alone; name it meldingen_*.csv, "
                       "wijkteam_*.xlsx or schulden_*.csv", name)
    result = WeeklyResult(run=None, ignored=ignored)  # type: ignore[arg-type]
    answers_files = feedback_files(h.inbox)
    # a file still being copied in is left whole for the next run: read now, its part would count as a delivery
    busy = still_written([*answers_files, *(path for path, _ in files)])
    for path in busy:
        left = (f"{shown_file_name(path.name)}: still being written (it changed in the last seconds); it stays in "
                "the inbox and the next run loads it")
        logger.warning("%s", left)
        result.warnings.append(left)
    files = [(path, source) for path, source in files if path not in busy]
    for path in (p for p in answers_files if p not in busy):    # the teams' answers, before scoring: this run uses them
        answers, refused = import_answers(h, path, now)
        if answers is None:
            logger.error("%s", refused)
            result.refused[_unique(shown_file_name(path.name), result.refused)] = refused
            continue
        for warning in answers.warnings:
            logger.warning("%s", warning)
        logger.info("%s", answers.describe())
        result.feedback.append(answers)
    files, result.loaded_before = split_loaded_before(h, files)
    if result.loaded_before:
        logger.info("%s", loaded_before_note(len(result.loaded_before)))
    for i, (path, source) in enumerate(files, start=1):
        name = _unique(shown_file_name(path.name), {**result.refused, **result.held})
        logger.info("[%d/%d] ingesting %s as %s", i, len(files), name, source)
        # a run given a day (--today) leaves a file holding later reports: judged on that day they were quarantined
        # as in the future, and the file was then "already loaded" for good
        outcome = ingest(h, path, source, now, "quarantine" if now is None else "leave")
        if outcome.stopped:
            return _stopped(result, outcome.stopped, logger)
        if outcome.held:
            logger.warning("%s", outcome.held)
            result.held[name] = outcome.held
        elif outcome.left:
            logger.warning("%s", outcome.left)
            result.warnings.append(outcome.left)
        elif outcome.refused:
            logger.error("%s", outcome.refused)             # a refusal names its file
            result.refused[name] = outcome.refused
        else:
            logger.info(outcome.load.describe())
            result.loads.append(outcome.load)
    for note in archive_out_of_step(h):                 # a folder restored in parts: archive/ and warehouse disagree
        logger.warning("%s", note)
        result.warnings.append(note)
    for note in still_left_out(h, result.loads):       # what the run's later files did not bring either
        logger.warning("%s", note)
        result.warnings.append(note)
    logger.info("scoring all series")
    run = score_fanned_out(h, now) if fan_out else score(h, now)
    if isinstance(run, Stop):
        return _stopped(result, run.sentence, logger)
    if isinstance(run, str):
        logger.warning("no lists this run: %s", run)
        result.note = run
        return _ended(result, logger)
    result.run = run
    from pipelines.catalog.windows import covered_to

    from pipelines.export import english_notes, unjudged_notes
    from pipelines.runs import delivered_ranges

    with connect(h.warehouse) as con:
        ranges, windows = delivered_ranges(con), covered_to(con)
        unjudged = english_notes(unjudged_notes(con, result.run.run_id, result.run.run_period))
        # the same run, its lists never written whole (an export that failed or was killed): written now, not
        # "unchanged" (red team 12c F5: an analyst who sends only changed lists would not send them)
        result.lists_owed = (result.run.run_period, result.run.run_id) in catalog.unwritten_lists(con)
    if result.run.reused:
        logger.info("no new input for its period since run %s; %s", result.run.run_id,
                    "its lists were not all written before: they are written now" if result.lists_owed else
                    "lists unchanged")
    for warning in delivery_warnings(ranges, result.run.run_period, now, windows):
        logger.warning("%s", warning)
        result.warnings.append(warning)
    result.warnings.extend(result.run.notes)       # periods a source never delivered (logged where they were found)
    result.warnings.extend(unjudged)               # the run's own week not judged (logged by the export)
    return _ended(_finish(h, result, logger), logger)


def _finish(h: Home, result: WeeklyResult, logger):
    """A scored run's last steps: the risk, the lists, the Prefect artifacts and the marts given back to the current
    run; a failure of the system stops them where it met them."""
    risk = score_risk(h, result.run)
    if isinstance(risk, Stop):
        return _stopped(result, risk.sentence, logger)
    logger.info("%s", risk.describe())
    stop = _export_into(h, result, logger)
    if stop is not None:
        return _stopped(result, stop.sentence, logger)
    publish(h, result)
    kept = restore_marts(h)
    if isinstance(kept, Stop):
        return _stopped(result, kept.sentence, logger)
    if kept:
        logger.warning("%s", kept)
        result.warnings.append(kept)
    return result


class RunStopped(Exception):
    """The data of a run :func:`_stopped` ended: its sentence, and in ``result`` what the run did before.

    An exception, since Prefect resolves a failed run's data into one: a deployment's run, whose engine asks for the
    result, ended with a TypeError instead, its traceback and the whole result's repr in the worker's output and in
    the Prefect database."""

    def __init__(self, sentence: str, result: WeeklyResult):
        super().__init__(sentence)
        self.result = result


class QuietStop(logging.Filter):
    """Drops the engine's "Engine execution exited with unexpected exception" record of a :class:`RunStopped`:
    a deployment's run re-raises its Failed state's exception once the run has ended, and logs it with its traceback
    (Prefect's own frames) to the worker and the Prefect database, after the run has said its sentence already.

    A download refused in wijkradar's own sentence (:class:`IngestError`: the service unreachable after its
    retries, an answer of the wrong shape) keeps its record, the sentence, without the traceback of its task.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, IngestError):
            record.exc_info, record.exc_text = None, None
        return not isinstance(error, RunStopped)


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    if not any(isinstance(f, QuietStop) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(QuietStop())


class RunLogHandler(APILogHandler):
    """Sends the records of wijkradar's own loggers (``wijkradar.ingest``: "columns holding personal data were
    dropped", ...) to the log of the flow or task run they were made in, and drops any made outside a run (an
    ``ingest`` command; a scoring thread), where Prefect's handler would warn of each.

    A deployment's run showed them only in its worker's output: the analyst reading the run in Prefect did not see
    them. What wijkradar logs holds no personal data (tests/adversarial scans Prefect's database after the weekly flow
    over the privacy corpus)."""

    def emit(self, record: logging.LogRecord) -> None:
        if FlowRunContext.get() is not None or TaskRunContext.get() is not None:
            super().emit(record)


_wijkradar_log = logging.getLogger("wijkradar")
if not any(isinstance(h, RunLogHandler) for h in _wijkradar_log.handlers):
    _wijkradar_log.addHandler(RunLogHandler())        # at the loggers' level: warnings, and INFO under the command


class NeedsAttention(RunStopped):
    """The data of a weekly run that did its work but refused or held files of the inbox (:func:`_ended`)."""


def _ended(result, logger):
    """A weekly run's end: ``result``, or, where it refused or held files of the inbox, a ``Failed`` flow run of one
    sentence naming them, whose data is a :class:`NeedsAttention` holding ``result`` (its lists are written).

    ``wijkradar run`` exits 1 for such files, so a scheduler that watches the exit code sees them; a scheduled run
    (a deployment on a worker) ended Completed, its refusals only ERROR lines of its log. A run stopped by a failure
    of the system (a state already) is returned as it is."""
    from prefect.states import Failed

    if not isinstance(result, WeeklyResult) or not (result.refused or result.held):
        return result
    names = [*result.refused, *result.held]
    kinds = " and ".join(k for k, n in (("refused", result.refused), ("held back", result.held)) if n)
    done = (f"run {result.run.run_id} wrote its lists" if result.run is not None else
            "no lists this run")
    sentence = (f"{len(names)} file(s) of the inbox {kinds}: {', '.join(names)}; {done}. The reason of each is in "
                "this run's log: fix or replace the file (or accept it, as the reason says) and run again")
    logger.error("%s", sentence)
    return Failed(message=sentence, data=NeedsAttention(sentence, result))


def weekly_result(state) -> WeeklyResult:
    """What a weekly flow run called with ``return_state=True`` did: its result, also of a Failed run that a failure
    of the system stopped (``stopped`` says where) or that refused or held files (:func:`_ended`); any other
    failure is raised."""
    data = state.result(raise_on_failure=False)
    if isinstance(data, RunStopped):
        return data.result
    if isinstance(data, BaseException):
        raise data
    return data


def _stopped(result: WeeklyResult, sentence: str, logger):
    """The end of a run stopped by a failure of the system (:class:`Stop`): a ``Failed`` flow run (so a scheduled
    run reads as failed in Prefect) without a traceback, whose data is a :class:`RunStopped` holding ``result``:
    what it did before is kept. Call the flow with ``return_state=True`` and take
    ``state.result(raise_on_failure=False).result``."""
    from prefect.states import Failed

    logger.error("%s", sentence)
    result.stopped = sentence
    return Failed(message=sentence, data=RunStopped(sentence, result))


@task
@stops_on_system_failure
def restore_marts(home: Home) -> str | Stop | None:
    """After a run of an earlier week, the scores (explain, reports) go back to the current run's."""
    from pipelines.runs import restore_current_marts

    with connect(home.warehouse) as con:
        return restore_current_marts(con, reference.Reference.for_home(home))


def only_if_unreachable(task, task_run, state) -> bool:
    """Prefect's retry condition for the downloads: try again only when the service could not be reached. An answer
    refused for its content (wrong shape, too large, paging that never ends) would be refused again, after minutes
    of waiting."""
    from pipelines.sources.odata import SourceUnreachable

    try:
        error = state.result(raise_on_failure=False)
    except Exception:             # a state that holds no exception: retry as Prefect would
        return True
    return not isinstance(error, BaseException) or isinstance(error, SourceUnreachable)


def _fetched(state) -> Path | str:
    """A download task's payload folder, or the sentence of its refusal in wijkradar's words (:class:`IngestError`:
    the service unreachable after its retries, an answer of the wrong shape), which ends the run as a Failed run of
    that sentence: raised, it ended in three tracebacks (the task's, the flow's, the engine's)."""
    if not state.is_failed():
        return state.result()
    error = state.result(raise_on_failure=False)
    if isinstance(error, IngestError):
        return str(error)
    raise error


@task(retries=2, retry_delay_seconds=[60, 300], retry_condition_fn=only_if_unreachable)
def fetch_politie(home: Home, base_url: str, gemeente: str) -> Path:
    """Download and archive the municipality's monthly police figures (network: retried with back-off)."""
    from pipelines.sources import politie

    return politie.fetch(base_url, gemeente, reference.Reference.for_home(home), home.archive)


@flow(name="monthly-police")
def monthly_police(home: str | None = None, base_url: str | None = None, gemeente: str | None = None,
                   today: str | None = None) -> WeeklyResult:
    """Police-registered crime per buurt per month (47022NED): fetch, archive, validate, load, score.

    ``gemeente``: one municipality code; default every municipality of the folder's profile.
    """
    from pipelines.sources import politie

    logger = get_run_logger()
    mark_interrupted_runs(logger)
    now = _day(today)
    h = _working_folder(home, logger)
    result = WeeklyResult(run=None)  # type: ignore[arg-type]
    synced = sync_reference(h)
    if isinstance(synced, Stop):
        return _stopped(result, synced.sentence, logger)
    ref = reference.Reference.for_home(h)
    for code in [ref.gemeente(gemeente)] if gemeente else ref.gemeenten:     # a code outside the profile: refused
        folder = _fetched(fetch_politie(h, base_url or politie.base_url(), code, return_state=True))
        if isinstance(folder, str):
            return _stopped(result, folder, logger)
        logger.info("payload of %s archived in %s", code, h.shown(folder))
        outcome = ingest(h, folder, "politie", now)
        if outcome.load is None:
            return _stopped(result, outcome.refused or outcome.held, logger)
        result.loads.append(outcome.load)
        logger.info(result.loads[-1].describe())
    run = score(h)
    if isinstance(run, Stop):
        return _stopped(result, run.sentence, logger)
    if isinstance(run, str):
        logger.warning("no lists this run: %s", run)
        result.note = run
        return result
    result.run = run
    return _finish(h, result, logger)


@task(retries=2, retry_delay_seconds=[60, 300], retry_condition_fn=only_if_unreachable)
def fetch_cbs_kwb(home: Home, base_url: str, gemeente: str, years: list[int] | None,
                  tables: dict[int, str] | None = None) -> Path:
    """Download and archive CBS Kerncijfers wijken en buurten (network: retried with back-off)."""
    from pipelines.sources import cbs_kwb

    return cbs_kwb.fetch(base_url, gemeente, reference.Reference.for_home(home), home.archive, years=years,
                         tables=tables)


@flow(name="yearly-cbs")
def yearly_cbs(home: str | None = None, base_url: str | None = None, gemeente: str | None = None,
               years: list[int] | None = None, kwb_tables: list[str] | None = None) -> list[LoadResult]:
    """CBS neighbourhood figures (KWB) of the given years (default: the newest the service's catalogue lists) into
    core.area_stats.

    ``gemeente``: one municipality code; default every municipality of the folder's profile.
    ``kwb_tables``: ``YEAR=ID`` of years CBS published after this release (default year: the latest given).
    """
    from pipelines.sources import cbs_kwb

    logger = get_run_logger()
    mark_interrupted_runs(logger)
    h = _working_folder(home, logger)
    sync_reference(h)
    loads = []
    tables = cbs_kwb.table_ids(kwb_tables or [])
    for code in [gemeente] if gemeente else reference.Reference.for_home(h).gemeenten:
        folder = _fetched(fetch_cbs_kwb(h, base_url or cbs_kwb.base_url(), code, years, tables, return_state=True))
        if isinstance(folder, str):
            return _stopped(WeeklyResult(run=None, loads=loads), folder, logger)
        outcome = ingest(h, folder, "cbs-kwb", None)
        if outcome.load is None:
            return _stopped(WeeklyResult(run=None, loads=loads), outcome.refused or outcome.held, logger)
        # figures of years ago (no newer table found, or none given) are a warning in the flow's log, not news
        (logger.warning if outcome.load.missing_note else logger.info)(outcome.load.describe())
        loads.append(outcome.load)
    return loads


def team_artifact_key(team: str) -> str:
    """The Prefect artifact key of a team's table: Prefect takes lowercase letters, digits and dashes only, and a
    profile takes any team code (``Noord``, ``de_weide``, ``Wâldwei``, ``'s-Hertogenbosch/West``).

    A code that is a key already keeps ``wijkradar-flags-<team>``, so its history in the Prefect UI goes on; any
    other becomes an ASCII slug, ``--`` and a hash of the code itself: ``Noord`` and ``noord`` never share a key,
    and no kept key holds ``--``.
    """
    from pipelines.profile import slug

    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", team):
        return f"wijkradar-flags-{team}"
    short = slug(team, empty="")[:60].strip("-") or "team"
    return f"wijkradar-flags-{short}--{hashlib.sha256(team.encode('utf-8')).hexdigest()[:10]}"


def publish(home: Home, result: WeeklyResult) -> None:
    """Prefect artifacts under stable keys: a table per team, a summary, the load reconciliation."""
    from pipelines.lists.selection import run_teams

    with connect(home.warehouse) as con:
        flags = read_flags(con, result.run.run_id)
        teams = run_teams(flags, catalog.area_risk(con, result.run.run_id), catalog.teams(con),   # the run's teams
                          catalog.area_teams(con))
    for team, name in zip(teams["wijkteam"], teams["name"]):
        own = flags[flags["wijkteam"] == team]
        rows = [{"buurt": f"{r.area_code} {r.name}", "niveau": wording.level_word(r.level, r.status),
                 "status": wording.status_word(r.status), "domein": wording.domain_word(r.domain),
                 "toelichting": r.explanation} for r in own.itertuples(index=False)]
        create_table_artifact(key=team_artifact_key(team), table=rows or [{"toelichting": "geen opvallende signalen"}],
                              description=f"{name} ({team}): run {result.run.run_id} (periode {result.run.run_period})")
    domains = list(wording.DOMAIN["nl"])
    summary = ["| status | " + " | ".join(wording.DOMAIN["nl"][d] for d in domains) + " |", "|---|---|---|---|"]
    for status in STATUS_ORDER:         # with the statuses the teams' answers give (in behandeling, ...)
        counts = [int(((flags["status"] == status) & (flags["domain"] == d)).sum())
                  for d in domains]
        summary.append(f"| {status} | " + " | ".join(map(str, counts)) + " |")
    create_markdown_artifact(key="wijkradar-summary", markdown="\n".join(summary),
                             description=f"Signalen per status en domein, run {result.run.run_id}")
    def cell(text: str) -> str:
        return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")

    lines = ["| file | status | read | accepted | quarantined |", "|---|---|---|---|---|"]
    for ld in result.loads:
        status = "skipped (already loaded)" if ld.skipped else "loaded"
        lines.append(f"| {cell(ld.file_name)} | {status} | {ld.rows_read} | {ld.rows_accepted} | {ld.rows_quarantined} |")
    if result.loaded_before:
        lines.append(f"| {len(result.loaded_before)} earlier file(s) | skipped (already loaded) | | | |")
    for name, why in result.refused.items():
        lines.append(f"| {cell(name)} | **refused**: {cell(why)} | | | |")
    for name, why in result.held.items():
        lines.append(f"| {cell(name)} | **held**: {cell(why)} | | | |")
    create_markdown_artifact(key="wijkradar-loads", markdown="\n".join(lines),
                             description=f"Inbox loads for run {result.run.run_id}")
    from pipelines.reports.build import report_link_markdown    # only links: the notebooks run in `wijkradar report`

    report = report_link_markdown(home, result.run.run_period)
    if report:
        create_markdown_artifact(key="wijkradar-report", markdown=report,
                                 description=f"Rapport (notebooks) voor periode {result.run.run_period}")
