"""``report --jaarplan`` for a year after the newest run is refused in one sentence naming the years that have
runs: it listed the open flags of earlier years as that year's ("3 signalering(en) in 2028")."""
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect
from tests.conftest import demo_run_copy, demo_signal_counts, fill_counts


def test_run_years_count_a_week_in_the_year_of_its_first_day():
    from pipelines.reports.build import run_years

    assert run_years(["2026-W53", "2025-W10", "2026-11", "2027-W01"]) == [2025, 2026, 2027]


@pytest.fixture(scope="module")
def run_home(tmp_path_factory, ref):
    home, run = demo_run_copy(tmp_path_factory.mktemp("jaarplan"), ref)
    assert run.run_period.startswith("2026")
    return home


def test_a_year_after_the_newest_run_is_refused_naming_the_run_years(run_home):
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", "2028", "--team", "de-weide"])
    assert res.exit_code == 2 and "no run in 2028 or later: the runs are of 2026" in res.output, res.output
    assert not (run_home.reports / "jaarplan" / "2028").exists()


@pytest.mark.parametrize("year", ["2015", "1999"])
def test_a_year_before_the_counts_is_refused_naming_where_they_begin(run_home, year):
    """Red team: a year before the data ended in pyarrow's 'cannot construct ChunkedArray from empty vector'."""
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", year, "--team", "de-weide"])
    assert res.exit_code == 2 and f"no counts in {year}: the counts begin in 20" in res.output, res.output
    assert "ChunkedArray" not in res.output and not (run_home.reports / "jaarplan" / year).exists()


def test_a_team_without_counts_in_a_year_gets_its_rows_without_a_crash(run_home):
    from pipelines.reports import jaarplan
    from pipelines.reports.build import open_warehouse, read_period_data

    with open_warehouse(run_home) as con:
        data = read_period_data(con)
    for year in (2021, 2026):            # no scores that year / scores but (here) no counts
        dev = jaarplan.development(data.scores, data.areas, data.catalogue, "de-weide", year, data.counts.iloc[:0])
        assert (dev["observed_year"] == 0).all() and (dev["year"] == year).all()
    assert len(dev) > 0                  # 2026's scored rows are kept


def test_the_year_of_the_run_still_has_its_page(run_home):
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", "2026", "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    assert (run_home.reports / "jaarplan" / "2026" / "de-weide.html").exists()


def _page_text(path) -> str:
    import html
    import re

    t = re.sub(r"<style.*?</style>|<svg.*?</svg>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t)))


def _whole_year(home, year: int) -> dict[str, int]:
    """Per buurt name, the physical counts of de-weide's buurten in ISO year (weeks) / calendar year (months)."""
    with connect(home.warehouse) as con:
        return dict(con.execute(
            "SELECT a.name, sum(s.count)::INT FROM core.signal_counts s JOIN core.signal_catalogue c USING (signal) "
            "JOIN core.areas a USING (area_code) WHERE c.domain = 'physical' AND a.wijkteam = 'de-weide' AND "
            "(CASE WHEN s.period = 'week' THEN isoyear(s.period_start) ELSE year(s.period_start) END) = ? "
            "GROUP BY a.name", [year]).fetchall())


@pytest.mark.parametrize("year", [2023, 2024])
def test_a_year_outside_the_runs_score_window_shows_its_whole_count_and_says_what_is_scored(run_home, year):
    # run 2026-W47 scores 104 weeks and 24 months back: 2024 from late in the year on, 2023 not at all
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", str(year), "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    text = _page_text(run_home.reports / "jaarplan" / str(year) / "de-weide.html")
    for name, n in _whole_year(run_home, year).items():
        assert f"{name} fysiek {n} " in text, (name, n)
    assert f"Let op: van {year} dekken de scores van de laatste run" in text
    if year == 2023:
        assert "De signaleringen van 2023 zijn niet bekend" in text and "0 signalering(en)" not in text
        assert "Nog geen scores" not in text
    else:
        assert "de weeksignalen pas vanaf 2024-W" in text and "waarvan gescoord" in text


def test_a_year_the_run_scores_whole_says_nothing_of_a_window(run_home):
    res = CliRunner().invoke(app, ["--home", str(run_home.root), "report", "--jaarplan", "2025", "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    text = _page_text(run_home.reports / "jaarplan" / "2025" / "de-weide.html")
    assert "Let op" not in text and "waarvan gescoord" not in text
    for name, n in _whole_year(run_home, 2025).items():
        assert f"{name} fysiek {n} " in text, (name, n)


def test_a_buurt_moved_to_another_team_leaves_its_flags_in_the_plan_of_the_team_that_was_sent_them(run_home, tmp_path):
    """buurt_indeling.csv edited after the run: `report` syncs the profile as the other commands do, and the flag on
    de-weide's list stays in de-weide's plan; the new team's plan does not show it as its own."""
    import re
    import shutil

    from pipelines.paths import REFERENCE_DIR, resolve_home

    home = resolve_home(tmp_path / "home")
    shutil.copytree(run_home.root, home.root, dirs_exist_ok=True)
    with connect(home.warehouse) as con:
        code, name = con.execute("SELECT f.area_code, a.name FROM marts.area_flags f JOIN core.areas a USING (area_code) "
                                 "WHERE f.wijkteam = 'de-weide' AND f.since >= '2026-01-01' ORDER BY f.area_code "
                                 "LIMIT 1").fetchone()
    shutil.copytree(REFERENCE_DIR, home.root / "reference")
    division = home.root / "reference" / "buurt_indeling.csv"
    division.write_text(re.sub(rf"^{code},de-weide,", f"{code},zuid-oost,", division.read_text(encoding="utf-8"),
                               flags=re.M), encoding="utf-8")
    pages = {}
    for team in ("de-weide", "zuid-oost"):
        res = CliRunner().invoke(app, ["--home", str(home.root), "report", "--jaarplan", "2026", "--team", team])
        assert res.exit_code == 0, res.output
        pages[team] = _page_text(home.reports / "jaarplan" / "2026" / f"{team}.html")
    with connect(home.warehouse) as con:
        assert con.execute("SELECT wijkteam FROM core.areas WHERE area_code = ?", [code]).fetchone()[0] == "zuid-oost"
    flags = {team: text.split("Signaleringen van 2026 en wat ermee gedaan is")[1] for team, text in pages.items()}
    assert f"{name}, fysiek" in flags["de-weide"] or f"{name} " in flags["de-weide"]
    assert f"{name}, " not in flags["zuid-oost"].split("Wat staat nog open")[1]      # not an open item of the new team


def test_a_warehouse_without_any_flag_yet_gets_a_year_plan_saying_so(home, ref):
    """A new municipality's first weeks: runs, but no flag episode at all in the warehouse. ``review.episodes`` gave
    an empty frame of object columns and the year plan ended in pandas' 'Concatenation operation is not implemented
    for NumPy arrays' (red team 5b F1)."""
    from pipelines.reports import review
    from pipelines.runs import score_and_flag

    counts = demo_signal_counts(ref)
    first_weeks = counts[pd.to_datetime(counts["period_start"]) >= pd.Timestamp("2026-09-28")]   # weeks and months
    with connect(home.warehouse) as con:
        fill_counts(con, ref, first_weeks[first_weeks["count"] > 0])
        score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        evidence = con.execute("SELECT * FROM marts.area_evidence").df()
        assert con.execute("SELECT count(*) FROM meta.runs").fetchone()[0] >= 1
    ep = review.episodes(evidence, ref.areas)
    assert ep.empty and list(ep.columns) == list(review.EPISODE_COLUMNS)
    assert all(pd.api.types.is_datetime64_any_dtype(ep[c]) for c in ("since", "last_listed", "resolved"))
    assert pd.api.types.is_float_dtype(ep["weeks_to_resolved"]) and pd.api.types.is_string_dtype(ep["area_code"])

    res = CliRunner().invoke(app, ["--home", str(home.root), "report", "--jaarplan", "2026", "--team", "de-weide"])
    assert res.exit_code == 0, res.output
    text = _page_text(home.reports / "jaarplan" / "2026" / "de-weide.html")
    assert "Geen signaleringen in 2026." in text and "0 signaleringen in 2026: 0 opgelost, 0 nog open." in text


def test_a_full_disk_while_the_page_is_written_leaves_the_earlier_page_whole(run_home, monkeypatch):
    """Red team 7a F8: a disk that filled while the year plan was written left its first 8,192 bytes under the page's
    name, cut off mid-chart, which a browser shows without complaint. Now the earlier page stays, and no part file."""
    import errno
    import os
    from pathlib import Path

    args = ["--home", str(run_home.root), "report", "--jaarplan", "2026", "--team", "de-weide"]
    assert CliRunner().invoke(app, args).exit_code == 0
    page = run_home.reports / "jaarplan" / "2026" / "de-weide.html"
    before = page.read_bytes()
    written = Path.write_text

    def disk_full(self, text, *more, **options):          # the disk fills half-way the page
        if not self.name.startswith(page.name):
            return written(self, text, *more, **options)
        written(self, text[:len(text) // 2], *more, **options)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", disk_full)
    res = CliRunner().invoke(app, args)
    monkeypatch.undo()
    assert res.exit_code == 2 and "the disk is full or a file could not be written" in res.output, res.output
    assert page.read_bytes() == before
    assert sorted(p.name for p in page.parent.iterdir()) == [page.name]
