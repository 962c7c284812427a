"""The Dask path: the lists of the default runner, bit for bit; one Prefect server a run; a cluster on 127.0.0.1."""
import re
import shutil
import zipfile

import pandas as pd
import pytest

from pipelines.paths import REPO_ROOT, resolve_home
from pipelines.reference import Reference
from pipelines.warehouse import connect
from tests.conftest import load_file


def _tables(home):
    with connect(home.warehouse) as con:
        return {t: con.execute(f"SELECT * EXCLUDE (started_at, finished_at) FROM {t} ORDER BY ALL").df()
                if t == "meta.runs" else con.execute(f"SELECT * FROM {t} ORDER BY ALL").df()
                for t in ("marts.series_scores", "marts.area_evidence", "marts.area_flags", "meta.runs")}


@pytest.mark.flow
def test_the_weekly_flow_on_two_dask_workers_gives_the_same_lists(tmp_path, prefect_harness):
    from pipelines.demo import write_demo_inbox
    from pipelines.flows import dask_task_runner, weekly

    default, dask = resolve_home(tmp_path / "default"), resolve_home(tmp_path / "dask")
    ref = Reference()
    files = write_demo_inbox(default, ref, years=3)          # three years: enough for flags, half the time
    for path, source in ((files.meldingen, "meldingen"), (files.wijkteam, "wijkteam")):
        load_file(default, path, source, ref)                # loaded once, outside the flows: they score the same
        path.unlink()                                        # rows; the flows compared here are the scoring's
    shutil.copytree(default.root, dask.root, dirs_exist_ok=True)
    one = weekly(home=str(default.root))
    two = weekly.with_options(task_runner=dask_task_runner(workers=2))(home=str(dask.root), fan_out=True)
    assert one.run.run_id == two.run.run_id and one.run.n_flags == two.run.n_flags > 0
    a, b = _tables(default), _tables(dask)
    for table in a:
        assert a[table].equals(b[table]), table
    for team, paths in one.exports.items():          # the lists themselves (workbook and page differ only
        for p, q in zip(paths, two.exports[team]):   # in the time the run finished)
            if p.suffix == ".xlsx":
                with zipfile.ZipFile(p) as zp, zipfile.ZipFile(q) as zq:
                    assert zp.read("xl/worksheets/sheet1.xml") == zq.read("xl/worksheets/sheet1.xml"), p.name
            else:                                    # the page states when the run finished
                stamp = re.compile(rb"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")
                assert stamp.sub(b"", p.read_bytes()) == stamp.sub(b"", q.read_bytes()), p.name


@pytest.mark.flow
def test_a_run_on_local_dask_workers_starts_one_prefect_server(tmp_path):
    """The workers score without a Prefect server of their own (red team 12c F2): each used to start one by Prefect's
    own start (a random port it binds seconds later, the race ``start_server`` removed) on the folder's database."""
    import os
    import subprocess
    import sys
    import time

    from pipelines.demo import DEMO_END, write_demo_inbox
    from pipelines.prefect_env import ephemeral_servers

    home, prefect_home = resolve_home(tmp_path / "home"), tmp_path / "prefect"
    write_demo_inbox(home, Reference(), years=3)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), "run", "--today",
                            str((DEMO_END + pd.Timedelta(days=1)).date()), "--dask-workers", "2"],
                           env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    servers = set()
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        servers |= {server.pid for server in ephemeral_servers(prefect_home)}
        time.sleep(0.2)
    if run.poll() is None:
        run.kill()
    out, err = run.communicate()
    assert run.returncode == 0, err[-2000:]
    assert "areas on the lists" in out
    assert len(servers) == 1, f"{len(servers)} Prefect servers on the folder's database"


def test_the_local_cluster_listens_on_loopback_only():
    """Its dashboard too (red team 12c F3): Dask's default, ':8787', is every interface, without authentication."""
    import psutil

    from pipelines.flows import dask_task_runner

    with dask_task_runner(workers=1) as runner:
        assert runner.client.scheduler_info()["workers"]
        me = psutil.Process()
        listening = {(c.laddr.ip, c.laddr.port) for p in (me, *me.children(recursive=True))
                     for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        dashboard = int(runner.client.dashboard_link.split(":")[2].split("/")[0])
    assert dashboard in {port for _, port in listening}, "no dashboard"
    assert {ip for ip, _ in listening} == {"127.0.0.1"}, listening


def test_without_a_dask_task_runner_the_blocks_are_scored_in_process_in_order():
    from pipelines.flows import _submit_blocks

    assert _submit_blocks(lambda block: -block, [3, 1, 2]) == [-3, -1, -2]
