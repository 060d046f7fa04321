"""In headless Chromium: a committee member logs in, filters the 2025 dashboard to T1, opens a red
measure and sees its chart; every committee page passes an axe-core WCAG 2.1 AA scan."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from tests.browser import (
    committee_pages,
    enter_first_tertial_2025,
    launch,
    load_seeds_and_member,
    log_in,
    screenshot,
)
from tests.selectors import hsn_plan

pytestmark = [pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def site(live_server):
    load_seeds_and_member()
    enter_first_tertial_2025()
    return live_server.url


def test_member_filters_to_t1_and_opens_a_red_measure_with_its_chart(site):
    plan = hsn_plan(2025)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        log_in(page, site)
        screenshot(page, "01-plans")
        page.get_by_role("link", name=plan.title).click()
        expect(page.locator("h1")).to_have_text(plan.title)
        page.select_option("#id_year", "2025")
        page.select_option("#id_period", "tertial-1")
        page.get_by_role("button", name="Visa").click()
        expect(page.locator("#summary-heading")).to_have_text("T1 2025")
        assert "year=2025" in page.url and "period=tertial-1" in page.url
        screenshot(page, "02-dashboard-t1")

        red_row = page.locator("tr", has=page.locator(".status-red")).filter(has=page.locator("td.measure-name")).first
        expect(red_row).to_be_visible()
        red_row.locator("td.measure-name a").click()
        expect(page.locator(".key-figures .status-red").first).to_contain_text("Ej uppfyllt")
        expect(page.locator("#measure-chart")).to_have_attribute("data-rendered", "true", timeout=15000)
        assert page.locator("#measure-chart svg.main-svg").count() >= 1
        screenshot(page, "03-measure-red")
        browser.close()


def test_committee_pages_pass_axe_wcag_21_aa_and_never_use_colour_alone(site):
    pages = committee_pages()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="sv-SE")
        log_in(page, site)
        problems = {}
        for name, path in pages.items():
            page.goto(site + path)
            page.wait_for_load_state("networkidle")
            screenshot(page, f"axe-{name}")
            violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
            serious = [
                f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[name] = serious
            for status in page.locator(".status").all_text_contents():
                # A symbol and a word: the status can be read without seeing colour.
                assert any(ch.isalpha() for ch in status) and not status[0].isalpha(), (name, status)
        browser.close()
    assert problems == {}
