"""Reads for the committee pages, each in a number of queries that does not grow with the plan."""

from collections import defaultdict
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Q, QuerySet
from django.utils.translation import gettext as _

from goalplan.models import Body, Goal, GoalArea, OrganisationalUnit, Plan
from goalplan.periods import Period
from kpis.access import REPORTERS, is_administrator
from kpis.charts import sparkline_points
from kpis.models import Measure
from kpis.selectors import latest_period_with_data, measures_of_plan, monthly_values
from kpis.status import (
    Evaluation,
    GoalCounts,
    GoalEvaluation,
    StatusCounts,
    count_goals,
    count_statuses,
    evaluate_goals,
    evaluate_measures,
)
from kpis.tables import safe_cell


def readable_body_ids(user) -> QuerySet | None:
    """The ids of the bodies whose committee pages the person reads, as a subquery; None for all."""
    # "all": everyone logged in reads every body (the behaviour before membership existed).
    # "members": administrators read every body; reporters the bodies they are a member of and
    # those of the units they report for; everyone else only the bodies they are a member of.
    if settings.COMMITTEE_PAGES_VISIBILITY == "all" or is_administrator(user):
        return None
    if not (user.is_authenticated and user.is_active):
        return Body.objects.none().values("pk")
    # The reporter role is part of the same query (not a query of its own) so that every page
    # pays one query for the rule, whatever the role.
    is_reporter = Exists(get_user_model().groups.through.objects.filter(user_id=user.pk, group__name=REPORTERS))
    return Body.objects.filter(Q(members=user) | Q(is_reporter, units__reporters=user)).values("pk")


def visible_to(user, queryset: QuerySet, *body_fields: str) -> QuerySet:
    """The rows of ``queryset`` whose body (any of ``body_fields``, e.g. "plan__body") one reads."""
    # Every committee view looks its object up through this, so what a person may not read
    # answers 404 exactly like what does not exist.
    body_ids = readable_body_ids(user)
    if body_ids is None:
        return queryset
    rule = Q()
    for body_field in body_fields or ("body",):
        if _leads_to_many(queryset.model, body_field):
            # Through many rows (an indicator's adopting measures): a subquery, so a row read
            # through two plans is listed once.
            rows = queryset.model._base_manager.filter(**{f"{body_field}__in": body_ids}).values("pk")
            rule |= Q(pk__in=rows)
        else:
            rule |= Q(**{f"{body_field}__in": body_ids})
    return queryset.filter(rule)


def _leads_to_many(model, path: str) -> bool:
    """Does the lookup path pass a link to many rows (a reverse foreign key or many-to-many)?"""
    for link in path.split("__"):
        if link == "pk":
            return False
        field = model._meta.get_field(link)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def visible_bodies(user) -> QuerySet[Body]:
    """The bodies whose plans, budget and calendar the person reads."""
    return visible_to(user, Body.objects.all(), "pk")


def readable_plan_ids(user) -> set[int]:
    """The plans whose pages the person may open: a link to any other is shown as plain text."""
    return set(visible_to(user, Plan.objects.all(), "body").values_list("pk", flat=True))


def plans_for_user(user) -> QuerySet[Plan]:
    """The plans a person can see (those of the bodies they read), newest first, with counts."""
    return visible_to(
        user,
        Plan.objects.select_related("body", "parent")
        .annotate(measure_count=Count("measures", distinct=True), goal_count=Count("goals", distinct=True))
        .order_by("-start_year", "body__order", "title"),
        "body",
    )


def default_period(plan: Plan) -> Period:
    """The latest period with data in the plan's years (year to date), else its first tertial."""
    measures = Measure.objects.filter(plan=plan).select_related(None).only("pk", "indicator_id")
    years = range(plan.start_year, plan.end_year + 1)
    return latest_period_with_data(measures, years=years) or Period.tertial(plan.start_year, 1)


@dataclass
class MeasureRow:
    evaluation: Evaluation
    sparkline: str = ""


@dataclass
class GoalBlock:
    goal: GoalEvaluation
    level: int
    rows: list[MeasureRow] = field(default_factory=list)


@dataclass
class AreaBlock:
    area: GoalArea | None
    goals: list[GoalBlock] = field(default_factory=list)
    rows: list[MeasureRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.rows and not any(block.rows for block in self.goals)


@dataclass
class Dashboard:
    plan: Plan
    period: Period
    unit: OrganisationalUnit | None
    areas: list[AreaBlock]
    counts: StatusCounts
    goal_counts: list[GoalCounts]
    filtered: bool = False  # a goal area or status filter is set (an empty area says so, not "no measures")


def plan_dashboard(
    plan: Plan,
    period: Period,
    *,
    area: GoalArea | None = None,
    status: str = "",
    unit: OrganisationalUnit | None = None,
) -> Dashboard:
    """Goal areas → goals → measures with status, trend, sparkline and forecast for one period."""
    measures = list(measures_of_plan(plan=plan))
    evaluations = evaluate_measures(measures, period, unit=unit, total_only=True)
    goal_evaluations = evaluate_goals(plan, period, evaluations=evaluations if unit is None else None)
    series = monthly_values(measures, end_year=period.year, end_month=period.end_month, unit=unit)
    rows_by_goal: dict[int | None, list[MeasureRow]] = defaultdict(list)
    rows_by_area: dict[int | None, list[MeasureRow]] = defaultdict(list)
    shown = [
        e
        for e in evaluations
        if (not status or e.status == status) and (area is None or e.measure.goal_area_id == area.pk)
    ]
    for evaluation in shown:
        row = MeasureRow(
            evaluation, sparkline_points([value for _y, _m, value in series.get(evaluation.measure.pk, [])])
        )
        if evaluation.measure.goal_id:
            rows_by_goal[evaluation.measure.goal_id].append(row)
        else:
            rows_by_area[evaluation.measure.goal_area_id].append(row)

    goals_by_area: dict[int | None, list[GoalBlock]] = defaultdict(list)
    for goal_evaluation in goal_evaluations:
        goal = goal_evaluation.goal
        level = 1 if goal.parent_id and goal.parent.plan_id == plan.pk else 0
        goals_by_area[goal.goal_area_id].append(GoalBlock(goal_evaluation, level, rows_by_goal.get(goal.pk, [])))

    areas = [AreaBlock(a, goals_by_area.get(a.pk, []), rows_by_area.get(a.pk, [])) for a in plan.goal_areas.all()]
    if goals_by_area.get(None) or rows_by_area.get(None):
        areas.append(AreaBlock(None, goals_by_area.get(None, []), rows_by_area.get(None, [])))
    if area is not None:
        areas = [block for block in areas if block.area == area]
    if status:
        for block in areas:
            block.goals = [goal for goal in block.goals if goal.rows or goal.goal.status == status]
    return Dashboard(
        plan=plan,
        period=period,
        unit=unit,
        areas=areas,
        filtered=bool(area or status),
        counts=count_statuses(e.status for e in evaluations),
        goal_counts=[
            count_goals(goal_evaluations, kind)
            for kind in Goal.Kind.values
            if kind != Goal.Kind.PRIORITY_AREA and any(g.goal.kind == kind for g in goal_evaluations)
        ],
    )


DASHBOARD_EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def dashboard_dataset(dashboard: Dashboard):
    """The dashboard grid as a table for CSV/XLSX: outcomes as numbers, text safe from formulas."""
    dataset = tablib.Dataset(
        headers=[
            _("Goal area"),
            _("Goal"),
            _("Measure"),
            _("Target"),
            _("Limit"),
            _("Outcome"),
            _("Unit"),
            _("Coverage"),
            _("Status"),
            _("Trend"),
            _("Forecast for the year"),
        ]
    )

    def add(area_name: str, goal_title: str, row: MeasureRow) -> None:
        e = row.evaluation
        # Every text cell goes through safe_cell, our own labels too: one rule for the whole row
        # rather than a judgement per column of which texts a person can write.
        dataset.append(
            [
                safe_cell(area_name),
                safe_cell(goal_title),
                safe_cell(str(e.measure)),
                safe_cell(e.target_text),
                safe_cell(e.threshold_text),
                e.value.value,
                safe_cell(e.measure.unit),
                safe_cell(e.coverage_text),
                safe_cell(str(e.status.label)),
                safe_cell(str(e.trend.label)),
                e.forecast.value if e.forecast else None,
            ]
        )

    for block in dashboard.areas:
        name = block.area.name if block.area else ""
        for row in block.rows:
            add(name, "", row)
        for goal in block.goals:
            for row in goal.rows:
                add(name, goal.goal.goal.title, row)
    return dataset
