"""Where the season bends: auto's false alarms by the time of year, and what a baseline corrected for the bend gains.

Noufaily's baseline of a week is the level of the same week +-3 in earlier years (with a trend). Where the season
bends, the mean of those 7 weeks is not the level of the middle one: below it around the season's peak, above it
around its trough. The promise (at most 1 % false alarms in every group) is read over whole years, so it does not
show how the false alarms spread within one.

1. *By the time of year*: quiet grid series (no outbreak, no drift; the grid's 24 baseline scenarios, ``--replicates``
   each, seed 3005), 7 years, the last 52 weeks scored by ``auto``: the false-alarm rate per 4 weeks of that year for
   the series without and with the grid's season, also at its highest level (about 20 a week) with the seasonal
   series' fitted baseline against the true in-control mean; and per level, the first 8 weeks (the season's peak)
   against the rest. The drifts of ``detection_quality.py`` start 0 to 12 weeks into that year, so their quiet weeks
   all lie in its first quarter.
2. *Corrected for the bend* (is it a lever for issue 13?): auto's fitted baseline times the bend the true season has
   over the window (its level at the week over its mean over the week +-3: told the season, so an upper bound of
   any correction estimated from the counts), against the fitted baseline itself, for the restarted window scan of
   1-4 weeks and the Bayes rule of ``restart_reach.py`` (thresholds per baseline scenario carried over from the
   tuning seeds, POD at <= 1 % in every group, the 8 weeks after an outbreak included).

Usage: .venv/bin/python benchmarks/season_bend.py [--replicates 200] [--reach-replicates 16] [--drift-replicates 64]
       [--no-reach] [--no-publish]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from detection_reach import BASELINE, BAYES_ANY, HOLDOUT, KEYS, SEEDS, WARMUP  # noqa: E402
from models.auto import AutoDetector  # noqa: E402
from models.simulate import baseline_mean, grid, simulate  # noqa: E402
from report import markdown_table, publish  # noqa: E402
from restart_reach import bayes_parts, carried_restarted, rule_parts, seeded_layouts  # noqa: E402

WINDOW = 3          # Noufaily's w: the weeks either side of the same week in earlier years
YEARS = 7
BLOCK = 4           # weeks per row of the time-of-year table
PEAK = 8            # the first weeks of the evaluated year: the grid's season peaks there


def quiet_scored(det, replicates: int, seed: int, frequency: int) -> pd.DataFrame:
    """Quiet grid series (k = 0: no outbreak, no drift) of ``YEARS`` years at ``frequency`` periods a year, the last
    year scored by ``det``: its rows with ``period`` (1 = the year's first), the fitted baseline over the true mean
    (``ratio``), ``seasonal`` (the grid's season) and ``high`` (the grid's highest level, about 20 a period)."""
    scen = grid(k=(0,))
    T = YEARS * frequency
    sim = simulate(scen, replicates=replicates, years=YEARS, frequency=frequency, seed=seed)
    res = det.score(sim[[*KEYS, "period_index", "count"]], KEYS, eval_start=T - frequency + 1)
    res = res[res["period_index"] > T - frequency].merge(sim[[*KEYS, "period_index", "baseline"]],
                                                           on=[*KEYS, "period_index"])
    res = res.merge(scen[["scenario", "gamma1", "theta"]], on="scenario")
    return res.assign(period=res["period_index"] - (T - frequency), ratio=res["expected"] / res["baseline"],
                      seasonal=res["gamma1"] > 0, high=res["theta"] == scen["theta"].max())


def _per(res: pd.DataFrame, by: str, unit: str) -> pd.DataFrame:
    """False alarms per ``by`` without and with the season, also at the highest level with the fitted baseline over
    the truth there (at the lower levels that ratio is mostly the noise of a few counts)."""
    seasonal, high = res["seasonal"], res["high"]

    def per(rows: pd.Series, column: str = "alarm") -> pd.Series:
        return res[rows].groupby(by, sort=False)[column].mean()

    return pd.DataFrame({"far, no season": per(~seasonal), "far, season": per(seasonal),
                         f"far, season, ~20 a {unit}": per(seasonal & high),
                         f"expected / true, season, ~20 a {unit}": per(seasonal & high, "ratio")})


def time_of_year(det, replicates: int, seed: int = 3005) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per ``BLOCK`` weeks of the evaluated year, per level of the seasonal series): :func:`_per` of quiet weekly
    grid series, and the seasonal series' false alarms in the first ``PEAK`` weeks against the rest per level."""
    res = quiet_scored(det, replicates, seed, 52)
    week = res["period"] - 1
    res["weeks"] = (week // BLOCK * BLOCK + 1).astype(str) + "-" + (week // BLOCK * BLOCK + BLOCK).astype(str)
    blocks = _per(res, "weeks", "week")
    seasonal, peak = res["seasonal"], week < PEAK
    level = np.exp(res["theta"]).round(0).astype(int)
    levels = pd.DataFrame({f"far, weeks 1-{PEAK}": res[seasonal & peak].groupby(level)["alarm"].mean(),
                           "far, the other weeks": res[seasonal & ~peak].groupby(level)["alarm"].mean()})
    levels.index = [f"{v} a week" for v in levels.index]
    return (blocks.rename_axis("weeks of the evaluated year").reset_index(),
            levels.rename_axis("seasonal series at").reset_index())


def by_month(replicates: int, seed: int = 3006) -> pd.DataFrame:
    """:func:`_per` month of the evaluated year of quiet monthly grid series (``AutoDetector(frequency=12)``, its
    window +-1 month; the grid's season drawn per month)."""
    res = quiet_scored(AutoDetector(frequency=12), replicates, seed, 12)
    return _per(res, "period", "month").sort_index().rename_axis("month of the evaluated year").reset_index()


def bend(series: pd.DataFrame, first: int, n_periods: int) -> np.ndarray:
    """(series x period from ``first``): the true season's level at each week over its mean over the week +-``WINDOW``
    (1 without a season), the factor by which a mean over the window misses the week's own level."""
    out = np.ones((len(series), n_periods))
    cols = np.arange(first, first + n_periods) - 1                  # 0-based period of each column
    for i, row in enumerate(series.itertuples(index=False)):
        season = pd.Series(row._asdict()).copy()
        season["theta"], season["beta"] = 0.0, 0.0
        m = baseline_mean(season, cols[-1] + WINDOW + 2)
        out[i] = m[cols] / np.mean([m[cols + d] for d in range(-WINDOW, WINDOW + 1)], axis=0)
    return out


def corrected_reach(replicates: int, drift_replicates: int) -> tuple[pd.DataFrame, dict]:
    """The restarted window scan and Bayes rule carried over, on auto's fitted baseline and on it corrected for the
    bend; also the fitted and corrected baselines' range of weekly means against the truth at the highest level."""
    first = YEARS * 52 - 51 - WARMUP
    scen = grid()
    baselines = scen[BASELINE].drop_duplicates().reset_index(drop=True)
    data, held = seeded_layouts(YEARS, replicates, drift_replicates, AutoDetector())
    for d in (*data.values(), *held.values()):
        d["corrected"] = d["fitted"] * bend(d["series"], first, d["y"].shape[1])
    d = held["outbreaks"]
    high = (d["series"]["theta"] == scen["theta"].max()).to_numpy()
    spread = {b: (d[b][high] / d["baseline"][high]).mean(axis=0) for b in ("fitted", "corrected")}
    rules = [(name, base) for name in ("window scan 1-4", BAYES_ANY) for base in ("fitted", "corrected")]

    def parts(d):
        out = {}
        for base in ("fitted", "corrected"):
            bayes = bayes_parts(d["y"], d[base], d["fitted_phi"], drift=False)
            out.update({(n, base): rule_parts(n, d["y"], d[base], d["fitted_phi"], bayes) for n, b in rules if b == base})
        return out

    tune = {"outbreaks": parts(data["outbreaks"])}
    on_held = {name: parts(d) for name, d in held.items()}
    table = carried_restarted(tune, on_held, data, held, baselines, restart=True, rules=rules)
    return table.drop(columns=["restarts"]), spread


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=200, help="replicates per scenario of the time-of-year table")
    ap.add_argument("--reach-replicates", type=int, default=16)
    ap.add_argument("--drift-replicates", type=int, default=64)
    ap.add_argument("--no-reach", action="store_true", help="the time of year only (seconds, not minutes)")
    ap.add_argument("--no-publish", action="store_true", help="print only")
    args = ap.parse_args()
    t0 = time.perf_counter()
    blocks, levels = time_of_year(AutoDetector(), args.replicates)
    print(blocks.round(4).to_string(index=False), levels.round(4).to_string(index=False), sep="\n", flush=True)
    out = ["# Where the season bends", "",
           "## By the time of year", "",
           f"Quiet grid series (no outbreak, no drift; {args.replicates} replicates of the grid's 24 baseline "
           "scenarios, seed 3005, half of them seasonal), 7 years, the last 52 weeks scored by `auto` (defaults): the "
           "false-alarm rate per 4 weeks of that year, and at the grid's highest level (about 20 a week) the seasonal "
           "series' fitted baseline over the true in-control mean.", "",
           markdown_table(blocks), "", f"The seasonal series per level, the first {PEAK} weeks (around the "
           "season's peak) against the rest of the year:", "", markdown_table(levels), ""]
    months = by_month(args.replicates * 3 // 2)
    print(months.round(4).to_string(index=False), flush=True)
    out += ["## Monthly series", "",
            f"The same on monthly series ({args.replicates * 3 // 2} replicates, seed 3006; the grid's season drawn "
            "per month, 7 years, the last 12 months scored by `AutoDetector(frequency=12)`, whose window is the same "
            "month +-1): a window of 3 months spans a quarter of the season, so its bend weighs more.", "",
            markdown_table(months), ""]
    if not args.no_reach:
        table, spread = corrected_reach(args.reach_replicates, args.drift_replicates)
        print(markdown_table(table), flush=True)
        ranges = "; ".join(f"{b} {v.min():.3f} to {v.max():.3f}" for b, v in spread.items())
        out += ["## Corrected for the bend", "",
                f"auto's fitted baseline (b = 5 years, as `restart_reach.py` lays it out) times the bend of the true "
                f"season over the window (its level at the week over its mean over the week +-{WINDOW}: told the "
                "season: the bend removed exactly, which a correction estimated from the counts could only approach), against the fitted baseline; the "
                "restarted rules of `restart_reach.py`, thresholds per baseline scenario set on the tuning seeds "
                f"{SEEDS['outbreaks']}, read on {HOLDOUT['outbreaks']} / {HOLDOUT['drifts']} at the largest level "
                f"keeping every group <= 1 % ({args.reach_replicates} replicates, drifts {args.drift_replicates}).",
                "", f"Weekly means of baseline / truth over the evaluated year at the highest level: {ranges}.", "",
                markdown_table(table), ""]
    out.append(f"Run time: {time.perf_counter() - t0:.0f} s.")
    if args.no_publish:
        print("\n".join(out))
    else:
        publish("season_bend", "\n".join(out))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
