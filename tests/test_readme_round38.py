"""The README's commands as a new user meets them (round 38): a period without a run is answered with the command that
makes its run, and a returned list given by a path that does not exist is called missing, not "not a file"."""
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.paths import resolve_home
from pipelines.reference import sync
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect, insert_frame, transaction

runner = CliRunner()


def invoke(home, *args):
    res = runner.invoke(app, ["--home", str(home.root), *args], catch_exceptions=False)
    return res, " ".join(res.output.split())


@pytest.fixture(scope="module")
def w47_home(tmp_path_factory, ref):
    """Two years of weekly litter counts in three buurten and one run, of 2026-W47."""
    rnd = np.random.default_rng(38)
    weeks = pd.date_range("2024-11-04", "2026-11-16", freq="7D")
    counts = pd.DataFrame([(b, w, int(rnd.poisson(3))) for b in ("BU01185000", "BU01185001", "BU01185005")
                           for w in weeks], columns=["area_code", "period_start", "count"])
    counts = counts.assign(signal="zwerfafval", period="week", source="meldingen", load_id="test")[
        ["area_code", "signal", "period", "period_start", "count", "source", "load_id"]]
    home = resolve_home(tmp_path_factory.mktemp("w47"))
    with connect(home.warehouse) as con:
        sync(con, ref)
        with transaction(con):
            insert_frame(con, "core.signal_counts", counts)
        assert score_and_flag(con, ref, today=pd.Timestamp("2026-11-26")).run_period == "2026-W47"
    return home


def test_a_period_without_a_run_names_the_run_command_that_makes_it(w47_home, ref):
    """README, *An earlier week*: `wijkradar run --today 2026-11-12` makes the run of that week. `report --period`
    told the user to run `wijkradar run`, which makes the current week's run, never the one asked for."""
    res, out = invoke(w47_home, "report", "--period", "2026-W40")
    assert res.exit_code == 2
    assert "runs exist for 2026-W47" in out and "wijkradar run --today 2026-10-05" in out
    res, out = invoke(w47_home, "flags", "--period", "2026-W40")
    assert res.exit_code == 2 and "wijkradar run --today 2026-10-05" in out
    with connect(w47_home.warehouse) as con:                  # and that day does make the run of that week
        assert score_and_flag(con, ref, today=pd.Timestamp("2026-10-05")).run_period == "2026-W40"


def test_feedback_import_of_a_missing_file_says_it_is_missing(w47_home, tmp_path):
    res, out = invoke(w47_home, "feedback", "import", str(tmp_path / "terugkoppeling_de-weide.xlsx"))
    assert res.exit_code == 2
    assert "there is no such file" in out and "not a file" not in out
    res, out = invoke(w47_home, "feedback", "import", str(tmp_path))          # a folder is still "not a file"
    assert res.exit_code == 2 and "it is not a file" in out
