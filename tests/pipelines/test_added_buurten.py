"""A buurt a later division adds (the parts of a split buurt, new housing) has no past of its own: its series begin at
its own first counts, not at the source's first period. Years of zeros from before it existed made its first ordinary
counts an alarm against an expected 0.0 (red team round 5a, F3: both halves of a split Zuid on the list as alarm)."""
import pandas as pd

from pipelines import reference
from pipelines.catalog import added_buurten
from pipelines.score import build_panel
from pipelines.warehouse import connect
from tests.conftest import TODAY, demo_signal_counts, fill_counts
from tests.pipelines.test_area_changes_round9 import _profile

OLD, NEW = "BU01185005", "BU01185091"


def test_a_young_buurts_series_begin_at_its_own_first_count_in_each_source():
    weeks = pd.date_range("2026-01-05", periods=10, freq="7D")
    counts = pd.DataFrame({"area_code": ["A"] * 10 + ["B"] * 3 + ["C"], "signal": "s", "period": "week",
                           "period_start": [*weeks, *weeks[7:], weeks[2]], "count": [2] * 14,
                           "source": ["x"] * 13 + ["y"]}).assign(signal=lambda f: f["source"])
    old = build_panel(counts, ["A", "B", "C"], "week")
    young = build_panel(counts, ["A", "B", "C"], "week", young=frozenset({"B", "C"}))
    assert len(old[(old["area_code"] == "B") & (old["signal"] == "x")]) == 10   # zeros from the source's first week
    b = young[(young["area_code"] == "B") & (young["signal"] == "x")]
    assert len(b) == 3 and (b["count"] == 2).all()                  # from its own first count
    assert young[young["area_code"] == "A"].reset_index(drop=True).equals(
        old[old["area_code"] == "A"].reset_index(drop=True))
    assert young[(young["area_code"] == "B") & (young["signal"] == "y")].empty     # no count of B in y
    # in a source it has no count of, a young buurt has no series (signal x: C's only count is in y)
    assert young[(young["area_code"] == "C") & (young["signal"] == "x")].empty


def test_a_profile_that_adds_a_buurt_to_a_warehouse_with_counts_records_it_and_a_renumbering_does_not(tmp_path):
    first = reference.Reference()
    with connect(tmp_path / "a.duckdb") as con:
        reference.sync(con, first)                 # the first profile of an empty warehouse adds nothing
        assert added_buurten(con) == frozenset()
        fill_counts(con, first, demo_signal_counts(first, years=1).head(500))
        reference.sync(con, _profile(tmp_path / "new", "", renumber=(OLD, NEW)))      # a new code, no mapping
        assert added_buurten(con) == {NEW}
    with connect(tmp_path / "b.duckdb") as con:
        fill_counts(con, first, demo_signal_counts(first, years=1).head(500))
        mapped = _profile(tmp_path / "mapped", f"{OLD},{NEW},2025,renumbered\n", renumber=(OLD, NEW))
        reference.sync(con, mapped)                # the old code's past becomes the new code's: not young
        assert added_buurten(con) == frozenset()


def test_the_parts_of_a_split_buurt_are_not_listed_on_their_first_ordinary_counts(tmp_path):
    """Zuid's counts of its last 8 weeks under a new code with no past: scored on nothing, not on years of zeros."""
    from pipelines.runs import score_and_flag

    ref = reference.Reference()
    counts = demo_signal_counts(ref, years=4)
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, counts[counts["area_code"] != OLD])
        old = counts[(counts["area_code"] == OLD)]
        recent = old["period_start"] >= old["period_start"].max() - pd.Timedelta(weeks=8)
        history, late = old[~recent], old[recent].assign(area_code=NEW)
        from pipelines.warehouse import insert_frame
        from tests.conftest import SIGNAL_COUNT_COLUMNS
        insert_frame(con, "core.signal_counts", pd.concat([history, late]).assign(load_id="demo")[SIGNAL_COUNT_COLUMNS])
        split = _profile(tmp_path, "", renumber=(OLD, NEW))
        reference.sync(con, split)
        run = score_and_flag(con, split, today=TODAY)
        flagged = con.execute("SELECT DISTINCT area_code FROM marts.area_flags WHERE run_id = ?", [run.run_id]).df()
        scored = con.execute("SELECT count(*) FROM marts.series_scores WHERE area_code = ? AND alarm", [NEW]).fetchone()
    assert NEW not in set(flagged["area_code"]) and scored[0] == 0


def test_a_split_buurts_past_stays_in_its_wijks_figures_in_the_reports(tmp_path):
    """Zuid split in a later division: its past cannot be mapped to its parts, so it stays under its old code. The
    reports count it in the wijk its CBS code names (red team 5a F2: Wijk 50's years 22 % short on the open pages)."""
    from pipelines.catalog import report_frames
    from pipelines.reports.openpages import yearly_rates

    ref = reference.Reference()
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        before = yearly_rates(*(report_frames(con, "none")[k] for k in ("counts", "areas", "catalogue")))
        split = _profile(tmp_path, "", renumber=(OLD, NEW))        # Zuid's code gone, a new one in its place
        reference.sync(con, split)
        frames = report_frames(con, "none")
    former = frames["areas"][frames["areas"]["area_code"] == OLD]
    assert former[["level", "wijk_code", "name"]].values.tolist() == [["buurt", "WK011850", f"{OLD} (vervallen)"]]
    assert former["population"].item() == 0 and former["wijkteam"].isna().all()
    after = yearly_rates(frames["counts"], frames["areas"], frames["catalogue"])
    keys = ["wijk_code", "domain", "year"]
    old_years = set(before["year"])
    compared = before.merge(after[after["year"].isin(old_years)], on=keys, suffixes=("", "_after"))
    assert len(compared) == len(before) and (compared["count"] == compared["count_after"]).all()
