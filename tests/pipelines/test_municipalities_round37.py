"""Other municipalities, end to end (round 37): a working folder whose profile was written anew for another
municipality (``wijkradar init --gemeente GM0096 --force`` over a Schiermonnikoog home), and what the lists, reports
and open pages then say."""
import pandas as pd
import pytest

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


@pytest.mark.parametrize("given, said", [
    ("GM 0363", "--gemeente 'GM 0363': write the code without a space: give --gemeente GM0363"),
    ("GM0363,GM0599", "--gemeente 'GM0363,GM0599' holds 2 municipalities: give each as a --gemeente of its own: "
                      "--gemeente GM0363 --gemeente GM0599"),
    ("Amsterdam; 0599", "--gemeente 'Amsterdam; 0599' holds 2 municipalities: give each as a --gemeente of its own: "
                        "--gemeente GM0363 --gemeente GM0599"),
    ("PV22", "--gemeente 'PV22' is a province: give --provincie PV22 for every municipality of it"),
    ("BU0363TA05", "--gemeente 'BU0363TA05' is a buurt (Amstel III deel A/B-Zuid) of GM0363 (Amsterdam): give "
                   "--gemeente GM0363"),
    ("WK011850", "--gemeente 'WK011850' is a wijk (Wijk 50 Hoogeveen) of GM0118 (Hoogeveen): give --gemeente GM0118"),
    # names in daily use that CBS writes otherwise (they were told 'no municipality's code or name')
    ("Den Haag", "--gemeente 'Den Haag' is a name, not a code: give --gemeente GM0518 ('s-Gravenhage)"),
    ("den bosch", "--gemeente 'den bosch' is a name, not a code: give --gemeente GM0796 ('s-Hertogenbosch)"),
])
def test_a_code_list_province_or_area_given_as_gemeente_is_answered_with_the_argument_to_give(tmp_path, given, said):
    """They were told 'no municipality's code or name ... (a herindeling)', the next step for a code nobody has."""
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.profile import WHERE_CODES, ProfileError, write_profile

    with pytest.raises(ProfileError) as caught:
        write_profile(tmp_path, [given])
    assert str(caught.value) == f"{said}; {WHERE_CODES}"
    res = CliRunner().invoke(app, ["--home", str(tmp_path), "init", "--gemeente", given], terminal_width=1000)
    assert res.exit_code == 2 and " ".join(res.output.split()) == f"error: {said}; {WHERE_CODES}", res.output
    assert not (tmp_path / "reference").exists()


@pytest.mark.parametrize("name", ["wijkteam_Súdwest-Fryslân_2026-10.xlsx", "meldingen_Mûnein_2026-W47.csv"])
def test_a_municipality_or_wijk_name_with_an_accent_after_its_capital_is_kept_in_a_file_name(name):
    """'Súdwest' was split as 'S' and 'údwest' (a capital before a letter outside a-z read as a run of capitals), so
    Súdwest-Fryslân's own name in its deliveries read 'wijkteam_[verwijderd]-Fryslân_2026-10.xlsx'; the names of
    municipalities and wijken are kept (README, *Privacy*), and so is every other word a split made of one."""
    from pipelines.privacy_files import allowed_name

    assert allowed_name(name) == name
    assert allowed_name("meldingen_JanJansen.csv") == "meldingen_[verwijderd].csv"
