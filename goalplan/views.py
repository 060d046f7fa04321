"""The list of plans (a plan's and a goal's pages, which show figures, are kpis.plan_views)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from config.routers import reads_from_replica
from goalplan.selectors import plans_for_user


@login_required
@reads_from_replica
def plan_list(request):
    return render(
        request,
        "goalplan/plan_list.html",
        {
            "plans": plans_for_user(request.user),
            "by_membership": settings.COMMITTEE_PAGES_VISIBILITY == "members",
        },
    )
