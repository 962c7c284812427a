"""EARS C1/C2/C3 against hand-computed values."""
import numpy as np
import pandas as pd
import pytest

from models.ears import EarsDetector

COUNTS = [2, 3, 2, 4, 3, 2, 3, 2, 3, 2, 3, 2, 3, 9, 10, 12, 3, 2, 3, 2]


def score(variant, **kw):
    p = pd.DataFrame({"s": "a", "period_index": np.arange(1, len(COUNTS) + 1), "count": COUNTS})
    return EarsDetector(variant, **kw).score(p, ["s"]).set_index("period_index")


def test_c1_uses_the_seven_periods_just_before():
    r = score("C1")
    base = np.array(COUNTS[6:13], dtype=float)          # periods 7..13 for period 14
    assert r.loc[14, "expected"] == pytest.approx(base.mean())
    assert r.loc[14, "upper"] == pytest.approx(base.mean() + 3 * base.std(ddof=1))
    assert r.index.min() == 8 and bool(r.loc[14, "alarm"])


def test_c2_skips_two_guard_periods():
    r = score("C2")
    base = np.array(COUNTS[4:11], dtype=float)          # periods 5..11 for period 14
    assert r.loc[14, "expected"] == pytest.approx(base.mean())
    assert r.index.min() == 10
    assert list(r.index[r["alarm"]]) == [14, 15, 16]


def test_c3_sums_recent_excesses_and_needs_two_more_periods():
    r = score("C3")
    assert r.index.min() == 12
    assert {14, 15, 16} <= set(r.index[r["alarm"]])
    c2 = score("C2")
    excess = np.maximum((c2["count"] - c2["expected"]) / np.maximum(
        (c2["upper"] - c2["expected"]) / 3, 0.5) - 1, 0)
    assert (excess.loc[14] + excess.loc[13] + excess.loc[12]) > 2


def test_all_zero_baseline_uses_the_sd_floor():
    p = pd.DataFrame({"s": "z", "period_index": np.arange(1, 12), "count": [0] * 10 + [2]})
    r = EarsDetector("C1", min_sd=0.5).score(p, ["s"]).set_index("period_index")
    assert r.loc[11, "upper"] == pytest.approx(1.5) and bool(r.loc[11, "alarm"])
