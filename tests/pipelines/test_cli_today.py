"""``--today`` takes a date jjjj-mm-dd only: the ISO week and basic forms Python's fromisoformat also reads
(``2026-W48``, ``2026-W48-1``, ``20261123``) crashed the weekly flow with a traceback; now every command
refuses them in one sentence, before anything starts."""
import pytest

from pipelines.warehouse import connect
from tests.pipelines.test_cli import invoke, write_csv


@pytest.mark.parametrize("command", [["ingest", "--source", "meldingen", "FILE"], ["feedback", "import", "FILE"],
                                     ["run"]])
@pytest.mark.parametrize("today", ["2026-W48", "2026-W48-1", "20261123", "2026W481"])
def test_a_week_or_basic_form_is_refused_in_one_sentence(home, tmp_path, command, today):
    f = write_csv(tmp_path / "meldingen.csv", ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
                  [["02-11-2026", "Afval", "Zwerfafval", "BU01185000"]])
    with connect(home.warehouse):            # answers are imported into a working folder that sent lists
        pass
    res = invoke(home, *[str(f) if c == "FILE" else c for c in command], "--today", today)
    assert res.exit_code == 2 and "is not a date jjjj-mm-dd" in res.output and "Traceback" not in res.output
    assert "starting the weekly flow" not in res.output
