"""Year figures compare like with like: a source that began during a year, or stopped, is not read as a rise or a
fall on the open pages or in the managers' year-to-date (red team round 13: schulden from October 2025 made 2025
+12 % in every wijk, though the wijkteam's signals had not changed)."""
import pandas as pd
import pytest

from pipelines.reports import openpages, trends
from tests.pipelines.test_reports import AREAS, monthly

CATALOGUE = pd.DataFrame({
    "signal": ["eenzaam", "burenruzie", "achterstand"], "domain": "social",
    "label_nl": ["Eenzaamheid", "Burenruzie", "Betalingsachterstanden"],
    "source": ["wijkteam", "wijkteam", "schulden"]})


def wijkteam(first="2023-01-01", months=36):
    """20 wijkteam signals per buurt-month, the same in every year."""
    return pd.concat([monthly(a, s, first, [10] * months) for a in ("BU1", "BU2", "BU3")
                      for s in ("eenzaam", "burenruzie")])


def schulden(first, months):
    return pd.concat([monthly(a, "achterstand", first, [10] * months) for a in ("BU1", "BU2", "BU3")])


def town(rates):
    return rates[rates["wijk_code"] == "WK01"].set_index("year")


def page_of_the_town(counts):
    rates = openpages.disclose(openpages.yearly_rates(counts, AREAS, CATALOGUE), 5)
    wijk = trends.wijk_table(AREAS).set_index("wijk_code").loc["WK01"].rename(None)
    wijk["wijk_code"] = "WK01"
    held = CATALOGUE[CATALOGUE["signal"].isin(counts["signal"].unique())]
    return rates, openpages.wijk_page(wijk, rates, held, 5, None, "30-11-2026")


def test_an_open_page_leaves_out_a_source_that_began_during_the_years_and_says_so():
    rates, page = page_of_the_town(pd.concat([wijkteam(), schulden("2025-10-01", 3)]))
    assert town(rates)["count"].to_dict() == {2023: 480, 2024: 480, 2025: 480}
    assert "Dat is ongeveer evenveel als in de jaren ervoor." in page
    assert "Dit gaat over signalen die het wijkteam noteert: eenzaamheid, burenruzie." in page
    assert "signalen die het wijkteam noteert per 1.000 inwoners" in page and "schuldhulp en" not in page
    assert ("Betalingsachterstanden (schuldhulp) tellen we hier niet mee: die hebben we pas sinds oktober 2025."
            in page)
    # whole years of the new source later on do not change what the earlier years count
    rates, _ = page_of_the_town(pd.concat([wijkteam(months=48), schulden("2025-10-01", 15)]))
    assert town(rates)["count"].to_dict() == {2023: 480, 2024: 480, 2025: 480, 2026: 480}


def test_an_open_page_does_not_read_a_source_that_stopped_as_a_fall():
    rates, page = page_of_the_town(pd.concat([wijkteam(), schulden("2023-01-01", 18)]))    # schulden until June 2024
    assert town(rates)["count"].to_dict() == {2023: 480, 2024: 480, 2025: 480}
    assert "minder dan in de jaren ervoor" not in page
    assert "Betalingsachterstanden (schuldhulp) tellen we hier niet mee: die hebben we na juni 2024 niet meer." in page


def test_an_open_page_counts_every_source_held_through_all_its_years():
    rates, page = page_of_the_town(pd.concat([wijkteam(), schulden("2023-01-01", 36)]))
    assert town(rates)["count"].to_dict() == {2023: 720, 2024: 720, 2025: 720}
    assert "signalen die het wijkteam noteert en signalen van de schuldhulp" in page
    assert "tellen we hier niet mee" not in page


def test_year_to_date_leaves_out_a_source_that_began_during_the_years_compared():
    counts = pd.concat([wijkteam(), schulden("2025-10-01", 3)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2025-12-31"))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")
    assert stad["count"].to_dict() == {2023: 480, 2024: 480, 2025: 480}
    assert set(stad["left_out"]) == {"schulden (pas sinds 10-2025)"}
    change = trends.this_year_vs_earlier(ytd, 2025)
    assert change.set_index("wijk").loc["Stad", "change"] == 0.0
    table = trends.change_table(change, 2025)
    assert table.loc[table["wijk"] == "Stad", "niet meegeteld"].tolist() == ["schulden (pas sinds 10-2025)"]
    # in later years too: 2026 counts the wijkteam's signals as 2023 did, not 1.5 times as many
    counts = pd.concat([wijkteam(months=47), schulden("2025-10-01", 14)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2026-11-30"))
    assert ytd[ytd["wijk"] == "Stad"].set_index("year")["count"].to_dict() == {2023: 440, 2024: 440, 2025: 440,
                                                                                  2026: 440}


@pytest.mark.parametrize("months", [12, 27], ids=["stopped the year before", "stopped in March"])
def test_year_to_date_does_not_read_a_source_that_stopped_as_a_fall(months):
    counts = pd.concat([wijkteam(), schulden("2023-01-01", months)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2025-10-31"))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")
    assert stad["count"].to_dict() == {2023: 400, 2024: 400, 2025: 400}            # January to October
    assert stad["left_out"].iloc[0].startswith("schulden (geleverd t/m ")
    assert trends.this_year_vs_earlier(ytd, 2025).set_index("wijk").loc["Stad", "change"] == 0.0


def test_year_to_date_compares_both_sources_when_both_cover_every_year():
    counts = pd.concat([wijkteam(), schulden("2023-01-01", 34)])                      # both up to October 2025
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2025-11-15"))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")
    assert stad["count"].to_dict() == {2023: 600, 2024: 600, 2025: 600} and set(stad["left_out"]) == {""}
    assert "niet meegeteld" not in trends.change_table(trends.this_year_vs_earlier(ytd, 2025), 2025)


# --- red team round 14: a source with a gap (a year, or a few months, never delivered) --------------------------

def schulden_missing(months_missing, first="2023-01-01", months=36):
    """schulden as :func:`schulden`, but with no count at all in ``months_missing`` (``YYYY-MM``: never delivered,
    the warehouse keeps no zeros)."""
    counts = schulden(first, months)
    return counts[~counts["period_start"].dt.strftime("%Y-%m").isin(months_missing)]


A_YEAR = [f"2024-{m:02d}" for m in range(1, 13)]
SPRING = ["2024-03", "2024-04", "2024-05"]


@pytest.mark.parametrize("missing, says", [
    (A_YEAR, "Betalingsachterstanden (schuldhulp) tellen we hier niet mee: die hebben we niet over 2024."),
    (SPRING, "Betalingsachterstanden (schuldhulp) tellen we hier niet mee: die hebben we niet over heel 2024."),
], ids=["a year", "three months"])
def test_an_open_page_does_not_read_a_source_missing_in_between_as_a_fall_and_a_rise(missing, says):
    rates, page = page_of_the_town(pd.concat([wijkteam(), schulden_missing(missing)]))
    assert town(rates)["count"].to_dict() == {2023: 480, 2024: 480, 2025: 480}
    assert "Dat is ongeveer evenveel als in de jaren ervoor." in page and "meer dan" not in page
    assert says in page
    assert "Dit gaat over signalen die het wijkteam noteert: eenzaamheid, burenruzie." in page


@pytest.mark.parametrize("missing, end, note", [
    (A_YEAR, "2025-12-31", "schulden (niet geleverd in 2024)"),
    (SPRING, "2025-10-31", "schulden (niet heel 2024 geleverd)"),
    (["2025-02", "2025-03"], "2025-10-31", "schulden (niet heel 2025 geleverd)"),
], ids=["a year", "three months", "months of this year"])
def test_year_to_date_leaves_out_a_source_missing_in_between_and_names_it(missing, end, note):
    counts = pd.concat([wijkteam(), schulden_missing(missing)])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp(end))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")
    assert set(stad["count"]) == {40 * pd.Timestamp(end).month} and set(stad["left_out"]) == {note}
    change = trends.this_year_vs_earlier(ytd, 2025)
    assert change.set_index("wijk").loc["Stad", "change"] == 0.0
    table = trends.change_table(change, 2025)
    assert table.loc[table["wijk"] == "Stad", "niet meegeteld"].tolist() == [note]


def test_a_gap_outside_the_compared_part_of_the_years_leaves_the_source_in():
    # schulden missed November 2024; January to October of every year holds both sources
    counts = pd.concat([wijkteam(), schulden_missing(["2024-11"])])
    ytd = trends.year_to_date(counts, AREAS, CATALOGUE, pd.Timestamp("2025-10-31"))
    stad = ytd[ytd["wijk"] == "Stad"].set_index("year")
    assert stad["count"].to_dict() == {2023: 600, 2024: 600, 2025: 600} and set(stad["left_out"]) == {""}


def test_quiet_months_of_a_sparse_source_are_zeros_not_a_gap():
    # one debt signal in two of every three months in one buurt: an empty month is plausible, as the scoring reads it
    sparse = monthly("BU1", "achterstand", "2023-01-01", [0 if m % 3 == 1 else 1 for m in range(36)])
    rates, page = page_of_the_town(pd.concat([wijkteam(), sparse[sparse["count"] > 0]]))
    assert town(rates)["count"].to_dict() == {2023: 488, 2024: 488, 2025: 488}
    assert "tellen we hier niet mee" not in page
