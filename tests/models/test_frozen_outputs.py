"""A small frozen expected output per method (golden files); re-bless deliberately with WIJKRADAR_BLESS=1."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.detectors import METHODS, make_detector

GOLDEN = Path(__file__).parent / "golden"


def panel():
    rng = np.random.default_rng(21)
    T = 190
    t = np.arange(T)
    mu = 4 * np.exp(0.4 * np.sin(2 * np.pi * t / 52))
    y = rng.negative_binomial(mu / 0.8, 1 / 1.8, size=(2, T))
    y[0, 178:] += np.arange(1, 13)            # a slow rise in series a
    y[1, 185:] += 12                          # a sudden rise in series b
    return pd.DataFrame({"series": np.repeat(["a", "b"], T), "period_index": np.tile(t + 1, 2), "count": y.ravel()})


@pytest.mark.parametrize("method", METHODS)
def test_frozen_output(method):
    res = make_detector(method).score(panel(), ["series"], eval_start=170)
    path = GOLDEN / f"{method}.csv"
    if os.environ.get("WIJKRADAR_BLESS"):
        res.to_csv(path, index=False, float_format="%.6g")
    frozen = pd.read_csv(path, dtype={"reason": object}, keep_default_na=False, na_values={"expected": [""], "upper": [""], "score": [""], "pvalue": [""]})
    pd.testing.assert_frame_equal(res.reset_index(drop=True), frozen, check_dtype=False, rtol=1e-5)
    assert res["alarm"].any()                 # each method sees at least one of the two rises
