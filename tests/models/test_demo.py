"""The demo generator: seeded, realistic in scale, truth matching the injected events."""
import numpy as np
import pandas as pd
import pytest

from models.demo import counts_to_reports, simulate_counts

AREAS = pd.DataFrame({"area_code": ["BU1", "BU2", "BU3"], "population": [6000.0, 600.0, 3000.0]})
SIGNALS = pd.DataFrame({"signal": ["litter"], "frequency": ["week"], "rate_per_1000": [1.0],
                        "season_amplitude": [0.5], "season_peak": [0.55], "dispersion": [1.5],
                        "trend_per_year": [0.0]})
EVENTS = pd.DataFrame({"event": ["E1"], "kind": ["sudden_rise"], "area_code": ["BU3"], "signal": ["litter"],
                       "start": [-4], "periods": [4], "multiplier": [3.0], "extra_per_period": [2.0],
                       "description": ["test"]})
END = pd.Timestamp("2026-11-22")


def test_same_seed_same_counts_and_other_seed_differs():
    a, _ = simulate_counts(AREAS, SIGNALS, EVENTS, END, years=3, seed=1)
    b, _ = simulate_counts(AREAS, SIGNALS, EVENTS, END, years=3, seed=1)
    c, _ = simulate_counts(AREAS, SIGNALS, EVENTS, END, years=3, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["count"].equals(c["count"])


def test_counts_scale_with_inhabitants_are_overdispersed_and_seasonal():
    counts, _ = simulate_counts(AREAS, SIGNALS, EVENTS.iloc[0:0], END, years=5, seed=3)
    mean = counts.groupby("area_code")["count"].mean()
    assert mean["BU1"] > 4 * mean["BU2"]
    big = counts[counts["area_code"] == "BU1"]
    assert big["count"].var() > 1.2 * big["count"].mean()
    month = pd.to_datetime(big["period_start"]).dt.month
    assert big.loc[month.isin([6, 7, 8]), "count"].mean() > 1.5 * big.loc[month.isin([12, 1, 2]), "count"].mean()


def test_truth_lists_exactly_the_event_periods_and_the_rise_is_in_the_data():
    counts, truth = simulate_counts(AREAS, SIGNALS, EVENTS, END, years=3, seed=4)
    assert len(truth) == 4 and set(truth["area_code"]) == {"BU3"}
    last = counts[counts["area_code"] == "BU3"].sort_values("period_start")
    assert pd.Timestamp(last["period_start"].iloc[-1]) == pd.Timestamp("2026-11-16")
    assert list(pd.to_datetime(truth["period_start"])) == list(pd.to_datetime(last["period_start"].iloc[-4:]))
    assert (truth["expected_with_event"] > 2.5 * truth["expected_baseline"]).all()


def test_reports_explode_counts_without_personal_fields():
    counts, _ = simulate_counts(AREAS, SIGNALS, EVENTS.iloc[0:0], END, years=1, seed=5)
    cats = pd.DataFrame({"hoofdcategorie": ["Afval", "Afval"], "subcategorie": ["Zwerfafval", "Vol"],
                         "signal": ["litter", "litter"]})
    reports = counts_to_reports(counts, cats, seed=5)
    assert len(reports) == counts["count"].sum()
    assert set(reports.columns) == {"melding_id", "created", "hoofdcategorie", "subcategorie", "area_code", "status"}
    week = reports["created"] - pd.to_timedelta(reports["created"].dt.day_of_week, unit="D")
    back = reports.assign(week=week.dt.normalize()).groupby(["area_code", "week"]).size()
    orig = counts[counts["count"] > 0].set_index(["area_code", "period_start"])["count"]
    assert np.array_equal(back.sort_index().to_numpy(), orig.sort_index().to_numpy())


def test_structural_rises_follow_the_drivers_are_seeded_and_leave_other_counts_alone():
    from models.demo import structural_hazard, structural_rises

    n = 200
    rng = np.random.default_rng(9)
    structure = pd.DataFrame({"area_code": [f"BU{i:04d}" for i in range(n)],
                              "GemiddeldeWOZWaardeVanWoningen": rng.uniform(150, 500, n),
                              "GemiddeldeHuishoudensgrootte": rng.uniform(1.4, 3.0, n),
                              "Bevolkingsdichtheid": rng.uniform(50, 6000, n), "Koopwoningen": rng.uniform(20, 95, n)})
    hazard = structural_hazard(structure)
    assert hazard.mean() == pytest.approx(1.0)
    poor = structure.set_index("area_code")["GemiddeldeWOZWaardeVanWoningen"] < 250
    assert hazard[poor].mean() > 1.5 * hazard[~poor].mean()
    months = pd.date_range("2022-01-01", "2026-11-01", freq="MS")
    rises, truth = structural_rises(structure, months, {"social": 0.6, "physical": 0.4}, seed=1,
                                    exclude={("BU0000", "social")})
    again, _ = structural_rises(structure, months, {"social": 0.6, "physical": 0.4}, seed=1,
                                exclude={("BU0000", "social")})
    assert len(truth) > 50 and truth["hazard"].mean() > 1.0       # prone areas rise more often
    assert truth["months"].between(1, 9).all() and truth["peak"].between(1.7, 2.4).all()
    assert len(rises) == truth["months"].sum() and (rises["multiplier"] > 1).all()
    assert not ((rises["area_code"] == "BU0000") & (rises["domain"] == "social")).any()
    pd.testing.assert_frame_equal(rises, again)                    # seeded
    # the rises add counts on top: every other count is the draw it was without them
    areas = pd.DataFrame({"area_code": structure["area_code"][:3], "population": [6000.0, 600.0, 3000.0]})
    signals = SIGNALS.assign(domain="social")
    rise = pd.DataFrame({"area_code": ["BU0001"] * 3, "domain": "social",
                         "month_start": pd.date_range("2026-08-01", periods=3, freq="MS"), "multiplier": 3.0})
    plain, _ = simulate_counts(areas, signals, EVENTS.iloc[0:0], END, years=2, seed=3)
    risen, _ = simulate_counts(areas, signals, EVENTS.iloc[0:0], END, years=2, seed=3, rises=rise)
    month = (pd.to_datetime(plain["period_start"]) + pd.Timedelta(days=3)).dt.to_period("M").dt.start_time
    inside = (plain["area_code"] == "BU0001") & month.isin(rise["month_start"])
    assert plain.loc[~inside, "count"].equals(risen.loc[~inside, "count"])
    assert risen.loc[inside, "count"].sum() > 2 * plain.loc[inside, "count"].sum()


def test_in_structural_rise_covers_the_rise_months_and_a_month_of_grace_in_its_buurt_and_domain_only():
    from models.demo import in_structural_rise

    truth = pd.DataFrame({"rise": ["S1"], "area_code": ["A"], "domain": ["social"],
                          "first_month": [pd.Timestamp("2026-03-01")], "months": [4], "peak": [2.0], "hazard": [1.0]})
    when = pd.to_datetime(["2026-02-23", "2026-03-02", "2026-06-29", "2026-07-27", "2026-08-03", "2026-04-06",
                           "2026-04-06"])
    cells = pd.DataFrame({"area_code": ["A"] * 5 + ["B", "A"], "domain": ["social"] * 6 + ["physical"],
                          "period_start": when})
    # before the rise, its first week, its last month, the month of grace, after; another buurt; another domain
    assert in_structural_rise(cells, truth).tolist() == [False, True, True, True, False, False, False]
    assert not in_structural_rise(cells, truth.iloc[:0]).any()
