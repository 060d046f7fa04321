"""Which approved figures were changed after their approval: read from the audit history, which
every write path keeps (admin, entry page, imports, resources, deletes), so no path can forget to
flag a change. Registered with kpis.approval_changes in meetings/apps.py.

A figure counts as approved, and its change as one after approval, by the same rule as the lock
(kpis.access): its period ends in a month of an approved round of its unit (or of the whole plan,
or of an approved report of the plan).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q

from goalplan.models import Goal, GoalAssessment
from goalplan.periods import Period
from kpis.approval_changes import ChangeAfterApproval
from kpis.models import Measure, Outcome, StatusOverride
from meetings.models import FollowUpReport, UnitApproval

Approvals = list[tuple[frozenset[tuple[int, int]], datetime.datetime]]  # (months, approved at)


def _units(unit_ids: list[int | None]) -> Q:
    """The rows of these units (None: the whole plan's, which have no unit)."""
    scope = Q(unit__isnull=True) if None in unit_ids else Q(pk__in=[])
    return scope | Q(unit_id__in=[unit_id for unit_id in unit_ids if unit_id is not None])


def _history_window(approvals: Approvals) -> tuple[datetime.datetime, list[int]]:
    """What of the history can hold a change after these approvals: rows after the first of them,
    of the years their months are in."""
    since = min(approved_at for _months, approved_at in approvals)
    return since, sorted({year for months, _at in approvals for year, _month in months})


def _approved_before(row, figure: Period, approvals: Approvals) -> list[datetime.datetime]:
    """When the approvals covering the figure were given before the history row was written,
    judged as the lock judges a figure: by the month its period ends."""
    end = (figure.year, figure.end_month)
    return [at for months, at in approvals if end in months and row.history_date > at]


def _approvals(plan, period: Period, unit_ids: list[int | None]) -> tuple[dict[int | None, Approvals], Approvals]:
    """The approvals that cover a month of the period: per unit (None: the whole plan) its
    approved rounds, and the plan's approved reports (which approve every unit's figures)."""
    months = set(period.months())
    per_unit: dict[int | None, Approvals] = defaultdict(list)
    rounds = UnitApproval.objects.filter(_units(unit_ids), report__plan=plan, state=UnitApproval.State.APPROVED)
    for approval in rounds.select_related("report").defer("report__snapshot", "report__pdf"):
        covered = frozenset(approval.report.period.months()) & months
        if covered and approval.approved_at:
            per_unit[approval.unit_id].append((covered, approval.approved_at))
    reports = []
    for report in FollowUpReport.objects.filter(plan=plan, state=FollowUpReport.State.APPROVED).defer(
        "snapshot", "pdf"
    ):
        covered = frozenset(report.period.months()) & months
        if covered and report.approved_at:
            reports.append((covered, report.approved_at))
    return per_unit, reports


def _change(row, figure: Period, approved: list, *, indicator_id: int, unit_id: int | None) -> ChangeAfterApproval:
    """A history row as a change after approval: who, when and why, and when it was approved."""
    user = row.history_user
    return ChangeAfterApproval(
        indicator_id=indicator_id,
        unit_id=unit_id,
        period=figure,
        changed_at=row.history_date,
        changed_by=(user.get_full_name() or user.get_username()) if user else "",
        reason=row.history_change_reason or "",
        approved_at=min(approved),
    )


def changes_in_plan(plan, period: Period, unit_ids: list[int | None]) -> list[ChangeAfterApproval]:
    per_unit, reports = _approvals(plan, period, unit_ids)
    approvals_of = {unit_id: per_unit.get(unit_id, []) + reports for unit_id in unit_ids}
    every = [approval for approvals in approvals_of.values() for approval in approvals]
    if not every:
        return []
    since, years = _history_window(every)
    indicators = Measure.objects.filter(plan=plan).values("indicator_id")
    changes = []
    for model in (Outcome, StatusOverride):
        rows = model.history.filter(
            _units(unit_ids), indicator_id__in=indicators, history_date__gt=since, year__in=years
        )
        for row in rows.select_related("history_user").order_by("history_date"):
            figure = Period(row.year, row.period_kind, row.period_number)
            if earlier := _approved_before(row, figure, approvals_of.get(row.unit_id, [])):
                changes.append(_change(row, figure, earlier, indicator_id=row.indicator_id, unit_id=row.unit_id))
    return changes


def goal_assessment_changes(plan, period: Period) -> list[tuple[str, ChangeAfterApproval]]:
    """(goal title, change) of the plan's goal assessments changed after the whole plan's figures
    (or the plan's report) covering their period were approved."""
    per_unit, reports = _approvals(plan, period, [None])
    approvals = per_unit.get(None, []) + reports
    if not approvals:
        return []
    since, years = _history_window(approvals)
    found = []
    history = GoalAssessment.history.filter(goal__plan=plan, history_date__gt=since, year__in=years)
    for row in history.select_related("history_user").order_by("history_date"):
        figure = Period(row.year, row.period_kind, row.period_number)
        if earlier := _approved_before(row, figure, approvals):
            found.append((row.goal_id, _change(row, figure, earlier, indicator_id=0, unit_id=None)))
    titles = dict(Goal.objects.filter(pk__in={goal_id for goal_id, _change in found}).values_list("pk", "title"))
    return [(titles.get(goal_id, ""), change) for goal_id, change in found]
