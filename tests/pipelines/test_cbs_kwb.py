"""CBS Kerncijfers wijken en buurten over OData against a local server with the real 85984NED schema."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect
from tests.pipelines.odata_server import Service

FIXTURES = Path(__file__).parent / "fixtures"


def kwb_entities(table="85984NED", year=2024, suffix_shift=0, changed=("BU01185300",)):
    props = json.loads((FIXTURES / "85984NED_DataProperties.json").read_text())["value"]
    if suffix_shift:   # another year's edition: same topics, other numeric suffixes
        for p in props:
            if p["Type"] == "Topic":
                stem, n = p["Key"].rsplit("_", 1)
                p["Key"] = f"{stem}_{int(n) + suffix_shift}"
    key = {p["Key"].rsplit("_", 1)[0]: p["Key"] for p in props if p["Type"] == "Topic"}
    codes = pd.read_csv(FIXTURES / "85984NED_WijkenEnBuurten_GM0118.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(year)
    rows = []
    for i, code in enumerate(codes["Key"]):
        rows.append({
            **{p["Key"]: None for p in props if p["Type"] == "Topic"},   # real rows carry every topic
            "ID": i, "WijkenEnBuurten": code, key["Gemeentenaam"]: "Hoogeveen                                ",
            key["SoortRegio"]: "Buurt     ", key["Codering"]: code.strip() + "  ",
            key["IndelingswijzigingGemeenteWijkBuurt"]: "2" if code.strip() in changed else "1",
            key["AantalInwoners"]: int(rng.integers(100, 6000)) // 5 * 5,
            key["GemiddeldInkomenPerInwoner"]: None,          # suppressed: fewer than 2,500 persons
            key["WmoClienten"]: int(rng.integers(0, 300)),
        })
    info = [{"ID": 0, "Title": "Kerncijfers wijken en buurten", "Identifier": table, "Period": str(year)}]
    code_list = codes.to_dict("records")
    return {f"{table}/TableInfos": info, f"{table}/DataProperties": props, f"{table}/TypedDataSet": rows,
            f"{table}/WijkenEnBuurten": code_list}, key


def test_two_years_with_different_suffixes_land_by_stem_with_missing_kept(home, tmp_path):
    e24, k24 = kwb_entities()
    e23, _ = kwb_entities("85618NED", 2023, suffix_shift=-1)
    runner = CliRunner()
    with Service({**e24, **e23}) as svc:
        res = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                  "--year", "2023", "--year", "2024"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        got = con.execute("SELECT year, count(DISTINCT area_code), count(DISTINCT indicator) FROM core.area_stats "
                          "GROUP BY 1 ORDER BY 1").fetchall()
        inc = con.execute("SELECT value, missing_reason FROM core.area_stats WHERE area_code = 'BU01185000' "
                          "AND year = 2024 AND indicator = 'GemiddeldInkomenPerInwoner'").fetchone()
        pop = con.execute("SELECT value FROM core.area_stats WHERE area_code = 'GM0118' AND year = 2024 "
                          "AND indicator = 'AantalInwoners'").fetchone()[0]
        changed = con.execute("SELECT DISTINCT area_code FROM core.area_stats WHERE boundary_changed").fetchall()
        loads = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchone()
    assert [(y, a) for y, a, _ in got] == [(2023, 62), (2024, 62)]          # padded keys stripped, all levels
    assert got[0][2] == got[1][2] > 80                                        # same topics by stem both years
    assert inc == (None, "Impossible")                                        # empty stays missing, with reason
    gm_row = next(r for r in e24["85984NED/TypedDataSet"] if r["WijkenEnBuurten"].strip() == "GM0118")
    assert pop == gm_row[k24["AantalInwoners"]]
    assert changed == [("BU01185300",)]
    assert loads[0] == loads[1] + loads[2]


def test_unfiltered_or_unknown_year_is_refused_clearly(home):
    runner = CliRunner()
    res = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", "http://127.0.0.1:9",
                              "--year", "1999"])
    assert res.exit_code == 2 and "no KWB table known for year(s) [1999]" in res.output


@pytest.mark.flow
def test_yearly_cbs_flow_runs_in_prefect(home, prefect_harness):
    from pipelines.flows import yearly_cbs

    entities, _ = kwb_entities()
    with Service(entities) as svc:
        [loaded] = yearly_cbs(home=str(home.root), base_url=svc.base, years=[2024])
    assert loaded.rows_read == loaded.rows_accepted + loaded.rows_quarantined > 0
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(DISTINCT area_code) FROM core.area_stats WHERE year = 2024").fetchone()[0] == 62


@pytest.mark.flow
def test_the_scheduled_yearly_cbs_flow_without_parameters_loads_the_newest_year_of_the_catalogue(home, prefect_harness):
    """The yearly-cbs deployment gives no parameters (prefect.yaml): it loaded KWB 2024 every year (red team 12a F1)."""
    from pipelines.flows import yearly_cbs

    e24, _ = kwb_entities()
    e25, _ = kwb_entities("86165NED", 2025, suffix_shift=2)
    with Service({**e24, **e25, **catalogue()}) as svc:
        [loaded] = yearly_cbs(home=str(home.root), base_url=svc.base)
    assert loaded.rows_read == loaded.rows_accepted + loaded.rows_quarantined > 0 and not loaded.missing_note
    with connect(home.warehouse) as con:
        assert con.execute("SELECT DISTINCT year FROM core.area_stats").fetchall() == [(2025,)]


def test_a_year_published_after_this_release_is_fetched_by_its_table_id(home):
    e25, _ = kwb_entities("86165NED", 2025, suffix_shift=2)
    runner = CliRunner()
    with Service(e25) as svc:
        refused = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                      "--year", "2025"])
        bad = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                  "--kwb-table", "2025=../../etc"])
        res = runner.invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                  "--kwb-table", "2025=86165NED"], catch_exceptions=False)
    assert refused.exit_code == 2 and "give its id with --kwb-table 2025=<id>" in refused.output
    assert bad.exit_code == 2 and "is not YEAR=ID" in bad.output
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        years = con.execute("SELECT DISTINCT year FROM core.area_stats").fetchall()
        loads = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchall()
    assert years == [(2025,)] and len(loads) == 1 and loads[0][0] == loads[0][1] + loads[0][2]


def test_cbs_codes_for_no_figure_are_stored_missing_with_their_reason_never_as_figures(home):
    """CBS writes -99997 ("geheim") and its other codes for no figure as numbers in a cell: they are missing, with
    the reason, and the risk model's buurt figures never see them."""
    from pipelines import catalog
    from pipelines.risk import structure_features

    ents, key = kwb_entities()
    code = "BU01185000"
    row = next(r for r in ents["85984NED/TypedDataSet"] if r["WijkenEnBuurten"].strip() == code)
    row[key["AantalInwoners"]] = -99997
    row[key["GemiddeldeWOZWaardeVanWoningen"]] = -99995
    row[key["WmoClienten"]] = -99999.0
    with Service(ents) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                       "--year", "2024"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        got = dict(con.execute("SELECT indicator, (value, missing_reason) FROM core.area_stats WHERE area_code = ? "
                               "AND indicator IN ('AantalInwoners', 'GemiddeldeWOZWaardeVanWoningen', 'WmoClienten')",
                               [code]).fetchall())
        stats = catalog.latest_area_stats(con, 2026)
        quarantined = con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0]
    assert got == {"AantalInwoners": (None, "geheim (CBS -99997)"),
                   "GemiddeldeWOZWaardeVanWoningen": (None, "geen cijfer (CBS -99995)"),
                   "WmoClienten": (None, "geen cijfer (CBS -99999)")} and quarantined == 0
    wide, _ = structure_features(stats, [code])
    assert (wide.drop(columns="area_code").fillna(0) > -99995).all().all()


def test_cbs_codes_stored_as_figures_before_are_made_missing_by_the_migration():
    from tests.conftest import migrated_with

    con = migrated_with(15, "INSERT INTO core.area_stats VALUES ('BU01185000', 2024, 'AantalInwoners', -99997, NULL, "
                            "NULL, false, 'cbs-kwb', 'x'), ('BU01185000', 2024, 'WmoClienten', -99998, NULL, NULL, "
                            "false, 'cbs-kwb', 'x'), ('BU01185000', 2024, 'Koopwoningen', 61, NULL, NULL, false, "
                            "'cbs-kwb', 'x')")
    assert con.execute("SELECT indicator, value, missing_reason FROM core.area_stats ORDER BY 1").fetchall() == [
        ("AantalInwoners", None, "geheim (CBS -99997)"), ("Koopwoningen", 61.0, None),
        ("WmoClienten", None, "geen cijfer (CBS -99998)")]


def payload_folder(entities: dict, folder: Path) -> Path:
    """``entities`` (``kwb_entities``) as an archived payload folder, one page per entity set."""
    folder.mkdir(parents=True)
    for name, rows in entities.items():
        (folder / f"{name.replace('/', '.')}.001.json").write_text(json.dumps({"value": rows}))
    return folder


def test_a_payload_folder_from_outside_the_archive_loads_and_is_archived(home, tmp_path):
    """A payload copied from another home is read from outside ``archive/cbs-kwb/``, so its rows are archived
    after the load: the topic tables the reader keeps beside the rows never reach the Parquet file (pandas wrote
    them as JSON and failed, after the commit, with a traceback)."""
    ents, _ = kwb_entities()
    folder = payload_folder(ents, tmp_path / "copied" / "kwb2024")
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder)])
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        load_id, read, accepted = con.execute("SELECT load_id, rows_read, rows_accepted FROM meta.loads").fetchone()
    assert f"{read} rows read, {accepted} accepted" in res.output
    [archived] = (home.root / "archive" / "cbs-kwb").glob("*/rows.parquet")
    rows = pd.read_parquet(archived)
    assert len(rows) == read and list(rows.columns) == ["row_number", "table_id", "area_code", "year", "indicator",
                                                        "value"]
    assert json.loads((archived.parent / "manifest.json").read_text())["load_id"] == load_id


def test_an_archive_that_fails_after_the_commit_is_a_warning_never_a_failed_load(home, tmp_path, monkeypatch,
                                                                                 caplog):
    """Whatever stops the archive after the commit, the user reads the load's line and that it was stored; the
    same ingest again archives it without loading it twice."""
    folder = payload_folder(kwb_entities()[0], tmp_path / "copied" / "kwb2024")

    def unwritable(self, *args, **kwargs):
        raise ValueError("a frame Parquet cannot hold")

    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "to_parquet", unwritable)
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder)])
    assert res.exit_code == 0, res.output
    assert "7068 rows read, 7068 accepted" in res.output
    assert "was stored, but its archive could not be written (ValueError)" in caplog.text
    assert not list((home.root / "archive" / "cbs-kwb").glob("*/rows.parquet"))
    again = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder)])
    assert again.exit_code == 0, again.output
    assert len(list((home.root / "archive" / "cbs-kwb").glob("*/rows.parquet"))) == 1


def test_a_figure_with_decimals_in_a_topic_of_whole_numbers_is_quarantined_never_read_as_a_fraction(home, tmp_path):
    """``AantalInwoners`` is ``Datatype: Long``: the text "1.234" or the JSON number 1.234 is a thousands point or
    a changed table, never 1.234 inhabitants. A whole JSON float (1234.0), a fraction in a Double topic and the
    markers for no figure keep their handling."""
    ents, key = kwb_entities()
    rows = {r["WijkenEnBuurten"].strip(): r for r in ents["85984NED/TypedDataSet"]}
    rows["BU01185000"][key["AantalInwoners"]] = "1.234"
    rows["BU01185001"][key["AantalInwoners"]] = 1.234
    rows["BU01185002"][key["AantalInwoners"]] = 1234.0
    rows["BU01185003"][key["AantalInwoners"]] = "."
    rows["BU01185004"][key["GemiddeldeWOZWaardeVanWoningen"]] = "312,5"
    rows["BU01185005"][key["GemiddeldeHuishoudensgrootte"]] = 2.3
    folder = payload_folder(ents, home.root / "archive" / "cbs-kwb" / "kwb2024")
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder)])
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        stored = dict(con.execute(
            "SELECT area_code || '/' || indicator, value FROM core.area_stats WHERE area_code IN ('BU01185000', "
            "'BU01185001', 'BU01185002', 'BU01185003', 'BU01185004', 'BU01185005') AND indicator IN "
            "('AantalInwoners', 'GemiddeldeWOZWaardeVanWoningen', 'GemiddeldeHuishoudensgrootte')").fetchall())
        quarantined = con.execute("SELECT reason, count(*) FROM quarantine.rows GROUP BY 1 ORDER BY 1").fetchall()
        read, accepted, held = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchone()
    assert "BU01185000/AantalInwoners" not in stored and "BU01185001/AantalInwoners" not in stored
    assert stored["BU01185002/AantalInwoners"] == 1234 and stored["BU01185005/GemiddeldeHuishoudensgrootte"] == 2.3
    assert quarantined == [
        ("value has decimals in a topic of whole numbers (Datatype Long or no decimals in DataProperties): not whole, "
         "never read as thousands", 2), ("value is not a number", 2)]
    assert read == accepted + held and held == 4


def test_a_renumbered_buurt_takes_its_figures_through_the_mapping_a_split_one_is_quarantined(home, tmp_path):
    """A table of a later division: BU01185000 renumbered to BU01187000, BU01185001 split into BU01187001 and
    BU01187011. Refused first with advice that says what works; once ``buurtcode_wijzigingen.csv`` maps the codes
    (as the refusal says), the renumbered buurt's figures are its own, and the split parts' figures (shares,
    averages) are quarantined, as they cannot be added up into the buurt's."""
    import shutil

    from pipelines.paths import REFERENCE_DIR

    ents, key = kwb_entities()
    rows, codes = ents["85984NED/TypedDataSet"], ents["85984NED/WijkenEnBuurten"]
    renumber = {"BU01185000": "BU01187000", "BU01185001": "BU01187001"}
    for entry, field in [*((r, "WijkenEnBuurten") for r in rows), *((c, "Key") for c in codes)]:
        entry[field] = renumber.get(entry[field].strip(), entry[field])
    split = next(r for r in rows if r["WijkenEnBuurten"] == "BU01187001")
    rows.append({**split, "WijkenEnBuurten": "BU01187011", key["AantalInwoners"]: 15})
    codes.append({**next(c for c in codes if c["Key"] == "BU01187001"), "Key": "BU01187011"})
    population = next(r for r in rows if r["WijkenEnBuurten"] == "BU01187000")[key["AantalInwoners"]]
    folder = payload_folder(ents, home.root / "archive" / "cbs-kwb" / "kwb2024")
    ingest = ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder), "--max-failed-share", "0.01"]

    refused = CliRunner().invoke(app, ingest)
    said = " ".join(refused.output.split())
    assert refused.exit_code != 0
    assert "map the code of each renumbered buurt" in said
    assert "buurten merged or split in that division, cannot be carried over" in said

    shutil.copytree(REFERENCE_DIR, home.root / "reference")
    with (home.root / "reference" / "buurtcode_wijzigingen.csv").open("a") as f:
        f.write("BU01187000,BU01185000,2025,renumbered\nBU01187001,BU01185001,2025,split\n"
                "BU01187011,BU01185001,2025,split\n")
    res = CliRunner().invoke(app, ingest[:-2] + ["--max-failed-share", "0.1"])
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        stored = con.execute("SELECT area_code, value FROM core.area_stats WHERE indicator = 'AantalInwoners' "
                             "AND area_code IN ('BU01185000', 'BU01185001')").fetchall()
        quarantined = con.execute("SELECT DISTINCT reason FROM quarantine.rows").fetchall()
        read, accepted, held = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchone()
    assert stored == [("BU01185000", population)]
    assert [r for (r,) in quarantined] == [
        "buurt code is an old code of a merged buurt (several codes to one buurt in buurtcode_wijzigingen.csv): a CBS "
        "figure of a part (a share, an average) cannot be added up into the buurt's; only a renumbered buurt's code "
        "(one code to one buurt) carries its figures over"]
    assert read == accepted + held and held == 2 * read // len(rows)       # every topic of the two parts


def test_a_payload_folder_with_personal_values_is_scanned_as_a_delivered_file_is(home, tmp_path):
    """Red team 10a F1: a name as a buurt code and a phone number as a figure were stored as written in the raw
    rows, the quarantine and the archive (fetched sources were never scanned)."""
    from tests.adversarial.leaks import find_leaks

    ents, key = kwb_entities()
    rows = ents["85984NED/TypedDataSet"]
    rows[0]["WijkenEnBuurten"], rows[1][key["AantalInwoners"]] = "Hendrikje Mulderij", "06-24681357"
    folder = payload_folder(ents, tmp_path / "elders" / "kwb2024")
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", str(folder)])
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM quarantine.rows WHERE reason LIKE '%personal%'")
                   .fetchall()]
    assert any(r.startswith("holds personal data (naam) in WijkenEnBuurten") for r in reasons), reasons
    assert any(r.startswith("holds personal data (telefoonnummer) in Waarde") for r in reasons), reasons
    assert find_leaks(["Hendrikje Mulderij", "06-24681357"], [home.root], texts=[res.output]) == []


def test_a_fetched_answer_is_archived_with_the_fields_wijkradar_reads_only(home, caplog):
    """Red team 10a F2: every page was archived byte for byte. The real 85984NED schema passes the archive's scan
    without a warning (no topic key or title reads as personal); a field the DataProperties do not name is left
    out, counted and never named."""
    import logging

    caplog.set_level(logging.INFO)
    ents, _ = kwb_entities()
    with Service(ents) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base])
    assert res.exit_code == 0 and "before it was archived" not in caplog.text, (res.output, caplog.text)
    ents["85984NED/TypedDataSet"][3]["Contactpersoon Hendrikje Mulderij"] = "06-24681357"
    with Service(ents) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base])
    assert res.exit_code == 0, res.output
    assert ("cbs-kwb download of GM0118, before it was archived: 85984NED: 1 field(s) in 1 row(s) that wijkradar does "
            "not read were left out" in caplog.text)
    [props] = (home.root / "archive" / "cbs-kwb").glob("*/85984NED.DataProperties.001.json")
    assert "Description" not in props.read_text() and "odata.metadata" not in props.read_text()
    from tests.adversarial.leaks import find_leaks
    assert find_leaks(["Hendrikje Mulderij", "06-24681357"], [home.root], texts=[res.output, caplog.text]) == []


# --- the default year: the newest KWB the service offers (red team 12a F1) ----------------------------------------

def catalogue(*extra: tuple[int, str]) -> dict[str, list]:
    """The KWB rows of CBS's catalogue (``ODataCatalog/Tables``, fixture of the real record's shape), plus ``extra``
    (year, table id) rows of years published later, and a table of another title beside them."""
    rows = json.loads((FIXTURES / "ODataCatalog_Tables_kwb.json").read_text())["value"]
    for year, table in extra:
        title = f"Kerncijfers wijken en buurten {year}"
        rows.append({**rows[-1], "ID": len(rows), "Identifier": table, "Period": str(year), "Title": title,
                     "ShortTitle": title})
    rows.append({**rows[0], "ID": len(rows), "Identifier": "86232NED", "Period": "2026",
                 "Title": "Bevolking 15 tot 75 jaar; opleidingsniveau, wijken en buurten, 2026"})
    return {"ODataCatalog/Tables": rows}


def test_without_a_year_the_newest_table_the_catalogue_lists_is_fetched(home):
    """The yearly-cbs deployment passes no year: it fetched 85984NED (2024) in 2027, 2028 and 2029, silently, while
    the service offered later years. The catalogue names each year's table by title: the newest is fetched, and a
    year of this release's list is not asked for at all."""
    e24, _ = kwb_entities()
    e25, _ = kwb_entities("86165NED", 2025, suffix_shift=2)
    e26, _ = kwb_entities("86400NED", 2026, suffix_shift=4)
    with Service({**e24, **e25, **e26, **catalogue((2026, "86400NED"))}) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                       "--today", "2027-09-01"], catch_exceptions=False)
        asked = sorted({r.split("?")[0].split("/")[-2] for r in svc.requests})
    assert res.exit_code == 0, res.output
    assert asked == ["86400NED", "ODataCatalog"]
    assert "warning" not in res.output                  # 2026 is the newest a service offers on 1 September 2027
    with connect(home.warehouse) as con:
        assert con.execute("SELECT DISTINCT year FROM core.area_stats").fetchall() == [(2026,)]
    status = CliRunner().invoke(app, ["--home", str(home.root), "status"])
    assert status.exit_code == 0 and "Kerncijfers" not in status.output, status.output


def test_without_a_catalogue_2024_is_fetched_and_figures_years_old_are_a_warning(home, caplog):
    """A service whose catalogue cannot be read (HTTP 404 here): the newest year this release knows, with a warning;
    the load line and ``status`` say that the figures loaded are years old and how to fetch the next year."""
    import logging

    caplog.set_level(logging.INFO)
    e24, _ = kwb_entities()
    with Service(e24) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                       "--today", "2027-09-01"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "cannot find the newest KWB year" in caplog.text and "--kwb-table YEAR=ID" in caplog.text
    said = " ".join(res.output.split())
    assert ("warning: the newest CBS Kerncijfers wijken en buurten loaded are of 2024 (inhabitants on 1 January "
            "2024)" in said and "--kwb-table 2025=<id>" in said and "kwb_tables" in said), said
    with connect(home.warehouse) as con:
        assert con.execute("SELECT DISTINCT year FROM core.area_stats").fetchall() == [(2024,)]
    status = CliRunner().invoke(app, ["--home", str(home.root), "status"])    # today (2026 or later): 2024 is behind
    assert "loaded are of 2024" in " ".join(status.output.split()), status.output


def test_the_catalogue_keeps_dutch_kwb_tables_of_one_year_with_a_cbs_table_id():
    from pipelines.sources import cbs_kwb

    rows = catalogue((2026, "86400NED"))["ODataCatalog/Tables"]
    rows += [{"Title": "Kerncijfers wijken en buurten 2027", "Identifier": "../../etc", "Language": "nl"},
             {"Title": "Kerncijfers wijken en buurten 2028", "Identifier": "86999ENG", "Language": "en"},
             {"Title": "Kerncijfers wijken en buurten 2004-2008", "Identifier": "70904NED", "Language": "nl"}]
    assert cbs_kwb.catalogue_tables(rows) == {2022: "85318NED", 2023: "85618NED", 2024: "85984NED",
                                              2025: "86165NED", 2026: "86400NED"}
    assert cbs_kwb.catalogue_url("https://opendata.cbs.nl/ODataApi/odata/").startswith(
        "https://opendata.cbs.nl/ODataCatalog/Tables?$format=json&$filter=substringof")
    assert cbs_kwb.catalogue_url("https://example.org/kwb") is None
    assert cbs_kwb.behind_note(2025, pd.Timestamp("2026-12-31")) == ""
    assert "--kwb-table 2025=<id>" in cbs_kwb.behind_note(2024, pd.Timestamp("2026-01-01"))
