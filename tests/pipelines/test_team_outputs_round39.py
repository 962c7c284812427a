"""A wijkteam's outputs hold only its own areas, across re-divisions between runs (round 39).

A home with the demo's 2026-W46 run, its lists written and answered; then buurt_indeling.csv moves Kinholt, on
de-weide's list with a running alarm, to zuid-oost, and the 2026-W47 run is made under the new division. The year
plan of the team that was sent a moved buurt's flag keeps it as its own record (what it was sent and answered), but
never as a point that is still open for it: the buurt is another team's now, and that team's list and plan carry it.
"""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.export import export_run
from pipelines.paths import REFERENCE_DIR
from pipelines.reference import Reference
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect
from tests.conftest import demo_run_copy

MOVED, NAME, OLD, NEW = "BU01185101", "Kinholt", "de-weide", "zuid-oost"


def cli(home, *args):
    res = CliRunner().invoke(app, ["--home", str(home.root), *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def _moved_profile(home) -> Reference:
    folder = home.root / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "buurt_indeling.csv"
    path.write_text(re.sub(rf"^{MOVED},{OLD},", f"{MOVED},{NEW},", path.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    return Reference.for_home(home)


def _answer(home, run_period: str, team: str, answers: dict[str, str], tmp) -> None:
    """The team's list of ``run_period`` returned with ``answers`` (buurt name -> answer), imported."""
    wb = load_workbook(home.exports / run_period / f"{team}.xlsx")
    sheet = wb["Signalen"]
    for row in range(5, sheet.max_row + 1):
        if sheet[f"F{row}"].value in answers:
            sheet[f"K{row}"] = answers[sheet[f"F{row}"].value]
    wb.save(tmp / f"terugkoppeling_{team}.xlsx")
    cli(home, "feedback", "import", str(tmp / f"terugkoppeling_{team}.xlsx"), "--today", "2026-11-20")


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """(home after the W46 run and the move, home after the W47 run under the new division)."""
    base = tmp_path_factory.mktemp("w46")
    home, run = demo_run_copy(base, Reference(), today="2026-11-19")
    with connect(home.warehouse) as con:
        export_run(con, home, run)
    _answer(home, run.run_period, OLD, {NAME: "opgepakt"}, base)
    ref = _moved_profile(home)
    later = tmp_path_factory.mktemp("w47") / "home"
    shutil.copytree(home.root, later)
    from pipelines.paths import resolve_home

    later = resolve_home(later)
    with connect(later.warehouse) as con:
        w47 = score_and_flag(con, Reference.for_home(later), today=pd.Timestamp("2026-11-26"))
        export_run(con, later, w47)
    assert ref.buurten is not None
    return home, later


def _plan(home, team: str) -> str:
    path = home.root / cli(home, "report", "--jaarplan", "2026", "--team", team).strip().splitlines()[-1]
    text = re.sub(r"<svg.*?</svg>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _open_items(text: str) -> str:
    return text.split("Wat staat nog open", 1)[1]


def _row(text: str, name: str) -> str:
    """The row of ``name`` in the table of the year's flags."""
    flags = text.split("wat ermee gedaan is", 1)[1].split("Wat staat nog open", 1)[0]
    return flags[flags.index(f"{name} fysiek"):][:160]


def test_the_plan_of_the_team_a_buurt_moved_from_does_not_hold_its_running_flag_as_open(weeks):
    """de-weide's 2026 plan listed Kinholt under 'Wat staat nog open: input voor het jaarplan' after Kinholt moved to
    zuid-oost (and, after zuid-oost's first run, so did zuid-oost's plan: one flag open in two teams' plans), above
    the line 'Alleen de buurten van Wijkteam De Weide'."""
    for home in weeks:
        text = _plan(home, OLD)
        assert f"{NAME}, " not in _open_items(text), _open_items(text)
        row = _row(text, NAME)          # its own record: what it was sent and how it answered
        assert "overgedragen" in row and "opgepakt" in row, row
        assert "1 overgedragen aan een ander wijkteam" in text.split("Ontwikkeling per buurt", 1)[0]


def test_the_team_a_buurt_moved_to_holds_its_running_flag_once_its_list_has_it(weeks):
    before, after = weeks
    assert f"{NAME}, " not in _open_items(_plan(before, NEW))       # no list of zuid-oost held it yet
    text = _plan(after, NEW)
    assert f"{NAME}, fysiek (sinds 19-10-2026, nog geen terugkoppeling)" in _open_items(text)   # not de-weide's answer
    assert "overgedragen" not in text


def test_an_earlier_runs_list_written_again_names_no_buurt_of_another_team_as_not_all_delivered(weeks, tmp_path):
    """The W46 lists written again after the W47 run (``flags --period 2026-W46 --format html``) said 'Niet alle
    tellingen zijn geleverd voor Kinholt (2026-W47)' on zuid-oost's W46 list: the sentence was made from the marts'
    latest week (W47's, not the list's) and grouped by today's teams, so a buurt of de-weide at that run was named to
    zuid-oost. A list shows the sentence of its own run's period, by the teams of its run."""
    from pipelines.paths import resolve_home

    home = resolve_home(shutil.copytree(weeks[1].root, tmp_path / "home"))
    with connect(home.warehouse) as con:
        # what a delivery that left Kinholt out of its newest week records: its count there is a lower bound
        con.execute("UPDATE marts.series_scores SET partial = true WHERE area_code = ? AND period = 'week' AND "
                    "period_start = (SELECT max(period_start) FROM marts.series_scores WHERE period = 'week')", [MOVED])
    cli(home, "flags", "--period", "2026-W46", "--team", NEW, "--format", "html")
    for team in (NEW, OLD):
        for suffix in ("html", "csv"):
            text = (home.exports / "2026-W46" / f"{team}.{suffix}").read_text(encoding="utf-8-sig")
            assert "Niet alle tellingen" not in text, (team, suffix)
    cli(home, "flags", "--period", "2026-W47", "--team", NEW, "--format", "html")        # the run of that week
    assert f"Niet alle tellingen zijn geleverd voor {NAME} (2026-W47)" in (
        home.exports / "2026-W47" / f"{NEW}.html").read_text(encoding="utf-8")
    assert "Niet alle tellingen" not in (home.exports / "2026-W47" / f"{OLD}.html").read_text(encoding="utf-8")
