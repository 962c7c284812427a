"""Municipality profiles written from the national CBS 2024 files, and their validation on start."""
import pandas as pd
import pytest

from pipelines.paths import resolve_home
from pipelines.profile import ProfileError, neighbours_from_outlines, national_regions, write_profile
from pipelines.reference import Reference, ReferenceError


@pytest.mark.parametrize("args, gemeenten, buurten", [
    ({"gemeenten": ["GM0363"]}, 1, 517),            # Amsterdam
    ({"provincie": "PV22"}, 12, 679),               # Drenthe
])
def test_a_profile_holds_the_national_buurten_with_teams_and_neighbours(tmp_path, args, gemeenten, buurten):
    summary = write_profile(tmp_path, **args)
    assert (len(summary.gemeenten), summary.buurten) == (gemeenten, buurten)
    regions = national_regions()
    expected = regions[(regions["regio_type"] == "buurt") & regions["gemeente_code"].isin(summary.gemeenten)]
    ref = Reference.for_home(resolve_home(tmp_path))
    assert set(ref.buurten["area_code"]) == set(expected["code"])
    assert ref.buurten["wijkteam"].notna().all()
    assert sorted(ref.gemeenten) == summary.gemeenten
    pairs = ref.neighbours
    assert len(pairs) > buurten                                   # most buurten have several neighbours
    back = set(zip(pairs["neighbour"], pairs["area_code"]))
    assert set(zip(pairs["area_code"], pairs["neighbour"])) == back   # symmetric
    gm = dict(zip(ref.buurten["area_code"], ref.buurten["gemeente_code"]))
    assert all(gm[a] == gm[b] for a, b in back)                   # never across a municipal border


def test_the_hoogeveen_profile_from_national_data_matches_the_demo_profile(tmp_path):
    write_profile(tmp_path, ["GM0118"])
    made, demo = Reference.for_home(resolve_home(tmp_path)), Reference()
    assert set(made.buurten["area_code"]) == set(demo.buurten["area_code"])
    shared = made.neighbours.merge(demo.neighbours, on=["area_code", "neighbour"])
    assert len(shared) >= 0.8 * len(demo.neighbours)              # 2024 outlines against 2014 + hand list


def test_neighbours_are_outlines_that_touch():
    square = lambda x: f"M{x} 0L{x + 10} 0L{x + 10} 10L{x} 10Z"   # noqa: E731
    features = [{"code": "A", "d": square(0)}, {"code": "B", "d": square(10.5)}, {"code": "C", "d": square(40)}]
    got = neighbours_from_outlines(features)
    assert sorted(zip(got["area_code"], got["neighbour"])) == [("A", "B"), ("B", "A")]


def test_profiles_refuse_unknown_codes_and_overwriting(tmp_path):
    with pytest.raises(ProfileError, match="unknown municipality code"):
        write_profile(tmp_path, ["GM9999"])
    with pytest.raises(ProfileError, match="unknown province"):
        write_profile(tmp_path, provincie="PV99")
    write_profile(tmp_path, ["GM0088"])
    with pytest.raises(ProfileError, match="already holds a profile"):
        write_profile(tmp_path, ["GM0088"])
    write_profile(tmp_path, ["GM0088"], force=True)


def test_a_profile_is_validated_on_start(tmp_path):
    write_profile(tmp_path, ["GM0088"])
    folder = tmp_path / "reference"
    teams = pd.read_csv(folder / "wijkteams.csv")
    pd.concat([teams, pd.DataFrame({"wijkteam": ["leeg"], "naam": ["Wijkteam zonder buurten"]})]).to_csv(
        folder / "wijkteams.csv", index=False)
    with pytest.raises(ReferenceError, match="leeg.*without buurten"):
        Reference(folder).areas
    teams.to_csv(folder / "wijkteams.csv", index=False)
    indeling = pd.read_csv(folder / "buurt_indeling.csv")
    indeling.iloc[1:].to_csv(folder / "buurt_indeling.csv", index=False)
    with pytest.raises(ReferenceError, match="does not match the 2024 division: missing"):
        Reference(folder).areas


@pytest.mark.flow
def test_the_weekly_flow_runs_on_a_generated_history_of_another_municipality(tmp_path, prefect_harness):
    from pipelines.demo import write_demo_inbox
    from pipelines.flows import weekly

    home = resolve_home(tmp_path / "home")
    write_profile(home.root, ["GM0088"])                          # Schiermonnikoog: a few buurten
    ref = Reference.for_home(home)
    write_demo_inbox(home, ref)
    result = weekly(home=str(home.root))
    assert not result.refused and result.run.n_series > 0
    assert set(result.exports) == set(ref.wijkteams["wijkteam"])


def test_in_a_region_a_team_names_its_municipality_once():
    from pipelines.profile import default_teams, division, national_regions, select_regions

    rows = select_regions(national_regions(), ["GM0106", "GM0114"])          # Assen, Emmen
    teams, _ = default_teams(rows, division(rows))
    assert "assen-oost" in set(teams["wijkteam"]) and not teams["wijkteam"].str.contains("assen-assen").any()
    assert "Wijkteam Assen-Oost" in set(teams["naam"]) and "assen-centrum" in set(teams["wijkteam"])
    assert teams["wijkteam"].is_unique


def test_the_demo_of_another_municipality_injects_no_issues_and_points_to_no_truth_of_them(tmp_path):
    from pipelines.demo import write_demo_inbox

    write_profile(tmp_path, ["GM1699"])                           # Noordenveld
    home = resolve_home(tmp_path)
    files = write_demo_inbox(home, Reference.for_home(home), years=2)
    assert files.truth is None and pd.read_csv(home.reports / "demo_truth.csv").empty
    assert files.meldingen.exists() and files.risk_truth.exists()
    hoogeveen = write_demo_inbox(resolve_home(tmp_path / "hoogeveen"), Reference(), years=2)
    assert hoogeveen.truth is not None and len(pd.read_csv(hoogeveen.truth)) > 0
