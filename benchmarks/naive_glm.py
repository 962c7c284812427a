"""A naive per-series, per-period quasi-Poisson GLM (statsmodels), the loop wijkradar replaces.

Same baseline window and seasonal levels as the Noufaily detector, a linear trend when
significant, no outbreak reweighting; threshold from the negative-binomial quantile. Used by
the benchmarks only (``pip install -e '.[bench]'``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from models.noufaily import NoufailyDetector, nb_upper_and_pvalue


def naive_glm(panel: pd.DataFrame, keys: list[str], eval_start: int, alpha: float = 0.005, b: int = 3) -> pd.DataFrame:
    det = NoufailyDetector(b=b, alpha=alpha).fit()
    G, t = det.levels_, det.offsets_.astype(float)
    others = np.delete(G, det.reference_level_, axis=1)
    X_trend = sm.add_constant(np.column_stack([others, t]))
    X_flat = sm.add_constant(others)
    rows = []
    for key, part in panel.groupby(keys, sort=False):
        y = part.sort_values("period_index")["count"].to_numpy(float)
        first = int(part["period_index"].min())
        for k in range(max(eval_start, first + det.history_needed), first + len(y)):
            i = k - first
            base = y[i + det.offsets_]
            fit = sm.GLM(base, X_trend, family=sm.families.Poisson()).fit(scale="X2")
            mu0 = float(np.exp(fit.params[0]))
            keep = fit.pvalues[-1] < 0.05 and mu0 <= base.max()
            if not keep:
                fit = sm.GLM(base, X_flat, family=sm.families.Poisson()).fit(scale="X2")
                mu0 = float(np.exp(fit.params[0]))
            phi = max(float(fit.scale), 1.0)
            upper, pval = nb_upper_and_pvalue(np.array([mu0]), np.array([phi]), np.array([y[i]]), alpha)
            recent = y[max(0, i - 3): i + 1].sum()
            rows.append((*(key if isinstance(key, tuple) else (key,)), k, y[i], mu0, upper[0], pval[0],
                         bool(y[i] > upper[0] and y[i] > 0 and recent >= 5)))
    return pd.DataFrame(rows, columns=[*keys, "period_index", "count", "expected", "upper", "pvalue", "alarm"])
