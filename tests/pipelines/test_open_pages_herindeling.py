"""Open pages after a herindeling: Hoogeveen (GM0118) and a part of De Wolden merge into GM1999, every buurt and wijk
renumbered and mapped in ``buurtcode_wijzigingen.csv`` (red team 12b).

F2: the record of what was printed was keyed by municipality code, so the new code printed 2022-2025 again under
the new division (Wijk 50 2.025 -> 1.625 once Zuid was split: Zuid's 400 reports by differencing), and the split
buurt's past dropped out of its wijk, whose old code no longer exists. F3: De Wolden's wijken, of which no source
ever delivered a row, read "<5 ... Dat is goed nieuws" and diluted the municipality's rate (79 -> 55)."""
import csv
import re
import shutil

import pandas as pd
import pytest

from tests.pipelines.test_open_pages_across_builds import build_open

#: The part of De Wolden in the merged profile (no source ever delivered for it): wijk -> (name, buurten).
DE_WOLDEN = {"00": ("Wijk 00 Zuidwolde", {"00": ("Zuidwolde-Centrum", 4000), "01": ("Zuidwolde-Oost", 2365)}),
             "01": ("Wijk 01 Ruinen", {"00": ("Ruinen", 3000)})}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write(path, rows, fields):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def merge_profile(ref_dir, split: bool) -> None:
    """Rewrite the home's profile to the herindeling (as red team 12b's ``merger.py``, De Wolden made up): GM0118's
    codes become GM1999's (BU0118wwbb -> BU1999wwbb), all mapped; with ``split`` Zuid BU01185005 is split into
    BU19995010 (6,100 inhabitants) and BU19995011 (45), which no line can map."""
    new = lambda code: code and ("GM1999" if code.startswith("GM") else code[:2] + "1999" + code[6:])  # noqa: E731
    fields = ["niveau", "code", "naam", "wijk_code", "wijk_naam", "aantal_inwoners_2024", "in_85984NED",
              "gemeente_code"]
    division = [dict(niveau="gemeente", code="GM1999", naam="Hoogeveen-De Wolden", in_85984NED="nee",
                     gemeente_code="GM1999")]
    changes = []
    for r in _rows(ref_dir / "gebiedsindeling_2024.csv"):
        if r["niveau"] == "gemeente":
            continue
        row = dict(r, code=new(r["code"]), wijk_code=new(r["wijk_code"]), gemeente_code="GM1999")
        if split and r["code"] == "BU01185005":
            division += [dict(row, code="BU19995010", naam="Zuid-Noord", aantal_inwoners_2024="6100"),
                         dict(row, code="BU19995011", naam="Zuid-Zuid", aantal_inwoners_2024="45")]
            continue
        division.append(row)
        if r["niveau"] == "buurt":
            changes.append(dict(old_code=r["code"], new_code=row["code"], division="2026", note="herindeling"))
    teams = []
    for w, (wijk, buurten) in DE_WOLDEN.items():
        division.append(dict(niveau="wijk", code=f"WK1999{w}", naam=wijk, wijk_code=f"WK1999{w}", in_85984NED="nee",
                             gemeente_code="GM1999"))
        for b, (name, people) in buurten.items():
            division.append(dict(niveau="buurt", code=f"BU1999{w}{b}", naam=name, wijk_code=f"WK1999{w}",
                                 wijk_naam=wijk, aantal_inwoners_2024=str(people), in_85984NED="nee",
                                 gemeente_code="GM1999"))
            changes.append(dict(old_code=f"BU1690{w}{b}", new_code=f"BU1999{w}{b}", division="2026",
                                note="herindeling"))
            teams.append(dict(buurt_code=f"BU1999{w}{b}", wijkteam="de-wolden", soort="dorp"))
    _write(ref_dir / "gebiedsindeling_2024.csv", division, fields)
    _write(ref_dir / "buurtcode_wijzigingen.csv", changes, ["old_code", "new_code", "division", "note"])
    indeling = []
    for r in _rows(ref_dir / "buurt_indeling.csv"):
        if split and r["buurt_code"] == "BU01185005":
            indeling += [dict(r, buurt_code="BU19995010"), dict(r, buurt_code="BU19995011")]
        else:
            indeling.append(dict(r, buurt_code=new(r["buurt_code"])))
    _write(ref_dir / "buurt_indeling.csv", indeling + teams, ["buurt_code", "wijkteam", "soort"])
    _write(ref_dir / "wijkteams.csv", _rows(ref_dir / "wijkteams.csv") + [dict(wijkteam="de-wolden",
                                                                                naam="Wijkteam De Wolden")],
           ["wijkteam", "naam"])
    zuid = lambda code: "BU19995010" if split and code == "BU01185005" else new(code)  # noqa: E731
    _write(ref_dir / "buurt_buren.csv", [dict(r, area_code=zuid(r["area_code"]), neighbour=zuid(r["neighbour"]))
                                         for r in _rows(ref_dir / "buurt_buren.csv")],
           ["area_code", "neighbour", "source", "note"])
    _write(ref_dir / "buurt_buren_handmatig.csv", [dict(r, area_code=new(r["area_code"]), neighbour=new(r["neighbour"]))
                                                   for r in _rows(ref_dir / "buurt_buren_handmatig.csv")],
           ["area_code", "neighbour", "note"])


@pytest.fixture(scope="module")
def run_home(tmp_path_factory, ref):
    from pipelines.warehouse import connect
    from tests.conftest import demo_run_copy

    home = demo_run_copy(tmp_path_factory.mktemp("herindeling"), ref)[0]
    with connect(home.warehouse) as con:         # as loads keep them, so the profile sync moves them to the new codes
        con.execute("INSERT INTO core.source_cells SELECT source, area_code, signal, '', period, period_start, count, "
                    "false, load_id, 1 FROM core.signal_counts")
    return home


def a_home(run_home, tmp_path):
    from pipelines.paths import REFERENCE_DIR, resolve_home

    home = resolve_home(tmp_path / "home")
    shutil.copytree(run_home.root, home.root, dirs_exist_ok=True)
    shutil.copytree(REFERENCE_DIR, home.root / "reference")
    return home


def renamed(page: str) -> str:
    """The page of the same wijk after the herindeling: ``...-wk011851.html`` -> ``...-wk199951.html`` (Wijk 50
    Hoogeveen is named Hoogeveen in Hoogeveen-De Wolden)."""
    return re.sub(r"wk0118(\d\d)\.html$", r"wk1999\1.html", page).replace("wijk-50-hoogeveen-", "hoogeveen-")


def text(path) -> str:
    t = re.sub(r"<svg.*?</svg>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t))


def test_a_herindeling_prints_no_year_again_under_the_new_division(run_home, tmp_path):
    """F2: the years printed under GM0118 are printed under GM1999 only as they were (a wijk with the same buurten,
    word for word) or not at all (Wijk 50, whose Zuid was split): Zuid's count is no difference of two builds."""
    home = a_home(run_home, tmp_path)
    first = build_open(home)
    wijk50 = first["wijk-50-hoogeveen-wk011850.html"]["Buitenruimte"]
    assert ("2022", "2.025", "79", "79") in wijk50
    merge_profile(home.root / "reference", split=True)
    second = build_open(home)
    old_pages = {renamed(p): p for p in first}
    assert set(old_pages) <= set(second)
    hidden = 0
    for page, old in old_pages.items():
        for label, rows in second[page].items():
            printed = {r[0]: r for r in first[old][label]}
            for year, count, rate, gm in rows:
                assert year in printed, (page, label, year)           # no year of build 1 is new in build 2
                if (count, rate) == ("verborgen", "-"):
                    hidden += 1
                    continue
                assert (count, rate) == printed[year][1:3], (page, label, year, count, printed[year])
                assert gm in (printed[year][3], "-"), (page, label, year, gm)
    assert hidden >= 8
    for year, count, rate, gm in second["hoogeveen-wk199950.html"]["Buitenruimte"]:
        assert (count, rate, gm) == ("verborgen", "-", "-"), year                 # Zuid was split: buurten changed
    assert "De wijk heeft nu andere buurten" in text(home.reports / "open" / "hoogeveen-wk199950.html")
    record = pd.read_parquet(home.reports / "open_gepubliceerd.parquet")
    assert not ((record["gemeente_code"] == "GM1999") & (record["year"] <= 2025)).any()
    assert build_open(home) == second                                              # and it holds


def test_a_split_buurts_past_stays_in_its_wijk_after_a_herindeling(run_home, tmp_path):
    """F2: a home without an earlier build: the split Zuid's old code is counted in the wijk its other buurten went
    to (WK011850 -> WK199950), not dropped with the wijk code that no longer exists (2.025, not 1.625)."""
    home = a_home(run_home, tmp_path)
    merge_profile(home.root / "reference", split=True)
    pages = build_open(home)
    rows = {r[0]: r for r in pages["hoogeveen-wk199950.html"]["Buitenruimte"]}
    assert rows["2022"][1:3] == ("2.025", "79"), rows


def test_areas_no_source_delivered_for_get_no_figures_and_stay_out_of_the_municipality(run_home, tmp_path):
    """F3: De Wolden's wijken say that there are no figures (not "<5 ... goed nieuws"); the municipality's figures
    are Hoogeveen's counts over Hoogeveen's inhabitants, as before the merger (79, not 55)."""
    before = build_open(a_home(run_home, tmp_path / "before"))
    home = a_home(run_home, tmp_path / "after")
    merge_profile(home.root / "reference", split=False)
    after = build_open(home)
    for page, cards in before.items():
        assert after[renamed(page)] == cards, page               # every figure, the municipality's too, as before
    for page in ("zuidwolde-wk199900.html", "ruinen-wk199901.html"):
        t = text(home.reports / "open" / page)
        assert "goed nieuws" not in t and "&lt;5 -" not in t and "<td" not in t, page
        assert "Over de buitenruimte in" in t and "hebben we (nog) geen cijfers" in t, page
        assert after[page] == {"Buitenruimte": [], "Zorg en welzijn": []}
    t = text(home.reports / "open" / "hoogeveen-wk199950.html")
    assert "Over Ruinen en Zuidwolde hebben we (nog) geen cijfers." in t
    assert "In de hele gemeente Hoogeveen-De Wolden waren het er 79" in t


def test_the_trends_count_no_inhabitants_of_areas_never_delivered(run_home, tmp_path):
    """F3 in ``01-trends``: the year to date of the dorpen is not divided by De Wolden's inhabitants too."""
    from pipelines.reports import trends
    from pipelines.reports.data import open_warehouse, read_report_data

    home = a_home(run_home, tmp_path)
    build_open(home)                                                  # the profile as the reports read it
    with open_warehouse(home) as con:
        plain = read_report_data(con)
    merge_profile(home.root / "reference", split=False)
    build_open(home)
    with open_warehouse(home) as con:
        merged = read_report_data(con)          # what the sync moved tells Hoogeveen's buurten from the others
    end = pd.Timestamp("2026-11-22")
    by = ("kind", "domain")
    a = trends.year_to_date(plain.counts, plain.areas, plain.catalogue, end, by=by, year=2026)
    b = trends.year_to_date(merged.counts, merged.areas, merged.catalogue, end, by=by, year=2026)
    assert len(a) == len(b)
    pd.testing.assert_series_equal(a["rate"], b["rate"])               # the dorpen's 72 was 46 (De Wolden's people)


def test_a_buurt_is_in_the_part_its_codes_came_from():
    """``with_parts``: mapped codes name the part; a split's part and a removed code follow their wijk and code."""
    from pipelines.reports.trends import with_parts

    areas = pd.DataFrame({
        "area_code": ["GM1999", "WK199950", "WK199900", "BU19995000", "BU19995010", "BU01185005", "BU19990000"],
        "name": ["G", "W50", "W00", "a", "split part", "BU01185005 (vervallen)", "b"],
        "level": ["gemeente", "wijk", "wijk", "buurt", "buurt", "buurt", "buurt"],
        "wijk_code": [None, "WK199950", "WK199900", "WK199950", "WK199950", "WK199950", "WK199900"],
        "gemeente_code": ["GM1999"] * 7})
    moves = pd.DataFrame({"old_code": ["BU01185000", "BU16900000"], "new_code": ["BU19995000", "BU19990000"]})
    parts = with_parts(areas, moves).set_index("area_code")["part"]
    assert parts[["BU19995000", "BU19995010", "BU01185005", "BU19990000"]].tolist() == ["GM0118"] * 3 + ["GM1690"]
    assert with_parts(areas, moves.iloc[:0])["part"].dropna().eq("GM1999").all()     # no mapping: one part
