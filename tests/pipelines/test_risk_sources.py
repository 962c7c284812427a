"""A domain's risk model sums the sources that have the history it needs: a source that has just begun (one month of
schulden) or that ended long ago is left out with a warning naming it, instead of cutting the whole domain's panel
to the months every source has (which removed the social model of every buurt)."""
import logging

import pandas as pd
import pytest

from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts

RUN = ("2026-W47-test", "2026-W47", pd.Timestamp("2026-11-23"), False, 0, 0, 0)


def _schulden(buurten, months):
    return pd.DataFrame([{"area_code": b, "signal": "betalingsachterstand", "period": "month",
                          "period_start": pd.Timestamp(m), "count": 7, "source": "schulden"}
                         for b in buurten for m in months])


@pytest.fixture(scope="module")
def demo(ref):
    counts = demo_signal_counts(ref, years=3)
    return counts[counts["count"] > 0]


def _risk(path, ref, counts):
    from pipelines import catalog
    from pipelines.risk import risk_step
    from pipelines.runs import Run

    with connect(path) as con:
        fill_counts(con, ref, counts)
        result = risk_step(con, ref, Run(*RUN))
        table = con.execute("SELECT * EXCLUDE (run_id) FROM marts.area_risk ORDER BY domain, area_code").df()
        run = catalog.risk_run(con, RUN[0])
        # where the buurt figures came from (the lists' Toelichting): never a signal source left out of a model
        assert run["features"].startswith(("CBS Kerncijfers", "core.area_stats")), run["features"]
        return table, run["models"], result


@pytest.fixture(scope="module")
def without(tmp_path_factory, ref, demo):
    return _risk(tmp_path_factory.mktemp("risk") / "w.duckdb", ref, demo)


@pytest.mark.parametrize("months, why", [
    (["2026-09-01"], "it has 1 complete month(s), 2026-09 to 2026-09, and the model needs 15 months"),      # just begun
    (pd.date_range("2024-01-01", "2025-03-01", freq="MS"), "its counts end with 2025-03"),            # ended
])
def test_a_source_without_the_history_the_model_needs_is_left_out_and_named(tmp_path, ref, demo, without, caplog,
                                                                           months, why):
    buurten = sorted(ref.buurten["area_code"])[5:9:3]
    with caplog.at_level(logging.WARNING, logger="wijkradar.risk"):
        table, models, result = _risk(tmp_path / "w.duckdb", ref, pd.concat([demo, _schulden(buurten, months)]))
    before, _, _ = without
    assert set(table["domain"]) == {"physical", "social"}
    assert (table["domain"] == "social").sum() == len(ref.buurten)          # every buurt keeps its social risk
    pd.testing.assert_frame_equal(table, before)                              # the model of the other sources
    assert "model" in models["social"] and models["social"]["left_out"]["schulden"].startswith(why)
    assert "left_out" not in models["physical"]
    assert f"source schulden left out of the model: {why}" in caplog.text
    assert "social: logistisch" in result.describe() and "without schulden (" in result.describe()


def test_a_source_with_the_history_joins_and_the_same_counts_give_the_same_panel(ref, demo):
    from pipelines import risk

    social = demo[demo["source"] == "wijkteam"]
    long = _schulden(sorted(ref.buurten["area_code"])[:4], pd.date_range("2024-06-01", "2026-10-01", freq="MS"))
    monthly = pd.concat([social, long]).assign(month=lambda t: t["period_start"].dt.year * 12
                                               + t["period_start"].dt.month - 1)
    ranges = monthly.groupby(["source", "period"], as_index=False)["period_start"].agg(first="min", last="max")
    codes = sorted(ref.buurten["area_code"])
    got = risk.domain_panel(monthly, ranges, codes, 3, need=5)
    again = risk.domain_panel(monthly, ranges.iloc[::-1], codes, 3, need=5)
    assert got.left_out == {} and risk.month_start(got.start) >= pd.Timestamp("2024-06-01")   # joined: from its start
    assert got.panel["count"].sum() == social[social["period_start"] >= risk.month_start(got.start)]["count"].sum() \
        + 7 * 4 * got.periods * 3
    pd.testing.assert_frame_equal(got.panel, again.panel)
    assert (got.start, got.periods) == (again.start, again.periods)
