"""The windows full exports declared (``meta.loads.window_first``, ``window_last``): written with the load,
read by the run to judge each source's deliveries by the last day they cover."""
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


def covered_to(con: Con) -> dict[str, pd.Timestamp]:
    """Per source the last day its full exports declared they cover (sources without one are absent)."""
    got = con.execute("SELECT source, max(window_last) FROM meta.loads WHERE window_last IS NOT NULL "
                      "GROUP BY source").fetchall()
    return {source: pd.Timestamp(last) for source, last in got}
