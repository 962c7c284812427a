"""wijkradar risk backend: real Amsterdam buurten (crime 2021-2024, KWB 2024) in, one row per buurt out;
``;`` files read like ``,`` files; bad input refused with one sentence and nothing written."""
import json

import numpy as np
import pandas as pd
import pytest

from pipelines.profile import REGIONS
from pipelines.risk import RiskInputError, risk_file


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Counts 2021-2023 (the CLI must predict 2024 without seeing it) and features of Amsterdam's buurten."""
    regions = pd.read_csv(REGIONS, dtype=str, keep_default_na=False)
    buurten = regions[(regions["regio_type"] == "buurt") & (regions["gemeente_code"] == "GM0363")]
    counts = buurten.melt(id_vars="code", value_vars=[f"misdrijven_totaal_{y}" for y in (2021, 2022, 2023)],
                          var_name="period", value_name="count")
    counts = counts.assign(period=counts["period"].str[-4:]).rename(columns={"code": "area_code"})
    cols = ["kwb2024_inwoners", "kwb2024_dichtheid", "kwb2024_huishoudensgrootte", "kwb2024_wozWaarde",
            "kwb2024_koopwoningen", "kwb2024_stedelijkheid", "kwb2024_afstandSupermarkt"]
    features = buurten[["code", *cols]].rename(columns={"code": "area_code"})
    folder = tmp_path_factory.mktemp("risk")
    counts.to_csv(folder / "counts.csv", index=False)
    features.to_csv(folder / "features.csv", index=False)
    return folder, counts, features


@pytest.fixture(scope="module")
def scored(sample):
    folder, counts, features = sample
    out = folder / "risk.csv"
    summary = risk_file(folder / "counts.csv", folder / "features.csv", 2024, out, model_out=folder / "model.joblib")
    return summary, pd.read_csv(out, dtype={"area_code": str})


def test_every_buurt_gets_a_probability_rank_and_drivers(sample, scored):
    _, counts, _ = sample
    summary, got = scored
    assert list(got.columns) == ["area_code", "probability", "rank", "drivers"]
    assert sorted(got["area_code"]) == sorted(counts["area_code"].unique())
    assert got["probability"].between(0, 1).all() and sorted(got["rank"]) == list(range(1, len(got) + 1))
    assert got["drivers"].str.len().gt(0).all()
    assert summary.training_periods == ["2022", "2023"] and summary.target_period == "2024"
    assert "vorig jaar" in " ".join(got["drivers"])          # yearly periods are worded as years


def test_the_saved_model_has_its_sidecar_and_refuses_other_features(sample, scored):
    folder, _, features = sample
    meta = json.loads((folder / "model.joblib.json").read_text(encoding="utf-8"))
    assert meta["training_periods"] == ["2022", "2023"] and meta["data_vintage"]["last_period"] == "2023"
    assert meta["feature_set"] == sorted(features.columns.drop("area_code"))
    features.drop(columns="kwb2024_wozWaarde").to_csv(folder / "other.csv", index=False)
    with pytest.raises(RiskInputError, match="differ from the feature set"):
        risk_file(folder / "counts.csv", folder / "other.csv", 2024, folder / "x.csv", model_in=folder / "model.joblib")
    assert not (folder / "x.csv").exists()


def test_semicolon_files_with_decimal_commas_give_the_same_output(sample, scored, tmp_path):
    folder, counts, features = sample
    counts.to_csv(tmp_path / "counts.csv", sep=";", index=False)
    features.apply(lambda c: c.str.replace(".", ",", regex=False)).to_csv(tmp_path / "features.csv", sep=";", index=False)
    risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", "2024", tmp_path / "risk.csv",
              model_in=folder / "model.joblib")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "risk.csv", dtype={"area_code": str}), scored[1])


@pytest.mark.parametrize("change, message", [
    (lambda c, f: (c.drop(columns="count"), f), "lacks column\\(s\\) count"),
    (lambda c, f: (c.assign(count=c["count"].where(c.index != 4, "veel")), f), "line\\(s\\) 6 lack"),
    (lambda c, f: (c.drop(index=c.index[c["period"] == "2022"][0]), f), "not consecutive"),
    (lambda c, f: (c.assign(period=np.where(c.index == 0, "2021-W01", c["period"])), f), "which line\\(s\\) 2 break"),
    (lambda c, f: (c, f.assign(kwb2024_dichtheid=f["kwb2024_dichtheid"].where(f.index != f.index[2], "hoog"))),
     "kwb2024_dichtheid has text that is not a number on line\\(s\\) 4"),
    (lambda c, f: (c[c["period"] == "2023"], f), "at least two periods"),
    (lambda c, f: (c.assign(area_code=c["area_code"].where(c.index != 3, "06-12345678")), f),
     "area_code looks like personal data \\(telefoonnummer, line\\(s\\) 5\\)"),
    (lambda c, f: (c, f.assign(area_code=f["area_code"].where(np.arange(len(f)) != 1, "j.jansen@example.nl"))),
     "features file .* area_code looks like personal data \\(e-mail, line\\(s\\) 3\\)"),
])
def test_bad_input_is_refused_and_nothing_is_written(sample, tmp_path, change, message):
    _, counts, features = sample
    c, f = change(counts, features)
    c.to_csv(tmp_path / "counts.csv", index=False)
    f.to_csv(tmp_path / "features.csv", index=False)
    with pytest.raises(RiskInputError, match=message) as err:
        risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", 2024, tmp_path / "risk.csv")
    assert str(err.value).count(". ") == 0                      # one sentence
    assert "12345678" not in str(err.value) and "jansen" not in str(err.value)   # personal data is not echoed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv", "features.csv"]


def test_name_columns_are_left_out_and_said_so(sample, scored, tmp_path):
    folder, counts, features = sample
    counts.to_csv(tmp_path / "counts.csv", index=False)
    features.assign(buurtnaam="Buurt " + features["area_code"]).to_csv(tmp_path / "features.csv", index=False)
    summary = risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", 2024, tmp_path / "risk.csv",
                        model_in=folder / "model.joblib")
    assert summary.dropped_features["buurtnaam"] == "text, not a number" and "buurtnaam" in summary.describe()


def test_a_target_period_of_another_kind_is_refused(sample, tmp_path):
    folder, _, _ = sample
    with pytest.raises(RiskInputError, match="give it like 2025"):
        risk_file(folder / "counts.csv", folder / "features.csv", "2024-W05", tmp_path / "risk.csv")
    assert not (tmp_path / "risk.csv").exists()


def test_every_area_of_the_counts_and_features_gets_a_row_even_without_earlier_counts(sample, scored, tmp_path):
    """A new buurt (counts only in the target year) and a buurt only in the features file are scored from
    their features; a buurt without features either gets the base rate; the drivers say why."""
    folder, counts, features = sample
    late = pd.DataFrame({"area_code": ["BUNIEUW1", "BUNIEUW2"], "period": ["2024", "2024"], "count": ["12", "3"]})
    pd.concat([counts, late]).to_csv(tmp_path / "counts.csv", index=False)
    only_features = features.iloc[[0]].assign(area_code="BUALLEENKENMERK")
    new_features = features.iloc[[1]].assign(area_code="BUNIEUW1")
    pd.concat([features, only_features, new_features]).to_csv(tmp_path / "features.csv", index=False)
    summary = risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", 2024, tmp_path / "risk.csv",
                        model_in=folder / "model.joblib")
    got = pd.read_csv(tmp_path / "risk.csv", dtype={"area_code": str}).set_index("area_code")
    expected = set(counts["area_code"]) | {"BUNIEUW1", "BUNIEUW2", "BUALLEENKENMERK"}
    assert set(got.index) == expected and sorted(got["rank"]) == list(range(1, len(expected) + 1))
    assert got.loc["BUNIEUW1", "drivers"].startswith("geen eerdere tellingen; alleen buurtkenmerken")
    assert got.loc["BUALLEENKENMERK", "drivers"].startswith("geen eerdere tellingen; alleen buurtkenmerken")
    assert got.loc["BUNIEUW2", "drivers"].startswith("geen eerdere tellingen; de gemiddelde kans")
    assert got["probability"].between(0, 1).all() and summary.without_history == 3
    assert "3 area(s) have no counts before 2024: scored from their features alone" in summary.describe()
    known = got.drop(index=["BUNIEUW1", "BUNIEUW2", "BUALLEENKENMERK"])
    assert not known["drivers"].str.startswith("geen eerdere tellingen").any()


def test_a_formula_or_tab_file_is_read_and_no_output_cell_runs_in_a_spreadsheet(sample, tmp_path):
    _, counts, features = sample
    hostile = counts.copy()
    first = hostile["area_code"].iloc[0]
    hostile["area_code"] = hostile["area_code"].replace(first, "=HYPERLINK(\"http://x\")")
    hostile.to_csv(tmp_path / "counts.csv", index=False, sep="\t")          # tab separated, as Excel saves text
    features.to_csv(tmp_path / "features.csv", index=False)
    risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", 2024, tmp_path / "risk.csv")
    out = pd.read_csv(tmp_path / "risk.csv", dtype=str)
    assert len(out) == hostile["area_code"].nunique() + 1      # + the buurt now only in the features file
    assert not out.apply(lambda col: col.str.match(r"^[=+\-@\t\r]")).any().any()


def _tiny(tmp_path, features: dict, counts: list | None = None):
    """Six areas over four years, and features (header -> six cells as text)."""
    areas = [f"BU{i:08d}" for i in range(6)]
    rows = counts or [(a, y, (i * 7 + y) % 11) for i, a in enumerate(areas) for y in range(2021, 2025)]
    pd.DataFrame(rows, columns=["area_code", "period", "count"]).to_csv(tmp_path / "counts.csv", index=False)
    pd.DataFrame({"area_code": areas, **features}).to_csv(tmp_path / "features.csv", index=False)
    return tmp_path / "counts.csv", tmp_path / "features.csv"


def _refused(tmp_path, files, message):
    with pytest.raises(RiskInputError, match=message) as err:
        risk_file(*files, 2024, tmp_path / "risk.csv", model_out=tmp_path / "model.bin")
    text = str(err.value)
    assert text.count(". ") == 0 and "\n" not in text and "Traceback" not in text
    assert not (tmp_path / "risk.csv").exists() and not (tmp_path / "model.bin").exists()
    return text


@pytest.mark.parametrize("header, cells, kind", [
    ("Jan Jansen 0612345678", ["1", "2", "3", "4", "5", "6"], "naam"),                 # personal header
    ("telefoon", ["1", "2", "3", "4", "5", "6"], "telefoonnummer"),                   # header naming personal data
    ("x2", ["0612345678", "0687654321", "0611111111", "0622222222", "0633333333", "0644444444"], "telefoonnummer"),
    ("x2", ["1", "2", "111222333", "4", "5", "6"], "bsn"),                             # a BSN stored as a number
])
def test_a_feature_column_with_personal_data_is_refused_by_position(tmp_path, header, cells, kind):
    files = _tiny(tmp_path, {"x1": ["1.5", "2", "3", "4", "5", "6"], header: cells})
    text = _refused(tmp_path, files, f"column 3 .*personal data \\({kind}\\)")
    assert "Jansen" not in text and "111222333" not in text and "0612345678" not in text and "x2" not in text


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e308", "-1e308", "1e400"])
def test_infinite_or_absurd_feature_values_are_refused_with_row_and_column(tmp_path, cell):
    files = _tiny(tmp_path, {"x1": ["1", "2", "3", cell, "5", "6"]})
    _refused(tmp_path, files, "column 2 has a value that is infinite or beyond 1e\\+15 .* on line\\(s\\) 5")


def test_a_count_above_the_ceiling_is_refused_with_its_row(tmp_path):
    rows = [(f"BU{i:08d}", y, 3) for i in range(6) for y in range(2021, 2025)]
    rows[1] = (rows[1][0], rows[1][1], 1e300)
    _refused(tmp_path, _tiny(tmp_path, {"x1": list("123456")}, rows), "line\\(s\\) 3 have a count above 1,000,000,000")


def test_too_many_feature_columns_are_refused_and_many_are_built_at_once(tmp_path):
    import warnings

    from pipelines.risk import MAX_FEATURES, read_features

    _refused(tmp_path, _tiny(tmp_path, {f"x{i}": list("123456") for i in range(MAX_FEATURES + 1)}),
             f"{MAX_FEATURES + 1} feature columns, more than the {MAX_FEATURES}")
    _, features = _tiny(tmp_path, {f"x{i}": list("123456") for i in range(MAX_FEATURES)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        frame = read_features(features)
    assert frame.shape == (6, MAX_FEATURES + 1)


def test_a_target_years_past_the_counts_says_it_is_the_prediction_for_the_year_after_them(sample, scored, tmp_path):
    folder, _, _ = sample
    assert scored[0].last_counted == "" and "counts end" not in scored[0].describe()   # 2024 after 2021-2023
    far = risk_file(folder / "counts.csv", folder / "features.csv", 2027, tmp_path / "far.csv")
    assert far.last_counted == "2023" and "the counts end at 2023" in far.describe()
    near = pd.read_csv(folder / "risk.csv", dtype={"area_code": str}).set_index("area_code")["probability"]
    later = pd.read_csv(tmp_path / "far.csv", dtype={"area_code": str}).set_index("area_code")["probability"]
    assert np.allclose(near.sort_index(), later.sort_index())         # nothing after 2023 to tell them apart
