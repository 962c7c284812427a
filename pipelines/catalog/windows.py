"""What a delivery says it covers beyond its rows: the window a full export declared (``meta.loads.window_first``,
``window_last``) and the week a weekly export's name gives (``named_week``, migration 027); written with the load,
read by the run for its week and to judge each source's deliveries by the last day they cover."""
from __future__ import annotations

import duckdb
import pandas as pd

Con = duckdb.DuckDBPyConnection


def record_window(con: Con, load_id: str, window: tuple | None) -> None:
    """The window of a full export with its load (inside the load's transaction); nothing for other loads."""
    if window is not None:
        con.execute("UPDATE meta.loads SET window_first = ?, window_last = ? WHERE load_id = ?",
                    [pd.Timestamp(window[0]).date(), pd.Timestamp(window[1]).date(), load_id])


def load_window(con: Con, load_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The window a load was applied with as a full export; None for any other load."""
    got = con.execute("SELECT window_first, window_last FROM meta.loads WHERE load_id = ? "
                      "AND window_first IS NOT NULL", [load_id]).fetchall()
    return (pd.Timestamp(got[0][0]), pd.Timestamp(got[0][1])) if got else None


def record_named_week(con: Con, load_id: str, week: pd.Timestamp | None) -> None:
    """The Monday of the week the load's file name gives (inside the load's transaction); nothing without one."""
    if week is not None:
        con.execute("UPDATE meta.loads SET named_week = ? WHERE load_id = ?", [pd.Timestamp(week).date(), load_id])


def covered_to(con: Con) -> dict[str, pd.Timestamp]:
    """Per source the last day its deliveries declared they cover: a full export's window, a named week's Sunday
    (sources without either are absent)."""
    got = con.execute("SELECT source, max(greatest(window_last, named_week + 6)) FROM meta.loads "
                      "WHERE window_last IS NOT NULL OR named_week IS NOT NULL GROUP BY source").fetchall()
    return {source: pd.Timestamp(last) for source, last in got}


def delivered_weeks(con: Con) -> dict[str, pd.Timestamp]:
    """Per source the Monday of the newest ISO week a delivery covers whole without needing a report of it: its
    name's week, or the last week lying wholly inside its declared window (sources without either are absent)."""
    from pipelines.delivered import last_whole_week

    got = con.execute("SELECT source, named_week, window_first, window_last FROM meta.loads "
                      "WHERE named_week IS NOT NULL OR window_last IS NOT NULL").fetchall()
    out: dict[str, pd.Timestamp] = {}
    for source, named, first, last in got:
        weeks = [pd.Timestamp(named)] if named is not None else []
        whole = last_whole_week(first, last) if last is not None else None
        weeks += [whole] if whole is not None else []
        if weeks:
            out[source] = max([*weeks, out.get(source, weeks[0])])
    return out
