"""Pooled counts: window sums of groups against their baselines, and calibrated on quiet municipalities."""
import numpy as np
import pandas as pd
import pytest

from models.evidence import Budget, area_evidence, lifecycle
from models.pooled import group_tails, pooled_pvalues
from models.scan import nb_tail


def frame(counts: dict, mu=1.0, phi=1.2, domain="physical"):
    starts = pd.date_range(end="2026-11-16", periods=len(next(iter(counts.values()))), freq="7D")
    return pd.DataFrame([{"area_code": a, "signal": s, "domain": domain, "period": "week", "period_start": t,
                          "count": c, "expected": mu, "phi": phi}
                         for (a, s), series in counts.items() for t, c in zip(starts, series)])


def test_the_domain_look_sums_the_windows_of_its_strongest_series():
    counts = {("A", "a"): [1, 1, 3, 3], ("A", "b"): [1, 1, 2, 2], ("A", "c"): [1, 1, 1, 1]}
    g = group_tails(frame(counts), pd.DataFrame(columns=["area_code", "neighbour"]))
    # the last period, a and b (the top two by count / expected) or all three, over 1..4 weeks
    tails = [nb_tail(5, 2.0, 1.2), nb_tail(6, 3.0, 1.2), nb_tail(10, 4.0, 1.2), nb_tail(12, 6.0, 1.2),
             nb_tail(11, 6.0, 1.2), nb_tail(14, 9.0, 1.2), nb_tail(12, 8.0, 1.2), nb_tail(16, 12.0, 1.2)]
    assert g["domain_raw"][0, -1] == pytest.approx(min(tails))
    # the bins read the whole group's one-period baseline
    assert g["domain_expected"][0, -1] == pytest.approx(3.0) and g["domain_phi"][0, -1] == pytest.approx(1.2)


def test_a_series_without_a_baseline_dispersion_keeps_its_group_out_of_that_window():
    counts = {("A", "a"): [1, 1, 5, 5], ("A", "b"): [1, 1, 5, 5]}
    f = frame(counts)
    f.loc[(f["signal"] == "b") & (f["period_start"] == f["period_start"].max()), "phi"] = np.nan   # an EARS cell
    p = pooled_pvalues(f, pd.DataFrame(columns=["area_code", "neighbour"]))
    assert p["p_pool_domain"].iloc[-1] == 1.0 and p["p_pool_domain"].iloc[-2] < 1.0


def quiet_scores(seed: int) -> pd.DataFrame:
    """A quiet demo municipality (no events, no structural rises), scored as a run does."""
    from models.demo import simulate_counts
    from pipelines.demo import DEMO_END, demo_settings
    from pipelines.reference import Reference
    from pipelines.score import score_counts

    ref = Reference()
    rates, _ = demo_settings()
    signals = rates.merge(ref.catalogue[["signal", "frequency", "domain"]], on="signal")
    areas = ref.buurten[["area_code", "population"]].astype({"population": float}).fillna(0.0)
    none = pd.DataFrame(columns=["event", "kind", "area_code", "signal", "start", "periods", "multiplier",
                                 "extra_per_period", "description"])
    counts = pd.concat([simulate_counts(areas, signals[signals["frequency"] == f], none, end=DEMO_END, seed=seed + i)[0]
                        for i, f in enumerate(("week", "month"))], ignore_index=True)
    counts = counts.merge(ref.catalogue[["signal", "source"]], on="signal")
    scores = score_counts(counts, ref.buurten["area_code"].tolist()).scores
    return scores.assign(period_start=pd.to_datetime(scores["period_start"])), ref


def test_a_quiet_municipality_keeps_its_chance_rate():
    """Seeds apart from the calibration's (5151.., its check's 7373..) and the benchmarks' (3000..): the
    pooled p-values, the subset scans' smallest tails calibrated, are at most uniform at 0.01 where the
    lists use them, and the lists stay within the chance budget."""
    budget = Budget()
    pooled, listed, cells, teams = [], 0, 0, 0
    for seed in (9001, 9011):
        scores, ref = quiet_scores(seed)
        pooled.append(pooled_pvalues(scores.merge(ref.catalogue[["signal", "domain"]], on="signal"), ref.neighbours))
        ev = lifecycle(area_evidence(scores, ref.catalogue, ref.neighbours, budget), budget)
        week = ev[ev["period"] == "week"]
        last = week[week["period_start"] >= sorted(week["period_start"].unique())[-52]]
        listed += last["status"].isin(["nieuw", "aanhoudend", "verergerend"]).sum()
        cells += (last["level"] != "").sum() / len(last)
        teams = ref.areas["wijkteam"].nunique()
    p = pd.concat(pooled)
    for look in ("p_pool_domain", "p_pool_nb"):
        assert (p[look] <= 0.01).mean() <= 0.015, look          # ~12,000 cells: 0.015 is 4 sd above 0.01
    # listings per buurt-domain-week: the pooled looks' level, plus the weekly series that alarm (the detectors' own
    # false alarms, and sparse series at ``series_level`` with ``series_min_counts``: about 0.01 here)
    assert cells / 2 <= budget.attention_level + budget.series_level
    assert listed / 2 / 52 / teams <= 1.0                       # chance entries per team per week
