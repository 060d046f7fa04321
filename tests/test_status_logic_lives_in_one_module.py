"""Status and comparison logic lives in kpis/evaluation.py only (views and templates call it)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_DIRS = ["config", "goalplan", "kpis", "budget", "meetings"]
# Where statuses and target kinds may be named: the engine, and the definitions themselves.
ALLOWED = {
    ROOT / "kpis" / "evaluation.py",
    ROOT / "goalplan" / "choices.py",
    ROOT / "kpis" / "models.py",
}
STATUS_DECISION = re.compile(r"Status\.(GREEN|YELLOW|RED)|TargetKind\.|\.severity\b")
TEMPLATE_COMPARISON = re.compile(r"{%\s*(if|elif)[^%]*(<|>|\|floatformat)[^%]*%}")


def python_sources():
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and path not in ALLOWED:
                yield path


def test_no_status_decisions_outside_the_engine():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if STATUS_DECISION.search(line)
    ]
    assert offenders == []


def test_no_value_comparisons_or_number_formatting_in_templates():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TEMPLATE_COMPARISON.search(line)
    ]
    assert offenders == []
