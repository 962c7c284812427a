"""Calibrate the short-history p-value (``models.short``): the null tail of the scan's raw statistic on a
moving baseline, per baseline length and (expected, dispersion) bin, made once and stored.

Simulates quiet series (no outbreaks, no drifts; ``models.simulate``, seed 6161: not a benchmark's) on
levels from 0.005 to 300 a week, with and without trend, without season, with the benchmark's season and
with a strong one, dispersion 1 to 10, and runs :class:`models.short.MovingScanDetector` with each baseline
length of ``models.short.LENGTHS`` as the fixed length. As for the long baseline (``scan_calibration.py``),
alarms reset the evidence, so rounds of fixed-point iteration (score with the previous table, rebuild)
settle the table. Re-run after changing the moving baseline, the scan's windows, CUSUM shift or alpha.

Usage: .venv/bin/python benchmarks/short_calibration.py [--replicates 24] [--rounds 3]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.panel import to_matrix  # noqa: E402
from models.scan import LOG_GRID, SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES, build_curves, write_curves  # noqa: E402
from models.short import CALIBRATION, LENGTHS, MovingScanDetector  # noqa: E402
from models.simulate import grid, simulate  # noqa: E402

KEYS = ["scenario", "replicate"]
YEARS = 2
EVAL_FROM = 40       # first column counted: every length has its full baseline and the CUSUM has run a while
#: levels from 0.005 to 300 a week. The table stopped at 55 a week: its top bin (70 and more) held only the seasonal
#: peaks of 55-a-week series, so flat series of 100 a week needed a raw tail of 1e-16 for p = 0.0075
LEVELS = (-5.3, -4.6, -3.9, -3.0, -2.3, -1.6, -1.0, -0.5, 0.0, 0.5, 1.0, 1.6, 2.3, 3.0, 4.0, 4.6, 5.2, 5.7)
#: dispersions to 10 (``models.short.PHI_MOST``): with 3 at most, clustered series (variance 8x the mean at 0.5
#: a week) alarmed in 2.3 % of quiet weeks
PHIS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)
#: a strong yearly season (mean x exp(cos), peak/trough 7x) next to the benchmark's: the moving mean lags its rise
STRONG_SEASON = {"gamma1": 1.0, "gamma2": 0.0, "gamma3": 0.0, "gamma4": 0.0}


def scenarios() -> pd.DataFrame:
    """The benchmark grid's shapes (flat, trend, season) and the strong season, on every level and dispersion."""
    base = grid(levels=LEVELS, phi=PHIS, k=(0,))
    strong = grid(levels=LEVELS, season=(True,), phi=PHIS, k=(0,)).assign(**STRONG_SEASON)
    out = pd.concat([base, strong], ignore_index=True)
    out["scenario"] = np.arange(1, len(out) + 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sim = simulate(scenarios(), replicates=args.replicates, years=YEARS, seed=6161)
    m = to_matrix(sim[[*KEYS, "period_index", "count"]], KEYS)
    edges = (SCAN_EXPECTED_EDGES, SCAN_PHI_EDGES)
    identity = np.broadcast_to(LOG_GRID, (len(edges[0]), len(edges[1]), len(LOG_GRID))).copy()
    tables = {}
    for n in LENGTHS:
        det = MovingScanDetector(most=n, least=n)
        table = {n: identity}
        for r in range(args.rounds):
            # round 0 with the identity table and no alarms; later rounds reset at alpha with the previous table
            res, ev = det.score_matrix(m, None, table=table, alpha=det.alpha if r else -1.0)
            cells = ev[:, EVAL_FROM:]
            raw = np.where(cells, res["raw"][:, EVAL_FROM:], np.nan)
            table = {n: build_curves(raw.ravel(), res["expected"][:, EVAL_FROM:].ravel(),
                                     res["phi"][:, EVAL_FROM:].ravel(), edges=edges)}
            print(f"length {n} round {r}: {np.isfinite(raw).sum()} null cells, "
                  f"alarm rate {res['alarm'][:, EVAL_FROM:][cells].mean():.4f}", flush=True)
        tables[n] = table[n]
    det = MovingScanDetector()
    write_curves(CALIBRATION, tables, "short-history calibration",
                 f"column b is the moving baseline's length in periods; made by benchmarks/short_calibration.py "
                 f"(windows {det.windows}, cusum_shift {det.cusum_shift}, alpha {det.alpha}, guard {det.guard})")


if __name__ == "__main__":
    main()
