"""Tiny frames for the list stage: two teams, three flags, a few weeks of chart points; no warehouse."""
from datetime import datetime

import pandas as pd
import pytest

from pipelines.lists.content import RunInfo

WEEKS = pd.date_range("2026-10-05", periods=8, freq="W-MON")     # 2026-W41 .. 2026-W48


@pytest.fixture
def flags():
    """Ranked as runs.read_flags gives them: per team alarm before aandacht before nazorg."""
    return pd.DataFrame({
        "wijkteam": ["noord", "noord", "zuid"],
        "area_code": ["BU01180001", "BU01180002", "BU01180009"],
        "name": ["=Hoek <b>", "Brink", "Zuidrand"],
        "domain": ["physical", "social", "safety"],
        "period": ["week", "week", "week"],
        "period_start": [WEEKS[6]] * 3,
        "since": [WEEKS[5], WEEKS[3], WEEKS[6]],
        "level": ["alarm", "aandacht", ""],
        "status": ["nieuw", "aanhoudend", "opgelost"],
        "signals": ["afval, graffiti", "", "inbraak"],
        "explanation": ["Afval: 9 meldingen, <script>x</script>", "Schulden stijgen", "Weer normaal"],
        "explanation_en": ["Litter: 9 reports", "Debts rising", "Back to normal"],
    })


@pytest.fixture
def series():
    """Weekly points for the first buurt (two signals) and the second (one social signal)."""
    def one(area, domain, signal, counts):
        return pd.DataFrame({"area_code": area, "domain": domain, "signal": signal, "period": "week",
                             "period_start": WEEKS, "count": counts, "expected": 1.5, "upper": 4.0,
                             "alarm": [False] * 6 + [True, False]})
    return pd.concat([one("BU01180001", "physical", "afval", [1, 2, 1, 0, 2, 1, 9, 3]),
                      one("BU01180001", "physical", "graffiti", [0, 0, 1, 0, 1, 0, 5, 1]),
                      one("BU01180002", "social", "schulden", [1, 1, 2, 2, 3, 3, 4, 4])], ignore_index=True)


@pytest.fixture
def labels():
    return {"afval": "Zwerfafval", "graffiti": "Graffiti <i>", "schulden": "Schulden"}


@pytest.fixture
def run():
    loads = pd.DataFrame({"source": ["meldingen"], "file_name": ["=m.csv"], "loaded_at": [pd.Timestamp("2026-11-23 06:00")],
                          "periods_from": ["2024-W01"], "periods_to": ["2026-W47"]})
    return RunInfo("2026-W47-abc", "2026-W47", datetime(2026, 11, 23, 6, 5), {"alpha": 0.005}, loads)
