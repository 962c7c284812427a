"""Red team round 8: totals that are lower bounds in the safety valve, and full-export windows where they make no
sense (a count source, a correction, a run given an earlier day)."""
import json
import os
import time

import pandas as pd
import pytest

from pipelines import catalog, reference
from pipelines.catalog.counts import COUNTS_AND_BOUNDS
from pipelines.delivery import LoadHeld, drops
from pipelines.ingest import Delivery, NotYet, ingest_file
from pipelines.reference import Reference
from pipelines.sources.common import IngestError
from pipelines.warehouse import connect, table_digest
from tests.conftest import load_file as load, write_csv

SCHULDEN = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
MELDINGEN = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
A, B = "BU01185000", "BU01185001"


def aged(path, seconds_ago: int):
    """A delivery's file modified ``seconds_ago``: the later file of a test is the newer one."""
    stamp = time.time() - seconds_ago
    os.utime(path, (stamp, stamp))
    return path


def bounds(home, source: str) -> list[tuple]:
    """What the lists and scores read: (buurt, period, period start, count, partial)."""
    with connect(home.warehouse) as con:
        return con.execute(f"SELECT area_code, period, period_start::VARCHAR, count, partial FROM ({COUNTS_AND_BOUNDS}) "
                           "WHERE source = ? ORDER BY ALL", [source]).fetchall()


def digest(home):
    with connect(home.warehouse) as con:
        return table_digest(con)


# -- 1. the safety valve measures what is read: known totals and lower bounds ------------------------------------

def test_a_load_zeroing_the_known_parts_of_totals_that_are_lower_bounds_is_held(home, tmp_path):
    """Red team: huur 7 + energie <5 read as "at least 7" (and 10 + <5 as "at least 10"); a file setting huur to 0
    in both lowered what the lists read from 17 to 0 without a hold, while the same drop with every part known was
    held."""
    load(home, aged(write_csv(tmp_path / "schulden_sep.csv", SCHULDEN, [
        [A, "2026-09", "huur", "7"], [A, "2026-09", "energie", "<5"],
        [B, "2026-09", "huur", "10"], [B, "2026-09", "water", "<5"]]), 7200), "schulden")
    before = digest(home)
    zero = aged(write_csv(tmp_path / "schulden_sep_again.csv", SCHULDEN,
                          [[A, "2026-09", "huur", "0"], [B, "2026-09", "huur", "0"]]), 3600)
    with pytest.raises(LoadHeld, match=r"\(2026-09 at least 17 -> at least 0 \(a part of it is suppressed"):
        load(home, zero, "schulden")
    assert bounds(home, "schulden") == [(A, "month", "2026-09-01", 7, True), (B, "month", "2026-09-01", 10, True)]
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchall()[0][0] == 1
    assert load(home, zero, "schulden", accept_drop=True).rows_accepted == 2
    assert bounds(home, "schulden") == [(A, "month", "2026-09-01", 0, True), (B, "month", "2026-09-01", 0, True)]
    assert digest(home) != before


def test_a_total_becoming_a_lower_bound_is_held_when_the_bound_falls_and_labelled_partly_unknown(home, tmp_path):
    load(home, aged(write_csv(tmp_path / "schulden_1.csv", SCHULDEN, [[A, "2026-09", "huur", "7"],
                                                                       [A, "2026-09", "energie", "6"]]), 7200),
         "schulden")
    hidden = aged(write_csv(tmp_path / "schulden_2.csv", SCHULDEN, [[A, "2026-09", "energie", "0"],
                                                                     [A, "2026-09", "water", "<5"]]), 3600)
    with pytest.raises(LoadHeld, match=r"\(2026-09 13 -> at least 7 \(partly unknown: a part of it is suppressed"):
        load(home, hidden, "schulden", max_failed_share=1)


def test_a_new_part_left_unknown_lowers_nothing_that_is_read_and_is_not_held(home, tmp_path):
    """huur 7 and energie 6, then water <5 for the month: the lists read "at least 13", as much as before."""
    load(home, aged(write_csv(tmp_path / "schulden_1.csv", SCHULDEN, [[A, "2026-09", "huur", "7"],
                                                                       [A, "2026-09", "energie", "6"]]), 7200),
         "schulden")
    later = aged(write_csv(tmp_path / "schulden_2.csv", SCHULDEN, [[A, "2026-09", "water", "<5"]]), 3600)
    assert load(home, later, "schulden", max_failed_share=1).rows_quarantined == 1
    assert bounds(home, "schulden") == [(A, "month", "2026-09-01", 13, True)]


def test_source_totals_sum_known_totals_and_lower_bounds_and_mark_the_partial_ones(home, tmp_path):
    # October holds every cell of September (zeros too): one the source delivered and left out would be unknown
    load(home, write_csv(tmp_path / "schulden_1.csv", SCHULDEN, [
        [A, "2026-09", "huur", "7"], [A, "2026-09", "energie", "<5"], [B, "2026-09", "huur", "3"],
        [A, "2026-10", "huur", "4"], [A, "2026-10", "energie", "0"], [B, "2026-10", "huur", "0"],
        [B, "2026-11", "water", "<5"]]), "schulden")
    with connect(home.warehouse) as con:
        totals = catalog.source_totals(con, "schulden").sort_values("period_start")
        unknown = catalog.unknown_periods(con, "schulden").sort_values("period_start")
    assert totals["total"].tolist() == [10, 4, 0] and totals["partial"].tolist() == [True, False, True]
    assert unknown["period_start"].dt.strftime("%Y-%m").tolist() == ["2026-09", "2026-11"]


def test_drops_say_at_least_for_a_lower_bound_and_partly_unknown_only_for_a_total_that_becomes_one():
    start = pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01"])
    before = pd.DataFrame({"period": "month", "period_start": start, "total": [17, 20, 10],
                           "partial": [True, False, True]})
    after = pd.DataFrame({"period": "month", "period_start": start, "total": [0, 8, 2],
                          "partial": [True, True, False]})
    assert drops(before, after, 0.2) == [
        "2026-09 at least 17 -> at least 0 (a part of it is suppressed or quarantined)",
        "2026-10 20 -> at least 8 (partly unknown: a part of it is suppressed or quarantined)",
        "2026-11 at least 10 -> 2"]


# -- 2. a row whose period is of the wrong type says nothing of a cell -------------------------------------------

def test_a_week_for_a_monthly_wijkteam_signal_leaves_no_unknown_weekly_cell(home, tmp_path):
    """Red team: 2026-W38 for eenzaamheid (monthly) was quarantined but kept as an unknown weekly cell: a weekly
    wijkteam series of 0 (partial) no delivery holds, and a warning that wijkteam's weeks were late."""
    rows = [[A, f"2026-{m:02d}", "eenzaamheid", "5"] for m in range(7, 11)] + [[A, "2026-W38", "eenzaamheid", "3"]]
    result = load(home, write_csv(tmp_path / "wijkteam_okt.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined) == (4, 1)
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.unknown_cells").fetchall()[0][0] == 0
        assert catalog.count_ranges(con)["period"].tolist() == ["month"]
    assert all(period == "month" and not partial for _, period, _, _, partial in bounds(home, "wijkteam"))


def test_a_quarantined_row_of_no_buurt_leaves_no_unknown_cell_and_no_municipality_of_its_own(home, tmp_path):
    """A row 'BU9' (no buurt of the division) was kept as an unknown cell: a lower bound of 0 for a municipality ''
    that made the valve label its periods per municipality ('GM0118 2026-09 10 -> 4', then scrubbed as a phone
    number in the message)."""
    load(home, write_csv(tmp_path / "wijkteam_1.csv", WIJKTEAM, [[A, "2026-09", "eenzaamheid", "10"],
                                                                 ["BU9", "2026-09", "eenzaamheid", "1"]]), "wijkteam")
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.unknown_cells").fetchall()[0][0] == 0
        assert catalog.source_totals(con, "wijkteam")["gemeente_code"].tolist() == ["GM0118"]
    with pytest.raises(LoadHeld, match=r"\(2026-09 10 -> 4\)"):
        load(home, write_csv(tmp_path / "wijkteam_2.csv", WIJKTEAM, [[A, "2026-09", "eenzaamheid", "4"]]), "wijkteam")


# -- 3. a run given an earlier day leaves a full export whose window ends after it ------------------------------

def _full_export(tmp_path, last: str):
    path = write_csv(tmp_path / "meldingen_export.csv", MELDINGEN,
                     [["M-1", "03-11-2026 10:00", "Afval", "Zwerfafval", A]])
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": "2026-11-01", "volledig_tot": last}), encoding="utf-8")
    return path


def test_a_run_of_an_earlier_day_leaves_a_full_export_ending_after_it_for_a_later_run(home, tmp_path):
    """Red team: `run --today 2026-11-05` refused a full export of 2026-11-01:2026-11-08 ("write as the last day
    ... at the latest 2026-11-05"), while a file of later reports was left in the inbox."""
    path = _full_export(tmp_path, "2026-11-08")
    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        before = table_digest(con)
        with pytest.raises(NotYet, match="left in the inbox and loads with a run of a later day"):
            ingest_file(con, path, "meldingen", Reference(), home.archive, today=pd.Timestamp("2026-11-05"),
                        later_rows="leave")
        assert table_digest(con) == before
        result = ingest_file(con, path, "meldingen", Reference(), home.archive, today=pd.Timestamp("2026-11-08"),
                             later_rows="leave")
    assert "as the full-export window 2026-11-01:2026-11-08" in result.describe()


def test_a_window_ending_after_the_day_of_the_load_is_still_refused_without_leave_or_after_the_real_day(tmp_path):
    path = _full_export(tmp_path, "2026-11-08")
    with pytest.raises(IngestError, match="at the latest 2026-11-05"):
        Delivery.for_file(path, today=pd.Timestamp("2026-11-05"))
    with pytest.raises(IngestError, match="at the latest 2026-11-05"):      # no export holds reports not yet made
        Delivery.for_file(_full_export(tmp_path, "2099-12-31"), today=pd.Timestamp("2026-11-05"), later_rows="leave")


# -- 4. a window on a count source is refused -------------------------------------------------------------------

@pytest.mark.parametrize("source, header, row", [("wijkteam", WIJKTEAM, [A, "2026-09", "eenzaamheid", "5"]),
                                                 ("schulden", SCHULDEN, [A, "2026-09", "huur", "5"])])
@pytest.mark.parametrize("by_manifest", [False, True])
def test_a_full_export_window_on_a_count_source_is_refused_not_reported_as_applied(home, tmp_path, source, header,
                                                                                   row, by_manifest):
    """Red team: wijkteam given --full-window said it was loaded "as the full-export window" and took nothing back
    (a count source's delivery replaces exactly the cells it holds) and counted as coverage for the lateness check."""
    path = write_csv(tmp_path / f"{source}_full.csv", header, [row])
    window = {"window": "2026-09-01:2026-10-31"}
    if by_manifest:
        path.with_name(path.name + ".manifest.json").write_text(
            json.dumps({"volledig_van": "2026-09-01", "volledig_tot": "2026-10-31"}), encoding="utf-8")
        window = {}
    with pytest.raises(IngestError, match=f"{source} delivers counts.*deliver 0 for a cell that became empty"):
        load(home, path, source, **window)
    with connect(home.warehouse) as con:
        assert con.execute("SELECT (SELECT count(*) FROM meta.loads) + (SELECT count(*) FROM core.source_cells) "
                           "+ (SELECT count(*) FROM meta.held_loads)").fetchall()[0][0] == 0


# -- 5. a window on a correction is refused --------------------------------------------------------------------

def test_a_correction_given_a_window_is_refused_naming_both(home, tmp_path):
    """Red team: `--mode correction --full-window` loaded a correction of one row as a full export, retracting every
    other report of the window."""
    load(home, write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN,
                         [[f"M-{i}", "03-11-2026 10:00", "Afval", "Zwerfafval", A] for i in range(1, 11)]))
    before = digest(home)
    fix = write_csv(tmp_path / "meldingen_fix.csv", MELDINGEN, [["M-11", "04-11-2026 10:00", "Afval", "Zwerfafval", B]])
    with pytest.raises(IngestError, match=r"--full-window.*a correction \(--mode correction\).*leave out --full-window"):
        load(home, fix, mode="correction", window="2026-11-03:2026-11-04")
    named = write_csv(tmp_path / "meldingen_correctie_1.csv", MELDINGEN,
                      [["M-11", "04-11-2026 10:00", "Afval", "Zwerfafval", B]])
    named.with_name(named.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": "2026-11-03", "volledig_tot": "2026-11-04"}), encoding="utf-8")
    with pytest.raises(IngestError, match=r"manifest\.json: a correction \(its name holds 'correctie'\).*remove the "
                                          "manifest"):
        load(home, named)
    assert digest(home) == before
    # a file named so but loaded as a delivery on purpose may be a full export
    assert Delivery.for_file(named, mode="delivery", source="meldingen", kind="records").mode == "full-window"
