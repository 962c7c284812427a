"""Ingest and validation: row-level quarantine with reasons, reconciliation, refusals that write nothing."""
import json

import pandas as pd
import pytest

from pipelines import reference
from pipelines.ingest import ingest_file
from pipelines.sources.common import IngestError, PrivacyError
from pipelines.validate import ValidationRefused
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY, load_file, write_csv

MELDINGEN_HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode", "Status"]
GOOD = [[f"SIG-{100 + i}", "02-11-2026", "Afval", "Zwerfafval", "BU01185000", "Afgehandeld"] for i in range(10)]


load = load_file


def digest(home):
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        return table_digest(con)


def quarantine(home):
    with connect(home.warehouse) as con:
        return con.execute("SELECT row_number, reason, expectation, raw_values FROM quarantine.rows ORDER BY 1").df()


def test_bad_meldingen_rows_go_to_quarantine_with_reasons_and_the_rest_loads(home):
    rows = GOOD + [
        ["SIG-1", "03-11-2026", "Afval", "Zwerfafval", " bu01185001 ", "Afgehandeld"],   # 12 padded, lower case: fine
        ["SIG-2", "2026-11-03", "Afval", "Illegaal dumpen", "BU01189999", "Afgehandeld"],  # 13 unknown buurt
        ["SIG-3", "03-11-2026", "Afval", "Zwerfafval", "", "Afgehandeld"],                # 14 empty buurt
        ["SIG-4", "01-12-2026", "Afval", "Zwerfafval", "BU01185000", "Gemeld"],           # 15 future date
        ["SIG-5", "gisteren", "Afval", "Zwerfafval", "BU01185000", "Gemeld"],             # 16 not a date
        ["SIG-6", "03-11-2026", "Afval", "Kapotte bank", "BU01185000", "Gemeld"],         # 17 unmapped category
        ["SIG-7", "03-11-2026", "Afval", "Zwerfafval", "BU01185002", "Gemeld"],           # 18 duplicate id
        ["SIG-7", "04-11-2026", "Afval", "Zwerfafval", "BU01185002", "Gemeld"],           # 19 duplicate id
    ]
    path = write_csv(home.inbox / "meldingen_test.csv", MELDINGEN_HEADER, rows)
    result = load(home, path, "meldingen")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 11, 7)
    q = quarantine(home).set_index("row_number")
    assert "not a buurt of the 2024 division" in q.loc[13, "reason"]
    assert json.loads(q.loc[13, "raw_values"])["area_code"] == "BU01189999"
    assert "buurtcode is empty" in q.loc[14, "reason"]
    assert "future" in q.loc[15, "reason"]
    assert "not a date" in q.loc[16, "reason"]
    assert "not mapped" in q.loc[17, "reason"] and q.loc[17, "expectation"] == "expect_column_values_to_not_be_null"
    assert "more than once" in q.loc[18, "reason"] and "more than once" in q.loc[19, "reason"]
    with connect(home.warehouse) as con:
        counts = con.execute("SELECT area_code, signal, period_start::VARCHAR, count FROM core.signal_counts "
                             "ORDER BY 1").fetchall()
        loads = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchall()
    assert counts == [("BU01185000", "zwerfafval", "2026-11-02", 10), ("BU01185001", "zwerfafval", "2026-11-02", 1)]
    assert loads == [(18, 11, 7)]
    archived = next((home.archive / "meldingen").glob("*/manifest.json"))
    manifest = json.loads(archived.read_text())
    assert manifest["file_name"] == "meldingen_test.csv" and manifest["rows"] == 18
    assert len(pd.read_parquet(archived.parent / "rows.parquet")) == 18
    assert not list((home.archive / "meldingen").glob("**/*.csv"))   # the original file is not kept


def test_the_same_file_twice_is_skipped_and_changes_nothing(home):
    path = write_csv(home.inbox / "meldingen_a.csv", MELDINGEN_HEADER, GOOD)
    first = load(home, path, "meldingen")
    before = digest(home)
    again = load(home, path, "meldingen")
    assert again.skipped and again.load_id == first.load_id
    assert digest(home) == before


def test_a_file_without_a_required_column_is_refused_whole(home):
    before = digest(home)
    header = MELDINGEN_HEADER[:4] + ["Status"]
    with pytest.raises(IngestError, match="required column\\(s\\) missing: area_code"):
        load(home, write_csv(home.inbox / "meldingen_bad.csv", header, [r[:5] for r in GOOD]), "meldingen")
    assert digest(home) == before


@pytest.mark.parametrize("extra, secret", [
    ("Naam melder", "Jan de Vries"), ("E-mail", "jan.devries@example.nl"), ("BSN", "111222333"),
    ("Telefoonnummer", "06-12345678"), ("Straat", "Hoofdstraat 12"), ("Cliënt", "Piet Bakker"),
    ("Contact", "j.jansen@example.nl"),      # an innocent header over personal values
])
def test_columns_the_source_does_not_use_are_dropped_unread(home, extra, secret):
    rows = [r + [secret] for r in GOOD]
    result = load(home, write_csv(home.inbox / "meldingen_extra.csv", MELDINGEN_HEADER + [extra], rows), "meldingen")
    assert (result.rows_accepted, result.rows_quarantined) == (10, 0)
    with connect(home.warehouse) as con:
        dumped = " ".join(con.execute(f"SELECT string_agg(t::VARCHAR, '|') FROM {t} t").fetchone()[0] or ""
                          for t in ("raw.meldingen", "quarantine.rows", "meta.loads", "core.report_ledger"))
    assert secret not in dumped
    archived = b"".join(f.read_bytes() for f in home.archive.rglob("*") if f.is_file())
    assert secret.encode() not in archived


def test_personal_values_in_a_used_column_quarantine_the_row_redacted(home):
    rows = GOOD + [["SIG-900", "02-11-2026", "Afval", "Zwerfafval", "Hoofdstraat 12", "x"],
                   ["SIG-901", "02-11-2026", "Afval", "bel 06-12345678", "BU01185000", "x"]]
    result = load(home, write_csv(home.inbox / "meldingen_p.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert (result.rows_accepted, result.rows_quarantined) == (10, 2)
    q = quarantine(home).set_index("row_number")
    assert "personal data (adres) in Buurtcode" in q.loc[12, "reason"]
    assert "personal data (telefoonnummer) in Subcategorie" in q.loc[13, "reason"]
    assert json.loads(q.loc[12, "raw_values"])["area_code"] == "[verwijderd: adres]"
    with connect(home.warehouse) as con:
        dumped = con.execute("SELECT string_agg(t::VARCHAR, '|') FROM raw.meldingen t").fetchone()[0]
    assert "Hoofdstraat" not in dumped and "12345678" not in dumped


def test_a_report_number_holds_a_digit(home):
    # a red team found names typed as a Meldingnummer ("jan_de_vries", "Gerrit-Brinkhuis") accepted into
    # core.report_ledger and counted
    odd = ["jan_de_vries", "willem_brinkhuis", "gerrit.brinkhuis", "Gerrit-Brinkhuis", "VERVALLEN"]
    rows = GOOD + [[number, "03-11-2026", "Afval", "Zwerfafval", "BU01185001", "x"] for number in odd]
    result = load(home, write_csv(home.inbox / "meldingen_ids.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert (result.rows_accepted, result.rows_quarantined) == (10, len(odd))
    with connect(home.warehouse) as con:
        keys = [r[0] for r in con.execute("SELECT report_key FROM core.report_ledger").fetchall()]
        dumped = con.execute("SELECT string_agg(t::VARCHAR, '|') FROM quarantine.rows t").fetchone()[0]
    assert sorted(keys) == sorted(f"id:{r[0]}" for r in GOOD)
    assert not any(part in dumped.lower() for part in ("brinkhuis", "vries"))


def test_a_number_in_e_notation_is_removed_and_no_report_number(home):
    # a BSN or a mobile number as a spreadsheet shows a long number was stored as written, and accepted as a
    # Meldingnummer
    rows = GOOD + [["SIG-902", "02-11-2026", "Afval", "6,23456789E8", "BU01185000", "x"],
                   ["SIG-903", "02-11-2026", "Afval", "1.47258364E8", "BU01185000", "x"],
                   ["1.47258364E8", "02-11-2026", "Afval", "Zwerfafval", "BU01185000", "x"],
                   ["2.0E5", "02-11-2026", "Afval", "Zwerfafval", "BU01185000", "x"]]
    result = load(home, write_csv(home.inbox / "meldingen_e.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert (result.rows_accepted, result.rows_quarantined) == (10, 4)
    q = quarantine(home).set_index("row_number")
    assert "(telefoonnummer)" in q.loc[12, "reason"] and "(bsn)" in q.loc[13, "reason"]
    assert "not a report number" in q.loc[15, "reason"]
    with connect(home.warehouse) as con:
        dumped = " ".join(con.execute(f"SELECT string_agg(t::VARCHAR, '|') FROM {t} t").fetchone()[0] or ""
                          for t in ("raw.meldingen", "quarantine.rows", "core.report_ledger"))
    assert "47258364" not in dumped and "23456789" not in dumped


def test_a_manifest_value_that_is_no_date_is_named_by_its_key_never_quoted(home):
    path = write_csv(home.inbox / "meldingen_venster.csv", MELDINGEN_HEADER, GOOD)
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": "Tomasz Mazurkiewicz", "volledig_tot": "2026-11-20"}), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load(home, path, "meldingen")
    assert "volledig_van is not a date" in str(err.value) and "Tomasz" not in str(err.value)


@pytest.mark.parametrize("first, last", [("07-12-2026", "13-12-2026"), ("2026-12-07", "13-12-2026"),
                                         ("12/7/2026", "2026-12-13"), ("2026-W50", "2026-12-13"),
                                         ("20261207", "2026-12-13"), ("2027-02-29", "2027-03-01")])
def test_a_window_typed_otherwise_than_jjjj_mm_dd_is_refused_never_read_month_first(home, first, last):
    """Red team: 07-12-2026:13-12-2026 (the week of 7 December) was read as 12 July to 13 December, and the load
    would have retracted five months of reports once accepted. Only jjjj-mm-dd is a day a window is given in."""
    from pipelines.ingest import Delivery

    path = write_csv(home.inbox / "meldingen_venster.csv", MELDINGEN_HEADER, GOOD)
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": first, "volledig_tot": last}), encoding="utf-8")
    before = digest(home)
    with pytest.raises(IngestError, match="is not a date jjjj-mm-dd"):
        load(home, path, "meldingen")
    assert digest(home) == before
    with pytest.raises(IngestError, match="is not a date jjjj-mm-dd"):
        Delivery.for_file(path.with_name("other.csv"), window=f"{first}:{last}")


def test_a_load_as_a_full_export_names_the_window_it_applied(home):
    path = write_csv(home.inbox / "meldingen_venster.csv", MELDINGEN_HEADER, GOOD)
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps({"volledig_van": "2026-10-01", "volledig_tot": "2026-11-20"}), encoding="utf-8")
    assert "as the full-export window 2026-10-01:2026-11-20" in load(home, path, "meldingen").describe()


def test_an_item_cut_over_two_cells_is_removed_from_both(home):
    # a mobile number or a name split over two used cells: each half alone is nothing
    rows = GOOD + [["SIG-900", "02-11-2026", "06-1357", "2468", "BU01185000", "x"],
                   ["SIG-901", "02-11-2026", "Gerrit", "Brinkhuis", "BU01185000", "x"]]
    result = load(home, write_csv(home.inbox / "meldingen_p.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert (result.rows_accepted, result.rows_quarantined) == (10, 2)
    q = quarantine(home).set_index("row_number")
    assert "personal data (telefoonnummer) in Hoofdcategorie" in q.loc[12, "reason"]
    assert "personal data (naam) in Subcategorie" in q.loc[13, "reason"]
    with connect(home.warehouse) as con:
        dumped = " ".join(con.execute(f"SELECT string_agg(t::VARCHAR, '|') FROM {t} t").fetchone()[0]
                          for t in ("raw.meldingen", "quarantine.rows"))
    assert not any(part in dumped for part in ("1357", "2468", "Gerrit", "Brinkhuis"))


def test_a_used_column_that_is_mostly_personal_refuses_the_file_without_printing_values(home):
    before = digest(home)
    rows = [r[:4] + [f"Kerkweg {i}", "x"] for i, r in enumerate(GOOD, start=1)]
    with pytest.raises(PrivacyError, match="column Buurtcode holds personal data \\(adres\\)") as err:
        load(home, write_csv(home.inbox / "meldingen_adres.csv", MELDINGEN_HEADER, rows), "meldingen")
    assert "Kerkweg" not in str(err.value)
    assert digest(home) == before


def test_signalen_free_text_and_address_are_dropped_on_read(home):
    header = MELDINGEN_HEADER + ["text", "address_text"]
    rows = [r + ["Mijn buurman Jan gooit afval", "Hoofdstraat 12"] for r in GOOD]
    load(home, write_csv(home.inbox / "meldingen_sig.csv", header, rows), "meldingen")
    with connect(home.warehouse) as con:
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'raw' AND table_name = 'meldingen'").fetchall()}
        dumped = con.execute("SELECT string_agg(t::VARCHAR, '|') FROM raw.meldingen t").fetchone()[0]
    assert "text" not in cols and "Jan" not in dumped and "Hoofdstraat" not in dumped


def test_mostly_broken_and_empty_files_are_refused(home):
    before = digest(home)
    rows = [[f"S{i}", "01-11-2026", "Afval", "Zwerfafval", "BU99999999", "x"] for i in range(8)] + GOOD[:2]
    # every refusal names its file (a weekly run loads many)
    with pytest.raises(ValidationRefused, match="^meldingen_\\S*\\.csv: 8 of 10 rows \\(80%\\) fail validation"):
        load(home, write_csv(home.inbox / "meldingen_wrong.csv", MELDINGEN_HEADER, rows), "meldingen")
    with pytest.raises(ValidationRefused, match="no data rows"):
        load(home, write_csv(home.inbox / "meldingen_empty.csv", MELDINGEN_HEADER, []), "meldingen")
    assert digest(home) == before


WIJKTEAM_HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]


def test_wijkteam_bad_rows_quarantined(home):
    good = [["BU01185000", f"2026-{m:02d}", "Eenzaamheid", "3"] for m in range(1, 11)]
    rows = good + [
        ["BU01185001", "2026-10", "Eenzaamheid", "2,5"],        # 12 fractional
        ["BU01185001", "2026-09", "Eenzaamheid", "-1"],         # 13 negative
        ["BU01185001", "2026-08", "Eenzaamheid", "veel"],       # 14 not a number
        ["BU01185002", "2026-10", "Eenzaamheid", "1"],          # 15 duplicate key
        ["BU01185002", "okt 2026", "Eenzaamheid", "2"],         # 16 duplicate key (Dutch month)
        ["BU01185003", "2026-12", "Eenzaamheid", "1"],          # 17 future month
        ["BU01185003", "2026-10", "Dakloosheid", "1"],          # 18 unknown signal
        ["BU01185003", "2026-W40", "Burenruzie", "1"],          # 19 week for a monthly signal
        ["BU01185003", "oktober", "Burenruzie", "1"],           # 20 not a period
    ]
    path = write_csv(home.inbox / "wijkteam_test.csv", WIJKTEAM_HEADER, rows, sep=";")
    result = load(home, path, "wijkteam")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (19, 10, 9)
    q = quarantine(home).set_index("row_number")["reason"]
    assert "not a whole number" in q[12]
    assert "negative" in q[13]
    assert "not a number" in q[14]
    assert "more than once" in q[15] and "more than once" in q[16]
    assert "future" in q[17]
    assert "not a wijkteam signal" in q[18]
    assert "frequency" in q[19]
    assert "not a period" in q[20]


def test_a_load_records_whether_its_first_and_last_periods_are_weeks_or_months(home):
    rows = [["BU01185000", "2026-06", "Eenzaamheid", "4"], ["BU01185001", "2026-10", "Eenzaamheid", "1"]]
    load(home, write_csv(home.inbox / "wijkteam_k.csv", WIJKTEAM_HEADER, rows), "wijkteam")
    load(home, write_csv(home.inbox / "meldingen_k.csv", MELDINGEN_HEADER, GOOD), "meldingen")
    with connect(home.warehouse) as con:
        got = con.execute("SELECT source, periods_from, periods_from_kind, periods_to_kind FROM meta.loads "
                          "ORDER BY source").fetchall()
    assert [(g[0], str(g[1]), g[2], g[3]) for g in got] == [
        ("meldingen", str(got[0][1]), "week", "week"), ("wijkteam", "2026-06-01", "month", "month")]


def test_windows_1252_tab_separated_file_is_read(home):
    rows = [["BU01185000", "2026-10", "Financiële zorgen", "4"], ["BU01185001", "2026-10", "financiele_zorgen", "1"]]
    path = write_csv(home.inbox / "wijkteam_w.csv", WIJKTEAM_HEADER, rows, sep="\t", encoding="cp1252")
    result = load(home, path, "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined) == (2, 0)


def test_a_new_vintage_replaces_exactly_the_cells_it_holds(home):
    first = [["BU01185000", "2026-09", "Eenzaamheid", "3"], ["BU01185000", "2026-10", "Eenzaamheid", "4"]]
    load(home, write_csv(home.inbox / "wijkteam_1.csv", WIJKTEAM_HEADER, first), "wijkteam")
    fix = [["BU01185000", "2026-10", "Eenzaamheid", "7"]]
    second = load(home, write_csv(home.inbox / "wijkteam_2.csv", WIJKTEAM_HEADER, fix), "wijkteam")
    with connect(home.warehouse) as con:
        got = con.execute("SELECT period_start::VARCHAR, count, load_id FROM core.signal_counts ORDER BY 1").fetchall()
        raw_rows = con.execute("SELECT count(*) FROM raw.wijkteam").fetchone()[0]
    assert [(p, c) for p, c, _ in got] == [("2026-09-01", 3), ("2026-10-01", 7)]
    assert got[1][2] == second.load_id
    assert raw_rows == 3   # the earlier vintage stays in raw for audit


def test_excel_workbook_with_real_dates_is_read(home):
    frame = pd.DataFrame({"Buurtcode": ["BU01185000", "BU01185001"],
                          "Maand": pd.to_datetime(["2026-09-01", "2026-10-01"]),
                          "Signaal": ["Jeugdoverlast", "Jeugdoverlast"], "Aantal": [2, 5]})
    path = home.inbox / "wijkteam_x.xlsx"
    frame.to_excel(path, index=False)
    result = load(home, path, "wijkteam")
    assert (result.rows_read, result.rows_accepted) == (2, 2)


SCHULDEN_HEADER = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]


def test_schulden_sums_creditor_types_and_quarantines_suppressed_cells(home):
    rows = [["BU01185000", "2026-10", "Huur", "4"], ["BU01185000", "2026-10", "Energieleverancier", "2"],
            ["BU01185000", "2026-10", "Zorgverzekeraar", "1.003"],   # Dutch thousands: 1003, above the ceiling
            ["BU01185001", "2026-10", "Huur", "3"], ["BU01185001", "2026-10", "Water", "<5"],   # suppressed
            ["BU01185001", "2026-09", "Gemeentelijke belastingen", "2"],                         # unknown creditor
            ["9185002", "2026-10", "Huur", "2"],           # bad code (1185002 is completed: a lost leading zero)
            ["01185002", "2026-10", "Huur", "5"]]                                                 # BU prefix missing
    res = load(home, write_csv(home.inbox / "schulden_okt.csv", SCHULDEN_HEADER, rows), "schulden")
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (8, 4, 4)
    q = quarantine(home).set_index("row_number")["reason"]
    assert "implausibly large (above 1.000" in q[4]
    assert "suppressed" in q[6] and "schuldeiser" in q[7] and "area not in division 2024" in q[8]
    with connect(home.warehouse) as con:
        got = con.execute("SELECT area_code, signal, count FROM core.signal_counts ORDER BY 1").fetchall()
    # BU01185000 and BU01185001 hold a creditor cell without a usable count: their October total is unknown, and
    # 6 or 3 would be undercounts; the unknown creditor says nothing of a cell wijkradar holds
    assert got == [("BU01185002", "betalingsachterstand", 5)]


def schulden_counts(home) -> dict:
    with connect(home.warehouse) as con:
        return dict(con.execute("SELECT area_code, count FROM core.signal_counts WHERE source = 'schulden'").fetchall())


def test_a_buurt_month_with_a_suppressed_or_quarantined_creditor_cell_gets_no_total_until_the_cell_comes(home):
    rows = [["BU01185000", "2026-09", "huur", "7"], ["BU01185000", "2026-09", "energie", "<5"],
            ["BU01185000", "2026-09", "water", "*"], ["BU01185000", "2026-09", "zorgverzekering", "6"],
            ["BU01185002", "2026-09", "huur", "0"], ["BU01185002", "2026-09", "energie", "< 5"],
            ["BU01185002", "2026-09", "water", "≤5"], ["BU01185002", "2026-09", "zorgverzekering", "<=5"],
            ["BU01185003", "2026-09", "huur", "4"], ["BU01185003", "2026-09", "water", "twee"],
            ["BU01185004", "2026-09", "huur", "4"], ["BU01185004", "2026-09", "energie", "1"]]
    res = load(home, write_csv(home.inbox / "schulden_sep.csv", SCHULDEN_HEADER, rows), "schulden",
               max_failed_share=1)
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (12, 6, 6)     # every row counted once
    q = quarantine(home).set_index("row_number")["reason"]
    suppressed = "aantal is suppressed by the supplier (small cell); the month's total for this buurt is unknown"
    assert all(q[r] == suppressed for r in (3, 4, 7, 8, 9))       # one reason each: <5, *, < 5, ≤5, <=5
    assert q[11] == "aantal is empty or not a number"
    assert schulden_counts(home) == {"BU01185004": 5}              # never 13, 0 or 4: each of those is unknown
    # scoring needs a value for every period and fills a missing one with 0: it reads the sum of the known parts,
    # a lower bound (a rise in it is a rise in the true total), never the 0 an absent count would become
    from pipelines.catalog import read_counts_table
    with connect(home.warehouse) as con:
        scored = read_counts_table(con).to_pandas()
    assert dict(zip(scored["area_code"].astype(str), scored["count"])) == {
        "BU01185000": 13, "BU01185002": 0, "BU01185003": 4, "BU01185004": 5}
    # the supplier delivers the cells it suppressed or got wrong: the totals come back
    load(home, write_csv(home.inbox / "schulden_sep_2.csv", SCHULDEN_HEADER,
                         [["BU01185000", "2026-09", "energie", "3"], ["BU01185000", "2026-09", "water", "2"],
                          ["BU01185003", "2026-09", "water", "<5"]]), "schulden")
    assert schulden_counts(home) == {"BU01185000": 18, "BU01185004": 5}   # BU01185003: suppressed again
    load(home, write_csv(home.inbox / "schulden_sep_3.csv", SCHULDEN_HEADER,
                         [["BU01185003", "2026-09", "water", "2"]]), "schulden")
    assert schulden_counts(home) == {"BU01185000": 18, "BU01185003": 6, "BU01185004": 5}
    # a later delivery that suppresses a cell delivered before changes nothing: its count stands (no part unknown)
    load(home, write_csv(home.inbox / "schulden_sep_4.csv", SCHULDEN_HEADER,
                         [["BU01185000", "2026-09", "huur", "<5"], ["BU01185004", "2026-09", "huur", "4"],
                          ["BU01185004", "2026-09", "energie", "1"]]), "schulden")
    assert schulden_counts(home) == {"BU01185000": 18, "BU01185003": 6, "BU01185004": 5}


def test_random_nine_digit_ids_are_not_mistaken_for_bsn():
    from pipelines.privacy import scan_values

    ids = pd.Series([str(100_000_000 + 7919 * i) for i in range(200)])
    bsn = scan_values(ids).eq("bsn")
    assert scan_values(pd.Series(["111222333"])).iloc[0] == "bsn"
    assert bsn.mean() < 0.15     # about 1 in 11 random numbers pass the 11-test; each is quarantined, not stored


def test_codes_of_an_earlier_division_are_mapped_when_the_table_says_so(home, tmp_path):
    import shutil

    folder = tmp_path / "ref"
    shutil.copytree(reference.Reference().folder, folder)
    with (folder / "buurtcode_wijzigingen.csv").open("a") as f:
        f.write("BU01180500,BU01185000,2014,example mapping for the test\n")
    ref = reference.Reference(folder)
    rows = [["BU01180500", "2026-10", "Eenzaamheid", "2"], ["BU01180501", "2026-10", "Eenzaamheid", "1"],
            ["BU01185002", "2026-10", "Eenzaamheid", "1"]]
    path = write_csv(home.inbox / "wijkteam_old.csv", WIJKTEAM_HEADER, rows)
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        res = ingest_file(con, path, "wijkteam", ref, home.archive, today=TODAY)
        got = con.execute("SELECT area_code FROM core.signal_counts ORDER BY 1").fetchall()
        q = con.execute("SELECT row_number, reason FROM quarantine.rows").fetchall()
    assert (res.rows_accepted, res.rows_quarantined) == (2, 1)
    assert got == [("BU01185000",), ("BU01185002",)]
    assert q[0][0] == 3 and "area not in division 2024" in q[0][1]


def test_signalen_coordinates_are_dropped_and_only_the_buurt_kept(home):
    header = ["id", "created_at", "main", "sub", "buurt_code", "lat", "lng", "status"]
    rows = [[f"{1000 + i}", f"2026-11-03T10:1{i}:00", "Afval", "Zwerfafval", "BU01185000", "6.4712", "52.7231", "o"]
            for i in range(5)]
    res = load(home, write_csv(home.inbox / "meldingen_signalen.csv", header, rows, sep=","), "meldingen")
    assert (res.rows_read, res.rows_accepted) == (5, 5)
    with connect(home.warehouse) as con:
        dumped = con.execute("SELECT string_agg(t::VARCHAR, '|') FROM raw.meldingen t").fetchone()[0]
    assert "52.7231" not in dumped and "6.4712" not in dumped


def test_signalen_data_warehouse_dump_is_joined_and_personal_fields_never_read(home, tmp_path):
    import zipfile

    signals = pd.DataFrame({
        "id": ["501", "502", "503", "504"],
        "text": ["Buurman J. de Vries dumpt afval", "", "", "bel 06-12345678"],
        "created_at": ["2026-11-02 09:00:00+01", "2026-11-03 10:00:00+01", "2026-11-04 11:00:00+01", "2026-11-05 12:00:00+01"],
        "location_id": ["1", "2", "3", "4"], "category_assignment_id": ["11", "12", "13", "14"],
        "reporter_id": ["91", "92", "93", "94"], "status_id": ["21", "22", "23", "24"]})
    locations = pd.DataFrame({
        "id": ["1", "2", "3", "4"], "lat": ["6.47", "6.48", "6.49", "6.50"], "lng": ["52.72", "52.73", "52.71", "52.70"],
        "buurt_code": ["", "", "", ""], "area_code": ["BU01185000", "BU01185001", "", "BU01185001"],
        "address_text": ["Hoofdstraat 12", "Kerkweg 3", "Dorpsweg 7", "Laan 1"], "_signal_id": ["501", "502", "503", "504"]})
    categories = pd.DataFrame({"id": ["11", "12", "13", "14"], "_signal_id": ["501", "502", "503", "504"],
                               "main": ["afval", "afval", "afval", "wegen-verkeer-straatmeubilair"],
                               "sub": ["grofvuil", "zwerfafval", "zwerfafval", "lantaarnpaal-straatverlichting"]})
    path = home.inbox / "meldingen_dwh_2026-W45.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, frame in (("signals", signals), ("locations", locations), ("categories", categories)):
            z.writestr(f"export/{name}.csv", frame.to_csv(index=False))
    res = load(home, path, "meldingen")
    assert (res.rows_read, res.rows_accepted, res.rows_quarantined) == (4, 3, 1)
    assert "only as coordinates" in quarantine(home)["reason"].iloc[0]
    with connect(home.warehouse) as con:
        got = con.execute("SELECT area_code, signal, count FROM core.signal_counts ORDER BY 1, 2").fetchall()
        dumped = con.execute("SELECT string_agg(t::VARCHAR, '|') FROM raw.meldingen t").fetchone()[0] + \
            con.execute("SELECT string_agg(t::VARCHAR, '|') FROM quarantine.rows t").fetchone()[0]
    assert got == [("BU01185000", "illegale_dump", 1), ("BU01185001", "straatverlichting", 1),
                   ("BU01185001", "zwerfafval", 1)]
    for secret in ("de Vries", "06-12345678", "Hoofdstraat", "52.72", "6.47"):
        assert secret not in dumped


# -- two columns for one field -----------------------------------------------------------------------------

WIJKTEAM_HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]


@pytest.mark.parametrize("source, header, rows, names, other", [
    ("wijkteam", ["Buurtcode", "Maand", "Signaal", "Aantal", "Aantal"],
     [["BU01185006", "2026-10", "Eenzaamheid", "3", "3"], ["BU01185007", "2026-10", "Eenzaamheid", "4", "987"]],
     "the column Aantal occurs 2 times", "987"),
    ("wijkteam", ["Buurtcode", "Maand", "Signaal", "Aantal", "Aantal signalen"],
     [["BU01185006", "2026-10", "Eenzaamheid", "3", "765"]], "the columns Aantal, Aantal signalen", "765"),
    ("schulden", ["Buurtcode", "CBS buurtcode", "Maand", "Schuldeiser", "Aantal"],
     [["BU01185006", "BU01185100", "2026-10", "Huur", "3"]], "the columns Buurtcode, CBS buurtcode", "BU01185100"),
    ("meldingen", ["Meldingnummer", "Datum melding", "Datum", "Hoofdcategorie", "Subcategorie", "Buurtcode"],
     [["D-1", "20-11-2026", "01-01-2026", "Afval", "Zwerfafval", "BU01185006"]], "the columns Datum melding, Datum",
     "01-01-2026"),
])
def test_two_columns_for_one_field_that_disagree_refuse_the_file_naming_the_headers_never_the_values(
        home, source, header, rows, names, other):
    """Which of two columns for one field is meant cannot be guessed: using the first silently counted 3 where
    the supplier perhaps meant 765, or placed reports in the other of two buurten."""
    before = digest(home)
    with pytest.raises(IngestError) as refused:
        load(home, write_csv(home.inbox / f"{source}_twee.csv", header, rows), source)
    message = str(refused.value)
    assert names in message and "differ in" in message and "keep one" in message
    assert other not in message
    assert digest(home) == before


def test_two_columns_for_one_field_that_agree_load_as_one(home):
    rows = [["BU01185006", "2026-10", "Eenzaamheid", "3", " 3 "], ["BU01185007", "2026-10", "Eenzaamheid", "4", "4"]]
    result = load(home, write_csv(home.inbox / "wijkteam_dubbel.csv", WIJKTEAM_HEADER + ["Aantal"], rows), "wijkteam")
    assert (result.rows_accepted, result.rows_quarantined) == (2, 0)


def test_two_columns_for_one_field_in_a_signalen_dump_that_disagree_refuse_it(home):
    import zipfile

    signals = ("id,created_at,created_at,location_id,category_assignment_id\n"
               "501,2026-11-02 09:00:00+01,2026-01-01 09:00:00+01,1,11\n")
    path = home.inbox / "meldingen_dwh_dubbel.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("signals.csv", signals)
        z.writestr("locations.csv", "id,area_code\n1,BU01185000\n")
        z.writestr("categories.csv", "id,main,sub\n11,afval,zwerfafval\n")
    with pytest.raises(IngestError, match=r"signals\.csv has the column created_at 2 times.*differ.*keep one"):
        load(home, path, "meldingen")


def test_a_file_that_changes_while_it_is_read_is_left_for_later_and_loads_once_complete(home, monkeypatch):
    # hashed and read in two passes: the part of a file still being copied was loaded under the complete file's
    # hash or its own, and the complete file then loaded as a new delivery (9 reports counted, the file held 8)
    from pipelines.ingest import NotYet
    from pipelines.sources import meldingen

    rows = [[f"SIG-{100 + i}", f"{10 + i}-11-2026", "Afval", "Zwerfafval", "BU01185000", "Afgehandeld"]
            for i in range(8)]
    path = write_csv(home.inbox / "meldingen_week47.csv", MELDINGEN_HEADER, rows)
    complete = path.read_bytes()
    path.write_bytes(complete[:-4])                       # the copy so far: the last date cut to "17-11-20"
    real_read = meldingen.read

    def read_while_the_copy_goes_on(p):
        raw = real_read(p)
        path.write_bytes(complete)                        # the copy finishes after wijkradar read the part
        return raw

    monkeypatch.setattr(meldingen, "read", read_while_the_copy_goes_on)
    with pytest.raises(NotYet, match=r"meldingen_week47\.csv: still being written .* the next run"):
        load(home, path, "meldingen")
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0] == 0
    monkeypatch.setattr(meldingen, "read", real_read)
    result = load(home, path, "meldingen")
    assert (result.rows_read, result.rows_accepted) == (8, 8)
    assert load(home, path, "meldingen").skipped           # the same input again changes nothing
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.report_ledger WHERE retracted_by IS NULL").fetchone()[0] == 8


def test_a_file_whose_name_leaves_no_room_for_a_manifest_loads_without_one(home):
    # a 250-byte name: "<name>.manifest.json" is too long for the file system, and looking for it crashed the load
    name = ("meldingen_" + "week47_" * 40)[:246] + ".csv"
    path = write_csv(home.inbox / name, MELDINGEN_HEADER, GOOD)
    result = load(home, path, "meldingen")
    assert (result.rows_read, result.rows_accepted, result.skipped) == (10, 10, False)


def test_report_numbers_shaped_like_a_licence_plate_load_late_too(home):
    # a system numbering reports ZT1234: a weekly export of 40 loaded, but a late file of one report was quarantined
    # as 'kenteken' and one of two refused whole; judged with the source's earlier numbers they are report numbers
    def rows(ids):
        return [[i, f"{10 + n % 15}-11-2026", "Afval", "Zwerfafval", "BU01185000", "Open"] for n, i in enumerate(ids)]

    week = load(home, write_csv(home.inbox / "meldingen_w46.csv", MELDINGEN_HEADER,
                                rows([f"ZT{n}" for n in range(1234, 1274)])))
    one = load(home, write_csv(home.inbox / "meldingen_w47_na.csv", MELDINGEN_HEADER, rows(["ZT1290"])))
    two = load(home, write_csv(home.inbox / "meldingen_w47_na2.csv", MELDINGEN_HEADER, rows(["ZT1291", "ZT1292"])))
    assert [(r.rows_accepted, r.rows_quarantined) for r in (week, one, two)] == [(40, 0), (1, 0), (2, 0)]
    # a licence plate typed among report numbers of another shape is still personal
    from pipelines.privacy import report_numbers, scan_values
    values = pd.Series([f"SIG-{n}" for n in range(100, 140)] + ["GZ871K"])
    assert not report_numbers(values, scan_values(values)).iloc[-1]


def test_a_warehouse_from_before_unknown_cells_loses_its_undercounts_once(home):
    # an older version stored huur 7 + zorgverzekering 6 = 13 for a buurt-month whose energie was '<5' and marked
    # nothing; re-sending the file is skipped as loaded, so the first load or scoring run marks the cells (017)
    from pipelines.ingest import backfill_unknown_cells

    rows = [["BU01185000", "2026-09", "huur", "7"], ["BU01185000", "2026-09", "energie", "<5"],
            ["BU01185000", "2026-09", "zorgverzekering", "6"], ["BU01185004", "2026-09", "huur", "4"]]
    load(home, write_csv(home.inbox / "schulden_sep.csv", SCHULDEN_HEADER, rows), "schulden", max_failed_share=1)
    with connect(home.warehouse) as con:                 # as the older version left it
        con.execute("DELETE FROM core.unknown_cells")
        con.execute("INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, "
                    "load_id, provisional) SELECT 'BU01185000', signal, period, period_start, 13, source, load_id, "
                    "false FROM core.signal_counts WHERE area_code = 'BU01185004'")
        con.execute("INSERT INTO meta.pending_upgrades VALUES ('unknown_cells')")
    assert schulden_counts(home) == {"BU01185000": 13, "BU01185004": 4}
    with connect(home.warehouse) as con:
        assert backfill_unknown_cells(con, reference.Reference(), TODAY) == 1
        assert backfill_unknown_cells(con, reference.Reference(), TODAY) == 0          # once
    assert schulden_counts(home) == {"BU01185004": 4}
