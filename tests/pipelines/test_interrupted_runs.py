"""An interrupted weekly run: a signal to its process group stops it at once in one line, its flow run marked
crashed; a run killed with kill -9 is marked crashed by the next run of the working folder."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from pipelines import interrupted_runs
from pipelines.prefect_env import reap_orphan_servers
from tests.pipelines.test_crash_and_concurrency import export, wait_for

pytestmark = [pytest.mark.flow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are read from /proc")]


def start_run(home, started, **env):
    """``wijkradar run`` in its own process group (as a terminal job, ``timeout`` or a systemd unit start it), paused
    in its load's transaction; with the working folder's own Prefect home (no shared server)."""
    home.inbox.mkdir(parents=True, exist_ok=True)
    export(home.inbox / "meldingen_nov.csv", 60)
    full = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    full.update(env, WIJKRADAR_FAULT_PAUSE="ingest-mid-transaction")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), "run", "--today",
                             "2026-11-26"], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    started.append(proc)
    wait_for(proc, "fault point ingest-mid-transaction reached", timeout=120)
    return proc


@pytest.fixture(autouse=True)
def no_server_left(home):
    """A failing test leaves no process behind: the run's group is killed and its orphaned server stopped."""
    started = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    reap_orphan_servers(home.root / ".prefect", grace=2.0)


def flow_runs(home):
    con = sqlite3.connect(f"file:{home.root / '.prefect' / 'prefect.db'}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT name, state_type FROM flow_run ORDER BY start_time").fetchall())
    finally:
        con.close()


def test_a_signal_to_the_process_group_stops_the_run_at_once_in_one_line(home, no_server_left):
    proc = start_run(home, no_server_left)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGTERM)                   # timeout(1), systemd's stop, Ctrl-C (SIGINT) alike
    out, err = proc.communicate(timeout=60)               # it took 2.5 minutes: the server died first
    took = time.monotonic() - sent
    said = out + err
    assert proc.returncode == 143, said
    assert took < 20, took
    assert "Traceback" not in said and "Error logging to API" not in said and "Connection refused" not in said
    assert ("stopped by a signal; the warehouse is unchanged for the step that was running; running the command "
            "again is safe") in " ".join(out.split())
    assert len(said.splitlines()) < 25, said
    assert list(flow_runs(home).values()) == ["CRASHED"]  # recorded by the run itself: its server was still there


def test_a_run_killed_with_kill_9_is_marked_crashed_by_the_next_run(home, no_server_left):
    proc = start_run(home, no_server_left)
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()                                   # the orphaned server holds the pipes open: no EOF
    proc.stderr.close()
    [(killed, state)] = flow_runs(home).items()
    assert state == "RUNNING"                             # as the killed process left it
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    rerun = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), "run", "--today",
                            "2026-11-26"], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (f"flow run {killed} (started " in rerun.stdout + rerun.stderr and
            "was left RUNNING by an interrupted process; marked crashed" in rerun.stdout + rerun.stderr)
    runs = flow_runs(home)
    assert runs.pop(killed) == "CRASHED" and list(runs.values()) == ["COMPLETED"]


def test_a_process_is_gone_only_when_this_host_can_tell():
    assert interrupted_runs.process_gone(interrupted_runs.process_marker()) is False     # this very process
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    mine = interrupted_runs.process_marker().split(":")
    assert interrupted_runs.process_gone(f"{mine[0]}:{done.stdout.strip()}:1") is True   # ended
    assert interrupted_runs.process_gone(f"{mine[0]}:{os.getpid()}:1") is True          # its pid reused since
    assert interrupted_runs.process_gone(f"another-host:{os.getpid()}:{mine[2]}") is None
    assert interrupted_runs.process_gone("no marker") is None
