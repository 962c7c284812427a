"""The season's bend of ``benchmarks/season_bend.py``: the factor by which a mean over Noufaily's window misses a
week's own level."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd

_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(_DIR))
_spec = importlib.util.spec_from_file_location("season_bend", _DIR / "season_bend.py")
sb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sb)
from models.simulate import baseline_mean, grid  # noqa: E402


def _series(seasonal: bool) -> pd.DataFrame:
    scen = grid(levels=(1.6,), trend=(0.002,), season=(seasonal,), phi=(1.5,), k=(0,))
    return scen.assign(replicate=1)


def test_without_a_season_the_bend_is_one_and_the_trend_and_level_do_not_enter():
    assert np.allclose(sb.bend(_series(False), 300, 60), 1.0)


def test_the_bend_is_the_weeks_level_over_its_windows_mean_above_one_at_the_peak_below_at_the_trough():
    series = _series(True)
    got = sb.bend(series, 300, 60)[0]
    season = series.iloc[0].copy()
    season["theta"], season["beta"] = 0.0, 0.0
    m = baseline_mean(season, 400)
    by_hand = [m[t - 1] / m[t - 4: t + 3].mean() for t in range(300, 360)]     # period t is m[t - 1]
    assert np.allclose(got, by_hand)
    level = np.log(m[299:359])
    assert got[np.argmax(level)] > 1.02 and got[np.argmin(level)] < 0.98        # concave at the peak, convex at the trough
