"""The escalation risk model: the target, forward-in-time training, feature-set refusal, a planted driver."""
import numpy as np
import pandas as pd
import pytest

from models.risk import EscalationRisk, RiskFeatureError, RiskModelError, escalations, wide_counts


def synthetic(n_areas=300, periods=range(2018, 2024), seed=1):
    """Counts around 30 per period; an area escalates (x2.5) with a chance driven by ``kwetsbaarheid``."""
    rng = np.random.default_rng(seed)
    codes = [f"BU{i:08d}" for i in range(n_areas)]
    risk = rng.normal(size=n_areas)
    features = pd.DataFrame({"area_code": codes, "kwetsbaarheid": risk,
                             "ruis_a": rng.normal(size=n_areas), "ruis_b": rng.gamma(2.0, size=n_areas)})
    rows = []
    for i, code in enumerate(codes):
        level = 30 * np.exp(0.2 * rng.normal())
        for p in periods:
            burst = rng.random() < 1 / (1 + np.exp(-(-3.0 + 2.0 * risk[i])))
            rows.append((code, p, int(rng.poisson(level * (2.5 if burst else 1.0)))))
    return pd.DataFrame(rows, columns=["area_code", "period", "count"]), features


@pytest.fixture(scope="module")
def fitted():
    counts, features = synthetic()
    return EscalationRisk(noun="misdrijven", period_word="jaar").fit(counts, features, target_period=2023), counts, features


def test_escalation_follows_the_definition():
    wide = wide_counts(pd.DataFrame({"area_code": ["a"] * 4 + ["b"] * 4, "period": [1, 2, 3, 4] * 2,
                                     "count": [10, 10, 30, 20, 4, 4, 8, 30]}))
    esc = escalations(wide, ratio=1.5, min_excess=10, window=3)
    # a: 30 >= 1.5 x 10 and +20; 20 < 1.5 x mean(10, 10, 30). b: 8 is double but only +4; 30 vs 5.33
    assert esc.loc["a"].tolist()[1:] == [0.0, 1.0, 0.0]
    assert esc.loc["b"].tolist()[1:] == [0.0, 0.0, 1.0]
    assert np.isnan(esc.loc["a", 1])


def test_training_never_uses_the_target_period_or_later(fitted):
    model, counts, features = fitted
    assert model.training_periods_ == [2019, 2020, 2021, 2022]
    assert model.validation_ == "forward in time" and model.validation_periods_ == [2020, 2021, 2022]
    before = model.predict(counts, features, 2023)
    # changing the target period and later periods changes nothing, in training or in scoring
    changed = counts.assign(count=np.where(counts["period"] >= 2023, 0, counts["count"]))
    later = pd.concat([changed, changed[changed["period"] == 2023].assign(period=2024, count=999)])
    again = EscalationRisk(noun="misdrijven", period_word="jaar").fit(later, features, target_period=2023)
    pd.testing.assert_frame_equal(before, again.predict(later, features, 2023))


def test_probabilities_ranks_and_words(fitted):
    model, counts, features = fitted
    out = model.predict(counts, features, 2023)
    assert list(out.columns) == ["area_code", "probability", "rank", "drivers", "history"]
    assert out["history"].all()
    assert len(out) == 300 and out["probability"].between(0, 1).all()
    assert sorted(out["rank"]) == list(range(1, 301))
    assert out["probability"].is_monotonic_decreasing
    assert out["drivers"].str.len().gt(0).all()


def test_a_planted_structural_driver_is_found(fitted):
    model, counts, features = fitted
    assert model.importance_["feature"].iloc[0] == "kwetsbaarheid"
    out = model.predict(counts, features, 2023)
    top = out.head(30)
    assert top["drivers"].str.contains("hoge kwetsbaarheid").mean() >= 0.8
    truly_high = features.set_index("area_code")["kwetsbaarheid"]
    assert truly_high[top["area_code"]].mean() > 0.7        # random areas: 0


def test_a_different_feature_set_is_refused(fitted):
    model, counts, features = fitted
    with pytest.raises(RiskFeatureError, match=r"missing \['ruis_b'\], extra \['inwoners'\]"):
        model.predict(counts, features.drop(columns="ruis_b").assign(inwoners=1.0), 2023)
    with pytest.raises(RiskFeatureError, match="missing"):
        model.predict(counts, None, 2023)


def test_a_feature_equal_to_the_counts_is_not_used():
    counts, features = synthetic(n_areas=120, periods=range(2019, 2023))
    leak = counts[counts["period"] == 2022].set_index("area_code")["count"]
    features["misdrijven_2022"] = features["area_code"].map(leak)
    model = EscalationRisk().fit(counts, features, target_period=2023)
    assert "misdrijven_2022" in model.dropped_ and "misdrijven_2022" not in model.columns_


def test_one_training_period_validates_across_areas_and_no_history_is_refused():
    counts, features = synthetic(n_areas=200, periods=range(2021, 2023))
    model = EscalationRisk().fit(counts, features, target_period=2023)
    assert model.training_periods_ == [2022] and model.validation_.startswith("across areas within")
    with pytest.raises(RiskModelError, match="at least two periods"):
        EscalationRisk().fit(counts, features, target_period=2022)


def test_areas_without_earlier_counts_are_scored_from_their_features_alone(fitted):
    model, counts, features = fitted
    new = pd.DataFrame({"area_code": ["BUNIEUW01", "BUNIEUW02"], "kwetsbaarheid": [3.0, -3.0],
                        "ruis_a": [0.0, 0.0], "ruis_b": [1.0, 1.0]})
    late = pd.DataFrame({"area_code": ["BULAAT01"], "period": [2023], "count": [40]})   # counts only in the target
    out = model.predict(pd.concat([counts, late]), pd.concat([features, new]), 2023, areas=["BULAAT01"])
    assert len(out) == 303 and sorted(out["rank"]) == list(range(1, 304))
    rows = out.set_index("area_code")
    assert not rows.loc[["BUNIEUW01", "BUNIEUW02", "BULAAT01"], "history"].any()
    assert rows.loc["BUNIEUW01", "probability"] > rows.loc["BUNIEUW02", "probability"]
    assert rows.loc["BUNIEUW01", "drivers"].startswith("geen eerdere tellingen; alleen buurtkenmerken: ")
    assert "hoge kwetsbaarheid" in rows.loc["BUNIEUW01", "drivers"]
    assert rows.loc["BULAAT01", "drivers"].startswith("geen eerdere tellingen; de gemiddelde kans")  # no features
    bare = EscalationRisk().fit(counts, None, target_period=2023)
    alone = bare.predict(counts, None, 2023, areas=["BUNIEUW01"]).set_index("area_code").loc["BUNIEUW01"]
    assert alone["probability"] == pytest.approx(bare.prevalence_)
    assert alone["drivers"].startswith("geen eerdere tellingen; de gemiddelde kans")


def test_energy_use_per_dwelling_type_is_not_worded_as_the_share_of_that_dwelling_type():
    from models.risk import feature_words

    # CBS KWB topics whose stems collide load with their group's title (pipelines.sources.cbs_kwb.indicator_names)
    assert feature_words("Huurwoning_GemiddeldAardgasverbruik")[0] == "gasverbruik"
    assert feature_words("Appartement_GemiddeldElektriciteitsverbruik")[0] == "stroomverbruik"
    assert feature_words("HuurwoningenTotaal_41")[0] == "aandeel huurwoningen"


def test_a_missing_figure_is_never_named_as_a_reason_for_risk():
    """Income not yet published for the riskiest areas: the missing-value marker carries risk, but a team is
    never told "inkomen onbekend" as a reason; the area's named factors are figures it has."""
    counts, features = synthetic()
    risky = features["kwetsbaarheid"] > features["kwetsbaarheid"].quantile(0.6)
    features["inkomen"] = np.where(risky, np.nan, features["ruis_a"] + 30)       # known for 60 % of the areas
    model = EscalationRisk(noun="misdrijven", period_word="jaar").fit(counts, features, target_period=2023)
    assert "inkomen" in model.columns_
    out = model.predict(counts, features, 2023).set_index("area_code")
    assert not out["drivers"].str.contains("onbekend").any()
    assert out.loc[features.loc[risky, "area_code"], "drivers"].str.contains("hoge kwetsbaarheid").mean() > 0.5


def test_a_feature_known_for_fewer_than_half_of_the_areas_is_not_used():
    counts, features = synthetic(n_areas=200, periods=range(2019, 2023))
    features["inkomen"] = np.where(np.arange(200) < 70, features["ruis_a"] + 30, np.nan)   # known for 35 %
    model = EscalationRisk().fit(counts, features, target_period=2023)
    assert model.dropped_["inkomen"] == "known for 35% of the areas" and "inkomen" not in model.columns_
