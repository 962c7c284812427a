"""Local worker processes for the CPU-heavy steps (scoring a run, ``wijkradar detect``, writing many lists).

One per core, at most two by default (the machines this runs on have two). Processes, not threads: the fits
hold the GIL between numpy calls. Spawned, not forked, so no warehouse handle or open file is copied into them.
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

