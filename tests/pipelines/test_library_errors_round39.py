"""A ValueError of a library is a fault, not a refusal: ``ingest``, ``report``, ``detect`` and ``quarantine
dismiss`` show the text of wijkradar's own refusals only (``pipelines.refusal.Refusal``, the sources', profile's and
detect's classes). A ValueError raised inside pandas (here: a delivery's cell that is no number, whose text pandas
quotes) reaches the fault handler: exit code 1, the sentence naming the log file, and the cell shown nowhere and
written nowhere."""
from __future__ import annotations

import sys

import pandas as pd
import pytest

from pipelines import cli
from pipelines.warehouse import connect
from tests.conftest import write_csv

#: a delivery's cell that pandas' error quotes
CELL = "Jan de Vries, Kerkstraat 14"
HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def pandas_fails(*args, **kwargs):
    """What a bug meets in pandas: a cell read as a number, with the cell in the error's text."""
    pd.Series([CELL]).astype(int)


def run_main(monkeypatch, capsys, *args) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["wijkradar", *args])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    captured = capsys.readouterr()
    return stop.value.code, " ".join((captured.out + captured.err).split())


def assert_a_fault(code: int, out: str, logs: list, where: str) -> None:
    assert code == 1, out
    assert out.startswith(f"error: wijkradar stopped on an unexpected error (ValueError at {where}:"), out
    assert len(logs) == 1 and logs[0].name in out
    assert "send that file and the command you ran to whoever maintains wijkradar" in out
    assert "Vries" not in out and "Kerkstraat" not in out and "invalid literal" not in out
    details = logs[0].read_text(encoding="utf-8")
    assert "builtins.ValueError (its text is not written" in details and "pandas" in details
    assert "Vries" not in details and "Kerkstraat" not in details


def deliveries(home):
    return write_csv(home.root / "meldingen_okt.csv", HEADER, [
        [f"M-{i}", f"{i % 27 + 1:02d}-10-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(12)])


def test_ingest_ends_a_library_valueerror_as_a_fault_without_its_text(home, monkeypatch, capsys):
    from pipelines import ingest

    monkeypatch.setattr(ingest, "run_suite", pandas_fails)
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "ingest", str(deliveries(home)),
                         "--source", "meldingen", "--today", "2026-11-26")
    assert_a_fault(code, out, list((home.root / "logs").glob("error-*.log")), "pipelines/ingest.py")
    with connect(home.warehouse) as con:       # the load was rolled back
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0


def test_ingest_still_refuses_an_unknown_mode_in_its_own_sentence(home, monkeypatch, capsys):
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "ingest", str(deliveries(home)),
                         "--source", "meldingen", "--mode", "vervang")
    assert code == 2 and "unknown load mode 'vervang'; use delivery or correction" in out, out
    assert not (home.root / "logs").exists()


def test_report_ends_a_library_valueerror_as_a_fault_without_its_text(home, monkeypatch, capsys):
    from pipelines.reports import build

    monkeypatch.setattr(build, "read_settings", pandas_fails)
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "report", "--open")
    assert_a_fault(code, out, list((home.root / "logs").glob("error-*.log")), "pipelines/cli.py")


def test_report_still_refuses_a_bad_setting_in_its_own_sentence(home, monkeypatch, capsys):
    (home.root / "rapport_instellingen.csv").write_text("setting,value\nopen_drempel,7\n", encoding="utf-8")
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "report", "--open")
    assert code == 2 and "open_drempel = 7 is not allowed" in out and "correct it and run the command again" in out
    assert not (home.root / "logs").exists()


def test_detect_ends_a_library_valueerror_as_a_fault_without_its_text(tmp_path, monkeypatch, capsys):
    from pipelines import detect

    monkeypatch.setattr(detect, "check_panel", pandas_fails)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    counts = tmp_path / "counts.csv"
    counts.write_text("series,period_index,count\n" + "".join(f"a,{i},3\n" for i in range(1, 11)), encoding="utf-8")
    code, out = run_main(monkeypatch, capsys, "--home", str(tmp_path / "home"), "detect", "--input", str(counts),
                         "--output", str(tmp_path / "out.csv"))
    logs = list(tmp_path.glob("error-*.log")) + list((tmp_path / "home" / "logs").glob("error-*.log"))
    assert_a_fault(code, out, logs, "pipelines/detect.py")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("option, value, sentence", [
    ("--method", "magic", "unknown method 'magic'; choose one of auto,"),
    ("--method", "ears-c9", "unknown method 'ears-c9'; choose one of auto,"),     # was scored as C2 without a word
    ("--frequency", "7", "frequency 7 is not supported; use 52 (weekly) or 12 (monthly)"),
])
def test_detect_still_refuses_a_method_or_frequency_it_lacks(tmp_path, monkeypatch, capsys, option, value, sentence):
    counts = tmp_path / "counts.csv"
    counts.write_text("series,period_index,count\n" + "".join(f"a,{i},3\n" for i in range(1, 11)), encoding="utf-8")
    code, out = run_main(monkeypatch, capsys, "--home", str(tmp_path / "home"), "detect", "--input", str(counts),
                         "--output", str(tmp_path / "out.csv"), option, value)
    assert code == 2 and sentence in out, out


def test_quarantine_dismiss_ends_a_library_valueerror_as_a_fault_without_its_text(home, monkeypatch, capsys):
    from pipelines import catalog

    monkeypatch.setattr(catalog, "load_exists", lambda con, load: True)
    monkeypatch.setattr(catalog, "dismiss_rows", pandas_fails)
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "quarantine", "dismiss", "abc123")
    assert_a_fault(code, out, list((home.root / "logs").glob("error-*.log")), "pipelines/quarantine.py")


def test_quarantine_dismiss_still_refuses_a_row_it_did_not_quarantine(home, monkeypatch, capsys):
    from pipelines import catalog

    monkeypatch.setattr(catalog, "load_exists", lambda con, load: True)
    code, out = run_main(monkeypatch, capsys, "--home", str(home.root), "quarantine", "dismiss", "abc123", "--row", "7")
    assert code == 2 and "row(s) 7 of load abc123 are not quarantined, so nothing was dismissed" in out, out
    assert not (home.root / "logs").exists()
