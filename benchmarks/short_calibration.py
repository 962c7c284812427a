"""Calibrate the short-history p-value (``models.short``): the null tail of the scan's raw statistic on a
moving baseline, per baseline length and (expected, dispersion) bin, made once and stored.

Simulates quiet series (no outbreaks, no drifts; ``models.simulate``, seed 6161: not a benchmark's) on
levels from 0.005 to 55 a week, with and without trend and seasonality, dispersion 1 to 3, and runs
:class:`models.short.MovingScanDetector` with each baseline length of ``models.short.LENGTHS`` as the fixed
length. As for the long baseline (``scan_calibration.py``), alarms reset the evidence, so rounds of
fixed-point iteration (score with the previous table, rebuild) settle the table. Re-run after changing
the moving baseline, the scan's windows, CUSUM shift or alpha.

Usage: .venv/bin/python benchmarks/short_calibration.py [--replicates 40] [--rounds 3]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.panel import to_matrix  # noqa: E402
from models.scan import EXPECTED_EDGES, LOG_GRID, PHI_EDGES, build_curves, write_curves  # noqa: E402
from models.short import CALIBRATION, LENGTHS, MovingScanDetector  # noqa: E402
from models.simulate import grid, simulate  # noqa: E402

KEYS = ["scenario", "replicate"]
YEARS = 2
EVAL_FROM = 40       # first column counted: every length has its full baseline and the CUSUM has run a while


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    scen = grid(levels=(-5.3, -4.6, -3.9, -3.0, -2.3, -1.6, -1.0, -0.5, 0.0, 0.5, 1.0, 1.6, 2.3, 3.0, 4.0),
                phi=(1.0, 1.5, 2.0, 3.0), k=(0,))
    sim = simulate(scen, replicates=args.replicates, years=YEARS, seed=6161)
    m = to_matrix(sim[[*KEYS, "period_index", "count"]], KEYS)
    identity = np.broadcast_to(LOG_GRID, (len(EXPECTED_EDGES), len(PHI_EDGES), len(LOG_GRID))).copy()
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
                                     res["phi"][:, EVAL_FROM:].ravel())}
            print(f"length {n} round {r}: {np.isfinite(raw).sum()} null cells, "
                  f"alarm rate {res['alarm'][:, EVAL_FROM:][cells].mean():.4f}", flush=True)
        tables[n] = table[n]
    det = MovingScanDetector()
    write_curves(CALIBRATION, tables, "short-history calibration",
                 f"column b is the moving baseline's length in periods; made by benchmarks/short_calibration.py "
                 f"(windows {det.windows}, cusum_shift {det.cusum_shift}, alpha {det.alpha}, guard {det.guard})")


if __name__ == "__main__":
    main()
