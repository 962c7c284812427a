"""A killed ingest leaves the warehouse as it was; two ingests at once never corrupt it."""
import os
import signal
import subprocess
import sys
import time

import pytest

from pipelines import reference
from pipelines.warehouse import connect, table_digest
from tests.conftest import write_csv

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
