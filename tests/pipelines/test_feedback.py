"""The feedback loop: the drop-down in the workbook, importing a returned list (and refusing a wrong one),
the statuses of answered flags in the next run, and the precision report.

A warehouse with one run on the demo counts (no Prefect; the counts go straight into core) is built once;
every test works on its own copy.
"""
import re
import shutil
import zipfile
from xml.etree import ElementTree

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines import catalog, reference, wording
from pipelines.feedback import (FEEDBACK_VALUES, FeedbackRefused, apply_feedback, checksum, flag_keys,
                                import_feedback, precision, read_answers)
from pipelines.warehouse import connect, insert_frame, table_digest
from tests.conftest import TODAY, demo_signal_counts, fill_counts

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TEAM = "de-weide"


@pytest.fixture(scope="module")
def built(tmp_path_factory, ref):
    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag

    home = resolve_home(tmp_path_factory.mktemp("feedback") / "home")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=4))
        run = score_and_flag(con, ref)
        export_run(con, home, run)
    return home, run


@pytest.fixture
def world(built, tmp_path):
    """A private copy of the built working folder: (home, run, path of the team's exported workbook)."""
    from pipelines.paths import resolve_home

    home, run = built
    shutil.copytree(home.root, tmp_path / "home")
    mine = resolve_home(tmp_path / "home")
    return mine, run, mine.exports / run.run_period / f"{TEAM}.xlsx"


def fill(src, dst, answers: dict[int, tuple[str, str | None]], edit=None):
    """Save a copy of the workbook with answers {row: (value, note)} filled in, as a team would in Excel."""
    wb = load_workbook(src)
    ws = wb["Signalen"]
    for row, (value, note) in answers.items():
        ws[f"K{row}"] = value
        if note is not None:
            ws[f"L{row}"] = note
    if edit:
        edit(wb)
    wb.save(dst)
    return dst


def stored(home) -> int:
    with connect(home.warehouse) as con:
        return con.execute("SELECT count(*) FROM meta.flag_feedback").fetchone()[0] + \
            con.execute("SELECT count(*) FROM meta.feedback_files").fetchone()[0]


# ------------------------------------------------------------------------------------------------------------
# The workbook
# ------------------------------------------------------------------------------------------------------------

def test_the_drop_down_has_exactly_five_values_with_prompt_and_error_on(world):
    _, _, path = world
    with zipfile.ZipFile(path) as z:
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    lists = [dv for dv in sheet.iterfind(".//m:dataValidation", NS) if dv.get("type") == "list"]
    assert len(lists) == 1
    dv = lists[0]
    formula = dv.find("m:formula1", NS).text
    assert formula.startswith('"') and formula.endswith('"')      # the chosen form: a literal list, not a range
    items = formula[1:-1].split(",")                               # as Excel reads it: split on every comma
    assert items == list(FEEDBACK_VALUES) and len(items) == 5
    assert dv.get("showInputMessage") == "1" and dv.get("showErrorMessage") == "1"
    assert dv.get("errorStyle") == "stop" and dv.get("showDropDown") in (None, "0")   # "1" would hide the arrow
    assert dv.get("prompt") == "Kies wat het wijkteam met dit signaal doet"
    assert dv.get("error") == "Kies een waarde uit de lijst"
    assert dv.get("sqref").startswith("K5:")
    states = {s.get("name"): s.get("state") for s in book.iterfind(".//m:sheet", NS)}
    assert states["Meta"] == "veryHidden"


def test_each_row_carries_its_flag_key_and_meta_its_checksum(world):
    home, run, path = world
    wb = load_workbook(path)
    ws, meta = wb["Signalen"], wb["Meta"]
    assert [c.value for c in ws[4]][-3:] == ["Terugkoppeling", "Notitie", "Sleutel"]
    assert ws.column_dimensions["M"].hidden and meta.protection.sheet
    keys = [r[12] for r in ws.iter_rows(min_row=5, values_only=True) if r[4]]
    assert keys and all(k.startswith(code + "|") for k, code in
                        zip(keys, [r[4] for r in ws.iter_rows(min_row=5, values_only=True) if r[4]]))
    values = dict(meta.iter_rows(values_only=True))
    assert values["wijkteam"] == TEAM and values["run"] == run.run_id and values["periode"] == run.run_period
    with connect(home.warehouse) as con:
        secret, _ = catalog.warehouse_secret(con)
    assert values["controle"] == checksum(TEAM, run.run_id, keys, secret) != checksum(TEAM, run.run_id, keys)
    # the secret itself is in none of the files a team receives
    assert all(secret.hex().encode() not in f.read_bytes() and secret not in f.read_bytes()
               for f in path.parent.iterdir())


def test_the_workbook_is_byte_identical_on_a_re_export(world):
    from pipelines.export import export_run
    from pipelines.runs import find_run

    home, run, path = world
    before = path.read_bytes()
    with connect(home.warehouse) as con:
        export_run(con, home, find_run(con))
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------------------------
# Round trip: export, fill in, import, run again
# ------------------------------------------------------------------------------------------------------------

def test_round_trip_answered_flags_read_in_behandeling_and_in_jaarplan(world, ref, tmp_path):
    from pipelines.export import export_run
    from pipelines.runs import read_flags, score_and_flag

    home, run, path = world
    # two flags an answer changes (``verergerend`` and ``opgelost`` always show)
    sheet = load_workbook(path)["Signalen"]
    first, second_row = [r for r in range(5, sheet.max_row + 1) if sheet[f"B{r}"].value in ("nieuw", "aanhoudend")][:2]
    filled = fill(path, tmp_path / "terugkoppeling_de-weide.xlsx",
                  {first: ("opgepakt", "loopt al"), second_row: ("naar jaarplan", None)})
    ws = load_workbook(filled)["Signalen"]
    answered = {ws[f"E{first}"].value: "in behandeling", ws[f"E{second_row}"].value: "in jaarplan"}
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled, today=TODAY)
        assert (result.answered, result.wijkteam, result.run_id, result.warnings) == (2, TEAM, run.run_id, ())
        rows = con.execute("SELECT area_code, value, note, answered_on FROM meta.flag_feedback "
                           "ORDER BY row_number").fetchall()
        assert [(a, v, n) for a, v, n, _ in rows] == [(ws[f"E{first}"].value, "opgepakt", "loopt al"),
                                                    (ws[f"E{second_row}"].value, "naar jaarplan", None)]
        second = score_and_flag(con, ref)          # new answers change the run key: the run is not reused
        assert not second.reused and second.run_id != run.run_id
        flags = read_flags(con, second.run_id, team=TEAM).set_index("area_code")
        for area, status in answered.items():
            assert flags.loc[area, "status"] == status
        others = flags.drop(index=list(answered))
        assert set(others["status"]) <= {"nieuw", "aanhoudend", "verergerend", "opgelost"}
        assert score_and_flag(con, ref).reused      # nothing new: the same run
        paths = export_run(con, home, second)
    info = [r for r in load_workbook(paths[TEAM][0])["Toelichting"].iter_rows(values_only=True)]
    assert ("Dit wijkteam", "2 van 2 terecht (nog te weinig antwoorden)") in info
    statuses = [r[1] for r in load_workbook(paths[TEAM][0])["Signalen"].iter_rows(min_row=5, values_only=True)]
    assert "in behandeling" in statuses and "in jaarplan" in statuses
    # explain shows the status the list showed, the answer applied (it showed nieuw/aanhoudend)
    from typer.testing import CliRunner

    from pipelines.cli import app

    area = next(a for a, status in answered.items() if status == "in behandeling")
    domain = flags.loc[area, "domain"]
    out = CliRunner().invoke(app, ["--home", str(home.root), "explain", area], catch_exceptions=False, terminal_width=200)
    row = next(line for line in out.output.splitlines() if re.search(rf"\b{wording.domain_word(domain)}\b", line))
    assert "in behandeling" in row, out.output


def test_an_answer_typed_with_punctuation_a_hyphen_or_an_invisible_character_is_that_answer(world, tmp_path):
    home, _, path = world
    typed = {"naar-jaarplan": "naar jaarplan", "Opgepakt!": "opgepakt", "al_bekend.": "al bekend",
             "geen probleem\u200b": "geen probleem"}
    for i, (value, meant) in enumerate(typed.items()):      # one answer a file: the list may hold one flag only
        filled = fill(path, tmp_path / f"{i}.xlsx", {5: (value, None)})
        with connect(home.warehouse) as con:
            assert import_feedback(con, filled).answered == 1
            assert read_answers(con)["value"].tolist() == [meant]


@pytest.mark.parametrize("typed", ["naar\u2013jaarplan", "naar\u2014jaarplan", "naar\u2011jaarplan",
                                   "naar\u2010jaarplan", "naar\u00adjaarplan", "naar\u2212jaarplan", "Naar\u2013Jaarplan!"])
def test_an_answer_typed_with_any_dash_is_that_answer(world, tmp_path, typed):
    # an en dash is what Word's and Excel's autocorrect make of a hyphen; a soft hyphen is invisible
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: (typed, None)})
    with connect(home.warehouse) as con:
        assert import_feedback(con, filled).answered == 1
        assert con.execute("SELECT value FROM meta.flag_feedback").fetchall() == [("naar jaarplan",)]


@pytest.mark.parametrize("column", ["E", "D", "G"])        # Buurtcode, Domein, Periode
def test_rows_sorted_without_the_hidden_key_are_refused_naming_the_row(world, tmp_path, column):
    """Rows sorted in Excel over the visible columns only: each answer sits beside another flag's key, which must
    never be stored for a buurt, domain or period the team did not answer."""
    home, _, path = world

    def scramble(wb):
        ws = wb["Signalen"]
        rows = [r for r in range(5, ws.max_row + 1) if ws[f"M{r}"].value]
        row = rows[0]
        if column == "E":                    # two rows swapped on every visible column, the key column left
            row, other = next((a, b) for a in rows for b in rows if ws[f"E{a}"].value != ws[f"E{b}"].value)
            for c in "ABCDEFGHIJ":
                ws[f"{c}{row}"], ws[f"{c}{other}"] = ws[f"{c}{other}"].value, ws[f"{c}{row}"].value
        elif column == "D":                  # a row showing another domain than its key
            ws[f"D{row}"] = "sociaal" if ws[f"D{row}"].value != "sociaal" else "fysiek"
        else:                                # a row showing another period than its key
            ws[f"G{row}"] = "2020-W01"
        ws[f"K{row}"] = "geen probleem"

    filled = fill(path, tmp_path / "sorted.xlsx", {}, edit=scramble)
    with connect(home.warehouse) as con, pytest.raises(FeedbackRefused) as refused:
        import_feedback(con, filled, today=TODAY)
    assert stored(home) == 0
    message = str(refused.value)
    assert re.search(r"row \d+ shows buurt .* but its hidden key Sleutel is of buurt", message), message
    assert "sorted without the hidden column Sleutel" in message and message.count(";") == 1


@pytest.mark.parametrize("column", ["E", "M"])        # Buurtcode, the hidden key Sleutel
def test_a_refusal_names_a_buurt_code_with_letters_as_cbs_writes_it(world, tmp_path, column):
    # Amsterdam's codes hold letters (BU0363TA05): a refusal showed them as "(another buurt)" and "(changed)"
    home, _, path = world

    def amsterdam(wb):
        ws = wb["Signalen"]
        row = next(r for r in range(5, ws.max_row + 1) if ws[f"M{r}"].value)
        if column == "E":
            ws[f"E{row}"] = "BU0363TA05"
        else:
            ws[f"M{row}"] = "BU0363TA05|" + ws[f"M{row}"].value.split("|", 1)[1]
        ws[f"K{row}"] = "geen probleem"

    filled = fill(path, tmp_path / "amsterdam.xlsx", {}, edit=amsterdam)
    with connect(home.warehouse) as con, pytest.raises(FeedbackRefused) as refused:
        import_feedback(con, filled, today=TODAY)
    message = str(refused.value)
    shown = "shows buurt BU0363TA05 (" if column == "E" else "has flag key 'BU0363TA05|"
    assert shown in message and "(another buurt)" not in message and "(changed)" not in message, message


def test_rows_sorted_with_the_hidden_key_import(world, tmp_path):
    home, _, path = world

    def reverse(wb):
        ws = wb["Signalen"]
        rows = [r for r in range(5, ws.max_row + 1) if ws[f"M{r}"].value]
        values = [[ws[f"{c}{r}"].value for c in "ABCDEFGHIJKLM"] for r in rows]
        for r, vals in zip(rows, reversed(values)):
            for c, v in zip("ABCDEFGHIJKLM", vals):
                ws[f"{c}{r}"] = v

    filled = fill(path, tmp_path / "sorted.xlsx", {5: ("opgepakt", None)}, edit=reverse)
    with connect(home.warehouse) as con:
        assert import_feedback(con, filled, today=TODAY).answered == 1


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: ("al bekend", None)})
    with connect(home.warehouse) as con:
        assert import_feedback(con, filled).answered == 1
        before = table_digest(con)
        again = import_feedback(con, filled)
        assert again.skipped and table_digest(con) == before


def test_the_same_answers_saved_again_change_nothing(world, tmp_path):
    # Excel saves a workbook anew on opening and closing: other bytes, the same answers
    import time

    from pipelines.feedback import feedback_digest

    home, _, path = world
    first = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None), 6: ("geen probleem", "gesproken")})
    time.sleep(1.1)
    resaved = fill(path, tmp_path / "b.xlsx", {6: ("geen probleem", "gesproken"), 5: ("opgepakt", None)})
    assert first.read_bytes() != resaved.read_bytes()
    with connect(home.warehouse) as con:
        assert import_feedback(con, first).answered == 2
        before, digest = table_digest(con), feedback_digest(con)
        again = import_feedback(con, resaved)
        assert again.skipped and table_digest(con) == before and feedback_digest(con) == digest
        changed = import_feedback(con, fill(path, tmp_path / "c.xlsx", {5: ("opgepakt", None),
                                                                         6: ("meer info nodig", "gesproken")}))
        assert changed.answered == 2 and feedback_digest(con) != digest


def test_the_first_file_sent_again_undoes_a_later_change(world, tmp_path):
    # answers are compared, not files: the byte-identical first workbook brings its answers back, as a copy
    # saved once more would; importing it once more changes nothing
    from pipelines.feedback import feedback_digest, read_answers

    home, _, path = world
    first = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)})
    changed = fill(path, tmp_path / "b.xlsx", {5: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        import_feedback(con, first, today=TODAY, again=True)
        undone = feedback_digest(con)
        import_feedback(con, changed, today=TODAY, again=True)
        assert read_answers(con)["value"].tolist() == ["geen probleem"]
        back = import_feedback(con, first, today=TODAY, again=True)
        assert not back.skipped and back.answered == 1
        assert read_answers(con)["value"].tolist() == ["opgepakt"] and feedback_digest(con) == undone
        before = table_digest(con)
        assert import_feedback(con, first, today=TODAY, again=True).skipped and table_digest(con) == before
        history = con.execute("SELECT value FROM meta.flag_feedback ORDER BY imported_at").fetchall()
    assert history == [("opgepakt",), ("geen probleem",), ("opgepakt",)]           # every answer kept


def test_a_file_left_in_the_inbox_does_not_undo_a_later_one_until_it_is_sent_again(world, tmp_path):
    # the weekly flow imports every terugkoppeling_* file of the inbox on every run, oldest first
    import os
    import time

    from pipelines.feedback import read_answers

    home, _, path = world
    first = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)})
    changed = fill(path, tmp_path / "b.xlsx", {5: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        for _ in range(2):                                       # two runs on the same inbox
            for f in (first, changed):
                import_feedback(con, f, today=TODAY)
            assert read_answers(con)["value"].tolist() == ["geen probleem"]
        before = table_digest(con)
        for f in (first, changed):
            assert import_feedback(con, f, today=TODAY).skipped
        assert table_digest(con) == before
        later = time.time() + 5                                 # the team sends the first workbook again
        os.utime(first, (later, later))
        assert import_feedback(con, first, today=TODAY).answered == 1
        assert read_answers(con)["value"].tolist() == ["opgepakt"]
        before = table_digest(con)
        for f in (changed, first):                               # the next runs: nothing changes
            assert import_feedback(con, f, today=TODAY).skipped
        assert table_digest(con) == before and read_answers(con)["value"].tolist() == ["opgepakt"]


def test_a_file_copied_again_with_its_old_modification_time_is_read_again(world, tmp_path):
    # cp -p, Explorer and unzip keep a file's modification time: the first list copied back into the inbox to undo
    # a later answer was skipped as "already imported"; its change time says it came anew
    from pipelines.feedback import read_answers

    home, _, path = world
    first = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)})
    changed = fill(path, tmp_path / "b.xlsx", {5: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        for f in (first, changed):
            import_feedback(con, f, today=TODAY)
        assert read_answers(con)["value"].tolist() == ["geen probleem"]
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        again = inbox / first.name
        shutil.copy2(first, again)
        assert again.stat().st_mtime == first.stat().st_mtime
        assert import_feedback(con, again, today=TODAY).answered == 1
        assert read_answers(con)["value"].tolist() == ["opgepakt"]


def _first_flag(con, run, path) -> tuple[str, int]:
    """The team's first flagged buurt in the run and its row on the exported list."""
    area = con.execute("SELECT area_code FROM marts.area_flags WHERE run_id = ? AND wijkteam = ? "
                       "ORDER BY area_code LIMIT 1", [run.run_id, TEAM]).fetchone()[0]
    sheet = load_workbook(path)["Signalen"]
    return area, next(r for r in range(5, sheet.max_row + 1) if str(sheet[f"M{r}"].value or "").startswith(area + "|"))


def test_a_teams_own_list_is_taken_after_its_buurt_moved_to_another_team(world, tmp_path):
    # the division changed after the run: the list as it was sent decides whose flags it holds
    home, run, path = world
    with connect(home.warehouse) as con:
        area, row = _first_flag(con, run, path)
        con.execute("UPDATE core.areas SET wijkteam = 'zuid-oost' WHERE area_code = ?", [area])
        result = import_feedback(con, fill(path, tmp_path / "a.xlsx", {row: ("opgepakt", None)}))
    assert result.answered == 1 and result.wijkteam == TEAM


def test_a_list_sent_before_its_buurt_was_renumbered_is_taken_after_the_move(world, tmp_path):
    """A new division renumbered a buurt between sending the list and its return: the list's checksum and keys name
    the old code, the warehouse's flags the new one, and the list was refused as tampered (red team round 10)."""
    from tests.pipelines.test_area_changes_round9 import _profile

    home, run, path = world
    with connect(home.warehouse) as con:
        area, row = _first_flag(con, run, path)
        new = f"BU011899{area[-2:]}"
        assert reference.sync(con, _profile(tmp_path, f"{area},{new},2025,hernummerd\n", renumber=(area, new)))
        result = import_feedback(con, fill(path, tmp_path / "a.xlsx", {row: ("opgepakt", None)}))
        answers = con.execute("SELECT area_code, value FROM meta.flag_feedback").fetchall()
    assert result.answered == 1 and answers == [(new, "opgepakt")]
    other = fill(path, tmp_path / "b.xlsx", {row: ("opgepakt", None)},
                 edit=lambda wb: wb["Meta"].cell(row=5, column=2, value="0" * 64))
    with connect(home.warehouse) as con, pytest.raises(FeedbackRefused, match="does not match the list"):
        import_feedback(con, other)                # a changed checksum is still refused


def test_a_list_sent_between_two_renumberings_undoes_only_the_later_one(world, tmp_path):
    """A renumbering made before the run (the list already shows the new code) was undone as well when the list came
    back after a second one, and the list was refused as tampered (red team round 12)."""
    from tests.pipelines.test_area_changes_round9 import _profile

    home, run, path = world
    with connect(home.warehouse) as con:
        area, row = _first_flag(con, run, path)
        other = con.execute("SELECT max(area_code) FROM marts.area_flags WHERE run_id = ? AND wijkteam = ?",
                            [run.run_id, TEAM]).fetchone()[0]
        # the other buurt of the list got its code in a renumbering before the run
        con.execute("INSERT INTO meta.code_moves VALUES ('BU01189977', ?, NULL, false, TIMESTAMP '2020-01-01')",
                    [other])
        new = f"BU011899{area[-2:]}"
        assert reference.sync(con, _profile(tmp_path, f"{area},{new},2025,hernummerd\n", renumber=(area, new)))
        result = import_feedback(con, fill(path, tmp_path / "a.xlsx", {row: ("opgepakt", None)}))
    assert result.answered == 1


def test_a_list_sent_before_its_buurt_was_merged_is_refused_saying_so(world, tmp_path):
    """A list of a buurt merged since was refused as 'changed team, run or checksum; send back the list as wijkradar
    exported it', which is what the team did (red team round 12)."""
    from tests.pipelines.test_area_changes_round9 import _profile

    home, run, path = world
    with connect(home.warehouse) as con:
        area, row = _first_flag(con, run, path)
        new = f"BU011899{area[-2:]}"
        merge = f"{area},{new},2025,samengevoegd\nBU01189977,{new},2025,samengevoegd\n"
        assert reference.sync(con, _profile(tmp_path, merge, renumber=(area, new)))
        with pytest.raises(FeedbackRefused) as refused:
            import_feedback(con, fill(path, tmp_path / "a.xlsx", {row: ("opgepakt", None)}))
    said = str(refused.value)
    assert f"buurt {area} was merged into {new} after this list was sent" in said and "next list" in said


def test_a_list_with_rows_added_above_its_table_is_read(world, tmp_path):
    """Eight rows of the team's own notes inserted above the table: the header was looked for in the first ten rows
    only, and the list was refused as having no columns Terugkoppeling and Sleutel (red team round 11)."""
    home, run, path = world

    def notes_above(wb):
        wb["Signalen"].insert_rows(1, amount=8)
        for r in range(1, 9):
            wb["Signalen"].cell(row=r, column=1, value=f"bespreking {r}")

    with connect(home.warehouse) as con:
        result = import_feedback(con, fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)}, edit=notes_above))
    assert result.answered == 1


def test_an_answer_of_the_old_team_does_not_hide_a_moved_buurts_flag_from_its_new_team(world, ref, tmp_path):
    """de-weide answers a flag 'opgepakt'; the buurt then moves to zuid-oost: zuid-oost's next list announces it as
    its own (``nieuw`` / ``aanhoudend``), not as handled by a team that never saw it."""
    from pipelines.reference import REFERENCE_DIR, Reference
    from pipelines.runs import read_flags, score_and_flag

    home, run, _ = world
    # a flag elevated this week (not in nazorg, which a team that never listed it does not see), on any team's list
    found = [(team_path, r) for team_path in sorted((home.exports / run.run_period).glob("*.xlsx"))
             for sheet in [load_workbook(team_path)["Signalen"]] for r in range(5, sheet.max_row + 1)
             if sheet[f"B{r}"].value in ("nieuw", "aanhoudend") and sheet[f"C{r}"].value in ("alarm", "aandacht")]
    assert found
    path, row = found[0]
    team, sheet = path.stem, load_workbook(path)["Signalen"]
    new_team = "zuid-oost" if team != "zuid-oost" else "de-weide"
    area = sheet[f"E{row}"].value
    moved = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, moved)
    division = pd.read_csv(moved / "buurt_indeling.csv", dtype=str, keep_default_na=False)
    division.loc[division["buurt_code"] == area, "wijkteam"] = new_team
    division.to_csv(moved / "buurt_indeling.csv", index=False)

    def statuses(flags, team):
        return set(flags.loc[(flags["wijkteam"] == team) & (flags["area_code"] == area), "status"])

    with connect(home.warehouse) as con:
        # without the answer: the new team's levels are set on its own past, which the buurt now joins
        unanswered = statuses(read_flags(con, score_and_flag(con, Reference(moved)).run_id), new_team)
        import_feedback(con, fill(path, tmp_path / "a.xlsx", {row: ("opgepakt", None)}), today=TODAY)
        kept = read_flags(con, score_and_flag(con, ref).run_id)
        after = read_flags(con, score_and_flag(con, Reference(moved)).run_id)

    assert statuses(kept, team) == {"in behandeling"}                        # the team that answered
    assert statuses(after, team) == set() and statuses(after, new_team) == unanswered
    assert unanswered and "in behandeling" not in unanswered


@pytest.mark.parametrize("clock_back", [False, True])
def test_a_later_answer_for_the_same_flag_replaces_the_earlier_one(world, tmp_path, clock_back):
    # clock_back: red team 10b F4, the night the clocks go back an import at 02:40 CEST and the team's correction at
    # 02:10 CET (thirty minutes later) were stored as 02:40 and 02:10, and the first answer won; so may a time server's
    # correction. The first import is moved 30 minutes ahead here, as the clock that went back sees it
    from pipelines.feedback import read_answers

    home, _, path = world
    first = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)})
    later = fill(path, tmp_path / "b.xlsx", {5: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        import_feedback(con, first, today=TODAY)
        if clock_back:
            con.execute("UPDATE meta.flag_feedback SET imported_at = imported_at + INTERVAL 30 MINUTE")
            con.execute("UPDATE meta.feedback_files SET imported_at = imported_at + INTERVAL 30 MINUTE")
        import_feedback(con, later, today=TODAY)
        answers = read_answers(con)
        times = [r[0] for r in con.execute("SELECT imported_at FROM meta.flag_feedback ORDER BY value").fetchall()]
    assert answers["value"].tolist() == ["geen probleem"] and len(times) == 2
    assert times[0] > times[1]                    # 'geen probleem' after 'opgepakt', by the stored times too


def test_the_recorded_clock_follows_a_clock_that_was_wrong_long_ago(world):
    # a machine's date set a day ahead once: the times recorded after it follow the clock again, not that day
    from datetime import datetime, timedelta

    from pipelines.catalog import recorded_now

    home, run, _ = world
    with connect(home.warehouse) as con:
        ahead = datetime.now().replace(microsecond=0) + timedelta(hours=1)
        con.execute("UPDATE meta.runs SET finished_at = ? WHERE run_id = ?", [ahead, run.run_id])
        assert recorded_now(con, whole_seconds=True) > ahead
        con.execute("UPDATE meta.runs SET finished_at = ? WHERE run_id = ?", [ahead + timedelta(days=1), run.run_id])
        assert recorded_now(con) <= datetime.now()


def _newer_run(con, home, run, next_week: bool = False):
    """A run finished 7 days after ``run`` with the same flags (``next_week``: each a week later, on the lists of
    the next week); its lists exported."""
    from dataclasses import replace

    from pipelines.export import export_run

    period = run.run_period[:-2] + f"{int(run.run_period[-2:]) + 1:02d}" if next_week else run.run_period
    newer = replace(run, run_id=run.run_id[:-1] + "n", run_period=period)
    con.execute("INSERT INTO meta.runs SELECT ? AS run_id, run_key || 'n', started_at + INTERVAL 7 DAY, "
                "finished_at + INTERVAL 7 DAY, ?, loads, settings, n_series, n_scored, n_flags, today, scope_key "
                "FROM meta.runs WHERE run_id = ?", [newer.run_id, period, run.run_id])
    shift = 7 if next_week else 0
    con.execute("INSERT INTO marts.area_flags SELECT * REPLACE (? AS run_id, "
                "CAST(period_start + ? * INTERVAL 1 DAY AS DATE) AS period_start) FROM marts.area_flags "
                "WHERE run_id = ?", [newer.run_id, shift, run.run_id])
    export_run(con, home, newer)
    return newer


def test_last_weeks_list_imported_after_this_weeks_was_answered_is_kept_with_a_warning(world, tmp_path):
    # README: "a last week's list found in a mailbox and imported late is kept, with a warning"
    from pipelines.feedback import read_answers

    home, run, path = world
    last_week = fill(path, tmp_path / "last.xlsx", {5: ("geen probleem", None), 6: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        newer = _newer_run(con, home, run, next_week=True)
        this_week = fill(home.exports / newer.run_period / f"{TEAM}.xlsx", tmp_path / "this.xlsx",
                         {5: ("opgepakt", None)})
        assert not import_feedback(con, this_week, today=TODAY).warnings
        late = import_feedback(con, last_week, today=TODAY)
        answers = read_answers(con)
    assert len(answers) == 3                                      # kept: they are answers on their own flags
    warned = [w for w in late.warnings if "already answered on a newer list" in w]
    assert len(warned) == 1 and "1 answer(s) are for a buurt and domain" in warned[0], late.warnings


def test_an_answer_on_an_older_list_imported_later_does_not_undo_the_newer_one(world, tmp_path):
    # the team answers this week's list; then last week's list, answered differently, turns up in a mailbox
    from pipelines.feedback import read_answers

    home, run, path = world
    old = fill(path, tmp_path / "old.xlsx", {5: ("geen probleem", None)})
    with connect(home.warehouse) as con:
        newer = _newer_run(con, home, run)
        this_week = fill(path, tmp_path / "new.xlsx", {5: ("opgepakt", None)})
        import_feedback(con, this_week, today=TODAY)
        late = import_feedback(con, old, today=TODAY)
        answers = read_answers(con)
    assert answers["value"].tolist() == ["opgepakt"] and answers["run_id"].tolist() == [newer.run_id]
    assert any("already answered on a newer list" in w for w in late.warnings)


def test_an_earlier_weeks_list_whose_run_was_made_later_does_not_undo_this_weeks_answer(world, tmp_path):
    # `wijkradar run --today <a day of last week>` after this week's run: last week's list is older, whenever its
    # run was made; its answer is kept with a warning and this week's answer counts
    from dataclasses import replace

    from pipelines.export import export_run
    from pipelines.feedback import read_answers

    home, run, path = world
    week = int(run.run_period[-2:])
    older = replace(run, run_id=run.run_id[:-1] + "o", run_period=run.run_period[:-2] + f"{week - 1:02d}")
    with connect(home.warehouse) as con:
        con.execute("INSERT INTO meta.runs SELECT ? AS run_id, run_key || 'o', started_at + INTERVAL 7 DAY, "
                    "finished_at + INTERVAL 7 DAY, ?, loads, settings, n_series, n_scored, n_flags, today, scope_key "
                    "FROM meta.runs WHERE run_id = ?", [older.run_id, older.run_period, run.run_id])
        con.execute("INSERT INTO marts.area_flags SELECT * REPLACE (? AS run_id) FROM marts.area_flags "
                    "WHERE run_id = ?", [older.run_id, run.run_id])      # the same flags (a month's, say)
        export_run(con, home, older)
        this_week = fill(path, tmp_path / "this.xlsx", {5: ("opgepakt", None)})
        last_week = fill(home.exports / older.run_period / f"{TEAM}.xlsx", tmp_path / "last.xlsx",
                         {5: ("geen probleem", None)})
        assert not import_feedback(con, this_week, today=TODAY).warnings
        late = import_feedback(con, last_week, today=TODAY)
        answers = read_answers(con)
    assert answers["value"].tolist() == ["opgepakt"] and answers["run_id"].tolist() == [run.run_id]
    assert any("already answered on a newer list" in w for w in late.warnings), late.warnings


def test_the_year_plan_counts_the_answer_the_statuses_and_precision_count(world, tmp_path):
    # the same week's list made twice: the newer one answered 'geen probleem', then the older one, answered
    # 'opgepakt', arrives late; `feedback` and the statuses keep the newer answer, so must the year plan
    from pipelines.feedback import read_answers
    from pipelines.reports import jaarplan
    from pipelines.reports.data import read_feedback

    home, run, path = world
    old = fill(path, tmp_path / "old.xlsx", {5: ("opgepakt", None), 6: ("opgepakt", None)})
    with connect(home.warehouse) as con:
        _newer_run(con, home, run)
        this_week = fill(path, tmp_path / "new.xlsx", {5: ("geen probleem", None), 6: ("geen probleem", None)})
        import_feedback(con, this_week, today=TODAY)
        import_feedback(con, old, today=TODAY)
        counted = read_answers(con)
        shown = read_feedback(con)
        frames = catalog.report_frames(con, run.run_id)
    assert sorted(shown["feedback"]) == sorted(counted["value"]) == ["geen probleem"] * 2
    evidence = frames["evidence"].assign(period_start=lambda e: pd.to_datetime(e["period_start"]),
                                         since=lambda e: pd.to_datetime(e["since"]))
    year = jaarplan.year_flags(evidence, frames["areas"], shown, TEAM, TODAY.year)
    answered = year[year["feedback"] != ""]
    assert len(answered) and set(answered["feedback"]) == {"geen probleem"}


def test_a_note_with_a_phone_number_is_dropped_and_the_answer_kept(world, tmp_path):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", "bel mevrouw op 06-12345678"), 6: ("al bekend", "ok")})
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled)
        rows = con.execute("SELECT row_number, value, note FROM meta.flag_feedback ORDER BY row_number").fetchall()
    assert rows == [(5, "opgepakt", None), (6, "al bekend", "ok")]
    assert len(result.warnings) == 1 and "row 5" in result.warnings[0] and "telefoonnummer" in result.warnings[0]
    assert "12345678" not in result.warnings[0]


@pytest.mark.parametrize("header", ["Opmerking", None])
def test_a_note_column_renamed_or_deleted_keeps_the_answers_and_says_the_notes_were_not_read(world, tmp_path, header):
    """Found (thirty-sixth session): with the header Notitie renamed or deleted the answers were stored and every
    note dropped without a word."""
    home, _, path = world

    def edit(wb):
        ws = wb["Signalen"]
        (at,) = [c for c in ws[4] if c.value == "Notitie"]
        at.value = header
    filled = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", "buurtapp loopt"), 6: ("al bekend", None)}, edit)
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled)
        rows = con.execute("SELECT row_number, value, note FROM meta.flag_feedback ORDER BY row_number").fetchall()
    assert rows == [(5, "opgepakt", None), (6, "al bekend", None)]
    assert [w for w in result.warnings if "no column Notitie" in w and "no notes were read" in w]


def test_a_note_naming_a_resident_in_lower_case_is_dropped_and_the_answer_kept(world, tmp_path):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", "gesproken met jan jansen, komt terug"),
                                              6: ("al bekend", "Fatima belt morgen terug")})
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled)
        rows = con.execute("SELECT row_number, value, note FROM meta.flag_feedback ORDER BY row_number").fetchall()
    assert rows == [(5, "opgepakt", None), (6, "al bekend", None)]
    assert len(result.warnings) == 2 and all("(naam)" in w for w in result.warnings)
    assert not any("jansen" in w.lower() or "fatima" in w.lower() for w in result.warnings)


#: notes a red team found stored (rounds 5-7): each names a resident in a form the note scanner missed
RED_TEAM_NOTES = [
    ("gesproken met brinkhuis, komt goed", "naam"), ("bewoner kerkstraat14 belt terug", "adres"),
    ("tel 6 47381926 terugbellen", "telefoonnummer"), ("gebeld brinkhuis", "naam"),
    ("bewoner wolfsbos 12 klaagt", "adres"), ("klacht van jan jansen", "naam"),
    ("محمد الزهراني belt terug", "naam"),                                    # a name in Arabic script
    ("Hr. Brinkhuis belt terug", "naam"), ("gesproken met hr. Mulder", "naam"),   # titles, also after "met"
    ("contact via linkedin.com/in/pawelkaczmarek", "naam"),                      # a profile address
    # a tussenvoegsel or a word for a person between "met" and the surname
    ("gesproken met de vries", "naam"), ("Mw. 't Hart belt terug", "naam"),
    ("overleg met wijkagent Van der Veen", "naam"),
    ("met Ten Cate afgestemd", "naam"), ("wijkagent De Jong gaat langs", "naam"), ("met In 't Veld", "naam"),
    # round 7: as professionals write a case down; a landline whose 0 Excel dropped, as a number cell
    ("De Vries besproken", "naam"), ("Visser gebeld, komt langs", "naam"), ("casus Van Dijk loopt", "naam"),
    ("Brinkhuis gebeld", "naam"), ("mail van j.bakker ontvangen", "e-mail"), (528123456, "telefoonnummer"),
]


@pytest.mark.parametrize("note, kind", RED_TEAM_NOTES)
def test_a_note_a_red_team_found_stored_is_dropped_and_the_answer_kept(world, tmp_path, note, kind):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", note), 6: ("al bekend", "met wijkagent besproken")})
    with connect(home.warehouse) as con:
        result = import_feedback(con, filled)
        rows = con.execute("SELECT row_number, value, note FROM meta.flag_feedback ORDER BY row_number").fetchall()
    assert rows == [(5, "opgepakt", None), (6, "al bekend", "met wijkagent besproken")]
    assert len(result.warnings) == 1 and f"({kind})" in result.warnings[0]
    assert not any(w in result.warnings[0].lower() for w in ("brinkhuis", "kerkstraat", "47381926", "wolfsbos", "vries",
                                                               "hart", "veen", "cate", "jong", "veld", "visser",
                                                               "dijk", "bakker", "528123456"))


def test_no_red_team_note_is_anywhere_in_the_working_folder_after_its_import(world, tmp_path):
    """The notes above, imported a list's rows at a time into one working folder: none is in any file or table of it
    (the leak scanner over the home and its warehouse, once for all of them)."""
    from tests.adversarial.leaks import find_leaks

    home, _, path = world
    ws = load_workbook(path)["Signalen"]
    rows = [r for r in range(5, ws.max_row + 1) if ws[f"E{r}"].value]
    notes = [note for note, _ in RED_TEAM_NOTES]
    with connect(home.warehouse) as con:
        for k, i in enumerate(range(0, len(notes), len(rows))):
            chunk = dict(zip(rows, notes[i:i + len(rows)]))
            answer = ("opgepakt", "al bekend", "naar jaarplan")[k % 3]     # the same answers again are skipped
            result = import_feedback(con, fill(path, tmp_path / f"a{i}.xlsx", {r: (answer, n) for r, n in chunk.items()}))
            assert len(result.warnings) == len(chunk)
        assert con.execute("SELECT count(*) FROM meta.flag_feedback WHERE note IS NOT NULL").fetchall()[0][0] == 0
    assert find_leaks([str(n) for n in notes], [home.root]) == []


@pytest.mark.parametrize("answer", ["gebeld brinkhuis", "kerkstraat14", "zie mail van piet", "bel 6 47381926",
                                    "besproken in het wijkoverleg van dinsdag",
                                    # a surname beside an answer: the whole text was near enough to the answer
                                    "geen probleem Bakker", "opgepakt Smit", "Smit opgepakt", "al bekend Berend",
                                    # a surname of no list, near an answer word (difflib's 0.8 read it as a typo)
                                    "geen probleem Bekendam"])
def test_a_wrong_answer_of_free_text_is_never_echoed(world, tmp_path, answer):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: (answer, None)})
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, filled)
    message = str(caught.value)
    assert "row 5 holds a value, which is not one of the five answers" in message
    answers = {w for v in FEEDBACK_VALUES for w in v.split()}          # the message lists the five
    assert not any(w in message.lower() for w in answer.lower().split() if len(w) > 3 and w not in answers)


def test_no_name_of_the_lists_is_read_as_a_typo_of_an_answer():
    from pipelines.feedback import _answer_typo
    from pipelines.privacy import _lists

    first, surname, after_tv = _lists()[:3]
    assert [w for w in sorted(first | surname | after_tv) if _answer_typo(w.casefold())] == []
    assert all(_answer_typo(w) for w in ("opgepak", "jaarpaln", "bekent", "probleme", "opgepkat", "jaarplna"))
    assert not any(_answer_typo(w) for w in ("bekendam", "bekendsen", "opgepakker", "probleemsma", "jaarplanus"))


@pytest.mark.parametrize("answer", ["misschien", "opgepak", "ja", "naar jaarpaln"])
def test_a_wrong_answer_that_reads_as_an_answer_is_shown(world, tmp_path, answer):
    home, _, path = world
    filled = fill(path, tmp_path / "a.xlsx", {5: (answer, None)})
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused, match=f"row 5 holds {re.escape(repr(answer))}, which is not one"):
            import_feedback(con, filled)


def test_the_command_imports_warns_and_reports(world, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, _, path = world
    filled = fill(path, tmp_path / "terugkoppeling_de-weide.xlsx", {5: ("opgepakt", "mail piet@example.nl")})
    run = lambda *args: CliRunner().invoke(app, ["--home", str(home.root), "feedback", *args])  # noqa: E731
    first = run("import", str(filled))
    assert first.exit_code == 0, first.output
    assert "1 answer(s) of wijkteam de-weide" in first.output and "row 5" in first.output
    assert "piet@example.nl" not in first.output
    assert "already imported" in run("import", str(filled)).output
    report = run()
    assert report.exit_code == 0 and "de-weide" in report.output and "nog te weinig antwoorden" in report.output
    refused = run("import", str(fill(path, tmp_path / "b.xlsx", {5: ("ja", None)})))
    assert refused.exit_code == 2 and "not one of the five answers" in refused.output


# ------------------------------------------------------------------------------------------------------------
# Refusals: one sentence, nothing stored
# ------------------------------------------------------------------------------------------------------------

def _other_teams_key(home):
    with connect(home.warehouse) as con:
        return con.execute("SELECT area_code || '|' || domain || '|' || period || '|' || "
                           "strftime(period_start, '%Y-%m-%d') FROM marts.area_flags WHERE wijkteam <> ? LIMIT 1",
                           [TEAM]).fetchone()[0]


def _set_key(value):
    def edit(wb):
        wb["Signalen"]["M5"] = value
    return edit


def _set_meta(name, value):
    def edit(wb):
        ws = wb["Meta"]
        for row in ws.iter_rows():
            if row[0].value == name:
                row[1].value = value
    return edit


def _garble_checksum(wb):
    # a team member typed in the hidden sheet, or an autocorrect changed a character: "é" is no hex digit
    for row in wb["Meta"].iter_rows():
        if row[0].value == "controle":
            row[1].value = "é" + str(row[1].value)[1:]


def _second_answer_column(wb):
    ws = wb["Signalen"]
    header = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "Terugkoppeling" for c in r))
    col = ws.max_column + 1
    ws.cell(row=header[0].row, column=col, value="Terugkoppeling")
    ws.cell(row=header[0].row + 1, column=col, value="geen probleem")


@pytest.mark.parametrize("case, pattern", [
    ("other team's buurt", r"row 5 answers buurt BU\d+, which was on the list of wijkteam [\w-]+ in run "
                           r"2026-W\d\d-[0-9a-f]{8}, not of de-weide"),
    ("tampered team", r"Meta does not match"),
    ("unknown value", r"row 5 holds 'misschien', which is not one of the five answers"),
    ("unknown flag key", r"row 5 has flag key 'BU01185100\|physical\|week\|2020-01-06', which is not a flag of run"),
    ("unknown run", r"run 2026-W47-00000000 is unknown"),
    ("no meta", r"the hidden sheet Meta or the sheet Signalen is missing"),
    ("two answer columns", r"the sheet Signalen has the column Terugkoppeling more than once"),
    ("formula answer", r"row 5 holds '#FORMULE', which is not one of the five answers"),
    ("checksum not hex", r"Meta does not match"),
])
def test_refusals_are_one_sentence_and_store_nothing(world, tmp_path, case, pattern):
    home, _, path = world
    edits = {
        "other team's buurt": (_set_key(_other_teams_key(home)), "opgepakt"),
        "tampered team": (_set_meta("wijkteam", "zuid-oost"), "opgepakt"),
        "unknown value": (None, "misschien"),
        "unknown flag key": (_set_key("BU01185100|physical|week|2020-01-06"), "opgepakt"),
        "unknown run": (_set_meta("run", "2026-W47-00000000"), "opgepakt"),
        "no meta": (lambda wb: wb.remove(wb["Meta"]), "opgepakt"),
        "two answer columns": (_second_answer_column, "opgepakt"),
        "formula answer": (None, '=IF(1=1,"opgepakt","")'),        # saved by a program: no computed value
        "checksum not hex": (_garble_checksum, "opgepakt"),         # crashed with a TypeError from hmac
    }
    edit, value = edits[case]
    filled = fill(path, tmp_path / "terugkoppeling_06-12345678.xlsx", {5: (value, None), 6: ("opgepakt", None)}, edit)
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, filled)
    message = str(caught.value)
    assert re.search(pattern, message), message
    assert message.count(". ") == 0 and "\n" not in message                # one sentence
    assert "12345678" not in message and "refused, nothing stored" in message   # the file name is scrubbed
    assert stored(home) == 0


def _relabel_as(team, keys):
    """The attack a keyed check stops: Meta says another team, with that team's flag keys hashed again."""
    def edit(wb):
        _set_meta("wijkteam", team)(wb)
        _set_meta("controle", checksum(team, wb["Meta"]["B3"].value, keys))(wb)
    return edit


def test_a_list_relabelled_as_another_teams_with_its_checksum_recomputed_is_refused(world, tmp_path):
    home, run, path = world
    with connect(home.warehouse) as con:
        # the fixture's run finished in the second its warehouse was made, or later: it is no legacy run
        assert catalog.run_finished_at(con, run.run_id) >= catalog.warehouse_secret(con)[1]
        other = con.execute("SELECT wijkteam FROM marts.area_flags WHERE run_id = ? AND wijkteam <> ? LIMIT 1",
                            [run.run_id, TEAM]).fetchone()[0]
        flags = catalog.flag_cells(con, run.run_id, other)
        key = flag_keys(flags)[0]
    filled = fill(path, tmp_path / "terugkoppeling.xlsx", {5: ("geen probleem", None)},
                  lambda wb: (_relabel_as(other, flag_keys(flags))(wb), _set_key(key)(wb)))
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused, match="Meta does not match"):
            import_feedback(con, filled)
    assert stored(home) == 0


def test_a_list_of_a_run_made_before_the_warehouse_had_its_secret_still_imports(world, tmp_path):
    # a warehouse of an earlier version: its lists carry the unkeyed checksum; its secret is made when it is
    # next opened, after those runs, so their lists still import, and a new run's list must carry the keyed one
    home, run, path = world
    with connect(home.warehouse) as con:
        keys = flag_keys(catalog.flag_cells(con, run.run_id, TEAM))
        con.execute("DELETE FROM meta.warehouse_secret")
    with connect(home.warehouse) as con:                      # opening writable makes a new secret, dated now
        assert catalog.warehouse_secret(con)[1] >= catalog.run_finished_at(con, run.run_id)
        # (made in a later second than the run, as an upgrade is; in the same second the run counts as newer)
        con.execute("UPDATE meta.warehouse_secret SET created_at = ? + INTERVAL 1 SECOND",
                    [catalog.run_finished_at(con, run.run_id)])
    legacy = fill(path, tmp_path / "terugkoppeling_oud.xlsx", {5: ("opgepakt", None)},
                  _set_meta("controle", checksum(TEAM, run.run_id, keys)))
    with connect(home.warehouse) as con:
        assert import_feedback(con, legacy).answered == 1
        con.execute("UPDATE meta.warehouse_secret SET created_at = TIMESTAMP '2000-01-01'")   # the run came after it
    again = fill(path, tmp_path / "terugkoppeling_oud_2.xlsx", {6: ("opgepakt", None)},
                 _set_meta("controle", checksum(TEAM, run.run_id, keys)))
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused, match="Meta does not match"):
            import_feedback(con, again)


def test_a_file_that_is_no_workbook_is_refused(world, tmp_path):
    home, _, _ = world
    bad = tmp_path / "terugkoppeling_x.xlsx"
    bad.write_text("Buurtcode;Terugkoppeling\n", encoding="utf-8")
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused):
            import_feedback(con, bad)
    assert stored(home) == 0


def test_a_list_whose_xml_declares_entities_is_refused_in_one_sentence(world, tmp_path):
    """An external entity (XXE) or an expansion bomb in a returned list: refused, not a traceback that stops
    the weekly run; nothing of the entity's target is read."""
    home, _, path = world
    bad = tmp_path / "terugkoppeling_xxe.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            out.writestr(info, data)
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused, match=r"declares entities") as refused:
            import_feedback(con, bad)
    assert "root:" not in str(refused.value) and "\n" not in str(refused.value)
    assert stored(home) == 0


# ------------------------------------------------------------------------------------------------------------
# Pure parts: statuses and precision on tiny frames
# ------------------------------------------------------------------------------------------------------------

def _flags(status, start="2026-11-16", team="t1"):
    return pd.DataFrame({"wijkteam": [team], "area_code": ["A"], "domain": ["physical"], "period": ["week"],
                         "period_start": [pd.Timestamp(start)], "status": [status]})


def _answer(value, start="2026-11-02", team="t1"):
    return pd.DataFrame({"wijkteam": [team], "area_code": ["A"], "domain": ["physical"], "period": ["week"],
                         "period_start": [pd.Timestamp(start)], "value": [value]})


@pytest.mark.parametrize("status, value, expected", [
    ("nieuw", "opgepakt", "in behandeling"),
    ("aanhoudend", "naar jaarplan", "in jaarplan"),
    ("aanhoudend", "al bekend", "bekend"),
    ("verergerend", "opgepakt", "verergerend"),       # a worsening flag is always announced
    ("opgelost", "opgepakt", "opgelost"),
    ("nieuw", "geen probleem", "nieuw"),
    ("aanhoudend", "meer info nodig", "aanhoudend"),
])
def test_apply_feedback_sets_the_list_status(status, value, expected):
    assert apply_feedback(_flags(status), _answer(value), quiet_weeks=8)["status"].item() == expected


def test_apply_feedback_lasts_the_quiet_weeks_and_never_reaches_back():
    assert apply_feedback(_flags("nieuw", "2026-12-21"), _answer("opgepakt"), 8)["status"].item() == "in behandeling"
    assert apply_feedback(_flags("nieuw", "2026-12-28"), _answer("opgepakt"), 8)["status"].item() == "nieuw"
    assert apply_feedback(_flags("nieuw", "2026-10-26"), _answer("opgepakt"), 8)["status"].item() == "nieuw"
    later = pd.concat([_answer("opgepakt"), _answer("meer info nodig", "2026-11-09")])
    assert apply_feedback(_flags("aanhoudend"), later, 8)["status"].item() == "aanhoudend"   # the latest counts


def test_an_answer_counts_only_on_the_list_of_the_team_that_gave_it():
    # the buurt moved from t1 to t2 after t1 answered: t2's list announces it as t2's own flag
    assert apply_feedback(_flags("nieuw", team="t2"), _answer("opgepakt", team="t1"), 8)["status"].item() == "nieuw"
    both = pd.concat([_answer("opgepakt", team="t1"), _answer("al bekend", "2026-10-26", team="t2")])
    assert apply_feedback(_flags("nieuw", team="t2"), both, 8)["status"].item() == "bekend"
    # t1 still exists: its answer stays its own; t1 renamed t2 (no t1 any more): its answers go with its buurten
    assert apply_feedback(_flags("nieuw", team="t2"), _answer("opgepakt", team="t1"), 8,
                          {"t1", "t2"})["status"].item() == "nieuw"
    assert apply_feedback(_flags("nieuw", team="t2"), _answer("opgepakt", team="t1"), 8,
                          {"t2"})["status"].item() == "in behandeling"


def test_precision_per_signal_team_and_domain():
    answers = pd.DataFrame({
        "wijkteam": ["t1"] * 6 + ["t2"] * 2,
        "domain": ["physical"] * 5 + ["social"] * 3,
        "signals": ["afval, graffiti", "afval", "afval", "graffiti", "afval", "eenzaam", "eenzaam", ""],
        "value": ["opgepakt", "geen probleem", "al bekend", "naar jaarplan", "opgepakt", "geen probleem",
                  "meer info nodig", "opgepakt"],
        "explanation": [""] * 7 + ["Samen met de buurbuurten boven verwachting (over de laatste 4 maanden). Sinds mei."],
    })
    out = precision(answers).set_index(["by", "group"])
    assert out.loc[("wijkteam", "t1"), ["answered", "confirmed", "false_alarms"]].tolist() == [6, 4, 2]
    assert out.loc[("wijkteam", "t1"), "precision"] == pytest.approx(4 / 6)
    assert out.loc[("domain", "physical"), "precision"] == pytest.approx(4 / 5)
    assert out.loc[("total", "alle"), ["answered", "confirmed"]].tolist() == [7, 5]     # meer info nodig left out
    assert out.loc[("signal", "afval"), ["answered", "confirmed"]].tolist() == [4, 3]
    assert out.loc[("signal", "afval"), "remark"] == "nog te weinig antwoorden"
    assert pd.isna(out.loc[("signal", "afval"), "precision"])
    assert out.loc[("wijkteam", "t2"), "remark"] == "nog te weinig antwoorden"
    # the flag without its own signals (a rise pooled over its neighbours) is not left out per signal
    assert out.loc[("signal", "(buren)"), ["answered", "confirmed"]].tolist() == [1, 1]
    assert precision(answers.iloc[0:0]).empty


def _row(team, area, start, since, level, signals, text, value, period="week", domain="physical"):
    return dict(wijkteam=team, area_code=area, domain=domain, period=period, period_start=pd.Timestamp(start),
                since=pd.Timestamp(since), level=level, signals=signals, explanation=text, value=value)


#: the Dutch texts of the rows of red team 7c F1 (dorpen-noord's list of 2026-W47) and of the listings they are not
NAZORG = "Deze week niet meer verhoogd, laatst verhoogd in 2026-W45. Sinds 2026-W45."
BACK = "Weer op het verwachte niveau. Sinds 2026-W41."
NEIGHBOURS = ("Zwerfafval samen met de buurbuurten boven verwachting (over de laatste 4 weken), vooral door de "
              "buurbuurten; hier deze week 1 melding (verwacht 0,4). Sinds 2026-W47.")
DOMAIN = "De signalen van dit domein samen boven verwachting; het meest: Zwerfafval 2 meldingen. Sinds 2026-W47."


def test_answers_on_follow_up_rows_are_not_counted_as_neighbour_listings():
    # red team 7c F1: three 'geen probleem' answers on nazorg / opgelost rows read "Alleen bij de buren (geen eigen
    # signaal): 0 van 3 terecht" in the Toelichting; each answer counts under what its row really was
    answers = pd.DataFrame([
        _row("dn", "A", "2026-11-16", "2026-11-02", "", "", NAZORG, "geen probleem"),
        _row("dn", "B", "2026-11-16", "2026-10-26", "", "", NAZORG, "geen probleem"),
        _row("dn", "C", "2026-11-16", "2026-10-05", "", "", BACK, "geen probleem"),
        _row("dn", "D", "2026-11-16", "2026-11-16", "alarm", "", NEIGHBOURS, "opgepakt"),
        _row("dn", "E", "2026-11-16", "2026-11-16", "aandacht", "", DOMAIN, "geen probleem"),
    ])
    out = precision(answers).set_index(["by", "group"])
    assert out.loc[("signal", "(nazorg)"), ["answered", "confirmed"]].tolist() == [3, 0]
    assert out.loc[("signal", "(buren)"), ["answered", "confirmed"]].tolist() == [1, 1]
    assert out.loc[("signal", "(domein)"), ["answered", "confirmed"]].tolist() == [1, 0]
    lines = _toelichting(answers, "dn")
    assert lines["Alleen bij de buren (geen eigen signaal)"] == "1 van 1 terecht (nog te weinig antwoorden)"
    assert lines["Alleen na de verhoging beantwoord (nazorg, opgelost)"] == "0 van 3 terecht (nog te weinig antwoorden)"
    assert lines["Signalen van het domein samen (geen eigen signaal)"] == "0 van 1 terecht (nog te weinig antwoorden)"


def test_a_follow_up_answer_counts_with_its_episode_and_its_signals():
    # answered while listed (Zwerfafval, then carried by the neighbours) and again on its nazorg row: one episode,
    # judged by its latest answer, under the signal its listed rows showed; not under (buren) nor (nazorg)
    answers = pd.DataFrame([
        _row("dn", "A", "2026-11-02", "2026-11-02", "aandacht", "zwerfafval", "Zwerfafval: 3 meldingen.", "opgepakt"),
        _row("dn", "A", "2026-11-09", "2026-11-02", "alarm", "", NEIGHBOURS, "opgepakt"),
        _row("dn", "A", "2026-11-16", "2026-11-02", "", "", NAZORG, "geen probleem"),
    ])
    out = precision(answers, min_answers=1).set_index(["by", "group"])
    assert out.loc[("signal", "zwerfafval"), ["answered", "confirmed"]].tolist() == [1, 0]
    assert set(out.loc["signal"].index) == {"zwerfafval"}
    assert out.loc[("total", "alle"), ["answered", "false_alarms"]].tolist() == [1, 1]


def _team_answers(teams: dict[str, list[tuple[str, str, str]]]) -> pd.DataFrame:
    """Answers per team: (domain, signals, value)."""
    return pd.DataFrame([dict(wijkteam=t, domain=d, signals=s, value=v)
                         for t, rows in teams.items() for d, s, v in rows])


def _toelichting(answers, team):
    from pipelines.feedback import toelichting_rows
    return dict(toelichting_rows(precision(answers), team, wording.DOMAIN["nl"],
                                 {"zwerfafval": "Zwerfafval", "eenzaam": "Eenzaamheid"})[2:])


def test_a_teams_toelichting_counts_its_own_answers_per_domain_and_signal():
    # red team round 15b: the lines per domain and signal were over all teams, so another team's answers were
    # read off them (and off the all-teams line less the team's own)
    own = [("physical", "zwerfafval", "opgepakt")] * 3
    answers = _team_answers({"de-weide": own, "zuid-oost": [("social", "eenzaam", "geen probleem")] * 2})
    lines = _toelichting(answers, "de-weide")
    assert lines == {"Dit wijkteam": "3 van 3 terecht (nog te weinig antwoorden)",
                     "fysiek": "3 van 3 terecht (nog te weinig antwoorden)",
                     "Zwerfafval": "3 van 3 terecht (nog te weinig antwoorden)"}
    # one more team, or three with too few answers together: still no line over all teams
    answers = _team_answers({"de-weide": own, "a": [("social", "eenzaam", "opgepakt")] * 3,
                             "b": [("social", "eenzaam", "geen probleem")], "c": [("physical", "", "opgepakt")]})
    assert "Alle wijkteams" in _toelichting(answers, "de-weide")
    assert "Alle wijkteams" not in _toelichting(answers[answers["wijkteam"] != "c"], "de-weide")
    assert "Alle wijkteams" not in _toelichting(_team_answers(
        {"de-weide": own, "a": [("social", "eenzaam", "opgepakt")] * 2, "b": [("social", "eenzaam", "opgepakt")],
         "c": [("physical", "", "opgepakt")]}), "de-weide")
    lines = _toelichting(answers, "de-weide")
    assert lines["Alle wijkteams"] == "7 van 8 terecht (88 %)"
    assert "sociaal" not in lines and "Eenzaamheid" not in lines
    # the analysts' view (wijkradar feedback, the managers' review) still counts every team
    out = precision(answers).set_index(["by", "group"])
    assert out.loc[("domain", "social"), "answered"] == 4 and out.loc[("wijkteam signal", "a: eenzaam"), "answered"] == 3


# ------------------------------------------------------------------------------------------------------------
# The weekly flow reads returned lists from the inbox
# ------------------------------------------------------------------------------------------------------------

@pytest.mark.flow
def test_the_weekly_flow_imports_returned_lists_from_the_inbox_before_scoring(world, prefect_harness):
    from pipelines.flows import weekly, weekly_result
    from pipelines.runs import read_flags

    home, run, path = world
    sheet = load_workbook(path)["Signalen"]          # a flag an answer changes (not ``verergerend``)
    row = next(r for r in range(5, sheet.max_row + 1) if sheet[f"B{r}"].value in ("nieuw", "aanhoudend"))
    filled = fill(path, home.inbox / "terugkoppeling_de-weide_2026-W47.xlsx", {row: ("opgepakt", None)})
    area = load_workbook(filled)["Signalen"][f"E{row}"].value
    wrong = fill(path, home.inbox / "terugkoppeling_fout.xlsx", {6: ("misschien", None)})
    state = weekly(home=str(home.root), today=str(TODAY.date()), return_state=True)
    first = weekly_result(state)
    assert [r.answered for r in first.feedback] == [1] and not first.ignored
    assert list(first.refused) == [wrong.name] and "not one of the five answers" in first.refused[wrong.name]
    assert not first.run.reused and first.run.run_id != run.run_id
    # as `wijkradar run` exits 1, a scheduled run that refused a file is a Failed run saying so (it read Completed,
    # the refusal only an ERROR line of its log); its lists are written all the same
    assert state.is_failed() and state.message == (
        f"1 file(s) of the inbox refused: {wrong.name}; run {first.run.run_id} wrote its lists. The "
        "reason of each is in this run's log: fix or replace the file (or accept it, as the reason says) and run again")
    assert first.exports and all(p.exists() for paths in first.exports.values() for p in paths)
    with connect(home.warehouse) as con:
        flags = read_flags(con, first.run.run_id, team=TEAM).set_index("area_code")
    assert flags.loc[area, "status"] == "in behandeling"
    again = weekly_result(weekly(home=str(home.root), today=str(TODAY.date()), return_state=True))
    assert [r.skipped for r in again.feedback] == [True] and again.run.reused
    # `inbox clean` removes the returned list whose answers are stored (its notes may hold what a team should not
    # have typed), never the refused one, nor one saved again since its import
    from typer.testing import CliRunner

    from pipelines.cli import app

    with connect(home.warehouse) as con:
        stored = read_flags(con, first.run.run_id, team=TEAM)
    said = CliRunner().invoke(app, ["--home", str(home.root), "inbox", "clean"], catch_exceptions=False)
    assert said.exit_code == 0 and f"removed inbox/{filled.name}" in said.output, said.output
    assert not filled.exists() and wrong.exists()
    with connect(home.warehouse) as con:
        assert read_flags(con, first.run.run_id, team=TEAM).equals(stored)


def test_an_answers_file_that_fails_unexpectedly_is_refused_in_one_sentence_and_the_run_goes_on(world, monkeypatch,
                                                                                              caplog, capsys):
    # any error of one returned list is that file's refusal, named by the error's type only, as a damaged delivery's
    # is (test_reading_hostile): a non-hex Meta checksum crashed the weekly flow with a TypeError from hmac. No real
    # workbook is known to fail so any more, so the import is made to fail here, as the delivery test does
    from pipelines import flows

    home, _, path = world
    secret = "Meta of 'Jan de Vries 0612345678' is damaged"

    def boom(*args, **kwargs):
        raise TypeError(secret)

    monkeypatch.setattr(flows, "import_feedback", boom)
    result, refused = flows.import_answers.fn(home, path, TODAY)
    assert result is None and refused.startswith(f"{TEAM}.xlsx: the answers could not be read (TypeError); ")
    assert refused.count(". ") == 0 and "nothing of it was stored" in refused
    logged = caplog.text + capsys.readouterr().err
    assert "0612345678" not in refused + logged and "TypeError" in logged

    # a log handler that fails (Prefect's API handler without its server, say): logging prints its own traceback,
    # which chained the error being handled, with the workbook's text in its message, to the console
    import logging

    class Failing(logging.Handler):
        def emit(self, record):              # as logging's own handlers fail: the error goes to handleError
            try:
                raise OSError("the log server went away")
            except OSError:
                self.handleError(record)

    failing = Failing()
    logging.getLogger("wijkradar.feedback").addHandler(failing)
    try:
        result, refused = flows.import_answers.fn(home, path, TODAY)
    finally:
        logging.getLogger("wijkradar.feedback").removeHandler(failing)
    printed = capsys.readouterr().err
    assert result is None and "the log server went away" in printed and "0612345678" not in printed


def test_an_answer_imported_in_the_second_a_run_finished_counts_for_that_run(tmp_path):
    """Runs keep their finishing time to the second, imports to the microsecond: a quick run that finishes
    in the same second as the import before it still shows the answer (this was a flaky round trip)."""
    from datetime import datetime

    from pipelines import catalog

    imported = datetime(2026, 11, 28, 13, 0, 5, 700_000)
    row = pd.DataFrame([dict(run_id="r1", wijkteam="t", area_code="BU01", domain="fysiek", period="week",
                             period_start=pd.Timestamp("2026-11-16").date(), value="opgepakt", note=None,
                             answered_on=TODAY, content_hash="h", row_number=5, imported_at=imported)])
    with connect(tmp_path / "w.duckdb") as con:
        insert_frame(con, "meta.flag_feedback", row)
        assert len(catalog.answers(con, until=imported.replace(microsecond=0))) == 1
        assert len(catalog.answers(con, until=datetime(2026, 11, 28, 13, 0, 4))) == 0


# ------------------------------------------------------------------------------------------------------------
# A returned list that is not the workbook
# ------------------------------------------------------------------------------------------------------------

CSV_COPY = ("Rang;Status;Niveau;Domein;Buurtcode;Buurt;Periode;Sinds;Signalen;Toelichting;Terugkoppeling;Notitie;"
            "Sleutel\r\n1;nieuw;alarm;fysiek;BU01185100;Steenbergerweiden;2026-W47;2026-W47;;x;opgepakt;;"
            "BU01185100|physical|week|2026-11-16\r\n")


@pytest.mark.parametrize("name, content, kind", [
    ("terugkoppeling_de-weide.csv", CSV_COPY.encode("utf-8-sig"), "text (a CSV or similar)"),
    ("terugkoppeling_de-weide.xlsx", CSV_COPY.encode("cp1252"), "text (a CSV or similar)"),   # renamed, still CSV
    ("de-weide.xlsx", b"", "an empty file"),
    ("de-weide.pdf", b"%PDF-1.7\n...", "a PDF document"),
    ("de-weide.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "an old Excel .xls file"),
])
def test_a_returned_list_that_is_not_the_xlsx_workbook_is_refused_in_one_sentence(world, tmp_path, name, content,
                                                                                   kind):
    home, _, _ = world
    path = tmp_path / name
    path.write_bytes(content)
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, path)
    message = str(caught.value)
    assert f"it is {kind}" in message and "read only from the returned .xlsx workbook" in message, message
    assert "send back the workbook itself" in message and "zip" not in message and "\n" not in message
    assert stored(home) == 0


def test_every_inbox_file_named_terugkoppeling_is_a_returned_list_not_a_data_source(tmp_path):
    from pipelines.feedback import feedback_files
    from pipelines.flows import inbox_files
    from pipelines.paths import resolve_home

    home = resolve_home(tmp_path / "home")
    home.inbox.mkdir(parents=True, exist_ok=True)
    for name in ("terugkoppeling_de-weide.csv", "terugkoppeling_zuid-oost.xlsx", "Terugkoppeling_dorpen.XLSX",
                 "terugkoppeling_centrum.ods", "meldingen_week47.csv"):
        (home.inbox / name).write_text("x")
    files, ignored = inbox_files(home)
    assert [p.name for p, _ in files] == ["meldingen_week47.csv"] and ignored == []
    assert sorted(p.name for p in feedback_files(home.inbox)) == [
        "Terugkoppeling_dorpen.XLSX", "terugkoppeling_centrum.ods", "terugkoppeling_de-weide.csv",
        "terugkoppeling_zuid-oost.xlsx"]


@pytest.mark.parametrize("file_name", ["de-weide ingevuld.xlsx", "terugkoppeling_de-weide_ingevuld.xlsx",
                                       "de-weide antwoorden week 47 definitief.xlsx"])
def test_a_refusal_names_the_returned_file_and_its_wijkteam(world, tmp_path, file_name):
    home, _, path = world
    filled = fill(path, tmp_path / file_name, {5: ("misschien", None)})
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, filled)
    assert str(caught.value).startswith(f"{file_name} (list of wijkteam {TEAM}): refused, nothing stored: row 5")


def test_a_refusal_does_not_echo_a_team_the_warehouse_does_not_know(world, tmp_path):
    home, _, path = world
    filled = fill(path, tmp_path / "de-weide.xlsx", {5: ("opgepakt", None)}, _set_meta("wijkteam", "jan jansen"))
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, filled)
    assert str(caught.value).startswith("de-weide.xlsx: refused") and "jansen" not in str(caught.value)


def _rename_header(old, new):
    def edit(wb):
        ws = wb["Signalen"]
        cell = next(c for c in ws[4] if c.value == old)
        cell.value = new
    return edit


@pytest.mark.parametrize("renamed, missing", [("Terugkoppeling", "Terugkoppeling"), ("Sleutel", "Sleutel")])
def test_a_renamed_column_is_named_alone(world, tmp_path, renamed, missing):
    home, _, path = world
    filled = fill(path, tmp_path / "de-weide.xlsx", {5: ("opgepakt", None)},
                  _rename_header(renamed, f"{renamed} wijkteam"))
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, filled)
    message = str(caught.value)
    assert f"the sheet Signalen has no column {missing};" in message, message
    assert stored(home) == 0


def test_a_list_returned_without_answers_stores_nothing_and_says_so(world, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, _, path = world
    blank = fill(path, tmp_path / "de-weide ingevuld.xlsx", {})
    with connect(home.warehouse) as con:
        result = import_feedback(con, blank)
    assert result.empty and result.skipped and result.answered == 0 and stored(home) == 0
    assert result.describe().startswith("de-weide ingevuld.xlsx: no answers found in it")
    out = CliRunner().invoke(app, ["--home", str(home.root), "feedback", "import", str(blank)])
    assert out.exit_code == 0 and "no answers found" in out.output and "wijkradar run" not in out.output


def test_a_list_answered_only_on_a_copied_sheet_is_not_called_empty(world, tmp_path):
    """Every answer typed on a copy `Signalen (2)`: the import said "the column Terugkoppeling is empty", which the
    team had filled in, on the sheet beside it (red team 5b F3). The sentence now says where the answers are and what
    to do, in the CLI as in the weekly run (both print ``describe()``)."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, _, path = world

    def copy_with_answers(wb):
        copy = wb.copy_worksheet(wb["Signalen"])
        copy.title = "Signalen (2)"
        copy["K5"], copy["K6"] = "opgepakt", "geen probleem"

    answered = fill(path, tmp_path / "terugkoppeling de-weide.xlsx", {}, edit=copy_with_answers)
    with connect(home.warehouse) as con:
        result = import_feedback(con, answered)
    said = ("terugkoppeling de-weide.xlsx: no answers found on the sheet Signalen, nothing stored; the sheet "
            "'Signalen (2)' holds 2 answer(s) in Terugkoppeling, which were not read: answers are read from the sheet "
            f"Signalen only; ask wijkteam {TEAM} to type them there and send the list back")
    assert result.empty and result.describe() == said and result.warnings == () and stored(home) == 0
    out = CliRunner().invoke(app, ["--home", str(home.root), "feedback", "import", str(answered)], terminal_width=400)
    assert out.exit_code == 0, out.output
    assert " ".join(out.output.split()) == said and "is empty" not in out.output
    assert stored(home) == 0


def _zip_of(members: dict[str, str]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for member, text in members.items():
            # a fixed time: the bytes are a test's id, and the two test processes collect it each at its own second
            z.writestr(zipfile.ZipInfo(member, date_time=(2026, 11, 23, 9, 0, 0)), text)
    return out.getvalue()


@pytest.mark.parametrize("content, problem", [
    (_zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
     "it is an OpenDocument spreadsheet (.ods), not XLSX"),
    (_zip_of({"xl/workbook.bin": "x", "[Content_Types].xml": "<x/>"}),
     "it is an Excel binary workbook (.xlsb), which wijkradar does not read"),
    (_zip_of({"xl/workbook.xml": "<x/>" * 50})[:60], "the workbook is damaged or incomplete and cannot be opened"),
], ids=["ods", "xlsb", "damaged"])
def test_a_returned_list_the_reader_refuses_gets_the_feedback_fix_not_the_data_sources(home, tmp_path, content, problem):
    # an .ods copy of the list was told "save it as .xlsx or CSV and deliver that" (a CSV holds no answers), without
    # "refused, nothing stored"
    path = tmp_path / "terugkoppeling_de-weide.xlsx"
    path.write_bytes(content)
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        with pytest.raises(FeedbackRefused) as caught:
            import_feedback(con, path)
    assert str(caught.value) == (f"terugkoppeling_de-weide.xlsx: refused, nothing stored: {problem}; send back the "
                                 "workbook itself, as wijkradar exported it (.xlsx), with only Terugkoppeling and "
                                 "Notitie filled in")
    assert stored(home) == 0


def test_answers_are_not_read_without_defusedxml_and_the_sentence_does_not_ask_for_csv(home, tmp_path, monkeypatch):
    import openpyxl

    path = tmp_path / "terugkoppeling_de-weide.xlsx"
    path.write_bytes(_zip_of({"xl/workbook.xml": "<x/>"}))
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        with pytest.raises(FeedbackRefused, match="refused, nothing stored: workbooks cannot be read safely because "
                           "defusedxml is not active; install defusedxml") as caught:
            import_feedback(con, path)
    assert "CSV" not in str(caught.value)


@pytest.mark.parametrize("title, shown", [("Signalen (2)", "the sheet 'Signalen (2)'"),
                                          ("Kopie van Signalen", "the sheet 'Kopie van Signalen'"),
                                          ("Jan Jansen", "another sheet")])
def test_answers_typed_on_a_copied_sheet_are_named_as_not_read(world, tmp_path, title, shown):
    """Answers typed on a copy of the sheet were ignored without a word (red team round 3a): the team is now told
    how many were not read and where to type them; the sheet is named only when its title is a copy's."""
    home, _, path = world

    def copy_with_answers(wb):
        copy = wb.copy_worksheet(wb["Signalen"])
        copy.title = title
        copy["K5"], copy["K6"] = "opgepakt", "al bekend"

    with connect(home.warehouse) as con:
        result = import_feedback(con, fill(path, tmp_path / "a.xlsx", {7: ("geen probleem", None)},
                                           edit=copy_with_answers))
    assert result.answered == 1
    assert result.warnings == (f"a.xlsx: {shown} holds 2 answer(s) in Terugkoppeling that the sheet Signalen does "
                               "not, which were not read: answers are read from the sheet Signalen only; type them "
                               "there and send the list back",)
    assert "Jansen" not in " ".join(result.warnings)
    with connect(home.warehouse) as con:
        only_copy = import_feedback(con, fill(path, tmp_path / "b.xlsx", {}, edit=copy_with_answers))
    assert only_copy.empty and only_copy.elsewhere == ((shown, 2),) and only_copy.warnings == ()   # said once
    with connect(home.warehouse) as con:            # a copy of the answered sheet: every answer was read
        same = import_feedback(con, fill(path, tmp_path / "c.xlsx", {5: ("opgepakt", None)},
                                         edit=lambda wb: setattr(wb.copy_worksheet(wb["Signalen"]), "title", title)))
    assert same.answered == 1 and same.warnings == ()


def test_a_list_of_a_run_a_restored_warehouse_lost_says_so_and_how_to_make_the_run_again(world, tmp_path):
    """The warehouse restored from a backup made before the run of a list already sent: the team's answers were
    refused with "import it where that list was made", while it was made there. A list checked with this warehouse's
    secret names the restore and the way back; a list of another working folder is refused as before."""
    home, run, path = world
    lost = f"{run.run_period}-0123abcd"                 # a run this warehouse made and no longer holds
    with connect(home.warehouse) as con:
        keys = flag_keys(catalog.flag_cells(con, run.run_id, TEAM))
        secret = catalog.warehouse_secret(con)[0]

    def relabel(secret):
        def edit(wb):
            wb["Meta"].cell(row=3, column=2, value=lost)
            wb["Meta"].cell(row=5, column=2, value=checksum(TEAM, lost, keys, secret))
        return edit

    ours = fill(path, tmp_path / "a.xlsx", {5: ("opgepakt", None)}, edit=relabel(secret))
    theirs = fill(path, tmp_path / "b.xlsx", {5: ("opgepakt", None)}, edit=relabel(b"another folder"))
    with connect(home.warehouse) as con:
        with pytest.raises(FeedbackRefused) as refused:
            import_feedback(con, ours)
        with pytest.raises(FeedbackRefused, match="unknown in this warehouse; import it where that list was made"):
            import_feedback(con, theirs)
    said = str(refused.value)
    year, week = (int(part) for part in run.run_period.split("-W"))      # the demo's runs are weekly
    monday = pd.Timestamp.fromisocalendar(year, week, 1) + pd.Timedelta(days=7)
    assert f"run {lost} is not in this warehouse" in said and "restored from a backup made before that run" in said
    assert f"wijkradar run --today {monday:%Y-%m-%d}" in said
    assert stored(home) == 0


def test_lists_of_a_run_the_restored_warehouse_lost_are_named_before_they_are_replaced(world, caplog):
    """A run of the same week after the warehouse was restored from an older backup replaced the lists already sent
    (whose answers it then refuses) without a word; now the run says whose lists it replaces and what to do."""
    from pipelines.export import export_run, listed_run

    home, run, path = world
    lost = f"{run.run_period}-0123abcd"
    for each in path.parent.glob("*.xlsx"):               # as the lists of the run the restore lost
        book = load_workbook(each)
        book["Meta"].cell(row=3, column=2, value=lost)
        book.save(each)
    assert listed_run(path.parent) == lost
    with connect(home.warehouse) as con, caplog.at_level("WARNING", logger="wijkradar.export"):
        export_run(con, home, run)
        export_run(con, home, run)                         # its own lists again: nothing to say
    said = [r.getMessage() for r in caplog.records if "does not hold" in r.getMessage()]
    assert len(said) == 1 and f"held the lists of run {lost}" in said[0] and "restored from a backup" in said[0]
    assert f"replaced by the lists of run {run.run_id}" in said[0] and listed_run(path.parent) == run.run_id
