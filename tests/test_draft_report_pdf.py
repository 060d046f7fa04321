"""Draft report PDFs are made once per content, at most REPORT_PDF_RENDERS_PER_MINUTE per person."""

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from budget.models import BudgetFrame, BudgetLine, BudgetOutcome
from goalplan.choices import Sex
from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome
from meetings import pdf_cache
from meetings.models import FollowUpReport
from meetings.reports import report_content
from meetings.services import approve_report
from tests.browser import enter_first_tertial_2025
from tests.round_approvals import approve_every_unit
from tests.selectors import hsn_plan
from tests.test_report_pdf import hsn_tertial_report, pdf_text

pytestmark = pytest.mark.django_db

TOO_MANY = "För många rapporter på kort tid – försök igen om en minut"


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with no kept PDFs and no renders counted, with the default limit of six."""
    settings.REPORT_PDF_RENDERS_PER_MINUTE = 6
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """The real renderer, counted."""
    made = []
    real = pdf_cache.render_report_pdf

    def counted(content):
        made.append(content["title"])
        return real(content)

    monkeypatch.setattr("meetings.pdf_cache.render_report_pdf", counted)
    return made


@pytest.fixture
def fake_renders(monkeypatch):
    """A renderer that takes no time: for the tests about how many renders a person gets."""
    made = []

    def fake(content):
        made.append(content["title"])
        return b"%PDF-1.7 " + content["title"].encode()

    monkeypatch.setattr("meetings.pdf_cache.render_report_pdf", fake)
    return made


def reader(client, username: str):
    client.force_login(get_user_model().objects.create_user(username=username, password="x-lösen-2025"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def logged_in_as(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def download(client, report: FollowUpReport):
    return client.get(f"/rapporter/{report.pk}/pdf/")


def figure_of(report: FollowUpReport, measure_name: str) -> str:
    """The figure the report prints for a measure, as the report's own content gives it."""
    rows = [
        row
        for area in report_content(report)["areas"]
        for row in [*area["measures"], *(r for goal in area["goals"] for r in goal["measures"])]
    ]
    value = next(row["value"] for row in rows if row["name"].startswith(measure_name))
    return " ".join(value.replace("\xa0", " ").split())  # as pdf_text reads it


def test_an_unchanged_draft_is_rendered_once(client, renders):
    enter_first_tertial_2025()
    member = reader(client, "ledamot")
    report = hsn_tertial_report()
    first, second = download(member, report), download(member, report)
    assert first.status_code == second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    assert len(renders) == 1
    assert bytes(second.content) == bytes(first.content)
    assert "Tertialrapport per april 2025" in pdf_text(bytes(second.content))


def test_a_changed_outcome_renders_the_draft_anew_with_the_new_figure(client, renders):
    enter_first_tertial_2025()
    member = reader(client, "ledamot")
    report = hsn_tertial_report()
    name = "Medelväntetid för besvarade samtal"
    before = figure_of(report, name)
    assert before in pdf_text(bytes(download(member, report).content))
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith=name)
    # A write that sends no signal and bumps no data version: the PDF must still follow it.
    Outcome.objects.filter(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, sex=Sex.TOTAL
    ).update(value=Decimal("97.3"))
    after = figure_of(report, name)
    assert after != before
    text = pdf_text(bytes(download(member, report).content))
    assert len(renders) == 2
    assert after in text and before not in text
    download(member, report)
    assert len(renders) == 2  # and the new PDF is kept in turn


def test_a_changed_budget_follow_up_renders_the_draft_anew(client, renders):
    member = reader(client, "ledamot")
    report = hsn_tertial_report()
    assert "-4 321 000" not in pdf_text(bytes(download(member, report).content))
    frame = BudgetFrame.objects.filter(body=report.body, year=2025, lines__isnull=False).distinct().first()
    line = BudgetLine.objects.filter(frame=frame).order_by("pk").first()
    BudgetOutcome.objects.create(line=line, month=4, outcome_tkr=Decimal(-1_000_000), forecast_tkr=Decimal(-4_321_000))
    assert "-4 321 000" in pdf_text(bytes(download(member, report).content))
    assert len(renders) == 2


def test_the_seventh_fresh_render_in_a_minute_is_refused_and_others_still_get_theirs(client, fake_renders, monkeypatch):
    drafts = list(
        FollowUpReport.objects.filter(state=FollowUpReport.State.DRAFT, plan__isnull=False).order_by("pk")[:7]
    )
    assert len(drafts) == 7
    member = reader(client, "ledamot")
    assert [download(member, report).status_code for report in drafts[:6]] == [200] * 6
    refused = download(member, drafts[6])
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert TOO_MANY in refused.content.decode()
    assert len(fake_renders) == 6
    # A kept PDF costs no render: the same person still gets the drafts already made.
    again = download(member, drafts[0])
    assert again.status_code == 200 and again.content == b"%PDF-1.7 " + drafts[0].title.encode()

    other = reader(client, "annan-ledamot")
    assert download(other, drafts[6]).status_code == 200
    assert len(fake_renders) == 7

    # A minute later the first person may render again. The cache's clocks: time.time, which the
    # expiries are computed from, and the time the database cache compares them with.
    later = time.time() + 61
    monkeypatch.setattr("time.time", lambda: later)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: datetime.fromtimestamp(later, tz=UTC))
    member = logged_in_as(client, "ledamot")
    for report in drafts[:6]:  # changed, so that each download is a fresh render
        report.summary = "Ändrad"
        report.save(update_fields=["summary"])
    assert [download(member, report).status_code for report in drafts[:6]] == [200] * 6
    assert len(fake_renders) == 13


def test_approved_reports_always_download_from_their_stored_bytes(client, admin_user, fake_renders, monkeypatch):
    monkeypatch.setattr("meetings.services.render_report_pdf", lambda content: b"%PDF-1.7 approved")
    approve_every_unit(hsn_tertial_report(), admin_user)
    report = approve_report(report=hsn_tertial_report(), user=admin_user)
    drafts = list(
        FollowUpReport.objects.filter(state=FollowUpReport.State.DRAFT, plan__isnull=False).order_by("pk")[:7]
    )
    member = reader(client, "ledamot")
    statuses = [download(member, draft).status_code for draft in drafts]
    assert statuses == [200] * 6 + [429]  # the person has no fresh render left
    for _ in range(3):
        response = download(member, report)
        assert response.status_code == 200 and response.content == b"%PDF-1.7 approved"
    assert len(fake_renders) == 6
