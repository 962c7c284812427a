"""Merged buurten in cell deliveries: the old codes of a merge are parts of their buurt, kept per code as
delivered and summed; a later delivery or correction of some of them replaces only those (no false drop at the
safety valve), a row under the buurt's current code replaces all parts, and an old code's row beside the
whole buurt is quarantined rather than counted twice."""
import os
import shutil

import pandas as pd
import pytest

from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference
from pipelines.warehouse import connect

A, B, NEW = "BU01189901", "BU01189902", "BU01185300"
WIJKTEAM = "Buurtcode;Maand;Signaal;Aantal"
SCHULDEN = "Buurtcode;Maand;Schuldeiser;Aantal"
TODAY = pd.Timestamp("2026-11-02")


@pytest.fixture
def merged(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    (folder / "buurtcode_wijzigingen.csv").write_text(
        f"old_code,new_code,division,note\n{A},{NEW},2023,merge a\n{B},{NEW},2023,merge b\n", encoding="utf-8")
    return Reference(folder)


class Warehouse:
    def __init__(self, tmp_path, home, ref):
        from pipelines import reference

        self.tmp, self.home, self.ref, self.n = tmp_path, home, ref, 0
        with connect(home.warehouse) as con:
            reference.sync(con, ref)

    def load(self, source: str, header: str, rows: list[str], name: str | None = None, minute: int | None = None,
             **options):
        """Load ``rows`` as a new file (each file a minute newer than the one before, or made at ``minute``)."""
        from pipelines.ingest import ingest_file

        self.n += 1
        path = self.tmp / (name or f"{source}_{self.n}.csv")
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        stamp = pd.Timestamp("2026-11-01 08:00").timestamp() + 60 * (self.n if minute is None else minute)
        os.utime(path, (stamp, stamp))
        with connect(self.home.warehouse) as con:
            return ingest_file(con, path, source, self.ref, self.home.archive, today=TODAY + pd.Timedelta(days=self.n),
                               max_failed_share=1, **options)

    def counts(self, signal: str) -> dict:
        with connect(self.home.warehouse) as con:
            return dict(con.execute("SELECT strftime(period_start, '%Y-%m'), count FROM core.signal_counts "
                                    "WHERE area_code = ? AND signal = ? ORDER BY 1", [NEW, signal]).fetchall())

    def parts(self) -> dict:
        with connect(self.home.warehouse) as con:
            return {(p, str(s)[:7]): n for p, s, n in con.execute(
                "SELECT part, period_start, count FROM core.source_cells WHERE area_code = ?", [NEW]).fetchall()}

    def reasons(self, load_id: str) -> list[str]:
        with connect(self.home.warehouse) as con:
            return [r for (r,) in con.execute(
                "SELECT reason FROM quarantine.rows WHERE load_id = ? ORDER BY row_number", [load_id]).fetchall()]


@pytest.fixture
def wh(tmp_path, home, merged):
    return Warehouse(tmp_path, home, merged)


def _balanced(res) -> None:
    assert res.rows_read == res.rows_accepted + res.rows_quarantined


def test_a_delivery_or_correction_of_some_old_codes_replaces_only_their_parts(wh):
    """The red team's steps: correction of B, then a re-delivery of A alone; neither is a drop."""
    first = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{B};2026-09;Eenzaamheid;4",
                                           f"{A};2026-10;Eenzaamheid;6", f"{B};2026-10;Eenzaamheid;2,5"])
    _balanced(first)
    assert first.rows_quarantined == 1
    assert wh.counts("eenzaamheid") == {"2026-09": 9}      # B's part of October is unknown: 6 would be too low
    fix = wh.load("wijkteam", WIJKTEAM + ";Rij in origineel;Quarantaineregel;Reden",
                  [f"{B};2026-10;Eenzaamheid;3;5;{first.load_id}:5;aantal is geen geheel getal"],
                  name=f"wijkteam_correctie_{first.load_id}.csv")
    assert fix.rows_accepted == 1
    assert wh.counts("eenzaamheid") == {"2026-09": 9, "2026-10": 9}
    again = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;7"])          # not held: nothing drops
    _balanced(again)
    assert wh.counts("eenzaamheid") == {"2026-09": 11, "2026-10": 9}
    assert wh.parts() == {(f"@{A}", "2026-09"): 7, (f"@{B}", "2026-09"): 4,
                          (f"@{A}", "2026-10"): 6, (f"@{B}", "2026-10"): 3}
    wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;7", ""])        # the same rows again change nothing
    assert wh.counts("eenzaamheid") == {"2026-09": 11, "2026-10": 9}


def test_schulden_parts_are_kept_per_creditor_and_old_code(wh):
    wh.load("schulden", SCHULDEN, [f"{A};2026-09;huur;5", f"{A};2026-09;energie;2", f"{B};2026-09;huur;4"])
    assert wh.counts("betalingsachterstand") == {"2026-09": 11}
    wh.load("schulden", SCHULDEN, [f"{A};2026-09;huur;7"])
    assert wh.counts("betalingsachterstand") == {"2026-09": 13}
    wh.load("schulden", SCHULDEN, [f"{NEW};2026-09;huur;12"])      # the whole buurt's huur: both huur parts
    assert wh.parts() == {("huur", "2026-09"): 12, (f"energie@{A}", "2026-09"): 2}
    assert wh.counts("betalingsachterstand") == {"2026-09": 14}


def test_a_delivery_under_the_current_code_replaces_all_parts(wh):
    wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{B};2026-09;Eenzaamheid;4"])
    res = wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;10"])
    _balanced(res)
    assert wh.parts() == {("", "2026-09"): 10}
    assert wh.counts("eenzaamheid") == {"2026-09": 10}


def test_an_old_code_beside_the_whole_buurt_is_quarantined_not_counted_twice(wh):
    """Held whole in the warehouse (as cells stored before parts existed are) or in the same file."""
    wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;9"])
    res = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;7", f"{A};2026-10;Eenzaamheid;6"])
    _balanced(res)
    assert res.rows_quarantined == 1
    [reason] = wh.reasons(res.load_id)
    assert f"old code of {NEW}" in reason and f"deliver the period under {NEW}" in reason
    assert wh.counts("eenzaamheid") == {"2026-09": 9, "2026-10": 6}
    both = wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-11;Eenzaamheid;8", f"{B};2026-11;Eenzaamheid;3"])
    _balanced(both)
    assert both.rows_quarantined == 1 and "this file also holds" in wh.reasons(both.load_id)[0]
    assert wh.counts("eenzaamheid")["2026-11"] == 8


def test_an_old_code_delivered_twice_is_a_repeat_and_a_renumbered_buurt_is_whole(tmp_path, home):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    (folder / "buurtcode_wijzigingen.csv").write_text(
        f"old_code,new_code,division,note\n{A},{NEW},2023,renumbered\n", encoding="utf-8")
    wh = Warehouse(tmp_path, home, Reference(folder))
    res = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{A};2026-10;Eenzaamheid;6",
                                         f"{NEW};2026-10;Eenzaamheid;6"])
    assert res.rows_quarantined == 2 and all("more than once" in r for r in wh.reasons(res.load_id))
    assert wh.parts() == {("", "2026-09"): 5}


def test_an_older_file_under_the_current_code_is_held_before_it_replaces_newer_parts(wh):
    from pipelines.delivery import LoadHeld

    wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{B};2026-09;Eenzaamheid;4"], minute=10)
    with pytest.raises(LoadHeld, match="the file is older"):
        wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;9"], minute=5)
    assert wh.parts() == {(f"@{A}", "2026-09"): 5, (f"@{B}", "2026-09"): 4}


def test_the_cell_code_is_the_old_code_as_delivered_only_for_a_merge(merged):
    from pipelines.sources import merges
    from pipelines.sources.common import resolve_area_codes

    delivered = pd.Series([" bu01189901", "01189902", "1189901", NEW, "BU01185301", ""])
    codes = merges.cell_codes(delivered, resolve_area_codes(delivered, merged), merged)
    assert codes.tolist() == [A, B, A, NEW, "BU01185301", None]


def test_every_old_code_of_a_buurt_together_replaces_its_whole_cell(wh):
    """A rolling export in the old codes over periods held whole (as before parts were kept) is not quarantined
    when it holds every old code: together they are the whole buurt."""
    wh.load("schulden", SCHULDEN, [f"{NEW};2026-09;huur;9", f"{NEW};2026-09;energie;1"])
    res = wh.load("schulden", SCHULDEN, [f"{A};2026-09;huur;5", f"{B};2026-09;huur;4", f"{A};2026-09;energie;2"])
    _balanced(res)
    assert res.rows_quarantined == 1 and f"old code of {NEW}" in wh.reasons(res.load_id)[0]   # energie: B missing
    assert wh.parts() == {(f"huur@{A}", "2026-09"): 5, (f"huur@{B}", "2026-09"): 4, ("energie", "2026-09"): 1}
    wh.load("schulden", SCHULDEN, [f"{A};2026-09;huur;7"])
    assert wh.counts("betalingsachterstand") == {"2026-09": 12}


def test_a_file_of_quarantined_rows_only_changes_nothing(wh):
    wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{B};2026-09;Eenzaamheid;4"])
    res = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;x", f"{B};2026-09;Eenzaamheid;y"])
    assert (res.rows_read, res.rows_quarantined) == (2, 2)
    assert wh.counts("eenzaamheid") == {"2026-09": 9}


def test_an_older_file_of_every_old_code_is_held_before_it_replaces_a_newer_whole_cell(wh):
    from pipelines.delivery import LoadHeld

    wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;9"], minute=10)
    with pytest.raises(LoadHeld, match="the file is older"):
        wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;5", f"{B};2026-09;Eenzaamheid;3"], minute=5)
    assert wh.parts() == {("", "2026-09"): 9}


def test_the_reasons_for_an_old_code_beside_the_whole_buurt_have_a_dutch_version(wh):
    from pipelines import wording

    wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;9"])
    res = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;7", f"{NEW};2026-10;Eenzaamheid;8",
                                         f"{B};2026-10;Eenzaamheid;3"])
    reasons = wh.reasons(res.load_id)
    assert len(reasons) == 2
    for reason in reasons:
        assert wording.reason_has_dutch(reason), reason
        assert "lever de periode" in wording.reason_text(reason) and NEW in wording.reason_text(reason)


def test_a_suppressed_old_code_beside_the_whole_buurt_is_quarantined_and_leaves_its_count(wh):
    """A '<5' under an old code of a buurt held whole (in the warehouse, or in the same file) is quarantined for the
    merge, and the whole buurt's count stays a count, not a lower bound (red team 15a, repro_1 a and c)."""
    wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;9"])
    res = wh.load("wijkteam", WIJKTEAM, [f"{A};2026-09;Eenzaamheid;<5", f"{NEW};2026-10;Eenzaamheid;12",
                                         f"{B};2026-10;Eenzaamheid;<5"])
    _balanced(res)
    assert res.rows_quarantined == 2
    assert all(f"old code of {NEW}" in reason for reason in wh.reasons(res.load_id))
    with connect(wh.home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.unknown_cells").fetchone()[0] == 0
    assert wh.counts("eenzaamheid") == {"2026-09": 9, "2026-10": 12}


def test_an_old_code_beside_a_suppressed_whole_buurt_in_the_same_file_is_quarantined(wh):
    """A row under the current code holds the period whole even when its count is suppressed: an old code's count
    beside it would be read as the buurt's lower bound."""
    res = wh.load("wijkteam", WIJKTEAM, [f"{NEW};2026-09;Eenzaamheid;<5", f"{A};2026-09;Eenzaamheid;7"])
    _balanced(res)
    assert res.rows_quarantined == 2 and "this file also holds" in wh.reasons(res.load_id)[1]
    assert wh.parts() == {}
