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
from tests.conftest import demo_run_copy

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


@pytest.mark.parametrize("writer, command", [("write_open_pages", ["--open"]), ("write_period_report", []),
                                             ("write_jaarplan", ["--jaarplan", "2026", "--team", "zuid-oost"])])
def test_a_full_disk_while_writing_a_report_says_the_earlier_reports_are_as_they_were(home, monkeypatch, writer,
                                                                                       command):
    """Red team 14c F3: a report is written as a set and swapped in, the open pages all as parts before any replaces
    its page; the sentence said only that the warehouse was unchanged."""
    from pipelines import catalog
    from pipelines.reports import build

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(home.reports / "open" / "index.html.part"))

    with connect(home.warehouse):
        pass
    monkeypatch.setattr(build, writer, full)
    res = runner.invoke(app, ["--home", str(home.root), "report", *command])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert said.endswith("(No space left on device); free space and run the command again: the step that failed "
                         "changed nothing in the warehouse, and the earlier reports are as they were")
    monkeypatch.setattr(catalog, "held_loads", full)         # a command that writes no reports says no more
    said = " ".join(runner.invoke(app, ["--home", str(home.root), "loads"]).output.split())
    assert said.endswith("the step that failed changed nothing in the warehouse")


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
    # named within the working folder: its absolute path often names its owner (red team 10a F3)
    assert f"{folder} is a file, not a folder" in said and "move or rename that file" in said
    assert str(tmp_path) not in said
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert (tmp_path / folder).read_text() == "x"           # nothing of it touched


def test_a_file_where_a_folder_of_the_reports_belongs_is_said_as_the_weekly_run_says_it(tmp_path, ref):
    """Red team 14c F2: a file in place of ``reports/open`` or ``reports/jaarplan/2026`` was "open: file exists
    (EEXIST); check that it is there"; the report says what the weekly run says of its lists' folder."""
    home, _ = demo_run_copy(tmp_path, ref)
    for blocked, command in [("open", ["--open"]), ("jaarplan/2026", ["--jaarplan", "2026", "--team", "zuid-oost"])]:
        (home.reports / blocked).parent.mkdir(parents=True, exist_ok=True)
        (home.reports / blocked).write_text("x")
        res = runner.invoke(app, ["--home", str(home.root), "report", *command])
        said = " ".join(res.output.split())
        assert res.exit_code == 2, res.output
        assert said == (f"error: the report could not be written: reports/{blocked} is a file where wijkradar needs "
                        "a folder; move or rename that file and run the command again")
        assert (home.reports / blocked).read_text() == "x"


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


def test_a_page_of_a_set_being_written_is_named_as_the_page_of_its_folder():
    """Red team 14b F3: a page that could not be written inside ``reports/.2026-W47.writing/`` was named
    ``.2026-W47.[verwijderd]/...``: the folder being written stands for ``2026-W47`` as its part files stand for
    their file."""
    import errno

    from pipelines.cli import system_error

    said = system_error(OSError(errno.EACCES, "Permission denied",
                                "/home/Jan Jansen/reports/.2026-W47.writing/zuid-oost.html.part"))
    assert said.startswith("2026-W47/zuid-oost.html: permission denied (EACCES); ")


@pytest.mark.parametrize("path, named", [
    ("/home/Jan Jansen/reports/2026-W47/index.html", "index.html"),
    ("/home/Jan Jansen/reports/.2026-W47.writing/02-flags-review.html.part", "2026-W47/02-flags-review.html"),
])
def test_a_page_of_a_report_is_named_as_wijkradar_wrote_it(path, named):
    """Red team 14c F1: the pages of a period's report (``index.html``, ``02-flags-review.html``) were named
    ``[verwijderd].html``: their words were not on the file-name allow-list."""
    import errno

    from pipelines.cli import system_error

    said = system_error(OSError(errno.EACCES, "Permission denied", path))
    assert said.startswith(f"{named}: permission denied (EACCES); ") and "Jansen" not in said


def _filled(home):
    """The home's warehouse with a table spread over several blocks, closed (checkpointed): bytes to lose."""
    with connect(home.warehouse) as con:
        con.execute("CREATE TABLE meta.filler AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(400000)")
    return home.warehouse.stat().st_size


def _cut_off(home):
    size = _filled(home)
    with open(home.warehouse, "r+b") as f:                # a copy that stopped halfway
        f.truncate(size // 2)


def _garbage(home):
    home.warehouse.write_bytes(bytes(range(256)) * 64)    # not a DuckDB file at all


@pytest.mark.parametrize("damage", [_cut_off, _garbage], ids=["cut off", "garbage"])
@pytest.mark.parametrize("command", [["status"], ["flags"], ["loads"], ["run", "--today", "2026-11-26"]], ids=" ".join)
def test_a_damaged_warehouse_is_one_sentence_saying_what_to_do(home, damage, command):
    damage(home)
    before = home.warehouse.read_bytes()
    res = runner.invoke(app, ["--home", str(home.root), *command])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and (res.exception is None or isinstance(res.exception, SystemExit))
    assert said.startswith(f"error: the warehouse {home.warehouse} cannot be read: it is damaged or not a "
                           "wijkradar warehouse ("), said
    assert "Restore warehouse.duckdb from the backup of the working folder" in said
    assert "keep the damaged file (rename it, e.g. to warehouse.duckdb.damaged)" in said
    assert "Prefect" not in said and said.count("error:") == 1
    assert home.warehouse.read_bytes() == before                     # left as it was, for whoever restores it


def test_a_damaged_block_found_by_a_query_is_the_same_sentence(home):
    from pipelines.warehouse import WarehouseDamaged

    _filled(home)
    with connect(home.warehouse, read_only=True) as con:
        (block, offset), = con.execute("SELECT block_id, block_offset FROM pragma_storage_info('meta.filler') "
                                       "WHERE column_name = 'h' AND block_id >= 0 LIMIT 1").fetchall()
    with open(home.warehouse, "r+b") as f:                # the file's length intact, a block of the filler overwritten
        f.seek(3 * 4096 + block * 262144 + offset)
        f.write(b"\x5a" * 4096)
    with pytest.raises(WarehouseDamaged, match="does not match its checksum"):
        with connect(home.warehouse, read_only=True) as con:
            con.execute("SELECT count(DISTINCT h) FROM meta.filler").fetchall()


def test_an_unreadable_file_beside_a_sound_warehouse_is_not_the_warehouse(home, tmp_path):
    (tmp_path / "x.parquet").write_bytes(b"PAR1" + b"\0" * 20)
    with pytest.raises(duckdb.Error) as caught:
        with connect(home.warehouse) as con:
            con.execute(f"SELECT * FROM read_parquet('{tmp_path / 'x.parquet'}')").fetchall()
    assert "cannot be read: it is damaged" not in str(caught.value)


FULL = 'TransactionContext Error: Failed to commit: Could not write file "/x/warehouse.duckdb.wal": No space left on device'


@pytest.mark.flow
@pytest.mark.parametrize("step", ["record_run", "write_risk"])
def test_a_full_disk_half_way_a_run_stops_it_in_one_sentence_as_a_failed_flow_run(tmp_path, ref, prefect_harness,
                                                                                 monkeypatch, caplog, step):
    """Red team 7a F1: a commit that could not write the warehouse's log (DuckDB's TransactionException, not an
    IOException) ended a run in three tracebacks and exit code 1. Now the run stops at that step in one sentence,
    exit code 2, with what it stored before kept; its Prefect flow run is Failed, without a traceback."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    from pipelines import catalog
    from tests.pipelines.test_cli import invoke

    home, earlier = demo_run_copy(tmp_path, ref, today="2026-11-19")

    def full(*args, **kwargs):
        raise duckdb.TransactionException(FULL)

    monkeypatch.setattr(catalog, step, full)
    res = invoke(home, "run", "--today", "2026-11-26")
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert ("error: the disk is full or a file could not be written (No space left on device); free space and run "
            "the command again") in said
    # (no "Traceback" at all: Prefect's console handler may report a logging error on a stream an earlier CliRunner
    # invocation of this process closed)
    assert "TransactionException" not in res.output and "Traceback" not in caplog.text
    with connect(home.warehouse) as con:
        runs = [r[0] for r in con.execute("SELECT run_id FROM meta.runs").fetchall()]
    assert (runs == [earlier.run_id]) if step == "record_run" else (len(runs) == 2)   # the step's own commit: none
    assert not (home.exports / "2026-W47").exists()                                       # no lists of a half run
    with get_client(sync_client=True) as client:
        last = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)[0]
    assert last.state.type == StateType.FAILED and "No space left on device" in last.state.message


def test_a_home_from_wijkradar_home_is_kept_out_of_a_sentence_as_one_given_with_home(tmp_path, monkeypatch):
    """Red team 7a F6: the home typed after --home was shown redacted in a sentence, the same home in WIJKRADAR_HOME
    (as a scheduled worker has it) in full, a person's name in it."""
    root = tmp_path / "Jan Jansen" / "wijkradar"
    root.mkdir(parents=True)
    typed = " ".join(runner.invoke(app, ["--home", str(root), "status"]).output.split())
    monkeypatch.setenv("WIJKRADAR_HOME", str(root))
    res = runner.invoke(app, ["status"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and said.startswith("error: no warehouse in ") and said == typed
    assert "jansen" not in said.lower()


@pytest.mark.parametrize("given", ["--home", "WIJKRADAR_HOME"])
def test_open_pages_that_cannot_be_written_are_one_sentence_without_the_path_however_the_home_is_given(
        tmp_path, ref, monkeypatch, given):
    """Red team 7a F6: pyarrow's error for a file it could not open is an OSError without a file name whose text
    quotes the whole path; it fell to the general sentence, which quoted it (a person's name in it)."""
    from pathlib import Path

    home, _ = demo_run_copy(tmp_path / "Jan Jansen", ref)
    written = pd.DataFrame.to_parquet

    def unwritable(self, path, *args, **kwargs):          # pyarrow's own error: a folder where its file belongs
        blocked = Path(path).parent / "reports" / Path(path).name
        blocked.mkdir(parents=True)
        return written(self, blocked, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", unwritable)
    if given == "--home":
        res = runner.invoke(app, ["--home", str(home.root), "report", "--open"])
    else:
        monkeypatch.setenv("WIJKRADAR_HOME", str(home.root))
        res = runner.invoke(app, ["report", "--open"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert said == ("error: reports/open_gepubliceerd.parquet: is a directory (EISDIR); check that it is there and "
                    "may be read and written, and run the command again")
    assert "jansen" not in said.lower() and "Traceback" not in res.output


@pytest.mark.flow
def test_a_full_disk_while_a_run_loads_a_file_stops_the_run_and_never_blames_the_file(tmp_path, ref, prefect_harness,
                                                                                     monkeypatch):
    """Red team 7a F2: a full disk while a run loaded a good file refused the file as unreadable ("export it again"),
    tried the next, and presented last week's lists as the run's. Now the run stops there: the disk is named, not the
    file; no later file is tried and nothing is loaded."""
    from pipelines import catalog
    from tests.conftest import write_csv
    from tests.pipelines.test_cli import invoke

    home, _ = demo_run_copy(tmp_path, ref, today="2026-11-19")
    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    home.inbox.mkdir(parents=True, exist_ok=True)
    for name, day in (("meldingen_a_2026-W47.csv", "17-11-2026"), ("meldingen_b_2026-W47.csv", "18-11-2026")):
        write_csv(home.inbox / name, header, [[f"{name[10]}-{i}", day, "Afval", "Zwerfafval", "BU01185000"]
                                              for i in range(5)])
    tried = []

    def full(con, table, rows):
        tried.append(table)
        raise duckdb.TransactionException(FULL)

    monkeypatch.setattr(catalog, "write_raw_rows", full)
    res = invoke(home, "run", "--today", "2026-11-26")
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "error: meldingen_a_2026-W47.csv: not loaded: the disk is full or a file could not be written" in said
    assert "could not be read" not in said and "export it again" not in said and "refused" not in said
    assert len(tried) == 1                                                   # the second file was not tried
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM meta.runs").fetchone()[0] == 1
    assert sorted(p.name for p in home.inbox.iterdir()) == ["meldingen_a_2026-W47.csv", "meldingen_b_2026-W47.csv"]


#: a query whose result does not fit in the 2 MB DuckDB is given below: DuckDB's own OutOfMemoryException
TOO_BIG = "SELECT list(range::VARCHAR) FROM range(1000000)"


def test_too_little_memory_to_open_the_warehouse_is_never_called_damage(home):
    """Red team 12c F4: under ``ulimit -v`` DuckDB could not allocate when opening a sound warehouse, and every
    command called it damaged and advised restoring a backup or starting an empty one. Here a real address-space
    limit (RLIMIT_AS, a few MB above what the process holds) in a child process."""
    resource = pytest.importorskip("resource", reason="RLIMIT_AS is a POSIX limit")
    if not hasattr(resource, "RLIMIT_AS") or not __import__("os").path.exists("/proc/self/status"):
        pytest.skip("no RLIMIT_AS or /proc/self/status on this platform")
    _filled(home)
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import resource
        from pipelines.warehouse import WarehouseDamaged, connect, expected_failure
        held = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (held + 4 * 2**20, resource.RLIM_INFINITY))
        try:
            with connect({str(home.warehouse)!r}) as con:
                print("opened")
        except Exception as exc:
            print(type(exc).__name__, "|", expected_failure(exc))
    """)], capture_output=True, text=True, timeout=60)
    said = " ".join(child.stdout.split())
    if said == "opened":
        pytest.skip("DuckDB opened the warehouse within 4 MB more address space here: no failure to classify")
    assert said.startswith("OutOfMemoryException | the command had too little memory (Out of Memory Error: "), \
        (said, child.stderr[-2000:])
    assert "the warehouse is not damaged; give the process more memory (raise its limit: `ulimit -v`" in said
    assert "changed nothing in the warehouse" in said and "Restore" not in said
    with connect(home.warehouse, read_only=True) as con:                   # untouched: it opens as it did
        assert con.execute("SELECT count(*) FROM meta.filler").fetchone()[0] == 400000


def test_a_query_beyond_duckdbs_memory_is_one_sentence_of_memory_not_of_damage(home, monkeypatch):
    """DuckDB's OutOfMemoryException (its memory limit reached), a Python MemoryError, a thread that could not start:
    one sentence of memory from every command, exit code 2, never the damaged-warehouse sentence."""
    from pipelines import catalog

    def short(con):
        con.execute("SET memory_limit = '2MB'")
        con.execute(TOO_BIG).fetchall()

    with connect(home.warehouse):
        pass
    for failure in (short, lambda con: (_ for _ in ()).throw(MemoryError()),
                    lambda con: (_ for _ in ()).throw(RuntimeError("can't start new thread"))):
        monkeypatch.setattr(catalog, "held_loads", failure)
        res = runner.invoke(app, ["--home", str(home.root), "loads"])
        said = " ".join(res.output.split())
        assert res.exit_code == 2, res.output
        assert said.startswith("error: the command had too little memory ("), said
        assert "the warehouse is not damaged" in said and "damaged or not a wijkradar warehouse" not in said
        assert "Traceback" not in res.output and said.count("error:") == 1
    with pytest.raises(duckdb.OutOfMemoryException):                       # raised as it is, by connect too
        with connect(home.warehouse) as con:
            short(con)


def test_the_error_printer_degrades_to_a_fixed_sentence_when_its_scrubbing_runs_out_of_memory(tmp_path, monkeypatch):
    """Red team 12c F4: under a memory limit the scrubbing of the last sentence (``privacy.scrub_file_name``) raised
    a MemoryError, and the command ended in tracebacks quoting the unscrubbed sentence."""
    from pipelines import cli, privacy

    root = tmp_path / "Jan Jansen" / "wijkradar"
    root.mkdir(parents=True)

    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(privacy, "scrub_file_name", no_memory)
    res = runner.invoke(app, ["--home", str(root), "status"])        # "no warehouse in <the typed home>"
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit), res.output
    assert " ".join(res.output.split()) == f"error: {cli.UNSHOWN_SHORT_OF_MEMORY}"
    assert "jansen" not in res.output.lower() and "Traceback" not in res.output


@pytest.mark.flow
def test_a_full_disk_at_the_record_of_lists_put_in_place_says_they_are_in_place_and_keeps_the_loads(
        tmp_path, ref, prefect_harness, monkeypatch, caplog):
    """Red team 12c F1: the disk filled once the new set of lists was complete; the swap went through (renames need no
    space), then the record in ``meta.lists`` could not write the warehouse's log: two tracebacks, "the step that
    failed changed nothing" beside the new lists in place, and the run's loads never printed. Now the run stops there
    in a sentence that says the lists are in place and the next run records them, after printing its loads."""
    from pipelines import catalog
    from tests.conftest import load_file, write_csv
    from tests.pipelines.test_cli import invoke

    def delivery(name):
        return write_csv(home.inbox / name, ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie",
                         "Buurtcode"], [[f"{name[10]}-{i}", "18-11-2026", "Afval", "Zwerfafval", "BU01185000"]
                                        for i in range(5)])

    home, _ = demo_run_copy(tmp_path, ref, today="2026-11-19")
    home.inbox.mkdir(parents=True, exist_ok=True)
    load_file(home, delivery("meldingen_a_2026-W47.csv"), ref=ref, accept_drop=True)   # the reports replace the counts
    (home.inbox / "meldingen_a_2026-W47.csv").unlink()
    assert invoke(home, "run", "--today", "2026-11-26").exit_code == 0            # W47's lists: the set replaced
    folder = home.exports / "2026-W47"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    delivery("meldingen_b_2026-W47.csv")                                          # a late delivery: a new run of W47

    def full(*args, **kwargs):
        raise duckdb.TransactionException(FULL)

    monkeypatch.setattr(catalog, "lists_written", full)
    res = invoke(home, "run", "--today", "2026-11-26")
    said = " ".join(res.output.split())
    with connect(home.warehouse) as con:
        new = dict(catalog.unwritten_lists(con)).get("2026-W47")                  # the new run's, not recorded
    assert res.exit_code == 2, res.output
    assert "+ meldingen_b_2026-W47.csv: 5 rows read, 5 accepted" in said                  # the loads it did
    assert (f"error: the lists of 2026-W47 (run {new}) are in place in exports/2026-W47/, but the warehouse could "
            "not record that they were written: the disk is full or a file could not be written (No space left on "
            "device); free space and run again (wijkradar run): it writes the same lists again and records them") in said
    assert "changed nothing" not in said and "TransactionException" not in res.output
    assert "Traceback" not in caplog.text
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert new is not None and after.keys() == before.keys() and after != before             # the new set, whole
    assert sorted(p.name for p in home.exports.iterdir()) == ["2026-W47"]                    # no .2026-W47.old left
    monkeypatch.undo()
    res = invoke(home, "run", "--today", "2026-11-26")                            # the disk freed: recorded now
    assert res.exit_code == 0, res.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == after
    with connect(home.warehouse) as con:
        assert "2026-W47" not in dict(catalog.unwritten_lists(con))


def test_a_full_disk_at_the_record_of_lists_written_by_flags_says_they_are_in_place(tmp_path, ref, monkeypatch):
    """The same moment for `flags --format xlsx`, which writes a period's lists as the run does."""
    from pipelines import catalog
    home, run = demo_run_copy(tmp_path, ref, today="2026-11-19")
    monkeypatch.setattr(catalog, "lists_written", lambda *a: (_ for _ in ()).throw(duckdb.TransactionException(FULL)))
    res = runner.invoke(app, ["--home", str(home.root), "flags", "--period", run.run_period, "--format", "xlsx"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit), res.output
    assert said == (f"error: the lists of {run.run_period} (run {run.run_id}) are in place in exports/"
                    f"{run.run_period}/, but the warehouse could not record that they were written: the disk is full "
                    "or a file could not be written (No space left on device); free space and give the command again: "
                    "it writes the same lists again and records them")
    assert len(list((home.exports / run.run_period).iterdir())) == 15
    assert sorted(p.name for p in home.exports.iterdir()) == [run.run_period]
