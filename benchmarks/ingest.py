"""Ingest throughput: a 1,000,000-row resident-report export through read, validate (GX) and load.

Generates a semicolon CSV shaped like the demo's municipal export (one row per report, Dutch
headers and dates, real Hoogeveen buurt codes and mapped categories), loads it into a fresh
warehouse in a subprocess, and reports rows per second per stage and peak memory.

Usage: .venv/bin/python benchmarks/ingest.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import json
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


def make_export(path: Path, rows: int, seed: int = 1) -> None:
    from pipelines.reference import Reference

    ref = Reference()
    rng = np.random.default_rng(seed)
    codes = ref.buurten["area_code"].to_numpy()
    cats = ref.categories[["hoofdcategorie", "subcategorie"]].to_numpy()
    days = pd.Timestamp("2021-11-29") + pd.to_timedelta(rng.integers(0, 5 * 364, rows), unit="D")
    pick = rng.integers(0, len(cats), rows)
    frame = pd.DataFrame({
        "Meldingnummer": [f"SIG-{i}" for i in range(1, rows + 1)],
        "Datum melding": days.strftime("%d-%m-%Y"),
        "Hoofdcategorie": cats[pick, 0],
        "Subcategorie": cats[pick, 1],
        "Buurtcode": codes[rng.integers(0, len(codes), rows)],
        "Status": "Afgehandeld",
    })
    frame.to_csv(path, sep=";", index=False)


def child(path: str, home: str) -> None:
    from pipelines import ingest as ingest_mod
    from pipelines import reference
    from pipelines.paths import resolve_home
    from pipelines.sources import meldingen
    from pipelines.validate import run_suite
    from pipelines.warehouse import connect

    h = resolve_home(home)
    ref = reference.Reference()
    stages = {}
    t0 = time.perf_counter()
    raw = meldingen.read(Path(path))
    stages["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    frame = meldingen.typed(raw, ref)
    run_suite("meldingen", frame, meldingen.checks(ref, pd.Timestamp("2026-11-26")))
    stages["validate"] = time.perf_counter() - t0
    with connect(h.warehouse) as con:
        reference.sync(con, ref)
        t0 = time.perf_counter()
        result = ingest_mod.ingest_file(con, Path(path), "meldingen", ref, h.archive, today=pd.Timestamp("2026-11-26"))
        stages["full ingest (read+validate+load)"] = time.perf_counter() - t0
    print(json.dumps({"rows": result.rows_read, "accepted": result.rows_accepted, "stages": stages,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wijkradar-ingest-bench-"))
    path = tmp / "meldingen_export.csv"
    t0 = time.perf_counter()
    make_export(path, args.rows)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
    proc = subprocess.run([sys.executable, __file__, "--child", str(path), str(tmp / "home")], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    sys.path.insert(0, str(HERE))
    from report import markdown_table, publish

    stages = pd.DataFrame([{"stage": k, "seconds": round(v, 1), "rows/s": f"{got['rows'] / v:,.0f}"}
                           for k, v in got["stages"].items()])
    publish("ingest", "\n".join(["# Ingest benchmark", "", f"{got['rows']:,} rows, {got['accepted']:,} accepted; "
                                 f"peak memory {got['peak_mb']:.0f} MB (whole process)", "", markdown_table(stages)]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
