"""Prefect's temporary server as a command starts it (``prefect_env.start_server``): on a port the command holds, so
two working folders' runs started together never share a server (red team 10b F2), and a server that cannot start
is one sentence at once, not a traceback after the 120 s start-up time-out (F6)."""
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipelines import prefect_env

pytestmark = pytest.mark.flow
REPO = Path(__file__).resolve().parents[2]

# One command's start of the server, then a flow named after its Prefect home. Both processes seed Python's random
# alike (Prefect's own port choice then picks the same port in both) and start the server at the same moment.
STARTS_AND_RUNS = textwrap.dedent("""
    import random, sys, time
    from pathlib import Path
    random.seed(417)
    from pipelines import prefect_env
    prefect_env.configure()
    from prefect import flow
    from prefect.server.api import server
    me, other = Path(sys.argv[1]), Path(sys.argv[2])
    (me / "ready").touch()
    while not (other / "ready").exists():
        time.sleep(0.05)
    print(prefect_env.start_server(), flush=True)

    @flow(name=f"probe-{me.name}")
    def probe():
        return 1

    probe()
""")


def _env(prefect_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {**env, "PYTHONPATH": str(REPO), "PREFECT_HOME": str(prefect_home)}


def _flows_in(prefect_home: Path) -> list[str]:
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        return sorted(name for (name,) in db.execute("select f.name from flow_run r join flow f on f.id = r.flow_id"))


def test_two_homes_started_together_each_run_on_their_own_server(tmp_path):
    homes = [tmp_path / "homeA", tmp_path / "homeB"]
    for home in homes:
        home.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", STARTS_AND_RUNS, str(me), str(other)], env=_env(me),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for me, other in (homes, homes[::-1])]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    addresses = [out.splitlines()[0] for out in outputs]
    assert addresses[0] != addresses[1]
    assert "Traceback" not in "".join(outputs)
    # each flow run in its own home's Prefect database (it used to land in the other's, and end in tracebacks)
    assert _flows_in(homes[0]) == ["probe-homeA"] and _flows_in(homes[1]) == ["probe-homeB"]
    for home in homes:
        assert "address already in use" not in (home / "server.log").read_text()


def _start(prefect_home: Path) -> subprocess.CompletedProcess:
    code = ("from pipelines import prefect_env\nprefect_env.configure()\ntry:\n    prefect_env.start_server()\n"
            "except prefect_env.ServerNotStarted as exc:\n    print(exc)\n    raise SystemExit(2)\n")
    return subprocess.run([sys.executable, "-c", code], env=_env(prefect_home), capture_output=True, text=True,
                          timeout=120)


def test_a_database_path_sqlite_cannot_open_is_refused_before_the_server_starts(tmp_path):
    deep = tmp_path
    while len(str(deep)) < 520:
        deep = deep / ("d" * 200)
    done = _start(deep / ".prefect")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    bytes_ = len(os.fsencode(deep / ".prefect" / "prefect.db"))
    assert done.stdout.strip() == (
        f"Prefect's database in this working folder (.prefect/prefect.db) would have a path of {bytes_:,} bytes, and "
        f"SQLite opens none longer than {prefect_env.MAX_DATABASE_PATH}; move the working folder to a shorter path "
        "(or set PREFECT_HOME to a shorter folder of its own) and run the command again")
    assert not (deep / ".prefect" / "server.log").exists()             # refused before the server started


def test_a_server_that_stops_while_starting_is_one_sentence_from_its_log(tmp_path):
    prefect_home = tmp_path / ".prefect"
    (prefect_home / "prefect.db").mkdir(parents=True)                   # SQLite cannot open a folder
    started = time.monotonic()
    done = _start(prefect_home)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert done.stdout.startswith("Prefect's temporary server stopped while starting (exit code 3): ")
    assert "unable to open database file" in done.stdout and str(tmp_path) not in done.stdout
    assert time.monotonic() - started < 100                # not Prefect's retries on other ports until its time-out


def test_the_sqlite_limit_is_the_one_measured(tmp_path):
    """504 bytes open, 505 do not (``-journal`` added must fit in SQLite's 512): the limit the refusal uses."""
    for size, opens in ((prefect_env.MAX_DATABASE_PATH, True), (prefect_env.MAX_DATABASE_PATH + 1, False)):
        folder = tmp_path / f"{size}"
        while (left := size - len(str(folder / "prefect.db")) - 1) > 0:
            folder = folder / ("a" * min(left, 200))
        folder.mkdir(parents=True)
        assert len(os.fsencode(folder / "prefect.db")) == size
        try:
            with sqlite3.connect(folder / "prefect.db") as db:
                db.execute("pragma journal_mode=wal")
                db.execute("create table t (x)")
            opened = True
        except sqlite3.OperationalError:
            opened = False
        assert opened is opens, size
