"""The CSV writer: ';'-separated, formulas neutralised, the columns and a sentence for an empty list, a BOM."""
import csv
import io

import pandas as pd

from pipelines.lists.content import NOTHING_FLAGGED
from pipelines.lists.csv_writer import csv_text, write_csv
from pipelines.lists.selection import team_list


def test_two_rows_are_semicolon_separated_and_neutralised(flags, labels):
    text = csv_text(team_list(flags, "noord", labels))
    back = pd.read_csv(io.StringIO(text), sep=";", keep_default_na=False)
    assert len(back) == 2 and back.columns[0] == "Rang"
    assert back["Buurt"].tolist() == ["'=Hoek <b>", "Brink"]
    assert text.count("\r\n") == 3 and text.count("\n") == 3        # records end in CRLF (RFC 4180)


def test_a_name_that_starts_with_a_carriage_return_stays_in_its_record_as_text(flags, labels):
    flags.loc[1, "name"] = "\r=2+2 b2"
    text = csv_text(team_list(flags, "noord", labels))
    back = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(back) == 3 and {len(r) for r in back} == {10}
    assert back[2][5] == "'\r=2+2 b2"


def test_an_empty_list_keeps_the_columns_with_one_sentence_or_only_the_header(flags, labels):
    empty = team_list(flags, "oost")
    back = pd.read_csv(io.StringIO(csv_text(empty)), sep=";", keep_default_na=False)
    assert list(back.columns) == list(team_list(flags, "noord", labels).columns)     # as every team's CSV
    assert len(back) == 1 and back["Toelichting"].item() == NOTHING_FLAGGED
    assert csv_text(empty, nothing=None).startswith("Rang;Status;")


def test_the_file_starts_with_a_byte_order_mark(tmp_path, flags):
    path = tmp_path / "noord.csv"
    table = team_list(flags, "noord")
    write_csv(table, path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + csv_text(table).encode("utf-8")
