"""A week without a single report is a delivered week, not one still to come (red team 10c, F3): in a small
municipality (Schiermonnikoog: 1.45 reports a week, 31 % of weeks without one) the run's week is the newest week its
deliveries cover, with reports or without, and a weekly export of such a week (its header only) is read as that week
without reports when its name gives the week or a manifest declares its window; with no period known it is refused."""
import pandas as pd
import pytest

from pipelines.ingest import NotYet, ingest_file
from pipelines.sources.common import IngestError, NoDataRows
from pipelines.warehouse import connect
from tests.conftest import write_csv

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
MONDAY = pd.Timestamp("2026-11-30")           # W48 has just ended


def load(home, ref, path, today=MONDAY, **options):
    from pipelines import reference

    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        return ingest_file(con, path, "meldingen", ref, home.archive, today=today, **options)


@pytest.mark.parametrize("name, monday", [
    ("meldingen_export_2026-W48.csv", "2026-11-23"), ("meldingen_2026w48.xlsx", "2026-11-23"),
    ("meldingen_week_2026-week-1.csv", "2025-12-29"), ("meldingen_2026-W53.csv", "2026-12-28"),
    ("meldingen_2025-W53.csv", None),                       # 2025 has 52 weeks
    ("meldingen_2026_47.csv", None),                        # a month or a week: no week is guessed
    ("meldingen_2026-W45_2026-W48.csv", None),              # a range says nothing of the weeks between
    ("meldingen_export.csv", None)])
def test_the_week_a_file_name_gives(name, monday):
    from pipelines.delivered import named_week

    assert named_week(name) == (None if monday is None else pd.Timestamp(monday))


def test_a_header_only_export_of_a_named_week_is_that_week_without_reports(home, tmp_path, ref):
    from pipelines.catalog.windows import covered_to, delivered_weeks

    result = load(home, ref, write_csv(tmp_path / "meldingen_export_2026-W48.csv", HEADER, []))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (0, 0, 0)
    assert "read as 2026-W48 without reports" in result.describe()
    with connect(home.warehouse) as con:
        assert delivered_weeks(con) == {"meldingen": pd.Timestamp("2026-11-23")}
        assert covered_to(con) == {"meldingen": pd.Timestamp("2026-11-29")}
    again = load(home, ref, write_csv(tmp_path / "meldingen_export_2026-W48.csv", HEADER, []))
    assert again.skipped                                       # loaded once: nothing changes


def test_a_header_only_file_without_a_known_period_is_still_refused(home, tmp_path, ref):
    """The refusal protects against an export of the wrong sheet or period; it now says how to deliver a quiet week."""
    with pytest.raises(NoDataRows, match="no data rows below its header.*name gives the week"):
        load(home, ref, write_csv(tmp_path / "meldingen_export.csv", HEADER, []))
    with pytest.raises(NoDataRows, match="no data rows"):      # a correction holds only fixed rows
        load(home, ref, write_csv(tmp_path / "meldingen_correctie_2026-W47.csv", HEADER, []))
    with pytest.raises(NoDataRows, match="no data rows"):      # a source of counts writes its zeros
        with connect(home.warehouse) as con:
            ingest_file(con, write_csv(tmp_path / "wijkteam_2026-W47.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"],
                                       []), "wijkteam", ref, home.archive, today=MONDAY)


def test_a_header_only_export_of_a_week_not_over_yet_is_not_read_as_quiet(home, tmp_path, ref):
    path = write_csv(tmp_path / "meldingen_export_2026-W49.csv", HEADER, [])
    with pytest.raises(IngestError, match="2026-W49.*has not ended on 2026-11-30"):
        load(home, ref, path)
    earlier = write_csv(tmp_path / "meldingen_export_2026-W47.csv", HEADER, [])
    with pytest.raises(NotYet, match="2026-W47"):              # a run given an earlier day leaves it for a later one
        load(home, ref, earlier, today=pd.Timestamp("2026-11-20"), later_rows="leave")
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0
    # a file with rows named after a week not over is loaded as ever, but that week is not recorded as delivered
    rows = [["M-1", "30-11-2026", "Afval", "Zwerfafval", "BU01185000"]]
    load(home, ref, write_csv(tmp_path / "meldingen_export_2026-W49_ma.csv", HEADER, rows))
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(named_week) FROM meta.loads").fetchone()[0] == 0


def test_a_header_only_full_export_of_a_window_is_the_window_without_reports(home, tmp_path, ref):
    from pipelines.catalog.windows import delivered_weeks

    result = load(home, ref, write_csv(tmp_path / "meldingen_volledig.csv", HEADER, []),
                  window="2026-11-16:2026-11-29")
    assert result.rows_read == 0 and "read as 2026-11-16:2026-11-29 without reports" in result.describe()
    with connect(home.warehouse) as con:
        assert delivered_weeks(con) == {"meldingen": pd.Timestamp("2026-11-23")}


def test_a_window_covers_only_its_whole_weeks():
    from pipelines.delivered import last_whole_week

    assert last_whole_week(pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-29")) == pd.Timestamp("2026-11-23")
    assert last_whole_week(pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-28")) == pd.Timestamp("2026-11-16")
    assert last_whole_week(pd.Timestamp("2026-11-25"), pd.Timestamp("2026-11-29")) is None


# -- Schiermonnikoog, end to end ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schiermonnikoog_reports(tmp_path_factory):
    """GM0088's profile (as `wijkradar init --gemeente GM0088` writes it) and three years of its demo reports up to
    2026-W46; the municipality had no report in 2026-W47 and W48."""
    from models.demo import counts_to_reports
    from pipelines.demo import demo_counts
    from pipelines.profile import write_profile
    from pipelines.reference import Reference

    folder = tmp_path_factory.mktemp("profile")
    write_profile(folder, ["GM0088"])
    ref = Reference(folder / "reference")
    weekly, *_ = demo_counts(ref, end=pd.Timestamp("2026-11-15"), years=3)
    rep = counts_to_reports(weekly, ref.categories, seed=118)
    rows = pd.DataFrame({"Meldingnummer": rep["melding_id"].map("SIG-{}".format),
                         "Datum melding": rep["created"].dt.strftime("%d-%m-%Y"), "Hoofdcategorie": rep["hoofdcategorie"],
                         "Subcategorie": rep["subcategorie"], "Buurtcode": rep["area_code"]})
    return folder / "reference", rows[rep["created"] < "2026-11-16"]


def test_a_small_municipalitys_weeks_without_reports_get_their_own_lists(home, tmp_path, schiermonnikoog_reports):
    import shutil

    from pipelines.flows import delivery_warnings
    from pipelines.catalog.windows import covered_to
    from pipelines.reference import Reference
    from pipelines.runs import delivered_ranges, find_run, score_and_flag

    folder, rows = schiermonnikoog_reports
    shutil.copytree(folder, home.root / "reference")
    ref = Reference.for_home(home)
    history = tmp_path / "meldingen_export_2026-W46.csv"
    rows.to_csv(history, sep=";", index=False)
    load(home, ref, history, today=pd.Timestamp("2026-11-16"))

    def run(today):
        with connect(home.warehouse) as con:
            got = score_and_flag(con, ref, today=pd.Timestamp(today))
            return got, delivery_warnings(delivered_ranges(con), got.run_period, pd.Timestamp(today), covered_to(con))

    w46, _ = run("2026-11-16")
    assert w46.run_period == "2026-W46"
    # W47 and W48 without a report: their exports hold the header only
    for week in ("2026-W47", "2026-W48"):
        result = load(home, ref, write_csv(tmp_path / f"meldingen_export_{week}.csv", HEADER, []))
        assert result.rows_read == 0 and not result.skipped
    w48, warnings = run("2026-11-30")
    assert w48.run_period == "2026-W48" and not w48.reused       # was 2026-W46, its list written again
    assert warnings == []                                        # was: meldingen's deliveries late
    with connect(home.warehouse) as con:
        weeks = con.execute("SELECT DISTINCT period_start FROM marts.area_flags WHERE run_id = ? AND period = 'week'",
                            [w48.run_id]).fetchall()
        assert weeks in ([], [(pd.Timestamp("2026-11-23").date(),)])      # the week's own flags, never W46's
        scored = con.execute("SELECT max(period_start), sum(count) FILTER (WHERE period_start >= DATE '2026-11-16') "
                             "FROM marts.series_scores WHERE period = 'week'").fetchone()
        assert scored == (pd.Timestamp("2026-11-23").date(), 0)           # W47 and W48 scored, as zeros
        assert find_run(con).run_id == w48.run_id
    again, _ = run("2026-11-30")
    assert again.reused and again.run_id == w48.run_id            # idempotent
    earlier, _ = run("2026-11-23")                               # the week before, run again: W47, quiet too
    assert earlier.run_period == "2026-W47"


def test_without_a_delivery_of_the_quiet_weeks_the_warning_says_how_to_deliver_one():
    from pipelines.flows import delivery_warnings

    ranges = pd.DataFrame([{"period": "week", "source": "meldingen", "first": pd.Timestamp("2024-01-01"),
                            "last": pd.Timestamp("2026-11-09")}])
    [warning] = delivery_warnings(ranges, "2026-W46", MONDAY)
    assert warning.startswith("the newest complete week meldingen's deliveries cover is 2026-W46, which ended 2 weeks")
    assert "meldingen_export_2026-W48.csv" in warning and "header row only" in warning


def test_a_header_only_export_where_a_week_brings_many_reports_is_refused(home, tmp_path, ref):
    """Red team 11a F1: in Hoogeveen (about 90 reports a week) one empty sheet named after the week that just ended
    was read as that week without reports, became the run's week, was read as never delivered by the scores and took
    every weekly flag off the lists. Where the source brought 10 or more a week, an empty export is refused."""
    buurten = ref.buurten["area_code"].tolist()
    rows = [[f"M{w}-{i}", (MONDAY - pd.Timedelta(weeks=w, days=-1)).strftime("%Y-%m-%d"), "Afval", "Zwerfafval",
             buurten[i % len(buurten)]] for w in range(2, 10) for i in range(12)]       # 12 a week, W39-W47
    assert load(home, ref, write_csv(tmp_path / "meldingen_export_2026-W39_W47.csv", HEADER, rows)).rows_accepted
    with pytest.raises(NoDataRows, match="right sheet or period: meldingen brought about 1[01] reports a week in the 8 weeks before"):
        load(home, ref, write_csv(tmp_path / "meldingen_export_2026-W48.csv", HEADER, []))
