"""The Signalen data-warehouse dump: member names in any case and in any sub-folder, locations with either
``area_code`` or ``buurt_code`` (or both), and a member whose header line is megabytes long refused."""
import zipfile

import pandas as pd
import pytest

from pipelines.sources import meldingen
from pipelines.sources.common import MAX_HEADER_CHARS, IngestError
from pipelines.sources.signalen_dwh import buurt_codes, is_dwh_export, read_dwh
from tests.pipelines.test_ingest import load
from tests.pipelines.test_reading import one_sentence

SIGNALS = "id,created_at,location_id,category_assignment_id\n" + "".join(
    f"{5000 + i},2026-10-{i + 1:02d}T10:00:00+02:00,{i + 1},1\n" for i in range(20))
CATEGORIES = "id,main,sub\n1,Afval,Zwerfafval\n"


def locations(columns: str, value) -> str:
    return f"id,{columns}\n" + "".join(f"{i + 1},{value(i)}\n" for i in range(20))


BUURT_ONLY = locations("buurt_code", lambda i: "BU01185000")


def dump(path, names=("signals.csv", "locations.csv", "categories.csv"), loc=BUURT_ONLY, signals=SIGNALS):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in zip(names, (signals, loc, CATEGORIES)):
            z.writestr(name, text)
    return path


@pytest.mark.parametrize("names", [
    ("SIGNALS.CSV", "LOCATIONS.CSV", "CATEGORIES.CSV"),
    ("Export 2026-10/Signals.csv", "Export 2026-10/Locations.CSV", "Export 2026-10/categories.csv"),
    ("export\\signals.csv", "export\\locations.csv", "export\\categories.csv"),     # written on Windows
])
def test_member_names_are_recognised_in_any_case_and_folder(tmp_path, names):
    path = dump(tmp_path / "meldingen_dump.zip", names)
    assert is_dwh_export(path)
    assert len(meldingen.read(path)) == 20


def test_a_dump_folder_with_upper_case_file_names_is_recognised(tmp_path):
    folder = tmp_path / "dump"
    (folder / "Export").mkdir(parents=True)
    for name, text in (("SIGNALS.CSV", SIGNALS), ("Locations.csv", BUURT_ONLY), ("CATEGORIES.csv", CATEGORIES)):
        (folder / "Export" / name).write_text(text)
    assert is_dwh_export(folder) and len(read_dwh(folder)) == 20


def test_two_exports_in_one_zip_are_still_refused_whatever_their_case(tmp_path):
    path = tmp_path / "meldingen_dump.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a/signals.csv", SIGNALS)
        z.writestr("b/SIGNALS.CSV", SIGNALS)
        z.writestr("locations.csv", BUURT_ONLY)
        z.writestr("categories.csv", CATEGORIES)
    with pytest.raises(IngestError) as err:
        read_dwh(path)
    one_sentence(err, "holds 2 files named signals.csv")


@pytest.mark.parametrize("columns, value, codes", [
    ("buurt_code", lambda i: "BU01185000", ["BU01185000"] * 20),
    ("area_code", lambda i: "BU01185001", ["BU01185001"] * 20),
    ("area_code,buurt_code", lambda i: ",BU01185002" if i % 2 else "BU01185003,", ["BU01185003", "BU01185002"] * 10),
    ("buurt_code,area_code", lambda i: ",", [""] * 20),                 # located by coordinates only
])
def test_locations_with_either_code_column_or_both(tmp_path, columns, value, codes):
    frame = read_dwh(dump(tmp_path / "meldingen_dump.zip", loc=locations(columns, value)))
    assert frame["area_code"].tolist() == codes and frame["row_number"].tolist() == list(range(2, 22))


def test_a_buurt_code_only_dump_loads_every_report(home):
    home.inbox.mkdir(parents=True, exist_ok=True)
    result = load(home, dump(home.inbox / "meldingen_signalen.zip"), "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (20, 20, 0)


def test_buurt_codes_prefers_a_buurt_code_in_area_code():
    frame = pd.DataFrame({"area_code": ["BU01185000", "GM0118", "", None, "01185004"],
                          "buurt_code": ["BU0", "BU01185001", "BU01185002", "BU01185003", ""]})
    assert buurt_codes(frame).tolist() == ["BU01185000", "BU01185001", "BU01185002", "BU01185003", "01185004"]


def test_a_member_whose_header_line_is_megabytes_long_is_refused(tmp_path):
    long_header = "id,created_at,location_id,category_assignment_id," + "x" * (MAX_HEADER_CHARS + 1)
    path = dump(tmp_path / "meldingen_dump.zip", signals=long_header)
    with pytest.raises(IngestError) as err:
        read_dwh(path)
    one_sentence(err, "meldingen_dump.zip, signals.csv: the header line holds more than")


def test_a_dump_member_in_windows_1252_is_read_as_the_other_text_readers_read_it(tmp_path):
    # categories.csv with a 'Café' in Windows-1252 was refused as "damaged (rows that do not split into its columns)"
    path = tmp_path / "meldingen_dump.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("signals.csv", SIGNALS.replace(",1\n", ",2\n", 3))
        z.writestr("locations.csv", BUURT_ONLY)
        z.writestr("categories.csv", (CATEGORIES + "2,Overlast,Café\n").encode("cp1252"))
    frame = read_dwh(path)
    assert len(frame) == 20 and frame["subcategorie"].tolist()[:4] == ["Café", "Café", "Café", "Zwerfafval"]


@pytest.mark.parametrize("extra, shown, kind", [
    ("november.zip", "'november.zip'", "the archive"),                     # a second export zipped inside the first
    ("export/meldingen_nalevering.csv", "'export/meldingen_nalevering.csv'", ""),
    ("Nalevering Jan de Vries.xlsx", "", ""),                              # a person's name is never shown
])
@pytest.mark.parametrize("as_folder", [False, True])
def test_a_file_beside_the_export_that_can_hold_reports_is_refused_naming_it(tmp_path, extra, shown, kind, as_folder):
    """Only the export's own files are read: a nested export or an extra CSV was passed over without a word."""
    path = dump(tmp_path / "meldingen_dump.zip")
    inner = dump(tmp_path / "inner.zip").read_bytes()
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(extra, inner if extra.endswith(".zip") else SIGNALS)
        for kept in ("statuses.csv", "reporters.csv", "__MACOSX/._signals.csv", "._locations.csv", "LEESMIJ.pdf"):
            z.writestr(kept, "x")                  # part of a full export, or no table: passed over
    if as_folder:
        folder = tmp_path / "meldingen_dump"
        zipfile.ZipFile(path).extractall(folder)
        path = folder
    with pytest.raises(IngestError) as err:
        meldingen.read(path)
    what = "folder" if as_folder else "zip"
    text = one_sentence(err, f"{path.name}: the {what} holds {kind + ' ' if kind else ''}{shown}",
                        "beside the Signalen export", "would not be read")
    assert "Vries" not in text


def test_the_files_of_a_full_export_and_macos_forks_are_passed_over(tmp_path):
    path = dump(tmp_path / "meldingen_dump.zip")
    with zipfile.ZipFile(path, "a") as z:
        for kept in ("statuses.csv", "reporters.csv", "sla.csv", "kto_feedback.csv", "directing_departments.csv",
                     "__MACOSX/._signals.csv", "._categories.csv", "~$signals.xlsx", "LEESMIJ.pdf"):
            z.writestr(kept, "x")
    assert len(read_dwh(path)) == 20


# --- records of the wrong width (a delimiter or a line break inside the free text, without quotes) -----------------

TEXT_SIGNALS = "id,created_at,text,location_id,category_assignment_id\n"
TWO_BUURTEN = "id,buurt_code,area_code\n1,BU01185000,BU01185000\n2,BU01185001,BU01185001\n"
TWO_CATEGORIES = "id,main,sub\n1,Afval,Zwerfafval\n2,Afval,Grofvuil\n"


def text_dump(path, signals, loc=TWO_BUURTEN, cats=TWO_CATEGORIES):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in (("signals.csv", signals), ("locations.csv", loc), ("categories.csv", cats)):
            z.writestr(name, text)
    return path


def quarantine(home):
    from pipelines.warehouse import connect
    with connect(home.warehouse) as con:
        return con.execute("select row_number, reason, raw_values from quarantine.rows order by 1").fetchall()


def test_a_later_record_with_a_comma_in_its_text_is_quarantined_not_moved_to_another_buurt(home):
    home.inbox.mkdir(parents=True, exist_ok=True)
    path = text_dump(home.inbox / "meldingen_signalen.zip", TEXT_SIGNALS
                     + "101,2026-10-05T10:00:00+02:00,ok,2,1\n102,2026-10-05T11:00:00+02:00,ok,2,1\n"
                     + "103,2026-10-05T12:00:00+02:00,zie Kerkweg,12,2,1\n")
    result = load(home, path, "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 2, 1)
    [(row, reason, raw)] = quarantine(home)
    assert row == 4 and "signals.csv line 4 has 6 fields where its header has 5 columns" in reason
    assert "Kerkweg" not in raw and "Kerkweg" not in reason and '"area_code": ""' in raw and '"103"' in raw


def test_an_extra_field_in_the_first_record_shifts_no_other_record_and_its_text_is_never_stored(home):
    home.inbox.mkdir(parents=True, exist_ok=True)
    path = text_dump(home.inbox / "meldingen_signalen.zip", TEXT_SIGNALS
                     + "101,2026-10-05T10:00:00+02:00,Hond van de buren blaft, weer,1,1\n"
                     + "".join(f"{102 + i},2026-10-06T10:00:00+02:00,ok,2,2\n" for i in range(20)))
    result = load(home, path, "meldingen", max_failed_share=1.0)
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (21, 20, 1)
    [(row, reason, raw)] = quarantine(home)
    assert row == 2 and "line 2 has 6 fields" in reason and "Hond" not in raw and "weer" not in raw


@pytest.mark.parametrize("header_end", ["", ","])
def test_a_delimiter_at_the_end_of_every_line_is_an_empty_field_not_a_shift(tmp_path, header_end):
    signals = TEXT_SIGNALS.rstrip("\n") + header_end + "\n" + "".join(
        f"{500 + i},2026-10-06T10:00:00+02:00,ok,2,1,\n" for i in range(5))
    frame = read_dwh(text_dump(tmp_path / "meldingen_dump.zip", signals, loc=TWO_BUURTEN.replace("\n", ",\n")))
    assert frame["melding_id"].tolist() == [str(500 + i) for i in range(5)]
    assert set(frame["area_code"]) == {"BU01185001"} and not frame.attrs["row_shape"]


def test_a_record_cut_by_a_line_break_in_its_text_is_quarantined_line_by_line_without_its_text(tmp_path):
    frame = read_dwh(text_dump(tmp_path / "meldingen_dump.zip", TEXT_SIGNALS
                               + "101,2026-10-05T10:00:00+02:00,ok,2,1\n"
                               + "102,2026-10-05T10:00:00+02:00,Jan de Vries\nbelt morgen,2,1\n"
                               + "103,2026-10-05T10:00:00+02:00,\"quoted\nis fine\",2,1\n"))
    assert sorted(frame.attrs["row_shape"]) == [3, 4]
    assert "line 3 has 3 fields" in frame.attrs["row_shape"][3]
    assert "line 4 continues the record on line 3" in frame.attrs["row_shape"][4]
    assert not frame.astype(str).apply(lambda c: c.str.contains("Vries|belt")).any().any()
    assert frame.loc[frame["row_number"] == 5, "melding_id"].tolist() == ["103"]


def test_a_location_of_the_wrong_width_refuses_the_export_naming_its_line(tmp_path):
    loc = "id,buurt_code,area_code,address_text\n1,BU01185000,BU01185000,Kerkweg 12\n2,BU01185001,BU01185001,Dorpsstraat 3, achter\n"
    with pytest.raises(IngestError) as err:
        read_dwh(text_dump(tmp_path / "meldingen_dump.zip", TEXT_SIGNALS + "101,2026-10-05T10:00:00+02:00,ok,2,1\n",
                           loc=loc))
    text = one_sentence(err, "meldingen_dump.zip: locations.csv line 3 has 5 fields where its header has 4 columns")
    assert "Dorpsstraat" not in text


def test_the_continuation_of_a_cut_record_is_never_read_as_a_report_even_of_the_header_width(home):
    home.inbox.mkdir(parents=True, exist_ok=True)
    signals = ("id,text,location_id,category_assignment_id,created_at\n5001,ok,1,1,2026-10-01\n"
               "5002,melder wil teruggebeld worden op\n0612345678, na 17 uur,2,1,2026-10-02\n"
               "5003,melder mw\nBrinkhuis, Dorpsstraat 12,1,1,2026-10-03\n"
               "5004,huisnummer\n12, achter de schuur,2,1,2026-10-04\n"
               + "".join(f"{5005 + i},ok,2,1,2026-10-{5 + i:02d}\n" for i in range(10)))
    result = load(home, text_dump(home.inbox / "meldingen_signalen.zip", signals), "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (17, 11, 6)   # a continuation: a row
    rows = quarantine(home)
    assert [r[0] for r in rows] == [3, 4, 5, 6, 7, 8]
    assert "line 4 continues the record on line 3" in rows[1][1]
    assert "line 8 continues the record on line 7" in rows[5][1]
    from pipelines.warehouse import connect
    with connect(home.warehouse) as con:
        ids = [r[0] for r in con.execute("select melding_id from raw.meldingen order by row_number").fetchall()]
    assert ids == ["5001", "", "", "", "", "", ""] + [str(5005 + i) for i in range(10)]
    stored = "".join(f"{r}" for r in rows)
    assert not any(text in stored for text in ("0612345678", "Brinkhuis", "Dorpsstraat", "schuur", '"12"'))


@pytest.mark.parametrize("cut, quarantined", [
    ("5002,2026-10-05T10:00:00+02:00,Jan\nde Vries,\nbelt, terug,2,1\n",      # cut twice
     {3: "has 3 fields", 4: "continues the record on line 3", 5: "continues the record on line 3"}),
    ("5002,2026-10-05T10:00:00+02:00,Jan, de, Vries, jr\nbelt, terug,2,1\n", {3: "has 6 fields", 4: "has 4 fields"}),
    ("Vries,2026-10-05T10:00:00+02:00,ok,2,1\n", {3: "is no whole number"}),
    ("SIA-5002,2026-10-05T10:00:00+02:00,ok,2,1\n", {3: "is no whole number"}),
])
def test_every_part_of_a_cut_record_and_a_signal_whose_id_is_no_whole_number_are_quarantined_without_text(tmp_path, cut, quarantined):
    frame = read_dwh(text_dump(tmp_path / "meldingen_dump.zip", TEXT_SIGNALS + "5001,2026-10-05T10:00:00+02:00,ok,2,1\n"
                               + cut + "5003,2026-10-05T10:00:00+02:00,ok,2,1\n"))
    shapes = frame.attrs["row_shape"]
    assert sorted(shapes) == sorted(quarantined) and all(quarantined[row] in why for row, why in shapes.items())
    assert frame.loc[~frame["row_number"].isin(list(shapes)), "melding_id"].tolist() == ["5001", "5003"]
    assert not frame.astype(str).apply(lambda c: c.str.contains("Vries|belt|terug|SIA")).any().any()


def test_a_location_cut_in_two_refuses_the_export_naming_its_first_line_though_its_rest_has_the_header_width(tmp_path):
    loc = ("id,address_text,buurt_code,area_code\n1,x,BU01185000,BU01185000\n2,Dorpsstraat\n"
           "3 achter, x,BU01185001,BU01185001\n")
    with pytest.raises(IngestError) as err:
        read_dwh(text_dump(tmp_path / "meldingen_dump.zip", TEXT_SIGNALS + "101,2026-10-05T10:00:00+02:00,ok,2,1\n",
                           loc=loc))
    text = one_sentence(err, "meldingen_dump.zip: locations.csv line 3 has 2 fields where its header has 4 columns")
    assert "Dorpsstraat" not in text and "achter" not in text


@pytest.mark.parametrize("header_end, record_end", [(",,", ",,"), (",,", ""), (",,", ","), (",,", ",,,"), (",", ",,")])
def test_empty_columns_at_the_end_as_excel_writes_them_are_read_as_none(home, header_end, record_end):
    home.inbox.mkdir(parents=True, exist_ok=True)
    signals = SIGNALS.replace("\n", header_end + "\n", 1).replace("1\n", "1" + record_end + "\n")
    assert signals.splitlines()[1].endswith("+02:00,1,1" + record_end)
    result = load(home, dump(home.inbox / "meldingen_signalen.zip", signals=signals), "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (20, 20, 0)


@pytest.mark.parametrize("record", ["5100,2026-10-05T10:00:00+02:00,ok,2,1,x,\n",
                                    "5100,2026-10-05T10:00:00+02:00,ok,2,1,,,\n",
                                    "5100,2026-10-05T10:00:00+02:00,zie, Kerkweg,2,1,,\n"])
def test_a_record_wider_than_the_empty_columns_at_the_end_allow_is_still_quarantined(tmp_path, record):
    signals = TEXT_SIGNALS.replace("\n", ",,\n") + "".join(
        f"{500 + i},2026-10-06T10:00:00+02:00,ok,2,1,,\n" for i in range(5)) + record
    frame = read_dwh(text_dump(tmp_path / "meldingen_dump.zip", signals))
    assert list(frame.attrs["row_shape"]) == [7]
    assert "line 7 has 6 fields where its header has 5" in frame.attrs["row_shape"][7]
    assert "Kerkweg" not in frame.to_string()
