"""Police crime over OData against a real local HTTP server: paging, padding, nulls, provisional, errors."""
import pytest

from pipelines import reference
from pipelines.sources import politie
from pipelines.sources.common import IngestError
from pipelines.sources.odata import SourceUnreachable, fetch_pages
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY, load_file
from tests.pipelines.odata_server import Service, make_rows


@pytest.fixture(scope="module")
def buurten():
    return list(reference.Reference().buurten["area_code"])


def load(home, path):
    return load_file(home, path, "politie")


def test_fetch_follows_paging_archives_and_loads(home, buurten):
    yearly = {"ID": 99999, "SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "BU01185000", "Perioden": "2025JJ00",
              "GeregistreerdeMisdrijven_1": 14}
    rows = make_rows(buurten, extra_rows=[yearly])
    with Service(rows, filtering=False) as svc:     # a service that sends a yearly row against the query's filter
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
        pages = sum(1 for r in svc.requests if "TypedDataSet" in r)
    assert pages == -(-len(rows) // 1000) and pages > 5               # every page fetched
    assert len(list(folder.glob("TypedDataSet.*.json"))) == pages     # and archived unchanged
    result = load(home, folder)
    assert (result.rows_read, result.rows_quarantined) == (len(rows), 1)
    # known by a name wijkradar made (its digest may hold 7 digits in a row, which a sender's file name may not)
    assert result.file_name == f"politie download {folder.name}" and "[verwijderd]" not in result.describe()
    with connect(home.warehouse) as con:
        q = con.execute("SELECT reason FROM quarantine.rows").fetchone()[0]
        got = con.execute("SELECT signal, count(*), sum(count), sum(provisional::INT) FROM core.signal_counts "
                          "GROUP BY 1 ORDER BY 1").fetchall()
        one = con.execute("SELECT count FROM core.signal_counts WHERE area_code = 'BU01185000' "
                          "AND signal = 'woninginbraak' AND period_start = '2025-01-01'").fetchone()[0]
    assert "yearly JJ00 rows are never added" in q
    n_months = 34
    assert [(s, n) for s, n, _, _ in got] == [("geweld", 48 * n_months), ("woninginbraak", 48 * n_months)]
    assert all(p == 48 * 2 for _, _, _, p in got)                     # 2026-09 and -10 are provisional
    expected = sum(r["GeregistreerdeMisdrijven_1"] or 0 for r in rows if r["WijkenEnBuurten"].strip() == "BU01185000"
                   and r["SoortMisdrijf"].strip() == "1.1.1" and r["Perioden"] == "2025MM01")
    assert one == expected                                           # nulls count as zero (Default "Zero")
    again = load(home, folder)
    assert again.skipped


def test_unfiltered_query_error_is_explained():
    with Service(make_rows(["BU01185000"])) as svc:
        with pytest.raises(IngestError, match="more than 10,000 rows; narrow the filter"):
            fetch_pages(f"{svc.base}/47022NED/TypedDataSet?$format=json", backoff=0.01)


def test_retries_after_server_errors_then_succeeds(home, buurten):
    with Service(make_rows(buurten[:2]), fail_first=2) as svc:
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    assert load(home, folder).rows_read == 2 * 4 * 34


def test_unreachable_service_leaves_the_warehouse_untouched(home):
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        before = table_digest(con)
    with Service([]) as svc:
        base = svc.base
    with pytest.raises(SourceUnreachable, match="unreachable after 3 attempts.*nothing was loaded"):
        politie.fetch(base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    with connect(home.warehouse) as con:
        assert table_digest(con) == before
    assert not any((home.archive / "politie").glob("*"))          # no half archive either


@pytest.mark.flow
def test_monthly_police_flow_runs_in_prefect(home, buurten, prefect_harness):
    from pipelines.flows import monthly_police

    with Service(make_rows(buurten[:6])) as svc:
        result = monthly_police(home=str(home.root), base_url=svc.base, today=str(TODAY.date()))
    assert result.loads[0].rows_read == 6 * 4 * 34
    with connect(home.warehouse) as con:
        scored = con.execute("SELECT count(*) FROM marts.series_scores WHERE signal IN ('geweld', 'woninginbraak')").fetchone()[0]
    assert scored > 0


def test_a_message_shows_the_service_without_its_long_query(home):
    from pipelines.sources.odata import shown_url

    with Service([]) as svc:
        base = svc.base
    with pytest.raises(SourceUnreachable) as err:
        politie.fetch(base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    message = str(err.value)
    assert "$filter" not in message and "%27" not in message and "(query of " in message
    assert shown_url("https://example.org/47022NED/TypedDataSet?$filter=x") == \
        "https://example.org/47022NED/TypedDataSet (query of 9 characters)"


@pytest.mark.flow
def test_monthly_police_refuses_a_municipality_outside_the_profile_before_fetching(home, prefect_harness):
    from pipelines.flows import monthly_police

    with Service([]) as svc:
        with pytest.raises(reference.ReferenceError, match="'GM0363' is not in the profile"):
            monthly_police(home=str(home.root), base_url=svc.base, gemeente="GM0363")
        assert svc.requests == []                       # nothing asked of the service
    assert not any((home.archive / "politie").glob("*"))


def test_a_json_number_with_decimals_is_quarantined_as_not_whole_never_read_as_thousands(home, buurten):
    # the service's JSON number 1.234 was turned into the text "1.234" and stored as 1234 (Dutch thousands)
    rows = [{"ID": i, "SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": f"{code:<10}", "Perioden": "2026MM08",
             "GeregistreerdeMisdrijven_1": value}
            for i, (code, value) in enumerate(zip(buurten, [1.234, 2, 3.0, 12.5, 1000]))]
    with Service(rows) as svc:
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    result = load(home, folder)
    assert (result.rows_read, result.rows_quarantined) == (5, 2)
    with connect(home.warehouse) as con:
        q = con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY 1").fetchall()
        stored = con.execute("SELECT count FROM core.source_cells ORDER BY area_code").fetchall()
    assert q == [(1, "aantal is not a whole number"), (4, "aantal is not a whole number")]
    assert [n for (n,) in stored] == [2, 3, 1000]


def test_a_definitive_download_without_a_buurt_names_its_provisional_figures_that_stand(home, buurten):
    """Red team 8b F1: a revised download, every month definitive, without Centrum's October rows kept October's
    provisional figures of the first download with nothing said, read as final. The load's line now names them (the
    figures stand: a delivery replaces the cells it holds)."""
    from tests.pipelines.odata_server import politie_entities

    rows = make_rows(buurten[:6])
    with Service(rows) as svc:
        first = load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    assert "provisional" not in first.describe()
    revised = [r for r in rows if not (r["WijkenEnBuurten"].strip() == buurten[0] and r["Perioden"] == "2026MM10")]
    with Service(politie_entities(revised, provisional=())) as svc:
        second = load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    said = " ".join(second.describe().split())
    assert (f"politie: this delivery's figures of 2026-10: 1 buurt(en) ({buurten[0]}) are definitive but hold no rows of "
            "those buurten, whose provisional figures of an earlier delivery stand") in said
    with connect(home.warehouse) as con:
        left = con.execute("SELECT DISTINCT area_code, period_start::VARCHAR FROM core.signal_counts "
                           "WHERE provisional").fetchall()
    assert left == [(buurten[0], "2026-10-01")]


def test_a_download_that_makes_provisional_months_definitive_names_them_and_what_they_moved(home, buurten):
    """Red team 12a F2: the revision of a provisional month (Centrum's October burglaries 14 -> 0) loaded with the
    line "11328 rows read, 11328 accepted, 0 quarantined" and nothing more. The line now names the months made
    definitive, the cells that changed and the totals before and after."""
    from tests.pipelines.odata_server import politie_entities

    rows = make_rows(buurten[:6])
    first = [dict(r) for r in rows]
    bumped = next(r for r in first if r["WijkenEnBuurten"].strip() == buurten[0] and r["Perioden"] == "2026MM10"
                  and r["SoortMisdrijf"].strip() == "1.1.1")
    before = int(bumped["GeregistreerdeMisdrijven_1"] or 0)
    bumped["GeregistreerdeMisdrijven_1"] = before + 14
    with Service(politie_entities(first)) as svc:
        load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    with connect(home.warehouse) as con:
        oct_total, sep_total = (con.execute(
            "SELECT sum(count) FROM core.source_cells WHERE source = 'politie' AND period_start = ?",
            [day]).fetchone()[0] for day in ("2026-10-01", "2026-09-01"))
    with Service(politie_entities(first, provisional=("2026MM10",))) as svc:    # September definitive, unchanged
        second = load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    said = " ".join(second.describe().split())
    assert f"politie: provisional figures made definitive: 2026-09 (0 of 24 cells changed, total {sep_total} -> " \
           f"{sep_total})" in said, said
    assert "2026-10" not in said                                                # still provisional
    with Service(politie_entities(rows, provisional=())) as svc:                # October definitive, the 14 gone
        third = load_file(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01),
                          "politie", accept_drop=True)                         # 6 buurten: a drop of half the month
    said = " ".join(third.describe().split())
    assert (f"politie: provisional figures made definitive: 2026-10 (1 of 24 cells changed, total {oct_total} -> "
            f"{oct_total - 14})") in said, said
    assert "warning" not in said


# --- personal values in a fetched source (red team 10a F1) -----------------------------------------------------------

#: A name, a phone number, a name and a BSN where a buurt code, crime type, period and count belong.
PLANTED = {"WijkenEnBuurten": "Hendrikje Mulderij", "SoortMisdrijf": "06-24681357", "Perioden": "Jacobus Stuulen",
           "GeregistreerdeMisdrijven_1": "bsn 111222333"}


def planted_rows(buurten):
    rows = make_rows(buurten[:2])
    for row, (key, value) in zip(rows, PLANTED.items()):
        row[key] = value
    return rows


def payload_folder(rows, folder):
    import json

    from tests.pipelines.odata_server import politie_entities

    folder.mkdir(parents=True)
    for name, value in politie_entities(rows).items():
        (folder / f"{name.split('/')[1]}.001.json").write_text(json.dumps({"odata.metadata": "x", "value": value}))
    return folder


def assert_planted_values_quarantined_and_stored_nowhere(home, result, texts=()):
    from tests.adversarial.leaks import find_leaks

    assert (result.rows_read, result.rows_quarantined) == (2 * 4 * 34, 4)
    with connect(home.warehouse) as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM quarantine.rows ORDER BY row_number").fetchall()]
    assert [r.split(";")[0] for r in reasons] == [
        "holds personal data (naam) in WijkenEnBuurten", "holds personal data (telefoonnummer) in SoortMisdrijf",
        "holds personal data (naam) in Perioden", "holds personal data (bsn) in Aantal"], reasons
    assert find_leaks(PLANTED.values(), [home.root], texts=[result.describe(), *texts]) == []


def test_a_payload_folder_with_personal_values_is_scanned_as_a_delivered_file_is(home, buurten, tmp_path):
    """Only sources with file extensions were scanned ("fetched open data is not personal"): a payload folder copied
    from elsewhere, or a service URL that is a mirror, stored a name, a phone number and a BSN as written in the raw
    rows, the quarantine, the correction export and the archive."""
    folder = payload_folder(planted_rows(buurten), tmp_path / "elders" / "politie")
    assert_planted_values_quarantined_and_stored_nowhere(home, load(home, folder))


def test_every_period_of_the_table_passes_the_scan_though_it_reads_as_a_postcode_and_number(home, buurten):
    """``2024MM01`` reads as the postcode 2024 MM and house number 01: scanned as any text, every row was personal and
    the download refused."""
    with Service(make_rows(buurten[:3])) as svc:
        result = load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    assert (result.rows_read, result.rows_quarantined) == (3 * 4 * 34, 0)


def test_a_fetched_answer_is_archived_without_fields_it_does_not_read_nor_personal_values(home, buurten, caplog):
    """Red team 10a F2 (and F1 over a URL): the answer was archived byte for byte, with a field wijkradar never reads
    (a note with a name and a phone number), a JSON key holding a name and a phone number, and the personal values of
    the fields it reads. The archive now keeps the fields DataProperties name, each value that reads as personal
    data removed; the warning counts what was taken out and names none of it. The archived folder loads again."""
    import logging

    caplog.set_level(logging.INFO)
    rows = planted_rows(buurten)
    for row in rows[4:7]:
        row["Opmerking"] = "aangifte door Hendrikje Mulderij, tel 06-24681357"
        row["Melder Jacobus Stuulen 0613572468"] = 1
    with Service(rows, filtering=False) as svc:      # a server that sends what no filter asked for
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    said = caplog.text
    assert ("politie download of GM0118, before it was archived: 6 field(s) in 3 row(s) that wijkradar does not read "
            "were left out; 4 value(s) that read as personal data (bsn, naam, telefoonnummer) were removed, and their "
            "rows are quarantined") in said
    result = load(home, folder)
    secrets = [*PLANTED.values(), "Melder Jacobus Stuulen", "0613572468", "aangifte door"]
    assert_planted_values_quarantined_and_stored_nowhere(home, result, texts=[said])
    from tests.adversarial.leaks import find_leaks
    assert find_leaks(secrets, [home.root], texts=[said]) == []


def test_a_clean_answer_is_archived_with_no_warning_and_loads_the_same_again(home, buurten, caplog, tmp_path):
    import logging
    import shutil

    caplog.set_level(logging.INFO)
    with Service(make_rows(buurten[:4])) as svc:
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
    assert "before it was archived" not in caplog.text
    first = load(home, folder)
    copy = shutil.copytree(folder, tmp_path / "elders" / "politie")          # read as a folder from another home
    (copy / "DataProperties.001.json").write_text((copy / "DataProperties.001.json").read_text() + " ")
    again = load(home, copy)
    assert not again.skipped
    assert (again.rows_read, again.rows_accepted, again.rows_quarantined) == (
        first.rows_read, first.rows_accepted, first.rows_quarantined) == (4 * 4 * 34, 4 * 4 * 34, 0)


def test_quarantine_export_says_what_closes_a_downloaded_row_and_writes_no_correction_file(home, buurten):
    """Red team 10a F7: the export wrote ``politie_correctie_<load>.csv`` and told the analyst to load it with
    ``wijkradar ingest --source politie <file>``, which refuses every file (politie is fetched). It now writes no
    such file and says what works: a new download resolves the row, a dismissal closes it."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    rows = make_rows(buurten[:1])
    rows[3]["GeregistreerdeMisdrijven_1"] = "2,5"
    with Service(rows) as svc:
        first = load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    assert first.rows_quarantined == 1
    res = CliRunner().invoke(app, ["--home", str(home.root), "quarantine", "export"])
    said = " ".join(res.output.split())
    assert res.exit_code == 0, res.output
    assert not list(home.reports.glob("politie_correctie_*")) and "written" not in said
    assert (f"{first.load_id}: 1 open row(s) not exported: politie figures are fetched from the service, not "
            "delivered, so a corrected file cannot be loaded; a new download (`wijkradar ingest --source politie`) "
            f"resolves each row the service now sends valid, and `wijkradar quarantine dismiss {first.load_id}` "
            "closes the rest") in said
    rows[3]["GeregistreerdeMisdrijven_1"] = 2                        # the service has corrected it
    with Service(rows) as svc:
        load(home, politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01))
    with connect(home.warehouse) as con:
        assert con.execute("SELECT state FROM quarantine.rows").fetchall() == [("resolved",)]
    res = CliRunner().invoke(app, ["--home", str(home.root), "quarantine", "export"])
    assert "no open quarantined rows to export" in res.output


def test_a_history_from_2012_is_fetched_in_queries_the_service_answers(home, buurten):
    # the table reaches back to 2012: one query of Hoogeveen's buurten and crime types asks about 34,000 rows, which
    # the ODataApi refuses ("query returns more than 10000 records"); a test server serving 2024 on never did
    from urllib.parse import parse_qs, urlsplit

    from tests.pipelines.odata_server import politie_entities

    rows = make_rows(buurten, first_year=2012)
    assert len(rows) > 10_000
    with Service(politie_entities(rows, first_year=2012)) as svc:
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01)
        queries = {parse_qs(urlsplit(r).query)["$filter"][0] for r in svc.requests if "TypedDataSet" in r}
    assert len(queries) == 2026 - 2012 + 1                        # one a year
    result = load(home, folder)
    assert (result.rows_read, result.rows_quarantined) == (len(rows), 0)
    with connect(home.warehouse) as con:
        got = con.execute("SELECT min(period_start), max(period_start), count(*) FROM core.signal_counts").fetchone()
    assert str(got[0])[:10] == "2012-01-01" and str(got[1])[:10] == "2026-10-01"


def test_a_large_municipalitys_year_is_split_by_crime_type():
    from pipelines.sources.politie import query_urls

    months = [f"{y}MM{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    urls = query_urls("http://x", "GM0363", ["1.1.1", "1.4.3", "1.4.4", "1.4.5"], months, buurten=517)
    assert len(urls) == 8                                          # 517 x 4 x 12 = 24,816 rows a year: per type
    small = query_urls("http://x", "GM0088", ["1.1.1", "1.4.3"], months, buurten=2)
    assert len(small) == 1 and "Perioden%20ge" not in small[0]     # one query, as before


def test_the_hour_a_police_table_may_take_is_the_tables_over_all_its_queries(home, buurten):
    # red team 11a F4: split per year, each of Hoogeveen's 15 queries had its own hour; scaled down: 15 queries of
    # 0.2 s on a table allowed 1 s
    from tests.pipelines.odata_server import politie_entities
    from pipelines.sources.odata import SourceUnreachable

    rows = make_rows(buurten, first_year=2012)
    with Service(politie_entities(rows, first_year=2012), delay=0.2) as svc:
        with pytest.raises(SourceUnreachable, match="longer than wijkradar waits for one table"):
            politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, backoff=0.01, total=1.0)
        asked = sum("TypedDataSet" in r for r in svc.requests)
    assert asked < 15
