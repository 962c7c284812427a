"""pipelines.privacy: the forms an eighth red-team round found passing (a house number in words or after "hnr"/"hsnr",
a sign after an address keyword, a date of birth told in parts, a client number after its word, an address cut over
two cells, an unlisted surname after a word for a person in a note) and their near misses."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.privacy import CLIENT_NUMBER_KIND, note_kind, scan_values, scrub_text, split_items


def _kind(value: str) -> str | None:
    return scan_values(pd.Series([value]), counts=False).iloc[0]


@pytest.mark.parametrize("value, kind, secret", [
    ("Kerkstraat veertien, melder gebeld", "adres", "veertien"), ("Hoofdstraat zeventien", "adres", "zeventien"),
    ("Alteveerstraat drie", "adres", "drie"), ("7901 AB nr. veertien", "adres", "7901"),
    ("Kerkstraat drieëntwintig a", "adres", "drieëntwintig"), ("kerkstraat honderdtwaalf", "adres", "honderdtwaalf"),
    ("nummer veertien van de Kerkstraat", "adres", "veertien"), ("Hoofdstraat een", "adres", "Hoofdstraat"),
    ("7901AB hnr 14", "adres", "14"), ("Kerkstraat hnr. 14", "adres", "14"), ("Kerkstraat hsnr 14", "adres", "14"),
    ("adres: Schutlanden 12", "adres", "Schutlanden"), ("woont: Schutlanden 12", "adres", "Schutlanden"),
    ("woonadres - Wolfsbos veertien", "adres", "Wolfsbos"),
    ("geboren in 1961 op 3 april", "geboortedatum", "1961"), ("geb. in negentienhonderdeenenzestig", "geboortedatum",
                                                               "negentienhonderd"),
    ("klantnummer 12345678 bij schuldhulp", CLIENT_NUMBER_KIND, "12345678"), ("clientnr 123456", CLIENT_NUMBER_KIND,
                                                                               "123456"),
    ("cliëntnummer 4471823", CLIENT_NUMBER_KIND, "4471823"), ("relatienummer: 881234", CLIENT_NUMBER_KIND, "881234"),
    ("dossiernr. 2026-00123", CLIENT_NUMBER_KIND, "00123"), ("klantnr123456", CLIENT_NUMBER_KIND, "123456"),
])
def test_a_personal_item_in_these_forms_is_found_in_a_cell_and_a_note(value, kind, secret):
    assert _kind(value) == kind and note_kind(value) == kind and secret not in scrub_text(value)


@pytest.mark.parametrize("value", [
    "Kerkstraat een drukke straat", "Kerkstraat drie keer", "Kerkstraat twee containers", "Dorpsweg twee bomen omgewaaid",
    "Afval naast een container", "adres onbekend", "woont hier 3 jaar", "geboren en getogen in Hoogeveen",
    "klantnummer onbekend", "melding 3 van 7", "Kerkstraat", "Drie meldingen over de Kerkstraat",
])
def test_near_misses_stay_ordinary(value):
    assert _kind(value) is None and scrub_text(value) == value


def test_an_address_cut_over_the_cells_of_a_row_is_found_in_both_halves():
    frame = pd.DataFrame({
        "a": ["7901 AB", "Kerkstraat", "Afval", "Kerkstraat", "Jan van Goyenlaan", "Snelweg", "Afval", "Kerkstraat"],
        "b": ["14", "BU01185002", "14", "Zwerfafval", "veertien", "14", "2026", "2026"],
        "c": ["x", "14", "x", "x", "x", "x", "x", "x"]})
    found = pd.DataFrame(split_items(frame, ["a", "b", "c"]))
    assert found["a"].tolist()[:2] == ["adres", "adres"] and found["a"][4] == "adres"
    assert found["b"][0] == "adres" and found["c"][1] == "adres" and found["b"][4] == "adres"
    assert found["a"][[2, 3, 5, 6, 7]].isna().all() and found["b"][[1, 2, 3, 5, 6, 7]].isna().all()


def test_the_halves_are_found_either_way_round():
    frame = pd.DataFrame({"sub": ["14", "veertien", "3"], "hoofd": ["Afval", "Afval", "Afval"],
                          "buurt": ["7901 AB", "Kerkstraat", "BU01185002"]})
    found = pd.DataFrame(split_items(frame, ["sub", "hoofd", "buurt"]))
    # a postcode only beside its number ("Afval" lies between here); a street anywhere in the row
    assert found["buurt"].isna()[0] and found["sub"].isna()[0] and found["buurt"][1] == found["sub"][1] == "adres"
    assert found.iloc[2].isna().all() and found["hoofd"].isna().all()
    swapped = pd.DataFrame(split_items(frame[["hoofd", "sub", "buurt"]], ["hoofd", "sub", "buurt"]))
    assert swapped["sub"][0] == swapped["buurt"][0] == "adres" and swapped["sub"].isna()[2]


def test_a_column_of_place_names_beside_counts_is_no_address():
    frame = pd.DataFrame({"buurt": ["Kerkstraat", "Hoogeveen", "Kerkstraat"], "aantal": ["14", "3", "7"]})
    assert pd.DataFrame(split_items(frame, ["buurt", "aantal"])).isna().all().all()


@pytest.mark.parametrize("note", [
    "buurman Kowalski klaagt", "bewoner Wójcik", "melder Wójcik", "meneer Kowalski", "meneer kowalski",
    "contactpersoon Kowalski", "huisarts Wójcik", "gesproken met Kowalski", "KOWALSKI GEBELD", "dhr Kowalski",
])
def test_an_unlisted_surname_after_a_word_for_a_person_is_a_name_in_a_note(note):
    assert note_kind(note) == "naam"
