"""Reading inputs that used to lose rows or fail a run silently: stray quotes, damaged or password-protected
zips, several dumps in one zip, several data sheets, formulas with empty results, 1904 workbooks, shared-string
bombs, numeric cells in counts. Each refusal is one sentence; each load counts every row."""
import zipfile
from pathlib import Path

import pytest

from pipelines.sources import meldingen
from pipelines.sources.common import IngestError, read_table
from pipelines.sources.signalen_dwh import read_dwh

M_HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def one_sentence(err: pytest.ExceptionInfo, *parts: str) -> str:
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    for part in parts:
        assert part in text, text
    return text


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
