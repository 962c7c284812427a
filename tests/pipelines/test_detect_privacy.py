"""wijkradar detect refuses series ids that hold personal data in the forms a red team typed them."""
import numpy as np
import pandas as pd
import pytest

from pipelines.detect import DetectInputError, detect_file


def counts(other: str, n_periods=190):
    rng = np.random.default_rng(3)
    rows = [(s, r, t, int(rng.poisson(4))) for s in ("BU01", other) for r in (1, 2) for t in range(1, n_periods + 1)]
    return pd.DataFrame(rows, columns=["series", "replicate", "period_index", "count"])


@pytest.mark.parametrize("value, kind", [("kerkstraat14", "adres"), ("jeroen brinkhuis", "naam"),
                                         ("brinkhuis jeroen", "naam"), ("7901 ab14", "adres"),
                                         ("jan jansen", "naam"), ("KX-381-P", "kenteken")])
def test_ids_typed_as_a_street_a_name_or_a_plate_are_refused_and_not_echoed(tmp_path, value, kind):
    counts(value).to_csv(tmp_path / "counts.csv", index=False)
    with pytest.raises(DetectInputError, match=f"column series looks like personal data \\({kind}") as err:
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily", eval_start=175)
    assert value not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv"]


@pytest.mark.parametrize("value", ["wijk-noord", "BU01185000|zwerfafval", "zwerfafval_centrum", "007"])
def test_ordinary_ids_are_scored(tmp_path, value):
    counts(value).to_csv(tmp_path / "counts.csv", index=False)
    detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily", eval_start=175)
    assert set(pd.read_csv(tmp_path / "alarms.csv", dtype={"series": str})["series"]) == {"BU01", value}
