"""The meeting and follow-up calendar per body and year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from goalplan.models import Body
from meetings.selectors import calendar_years, meetings_of_year


@login_required
def calendar(request, body: str, year: int):
    body = get_object_or_404(Body, short_name=body)
    years = calendar_years(body)
    if year not in years:
        raise Http404
    return render(request, "meetings/calendar.html", {
        "body": body, "year": year, "years": years, "meetings": meetings_of_year(body, year),
    })
