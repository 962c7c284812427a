"""CBS KWB topics whose stems collide (the real 85984NED has ``Nederland_17`` under Herkomstland and
``Nederland_20`` under Geboren in Nederland, ``Huurwoning_54`` and ``Huurwoning_62`` under electricity and
gas) load as distinct indicators, named after the parent group that tells them apart; nothing is quarantined
as a duplicate."""
import json

import pandas as pd
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import connect
from tests.pipelines.odata_server import Service
from tests.pipelines.test_cbs_kwb import FIXTURES, kwb_entities


def test_colliding_stems_get_their_group_in_the_name():
    from pipelines.sources.cbs_kwb import indicator_names

    props = pd.DataFrame(json.loads((FIXTURES / "85984NED_DataProperties.json").read_text())["value"])
    names = indicator_names(props)
    assert names.is_unique and len(names) == (props["Type"] == "Topic").sum()
    assert names["AantalInwoners_5"] == "AantalInwoners"                          # no collision: the stem
    assert names["Nederland_17"] == "Nederland_Herkomstland"
    assert names["Nederland_20"] == "Nederland_GeborenInNederland"
    assert names["Appartement_49"] == "Appartement_GemiddeldeElektriciteitslevering"
    assert names["Huurwoning_62"] == "Huurwoning_GemiddeldAardgasverbruik"


def test_the_same_titles_everywhere_keep_the_key():
    from pipelines.sources.cbs_kwb import indicator_names

    props = pd.DataFrame({"ID": [0, 1, 2], "ParentID": [None, 0, 0], "Type": ["TopicGroup", "Topic", "Topic"],
                          "Key": ["", "Aantal_1", "Aantal_2"], "Title": ["Groep", "Aantal", "Aantal"]})
    assert list(indicator_names(props)) == ["Aantal_1", "Aantal_2"]


def test_the_real_2024_table_loads_every_topic(home):
    entities, _ = kwb_entities()
    with Service(entities) as svc:
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "cbs-kwb", svc.base,
                                       "--year", "2024"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with connect(home.warehouse) as con:
        quarantined = con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0]
        names = {r[0] for r in con.execute("SELECT DISTINCT indicator FROM core.area_stats").fetchall()}
        loads = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchone()
    assert quarantined == 0 and loads[0] == loads[1] + loads[2]
    assert {"Nederland_Herkomstland", "Nederland_GeborenInNederland", "Huurwoning_GemiddeldeElektriciteitslevering",
            "Huurwoning_GemiddeldAardgasverbruik", "AantalInwoners", "GemiddeldeWOZWaardeVanWoningen"} <= names
