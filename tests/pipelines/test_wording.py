"""One language per output: the words, periods, bounds and reasons a user reads (tiny frames, no flow)."""
import re
from datetime import datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import wording
from pipelines.cli import app
from pipelines.explain import explain
from pipelines.export import RunInfo, export_team_lists, team_list
from pipelines.sources import SOURCES
from tests.conftest import TODAY

runner = CliRunner()


# ---------------------------------------------------------------------------------------------- bound, periods

@pytest.mark.parametrize("upper, nl, en", [
    (6.96, "6,9", "6.9"), (5.0, "5", "5"), (6.04, "6", "6"), (0.35, "0,3", "0.3"), (12.5, "12,5", "12.5"),
    (float("nan"), "", ""), (None, "", ""),
])
def test_the_bound_is_one_decimal_rounded_down(upper, nl, en):
    assert wording.format_bound(upper, "nl") == nl
    assert wording.format_bound(upper, "en") == en


@pytest.mark.parametrize("upper", [0.05, 2.95, 6.96, 6.99, 7.0, 7.01, 11.5, 19.999])
def test_a_count_is_above_the_bound_exactly_when_it_is_above_the_printed_bound(upper):
    printed = float(wording.format_bound(upper, "en"))
    for count in range(0, 25):
        assert (count > upper) == (count > printed), (count, upper, printed)


def test_period_labels_are_iso_weeks_and_named_months():
    assert wording.period_text(pd.Timestamp("2026-11-16"), "week") == "2026-W47"
    assert wording.period_text(pd.Timestamp("2026-10-01"), "month") == "oktober 2026"
    assert wording.period_text(pd.Timestamp("2026-10-01"), "month", "en") == "October 2026"
    assert wording.period_text(pd.NaT, "week") == "" and wording.period_text(None, "month") == ""
    assert wording.period_text("2021-W01", "week") == "2021-W01"           # a label stays a label
    # a load's first and last period (a DATE in meta.loads), never "2024-11-25 00:00:00"
    assert wording.load_period_text(pd.Timestamp("2024-11-25"), "meldingen") == "2024-W48"
    assert wording.load_period_text(pd.Timestamp("2026-10-01"), "wijkteam") == "oktober 2026"
    assert wording.load_period_text(pd.Timestamp("2026-11-16"), "wijkteam") == "2026-W47"
    # a week beginning on the 1st (2026-W23): the load's recorded kind says it is a week (red team)
    assert wording.load_period_text(pd.Timestamp("2026-06-01"), "wijkteam", kind="week") == "2026-W23"
    assert wording.load_period_text(pd.Timestamp("2026-06-01"), "wijkteam", kind="month") == "juni 2026"


def test_settings_have_dutch_names_with_their_key():
    rows = dict(wording.setting_rows({"budget": {"fdr": 0.05, "persistence": [2, 3]}, "week": {"alpha": 0.001},
                                      "=evil": "=1+1"}))
    assert rows["Fout-ontdekkingspercentage voor alarm (fdr)"] == "0,05"
    assert rows["Aandacht vraagt verhoging in zoveel van de laatste perioden (persistence)"] == "2 van de laatste 3 perioden"
    assert rows["Kans dat een gewone periode boven de bovengrens uitkomt, weekreeksen (alpha)"] == "0,001"
    assert rows["=evil"] == "=1+1"                                          # unknown keys are shown as they are
    # the factor a run set a team's levels to (``Budget.chance_entries``)
    scaled = dict(wording.setting_rows({"level_scale": {"de-weide": 1.84}, "budget": {"chance_entries": 0.9}}))
    assert scaled[("De grenzen voor alarm, aandacht en reeksalarm maal (zo ingesteld op de eigen geschiedenis), "
                   "wijkteam de-weide (level_scale)")] == "1,84"
    assert scaled[("Vermeldingen per wijkteam per week waarop de grenzen worden ingesteld, op de eigen berekende "
                   "geschiedenis (0: de grenzen zoals gegeven) (chance_entries)")] == "0,9"


def test_every_setting_a_run_records_has_a_dutch_name_and_a_readable_value(ref, tmp_path):
    # the settings as runs.run_key records them (with answers imported and a run period), and the risk step's
    from pipelines.runs import run_key
    from pipelines.warehouse import connect, insert_frame

    answer = pd.DataFrame([dict(run_id="r1", wijkteam="t", area_code="BU01", domain="physical", period="week",
                                period_start=pd.Timestamp("2026-11-16").date(), value="opgepakt", note=None,
                                answered_on=TODAY.date(), content_hash="h", row_number=5,
                                imported_at=datetime(2026, 11, 28, 13, 0))])
    with connect(tmp_path / "w.duckdb") as con:
        insert_frame(con, "meta.flag_feedback", answer)
        _, _, settings = run_key(con, ref, run_period="2026-W47")
    assert {"feedback_version", "run_period", "week", "month", "budget", "score"} <= set(settings)
    risk = ref.risk_settings.as_dict()
    rows = wording.setting_rows(settings) + wording.setting_rows(risk)
    keys = [k for k, _ in wording._flatten(settings)] + [k for k, _ in wording._flatten(risk)]
    unnamed = [k for k, (name, _) in zip(keys, rows) if name == k]
    assert not unnamed, f"settings without a Dutch name in wording.SETTING_NAMES_NL: {unnamed}"
    unreadable = [(name, value) for name, value in rows if re.search(r"[\[\]{}]|\btrue\b|\bfalse\b|\bnull\b", value)]
    assert not unreadable, unreadable
    shown = dict(rows)
    assert shown["Een stijging wordt ook gezocht over zoveel perioden samen, tot en met de laatste, weekreeksen "
                 "(windows)"] == "1, 2, 3 of 4 weken"
    assert shown["Een stijging wordt ook gezocht over zoveel perioden samen, tot en met de laatste, maandreeksen "
                 "(windows)"] == "1, 2, 3 of 4 maanden"


# ---------------------------------------------------------------------------------------------- reasons

def test_every_check_reason_of_every_source_has_a_dutch_version(ref):
    reasons = [check.reason for module in SOURCES.values() for check in module.checks(ref, TODAY)]
    assert len(reasons) > 25
    missing = [r for r in reasons if not wording.reason_has_dutch(r)]
    assert missing == []
    for reason in reasons:
        assert wording.reason_text(reason) != reason


def test_joined_and_privacy_reasons_are_translated_part_by_part():
    privacy = "holds personal data (adres) in Buurtcode; the value was removed"
    joined = f"{privacy}; aantal is negative; the period lies in the future"
    assert wording.reason_has_dutch(joined)
    assert wording.reason_text(joined) == ("bevat persoonsgegevens (adres) in Buurtcode; de waarde is verwijderd; "
                                           "aantal is negatief; de periode ligt in de toekomst")
    old_plausible = ("aantal is implausibly large (above 1.000 per buurt. signal and period; max_count_wijkteam in "
                     "lijst_instellingen.csv)")            # as earlier versions stored it
    assert wording.reason_text(old_plausible).startswith("aantal is onwaarschijnlijk groot (meer dan 1.000 per buurt, "
                                                         "signaal en periode;")
    assert not wording.reason_has_dutch("something new nobody translated")
    assert wording.reason_text("something new") == "something new"        # never lost, only not translated


def test_the_correction_file_gives_the_reason_in_dutch(home, tmp_path):
    from tests.conftest import write_csv

    path = write_csv(tmp_path / "wijkteam_1.csv", ["Buurtcode", "Maand", "Signaal", "Aantal"],
                     [["BU01185000", "2026-10", "Eenzaamheid", "3"], ["BU01189999", "2026-10", "Eenzaamheid", "-1"]])
    args = ["--home", str(home.root)]
    assert runner.invoke(app, [*args, "ingest", "--source", "wijkteam", str(path), "--today", "2026-11-26"]).exit_code == 0
    assert runner.invoke(app, [*args, "quarantine", "export", "--to", str(tmp_path / "fix")]).exit_code == 0
    out = pd.read_csv(next((tmp_path / "fix").glob("*.csv")), sep=";", dtype=str, encoding="utf-8-sig")
    assert out["Reden"].tolist() == ["buurt niet in indeling 2024: de buurtcode is geen buurt van de indeling 2024 "
                                     "(en staat niet in buurtcode_wijzigingen.csv); aantal is negatief"]


# ---------------------------------------------------------------------------------------------- list wording

def _flags(level="", status="aanhoudend"):
    return pd.DataFrame({
        "wijkteam": ["WT"], "area_code": ["BU01185005"], "name": ["Zuid"], "domain": ["physical"], "period": ["week"],
        "period_start": [pd.Timestamp("2026-11-16")], "since": [pd.Timestamp("2026-10-19")],
        "last_seen": [pd.Timestamp("2026-11-02")], "level": [level], "status": [status],
        "signals": ["zwerfafval, illegale_dump"], "explanation": ["x"], "explanation_en": ["y"]})


def _cells(upper=6.96):
    return pd.DataFrame({
        "area_code": ["BU01185005"], "domain": ["physical"], "period": ["week"], "period_start": [pd.Timestamp("2026-11-16")],
        "signal": ["zwerfafval"], "label_nl": ["Zwerfafval"], "label_en": ["Litter"], "unit_nl": ["meldingen"],
        "count": [9], "expected": [2.04], "upper": [upper], "pvalue": [0.001], "elevated": [True], "in_a_row": [4],
        "reason": [""]})


def test_a_listed_flag_reads_op_rij_with_the_shared_bound():
    text, signals = explain(_flags("alarm").itertuples(index=False).__next__(), _cells(), pd.DataFrame(
        {"area_code": [], "neighbour": []}), {})
    assert text == "Zwerfafval: 9 meldingen, verwacht 2,0 (bovengrens 6,9), 4e week op rij. Sinds 2026-W43."
    assert signals == ["zwerfafval"]


def test_a_flag_not_elevated_now_says_so_and_claims_no_run():
    flag = next(_flags("").itertuples(index=False))
    text, _ = explain(flag, _cells(), pd.DataFrame({"area_code": [], "neighbour": []}), {})
    assert "op rij" not in text and "nieuw deze" not in text
    # 2026-W45 is the last week it was elevated; the lists after it may have held it too (red team D)
    assert text.startswith("Deze week niet meer verhoogd, laatst verhoogd in 2026-W45; nog boven verwachting: "
                           "Zwerfafval: 9 meldingen")
    en, _ = explain(flag, _cells(), pd.DataFrame({"area_code": [], "neighbour": []}), {}, lang="en")
    assert "in a row" not in en and en.startswith("No longer elevated this week, last elevated in 2026-W45; ")
    quiet = explain(flag, _cells().assign(elevated=False), pd.DataFrame({"area_code": [], "neighbour": []}), {})[0]
    assert quiet == "Deze week niet meer verhoogd, laatst verhoogd in 2026-W45. Sinds 2026-W43."


def test_the_list_has_words_not_codes_or_dashes():
    labels = {"zwerfafval": "Zwerfafval", "illegale_dump": "Illegale afvaldump"}
    row = team_list(_flags(""), "WT", labels).iloc[0]
    assert row["Niveau"] == "nazorg" and row["Domein"] == "fysiek" and row["Sinds"] == "2026-W43"
    assert row["Signalen"] == "Zwerfafval, Illegale afvaldump"
    en = team_list(_flags("aandacht", "verergerend"), "WT", {"zwerfafval": "Litter"}, "en").iloc[0]
    assert (en["Level"], en["Status"], en["Domain"], en["Explanation"]) == ("attention", "worsening", "physical", "y")
    assert en["Signals"] == "Litter, illegale_dump"                       # a code without a label stays a code
    monthly = team_list(_flags("alarm").assign(period="month", period_start=pd.Timestamp("2026-10-01"),
                                                since=pd.Timestamp("2026-09-01")), "WT").iloc[0]
    assert (monthly["Periode"], monthly["Sinds"]) == ("oktober 2026", "september 2026")


def _export(tmp_path, alarm, count):
    weeks = pd.date_range("2026-08-31", periods=12, freq="W-MON")
    flags = _flags("alarm").assign(period_start=weeks[-1], signals="zwerfafval")
    series = pd.DataFrame({"area_code": "BU01185005", "domain": "physical", "signal": "zwerfafval", "period": "week",
                           "period_start": weeks, "count": [1] * 11 + [count], "expected": [1.0] * 12,
                           "upper": [4.5] * 12, "alarm": [False] * 11 + [alarm]})
    loads = pd.DataFrame({"source": ["meldingen"], "file_name": ["m.csv"], "loaded_at": [pd.Timestamp("2026-11-23 06:00")],
                          "periods_from": [pd.Timestamp("2021-01-04")], "periods_to": [pd.Timestamp("2026-11-16")]})
    run = RunInfo("2026-W47-abc", "2026-W47", datetime(2026, 11, 23, 6, 5), {"budget": {"alarm_p": 0.005}}, loads)
    teams = pd.DataFrame({"wijkteam": ["WT"], "name": ["Team"]})
    return export_team_lists(flags, teams, tmp_path, run, series, {"zwerfafval": "Zwerfafval"})["WT"]


def test_the_html_legend_and_chart_tell_the_two_red_markers_apart(tmp_path):
    above = _export(tmp_path / "a", alarm=True, count=9)[2].read_text(encoding="utf-8")
    slow = _export(tmp_path / "b", alarm=True, count=3)[2].read_text(encoding="utf-8")
    legend = re.search(r'<p class="legend">(.*?)</p>', above).group(1)
    assert "rode stip = aantal boven de bovengrens" in legend and "open driehoek" in legend and "CUSUM" in legend
    assert '<circle cx="5" cy="5" r="4" fill="#c0392b"/>' in legend and 'fill="#ffffff" stroke="#c0392b"' in legend
    chart = lambda page: page.split("</p>", 2)[-1]                         # noqa: E731  (after the legend)
    assert 'r="3.2" fill="#c0392b"' in chart(above) and 'stroke="#c0392b"' not in chart(above)
    assert 'r="3.2" fill="#c0392b"' not in chart(slow) and 'fill="#ffffff" stroke="#c0392b"' in chart(slow)
    ticks = re.findall(r'text-anchor="end">(\d+)</text>', chart(above))   # a y-axis with a few whole counts
    assert 3 <= len(ticks) <= 5 and ticks[0] == "0"


def test_the_workbook_explains_settings_and_periods_in_dutch(tmp_path):
    from openpyxl import load_workbook

    xlsx = _export(tmp_path, alarm=True, count=9)[0]
    wb = load_workbook(xlsx)
    values = [c.value for row in wb["Toelichting"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Gewicht van een reeksalarm, zoals een geleidelijke stijging (kans) (alarm_p)" in values
    assert "budget.alarm_p" not in values
    assert "m.csv, geladen 23-11-2026 06:00, perioden 2021-W01 t/m 2026-W47" in values
    assert not [v for v in values if "00:00:00" in v]
    signalen = [r for r in wb["Signalen"].iter_rows(min_row=5, values_only=True)]
    assert signalen[0][8] == "Zwerfafval" and signalen[0][2] == "alarm"


# ---------------------------------------------------------------------------------------------- CLI

def test_version_prints_the_package_version():
    from importlib.metadata import version

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"wijkradar {version('wijkradar')}"


def _scored_home(home):
    """A warehouse with one run: flags and scores for BU01185005, written straight into the marts."""
    from pipelines import reference
    from pipelines.warehouse import connect, insert_frame

    week = pd.Timestamp("2026-11-16")
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        cols = [r[0] for r in con.execute("DESCRIBE marts.series_scores").fetchall()]
        row = {"area_code": "BU01185005", "signal": "illegale_dump", "period": "week", "period_start": week, "count": 10,
               "expected": 1.0, "upper": 6.96, "score": 5.0, "pvalue": 1e-6, "alarm": True, "method": "noufaily+cusum",
               "reason": ""}
        insert_frame(con, "marts.series_scores", pd.DataFrame([{c: row.get(c) for c in cols}]))
        cols = [r[0] for r in con.execute("DESCRIBE marts.area_evidence").fetchall()]
        ev = {"area_code": "BU01185005", "domain": "physical", "period": "week", "period_start": week, "p_domain": 1e-5,
              "q": 1e-4, "score": 5.0, "level": "alarm", "status": "nieuw", "since": week}
        insert_frame(con, "marts.area_evidence", pd.DataFrame([{c: ev.get(c) for c in cols}]))
        con.execute("INSERT INTO meta.runs (run_id, run_key, started_at, finished_at, run_period, loads, settings, "
                    "n_series, n_scored, n_flags) VALUES ('2026-W47-x', 'k', now()::TIMESTAMP, now()::TIMESTAMP, "
                    "'2026-W47', '[]', '{}', 1, 1, 0)")


@pytest.mark.parametrize("typed", ["BU01185005", "01185005", "1185005", " bu01185005 "])
def test_explain_accepts_short_codes_and_speaks_dutch(home, typed):
    _scored_home(home)
    res = runner.invoke(app, ["--home", str(home.root), "explain", typed])
    assert res.exit_code == 0, res.output
    assert "BU01185005 Zuid" in res.output and "fysiek" in res.output and "physical" not in res.output
    assert "Onderbouwing per domein" in res.output and "bovengrens" in res.output and "6,9" in res.output
    assert "2026-W47" in res.output and "ja" in res.output


def test_explain_gives_a_monthly_flag_the_status_its_list_gave(home):
    # a monthly flag on its first list reads nieuw there; explain read it aanhoudend by the date rule (October ended
    # a week or more before the run's week), so the two told the team different things (red team A)
    from pipelines.warehouse import connect, insert_frame

    _scored_home(home)
    month = pd.Timestamp("2026-10-01")
    with connect(home.warehouse) as con:
        cols = [r[0] for r in con.execute("DESCRIBE marts.area_evidence").fetchall()]
        ev = {"area_code": "BU01185005", "domain": "social", "period": "month", "period_start": month,
              "p_domain": 1e-5, "q": 1e-4, "score": 5.0, "level": "alarm", "status": "nieuw", "since": month}
        insert_frame(con, "marts.area_evidence", pd.DataFrame([{c: ev.get(c) for c in cols}]))

    def social_status() -> str:
        res = runner.invoke(app, ["--home", str(home.root), "explain", "BU01185005", "--lang", "en"])
        assert res.exit_code == 0, res.output
        return next(line for line in res.output.splitlines() if "social" in line)

    assert "new" in social_status() and "ongoing" not in social_status()
    with connect(home.warehouse) as con:           # an earlier run's list (2026-W46) held it
        con.execute("INSERT INTO meta.runs (run_id, run_key, started_at, finished_at, run_period, loads, settings, "
                    "n_series, n_scored, n_flags) VALUES ('2026-W46-x', 'k46', now()::TIMESTAMP, now()::TIMESTAMP, "
                    "'2026-W46', '[]', '{}', 1, 1, 1)")
        cols = [r[0] for r in con.execute("DESCRIBE marts.area_flags").fetchall()]
        flag = {"run_id": "2026-W46-x", "run_period": "2026-W46", "area_code": "BU01185005", "domain": "social",
                "period": "month", "period_start": month, "wijkteam": "zuid-oost", "level": "alarm",
                "status": "nieuw", "score": 5.0, "q": 1e-4, "since": month, "signals": "eenzaamheid",
                "explanation": "-", "explanation_en": "-"}
        insert_frame(con, "marts.area_flags", pd.DataFrame([{c: flag.get(c) for c in cols}]))
    assert "ongoing" in social_status()


def test_explain_in_english_on_request(home):
    _scored_home(home)
    res = runner.invoke(app, ["--home", str(home.root), "explain", "01185005", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "physical" in res.output and "Evidence per domain" in res.output and "fysiek" not in res.output
    assert "6.9" in res.output and "yes" in res.output


def test_flags_for_a_period_without_a_run_exits_non_zero_with_one_sentence(home):
    _scored_home(home)
    for fmt in ("table", "csv"):
        res = runner.invoke(app, ["--home", str(home.root), "flags", "--period", "2026-W40", "--format", fmt])
        assert res.exit_code != 0
        # one sentence, nothing before or after it (the console may wrap it over two lines)
        said = " ".join(res.output.split())
        assert said.startswith("error: no run for period 2026-W40; runs exist for 2026-W47") and said.count("error") == 1
        assert said.endswith("make the run of 2026-W40 with `wijkradar run --today 2026-10-05`")
    empty = runner.invoke(app, ["--home", str(home.root / "new"), "flags"])
    assert empty.exit_code != 0 and "run the weekly flow there first" in " ".join(empty.output.split())


def test_reasons_of_corrections_not_applied_have_a_dutch_version():
    from pipelines.delivery import NOT_APPLIED

    for template in NOT_APPLIED.values():
        reason = template.format(by="wijkteam-0123456789ab", writer="wijkteam-ba9876543210")
        assert wording.reason_has_dutch(reason), reason
        assert "niets toegepast" in wording.reason_text(reason)
        assert "wijkteam-0123456789ab" in wording.reason_text(reason) or "analist" in wording.reason_text(reason)
