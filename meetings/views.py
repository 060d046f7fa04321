"""The meeting and follow-up calendar per body and year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from config.routers import reads_from_replica
from goalplan.models import Body
from meetings.models import FollowUpReport
from meetings.reports import content_of
from meetings.selectors import calendar_years, meetings_of_year
from meetings.services import report_pdf


@login_required
@reads_from_replica
def calendar(request, body: str, year: int):
    body = get_object_or_404(Body, short_name=body)
    years = calendar_years(body)
    if year not in years:
        raise Http404
    return render(request, "meetings/calendar.html", {
        "body": body, "year": year, "years": years, "meetings": meetings_of_year(body, year),
    })


def _report_or_404(pk: int) -> FollowUpReport:
    report = get_object_or_404(FollowUpReport.objects.select_related("body", "plan", "meeting"), pk=pk)
    if report.plan_id is None:
        raise Http404
    return report


@login_required
@reads_from_replica
def report_detail(request, pk: int):
    """The report as a page: what its PDF holds (frozen once approved)."""
    report = _report_or_404(pk)
    return render(request, "meetings/report_detail.html", {"report": report, "content": content_of(report)})


@login_required
def report_download(request, pk: int):
    report = _report_or_404(pk)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(report.title)[:80] or report.pk}.pdf"'
    return response
