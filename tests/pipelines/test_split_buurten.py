"""A buurt the profile splits in a later division (red team 12b, F4): a row still delivered under its old code is
quarantined saying it was split, into which buurten, and what to do (not "not a buurt of the 2024 division ... not
mapped", which sent the analyst to a mapping the profile refuses); the team that followed it reads on its list that
it is judged no more as one, that its running flag ended there, and when its parts are judged."""
import re

import pandas as pd

from pipelines import catalog, reference, wording
from pipelines.catalog import rekey
from pipelines.export import split_notes
from pipelines.lists.content import RunInfo
from pipelines.warehouse import connect, insert_frame
from tests.adversarial.leaks import find_leaks
from tests.conftest import SIGNAL_COUNT_COLUMNS, demo_signal_counts, fill_counts, load_file
from tests.pipelines.test_added_buurten import OLD, PARTS, _split

RENUMBERED = ("BU01185006", "BU01185096")
#: Venesluis (team centrum-noord), in Wijk 50 beside Zuid (team zuid-oost), and its parts in a division that splits both
VENESLUIS, VENESLUIS_PARTS = "BU01185006", ("BU01185095", "BU01185096")


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
    # the report under the old code carries a person in its free text (a delivery of this class may hide one)
    secrets = ("Hendrikus Zwiers", "06-48213377")
    reports.write_text("Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode;Omschrijving\n"
                       f"SIG-1;27-10-2026;Afval;Zwerfafval;{OLD};melder {secrets[0]} tel {secrets[1]}\n"
                       f"SIG-2;27-10-2026;Afval;Zwerfafval;{PARTS[1]};\n", encoding="utf-8")
    loads = [load_file(home, counts, "wijkteam", ref=split), load_file(home, reports, "meldingen", ref=split)]
    for load in loads:                                  # rows in = rows accepted + rows quarantined
        assert load.rows_read == load.rows_accepted + load.rows_quarantined and load.rows_quarantined >= 1
    assert find_leaks(secrets, [home.root], texts=[load.describe() for load in loads]) == []
    with connect(home.warehouse) as con:
        rows = catalog.quarantine_rows(con)
    why = dict(zip(rows["source"] + ":" + rows["row_number"].astype(str), rows["reason"]))
    parts = ", ".join(PARTS)
    assert why["wijkteam:2"].startswith(f"buurtcode {OLD} is in the profile split into {parts} ")
    assert "deliver the period again under the new codes, then dismiss this row" in why["wijkteam:2"]
    assert "not a buurt of the 2024 division" not in why["wijkteam:2"]
    assert why["meldingen:2"].startswith(f"buurtcode {OLD} is in the profile split into {parts} ")
    assert "deliver these reports again under the new codes" in why["meldingen:2"]
    assert why["wijkteam:4"].startswith("area not in division 2024: buurtcode is a buurt of municipality GM9999")  # not split
    assert set(why) == {"wijkteam:2", "wijkteam:4", "meldingen:2"}
    for reason in (why["wijkteam:2"], why["meldingen:2"]):                  # the supplier's export reads Dutch
        assert wording.reason_has_dutch(reason), reason
        assert f"is in het profiel gesplitst in {parts}" in wording.reason_text(reason)


def _flag(con, run_id: str, period: str, finished: str, area: str, team: str = "zuid-oost",
          more: tuple[tuple[str, str, str], ...] = ()) -> None:
    """A run of ``period`` with one running alarm of ``area``, as a list before the split showed it; ``more``: other
    running flags of the same run (area, team, level)."""
    con.execute("INSERT INTO meta.runs (run_id, run_key, started_at, finished_at, run_period, loads, settings, "
                "n_series, n_scored, n_flags) VALUES (?, ?, ?, ?, ?, '[]', '{}', 0, 0, 1)",
                [run_id, run_id, finished, finished, period])
    insert_frame(con, "marts.area_flags", pd.DataFrame([{
        "run_id": run_id, "run_period": period, "wijkteam": team, "area_code": area, "domain": "physical",
        "period": "week", "period_start": pd.Timestamp("2026-11-16"), "level": level, "status": "verergerend",
        "score": 5.0, "q": 0.001, "since": pd.Timestamp("2026-10-19"), "last_seen": pd.Timestamp("2026-11-16"),
        "peak": 5.0, "signals": "Illegale afvaldump", "explanation": "", "explanation_en": ""}
        for area, team, level in ((area, team, "alarm"), *more)]))


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
        # the first counts under the new codes: the parts are judged from their 10th week (month) of their own
        # (2026 has 53 weeks)
        first = pd.DataFrame({"area_code": PARTS, "signal": ["zwerfafval", "eenzaamheid"], "period": ["week", "month"],
                              "period_start": pd.to_datetime(["2026-11-23", "2026-11-01"]), "count": 1,
                              "source": ["meldingen", "wijkteam"], "load_id": "new"})
        insert_frame(con, "core.signal_counts", first[SIGNAL_COUNT_COLUMNS])
        said = split_notes(con, [])["zuid-oost"][0]
        assert said.endswith("op zijn vroegst vanaf 2027-W04 (weeksignalen) en augustus 2027 (maandsignalen).")
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


def _two_splits(tmp_path, declare: tuple[str, ...] = ()):
    """The profile that splits Zuid into PARTS and Venesluis into VENESLUIS_PARTS in one change (both in Wijk 50);
    ``declare``: the old codes whose parts buurtcode_wijzigingen.csv declares (kind splitsing)."""
    folder = tmp_path / ("two-" + "-".join(declare))
    both = _split(folder, VENESLUIS, VENESLUIS_PARTS, base=_split(tmp_path / f"{folder.name}-zuid").folder)
    lines = [f"{old},{part},2025,,splitsing\n" for old, parts in ((OLD, PARTS), (VENESLUIS, VENESLUIS_PARTS))
             if old in declare for part in parts]
    (both.folder / "buurtcode_wijzigingen.csv").write_text("old_code,new_code,division,note,kind\n" + "".join(lines),
                                                           encoding="utf-8")
    return reference.Reference(both.folder)


def test_two_buurten_of_one_wijk_split_at_once_each_team_reads_only_its_own_buurt_and_flag(tmp_path):
    """Red team 13a F1: Zuid (zuid-oost, alarm) and Venesluis (centrum-noord, aandacht) split in one profile change.
    The warehouse cannot tell which new buurten of Wijk 50 replace which: each team reads its own old buurt split into
    new buurten of its wijk, naming none, and its own flag only; once the analyst declares the parts, each reads its
    own parts; declaring one split leaves the other's parts unknown (red team 13b F2: a declaration that forgets a
    part must not leave it to the other buurt)."""
    ref = reference.Reference()
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        _flag(con, "2026-W47-a", "2026-W47", "2026-11-24 08:00", OLD, more=((VENESLUIS, "centrum-noord", "aandacht"),))
        reference.sync(con, _two_splits(tmp_path))
        notes = split_notes(con, [])
        declared = _two_splits(tmp_path, (OLD, VENESLUIS))
        reference.sync(con, declared)
        named = split_notes(con, [], declared.declared_splits)
        one = _two_splits(tmp_path, (OLD,))
        reference.sync(con, one)
        half = split_notes(con, [], one.declared_splits)
    for said in (notes, named, half):
        assert sorted(said) == ["centrum-noord", "zuid-oost"]
        assert len(said["zuid-oost"]) == len(said["centrum-noord"]) == 1
        zuid, venesluis = said["zuid-oost"][0], said["centrum-noord"][0]
        assert not any(code in zuid for code in (VENESLUIS, *VENESLUIS_PARTS)) and "aandacht" not in zuid
        assert not any(code in venesluis for code in (OLD, *PARTS)) and "alarm" not in venesluis
        assert "van een ander wijkteam" not in zuid + venesluis
        assert f"Het lopende signaal van {OLD} (alarm fysiek, sinds 2026-W43; laatst op de lijst van 2026-W47)" in zuid
        assert f"Het lopende signaal van {VENESLUIS} (aandacht fysiek, sinds 2026-W43;" in venesluis
    assert notes["zuid-oost"][0].startswith(f"Buurt {OLD} is in de nieuwe buurtindeling gesplitst in nieuwe buurten "
                                            "van Wijk 50 Hoogeveen en wordt niet meer als één buurt beoordeeld.")
    assert notes["centrum-noord"][0].startswith(f"Buurt {VENESLUIS} is in de nieuwe buurtindeling gesplitst in nieuwe "
                                                "buurten van Wijk 50 Hoogeveen en")
    for said in (named, half):
        assert said["zuid-oost"][0].startswith(f"Buurt {OLD} is in de nieuwe buurtindeling gesplitst in Zuid "
                                               f"({PARTS[0]}) en Zuid ({PARTS[1]}) en wordt")
    assert named["centrum-noord"][0].startswith(f"Buurt {VENESLUIS} is in de nieuwe buurtindeling gesplitst in "
                                                f"Venesluis ({VENESLUIS_PARTS[0]}) en Venesluis "
                                                f"({VENESLUIS_PARTS[1]}) en wordt")
    assert half["centrum-noord"] == notes["centrum-noord"]


def test_rows_under_two_old_codes_of_one_wijk_split_at_once_name_no_parts_until_declared(home, tmp_path):
    """Red team 13a F1: each quarantined row named the parts of both splits; now it names none and says how to
    declare them, and once declared its own parts only."""
    ref = reference.Reference()
    with connect(home.warehouse) as con:
        fill_counts(con, ref, pd.DataFrame([{"area_code": "BU01185001", "signal": "huurachterstand", "period": "month",
                                             "period_start": pd.Timestamp("2026-01-01"), "count": 3,
                                             "source": "schulden"}]))
    reasons = []
    for n, profile in enumerate((_two_splits(tmp_path), _two_splits(tmp_path, (OLD, VENESLUIS)))):
        reports = tmp_path / f"{n}" / "meldingen_export_2026-W48.csv"
        reports.parent.mkdir()
        reports.write_text("Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode\n" + "".join(
            f"X{n}-{i};24-11-2026;Afval;Zwerfafval;{code}\n"
            for i, code in enumerate([OLD, VENESLUIS, PARTS[0], "BU01185000", "BU01185001"], 1)), encoding="utf-8")
        load_file(home, reports, "meldingen", ref=profile)
        with connect(home.warehouse) as con:
            got = catalog.quarantine_rows(con)
        reasons.append(dict(zip(got["row_number"], got["reason"])))
        with connect(home.warehouse) as con:
            con.execute("DELETE FROM quarantine.rows")
    unknown, declared = reasons
    assert set(unknown) == set(declared) == {2, 3}
    for row, old in ((2, OLD), (3, VENESLUIS)):
        assert unknown[row].startswith(f"buurtcode {old} is split in the profile's new division and is no buurt of its "
                                       "own any more")
        assert "declare its parts in buurtcode_wijzigingen.csv (a line per part, kind splitsing" in unknown[row]
        assert not any(code in unknown[row] for code in (*PARTS, *VENESLUIS_PARTS))
        dutch = wording.reason_text(unknown[row])
        assert wording.reason_has_dutch(unknown[row]) and "gesplitst" in dutch
        assert not any(code in dutch for code in (*PARTS, *VENESLUIS_PARTS))
    assert declared[2].startswith(f"buurtcode {OLD} is in the profile split into {', '.join(PARTS)} and")
    assert declared[3].startswith(f"buurtcode {VENESLUIS} is in the profile split into {', '.join(VENESLUIS_PARTS)} ")


def _split_home_with_old_counts(home, tmp_path):
    """:func:`_split_home` with a count of Zuid from before the split (its past, held under its old code)."""
    split = _split_home(home, tmp_path)
    with connect(home.warehouse) as con:
        fill_counts(con, reference.Reference(), pd.DataFrame([{
            "area_code": OLD, "signal": "zwerfafval", "period": "week", "period_start": pd.Timestamp("2026-11-02"),
            "count": 4, "source": "meldingen"}]))
    return split


def test_a_file_refused_for_rows_under_a_split_buurts_old_code_gives_their_reason_not_a_mapping(home, tmp_path):
    """Red team 13a F2: the refusal of a delivery most of whose rows are under the old code of a split buurt sent the
    analyst to map it in buurtcode_wijzigingen.csv; it now says what the rows say."""
    import pytest

    from pipelines.validate import ValidationRefused

    split = _split_home_with_old_counts(home, tmp_path)
    reports = tmp_path / "meldingen_export_2026-W48.csv"
    reports.write_text("Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Buurtcode\n"
                       f"X-1;24-11-2026;Afval;Zwerfafval;{OLD}\nX-2;24-11-2026;Afval;Zwerfafval;{OLD}\n"
                       "X-3;24-11-2026;Afval;Zwerfafval;BU01185000\n", encoding="utf-8")
    with pytest.raises(ValidationRefused) as refused:
        load_file(home, reports, "meldingen", ref=split)
    said = str(refused.value)
    assert f"is in the profile split into {', '.join(PARTS)}" in said
    assert f"most rows are under the old code of a buurt the profile split ({OLD})" in said
    assert "another CBS division" not in said and "map each of those codes" not in said


def test_a_one_line_mapping_of_a_code_recorded_as_split_is_refused_unless_it_says_hernummering(home, tmp_path):
    """Red team 13a F2: one line ``BU01185005,BU01185093`` moved the whole of Zuid's past onto one half without a word.
    A one-line mapping of a code the warehouse recorded as split is refused (nothing moved) unless its line says
    hernummering; a declaration of its parts (kind splitsing) moves nothing."""
    import pytest

    split = _split_home_with_old_counts(home, tmp_path)
    with connect(home.warehouse) as con:
        reference.sync(con, split)

    def profile(line: str):
        (split.folder / "buurtcode_wijzigingen.csv").write_text(f"old_code,new_code,division,note,kind\n{line}",
                                                                encoding="utf-8")
        return reference.Reference(split.folder)

    def held():
        with connect(home.warehouse) as con:
            return dict(con.execute("SELECT area_code, count(*) FROM core.signal_counts WHERE area_code IN (?, ?, ?) "
                                    "GROUP BY ALL", [OLD, *PARTS]).fetchall())

    with connect(home.warehouse) as con:
        with pytest.raises(reference.ReferenceError) as mapped:
            reference.sync(con, profile(f"{OLD},{PARTS[0]},2025,as advised,\n"))
    assert f"maps {OLD} to {PARTS[0]}, but the warehouse recorded {OLD} as split" in str(mapped.value)
    assert f"added {', '.join(PARTS)} to its wijk" in str(mapped.value) and "(1 cells" in str(mapped.value)
    assert "kind hernummering" in str(mapped.value) and held() == {OLD: 1}
    with connect(home.warehouse) as con:
        reference.sync(con, profile("".join(f"{OLD},{part},2025,,splitsing\n" for part in PARTS)))
    assert held() == {OLD: 1}                                              # a declared split moves nothing
    with connect(home.warehouse) as con:
        reference.sync(con, profile(f"{OLD},{PARTS[0]},2025,,hernummering\n"))   # the analyst says it is one buurt
        assert held() == {} and [tuple(m) for m in rekey.moves_made(con)[["old_code", "new_code"]].values] == [
            (OLD, PARTS[0])]


def test_a_declared_split_is_checked_like_the_rest_of_buurtcode_wijzigingen(tmp_path):
    """The kind column (red team 13a F1): an unknown kind, a part that is no buurt of the division, and an old code
    both mapped and split are refused naming the file and the fix; a line without kind maps as before."""
    import pytest

    def lines(text: str):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        _split(folder)
        (folder / "buurtcode_wijzigingen.csv").write_text("old_code,new_code,division,note,kind\n" + text,
                                                          encoding="utf-8")
        return reference.Reference(folder)

    for text, said in ((f"{OLD},{PARTS[0]},2025,,deling\n", "line 2 has kind 'deling'"),
                       (f"{OLD},BU01189999,2025,,splitsing\n", "declares BU01189999 as part(s) of a split"),
                       (f"{OLD},{PARTS[0]},2025,,splitsing\n{OLD},{PARTS[1]},2025,,\n", f"both maps and splits {OLD}"),
                       (f"{OLD},{PARTS[0]},2025,,\n{OLD},{PARTS[1]},2025,,\n", "give each of those lines the kind "
                                                                              "splitsing")):
        with pytest.raises(reference.ReferenceError, match=re.escape(said)):
            lines(text).check()
    declared = lines(f"{OLD},{PARTS[0]},2025,,Splitsing\n{OLD},{PARTS[1]},2025,,splitsing\n").check()
    assert declared.code_changes.empty and declared.declared_splits.values.tolist() == [[OLD, PARTS[0]], [OLD, PARTS[1]]]
    mapped = lines(f"{OLD},{PARTS[0]},2025,renumbered,\n").check()
    assert mapped.code_changes[["old_code", "new_code"]].values.tolist() == [[OLD, PARTS[0]]]
    assert mapped.declared_splits.empty and mapped.confirmed_renumberings == frozenset()


def test_the_header_of_buurtcode_wijzigingen_is_read_without_case_or_surrounding_space(tmp_path):
    """Red team 13b F3: the kind values were read without case or spaces, its header not, so under ``Kind`` or
    `` kind`` two correct splitsing lines were refused as a split mapping and told to be what they were."""
    for header in ("Kind", " kind", "KIND\u00a0"):
        folder = tmp_path / f"h{len(list(tmp_path.iterdir()))}"
        _split(folder)
        (folder / "buurtcode_wijzigingen.csv").write_text(
            f"Old_Code, New_code ,division,note,{header}\n{OLD},{PARTS[0]},2025,,splitsing\n"
            f"{OLD},{PARTS[1]},2025,,splitsing\n", encoding="utf-8")
        declared = reference.Reference(folder).check()
        assert declared.code_changes.empty
        assert declared.declared_splits.values.tolist() == [[OLD, PARTS[0]], [OLD, PARTS[1]]], header


def test_a_split_declared_with_a_part_forgotten_gives_that_part_to_no_other_buurt_and_is_warned_about(tmp_path, caplog):
    """Red team 13b F2: Zuid declared with one of its two parts. The undeclared Venesluis was paired with the buurten
    left over, Zuid's second part among them: zuid-oost read that part came from another team's buurt, centrum-noord
    that Venesluis went partly to another team. Once a split of the wijk is declared, the leftovers are no pairing;
    the sync names the buurten no declaration names."""
    import logging

    ref = reference.Reference()
    one = _two_splits(tmp_path, (OLD,))
    (one.folder / "buurtcode_wijzigingen.csv").write_text(
        f"old_code,new_code,division,note,kind\n{OLD},{PARTS[0]},2025,,splitsing\n", encoding="utf-8")
    one = reference.Reference(one.folder)
    with connect(tmp_path / "w.duckdb") as con:
        fill_counts(con, ref, demo_signal_counts(ref, years=1))
        _flag(con, "2026-W47-a", "2026-W47", "2026-11-24 08:00", OLD, more=((VENESLUIS, "centrum-noord", "aandacht"),))
        with caplog.at_level(logging.WARNING, logger="wijkradar.reference"):
            reference.sync(con, one)
        notes = split_notes(con, [], one.declared_splits)
        splits = catalog.split_buurten(con, [], one.declared_splits)
    assert sorted(notes) == ["centrum-noord", "zuid-oost"] and len(notes["centrum-noord"]) == 1
    venesluis, zuid = notes["centrum-noord"][0], " ".join(notes["zuid-oost"])
    assert venesluis.startswith(f"Buurt {VENESLUIS} is in de nieuwe buurtindeling gesplitst in nieuwe buurten van "
                                "Wijk 50 Hoogeveen en")
    assert "van een ander wijkteam" not in venesluis + zuid and PARTS[1] not in zuid
    assert not splits.loc[splits["old_code"] == VENESLUIS, "paired"].any()
    warned = [r.getMessage() for r in caplog.records if "declares a split of" in r.getMessage()]
    assert warned == [f"buurtcode_wijzigingen.csv declares a split of {OLD} but not of {VENESLUIS}, removed in the "
                      f"same profile change; the buurten it added there that no declaration names ({PARTS[1]}, "
                      f"{', '.join(VENESLUIS_PARTS)}) are given to no old buurt: declare each split's parts in full "
                      "(a line per part, kind splitsing)"]
