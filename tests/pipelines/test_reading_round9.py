"""Reading files as a person sees them (red team round 9): a workbook's text with OOXML escapes as Excel shows it,
a UTF-8 line holding one Windows-1252 byte, a DOS (code page 850) file, a record cut over two lines or shifted by a
delimiter inside a cell, and ``wijkradar detect``'s ids behind a direction mark, escaped, or named by the wrong row."""
import logging

import openpyxl
import pandas as pd
import pytest

from pipelines.detect import DetectInputError, detect_file
from pipelines.sources import common, meldingen
from pipelines.sources.common import ROW_SHAPE, decode_text, ooxml_text, read_table, workbook_sheets
from tests.pipelines.test_feedback import built, fill, world  # noqa: F401 (fixtures of the feedback import)
from pipelines.feedback import import_feedback
from pipelines.warehouse import connect

HEADER = "Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode"
GOOD = [f"SIG-{40000 + i};{i + 1:02d}-03-2025;Afval;Zwerfafval;BU01185008" for i in range(6)]


# --- workbooks: OOXML escapes ------------------------------------------------------------------

def test_ooxml_escapes_read_as_excel_shows_them():
    assert ooxml_text("jan_x0040_ziggo.nl") == "jan@ziggo.nl"
    assert ooxml_text("111_x0020_222_x0020_333") == "111 222 333"
    assert ooxml_text("_x005F_x0040_") == "_x0040_"            # an escaped underscore: the literal text stays
    assert ooxml_text("a_xD83D__xDE00_b") == "a\U0001F600b"      # a character outside the BMP, as two halves
    assert ooxml_text("a_x0000_b") == "ab"
    assert ooxml_text("x_x12_ and _xZZZZ_") == "x_x12_ and _xZZZZ_"


def test_a_workbook_cell_written_with_ooxml_escapes_is_read_as_excel_shows_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append(["jan_x0040_ziggo.nl", "15-03-2025", "Afval", "Jan_x0020_de_x0020_Vries", "BU01185008"])
    ws.append(["SIG-1", "16-03-2025", "Afval", "06_x002D_12345678", "BU01185008"])
    wb.save(tmp_path / "meldingen.xlsx")
    frame = read_table(tmp_path / "meldingen.xlsx", meldingen.ALIASES).data.frame
    assert frame["Meldingnummer"].tolist() == ["jan@ziggo.nl", "SIG-1"]
    assert frame["Subcategorie"].tolist() == ["Jan de Vries", "06-12345678"]
    # the returned lists of wijkteams are read through the same reader
    (_, _, rows), = workbook_sheets(tmp_path / "meldingen.xlsx")
    assert rows[1][1][0] == "jan@ziggo.nl"


def test_a_wijkteam_note_written_with_ooxml_escapes_is_dropped_as_personal(world, tmp_path):  # noqa: F811
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", "bel 06_x002D_41234567"),
                                              6: ("al bekend", "mail naar jan_x0040_ziggo.nl")})
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled)
        rows = con.execute("SELECT row_number, value, note FROM meta.flag_feedback ORDER BY row_number").fetchall()
    assert rows == [(5, "opgepakt", None), (6, "al bekend", None)]
    assert len(result.warnings) == 2 and not any("4123" in w or "ziggo" in w for w in result.warnings)


# --- text: encodings ---------------------------------------------------------------------------

def test_a_utf8_line_holding_one_windows_1252_byte_keeps_its_utf8_letters(caplog):
    raw = ("SIG-1;René Jansen;".encode("utf-8") + "Café".encode("cp1252") + b";BU01185008\n"
           + "SIG-2;Zoë Bakker (€".encode("utf-8")[:-3] + "€)".encode("cp1252") + b"\n"
           + "SIG-3;Financiële hulp\n".encode("utf-8"))
    with caplog.at_level(logging.WARNING):
        text = decode_text("meldingen.csv", raw)
    assert text == "SIG-1;René Jansen;Café;BU01185008\nSIG-2;Zoë Bakker (€)\nSIG-3;Financiële hulp\n"
    assert "2 line(s) are not UTF-8" in caplog.text and "first is line 1" in caplog.text


def test_a_dos_code_page_850_file_is_read_as_such_with_a_warning(caplog):
    raw = f"{HEADER}\nSIG-1;15-03-2025;Afval;René Jansen;BU01185008\nSIG-2;Zoë;ok\n".encode("cp850")
    with caplog.at_level(logging.WARNING):
        assert "René Jansen" in decode_text("meldingen.csv", raw) and "Zoë" in decode_text("meldingen.csv", raw)
    assert "code page 850" in caplog.text and "Jansen" not in caplog.text


@pytest.mark.parametrize("text", ["René Jansen, zo’n „klacht” enz… ƒ 10 – € 5", "Ĺ Š Œ š ž Ÿ", "Caf\u00e9;Zo\u00eb"])
def test_windows_1252_text_is_not_taken_for_code_page_850(text, caplog):
    with caplog.at_level(logging.WARNING):
        assert decode_text("meldingen.csv", text.encode("cp1252", "ignore")) == text.encode("cp1252", "ignore").decode("cp1252")
    assert "code page 850" not in caplog.text


# --- text: records that do not fit the header --------------------------------------------------

def _read(tmp_path, lines: list[str], fast: bool = False, monkeypatch=None) -> pd.DataFrame:
    """The table as a source reads it (personal columns checked, mapped), with the reason of each misshapen row."""
    path = tmp_path / "meldingen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if fast:
        monkeypatch.setattr(common, "FAST_TEXT_CHARS", 0)
    table = common.refuse_personal_columns(read_table(path, meldingen.ALIASES).data.frame, path)
    shapes = table.attrs.get(ROW_SHAPE, {})
    return table.assign(**{ROW_SHAPE: table["row_number"].map(lambda n: shapes.get(n, ""))}).set_index("row_number")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_record_cut_over_two_lines_is_told_naming_the_lines_and_its_name_is_found_whole(tmp_path, monkeypatch,
                                                                                           quoted):
    extra = ['SIG-50000;01-04-2025;"Afval";Zwerfafval;BU01185008'] if quoted else []
    lines = [HEADER, *GOOD, *extra, "SIG-40100;15-03-2025;Afval;Gerrit", "Brinkhuis;BU01185008",
             "SIG-40101;16-03-2025;Afval;Kerkstraat", "14;BU01185008",
             "SIG-40102;17-03-2025;Afval;Zwerfafval"]             # short of an empty Buurtcode only: read as before
    for fast in (False, True):
        frame = _read(tmp_path, lines, fast, monkeypatch)
        first = 8 + len(extra)
        assert len(frame) == len(GOOD) + len(extra) + 5                 # every line is a row: none joined or lost
        assert frame.loc[first, ROW_SHAPE].startswith(f"line {first} and line {first + 1} hold one record cut in 2 parts")
        assert frame.loc[first + 1, ROW_SHAPE] == frame.loc[first, ROW_SHAPE]
        assert frame.loc[first + 2, ROW_SHAPE].startswith(f"line {first + 2} and line {first + 3}")
        assert "Gerrit" not in frame[ROW_SHAPE].str.cat() and "Brinkhuis" not in frame[ROW_SHAPE].str.cat()
        # each half holds the whole name, so the privacy guard finds and removes both
        assert frame.loc[first, "Subcategorie"] == frame.loc[first + 1, "Meldingnummer"] == "Gerrit\nBrinkhuis"
        assert frame.loc[first + 2, "Subcategorie"] == frame.loc[first + 3, "Meldingnummer"] == "Kerkstraat\n14"
        assert frame.loc[first + 4, ROW_SHAPE] == "" and frame.loc[first + 4, "Buurtcode"] == ""
        assert (frame.loc[2:7, ROW_SHAPE] == "").all()


def test_short_rows_all_of_one_width_are_rows_not_records_cut_in_two(home, tmp_path):
    """Five of nine columns filled, the empty optional ones left out (5 + 5 = 9 + 1): six good rows were taken for
    three records cut in two and the file refused (red team round 9)."""
    from tests.conftest import load_file

    header = HEADER + ";Status;Prioriteit;Afdeling;Kanaal"
    path = tmp_path / "meldingen_2025-03.csv"
    path.write_text("\n".join([header, GOOD[0] + ";open;;;", *GOOD[1:]]) + "\n")
    result = load_file(home, path)
    assert (result.rows_read, result.rows_accepted) == (len(GOOD), len(GOOD))


def test_a_refusal_names_the_records_cut_over_lines(home, tmp_path):
    """The share of failed rows counted them, the refusal named only their consequences ("buurtcode is empty")."""
    from pipelines.validate import ValidationRefused
    from tests.conftest import load_file

    path = tmp_path / "meldingen_2025-03.csv"
    path.write_text("\n".join([HEADER, GOOD[0], *(f"SIG-4010{i};0{i + 1}-03-2025;Afval;Zwerf\nafval;BU01185008"
                                                    for i in range(3))]) + "\n")
    with pytest.raises(ValidationRefused) as refused:
        load_file(home, path)
    said = " ".join(str(refused.value).split())
    assert "6 rows like: line 3 and line 4 hold one record cut in 2 parts" in said and "[verwijderd" not in said


@pytest.mark.parametrize("fast", [False, True])
def test_a_full_row_whose_last_cell_a_line_break_cut_has_the_name_found_whole(tmp_path, monkeypatch, fast):
    """a;b;c;d;Gerrit / Brinkhuis: the first line is as wide as the table, so it was no cut record; each half of the
    name passed the scanner (red team round 9, left open then)."""
    header = "Meldingnummer;Datum melding;Hoofdcategorie;Buurtcode;Subcategorie"
    good = [f"SIG-{40000 + i};{i + 1:02d}-03-2025;Afval;BU01185008;Zwerfafval" for i in range(6)]
    frame = _read(tmp_path, [header, *good, "SIG-40100;15-03-2025;Afval;BU01185008;Gerrit", "Brinkhuis",
                             "SIG-40101;16-03-2025;Afval;BU01185008;Zwerfafval", "opmerking"], fast, monkeypatch)
    assert frame.loc[8, "Subcategorie"] == frame.loc[9, "Meldingnummer"] == "Gerrit\nBrinkhuis"
    assert frame.loc[10, "Subcategorie"] == "Zwerfafval" and frame.loc[11, "Meldingnummer"] == "opmerking"
    assert (frame[ROW_SHAPE] == "").all()                                   # no reason: read as rows


def test_a_cut_value_that_is_no_personal_data_is_left_as_written(tmp_path):
    frame = _read(tmp_path, [HEADER, *GOOD, "SIG-1;15-03-2025;Afval;Zwerf", "afval;BU01185008"])
    assert frame.loc[8, "Subcategorie"] == "Zwerf" and frame.loc[9, "Meldingnummer"] == "afval"
    assert frame.loc[9, ROW_SHAPE].startswith("line 8 and line 9")


def test_a_row_with_more_cells_than_the_header_is_told_not_read_shifted_silently(tmp_path):
    lines = [HEADER.replace(";", ","), *(g.replace(";", ",") for g in GOOD),
             "SIG-40100,15-03-2025,Afval,de Vries, Jan,BU01185008"]
    frame = _read(tmp_path, lines)
    assert frame.loc[8, ROW_SHAPE].startswith("line 8 has 6 cells where the table has 5 columns")
    assert frame.loc[8, "Subcategorie"] == frame.loc[8, "Buurtcode"] == "de Vries, Jan"   # found whole by the guard
    assert (frame.loc[2:7, ROW_SHAPE] == "").all()


def test_a_name_split_by_the_files_own_delimiter_is_found_as_written_with_a_comma(tmp_path):
    frame = _read(tmp_path, [HEADER, *GOOD, "SIG-40100;15-03-2025;Afval;de Vries; Jan;BU01185008"])
    assert frame.loc[8, ROW_SHAPE].startswith("line 8 has 6 cells")
    assert frame.loc[8, "Subcategorie"] == frame.loc[8, "Buurtcode"] == "de Vries, Jan"   # found whole by the guard


def test_a_file_whose_rows_fit_has_no_shape_and_a_column_without_header_is_no_shift(tmp_path):
    assert (_read(tmp_path, [HEADER, *GOOD])[ROW_SHAPE] == "").all()
    frame = _read(tmp_path, [HEADER, *(g + ";opmerking" for g in GOOD)])       # every row one unnamed cell more
    assert (frame[ROW_SHAPE] == "").all()


def test_row_shape_reasons_reach_a_source_as_quarantine_failures(tmp_path):
    path = tmp_path / "meldingen.csv"
    path.write_text("\n".join([HEADER, *GOOD, "SIG-1;15-03-2025;Afval;Zwerf", "afval;BU01185008"]) + "\n")
    table = read_table(path, meldingen.ALIASES).data.frame
    assert list(table.columns) == ["row_number", *HEADER.split(";")]        # the sheet's columns are the file's
    mapped = common.with_row_shape(common.map_columns(table, meldingen.ALIASES, path), table)
    failures = common.row_shape_failures(mapped)
    assert failures["row_number"].tolist() == [8, 9] and set(failures["expectation"]) == {"row_shape"}
    assert failures["reason"].str.startswith("line 8 and line 9 hold one record cut in 2 parts").all()
    raw = meldingen.read(path)                                     # a source's read keeps them in its rows' attrs
    assert common.row_shape_failures(raw).equals(failures)
    assert common.row_shape_failures(raw.iloc[:0].assign(row_number=[])).empty


def test_an_ingest_quarantines_a_cut_record_under_its_line_reason_and_stores_neither_half(home, tmp_path):
    """The reader told the cut record; the load quarantines both lines under that reason, rows in = accepted +
    quarantined, and neither half of the name is stored anywhere."""
    from tests.adversarial.leaks import find_leaks
    from tests.conftest import load_file

    path = tmp_path / "meldingen_2025-03.csv"
    path.write_text("\n".join([HEADER, *GOOD, "SIG-40100;15-03-2025;Afval;Gerrit", "Brinkhuis;BU01185008"]) + "\n")
    result = load_file(home, path)
    assert (result.rows_read, result.rows_quarantined) == (len(GOOD) + 2, 2)
    with connect(home.warehouse) as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM quarantine.rows ORDER BY row_number").fetchall()]
    assert len(reasons) == 2 and all("hold one record cut in 2 parts" in r for r in reasons)
    assert not find_leaks(("Gerrit", "Brinkhuis"), [home.root])


def test_an_ingest_reads_a_value_behind_a_right_to_left_override_as_shown(home, tmp_path):
    """\u202e87654321-60 shows as 06-12345678: the reader removed the override and kept 87654321-60, which the
    scanner did not know for a number (red team round 9)."""
    from tests.adversarial.leaks import find_leaks
    from tests.conftest import load_file

    path = tmp_path / "meldingen_2025-03.csv"
    path.write_text("\n".join([HEADER, *GOOD, "SIG-40100;15-03-2025;Afval;\u202e57382914-60;BU01185008",
                                "SIG-40101;15-03-2025;Afval;\u202eseirV ed naJ;BU01185008"]) + "\n")
    result = load_file(home, path)
    assert (result.rows_read, result.rows_quarantined) == (len(GOOD) + 2, 2)
    assert not find_leaks(("57382914", "41928375", "seirV", "Vries"), [home.root])


# --- wijkradar detect ------------------------------------------------------------------------------

def _counts(path, ids: list[str], periods: int = 120):
    rows = ["series,period_index,count"] + [f"{s},{t},{t % 5}" for s in ids for t in range(1, periods + 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("mark", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f"])
def test_detect_refuses_an_id_with_a_direction_control_naming_its_rows(tmp_path, mark):
    src = _counts(tmp_path / "in.csv", ["BU01185008", f"{mark}87654321-60"])
    with pytest.raises(DetectInputError, match=r"invisible direction control character \(data row\(s\) 121, 122, 123, "
                                               r"124, 125 and 115 more\)") as err:
        detect_file(src, tmp_path / "out.csv", method="auto")
    assert "87654321" not in str(err.value) and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("value", ["Jan_x0020_de_x0020_Vries", "jan_x0040_ziggo.nl"])
def test_detect_refuses_an_id_that_shows_personal_data_once_its_ooxml_escapes_are_read(tmp_path, value):
    src = _counts(tmp_path / "in.csv", ["BU01185008", value])
    with pytest.raises(DetectInputError, match="looks like personal data") as err:
        detect_file(src, tmp_path / "out.csv", method="auto")
    assert value not in str(err.value) and not (tmp_path / "out.csv").exists()


def test_detect_names_the_data_rows_that_hold_a_personal_id(tmp_path):
    src = _counts(tmp_path / "in.csv", ["René Jansen", "BU01185008", "BU01185101", "BU01186000"])
    with pytest.raises(DetectInputError, match=r"data row\(s\) 1, 2, 3, 4, 5 and 115 more\)"):
        detect_file(src, tmp_path / "out.csv", method="auto")
    src = _counts(tmp_path / "in2.csv", ["BU01185008", "BU01185101", "René Jansen"])
    with pytest.raises(DetectInputError, match=r"data row\(s\) 241, 242, 243, 244, 245 and 115 more\)"):
        detect_file(src, tmp_path / "out.csv", method="auto")
