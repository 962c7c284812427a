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
