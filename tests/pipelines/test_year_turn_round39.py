"""The turn of 2026 (53 ISO weeks: 2026-W53 runs from 28 December 2026 to 3 January 2027) into 2027, as the
municipality lives it: the run of 2026-W53 made on 4 January, the run of 2027-W01 a week later, and the reports,
year plans and refusals made in between (round 39, the weeks after the demo)."""
import html
import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.demo import demo_counts, with_sources
from pipelines.paths import resolve_home
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect
from tests.conftest import fill_counts

W01 = pd.Timestamp("2027-01-04")


@pytest.fixture(scope="module")
def counts(ref):
    """Three years of the demo's counts through 2027-W01, months through December 2026."""
    weekly, monthly, *_ = demo_counts(ref, end=pd.Timestamp("2027-01-10"), years=3)
    counts = with_sources(ref, weekly, monthly)
    return counts[counts["count"] > 0]


@pytest.fixture(scope="module")
def homes(tmp_path_factory, ref, counts):
    """Two working folders on :func:`counts`: one whose newest run is that of 2026-W53 (made on Monday 4 January
    2027), one with the run of 2027-W01 after it."""
    later = counts["period_start"] >= W01
    folder = tmp_path_factory.mktemp("year_turn")
    w53 = resolve_home(folder / "w53")
    with connect(w53.warehouse) as con:
        fill_counts(con, ref, counts[~later])
        assert score_and_flag(con, ref, today=pd.Timestamp("2027-01-04")).run_period == "2026-W53"
    w01 = resolve_home(shutil.copytree(w53.root, folder / "w01"))
    with connect(w01.warehouse) as con:
        fill_counts(con, ref, counts[later])
        assert score_and_flag(con, ref, today=pd.Timestamp("2027-01-11")).run_period == "2027-W01"
    return w53, w01


def _text(path) -> str:
    t = re.sub(r"<style.*?</style>|<svg.*?</svg>|<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t)))


def test_a_year_plan_of_the_new_year_asked_after_the_week_53_run_says_which_run_makes_the_first_of_that_year(homes):
    """On 5 January 2027 the newest run, made the day before, is of 2026-W53: the plan of 2027 was refused with "or
    run the weekly flow in 2027 first", which the analyst had just done. It names the week and the first run of 2027."""
    w53, _ = homes
    res = CliRunner().invoke(app, ["--home", str(w53.root), "report", "--jaarplan", "2027", "--team", "de-weide"])
    out = " ".join(res.output.split())
    assert res.exit_code == 2 and "no run in 2027 or later: the runs are of 2026" in out, out
    assert "the newest of 2026-W53 (28-12-2026 to 03-01-2027, a week of 2026)" in out, out
    assert "the first run of 2027, of 2027-W01 (04-01-2027 to 10-01-2027)" in out and "from 11-01-2027" in out, out
    assert "run the weekly flow in 2027 first" not in out


@pytest.mark.parametrize("command", [["flags"], ["report"], ["explain", "BU01185000"]])
def test_a_week_53_of_a_year_of_52_weeks_is_refused_naming_that_years_last_week(homes, command):
    """After 2026-W53 an analyst types 2027-W53 for the last week of 2027: it was told only to write a week as
    2026-W47, which it had done."""
    w53, _ = homes
    res = CliRunner().invoke(app, ["--home", str(w53.root), *command, "--period", "2027-W53"])
    out = " ".join(res.output.split())
    assert res.exit_code == 2, out
    assert "2027 has 52 ISO weeks, the last is 2027-W52 (27-12-2027 to 02-01-2028)" in out, out
    assert "the week after it is 2028-W01" in out, out


def test_the_manager_report_of_week_53_says_that_its_counts_stand_per_52_weeks(homes):
    """01-trends of 2026-W53 gives 2026 per 52 weeks (count x 52 / 53) in its table headed `aantal 2026`, where the
    year plan and the open pages give the count itself: the page now says so."""
    from pipelines.reports import trends

    w53, _ = homes
    res = CliRunner().invoke(app, ["--home", str(w53.root), "report", "--period", "2026-W53"])
    assert res.exit_code == 0, res.output
    text = _text(w53.reports / "2026-W53" / "01-trends.html")
    assert ("2026 heeft 53 weken: de aantallen van fysiek staan hier omgerekend naar 52 weken (aantal × 52 / 53)"
            in text), text
    # a year of 52 weeks, and 2026 before its 53rd week is over, say nothing of it
    ytd = pd.DataFrame({"year": [2026, 2027], "domain": "physical", "count": 1})
    counts = pd.DataFrame({"signal": ["afval"], "period": ["week"]})
    catalogue = pd.DataFrame({"signal": ["afval"], "domain": ["physical"]})
    assert trends.per_52_weeks_sentence(ytd, counts, catalogue, pd.Timestamp("2027-01-10"), 2027) == ""
    assert trends.per_52_weeks_sentence(ytd, counts, catalogue, pd.Timestamp("2026-12-27"), 2026) == ""


def test_the_year_plan_of_january_says_why_a_monthly_domain_is_not_in_it_and_the_old_year_holds_week_53(homes):
    """The plan of 2027 on the 2027-W01 run showed fysiek only: no month of 2027 has ended, and sociaal was left out
    without a word. The plan of 2026 counts its 53 weeks and its twelve months, as the counts hold them."""
    _, w01 = homes
    for year in (2026, 2027):
        res = CliRunner().invoke(app, ["--home", str(w01.root), "report", "--jaarplan", str(year), "--team", "de-weide"])
        assert res.exit_code == 0, res.output
    new, old = (_text(w01.reports / "jaarplan" / str(y) / "de-weide.html") for y in (2027, 2026))
    assert "Sociaal staat hier nog niet in: nog geen maand van 2027 afgelopen." in new, new
    assert "staat hier nog niet in" not in old
    with connect(w01.warehouse) as con:
        whole = dict(con.execute(
            "SELECT c.domain, sum(s.count)::INT FROM core.signal_counts s JOIN core.signal_catalogue c USING (signal) "
            "JOIN core.areas a USING (area_code) WHERE a.wijkteam = 'de-weide' AND (CASE WHEN s.period = 'week' THEN "
            "isoyear(s.period_start) ELSE year(s.period_start) END) = 2026 GROUP BY 1").fetchall())
    page = (w01.reports / "jaarplan" / "2026" / "de-weide.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>[^<]*</td><td>(fysiek|sociaal)</td><td[^>]*>(\d+)<", page)
    shown = {d: sum(int(n) for nl, n in rows if nl == label) for d, label in (("physical", "fysiek"),
                                                                               ("social", "sociaal"))}
    assert whole and shown == whole, (shown, whole)


def test_the_year_plan_of_the_old_year_made_before_its_last_month_is_in_says_so(tmp_path, ref, counts):
    """On 4 January 2027 the run of 2026-W53, the wijkteams' December not delivered yet: the plan of 2026 gave eleven
    months of sociaal as 'Waargenomen aantallen van het jaar' without a word; fysiek, delivered to its 53rd week, is
    whole."""
    december = (counts["period"] == "month") & (counts["period_start"] == pd.Timestamp("2026-12-01"))
    home = resolve_home(tmp_path / "home")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[~december & (counts["period_start"] < W01)])
        assert score_and_flag(con, ref, today=pd.Timestamp("2027-01-04")).run_period == "2026-W53"
    res = CliRunner().invoke(app, ["--home", str(home.root), "report", "--jaarplan", "2026", "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    text = _text(home.reports / "jaarplan" / "2026" / "de-weide.html")
    assert ("Van 2026 zijn nog niet alle cijfers geleverd: sociaal tot en met november 2026. Waargenomen en verwacht "
            "van dat domein tellen daarom tot en met die periode" in text), text
    assert "fysiek tot en met" not in text
