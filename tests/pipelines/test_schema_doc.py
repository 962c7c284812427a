"""docs/schema.md is generated from the migrations and kept in step with them."""
from pipelines.schema_doc import PAGE, render


def test_the_schema_page_matches_the_migrations():
    assert PAGE.read_text(encoding="utf-8") == render(), \
        "docs/schema.md is out of date: run `.venv/bin/python -m pipelines.schema_doc`"
