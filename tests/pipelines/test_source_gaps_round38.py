"""A source that stops, restarts after a gap, or arrives late (found by a colleague's exploration of the class of
f691c0c across every output)."""
import pandas as pd

from pipelines.reports import trends

AREAS = pd.DataFrame({
    "area_code": ["GM0118", "WK01", "BU1", "BU2"], "name": ["Hoogeveen", "Wijk 50 Stad", "Centrum", "Oost"],
    "level": ["gemeente", "wijk", "buurt", "buurt"], "wijk_code": [None, "WK01", "WK01", "WK01"],
    "gemeente_code": "GM0118", "kind": [None, None, "stadswijk", "stadswijk"],
    "wijkteam": [None, None, "stad", "stad"], "population": [None, None, 1000, 1000]})
CATALOGUE = pd.DataFrame({"signal": ["afval", "eenzaam"], "domain": ["physical", "social"],
                          "label_nl": ["Afval", "Eenzaamheid"], "source": ["meldingen", "wijkteam"]})


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
