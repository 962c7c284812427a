"""Is ``auto``'s p-value honest on a municipality's own series, sparse ones included?

Simulates the demo municipality as ``benchmarks/list_quality.py`` does (its ``scored_replicate``) (the same seeds from 3000, its
injected events and the demo's structural rises), scores it as a run does (``pipelines.score``) and
keeps the quiet cells: weekly buurt-signals of the last 52 weeks whose buurt and domain carry no
injected event and no structural rise. An honest p-value falls at or below a level at most as often
as the level. Reported: that frequency as a multiple of the level, over all quiet cells, over those
with at least ``min_count`` counts (the only ones that reach the lists), and per band of the
baseline's expected count (half of the demo's weekly cells expect at most 0.1 a week).

Usage: .venv/bin/python benchmarks/pvalue_honesty.py [--replicates 60]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from list_quality import scored_replicate  # noqa: E402
from models.evidence import Budget  # noqa: E402
from pipelines.reference import Reference  # noqa: E402
from report import markdown_table, publish  # noqa: E402

LEVELS = (0.01, 0.001, 1e-4)
BANDS = [-np.inf, 0.1, 0.5, 2.0, np.inf]
BAND_NAMES = ["at most 0.1", "0.1 to 0.5", "0.5 to 2", "above 2"]


def quiet_cells(ref: Reference, seed: int) -> pd.DataFrame:
    """The quiet weekly cells of one simulated municipality: ``pvalue``, ``count``, ``expected``."""
    events, _, rises, scores = scored_replicate(ref, seed)
    scores = scores.merge(ref.catalogue[["signal", "domain"]], on="signal")
    weeks = sorted(scores["period_start"].unique())
    scores = scores[scores["period_start"] >= weeks[-52]]
    domain = ref.catalogue.set_index("signal")["domain"]
    busy = set(zip(events["area_code"], events["signal"].map(domain))) | set(zip(rises["area_code"], rises["domain"]))
    quiet = np.array([(a, d) not in busy for a, d in zip(scores["area_code"], scores["domain"])], dtype=bool)
    return scores.loc[quiet, ["pvalue", "count", "expected"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=60)
    args = ap.parse_args()
    ref = Reference()
    t0 = time.perf_counter()
    parts = []
    for r in range(args.replicates):
        parts.append(quiet_cells(ref, 3000 + r))
        print(f"  replicate {r + 1}: {time.perf_counter() - t0:.0f} s", flush=True)
    cells = pd.concat(parts, ignore_index=True)
    p = cells["pvalue"].astype(float).fillna(1.0).to_numpy()
    enough = cells["count"].to_numpy() >= Budget().min_count
    band = pd.cut(cells["expected"], BANDS, labels=BAND_NAMES)
    rows = [{"cells": "all quiet cells", "n": len(p), **{f"p <= {x:g}": (p <= x).mean() / x for x in LEVELS}},
            {"cells": f"with at least {Budget().min_count} counts", "n": len(p),
             **{f"p <= {x:g}": ((p <= x) & enough).mean() / x for x in LEVELS}}]
    for name in BAND_NAMES:
        m = (band == name).to_numpy()
        rows.append({"cells": f"expected {name} a week", "n": int(m.sum()),
                     **{f"p <= {x:g}": (p[m] <= x).mean() / x if m.any() else float("nan") for x in LEVELS}})
    out = ["# Honest p-values on the municipality's own series", "",
           f"{args.replicates} simulated demo municipalities (seeds 3000..{3000 + args.replicates - 1}, as "
           "`list_quality.py`), weekly buurt-signals of the last 52 weeks without an injected event or a structural "
           "rise in their buurt and domain. Each figure: how often `auto`'s p-value falls at or below the level, as a "
           "multiple of the level (at most 1 is honest; the row 'with at least ... counts' counts only the cells that "
           "can reach the lists, over all cells).", "",
           markdown_table(pd.DataFrame(rows), "{:.2f}"), "",
           f"Run time: {time.perf_counter() - t0:.0f} s."]
    publish("pvalue_honesty", "\n".join(out))


if __name__ == "__main__":
    main()
