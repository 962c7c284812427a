"""Fixed costs an analyst meets every day: the read-only commands and the test suite.

Times ``wijkradar status``, ``flags`` and ``explain`` as subprocesses (start-up included) on a working
folder where the demo has run, several runs each; with ``--tests`` also ``make test`` (the suite as CI
runs it, on the machine's cores). Targets (issue 11): a read-only command <= 1.5 s, ``make test``
<= 5 minutes on 2 cores.

Usage: .venv/bin/python benchmarks/fixed_costs.py [--home data] [--runs 3] [--tests]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CLI = Path(sys.executable).parent / "wijkradar"
COMMANDS = {"status": ["status"], "flags": ["flags", "--team", "de-weide"], "explain": ["explain", "01185005"]}


def timed(args: list[str], cwd: Path | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=cwd, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", default=str(HERE.parent / "data"), help="a working folder where `make demo` has run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tests", action="store_true", help="also time `make test`")
    args = ap.parse_args()
    from report import markdown_table, publish

    if not (Path(args.home) / "warehouse.duckdb").exists():
        raise SystemExit(f"{args.home} has no warehouse: run `make demo` first")
    rows = []
    for name, cmd in COMMANDS.items():
        walls = [timed([str(CLI), "--home", args.home, *cmd]) for _ in range(args.runs)]
        print(f"{name}: " + " / ".join(f"{w:.2f}" for w in walls), flush=True)
        rows.append({"command": f"wijkradar {' '.join(cmd)}", "runs (s)": " / ".join(f"{w:.2f}" for w in walls),
                     "slowest (s)": round(max(walls), 2), "target (s)": 1.5})
    if args.tests:
        wall = timed(["make", "test"], cwd=HERE.parent)
        print(f"make test: {wall:.0f} s", flush=True)
        rows.append({"command": "make test", "runs (s)": f"{wall:.0f}", "slowest (s)": round(wall), "target (s)": 300})
    publish("fixed_costs", "\n".join([
        "# Fixed costs", "",
        (f"Read-only commands as subprocesses (start-up included) on a working folder after `make demo`, "
         f"{args.runs} runs each; `make test` as CI runs it. 2 cores."), "",
        markdown_table(pd.DataFrame(rows))]))


if __name__ == "__main__":
    main()
