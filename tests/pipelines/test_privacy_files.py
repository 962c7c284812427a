"""The file-name allow-list: the words a coordinator adds to a returned list's name, and a working folder's own
wijkteam codes, are kept; a person's name beside them is not."""
import pytest

from pipelines.privacy import scrub_file_name
from pipelines.privacy_files import allowed_name


@pytest.mark.parametrize("name", [
    "de-weide ingevuld.xlsx", "terugkoppeling_de-weide_ingevuld.xlsx", "zuid-oost antwoorden.xlsx",
    "terugkoppeling_dorpen-zuid_teamoverleg.xlsx", "lijst week 47 de-weide ingevuld.xlsx",
    "terugkoppeling_centrum-noord_beantwoord_definitief.xlsx", "Kopie van centrum-noord.xlsx",
])
def test_the_words_a_coordinator_adds_to_a_returned_list_are_kept(name):
    assert scrub_file_name(name) == name


@pytest.mark.parametrize("name, scrubbed", [
    ("terugkoppeling_jansen_jan ingevuld.xlsx", "terugkoppeling_[verwijderd] ingevuld.xlsx"),
    ("ingevuld anja kloosterboer.xlsx", "ingevuld [verwijderd].xlsx"),
])
def test_a_person_beside_those_words_is_still_removed(name, scrubbed):
    assert scrub_file_name(name) == scrubbed


def test_a_working_folders_own_team_codes_are_kept_and_a_name_beside_one_is_not():
    assert allowed_name("team-bakker antwoorden.xlsx") == "team-[verwijderd] antwoorden.xlsx"
    assert allowed_name("team-bakker antwoorden.xlsx", keep=["team-bakker"]) == "team-bakker antwoorden.xlsx"
    assert allowed_name("jeugd-jansen ingevuld.xlsx", keep=["jeugd-jansen"]) == "jeugd-jansen ingevuld.xlsx"
    assert allowed_name("piet jansen ingevuld.xlsx", keep=["jeugd-jansen"]) == "[verwijderd] ingevuld.xlsx"


# A red team found ordinary names over-scrubbed: a delivery word, a single letter (a part: "_a", "_b"), a week with a
# part's letter ("week45", "2026-W47b"). They stay; a letter beside a name goes with it, as an initial.
@pytest.mark.parametrize("name", [
    "meldingen_full.csv", "meldingen_laat.csv", "meldingen_a.csv", "meldingen_week45_a.csv",
    "meldingen_export_2026-W47b.csv", "meldingen_b_2026-11.csv", "wijkteam_bladen.xlsx", "meldingen_venster.csv",
    "meldingen_tijden.csv", "meldingen_tijdstippen_2026.csv", "meldingen_datum.csv",     # round 37: times were a name
])
def test_delivery_words_single_letters_and_week_codes_stay(name):
    assert scrub_file_name(name) == name


@pytest.mark.parametrize("name, scrubbed", [
    ("meldingen_j_jansen.csv", "meldingen_[verwijderd].csv"), ("meldingen_jansen_a.csv", "meldingen_[verwijderd].csv"),
    ("meldingen_week45_j_brinkhuis.csv", "meldingen_week45_[verwijderd].csv"),
    ("meldingen_full_anja_kloosterboer.csv", "meldingen_full_[verwijderd].csv"),
])
def test_a_letter_beside_a_name_is_removed_as_an_initial(name, scrubbed):
    assert scrub_file_name(name) == scrubbed


# A red team found the year removed where a part's number touches a delivery word: "export2_2026-W47" read as the
# run of numbers "2_2026" (no date) and went, so the two parts of one delivery read alike in loads and messages.
@pytest.mark.parametrize("name", [
    "meldingen_export2_2026-W47.csv", "meldingen_export3_2026-W47.csv", "meldingen_deel2_2026-W47.csv",
    "meldingen_deel3_26-11-2026.csv", "meldingen_blad2_2026_47.csv", "meldingen_2026-11_2export.csv",
])
def test_a_parts_number_glued_to_a_word_leaves_the_date_beside_it(name):
    assert scrub_file_name(name) == name


@pytest.mark.parametrize("name, scrubbed", [
    ("meldingen_jansen2_2026-W47.csv", "meldingen_[verwijderd]_2026-W47.csv"),   # the number goes with its name
    ("meldingen_export1_12_03.csv", "meldingen_export[verwijderd].csv"),          # a birth date without a year 20xx
    ("meldingen_export12_03_1961.csv", "meldingen_export[verwijderd].csv"),
    ("meldingen_12_03_1961export.csv", "meldingen_[verwijderd]export.csv"),
    ("meldingen_export06_12_34_56_78.csv", "meldingen_export[verwijderd].csv"),   # a phone number
])
def test_a_date_or_number_beside_a_glued_number_that_is_personal_still_goes(name, scrubbed):
    assert scrub_file_name(name) == scrubbed


# Red team round 15b: a range of months read as a run of numbers that is no date, and went whole
# ("schulden_[verwijderd].csv"), though months and periods are kept.
@pytest.mark.parametrize("name", [
    "schulden_2022-01_2025-12.csv", "schulden_2022-01-2025-12.csv", "schulden_202201_202512.csv",
    "schulden_2022-1_2025-12.csv", "meldingen_2026-40_2026-47.csv", "meldingen_2026-W40_2026-W47.csv",
    "schulden_2025-01_tm_2025-12.csv",
])
def test_a_range_of_months_or_weeks_is_kept(name):
    assert scrub_file_name(name) == name


@pytest.mark.parametrize("name, scrubbed", [
    ("schulden_01-02-1985.csv", "schulden_[verwijderd].csv"),              # a date of birth, either way round
    ("schulden_19850201.csv", "schulden_[verwijderd].csv"),
    ("schulden_1985-02_1990-03.csv", "schulden_[verwijderd].csv"),          # no months of this century
    ("schulden_198502_199003.csv", "schulden_[verwijderd].csv"),
    ("schulden_2001-02-03_2004-05.csv", "schulden_[verwijderd].csv"),       # a date and a month: no range
    ("schulden_123456782.csv", "schulden_[verwijderd].csv"),                # a BSN
    ("schulden_06-12345678.csv", "schulden_[verwijderd].csv"),              # a phone number
    ("schulden_jansen_2022-01_2025-12.csv", "schulden_[verwijderd]_2022-01_2025-12.csv"),
])
def test_a_birth_date_or_number_is_no_range_of_months(name, scrubbed):
    assert scrub_file_name(name) == scrubbed


# A red team found "meldingen_tz.csv" and "meldingen_nacht.csv" shown as "meldingen_[verwijderd].csv": the words of a
# delivery's time (a part of the day, a weekday, a time zone) and of what was done to it are no personal data.
@pytest.mark.parametrize("name", [
    "meldingen_tz.csv", "meldingen_nacht.csv", "meldingen_avond_weekend.csv", "meldingen_zaterdag_2026-W47.csv",
    "meldingen_utc.csv", "meldingen_afval_geanonimiseerd.csv", "meldingen_export_intern_bewerkt.csv",
    "meldingen_middag.csv",
])
def test_the_words_of_a_deliverys_time_and_handling_stay(name):
    assert scrub_file_name(name) == name


@pytest.mark.parametrize("name, scrubbed", [
    ("meldingen_tz_jansen.csv", "meldingen_[verwijderd].csv"),            # T.Z. Jansen: the initials go with him
    ("meldingen_nacht_anja_kloosterboer.csv", "meldingen_nacht_[verwijderd].csv"),
    ("meldingen_middag_jansen.csv", "meldingen_[verwijderd].csv"),         # Middag is also a surname
])
def test_a_name_beside_those_words_is_still_removed_and_initials_with_it(name, scrubbed):
    assert scrub_file_name(name) == scrubbed


def test_the_pages_of_a_report_are_kept_and_a_name_beside_their_words_is_not():
    """Red team 14c F1: ``index.html`` and ``02-flags-review.html``, pages wijkradar writes, were shown as
    ``[verwijderd].html``; they are kept whole as wijkradar's own, and a person's name beside their words still
    goes."""
    from pipelines.reports.build import NOTEBOOKS

    for name in ["index.html", *(f"{page}.html" for page in NOTEBOOKS)]:
        assert scrub_file_name(name) == name
    assert scrub_file_name("02-flags-review-jan-jansen.html") == "[verwijderd].html"
    assert scrub_file_name("index piet kloosterboer.html") == "[verwijderd].html"
