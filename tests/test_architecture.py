"""The heart of the design: models/ is pure and never imports IO or orchestration."""
import ast
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent / "models"
FORBIDDEN = {"pipelines", "duckdb", "prefect", "great_expectations", "openpyxl", "requests", "httpx"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_models_import_nothing_from_io_or_orchestration():
    files = sorted(MODELS.rglob("*.py"))
    assert files, "models/ has no modules"
    offenders = {str(p.relative_to(MODELS)): sorted(imported_roots(p) & FORBIDDEN) for p in files}
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_the_checker_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import duckdb\nfrom pipelines.warehouse import connect\n")
    assert imported_roots(bad) & FORBIDDEN == {"duckdb", "pipelines"}
