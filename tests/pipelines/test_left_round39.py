"""Defects a previous session left (round 39): the year plan of a young municipality blamed the run's window for what
a short history does, `detect` did not say in its help that period_index begins at 1, and a team renamed to a new
code had its list titled with the old code."""
import re
from html import unescape

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import demo_signal_counts, fill_counts

runner = CliRunner()


def invoke(home, *args):
    res = runner.invoke(app, ["--home", str(home.root), *args], catch_exceptions=False)
    return res, " ".join(res.output.split())


def page_text(path) -> str:
    """The words of an HTML page, without its style and charts."""
    text = re.sub(r"<style.*?</style>|<svg.*?</svg>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(scope="module")
def young_home(tmp_path_factory, ref):
    """The demo municipality as if its sources began in June 2026 (weeks from 2026-W23, wijkteam months from June),
    with the run of 2026-W47: the weeks are scored from their 10th (2026-W32), the months not yet (March 2027)."""
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag
    from pipelines.warehouse import connect

    counts = demo_signal_counts(ref)
    counts = counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) >= "2026-06-01")]
    home = resolve_home(tmp_path_factory.mktemp("young") / "home")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts)
        assert score_and_flag(con, ref, today=pd.Timestamp("2026-11-26")).run_period == "2026-W47"
    return home


def test_the_year_plan_of_a_young_municipality_names_its_short_history(young_home):
    """It read 'de scores van de laatste run (die alleen de laatste weken en maanden berekent) de weeksignalen pas
    vanaf 2026-W32', said nothing of the months, and its sociaal rows read '-' without a reason."""
    res, out = invoke(young_home, "report", "--jaarplan", "2026", "--team", "de-weide")
    assert res.exit_code == 0, out
    text = page_text(young_home.root / "reports" / "jaarplan" / "2026" / "de-weide.html")
    assert "alleen de laatste weken en maanden" not in text
    assert ("dekken de scores van de laatste run de weeksignalen pas vanaf 2026-W32 en de maandsignalen nog niet "
            "(pas vanaf maart 2027). De geschiedenis is daarvoor nog te kort: de meldingen beginnen pas in 2026-W23 "
            "en de wijkteamsignalen beginnen pas in juni 2026, en een buurt wordt beoordeeld vanaf de 10e week of "
            "maand met cijfers.") in text, text
    sociaal = re.findall(r"Kinholt sociaal \d+ - (\S+ ?\S*) -", text)
    assert sociaal == ["nog niet"], text
    assert ("nog niet: nog geen verwachting en verhouding, want de geschiedenis is nog te kort: sociaal wordt "
            "beoordeeld vanaf maart 2027 (de wijkteamsignalen beginnen pas in juni 2026).") in text
    assert "Kinholt fysiek" in text and not re.search(r"Kinholt fysiek \d+ \d+ nog niet", text)


def test_a_young_domain_beside_a_judged_one_of_its_period_type_is_named():
    """Police months from August beside years of wijkteam months: the monthly scores run from the window, so the
    coverage has nothing to say of them, and veiligheid's rows have no expectation for a short history."""
    from pipelines.reports import jaarplan

    months = pd.date_range("2022-01-01", "2026-10-01", freq="MS")
    scores = pd.DataFrame({"period": "month", "period_start": months[-13:]})
    counts = pd.concat([pd.DataFrame({"signal": "eenzaamheid", "period": "month", "period_start": months}),
                        pd.DataFrame({"signal": "geweld", "period": "month",
                                      "period_start": pd.date_range("2026-08-01", "2026-10-01", freq="MS")})])
    catalogue = pd.DataFrame({"signal": ["eenzaamheid", "geweld"], "domain": ["social", "safety"],
                              "source": ["wijkteam", "politie"]})
    covered = jaarplan.scored([scores], "2026-W47", counts, catalogue)
    assert covered.young == {}                      # the months' scores begin where the window puts them
    assert list(covered.young_domains) == ["safety"]
    note = jaarplan.young_domain_note(covered.young_domains)
    assert "veiligheid wordt beoordeeld vanaf mei 2027 (de politiecijfers beginnen pas in augustus 2026)" in note
    assert "10e maand met cijfers" in note and "week" not in note
    text, unscored = jaarplan._coverage(covered, 2026)
    assert text == "" and not unscored


def test_detect_says_in_its_help_and_the_readme_that_period_index_begins_at_1(tmp_path):
    """The refusal said 'period_index must be a whole number >= 1'; neither --help nor the README did."""
    from pathlib import Path

    res = runner.invoke(app, ["detect", "--help"], terminal_width=200)
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", res.output).split())
    assert res.exit_code == 0 and "period_index (whole numbers from 1, consecutive per series)" in shown, shown
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert "`period_index`: whole numbers from 1, consecutive per series" in readme
    assert "# counts.csv: series, period_index (1, 2, ... per series), count" in readme
    assert "a period_index below 1 or beyond 2**63" in readme
    (tmp_path / "c.csv").write_text("series,period_index,count\na,0,1\na,1,2\n", encoding="utf-8")
    res = runner.invoke(app, ["detect", "--input", str(tmp_path / "c.csv"), "--output", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "period_index must be a whole number >= 1" in " ".join(res.output.split())


def test_a_team_renamed_to_a_new_code_has_its_run_list_titled_with_its_new_name(tmp_path, ref):
    """de-weide renamed weide-schoonvelde (wijkteams.csv and buurt_indeling.csv) after the run of 2026-W47: the
    run's list keeps its code, and was titled 'de-weide' on the page, the workbook and the printed table."""
    import shutil

    from openpyxl import load_workbook

    from pipelines.paths import REFERENCE_DIR
    from tests.conftest import demo_run_copy

    home, run = demo_run_copy(tmp_path, ref)
    shutil.copytree(REFERENCE_DIR, home.root / "reference")        # the home's own profile from here on
    assert home.reference_dir == home.root / "reference"
    for name, old, new in (("wijkteams.csv", "de-weide,Wijkteam De Weide", "weide-schoonvelde,Wijkteam Weide en Schoonvelde"),
                           ("buurt_indeling.csv", ",de-weide,", ",weide-schoonvelde,")):
        path = home.reference_dir / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    res, out = invoke(home, "flags", "--team", "de-weide")
    assert res.exit_code == 0, out
    assert out.startswith("Wijkteam Weide en Schoonvelde (de-weide)"), out[:200]
    res, out = invoke(home, "flags", "--team", "de-weide", "--format", "html")
    assert res.exit_code == 0 and out == "exports/2026-W47/de-weide.html", out
    html = (home.root / out).read_text(encoding="utf-8")
    assert "<h1>Wijkteam Weide en Schoonvelde</h1>" in html and "<title>Wijkteam Weide en Schoonvelde 2026-W47" in html
    assert "<h1>de-weide</h1>" not in html
    wb = load_workbook(home.exports / "2026-W47" / "de-weide.xlsx")
    assert wb.properties.title == "Wijkteam Weide en Schoonvelde 2026-W47"
    # what the run could not judge is said above every list of the run, the gone team's too (it lost the sentences)
    from pipelines.export import team_notes
    from pipelines.warehouse import connect

    said = {"GM0118": [("Oktober kon niet beoordeeld worden.", "October could not be judged.")]}
    with connect(home.warehouse) as con:
        assert "de-weide" not in team_notes(con, said)                          # today's teams only
        assert team_notes(con, said, run_id=run.run_id)["de-weide"] == ("Oktober kon niet beoordeeld worden.",)
        assert team_notes(con, said, "en", run.run_id)["zuid-oost"] == ("October could not be judged.",)


def test_a_gone_team_is_named_after_the_one_team_that_has_its_buurten_today():
    from pipelines.lists.selection import run_teams

    flags = pd.DataFrame({"wijkteam": ["oud", "gesplitst", "gesplitst", "weg", "samen"],
                          "area_code": ["a1", "b1", "b2", "c1", "m1"]})
    risk = pd.DataFrame({"wijkteam": ["oud", "nu"], "area_code": ["a2", "n1"]})
    today = pd.DataFrame({"wijkteam": ["nieuw", "nu", "x"], "name": ["Team Nieuw", "Team Nu", "Team X"]})
    # c1 left the profile; samen merged into nu, which has a list of the run itself: two lists titled alike otherwise
    area_teams = {"a1": "nieuw", "a2": "nieuw", "b1": "nieuw", "b2": "x", "n1": "nu", "m1": "nu"}
    got = run_teams(flags, risk, today, area_teams)
    assert dict(zip(got["wijkteam"], got["name"])) == {
        "gesplitst": "gesplitst", "nu": "Team Nu", "oud": "Team Nieuw", "samen": "samen", "weg": "weg"}
    assert run_teams(flags, risk, today)["name"].tolist() == ["gesplitst", "Team Nu", "oud", "samen", "weg"]  # no areas
    # a run without risk rows adds today's teams, but not the one a team of the run was renamed to (an empty list)
    got = run_teams(flags[flags["wijkteam"] != "samen"], None, today, area_teams)
    assert "nieuw" not in set(got["wijkteam"]) and {"nu", "x"} <= set(got["wijkteam"])
    assert dict(zip(got["wijkteam"], got["name"]))["oud"] == "Team Nieuw"


def test_flags_format_csv_prints_the_team_files_csv(tmp_path, ref):
    """Reported as printing the table; it prints CSV (``csv_out.csv_text``, neutralised), with the team file's
    columns and rows."""
    import csv
    import io

    from tests.conftest import demo_run_copy

    home, _ = demo_run_copy(tmp_path, ref)
    res = runner.invoke(app, ["--home", str(home.root), "flags", "--team", "de-weide", "--format", "csv"])
    assert res.exit_code == 0 and "┃" not in res.output
    printed = list(csv.reader(io.StringIO(res.output), delimiter=";"))
    assert invoke(home, "flags", "--team", "de-weide", "--format", "xlsx")[0].exit_code == 0
    written = list(csv.reader(io.StringIO((home.exports / "2026-W47" / "de-weide.csv").read_text(encoding="utf-8-sig")),
                              delimiter=";"))
    assert printed[0] == written[0][:len(printed[0])] and printed[0][:5] == ["Rang", "Status", "Niveau", "Domein", "Buurtcode"]
    assert [r[4] for r in printed[1:]] == [r[4] for r in written[1:] if r[0].isdigit()]


def test_a_municipality_of_a_few_weeks_has_no_flags_yet_rather_than_unknown_ones():
    """Nothing scored yet for a short history: the year plan says why and that there are none, not 'niet bekend'."""
    from pipelines.reports import jaarplan

    counts = pd.DataFrame({"signal": "zwerfafval", "period": "week",
                           "period_start": pd.date_range("2026-09-28", "2026-11-16", freq="7D")})
    catalogue = pd.DataFrame({"signal": ["zwerfafval"], "domain": ["physical"], "source": ["meldingen"]})
    covered = jaarplan.scored([pd.DataFrame({"period": [], "period_start": []})], "2026-W47", counts, catalogue)
    text, unscored = jaarplan._coverage(covered, 2026)
    assert not unscored and "de weeksignalen nog niet (pas vanaf 2026-W49)" in text
    assert "de meldingen beginnen pas in 2026-W40" in text and "vanaf de 10e week met cijfers" in text
