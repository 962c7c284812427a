"""Reference data: the real 2024 division, every buurt in exactly one wijkteam, a usable catalogue."""
import shutil

import pytest

from pipelines.reference import Reference, ReferenceError, sync
from pipelines.warehouse import connect


def test_real_hoogeveen_division(ref):
    counts = ref.areas["level"].value_counts().to_dict()
    assert counts == {"gemeente": 1, "wijk": 13, "buurt": 48}
    assert ref.buurten["area_code"].str.fullmatch(r"BU0118\d{4}").all()
    assert int(ref.buurten["population"].sum()) == 56_585
    assert ref.buurten.set_index("area_code").loc["BU01185003", "name"] == "Krakeel"


def test_every_buurt_in_exactly_one_known_team(ref):
    assert ref.buurten["wijkteam"].notna().all()
    assert set(ref.buurten["wijkteam"]) == set(ref.wijkteams["wijkteam"])
    assert ref.buurten["area_code"].is_unique


def test_signal_catalogue_covers_three_domains(ref):
    cat = ref.catalogue
    assert len(cat) >= 10
    assert set(cat["domain"]) == {"physical", "social", "safety"}
    assert cat[["label_nl", "label_en", "source", "frequency"]].ne("").all().all()
    assert set(ref.categories["signal"]) <= set(cat["signal"])


def test_a_buurt_in_two_teams_is_refused(tmp_path):
    folder = tmp_path / "ref"
    shutil.copytree(Reference().folder, folder)
    with (folder / "buurt_indeling.csv").open("a") as f:
        f.write("BU01185000,de-weide,stadswijk\n")
    with pytest.raises(ReferenceError, match="more than once"):
        Reference(folder).areas


def test_sync_writes_once_per_version(home, ref):
    with connect(home.warehouse) as con:
        assert sync(con, ref) is True
        assert sync(con, ref) is False
        assert con.execute("SELECT count(*) FROM core.areas WHERE level = 'buurt'").fetchone()[0] == 48


def test_neighbours_are_symmetric_and_cover_every_buurt(ref):
    from pipelines.adjacency import build

    nb = ref.neighbours
    assert set(nb["area_code"]) == set(ref.buurten["area_code"])
    pairs = set(zip(nb["area_code"], nb["neighbour"]))
    assert all((b, a) in pairs for a, b in pairs)
    assert ("BU01185101", "BU01185100") in pairs          # Kinholt borders Steenbergerweiden
    rebuilt = build()
    assert set(zip(rebuilt["area_code"], rebuilt["neighbour"])) == pairs   # the committed file is current


def test_the_budget_file_overrides_the_defaults_and_refuses_unknown_settings(tmp_path):
    from models.evidence import Budget

    assert Reference().budget == Budget()           # the shipped file states the defaults
    folder = tmp_path / "ref"
    shutil.copytree(Reference().folder, folder)
    path = folder / "lijst_instellingen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\nfdr,0.05,", "\nfdr,0.01,"), encoding="utf-8")
    assert Reference(folder).budget.fdr == 0.01
    with (folder / "lijst_instellingen.csv").open("a") as f:
        f.write("max_flags,3,not a setting\n")
    with pytest.raises(ReferenceError, match="unknown setting"):
        Reference(folder).budget


def _renamed(folder, renames: dict) -> None:
    """The demo profile in ``folder`` with team codes renamed in wijkteams.csv and buurt_indeling.csv."""
    shutil.copytree(Reference().folder, folder)
    for name in ("wijkteams.csv", "buurt_indeling.csv"):
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines()
        for old, new in renames.items():
            lines = [(new + line[len(old):] if line.startswith(old + ",") else line.replace(f",{old},", f",{new},"))
                     for line in lines]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("first, second", [("'s-Hertogenbosch/West", "'s-Hertogenbosch_West"),
                                           ("Noord", "noord"), ("west", "west."), ("Zuid?", "Zuid*"),
                                           ("caf\u00e9", "cafe\u0301")])
def test_team_codes_that_make_one_file_name_are_refused(tmp_path, first, second):
    """Each team's lists are files named after its code: two codes of one file name (also without case, as on
    Windows and macOS shares) would let one team's list overwrite the other's."""
    _renamed(tmp_path / "ref", {"centrum-noord": first, "zuid-oost": second})
    with pytest.raises(ReferenceError, match="wijkteams.csv has team codes that give the same file name") as got:
        Reference(tmp_path / "ref").areas
    assert repr(first) in str(got.value) and repr(second) in str(got.value)


def test_a_team_code_too_long_for_a_file_name_is_refused(tmp_path):
    long = "engelen-" + "zeer-lange-naam-" * 16                   # 264 characters: File name too long
    _renamed(tmp_path / "ref", {"de-weide": long})
    with pytest.raises(ReferenceError, match="too long for the file names of its lists .* 264 characters"):
        Reference(tmp_path / "ref").areas
    _renamed(tmp_path / "ok", {"de-weide": "d" * 100})
    assert "d" * 100 in set(Reference(tmp_path / "ok").wijkteams["wijkteam"])


def test_a_refused_profile_writes_no_list_and_says_one_sentence(home):
    """``flags --format xlsx`` over a profile with clashing team codes: the sentence, exit code 2, no file."""
    import subprocess
    import sys

    from pipelines.paths import REPO_ROOT

    _renamed(home.root / "reference", {"centrum-noord": "Noord", "zuid-oost": "noord"})
    with connect(home.warehouse):
        pass
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "--home", str(home.root), "flags", "--format",
                           "xlsx"], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert " ".join(done.stdout.split()).startswith("error: wijkteams.csv has team codes that give the same file")
    assert not home.exports.exists() or not any(home.exports.iterdir())


# -- red team 12b F5: the neighbour files after a new division ---------------------------------------------------

SPLIT, PARTS, RENUMBERED = "BU01185005", ("BU01185010", "BU01185011"), "BU01185007"
MERGED = ("BU01185006", "BU01185008")


def _division_2025(folder):
    """The demo profile in ``folder`` under a CBS 2025 division, its neighbour files left as they were: Zuid split into
    two parts (which cannot be mapped), Venesluis and Oost merged into BU01185012, West renumbered to BU01185013,
    the merge and the renumbering mapped in buurtcode_wijzigingen.csv."""
    shutil.copytree(Reference().folder, folder)
    gone = (SPLIT, *MERGED)
    for name in ("gebiedsindeling_2024.csv", "buurt_indeling.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines(True)
        zuid = next(line for line in lines if SPLIT in line)
        kept = [line.replace(RENUMBERED, "BU01185013") for line in lines if not any(c in line for c in gone)]
        (folder / name).write_text("".join(kept) + "".join(zuid.replace(SPLIT, c) for c in (*PARTS, "BU01185012")),
                                   encoding="utf-8")
    (folder / "buurtcode_wijzigingen.csv").write_text(
        "old_code,new_code,division,note\n" + "".join(f"{c},BU01185012,2025,samenvoeging\n" for c in MERGED)
        + f"{RENUMBERED},BU01185013,2025,hernummering\n", encoding="utf-8")
    return folder


def test_a_neighbour_file_naming_a_buurt_the_division_lost_is_refused_with_the_file_codes_and_fix(tmp_path):
    """Red team 12b F5: after a new division the old buurt_buren.csv still named Zuid (split), and the run went on
    without a word; the split's parts had no neighbours. The codes a mapping leads to their buurt are not refused."""
    ref = Reference(_division_2025(tmp_path / "ref"))
    with pytest.raises(ReferenceError) as err:
        ref.check()
    said = str(err.value)
    assert said.startswith(f"buurt_buren.csv names {SPLIT} in 14 pair(s), which is no buurt of "
                           "the profile's division")
    assert "not mapped in buurtcode_wijzigingen.csv" in said and "their neighbours in buurt_buren.csv" in said
    assert not any(c in said for c in (*MERGED, RENUMBERED))


def test_renumbered_and_merged_buurten_keep_their_neighbours_and_a_buurt_without_any_is_warned_about(tmp_path,
                                                                                                    caplog):
    """The analyst gave one part of the split Zuid its old pairs: the renumbered and merged buurten's pairs carry
    over through buurtcode_wijzigingen.csv, and the other part, without a neighbour, is named in one warning."""
    folder = _division_2025(tmp_path / "ref")
    old = Reference().neighbours
    path = folder / "buurt_buren.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(SPLIT, PARTS[0]), encoding="utf-8")
    with caplog.at_level("WARNING", logger="wijkradar.reference"):
        ref = Reference(folder).check()
    pairs = ref.neighbours
    assert set(pairs["area_code"]) | set(pairs["neighbour"]) <= set(ref.buurten["area_code"])

    def around(frame, codes):
        return set(frame.loc[frame["area_code"].isin(codes), "neighbour"])

    moved = {SPLIT: PARTS[0], MERGED[0]: "BU01185012", MERGED[1]: "BU01185012", RENUMBERED: "BU01185013"}
    assert around(pairs, ["BU01185012"]) == {moved.get(c, c) for c in around(old, MERGED)} - {"BU01185012"}
    assert around(pairs, ["BU01185013"]) == {moved.get(c, c) for c in around(old, [RENUMBERED])}
    assert ref.without_neighbours() == [PARTS[1]]
    warned = [r.getMessage() for r in caplog.records if "no neighbour" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("1 buurt(en) of the profile have no neighbour")
    assert f"({PARTS[1]})" in warned[0]


def test_pairs_added_by_hand_are_read_both_ways_and_an_unknown_code_there_is_refused(tmp_path, caplog):
    folder = _division_2025(tmp_path / "ref")
    path = folder / "buurt_buren.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(SPLIT, PARTS[0]), encoding="utf-8")
    manual = folder / "buurt_buren_handmatig.csv"
    manual.write_text(manual.read_text(encoding="utf-8") + f"{PARTS[1]},{PARTS[0]},deel van Zuid\n", encoding="utf-8")
    ref = Reference(folder)
    assert {PARTS[0]} == set(ref.neighbours.loc[ref.neighbours["area_code"] == PARTS[1], "neighbour"])
    assert PARTS[1] in set(ref.neighbours.loc[ref.neighbours["area_code"] == PARTS[0], "neighbour"])
    assert ref.without_neighbours() == []
    manual.write_text(manual.read_text(encoding="utf-8") + f"{PARTS[1]},BU01189999,\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match="buurt_buren_handmatig.csv names BU01189999 in 1 pair"):
        Reference(folder).check()


def test_the_demo_profile_has_every_buurt_with_a_neighbour_and_reads_its_file_unchanged(caplog):
    import pandas as pd

    with caplog.at_level("WARNING", logger="wijkradar.reference"):
        ref = Reference().check()
    assert not caplog.records and ref.without_neighbours() == []
    as_written = pd.read_csv(ref.folder / "buurt_buren.csv", dtype=str, keep_default_na=False)
    assert ref.neighbours.equals(as_written[["area_code", "neighbour"]])
