"""Reports show their own period: an earlier week's report leaves out later weeks, a report whose run's scores are
not in the warehouse is refused, and `flags` shows an empty list as a list."""
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.reference import sync
from pipelines.reports import maps, review
from pipelines.reports.data import NoReportData, open_warehouse, read_report_data
from pipelines.reports.period import check_marts, read_period_data
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect, insert_frame, transaction

runner = CliRunner()
NOW, EARLIER = pd.Timestamp("2026-11-26"), pd.Timestamp("2026-11-12")     # runs of 2026-W47 and 2026-W45
BUURTEN = ["BU01185000", "BU01185001", "BU01185005", "BU01185006", "BU01185007"]
SPIKE = [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-16")]          # 2026-W46 and W47 in Zuid


def weekly_counts(spike: bool) -> pd.DataFrame:
    rnd = np.random.default_rng(1)
    weeks = pd.date_range("2024-01-01", "2026-11-16", freq="7D")
    rows = [(b, w, int(rnd.poisson(3))) for b in BUURTEN for w in weeks]
    frame = pd.DataFrame(rows, columns=["area_code", "period_start", "count"])
    if spike:
        frame.loc[(frame["area_code"] == "BU01185005") & frame["period_start"].isin(SPIKE), "count"] = 40
    return frame.assign(signal="zwerfafval", period="week", source="meldingen", load_id="test")[
        ["area_code", "signal", "period", "period_start", "count", "source", "load_id"]]


def invoke(home, *args):
    return runner.invoke(app, ["--home", str(home.root), *args], catch_exceptions=False)


def runs_home(tmp_path, ref, spike: bool, *todays: pd.Timestamp):
    """A working folder with ``weekly_counts(spike)`` and a run on each of ``todays`` in turn: (home, runs)."""
    from pipelines.paths import resolve_home

    home = resolve_home(tmp_path)
    with connect(home.warehouse) as con:
        sync(con, ref)
        with transaction(con):
            insert_frame(con, "core.signal_counts", weekly_counts(spike=spike))
        runs = [score_and_flag(con, ref, today=today) for today in todays]
    return home, runs


@pytest.fixture(scope="module")
def quiet_home(tmp_path_factory, ref):
    """One run of 2026-W47 without a single flag."""
    home, [run] = runs_home(tmp_path_factory.mktemp("quiet"), ref, False, NOW)
    assert run.run_period == "2026-W47" and run.n_flags == 0
    return home


def test_flags_shows_an_empty_list_as_a_list_not_as_a_missing_run(quiet_home):
    for args in ([], ["--team", "dorpen-noord"], ["--period", "2026-W47"]):
        res = invoke(quiet_home, "flags", *args)
        assert res.exit_code == 0, res.output
        assert "geen opvallende signalen" in res.output and "no run" not in res.output
    res = invoke(quiet_home, "flags", "--period", "2026-W40")              # a week without a run is still refused
    assert res.exit_code == 2 and "no run for period 2026-W40; runs exist for 2026-W47" in res.output


@pytest.fixture(scope="module")
def two_weeks_home(tmp_path_factory, ref):
    """A run of 2026-W47 with a spike in W46/W47, then a run of the earlier week 2026-W45 (the marts are now its)."""
    home, [current, earlier] = runs_home(tmp_path_factory.mktemp("two-weeks"), ref, True, NOW, EARLIER)
    assert (current.run_period, earlier.run_period) == ("2026-W47", "2026-W45") and current.n_flags > 0
    return home


def test_a_report_whose_runs_scores_are_not_in_the_warehouse_is_refused(two_weeks_home, ref):
    # the marts hold the W45 run's scores: the W47 report would colour its map with W45 under "2026-W47"
    res = invoke(two_weeks_home, "report")
    assert res.exit_code == 2 and "Traceback" not in res.output
    text = " ".join(res.output.split())
    assert "the scores in the warehouse are of 2026-W45" in text and "wijkradar run" in text
    with open_warehouse(two_weeks_home) as con:
        with pytest.raises(NoReportData, match="not of the run of 2026-W47"):
            read_period_data(con)
        check_marts(con, read_report_data(con, "2026-W45").run)            # its own scores: fine


def test_a_report_of_an_earlier_week_leaves_out_the_later_weeks(two_weeks_home, ref):
    with connect(two_weeks_home.warehouse) as con:
        score_and_flag(con, ref, today=NOW)                                 # the marts are the W47 run's again
    with open_warehouse(two_weeks_home) as con:
        uncut = read_report_data(con, "2026-W45")
        data = read_period_data(con, "2026-W45")
    end = pd.Timestamp("2026-11-08")
    assert uncut.evidence["period_start"].max() > end                       # what the report showed before
    for frame in (data.counts, data.scores, data.evidence):
        assert frame["period_start"].max() == pd.Timestamp("2026-11-02") and len(frame)
    episodes = review.episodes(data.evidence, data.areas)
    assert not (episodes["since"] > end).any()
    assert (review.episodes(uncut.evidence, uncut.areas)["since"] > end).any()


def test_the_map_shows_the_runs_week_or_nothing():
    evidence = pd.DataFrame({"area_code": ["BU01185000", "BU01185001"], "domain": ["physical", "physical"],
                             "period": ["week", "week"], "period_start": pd.to_datetime(["2026-10-26"] * 2),
                             "p_domain": [0.5, 0.001], "level": [None, "alarm"], "status": [None, "nieuw"]})
    assert len(maps.latest_domain_evidence(evidence, pd.Timestamp("2026-10-26"))) == 2
    assert maps.latest_domain_evidence(evidence, pd.Timestamp("2026-11-16")).empty   # not W44's evidence under W47


def test_report_refuses_what_it_would_otherwise_ignore_or_misread(quiet_home, tmp_path):
    res = invoke(quiet_home, "report", "--period", "banana")
    assert res.exit_code == 2 and "'banana' is not a period; give a week as 2026-W47 or a month as 2026-10" in res.output
    assert invoke(quiet_home, "flags", "--period", "2026-W54").exit_code == 2
    res = invoke(quiet_home, "report", "--open", "--jaarplan", "2026", "--team", "de-weide")
    assert res.exit_code == 2 and "--jaarplan and --open make different reports" in res.output
    res = invoke(quiet_home, "report", "--period", "2026-W47", "--toon-signalen")
    assert res.exit_code == 2 and "belong to --open" in res.output
    missing = tmp_path / "no-such-home"
    res = runner.invoke(app, ["--home", str(missing), "report"], catch_exceptions=False)
    assert res.exit_code == 2 and "no warehouse in" in res.output and not missing.exists()


def test_a_report_of_an_earlier_week_shows_the_answers_its_lists_had_not_a_later_lists(two_weeks_home, ref):
    """A monthly flag keeps its month on later weekly lists: an answer given on the W47 list passed the cut on the
    flag's period, and the W45 report showed it instead of the W45 list's own answer (a colleague's exploration)."""
    with connect(two_weeks_home.warehouse) as con:
        score_and_flag(con, ref, today=NOW)                                 # the marts are the W47 run's
        runs = dict(con.execute("SELECT run_period, run_id FROM meta.runs").fetchall())
        key = ["BU01185005", "social", "month", "2026-10-01"]
        with transaction(con):
            for n, (period, value, day) in enumerate([("2026-W45", "naar jaarplan", "2026-11-12"),
                                                      ("2026-W47", "meer info nodig", "2026-11-26")]):
                con.execute("INSERT INTO meta.flag_feedback VALUES (?, 'zuid-oost', ?, ?, ?, ?, ?, NULL, ?, ?, 2, "
                            "?::TIMESTAMP)", [runs[period], *key, value, day, f"test-{n}", day])
    with open_warehouse(two_weeks_home) as con:
        earlier = read_period_data(con, "2026-W45").feedback
        later = read_period_data(con, "2026-W47").feedback
    assert earlier.loc[earlier["area_code"] == "BU01185005", "feedback"].tolist() == ["naar jaarplan"]
    assert later.loc[later["area_code"] == "BU01185005", "feedback"].tolist() == ["meer info nodig"]
