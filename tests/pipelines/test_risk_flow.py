"""The weekly flow's risk step on a small warehouse (the demo's counts, five years, no Prefect): the risk is
written once per run, re-running changes nothing, and every team list shows at most three buurten
*preventief in beeld*, only its own, without a flag in that domain, with drivers in Dutch; the returned
workbook still imports as feedback."""
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from models.risk import DYNAMIC, NEIGHBOUR, STRUCTURE_WORDS, feature_words
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY, demo_signal_counts, fill_counts


@pytest.fixture(scope="module")
def built(tmp_path_factory, ref):
    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.risk import risk_step
    from pipelines.runs import score_and_flag

    home = resolve_home(tmp_path_factory.mktemp("risk") / "home")
    counts = demo_signal_counts(ref)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[counts["count"] > 0])       # the warehouse holds no zero cells of reports
        run = score_and_flag(con, ref)
        first = risk_step(con, ref, run)
        before = table_digest(con)
        again = risk_step(con, ref, run)
        after = table_digest(con)
        risk = con.execute("SELECT * FROM marts.area_risk").df()
        flags = con.execute("SELECT area_code, domain, wijkteam FROM marts.area_flags WHERE run_id = ?",
                            [run.run_id]).df()
        exports = export_run(con, home, run)
    return dict(home=home, run=run, first=first, again=again, digests=(before, after), risk=risk, flags=flags,
                exports=exports)


def test_every_buurt_and_domain_with_counts_gets_a_calibrated_risk(built, ref):
    risk, first = built["risk"], built["first"]
    assert not first.reused and first.rows == len(risk) == len(ref.buurten) * 2     # the demo: fysiek, sociaal
    assert set(risk["domain"]) == {"physical", "social"} and risk["probability"].between(0, 1).all()
    for _, part in risk.groupby("domain"):
        assert sorted(part["rank"]) == list(range(1, len(ref.buurten) + 1))          # one municipality
    assert (risk["period_from"] == pd.Timestamp("2026-11-01")).all()                 # after the last full month
    assert (risk["period_to"] == pd.Timestamp("2027-01-31")).all() and (risk["horizon_months"] == 3).all()
    assert risk["drivers"].str.len().gt(0).all() and risk["history"].all()
    assert risk["trained_on"].str.fullmatch(r"[a-z]+ \d{4} t/m oktober 2026").all()


def test_running_again_changes_nothing(built):
    before, after = built["digests"]
    assert built["again"].reused and before == after


def _preventive(csv_path):
    table = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "Status" not in table:                          # nothing flagged and nothing preventief: one sentence
        empty = pd.DataFrame(columns=["Rang", "Buurtcode", "Domein", "Risico", "Periode", "Risicofactoren"])
        return empty, empty.assign(Status=[])
    return table[table["Status"] == "preventief in beeld"], table


def _dutch_phrases():
    phrases = set()
    for noun in ("meldingen", "signalen", "misdrijven"):
        for name in DYNAMIC + NEIGHBOUR:
            phrases.update(feature_words(name, noun, "kwartaal"))
    for _, what, high, low in STRUCTURE_WORDS:
        phrases.update((what, high, low))         # a missing figure is never named
    return phrases


def test_every_team_list_shows_at_most_three_own_unflagged_buurten_with_dutch_drivers(built, ref):
    teams = ref.buurten.set_index("area_code")["wijkteam"]
    flagged = set(zip(built["flags"]["area_code"], built["flags"]["domain"]))
    domain_code = {"fysiek": "physical", "sociaal": "social", "veiligheid": "safety"}
    phrases = _dutch_phrases()
    shown = 0
    for team, (xlsx, csv, html) in built["exports"].items():
        rows, table = _preventive(csv)
        assert len(rows) <= 3 and list(rows["Rang"]) == [f"P{i}" for i in range(1, len(rows) + 1)]
        assert (rows["Buurtcode"].map(teams) == team).all()
        assert not rows["Buurtcode"].duplicated().any()
        for r in rows.itertuples(index=False):
            assert (r.Buurtcode, domain_code[r.Domein]) not in flagged
            assert re.fullmatch(r"\d+ % \((hoog|zeer hoog)\)", r.Risico)
            assert r.Periode == "november 2026 t/m januari 2027"
            assert set(r.Risicofactoren.split(", ")) <= phrases, r.Risicofactoren
        flags = table[table["Status"] != "preventief in beeld"] if "Status" in table else table.iloc[0:0]
        assert flags["Risico"].str.fullmatch(r"(\d+|<1) % \((laag|verhoogd|hoog|zeer hoog)\)").all()
        sheet = load_workbook(xlsx, read_only=True)["Preventief in beeld"]
        listed = [r[2] for r in sheet.iter_rows(min_row=5, values_only=True) if r[2]]
        assert listed == list(rows["Buurtcode"])
        page = html.read_text(encoding="utf-8")
        assert '<h2 id="preventief">Preventief in beeld</h2>' in page
        assert page.count('class="card preventief"') == len(rows)
        shown += len(rows)
    assert shown >= 3                       # the demo's structural drivers make the section mean something


def test_the_returned_workbook_still_imports_as_feedback(built):
    from pipelines.feedback import import_feedback

    team = built["flags"]["wijkteam"].iloc[0]
    xlsx = built["exports"][team][0]
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Signalen", "Preventief in beeld", "Toelichting", "Meta"]
    ws = wb["Signalen"]
    header = [c.value for c in ws[4]]
    ws.cell(row=5, column=header.index("Terugkoppeling") + 1, value="opgepakt")
    returned = xlsx.with_name(f"terugkoppeling_{team}.xlsx")
    wb.save(returned)
    with connect(built["home"].warehouse) as con:
        result = import_feedback(con, returned, today=TODAY)
    assert result.answered == 1


def test_a_buurt_moved_to_another_team_since_stays_with_the_team_of_the_run(built, tmp_path):
    """buurt_indeling.csv changed after the run: re-writing the run's lists keeps the run's teams, so a buurt is
    never on one team's list and in another team's *preventief in beeld*."""
    import shutil

    from pipelines.export import export_run
    from pipelines.paths import resolve_home

    named = {}
    for team, (_, csv, _) in built["exports"].items():
        named.update({code: team for code in _preventive(csv)[0]["Buurtcode"]})
    flag = built["flags"].iloc[0]
    quiet, quiet_team = next(iter(named.items()))
    other = sorted(set(built["flags"]["wijkteam"]) | set(named.values()))
    home = resolve_home(tmp_path / "home")
    shutil.copy(built["home"].warehouse, home.warehouse)
    with connect(home.warehouse) as con:                  # what reference.sync writes after the move
        for code, team in ((flag.area_code, flag.wijkteam), (quiet, quiet_team)):
            con.execute("UPDATE core.areas SET wijkteam = ? WHERE area_code = ?",
                        [next(t for t in other if t != team), code])
        exports = export_run(con, home, built["run"])
    for team, (_, csv, _) in exports.items():
        rows, table = _preventive(csv)
        flagged = table.loc[table["Status"] != "preventief in beeld", "Buurtcode"] if "Status" in table else []
        assert (flag.area_code in set(flagged)) == (team == flag.wijkteam)
        assert (quiet in set(rows["Buurtcode"])) == (team == quiet_team)
        assert flag.area_code not in set(rows["Buurtcode"]) or team == flag.wijkteam


def test_a_team_renamed_or_merged_since_keeps_its_list_of_the_run(built, tmp_path):
    """wijkteams.csv changed after the run (one team renamed, another merged into a third): re-writing the run's
    lists writes them for the run's teams, so every flag of the run is on the list of the team that had it."""
    import shutil

    from pipelines.export import export_run
    from pipelines.paths import resolve_home

    run_teams = sorted(set(built["risk"]["wijkteam"]))
    renamed, merged, into = run_teams[0], run_teams[1], run_teams[2]
    home = resolve_home(tmp_path / "home")
    shutil.copy(built["home"].warehouse, home.warehouse)
    with connect(home.warehouse) as con:                  # what reference.sync writes after the change
        con.execute("UPDATE core.wijkteams SET wijkteam = 'nieuw-team' WHERE wijkteam = ?", [renamed])
        con.execute("UPDATE core.areas SET wijkteam = 'nieuw-team' WHERE wijkteam = ?", [renamed])
        con.execute("UPDATE core.areas SET wijkteam = ? WHERE wijkteam = ?", [into, merged])
        con.execute("DELETE FROM core.wijkteams WHERE wijkteam = ?", [merged])
        exports = export_run(con, home, built["run"])
    assert sorted(exports) == run_teams                    # no list for a team the run did not have
    flags = built["flags"]
    for team, (_, csv, _) in exports.items():
        table = pd.read_csv(csv, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        listed = table.loc[table["Status"] != "preventief in beeld", "Buurtcode"] if "Status" in table else []
        assert sorted(set(listed)) == sorted(set(flags.loc[flags["wijkteam"] == team, "area_code"]))


def test_the_bundled_kwb_reads_an_empty_count_or_share_as_zero_where_cbs_published_its_group():
    """The bundled KWB 2024 leaves zeros empty (``data/national/SOURCE.md``): a buurt of flats has 0 %
    single-family homes, not an unknown share; an empty average (income, not in CBS's first 2024 release) and a
    group CBS suppressed (the dwellings of a buurt with a handful of inhabitants) stay without a figure."""
    from pipelines.profile import REGIONS
    from pipelines.risk import BUNDLED_INDICATORS, bundled_figures

    table = pd.read_csv(REGIONS, dtype=str, keep_default_na=False, usecols=["code", "regio_type", *BUNDLED_INDICATORS])
    b = table[table["regio_type"] == "buurt"]
    inhabitants = pd.to_numeric(b["kwb2024_inwoners"].replace("", None))
    flats = b[(inhabitants > 1000) & (b["kwb2024_eengezinswoning"] == "") & (b["kwb2024_koopwoningen"] != "")]
    no_income = b[(inhabitants > 1000) & (b["kwb2024_inkomenPerInwoner"] == "")]
    hidden = b[(inhabitants < 50) & (b["kwb2024_wozWaarde"] == "") & (b["kwb2024_koopwoningen"] == "")
               & (b["kwb2024_eengezinswoning"] == "")]
    codes = [*flats["code"].head(5), *no_income["code"].head(5), *hidden["code"].head(5)]
    assert len(codes) == 15
    got = bundled_figures(codes).set_index(["area_code", "indicator"])["value"]
    assert (got.loc[[(c, "PercentageEengezinswoning") for c in flats["code"].head(5)]] == 0).all()
    assert not got.index.isin([(c, "GemiddeldInkomenPerInwoner") for c in no_income["code"].head(5)]).any()
    assert not got.index.isin([(c, i) for c in hidden["code"].head(5)
                               for i in ("PercentageEengezinswoning", "Koopwoningen")]).any()
    assert (got > 0).sum() + (got == 0).sum() == len(got)          # no CBS code for no figure, no negative
