"""Two inbox files whose names scrub alike keep an outcome each in the weekly flow's result."""
from pipelines import privacy
from pipelines.flows import _unique


def test_names_that_scrub_alike_get_a_number_each():
    taken = {}
    for raw in ("meldingen_jan_jansen.csv", "meldingen_piet_bakker.csv", "meldingen_anna_visser.csv"):
        taken[_unique(privacy.scrub_file_name(raw), taken)] = "refused"
    assert list(taken) == ["meldingen_[verwijderd].csv", "meldingen_[verwijderd].csv (2)",
                           "meldingen_[verwijderd].csv (3)"]
