"""'Min rapportering': the signed-in person's figures to report in the rounds open now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kpis.my_reporting import reporting_tasks


@login_required
def my_reporting(request):
    return render(request, "kpis/my_reporting.html", {"tasks": reporting_tasks(request.user)})
