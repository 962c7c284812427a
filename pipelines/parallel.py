"""Local worker processes for the CPU-heavy steps (scoring a run, ``wijkradar detect``, writing many lists).

One per core, at most two by default (the machines this runs on have two). Processes, not threads: the fits
hold the GIL between numpy calls. Spawned, not forked, so no warehouse handle or open file is copied into them.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

#: glibc's mallopt parameters
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def workers_for(requested: int | None) -> int:
    """``requested`` local processes, or by default one per core, at most 2."""
    return min(2, os.cpu_count() or 1) if requested is None else requested


def process_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=keep_freed_memory)


def keep_freed_memory() -> None:
    """Let this process reuse the memory of freed arrays instead of handing it back to the system.

    Scoring makes and drops many arrays of tens of megabytes; glibc maps each one fresh from the system
    by default (above a 32 MB ceiling it still does), and touching new pages cost about a third of a
    worker's time. Only glibc on Linux has ``mallopt``; elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)
        libc.mallopt(_M_TRIM_THRESHOLD, 512 * 2**20)
    except (OSError, AttributeError):
        pass
