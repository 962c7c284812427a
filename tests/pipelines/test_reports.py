"""Report functions on tiny frames (no warehouse, no kernel), and the pages they make."""
import re
from html.parser import HTMLParser

import duckdb
import nbformat
import numpy as np
import pandas as pd
import pytest

from pipelines.feedback import precision
from pipelines.reports import jaarplan, maps, openpages, review, trends
from pipelines.reports.data import outline_paths, read_feedback, read_outlines
from pipelines.reports.render import NotebookFailed, notebook_page, table

AREAS = pd.DataFrame({
    "area_code": ["GM0118", "WK01", "WK02", "BU1", "BU2", "BU3"],
    "name": ["Hoogeveen", "Wijk 50 Stad", "Wijk 52 Dorp", "Centrum", "Oost", "Kern"],
    "level": ["gemeente", "wijk", "wijk", "buurt", "buurt", "buurt"],
    "wijk_code": [None, "WK01", "WK02", "WK01", "WK01", "WK02"],
    "gemeente_code": "GM0118",
    "kind": [None, None, None, "stadswijk", "stadswijk", "dorp"],
    "wijkteam": [None, None, None, "stad", "stad", "dorpen"],
    "population": [None, None, None, 1000, 1000, 500],
})
CATALOGUE = pd.DataFrame({"signal": ["afval", "eenzaam"], "domain": ["physical", "social"],
                          "label_nl": ["Afval", "Eenzaamheid"]})


def weekly(area, signal, start, values):
    starts = pd.date_range(start, periods=len(values), freq="W-MON")
    return pd.DataFrame({"area_code": area, "signal": signal, "period": "week", "period_start": starts, "count": values})


def monthly(area, signal, start, values):
    starts = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame({"area_code": area, "signal": signal, "period": "month", "period_start": starts, "count": values})


# --- trends ------------------------------------------------------------------------------------

def test_wijk_names_lose_their_number_and_wijken_get_the_kind_of_most_inhabitants():
    assert trends.wijk_short_name("Wijke 52 Fluitenberg") == "Fluitenberg"
    w = trends.wijk_table(AREAS)
    assert w.set_index("wijk")["kind"].to_dict() == {"Stad": "stadswijk", "Dorp": "dorp"}
    assert w.set_index("wijk")["population"].to_dict() == {"Stad": 2000, "Dorp": 500}


def test_observed_vs_expected_per_wijk_domain_and_year():
    scores = weekly("BU1", "afval", "2025-12-29", [2, 4, 6]).assign(expected=[2.0, 2.0, np.nan])
    oe = trends.observed_vs_expected(scores, AREAS, CATALOGUE)
    row = oe.set_index(["wijk", "year"]).loc[("Stad", 2026)]
    # the week of 29 December 2025 is 2026-W01; the unscored period is left out
    assert (row["observed"], row["expected"], row["ratio"]) == (6, 4.0, 1.5)
    assert 2025 not in set(oe["year"])


def test_year_to_date_compares_the_same_part_of_every_year_per_1000_inhabitants():
    counts = pd.concat([monthly("BU1", "eenzaam", "2024-01-01", [1] * 12 + [2] * 12 + [3] * 10)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2026-10-31"))
    got = ytd.set_index("year")["count"].to_dict()
    assert got == {2024: 10, 2025: 20, 2026: 30}                     # Jan-Oct of each year
    assert ytd.set_index("year").loc[2026, "rate"] == pytest.approx(30 / 2000 * 1000)
    change = trends.this_year_vs_earlier(ytd, 2026)
    assert change["this_year"].item() == 30 and change["earlier_mean"].item() == 15 and change["change"].item() == 1.0


def test_year_to_date_leaves_out_a_month_that_has_ended_but_is_not_delivered_yet():
    """A report in the first weeks of a month compared a December not delivered yet (0) with the full Decembers
    of earlier years: -5 % where the months delivered were +4 % (red team round 9)."""
    counts = monthly("BU1", "eenzaam", "2024-01-01", [1] * 12 + [2] * 12 + [3] * 11)      # up to November 2026
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2026-12-31"))
    assert ytd.set_index("year")["count"].to_dict() == {2024: 11, 2025: 22, 2026: 33}    # Jan-Nov of each year
    # the weekly domain keeps its own last week
    both = pd.concat([counts, weekly("BU1", "afval", "2024-01-01", [1] * 156)])
    ytd = trends.year_to_date(both, AREAS, CATALOGUE, pd.Timestamp("2026-12-31"), by=("domain",))
    assert ytd.set_index(["domain", "year"]).loc[("physical", 2026), "count"] == 52


def test_year_to_date_at_the_end_of_february_counts_every_february_leap_year_or_not():
    starts = pd.Series(pd.to_datetime(["2028-02-01", "2029-02-01", "2031-02-01", "2032-01-01", "2032-02-01", "2032-03-01"]))
    months = pd.Series(["month"] * len(starts))
    assert trends.in_year_to_date(starts, months, pd.Timestamp("2032-02-29")).tolist() == [True] * 5 + [False]
    # the 28th of a year without 29 February ends the February of a leap year as well
    assert trends.in_year_to_date(starts[:3], months[:3], pd.Timestamp("2031-02-28")).tolist() == [True] * 3
    # 28 February of a leap year: the Februaries that ended by the 28th, not those of leap years
    assert trends.in_year_to_date(starts, months, pd.Timestamp("2032-02-28")).tolist() == [False, True, True, True, False, False]


def first_weeks(area, values, years=range(2022, 2028)):
    """One count in the first week of each year (ISO week 1, which may begin in December); None: no row that year."""
    starts = [pd.Timestamp.fromisocalendar(y, 1, 1) for y in years]
    rows = [(s, v) for s, v in zip(starts, values) if v is not None]
    return pd.DataFrame({"area_code": area, "signal": "afval", "period": "week",
                         "period_start": [s for s, _ in rows], "count": [v for _, v in rows]})


def test_earlier_years_without_counts_count_as_zero():
    # Stad: 3 in the first week of 2022, no counts in 2023-2026, 2 in 2027; the dorp has counts every year
    counts = pd.concat([first_weeks("BU1", [3, None, None, None, None, 2]), first_weeks("BU3", [1] * 6)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2027-01-10"))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")["count"].to_dict()
    assert stad == {2022: 3, 2023: 0, 2024: 0, 2025: 0, 2026: 0, 2027: 2}
    change = trends.this_year_vs_earlier(ytd, 2027).set_index("wijk")
    assert change.loc["Stad", "earlier_mean"] == pytest.approx(0.6) and change.loc["Stad", "earlier_years"] == 5
    # also when handed a year-to-date frame without the empty years
    sparse = ytd[ytd["count"] > 0]
    again = trends.this_year_vs_earlier(sparse, 2027).set_index("wijk")
    assert again.loc["Stad", "earlier_mean"] == pytest.approx(0.6) and again.loc["Stad", "earlier_years"] == 5
    # a domain the warehouse holds no data of in a year does not get a 0 for that year (compared once January has
    # ended: on 10 January no month of 2027 has, test_later_years)
    eenzaam = monthly("BU2", "eenzaam", "2025-01-01", [1] * 25)
    ytd = trends.year_to_date(pd.concat([counts, eenzaam]), AREAS, CATALOGUE, pd.Timestamp("2027-02-07"))
    assert sorted(ytd.loc[ytd["domain"] == "social", "year"]) == [2025, 2026, 2027]


def test_signal_mix_shares_add_up_per_wijk():
    counts = pd.concat([weekly("BU1", "afval", "2026-01-05", [3, 3]), monthly("BU2", "eenzaam", "2026-01-01", [2])])
    mix = trends.signal_mix(counts, AREAS, CATALOGUE, 2026)
    assert mix.groupby("wijk")["share"].sum().to_dict() == {"Stad": 1.0}
    assert mix.set_index("signal")["share"].to_dict() == {"afval": 0.75, "eenzaam": 0.25}


def test_rising_series_ranks_a_rise_against_the_same_weeks_of_earlier_years():
    start = "2023-01-02"
    n = 4 * 52
    flat = weekly("BU1", "afval", start, [2] * n)
    rising = weekly("BU3", "afval", start, [2] * (n - 13) + [6] * 13)
    end = flat["period_start"].max() + pd.Timedelta(days=6)
    out = trends.rising_series(pd.concat([flat, rising]), AREAS, CATALOGUE, end, years_back=3)
    assert out["area_code"].iloc[0] == "BU3" and out["kind"].iloc[0] == "dorp"
    top = out.iloc[0]
    assert (top["recent"], top["baseline"], top["years"]) == (78, 26, 3)


def test_rising_series_compare_a_monthly_signal_with_the_same_calendar_months_of_earlier_years():
    """Red team 7c F2: the earlier windows were 52 weeks back, drifting a day a year, so the report of 2026-W48 (ending
    29-11-2026) compared September and October 2026 with October-November 2023 and 2024 and September-November 2025.
    A count per month equal to its month number shows which months a window holds."""
    counts = pd.concat([monthly("BU2", "eenzaam", f"{year}-01-01", list(range(1, 13))) for year in (2023, 2024, 2025)]
                       + [monthly("BU2", "eenzaam", "2026-01-01", list(range(1, 11)))])
    counts.loc[counts["period_start"] >= "2026-09-01", "count"] *= 3         # September and October 2026 rose
    out = trends.rising_series(counts, AREAS, CATALOGUE, pd.Timestamp("2026-11-29"), years_back=3)
    top = out.set_index(["area_code", "signal"]).loc[("BU2", "eenzaam")]
    assert (top["recent"], top["baseline"], top["years"]) == (3 * (9 + 10), 9 + 10, 3)


def test_rising_series_leave_out_the_years_before_a_signal_was_delivered():
    """Red team: a source delivered from June on topped 'Sterkst stijgende reeksen' (baseline 0 over 3 years):
    the years before it began were read as years of 0."""
    start = "2023-01-02"
    n = 4 * 52
    flat = weekly("BU1", "afval", start, [2] * n)
    rising = weekly("BU3", "afval", start, [2] * (n - 13) + [6] * 13)
    end = flat["period_start"].max() + pd.Timedelta(days=6)
    young = monthly("BU2", "eenzaam", "2026-06-01", [6] * 7)             # the signal is delivered since June 2026
    out = trends.rising_series(pd.concat([flat, rising, young]), AREAS, CATALOGUE, end, years_back=3)
    assert "eenzaam" not in set(out["signal"]) and out["area_code"].iloc[0] == "BU3"
    # delivered since June 2025: one earlier year counts, and a buurt without counts then rose from a true 0
    older = monthly("BU1", "eenzaam", "2025-06-01", [1] * 12 + [4] * 7)
    out = trends.rising_series(pd.concat([flat, rising, young, older]), AREAS, CATALOGUE, end, years_back=3)
    got = out.set_index(["area_code", "signal"])
    assert got.loc[("BU1", "eenzaam"), "years"] == 1 and got.loc[("BU1", "eenzaam"), "baseline"] == 2
    assert got.loc[("BU2", "eenzaam"), "years"] == 1 and got.loc[("BU2", "eenzaam"), "baseline"] == 0
    assert got.loc[("BU3", "afval"), "years"] == 3


# --- flag review -------------------------------------------------------------------------------

def evidence_rows(area, domain, statuses, levels, start="2026-01-05"):
    starts = pd.date_range(start, periods=len(statuses), freq="W-MON")
    since = []
    current = pd.NaT
    for s, st in zip(starts, statuses):
        if st == "nieuw":
            current = s
        since.append(current if st else pd.NaT)
    return pd.DataFrame({"area_code": area, "domain": domain, "period": "week", "period_start": starts,
                         "p_domain": 0.5, "q": 0.5, "score": 1.0, "level": levels, "status": statuses, "since": since})


EVIDENCE = pd.concat([
    evidence_rows("BU1", "physical", ["", "nieuw", "aanhoudend", "", "", "", "opgelost", ""],
                  ["", "alarm", "aandacht", "", "", "", "", ""]),
    evidence_rows("BU3", "physical", ["", "", "", "", "", "", "nieuw", "aanhoudend"],
                  ["", "", "", "", "", "", "aandacht", "aandacht"]),
], ignore_index=True)


def test_episodes_run_from_nieuw_to_opgelost_and_open_ones_have_no_end():
    ep = review.episodes(EVIDENCE, AREAS).set_index("area_code")
    assert ep.loc["BU1", "level"] == "alarm" and ep.loc["BU1", "weeks_to_resolved"] == 5
    assert pd.isna(ep.loc["BU3", "resolved"]) and ep.loc["BU3", "wijkteam"] == "dorpen"
    summary = review.time_to_resolution(review.episodes(EVIDENCE, AREAS)).set_index("wijkteam")
    assert summary.loc["stad", "resolved"] == 1 and summary.loc["dorpen", "open"] == 1
    assert review.new_flags_over_time(review.episodes(EVIDENCE, AREAS))["new"].sum() == 2


def test_feedback_shares_and_precision_per_signal():
    empty = review.feedback_shares(pd.DataFrame(columns=["wijkteam", "feedback"]))
    assert empty.empty
    fb = pd.DataFrame({"area_code": ["BU1", "BU3"], "domain": "physical", "wijkteam": ["stad", "dorpen"],
                       "period_start": pd.to_datetime(["2026-01-19", "2026-02-16"]),
                       "feedback": ["herkend, actie nodig", "niet herkend"]})
    shares = review.feedback_shares(fb).set_index("wijkteam")
    assert shares.loc["stad", "herkend, actie nodig"] == 1.0 and shares.loc["dorpen", "n"] == 1
    # per signal from the answers: the figures `wijkradar feedback` shows (one rule), a flag without signals of
    # its own (a rise pooled over its neighbours) under "(buren)" instead of left out
    answers = pd.DataFrame({"wijkteam": "stad", "domain": "physical", "signals": ["afval", "afval", ""],
                            "feedback": ["opgepakt", "geen probleem", "geen probleem"],
                            "explanation": ["", "", "Samen met de buurbuurten boven verwachting. Sinds mei."]})
    prec = review.precision_from_answers(answers, CATALOGUE).set_index("signal")
    assert prec.loc["afval", ["judged", "correct"]].tolist() == [2, 1]
    # below 5 answers no precision, as `wijkradar feedback` and the Toelichting print it (red team 7c F1)
    assert pd.isna(prec.loc["afval", "precision"]) and prec.loc["afval", "remark"] == "nog te weinig antwoorden"
    assert prec.loc["(buren)", ["judged", "correct"]].tolist() == [1, 0]
    assert prec.loc["(buren)", "label_nl"].startswith("Alleen bij de buren")
    cli = precision(answers.rename(columns={"feedback": "value"}), min_answers=1)
    cli = cli[cli["by"] == "signal"].set_index("group")
    assert cli.loc["afval", "confirmed"] == prec.loc["afval", "correct"]
    assert cli.loc["(buren)", "false_alarms"] == 1


def test_the_feedback_table_has_dutch_headers_and_no_header_row_of_its_own():
    fb = pd.DataFrame({"wijkteam": ["stad", "stad", "dorpen"], "feedback": ["opgepakt", "geen probleem", "opgepakt"]})
    page = table(review.feedback_shares(fb), review.FEEDBACK_HEADERS, digits=2)
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page)
    assert headers == ["wijkteam", "geen probleem", "opgepakt", "beantwoorde signaleringen"]


def test_episodes_and_weekly_entries_belong_to_the_team_whose_list_held_them():
    # BU3 was on the list of team stad in its first week (the buurt has moved to dorpen since); BU1 was never sent
    sent = pd.DataFrame({"run_period": ["2026-W08"], "wijkteam": ["stad"], "area_code": ["BU3"], "domain": ["physical"],
                         "period": ["week"], "period_start": pd.to_datetime(["2026-02-16"])})
    teams = review.episodes(EVIDENCE, AREAS, sent).set_index("area_code")["wijkteam"].to_dict()
    assert teams == {"BU1": "stad", "BU3": "stad"}
    weeks = list(pd.date_range("2026-02-16", periods=2, freq="W-MON"))
    listed = review.listed_per_team_week(EVIDENCE, AREAS, weeks, sent=sent).set_index(["wijkteam", "week"])["listed"]
    assert listed[("stad", weeks[0])] == 1 and listed[("dorpen", weeks[0])] == 0      # the week of the run
    assert listed[("dorpen", weeks[1])] == 1                                          # no run: today's division


def test_listed_entries_per_team_week_leave_out_known_causes():
    weeks = review.last_weeks(EVIDENCE, pd.Timestamp("2026-02-16"), 52)
    listed = review.listed_per_team_week(EVIDENCE, AREAS, weeks, known={("BU3", "physical")})
    last = listed[listed["week"] == weeks[-1]].set_index("wijkteam")
    assert last.loc["dorpen", "listed"] == 1 and last.loc["dorpen", "chance"] == 0
    assert review.budget_summary(listed).set_index("wijkteam").loc["stad", "listed_per_week"] == pytest.approx(2 / 7)


def test_missing_feedback_table_gives_an_empty_frame(tmp_path):
    from pipelines.reports.data import FEEDBACK_COLUMNS
    from pipelines.warehouse import connect

    con = duckdb.connect()
    con.execute("CREATE SCHEMA meta")
    assert read_feedback(con).empty
    with connect(tmp_path / "w.duckdb") as migrated:                # the table, no answers yet
        empty = read_feedback(migrated)
    assert empty.empty and set(FEEDBACK_COLUMNS) <= set(empty.columns)


# --- map -----------------------------------------------------------------------------------------

def test_map_colours_by_evidence_and_outlines_flagged_buurten():
    outlines, viewbox = read_outlines()
    assert len(outlines) == 48 and viewbox.startswith("0 0 600")
    latest = pd.DataFrame({"area_code": ["BU01185005", "BU01185000"], "domain": "physical",
                           "p_domain": [1e-5, 0.5], "level": ["alarm", ""], "status": ["nieuw", ""]})
    latest["strength"] = -np.log10(latest["p_domain"])
    flags = pd.DataFrame({"area_code": ["BU01185005"], "domain": ["physical"]})
    html = maps.domain_maps(outlines, viewbox, latest, flags, "2026-W47")
    zuid = re.search(r'<path class="buurt gemarkeerd" data-code="BU01185005" d="[^"]+" fill="([^"]+)"', html)
    assert zuid and zuid.group(1) == maps.COLOURS[-1]
    assert maps.colour(0.3) == maps.COLOURS[0] and maps.colour(np.nan) == maps.NO_DATA
    assert "geen gegevens" in html and "CC BY 4.0" in html and "<script" not in html


def test_each_municipality_map_of_a_region_counts_only_its_own_flags():
    # the map report of Vlieland + Rozendaal read "sociaal, 2026-W47: 2 buurt(en) op de lijst" under Rozendaal
    from pipelines.reports.data import outline_paths

    areas = pd.DataFrame({"area_code": ["GM0096", "GM0277"], "name": ["Vlieland", "Rozendaal"],
                          "level": "gemeente"})
    (_, _, vlieland), (_, _, rozendaal) = outline_paths(areas)
    latest = pd.DataFrame({"area_code": ["BU00960000", "BU00960009"], "domain": "social", "strength": [4.0, 3.0]})
    flags = pd.DataFrame({"area_code": ["BU00960000", "BU00960009"], "domain": ["social", "social"]})
    captions = {}
    for name, path in (("Vlieland", vlieland), ("Rozendaal", rozendaal)):
        outlines, viewbox = read_outlines(path)
        html = maps.domain_maps(outlines, viewbox, latest, flags, "2026-W47")
        captions[name] = re.search(r"sociaal, 2026-W47: ([^<]*)</figcaption>", html).group(1)
    assert captions == {"Vlieland": "2 buurten op de lijst", "Rozendaal": "geen gegevens"}


def test_the_table_under_the_map_names_the_level_as_the_lists_do():
    flags = pd.DataFrame({"wijkteam": ["stad", "dorpen", "stad"], "name": ["Centrum", "Kern", "Oost"],
                          "domain": ["physical", "social", "safety"], "level": ["alarm", None, np.nan],
                          "status": ["nieuw", "aanhoudend", "in behandeling"],
                          "since": pd.to_datetime(["2026-11-16"] * 3)})
    got = maps.flagged_table(flags)
    assert got["level"].tolist() == ["alarm", "nazorg", "nazorg"]
    assert got["domain"].tolist() == ["fysiek", "sociaal", "veiligheid"]


def test_a_home_of_two_municipalities_gets_a_map_of_each():
    areas = pd.DataFrame({"area_code": ["GM0118", "GM0088", "BU01185000"], "level": ["gemeente", "gemeente", "buurt"],
                          "name": ["Hoogeveen", "Schiermonnikoog", "Centrum"]})
    maps_ = outline_paths(areas)
    assert [(code, name) for code, name, _ in maps_] == [("GM0088", "Schiermonnikoog"), ("GM0118", "Hoogeveen")]
    schier = read_outlines(maps_[0][2])[0]
    assert len(schier) and schier["area_code"].str.startswith("BU0088").all()
    assert read_outlines(maps_[1][2])[0]["area_code"].str.startswith("BU0118").all()
    assert outline_paths(areas.assign(area_code=["GM9999", "GM0118", "BU01185000"]))[0][0] == "GM0118"   # none: no map


# --- open pages --------------------------------------------------------------------------------

def small_case_rates():
    counts = pd.concat([weekly("BU1", "afval", "2024-01-01", [1] * 104),      # 52 a year in the town
                        weekly("BU3", "afval", "2024-01-01", [0] * 50 + [1] * 3 + [0] * 51)])  # 3 in 2024, 0 in 2025
    return openpages.disclose(openpages.yearly_rates(counts, AREAS, CATALOGUE), 5), counts


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_count, self.counts = False, []

    def handle_starttag(self, tag, attrs):
        self.in_count = tag == "td" and ("class", "aantal") in attrs

    def handle_data(self, data):
        if self.in_count:
            self.counts.append(data)

    def handle_endtag(self, tag):
        self.in_count = False


def test_open_page_shows_no_count_below_five_and_hides_the_rates_of_small_counts():
    rates, _ = small_case_rates()
    dorp = rates[rates["wijk_code"] == "WK02"].set_index("year")
    assert dorp["count_shown"].tolist() == ["<5", "<5"] and dorp["rate_text"].tolist() == ["-", "-"]
    stad = rates[rates["wijk_code"] == "WK01"].set_index("year")
    assert stad.loc[2024, "hidden"]                    # secondary suppression: 55 - 52 would give the dorp's 3
    wijk = trends.wijk_table(AREAS).set_index("wijk_code").loc["WK02"].rename(None)
    wijk["wijk_code"] = "WK02"
    page = openpages.wijk_page(wijk, rates, CATALOGUE, 5, None, "01-12-2026")
    cells = Cells()
    cells.feed(page)
    assert cells.counts and all(c in ("<5", "verborgen") or int(c.replace(".", "")) >= 5 for c in cells.counts)
    assert "<td class=\"aantal\">3</td>" not in page and "&lt;5" in page
    assert "Zo werkt het CBS ook" in page and "Wat valt nu op" not in page
    assert "http://" not in page and "https://" not in page


def daily_reports(first: str, last: str) -> pd.DataFrame:
    """One report a day in the town, counted per week as the warehouse stores them."""
    days = pd.Series(pd.date_range(first, last, freq="D"))
    weeks = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).value_counts().sort_index()
    return pd.DataFrame({"area_code": "BU1", "signal": "afval", "period": "week", "period_start": weeks.index,
                         "count": weeks.to_numpy()})


def test_open_pages_count_a_year_in_whole_iso_weeks_and_a_53_week_year_as_52():
    rates = openpages.yearly_rates(daily_reports("2024-01-01", "2026-01-10"), AREAS, CATALOGUE)
    stad = rates[rates["wijk_code"] == "WK01"].set_index("year")
    # 2024-W01 to 2024-W52 (1 January to 29 December), 2025-W01 to 2025-W52 (30 December 2024 to 28 December 2025):
    # a week of 30 December 2024 counts in 2025, not in the year of its Monday
    assert stad["count"].to_dict() == {2024: 364, 2025: 364}
    assert round(stad.loc[2024, "rate"], 6) == round(stad.loc[2025, "rate"], 6) == 182.0
    rates = openpages.yearly_rates(daily_reports("2025-12-29", "2027-01-03"), AREAS, CATALOGUE)   # 2026: 53 weeks
    stad = rates[rates["wijk_code"] == "WK01"].set_index("year")
    assert stad["count"].to_dict() == {2026: 371} and round(stad.loc[2026, "rate"], 6) == 182.0    # 371 x 52 / 53 per 2,000


def test_an_open_page_without_a_whole_year_names_the_municipality_once():
    rates = openpages.disclose(openpages.yearly_rates(weekly("BU1", "afval", "2026-03-02", [3] * 10), AREAS,
                                                      CATALOGUE), 5)
    wijk = trends.wijk_table(AREAS).set_index("wijk_code").loc["WK01"].rename(None)
    wijk["wijk_code"] = "WK01"
    page = openpages.wijk_page(wijk, rates, CATALOGUE, 5, None, "01-12-2026")
    # nothing to compare yet: the page says so instead of promising a comparison (round 38)
    assert "gemeente de gemeente" not in page and "Nog geen cijfers" in page and "We vergelijken" not in page


def test_the_open_page_of_a_municipality_of_one_wijk_does_not_compare_the_wijk_with_itself():
    one = AREAS[AREAS["area_code"].isin(["GM0118", "WK01", "BU1", "BU2"])]
    rates = openpages.disclose(openpages.yearly_rates(weekly("BU1", "afval", "2024-01-01", [2] * 104), one,
                                                      CATALOGUE), 5)
    wijk = trends.wijk_table(one).set_index("wijk_code").loc["WK01"].rename(None)
    wijk["wijk_code"] = "WK01"
    page = openpages.wijk_page(wijk, rates, CATALOGUE, 5, None, "01-12-2026")
    # named twice only: the intro, and the note on hidden counts that every page carries
    assert page.count("hele gemeente") == 2 and "In de hele gemeente" not in page
    assert "Stad is de hele gemeente." in page and "Per 1.000 inwoners, hele gemeente" not in page
    cells = Cells()
    cells.feed(page)
    assert len(cells.counts) == 2                     # 2024 and 2025, one row each
    # with a second wijk the comparison is back, one figure of the municipality per year
    two = openpages.disclose(openpages.yearly_rates(weekly("BU1", "afval", "2024-01-01", [2] * 104), AREAS,
                                                    CATALOGUE), 5)
    page = openpages.wijk_page(wijk, two, CATALOGUE, 5, None, "01-12-2026")
    assert "Per 1.000 inwoners, hele gemeente" in page and page.count('<td class="cijfer">') == 4


def flag_rows(codes, names, status="nieuw", since="2026-10-05", period_start="2026-10-12"):
    return pd.DataFrame({"area_code": codes, "name": names, "domain": "physical", "period": "week",
                         "period_start": pd.Timestamp(period_start), "status": status, "since": pd.Timestamp(since)})


# A wijk of three buurten: 2,000 and 1,000 inhabitants and one of 15 (below the floor of 50).
SMALL = pd.concat([AREAS, pd.DataFrame({
    "area_code": ["WK03", "BU4", "BU5", "BU6"], "name": ["Wijk 53 Buiten", "Noord", "Zuid", "Industrieterrein"],
    "level": ["wijk", "buurt", "buurt", "buurt"], "wijk_code": ["WK03"] * 4, "gemeente_code": "GM0118",
    "kind": [None, "dorp", "dorp", "bedrijventerrein"], "wijkteam": [None, "dorpen", "dorpen", "dorpen"],
    "population": [None, 2000, 1000, 15]})], ignore_index=True)


def test_flags_on_open_pages_follow_the_disclosure_rules_of_the_tables():
    many = lambda area: weekly(area, "afval", "2026-10-05", [3, 4])          # noqa: E731  (7 since the flag)
    few = lambda area: weekly(area, "afval", "2026-10-05", [1, 2])           # noqa: E731  (3 since the flag)
    say = lambda flags, counts: openpages.flag_sentences(flags, "WK03", SMALL, pd.concat(counts), CATALOGUE)  # noqa
    more = ("In {} zijn er sinds oktober 2026 meer signalen over buitenruimte dan normaal. "
            "Het wijkteam kijkt wat er aan de hand is.")
    # a buurt of 15 inhabitants is never named, however many signals; it is spoken of as part of its wijk
    assert say(flag_rows(["BU6"], ["Industrieterrein"]), [many("BU6")]) == [more.format("Buiten")]
    # a buurt with fewer than 5 signals since the flag began is not named either
    assert say(flag_rows(["BU4"], ["Noord"]), [few("BU4"), few("BU5")]) == [more.format("Buiten")]
    # ... and when the wijk as a whole has fewer than 5 too, nothing is said
    assert say(flag_rows(["BU4"], ["Noord"]), [few("BU4")]) == []
    # naming the large buurt beside the wijk would point out the small one: both are spoken of as the wijk
    both = say(flag_rows(["BU5", "BU6"], ["Zuid", "Industrieterrein"]), [many("BU5"), many("BU6")])
    assert both == [more.format("Buiten")]
    assert not any(n in s for s in both for n in ("Industrieterrein", "Zuid"))
    # large buurten with enough signals are named, each
    assert say(flag_rows(["BU4", "BU5"], ["Noord", "Zuid"]), [many("BU4"), many("BU5")]) == [
        more.format("Noord"), more.format("Zuid")]
    assert say(flag_rows(["BU6"], ["Industrieterrein"], status="opgelost"), [many("BU6")]) == [
        "In Buiten is het aantal signalen over buitenruimte weer normaal."]
    tiny = SMALL[SMALL["area_code"] != "BU5"]                                  # a wijk of 30 + 15 inhabitants
    tiny = tiny.assign(population=tiny["population"].where(tiny["area_code"] != "BU4", 30))
    assert openpages.flag_sentences(flag_rows(["BU6"], ["Industrieterrein"]), "WK03", tiny, many("BU6"), CATALOGUE) == []


def test_a_wijk_of_fewer_than_50_inhabitants_shows_no_count_however_large():
    areas = AREAS.assign(population=AREAS["population"].where(AREAS["area_code"] != "BU3", 40))
    counts = pd.concat([weekly("BU1", "afval", "2024-01-01", [1] * 104), weekly("BU3", "afval", "2024-01-01", [1] * 104)])
    rates = openpages.disclose(openpages.yearly_rates(counts, areas, CATALOGUE), 5)
    dorp = rates[rates["wijk_code"] == "WK02"]
    assert dorp["count_shown"].eq("verborgen").all() and dorp["rate_shown"].isna().all()
    stad = rates[rates["wijk_code"] == "WK01"]           # else the municipality's total would give the dorp's count
    assert stad["hidden"].all()
    assert not rates.loc[rates["kind"] == "gemeente", "hidden"].any()
    gm = rates[rates["kind"] == "gemeente"]
    assert openpages.trend_sentence("Dorp", "physical", dorp, gm) == (
        "In Dorp wonen zo weinig mensen dat we hier geen cijfers laten zien.")
    assert openpages.trend_sentence("Stad", "physical", stad, gm) == (
        "In 2025 laten we het aantal in Stad niet zien, zodat niemand herkend kan worden.")


def test_rates_are_rounded_and_flags_appear_only_when_allowed():
    assert openpages.round_rate(12.46) == 12.0 and openpages.round_rate(2.46) == 2.5
    flags = flag_rows(["BU3"], ["Kern"])
    counts = weekly("BU3", "afval", "2026-10-05", [2, 3])
    sentences = openpages.flag_sentences(flags, "WK02", AREAS, counts, CATALOGUE)
    assert sentences == ["In Kern zijn er sinds oktober 2026 meer signalen over buitenruimte dan normaal. "
                         "Het wijkteam kijkt wat er aan de hand is."]
    assert openpages.flag_sentences(flags, "WK01", AREAS, counts, CATALOGUE) == []
    index = openpages.index_page(trends.wijk_table(AREAS), "01-12-2026")
    assert index.index("Wijken in de stad") < index.index("Dorpen") and 'href="dorp-wk02.html"' in index


# Three municipalities whose wijken share the name "Wijk 00" (a home made with init --provincie)
REGION = pd.DataFrame({
    "area_code": ["GM0088", "GM0096", "GM0277", "WK008800", "WK009600", "WK027700", "BU00880000", "BU00960000",
                  "BU02770000"],
    "name": ["Schiermonnikoog", "Vlieland", "Rozendaal", "Wijk 00", "Wijk 00", "Wijk 00", "Dorp", "Dorp", "Kern"],
    "level": ["gemeente"] * 3 + ["wijk"] * 3 + ["buurt"] * 3,
    "wijk_code": [None] * 3 + ["WK008800", "WK009600", "WK027700"] * 2,
    "gemeente_code": ["GM0088", "GM0096", "GM0277"] * 3,
    "kind": [None] * 6 + ["dorp"] * 3, "wijkteam": [None] * 6 + ["t1", "t2", "t3"],
    "population": [None] * 6 + [1000, 1000, 1500]})


def test_open_pages_count_only_the_weeks_ended_by_the_run():
    # a run of 2026-W52 while week 53 has begun: 2026 is not a complete year yet, so it has no rate
    from types import SimpleNamespace

    from pipelines.reports.build import ReportSettings, open_pages

    counts = weekly("BU00880000", "afval", "2024-12-30", [9] * 106)          # 2025-W01 .. 2026-W53
    data = SimpleNamespace(counts=counts, areas=REGION, catalogue=CATALOGUE, flags=pd.DataFrame())
    page = lambda d: open_pages(d, ReportSettings())["wijk-00-schiermonnikoog-wk008800.html"]  # noqa: E731
    assert "In 2026 waren er" in page(data)                                   # all weeks of 2026 delivered
    data.run = {"run_period": "2026-W52"}
    assert "In 2026 waren er" not in page(data) and "In 2025 waren er" in page(data)


def test_wijken_of_several_municipalities_that_share_a_name_stay_apart():
    from types import SimpleNamespace

    from pipelines.reports.build import ReportSettings, open_pages

    # a CBS name that is only a number carries its municipality's name (red team 5b F4)
    assert trends.wijk_names(REGION).to_dict() == {"WK008800": "Wijk 00 Schiermonnikoog",
                                                   "WK009600": "Wijk 00 Vlieland", "WK027700": "Wijk 00 Rozendaal"}
    counts = pd.concat([weekly("BU00880000", "afval", "2024-01-01", [1] * 104),     # 52 in 2025 (ISO weeks)
                        weekly("BU00960000", "afval", "2024-01-01", [2] * 104),     # 104 in 2025
                        weekly("BU02770000", "afval", "2024-01-01", [3] * 104)])    # 156 in 2025
    data = SimpleNamespace(counts=counts, areas=REGION, catalogue=CATALOGUE, flags=pd.DataFrame())
    pages = open_pages(data, ReportSettings())
    assert set(pages) == {"index.html", "wijk-00-schiermonnikoog-wk008800.html", "wijk-00-vlieland-wk009600.html",
                          "wijk-00-rozendaal-wk027700.html"}
    vlieland = pages["wijk-00-vlieland-wk009600.html"]
    # each a municipality of one wijk: the wijk is the whole municipality, not compared with itself
    assert "Wijk 00 Vlieland is de hele gemeente." in vlieland and "Schiermonnikoog" not in vlieland
    # its own: 104 / 1,000, printed as the rate of 105 (all three: 312 / 3,500)
    assert "In 2025 waren er in Wijk 00 Vlieland 105 " in vlieland
    rozendaal = pages["wijk-00-rozendaal-wk027700.html"]
    assert "In 2025 waren er in Wijk 00 Rozendaal 103 " in rozendaal    # 156 / 1,500, printed as 155 / 1,500
    assert "In de hele gemeente" not in vlieland + rozendaal
    index = pages["index.html"]
    for gm, page_file in [("Rozendaal", "wijk-00-rozendaal-wk027700.html"), ("Vlieland", "wijk-00-vlieland-wk009600.html"),
                          ("Schiermonnikoog", "wijk-00-schiermonnikoog-wk008800.html")]:
        at = index.index(f"<h2>Gemeente {gm}</h2>")
        assert index.index(page_file) > at and all(index.index(f"<h2>Gemeente {o}</h2>") < at or
                                                   index.index(f"<h2>Gemeente {o}</h2>") > index.index(page_file)
                                                   for o in ("Rozendaal", "Vlieland", "Schiermonnikoog") if o != gm)
    assert "Gemeenten Rozendaal, Schiermonnikoog en Vlieland" in index

    # the manager report: one row per wijk code, named with its municipality
    scores = counts.assign(expected=1.0)
    oe = trends.observed_vs_expected(scores, REGION, CATALOGUE)
    assert sorted(oe.loc[oe["year"] == 2025, "observed"]) == [52, 104, 156]      # 2025-W01 to W52
    assert len(trends.ratio_table(oe, 2025)) == 3
    ytd = trends.year_to_date(counts, REGION, CATALOGUE, pd.Timestamp("2025-12-28"))
    assert ytd[ytd["year"] == 2025].set_index("wijk_code")["population"].to_dict() == {
        "WK008800": 1000, "WK009600": 1000, "WK027700": 1500}
    table = trends.change_table(trends.this_year_vs_earlier(ytd, 2025), 2025)
    assert table["wijk"].tolist() == ["Wijk 00 Rozendaal", "Wijk 00 Schiermonnikoog", "Wijk 00 Vlieland"]
    assert table["aantal 2025"].tolist() == [156, 52, 104]


def test_open_pages_of_an_earlier_call_under_other_names_are_removed_and_other_files_stay(tmp_path):
    from pipelines.reports.build import replace_open_pages

    (tmp_path / "wijk-00.html").write_text("<p>Gemaakt door wijkradar op 01-11-2026 10:00.</p>", encoding="utf-8")
    (tmp_path / "eigen.html").write_text("<p>Onze eigen pagina</p>", encoding="utf-8")
    page = "<p>Gemaakt door wijkradar op 01-12-2026 10:00.</p>"
    replace_open_pages(tmp_path, {"index.html": page, "wijk-00-vlieland-wk009600.html": page})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eigen.html", "index.html", "wijk-00-vlieland-wk009600.html"]


def test_open_pages_cut_off_by_a_full_disk_stay_all_of_the_earlier_build(tmp_path, monkeypatch):
    """Red team 14b F2: a full disk after the first of 15 open pages left the new index beside 13 pages of the build
    before (a kill left the same). Every page is written before any replaces its own, so a build that cannot write
    them all leaves the earlier build's pages; the next build removes the part files a killed one left."""
    import pathlib

    from pipelines.reports.build import replace_open_pages

    names = ["index.html", "wijk-50-wk011850.html", "de-weide-wk011851.html"]
    old = "<p>Gemaakt door wijkradar op 01-11-2026 10:00.</p>"
    replace_open_pages(tmp_path, dict.fromkeys(names, old))
    real, written = pathlib.Path.write_text, []

    def disk_full_at_the_second_page(self, *args, **kwargs):
        if len(written) == 1:
            raise OSError(28, "No space left on device", str(self))
        written.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", disk_full_at_the_second_page)
    with pytest.raises(OSError):
        replace_open_pages(tmp_path, dict.fromkeys(names, "<p>Gemaakt door wijkradar op 01-12-2026 10:00.</p>"))
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == dict.fromkeys(names, old)
    monkeypatch.undo()
    (tmp_path / "wijk-00-oud-wk011849.html.part").write_text(old, encoding="utf-8")    # a killed build's, renamed since
    replace_open_pages(tmp_path, dict.fromkeys(names, old))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_wijk_names_repeating_within_one_municipality_show_their_full_name():
    areas = pd.concat([AREAS, pd.DataFrame({"area_code": ["WK03", "BU7"], "name": ["Wijk 53 Stad", "Rand"],
                                            "level": ["wijk", "buurt"], "wijk_code": ["WK03", "WK03"],
                                            "gemeente_code": "GM0118", "kind": [None, "stadswijk"],
                                            "wijkteam": [None, "stad"], "population": [None, 100]})])
    assert trends.wijk_names(areas).to_dict() == {"WK01": "Wijk 50 Stad", "WK02": "Dorp", "WK03": "Wijk 53 Stad"}
    # a wijk named after its municipality keeps its full name: the open page compared "Coevorden" with
    # "de hele gemeente Coevorden" (red team round 9)
    town = AREAS.assign(name=AREAS["name"].replace({"Wijk 50 Stad": "Wijk 50 Hoogeveen"}))
    assert trends.wijk_names(town).to_dict() == {"WK01": "Wijk 50 Hoogeveen", "WK02": "Dorp"}


# --- year plan ---------------------------------------------------------------------------------

def test_a_year_plan_counts_a_week_in_its_iso_year_as_the_other_reports_do():
    # 29 December 2025 starts 2026-W01: it belongs to the plan of 2026, not of 2025
    scores = weekly("BU3", "afval", "2025-12-22", [4, 5, 6]).assign(expected=3.0, upper=6.0, pvalue=0.5, alarm=False)
    got = {year: jaarplan.development(scores, AREAS, CATALOGUE, "dorpen", year)["observed"].sum() for year in (2025, 2026)}
    assert got == {2025: 4, 2026: 11}
    months = jaarplan.monthly_development(scores, AREAS, CATALOGUE, "dorpen", 2026)
    assert months[["month", "observed"]].values.tolist() == [[1, 11]]       # in January, the month of its Thursday


def test_a_year_plan_counts_a_flag_in_the_iso_year_of_its_week():
    # nieuw in the week of 29 December 2025 (2026-W01), a week episode; and a monthly one of December 2025
    week = evidence_rows("BU3", "physical", ["", "nieuw", "aanhoudend"], ["", "aandacht", "aandacht"], "2025-12-22")
    month = evidence_rows("BU3", "social", ["nieuw"], ["aandacht"], "2025-12-01").assign(
        period="month", period_start=pd.Timestamp("2025-12-01"), since=pd.Timestamp("2025-12-01"))
    ev = pd.concat([week, month], ignore_index=True)
    got = {year: sorted(jaarplan.year_flags(ev, AREAS, pd.DataFrame(), "dorpen", year)["domain"]) for year in (2025, 2026)}
    assert got == {2025: ["social"], 2026: ["physical", "social"]}


def _text(html: str) -> str:
    """A page's text as a reader sees it: tags and styles gone, white space single."""
    html = re.sub(r"<style.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&#39;", "'")


def test_a_flag_running_over_new_year_and_its_answer_count_in_the_year_it_began_only():
    """nieuw 2025-W52 (22 December 2025), answered 'opgepakt', opgelost 2026-W03: the plans of 2025 and 2026 both
    counted it and its answer (red team 12a F3); the plan of 2026 shows it as running on from 2025, uncounted."""
    ev = evidence_rows("BU3", "physical", ["nieuw", "aanhoudend", "aanhoudend", "opgelost"],
                       ["aandacht"] * 3 + [""], "2025-12-22")
    ev.loc[ev["status"] == "opgelost", "since"] = pd.Timestamp("2025-12-22")
    fb = _answers([("BU3", "2025-12-22", "2025-12-22", "aandacht", "afval", "opgepakt")])
    plans = {year: jaarplan.year_flags(ev, AREAS, fb, "dorpen", year) for year in (2025, 2026)}
    assert [plan["runs_on"].tolist() for plan in plans.values()] == [[False], [True]]
    assert plans[2026]["from_year"].tolist() == [2025] and plans[2026]["feedback"].tolist() == ["opgepakt"]
    empty = pd.DataFrame(columns=["domain", "month", "observed", "expected"])
    dev = jaarplan.development(weekly("BU3", "afval", "2025-12-22", [4]).assign(expected=3.0), AREAS, CATALOGUE,
                               "dorpen", 2025)
    pages = {year: _text(jaarplan.jaarplan_page("dorpen", "Wijkteam Dorpen", year, dev, empty, plan, {}, True,
                                                  "01-12-2026")) for year, plan in plans.items()}
    assert "1 signalering in 2025: 1 opgelost, 0 nog open. Terugkoppeling gegeven op 1;" in pages[2025]
    assert "loopt door" not in pages[2025]
    assert ("0 signaleringen in 2026: 0 opgelost, 0 nog open. Terugkoppeling gegeven op 0; daarvan 0 herkend en 0 "
            "'geen probleem'. Daarnaast loopt 1 signalering door uit 2025; die telt mee in het jaarplan van 2025, "
            "niet hier.") in pages[2026]
    assert "Kern fysiek aandacht 22-12-2025, loopt door uit 2025 opgelost (12-01-2026) opgepakt" in pages[2026]
    # a year the scores do not reach: its own flags are not known, not 0, beside the one running on into it
    unscored = jaarplan.Scored({"week": pd.Timestamp("2024-01-01")}, {"week": pd.Timestamp("2025-12-22")}, {2024, 2025})
    page = _text(jaarplan.jaarplan_page("dorpen", "Wijkteam Dorpen", 2026, dev.iloc[0:0], empty, plans[2026], {}, True,
                                        "01-12-2026", unscored))
    assert "De signaleringen van 2026 zijn niet bekend" in page and "0 signaleringen" not in page
    assert "Daarnaast loopt 1 signalering door uit 2025" in page


def test_a_flag_resolved_in_the_first_week_of_a_year_is_in_the_plan_of_the_year_before_only():
    """nieuw 2025-W50, opgelost in 2026-W01 (29 December 2025): it was in the plans of 2025 and of 2026, where
    nothing of it happened (red team round 9)."""
    statuses = ["nieuw", "aanhoudend", "", "opgelost"]                      # weeks of 8, 15, 22 and 29 December
    ev = evidence_rows("BU3", "physical", statuses, ["aandacht"] * 2 + [""] * 2, "2025-12-08")
    ev.loc[ev["status"] == "opgelost", "since"] = pd.Timestamp("2025-12-08")
    got = {year: len(jaarplan.year_flags(ev, AREAS, pd.DataFrame(), "dorpen", year)) for year in (2025, 2026)}
    assert got == {2025: 1, 2026: 0}


def _answers(rows):
    """Answers as ``reports.data.read_feedback`` gives them: (area, start, since, level, signals, feedback)."""
    return pd.DataFrame([dict(wijkteam={"BU3": "dorpen"}.get(a, "stad"), area_code=a, domain="physical", period="week",
                              period_start=pd.Timestamp(s), since=pd.Timestamp(since), level=level, signals=signals,
                              explanation="", feedback=value) for a, s, since, level, signals, value in rows])


def test_an_episode_answered_on_several_lists_counts_once_in_every_output():
    # red team 7c F4: a weekly flag answered on two weekly lists counted twice in `feedback` and the Toelichting
    # (a row, and a key, per week), a monthly one once, and the year plan once per episode; one unit everywhere
    fb = _answers([("BU1", "2026-01-12", "2026-01-12", "alarm", "afval", "opgepakt"),
                   ("BU1", "2026-01-19", "2026-01-12", "aandacht", "afval", "geen probleem"),
                   ("BU3", "2026-02-16", "2026-02-16", "aandacht", "afval", "opgepakt"),
                   ("BU3", "2026-02-23", "2026-02-16", "aandacht", "afval", "opgepakt")])
    per = precision(fb.rename(columns={"feedback": "value"})).set_index(["by", "group"])
    assert per.loc[("wijkteam", "stad"), ["answered", "confirmed"]].tolist() == [1, 0]   # the latest answer
    assert per.loc[("wijkteam", "dorpen"), ["answered", "confirmed"]].tolist() == [1, 1]
    assert per.loc[("signal", "afval"), "answered"] == 2
    review_page = review.precision_from_answers(fb, CATALOGUE).set_index("signal")
    assert review_page.loc["afval", ["judged", "correct"]].tolist() == [2, 1]
    assert review.feedback_shares(fb).set_index("wijkteam")["n"].to_dict() == {"dorpen": 1, "stad": 1}
    for team, right in (("stad", 0), ("dorpen", 1)):
        plan = jaarplan.year_flags(EVIDENCE, AREAS, fb, team, 2026)
        answered = plan[plan["feedback"] != ""]
        assert (len(answered), int((answered["feedback"] != "geen probleem").sum())) == (1, right)


def test_an_answer_of_a_year_plan_is_of_one_episode_not_of_every_open_one_before_it():
    # an episode the evidence never closed before the next began (a history of an earlier lifecycle): the answer
    # on the later episode is not shown, nor counted, on the earlier one as well
    ev = pd.concat([evidence_rows("BU3", "physical", ["nieuw", "aanhoudend", "", "nieuw", "aanhoudend"],
                                  ["aandacht", "aandacht", "", "alarm", "alarm"])], ignore_index=True)
    ev.loc[2, ["status", "since"]] = ["aanhoudend", ev.loc[1, "since"]]    # listed for follow-up, never opgelost
    fb = _answers([("BU3", "2026-02-02", "2026-01-26", "alarm", "afval", "geen probleem")])
    plan = jaarplan.year_flags(ev, AREAS, fb, "dorpen", 2026).set_index("since")
    assert plan["feedback"].to_dict() == {pd.Timestamp("2026-01-05"): "", pd.Timestamp("2026-01-26"): "geen probleem"}


def test_a_year_plan_keeps_the_flags_and_answers_a_team_was_sent_after_its_buurt_moved():
    # BU3 is in team dorpen today, but the list of 2026-W08 with its flag went to stad, which answered it
    sent = pd.DataFrame({"run_period": ["2026-W08"], "wijkteam": ["stad"], "area_code": ["BU3"], "domain": ["physical"],
                         "period": ["week"], "period_start": pd.to_datetime(["2026-02-16"])})
    fb = pd.DataFrame({"area_code": ["BU3"], "domain": "physical", "period_start": pd.to_datetime(["2026-02-16"]),
                       "feedback": ["opgepakt"], "wijkteam": ["stad"]})
    stad = jaarplan.year_flags(EVIDENCE, AREAS, fb, "stad", 2026, sent).set_index("area_code")
    assert sorted(stad.index) == ["BU1", "BU3"] and stad.loc["BU3", "feedback"] == "opgepakt"
    assert jaarplan.year_flags(EVIDENCE, AREAS, fb, "dorpen", 2026, sent).empty


def test_jaarplan_holds_only_the_teams_own_buurten():
    scores = pd.concat([weekly(a, "afval", "2026-01-05", [4, 5, 6]) for a in ("BU1", "BU2", "BU3")])
    scores = scores.assign(expected=3.0, upper=6.0, pvalue=0.5, alarm=False)
    dev = jaarplan.development(scores, AREAS, CATALOGUE, "dorpen", 2026)
    assert dev["area_code"].tolist() == ["BU3"] and dev["ratio"].item() == pytest.approx(15 / 9)
    monthly_dev = jaarplan.monthly_development(scores, AREAS, CATALOGUE, "dorpen", 2026)
    fb = pd.DataFrame({"area_code": ["BU3", "BU1"], "domain": "physical", "period_start": pd.to_datetime(["2026-02-16"] * 2),
                       "feedback": ["herkend, al bekend", "niet herkend"], "wijkteam": ["dorpen", "stad"]})
    flags_year = jaarplan.year_flags(EVIDENCE, AREAS, fb, "dorpen", 2026)
    assert flags_year["area_code"].tolist() == ["BU3"] and flags_year["state"].item() == "open"
    assert flags_year["feedback"].item() == "herkend, al bekend"
    page = jaarplan.jaarplan_page("dorpen", "Wijkteam Dorpen", 2026, dev, monthly_dev, flags_year, {}, True, "01-12-2026")
    assert "Kern" in page and "Centrum" not in page and "Oost" not in page and "BU1" not in page
    assert "<svg" in page and "Wat staat nog open" in page and "http" not in page


# --- rendering an executed notebook ------------------------------------------------------------

def executed_notebook(outputs):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel\n\nTekst met <script>x</script>."),
                nbformat.v4.new_code_cell("print(1)", outputs=outputs)]
    return nb


def test_notebook_page_embeds_every_output_and_escapes_markdown_html():
    outputs = [nbformat.v4.new_output("stream", name="stdout", text="run 2026-W47\n"),
               nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
               nbformat.v4.new_output("display_data", data={"text/html": "<svg><rect/></svg>"})]
    page = notebook_page(executed_notebook(outputs), "Trends")
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in page and "<svg><rect/></svg>" in page
    assert "&lt;script&gt;" in page and "<script" not in page and page.count("<h1>") == 1
    with pytest.raises(NotebookFailed, match="ZeroDivisionError"):
        notebook_page(executed_notebook([nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x",
                                                                traceback=[])]), "Trends")


def test_an_open_page_promises_only_the_topics_and_sources_it_has_counts_of():
    """A home without police or arrears data promised residents "veiligheid", cited the police as a source and
    listed betalingsachterstanden among what the wijkteam notes (red team round 9)."""
    from types import SimpleNamespace

    from pipelines.reports.build import ReportSettings, open_pages

    catalogue = pd.DataFrame({"signal": ["afval", "eenzaam", "achterstand", "inbraak"],
                              "domain": ["physical", "social", "social", "safety"],
                              "label_nl": ["Afval", "Eenzaamheid", "Betalingsachterstand", "Woninginbraak"],
                              "source": ["meldingen", "wijkteam", "schulden", "politie"]})
    counts = pd.concat([weekly("BU1", "afval", "2024-01-01", [3] * 104), weekly("BU3", "afval", "2024-01-01", [1] * 104),
                        monthly("BU1", "eenzaam", "2024-01-01", [2] * 24), monthly("BU3", "eenzaam", "2024-01-01", [1] * 24)])
    data = SimpleNamespace(counts=counts, areas=AREAS, catalogue=catalogue, flags=pd.DataFrame())
    page = next(p for name, p in open_pages(data, ReportSettings()).items() if name != "index.html" and "Stad" in p)
    assert "We kijken naar twee onderwerpen: de buitenruimte en zorg en welzijn." in page
    assert "veiligheid" not in page.lower() and "politie" not in page and "betalingsachterstand" not in page.lower()
    assert "Bronnen: meldingen openbare ruimte (gemeente); signalen van de wijkteams; gebieden en inwoners" in page
    # with arrears counts, the social topic says where they come from
    data.counts = pd.concat([counts, monthly("BU1", "achterstand", "2024-01-01", [4] * 24)])
    page = next(p for name, p in open_pages(data, ReportSettings()).items() if name != "index.html" and "Stad" in p)
    assert "signalen die het wijkteam noteert en signalen van de schuldhulp" in page
    assert "betalingsachterstanden (schuldhulp)" in page
