"""Each working folder its own Prefect home; a killed run leaves no Prefect server behind."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from pipelines import prefect_env
from pipelines.prefect_env import ephemeral_servers, reap_orphan_servers, use_home

REPO = Path(__file__).resolve().parents[2]


def test_use_home_sets_prefect_home_when_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    assert use_home(tmp_path) == tmp_path / ".prefect"
    assert os.environ["PREFECT_HOME"] == str(tmp_path / ".prefect")


def test_use_home_leaves_an_explicit_prefect_home(monkeypatch, tmp_path):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    assert use_home(tmp_path / "folder") == tmp_path / "mine"
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "mine")


def test_the_cli_sets_prefect_home_per_working_folder(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    from pipelines.paths import resolve_home
    from pipelines.warehouse import connect

    monkeypatch.delenv("PREFECT_HOME", raising=False)
    with connect(resolve_home(tmp_path / "wf").warehouse):
        pass
    CliRunner().invoke(app, ["--home", str(tmp_path / "wf"), "status"])
    assert os.environ["PREFECT_HOME"] == str((tmp_path / "wf").resolve() / ".prefect")


def test_reaping_without_servers_is_a_no_op(tmp_path):
    assert reap_orphan_servers(tmp_path / ".prefect") == []


CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ["PREFECT_HOME"] = sys.argv[1]
    os.environ.pop("PREFECT_API_URL", None)
    sys.path.insert(0, sys.argv[2])
    from pipelines.prefect_env import configure
    configure()
    from prefect import flow

    @flow
    def trivial():
        return 1

    trivial()
    print("FLOW DONE", flush=True)
    time.sleep(300)
""")


def _wait_for_marker(proc: subprocess.Popen, marker: str, timeout: float) -> bool:
    seen = threading.Event()

    def read():
        for line in proc.stdout:
            if marker in line:
                seen.set()
        # keep draining until the pipe closes, so the child never blocks on a full pipe

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if seen.wait(0.2):
            return True
    return seen.is_set()


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


@pytest.mark.flow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reaping reads /proc (Linux)")
def test_a_server_orphaned_by_kill_9_is_reaped(tmp_path):
    prefect_home = tmp_path / ".prefect"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(prefect_home), str(REPO)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        assert _wait_for_marker(child, "FLOW DONE", 120), "the child's flow did not finish"
        servers = ephemeral_servers(prefect_home)
        assert len(servers) == 1 and servers[0].ppid == child.pid and not servers[0].orphan
        assert reap_orphan_servers(prefect_home) == []            # a live run's server is left alone
        assert not _gone(servers[0].pid)

        child.kill()                                               # kill -9: no atexit, the server stays
        child.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (ephemeral_servers(prefect_home) or [servers[0]])[0].orphan:
            time.sleep(0.1)
        orphans = ephemeral_servers(prefect_home)
        assert [s.pid for s in orphans] == [servers[0].pid] and orphans[0].orphan, orphans

        assert reap_orphan_servers(prefect_home) == [servers[0].pid]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _gone(servers[0].pid):
            time.sleep(0.1)
        assert _gone(servers[0].pid)
        assert ephemeral_servers(prefect_home) == []
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        for server in ephemeral_servers(prefect_home):
            try:
                os.kill(server.pid, signal.SIGKILL)
            except OSError:
                pass


def test_servers_of_another_prefect_home_are_not_matched(tmp_path, monkeypatch):
    """The match needs the command line AND our PREFECT_HOME in the process environment."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "uvicorn", prefect_env.SERVER_APP],
                            env={**os.environ, "PREFECT__SERVER_EPHEMERAL": "1",
                                 "PREFECT_HOME": str(tmp_path / "other")}, start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not ephemeral_servers(tmp_path / "other"):
            time.sleep(0.05)
        found = ephemeral_servers(tmp_path / "other")
        assert [s.pid for s in found] == [proc.pid] and not found[0].orphan     # its parent (us) lives
        assert ephemeral_servers(tmp_path / ".prefect") == []
        assert reap_orphan_servers(tmp_path / "other") == [] and proc.poll() is None
    finally:
        proc.kill()
        proc.wait(timeout=10)
