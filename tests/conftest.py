"""Test environment: an isolated Prefect home, no telemetry, and shared fixtures.

Prefect settings must be in the environment before prefect is first imported, so they are set
at import time of this conftest. Flow tests share one ephemeral Prefect server per session
(``prefect_harness``), which costs ~20 s once; everything else runs without Prefect.
"""
import functools
import os
import tempfile
from pathlib import Path

_prefect_home = tempfile.mkdtemp(prefix="wijkradar-prefect-")
os.environ["PREFECT_HOME"] = _prefect_home
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
os.environ.pop("WIJKRADAR_HOME", None)
# tests write inbox files and run at once: no wait for a copy to settle (tests of the wait set it themselves)
os.environ.setdefault("WIJKRADAR_INBOX_SETTLE", "0")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pipelines.paths import resolve_home  # noqa: E402
from pipelines.reference import Reference  # noqa: E402

TODAY = pd.Timestamp("2026-11-26")


#: modules whose module-scoped fixture costs little beside the many tests sharing it: their tests spread over both
#: processes (one unit of a hundred tests could run alone at the end)
SPREAD_MODULES = {"tests/adversarial/test_corpus.py", "tests/pipelines/test_feedback.py"}


@functools.lru_cache(maxsize=None)
def _builds_module_fixture(path: str) -> bool:
    """Whether the test module at ``path`` (relative to the repository) has a module-scoped fixture."""
    file = Path(__file__).resolve().parent.parent / path
    return path not in SPREAD_MODULES and file.is_file() and 'scope="module"' in file.read_text(encoding="utf-8")


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` (as ``make test`` runs): the tests of a module with a module-scoped fixture, often a whole
    demo run, go to one test process together, so the fixture is built once instead of once per process; every other
    test is scheduled on its own. (pytest-xdist's own grouping by the ``xdist_group`` mark renames node ids in a way
    pytest 9 no longer reads, so it does not group.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if _builds_module_fixture(path) else nodeid

    return ModuleFixtureScheduling(config, log)


@pytest.fixture(scope="session")
def ref() -> Reference:
    return Reference()


@functools.lru_cache(maxsize=None)
def _migrated_warehouse() -> Path:
    """An empty warehouse with every migration applied, made once per test process by the real ``connect``,
    without its secret (the first connect of each copy writes its own)."""
    from pipelines.warehouse import connect

    path = Path(tempfile.mkdtemp(prefix="wijkradar-template-")) / "warehouse.duckdb"
    with connect(path) as con:
        con.execute("DELETE FROM meta.warehouse_secret")
    return path


def migrated(home):
    """``home`` with an empty warehouse whose migrations are applied, as its first ``connect`` would leave it (but
    unsynced): a copy of one made once, where migrating each new warehouse cost the suite about a minute."""
    import shutil

    home.warehouse.parent.mkdir(parents=True, exist_ok=True)
    if not home.warehouse.exists():
        shutil.copyfile(_migrated_warehouse(), home.warehouse)
    return home


@pytest.fixture
def home(tmp_path: Path):
    return migrated(resolve_home(tmp_path / "home"))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def load_file(home, path: Path, source: str = "meldingen", ref: Reference | None = None, **options):
    """Load one file into ``home``'s warehouse as ``wijkradar ingest`` does (reference synced first), on TODAY."""
    from pipelines import reference
    from pipelines.ingest import ingest_file
    from pipelines.warehouse import connect

    with connect(home.warehouse) as con:
        ref = ref or Reference()
        reference.sync(con, ref)
        return ingest_file(con, path, source, ref, home.archive, today=TODAY, **options)


SIGNAL_COUNT_COLUMNS = ["area_code", "signal", "period", "period_start", "count", "source", "load_id"]


def migrated_with(version: int, rows_sql: str):
    """An in-memory warehouse migrated step by step, with ``rows_sql`` run just before migration ``version``: rows
    as a warehouse of an earlier schema held them, for a test of what that migration makes of them."""
    import duckdb

    from pipelines.warehouse import migrations, schema_version

    con = duckdb.connect()
    schema_version(con)
    for number, _, sql in migrations():
        if number == version:
            con.execute(rows_sql)
        con.execute(sql.read_text(encoding="utf-8"))
    return con


def demo_signal_counts(ref: Reference, years: int | None = None) -> pd.DataFrame:
    """The demo municipality's weekly and monthly counts with each signal's source (``pipelines.demo``)."""
    from pipelines.demo import demo_counts, with_sources

    weekly, monthly, *_ = demo_counts(ref, **({} if years is None else {"years": years}))
    return with_sources(ref, weekly, monthly)


def fill_counts(con, ref: Reference, counts: pd.DataFrame) -> None:
    """Sync the reference into ``con`` and insert ``counts`` into ``core.signal_counts`` (as load ``demo``)."""
    from pipelines import reference
    from pipelines.warehouse import insert_frame

    reference.sync(con, ref)
    insert_frame(con, "core.signal_counts", counts.assign(load_id="demo")[SIGNAL_COUNT_COLUMNS])


def demo_run_home(folder: Path, ref: Reference, today: str = "2026-11-26"):
    """A working folder whose warehouse holds the demo's non-zero counts and one scored run on ``today``
    (no Prefect: the counts go straight into core). Returns (home, run)."""
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag
    from pipelines.warehouse import connect

    home = resolve_home(folder / "home")
    counts = demo_signal_counts(ref)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[counts["count"] > 0])
        run = score_and_flag(con, ref, today=pd.Timestamp(today))
    return home, run


@functools.lru_cache(maxsize=None)
def _demo_run(today: str):
    """:func:`demo_run_home` on the demo profile, built once per test process and day: (home, run)."""
    return demo_run_home(Path(tempfile.mkdtemp(prefix="wijkradar-demo-run-")), Reference(), today)


def demo_run_copy(folder: Path, ref: Reference, today: str = "2026-11-26"):
    """What :func:`demo_run_home` returns, as a copy in ``folder / "home"`` of one built once per test process and
    day (each build scores the whole demo, seconds a test). For tests that patch nothing before the build and give
    the demo profile; the copy is theirs to change. Returns (home, run)."""
    import shutil

    from pipelines.paths import REFERENCE_DIR

    assert Path(ref.folder).resolve() == REFERENCE_DIR.resolve(), "a copy of the demo profile's run only"
    built, run = _demo_run(today)
    return resolve_home(shutil.copytree(built.root, folder / "home")), run


def write_csv(path: Path, header: list[str], rows: list[list], sep: str = ";", encoding: str = "utf-8") -> Path:
    """Write a small delimited file exactly as given (for malformed-input tests)."""
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path
