"""Calibrate the pooled-count p-values: the null distribution of their raw statistic, made once and stored.

Simulates quiet municipalities (the demo's buurten, neighbours and signals, weekly and monthly, five
years, no injected events and no structural rises; seeds from 5151, not the benchmarks') at three
population scales (x1, x4, x16: group baselines from a fraction of a count to hundreds a period), each
replicate with the signals' dispersion of ``DISPERSIONS`` in turn (the demo's, and variance 2, 3, 5 and 8
times the mean: the bins name dispersions to 7 and more, and curves made at the demo's alone read quiet
clustered municipalities 4 to 11 times too small), scores them as a run does (``pipelines.score``: the auto detector, 3-year baselines in the scored
window) and stores per look (``domain``, ``neighbours``) the tail of the raw statistic (the smallest
tail over the windows and the subsets of the subset scan) per (expected, dispersion) bin of the whole
group, with the bins of ``models.scan``, and period type in ``models/data/pooled_calibration.csv``, on
the grid ``models.scan.LOG_GRID``. Re-run after changing the windows, ``min_count`` or the subsets of
``models.pooled``, or the detector's baseline.

``--check N`` then scores N quiet municipalities per scale apart from the table's (seeds from 7373)
and prints how often each look's calibrated p-value falls at or below 0.01, 0.002 and 0.0005, as a
multiple of the level. ``--cache DIR`` keeps the scored municipalities (the detector's scores do not
depend on the pooled looks, so a change of the looks re-calibrates without scoring again).

Usage: .venv/bin/python benchmarks/pooled_calibration.py [--replicates 100] [--check 20] [--cache DIR]
The stored table: --replicates 60 --check 20 (12 municipalities per dispersion and scale).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.demo import simulate_counts  # noqa: E402
from models.pooled import CALIBRATION, DISPERSION_SPAN, EDGES, LOOKS, REFERENCE, _table, group_tails  # noqa: E402
from models.scan import LOG_GRID, build_curves, curves_frame  # noqa: E402
from pipelines.demo import DEMO_END, demo_settings  # noqa: E402
from pipelines.reference import Reference  # noqa: E402
from pipelines.score import score_counts  # noqa: E402

SCALES = (1, 4, 16)
#: the signals' dispersion (variance / mean) in the quiet municipalities, taken in turn by the replicates of each
#: scale: None is the demo's own (1.2 to 1.5); reports that come in bursts reach 3 to 8, and a group's dispersion
#: bin read curves made at the demo's only (at variance 3x the mean p_pool_nb <= 0.005 fell 4 to 11 times as often)
DISPERSIONS = (None, 2.0, 3.0, 5.0, 8.0)
PERIODS = ("week", "month")
EVENT_COLUMNS = ["event", "kind", "area_code", "signal", "start", "periods", "multiplier", "extra_per_period",
                 "description"]


def dispersion_of(replicate: int) -> float | None:
    """The signals' dispersion of a replicate (None: the demo's own): the grid in turn."""
    return DISPERSIONS[replicate % len(DISPERSIONS)]


def quiet_scores(ref: Reference, seed: int, scale: float, dispersion: float | None = None) -> pd.DataFrame:
    """Scores of a quiet municipality: the demo's buurten with ``scale`` x their population, every signal with
    ``dispersion`` (None: the demo's own)."""
    rates, _ = demo_settings()
    signals = rates.merge(ref.catalogue[["signal", "frequency", "domain"]], on="signal")
    if dispersion is not None:
        signals["dispersion"] = dispersion
    areas = ref.buurten[["area_code", "population"]].astype({"population": float}).fillna(0.0)
    areas["population"] *= scale
    none = pd.DataFrame(columns=EVENT_COLUMNS)
    counts = pd.concat([simulate_counts(areas, signals[signals["frequency"] == f], none, end=DEMO_END, seed=seed + i)[0]
                        for i, f in enumerate(("week", "month"))], ignore_index=True)
    counts = counts.merge(ref.catalogue[["signal", "source"]], on="signal")
    return score_counts(counts, ref.buurten["area_code"].tolist()).scores.merge(
        ref.catalogue[["signal", "domain"]], on="signal")


def cached_scores(ref: Reference, seed: int, scale: float, cache: Path | None,
                  dispersion: float | None = None) -> pd.DataFrame:
    """:func:`quiet_scores`, read from ``cache`` when it holds them (written there otherwise)."""
    tag = "" if dispersion is None else f"_d{dispersion:g}"
    path = cache / f"quiet_{seed}_x{scale:g}{tag}.pkl" if cache else None
    if path is not None and path.exists():
        return pd.read_pickle(path)
    scores = quiet_scores(ref, seed, scale, dispersion)
    if path is not None:
        scores.to_pickle(path)
    return scores


def check(ref: Reference, n: int, cache: Path | None) -> None:
    """Calibrated rate at three levels on quiet municipalities apart from the table's, per look and scale."""
    from models.pooled import pooled_pvalues

    levels = (0.01, 0.002, 0.0005)
    for scale in SCALES:
        got = []
        for r in range(n):
            scores = cached_scores(ref, 7373 + 2 * r, scale, cache, dispersion_of(r))
            got.append(pooled_pvalues(scores, ref.neighbours))
        p = pd.concat(got, ignore_index=True)
        for period in PERIODS:
            part = p[p["period"] == period]
            for col in ("p_pool_domain", "p_pool_nb"):
                rates = "  ".join(f"{(part[col] <= a).mean() / a:.2f}x at {a:g}" for a in levels)
                print(f"check x{scale} {period} {col}: {len(part)} cells, {rates}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=100, help="quiet municipalities per population scale")
    ap.add_argument("--check", type=int, default=0, help="quiet municipalities per scale for the check (0: none)")
    ap.add_argument("--check-only", action="store_true", help="check the stored table, do not make a new one")
    ap.add_argument("--cache", type=Path, default=None, help="folder that keeps the scored quiet municipalities")
    args = ap.parse_args()
    ref = Reference()
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    if args.check_only:
        check(ref, args.check, args.cache)
        return
    cells = {(look, period): {"raw": [], "expected": [], "phi": []} for look in LOOKS for period in PERIODS}
    for scale in SCALES:
        for r in range(args.replicates):
            scores = cached_scores(ref, 5151 + 2 * r, scale, args.cache, dispersion_of(r))
            for period, part in scores.groupby("period"):
                g = group_tails(part, ref.neighbours, reference=REFERENCE[period], dispersion_span=DISPERSION_SPAN[period])
                for look in LOOKS:
                    keep = np.ones(g[f"{look}_raw"].shape, dtype=bool)
                    if look == "neighbours":          # only series with neighbours form a group
                        keep &= g["has_nb"][:, None]
                    for k in ("raw", "expected", "phi"):
                        cells[(look, period)][k].append(g[f"{look}_{k}"][keep])
            print(f"scale x{scale}, replicate {r + 1}", flush=True)
    frames = []
    for (look, period), got in cells.items():
        c = {k: np.concatenate(v) for k, v in got.items()}
        curves = build_curves(c["raw"], c["expected"], c["phi"], edges=EDGES)
        frames.append(curves_frame({0: curves}).drop(columns="b").assign(look=look, period=period))
        print(f"{look}, {period}: {len(c['raw'])} null cells", flush=True)
    table = pd.concat(frames, ignore_index=True)
    table = table[["look", "period", *[c for c in table.columns if c not in ("look", "period")]]]
    text = ("# pooled-count calibration: log10 P(raw statistic <= 10^x) in quiet simulated municipalities, x = "
            f"linspace({LOG_GRID[0]:g}, {LOG_GRID[-1]:g}, {len(LOG_GRID)}) in columns t0..; made by "
            f"benchmarks/pooled_calibration.py ({args.replicates} replicates x scales {SCALES})\n")
    CALIBRATION.write_text(text + table.to_csv(index=False), encoding="utf-8")
    print(f"wrote {CALIBRATION}")
    if args.check:
        _table.cache_clear()
        check(ref, args.check, args.cache)


if __name__ == "__main__":
    main()
