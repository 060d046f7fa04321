"""The budget page per body and year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from budget.selectors import budget_overview, budget_years
from config.routers import reads_from_replica
from goalplan.selectors import visible_bodies


@login_required
@reads_from_replica
def budget_detail(request, body: str, year: int):
    body = get_object_or_404(visible_bodies(request.user), short_name=body)
    years = budget_years(body)
    if year not in years:
        raise Http404
    return render(request, "budget/budget_overview.html", {"overview": budget_overview(body, year), "years": years})
