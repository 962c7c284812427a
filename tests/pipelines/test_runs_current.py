"""Which run is current, and the marts that describe it: an earlier week run after the current one, and a run
found again after another run replaced its scores."""
import pandas as pd

from pipelines import catalog
from pipelines.runs import find_run, restore_current_marts, score_and_flag
from pipelines.warehouse import connect, table_digest
from tests.conftest import demo_signal_counts, fill_counts

NOW, EARLIER = pd.Timestamp("2026-11-26"), pd.Timestamp("2026-11-12")


def marts(con) -> dict:
    tables = table_digest(con)
    return {t: tables[t] for t in ("marts.series_scores", "marts.area_evidence")}


def test_the_marts_describe_the_current_run_whatever_order_weeks_were_run_in(home, ref):

    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        current = score_and_flag(con, ref, today=NOW)
        scores_now = marts(con)
        earlier = score_and_flag(con, ref, today=EARLIER)          # an earlier week, run afterwards
        assert earlier.run_period < current.run_period and not earlier.reused
        scores_earlier = marts(con)
        assert scores_earlier != scores_now
        # the current run is the one of the latest period, not the last finished
        assert find_run(con).run_id == catalog.last_run(con)[0] == current.run_id
        assert restore_current_marts(con, ref) is None             # the flow does this after the earlier lists
        assert marts(con) == scores_now and catalog.marts_run(con) == current.run_id
        # a run found again scores its marts again when another run replaced them; its flags stay as they were
        flags = table_digest(con)["marts.area_flags"]
        again = score_and_flag(con, ref, today=EARLIER)
        assert again.reused and again.run_id == earlier.run_id and marts(con) == scores_earlier
        again = score_and_flag(con, ref, today=NOW)
        assert again.reused and again.run_id == current.run_id and marts(con) == scores_now
        assert table_digest(con)["marts.area_flags"] == flags
        assert len(con.execute("SELECT * FROM meta.runs").fetchall()) == 2


def test_marts_that_cannot_be_given_back_to_the_current_run_are_said_so(home, ref):

    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        current = score_and_flag(con, ref, today=NOW)
        con.execute("INSERT INTO meta.loads (load_id, source, file_name, content_hash, loaded_at, rows_read, "
                    "rows_accepted, rows_quarantined, load_seq, mode, rows_retracted) "
                    "VALUES ('late', 'meldingen', 'late.csv', 'x', now()::TIMESTAMP, 0, 0, 0, 1, 'delivery', 0)")
        earlier = score_and_flag(con, ref, today=EARLIER)          # sees a load the current run did not
        sentence = restore_current_marts(con, ref)
        assert sentence and current.run_id in sentence and "inputs changed since" in sentence
        assert catalog.marts_run(con) == earlier.run_id and find_run(con).run_id == current.run_id
