"""wijkradar detect: any count file in, alarms out; every kind of bad input refused, nothing written."""
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


def counts(n_periods=200, series=("a", "b"), replicates=(1, 2)):
    rng = np.random.default_rng(0)
    rows = [(s, r, t, int(rng.poisson(5))) for s in series for r in replicates for t in range(1, n_periods + 1)]
    return pd.DataFrame(rows, columns=["series", "replicate", "period_index", "count"])


def run(tmp_path, frame, *extra):
    inp, out = tmp_path / "counts.csv", tmp_path / "alarms.csv"
    frame.to_csv(inp, index=False)
    res = runner.invoke(app, ["detect", "--input", str(inp), "--output", str(out), *extra])
    return res, out


def test_scores_and_carries_extra_id_columns(tmp_path):
    res, out = run(tmp_path, counts(), "--method", "noufaily", "--eval-start", "180")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    assert list(got.columns) == ["series", "replicate", "period_index", "count", "expected", "upper", "score",
                                 "pvalue", "alarm", "method", "reason"]
    assert len(got) == 4 * 21 and got["period_index"].min() == 180
    assert set(got["replicate"]) == {1, 2}


@pytest.mark.parametrize("mutate, message", [
    (lambda f: f.drop(columns="count"), "missing column"),
    (lambda f: f.assign(count=f["count"].where(f.index != 5, -2)), "data row\\(s\\) 6 are not"),
    (lambda f: f.assign(count=f["count"].astype(float).where(f.index != 7, 2.5)), "whole numbers"),
    (lambda f: f.drop(index=10), "gaps"),
    (lambda f: pd.concat([f, f.iloc[[3]]]), "duplicate"),
    (lambda f: f.assign(period_index=f["period_index"].where(f.index != 0, 0)), "period_index must be"),
])
def test_bad_input_is_refused_and_nothing_written(tmp_path, mutate, message):
    res, out = run(tmp_path, mutate(counts(n_periods=30)))
    assert res.exit_code == 2
    assert pytest.importorskip("re").search(message, " ".join(res.output.split())), res.output   # however wrapped
    assert not out.exists()


def test_unknown_method_and_frequency(tmp_path):
    res, _ = run(tmp_path, counts(n_periods=30), "--method", "magic")
    assert res.exit_code == 2 and "unknown method" in res.output
    res, _ = run(tmp_path, counts(n_periods=30), "--frequency", "7")
    assert res.exit_code == 2 and "frequency 7 is not supported" in res.output


@pytest.mark.parametrize("mutate, message", [
    (lambda f: f.assign(count=f["count"].astype(object).where(f.index != 4, "1e20")), "at most 1,000,000,000"),
    (lambda f: f.assign(count=f["count"].astype(object).where(f.index != 4, "9223372036854775807")),
     "at most 1,000,000,000"),
    (lambda f: f.assign(period_index=f["period_index"] + np.where(f["series"] == "b", 10**9, 0)),
     "period_index spans 1,000,000,030 periods"),
])
def test_counts_out_of_range_and_periods_far_apart_are_refused(tmp_path, mutate, message):
    res, out = run(tmp_path, mutate(counts(n_periods=30)))
    assert res.exit_code == 2 and message in " ".join(res.output.split()), res.output
    assert "Traceback" not in res.output and not out.exists()
