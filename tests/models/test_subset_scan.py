"""Linear-time subset scan: the strongest subset from one sorted pass, equal to trying every subset."""
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from models.pooled import group_tails
from models.scan import nb_tail
from models.subset_scan import CUTOFF, padded, subset_tails

WINDOWS = (1, 2, 3, 4)


def frame(counts: dict, mu: dict, phi=1.3, domain="physical"):
    T = len(next(iter(counts.values())))
    starts = pd.date_range(end="2026-11-16", periods=T, freq="7D")
    return pd.DataFrame([{"area_code": a, "signal": s, "domain": domain, "period": "week", "period_start": t,
                          "count": c, "expected": mu[(a, s)], "phi": phi}
                         for (a, s), series in counts.items() for t, c in zip(starts, series)])


def test_two_raised_series_of_five_are_stronger_than_the_whole_domain():
    counts = {("A", s): [2, 2, 2, 2] for s in "abcde"}
    counts[("A", "a")], counts[("A", "b")] = [2, 2, 2, 7], [2, 2, 2, 7]
    g = group_tails(frame(counts, {k: 2.0 for k in counts}), pd.DataFrame(columns=["area_code", "neighbour"]),
                    windows=(1,))
    whole = nb_tail(22, 10.0, 1.3)                 # the five summed: 22 counts against 10 expected
    two = nb_tail(14, 4.0, 1.3)                    # the two raised ones: 14 against 4
    assert g["domain_raw"][0, -1] == pytest.approx(two)
    assert two < whole / 4


def test_a_single_series_domain_has_no_subset_look():
    g = group_tails(frame({("A", "a"): [1, 1, 9, 9]}, {("A", "a"): 1.0}), pd.DataFrame(columns=["area_code", "neighbour"]))
    assert (g["domain_raw"] == 1).all()


def brute_force(y, mu, var, ok_from, home_up, windows, min_count, home=None, k_min=1, members=()):
    """Smallest tail over every subset of ``members`` (of ``k_min`` or more, with ``home``) and every window."""
    T = y.shape[1]
    out = np.ones(T)
    for t in range(T):
        for w in windows:
            lo = t + 1 - w
            if lo < ok_from:
                continue
            win = slice(lo, t + 1)
            if home is not None and not y[home, win].sum() > mu[home, win].sum():
                continue
            for k in range(k_min, len(members) + 1):
                for subset in combinations(members, k):
                    rows = list(subset) + ([home] if home is not None else [])
                    c, b, v = y[rows, win].sum(), mu[rows, win].sum(), var[rows, win].sum()
                    if c >= min_count and c > b:
                        out[t] = min(out[t], nb_tail(c, b, max(v / b, 1.0)))
    return np.where(out >= CUTOFF, 1.0, out)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_subset_scan_equals_trying_every_subset(seed):
    """A buurt with five neighbours (and a domain of four series): the sorted pass finds the same minimum
    as all 31 (11) subsets, over the same windows."""
    rng = np.random.default_rng(seed)
    T = 8
    areas, signals = ["H", "N1", "N2", "N3", "N4", "N5"], ["a", "b", "c", "d"]
    mu = {(a, s): float(rng.uniform(0.3, 4)) for a in areas for s in signals}
    lift = {k: (3.0 if k[0] in ("H", "N2", "N4") and k[1] in ("a", "c") else 1.0) for k in mu}
    counts = {k: list(rng.poisson(mu[k] * lift[k] * np.r_[np.ones(T - 3), 1.8 * np.ones(3)])) for k in mu}
    neighbours = pd.DataFrame({"area_code": ["H"] * 5 + areas[1:], "neighbour": areas[1:] + ["H"] * 5})
    # the scan itself: without the level correction, the measured dispersions, the own-evidence gate and leaving out
    # strong neighbours
    # (``models.pooled``; tested in tests/models/test_pooled.py)
    g = group_tails(frame(counts, mu), neighbours, WINDOWS, min_count=3, reference=0, own_tail=1.0, strong_tail=0.0,
                    dispersion_span=0)
    keys = g["neighbours_keys"]
    row = {(a, s): i for i, (a, s) in enumerate(zip(keys["area_code"], keys["signal"]))}
    order = sorted(row, key=row.get)
    y = np.array([counts[k] for k in order], dtype=float)
    m = np.array([[mu[k]] * T for k in order])
    for s in signals:
        home, members = row[("H", s)], [row[(a, s)] for a in areas[1:]]
        want = brute_force(y, m, 1.3 * m, 0, True, WINDOWS, 3, home=home, members=members)
        assert g["neighbours_raw"][home] == pytest.approx(want, rel=1e-9)
    dom = list(zip(g["domain_keys"].get_level_values(0), g["domain_keys"].get_level_values(1))).index(("H", "physical"))
    want = brute_force(y, m, 1.3 * m, 0, True, WINDOWS, 3, k_min=2, members=[row[("H", s)] for s in signals])
    assert g["domain_raw"][dom] == pytest.approx(want, rel=1e-9)
    assert (g["neighbours_raw"] < 1).any()             # the example has evidence to find


def test_groups_of_different_sizes_pad_and_keep_their_members():
    members = padded(np.array([1, 0, 1, 1]), np.array([7, 8, 9, 10]), 3)
    assert members.tolist() == [[8, -1, -1], [7, 9, 10], [-1, -1, -1]]
    assert padded(np.array([1, 1, 0]), np.array([9, 7, 8]), 2).tolist() == [[8, -1], [7, 9]]
    y = np.array([[9.0], [1.0]])
    out = subset_tails(y, np.ones((2, 1)), np.ones((2, 1)), np.array([[0, 1], [1, -1]]), None, 2, 3,
                       np.ones((2, 1), dtype=bool))
    assert out[0, 0] == pytest.approx(nb_tail(10, 2.0, 1.0)) and out[1, 0] == 1.0
