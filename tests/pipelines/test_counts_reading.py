"""Counts as spreadsheets and people hand them over: a number cell is a number (never thousands notation),
``0.125`` is a decimal, ``1,000`` is ambiguous."""
import openpyxl
import pandas as pd

from pipelines import reference
from pipelines.ingest import ingest_file
from pipelines.sources.common import _cell_text
from pipelines.sources.counts import counts_ambiguous, parse_counts
from pipelines.warehouse import connect
from tests.conftest import TODAY

BUURTEN = ["BU01185000", "BU01185001", "BU01185002", "BU01185003", "BU01185004", "BU01185005", "BU01185006",
           "BU01185007", "BU01185008", "BU01185100"]


def _load(home, path):
    """Load a wijkteam file; its result, the quarantined (row, reason) pairs and the stored count per buurt."""
    with connect(home.warehouse) as con:
        ref = reference.Reference()
        reference.sync(con, ref)
        res = ingest_file(con, path, "wijkteam", ref, home.archive, today=TODAY)
        rows = con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY 1").fetchall()
        stored = dict(con.execute("SELECT area_code, count FROM core.source_cells").fetchall())
    return res, rows, stored


def test_a_leading_zero_group_is_a_decimal_not_thousands():
    got = parse_counts(pd.Series(["0.125", "1.234", "12.345.678", "0,5", "2,5", "-0.125"]))
    assert got.tolist() == [0.125, 1234.0, 12345678.0, 0.5, 2.5, -0.125]


def test_a_comma_with_three_digits_is_ambiguous():
    values = pd.Series(["1,000", "2,500", " 12,345 ", "0,125", "1,5", "1.000", "1000", "1,0000", None])
    assert counts_ambiguous(values).tolist() == [True, True, True, False, False, False, False, False, False]


def test_a_number_cell_never_reads_as_thousands():
    assert parse_counts(pd.Series([_cell_text(v) for v in (0.125, 1.234, 12.5, 3.0, -1.234)])).tolist() == \
        [0.125, 1.234, 12.5, 3.0, -1.234]


def test_decimals_and_ambiguous_counts_in_a_workbook_are_quarantined_with_their_reasons(home):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    values = [0.125, 1.234, "0.125", "1,000", 3, 4, 5, 6, 7, 8]
    for code, value in zip(BUURTEN, values):
        ws.append([code, "2026-10", "eenzaamheid", value])
    path = home.inbox / "wijkteam_okt.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    res, rows, stored = _load(home, path)
    assert res.rows_read == 10 and res.rows_quarantined == 4, rows
    assert [r for r, _ in rows] == [2, 3, 4, 5]
    assert all("not a whole number" in reason for _, reason in rows[:3])
    assert "ambiguous" in rows[3][1] and "not a number" not in rows[3][1]
    assert stored["BU01185005"] == 4


def test_rows_whose_periods_cannot_be_read_are_not_also_repeats(home):
    from tests.conftest import write_csv

    rows = [[code, "2026-10", "eenzaamheid", 3] for code in BUURTEN[:6]]
    rows += [["BU01185000", "2026-13", "eenzaamheid", 2], ["BU01185000", "2027-W53", "eenzaamheid", 2]]
    (home.inbox).mkdir(parents=True, exist_ok=True)
    path = write_csv(home.inbox / "wijkteam_okt.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"], rows)
    with connect(home.warehouse) as con:
        ref = reference.Reference()
        reference.sync(con, ref)
        ingest_file(con, path, "wijkteam", ref, home.archive, today=TODAY)
        reasons = [r for r, in con.execute("SELECT reason FROM quarantine.rows ORDER BY row_number").fetchall()]
    assert len(reasons) == 2 and all("more than once" not in r for r in reasons), reasons
    assert all("not a period" in r for r in reasons)


def test_only_real_thousands_groups_join_across_a_space_or_apostrophe():
    grouped = ["1 234", "12 345", "1'234", "1\u00a0234", "1\u202f234", "1 234 567", "-1 234", " 12 "]
    assert parse_counts(pd.Series(grouped)).tolist() == [1234, 12345, 1234, 1234, 1234, 1234567, -1234, 12]
    stray = ["1 2", "2 5", "1'5", "1 0 0", "0 125", "1  234", "12 3456", "1 234'567", "1 2,345", "1' 234"]
    assert parse_counts(pd.Series(stray)).isna().all()
    assert not counts_ambiguous(pd.Series(stray)).any()


def test_a_count_cell_holding_two_numbers_is_quarantined_as_not_a_number(home):
    from tests.conftest import write_csv

    cells = ["1 2", "2 5", "1'5", "1 0 0", "1 000", "4", "5", "6", "7", "8"]
    rows = [[code, "2026-05", "eenzaamheid", cell] for code, cell in zip(BUURTEN, cells)]
    home.inbox.mkdir(parents=True, exist_ok=True)
    path = write_csv(home.inbox / "wijkteam_spaces.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"], rows)
    res, rows, stored = _load(home, path)
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (10, 6, 4)
    assert [r for r, _ in rows] == [2, 3, 4, 5] and all("not a number" in reason for _, reason in rows)
    assert stored == dict(zip(BUURTEN[4:], [1000, 4, 5, 6, 7, 8]))


def test_a_count_merged_over_several_rows_is_quarantined_and_a_merged_buurtcode_still_fills(home):
    # a group total of 12 merged over D2:D4 was stored as 12 for each of the three rows (36 instead of 12)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    for i, code in enumerate(BUURTEN[:6]):
        ws.append([code, "2026-10", "eenzaamheid", 12 if i == 0 else (None if i < 3 else i)])
    ws.append([BUURTEN[6], "2026-10", "eenzaamheid", 2])
    ws.append([None, "2026-10", "burenruzie", 1])
    ws.merge_cells("D2:D4")
    ws.merge_cells("A8:A9")                 # a label merged over its rows keeps being filled
    path = home.inbox / "wijkteam_okt.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    res, rows, stored = _load(home, path)
    assert res.rows_read == 8 and res.rows_quarantined == 3, rows
    assert [r for r, _ in rows] == [2, 3, 4]
    assert all(reason.startswith("aantal is one cell merged over several rows") for _, reason in rows)
    assert "BU01185000" not in stored and stored["BU01185003"] == 3 and "BU01185006" in stored   # row 9 filled
    from pipelines import wording

    assert wording.reason_has_dutch(rows[0][1])
