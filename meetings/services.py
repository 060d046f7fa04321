"""Writes for follow-up reports: approving freezes the content and the PDF."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.cache import data_changed
from meetings.models import FollowUpReport
from meetings.pdf import render_report_pdf
from meetings.reports import report_content


def report_pdf(report: FollowUpReport) -> bytes:
    """The report as PDF: the frozen PDF once approved, else made now from the live data."""
    if report.is_approved and report.pdf:
        return bytes(report.pdf)
    if report.plan_id is None:
        raise ValidationError(_("The report has no plan in the system, so there is nothing to show in it."))
    return render_report_pdf(report_content(report))


@transaction.atomic
def approve_report(*, report: FollowUpReport, user) -> FollowUpReport:
    """Approve a draft: freeze every figure, status and comment it shows, and its PDF.

    Only a draft can be approved, once: two people approving at the same time cannot both freeze
    (the row is locked and the state checked again inside the transaction).
    """
    locked = FollowUpReport.objects.select_for_update().get(pk=report.pk)
    if locked.is_approved:
        raise ValidationError(_("The report is already approved; its content is frozen."))
    if locked.plan_id is None:
        raise ValidationError(_("The report has no plan in the system, so there is nothing to approve."))
    content = report_content(locked)
    pdf = render_report_pdf(content)
    updated = FollowUpReport.objects.filter(pk=locked.pk, state=FollowUpReport.State.DRAFT).update(
        state=FollowUpReport.State.APPROVED,
        snapshot=content,
        pdf=pdf,
        approved_at=timezone.now(),
        approved_by=user,
    )
    if not updated:
        raise ValidationError(_("The report is already approved; its content is frozen."))
    locked.refresh_from_db()
    data_changed()  # the conditional UPDATE sends no save signal; approval locks periods
    return locked
