"""Detection speed through the CLI: ``wijkradar detect`` on a large weekly panel, against R in the same run.

The panel: 14,400 weekly series of 7 years (364 weeks) with varying levels (from under one count a
week to about fifty), trends, seasonality, overdispersion and outbreaks in the last year; the last
52 weeks are evaluated. The real CLI runs as a subprocess, so start-up, CSV reading and writing are
in its wall time. R surveillance's farringtonFlexible runs in the same run on a random sample of
series, with the settings of the CLI's seasonal baseline (b = 5 years, alpha = 0.001), and is
compared per series-week; its alarms and bounds are compared with the CLI's on that sample.

Usage: .venv/bin/python benchmarks/detect_cli.py [--series 14400] [--r-series 60] [--sep ';']
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

YEARS, EVAL_WEEKS = 7, 52
CLI = Path(sys.executable).parent / "wijkradar"


def make_panel(n_series: int, seed: int = 11) -> tuple[pd.DataFrame, int]:
    """A long panel (series, period_index, count) and the first evaluated period_index."""
    rng = np.random.default_rng(seed)
    T = YEARS * 52
    t = np.arange(1, T + 1)
    theta = rng.uniform(-1.0, 4.0, size=(n_series, 1))
    beta = rng.choice([0.0, 0.0, 0.002, -0.002, 0.004], size=(n_series, 1))
    amplitude = rng.uniform(0.0, 0.6, size=(n_series, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n_series, 1))
    mu = np.exp(theta + beta * (t - T / 2) + amplitude * np.sin(2 * np.pi * t / 52 + phase))
    phi = rng.choice([1.0, 1.5, 3.0], size=(n_series, 1))
    y = np.where(phi > 1, rng.negative_binomial(mu / np.maximum(phi - 1, 1e-9), 1 / phi), rng.poisson(mu))
    # an outbreak in the last year of every fourth series: k standard deviations over three weeks
    hit = np.flatnonzero(rng.random(n_series) < 0.25)
    start = rng.integers(T - EVAL_WEEKS, T - 3, size=len(hit))
    for week in range(3):
        sd = np.sqrt(phi[hit, 0] * mu[hit, start + week])
        y[hit, start + week] += rng.poisson(rng.uniform(1, 4, size=len(hit)) * sd)
    panel = pd.DataFrame({"series": np.repeat([f"S{i:05d}" for i in range(n_series)], T),
                          "period_index": np.tile(t, n_series), "count": y.ravel()})
    return panel, T - EVAL_WEEKS + 1


def run_cli(panel: pd.DataFrame, eval_start: int, sep: str, work: Path, env: dict | None = None
            ) -> tuple[pd.DataFrame, float, float]:
    """The CLI's output, its wall seconds and its CPU seconds (all cores)."""
    inp, out = work / "counts.csv", work / "alarms.csv"
    if not inp.exists():
        panel.to_csv(inp, index=False, sep=sep)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([str(CLI), "detect", "--input", str(inp), "--output", str(out),
                           "--eval-start", str(eval_start)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"wijkradar detect failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return pd.read_csv(out, dtype={"series": str}, keep_default_na=False, na_values=[""]), wall, cpu


def agreement(cli: pd.DataFrame, r: pd.DataFrame, panel: pd.DataFrame) -> dict[str, str]:
    """How well the CLI's seasonal baseline agrees with R's on the sampled series."""
    recent = (panel.sort_values(["series", "period_index"]).groupby("series")["count"]
              .transform(lambda c: c.rolling(4, min_periods=1).sum()))
    rule = panel.assign(enough=recent >= 5)[["series", "period_index", "enough"]]
    m = cli.merge(r, on=["series", "period_index"], suffixes=("", "_r"), validate="1:1").merge(
        rule, on=["series", "period_index"])
    has = m["expected_r"].notna()            # R leaves expected empty below the 5-in-4-weeks rule
    # the CLI's Noufaily alarm, without the CUSUM's: above the bound, with 5 counts in 4 weeks
    nouf = (m["count"] > m["upper"]) & (m["count"] > 0) & m["enough"]
    same_expected = np.isclose(m.loc[has, "expected"], m.loc[has, "expected_r"], rtol=1e-5)
    same_upper = m.loc[has, "upper"] == m.loc[has, "upper_r"]
    both = int((nouf & m["alarm_r"]).sum())
    return {
        "series-weeks compared": f"{len(m)}",
        "expected equal (rtol 1e-5)": f"{same_expected.mean():.1%} of {int(has.sum())}",
        "upper bound equal": f"{same_upper.mean():.1%}",
        "Noufaily alarms: CLI / R / both": f"{int(nouf.sum())} / {int(m['alarm_r'].sum())} / {both}",
        "Noufaily alarm agrees": f"{(nouf == m['alarm_r']).mean():.2%} of series-weeks",
        "CLI alarms incl. CUSUM": f"{int(m['alarm'].sum())}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=14_400, help="series in the panel")
    ap.add_argument("--r-series", type=int, default=60, help="randomly sampled series timed in R (60: R's time per series-week varied by 15 % between runs on 30)")
    ap.add_argument("--sep", default=",", help="delimiter of the input CSV (',' or ';')")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--runs", type=int, default=3, help="timed runs after the first (the table reports the median)")
    args = ap.parse_args()

    from report import markdown_table, publish
    from rsurveillance import farrington_flexible, r_available

    panel, eval_start = make_panel(args.series, args.seed)
    with tempfile.TemporaryDirectory(prefix="wijkradar-detect-cli-") as tmp:
        # a cache of its own: the first run compiles the fits (once per installation), the others reuse them
        env = {**os.environ, "NUMBA_CACHE_DIR": str(Path(tmp) / "numba")}
        cli, first_wall, _ = run_cli(panel, eval_start, args.sep, Path(tmp), env)
        print(f"CLI, first run (compiles): {first_wall:.1f} s wall", flush=True)
        timed = []
        for _ in range(args.runs):
            cli, wall, cpu = run_cli(panel, eval_start, args.sep, Path(tmp), env)
            timed.append((wall, cpu))
            print(f"CLI: {len(cli)} series-weeks in {wall:.1f} s wall ({cpu:.1f} s CPU)", flush=True)
    wall, cpu = sorted(timed)[len(timed) // 2]
    cells = len(cli)
    row = {"series": args.series, "series-weeks": cells, "CLI wall s (median)": round(wall, 1),
           "CLI wall s (all runs)": " / ".join(f"{w:.1f}" for w, _ in timed),
           "first run, compiling, s": round(first_wall, 1),
           "CLI µs per series-week": round(wall / cells * 1e6, 1),
           "CLI CPU µs per series-week": round(cpu / cells * 1e6, 1)}
    lines = []
    if r_available():
        sample = np.random.default_rng(args.seed).choice(panel["series"].unique(), args.r_series, replace=False)
        part = panel[panel["series"].isin(sample)]
        t0 = time.perf_counter()
        r, r_inner = farrington_flexible(part, ["series"], eval_start, b=5, alpha=0.001, jobs=1)
        r_wall = time.perf_counter() - t0
        r_per = r_inner / len(r)
        print(f"R: {len(r)} series-weeks, {r_inner:.1f} s in farringtonFlexible, {r_wall:.1f} s wall", flush=True)
        row.update({"R series-weeks": len(r), "R ms per series-week": round(r_per * 1e3, 2),
                    "x faster than R (wall)": round(r_per / (wall / cells)),
                    "x faster than R (CPU)": round(r_per / (cpu / cells))})
        agree = agreement(cli[cli["series"].isin(sample)], r, part)
        lines = ["", f"Agreement with R on the {args.r_series} sampled series (same b = 5, alpha = 0.001; "
                 "the CLI tests the trend with the Pearson dispersion, R with its quirk, so cells where "
                 "R keeps a trend differ; the R test in tests/models/test_noufaily.py, on its own series with b = 3 and "
                 "alpha = 0.005, asks > 85 % equal expected):", "",
                 markdown_table(pd.DataFrame([agree]))]
    else:
        print("R surveillance not installed (apt-get install r-cran-surveillance): no R ratio", flush=True)
    publish("detect_cli", "\n".join([
        "# Detection speed through the CLI", "",
        f"`wijkradar detect` (method auto) as a subprocess: start-up, reading the {'semicolon' if args.sep == ';' else 'comma'}"
        f"-separated CSV and writing the results included; {YEARS} years of weekly counts per series, the last "
        f"{EVAL_WEEKS} weeks evaluated; 2 cores; median of {args.runs} runs after a first run that compiles the "
        f"fits (numba, once per installation: its time is shown apart). R: farringtonFlexible in one process on "
        f"{args.r_series} random "
        "series, its own elapsed time (start-up and CSV excluded), per series-week.", "",
        markdown_table(pd.DataFrame([row]), floatfmt="{:g}"), *lines]))


if __name__ == "__main__":
    main()
