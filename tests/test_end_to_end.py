"""End to end: the weekly Prefect flow on a generated Hoogeveen data set in a temporary working folder.

Runs the real flow (ephemeral Prefect server), real GX validation and a real DuckDB file, and
checks (a) the injected sudden rise is flagged for the right buurt and signal, (b) rows read =
accepted + quarantined for every load, also for a deliberately broken file, (c) a second run on
the same inbox changes no table, (d) each team's export holds only its own buurten.
"""
import html
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines.demo import write_demo_inbox
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY, write_csv

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def weekly_run(tmp_path_factory, prefect_harness, ref):
    from pipelines.flows import weekly
    from pipelines.paths import resolve_home

    home = resolve_home(tmp_path_factory.mktemp("e2e"))
    files = write_demo_inbox(home, ref, years=4)
    broken = write_csv(
        home.inbox / "meldingen_handmatig.csv",
        ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
        [["H-1", "10-11-2026", "Afval", "Zwerfafval", "BU01185000"],
         ["H-2", "10-11-2026", "Afval", "Zwerfafval", "BU01180500"],     # a code of a wrong third-party list
         ["H-3", "11-11-2026", "Afval", "Zwerfafval", "BU01185001"],
         ["H-4", "11-11-2026", "Afval", "Zwerfafval", "GM0118"]],
    )
    first = weekly(home=str(home.root), today=str(TODAY.date()))
    with connect(home.warehouse) as con:
        digest_after_first = table_digest(con)
    second = weekly(home=str(home.root), today=str(TODAY.date()))
    with connect(home.warehouse) as con:
        digest_after_second = table_digest(con)
    return dict(home=home, files=files, broken=broken, first=first, second=second,
                digests=(digest_after_first, digest_after_second))


def test_injected_sudden_rise_is_flagged_for_the_right_buurt_and_signal(weekly_run):
    truth = pd.read_csv(weekly_run["files"].truth)
    rise = truth[truth["kind"] == "sudden_rise"].iloc[0]
    with connect(weekly_run["home"].warehouse) as con:
        flags = con.execute("SELECT area_code, domain, signals, wijkteam, status, level FROM marts.area_flags "
                            "WHERE run_id = ?", [weekly_run["first"].run.run_id]).df()
    hit = flags[(flags["area_code"] == rise["area_code"]) & flags["signals"].str.contains(rise["signal"])]
    assert len(hit) == 1
    assert hit["wijkteam"].item() == "zuid-oost" and hit["domain"].item() == "physical"
    assert hit["level"].item() == "alarm"
    assert weekly_run["first"].run.run_period == "2026-W47"


def test_rows_reconcile_for_every_load_and_the_broken_file_is_quarantined(weekly_run):
    with connect(weekly_run["home"].warehouse) as con:
        loads = con.execute("SELECT file_name, rows_read, rows_accepted, rows_quarantined FROM meta.loads").df()
        q = con.execute("SELECT q.row_number, q.reason FROM quarantine.rows q JOIN meta.loads l USING (load_id) "
                        "WHERE l.file_name = 'meldingen_handmatig.csv' ORDER BY 1").fetchall()
        raw_counts = {f: con.execute(f"SELECT count(*) FROM raw.{s}").fetchone()[0] for f, s in
                      [("meldingen", "meldingen"), ("wijkteam", "wijkteam")]}
    assert len(loads) == 3
    assert (loads["rows_read"] == loads["rows_accepted"] + loads["rows_quarantined"]).all()
    broken = loads.set_index("file_name").loc["meldingen_handmatig.csv"]
    assert (broken["rows_read"], broken["rows_accepted"], broken["rows_quarantined"]) == (4, 2, 2)
    assert [r for r, _ in q] == [3, 5] and all(why.startswith("area not in division 2024") for _, why in q)
    assert "not a buurt of the 2024 division" in q[0][1] and "the code of a municipality, not of a buurt" in q[1][1]
    meldingen_read = loads[loads["file_name"].str.startswith("meldingen")]["rows_read"].sum()
    assert raw_counts["meldingen"] == meldingen_read   # every row read is kept in raw


def test_second_run_on_the_same_inbox_changes_no_table(weekly_run):
    first_digest, second_digest = weekly_run["digests"]
    assert first_digest == second_digest
    assert weekly_run["second"].run.reused
    assert weekly_run["second"].run.run_id == weekly_run["first"].run.run_id
    assert all(ld.skipped for ld in weekly_run["second"].loads)


def test_each_team_export_holds_only_its_own_buurten(weekly_run, ref):
    buurten = ref.buurten
    exports = weekly_run["first"].exports
    assert set(exports) == set(ref.wijkteams["wijkteam"])
    shown = 0
    for team, paths in exports.items():
        own = buurten[buurten["wijkteam"] == team]
        others = buurten[buurten["wijkteam"] != team]
        xlsx_path, csv_path, html_path = paths
        assert csv_path.parent.name == "2026-W47"
        table = pd.read_csv(csv_path, sep=";", dtype=str)
        if "Buurtcode" in table:                     # a list without signals holds one row saying so, of no buurt
            assert set(table["Buurtcode"].dropna()) <= set(own["area_code"])
        wb = load_workbook(xlsx_path, read_only=True)
        cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        listed = [r[4] for r in load_workbook(xlsx_path, read_only=True)["Signalen"].iter_rows(min_row=5, values_only=True)
                  if r[4]]
        assert set(listed) <= set(own["area_code"])
        shown += len(listed)
        page = html_path.read_text(encoding="utf-8")
        assert "http://" not in page and "https://" not in page
        names = [r[5] for r in load_workbook(xlsx_path, read_only=True)["Signalen"].iter_rows(min_row=5, values_only=True)
                 if r[4]]
        assert set(names) <= set(own["name"])
        assert set(re.findall(r"<h3>\d+\. (.*?) <small>", page)) <= {html.escape(n) for n in own["name"]}
        texts = (("csv", csv_path.read_text(encoding="utf-8-sig")), ("xlsx", "\n".join(cells)), ("html", page))
        for code, name in zip(others["area_code"], others["name"]):
            for where, text in texts:
                assert code not in text, f"{team} {where} shows {code} of another team"
                # short names (Zuid, West, Noord, ...) are ordinary words in team names and texts
                if len(name) > 6:
                    assert html.escape(name) not in text and name not in text, f"{team} {where} names {name}"
    assert shown > 0                                  # some team's list holds buurten: the check is not empty


def test_every_team_list_page_meets_the_wcag_criteria_the_checker_reads(weekly_run):
    """The HTML lists the weekly flow writes (``tests/accessibility.py``): before, card headings skipped a level, the
    'aandacht' badge read white on orange at 2.9:1, the charts had no figures as text, no viewport, px font sizes."""
    from tests.accessibility import problems

    found = {team: problems(paths[2].read_text(encoding="utf-8")) for team, paths in weekly_run["first"].exports.items()}
    assert len(found) == 5 and not any(found.values()), found


def test_flow_published_the_flagged_areas_artifact(weekly_run):
    from prefect.artifacts import Artifact

    art = Artifact.get("wijkradar-flags-zuid-oost")
    assert art is not None and art.type == "table"
    assert "BU01185005" in str(art.data)
    other = Artifact.get("wijkradar-flags-dorpen-noord")
    assert other is not None and "BU01185005" not in str(other.data)
    summary = Artifact.get("wijkradar-summary")
    assert summary is not None and summary.type == "markdown" and "fysiek" in str(summary.data)
