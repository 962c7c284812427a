"""Errors say what to do next (round 39's audit of every message a command prints, ``error_audit.md``): each refusal
found without a next step is triggered for real, on a working folder and its files, and its sentence must name the
step; a fault of wijkradar's own (an exception no command expects) ends in a sentence naming the file that holds its
details and whom to send it, not in a traceback that quotes the data."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines import cli
from pipelines.cli import app
from pipelines.paths import REFERENCE_DIR
from pipelines.warehouse import connect
from tests.conftest import write_csv

runner = CliRunner()
#: a delivery's cell that an error's text quotes (a frame of the traceback shows the line ``raise ...(CELL)``)
CELL = "Jan Jansen, Dorpsstraat 12"
HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def said(res) -> str:
    return " ".join(res.output.split())


def invoke(home, *args):
    return runner.invoke(app, ["--home", str(home.root), *args])


def deliveries(home, name: str = "meldingen_okt.csv", rows: int = 12):
    home.root.mkdir(parents=True, exist_ok=True)
    return write_csv(home.root / name, HEADER, [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval",
                                                 "BU01185000"] for i in range(rows)])


def own_profile(home, name: str, edit) -> None:
    """The demo profile as the working folder's own, its file ``name`` edited (``edit``: text in, text out)."""
    folder = home.root / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


# --- a fault of wijkradar's: where the details are and whom to send them -------------------------------------------

@pytest.fixture
def a_bug(home, monkeypatch):
    """``wijkradar loads`` meets a fault of its own whose text quotes a delivery's cell (a name and an address)."""
    from pipelines import catalog

    def broken(con):
        raise RuntimeError(CELL)

    with connect(home.warehouse):
        pass
    monkeypatch.setattr(catalog, "held_loads", broken)
    monkeypatch.setattr(sys, "argv", ["wijkradar", "--home", str(home.root), "loads"])


def test_an_unexpected_error_names_its_log_file_and_whom_to_send_it(home, a_bug, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main()
    out = " ".join(capsys.readouterr().out.split())
    assert stop.value.code == 1
    assert out.startswith("error: wijkradar stopped on an unexpected error (RuntimeError at pipelines/cli.py:")
    logs = list((home.root / "logs").glob("error-*.log"))
    assert len(logs) == 1 and f"the details, without personal data, are in logs/{logs[0].name} in the working folder" \
        in out
    assert "send that file and the command you ran to whoever maintains wijkradar" in out
    assert "Traceback" not in out and "Jansen" not in out and "Dorpsstraat" not in out
    details = logs[0].read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in details and "in loads_list: held = catalog.held_loads(con)" in details
    assert f"command: wijkradar --home {home.root} loads" in details
    assert "Jansen" not in details and "Dorpsstraat" not in details


def test_an_unexpected_error_outside_a_working_folder_writes_its_details_to_the_temporary_folder(
        tmp_path, monkeypatch, capsys):
    """``wijkradar detect`` uses no working folder of the analyst's: the details go to the system's temporary folder."""
    from pipelines import detect

    def broken(*args, **kwargs):
        raise KeyError(CELL)

    monkeypatch.setattr(detect, "detect_file", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    counts = tmp_path / "counts.csv"
    counts.write_text("series,period_index,count\na,1,3\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["wijkradar", "--home", str(tmp_path / "home"), "detect", "--input", str(counts),
                                      "--output", str(tmp_path / "out.csv")])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    out = " ".join(capsys.readouterr().out.split())
    logs = list(tmp_path.glob("error-*.log")) + list((tmp_path / "home" / "logs").glob("error-*.log"))
    assert stop.value.code == 1 and len(logs) == 1 and logs[0].name in out
    assert "(KeyError at pipelines/cli.py:" in out and "Jansen" not in out + logs[0].read_text(encoding="utf-8")


def test_a_refusal_is_still_its_own_sentence_with_exit_code_2(home, monkeypatch, capsys):
    """The boundary for faults leaves a profile's refusal as it was: its sentence, exit code 2, no log file."""
    own_profile(home, "wijkteams.csv", lambda text: "")
    monkeypatch.setattr(sys, "argv", ["wijkradar", "--home", str(home.root), "ingest", str(deliveries(home)),
                                      "--source", "meldingen"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    out = " ".join(capsys.readouterr().out.split())
    assert stop.value.code == 2 and "wijkteams.csv is empty" in out and "unexpected" not in out
    assert not (home.root / "logs").exists()


# --- refusals that named the problem but not the fix ---------------------------------------------------------------

def test_a_manifest_whose_window_ends_before_it_starts_says_to_swap_the_days(home):
    path = deliveries(home)
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": "2026-10-31", "volledig_tot": "2026-10-01"}), encoding="utf-8")
    res = invoke(home, "ingest", str(path), "--source", "meldingen", "--today", "2026-11-26")
    assert res.exit_code == 2, res.output
    assert ("meldingen_okt.csv.manifest.json: volledig_tot lies before volledig_van, so the window ends before it "
            "starts; swap the two days (the first day the delivery covers completely, then the last)") in said(res)


def test_a_full_window_that_ends_before_it_starts_says_to_swap_the_days(home):
    res = invoke(home, "ingest", str(deliveries(home)), "--source", "meldingen", "--today", "2026-11-26",
                 "--full-window", "2026-10-31:2026-10-01")
    assert res.exit_code == 2 and "its last day lies before its first day, so the window ends before it starts; " \
        "swap the two days" in said(res), res.output


def test_a_buurt_given_to_two_teams_says_to_keep_one_line(home):
    def twice(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([*lines, lines[1]]) + "\n"

    own_profile(home, "buurt_indeling.csv", twice)
    res = invoke(home, "ingest", str(deliveries(home)), "--source", "meldingen", "--today", "2026-11-26")
    assert res.exit_code == 2, res.output
    assert ("more than once; nothing was read or changed: every buurt belongs to exactly one wijkteam, so keep one "
            "line per buurt (the one with its wijkteam) and delete the others") in said(res)
    assert "['" not in said(res)                    # the codes as a list, not as Python writes one


def test_an_unknown_list_setting_says_to_correct_or_delete_it(home):
    own_profile(home, "lijst_instellingen.csv", lambda text: text.rstrip("\n") + "\nmax_flagz,3\n")
    res = invoke(home, "ingest", str(deliveries(home)), "--source", "meldingen", "--today", "2026-11-26")
    assert res.exit_code == 2, res.output
    assert ("lijst_instellingen.csv has unknown setting(s) max_flagz; nothing was read or changed: correct the name "
            "(known: ") in said(res) and "or delete the line" in said(res)


@pytest.mark.parametrize("line, expected", [
    ("open_drempl,5", "rapport_instellingen.csv in the working folder has an unknown setting 'open_drempl'; correct "
                      "the name (known: "),
    ("open_drempel,vijf", "rapport_instellingen.csv in the working folder: open_drempel = 'vijf' is not a whole "
                          "number; give one (the default is 5) and run the command again"),
    ("open_drempel,7", "must be 5 or a higher multiple of 5: correct it and run the command again")])
def test_a_bad_report_setting_says_what_to_write_instead_and_names_the_file_within_the_working_folder(
        home, line, expected):
    with connect(home.warehouse):
        pass
    (home.root / "rapport_instellingen.csv").write_text(f"setting,value\n{line}\n", encoding="utf-8")
    res = invoke(home, "report", "--open")
    assert res.exit_code == 2 and expected in said(res), res.output
    assert str(home.root) not in said(res)


def test_a_signalen_export_without_its_columns_says_to_export_it_again(home):
    path = home.root / "meldingen_dwh_2026-W45.zip"
    home.root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("signals.csv", "id,created,location_id,category_assignment_id\n1,2026-11-02,1,11\n")
        z.writestr("locations.csv", "id,area_code\n1,BU01185000\n")
        z.writestr("categories.csv", "id,main,sub\n11,afval,zwerfafval\n")
    res = invoke(home, "ingest", str(path), "--source", "meldingen", "--today", "2026-11-26")
    assert res.exit_code == 2, res.output
    assert ("signals.csv lacks column(s) created_at; this is not the Signalen data-warehouse layout: export signals, "
            "locations and categories again from the Signalen data warehouse") in said(res)


def test_a_detect_file_with_a_bad_period_index_says_to_fix_those_rows(tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("series,period_index,count\na,1,3\na,0,4\n", encoding="utf-8")
    res = runner.invoke(app, ["--home", str(tmp_path / "home"), "detect", "--input", str(counts),
                              "--output", str(tmp_path / "out.csv")])
    assert res.exit_code == 2 and "data row(s) 2 are not: fix those rows and run again" in said(res), res.output


# --- warnings: what became of the rows they name, and where to see them -----------------------------------------

def test_rows_that_do_not_fit_the_columns_are_named_with_where_to_see_them(home, caplog):
    path = deliveries(home)
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] += ";extra;cellen"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="wijkradar.ingest"):
        res = invoke(home, "ingest", str(path), "--source", "meldingen", "--today", "2026-11-26")
    assert res.exit_code == 0, res.output
    warned = [r.getMessage() for r in caplog.records if "do not fit the table's" in r.getMessage()]
    assert len(warned) == 1 and warned[0].endswith("they are quarantined with what to fix: see them with "
                                                   "`wijkradar quarantine`")
    res = invoke(home, "quarantine")
    assert "line 4 has 7 cells where the table has 5" in said(res) and "deliver the file again" in said(res), res.output


def test_a_report_notebook_that_fails_says_whom_to_tell_and_that_the_earlier_reports_stand(tmp_path, ref, monkeypatch):
    """A notebook raising an error is no fault of the analyst's data or command: the sentence names the notebook, its
    error and whom to send it (it had named the error only)."""
    from pipelines.paths import REPO_ROOT
    from pipelines.reports import build
    from tests.conftest import demo_run_copy

    home, _ = demo_run_copy(tmp_path, ref)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO_ROOT / "notebooks", notebooks)
    trends = notebooks / "01-trends.py"
    trends.write_text(trends.read_text(encoding="utf-8") + "\n# %%\nraise ZeroDivisionError('division by zero')\n",
                      encoding="utf-8")
    monkeypatch.setattr(build, "NOTEBOOK_DIR", notebooks)
    res = invoke(home, "report")
    assert res.exit_code == 2, res.output
    assert ("notebooks/01-trends.py failed: ZeroDivisionError: division by zero; a fault of wijkradar's report "
            "notebooks, not of your data, and the earlier reports are as they were: send this sentence and the command "
            "you ran to whoever maintains wijkradar") in said(res)
    assert "\x1b" not in res.output            # the kernel's colour codes were printed as they came


@pytest.mark.flow
def test_a_prefect_server_that_stops_while_starting_says_what_to_fix_and_where_its_log_is(tmp_path):
    """The weekly run on a working folder whose Prefect database cannot be opened (a folder where the file belongs):
    the sentence named the error and the log, not what to do. A process of its own: Prefect's home is chosen once per
    process (here the working folder's own ``.prefect``, as for an analyst)."""
    home = tmp_path / "home"
    (home / ".prefect" / "prefect.db").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(home), "run", "--today", "2026-11-26"],
                          env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}, capture_output=True,
                          text=True, timeout=300)
    out = " ".join(done.stdout.split())
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert "error: Prefect's temporary server stopped while starting (exit code 3): " in out
    assert ("fix what it names (free space; a file or folder where .prefect/prefect.db belongs, moved aside) and run "
            "the command again; if it stops again, send its log, server.log in Prefect's home (.prefect in the "
            "working folder), to whoever maintains wijkradar") in out


def test_the_note_of_series_beyond_the_calibration_names_them_and_what_to_check(caplog):
    import numpy as np
    import pandas as pd

    from pipelines.score import score_counts

    starts = [pd.Timestamp("2020-11-30") + pd.Timedelta(weeks=w) for w in range(6 * 52)]
    counts = pd.concat([pd.DataFrame({"area_code": area, "signal": "zwerfafval", "period": "week",
                                      "period_start": starts, "count": np.random.default_rng(seed).poisson(level, 312),
                                      "source": "meldingen"}) for area, level, seed in (("A", 4.0, 1), ("B", 2000.0, 2))],
                       ignore_index=True)
    with caplog.at_level(logging.WARNING, logger="wijkradar.score"):
        score_counts(counts, ["A", "B"])
    notes = [r.getMessage() for r in caplog.records if "calibrated" in r.getMessage()]
    assert len(notes) == 1 and notes[0].endswith("; check that their source delivers counts per buurt "
                                                 "(B/zwerfafval), and read their flags with this in mind")


def test_status_without_a_run_says_how_to_make_one(home):
    with connect(home.warehouse):
        pass
    res = invoke(home, "status")
    assert res.exit_code == 0 and "no run yet: make one with `wijkradar run` once files are in the inbox" in said(res)


def test_a_detect_file_too_short_for_any_score_says_to_give_more_periods(tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("series,period_index,count\n" + "".join(f"a,{i},3\n" for i in range(1, 4)), encoding="utf-8")
    res = runner.invoke(app, ["--home", str(tmp_path / "home"), "detect", "--input", str(counts),
                              "--output", str(tmp_path / "out.csv")])
    assert res.exit_code == 2 and "and the longest series has 3; give the series more periods. Nothing was written" \
        in said(res), res.output
