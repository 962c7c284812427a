"""An argument typed on the command line is echoed in an error only as far as it holds nothing personal: a path, a
team, a period, an area or a format holding a name, a BSN, an e-mail address or a phone number is shown as
``[verwijderd: ...]`` (scheduled jobs keep their output), and click's own usage errors are scrubbed the same way."""
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect

runner = CliRunner()
PERSONAL = ("Brinkhuis", "jan.jansen", "ziggo", "111222333", "0612345678", "Kerkstraat")


@pytest.mark.parametrize("args", [
    ["flags", "--team", "Gerrit_Brinkhuis"], ["flags", "--period", "jan.jansen@ziggo.nl"],
    ["flags", "--format", "111222333"], ["explain", "111222333"], ["explain", "Kerkstraat_14"],
    ["quarantine", "--state", "jan.jansen@ziggo.nl"], ["run", "--today", "jan.jansen@ziggo.nl"],
    ["init", "--gemeente", "jan.jansen@ziggo.nl"], ["ingest", "--source", "jan.jansen@ziggo.nl", "x.csv"],
    ["ingest", "--source", "meldingen", "/tmp/Jan_Brinkhuis_0612345678/meldingen_jan.jansen@ziggo.nl.csv"],
], ids=lambda a: " ".join(a[:2]))
def test_an_argument_holding_personal_data_is_not_echoed(home, args):
    with connect(home.warehouse):
        pass
    res = runner.invoke(app, ["--home", str(home.root), *args])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and said.startswith("error: "), res.output
    assert "[verwijderd: " in said and not any(p in said for p in PERSONAL), said


def test_a_usage_error_of_click_does_not_echo_personal_data(tmp_path):
    res = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(tmp_path), "jan.jansen@ziggo.nl"],
                         capture_output=True, text=True, timeout=120)
    said = " ".join((res.stdout + res.stderr).split())
    assert res.returncode == 2 and "No such command" in said, said
    assert "[verwijderd: e-mail]" in said and "ziggo" not in said
