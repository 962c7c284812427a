"""A domain whose source stopped or is late while others were scored (found by a colleague's exploration).

The police delivered up to June 2026, the wijkteams up to October: the lists of 2026-W47 said nothing of veiligheid
(the check of what a run could not judge looked at period types, and sociaal's October made "the months" judged); a
team with nothing else read "Geen opvallende signalen". And the police a month behind the wijkteams (September beside
October) had their September left off the lists: one latest month was taken over all domains.
"""
import numpy as np
import pandas as pd
import pytest

from pipelines import wording
from pipelines.flag import current_cells, unjudged, unjudged_domains
from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts


def _cells(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": a, "domain": d, "period": k, "period_start": pd.Timestamp(s), "status": "nieuw"}
                         for a, d, k, s in rows])


W47 = pd.Timestamp("2026-11-16")


def test_each_domain_has_its_own_latest_recent_month():
    cells = _cells(("BU1", "physical", "week", "2026-11-16"), ("BU2", "social", "month", "2026-10-01"),
                   ("BU3", "safety", "month", "2026-09-01"), ("BU4", "safety", "month", "2026-08-01"))
    now = current_cells(cells, W47)
    assert sorted(zip(now["domain"], now["period_start"].dt.strftime("%Y-%m"))) == [
        ("physical", "2026-11"), ("safety", "2026-09"), ("social", "2026-10")]
    # without a domain column (the shared shifts) one latest month per period type, as before
    assert len(current_cells(cells.drop(columns="domain"), W47).query("period == 'month'")) == 1
    assert unjudged_domains(cells, W47) == []


def test_a_domain_without_a_recent_month_is_named_while_the_others_were_judged():
    cells = _cells(("BU1", "physical", "week", "2026-11-16"), ("BU2", "social", "month", "2026-10-01"),
                   ("BU3", "safety", "month", "2026-06-01"), ("BU3", "safety", "month", "2026-05-01"))
    assert unjudged(cells, W47) == []                       # the period types were judged
    assert unjudged_domains(cells, W47) == [("safety", "month", pd.Timestamp("2026-06-01"))]
    nl = wording.unjudged_domain_text("safety", "month", pd.Timestamp("2026-06-01"))
    assert nl == ("Veiligheid kon voor deze lijst niet beoordeeld worden: de nieuwste maand met cijfers is juni 2026; "
                  "deze lijst bevat daarom geen signalen van veiligheid.")
    assert "safety was not judged" in wording.unjudged_domain_text("safety", "month", pd.Timestamp("2026-06-01"), "en")
    # every month late: the period type's own sentence says it, not one per domain
    late = pd.concat([cells[cells["period"] == "week"], _cells(("BU3", "safety", "month", "2026-06-01"))])
    assert unjudged(late, W47) == [("month", pd.Timestamp("2026-10-01"))] and unjudged_domains(late, W47) == []


def _police(ref, last: str, first: str = "2021-12-01") -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [(a, signal, "month", m.date(), n, "politie") for signal, lam in (("woninginbraak", 0.6), ("geweld", 1.2))
            for a in ref.buurten["area_code"] for m in pd.date_range(first, last, freq="MS")
            if (n := rng.poisson(lam))]
    return pd.DataFrame(rows, columns=["area_code", "signal", "period", "period_start", "count", "source"])


@pytest.mark.parametrize("last, said", [("2026-06-01", True), ("2026-09-01", False)])
def test_the_lists_say_the_police_domain_was_not_judged_when_its_months_stopped(ref, tmp_path, last, said):
    from pipelines.export import unjudged_notes
    from pipelines.runs import score_and_flag

    counts = demo_signal_counts(ref)
    counts = counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) <= "2026-11-16")]
    with connect(tmp_path / "warehouse.duckdb") as con:
        both = pd.concat([counts, _police(ref, last)], ignore_index=True)
        fill_counts(con, ref, both.assign(period_start=pd.to_datetime(both["period_start"]).dt.date))
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        notes = [nl for gm in unjudged_notes(con, run.run_id, run.run_period).values() for nl, _ in gm]
        evidence = con.execute("SELECT * FROM marts.area_evidence").df()
    assert run.run_period == "2026-W47"
    sentence = "Veiligheid kon voor deze lijst niet beoordeeld worden: de nieuwste maand met cijfers is juni 2026"
    assert any(sentence in n for n in notes) is said, notes
    # the police a month behind the wijkteams: September is the run's month of veiligheid, beside sociaal's October
    now = current_cells(evidence.assign(period_start=pd.to_datetime(evidence["period_start"])), W47)
    months = now.groupby("domain")["period_start"].unique().map(lambda v: sorted(str(d.date()) for d in v)).to_dict()
    assert months == {"physical": ["2026-11-16"], "social": ["2026-10-01"],
                      **({} if said else {"safety": ["2026-09-01"]})}


def test_the_first_list_after_a_gap_says_why_the_flags_from_before_it_are_gone():
    """Meldingen missing 2026-W23 to W39, back in W40: the W21 flags ended unresolved at the gap (the lifecycle
    cannot tell whether they did), and the W40 list read only "Geen opvallende signalen" (found by a colleague's
    exploration)."""
    from pipelines.flag import gaps_before

    weeks = [d for d in pd.date_range("2026-01-05", "2026-10-05", freq="W-MON")
             if not pd.Timestamp("2026-06-01") <= d <= pd.Timestamp("2026-09-21")]
    cells = pd.concat([_cells(*[("BU1", "physical", "week", str(d.date())) for d in weeks]),
                       _cells(("BU2", "social", "month", "2026-08-01"), ("BU2", "social", "month", "2026-09-01"))])
    got = gaps_before(cells, pd.Timestamp("2026-09-28"))
    assert [(d, k, len(m), m[0], m[-1]) for d, k, m in got] == [
        ("physical", "week", 17, pd.Timestamp("2026-06-01"), pd.Timestamp("2026-09-21"))]
    nl = wording.gap_text(*got[0])
    assert nl.startswith("Na een onderbreking: fysiek had geen cijfers van 2026-W23 t/m 2026-W39. Signaleringen van "
                         "fysiek van daarvoor zijn niet meer beoordeeld")
    # the next week, and a gap the lifecycle resolves across (five weeks: six steps, twice the three-week window), say
    # nothing
    assert gaps_before(cells, pd.Timestamp("2026-10-05")) == []
    short = [d for d in pd.date_range("2026-01-05", "2026-10-05", freq="W-MON")
             if not pd.Timestamp("2026-08-24") <= d <= pd.Timestamp("2026-09-21")]
    assert gaps_before(_cells(*[("BU1", "physical", "week", str(d.date())) for d in short]),
                       pd.Timestamp("2026-09-28")) == []
    assert len(gaps_before(_cells(*[("BU1", "physical", "week", str(d.date())) for d in short]),
                           pd.Timestamp("2026-09-28"), resolve_after={"week": 2})) == 1


def test_the_run_after_a_gap_of_months_puts_the_sentence_on_its_lists(ref, tmp_path):
    from pipelines.export import unjudged_notes
    from pipelines.runs import score_and_flag

    counts = demo_signal_counts(ref)
    starts = pd.to_datetime(counts["period_start"])
    gap = (counts["source"] == "meldingen") & (starts >= "2026-06-01") & (starts <= "2026-09-21")
    counts = counts[(counts["count"] > 0) & (starts <= "2026-09-28") & ~gap]
    with connect(tmp_path / "warehouse.duckdb") as con:
        fill_counts(con, ref, counts)
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-10-07"))
        notes = [nl for gm in unjudged_notes(con, run.run_id, run.run_period).values() for nl, _ in gm]
    assert run.run_period == "2026-W40"
    assert any(n.startswith("Na een onderbreking: fysiek had geen cijfers van 2026-W23 t/m 2026-W39.") for n in notes)


def test_a_domain_too_young_to_judge_beside_judged_ones_is_named(ref, tmp_path):
    """The police delivered since August 2026, the wijkteams for years: no veiligheid cell was scored, and the lists
    said nothing of it (a domain without any scored period was no "domain not judged"; found by a colleague's
    exploration)."""
    from pipelines.export import unjudged_notes
    from pipelines.runs import score_and_flag

    counts = demo_signal_counts(ref)
    counts = counts[(counts["count"] > 0) & (pd.to_datetime(counts["period_start"]) <= "2026-11-16")]
    with connect(tmp_path / "warehouse.duckdb") as con:
        both = pd.concat([counts, _police(ref, "2026-10-01", "2026-08-01")], ignore_index=True)
        fill_counts(con, ref, both.assign(period_start=pd.to_datetime(both["period_start"]).dt.date))
        run = score_and_flag(con, ref, today=pd.Timestamp("2026-11-26"))
        notes = unjudged_notes(con, run.run_id, run.run_period)["GM0118"]
    said = " ".join(nl for nl, _ in notes)
    assert ("Veiligheid kon voor deze lijst nog niet beoordeeld worden: er zijn nog te weinig maanden met cijfers om "
            "te vergelijken (de politiecijfers beginnen pas in augustus 2026)") in said, said
    assert "hier vanaf mei 2027" in said and "Sociaal kon" not in said and "oktober 2026 kon niet" not in said
    assert any("safety was not judged" in en for _, en in notes)
