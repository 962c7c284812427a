"""Local worker processes for the CPU-heavy steps (scoring a run, ``wijkradar detect``, writing many lists).

One per core, at most two by default (the machines this runs on have two). Processes, not threads: the fits
hold the GIL between numpy calls. Spawned, not forked, so no warehouse handle or open file is copied into them;
``wijkradar detect``, which holds neither, forks (:func:`forked_pool`).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def workers_for(requested: int | None) -> int:
    """``requested`` local processes, or by default one per core, at most 2."""
    return min(2, os.cpu_count() or 1) if requested is None else requested


def process_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))



def forked_pool(workers: int) -> ProcessPoolExecutor:
    """Processes forked from this one, for work on data this process already holds and modules it has
    already loaded (``wijkradar detect``: no warehouse, no open file but its own part files). Where
    fork is not available (Windows, macOS by default) they are spawned."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
