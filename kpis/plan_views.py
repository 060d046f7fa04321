"""Committee pages for a plan and a goal: thin views over kpis.dashboard and the status engine."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from config.routers import reads_from_replica
from goalplan.forms import DashboardFilterForm
from goalplan.models import Goal, Plan
from goalplan.periods import Period
from goalplan.selectors import plans_for_user, readable_plan_ids, visible_to
from kpis.cache import cached_fragment
from kpis.dashboard import DASHBOARD_EXPORT_FORMATS, dashboard_dataset, default_period, plan_dashboard
from kpis.status import evaluate_goals, evaluate_measures


@login_required
@reads_from_replica
def plan_detail(request, pk: int):
    # Visibility first: a plan the person may not read is a 404 before any cached page is read.
    plan = get_object_or_404(plans_for_user(request.user), pk=pk)
    form = DashboardFilterForm(request.GET, plan=plan, default_period=period_from_request(request, plan))
    dashboard_html = None
    if form.is_valid():
        data = form.cleaned_data
        export_format = request.GET.get("_export")

        def build():
            return plan_dashboard(
                plan, form.selected_period, area=data["area"], status=data["status"], unit=data["unit"]
            )

        if export_format in DASHBOARD_EXPORT_FORMATS:
            dataset = dashboard_dataset(build())
            response = HttpResponse(dataset.export(export_format), content_type=DASHBOARD_EXPORT_FORMATS[export_format])
            response["Content-Disposition"] = (
                f'attachment; filename="oversikt-{plan.pk}-{form.selected_period.token}.{export_format}"'
            )
            return response
        dashboard_html = cached_fragment(
            request,
            name=f"dashboard-{plan.pk}",
            plan_id=plan.pk,
            year=form.selected_period.year,
            render=lambda: render_to_string(
                "goalplan/_dashboard_body.html", {"dashboard": build(), "plan": plan}, request=request
            ),
        )
    context = {
        "plan": plan,
        "form": form,
        "dashboard_html": dashboard_html,
        "reports": plan.reports.order_by("-period_end"),
        "parent_readable": bool(plan.parent_id) and plan.parent_id in readable_plan_ids(request.user),
    }
    return render(request, "goalplan/plan_dashboard.html", context, status=200 if form.is_valid() else 400)


def period_from_request(request, plan: Plan) -> Period:
    """The period named by ?year=&period= (as on the dashboard), else the plan's default period."""
    try:
        return Period.from_token(int(request.GET["year"]), request.GET["period"])
    except (KeyError, ValueError):
        return default_period(plan)


@login_required
@reads_from_replica
def goal_detail(request, pk: int):
    goals = Goal.objects.select_related("plan__body", "goal_area", "parent__plan", "parent__parent__plan")
    goal = get_object_or_404(visible_to(request.user, goals, "plan__body"), pk=pk)
    period = period_from_request(request, goal.plan)
    measures = list(goal.measures.select_related("goal_area", "goal", "decided_by").order_by("order", "pk"))
    goal_status = next(g for g in evaluate_goals(goal.plan, period) if g.goal.pk == goal.pk)
    context = {
        "goal": goal,
        "period": period,
        "goal_status": goal_status,
        "evaluations": evaluate_measures(measures, period),
        # Goals of other bodies' plans that serve this one: only those the person may open.
        "children": visible_to(
            request.user, goal.children.select_related("plan").order_by("order", "pk"), "plan__body"
        ),
        "ancestors": goal_ancestors(goal, readable_plan_ids(request.user)),
        "assessments": goal.assessments.order_by("-year", "-period_number"),
        "assignments": goal.plan.assignments.filter(goal_area=goal.goal_area_id).select_related("decided_by")
        if goal.goal_area_id
        else [],
        "shared_with": goal.shared_with.all(),
    }
    return render(request, "goalplan/goal_detail.html", context)


def goal_ancestors(goal: Goal, readable_plans: set[int]) -> list[Goal]:
    """The chain of goals this one serves, nearest first, across plans (regionplan last); each
    marked ``readable`` when the person may open its page (else it is named without a link)."""
    chain, seen = [], {goal.pk}
    parent = goal.parent  # the view selects two levels with their plans; deeper ones load on access
    while parent is not None and parent.pk not in seen:
        parent.readable = parent.plan_id in readable_plans
        chain.append(parent)
        seen.add(parent.pk)
        parent = parent.parent
    return chain
