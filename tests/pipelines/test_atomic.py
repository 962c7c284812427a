"""A list's file is written whole or not at all: a writer stopped half-way leaves the file as it was (red team 6b,
F1: a kill left 0-byte workbooks and pages under their final names)."""
import zipfile
from datetime import datetime

import pytest

from pipelines.atomic import replacing


class Stopped(Exception):
    """The writer dies half-way (a kill, a full disk)."""


def test_replacing_keeps_the_old_file_and_no_part_when_the_block_fails(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(Stopped), replacing(path) as part:
        part.write_text("half")
        raise Stopped
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    with replacing(path) as part:
        part.write_text("new")
    assert path.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_workbook_stopped_half_way_leaves_the_earlier_workbook(tmp_path, monkeypatch):
    from openpyxl import Workbook, load_workbook

    from pipelines.xlsx import save_stable

    path = tmp_path / "de-weide.xlsx"
    wb = Workbook()
    wb.active["A1"] = "oud"
    save_stable(wb, path, datetime(2026, 11, 23, 6, 0))
    before = path.read_bytes()
    written = []
    real = zipfile.ZipFile.writestr

    def dies_after_two(self, *args, **kwargs):
        if self.filename is not None:           # a zip on disk (openpyxl saves into memory first)
            if len(written) == 2:
                raise Stopped
            written.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", dies_after_two)
    wb.active["A1"] = "nieuw"
    with pytest.raises(Stopped):
        save_stable(wb, path, datetime(2026, 11, 30, 6, 0))
    assert path.read_bytes() == before and load_workbook(path).active["A1"].value == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["de-weide.xlsx"]

