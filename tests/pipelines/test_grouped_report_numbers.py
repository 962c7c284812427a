"""Report numbers a spreadsheet wrote with thousands dots (an export "as displayed" in a Dutch locale: ``1.001``) are
the number they write: the same report delivered once as ``1.001`` and once as ``1001`` counts once (it counted
twice: 16 reports for 8). A warehouse of an earlier version is re-keyed once (migration 028)."""
import pandas as pd
import pytest

from pipelines.sources.meldingen import number_keys
from pipelines.warehouse import connect
from tests.conftest import load_file, write_csv
from tests.pipelines.test_delivery_windows import holding

HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def query(home, sql, params=None):
    with connect(home.warehouse) as con:
        return con.execute(sql, params or []).fetchall()


def total(home) -> int:
    return query(home, "SELECT coalesce(sum(count), 0) FROM core.signal_counts WHERE source = 'meldingen'")[0][0]


def rows(numbers: list[str]) -> list[list[str]]:
    return [[n, f"0{2 + i % 5}-11-2026", "Afval", "Zwerfafval", "BU01185000"] for i, n in enumerate(numbers)]


def test_the_ways_a_spreadsheet_writes_a_whole_number_are_one_key():
    written = pd.Series(["1.001", "1001", "0001001", "1001.0", "1.234.567", "1234567", "1.000.000", "1000000"])
    assert number_keys(written).tolist() == ["id:1001"] * 4 + ["id:1234567"] * 2 + ["id:1000000"] * 2
    # not a thousands group: kept as written (a leading zero group, four digits, a year and a sequence, letters)
    other = pd.Series(["01.001", "1.0001", "2026.001", "12.34", "SIG-1.001", "1.001.1"])
    assert number_keys(other).tolist() == ["id:" + v for v in other]
    assert number_keys(pd.Series(["1.000"])).tolist() == ["id:1"]     # 1 with three decimals since migration 010


def test_a_report_delivered_with_and_without_thousands_dots_counts_once(home, tmp_path):
    dotted = [f"1.{i:03d}" for i in range(1, 9)]
    first = load_file(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows(dotted)))
    again = load_file(home, write_csv(tmp_path / "meldingen_w45_opnieuw.csv", HEADER,
                                      rows([n.replace(".", "") for n in dotted])))
    assert (first.rows_accepted, again.rows_accepted) == (8, 8)
    assert total(home) == 8
    assert sorted(k for (k,) in query(home, "SELECT report_key FROM core.report_ledger")) == [
        f"id:1{i:03d}" for i in range(1, 9)]


def test_one_file_holding_a_number_with_and_without_dots_quarantines_both(home, tmp_path):
    numbers = ["1.001", "1001", *(str(n) for n in range(1002, 1010))]
    result = load_file(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows(numbers)))
    assert (result.rows_accepted, result.rows_quarantined) == (8, 2)
    reasons = [r for (r,) in query(home, "SELECT reason FROM quarantine.rows")]
    assert reasons == ["meldingnummer occurs more than once (upper and lower case count as the same number, and so "
                       "do 0001001, 1001, 1001.0 and 1.001)"] * 2


@pytest.mark.parametrize("before", ["dotted", "both"])
def test_a_warehouse_holding_dotted_keys_is_rekeyed_once_and_counts_each_report_once(home, tmp_path, before, caplog):
    """An earlier version keyed ``12.345.601`` as written. ``dotted``: only so, and some are delivered again without
    the dots; ``both``: they had all been delivered without them too, and counted twice. Upgraded, the first load
    re-keys them, counts each report once, and judges the re-keyed numbers as personal numbers as a load does: five
    of the eight-digit numbers are a BSN's without its 0 (``0123456xx``) and are kept as their pseudonym."""
    from pipelines import catalog
    from pipelines.privacy import pseudonym, scan_values

    plain = [str(12345600 + i) for i in range(60)]
    dotted = [f"{n[:2]}.{n[2:5]}.{n[5:]}" for n in plain]
    personal = [n for n in plain if scan_values(pd.Series(["0" + n])).iloc[0]]
    assert len(personal) == 5
    load_file(home, write_csv(tmp_path / "meldingen_w45.csv", HEADER, rows(plain)))
    assert total(home) == 60
    assert holding(home, personal) == []                              # a load keeps them as pseudonyms
    with connect(home.warehouse) as con:              # as the earlier version keyed them: as written
        secret = catalog.warehouse_secret(con)[0]
        keys = ["id:" + pseudonym("0" + n, secret).upper() if n in personal else k
                for n, k in zip(plain, number_keys(pd.Series(plain)))]
        for was, key in zip(dotted, keys):
            if before == "both":
                con.execute("INSERT INTO core.report_ledger SELECT * REPLACE (? AS report_key) FROM "
                            "core.report_ledger WHERE report_key = ?", ["id:" + was, key])
            else:
                con.execute("UPDATE core.report_ledger SET report_key = ? WHERE report_key = ?", ["id:" + was, key])
        catalog.rebuild_counts(con, "meldingen")
        con.execute("DELETE FROM meta.schema_version WHERE version >= 28")
    assert total(home) == (120 if before == "both" else 60)
    assert holding(home, [f"{n[:2]}.{n[2:5]}.{n[5:]}" for n in personal]) == ["core.report_ledger.report_key"]
    caplog.set_level("INFO", logger="wijkradar.ingest")
    later = load_file(home, write_csv(tmp_path / "meldingen_w46.csv", HEADER, rows(plain[:30] + ["12349999"])))
    assert later.rows_accepted == 31
    assert total(home) == 61                           # 60 reports and one new, each once
    assert "report number(s) of meldingen written with thousands dots" in caplog.text
    assert not [k for (k,) in query(home, "SELECT report_key FROM core.report_ledger") if "." in k]
    assert holding(home, personal + [f"{n[:2]}.{n[2:5]}.{n[5:]}" for n in personal]) == []
    assert query(home, "SELECT * FROM meta.pending_upgrades") == []
