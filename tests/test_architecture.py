"""The heart of the design: models/ is pure and never imports IO or orchestration."""
import ast
import re
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


# -- one gateway to the warehouse ---------------------------------------------------------------------------

PIPELINES = MODELS.parent / "pipelines"
GATEWAY = {"catalog", "warehouse.py"}          # the named reads and writes, and the connection layer under them
SQL_METHODS = {"execute", "executemany", "sql", "query", "register", "unregister", "table", "view"}
SQL_TEXT = re.compile(r"\b(SELECT\s.+\sFROM|INSERT INTO|DELETE FROM|UPDATE\s+\w+\.\w+\s+SET|CREATE (TABLE|VIEW))\b",
                      re.IGNORECASE | re.DOTALL)


def sql_uses(path: Path) -> list[str]:
    """Calls of a connection's SQL methods and SQL text in string literals (not docstrings), by line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_METHODS:
            found.append(f"{node.lineno}: .{node.func.attr}(")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and SQL_TEXT.search(node.value)):
            found.append(f"{node.lineno}: SQL text")
    return found


def test_only_the_gateway_speaks_sql():
    files = [p for p in sorted(PIPELINES.rglob("*.py")) if p.relative_to(PIPELINES).parts[0] not in GATEWAY]
    assert len(files) > 20
    offenders = {str(p.relative_to(PIPELINES)): sql_uses(p) for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_gateway_check_catches_sql(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""Reads SELECT x FROM y in a docstring, which is fine."""\n'
                   'def f(con):\n    return con.execute("SELECT 1").df()\n'
                   'Q = "DELETE FROM core.areas"\n')
    assert sorted(sql_uses(bad)) == ["3: .execute(", "4: SQL text"]
