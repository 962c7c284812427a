"""Provisional police months on the charts managers and residents read ("HTML charts without provisional marks").

The police publish their latest months as provisional and revise them later. The wijkteam lists said so, but the
year plan's monthly chart and the open pages' yearly chart drew a provisional month like a definitive one, so a
provisional dip or peak read as fact. Now such a value is an open dot reached by a dashed segment, with a Dutch note
under the chart, and the open pages' table says "(voorlopig)" after the count.
"""
import re

import pandas as pd
import pytest

from pipelines.reports import build, openpages
from pipelines.reports.data import open_warehouse
from pipelines.reports.period import read_period_data
from pipelines.reports.svg import Line, line_chart
from pipelines.reports.trends import wijk_table
from pipelines.warehouse import connect
from tests.accessibility import problems
from tests.conftest import demo_signal_counts, fill_counts

PROVISIONAL_NOTE = "Open punt: voorlopig cijfer van de politie; kan nog veranderen."
OPEN_DOT = re.compile(r'<circle [^>]*fill="#ffffff" stroke="#[0-9a-f]{6}" stroke-width="1.5"><title>[^<]*\(voorlopig\)')
TEAM = "centrum-noord"


@pytest.fixture(scope="module")
def scored(tmp_path_factory, ref):
    """The demo's counts with monthly police burglaries beside them (the demo's youth nuisance per buurt and month,
    as a police signal) and one scored run of 2026-W48."""
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag

    home = resolve_home(tmp_path_factory.mktemp("provisional_charts") / "home")
    counts = demo_signal_counts(ref)
    police = counts[counts["signal"] == "jeugdoverlast"].assign(signal="woninginbraak", source="politie")
    counts = pd.concat([counts, police], ignore_index=True)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[counts["count"] > 0])
        score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
    return home


def _provisional(home, months: tuple[str, ...]) -> None:
    """The police counts of ``months`` provisional in the warehouse (none: every month definitive)."""
    with connect(home.warehouse) as con:
        police = [s for (s,) in con.execute("SELECT signal FROM core.signal_catalogue WHERE source = 'politie'")
                  .fetchall()]
        assert police, "the demo holds police signals"
        con.execute("UPDATE core.signal_counts SET provisional = (signal IN (SELECT unnest($1::VARCHAR[])) "
                    "AND period = 'month' AND strftime(period_start, '%Y-%m') IN (SELECT unnest($2::VARCHAR[])))",
                    [police, list(months)])


def _year_plan(home, months: tuple[str, ...]) -> str:
    _provisional(home, months)
    return build.write_jaarplan(home, 2026, TEAM).read_text(encoding="utf-8")


def _open_page(home, months: tuple[str, ...]) -> tuple[str, pd.DataFrame]:
    """The open page of the largest wijk, and the report frames' counts it was made of."""
    _provisional(home, months)
    with open_warehouse(home) as con:
        data = read_period_data(con)
    pages = build.open_pages(data, build.read_settings(home))
    largest = wijk_table(data.areas).sort_values("population").iloc[-1]
    return pages[openpages.page_name(largest["wijk_code"], largest["wijk"])], data.counts


def _veiligheid_chart(page: str) -> str:
    charts = [c for c in re.findall(r"<svg.*?</svg>", page, flags=re.S) if "Veiligheid" in c or "veilig" in c.lower()]
    assert charts, "a chart of the police's domain"
    return charts[0]


def test_a_provisional_police_month_is_an_open_dot_with_the_note_on_the_year_plan(scored):
    page = _year_plan(scored, ("2026-10",))
    chart = _veiligheid_chart(page)
    assert len(OPEN_DOT.findall(chart)) == 1, chart           # October only, on the observed line
    assert "okt: " in OPEN_DOT.search(chart).group(0)
    assert PROVISIONAL_NOTE in chart
    assert page.count(PROVISIONAL_NOTE) == 1                  # the other domains' charts hold no police count
    assert problems(page) == []                               # WCAG as the checker reads it, open dot and all


def test_the_same_month_definitive_has_no_open_dot_and_no_note_on_the_year_plan(scored):
    page = _year_plan(scored, ())
    assert not OPEN_DOT.search(page) and PROVISIONAL_NOTE not in page and "voorlopig" not in page


def test_an_open_page_marks_the_year_holding_a_provisional_month_in_chart_and_table(scored):
    page, counts = _open_page(scored, ("2025-12",))
    assert counts["provisional"].any()                        # carried through as a column of the report frames
    chart = _veiligheid_chart(page)
    assert len(OPEN_DOT.findall(chart)) == 2, chart           # 2025, of the wijk and of the whole municipality
    assert all("2025: " in m for m in OPEN_DOT.findall(chart))
    assert PROVISIONAL_NOTE in chart
    assert re.search(r'<td>2025</td><td class="aantal">[^<]* \(voorlopig\)</td>', page), page
    assert not re.search(r'<td>2024</td><td class="aantal">[^<]* \(voorlopig\)</td>', page)
    assert problems(page) == []                               # WCAG as the checker reads it, three domains


def test_an_open_page_of_definitive_months_has_no_mark(scored):
    page, counts = _open_page(scored, ())
    assert not counts["provisional"].any()
    assert not OPEN_DOT.search(page) and PROVISIONAL_NOTE not in page and "(voorlopig)" not in page


def test_the_provisional_mark_of_an_open_page_is_the_same_for_every_wijk():
    """A wijk without a count in a provisional month must not read as definitive: that would tell its month was 0,
    which a rounded year does not."""
    areas = pd.DataFrame({
        "area_code": ["GM1", "WK1", "WK2", "BU1", "BU2"], "level": ["gemeente", "wijk", "wijk", "buurt", "buurt"],
        "name": ["Gem", "Wijk 01 Noord", "Wijk 02 Zuid", "b1", "b2"], "wijk_code": [None, "WK1", "WK2", "WK1", "WK2"],
        "gemeente_code": ["GM1", "GM1", "GM1", "GM1", "GM1"], "kind": [None, None, None, "stadswijk", "stadswijk"],
        "wijkteam": [None, None, None, "t", "t"], "population": [4000, 2000, 2000, 2000, 2000]})
    catalogue = pd.DataFrame({"signal": ["inbraak"], "domain": ["safety"], "label_nl": ["Inbraak"],
                              "unit_nl": ["misdrijven"], "source": ["politie"], "frequency": ["month"]})
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    counts = pd.DataFrame([{"area_code": b, "signal": "inbraak", "period": "month", "period_start": m,
                            "count": 3, "partial": False, "provisional": m == months[-1]}
                           for b in ("BU1", "BU2") for m in months if not (b == "BU2" and m == months[-1])])
    rates = openpages.yearly_rates(counts, areas, catalogue)
    assert rates.groupby("year")["provisional"].agg(["all", "any"]).to_dict("list") == {
        "all": [False, True], "any": [False, True]}


def test_a_line_without_provisional_values_draws_as_before():
    plain = line_chart(["a", "b"], [Line("x", [1.0, 2.0])], "t")
    marked = line_chart(["a", "b"], [Line("x", [1.0, 2.0], provisional=(False, True))], "t")
    assert PROVISIONAL_NOTE not in plain and 'height="200"' in plain
    assert PROVISIONAL_NOTE in marked and 'height="216"' in marked and 'stroke-dasharray="5,4"' in marked


def _trends(home, months: tuple[str, ...]) -> tuple[str, str]:
    """The trend notebook's year-to-date chart (SVG) and its table of this year against earlier years (HTML)."""
    from pipelines.reports import charts, trends
    from pipelines.reports.period import period_end
    from pipelines.reports.render import table

    _provisional(home, months)
    with open_warehouse(home) as con:
        data = read_period_data(con)
    end = period_end(data.run["run_period"])
    year = trends.report_year(data.run_start)
    ytd_kind = trends.year_to_date(data.counts, data.areas, data.catalogue, end, by=("kind", "domain"), year=year)
    chart = charts.to_svg(charts.year_to_date_chart(ytd_kind, end.strftime("%d-%m")))
    ytd_wijk = trends.year_to_date(data.counts, data.areas, data.catalogue, end, year=year)
    return chart, table(trends.change_table(trends.this_year_vs_earlier(ytd_wijk, year), year))


def test_the_trend_notebook_marks_this_years_police_figures_holding_a_provisional_month(scored):
    chart, change = _trends(scored, ("2026-10",))
    assert PROVISIONAL_NOTE in chart
    assert re.search(r'<use [^>]*style="fill: #ffffff; stroke: #', chart)          # an open dot
    rows = [r for r in change.split("<tr>") if "veiligheid" in r]
    assert rows and all("(voorlopig)</td>" in r for r in rows), change
    assert not any("(voorlopig)" in r for r in change.split("<tr>") if "fysiek" in r or "sociaal" in r)


def test_the_trend_notebook_of_definitive_months_has_no_mark(scored):
    chart, change = _trends(scored, ())
    assert PROVISIONAL_NOTE not in chart and not re.search(r'<use [^>]*style="fill: #ffffff', chart)
    assert "voorlopig" not in change


def _observed_vs_expected(home, months: tuple[str, ...]) -> tuple[str, pd.DataFrame]:
    """The trend notebook's observed-vs-expected chart (SVG) and its table of ratios per wijk and domain."""
    from pipelines.reports import charts, trends

    _provisional(home, months)
    with open_warehouse(home) as con:
        data = read_period_data(con)
    year = trends.report_year(data.run_start)
    oe = trends.observed_vs_expected(data.scores, data.areas, data.catalogue)
    return charts.to_svg(charts.observed_vs_expected_chart(oe, year)), trends.ratio_table(oe, year)


def test_the_trend_notebook_marks_a_ratio_holding_a_provisional_month(scored):
    from pipelines.reports.charts import HATCHED_NOTE

    chart, ratios = _observed_vs_expected(scored, ("2026-10",))
    assert HATCHED_NOTE in chart and "<pattern" in chart                       # hatched bars, the note under them
    shown = ratios["veiligheid"].dropna()
    assert len(shown) and shown.str.fullmatch(r"\d+,\d\d \(voorlopig\)").all(), ratios
    assert pd.api.types.is_float_dtype(ratios["sociaal"])                     # no police count: as before


def test_the_trend_notebooks_ratios_of_definitive_months_have_no_mark(scored):
    from pipelines.reports.charts import HATCHED_NOTE

    chart, ratios = _observed_vs_expected(scored, ())
    assert HATCHED_NOTE not in chart and "<pattern" not in chart
    assert pd.api.types.is_float_dtype(ratios["veiligheid"])


def _rising(home, months: tuple[str, ...]) -> pd.DataFrame:
    """The trend notebook's table of the series rising most, as it reads (every series, no top)."""
    from pipelines.reports import trends
    from pipelines.reports.period import period_end

    _provisional(home, months)
    with open_warehouse(home) as con:
        data = read_period_data(con)
    end = period_end(data.run["run_period"])
    rising = trends.rising_series(data.counts, data.areas, data.catalogue, end, top=None, min_recent=0)
    return trends.rising_table(rising).assign(signal=rising["signal"].to_numpy())


def test_the_rising_series_say_when_their_recent_counts_hold_a_provisional_month(scored):
    table = _rising(scored, ("2026-10",))
    police = table[table["signal"] == "woninginbraak"]
    assert len(police) and police["recent"].str.endswith(" (voorlopig)").all(), police
    assert not table.loc[table["signal"] != "woninginbraak", "recent"].astype(str).str.contains("voorlopig").any()


def test_the_rising_series_of_definitive_months_have_no_mark(scored):
    table = _rising(scored, ())
    assert pd.api.types.is_float_dtype(table["recent"])


def _year_rows(page: str, domain: str) -> list[str]:
    """The rows of the year plan's table per buurt and domain of ``domain`` (Dutch)."""
    return re.findall(rf"<tr><td>[^<]*</td><td>{domain}</td>.*?</tr>", page)


def test_the_year_plans_table_marks_a_year_holding_a_provisional_month(scored):
    from pipelines.reports.jaarplan import PROVISIONAL_TABLE_NOTE

    page = _year_plan(scored, ("2026-10",))
    police = _year_rows(page, "veiligheid")
    assert police and all(re.match(r'<tr><td>[^<]*</td><td>veiligheid</td><td class="num"[^>]*>(&ge; )?\d+ '
                                   r"\(voorlopig\)</td>", r) for r in police), police
    assert not any("voorlopig" in r for d in ("fysiek", "sociaal") for r in _year_rows(page, d))
    assert page.count(PROVISIONAL_TABLE_NOTE) == 1                  # explained once, under the table


def test_the_year_plans_table_of_definitive_months_has_no_mark(scored):
    from pipelines.reports.jaarplan import PROVISIONAL_TABLE_NOTE

    page = _year_plan(scored, ())
    assert _year_rows(page, "veiligheid") and PROVISIONAL_TABLE_NOTE not in page and "(voorlopig)" not in page


def _trend_sentences(home, months: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Per open page of a wijk: its domains' cards (Dutch heading -> the card's HTML)."""
    _provisional(home, months)
    with open_warehouse(home) as con:
        data = read_period_data(con)
    pages = build.open_pages(data, build.read_settings(home))
    return {name: dict(re.findall(r'<section class="card"><h2>([^<]*)</h2>(.*?)</section>', page, flags=re.S))
            for name, page in pages.items() if name != "index.html"}


def test_an_open_pages_trend_sentence_says_the_year_holds_provisional_police_figures_on_every_wijk(scored):
    cards = _trend_sentences(scored, ("2025-12",))
    safety = [c["Veiligheid"] for c in cards.values() if "<p>In 2025 " in c.get("Veiligheid", "")]
    assert safety and all(openpages.PROVISIONAL_SENTENCE in c for c in safety)     # every wijk alike
    assert not any(openpages.PROVISIONAL_SENTENCE in c[h] for c in cards.values() for h in c if h != "Veiligheid")


def test_an_open_pages_trend_sentence_of_definitive_months_has_no_mark(scored):
    cards = _trend_sentences(scored, ())
    assert any("In 2025 waren er" in c.get("Veiligheid", "") for c in cards.values())
    assert not any(openpages.PROVISIONAL_SENTENCE in c[h] or "voorlopig" in c[h] for c in cards.values() for h in c)
