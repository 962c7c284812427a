"""The malformed-input corpus (``tests/pipelines/malformed/``): every file has an asserted outcome.

An ``error`` case must end with a clear one-sentence error naming the problem and leave the
warehouse exactly as it was; a ``quarantine`` case must load, put exactly the named rows in
quarantine with the reason, and reconcile (rows read = accepted + quarantined).
"""
from pathlib import Path

import pandas as pd
import pytest

from pipelines import reference
from pipelines.ingest import ingest_file
from pipelines.sources.common import IngestError
from pipelines.validate import ValidationRefused
from pipelines.warehouse import connect, table_digest
from tests.conftest import TODAY

CORPUS = Path(__file__).parent / "malformed"
CASES = pd.read_csv(CORPUS / "cases.csv", dtype=str, keep_default_na=False)


def test_the_corpus_has_at_least_twenty_distinct_inputs():
    assert len(CASES) >= 20 and CASES["file"].is_unique
    assert all((CORPUS / f).exists() for f in CASES["file"])


@pytest.mark.parametrize("case", CASES.to_dict("records"), ids=list(CASES["file"]))
def test_malformed_input(home, case):
    ref = reference.Reference()
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        before = table_digest(con)
        if case["outcome"] == "error":
            with pytest.raises((IngestError, ValidationRefused)) as err:
                ingest_file(con, CORPUS / case["file"], case["source"], ref, home.archive, today=TODAY)
            assert case["message"] in str(err.value)
            assert "\n" not in str(err.value).strip()
            assert table_digest(con) == before
            return
        result = ingest_file(con, CORPUS / case["file"], case["source"], ref, home.archive, today=TODAY)
        q = con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY 1").fetchall()
        load = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads").fetchone()
    expected_rows = [int(r) for r in case["quarantined_rows"].split()]
    assert [r for r, _ in q] == expected_rows
    assert all(case["message"] in why for _, why in q)
    assert load == (result.rows_read, result.rows_accepted, result.rows_quarantined)
    assert load[0] == load[1] + load[2] and load[0] > 0
