"""buurtcode_wijzigingen.csv: old codes written as deliveries write them are applied; a split or a current
buurt as old code is refused when the profile loads; the old buurten of a merge add up into the new one
(wijkteam and schulden cells), while a code delivered twice is still a repeated row."""
import shutil

import pytest

from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference, ReferenceError
from pipelines.warehouse import connect
from tests.conftest import TODAY


def _profile(tmp_path, lines: str) -> Reference:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    (folder / "buurtcode_wijzigingen.csv").write_text("old_code,new_code,division,note\n" + lines, encoding="utf-8")
    return Reference(folder)


def test_old_codes_are_normalised_as_delivered_codes(tmp_path):
    ref = _profile(tmp_path, "01180503,BU01185004,2023,\nbu01180504,bu01185005,2023,\n")
    assert list(ref.code_changes["old_code"]) == ["BU01180503", "BU01180504"]
    assert list(ref.code_changes["new_code"]) == ["BU01185004", "BU01185005"]


def test_a_split_is_refused_naming_the_code(tmp_path):
    ref = _profile(tmp_path, "BU01180500,BU01185000,2023,\nbu01180500,BU01185001,2023,\n")
    with pytest.raises(ReferenceError, match=r"old code BU01180500 to more than one buurt .*split buurt cannot be mapped"):
        ref.code_changes


def test_the_same_line_twice_is_no_split(tmp_path):
    ref = _profile(tmp_path, "BU01180500,BU01185000,2023,a\n01180500,BU01185000,2023,b\n")
    assert len(ref.code_changes) == 1


def test_a_current_buurt_as_old_code_is_refused_when_the_profile_loads(tmp_path):
    from pipelines import reference

    ref = _profile(tmp_path, "BU01185002,BU01185003,2025,\n")
    with connect(tmp_path / "w.duckdb") as con, pytest.raises(ReferenceError, match="BU01185002 as old code"):
        reference.sync(con, ref)


@pytest.mark.parametrize("source,header,rows", [
    ("wijkteam", "Buurtcode;Maand;Signaal;Aantal", ["{code};2026-09;Eenzaamheid;{n}"]),
    ("schulden", "Buurtcode;Maand;Schuldeiser;Aantal", ["{code};2026-09;huur;{n}"]),
])
def test_the_old_buurten_of_a_merge_add_up(tmp_path, home, source, header, rows):
    from pipelines import reference
    from pipelines.ingest import ingest_file

    ref = _profile(tmp_path, "BU01180500,BU01185000,2023,merge a\nBU01180501,BU01185000,2023,merge b\n")
    lines = [header] + [rows[0].format(code=c, n=n) for c, n in
                        (("BU01180500", 4), ("BU01180501", 3), ("BU01185001", 2), ("BU01185001", 5))]
    path = tmp_path / f"{source}_2026-09.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        res = ingest_file(con, path, source, ref, home.archive, today=TODAY, max_failed_share=1)
        cells = dict(con.execute("SELECT area_code, sum(count) FROM core.source_cells GROUP BY 1").fetchall())
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine.rows").fetchall()]
    assert res.rows_read == res.rows_accepted + res.rows_quarantined == 4
    assert cells == {"BU01185000": 7}                                 # the merge: 4 + 3
    assert len(reasons) == 2 and all("more than once" in r for r in reasons)     # BU01185001 twice: a repeat
