"""A held load's sentence is wijkradar's own: a period and its total that read as nine digits passing the BSN
11-test ("2024-02 125") are shown as they are, not as "[verwijderd: bsn]", so an analyst sees which months drop
(red team round 3a, F2). A personal value typed on the command line is still scrubbed (tests/pipelines/test_cli.py)."""
import pytest
from stdnum.nl import bsn

from pipelines.delivery import LoadHeld
from pipelines.privacy import scrub_text
from tests.conftest import load_file, write_csv

WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
A, B = "BU01185000", "BU01185001"


def test_a_held_loads_periods_and_totals_are_never_scrubbed(home, tmp_path):
    total = next(n for n in range(100, 1000) if bsn.is_valid(f"202609{n}"))
    assert scrub_text(f"2026-09 {total}") != f"2026-09 {total}"        # what the scrubber alone would do
    first = [[A, "2026-09", "eenzaamheid", total - 40], [B, "2026-09", "eenzaamheid", 40]]
    load_file(home, write_csv(tmp_path / "wijkteam_1.csv", WIJKTEAM, first), "wijkteam")
    with pytest.raises(LoadHeld) as held:
        load_file(home, write_csv(tmp_path / "wijkteam_2.csv", WIJKTEAM, [[A, "2026-09", "eenzaamheid", 1]]),
                  "wijkteam")
    assert f"(2026-09 {total} -> 41)" in str(held.value) and "verwijderd" not in str(held.value)
