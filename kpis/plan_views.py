"""Committee pages for a plan and a goal: thin views over kpis.pages, kpis.dashboard and the status engine."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from config.routers import reads_from_replica
from goalplan.forms import DashboardFilterForm
from goalplan.models import Plan
from goalplan.periods import Period
from goalplan.selectors import plans_for_user
from kpis.cache import cached_fragment
from kpis.dashboard import DASHBOARD_EXPORT_FORMATS, Dashboard, dashboard_dataset, default_period, plan_dashboard
from kpis.pages import goal_page, plan_page, readable_goals


@login_required
@reads_from_replica
def plan_detail(request, pk: int):
    # Visibility first: a plan the person may not read is a 404 before any cached page is read.
    plan = get_object_or_404(plans_for_user(request.user), pk=pk)
    form = DashboardFilterForm(request.GET, plan=plan, default_period=period_from_request(request, plan))
    valid = form.is_valid()
    if valid and (export_format := request.GET.get("_export")) in DASHBOARD_EXPORT_FORMATS:
        return dashboard_download(filtered_dashboard(plan, form), export_format)
    dashboard_html = dashboard_fragment(request, plan, form) if valid else None
    page = plan_page(plan=plan, form=form, dashboard_html=dashboard_html, user=request.user)
    return render(request, "goalplan/plan_dashboard.html", {"page": page}, status=200 if valid else 400)


def dashboard_fragment(request, plan: Plan, form: DashboardFilterForm) -> str:
    """The rendered dashboard, from the shared cache when it holds it for the same data and filters."""
    return cached_fragment(
        request,
        name=f"dashboard-{plan.pk}",
        plan_id=plan.pk,
        period=form.selected_period,
        # A unit's dashboard reads the unit's figures and the whole scope's (its goals): neither
        # moves when another unit's figures do.
        whole_scope=True,
        unit_id=form.cleaned_data["unit"].pk if form.cleaned_data["unit"] else None,
        render=lambda: render_to_string(
            "goalplan/_dashboard_body.html",
            {"dashboard": filtered_dashboard(plan, form), "plan": plan},
            request=request,
        ),
    )


def filtered_dashboard(plan: Plan, form: DashboardFilterForm) -> Dashboard:
    """The dashboard for the period, goal area, status and unit the (valid) filter form names."""
    data = form.cleaned_data
    return plan_dashboard(plan, form.selected_period, area=data["area"], status=data["status"], unit=data["unit"])


def dashboard_download(dashboard: Dashboard, export_format: str) -> HttpResponse:
    """The dashboard grid as a CSV or XLSX attachment."""
    response = HttpResponse(
        dashboard_dataset(dashboard).export(export_format), content_type=DASHBOARD_EXPORT_FORMATS[export_format]
    )
    name = f"oversikt-{dashboard.plan.pk}-{dashboard.period.token}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def period_from_request(request, plan: Plan) -> Period:
    """The period named by ?year=&period= (as on the dashboard), else the plan's default period."""
    try:
        return Period.from_token(int(request.GET["year"]), request.GET["period"])
    except (KeyError, ValueError):
        return default_period(plan)


@login_required
@reads_from_replica
def goal_detail(request, pk: int):
    goal = get_object_or_404(readable_goals(request.user), pk=pk)
    period = period_from_request(request, goal.plan)
    body_html = cached_fragment(
        request,
        name=f"goal-{goal.pk}",
        plan_id=goal.plan_id,
        period=period,
        whole_scope=True,  # the goal's measures for the whole scope, its assessments and its plan
        render=lambda: render_to_string(
            "goalplan/_goal_body.html", {"page": goal_page(goal=goal, period=period, user=request.user)}, request
        ),
    )
    return render(request, "goalplan/goal_detail.html", {"goal": goal, "period": period, "body_html": body_html})
