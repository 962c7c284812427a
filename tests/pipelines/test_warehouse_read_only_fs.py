"""A working folder on a read-only file system (a snapshot, a backup or a share mounted read-only): the commands that
only read work from it, the others end in one sentence naming the file without its path, never DuckDB's traceback
quoting the path (red team 10b F3). Needs a tmpfs mounted read-only: root, else skipped."""
import errno
import shutil
import subprocess
import uuid

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.paths import resolve_home
from pipelines.warehouse import connect, migrate, transaction

runner = CliRunner()


@pytest.fixture
def read_only_home(tmp_path):
    """A working folder with a migrated warehouse, on a tmpfs remounted read-only; its path holds a name."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        home = resolve_home(mount / f"Jan Jansen {uuid.uuid4().hex[:6]}")
        with connect(home.warehouse) as con:
            migrate(con)
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True).returncode == 0
        yield home
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        shutil.rmtree(mount, ignore_errors=True)


def test_opening_to_write_raises_the_systems_error_naming_the_file(read_only_home):
    with pytest.raises(OSError) as raised:
        with connect(read_only_home.warehouse):
            pass
    assert raised.value.errno == errno.EROFS and raised.value.filename == str(read_only_home.warehouse)


def test_a_caller_that_only_reads_reads_and_a_write_is_the_same_error(read_only_home):
    with connect(read_only_home.warehouse, only_reads=True) as con:
        assert con.execute("SELECT count(*) FROM meta.runs").fetchall() == [(0,)]
    with pytest.raises(OSError) as raised:
        with connect(read_only_home.warehouse, only_reads=True) as con, transaction(con):
            con.execute("CREATE TABLE meta.x (a INTEGER)")
    assert raised.value.errno == errno.EROFS


@pytest.mark.parametrize("command", [["status"], ["loads"], ["quarantine"], ["feedback"]], ids=" ".join)
def test_the_commands_that_only_read_work(read_only_home, command):
    res = runner.invoke(app, ["--home", str(read_only_home.root), *command])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("command", [["run", "--today", "2026-11-23"], ["loads", "accept", "abc"],
                                     ["quarantine", "dismiss", "meldingen-x"]], ids=" ".join)
def test_a_command_that_writes_is_one_sentence_without_the_path(read_only_home, command):
    res = runner.invoke(app, ["--home", str(read_only_home.root), *command])
    assert res.exit_code == 2, res.output
    said = " ".join(res.output.split())
    assert said == ("error: warehouse.duckdb: read-only file system (EROFS); the working folder is on a file system "
                    "mounted read-only; copy it to a writable disk, and run the command again")
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
