"""Counts in ``raw`` and ``core``: rows as read, the report ledger, source cells, and the signal counts.

All writes run inside the caller's transaction; nothing here commits. What the writes mean (a report seen
again replaces its earlier version, a delivery replaces exactly the cells it holds) is told in
``pipelines.delivery``.
"""
from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.refusal import Refusal
from pipelines.warehouse import insert_frame, registered

Con = duckdb.DuckDBPyConnection
RECORD_COLUMNS = ["report_key", "area_code", "signal", "period", "period_start", "report_date"]
#: the grain of an aggregate source's cell
CELL_KEYS = ["area_code", "signal", "part", "period", "period_start"]
CELL_COLUMNS = [*CELL_KEYS, "count", "provisional"]


def same_or_part(stored: str = "c", new: str = "n") -> str:
    """SQL: the stored cell (alias ``stored``) is one the new cell (``new``) replaces: the same part, or (the new
    cell under the buurt's current code) a part of it kept per old code of a merge."""
    return (f"({stored}.part = {new}.part OR (NOT contains({new}.part, '@') "
            f"AND starts_with({stored}.part, {new}.part || '@')))")


def write_raw_rows(con: Con, table: str, rows: pd.DataFrame) -> int:
    """Rows as read into ``raw.<table>``."""
    return insert_frame(con, f"raw.{table}", rows)


def raw_rows(con: Con, table: str, load_ids: list[str]) -> pd.DataFrame:
    """The rows of some loads as ``raw.<table>`` stores them (text as read, redacted), by load and row."""
    return con.execute(f"SELECT * FROM raw.{table} WHERE list_contains(?::VARCHAR[], load_id) "
                       "ORDER BY load_id, row_number", [load_ids]).df()


def recent_values(con: Con, table: str, source: str, column: str, limit: int = 1_000) -> pd.Series:
    """Up to ``limit`` values of ``column`` of ``raw.<table>`` as stored (redacted, pseudonymised), of the
    source's latest loads first: what the column looked like so far."""
    return con.execute(
        f'SELECT r."{column}" FROM raw.{table} r JOIN (SELECT load_id, load_seq FROM meta.loads WHERE source = ? '
        f'ORDER BY load_seq DESC LIMIT 20) l USING (load_id) WHERE r."{column}" IS NOT NULL '
        "ORDER BY l.load_seq DESC, r.row_number LIMIT ?", [source, limit]).df()[column].astype(object)


def apply_records(con: Con, source: str, records: pd.DataFrame, load_id: str, seq: int,
                  window: tuple[pd.Timestamp, pd.Timestamp] | None = None, present: pd.Series | None = None,
                  municipalities: list[str] | None = None, modified_at=None) -> int:
    """Upsert report versions into the ledger; with ``window`` retract absent reports of it. Returns retractions.

    A report is absent when its key is neither among ``records`` nor in ``present`` (the keys of the file's
    quarantined rows: a report whose row is quarantined is in the file). Only reports dated inside the window
    (reports stored without a date: whose whole ISO week lies inside it) of buurten of ``municipalities``
    (None: all) are retracted.

    A report this load gives the buurt, signal and period it has stays with the delivery that holds it when that
    delivery's file is newer than ``modified_at`` (this load's file time; None: never): the newest file that
    delivered a report's current version is the one an older file is compared with (:func:`newer_holders`).
    """
    frame = records.reindex(columns=RECORD_COLUMNS)        # a source without report dates stores none
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    repeated = frame.loc[frame["report_key"].duplicated(), "report_key"]
    if len(repeated):                   # never expected: the sources quarantine a key met twice in one file
        raise Refusal(f"load {load_id} holds report key(s) {sorted(set(repeated))[:3]} more than once; no row is "
                      "dropped silently, so the load is rolled back: keep one row per report and load it again")
    frame = frame.assign(source=source, load_id=load_id, load_seq=seq, retracted_by=pd.Series(
        None, index=frame.index, dtype="str"))
    with registered(con, "_wr_records", frame):
        kept = con.execute(
            "SELECT r.report_key FROM _wr_records r JOIN core.report_ledger l ON l.source = r.source "
            "AND l.report_key = r.report_key AND l.retracted_by IS NULL AND l.area_code = r.area_code "
            "AND l.signal = r.signal AND l.period = r.period AND l.period_start = r.period_start "
            f"{_held_by_newer_file('l')}", [modified_at]).df()["report_key"]
    new = frame[~frame["report_key"].isin(kept)]
    with registered(con, "_wr_records", new):
        con.execute("DELETE FROM core.report_ledger l USING _wr_records r "
                    "WHERE l.source = r.source AND l.report_key = r.report_key")
        con.execute("INSERT INTO core.report_ledger (source, report_key, area_code, signal, period, period_start, "
                    "load_id, load_seq, retracted_by, report_date) SELECT source, report_key, area_code, signal, "
                    "period, period_start, load_id, load_seq, retracted_by, report_date FROM _wr_records")
        duplicated = con.execute("SELECT count(*) - count(DISTINCT report_key) FROM core.report_ledger "
                                 "WHERE source = ?", [source]).fetchall()[0][0]
        if duplicated:                      # never expected: the load is rolled back rather than double-counted
            raise RuntimeError(f"ledger of {source} would hold {duplicated} report key(s) twice; load rolled back")
        if window is None:
            return 0
        keys = pd.concat([frame["report_key"], pd.Series(present, dtype=object)], ignore_index=True)
        kept = pd.DataFrame({"report_key": keys.dropna().astype(str).drop_duplicates().to_numpy()})
        # a full export of the window: what it no longer holds is retracted (kept, marked)
        with registered(con, "_wr_present", kept):
            return con.execute(f"UPDATE core.report_ledger SET retracted_by = ? WHERE {RETRACTABLE}",
                               [load_id, *_retractable_params(source, window, municipalities)]).fetchall()[0][0]


#: SQL: the live reports of ``core.report_ledger`` a full export of a window retracts: dated inside the window
#: (stored without a date: their whole ISO week inside it), of buurten of the municipalities it covers (NULL: all),
#: whose key is not in ``_wr_present``; parameters from :func:`_retractable_params`.
RETRACTABLE = ("source = ? AND retracted_by IS NULL "
               "AND CASE WHEN report_date IS NULL THEN period_start >= ? AND period_start + 6 <= ? "
               "ELSE report_date BETWEEN ? AND ? END "
               "AND report_key NOT IN (SELECT report_key FROM _wr_present) "
               "AND (?::VARCHAR[] IS NULL OR area_code IN (SELECT area_code FROM core.areas "
               "WHERE list_contains(?::VARCHAR[], gemeente_code)))")


def _retractable_params(source: str, window: tuple, municipalities: list[str] | None) -> list:
    return [source, window[0], window[1], window[0], window[1], municipalities, municipalities]


def rekey_reports(con: Con, source: str, old_keys: pd.Series, new_keys: pd.Series) -> int:
    """Reports (and their quarantined rows) stored under ``old_keys`` are stored under ``new_keys`` (by position),
    where no report holds the new key yet; where one does, the report is the same one delivered in two spellings
    (a CSV's 012345611 and an Excel copy's 12345611 before both read as one number) and its copy under the old key
    is dropped, so it counts once and the plain number is stored no more. Returns how many reports moved."""
    frame = pd.DataFrame({"old": old_keys.astype(str).to_numpy(), "new": new_keys.astype(str).to_numpy()})
    frame = frame[frame["old"] != frame["new"]].drop_duplicates("old")
    with registered(con, "_wr_rekey", frame):
        moved = con.execute(
            "UPDATE core.report_ledger l SET report_key = k.new FROM _wr_rekey k WHERE l.source = ? "
            "AND l.report_key = k.old AND NOT EXISTS (SELECT 1 FROM core.report_ledger o WHERE o.source = l.source "
            "AND o.report_key = k.new)", [source]).fetchall()[0][0]
        con.execute("DELETE FROM core.report_ledger l USING _wr_rekey k WHERE l.source = ? AND l.report_key = k.old "
                    "AND EXISTS (SELECT 1 FROM core.report_ledger o WHERE o.source = l.source AND o.report_key = k.new)",
                    [source])
        con.execute("UPDATE quarantine.rows q SET record_key = k.new FROM _wr_rekey k WHERE q.source = ? "
                    "AND q.record_key = k.old", [source])
        con.execute("UPDATE core.correction_writes c SET report_key = k.new FROM _wr_rekey k WHERE c.source = ? "
                    "AND c.report_key = k.old", [source])
    return int(moved)


def held_report_keys(con: Con, source: str, keys: pd.Series) -> set:
    """Those of ``keys`` (ledger keys, ``id:...``) the warehouse holds for ``source``: in the ledger, the
    quarantined rows or the corrections' writes."""
    frame = pd.DataFrame({"k": keys.astype(str).unique()})
    with registered(con, "_wr_held", frame):
        return {k for (k,) in con.execute(
            "SELECT k FROM _wr_held WHERE k IN (SELECT report_key FROM core.report_ledger WHERE source = $1) "
            "OR k IN (SELECT record_key FROM quarantine.rows WHERE source = $1) "
            "OR k IN (SELECT report_key FROM core.correction_writes WHERE source = $1)", [source]).fetchall()}


def stored_report_numbers(con: Con, source: str, table: str, column: str) -> pd.Series:
    """Every report number of ``source`` the warehouse keeps, once each: of the ``id:`` keys of the ledger, the
    quarantined rows and the corrections' writes (the number as the key holds it), and as read in ``column`` of
    ``raw.<table>`` and of the quarantined rows' values."""
    return con.execute(
        "SELECT substr(report_key, 4) AS n FROM core.report_ledger WHERE source = $1 AND starts_with(report_key, 'id:') "
        "UNION SELECT substr(record_key, 4) FROM quarantine.rows WHERE source = $1 AND starts_with(record_key, 'id:') "
        "UNION SELECT substr(report_key, 4) FROM core.correction_writes WHERE source = $1 "
        "AND starts_with(report_key, 'id:') "
        f'UNION SELECT "{column}" FROM raw.{table} WHERE "{column}" IS NOT NULL '
        "UNION SELECT json_extract_string(raw_values, '$.' || $2) FROM quarantine.rows WHERE source = $1 "
        "AND json_extract_string(raw_values, '$.' || $2) IS NOT NULL ORDER BY 1",
        [source, column]).df()["n"].astype(object)


def replace_raw_numbers(con: Con, source: str, table: str, column: str, old: pd.Series, new: pd.Series) -> int:
    """Report numbers stored as read (``old``) in ``column`` of ``raw.<table>`` and of the source's quarantined rows'
    values are stored as ``new`` (by position) instead. Returns how many raw rows changed."""
    frame = pd.DataFrame({"old": old.astype(str).to_numpy(), "new": new.astype(str).to_numpy()})
    frame = frame[frame["old"] != frame["new"]].drop_duplicates("old")
    # the values are JSON as ingest writes them (json.dumps): the field's text is replaced, the rest kept as written
    frame["old_field"] = [json.dumps({column: v}, ensure_ascii=False)[1:-1] for v in frame["old"]]
    frame["new_field"] = [json.dumps({column: v}, ensure_ascii=False)[1:-1] for v in frame["new"]]
    with registered(con, "_wr_numbers", frame):
        changed = con.execute(f'UPDATE raw.{table} r SET "{column}" = m.new FROM _wr_numbers m '
                              f'WHERE r."{column}" = m.old').fetchall()[0][0]
        con.execute("UPDATE quarantine.rows q SET raw_values = replace(q.raw_values, m.old_field, m.new_field) "
                    "FROM _wr_numbers m WHERE q.source = ? AND json_extract_string(q.raw_values, '$.' || ?) = m.old",
                    [source, column])
    return int(changed)


def ledger_holders(con: Con, source: str, report_keys: pd.Series) -> pd.DataFrame:
    """``load_id`` and ``mode`` of the load whose version of each report the ledger keeps, by the keys' index;
    reports not in the ledger are absent."""
    frame = pd.DataFrame({"report_key": report_keys.astype(str).to_numpy(), "i": range(len(report_keys))})
    with registered(con, "_wr_keys", frame):
        found = con.execute(
            "SELECT k.i, r.load_id, l.mode FROM _wr_keys k JOIN core.report_ledger r ON r.source = ? "
            "AND r.report_key = k.report_key LEFT JOIN meta.loads l ON l.load_id = r.load_id", [source]).df()
    return found.set_index(report_keys.index[found.pop("i").to_numpy()])


def replace_corrections(con: Con, source: str, writes: pd.DataFrame, load_id: str, seq: int) -> int:
    """Record what each correction row wrote (``writes``: ``ref`` and ``report_key``, or ``ref`` and the
    cell), and take back what an earlier correction of the same quarantined row wrote elsewhere: its report
    is retracted, its cell removed, as long as that earlier correction still holds it. Returns how many."""
    cell = ["area_code", "signal", "part", "period", "period_start"]
    frame = writes.reindex(columns=["ref", "report_key", *cell]).assign(source=source, load_id=load_id, load_seq=seq)
    frame = frame.astype({c: object for c in ["report_key", "area_code", "signal", "part", "period"]})
    if frame.empty:
        return 0
    with registered(con, "_wr_fixes", frame):
        earlier = ("SELECT w.* FROM core.correction_writes w JOIN _wr_fixes n ON w.source = n.source "
                   "AND w.ref = n.ref AND w.load_id <> n.load_id WHERE NOT ("
                   "w.report_key IS NOT DISTINCT FROM n.report_key AND w.area_code IS NOT DISTINCT FROM n.area_code "
                   "AND w.signal IS NOT DISTINCT FROM n.signal AND w.part IS NOT DISTINCT FROM n.part "
                   "AND w.period IS NOT DISTINCT FROM n.period AND w.period_start IS NOT DISTINCT FROM n.period_start)")
        taken = con.execute(
            f"UPDATE core.report_ledger l SET retracted_by = ? FROM ({earlier}) w WHERE l.source = w.source "
            "AND l.report_key = w.report_key AND l.load_id = w.load_id AND l.retracted_by IS NULL",
            [load_id]).fetchall()[0][0]
        taken += con.execute(
            f"DELETE FROM core.source_cells c USING ({earlier}) w WHERE c.source = w.source AND c.load_id = w.load_id "
            "AND c.area_code = w.area_code AND c.signal = w.signal AND c.part = w.part AND c.period = w.period "
            "AND c.period_start = w.period_start").fetchall()[0][0]
        con.execute("DELETE FROM core.correction_writes w USING _wr_fixes n "
                    "WHERE w.source = n.source AND w.ref = n.ref")
        con.execute("INSERT INTO core.correction_writes SELECT source, ref, load_id, load_seq, report_key, area_code, "
                    "signal, part, period, period_start FROM _wr_fixes")
    return int(taken)


def newer_holders(con: Con, source: str, rows: pd.DataFrame, modified_at, window: tuple | None = None,
                  present: pd.Series | None = None, municipalities: list[str] | None = None) -> pd.DataFrame:
    """``load_id``, ``file_name``, ``file_modified_at``, ``n``: the deliveries of files modified after
    ``modified_at`` that hold cells (``rows`` with ``count``; a merged buurt's parts, of a cell under its current
    code; its cell under the current code, of cells of every old code: ``covers_whole``) or reports (``rows``
    with ``report_key``) to which ``rows`` give another value, with how many, newest first.

    A report retracted by a full export is held by that export: delivering it again would bring it back. With
    ``window`` (a full export; ``present`` and ``municipalities`` as :func:`apply_records` takes them) the
    reports it would retract count too, held by the load of the version kept.
    """
    loads = ("JOIN meta.loads l ON l.load_id = h.holder AND l.file_modified_at > ? AND l.mode <> 'correction' "
             "GROUP BY ALL ORDER BY l.file_modified_at DESC")
    if "count" in rows and "covers_whole" not in rows:
        rows = rows.assign(covers_whole=False)
    with registered(con, "_wr_rows", rows):
        if "report_key" in rows:
            found = con.execute(
                "SELECT h.holder AS load_id, l.file_name, l.file_modified_at, count(*) AS n FROM _wr_rows n "
                "JOIN (SELECT *, coalesce(retracted_by, load_id) AS holder FROM core.report_ledger) h "
                "ON h.source = ? AND h.report_key = n.report_key AND (h.retracted_by IS NOT NULL OR "
                "h.area_code <> n.area_code OR h.signal <> n.signal OR h.period_start <> n.period_start) "
                + loads, [source, modified_at]).df()
            if window is None:
                return found
            keys = pd.concat([rows["report_key"], pd.Series(present, dtype=object)], ignore_index=True)
            kept = pd.DataFrame({"report_key": keys.dropna().astype(str).drop_duplicates().to_numpy()})
            with registered(con, "_wr_present", kept):
                absent = con.execute(
                    "SELECT h.holder AS load_id, l.file_name, l.file_modified_at, count(*) AS n FROM "
                    f"(SELECT *, load_id AS holder FROM core.report_ledger WHERE {RETRACTABLE}) h " + loads,
                    [*_retractable_params(source, window, municipalities), modified_at]).df()
            both = pd.concat([found, absent], ignore_index=True) if len(absent) else found
            return (both.groupby(["load_id", "file_name", "file_modified_at"], as_index=False)["n"].sum()
                    .sort_values("file_modified_at", ascending=False, kind="stable").reset_index(drop=True))
        return con.execute(
            "SELECT h.load_id, l.file_name, l.file_modified_at, count(*) AS n FROM _wr_rows n "
            "JOIN (SELECT *, load_id AS holder FROM core.source_cells) h ON h.source = ? AND h.area_code = n.area_code "
            "AND h.signal = n.signal "
            "AND h.period = n.period AND h.period_start = n.period_start "
            f"AND ({same_or_part('h')} OR (n.covers_whole AND h.part = split_part(n.part, '@', 1))) "
            "AND (h.part <> n.part OR h.count <> n.count) " + loads, [source, modified_at]).df()


def _held_by_newer_file(stored: str) -> str:
    """SQL joined after the stored cell or report (alias ``stored``): it is held by a delivery (not a correction) of
    a file newer than the parameter (a load's file time; NULL: by none)."""
    return (f"JOIN meta.loads h ON h.load_id = {stored}.load_id AND h.mode <> 'correction' "
            "AND h.file_modified_at > ?")


def apply_cells(con: Con, source: str, cells: pd.DataFrame, load_id: str, seq: int, modified_at=None) -> None:
    """Replace exactly the cells this delivery holds; a cell of a buurt under its current code also replaces
    the parts of that buurt kept per old code (``'<part>@<old code>'``, :mod:`pipelines.sources.merges`), and
    cells of every old code of a buurt (``covers_whole``, when given) replace its cell under the current code.

    A cell this load gives the count it has stays with the delivery that holds it when that delivery's file is
    newer than ``modified_at`` (this load's file time; None: never): the newest file that delivered a cell's
    current count is the one an older file is compared with (:func:`newer_holders`)."""
    frame = cells.copy()
    if "provisional" not in frame:
        frame["provisional"] = False
    whole = frame["covers_whole"] if "covers_whole" in frame else False
    frame = frame[CELL_COLUMNS].assign(source=source, load_id=load_id, load_seq=seq, covers_whole=whole)
    frame = frame.reset_index(drop=True).assign(i=lambda f: range(len(f)))
    with registered(con, "_wr_cells", frame):
        kept = con.execute(
            "SELECT n.i FROM _wr_cells n JOIN core.source_cells c ON c.source = n.source "
            "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part AND c.period = n.period "
            f"AND c.period_start = n.period_start AND c.count = n.count {_held_by_newer_file('c')}",
            [modified_at]).df()["i"]
    frame = frame.assign(kept=frame["i"].isin(kept))
    with registered(con, "_wr_cells", frame):
        # a cell kept with its newer holder still replaces what it would (a whole buurt's parts)
        con.execute("DELETE FROM core.source_cells c USING _wr_cells n WHERE c.source = n.source "
                    "AND c.area_code = n.area_code AND c.signal = n.signal AND c.period = n.period "
                    f"AND c.period_start = n.period_start AND ({same_or_part()} "
                    "OR (n.covers_whole AND c.part = split_part(n.part, '@', 1))) "
                    "AND NOT EXISTS (SELECT 1 FROM _wr_cells k WHERE k.kept AND k.source = c.source "
                    "AND k.area_code = c.area_code AND k.signal = c.signal AND k.part = c.part "
                    "AND k.period = c.period AND k.period_start = c.period_start)")
    insert_frame(con, "core.source_cells",
                 frame.loc[~frame["kept"], ["source", *CELL_COLUMNS, "load_id", "load_seq"]])
    with registered(con, "_wr_cells", frame):            # a count for a cell left unknown before makes it known
        con.execute("DELETE FROM core.unknown_cells c USING _wr_cells n WHERE c.source = n.source "
                    "AND c.area_code = n.area_code AND c.signal = n.signal AND c.period = n.period "
                    f"AND c.period_start = n.period_start AND ({same_or_part()} "
                    "OR (n.covers_whole AND c.part = split_part(n.part, '@', 1)))")


def mark_unknown_cells(con: Con, source: str, cells: pd.DataFrame, load_id: str, seq: int) -> int:
    """Keep ``cells`` (``area_code, signal, part, period, period_start``: cells a delivery holds without a count
    that can be used) as unknown, until a delivery or correction brings their count (:func:`apply_cells`); while
    no count of such a cell is held, the signal of its buurt and period gets none (:func:`rebuild_counts`).
    Returns how many."""
    keys = CELL_KEYS
    frame = cells[keys].drop_duplicates().assign(source=source, load_id=load_id, load_seq=seq)
    if frame.empty:
        return 0
    with registered(con, "_wr_unknown", frame):
        con.execute("DELETE FROM core.unknown_cells c USING _wr_unknown n WHERE c.source = n.source "
                    "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part "
                    "AND c.period = n.period AND c.period_start = n.period_start")
    return insert_frame(con, "core.unknown_cells", frame[["source", *keys, "load_id", "load_seq"]])


def undelivered_cells(con: Con, source: str, load_id: str) -> pd.DataFrame:
    """The cells (``area_code, signal, part, period, period_start``) a delivery of whole periods left out: for each
    municipality and period the load ``load_id`` wrote cells of, and each signal of the source, where the period
    before it that the warehouse holds of that signal had a cell (with a count or unknown) for every buurt of the
    municipality the source covers (the source writes its zeros: an absent row is no 0), each cell of that period
    (its part without an old code's ``@``) that no delivery holds for this period, nor marks unknown. Such a count was
    not delivered (a buurt or team left out, a creditor's row missing, every row of a signal missing), so it is
    unknown until a delivery brings it (:func:`mark_unknown_cells`), not an exact 0. One step: the cells of a load's
    later periods are expected once those of its earlier periods are marked (:func:`mark_undelivered`).

    The buurten a source covers are those it held a cell of the signal for in that period before or any earlier one,
    under their current codes (the profile sync moved renumbered and merged buurten's cells to their buurt), not the
    buurten of today's profile: a split's parts that no period before holds, or a merged-in municipality's buurten
    the source never delivered, would otherwise turn the check off, and a buurt left out read as 0 (red team 12b
    F1). A buurt the source never delivered is expected of no period; one it delivered and leaves out is unknown
    whatever the profile did.

    The source shows that it writes its zeros by a zero (or an unknown) cell in that period before; one that leaves
    its zero rows out says nothing by an absent row, even in a period in which every buurt happened to count: none.
    Nor in its first period, which has nothing before it. A source without any zero or unknown cell is not read at
    all (a national weekly source of 7.5 million cells without zero rows); else one scan of its cells finds the
    periods whose period before has as many cells as the source covered buurten by then, and only those are compared
    cell by cell."""
    keys = CELL_KEYS
    if not con.execute("SELECT EXISTS (SELECT 1 FROM core.source_cells WHERE source = $1 AND count = 0) OR EXISTS "
                       "(SELECT 1 FROM core.unknown_cells WHERE source = $1)", [source]).fetchall()[0][0]:
        return pd.DataFrame(columns=keys)
    candidates = con.execute(
        # per municipality, signal and period held (with or without a count: left out before, still expected after):
        # its cells and whether one is a zero
        "WITH c AS (SELECT b.gemeente_code, c.area_code, c.signal, c.period, c.period_start, c.load_id, c.zero "
        "  FROM (SELECT area_code, signal, period, period_start, load_id, count = 0 AS zero FROM core.source_cells "
        "  WHERE source = $1 "
        "  UNION ALL SELECT area_code, signal, period, period_start, load_id, true FROM core.unknown_cells "
        "  WHERE source = $1) c JOIN core.areas b ON b.area_code = c.area_code AND b.level = 'buurt'), "
        "per AS (SELECT gemeente_code, signal, period, period_start, count(*) AS n, bool_or(zero) AS zeros FROM c "
        "  GROUP BY ALL), "
        # the periods the load wrote, with every signal of the source in the municipality, also one it left out
        "loaded AS (SELECT DISTINCT l.gemeente_code, s.signal, l.period, l.period_start FROM (SELECT DISTINCT "
        "  gemeente_code, period, period_start FROM c WHERE load_id = $2) l JOIN (SELECT DISTINCT gemeente_code, "
        "  signal, period FROM per) s USING (gemeente_code, period)), "
        "seq AS (SELECT l.*, p.period_start AS previous, p.n AS n_previous, p.zeros AS zeros_previous FROM loaded l "
        "  ASOF JOIN per p ON l.gemeente_code = p.gemeente_code AND l.signal = p.signal AND l.period = p.period "
        "  AND l.period_start > p.period_start), "
        # the buurten the source covered by the period before: each buurt's first period held, of that signal
        "covered AS (SELECT gemeente_code, signal, period, area_code, min(period_start) AS since FROM c GROUP BY ALL), "
        "size AS (SELECT s.gemeente_code, s.signal, s.period, s.period_start, count(*) AS buurten FROM seq s "
        "  JOIN covered f ON f.gemeente_code = s.gemeente_code AND f.signal = s.signal AND f.period = s.period "
        "  AND f.since <= s.previous WHERE s.zeros_previous GROUP BY ALL) "
        # counting rows, not buurten: only a period with as many cells as the source covered buurten can hold all
        "SELECT s.gemeente_code, s.signal, s.period, s.period_start, s.previous, size.buurten FROM seq s "
        "JOIN size USING (gemeente_code, signal, period, period_start) WHERE s.n_previous >= size.buurten",
        [source, load_id]).df()
    if candidates.empty:
        return pd.DataFrame(columns=keys)
    with registered(con, "_wr_candidates", candidates):
        return con.execute(
            "WITH cells AS (SELECT c.area_code, b.gemeente_code, c.signal, split_part(c.part, '@', 1) AS part, "
            "  c.period, c.period_start FROM (SELECT area_code, signal, part, period, period_start FROM "
            "  core.source_cells WHERE source = $1 UNION ALL SELECT area_code, signal, part, period, period_start "
            "  FROM core.unknown_cells WHERE source = $1) c JOIN core.areas b ON b.area_code = c.area_code "
            "  AND b.level = 'buurt' WHERE (c.signal, c.period, c.period_start) IN (SELECT (signal, period, previous) "
            "  FROM _wr_candidates UNION SELECT (signal, period, period_start) FROM _wr_candidates)), "
            # of the candidates, those whose period before holds a cell for every buurt (parts: several cells of one)
            "whole AS (SELECT w.gemeente_code, w.signal, w.period, w.period_start, w.previous FROM _wr_candidates w "
            "  JOIN cells c ON c.gemeente_code = w.gemeente_code AND c.signal = w.signal AND c.period = w.period "
            "  AND c.period_start = w.previous GROUP BY ALL HAVING count(DISTINCT c.area_code) = any_value(w.buurten)), "
            "expected AS (SELECT DISTINCT c.area_code, c.signal, c.part, w.period, w.period_start FROM whole w "
            "  JOIN cells c ON c.gemeente_code = w.gemeente_code AND c.signal = w.signal AND c.period = w.period "
            "  AND c.period_start = w.previous) "
            "SELECT * FROM expected EXCEPT SELECT area_code, signal, part, period, period_start FROM cells "
            "ORDER BY ALL", [source]).df()


def mark_undelivered(con: Con, source: str, load_id: str, load_seq: int) -> pd.DataFrame:
    """Mark unknown every cell the load ``load_id`` left out of a period (:func:`undelivered_cells`), period after
    period: a cell left out of the load's first period is expected in its next one as well, as if the periods had come
    one file each (red team 6a F6: a download of 18 months without a buurt from its 13th on marked the 13th only, and
    every later month read 0). Returns the cells marked (a step per period the chain runs on; mostly one)."""
    found = []
    while not (step := undelivered_cells(con, source, load_id)).empty:
        mark_unknown_cells(con, source, step, load_id, load_seq)
        found.append(step)
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=CELL_KEYS)


def stale_provisional(con: Con, source: str, load_id: str) -> pd.DataFrame:
    """The cells (``area_code, signal, part, period, period_start``) still holding an earlier delivery's provisional
    count in a municipality and period of which the load ``load_id`` delivered definitive counts: a definitive download
    that left a buurt out kept its provisional figure, read as final with nothing said (red team 8b F1)."""
    return con.execute(
        "WITH c AS (SELECT c.*, b.gemeente_code FROM core.source_cells c JOIN core.areas b USING (area_code) "
        "  WHERE c.source = $1), "
        "final AS (SELECT DISTINCT gemeente_code, period, period_start FROM c WHERE load_id = $2 AND NOT provisional) "
        "SELECT c.area_code, c.signal, c.part, c.period, c.period_start FROM c JOIN final "
        "USING (gemeente_code, period, period_start) WHERE c.provisional AND c.load_id <> $2 ORDER BY ALL",
        [source, load_id]).df()


def made_definitive(con: Con, source: str, cells: pd.DataFrame) -> pd.DataFrame:
    """Per period the delivery ``cells`` (:data:`CELL_COLUMNS`) holds definitive counts of where the warehouse holds
    provisional ones: ``period, period_start, cells`` (the provisional cells it replaces), ``changed`` (of those, the
    cells whose count it changes), ``before`` and ``after`` (their totals). Read before the delivery is applied: the
    police publish their latest months as provisional and revise them a month later, and a flag sent on the
    provisional figure may not hold on the definitive one (red team 12a F2)."""
    frame = cells.copy()
    if "provisional" not in frame:
        frame["provisional"] = False
    frame = frame.loc[~frame["provisional"].astype(bool), CELL_KEYS + ["count"]]
    with registered(con, "_wr_final", frame):
        return con.execute(
            "SELECT n.period, n.period_start, count(*)::INTEGER AS cells, "
            "count(*) FILTER (WHERE c.count <> n.count)::INTEGER AS changed, sum(c.count)::BIGINT AS before, "
            "sum(n.count)::BIGINT AS after FROM _wr_final n JOIN core.source_cells c ON c.source = ? "
            "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part AND c.period = n.period "
            "AND c.period_start = n.period_start WHERE c.provisional GROUP BY ALL ORDER BY n.period_start",
            [source]).df()


def still_unknown(con: Con, source: str, cells: pd.DataFrame) -> pd.DataFrame:
    """The cells of ``cells`` (``area_code, signal, part, period, period_start``) still marked unknown and held by no
    delivery (:data:`NOT_HELD`)."""
    keys = CELL_KEYS
    with registered(con, "_wr_cells", cells[keys].drop_duplicates()):
        return con.execute(
            "SELECT n.* FROM _wr_cells n WHERE EXISTS (SELECT 1 FROM core.unknown_cells u WHERE u.source = ? "
            "AND u.area_code = n.area_code AND u.signal = n.signal AND u.part = n.part AND u.period = n.period "
            f"AND u.period_start = n.period_start AND {NOT_HELD}) ORDER BY ALL", [source]).df()


def whole_cells_held(con: Con, source: str, cells: pd.DataFrame) -> pd.Series:
    """By the cells' index: whether the buurt's cell of each cell's signal, period and part without its old code
    (``'huur@BU01189901'`` -> ``'huur'``) is stored under the buurt's current code."""
    frame = cells[["area_code", "signal", "part", "period", "period_start"]].assign(i=range(len(cells)))
    frame["part"] = frame["part"].astype(str).str.split("@", n=1).str[0].astype(object)
    with registered(con, "_wr_cells", frame):
        held = con.execute(
            "SELECT DISTINCT n.i FROM _wr_cells n JOIN core.source_cells c ON c.source = ? "
            "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part AND c.period = n.period AND c.period_start = n.period_start",
            [source]).df()["i"]
    return pd.Series(pd.Series(range(len(cells))).isin(held).to_numpy(), index=cells.index)


#: Whether the unknown cell ``u`` (``core.unknown_cells``) is still unknown: no delivery holds a count of it.
NOT_HELD = ("NOT EXISTS (SELECT 1 FROM core.source_cells k WHERE k.source = u.source AND k.area_code = u.area_code "
            "AND k.signal = u.signal AND k.part = u.part AND k.period = u.period AND k.period_start = u.period_start)")
#: Whether the buurt, signal and period of the cell ``c`` (``core.source_cells``) has a part that is unknown
#: (:func:`mark_unknown_cells`) and of which no delivery holds a count: its total is unknown, the sum of the other
#: parts only a lower bound.
PART_UNKNOWN = (
    "EXISTS (SELECT 1 FROM core.unknown_cells u WHERE u.source = c.source AND u.area_code = c.area_code "
    f"AND u.signal = c.signal AND u.period = c.period AND u.period_start = c.period_start AND {NOT_HELD})")


def rebuild_counts(con: Con, source: str) -> None:
    """``core.signal_counts`` of one source, derived again from its ledger or cells; no count for a buurt, signal
    and period of which a cell is unknown (:func:`mark_unknown_cells`) and held by no delivery: the sum of its
    other parts would be too low. (A cell delivered before keeps its count: a quarantined row changes nothing.)"""
    con.execute("DELETE FROM core.signal_counts WHERE source = ?", [source])
    # without unknown cells (most sources, most weeks) no part is unknown: DuckDB's plan of the test holds every cell
    # of the source in a hash table (0.4 GB a million cells)
    unknown = con.execute("SELECT count(*) FROM core.unknown_cells WHERE source = ?", [source]).fetchone()[0]
    # a year of periods at a time: a count is of one period, and the groups of millions of cells at once took 1.8 GB
    years = [y for (y,) in con.execute(
        "SELECT DISTINCT year(period_start) FROM core.report_ledger WHERE source = ? UNION "
        "SELECT DISTINCT year(period_start) FROM core.source_cells WHERE source = ? ORDER BY 1", [source, source]
    ).fetchall()]
    for year in years:
        con.execute(
            "INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id, "
            "provisional) SELECT area_code, signal, period, period_start, count(*)::INTEGER, source, "
            "arg_max(load_id, load_seq), false FROM core.report_ledger WHERE source = ? AND retracted_by IS NULL "
            "AND year(period_start) IS NOT DISTINCT FROM ? GROUP BY ALL", [source, year])
        con.execute(
            "INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id, "
            "provisional) SELECT area_code, signal, period, period_start, sum(count)::INTEGER, source, "
            "arg_max(load_id, load_seq), bool_or(provisional) FROM core.source_cells c WHERE source = ? "
            f"AND year(period_start) IS NOT DISTINCT FROM ? {f'AND NOT {PART_UNKNOWN}' if unknown else ''} "
            "GROUP BY area_code, signal, period, period_start, source", [source, year])


def provisional_counts(con: Con) -> pd.DataFrame:
    """``area_code, signal, period, period_start`` of the counts that are provisional figures of their source (the
    police's latest months, ``Voorlopig``): the lists say so beside the count ("14 misdrijven (voorlopig cijfer)"),
    as the police may revise them a month later (red team 12a F2)."""
    return con.execute("SELECT DISTINCT area_code, signal, period, period_start FROM core.signal_counts "
                       "WHERE provisional ORDER BY ALL").df()


def source_totals(con: Con, source: str) -> pd.DataFrame:
    """``gemeente_code``, ``period``, ``period_start``, ``total``, ``partial``: a source's counts summed per
    municipality and period as the lists and scores read them (:data:`COUNTS_AND_BOUNDS`: a total with an unknown
    part counts as the sum of its known parts, a lower bound; ``partial`` when one such is in it), for the safety
    valve; a buurt the profile does not hold counts under ``''``."""
    return con.execute("SELECT coalesce(a.gemeente_code, '') AS gemeente_code, c.period, c.period_start, "
                       "sum(c.count)::BIGINT AS total, bool_or(c.partial) AS partial "
                       f"FROM ({COUNTS_AND_BOUNDS}) c LEFT JOIN core.areas a USING (area_code) WHERE c.source = ? "
                       "GROUP BY ALL", [source]).df()


def unknown_periods(con: Con, source: str) -> pd.DataFrame:
    """``gemeente_code``, ``period``, ``period_start`` of a source's totals left unknown by a part no delivery holds a
    count of (:func:`mark_unknown_cells`), as :func:`source_totals` keys them: those it marks ``partial``."""
    totals = source_totals(con, source)
    return totals.loc[totals["partial"], ["gemeente_code", "period", "period_start"]].reset_index(drop=True)


def count_ranges(con: Con) -> pd.DataFrame:
    """``period, source, first, last``: the first and last period start of every source's counts."""
    return con.execute("SELECT period, source, min(period_start) AS first, max(period_start) AS last "
                       f"FROM ({COUNTS_AND_BOUNDS}) GROUP BY ALL ORDER BY ALL").df()


def counts_digest(con: Con, week_before, month_before) -> list:
    """``[number, digest]`` of every count a series reads (:data:`COUNTS_AND_BOUNDS`, a lower bound's mark with it)
    of the weeks starting before ``week_before`` and the months before ``month_before``: the same counts, the same
    digest, in whatever order they were written."""
    n, digest = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(area_code, signal, period, period_start, count, source, partial)), 0) "
        f"FROM ({COUNTS_AND_BOUNDS}) WHERE CASE period WHEN 'week' THEN period_start < ? ELSE period_start < ? END",
        [week_before, month_before]).fetchone()
    return [int(n), str(digest)]


#: Every count a series or a report reads: the stored totals, and for a buurt, signal and period whose total has an
#: unknown part (:data:`PART_UNKNOWN`) the sum of its known parts (0 when none is known), a lower bound, with
#: ``partial`` true.
COUNTS_AND_BOUNDS = (
    "SELECT area_code, signal, period, period_start, count, source, false AS partial FROM core.signal_counts "
    "UNION ALL SELECT area_code, signal, period, period_start, sum(count)::INTEGER, source, true "
    f"FROM core.source_cells c WHERE {PART_UNKNOWN} GROUP BY area_code, signal, period, period_start, source "
    "UNION ALL SELECT DISTINCT area_code, signal, period, period_start, 0, source, true FROM core.unknown_cells u "
    f"WHERE {NOT_HELD} AND NOT EXISTS (SELECT 1 FROM core.source_cells c WHERE c.source = u.source "
    "AND c.area_code = u.area_code AND c.signal = u.signal AND c.period = u.period AND c.period_start = u.period_start)")


def read_counts_table(con: Con) -> pa.Table:
    """Every signal count as an Arrow table with dictionary-encoded text (a national warehouse holds tens
    of millions of counts; as Python strings they would not fit the memory budget).

    For scoring: a total whose part is unknown (a suppressed ``<5`` creditor cell) is stored nowhere as a count, but
    a series needs a value for every period, and the panel fills a missing one with 0; it reads here as the sum of
    its known parts instead, a lower bound: a rise seen in it is there in the true total too. Which totals are
    read so: :func:`partial_totals`."""
    table = con.sql("SELECT area_code, signal, period, period_start, count, source "
                    f"FROM ({COUNTS_AND_BOUNDS})").to_arrow_table()
    for name in ("area_code", "signal", "period", "source"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table.column(name)))
    return table.unify_dictionaries().combine_chunks()      # one dictionary per column, whatever the batches


def partial_totals(con: Con) -> pd.DataFrame:
    """``area_code, signal, period, period_start`` of every total read as a lower bound (:data:`COUNTS_AND_BOUNDS`):
    a part of it is unknown and no delivery holds a count of that part. The lists and reports say "minstens"."""
    return con.execute("SELECT area_code, signal, period, period_start "
                       f"FROM ({COUNTS_AND_BOUNDS}) WHERE partial").df()


#: The month of a count as year * 12 + month - 1; a week belongs to the month of its Thursday (as ISO weeks
#: belong to years).
MONTH_OF = ("CASE WHEN s.period = 'week' THEN year(s.period_start + 3) * 12 + month(s.period_start + 3) - 1 "
            "ELSE year(s.period_start) * 12 + month(s.period_start) - 1 END")


def domain_month_counts(con: Con) -> pd.DataFrame:
    """``domain, source, period, area_code, month, count``: the counts summed per domain, source, buurt and
    month (``month`` as year * 12 + month - 1, weeks in the month of their Thursday)."""
    return con.execute(
        f"SELECT c.domain, s.source, s.period, s.area_code, {MONTH_OF} AS month, sum(s.count)::BIGINT AS count "
        "FROM core.signal_counts s JOIN core.signal_catalogue c USING (signal) GROUP BY ALL").df()


def domain_count_ranges(con: Con) -> pd.DataFrame:
    """``domain, source, period, first, last``: the first and last period start per domain and source."""
    return con.execute(
        "SELECT c.domain, s.source, s.period, min(s.period_start) AS first, max(s.period_start) AS last "
        "FROM core.signal_counts s JOIN core.signal_catalogue c USING (signal) GROUP BY ALL ORDER BY ALL").df()


def cell_writers(con: Con, source: str, cells: pd.DataFrame) -> pd.DataFrame:
    """The load that holds each cell now (``load_id``, its ``mode`` and ``load_seq``), by the cells' index;
    cells not held are absent."""
    keys = CELL_KEYS
    frame = cells[keys].assign(i=range(len(cells)))
    with registered(con, "_wr_cells", frame):
        found = con.execute(
            "SELECT n.i, c.load_id, l.mode, c.load_seq FROM _wr_cells n JOIN core.source_cells c ON c.source = ? "
            "AND c.area_code = n.area_code AND c.signal = n.signal AND c.part = n.part AND c.period = n.period "
            "AND c.period_start = n.period_start LEFT JOIN meta.loads l ON l.load_id = c.load_id",
            [source]).df()
    return found.set_index(cells.index[found.pop("i").to_numpy()])


def record_writers(con: Con, source: str, report_keys: pd.Series) -> pd.DataFrame:
    """The load that holds each report now (``load_id``: the one that retracted it, else the one of the version
    kept; its ``mode`` and ``load_seq``), by the keys' index; reports not in the ledger are absent."""
    frame = pd.DataFrame({"report_key": report_keys.astype(str).to_numpy(), "i": range(len(report_keys))})
    with registered(con, "_wr_keys", frame):
        found = con.execute(
            "SELECT k.i, coalesce(r.retracted_by, r.load_id) AS load_id, l.mode, l.load_seq FROM _wr_keys k "
            "JOIN core.report_ledger r ON r.source = ? AND r.report_key = k.report_key "
            "LEFT JOIN meta.loads l ON l.load_id = coalesce(r.retracted_by, r.load_id)", [source]).df()
    return found.set_index(report_keys.index[found.pop("i").to_numpy()])


def upgrade_pending(con: Con, name: str) -> bool:
    """Whether the one-time upgrade step ``name`` (``meta.pending_upgrades``, set by a migration) is still to do."""
    return con.execute("SELECT count(*) FROM meta.pending_upgrades WHERE name = ?", [name]).fetchall()[0][0] > 0


def upgrade_done(con: Con, name: str) -> None:
    con.execute("DELETE FROM meta.pending_upgrades WHERE name = ?", [name])


def warehouse_file(con: Con) -> str | None:
    """The path of the database file ``con`` works in, as DuckDB opened it; None for a warehouse in memory."""
    return con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]


def held_row_loads(con: Con, source: str) -> pd.DataFrame:
    """``load_id, row_number, load_seq`` of the source's quarantined rows that no later load resolved."""
    return con.execute("SELECT q.load_id, q.row_number, l.load_seq FROM quarantine.rows q JOIN meta.loads l "
                       "USING (load_id) WHERE q.source = ? AND q.state <> 'resolved'", [source]).df()
