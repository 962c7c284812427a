"""A period's lists are replaced as a set: ``exports/<period>/`` holds all the lists of one run, never a part of
them or a mix of two runs' lists. A period's manager report (``reports/<period>/``) is replaced the same way.

The new set is written into the sibling ``exports/.<period>.writing``, renamed ``.<period>.ready`` once complete,
then swapped in by two renames (the folder in place to ``.<period>.old``, the ready set into place). A process
killed anywhere in between leaves folders that :func:`recover` (before every export, and every period report)
resolves. ``meta.lists`` records whether a period's run has its set written whole (:func:`unwritten_lists`).
The lists are written by the weekly run and `flags`, which hold the warehouse; the reports only read it, so a report
holds ``reports/``' lock (:func:`one_writer`) while it resolves and swaps.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from pipelines import catalog
from pipelines.faults import fault_point

log = logging.getLogger("wijkradar.export")
T = TypeVar("T")

WRITING, READY, OLD = "writing", "ready", "old"
#: a period's folder name (``2026-W48``, ``2026-10``): only such leftovers are touched by :func:`recover`
PERIOD = re.compile(r"\d{4}-(?:W\d{2}|\d{2})")


class FolderBusy(RuntimeError):
    """Another process is writing in the folder (the sentence says what to do)."""


@contextlib.contextmanager
def one_writer(folder: Path, by: str = "report", wait_seconds: float | None = None) -> Iterator[None]:
    """Hold ``folder``'s lock for the block: one writer there at a time, another waiting up to ``wait_seconds``
    (``$WIJKRADAR_BUSY_WAIT``, 60, as for the warehouse), then :class:`FolderBusy`. Without it a second report's
    :func:`recover` removed the set a first one was writing, which then failed on a folder gone (red team 14b F1).
    The lock is the folder's own (no lock file left in it) and goes with the process: a killed writer holds nothing."""
    folder = Path(folder)
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("WIJKRADAR_BUSY_WAIT", "60"))
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusy(f"{folder.name}/ busy: another wijkradar {by} is writing there. Wait for it to "
                                     "finish and try again.") from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        yield
    finally:
        os.close(fd)                     # releases the lock


class NotRecorded(Exception):
    """The new set is in place, but ``swapped()``, its record, failed (the error is the ``__cause__``): not "could
    not be written" (red team 12c F1: a full disk at the record was said to have changed nothing)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        super().__init__(f"the set in {self.folder} is in place, but its record failed")


def aside(folder: Path, state: str) -> Path:
    """The sibling of ``folder`` in ``state`` (``writing``, ``ready``, ``old``): ``.2026-W48.ready``."""
    return folder.with_name(f".{folder.name}.{state}")


def write_set(folder: Path, write: Callable[[Path], T], swapped: Callable[[], None] | None = None,
              by: str = "export") -> T:
    """``write(into)`` writes the whole set into an empty sibling folder; once it returns, that set replaces
    ``folder`` and ``swapped()`` is called at once (to record it). An error in ``write`` leaves ``folder`` as it
    was (and no sibling); one in ``swapped()`` raises :class:`NotRecorded`, the new set in place and the earlier one
    removed. ``by``: what writes the set (``export``, ``report``), the name of its fault point."""
    if folder.exists() and not folder.is_dir():          # a file where the lists belong: never moved aside
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    writing = aside(folder, WRITING)
    if writing.exists():
        shutil.rmtree(writing)
    writing.mkdir(parents=True)
    try:
        out = write(writing)
    except BaseException:
        shutil.rmtree(writing, ignore_errors=True)
        raise
    ready = aside(folder, READY)
    if ready.exists():
        shutil.rmtree(ready)
    writing.rename(ready)                # from here the new set is complete: recover() puts it into place
    _swap_in(ready, folder, swapped, by)
    return out


def _swap_in(ready: Path, folder: Path, swapped: Callable[[], None] | None = None, by: str = "export") -> None:
    old = aside(folder, OLD)
    if folder.exists():
        if old.exists():
            shutil.rmtree(old)
        folder.rename(old)
    fault_point(f"{by}-mid-swap")        # the crash tests' point: the old set aside, the new one not yet in place
    ready.rename(folder)
    try:
        if swapped is not None:          # first: the fewer steps between the swap and its record, the better
            try:
                swapped()
            except Exception as exc:
                raise NotRecorded(folder) from exc
    finally:                             # the new set is in place either way: the earlier one is of no use (a full
        if old.exists():                 # disk gets its space back)
            shutil.rmtree(old)


def recover(exports: Path, what: str = "lists", by: str = "export") -> list[str]:
    """Resolve what an interrupted export left in ``exports``: a set being written is removed (it is not complete);
    a complete set whose swap was cut off is put into place; a set moved aside is put back where nothing took its
    place, else removed. Returns (and logs) one English sentence per folder put into place or removed; ``what``,
    ``by``: the sets and what writes them (``report pages``, ``report`` in ``reports/``)."""
    if not exports.is_dir():
        return []
    done = []

    def leftovers(state: str) -> list[tuple[Path, Path]]:
        found = []
        for p in sorted(exports.glob(f".*.{state}")):
            name = p.name[1:-len(state) - 1]
            if p.is_dir() and PERIOD.fullmatch(name):
                found.append((p, exports / name))
        return found

    for writing, folder in leftovers(WRITING):
        shutil.rmtree(writing)
        done.append(f"removed {writing}: the {what} an interrupted {by} was writing there were not complete")
    for ready, folder in leftovers(READY):
        if folder.exists() and not folder.is_dir():
            continue                     # a file in the way: the next export of that period says so
        _swap_in(ready, folder, by=by)
        done.append(f"put the complete {what} an interrupted {by} had written into place at {folder}")
    for old, folder in leftovers(OLD):
        if folder.exists():
            shutil.rmtree(old)
        else:
            old.rename(folder)
            done.append(f"put the earlier {what} back at {folder}: an interrupted {by} had moved them aside")
    for sentence in done:
        log.warning("%s", sentence)
    return done


def unwritten_lists(con, but: str | None = None) -> list[str]:
    """One English sentence per period whose run's lists were not all written (``catalog.unwritten_lists``: the run
    stopped while writing them, or before), with the command that writes them; ``but``: a period left out."""
    return [f"the lists of {period} (run {run_id}) were not all written (the run was stopped, or failed, while "
            f"writing them): exports/{period}/ holds one run's whole set, which may be an earlier run's, or none; "
            f"write them with `wijkradar flags --period {period} --format xlsx` (every team, every format)"
            for period, run_id in catalog.unwritten_lists(con) if period != but]
