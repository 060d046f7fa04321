"""In headless Chromium at 1366 × 768, a tablet (768 × 1024) and a phone (390 × 844): no committee
page scrolls sideways (a wide table scrolls inside its own region). Screenshots of each land in
artifacts/screenshots/ to be looked at."""

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import committee_pages, enter_first_tertial_2025, launch, load_seeds_and_member, log_in, screenshot

pytestmark = [pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1366, 768), "tablet": (768, 1024), "phone": (390, 844)}


@pytest.fixture
def site(live_server):
    load_seeds_and_member()
    enter_first_tertial_2025()
    return live_server.url


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
