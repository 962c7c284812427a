"""The panel contract refuses what no detector should see, naming the rows."""
import numpy as np
import pandas as pd
import pytest

from models.panel import PanelError, check_panel, from_matrix, to_matrix


def panel(**overrides):
    p = pd.DataFrame({"series": ["a", "a", "a", "b", "b"], "period_index": [1, 2, 3, 1, 2], "count": [0, 2, 5, 1, 1]})
    for col, values in overrides.items():
        p[col] = values
    return p


def test_a_good_panel_passes_and_round_trips_through_the_matrix():
    p = panel()
    check_panel(p, ["series"])
    m = to_matrix(p, ["series"])
    assert m.counts.shape == (2, 3)
    out = from_matrix(m, {"count": m.counts}, ~pd.isna(m.counts))
    assert sorted(map(tuple, out[["series", "period_index", "count"]].to_numpy().tolist())) == \
        sorted(map(tuple, p.to_numpy().tolist()))


@pytest.mark.parametrize("overrides, message", [
    ({"count": [0, 2, -1, 1, 1]}, "data row\\(s\\) 3 are not"),
    ({"count": [0, 2.5, 5, 1, 1]}, "whole numbers"),
    ({"count": [0, "x", 5, 1, 1]}, "whole numbers"),
    ({"period_index": [1, 2, 2, 1, 2]}, "duplicate series/period keys in data row\\(s\\) 2, 3"),
    ({"period_index": [1, 2, 4, 1, 2]}, "gaps"),
])
def test_bad_panels_are_refused_with_the_rows_named(overrides, message):
    with pytest.raises(PanelError, match=message):
        check_panel(panel(**overrides), ["series"])


def test_missing_columns_are_named():
    with pytest.raises(PanelError, match="missing column"):
        check_panel(panel().drop(columns="count"), ["series"])


@pytest.mark.parametrize("count", [1e20, 1e300, 9223372036854775807, 1_000_000_001])
def test_counts_above_the_ceiling_are_refused_naming_the_row_and_the_limit(count):
    p = panel(count=[0, 2, 5, 1, 1]).astype({"count": object})
    p.loc[3, "count"] = count
    with pytest.raises(PanelError, match="at most 1,000,000,000 per series and period: data row\\(s\\) 4 are above"):
        check_panel(p, ["series"])


def test_series_far_apart_in_time_are_refused_before_any_matrix_is_made():
    import tracemalloc

    far = pd.DataFrame({"series": ["a"] * 300 + ["b"] * 300,
                        "period_index": list(range(1, 301)) + list(range(10**9 + 1, 10**9 + 301)), "count": 1})
    tracemalloc.start()
    for check in (lambda: check_panel(far, ["series"]), lambda: to_matrix(far, ["series"])):
        with pytest.raises(PanelError, match="period_index spans 1,000,000,300 periods .*renumber period_index"):
            check()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 * 2**20


def test_too_many_series_periods_are_refused(monkeypatch):
    import models.panel as panel_module

    monkeypatch.setattr(panel_module, "MAX_CELLS", 5)        # 2 series x 3 periods
    with pytest.raises(PanelError, match="2 series over 3 periods is more than the 5 series-periods"):
        check_panel(panel(), ["series"])


@pytest.mark.parametrize("method", ["auto", "noufaily", "ears-c2", "cusum"])
def test_an_empty_panel_is_refused_with_a_sentence(method):
    from models.detectors import make_detector

    empty = pd.DataFrame({"s": pd.Series([], dtype=object), "period_index": pd.Series([], dtype="int64"),
                          "count": pd.Series([], dtype="int64")})
    with pytest.raises(PanelError, match="no rows"):
        make_detector(method).score(empty, ["s"])


def test_an_na_count_is_a_period_not_delivered_missing_in_the_matrix():
    p = panel(count=[0, None, 5, 1, float("nan")])
    check_panel(p, ["series"])
    m = to_matrix(p, ["series"])
    assert np.isnan(m.counts[0, 1]) and np.isnan(m.counts[1, 1]) and m.counts[0, 2] == 5
    with pytest.raises(PanelError, match="count 0 where there were no reports, an empty count where the period was "
                                         "not delivered"):
        check_panel(panel(period_index=[1, 2, 4, 1, 2]), ["series"])
