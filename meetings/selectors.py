"""Reads for the meeting calendar page."""

from django.db.models import Prefetch, Q, QuerySet

from goalplan.models import Body
from meetings.models import AgendaItem, FollowUpReport, Meeting


def calendar_years(body: Body) -> list[int]:
    dates = Meeting.objects.filter(Q(body=body) | Q(plan__body=body)).dates("starts_on", "year", order="DESC")
    return [date.year for date in dates]


def meetings_of_year(body: Body, year: int) -> QuerySet[Meeting]:
    """The body's meetings in a year, and the joint days its plan lists, with items and reports."""
    return (
        Meeting.objects.filter(Q(body=body) | Q(plan__body=body), starts_on__year=year)
        .select_related("body", "plan")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related("goals", "measures").order_by("-category", "order", "pk"),
            ),
            Prefetch("reports", queryset=FollowUpReport.objects.select_related("plan")),
        )
        .order_by("starts_on")
    )


def locked_months() -> set[tuple[int, int, int]]:
    """(plan, year, month) whose outcomes are in an approved report: only administrators may
    change them, with a reason."""
    locked = set()
    for report in FollowUpReport.objects.filter(state=FollowUpReport.State.APPROVED, plan__isnull=False):
        locked.update((report.plan_id, year, month) for year, month in report.period.months())
    return locked


def locked_body_months() -> set[tuple[int, int, int]]:
    """(body, year, month) printed by an approved report of the body (its budget follow-up): by
    the report's own body, so moving its plan to another body does not unlock them."""
    locked = set()
    for report in FollowUpReport.objects.filter(state=FollowUpReport.State.APPROVED, plan__isnull=False):
        locked.update((report.body_id, year, month) for year, month in report.period.months())
    return locked
