"""The meeting and follow-up calendar per body and year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.pdf import RATE_WINDOW_SECONDS, TooManyRenders
from config.routers import reads_from_replica
from goalplan.roles import is_administrator
from goalplan.selectors import visible_bodies
from kpis.exports import EXPORT_FORMATS, attachment, download
from meetings.board import board_sheet, completeness_board
from meetings.filters import BoardFilterForm
from meetings.models import FollowUpReport
from meetings.pdf_cache import report_pdf_for
from meetings.reports import content_of
from meetings.round_page import RoundPage, round_unit_or_404, take_step
from meetings.selectors import (
    calendar_years_with,
    calendars_by_body,
    listed_reports,
    meetings_of_year,
    readable_reports,
)


@login_required
@reads_from_replica
def calendar(request, body: str, year: int):
    body = get_object_or_404(visible_bodies(request.user), short_name=body)
    years = calendar_years_with(body, year)
    if years is None:
        raise Http404
    context = {"body": body, "year": year, "years": years, "meetings": meetings_of_year(body, year)}
    return render(request, "meetings/calendar.html", context)


@login_required
@reads_from_replica
def report_list(request):
    """Every follow-up report the person reads, newest first, with its state."""
    return render(request, "meetings/report_list.html", {"reports": listed_reports(request.user)})


@login_required
@reads_from_replica
def calendar_index(request):
    """The meeting calendars the person reads, per body and year."""
    return render(request, "meetings/calendar_index.html", {"calendars": calendars_by_body(request.user)})


def _report_or_404(user, pk: int) -> FollowUpReport:
    """The report if the person reads its body or its plan's body, and it has a plan; else 404."""
    return get_object_or_404(readable_reports(user), pk=pk)


@login_required
@reads_from_replica
def report_detail(request, pk: int):
    """The report as a page: what its PDF holds (frozen once approved)."""
    report = _report_or_404(request.user, pk)
    context = {"report": report, "content": content_of(report), "shows_board": is_administrator(request.user)}
    return render(request, "meetings/report_detail.html", context)


@login_required
def completeness(request, pk: int):
    """The round's completeness board, for controllers (administrators)."""
    report = _report_or_404(request.user, pk)
    if not is_administrator(request.user):
        raise PermissionDenied
    filters = BoardFilterForm(request.GET, plan=report.plan)
    data = filters.cleaned_data if filters.is_valid() else {}
    board = completeness_board(report, unit=data.get("unit"), only_missing=bool(data.get("missing")))
    if (export_format := request.GET.get("_export")) in EXPORT_FORMATS:
        return board_download(board, export_format)
    return render(request, "meetings/completeness.html", {"board": board, "filters": filters})


@login_required
def round_unit(request, pk: int, unit: int | None = None):
    """A unit's page in a round (no unit: the whole plan's): figures, analyses, ready, approval."""
    report = _report_or_404(request.user, pk)
    scope = round_unit_or_404(report, unit, request.user)
    if request.method == "POST":
        try:
            messages.success(request, take_step(report, scope, request.user, request.POST))
            return redirect(request.path)
        except ValidationError as error:
            page = RoundPage(report, scope, request.user, bound=request.POST, errors=error.messages)
            return render(request, "meetings/round_unit.html", {"page": page}, status=400)
    return render(request, "meetings/round_unit.html", {"page": RoundPage(report, scope, request.user)})


def board_download(board, export_format: str) -> HttpResponse:
    return download(board_sheet(board), export_format, f"{_('Completeness')} {board.report.title}")


@login_required
def report_download(request, pk: int):
    report = _report_or_404(request.user, pk)
    try:
        pdf = report_pdf_for(report=report, user=request.user)
    except TooManyRenders:
        response = render(request, "meetings/too_many_reports.html", {"report": report}, status=429)
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(report.title, "pdf")
    return response
