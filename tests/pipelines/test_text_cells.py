"""Text cells and CSV layouts as suppliers' programs write them: invisible characters, Excel's ="..." text trick,
foreign digits, repeated header lines, a DOS end-of-file mark, other delimiters and encodings, police periods."""
import logging

import openpyxl
import pandas as pd
import pytest

from pipelines.sources import politie
from pipelines.sources.common import (REPEATED_HEADER_ROWS, IngestError, normalise_area_code, plain_cells,
                                      plain_text, read_table)
from pipelines.sources.wijkteam import ALIASES as WIJKTEAM
from pipelines.validate import run_suite
from pipelines.warehouse import connect
from tests.conftest import TODAY, load_file

W = "Buurtcode;Maand;Signaal;Aantal"
#: zero-width space, right-to-left mark, soft hyphen, byte order mark, word joiner: Unicode category Cf
INVISIBLE = ["\u200b", "\u200f", "\u00ad", "\ufeff", "\u2060"]


def _write(home, name: str, lines: list[str], end: str = "\n") -> "Path":  # noqa: F821
    home.inbox.mkdir(parents=True, exist_ok=True)
    path = home.inbox / name
    path.write_text(end.join(lines) + end, encoding="utf-8")
    return path


def _quarantine(home) -> list[tuple[int, str]]:
    with connect(home.warehouse) as con:
        return con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY 1").fetchall()


# ------------------------------------------------------------------------------------------ invisible characters

@pytest.mark.parametrize("mark", INVISIBLE)
def test_an_invisible_character_in_a_buurt_code_does_not_count(mark):
    codes = pd.Series([f"BU0118{mark}5000", f"{mark}BU01185000", f"01185000{mark}", "BU0118\u00a05000 "])
    assert normalise_area_code(codes).tolist() == ["BU01185000"] * 4


def test_a_suppressed_part_with_an_invisible_character_in_its_code_leaves_the_total_unknown(home):
    path = _write(home, "schulden_okt.csv", ["Buurtcode;Maand;Schuldeiser;Aantal", "BU01185000;2026-10;huur;7",
                                             "BU01185000;2026-10;energie;5", "BU0118\u200b5000;2026-10;water;<5",
                                             "BU01185001;2026-10;huur;3", "BU01185002;2026-10;huur;4"])
    load_file(home, path, "schulden")
    with connect(home.warehouse) as con:
        totals = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000'").fetchall()
        unknown = con.execute("SELECT area_code, part FROM core.unknown_cells").fetchall()
    assert totals == []                                    # never 12 stored as the complete total
    assert unknown == [("BU01185000", "water")]
    assert [reason for _, reason in _quarantine(home)] == [
        "aantal is suppressed by the supplier (small cell); the month's total for this buurt is unknown"]


def test_a_cell_repeated_with_an_invisible_character_is_quarantined_as_repeated(home):
    path = _write(home, "wijkteam_okt.csv", [W, "BU01185000;2026-10;Eenzaamheid;3",
                                             "BU01185000\u200f;2026-10;Eenz\u200baamheid;4",
                                             *[f"BU0118500{i};2026-10;Eenzaamheid;{i}" for i in range(1, 6)]])
    res = load_file(home, path, "wijkteam")
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (7, 5, 2)
    assert {row for row, _ in _quarantine(home)} == {2, 3}
    assert all("more than once" in reason for _, reason in _quarantine(home))


def test_an_invisible_character_in_a_period_or_count_does_not_count(home):
    path = _write(home, "wijkteam_okt.csv", [W, "BU01185000;2026\u200b-10;Eenzaamheid;\u20603",
                                             *[f"BU0118500{i};2026-10;Eenzaamheid;{i}" for i in range(1, 6)]])
    res = load_file(home, path, "wijkteam")
    assert (res.rows_accepted, res.rows_quarantined) == (6, 0)


# ------------------------------------------------------------------------------------------ ="..." and digits

def test_plain_text_reads_a_cell_as_a_spreadsheet_shows_it():
    assert plain_text('="0001001"') == "0001001"
    assert plain_text(' ="a ""b"" c" ') == 'a "b" c'
    assert plain_text('=HYPERLINK("http://x")') == '=HYPERLINK("http://x")'      # a formula stays a formula
    assert plain_text('="a"&"b"') == '="a"&"b"'
    assert plain_text("\uff11\uff12") == "12" and plain_text("\u0663\u0664") == "34"   # full-width, Arabic-Indic
    assert plain_text("BU\u200b01\u200e185000") == "BU01185000"
    values = pd.Series(["1", '="2"', None, "\u0663"], dtype=object)
    assert plain_cells(values).tolist() == ["1", "2", None, "3"]


def test_excel_text_trick_cells_load_as_their_text_in_csv_and_xlsx(home):
    path = _write(home, "wijkteam_okt.csv", [W, '="01185000";="2026-10";Eenzaamheid;="3"',
                                             *[f"BU0118500{i};2026-10;Eenzaamheid;{i}" for i in range(1, 6)]])
    res = load_file(home, path, "wijkteam")
    assert (res.rows_accepted, res.rows_quarantined) == (6, 0)
    wb = openpyxl.Workbook()
    wb.active.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    wb.active.append(['="01185006"', "2026-10", "Burenruzie", '="4"'])
    for cell in ("A2", "D2"):
        wb.active[cell].data_type = "s"                    # text cells holding ="...", not formulas
    for i in range(1, 6):
        wb.active.append([f"BU0118500{i}", "2026-10", "Burenruzie", i])
    wb.save(home.inbox / "wijkteam_okt_b.xlsx")
    res = load_file(home, home.inbox / "wijkteam_okt_b.xlsx", "wijkteam")
    assert (res.rows_accepted, res.rows_quarantined) == (6, 0)
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count FROM core.source_cells WHERE area_code = 'BU01185006'").fetchall() == [(4,)]


def test_foreign_digits_in_a_count_are_read_as_in_a_period(home):
    path = _write(home, "wijkteam_okt.csv", [W, "BU01185000;\uff12\uff10\uff12\uff16-\uff11\uff10;Eenzaamheid;\uff13",
                                             "BU01185001;2026-10;Eenzaamheid;\u0664",
                                             *[f"BU0118500{i};2026-10;Eenzaamheid;{i}" for i in range(2, 6)]])
    res = load_file(home, path, "wijkteam")
    assert (res.rows_accepted, res.rows_quarantined) == (6, 0)
    with connect(home.warehouse) as con:
        got = dict(con.execute("SELECT area_code, count FROM core.source_cells").fetchall())
    assert (got["BU01185000"], got["BU01185001"]) == (3, 4)


# ------------------------------------------------------------------------------------------ layouts

def test_a_repeated_header_line_is_skipped_and_named(home, caplog):
    path = _write(home, "wijkteam_okt.csv", [W, "BU01185000;2026-10;Eenzaamheid;3", "BU01185002;2026-10;Eenzaamheid;1",
                                             "buurtcode ; MAAND;Signaal;Aantal", "BU01185001;2026-10;Eenzaamheid;2"])
    frame = read_table(path, WIJKTEAM).data.frame
    assert frame["row_number"].tolist() == [2, 3, 5]
    assert frame.attrs[REPEATED_HEADER_ROWS] == [4]
    with caplog.at_level(logging.WARNING, logger="wijkradar.ingest"):
        res = load_file(home, path, "wijkteam")
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (3, 3, 0)
    assert "line 4 repeat(s) the header row" in caplog.text


def test_a_repeated_header_line_is_found_in_a_large_file_too(tmp_path):
    rows = [f"BU0118500{i % 8};2026-10;Eenzaamheid;{i % 7}" for i in range(60_000)]
    path = tmp_path / "wijkteam_okt.csv"
    path.write_text("\n".join([W, *rows[:100], W, *rows[100:]]) + "\n", encoding="utf-8")
    assert path.stat().st_size > (1 << 20)                 # read by the fast reader
    frame = read_table(path, WIJKTEAM).data.frame
    assert len(frame) == 60_000 and frame.attrs[REPEATED_HEADER_ROWS] == [102]


@pytest.mark.parametrize("large", [False, True])
def test_a_header_repeated_in_another_column_order_refuses_the_file_naming_its_line(tmp_path, large):
    n = 60_000 if large else 2
    rows = [f"BU0118500{i % 8};2026-10;Eenzaamheid;{i % 7}" for i in range(n)]
    path = tmp_path / "wijkteam_okt.csv"
    path.write_text("\n".join([W, *rows, "Maand;Buurtcode;Signaal;Aantal", "2026-10;BU01185001;Eenzaamheid;2"]) + "\n")
    with pytest.raises(IngestError, match=f"line {n + 2} is a header row again, naming the columns in another order"):
        read_table(path, WIJKTEAM)


def test_a_header_in_another_order_on_a_sheet_not_read_does_not_refuse_the_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    wb.active.append(["BU01185000", "2026-10", "Eenzaamheid", 3])
    notes = wb.create_sheet("notities")
    notes.sheet_state = "hidden"                           # a working copy, read only for the privacy scan
    notes.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    notes.append(["Maand", "Buurtcode", "Signaal", "Aantal"])
    wb.save(tmp_path / "wijkteam_okt.xlsx")
    assert read_table(tmp_path / "wijkteam_okt.xlsx", WIJKTEAM).data.frame["row_number"].tolist() == [2]


def test_a_dos_end_of_file_mark_is_no_row(home):
    home.inbox.mkdir(parents=True, exist_ok=True)
    path = home.inbox / "wijkteam_okt.csv"
    lines = [W, *[f"BU0118500{i};2026-10;Eenzaamheid;{i}" for i in range(4)]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode() + b"\x1a")
    res = load_file(home, path, "wijkteam")
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (4, 4, 0)


def test_a_pipe_separated_file_is_read(tmp_path):
    path = tmp_path / "wijkteam_okt.csv"
    path.write_text("\n".join(["Buurtcode|Maand|Signaal|Aantal", "BU01185000|2026-10|Eenzaamheid|3"]) + "\n")
    frame = read_table(path, WIJKTEAM).data.frame
    assert list(frame.columns) == ["row_number", "Buurtcode", "Maand", "Signaal", "Aantal"]


def test_a_pipe_in_a_cell_of_a_semicolon_file_is_no_delimiter(tmp_path):
    path = tmp_path / "wijkteam_okt.csv"
    path.write_text("\n".join([W, "BU01185000;2026-10;Eenzaamheid|Burenruzie;3"]) + "\n")
    frame = read_table(path, WIJKTEAM).data.frame
    assert frame["Signaal"].tolist() == ["Eenzaamheid|Burenruzie"]


def test_another_delimiter_is_named_not_a_column_to_rename(home):
    path = _write(home, "wijkteam_okt.csv", ["Buurtcode#Maand#Signaal#Aantal", "BU01185000#2026-10#Eenzaamheid#3"])
    with pytest.raises(IngestError, match="the columns are separated by '#'") as err:
        load_file(home, path, "wijkteam")
    assert "Rename" not in str(err.value)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_a_utf32_file_is_named_as_such(tmp_path, codec):
    path = tmp_path / "wijkteam_okt.csv"
    path.write_bytes(("\n".join([W, "BU01185000;2026-10;Eenzaamheid;3"]) + "\n").encode(codec))
    with pytest.raises(IngestError, match="saved as UTF-32.*save it as UTF-8"):
        read_table(path, WIJKTEAM)


# ------------------------------------------------------------------------------------------ police periods

def test_police_years_and_quarters_get_one_reason_saying_what_they_are(ref):
    crime = ref.politie_types["soort_misdrijf"].iloc[0]
    periods = ["2025MM12", "2026MM01", "2025MM11", "2025MM10", "2025MM09", "2025MM08",
               "2025JJ00", "2026JJ00", "2026KW04", "2026XX01"]
    raw = pd.DataFrame({"row_number": range(1, len(periods) + 1), "area_code": "BU01185000",
                        "period": [f"\u200b{p}" if p == "2026KW04" else p for p in periods],
                        "crime_type": crime, "value": "3", "status": ""})
    raw["period"] = plain_cells(raw["period"])
    verdict = run_suite("politie", politie.typed(raw, ref), politie.checks(ref, TODAY))
    reasons = dict(zip(verdict.failures["row_number"], verdict.failures["reason"]))
    assert reasons == {
        7: "not a monthly period (yearly JJ00 rows are never added to monthly rows)",
        8: "not a monthly period (yearly JJ00 rows are never added to monthly rows)",
        9: "not a monthly period (quarterly KW rows are never added to monthly rows)",
        10: "not a monthly period (Perioden is not of the form jjjjMMmm)",
    }
