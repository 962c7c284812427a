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
    with pytest.raises(ProfileError, match="GM9999 is no municipality of the CBS 2024 division"):
        write_profile(tmp_path, ["GM9999"])
    with pytest.raises(ProfileError, match="unknown province"):
        write_profile(tmp_path, provincie="PV99")
    write_profile(tmp_path, ["GM0088"])
    with pytest.raises(ProfileError, match="already holds a profile"):
        write_profile(tmp_path, ["GM0088"])
    write_profile(tmp_path, ["GM0088"], force=True)


@pytest.mark.parametrize("given, said", [
    ("GM0501", "--gemeente GM0501 is no municipality of the CBS 2024 division that init uses (a municipality merged "
               "before 2024 is in it under the code of the municipality it merged into): give the municipality's name "
               "as --gemeente to be told its code"),                                     # Brielle, merged in 2023
    ("Schiermonnikoog", "--gemeente 'Schiermonnikoog' is a name, not a code: give --gemeente GM0088 (Schiermonnikoog)"),
    ("voorne aan zee", "--gemeente 'voorne aan zee' is a name, not a code: give --gemeente GM1992 (Voorne aan Zee)"),
    ("Schiermonikoog", "--gemeente 'Schiermonikoog' is no municipality's code or name; names close to it: GM0088 "
                       "(Schiermonnikoog)"),
    ("Bergen", "--gemeente 'Bergen' is no municipality's code or name; names close to it: GM0373 (Bergen (NH.)), "
               "GM0893 (Bergen (L.))"),
    ("Brielle", "--gemeente 'Brielle' is no municipality's code or name in the CBS 2024 division, but a wijk of that "
                "name lies in GM1992 (Voorne aan Zee): a municipality merged into another often lives on as its wijk"),
    ("GM118", "--gemeente 'GM118': a code has four digits: give --gemeente GM0118 (Hoogeveen)"),
    # red team 12b F6: a municipality formed after 2024 (a herindeling) is in no division init knows; its code and
    # name were answered with each other's step, in a circle
    ("GM1999", "--gemeente GM1999 is no municipality of the CBS 2024 division that init uses (a municipality merged "
               "before 2024 is in it under the code of the municipality it merged into): give the municipality's name "
               "as --gemeente to be told its code; a municipality formed after 2024 (a herindeling) is not in it yet: "
               "give each municipality it was formed from as --gemeente (one --gemeente per code) and, once CBS "
               "publishes the division that holds it, map their buurt codes to its codes (README, *Herindeling*)"),
    ("Hoogeveen-De Wolden", "--gemeente 'Hoogeveen-De Wolden' is no municipality's code or name in the CBS 2024 "
                            "division; if it was formed after 2024 from GM0118 (Hoogeveen) and GM1690 (De Wolden) (a "
                            "herindeling), give those: --gemeente GM0118 --gemeente GM1690, and once CBS publishes the "
                            "division that holds it, map their buurt codes to its codes (README, *Herindeling*)"),
    ("Súdwest-Fryslân", "--gemeente 'Súdwest-Fryslân' is a name, not a code: give --gemeente GM1900 (Súdwest-Fryslân)"),
    ("Nergenshuizen", "--gemeente 'Nergenshuizen' is no municipality's code or name in the CBS 2024 division: give its "
                      "code, or its name as CBS writes it; a municipality formed after 2024 (a herindeling) is not in "
                      "it yet"),
])
def test_a_municipality_that_is_not_a_code_of_2024_is_answered_with_the_next_step(tmp_path, given, said):
    """Red team 5b F4: a merged code, a name or a typo got 'unknown municipality code(s)' and two example codes. Now the
    name is looked up in the national data (as typed, close, or as a wijk of the municipality it merged into), and
    every refusal says where the codes are listed."""
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.profile import WHERE_CODES

    with pytest.raises(ProfileError) as caught:
        write_profile(tmp_path, [given])
    message = str(caught.value)
    assert message.startswith(said) and message.endswith(f"; {WHERE_CODES}"), message
    assert not (tmp_path / "reference").exists()
    res = CliRunner().invoke(app, ["--home", str(tmp_path), "init", "--gemeente", given], terminal_width=1000)
    assert res.exit_code == 2 and " ".join(res.output.split()) == f"error: {message}", res.output


def test_a_wijk_named_only_by_its_number_is_named_with_its_municipality(tmp_path):
    """41 CBS wijken are named only 'Wijk 00' and the like: the team was 'Wijkteam Wijk 00' and the open page
    'Wijk 00: hoe gaat het?'. The profile keeps the CBS name; teams and pages add the municipality's."""
    from pipelines.profile import default_teams, division, select_regions
    from pipelines.reports.trends import wijk_names

    write_profile(tmp_path, ["GM0088"])                                          # Schiermonnikoog: one wijk, Wijk 00
    teams = pd.read_csv(tmp_path / "reference" / "wijkteams.csv")
    assert teams.to_dict("records") == [{"wijkteam": "wijk-00-schiermonnikoog",
                                         "naam": "Wijkteam Wijk 00 Schiermonnikoog"}]
    areas = Reference.for_home(resolve_home(tmp_path)).areas
    assert areas.loc[areas["area_code"] == "WK008800", "name"].item() == "Wijk 00"     # as CBS has it
    assert wijk_names(areas).to_dict() == {"WK008800": "Wijk 00 Schiermonnikoog"}
    # in a region too, the municipality named once; a wijk with a name of its own keeps it
    rows = select_regions(national_regions(), ["GM0060", "GM0088", "GM0106"])       # Ameland, Schiermonnikoog, Assen
    teams, _ = default_teams(rows, division(rows))
    named = dict(zip(teams["wijkteam"], teams["naam"]))
    assert named["wijk-00-ameland"] == "Wijkteam Wijk 00 Ameland" and "wijk-00-schiermonnikoog" in named
    assert named["assen-oost"] == "Wijkteam Assen-Oost" and named["assen-centrum"] == "Wijkteam Assen Centrum"


def test_the_kind_of_a_buurt_defaults_per_wijk_so_no_wijk_is_both_town_and_dorp(tmp_path):
    """By urbanity per buurt 7 of Zwolle's 16 wijken held buurten of both kinds, and showed twice in the trends and
    under Dorpen on the open index (red team 5b F4). The default is now one kind per wijk; an edit still wins."""
    from pipelines.reports.trends import wijk_table

    summary = write_profile(tmp_path, ["GM0193"])                                # Zwolle
    ref = Reference.for_home(resolve_home(tmp_path))
    assert (ref.buurten.groupby("wijk_code")["kind"].nunique() == 1).all()
    kinds = wijk_table(ref.areas).set_index("wijk_code")["kind"]
    assert kinds["WK019322"] == "stadswijk" and kinds["WK019340"] == "dorp"      # Stadshagen; Berkum (CBS: 4)
    assert summary.dorp_wijken == (kinds == "dorp").sum() and "dorp by CBS urbanity" in summary.describe()
    # an analyst's edit of the profile is what counts
    indeling = pd.read_csv(tmp_path / "reference" / "buurt_indeling.csv")
    edited = indeling["buurt_code"] == indeling["buurt_code"].iloc[0]
    indeling.loc[edited, "soort"] = "bedrijventerrein"
    indeling.to_csv(tmp_path / "reference" / "buurt_indeling.csv", index=False)
    areas = Reference.for_home(resolve_home(tmp_path)).areas
    assert areas.set_index("area_code").loc[indeling["buurt_code"].iloc[0], "kind"] == "bedrijventerrein"


def test_hoogeveen_from_national_data_gets_the_kinds_of_the_demo_profile(tmp_path):
    """De Weide was split (its buurten of CBS urbanity 4 'dorp'); per wijk it is a stadswijk as the demo has it. Only
    the demo's hand-made bedrijventerrein differ."""
    write_profile(tmp_path, ["GM0118"])
    made = pd.read_csv(tmp_path / "reference" / "buurt_indeling.csv").set_index("buurt_code")["soort"]
    demo = Reference().buurten.set_index("area_code")["kind"]
    differ = demo[made.reindex(demo.index) != demo]
    assert set(differ) == {"bedrijventerrein"} and len(differ) == 4


def test_a_wijk_without_an_urbanity_of_its_own_takes_the_kind_of_most_inhabitants():
    from pipelines.profile import wijk_kinds

    rows = pd.DataFrame({"code": ["WK1", "WK2", "BU1a", "BU1b", "BU2a", "BU2b"],
                         "kwb2024_stedelijkheid": ["", "2", "2", "5", "5", ""],
                         "kwb2024_inwoners": ["", "", "300", "900", "10", ""]})
    buurten = pd.DataFrame({"code": ["BU1a", "BU1b", "BU2a", "BU2b"], "wijk_code": ["WK1", "WK1", "WK2", "WK2"]})
    assert wijk_kinds(rows, buurten).to_dict() == {"WK1": "dorp", "WK2": "stadswijk"}   # WK2: its own urbanity


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
