"""Series that do not exist yet, and periods never delivered, are not zeros (red team round 8).

A municipality that joins a region home later, or a category that begins mid-history, starts its series at its
first count (a young series on the moving baseline), not as a step from zeros back to the source's first period;
a buurt without reports in a signal that exists keeps its zeros. Periods in which a municipality's source delivered
nothing at all are missing (left out of the baselines, named once), while a sparse source's quiet periods stay
zeros. A flag on the combined evidence names and charts only series above their expected count."""
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from models.calendar import index_to_start, period_index
from pipelines.explain import explain
from pipelines.lists.selection import chart_data
from pipelines.score import MISSING_EXPECTED, blocks, build_panel, score_block, score_counts

WEEK0 = pd.Timestamp("2021-11-29")          # a Monday
NONE = pd.DataFrame({"area_code": [], "neighbour": []})


def weekly(area, signal, weeks, level, source="meldingen", seed=1):
    starts = [WEEK0 + pd.Timedelta(weeks=int(w)) for w in weeks]
    counts = np.random.default_rng(seed).poisson(level, len(starts))
    frame = pd.DataFrame({"area_code": area, "signal": signal, "period": "week", "period_start": starts,
                          "count": counts, "source": source})
    return frame[frame["count"] > 0]          # the warehouse stores no zero counts


def monthly(area, signal, months, level, source="wijkteam", seed=2):
    starts = [pd.Timestamp("2021-01-01") + pd.DateOffset(months=int(m)) for m in months]
    counts = np.random.default_rng(seed).poisson(level, len(starts))
    frame = pd.DataFrame({"area_code": area, "signal": signal, "period": "month", "period_start": starts,
                          "count": counts, "source": source})
    return frame[frame["count"] > 0]


def first_index(panel):
    return panel.groupby(["area_code", "signal"])["period_index"].min()


def test_a_municipality_that_joins_a_region_later_starts_at_its_own_first_delivery():
    counts = pd.concat([weekly(a, "afval", range(200), 3, seed=i) for i, a in enumerate(["G1a", "G1b"])]
                       + [weekly(b, "afval", range(180, 200), 3, seed=9 + i) for i, b in enumerate(["G2a", "G2b"])],
                       ignore_index=True)
    group_of = {"G1a": "GM1", "G1b": "GM1", "G2a": "GM2", "G2b": "GM2"}
    work = {b.group: b for b in blocks(counts, list(group_of), group_of)}
    joined = int(period_index(pd.Series([WEEK0 + pd.Timedelta(weeks=180)]), "week")[0])
    assert (first_index(work["GM2"].panel) == joined).all()            # was Hoogeveen's first week, zero-filled
    assert (first_index(work["GM1"].panel) == joined - 180).all()
    scores = score_counts(counts, list(group_of), group_of).scores
    late = scores[scores["area_code"].str.startswith("G2")]
    assert len(late) and not (late["method"] == "noufaily+cusum").any()    # a young series, not 5 years of zeros
    assert not late["alarm"].any()


def test_a_signal_that_begins_mid_history_is_young_and_a_quiet_buurt_of_it_keeps_its_zeros():
    counts = pd.concat([weekly("A", "afval", range(200), 4), weekly("B", "afval", range(200), 4, seed=3),
                        weekly("A", "illegale_dump", range(150, 200), 2, seed=4)], ignore_index=True)
    panel = build_panel(counts, ["A", "B"], "week")
    start = int(period_index(pd.Series([WEEK0 + pd.Timedelta(weeks=150)]), "week")[0])
    first = first_index(panel)
    assert first[("A", "illegale_dump")] == start and first[("B", "illegale_dump")] == start
    quiet = panel[(panel["area_code"] == "B") & (panel["signal"] == "illegale_dump")]
    assert len(quiet) == 50 and (quiet["count"] == 0).all()             # a signal that exists: zeros, not missing
    assert first[("A", "afval")] == start - 150
    scores = score_counts(counts, ["A", "B"]).scores
    new = scores[scores["signal"] == "illegale_dump"]
    assert len(new) and not (new["method"] == "noufaily+cusum").any() and not new["alarm"].any()


def test_months_never_delivered_are_missing_named_once_and_left_out_of_the_baseline(caplog):
    months = [m for m in range(60) if not 40 <= m <= 44]                # 2024-05 .. 2024-09 never delivered
    counts = pd.concat([monthly(a, s, months, 6, seed=i) for i, (a, s) in
                        enumerate([("A", "eenzaamheid"), ("B", "eenzaamheid"), ("A", "schulden")])],
                       ignore_index=True)
    panel = build_panel(counts, ["A", "B"], "month")
    gap = period_index(pd.Series(pd.date_range("2024-05-01", "2024-09-01", freq="MS")), "month")
    assert not panel["period_index"].isin(gap).any()                    # was: five months of zeros in every series
    assert panel.groupby(["area_code", "signal"]).size().eq(55).all()
    [block] = [b for b in blocks(counts, ["A", "B"]) if b.period == "month"]
    assert sorted(label for _, label in block.missing) == ["2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    res = score_block(block)
    assert not res["period_index"].isin(gap).any()                      # a missing month is not scored either
    after = res[(res["period_index"] > gap.max()) & ~((res["area_code"] == "B") & (res["signal"] == "schulden"))]
    # the baseline never saw the months as zeros: the same series read with those months delivered as zeros (a
    # third buurt's counts in them) expect less after them
    zeros = pd.concat([counts, monthly("C", "eenzaamheid", range(40, 45), 6, seed=9)], ignore_index=True)
    [as_zeros] = [b for b in blocks(zeros, ["A", "B", "C"]) if b.period == "month"]
    keys = ["area_code", "signal", "period_index"]
    both = after[keys + ["expected"]].merge(score_block(as_zeros)[keys + ["expected"]], on=keys, suffixes=("", "_zeros"))
    assert len(both) == len(after) and after["expected"].median() > 5
    lower = both["expected_zeros"] < both["expected"] - 1e-9
    assert lower.mean() > 0.3 and (lower | (both["expected_zeros"] - both["expected"]).abs().lt(1e-9)).mean() > 0.9
    quiet = res[(res["area_code"] == "B") & (res["signal"] == "schulden")]
    assert len(quiet) and (quiet["count"] == 0).all()                   # a buurt without reports of it: zeros
    with caplog.at_level(logging.WARNING, logger="wijkradar.score"):
        score_counts(counts, ["A", "B"])
    named = [r.getMessage() for r in caplog.records if "2024-05" in r.getMessage()]
    assert len(named) == 1 and "wijkteam: 2024-05, 2024-06, 2024-07, 2024-08, 2024-09" in named[0]
    assert "deliver them again" in named[0]


def test_a_sparse_source_keeps_its_quiet_periods_as_zeros():
    # about one report a month over the municipality: a few empty weeks in a row are plausible, not a lost delivery
    counts = weekly("A", "graffiti", range(150), 0.25, source="handhaving")
    rate = counts["count"].sum() / 150
    panel = build_panel(counts, ["A"], "week")
    assert rate * 8 < MISSING_EXPECTED
    assert len(panel) == 150 - (counts["period_start"].min() - WEEK0).days // 7
    assert [b.missing for b in blocks(counts, ["A"])] == [()]


def test_a_municipality_that_has_not_delivered_the_latest_weeks_has_them_missing_not_zero():
    counts = pd.concat([weekly("G1a", "afval", range(120), 20), weekly("G2a", "afval", range(117), 20, seed=5)],
                       ignore_index=True)
    group_of = {"G1a": "GM1", "G2a": "GM2"}
    work = {b.group: b for b in blocks(counts, list(group_of), group_of)}
    last = index_to_start([work["GM2"].panel["period_index"].max()], "week")[0]
    assert last == WEEK0 + pd.Timedelta(weeks=116)                     # not three weeks of a collapse to zero
    assert len(work["GM2"].missing) == 3


def _pooled_flag():
    return next(pd.DataFrame({
        "wijkteam": ["WT"], "area_code": ["A"], "domain": ["social"], "period": ["week"],
        "period_start": [pd.Timestamp("2026-11-16")], "since": [pd.Timestamp("2026-11-16")],
        "last_seen": [pd.Timestamp("2026-11-16")], "level": ["aandacht"], "status": ["nieuw"],
        "look": ["pooled signals"], "signals": [""]}).itertuples(index=False))


def _cells():
    """Burenruzie: no count this week, but a small p-value of its window; Geluidsoverlast: above expected."""
    return pd.DataFrame({
        "area_code": "A", "domain": "social", "period": "week", "period_start": pd.Timestamp("2026-11-16"),
        "signal": ["burenruzie", "geluid"], "label_nl": ["Burenruzie", "Geluidsoverlast"],
        "label_en": ["Neighbour dispute", "Noise"], "unit_nl": "signalen", "count": [0, 4], "expected": [0.02, 1.2],
        "upper": [1.0, 4.0], "pvalue": [0.01, 0.03], "elevated": False, "in_a_row": 0, "reason": "",
        "alarm": False})


def test_a_pooled_flag_names_only_series_above_their_expected_count():
    text, _ = explain(_pooled_flag(), _cells(), NONE, {})
    assert "het meest: Geluidsoverlast 4 signalen" in text
    assert "Burenruzie" not in text                                    # was: "Burenruzie 0 signalen (verwacht 0,0"


def test_a_pooled_flags_chart_shows_the_series_its_text_names_not_the_domains_first():
    flag = pd.DataFrame([_pooled_flag()._asdict()])
    series = _cells()[["area_code", "domain", "signal", "period", "period_start", "count", "expected", "upper",
                       "alarm", "pvalue"]]
    [[(title, points)]] = chart_data(flag, series, {"burenruzie": "Burenruzie", "geluid": "Geluidsoverlast"})
    assert title == "Geluidsoverlast" and points["count"].tolist() == [4]


def test_list_quality_takes_a_seed_and_an_output_file(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from list_quality import FIRST_SEED, parser

    assert parser().parse_args([]).seed == FIRST_SEED == 3000 and parser().parse_args([]).out is None
    args = parser().parse_args(["--seed", "4100", "--out", str(tmp_path / "lq.md")])
    assert args.seed == 4100 and args.out == tmp_path / "lq.md"
