"""Reading messages that said the wrong thing (round 11): a ``.zip`` holding one CSV or another archive was told it is
no XLSX and to rename it to .zip; a ``sep=`` hint line above columns of another delimiter was told that delimiter is
not read."""
import io
import zipfile

import pytest

from pipelines.sources import meldingen, wijkteam
from pipelines.sources.common import IngestError, read_table
from tests.pipelines.test_reading import one_sentence

ALIASES = wijkteam.ALIASES
CSV = "Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode\nM-1;01-10-2026;Afval;Zwerfafval;BU01185000\n"


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("members, holds", [
    ({"meldingen_oktober.csv": CSV}, "it holds a CSV file 'meldingen_oktober.csv': unpack it"),
    ({"meldingen_oktober.zip": zipped({"b.zip": zipped({"meldingen.csv": CSV})})},
     "it holds an archive 'meldingen_oktober.zip' (an archive inside the archive): unpack it"),
    ({"Jan_de_Vries_meldingen.csv": CSV}, "it holds a CSV file '"),
    ({"a.csv": CSV, "b.csv": CSV}, "it holds 2 files"),
])
def test_a_zip_holding_no_signalen_export_says_what_it_holds(tmp_path, members, holds):
    path = tmp_path / "meldingen_oktober.zip"
    path.write_bytes(zipped(members))
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    text = one_sentence(err, "meldingen_oktober.zip: this zip holds no Signalen export (no signals.csv)", holds,
                        "deliver the CSV or XLSX file itself")
    assert "rename it to .zip" not in text and "not an XLSX workbook" not in text
    assert "Vries" not in text


@pytest.mark.parametrize("hint, sep, shown", [(",", ";", "';'"), (";", ",", "','"), (",", "\t", "a tab")])
def test_a_sep_hint_that_does_not_split_the_header_is_named_as_the_line_to_fix(tmp_path, hint, sep, shown):
    path = tmp_path / "wijkteam_oktober.csv"
    rows = [["Buurtcode", "Maand", "Signaal", "Aantal"], ["BU01185000", "2026-10", "Eenzaamheid", "4"]]
    path.write_text(f"sep={hint}\n" + "".join(sep.join(r) + "\n" for r in rows))
    with pytest.raises(IngestError) as err:
        read_table(path, ALIASES)
    text = one_sentence(err, f"wijkteam_oktober.csv: line 1 says sep={hint} but the columns are separated by {shown}",
                        "delete line 1")
    assert "does not read as a delimiter" not in text


def test_a_sep_hint_that_splits_the_header_is_still_followed(tmp_path):
    # the hint is what tells a comma file from a semicolon one when a cell holds the other character
    path = tmp_path / "wijkteam_oktober.csv"
    path.write_text("sep=,\nBuurtcode,Maand,Signaal,Aantal\nBU01185000,2026-10,Eenzaamheid; zorg,4\n")
    frame = read_table(path, ALIASES).data.frame
    assert frame["Signaal"].tolist() == ["Eenzaamheid; zorg"] and frame["Aantal"].tolist() == ["4"]
