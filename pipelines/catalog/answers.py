"""The wijkteams' answers on their lists: ``meta.flag_feedback`` and the returned files in ``meta.feedback_files``."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from pipelines.warehouse import insert_frame

Con = duckdb.DuckDBPyConnection

#: The last day of a run's period (``meta.runs.run_period``: ``2026-W47`` or ``2026-10``), aliased ``r``: which list
#: is newer is the week or month it is about, not when its run was made (``wijkradar run --today`` makes an earlier
#: week's run after a later one's); NULL for a label of another shape.
PERIOD_END = """CASE WHEN r.run_period LIKE '%-W%' THEN
    make_date(try_cast(split_part(r.run_period, '-W', 1) AS INTEGER), 1, 4)
    - CAST(isodow(make_date(try_cast(split_part(r.run_period, '-W', 1) AS INTEGER), 1, 4)) - 1 AS INTEGER)
    + 7 * (try_cast(split_part(r.run_period, '-W', 2) AS INTEGER) - 1) + 6
  ELSE last_day(make_date(try_cast(split_part(r.run_period, '-', 1) AS INTEGER),
                          try_cast(split_part(r.run_period, '-', 2) AS INTEGER), 1)) END"""


def answers(con: Con, until: datetime | None = None, lists_until=None) -> pd.DataFrame:
    """The latest answer per flag (imported by ``until``), with the flag's team and what its list row was (elevated
    signals, level, "Sinds" and text: ``feedback.judgements`` groups them per episode): the one place that decides
    which answer counts (statuses, ``wijkradar feedback``, the Toelichting and the year plan).

    ``until`` is a run's ``finished_at``, kept to the second; an answer imported in that same second came
    before the run (a run that starts within a second of an import was quick, not earlier). An answer on a
    newer list wins over one on an older list, whenever each was imported (an old list found in a mailbox
    does not undo this week's answer): newer is the list of the later week or month (:data:`PERIOD_END`), then,
    of one period, the run that finished later; on the same list, the later answer wins.

    ``lists_until`` (a date): only answers on lists of periods ended by then, as a report of an earlier week shows
    them (a monthly flag keeps its month on later weekly lists, so their answers passed a cut on the flag's period).
    """
    return con.execute(
        f"""
        SELECT f.run_id, f.wijkteam, f.area_code, f.domain, f.period, f.period_start, f.value, f.note,
               f.answered_on, f.imported_at, coalesce(a.signals, '') AS signals,
               a.level, a.since, a.explanation
        FROM meta.flag_feedback f
        LEFT JOIN marts.area_flags a USING (run_id, area_code, domain, period, period_start)
        LEFT JOIN meta.runs r ON r.run_id = f.run_id
        WHERE (?::TIMESTAMP IS NULL OR date_trunc('second', f.imported_at) <= ?::TIMESTAMP)
          AND (?::DATE IS NULL OR {PERIOD_END} <= ?::DATE)
        QUALIFY row_number() OVER (PARTITION BY f.area_code, f.domain, f.period, f.period_start
                                   ORDER BY {PERIOD_END} DESC NULLS LAST, r.finished_at DESC NULLS LAST,
                                            f.answered_on DESC, f.imported_at DESC,
                                            f.content_hash DESC, f.row_number DESC) = 1
        ORDER BY f.area_code, f.domain, f.period, f.period_start
        """,
        [until, until, lists_until, lists_until],
    ).df()


def feedback_file_known(con: Con, digest: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta.feedback_files WHERE content_hash = ?",
                            [digest]).fetchall()[0][0])


def feedback_imports(con: Con, digest: str) -> tuple[int, datetime | None]:
    """How often the returned file ``digest`` was stored, and when last: its first import is kept under its
    hash, a later one that brought its answers back under ``<hash>+<n>`` (the table keys a file's rows by hash)."""
    count, last = con.execute("SELECT count(*), max(imported_at) FROM meta.feedback_files "
                              "WHERE content_hash = ? OR starts_with(content_hash, ? || '+')", [digest, digest]).fetchone()
    return int(count), last


def record_feedback(con: Con, digest: str, file_name: str, run_id: str, team: str, imported_at: datetime,
                    answers: pd.DataFrame, notes_dropped: int) -> None:
    """A returned list and its answers (inside the caller's transaction)."""
    con.execute("INSERT INTO meta.feedback_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [digest, file_name, run_id, team, imported_at, len(answers), notes_dropped])
    insert_frame(con, "meta.flag_feedback", answers)


def newer_answers(con: Con, run_id: str, keys: list[tuple]) -> int:
    """How many of the flags ``keys`` (area_code, domain, period, period_start) are of a buurt and domain already
    answered on a newer list than run ``run_id``'s (as :func:`answers` orders them: a later week or month, then a
    run of the same period that finished later): the same flag on a newer list of that week, or a later week's
    flag (a last week's list imported after this week's was answered, whenever its run was made)."""
    if not keys:
        return 0
    frame = pd.DataFrame(keys, columns=["area_code", "domain", "period", "period_start"])
    con.register("_answered_keys", frame)
    try:
        return int(con.execute(
            f"""
            WITH this AS (SELECT {PERIOD_END} AS period_end, r.finished_at FROM meta.runs r WHERE r.run_id = ?)
            SELECT count(DISTINCT (k.area_code, k.domain, k.period, k.period_start))
            FROM _answered_keys k
            JOIN meta.flag_feedback f ON f.area_code = k.area_code AND f.domain = k.domain
            JOIN meta.runs r ON r.run_id = f.run_id, this
            WHERE {PERIOD_END} > this.period_end
               OR ({PERIOD_END} = this.period_end AND r.finished_at > this.finished_at)
            """, [run_id]).fetchall()[0][0])
    finally:
        con.unregister("_answered_keys")
