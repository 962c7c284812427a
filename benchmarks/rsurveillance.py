"""Run R surveillance's farringtonFlexible on a panel through ``benchmarks/r/farrington_flexible.R``.

R is a benchmark dependency only: ``apt-get install r-cran-surveillance``. Series are split over
``jobs`` R processes.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

SCRIPT = Path(__file__).resolve().parent / "r" / "farrington_flexible.R"


def r_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    ok = subprocess.run(["Rscript", "-e", "suppressMessages(library(surveillance))"], capture_output=True)
    return ok.returncode == 0


def farrington_flexible(panel: pd.DataFrame, keys: list[str], eval_start: int, b: int = 3, w: int = 3,
                        no_periods: int = 10, past: int = 26, alpha: float = 0.005, jobs: int = 2):
    """Returns (results, R's own elapsed seconds summed over processes)."""
    frame = panel.copy()
    frame["_rid"] = frame[keys].astype(str).agg("|".join, axis=1)
    ids = frame["_rid"].unique()
    parts = np.array_split(ids, jobs)
    tmp = Path(tempfile.mkdtemp(prefix="wijkradar-r-"))

    def run(i_part):
        i, part = i_part
        inp, out = tmp / f"in{i}.csv", tmp / f"out{i}.csv"
        frame[frame["_rid"].isin(part)][["_rid", "period_index", "count"]].rename(
            columns={"_rid": "series"}).to_csv(inp, index=False)
        proc = subprocess.run(["Rscript", str(SCRIPT), str(inp), str(out), str(b), str(w), str(no_periods),
                               str(past), str(alpha), str(eval_start)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"R failed: {proc.stderr[-2000:]}")
        seconds = float(proc.stdout.strip().split("elapsed_seconds=")[-1])
        return pd.read_csv(out, dtype={"series": str}).rename(columns={"series": "_rid"}), seconds

    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(run, enumerate(parts)))
    res = pd.concat([r for r, _ in results], ignore_index=True)
    keymap = frame.drop_duplicates("_rid").set_index("_rid")[keys]
    res = res.join(keymap, on="_rid").drop(columns="_rid")
    res["alarm"] = res["alarm"].astype(bool)
    shutil.rmtree(tmp, ignore_errors=True)
    return res, sum(s for _, s in results)
