"""In headless Chromium, one tertial round for two units end to end (another region's plan,
tests.round_region): the deadline is shown; the reporter opens Min rapportering, enters the
figures, is stopped from marking ready until the red measure has its analysis, marks both units
ready; the controller sees the board, sends one unit back, approves both once it is ready again;
the reporter is then refused a change on the entry page (every other write path refuses too:
test_write_locks, run for unit approvals); an administrator's change with a reason is flagged on
the dashboard and in the report."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from kpis.models import Outcome, Target
from meetings.models import ApprovalEvent, UnitApproval
from tests.browser import launch, restore_roles, screenshot
from tests.round_region import make_region

pytestmark = [pytest.mark.django_db(transaction=True)]
PASSWORD = "omgång-lösen-2026"


@pytest.fixture
def round_site(live_server):
    restore_roles()
    region = make_region()
    Target.objects.create(
        measure=region["monthly"], year=2026, kind="at_least", value=Decimal(90), wording="Minst 90 %"
    )
    region["south"].reporters.add(region["reporter"])  # the reporter answers for both areas
    today = timezone.localdate()
    report = region["report"]
    report.entry_deadline = today + datetime.timedelta(days=7)
    report.locks_on = today + datetime.timedelta(days=14)
    report.save()
    for user in (region["admin"], region["reporter"]):
        user.set_password(PASSWORD)
        user.first_name = user.username.title()
        user.save()
    return live_server.url, region


def log_in(browser, base_url: str, username: str):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="sv-SE")
    page.goto(f"{base_url}/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/planer/")
    return page


def enter_figures(page, link_name: str, values: dict[str, str]) -> None:
    page.get_by_role("link", name=re.compile(link_name, re.IGNORECASE)).click()
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Spara alla").click()
    expect(page.locator(".messagelist .success, .messagelist li").first).to_be_visible()
    page.go_back()
    page.go_back()
    page.reload()


def report_the_unit(page, base_url: str, unit_name: str) -> None:
    page.goto(f"{base_url}/min-rapportering/")
    task = page.locator("section.reporting-task", has_text=unit_name)
    task.get_by_role("link", name="Analyser och klarmarkering").click()
    expect(page.locator("h1")).to_contain_text(unit_name)
    enter_figures(
        page,
        "Mata in april 2026: 2 siffror saknas",
        {
            "Andel besök inom 90 dagar": "70",
            "Sjukfrånvaro": "6",
            "Sjukfrånvaro – Kvinnor": "7",
            "Sjukfrånvaro – Män": "5",
        },
    )
    enter_figures(page, "Mata in T1 2026: 1 siffra saknas", {"Patientnöjdhet": "82"})
    expect(page.locator("#figures-heading + p")).to_have_text("3 av 3 siffror rapporterade.")


def test_one_tertial_round_for_two_units(round_site):
    base_url, region = round_site
    report = region["report"]
    deadline = report.entry_deadline.isoformat()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        reporter = log_in(browser, base_url, "rapportor-norr")
        reporter.get_by_role("link", name="Min rapportering").click()
        expect(reporter.locator("section.reporting-task").first).to_contain_text(f"sista dag {deadline}")
        screenshot(reporter, "round-01-my-reporting")

        for unit in ("Område Norr", "Område Syd"):
            report_the_unit(reporter, base_url, unit)
            # The red measure stops the ready mark until it has its analysis and actions.
            reporter.get_by_role("button", name="Klarmarkera siffrorna").click()
            expect(reporter.locator(".error-summary")).to_contain_text("Andel besök inom 90 dagar")
            screenshot(reporter, f"round-02-stopped-{unit.split()[-1].lower()}")
            form = reporter.locator("form.analysis-form")
            form.get_by_label("Analys", exact=True).fill("Tre vakanta tjänster under våren.")
            form.get_by_label("Planerade åtgärder").fill("Hyrläkare från maj; ny bemanningsplan i juni.")
            form.get_by_role("button", name="Spara analys").click()
            expect(reporter.locator(".messages")).to_contain_text("Analysen av Andel besök inom 90 dagar är sparad.")
            reporter.get_by_role("button", name="Klarmarkera siffrorna").click()
            expect(reporter.locator(".approval-state")).to_contain_text("Klarmarkerad")
        screenshot(reporter, "round-03-ready")

        controller = log_in(browser, base_url, "controller")
        controller.goto(f"{base_url}/rapporter/{report.pk}/")
        controller.get_by_role("link", name="Inrapporteringens läge").click()
        summary = controller.locator("table.board-summary")
        expect(summary.locator("tr", has_text="Område Norr")).to_contain_text("Klarmarkerad")
        expect(summary.locator("tr", has_text="Område Syd")).to_contain_text("Klarmarkerad")
        screenshot(controller, "round-04-board")
        summary.locator("tr", has_text="Område Norr").get_by_role("link", name="Klarmarkerad").click()
        controller.get_by_label("Vad ska enheten rätta?").fill("Kontrollera aprils siffra för Sjukfrånvaro.")
        controller.get_by_role("button", name="Skicka tillbaka").click()
        expect(controller.locator(".approval-state")).to_contain_text("Skickad tillbaka")

        reporter.goto(f"{base_url}/min-rapportering/")
        north_task = reporter.locator("section.reporting-task", has_text="Område Norr")
        expect(north_task).to_contain_text("Skickad tillbaka – Kontrollera aprils siffra för Sjukfrånvaro.")
        north_task.get_by_role("link", name="Analyser och klarmarkering").click()
        reporter.get_by_role("button", name="Klarmarkera siffrorna").click()
        expect(reporter.locator(".approval-state")).to_contain_text("Klarmarkerad")

        for unit in ("Område Norr", "Område Syd"):
            controller.goto(f"{base_url}/rapporter/{report.pk}/inrapportering/")
            controller.locator("table.board-summary tr", has_text=unit).get_by_role("link").click()
            controller.get_by_role("button", name="Godkänn siffrorna").click()
            expect(controller.locator(".approval-state")).to_contain_text("Godkänd")
        screenshot(controller, "round-05-approved")

        # The approved figures are locked for the reporter (the entry page; test_write_locks runs
        # every other path for unit approvals).
        north = region["north"]
        entry = (
            f"{base_url}/admin/kpis/outcome/enter/?plan={region['plan'].pk}&year=2026&period=month-4&unit={north.pk}"
        )
        reporter.goto(entry)
        reporter.get_by_label("Andel besök inom 90 dagar", exact=True).fill("71")
        reporter.get_by_role("button", name="Spara alla").click()
        expect(reporter.locator("main")).to_contain_text("Enhetens siffror för perioden är godkända")
        stored = Outcome.objects.get(indicator=region["monthly"].indicator, unit=north, sex="T")
        assert stored.value == Decimal(70)

        # An administrator corrects it, with a reason: flagged on the dashboard and in the report.
        controller.goto(entry)
        controller.get_by_label("Andel besök inom 90 dagar", exact=True).fill("74")
        controller.get_by_label("Skäl till ändringen").fill("Dubbelräknade besök i april")
        controller.get_by_role("button", name="Spara alla").click()
        expect(controller.locator(".messagelist")).to_be_visible()
        stored.refresh_from_db()
        assert stored.value == Decimal(74)
        controller.goto(f"{base_url}/planer/{region['plan'].pk}/?year=2026&period=tertial-1&unit={north.pk}")
        row = controller.locator("tr", has=controller.locator("td.measure-name", has_text="Andel besök inom 90 dagar"))
        expect(row.locator(".changed-after-approval")).to_have_text("ändrat efter godkännande")
        expect(row).to_contain_text("Dubbelräknade besök i april")
        screenshot(controller, "round-06-dashboard-flag")
        controller.goto(f"{base_url}/rapporter/{report.pk}/")
        changed = controller.locator("#changed-after-approval")
        expect(changed).to_contain_text("Område Norr – Andel besök inom 90 dagar")
        expect(changed).to_contain_text("Dubbelräknade besök i april")
        expect(controller.locator("#unit-analyses")).to_contain_text("Tre vakanta tjänster under våren.")
        screenshot(controller, "round-07-report")
        browser.close()

    approvals = {a.unit.name: a for a in UnitApproval.objects.select_related("unit")}
    assert {name: a.state for name, a in approvals.items()} == {"Område Norr": "approved", "Område Syd": "approved"}
    Action = ApprovalEvent.Action
    assert list(approvals["Område Norr"].events.values_list("action", flat=True)) == [
        Action.READY,
        Action.SENT_BACK,
        Action.READY,
        Action.APPROVED,
    ]
