"""Ingest throughput: a 1,000,000-row resident-report export through read, privacy scan, validate (GX), load.

Generates a semicolon CSV shaped like a municipal export (one row per report, Dutch headers and
dates, real Hoogeveen buurt codes and mapped categories, a status column that is dropped unread),
loads it into a fresh warehouse in a subprocess with Great Expectations already imported (its
import is reported apart), and reports seconds and CPU seconds per stage and peak memory. Then it
times a small file (10 rows) end to end through the CLI (`wijkradar ingest`), as an analyst runs it.

With ``--before REV`` the same file and the same small file are also loaded by the code of an earlier
commit (checked out in a temporary git worktree, run with this venv), for a before/after table.

Usage: .venv/bin/python benchmarks/ingest.py [--rows 1000000] [--repeat 3] [--before b6058eb]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
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
    from pipelines.warehouse import connect

    t0 = time.perf_counter()
    import great_expectations  # noqa: F401  (its import is a fixed cost per process, reported apart)

    gx_import = time.perf_counter() - t0
    h = resolve_home(home)
    ref = reference.Reference()
    timings: dict[str, float] = {}
    with connect(h.warehouse) as con:
        reference.sync(con, ref)
        ingest_mod.ingest_file(con, Path(path).with_name("meldingen_warmup.csv"), "meldingen", ref, h.archive,
                               today=pd.Timestamp("2026-11-26"))
        cpu0, t0 = time.process_time(), time.perf_counter()
        result = ingest_mod.ingest_file(con, Path(path), "meldingen", ref, h.archive,
                                        today=pd.Timestamp("2026-11-26"), timings=timings)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({"rows": result.rows_read, "accepted": result.rows_accepted, "stages": timings,
                      "wall": wall, "cpu": cpu, "gx_import": gx_import,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def child_before(code: str, path: str, home: str) -> None:
    """The 1M-row load by the code in ``code`` (an earlier commit): whole ``ingest_file``, after a warm-up."""
    sys.path.insert(0, code)
    import great_expectations  # noqa: F401

    from pipelines import ingest as ingest_mod
    from pipelines import reference
    from pipelines.paths import resolve_home
    from pipelines.warehouse import connect

    h = resolve_home(home)
    ref = reference.Reference()
    with connect(h.warehouse) as con:
        reference.sync(con, ref)
        ingest_mod.ingest_file(con, Path(path).with_name("meldingen_warmup.csv"), "meldingen", ref, h.archive,
                               today=pd.Timestamp("2026-11-26"))
        cpu0, t0 = time.process_time(), time.perf_counter()
        result = ingest_mod.ingest_file(con, Path(path), "meldingen", ref, h.archive, today=pd.Timestamp("2026-11-26"))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({"rows": result.rows_read, "wall": wall, "cpu": cpu}))


def small_file_cli(tmp: Path, code: Path = HERE.parent) -> float:
    """Wall seconds of `wijkradar ingest` of a 10-row file in a fresh working folder (a new process)."""
    small = tmp / "meldingen_klein.csv"
    if not small.exists():
        make_export(small, 10, seed=5)
    home = tmp / f"home-small-{time.monotonic_ns()}"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(code)!r}); "
                           "from pipelines.cli import main; main()", "--home", str(home), "ingest", "--source",
                           "meldingen", str(small), "--today", "2026-11-26"], capture_output=True, text=True,
                          cwd=code)
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-2000:] + proc.stderr[-2000:])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", help="an earlier commit to measure on the same files (git worktree)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wijkradar-ingest-bench-"))
    path = tmp / "meldingen_export.csv"
    t0 = time.perf_counter()
    # the warm-up file first: it is loaded first, and a file older than the load holding its reports is held
    make_export(tmp / "meldingen_warmup.csv", 20, seed=3)
    make_export(path, args.rows)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
    runs = []
    for i in range(args.repeat):
        proc = subprocess.run([sys.executable, __file__, "--child", str(path), str(tmp / f"home{i}")],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-3000:])
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"run {i + 1}: {runs[-1]['wall']:.2f} s wall, {runs[-1]['cpu']:.2f} s CPU", flush=True)
    small = sorted(small_file_cli(tmp) for _ in range(args.repeat))
    before_lines = []
    if args.before:
        code = tmp / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(code), args.before], cwd=HERE.parent, check=True,
                       capture_output=True)
        try:
            walls_b = []
            for i in range(args.repeat):
                proc = subprocess.run([sys.executable, __file__, "--child-before", str(code), str(path),
                                       str(tmp / f"home-before{i}")], capture_output=True, text=True)
                if proc.returncode != 0:
                    raise SystemExit(proc.stderr[-3000:])
                walls_b.append(json.loads(proc.stdout.strip().splitlines()[-1])["wall"])
                print(f"before, run {i + 1}: {walls_b[-1]:.2f} s wall", flush=True)
            small_b = sorted(small_file_cli(tmp, code) for _ in range(args.repeat))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(code)], cwd=HERE.parent, capture_output=True)
        walls_b.sort()
        before_lines = ["", f"Before and after, same files, same machine, {args.repeat} runs each (median, min-max):", "",
                        "| | before (" + args.before + ") | after |", "|---|---|---|",
                        f"| 1,000,000 rows: read + validate + load | {walls_b[len(walls_b) // 2]:.1f} s "
                        f"({walls_b[0]:.1f}-{walls_b[-1]:.1f}) | {sorted(r['wall'] for r in runs)[len(runs) // 2]:.1f} s "
                        f"({min(r['wall'] for r in runs):.1f}-{max(r['wall'] for r in runs):.1f}) |",
                        f"| 10-row file, `wijkradar ingest` end to end | {small_b[len(small_b) // 2]:.1f} s "
                        f"({small_b[0]:.1f}-{small_b[-1]:.1f}) | {small[len(small) // 2]:.1f} s ({small[0]:.1f}-{small[-1]:.1f}) |",
                        ""]
        if args.before.startswith("b6058eb"):
            before_lines += ["The earlier code did not scan values for personal data beyond 5,000 per column and "
                             "kept no ledger; the after figures include both."]
    sys.path.insert(0, str(HERE))
    from report import markdown_table, publish

    best = min(runs, key=lambda r: r["wall"])
    stages = pd.DataFrame([{"stage": k, "seconds": round(v, 2), "rows/s": f"{best['rows'] / v:,.0f}"}
                           for k, v in best["stages"].items()])
    walls = sorted(r["wall"] for r in runs)
    publish("ingest", "\n".join([
        "# Ingest benchmark", "",
        f"{best['rows']:,} rows, {best['accepted']:,} accepted; peak memory {best['peak_mb']:.0f} MB (whole process); "
        f"{args.repeat} runs, each in a fresh process with Great Expectations imported first "
        f"(import {best['gx_import']:.1f} s, a fixed cost per process).", "",
        f"- read + privacy scan + validate + load of 1,000,000 rows: **{walls[0]:.2f} s** wall (median "
        f"{walls[len(walls) // 2]:.2f} s, max {walls[-1]:.2f} s), {best['cpu']:.2f} s CPU in the best run",
        f"- a 10-row file end to end (`wijkradar ingest`, a new process, fresh working folder): min {small[0]:.1f} s, "
        f"median {small[len(small) // 2]:.1f} s, max {small[-1]:.1f} s", "",
        *before_lines, "", "Stages of the best run:", "", markdown_table(stages)]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "--child-before":
        child_before(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
        for left in Path(tempfile.gettempdir()).glob("wijkradar-ingest-bench-*"):
            shutil.rmtree(left, ignore_errors=True)        # the generated files and homes (78 MB a run)
