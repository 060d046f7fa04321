"""Views stay thin: a view looks its object up, checks access, asks a page builder or selector
for what the page shows and renders it. Over MAX_VIEW_LINES lines, the page's assembly has crept
back into the view (move it to kpis/pages.py or the app's selectors)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_VIEW_LINES = 15
VIEW_MODULES = [
    "goalplan/views.py",
    "kpis/views.py",
    "kpis/plan_views.py",
    "kpis/diff_views.py",
    "budget/views.py",
    "meetings/views.py",
]
# Admin views that are pages of their own (not ModelAdmin plumbing): module → method names.
ADMIN_VIEWS = {"kpis/admin_outcomes.py": {"entry_view"}}


def code_lines(source_lines: list[str], node: ast.FunctionDef) -> int:
    """The function's lines from ``def`` to its end, without its docstring, comments and blank lines."""
    skipped = set()
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        skipped = set(range(body[0].lineno, body[0].end_lineno + 1))
    lines = range(node.lineno, node.end_lineno + 1)
    return sum(
        1
        for n in lines
        if n not in skipped and source_lines[n - 1].strip() and not source_lines[n - 1].strip().startswith("#")
    )


def is_view(node: ast.AST) -> bool:
    """A public function taking the request first (helpers are private, named with a leading _)."""
    if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
        return False
    arguments = [argument.arg for argument in node.args.args]
    return bool(arguments) and arguments[0] == "request"


def views() -> list[tuple[str, str, ast.FunctionDef, list[str]]]:
    found = []
    for module in VIEW_MODULES:
        source = (ROOT / module).read_text()
        tree = ast.parse(source)
        found += [(module, node.name, node, source.splitlines()) for node in tree.body if is_view(node)]
    for module, names in ADMIN_VIEWS.items():
        source = (ROOT / module).read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.name in names:
                found.append((module, node.name, node, source.splitlines()))
    return found


def test_every_view_module_has_views():
    modules = {module for module, _name, _node, _lines in views()}
    assert modules == {*VIEW_MODULES, *ADMIN_VIEWS}


@pytest.mark.parametrize(("module", "name", "node", "lines"), views(), ids=lambda v: v if isinstance(v, str) else "")
def test_view_is_thin(module, name, node, lines):
    length = code_lines(lines, node)
    assert length <= MAX_VIEW_LINES, f"{module}:{name} has {length} lines (at most {MAX_VIEW_LINES})"


def test_the_count_sees_a_long_view():
    source = "def view(request):\n" + "".join(f"    x{i} = {i}\n" for i in range(MAX_VIEW_LINES))
    node = ast.parse(source).body[0]
    assert is_view(node)
    assert code_lines(source.splitlines(), node) == MAX_VIEW_LINES + 1
