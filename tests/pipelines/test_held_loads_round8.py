"""The older-file check and held loads (red team round 9): --accept-drop waives a drop only, an accepted load stays
held until it lands, the inbox orders a payload folder by the time the check compares, a file time in the future is
taken as the time of the load, file times are compared in UTC, and a load held again lists its current reason."""
import os
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import catalog
from pipelines.cli import app
from pipelines.delivery import LoadHeld
from pipelines.ingest import content_hash
from pipelines.warehouse import connect
from tests.conftest import load_file, migrated_with, write_csv

MELDINGEN = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
NOW = time.time()


def report(number: str, buurt: str = "BU01185000") -> list[str]:
    return [number, "03-11-2026 10:00", "Afval", "Zwerfafval", buurt]


def stamped(path, stamp: float):
    os.utime(path, (stamp, stamp))
    return path


def held(home) -> list[dict]:
    with connect(home.warehouse) as con:
        return con.execute("SELECT content_hash, reason, held_for, accepted_at FROM meta.held_loads").df() \
            .to_dict("records")


def ledger(home) -> dict:
    with connect(home.warehouse) as con:
        return dict(con.execute("SELECT report_key, area_code FROM core.report_ledger").fetchall())


@pytest.fixture
def amsterdam(monkeypatch):
    """The process runs in Europe/Amsterdam (restored after the test)."""
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_accept_drop_does_not_let_an_older_file_overwrite_a_newer_delivery(home, tmp_path):
    old = stamped(write_csv(tmp_path / "meldingen_old.csv", MELDINGEN, [report("M-1"), report("M-2")]), NOW - 7 * 86400)
    new = stamped(write_csv(tmp_path / "meldingen_new.csv", MELDINGEN, [report("M-1", "BU01185001")]), NOW - 86400)
    load_file(home, new)
    with pytest.raises(LoadHeld, match="the file is older") as caught:
        load_file(home, old, accept_drop=True)          # nothing in it lowers a period: only its age holds it
    assert "wijkradar loads accept" in str(caught.value) and "--accept-drop" not in str(caught.value)
    assert ledger(home) == {"id:M-1": "BU01185001"}
    assert "--accept-drop" not in held(home)[0]["reason"]


def test_a_drop_hold_still_names_accept_drop(home, tmp_path):
    full = stamped(write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN, [report(f"M-{i}") for i in range(10)]),
                   NOW - 7200)
    load_file(home, full)
    lower = stamped(write_csv(tmp_path / "meldingen_full.csv", MELDINGEN, [report(f"M-{i}") for i in range(4)]),
                    NOW - 3600)
    with pytest.raises(LoadHeld, match=r"loads accept [0-9a-f]{12}` \(or ingest it with --accept-drop\)"):
        load_file(home, lower, window="2026-11-01:2026-11-22")


def held_full_export(home, tmp_path, kept: int):
    """Ten reports of 2026-W45 loaded, then a full export of the window holding ``kept`` of them: held as a drop."""
    full = stamped(write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN, [report(f"M-{i}") for i in range(10)]),
                   NOW - 7200)
    load_file(home, full)
    lower = stamped(write_csv(tmp_path / "meldingen_full.csv", MELDINGEN, [report(f"M-{i}") for i in range(kept)]),
                    NOW - 3600)
    with pytest.raises(LoadHeld):
        load_file(home, lower, window="2026-11-01:2026-11-22")
    return lower


def test_a_killed_accept_leaves_the_load_held(home, tmp_path, monkeypatch):
    import pipelines.ingest as ingest

    lower = held_full_export(home, tmp_path, 4)
    digest = content_hash(lower)

    class Killed(BaseException):
        """The process dies half-way through the load's transaction (SIGKILL: nothing after it runs)."""

    def die(name):
        if name == "ingest-mid-transaction":
            raise Killed

    monkeypatch.setattr(ingest, "_fault_point", die)
    with pytest.raises(Killed):
        CliRunner().invoke(app, ["--home", str(home.root), "loads", "accept", digest[:12]], catch_exceptions=False)
    [row] = held(home)
    assert pd.isna(row["accepted_at"])                   # still waiting: nothing of it was applied
    listed = CliRunner().invoke(app, ["--home", str(home.root), "loads"]).output
    assert digest[:12] in listed
    monkeypatch.undo()
    again = CliRunner().invoke(app, ["--home", str(home.root), "loads", "accept", digest[:12]], catch_exceptions=False)
    assert again.exit_code == 0 and "6 earlier reports retracted" in again.output
    assert "no held loads" in CliRunner().invoke(app, ["--home", str(home.root), "loads"]).output


def test_an_accepted_load_held_again_keeps_what_was_accepted(home, tmp_path):
    lower = held_full_export(home, tmp_path, 5)
    load_file(home, stamped(write_csv(tmp_path / "meldingen_b.csv", MELDINGEN, [report("M-7", "BU01185001")]),
                            NOW - 60))
    out = CliRunner().invoke(app, ["--home", str(home.root), "loads", "accept", content_hash(lower)[:12]])
    assert out.exit_code == 2 and "the file is older" in " ".join(out.output.split())
    with connect(home.warehouse) as con:
        assert catalog.waivers(con, content_hash(lower)) == {"drop": ["2026-W45 10 -> 5"]}
    [row] = held(home)
    assert pd.isna(row["accepted_at"]) and '"older"' in row["held_for"]


def test_the_inbox_orders_a_payload_folder_by_its_newest_file(home):
    from pipelines.flows import inbox_files

    home.inbox.mkdir(parents=True, exist_ok=True)
    dump = home.inbox / "meldingen_signalen"
    dump.mkdir()
    (dump / "signals.csv").write_text("id,created_at,location_id,category_assignment_id\n"
                                      + "".join(f"{i},2026-11-03 10:00:00,{i},1\n" for i in range(1, 4)))
    (dump / "locations.csv").write_text("id,buurt_code\n" + "".join(f"{i},BU01185000\n" for i in range(1, 4)))
    (dump / "categories.csv").write_text("id,main,sub\n1,Afval,Zwerfafval\n")
    for f in dump.iterdir():
        stamped(f, NOW - 2 * 86400)                      # made two days ago; the folder itself is new (copied today)
    week = stamped(write_csv(home.inbox / "meldingen_week45.csv", MELDINGEN, [report("1", "BU01185001")]),
                   NOW - 86400)
    order = [path for path, _ in inbox_files(home)[0]]
    assert order == [dump, week]
    for path in order:
        load_file(home, path)                           # the folder, then the newer weekly file: nothing held
    assert held(home) == [] and ledger(home)["id:1"] == "BU01185001"


def test_a_file_time_in_the_future_is_taken_as_the_time_of_the_load(home, tmp_path):
    future = pd.Timestamp("2099-11-01").timestamp()
    first = stamped(write_csv(tmp_path / "wijkteam_okt.csv", WIJKTEAM, [["BU01185000", "2026-10", "eenzaamheid", 5]]),
                    future)
    result = load_file(home, first, "wijkteam")
    assert "warning: the file's modification time (2099-11-01" in result.describe()
    with connect(home.warehouse) as con:
        [(stored,)] = con.execute("SELECT file_modified_at FROM meta.loads").fetchall()
    assert pd.Timestamp(stored) <= pd.Timestamp.now(tz="UTC").tz_localize(None)
    revised = write_csv(tmp_path / "wijkteam_okt_herzien.csv", WIJKTEAM, [["BU01185000", "2026-10", "eenzaamheid", 6]])
    assert "warning" not in load_file(home, revised, "wijkteam").describe()   # made now: applied, not held
    with connect(home.warehouse) as con:
        assert con.execute("SELECT sum(count) FROM core.signal_counts").fetchone()[0] == 6


def test_file_times_compare_in_utc_across_the_night_clocks_go_back(home, tmp_path, amsterdam):
    first = stamped(write_csv(tmp_path / "meldingen_a.csv", MELDINGEN, [report("M-1")]),
                    pd.Timestamp("2026-10-25 00:30", tz="UTC").timestamp())     # 02:30 CEST
    second = stamped(write_csv(tmp_path / "meldingen_b.csv", MELDINGEN, [report("M-1", "BU01185001")]),
                     pd.Timestamp("2026-10-25 01:10", tz="UTC").timestamp())    # 02:10 CET, 40 minutes later
    load_file(home, first)
    load_file(home, second)
    assert ledger(home) == {"id:M-1": "BU01185001"} and held(home) == []
    with connect(home.warehouse) as con:
        stored = [t for (t,) in con.execute("SELECT file_modified_at FROM meta.loads ORDER BY load_seq").fetchall()]
    assert stored == [pd.Timestamp("2026-10-25 00:30"), pd.Timestamp("2026-10-25 01:10")]      # UTC


def test_an_older_message_shows_local_times(home, tmp_path, amsterdam):
    new = stamped(write_csv(tmp_path / "meldingen_new.csv", MELDINGEN, [report("M-1", "BU01185001")]),
                  pd.Timestamp("2026-07-01 10:00", tz="UTC").timestamp())
    old = stamped(write_csv(tmp_path / "meldingen_old.csv", MELDINGEN, [report("M-1")]),
                  pd.Timestamp("2026-06-30 10:00", tz="UTC").timestamp())
    load_file(home, new)
    with pytest.raises(LoadHeld, match=r"older \(2026-06-30 12:00\) than meldingen_new.csv \(2026-07-01 12:00"):
        load_file(home, old)


def test_file_times_stored_in_local_time_are_converted_to_utc_once(amsterdam):
    con = migrated_with(21, "INSERT INTO meta.loads (load_id, source, file_name, content_hash, loaded_at, rows_read, "
                            "rows_accepted, rows_quarantined, file_modified_at) VALUES "
                            "('a', 'wijkteam', 'a.csv', 'a', now(), 0, 0, 0, '2026-07-01 12:00'), "
                            "('b', 'wijkteam', 'b.csv', 'b', now(), 0, 0, 0, '2026-12-01 12:00'), "
                            "('c', 'wijkteam', 'c.csv', 'c', now(), 0, 0, 0, NULL)")
    got = dict(con.execute("SELECT load_id, file_modified_at FROM meta.loads").fetchall())
    assert got == {"a": pd.Timestamp("2026-07-01 10:00"), "b": pd.Timestamp("2026-12-01 11:00"), "c": None}


def test_a_load_held_again_lists_the_reason_it_is_held_for_now(home, tmp_path):
    rows = [report(f"M-{i}") for i in range(10)]
    load_file(home, stamped(write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN, rows), NOW - 7200))
    full = stamped(write_csv(tmp_path / "meldingen_full.csv", MELDINGEN, rows[:5]), NOW - 7100)
    with pytest.raises(LoadHeld, match="2026-W45 10 -> 5"):
        load_file(home, full, window="2026-11-01:2026-11-22")
    [first] = held(home)
    load_file(home, stamped(write_csv(tmp_path / "meldingen_w45b.csv", MELDINGEN, [report("M-7", "BU01185001")]),
                            NOW - 7000))
    with pytest.raises(LoadHeld, match="the file is older") as caught:
        load_file(home, full, window="2026-11-01:2026-11-22")
    [row] = held(home)
    assert row["reason"] == str(caught.value) and "meldingen_w45b.csv" in row["reason"]
    assert '"older"' in row["held_for"] and '"drop"' not in row["held_for"]
