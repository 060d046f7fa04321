"""Follow-up reports as PDF: content from the seeds, Swedish figures, frozen at approval."""

import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from goalplan.choices import Sex
from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome
from meetings.models import FollowUpReport
from meetings.services import approve_report, report_pdf
from tests.browser import enter_first_tertial_2025
from tests.round_approvals import approve_every_unit
from tests.selectors import hsn_plan, rs_plan_2018

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, with no-break spaces as plain spaces and lines joined."""
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.replace("\xa0", " ").split())


def rs_report() -> FollowUpReport:
    return FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")


def hsn_tertial_report() -> FollowUpReport:
    return FollowUpReport.objects.get(plan=hsn_plan(2025), kind=FollowUpReport.Kind.TERTIAL, period_end="2025-04-30")


def test_rs_follow_up_per_april_2018_holds_seed_002():
    text = pdf_text(report_pdf(rs_report()))
    assert "Uppföljning per april 2018 av regionstyrelsens verksamhetsplan 2018" in text
    assert "Ack april 2018" in text and "2018-05-28–29" in text
    assert "6 av 8 aktiva mål når inte målvärdet" in text
    # Active goals with target wording, figures the Swedish way and status.
    assert "Sjukfrånvaron för medarbetare inom Region Jämtland Härjedalen ska minska." in text
    assert "5,8 % helår" in text and "6,2 %" in text
    assert "90% inom 30 dagar" in text and "61 %" in text
    assert "Ej uppfyllt" in text and "Uppfyllt" in text
    # Success factors with their measure and comment, and the proposals of section 2.
    assert "Tillsammans med övriga intressenter inom regionen genomföra aktiviteter" in text
    assert "Mäts genom" in text and "Genomförda aktiviteter" in text
    assert "nolltolerans mot sexuell kränkning" in text
    assert "Förslag på justeringar" in text and "5,8 %" in text


def test_hsn_tertial_report_per_april_2025():
    enter_first_tertial_2025()
    text = pdf_text(report_pdf(hsn_tertial_report()))
    assert "Tertialrapport per april 2025" in text and "T1 2025" in text and "HSN/1528/2024" in text
    assert "Innehåll" in text and "Sida 2 av" in text
    assert "God och nära vård i hela Jämtland Härjedalen" in text
    assert "Minst 88 %" in text and "Kortare än 10 minuter" in text
    assert "Ej uppfyllt" in text and "Uppfyllt" in text
    assert "Budgetuppföljning" in text and "-1 117 400" in text and "-3 161 800" in text


def test_an_approved_report_does_not_change_when_an_outcome_is_corrected(admin_user, admin_client_sv):
    enter_first_tertial_2025()
    report = hsn_tertial_report()
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Medelväntetid för besvarade samtal")
    april = Outcome.objects.get(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, sex=Sex.TOTAL
    )
    approve_every_unit(report, admin_user)
    approved = approve_report(report=report, user=admin_user)
    assert approved.is_approved and approved.snapshot and approved.pdf
    frozen_pdf = report_pdf(approved)
    frozen_text = pdf_text(frozen_pdf)

    Outcome.objects.filter(pk=april.pk).update(value=Decimal("97.3"))
    approved.refresh_from_db()
    again = report_pdf(approved)
    assert again == frozen_pdf
    assert "97,3" not in pdf_text(again)
    # The live dashboard shows the correction.
    page = admin_client_sv.get(f"/planer/{hsn_plan(2025).pk}/?year=2025&period=month-4").content.decode()
    assert "97,3\xa0minuter" in page
    assert frozen_text == pdf_text(again)


def test_a_report_is_approved_once_and_then_frozen_in_the_admin(admin_user, admin_client_sv):
    report = rs_report()
    approve_every_unit(report, admin_user)
    approve_report(report=report, user=admin_user)
    with pytest.raises(ValidationError):
        approve_report(report=report, user=admin_user)
    change_page = admin_client_sv.get(f"/admin/meetings/followupreport/{report.pk}/change/").content.decode()
    assert 'name="title"' not in change_page  # read-only once approved
    download = admin_client_sv.get(f"/rapporter/{report.pk}/pdf/")
    report.refresh_from_db()  # the stored, approved PDF (a stale draft would be rendered anew, with a new time)
    assert download["Content-Type"] == "application/pdf" and bytes(download.content) == bytes(report.pdf)


def test_admin_action_approves_drafts(admin_client_sv):
    report = rs_report()
    approve_every_unit(report)
    response = admin_client_sv.post(
        "/admin/meetings/followupreport/",
        {
            "action": "approve_selected",
            "_selected_action": [report.pk],
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_approved


def test_the_pdf_is_named_after_the_report_in_full_and_cut_only_at_a_word(admin_client_sv):
    report = FollowUpReport.objects.filter(plan__isnull=False).order_by("-pk").first()
    FollowUpReport.objects.filter(pk=report.pk).update(
        title="Tertialrapport per april 2025 inklusive fördjupning om tillgänglighet och god och nära vård för hela regionen"
    )
    disposition = admin_client_sv.get(f"/rapporter/{report.pk}/pdf/")["Content-Disposition"]
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    assert ascii_name.endswith(".pdf") and len(ascii_name) <= 84
    words = [
        "tertialrapport",
        "per",
        "april",
        "2025",
        "inklusive",
        "fordjupning",
        "om",
        "tillganglighet",
        "och",
        "god",
        "och",
        "nara",
        "vard",
        "for",
        "hela",
        "regionen",
    ]
    assert all(part in words for part in ascii_name.removesuffix(".pdf").split("-"))  # whole words only
    assert "filename*=UTF-8''Tertialrapport%20per%20april%202025" in disposition and "regionen.pdf" in disposition


def test_the_report_page_shows_what_the_pdf_shows(admin_client_sv):
    report = FollowUpReport.objects.get(plan__body__short_name="HSN", plan__start_year=2025, kind="tertial")
    page = admin_client_sv.get(f"/rapporter/{report.pk}/").content.decode()
    for part in ("Trend", "Prognos helår", "Budgetuppföljning"):
        assert part in page, part
