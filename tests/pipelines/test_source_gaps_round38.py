"""A source that stops, restarts after a gap, or arrives late (found by a colleague's exploration of the class of
f691c0c across every output)."""
import pandas as pd

from pipelines.reports import trends
from tests.pipelines.test_source_stops import AREAS, CATALOGUE as STOPS_CATALOGUE

CATALOGUE = STOPS_CATALOGUE.assign(source=["meldingen", "wijkteam"])


def _weekly(first: str, last: str, count: int = 6, skip: tuple[str, str] | None = None) -> pd.DataFrame:
    starts = pd.date_range(first, last, freq="W-MON")
    if skip is not None:
        starts = starts[(starts < skip[0]) | (starts > skip[1])]
    return pd.DataFrame({"area_code": "BU1", "signal": "afval", "period": "week", "period_start": starts,
                         "count": count})


def test_the_trends_say_why_a_domain_whose_weekly_source_had_a_gap_this_year_is_not_compared():
    """meldingen missing four weeks in October (never delivered: not zeros): fysiek has no source that holds every
    year, so the year-to-date comparison leaves it out. 01-trends dropped it from the chart and the table without a
    word (the reason, 'meldingen (niet heel 2026 geleverd)', was shown beside a domain's rows only, and it had none)."""
    months = pd.DataFrame({"area_code": "BU1", "signal": "eenzaam", "period": "month",
                           "period_start": pd.date_range("2024-01-01", "2026-10-01", freq="MS"), "count": 1})
    gap = pd.concat([_weekly("2024-01-01", "2026-11-16", skip=("2026-09-28", "2026-10-19")), months],
                    ignore_index=True)
    end = pd.Timestamp("2026-11-22")
    ytd = trends.year_to_date(gap, AREAS, CATALOGUE, end, by=("domain",), year=2026)
    assert set(ytd["domain"]) == {"social"}                 # fysiek is left out of every year
    note = trends.not_compared(gap, AREAS, CATALOGUE, end, 2026)
    assert note.startswith("Fysiek staat hier niet in: meldingen (niet heel 2026 geleverd)") and "ociaal" not in note
    whole = pd.concat([_weekly("2024-01-01", "2026-11-16"), months], ignore_index=True)
    assert trends.not_compared(whole, AREAS, CATALOGUE, end, 2026) == ""


def _monthly(source: str, first: str, last: str, areas=("BU1", "BU2"), count: int = 5):
    """Rows of ``catalog.domain_month_counts`` and ``catalog.domain_count_ranges`` of one monthly source."""
    starts = pd.date_range(first, last, freq="MS")
    rows = pd.DataFrame([{"domain": "social", "source": source, "period": "month", "area_code": a,
                          "month": s.year * 12 + s.month - 1, "count": count} for s in starts for a in areas])
    ranges = pd.DataFrame({"domain": ["social"], "source": [source], "period": ["month"],
                           "first": [starts[0]], "last": [starts[-1]]})
    return rows, ranges


def test_the_risk_of_a_domain_whose_monthly_source_stopped_predicts_no_period_the_lists_have_passed():
    """wijkteam delivered up to July, meldingen kept coming: the lists of 2026-W47 said 'oktober 2026 kon niet
    beoordeeld worden: de nieuwste maand met cijfers is juli 2026', and beside it 'Preventief in beeld ... sociaal:
    Geen signaal in dit domein; kans op escalatie in augustus 2026 t/m oktober 2026: 22 %' (a period over by then,
    from a domain the list could not judge). A source whose counts end before the earliest month the run's lists
    show is left out, as one that ends a whole period before the domain's other sources is."""
    from pipelines.flag import current_from
    from pipelines.risk import _month, domain_panel

    def first_shown(run_period):
        return int(_month(pd.Series([current_from(run_period)["month"]]))[0])

    wijkteam, ranges = _monthly("wijkteam", "2022-01-01", "2026-07-01")
    stopped = domain_panel(wijkteam, ranges, ["BU1", "BU2"], 3, 5, first_shown("2026-W47"))
    assert stopped.panel is None and "earliest month the run's lists show" in stopped.left_out["wijkteam"]
    # the run of 2026-W34 (August) shows July: the same counts are current there
    current = domain_panel(wijkteam, ranges, ["BU1", "BU2"], 3, 5, first_shown("2026-W34"))
    assert current.panel is not None and not current.left_out
    # schulden two months late beside a wijkteam up to date: schulden is left out, wijkteam predicts on
    w2, r2 = _monthly("wijkteam", "2022-01-01", "2026-10-01")
    s2, q2 = _monthly("schulden", "2022-01-01", "2026-08-01")
    both = domain_panel(pd.concat([w2, s2]), pd.concat([r2, q2]), ["BU1", "BU2"], 3, 5, first_shown("2026-W47"))
    assert set(both.left_out) == {"schulden"} and both.start + 3 * both.periods - 1 == 2026 * 12 + 9


def test_the_risk_reads_no_week_a_weekly_source_never_delivered_as_zero():
    """meldingen missing 2026-W40 to W43 (the scoring left them out: 'no counts at all were delivered'), restarted
    in W44: the risk summed October from one week of five, so Krakeel read 'de laatste drie maanden minder meldingen
    dan verwacht' and its chance of an escalation went from 11 % to 23 % (Centrum 10 % -> 35 %, in the top three of
    'Preventief in beeld'). A month holding a week never delivered is unknown, as a month never delivered is: the
    source's history starts after it."""
    from pipelines.risk import delivered_from, domain_panel, source_months, undelivered_weeks

    weeks = pd.concat([_weekly("2022-01-03", "2026-11-16", skip=("2025-09-29", "2025-10-20")).assign(area_code=a)
                       for a in ("BU1", "BU2")], ignore_index=True)
    thursday = weeks["period_start"] + pd.Timedelta(days=3)
    monthly = weeks.assign(domain="physical", source="meldingen",
                           month=thursday.dt.year * 12 + thursday.dt.month - 1)[
        ["domain", "source", "period", "area_code", "month", "count"]].groupby(
        ["domain", "source", "period", "area_code", "month"], as_index=False)["count"].sum()
    ranges = pd.DataFrame({"domain": ["physical"], "source": ["meldingen"], "period": ["week"],
                           "first": [weeks["period_start"].min()], "last": [weeks["period_start"].max()]})
    totals = weeks.groupby(["period", "period_start"], as_index=False)["count"].sum().rename(
        columns={"count": "total"}).assign(gemeente_code="GM0118")
    october = 2025 * 12 + 9
    gone = undelivered_weeks(totals, "meldingen")
    assert gone == {october}
    sums, first, last = source_months(monthly, "week", ranges["first"][0], ranges["last"][0])
    assert delivered_from(sums, "meldingen", "week", first, last) == first          # a month-level gap only
    assert delivered_from(sums, "meldingen", "week", first, last, gone) == october + 1
    built = domain_panel(monthly, ranges, ["BU1", "BU2"], 3, 1, gone_weeks={"meldingen": gone})
    assert built.start > october                         # October 2025 is in no period the model learns from
