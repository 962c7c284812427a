"""What Great Expectations sees, and so its data docs and validation JSON hold: typed values only."""
import contextlib

import pandas as pd
import pytest

from pipelines import reference
from pipelines.ingest import ingest_file
from pipelines.validate import Check, gx_expectations, safe_for_docs
from pipelines.warehouse import connect
from tests.conftest import TODAY, write_csv


@pytest.mark.parametrize("value", ["klacht jan jansen", "Kerkstraat14", "jan_jansen", "<b>x</b>", "0612345678",
                                   "Jeroen Brinkhuis", "7901 ab14", "KX-381-P", "meldingen van jansen"])
def test_free_text_in_a_typed_column_is_replaced_by_its_row(value):
    frame = pd.DataFrame({"row_number": [7, 8], "area_code": [value, "BU01185000"]})
    assert safe_for_docs(frame)["area_code"].tolist() == ["ONGELDIG-7", "BU01185000"]


@pytest.mark.parametrize("value", ["BU01185000", "WK011851", "GM0118", "BU0363TA05", "WK0363SE", "BU00960000",
                                   "2026-11-26", "2026-11", "2026-W47", "12",
                                   "3.5", "SIG-123456", "M-2026-000123", "p-0123456789abcdef0123", "zwerfafval",
                                   "illegale_dump", "eenzaamheid"])
def test_typed_values_are_shown_as_they_are(value):
    frame = pd.DataFrame({"row_number": [1], "col": [value]})
    assert safe_for_docs(frame)["col"].tolist() == [value]


def test_a_value_of_the_suites_value_set_is_shown_and_equal_values_keep_one_token():
    gxe = gx_expectations()
    checks = [Check(gxe.ExpectColumnValuesToBeInSet(column="crime_type", value_set=["1.1.1 Diefstal/inbraak woning"]),
                    "unknown crime type")]
    frame = pd.DataFrame({"row_number": [1, 2, 3, 4],
                          "crime_type": ["1.1.1 Diefstal/inbraak woning", "Jan Jansen", "Piet", "Jan Jansen"]})
    out = safe_for_docs(frame, checks)["crime_type"].tolist()
    # a uniqueness check over the column still sees rows 2 and 4 as the same value
    assert out == ["1.1.1 Diefstal/inbraak woning", "ONGELDIG-2", "ONGELDIG-3", "ONGELDIG-2"]


def test_the_data_docs_and_validation_json_hold_no_free_text_typed_into_a_code_column(home):
    header = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode", "Status"]
    rows = [[f"SIG-{100 + i}", "02-11-2026", "Afval", "Zwerfafval", "BU01185000", "Afgehandeld"] for i in range(10)]
    rows += [["SIG-1", "03-11-2026", "Afval", "Zwerfafval", "klacht jan jansen", "Gemeld"],
             ["SIG-2", "03-11-2026", "klacht jan jansen", "bewoner wolfsbos", "BU01189999", "Gemeld"]]
    path = write_csv(home.inbox / "meldingen_docs.csv", header, rows)
    ref = reference.Reference()
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        ingest_file(con, path, "meldingen", ref, home.archive, today=TODAY, docs_root=home.docs)
    written = [p for p in home.docs.parent.rglob("*") if p.is_file() and p.suffix in (".html", ".json")]
    assert written
    for page in written:
        text = page.read_text(encoding="utf-8", errors="replace").lower()
        assert "jansen" not in text and "wolfsbos" not in text, page


def test_data_docs_pages_are_the_same_with_the_shared_bytecode_cache():
    """GX's views keep their compiled templates in one cache (pipelines.validate._cache_jinja_bytecode): each page,
    rendered one after another by views of their own, is the page GX renders without it, and the cache is used."""
    import re

    import great_expectations as gx
    from great_expectations.render.renderer import ExpectationSuitePageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    from pipelines.validate import _cache_jinja_bytecode

    _cache_jinja_bytecode()
    gxe = gx_expectations()
    suites = [gx.ExpectationSuite(name=f"suite{i}", expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="area_code"),
        gxe.ExpectColumnValuesToBeInSet(column="signal", value_set=["zwerfafval", f"soort{i}"]),
        gxe.ExpectColumnValuesToBeBetween(column="count", min_value=0, max_value=10 ** i)]) for i in range(3)]

    def pages():       # rendering changes a document in place: each view gets its own
        return [ExpectationSuitePageRenderer().render(s) for s in suites]

    def own_view():
        view = DefaultJinjaPageView.__new__(DefaultJinjaPageView)
        DefaultJinjaPageView._wijkradar_own_init(view)
        return view

    def page(view, document):      # a page's asset links carry the time of rendering (?d=20261129T203313.205649Z)
        return re.sub(r"\?d=\d{8}T\d{6}\.\d+Z", "?d=TIME", view.render(document))

    cache = DefaultJinjaPageView._wijkradar_bytecode
    cached = [page(DefaultJinjaPageView(), p) for p in pages()]
    assert len(cache.compiled) >= 5 and DefaultJinjaPageView().env.bytecode_cache is cache
    assert own_view().env.bytecode_cache is None
    own = [page(own_view(), p) for p in pages()]
    for i, (a, b) in enumerate(zip(cached, own)):
        assert f"soort{i}" in a and len(a) > 5000
        assert a == b


def test_a_validation_gives_the_same_verdict_with_each_configuration_built_once(monkeypatch):
    """run_suite keeps each expectation's configuration for the validation (GX rebuilds it ~130 times an expectation):
    the failures are the same as GX's own, and GX's own property is back afterwards."""
    import numpy as np
    from great_expectations.expectations.expectation import Expectation

    from pipelines import validate
    from pipelines.reference import Reference
    from pipelines.sources import wijkteam

    ref, today = Reference(), pd.Timestamp("2026-11-26")
    codes = ref.buurten["area_code"].to_numpy()
    n = 60
    frame = pd.DataFrame({"row_number": np.arange(n), "area_code": codes[np.arange(n) % len(codes)],
                          "signal": "eenzaamheid", "period_start": pd.Timestamp("2026-01-01"), "period_matches": True,
                          "count": 3.0, "count_fraction": 0.0, "count_ambiguous": False, "count_merged": False,
                          "count_plausible": True})
    frame["cell_code"] = frame["area_code"]
    frame.loc[3, "count"], frame.loc[7, "area_code"], frame.loc[9, "period_matches"] = -1.0, "BU99999999", False
    frame.loc[11, "cell_code"] = frame.loc[12, "cell_code"]                     # a repeated cell
    own = Expectation.configuration
    kept = validate.run_suite("wijkteam", frame, wijkteam.checks(ref, today))
    assert Expectation.configuration is own
    monkeypatch.setattr(validate, "_configurations_kept", contextlib.nullcontext)
    plain = validate.run_suite("wijkteam", frame, wijkteam.checks(ref, today))
    pd.testing.assert_frame_equal(kept.failures, plain.failures)
    assert set(kept.failures["row_number"]) >= {3, 7, 9, 11, 12}
