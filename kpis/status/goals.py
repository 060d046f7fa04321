"""Goals: a goal's status from its measures, its assessment and its sub-goals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from goalplan.choices import Sex, Status
from goalplan.models import Goal, GoalAssessment, Plan
from goalplan.periods import Period
from kpis.status.measures import Evaluation, evaluate_plan


def combine_statuses(statuses: Iterable[Status]) -> tuple[Status, bool]:
    """The worst known status, and whether any input was missing.

    Inputs not due yet are left out (they are not missing); if every input is not due, neither
    is the result. Missing inputs are ignored unless all are missing.
    """
    statuses = [Status(status) for status in statuses]
    due = [status for status in statuses if status != Status.NOT_DUE]
    if statuses and not due:
        return Status.NOT_DUE, False
    known = [status for status in due if status != Status.MISSING]
    if not known:
        return Status.MISSING, bool(due)
    return max(known, key=lambda status: status.severity), len(known) < len(due)


@dataclass
class GoalEvaluation:
    goal: Goal
    status: Status
    incomplete: bool
    measures: list[Evaluation] = field(default_factory=list)
    assessment: GoalAssessment | None = None

    @property
    def partly_missing(self) -> bool:
        """Known status, but some of its inputs had no data (worth saying beside the status)."""
        return self.incomplete and self.status not in (Status.MISSING, Status.NOT_DUE)

    @property
    def note(self) -> str:
        """What to say beside the status: where it comes from when not every input is there."""
        if not self.partly_missing:
            return ""
        measured = [e for e in self.measures if e.status not in (Status.MISSING, Status.NOT_DUE)]
        if self.measures and not measured and self.assessment is not None:
            return _("as assessed; the measures have no outcome")
        return _("some data missing")


def evaluate_goals(
    plan: Plan, period: Period, *, kind: str | None = None, evaluations: Sequence[Evaluation] | None = None
) -> list[GoalEvaluation]:
    """Every goal of a plan (or of one kind) with its status for a period, for the whole scope.

    Pass the plan's ``evaluations`` when they are already computed (a dashboard), to not
    evaluate twice.
    """
    if evaluations is None:
        evaluations = evaluate_plan(plan, period, with_trend=False)
    by_goal = defaultdict(list)
    for evaluation in evaluations:
        if evaluation.unit_id is None and evaluation.sex == Sex.TOTAL and evaluation.measure.goal_id:
            by_goal[evaluation.measure.goal_id].append(evaluation)
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("goal_area", "parent__plan")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=GoalAssessment.objects.in_period(period),
                to_attr="assessments_of_period",
            )
        )
    )
    children = defaultdict(list)
    for goal in goals:
        if goal.parent_id:
            children[goal.parent_id].append(goal)
    results: dict[int, GoalEvaluation] = {}

    def evaluate(goal: Goal) -> GoalEvaluation:
        if goal.pk not in results:
            assessment = goal.assessments_of_period[0] if goal.assessments_of_period else None
            inputs = [e.status for e in by_goal[goal.pk]]
            inputs += [Status(assessment.status)] if assessment else []
            inputs += [evaluate(child).status for child in children[goal.pk]]
            status, incomplete = combine_statuses(inputs)
            results[goal.pk] = GoalEvaluation(goal, status, incomplete, by_goal[goal.pk], assessment)
        return results[goal.pk]

    return [evaluate(goal) for goal in goals if kind is None or goal.kind == kind]
