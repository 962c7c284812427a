"""The open pages' threshold (`open_drempel` in rapport_instellingen.csv) may not go below 5 nor off the grid of the
rounding to 5: at 2 a count of 2 printed as "0" (the page said counts under 2 are hidden), and a build at 4 beside one
at 5 printed "5" and "<5", a count of exactly 4 (red team round 4b, F5)."""
import pytest

from pipelines.paths import resolve_home
from pipelines.reports.build import read_settings


def settings(tmp_path, value):
    home = resolve_home(tmp_path / "home")
    home.root.mkdir(parents=True, exist_ok=True)
    (home.root / "rapport_instellingen.csv").write_text(f"setting,value\nopen_drempel,{value}\n", encoding="utf-8")
    return read_settings(home)


@pytest.mark.parametrize("value", [0, 1, 2, 4, 7, 12])
def test_a_threshold_below_5_or_off_the_rounding_grid_is_refused(tmp_path, value):
    with pytest.raises(ValueError, match="open_drempel = .* is not allowed.*multiple of 5"):
        settings(tmp_path, value)


@pytest.mark.parametrize("value", [5, 10, 20])
def test_5_and_higher_multiples_of_5_are_taken(tmp_path, value):
    assert settings(tmp_path, value).open_drempel == value
