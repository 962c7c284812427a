"""A workbook's rows and cells are read where its sheet XML numbers them, in whatever order it lists them (as Excel
does on opening such a file); a row or cell placed twice, in another row or beyond Excel's grid is refused in one
sentence naming the row. openpyxl's streaming reader lost rows listed out of order without a word."""
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipelines.sources import wijkteam
from pipelines.sources.common import IngestError, workbook_sheets
from tests.pipelines.test_reading import one_sentence

HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]


def cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(r: int, values: list, order: list[int] | None = None) -> str:
    """A <row> of ``values`` from column A, its cells listed in ``order`` (indexes; as written when None)."""
    cells = [cell(f"{'ABCDE'[i]}{r}", v) for i, v in enumerate(values)]
    return f'<row r="{r}">' + "".join(cells[i] for i in (order or range(len(cells)))) + "</row>"


def data_row(r: int) -> list:
    return [f"BU0118500{r - 2}", "2026-10", "Eenzaamheid", r - 1]       # row 2 holds BU01185000 and 1


def book(path: Path, rows: list[str], merges: str = "") -> Path:
    """An xlsx whose one sheet holds exactly ``rows`` (<row> elements), and ``merges`` (<mergeCells>) after them."""
    wb = openpyxl.Workbook()
    wb.active.title = "Signalen"
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r"<dimension [^>]*/>", "", data.decode())
                text = re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>",
                              lambda _: "<sheetData>" + "".join(rows) + "</sheetData>" + merges, text, flags=re.S)
                data = text.encode()
            out.writestr(info, data)
    return path


def test_rows_listed_out_of_order_are_read_in_their_own_order(tmp_path):
    listed = [1, 5, 6, 7, 2, 3, 4]                                       # header, rows 5-7, rows 2-4
    path = book(tmp_path / "wijkteam_okt.xlsx", [row(r, HEADER if r == 1 else data_row(r)) for r in listed])
    (_, _, records), = workbook_sheets(path)
    assert [r for r, _ in records] == [1, 2, 3, 4, 5, 6, 7]
    assert records[1] == (2, ["BU01185000", "2026-10", "Eenzaamheid", "1"])
    frame = wijkteam.read(path)
    assert frame["row_number"].tolist() == [2, 3, 4, 5, 6, 7]           # every row in, none left out
    assert frame["count"].tolist() == ["1", "2", "3", "4", "5", "6"]


def test_cells_listed_out_of_column_order_keep_the_whole_row(tmp_path):
    rows = [row(1, HEADER), row(2, data_row(2), order=[3, 0, 1, 2]), row(3, data_row(3), order=[1, 0, 3, 2])]
    path = book(tmp_path / "wijkteam_okt.xlsx", rows)
    (_, _, records), = workbook_sheets(path)
    assert records[1:] == [(2, ["BU01185000", "2026-10", "Eenzaamheid", "1"]),
                           (3, ["BU01185001", "2026-10", "Eenzaamheid", "2"])]
    assert wijkteam.read(path)["count"].tolist() == ["1", "2"]         # Aantal no longer cut off as empty


def test_rows_and_cells_without_a_number_follow_the_one_before(tmp_path):
    rows = [row(1, HEADER), '<row><c t="inlineStr"><is><t>BU01185000</t></is></c><c r="C2" t="inlineStr">'
            '<is><t>Eenzaamheid</t></is></c><c><v>1</v></c></row>', row(4, data_row(4))]
    (_, _, records), = workbook_sheets(book(tmp_path / "wijkteam_okt.xlsx", rows))
    assert records[1:] == [(2, ["BU01185000", "", "Eenzaamheid", "1"]),
                           (4, ["BU01185002", "2026-10", "Eenzaamheid", "3"])]


REFUSED = {
    "a row listed twice": ([row(1, HEADER), row(2, data_row(2)), row(3, data_row(3)), row(2, data_row(2))], "",
                           "row 2 twice"),
    "a cell listed twice": ([row(1, HEADER), row(2, data_row(2) + ["x"]).replace('r="E2"', 'r="B2"')], "",
                            "row 2 lists cell B2 twice"),
    "a cell marked in another row": ([row(1, HEADER), row(2, data_row(2)).replace('r="D2"', 'r="D9"')], "",
                                     "row 2 holds a cell marked D9"),
    "a row beyond row 1,048,576": ([row(1, HEADER), row(2, data_row(2)), row(1_048_577, data_row(3))], "",
                                   "row 1,048,577, beyond Excel's rows 1 to 1,048,576"),
    "a cell beyond column XFD": ([row(1, HEADER), row(2, data_row(2)).replace('r="D2"', 'r="XFE2"')], "",
                                "row 2 has a cell in column 16,385"),
    "a range merged beyond the last row": ([row(1, HEADER), row(2, data_row(2))],
                                           '<mergeCells count="1"><mergeCell ref="A2:A2000000000"/></mergeCells>',
                                           "merged range from row 2 reaches beyond Excel's last row"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_sheet_placing_a_row_or_cell_twice_elsewhere_or_off_the_grid_is_refused(tmp_path, case):
    rows, merges, what = REFUSED[case]
    path = book(tmp_path / "wijkteam_okt.xlsx", rows, merges)
    for read in (workbook_sheets, wijkteam.read):
        with pytest.raises(IngestError) as err:
            read(path)
        one_sentence(err, "wijkteam_okt.xlsx, sheet 1: refused, ", what, "save it again as XLSX or CSV")
