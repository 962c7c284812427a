"""Escalation risk on real data: all Dutch buurten, registered crime 2021-2024, KWB 2024 structure.

Escalation in year Y: crime in Y >= 1.5 x the mean of the up to three previous years and at least 10
above it. For each target year the script writes the CSVs a municipality would give the CLI (counts
up to Y-1 only, area features), runs ``pipelines.risk.risk_file`` (the backend of ``wijkradar risk``:
it trains on every target year before Y and chooses model and calibration by itself), and compares
its ranking with two baselines (last year's rise; crime per inhabitant) and last year's level:
average precision, ROC AUC, Brier score, calibration table, precision of the top 1 % and 5 %, and
a paired bootstrap over buurten of the difference in average precision.

Usage: .venv/bin/python benchmarks/risk.py [--target-year 2024 --target-year 2023] [--bootstrap 1000] [--neighbours]
Writes benchmarks/results/risk.md when run for the default years (2024, and 2023 trained on 2022 alone).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DATA = Path("/work/shared/data/nl-buurten-2024")
if not DATA.exists():
    DATA = HERE.parent / "data" / "national"
REGIONS = DATA / "regios_kwb2024_misdrijven2021_2024.csv.gz"
YEARS = DATA / "misdrijven_per_jaar_2021_2024.csv.gz"
RATIO, MIN_EXCESS, WINDOW = 1.5, 10, 3
#: Structure used as features: KWB 2024 without the postcode (an identifier), and health from the
#: 2020 survey (before every target year; the 2022 and 2024 surveys fall inside target years).
HEALTH = "goed_ervaren_gezondheid_pct_2020"


def load() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Crime per buurt and year (long), the features frame, and buurt names/inhabitants.

    The KWB figures are read as the weekly flow reads the bundled file (``pipelines.risk.bundled_values``): the
    compiler left zeros empty, so an empty count or share is 0 where CBS published its group for the buurt."""
    from pipelines.risk import bundled_values

    regions = pd.read_csv(REGIONS, dtype=str, keep_default_na=False)
    regions = bundled_values(regions)
    regions[HEALTH] = pd.to_numeric(regions[HEALTH].replace("", np.nan))
    buurten = regions[regions["regio_type"] == "buurt"].rename(columns={"code": "area_code"})
    years = pd.read_csv(YEARS, dtype={"code": str})
    counts = (years[years["regio_type"] == "buurt"]
              .rename(columns={"code": "area_code", "jaar": "period", "geregistreerde_misdrijven_totaal": "count"})
              .dropna(subset=["count"])[["area_code", "period", "count"]].astype({"count": "int64"}))
    cols = [c for c in buurten.columns if c.startswith("kwb2024_") and c != "kwb2024_postcode"] + [HEALTH]
    features = buurten[["area_code", *cols]]
    return counts, features, buurten[["area_code", "naam", "gemeente_naam", "kwb2024_inwoners"]]


def truth(counts: pd.DataFrame, year: int) -> pd.DataFrame:
    wide = counts.pivot(index="area_code", columns="period", values="count")
    base = wide[[y for y in range(year - WINDOW, year) if y in wide.columns]].mean(axis=1)
    before = wide[[y for y in range(year - 1 - WINDOW, year - 1) if y in wide.columns]].mean(axis=1)
    return pd.DataFrame({
        "escalation": ((wide[year] >= RATIO * base) & (wide[year] - base >= MIN_EXCESS)).astype(int),
        "last": wide[year - 1], "before": before,
    })


def baselines(frame: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    inhabitants = frame.index.map(info.set_index("area_code")["kwb2024_inwoners"]).to_numpy(dtype=float)
    return pd.DataFrame({
        # count in Y-1 over the mean of the years before it (+1: no division by zero)
        "stijging vorig jaar": (frame["last"] + 1) / (frame["before"] + 1),
        # crime per inhabitant; an unknown or zero population counts as 0 (KWB leaves zeros empty)
        "misdrijven per inwoner": frame["last"] / (np.nan_to_num(inhabitants) + 1),
        "misdrijven vorig jaar": frame["last"],
    }, index=frame.index)


def metrics(y: np.ndarray, score: np.ndarray, probability: bool) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    order = np.argsort(-score, kind="stable")
    top = {f"top {k} %": y[order[: max(1, int(round(len(y) * k / 100)))]].mean() for k in (1, 5)}
    return {"AP": average_precision_score(y, score), "ROC AUC": roc_auc_score(y, score),
            "Brier": brier_score_loss(y, score) if probability else np.nan, **top}


def paired_bootstrap(y: np.ndarray, a: np.ndarray, b: np.ndarray, reps: int, seed: int = 0) -> tuple[float, float, float]:
    """AP(a) - AP(b) and its 95 % percentile interval over buurten resampled with replacement."""
    from sklearn.metrics import average_precision_score as ap

    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(reps):
        i = rng.integers(0, len(y), len(y))
        if y[i].sum() == 0:
            continue
        diffs.append(ap(y[i], a[i]) - ap(y[i], b[i]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return ap(y, a) - ap(y, b), lo, hi


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Buurten in deciles of predicted probability: mean predicted against observed share."""
    frame = pd.DataFrame({"y": y, "p": p})
    frame["bin"] = pd.qcut(frame["p"].rank(method="first"), bins, labels=range(1, bins + 1))
    return frame.groupby("bin", observed=True).agg(buurten=("y", "size"), predicted=("p", "mean"),
                                                   observed=("y", "mean"), escalations=("y", "sum")).reset_index()


def leakage_check(counts: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of every structure column with crime in each year: a 2024 figure that
    carried 2024 crime would correlate more with 2024 than with the earlier years."""
    wide = counts.pivot(index="area_code", columns="period", values="count")
    f = features.set_index("area_code").reindex(wide.index).apply(pd.to_numeric, errors="coerce")
    rows = {col: {year: f[col].corr(wide[year], method="spearman") for year in wide.columns} for col in f.columns}
    return pd.DataFrame(rows).T


def adjacency(counts: pd.DataFrame, path: Path) -> Path:
    """Neighbouring buurten within each gemeente from the CBS/PDOK outlines (as ``wijkradar init`` makes them)."""
    from pipelines.profile import neighbours

    regions = pd.read_csv(REGIONS, dtype=str, usecols=["regio_type", "gemeente_code"])
    gemeenten = sorted(set(regions.loc[regions["regio_type"] == "buurt", "gemeente_code"]))
    neighbours(gemeenten, set(counts["area_code"]))[["area_code", "neighbour"]].to_csv(path, index=False)
    return path


def run_year(year: int, counts, features, info, reps: int, workdir: Path, buren: Path | None = None) -> dict:
    from pipelines.risk import load_model, risk_file

    history = counts[counts["period"] < year]          # the CLI sees nothing of the target year
    counts_csv, features_csv = workdir / f"counts_{year}.csv", workdir / "features.csv"
    history.to_csv(counts_csv, index=False)
    features.to_csv(features_csv, index=False)
    out, model_path = workdir / f"risk_{year}.csv", workdir / f"model_{year}.joblib"
    t0 = time.perf_counter()
    summary = risk_file(counts_csv, features_csv, year, out, RATIO, MIN_EXCESS, model_out=model_path,
                        noun="misdrijven")
    seconds = time.perf_counter() - t0
    _, meta = load_model(model_path)
    result = pd.read_csv(out, dtype={"area_code": str}).set_index("area_code")
    frame = truth(counts, year).dropna(subset=["last"]).join(result, how="inner")
    base = baselines(frame, info)
    y = frame["escalation"].to_numpy()
    p = frame["probability"].to_numpy()
    table = {"model": metrics(y, p, True)}
    if buren is not None:
        with_nb = workdir / f"risk_buren_{year}.csv"
        risk_file(counts_csv, features_csv, year, with_nb, RATIO, MIN_EXCESS, noun="misdrijven", neighbours=buren)
        nb = pd.read_csv(with_nb, dtype={"area_code": str}).set_index("area_code")["probability"]
        table["model + buren (optional)"] = metrics(y, nb.reindex(frame.index).to_numpy(), True)
    table.update({name: metrics(y, base[name].to_numpy(), False) for name in base.columns})
    previous = truth(counts, year - 1)["escalation"].mean()      # the share a forecaster knew at the time
    table["vaste kans (aandeel Y−1)"] = {"Brier": float(np.mean((previous - y) ** 2))}
    diffs = {name: paired_bootstrap(y, p, base[name].to_numpy(), reps) for name in base.columns[:2]}
    return {"year": year, "summary": summary, "seconds": seconds, "meta": meta, "n": len(y), "positives": int(y.sum()),
            "table": pd.DataFrame(table).T, "diffs": diffs, "calibration": calibration_table(y, p),
            "top": frame.sort_values("rank").head(8).join(info.set_index("area_code")[["naam", "gemeente_naam"]])}


def fmt(df: pd.DataFrame, digits: int = 4) -> str:
    cols = [df.index.name or "", *df.columns]
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for idx, *row in df.itertuples(name=None):            # itertuples keeps each column's type
        cells = [("–" if np.isnan(v) else f"{v:.{digits}f}") if isinstance(v, (float, np.floating)) else str(v)
                 for v in row]
        lines.append("| " + " | ".join([str(idx), *cells]) + " |")
    return "\n".join(lines)


def section(r: dict) -> str:
    meta = r["meta"]
    diffs = "\n".join(f"- model − {name}: **{d:+.4f}** (95 % paired bootstrap over buurten {lo:+.4f} … {hi:+.4f})"
                      for name, (d, lo, hi) in r["diffs"].items())
    folds = json.dumps(meta["fold_average_precision"])
    imp = pd.DataFrame(meta["importance"]).head(10).set_index("feature")
    cal = r["calibration"].set_index("bin")
    top = r["top"][["naam", "gemeente_naam", "probability", "escalation", "drivers"]]
    top.index.name = "buurt"
    return f"""## Target year {r['year']}

{r['n']} buurten with crime counts up to {r['year'] - 1}; {r['positives']} escalations in {r['year']} ({r['positives'] / r['n']:.2%}).
Trained on target years {', '.join(meta['training_periods'])} from counts up to {r['year'] - 1} only; CLI backend run time {r['seconds']:.0f} s.
Chosen automatically: **{meta['chosen']}**, calibration **{meta['calibration']}**; validation: {meta['validation']};
average precision per candidate and fold: `{folds}`.

{fmt(r['table'])}

(Brier only for probabilities: the baselines are rankings. *vaste kans*: every buurt gets the escalation
share of year Y−1, the Brier score to beat without any ranking.)

Average precision, model against the baselines:
{diffs}

Calibration (deciles of predicted probability):

{fmt(cal)}

Permutation importance of the chosen model (drop in average precision on its latest validation fold, 3 repeats):

{fmt(imp)}

Highest ranked buurten:

{fmt(top, 3)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-year", type=int, action="append")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "risk.md")
    parser.add_argument("--neighbours", action="store_true", help="also run the model with neighbouring buurten")
    args = parser.parse_args()
    years = args.target_year or [2024, 2023]
    counts, features, info = load()
    leak = leakage_check(counts, features)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        buren = adjacency(counts, Path(tmp) / "buren.csv") if args.neighbours else None
        for year in years:
            results.append(run_year(year, counts, features, info, args.bootstrap, Path(tmp), buren))
            print(section(results[-1]))
    print(fmt(leak, 3))
    if args.target_year is None:
        args.output.write_text(report(results, leak), encoding="utf-8")
        print(f"written {args.output}")


def report(results: list[dict], leak: pd.DataFrame) -> str:
    leak = leak.copy()
    leak.columns = [f"ρ {c}" for c in leak.columns]
    leak.index.name = "feature"
    brier = "; ".join(f"{r['year']}: {r['table'].loc['model', 'Brier']:.4f} against {r['table'].iloc[-1]['Brier']:.4f}"
                      for r in results)
    return f"""# Escalation risk on all Dutch buurten (issue 12)

Generated by `benchmarks/risk.py` (`.venv/bin/python benchmarks/risk.py`). Data: registered crime per
buurt and year 2021–2024 (Politie via CBS, 47022NED) and the KWB 2024 structure (Bron: CBS, 85984NED),
CBS division 2024, from /work/shared/data/nl-buurten-2024; 80 of the 14,574 buurten have no crime
figures and are left out. The KWB cells are read as the weekly flow reads the bundled copy
(`pipelines.risk.bundled_values`): the compiler left zeros empty, so an empty count or share (age groups,
households, owner-occupied and single-family homes) is 0 where CBS published its group for the buurt, and
any other empty cell (income: not in CBS's first 2024 release) stays unknown. Read with every empty cell
unknown (until 2026-11), the model scored AP 0.1046 (2024) and 0.1161 (2023), ROC AUC 0.7387 and 0.7305.

**Escalation in year Y**: crime in Y ≥ {RATIO} × the mean of the up to {WINDOW} previous years and at
least {MIN_EXCESS} above it. Each target year is predicted through the CLI backend
(`pipelines.risk.risk_file`), which sees counts up to Y−1 only, trains on every earlier target year and
chooses the model (logistic regression or gradient boosting) and its calibration by itself on
earlier years: nothing is tuned per year. 2023 is the "later year" simulation: trained on 2022 alone.

Baselines: *stijging vorig jaar* = (crime Y−1 + 1) / (mean of the years before Y−1 + 1);
*misdrijven per inwoner* = crime Y−1 / (KWB inhabitants + 1); *misdrijven vorig jaar* (level) for reference.
*model + buren* (only with `--neighbours`): the same model with the neighbours' mean dynamics (neighbouring
buurten from the CBS/PDOK outlines, within each gemeente); optional, and measured here to add nothing,
so the CLI runs without an adjacency unless one is given.

Calibration is learned on the chosen model's out-of-time scores of the latest training year and applied to
the model refitted on all training years. The escalation share fell from 6.9 % (2022) to 4.1 % (2023) and
3.4 % (2024); probabilities therefore run high when trained on 2022 alone (2023 target) and low for 2024
(the refitted model already scores lower and the calibration shrinks it again). Rankings (AP, ROC AUC,
top-k) are unaffected; the Brier score against the fixed share of the year before: {brier}.

{''.join(section(r) for r in results)}
## Leakage

- Features for target year Y use counts up to Y−1 only (the CLI is given no later counts).
- The structure is the **KWB 2024 vintage for every year** (inhabitants, age groups, households,
  housing, WOZ value, density, urbanisation, distances; reference dates around the start of 2024, some
  figures such as WOZ refer to the year before; published during 2024). It holds no crime figure: the
  crime columns of the source file (`misdrijven_totaal_*`) are not given to the model, the postcode (an
  identifier) is left out, and health is the 2020 survey (the 2022 and 2024 surveys fall in target
  years). For the training years 2022–2023 the structure is one or two years later than the target, and
  a live forecast made at the start of 2024 would have had KWB 2023 rather than 2024: a mild look-ahead
  of slowly changing figures, which cannot reveal crime of any year (next point).
- Check that the structure does not carry crime of a particular year: Spearman correlation of every
  feature with the buurt's crime count per year. A column built from 2024 crime would correlate
  clearly more with 2024 than with 2021–2023; none does (the rows are flat across the years).
  The model also refuses (drops) any feature column equal to the counts of a period.

{fmt(leak, 3)}
"""


if __name__ == "__main__":
    main()
