"""A list is of the run's own period, or says it could not judge it (red team round 9, defect 3 and its 2028 variant).

When the run's week was not scored (a week that was never delivered before it, a history that jumps from 2026 to
2028), the lists held the flags of the latest earlier scored week (2026-W47 on the list of 2026-W49 or 2028-W09,
status "nieuw") and of October 2026, and nothing said the run's week was not judged; the year plan of 2027, a year
without data, counted 2026's open flags as 2027's.
"""
import pandas as pd
import pytest

from pipelines.flag import current_cells
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts


def _cells(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": a, "domain": d, "period": k, "period_start": pd.Timestamp(s), "status": st}
                         for a, d, k, s, st in rows])


CELLS = _cells(("BU1", "physical", "week", "2026-11-16", "nieuw"),          # 2026-W47, the last week scored
               ("BU2", "social", "month", "2026-10-01", "nieuw"),
               ("BU3", "social", "month", "2026-09-01", "nieuw"))


def test_a_week_that_was_not_scored_lists_no_earlier_week():
    assert sorted(current_cells(CELLS, pd.Timestamp("2026-11-16"))["period_start"]) == [
        pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-16")]                # the normal case as before
    now = current_cells(CELLS, pd.Timestamp("2026-11-30"))                      # 2026-W49: W48 missing, W49 unscored
    assert now["period"].tolist() == ["month"] and now["period_start"].tolist() == [pd.Timestamp("2026-10-01")]
    assert current_cells(CELLS, pd.Timestamp("2028-02-28")).empty               # 2028-W09: no 2026 flag is current


def test_the_monthly_part_is_the_latest_complete_month_only_while_it_is_recent():
    from pipelines.flag import recent_months

    assert recent_months(pd.Timestamp("2026-11-30")) == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01"))
    assert recent_months(pd.Timestamp("2026-12-28")) == (pd.Timestamp("2026-11-01"), pd.Timestamp("2026-12-01"))
    assert current_cells(CELLS, pd.Timestamp("2026-12-28")).empty               # October: over two months before
    assert current_cells(CELLS, pd.Timestamp("2026-12-01"), "month").empty      # a monthly run: its own month only
    assert current_cells(CELLS, pd.Timestamp("2026-10-01"), "month")["area_code"].tolist() == ["BU2"]


def test_the_periods_not_judged_and_why_are_named():
    from pipelines.flag import gap_periods, unjudged
    from pipelines.wording import unjudged_text

    scored = CELLS[["period", "period_start"]]
    assert unjudged(scored, pd.Timestamp("2026-11-16")) == []
    assert unjudged(scored, pd.Timestamp("2026-11-30")) == [("week", pd.Timestamp("2026-11-30"))]
    assert unjudged(scored, pd.Timestamp("2028-02-28")) == [("week", pd.Timestamp("2028-02-28")),
                                                            ("month", pd.Timestamp("2028-02-01"))]
    delivered = pd.to_datetime(["2026-11-16", "2026-11-30"])
    gap = gap_periods(delivered, pd.Timestamp("2026-11-30"))
    assert gap == [pd.Timestamp("2026-11-23")]
    assert unjudged_text("week", "2026-11-30", "nl", {"meldingen": gap}) == (
        "2026-W49 kon niet beoordeeld worden: de meldingen van 2026-W48 ontbreken; deze lijst bevat daarom geen "
        "weeksignalen.")
    english = unjudged_text("week", "2026-11-30", "en", {"meldingen": gap})
    assert english.startswith("2026-W49 was not judged (meldingen delivered no counts for 2026-W48)")
    assert unjudged_text("week", "2026-11-30").startswith("2026-W49 kon niet beoordeeld worden: de cijfers van die "
                                                          "week konden niet worden doorgerekend")   # reason unknown
    assert unjudged_text("month", "2028-01-01", latest=pd.Timestamp("2026-10-01")).startswith(
        "januari 2028 kon niet beoordeeld worden: de nieuwste maand met cijfers is oktober 2026")


@pytest.fixture(scope="module")
def jumped_home(tmp_path_factory, ref):
    """The demo history up to 2026-W47, then one week of meldingen in 2030-W09 (2026-W48 to 2030-W08 never
    delivered), run on 2030-03-04: 2030-W09 is not scored (after a gap of three years a series needs 9 periods
    delivered again; after a shorter gap it is scored, see the test of 2028 below)."""
    return _jumped(tmp_path_factory.mktemp("jumped") / "home", ref, "2030-02-25")


def _jumped(root, ref, week: str):
    """(home, run): the demo history up to 2026-W47, then 2026-W47's meldingen again in ``week``, run the week after."""
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag

    home = resolve_home(root)
    counts = demo_signal_counts(ref)
    counts = counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) <= "2026-11-16")]
    later = counts[(counts["period"] == "week") & (pd.to_datetime(counts["period_start"]) == "2026-11-16")]
    with connect(home.warehouse) as con:
        fill_counts(con, ref, pd.concat([counts, later.assign(period_start=pd.Timestamp(week))]))
        run = score_and_flag(con, ref, today=pd.Timestamp(week) + pd.Timedelta(days=7))
    return home, run


def test_the_lists_of_a_week_that_was_not_scored_say_so_and_hold_no_stale_flags(jumped_home):
    from pipelines.export import export_run
    from pipelines.runs import read_flags

    home, run = jumped_home
    assert run.run_period == "2030-W09"
    with connect(home.warehouse) as con:
        flags = read_flags(con, run.run_id)
        paths = export_run(con, home, run)
    assert flags.empty                                   # before: the 2026-W47 and oktober 2026 flags, "nieuw"
    for files in paths.values():
        path = next(p for p in files if p.suffix == ".csv")
        table = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig").fillna("")
        assert table["Toelichting"].iloc[0] == (
            "2030-W09 kon niet beoordeeld worden: de meldingen van 2026-W48 t/m 2030-W08 ontbreken; deze lijst bevat "
            "daarom geen weeksignalen. februari 2030 kon niet beoordeeld worden: de nieuwste maand met cijfers is "
            "oktober 2026; deze lijst bevat daarom geen maandsignalen.")
        listed = table[~table["Status"].isin(["", "preventief in beeld"])]
        assert listed.empty and not table["Periode"].isin(["2026-W47", "oktober 2026"]).any()
        assert "Geen opvallende signalen" not in path.read_text(encoding="utf-8-sig")
        html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
        assert 'class="unjudged">2030-W09 kon niet beoordeeld worden' in html


def test_a_year_plan_counts_no_flag_of_an_earlier_year_as_this_years(jumped_home):
    from pipelines.reports import jaarplan
    from pipelines.reports.build import open_warehouse, read_period_data

    home, _ = jumped_home
    with open_warehouse(home) as con:
        data = read_period_data(con)
    open_2026 = jaarplan.year_flags(data.evidence, data.areas, data.feedback, "de-weide", 2026, data.sent)
    assert jaarplan.year_flags(data.evidence, data.areas, data.feedback, "de-weide", 2027, data.sent).empty
    dev = jaarplan.development(data.scores, data.areas, data.catalogue, "de-weide", 2027, data.counts)
    monthly = jaarplan.monthly_development(data.scores, data.areas, data.catalogue, "de-weide", 2027)
    page = jaarplan.jaarplan_page("de-weide", "De Weide", 2027, dev, monthly, open_2026.iloc[0:0], {}, False,
                                  "04-03-2030", jaarplan.scored([data.scores, data.evidence]))
    assert "De signaleringen van 2027 zijn niet bekend" in page and "in 2027: 0 opgelost" not in page


def test_a_run_whose_week_was_scored_gets_its_list_as_before(ref, tmp_path):
    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.runs import read_flags, score_and_flag

    home = resolve_home(tmp_path / "home")
    counts = demo_signal_counts(ref)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) <= "2026-11-16")])
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        flags = read_flags(con, run.run_id)
        paths = export_run(con, home, run)
    assert run.run_period == "2026-W47" and len(flags)
    weekly = flags[flags["period"] == "week"]
    assert len(weekly) and (pd.to_datetime(weekly["period_start"]) == pd.Timestamp("2026-11-16")).all()
    assert set(pd.to_datetime(flags.loc[flags["period"] == "month", "period_start"])) <= {pd.Timestamp("2026-10-01")}
    for files in paths.values():
        assert "kon niet beoordeeld" not in next(p for p in files if p.suffix == ".csv").read_text(encoding="utf-8-sig")


def test_after_a_gap_of_a_year_the_week_is_scored_and_its_flags_start_anew(ref, tmp_path):
    """The history up to 2026-W47, then 2028-W09 after 66 weeks never delivered: the week is scored (a missing
    period is skipped), a flag of 2028 is nieuw since 2028 (an episode of 2026 does not run on through the gap), and
    the year plan of 2027, a year without any period scored, says so instead of "0 signaleringen"."""
    from pipelines.reports import jaarplan
    from pipelines.reports.build import open_warehouse, read_period_data
    from pipelines.runs import read_flags

    home, run = _jumped(tmp_path / "home", ref, "2028-02-28")
    with connect(home.warehouse) as con:
        flags = read_flags(con, run.run_id)
    assert run.run_period == "2028-W09" and len(flags)
    weekly = flags[flags["period"] == "week"]
    assert len(weekly) and (pd.to_datetime(weekly["since"]) >= "2028-02-28").all()
    assert set(weekly["status"]) <= {"nieuw"}
    with open_warehouse(home) as con:
        data = read_period_data(con)
    assert jaarplan.year_flags(data.evidence, data.areas, data.feedback, "de-weide", 2027, data.sent).empty
    in_2026 = jaarplan.year_flags(data.evidence, data.areas, data.feedback, "de-weide", 2026, data.sent)
    assert (in_2026.loc[in_2026["period"] == "week", "state"] == "open").any()      # 2026's open flags stay 2026's
    page = jaarplan.jaarplan_page("de-weide", "De Weide", 2027, jaarplan.development(
        data.scores, data.areas, data.catalogue, "de-weide", 2027, data.counts), jaarplan.monthly_development(
        data.scores, data.areas, data.catalogue, "de-weide", 2027), data.flags.iloc[0:0].assign(state="", feedback=""),
        {}, False, "06-03-2028", jaarplan.scored([data.scores, data.evidence]))
    assert "geen enkele periode van 2027 gescoord" in page and "in 2027: 0 opgelost" not in page


def test_an_episode_runs_on_over_a_missing_week_and_ends_at_a_long_gap():
    from models.evidence import lifecycle

    ev = pd.DataFrame({"area_code": "A", "domain": "d", "period": "week", "score": [1.0, 2.0, 3.0, 1.0, 0.0],
                       "period_start": pd.to_datetime(["2026-11-09", "2026-11-16", "2026-11-30", "2028-02-28",
                                                       "2028-03-06"]),
                       "level": ["alarm", "alarm", "alarm", "alarm", ""]})
    out = lifecycle(ev)
    assert out["status"].tolist() == ["nieuw", "verergerend", "verergerend", "nieuw", "aanhoudend"]
    assert out["since"].tolist() == [pd.Timestamp("2026-11-09")] * 3 + [pd.Timestamp("2028-02-28")] * 2


def test_in_a_region_each_municipalitys_lists_say_whether_its_own_week_was_judged(tmp_path):
    """Hoogeveen delivered 2026-W47, De Wolden did not: De Wolden's teams read "Geen opvallende signalen" as if
    judged, because the scores of the region together held the week (red team round 10)."""
    from pipelines.demo import demo_counts
    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.profile import write_profile
    from pipelines.reference import Reference
    from pipelines.runs import score_and_flag

    write_profile(tmp_path / "home", ["GM0118", "GM1690"])
    home = resolve_home(tmp_path / "home")
    ref = Reference.for_home(home)
    weekly, monthly, *_ = demo_counts(ref, years=3)
    c = pd.concat([weekly, monthly], ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")
    c = c[(c["count"] > 0) & (pd.to_datetime(c["period_start"]) <= "2026-11-16")]
    gm = c["area_code"].map(dict(zip(ref.buurten["area_code"], ref.buurten["gemeente_code"])))
    c = c[~((gm == "GM1690") & (c["period"] == "week") & (pd.to_datetime(c["period_start"]) == "2026-11-16"))]
    with connect(home.warehouse) as con:
        fill_counts(con, ref, c)
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        paths = export_run(con, home, run)
    assert run.run_period == "2026-W47"
    for team, files in paths.items():
        first = next(p for p in files if p.suffix == ".csv").read_text(encoding="utf-8-sig").splitlines()[1]
        said = "2026-W47 kon niet beoordeeld worden: de meldingen van 2026-W47 ontbreken" in first
        assert said == team.startswith("de-wolden"), (team, first)


def test_an_episode_whose_ending_week_was_never_delivered_is_resolved_at_the_next_week():
    from models.evidence import lifecycle

    weeks = pd.date_range("2026-01-05", periods=8, freq="7D")

    def statuses(starts, levels):
        ev = pd.DataFrame({"area_code": "A", "domain": "d", "period": "week", "period_start": starts,
                           "level": levels, "score": 1.0})
        return lifecycle(ev)["status"].tolist()

    assert statuses(weeks, ["alarm"] + [""] * 7)[3] == "opgelost"
    # the week that would have ended it (+3) never delivered: the next one does, so the year plan closes it
    assert statuses(weeks.delete(3), ["alarm"] + [""] * 6) == ["nieuw", "aanhoudend", "aanhoudend", "opgelost", "",
                                                               "", ""]
    # after a long gap nothing is known: the episode just ends
    assert statuses(pd.DatetimeIndex([weeks[0], weeks[1], pd.Timestamp("2026-06-01")]), ["alarm", "", ""]) == [
        "nieuw", "aanhoudend", ""]


def test_a_monthly_run_names_the_months_a_source_never_delivered():
    """Only a week's missing weeks were named; a monthly run read "de cijfers van die maand konden niet worden
    doorgerekend" (red team round 10)."""
    from pipelines.flag import gap_periods
    from pipelines.wording import unjudged_text

    delivered = pd.to_datetime(["2026-09-01", "2026-10-01"])
    gap = gap_periods(delivered, pd.Timestamp("2027-01-01"), "month")
    assert gap == [pd.Timestamp(m) for m in ("2026-11-01", "2026-12-01", "2027-01-01")]
    assert unjudged_text("month", "2027-01-01", "nl", {"wijkteam": gap}, run_kind="month") == (
        "januari 2027 kon niet beoordeeld worden: de wijkteamsignalen van november 2026 t/m januari 2027 ontbreken; "
        "deze lijst bevat daarom geen signalen.")
