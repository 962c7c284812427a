"""The wijkradar command as a user meets it: help, status, ingest, flags, demo."""
import re

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect
from tests.conftest import write_csv

runner = CliRunner()


def invoke(home, *args):
    return runner.invoke(app, ["--home", str(home.root), *args], catch_exceptions=False)


def test_help_lists_every_command():
    out = runner.invoke(app, ["--help"]).output
    for cmd in ("demo", "run", "ingest", "flags", "status"):
        assert re.search(rf"\b{cmd}\b", out)


def test_status_on_a_new_home_says_what_to_do(home):
    from pipelines.warehouse import connect, migrations

    with connect(home.warehouse):                 # a working folder made, nothing loaded
        pass
    res = invoke(home, "status")
    assert res.exit_code == 0
    assert "nothing loaded yet" in res.output and f"schema version {migrations()[-1][0]}" in res.output


@pytest.mark.parametrize("command", [["status"], ["flags"], ["explain", "01185005"], ["quarantine"],
                                     ["quarantine", "export"], ["loads"], ["feedback"]])
def test_a_mistyped_home_is_refused_by_the_commands_that_read_a_working_folder(tmp_path, command):
    """They made the folder, an empty warehouse in it, and answered as if it were the analyst's ("nothing loaded
    yet", "01185005 is not an area")."""
    missing = tmp_path / "typo"
    res = runner.invoke(app, ["--home", str(missing), *command], catch_exceptions=False)
    assert res.exit_code == 2 and "no warehouse in" in res.output and "--home" in res.output
    assert not missing.exists()
    helped = runner.invoke(app, ["--home", str(missing), *command[:1], "--help"], catch_exceptions=False)
    assert helped.exit_code == 0 and "Usage" in helped.output and not missing.exists()    # help is still help


def test_ingest_reports_quarantine_and_status_shows_reconciliation(home, tmp_path):
    path = write_csv(tmp_path / "export.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"],
                     [["BU01185000", "2026-10", "Eenzaamheid", "3"], ["BU01185000", "2026-09", "Eenzaamheid", "2"],
                      ["BU01189999", "2026-10", "Eenzaamheid", "1"]])
    res = invoke(home, "ingest", "--source", "wijkteam", str(path), "--today", "2026-11-26")
    assert res.exit_code == 0, res.output
    assert "3 rows read, 2 accepted, 1 quarantined" in res.output
    status = invoke(home, "status").output
    assert "buurtcode is not a buurt of the 2024 division" in status
    assert re.search(r"export\.csv\s+│[^│]+│\s+3\s+│\s+2\s+│\s+1", status)


def test_refusals_are_one_clear_sentence_not_a_traceback(home, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"],
                     [["Kerkweg 3", "2026-10", "Eenzaamheid", "3"], ["Dorpsstraat 10-12", "2026-10", "Eenzaamheid", "1"]])
    res = invoke(home, "ingest", "--source", "wijkteam", str(path))
    assert res.exit_code == 2
    assert "column Buurtcode holds personal data (adres)" in res.output and "Traceback" not in res.output
    assert "Kerkweg" not in res.output and "Dorpsstraat" not in res.output
    res = invoke(home, "ingest", "--source", "politie2", str(path))
    assert res.exit_code == 2 and "unknown source" in res.output
    res = invoke(home, "flags", "--team", "nobody")
    assert res.exit_code == 2 and "unknown wijkteam 'nobody'; choose one of: centrum-noord" in res.output


@pytest.mark.flow
def test_demo_prints_the_injected_issues_and_the_exports(home, prefect_harness):
    res = invoke(home, "demo")
    assert res.exit_code == 0, res.output
    for code in ("BU01185005", "BU01185400", "BU01185101"):
        assert code in res.output
    assert "Exports" in res.output and "2026-W47/de-weide.xlsx" in res.output
    flags = invoke(home, "flags", "--team", "zuid-oost").output
    assert "BU01185005 Zuid" in flags and "De Weide" not in flags
    csv = invoke(home, "flags", "--team", "zuid-oost", "--format", "csv").output
    assert csv.splitlines()[0].startswith("Rang;Status;Niveau;Domein;Buurtcode")
    html_path = invoke(home, "flags", "--team", "de-weide", "--format", "html").output.strip()
    # named in the working folder (its own path may hold its owner's name: red team 10a F3)
    assert html_path == "exports/2026-W47/de-weide.html"
    assert "Kinholt" in (home.root / html_path).read_text(encoding="utf-8")
    explained = invoke(home, "explain", "01185005")           # a short code, as a spreadsheet shows it
    assert explained.exit_code == 0 and "Illegale afvaldump" in explained.output and "fysiek" in explained.output
    assert "physical" not in explained.output
    english = invoke(home, "explain", "BU01185005", "--lang", "en")
    assert english.exit_code == 0 and "Illegal dumping" in english.output and "physical" in english.output
    assert invoke(home, "explain", "BU99999999").exit_code == 2
    assert invoke(home, "flags", "--period", "2026-W40").exit_code != 0
    earlier = invoke(home, "explain", "01185005", "--period", "2026-W45")
    assert earlier.exit_code == 0 and "2026-W45" in earlier.output
    for outside in ("2020-W01", "2030-W01"):         # showed nothing, or silently the run's own week (red team)
        res = invoke(home, "explain", "01185005", "--period", outside)
        assert res.exit_code == 2 and f"{outside} was not scored for BU01185005: the runs scored from 20" in res.output


def test_quarantine_list_export_and_a_corrected_file_loads_as_a_correction(home, tmp_path):
    from pipelines.warehouse import connect

    path = write_csv(tmp_path / "meldingen_w45.csv", ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
                     [["03-11-2026", "Afval", "Zwerfafval", "BU01185000"], ["04-11-2026", "Afval", "Zwerfafval", "BU01185000"],
                      ["04-11-2026", "Afval", "Zwerfafval", "BU0118500"], ["05-11-2026", "Afval", "Zwerfafval", "BU01185001"]])
    assert invoke(home, "ingest", "--source", "meldingen", str(path), "--today", "2026-11-26").exit_code == 0
    listed = invoke(home, "quarantine").output
    assert "BU0118500" in listed and "area not in division 2024" in listed and "open" in listed
    out = invoke(home, "quarantine", "export", "--to", str(tmp_path / "fix"))
    assert out.exit_code == 0, out.output
    exported = list((tmp_path / "fix").glob("meldingen_correctie_*.csv"))
    assert len(exported) == 1
    fixed = exported[0].read_text(encoding="utf-8-sig").replace("BU0118500;", "BU01185000;")
    exported[0].write_text(fixed, encoding="utf-8")
    res = invoke(home, "ingest", "--source", "meldingen", str(exported[0]), "--today", "2026-11-26")
    assert res.exit_code == 0 and "1 rows read, 1 accepted, 0 quarantined" in res.output
    with connect(home.warehouse) as con:
        got = con.execute("SELECT area_code, count FROM core.signal_counts ORDER BY 1").fetchall()
        loads = con.execute("SELECT sum(rows_read), sum(rows_accepted), sum(rows_quarantined) FROM meta.loads").fetchone()
    assert got == [("BU01185000", 3), ("BU01185001", 1)]      # 2 + the corrected one, not replaced
    assert loads == (5, 4, 1)
    # resolved: the default list and a second export no longer show it, status counts it
    assert "no open quarantined rows" in invoke(home, "quarantine").output
    assert "no open quarantined rows to export" in invoke(home, "quarantine", "export", "--to", str(tmp_path / "again")).output
    assert "resolved" in invoke(home, "quarantine", "--state", "all").output
    assert "1 resolved" in invoke(home, "status").output
    again = tmp_path / "meldingen_correctie_again.csv"            # loaded twice (another hash): counted once
    again.write_text(fixed + "\n", encoding="utf-8")
    assert invoke(home, "ingest", "--source", "meldingen", str(again), "--today", "2026-11-26").exit_code == 0
    with connect(home.warehouse) as con:
        assert con.execute("SELECT sum(count) FROM core.signal_counts").fetchall()[0][0] == 4


def test_quarantine_dismiss_and_held_loads_from_the_command_line(home, tmp_path):
    header = ["Buurtcode", "Maand", "Signaal", "Aantal"]
    first = write_csv(tmp_path / "wijkteam_1.csv", header, [["BU01185000", "2026-09", "Eenzaamheid", "10"],
                                                            ["BU9", "2026-09", "Eenzaamheid", "1"]])
    assert invoke(home, "ingest", "--source", "wijkteam", str(first), "--today", "2026-11-26").exit_code == 0
    load = invoke(home, "status").output.split("wijkteam-")[1][:12]
    out = invoke(home, "quarantine", "dismiss", f"wijkteam-{load}", "--row", "3", "--row", "999")
    assert out.exit_code == 2 and "row(s) 999 of load" in out.output and "nothing was dismissed" in out.output
    out = invoke(home, "quarantine", "dismiss", f"wijkteam-{load}", "--row", "3")
    assert "1 open row(s)" in out.output
    assert "no open quarantined rows" in invoke(home, "quarantine").output
    lower = write_csv(tmp_path / "wijkteam_2.csv", header, [["BU01185000", "2026-09", "Eenzaamheid", "4"]])
    res = invoke(home, "ingest", "--source", "wijkteam", str(lower), "--today", "2026-11-26")
    assert res.exit_code == 2 and "held, nothing applied" in res.output and "2026-09 10 -> 4" in res.output
    listed = invoke(home, "loads").output
    held_id = listed.split()[0]
    assert "wijkteam_2.csv" in listed and len(held_id) == 12
    accepted = invoke(home, "loads", "accept", held_id)
    assert accepted.exit_code == 0 and "1 rows read, 1 accepted" in accepted.output
    assert "no held loads" in invoke(home, "loads").output


def test_a_held_file_with_a_personal_name_is_applied_on_accept_without_its_name_being_kept(home, tmp_path):
    header = ["Buurtcode", "Maand", "Signaal", "Aantal"]
    first = write_csv(tmp_path / "wijkteam_1.csv", header, [["BU01185000", "2026-09", "Eenzaamheid", "10"]])
    assert invoke(home, "ingest", "--source", "wijkteam", str(first), "--today", "2026-11-26").exit_code == 0
    lower = write_csv(tmp_path / "wijkteam_Jan_de_Vries_0612345678.csv", header,
                      [["BU01185000", "2026-09", "Eenzaamheid", "4"]])
    res = invoke(home, "ingest", "--source", "wijkteam", str(lower), "--today", "2026-11-26")
    assert res.exit_code == 2 and "0612345678" not in res.output
    listed = invoke(home, "loads").output
    assert "0612345678" not in listed
    accepted = invoke(home, "loads", "accept", listed.split()[0])
    assert accepted.exit_code == 0 and "1 rows read, 1 accepted" in accepted.output   # found by its content
    assert "0612345678" not in accepted.output
    from pipelines.warehouse import connect

    with connect(home.warehouse) as con:
        places = con.execute("SELECT path FROM meta.held_loads").fetchall()
    assert places and all("0612345678" not in p for (p,) in places)


@pytest.mark.parametrize("command", [["ingest", "--source", "meldingen", "FILE"], ["feedback", "import", "FILE"],
                                     ["run"]])
@pytest.mark.parametrize("today", ["notadate", "1900-01-01", "2026-13-01"])
def test_a_today_that_is_no_date_is_refused_in_one_sentence(home, tmp_path, command, today):
    f = write_csv(tmp_path / "meldingen.csv", ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
                  [["02-11-2026", "Afval", "Zwerfafval", "BU01185000"]])
    with connect(home.warehouse):            # answers are imported into a working folder that sent lists
        pass
    res = invoke(home, *[str(f) if c == "FILE" else c for c in command], "--today", today)
    assert res.exit_code == 2 and "is not a date jjjj-mm-dd" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("name, secret", [("wijkteam_Kerkweg_12.csv", "Kerkweg_12"),
                                          ("wijkteam_06_12345678.csv", "12345678"),
                                          ("wijkteam_7921AB_12.csv", "7921AB")])
def test_a_file_name_with_personal_data_between_underscores_is_never_kept_or_printed(home, tmp_path, name, secret):
    f = write_csv(tmp_path / name, ["Buurtcode", "Maand", "Signaal", "Aantal"],
                  [["BU01185000", "2026-09", "Eenzaamheid", "3"]])
    res = invoke(home, "ingest", "--source", "wijkteam", str(f), "--today", "2026-11-26")
    assert res.exit_code == 0, res.output
    assert secret not in res.output and "[verwijderd" in res.output      # the marker printed, not read as markup
    from pipelines.warehouse import connect

    with connect(home.warehouse) as con:
        names = [n for (n,) in con.execute("SELECT file_name FROM meta.loads").fetchall()]
    assert names and all(secret not in n for n in names)
    manifests = list((home.root / "archive").rglob("manifest.json"))
    assert manifests and all(secret not in m.read_text() for m in manifests)


@pytest.mark.flow
def test_a_young_warehouse_gets_its_lists(home, prefect_harness):
    # one month of reports in one buurt: too little history for any pooled window, still a run with lists
    home.inbox.mkdir(parents=True, exist_ok=True)
    write_csv(home.inbox / "meldingen_okt.csv", ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie",
                                                  "Buurtcode"],
              [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(40)])
    res = invoke(home, "run", "--today", "2026-11-26")
    assert res.exit_code == 0, res.output
    assert "40 rows read, 40 accepted" in res.output and re.search(r"run \S+: \d+ series", res.output)


@pytest.mark.flow
def test_a_run_of_an_earlier_week_leaves_a_later_file_for_the_next_run_of_the_current_week(home, prefect_harness):
    """A run of an earlier week judged the inbox's files on that day: reports dated after it were quarantined for
    good as in the future, and the file was then "already loaded"."""
    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    home.inbox.mkdir(parents=True, exist_ok=True)
    write_csv(home.inbox / "meldingen_okt.csv", header,
              [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(40)])
    assert invoke(home, "run", "--today", "2026-11-26").exit_code == 0
    write_csv(home.inbox / "meldingen_nov.csv", header,
              [[f"N-{i}", f"{9 + i}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(10)])
    res = invoke(home, "run", "--today", "2026-11-12")                 # the lists of an earlier day again
    assert res.exit_code == 0, res.output
    assert ("meldingen_nov.csv: 6 row(s) are dated after 2026-11-12, the day this run was given (--today); the file "
            "is left in the inbox" in " ".join(res.output.split()))
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM quarantine.rows").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM meta.loads").fetchall() == [(1,)]
    res = invoke(home, "run", "--today", "2026-11-26")
    assert "meldingen_nov.csv: 10 rows read, 10 accepted, 0 quarantined" in res.output, res.output


@pytest.mark.flow
def test_a_run_given_a_day_leaves_a_file_with_later_reports_for_a_later_run(home, prefect_harness):
    """On a home without a later run (a first run, or catching up week by week) a run given a day still reads the
    inbox; a file made after that day was judged on it, its later reports quarantined for good as in the future."""
    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    home.inbox.mkdir(parents=True, exist_ok=True)
    write_csv(home.inbox / "meldingen_okt.csv", header,
              [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(40)])
    write_csv(home.inbox / "meldingen_nov.csv", header,
              [[f"N-{i}", f"{9 + i}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(10)])
    res = invoke(home, "run", "--today", "2026-11-12")
    assert res.exit_code == 0, res.output
    assert "meldingen_okt.csv: 40 rows read, 40 accepted" in res.output
    assert ("meldingen_nov.csv: 6 row(s) are dated after 2026-11-12, the day this run was given (--today); the file "
            "is left in the inbox" in " ".join(res.output.split()))
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM quarantine.rows").fetchall() == [(0,)]
    res = invoke(home, "run", "--today", "2026-11-26")
    assert "meldingen_nov.csv: 10 rows read, 10 accepted, 0 quarantined" in res.output, res.output


@pytest.mark.flow
def test_a_run_whose_every_file_is_refused_ends_in_one_sentence(home, prefect_harness, caplog):
    home.inbox.mkdir(parents=True, exist_ok=True)
    (home.inbox / "meldingen_okt.csv").write_bytes(b"%PDF-1.4\n%%EOF\n")
    res = invoke(home, "run", "--today", "2026-11-26")
    # stdout is the command's own output; Prefect's log lines are checked as records (its console handler may
    # still write to the stream of an earlier invocation in this process)
    assert res.exit_code == 1 and "Traceback" not in res.stdout
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert "refused" in res.output and "PDF" in res.output
    assert "no lists this run: there are no signal counts in the warehouse yet; load files first" in res.output


@pytest.mark.flow
def test_a_run_whose_lists_folder_cannot_be_made_says_so_in_one_sentence_and_keeps_its_loads(
        home, prefect_harness, caplog):
    home.inbox.mkdir(parents=True, exist_ok=True)
    write_csv(home.inbox / "meldingen_okt.csv", ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie",
                                                  "Buurtcode"],
              [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(40)])
    home.exports.mkdir(parents=True, exist_ok=True)
    (home.exports / "2026-W44").write_text("x")        # a file where the run's lists folder belongs (data to W44)
    res = invoke(home, "run", "--today", "2026-11-26")
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and "Traceback" not in res.stdout, res.output
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    # the folders named within the working folder: its absolute path often names its owner, and the sentence reaches
    # the log and Prefect's database (red team 10a F3)
    assert ("the lists could not be written to exports/2026-W44: exports/2026-W44 is a file where wijkradar needs a "
            "folder; move or rename that file and run again (wijkradar run): the loads and scores of this run are "
            "kept") in said
    assert str(home.root) not in said
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchall() == [(1,)]
        assert con.execute("SELECT count(*) FROM meta.runs").fetchall() == [(1,)]
    res = invoke(home, "flags", "--format", "xlsx")            # the lists written by hand meet the same folder
    assert res.exit_code == 2 and "is a file where wijkradar needs a folder" in " ".join(res.output.split())
    (home.exports / "2026-W44").unlink()
    res = invoke(home, "run", "--today", "2026-11-26")
    assert res.exit_code == 0, res.output
    # the lists the failed export owed are written now: news to send, not "unchanged" (red team 12c F5)
    assert "its lists, not all written before, are written now" in " ".join(res.output.split())
    assert list((home.exports / "2026-W44").glob("*.xlsx"))


@pytest.mark.parametrize("typed, code", [("960000", "BU00960000"), ("0363TA05", "BU0363TA05"),
                                         ("363ta05", "BU0363TA05"), ("bu0363ta05", "BU0363TA05")])
def test_explain_reads_a_code_of_any_municipality_as_the_sources_do(home, typed, code):
    from pipelines import reference
    from pipelines.profile import write_profile

    write_profile(home.root, ["GM0096", "GM0363"])      # a number with two leading zeros; codes with letters
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference.for_home(home))
    res = invoke(home, "explain", typed)
    assert res.exit_code == 2 and f"no scores for {code} yet" in res.output, res.output
    assert "is not an area" in invoke(home, "explain", "960099").output


def test_a_year_plan_without_a_team_names_this_profiles_teams(tmp_path):
    """It suggested Hoogeveen's ``--team de-weide`` in every working folder (red team round 9): another
    municipality's analyst followed it into "unknown wijkteam"."""
    from pipelines.paths import resolve_home
    from pipelines.reference import Reference
    from pipelines.warehouse import connect

    root = tmp_path / "coevorden"
    assert runner.invoke(app, ["--home", str(root), "init", "--gemeente", "GM0109"]).exit_code == 0
    home = resolve_home(root)
    with connect(home.warehouse):
        pass
    teams = sorted(Reference.for_home(home).wijkteams["wijkteam"])
    res = invoke(home, "report", "--jaarplan", "2026")
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and f"--team {teams[0]}" in said and "de-weide" not in said
    assert all(t in said for t in teams)


def test_status_of_a_home_of_years_lists_the_newest_loads_and_the_totals_of_the_earlier_ones(home):
    """A weekly home holds some fifty loads a year: status listed every one; it lists the newest 20 and sums the rest,
    whose reconciliation stays shown (rows read = accepted + quarantined)."""
    from typer.testing import CliRunner

    from pipelines.cli import app
    from tests.conftest import load_file, write_csv

    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
    for n in range(23):
        rows = [[f"M-{n}-{i}", f"{n % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(3)]
        if n == 0:
            rows.append([f"M-{n}-x", "01-10-2026", "Afval", "Zwerfafval", "BU99999999"])     # quarantined
        load_file(home, write_csv(home.root / f"meldingen_{n:02d}.csv", header, rows))
    out = CliRunner().invoke(app, ["--home", str(home.root), "status"], catch_exceptions=False).output
    assert len(re.findall(r"meldingen_\d\d\.csv", out)) == 20, out
    assert "meldingen_00.csv" not in out and "meldingen_03.csv" in out and "meldingen_22.csv" in out
    assert ("and 3 earlier load(s) since " in out and ": 10 rows read = 9 accepted + 1 quarantined, 0 retracted; "
            "`wijkradar status --loads 0` lists every load") in out, out
    every = CliRunner().invoke(app, ["--home", str(home.root), "status", "--loads", "0"], catch_exceptions=False).output
    assert len(re.findall(r"meldingen_\d\d\.csv", every)) == 23 and "earlier load" not in every
