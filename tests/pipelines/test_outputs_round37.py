"""The outputs after a team renamed in the profile (red team round 37): the run's lists keep the team as its lists
were sent, so ``flags --format`` writes and names them as ``flags`` prints them, and the year plan of the team as it
is named now holds what its lists held under the old code."""
from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference
from tests.conftest import demo_run_copy

OLD, NEW = "de-weide", "weide-nieuw"
#: the buurten on de-weide's list of the demo's 2026-W47 run (the injected vandalism and its neighbour)
LISTED = ("Schoonvelde-West", "Kinholt", "Steenbergerweiden")


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """A home with the demo's 2026-W47 run, whose profile has since renamed team de-weide to weide-nieuw."""
    home, run = demo_run_copy(tmp_path_factory.mktemp("renamed"), Reference())
    folder = home.root / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    for name in ("wijkteams.csv", "buurt_indeling.csv"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"{OLD},Wijkteam De Weide", f"{NEW},Wijkteam De Weide").replace(f",{OLD},", f",{NEW},")
        path.write_text(text, encoding="utf-8")
    return home, run


def cli(home, *args) -> SimpleNamespace:
    """The command run in this process (the commands' own code; a process each would cost seconds of imports)."""
    res = CliRunner().invoke(app, ["--home", str(home.root), *args])
    return SimpleNamespace(returncode=res.exit_code, stdout=res.stdout, stderr=res.stderr)


@pytest.mark.parametrize("format", ["csv", "xlsx", "html"])
def test_flags_writes_the_list_of_a_team_renamed_since_as_flags_prints_it(renamed, format):
    """``flags --team de-weide`` printed the list, ``--format xlsx`` refused the team as unknown (it checked today's
    teams, not the run's), and ``--team weide-nieuw --format xlsx`` printed nothing with exit code 0."""
    home, run = renamed
    table = cli(home, "flags", "--team", OLD)
    assert table.returncode == 0, table.stderr
    written = cli(home, "flags", "--team", OLD, "--format", format)
    assert written.returncode == 0, written.stdout + written.stderr
    if format == "csv":
        assert all(name in written.stdout for name in LISTED)
    else:
        assert written.stdout.strip() == f"exports/{run.run_period}/{OLD}.{format}"
        assert (home.root / written.stdout.strip()).exists()
    # the team as named today: written exactly when the table prints it (a run without risk rows sends every team
    # of today a list, selection.run_teams), never an exit code 0 without a file
    printed, now = cli(home, "flags", "--team", NEW), cli(home, "flags", "--team", NEW, "--format", format)
    assert now.returncode == printed.returncode
    if format != "csv" and now.returncode == 0:
        assert (home.root / now.stdout.strip()).exists()


def _open_items(page: str) -> str:
    """The text of the page's section 'Wat staat nog open'."""
    text = re.sub(r"<[^>]+>", " ", page.split("Wat staat nog open", 1)[1])
    return " ".join(text.split())


def test_the_year_plan_of_a_team_renamed_since_holds_what_its_lists_held_under_the_old_code(renamed):
    """The flags on de-weide's list were the plan of no team after it was renamed weide-nieuw: ``--team de-weide`` is
    refused as unknown, and weide-nieuw's plan said ``Niets staat meer open`` beside three open alarms."""
    home, _ = renamed
    made = cli(home, "report", "--jaarplan", "2026", "--team", NEW)
    assert made.returncode == 0, made.stdout + made.stderr
    page = (home.root / made.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    items = _open_items(page)
    assert "Niets staat meer open" not in items
    assert all(f"{name}, fysiek" in items for name in LISTED), items
    # another team's plan gains nothing of them
    other = cli(home, "report", "--jaarplan", "2026", "--team", "zuid-oost")
    assert not any(name in _open_items((home.root / other.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8"))
                   for name in LISTED)


def test_a_maps_tip_gives_the_p_value_as_the_legend_does_in_dutch():
    """The 03-map report's tip read ``-log10 p = -0.0`` (a point, a minus zero) beside a Dutch legend of p-values."""
    import pandas as pd

    from pipelines.reports.maps import map_svg, p_text

    assert [p_text(s) for s in (-0.0, 0.9, 2.0, 2.9, 4.0, 6.5)] == [
        "p = 1", "p = 0,13", "p = 0,01", "p = 0,0013", "p = 0,0001", "p < 0,0001"]
    outline = pd.DataFrame({"area_code": ["BU01185000"], "name": ["Centrum"], "d": ["M0 0L1 0L1 1Z"]})
    svg = map_svg(outline, "0 0 1 1", {"BU01185000": -0.0}, set(), "fysiek")
    assert "<title>Centrum (BU01185000): p = 1</title>" in svg and "log10" not in svg
