"""The one CSV writer: a value with a line break, the delimiter or a quote stays one field of one record, and a
formula stays text however it is hidden (behind CR, LF, tab, spaces or zero-width characters)."""
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from pipelines import csv_out
from pipelines.ingest import ingest_file
from pipelines import reference
from pipelines.quarantine import export_rows
from pipelines.risk import write_output, OUTPUT_COLUMNS
from pipelines.warehouse import connect
from tests.conftest import TODAY

HIDERS = ["", "\r", "\n", "\r\n", "\t", " ", "\u00a0", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff",
          "\u202e", "\r\u200b "]
HOSTILE = [h + f for h in HIDERS for f in ('=1+1', '=HYPERLINK("http://x","klik")', "@SUM(A1)", "+1-1", "-2+3")]
AWKWARD = ["a;b", 'zeg "hoi"', "een\rtwee", "een\ntwee", "een\r\ntwee", "", "-3", "plain"]

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def records(text: str, sep: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


@pytest.mark.parametrize("sep", [";", ","])
def test_every_value_reads_back_as_one_field_of_its_own_record_and_no_formula_survives(sep):
    values = HOSTILE + AWKWARD
    table = pd.DataFrame({"waarde": values, "nummer": range(len(values))})
    back = records(csv_out.csv_text(table, sep), sep)
    assert back[0] == ["waarde", "nummer"] and len(back) == len(values) + 1
    assert all(len(r) == 2 for r in back)
    assert [int(r[1]) for r in back[1:]] == list(range(len(values)))
    for value, (cell, _) in zip(values, back[1:]):
        assert cell == ("'" + value if value in HOSTILE else value)


def test_a_hostile_column_name_is_neutralised_and_quoted_too():
    back = records(csv_out.csv_text(pd.DataFrame({"\r=1+1": ["x"]})))
    assert back == [["'\r=1+1"], ["x"]]


def test_a_file_is_written_whole_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "x.csv"
    csv_out.write_csv(pd.DataFrame({"a": ["\r=1"]}), path)
    assert path.read_bytes() == b"\xef\xbb\xbfa\r\n\"'\r=1\"\r\n" and list(tmp_path.iterdir()) == [path]


def test_a_correction_file_keeps_a_cell_that_starts_with_a_carriage_return_in_its_row(home, tmp_path):
    rows = [[f"BU0118500{i}", "2026-05", "eenzaamheid", "3"] for i in range(8)]
    rows += [['\r=HYPERLINK("http://evil.example/x","klik")', "2026-05", "eenzaamheid", "3"],
             ["BU01185001", "2026-06", "\r=1+1", "4"]]
    delivery = tmp_path / "wijkteam_cr.csv"
    with open(delivery, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows([["Buurtcode", "Maand", "Signaal", "Aantal"]] + rows)
    with connect(home.warehouse) as con:
        ref = reference.Reference()
        reference.sync(con, ref)
        result = ingest_file(con, delivery, "wijkteam", ref, home.archive, today=TODAY)
        assert result.rows_quarantined == 2
        [path] = export_rows(con, tmp_path / "out")
    back = records(path.read_bytes().decode("utf-8-sig"))
    assert len(back) == 3 and len({len(r) for r in back}) == 1
    assert not any(re.match(r"[=+\-@]", cell) for r in back for cell in r)


def test_the_risk_scores_go_through_the_same_writer(tmp_path):
    row = {c: 0.5 for c in OUTPUT_COLUMNS} | {"area_code": "\r=1+1"}
    write_output(pd.DataFrame([row]), tmp_path / "risk.csv")
    back = records((tmp_path / "risk.csv").read_bytes().decode("utf-8"), ",")
    assert len(back) == 2 and back[1][list(OUTPUT_COLUMNS).index("area_code")] == "'\r=1+1"


# The files wijkradar writes for itself (reference tables of a profile, the demo's generated data) are read
# back by wijkradar and hold no delivered value; every other CSV is written by csv_out (or, for detect's large
# panels, by Arrow's writer, which quotes every text holding CR, LF, the delimiter or a quote).
OWN_INPUT_FILES = {"profile.py", "adjacency.py", "demo.py"}


def test_no_module_but_csv_out_writes_csv_on_its_own():
    root = Path(csv_out.__file__).parent
    writers = {p.relative_to(root).as_posix() for p in root.rglob("*.py")
               if re.search(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|pacsv\.write_csv\(", p.read_text(encoding="utf-8"))}
    assert writers - OWN_INPUT_FILES == {"csv_out.py", "detect.py"}
