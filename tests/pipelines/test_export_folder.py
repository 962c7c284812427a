"""A period's lists are replaced as a set, an interrupted swap is resolved before the next export, and
``meta.lists`` says whether a period's run has all its lists written (red team 6b, F1). The kills themselves are in
``test_crash_and_concurrency.py``."""
import pytest

from pipelines.export_folder import aside, recover, write_set


def lists(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def held(folder) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_a_new_set_replaces_the_whole_folder_and_is_recorded_once_in_place(tmp_path):
    folder = lists(tmp_path / "2026-W48", **{"a.csv": "old", "gone.csv": "old"})   # a team no longer in the run
    seen = []
    out = write_set(folder, lambda into: lists(into, **{"a.csv": "new", "b.csv": "new"}).name,
                    lambda: seen.append(held(folder)))
    assert out == ".2026-W48.writing" and seen == [{"a.csv": "new", "b.csv": "new"}]
    assert held(folder) == {"a.csv": "new", "b.csv": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-W48"]


def test_an_error_while_writing_leaves_the_earlier_set_and_no_sibling(tmp_path):
    folder = lists(tmp_path / "2026-W48", **{"a.csv": "old", "b.csv": "old"})

    def half(into):
        lists(into, **{"a.csv": "new"})
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_set(folder, half)
    assert held(folder) == {"a.csv": "old", "b.csv": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-W48"]


def test_a_file_where_the_folder_belongs_is_never_moved_aside(tmp_path):
    (tmp_path / "2026-W48").write_text("mine")
    with pytest.raises(NotADirectoryError) as err:
        write_set(tmp_path / "2026-W48", lambda into: lists(into, **{"a.csv": "new"}))
    assert err.value.filename == str(tmp_path / "2026-W48")
    assert (tmp_path / "2026-W48").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-W48"]


def test_recover_removes_a_half_written_set_and_keeps_the_earlier_one(tmp_path):
    folder = lists(tmp_path / "2026-W48", **{"a.csv": "old"})
    lists(aside(folder, "writing"), **{"a.csv": "new"})
    assert recover(tmp_path) == [f"removed {aside(folder, 'writing')}: the lists an interrupted export was writing "
                                 "there were not complete"]
    assert held(folder) == {"a.csv": "old"} and sorted(p.name for p in tmp_path.iterdir()) == ["2026-W48"]


@pytest.mark.parametrize("old_in_place", [True, False])
def test_recover_puts_a_complete_set_whose_swap_was_cut_off_into_place(tmp_path, old_in_place):
    folder = tmp_path / "2026-W48"
    lists(folder if old_in_place else aside(folder, "old"), **{"a.csv": "old", "gone.csv": "old"})
    lists(aside(folder, "ready"), **{"a.csv": "new"})
    assert recover(tmp_path)
    assert held(folder) == {"a.csv": "new"} and sorted(p.name for p in tmp_path.iterdir()) == ["2026-W48"]


def test_recover_puts_an_earlier_set_moved_aside_back_and_leaves_other_folders_alone(tmp_path):
    folder = tmp_path / "2026-10"                                  # a month's lists (the monthly police flow)
    lists(aside(folder, "old"), **{"a.csv": "old"})
    lists(tmp_path / ".notes.old", **{"x.txt": "mine"})            # not a lists folder of wijkradar's
    lists(tmp_path / "2026-W47", **{"a.csv": "kept"})
    assert recover(tmp_path) == [f"put the earlier lists back at {folder}: an interrupted export had moved them aside"]
    assert held(folder) == {"a.csv": "old"} and held(tmp_path / "2026-W47") == {"a.csv": "kept"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.old", "2026-10", "2026-W47"]
    assert recover(tmp_path) == [] and recover(tmp_path / "missing") == []


def test_the_record_before_migration_25_takes_each_periods_latest_run_as_written():
    from tests.conftest import migrated_with

    con = migrated_with(25, "INSERT INTO meta.runs (run_id, run_key, started_at, finished_at, run_period, loads, "
                            "settings, n_series, n_scored, n_flags) VALUES "
                            "('W47-a', 'a', '2026-11-23 08:00', '2026-11-23 08:01', '2026-W47', '[]', '{}', 1, 1, 0), "
                            "('W47-b', 'b', '2026-11-24 08:00', '2026-11-24 08:01', '2026-W47', '[]', '{}', 1, 1, 0), "
                            "('W48-c', 'c', '2026-11-30 08:00', '2026-11-30 08:01', '2026-W48', '[]', '{}', 1, 1, 0)")
    assert con.execute("SELECT run_period, run_id, written_at::VARCHAR FROM meta.lists ORDER BY 1").fetchall() == [
        ("2026-W47", "W47-b", "2026-11-24 08:01:00"), ("2026-W48", "W48-c", "2026-11-30 08:01:00")]


def test_the_record_changes_only_when_another_run_owes_its_lists(home):
    from pipelines import catalog
    from pipelines.warehouse import connect, table_digest

    with connect(home.warehouse) as con:
        catalog.lists_started(con, "2026-W48", "run-1")
        assert catalog.unwritten_lists(con) == [("2026-W48", "run-1")]
        catalog.lists_written(con, "2026-W48", "run-1")
        assert catalog.unwritten_lists(con) == []
        before = table_digest(con)
        catalog.lists_started(con, "2026-W48", "run-1")            # the same run's lists written again
        catalog.lists_written(con, "2026-W48", "run-1")
        assert table_digest(con) == before                         # re-running on the same input changes nothing
        catalog.lists_started(con, "2026-W48", "run-2")            # a new run of the week, its export killed
        assert catalog.unwritten_lists(con) == [("2026-W48", "run-2")]
        catalog.lists_written(con, "2026-W48", "run-1")            # an older run's lists say nothing of run-2's
        assert catalog.unwritten_lists(con) == [("2026-W48", "run-2")]


@pytest.mark.flow
def test_the_next_weekly_run_warns_of_an_earlier_weeks_lists_left_unwritten(tmp_path, ref, prefect_harness):
    """A run killed before its lists were complete, then the next week's run: it writes its own lists and says
    which week's lists are owed, and how to write them (it does not rewrite another week's sent lists itself)."""
    from tests.conftest import demo_run_copy
    from tests.pipelines.test_cli import invoke

    home, earlier = demo_run_copy(tmp_path, ref, today="2026-11-19")     # scored; its export never happened
    res = invoke(home, "run", "--today", "2026-11-26")
    said = " ".join(res.output.split())
    assert res.exit_code == 0, res.output
    assert (f"the lists of {earlier.run_period} (run {earlier.run_id}) were not all written (the run was stopped, or "
            f"failed, while writing them): exports/{earlier.run_period}/ holds one run's whole set, which may be an "
            f"earlier run's, or none; write them with `wijkradar flags --period {earlier.run_period} --format xlsx` "
            "(every team, every format)") in said
    assert len(list((home.exports / "2026-W47").iterdir())) == 15 and not (home.exports / earlier.run_period).exists()
    assert invoke(home, "flags", "--period", earlier.run_period, "--format", "xlsx").exit_code == 0
    assert "were not all written" not in " ".join(invoke(home, "status").output.split())


@pytest.mark.parametrize("error, named", [
    (PermissionError(13, "Permission denied", "{exports}/.2026-W48.writing"), "{exports} may not be written"),
    (OSError(28, "No space left on device", "{exports}/.2026-W48.writing/oost.xlsx.part"),
     "the disk is full at {exports}/2026-W48;"),
])
def test_a_failure_beside_the_lists_folder_names_the_folder_to_fix_not_the_hidden_set(tmp_path, error, named):
    from pipelines.flows import export_failure

    exports = tmp_path / "exports"
    error.filename = error.filename.format(exports=exports)
    said = export_failure(error, exports / "2026-W48")
    assert named.format(exports=exports) in said and ".writing" not in said and ".part" not in said


@pytest.mark.flow
def test_the_run_that_writes_lists_a_failed_export_left_unwritten_says_so_not_unchanged(tmp_path, ref, prefect_harness,
                                                                                        monkeypatch):
    """Red team 12c F5: after an export that met a full disk, the next run (no new input: the same run) wrote the
    lists but said "lists unchanged", and an analyst who sends only changed lists would not send them."""
    from pipelines import export
    from tests.conftest import demo_run_copy
    from tests.pipelines.test_cli import invoke

    home, run = demo_run_copy(tmp_path, ref, today="2026-11-19")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_csv", full)
    said = " ".join(invoke(home, "run", "--today", "2026-11-19").output.split())
    assert f"error: the lists could not be written to exports/{run.run_period}: the disk is full" in said
    monkeypatch.undo()
    res = invoke(home, "run", "--today", "2026-11-19")
    said = " ".join(res.output.split())
    assert res.exit_code == 0, res.output
    assert (f"run {run.run_id} (no new input for its period since this run; its lists, not all written before, are "
            "written now)") in said and "unchanged" not in said
    assert len(list((home.exports / run.run_period).iterdir())) == 15
    said = " ".join(invoke(home, "run", "--today", "2026-11-19").output.split())      # and then they are unchanged
    assert f"run {run.run_id} (unchanged: no new input for its period since this run)" in said
