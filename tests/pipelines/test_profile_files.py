"""A working folder's profile that lost a file is refused in one sentence naming the file, before anything is read or
changed; it never runs on the repository's demo profile (red team 6b F3: a Coevorden home became Hoogeveen, and a buurt
landed on another team's list) and a missing categories file is never blamed on a delivery (6b F4)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from pipelines import reference
from pipelines.paths import PROFILE_FILES, REFERENCE_DIR, REPO_ROOT
from pipelines.warehouse import connect
from tests.conftest import write_csv

MOVED = "BU01185101"          # Kinholt: team de-weide in the demo profile, zuid-oost in this home's


@pytest.fixture
def own_profile(home):
    """``home`` with its own profile (the demo's, Kinholt moved to zuid-oost), synced into its warehouse."""
    folder = home.root / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    indeling = folder / "buurt_indeling.csv"
    lines = indeling.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace(",de-weide", ",zuid-oost") if ln.startswith(MOVED) else ln for ln in lines]
    indeling.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference.for_home(home))
    return home


def teams(home) -> dict:
    with connect(home.warehouse) as con:
        return dict(con.execute("SELECT area_code, wijkteam FROM core.areas WHERE level = 'buurt'").fetchall())


def cli(home, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def run_with_a_delivery(home):
    """A meldingen file in the inbox and ``run``, which must stop with exit code 2: (the file, the output)."""
    home.inbox.mkdir(parents=True, exist_ok=True)
    delivery = write_csv(home.inbox / "meldingen_export_2026-W48.csv",
                         ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
                         [["M-1", "24-11-2026 10:00", "Afval", "Illegale afvaldump", "BU01185000"]])
    res = cli(home, "run", "--today", "2026-11-30")
    out = " ".join((res.stdout + res.stderr).split())
    assert res.returncode == 2, out
    return delivery, out


@pytest.mark.parametrize("name", PROFILE_FILES)
def test_a_profile_without_one_of_its_files_is_refused_naming_it_never_read_as_the_demos(own_profile, name):
    (own_profile.root / "reference" / name).unlink()
    assert own_profile.reference_dir == own_profile.root / "reference"
    with pytest.raises(reference.ReferenceError, match=f"lacks {name}; nothing was read or changed") as err:
        reference.Reference.for_home(own_profile)
    assert "wijkradar init" in str(err.value) and str(own_profile.root / "reference") in str(err.value)


def test_a_home_that_lost_its_division_stops_before_anything_changes(own_profile):
    before = teams(own_profile)
    assert before[MOVED] == "zuid-oost"
    (own_profile.root / "reference" / "gebiedsindeling_2024.csv").unlink()
    res = cli(own_profile, "run", "--today", "2026-11-30")
    out = " ".join((res.stdout + res.stderr).split())
    assert res.returncode == 2, out
    assert "lacks gebiedsindeling_2024.csv" in out and "Traceback" not in out
    assert teams(own_profile) == before                   # the warehouse still holds the home's own teams


def test_a_missing_categories_file_is_no_fault_of_the_delivery_and_the_file_stays_in_the_inbox(own_profile):
    (own_profile.root / "reference" / "meldingen_categorieen.csv").unlink()
    delivery, out = run_with_a_delivery(own_profile)
    assert "lacks meldingen_categorieen.csv" in out
    assert "could not be read" not in out and "export it again" not in out
    assert delivery.exists()
    with connect(own_profile.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM meta.runs").fetchone()[0] == 0


def test_init_does_not_write_over_a_profile_that_lost_a_file(own_profile):
    (own_profile.root / "reference" / "gebiedsindeling_2024.csv").unlink()
    res = cli(own_profile, "init", "--gemeente", "GM0118")
    assert res.returncode != 0 and "already holds a profile" in " ".join((res.stdout + res.stderr).split())
    assert MOVED + ",zuid-oost" in (own_profile.root / "reference" / "buurt_indeling.csv").read_text(encoding="utf-8")


def test_a_profile_file_in_error_stops_the_run_before_any_delivery_is_read(own_profile):
    """Every table of the profile is read at the start of a run: an error in one is the profile's, said once, never
    a delivery's refusal (red team 6b F4)."""
    path = own_profile.root / "reference" / "meldingen_categorieen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("signal")] = "geen_signaal"
    path.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    delivery, out = run_with_a_delivery(own_profile)
    assert "meldingen_categorieen.csv maps to unknown signal(s) ['geen_signaal']" in out
    assert "could not be read" not in out and "Traceback" not in out and delivery.exists()


def test_a_neighbour_file_left_from_before_a_new_division_stops_the_run_naming_it(own_profile):
    """Red team 12b F5: the profile moved to a 2025 division (Zuid split, Venesluis and Oost merged and mapped) but
    buurt_buren.csv still named the old codes; the run went on with exit code 0, the split's parts without neighbours.
    It stops with the file, the code and the fix before anything is read; the mapped codes' pairs carry over."""
    from tests.pipelines.test_reference import SPLIT, _division_2025

    folder = own_profile.root / "reference"
    shutil.rmtree(folder)
    _division_2025(folder)
    delivery, out = run_with_a_delivery(own_profile)
    assert f"buurt_buren.csv names {SPLIT} in 14 pair(s)" in out and "Traceback" not in out and delivery.exists()
    with connect(own_profile.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0
