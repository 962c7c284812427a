"""The list stage reads nothing: no module of pipelines/lists imports DuckDB or the warehouse."""
from pathlib import Path

from tests.test_architecture import imported_roots

LISTS = Path(__file__).resolve().parents[3] / "pipelines" / "lists"


def test_list_modules_do_not_touch_the_warehouse():
    for path in sorted(LISTS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "duckdb" not in imported_roots(path), path.name
        assert "pipelines.warehouse" not in source and "pipelines.runs" not in source, path.name
        assert source.startswith('"""'), f"{path.name} opens without its purpose"
