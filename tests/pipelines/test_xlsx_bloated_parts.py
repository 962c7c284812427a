"""A workbook whose formats (styles.xml) or names (workbook.xml) are far larger than a spreadsheet program writes is
refused before any reader builds them: 1.85 million cell formats in a 4.3 MB file of two rows took 2 GB and 38 s
(red team round 4a, F4)."""
import random
import zipfile

import openpyxl
import pytest

from pipelines import reference
from pipelines.reference import Reference
from pipelines.sources.common import WORKBOOK_PART_BYTES, IngestError
from pipelines.warehouse import connect, table_digest
from tests.conftest import load_file


def bloated(tmp_path, part: str):
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Buurtcode", "Maand", "Signaal", "Aantal"])
    ws.append(["BU01185000", "2026-10", "eenzaamheid", 3])
    wb.save(plain)
    out = tmp_path / "wijkteam_2026-10.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                rng = random.Random(1)          # formats that differ, so the part compresses as a real one does
                filler = b"".join(b'<xf numFmtId="%d" fontId="%d" fillId="%d" borderId="%d"/>' % (
                    rng.randrange(10**6), rng.randrange(10**6), rng.randrange(10**6), rng.randrange(10**6))
                    for _ in range(WORKBOOK_PART_BYTES // 60 + 1000))
                data = data.replace(b"</cellXfs>", filler + b"</cellXfs>") if part.endswith("styles.xml") else \
                    data.replace(b"</workbook>", b"<!--" + filler.replace(b"--", b"__") + b"--></workbook>")
            dst.writestr(info, data)
    return out


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/workbook.xml"])
def test_a_workbook_with_a_bloated_styles_or_workbook_part_is_refused_and_nothing_changes(home, tmp_path, part):
    path = bloated(tmp_path, part)
    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        before = table_digest(con)
    with pytest.raises(IngestError, match=rf"refused, the workbook's {part.split('/')[-1]} is \d+ MB uncompressed"):
        load_file(home, path, "wijkteam")
    with connect(home.warehouse) as con:
        assert table_digest(con) == before
