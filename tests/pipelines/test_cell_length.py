"""Over-long cells: replaced by a marker that keeps only their length, their rows quarantined, nothing stored
or listed at full length (a probe's 50,000,000-character cell was kept everywhere and hung the listing)."""
import json
import re
from types import SimpleNamespace

import pandas as pd
from typer.testing import CliRunner

from pipelines import wording
from pipelines.cli import app
from pipelines.ingest import MAX_CELL_CHARS, _cell_length_guard
from pipelines.quarantine import export_rows
from pipelines.warehouse import connect
from tests.conftest import write_csv
from tests.pipelines.test_ingest import GOOD, MELDINGEN_HEADER, load, quarantine

RUN = "A" * 1_000                                 # no stored place may hold this much of the value


def test_the_guard_replaces_long_cells_by_their_length_and_fails_their_rows():
    module = SimpleNamespace(RAW_COLUMNS=["code", "name", "absent"], HEADERS_NL={"code": "Buurtcode"})
    raw = pd.DataFrame({"row_number": [2, 3, 4, 5],
                        "code": ["BU01185000", "B" * (MAX_CELL_CHARS + 1), "C" * MAX_CELL_CHARS, None],
                        "name": ["x", "y" * 20_000, "z", "w"],
                        "unread": ["u" * 50_000] * 4}, dtype="str")
    cleaned, failures = _cell_length_guard(raw, module)
    assert cleaned["code"].tolist()[1] == "[verwijderd: cel van 1.001 tekens]"
    assert cleaned["name"].tolist()[1] == "[verwijderd: cel van 20.000 tekens]"
    assert cleaned["code"].tolist()[2] == "C" * MAX_CELL_CHARS            # at the limit: kept
    assert cleaned["code"].isna().tolist() == [False, False, False, True]
    assert cleaned["unread"].equals(raw["unread"])                       # not read, not stored: not scanned
    assert raw["code"].tolist()[1] == "B" * (MAX_CELL_CHARS + 1)         # the input is not changed
    assert failures["row_number"].tolist() == [3] and failures["expectation"].tolist() == ["cell_length_guard"]
    reason = failures["reason"].iloc[0]
    assert reason.startswith("a cell of 1,001 characters in Buurtcode (the limit is 1,000) was not kept; split or "
                             "shorten the cell")
    assert "a cell of 20,000 characters in name" in reason and reason.endswith("then deliver the file again")
    assert wording.reason_has_dutch(reason)
    assert wording.reason_text(reason).startswith("een cel van 1.001 tekens in Buurtcode (de grens is 1.000) is "
                                                  "niet bewaard")


def test_a_file_without_long_cells_passes_unchanged():
    module = SimpleNamespace(RAW_COLUMNS=["code", "count"])
    raw = pd.DataFrame({"row_number": [2, 3], "code": ["BU01185000", "BU01185001"], "count": [1, 2]})
    cleaned, failures = _cell_length_guard(raw, module)
    assert cleaned is raw and failures.empty and list(failures.columns) == ["row_number", "expectation", "reason"]


def _stored_text(home) -> str:
    """Every table of the warehouse as text."""
    with connect(home.warehouse) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE'").fetchall()
        return "|".join(con.execute(f'SELECT string_agg(t::VARCHAR, \'|\') FROM "{s}"."{t}" t').fetchone()[0] or ""
                        for s, t in tables)


def _archived_text(home) -> str:
    parts = [pd.read_parquet(f).to_csv() for f in home.archive.rglob("*.parquet")]
    parts += [f.read_text() for f in home.archive.rglob("*.json")]
    assert parts
    return "|".join(parts)


def test_an_over_long_cell_is_quarantined_and_stored_nowhere(home, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[3][3] = "A" * 2_000_000                  # Subcategorie of line 5
    result = load(home, write_csv(home.inbox / "meldingen_long.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (10, 9, 1)
    with connect(home.warehouse) as con:
        assert con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchall() == \
            [(10, 9, 1)]
        assert con.execute("SELECT count(*) FROM raw.meldingen").fetchone() == (10,)
    q = quarantine(home).set_index("row_number")
    assert q.loc[5, "expectation"] == "cell_length_guard"
    assert q.loc[5, "reason"].startswith("a cell of 2,000,000 characters in Subcategorie (the limit is 1,000) was "
                                         "not kept; split or shorten the cell")
    assert json.loads(q.loc[5, "raw_values"])["subcategorie"] == "[verwijderd: cel van 2.000.000 tekens]"
    assert RUN not in _stored_text(home)
    assert RUN not in _archived_text(home)
    with connect(home.warehouse) as con:
        exported = export_rows(con, tmp_path / "fix")
    text = exported[0].read_text(encoding="utf-8-sig")
    assert RUN not in text and "een cel van 2.000.000 tekens in Subcategorie" in text


def test_an_over_long_excel_cell_of_another_source_is_quarantined_too(home):
    frame = pd.DataFrame({"Buurtcode": ["BU01185000", "BU01185001", "BU01185000"],
                          "Maand": ["2026-09", "2026-10", "2026-10"],
                          "Signaal": ["Eenzaamheid", "A" * 30_000, "Eenzaamheid"],     # Excel keeps up to 32,767
                          "Aantal": [2, 5, 3]})
    path = home.inbox / "wijkteam_long.xlsx"
    frame.to_excel(path, index=False)
    result = load(home, path, "wijkteam")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 2, 1)
    q = quarantine(home).set_index("row_number")
    assert q.loc[3, "reason"].startswith("a cell of 30,000 characters in ")
    assert RUN not in _stored_text(home) and RUN not in _archived_text(home)


def test_the_listing_shortens_long_values_an_earlier_version_stored(home, tmp_path):
    path = write_csv(tmp_path / "export.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"],
                     [["BU01185000", "2026-10", "Eenzaamheid", "3"], ["BU01189999", "2026-10", "Eenzaamheid", "1"]])
    load(home, path, "wijkteam")
    with connect(home.warehouse) as con:          # as a warehouse written before the guard may hold it
        con.execute("UPDATE quarantine.rows SET raw_values = repeat('A', 5000000), reason = repeat('B', 5000000)")
    for command in (["quarantine", "--state", "all"], ["status"]):
        out = CliRunner().invoke(app, ["--home", str(home.root), *command], catch_exceptions=False).output
        cells = re.sub(r"[\s│┃]", "", out)       # the table folds long cells over lines
        assert "(5,000,000characters)" in cells and cells.count("B") <= 300 and len(out) < 20_000


def test_listings_write_invisible_and_control_characters_as_escapes():
    from pipelines.cli import _shown

    shown = _shown("Afval\u202eafvaZ\x1b[31m\u200b")          # right-to-left override, ANSI escape, zero width
    assert shown == "Afval\\u202eafvaZ\\u001b[31m\\u200b"
    assert _shown("Zwerfafval – straat") == "Zwerfafval – straat"       # visible text unchanged
