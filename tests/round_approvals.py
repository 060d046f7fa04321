"""For tests of what an approved report does: its round's units approved as a controller would
(the steps themselves are tested in test_unit_approval)."""

from django.utils import timezone

from meetings.models import FollowUpReport, UnitApproval
from meetings.selectors import unapproved_scopes


def approve_every_unit(report: FollowUpReport, user=None) -> None:
    """Every unit's (and the whole plan's) figures the report's round asks for, approved."""
    for scope in unapproved_scopes(report):
        UnitApproval.objects.update_or_create(
            report=report,
            unit=scope,
            defaults={"state": UnitApproval.State.APPROVED, "approved_at": timezone.now(), "approved_by": user},
        )
