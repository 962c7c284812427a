"""Delivery semantics at their edges: a correction corrected again, full exports of a window (by report date,
per municipality, with quarantined rows present, held and accepted), report numbers written another way,
numberless corrections meeting another delivery's report, and report numbers that read as a BSN in a small file."""
import json

import pandas as pd
import pytest

from pipelines import reference
from pipelines.delivery import LoadHeld
from pipelines.quarantine import export_rows
from pipelines.warehouse import connect
from tests.conftest import load_file, write_csv

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
WIJKTEAM = ["Buurtcode", "Maand", "Signaal", "Aantal"]


load = load_file


def query(home, sql, params=None):
    with connect(home.warehouse) as con:
        return con.execute(sql, params or []).fetchall()


def total(home, source="meldingen") -> int:
    return query(home, "SELECT coalesce(sum(count), 0) FROM core.signal_counts WHERE source = ?", [source])[0][0]


def retracted(home) -> list[str]:
    return [k for (k,) in query(home, "SELECT report_key FROM core.report_ledger WHERE retracted_by IS NOT NULL "
                                      "ORDER BY 1")]


def exported(tmp_path, home):
    with connect(home.warehouse) as con:
        [path] = export_rows(con, tmp_path / "out")
    return path


def corrected(tmp_path, home, name, old, new, export=None):
    """The quarantine export (``export``, else exported now) with ``old`` replaced by ``new``, saved as ``name``."""
    path = export or exported(tmp_path, home)
    fixed = tmp_path / name
    fixed.write_text(path.read_text(encoding="utf-8-sig").replace(old, new), encoding="utf-8")
    return fixed


# -- 1. a correction corrected again -------------------------------------------------------------------

@pytest.mark.parametrize("source", ["wijkteam", "meldingen"])
def test_a_correction_corrected_again_with_another_cell_replaces_the_earlier_fix(home, tmp_path, source):
    if source == "wijkteam":
        header = WIJKTEAM
        good = [[f"BU0118510{i}", "2026-09", "eenzaamheid", "5"] for i in range(6)]
        bad, expected = ["BU0118500", "2026-09", "eenzaamheid", "7"], 37
    else:
        header = HEADER[1:]                               # reports without a number: keyed by content
        good = [[f"1{i}-09-2026", "Afval", "Zwerfafval", f"BU0118510{i}"] for i in range(6)]
        bad, expected = ["15-09-2026", "Afval", "Zwerfafval", "BU0118500"], 7
    load(home, write_csv(tmp_path / f"{source}_1.csv", header, good + [bad]), source)
    export = exported(tmp_path, home)
    load(home, corrected(tmp_path, home, f"{source}_correctie_1.csv", "BU0118500;", "BU01185000;", export), source)
    assert total(home, source) == expected
    again = load(home, corrected(tmp_path, home, f"{source}_correctie_2.csv", "BU0118500;", "BU01185001;", export),
                 source)
    assert again.fixes_replaced == 1 and "1 cell(s) or report(s) an earlier correction" in again.describe()
    areas = dict(query(home, "SELECT area_code, sum(count) FROM core.signal_counts WHERE source = ? "
                             "AND area_code IN ('BU01185000', 'BU01185001') GROUP BY 1", [source]))
    assert areas == {"BU01185001": 7 if source == "wijkteam" else 1}
    assert total(home, source) == expected
    load(home, corrected(tmp_path, home, f"{source}_correctie_3.csv", "BU0118500;", "BU01185001;", export), source)
    assert total(home, source) == expected                # the same fix once more changes nothing


# -- 2. a full export in a region's home ---------------------------------------------------------------

@pytest.fixture
def region(home):
    from pipelines.profile import write_profile

    write_profile(home.root, ["GM0118", "GM0088"])
    ref = reference.Reference.for_home(home)
    buurten = ref.buurten
    return ref, {gm: buurten.loc[buurten["gemeente_code"] == gm, "area_code"].tolist() for gm in ("GM0118", "GM0088")}


def per_municipality(home) -> dict:
    return dict(query(home, "SELECT a.gemeente_code, sum(c.count) FROM core.signal_counts c JOIN core.areas a "
                            "USING (area_code) GROUP BY 1"))


def test_a_full_export_of_one_municipality_retracts_nothing_of_another(home, tmp_path, region):
    ref, buurten = region
    hgv = [[f"HGV-{i}", f"{1 + i % 28:02d}-10-2026", "Afval", "Zwerfafval", buurten["GM0118"][i % 10]]
           for i in range(50)]
    sch = [[f"SCH-{i}", f"{1 + i % 28:02d}-10-2026", "Afval", "Zwerfafval", buurten["GM0088"][i % 2]]
           for i in range(20)]
    load(home, write_csv(tmp_path / "meldingen_sch.csv", HEADER, sch), ref=ref)
    load(home, write_csv(tmp_path / "meldingen_hgv.csv", HEADER, hgv), ref=ref)
    result = load(home, write_csv(tmp_path / "meldingen_hgv_full.csv", HEADER, hgv[:-1]), ref=ref,
                  window="2026-09-28:2026-11-01")
    assert result.rows_retracted == 1 and retracted(home) == ["id:HGV-49"]
    assert per_municipality(home) == {"GM0118": 49, "GM0088": 20}


def test_the_safety_valve_holds_a_municipality_losing_reports_the_region_total_hides(home, tmp_path, region):
    ref, buurten = region
    hgv = [[f"HGV-{i}", "07-10-2026", "Afval", "Zwerfafval", buurten["GM0118"][i % 10]] for i in range(200)]
    sch = [[f"SCH-{i}", "07-10-2026", "Afval", "Zwerfafval", buurten["GM0088"][i % 2]] for i in range(20)]
    load(home, write_csv(tmp_path / "meldingen_all.csv", HEADER, hgv + sch), ref=ref)
    with pytest.raises(LoadHeld, match=r"GM0088 2026-W41 20 -> 10"):       # the region: 220 -> 210
        load(home, write_csv(tmp_path / "meldingen_sch_full.csv", HEADER, sch[:10]), ref=ref,
             window="2026-10-01:2026-10-31")
    assert per_municipality(home) == {"GM0118": 200, "GM0088": 20}


# -- 3. a held full export, accepted -------------------------------------------------------------------

def test_an_accepted_full_export_is_applied_with_its_window(home, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    rows = [[f"R{i}", f"{5 + i % 7:02d}-10-2026", "Afval", "Zwerfafval", f"BU0118500{i % 5}"] for i in range(30)]
    load(home, write_csv(tmp_path / "meldingen_1.csv", HEADER, rows))
    full = write_csv(tmp_path / "meldingen_full.csv", HEADER, rows[10:])
    with pytest.raises(LoadHeld):
        load(home, full, window="2026-10-01:2026-10-31")
    [(digest,)] = query(home, "SELECT content_hash FROM meta.held_loads")
    res = CliRunner().invoke(app, ["--home", str(home.root), "loads", "accept", digest[:12]], catch_exceptions=False)
    assert res.exit_code == 0 and "10 earlier reports retracted" in res.output, res.output
    assert total(home) == 20
    assert query(home, "SELECT mode, rows_retracted FROM meta.loads ORDER BY load_seq DESC LIMIT 1") == [
        ("full-window", 10)]


@pytest.mark.parametrize("given", ["manifest", "option"])
def test_a_full_export_window_ending_after_the_day_of_the_load_is_refused(home, tmp_path, given):
    """A mistyped end year (2027) would make the window retract reports delivered later and silence the
    source's lateness warning until then."""
    from pipelines.sources.common import IngestError

    rows = [[f"M-{i}", f"1{i}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(1, 8)]
    path = write_csv(tmp_path / "meldingen_export.csv", HEADER, rows)
    window = {"volledig_van": "2026-11-01", "volledig_tot": "2027-11-19"}
    if given == "manifest":
        (tmp_path / "meldingen_export.csv.manifest.json").write_text(json.dumps(window), encoding="utf-8")
    named = "meldingen_export.csv.manifest.json: volledig_tot" if given == "manifest" else \
        r"full-export window \(--full-window\): its last day"
    with pytest.raises(IngestError, match=rf"{named} lies after the day of the load \(2026-11-26\); .* at the latest "
                                          r"2026-11-26"):
        load(home, path, **({} if given == "manifest" else {"window": "2026-11-01:2027-11-19"}))
    assert total(home) == 0 and query(home, "SELECT count(*) FROM meta.held_loads") == [(0,)]
    load(home, path, window="2026-11-01:2026-11-26")          # up to the day of the load: a full export
    assert total(home) == 7


def test_a_window_given_for_a_file_already_loaded_is_named_as_not_applied(home, tmp_path):
    """The manifest came after the file was loaded: the skip says the window is not applied and what to do, and
    loading the file again with it, from the inbox or with the option, changes nothing."""
    rows = [[f"M-{i}", f"1{i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(1, 11)]
    load(home, write_csv(tmp_path / "meldingen_a.csv", HEADER, rows))
    full = write_csv(tmp_path / "meldingen_volledig.csv", HEADER, rows[:9])
    first = load(home, full)                                       # the manifest forgotten
    (tmp_path / "meldingen_volledig.csv.manifest.json").write_text(
        json.dumps({"volledig_van": "2026-11-01", "volledig_tot": "2026-11-22"}), encoding="utf-8")
    for options in [{}, {"window": "2026-11-01:2026-11-22"}, {}]:
        again = load(home, full, **options)
        assert again.skipped and again.load_id == first.load_id
        assert ("already loaded as " + first.load_id + ", skipped; it was loaded with no full-export window; the "
                "full-export window 2026-11-01:2026-11-22 (") in again.describe()
        assert "is not applied" in again.describe() and "fresh full export" in again.describe()
        assert total(home) == 10 and retracted(home) == []
    # loaded with its window, the same window again is an ordinary skip; another window is named
    assert load(home, write_csv(tmp_path / "meldingen_w.csv", HEADER, rows[:8]),
                window="2026-11-01:2026-11-22", accept_drop=True).rows_retracted == 2
    assert load(home, tmp_path / "meldingen_w.csv", window="2026-11-01:2026-11-22").describe().endswith(", skipped")
    assert ("loaded with the full-export window 2026-11-01:2026-11-22; the full-export window 2026-11-01:2026-11-20 "
            "(--full-window) is not applied") in load(home, tmp_path / "meldingen_w.csv",
                                                      window="2026-11-01:2026-11-20").describe()


# -- 4. a window is a range of report dates --------------------------------------------------------------

def test_a_full_export_retracts_exactly_the_absent_reports_dated_inside_its_window(home, tmp_path):
    rows = [[f"M{i}", f"{16 + i % 7}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(14)]
    rows += [[f"J{i}", f"{5 + i % 7:02d}-01-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(14)]
    gone = [["GONE1", "08-01-2026", "Afval", "Zwerfafval", "BU01185000"]]
    load(home, write_csv(tmp_path / "meldingen_week.csv", HEADER, rows + gone))
    first, last = pd.Timestamp("2026-01-07"), pd.Timestamp("2026-11-21")     # a Wednesday to a Saturday
    inside = [r for r in rows if first <= pd.Timestamp(pd.to_datetime(r[1], dayfirst=True)) <= last]
    result = load(home, write_csv(tmp_path / "meldingen_full.csv", HEADER, inside), window="2026-01-07:2026-11-21")
    assert retracted(home) == ["id:GONE1"] and result.rows_retracted == 1
    assert total(home) == 28


def test_reports_stored_without_a_date_are_retracted_only_when_their_whole_week_lies_inside(home, tmp_path):
    rows = [["A1", "12-01-2026", "Afval", "Zwerfafval", "BU01185000"],      # week of 12 January: inside
            ["B1", "05-01-2026", "Afval", "Zwerfafval", "BU01185000"]]      # week of 5 January: partly outside
    load(home, write_csv(tmp_path / "meldingen_1.csv", HEADER, rows))
    with connect(home.warehouse) as con:                  # as loaded before the ledger kept report dates
        con.execute("UPDATE core.report_ledger SET report_date = NULL")
    load(home, write_csv(tmp_path / "meldingen_full.csv", HEADER, [["C1", "20-01-2026", "Afval", "Zwerfafval",
                                                                   "BU01185000"]]),
         window="2026-01-07:2026-01-31", accept_drop=True)
    assert retracted(home) == ["id:A1"]


# -- 5. a quarantined row of a full export is present ----------------------------------------------------

def test_a_full_export_keeps_the_earlier_version_of_a_report_whose_row_in_it_is_quarantined(home, tmp_path):
    rows = [[f"R{i}", f"{1 + i % 28:02d}-10-2026", "Afval", "Zwerfafval", f"BU0118510{i % 10}"] for i in range(40)]
    load(home, write_csv(tmp_path / "meldingen_1.csv", HEADER, rows))
    full = [list(r) for r in rows]
    full[0][3] = "Zwerfafval (nieuw)"                     # unmapped category
    full[1][4] = "BU0118999"                              # a buurt that does not exist
    result = load(home, write_csv(tmp_path / "meldingen_full.csv", HEADER, full), window="2026-09-28:2026-11-01")
    assert result.rows_quarantined == 2 and result.rows_retracted == 0
    assert retracted(home) == [] and total(home) == 40


# -- 6. one report number, written another way -------------------------------------------------------------

@pytest.mark.parametrize("later", ["1001", "1001.0", "001001", "\uff11\uff10\uff10\uff11"])
def test_a_numeric_report_number_written_another_way_is_the_same_report(home, tmp_path, later):
    load(home, write_csv(tmp_path / "meldingen_a.csv", HEADER, [["0001001", "10-11-2026", "Afval", "Zwerfafval",
                                                                "BU01185001"]]))
    load(home, write_csv(tmp_path / "meldingen_b.csv", HEADER, [[later, "10-11-2026", "Afval", "Zwerfafval",
                                                                "BU01185002"]]))
    assert query(home, "SELECT report_key, area_code FROM core.report_ledger") == [("id:1001", "BU01185002")]
    assert total(home) == 1


def test_a_number_from_an_xlsx_cell_is_the_same_report_as_its_text_with_leading_zeros(home, tmp_path):
    import openpyxl

    load(home, write_csv(tmp_path / "meldingen_a.csv", HEADER, [["000123", "10-11-2026", "Afval", "Zwerfafval",
                                                                "BU01185001"]]))
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append([123.0, "10-11-2026", "Afval", "Zwerfafval", "BU01185001"])
    book.save(tmp_path / "meldingen_b.xlsx")
    load(home, tmp_path / "meldingen_b.xlsx")
    assert total(home) == 1


def test_the_migration_re_keys_numeric_report_numbers_and_keeps_one_version(tmp_path):
    import duckdb

    from pipelines.warehouse import migrate, migrations, schema_version, transaction

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    schema_version(con)
    for version, _, path in migrations():
        if version >= 10:
            break
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO meta.schema_version VALUES (?, 'x', now()::TIMESTAMP)", [version])
    con.executemany("INSERT INTO core.report_ledger VALUES ('meldingen', ?, ?, 'zwerfafval', 'week', "
                    "DATE '2026-11-09', ?, ?, NULL)",
                    [["id:0001001", "BU01185001", "l1", 1], ["id:1001", "BU01185002", "l2", 2],
                     ["id:SIG-0010", "BU01185001", "l1", 1], ["id:7.0", "BU01185001", "l1", 1]])
    migrate(con)
    assert sorted(con.execute("SELECT report_key, area_code FROM core.report_ledger").fetchall()) == [
        ("id:1001", "BU01185002"), ("id:7", "BU01185001"), ("id:SIG-0010", "BU01185001")]
    assert con.execute("SELECT sum(count) FROM core.signal_counts").fetchone()[0] == 3


# -- 7. a numberless correction meeting another delivery's report ------------------------------------------

def test_a_corrected_numberless_report_is_added_beside_an_identical_report_of_another_delivery(home, tmp_path):
    earlier = [["10-09-2026", "Afval", "Zwerfafval", "BU01185008"], ["16-09-2026", "Afval", "Zwerfafval",
                                                                     "BU01185008"]]
    load(home, write_csv(tmp_path / "meldingen_w37.csv", HEADER[1:], earlier))
    later = [["17-09-2026", "Afval", "Zwerfafval", "BU01185008"], ["16-09-2026", "Afval", "Zwerfafval", "BU0118500"]]
    load(home, write_csv(tmp_path / "meldingen_w38.csv", HEADER[1:], later))
    assert total(home) == 3
    fix = corrected(tmp_path, home, "meldingen_correctie.csv", "BU0118500;", "BU01185008;")
    load(home, fix)
    assert total(home) == 4
    load(home, fix)                                      # loaded twice: changes nothing
    assert total(home) == 4


# -- 8. a report number that reads as a BSN, in a small file ----------------------------------------------

@pytest.mark.parametrize("late", [["202600099"], ["202600099", "202600100"]])
def test_a_report_number_reading_as_a_bsn_is_judged_by_the_columns_history_in_a_small_file(home, tmp_path, late):
    from pipelines.privacy import scan_values

    assert scan_values(pd.Series(["202600099"])).iloc[0] == "bsn"
    week = [[f"2026{i:05d}", f"1{i % 7}-11-2026", "Afval", "Zwerfafval", "BU01185006"] for i in range(1, 41)]
    load(home, write_csv(tmp_path / "meldingen_w46.csv", HEADER, week))
    rows = [[n, "09-11-2026", "Afval", "Zwerfafval", "BU01185006"] for n in late]
    result = load(home, write_csv(tmp_path / "meldingen_late.csv", HEADER, rows))
    assert (result.rows_accepted, result.rows_quarantined) == (len(late), 0)
    assert total(home) == 40 + len(late)
    stored = " ".join(str(v) for row in query(home, "SELECT * FROM raw.meldingen") for v in row)
    assert "202600099" not in stored


def test_a_file_of_personal_numbers_is_not_let_through_by_a_history_of_report_numbers(home, tmp_path):
    from pipelines.privacy import scan_values

    week = [[f"2026{i:05d}", f"1{i % 7}-11-2026", "Afval", "Zwerfafval", "BU01185006"] for i in range(1, 400)]
    load(home, write_csv(tmp_path / "meldingen_w46.csv", HEADER, week))
    numbers = pd.Series([f"{n:09d}" for n in range(111111100, 111112500)])
    bsns = numbers[scan_values(numbers).eq("bsn").to_numpy()].head(60).tolist()
    rows = [[n, "09-11-2026", "Afval", "Zwerfafval", "BU01185006"] for n in bsns]
    with pytest.raises(Exception, match="personal data|fail validation"):
        load(home, write_csv(tmp_path / "meldingen_bsn.csv", HEADER, rows))
    assert total(home) == 399


@pytest.mark.parametrize("later", ["xlsx", "float", "full-width"])
def test_a_report_number_reading_as_a_bsn_is_one_report_however_it_is_written(home, tmp_path, later):
    """Pseudonymised from its text as written, ``012345611`` (a CSV) and the number cell 12345611 (the same export
    saved from Excel) were two reports: the number is judged and pseudonymised as the ledger reads it."""
    import openpyxl

    from pipelines.privacy import scan_values

    numbers = [f"0{12345600 + i:08d}" for i in range(60)]
    assert scan_values(pd.Series(numbers)).eq("bsn").sum() == 5
    rows = [[n, f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i, n in enumerate(numbers)]
    load(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows))
    if later == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(HEADER)
        for row in rows:
            book.active.append([int(row[0]), *row[1:]])
        book.save(again := tmp_path / "meldingen_w45.xlsx")
    else:
        wide = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))   # full-width digits
        spelled = (lambda n: n.lstrip("0") + ".0") if later == "float" else (lambda n: n.translate(wide))
        again = write_csv(tmp_path / "meldingen_w45_b.csv", HEADER, [[spelled(r[0]), *r[1:]] for r in rows])
    result = load(home, again)
    assert (result.rows_accepted, result.rows_quarantined) == (60, 0)
    assert total(home) == 60
    keys = [k for (k,) in query(home, "SELECT report_key FROM core.report_ledger")]
    assert sum(k.startswith("id:P-") for k in keys) == 5
    stored = " ".join(str(v) for row in query(home, "SELECT * FROM raw.meldingen") for v in row)
    assert not [n for n in numbers if scan_values(pd.Series([n])).iloc[0] and n.lstrip("0") in stored]


@pytest.mark.parametrize("before", ["plain", "both"])
def test_a_report_stored_under_its_plain_eight_digit_number_is_re_keyed_when_its_number_is_pseudonymised(
        home, tmp_path, before):
    """Before numbers were judged as the ledger reads them, an Excel export stored 12345611 (012345611, a BSN by
    the 11-test) under its plain number; delivered again it is the same report, now kept as its pseudonym.
    ``both``: the CSV (pseudonymised) and the Excel copy (plain) of one export were loaded, one report under two
    keys counted twice; delivered again, the plain copy goes (regression check)."""
    from pipelines import catalog
    from pipelines.privacy import pseudonym

    numbers = [f"0{12345600 + i:08d}" for i in range(60)]
    rows = [[n, f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i, n in enumerate(numbers)]
    load(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows))
    with connect(home.warehouse) as con:                  # as an Excel export was stored before
        key = "id:" + pseudonym("012345611", catalog.warehouse_secret(con)[0]).upper()
        if before == "plain":
            con.execute("UPDATE core.report_ledger SET report_key = 'id:12345611' WHERE report_key = ?", [key])
        else:
            con.execute("INSERT INTO core.report_ledger SELECT * REPLACE ('id:12345611' AS report_key) "
                        "FROM core.report_ledger WHERE report_key = ?", [key])
        assert con.execute("SELECT count(*) FROM core.report_ledger WHERE report_key = 'id:12345611'").fetchall() \
            == [(1,)]
    again = write_csv(tmp_path / "meldingen_w45_b.csv", HEADER,
                      [[n.lstrip("0"), *r[1:]] for n, r in zip(numbers, rows)])
    assert load(home, again).rows_accepted == 60
    assert total(home) == 60
    assert query(home, "SELECT count(*) FROM core.report_ledger WHERE report_key = 'id:12345611'") == [(0,)]


def text_columns(con) -> list[tuple[str, str, str]]:
    """Every text column of every table: (schema, table, column)."""
    return con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                       "WHERE data_type = 'VARCHAR' ORDER BY ALL").fetchall()


def holding(home, values: list[str]) -> list[str]:
    """``schema.table.column`` of every text column of the warehouse holding one of ``values`` (inside its text)."""
    with connect(home.warehouse) as con:
        return [f"{s}.{t}.{c}" for s, t, c in text_columns(con) if con.execute(
            f'SELECT count(*) FROM {s}.{t} WHERE list_has_any([v FOR v IN ?::VARCHAR[] IF contains("{c}", v)], ?)',
            [values, values]).fetchall()[0][0]]


def archived_as_before(home, shown: dict[str, str]) -> int:
    """The archive's stored rows as an older version wrote them: each pseudonym of ``shown`` (as either case) back to
    its plain number. Returns how many files held one."""
    changed = 0
    for rows in sorted(home.archive.glob("*/*/rows.parquet")):
        frame = pd.read_parquet(rows)
        text = [c for c in frame.columns if frame[c].dtype != "int64"]
        before = frame[text].copy()
        for pseudonym_, number in shown.items():
            for form in (pseudonym_, pseudonym_.upper()):
                frame[text] = frame[text].replace(form, number)
        if not frame[text].equals(before):
            frame.to_parquet(rows, index=False)
            changed += 1
    return changed


def files_holding(home, values: list[str]) -> list[str]:
    """Every file under the working folder holding one of ``values``, by its path in it: a Parquet file as its values
    read, the warehouse by its text columns (:func:`holding`; its free pages are not judged here), any other file
    (JSON, HTML, text) by its bytes."""
    found = []
    for path in sorted(p for p in home.root.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            text = pd.read_parquet(path).astype(str).to_csv(index=False)
            hit = any(v in text for v in values)
        elif path == home.warehouse:
            hit = bool(holding(home, values))
        else:
            data = path.read_bytes()
            hit = any(v.encode() in data for v in values)
        if hit:
            found.append(path.relative_to(home.root).as_posix())
    return found


def stored_state(home) -> list:
    """What the upgrade may change: the ledger, the counts, the raw rows, the quarantined rows, the corrections."""
    return [query(home, f"SELECT * FROM {t} ORDER BY ALL") for t in (
        "core.report_ledger", "core.signal_counts", "raw.meldingen", "quarantine.rows", "core.correction_writes")]


@pytest.mark.parametrize("before", ["plain", "both"])
def test_a_warehouse_holding_plain_bsn_like_report_numbers_keeps_them_as_pseudonyms_once(home, tmp_path, before,
                                                                                         caplog):
    """An older version stored a report number reading as a BSN in plain (an Excel export's 12345611, the BSN
    012345611 without its 0): in the ledger, the raw rows, a quarantined row's key and values and a correction's key.
    Only a report delivered again was re-keyed; one never delivered again kept its plain number for good. Upgraded
    (migration 018), the first load keeps every such number as its pseudonym, counts unchanged, once. ``both``: the
    CSV (pseudonymised) and the Excel copy (plain) of one report were both kept; the plain copy goes. The archive's
    stored rows of those loads held the plain number too, and get the same pseudonyms, after the warehouse's commit:
    in ``both`` the rewrite is stopped half-way, and the next run finishes it. Then no file under the working folder
    holds a plain number (the archive, its manifests, the data docs and validation JSON, the warehouse's tables)."""
    from pipelines import catalog, ingest
    from pipelines.ingest import backfill_report_pseudonyms
    from pipelines.privacy import pseudonym, scan_values

    numbers = [f"0{12345600 + i:08d}" for i in range(60)]
    personal = [n for n in numbers if scan_values(pd.Series([n])).iloc[0]]
    assert len(personal) == 5
    rows = [[n, f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i, n in enumerate(numbers)]
    rows[numbers.index(personal[1])][4] = "BU0118500"          # quarantined, then corrected
    load(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows), docs_root=home.docs)   # data docs too
    with connect(home.warehouse) as con:
        secret = catalog.warehouse_secret(con)[0]
    # the supplier's correction carries its own number (the export's pseudonym can read as an address to the scanner)
    fix = corrected(tmp_path, home, "meldingen_correctie.csv", "BU0118500;", "BU01185000;")
    fix.write_text(fix.read_text(encoding="utf-8").replace(pseudonym(personal[1], secret), personal[1]),
                   encoding="utf-8")
    assert load(home, fix).rows_accepted == 1
    assert total(home) == 60
    assert query(home, "SELECT * FROM meta.pending_upgrades") == []           # a new warehouse: nothing to do
    assert query(home, "SELECT count(*) FROM core.correction_writes WHERE starts_with(report_key, 'id:P-')") == [(1,)]
    with connect(home.warehouse) as con:              # as an older version stored them: the plain eight digits
        for n in personal:
            for shown in (pseudonym(n, secret), pseudonym(n, secret).upper()):
                for s, t, c in text_columns(con):
                    con.execute(f'UPDATE {s}.{t} SET "{c}" = replace("{c}", ?, ?) WHERE contains("{c}", ?)',
                                [shown, n.lstrip("0"), shown])
        if before == "both":                          # and its CSV copy, pseudonymised, beside it
            con.execute("INSERT INTO core.report_ledger SELECT * REPLACE (? AS report_key) FROM core.report_ledger "
                        "WHERE report_key = ?", ["id:" + pseudonym(personal[0], secret).upper(),
                                                 "id:" + personal[0].lstrip("0")])
            catalog.rebuild_counts(con, "meldingen")
        con.execute("DELETE FROM meta.schema_version WHERE version >= 18")      # the warehouse of that version
    plain = [n.lstrip("0") for n in personal]
    assert holding(home, plain) == ["core.correction_writes.report_key", "core.report_ledger.report_key",
                                    "quarantine.rows.raw_values", "quarantine.rows.record_key",
                                    "raw.meldingen.melding_id"]
    assert archived_as_before(home, {pseudonym(n, secret): n.lstrip("0") for n in personal}) == 2
    archives = sorted(p.parent.relative_to(home.root).as_posix() + "/rows.parquet"
                      for p in home.archive.glob("meldingen/*/manifest.json"))
    assert files_holding(home, plain) == [*archives, "warehouse.duckdb"]
    counted = total(home)
    assert counted == (61 if before == "both" else 60)
    # a report never delivered again: the next load (of another report) upgrades the warehouse
    caplog.set_level("INFO", logger="wijkradar.ingest")
    replace, renamed = ingest.os.replace, []

    def stopped_at_the_second(part, target):          # the second archive's rename fails, the first is done
        renamed.append(target)
        if len(renamed) == 2:
            raise OSError(28, "No space left on device")
        replace(part, target)

    with pytest.MonkeyPatch.context() as patch:
        if before == "both":
            patch.setattr(ingest.os, "replace", stopped_at_the_second)
        later = load(home, write_csv(tmp_path / "meldingen_w46.csv", HEADER,
                                     [["012345700", "09-11-2026", "Afval", "Zwerfafval", "BU01185000"]]),
                     docs_root=home.docs)
    assert (later.rows_accepted, later.rows_quarantined) == (1, 0)
    assert holding(home, plain) == []
    assert "upgrade: 5 report number(s) of meldingen" in caplog.text
    if before == "both":                              # the warehouse committed; the archive is finished next time
        assert files_holding(home, plain) == [renamed[1].relative_to(home.root).as_posix()]
        assert not list(home.archive.rglob("*.part-*"))
        assert query(home, "SELECT * FROM meta.pending_upgrades") == [("report_pseudonyms",)]
        assert "the next load or run tries again" in caplog.text
        with connect(home.warehouse) as con:          # the next run (a scoring run's upgrade: the archive beside it)
            assert backfill_report_pseudonyms(con) == 0
    assert files_holding(home, plain) == []
    assert "report number(s) of meldingen that read as a personal number were archived in plain in" in caplog.text
    assert list(home.docs.rglob("*.json")) or list((home.root / "gx").rglob("*.json"))     # scanned, not absent
    assert not [n for n in personal if n.lstrip("0") in caplog.text]         # said without the numbers
    assert total(home) == 60 + 1                      # unchanged, the plain copy of ``both`` no longer counted
    keys = [k for (k,) in query(home, "SELECT report_key FROM core.report_ledger")]
    assert sorted(k for k in keys if k.startswith("id:P-")) == sorted(
        "id:" + pseudonym(n, secret).upper() for n in personal)
    assert query(home, "SELECT * FROM meta.pending_upgrades") == []
    state = stored_state(home)
    with connect(home.warehouse) as con:              # once; and run again, it changes nothing
        assert backfill_report_pseudonyms(con) == 0
        con.execute("INSERT INTO meta.pending_upgrades VALUES ('report_pseudonyms')")
        assert backfill_report_pseudonyms(con) == 0
    assert stored_state(home) == state
    again = write_csv(tmp_path / "meldingen_w45_b.csv", HEADER, [[n.lstrip("0"), *r[1:4], "BU01185000"]
                                                                for n, r in zip(numbers, rows) if n in personal])
    assert load(home, again).rows_accepted == 5       # delivered again, the same reports
    assert total(home) == 61


# -- 9. an old export found late ----------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["wijkteam", "meldingen"])
def test_a_file_older_than_the_load_holding_its_cells_or_reports_is_held(home, tmp_path, source):
    import os

    if source == "wijkteam":
        header, old_row, new_row = WIJKTEAM, ["BU01185000", "2026-10", "eenzaamheid", "12"], \
            ["BU01185000", "2026-10", "eenzaamheid", "14"]
    else:
        header, old_row, new_row = HEADER, ["R1", "20-10-2026", "Afval", "Zwerfafval", "BU01185000"], \
            ["R1", "20-10-2026", "Afval", "Zwerfafval", "BU01185001"]
    old = write_csv(tmp_path / f"{source}_2026-11-02.csv", header, [old_row])
    os.utime(old, (1_793_000_000, 1_793_000_000))
    load(home, write_csv(tmp_path / f"{source}_2026-11-09.csv", header, [new_row]), source)
    before = query(home, "SELECT area_code, count FROM core.signal_counts")
    with pytest.raises(LoadHeld, match=rf"the file is older .* than {source}_2026-11-09.csv"):
        load(home, old, source)
    assert query(home, "SELECT area_code, count FROM core.signal_counts") == before
    load(home, old, source, accepting=True)                 # accepted (`wijkradar loads accept`): it is right
    assert query(home, "SELECT area_code, count FROM core.signal_counts") != before


def test_an_older_file_holding_the_same_values_or_other_cells_is_not_held(home, tmp_path):
    import os

    old = write_csv(tmp_path / "wijkteam_old.csv", WIJKTEAM, [["BU01185000", "2026-10", "eenzaamheid", "14"],
                                                              ["BU01185001", "2026-09", "eenzaamheid", "3"]])
    os.utime(old, (1_793_000_000, 1_793_000_000))
    load(home, write_csv(tmp_path / "wijkteam_new.csv", WIJKTEAM, [["BU01185000", "2026-10", "eenzaamheid", "14"]]),
         "wijkteam")
    assert load(home, old, "wijkteam").rows_accepted == 2


def _stamped(path, day: str):
    import os

    stamp = pd.Timestamp(day).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_an_old_export_found_late_is_held_by_the_newer_full_export_that_retracted_its_report(home, tmp_path):
    """A weekly export loaded, a newer full export that no longer holds one of its reports, then the same weekly
    export found again (saved otherwise, so it is not "already loaded"): it would bring the retracted report back."""
    week = [[f"M-{i}", f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(1, 11)]
    load(home, _stamped(write_csv(tmp_path / "meldingen_w45.csv", HEADER, week), "2026-11-09 08:00"))
    load(home, _stamped(write_csv(tmp_path / "meldingen_volledig.csv", HEADER, week[:9]), "2026-11-23 08:00"),
         window="2026-11-01:2026-11-22")
    assert retracted(home) == ["id:M-10"]
    again = _stamped(write_csv(tmp_path / "meldingen_w45_kopie.csv", HEADER, week, sep=","), "2026-11-09 08:00")
    with pytest.raises(LoadHeld, match=r"the file is older \(2026-11-09 08:00\) than meldingen_volledig.csv .* "
                                       r"take back in 1 cell\(s\) or report\(s\)"):
        load(home, again)
    assert retracted(home) == ["id:M-10"] and total(home) == 9
    load(home, again, accepting=True)                   # accepted (`loads accept`): the report is meant after all
    assert retracted(home) == [] and total(home) == 10


def test_an_old_full_export_found_late_is_held_by_the_newer_delivery_of_reports_it_would_retract(home, tmp_path):
    full = [[f"M-{i}", "10-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(1, 11)]
    late = [[f"M-{i}", "11-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in (11, 12)]
    load(home, _stamped(write_csv(tmp_path / "meldingen_2026-11-23.csv", HEADER, late), "2026-11-23 08:00"))
    old = _stamped(write_csv(tmp_path / "meldingen_volledig.csv", HEADER, full), "2026-11-16 08:00")
    with pytest.raises(LoadHeld, match=r"the file is older \(2026-11-16 08:00\) than meldingen_2026-11-23.csv .* "
                                       r"in 2 cell\(s\) or report\(s\)"):
        load(home, old, window="2026-11-01:2026-11-22")
    assert total(home) == 2 and retracted(home) == []
    # a full export of another window, or holding the newer reports, is not held
    load(home, old, window="2026-11-01:2026-11-10")
    assert total(home) == 12 and retracted(home) == []


def passes_eleven_test(number: int) -> bool:
    digits = [int(d) for d in str(number)]
    return (sum(d * w for d, w in zip(digits, range(9, 1, -1))) - digits[8]) % 11 == 0


def bsn_numbers(n: int) -> list[str]:
    """``n`` nine-digit numbers that pass the BSN 11-test."""
    found, i = [], 100_000_000
    while len(found) < n:
        if passes_eleven_test(i):
            found.append(str(i))
        i += 7
    return found


def test_a_value_shaped_as_a_pseudonym_that_the_warehouse_does_not_hold_is_judged_as_any_other(home, tmp_path):
    """Only a pseudonym the warehouse made passes the load unjudged (red team: the shape alone let a phone number
    or a BSN written as p- and hex digits be stored)."""
    from pipelines.privacy import scan_values

    hidden = ["p-0612345678abcdefabcd", "p-123456782abcdefabcde"]
    assert scan_values(pd.Series(hidden)).notna().all()
    rows = [[n, "02-11-2026", "Afval", "Zwerfafval", "BU01185000"] for n in hidden] + \
        [[f"M-{i}", "02-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i in range(8)]
    result = load(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows), max_failed_share=1)
    assert (result.rows_accepted, result.rows_quarantined) == (8, 2)
    assert holding(home, ["0612345678", "123456782"]) == []


def test_quarantined_reports_with_pseudonymised_numbers_are_corrected_through_the_export(home, tmp_path):
    """The quarantine export writes a BSN-like number as its pseudonym; its correction file must load. About one
    pseudonym in fifteen read as an address, a BSN or a phone number, so the correction redacted it and its report
    stayed in quarantine. The warehouse's secret is fixed here to pick numbers whose pseudonyms read so."""
    from pipelines import catalog, privacy

    secret = "5e" * 32
    with connect(home.warehouse) as con:
        con.execute("UPDATE meta.warehouse_secret SET secret = ?", [secret])
        key = catalog.warehouse_secret(con)[0]
    tricky = [n for n in bsn_numbers(400) if privacy._first_kind(privacy.pseudonym(n, key))][:3]
    assert len(tricky) == 3
    others = [str(n) for n in range(200_000_001, 200_000_100) if not passes_eleven_test(n)][:9]
    numbers = tricky + others                  # report numbers of nine digits, three of them pass the 11-test
    rows = [[n, f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU0118500"] for i, n in enumerate(numbers)]
    first = load(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows), max_failed_share=1)
    assert (first.rows_accepted, first.rows_quarantined) == (0, 12)
    fix = corrected(tmp_path, home, "meldingen_correctie.csv", "BU0118500;", "BU01185000;")
    assert fix.read_text(encoding="utf-8").lower().count("p-") == 3      # the export holds their pseudonyms
    result = load(home, fix)
    assert (result.rows_accepted, result.rows_quarantined) == (12, 0)
    assert total(home) == 12
    assert query(home, "SELECT count(*) FROM quarantine.rows WHERE state <> 'resolved'") == [(0,)]


def test_an_old_file_repeating_a_report_leaves_it_with_the_newer_full_export(home, tmp_path):
    """A full export of 12:00 holds M1; a file of 08:00 delivers M1 as it is (applied: it changes nothing); a full
    export of 10:00 without M1 would retract what the 12:00 export holds, so it is held, naming that export."""
    import os

    def at(path, hour):
        stamp = pd.Timestamp(f"2026-11-20 {hour:02d}:00", tz="UTC").timestamp()
        os.utime(path, (stamp, stamp))
        return path

    m1, m2 = ["M1", "16-11-2026", "Afval", "Zwerfafval", "BU01185000"], ["M2", "17-11-2026", "Afval", "Zwerfafval",
                                                                          "BU01185000"]
    load(home, at(write_csv(tmp_path / "meldingen_volledig_1200.csv", HEADER, [m1, m2]), 12),
         window="2026-11-16:2026-11-20")
    load(home, at(write_csv(tmp_path / "meldingen_1_0800.csv", HEADER, [m1]), 8))
    late = at(write_csv(tmp_path / "meldingen_volledig_1000.csv", HEADER, [m2]), 10)
    with pytest.raises(LoadHeld, match=r"older .* than meldingen_volledig_1200.csv"):
        load(home, late, window="2026-11-16:2026-11-20")
    assert retracted(home) == [] and total(home) == 2
