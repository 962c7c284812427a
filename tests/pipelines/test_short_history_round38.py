"""A municipality with a short history (a new partner, a new source): the lists, warnings and commands say that too
little history exists to judge, and from when judging starts, instead of "geen opvallende signalen" or nothing."""
import pandas as pd
import pytest

from pipelines.export import unjudged_notes
from pipelines.paths import resolve_home
from pipelines.runs import score_and_flag
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts

TODAY = pd.Timestamp("2026-11-26")


def short_home(folder, ref, months: int, monthly_months: int | None = None):
    """A home whose demo counts begin ``months`` months before TODAY (the monthly ones ``monthly_months``), one run."""
    counts = demo_signal_counts(ref)
    counts = counts[counts["count"] > 0].copy()
    starts = pd.to_datetime(counts["period_start"])
    weeks_from = TODAY - pd.DateOffset(months=months)
    months_from = (TODAY - pd.DateOffset(months=monthly_months or months)).replace(day=1)
    keep = ((counts["period"] == "week") & (starts >= weeks_from)) | ((counts["period"] == "month")
                                                                       & (starts >= months_from))
    home = resolve_home(folder)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[keep & (starts < TODAY - pd.Timedelta(days=TODAY.weekday()))])
        run = score_and_flag(con, ref, today=TODAY)
    return home, run


@pytest.fixture(scope="module")
def one_month(tmp_path_factory, ref):
    return short_home(tmp_path_factory.mktemp("one_month") / "home", ref, 1)


@pytest.fixture(scope="module")
def three_months(tmp_path_factory, ref):
    return short_home(tmp_path_factory.mktemp("three_months") / "home", ref, 3)


def notes_of(home, run):
    with connect(home.warehouse, only_reads=True) as con:
        return unjudged_notes(con, run.run_id, run.run_period)["GM0118"]


def test_week_too_young_says_too_little_history_and_from_when(one_month):
    """Four weeks of meldingen: the list said the week's figures 'konden niet worden doorgerekend' and the warning
    told the analyst to deliver what was never missing."""
    dutch, english = notes_of(*one_month)[0]
    assert dutch.startswith("2026-W47 kon niet beoordeeld worden: er zijn nog te weinig weken met cijfers")
    assert "de meldingen beginnen pas in 2026-W44" in dutch and "vanaf 2026-W53" in dutch
    assert "too little history" in english and "nothing is missing" in english
    assert "once they are delivered" not in english


def test_young_monthly_source_is_named_not_left_out(three_months):
    """Three months of wijkteam counts, weeks judged: the list read 'Geen opvallende signalen' without a word that
    sociaal (monthly) could not be judged yet."""
    notes = notes_of(*three_months)
    assert len(notes) == 1
    dutch, english = notes[0]
    assert dutch.startswith("oktober 2026 kon niet beoordeeld worden: er zijn nog te weinig maanden met cijfers")
    assert "de wijkteamsignalen beginnen pas in augustus 2026" in dutch and "vanaf mei 2027" in dutch
    assert "deze lijst bevat daarom geen maandsignalen" in dutch
    assert "too little history" in english


def test_open_pages_without_a_complete_year(three_months):
    """Three months of counts, no complete year: `report --open` stopped with KeyError 'gemeente_code' (the record
    of what the pages print was selected by an empty list, which pandas reads as no columns)."""
    from pipelines.reports.build import write_open_pages

    home, _ = three_months
    paths = write_open_pages(home)
    assert any(p.name == "index.html" for p in paths) and len(paths) > 1


def test_trends_year_to_date_when_no_source_is_compared(three_months):
    """Every source began this year, so none is compared: `report --period` stopped in 01-trends with 'Cannot cast
    DatetimeArray to dtype float64' (an empty map of each domain's last day compared)."""
    from pipelines.reports import trends
    from pipelines.reports.data import open_warehouse, read_report_data

    home, run = three_months
    with open_warehouse(home) as con:
        data = read_report_data(con, run.run_period, home=home)
    out = trends.year_to_date(data.counts, data.areas, data.catalogue, pd.Timestamp("2026-11-22"),
                              by=("kind", "domain"), year=2026)
    assert out["count"].sum() == 0 and out["until"].isna().all()


def test_the_lists_say_the_risk_could_not_be_estimated_not_that_no_buurt_has_a_high_chance(three_months, ref):
    """Three months of history: no domain's risk could be estimated (the model needs 15 months), and every list said
    "Geen buurten van dit wijkteam met een hoge kans op escalatie zonder huidig signaal" (found by a colleague's
    exploration)."""
    from pipelines.export import export_run
    from pipelines.risk import risk_step
    from openpyxl import load_workbook

    from pipelines.wording import PREVENTIVE_NONE, PREVENTIVE_TITLE

    home, run = three_months
    with connect(home.warehouse) as con:
        result = risk_step(con, ref, run)
        paths = export_run(con, home, run)
    assert result.rows == 0 and all("skipped" in m for m in result.models.values())
    for files in paths.values():
        html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
        assert PREVENTIVE_NONE not in html
        assert "De kans op escalatie is nu niet te schatten voor fysiek en sociaal" in html
        book = load_workbook(next(p for p in files if p.suffix == ".xlsx"), read_only=True)
        cells = [str(v) for row in book[PREVENTIVE_TITLE].iter_rows(values_only=True) for v in row if v]
        assert PREVENTIVE_NONE not in cells and any(c.startswith("De kans op escalatie is nu niet") for c in cells)


def test_a_domain_whose_risk_was_estimated_keeps_the_sentence_and_the_other_is_named():
    from pipelines.wording import PREVENTIVE_NONE, preventive_none

    assert preventive_none({"physical": {"model": "logistic"}, "social": {"model": "logistic"}}) == PREVENTIVE_NONE
    both = preventive_none({"physical": {"model": "logistic"}, "social": {"skipped": "1 complete period(s)"}})
    assert both.startswith(PREVENTIVE_NONE) and "Voor sociaal is de kans op escalatie nu niet te schatten" in both


def test_flags_prints_what_the_run_could_not_judge_above_an_empty_list(one_month):
    """`wijkradar flags` printed "geen opvallende signalen" for a week too young to judge, where the team's own list
    says it was not judged and why (found by a colleague's exploration)."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, _ = one_month
    for lang, said in (("nl", "2026-W47 kon niet beoordeeld worden: er zijn nog te weinig weken met cijfers"),
                       ("en", "2026-W47 was not judged (too little history")):
        res = CliRunner().invoke(app, ["--home", str(home.root), "flags", "--team", "de-weide", "--lang", lang])
        assert res.exit_code == 0, res.output
        assert said in " ".join(res.stdout.split()), res.stdout


def test_explain_of_a_buurt_too_young_to_score_says_so_not_run_the_flow_first(one_month):
    """After the run of a one-month history, `explain` said "no scores yet; run the weekly flow first", which the
    analyst had just done (found by a colleague's exploration)."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    home, _ = one_month
    res = CliRunner().invoke(app, ["--home", str(home.root), "explain", "BU01185000"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and "in the run of 2026-W47: its counts are still too few to judge" in said, said
    assert "run the weekly flow first" not in said


def test_an_open_page_without_a_whole_year_says_so(three_months, ref):
    """A wijk page of a municipality without a whole year showed only the reading guide (found by a colleague's
    exploration)."""
    from pipelines.reports.build import write_open_pages

    home, _ = three_months
    page = next(p for p in write_open_pages(home) if p.name.startswith("de-weide")).read_text(encoding="utf-8")
    assert "Nog geen cijfers" in page and "nog geen heel jaar aan gegevens" in page
    assert "We vergelijken de jaren" not in page


def test_the_rising_series_say_why_they_are_empty():
    """01-trends showed two empty tables without a word in a municipality's first months (found by a colleague's
    exploration)."""
    from pipelines.reports import trends

    end = pd.Timestamp("2026-11-22")
    young = pd.DataFrame({"period_start": pd.date_range("2026-08-03", periods=16, freq="W-MON")})
    assert trends.no_rising_sentence(young, end).startswith("Nog geen reeksen om te vergelijken")
    old = pd.DataFrame({"period_start": pd.date_range("2023-01-02", periods=200, freq="W-MON")})
    assert trends.no_rising_sentence(old, end).startswith("Geen reeks met 5 of meer")


def test_the_run_warning_on_series_too_short_says_from_when_and_that_nothing_is_missing(ref, caplog):
    from pipelines.score import score_counts

    counts = demo_signal_counts(ref)
    starts = pd.to_datetime(counts["period_start"])
    areas = ref.buurten["area_code"].tolist()[:3]
    young = counts[(starts >= "2026-10-05") & (starts <= "2026-11-16") & counts["area_code"].isin(areas)
                   & (counts["count"] > 0)]
    with caplog.at_level("WARNING"):
        score_counts(young, areas)
    said = " ".join(r.getMessage() for r in caplog.records if "too little history" in r.getMessage())
    assert "scored from its 10th week or month of counts; nothing is missing" in said, said
