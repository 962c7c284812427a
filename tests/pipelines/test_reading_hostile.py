"""Reading inputs that used to lose rows or fail a run silently: stray quotes, damaged or password-protected
zips, several dumps in one zip, several data sheets, formulas with empty results, 1904 workbooks, shared-string
bombs, numeric cells in counts. Each refusal is one sentence; each load counts every row."""
import zipfile
from pathlib import Path

import pytest

from pipelines.sources import meldingen
from pipelines.sources.common import IngestError, read_table
from pipelines.sources.signalen_dwh import read_dwh
from tests.adversarial.corpus import _patched_zip as patched_zip   # the corpus writes the same zips
from tests.pipelines.test_reading import one_sentence

M_HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def report_lines(n: int, prefix: str = "M") -> list[str]:
    return [f"{prefix}-{i};{1 + i % 28:02d}-10-2026;Afval;Zwerfafval;BU01185000" for i in range(n)]


# --- item 1: a stray quote swallows the lines after it -------------------------------------------

@pytest.mark.parametrize("n", [20, 40_000])      # the exact reader, and pandas' fast reader (> 1 MB)
def test_a_stray_quote_is_refused_naming_its_line(tmp_path, n):
    lines = [";".join(M_HEADER), *report_lines(n)]
    lines[5] = lines[5].replace(";", ';"', 1)            # M-4;"05-10-2026;... never closed
    path = tmp_path / "meldingen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "meldingen.csv: ", "line 6", "close or remove the quote")

    lines[15] += '"'                                      # closed ten lines later: ten reports swallowed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "line 6")


@pytest.mark.parametrize("n", [20, 40_000])
def test_quoted_cells_over_several_lines_still_load(tmp_path, n):
    lines = [";".join(M_HEADER + ["Toelichting"])]
    lines += [line + (';"gezien; twee keer\nopnieuw ""gemeld""\n"' if i % 7 == 0 else ";") for i, line in
              enumerate(report_lines(n))]
    path = tmp_path / "meldingen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = read_table(path, meldingen.ALIASES)
    assert len(book.data.frame) == n
    assert book.data.frame["row_number"].iloc[:3].tolist() == [2, 5, 6]


def test_a_stray_quote_in_a_signalen_dump_is_refused(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    lines = ["id,created_at,location_id,category_assignment_id"]
    lines += [f"{i},2026-11-0{1 + i % 9} 09:00:00+01,1,11" for i in range(20)]
    lines[5] = lines[5].replace(",", ',"', 1)
    lines[15] += '"'
    (folder / "signals.csv").write_text("\n".join(lines) + "\n")
    (folder / "locations.csv").write_text("id,buurt_code,area_code\n1,,BU01185000\n")
    (folder / "categories.csv").write_text("id,main,sub\n11,afval,zwerfafval\n")
    with pytest.raises(IngestError) as err:
        read_dwh(folder)
    one_sentence(err, "dump, signals.csv: ", "line 6")


# --- item 2: zips that cannot be inflated --------------------------------------------------------


def dump_zip(member_dir: str = "") -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(member_dir + "signals.csv", "id,created_at,location_id,category_assignment_id\n"
                   + "".join(f"{i},2026-11-02 09:00:00+01,1,11\n" for i in range(400)))
        z.writestr(member_dir + "locations.csv", "id,buurt_code,area_code\n1,,BU01185000\n")
        z.writestr(member_dir + "categories.csv", "id,main,sub\n11,afval,zwerfafval\n")
    return buffer.getvalue()


def damaged(data: bytes, member: str) -> bytes:
    import io

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename)
    b = bytearray(data)
    for k in range(start + 20, start + 60):
        b[k] ^= 0xFF
    return bytes(b)


@pytest.mark.parametrize("kind, expected", [
    ("password", "is protected with a password"),
    ("deflate64", "zip method 9, Deflate64"),
    ("method99", "zip method 99"),
    ("damaged", "is damaged and cannot be read"),
])
def test_a_zip_that_cannot_be_inflated_is_refused_in_one_sentence_without_personal_names(tmp_path, kind, expected):
    data = dump_zip("export Jan de Vries 0612345678/")
    data = {"password": lambda: patched_zip(data, flag_bits=1), "deflate64": lambda: patched_zip(data, method=9),
            "method99": lambda: patched_zip(data, method=99),
            "damaged": lambda: damaged(data, "export Jan de Vries 0612345678/signals.csv")}[kind]()
    path = tmp_path / "meldingen_dump.zip"
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    text = one_sentence(err, "meldingen_dump.zip: ", expected)
    assert "0612345678" not in text and "Vries" not in text


def test_a_damaged_or_password_protected_workbook_is_refused_in_one_sentence(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for i in range(300):
        wb.active.append(["BU01185000", "2026-10", "Eenzaamheid", i])
    good = tmp_path / "good.xlsx"
    wb.save(good)
    for name, data in (("damaged.xlsx", damaged(good.read_bytes(), "xl/worksheets/sheet1.xml")),
                       ("password.xlsx", patched_zip(good.read_bytes(), flag_bits=1))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(IngestError) as err:
            read_table(path)
        one_sentence(err, f"{name}: ")


def test_an_unexpected_error_of_one_file_is_its_refusal_not_the_runs_failure(tmp_path, monkeypatch, caplog, capsys):
    from pipelines import flows
    from pipelines.paths import resolve_home

    secret = "File 'Jan de Vries 0612345678.csv' is encrypted"

    def boom(*args, **kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr(flows, "ingest_file", boom)
    home = resolve_home(tmp_path / "home")
    path = home.inbox / "meldingen_okt.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    outcome = flows.ingest.fn(home, path, "meldingen", None)
    assert outcome.load is None and not outcome.held
    assert outcome.refused.startswith("meldingen_okt.csv: the file could not be read (RuntimeError); ")
    logged = caplog.text + capsys.readouterr().err     # records or stderr: the logging setup depends on other tests
    assert "0612345678" not in outcome.refused + logged and "RuntimeError" in logged


# --- item 3: several exports in one zip ----------------------------------------------------------

def test_a_zip_or_folder_with_two_signalen_exports_is_refused_naming_how_many(tmp_path):
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for folder in ("okt/", "nov/"):
            source = zipfile.ZipFile(io.BytesIO(dump_zip()))
            for info in source.infolist():
                z.writestr(folder + info.filename, source.read(info))
    path = tmp_path / "meldingen_dump.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "meldingen_dump.zip: the zip holds 2 files named signals.csv", "one export per zip")

    dump = tmp_path / "dump"
    for folder in ("okt", "nov"):
        (dump / folder).mkdir(parents=True)
        source = zipfile.ZipFile(io.BytesIO(dump_zip()))
        for info in source.infolist():
            (dump / folder / info.filename).write_bytes(source.read(info))
    with pytest.raises(IngestError) as err:
        read_dwh(dump)
    one_sentence(err, "dump: the folder holds 2 files named signals.csv")


# --- item 4: the data on several sheets ----------------------------------------------------------

def test_a_workbook_with_the_data_on_several_sheets_is_refused_naming_them(tmp_path):
    import openpyxl

    from pipelines.sources import wijkteam

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, month in (("september", "2026-09"), ("oktober", "2026-10"), ("leeg", None)):
        ws = wb.create_sheet(title)
        ws.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
        for _ in range(3 if month else 0):
            ws.append(["BU01185000", month, "eenzaamheid", 3])
    path = tmp_path / "wijkteam_per_maand.xlsx"
    wb.save(path)
    with pytest.raises(IngestError) as err:
        read_table(path, wijkteam.ALIASES)
    one_sentence(err, "wijkteam_per_maand.xlsx: 2 sheets ('september', 'oktober') hold a table", "one sheet")


# --- item 5: a formula whose computed value is an empty text -------------------------------------

def rewritten_sheet(path: Path, change) -> None:
    """Rewrite ``xl/worksheets/sheet1.xml`` of the workbook at ``path`` through ``change(xml) -> xml``."""
    import io

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            z.writestr(info.filename, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    path.write_bytes(out.getvalue())


def test_a_formula_with_an_empty_text_result_is_an_empty_cell_and_its_row_is_ignored(tmp_path):
    import openpyxl

    from pipelines.sources.common import UNCOMPUTED

    wb = openpyxl.Workbook()
    wb.active.append(M_HEADER)
    for line in report_lines(3):
        wb.active.append(line.split(";"))
    path = tmp_path / "meldingen.xlsx"
    wb.save(path)
    rows = [b'<row r="%d"><c r="E%d" t="str"><f>IF(A%d="","",A%d)</f>%s</c></row>' % (k, k, k, k, v)
            for k, v in ((5, b"<v></v>"), (6, b"<v/>"), (7, b"<v />"))]
    uncomputed = b'<row r="8"><c r="A8"><f>A2</f><v /></c></row>'      # openpyxl's: no result at all
    rewritten_sheet(path, lambda xml: xml.replace(b"</sheetData>", b"".join(rows) + uncomputed + b"</sheetData>"))
    frame = read_table(path, meldingen.ALIASES).data.frame
    assert frame["row_number"].tolist() == [2, 3, 4, 8]
    assert frame["Meldingnummer"].tolist()[-1] == UNCOMPUTED


@pytest.mark.parametrize("rows", [3, 6_000])       # one block of the sheet's XML, and two (1 MB each)
@pytest.mark.parametrize("strip", [rb'(<(?:c|row)\b[^>]*?) r="[A-Z]*\d+"', rb'(<c\b[^>]*?) r="[A-Z]+\d+"'])
def test_an_uncomputed_formula_in_a_cell_without_its_position_is_read_as_such(tmp_path, rows, strip):
    """``r`` is optional (streaming writers leave it out): a row of formulas without computed values read as empty
    was dropped as an empty row, its report lost."""
    import re

    import openpyxl

    from pipelines.sources.common import UNCOMPUTED

    wb = openpyxl.Workbook()
    wb.active.append(M_HEADER)
    for line in report_lines(rows):
        wb.active.append(line.split(";"))
    path = tmp_path / "meldingen.xlsx"
    wb.save(path)
    formula_rows = sorted({2 + rows // 3, 2 + rows // 2, rows + 2})
    cells = b"".join(b"<c><f>A%d</f></c>" % k for k in range(2, 7))

    def change(xml: bytes) -> bytes:
        for k in formula_rows[:-1]:            # a row in the middle made formulas: no value in any cell
            xml = re.sub(rb'<row r="%d"[^>]*>.*?</row>' % k, b'<row r="%d">%s</row>' % (k, cells), xml, flags=re.S)
        xml = xml.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (formula_rows[-1], cells))
        return re.sub(strip, rb"\1", xml)
    rewritten_sheet(path, change)
    frame = read_table(path, meldingen.ALIASES).data.frame
    assert len(frame) == rows + 1
    assert frame["row_number"].tolist() == list(range(2, rows + 3))
    got = frame.loc[frame["Meldingnummer"].eq(UNCOMPUTED), "row_number"].tolist()
    assert got == formula_rows and frame.loc[frame["row_number"].isin(got), "Buurtcode"].eq(UNCOMPUTED).all()


# --- item 7: workbooks of the 1904 date system ---------------------------------------------------

def test_day_numbers_of_a_1904_workbook_count_from_1904_in_date_columns_only(tmp_path):
    from datetime import date, datetime

    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from pipelines.sources import wijkteam
    from pipelines.sources.common import parse_dates
    from pipelines.sources.counts import parse_periods

    day = (date(2026, 3, 10) - date(1904, 1, 1)).days           # 44629: 10-03-2026 in the 1904 system
    first = (date(2026, 10, 1) - date(1904, 1, 1)).days
    for system in ("1904", "1900"):
        wb = openpyxl.Workbook()
        if system == "1904":
            wb.epoch = CALENDAR_MAC_1904
        wb.active.append(M_HEADER)
        wb.active.append([45000, day if system == "1904" else day + 1462, "Afval", "Zwerfafval", "BU01185000"])
        wb.active.append(["M-2", datetime(2026, 3, 10), "Afval", "Zwerfafval", "BU01185000"])
        wb.active.cell(3, 2).number_format = "dd-mm-yyyy"
        path = tmp_path / f"meldingen_{system}.xlsx"
        wb.save(path)
        frame = read_table(path, meldingen.ALIASES).data.frame
        assert parse_dates(frame["Datum melding"]).dt.date.tolist() == [date(2026, 3, 10)] * 2, system
        assert frame["Meldingnummer"].tolist()[0] == "45000"          # a number, not a date: kept as it is

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    wb.active.append(["BU01185000", first, "eenzaamheid", 25000])
    path = tmp_path / "wijkteam_1904.xlsx"
    wb.save(path)
    frame = read_table(path, wijkteam.ALIASES).data.frame
    assert parse_periods(frame["Maand"])[1].dt.date.tolist() == [date(2026, 10, 1)]
    assert frame["Aantal"].tolist() == ["25000"]


# --- item 8: a shared-strings bomb ---------------------------------------------------------------

def workbook_with_strings(path: Path, strings: list[str], used_rows: int) -> Path:
    """A meldingen workbook whose cells take their texts from a shared-strings part of ``strings``: the header and
    ``used_rows`` reports use the first ones, the rest are unused."""
    import io

    import openpyxl

    header = [f"<c r=\"{c}1\" t=\"s\"><v>{i}</v></c>" for i, c in enumerate("ABCDE")]
    body = []
    for r in range(2, used_rows + 2):
        body.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{5 + r - 2}</v></c><c r="B{r}"><v>46300</v></c>'
                    f'<c r="C{r}" t="s"><v>2</v></c><c r="D{r}" t="s"><v>3</v></c><c r="E{r}" t="s"><v>4</v></c></row>')
    sheet = f'<row r="1">{"".join(header)}</row>{"".join(body)}'.encode()
    sst = (b'<?xml version="1.0" encoding="UTF-8"?>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + b"".join(b"<si><t>%s</t></si>" % s.encode() for s in strings) + b"</sst>")
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    source = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            if info.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb"<sheetData\s*/>|<sheetData>.*</sheetData>", b"<sheetData>" + sheet + b"</sheetData>",
                              data)
            z.writestr(info.filename, data)
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def test_a_shared_strings_part_far_beyond_the_sheets_text_cells_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from pipelines.sources import common

    monkeypatch.setattr(common, "SST_CHECK_BYTES", 10_000)
    monkeypatch.setattr(common, "SST_SPARE", 1_000)
    texts = M_HEADER[:1] + ["Datum melding", "Afval", "Zwerfafval", "BU01185000"]
    used = workbook_with_strings(tmp_path / "used.xlsx", texts + [f"M-{i}" for i in range(3_000)], 3_000)
    assert len(read_table(used, meldingen.ALIASES).data.frame) == 3_000

    bomb = workbook_with_strings(tmp_path / "bomb.xlsx", texts + [f"M-{i}" for i in range(20_000)], 10)
    with pytest.raises(IngestError) as err:
        read_table(bomb, meldingen.ALIASES)
    one_sentence(err, "bomb.xlsx: refused, the workbook's list of texts (sharedStrings.xml) holds 20,005 texts",
                 "while its sheets have 45 text cells")


# --- item 9: an Excel binary workbook -------------------------------------------------------------

def test_an_xlsb_workbook_is_named_as_such(tmp_path):
    path = tmp_path / "wijkteam_okt.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    with pytest.raises(IngestError) as err:
        read_table(path)
    one_sentence(err, "wijkteam_okt.xlsb: this is an Excel binary workbook (.xlsb)", "save it as .xlsx or CSV")


@pytest.mark.parametrize("name, content, what", [
    ("meldingen_export.csv", "<html><body><table><tr><td>Meldingnummer</td></tr></table></body></html>", "a web page"),
    ("meldingen_export.xlsx", "\ufeff<!DOCTYPE html>\n<html>", "a web page"),
    ("meldingen_export.xls", '<?xml version="1.0"?>\n<table><tr><td>1</td></tr></table>', "a web page"),
    ("wijkteam_xml2003.xlsx", '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook>',
     "an Excel 2003 XML spreadsheet"),
    ("wijkteam_xml2003.csv", '<?xml version="1.0"?>\n<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:'
     'spreadsheet">', "an Excel 2003 XML spreadsheet"),
    ("meldingen_api.csv", '<?xml version="1.0"?><meldingen><melding id="1"/></meldingen>', "an XML file"),
    ("meldingen_api.csv", '[\n {"Meldingnummer": "M-1"}\n]', "a JSON file"),
    ("meldingen_api.csv", '{"meldingen": []}', "a JSON file"),
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_html_xml_and_json_are_named_as_such_not_as_missing_columns(tmp_path, name, content, what, encoding):
    """They were read as text, their first line the header, and refused telling the sender to rename a column."""
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) + "\n".join(report_lines(3)).encode(encoding))
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    text = one_sentence(err, f"{name}: this is {what}", "not a CSV or XLSX table; ", "CSV")
    assert "missing" not in text and "Meldingnummer" not in text


def test_a_text_table_beginning_with_a_bracket_or_a_tag_like_title_is_still_read(tmp_path):
    path = tmp_path / "meldingen.csv"
    for title in ("[concept] Meldingen oktober", "<concept> Meldingen oktober"):
        path.write_text(title + "\n" + ";".join(M_HEADER) + "\n" + "\n".join(report_lines(3)) + "\n")
        assert len(read_table(path, meldingen.ALIASES).data.frame) == 3


def padded_text(path: Path, rows: int, columns: int, empty_lines: int, marks: int) -> Path:
    """A wijkteam CSV as a spreadsheet writes it after columns and rows beside the table were once formatted:
    every row followed by ``columns`` empty cells, then empty lines, then lines of empty cells only."""
    header = ";".join(["Buurtcode", "Maand", "Signaal", "Aantal"]) + ";" * columns
    lines = [header, *(f"BU01185000;2026-{1 + i % 9:02d};eenzaamheid;{i}" + ";" * columns for i in range(rows))]
    path.write_text("\n".join(lines) + "\n" + "\n" * empty_lines + ";;;;\n" * marks)
    return path


_CAPPED_READ = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from pipelines.sources import wijkteam
from pipelines.sources.common import read_table
frame = read_table(sys.argv[1], wijkteam.ALIASES).data.frame
print(len(frame), list(frame.columns))
"""


def test_a_text_padded_with_empty_columns_and_lines_is_read_in_bounded_memory(tmp_path):
    """6.6 MB of text: 400 rows each followed by 16,380 empty cells, 20,000 empty lines, 1,000 lines ';;;;'. Every
    line became a row 16,384 cells wide and the process aborted (bad_alloc past 5 GB; 23.5 GB with 200,000 empty
    lines). Read in a child capped at 3 GB of address space, it loads its 400 rows."""
    import subprocess
    import sys

    from pipelines.paths import REPO_ROOT

    path = padded_text(tmp_path / "wijkteam_okt.csv", 400, 16_380, 20_000, 1_000)
    done = subprocess.run([sys.executable, "-c", _CAPPED_READ, str(path), str(3 << 30)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "400 ['row_number', 'Buurtcode', 'Maand', 'Signaal', 'Aantal']"


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("rows", [10, 3_000])            # the exact reader, and the fast one (> 1 MB)
def test_a_text_cell_beyond_the_column_limit_is_refused_naming_its_line(tmp_path, quoted, rows):
    from pipelines.sources import wijkteam
    from pipelines.sources.common import MAX_SHEET_COLUMNS

    path = padded_text(tmp_path / "wijkteam_okt.csv", rows, 400, 10, 0)
    lines = path.read_text().split("\n")
    lines[5] += ";" * MAX_SHEET_COLUMNS + ("\"x\"" if quoted else "x")
    path.write_text("\n".join(lines))
    with pytest.raises(IngestError) as err:
        read_table(path, wijkteam.ALIASES)
    one_sentence(err, "wijkteam_okt.csv: line 6 has a cell beyond column 1,000 (in column 1,404)",
                 "remove the cells far to the right")


def test_one_stray_cell_far_to_the_right_widens_no_other_row(tmp_path, monkeypatch):
    """A cell in column 900 of one line made every row 900 cells wide; only the columns holding a header or a cell
    are built now, and a table that would still be padded far beyond its cells is refused."""
    from pipelines.sources import common, wijkteam

    path = padded_text(tmp_path / "wijkteam_okt.csv", 2_000, 0, 0, 0)
    lines = path.read_text().split("\n")
    lines[7] += ";" * 895 + "stray"
    path.write_text("\n".join(lines))
    frame = read_table(path, wijkteam.ALIASES).data.frame
    assert list(frame.columns) == ["row_number", "Buurtcode", "Maand", "Signaal", "Aantal", "Unnamed: 898"]
    assert frame["Unnamed: 898"].tolist().count("stray") == 1 and len(frame) == 2_000

    lines[7] = lines[7].replace(";" * 895 + "stray", "".join(f";c{i}" for i in range(895)))   # 895 filled cells
    path.write_text("\n".join(lines))
    monkeypatch.setattr(common, "MAX_SHEET_CELLS", 100_000)      # 899 columns x 2,000 rows, 10,000 cells held
    with pytest.raises(IngestError) as err:
        read_table(path, wijkteam.ALIASES)
    one_sentence(err, "wijkteam_okt.csv: refused, its rows and merged cells span more than 100,000 cells")


# --- item 10: buurt codes stored as numbers ------------------------------------------------------

def test_a_buurt_code_that_lost_its_leading_zero_is_completed_only_to_a_known_buurt(ref):
    import pandas as pd

    from pipelines.sources.common import resolve_area_codes

    got = resolve_area_codes(pd.Series(["1185000", " 1185001 ", "9999999", "01185002", "BU01185003", "118500"]), ref)
    assert got.tolist() == ["BU01185000", "BU01185001", "9999999", "BU01185002", "BU01185003", "118500"]


@pytest.fixture
def vlieland_amsterdam(home):
    """A profile of GM0096 (a number with two leading zeros) and GM0363 (buurt codes with letters)."""
    from pipelines.profile import write_profile
    from pipelines.reference import Reference

    write_profile(home.root, ["GM0096", "GM0363"])
    return Reference.for_home(home)


def test_any_municipality_gets_back_the_zeros_and_bu_a_spreadsheet_dropped_only_to_a_known_buurt(vlieland_amsterdam):
    import pandas as pd

    from pipelines.sources.common import resolve_area_codes

    typed = ["960000", " 960009 ", "0960000", "00960000", "0363TA05", "0363ta05", "363TA05", "bu0363ta05",
             "960099", "9600", "0363ZZ99", "1185000"]
    assert resolve_area_codes(pd.Series(typed), vlieland_amsterdam).tolist() == [
        "BU00960000", "BU00960009", "BU00960000", "BU00960000", "BU0363TA05", "BU0363TA05", "BU0363TA05",
        "BU0363TA05", "960099", "9600", "BU0363ZZ99", "1185000"]   # no buurt of this profile: quarantined


def test_a_workbook_of_number_cells_without_two_leading_zeros_loads(home, tmp_path, vlieland_amsterdam):
    from openpyxl import Workbook

    from tests.conftest import load_file

    wb = Workbook()
    ws = wb.active
    ws.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    for code in (960000, 960009):                     # number cells, as Excel keeps 00960000
        ws.append([code, "2026-10", "Burenruzie", 3])
    ws.append(["0363TA05", "2026-10", "Burenruzie", 2])
    path = tmp_path / "wijkteam_okt.xlsx"
    wb.save(path)
    got = load_file(home, path, "wijkteam", ref=vlieland_amsterdam)
    assert (got.rows_read, got.rows_accepted, got.rows_quarantined) == (3, 3, 0)


# --- item 11: file names that break a log line or turn it around ---------------------------------

def test_a_file_name_is_shown_as_text_a_log_can_write_without_direction_marks():
    import os

    from pipelines.privacy import shown_file_name

    odd = os.fsdecode(b"meldingen_caf\xe9_okt.csv")             # not UTF-8: a lone surrogate in Python
    assert shown_file_name(odd) == "meldingen_[verwijderd]_okt.csv"       # read as cp1252, then the allow-list
    shown_file_name(odd).encode("utf-8")
    assert shown_file_name("meldingen_\u202evsc.okt_\u200b.csv") == "meldingen_?[verwijderd].okt_?.csv"
    assert "0612345678" not in shown_file_name("meldingen_0612345678.csv")
