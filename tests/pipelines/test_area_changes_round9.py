"""Area codes that change (red team round 9): police rows under the old codes of a merged buurt add up as the
wijkteam's do; a download in a newer division is refused saying how to map its codes; and a profile that
renumbers or merges buurten moves what the warehouse already holds under the old codes to the buurt."""
import logging
import shutil

import pandas as pd
import pytest

from pipelines import reference
from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference
from pipelines.sources import merges, politie
from pipelines.validate import ValidationRefused
from pipelines.warehouse import connect, table_digest
from tests.conftest import load_file
from tests.pipelines.odata_server import Service

MERGE = "BU01180500,BU01185000,2023,merge a\nBU01180501,BU01185000,2023,merge b\n"


def _profile(tmp_path, lines: str, renumber: tuple[str, str] | None = None) -> Reference:
    """The demo profile with ``lines`` in buurtcode_wijzigingen.csv; with ``renumber`` (old, new) one buurt's
    code changed in every reference file, as a new CBS division does."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    if renumber:
        for path in folder.iterdir():
            if path.suffix in (".csv", ".json"):
                path.write_text(path.read_text(encoding="utf-8").replace(renumber[0][2:], renumber[1][2:]),
                                encoding="utf-8")
    (folder / "buurtcode_wijzigingen.csv").write_text("old_code,new_code,division,note\n" + lines, encoding="utf-8")
    return Reference(folder)


def _without(tmp_path, code: str) -> Reference:
    """The profile written by :func:`_profile` with ``code`` gone from its division (a new CBS division)."""
    for path in (tmp_path / "reference").iterdir():
        if path.suffix == ".csv" and path.name != "buurtcode_wijzigingen.csv":
            path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                                    if code not in line), encoding="utf-8")
    return Reference(tmp_path / "reference")


def _row(i, code, value, crime="1.1.1", period="2025MM03"):
    return {"ID": i, "SoortMisdrijf": f"{crime:<6}", "WijkenEnBuurten": f"{code:<10}", "Perioden": period,
            "GeregistreerdeMisdrijven_1": value}


def _fetch_and_load(home, ref, rows, **options):
    with Service(rows) as svc:
        folder = politie.fetch(svc.base, "GM0118", ref, home.archive, backoff=0.01)
    return load_file(home, folder, "politie", ref=ref, **options)


def _others(first_id, value):
    return [_row(first_id + i, c, value, crime="1.4.3") for i, c in
            enumerate(["BU01185002", "BU01185003", "BU01185004", "BU01185005", "BU01185006"])]


# -- defect 1: police rows under the old codes of a merge -------------------------------------------------------

def test_police_rows_of_a_merges_old_codes_add_up_and_a_later_part_is_not_counted_twice(tmp_path, home):
    ref = _profile(tmp_path, MERGE)
    first = _fetch_and_load(home, ref, [_row(0, "BU01180500", 4), _row(1, "BU01180501", 3), *_others(10, 1)])
    assert (first.rows_accepted, first.rows_quarantined) == (7, 0)
    with connect(home.warehouse) as con:
        parts = con.execute("SELECT part, count FROM core.source_cells WHERE area_code = 'BU01185000' "
                            "ORDER BY 1").fetchall()
        total = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000'").fetchall()
    assert parts == [("1.1.1@BU01180500", 4), ("1.1.1@BU01180501", 3)]          # kept per old code
    assert total == [(7,)]
    _fetch_and_load(home, ref, [_row(0, "BU01185000", 7), *_others(10, 2)])        # the whole buurt
    later = _fetch_and_load(home, ref, [_row(0, "BU01180500", 5), *_others(10, 3)])  # one old code alone
    with connect(home.warehouse) as con:
        total = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000'").fetchall()
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine.rows").fetchall()]
    assert later.rows_quarantined == 1 and total == [(7,)]
    assert len(reasons) == 1 and "would be counted twice" in reasons[0]


def test_one_old_code_of_a_merge_twice_in_a_download_is_still_a_repeat(tmp_path, home):
    ref = _profile(tmp_path, MERGE)
    got = _fetch_and_load(home, ref, [_row(0, "BU01180500", 4), _row(1, "BU01180500", 3), *_others(10, 1)])
    with connect(home.warehouse) as con:
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine.rows").fetchall()]
    assert got.rows_quarantined == 2 and all("more than once" in r for r in reasons)


# -- defect 4: a download in a newer division ---------------------------------------------------------------

def test_a_download_of_unknown_codes_is_refused_saying_how_to_map_them(home):
    rows = [_row(i, c, 2, period="2026MM09") for i, c in
            enumerate(["BU01189001", "BU01189002", "BU01189003", "BU01189004", "BU01185001", "BU01185002"])]
    with pytest.raises(ValidationRefused) as refused:
        _fetch_and_load(home, Reference(), rows)
    message = str(refused.value)
    assert "buurtcode_wijzigingen.csv" in message and "--max-failed-share 0.67" in message
    assert "fix it and load it again" not in message


# -- defect 2: a profile that renumbers or merges buurten the warehouse holds ------------------------------

def _wijkteam_file(tmp_path, code):
    path = tmp_path / "wijkteam_2026-09.csv"
    path.write_text("Buurtcode;Maand;Signaal;Aantal\n" + "".join(
        f"{code};2026-{m:02d};Eenzaamheid;{m}\n" for m in range(1, 10)), encoding="utf-8")
    return path


def _flag(con, run_id, code, score):
    con.execute("INSERT INTO marts.area_flags (run_id, run_period, wijkteam, area_code, domain, period, "
                "period_start, level, status, score, q, since, signals, explanation, explanation_en) VALUES "
                "(?, '2026-W47', 'centrum-noord', ?, 'fysiek', 'week', DATE '2026-11-16', 'alarm', 'nieuw', ?, 0.01, "
                "DATE '2026-11-16', 'zwerfafval', 'x', 'x')", [run_id, code, score])


def test_a_renumbered_buurt_keeps_its_history_flags_and_answers(tmp_path, home):
    load_file(home, _wijkteam_file(tmp_path, "BU01185000"), "wijkteam")
    with connect(home.warehouse) as con:
        _flag(con, "run-w47", "BU01185000", 3.0)
        con.execute("INSERT INTO meta.flag_feedback VALUES ('run-w47', 'centrum-noord', 'BU01185000', 'fysiek', "
                    "'week', DATE '2026-11-16', 'opgepakt', NULL, DATE '2026-11-20', 'h', 1, now()::TIMESTAMP)")
        before = con.execute("SELECT signal, period_start, count FROM core.signal_counts ORDER BY ALL").fetchall()
        ref = _profile(tmp_path, "BU01185000,BU01185090,2025,hernummerd\n", renumber=("BU01185000", "BU01185090"))
        assert reference.sync(con, ref)
        after = con.execute("SELECT signal, period_start, count FROM core.signal_counts "
                            "WHERE area_code = 'BU01185090' ORDER BY ALL").fetchall()
        flags = con.execute("SELECT area_code FROM marts.area_flags").fetchall()
        answers = con.execute("SELECT area_code FROM meta.flag_feedback").fetchall()
        shown = con.execute("SELECT count(*) FROM marts.area_flags JOIN core.areas USING (area_code)").fetchone()
    assert _twice_changes_nothing(home, ref)
    assert after == before and len(after) == 9
    assert flags == [("BU01185090",)] and answers == [("BU01185090",)] and shown == (1,)


def _twice_changes_nothing(home, ref) -> bool:
    """Whether a second sync, and a second pass of the move, leave every table as it is."""
    with connect(home.warehouse) as con:
        before = table_digest(con)
    with connect(home.warehouse) as con:
        assert not reference.sync(con, ref)
        assert reference.rekey_stored(con, ref) == {}                # nothing left under an old code
    with connect(home.warehouse) as con:
        return table_digest(con) == before


def _stored_cells(con, rows, signal="schulden_huishoudens"):
    """Cells of an older warehouse, loaded while the old codes were buurten of its division."""
    frame = pd.DataFrame(rows, columns=["area_code", "part", "count", "load_seq"]).assign(
        source="schulden", signal=signal, period="month", period_start=pd.Timestamp("2026-09-01"),
        provisional=False, load_id="schulden-old")
    con.register("_cells", frame)
    con.execute("INSERT INTO core.source_cells BY NAME SELECT * FROM _cells")
    con.unregister("_cells")
    from pipelines.catalog import rebuild_counts
    rebuild_counts(con, "schulden")


def test_the_old_buurten_of_a_merge_held_before_become_its_parts(tmp_path, home):
    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        _stored_cells(con, [("BU01180500", "huur", 4, 1), ("BU01180500", "energie", 2, 1),
                            ("BU01180501", "huur", 3, 2)])
        _flag(con, "run-w47", "BU01180500", 2.0)
        _flag(con, "run-w47", "BU01180501", 5.0)
        ref = _profile(tmp_path, MERGE)
        assert reference.sync(con, ref)
        parts = con.execute("SELECT area_code, part, count FROM core.source_cells ORDER BY ALL").fetchall()
        total = con.execute("SELECT area_code, count FROM core.signal_counts").fetchall()
        flags = con.execute("SELECT area_code, score FROM marts.area_flags").fetchall()
    assert _twice_changes_nothing(home, ref)
    assert parts == [("BU01185000", "energie@BU01180500", 2), ("BU01185000", "huur@BU01180500", 4),
                     ("BU01185000", "huur@BU01180501", 3)]
    assert total == [("BU01185000", 9)]
    assert flags == [("BU01185000", 5.0)]                     # one flag per buurt: the strongest of its old buurten


def test_counts_of_a_code_in_no_buurt_and_not_mapped_are_warned_about(tmp_path, home, caplog):
    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        _stored_cells(con, [("BU01180500", "huur", 4, 1)])
        with caplog.at_level(logging.WARNING, logger="wijkradar.reference"):
            assert reference.sync(con, _profile(tmp_path, "BU01189999,BU01185001,2025,another\n"))
    assert "BU01180500" in caplog.text and "never scored" in caplog.text


def test_a_whole_buurt_delivered_later_replaces_the_parts_moved_to_it():
    moves = pd.DataFrame({"old_code": ["A", "B"], "new_code": ["N", "N"], "part_code": ["A", "B"],
                          "merged": [True, True]})
    cells = pd.DataFrame({"source": "s", "area_code": ["A", "B", "N"], "signal": "x", "part": ["", "", ""],
                          "period": "month", "period_start": pd.Timestamp("2026-09-01"), "count": [4, 3, 9],
                          "load_seq": [1, 2, 3]})
    kept, dropped = merges.rekeyed_cells(cells, moves)
    assert kept[["area_code", "part", "count"]].values.tolist() == [["N", "", 9]] and dropped == 2
    newer = cells.assign(load_seq=[4, 5, 3])      # every old code delivered after the whole: they replace it
    kept, dropped = merges.rekeyed_cells(newer, moves)
    assert kept[["part", "count"]].values.tolist() == [["@A", 4], ["@B", 3]] and dropped == 1
    one = cells.assign(load_seq=[4, 2, 3])                    # one old code after it: would be counted twice
    kept, _ = merges.rekeyed_cells(one, moves)
    assert kept[["part", "count"]].values.tolist() == [["", 9]]


def test_a_buurt_merged_into_another_teams_buurt_leaves_its_flags_and_answers_off_that_teams_lists(tmp_path, home):
    """The flag of centrum-noord's BU01185000 moved to the buurt of another team it was merged into, still as
    centrum-noord's: centrum-noord's list of that run, read again, named the other team's buurt (red team round 9)."""
    from pipelines.lists.selection import team_list
    from pipelines.runs import read_flags

    buurten = Reference().buurten
    other = buurten.loc[buurten["wijkteam"] != "centrum-noord", "area_code"].iloc[0]
    load_file(home, _wijkteam_file(tmp_path, "BU01185000"), "wijkteam")
    with connect(home.warehouse) as con:
        _flag(con, "run-w47", "BU01185000", 3.0)
        con.execute("INSERT INTO meta.flag_feedback VALUES ('run-w47', 'centrum-noord', 'BU01185000', 'fysiek', "
                    "'week', DATE '2026-11-16', 'opgepakt', NULL, DATE '2026-11-20', 'h', 1, now()::TIMESTAMP)")
        ref = _profile(tmp_path, f"BU01185000,{other},2025,samengevoegd\n")
        ref = _without(tmp_path, "BU01185000")
        assert reference.sync(con, ref)
        moved = con.execute("SELECT count(*) FROM core.signal_counts WHERE area_code = ?", [other]).fetchone()[0]
        flags = con.execute("SELECT wijkteam, area_code FROM marts.area_flags").fetchall()
        answers = con.execute("SELECT wijkteam, area_code FROM meta.flag_feedback").fetchall()
        listed = team_list(read_flags(con, "run-w47"), "centrum-noord")
    assert moved == 9                                                   # the counts are the merged buurt's parts
    assert flags == [("centrum-noord", "BU01185000")] and answers == [("centrum-noord", "BU01185000")]
    assert other not in set(listed.get("Buurtcode", []))
    assert _twice_changes_nothing(home, ref)


@pytest.mark.parametrize("line, said", [
    ("1180500,1185001,2025,x\n", None),                       # Excel's number cells: zeros lost, read as delivered
    ("BU01180500,BU01189999,2025,x\n", "maps to BU01189999, which is no buurt of the 2024 division; correct the code"),
    ("BU01180500,,2025,x\n", "line 2 lacks its old or new code"),
    (",BU01185001,2025,x\n", "line 2 lacks its old or new code"),
    ("BU01189901,BU01189902,2024,x\nBU01189902,BU01189901,2025,x\n", "maps codes in a circle (BU01189901 -> "
     "BU01189902 -> BU01189901)"),
    # a merged buurt merged again with another: a delivery under BU01189903 would cover two parts at once
    ("BU01189901,BU01189903,2024,x\nBU01189902,BU01189903,2024,x\nBU01189903,BU01185001,2025,x\n"
     "BU01180500,BU01185001,2025,x\n", "merges BU01189901, BU01189902 into BU01189903 and then maps BU01189903"),
])
def test_the_mapping_file_reads_codes_as_delivered_codes_and_says_what_to_fix(tmp_path, line, said):
    """An old code that lost its leading zero was kept as 1180500 and never matched; an empty old code was accepted
    as ''; a wrong target was shown as a Python list without a next step (red team round 10)."""
    from pipelines.reference import ReferenceError as ProfileError

    ref = _profile(tmp_path, line)
    if said is None:
        assert ref.code_changes[["old_code", "new_code"]].values.tolist() == [["BU01180500", "BU01185001"]]
    else:
        with pytest.raises(ProfileError) as refused:
            ref.code_changes
        assert said in str(refused.value) and "[" not in str(refused.value)


def test_a_flag_of_a_team_renamed_since_moves_with_its_renumbered_buurt(tmp_path, home):
    """The same profile edit renamed the team: its flags stayed under codes that are no buurt any more, and the
    earlier run's list lost them (red team round 10)."""
    load_file(home, _wijkteam_file(tmp_path, "BU01185000"), "wijkteam")
    with connect(home.warehouse) as con:
        _flag(con, "run-w47", "BU01185000", 3.0)
        con.execute("UPDATE marts.area_flags SET wijkteam = 'centrum-noord-oud'")        # a name the profile lost
        ref = _profile(tmp_path, "BU01185000,BU01185090,2025,hernummerd\n", renumber=("BU01185000", "BU01185090"))
        assert reference.sync(con, ref)
        flags = con.execute("SELECT area_code FROM marts.area_flags").fetchall()
    assert flags == [("BU01185090",)]


def test_a_buurt_absorbed_into_one_that_holds_counts_is_refused_and_nothing_changes(tmp_path, home):
    """BU01185000 mapped into BU01185001, which held counts of its own: 12 + 30 became 30, the old buurt's cells
    dropped as replaced (red team round 10). Refused in one sentence until it can be done without loss."""
    from pipelines.reference import ReferenceError as ProfileError

    path = tmp_path / "wijkteam_2026-03.csv"
    path.write_text("Buurtcode;Maand;Signaal;Aantal\n" + "".join(
        f"{code};2026-0{m};Eenzaamheid;{n}\n" for code, n in (("BU01185000", 4), ("BU01185001", 10))
        for m in (1, 2, 3)), encoding="utf-8")
    load_file(home, path, "wijkteam")
    _profile(tmp_path, "BU01185000,BU01185001,2025,samengevoegd\n")
    ref = _without(tmp_path, "BU01185000")
    with connect(home.warehouse) as con:
        before = table_digest(con)
        with pytest.raises(ProfileError) as refused:
            reference.sync(con, ref)
        assert table_digest(con) == before
    said = str(refused.value)
    assert "maps BU01185000 to BU01185001, which already holds counts of its own" in said and "nothing was changed" in said


# -- a mapping over two divisions ---------------------------------------------------------------------------------

CHAIN = ("BU01189901,BU01185000,2024,hernummerd\n"       # a division ago: A renumbered to B (its history moved there)
         "BU01185000,BU01185091,2025,samengevoegd\nBU01189902,BU01185091,2025,samengevoegd\n")  # now B + D = C


def test_a_chain_over_two_divisions_keeps_a_renumbered_code_one_part_of_the_later_merge(tmp_path, home):
    """The mapping file of a second division refused a line into a code of the first (A -> B, B -> C: 'no buurt of
    the division'); written out flat (A -> C, B -> C, D -> C) it made A a part of C beside B, so a late row under A
    counted twice beside the history moved to B, and C was never whole without a row under A. A chain is followed
    to its buurt, and codes joined by a renumbering are one part."""
    from tests.conftest import write_csv
    from tests.pipelines.test_ingest import SCHULDEN_HEADER

    def schulden_counts(home):
        with connect(home.warehouse) as con:
            return con.execute("SELECT area_code, period_start::DATE::VARCHAR, count FROM core.signal_counts "
                               "WHERE source = 'schulden' ORDER BY ALL").fetchall()

    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        # B's history (A's moved there a division ago), of the signal schulden deliveries count
        _stored_cells(con, [("BU01185000", "huur", 4, 1)], signal="betalingsachterstand")
        ref = _profile(tmp_path, CHAIN, renumber=("BU01185000", "BU01185091"))
        assert reference.sync(con, ref)
        parts = con.execute("SELECT area_code, part, count FROM core.source_cells").fetchall()
    changes = ref.code_changes.set_index("old_code")
    assert set(changes["new_code"]) == {"BU01185091"}
    assert changes["part_code"].to_dict() == {"BU01189901": "BU01185000", "BU01185000": "BU01185000",
                                              "BU01189902": "BU01189902"}
    assert merges.merges(ref) == {"BU01185091": frozenset({"BU01185000", "BU01189902"})}
    assert parts == [("BU01185091", "huur@BU01185000", 4)]
    late = load_file(home, write_csv(home.inbox / "schulden_a.csv", SCHULDEN_HEADER,
                                     [["BU01189901", "2026-09", "huur", "5"]]), "schulden", ref=ref)
    assert (late.rows_accepted, late.rows_quarantined) == (1, 0)
    assert schulden_counts(home) == [("BU01185091", "2026-09-01", 5)]   # A is B renamed: replaces B's 4, not 4 + 5
    load_file(home, write_csv(home.inbox / "schulden_d.csv", SCHULDEN_HEADER,
                              [["BU01189902", "2026-09", "huur", "2"]]), "schulden", ref=ref)
    assert schulden_counts(home) == [("BU01185091", "2026-09-01", 7)]
    whole = load_file(home, write_csv(home.inbox / "schulden_c.csv", SCHULDEN_HEADER,
                                      [["BU01185000", "2026-10", "huur", "1"], ["BU01189902", "2026-10", "huur", "2"],
                                       ["BU01185091", "2026-09", "huur", "8"]]), "schulden", ref=ref)
    assert whole.rows_accepted == 3
    assert schulden_counts(home) == [("BU01185091", "2026-09-01", 8), ("BU01185091", "2026-10-01", 3)]
    assert _twice_changes_nothing(home, ref)


@pytest.mark.parametrize("later, said", [
    # the first division's line rewritten flat beside the next one's: A would be a part of C beside B
    ("BU01189901,BU01185091,2025,x\nBU01185000,BU01185091,2025,x\nBU01189902,BU01185091,2025,x\n",
     "maps BU01189901 and BU01185000 as separate parts of BU01185091, but BU01189901 was renumbered to BU01185000"),
    # the first division's line pointed elsewhere: its history is inside BU01185000's counts
    ("BU01189901,BU01185001,2024,x\nBU01185000,BU01185091,2025,x\nBU01189902,BU01185091,2025,x\n",
     "maps BU01189901 to BU01185001, but an earlier version mapped it to BU01185000"),
])
def test_a_mapping_that_contradicts_a_move_made_is_refused_and_nothing_changes(tmp_path, home, later, said):
    """After A's history moved to B, a mapping that makes A a part beside B (or sends A elsewhere) counted a late row
    under A twice (or left A's history in B): the record of moves made refuses it."""
    from pipelines.reference import ReferenceError as ProfileError

    with connect(home.warehouse) as con:
        reference.sync(con, Reference())
        _stored_cells(con, [("BU01189901", "huur", 4, 1)], signal="betalingsachterstand")
        assert reference.sync(con, _profile(tmp_path / "first", "BU01189901,BU01185000,2024,hernummerd\n"))
        assert con.execute("SELECT old_code, new_code, part_code, merged FROM meta.code_moves").fetchall() == [
            ("BU01189901", "BU01185000", None, False)]
        before = table_digest(con)
        ref = _profile(tmp_path / "second", later, renumber=("BU01185000", "BU01185091"))
        with pytest.raises(ProfileError) as refused:
            reference.sync(con, ref)
        assert said in str(refused.value) and "nothing was changed" in str(refused.value)
        assert table_digest(con) == before
        # written as a chain, the next division's move goes on
        assert reference.sync(con, _profile(tmp_path / "third", CHAIN, renumber=("BU01185000", "BU01185091")))
        assert con.execute("SELECT area_code, part, count FROM core.source_cells").fetchall() == [
            ("BU01185091", "huur@BU01185000", 4)]


def test_a_merged_buurt_renumbered_later_keeps_its_parts_and_its_old_code_is_the_whole_buurt(tmp_path):
    """A merge of 2020 (A + E = B) renumbered in 2024 (B -> C, no other code into C) was refused as a merged buurt
    merged again, with a literal '{code}' in the sentence (red team round 12): C is B under a new code, its parts are A
    and E, and a row under B covers the whole buurt."""
    ref = _profile(tmp_path, "BU01189901,BU01189903,2020,x\nBU01189902,BU01189903,2020,x\n"
                             "BU01189903,BU01185001,2024,x\n")
    changes = ref.code_changes.set_index("old_code")
    assert set(changes["new_code"]) == {"BU01185001"}
    assert changes["part_code"].to_dict() == {"BU01189901": "BU01189901", "BU01189902": "BU01189902",
                                              "BU01189903": None}
    assert merges.merges(ref) == {"BU01185001": frozenset({"BU01189901", "BU01189902"})}
    delivered = pd.Series(["BU01189903", "BU01189901", "BU01185001"])
    got = merges.cell_codes(delivered, pd.Series(["BU01185001"] * 3), ref)
    assert got.tolist() == ["BU01185001", "BU01189901", "BU01185001"]      # B is the whole buurt, A a part
    assert merges.moves(ref).set_index("old_code")["merged"].to_dict() == {
        "BU01189901": True, "BU01189902": True, "BU01189903": False}
