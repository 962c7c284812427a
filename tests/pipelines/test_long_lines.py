"""A text file whose header row (or a line above it) is megabytes long is refused before it is split, in one
sentence naming the file and the line; a long data row still loads (its over-long cell is quarantined); a file
with a header and no data rows is refused naming the file."""
import pytest

from pipelines.sources import common, meldingen, wijkteam
from pipelines.sources.common import MAX_HEADER_CHARS, IngestError, refuse_long_header
from pipelines.validate import ValidationRefused
from tests.pipelines.test_reading import one_sentence

HEADER = "Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode"
ROW = "M-1;02-11-2026;Afval;Zwerfafval;BU01185000"
LONG = "a" * (MAX_HEADER_CHARS + 10)


@pytest.fixture
def no_header_checks(monkeypatch):
    """The privacy check of header names must never see an over-long line (it took ~30x its size in memory)."""
    def refuse(name):
        assert len(name) < MAX_HEADER_CHARS, "an over-long header reached the privacy check"
    monkeypatch.setattr(common.privacy, "header_kind", refuse)


@pytest.mark.parametrize("text, line", [
    (f"{HEADER};{LONG}\n{ROW}\n", 1),                              # the header row itself
    (f"{HEADER};{LONG}", 1),                                      # one line, no line break at all
    (f"Export meldingen\r\n{LONG}\r\n{HEADER}\r\n{ROW}\r\n", 2),   # a line above the header
    (f"\n\n{LONG};{HEADER}\n{ROW}\n", 3),                         # after empty lines
])
def test_an_over_long_line_at_the_top_is_refused_naming_the_file_and_line(tmp_path, no_header_checks, text, line):
    path = tmp_path / "meldingen_lang.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    one_sentence(err, "meldingen_lang.csv: ", f"line {line} holds ", "without a line break", "export the data again")


def test_a_long_line_below_the_header_is_no_header_and_is_not_refused():
    refuse_long_header("x.csv", f"{HEADER}\n{ROW};{LONG}\n", meldingen.ALIASES)
    refuse_long_header("x.csv", f"titel\n\n{HEADER}\r\n{LONG}", meldingen.ALIASES)
    refuse_long_header("x.csv", "a" * MAX_HEADER_CHARS + "\n" + LONG)            # no aliases: the first line only


def test_the_limit_is_counted_per_line_not_per_file():
    refuse_long_header("x.csv", "\n".join(["t" * (MAX_HEADER_CHARS // 2)] * 5 + [HEADER]), meldingen.ALIASES)
    with pytest.raises(IngestError, match="line 6 holds"):
        refuse_long_header("x.csv", "\n".join(["t" * 10] * 5 + ["t" * (MAX_HEADER_CHARS + 1)]), meldingen.ALIASES)


@pytest.mark.parametrize("module, header", [(meldingen, HEADER), (wijkteam, "Buurtcode;Maand;Signaal;Aantal")])
def test_a_header_without_rows_is_refused_naming_the_file(tmp_path, module, header):
    path = tmp_path / f"{module.NAME}_leeg.csv"
    path.write_text(header + "\n\n", encoding="utf-8")
    with pytest.raises(ValidationRefused) as err:
        module.read(path)
    one_sentence(err, f"{module.NAME}_leeg.csv: the file holds no data rows")
