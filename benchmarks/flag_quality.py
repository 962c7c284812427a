"""Flag quality on the demo: are the injected issues listed, when, with which status, and how many
listed items per team per week are not injected (chance findings), over the demo's last year. Listings
in the buurt and domain of one of the demo's structural rises (``models.demo.structural_rises``) while it
lasts are counted apart: the rise found, not chance.

Runs the pure parts of the weekly pipeline on the demo's counts (no files, no Prefect): score every
series with ``auto``, build the area evidence and lifecycle for every period, and read the list of
each week of the last year as the weekly run would have produced it.

Usage: .venv/bin/python benchmarks/flag_quality.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from models.calendar import period_label  # noqa: E402
from models.demo import in_structural_rise  # noqa: E402
from models.evidence import Budget, evidence_and_budget, lifecycle  # noqa: E402
from pipelines.demo import demo_counts, demo_rises, with_sources  # noqa: E402
from pipelines.flag import current_cells  # noqa: E402
from pipelines.reference import Reference  # noqa: E402
from pipelines.score import score_counts  # noqa: E402

LISTED = ("nieuw", "aanhoudend", "verergerend")


def weekly_lists(evidence: pd.DataFrame, weeks: list[pd.Timestamp]) -> pd.DataFrame:
    rows = []
    for week in weeks:
        now = current_cells(evidence, week)
        rows.append(now[now["status"] != ""].assign(run_week=week))
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    ref = Reference()
    w, m, wt, mt, _ = demo_counts(ref)
    counts = with_sources(ref, w, m)
    scored = score_counts(counts, ref.buurten["area_code"].tolist())
    scores = scored.scores.assign(period_start=pd.to_datetime(scored.scores["period_start"]))
    evidence, used = evidence_and_budget(scores, ref.catalogue, ref.neighbours, Budget(), ref.teams)
    evidence = lifecycle(evidence, used)
    last = scores.loc[scores["period"] == "week", "period_start"].max()
    weeks = list(pd.date_range(last - pd.Timedelta(weeks=51), last, freq="7D"))
    lists = weekly_lists(evidence, weeks).merge(ref.areas[["area_code", "wijkteam"]], on="area_code")

    truth = pd.concat([wt, mt]).merge(ref.catalogue[["signal", "domain"]], on="signal")
    truth["period_start"] = pd.to_datetime(truth["period_start"])
    starts = truth.groupby(["event", "area_code", "domain", "period"])["period_start"].min().rename("event_start").reset_index()
    lists = lists.merge(starts, on=["area_code", "domain", "period"], how="left")
    lists["injected"] = lists["event_start"].notna() & (pd.to_datetime(lists["since"]) >= lists["event_start"] - pd.Timedelta(weeks=2))

    # a listing in the buurt and domain of one of the demo's structural rises, while it lasts, is the rise found
    _, rises = demo_rises(ref)
    lists["rise"] = ~lists["injected"] & in_structural_rise(lists, rises, when="run_week")

    n_teams = ref.wijkteams.shape[0]
    active = lists[lists["status"].isin(LISTED)]
    free = active[~active["injected"] & ~active["rise"]]
    chance = free.groupby("run_week").size().reindex(weeks, fill_value=0)
    n_rise = int(active["rise"].sum())
    by_team = (free.groupby("wijkteam").size() / len(weeks)).reindex(ref.wijkteams["wijkteam"], fill_value=0)

    out = ["# Flag quality on the demo (last 52 weeks)", "",
           f"Budget: {Budget().as_dict()}; the levels were set on the demo's scored past (`chance_entries`, "
           "`models.evidence.calibrated_budget`) to these times the given ones: "
           + ", ".join(f"{t} {x:g}" for t, x in used.team_scales) + f" (the municipality's: {used.level_scale:g}).", "",
           f"Listed items that are neither injected issues nor the demo's structural rises (chance findings): "
           f"{chance.sum()} over {len(weeks)} weeks and {n_teams} teams = "
           f"**{chance.sum() / len(weeks) / n_teams:.2f} per team per week** (target: at most 1).", "",
           f"Besides these, {n_rise} listed items ({n_rise / len(weeks) / n_teams:.2f} per team per week) are in the "
           "buurt and domain of one of the demo's structural rises (`models.demo.structural_rises`: a domain's "
           "counts up 1.7 to 2.4 times for 4 to 9 months, driven by the buurt's CBS figures; counted from the rise's "
           "first month to a month after its last): the rise found, not chance. Counted as chance, as this report "
           f"did before, the figure would be {(chance.sum() + n_rise) / len(weeks) / n_teams:.2f}.", "",
           "| wijkteam | chance items per week |", "|---|---|"]
    out += [f"| {t} | {v:.2f} |" for t, v in by_team.items()]
    out += ["", "## Injected issues: status per week on the list of the right team", "",
            "| event | buurt | domain | event start | first listed | statuses (week: status) |", "|---|---|---|---|---|---|"]
    for r in starts.itertuples(index=False):
        team = ref.areas.set_index("area_code").loc[r.area_code, "wijkteam"]
        hit = lists[(lists["area_code"] == r.area_code) & (lists["domain"] == r.domain) & (lists["wijkteam"] == team)
                    & (lists["period"] == r.period) & lists["injected"]].sort_values("run_week")
        first = period_label(pd.Series([hit["run_week"].iloc[0]]), "week").iloc[0] if len(hit) else "never"
        seq = ", ".join(f"{period_label(pd.Series([w]), 'week').iloc[0][-3:]}: {s}"
                        for w, s in zip(hit["run_week"], hit["status"]))
        out.append(f"| {r.event} | {r.area_code} | {r.domain} | {period_label(pd.Series([r.event_start]), r.period).iloc[0]} "
                   f"| {first} | {seq} |")
    sys.path.insert(0, str(HERE))
    from report import publish

    publish("flag_quality", "\n".join(out))


if __name__ == "__main__":
    main()
