"""The advice of a refused file follows what most of its failing rows are (the fortieth session's scheduled runs)."""
import pytest

from tests.conftest import load_file as load, write_csv
from tests.pipelines.test_counts_round36 import CODES, WIJKTEAM


def test_a_code_column_of_personal_data_is_advised_as_personal_data_not_as_another_division(home, tmp_path):
    """Found: a file whose buurt code column held e-mail addresses and citizen numbers (removed as personal data)
    was refused with "most buurt codes are of another CBS division than the profile's: map each of those codes ...
    in buurtcode_wijzigingen.csv": the removed codes failed the area check too, and only those failures were read."""
    from pipelines.validate import ValidationRefused

    rows = [[CODES[0], "2026-10", "eenzaamheid", "3"], [CODES[1], "2026-10", "eenzaamheid", "2"],
            ["jan@example.nl", "2026-10", "eenzaamheid", "1"], ["111222333", "2026-10", "eenzaamheid", "1"],
            [CODES[2], "2026-10", "Jan de Vries 06-12345678", "4"], [CODES[3], "2026-10", "eenzaamheid", "veel"]]
    with pytest.raises(ValidationRefused) as refused:
        load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
    said = str(refused.value)
    assert "most of those rows hold personal data" in said and "--max-failed-share 0.67" in said, said
    assert "another CBS division" not in said and "map each of those codes" not in said
    assert not [v for v in ("jan@example.nl", "111222333", "Jan de Vries", "12345678") if v in said]


def test_codes_of_another_division_are_still_advised_to_be_mapped(home, tmp_path):
    from pipelines.validate import ValidationRefused

    rows = [[CODES[0], "2026-10", "eenzaamheid", "3"]] + [[f"BU0118{n:04d}", "2026-10", "eenzaamheid", "1"]
                                                         for n in (9901, 9902, 9903)]
    with pytest.raises(ValidationRefused, match="most buurt codes are of another CBS division"):
        load(home, write_csv(tmp_path / "wijkteam.csv", WIJKTEAM, rows), "wijkteam")
