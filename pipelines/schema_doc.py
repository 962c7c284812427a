"""The warehouse schema as a page: ``docs/schema.md``, generated from the migrations (never by hand).

``python -m pipelines.schema_doc`` writes it; a test fails when the page and the migrations disagree.
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from pipelines import catalog
from pipelines.warehouse import migrate

PAGE = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
COMMENTS = {
    "raw": "rows as read, per load (only the columns a source uses; personal values redacted)",
    "core": "reference, the report ledger and source cells, and the signal counts derived from them",
    "quarantine": "rows that failed validation, with reason and state",
    "marts": "what wijkteams, managers and residents read",
    "meta": "loads, held loads, runs, schema version, reference version, feedback",
}


def render() -> str:
    con = duckdb.connect()
    version = migrate(con)
    cols = catalog.schema_columns(con)
    lines = ["# Warehouse schema", "",
             f"Generated from the migrations in `pipelines/sql/` (schema version {version}) by "
             "`python -m pipelines.schema_doc`; do not edit by hand.", ""]
    current = None
    for schema, table, column, dtype, nullable in cols:
        if (schema, table) != current:
            if current and current[0] != schema or current is None:
                lines += ["", f"## {schema}", "", COMMENTS.get(schema, ""), ""]
            lines += ["", f"### {schema}.{table}", "", "| column | type | null |", "|---|---|---|"]
            current = (schema, table)
        lines.append(f"| {column} | {dtype} | {'yes' if nullable == 'YES' else 'no'} |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def main() -> None:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"written {PAGE}", file=sys.stderr)


if __name__ == "__main__":
    main()
