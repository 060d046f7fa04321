"""The plan dashboard as a page object: goal areas → goals → measures with status, trend,
sparkline and forecast for one period, its counts, and its export; in a number of queries that
does not grow with the plan."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from goalplan.models import Goal, GoalArea, OrganisationalUnit, Plan
from goalplan.periods import Period
from goalplan.templatetags.status_badge import status_badge
from kpis.approval_changes import changes_after_approval
from kpis.charts import sparkline_points
from kpis.exports import Number, Sheet
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


def default_period(plan: Plan) -> Period:
    """The latest period with data in the plan's years (year to date), else its first tertial."""
    measures = Measure.objects.filter(plan=plan).select_related(None).only("pk", "indicator_id")
    years = range(plan.start_year, plan.end_year + 1)
    return latest_period_with_data(measures, years=years) or Period.tertial(plan.start_year, 1)


@dataclass(slots=True)
class MeasureRow:
    """One measure's row, its texts formed once, by the same functions every page uses: a
    400-measure plan has 400 rows, and the template reading plain strings rather than calling
    through the evaluation (some 85 variable lookups a row) took half the page's time."""

    evaluation: Evaluation
    sparkline: str = ""
    url: str = ""
    target: str = ""
    threshold: str = ""  # the limit, when it says more than the wording
    value: str = ""
    coverage: str = ""
    badge: str = ""
    trend: str = ""
    forecast: str = ""  # empty without a forecast
    forecast_badge: str = ""
    forecast_coverage: str = ""
    changed_after_approval: str = ""  # who changed the approved figure, when and why

    @classmethod
    def of(cls, evaluation: Evaluation, sparkline: str, *, url: str) -> "MeasureRow":
        e, forecast = evaluation, evaluation.forecast
        return cls(
            evaluation=e,
            sparkline=sparkline,
            url=url,
            target=e.target_text,
            threshold=e.threshold_text if e.shows_threshold else "",
            value=e.value_text,
            coverage=e.coverage_text,
            badge=status_badge(e.status),
            trend=e.trend.text,
            forecast=e.forecast_text if forecast else "",
            forecast_badge=status_badge(forecast.status) if forecast else "",
            forecast_coverage=forecast.coverage.text if forecast else "",
        )


# A measure id no database reaches: reverse() once per page, the id put in its place per row.
URL_PLACEHOLDER = 2_147_483_647


def measure_url_maker(period_query: str):
    """The measure page's address for the period, as a function of the measure's id: reverse()
    costs some 30 µs, 400 times on a dashboard."""
    head, tail = reverse("measure_detail", args=[URL_PLACEHOLDER]).split(str(URL_PLACEHOLDER))
    return lambda measure_id: f"{head}{measure_id}{tail}?{period_query}"


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
    measure_url = measure_url_maker(period.query)
    changes = changes_after_approval(plan, period, unit.pk if unit else None)
    for evaluation in shown:
        points = sparkline_points([value for _y, _m, value in series.get(evaluation.measure.pk, [])])
        row = MeasureRow.of(evaluation, points, url=measure_url(evaluation.measure.pk))
        if changed := changes.get(evaluation.measure.indicator_id):
            row.changed_after_approval = "; ".join(change.text for change in changed)
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


def dashboard_sheet(dashboard: Dashboard) -> Sheet:
    """The dashboard grid as a spreadsheet (kpis.exports): outcomes and forecasts as numbers with
    the measure's decimals, the scope named on every row."""
    scope = str(dashboard.unit) if dashboard.unit else _("Whole plan")
    sheet = Sheet(
        title=_("Dashboard"),
        headers=[
            _("Goal area"),
            _("Goal"),
            _("Measure"),
            _("Organisational unit"),
            _("Period"),
            _("Target"),
            _("Limit"),
            _("Outcome"),
            _("Unit of measure"),
            _("Coverage"),
            _("Status"),
            _("Trend"),
            _("Forecast for the year"),
        ],
    )
    period = dashboard.period.label()

    def add(area_name: str, goal_title: str, row: MeasureRow) -> None:
        e = row.evaluation
        decimals = e.measure.decimals
        sheet.append(
            [
                area_name,
                goal_title,
                str(e.measure),
                scope,
                period,
                e.target_text,
                e.threshold_text,
                Number(e.value.value, decimals),
                e.measure.unit,
                e.coverage_text,
                str(e.status.label),
                str(e.trend.label),
                Number(e.forecast.value, decimals) if e.forecast else None,
            ]
        )

    for block in dashboard.areas:
        name = block.area.name if block.area else ""
        for row in block.rows:
            add(name, "", row)
        for goal in block.goals:
            for row in goal.rows:
                add(name, goal.goal.goal.title, row)
    return sheet
