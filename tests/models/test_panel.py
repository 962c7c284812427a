"""The panel contract refuses what no detector should see, naming the rows."""
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
