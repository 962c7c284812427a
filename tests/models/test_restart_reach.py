"""The drift-only rule of ``benchmarks/restart_reach.py``: its parts give the drift evidence back, and a restart
only lowers it."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import restart_reach as rr  # noqa: E402


def test_the_drift_alone_is_the_drift_evidence_mixed_over_starts_and_restarts_to_later_starts():
    rng = np.random.default_rng(5)
    y = rng.poisson(4.0, size=(3, 40)).astype(float)
    mu, phi = np.full(y.shape, 4.0), np.full(y.shape, 1.5)
    parts, reach, how = rr.rule_parts(rr.BAYES_DRIFT, y, mu, phi)
    assert how == "logsumexp" and reach.tolist() == list(range(parts.shape[-1]))
    whole = rr.bounds.drift_evidence(y, mu, phi)
    assert np.allclose(np.nan_to_num(rr.combine(parts, how), nan=-np.inf), whole)
    y[:, 30:] *= 3                                         # a rise: alarms, and a restart forgets the parts before it
    rule = rr.rule_parts(rr.BAYES_DRIFT, y, mu, phi)
    kept, plain = rr.restarted(*rule, c=np.zeros(3), gamma=np.zeros(3), u=np.ones(y.shape))
    never, _ = rr.restarted(*rule, c=np.zeros(3), gamma=np.zeros(3), restart=False)
    assert plain[:, 30:].any(axis=1).all()
    assert (kept <= never + 1e-12).all() and (kept < never - 1e-9).any()
