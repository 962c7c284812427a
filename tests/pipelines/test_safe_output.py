"""Hostile content in what wijkradar writes: no spreadsheet formulas, no live HTML."""
from datetime import datetime
from html.parser import HTMLParser

import pandas as pd
import pytest

from pipelines.export import RunInfo, export_team_lists
from pipelines.safe_output import escape_html, is_dangerous, neutralise, neutralise_frame, safe_filename, xlsx_text

HYPERLINK = '=HYPERLINK("http://x","klik")'


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    (HYPERLINK, "'" + HYPERLINK),
    ("+31 6 12345678", "'+31 6 12345678"),
    ("-x", "'-x"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("  =1+1", "'  =1+1"),
    ("\u00a0=1", "'\u00a0=1"),
    ("\n-2+3", "'\n-2+3"),
    ("-1+2", "'-1+2"),
    ("-3", "-3"),
    ("-2.5", "-2.5"),
    ("-1,5", "-1,5"),
    ("+31", "+31"),
    (" -7 ", " -7 "),
    ("-", "-"),
    ("Buurt Centrum", "Buurt Centrum"),
    ("a=b", "a=b"),
    ("2026-W47", "2026-W47"),
    ("", ""),
    ("'=already", "'=already"),
    ("\u3000@x", "'\u3000@x"),
    ("-\u0663", "'-\u0663"),          # only ASCII digits make a plain number
    (" -2,5 ", " -2,5 "),
])
def test_neutralise_texts(value, expected):
    assert neutralise(value) == expected
    # the vectorised version (pandas str dtype: pyarrow regex engine) agrees with the scalar one
    for dtype in ("str", object):
        assert neutralise_frame(pd.DataFrame({"c": [value]}, dtype=dtype))["c"].iloc[0] == expected


@pytest.mark.parametrize("value", [3, -3, -2.5, 0.0, None, pd.Timestamp("2026-01-01"), pd.NaT, True])
def test_neutralise_leaves_non_text_alone(value):
    assert neutralise(value) is value


def test_neutralise_frame_is_vectorised_and_leaves_other_columns_alone():
    df = pd.DataFrame({
        "text": ["=1+1", "-3", "ok", None],
        "mixed": [1, "@x", None, pd.Timestamp("2026-01-01")],
        "num": [-1, 2, 3, 4],
        "cat": pd.Categorical(["+a", "b", "+a", "-2"]),
        "=bad header": ["x", "y", "z", "w"],
    })
    out = neutralise_frame(df)
    assert out["text"].tolist()[:3] == ["'=1+1", "-3", "ok"] and pd.isna(out["text"].iloc[3])
    assert out["mixed"].tolist()[:3] == [1, "'@x", None]
    assert out["num"].tolist() == [-1, 2, 3, 4] and out["num"].dtype == df["num"].dtype
    assert out["cat"].tolist() == ["'+a", "b", "'+a", "-2"]
    assert "'=bad header" in out.columns
    assert df["text"].iloc[0] == "=1+1"          # the input is not modified
    assert neutralise_frame(pd.DataFrame({"x": [1, 2]}, dtype=object))["x"].tolist() == [1, 2]
    assert neutralise_frame(pd.DataFrame()).empty


def test_xlsx_text_drops_control_characters_before_neutralising():
    assert xlsx_text("\x01=1+1") == "'=1+1"
    assert xlsx_text("a\x0bb") == "ab"


def test_escape_html_and_safe_filename():
    assert escape_html('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"
    assert escape_html(None) == "None"
    assert safe_filename("WT01") == "WT01"
    for bad in ["../../x", "..", "a/b", "a\\b", "", "c:x"]:
        name = safe_filename(bad)
        assert "/" not in name and "\\" not in name and name.strip(".") and ":" not in name


# ---------------------------------------------------------------------------------------------
# The export with hostile names, explanations and file names

HOSTILE_NAMES = [
    HYPERLINK,
    '<svg/onload=alert(1)>',
    '"><img src=x onerror=alert(2)>',
    "<script>alert(3)</script>",
    "+31 6 12345678",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "-2+3",
]


def _inputs():
    n = len(HOSTILE_NAMES)
    weeks = pd.date_range("2026-09-07", periods=12, freq="W-MON")
    areas = [f"BU0118{i:04d}" for i in range(n)]
    flags = pd.DataFrame({
        "wijkteam": ["WT1"] * n,
        "status": ["nieuw"] * n,
        "level": ["alarm", "aandacht", '" onmouseover="alert(4)', ""] * (n // 4),
        "domain": ["physical", "social", "safety", "physical"] * (n // 4),
        "area_code": areas,
        "name": HOSTILE_NAMES,
        "period_start": [weeks[-1]] * n,
        "period": ["week"] * n,
        "since": [weeks[-3]] * n,
        "signals": ["=sig<script>", "sig2", "", "sig2"] * (n // 4),
        "explanation": list(reversed(HOSTILE_NAMES)),
    })
    series = pd.concat([pd.DataFrame({
        "area_code": a, "domain": d, "signal": s, "period": "week", "period_start": weeks,
        "count": range(12), "expected": [3.0] * 12, "upper": [6.0] * 12, "alarm": [False] * 11 + [True],
    }) for a, d in zip(areas, flags["domain"]) for s in ("=sig<script>", "sig2")], ignore_index=True)
    labels = {"sig2": '<svg onload="alert(5)">label'}
    teams = pd.DataFrame({"wijkteam": ["WT1", "../WT2"], "name": ['=HYPERLINK("http://x","team")', "<script>x</script>"]})
    loads = pd.DataFrame({
        "source": ["meldingen", "=cmd"],
        "file_name": [HYPERLINK + ".csv", "<svg/onload=alert(1)>.csv"],
        "loaded_at": [pd.Timestamp("2026-11-23 06:00"), pd.Timestamp("2026-11-23 06:01")],
        "periods_from": ["2021-W01", "-1+1"],
        "periods_to": ["2026-W47", "2026-W47"],
    })
    settings = {"alpha": 0.005, "=evil": "=1+1", "nested": {"-x": "@y"}}
    run = RunInfo("=run<script>", "2026-W47", datetime(2026, 11, 23, 6, 5), settings, loads)
    return flags, teams, series, labels, run


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    flags, teams, series, labels, run = _inputs()
    root = tmp_path_factory.mktemp("exports")
    return root, export_team_lists(flags, teams, root, run, series, labels)


def test_files_stay_in_the_run_folder(exported):
    root, written = exported
    folder = (root / "2026-W47").resolve()
    assert set(written) == {"WT1", "../WT2"}
    for paths in written.values():
        for p in paths:
            assert p.resolve().parent == folder and p.exists()


def test_csv_has_no_formula_cells(exported):
    _, written = exported
    for team, paths in written.items():
        csv = pd.read_csv(paths[1], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cells = [*csv.columns, *csv.to_numpy().ravel().tolist()]
        assert not [c for c in cells if is_dangerous(c)], team
    wt1 = pd.read_csv(written["WT1"][1], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "'" + HYPERLINK in set(wt1["Buurt"]) and "'-2+3" in set(wt1["Toelichting"])
    assert '<svg/onload=alert(1)>' in set(wt1["Buurt"])       # HTML is no danger in a CSV: unchanged


def test_xlsx_has_no_formula_cells_on_either_sheet(exported):
    from openpyxl import load_workbook

    _, written = exported
    for team, paths in written.items():
        wb = load_workbook(paths[0])
        assert wb.sheetnames == ["Signalen", "Toelichting", "Meta"]      # Meta: very hidden, for the feedback
        texts = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (team, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not is_dangerous(cell.value), (team, ws.title, cell.coordinate, cell.value)
                        texts.append(cell.value)
        joined = "\n".join(texts)
        assert "'=" in joined                               # the hostile team name in the title line
    info = load_workbook(written["WT1"][0])["Toelichting"]
    values = [c.value for row in info.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("'" + HYPERLINK + ".csv, geladen") for v in values)   # the data vintage
    assert "'=cmd" in values and "'=1+1" in values and "'=evil" in values
    signalen = load_workbook(written["WT1"][0])["Signalen"]
    assert "'" + HYPERLINK in [c.value for c in signalen["F"]]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def test_html_has_no_live_markup(exported):
    _, written = exported
    for team, paths in written.items():
        page = paths[2].read_text(encoding="utf-8")
        parser = _Elements()
        parser.feed(page)
        parser.close()
        tags = [t for t, _ in parser.elements]
        assert "script" not in tags and "img" not in tags, team
        assert not [(t, a) for t, a in parser.elements for name in a if name.lower().startswith("on")], team
        assert not [a for t, a in parser.elements if t == "svg" and "onload" in a], team
        # only the elements the page is made of (main, h2 and each chart's figures as a folded table: WCAG)
        assert set(tags) <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "div",
                             "span", "small", "svg", "text", "polygon", "polyline", "circle", "details", "summary",
                             "table", "caption", "thead", "tbody", "tr", "th", "td"}, team
        classes = {a.get("class") for _, a in parser.elements if a.get("class")}
        assert all(" on" not in c and '"' not in c for c in classes)
    page = written["WT1"][2].read_text(encoding="utf-8")
    assert "&lt;svg/onload=alert(1)&gt;" in page and "&lt;script&gt;" in page
    assert page.count("<svg ") > 0                         # the charts are still there


def test_lists_written_by_two_worker_processes_are_the_same_files(tmp_path, monkeypatch):
    import pipelines.export as export

    flags, teams, series, labels, run = _inputs()
    one = export_team_lists(flags, teams, tmp_path / "one", run, series, labels, workers=1)
    monkeypatch.setattr(export, "PARALLEL_TEAMS", 2)           # a region's many teams, here two
    two = export_team_lists(flags, teams, tmp_path / "two", run, series, labels, workers=2)
    assert list(two) == list(one)
    for team in one:
        for a, b in zip(one[team], two[team]):
            assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
