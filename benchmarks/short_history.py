"""Short series: false alarms and detection of ``auto`` on a moving baseline against EARS C2, which it replaced.

Series of 60 weeks (too young for the seasonal baseline), simulated by ``models.simulate`` (seed 99 for quiet
series, 11 with outbreaks of 2, 3 and 5 standard deviations; the calibration of ``models.short`` used 6161):
levels 1 to 20 a week, with and without trend and seasonality, dispersion 1 to 3. Quiet: the share of weeks
that alarm and whose p-value is at most 0.0075 (the list's series level), per group and at worst. Outbreaks:
POD (an alarm in the outbreak's span) of each detector by its own rule, and of EARS C2 at auto's false-alarm
rate (its p-value thresholded so that it alarms as often in the weeks outside outbreaks).

Usage: .venv/bin/python benchmarks/short_history.py [--replicates 60]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import markdown_table, publish  # noqa: E402
from models.auto import AutoDetector  # noqa: E402
from models.ears import EarsDetector  # noqa: E402
from models.simulate import grid, simulate  # noqa: E402

KEYS = ["scenario", "replicate"]
WEEKS = 60


def young(sim: pd.DataFrame) -> pd.DataFrame:
    """The last ``WEEKS`` weeks of every series, as a series that began then."""
    return sim[sim["period_index"] > sim["period_index"].max() - WEEKS]


def quiet_table(replicates: int) -> pd.DataFrame:
    scen = grid(levels=(0.0, 1.6, 2.3, 3.0), phi=(1.0, 1.5, 3.0), k=(0,))
    sim = young(simulate(scen, replicates=replicates, years=2, seed=99))
    rows = []
    for name, det in (("auto (moving baseline)", AutoDetector()), ("EARS C2", EarsDetector("C2"))):
        r = det.score(sim[[*KEYS, "period_index", "count"]], KEYS).merge(scen, on="scenario")
        r["p_at_series_level"] = r["pvalue"] <= 0.0075
        r["seasonal"] = r["gamma1"] > 0
        groups = r.groupby(["theta", "seasonal", "beta", "phi"])[["alarm", "p_at_series_level"]].mean()
        rows.append({"detector": name, "weeks": len(r), "far": r["alarm"].mean(),
                     "far, worst group": groups["alarm"].max(),
                     "groups above 0.01": f"{int((groups['alarm'] > 0.01).sum())} of {len(groups)}",
                     "p <= 0.0075": r["p_at_series_level"].mean(),
                     "p <= 0.0075, worst group": groups["p_at_series_level"].max()})
    return pd.DataFrame(rows)


def outbreak_table(replicates: int) -> pd.DataFrame:
    scen = grid(levels=(0.0, 1.6, 3.0), k=(2, 3, 5))
    sim = young(simulate(scen, replicates=replicates, years=2, seed=11))
    got = {}
    for name, det in (("auto (moving baseline)", AutoDetector()), ("EARS C2", EarsDetector("C2"))):
        got[name] = det.score(sim[[*KEYS, "period_index", "count"]], KEYS).merge(
            sim[[*KEYS, "period_index", "event"]], on=[*KEYS, "period_index"])
    auto_far = got["auto (moving baseline)"].query("event == 0")["alarm"].mean()
    rows = []
    for name, r in got.items():
        quiet = r[r["event"] == 0]
        cut = np.quantile(quiet["pvalue"].dropna(), auto_far)
        events = r[r["event"] > 0].assign(at_far=lambda d: d["pvalue"] <= cut)
        per = events.groupby([*KEYS, "event"])[["alarm", "at_far"]].any()
        rows.append({"detector": name, "outbreaks": len(per), "far (weeks outside outbreaks)": quiet["alarm"].mean(),
                     "POD, own rule": per["alarm"].mean(), f"POD at far {auto_far:.4f}": per["at_far"].mean()})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=60)
    args = ap.parse_args()
    clock = time.monotonic()
    quiet, out = quiet_table(args.replicates), outbreak_table(args.replicates // 2)
    text = ["# Short series: auto's moving baseline against EARS C2", "", __doc__.split("\n\n")[1].replace("\n", " "), "",
            "## Quiet series", "", markdown_table(quiet, "{:.4f}"), "",
            "## Outbreaks", "", markdown_table(out), "",
            f"Run time: {time.monotonic() - clock:.0f} s."]
    publish("short_history", "\n".join(text))


if __name__ == "__main__":
    main()
