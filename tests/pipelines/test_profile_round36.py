"""Profile files a person edited badly are refused at the profile check in one sentence naming the file, the problem and
the fix, before anything is read or changed (a colleague's exploration, round 36): files that cannot be read (another
encoding, semicolons, a renamed header, a setting of ``inf``), keys given twice, settings outside their range, a kind
of buurt the open pages do not know, a neighbour pair written one way, and a number of inhabitants that is no number."""
from __future__ import annotations

import shutil
from dataclasses import fields

import pytest

from pipelines.paths import REFERENCE_DIR
from pipelines.reference import KINDS, Reference, ReferenceError
from pipelines.reference_files import SETTING_RANGES
from pipelines.warehouse import connect

KINHOLT, ZUID = "BU01185101", "BU01185005"        # de-weide and wijk 50: not neighbours in the demo profile


def edited(tmp_path, name: str, edit) -> Reference:
    """The demo profile copied to ``tmp_path``, ``name`` edited: ``edit`` takes its text and gives text (written as
    UTF-8) or bytes."""
    folder = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / name
    out = edit(path.read_text(encoding="utf-8"))
    if isinstance(out, bytes):
        path.write_bytes(out)
    else:
        path.write_text(out, encoding="utf-8")
    return Reference(folder)


def refusal(ref: Reference) -> str:
    with pytest.raises(ReferenceError) as err:
        ref.check()
    return str(err.value)


def setting(name: str, value: str):
    """An edit of lijst_instellingen.csv giving ``name`` the value ``value``."""
    def edit(text: str) -> str:
        lines = [f"{name},{value},{line.split(',', 2)[2]}" if line.startswith(name + ",") else line
                 for line in text.splitlines()]
        return "\n".join(lines) + "\n"
    return edit


# -- W1: a file that cannot be read is one sentence, never a traceback ----------------------------------------------

def test_a_team_file_saved_as_windows_1252_is_refused_saying_to_save_it_as_utf8(tmp_path):
    ref = edited(tmp_path, "wijkteams.csv",
                 lambda t: t.replace("Wijkteam De Weide", "Wijkteam Café Weide").encode("cp1252"))
    said = refusal(ref)
    assert said.startswith("wijkteams.csv is not UTF-8 (line 4 holds a byte")
    assert "nothing was read or changed" in said and 'save it as "CSV UTF-8' in said


def test_a_bom_and_excel_line_ends_are_read_as_plain_utf8(tmp_path):
    ref = edited(tmp_path, "wijkteams.csv",
                 lambda t: ("\ufeff" + t.replace("De Weide", "Café Weide").replace("\n", "\r\n")).encode("utf-8"))
    assert "Wijkteam Café Weide" in set(ref.check().wijkteams["name"])


@pytest.mark.parametrize("name, edit, said", [
    ("buurt_indeling.csv", lambda t: t.replace(",", ";"),
     "buurt_indeling.csv is separated by semicolons (as Excel saves a CSV in Dutch settings), not by commas"),
    ("lijst_instellingen.csv", lambda t: t.replace("setting,value,meaning", "instelling,waarde,betekenis", 1),
     "lijst_instellingen.csv lacks the column(s) setting, value (its header has instelling, waarde, betekenis); "
     "nothing was read or changed: give it the columns setting,value"),
    ("buurt_indeling.csv", lambda t: t.replace("buurt_code,wijkteam,soort", "buurt_code,wijkteam,wijkteam", 1),
     "buurt_indeling.csv has the column wijkteam twice in its header"),
    ("lijst_instellingen.csv", setting("fdr", "0,05"),
     "lijst_instellingen.csv line 2 has 4 fields where its header has 3"),
    ("lijst_instellingen.csv", setting("score_weeks", "inf"),
     "lijst_instellingen.csv line 22: score_weeks = 'inf' is not a finite number; give a whole number from 1 to "
     "1,000,000, or remove the line for the default 104"),
    ("signalen.csv", lambda t: "", "signalen.csv is empty"),
])
def test_a_file_without_its_columns_or_with_a_value_that_is_no_number_is_refused_naming_it(tmp_path, name, edit,
                                                                                             said):
    assert said in refusal(edited(tmp_path, name, edit))


def test_the_cli_says_one_sentence_for_a_file_it_cannot_read_and_changes_nothing(home):
    from tests.pipelines.test_profile_files import cli

    folder = home.root / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    with connect(home.warehouse):
        pass
    path = folder / "wijkteams.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("De Weide", "Café Weide").encode("cp1252"))
    done = cli(home, "run", "--today", "2026-11-30")
    out = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2 and "Traceback" not in out, out
    assert out.startswith("error: wijkteams.csv is not UTF-8") and out.count("error:") == 1
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.areas").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM meta.runs").fetchone()[0] == 0


# -- W2: a key given twice is refused at the check, not at the sync or the first delivery ---------------------------

@pytest.mark.parametrize("name, line, said", [
    ("gebiedsindeling_2024.csv", "buurt,BU01185101,Kinholt 2,WK011851,Wijk 51 De Weide,10,ja\n",
     "gebiedsindeling_2024.csv gives the area BU01185101 on more than one line (15, 64)"),
    ("signalen.csv", "zwerfafval,safety,Zwerf 2,Z2,meldingen,meldingen,week,x,y\n",
     "signalen.csv gives the signal zwerfafval on more than one line (2, 14)"),
    ("meldingen_categorieen.csv", "Afval,Zwerfafval,illegale_dump\n",
     "meldingen_categorieen.csv gives the category Afval / Zwerfafval on more than one line (2, 11)"),
    ("meldingen_categorieen.csv", "afval, zwerfafval ,zwerfafval\n",        # as a delivery's categories are matched
     "meldingen_categorieen.csv gives the category Afval / Zwerfafval on more than one line (2, 11)"),
    ("politie_soorten.csv", "1.1.1,geweld,Dubbel\n",
     "politie_soorten.csv gives the crime type 1.1.1 on more than one line (2, 6)"),
])
def test_a_key_given_twice_is_refused_naming_the_file_the_key_and_its_lines(tmp_path, name, line, said):
    got = refusal(edited(tmp_path, name, lambda t: t + line))
    assert got.startswith(said) and "keep one of those lines" in got


def test_a_catalogue_with_a_note_column_passes_and_an_unknown_frequency_is_refused_at_the_check(tmp_path, home):
    """The warehouse's catalogue has its own columns and frequencies: a note column, or ``jaar``, passed the check and
    stopped the sync with a DuckDB error."""
    from pipelines.reference import sync

    ref = edited(tmp_path, "signalen.csv", lambda t: "\n".join(
        line + (",note" if i == 0 else ",x") for i, line in enumerate(t.splitlines())) + "\n")
    with connect(home.warehouse) as con:
        assert sync(con, ref.check())
    got = refusal(edited(tmp_path / "b", "signalen.csv",
                         lambda t: t.replace("graffiti,meldingen,meldingen,week", "graffiti,meldingen,meldingen,jaar")))
    assert got.startswith("signalen.csv has unknown frequency(ies) ['jaar']") and got.endswith("use week, month, year")


# -- W3: every setting has its range --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value, said", [
    ("fdr", "5", "fdr = '5' is outside its range; give a number from 0 to 1"),
    ("month_factor", "1e308", "month_factor = '1e308' is outside its range; give a number above 0 and at most 1"),
    ("score_weeks", "0", "score_weeks = '0' is outside its range; give a whole number from 1 to 1,000,000"),
    ("score_weeks", "-5", "score_weeks = '-5' is outside its range"),
    ("score_weeks", "2.7", "score_weeks = '2.7' is not a whole number"),
    ("min_year", "3000", "min_year = '3000' is outside its range; give a whole number from 1900 to"),
    ("alarm_level", "nan", "alarm_level = 'nan' is not a finite number; give a number from 0 to 1"),
    ("feedback_quiet_weeks", "-4", "feedback_quiet_weeks = '-4' is outside its range; give a whole number from 0"),
    ("risk_window", "0", "risk_window = '0' is outside its range; give a whole number from 1"),
    ("tau", "0", "tau = '0' is outside its range; give a number above 0 and at most 1"),
    ("fdr", "5%", "fdr = '5%' is not a number"),
])
def test_a_setting_outside_its_range_is_refused_naming_it_its_value_and_its_range(tmp_path, name, value, said):
    got = refusal(edited(tmp_path, "lijst_instellingen.csv", setting(name, value)))
    assert got.startswith("lijst_instellingen.csv line ") and said in got
    assert "or remove the line for the default" in got


def test_a_setting_given_twice_is_refused_instead_of_the_last_one_winning(tmp_path):
    got = refusal(edited(tmp_path, "lijst_instellingen.csv", lambda t: t + "fdr,0.5,again\n"))
    assert got.startswith("lijst_instellingen.csv gives fdr twice (lines 2 and 32)")


def test_every_setting_has_a_range_holding_its_default_and_the_bounds_are_accepted(tmp_path):
    from models.evidence import Budget
    from pipelines.delivery import LoadSettings
    from pipelines.risk import RiskSettings
    from pipelines.score import ScoreSettings

    numbers = {f.name: getattr(kind(), f.name) for kind in (Budget, LoadSettings, ScoreSettings, RiskSettings)
               for f in fields(kind) if isinstance(getattr(kind(), f.name), (int, float))}
    assert set(numbers) == set(SETTING_RANGES)
    assert all(SETTING_RANGES[name].holds(value) for name, value in numbers.items())
    ref = edited(tmp_path, "lijst_instellingen.csv", lambda t: t.replace("\nfdr,0.05,", "\nfdr,0,").replace(
        "\nmax_drop_share,0.20,", "\nmax_drop_share,1,").replace("\nscore_weeks,104,", "\nscore_weeks,104.0,"))
    assert (ref.budget.fdr, ref.load_settings.max_drop_share, ref.score_settings.score_weeks) == (0.0, 1.0, 104)
    assert isinstance(ref.score_settings.score_weeks, int)


# -- W4: the kind of a buurt is one the open pages list ---------------------------------------------------------------

@pytest.mark.parametrize("soort, said", [("dorpen", "the soort 'dorpen'"), ("", "no soort"),
                                         ("gemeente", "the soort 'gemeente'")])
def test_an_unknown_kind_of_buurt_is_refused_naming_the_kinds(tmp_path, soort, said):
    got = refusal(edited(tmp_path, "buurt_indeling.csv",
                         lambda t: t.replace(",de-weide,stadswijk", f",de-weide,{soort}")))
    assert got.startswith("buurt_indeling.csv gives BU01185100 (line 11) " + said)
    assert got.endswith("give each buurt one of stadswijk, dorp, bedrijventerrein")


def test_a_kind_in_other_case_or_spacing_is_read_as_the_kind_and_the_wijk_stays_on_the_open_pages(tmp_path):
    from pipelines.reports import openpages
    from pipelines.reports.trends import wijk_table

    ref = edited(tmp_path, "buurt_indeling.csv", lambda t: t.replace(",de-weide,stadswijk", ",de-weide, Dorp "))
    areas = ref.check().areas
    assert set(areas.loc[areas["wijkteam"] == "de-weide", "kind"]) == {"dorp"}
    wijken = wijk_table(areas)
    html = openpages.index_page(wijken, "vandaag", openpages.gemeente_names(areas))
    assert all(openpages.page_name(c, n) in html for c, n in zip(wijken["wijk_code"], wijken["wijk"]))
    assert set(KINDS) == set(openpages.KIND_B1)


# -- W5: a neighbour pair written one way is read both ways ---------------------------------------------------------

def test_a_pair_in_buurt_buren_written_one_way_is_read_both_ways(tmp_path):
    ref = edited(tmp_path, "buurt_buren.csv", lambda t: t + f"{KINHOLT},{ZUID},hand,\n")
    pairs = set(zip(ref.check().neighbours["area_code"], ref.neighbours["neighbour"]))
    assert (KINHOLT, ZUID) in pairs and (ZUID, KINHOLT) in pairs
    assert all((b, a) in pairs for a, b in pairs)


# -- W6: the number of inhabitants is a whole number of 0 or more, or empty -----------------------------------------

@pytest.mark.parametrize("given, problem", [("ca. 900", "is not a number"), ("-885", "is below 0"),
                                            ("1.450", "is not a whole number")])
def test_inhabitants_that_are_no_whole_number_of_0_or_more_are_refused_naming_the_area(tmp_path, given, problem):
    ref = edited(tmp_path, "gebiedsindeling_2024.csv", lambda t: t.replace(",Wijk 51 De Weide,885,",
                                                                           f",Wijk 51 De Weide,{given},"))
    got = refusal(ref)
    assert got.startswith(f"gebiedsindeling_2024.csv gives {KINHOLT} (line 15) '{given}' as aantal_inwoners_2024, "
                          f"which {problem}")
    assert "or leave the cell empty when it is not known" in got


def test_an_empty_number_of_inhabitants_stays_unknown(tmp_path):
    ref = edited(tmp_path, "gebiedsindeling_2024.csv", lambda t: t.replace(",Wijk 51 De Weide,885,",
                                                                           ",Wijk 51 De Weide,,"))
    areas = ref.check().areas.set_index("area_code")
    assert areas["population"].isna()[KINHOLT] and areas["population"].isna()["GM0118"]
    assert areas.loc["BU01185000", "population"] == 1450


# round 37: attention_level below alarm_level made every aandacht an alarm; refused, naming both. Equal is accepted.
def test_an_attention_level_below_the_alarm_level_is_refused(tmp_path):
    got = refusal(edited(tmp_path, "lijst_instellingen.csv", setting("attention_level", "0.001")))
    assert got.startswith("lijst_instellingen.csv gives attention_level 0.001 below alarm_level 0.005")
    assert "give attention_level at least alarm_level" in got
    ref = edited(tmp_path / "equal", "lijst_instellingen.csv", setting("attention_level", "0.005"))
    assert (ref.budget.alarm_level, ref.budget.attention_level) == (0.005, 0.005)


# round 37: a signal's source was not checked: a typo made a wijkteam signal's every row "not a wijkteam signal"
def test_a_signal_of_an_unknown_source_is_refused_naming_the_sources(tmp_path):
    got = refusal(edited(tmp_path, "signalen.csv", lambda t: t.replace(",wijkteam,month,", ",wijkteem,month,", 1)))
    assert got.startswith("signalen.csv has unknown source(s) ['wijkteem']; nothing was read or changed: use "
                          "meldingen, politie, schulden, wijkteam")


# round 37 (a colleague's exploration of the outputs): a team's name is printed on every list, year plan and file;
# a coordinator's name or contact in it was printed as written. Refused, naming the line and the kind, not the value.
@pytest.mark.parametrize("name, kind", [
    ("Wijkteam Anja Kloosterboer", "naam"), ("Team De Weide (contact 0528-291234)", "telefoonnummer"),
    ("Wijkteam De Weide mail a.kloosterboer@hoogeveen.nl", "e-mail"),
])
def test_a_team_named_by_a_person_or_a_contact_is_refused_without_the_value(tmp_path, name, kind):
    got = refusal(edited(tmp_path, "wijkteams.csv", lambda t: t.replace("Wijkteam De Weide", name)))
    assert got.startswith(f"wijkteams.csv line 4: the team's name holds personal data ({kind}); nothing was read")
    assert "0528" not in got and "Kloosterboer" not in got and "@" not in got


def test_a_team_named_by_its_wijk_is_no_person_whatever_the_wijk_is_called(tmp_path):
    """``Wijkteam Kern Sas van Gent`` reads as a person to the scanner; as the name of a wijk of the division it is a
    place (every municipality's default teams pass: 3,393 teams checked when this was written)."""
    def wijk_named(text: str) -> str:
        return text.replace("De Weide", "Kern Sas van Gent")
    folder = edited(tmp_path, "gebiedsindeling_2024.csv", wijk_named).folder
    path = folder / "wijkteams.csv"
    path.write_text(wijk_named(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert "Wijkteam Kern Sas van Gent" in set(Reference(folder).check().wijkteams["name"])
