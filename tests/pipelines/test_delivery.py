"""Delivery semantics: the ledger of reports, cells of aggregates, the safety valve and quarantine states."""
from pathlib import Path

import pandas as pd
import pytest

from pipelines import reference
from pipelines.delivery import LoadHeld, drops
from pipelines.quarantine import dismiss, export_rows, list_rows
from pipelines.warehouse import connect, table_digest
from tests.conftest import load_file, write_csv

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]


def report(n: int, day: str = "02-11-2026", area: str = "BU01185000") -> list[str]:
    return [f"SIG-{n}", day, "Afval", "Zwerfafval", area]


load = load_file


def counts(home, source="meldingen") -> dict:
    with connect(home.warehouse) as con:
        rows = con.execute("SELECT area_code, signal, period_start::VARCHAR, count FROM core.signal_counts "
                           "WHERE source = ?", [source]).fetchall()
    return {r[:3]: r[3] for r in rows}


def total(home, source="meldingen") -> int:
    return sum(counts(home, source).values())


def test_a_small_late_delivery_adds_its_reports_and_removes_nothing(home):
    days = pd.date_range("2021-12-06", "2026-11-16", freq="7D")
    big = [report(i, d.strftime("%d-%m-%Y"), f"BU0118500{i % 7}") for i, d in enumerate(days)]
    load(home, write_csv(home.inbox / "meldingen_export.csv", HEADER, big))
    before = counts(home)
    late = [report(90_001, "06-12-2021"), report(90_002, "23-11-2026")]
    load(home, write_csv(home.inbox / "meldingen_week.csv", HEADER, late))
    after = counts(home)
    assert sum(after.values()) == sum(before.values()) + 2
    assert all(after.get(k, 0) >= v for k, v in before.items())


def test_a_report_seen_again_replaces_its_earlier_version_and_counts_once(home):
    load(home, write_csv(home.inbox / "meldingen_a.csv", HEADER, [report(1), report(2)]))
    moved = [report(1), ["SIG-2", "02-11-2026", "Afval", "Zwerfafval", "BU01185001"]]   # SIG-2 re-placed
    load(home, write_csv(home.inbox / "meldingen_b.csv", HEADER, moved + [report(3)]))
    assert counts(home) == {("BU01185000", "zwerfafval", "2026-11-02"): 2, ("BU01185001", "zwerfafval", "2026-11-02"): 1}


def test_reports_without_number_are_keyed_by_content_and_counted_once(home):
    rows = [r[1:] for r in (report(1), report(2), report(3, "03-11-2026"))]   # two identical reports, one other
    load(home, write_csv(home.inbox / "meldingen_a.csv", HEADER[1:], rows))
    load(home, write_csv(home.inbox / "meldingen_b.csv", HEADER[1:], rows + [["", "", "", ""]]))  # other hash
    assert total(home) == 3


def test_a_correction_loaded_twice_or_before_its_delivery_counts_once(home, tmp_path):
    rows = [report(1), report(2), report(3, area="Hoofdstraat 1x"), report(4, area="BU0118XXXX")]
    delivery = write_csv(tmp_path / "meldingen_export.csv", HEADER, rows)
    load(home, delivery)
    assert total(home) == 2
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / "out")
    text = path.read_text(encoding="utf-8-sig").replace("[verwijderd: adres]", "BU01185002").replace(
        "BU0118XXXX", "BU01185003")
    fixed = tmp_path / "meldingen_correctie_1.csv"
    fixed.write_text(text, encoding="utf-8")
    load(home, fixed)
    assert total(home) == 4
    again = tmp_path / "meldingen_correctie_2.csv"
    again.write_text(text + "\n\n", encoding="utf-8")
    load(home, again)
    assert total(home) == 4
    with connect(home.warehouse) as con:
        assert list_rows(con).empty                       # both resolved
        states = dict(con.execute("SELECT state, count(*) FROM quarantine.rows GROUP BY 1").fetchall())
        again_path = export_rows(con, tmp_path / "out2")
    assert states == {"resolved": 2} and again_path == []
    final = counts(home)

    other = home.root.parent / "other"           # the correction first, then its delivery: same counts
    from pipelines.paths import resolve_home
    second = resolve_home(other)
    load(second, fixed)
    load(second, delivery)
    assert counts(second) == final


def test_a_full_export_of_a_window_retracts_only_absent_reports_of_that_window(home, tmp_path):
    load(home, write_csv(home.inbox / "meldingen_a.csv", HEADER,
                         [report(1, "02-11-2026"), report(2, "03-11-2026"), report(3, "05-10-2026")]))
    full = write_csv(tmp_path / "meldingen_volledig.csv", HEADER, [report(1, "02-11-2026"), report(4, "04-11-2026")])
    result = load(home, full, window="2026-11-01:2026-11-08")
    assert result.rows_retracted == 1
    from pipelines import catalog
    with connect(home.warehouse) as con:            # `wijkradar status` shows it beside read/accepted/quarantined
        assert catalog.loads(con)["rows_retracted"].tolist() == [0, 1]
    assert counts(home) == {("BU01185000", "zwerfafval", "2026-11-02"): 2,
                            ("BU01185000", "zwerfafval", "2026-10-05"): 1}


def test_a_load_that_lowers_a_period_is_held_until_accepted(home, tmp_path):
    load(home, write_csv(home.inbox / "wijkteam_1.csv", WIJKTEAM,
                         [["BU01185000", "2026-09", "Eenzaamheid", "10"], ["BU01185001", "2026-09", "Eenzaamheid", "5"]]),
         "wijkteam")
    lower = write_csv(home.inbox / "wijkteam_2.csv", WIJKTEAM, [["BU01185000", "2026-09", "Eenzaamheid", "2"]])
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        before = table_digest(con)
    with pytest.raises(LoadHeld, match=r"held, nothing applied.*2026-09 15 -> 7.*wijkradar loads accept"):
        load(home, lower, "wijkteam")
    with connect(home.warehouse) as con:
        after = table_digest(con)
        held = con.execute("SELECT count(*) FROM meta.held_loads").fetchone()[0]
    assert {k: v for k, v in after.items() if k != "meta.held_loads"} == \
        {k: v for k, v in before.items() if k != "meta.held_loads"}
    assert held == 1 and total(home, "wijkteam") == 15
    with pytest.raises(LoadHeld):                       # again: still held, nothing changes
        load(home, lower, "wijkteam")
    load(home, lower, "wijkteam", accept_drop=True)
    assert total(home, "wijkteam") == 7


def test_aggregate_delivery_replaces_only_its_cells(home):
    load(home, write_csv(home.inbox / "schulden_1.csv", ["Buurtcode", "Maand", "Schuldeiser", "Aantal"],
                         [["BU01185000", "2026-09", "Huur", "4"], ["BU01185000", "2026-09", "Energie", "3"],
                          ["BU01185000", "2026-07", "Huur", "2"]]), "schulden")
    load(home, write_csv(home.inbox / "schulden_2.csv", ["Buurtcode", "Maand", "Schuldeiser", "Aantal"],
                         [["BU01185000", "2026-09", "Huur", "5"], ["BU01185000", "2026-08", "Huur", "1"]]), "schulden")
    assert counts(home, "schulden") == {("BU01185000", "betalingsachterstand", "2026-09-01"): 8,
                                        ("BU01185000", "betalingsachterstand", "2026-08-01"): 1,
                                        ("BU01185000", "betalingsachterstand", "2026-07-01"): 2}


def test_quarantine_rows_are_superseded_by_a_repeat_and_can_be_dismissed(home, tmp_path):
    bad = [report(1), report(2, area="BU99999999")]
    load(home, write_csv(tmp_path / "meldingen_a.csv", HEADER, bad))
    load(home, write_csv(tmp_path / "meldingen_b.csv", HEADER, bad + [report(3)]))
    with connect(home.warehouse) as con:
        open_rows = list_rows(con)
        states = dict(con.execute("SELECT state, count(*) FROM quarantine.rows GROUP BY 1").fetchall())
        assert len(open_rows) == 1 and states == {"open": 1, "superseded": 1}
        assert dismiss(con, open_rows["load_id"].iloc[0]) == 1
        assert list_rows(con).empty


def test_drops_describe_lowered_and_removed_periods():
    before = pd.DataFrame({"period": ["week", "week", "month"], "total": [10, 10, 4],
                           "period_start": pd.to_datetime(["2026-11-02", "2026-11-09", "2026-10-01"])})
    after = before.iloc[[1, 2]].assign(total=[9, 1])
    assert drops(before, after, 0.2) == ["2026-10 4 -> 1", "2026-W45 10 -> 0 (removed)"]
    zeroed = before.iloc[[0, 2]].assign(total=[0, 4])       # the week's counts are there, all 0
    assert drops(before, pd.concat([zeroed, after.iloc[[0]]]), 0.2) == ["2026-W45 10 -> 0 (all zero)"]


def test_a_delivery_that_sets_a_months_cells_to_zero_is_held_as_all_zero_not_removed(home):
    rows = [["BU01185000", "2026-10", "Eenzaamheid", "6"], ["BU01185001", "2026-10", "Eenzaamheid", "4"]]
    load(home, write_csv(home.inbox / "wijkteam_1.csv", WIJKTEAM, rows), "wijkteam")
    zero = write_csv(home.inbox / "wijkteam_2.csv", WIJKTEAM, [r[:3] + ["0"] for r in rows])
    with pytest.raises(LoadHeld, match=r"\(2026-10 10 -> 0 \(all zero\)\)"):
        load(home, zero, "wijkteam")


def test_a_total_left_unknown_by_a_suppressed_part_lowers_nothing_read_and_is_not_held(home):
    # huur 7 and energie 6 delivered, then water '<5' for the same month: nothing was lowered, one part is unknown;
    # the lists read the month as 'at least 13' before and after, so the valve has nothing to hold (it held it as
    # '13 -> 0 (partly unknown)' while it compared only the known totals)
    from pipelines import catalog

    header = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
    load(home, write_csv(home.inbox / "schulden_1.csv", header, [["BU01185000", "2026-09", "huur", "7"],
                                                                 ["BU01185000", "2026-09", "energie", "6"]]), "schulden")
    later = write_csv(home.inbox / "schulden_2.csv", header, [["BU01185000", "2026-09", "water", "<5"]])
    assert not load(home, later, "schulden", max_failed_share=1).skipped
    with connect(home.warehouse) as con:
        totals = catalog.source_totals(con, "schulden")
    assert totals[["total", "partial"]].values.tolist() == [[13, True]]


@pytest.mark.parametrize("folder", ["plain", "Fatima Yilmaz 0655443322"])
def test_a_held_file_with_personal_data_in_its_name_or_folder_is_found_again_but_its_path_is_not_stored(
        home, tmp_path, folder):
    """The valve keeps where a held file lies, so that accepting it applies it; a personal name or folder is
    not kept (only the folder, where the file is found by its content, or nothing)."""
    from pipelines.ingest import find_held_file

    load(home, write_csv(home.inbox / "wijkteam_1.csv", WIJKTEAM,
                         [["BU01185000", "2026-09", "Eenzaamheid", "10"], ["BU01185001", "2026-09", "Eenzaamheid", "5"]]),
         "wijkteam")
    (tmp_path / folder).mkdir()
    lower = write_csv(tmp_path / folder / "wijkteam_Fatima_Yilmaz_0655443322.csv", WIJKTEAM,
                      [["BU01185000", "2026-09", "Eenzaamheid", "2"]])
    with pytest.raises(LoadHeld) as held:
        load(home, lower, "wijkteam")
    assert "0655443322" not in str(held.value) and "Yilmaz" not in str(held.value)
    with connect(home.warehouse) as con:
        digest, place = con.execute("SELECT content_hash, path FROM meta.held_loads").fetchone()
    assert "0655443322" not in place and "Yilmaz" not in place and "Fatima" not in place
    assert place == (str((tmp_path / folder).resolve()) if folder == "plain" else "")
    assert find_held_file(place, digest) == (lower.resolve() if folder == "plain" else None)
    assert "0655443322" not in home.warehouse.read_bytes().decode("latin-1")


def test_report_numbers_differing_only_in_letter_case_are_one_number_and_quarantined_as_repeated(home):
    """The ledger keys a number upper-cased, so the in-file check of repeated numbers must too: else one of
    ``X-500`` and ``x-500`` was accepted and then dropped from the ledger without a word."""
    rows = [["X-500", "20-11-2026", "Afval", "Zwerfafval", "BU01185006"],
            ["x-500", "21-11-2026", "Afval", "Zwerfafval", "BU01185007"], report(1), report(2)]
    result = load(home, write_csv(home.inbox / "meldingen_case.csv", HEADER, rows))
    assert (result.rows_accepted, result.rows_quarantined) == (2, 2)
    with connect(home.warehouse) as con:
        ledger = con.execute("SELECT count(*) FROM core.report_ledger").fetchone()[0]
        reasons = list_rows(con)["reason"].tolist()
    assert ledger == result.rows_accepted == total(home)
    assert reasons == ["meldingnummer occurs more than once (upper and lower case count as the same number, and so "
                       "do 0001001, 1001, 1001.0 and 1.001)"] * 2


def test_the_ledger_refuses_a_report_key_twice_in_one_load_rather_than_dropping_one(home):
    from pipelines.catalog import apply_records

    records = pd.DataFrame({"report_key": ["id:X-500", "id:X-500"], "area_code": ["BU01185006", "BU01185007"],
                            "signal": "zwerfafval", "period": "week",
                            "period_start": pd.Timestamp("2026-11-16")})
    with connect(home.warehouse) as con, pytest.raises(ValueError, match=r"id:X-500.*more than once"):
        apply_records(con, "meldingen", records, "meldingen-000000000000", 1)


def _correct(home, tmp_path, name: str, wrong: str, right: str) -> int:
    """Export the open quarantine rows, fix ``wrong`` -> ``right`` in them and load that as a correction."""
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / name)
    fixed = tmp_path / f"meldingen_correctie_{name}.csv"
    fixed.write_text(path.read_text(encoding="utf-8-sig").replace(wrong, right), encoding="utf-8")
    return load(home, fixed).rows_accepted


def test_a_corrected_report_without_number_counts_once_when_delivered_again_broken_or_fixed(home, tmp_path):
    """A correction of a report without a number takes the key the report would have had had it been valid,
    so an overlapping export (the same report quarantined again and corrected again) or the supplier's own
    fix replaces it instead of adding it."""
    week = [["20-11-2026", "Afval", "Zwerfafval", "BU01185006"], ["22-11-2026", "Afval", "Zwerfvuil", "BU01185006"]]
    load(home, write_csv(tmp_path / "meldingen_w47.csv", HEADER[1:], week))
    assert _correct(home, tmp_path, "1", ";Zwerfvuil;", ";Zwerfafval;") == 1
    new = ["25-11-2026", "Afval", "Zwerfafval", "BU01185006"]
    load(home, write_csv(tmp_path / "meldingen_w48.csv", HEADER[1:], week + [new]))      # overlaps, still broken
    assert _correct(home, tmp_path, "2", ";Zwerfvuil;", ";Zwerfafval;") == 1
    assert total(home) == 3
    fixed = [week[0], ["22-11-2026", "Afval", "Zwerfafval", "BU01185006"], new]
    load(home, write_csv(tmp_path / "meldingen_w48_hersteld.csv", HEADER[1:], fixed))   # the supplier's fix
    assert counts(home) == {("BU01185006", "zwerfafval", "2026-11-16"): 2, ("BU01185006", "zwerfafval", "2026-11-23"): 1}


def test_a_corrected_buurt_of_a_report_without_number_meets_the_suppliers_fix_and_its_identical_twin(home, tmp_path):
    """Two identical reports, one with a mistyped buurt: corrected, it is the second of the two (rank #1), not
    the first again; the supplier's fixed re-delivery then replaces both, it adds nothing."""
    same = ["22-11-2026", "Afval", "Zwerfafval", "BU01185006"]
    load(home, write_csv(tmp_path / "meldingen_w47.csv", HEADER[1:], [same, same[:3] + ["BU0118500X"], report(1)[1:]]))
    assert total(home) == 2
    assert _correct(home, tmp_path, "1", "BU0118500X", "BU01185006") == 1
    assert total(home) == 3
    load(home, write_csv(tmp_path / "meldingen_w47_hersteld.csv", HEADER[1:], [same, same, report(1)[1:]]))
    assert counts(home) == {("BU01185006", "zwerfafval", "2026-11-16"): 2, ("BU01185000", "zwerfafval", "2026-11-02"): 1}
    with connect(home.warehouse) as con:
        keys = sorted(k for (k,) in con.execute("SELECT report_key FROM core.report_ledger").fetchall())
    assert [k.rsplit("#", 1)[1] for k in keys if "BU01185006" in k] == ["0", "1"]


def test_dates_and_periods_before_min_year_are_quarantined_not_counted(home):
    """A report of 1900 or a wijkteam cell ``1900-01`` is a typing error; counted, it would stretch the history
    of its buurt and move the risk model's lists for other buurten."""
    rows = [["SIG-1", "01-01-1900", "Afval", "Zwerfafval", "BU01185006"],
            ["SIG-2", "31-12-1999", "Afval", "Zwerfafval", "BU01185006"],
            ["SIG-3", "01-01-2000", "Afval", "Zwerfafval", "BU01185006"], report(4), report(5)]
    meldingen = load(home, write_csv(home.inbox / "meldingen_1900.csv", HEADER, rows))
    cells = [["BU01185006", "1900-01", "Eenzaamheid", "3"], ["BU01185006", "2026-10", "Eenzaamheid", "2"],
             ["BU01185007", "2026-10", "Eenzaamheid", "1"]]
    wijkteam = load(home, write_csv(home.inbox / "wijkteam_1900.csv", WIJKTEAM, cells), "wijkteam")
    assert (meldingen.rows_accepted, meldingen.rows_quarantined) == (3, 2)
    assert (wijkteam.rows_accepted, wijkteam.rows_quarantined) == (2, 1)
    with connect(home.warehouse) as con:
        first = con.execute("SELECT min(period_start)::VARCHAR FROM core.signal_counts").fetchone()[0]
        reasons = list_rows(con)["reason"].tolist()
    assert first == "1999-12-27"                        # 01-01-2000 is a Saturday of ISO week 1999-W52
    assert reasons == ["datum melding lies before 2000 (min_year in lijst_instellingen.csv)"] * 2 + [
        "the period lies before 2000 (min_year in lijst_instellingen.csv)"]


# -- corrections of rows that are no longer open ----------------------------------------------------

CELL = ("BU01185006", "eenzaamheid", "2026-10-01")


def _wijkteam_rows(first: str) -> list[list[str]]:
    return [["BU01185006", "2026-10", "Eenzaamheid", first], ["BU01185007", "2026-10", "Eenzaamheid", "4"],
            ["BU01185008", "2026-10", "Eenzaamheid", "4"]]


def _wijkteam_correction(home, tmp_path, name: str, value: str) -> Path:
    """Export the open rows and set the one quarantined count to ``value``, as an analyst would."""
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / f"out_{name}")
    fixed = tmp_path / f"wijkteam_correctie_{name}.csv"
    fixed.write_text(path.read_text(encoding="utf-8-sig").replace(";veel;", f";{value};"), encoding="utf-8")
    return fixed


def _states(home) -> dict:
    with connect(home.warehouse) as con:
        return dict(con.execute("SELECT state, count(*) FROM quarantine.rows GROUP BY 1").fetchall())


def test_a_correction_of_a_row_resolved_by_a_later_delivery_is_not_applied(home, tmp_path):
    """The correction was exported before the supplier delivered the cell again; in the inbox it loads after that
    delivery, so applied it would put the older value back over the newer one."""
    load(home, write_csv(tmp_path / "wijkteam_A.csv", WIJKTEAM, _wijkteam_rows("veel")), "wijkteam")
    correction = _wijkteam_correction(home, tmp_path, "A", "5")
    newer = load(home, write_csv(tmp_path / "wijkteam_B.csv", WIJKTEAM, _wijkteam_rows("7")), "wijkteam")
    result = load(home, correction, "wijkteam")
    assert counts(home, "wijkteam")[CELL] == 7
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined, result.corrections_not_applied) == \
        (1, 0, 1, 1)
    assert "1 correcting a row no longer open, not applied" in result.describe()
    with connect(home.warehouse) as con:
        [row] = list_rows(con, result.load_id, state=None).itertuples()
        reconciled = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads "
                                 "WHERE load_id = ?", [result.load_id]).fetchone()
    assert row.reason == (f"the quarantined row this corrects was resolved by a later delivery (load {newer.load_id}); "
                          "nothing applied")
    assert (row.state, row.state_by) == ("resolved", newer.load_id)      # nothing left to fix: not exported again
    assert reconciled == (1, 0, 1)
    assert _states(home) == {"resolved": 2}


def test_a_correction_loaded_again_after_a_newer_delivery_of_its_cell_is_not_applied(home, tmp_path):
    """Applied once, a correction may be loaded again (a re-saved copy) and changes nothing; once a delivery
    brought the cell again, the copy must not put the corrected value back."""
    load(home, write_csv(tmp_path / "wijkteam_A.csv", WIJKTEAM, _wijkteam_rows("veel")), "wijkteam")
    correction = _wijkteam_correction(home, tmp_path, "A", "5")
    assert load(home, correction, "wijkteam").rows_accepted == 1
    copy = tmp_path / "wijkteam_correctie_A_kopie.csv"
    copy.write_text(correction.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load(home, copy, "wijkteam").rows_accepted == 1                     # the same fix again: no change
    assert counts(home, "wijkteam")[CELL] == 5
    newer = load(home, write_csv(tmp_path / "wijkteam_B.csv", WIJKTEAM, _wijkteam_rows("7")), "wijkteam")
    late = tmp_path / "wijkteam_correctie_A_laat.csv"
    late.write_text(correction.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    result = load(home, late, "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined, result.corrections_not_applied) == (0, 1, 1)
    assert counts(home, "wijkteam")[CELL] == 7
    with connect(home.warehouse) as con:
        [reason] = list_rows(con, result.load_id, state=None)["reason"]
    assert reason.startswith("the quarantined row this corrects was corrected before (load wijkteam-")
    assert reason.endswith(f"and then delivered again (load {newer.load_id}); nothing applied")


def test_a_correction_of_a_dismissed_row_is_not_applied(home, tmp_path):
    first = load(home, write_csv(tmp_path / "schulden_A.csv", ["Buurtcode", "Maand", "Schuldeiser", "Aantal"],
                                 [["BU01185006", "2026-10", "Huur", "veel"], ["BU01185006", "2026-10", "Water", "2"]]),
                 "schulden")
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / "out")
        assert dismiss(con, first.load_id) == 1
    fixed = tmp_path / "schulden_correctie_A.csv"
    fixed.write_text(path.read_text(encoding="utf-8-sig").replace(";veel;", ";3;"), encoding="utf-8")
    result = load(home, fixed, "schulden")
    assert (result.rows_accepted, result.rows_quarantined, result.corrections_not_applied) == (0, 1, 1)
    assert total(home, "schulden") == 0       # the huur cell stays unknown, so no total: 2 would be an undercount
    with connect(home.warehouse) as con:
        [row] = list_rows(con, result.load_id, state=None).itertuples()
    assert row.reason == "the quarantined row this corrects was dismissed by an analyst; nothing applied"
    assert row.state == "dismissed"


def test_a_correction_of_a_superseded_report_is_not_applied_and_the_newer_row_is_the_one_to_fix(home, tmp_path):
    rows = [report(1), report(2, area="BU0118XXXX")]
    load(home, write_csv(tmp_path / "meldingen_a.csv", HEADER, rows))
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / "out")
    stale = tmp_path / "meldingen_correctie_a.csv"
    stale.write_text(path.read_text(encoding="utf-8-sig").replace("BU0118XXXX", "BU01185003"), encoding="utf-8")
    again = load(home, write_csv(tmp_path / "meldingen_b.csv", HEADER, rows + [report(3)]))   # still broken
    result = load(home, stale)
    assert (result.rows_accepted, result.rows_quarantined, result.corrections_not_applied) == (0, 1, 1)
    assert total(home) == 2
    with connect(home.warehouse) as con:
        [row] = list_rows(con, result.load_id, state=None).itertuples()
        [still_open] = list_rows(con).itertuples()
    assert row.reason == (f"the quarantined row this corrects was superseded by load {again.load_id}, which "
                          "quarantined it again; correct that row instead; nothing applied")
    assert row.state == "superseded" and still_open.load_id == again.load_id
    assert _correct(home, tmp_path, "b", "BU0118XXXX", "BU01185003") == 1      # the newer row corrects as before
    assert total(home) == 3


def _bsn_like(numbers) -> list[str]:
    """Nine-digit report numbers (year and sequence, as many systems number them) and whether each passes the
    BSN 11-test."""
    from pipelines.privacy import _bsn_ok

    return [(n, _bsn_ok(n)) for n in numbers]


def test_report_numbers_that_read_as_a_bsn_or_mobile_number_count_as_pseudonyms_and_are_never_stored(home, tmp_path):
    """Nine digits in a row pass the 11-test one time in eleven and read as a mobile number without its 0 one time
    in nine: a supplier numbering its reports 2026xxxxx had about one report in seven quarantined, and its counts
    with it. In the report-number column such a number is kept as a pseudonym (HMAC with the warehouse's secret)."""
    numbers = _bsn_like(f"2026{i:05d}" for i in range(100, 160))
    personal = [n for n, ok in numbers if ok] + ["612345678"]
    assert len(personal) >= 4
    rows = [[n, "02-11-2026", "Afval", "Zwerfafval", "BU01185000"] for n, _ in numbers]
    rows += [["612345678", "03-11-2026", "Afval", "Zwerfafval", "BU01185001"],         # a mobile number without 0
             ["06-12345678", "03-11-2026", "Afval", "Zwerfafval", "BU01185001"]]      # a phone number as written
    result = load(home, write_csv(home.inbox / "meldingen_jaarnummers.csv", HEADER, rows))
    assert (result.rows_accepted, result.rows_quarantined) == (61, 1)
    assert total(home) == 61
    # the same reports again, in another layout and order: the pseudonyms meet their reports, nothing doubles
    again = [[r[1], r[0], r[2], r[3], r[4]] for r in reversed(rows[:61])]
    load(home, write_csv(home.inbox / "meldingen_opnieuw.csv",
                         ["Datum melding", "Meldingnummer", "Hoofdcategorie", "Subcategorie", "Buurtcode"], again))
    assert total(home) == 61
    with connect(home.warehouse) as con:
        stored = " ".join(str(v) for table in ("raw.meldingen", "core.report_ledger", "quarantine.rows")
                          for row in con.execute(f"SELECT * FROM {table}").fetchall() for v in row)
    plain = next(n for n, ok in numbers if not ok)
    assert stored.count("p-") >= len(personal) and plain in stored           # other numbers are kept as written
    for n in personal:
        assert n not in stored
    archived = b"".join(p.read_bytes() for p in home.archive.rglob("*") if p.is_file())
    assert not any(n.encode() in archived for n in personal)
