"""Failures that are not wijkradar's fault end every command with one sentence and exit code 2, never a traceback:
the warehouse held by another process, a full disk (and the error that caused an aborted transaction is the one
reported, not the aborted transaction)."""
import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect, registered, transaction

runner = CliRunner()
COMMANDS = [["status"], ["loads"], ["loads", "accept", "abc"], ["quarantine"], ["quarantine", "export"],
            ["quarantine", "dismiss", "meldingen-x"], ["flags"], ["explain", "01185000"], ["feedback"],
            ["run", "--today", "2026-11-26"]]


@pytest.fixture
def held(home, monkeypatch):
    """The warehouse held by another process for the test's length."""
    with connect(home.warehouse):
        pass
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, time
        con = duckdb.connect({str(home.warehouse)!r})
        print("locked", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    monkeypatch.setenv("WIJKRADAR_BUSY_WAIT", "0.2")
    yield
    holder.kill()
    holder.wait()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_says_warehouse_busy_in_one_sentence(home, held, command):
    res = runner.invoke(app, ["--home", str(home.root), *command])
    assert res.exit_code == 2, res.output
    assert "warehouse busy" in res.output and "Traceback" not in res.output
    assert not isinstance(res.exception, duckdb.Error) and "Prefect" not in res.output.split("warehouse busy")[1]


def test_a_full_disk_is_one_sentence(home, monkeypatch):
    from pipelines import catalog

    def full(con):
        raise duckdb.IOException('IO Error: Could not write file "/x/warehouse.duckdb.wal": File too large')

    with connect(home.warehouse):                 # a working folder with its warehouse
        pass
    monkeypatch.setattr(catalog, "held_loads", full)
    res = runner.invoke(app, ["--home", str(home.root), "loads"])
    assert res.exit_code == 2 and "the disk is full or a file could not be written (File too large)" in \
        " ".join(res.output.split())
    monkeypatch.setattr(catalog, "held_loads", lambda con: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    res = runner.invoke(app, ["--home", str(home.root), "loads"])
    assert res.exit_code == 2 and "(No space left on device); free space" in " ".join(res.output.split())


def test_the_error_that_aborted_a_transaction_is_the_one_raised():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
    with pytest.raises(duckdb.ConstraintException):
        with transaction(con), registered(con, "x", pd.DataFrame({"a": [1, 1]})):
            con.execute("INSERT INTO t SELECT a FROM x")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0


@pytest.mark.parametrize("folder", ["exports", "inbox", "archive", "reports"])
@pytest.mark.parametrize("command", [["status"], ["loads"], ["run", "--today", "2026-11-26"]], ids=" ".join)
def test_a_file_where_a_folder_of_the_working_folder_belongs_is_one_sentence(tmp_path, folder, command):
    (tmp_path / folder).write_text("x")
    res = runner.invoke(app, ["--home", str(tmp_path), *command])
    assert res.exit_code == 2, res.output
    said = " ".join(res.output.split())
    assert f"{tmp_path / folder} is a file, not a folder" in said and "move or rename that file" in said
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert (tmp_path / folder).read_text() == "x"           # nothing of it touched


def test_a_working_folder_under_a_file_is_one_sentence(tmp_path):
    (tmp_path / "home").write_text("x")
    res = runner.invoke(app, ["--home", str(tmp_path / "home" / "sub"), "status"])
    assert res.exit_code == 2 and f"{tmp_path / 'home'} is a file, not a folder, so" in " ".join(res.output.split())


def test_an_error_of_the_system_is_one_sentence_that_never_quotes_the_path(home, tmp_path):
    # a file name too long for the file system printed a traceback quoting the whole path, a person's name in it
    name = ("meldingen_melder_Pieternella_Grootenboer_" + "week47_" * 40)[:300] + ".csv"
    res = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "meldingen", str(tmp_path / name)])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "file name too long (ENAMETOOLONG); give the file a shorter name, and run the command again" in said
    assert said.startswith("error: meldingen_[verwijderd]")
    assert "Grootenboer" not in res.output.replace("\n", "") and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
