"""The forms a red team found the scanner passing by in round 9: a value a formula assembles, a name cut over two cells
surname first or in the file's own column order, a name over a line break or with dots, a postcode and its number apart
by a dot, a licence plate in lower case, text turned around by direction controls, mojibake and OOXML escapes."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.privacy import note_kind, redaction, scan_values, scrub_text, split_items


def _kind(value: str):
    return scan_values(pd.Series([value])).iloc[0]


@pytest.mark.parametrize("cell, kind", [
    ('="jan"&"@"&"ziggo.nl"', "e-mail"), ('="06"&"-"&"12345678"', "telefoonnummer"),
    ('=TEXTJOIN("";1;"06";"1234";"5678")', "telefoonnummer"),
    ('=TEXTJOIN("",TRUE,"06","1234","5678")', "telefoonnummer"),
    ('="NL91"&"ABNA0417164300"', "iban"), ('=PROPER("jan de vries")', "naam"), ('="Kerkstraat"&" "&"14"', "adres"),
    ('=CONCATENATE("jan";"@";"ziggo.nl")', "e-mail"), ('=_xlfn.CONCAT(UPPER("j");"an@ziggo.nl")', "e-mail"),
    ('="jan"&CHAR(64)&"ziggo.nl"', "e-mail"), ('=TRIM("  06 ")&LOWER("12345678")', "telefoonnummer"),
    ('+"06"&"12345678"', "telefoonnummer"), ('@CONCAT("06";"12345678")', "telefoonnummer"),
])
def test_a_formula_that_assembles_a_personal_value_is_read_as_the_spreadsheet_shows_it(cell, kind):
    assert _kind(cell) == kind
    assert scrub_text(cell).startswith(redaction(kind))


@pytest.mark.parametrize("cell", ['="Afval"&" "&"Zwerfafval"', "=SUM(A1:A3)", '=TEXTJOIN(", ";1;"Afval";"Groen")',
                                  "=PROPER(B2)", '=IF(A1="";"leeg";"vol")', '=CONCAT(', '="06"&', "- Geen actie"])
def test_an_ordinary_or_broken_formula_stays(cell):
    assert _kind(cell) is None and scrub_text(cell) == cell


def test_a_name_cut_over_two_cells_is_found_surname_first_and_in_either_column_order():
    frame = pd.DataFrame({"a": ["de Vries", "Brinkhuis", "Jansen", "Gerrit", "06-4135", "Afval", "Zwerfafval", "Bakker",
                                "Noord", "J."],
                          "b": [" Jan", " Gerrit", " J.", "Brinkhuis", "2468", "Zwerfafval", "Jan", "Roos", "Jan",
                                "Jansen"]})
    for order in (["a", "b"], ["b", "a"]):
        found = pd.DataFrame(split_items(frame[order], order))
        for col in order:
            assert found[col][:5].tolist() == ["naam"] * 4 + ["telefoonnummer"], (order, col)
            assert found[col][[5, 6, 7, 8]].isna().all(), (order, col)
            assert found[col][9] == "naam"


@pytest.mark.parametrize("cell", ["de Vries\nJan", "Bakker\nJan", "Jansen\r\nJ.", "jan.de.vries", "j.de.vries"])
def test_a_name_surname_first_over_a_line_break_or_a_user_name_with_dots_is_found(cell):
    assert _kind(cell) is not None and scrub_text(cell).startswith("[verwijderd")


@pytest.mark.parametrize("cell", ["Afval\nZwerfafval", "Groen\nBomen", "www.hoogeveen.nl", "o.a. zwerfafval",
                                  "zie www.plan.nl", "i.v.m. storm"])
def test_ordinary_lines_and_dotted_words_stay(cell):
    assert _kind(cell) is None and scrub_text(cell) == cell


@pytest.mark.parametrize("cell, kind", [("7901AB.12", "adres"), ("7901AB#12", "adres"), ("kx-381-p", "kenteken"),
                                        ("Kx-381-P", "kenteken"), ("auto met kenteken gz-871-k", "kenteken")])
def test_a_postcode_with_a_dot_before_its_number_and_a_plate_in_lower_case_are_found(cell, kind):
    assert _kind(cell) == kind and redaction(kind) in scrub_text(cell)


def test_a_weekday_before_a_date_is_no_plate():
    assert _kind("vr-12-05 ophalen") is None


@pytest.mark.parametrize("cell, kind", [
    ("\u202e87654321-60", "telefoonnummer"), ("\u202eseirV ed naJ", "naam"), ("\u202e21 taartskreK", "adres"),
    ("\u202b87654321-60", "telefoonnummer"), ("\u2067seirV ed naJ\u2069 belde", "naam"),
    ("\u2068ln.oggiz@naj\u2069", "e-mail"), ("tel \u202e87654321-60\u202c graag", "telefoonnummer"),
])
def test_text_a_direction_control_turns_around_is_read_as_the_screen_shows_it(cell, kind):
    assert _kind(cell) == kind
    scrubbed = scrub_text(cell)
    assert redaction(kind) in scrubbed and "8765" not in scrubbed and "seirV" not in scrubbed


@pytest.mark.parametrize("cell", ["\u202eAfval", "\u202eEUR 95,00", "Afval \u200f"])
def test_a_direction_control_before_an_ordinary_word_stays(cell):
    assert _kind(cell) is None


@pytest.mark.parametrize("cell", ["RenÃ© Jansen", "ZoÃ« Bakker", "Jan MÃ¼ller", "FranÃ§ois Smit", "Ren\u201a Jansen",
                                  "Zo\u2030 Bakker"])
def test_a_name_in_mojibake_is_found(cell):
    assert _kind(cell) == "naam" and scrub_text(cell) == redaction("naam")


@pytest.mark.parametrize("note", ["JosÃ© belt terug", "Ren\u201a belt terug", "gesproken met ZoÃ« Bakker"])
def test_a_note_naming_a_person_in_mojibake_is_personal(note):
    assert note_kind(note) == "naam"


@pytest.mark.parametrize("cell", ["CafÃ© De Schakel", "Noord\u2013Zuid", "Jan\u2019s fietsenwinkel", "prijs \u20ac 5"])
def test_mojibake_of_an_ordinary_word_and_typographic_signs_stay(cell):
    assert _kind(cell) is None and scrub_text(cell) == cell
    assert note_kind(cell.replace("Jan\u2019s", "de")) is None


@pytest.mark.parametrize("cell, kind", [("jan_x0040_ziggo.nl", "e-mail"), ("111_x0020_222_x0020_333", "bsn"),
                                        ("06_x002D_12345678", "telefoonnummer")])
def test_an_ooxml_escape_is_decoded_before_the_scan(cell, kind):
    assert _kind(cell) == kind and scrub_text(cell) == redaction(kind)


def test_an_ooxml_line_break_escape_in_ordinary_text_stays():
    assert _kind("Afval_x000D_\nZwerfafval") is None


def test_as_shown_gives_the_order_a_screen_shows_for_a_reader_that_drops_invisible_characters():
    from pipelines.privacy import as_shown

    assert as_shown("\u202e87654321-60") == "06-12345678" and as_shown("tel \u20674321 (60)\u2069") == "tel (06) 1234"
    assert as_shown("Afval") == "Afval" and as_shown("Café") == "Café"
