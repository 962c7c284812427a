"""Warehouse: versioned migrations, all-or-nothing transactions, a clear 'busy' for a second writer."""
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from pipelines.warehouse import WarehouseBusy, connect, migrations, table_digest, transaction


def test_migrations_create_the_five_schemas_and_record_their_version(home):
    with connect(home.warehouse) as con:
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
        assert {"raw", "core", "quarantine", "marts", "meta"} <= schemas
        versions = [r[0] for r in con.execute("SELECT version FROM meta.schema_version ORDER BY 1").fetchall()]
    assert versions == [v for v, _, _ in migrations()]
    with connect(home.warehouse) as con:  # a second open applies nothing again
        assert con.execute("SELECT count(*) FROM meta.schema_version").fetchone()[0] == len(versions)


def test_a_migration_that_landed_after_a_higher_numbered_one_is_still_applied(home, tmp_path):
    """Two branches merged in another order: warehouses opened in between recorded 19 without 18, and skipped 18
    for good when only migrations above the highest recorded version ran (018 marks plain report numbers for
    pseudonymising: they stayed plain)."""
    from tests.conftest import load_file, write_csv

    load_file(home, write_csv(tmp_path / "meldingen_w45.csv", ["Meldingnummer", "Datum melding", "Hoofdcategorie",
                                                              "Subcategorie", "Buurtcode"],
                              [["M-1", "02-11-2026", "Afval", "Zwerfafval", "BU01185000"]]))
    eighteen = next(v for v, name, _ in migrations() if name == "report_pseudonyms_backfill")
    with connect(home.warehouse) as con:        # as a warehouse opened before 018 existed, but after 019
        con.execute("DELETE FROM meta.schema_version WHERE version = ?", [eighteen])
        con.execute("DELETE FROM meta.pending_upgrades")
    with connect(home.warehouse) as con:
        versions = [r[0] for r in con.execute("SELECT version FROM meta.schema_version ORDER BY 1").fetchall()]
        pending = con.execute("SELECT name FROM meta.pending_upgrades").fetchall()
    assert versions == [v for v, _, _ in migrations()]
    assert pending == [("report_pseudonyms",)]


def test_migration_numbers_are_unique():
    numbers = [v for v, _, _ in migrations()]
    assert len(numbers) == len(set(numbers))


def test_a_failing_transaction_leaves_everything_as_it_was(home):
    with connect(home.warehouse) as con:
        con.execute("INSERT INTO core.wijkteams VALUES ('t1', 'Team 1')")
        before = table_digest(con)
        with pytest.raises(duckdb.ConstraintException):
            with transaction(con):
                con.execute("INSERT INTO core.wijkteams VALUES ('t2', 'Team 2')")
                con.execute("INSERT INTO core.wijkteams VALUES ('t1', 'duplicate key')")
        assert table_digest(con) == before


def test_second_writer_process_gets_warehouse_busy(home):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, time, sys
            con = duckdb.connect({str(home.warehouse)!r})
            print("locked", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(WarehouseBusy, match="warehouse busy.*Wait for that run to finish"):
            with connect(home.warehouse, wait_seconds=1.0):
                pass
        assert time.monotonic() - t0 >= 1.0   # it waited before giving up
    finally:
        holder.kill()
        holder.wait()
    with connect(home.warehouse, wait_seconds=5) as con:   # and works once the holder is gone
        assert con.execute("SELECT 1").fetchone()[0] == 1


def test_the_latest_of_two_runs_in_one_second_is_the_one_written_last(tmp_path):
    """Runs keep their finishing time to the second; run ids are hashes, so insertion order decides."""
    from datetime import datetime

    from pipelines import catalog
    from pipelines.catalog.runs import RUN_ROW

    at = datetime(2026, 11, 28, 13, 0, 5)
    with connect(tmp_path / "w.duckdb") as con:
        for run_id in ("2026-W47-ffff0000", "2026-W47-0000ffff"):      # the later one sorts first by id
            values = dict(run_id=run_id, run_key=run_id, started_at=at, finished_at=at, run_period="2026-W47",
                          loads="[]", settings="{}", n_series=1, n_scored=1, n_flags=0)
            catalog.record_run(con, {k: values.get(k) for k in RUN_ROW})
        assert catalog.latest_run(con)[0] == "2026-W47-0000ffff"
        assert catalog.last_run(con)[0] == "2026-W47-0000ffff"


def test_a_signal_during_a_query_unwinds_as_an_interrupt_not_a_failed_query(tmp_path):
    """DuckDB reports Ctrl-C or SIGTERM in a query as RuntimeError('Query interrupted'): Prefect logged it as a
    failed task with two tracebacks, and the CLI printed a third instead of its one line. In a process of its own:
    a test worker's signal handling is the test runner's. DuckDB looks at the interrupt at its own pace (this query
    may run to its end, about 2 s), so the query is short and the test is of what the interrupt becomes."""
    import signal
    import subprocess
    import sys
    import textwrap

    from pipelines.paths import REPO_ROOT

    code = textwrap.dedent(f"""
        import os, signal, threading
        from pipelines.warehouse import Interrupted, connect
        try:
            with connect({str(tmp_path / "w.duckdb")!r}) as con:    # the signal in the query, not in the migrations
                threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
                con.execute("SELECT count(*) FROM range(400000000) t(i) WHERE hash(i) % 7 = 3").fetchall()
        except KeyboardInterrupt as exc:
            print("interrupt", isinstance(exc, Interrupted))
    """)
    # the child starts with Ctrl-C's default action: a test worker may have SIGINT ignored, and an ignored signal
    # stays ignored across exec (Python then installs no handler: the query ran to its end, printing nothing, in
    # two clean-clone CI runs)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=REPO_ROOT, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert done.stdout.strip() == "interrupt True", f"exit status {done.returncode}: {done.stdout}{done.stderr}"
