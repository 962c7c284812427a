"""Monthly series after a temporary rise or a step: the baseline of ``auto`` with and without its two monthly rules.

A monthly baseline holds three years and leaves out the last 6 months (``MONTHLY_SETTINGS``). A rise of most of a
year in its last year tilts the fitted trend, which predicts the rise on after it ended (the demo's Zuid
eenzaamheid in 2026: expected 40 to 51 a month against counts of 10 to 22); a step fitted as a trend is
extrapolated (a fall from 30 to 10 a month predicted at 3 to 5 a year on: false alarms). Two rules of ``auto``:
the excluded months as a held-out test (``excluded_z=3.0``: a trend, or a raise of the recent-level rule, that predicts
them too high by more than 3 standard errors is not kept, ``models.glm_kernel.fails_excluded``), and the recent-level
rule of weekly series (``recent_ratio``, ``models.glm_kernel.recent_level``) with at least the fit's dispersion
(``recent_fit_phi_floor``). This script measures what each costs and buys.

Series: 6 years of months (negative binomial, ``models.simulate``'s draw), the last 24 evaluated; 24 baselines =
level 2, 8 or 30 a month x dispersion 1.2 or 2.5 x no season or a yearly one (x1.6 peak to trough) x no trend or
+15 % a year; seven histories: *quiet*; *rise ended* (x2.4 for 8 months, ending 0 to 8 months before the first
evaluated month, so inside the baseline of every evaluated month); *step up* (x1.6 for good, from 6 to 24 months
before); *step down* (x0.6 for good, likewise); *step x3* and *step /3* (likewise); *outage* (3 months read as 0,
as a registration outage or a buurt left out of deliveries and read as a lower bound, anywhere from 3 months before
the first evaluated month). Each series is scored twice: as drawn (false alarms: the share of
evaluated months that alarm, per history and group of level x dispersion x season x trend; the expected count over
the true mean), and with a new rise (x2 for 3 months from a random evaluated month; found: an alarm in those 3
months). Seed 1212 (the check's z of 3 is the weekly downward rule's, ``NoufailyDetector.RECENT_FIT_Z``, and the
recent-level rule's factors and z are the weekly ones: nothing tuned here).

Usage: .venv/bin/python benchmarks/monthly_baseline.py [--replicates 100]
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import markdown_table, publish  # noqa: E402
from models.auto import AutoDetector  # noqa: E402
from models.simulate import negative_binomial  # noqa: E402

KEYS = ["series", "copy"]
STEPS = {"step up": 1.6, "step down": 0.6, "step x3": 3.0, "step /3": 1 / 3}
MONTHS, EVALUATED = 72, 24
HISTORIES = ("quiet", "rise ended", "step up", "step down", "step x3", "step /3", "outage")


def baselines() -> pd.DataFrame:
    rows = [dict(level=lv, phi=ph, season=se, trend=tr)
            for lv, ph, se, tr in itertools.product((2.0, 8.0, 30.0), (1.2, 2.5), (False, True), (0.0, 0.15))]
    return pd.DataFrame(rows)


def true_mean(b: pd.Series) -> np.ndarray:
    t = np.arange(MONTHS)
    season = 0.24 * np.cos(2 * np.pi * t / 12) if b.season else 0.0
    growth = np.log1p(b.trend) * (t - (MONTHS - EVALUATED)) / 12   # the level holds at the evaluated year's start
    return b.level * np.exp(season + growth)


def history(kind: str, rng: np.random.Generator) -> np.ndarray:
    """The history's factor on the mean, month by month."""
    f = np.ones(MONTHS)
    first = MONTHS - EVALUATED
    if kind == "rise ended":
        end = first - int(rng.integers(0, 9))
        f[end - 8:end] = 2.4
    elif kind == "outage":
        start = first - 3 + int(rng.integers(0, EVALUATED))
        f[start:start + 3] = 0.0
    elif kind in STEPS:
        f[first - int(rng.integers(6, 25)):] = STEPS[kind]
    return f


def simulate(replicates: int, seed: int = 1212) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames, meta = [], []
    sid = 0
    for b in baselines().itertuples(index=False):
        b = pd.Series(b._asdict())
        base = true_mean(b)
        for kind in HISTORIES:
            for _ in range(replicates):
                sid += 1
                mu = base * history(kind, rng)
                y = negative_binomial(rng, mu, b.phi)
                start = MONTHS - EVALUATED + int(rng.integers(0, EVALUATED - 2))
                rise = np.zeros(MONTHS, dtype=bool)
                rise[start:start + 3] = True
                y_rise = np.where(rise, negative_binomial(rng, 2 * mu, b.phi), y)
                idx = np.arange(1, MONTHS + 1)
                frames += [pd.DataFrame({"series": sid, "copy": 0, "period_index": idx, "count": y, "mean": mu,
                                         "rise": False}),
                           pd.DataFrame({"series": sid, "copy": 1, "period_index": idx, "count": y_rise, "mean": mu,
                                         "rise": rise})]
                meta.append({"series": sid, "history": kind, **b.to_dict()})
    return pd.concat(frames, ignore_index=True), pd.DataFrame(meta)


def score(sim: pd.DataFrame, meta: pd.DataFrame, det: AutoDetector) -> pd.DataFrame:
    r = det.score(sim[[*KEYS, "period_index", "count"]], KEYS)
    r = r[r["period_index"] > MONTHS - EVALUATED]
    r = r.merge(sim[[*KEYS, "period_index", "mean", "rise"]], on=[*KEYS, "period_index"]).merge(meta, on="series")
    return r


def summary(r: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = []
    quiet = r[r["copy"] == 0]
    found = r[(r["copy"] == 1) & r["rise"]].groupby(["series", "history", "level"])["alarm"].any().reset_index()
    for kind in HISTORIES:
        q = quiet[quiet["history"] == kind]
        groups = q.groupby(["level", "phi", "season", "trend"])["alarm"].mean()
        f = found[found["history"] == kind]
        ratio = q["expected"] / q["mean"]
        rows.append({"baseline": name, "history": kind, "far": q["alarm"].mean(), "far, worst group": groups.max(),
                     "expected / true mean (median)": ratio.median(),
                     "share expected > 1.5 x true": (ratio > 1.5).mean(),
                     "new rise found": f["alarm"].mean(),
                     **{f"found, level {lv:g}": f.loc[f["level"] == lv, "alarm"].mean() for lv in (2.0, 8.0, 30.0)}})
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replicates", type=int, default=100)
    args = ap.parse_args(argv)
    t0 = time.time()
    sim, meta = simulate(args.replicates)
    print(f"{meta['series'].nunique()} series x 2 copies x {MONTHS} months", flush=True)
    tables = []
    for name, kw in (("before: neither rule", dict(excluded_z=None, recent_ratio=None)),
                     ("excluded months checked", dict(excluded_z=3.0, recent_ratio=None)),
                     ("and the recent level (auto)", {})):
        print(f"scoring: {name}", flush=True)
        tables.append(summary(score(sim, meta, AutoDetector(frequency=12, **kw)), name))
    table = pd.concat(tables, ignore_index=True)
    body = ["# Monthly baseline after a temporary rise", "", __doc__.split("\n\n", 1)[1].split("Usage:")[0].strip(), "",
            f"{args.replicates} replicates per baseline and history ({len(meta)} series, {len(meta) // len(HISTORIES)} per "
            "history); far: false-alarm rate over the 24 evaluated months; worst group: of the 24 baselines.", "",
            markdown_table(table), "", f"Run time: {time.time() - t0:.0f} s."]
    publish("monthly_baseline", "\n".join(body))


if __name__ == "__main__":
    main()
