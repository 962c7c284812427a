"""Selection: only the team's own buurten, in the ranked order, numbered; chart points per row."""
import pandas as pd

from pipelines import wording
from pipelines.lists.selection import chart_data, team_flags, team_list


def test_a_team_list_holds_only_its_own_buurten_in_the_ranked_order(flags, labels):
    table = team_list(flags, "noord", labels)
    assert list(table.columns) == wording.LIST_COLUMNS["nl"]
    assert table["Buurtcode"].tolist() == ["BU01180001", "BU01180002"]
    assert table["Rang"].tolist() == [1, 2]
    assert table["Niveau"].tolist() == ["alarm", "aandacht"]
    assert table["Signalen"].tolist() == ["Zwerfafval, Graffiti <i>", ""]
    assert table["Periode"].tolist() == ["2026-W47", "2026-W47"]
    assert table["Sinds"].tolist() == ["2026-W46", "2026-W44"]


def test_the_incoming_order_is_the_ranking(flags):
    reversed_ = flags.iloc[::-1].reset_index(drop=True)
    assert team_list(reversed_, "noord")["Buurtcode"].tolist() == ["BU01180002", "BU01180001"]
    assert team_flags(reversed_, "noord").index.tolist() == [0, 1]


def test_a_team_without_flags_gets_an_empty_list_with_the_columns(flags):
    for team in ("oost", "zuid"):
        table = team_list(flags[flags["wijkteam"] != "zuid"], team)
        assert table.empty and list(table.columns) == wording.LIST_COLUMNS["nl"]


def test_english_words_and_explanations(flags):
    table = team_list(flags, "zuid", lang="en")
    assert list(table.columns) == wording.LIST_COLUMNS["en"]
    assert table.iloc[0, -1] == "Back to normal"
    assert table["Signals" if "Signals" in table else table.columns[8]].tolist() == ["inbraak"]   # no label: the code


def test_chart_data_gives_up_to_two_series_per_row_up_to_the_flag_period(flags, series, labels):
    own = team_flags(flags, "noord")
    charts = chart_data(own, series, labels)
    assert [[title for title, _ in row] for row in charts] == [["Zwerfafval", "Graffiti <i>"], ["Schulden"]]
    points = charts[0][0][1]
    assert len(points) == 7 and pd.Timestamp(points["period_start"].max()) == flags["period_start"][0]
    assert points["period_start"].is_monotonic_increasing


def test_chart_data_for_a_row_without_series_has_no_points(flags, series, labels):
    [[(title, points)]] = chart_data(team_flags(flags, "zuid"), series, labels)     # named, but never scored
    assert title == "inbraak" and points.empty
    assert chart_data(team_flags(flags, "oost"), series, labels) == []


def test_the_teams_of_a_run_are_those_of_its_flags_and_risk_named_as_today():
    from pipelines.lists.selection import run_teams

    flags = pd.DataFrame({"wijkteam": ["oud", "oud", "b"]})
    risk = pd.DataFrame({"wijkteam": ["oud", "b", "c"]})
    today = pd.DataFrame({"wijkteam": ["b", "c", "nieuw"], "name": ["Team B", "Team C", "Nieuw"]})
    got = run_teams(flags, risk, today)
    assert got.to_dict("list") == {"wijkteam": ["b", "c", "oud"], "name": ["Team B", "Team C", "oud"]}
    # a run without risk rows: its flags' teams and today's teams (a team without flags still gets its list)
    assert run_teams(flags, risk.iloc[0:0], today)["wijkteam"].tolist() == ["b", "c", "nieuw", "oud"]
