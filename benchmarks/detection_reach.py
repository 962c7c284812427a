"""How far issue 13's detection targets can be reached by a window or CUSUM rule, measured with oracle thresholds.

Same grid and simulation as ``benchmarks/detection_quality.py`` (Noufaily et al. 2013: 24 baselines x
outbreak sizes k = 1, 2, 3, 5, seven years weekly, last 52 weeks evaluated; slow drifts of +50 % over
12 weeks), on the tuning seeds 4242 (outbreaks) and 4343 (drifts), not the benchmark's own.

Each statistic (larger = more evidence) gets, per baseline scenario, the threshold that gives exactly
1 % false alarms on the truth; its POD and its share of drifts found within 8 weeks at that threshold
bound what any re-calibration of the statistic can reach (see the text this script writes). Statistics:
auto's calibrated p-value; window tails (negative binomial, ``models.scan.nb_tail``) and CUSUMs
(``models.cusum.cusum_llr``); and the Bayes rules of ``models.bounds`` that are told the events' shapes
and know everything but when. Baselines: the fitted one (the Noufaily baseline auto uses: b = 5 years on
these series), one of the simulation's own form fitted to the six years before the evaluated one (the best
a baseline can be estimated) and the true in-control mean with the scenario's dispersion. A diagnostic
sets the thresholds on the quiet weeks before each series' first outbreak, where a running CUSUM carries
no outbreak's evidence. auto's p-value is also read on the pooled baseline (its scan and CUSUM, its calibration).

Out of sample: the thresholds set per scenario on the tuning seeds are carried over to the benchmark's own seeds
(2013 and 7), at the largest level that keeps every group of issue 13's target (k, level, trend/season,
dispersion; the weeks after an outbreak included) at or below 1 % false alarms there.

Usage: .venv/bin/python benchmarks/detection_reach.py [--replicates 16] [--drift-replicates 64]
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

from models.auto import AutoDetector  # noqa: E402
from models.bounds import drift_evidence, outbreak_evidence  # noqa: E402
from models.cusum import cusum_llr  # noqa: E402
from models.evaluate import evaluate, weeks_since_event  # noqa: E402
from models.panel import to_matrix  # noqa: E402
from models.scan import ScanDetector, nb_tail  # noqa: E402
from models.simulate import grid, simulate  # noqa: E402
from report import markdown_table, publish  # noqa: E402

KEYS = ["scenario", "replicate"]
BASELINE = ["theta", "beta", "gamma1", "phi"]     # what makes a baseline scenario (the season's gammas move together)
SEEDS = {"outbreaks": 4242, "drifts": 4343}       # the tuning seeds (detection_quality.py uses 2013 and 7)
HOLDOUT = {"outbreaks": 2013, "drifts": 7}        # the benchmark's seeds: thresholds set on the tuning seeds, read here
#: per-scenario false-alarm levels of the thresholds carried over (the largest that keeps every group of the holdout
#: at or below 1 % is reported)
LEVELS = np.round(np.arange(0.003, 0.01 + 1e-9, 0.0005), 4)
#: the statistics whose thresholds are carried over to the holdout simulation
CARRIED = [*(("auto's calibrated p-value", b) for b in ("fitted", "pooled")), *(("window scan 1-4", b) for b in ("fitted", "pooled", "true")),
           *((name, b) for name in ("Bayes: outbreak of size 1, 2, 3 or 5", "Bayes: outbreak of any size, or drift")
             for b in ("fitted", "pooled", "true"))]
GROUPS = (["k"], ["theta"], ["beta", "gamma1"], ["phi"])   # detection_quality.py's groups of the false-alarm target
FAR = 0.01
AFTER = 8          # quiet weeks just after an outbreak, left out of the false alarms (its evidence lingers)
WITHIN = 8         # a drift counts as found when an alarm falls in its first 8 weeks
WARMUP = 20        # weeks the CUSUMs run before the first evaluated one (the Bayes rules look 19 back)
SHIFTS = (1.2, 1.3, 1.5)
SIZES = (1, 2, 3, 5)   # the grid's outbreak sizes, in standard deviations
BAYES_OWN = "Bayes: outbreak of its own size k"
BAYES_ANY = "Bayes: outbreak of size 1, 2, 3 or 5"
BAYES_DRIFT = "Bayes: drift +50 % over 12 weeks"
BAYES_EITHER = "Bayes: outbreak of any size, or drift"
TOLD = {BAYES_OWN: "shape and size", BAYES_ANY: "shape", BAYES_DRIFT: "shape", BAYES_EITHER: "both shapes"}
BASE_NAMES = {"fitted": "fitted baseline", "form": "baseline of the true form",
              "pooled": "baseline of the true form pooled over its scenario's series",
              "shape": "true shape with its own level", "true": "true baseline"}
TARGETS = {"pod": 0.25, "drift": 0.35}
CLEAN = "drift found, thresholds before the first outbreak"


# --------------------------------------------------------------------------- the oracle

def oracle_threshold(quiet: np.ndarray, far: float = FAR) -> tuple[float, float]:
    """The threshold ``c`` and tie share ``gamma`` at which the quiet cells alarm at exactly rate ``far``.

    Alarm where the statistic is above ``c``, and with probability ``gamma`` where it equals ``c`` (the
    randomised test of the Neyman-Pearson lemma: a discrete statistic has ties at any threshold, and a
    plain cut-off would give less than ``far`` and understate the reach). NaN counts as no evidence.
    """
    s = np.sort(np.nan_to_num(np.asarray(quiet, dtype=float), nan=-np.inf))[::-1]
    want = far * len(s)
    j = min(int(np.floor(want + 1e-9)), len(s) - 1)
    c = s[j]
    above, tied = np.count_nonzero(s > c), np.count_nonzero(s == c)
    return float(c), float(np.clip((want - above) / tied, 0.0, 1.0))


def found(stat: np.ndarray, span: np.ndarray, c: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Per row, the probability that the randomised oracle alarms somewhere in ``span`` (rows: series)."""
    stat = np.nan_to_num(stat, nan=-np.inf)
    above = ((stat > c[:, None]) & span).any(axis=1)
    ties = ((stat == c[:, None]) & span).sum(axis=1)
    return np.where(above, 1.0, 1.0 - (1.0 - gamma) ** ties)


def alarm_rate(stat: np.ndarray, mask: np.ndarray, c: np.ndarray, gamma: np.ndarray) -> float:
    """Expected false-alarm rate of the randomised oracle over the cells of ``mask``."""
    stat = np.nan_to_num(stat, nan=-np.inf)
    rate = (stat > c[:, None]) + gamma[:, None] * (stat == c[:, None])
    return float(rate[mask].mean())


# --------------------------------------------------------------------------- the statistics

def window_sums(a: np.ndarray, w: int) -> np.ndarray:
    """Sum of the ``w`` periods ending at each period, taken directly (NaN where the window leaves the matrix)."""
    out = np.full(a.shape, np.nan)
    if w <= a.shape[1]:
        out[:, w - 1:] = sum(a[:, j: a.shape[1] - w + 1 + j] for j in range(w))
    return out


def window_evidence(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, windows) -> np.ndarray:
    """-log10 of the smallest negative-binomial tail over the windows ending at each period (the scan's
    rule: window counts against window means, the dispersion of the period itself)."""
    best = np.full(y.shape, np.nan)
    for w in windows:
        ys, ms = window_sums(y, w), window_sums(mu, w)
        ok = np.isfinite(ys) & np.isfinite(ms) & np.isfinite(phi)
        ev = np.full(y.shape, np.nan)
        with np.errstate(divide="ignore"):
            ev[ok] = -np.log10(nb_tail(ys[ok], ms[ok], phi[ok]))
        best = np.fmax(best, ev)
    return best


def cusum_chart(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, shift: float) -> np.ndarray:
    """The running CUSUM, floored at 0 and never reset by an alarm (the oracle sets no alarms); it starts at
    0 in the first column with a baseline, a missing baseline restarts it."""
    cum = np.zeros(y.shape[0])
    out = np.full(y.shape, np.nan)
    for t in range(y.shape[1]):                 # a loop over periods, vectorised over series
        ok = np.isfinite(mu[:, t]) & np.isfinite(phi[:, t])
        llr = np.where(ok, cusum_llr(y[:, t], mu[:, t], phi[:, t], shift), 0.0)
        cum = np.where(ok, np.maximum(0.0, cum + llr), 0.0)
        out[ok, t] = cum[ok]
    return out


# --------------------------------------------------------------------------- one simulation, laid out

def layout(sim: pd.DataFrame, scen: pd.DataFrame, first: int, auto: AutoDetector, eval_start: int) -> dict:
    """Counts, truth, the fitted baseline and auto's p-value as (series x period) matrices from period ``first``."""
    m = to_matrix(sim[[*KEYS, "period_index", "count"]], KEYS)
    S, T = m.counts.shape
    order = sim.sort_values([*KEYS, "period_index"])
    assert (m.keys[KEYS].to_numpy() == order[KEYS].to_numpy()[::T]).all()
    col = first - m.first_index
    truth = {k: order[k].to_numpy().reshape(S, T)[:, col:] for k in ("baseline", "outbreak", "event")}
    series = m.keys.merge(scen, on="scenario", how="left")
    long = auto.noufaily(auto.long_b).fit()         # the baseline auto uses on series with 5 years of history
    base, ev = long.score_matrix(m, first, bounds=False)
    assert ev[:, col:].all(), "every series should have its fitted baseline from the warm-up on"
    res, evaluated = auto.score_matrix(m, eval_start)
    e = eval_start - m.first_index
    assert evaluated[:, e:].all() and (res["method"][:, e:] == "noufaily+cusum").all()
    with np.errstate(divide="ignore"):
        auto_ev = -np.log10(res["pvalue"][:, col:])
    form, form_phi = form_baseline(m.counts, m.first_index, eval_start)
    pooled, pooled_phi = pooled_form_baseline(m.counts, series.groupby(BASELINE).ngroup().to_numpy(), m.first_index,
                                              eval_start)
    # auto's scan and CUSUM with its calibration, on the pooled baseline instead of its own (its p-value, like the
    # fitted one's, is calibrated for the 5-year baseline's estimation error: the oracle thresholds do not care)
    scan = ScanDetector(auto.windows, auto.alpha, auto.cusum_shift, frequency=52)
    cells = np.zeros(pooled.shape, dtype=bool)
    cells[:, col - scan.warmup:] = True
    on_pooled, _ = scan.score_matrix(m, first - scan.warmup, ({"expected": pooled, "phi": pooled_phi}, cells),
                                     years=auto.long_b, report_start=first)
    with np.errstate(divide="ignore"):
        auto_pooled = -np.log10(on_pooled["pvalue"][:, col:])
    shape, shape_phi = shape_baseline(m.counts, order["baseline"].to_numpy().reshape(S, T), m.first_index, eval_start)
    true_phi = np.broadcast_to(series["phi"].to_numpy()[:, None], (S, T - col))
    return {"y": m.counts[:, col:], **truth, "series": series, "fitted": base["expected"][:, col:],
            "fitted_phi": base["phi"][:, col:], "form": form[:, col:], "form_phi": form_phi[:, col:],
            "pooled": pooled[:, col:], "pooled_phi": pooled_phi[:, col:], "shape": shape[:, col:], "shape_phi": shape_phi[:, col:], "true_phi": true_phi, "auto": auto_ev, "auto_pooled": auto_pooled, "auto_alarm": res["alarm"][:, col:], "keys": m.keys}


def form_baseline(y: np.ndarray, first_index: int, eval_start: int,
                  iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """The baseline of the simulation's own form (log-linear trend and two yearly harmonics, as
    :func:`models.simulate.baseline_mean`): a Poisson GLM per series fitted on every period before
    ``eval_start`` (where the grid has no event), with its Pearson dispersion (at least 1); the best a
    baseline can be estimated from these series short of being told the truth. Newton's method on all
    series at once (they share the design)."""
    S, T = y.shape
    X = np.column_stack([np.ones(T), form_design(first_index, T)])
    n = eval_start - first_index
    Xn, yn = X[:n], y[:, :n].astype(float)
    beta = np.zeros((S, X.shape[1]))
    beta[:, 0] = np.log(np.maximum(yn.mean(axis=1), 0.1))
    for _ in range(iterations):
        mu = np.exp(beta @ Xn.T)
        step = np.linalg.solve(np.einsum("sn,ni,nj->sij", mu, Xn, Xn), ((yn - mu) @ Xn)[..., None])[..., 0]
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    mu = np.exp(beta @ X.T)
    return mu, pearson_dispersion(yn, mu, n - X.shape[1])


def form_design(first_index: int, T: int) -> np.ndarray:
    """The simulation's form without its intercept: a log-linear trend and two yearly harmonics, per period."""
    t = np.arange(first_index, first_index + T)
    w = 2 * np.pi * t / 52
    return np.column_stack([t / 100, np.cos(w), np.sin(w), np.cos(2 * w), np.sin(2 * w)])


def pearson_dispersion(yn: np.ndarray, mu: np.ndarray, df: int) -> np.ndarray:
    """Each series' Pearson dispersion over the fitted periods ``yn`` (at least 1), as a (series x period) matrix."""
    n = yn.shape[1]
    pearson = (((yn - mu[:, :n]) ** 2) / mu[:, :n]).sum(axis=1) / df
    return np.broadcast_to(np.maximum(1.0, pearson)[:, None], mu.shape)


def pooled_form_baseline(y: np.ndarray, group: np.ndarray, first_index: int, eval_start: int,
                         iterations: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The simulation's own form (log-linear trend and two yearly harmonics) fitted to every series of a group at
    once, each series with its own level (Poisson GLM, shared slope and harmonics, per-series intercepts), on the
    periods before ``eval_start``, with each series' Pearson dispersion (at least 1): a season and trend estimated
    from many series that share them, as the buurten of one signal might, the level from the series alone."""
    S, T = y.shape
    X = form_design(first_index, T)
    n = eval_start - first_index
    Xn, yn = X[:n], y[:, :n].astype(float)
    mu = np.empty((S, T))
    for g in np.unique(group):
        rows = group == g
        yg = yn[rows]
        beta = np.zeros(X.shape[1])
        for _ in range(iterations):
            shape = np.exp(Xn @ beta)
            level = np.log(np.maximum(yg.sum(axis=1), 0.5) / shape.sum())      # each series' own level given b
            m_g = np.exp(level[:, None] + (Xn @ beta)[None, :])
            step = np.linalg.solve(np.einsum("sn,ni,nj->ij", m_g, Xn, Xn), ((yg - m_g) @ Xn).sum(axis=0))
            beta += step
            if np.abs(step).max() < 1e-10:
                break
        level = np.log(np.maximum(yg.sum(axis=1), 0.5) / np.exp(Xn @ beta).sum())
        mu[rows] = np.exp(level[:, None] + (X @ beta)[None, :])
    return mu, pearson_dispersion(yn, mu, n - 1)


def shape_baseline(y: np.ndarray, true: np.ndarray, first_index: int, eval_start: int) -> tuple[np.ndarray, np.ndarray]:
    """The true baseline's shape (season and trend) at the series' own level: the true mean scaled so that it
    sums to the series' counts of every period before ``eval_start`` (where the grid has no event), with the
    Pearson dispersion around it (at least 1). What a baseline could approach whose season and trend are
    estimated from many series that share them (the buurten of one signal) and whose level is each series' own."""
    n = eval_start - first_index
    mu = true * (y[:, :n].sum(axis=1) / true[:, :n].sum(axis=1))[:, None]
    return mu, pearson_dispersion(y[:, :n], mu, n - 1)


def statistics(d: dict) -> dict[tuple[str, str], np.ndarray]:
    """Every statistic of the table, larger = more evidence, keyed by (statistic, baseline)."""
    y = d["y"]
    on = {"fitted": (d["fitted"], d["fitted_phi"]), "form": (d["form"], d["form_phi"]),
          "pooled": (d["pooled"], d["pooled_phi"]), "shape": (d["shape"], d["shape_phi"]), "true": (d["baseline"], d["true_phi"])}
    out = {("auto's calibrated p-value", "fitted"): d["auto"], ("auto's calibrated p-value", "pooled"): d["auto_pooled"]}
    every, two = ("fitted", "form", "pooled", "shape", "true"), ("fitted", "true")
    for name, windows, bases in (("window scan 1-4", (1, 2, 3, 4), every), ("single week", (1,), every),
                                 ("window scan 1-8", range(1, 9), two), ("window of 4 weeks", (4,), two),
                                 ("window of 8 weeks", (8,), two)):
        for base in bases:
            out[(name, base)] = window_evidence(y, *on[base], windows)
    for shift in SHIFTS:
        for base in ("fitted", "true"):
            out[(f"CUSUM +{round(100 * (shift - 1))} %", base)] = cusum_chart(y, *on[base], shift)
    own_k = d["series"]["k"].to_numpy()[:, None]
    for base in ("fitted", "form", "pooled", "shape", "true"):
        by_size = {k: outbreak_evidence(y, *on[base], k) for k in SIZES}
        out[(BAYES_OWN, base)] = np.select([own_k == k for k in SIZES], list(by_size.values()), -np.inf)
        out[(BAYES_ANY, base)] = np.logaddexp.reduce(list(by_size.values())) - np.log(len(SIZES))
        out[(BAYES_DRIFT, base)] = drift_evidence(y, *on[base])
        out[(BAYES_EITHER, base)] = np.logaddexp(out[(BAYES_ANY, base)], out[(BAYES_DRIFT, base)]) - np.log(2)
    return out


def carried_over(stats: dict, held: dict, tuning_quiet: np.ndarray, sc_tuning: np.ndarray, baselines: pd.DataFrame,
                 data: dict) -> pd.DataFrame:
    """Thresholds set per baseline scenario on the tuning seeds' quiet weeks, read on the holdout seeds, per
    statistic of ``CARRIED`` at the largest of ``LEVELS`` that keeps every group of ``GROUPS`` of the holdout at or
    below 1 % false alarms over its quiet weeks (the 8 after an outbreak included, as the benchmark counts them):
    that level, the false-alarm rates, the POD and the drifts found within 8 weeks. What a re-calibration told each
    series' scenario would reach out of sample; the level is chosen on the holdout itself, in the rule's favour."""
    o, dr = data["outbreaks"], data["drifts"]
    sc_o, sc_d = scenario_index(o["series"], baselines), scenario_index(dr["series"], baselines)
    evaluated = np.arange(o["y"].shape[1]) >= WARMUP
    quiet = evaluated[None, :] & (o["event"] == 0)
    spans = [o["event"] == i for i in np.unique(o["event"][o["event"] > 0])]
    drift_span = (dr["event"] > 0) & (np.cumsum(dr["event"] > 0, axis=1) <= WITHIN)
    groups = [o["series"].groupby(by).ngroup().to_numpy() for by in GROUPS]
    rows = []
    for key in CARRIED:
        tuned, stat, dstat = stats["outbreaks"][key], held["outbreaks"][key], held["drifts"][key]
        best = None
        for level in LEVELS:
            c, g = np.empty(len(baselines)), np.empty(len(baselines))
            for b in range(len(baselines)):
                c[b], g[b] = oracle_threshold(tuned[(sc_tuning == b)[:, None] & tuning_quiet], level)
            worst = max(alarm_rate(stat, (grp == v)[:, None] & quiet, c[sc_o], g[sc_o])
                        for grp in groups for v in np.unique(grp))
            if worst > FAR and best is not None:
                break
            pod = np.concatenate([found(stat, sp, c[sc_o], g[sc_o])[sp.any(axis=1)] for sp in spans]).mean()
            best = {"statistic": key[0], "baseline": key[1], "level set on the tuning seeds": f"{100 * level:g} %",
                    "far": alarm_rate(stat, quiet, c[sc_o], g[sc_o]), "far, worst group": worst, "POD": float(pod),
                    "drift found within 8 weeks": float(found(dstat, drift_span, c[sc_d], g[sc_d]).mean())}
        rows.append(best)
    return pd.DataFrame(rows)


def scenario_index(series: pd.DataFrame, baselines: pd.DataFrame) -> np.ndarray:
    """Each series' baseline scenario (a row of ``baselines``)."""
    return series[BASELINE].merge(baselines.reset_index(), on=BASELINE, how="left")["index"].to_numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=16)
    ap.add_argument("--drift-replicates", type=int, default=64,
                    help="drift series per baseline scenario (drifts are one per series, so they need more)")
    ap.add_argument("--years", type=int, default=7)
    args = ap.parse_args()
    t_all = time.perf_counter()
    T = args.years * 52
    eval_start = T - 51
    first = eval_start - WARMUP
    auto = AutoDetector()

    scen = grid()
    dscen = grid(k=(0,)).assign(drift_share=0.5, drift_weeks=12)
    baselines = scen[BASELINE].drop_duplicates().reset_index(drop=True)
    print(f"grid: {len(scen)} scenarios ({len(baselines)} baselines) x {args.replicates} replicates, seed "
          f"{SEEDS['outbreaks']}; drifts: {len(dscen)} x {args.drift_replicates}, seed {SEEDS['drifts']}; {T} weeks, "
          f"evaluated {eval_start}-{T}", flush=True)
    data, holdout = {}, {}
    for seeds, into in ((SEEDS, data), (HOLDOUT, holdout)):
        for name, sc in (("outbreaks", scen), ("drifts", dscen)):
            t0 = time.perf_counter()
            reps = args.replicates if name == "outbreaks" else args.drift_replicates
            sim = simulate(sc, replicates=reps, years=args.years, seed=seeds[name])
            into[name] = layout(sim, sc, first, auto, eval_start)
            print(f"  {name}, seed {seeds[name]}: simulated, fitted baseline (b = {auto.long_b}) and auto in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)

    t0 = time.perf_counter()
    stats = {name: statistics(d) for name, d in data.items()}
    held = {name: statistics(d) for name, d in holdout.items()}
    print(f"  statistics: {len(stats['outbreaks'])} on four simulations in {time.perf_counter() - t0:.1f} s", flush=True)

    o, dr = data["outbreaks"], data["drifts"]
    evaluated = np.arange(o["y"].shape[1]) >= WARMUP
    quiet = evaluated[None, :] & (o["event"] == 0) & (weeks_since_event(o["event"]) > AFTER)
    sc_o, sc_d = scenario_index(o["series"], baselines), scenario_index(dr["series"], baselines)
    assert not np.isnan(sc_d.astype(float)).any()
    # the events of the grid: (series, event id) with a span; the drifts: their first WITHIN weeks
    spans = [(i, o["event"] == i) for i in np.unique(o["event"][o["event"] > 0])]
    drift_span = (dr["event"] > 0) & (np.cumsum(dr["event"] > 0, axis=1) <= WITHIN)
    assert drift_span[:, :WARMUP].sum() == 0 and (drift_span.sum(axis=1) == WITHIN).all()
    before_drift = evaluated[None, :] & (dr["event"] == 0)

    # a check of the event bookkeeping against models.evaluate, on auto's own alarms
    alarms, half, none = o["auto_alarm"].astype(float), np.full(len(sc_o), 0.5), np.zeros(len(sc_o))
    mine = np.concatenate([found(alarms, sp, half, none)[sp.any(axis=1)] for _, sp in spans])
    frame = o["keys"].loc[o["keys"].index.repeat(o["y"].shape[1])].assign(
        period_index=np.tile(np.arange(o["y"].shape[1]) + first, len(sc_o)), alarm=o["auto_alarm"].ravel(),
        outbreak=o["outbreak"].ravel(), event=o["event"].ravel())
    frame = frame[frame["period_index"] >= eval_start]
    pod_auto = float(evaluate(frame.drop(columns=["outbreak", "event"]), frame, KEYS).iloc[0]["pod"])
    assert np.isclose(mine.mean(), pod_auto), (mine.mean(), pod_auto)
    frame = frame.merge(o["series"][[*KEYS, *BASELINE, "k"]], on=KEYS)
    worst = max(evaluate(frame.drop(columns=["outbreak", "event"]), frame, KEYS, by=by)["far"].max()
                for by in (["k"], ["theta"], ["beta", "gamma1"], ["phi"]))
    auto_drift = float(found(dr["auto_alarm"].astype(float), drift_span, np.full(len(sc_d), 0.5),
                             np.zeros(len(sc_d))).mean())
    auto_before = float(dr["auto_alarm"][before_drift].mean())

    t0 = time.perf_counter()
    # a diagnostic: thresholds from the quiet weeks before a series' first outbreak, where no earlier outbreak's
    # evidence can linger (the running CUSUM keeps it for many weeks after the 8 left out)
    clean = quiet & (np.cumsum(o["event"] > 0, axis=1) == 0)
    rows = []
    for (name, base), stat in stats["outbreaks"].items():
        dstat = stats["drifts"][(name, base)]
        row = {"statistic": name, "baseline": base, "told": TOLD.get(name, "")}
        for label, cells in (("", quiet), ("clean", clean)):
            c, g = np.empty(len(baselines)), np.empty(len(baselines))
            for b in range(len(baselines)):
                c[b], g[b] = oracle_threshold(stat[(sc_o == b)[:, None] & cells])
            off = max(abs(alarm_rate(stat, (sc_o == b)[:, None] & cells, c[sc_o], g[sc_o]) - FAR)
                      for b in range(len(baselines)))
            assert off < 1e-9, f"{name} on the {base} baseline: false-alarm rate off by {off}"
            drift = float(found(dstat, drift_span, c[sc_d], g[sc_d]).mean())
            if label == "":
                pod = np.concatenate([found(stat, sp, c[sc_o], g[sc_o])[sp.any(axis=1)] for _, sp in spans]).mean()
                row.update({"POD": float(pod), "drift found within 8 weeks": drift,
                            "far before the drift": alarm_rate(dstat, before_drift, c[sc_d], g[sc_d])})
            else:
                row.update({CLEAN: drift,
                            "their far in all quiet weeks": alarm_rate(stat, quiet, c[sc_o], g[sc_o])})
        rows.append(row)
    table = pd.DataFrame(rows)
    print(f"  oracle thresholds: {time.perf_counter() - t0:.1f} s", flush=True)
    carried = carried_over(stats, held, quiet, sc_o, baselines, holdout)
    # a check of the window tails without any oracle: on the true baseline a tail <= 1 % is a 1 % test
    w4 = ("window of 4 weeks", "true")
    nominal_far = float(np.mean(stats["outbreaks"][w4][quiet] >= 2.0))
    nominal_drift = float(((stats["drifts"][w4] >= 2.0) & drift_span).any(axis=1).mean())

    n_quiet = [int((quiet & (sc_o == b)[:, None]).sum()) for b in range(len(baselines))]
    n_clean = [int((clean & (sc_o == b)[:, None]).sum()) for b in range(len(baselines))]
    n_events = sum(int(sp.any(axis=1).sum()) for _, sp in spans)
    out = ["# How far the detection targets can be reached", "",
           f"Issue 13's detector targets: POD >= {TARGETS['pod']} over the grid at <= 1 % false alarms in every group, "
           f"and a slow drift (+50 % over 12 weeks) found within 8 weeks in >= {TARGETS['drift']} of the series. "
           "Can any window or CUSUM rule reach them, on the baseline auto fits or even on the true one?", "",
           f"Series: the grid of `benchmarks/detection_quality.py` ({len(scen)} scenarios = {len(baselines)} baselines "
           f"(level x trend x season x dispersion) x outbreak sizes k = 1, 2, 3, 5; {args.replicates} replicates; "
           f"{n_events} outbreaks) and its drifts ({len(dscen)} x {args.drift_replicates} series), "
           f"{args.years} years weekly, "
           f"weeks {eval_start}-{T} evaluated, on the tuning seeds {SEEDS['outbreaks']} (outbreaks) and "
           f"{SEEDS['drifts']} (drifts), not the benchmark's.", "",
           "## Oracle thresholds", "",
           "Every statistic is oriented so that larger means more evidence of a rise. Its *oracle threshold* is set "
           "on the truth, separately in each of the 24 baseline scenarios (pooled over k): the value above which "
           f"exactly {100 * FAR:g} % of the scenario's quiet weeks alarm (evaluated weeks outside every outbreak, the "
           f"{AFTER} weeks after an outbreak left out; {min(n_quiet)}-{max(n_quiet)} quiet weeks per scenario; at ties "
           "the threshold alarms with the probability that makes the rate exact, as the Neyman-Pearson lemma "
           "allows). POD (share of outbreaks with an alarm in their span, as `models/evaluate.py` defines it) and "
           "drifts found (an alarm in the drift's first 8 weeks) are then read at that threshold; a drift series "
           "gets the threshold of its baseline scenario.", "",
           "Why it is an upper bound: a re-calibration of a statistic (for the baseline's estimation error, per "
           "level or dispersion, ...) maps it to a p-value by an increasing function, so within a scenario it "
           "alarms above some threshold; a rule that keeps every scenario at or below 1 % (the benchmark's groups "
           "by level, trend/season and dispersion are unions of scenarios; k is pooled, the quiet weeks do not "
           "depend on it) alarms above a threshold at least as "
           "high as the oracle's in each scenario, and a higher threshold never finds more. So no re-calibration "
           "of the statistic reaches more than the oracle's POD and drift share. Not covered: a threshold that "
           "moves within a scenario with the week (by the fitted expected count, say), one that spends more "
           "than 1 % in some scenarios and less in others, or a rule that restarts its evidence after an alarm "
           "(see the CUSUMs below); and each threshold is set on the very weeks whose false-alarm rate it fixes "
           "(no out-of-sample error), so it is somewhat optimistic. *auto's calibrated p-value*: auto's own `pvalue` "
           f"(windows 1-4 and a CUSUM of +30 %, with its own restarts after its alarms at alpha {auto.alpha}). The "
           "window tails are negative-binomial tails (`models.scan.nb_tail`) of the window's count against its "
           "summed baseline with the dispersion of its last week; the CUSUMs sum `models.cusum.cusum_llr` from "
           f"{WARMUP} weeks before the first evaluated one, floored at 0 and never reset (the oracle sets no alarms). "
           f"*fitted*: the Noufaily baseline auto uses on these series (b = {auto.long_b} years, its fitted "
           "dispersion); *form*: a Poisson GLM of the simulation's own form (log-linear trend and two yearly "
           "harmonics) fitted per series to the six years before the evaluated one, where the grid has no event, "
           "with its Pearson dispersion: the best a baseline can be estimated from these series, short of being "
           "told the truth; *pooled*: the same form fitted to all series of the baseline scenario at once (64: 16 "
           "replicates x 4 outbreak sizes; the drifts' 64), slope and harmonics shared, each series with its own level, "
           "and each series' Pearson dispersion: a season and trend estimated from many series that share them, "
           "as the buurten of one signal might (the grid's series of a scenario share their level too; the pooled fit "
           "does not use that); *shape*: the true mean's shape (season and trend) scaled to each series' own level over "
           "those six years, with its Pearson dispersion: told what a baseline estimated from many series sharing "
           "their season and trend (the buurten of one signal) could approach, estimating only its level and "
           "dispersion; *true*: the simulation's in-control mean (`baseline`, without drift or outbreak) with "
           "the scenario's dispersion.", "",
           "## The detector that knows everything but when", "",
           "The window and CUSUM rows are rules a detector can use. The *Bayes* rows (`models.bounds`) are told "
           "what no detector is told: the exact shape of the simulated events. An outbreak brings Poisson(k x sd) "
           "cases with the simulation's delays, so j weeks after its start Poisson(k x sd x p_j) cases, "
           "independent, on top of the baseline; a drift multiplies the mean by 1 + 0.5 x min(1, (j + 1) / 12). "
           "Per week the rule averages, over the possible starts (the last 20 weeks for outbreaks, the last 8 for "
           "drifts: the weeks in which an alarm counts as finding it), the likelihood ratio of the counts since "
           "that start times, for outbreaks, the chance given the counts that the outbreak is still under way "
           "(its span runs to its last case). Thresholded, this is the Bayes rule for \"an event is under way "
           "now\" against the baseline, the Shiryaev-Roberts statistic with the simulation's own event shapes. "
           "*of its own size k* is also told each series' outbreak size; *of size 1, 2, 3 or 5* averages over the "
           "grid's four sizes; *outbreak of any size, or drift* gives both kinds half the prior, one rule for the "
           "whole grid as a real detector must be. "
           "The per-week Bayes rule is not proven the best rule for \"an alarm somewhere in the span\" (a rule "
           "could spend its false alarms across weeks differently), so these rows show what knowing the shape "
           "buys, not a ceiling for every detector; the ceiling is in `detection_quality.md`.", "",
           "## Reach at exactly 1 % false alarms in every scenario", "",
           markdown_table(table), "",
           f"For comparison, auto as it alarms (alpha {auto.alpha}) on these series: POD {pod_auto:.3f}, drifts found "
           f"within 8 weeks {auto_drift:.3f}, false-alarm rate in the worst group (k, level, trend/season, dispersion) "
           f"{worst:.4f}, before the drift {auto_before:.4f}. *far before the drift*: the oracle thresholds' rate on the drift series' quiet weeks (few "
           "weeks, noisy). A check without any oracle: on the true baseline, a window of 4 weeks alarming at a tail "
           f"<= 1 % alarms in {nominal_far:.4f} of the quiet weeks and finds {nominal_drift:.3f} of the drifts.", "",
           "**The CUSUM rows are not an upper bound for a CUSUM that resets after an alarm.** Without resets, an "
           "outbreak's excess stays in the running sum for many weeks after the 8 left out (in a quiet week the sum "
           "falls by (shift - 1 - log shift) x expected / dispersion on average: 0.018 x expected / dispersion at "
           "+20 %), so the quiet "
           "weeks after outbreaks set the oracle threshold and the CUSUMs find few drifts. A CUSUM that resets after "
           "an alarm (as auto's does) loses that evidence once it has alarmed on the outbreak. The last two columns "
           "set the thresholds on the quiet weeks before each series' first outbreak instead "
           f"({min(n_clean)}-{max(n_clean)} per scenario, so noisier), where nothing lingers: a rough idea of "
           "what a rule that resets after its alarms could reach on drifts, and the false-alarm rate those "
           "thresholds give over all quiet weeks without resets.", ""]
    out += ["## The thresholds carried over to another simulation", "",
            "The oracle sets each threshold on the very weeks whose false-alarm rate it fixes. Carried over instead: "
            "thresholds set per baseline scenario on the tuning seeds' quiet weeks, read on the benchmark's own seeds "
            f"({HOLDOUT['outbreaks']} for outbreaks, {HOLDOUT['drifts']} for drifts; the same grid and replicates), "
            f"at the largest per-scenario level ({100 * LEVELS[0]:g} to {100 * LEVELS[-1]:g} %, steps of "
            f"{100 * (LEVELS[1] - LEVELS[0]):g}) that keeps every group of the benchmark (k, level, trend/season, "
            "dispersion) at or below 1 % false alarms over its quiet weeks, the 8 after an outbreak included, as "
            "issue 13's target counts them (the first level where the worst group passes 1 % ends the search; a "
            "row whose lowest level is already above 1 % shows that level). This is what a re-calibration told "
            "each series' scenario would reach out of sample, the level chosen on the holdout itself, in the "
            "rule's favour (a threshold that moves within a scenario, by the week's expected count say, is not "
            "covered, as above). The window and Bayes rows never restart after an alarm, so an outbreak's evidence "
            "stays in them for the weeks after it, which count here: they keep every group at 1 % only at the lowest "
            "levels (the Bayes rows not even there), and for them the oracle's table above is the fairer measure. "
            "auto's p-value restarts its evidence after its alarms, as a detector must: for it this is the fair test, "
            "on its own baseline and on the pooled one.", "",
            markdown_table(carried), ""]
    out += ["## Conclusions", "", *conclusions(table, {"pod": n_events, "drift": len(sc_d)}), ""]
    seconds = time.perf_counter() - t_all
    out += [f"Run time: {seconds:.0f} s."]
    publish("detection_reach", "\n".join(out))


def conclusions(table: pd.DataFrame, n: dict[str, int]) -> list[str]:
    """The two answers, read off the table: the best rule on each baseline, and which rules reach the target."""
    lines = []
    for col, key, what in (("POD", "pod", "POD"), ("drift found within 8 weeks", "drift", "Drift found within 8 weeks")):
        best = []
        for base in ("fitted", "form", "pooled", "shape", "true"):
            r = table[(table["baseline"] == base) & (table["told"] != TOLD[BAYES_OWN])].sort_values(col).iloc[-1]
            margin = 1.96 * np.sqrt(r[col] * (1 - r[col]) / n[key])
            best.append(f"on the {BASE_NAMES[base]} {r['statistic']}, {r[col]:.3f} (+- {margin:.3f})")
        reach = table[table[col] >= TARGETS[key]]
        verdict = ("; ".join(f"{r['statistic']} on the {BASE_NAMES[r['baseline']]} ({r[col]:.3f}"
                             f"{', told ' + r['told'] if r['told'] else ''})" for _, r in reach.iterrows())
                   or "no rule of the table, not even the Bayes rules on the true baseline")
        lines.append(f"- {what} >= {TARGETS[key]}. Best without being told the event's size: {'; '.join(best)} "
                     f"(+- a 95 % binomial margin over {n[key]} events). Reached by: {verdict}.")
    return lines


if __name__ == "__main__":
    main()
