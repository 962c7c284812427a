"""A buurt a later division adds (the parts of a split buurt, new housing) has no past of its own: its series begin at
its own first counts, not at the source's first period. Years of zeros from before it existed made its first ordinary
counts an alarm against an expected 0.0 (red team round 5a, F3: both halves of a split Zuid on the list as alarm)."""
import pandas as pd
import pytest

from pipelines import reference
from pipelines.catalog import added_buurten
from pipelines.score import build_panel
from pipelines.warehouse import connect
from tests.conftest import SIGNAL_COUNT_COLUMNS, TODAY, demo_signal_counts, fill_counts
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


PARTS = ("BU01185093", "BU01185094")


def _split(folder, old: str = OLD, parts: tuple[str, ...] = PARTS, moved: bool = False, base=None):
    """The demo profile (in ``folder``) with ``old`` split into ``parts`` in every reference file, as a later CBS
    division does (no line of buurtcode_wijzigingen.csv: a split cannot be mapped); ``moved``: ``old`` (or its
    parts) in Wijk 51, not the Wijk 50 its number names; ``base``: the profile folder to start from (the demo's)."""
    from pipelines.reference import REFERENCE_DIR, Reference
    import shutil

    shutil.copytree(base or REFERENCE_DIR, folder)
    for path in folder.iterdir():
        if path.suffix == ".csv" and path.name != "buurtcode_wijzigingen.csv":
            lines = path.read_text(encoding="utf-8").splitlines(True)
            if moved:
                lines = [line.replace("WK011850,Wijk 50 Hoogeveen", "WK011851,Wijk 51 De Weide") if old in line
                         else line for line in lines]
            path.write_text("".join("".join(line.replace(old, p) for p in parts) if old in line else line
                                    for line in lines), encoding="utf-8")
    return Reference(folder)


def _redelivered(counts: pd.DataFrame, source: str, since: str, old: str = OLD) -> pd.DataFrame:
    """``source``'s counts of ``old`` from ``since`` on, re-delivered under the parts of its split (ceil and floor of
    each half: every total unchanged), as a new load."""
    rows = counts[(counts["area_code"] == old) & (counts["source"] == source) & (counts["period_start"] >= since)]
    halves = [rows.assign(area_code=PARTS[0], count=rows["count"] - rows["count"] // 2),
              rows.assign(area_code=PARTS[1], count=rows["count"] // 2)]
    return pd.concat(halves).assign(load_id="redelivered")[SIGNAL_COUNT_COLUMNS]


@pytest.mark.parametrize("source, since", [("meldingen", "2000-01-01"), ("wijkteam", "2025-01-01")],
                         ids=["whole history re-keyed, as the police download is", "wijkteam re-delivers from 2025"])
def test_a_split_buurts_history_redelivered_under_its_parts_counts_once_in_the_reports(tmp_path, source, since):
    """Zuid split into two parts; the supplier re-delivers its history under the parts (red team 6a F2: the old code
    and the parts both held 2025, Wijk 50's social year read 2.175 for 2.025). Every wijk's and the municipality's
    year equals the control's, where nothing was re-delivered; the months only the old code holds (the wijkteam's
    before 2025) stay in them."""
    from pipelines.catalog import report_frames
    from pipelines.reports.openpages import yearly_rates
    from pipelines.warehouse import insert_frame

    ref = reference.Reference()
    counts = demo_signal_counts(ref, years=3)
    split = _split(tmp_path / "split")
    years = {}
    for case in ("control", "redelivered"):
        with connect(tmp_path / f"{case}.duckdb") as con:
            fill_counts(con, ref, counts)
            reference.sync(con, split)
            if case == "redelivered":
                insert_frame(con, "core.signal_counts", _redelivered(counts, source, since))
            frames = report_frames(con, "none")
            years[case] = yearly_rates(frames["counts"], frames["areas"], frames["catalogue"])
    keys = ["kind", "wijk_code", "domain", "year"]
    both = years["control"].merge(years["redelivered"], on=keys, suffixes=("", "_redelivered"), how="outer")
    assert len(both) == len(years["control"]) == len(years["redelivered"])
    assert (both["count"] == both["count_redelivered"]).all(), both[both["count"] != both["count_redelivered"]]
    assert (both["rate"] == both["rate_redelivered"]).all()


def test_a_split_buurts_old_code_is_counted_in_the_wijk_it_was_in_not_the_one_its_number_names(tmp_path):
    """Zuid (BU01185005) lay in Wijk 51 when a later division split it, though its number names Wijk 50 (which the
    profile still holds): its past belongs to the wijk it was in, as the sync recorded (``meta.removed_buurten``)."""
    from pipelines.catalog import report_frames

    ref = _split(tmp_path / "moved", OLD, (OLD,), moved=True)
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        reference.sync(con, _split(tmp_path / "split", moved=True))
        areas = report_frames(con, "none")["areas"]
    assert areas.loc[areas["area_code"] == OLD, "wijk_code"].tolist() == ["WK011851"]


def test_a_buurt_added_to_the_wijk_before_the_split_is_no_part_of_it(tmp_path):
    """New housing (BU01185095) added to Wijk 50 by an earlier division holds counts of the same months as Zuid, which
    a later division splits: Zuid's months are its own, none of them is left out of the reports."""
    from pipelines.catalog import report_frames
    from pipelines.warehouse import insert_frame

    ref = reference.Reference()
    counts = demo_signal_counts(ref, years=2)
    housing = _split(tmp_path / "housing", "BU01185006", ("BU01185006", "BU01185095"))
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, counts)
        reference.sync(con, housing)
        insert_frame(con, "core.signal_counts", counts[counts["area_code"] == "BU01185006"].assign(
            area_code="BU01185095", load_id="housing")[SIGNAL_COUNT_COLUMNS])
        reference.sync(con, _split(tmp_path / "split", base=tmp_path / "housing"))
        assert added_buurten(con) == {"BU01185095", *PARTS}
        shown = report_frames(con, "none")["counts"]
    assert shown.loc[shown["area_code"] == OLD, "count"].sum() == counts.loc[counts["area_code"] == OLD, "count"].sum()
