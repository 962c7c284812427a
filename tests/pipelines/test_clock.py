""""Today" is the day in Amsterdam, whatever the machine's zone (red team 7a F3): report times are Amsterdam time, so
a report made just after midnight read as in the future on a server behind Amsterdam, and one dated tomorrow was taken
on a server ahead of it."""
import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipelines.clock import LOCAL_TZ, local_today
from pipelines.paths import REPO_ROOT
from tests.conftest import write_csv


def test_local_today_is_the_day_in_amsterdam_in_any_zone():
    for zone in ("Etc/GMT+12", "Etc/GMT-14", "UTC", "America/New_York"):
        said = subprocess.run([sys.executable, "-c", "from pipelines.clock import local_today; print(local_today())"],
                              capture_output=True, text=True, cwd=REPO_ROOT, env={**os.environ, "TZ": zone}, timeout=60)
        assert said.stdout.strip() == str(local_today()), (zone, said.stderr)


def test_a_report_of_the_last_minutes_in_amsterdam_is_never_in_the_future_and_one_of_tomorrow_always(home):
    """The machine's zone is chosen so that its date is not Amsterdam's at this moment (behind it before noon, ahead
    of it after), so the check fails on a process-zone "today" at whatever hour the test runs."""
    here = datetime.now(ZoneInfo(LOCAL_TZ))
    zone, when, future = (("Etc/GMT+12", here - timedelta(minutes=2), 0) if here.hour < 12 else
                          ("Etc/GMT-14", (here + timedelta(days=1)).replace(hour=0, minute=30), 2))
    old = [[f"M-{i}", f"{i % 27 + 1:02d}-10-2026 10:00", "Afval", "Zwerfafval", "BU01185000"] for i in range(20)]
    new = [[f"N-{i}", when.strftime("%d-%m-%Y %H:%M"), "Afval", "Zwerfafval", "BU01185000"] for i in range(2)]
    path = write_csv(home.root / "meldingen_nacht.csv",
                     ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"], old + new)
    said = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), "ingest", "--source",
                           "meldingen", str(path)], capture_output=True, text=True, cwd=REPO_ROOT,
                          env={**os.environ, "TZ": zone, "COLUMNS": "250"}, timeout=300)
    out = " ".join(said.stdout.split())
    assert said.returncode == 0, said.stdout + said.stderr
    assert f"22 rows read, {22 - future} accepted, {future} quarantined" in out, (zone, out)
