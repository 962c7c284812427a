"""Provisional police figures on the lists, and a revision of a month a list flagged (red team 12a F2).

The police publish their latest months as provisional (``Voorlopig``) and revise them a month later. A veiligheid
alarm on a provisional October read as any other, and when the definitive figures took the 14 burglaries away the
sent alarm vanished from the next list without a word.
"""
import pandas as pd
import pytest

from pipelines import catalog, reference
from pipelines.sources import politie
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts
from tests.pipelines.odata_server import Service, make_rows, politie_entities

CENTRUM = "BU01185000"
TEAM = "centrum-noord"


def _download(rows, provisional, today, home, **options):
    with Service(politie_entities(rows, provisional=provisional, first_year=2022)) as svc:
        path = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    from pipelines.ingest import ingest_file

    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        return ingest_file(con, path, "politie", reference.Reference(), home.archive, today=pd.Timestamp(today),
                           **options)


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """The demo's counts and police figures up to October 2026 (September and October provisional, Centrum +14
    burglaries in October), run 2026-W47; then the definitive October without the 14 and the week 2026-W48,
    run 2026-W48. Returns (home, the first run's flags, the second run's flags, the second download's line)."""
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag

    ref = reference.Reference()
    home = resolve_home(tmp_path_factory.mktemp("provisional") / "home")
    counts = demo_signal_counts(ref)
    counts = counts[counts["count"] > 0]
    buurten = list(ref.buurten["area_code"])
    rows = make_rows(buurten, first_year=2022)
    for r in rows:                                  # make_rows runs to October 2026; November comes with the revision
        r["GeregistreerdeMisdrijven_1"] = r["GeregistreerdeMisdrijven_1"] or 0
    first = [dict(r) for r in rows]
    for r in first:
        if (r["WijkenEnBuurten"].strip(), r["SoortMisdrijf"].strip(), r["Perioden"]) == (CENTRUM, "1.1.1", "2026MM10"):
            r["GeregistreerdeMisdrijven_1"] += 14
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts)
    _download(first, ("2026MM09", "2026MM10"), "2026-11-20", home)
    with connect(home.warehouse) as con:
        run1 = score_and_flag(con, ref, today=pd.Timestamp("2026-11-23"))
        flags1 = con.execute("SELECT * FROM marts.area_flags WHERE run_id = ?", [run1.run_id]).df()
        catalog.lists_written(con, run1.run_period, run1.run_id)       # the W47 lists went out
        # centrum-noord answers the alarm on its W47 list before the revision
        con.execute("INSERT INTO meta.flag_feedback VALUES (?, ?, ?, 'safety', 'month', DATE '2026-10-01', "
                    "'opgepakt', NULL, DATE '2026-11-26', 'h', 1, TIMESTAMP '2026-11-26 10:00:00')",
                    [run1.run_id, TEAM, CENTRUM])
    line = _download(rows, (), "2026-12-10", home, accept_drop=True).describe()
    week = counts[(counts["period"] == "week") & (pd.to_datetime(counts["period_start"]) == "2026-11-16")]
    with connect(home.warehouse) as con:
        fill_counts(con, ref, week.assign(period_start=pd.Timestamp("2026-11-23")))
        run2 = score_and_flag(con, ref, today=pd.Timestamp("2026-11-30"))
        flags2 = con.execute("SELECT * FROM marts.area_flags WHERE run_id = ?", [run2.run_id]).df()
        catalog.lists_written(con, run2.run_period, run2.run_id)
    return home, run1, flags1, run2, flags2, " ".join(line.split())


def _safety(flags):
    return flags[(flags["area_code"] == CENTRUM) & (flags["domain"] == "safety") & (flags["period"] == "month")]


def test_a_flag_on_a_provisional_month_says_the_count_is_provisional(revised):
    home, run1, flags1, *_ = revised
    row = _safety(flags1)
    assert len(row) == 1 and row["level"].item() == "alarm", flags1
    assert "misdrijven (voorlopig cijfer), verwacht" in row["explanation"].item()
    assert "(provisional figure), expected" in row["explanation_en"].item()


def test_the_revision_names_the_month_made_definitive_and_what_it_moved(revised):
    *_, line = revised
    assert "politie: provisional figures made definitive: 2026-09 (0 of" in line
    assert "2026-10 (1 of" in line and "cells changed, total" in line


def test_a_sent_flag_whose_month_the_police_revised_is_closed_as_herzien_not_dropped(revised):
    home, run1, flags1, run2, flags2, line = revised
    assert run2.run_period == "2026-W48"
    row = _safety(flags2)
    assert len(row) == 1, flags2[flags2["area_code"] == CENTRUM]
    assert (row["status"].item(), row["level"].item()) == ("herzien", "")
    assert row["since"].item() == pd.Timestamp("2026-10-01")
    text = row["explanation"].item()
    assert text.startswith("Herzien: de cijfers van oktober 2026 zijn opnieuw geleverd door de politie (nu definitief) "
                           "en tonen hier geen verhoging meer; eerder op de lijst als alarm. Nu: Woninginbraak: "), text
    assert text.endswith(". Sinds oktober 2026."), text
    assert "voorlopig cijfer" not in text
    assert row["explanation_en"].item().startswith("Revised: the counts of")


def test_the_year_plan_keeps_the_sent_alarm_marked_as_revised_with_its_answer(revised):
    """The year plan read its flags from the scores' lifecycle, in which the revised October never rose: the alarm
    centrum-noord was sent, and answered, was not in its year plan."""
    from pipelines.reports.build import write_jaarplan

    home, *_ = revised
    html = " ".join(write_jaarplan(home, 2026, TEAM).read_text(encoding="utf-8").split())
    flags = html.split("<h2>Signaleringen van 2026")[1].split("<h2>")[0]
    row = next((r for r in flags.split("<tr>") if "Centrum</td><td>veiligheid</td>" in r), "")
    assert "<td>alarm</td><td>01-10-2026</td>" in row, flags
    assert "herzien: cijfers van oktober 2026 door de politie bijgesteld" in row
    assert "<td>opgepakt</td>" in row                                  # the team's answer on it counts
    assert "herzien" in html.split("<h2>Samenvatting</h2>")[1].split("</p>")[0]
    assert "Centrum, veiligheid" not in html.split("Wat staat nog open")[1]     # closed, not open


def test_an_answer_on_a_revised_alarm_is_counted_once_by_wijkradar_feedback(revised):
    from pipelines.feedback import precision, read_answers

    home, *_ = revised
    with connect(home.warehouse, only_reads=True) as con:
        report = precision(read_answers(con), min_answers=1)
    total = report[report["by"] == "total"]
    assert total[["answered", "confirmed"]].values.tolist() == [[1, 1]]
    assert report[(report["by"] == "signal")]["item"].tolist() == ["woninginbraak"]   # the alarm's own signal


def test_explain_of_the_sent_week_shows_what_its_list_said_and_that_the_evidence_is_of_today(revised, monkeypatch):
    """After the revision `explain --period 2026-W47` read "nazorg | nieuw": today's level beside the W47 list's
    status."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, *_ = revised
    monkeypatch.setenv("WIJKRADAR_HOME", str(home.root))
    out = CliRunner().invoke(app, ["explain", CENTRUM, "--period", "2026-W47"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    row = next(line for line in out.output.splitlines() if "veiligheid" in line and "oktober 2026" in line)
    assert "alarm" in row and "nieuw" in row and "nazorg" not in row, out.output
    assert ("veiligheid oktober 2026: niveau en status zoals de lijst van 2026-W47 ze toonde; p, q en de reeksen "
            "zijn de cijfers van nu, die geen verhoging meer tonen (herzien op de lijst van 2026-W48)") in text, text


# --- on tiny frames ---------------------------------------------------------------------------------------------------

def test_a_provisional_count_reads_as_such_in_explain_and_a_lower_bound_keeps_its_minstens():
    from pipelines.wording import count_text

    assert count_text(14, False, "nl", True) == "14 (voorlopig)"
    assert count_text(14, True, "nl", True) == "minstens 14 (voorlopig)"
    assert count_text(14, False, "en", True) == "14 (provisional)"
    assert count_text(14, False, "nl") == "14"


def test_only_a_listed_month_delivered_again_and_no_longer_flagged_is_closed_as_herzien():
    from pipelines.flag import close_revised

    now = pd.DataFrame({"area_code": ["BU1", "BU2", "BU3"], "domain": "safety", "period": "month",
                        "period_start": pd.Timestamp("2026-10-01"), "level": ["", "alarm", ""],
                        "status": ["", "aanhoudend", ""], "since": pd.NaT, "last_seen": pd.NaT})
    revised = pd.DataFrame({"area_code": ["BU1", "BU2"], "domain": "safety", "period_start": pd.Timestamp("2026-10-01"),
                            "since": pd.Timestamp("2026-10-01"), "level": "alarm", "signals": "burglary",
                            "sources": "politie", "provisional": False})
    out = close_revised(now, revised)
    assert out["status"].tolist() == ["herzien", "aanhoudend", ""]       # BU2 still holds; BU3 was never listed
    assert out["level"].tolist() == ["", "alarm", ""]
    assert out.loc[0, "since"] == pd.Timestamp("2026-10-01")
    assert close_revised(now, revised.iloc[0:0])["status"].tolist() == ["", "aanhoudend", ""]


def test_the_herzien_row_is_no_listing_of_its_own_so_a_later_run_of_the_week_closes_it_again(revised):
    """A second run of 2026-W48 (another load that week) reads the listings before it, the herzien row among them:
    the alarm of 2026-W47 is still the listing it compares with, with the level the team was sent."""
    from pipelines.catalog import redelivered_months

    home, *_ = revised
    with connect(home.warehouse, only_reads=True) as con:
        found = redelivered_months(con, pd.Timestamp("2026-12-07"))
    row = found[(found["area_code"] == CENTRUM) & (found["domain"] == "safety")]
    assert row[["level", "sources", "provisional"]].values.tolist() == [["alarm", "politie", False]]
    assert row["signals"].item() != ""


def test_a_revised_last_month_of_a_longer_episode_is_that_episode_marked_herzien_not_a_second_one():
    """Red team 13b F1: a monthly alarm ran August-October (since August) and was sent with October; the police
    revised October, so today's lifecycle holds August-September, resolved in October. The sent October flag was
    matched to its episode by month, which the revision had cut off: the year plan and the review counted the one
    flag twice, once opgelost and once herzien. It is the same episode (team, buurt, domain, period, since)."""
    from pipelines.reports.jaarplan import year_flags
    from pipelines.reports.review import episodes, time_to_resolution

    ref = reference.Reference()
    evidence = pd.DataFrame([
        {"area_code": CENTRUM, "domain": "safety", "period": "month", "period_start": pd.Timestamp(month),
         "status": status, "since": pd.Timestamp("2026-08-01"), "level": level, "score": 5.0}
        for month, status, level in (("2026-08-01", "nieuw", "alarm"), ("2026-09-01", "aanhoudend", "alarm"),
                                     ("2026-10-01", "opgelost", ""))])
    revised = pd.DataFrame([{"wijkteam": TEAM, "area_code": CENTRUM, "domain": "safety", "period": "month",
                             "period_start": pd.Timestamp("2026-10-01"), "since": pd.Timestamp("2026-08-01"),
                             "level": "alarm", "signals": "woninginbraak", "revised_in": "2026-W48"}])
    ep = episodes(evidence, ref.areas, None, revised)
    assert [list(row) for row in ep[["since", "last_listed", "revised"]].itertuples(index=False)] == [
        [pd.Timestamp("2026-08-01"), pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-01")]]
    assert ep["resolved"].isna().all()
    assert time_to_resolution(ep)[["episodes", "resolved", "revised", "open"]].values.tolist() == [[1, 0, 1, 0]]
    feedback = pd.DataFrame(columns=["wijkteam", "area_code", "domain", "period", "period_start", "feedback"])
    plan = year_flags(evidence, ref.areas, feedback, TEAM, 2026, None, revised, ref.catalogue)
    assert plan["state"].tolist() == ["herzien"] and plan["revised_by"].tolist() == ["politie"]
    # a revision of a month inside the episode (the months around it still rose) leaves it as it was
    inside = episodes(evidence, ref.areas, None, revised.assign(period_start=pd.Timestamp("2026-09-01")))
    assert inside["revised"].isna().all() and inside["resolved"].tolist() == [pd.Timestamp("2026-10-01")]
