"""Pooled counts: window sums of groups against their baselines, and calibrated on quiet municipalities."""
import numpy as np
import pandas as pd
import pytest

from models.evidence import Budget, area_evidence, lifecycle
from models.pooled import MAX_LEVEL_FACTOR, group_tails, pooled_pvalues
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


def series_frame(counts: dict, mu: dict, phi=1.2, domain="physical"):
    """Like :func:`frame`, with each series' own expected count."""
    from tests.models.test_subset_scan import frame as frame_of

    return frame_of(counts, mu, phi, domain)


NO_NEIGHBOURS = pd.DataFrame(columns=["area_code", "neighbour"])


def test_baselines_a_little_low_for_half_a_year_are_not_multiplied_by_the_pool():
    """Three series each 10 % above their baselines for 30 weeks (baselines trailing a trend): summed over four weeks
    that read a tail below 1e-4; against the group's own level over the 26 weeks before the windows it is no
    evidence. A rise on top of that level is still found, and a group far above its baselines for half a year (a
    rise of its own, not a trend) is corrected by at most MAX_LEVEL_FACTOR."""
    mu = {("A", s): 200.0 for s in "abc"}
    level = {k: [220] * 30 for k in mu}
    g = group_tails(series_frame(level, mu), NO_NEIGHBOURS)
    assert g["domain_factor"][0, -1] == pytest.approx((3 * 26 * 220 + 10) / (3 * 26 * 200 + 10))
    assert g["domain_raw"][0, -1] == 1.0
    assert nb_tail(4 * 3 * 220, 4 * 3 * 200.0, 1.2) < 1e-4         # the sum against the baselines alone
    rise = {k: [220] * 28 + [300, 300] for k in mu}
    assert group_tails(series_frame(rise, mu), NO_NEIGHBOURS)["domain_raw"][0, -1] < 1e-6
    risen = {k: [400] * 30 for k in mu}                            # twice the baselines since half a year
    assert group_tails(series_frame(risen, mu), NO_NEIGHBOURS)["domain_factor"][0, -1] == MAX_LEVEL_FACTOR
    # baselines that came out high are not corrected downwards
    low = {k: [24] * 28 + [45, 45] for k in mu}
    g = group_tails(series_frame(low, mu), NO_NEIGHBOURS)
    assert g["domain_factor"][0, -1] == 1.0


STAR = pd.DataFrame({"area_code": ["A", "A", "B", "C"], "neighbour": ["B", "C", "A", "A"]})


def test_a_quiet_buurt_is_not_listed_for_its_neighbours_rise():
    """Red team 13b (repro 1): a buurt with one count in four weeks against 0.5 a week was credited with its
    neighbour's strong rise (alarm at p 2e-11 with its own count 0 that week). Its own window is no evidence, and a
    neighbour that is a strong signal on its own does not carry another buurt's sum."""
    mu = {(a, "dump"): 0.5 for a in "ABC"}
    counts = {("A", "dump"): [0] * 26 + [0, 1, 0, 0], ("B", "dump"): [0] * 26 + [9, 9, 9, 9],
              ("C", "dump"): [0] * 30}
    g = group_tails(series_frame(counts, mu), STAR)
    row = {a: i for i, a in enumerate(g["neighbours_keys"]["area_code"])}
    assert (g["neighbours_raw"][row["A"], -4:] == 1.0).all()
    # A itself above expected (2 in a week against 0.5: its tail 0.09) but carried by B alone: still no evidence
    counts[("A", "dump")] = [0] * 29 + [2]
    g = group_tails(series_frame(counts, mu), STAR)
    assert g["neighbours_raw"][row["A"], -1] == 1.0
    # a spread rise, A and both neighbours a little up, none strong on its own: the pool finds it
    spread = {("A", "dump"): [0] * 28 + [2, 2], ("B", "dump"): [0] * 28 + [2, 2], ("C", "dump"): [0] * 28 + [2, 2]}
    assert group_tails(series_frame(spread, mu), STAR)["neighbours_raw"][row["A"], -1] < 1e-3


def test_the_neighbour_look_names_the_signal_that_carried_it():
    mu = {(a, s): 0.5 for a in "ABC" for s in ("dump", "litter")}
    counts = {(a, s): [0] * 30 for a in "ABC" for s in ("dump", "litter")}
    for a in "ABC":
        counts[(a, "dump")] = [0] * 28 + [2, 2]
    counts[("A", "litter")] = [0] * 29 + [1]                 # the buurt's own litter above expected this week
    p = pooled_pvalues(series_frame(counts, mu), STAR)
    last = p[(p["area_code"] == "A") & (p["period_start"] == p["period_start"].max())].iloc[0]
    assert last["p_pool_nb"] < 0.05 and last["nb_signal"] == "dump"
    quiet = p[p["p_pool_nb"] == 1.0]
    assert len(quiet) and quiet["nb_signal"].isna().all()


def test_a_clustered_signal_is_summed_with_the_dispersion_it_shows():
    """Reports in bursts (0, 0, 6 against 2 a week: variance 4 times the mean) whose baselines say 1.2: a window of
    bursts in two buurten read a tail far below the level; measured over the signal's buurten, its dispersion sets
    the sums' variances and the calibration bin."""
    mu = {(a, "dump"): 2.0 for a in "AB"}
    history = [0, 0, 6] * 10
    counts = {("A", "dump"): history + [6, 6], ("B", "dump"): history + [6, 6]}
    pair = pd.DataFrame({"area_code": ["A", "B"], "neighbour": ["B", "A"]})
    measured = group_tails(series_frame(counts, mu), pair)
    assumed = group_tails(series_frame(counts, mu), pair, dispersion_span=0)
    assert measured["neighbours_phi"][0, -1] == pytest.approx(4.0, rel=0.05)
    assert assumed["neighbours_phi"][0, -1] == pytest.approx(1.2)
    assert assumed["neighbours_raw"][0, -1] < 1e-3 < measured["neighbours_raw"][0, -1]
