"""Two inbox files whose names scrub alike keep an outcome each in the weekly flow's result."""
import re

import pytest

from pipelines import privacy
from pipelines.flows import _unique
from tests.conftest import load_file


def test_names_that_scrub_alike_get_a_number_each():
    taken = {}
    for raw in ("meldingen_jan_jansen.csv", "meldingen_piet_bakker.csv", "meldingen_anna_visser.csv"):
        taken[_unique(privacy.scrub_file_name(raw), taken)] = "refused"
    assert list(taken) == ["meldingen_[verwijderd].csv", "meldingen_[verwijderd].csv (2)",
                           "meldingen_[verwijderd].csv (3)"]


def test_a_load_is_stored_under_the_name_the_run_prints(home):
    """One rule for a file's shown name (``privacy.shown_file_name``): the load's stored name and the run's line
    agree, so a refused or loaded file is never named twice in two spellings."""
    from pipelines.warehouse import connect
    from tests.conftest import load_file, write_csv

    raw = "meldingen_week\u202e47.csv"
    rows = [[f"SIG-{i}", "02-11-2026", "Afval", "Zwerfafval", "BU01185000", "Afgehandeld"] for i in range(3)]
    path = write_csv(home.inbox / raw, ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie",
                                        "Buurtcode", "Status"], rows)
    result = load_file(home, path)
    with connect(home.warehouse) as con:
        stored = con.execute("SELECT file_name FROM meta.loads").fetchone()[0]
    assert stored == result.file_name == privacy.shown_file_name(raw) == "meldingen_week?47.csv"


def test_an_inbox_entry_that_is_no_file_is_left_alone_and_named(tmp_path):
    # a named pipe called meldingen_fifo.csv was skipped without a word (reading it would block the run)
    import os

    from pipelines.flows import NOT_A_FILE, inbox_files
    from pipelines.paths import resolve_home

    home = resolve_home(tmp_path / "home")
    home.inbox.mkdir(parents=True, exist_ok=True)
    os.mkfifo(home.inbox / "meldingen_week48.csv")
    (home.inbox / "meldingen_week47.csv").write_text("x")
    (home.inbox / "oud").mkdir()                       # a folder of old files stays unmentioned, as before
    files, ignored = inbox_files(home)
    assert [p.name for p, _ in files] == ["meldingen_week47.csv"]
    assert ignored == [f"meldingen_week48.csv {NOT_A_FILE}"]


def test_a_refusal_line_names_its_file_once_also_with_the_runs_number():
    # "meldingen_[verwijderd].zip (2): meldingen_[verwijderd].zip: the zip ..." named the file twice
    from pipelines.cli import refusal_line

    first, second = "meldingen_[verwijderd].zip", "meldingen_[verwijderd].zip (2)"
    assert refusal_line(first, f"{first}: the zip is damaged") == f"{first}: the zip is damaged"
    assert refusal_line(second, f"{first}: the zip is damaged") == f"{second}: the zip is damaged"
    assert refusal_line(second, "the zip is damaged") == f"{second}: the zip is damaged"
    # a returned list's refusal names its file with its team: "x.xlsx: x.xlsx (list of wijkteam ...)" named it twice
    answers = "terugkoppeling_de-weide.xlsx"
    why = f"{answers} (list of wijkteam de-weide): refused, row 5 holds a value"
    assert refusal_line(answers, why) == why
    assert refusal_line(f"{answers} (2)", why) == f"{answers} (2) (list of wijkteam de-weide): refused, row 5 holds a value"


def test_every_team_code_a_profile_takes_gets_its_own_valid_artifact_key():
    # a capital, an underscore, a Frisian letter or a slash in a team code failed every weekly run in publish
    from prefect.types.names import raise_on_name_alphanumeric_dashes_only

    from pipelines.flows import team_artifact_key

    codes = ["de-weide", "Noord", "noord", "de_weide", "Wâldwei", "waldwei", "'s-Hertogenbosch/West", "s-hertogenbosch-west",
             "Ærø", "___", "x" * 100]
    keys = [team_artifact_key(c) for c in codes]
    for key in keys:
        assert raise_on_name_alphanumeric_dashes_only(key) == key
    assert len(set(keys)) == len(codes)
    assert keys[0] == "wijkradar-flags-de-weide" and keys[2] == "wijkradar-flags-noord"   # history kept
    assert keys[1].startswith("wijkradar-flags-noord--") and keys[4].startswith("wijkradar-flags-waldwei--")

def test_an_inbox_file_still_being_copied_is_named_and_one_left_alone_is_not(tmp_path):
    # nothing checked that a file was complete: the part copied so far loaded as a delivery, and the whole file
    # loaded again by the next run as a new one
    import threading
    import time

    from pipelines.flows import still_written

    done, busy = tmp_path / "meldingen_week46.csv", tmp_path / "meldingen_week47.csv"
    done.write_text("Hoofdcategorie;Subcategorie;Buurtcode;Datum melding\n")
    busy.write_text("Hoofdcategorie;Subcategorie;Buurtcode;Datum melding\n")

    def copy_goes_on():
        time.sleep(0.2)
        with busy.open("a") as fh:
            fh.write("Afval;Zwerfafval;BU01185000;2026-11-17\n")

    copier = threading.Thread(target=copy_goes_on)
    started = time.monotonic()
    copier.start()
    assert still_written([done, busy], settle=1.5) == [busy]
    copier.join()
    assert time.monotonic() - started < 3                  # waits at most the settle time
    assert still_written([done, busy], settle=0) == []       # 0: no wait, nothing checked
    assert still_written([done, busy], settle=1.5) == []     # unchanged for the settle time: complete


def test_an_unpacked_delivery_folder_is_named_and_other_spreadsheets_go_to_the_content_check(tmp_path, home):
    # wijkteam_oktober/ was skipped without a word, and wijkteam_december.xls was told to be named wijkteam_*.xlsx
    from pipelines.flows import A_FOLDER, inbox_files
    from pipelines.sources.common import IngestError

    home.inbox.mkdir(parents=True, exist_ok=True)
    (home.inbox / "wijkteam_oktober").mkdir()
    (home.inbox / "wijkteam_oktober" / "wijkteam_oktober.csv").write_text("Buurtcode;Maand;Signaal;Aantal\n")
    (home.inbox / "schulden_2026-10").mkdir()
    (home.inbox / "meldingen_dump").mkdir()             # a Signalen dump unpacked: meldingen reads folders
    (home.inbox / "oud").mkdir()
    (home.inbox / "wijkteam_december.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (home.inbox / "schulden_november.ods").write_bytes(b"PK\x03\x04")
    (home.inbox / "wijkteam_november.xlsm").write_bytes(b"PK\x03\x04")
    files, ignored = inbox_files(home)
    assert sorted(ignored) == [f"schulden_2026-10 {A_FOLDER}", f"wijkteam_oktober {A_FOLDER}"]
    assert sorted((p.name, s) for p, s in files) == [
        ("meldingen_dump", "meldingen"), ("schulden_november.ods", "schulden"),
        ("wijkteam_december.xls", "wijkteam"), ("wijkteam_november.xlsm", "wijkteam")]
    with pytest.raises(IngestError, match=r"wijkteam_december\.xls: this is an old Excel 97-2003 \.xls file; save it as"):
        load_file(home, home.inbox / "wijkteam_december.xls", "wijkteam")


def test_a_compressed_delivery_in_the_inbox_goes_to_the_content_check_and_is_told_to_unpack(home):
    # meldingen_week48.csv.gz was told "matches no source; name it meldingen_*.csv", a name it already had
    import gzip

    from pipelines.flows import inbox_files
    from pipelines.sources.common import IngestError

    home.inbox.mkdir(parents=True, exist_ok=True)
    (home.inbox / "meldingen_week48.csv.gz").write_bytes(gzip.compress(b"Meldingnummer;Datum\n1;2026-11-20\n"))
    (home.inbox / "schulden_november.csv.bz2").write_bytes(b"BZh91AY&SY" + b"\0" * 40)
    (home.inbox / "wijkteam_oktober.xlsx.xz").write_bytes(b"\xfd7zXZ\x00" + b"\0" * 40)
    (home.inbox / "notities.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\0" * 40)
    files, ignored = inbox_files(home)
    assert [n.endswith(".7z") for n in ignored] == [True]   # named after no source: left alone as before
    assert sorted((p.name, s) for p, s in files) == [("meldingen_week48.csv.gz", "meldingen"),
                                                     ("schulden_november.csv.bz2", "schulden"),
                                                     ("wijkteam_oktober.xlsx.xz", "wijkteam")]
    for name, source, what in (("meldingen_week48.csv.gz", "meldingen", r"a gzip-compressed file \(\.gz\)"),
                               ("schulden_november.csv.bz2", "schulden", r"a bzip2-compressed file \(\.bz2\)"),
                               ("wijkteam_oktober.xlsx.xz", "wijkteam", r"an xz-compressed file \(\.xz\)")):
        with pytest.raises(IngestError, match=rf"{re.escape(name)}: this is {what}, not a CSV or XLSX table; unpack it"):
            load_file(home, home.inbox / name, source)
