"""A working folder restored in parts: ``archive/`` lost or older than the warehouse is written again from the
warehouse's rows, and an archive of loads a restored warehouse lacks is named with the files to deliver again."""
import json
import shutil

import pandas as pd

from pipelines.archive_check import archive_notes, status_notes
from pipelines.paths import resolve_home
from pipelines.warehouse import connect
from tests.conftest import load_file, migrated, write_csv

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode", "Status"]


def test_a_lost_archive_is_written_again_and_an_archive_the_warehouse_lacks_is_named(home, tmp_path):
    rows = [[f"SIG-{i}", "17-11-2026", "Afval", "Zwerfafval", "BU01185000", "Open"] for i in range(3)]
    load = load_file(home, write_csv(tmp_path / "meldingen_export_2026-W47.csv", HEADER, rows))
    folder = home.archive / "meldingen" / load.load_id.split("-", 1)[1]
    kept = pd.read_parquet(folder / "rows.parquet")
    with connect(home.warehouse) as con:
        assert archive_notes(con, home.archive) == []                 # in step: nothing to say, nothing written
    shutil.rmtree(home.archive)                                      # archive/ lost (or restored from before the load)
    with connect(home.warehouse) as con:
        [told] = status_notes(con, home.archive)                     # `wijkradar status` says so, writes nothing
        assert not folder.exists() and load.load_id in told and "the next `wijkradar run` archives them" in told
        [said] = archive_notes(con, home.archive)                    # the weekly run writes it again
        assert archive_notes(con, home.archive) == [] and status_notes(con, home.archive) == []
    assert "1 load(s) of the warehouse had no archive" in said and load.load_id in said
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "rows.parquet"), kept)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["load_id"] == load.load_id and manifest["file_name"] == "meldingen_export_2026-W47.csv"

    # the warehouse restored from a backup made before the load, archive/ of today: the file's counts are missing
    restored = migrated(resolve_home(tmp_path / "restored"))
    shutil.copytree(home.archive, restored.archive, dirs_exist_ok=True)
    with connect(restored.warehouse) as con:
        [said] = archive_notes(con, restored.archive)
        assert status_notes(con, restored.archive) == [said]
    assert f"holds 1 load(s) the warehouse does not hold: meldingen_export_2026-W47.csv ({load.load_id})" in said
    assert "put those files in the inbox again" in said
