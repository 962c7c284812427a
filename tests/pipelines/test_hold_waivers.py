"""Accepting a held load waives only what it was held for: an older file stays held when a newer delivery came
in after the hold, and an accepted drop is measured again against the warehouse as it is when applied."""
import os

import pytest

from pipelines import catalog
from pipelines.delivery import LoadHeld
from pipelines.ingest import content_hash
from pipelines.warehouse import connect, transaction
from tests.conftest import load_file, write_csv

WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
AREAS = ["BU01185000", "BU01185001", "BU01185002"]


def export(folder, day: str, september: int, stamp: int):
    """A wijkteam export of three buurten (September: ``september`` per buurt) modified at ``stamp``."""
    path = write_csv(folder / f"wijkteam_{day}.csv", WIJKTEAM,
                     [[a, f"2026-{m:02d}", "eenzaamheid", september if m == 9 else 10] for a in AREAS
                      for m in range(1, 10)])
    os.utime(path, (stamp, stamp))
    return path


def load(home, path):
    return load_file(home, path, "wijkteam")


def accept(home, path):
    with connect(home.warehouse) as con, transaction(con):
        catalog.accept_held(con, content_hash(path))


def september(home) -> int:
    with connect(home.warehouse) as con:
        return con.execute("SELECT sum(count) FROM core.signal_counts WHERE period_start = '2026-09-01'").fetchone()[0]


def test_accepting_a_drop_after_a_newer_delivery_does_not_overwrite_the_newer_figures(home, tmp_path):
    first = export(tmp_path, "2026-10-01", 10, 1_790_000_000)
    lower = export(tmp_path, "2026-10-15", 2, 1_791_000_000)
    newest = export(tmp_path, "2026-11-01", 12, 1_792_000_000)
    load(home, first)
    with pytest.raises(LoadHeld, match=r"2026-09 30 -> 6"):
        load(home, lower)
    load(home, newest)
    assert september(home) == 36
    accept(home, lower)                               # the drop 30 -> 6 of October
    with pytest.raises(LoadHeld, match=r"the file is older .* than wijkteam_2026-11-01.csv"):
        load(home, lower)
    assert september(home) == 36
    accept(home, lower)                               # the old values are meant: the older file is waived ...
    with pytest.raises(LoadHeld, match=r"2026-09 36 -> 6\) \(the drop accepted earlier, 2026-09 30 -> 6, was measured"):
        load(home, lower)                             # ... but the drop it makes now is another one
    assert september(home) == 36
    accept(home, lower)
    assert load(home, lower).rows_accepted == 27 and september(home) == 6


def test_accepting_an_older_file_does_not_waive_a_drop(home, tmp_path):
    newest = export(tmp_path, "2026-11-01", 12, 1_792_000_000)
    old_and_lower = export(tmp_path, "2026-10-15", 2, 1_791_000_000)
    load(home, newest)
    with pytest.raises(LoadHeld, match=r"the file is older"):
        load(home, old_and_lower)
    accept(home, old_and_lower)
    with pytest.raises(LoadHeld, match=r"2026-09 36 -> 6"):
        load(home, old_and_lower)
    with connect(home.warehouse) as con:
        assert len(catalog.held_loads(con)) == 1       # waiting again, for its new reason
    accept(home, old_and_lower)
    load(home, old_and_lower)
    assert september(home) == 6


def test_holds_made_before_the_waivers_keep_what_was_accepted_and_no_more():
    from tests.conftest import migrated_with

    con = migrated_with(12, "INSERT INTO meta.held_loads (content_hash, source, file_name, path, mode, held_at, reason, "
                        "accepted_at) VALUES "
                        "('old', 'wijkteam', 'a.csv', '', 'delivery', now(), 'a.csv: held, nothing applied: the file "
                        "is older (2026-10-15 08:00) than b.csv (2026-11-01 08:00, load wijkteam-b546cab9b328), "
                        "whose values it would overwrite in 3 cell(s)', now()), "
                        "('accepted', 'wijkteam', 'c.csv', '', 'delivery', now(), 'c.csv: held (2026-09 30 -> 6)', now()), "
                        "('waiting', 'wijkteam', 'd.csv', '', 'delivery', now(), 'd.csv: held (2026-09 30 -> 6)', NULL)")
    assert catalog.waivers(con, "old") == {"older": ["wijkteam-b546cab9b328"]}
    assert catalog.waivers(con, "accepted") == {"drop": None}          # as accepting did before: any drop
    catalog.accept_held(con, "waiting")
    assert catalog.waivers(con, "waiting") == {}                        # measured again, then held as measured


def test_a_held_message_names_each_file_once_as_the_load_list_does(home, tmp_path):
    """Names of deliveries (``levering_1200``) are file names, not addresses: the message gives the held file once
    and the newer delivery as ``meta.loads`` keeps it (red team 15a, repro_3)."""
    rows = [["BU01185000", "2026-10", "eenzaamheid", 5], ["BU01185001", "2026-10", "eenzaamheid", 4]]
    newer = write_csv(tmp_path / "wijkteam_levering_1200.csv", WIJKTEAM, rows)
    os.utime(newer, (1_792_000_000, 1_792_000_000))
    load(home, newer)
    older = write_csv(tmp_path / "wijkteam_levering_1000.csv", WIJKTEAM, [rows[0][:3] + [9], rows[1]])
    os.utime(older, (1_791_000_000, 1_791_000_000))
    with pytest.raises(LoadHeld) as held:
        load(home, older)
    message = str(held.value)
    assert message.startswith("wijkteam_levering_1000.csv: held, nothing applied: the file is older")
    assert message.count("wijkteam_levering_1000.csv") == 1 and "than wijkteam_levering_1200.csv (" in message
    assert "verwijderd" not in message
