"""Prefect's temporary server started by a command (``prefect_env.serve_in_own_session``): in a session of its own,
and its output (uvicorn's log, its tracebacks) in ``server.log`` in Prefect's home, not on the command's console (red
team 8a F2: a full disk under Prefect's database printed some 390 lines of the server's tracebacks)."""
import os
import subprocess
import sys
from pathlib import Path


def test_the_servers_output_goes_to_its_log_in_prefects_home_not_to_the_console(capfd):
    from prefect.server.api import server
    from prefect.settings import get_current_settings

    from pipelines.prefect_env import serve_in_own_session

    original = server.subprocess
    try:
        serve_in_own_session()
        started = server.subprocess.Popen([sys.executable, "-c", "import os, sys; print('uvicorn says'); "
                                           "print('Traceback: database or disk is full', file=sys.stderr); "
                                           "print(os.getsid(0))"])
        started.wait(timeout=60)
    finally:
        server.subprocess = original
    out, err = capfd.readouterr()
    assert "uvicorn says" not in out + err and "disk is full" not in out + err
    log = (Path(get_current_settings().home).expanduser() / "server.log").read_text()
    assert "uvicorn says" in log and "Traceback: database or disk is full" in log
    assert int(log.strip().splitlines()[-1]) != os.getsid(0)          # a session of its own


def test_options_given_by_the_caller_are_kept():
    from prefect.server.api import server

    from pipelines.prefect_env import serve_in_own_session

    original = server.subprocess
    try:
        serve_in_own_session()
        done = server.subprocess.Popen([sys.executable, "-c", "print('to the pipe')"], stdout=subprocess.PIPE, text=True)
        assert done.communicate(timeout=60)[0].strip() == "to the pipe"
    finally:
        server.subprocess = original
