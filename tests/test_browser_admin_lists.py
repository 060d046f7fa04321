"""In headless Chromium at 1366 × 768 and 1920 × 1080, an administrator's lists fit the screen:
neither the page nor a list's own table region scrolls sideways (foreign-key columns such as a
measure's name wrap, headings wrap, and below 1600 px the navigation starts folded and the
filter column is narrower). The list pages' screenshots land in artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import sync_playwright

from goalplan.models import Plan
from tests.browser import enter_first_tertial_2025, launch, load_seeds_and_member, screenshot

pytestmark = [pytest.mark.django_db(transaction=True)]

ADMIN = ("controller", "controller-lösen-2025")
LISTS = [
    "kpis/outcome",
    "kpis/target",
    "kpis/measure",
    "kpis/indicator",
    "kpis/nationalvalue",
    "goalplan/goal",
    "goalplan/plan",
    "budget/budgetline",
    "budget/investment",
    "meetings/followupreport",
    "meetings/meetingitem",
]
SIZES = {"1366": (1366, 768), "1920": (1920, 1080)}


@pytest.fixture
def site(live_server):
    load_seeds_and_member()
    enter_first_tertial_2025()
    get_user_model().objects.create_superuser(ADMIN[0], password=ADMIN[1])
    return live_server.url


def test_the_admin_lists_fit_at_1366_and_1920(site):
    plan = Plan.objects.get(title__startswith="Plan med budget 2025").pk
    pages = [f"/admin/{name}/" for name in LISTS] + [f"/admin/kpis/outcome/enter/?plan={plan}&year=2025&period=month-4"]
    wide = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, locale="sv-SE")
            page.goto(f"{site}/admin/login/")
            page.fill("#id_username", ADMIN[0])
            page.fill("#id_password", ADMIN[1])
            page.click("input[type=submit]")
            page.wait_for_url(f"{site}/admin/")
            for path in pages:
                page.goto(site + path)
                page.wait_for_load_state("networkidle")
                page_width, region, inner = page.evaluate(
                    "[document.documentElement.scrollWidth,"
                    " (r => r ? [r.scrollWidth, r.clientWidth] : null)(document.querySelector('#changelist .results')),"
                    " window.innerWidth]"
                )
                if page_width > inner:
                    wide.append(f"{path} at {size}: page {page_width} > {inner}")
                if region and region[0] > region[1]:
                    wide.append(f"{path} at {size}: table {region[0]} > its region {region[1]}")
                name = path.strip("/").removeprefix("admin/").split("?")[0].strip("/").replace("/", "-")
                screenshot(page, f"admin-{size}-{name}")
            page.close()
        browser.close()
    assert wide == []


def test_a_persons_own_choice_of_navigation_is_kept(site):
    """The folded navigation below 1600 px is only where a person has not chosen: once opened,
    it stays open (Django keeps the choice)."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="sv-SE")
        page.goto(f"{site}/admin/login/")
        page.fill("#id_username", ADMIN[0])
        page.fill("#id_password", ADMIN[1])
        page.click("input[type=submit]")
        page.goto(f"{site}/admin/kpis/target/")
        assert "shifted" not in page.get_attribute("#main", "class")
        page.click("#toggle-nav-sidebar")
        page.goto(f"{site}/admin/kpis/target/")
        assert "shifted" in page.get_attribute("#main", "class")
        browser.close()
