"""Personal values that reached messages, stderr and Prefect's database past the scrubbers (red team 10a F3-F6): a
dropped header naming its person, a library's warning quoting a cell, a login folder in a path, a working folder
named after its owner."""
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from pipelines.sources import common
from tests.adversarial.corpus import with_custom_property

DROPPED = ["Tel. Jansen", "E-mail Kloosterboer", "BSN Dijkhuizen"]


# --- F4: the warning about dropped personal columns ---------------------------------------------------------------

def test_a_dropped_personal_header_is_shown_by_the_allow_list_of_labels_never_with_its_surname(caplog):
    frame = pd.DataFrame({"row_number": [2], "Buurtcode": ["BU01185000"], **{h: [""] for h in DROPPED},
                          "Tel.nr.": [""], "Naam melder": [""]})
    with caplog.at_level(logging.WARNING, logger="wijkradar.ingest"):
        kept = common.refuse_personal_columns(frame, Path("meldingen_2026-W48.csv"))
    assert list(kept.columns) == ["row_number", "Buurtcode"]
    assert "Jansen" not in caplog.text and "Kloosterboer" not in caplog.text and "Dijkhuizen" not in caplog.text
    # the kind of each column stays readable, so the supplier knows what to leave out
    assert ("['Tel. [verwijderd]', 'E-mail [verwijderd]', 'BSN [verwijderd]', 'Tel.nr.', 'Naam melder']"
            in caplog.text), caplog.text


# --- F5: a library's warnings quote the delivered file ------------------------------------------------------------

def _meldingen_with_numbers_in_date_cells(path: Path, numbers: list[int], prop: str) -> None:
    import datetime
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"])
    for i in range(8):
        ws.append([f"SIG-55500{i}", datetime.date(2026, 11, 16 + i % 5), "Afval", "Zwerfafval", "BU01185000"])
    for i, number in enumerate(numbers):              # a BSN, a mobile number without its 0 typed into date cells
        ws.append([f"SIG-55510{i}", number, "Afval", "Zwerfafval", "BU01185000"])
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 2).number_format = "dd-mm-yyyy"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(with_custom_property(buffer.getvalue(), prop))


def test_the_workbook_readers_warnings_never_reach_stderr_of_the_command_only_wijkradars_sentence(tmp_path):
    import os
    import subprocess
    import sys

    from pipelines.paths import REPO_ROOT

    prop = "Casushouder Geertruida Bosscher 06-11122233"
    path = tmp_path / "meldingen_2026-W47b.xlsx"
    _meldingen_with_numbers_in_date_cells(path, [111222333, 687654321], prop)
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(tmp_path / "home"), "ingest",
                           "--source", "meldingen", "--today", "2026-11-26", str(path)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONWARNINGS": "default"})
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    for secret in ("111222333", "687654321", "Bosscher", "Geertruida", "11122233"):
        assert secret not in said, (secret, said)
    assert "UserWarning" not in said and "openpyxl" not in said, said
    assert "cell(s) B10, B11 are formatted as a date but hold a number that is no date" in said, said
    assert "10 rows read, 8 accepted, 2 quarantined" in said, said


def test_a_returned_list_is_read_without_the_readers_warnings_too(tmp_path, recwarn, caplog):
    """feedback import reads the returned workbook through the same reader (``workbook_sheets``)."""
    from pipelines.sources.common import workbook_sheets

    path = tmp_path / "terugkoppeling_de-weide.xlsx"
    _meldingen_with_numbers_in_date_cells(path, [111222333], "Ingevuld door Geertruida Bosscher 06-11122233")
    with caplog.at_level(logging.DEBUG, logger="wijkradar.ingest"):
        [(_, _, rows)] = workbook_sheets(path)
    assert len(rows) == 10
    assert [str(w.message) for w in recwarn] == []
    assert "Bosscher" not in caplog.text and "111222333" not in caplog.text
    assert "1 other warning(s) of the workbook reader" in caplog.text


# --- F6: a person's login folder in a path ------------------------------------------------------------------------

LOGINS = ["g.brinkhuis", "jjansen", "kloosterboer", "Gerrit_Brinkhuis"]


def test_a_held_file_in_a_login_folder_keeps_no_place_and_ordinary_folders_stay_readable(tmp_path):
    from pipelines.ingest import held_place

    for login in LOGINS:
        path = tmp_path / "home" / login / "Downloads" / "wijkteam_2026-10.csv"
        assert held_place(path) == "", login
    ordinary = tmp_path / "srv" / "wijkradar" / "sociaal_domein" / "inbox" / "wijkteam_2026-10.csv"
    assert held_place(ordinary) == str(ordinary.resolve())
    # a surname that is a Dutch word too stays a folder ("root" of pytest-of-root, "visser")
    assert held_place(Path("/home/visser/wijkteam_2026-10.csv")) == "/home/visser/wijkteam_2026-10.csv"


def test_a_typed_path_through_a_login_folder_is_shown_without_it(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    for login in LOGINS:
        missing = tmp_path / "home" / login / "wijkteam_2026-11.csv"
        said = CliRunner().invoke(app, ["--home", str(tmp_path / "wr"), "ingest", "--source", "wijkteam",
                                        str(missing)]).output
        assert "does not exist" in said and login not in said, said
        assert f"{tmp_path}/home/[verwijderd: naam]/wijkteam_2026-11.csv does not exist" in said.replace("\n", ""), said


# --- F3: a working folder named after its owner -------------------------------------------------------------------

def _prefect_database_folders() -> list[Path]:
    import os

    import prefect.settings as ps

    url = str(ps.PREFECT_SERVER_DATABASE_CONNECTION_URL.value() or "")
    found = [Path(url.split(":///", 1)[1]).parent] if url.startswith("sqlite") and ":///" in url else []
    return found + [Path(os.environ["PREFECT_HOME"])]


@pytest.mark.flow
def test_a_home_named_after_its_owner_is_neither_printed_by_the_run_nor_kept_by_prefect(tmp_path, prefect_harness):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.paths import resolve_home
    from tests.adversarial.leaks import find_leaks
    from tests.conftest import migrated, write_csv

    owner = "Hendrikje_Mulderij"                 # a name no other test gives its folder: Prefect's database is shared
    home = migrated(resolve_home(tmp_path / "wr" / owner))
    write_csv(home.inbox / "meldingen_okt.csv", ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie",
                                                 "Buurtcode"],
              [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(40)])
    res = CliRunner().invoke(app, ["--home", str(home.root), "run", "--today", "2026-11-26"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert owner not in res.output and "Mulderij" not in res.output, res.output
    assert re.search(r"\n  \S+: exports/2026-W\d\d/\S+\.xlsx, exports/2026-W", res.output), res.output
    try:
        from prefect.logging.handlers import APILogHandler

        APILogHandler.flush()
    except Exception:  # noqa: BLE001 - best effort: the logs may already be written
        pass
    assert find_leaks([owner, "Mulderij"], _prefect_database_folders()) == []
    # the next run in the same process, given another home, works there (the home is no flow parameter)
    other = migrated(resolve_home(tmp_path / "srv" / "wijkradar"))
    res = CliRunner().invoke(app, ["--home", str(other.root), "run", "--today", "2026-11-26"], catch_exceptions=False)
    assert "no lists this run" in res.output or res.exit_code == 0, res.output
    assert list(other.exports.glob("*/*.xlsx")) == [] and list(home.exports.glob("*/*.xlsx"))


def test_a_path_is_shown_relative_to_the_home_inside_it_and_without_a_login_outside(tmp_path):
    from pipelines.paths import Home

    home = Home(Path("/home/jjansen/wijkradar"))
    assert home.shown(home.exports / "2026-W47" / "centrum-noord.xlsx") == "exports/2026-W47/centrum-noord.xlsx"
    assert home.shown(Path("/home/jjansen/Downloads/wijkteam_2026-10.csv")) == \
        "/home/[verwijderd: naam]/Downloads/wijkteam_2026-10.csv"
    assert home.shown_root == "/home/[verwijderd: naam]/wijkradar"
    assert Home(Path("/srv/wijkradar")).shown_root == "/srv/wijkradar"


def test_a_flow_without_a_home_works_in_the_commands_home_else_in_the_workers(tmp_path, monkeypatch):
    """The deployments of prefect.yaml give no parameters: a scheduled run finds ``$WIJKRADAR_HOME`` of its worker;
    the command line's runs find the home it chose, in the process, never as a parameter Prefect would store."""
    import inspect

    import yaml

    from pipelines import flows
    from pipelines.paths import REPO_ROOT, home_for_flows, resolve_home

    deployments = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    for d in deployments:
        assert not d.get("parameters"), d["name"]
        fn = getattr(flows, d["entrypoint"].split(":")[1])
        assert inspect.signature(fn.fn).parameters["home"].default is None, d["name"]
    monkeypatch.setenv("WIJKRADAR_HOME", str(tmp_path / "worker"))
    assert resolve_home().root == (tmp_path / "worker").resolve()
    with home_for_flows(tmp_path / "chosen"):
        assert resolve_home().root == (tmp_path / "chosen").resolve()
        assert resolve_home(tmp_path / "given").root == (tmp_path / "given").resolve()
    assert resolve_home().root == (tmp_path / "worker").resolve()


def test_the_reports_prefect_artifact_names_the_folder_in_the_home_and_links_it_only_without_a_name(tmp_path):
    from pipelines.paths import Home
    from pipelines.reports.build import report_link_markdown

    for owner, linked in (("srv", True), ("jjansen", False)):
        home = Home(tmp_path / owner / "wijkradar")
        (home.reports / "2026-W47").mkdir(parents=True)
        (home.reports / "2026-W47" / "index.html").write_text("<p>rapport</p>", encoding="utf-8")
        markdown = report_link_markdown(home, "2026-W47")
        assert markdown.startswith("Rapport voor periode 2026-W47: " + ("[reports/2026-W47](file://" if linked
                                                                          else "reports/2026-W47\n")), markdown
        assert ("file://" in markdown) is linked and "jjansen" not in markdown


@pytest.mark.parametrize("login", ["jdevries", "jvandenberg", "pvandijk", "j.vandenberg", "j.bakker", "j.de.vries",
                                   "j_van_dijk", "jjansen", "g.brinkhuis"])
def test_logins_of_the_most_common_surnames_are_logins(login):
    # red team 11a F3: every surname with a tussenvoegsel (jdevries, jvandenberg) and dotted forms of a surname that
    # is a Dutch word (j.bakker) were printed as they were: 31 of 50 logins of the 25 most common surnames
    from pipelines.privacy import personal_folder

    assert personal_folder(login)


@pytest.mark.parametrize("folder", ["pytest-of-root", "wk-de-weide", "buurt_indeling", "denhaag", "terborg",
                                    "vanderbilt", "sociaal_domein", "vandaag", "mededeling", "visser"])
def test_ordinary_folders_beside_them_stay_readable(folder):
    from pipelines.privacy import personal_folder

    assert not personal_folder(folder)
