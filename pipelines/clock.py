"""The municipality's clock: what day it is in Europe/Amsterdam, whatever the zone of the machine.

Report times are read as Amsterdam time (``sources.common``), and a week is an Amsterdam week. "Today" taken from the
process's zone put a UTC server a day behind for the hours after midnight, so the reports made then read as in the
future, and a worker west of UTC-6 running the Monday 06:00 schedule saw Sunday and made the lists of the week before
(red team 7a F3). Every day compared with report dates, or that chooses the run's week, is :func:`local_today`.

The times wijkradar stores (when a file was loaded, a run finished) stay the process's: they are compared with each
other on one machine, and a folder moved to a machine in another zone must not reorder its runs.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

LOCAL_TZ = "Europe/Amsterdam"


def local_now() -> datetime:
    """The time in Amsterdam, without a zone (as report times are read)."""
    return datetime.now(ZoneInfo(LOCAL_TZ)).replace(tzinfo=None)


def local_today() -> pd.Timestamp:
    """The day it is in Amsterdam, at midnight."""
    return pd.Timestamp(local_now()).normalize()
