"""A period delivered without some buurten (or a buurt's part) that the period before held, zero rows included:
those counts were not delivered, so they read as unknown ("minstens") until a delivery brings them, never as an
exact 0 (red team round 5a, F1: a wijkteam month without one buurt scored it 0 and its flag read "opgelost")."""
from __future__ import annotations

import pytest

from pipelines.catalog.counts import COUNTS_AND_BOUNDS
from pipelines.reference import Reference
from pipelines.warehouse import connect
from tests.conftest import load_file as load, write_csv

WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]
SCHULDEN = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
CREDITORS = ["huur", "energie", "water", "zorgverzekering"]


@pytest.fixture(scope="module")
def buurten() -> list[str]:
    return sorted(Reference().buurten["area_code"])


def read(home, source: str, month: str) -> dict:
    """What the lists and scores read of one month: {buurt: (count, partial)}."""
    with connect(home.warehouse) as con:
        rows = con.execute(f"SELECT area_code, sum(count), bool_or(partial) FROM ({COUNTS_AND_BOUNDS}) "
                           "WHERE source = ? AND strftime(period_start, '%Y-%m') = ? GROUP BY ALL",
                           [source, month]).fetchall()
    return {area: (int(count), bool(partial)) for area, count, partial in rows}


def wijkteam_month(buurten, month: str, count=lambda i: i % 3) -> list[list]:
    return [[b, month, "eenzaamheid", str(count(i))] for i, b in enumerate(buurten)]


def test_a_buurt_left_out_of_a_month_every_buurt_had_a_row_in_before_reads_unknown_not_0(home, tmp_path, buurten):
    left_out = buurten[5]
    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, wijkteam_month(buurten, "2026-09")), "wijkteam")
    rows = [r for r in wijkteam_month(buurten, "2026-10") if r[0] != left_out]
    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM, rows), "wijkteam")
    assert (result.rows_read, result.rows_accepted) == (len(buurten) - 1, len(buurten) - 1)
    assert read(home, "wijkteam", "2026-10")[left_out] == (0, True)            # "minstens 0", no exact 0
    assert sum(partial for _, partial in read(home, "wijkteam", "2026-10").values()) == 1
    assert f"2026-10: 1 buurt(en) ({left_out})" in result.describe() and "unknown" in result.describe()
    # left out again the month after: still expected (the month before held it, as unknown)
    rows = [r for r in wijkteam_month(buurten, "2026-11") if r[0] != left_out]
    load(home, write_csv(tmp_path / "wijkteam_11.csv", WIJKTEAM, rows), "wijkteam")
    assert read(home, "wijkteam", "2026-11")[left_out] == (0, True)
    # the buurt's row delivered later makes the month whole
    load(home, write_csv(tmp_path / "wijkteam_10b.csv", WIJKTEAM, [[left_out, "2026-10", "eenzaamheid", "7"]]),
         "wijkteam")
    assert read(home, "wijkteam", "2026-10")[left_out] == (7, False)


def test_a_team_left_out_makes_its_buurten_unknown_and_its_own_file_later_makes_them_whole(home, tmp_path, buurten):
    team, rest = buurten[:14], buurten[14:]
    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, wijkteam_month(buurten, "2026-09")), "wijkteam")
    first = load(home, write_csv(tmp_path / "wijkteam_10_rest.csv", WIJKTEAM, wijkteam_month(rest, "2026-10")),
                 "wijkteam")
    assert "14 buurt(en)" in first.describe()
    assert {b for b, (_, partial) in read(home, "wijkteam", "2026-10").items() if partial} == set(team)
    from pipelines.flows import still_left_out

    assert still_left_out(home, [first]) == [first.missing_note]    # a run's warning, while nothing brings them
    second = load(home, write_csv(tmp_path / "wijkteam_10_team.csv", WIJKTEAM, wijkteam_month(team, "2026-10")),
                  "wijkteam")
    assert second.missing_note == ""
    assert not any(partial for _, partial in read(home, "wijkteam", "2026-10").values())
    assert still_left_out(home, [first, second]) == []               # the run's later file brought them: no warning


def test_a_source_that_leaves_its_zero_rows_out_reads_an_absent_row_as_0(home, tmp_path, buurten):
    """Rows for some buurten only in the month before: the source writes no zero rows, so an absent row is a 0."""
    sparse = [[b, "2026-09", "eenzaamheid", "2"] for b in buurten[:20]]
    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, sparse), "wijkteam")
    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM,
                                  [[b, "2026-10", "eenzaamheid", "1"] for b in buurten[:10]]), "wijkteam")
    assert result.missing_note == "" and not any(p for _, p in read(home, "wijkteam", "2026-10").values())


def test_a_month_in_which_every_buurt_counted_but_no_zero_row_says_nothing_of_the_next(home, tmp_path, buurten):
    """Every buurt has a row in September, but none is a 0: the source may leave its zero rows out, so a buurt
    without a row in October is a 0, not a count left out."""
    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, wijkteam_month(buurten, "2026-09", lambda i: 1 + i % 3)),
         "wijkteam")
    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM,
                                  wijkteam_month(buurten[1:], "2026-10", lambda i: 1 + i % 3)), "wijkteam")
    assert result.missing_note == "" and not any(p for _, p in read(home, "wijkteam", "2026-10").values())


def test_a_creditors_row_or_a_whole_buurt_left_out_of_a_schulden_month_reads_unknown(home, tmp_path, buurten):
    whole = [[b, "2026-09", c, str((i + j) % 4)] for i, b in enumerate(buurten) for j, c in enumerate(CREDITORS)]
    load(home, write_csv(tmp_path / "schulden_09.csv", SCHULDEN, whole), "schulden")
    a, b = buurten[1], buurten[2]
    october = [[x, "2026-10", c, "5"] for x in buurten for c in CREDITORS if x != b and (x, c) != (a, "water")]
    load(home, write_csv(tmp_path / "schulden_10.csv", SCHULDEN, october), "schulden")
    month = read(home, "schulden", "2026-10")
    assert month[a] == (15, True) and month[b] == (0, True)                   # at least 15; at least 0
    assert sum(partial for _, partial in month.values()) == 2


def test_the_same_month_delivered_again_changes_nothing_and_the_first_month_marks_nothing(home, tmp_path, buurten):
    first = load(home, write_csv(tmp_path / "wijkteam_08.csv", WIJKTEAM,
                                 wijkteam_month(buurten[:30], "2026-08")), "wijkteam")
    assert first.missing_note == ""                  # nothing before it: an absent row says nothing yet
    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, wijkteam_month(buurten, "2026-09")), "wijkteam")
    path = write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM, wijkteam_month(buurten[1:], "2026-10"))
    load(home, path, "wijkteam")
    before = {m: read(home, "wijkteam", m) for m in ("2026-08", "2026-09", "2026-10")}
    assert before["2026-10"][buurten[0]] == (0, True)
    path.write_bytes(path.read_bytes() + b"\n")      # the same rows in another file
    again = load(home, path, "wijkteam")
    assert again.missing_note == ""                  # already unknown: nothing new to say
    assert {m: read(home, "wijkteam", m) for m in ("2026-08", "2026-09", "2026-10")} == before


def test_a_buurt_left_out_of_every_later_month_of_one_file_reads_unknown_in_each(home, tmp_path, buurten):
    """One file of several months without a buurt from its second month on (a download spanning a division change,
    a quarter delivered at once): each of those months is unknown for it, as one file a month would give, and so is
    the next month's delivery without it (red team 6a F6: only the first month was marked, every later month read 0)."""
    gone = buurten[7]
    rows = wijkteam_month(buurten, "2026-06") + [r for m in ("2026-07", "2026-08", "2026-09", "2026-10")
                                                 for r in wijkteam_month(buurten, m) if r[0] != gone]
    result = load(home, write_csv(tmp_path / "wijkteam_kwartaal.csv", WIJKTEAM, rows), "wijkteam")
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        assert read(home, "wijkteam", month)[gone] == (0, True), month
        assert f"{month}: 1 buurt(en) ({gone})" in result.describe()
    load(home, write_csv(tmp_path / "wijkteam_11.csv", WIJKTEAM,
                         [r for r in wijkteam_month(buurten, "2026-11") if r[0] != gone]), "wijkteam")
    assert read(home, "wijkteam", "2026-11")[gone] == (0, True)
    assert read(home, "wijkteam", "2026-06")[gone][1] is False


def test_a_signal_left_out_of_a_month_reads_unknown_in_every_buurt_not_0(home, tmp_path, buurten):
    """A month delivered with every row of one signal missing (red team 6a F1: the missing signals read 0 in all 48
    buurten and a running flag read "opgelost")."""
    def month(m, signals):
        return [[b, m, s, str((i + j) % 3)] for i, b in enumerate(buurten) for j, s in enumerate(signals)]

    load(home, write_csv(tmp_path / "wijkteam_09.csv", WIJKTEAM, month("2026-09", ["eenzaamheid", "jeugdoverlast"])),
         "wijkteam")
    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM, month("2026-10", ["jeugdoverlast"])),
                  "wijkteam")
    with connect(home.warehouse) as con:
        rows = con.execute(f"SELECT signal, count(*), bool_and(partial), sum(count) FROM ({COUNTS_AND_BOUNDS}) "
                           "WHERE source = 'wijkteam' AND period_start = DATE '2026-10-01' GROUP BY ALL ORDER BY 1"
                           ).fetchall()
    assert rows[0][:3] == ("eenzaamheid", len(buurten), True) and rows[0][3] == 0      # "minstens 0" everywhere
    assert rows[1][0] == "jeugdoverlast" and rows[1][2] is False
    assert f"2026-10: {len(buurten)} buurt(en)" in result.describe() and ") of eenzaamheid" in result.describe()
    # the signal's rows delivered later make the month whole
    load(home, write_csv(tmp_path / "wijkteam_10b.csv", WIJKTEAM, month("2026-10", ["eenzaamheid"])), "wijkteam")
    assert not any(partial for _, partial in read(home, "wijkteam", "2026-10").values())


def test_a_teams_list_says_which_buurten_counts_were_not_all_delivered(tmp_path):
    """The list holds no row for a buurt whose month was left out (a lower bound of 0 raises nothing), so the team is
    told above its rows, in Dutch, and no other team is."""
    import pandas as pd

    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.runs import score_and_flag
    from tests.conftest import TODAY, demo_signal_counts, fill_counts

    ref = Reference()
    home = resolve_home(tmp_path / "home")
    counts = demo_signal_counts(ref, years=3)
    monthly = counts[counts["period"] == "month"]
    last = monthly["period_start"].max()
    buurt = "BU01185400"
    left = (counts["area_code"] == buurt) & (counts["signal"] == "eenzaamheid") & (counts["period_start"] == last)
    with connect(home.warehouse) as con:
        fill_counts(con, ref, counts[~left])
        # as a load that left the buurt out marks it (catalog.undelivered_cells)
        con.execute("INSERT INTO core.unknown_cells VALUES ('wijkteam', ?, 'eenzaamheid', '', 'month', ?, 'test', 1)",
                    [buurt, pd.Timestamp(last).date()])
        run = score_and_flag(con, ref, today=TODAY)
        export_run(con, home, run)
    team = ref.area_teams[buurt]
    lists = {p.stem: p.read_text(encoding="utf-8") for p in (home.exports / run.run_period).glob("*.csv")}
    said = "Niet alle tellingen zijn geleverd voor Hollandscheveld kern ("
    assert said in lists[team]
    assert not any(said in text for stem, text in lists.items() if stem != team)


# -- red team 12b F1: coverage judged against what the source delivered, not against today's profile ------------

def _redivided(tmp_path, merger: bool) -> Reference:
    """The demo profile under a later division. ``merger``: a herindeling, Hoogeveen and a neighbour municipality become
    GM1999, every code of Hoogeveen renumbered (BU0118wwbb -> BU1999wwbb) and mapped, and the other municipality's
    two buurten (never delivered by any source) added; else a CBS split of Zuid BU01185005 into BU01185010 and
    BU01185011, which cannot be mapped."""
    import re
    import shutil

    from pipelines.paths import REFERENCE_DIR

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    changes = "old_code,new_code,division,note\n"
    if merger:
        for path in folder.glob("*.csv"):
            path.write_text(re.sub(r"\b(GM|WK|BU)0118", r"\g<1>1999", path.read_text(encoding="utf-8")),
                            encoding="utf-8")
        changes += "".join(f"{b},BU1999{b[6:]},2027,herindeling\n" for b in Reference().buurten["area_code"])
        extra = {"BU19999000": "Zuidwolde", "BU19999001": "Ruinen"}
        with open(folder / "gebiedsindeling_2024.csv", "a", encoding="utf-8") as f:
            f.write("wijk,WK199990,De Wolden,WK199990,,,nee\n")
            f.writelines(f"buurt,{c},{n},WK199990,De Wolden,6000,nee\n" for c, n in extra.items())
        with open(folder / "buurt_indeling.csv", "a", encoding="utf-8") as f:
            f.writelines(f"{c},de-wolden,dorp\n" for c in extra)
        with open(folder / "wijkteams.csv", "a", encoding="utf-8") as f:
            f.write("de-wolden,Wijkteam De Wolden\n")
        with open(folder / "buurt_buren.csv", "a", encoding="utf-8") as f:
            f.write("BU19999000,BU19999001,handmatig,\nBU19999001,BU19999000,handmatig,\n")
    else:
        for name in ("gebiedsindeling_2024.csv", "buurt_indeling.csv"):
            lines = (folder / name).read_text(encoding="utf-8").splitlines(True)
            zuid = next(line for line in lines if "BU01185005" in line)
            (folder / name).write_text("".join(line for line in lines if line != zuid)
                                       + zuid.replace("BU01185005", "BU01185010")
                                       + zuid.replace("BU01185005", "BU01185011"), encoding="utf-8")
        buren = (folder / "buurt_buren.csv").read_text(encoding="utf-8").replace("BU01185005", "BU01185010")
        (folder / "buurt_buren.csv").write_text(buren + "BU01185010,BU01185011,handmatig,\n"
                                                "BU01185011,BU01185010,handmatig,\n", encoding="utf-8")
    (folder / "buurtcode_wijzigingen.csv").write_text(changes, encoding="utf-8")
    return Reference(folder).check()


def _unknown(home) -> set[str]:
    with connect(home.warehouse) as con:
        return {a for (a,) in con.execute("SELECT DISTINCT area_code FROM core.unknown_cells").fetchall()}


def test_after_a_herindeling_a_buurt_the_source_delivered_and_leaves_out_reads_unknown_not_0(home, tmp_path,
                                                                                              buurten):
    """Red team 12b F1: after Hoogeveen merged into GM1999 (every code renumbered and mapped, another municipality's
    buurten added that no source ever delivered) a month without Hollandscheveld kern read 0, with no warning, and
    its running flag turned "opgelost": the period before held 48 of the profile's 50 buurten, so the check was off
    for good. It is judged against the 48 buurten the source delivered."""
    for month in ("2026-08", "2026-09"):
        load(home, write_csv(tmp_path / f"wijkteam_{month}.csv", WIJKTEAM, wijkteam_month(buurten, month)),
             "wijkteam")
    merged = _redivided(tmp_path, merger=True)
    october = [[f"BU1999{b[6:]}", *rest] for b, *rest in wijkteam_month(buurten, "2026-10") if b != "BU01185400"]
    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM, october), "wijkteam", ref=merged)
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (47, 47, 0)
    assert "2026-10: 1 buurt(en) (BU19995400)" in result.describe() and "unknown" in result.describe()
    assert read(home, "wijkteam", "2026-10")["BU19995400"] == (0, True)           # "minstens 0", no exact 0
    assert _unknown(home) == {"BU19995400"}          # the buurten no source ever delivered are expected of none
    # and the month after, delivered without it again: still unknown, the merged-in buurten still not expected
    november = [[f"BU1999{b[6:]}", *rest] for b, *rest in wijkteam_month(buurten, "2026-11") if b != "BU01185400"]
    load(home, write_csv(tmp_path / "wijkteam_11.csv", WIJKTEAM, november), "wijkteam", ref=merged)
    assert read(home, "wijkteam", "2026-11")["BU19995400"] == (0, True) and _unknown(home) == {"BU19995400"}


def test_after_a_split_a_buurt_left_out_of_the_first_month_reads_unknown_and_so_does_a_part_once_delivered(
        home, tmp_path, buurten):
    """Red team 12b F1 (the Meppel variant): Zuid split into two new buurten that no period before holds turned the
    check off for the first month after the profile changed. The month is judged against the buurten the source
    delivered; the parts, not delivered before, are expected from their first delivery on."""
    for month in ("2026-08", "2026-09"):
        load(home, write_csv(tmp_path / f"wijkteam_{month}.csv", WIJKTEAM, wijkteam_month(buurten, month)),
             "wijkteam")
    split = _redivided(tmp_path, merger=False)
    parts = sorted(split.buurten["area_code"])

    def month(m, leave_out):
        return [r for r in wijkteam_month(parts, m) if r[0] != leave_out]

    result = load(home, write_csv(tmp_path / "wijkteam_10.csv", WIJKTEAM, month("2026-10", "BU01185400")),
                  "wijkteam", ref=split)
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (48, 48, 0)
    assert "2026-10: 1 buurt(en) (BU01185400)" in result.describe()
    assert _unknown(home) == {"BU01185400"}
    november = load(home, write_csv(tmp_path / "wijkteam_11.csv", WIJKTEAM, month("2026-11", "BU01185011")),
                    "wijkteam", ref=split)
    assert "2026-11: 1 buurt(en) (BU01185011)" in november.describe()
    assert read(home, "wijkteam", "2026-11")["BU01185011"] == (0, True)
