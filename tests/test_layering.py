"""Arrows between the apps point one way: budget, meetings → kpis → goalplan.

goalplan (plans, goals, the organisation and who reads what) knows no other app; kpis (indicators,
measures, the status engine, the write rule) knows goalplan only; budget and meetings may use
both. No import inside a function dodges a cycle, except in an AppConfig.ready(), where Django
wants the registrations made (signals, the approvals that lock months).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("goalplan", "kpis", "budget", "meetings")
MAY_NOT_IMPORT = {
    "goalplan": {"kpis", "budget", "meetings"},
    "kpis": {"budget", "meetings"},
    "budget": set(),
    "meetings": set(),
}


def sources(app: str):
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


def imported_apps(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    else:
        return set()
    return {name.split(".")[0] for name in names} & set(APPS)


def imports_of(path: Path):
    """(line, apps imported, inside a function, that function's name) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, function=None):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, (ast.Import, ast.ImportFrom)) and imported_apps(child):
                found.append((child.lineno, imported_apps(child), function))
            visit(child, inner)

    visit(tree)
    return found


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {', '.join(sorted(apps & MAY_NOT_IMPORT[app]))}"
        for path in sources(app)
        for line, apps, _function in imports_of(path)
        if apps & MAY_NOT_IMPORT[app]
    ]
    assert wrong == []


@pytest.mark.parametrize("package", [*APPS, "config"])
def test_no_import_of_an_app_inside_a_function_but_in_ready(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} ({function})"
        for path in sources(package)
        for line, _apps, function in imports_of(path)
        if function is not None and not (path.name == "apps.py" and function == "ready")
    ]
    assert wrong == []


def test_the_rule_sees_what_it_forbids(tmp_path):
    # A check that cannot fail is no check: a goalplan module importing kpis, and an import of
    # another app inside a function, are both seen.
    module = tmp_path / "example.py"
    module.write_text("from kpis.status import evaluate_measures\n\ndef f():\n    from meetings import models\n")
    found = imports_of(module)
    assert found == [(1, {"kpis"}, None), (4, {"meetings"}, "f")]
