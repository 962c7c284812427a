"""Area codes that change (red team round 9): police rows under the old codes of a merged buurt add up as the
wijkteam's do; a download in a newer division is refused saying how to map its codes; and a profile that
renumbers or merges buurten moves what the warehouse already holds under the old codes to the buurt."""
import logging
import shutil

import pandas as pd
import pytest

from pipelines import reference
from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference
from pipelines.sources import merges, politie
from pipelines.validate import ValidationRefused
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY, load_file
from tests.pipelines.odata_server import Service

MERGE = "BU01180500,BU01185000,2023,merge a\nBU01180501,BU01185000,2023,merge b\n"


def _profile(tmp_path, lines: str, renumber: tuple[str, str] | None = None) -> Reference:
    """The demo profile with ``lines`` in buurtcode_wijzigingen.csv; with ``renumber`` (old, new) one buurt's
    code changed in every reference file, as a new CBS division does."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    if renumber:
        for path in folder.iterdir():
            if path.suffix in (".csv", ".json"):
                path.write_text(path.read_text(encoding="utf-8").replace(renumber[0][2:], renumber[1][2:]),
                                encoding="utf-8")
    (folder / "buurtcode_wijzigingen.csv").write_text("old_code,new_code,division,note\n" + lines, encoding="utf-8")
    return Reference(folder)


def _row(i, code, value, crime="1.1.1", period="2025MM03"):
    return {"ID": i, "SoortMisdrijf": f"{crime:<6}", "WijkenEnBuurten": f"{code:<10}", "Perioden": period,
            "GeregistreerdeMisdrijven_1": value}


def _fetch_and_load(home, ref, rows, **options):
    with Service(rows) as svc:
        folder = politie.fetch(svc.base, "GM0118", ref, home.archive, backoff=0.01)
    return load_file(home, folder, "politie", ref=ref, **options)


def _others(first_id, value):
    return [_row(first_id + i, c, value, crime="1.4.3") for i, c in
            enumerate(["BU01185002", "BU01185003", "BU01185004", "BU01185005", "BU01185006"])]


# -- defect 1: police rows under the old codes of a merge -------------------------------------------------------

def test_police_rows_of_a_merges_old_codes_add_up_and_a_later_part_is_not_counted_twice(tmp_path, home):
    ref = _profile(tmp_path, MERGE)
    first = _fetch_and_load(home, ref, [_row(0, "BU01180500", 4), _row(1, "BU01180501", 3), *_others(10, 1)])
    assert (first.rows_accepted, first.rows_quarantined) == (7, 0)
    with connect(home.warehouse) as con:
        parts = con.execute("SELECT part, count FROM core.source_cells WHERE area_code = 'BU01185000' "
                            "ORDER BY 1").fetchall()
        total = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000'").fetchall()
    assert parts == [("1.1.1@BU01180500", 4), ("1.1.1@BU01180501", 3)]          # kept per old code
    assert total == [(7,)]
    _fetch_and_load(home, ref, [_row(0, "BU01185000", 7), *_others(10, 2)])        # the whole buurt
    later = _fetch_and_load(home, ref, [_row(0, "BU01180500", 5), *_others(10, 3)])  # one old code alone
    with connect(home.warehouse) as con:
        total = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000'").fetchall()
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine.rows").fetchall()]
    assert later.rows_quarantined == 1 and total == [(7,)]
    assert len(reasons) == 1 and "would be counted twice" in reasons[0]


def test_one_old_code_of_a_merge_twice_in_a_download_is_still_a_repeat(tmp_path, home):
    ref = _profile(tmp_path, MERGE)
    got = _fetch_and_load(home, ref, [_row(0, "BU01180500", 4), _row(1, "BU01180500", 3), *_others(10, 1)])
    with connect(home.warehouse) as con:
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine.rows").fetchall()]
    assert got.rows_quarantined == 2 and all("more than once" in r for r in reasons)


# -- defect 4: a download in a newer division ---------------------------------------------------------------

def test_a_download_of_unknown_codes_is_refused_saying_how_to_map_them(home):
    rows = [_row(i, c, 2, period="2026MM09") for i, c in
            enumerate(["BU01189001", "BU01189002", "BU01189003", "BU01189004", "BU01185001", "BU01185002"])]
    with pytest.raises(ValidationRefused) as refused:
        _fetch_and_load(home, Reference(), rows)
    message = str(refused.value)
    assert "buurtcode_wijzigingen.csv" in message and "--max-failed-share 0.67" in message
    assert "fix it and load it again" not in message
