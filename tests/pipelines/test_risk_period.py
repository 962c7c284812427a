"""The risk step of a run predicts from what was known by the end of the run's period: re-running an earlier
week after later deliveries gives the risk that week had (the same as a warehouse holding only the data
up to then), so a past run is reproducible."""
import pandas as pd

from pipelines.warehouse import connect, insert_frame
from tests.conftest import fill_counts


def test_known_by_clips_each_source_to_the_periods_ended_by_the_run():
    from pipelines.risk import known_by

    ranges = pd.DataFrame({"domain": ["social", "social", "safety"], "source": ["meldingen", "wijkteam", "politie"],
                           "period": ["week", "month", "month"],
                           "first": pd.to_datetime(["2024-01-01", "2024-01-01", "2026-11-01"]),
                           "last": pd.to_datetime(["2027-06-28", "2027-05-01", "2027-05-01"])})
    got = known_by(ranges, "2026-W48")                       # 23 to 29 November 2026
    assert list(got["source"]) == ["meldingen", "wijkteam"]  # the police had no month ended by then
    assert list(got["last"]) == [pd.Timestamp("2026-11-23"), pd.Timestamp("2026-10-01")]
    assert known_by(ranges, "2026-11")["last"].tolist() == [pd.Timestamp("2026-11-23"), pd.Timestamp("2026-11-01"),
                                                            pd.Timestamp("2026-11-01")]
    assert known_by(ranges, "2030-W01")["last"].tolist() == ranges["last"].tolist()   # nothing newer: unchanged


_fill = fill_counts


def test_an_earlier_run_predicts_from_the_data_it_had(tmp_path, ref):
    from pipelines.demo import demo_counts
    from pipelines.risk import risk_step
    from pipelines.runs import Run

    w, m, *_ = demo_counts(ref)
    counts = pd.concat([w, m], ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")
    counts = counts[counts["count"] > 0]
    run = Run("2026-W39-test", "2026-W39", pd.Timestamp("2026-09-28"), False, 0, 0, 0)     # ends 27 September
    ended = pd.to_datetime(counts["period_start"]) + pd.to_timedelta(
        (counts["period"] == "week") * 6, unit="D")
    ended = ended.where(counts["period"] == "week", pd.to_datetime(counts["period_start"]) + pd.offsets.MonthEnd(0))
    then = counts[ended <= pd.Timestamp("2026-09-27")]
    assert len(then) < len(counts)
    tables = []
    for name, part in (("all", counts), ("then", then)):
        with connect(tmp_path / f"{name}.duckdb") as con:
            _fill(con, ref, part)
            risk_step(con, ref, run)
            tables.append(con.execute("SELECT * EXCLUDE (run_id) FROM marts.area_risk ORDER BY domain, area_code").df())
    later, known = tables
    # the weekly domain's september ended with week 39 (its last Thursday is the 24th); the monthly one's did not
    assert set(later["period_from"]) == {pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")}
    pd.testing.assert_frame_equal(later, known)


def test_a_run_uses_the_buurt_figures_of_its_year_or_before(tmp_path, ref):
    from pipelines import catalog, reference
    from pipelines.risk import _period_year

    rows = pd.DataFrame({"area_code": ["BU01180000"] * 3, "year": [2023, 2024, 2027],
                         "indicator": ["inwoners"] * 3, "value": [100.0, 110.0, 999.0], "unit": "aantal",
                         "missing_reason": None, "boundary_changed": False, "source": "cbs_kwb", "load_id": "t"})
    with connect(tmp_path / "w.duckdb") as con:
        reference.sync(con, ref)
        insert_frame(con, "core.area_stats", rows)
        assert catalog.latest_area_stats(con)["value"].tolist() == [999.0]
        assert catalog.latest_area_stats(con, _period_year("2026-W48"))["value"].tolist() == [110.0]
        assert catalog.latest_area_stats(con, _period_year("2023-12"))["value"].tolist() == [100.0]
        assert catalog.latest_area_stats(con, 2022).empty
    assert _period_year("2026-W53") == 2026          # 28 December 2026 to 3 January 2027: a week of 2026 in reports
    assert _period_year("2025-W01") == 2025          # 30 December 2024 to 5 January 2025
    assert _period_year("2027-W01") == 2027
