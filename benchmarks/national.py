"""National scale on one machine: all 14,574 Dutch buurten, 12 weekly signals, five years of history.

Writes a profile of every municipality (``wijkradar init`` for all 342), generates five years of weekly
counts for the 12 signals of the catalogue (the demo generator with rates per 1,000 inhabitants; every
signal weekly here) and delivers them as a municipality would: resident reports as one semicolon CSV
of one row per report, the wijkteam signals as a CSV of counts per buurt, week and signal (cells with
zero left out, as suppliers do). Then it runs the stages of the weekly flow and reports wall time per
stage and the peak memory of the process:

    ingest + validate (both files) -> score (every series) -> flag (evidence, FDR, lifecycle) -> risk -> export

Generation is set-up and is timed apart. Target on 2 cores: end to end <= 10 minutes, <= 8 GB.

Usage: .venv/bin/python benchmarks/national.py [--years 5] [--gemeenten GM0118,GM0106]
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

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

END = pd.Timestamp("2026-11-22")        # the demo's last week (2026-W47)


def prepare(root: Path, years: int, gemeenten: list[str] | None) -> dict:
    """Profile and inbox files; returns sizes and the seconds generation took."""
    from models.demo import counts_to_reports, simulate_counts
    from pipelines.demo import demo_settings
    from pipelines.paths import resolve_home
    from pipelines.profile import national_regions, write_profile
    from pipelines.reference import Reference

    t0 = time.perf_counter()
    regions = national_regions()
    codes = gemeenten or sorted(regions.loc[regions["regio_type"] == "gemeente", "code"])
    home = resolve_home(root)
    write_profile(home.root, codes)
    catalogue = pd.read_csv(home.reference_dir / "signalen.csv", dtype=str, keep_default_na=False)
    catalogue["frequency"] = "week"                  # 12 weekly signals
    catalogue.to_csv(home.reference_dir / "signalen.csv", index=False)
    ref = Reference.for_home(home)
    t_profile = time.perf_counter() - t0

    rates, _ = demo_settings()
    buurten = ref.buurten[["area_code", "population"]].astype({"population": float}).fillna({"population": 0.0})
    signals = rates.merge(ref.catalogue[["signal", "frequency", "label_nl", "source"]], on="signal")
    no_events = pd.DataFrame(columns=["event", "kind", "area_code", "signal", "start", "periods", "multiplier",
                                      "extra_per_period", "description"])
    counts, _ = simulate_counts(buurten, signals, no_events, end=END, years=years, seed=2026)
    source = counts["signal"].map(dict(zip(signals["signal"], signals["source"])))
    reports = counts_to_reports(counts[source == "meldingen"], ref.categories, seed=2026)
    pd.DataFrame({"Meldingnummer": reports["melding_id"].map("SIG-{}".format),
                  "Datum melding": reports["created"].dt.strftime("%d-%m-%Y"),
                  "Hoofdcategorie": reports["hoofdcategorie"], "Subcategorie": reports["subcategorie"],
                  "Buurtcode": reports["area_code"], "Status": reports["status"]}).to_csv(
        home.inbox / "meldingen_export_2026-W47.csv", sep=";", index=False)
    team = counts[(source == "wijkteam") & (counts["count"] > 0)]
    label = dict(zip(ref.catalogue["signal"], ref.catalogue["label_nl"]))
    pd.DataFrame({"Buurtcode": team["area_code"], "Maand": team["period_start"].dt.strftime("%G-W%V"),
                  "Signaal": team["signal"].map(label), "Aantal": team["count"]}).to_csv(
        home.inbox / "wijkteam_signalen_2026-W47.csv", sep=";", index=False)
    return {"profile_s": t_profile, "generate_s": time.perf_counter() - t0 - t_profile, "buurten": len(buurten),
            "gemeenten": len(codes), "reports": len(reports), "team_rows": len(team),
            "series": int(len(buurten) * len(signals))}


def child(root: str, runner: str) -> None:
    """The stages of the weekly flow, timed, in this process (peak memory is this process's)."""
    from pipelines import reference
    from pipelines.export import export_run
    from pipelines.ingest import ingest_file
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag
    from pipelines.warehouse import connect

    home = resolve_home(root)
    ref = reference.Reference.for_home(home)
    stages, out, peaks = {}, {}, {}
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        if runner == "default":
            for path, source in ((home.inbox / "meldingen_export_2026-W47.csv", "meldingen"),
                                 (home.inbox / "wijkteam_signalen_2026-W47.csv", "wijkteam")):
                timings: dict[str, float] = {}
                t0 = time.perf_counter()
                res = ingest_file(con, path, source, ref, home.archive, today=END + pd.Timedelta(days=4),
                                  timings=timings)
                stages[f"ingest + validate {source} ({res.rows_read:,} rows)"] = time.perf_counter() - t0
                peaks[f"after ingest {source}"] = _peak_gb()
                out[source] = {k: round(v, 2) for k, v in timings.items()}
        else:                                        # score the same warehouse again, on Dask
            for table in ("meta.runs", "marts.area_flags", "marts.area_evidence", "marts.series_scores"):
                con.execute(f"DELETE FROM {table}")
        import pipelines.flag as flag_mod
        def timed(name, fn):                # the run streams per municipality: time is summed over the blocks
            def wrapper(*a, **k):
                t = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
            return wrapper

        flag_mod.flag_run = timed("flag (evidence, FDR, lifecycle; summed per municipality)", flag_mod.flag_run)
        t0 = time.perf_counter()
        if runner == "default":
            run = score_and_flag(con, ref)
            stages["score + flag + write marts"] = time.perf_counter() - t0
            peaks["after score + flag"] = _peak_gb()
    if runner != "default":                          # the flow opens the warehouse itself
        run = dask_score(root)
        stages["score + flag + write marts"] = time.perf_counter() - t0
    with connect(home.warehouse) as con:
        from pipelines.risk import risk_step

        t0 = time.perf_counter()
        if runner != "default":                      # the risk of the re-scored run
            con.execute("DELETE FROM marts.area_risk")
            con.execute("DELETE FROM meta.risk_runs")
        risk_step(con, ref, run)
        stages["risk (escalation model per domain)"] = time.perf_counter() - t0
        peaks["after risk"] = _peak_gb()
        t0 = time.perf_counter()
        export_run(con, home, run)
        stages["export (every team: xlsx, csv, html)"] = time.perf_counter() - t0
        peaks["after export"] = _peak_gb()
    print(json.dumps({"stages": stages, "ingest_detail": out, "n_series": run.n_series, "n_flags": run.n_flags,
                      "peaks_gb": peaks,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "runner": runner}))


def _peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2, 2)


def dask_score(root: str):
    """Scoring blocks fanned out through prefect-dask's task runner on a local 2-worker cluster."""
    from prefect import flow

    from pipelines.flows import dask_task_runner, score_fanned_out
    from pipelines.paths import resolve_home

    return flow(name="national-score", task_runner=dask_task_runner(workers=2))(score_fanned_out)(resolve_home(root))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--gemeenten", help="comma-separated GM codes (default: all 342)")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    ap.add_argument("--runners", default="default,dask", help="which runners to time (default: both)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="wijkradar-national-")) / "home"
    # generation in its own process, so its memory is not held while the stages are measured
    proc = subprocess.run([sys.executable, __file__, "--prepare", str(root), str(args.years), args.gemeenten or ""],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"profile {info['profile_s']:.0f} s, generated {info['reports']:,} reports and {info['team_rows']:,} wijkteam "
          f"rows for {info['buurten']:,} buurten in {info['generate_s']:.0f} s", flush=True)
    runs = {}
    for runner in args.runners.split(","):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", str(root), runner], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-4000:])
        runs[runner] = {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall": wall}
        print(f"{runner}: {wall:.0f} s, peak {runs[runner]['peak_mb'] / 1024:.1f} GB", flush=True)
        print(json.dumps(runs[runner]), flush=True)
    sys.path.insert(0, str(HERE))
    from report import markdown_table, publish

    d, k = runs["default"], runs.get("dask")
    stages = list(dict.fromkeys([*d["stages"], *(k["stages"] if k else [])]))
    rows = [{"stage": s, "default runner (s)": round(d["stages"][s], 1) if s in d["stages"] else "",
             "Dask, local 2 workers (s)": ("not run" if k is None else round(k["stages"][s], 1) if s in k["stages"]
                                           else "(ingest as default)")}
            for s in stages]
    dask_line = (f"- Dask runner (prefect-dask, local cluster of 2 workers; the same warehouse scored again, flagged "
                 f"and exported): **{k['wall']:.0f} s**, peak memory of the flow's process {k['peak_mb'] / 1024:.1f} GB "
                 "(workers apart)") if k else "- Dask runner: not run this time (`--runners default`)"
    lines = [
        "# National scale (`benchmarks/national.py`)", "",
        f"{info['gemeenten']} gemeenten, {info['buurten']:,} buurten, 12 weekly signals ({info['series']:,} series), "
        f"{args.years} years of generated history ending 2026-W47: {info['reports']:,} resident reports (one CSV row "
        f"each) and {info['team_rows']:,} wijkteam count rows (zero cells left out). 2 cores.", "",
        f"- default runner, end to end (ingest, validate, score, flag, export; a fresh process with its imports): "
        f"**{d['wall']:.0f} s**, peak memory **{d['peak_mb'] / 1024:.1f} GB**",
        dask_line,
        f"- series scored: {d['n_series']:,}; areas on the lists: {d['n_flags']:,}"
        + (f" (Dask: {k['n_flags']:,})" if k else ""),
        f"- set-up, not counted: profile {info['profile_s']:.0f} s, generation {info['generate_s']:.0f} s", "",
        markdown_table(pd.DataFrame(rows)), "",
        "The run streams per municipality: the default runner scores in 2 local worker processes while the main "
        "process flags and writes the municipality before, so scoring has no row of its own; flagging is summed over "
        "the municipalities. The Dask runner scores on its workers, 8 municipalities per batch.", "",
        "Peak memory of the default runner's process after each stage (GB): " + json.dumps(d.get("peaks_gb", {})), "",
        "Ingest stages (seconds): " + json.dumps(d["ingest_detail"]),
    ]
    publish("national", "\n".join(lines))
    if not args.keep:
        import shutil

        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "--prepare":
        print(json.dumps(prepare(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",") if sys.argv[4] else None)))
    else:
        main()
