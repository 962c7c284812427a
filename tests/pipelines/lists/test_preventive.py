"""The section *preventief in beeld* and the risk columns: who is named (high chance, top of the municipality,
no flag in that domain, own buurten, at most three) and how CSV, XLSX and HTML render it, escaped."""
import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines import feedback
from pipelines.lists.content import RiskInfo
from pipelines.lists.csv_writer import csv_text
from pipelines.lists.html_writer import html_page
from pipelines.lists.selection import chart_data, preventive, team_flags, team_list
from pipelines.lists.xlsx_writer import write_xlsx

SETTINGS = {"risk_min_probability": 0.15, "risk_top_share": 0.5, "risk_per_team": 3}


@pytest.fixture
def risk():
    """Ten buurten of one municipality, two domains; noord owns 1-7, zuid 8-10."""
    codes = [f"BU011800{i:02d}" for i in range(1, 11)]
    rows = []
    for domain, probs in (("physical", [0.60, 0.40, 0.35, 0.30, 0.28, 0.14, 0.05, 0.50, 0.02, 0.01]),
                          ("social", [0.10, 0.45, 0.33, 0.05, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01])):
        order = sorted(range(10), key=lambda i: -probs[i])
        rank = {i: r + 1 for r, i in enumerate(order)}
        rows += [{"area_code": c, "domain": domain, "probability": p, "rank": rank[i], "history": True,
                  "drivers": f"kleine huishoudens, <b>{domain}</b>", "period_from": pd.Timestamp("2026-11-01"),
                  "period_to": pd.Timestamp("2027-01-31"), "name": f"=Buurt {i + 1}",
                  "wijkteam": "noord" if i < 7 else "zuid", "gemeente_code": "GM0118"}
                 for i, (c, p) in enumerate(zip(codes, probs))]
    return RiskInfo(pd.DataFrame(rows), SETTINGS, "CBS KWB 2024", {})


def test_only_high_unflagged_own_buurten_one_row_each_at_most_three(flags, risk):
    got = preventive(risk, flags, "noord")
    # BU01180001 physical is flagged (social 0.10 is too low); BU01180002 social is flagged but its physical
    # 0.40 is not; BU01180003 physical 0.35 and social 0.33: one row; top half of 10: rank <= 5
    assert list(got["Buurtcode"]) == ["BU01180002", "BU01180003", "BU01180004"]
    assert list(got["Domein"]) == ["fysiek", "fysiek", "fysiek"] and list(got["Rang"]) == [1, 2, 3]
    assert list(got["Kans op escalatie"]) == ["40 % (zeer hoog)", "35 % (zeer hoog)", "30 % (zeer hoog)"]
    assert (got["Periode"] == "november 2026 t/m januari 2027").all()
    assert list(preventive(risk, flags, "zuid")["Buurtcode"]) == ["BU01180008"]      # its own buurt only
    strict = RiskInfo(risk.rows, {**SETTINGS, "risk_top_share": 0.1, "risk_per_team": 1})
    assert preventive(strict, flags, "noord").empty                                  # rank 1 is flagged
    assert preventive(None, flags, "noord") is None


def test_flag_rows_carry_their_domains_risk_in_words(flags, labels, risk):
    table = team_list(flags, "noord", labels, risk=risk)
    assert list(table.columns[-2:]) == ["Risico", "Risicofactoren"]
    assert list(table["Risico"]) == ["60 % (zeer hoog)", "45 % (zeer hoog)"]          # physical, social
    unknown = team_list(flags, "zuid", labels, risk=RiskInfo(risk.rows.iloc[0:0], SETTINGS))
    assert list(unknown["Risico"]) == ["onbekend"] and list(unknown["Risicofactoren"]) == [""]
    assert "Risico" not in team_list(flags, "noord", labels).columns                 # no risk: no columns


def test_csv_marks_the_section_rows_and_neutralises_them(flags, labels, risk):
    text = csv_text(team_list(flags, "noord", labels, risk=risk), preventive=preventive(risk, flags, "noord"))
    lines = text.splitlines()
    assert lines[0].endswith(";Toelichting;Risico;Risicofactoren") and len(lines) == 1 + 2 + 3
    assert lines[3].startswith("P1;preventief in beeld;;fysiek;BU01180002;'=Buurt 2;november 2026 t/m januari 2027;")
    assert "Geen signaal in dit domein; kans op escalatie in november 2026 t/m januari 2027: 40 % (zeer hoog)." in text
    only = csv_text(team_list(flags, "oost", labels, risk=risk), preventive=preventive(risk, flags, "oost"))
    header, row = only.splitlines()[:2]
    assert dict(zip(header.split(";"), row.split(";")))["Toelichting"] == \
        "Geen opvallende signalen in deze periode voor de buurten van dit wijkteam."


def test_the_workbook_has_the_section_sheet_and_the_feedback_meta_of_the_flags_only(tmp_path, flags, labels, run, risk):
    own = team_flags(flags, "noord")
    path = tmp_path / "noord.xlsx"
    write_xlsx(team_list(flags, "noord", labels, risk=risk), path, "Noord", run, "noord", feedback.flag_keys(own),
               labels, preventive=preventive(risk, flags, "noord"), risk=risk)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Signalen", "Preventief in beeld", "Toelichting", feedback.META_SHEET]
    sheet = wb["Preventief in beeld"]
    assert [c.value for c in sheet[4]] == ["Rang", "Domein", "Buurtcode", "Buurt", "Kans op escalatie", "Periode",
                                           "Risicofactoren"]
    assert [sheet.cell(row=r, column=3).value for r in (5, 6, 7)] == ["BU01180002", "BU01180003", "BU01180004"]
    assert sheet["D5"].value == "'=Buurt 2"
    ws = wb["Signalen"]
    header = [c.value for c in ws[4]]
    assert header[-5:] == ["Risico", "Risicofactoren", "Terugkoppeling", "Notitie", "Sleutel"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert str(lists[0].sqref) == "M5:M6" and ws.column_dimensions["O"].hidden
    keys = feedback.flag_keys(own)
    assert dict(feedback.meta_rows("noord", run.run_id, run.run_period, keys)) == {
        r[0].value: r[1].value for r in wb[feedback.META_SHEET].iter_rows()}
    values = [c.value for row in wb["Toelichting"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Preventief in beeld: hoogstens zoveel buurten per wijkteam (risk_per_team)" in values
    none = tmp_path / "oost.xlsx"
    write_xlsx(team_list(flags, "oost", labels, risk=risk), none, "Oost", run, "oost", [], labels,
               preventive=preventive(risk, flags, "oost"), risk=risk)
    assert load_workbook(none)["Preventief in beeld"]["D5"].value.startswith("Geen buurten van dit wijkteam")


def test_the_page_shows_the_section_escaped(flags, series, labels, run, risk):
    own = team_flags(flags, "noord")
    page = html_page(team_list(flags, "noord", labels, risk=risk), own["level"], chart_data(own, series, labels),
                     "Noord", run, preventive(risk, flags, "noord"))
    section = page.split('<h2 id="preventief">Preventief in beeld</h2>', 1)[1]
    assert section.count('class="card preventief"') == 3 and "<b>physical</b>" not in page
    assert "&lt;b&gt;physical&lt;/b&gt;" in section and "P1. =Buurt 2 <small>(BU01180002)</small>" in section
    assert "Kans op escalatie de komende maanden: 60 % (zeer hoog)." in page.split('<h2 id="preventief">', 1)[0]
    empty = html_page(team_list(flags, "oost", labels, risk=risk), [], [], "Oost", run, preventive(risk, flags, "oost"))
    assert "Geen buurten van dit wijkteam met een hoge kans op escalatie" in empty


def test_the_page_meets_the_wcag_criteria_the_checker_reads(flags, series, labels, run, risk):
    """``tests/accessibility.py`` on a list with cards, charts and the section: before, the cards' headings skipped from
    h1 to h3 and the section's from h2 to h4, the badges 'aandacht', 'sociaal' and 'preventief in beeld' had white text
    at 2.9 to 4.3:1, the charts no figures as text, their axis text 3.4:1 and their bound only a pale area (1.2:1), no
    ``<main>``, no viewport, fixed px font sizes and 340 px charts that did not shrink."""
    from tests.accessibility import problems

    own = team_flags(flags, "noord")
    page = html_page(team_list(flags, "noord", labels, risk=risk), own["level"], chart_data(own, series, labels),
                     "Noord", run, preventive(risk, flags, "noord"))
    assert page.count("<svg width=") == 3 and 'class="badge aandacht"' in page
    assert problems(page) == []
    empty = html_page(team_list(flags, "oost", labels, risk=risk), [], [], "Oost", run, preventive(risk, flags, "oost"))
    assert problems(empty) == []


def test_a_buurt_flagged_on_another_teams_list_is_not_named(flags, risk):
    """The buurt's team in the risk rows and on the run's lists can differ (moved since): a flag on any list of
    the run keeps the buurt and domain out of the section."""
    moved = pd.concat([flags, flags.iloc[[0]].assign(area_code="BU01180002", domain="physical", wijkteam="zuid")],
                      ignore_index=True)
    assert "BU01180002" not in set(preventive(risk, moved, "noord")["Buurtcode"])
