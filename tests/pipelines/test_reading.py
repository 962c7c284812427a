"""Reading deliveries as people make them: header below title rows, data on another sheet, merged
cells, UTF-16 text, misnamed files, dates and counts as typed by hand, and hostile archives."""
import os
import struct
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipelines.sources import meldingen, wijkteam
from pipelines.sources.common import IngestError, map_columns, parse_dates, read_table
from pipelines.sources.counts import MAX_COUNT, counts_too_large, parse_counts, parse_periods
from pipelines.sources.safe_archive import check_zip, read_member, safe_files
from pipelines.sources.signalen_dwh import is_dwh_export, read_dwh

ALIASES = wijkteam.ALIASES
HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]


def one_sentence(err: pytest.ExceptionInfo, *parts: str) -> str:
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    for part in parts:
        assert part in text, text
    return text


# --- workbooks ---------------------------------------------------------------------------------

def workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (), merges=()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        if name in hidden:
            ws.sheet_state = "hidden"
        for sheet, rng in merges:
            if sheet == name:
                ws.merge_cells(rng)
    wb.save(path)
    return path


def test_xlsx_data_on_the_second_sheet_below_title_rows_with_merged_buurtcode(tmp_path):
    data = [["Rapportage signalen wijkteams gemeente Hoogeveen"], ["Periode: oktober 2026"], [],
            HEADER,
            ["BU01185000", "2026-10", "Eenzaamheid", 3],
            [None, "2026-10", "Burenruzie", 2],          # Buurtcode merged A5:A6
            [],
            ["BU01185001", "2026-10", "Eenzaamheid", 1]]
    hidden = [HEADER, ["BU09999999", "2026-10", "Eenzaamheid", 99]]
    path = workbook(tmp_path / "wijkteam.xlsx",
                    {"Voorblad": [["Wijkteams Hoogeveen"], ["Aangeleverd door de gemeente"]],
                     "Data": data, "Verborgen": hidden},
                    hidden=("Verborgen",), merges=[("Data", "A5:A6")])
    book = read_table(path, ALIASES)
    assert book.data.name == "Data" and not book.data.hidden
    frame = book.data.frame
    assert list(frame.columns) == ["row_number", *HEADER]
    assert frame["row_number"].dtype == "int64"
    assert frame["row_number"].tolist() == [5, 6, 8]
    assert frame["Buurtcode"].tolist() == ["BU01185000", "BU01185000", "BU01185001"]
    assert frame["Aantal"].tolist() == ["3", "2", "1"]
    assert [(s.name, s.hidden) for s in book.others] == [("Voorblad", False), ("Verborgen", True)]
    assert book.others[1].frame["Buurtcode"].tolist() == ["BU09999999"]   # hidden sheet read for the privacy scan

    raw = wijkteam.read(path)
    assert list(raw.columns) == ["row_number", "area_code", "period", "signal", "count"]
    assert raw["row_number"].tolist() == [5, 6, 8]


def test_the_hidden_sheet_is_used_when_only_it_holds_the_columns(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Voorblad": [["Zie tabblad"]],
                                          "Tabel": [HEADER, ["BU01185000", "2026-10", "Eenzaamheid", 3]]},
                    hidden=("Tabel",))
    book = read_table(path, ALIASES)
    assert (book.data.name, book.data.hidden) == ("Tabel", True)
    assert book.data.frame["row_number"].tolist() == [2]


def test_a_sheet_of_rows_lacking_one_column_beside_a_full_one_is_named_in_a_warning(tmp_path, caplog):
    # one sheet per month, October's naming Signaal otherwise: September loaded and October's rows vanished unseen.
    # A summary sheet (totals per buurt, no month) looks the same, so the file loads and the sheet is named
    rows = [["BU01185000", "2026-10", "Eenzaamheid", 5], ["BU01185001", "2026-10", "Eenzaamheid", 5]]
    path = workbook(tmp_path / "w.xlsx", {"September": [HEADER, ["BU01185000", "2026-09", "Eenzaamheid", 3]],
                                          "Oktober": [["Buurtcode", "Maand", "Soort", "Aantal"], *rows]})
    with caplog.at_level("WARNING", logger="wijkradar.ingest"):
        assert read_table(path, ALIASES).data.name == "September"
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "sheet 'Oktober' holds 2 row(s) under a header without the column Signaal and was not read" in warned
    assert "only sheet 'September'" in warned
    # a sheet of notes, or one lacking a column but holding no rows, is no table that could be lost
    path = workbook(tmp_path / "w.xlsx", {"September": [HEADER, ["BU01185000", "2026-09", "Eenzaamheid", 3]],
                                          "Oktober": [["Buurtcode", "Maand", "Soort", "Aantal"]],
                                          "Toelichting": [["Aantal signalen per buurt"], ["Zie het blad September"]]})
    assert read_table(path, ALIASES).data.name == "September"


def test_no_sheet_with_the_columns_is_one_sentence_naming_the_sheets(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Voorblad": [["Rapportage"]], "Data": [["Buurt", "Aantal"], ["x", 1]],
                                          "Verborgen": [["a"]]}, hidden=("Verborgen",))
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    assert str(err.value) == (
        "w.xlsx: none of the sheets ('Voorblad', 'Data', 'Verborgen') has the columns Buurtcode, Maand, Signaal, "
        "Aantal; put the table with these column headers on one sheet and load the file again")


def test_real_excel_dates_and_numbers_become_text(tmp_path):
    import datetime as dt

    path = workbook(tmp_path / "w.xlsx", {"Blad1": [HEADER, ["BU01185000", dt.datetime(2026, 9, 1), "Eenzaamheid", 4.0],
                                                    ["BU01185001", dt.datetime(2026, 10, 1), "Eenzaamheid", 2.5]]})
    frame = read_table(path, ALIASES).data.frame
    assert frame["Maand"].tolist() == ["2026-09-01T00:00:00", "2026-10-01T00:00:00"]
    assert frame["Aantal"].tolist() == ["4", "2.5"]


def test_a_formula_without_a_computed_value_reads_as_such_not_as_an_empty_cell(tmp_path):
    # a workbook written by a program (openpyxl, a report generator) and never opened in a spreadsheet holds
    # formulas without their values; a formula with its value reads as the value
    from pipelines.sources.common import UNCOMPUTED

    path = workbook(tmp_path / "w.xlsx", {"Blad1": [HEADER, ["BU01185000", "2026-09", "Eenzaamheid", "=1+2"],
                                                    ["BU01185001", "2026-10", "Eenzaamheid", 2]]})
    frame = read_table(path, ALIASES).data.frame
    assert frame["Aantal"].tolist() == [UNCOMPUTED, "2"]


# --- text files --------------------------------------------------------------------------------

def test_csv_header_below_title_rows_and_a_multi_line_field_keep_editor_line_numbers(tmp_path):
    text = ("Rapportage meldingen gemeente Hoogeveen\n"
            "Periode: week 47\n"
            "\n"
            "Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode\n"    # line 4
            'S-1;17-11-2026;Afval;"Zwerf\nafval";BU01185000\n'                        # lines 5-6
            "\n"
            "S-2;18-11-2026;Afval;Zwerfafval;BU01185001\n"                            # line 8
            ";;;;\n")
    path = tmp_path / "meldingen.csv"
    path.write_text(text, encoding="utf-8")
    frame = read_table(path, meldingen.ALIASES).data.frame
    assert list(frame.columns) == ["row_number", "Meldingnummer", "Datum melding", "Hoofdcategorie",
                                   "Subcategorie", "Buurtcode"]
    assert frame["row_number"].tolist() == [5, 8]
    assert frame["Subcategorie"].tolist() == ["Zwerf\nafval", "Zwerfafval"]
    raw = meldingen.read(path)
    assert raw["row_number"].tolist() == [5, 8] and raw["melding_id"].tolist() == ["S-1", "S-2"]


@pytest.mark.parametrize("fast", [False, True])
def test_rows_above_the_header_that_are_no_title_refuse_the_file_naming_the_line(tmp_path, monkeypatch, fast):
    # two exports pasted one below the other: the second header names the optional Meldingnummer too, so it
    # holds more known columns and was read; the first export's rows above it vanished without a word
    from pipelines.sources import common

    if fast:
        monkeypatch.setattr(common, "FAST_TEXT_CHARS", 0)
    first = ["Datum melding;Hoofdcategorie;Subcategorie;Buurtcode"] + [
        f"0{d}-10-2026;Afval;Zwerfafval;BU01185000" for d in range(1, 10)]
    second = ["Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode"] + [
        f"SIG-{n};1{n % 9}-10-2026;Afval;Grofvuil;BU01185001" for n in range(100, 110)]
    path = tmp_path / "meldingen.csv"
    path.write_text("\n".join(first + [""] + second) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "meldingen.csv: line 1 is a header row too", "(line 12)", "two tables")
    # data rows above a header (no header of their own) are no title either
    path.write_text("\n".join(first[1:4] + second) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "line 1 lies above the header row (line 4) and holds 4 filled cells", "below the header")
    # a title of a cell or two keeps working
    path.write_text("Export meldingen\nGemaakt op;20-11-2026\n\n" + "\n".join(second) + "\n", encoding="utf-8")
    assert len(meldingen.read(path)) == 10


def test_rows_above_the_header_of_a_sheet_are_refused_naming_the_sheet_and_row(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Data": [["Signalen per buurt"],
                                                   ["BU01185000", "2026-09", "Eenzaamheid", 3], [],
                                                   HEADER, ["BU01185001", "2026-10", "Eenzaamheid", 4]]})
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    one_sentence(err, "w.xlsx, sheet 'Data': row 2 lies above the header row (row 4)")


def test_sheet_names_in_these_messages_pass_the_allow_list(tmp_path, caplog):
    # a sheet named after a person was printed through the scanner alone, which reads no lone surname
    path = workbook(tmp_path / "w.xlsx", {"Zandstra": [["Overzicht", "opgesteld", "door", "team"], HEADER,
                                                       ["BU01185001", "2026-10", "Eenzaamheid", 4]]})
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    assert "Zandstra" not in one_sentence(err, "w.xlsx, sheet '[verwijderd]': row 1 lies above the header row")
    path = workbook(tmp_path / "w.xlsx", {"Signalen": [HEADER, ["BU01185000", "2026-09", "Eenzaamheid", 3]],
                                          "Wojcik": [["Buurtcode", "Maand", "Soort", "Aantal"],
                                                     ["BU01185000", "2026-10", "Eenzaamheid", 5]]})
    with caplog.at_level("WARNING", logger="wijkradar.ingest"):
        read_table(path, ALIASES)
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "sheet '[verwijderd]' holds 1 row(s)" in warned and "Wojcik" not in warned


@pytest.mark.parametrize("encoding, bom, sep", [
    ("utf-16-le", b"\xff\xfe", "\t"),      # Excel "Unicode-tekst"
    ("utf-16-be", b"\xfe\xff", "\t"),
    ("utf-8", b"\xef\xbb\xbf", ";"),
    ("utf-8", b"", ","),
    ("cp1252", b"", ";"),
])
def test_encodings_and_delimiters(tmp_path, encoding, bom, sep):
    lines = [HEADER, ["BU01185000", "2026-10", "Financiële zorgen", "4"], ["BU01185001", "2026-10", "Eenzaamheid", "1"]]
    path = tmp_path / "w.txt"
    path.write_bytes(bom + "\r\n".join(sep.join(r) for r in lines).encode(encoding) + "\r\n".encode(encoding))
    frame = read_table(path, ALIASES).data.frame
    assert list(frame.columns) == ["row_number", *HEADER]
    assert frame["row_number"].tolist() == [2, 3]
    assert frame["Signaal"].tolist() == ["Financiële zorgen", "Eenzaamheid"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])      # "\r": Excel for Mac's "CSV (Macintosh)"
def test_a_utf8_file_with_a_windows_1252_line_is_read_line_by_line_with_a_warning(tmp_path, caplog, bom, end):
    # one line typed in another program made the whole file Windows-1252: every "Financiële" became "FinanciÃ«le"
    lines = [";".join(HEADER + ["Opmerking"])] + [f"BU0118500{i};2026-10;Financiële zorgen;{i};" for i in range(4)]
    path = tmp_path / "w.csv"
    path.write_bytes(bom + (end.join(lines) + end).encode("utf-8")
                     + f"BU01185007;2026-10;Eenzaamheid;8;overleg café{end}".encode("cp1252"))
    frame = read_table(path, ALIASES).data.frame
    assert frame["Signaal"].tolist() == ["Financiële zorgen"] * 4 + ["Eenzaamheid"]
    assert frame["Opmerking"].tolist()[-1] == "overleg café" and frame.columns[1] == "Buurtcode"
    assert "1 line(s) are not UTF-8 like the rest of the file (the first is line 6)" in caplog.text


def test_a_title_or_group_label_merged_across_the_columns_above_the_header_is_one_cell(tmp_path):
    # a one-cell title merged over A1:D1 counted as four filled cells and refused the workbook as data above the header
    for merges, first in ((["A1:D1"], ["Rapportage wijkteam signalen oktober 2026", None, None, None]),
                          (["A1:B1", "C1:D1"], ["Locatie", None, "Signalen", None])):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(first)
        for span in merges:
            sheet.merge_cells(span)
        sheet.append(HEADER)
        sheet.append(["BU01185000", "2026-10", "Eenzaamheid", 3])
        book.save(tmp_path / "w.xlsx")
        assert read_table(tmp_path / "w.xlsx", ALIASES).data.frame["Buurtcode"].tolist() == ["BU01185000"]
    sheet.unmerge_cells("A1:B1")             # four cells of their own above the header are still refused
    sheet.unmerge_cells("C1:D1")
    sheet["B1"], sheet["D1"] = "Wijk", "Aantal"
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(IngestError, match="row 1 lies above the header row"):
        read_table(tmp_path / "w.xlsx", ALIASES)


def test_files_are_read_by_content_not_by_name(tmp_path):
    xlsx_as_csv = workbook(tmp_path / "export.csv", {"Blad1": [HEADER, ["BU01185000", "2026-10", "Eenzaamheid", 3]]})
    assert read_table(xlsx_as_csv, ALIASES).data.frame["Buurtcode"].tolist() == ["BU01185000"]
    csv_as_xlsx = tmp_path / "export.xlsx"
    csv_as_xlsx.write_text("Buurtcode;Maand;Signaal;Aantal\nBU01185000;2026-10;Eenzaamheid;3\n")
    assert read_table(csv_as_xlsx, ALIASES).data.frame["Aantal"].tolist() == ["3"]


@pytest.mark.parametrize("name, content, message", [
    ("rapport.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "rapport.csv: this is a PDF document, not a table; "
                                                             "export the data as CSV or XLSX"),
    ("leeg.csv", b"", "leeg.csv: the file is empty (0 bytes); export the data again as CSV or XLSX and deliver "
                      "that file"),
    ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "oud.xls: this is an old Excel 97-2003 .xls file; "
                                                                    "save it as .xlsx or CSV and deliver that"),
    ("plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "plaatje.csv: this is a binary file, not CSV text; "
                                                                   "export the data again as CSV (semicolon- or "
                                                                   "comma-separated) or XLSX"),
    ("archief.xlsx", None, "archief.xlsx: this is a zip archive, not an XLSX workbook; if it is a Signalen export "
                           "(several CSV files), rename it to .zip and deliver that, else unpack it and deliver the "
                           "CSV or XLSX file inside"),
    ("leeg2.csv", b"\n\n;;;\n", "leeg2.csv: there is no table in the file (only empty lines or cells)"),
])
def test_what_is_not_a_table_gets_one_sentence(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("data.csv", "Buurtcode;Maand\n")
    else:
        path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    assert one_sentence(err).startswith(message)


def test_a_strict_open_xml_workbook_is_refused_saying_how_to_save_it(tmp_path):
    # Excel's "Strict Open XML Spreadsheet" (.xlsx): openpyxl sees no cells; it was refused as holding no table
    book = zipfile.ZipFile(workbook(tmp_path / "src.xlsx", {"Blad1": [HEADER, ["BU01185000", "2026-10", "x", 1]]}))
    path = tmp_path / "w.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for info in book.infolist():
            z.writestr(info.filename, book.read(info.filename)
                       .replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                b"http://purl.oclc.org/ooxml/spreadsheetml/main"))
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    one_sentence(err, "w.xlsx: the workbook is saved as Strict Open XML",
                 "save it as an ordinary Excel workbook (.xlsx)")


@pytest.mark.parametrize("at", [3, 1500])          # within the first 8 KB, and far below
def test_a_nul_character_in_a_text_file_is_refused_naming_its_line(tmp_path, at):
    # one NUL (a database export's padding byte) in a 2,000-line CSV was refused as "a binary file", no line named
    lines = [";".join(HEADER)] + [f"BU01185000;2026-10;Eenzaamheid;{i}" for i in range(2000)]
    lines[at - 1] = lines[at - 1].replace("Eenzaamheid", "Eenzaamheid\x00")
    path = tmp_path / "w.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    one_sentence(err, f"w.csv: line {at} holds a NUL character", "remove the NUL characters")
    # bytes that are no text keep their sentence
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    one_sentence(err, "w.csv: this is a binary file, not CSV text")


def test_a_missing_column_message_shows_no_cell_values(tmp_path):
    path = tmp_path / "w.csv"    # no header: the first data row becomes the "header"
    path.write_text("BU01185000;2026-10;j.jansen@example.nl;3\nBU01185001;2026-10;x@example.nl;1\n")
    with pytest.raises(IngestError) as err:
        map_columns(read_table(path, ALIASES).data.frame, ALIASES, path)
    text = one_sentence(err, "required column(s) missing", "Found columns")
    assert "j.jansen@example.nl" not in text and "row_number" not in text


# A red team found a sheet name and a column header that named a person (on no name list) printed, and so logged in
# Prefect's database by the weekly flow: sheet names and headers are shown through the allow-list of labels.
def test_sheet_names_and_headers_are_shown_through_the_allow_list_of_labels(tmp_path, caplog):
    import logging

    from pipelines.sources.common import other_sheets_checked

    rows = [HEADER, ["BU01185000", "2026-10", "Eenzaamheid", 3]]
    path = workbook(tmp_path / "w.xlsx", {"Agnieszka Nowicka": rows, "Blad2": rows})
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    assert "Agnieszka" not in one_sentence(err, "'Blad2'", "2 sheets")
    path = tmp_path / "k.csv"
    path.write_text("Buurtcode;Maand;Signaal;Wiktor Kaminski;Aantallen\nBU01185000;2026-10;Eenzaamheid;x;3\n")
    with pytest.raises(IngestError) as err:
        map_columns(read_table(path, ALIASES).data.frame, ALIASES, path)
    assert "Wiktor" not in one_sentence(err, "Found columns: ['Buurtcode', 'Maand', 'Signaal', '[verwijderd]', "
                                             "'Aantallen']")
    path = workbook(tmp_path / "v.xlsx", {"Signalen": rows, "Krzysztof Dabrowski": [["Naam", "BSN"],
                                                                                   ["K. Dabrowski", "111222333"]]},
                    hidden=("Krzysztof Dabrowski",))
    with caplog.at_level(logging.WARNING, logger="wijkradar.ingest"):
        other_sheets_checked(read_table(path, ALIASES), path)
    assert "(hidden) holds personal data" in caplog.text and "Krzysztof" not in caplog.text


# --- dates, periods, counts ----------------------------------------------------------------------

def test_dates_as_people_write_them():
    cases = {
        "2026-03-29T01:30:00+01:00": "2026-03-29 01:30:00",   # winter time ...
        "2026-03-29T03:30:00+02:00": "2026-03-29 03:30:00",   # ... and summer time in one column
        "2026-11-02T08:00:00Z": "2026-11-02 09:00:00",
        "2026-11-02 09:00:00+01": "2026-11-02 09:00:00",
        "2026-11-02": "2026-11-02 00:00:00",
        "2026-11-02 14:05": "2026-11-02 14:05:00",
        "02-11-2026": "2026-11-02 00:00:00",
        "2/11/2026": "2026-11-02 00:00:00",
        "02.11.2026 14:30": "2026-11-02 14:30:00",
        "45566": "2024-10-01 00:00:00",
        "6 december 2021": "2021-12-06 00:00:00",
        "6 dec. 2021": "2021-12-06 00:00:00",
        "6 dec 2021": "2021-12-06 00:00:00",
        "ma 6 dec 2021": "2021-12-06 00:00:00",
        "maandag 6 december 2021": "2021-12-06 00:00:00",
        "06122021": "2021-12-06 00:00:00",
        "20211206": "2021-12-06 00:00:00",
        "25-12-32": "2032-12-25 00:00:00",      # 2025-12-32 is no date: unambiguous
        "06-12-21": None,                       # 2021-12-06 or 2006-12-21: never guessed
        "di 6 dec 2021": None,                  # 6 December 2021 was a Monday
        "31-02-2021": None,
        "vorige week": None,
        "": None,
        "12345678": None,
    }
    got = parse_dates(pd.Series(list(cases)))
    assert got.dtype == "datetime64[us]"
    assert [None if pd.isna(v) else str(v) for v in got] == list(cases.values())


def test_a_million_dates_parse_per_distinct_value():
    days = pd.date_range("2020-01-01", periods=2000).strftime("%d-%m-%Y")
    values = pd.Series(np.random.default_rng(1).choice(days, 1_000_000))
    start = time.perf_counter()
    got = parse_dates(values)
    print(f"1M dates, 2000 distinct: {time.perf_counter() - start:.3f} s")
    assert got.notna().all() and got.iloc[0] == pd.Timestamp(pd.to_datetime(values.iloc[0], format="%d-%m-%Y"))


def test_periods():
    cases = {"2026-10": ("month", "2026-10-01"), "oktober 2026": ("month", "2026-10-01"),
             "okt. 2026": ("month", "2026-10-01"), "dec-21": ("month", "2021-12-01"),
             "december 2021": ("month", "2021-12-01"), "01-10-2026": ("month", "2026-10-01"),
             "1 oktober 2026": ("month", "2026-10-01"), "45566": ("month", "2024-10-01"),
             "2026-10-01T00:00:00": ("month", "2026-10-01"), "2026-W43": ("week", "2026-10-19"),
             "week 43 2026": ("week", "2026-10-19"), "202610": ("month", "2026-10-01"),
             "2026-10-02": (None, None), "01-10-26": (None, None), "oktober": (None, None), "2025-W53": (None, None)}
    kind, start = parse_periods(pd.Series(list(cases)))
    got = [(k, None if pd.isna(s) else str(s.date())) for k, s in zip(kind, start)]
    assert got == list(cases.values())


def test_counts():
    values = pd.Series(["12", "1.234", "2,5", "-3", "inf", "-inf", "NaN", "nan", "1e20", "1E5", str(MAX_COUNT),
                        str(MAX_COUNT + 1), "een paar", ""])
    got = parse_counts(values)
    assert got.dtype == "float64"
    assert [None if pd.isna(v) else v for v in got] == [12, 1234, 2.5, -3, None, None, None, None, None, None,
                                                        MAX_COUNT, None, None, None]
    assert counts_too_large(values).tolist() == [False] * 8 + [True, False, False, True, False, False]


# --- archives and folders ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """768 MiB of zeros in a zip of under 1 MB, written in 1 MiB chunks."""
    path = tmp_path_factory.mktemp("bomb") / "meldingen_dwh.zip"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("signals.csv", "w", force_zip64=True) as fh:
            for _ in range(768):
                fh.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_inflated(bomb, tmp_path):
    assert bomb.stat().st_size < 5 * 1024 * 1024
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(IngestError) as err:
        check_zip(bomb)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"zip bomb refused in {elapsed * 1000:.1f} ms, peak {peak / 1024:.0f} KiB")
    one_sentence(err, "meldingen_dwh.zip: refused, the member 'signals.csv' would inflate to 768 MB")
    with pytest.raises(IngestError) as err:
        check_zip(bomb, max_member=10 ** 12, max_total=10 ** 12)
    one_sentence(err, "which is what a zip bomb does")
    with pytest.raises(IngestError):
        meldingen.read(bomb)
    as_xlsx = tmp_path / "bom.xlsx"
    as_xlsx.write_bytes(bomb.read_bytes())
    with pytest.raises(IngestError) as err:
        read_table(as_xlsx, ALIASES)
    one_sentence(err, "bom.xlsx: refused")


@pytest.mark.parametrize("second", ["xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"])
def test_a_member_name_that_occurs_twice_is_refused(tmp_path, second):
    # a workbook with two sheet1.xml loaded silently from the last one (Excel calls such a file damaged)
    import io

    book = zipfile.ZipFile(workbook(tmp_path / "src.xlsx", {"Blad1": [HEADER, ["BU01185000", "2026-10", "x", 1]]}))
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as z:
        warnings.simplefilter("ignore")          # zipfile warns of the duplicate name, and writes it
        for info in book.infolist():
            z.writestr(info.filename, book.read(info.filename))
        z.writestr(second, book.read("xl/worksheets/sheet1.xml").replace(b">1<", b">999<"))
    path = tmp_path / "w.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    one_sentence(err, "w.xlsx: refused, the workbook holds the member", "twice")


@pytest.mark.parametrize("member, shown, why", [      # shown: as privacy.scrub_file_name prints a member's name
    ("../../export.csv", "../../export.csv", "climbs out of the archive"),
    ("/etc/passwd", "/etc/passwd", "has an absolute path"),
    ("C:\\Windows\\export.csv", "C:/Windows/export.csv", "has an absolute path"),
    ("link.csv", "[verwijderd].csv", "is a symbolic link"),
])
def test_unsafe_members_are_refused(tmp_path, member, shown, why):
    path = tmp_path / "dump.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("signals.csv", "id,created_at,location_id,category_assignment_id\n")
        info = zipfile.ZipInfo(member)
        if member == "link.csv":
            info.create_system = 3
            info.external_attr = 0o120777 << 16
        z.writestr(info, "/etc/passwd" if member == "link.csv" else "x")
    with pytest.raises(IngestError) as err:
        check_zip(path)
    one_sentence(err, f"dump.zip: refused, the member {shown!r} {why}")
    with pytest.raises(IngestError):
        is_dwh_export(path)


def test_a_member_that_inflates_past_its_declared_size_is_refused(tmp_path):
    path = tmp_path / "dump.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("signals.csv", b"a" * 100_000)
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)       # declared (uncompressed) size: 100 bytes
    struct.pack_into("<I", data, central + 24, 100)
    path.write_bytes(bytes(data))
    check_zip(path)                                     # the directory itself looks harmless
    with zipfile.ZipFile(path) as z, pytest.raises(IngestError) as err:
        read_member(z, z.getinfo("signals.csv"), path=path)
    one_sentence(err, "dump.zip: ", "'signals.csv'")


def dwh_files(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "signals.csv").write_text("id,created_at,location_id,category_assignment_id,text\n"
                                        '1,2026-11-02 09:00:00+01,1,11,"geheim\nmeerdere regels"\n'
                                        "2,2026-11-03 10:00:00+01,2,12,\n")
    (folder / "locations.csv").write_text("id,buurt_code,area_code\n1,,BU01185000\n2,BU01185001,\n")
    (folder / "categories.csv").write_text("id,main,sub\n11,afval,zwerfafval\n12,afval,grofvuil\n")


def test_a_dump_folder_is_read_and_a_symlink_in_it_refused(tmp_path):
    folder = tmp_path / "dump"
    dwh_files(folder)
    assert is_dwh_export(folder)
    got = read_dwh(folder)
    assert got["row_number"].tolist() == [2, 3] and got["area_code"].tolist() == ["BU01185000", "BU01185001"]
    assert [p.name for p in safe_files(folder)] == ["categories.csv", "locations.csv", "signals.csv"]

    secret = tmp_path / "secret.csv"
    secret.write_text("id,buurt_code,area_code\nroot:x:0:0,BU01185000,\n")
    (folder / "locations.csv").unlink()
    os.symlink(secret, folder / "locations.csv")
    for call in (safe_files, is_dwh_export, read_dwh):
        with pytest.raises(IngestError) as err:
            call(folder)
        text = one_sentence(err, "dump: refused, 'locations.csv' is a symbolic link and links are not followed")
        assert "root:x" not in text and str(secret) not in text


def test_a_dump_folders_link_or_pipe_is_refused_without_its_name(tmp_path):
    # a link or a pipe named after a person was printed as named ("holds a symbolic link (Zandstra)"): file and
    # folder names in a message pass the allow-list, as zip members' do
    from pipelines.ingest import content_hash

    folder = tmp_path / "meldingen_dump"
    dwh_files(folder)
    (folder / "Zandstra").mkdir()
    os.symlink(folder / "signals.csv", folder / "Zandstra" / "WOJCIK")
    with pytest.raises(IngestError) as err:
        content_hash(folder)
    text = one_sentence(err, "meldingen_dump: holds a symbolic link ([verwijderd]/[verwijderd])")
    with pytest.raises(IngestError) as err:
        safe_files(folder)
    text += one_sentence(err, "meldingen_dump: refused, '[verwijderd]/[verwijderd]' is a symbolic link")
    (folder / "Zandstra" / "WOJCIK").unlink()
    os.mkfifo(folder / "Zandstra" / "WOJCIK")
    with pytest.raises(IngestError) as err:
        safe_files(folder)
    text += one_sentence(err, "meldingen_dump: refused, '[verwijderd]/[verwijderd]' is not a regular file")
    assert "Zandstra" not in text and "WOJCIK" not in text


def test_a_dump_zip_is_read_through_the_bounded_reader(tmp_path):
    folder = tmp_path / "dump"
    dwh_files(folder)
    path = tmp_path / "dump.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in folder.iterdir():
            z.write(f, f"export/{f.name}")
    assert is_dwh_export(path)
    raw = meldingen.read(path)
    assert raw["row_number"].tolist() == [2, 3]
    assert raw["created"].tolist() == ["2026-11-02 09:00:00+01", "2026-11-03 10:00:00+01"]


@pytest.mark.parametrize("text", [
    "Buurtcode;Maand;Signaal;Aantal\nBU01185000;2026-10;Eenzaamheid;3\n\nBU01185001;2026-10;Eenzaamheid;4\n",
    # line lengths are counted in bytes from the line breaks: letters of two bytes, blank lines at the end
    "Buurtcode;Maand;Signaal;Aantal\r\nBU01185000;2026-10;Eénzaamheid;3\r\n\r\n\nBU01185001;2026-10;Eenzaamheid;4\n\n\n",
    "Rapportage gemeente\nPeriode: oktober\n\nBuurtcode;Maand;Signaal;Aantal\r\nBU01185000;2026-10;Eenzaamheid;3\r\n",
    'Buurtcode,Maand,Signaal,Aantal,Opmerking\nBU01185000,2026-10,Eenzaamheid,3,"twee\nregels"\n'
    'BU01185001,2026-10,Eenzaamheid,4,"en ""quotes"""\n;;;\nBU01185002,2026-10,Eenzaamheid,5,\n',
    "Buurtcode\tMaand\tSignaal\tAantal\t\nBU01185000\t2026-10\tEenzaamheid\t3\t\nBU01185001\t2026-10\tEenzaamheid\n",
    # the first row wider than its header: pandas' parser would cut every row to the header (a warning only)
    'Buurtcode;Maand;Signaal;Aantal\nBU01185001;2026-10;Een;zaamheid;4\nBU01185000;2026-10;"Een;zaamheid";3\n',
])
def test_the_fast_reader_for_large_text_gives_exactly_what_the_exact_reader_gives(tmp_path, monkeypatch, text):
    from pipelines.sources import common
    from pipelines.sources.wijkteam import ALIASES

    path = tmp_path / "wijkteam.csv"
    path.write_text(text * 3, encoding="utf-8")
    exact = common.read_table(path, ALIASES).data.frame
    monkeypatch.setattr(common, "FAST_TEXT_CHARS", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = common.read_table(path, ALIASES).data.frame
    pd.testing.assert_frame_equal(fast, exact, check_dtype=False)
    assert exact["row_number"].is_monotonic_increasing
