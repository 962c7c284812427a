"""The run's warnings about the deliveries are judged per source by what it delivered: a quiet last week of a
full export is no missing delivery, a monthly source is late only once the month after its newest month has
ended too, and monthly counts newer than the run's week are named as not evaluated. When deliveries really
stop, the warning still comes."""
import pandas as pd

from tests.conftest import write_csv


def _ranges(*rows):
    return pd.DataFrame([{"period": p, "source": s, "first": pd.Timestamp("2024-01-01"), "last": pd.Timestamp(last)}
                         for p, s, last in rows])


def test_a_quiet_last_week_of_a_full_export_is_no_missing_delivery():
    from pipelines.flows import delivery_warnings

    ranges = _ranges(("week", "meldingen", "2026-11-09"))          # the last report is of 2026-W46
    window = {"meldingen": pd.Timestamp("2026-11-22")}             # the export covers 2026-W47 as well
    assert delivery_warnings(ranges, "2026-W46", pd.Timestamp("2026-11-30"), window) == []
    assert delivery_warnings(ranges, "2026-W46", pd.Timestamp("2026-11-30"))       # without the window: late
    stopped = delivery_warnings(ranges, "2026-W46", pd.Timestamp("2026-12-14"), window)
    assert len(stopped) == 1 and "meldingen" in stopped[0] and "inbox" in stopped[0]


def test_a_monthly_source_is_late_only_after_the_next_month_and_some_days():
    from pipelines.flows import delivery_warnings

    ranges = _ranges(("month", "wijkteam", "2026-10-01"))
    for day in ("2026-11-26", "2026-12-01", "2026-12-14"):
        assert delivery_warnings(ranges, "2026-10", pd.Timestamp(day)) == [], day
    late = delivery_warnings(ranges, "2026-10", pd.Timestamp("2026-12-20"))
    assert len(late) == 1 and "wijkteam" in late[0] and "2026-10" in late[0]


def test_the_month_holding_today_is_not_taken_as_delivered():
    from pipelines.flows import delivery_warnings

    ranges = _ranges(("month", "wijkteam", "2026-12-01"))          # five days of december delivered
    assert delivery_warnings(ranges, "2026-11", pd.Timestamp("2026-12-06")) == []


def test_monthly_counts_newer_than_the_run_week_are_named():
    from pipelines.flows import delivery_warnings

    ranges = _ranges(("week", "meldingen", "2026-12-28"), ("month", "wijkteam", "2027-06-01"))
    got = delivery_warnings(ranges, "2026-W53", pd.Timestamp("2027-07-06"))
    assert any("meldingen" in w and "inbox" in w for w in got)                        # the reports stopped
    assert any(w.startswith("wijkteam has counts up to 2027-06, newer than this run's week 2026-W53") and
               "deliver meldingen" in w for w in got)
    usual = _ranges(("week", "meldingen", "2026-11-16"), ("month", "wijkteam", "2026-10-01"))
    assert delivery_warnings(usual, "2026-W47", pd.Timestamp("2026-11-26")) == []


def test_ingest_keeps_the_window_of_a_full_export(home, tmp_path):
    from pipelines.catalog.windows import covered_to
    from pipelines.warehouse import connect
    from tests.pipelines.test_cli import invoke

    f = write_csv(tmp_path / "meldingen.csv", ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
                  [["02-11-2026", "Afval", "Zwerfafval", "BU01185000"]])
    res = invoke(home, "ingest", "--source", "meldingen", str(f), "--today", "2026-11-26",
                 "--full-window", "2026-11-01:2026-11-22")
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        assert covered_to(con) == {"meldingen": pd.Timestamp("2026-11-22")}
