"""Other municipalities, end to end (round 37): a working folder whose profile was written anew for another
municipality (``wijkradar init --gemeente GM0096 --force`` over a Schiermonnikoog home), and what the lists, reports
and open pages then say."""
import pandas as pd

from pipelines.reports import openpages
from tests.pipelines.test_reports import AREAS, CATALOGUE, monthly, weekly


def other_municipality(years=4):
    """Counts of two buurten of another municipality (BU00880000, BU00880009), none of the profile's buurten."""
    return pd.concat([weekly(a, "afval", "2022-01-03", [3] * 52 * years) for a in ("BU00880000", "BU00880009")]
                     + [monthly(a, "eenzaam", "2022-01-01", [2] * 12 * years) for a in ("BU00880000", "BU00880009")])


def test_counts_of_no_buurt_of_the_profile_give_open_pages_without_figures_not_a_traceback():
    rates = openpages.yearly_rates(other_municipality(), AREAS, CATALOGUE)
    assert rates.empty
    # and never years of '<5 ... Dat is goed nieuws' for a municipality no source delivered for (red team 12b F3)
    assert openpages.complete_years(other_municipality(), CATALOGUE, AREAS) == {}


def test_counts_of_another_municipality_do_not_decide_the_years_of_the_profiles_pages():
    own = pd.concat([weekly(a, "afval", "2024-12-30", [1] * 52) for a in ("BU1", "BU2", "BU3")])
    rates = openpages.yearly_rates(pd.concat([own, other_municipality()]), AREAS, CATALOGUE)
    town = rates[(rates["wijk_code"] == "WK01") & (rates["domain"] == "physical")]
    assert town.set_index("year")["count"].to_dict() == {2025: 104}


def test_explain_of_a_code_of_no_buurt_gives_an_example_of_the_homes_own_municipality(home):
    from pipelines.profile import write_profile
    from tests.pipelines.test_profile_files import cli

    write_profile(home.root, ["GM0088"])
    done = cli(home, "explain", "BU01185000")
    out = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2 and "Traceback" not in out, out
    assert out == ("error: BU01185000 is not an area of the reference division; use a code like BU00880000 or "
                   "00880000"), out
