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
    features.assign(naam="Buurt " + features["area_code"]).to_csv(tmp_path / "features.csv", index=False)
    summary = risk_file(tmp_path / "counts.csv", tmp_path / "features.csv", 2024, tmp_path / "risk.csv",
                        model_in=folder / "model.joblib")
    assert summary.dropped_features["naam"] == "text, not a number" and "naam" in summary.describe()


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
