"""Initials glued to a surname ("JJansen"), as a user name or handle is typed, in any value the scanner reads; and
what stays: acronyms, a place glued to capitals (red team round 2, 04)."""
import pandas as pd
import pytest

from pipelines.privacy import scan_values


@pytest.mark.parametrize("value", ["JJansen", "GJBrinkhuis", "melding van JJansen", "@jjansen", "insta: gjbrinkhuis"])
def test_initials_glued_to_a_surname_are_a_name(value):
    assert scan_values(pd.Series([value])).iloc[0] == "naam"


@pytest.mark.parametrize("value", ["KPN", "ABNAmro", "GGDDrenthe", "NLHoogeveen", "@gemeente", "@hoogeveen", "WCEend",
                                   "JJ", "Overlast Jeugd"])
def test_acronyms_and_places_glued_to_capitals_stay(value):
    assert scan_values(pd.Series([value])).iloc[0] is None
