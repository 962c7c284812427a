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


def test_a_killed_accept_leaves_the_load_held(home, tmp_path, monkeypatch):
    import pipelines.ingest as ingest

    full = stamped(write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN, [report(f"M-{i}") for i in range(10)]),
                   NOW - 7200)
    load_file(home, full)
    lower = stamped(write_csv(tmp_path / "meldingen_full.csv", MELDINGEN, [report(f"M-{i}") for i in range(4)]),
                    NOW - 3600)
    with pytest.raises(LoadHeld):
        load_file(home, lower, window="2026-11-01:2026-11-22")
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
    full = stamped(write_csv(tmp_path / "meldingen_w45.csv", MELDINGEN, [report(f"M-{i}") for i in range(10)]),
                   NOW - 7200)
    load_file(home, full)
    lower = stamped(write_csv(tmp_path / "meldingen_full.csv", MELDINGEN, [report(f"M-{i}") for i in range(5)]),
                    NOW - 3600)
    with pytest.raises(LoadHeld):
        load_file(home, lower, window="2026-11-01:2026-11-22")
    load_file(home, stamped(write_csv(tmp_path / "meldingen_b.csv", MELDINGEN, [report("M-7", "BU01185001")]),
                            NOW - 60))
    out = CliRunner().invoke(app, ["--home", str(home.root), "loads", "accept", content_hash(lower)[:12]])
    assert out.exit_code == 2 and "the file is older" in " ".join(out.output.split())
    with connect(home.warehouse) as con:
        assert catalog.waivers(con, content_hash(lower)) == {"drop": ["2026-W45 10 -> 5"]}
    [row] = held(home)
    assert pd.isna(row["accepted_at"]) and '"older"' in row["held_for"]


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
