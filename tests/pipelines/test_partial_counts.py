"""A total with an unknown part (a suppressed ``<5`` creditor cell) is read as a lower bound, and every place that
shows it says so: "minstens 41" on the list and in ``explain``, ``partial`` in the marts and the reports' frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from pipelines.warehouse import connect, insert_frame
from tests.conftest import TODAY, fill_counts

AREA, MONTH = "BU01185000", pd.Timestamp("2026-10-01")


def schulden_history(months: int = 48) -> pd.DataFrame:
    """A quiet payment-arrears series of one buurt, ending the month before ``MONTH``."""
    starts = pd.date_range(end=MONTH - pd.offsets.MonthBegin(1), periods=months, freq="MS")
    counts = np.random.default_rng(7).poisson(6, months)
    return pd.DataFrame({"area_code": AREA, "signal": "betalingsachterstand", "period": "month",
                         "period_start": starts, "count": counts, "source": "schulden"})


def fill_with_partial_month(con, ref, huur: int) -> None:
    """A schulden history, and for ``MONTH`` huur ``huur`` delivered with energie suppressed."""
    fill_counts(con, ref, schulden_history())
    cell = dict(source="schulden", area_code=AREA, signal="betalingsachterstand", period="month",
                period_start=MONTH, load_id="demo", load_seq=1)
    insert_frame(con, "core.source_cells", pd.DataFrame([dict(cell, part="huur", count=huur)]))
    insert_frame(con, "core.unknown_cells", pd.DataFrame([dict(cell, part="energie")]))


def test_a_rise_in_a_total_with_a_suppressed_part_is_listed_as_at_least_its_known_parts(home, ref):
    from pipelines import catalog
    from pipelines.runs import score_and_flag

    with connect(home.warehouse) as con:
        fill_with_partial_month(con, ref, huur=41)
        assert catalog.partial_totals(con).assign(period_start=lambda f: pd.to_datetime(f["period_start"])) \
            .to_dict("records") == [dict(area_code=AREA, signal="betalingsachterstand", period="month",
                                         period_start=MONTH)]
        run = score_and_flag(con, ref, today=TODAY)
        scores = con.execute("SELECT period_start, count, partial FROM marts.series_scores WHERE area_code = ? "
                             "AND signal = 'betalingsachterstand' ORDER BY period_start", [AREA]).df()
        flags = con.execute("SELECT explanation, explanation_en FROM marts.area_flags WHERE run_id = ? "
                            "AND area_code = ? AND domain = 'social'", [run.run_id, AREA]).df()
        frames = catalog.report_frames(con, run.run_id)
    # scored on its known part, 41, and only that month marked as a lower bound
    last = scores.iloc[-1]
    assert (pd.Timestamp(last["period_start"]), last["count"], bool(last["partial"])) == (MONTH, 41, True)
    assert not scores["partial"].iloc[:-1].any()
    assert len(flags) == 1
    assert "Betalingsachterstanden: minstens 41 signalen" in flags["explanation"].iloc[0]
    assert "at least 41" in flags["explanation_en"].iloc[0]
    # the reports read the same lower bound, marked, where core.signal_counts holds no total
    counts = frames["counts"]
    mine = counts[(counts["area_code"] == AREA) & (pd.to_datetime(counts["period_start"]) == MONTH)
                  & (counts["signal"] == "betalingsachterstand")]
    assert mine[["count", "partial"]].values.tolist() == [[41, True]]
    assert frames["scores"]["partial"].sum() == 1


def test_explain_shows_a_lower_bound_as_at_least(home, ref, monkeypatch):
    from pipelines.cli import app
    from pipelines.runs import score_and_flag

    with connect(home.warehouse) as con:
        fill_with_partial_month(con, ref, huur=41)
        score_and_flag(con, ref, today=TODAY)
    monkeypatch.setenv("WIJKRADAR_HOME", str(home.root))
    out = CliRunner().invoke(app, ["explain", AREA, "--period", "2026-10"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    row = next(line for line in out.output.splitlines() if "Betalingsachterstanden" in line)
    assert "minstens 41" in row


def test_the_year_plan_marks_a_year_count_with_an_unknown_part_as_at_least(home, ref):
    from pipelines.reports.build import write_jaarplan
    from pipelines.runs import score_and_flag

    with connect(home.warehouse) as con:
        fill_with_partial_month(con, ref, huur=41)
        score_and_flag(con, ref, today=TODAY)
    team = ref.areas.set_index("area_code").at[AREA, "wijkteam"]
    html = write_jaarplan(home, 2026, team).read_text(encoding="utf-8")
    known = int(schulden_history().query("period_start.dt.year == 2026")["count"].sum()) + 41
    assert f'title="minstens {known}">&ge; {known}</td>' in html     # the year's known parts, marked
    assert "minstens zoveel" in html                                    # and the sign explained under the table


def test_the_year_plans_scored_part_is_marked_too_when_it_holds_a_lower_bound(ref):
    """Beside the whole year's '≥ 103' the scored part (of which the ratio is made) showed an unmarked 74 that held
    the 41 (regression check)."""
    from pipelines.reports import jaarplan

    areas = ref.areas
    team = areas.set_index("area_code").at[AREA, "wijkteam"]
    months = pd.date_range("2026-01-01", "2026-10-01", freq="MS")
    counts = pd.DataFrame({"area_code": AREA, "signal": "betalingsachterstand", "period": "month",
                           "period_start": months, "count": 6, "partial": months == MONTH})
    scored = counts[counts["period_start"] >= "2026-05-01"].assign(expected=5.0, upper=9.0, pvalue=0.5,
                                                                   alarm=False, method="noufaily+cusum")
    dev = jaarplan.development(scored, areas, ref.catalogue, team, 2026, counts)
    html = jaarplan.jaarplan_page(team, team, 2026, dev, pd.DataFrame(columns=["domain", "month", "observed", "expected"]),
                                  pd.DataFrame(columns=["area_code", "name", "domain", "level", "since", "state",
                                                        "resolved", "feedback"]), {}, False, "vandaag")
    assert 'title="minstens 60">&ge; 60</td>' in html      # the year: ten months of 6
    assert 'title="minstens 36">&ge; 36</td>' in html      # its scored part: six months of 6
