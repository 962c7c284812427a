"""Fault injection for the crash tests: a process pauses at a named point, where a test can kill it.

Set ``WIJKRADAR_FAULT_PAUSE`` to the point's name (and ``WIJKRADAR_FAULT_SECONDS``, 60 by default); without it
every point is a no-op. Used by ingest (mid-transaction, archive), export and the period report (mid-set, mid-swap).
"""
from __future__ import annotations

import os
import sys
import time


def fault_point(name: str) -> None:
    """Pause here when ``WIJKRADAR_FAULT_PAUSE`` names this point (saying so on stderr first)."""
    if os.environ.get("WIJKRADAR_FAULT_PAUSE") == name:
        print(f"fault point {name} reached", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("WIJKRADAR_FAULT_SECONDS", "60")))
