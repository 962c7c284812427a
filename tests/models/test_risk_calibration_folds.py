"""The calibration's cross-validation takes as many folds as the rarer class fills: with three escalations in
the validation periods (three years of history) scikit-learn warned "The least populated class in y has only
3 members" on every run, printed with the venv's path."""
import warnings

import numpy as np
import pandas as pd
import pytest

from models.risk import EscalationRisk


@pytest.mark.parametrize("positives", [1, 2, 3, 4, 40])
def test_few_escalations_calibrate_without_a_warning(positives):
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(positives, dtype=int), np.zeros(200, dtype=int)]
    p = np.clip(0.05 + 0.5 * y + rng.normal(0, 0.1, len(y)), 0.01, 0.99)
    model = EscalationRisk()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model._learn_calibration(pd.DataFrame({"y": y, "p": p}))
    assert model.calibration_ in ("sigmoid", "isotonic")
    assert bool(model.calibration_brier_) == (positives >= 2)
