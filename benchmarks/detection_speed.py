"""Detection speed: series-periods scored per second and peak memory, against R and a naive loop.

For 1,000, 10,000 and 100,000 weekly series with 52 evaluated weeks each (each series has the
159 weeks of history the seasonal baseline needs before that), the full ``Detector.score`` path
(long panel in, long results out) runs in a fresh subprocess so its peak memory is its own.
R surveillance's farringtonFlexible and the naive statsmodels loop are timed in the same run on a
sample of series and compared per series-period.

Usage: .venv/bin/python benchmarks/detection_speed.py [--sizes 1000 10000 100000] [--sample 40]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

EVAL_WEEKS = 52


def make_panel(n_series: int, seed: int = 1) -> tuple[pd.DataFrame, int]:
    from models.noufaily import NoufailyDetector

    T = NoufailyDetector().history_needed + EVAL_WEEKS
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    level = rng.lognormal(1.2, 0.8, size=(n_series, 1))
    mu = level * np.exp(0.3 * np.sin(2 * np.pi * t / 52))[None, :]
    y = rng.negative_binomial(mu / 0.5, 1 / 1.5)
    panel = pd.DataFrame({"series": np.repeat(np.arange(n_series), T),
                          "period_index": np.tile(t + 1, n_series), "count": y.ravel()})
    return panel, T - EVAL_WEEKS + 1


def child(n_series: int, method: str) -> None:
    from models.detectors import make_detector

    panel, eval_start = make_panel(n_series)
    det = make_detector(method)
    t0 = time.perf_counter()
    res = det.score(panel, ["series"], eval_start=eval_start)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cells": len(res), "seconds": seconds, "peak_mb": peak_mb, "alarms": int(res["alarm"].sum())}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    ap.add_argument("--methods", nargs="+", default=["noufaily", "auto"])
    ap.add_argument("--sample", type=int, default=40, help="series timed for R and the naive loop")
    args = ap.parse_args()

    from rsurveillance import farrington_flexible, r_available

    panel, eval_start = make_panel(args.sample, seed=2)
    ref = {}
    if r_available():
        t0 = time.perf_counter()
        r_res, r_inner = farrington_flexible(panel, ["series"], eval_start, b=3, jobs=1)
        ref["R farringtonFlexible"] = (time.perf_counter() - t0) / len(r_res)
        print(f"R: {len(r_res)} series-periods, {r_inner:.1f} s inside R, "
              f"{ref['R farringtonFlexible'] * 1e3:.2f} ms per series-period (wall, one process)", flush=True)
    else:
        print("R surveillance not installed (apt-get install r-cran-surveillance): no R ratio", flush=True)
    try:
        from naive_glm import naive_glm
        t0 = time.perf_counter()
        n_res = naive_glm(panel, ["series"], eval_start)
        ref["naive statsmodels"] = (time.perf_counter() - t0) / len(n_res)
        print(f"naive statsmodels: {ref['naive statsmodels'] * 1e3:.2f} ms per series-period", flush=True)
    except ImportError:
        print("statsmodels not installed (pip install -e '.[bench]'): no naive ratio", flush=True)

    rows = []
    for method in args.methods:
        for n in args.sizes:
            proc = subprocess.run([sys.executable, __file__, "--child", str(n), method],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr[-3000:])
                raise SystemExit(f"child {method} {n} failed")
            got = json.loads(proc.stdout.strip().splitlines()[-1])
            per = got["seconds"] / got["cells"]
            row = {"method": method, "series": n, "series-periods": got["cells"], "seconds": round(got["seconds"], 1),
                   "series-periods/s": round(got["cells"] / got["seconds"]), "peak MB": round(got["peak_mb"])}
            for name, sec in ref.items():
                row[f"x faster than {name}"] = round(sec / per)
            rows.append(row)
            print(row, flush=True)
    from report import markdown_table, publish

    publish("detection_speed", "\n".join(["# Detection speed", "",
                                          f"2 cores; {EVAL_WEEKS} evaluated weeks per series; full score() path.", "",
                                          markdown_table(pd.DataFrame(rows))]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
    else:
        main()
