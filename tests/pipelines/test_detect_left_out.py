"""wijkradar detect says which series it left out and why, and refuses a file with nothing to score."""
import numpy as np
import pandas as pd
import pytest

from pipelines.detect import DetectInputError, detect_file


def test_series_too_short_to_score_are_counted_with_the_history_they_need(tmp_path):
    rng = np.random.default_rng(10)
    pd.concat([pd.DataFrame({"series": "long", "period_index": np.arange(1, 61), "count": rng.poisson(3, 60)}),
               pd.DataFrame({"series": "new", "period_index": np.arange(53, 61), "count": [0, 1, 0, 2, 1, 0, 40, 55]})]
              ).to_csv(tmp_path / "counts.csv", index=False)
    done = detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", eval_start=55)
    assert (done.series, done.too_short, done.too_early, done.periods_needed) == (2, 1, 0, 10)
    assert set(pd.read_csv(tmp_path / "alarms.csv")["series"]) == {"long"}
    assert done.left_out("auto", 55) == ("1 of 2 series left out (no row in the output): 1 has fewer than the 10 "
                                         "delivered periods (with a count, not empty) auto needs (the scored period "
                                         "and 9 before it)")


def test_a_series_of_empty_counts_only_is_said_to_have_no_delivered_period(tmp_path):
    """Red team 8a F3: a series of 200 weeks, every count empty, was said to have fewer than the 10 periods auto
    needs; it has 200, none of them delivered."""
    rng = np.random.default_rng(11)
    pd.concat([pd.DataFrame({"series": "long", "period_index": np.arange(1, 201), "count": rng.poisson(3, 200)}),
               pd.DataFrame({"series": "never", "period_index": np.arange(1, 201), "count": [None] * 200})]
              ).to_csv(tmp_path / "counts.csv", index=False)
    done = detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", eval_start=190)
    assert done.too_short == 1 and "fewer than the 10 delivered periods (with a count, not empty)" in \
        done.left_out("auto", 190)


def test_a_file_with_no_series_long_enough_is_refused_with_the_reason(tmp_path):
    rng = np.random.default_rng(1)
    pd.DataFrame({"series": "a", "period_index": np.arange(1, 151), "count": rng.poisson(3, 150)}).to_csv(
        tmp_path / "counts.csv", index=False)
    with pytest.raises(DetectInputError, match="noufaily needs 160 delivered periods .* the longest series has 150; --method "
                                               "auto scores series from 10 periods on"):
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily")
    assert not (tmp_path / "alarms.csv").exists()
    with pytest.raises(DetectInputError, match="every series ends before --eval-start 400"):
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", eval_start=400)
