"""The simulator's truth and the evaluation metrics."""
import numpy as np
import pandas as pd
import pytest

from models.evaluate import evaluate, pod_at_far, weeks_since_event
from models.simulate import delay_density, grid, simulate


def test_grid_has_every_combination():
    g = grid()
    assert len(g) == 3 * 2 * 2 * 2 * 4
    assert set(g["k"]) == {1, 2, 3, 5}


def test_outbreaks_fall_in_the_last_year_and_their_cases_are_counted():
    g = grid(levels=(2.0,), trend=(0.0,), season=(False,), phi=(1.5,), k=(5,))
    sim = simulate(g, replicates=5, years=4, seed=1)
    T = 4 * 52
    assert sim["period_index"].max() == T
    ev = sim[sim["event"] > 0]
    assert ev["period_index"].min() > T - 52
    assert (sim.loc[sim["outbreak"] > 0, "event"] > 0).all()
    assert np.isclose(delay_density().sum(), 1.0)
    assert sim.groupby("replicate")["event"].nunique().max() == 3   # 0 plus two outbreaks


def test_drift_scenario_raises_the_mean_to_the_share():
    g = grid(levels=(3.0,), trend=(0.0,), season=(False,), phi=(1.5,), k=(0,)).assign(drift_share=0.5, drift_weeks=12)
    sim = simulate(g, replicates=1, years=3, seed=2)
    d = sim[sim["event"] > 0]
    assert d["mean"].iloc[-1] == pytest.approx(1.5 * np.exp(3.0))
    assert d["mean"].iloc[0] == pytest.approx(np.exp(3.0) * (1 + 0.5 / 12))
    assert np.allclose(sim["baseline"], np.exp(3.0))          # the in-control mean, without the drift


def test_metrics_on_a_hand_made_case():
    truth = pd.DataFrame({"s": "a", "period_index": range(1, 11),
                          "outbreak": [0, 0, 0, 2, 3, 0, 0, 0, 1, 0], "event": [0, 0, 0, 1, 1, 0, 0, 0, 2, 0]})
    res = truth[["s", "period_index"]].assign(
        alarm=[False, True, False, False, True, False, False, False, False, False],
        pvalue=[0.5, 0.001, 0.5, 0.2, 0.0001, 0.6, 0.7, 0.8, 0.3, 0.9])
    m = evaluate(res, truth, ["s"]).iloc[0]
    assert m["far"] == pytest.approx(1 / 7)
    assert m["sensitivity"] == pytest.approx(1 / 3)
    assert m["pod"] == pytest.approx(0.5) and m["timeliness"] == 1
    fixed = pod_at_far(res, truth, ["s"], far=0.0).iloc[0]
    assert fixed["far"] == 0 and fixed["pod"] == 0.5        # p=0.0001 inside event 1 still counts
    fixed = pod_at_far(res, truth, ["s"], far=3 / 7).iloc[0]
    assert fixed["far"] == pytest.approx(3 / 7) and fixed["pod"] == 1.0
    fixed = pod_at_far(res, truth, ["s"], far=1 / 7).iloc[0]
    assert fixed["far"] == pytest.approx(1 / 7) and fixed["pod"] == 0.5


def test_weeks_since_event_counts_the_quiet_periods_after_each_span():
    event = np.array([[0, 1, 1, 0, 0, 2, 0], [0, 0, 0, 0, 0, 0, 0]])
    since = weeks_since_event(event)
    assert since[0, 3:].tolist() == [1, 2, 0, 1] and since[0, 1] == 0
    assert (since[0, :1] >= 10**6).all() and (since[1] >= 10**6).all()
