"""'Min rapportering': what a person must report in the rounds open now, what is missing, by
when, and one click into the entry page set to the plan, period and unit.

A reporter reports the figures of their units (indicators reported per unit); an administrator
also the whole plan's figures of the indicators they are the responsible person of. The owner of a
goal's analysis sees the goal in each open round, with its assessment for the round's period.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from goalplan.models import Goal, GoalAssessment, OrganisationalUnit, Plan
from goalplan.periods import Period
from goalplan.roles import is_administrator
from goalplan.selectors import readable_plans
from kpis.access import outcome_scope_for
from kpis.duties import Duty, duties_of
from kpis.rounds import ApprovalState, RoundNotice, approval_states, notices_for


@dataclass(frozen=True)
class EntryLink:
    """The entry page for one period of a task's missing figures."""

    period: Period
    missing: int
    url: str


@dataclass
class ReportingTask:
    """One open round of a plan, for one unit (None: the whole plan's figures)."""

    plan: Plan
    notice: RoundNotice
    unit: OrganisationalUnit | None
    duties: list[Duty] = field(default_factory=list)
    approval: ApprovalState | None = None  # None: nothing has happened in the round yet

    @property
    def round_url(self) -> str:
        """The unit's page in the round: analyses, marking ready, the controller's answer."""
        report_id = self.notice.schedule.report_id
        if self.unit is None:
            return reverse("round_whole_plan", args=[report_id])
        return reverse("round_unit", args=[report_id, self.unit.pk])

    @property
    def missing(self) -> list[Duty]:
        return [duty for duty in self.duties if not duty.reported]

    @property
    def reported_count(self) -> int:
        return len(self.duties) - len(self.missing)

    @property
    def entry_links(self) -> list[EntryLink]:
        by_period: dict[Period, int] = defaultdict(int)
        for duty in self.missing:
            by_period[duty.entry_period] += 1
        return [
            EntryLink(period, count, entry_url(self.plan, period, self.unit)) for period, count in by_period.items()
        ]


def entry_url(plan: Plan, period: Period, unit: OrganisationalUnit | None) -> str:
    """The admin's entry page set to the plan, period and unit."""
    query = {"plan": plan.pk, "year": period.year, "period": period.token}
    if unit is not None:
        query["unit"] = unit.pk
    return f"{reverse('admin:kpis_outcome_entry')}?{urlencode(query)}"


def reporting_tasks(user, *, today: datetime.date | None = None) -> list[ReportingTask]:
    """The person's tasks in every round open today of the plans they read, earliest deadline
    first; a task with nothing due is left out."""
    today = today or timezone.localdate()
    scope = outcome_scope_for(user)
    if scope.unit_ids is None:
        units = []  # an administrator writes every unit: their own tasks are the whole plan's
    else:
        units = list(OrganisationalUnit.objects.filter(pk__in=scope.unit_ids, is_active=True).order_by("name"))
    administrator = is_administrator(user)
    bodies = {unit.body_id for unit in units}
    plans = readable_plans(user).select_related("body")
    if not administrator:
        plans = plans.filter(body_id__in=bodies)
    tasks = []
    for plan in plans:
        plan_units = [unit for unit in units if unit.body_id == plan.body_id]
        for notice in notices_for(plan, today=today):
            if not notice.is_open:
                continue
            period = notice.schedule.period
            if plan_units:
                per_unit: dict[int, list[Duty]] = defaultdict(list)
                for duty in duties_of(plan, period, units=plan_units, whole_plan=False):
                    per_unit[duty.unit.pk].append(duty)
                tasks += [ReportingTask(plan, notice, unit, per_unit[unit.pk]) for unit in plan_units]
            if administrator:
                whole = duties_of(plan, period, units=[])
                own = [duty for duty in whole if duty.indicator.responsible_person_id == user.pk]
                tasks.append(ReportingTask(plan, notice, None, own))
    tasks = [task for task in tasks if task.duties]
    states = approval_states(sorted({task.notice.schedule.report_id for task in tasks}))
    for task in tasks:
        task.approval = states.get((task.notice.schedule.report_id, task.unit.pk if task.unit else None))
    return sorted(tasks, key=lambda t: (t.notice.schedule.deadline or datetime.date.max, t.plan.pk, t.unit is not None))


@dataclass
class GoalAnalysisTask:
    """A goal whose analysis the person owns, in one open round: assessed for its period or not."""

    goal: Goal
    notice: RoundNotice
    assessment: GoalAssessment | None

    @property
    def is_written(self) -> bool:
        return self.assessment is not None and bool(self.assessment.comment.strip())

    @property
    def goal_url(self) -> str:
        return f"{reverse('goal_detail', args=[self.goal.pk])}?{self.notice.schedule.period.query}"

    @property
    def assessment_url(self) -> str:
        """The admin's form of the goal's assessment for the round's period (new or stored)."""
        if self.assessment is not None:
            return reverse("admin:goalplan_goalassessment_change", args=[self.assessment.pk])
        period = self.notice.schedule.period
        query = {"goal": self.goal.pk, "year": period.year, "period_kind": period.kind, "period_number": period.number}
        return f"{reverse('admin:goalplan_goalassessment_add')}?{urlencode(query)}"


def goal_analysis_tasks(user, *, today: datetime.date | None = None) -> list[GoalAnalysisTask]:
    """The goals whose analysis the person owns, in every round open today of their plans."""
    today = today or timezone.localdate()
    goals = list(
        Goal.objects.filter(analysis_owner=user, plan__in=readable_plans(user))
        .select_related("plan")
        .order_by("plan", "goal_area__order", "order", "pk")
    )
    by_plan: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        by_plan[goal.plan_id].append(goal)
    tasks = []
    for plan_goals in by_plan.values():
        for notice in notices_for(plan_goals[0].plan, today=today):
            if not notice.is_open:
                continue
            assessments = {
                assessment.goal_id: assessment
                for assessment in GoalAssessment.objects.in_period(notice.schedule.period).filter(goal__in=plan_goals)
            }
            tasks += [GoalAnalysisTask(goal, notice, assessments.get(goal.pk)) for goal in plan_goals]
    return tasks
