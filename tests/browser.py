"""Helpers for the browser tests: Debian's Chromium through Playwright, seed data, demo outcomes."""

import importlib
import os
from decimal import Decimal
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from goalplan.choices import Sex
from goalplan.models import Goal
from goalplan.periods import PeriodKind
from goalplan.seeds import seed_fixture_paths
from kpis.models import Measure, Outcome
from tests.selectors import hsn_plan

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
MEMBER = ("ledamot", "ledamot-lösen-2025")

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are plain synchronous code, so Django's async guard is lifted for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def load_seeds_and_member() -> None:
    """Transactional tests start from an empty database: load the seeds and a committee member."""
    call_command("loaddata", *[str(path) for path in seed_fixture_paths()], verbosity=0)
    user = get_user_model().objects.create_user(username=MEMBER[0], password=MEMBER[1])
    assert not user.is_staff


def restore_roles() -> None:
    """A transactional test's flush empties the groups the migrations made: made again as the
    roles migration makes them (administrators every right of our apps, reporters outcomes)."""
    importlib.import_module("kpis.migrations.0003_roles").create_roles(django_apps, None)


def enter_first_tertial_2025() -> None:
    """Monthly outcomes January–April 2025 for every measure of the 2025 plan, some far off target."""
    outcomes, entered = [], set()
    for index, measure in enumerate(Measure.objects.filter(plan=hsn_plan(2025)).prefetch_related("targets")):
        if measure.indicator_id in entered:
            continue  # HSE is adopted under two goal areas: one figure
        entered.add(measure.indicator_id)
        target = measure.targets.get(year=2025)
        base = target.value if target.value is not None else Decimal(50)
        factor = Decimal("0.7") if index % 3 == 0 else Decimal("1.05")
        if measure.direction == Measure.Direction.LOWER_IS_BETTER:
            factor = 2 - factor
        for month in range(1, 5):
            outcomes.append(
                Outcome(
                    indicator=measure.indicator,
                    year=2025,
                    period_kind=PeriodKind.MONTH,
                    period_number=month,
                    sex=Sex.TOTAL,
                    value=(base * factor + month - 2).quantize(Decimal("0.01")),
                )
            )
    Outcome.objects.bulk_create(outcomes)


def committee_pages() -> dict[str, str]:
    """Every kind of committee page, on the seeds (with T1 2025 entered): name → address."""
    goal = Goal.objects.filter(plan=hsn_plan(2021), kind=Goal.Kind.RESULT_GOAL, measures__isnull=False).first()
    measure = hsn_plan(2025).measures.order_by("order").first()
    return {
        "plans": "/planer/",
        "dashboard": f"/planer/{hsn_plan(2025).pk}/?year=2025&period=tertial-1",
        "goal": f"/mal/{goal.pk}/?year=2021&period=tertial-1",
        "measure": f"/matetal/{measure.pk}/?year=2025&period=tertial-1",
        "budget": "/budget/HSN/2025/",
        "calendar": "/sammantraden/HSN/2025/",
        "report": f"/rapporter/{hsn_plan(2025).reports.get(kind='tertial').pk}/",
        "reports": "/rapporter/",
        "statement": "/tillganglighet/",
    }


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/konto/logga-in/")
    page.fill("#id_username", MEMBER[0])
    page.fill("#id_password", MEMBER[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/planer/")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
