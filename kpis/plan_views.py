"""Committee pages for a plan and a goal: thin views over kpis.pages, kpis.dashboard and the status engine."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from config.routers import reads_from_replica
from goalplan.forms import DashboardFilterForm, PeriodForm
from goalplan.models import Plan
from goalplan.periods import Period
from goalplan.selectors import readable_plans
from kpis.cache import cached_fragment
from kpis.dashboard import Dashboard, dashboard_sheet, default_period, plan_dashboard
from kpis.exports import EXPORT_FORMATS, download
from kpis.pages import goal_page, plan_page, readable_goals
from kpis.rounds import notices_for


@login_required
@reads_from_replica
def plan_detail(request, pk: int):
    # Visibility first: a plan the person may not read is a 404 before any cached page is read.
    plan = get_object_or_404(readable_plans(request.user), pk=pk)
    form = DashboardFilterForm(request.GET, plan=plan, default_period=period_from_request(request, plan))
    valid = form.is_valid()
    if valid and (export_format := request.GET.get("_export")) in EXPORT_FORMATS:
        return dashboard_download(filtered_dashboard(plan, form), export_format)
    content_html = plan_content(request, plan, form) if valid else render_plan_content(request, plan, form)
    context = {
        "plan": plan,
        "content_html": content_html,
        "notices": notices_for(plan, form.selected_period if valid else None),
    }
    return render(request, "goalplan/plan_dashboard.html", context, status=200 if valid else 400)


def plan_content(request, plan: Plan, form: DashboardFilterForm) -> str:
    """The plan's header, filters and dashboard, from the shared cache when it holds them for the
    same data and filters: a hit then renders no form and reads no reports."""
    return cached_fragment(
        request,
        # Not "dashboard-…": that name held the dashboard without the header and filters.
        name=f"plan-{plan.pk}",
        plan_id=plan.pk,
        period=form.selected_period,
        # A unit's dashboard reads the unit's figures and the whole scope's (its goals): neither
        # moves when another unit's figures do.
        whole_scope=True,
        unit_id=form.cleaned_data["unit"].pk if form.cleaned_data["unit"] else None,
        render=lambda: render_plan_content(request, plan, form, filtered_dashboard(plan, form)),
    )


def render_plan_content(request, plan: Plan, form: DashboardFilterForm, dashboard: Dashboard | None = None) -> str:
    """The plan's header and filters, with the dashboard when the filters are valid."""
    page = plan_page(plan=plan, form=form, dashboard=dashboard, user=request.user)
    return render_to_string("goalplan/_plan_content.html", {"page": page}, request=request)


def filtered_dashboard(plan: Plan, form: DashboardFilterForm) -> Dashboard:
    """The dashboard for the period, goal area, status and unit the (valid) filter form names."""
    data = form.cleaned_data
    return plan_dashboard(plan, form.selected_period, area=data["area"], status=data["status"], unit=data["unit"])


def dashboard_download(dashboard: Dashboard, export_format: str) -> HttpResponse:
    """The dashboard grid as a CSV or XLSX attachment, named by the plan, period and scope."""
    scope = f" {dashboard.unit}" if dashboard.unit else ""
    return download(dashboard_sheet(dashboard), export_format, f"{dashboard.plan} {dashboard.period.label()}{scope}")


def period_from_request(request, plan: Plan) -> Period:
    """The period named by ?year=&period= (as on the dashboard), else the plan's default period."""
    try:
        return Period.from_token(int(request.GET["year"]), request.GET["period"])
    except (KeyError, ValueError):
        return default_period(plan)


def period_form(request, plan: Plan) -> tuple[PeriodForm, Period]:
    """The period selector of a goal or measure page and the period it names: the plan's default
    period (the selector showing why) when the address names a year outside the plan."""
    form = PeriodForm(request.GET, plan=plan, default_period=period_from_request(request, plan))
    return form, form.selected_period if form.is_valid() else default_period(plan)


@login_required
@reads_from_replica
def goal_detail(request, pk: int):
    goal = get_object_or_404(readable_goals(request.user), pk=pk)
    form, period = period_form(request, goal.plan)
    context = {"goal": goal, "period": period, "period_form": form, "body_html": goal_fragment(request, goal, period)}
    return render(request, "goalplan/goal_detail.html", context, status=200 if form.is_valid() else 400)


def goal_fragment(request, goal, period: Period) -> str:
    """The goal page's body, from the shared cache when it holds it for the same data."""
    return cached_fragment(
        request,
        name=f"goal-{goal.pk}",
        plan_id=goal.plan_id,
        period=period,
        whole_scope=True,  # the goal's measures for the whole scope, its assessments and its plan
        render=lambda: render_to_string(
            "goalplan/_goal_body.html", {"page": goal_page(goal=goal, period=period, user=request.user)}, request
        ),
    )
