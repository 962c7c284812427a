"""Later years and calendar edges: ISO week 53, the first weeks of a year, leap days, December -> January."""
import pandas as pd

from pipelines.reports import trends
from tests.conftest import demo_signal_counts, fill_counts
from tests.pipelines.test_reports import AREAS, CATALOGUE, weekly


def _weekly_years(first: str, last: str) -> pd.DataFrame:
    starts = pd.date_range(first, last, freq="W-MON")
    return weekly("BU1", "afval", first, [1] * len(starts))


def test_the_report_of_iso_week_53_looks_at_the_year_the_week_belongs_to():
    counts = _weekly_years("2024-01-01", "2026-12-28")           # up to 2026-W53 (28 Dec 2026 - 3 Jan 2027)
    run_start = pd.Timestamp("2026-12-28")
    year, end = trends.report_year(run_start), run_start + pd.Timedelta(days=6)
    assert year == 2026
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, end, year=year).set_index("year")["count"].to_dict()
    assert ytd == {2024: 52, 2025: 52, 2026: 52}                  # every week of each year, 2026-W53 included
    mix = trends.signal_mix(counts, AREAS, CATALOGUE, year, end)
    assert mix["count"].sum() == 53                               # the 53 weeks of 2026 (shares: not per 52)


def test_year_to_date_in_the_first_week_of_a_year_compares_the_first_weeks_of_earlier_years():
    counts = _weekly_years("2024-01-01", "2027-01-04")           # up to 2027-W01
    run_start = pd.Timestamp("2027-01-04")
    year, end = trends.report_year(run_start), run_start + pd.Timedelta(days=6)
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, end, year=year).set_index("year")["count"].to_dict()
    assert ytd == {2024: 1, 2025: 1, 2026: 1, 2027: 1}
    change = trends.this_year_vs_earlier(trends.year_to_date(counts, AREAS, CATALOGUE, end, year=year), year)
    assert change["change"].item() == 0.0


def test_year_to_date_in_the_first_weeks_of_a_year_leaves_out_a_monthly_domain_with_no_month_ended():
    """2027-W01 (to 10-01-2027): no month of 2027 has ended, so sociaal (monthly) has no part of the year to
    compare; it read "sociaal 0,0 | 0,0 | 6 jaren" for every wijk, 2021 counted though its counts began in November
    2021 (red team 12a F4). Left out with one sentence; the weekly domain keeps its first weeks."""
    months = pd.DataFrame({"area_code": "BU1", "signal": "eenzaam", "period": "month", "count": 3,
                           "period_start": pd.date_range("2021-11-01", "2026-12-01", freq="MS")})
    counts = pd.concat([_weekly_years("2024-01-01", "2027-01-04"), months], ignore_index=True)
    end = pd.Timestamp("2027-01-10")
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, end, year=2027)
    assert set(ytd["domain"]) == {"physical"}
    assert ytd.set_index("year")["count"].to_dict() == {2024: 1, 2025: 1, 2026: 1, 2027: 1}
    change = trends.this_year_vs_earlier(ytd, 2027)
    assert change[["domain", "earlier_years"]].values.tolist() == [["physical", 3]]
    assert trends.not_yet_compared(counts, CATALOGUE, end, 2027) == ("Sociaal staat hier nog niet in: nog geen "
                                                                     "maand van 2027 afgelopen.")
    # once January has ended, sociaal is compared, over the Januaries its counts cover (2022 to 2027)
    jan = pd.concat([counts, months.iloc[-1:].assign(period_start=pd.Timestamp("2027-01-01"))], ignore_index=True)
    later = trends.year_to_date(jan, AREAS, CATALOGUE, pd.Timestamp("2027-02-07"), year=2027)
    assert sorted(later.loc[later["domain"] == "social", "year"]) == [2022, 2023, 2024, 2025, 2026, 2027]
    assert trends.not_yet_compared(jan, CATALOGUE, pd.Timestamp("2027-02-07"), 2027) == ""


def test_year_to_date_weeks_line_up_by_their_place_in_the_year_not_by_the_date():
    counts = _weekly_years("2024-01-01", "2026-11-16")           # a run in 2026-W47 (16-22 November)
    end = pd.Timestamp("2026-11-22")
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, end).set_index("year")["count"].to_dict()
    assert ytd == {2024: 47, 2025: 47, 2026: 47}                  # ISO weeks 1 to 47 of each year


def test_a_run_of_monthly_counts_only_lists_its_own_month_not_the_month_before():
    from pipelines.flag import current_cells

    frame = pd.DataFrame({"area_code": "BU1", "domain": "social", "period": "month", "status": "nieuw",
                          "period_start": pd.to_datetime(["2026-12-01", "2027-01-01"])})
    now = current_cells(frame, pd.Timestamp("2027-01-01"), "month")              # run 2027-01
    assert now["period_start"].tolist() == [pd.Timestamp("2027-01-01")]
    now = current_cells(frame, pd.Timestamp("2027-01-04"))                       # run 2027-W01: December is complete
    assert now["period_start"].tolist() == [pd.Timestamp("2026-12-01")]


def test_a_monthly_flag_is_aanhoudend_only_once_an_earlier_list_held_it():
    """Red team A: on its first list ever a month's flag read aanhoudend (its month ended over a week before the
    run), while its own text said "nieuw deze maand"."""
    from pipelines.flag import current_cells

    frame = pd.DataFrame({"area_code": ["BU1", "BU2", "BU3"], "domain": ["social", "social", "physical"],
                          "period": "month", "status": "nieuw", "period_start": pd.Timestamp("2026-10-01")})
    earlier = pd.DataFrame({"area_code": ["BU2", "BU3"], "domain": ["social", "social"],
                            "period_start": pd.to_datetime(["2026-10-01", "2026-10-01"])})
    run = pd.Timestamp("2026-11-16")                                              # 2026-W47: October ended long ago
    now = current_cells(frame, run, "week", listed_before=earlier).set_index("area_code")["status"]
    assert now.to_dict() == {"BU1": "nieuw", "BU2": "aanhoudend", "BU3": "nieuw"}   # BU3: another domain was listed
    first = current_cells(frame, run, "week", listed_before=earlier.iloc[0:0])       # the first list ever
    assert set(first["status"]) == {"nieuw"}


def test_the_corpus_turn_of_the_year_lands_each_report_in_its_iso_week_and_each_count_in_its_month(home, ref, tmp_path):
    from datetime import date

    from pipelines.ingest import ingest_file
    from pipelines.reference import sync
    from pipelines.warehouse import connect
    from tests.adversarial.corpus import SEED, YEAR_EDGE_MONTHS, YEAR_EDGES, write_corpus
    from tests.conftest import TODAY

    cases = {c.file: c for c in write_corpus(tmp_path, SEED)}
    with connect(home.warehouse) as con:
        sync(con, ref)
        for name in ("meldingen_jaarwisseling.csv", "wijkteam_jaarwisseling.csv"):
            case = cases[name]
            ingest_file(con, tmp_path / name, case.source, ref, home.archive, today=TODAY)
        weeks = {d for (d,) in con.execute("SELECT DISTINCT period_start FROM core.signal_counts "
                                          "WHERE source = 'meldingen'").fetchall()}
        months = {d for (d,) in con.execute("SELECT DISTINCT period_start FROM core.signal_counts "
                                           "WHERE source = 'wijkteam'").fetchall()}
    assert weeks == {date.fromisoformat(w) for w in YEAR_EDGES.values() if w}
    assert months == {date.fromisoformat(f"{m}-01") for m in YEAR_EDGE_MONTHS if m < "2026-12"}


def test_a_week_that_has_begun_is_not_scored_until_it_is_over(home, ref):
    # five reports of Monday 23 November (2026-W48) on top of a history through 2026-W47: a run on that Tuesday
    # lists 2026-W47; the same loads a week later list 2026-W48, as a new run
    from pipelines.demo import demo_counts
    from pipelines.runs import score_and_flag
    from pipelines.warehouse import connect

    w, m, *_ = demo_counts(ref, years=3)
    monday = w[w["period_start"] == w["period_start"].max()].assign(
        period_start=pd.Timestamp("2026-11-23"), count=lambda f: (f["count"] > 3).astype("int64"))
    counts = pd.concat([w, m, monday], ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts)
        tuesday = score_and_flag(con, ref, today=pd.Timestamp("2026-11-24"))
        assert tuesday.run_period == "2026-W47"
        assert score_and_flag(con, ref, today=pd.Timestamp("2026-11-29")).run_id == tuesday.run_id   # Sunday
        later = score_and_flag(con, ref, today=pd.Timestamp("2026-11-30"))
        assert later.run_period == "2026-W48" and not later.reused


def test_lists_of_a_week_long_past_say_so():
    from pipelines.flows import staleness

    assert staleness("2026-W47", pd.Timestamp("2026-11-28")) is None             # this week's run
    assert staleness("2026-W47", pd.Timestamp("2026-12-02")) is None             # a week late
    old = staleness("2026-W47", pd.Timestamp("2027-01-04"))
    assert old and "2026-W47" in old and "6 weeks before today" in old and "inbox" in old
    assert staleness("2026-10", pd.Timestamp("2026-12-20")) and staleness("2026-10", pd.Timestamp("2026-11-05")) is None


def test_a_week_counts_in_its_iso_year_in_every_report():
    from pipelines.reports import openpages
    from pipelines.reports.build import run_years

    assert trends.report_year(pd.Timestamp("2024-12-30")) == 2025          # 2025-W01
    assert trends.report_year(pd.Timestamp("2027-01-01"), "month") == 2027
    assert run_years(["2025-W01", "2026-W53", "2027-01"]) == [2025, 2026, 2027]
    counts = weekly("BU1", "afval", "2024-12-30", [5]).assign(expected=5.0)
    assert trends.observed_vs_expected(counts, AREAS, CATALOGUE)["year"].tolist() == [2025]
    assert set(trends.signal_mix(counts, AREAS, CATALOGUE, 2025)["count"]) == {5}
    assert set(openpages.period_year(counts["period_start"], counts["period"])) == {2025}


def test_a_few_reports_of_years_ago_leave_the_risk_model_as_it_was(tmp_path, ref):
    """Four reports dated 2012 (an old export's stray rows, a typo for 2021) on a history of 2023 to 2026: the scoring
    leaves the years between out as never delivered, but the risk model read them as zeros from 2012 on, so every
    buurt 'escalated' when the real history began (the demo's physical base rate 0.07 -> 0.12, other buurten named
    under Preventief in beeld). The months before a run of months the source never delivered are not its history."""
    from tests.pipelines.test_risk_sources import _risk

    counts = demo_signal_counts(ref, years=3)
    counts = counts[counts["count"] > 0]
    old = counts[counts["source"] == "meldingen"].drop_duplicates("area_code").head(4).assign(
        period_start=pd.to_datetime(["2012-03-12", "2012-03-12", "2012-07-02", "2012-02-27"]), count=1)
    before, was, _ = _risk(tmp_path / "before.duckdb", ref, counts)
    after, now, _ = _risk(tmp_path / "after.duckdb", ref, pd.concat([counts, old], ignore_index=True))
    assert now["physical"]["trained_on"] == was["physical"]["trained_on"]         # not "november 2020 t/m ..."
    assert now["physical"]["base_rate"] == was["physical"]["base_rate"]
    pd.testing.assert_frame_equal(after, before)
