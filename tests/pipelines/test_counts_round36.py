"""Count files read by the column, not value by value, and codes outside the division said for what they are (a
colleague's exploration of the thirty-sixth session):
a column that writes its dot as a decimal point reads ``1.000`` as one, and a period written in CBS's notation
(``2026MM10``, ``2026wk43``) is a period, not a postcode with a house number."""
import pandas as pd
import pytest

from pipelines.sources.counts import counts_ambiguous, is_period
from pipelines.sources.rows import checked_counts
from pipelines.warehouse import connect
from tests.conftest import load_file as load, write_csv

WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
SCHULDEN = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
CODES = [f"BU0118{n:04d}" for n in (5000, 5001, 5002, 5003, 5004, 5005)]


def stored(home, source: str) -> list[tuple]:
    with connect(home.warehouse) as con:
        return con.execute("SELECT area_code, period_start::VARCHAR, count FROM core.signal_counts WHERE source = ? "
                           "ORDER BY ALL", [source]).fetchall()


def quarantined(home) -> list[str]:
    with connect(home.warehouse) as con:
        return [r for (r,) in con.execute("SELECT reason FROM quarantine.rows ORDER BY row_number").fetchall()]


@pytest.mark.parametrize("column, counts, ambiguous", [
    (["1.000", "0.000", "3"], [1, 0, 3], [False] * 3),               # 0.000: the dot is a decimal point
    (["1.000", "2.50"], [1, 2.5], [False] * 2),                      # 2.50 proves it too (and is no whole count)
    (["1.000", "5"], [1000, 5], [False] * 2),                        # nothing proves it: a Dutch thousands dot
    (["1.234", "2,5"], [1234, 2.5], [False] * 2),                    # a decimal comma: the dot groups thousands
    (["1.000", "1.234.567"], [1000, 1234567], [False] * 2),          # two groups: thousands
    (["1.000", "2.5", "1.234.567"], [1000, 2.5, 1234567], [True, False, False]),    # both: 1.000 is not read
])
def test_a_count_column_reads_its_dot_as_the_column_writes_it(column, counts, ambiguous):
    got, _ = checked_counts(pd.Series(column), None)
    assert got.tolist() == counts
    assert counts_ambiguous(pd.Series(column)).tolist() == ambiguous


def test_a_column_of_three_decimal_counts_loads_ones_not_thousands(home, tmp_path):
    """Found: a column of 0.000 and 1.000 (an export "as displayed" with three decimals) stored 0 and 1000."""
    rows = [[code, "2026-10", "eenzaamheid", "1.000" if i % 2 else "0.000"] for i, code in enumerate(CODES)]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (6, 6, 0)
    assert {count for *_, count in stored(home, "wijkteam")} <= {0, 1}
    # schulden sums its creditor parts per buurt and month: 1.000 + 1.000 is two, not two thousand
    parts = [[CODES[0], "2026-10", kind, "1.000"] for kind in ("huur", "energie")] + [[CODES[1], "2026-10", "zorg", "0.000"]]
    load(home, write_csv(tmp_path / "schulden.csv", SCHULDEN, parts), "schulden")
    assert max(count for *_, count in stored(home, "schulden")) <= 2


def test_a_column_that_writes_its_dot_both_ways_quarantines_the_value_it_cannot_read(home, tmp_path):
    rows = [[CODES[0], "2026-10", "eenzaamheid", "1.000"], [CODES[1], "2026-10", "eenzaamheid", "2.5"],
            [CODES[2], "2026-10", "eenzaamheid", "1.234.567"], [CODES[3], "2026-10", "eenzaamheid", "4"],
            [CODES[4], "2026-10", "eenzaamheid", "5"]]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam",
                  max_failed_share=1.0)
    assert result.rows_read == result.rows_accepted + result.rows_quarantined == 5
    reasons = quarantined(home)
    assert any("aantal is ambiguous" in r and "1.000" in r for r in reasons)
    assert all(count != 1000 for *_, count in stored(home, "wijkteam"))


@pytest.mark.parametrize("period", ["2026MM10", "2026mm10", "2026MM1"])
def test_a_period_in_cbs_notation_is_a_period_not_a_postcode_and_house_number(home, tmp_path, period):
    """Found: every Maand ``2026MM10`` (a notation the module reads) refused the file as "personal data (adres)"
    (postcode 2026 MM, house number 10); a single one was quarantined so."""
    rows = [[code, period, "eenzaamheid", str(i + 1)] for i, code in enumerate(CODES)]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (6, 6, 0), quarantined(home)
    assert {start for _, start, _ in stored(home, "wijkteam")} == {"2026-10-01" if period.endswith("10") else
                                                                    "2026-01-01"}


@pytest.mark.parametrize("period", ["2026WK43", "2026 wk 43"])
def test_a_week_in_a_monthly_column_is_the_wrong_period_not_an_address(home, tmp_path, period):
    rows = [[code, period, "eenzaamheid", "3"] for code in CODES]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam", max_failed_share=1.0)
    assert (result.rows_read, result.rows_quarantined) == (6, 6)
    assert set(quarantined(home)) == {"period type (week/month) differs from the signal's frequency in the catalogue"}


def test_an_address_in_the_period_column_is_still_personal_data(home, tmp_path):
    rows = [[code, "2026-10", "eenzaamheid", "3"] for code in CODES[:5]] + [[CODES[5], "7901AB 12", "eenzaamheid", "3"]]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined) == (5, 1)
    assert any("personal data (adres)" in r for r in quarantined(home))
    assert is_period(pd.Series(["2026MM10", "7901AB 12", "2026 wk 43"])).tolist() == [True, False, True]


def test_a_file_of_another_municipality_is_refused_as_such_not_sent_to_a_mapping(home, tmp_path):
    """Found: a file of Coevorden's buurten (GM0109) was refused with "most buurt codes are of another CBS division
    than the profile's: map each of those codes ... or pass --max-failed-share 1.00 to load the other rows now":
    following it would load another municipality's counts onto Hoogeveen's buurten, and no other row would load."""
    from pipelines.validate import ValidationRefused

    codes = ["BU01094044", "BU01095059", "BU01094054", "BU01090000", "BU01090001", "BU01090002"]
    path = write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, [[c, "2026-10", "eenzaamheid", "3"] for c in codes])
    with pytest.raises(ValidationRefused) as refused:
        load(home, path, "wijkteam")
    said = str(refused.value)
    assert "another municipality (GM0109)" in said and "its own working folder" in said
    assert "--max-failed-share" not in said and "no row of the file would load now" in said
    wijken = [[f"WK01185{n}", "2026-10", "eenzaamheid", "3"] for n in range(3)] + [[CODES[0], "2026-10", "eenzaamheid",
                                                                                   "3"]]
    with pytest.raises(ValidationRefused, match=r"code of a wijk or a municipality, not of a buurt: ask the supplier "
                                                r"for the counts per buurt.*--max-failed-share 0\.75"):
        load(home, write_csv(tmp_path / "wijken.csv", WIJKTEAM, wijken), "wijkteam")


def test_a_row_of_another_municipality_says_so_in_english_and_dutch(home, tmp_path):
    from pipelines.wording import reason_has_dutch, reason_text

    rows = [[c, "2026-10", "eenzaamheid", "3"] for c in CODES[:4]] + [["BU01094044", "2026-10", "eenzaamheid", "3"],
                                                                       ["GM0109", "2026-10", "eenzaamheid", "3"]]
    result = load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined) == (4, 2)
    reasons = quarantined(home)
    assert reasons == ["area not in division 2024: buurtcode is a buurt of municipality GM0109, not of the profile's "
                       "(GM0118)",
                       "area not in division 2024: buurtcode is the code of a municipality, not of a buurt"]
    assert all(reason_has_dutch(r) for r in reasons)
    assert reason_text(reasons[0]) == ("buurt niet in indeling 2024: de buurtcode is een buurt van gemeente GM0109, "
                                       "niet van die van het profiel (GM0118)")
