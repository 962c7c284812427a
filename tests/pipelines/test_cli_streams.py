"""Output streams a command cannot write as usual (red team 7a F4, F5): started with stdout closed (a daemon wrapper,
a scheduler's ``>&-``), every command died at import; on an ASCII-only output `explain` died at its first Dutch
label. Both run now: output to nowhere, or with the characters it cannot hold as ``?``."""
import os
import subprocess
import sys

from pipelines.paths import REPO_ROOT
from tests.conftest import demo_run_copy


def run(home, *args, env=None, shell_tail=""):
    command = " ".join([f"'{sys.executable}'", "-m", "pipelines.cli", "--home", f"'{home.root}'", *args]) + shell_tail
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
                          env={**os.environ, **(env or {})})


def test_a_command_started_with_stdout_closed_runs(tmp_path, ref):
    home, _ = demo_run_copy(tmp_path, ref)
    assert not (home.exports / "2026-W47").exists()            # scored, its lists never written
    done = run(home, "flags", "--team", "de-weide", "--format", "xlsx", shell_tail=" >&-")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (home.exports / "2026-W47" / "de-weide.xlsx").is_file()     # it ran, its output went nowhere


def test_explain_on_an_ascii_only_output_replaces_what_it_cannot_show(tmp_path, ref):
    home, _ = demo_run_copy(tmp_path, ref)
    done = run(home, "explain", "01185005", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Financi?le zorgen" in done.stdout and "Traceback" not in done.stderr
