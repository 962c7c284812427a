"""The manager notebooks run on a small real warehouse and `wijkradar report` writes pages that open offline.

The warehouse is built without Prefect or Great Expectations: the demo's counts go straight into
``core.signal_counts`` and ``pipelines.runs.score_and_flag`` writes the marts, as the weekly flow would.
The three notebooks then run (one kernel each, at once) through the same code as `wijkradar report`.
"""
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.demo import demo_counts
from pipelines.paths import resolve_home
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect
from tests.conftest import fill_counts

runner = CliRunner()


@pytest.fixture(scope="module")
def report_home(tmp_path_factory, ref):
    home = resolve_home(tmp_path_factory.mktemp("reports"))
    weekly, monthly, w_truth, m_truth, _ = demo_counts(ref, years=4)
    counts = pd.concat([weekly, monthly], ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts)
        run = score_and_flag(con, ref)
    pd.concat([w_truth, m_truth]).to_csv(home.reports / "demo_truth.csv", index=False)
    assert run.run_period == "2026-W47"
    return home


@pytest.fixture(scope="module")
def period_report(report_home):
    res = runner.invoke(app, ["--home", str(report_home.root), "report", "--period", "2026-W47"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return report_home.reports / "2026-W47"


class Links(HTMLParser):
    """Every src/href value, and whether the page has charts."""

    def __init__(self):
        super().__init__()
        self.urls, self.svgs, self.images = [], 0, 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value:
                self.urls.append(value)
                if name == "src" and value.startswith("data:image/png;base64,"):
                    self.images += 1
        if tag == "svg":
            self.svgs += 1


def parse(path) -> tuple[str, Links]:
    text = path.read_text(encoding="utf-8")
    links = Links()
    links.feed(text)
    return text, links


def assert_offline(text: str, links: Links) -> None:
    assert not [u for u in links.urls if re.match(r"(?i)\s*(https?:)?//", u)]
    assert "http://" not in text and "https://" not in text


def test_the_three_notebooks_run_and_give_self_contained_pages(period_report):
    names = ["index", "01-trends", "02-flags-review", "03-map"]
    assert sorted(p.stem for p in period_report.glob("*.html")) == sorted(names)
    for name in names:
        text, links = parse(period_report / f"{name}.html")
        assert_offline(text, links)
        assert "Traceback" not in text and "Error" not in text
        if name != "index":
            assert links.svgs + links.images >= 1, f"{name} has no chart"
    trends, _ = parse(period_report / "01-trends.html")
    assert "Waargenomen tegen verwacht" in trends and "Sterkst stijgende reeksen" in trends
    review, _ = parse(period_report / "02-flags-review.html")
    assert "Van nieuw tot opgelost" in review and "demo-waarheid" in review      # precision judged by the demo truth
    shown = re.sub(r"<(svg|style).*?</\1>|<[^>]+>", " ", review, flags=re.S)   # what a manager reads
    assert not re.search(r"\b(physical|social|safety|signal|illegale_dump)\b", shown)
    assert "fysiek" in shown


def test_the_map_colours_every_buurt_and_outlines_the_flagged_ones(period_report, report_home):
    text, _ = parse(period_report / "03-map.html")
    assert text.count('class="kaart"') == 3
    assert len(re.findall(r'<path class="buurt[ "]', text)) == 3 * 48
    flagged = set(re.findall(r'<path class="buurt gemarkeerd" data-code="(BU\d{8})"', text))
    assert "BU01185005" in flagged                                   # the injected dumping in Zuid
    assert "CC BY 4.0" in text and "CBS/PDOK" in text


def test_report_for_a_period_without_a_run_stops_with_one_sentence(report_home):
    res = runner.invoke(app, ["--home", str(report_home.root), "report", "--period", "2020-W01"])
    assert res.exit_code != 0
    assert "no run for period 2020-W01" in res.output
    assert not (report_home.reports / "2020-W01").exists()


@pytest.fixture(scope="module")
def jaarplan_and_open(report_home):
    """``report --jaarplan 2026 --team de-weide`` and ``report --open`` on the report home: their two results."""
    jaarplan = runner.invoke(app, ["--home", str(report_home.root), "report", "--jaarplan", "2026", "--team",
                                   "de-weide"], catch_exceptions=False)
    return jaarplan, runner.invoke(app, ["--home", str(report_home.root), "report", "--open"], catch_exceptions=False)


def test_jaarplan_and_open_pages_from_the_warehouse(report_home, ref, jaarplan_and_open):
    res, res_open = jaarplan_and_open
    assert res.exit_code == 0, res.output
    text, links = parse(report_home.reports / "jaarplan" / "2026" / "de-weide.html")
    assert_offline(text, links)
    assert links.svgs >= 1 and "Wat staat nog open" in text and "Kinholt" in text
    others = ref.buurten[ref.buurten["wijkteam"] != "de-weide"]
    for code, name in zip(others["area_code"], others["name"]):
        assert code not in text
        if len(name) > 6:                      # short names (Zuid, West, ...) are ordinary words
            assert name not in text, name

    res = res_open
    assert res.exit_code == 0, res.output
    # the pages written, in the working folder (a folder named after its owner is printed by no path: red team 11a F2)
    assert "reports/open/index.html" in res.output and str(report_home.root) not in res.output
    folder = report_home.reports / "open"
    assert {"index.html", "de-weide-wk011851.html", "hollandscheveld-wk011854.html"} <= {p.name for p in folder.glob("*.html")}
    index, _ = parse(folder / "index.html")
    assert index.index("Wijken in de stad") < index.index("Dorpen")
    for page in folder.glob("*.html"):
        text, links = parse(page)
        assert_offline(text, links)
        counts = re.findall(r'<td class="aantal">([^<]*(?:&lt;\d)?[^<]*)</td>', text)
        assert all(c in ("&lt;5", "verborgen") or int(c.replace(".", "")) >= 5 for c in counts), page.name
        assert "Wat valt nu op" not in text                          # no flags on open pages by default


def test_the_manager_pages_meet_the_wcag_criteria_the_checker_reads(period_report):
    """WCAG 2.1 AA as far as HTML, CSS and SVG tell (``tests/accessibility.py``): before, no page had a ``<main>``, the
    charts had no text alternative, tables no caption, font sizes were in px and the map's palest buurten were not
    seen against the page (1.4.11)."""
    from tests.accessibility import problems

    found = {p.name: problems(p.read_text(encoding="utf-8")) for p in sorted(period_report.glob("*.html"))}
    assert len(found) == 4 and not any(found.values()), found


def test_the_year_plan_and_open_pages_meet_the_wcag_criteria_the_checker_reads(report_home, jaarplan_and_open):
    """The open pages for residents, their index and a team's year plan: before, a chart named only by its title with
    its figures in a table without caption or header scope, no ``<main>`` or skip link, px font sizes, the year plan's
    blue ratio at 4.3:1."""
    from tests.accessibility import problems

    pages = [report_home.reports / "jaarplan" / "2026" / "de-weide.html",
             *sorted((report_home.reports / "open").glob("*.html"))]
    found = {p.name: problems(p.read_text(encoding="utf-8")) for p in pages}
    assert len(found) >= 10 and not any(found.values()), found


def test_the_trends_of_a_monthly_run_run_to_the_end_of_its_month(tmp_path, ref):
    """A home of monthly counts only: the year to date of run 2026-10 holds October, not the first week of it."""
    from pipelines.reports.build import execute_notebooks
    from pipelines.reports.render import notebook_body

    home = resolve_home(tmp_path)
    _, monthly, _, _, _ = demo_counts(ref, years=4)
    counts = monthly.merge(ref.catalogue[["signal", "source"]], on="signal")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts)
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-05"))
    assert run.run_period == "2026-10"
    nb = execute_notebooks({"home": str(home.root), "period": "2026-10"}, ["01-trends"])["01-trends"]
    assert "periode 2026-10; jaar 2026 tot en met 31-10-2026" in notebook_body(nb)


def _pages(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def _runs_named(folder) -> set[str]:
    """The run ids the pages of a period's report name (a whole report names one)."""
    return {run for page in folder.glob("*.html") for run in re.findall(r"[Rr]un (\d{4}-W\d{2}-[0-9a-f]+)",
                                                                         page.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def second_run_home(period_report, report_home, ref, tmp_path_factory):
    """A copy of the home whose reports/2026-W47 holds the first run's whole report (``period_report``), with a
    second run of the same week scored after it (another logic version): (home, first run id, second run id)."""
    import shutil

    from pipelines import runs

    home = resolve_home(shutil.copytree(report_home.root, tmp_path_factory.mktemp("second-run") / "home"))
    with connect(home.warehouse) as con:
        first = runs.find_run(con).run_id
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runs, "LOGIC_VERSION", runs.LOGIC_VERSION + "-again")    # another run of the same week
        with connect(home.warehouse) as con:
            second = score_and_flag(con, ref).run_id
    return home, first, second


@pytest.mark.parametrize("point", ["report-mid-set", "report-mid-swap"])
def test_a_report_killed_while_written_leaves_one_runs_whole_report_never_two_mixed(second_run_home, tmp_path, point):
    """Red team 7a F7: `report --period` killed after its first page left the new run's trends page beside the
    earlier run's flags review, map and index. Killed while writing the set, the folder keeps the earlier whole report;
    killed between the swap's renames, the next report's start puts the new whole report into place.

    The earlier run's whole report is the one `report --period` wrote before the second run was scored
    (``second_run_home``, built once for both points)."""
    import os
    import shutil
    import signal
    import subprocess
    import sys

    from pipelines.export_folder import recover
    from tests.pipelines.test_crash_and_concurrency import wait_for

    built, first, second = second_run_home
    home = resolve_home(shutil.copytree(built.root, tmp_path / "home"))
    folder = home.reports / "2026-W47"
    before = _pages(folder)
    assert _runs_named(folder) == {first}
    assert sorted(p.stem for p in folder.glob("*.html")) == ["01-trends", "02-flags-review", "03-map", "index"]
    assert second != first
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "report", "--period", "2026-W47"],
                            env={**os.environ, "WIJKRADAR_HOME": str(home.root), "WIJKRADAR_FAULT_PAUSE": point},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(proc, f"fault point {point} reached", timeout=300)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    if point == "report-mid-set":
        assert _pages(folder) == before                   # the earlier run's whole report, untouched
    else:
        assert _pages(folder) == {}                       # between the renames: the old set aside, the new one ready
        assert recover(home.reports) and _runs_named(folder) == {second}
        assert sorted(p.stem for p in folder.glob("*.html")) == ["01-trends", "02-flags-review", "03-map", "index"]
    assert runner.invoke(app, ["--home", str(home.root), "report", "--period", "2026-W47"]).exit_code == 0
    assert _runs_named(folder) == {second}
    assert sorted(p.name for p in home.reports.iterdir() if p.name.startswith(".")) == []    # no leftover folder


def test_each_notebook_reports_the_run_report_named_even_when_a_later_run_of_its_period_finished(report_home,
                                                                                                  tmp_path):
    """Red team 10b F7: `report --period` during a run of the same period gave the index and headers the run it found
    and two pages the figures of the run that finished while the notebooks executed (each looked the period's latest
    run up again). The notebooks now read the run `report` names them."""
    import shutil

    from pipelines.catalog import latest_run
    from pipelines.reports.build import execute_notebooks
    from pipelines.reports.render import notebook_body

    home = resolve_home(tmp_path / "home")
    shutil.copytree(report_home.root, home.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("reports"))
    with connect(home.warehouse) as con:
        (reported,) = con.execute("SELECT run_id FROM meta.runs WHERE run_period = '2026-W47'").fetchall()[0]
        con.execute("INSERT INTO meta.runs SELECT * REPLACE (run_id || 'x' AS run_id, run_key || 'x' AS run_key, "
                    "finished_at + INTERVAL 1 MINUTE AS finished_at) FROM meta.runs WHERE run_id = ?", [reported])
        assert latest_run(con, period="2026-W47")[0] == reported + "x"        # a later run of the period finished
    executed = execute_notebooks({"home": str(home.root), "period": "2026-W47", "run_id": reported},
                                 ["01-trends", "02-flags-review"])
    for name, nb in executed.items():
        body = notebook_body(nb)
        assert f"Run {reported}," in body or f"Run {reported}:" in body, name
        assert reported + "x" not in body, name


def test_a_second_report_while_one_writes_its_pages_waits_its_turn_and_never_removes_them(report_home, tmp_path,
                                                                                           monkeypatch):
    """Red team 14b F1: a second `report --period` started while a first wrote its pages took the first's
    `.2026-W47.writing` for what a killed report left and removed it; the first then failed on its folder gone
    ("no such file or directory"). Now one report at a time writes in reports/: the second waits, then says so."""
    import shutil

    import nbformat

    from pipelines.export_folder import FolderBusy
    from pipelines.reports import build

    home = resolve_home(shutil.copytree(report_home.root, tmp_path / "home"))
    monkeypatch.setattr(build, "execute_notebooks", lambda params, names=None, timeout=600:
                        {name: nbformat.v4.new_notebook() for name in build.NOTEBOOKS})     # the pages, not the kernels
    monkeypatch.setenv("WIJKRADAR_BUSY_WAIT", "0")
    second = []

    def mid_set(point):                  # the second report starts while the first has written one page of four
        if point == "report-mid-set" and not second:
            second.append("started")
            try:
                build.write_period_report(home, "2026-W47")
                second.append("written")
            except FolderBusy as exc:
                second.append(str(exc))

    monkeypatch.setattr(build, "fault_point", mid_set)
    paths = build.write_period_report(home, "2026-W47")
    assert second == ["started", "reports/ busy: another wijkradar report is writing there. Wait for it to finish and "
                                 "try again."]
    assert sorted(p.name for p in paths if p.exists()) == ["01-trends.html", "02-flags-review.html", "03-map.html",
                                                            "index.html"]
    assert [p.name for p in home.reports.iterdir() if p.name.startswith(".2026")] == []
