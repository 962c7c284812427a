"""``--today`` takes a date jjjj-mm-dd only: the ISO week and basic forms Python's fromisoformat also reads
(``2026-W48``, ``2026-W48-1``, ``20261123``) crashed the weekly flow with a traceback; now every command
refuses them in one sentence, before anything starts."""
import pandas as pd
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


@pytest.mark.parametrize("today", ["11-01-2027", "2027-02-29", "2026-W48", "1-11-2027", "gisteren"])
def test_a_flows_today_is_read_as_the_cli_reads_it(today):
    """Red team: weekly(today="11-01-2027") ran as 1 November 2027 without a word, and 2027-02-29 ended in a pandas
    traceback; a flow's ``today`` (a deployment's parameter) now takes jjjj-mm-dd only, like --today."""
    from pipelines.flows import _day

    with pytest.raises(ValueError, match="is not a date jjjj-mm-dd"):
        _day(today)
    assert _day("2027-01-11") == pd.Timestamp("2027-01-11") and _day(None) is None


@pytest.mark.flow
def test_the_weekly_flow_refuses_a_today_it_cannot_read_before_any_work(tmp_path, prefect_harness):
    from pipelines.flows import weekly
    from pipelines.paths import resolve_home

    home = resolve_home(tmp_path / "new")            # no warehouse yet (the fixture's home has an empty one)

    with pytest.raises(ValueError, match="today='11-01-2027' is not a date jjjj-mm-dd"):
        weekly(home=str(home.root), today="11-01-2027")
    assert not home.warehouse.exists()
