"""Which approved figures were changed after their approval: read from the audit history, which
every write path keeps (admin, entry page, imports, resources, deletes), so no path can forget to
flag a change. Registered with kpis.approval_changes in meetings/apps.py."""

from __future__ import annotations

from django.db.models import Q

from goalplan.periods import Period
from kpis.approval_changes import ChangeAfterApproval
from kpis.models import Measure, Outcome, StatusOverride
from meetings.models import FollowUpReport, UnitApproval


def _approvals(plan, period: Period, unit_id):
    """(months, approved at) of the approvals of the unit's (None: the whole plan's) figures that
    cover a month of the period: its approved rounds, and the plan's approved reports (which
    approve every unit's)."""
    months = set(period.months())
    found = []
    unit_approvals = UnitApproval.objects.filter(
        report__plan=plan, state=UnitApproval.State.APPROVED, unit_id=unit_id
    ).select_related("report")
    for approval in unit_approvals:
        covered = set(approval.report.period.months()) & months
        if covered and approval.approved_at:
            found.append((covered, approval.approved_at))
    reports = FollowUpReport.objects.filter(plan=plan, state=FollowUpReport.State.APPROVED).defer("snapshot", "pdf")
    for report in reports:
        covered = set(report.period.months()) & months
        if covered and report.approved_at:
            found.append((covered, report.approved_at))
    return found


def changes_in_plan(plan, period: Period, unit_id: int | None) -> list[ChangeAfterApproval]:
    approvals = _approvals(plan, period, unit_id)
    if not approvals:
        return []
    since = min(approved_at for _months, approved_at in approvals)
    indicators = Measure.objects.filter(plan=plan).values("indicator_id")
    years = sorted({year for months, _at in approvals for year, _month in months})
    changes = []
    for model in (Outcome, StatusOverride):
        rows = (
            model.history.filter(
                Q(unit__isnull=True) if unit_id is None else Q(unit_id=unit_id),
                indicator_id__in=indicators,
                history_date__gt=since,
                year__in=years,
            )
            .select_related("history_user")
            .order_by("history_date")
        )
        for row in rows:
            figure = Period(row.year, row.period_kind, row.period_number)
            touched = set(figure.months())
            earlier = [at for months, at in approvals if touched & months and row.history_date > at]
            if earlier:
                approved_at = min(earlier)
                user = row.history_user
                changes.append(
                    ChangeAfterApproval(
                        indicator_id=row.indicator_id,
                        unit_id=row.unit_id,
                        period=figure,
                        changed_at=row.history_date,
                        changed_by=(user.get_full_name() or user.get_username()) if user else "",
                        reason=row.history_change_reason or "",
                        approved_at=approved_at,
                    )
                )
    return changes
