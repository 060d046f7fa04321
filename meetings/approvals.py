"""Approval per unit and round: a unit marks its figures ready ("klarmarkera"), a controller
approves them or sends them back with a comment, and un-approving needs a reason. Every step is
an ApprovalEvent; approved figures are locked on every write path (kpis.access, through
meetings.selectors.approved_unit_months).

At a follow-up round a red or yellow measure needs its analysis (meetings.analyses) before the
unit may mark the round ready.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.models import OrganisationalUnit
from kpis.access import outcome_scope_for, validate_reason
from kpis.rounds import RoundState
from meetings.analyses import duties_of_unit, missing_analyses
from meetings.models import ApprovalEvent, FollowUpReport, UnitApproval
from meetings.services import APPROVE_PERMISSION

State, Action = UnitApproval.State, ApprovalEvent.Action


def may_report(user, unit: OrganisationalUnit | None) -> bool:
    """May the person report (and mark ready) the unit's figures (None: the whole plan's)?"""
    return user is not None and outcome_scope_for(user).allows_unit(unit.pk if unit else None)


def may_approve(user) -> bool:
    return user is not None and user.has_perm(APPROVE_PERMISSION)


def approval_of(report: FollowUpReport, unit: OrganisationalUnit | None) -> UnitApproval:
    """The unit's approval row in the round (unsaved and open if nothing has happened yet)."""
    found = UnitApproval.objects.filter(report=report, unit=unit).first()
    return found or UnitApproval(report=report, unit=unit, state=State.OPEN)


def _step(approval: UnitApproval, *, to: str, action: str, user, comment: str = "") -> UnitApproval:
    """Move the approval to a state and keep the step (who, when, comment) in its log."""
    approval.state = to
    approval.comment = comment if action == Action.SENT_BACK else approval.comment
    if action == Action.APPROVED:
        approval.approved_at, approval.approved_by = timezone.now(), user
    elif action == Action.UNAPPROVED:
        approval.approved_at = approval.approved_by = None
    approval.save()
    ApprovalEvent.objects.create(approval=approval, action=action, comment=comment, by=user)
    return approval


def _locked_approval(report: FollowUpReport, unit: OrganisationalUnit | None) -> UnitApproval:
    """The unit's approval row, locked for the transaction (made if it does not exist yet), so
    that two people acting at once see each other's step; refused once the report is approved
    (the round is frozen with it)."""
    if FollowUpReport.objects.select_for_update().get(pk=report.pk).is_approved:  # serialises the steps
        raise ValidationError(_("The report is approved; un-approve it first."))
    approval, _created = UnitApproval.objects.get_or_create(report=report, unit=unit)
    return UnitApproval.objects.select_for_update().get(pk=approval.pk)


@transaction.atomic
def mark_ready(*, report: FollowUpReport, unit: OrganisationalUnit | None, user) -> UnitApproval:
    """The unit says its figures are in: refused while a red or yellow measure lacks its
    analysis and actions, or once the round has closed for the person."""
    if not may_report(user, unit):
        raise PermissionDenied(_("You may only mark your own units' figures ready."))
    approval = _locked_approval(report, unit)
    if approval.state not in (State.OPEN, State.SENT_BACK):
        raise ValidationError(_("The figures are already marked ready or approved."))
    _refuse_closed_to_reporters(report, user)
    duties = duties_of_unit(report, unit)
    if missing := [duty for duty in duties if not duty.reported]:
        names = ", ".join(str(duty.measure) for duty in missing)
        raise ValidationError(
            _("Enter every figure the round asks for first; missing: %(measures)s.") % {"measures": names},
            code="figures_missing",
        )
    _refuse_unexplained(report, unit, [duty.measure for duty in duties])  # the duties read once
    return _step(approval, to=State.READY, action=Action.READY, user=user)


def _refuse_unexplained(report: FollowUpReport, unit: OrganisationalUnit | None, measures=None) -> None:
    if missing := missing_analyses(report, unit, measures):
        names = ", ".join(str(measure) for measure in missing)
        raise ValidationError(
            _("Write an analysis and planned actions for every red or yellow measure first: %(measures)s.")
            % {"measures": names},
            code="analysis_missing",
        )


def _refuse_closed_to_reporters(report: FollowUpReport, user) -> None:
    closed = report.schedule().state(timezone.localdate()) == RoundState.LOCKED
    if closed and not outcome_scope_for(user).is_administrator:
        raise ValidationError(_("The round has closed; only an administrator may mark the figures ready."))


@transaction.atomic
def withdraw_ready(*, report: FollowUpReport, unit: OrganisationalUnit | None, user) -> UnitApproval:
    """The unit takes its ready mark back (before a controller has acted on it)."""
    if not may_report(user, unit):
        raise PermissionDenied(_("You may only mark your own units' figures ready."))
    approval = _locked_approval(report, unit)
    if approval.state != State.READY:
        raise ValidationError(_("The figures are not marked ready."))
    _refuse_closed_to_reporters(report, user)
    return _step(approval, to=State.OPEN, action=Action.WITHDRAWN, user=user)


def _controller_step(report, unit, user, *, expected: str) -> UnitApproval:
    if not may_approve(user):
        raise PermissionDenied(_("Only a controller (administrator) may approve or send back figures."))
    approval = _locked_approval(report, unit)
    if approval.state != expected:
        messages = {
            State.READY: _("The unit has not marked its figures ready."),
            State.APPROVED: _("The unit's figures are not approved."),
        }
        raise ValidationError(messages[expected])
    return approval


@transaction.atomic
def approve(*, report: FollowUpReport, unit: OrganisationalUnit | None, user) -> UnitApproval:
    """A controller approves the figures the unit marked ready: from now on they are locked."""
    approval = _controller_step(report, unit, user, expected=State.READY)
    # Asked again: an analysis emptied, or a figure changed to red, since the unit marked ready.
    _refuse_unexplained(report, unit)
    return _step(approval, to=State.APPROVED, action=Action.APPROVED, user=user)


@transaction.atomic
def send_back(*, report: FollowUpReport, unit: OrganisationalUnit | None, user, comment: str) -> UnitApproval:
    """A controller returns the figures to the unit, saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what the unit should correct."), code="comment_required")
    approval = _controller_step(report, unit, user, expected=State.READY)
    return _step(approval, to=State.SENT_BACK, action=Action.SENT_BACK, user=user, comment=comment)


@transaction.atomic
def unapprove(*, report: FollowUpReport, unit: OrganisationalUnit | None, user, reason: str) -> UnitApproval:
    """A controller withdraws an approval, with a reason: the figures open again for the unit."""
    reason = validate_reason(reason)
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the approval."), code="reason_required")
    approval = _controller_step(report, unit, user, expected=State.APPROVED)
    return _step(approval, to=State.OPEN, action=Action.UNAPPROVED, user=user, comment=reason)
