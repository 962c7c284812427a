"""A killed ingest leaves the warehouse as it was; two ingests at once never corrupt it; an export killed while it
writes the lists leaves the week's previous complete set (or none), and says so until the lists are written."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pipelines import reference
from pipelines.warehouse import connect, table_digest
from tests.conftest import demo_run_copy, write_csv

HEADER = ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def export(path, n, day="03-11-2026"):
    return write_csv(path, HEADER, [[day, "Afval", "Zwerfafval", f"BU011850{i % 9:02d}"] for i in range(n)])


def start_ingest(home, file, **env):
    full = {**os.environ, "WIJKRADAR_HOME": str(home.root), **env}
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", "--source", "meldingen", str(file),
                             "--today", "2026-11-26"], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def ingest_here(home, file):
    """The same command in this process (the runs before and after a kill: only the killed one needs its own)."""
    from tests.pipelines.test_cli import invoke

    return invoke(home, "ingest", "--source", "meldingen", str(file), "--today", "2026-11-26")


def wait_for(proc, marker, timeout=60):
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        if marker in line:
            return
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"{marker!r} never appeared")


def digest(home):
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        return table_digest(con)


def test_sigkill_mid_load_leaves_the_warehouse_unchanged_and_a_rerun_completes(home, tmp_path):
    first = ingest_here(home, export(tmp_path / "meldingen_first.csv", 50))
    assert first.exit_code == 0, first.output
    before = digest(home)
    file = export(tmp_path / "meldingen_big.csv", 500, day="10-11-2026")
    proc = start_ingest(home, file, WIJKRADAR_FAULT_PAUSE="ingest-mid-transaction")
    wait_for(proc, "fault point ingest-mid-transaction reached")
    proc.send_signal(signal.SIGKILL)                      # raw and quarantine rows are written, not committed
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert digest(home) == before
    rerun = ingest_here(home, file)
    assert rerun.exit_code == 0, rerun.output
    assert "500 rows read, 500 accepted, 0 quarantined" in rerun.output
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 2
        assert con.execute("SELECT sum(count) FROM core.signal_counts").fetchone()[0] == 550


def test_second_ingest_waits_for_the_first_and_both_land(home, tmp_path):
    a = start_ingest(home, export(tmp_path / "meldingen_a.csv", 100),
                     WIJKRADAR_FAULT_PAUSE="ingest-mid-transaction", WIJKRADAR_FAULT_SECONDS="4")
    wait_for(a, "fault point ingest-mid-transaction reached")
    b = start_ingest(home, export(tmp_path / "meldingen_b.csv", 10, day="20-10-2026"))
    out_a, err_a = a.communicate(timeout=120)
    out_b, err_b = b.communicate(timeout=120)
    assert a.returncode == 0 and b.returncode == 0, (err_a, err_b)
    with connect(home.warehouse) as con:
        loads = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads ORDER BY rows_read").fetchall()
    assert loads == [(10, 10, 0), (100, 100, 0)]


def test_second_ingest_gives_up_with_warehouse_busy(home, tmp_path):
    a = start_ingest(home, export(tmp_path / "meldingen_a.csv", 100),
                     WIJKRADAR_FAULT_PAUSE="ingest-mid-transaction", WIJKRADAR_FAULT_SECONDS="30")
    try:
        wait_for(a, "fault point ingest-mid-transaction reached")
        b = start_ingest(home, export(tmp_path / "meldingen_b.csv", 10), WIJKRADAR_BUSY_WAIT="1")
        out_b, _ = b.communicate(timeout=60)
        assert b.returncode == 2
        assert "warehouse busy" in out_b and "Wait for that run to finish" in out_b
    finally:
        a.kill()
        a.wait()
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0


def test_sigkill_while_archiving_leaves_no_half_archive_and_a_rerun_archives_the_load_again(home, tmp_path):
    """The load commits before its archive is written; a kill in between must not leave an empty or half
    archive for ever: the rerun (\"already loaded\") writes it again from the rows the warehouse stores."""
    import json

    import pandas as pd

    file = export(tmp_path / "meldingen_big.csv", 200, day="10-11-2026")
    proc = start_ingest(home, file, WIJKRADAR_FAULT_PAUSE="ingest-archive")
    wait_for(proc, "fault point ingest-archive reached")
    proc.send_signal(signal.SIGKILL)                      # committed, rows.parquet written, manifest not yet
    proc.wait(30)
    with connect(home.warehouse) as con:
        [(load_id, digest)] = con.execute("SELECT load_id, content_hash FROM meta.loads").fetchall()
    folder = home.archive / "meldingen" / digest[:12]
    assert not (folder / "manifest.json").exists()
    rerun = ingest_here(home, file)
    assert rerun.exit_code == 0, rerun.output
    assert "already loaded" in rerun.output
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["load_id"], manifest["rows"], manifest["file_name"]) == (load_id, 200, "meldingen_big.csv")
    rows = pd.read_parquet(folder / "rows.parquet")
    assert len(rows) == 200 and list(rows.columns) == ["row_number", "melding_id", "created", "hoofdcategorie",
                                                         "subcategorie", "area_code"]
    assert sorted(p.name for p in folder.parent.iterdir()) == [digest[:12]]      # no part folder left behind


@pytest.mark.parametrize("point, signum, said", [
    ("ingest-archive", signal.SIGTERM, "stopped by a signal; the load was stored (load {load}); only its archive was "
                                       "interrupted: the next run (for a file in the inbox) or an ingest of the same "
                                       "file archives it again, without loading it twice"),
    # each handler (SIGTERM, Ctrl-C) once and each phase once: the other two pairings take the same paths
    ("ingest-mid-transaction", signal.SIGINT, "interrupted; the warehouse is unchanged for the step that was running"),
])
def test_a_signal_or_ctrl_c_says_whether_the_load_was_stored(home, tmp_path, point, signum, said):
    """SIGTERM or Ctrl-C after the load's commit, while its archive is written, said "the warehouse is unchanged"
    of a load that was stored (Ctrl-C said nothing at all); before the commit that sentence is true and stays."""
    file = export(tmp_path / "meldingen_big.csv", 200, day="10-11-2026")
    proc = start_ingest(home, file, WIJKRADAR_FAULT_PAUSE=point)
    wait_for(proc, f"fault point {point} reached")
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == (143 if signum == signal.SIGTERM else 130)
    with connect(home.warehouse) as con:
        loads = [load for (load,) in con.execute("SELECT load_id FROM meta.loads").fetchall()]
    assert len(loads) == (1 if point == "ingest-archive" else 0)
    assert said.format(load=loads[0] if loads else "") in " ".join(out.split())


# -- an export killed while it writes the lists (red team 6b, F1) ---------------------------------------------

@pytest.fixture(scope="module")
def scored(tmp_path_factory, ref):
    """A working folder with one run (2026-W47) on the demo counts whose lists are not written yet, built once."""
    return demo_run_copy(tmp_path_factory.mktemp("scored"), ref)


@pytest.fixture
def week(scored, tmp_path):
    """A private copy of ``scored``: (home, run)."""
    from pipelines.paths import resolve_home

    home, run = scored
    return resolve_home(shutil.copytree(home.root, tmp_path / "home")), run


def start_export(home, **env):
    """``wijkradar flags --format xlsx`` (the run's lists, every team and format) in a process of its own."""
    full = {**os.environ, "WIJKRADAR_HOME": str(home.root), **env}
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "flags", "--format", "xlsx"], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_at(home, point):
    proc = start_export(home, WIJKRADAR_FAULT_PAUSE=point)
    wait_for(proc, f"fault point {point} reached")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def export_here(home):
    from tests.pipelines.test_cli import invoke

    res = invoke(home, "flags", "--format", "xlsx")
    assert res.exit_code == 0, res.output
    return res


def files(folder) -> dict[str, bytes]:
    """Every file of a lists folder by name (the same run's lists are byte for byte the same: stamped with the
    run's time, not the clock's)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def uninterrupted(home, tmp_path) -> dict[str, bytes]:
    """The lists an uninterrupted export of the current run writes, in a copy of ``home``."""
    from pipelines.paths import resolve_home
    from pipelines.runs import find_run

    copy = resolve_home(shutil.copytree(home.root, tmp_path / "control"))
    export_here(copy)
    with connect(copy.warehouse) as con:
        return files(copy.exports / find_run(con).run_period)


def status_of(home) -> str:
    from tests.pipelines.test_cli import invoke

    return " ".join(invoke(home, "status").output.split())


def test_sigkill_mid_export_of_a_first_run_leaves_no_lists_and_status_says_so_until_they_are_written(week, tmp_path):
    home, run = week
    expected = uninterrupted(home, tmp_path)
    assert len(expected) == 15                            # 5 teams x xlsx, csv, html
    kill_at(home, "export-mid-set")                       # one team's files written, four to go
    assert files(home.exports / run.run_period) == {}     # no part of a set, no empty file under a list's name
    said = f"the lists of {run.run_period} (run {run.run_id}) were not all written"
    assert said in status_of(home)
    assert f"`wijkradar flags --period {run.run_period} --format xlsx`" in status_of(home)
    export_here(home)
    assert files(home.exports / run.run_period) == expected
    assert sorted(p.name for p in home.exports.iterdir()) == [run.run_period]     # no leftover folder
    assert said not in status_of(home)


@pytest.mark.parametrize("point", ["export-mid-set", "export-mid-swap"])
def test_sigkill_mid_export_of_a_new_run_of_the_week_leaves_a_complete_set_never_two_runs_mixed(
        week, tmp_path, ref, monkeypatch, point):
    """The week's lists were written; another run of the same week (new answers, a late delivery) is killed while
    its lists are written: the folder keeps the earlier run's whole set (killed between the swap's renames: the
    next export's start puts the new complete set into place), status names the run whose lists are owed, and
    writing them again gives exactly the files of an uninterrupted export."""
    import pandas as pd

    from pipelines import runs
    from pipelines.export_folder import recover

    home, first = week
    folder = home.exports / first.run_period
    export_here(home)
    before = files(folder)
    monkeypatch.setattr(runs, "LOGIC_VERSION", runs.LOGIC_VERSION + "-again")    # another run of the same inputs
    with connect(home.warehouse) as con:
        second = runs.score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
    assert (second.run_period, second.reused) == (first.run_period, False) and second.run_id != first.run_id
    expected = uninterrupted(home, tmp_path)
    assert expected.keys() == before.keys() and expected != before
    kill_at(home, point)
    if point == "export-mid-set":
        assert files(folder) == before                    # the earlier run's complete lists, untouched
    else:
        assert files(folder) == {}                        # between the renames: the old set aside, the new one ready
        assert recover(home.exports) and files(folder) == expected
    assert f"the lists of {first.run_period} (run {second.run_id}) were not all written" in status_of(home)
    export_here(home)
    assert files(folder) == expected
    assert sorted(p.name for p in home.exports.iterdir()) == [first.run_period]
    assert "were not all written" not in status_of(home)
