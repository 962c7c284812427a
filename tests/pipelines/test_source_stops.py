"""Reports when a source stops half-way the year (found by a colleague's exploration of reports under odd histories).

Meldingen delivered up to May, then a run in November: the run's lists said rightly that its week could not be
judged, but the year plan and 02-flags-review showed the flags still listed in May as ``open`` for good (their
evidence ends where the scoring stopped, read as "not resolved"), the review's open column added up to 6 beside
"1 op de lijsten van nu", and 01-trends compared fysiek up to May under a header "tot en met 22-11-2026" without a
word. Also here: the review's precision from a known truth ignored the five-answer minimum the page states.
"""
import pandas as pd
import pytest

from pipelines.reports import jaarplan, review, trends
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts

AREAS = pd.DataFrame({
    "area_code": ["GM0118", "WK01", "BU1", "BU2"], "name": ["Hoogeveen", "Wijk 50 Stad", "Centrum", "Oost"],
    "level": ["gemeente", "wijk", "buurt", "buurt"], "wijk_code": [None, "WK01", "WK01", "WK01"],
    "gemeente_code": "GM0118", "kind": [None, None, "stadswijk", "stadswijk"],
    "wijkteam": [None, None, "stad", "stad"], "population": [None, None, 1000, 1000]})
CATALOGUE = pd.DataFrame({"signal": ["afval", "eenzaam"], "domain": ["physical", "social"],
                          "label_nl": ["Afval", "Eenzaamheid"]})


def _evidence(area, domain, kind, first, statuses):
    starts = pd.date_range(first, periods=len(statuses), freq="W-MON" if kind == "week" else "MS")
    since = None
    rows = []
    for start, status in zip(starts, statuses):
        since = start if status == "nieuw" else since if status in ("aanhoudend", "opgelost") else None
        rows.append({"area_code": area, "domain": domain, "period": kind, "period_start": start, "score": 1.0,
                     "level": "aandacht" if status in ("nieuw", "aanhoudend") else "", "status": status,
                     "since": since})
    return pd.DataFrame(rows)


# weekly scores up to 2026-W22 (25 May): BU1's flag ended in April, BU2's was still listed when they stopped
WEEKS = pd.concat([_evidence("BU1", "physical", "week", "2026-04-06", ["nieuw", "aanhoudend", "opgelost"] + [""] * 5),
                   _evidence("BU2", "physical", "week", "2026-04-06", [""] * 6 + ["nieuw", "aanhoudend"])],
                  ignore_index=True)


@pytest.mark.parametrize("run_period, unjudged", [("2026-W47", True), ("2026-W22", False), ("2026-11", True),
                                                  ("2026-05", False)])
def test_a_flag_listed_when_its_scores_stopped_is_neither_resolved_nor_open(run_period, unjudged):
    ep = review.episodes(WEEKS, AREAS, run_period=run_period).set_index("area_code")
    assert pd.notna(ep.loc["BU1", "resolved"]) and pd.isna(ep.loc["BU1", "unjudged_after"])
    assert pd.isna(ep.loc["BU2", "resolved"])
    assert (ep.loc["BU2", "unjudged_after"] == pd.Timestamp("2026-05-25")) is unjudged
    summary = review.time_to_resolution(ep.reset_index()).iloc[0]
    assert (summary["resolved"], summary["open"], summary.get("unjudged", 0)) == (1, 0 if unjudged else 1,
                                                                                   1 if unjudged else 0)
    sentence = review.unjudged_sentence(ep)
    assert ("1 signalering stond nog op de lijst" in sentence and "fysiek na 2026-W22" in sentence) is unjudged
    assert (sentence == "") is not unjudged


def test_a_monthly_flag_is_open_while_its_month_is_one_a_weekly_list_shows():
    months = _evidence("BU2", "social", "month", "2026-08-01", ["", "nieuw", "aanhoudend"])     # up to October
    at = {p: review.episodes(months, AREAS, run_period=p)["unjudged_after"].iloc[0] for p in
          ("2026-W47", "2026-W49", "2027-W02")}
    # W47 and W49 show October (or September and October); in January November is the oldest month shown
    assert pd.isna(at["2026-W47"]) and pd.isna(at["2026-W49"]) and at["2027-W02"] == pd.Timestamp("2026-10-01")


def test_the_year_plan_says_which_flags_were_not_judged_since_and_why():
    flags = jaarplan.year_flags(WEEKS, AREAS, pd.DataFrame(), "stad", 2026, run_period="2026-W47")
    assert sorted(flags["state"]) == ["niet beoordeeld", "opgelost"]
    covered = jaarplan.scored([WEEKS], "2026-W47")
    assert covered.stopped == {"week": pd.Timestamp("2026-05-25")}
    page = jaarplan.jaarplan_page("stad", "Wijkteam Stad", 2026, pd.DataFrame(columns=["name", "domain", "observed",
                                  "expected", "ratio"]), pd.DataFrame(columns=["domain", "month", "observed",
                                  "expected"]), flags.assign(feedback=""), {}, False, "26-11-2026", covered)
    assert "2 signaleringen in 2026: 1 opgelost, 0 nog open, 1 niet meer beoordeeld" in page
    assert "niet meer beoordeeld: geen cijfers na 2026-W22" in page
    assert "de weeksignalen na 2026-W22 niet meer gescoord" in page
    # the same flags seen by the run of W22 itself: open, and no word of stopped scores
    flags = jaarplan.year_flags(WEEKS, AREAS, pd.DataFrame(), "stad", 2026, run_period="2026-W22")
    assert sorted(flags["state"]) == ["open", "opgelost"] and not jaarplan.scored([WEEKS], "2026-W22").stopped


def test_the_trends_compare_every_year_up_to_the_last_week_delivered_and_say_so():
    def weekly(first, n):
        return pd.DataFrame({"area_code": "BU1", "signal": "afval", "period": "week",
                             "period_start": pd.date_range(first, periods=n, freq="W-MON"), "count": 2})
    months = pd.DataFrame({"area_code": "BU1", "signal": "eenzaam", "period": "month",
                           "period_start": pd.date_range("2024-01-01", "2026-10-01", freq="MS"), "count": 1})
    stopped = pd.concat([weekly("2024-01-01", 104), weekly("2025-12-29", 22), months], ignore_index=True)
    end = pd.Timestamp("2026-11-22")
    note = trends.delivered_until(stopped, AREAS, CATALOGUE, end, 2026)
    assert "fysiek tot en met 2026-W22" in note and "sociaal" not in note
    ytd = trends.year_to_date(stopped, AREAS, CATALOGUE, end, by=("domain",), year=2026).set_index("domain")
    assert ytd.loc["physical", "until"].eq(pd.Timestamp("2026-05-31")).all()
    assert ytd.loc["social", "until"].eq(pd.Timestamp("2026-10-31")).all()
    whole = pd.concat([weekly("2024-01-01", 104), weekly("2025-12-29", 47), months], ignore_index=True)
    assert trends.delivered_until(whole, AREAS, CATALOGUE, end, 2026) == ""


def test_the_precision_from_a_known_truth_keeps_the_minimum_of_answers():
    episodes = pd.DataFrame({"area_code": [f"BU{i}" for i in range(9)], "domain": "physical", "period": "week",
                             "since": pd.Timestamp("2026-05-04"), "correct": [True] * 2 + [False] * 7})
    signals = episodes[["area_code", "domain", "period", "since"]].assign(
        signal=["afval"] * 5 + ["eenzaam"] * 4)
    got = review.precision_per_signal(episodes, signals, CATALOGUE).set_index("signal")
    assert got.loc["afval", "precision"] == pytest.approx(0.4) and got.loc["afval", "remark"] == ""
    assert pd.isna(got.loc["eenzaam", "precision"]) and got.loc["eenzaam", "remark"] == "nog te weinig antwoorden"


def test_a_run_after_meldingen_stopped_in_may_reports_no_flag_open_that_is_not_on_its_lists(ref, tmp_path):
    """End to end on the demo's counts in a real warehouse: meldingen (the weekly physical source) up to May."""
    from pipelines.paths import resolve_home
    from pipelines.reports.build import write_jaarplan
    from pipelines.reports.period import read_period_data
    from pipelines.reports.data import open_warehouse
    from pipelines.runs import score_and_flag

    home = resolve_home(tmp_path / "home")
    counts = demo_signal_counts(ref)
    counts = counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) <= "2026-11-16")]
    cut = (counts["source"] == "meldingen") & (pd.to_datetime(counts["period_start"]) > "2026-05-31")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[~cut])
        # the export of 2026-W47 held reports up to May only: its name's week is delivered (delivered.named_week)
        con.execute("INSERT INTO meta.loads (load_id, source, file_name, content_hash, loaded_at, rows_read, "
                    "rows_accepted, rows_quarantined, named_week) VALUES ('meldingen-w47', 'meldingen', "
                    "'meldingen_export_2026-W47.csv', 'x', now(), 1, 1, 0, DATE '2026-11-16')")
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
    assert run.run_period == "2026-W47"
    with open_warehouse(home) as con:
        data = read_period_data(con)
    ep = review.episodes(data.evidence, data.areas, data.sent, data.revised, data.run["run_period"])
    weekly_open = ep[(ep["period"] == "week") & ep["resolved"].isna() & ep["revised"].isna()]
    assert len(weekly_open) and weekly_open["unjudged_after"].notna().all()
    assert (weekly_open["unjudged_after"] <= pd.Timestamp("2026-05-25")).all()
    listed = data.flags[data.flags["status"].isin(review.LISTED)]
    assert review.time_to_resolution(ep)["open"].sum() == len(listed[["area_code", "domain"]].drop_duplicates())
    plans = [write_jaarplan(home, 2026, team).read_text(encoding="utf-8") for team in data.wijkteams["wijkteam"]]
    assert any("niet meer beoordeeld: geen cijfers na 2026-W" in page for page in plans)
    assert all("de weeksignalen na 2026-W22 niet meer gescoord" in page for page in plans)


def test_a_year_plan_of_the_first_year_says_from_when_its_counts_count():
    """The demo's history begins on 29-11-2021: the year plan of 2021 said "de kolom Waargenomen telt het hele jaar"
    over a month of counts (found by a colleague's exploration)."""
    weeks = pd.DataFrame({"period": "week", "period_start": pd.date_range("2024-11-25", periods=104, freq="W-MON")})
    counts = pd.DataFrame({"period": ["week", "month"], "period_start": pd.to_datetime(["2021-11-29", "2021-11-01"])})
    text, unscored = jaarplan._coverage(jaarplan.scored([weeks], "2026-W47", counts), 2021)
    assert unscored and "telt het hele jaar" not in text
    assert "vanaf het begin van de geleverde cijfers (weken vanaf 2021-W48 en maanden vanaf november 2021)" in text
    text, _ = jaarplan._coverage(jaarplan.scored([weeks], "2026-W47", counts), 2022)
    assert "telt het hele jaar" in text and "geleverde cijfers" not in text


def test_the_rising_series_leave_weeks_never_delivered_out_of_every_year():
    """Meldingen missing 2026-W40 to W43: the recent column summed nine weeks against thirteen of the earlier years,
    a ratio of 0.69 where nothing changed (found by a colleague's exploration)."""
    starts = pd.date_range("2023-01-02", "2026-11-16", freq="W-MON")
    gap = (starts >= "2026-09-28") & (starts <= "2026-10-19")                      # 2026-W40 to W43
    counts = pd.DataFrame({"area_code": "BU1", "signal": "afval", "period": "week", "period_start": starts[~gap],
                           "count": 5})
    end = pd.Timestamp("2026-11-22")
    gaps = trends.recent_gaps(counts, AREAS, CATALOGUE, end)
    assert {k: len(v) for k, v in gaps.items()} == {("afval", "week"): 4}
    row = trends.rising_series(counts, AREAS, CATALOGUE, end, min_recent=1, top=None).iloc[0]
    assert (row["recent"], row["baseline"], row["ratio"]) == (45, 45, 1.0)
    assert trends.recent_gaps_sentence(gaps).startswith("Niet geleverd in de laatste 13 weken: afval van 2026-W40 t/m "
                                                        "2026-W43.")
    whole = pd.DataFrame({"area_code": "BU1", "signal": "afval", "period": "week", "period_start": starts, "count": 5})
    assert trends.recent_gaps(whole, AREAS, CATALOGUE, end) == {}
    assert trends.rising_series(whole, AREAS, CATALOGUE, end, min_recent=1, top=None).iloc[0]["recent"] == 65


def test_a_flag_sent_that_todays_scores_no_longer_hold_stays_an_episode_with_its_answer():
    """A flag the team was sent and answered, whose week a correction lowered or a newer logic re-scored: it left
    today's evidence, and with it the year plan, taking its answer along, while `wijkradar feedback` still counted the
    answer (found upgrading homes made by older versions: de-weide "Terugkoppeling gegeven op 1" beside 3 answers)."""
    listed = pd.DataFrame({"wijkteam": "stad", "area_code": ["BU1", "BU1", "BU2"], "domain": "physical",
                           "period": "week", "period_start": pd.to_datetime(["2026-04-06", "2026-04-13", "2026-09-07"]),
                           "since": pd.to_datetime(["2026-04-06", "2026-04-06", "2026-09-07"]),
                           "level": ["aandacht", "aandacht", "alarm"]})
    # BU1's listing is today's episode (April); BU2's week of September no longer rose on today's counts
    ep = review.episodes(WEEKS[WEEKS["area_code"] == "BU1"], AREAS, run_period="2026-W47", listed=listed)
    assert len(ep) == 2
    gone = ep.set_index("area_code").loc["BU2"]
    assert gone["rejudged"] == pd.Timestamp("2026-09-07") and pd.isna(gone["resolved"]) and gone["level"] == "alarm"
    assert pd.isna(gone["unjudged_after"])
    summary = review.time_to_resolution(ep).iloc[0]
    assert (summary["episodes"], summary["resolved"], summary["rejudged"], summary["open"]) == (2, 1, 1, 0)
    answers = pd.DataFrame({"wijkteam": ["stad"], "area_code": "BU2", "domain": "physical", "period": "week",
                            "period_start": pd.Timestamp("2026-09-07"), "feedback": "opgepakt",
                            "run_period": "2026-W37"})
    flags = jaarplan.year_flags(WEEKS[WEEKS["area_code"] == "BU1"], AREAS, answers, "stad", 2026,
                                run_period="2026-W47", listed=listed)
    row = flags.set_index("area_code").loc["BU2"]
    assert (row["state"], row["feedback"]) == ("herberekend", "opgepakt")
    page = jaarplan.jaarplan_page("stad", "Wijkteam Stad", 2026, pd.DataFrame(columns=["name", "domain", "observed",
                                  "expected", "ratio"]), pd.DataFrame(columns=["domain", "month", "observed",
                                  "expected"]), flags, {}, True, "26-11-2026", None)
    assert "2 signaleringen in 2026: 1 opgelost, 0 nog open, 1 herberekend" in page
    assert "Terugkoppeling gegeven op 1" in page and "herberekend: de scores van nu tonen in 2026-W37 geen" in page
