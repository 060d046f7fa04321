"""The committee pages and the admin's entry page as typed page objects: what each page shows,
assembled here in a number of queries that does not grow with the data, so that views only look
the object up, check access and render.

Every status on these pages comes from the status engine (``kpis.status``); nothing here judges
a value.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django_tables2 import RequestConfig

from goalplan.choices import Sex
from goalplan.models import Goal, GoalAssessment, OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from goalplan.selectors import readable_plan_ids, visible_to
from kpis.charts import chart_caption, measure_figure, target_label
from kpis.models import Measure, NationalValue, Outcome, Target
from kpis.selectors import chart_series
from kpis.status import ALL_UNITS, Evaluation, GoalEvaluation, evaluate_goals, evaluate_measures
from kpis.tables import OutcomeTable

OUTCOMES_PER_PAGE = 50
COMMENTS_SHOWN = 10
COMPARISONS_SHOWN = 30
TARGET_VERSIONS_SHOWN = 20


# The measure page ---------------------------------------------------------------------------


def readable_measures(user) -> QuerySet[Measure]:
    """The measures whose page the person may open, with what every measure page shows of them."""
    measures = Measure.objects.select_related("plan__body", "goal_area", "goal", "decided_by", "indicator")
    return visible_to(user, measures, "plan__body")


def outcome_table(request, measure: Measure) -> OutcomeTable:
    """Every stored outcome of the measure's indicator, sorted and paged as the address asks."""
    outcomes = Outcome.objects.filter(indicator_id=measure.indicator_id).select_related("unit")
    table = OutcomeTable(outcomes.order_by("-year", "-period_number"), measure=measure)
    RequestConfig(request, paginate={"per_page": OUTCOMES_PER_PAGE}).configure(table)
    return table


@dataclass
class MeasurePage:
    """A measure for one period: key figures, chart, breakdowns, target history, comparison values,
    comments and every outcome."""

    measure: Measure
    period: Period
    overall: Evaluation  # the whole scope, total
    by_sex: list[Evaluation]  # empty unless the indicator is split by sex
    by_unit: list[tuple[OrganisationalUnit, Evaluation]]  # total per unit with a figure
    other_adoptions: list[Measure]  # the same indicator in other plans the person reads
    figure: dict
    chart_caption: str
    target_versions: list  # every version of the year's target, newest first
    comments: list[Outcome]
    comparisons: list[NationalValue]
    table: OutcomeTable

    @property
    def target_changed(self) -> bool:
        """A changed target keeps its former value in sight."""
        return len(self.target_versions) > 1


def measure_page(*, measure: Measure, period: Period, user, table: OutcomeTable) -> MeasurePage:
    """The measure page for a period; one evaluation gives the whole scope (per sex) and every unit."""
    evaluations = evaluate_measures([measure], period, unit=ALL_UNITS)
    whole_scope = [e for e in evaluations if e.unit_id is None]
    per_unit = [e for e in evaluations if e.unit_id is not None and e.sex == Sex.TOTAL]
    overall = next(e for e in whole_scope if e.sex == Sex.TOTAL)
    units = OrganisationalUnit.objects.in_bulk([e.unit_id for e in per_unit])
    indicator = measure.indicator
    # "Also followed in" names other plans: a second adoption in this plan (HSE under two goal
    # areas of HSN 2025) is not another plan.
    adoptions = Measure.objects.filter(indicator_id=measure.indicator_id).exclude(plan_id=measure.plan_id)
    return MeasurePage(
        measure=measure,
        period=period,
        overall=overall,
        by_sex=whole_scope if measure.split_by_sex else [],
        by_unit=[(units[e.unit_id], e) for e in per_unit],
        other_adoptions=list(
            visible_to(user, adoptions.select_related("plan"), "plan__body").order_by("plan__start_year", "pk")
        ),
        **_chart(measure, period, overall),
        target_versions=list(
            Target.history.filter(measure_id=measure.pk, year=period.year)
            .select_related("decided_by", "history_user")
            .order_by("-history_date")[:TARGET_VERSIONS_SHOWN]
        ),
        comments=list(
            indicator.outcomes.exclude(comment="")
            .select_related("unit")
            .order_by("-year", "-period_number")[:COMMENTS_SHOWN]
        ),
        comparisons=list(
            indicator.national_values.order_by("-year", "-period_number", "area_code", "sex")[:COMPARISONS_SHOWN]
        ),
        table=table,
    )


def _chart(measure: Measure, period: Period, overall: Evaluation) -> dict:
    """The chart's figure (with riket for a measure reported per month) and its caption."""
    series = chart_series([measure], year=period.year)[measure.pk]
    national = {}
    if series.reported_as in (PeriodKind.MONTH, PeriodKind.YEAR_TO_DATE):
        national = dict(
            NationalValue.objects.in_years(range(period.year, period.year + 1), kind=series.reported_as)
            .filter(indicator_id=measure.indicator_id, sex=Sex.TOTAL, area_code=NationalValue.NATIONAL_AREA_CODE)
            .values_list("period_number", "value")
            .order_by()  # the default ordering sorts by the indicator's name: a join for nothing
        )
    figure = measure_figure(
        title=measure.short_name or measure.name[:90],
        measure=measure,
        series=series,
        target_value=overall.threshold_value,
        target_label=target_label(overall),
        national_values=national,
    )
    return {"figure": figure, "chart_caption": chart_caption(series, period.year)}


# The goal page ------------------------------------------------------------------------------


def readable_goals(user) -> QuerySet[Goal]:
    """The goals whose page the person may open, with the two levels of goals they serve."""
    goals = Goal.objects.select_related("plan__body", "goal_area", "parent__plan", "parent__parent__plan")
    return visible_to(user, goals, "plan__body")


@dataclass
class GoalPage:
    """A goal for one period: its status, its measures, the goals it serves and that serve it, its
    assessments and its area's assignments."""

    goal: Goal
    period: Period
    status: GoalEvaluation
    evaluations: list[Evaluation]  # the goal's own measures, per sex
    ancestors: list[Goal]  # nearest first, each marked ``readable``
    children: list[Goal]  # goals of other bodies' plans that serve this one, the readable ones
    assessments: list[GoalAssessment]
    assignments: list = field(default_factory=list)
    shared_with: list[OrganisationalUnit] = field(default_factory=list)


def goal_page(*, goal: Goal, period: Period, user) -> GoalPage:
    """The goal page: only the goal's measures and those of its sub-goals in the plan (which its
    status rests on) are evaluated, not the whole plan."""
    subtree = _goal_and_sub_goals(goal)
    measures = Measure.objects.filter(plan_id=goal.plan_id, goal_id__in=subtree).select_related(
        "goal_area", "goal", "decided_by"
    )
    # The goal's own measures first, in their order: the page lists them as the engine returns them.
    ordered = sorted(measures, key=lambda m: (m.goal_id != goal.pk, m.order, m.pk))
    evaluations = evaluate_measures(ordered, period)
    status = next(g for g in evaluate_goals(goal.plan, period, evaluations=evaluations) if g.goal.pk == goal.pk)
    readable = readable_plan_ids(user)
    return GoalPage(
        goal=goal,
        period=period,
        status=status,
        evaluations=[e for e in evaluations if e.measure.goal_id == goal.pk],
        ancestors=_carrying(period, goal_ancestors(goal, readable)),
        children=_carrying(
            period, list(visible_to(user, goal.children.select_related("plan").order_by("order", "pk"), "plan__body"))
        ),
        assessments=list(goal.assessments.order_by("-year", "-period_number")),
        assignments=list(goal.plan.assignments.filter(goal_area=goal.goal_area_id).select_related("decided_by"))
        if goal.goal_area_id
        else [],
        shared_with=list(goal.shared_with.all()),
    )


def _carrying(period: Period, goals: list[Goal]) -> list[Goal]:
    """Goals of other plans, each with the query its link carries (``link_query``): the page's
    period where that plan offers its year, else none (the plan's own default period), so the
    site never links to a period its page refuses."""
    for other in goals:
        other.link_query = period.query if period.year in other.plan.followed_years else ""
    return goals


def _goal_and_sub_goals(goal: Goal) -> set[int]:
    """The goal and every goal under it in the same plan (what its status combines)."""
    parents = dict(Goal.objects.filter(plan_id=goal.plan_id).values_list("pk", "parent_id"))
    subtree, grew = {goal.pk}, True
    while grew:
        below = {pk for pk, parent in parents.items() if parent in subtree} - subtree
        subtree |= below
        grew = bool(below)
    return subtree


def goal_ancestors(goal: Goal, readable_plans: set[int]) -> list[Goal]:
    """The chain of goals this one serves, nearest first, across plans (regionplan last); each
    marked ``readable`` when the person may open its page (else it is named without a link)."""
    chain, seen = [], {goal.pk}
    parent = goal.parent  # readable_goals selects two levels with their plans; deeper ones load on access
    while parent is not None and parent.pk not in seen:
        parent.readable = parent.plan_id in readable_plans
        chain.append(parent)
        seen.add(parent.pk)
        parent = parent.parent
    return chain


# The plan page (its dashboard is kpis.dashboard) --------------------------------------------


@dataclass
class PlanPage:
    """A plan with its filters, its dashboard and links."""

    plan: Plan
    form: object  # goalplan.forms.DashboardFilterForm
    dashboard: object | None  # kpis.dashboard.Dashboard; None when the filters are invalid
    reports: list
    parent_readable: bool
    has_budget: bool = False  # the body has a budget for the plan's first year (else no link to it)


def plan_page(*, plan: Plan, form, dashboard, user) -> PlanPage:
    return PlanPage(
        plan=plan,
        form=form,
        dashboard=dashboard,
        # The list names the reports: their frozen content and PDF stay in the database.
        reports=list(plan.reports.defer("snapshot", "pdf").order_by("-period_end")),
        parent_readable=bool(plan.parent_id) and plan.parent_id in readable_plan_ids(user),
        has_budget=plan.body.budget_frames.filter(year=plan.start_year).exists(),
    )
