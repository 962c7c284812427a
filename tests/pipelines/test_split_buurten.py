"""A buurt the profile splits in a later division (red team 12b, F4): a row still delivered under its old code is
quarantined saying it was split, into which buurten, and what to do (not "not a buurt of the 2024 division ... not
mapped", which sent the analyst to a mapping the profile refuses); the team that followed it reads on its list that
it is judged no more as one, that its running flag ended there, and when its parts are judged."""
import pandas as pd

from pipelines import catalog, reference, wording
from pipelines.export import split_notes
from pipelines.lists.content import RunInfo
from pipelines.warehouse import connect, insert_frame
from tests.conftest import SIGNAL_COUNT_COLUMNS, demo_signal_counts, fill_counts, load_file
from tests.pipelines.test_added_buurten import OLD, PARTS, _split

RENUMBERED = ("BU01185006", "BU01185096")


def _split_home(home, tmp_path):
    """``home``'s warehouse holding counts (of a source the test does not load), and the profile that splits Zuid
    into PARTS: the sync of a warehouse with counts records what a profile change removes and adds."""
    ref = reference.Reference()
    with connect(home.warehouse) as con:
        fill_counts(con, ref, pd.DataFrame([{"area_code": "BU01185001", "signal": "huurachterstand", "period": "month",
                                             "period_start": pd.Timestamp("2026-01-01"), "count": 3,
                                             "source": "schulden"}]))
    return _split(tmp_path / "split")


def test_a_row_under_a_split_buurts_old_code_is_quarantined_as_split_with_a_next_step(home, tmp_path):
    split = _split_home(home, tmp_path)
    counts = tmp_path / "wijkteam_signalen_2026-10.csv"
    counts.write_text(f"Buurtcode;Maand;Signaal;Aantal\n{OLD};2026-10;eenzaamheid;3\n{PARTS[0]};2026-10;eenzaamheid;2\n"
                      f"BU99999999;2026-10;eenzaamheid;1\n" + "".join(f"BU0118500{i};2026-10;eenzaamheid;1\n"
                                                                       for i in range(3)), encoding="utf-8")
    reports = tmp_path / "meldingen_export_2026-W44.csv"
    reports.write_text("Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode\n"
                       f"SIG-1;27-10-2026;Afval;Zwerfafval;{OLD}\nSIG-2;27-10-2026;Afval;Zwerfafval;{PARTS[1]}\n",
                       encoding="utf-8")
    load_file(home, counts, "wijkteam", ref=split)
    load_file(home, reports, "meldingen", ref=split)
    with connect(home.warehouse) as con:
        rows = catalog.quarantine_rows(con)
    why = dict(zip(rows["source"] + ":" + rows["row_number"].astype(str), rows["reason"]))
    parts = ", ".join(PARTS)
    assert why["wijkteam:2"].startswith(f"buurtcode {OLD} is in the profile split into {parts} ")
    assert "deliver the period again under the new codes, then dismiss this row" in why["wijkteam:2"]
    assert "not a buurt of the 2024 division" not in why["wijkteam:2"]
    assert why["meldingen:2"].startswith(f"buurtcode {OLD} is in the profile split into {parts} ")
    assert "deliver these reports again under the new codes" in why["meldingen:2"]
    assert "not a buurt of the 2024 division" in why["wijkteam:4"]          # an unknown code keeps its reason
    assert set(why) == {"wijkteam:2", "wijkteam:4", "meldingen:2"}
    for reason in (why["wijkteam:2"], why["meldingen:2"]):                  # the supplier's export reads Dutch
        assert wording.reason_has_dutch(reason), reason
        assert f"is in het profiel gesplitst in {parts}" in wording.reason_text(reason)


def _flag(con, run_id: str, period: str, finished: str, area: str, team: str = "zuid-oost") -> None:
    """A run of ``period`` with one running alarm of ``area``, as a list before the split showed it."""
    con.execute("INSERT INTO meta.runs (run_id, run_key, started_at, finished_at, run_period, loads, settings, "
                "n_series, n_scored, n_flags) VALUES (?, ?, ?, ?, ?, '[]', '{}', 0, 0, 1)",
                [run_id, run_id, finished, finished, period])
    insert_frame(con, "marts.area_flags", pd.DataFrame([{
        "run_id": run_id, "run_period": period, "wijkteam": team, "area_code": area, "domain": "physical",
        "period": "week", "period_start": pd.Timestamp("2026-11-16"), "level": "alarm", "status": "verergerend",
        "score": 5.0, "q": 0.001, "since": pd.Timestamp("2026-10-19"), "last_seen": pd.Timestamp("2026-11-16"),
        "peak": 5.0, "signals": "Illegale afvaldump", "explanation": "", "explanation_en": ""}]))


def test_the_team_reads_that_its_buurt_was_split_its_flag_ended_and_when_the_parts_are_judged(tmp_path):
    ref = reference.Reference()
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        _flag(con, "2026-W47-a", "2026-W47", "2026-11-24 08:00", OLD)
        reference.sync(con, _split(tmp_path / "split"))
        notes = split_notes(con, [])
        assert list(notes) == ["zuid-oost"]
        said = notes["zuid-oost"][0]
        assert said.startswith(f"Buurt {OLD} is in de nieuwe buurtindeling gesplitst in Zuid ({PARTS[0]}) en Zuid "
                               f"({PARTS[1]}) en wordt niet meer als één buurt beoordeeld.")
        assert (f"Het lopende signaal van {OLD} (alarm fysiek, sinds 2026-W43; laatst op de lijst van 2026-W47) is "
                "daarom beëindigd: buurt gesplitst.") in said
        assert said.endswith("er zijn nog geen tellingen onder de nieuwe codes geleverd.")
        # the first counts under the new codes: the parts are judged from their 9th week (month) of their own
        # (2026 has 53 weeks)
        first = pd.DataFrame({"area_code": PARTS, "signal": ["zwerfafval", "eenzaamheid"], "period": ["week", "month"],
                              "period_start": pd.to_datetime(["2026-11-23", "2026-11-01"]), "count": 1,
                              "source": ["meldingen", "wijkteam"], "load_id": "new"})
        insert_frame(con, "core.signal_counts", first[SIGNAL_COUNT_COLUMNS])
        said = split_notes(con, [])["zuid-oost"][0]
        assert said.endswith("op zijn vroegst vanaf 2027-W03 (weeksignalen) en juli 2027 (maandsignalen).")
        # once every part with counts is scored they are ordinary buurten of the list: nothing more to say
        insert_frame(con, "marts.series_scores", first.assign(expected=1.0, upper=3.0, score=0.0, pvalue=0.5,
                                                              alarm=False, method="short", reason=None)
                     .drop(columns=["source", "load_id"]))
        assert split_notes(con, []) == {}


def test_a_renumbered_or_merged_buurt_is_no_split_and_lists_of_a_home_without_one_say_nothing_new(tmp_path):
    ref = reference.Reference()
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        _flag(con, "2026-W47-a", "2026-W47", "2026-11-24 08:00", RENUMBERED[0], team="centrum-noord")
        assert split_notes(con, []) == {}                                # no profile change at all
        # a new division that splits Zuid and renumbers Venesluis in the same wijk: only Zuid is a split
        renumbered = _split(tmp_path / "both", RENUMBERED[0], (RENUMBERED[1],), base=_split(tmp_path / "s").folder)
        (renumbered.folder / "buurtcode_wijzigingen.csv").write_text(
            f"old_code,new_code,division,note\n{RENUMBERED[0]},{RENUMBERED[1]},2025,hernummering\n", encoding="utf-8")
        renumbered = reference.Reference(renumbered.folder)
        reference.sync(con, renumbered)
        notes = split_notes(con, list(renumbered.code_changes["old_code"]))
    assert list(notes) == ["zuid-oost"] and RENUMBERED[0] not in notes["zuid-oost"][0]
    run = RunInfo("r", "2026-W48", pd.Timestamp("2026-12-01").to_pydatetime(), {}, pd.DataFrame())
    assert run.for_team("zuid-oost").notes == () and RunInfo(
        **{**run.__dict__, "split_teams": notes}).for_team("centrum-noord").notes == ()
    shown = RunInfo(**{**run.__dict__, "split_teams": notes}).for_team("zuid-oost")
    assert shown.notes == notes["zuid-oost"] and shown.nothing.endswith(notes["zuid-oost"][0])


def test_a_team_whose_buurt_was_split_into_another_teams_buurten_reads_no_code_of_theirs(tmp_path):
    """The old buurt's flag was on one team's list and its parts went to another team: each team's list names only
    its own buurten (a wijkteam's export holds only its own areas); the old team is told how many parts went
    elsewhere."""
    ref = reference.Reference()
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        _flag(con, "2026-W47-a", "2026-W47", "2026-11-24 08:00", OLD, team="centrum-noord")
        reference.sync(con, _split(tmp_path / "split"))
        notes = split_notes(con, [])
    assert sorted(notes) == ["centrum-noord", "zuid-oost"]
    old_team = notes["centrum-noord"][0]
    assert not any(part in old_team for part in PARTS) and "Zuid (" not in old_team
    assert old_team.startswith(f"Buurt {OLD} is in de nieuwe buurtindeling gesplitst in 2 buurten van een ander "
                               "wijkteam en wordt niet meer als één buurt beoordeeld.")
    assert "daarom beëindigd: buurt gesplitst." in old_team
    assert all(part in notes["zuid-oost"][0] for part in PARTS)
