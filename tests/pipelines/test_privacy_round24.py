"""The forms a red team found the scanner passing by in the twenty-fourth session: a mobile number without its 0 after
a word for messaging it, a surname glued to digits, a social-media handle, a surname after a role word; and a clock
time past its range, which the date parsers rolled into the next day."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.privacy import note_kind, redaction, scan_values, scrub_text
from pipelines.sources.common import parse_dates


def _kind(value: str):
    return scan_values(pd.Series([value])).iloc[0]


@pytest.mark.parametrize("cell, kind", [
    ("whatsapp 623451005", "telefoonnummer"), ("app naar 623451006", "telefoonnummer"),
    ("sms 623451007", "telefoonnummer"), ("sms: 6 23 45 10 07", "telefoonnummer"),
    ("particulier whatsapp 623451234", "telefoonnummer"), ("bereikbaar op 612345678", "telefoonnummer"),
    ("Brinkhuis1961", "naam"), ("19610403-Brinkhuis", "naam"), ("Jansen_12", "adres"),     # read as "Jansen 12" too
    ("@gerritbrinkhuis", "naam"), ("insta: gerrit.brinkhuis61", "naam"), ("tiktok=@jan_b", "naam"),
    ("Verhuurder Brinkhuis", "naam"), ("klacht over eigenaar Dijkstra", "naam"),
])
def test_the_forms_are_read_as_personal_and_scrubbed(cell, kind):
    assert _kind(cell) == kind
    assert redaction(kind) in scrub_text(cell)


@pytest.mark.parametrize("cell", ["GROEN2026-1", "SIG-123456", "Hoogeveen2026", "Kinholt3", "Afval2026", "app",
                                  "sms 2 containers vol", "Verhuurder Woonconcept", "eigenaar onbekend", "=@SUM(A1)",
                                  "afval @ school", "x: 5", "Categorie: afval", "om 12:30"])
def test_ordinary_values_beside_them_stay(cell):
    assert _kind(cell) is None and scrub_text(cell) == cell


def test_a_clock_time_past_its_range_is_no_date_and_a_time_in_range_keeps_its_day():
    got = parse_dates(pd.Series(["22-11-2026 23:59:60", "22-11-2026 24:00", "2026-11-22 23:60", "2026-11-22T25:10:00",
                                 "22 november 2026 23:59:60", "2026-11-22 23:59:60+01:00",
                                 "22-11-2026 23:59:59", "2026-11-22T23:59:59+05:45", "22-11-2026 9:05"]))
    assert got[:6].isna().all()
    assert got[6:].tolist() == [pd.Timestamp("2026-11-22 23:59:59"), pd.Timestamp("2026-11-22 19:14:59"),
                                pd.Timestamp("2026-11-22 09:05")]


@pytest.mark.parametrize("cell", ["Dhr v.d. Berg", "Mevr. v.d. Heuvel gebeld", "fam. v.d. Linden", "dhr. V.d. Berg",
                                  "overleg met mevr. v.d. Sande", "mevr. v.h. Veld", "Dhr v/h Hof", "dhr. v.d Berg"])
def test_a_name_with_an_abbreviated_tussenvoegsel_is_a_name_in_cells_and_in_notes(cell):
    assert _kind(cell) == "naam" and note_kind(cell) == "naam"
    assert "Berg" not in scrub_text(cell) and "Heuvel" not in scrub_text(cell)


@pytest.mark.parametrize("cell", ["afval v.d. markt", "zie v.d. lijst", "Kerkstraat v.d. gemeente"])
def test_an_abbreviated_van_de_before_an_ordinary_word_stays(cell):
    assert _kind(cell) is None and scrub_text(cell) == cell


@pytest.mark.parametrize("typed, shown", [("bakker 1961", "?"), ("jansen 1961", "?"), ("oktober 2026", "oktober 2026"),
                                          ("2026-W47", "2026-W47"), ("2026", "2026")])
def test_a_returned_lists_period_is_repeated_in_a_message_only_as_wijkradar_writes_periods(typed, shown):
    from pipelines.feedback import _shown_row

    assert _shown_row({"Buurtcode": "BU01185103", "Domein": "fysiek", "Periode": typed}) == \
        f"buurt BU01185103 (fysiek, {shown})"


def test_a_typed_timestamp_is_passed_by_whole_and_an_item_beside_one_is_still_found():
    values = pd.Series(["2026-11-20T12:00:00+01:00", "2026-11-20 08:15:00.123", "2026-11-20Z", "1961-03-12",
                        "2026-11-20T12:00:00 06-12345678", "geb. 1961-03-12", "2026-11-20T12:00:00 jan@ziggo.nl"])
    assert scan_values(values).tolist() == [None, None, None, None, "telefoonnummer", "geboortedatum", "e-mail"]
