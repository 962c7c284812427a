"""Scoring fanned out on a local two-worker Dask cluster gives the same lists, bit for bit."""
import re
import shutil
import zipfile

import pytest

from pipelines.paths import resolve_home
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
    from prefect_dask import DaskTaskRunner

    from pipelines.demo import write_demo_inbox
    from pipelines.flows import weekly

    default, dask = resolve_home(tmp_path / "default"), resolve_home(tmp_path / "dask")
    ref = Reference()
    files = write_demo_inbox(default, ref, years=3)          # three years: enough for flags, half the time
    for path, source in ((files.meldingen, "meldingen"), (files.wijkteam, "wijkteam")):
        load_file(default, path, source, ref)                # loaded once, outside the flows: they score the same
        path.unlink()                                        # rows; the flows compared here are the scoring's
    shutil.copytree(default.root, dask.root, dirs_exist_ok=True)
    one = weekly(home=str(default.root))
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})
    two = weekly.with_options(task_runner=runner)(home=str(dask.root), fan_out=True)
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
