"""The report number under other spellings of its header: read, so reports alike in day, category and buurt stay
apart and a repeated report counts once (the column was dropped, and every report known by its content only)."""
import pytest

from pipelines.warehouse import connect
from tests.conftest import load_file, write_csv

REST = ["Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]


def alike(numbers) -> list[list[str]]:
    """Reports alike in everything but their number."""
    return [[n, "20-11-2026", "Afval", "Zwerfafval", "BU01185000"] for n in numbers]


def stored(home) -> tuple[int, list[str]]:
    with connect(home.warehouse) as con:
        total = con.execute("SELECT coalesce(sum(count), 0) FROM core.signal_counts WHERE source = 'meldingen'").fetchone()[0]
        keys = [r[0] for r in con.execute("SELECT report_key FROM core.report_ledger ORDER BY 1").fetchall()]
    return int(total), keys


@pytest.mark.parametrize("header", ["Meldingsnummer", "Meldingnr.", "Melding nr", "Nummer melding", "Signaal-ID",
                                    "Zaaknummer", '"Melding\nnummer"'])
def test_reports_alike_but_for_their_number_are_each_counted_once(home, header):
    load_file(home, write_csv(home.inbox / "meldingen_a.csv", [header, *REST], alike(["M-9001", "M-9002", "M-9003"])))
    load_file(home, write_csv(home.inbox / "meldingen_b.csv", [header, *REST], alike(["M-9004", "M-9005", "M-9006"])))
    # the first export again under the usual header: the same three reports, not three more
    load_file(home, write_csv(home.inbox / "meldingen_c.csv", ["Meldingnummer", *REST], alike(["M-9001", "M-9002", "M-9003"])))
    total, keys = stored(home)
    assert total == 6
    assert keys == [f"id:M-900{i}" for i in range(1, 7)]


def test_a_file_with_the_usual_header_and_another_number_reads_the_usual_one(home):
    rows = [[*r, f"Z-{i}"] for i, r in enumerate(alike(["M-1", "M-2"]))]
    load_file(home, write_csv(home.inbox / "meldingen.csv", ["Meldingnummer", *REST, "Zaaknummer"], rows))
    assert stored(home) == (2, ["id:M-1", "id:M-2"])
