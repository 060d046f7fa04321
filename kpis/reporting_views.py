"""'Min rapportering': the signed-in person's figures to report in the rounds open now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kpis.my_reporting import goal_analysis_tasks, reporting_tasks


@login_required
def my_reporting(request):
    context = {"tasks": reporting_tasks(request.user), "goal_tasks": goal_analysis_tasks(request.user)}
    return render(request, "kpis/my_reporting.html", context)
