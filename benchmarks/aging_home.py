"""A working folder after years of weekly use against a young one: disk per folder and the time of one weekly step.

Both homes end with the same data (the demo's five years of Hoogeveen up to 2026-W47), delivered differently:

- young: the history up to 2026-W43 in one export (wijkteam up to 2026-09), then weekly exports W44-W46 with a
  ``wijkradar run`` after each;
- old: the history up to 2023-12 in one export, then one meldingen export per week from 2024-W01 to 2026-W46 (152
  files) and one wijkteam file per month, loaded in one process with ``pipelines.ingest.ingest_file`` as
  ``wijkradar ingest`` does (data docs and archive included), then weekly runs of W44-W46.

Then each gets the same next week (the W47 export): ``wijkradar ingest`` and ``wijkradar run`` are timed, and every
folder of the home is measured. Age alone differs (loads, runs, pages), not the data.

    .venv/bin/python benchmarks/aging_home.py build --kind old --out /tmp/aging/old
    .venv/bin/python benchmarks/aging_home.py step --home /tmp/aging/old      # times W47's ingest and run
    .venv/bin/python benchmarks/aging_home.py sizes --home /tmp/aging/old
    .venv/bin/python benchmarks/aging_home.py warm-ingest --home /tmp/aging/old  # loads in one process, GX warm
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WIJKRADAR = [str(REPO / ".venv" / "bin" / "wijkradar")]
#: the checkout's own code (the environment's ``wijkradar`` may be installed from another one)
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
RUN_WEEKS = ["2026-W44", "2026-W45", "2026-W46"]
NEXT_WEEK = "2026-W47"


def monday_after(week: str) -> pd.Timestamp:
    return pd.Timestamp.fromisocalendar(int(week[:4]), int(week[6:]), 1) + pd.Timedelta(days=7)


def write_files(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's inbox as two frames (meldingen rows with their ISO week, wijkteam rows with their month)."""
    from pipelines.demo import write_demo_inbox
    from pipelines.paths import Home
    from pipelines.reference import Reference

    scratch = Home(out / "_demo")
    files = write_demo_inbox(scratch, Reference())
    meldingen = pd.read_csv(files.meldingen, sep=";", dtype=str)
    iso = pd.to_datetime(meldingen["Datum melding"], format="%d-%m-%Y").dt.isocalendar()
    meldingen["week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    wijkteam = pd.read_excel(files.wijkteam, dtype=str)
    return meldingen, wijkteam


def _meldingen_file(folder: Path, rows: pd.DataFrame, name: str) -> Path:
    path = folder / f"meldingen_{name}.csv"
    rows.drop(columns="week").to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    return path


def _wijkteam_file(folder: Path, rows: pd.DataFrame, name: str) -> Path:
    path = folder / f"wijkteam_signalen_{name}.csv"
    rows.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    return path


def build(kind: str, out: Path) -> None:
    from pipelines import reference
    from pipelines.ingest import ingest_file
    from pipelines.paths import resolve_home
    from pipelines.reference import Reference
    from pipelines.warehouse import connect

    out.mkdir(parents=True, exist_ok=True)
    meldingen, wijkteam = write_files(out.parent / f"_{kind}_files")
    files = out.parent / f"_{kind}_files"
    first_weekly = "2024-W01" if kind == "old" else "2026-W44"
    first_month = "2024-01" if kind == "old" else "2026-10"
    deliveries: list[tuple[pd.Timestamp, Path, str]] = []
    history = meldingen[meldingen["week"] < first_weekly]
    hist_day = monday_after(history["week"].max())
    deliveries.append((hist_day, _meldingen_file(files, history, "historie"), "meldingen"))
    deliveries.append((hist_day, _wijkteam_file(files, wijkteam[wijkteam["Maand"] < first_month], "historie"),
                       "wijkteam"))
    weeks = sorted(w for w in meldingen["week"].unique() if first_weekly <= w < RUN_WEEKS[0])
    for week in weeks:
        deliveries.append((monday_after(week), _meldingen_file(files, meldingen[meldingen["week"] == week], week),
                           "meldingen"))
    for month in sorted(m for m in wijkteam["Maand"].unique() if first_month <= m < "2026-10"):
        day = (pd.Period(month, "M").end_time + pd.Timedelta(days=5)).normalize()
        deliveries.append((day, _wijkteam_file(files, wijkteam[wijkteam["Maand"] == month], month), "wijkteam"))
    deliveries.sort(key=lambda d: d[0])
    home = resolve_home(out)
    ref = Reference.for_home(home)
    started = time.perf_counter()
    per_load = []
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        for day, path, source in deliveries:
            t0 = time.perf_counter()
            ingest_file(con, path, source, ref, home.archive, today=day, docs_root=home.docs)
            per_load.append((path.name, round(time.perf_counter() - t0, 2)))
    (out.parent / f"_{kind}_bulk.json").write_text(json.dumps(per_load))
    print(f"{kind}: {len(deliveries)} loads in {time.perf_counter() - started:.0f} s", flush=True)
    # the weekly runs: the week's export in the inbox, then `wijkradar run` on the Monday after
    for week in RUN_WEEKS:
        _meldingen_file(home.inbox, meldingen[meldingen["week"] == week], week)
        if week == "2026-W44":
            _wijkteam_file(home.inbox, wijkteam[wijkteam["Maand"] == "2026-10"], "2026-10")
        t0 = time.perf_counter()
        subprocess.run([*WIJKRADAR, "--home", str(out), "run", "--today", str(monday_after(week).date())],
                       check=False, capture_output=True, env=ENV)
        print(f"{kind}: run {week} in {time.perf_counter() - t0:.0f} s", flush=True)
    meldingen[meldingen["week"] == NEXT_WEEK].to_csv(out.parent / f"_{kind}_next.csv", sep=";", index=False)


def step(home: Path) -> dict:
    """Time the next week's ``wijkradar ingest`` and ``wijkradar run`` (W47's export)."""
    rows = pd.read_csv(home.parent / f"_{home.name}_next.csv", sep=";", dtype=str)
    path = _meldingen_file(home.parent, rows.assign(week=""), NEXT_WEEK)
    day = str(monday_after(NEXT_WEEK).date())
    times = {}
    for name, args in [("ingest", ["ingest", "--source", "meldingen", "--today", day, str(path)]),
                       ("run", ["run", "--today", day])]:
        t0 = time.perf_counter()
        done = subprocess.run([*WIJKRADAR, "--home", str(home), *args], capture_output=True, text=True, env=ENV)
        times[name] = round(time.perf_counter() - t0, 1)
        print(name, times[name], done.returncode, done.stdout[-300:], done.stderr[-300:], flush=True)
    return times


def warm_ingest(home: Path, n: int = 6) -> list[dict]:
    """Seconds per stage of ``n`` loads of the next week's export (a row fewer each, so each is a new delivery) in one
    process, after one warm-up load: the cost a load adds once GX is imported (a run loads several files)."""
    from pipelines import reference
    from pipelines.ingest import ingest_file
    from pipelines.paths import resolve_home
    from pipelines.reference import Reference
    from pipelines.warehouse import connect

    h = resolve_home(home)
    ref = Reference.for_home(h)
    rows = pd.read_csv(home.parent / f"_{home.name}_next.csv", sep=";", dtype=str)
    out = []
    with connect(h.warehouse) as con:
        reference.sync(con, ref)
        for i in range(n + 1):
            path = _meldingen_file(home.parent, rows.iloc[i:].assign(week=""), f"{NEXT_WEEK}-{home.name}-{i}")
            stages: dict = {}
            t0, c0 = time.perf_counter(), time.process_time()
            ingest_file(con, path, "meldingen", ref, h.archive, today=monday_after(NEXT_WEEK), docs_root=h.docs,
                        timings=stages)
            if i:
                out.append({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                            "validate": stages["validate"]})
    med = {k: round(float(pd.Series([o[k] for o in out]).median()), 2) for k in out[0]}
    return [med]


def du(path: Path) -> tuple[int, int]:
    """Bytes and files under ``path``."""
    if not path.exists():
        return 0, 0
    if path.is_file():
        return path.stat().st_size, 1
    total = count = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                total += (Path(root) / name).stat().st_size
                count += 1
            except OSError:
                pass
    return total, count


def sizes(home: Path) -> dict:
    parts = ["warehouse.duckdb", "archive", "docs", "gx", "gx/uncommitted/validations", ".prefect", "logs",
             "exports", "reports", "inbox"]
    return {p: du(home / p) for p in parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["build", "step", "sizes", "warm-ingest"])
    parser.add_argument("--kind", choices=["old", "young"], default="old")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.what == "build":
        build(args.kind, args.out.resolve())
    elif args.what == "warm-ingest":
        print(json.dumps(warm_ingest(args.home.resolve())))
    elif args.what == "step":
        print(json.dumps(step(args.home.resolve())))
    else:
        for part, (size, n) in sizes(args.home.resolve()).items():
            print(f"{part:32s} {size / 1e6:10.2f} MB {n:7d} files")


if __name__ == "__main__":
    main()
