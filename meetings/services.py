"""Writes for follow-up reports: approving freezes the content and the PDF."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.access import validate_reason
from meetings.models import FollowUpReport
from meetings.pdf import render_report_pdf
from meetings.reports import report_content
from meetings.selectors import unapproved_scopes


def report_pdf(report: FollowUpReport) -> bytes:
    """The report as PDF: the frozen PDF once approved, else made now from the live data."""
    if report.is_approved and report.pdf:
        return bytes(report.pdf)
    if report.plan_id is None:
        raise ValidationError(_("The report has no plan in the system, so there is nothing to show in it."))
    return render_report_pdf(report_content(report))


APPROVE_PERMISSION = "meetings.approve_followupreport"


def _refuse_unless_approver(user) -> None:
    if user is None or not user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("Only an administrator may approve or un-approve follow-up reports."))


def _record(report: FollowUpReport, *, user, reason: str, message: str) -> None:
    """Keep the state change in the report's history and in the admin log."""
    FollowUpReport.history.bulk_history_create(
        [report], update=True, default_user=user, default_change_reason=reason or message
    )
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[report], action_flag=CHANGE, change_message=message, single_object=True
    )


def _scope_names(scopes) -> str:
    return ", ".join(str(scope) if scope else _("Whole plan") for scope in scopes)


@transaction.atomic
def approve_report(*, report: FollowUpReport, user, override: str = "") -> FollowUpReport:
    """Approve a draft: freeze every figure, status and comment it shows, and its PDF.

    Only when a controller has approved every unit's figures the round asks for (and the whole
    plan's), or with ``override``: the reason to approve without them, kept in the report.
    Only a draft can be approved, once: two people approving at the same time cannot both freeze
    (the row is locked and the state checked again inside the transaction).
    """
    _refuse_unless_approver(user)
    override = validate_reason(override)
    locked = FollowUpReport.objects.select_for_update().get(pk=report.pk)
    if locked.is_approved:
        raise ValidationError(_("The report is already approved; its content is frozen."))
    if locked.plan_id is None:
        raise ValidationError(_("The report has no plan in the system, so there is nothing to approve."))
    pending = unapproved_scopes(locked)
    if pending and not override:
        raise ValidationError(
            _(
                "The figures of %(scopes)s are not approved. Approve them first, or give the reason for "
                "approving the report without them."
            )
            % {"scopes": _scope_names(pending)},
            code="units_not_approved",
        )
    override_text = f"{override} ({_('not approved')}: {_scope_names(pending)})" if pending else None
    locked.approval_override = override_text  # printed in the frozen report
    content = report_content(locked)
    pdf = render_report_pdf(content)
    updated = FollowUpReport.objects.filter(pk=locked.pk, state=FollowUpReport.State.DRAFT).update(
        state=FollowUpReport.State.APPROVED,
        snapshot=content,
        pdf=pdf,
        approved_at=timezone.now(),
        approved_by=user,
        approval_override=override_text,
    )
    if not updated:
        raise ValidationError(_("The report is already approved; its content is frozen."))
    locked.refresh_from_db()
    message = _("Approved (content and PDF frozen).")
    if locked.approval_override:
        message = f"{message} {_('Without every unit')}: {locked.approval_override}"
    _record(locked, user=user, reason=override if pending else "", message=message)
    return locked


@transaction.atomic
def unapprove_report(*, report: FollowUpReport, user, reason: str) -> FollowUpReport:
    """Return an approved report to draft, with the administrator's reason.

    The periods it locked open again; the content and PDF that were approved stay in the report's
    history (and a new approval freezes them anew).
    """
    _refuse_unless_approver(user)
    reason = validate_reason(reason)
    if not reason:
        raise ValidationError(_("Give the reason for un-approving the report."), code="reason_required")
    locked = FollowUpReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_approved:
        raise ValidationError(_("The report is not approved."))
    FollowUpReport.objects.filter(pk=locked.pk).update(
        state=FollowUpReport.State.DRAFT,
        snapshot=None,
        pdf=None,
        approved_at=None,
        approved_by=None,
        approval_override=None,
    )
    locked.refresh_from_db()
    _record(locked, user=user, reason=reason, message=_("Un-approved: %(reason)s") % {"reason": reason})
    return locked
