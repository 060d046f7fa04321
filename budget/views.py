"""The budget page per body and year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from budget.selectors import budget_overview, budget_years, budgets_by_body
from config.routers import reads_from_replica
from goalplan.selectors import readable_plan_ids, visible_bodies


@login_required
@reads_from_replica
def budget_detail(request, body: str, year: int):
    body = get_object_or_404(visible_bodies(request.user), short_name=body)
    years = budget_years(body)
    if year not in years:
        raise Http404
    overview = budget_overview(body, year)
    plan_readable = overview.frame is not None and overview.frame.plan_id in readable_plan_ids(request.user)
    return render(
        request, "budget/budget_overview.html", {"overview": overview, "years": years, "plan_readable": plan_readable}
    )


@login_required
@reads_from_replica
def budget_index(request):
    """The budgets the person reads, per body and year."""
    return render(request, "budget/budget_index.html", {"budgets": budgets_by_body(request.user)})
