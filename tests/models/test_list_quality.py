"""The bootstrap interval of ``benchmarks/list_quality.py``'s ratio: it covers the ratio, narrows with replicates."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "list_quality.py"
_spec = importlib.util.spec_from_file_location("list_quality", _PATH)
lq = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lq)


def replicates(n, list_rate, rates, seed=0):
    rng = np.random.default_rng(seed)
    frame = {"list 2": rng.random(n) < list_rate}
    frame.update({f"series {pos} 2": rng.random(n) < r for pos, r in rates.items()})
    return pd.DataFrame(frame)


def test_the_interval_covers_the_ratio_and_narrows_with_more_replicates():
    widths = []
    for n in (100, 1600):
        part = replicates(n, 0.30, {"home": 0.15, "neighbour 1": 0.08})
        point = part["list 2"].mean() / max(part["series home 2"].mean(), part["series neighbour 1 2"].mean())
        low, high = lq.ratio_interval(part, ("home", "neighbour 1"))
        assert low < point < high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2.5                 # about 1 / sqrt(16) as wide
    same = pd.DataFrame({"list 2": [True, False] * 50, "series series 2": [True, False] * 50})
    assert lq.ratio_interval(same, ("series",)) == (1.0, 1.0)
