"""Reads for the meeting calendar page."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from goalplan.models import Body
from goalplan.selectors import visible_bodies, visible_to
from kpis.access import LockedMonths
from kpis.duties import round_figures
from kpis.rounds import ApprovalState
from meetings.models import AgendaItem, FollowUpReport, Meeting, UnitApproval


def calendar_years(body: Body) -> list[int]:
    dates = Meeting.objects.filter(Q(body=body) | Q(plan__body=body)).dates("starts_on", "year", order="DESC")
    return [date.year for date in dates]


def calendar_years_with(body: Body, year: int) -> list[int] | None:
    """The years with a calendar, newest first, including ``year`` when a plan of the body covers
    it (a new draft's calendar may be empty so far); None when the year has no calendar."""
    years = calendar_years(body)
    if year in years:
        return years
    if not body.plans.filter(start_year__lte=year, end_year__gte=year).exists():
        return None
    return sorted({*years, year}, reverse=True)


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
            # With the body's reporting rule (or its absence): each report's round dates.
            Prefetch("reports", queryset=FollowUpReport.objects.select_related("plan", "body__reporting_rule")),
        )
        .order_by("starts_on")
    )


def approved_months() -> LockedMonths:
    """What the approved reports lock, in one query: (plan, year, month) of their plans' figures
    (only administrators may change them, with a reason), and (body, year, month) of their body's
    budget follow-up (by the report's own body, so moving its plan to another body does not
    unlock them). Registered with the write rule in meetings/apps.py."""
    plan_months, body_months = set(), set()
    # Without the frozen content and PDF (hundreds of kB each): asked on every save and import.
    approved = FollowUpReport.objects.filter(state=FollowUpReport.State.APPROVED, plan__isnull=False)
    for report in approved.defer("snapshot", "pdf"):
        months = report.period.months()
        plan_months.update((report.plan_id, year, month) for year, month in months)
        body_months.update((report.body_id, year, month) for year, month in months)
    return LockedMonths(
        plan_months=frozenset(plan_months),
        body_months=frozenset(body_months),
        closed_plan_months=closed_months(),
        unit_months=approved_unit_months(),
    )


def approved_unit_months() -> frozenset[tuple[int, int, int, int | None]]:
    """(plan, year, month, unit or None for the whole plan) of every unit's approved round."""
    approved = UnitApproval.objects.filter(state=UnitApproval.State.APPROVED, report__plan__isnull=False)
    months = set()
    for approval in approved.select_related("report").only(
        "unit_id", "report__plan_id", "report__kind", "report__period_end"
    ):
        report = approval.report
        months.update((report.plan_id, year, month, approval.unit_id) for year, month in report.period.months())
    return frozenset(months)


def closed_months(today=None) -> frozenset[tuple[int, int, int]]:
    """(plan, year, month) of every reporting round past its lock date: closed by themselves."""
    today = today or timezone.localdate()
    closed = set()
    reports = FollowUpReport.objects.filter(plan__isnull=False).select_related("meeting", "body__reporting_rule")
    for report in reports.defer("snapshot", "pdf"):
        locks_on = report.schedule().locks_on
        if locks_on is not None and today >= locks_on:
            closed.update((report.plan_id, year, month) for year, month in report.period.months())
    return frozenset(closed)


def unapproved_scopes(report: FollowUpReport) -> list:
    """The units (None: the whole plan) whose figures the report's round asks for and a controller
    has not approved: the report is approved only when none are left, or with a recorded override."""
    figures = round_figures(report.plan, report.period)
    if not figures.measures:
        return []
    approved = set(
        UnitApproval.objects.filter(report=report, state=UnitApproval.State.APPROVED).values_list("unit_id", flat=True)
    )
    return [scope for scope in figures.scopes if (scope.pk if scope else None) not in approved]


def approval_states(report_ids: list[int]) -> dict:
    """(report, unit or None) → ApprovalState of the rounds' units that have one (registered
    with kpis.rounds in meetings/apps.py, for Min rapportering)."""
    approvals = UnitApproval.objects.filter(report_id__in=report_ids)
    return {
        (a.report_id, a.unit_id): ApprovalState(
            a.state, str(a.get_state_display()), a.comment if a.state == UnitApproval.State.SENT_BACK else ""
        )
        for a in approvals
    }


def readable_reports(user) -> QuerySet[FollowUpReport]:
    """The follow-up reports the person reads (of their bodies, or of their plans' bodies) that
    have a plan in the system: the ones with a page (a report of a year without its plan has none)."""
    reports = FollowUpReport.objects.filter(plan__isnull=False).select_related("body", "plan", "meeting")
    return visible_to(user, reports, "body", "plan__body")


def listed_reports(user) -> QuerySet[FollowUpReport]:
    """The readable reports for the list, newest period first, without their frozen content and PDF."""
    return readable_reports(user).defer("snapshot", "pdf").order_by("-period_end", "body__order", "title")


def calendars_by_body(user) -> list[tuple[Body, list[int]]]:
    """(body, the years of its meeting calendar, newest first) for every body the person reads."""
    return [(body, years) for body in visible_bodies(user).order_by("order", "name") if (years := calendar_years(body))]
