"""A count row whose period cannot be read ("2026-13", a date where a month belongs) but whose buurt and part can:
its count belongs to one of the periods of its signal the file delivers, in a cell the file holds no row of. Those
totals are lower bounds ("minstens"), never totals shown as exact without the row's count (red team, round 2: 03)."""
from __future__ import annotations

from pipelines.catalog.counts import COUNTS_AND_BOUNDS
from pipelines.warehouse import connect, table_digest
from tests.conftest import load_file as load, write_csv

SCHULDEN = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
A, B = "BU01185000", "BU01185001"


def read(home, source: str) -> dict:
    """What the lists and scores read: {(buurt, month): (count, partial)}."""
    with connect(home.warehouse) as con:
        rows = con.execute(f"SELECT area_code, strftime(period_start, '%Y-%m'), count, partial "
                           f"FROM ({COUNTS_AND_BOUNDS}) WHERE source = ?", [source]).fetchall()
    return {(area, month): (count, bool(partial)) for area, month, count, partial in rows}


def test_a_month_that_cannot_be_read_leaves_its_buurts_total_of_the_files_month_a_lower_bound(home, tmp_path):
    rows = [[A, "2026-10", "huur", "5"], [A, "2026-10", "energie", "3"], [A, "2026-13", "water", "5"],
            [B, "2026-10", "huur", "4"], [B, "2026-10", "water", "2"]]
    result = load(home, write_csv(tmp_path / "schulden_okt.csv", SCHULDEN, rows), "schulden")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (5, 4, 1)
    # A's 2026-10 misses the water row's 5 (if it was October's): at least 8; B's total is whole
    assert read(home, "schulden") == {(A, "2026-10"): (8, True), (B, "2026-10"): (6, False)}


def test_a_date_for_a_month_is_quarantined_and_leaves_that_buurts_totals_lower_bounds(home, tmp_path):
    rows = [[A, "2026-09", "huur", "5"], [A, "2026-10", "huur", "4"], [A, "2026-10-15", "water", "5"],
            [B, "2026-09", "huur", "1"], [B, "2026-10", "huur", "2"]]
    result = load(home, write_csv(tmp_path / "schulden_q3.csv", SCHULDEN, rows), "schulden")
    assert result.rows_quarantined == 1
    # either month of the file may be the row's: both of A's are lower bounds, none of B's
    assert read(home, "schulden") == {(A, "2026-09"): (5, True), (A, "2026-10"): (4, True),
                                      (B, "2026-09"): (1, False), (B, "2026-10"): (2, False)}


def test_an_undated_row_of_a_part_the_file_holds_in_every_month_marks_nothing(home, tmp_path):
    """The file holds A's huur of each of its months: the undated huur row is none of them (a repeat, or a month the
    file does not deliver), so no total of the file is short of it."""
    rows = [[A, "2026-09", "huur", "5"], [A, "2026-10", "huur", "4"], [A, "2026-13", "huur", "7"]]
    load(home, write_csv(tmp_path / "schulden.csv", SCHULDEN, rows), "schulden")
    assert read(home, "schulden") == {(A, "2026-09"): (5, False), (A, "2026-10"): (4, False)}


def test_an_undated_row_of_no_buurt_marks_nothing_and_a_later_delivery_of_the_cell_makes_the_total_whole(
        home, tmp_path):
    rows = [[A, "2026-10", "huur", "5"], [B, "2026-10", "huur", "1"], [B, "2026-10", "energie", "1"],
            ["BU9", "2026-13", "water", "5"], [A, "2026-1O", "water", "2"]]
    load(home, write_csv(tmp_path / "schulden_1.csv", SCHULDEN, rows), "schulden")
    assert read(home, "schulden") == {(A, "2026-10"): (5, True), (B, "2026-10"): (2, False)}
    load(home, write_csv(tmp_path / "schulden_2.csv", SCHULDEN, [[A, "2026-10", "water", "2"]]), "schulden")
    assert read(home, "schulden") == {(A, "2026-10"): (7, False), (B, "2026-10"): (2, False)}


def test_an_undated_wijkteam_row_marks_the_months_of_its_own_signal_only(home, tmp_path):
    rows = [[A, "2026-09", "eenzaamheid", "5"], [A, "2026-10", "eenzaamheid", "4"],
            [A, "2026-10", "jeugdoverlast", "3"], [B, "sept", "eenzaamheid", "2"], [B, "2026-10", "jeugdoverlast", "1"]]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    assert result.rows_quarantined == 1
    with connect(home.warehouse) as con:
        partial = con.execute(f"SELECT area_code, signal, strftime(period_start, '%Y-%m') FROM ({COUNTS_AND_BOUNDS}) "
                              "WHERE source = 'wijkteam' AND partial ORDER BY ALL").fetchall()
    assert partial == [(B, "eenzaamheid", "2026-09"), (B, "eenzaamheid", "2026-10")]


def test_loading_a_file_with_an_undated_row_again_changes_nothing(home, tmp_path):
    rows = [[A, "2026-10", "huur", "5"], [A, "2026-13", "water", "5"]]
    path = write_csv(tmp_path / "schulden_okt.csv", SCHULDEN, rows)
    load(home, path, "schulden")
    with connect(home.warehouse) as con:
        before = table_digest(con)
    load(home, path, "schulden")
    with connect(home.warehouse) as con:
        assert table_digest(con) == before


def test_a_period_read_but_impossible_leaves_the_totals_it_may_belong_to_lower_bounds(home, tmp_path):
    """A week for a monthly source, a year in the future or before the first day (red team round 4a, F1): as unreadable
    as "2026-13" for the month the count belongs to."""
    rows = [[A, "2026-10", "huur", "5"], [A, "2026-W45", "water", "3"], [B, "2026-10", "huur", "4"],
            [B, "2062-10", "water", "2"], [B, "2026-10", "energie", "1"], ["BU01185002", "2026-10", "huur", "6"],
            ["BU01185002", "1926-10", "energie", "1"], ["BU01185003", "2026-10", "huur", "2"]]
    result = load(home, write_csv(tmp_path / "schulden_okt.csv", SCHULDEN, rows), "schulden")
    assert result.rows_quarantined == 3
    assert read(home, "schulden") == {(A, "2026-10"): (5, True), (B, "2026-10"): (5, True),
                                      ("BU01185002", "2026-10"): (6, True), ("BU01185003", "2026-10"): (2, False)}
