"""Detection quality on the Noufaily et al. (2013) simulation grid, side by side with R.

Grid: three baseline levels x with/without trend x with/without seasonality x two
overdispersion levels x outbreak sizes k = 1, 2, 3, 5 (k times the baseline's standard deviation,
spread over weeks), ten replicates each, seven years weekly, two outbreaks in the last year; the
last 52 weeks are evaluated. Plus slow drifts (+50 % over 12 weeks) on the same baselines.

Ceilings, on the same series (``models/bounds.py``): the most powerful test that knows the true
baseline and each outbreak's cases, at the level a 1 % false-alarm rate allows over the event's
window (no detector can beat it); the same for a detector that must decide week by week, told the
true baseline, the event's start and shape (a drift's ramp; an outbreak's size and delays, not its
cases), keeping 1 % false alarms in each week on average over the events (``causal_bound``: tighter);
and a single-week threshold on the true baseline.

Methods: wijkradar's noufaily (b=3 and b=5), cusum, auto, ears-c1/c2/c3; R surveillance's
farringtonFlexible with the same Noufaily settings (when R is installed:
``apt-get install r-cran-surveillance``); a naive per-series statsmodels GLM (``pip install -e '.[bench]'``).

Without R (``--no-r``) the comparison at R's false-alarm rate uses R's numbers frozen below (the
last run with R, same grid and seeds). ``--replicates 3`` gives a quick, noisier look for iteration;
report numbers from the default grid.

The ceilings do not depend on any detector, and the week-by-week one takes an hour on 2 cores: they are kept in
``benchmarks/results/ceilings/`` under a key of the grid's settings and the source of the code that draws and bounds
the series (``models/simulate.py``, ``models/bounds.py``, ``models/stopping_kernel.py``), and computed again only
when one of them changes (or with ``--recompute-ceilings``).

Usage: .venv/bin/python benchmarks/detection_quality.py [--replicates 10] [--no-r] [--no-naive] [--recompute-ceilings]
       [--no-causal]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from models.bounds import causal_bounds, detection_bounds  # noqa: E402
from models.detectors import make_detector  # noqa: E402
from models.evaluate import evaluate, pod_at_far, weeks_since_event  # noqa: E402
from models.noufaily import NoufailyDetector  # noqa: E402
from models.simulate import grid, simulate  # noqa: E402

KEYS = ["scenario", "replicate"]
CEILING = "ceiling: any detector"
CAUSAL = "ceiling: any detector, week by week"
KNOWN = "ceiling: threshold on the true baseline"
#: R farringtonFlexible on the default grid (10 replicates), from the last run with R installed
R_FROZEN = {"far": 0.0089, "pod_at_its_far": 0.174}
GROUPS = (["k"], ["theta"], ["beta", "gamma1"], ["phi"])
ROOT = Path(__file__).resolve().parent.parent
CEILINGS = ROOT / "benchmarks" / "results" / "ceilings"
#: the code a ceiling is a function of, besides the grid's settings
CEILING_CODE = ("models/simulate.py", "models/bounds.py", "models/stopping_kernel.py")


def ceiling_key(**settings) -> str:
    """A digest of the settings and of the source that draws and bounds the series: equal keys, equal ceilings."""
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for name in CEILING_CODE:
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()[:16]


def kept_ceilings(name: str, sim: pd.DataFrame, recompute: bool, window: int | None = None, causal: bool = True,
                  **settings) -> tuple[pd.DataFrame, list[float]]:
    """Both ceilings per event (``bound``, ``known_baseline``, ``causal``) and the week-by-week multipliers, read
    from ``CEILINGS`` when kept there under the same key, computed (and kept) otherwise. Without ``causal`` a
    week-by-week ceiling not kept is not computed either (``causal`` NaN, no multipliers)."""
    key = ceiling_key(window=window, **settings)
    path, meta = CEILINGS / f"{name}.csv.gz", CEILINGS / f"{name}.json"
    if not recompute and path.exists() and meta.exists() and json.loads(meta.read_text())["key"] == key:
        print(f"  {name}: kept ceilings reused ({path.relative_to(ROOT)})", flush=True)
        return pd.read_csv(path), json.loads(meta.read_text())["multipliers"]
    t0 = time.perf_counter()
    ceiling = detection_bounds(sim, KEYS, far=0.01, window=window)
    if not causal:
        print(f"  {name}: ceilings {time.perf_counter() - t0:.1f} s; week by week not computed (--no-causal)",
              flush=True)
        return ceiling.assign(causal=float("nan")), []
    print(f"  {name}: ceilings {time.perf_counter() - t0:.1f} s; now week by week (about an hour on 2 cores)",
          flush=True)
    t0 = time.perf_counter()
    causal, fit = causal_bounds(sim, KEYS, far=0.01, window=window)
    ceiling = ceiling.merge(causal[[*KEYS, "event", "causal"]], on=[*KEYS, "event"])
    lam = [float(x) for x in fit["lam"]]
    print(f"  {name}: week by week {time.perf_counter() - t0:.1f} s, multipliers {[round(x, 3) for x in lam]}",
          flush=True)
    CEILINGS.mkdir(parents=True, exist_ok=True)
    ceiling.to_csv(path, index=False)
    meta.write_text(json.dumps({"key": key, "settings": {"window": window, **settings}, "multipliers": lam},
                               indent=1) + "\n")
    return ceiling, lam


def after_events(res: pd.DataFrame, sim: pd.DataFrame, weeks: int = 8) -> float:
    """False-alarm rate in the quiet weeks just after an event span (where evidence of the event lingers)."""
    frame = res.merge(sim[[*KEYS, "period_index", "event"]], on=[*KEYS, "period_index"]).sort_values([*KEYS, "period_index"])
    since = frame.groupby(KEYS)["event"].transform(lambda e: weeks_since_event(e.to_numpy())[0])
    mask = (frame["event"] == 0) & (since <= weeks)
    return float(frame.loc[mask, "alarm"].mean())


from report import markdown_table as table, publish  # noqa: E402


def with_phi(sim: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """The simulated series with their scenario's overdispersion and outbreak size, as the ceilings need them."""
    by = scenarios.set_index("scenario")
    return sim.assign(phi=sim["scenario"].map(by["phi"]), k=sim["scenario"].map(by["k"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--years", type=int, default=7)
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--recompute-ceilings", action="store_true", help="compute the ceilings even when kept")
    ap.add_argument("--no-causal", action="store_true",
                    help="do not compute the week-by-week ceiling when it is not kept (about two core-hours)")
    args = ap.parse_args()
    T = args.years * 52
    eval_start = T - 51

    scen = grid()
    sim = simulate(scen, replicates=args.replicates, years=args.years, seed=2013)
    panel = sim[[*KEYS, "period_index", "count"]]
    print(f"grid: {len(scen)} scenarios x {args.replicates} replicates = {len(scen) * args.replicates} series, "
          f"{T} weeks, evaluated weeks {eval_start}-{T}", flush=True)

    methods = {
        "noufaily": make_detector("noufaily"),
        "noufaily-b5": NoufailyDetector(b=5),
        "cusum": make_detector("cusum"),
        "auto": make_detector("auto"),
        "ears-c1": make_detector("ears-c1"),
        "ears-c2": make_detector("ears-c2"),
        "ears-c3": make_detector("ears-c3"),
    }
    results, seconds = {}, {}
    for name, det in methods.items():
        t0 = time.perf_counter()
        results[name] = det.score(panel, KEYS, eval_start=eval_start)
        seconds[name] = time.perf_counter() - t0
        print(f"  {name}: {seconds[name]:.1f} s", flush=True)

    from rsurveillance import farrington_flexible, r_available
    if not args.no_r and r_available():
        t0 = time.perf_counter()
        results["R farringtonFlexible"], _ = farrington_flexible(panel, KEYS, eval_start, b=3, jobs=args.jobs)
        seconds["R farringtonFlexible"] = time.perf_counter() - t0
        print(f"  R farringtonFlexible: {seconds['R farringtonFlexible']:.1f} s", flush=True)
    elif not args.no_r:
        print("  R surveillance not installed (apt-get install r-cran-surveillance): skipped")
    if not args.no_naive:
        try:
            from naive_glm import naive_glm
            t0 = time.perf_counter()
            results["naive statsmodels GLM"] = naive_glm(panel, KEYS, eval_start)
            seconds["naive statsmodels GLM"] = time.perf_counter() - t0
            print(f"  naive statsmodels GLM: {seconds['naive statsmodels GLM']:.1f} s", flush=True)
        except ImportError:
            print("  statsmodels not installed (pip install -e '.[bench]'): naive GLM skipped")

    ceiling, lam = kept_ceilings("outbreaks", with_phi(sim, scen), args.recompute_ceilings, causal=not args.no_causal,
                                 replicates=args.replicates, years=args.years, seed=2013)

    def ceiling_rows(by: list[str]) -> pd.DataFrame:
        # a group's mean of the week-by-week values bounds its detection when the group keeps 1 % false alarms
        c = ceiling.merge(scen[["scenario", *by]], on="scenario") if by else ceiling
        parts = c.groupby(by, sort=True)[["bound", "causal", "known_baseline"]].mean().reset_index() if by else \
            c[["bound", "causal", "known_baseline"]].mean().to_frame().T
        return pd.concat([parts.drop(columns=[c for c in ("bound", "causal", "known_baseline") if c != col]).rename(
            columns={col: "pod"}).assign(method=label) for col, label in
            (("bound", CEILING), ("causal", CAUSAL), ("known_baseline", KNOWN))], ignore_index=True).assign(far=0.01)

    out = ["# Detection quality", "",
           f"{len(scen)} scenarios x {args.replicates} replicates, {args.years} years weekly, last 52 weeks evaluated; "
           "outbreaks: k x sd of the baseline, spread by a log-normal delay.", ""]
    overall = []
    for name, res in results.items():
        row = evaluate(res, sim, KEYS).iloc[0].to_dict()
        frame = res.merge(scen[["scenario", *{c for g in GROUPS for c in g}]], on="scenario")
        worst = max(evaluate(frame, sim, KEYS, by=by)["far"].max() for by in GROUPS)
        overall.append({"method": name, "far": row["far"], "far, worst group": worst,
                        "far, 8 weeks after an outbreak": after_events(res, sim), "pod": row["pod"],
                        "sensitivity": row["sensitivity"], "timeliness": row["timeliness"], "seconds": seconds[name]})
    overall = pd.DataFrame(overall)
    ceil = ceiling_rows([])
    out += ["## Default settings, whole grid", "", table(overall), "",
            "Ceilings at a false-alarm rate of 1 % (same series):", "",
            table(ceil[["method", "far", "pod"]]), ""]

    ref = "R farringtonFlexible"
    target = float(overall.set_index("method").loc[ref, "far"]) if ref in results else R_FROZEN["far"]
    fixed = []
    for name, res in results.items():
        row = pod_at_far(res, sim, KEYS, target).iloc[0]
        fixed.append({"method": name, "far": row["far"], "pod": row["pod"], "sensitivity": row["sensitivity"]})
    if ref not in results:
        fixed.append({"method": f"{ref} (frozen)", "far": target, "pod": R_FROZEN["pod_at_its_far"]})
    out += [f"## At the false-alarm rate of {ref} ({target:.4f}), alarms = pvalue <= cut-off", "",
            table(pd.DataFrame(fixed)), ""]

    for by in GROUPS:
        rows = []
        for name in results:
            frame = results[name].merge(scen[["scenario", *by]], on="scenario")
            m = evaluate(frame, sim, KEYS, by=by)
            m.insert(0, "method", name)
            rows.append(m[["method", *by, "far", "pod", "sensitivity", "timeliness"]])
        rows.append(ceiling_rows(by)[["method", *by, "far", "pod"]])
        label = {"k": "outbreak size k", "theta": "baseline level (log mean)", "phi": "overdispersion",
                 "beta": "trend / seasonality"}[by[0]]
        out += [f"## By {label}", "", table(pd.concat(rows, ignore_index=True)), ""]

    # slow drifts: +50 % over 12 weeks, detection within 8 weeks of the start
    dscen = grid(k=(0,)).assign(drift_share=0.5, drift_weeks=12)
    dsim = simulate(dscen, replicates=args.replicates, years=args.years, seed=7)
    dpanel = dsim[[*KEYS, "period_index", "count"]]
    drift_rows = []
    for name in ("noufaily", "cusum", "auto", "ears-c3"):
        res = methods[name].score(dpanel, KEYS, eval_start=eval_start).merge(
            dsim[[*KEYS, "period_index", "event"]], on=[*KEYS, "period_index"])
        start = res[res["event"] > 0].groupby(KEYS)["period_index"].min()
        hit = res[res["alarm"] & (res["event"] > 0)].groupby(KEYS)["period_index"].min()
        delay = (hit - start).reindex(start.index)
        quiet = res[res["event"] == 0]["alarm"].mean()
        by_level = (delay < 8).groupby(start.index.get_level_values(0).map(
            dscen.set_index("scenario")["theta"])).mean()
        drift_rows.append({"method": name, "within 8 weeks": float((delay < 8).mean()),
                           "within 12 weeks": float((delay < 12).mean()),
                           "median delay": float(delay.median()), "far before the drift": float(quiet),
                           **{f"within 8, theta={k}": float(v) for k, v in by_level.items()}})
    dceil, dlam = kept_ceilings("drifts", with_phi(dsim, dscen), args.recompute_ceilings, window=8,
                                causal=not args.no_causal, replicates=args.replicates, years=args.years, seed=7,
                                drift=[0.5, 12])
    for col, label in (("bound", CEILING), ("causal", CAUSAL), ("known_baseline", KNOWN)):
        by_level = dceil.groupby(dceil["scenario"].map(dscen.set_index("scenario")["theta"]))[col].mean()
        drift_rows.append({"method": label, "within 8 weeks": float(dceil[col].mean()),
                           **{f"within 8, theta={k}": float(v) for k, v in by_level.items()}})
    out += ["## Slow drifts (+50 % over 12 weeks)", "", table(pd.DataFrame(drift_rows)), ""]

    o = overall.set_index("method")
    f = pd.DataFrame(fixed).set_index("method")
    d = pd.DataFrame(drift_rows).set_index("method")
    rkey = ref if ref in f.index else f"{ref} (frozen)"
    targets = pd.DataFrame([
        {"target": "auto: false-alarm rate <= 0.01 in every group (worst group)", "before (issue 3)": 0.011,
         "measured": o.loc["auto", "far, worst group"], "ceiling": float("nan")},
        {"target": "auto: false-alarm rate in the 8 quiet weeks after an outbreak <= 0.01", "before (issue 3)": float("nan"),
         "measured": o.loc["auto", "far, 8 weeks after an outbreak"], "ceiling": float("nan")},
        {"target": "auto: POD >= 0.25 over the grid", "before (issue 3)": 0.187, "measured": o.loc["auto", "pod"],
         "ceiling": float(ceil.set_index("method").loc[CEILING, "pod"])},
        {"target": f"auto: POD at {ref}'s false-alarm rate >= {ref}'s + 0.03 ({f.loc[rkey, 'pod'] + 0.03:.3f})",
         "before (issue 3)": 0.190, "measured": f.loc["auto", "pod"], "ceiling": float("nan")},
        {"target": "auto: drift +50 %/12 weeks found within 8 weeks >= 0.35", "before (issue 3)": 0.267,
         "measured": d.loc["auto", "within 8 weeks"], "ceiling": d.loc[CEILING, "within 8 weeks"]},
    ])
    nan = float("nan")
    targets["ceiling, week by week"] = [nan, nan, float(ceil.set_index("method").loc[CAUSAL, "pod"]), nan,
                                        d.loc[CAUSAL, "within 8 weeks"]]
    out[4:4] = ["## Targets of issue 13", "",
                "The ceiling is the most any detector can reach at a 1 % false-alarm rate on these series; week by "
                "week, the most a detector", "can reach that decides from the counts so far, told the true baseline, "
                "the event's start and shape, keeping 1 % false", "alarms in each week of the events' windows on "
                "average (`models.bounds.causal_bound`; " + (
                    f"multipliers per week, outbreaks {[round(x, 2) for x in lam]}," if lam else
                    "not computed in this run (`--no-causal`, about two core-hours on an idle machine; the last run "
                    "that computed it, commit b75a660's file, read 0.416 for POD and 0.399 for drifts, on the same "
                    "series and ceiling code),"),
                f"drifts {[round(x, 2) for x in dlam]}). A target above it is out of reach for every detector." if dlam
                else "A target above a ceiling is out of reach for every detector.", "",
                table(targets), ""]
    out += ["## How far the targets can be reached", "",
            "Measured by `benchmarks/detection_reach.py` (per-scenario oracle thresholds at 1 % false alarms, "
            "window and", "CUSUM rules on the fitted and the true baseline, tuning seeds 4242 / 4343, and auto as "
            "it alarms on those", "seeds): see `benchmarks/results/detection_reach.md`; the same rules restarted "
            "after each alarm, as a detector", "must: `benchmarks/results/restart_reach.md`; a likelihood ratio for a "
            "pulse of unknown length against one told", "the length, with thresholds per scenario, per level and "
            "dispersion or one for all: `benchmarks/results/pulse_reach.md`.", ""]
    publish("detection_quality", "\n".join(out))


if __name__ == "__main__":
    main()
