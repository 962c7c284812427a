"""A run says how many series it scores beyond the range the p-value is calibrated on (red team 7b F6): counts per
buurt of a whole city or country (police totals) are busier than any series the calibration simulated."""
import logging

import numpy as np
import pandas as pd

from pipelines.score import beyond_note, score_counts

WEEK0 = pd.Timestamp("2020-11-30")          # a Monday


def weekly(area, level, weeks=6 * 52, seed=1):
    starts = [WEEK0 + pd.Timedelta(weeks=w) for w in range(weeks)]
    return pd.DataFrame({"area_code": area, "signal": "zwerfafval", "period": "week", "period_start": starts,
                         "count": np.random.default_rng(seed).poisson(level, weeks), "source": "meldingen"})


def test_a_run_with_a_city_sized_series_warns_once_with_how_many(caplog):
    counts = pd.concat([weekly("A", 4.0), weekly("B", 2000.0, seed=2)], ignore_index=True)
    with caplog.at_level(logging.WARNING, logger="wijkradar.score"):
        scores = score_counts(counts, ["A", "B"]).scores
    notes = [r.getMessage() for r in caplog.records if "calibrated" in r.getMessage()]
    assert len(notes) == 1 and notes[0].startswith("1 of 2 series are scored beyond the range the p-value is "
                                                   "calibrated on (expected above 300 a period")
    assert beyond_note(scores[scores["area_code"] == "A"]) is None


def test_the_note_reads_the_latest_period_and_a_dispersion_beyond_the_simulated_one():
    scores = pd.DataFrame({"area_code": ["A", "A", "B", "C"], "signal": "s", "period": "week",
                           "expected": [400.0, 3.0, 20.0, 20.0], "phi": [1.0, 1.0, 40.0, np.nan]})
    assert beyond_note(scores).startswith("1 of 3 series")     # A's latest period is calm again; C has no phi
