"""Which run is current, and the marts that describe it: an earlier week run after the current one, and a run
found again after another run replaced its scores."""
import re

import pandas as pd

from pipelines import catalog
from pipelines.runs import find_run, restore_current_marts, score_and_flag
from pipelines.warehouse import connect, table_digest
from tests.conftest import demo_signal_counts, fill_counts

NOW, EARLIER = pd.Timestamp("2026-11-26"), pd.Timestamp("2026-11-12")


def marts(con) -> dict:
    tables = table_digest(con)
    return {t: tables[t] for t in ("marts.series_scores", "marts.area_evidence")}


def test_the_marts_describe_the_current_run_whatever_order_weeks_were_run_in(home, ref, caplog):

    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        caplog.set_level("INFO", logger="wijkradar")
        current = score_and_flag(con, ref, today=NOW)
        # the longest step says for one municipality when its scoring is done (round 37: 50 s without a line)
        said = [r.getMessage() for r in caplog.records]
        assert any(re.fullmatch(r"scored \d+ series in \d+ s; flagging them", m) for m in said), said
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


def deliver(con, load_id: str, counts: list[tuple[str, int]], area: str = "BU01185000",
            signal: str = "zwerfafval") -> None:
    """A load ``load_id`` that writes (or raises to) ``count`` for ``signal`` in ``area`` in the weeks starting on
    the given days."""
    con.execute("INSERT INTO meta.loads (load_id, source, file_name, content_hash, loaded_at, rows_read, "
                "rows_accepted, rows_quarantined, load_seq, mode, rows_retracted) "
                "VALUES (?, 'meldingen', ?, ?, now()::TIMESTAMP, 0, 0, 0, 1, 'delivery', 0)",
                [load_id, f"{load_id}.csv", load_id])
    for day, count in counts:
        con.execute("INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id) "
                    "VALUES (?, ?, 'week', ?::DATE, ?, 'meldingen', ?) "
                    "ON CONFLICT DO UPDATE SET count = core.signal_counts.count + excluded.count, load_id = excluded.load_id",
                    [area, signal, day, count, load_id])


def test_marts_that_cannot_be_given_back_to_the_current_run_are_said_so(home, ref):

    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        current = score_and_flag(con, ref, today=NOW)
        deliver(con, "late", [("2026-11-16", 3)])     # a late count of the current run's week (2026-W47)
        earlier = score_and_flag(con, ref, today=EARLIER)          # sees a load the current run did not
        sentence = restore_current_marts(con, ref)
        assert sentence and current.run_id in sentence and "inputs changed since" in sentence
        assert catalog.marts_run(con) == earlier.run_id and find_run(con).run_id == current.run_id


def test_an_earlier_week_run_again_after_a_later_delivery_finds_its_run(home, ref):
    """Red team 6b, F6: re-running an earlier week after a later week's delivery made a new run of that week (the run
    key holds every load) and replaced the lists sent. A delivery that touched none of the week's inputs leaves its
    run as it was; one that brought late rows of the week or of its history makes a new run."""
    later = pd.Timestamp("2026-12-03")
    with connect(home.warehouse) as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=3))
        first = score_and_flag(con, ref, today=NOW)                 # 2026-W47
        deliver(con, "w48", [("2026-11-23", 4)])                    # next week's delivery
        assert score_and_flag(con, ref, today=later).run_period == "2026-W48"
        flags = table_digest(con)["marts.area_flags"]
        again = score_and_flag(con, ref, today=NOW)
        assert again.reused and again.run_id == first.run_id and again.run_period == "2026-W47"
        assert table_digest(con)["marts.area_flags"] == flags
        assert con.execute("SELECT count(*) FROM meta.runs").fetchone()[0] == 2
        # the next delivery brings a late row of 2026-W45: the week's history changed, a new run
        deliver(con, "w49", [("2026-11-30", 2), ("2026-11-02", 1)])
        fresh = score_and_flag(con, ref, today=NOW)
        assert not fresh.reused and fresh.run_id != first.run_id and fresh.run_period == "2026-W47"
        assert score_and_flag(con, ref, today=NOW).run_id == fresh.run_id       # and found again from then on
        # a correction takes the late row back: the week reads as the first run read it, but that run was replaced
        # (the lists hold the new one); a run of its own, not the superseded one taken up again
        deliver(con, "fix", [("2026-11-02", -1)])
        back = score_and_flag(con, ref, today=NOW)
        assert not back.reused and back.run_id not in (first.run_id, fresh.run_id)
        assert find_run(con, period="2026-W47").run_id == back.run_id
