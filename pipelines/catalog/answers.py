"""The wijkteams' answers on their lists: ``meta.flag_feedback`` and the returned files in ``meta.feedback_files``."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame

Con = duckdb.DuckDBPyConnection


def answers(con: Con, until: datetime | None = None) -> pd.DataFrame:
    """The latest answer per flag (imported by ``until``), with the flag's team and elevated signals.

    ``until`` is a run's ``finished_at``, kept to the second; an answer imported in that same second came
    before the run (a run that starts within a second of an import was quick, not earlier).
    """
    return con.execute(
        """
        SELECT f.run_id, f.wijkteam, f.area_code, f.domain, f.period, f.period_start, f.value, f.note,
               f.answered_on, f.imported_at, coalesce(a.signals, '') AS signals
        FROM meta.flag_feedback f
        LEFT JOIN marts.area_flags a USING (run_id, area_code, domain, period, period_start)
        WHERE ?::TIMESTAMP IS NULL OR date_trunc('second', f.imported_at) <= ?::TIMESTAMP
        QUALIFY row_number() OVER (PARTITION BY f.area_code, f.domain, f.period, f.period_start
                                   ORDER BY f.answered_on DESC, f.imported_at DESC, f.content_hash DESC,
                                            f.row_number DESC) = 1
        ORDER BY f.area_code, f.domain, f.period, f.period_start
        """,
        [until, until],
    ).df()


def all_feedback(con: Con) -> pd.DataFrame:
    """Every imported answer, as stored."""
    return con.execute("SELECT * FROM meta.flag_feedback").df()


def feedback_hashes(con: Con) -> list[str]:
    """Content hashes of the imported feedback files, sorted."""
    return [r[0] for r in con.execute("SELECT DISTINCT content_hash FROM meta.flag_feedback ORDER BY 1").fetchall()]


def feedback_file_known(con: Con, digest: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.feedback_files WHERE content_hash = ?",
                            [digest]).fetchall()[0][0])


def record_feedback(con: Con, digest: str, file_name: str, run_id: str, team: str, imported_at: datetime,
                    answers: pd.DataFrame, notes_dropped: int) -> None:
    """A returned list and its answers (inside the caller's transaction)."""
    con.execute("INSERT INTO meta.feedback_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [digest, file_name, run_id, team, imported_at, len(answers), notes_dropped])
    insert_frame(con, "meta.flag_feedback", answers)
