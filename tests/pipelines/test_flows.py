"""The weekly flow over an inbox that is never emptied: files loaded before are found in one pass, not a task each."""
import json
import shutil

import pytest

from tests.conftest import load_file, migrated, write_csv

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def _week(home, name: str, day: int, n: int = 12):
    return write_csv(home.inbox / name, HEADER,
                     [[f"M-{day}-{i}", f"{day:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(n)])


def test_files_a_load_holds_as_they_are_are_split_off_without_ingesting_them(home):
    from pipelines.flows import split_loaded_before

    old, other, new = _week(home, "meldingen_w40.csv", 1), _week(home, "meldingen_w41.csv", 8), \
        _week(home, "meldingen_w42.csv", 15)
    first, second = load_file(home, old), load_file(home, other)
    rest, before = split_loaded_before(home, [(old, "meldingen"), (other, "meldingen"), (new, "meldingen")])
    assert rest == [(new, "meldingen")]
    assert [(b.load_id, b.skipped, b.file_name) for b in before] == [
        (first.load_id, True, "meldingen_w40.csv"), (second.load_id, True, "meldingen_w41.csv")]
    # anything ingest_file has more to do for goes through it: an archive to write again, a window to compare
    shutil.rmtree(next(home.archive.glob(f"meldingen/{first.load_id.split('-')[1]}*")))
    (other.parent / (other.name + ".manifest.json")).write_text(json.dumps(
        {"volledig_van": "2026-10-08", "volledig_tot": "2026-10-14"}))
    rest, before = split_loaded_before(home, [(old, "meldingen"), (other, "meldingen")])
    assert rest == [(old, "meldingen"), (other, "meldingen")] and before == []


@pytest.mark.flow
def test_a_weekly_run_over_files_loaded_before_says_so_in_one_line_and_changes_nothing(tmp_path, prefect_harness):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.paths import resolve_home
    from pipelines.warehouse import connect

    home = migrated(resolve_home(tmp_path / "home"))
    for day in (1, 8):
        _week(home, f"meldingen_okt{day:02d}.csv", day, n=40)
    run = ["--home", str(home.root), "run", "--today", "2026-11-26"]
    first = CliRunner().invoke(app, run, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    with connect(home.warehouse) as con:
        loads = con.execute("SELECT load_id, rows_read, rows_accepted, rows_quarantined FROM meta.loads "
                            "ORDER BY load_id").fetchall()
    again = CliRunner().invoke(app, run, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert ("2 inbox file(s) were loaded before, as they are, and are skipped; `wijkradar inbox clean` removes them"
            in " ".join(again.output.split()))
    assert "ingesting" not in again.output and "already loaded as" not in again.output, again.output
    assert "unchanged" in again.output, again.output
    with connect(home.warehouse) as con:
        assert con.execute("SELECT load_id, rows_read, rows_accepted, rows_quarantined FROM meta.loads "
                           "ORDER BY load_id").fetchall() == loads


def test_inbox_clean_removes_only_the_files_a_load_holds_as_they_are(home):
    """An inbox never emptied keeps every delivery's original, with whatever personal data it held, for ever: the run
    said they "may be removed" without a way to tell which. ``inbox clean`` removes those a load holds as they are
    (archive complete), and nothing else: a new file, one changed since its load, one with a manifest, a folder."""
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.warehouse import connect

    done, changed, manifest = (_week(home, f"meldingen_w4{n}.csv", day) for n, day in ((0, 1), (1, 8), (2, 15)))
    for path in (done, changed, manifest):
        load_file(home, path)
    new = _week(home, "meldingen_w43.csv", 22)
    _week(home, "meldingen_w41.csv", 8, n=13)                      # changed since its load: a new delivery
    (manifest.parent / (manifest.name + ".manifest.json")).write_text(json.dumps(
        {"volledig_van": "2026-10-15", "volledig_tot": "2026-10-21"}))
    (home.inbox / "meldingen_oud").mkdir()
    with connect(home.warehouse) as con:
        before = con.execute("SELECT * FROM meta.loads ORDER BY load_id").fetchall()
    cli = ["--home", str(home.root), "inbox", "clean"]
    dry = CliRunner().invoke(app, [*cli, "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and "would remove inbox/meldingen_w40.csv" in dry.output and done.exists(), dry.output
    said = CliRunner().invoke(app, cli, catch_exceptions=False)
    assert said.exit_code == 0 and "1 file(s) removed" in said.output, said.output
    assert not done.exists() and changed.exists() and manifest.exists() and new.exists()
    assert (home.inbox / "meldingen_oud").is_dir()
    with connect(home.warehouse) as con:
        assert con.execute("SELECT * FROM meta.loads ORDER BY load_id").fetchall() == before
    assert list(home.archive.glob("meldingen/*/rows.parquet"))                 # what was loaded stays archived
    again = CliRunner().invoke(app, cli, catch_exceptions=False)
    assert again.exit_code == 0 and "0 file(s) removed" in again.output, again.output
