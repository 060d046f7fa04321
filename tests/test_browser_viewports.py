"""In headless Chromium at 1366 × 768, a tablet (768 × 1024) and a phone (390 × 844): no committee
page scrolls sideways (a wide table scrolls inside its own region). Screenshots of each land in
artifacts/screenshots/ to be looked at."""

import pytest
from playwright.sync_api import sync_playwright

from goalplan.models import Goal
from tests.browser import enter_first_tertial_2025, launch, load_seeds_and_member, log_in, screenshot
from tests.selectors import hsn_plan

pytestmark = [pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1366, 768), "tablet": (768, 1024), "phone": (390, 844)}


@pytest.fixture
def site(live_server):
    load_seeds_and_member()
    enter_first_tertial_2025()
    return live_server.url


def committee_pages() -> dict[str, str]:
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


def test_no_committee_page_scrolls_sideways_at_three_sizes(site):
    pages = committee_pages()
    wide = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for size, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height}, locale="sv-SE")
            log_in(page, site)
            for name, path in pages.items():
                page.goto(site + path)
                page.wait_for_load_state("networkidle")
                scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll_width > inner_width:
                    wide.append(f"{name} at {size}: {scroll_width} > {inner_width}")
                screenshot(page, f"viewport-{size}-{name}")
            page.close()
        browser.close()
    assert wide == []
