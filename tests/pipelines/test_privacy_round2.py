"""pipelines.privacy: the classes a second red-team round found missing (names with a place-like ending, addresses
without a street suffix or with the number first, birth-date signs, a split e-mail address) and their near misses."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.privacy import note_kind, scan_values, scrub_text


def _kind(value: str) -> str | None:
    return scan_values(pd.Series([value])).iloc[0]


# A surname with a place-name ending ("-hof", "-veld", "-dijk", "-kerk", "-wijk", "-oord", "-laan") after a title,
# initials or a first name is a name; "familie" and "door"/"van" + initials are cues too.
@pytest.mark.parametrize("value, secret", [
    ("Jan Westerhof", "Westerhof"), ("dhr. Hoogendijk", "Hoogendijk"), ("J. Bijleveld", "Bijleveld"),
    ("familie Westerhof", "Westerhof"), ("mevrouw Nijhof", "Nijhof"), ("Opgesteld door J. Westerhof", "Westerhof"),
    ("Overlast door familie Westerhof", "Westerhof"), ("Klacht van dhr. Hoogendijk", "Hoogendijk"),
    ("Gerrit Oosterveld", "Oosterveld"), ("melding van mevrouw Nijhof", "Nijhof"), ("Anna Eleveld", "Eleveld"),
    ("Westerhof, J.", "Westerhof"), ("Hoogendijk, Jan", "Hoogendijk"), ("Jan van Bijleveld", "Bijleveld"),
    ("Pieter Schalkwijk", "Schalkwijk"), ("mw. Heemskerk", "Heemskerk"), ("A.B. Schilperoord", "Schilperoord"),
    ("Kees Verlaan", "Verlaan"), ("jan westerhof", "westerhof"), ("klacht van dhr westerhof", "westerhof"),
    ("mevrouw Zandhof", "Zandhof"),              # not on the list, but a title only a person carries
])
def test_a_surname_with_a_place_like_ending_is_a_name_after_a_strong_cue(value, secret):
    assert _kind(value) == "naam" and secret not in scrub_text(value)


# the same words as the place they name: alone, after a word that also reads as a place or a resident, a street with
# a title in its name, two places apart by a slash
@pytest.mark.parametrize("value", [
    "Oosterveld", "Westerhof", "Kerkstraat", "buurt Oosterveld", "Overlast in Oosterveld", "bewoner Oosterveld",
    "Wijk Oosterveld", "Dr. Picardtlaan", "Mr. Ankersmitlaan", "Het Hartger / De Elshof - noord", "Sint Jan Oost",
    "Jan Pieter Heijestraat", "Jan Steenbuurt", "Prinsenhof", "Kerkhof Hoogeveen",
])
def test_a_place_with_such_an_ending_stays_ordinary_text(value):
    assert _kind(value) is None and scrub_text(value) == value


# Addresses, birth dates and e-mail addresses in forms that passed in used columns: a sign and a label between street
# and number, the number first, a street without a street's ending (after "Het"/"De", or a buurt's name), a postcode
# and its number apart by a slash, the genealogical sign or "gb" for born, and an e-mail address split over two cells.
@pytest.mark.parametrize("value, kind, secret", [
    ("Kerkstraat, huisnummer 14", "adres", "14"), ("Kerkstraat (nr. 12)", "adres", "12"),
    ("Dorpsweg huisnummer: 7a", "adres", "7a"), ("Hoofdstraat - nummer 5", "adres", "5"),
    ("Overlast op nummer 14 van de Kerkstraat", "adres", "14"), ("huisnr. 3 aan de Dorpsweg", "adres", "3"),
    ("nr 12 in de kerkstraat", "adres", "12"), ("huisnummer 14a aan het Kerkplein", "adres", "14a"),
    ("Het Haagje 40", "adres", "40"), ("De Kolk 3a", "adres", "3a"),
    ("huisbezoek Het Haagje 40, bewoner", "adres", "40"),
    ("Wolfsbos 12", "adres", "12"), ("Overlast Wolfsbos 12", "adres", "12"), ("Schoonvelde-Oost 3", "adres", "3"),
    ("De Hoef 12", "adres", "12"),
    ("7901AB/14", "adres", "14"), ("7901 AB/14", "adres", "14"), ("7901ab/14", "adres", "14"),
    ("melder *03.04.1978", "geboortedatum", "1978"), ("melder °3-4-1978", "geboortedatum", "1978"),
    ("gb 03-04-1978", "geboortedatum", "1978"), ("(* 3 april 1978)", "geboortedatum", "1978"),
    ("gb. 3-4-78", "geboortedatum", "78"),
    ("h.steenbergen@", "e-mail", "steenbergen"), ("mail h.steenbergen@, graag", "e-mail", "steenbergen"),
    ("jan_de.vries@", "e-mail", "vries"),
])
def test_addresses_birth_dates_and_mail_in_the_forms_a_second_round_found_are_found(value, kind, secret):
    assert _kind(value) == kind and secret not in scrub_text(value)


# their near misses: a number that is a count, a road, a year or a place's own name with a number; a lone postcode; a
# degree; a handle without a local part; the other half of a split address
@pytest.mark.parametrize("value", [
    "Bus 40", "Route 66", "artikel 12", "Fase 2", "Wijk 51 De Weide", "De Weide 3 containers", "De Wolden 2026",
    "De Hoef 1", "Wolferink 2", "Rivium 1e straat", "Wijk 34 Hoorn 80", "Bedrijventerrein De Vaart 1-3",
    "Centrum 12", "Noord 3", "Wolfsbos 2026", "De Weide 3 signalen", "Wolfsbos 12 rows", "Kerkstraat, 14 meldingen",
    "Kerkstraat: 2 keer", "nummer 14",
    "nummer 3 van de snelweg", "nummer 14 van de lijst", "week 14 van de Kerkstraat", "afrit nr 3 van de A28",
    "7901AB", "2026/14", "WK2026/14", "temperatuur 20° 12-11-2026", "20°C", "Afval*", "5 GB", "GB 2026",
    "@gemeente", "Melding via @hoogeveen", "a@", "xs4all.nl", "week 14 van 2026",
])
def test_their_near_misses_stay_ordinary_text(value):
    assert _kind(value) is None and scrub_text(value) == value


def test_the_prefilter_passes_the_new_forms():
    from pipelines import privacy

    texts = ["*03.04.1978", "gb 03-04-1978", "h.steenbergen@", "7901AB/14", "Het Haagje 40", "Wolfsbos 12",
             "nr 12 in de kerkstraat", "°3-4-1978"]
    assert scan_values(pd.Series(texts)).notna().tolist() == [bool(privacy._spans(t)) for t in texts] == [True] * 8


# A wijkteam's note (pipelines.feedback stores it unless note_kind finds something): the new classes, and a home typed
# in lower case after a visit or as a buurt's name
@pytest.mark.parametrize("note, kind", [
    ("huisbezoek Het Haagje 40, oudste bewoner *03.04.1978", "adres"), ("huisbezoek het haagje 40", "adres"),
    ("bezocht de kolk 3a", "adres"), ("wolfsbos 12 opgepakt", "adres"), ("nr 12 in de kerkstraat bezocht", "adres"),
    ("oudste bewoner *03.04.1978", "geboortedatum"), ("gb 3-4-1978 volgens buren", "geboortedatum"),
    ("gebeld met dhr. Westerhof", "naam"), ("gesproken met westerhof", "naam"), ("mail naar h.steenbergen@", "e-mail"),
])
def test_a_note_finds_the_new_classes(note, kind):
    assert note_kind(note) == kind


@pytest.mark.parametrize("note", [
    "in de week 47 opgepakt", "wolfsbos 3 keer langs geweest", "opgepakt in wolfsbos, 2 weken", "fase 2 afgerond",
    "langs de container 3 keer", "bezoek aan de wijk 2 weken geleden", "overleg met woningcorporatie wolfsbos",
])
def test_a_note_without_those_stays_a_note(note):
    assert note_kind(note) is None


def test_a_message_that_names_a_reference_file_keeps_the_name():
    from pathlib import Path

    from pipelines.privacy import scrub_file_name
    from pipelines.profile import SHARED_FILES

    reference = [p.name for p in (Path(__file__).resolve().parents[2] / "data" / "reference").iterdir()]
    for name in sorted(set(reference) | set(SHARED_FILES)):
        assert scrub_file_name(name) == name
    message = "category (hoofd/sub) is not mapped in meldingen_categorieen.csv; add it to politie_soorten.csv"
    assert scrub_text(message) == message


@pytest.mark.parametrize("name, scrubbed", [
    ("meldingen_categorieen_jansen_jan.csv", "meldingen_categorieen_[verwijderd].csv"),
    ("politie_soorten_anna_bakker.csv", "politie_soorten_[verwijderd].csv"),
    ("gebiedsindeling_kerkstraat_14.csv", "gebiedsindeling_[verwijderd].csv"),
])
def test_a_person_in_a_name_beside_a_reference_file_s_words_is_still_removed(name, scrubbed):
    from pipelines.privacy import scrub_file_name

    assert scrub_file_name(name) == scrubbed


@pytest.mark.parametrize("text, clean", [
    ("['Datum melding', 'Jan Jansen', 'x']", "['Datum melding', '[verwijderd: naam]', 'x']"),
    ("('Het Haagje 40', 'Jan Jansen')", "('[verwijderd: adres]', '[verwijderd: naam]')"),
    ("['Datum melding', 'brinkhuis jeroen']", "['Datum melding', '[verwijderd: naam]']"),
    ('columns "Jan Jansen" and "Kerkstraat 12"', 'columns "[verwijderd: naam]" and "[verwijderd: adres]"'),
    ("sheet ‘Jan Jansen’", "sheet ‘[verwijderd: naam]’"),
    ("'jan@ziggo.nl'", "'[verwijderd: e-mail]'"),
])
def test_a_redaction_inside_quotes_keeps_the_quotes(text, clean):
    assert scrub_text(text) == clean
