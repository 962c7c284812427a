"""``report --jaarplan`` for a year after the newest run is refused in one sentence naming the years that have
runs: it listed the open flags of earlier years as that year's ("3 signalering(en) in 2028")."""
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts


def test_run_years_count_a_week_in_the_year_of_its_first_day():
    from pipelines.reports.build import run_years

    assert run_years(["2026-W53", "2025-W10", "2026-11", "2027-W01"]) == [2025, 2026, 2027]


@pytest.fixture(scope="module")
def run_home(tmp_path_factory, ref):
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag

    home = resolve_home(tmp_path_factory.mktemp("jaarplan") / "home")
    counts = demo_signal_counts(ref)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[counts["count"] > 0])
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
    assert run.run_period.startswith("2026")
    return home


def test_a_year_after_the_newest_run_is_refused_naming_the_run_years(run_home):
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", "2028", "--team", "de-weide"])
    assert res.exit_code == 2 and "no run in 2028 or later: the runs are of 2026" in res.output, res.output
    assert not (run_home.reports / "jaarplan" / "2028").exists()


def test_the_year_of_the_run_still_has_its_page(run_home):
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", "2026", "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    assert (run_home.reports / "jaarplan" / "2026" / "de-weide.html").exists()
